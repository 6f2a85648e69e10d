"""Answer-key authoring: transcript -> the facilitator's key -> coachkit validate -> list_sessions."""

from __future__ import annotations

import pytest

import coachkit as ck
from coachkit.cli import main
from coachkit.transcripts import load_transcript
from coachkit.widgets.keyeditor import DEMO_TRANSCRIPT, KeyDraft, KeyEditor, default_library


def _rate_everything(mark, session):
    """Heard: every third marker is not; the lines are spread over the session, each with a note."""
    lines = [u.id for u in session.utterances]
    for i, marker in enumerate(ck.framework().marker_ids):
        if i % 3 == 0:
            mark(marker, False, [lines[(i * 5) % len(lines)]], f"{marker}: could have been shown here")
        else:
            mark(marker, True, [lines[(i * 7) % len(lines)]], f"{marker}: heard in this line")


def test_transcript_to_key_to_validate_to_list_sessions(tmp_path, monkeypatch, capsys):
    session = load_transcript(DEMO_TRANSCRIPT, coach="Sam", speakers={"Zoom User 3": "Elif"})
    draft = KeyDraft(session, assessor="Mira", title="Elif and the regional office")
    _rate_everything(draft.mark, session)
    draft.set_level("PCC")
    draft.summary = "A practice key for the demo."
    draft.consent = "fictional"
    assert draft.problems() == []
    library = tmp_path / "my-library"
    folder = draft.save(library)
    assert folder == library / "elif-and-the-regional-office"

    # coachkit validate, as the facilitator would run it
    assert main(["validate", str(folder)]) == 0
    assert "ok" in capsys.readouterr().out

    # list_sessions finds it once the folder is in COACHKIT_LIBRARY
    monkeypatch.setenv("COACHKIT_LIBRARY", str(library))
    table = ck.list_sessions()
    row = table[table["id"] == "elif-and-the-regional-office"].iloc[0]
    assert (row["title"], row["kind"], row["level"], row["library"]) == (
        "Elif and the regional office", "full", "PCC", str(library))

    # the key cites the same words, though write_session renumbered the turns
    loaded = ck.load_session("elif-and-the-regional-office")
    assert loaded.key.assessor == "Mira" and loaded.key.version == 1 and len(loaded.key.decisions) == 37
    for marker, mark in draft.controller.sheet.marks.items():
        d = loaded.key.decisions[marker]
        cited = d.evidence if mark.evidenced else d.opportunity
        assert [loaded.utterance(u).text for u in cited] == [session.utterance(u).text for u in mark.evidence]
        assert d.evidenced is mark.evidenced and d.note == mark.note
    # and a learner can now be compared with it
    sheet = ck.RatingSheet(loaded.id, "Ana", rater_id="a1")
    sheet.mark("3.2", True)
    assert ck.compare(sheet, loaded).n_decided == 1


def test_an_unfinished_key_says_what_is_missing_and_writes_nothing(tmp_path):
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira")
    draft.mark("3.1", True, [], "asks what she wants")
    draft.mark("3.2", False, [], "")
    problems = draft.problems()
    assert any("still open or unsure: 3.3" in p for p in problems)
    assert any("no lines yet: 3.1" in p for p in problems)
    assert any("no note yet: 3.2" in p for p in problems)
    assert any("level" in p for p in problems) and any("summary" in p for p in problems)
    with pytest.raises(ck.CoachkitError, match="the key is not finished"):
        draft.save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_evidence_must_be_lines_of_the_transcript():
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira")
    with pytest.raises(ck.CoachkitError, match="'u999' is not a line of this session"):
        draft.mark("4.1", True, ["u999"], "x")


def test_saving_again_needs_replace_and_raises_the_version(tmp_path):
    session = load_transcript(DEMO_TRANSCRIPT, coach="Sam")
    draft = KeyDraft(session, assessor="Mira", title="Demo key")
    _rate_everything(draft.mark, session)
    draft.set_level("ACC")
    draft.summary = "First take."
    folder = draft.save(tmp_path)
    with pytest.raises(ck.CoachkitError, match="already holds a session"):
        draft.save(tmp_path)
    draft.summary = "Second take."
    draft.save(tmp_path, overwrite=True)
    again = ck.load_session(folder)
    assert again.key.version == 2 and again.key.summary == "Second take."


def test_the_editor_widget_round_trip_writes_under_coachkit_home_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    assert default_library() == tmp_path / "home" / "library"
    editor = KeyEditor.demo(assessor="Mira")
    assert editor.library.value == str(tmp_path / "home" / "library")
    assert editor.form.start("Mira")
    assert "not finished" not in editor.result.value
    assert editor.check()  # nothing rated yet

    def mark(marker, evidenced, lines, note):
        editor.form.set_mark(marker, evidenced)
        editor.form.set_evidence(marker, lines)
        editor.form.set_note(marker, note)

    _rate_everything(mark, editor.draft.session)
    editor.form.level.value = "MCC"
    editor.summary.value = "Demo: the client leads."
    assert editor.check() == []
    folder = editor.save()
    assert folder == tmp_path / "home" / "library" / "elif-and-the-regional-office-demo"
    assert "passes" in editor.result.value and "elif-and-the-regional-office-demo" in editor.result.value
    assert ck.library.validate_paths([folder]) == []
    assert "COACHKIT_LIBRARY" not in __import__("os").environ  # the listing check restored it
    loaded = ck.load_session(folder)
    assert loaded.meta["client"] == "Elif" and loaded.meta["consent"] == "fictional" and loaded.level == "MCC"


def test_the_editor_reports_a_bad_transcript(tmp_path):
    bad = tmp_path / "call.vtt"
    bad.write_text("WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nSam: hi\n")
    editor = KeyEditor(bad, coach="Sam")
    assert editor.draft is None and "call.vtt" in editor.message.value

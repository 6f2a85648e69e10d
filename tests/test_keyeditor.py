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
    marks = dict(draft.controller.sheet.marks)
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
    for marker, mark in marks.items():
        d = loaded.key.decisions[marker]
        cited = d.evidence if mark.evidenced else d.opportunity
        assert [loaded.utterance(u).text for u in cited] == [session.utterance(u).text for u in mark.evidence]
        assert d.evidenced is mark.evidenced and d.note == mark.note
    # and a learner can now be compared with it
    sheet = ck.RatingSheet(loaded.id, "Ana", rater_id="a1")
    sheet.mark("3.2", True)
    assert ck.compare(sheet, loaded).n_decided == 1


def test_an_unfinished_key_says_what_is_missing_in_plain_words_and_writes_nothing(tmp_path):
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira")
    assert any("decide at least one marker" in p for p in draft.problems())
    draft.mark("3.1", True, [], "asks what she wants")
    draft.mark("3.2", False, [], "")
    problems = draft.problems()
    assert any("no lines yet: 3.1" in p for p in problems)
    assert not any("note" in p for p in problems)  # a note is welcome, never required
    assert any("level" in p for p in problems) and any("summary" in p for p in problems)
    assert any("title" in p for p in problems)  # the file name is not a title
    with pytest.raises(ck.CoachkitError, match="the key is not finished"):
        draft.save(tmp_path)
    assert list(tmp_path.iterdir()) == []
    for p in problems:
        assert "overwrite=True" not in p and "COACHKIT_LIBRARY" not in p and "list_sessions" not in p


def test_a_key_deciding_some_markers_saves_as_an_excerpt_about_them(tmp_path):
    session = load_transcript(DEMO_TRANSCRIPT, coach="Sam")
    draft = KeyDraft(session, assessor="Mira", title="Elif: support and silence")
    draft.mark("4.2", True, ["u5"])
    draft.mark("5.5", False, [])
    draft.set_level("PCC")
    draft.summary = "Two markers only."
    assert draft.kind == "excerpt" and "2 of 37" in draft.describe()
    folder = draft.save(tmp_path)
    saved = ck.load_session(folder)
    assert saved.kind == "excerpt" and saved.focus == ("4.2", "5.5")
    assert set(saved.key.decisions) == {"4.2", "5.5"}
    assert saved.key.decisions["5.5"].note  # a plain note stands in where none was written
    assert ck.library.validate_paths([folder]) == []


def test_title_and_id_are_apart(tmp_path):
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira", title="Elif's big call")
    assert draft.session_id == "elif-s-big-call"
    draft.session_id = "Elif 2026/03"
    assert draft.session_id == "elif-2026-03"  # always a slug, never a path
    draft.title = "Elif and the regional office"
    assert draft.session_id == "elif-2026-03"  # the id stays when the title changes
    _rate_everything(draft.mark, draft.session)
    draft.set_level("ACC")
    draft.summary = "x"
    assert draft.save(tmp_path).name == "elif-2026-03"
    assert ck.load_session(tmp_path / "elif-2026-03").title == "Elif and the regional office"


def test_an_id_already_in_the_sample_library_is_refused_in_plain_words(tmp_path):
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira", title="x")
    draft.session_id = ck.list_sessions()["id"].iloc[0]
    assert any("already used by a session in the sample library" in p for p in draft.problems(tmp_path))


def test_the_draft_survives_a_reload_and_a_saved_key_reopens_to_fix_one_marker(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    editor = KeyEditor.demo(assessor="Mira")
    assert editor.form.start("Mira")
    _rate_everything(lambda m, e, lines, note: (editor.form.set_mark(m, e), editor.form.set_evidence(m, lines),
                                                editor.form.set_note(m, note)), editor.draft.session)
    editor.form.level.value = "PCC"
    editor.summary.value = "Half-way through the summary"

    again = KeyEditor.demo(assessor="Mira")  # a reload: a new kernel, the same transcript
    assert len(again.draft.decided) == 37 and again.draft.level == "PCC"
    assert again.summary.value == "Half-way through the summary"
    assert again.form.n_decided == 37 and again.form.level.value == "PCC"
    folder = again.save()
    assert folder is not None and ck.load_session(folder).key.version == 1

    # a new day: open the saved key, fix one marker, save; the version rises, the other 36 stay
    later = KeyEditor(assessor="Mira")
    choice = next(v for label, v in later.earlier.options if v == f"saved:{folder.name}")
    later.open_earlier(choice)
    assert later.draft.saved_folder == folder and later.replace_box.value
    before = ck.load_session(folder).key.decisions
    later.form.set_mark("3.1", False)
    assert later.save() == folder
    fixed = ck.load_session(folder)
    assert fixed.key.version == 2 and fixed.key.decisions["3.1"].evidenced is False
    assert all(fixed.key.decisions[m].evidenced == before[m].evidenced for m in before if m != "3.1")
    assert "COACHKIT_LIBRARY" not in later.result.value and "overwrite" not in later.result.value
    assert "Lessons 03 and 07 list it now" in later.result.value


def test_the_observation_report_form_writes_a_complete_report_to_download(tmp_path, monkeypatch):
    from coachkit.widgets.keyeditor import ObservationReportForm

    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    form = ObservationReportForm.sample()
    path = form.write()
    html = path.read_text(encoding="utf-8")
    assert form.download.filename == path.name and form.download.data == path.read_bytes()
    assert "Mira" in html and "None noted" not in html and "not rated" not in html
    assert "Development points" in html and "Stay with her view" in html


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
    other = KeyDraft(session, assessor="Mira", title="Demo key")  # someone else's draft, same id
    _rate_everything(other.mark, session)
    other.set_level("ACC")
    other.summary = "x"
    with pytest.raises(ck.CoachkitError, match="already has a session with the id 'demo-key'"):
        other.save(tmp_path)
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
    assert "COACHKIT_LIBRARY" not in editor.result.value
    assert ck.library.validate_paths([folder]) == []
    assert "COACHKIT_LIBRARY" not in __import__("os").environ  # the listing check restored it
    loaded = ck.load_session(folder)
    assert loaded.meta["client"] == "Elif" and loaded.meta["consent"] == "fictional" and loaded.level == "MCC"


def test_the_editor_reports_a_bad_transcript(tmp_path):
    bad = tmp_path / "call.vtt"
    bad.write_text("WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nSam: hi\n")
    editor = KeyEditor(bad, coach="Sam")
    assert editor.draft is None and "call.vtt" in editor.message.value


def _upload(name: str, content: bytes):
    import datetime

    return ({"name": name, "content": content, "type": "", "size": len(content),
             "last_modified": datetime.datetime.now()},)


def test_uploads_are_named_as_the_coach_named_them_and_a_recording_feeds_the_player(tmp_path, monkeypatch):
    import math
    import struct
    import wave

    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    editor = KeyEditor.demo()
    wav = tmp_path / "rec.wav"
    with wave.open(str(wav), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(8000)
        f.writeframes(b"".join(struct.pack("<h", int(2000 * math.sin(i / 7))) for i in range(8000)))
    editor.recording.value = _upload("Our call.wav", wav.read_bytes())
    assert editor.transcript.audio == wav.read_bytes() and "Our call.wav" in editor.message.value
    editor.upload.value = _upload("my call.vtt", b"WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nSam: hi\n")
    assert "my call.vtt:4" in editor.message.value and "coachkit-key-" not in editor.message.value
    assert editor.area.children == () and editor.draft is None  # the last transcript's work is not shown


def test_a_mentor_key_carries_competency_calls_all_six_or_none(tmp_path, monkeypatch):
    """Issue 15: the key editor carries the per-competency calls into the saved key, and reopens them."""
    from coachkit.authoring import DEMO_TRANSCRIPT, KeyDraft
    from coachkit.framework import framework
    from coachkit.transcripts import load_transcript

    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira", title="Elif's call")
    for m in framework().marker_ids:
        draft.mark(m, False, [], "")
    draft.set_level("ACC")
    draft.summary = "A steady ACC session."
    draft.call_competency(3, "PCC")
    assert any("call every competency's depth or none" in p for p in draft.problems(tmp_path / "lib"))
    for n in (4, 5, 6, 7, 8):
        draft.call_competency(n, "ACC")
    folder = draft.save(tmp_path / "lib")
    saved = ck.load_session(folder)
    assert {n: c.level for n, c in saved.key.competencies.items()} == {3: "PCC", 4: "ACC", 5: "ACC", 6: "ACC",
                                                                        7: "ACC", 8: "ACC"}
    again = KeyDraft.from_saved(folder, keep=False)
    assert again.competency_calls[3] == "PCC"

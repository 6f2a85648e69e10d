"""The session library: the format is checked on load, every problem names its file and line, the
shipped sessions load (also from an installed wheel), and a written session reads back the same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from coachkit import CoachkitError, FormatError
from coachkit.framework import framework
from coachkit.library import list_sessions, load_session, validate, validate_paths, write_session
from coachkit.model import AnswerKey, Decision, Session, Utterance

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "sample_sessions"

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Sam: What would you like to leave with today?

2
00:00:05.000 --> 00:00:09.000
Maya: Clarity about the promotion.

3
00:00:09.500 --> 00:00:12.000
Maya: I keep going back and forth.

4
00:00:15.000 --> 00:00:18.000
Sam: You have thought hard about this already.

5
00:00:19.000 --> 00:00:25.000
Maya: I have. I never told anyone that I am scared.
"""

YAML = """format: coachkit-session/1
id: zz-maya-demo
title: Maya weighs a promotion
kind: excerpt
level: PCC
topic: career
focus: ["3.1", "4.1"]
description: A short demo excerpt.
transcript: transcript.vtt
coach: Sam
client: Maya
consent: fictional
scenario: maya-promotion
key:
  version: 2
  assessor: test key
  level: PCC
  summary: Short and clear.
  decisions:
    "3.1":
      evidenced: true
      evidence: [u1]
      note: Asks what she wants.
    "4.1":
      evidenced: true
      evidence: [u4]
      opportunity: [u2]
      note: Names her work.
"""


def _session(parent: Path, sid: str = "zz-maya-demo", yaml: str = YAML, vtt: str = VTT) -> Path:
    folder = parent / sid
    folder.mkdir(parents=True)
    (folder / "session.yaml").write_text(yaml.replace("zz-maya-demo", sid), encoding="utf-8")
    (folder / "transcript.vtt").write_text(vtt, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _own_library(monkeypatch, tmp_path, request):
    """Each test sees only the sessions it makes (the shipped ones only in the tests about them)."""
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    if "shipped" not in request.node.name:
        from coachkit import library

        monkeypatch.setattr(library, "_packaged_dir", lambda: tmp_path / "no-samples")
        monkeypatch.setattr(library, "_checkout_dir", lambda: tmp_path / "no-samples")


def test_a_good_session_loads_with_everything_the_lessons_need(tmp_path):
    s = load_session(_session(tmp_path))
    assert (s.id, s.title, s.kind, s.level, s.focus, s.topic) == (
        "zz-maya-demo", "Maya weighs a promotion", "excerpt", "PCC", ("3.1", "4.1"), "career",
    )
    # consecutive cues of one speaker are one turn that keeps its first cue's id
    assert [u.id for u in s.utterances] == ["u1", "u2", "u4", "u5"]
    assert [u.speaker for u in s.utterances] == ["coach", "client", "coach", "client"]
    assert s.utterance("u2").text == "Clarity about the promotion. I keep going back and forth."
    assert s.key.version == 2 and s.key.level == "PCC" and s.key.assessor == "test key"
    assert s.key.decisions["4.1"] == Decision(True, ("u4",), "Names her work.", ("u2",))
    assert dict(s.meta) == {"coach": "Sam", "client": "Maya", "consent": "fictional", "scenario": "maya-promotion"}
    assert s.description == "A short demo excerpt."
    assert s.minutes == 0.4


def test_a_session_loads_from_its_session_yaml_and_by_id(tmp_path, monkeypatch):
    folder = _session(tmp_path / "lib")
    assert load_session(folder / "session.yaml").id == "zz-maya-demo"
    monkeypatch.setenv("COACHKIT_LIBRARY", str(tmp_path / "lib"))
    assert load_session("zz-maya-demo").title == "Maya weighs a promotion"
    assert validate("zz-maya-demo").id == "zz-maya-demo"


def _line(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the fixture")


# (what is broken, old text, new text, file, the text on the line the error names, part of the message)
YAML_CASES = [
    ("unknown field", "title: Maya", "colour: blue\ntitle: Maya", "session.yaml", "colour", "unknown field 'colour'"),
    ("typo gets a hint", "topic: career", "topik: career", "session.yaml", "topik", "did you mean 'topic'"),
    ("missing field", "consent: fictional\n", "", "session.yaml", "format:", "missing the field 'consent'"),
    ("wrong type", "title: Maya weighs a promotion", "title: [a, b]", "session.yaml", "title:", "'title' in session.yaml must be text"),
    ("format", "coachkit-session/1", "coachkit-session/2", "session.yaml", "format:", "unknown format"),
    ("id is not the folder", "id: zz-maya-demo", "id: zz-maya-other", "session.yaml", "id:", "differs from the folder's name"),
    ("kind", "kind: excerpt", "kind: snippet", "session.yaml", "kind:", "unknown kind 'snippet'"),
    ("level", "\nlevel: PCC", "\nlevel: Gold", "session.yaml", "level: Gold", "unknown level 'Gold'"),
    ("consent", "consent: fictional", "consent: public", "session.yaml", "consent:", "unknown consent 'public'"),
    ("focus marker", '["3.1", "4.1"]', '["3.1", "9.9"]', "session.yaml", "focus:", "unknown marker '9.9'"),
    ("excerpt without focus", 'focus: ["3.1", "4.1"]', "focus: []", "session.yaml", "focus:", "at least one focus marker"),
    ("coach not a speaker", "coach: Sam", "coach: Samuel", "session.yaml", "coach:", "'Samuel' does not speak"),
    ("client not a speaker", "client: Maya", "client: Mia", "session.yaml", "client:", "'Mia' does not speak"),
    ("transcript missing", "transcript: transcript.vtt", "transcript: other.vtt", "session.yaml", "transcript:", "'other.vtt' is not in"),
    ("key version", "version: 2", "version: 0", "session.yaml", "version:", "version must be 1 or more"),
    ("key level", "  level: PCC", "  level: Gold", "session.yaml", "  level: Gold", "unknown level 'Gold' in the answer key"),
    ("key level differs", "  level: PCC", "  level: MCC", "session.yaml", "  level: MCC", "differs from the session's level"),
    ("key summary missing", "  summary: Short and clear.\n", "", "session.yaml", "version:", "missing the field 'summary'"),
    ("unknown marker in key", '"4.1":\n      evidenced', '"4.9":\n      evidenced', "session.yaml", '"4.9"', "unknown marker '4.9'"),
    ("focus marker undecided", '"4.1":\n      evidenced', '"4.2":\n      evidenced', "session.yaml", "decisions:", "missing: 4.1"),
    ("empty note", "note: Asks what she wants.", 'note: ""', "session.yaml", 'note: ""', "empty note"),
    ("missing note", "      note: Asks what she wants.\n", "", "session.yaml", "evidenced: true", "missing the field 'note'"),
    ("evidenced without evidence", "      evidence: [u1]\n", "", "session.yaml", "evidenced: true", "cites no evidence"),
    ("not evidenced but evidence", "evidenced: true\n      evidence: [u4]", "evidenced: false\n      evidence: [u4]",
     "session.yaml", "evidence: [u4]", "under 'opportunity'"),
    ("evidence does not exist", "evidence: [u1]", "evidence: [u9]", "session.yaml", "[u9]", "no utterance u9"),
    ("evidence inside a merged turn", "evidence: [u1]", "evidence: [u3]", "session.yaml", "[u3]", "part of the turn u2"),
    ("evidence not an id", "evidence: [u1]", "evidence: [1]", "session.yaml", "evidence: [1]", "utterance ids such as u12"),
    ("evidence twice", "evidence: [u1]", "evidence: [u1, u1]", "session.yaml", "[u1, u1]", "u1 is listed twice"),
    ("opportunity does not exist", "opportunity: [u2]", "opportunity: [u42]", "session.yaml", "[u42]", "no utterance u42"),
    ("not YAML", "title: Maya weighs a promotion", 'title: "unclosed', "session.yaml", None, "not valid YAML"),
    ("a key twice", "topic: career", "topic: career\ntopic: money", "session.yaml", "topic: money", "'topic' appears twice"),
]


@pytest.mark.parametrize(("old", "new", "file", "at", "message"), [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_every_problem_in_session_yaml_names_file_and_line(tmp_path, old, new, file, at, message):
    assert old in YAML
    text = YAML.replace(old, new, 1)
    folder = _session(tmp_path, yaml=text)
    problems = validate_paths([folder])
    where = [(Path(p.path).name, p.line, p.reason) for p in problems]
    if at is not None:
        line = _line(text, at)
        assert any(f == file and ln == line and message in r for f, ln, r in where), where
    else:
        assert any(f == file and ln is not None and message in r for f, ln, r in where), where
    with pytest.raises(FormatError) as err:
        load_session(folder)
    assert str(err.value).startswith(str(folder / file) + ":")


# (what is broken, old text, new text, the text on the line the error names, part of the message)
VTT_CASES = [
    ("ends before it starts", "00:00:15.000 --> 00:00:18.000", "00:00:15.000 --> 00:00:14.000", "00:00:15.000 -->", "ends"),
    ("ends as it starts", "00:00:15.000 --> 00:00:18.000", "00:00:15.000 --> 00:00:15.000", "00:00:15.000 -->", "not after it starts"),
    ("start goes backwards", "00:00:15.000 --> 00:00:18.000", "00:00:08.000 --> 00:00:18.000", "00:00:08.000 -->", "before"),
    ("timing does not parse", "00:00:15.000 --> 00:00:18.000", "00:00:15.000 --> soon", "--> soon", ""),
]


@pytest.mark.parametrize(("old", "new", "at", "message"), [c[1:] for c in VTT_CASES], ids=[c[0] for c in VTT_CASES])
def test_every_problem_in_the_transcript_names_file_and_line(tmp_path, old, new, at, message):
    text = VTT.replace(old, new)
    folder = _session(tmp_path, vtt=text)
    problems = validate_paths([folder])
    line = _line(text, at)
    assert any(Path(p.path).name == "transcript.vtt" and p.line == line and message in p.reason for p in problems), problems
    with pytest.raises(FormatError, match=r"transcript\.vtt:\d+:"):
        load_session(folder)


def test_overlapping_cues_are_allowed(tmp_path):
    folder = _session(tmp_path, vtt=VTT.replace("00:00:15.000 --> 00:00:18.000", "00:00:11.000 --> 00:00:18.000"))
    assert load_session(folder).utterance("u4").start == 11.0


def test_all_problems_are_collected_and_load_says_how_many_more(tmp_path):
    text = YAML.replace("kind: excerpt", "kind: snippet").replace("consent: fictional", "consent: public")
    text = text.replace("evidence: [u1]", "evidence: [u9]")
    folder = _session(tmp_path, yaml=text)
    problems = validate_paths([folder])
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert len(problems) == 3
    with pytest.raises(FormatError, match=r"and 2 more problems: coachkit validate"):
        load_session(folder)


def _full_key(level: str, evidence: str = "u1") -> AnswerKey:
    decisions = {m: Decision(True, (evidence,), f"Heard {m}.") for m in framework().marker_ids}
    return AnswerKey(level, "A full session.", 1, decisions, assessor="test key")


TALK = (
    Utterance("u1", "coach", "Sam", 1.0, 4.0, "What would you like to leave with today?"),
    Utterance("u3", "client", "Maya", 5.0, 9.0, "Clarity about the promotion. I keep going back and forth."),
    Utterance("u7", "coach", "Sam", 15.0, 18.0, "You have thought hard about this already."),
    Utterance("u8", "client", "Maya", 19.0, 25.0, "I have. I never told anyone that I am scared."),
)


def test_a_full_session_must_decide_all_37_markers(tmp_path):
    folder = tmp_path / "zz-full"
    write_session(Session("x", "Full", "full", "PCC", (), "career", TALK, _full_key("PCC")), folder, consent="fictional")
    text = (folder / "session.yaml").read_text()
    start = text.index("    '8.9':")
    (folder / "session.yaml").write_text(text[:start], encoding="utf-8")
    problems = validate_paths([folder])
    assert [(p.line, p.reason) for p in problems] == [
        (_line(text, "decisions:"), "a full session's key decides all 37 markers; missing: 8.9")
    ]


def test_a_full_session_has_no_focus(tmp_path):
    folder = _session(tmp_path, yaml=YAML.replace("kind: excerpt", "kind: full"))
    reasons = [p.reason for p in validate_paths([folder])]
    assert any("a full session has no focus markers" in r for r in reasons)
    assert any("decides all 37 markers" in r for r in reasons)


def test_unknown_id_names_the_closest_sessions(tmp_path, monkeypatch):
    _session(tmp_path / "lib", "zz-maya-demo")
    monkeypatch.setenv("COACHKIT_LIBRARY", str(tmp_path / "lib"))
    with pytest.raises(CoachkitError, match="no session 'zz-maya-dem' in the library. Did you mean: zz-maya-demo"):
        load_session("zz-maya-dem")


def test_a_session_id_found_twice_names_both_files(tmp_path, monkeypatch):
    one = _session(tmp_path / "one", "zz-twice")
    two = _session(tmp_path / "two", "zz-twice")
    _session(tmp_path / "two", "zz-fine")
    monkeypatch.setenv("COACHKIT_LIBRARY", os.pathsep.join([str(tmp_path / "one"), str(tmp_path / "two")]))
    # the rest of the library is still listed; the twice-found id is left out and named with both files
    table = list_sessions()
    assert list(table["id"]) == ["zz-fine"]
    [problem] = table.attrs["problems"]
    assert str(one / "session.yaml") in problem and str(two / "session.yaml") in problem
    with pytest.raises(CoachkitError, match="found twice"):
        load_session("zz-twice")


def test_a_library_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_LIBRARY", str(tmp_path / "no-such-folder"))
    with pytest.raises(CoachkitError, match="COACHKIT_LIBRARY names .*no-such-folder, which is not a folder"):
        list_sessions()


def test_list_sessions_is_a_neutral_table_that_notices_new_and_changed_sessions(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    for sid, level, title in (("zz-b", "MCC", "Aoife"), ("zz-a", "ACC", "Caro"), ("zz-c", "below", "Bea")):
        write_session(Session("x", title, "full", level, (), "career", TALK, _full_key(level)), lib / sid, consent="fictional")
    _session(lib, "zz-e-excerpt", yaml=YAML.replace('["3.1", "4.1"]', '["4.1", "3.1"]'))
    table = list_sessions()
    assert list(table.columns) == ["id", "title", "kind", "level", "minutes", "focus", "topic", "library"]
    assert set(table["library"]) == {str(lib)}
    # full sessions by title (never by level, which would give the level away), then excerpts in marker order
    assert list(table["id"]) == ["zz-b", "zz-c", "zz-a", "zz-e-excerpt"]
    excerpt = table.set_index("id").loc["zz-e-excerpt"]
    assert (excerpt["focus"], excerpt["minutes"], excerpt["topic"]) == ("4.1, 3.1", 0.4, "career")

    _session(lib, "zz-d-excerpt")  # a facilitator adds a session during a call (focus 3.1: before 4.1)
    yaml = lib / "zz-a" / "session.yaml"
    yaml.write_text(yaml.read_text().replace("title: Caro", "title: Renamed by the facilitator"))
    table = list_sessions()
    assert list(table["id"]) == ["zz-b", "zz-c", "zz-a", "zz-d-excerpt", "zz-e-excerpt"]
    assert load_session("zz-a").title == "Renamed by the facilitator"


def test_list_sessions_of_30_sessions_is_fast_once_read(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    for i in range(30):
        _session(lib, f"zz-s{i:02d}")
    list_sessions()
    t0 = time.perf_counter()
    table = list_sessions()
    assert time.perf_counter() - t0 < 0.5
    assert len(table[table["library"] == str(lib)]) == 30


def test_validate_paths_takes_folders_of_sessions_and_the_framework(tmp_path):
    lib = tmp_path / "lib"
    _session(lib, "zz-good")
    _session(lib, "zz-bad", yaml=YAML.replace("kind: excerpt", "kind: snippet"))
    (lib / "zz-half").mkdir()
    (lib / "zz-half" / "transcript.vtt").write_text(VTT)
    problems = validate_paths([lib, ROOT / "coachkit" / "data" / "framework.yaml", tmp_path / "missing"])
    where = {(Path(p.path).parent.name if p.line else Path(p.path).name, p.reason.split(" (")[0]) for p in problems}
    assert ("zz-bad", "unknown kind 'snippet': choose one of full, excerpt") in where
    assert ("zz-half", "a session folder needs a session.yaml") in where
    assert ("missing", "no such file or folder") in where
    assert len(problems) == 3

    bad = tmp_path / "framework.yaml"
    text = (ROOT / "coachkit" / "data" / "framework.yaml").read_text()
    bad.write_text(text.replace("        mindset: true", "        mindset: maybe", 1))
    [problem] = validate_paths([bad])
    assert problem.line == _line(text, "        mindset: true") and "mindset" in problem.reason


def test_validate_paths_takes_a_session_yaml_and_says_what_it_cannot_check(tmp_path):
    folder = _session(tmp_path, yaml=YAML.replace("kind: excerpt", "kind: snippet"))
    assert [str(p) for p in validate_paths([folder / "session.yaml"])] == [str(p) for p in validate_paths([folder])]
    (tmp_path / "notes.txt").write_text("hello")
    [problem] = validate_paths([tmp_path / "notes.txt"])
    assert "expected a session folder, a session.yaml or a framework .yaml file" in problem.reason
    (tmp_path / "other.yaml").write_text("format: something/1\n")
    [problem] = validate_paths([tmp_path / "other.yaml"])
    assert problem.line == 1 and "unknown format 'something/1'" in problem.reason
    with pytest.raises(CoachkitError, match="is not a session folder: it has no session.yaml"):
        load_session(tmp_path)


def test_the_command_line_prints_every_problem_as_file_line_message(tmp_path):
    text = YAML.replace("kind: excerpt", "kind: snippet").replace("evidence: [u1]", "evidence: [u9]")
    folder = _session(tmp_path, yaml=text)
    out = subprocess.run([sys.executable, "-m", "coachkit", "validate", str(folder)], capture_output=True, text=True)
    assert out.returncode != 0
    assert f"{folder / 'session.yaml'}:{_line(text, 'kind:')}: unknown kind 'snippet'" in out.stderr
    assert f"{folder / 'session.yaml'}:{_line(text, '[u9]')}: marker 3.1: there is no utterance u9" in out.stderr
    assert "Traceback" not in out.stderr


def test_import_turns_a_zoom_transcript_into_a_session_folder(tmp_path):
    from coachkit.library import import_transcript

    (tmp_path / "Team call.vtt").write_text(VTT, encoding="utf-8")
    folder = import_transcript(tmp_path / "Team call.vtt", coach="Sam", out=tmp_path / "lib")
    assert folder == tmp_path / "lib" / "team-call"
    s = load_session(folder)
    assert (s.id, s.kind, s.level, s.key) == ("team-call", "full", None, None)
    # every cue is kept, so the turns keep the ids the source file gives them
    assert [u.id for u in s.utterances] == ["u1", "u2", "u4", "u5"]
    assert s.utterance("u2").text == "Clarity about the promotion. I keep going back and forth."
    assert dict(s.meta) == {"coach": "Sam", "client": "Maya", "consent": "client-agreed"}


def test_round_trip_keeps_the_words_and_points_the_evidence_at_the_same_words(tmp_path):
    key = AnswerKey("PCC", "Clear.", 3, {"4.1": Decision(True, ("u7",), "Names her work.", ("u3",)),
                                         "3.1": Decision(True, ("u1",), "Asks for the outcome.")})
    original = Session("x", "Maya weighs a promotion", "excerpt", "PCC", ("3.1", "4.1"), "career", TALK, key,
                       description="Demo.")
    folder = tmp_path / "zz-round-trip"
    written = write_session(original, folder, consent="client-agreed", scenario="maya-promotion")
    loaded = load_session(folder)
    assert written == loaded
    # the turns keep their ids; the words, speakers and times are the same
    assert [u.id for u in loaded.utterances] == ["u1", "u3", "u7", "u8"]
    assert [(u.speaker, u.name, u.start, u.end, u.text) for u in loaded.utterances] == [
        (u.speaker, u.name, u.start, u.end, u.text) for u in original.utterances
    ]
    for marker, d in original.key.decisions.items():
        new = loaded.key.decisions[marker]
        assert [loaded.utterance(i).text for i in new.evidence] == [original.utterance(i).text for i in d.evidence]
        assert [loaded.utterance(i).text for i in new.opportunity] == [original.utterance(i).text for i in d.opportunity]
        assert new.note == d.note
    assert (loaded.key.version, loaded.key.level, loaded.meta["consent"], loaded.meta["scenario"]) == (
        3, "PCC", "client-agreed", "maya-promotion",
    )

    # the key editor saves a corrected key: the transcript (and every id a rating cites) stays as it is
    vtt_before = (folder / "transcript.vtt").read_bytes()
    corrected = loaded.with_key(AnswerKey("PCC", "Clear.", 4, {**loaded.key.decisions,
                                                              "4.1": Decision(False, (), "Only praise.", ("u3",))}))
    again = write_session(corrected, folder, consent="client-agreed", overwrite=True)
    assert (folder / "transcript.vtt").read_bytes() == vtt_before
    assert again.key.version == 4 and again.key.decisions["4.1"].opportunity == ("u3",)
    assert again.utterances == loaded.utterances


def test_write_keeps_a_merged_file_readable_when_one_speaker_has_two_turns_in_a_row(tmp_path):
    talk = (*TALK[:2], Utterance("u5", "client", "Maya", 10.0, 12.0, "Or maybe not."), *TALK[2:])
    key = AnswerKey("PCC", "Clear.", 1, {"3.1": Decision(True, ("u5",), "n")})
    s = Session("x", "t", "excerpt", "PCC", ("3.1",), "career", talk, key)
    loaded = write_session(s, tmp_path / "zz-merge", consent="fictional")
    # u5 is read as part of u3 (one speaker, two turns in a row): its evidence points at the merged turn
    assert loaded.key.decisions["3.1"].evidence == ("u3",)
    assert loaded.utterance("u3").text.endswith("back and forth. Or maybe not.")


def test_write_refuses_a_session_that_would_not_load_and_leaves_the_folder_alone(tmp_path):
    folder = tmp_path / "zz-broken"
    incomplete = AnswerKey("PCC", "x", 1, {"3.1": Decision(True, ("u1",), "n")})
    with pytest.raises(CoachkitError, match="not written: .*decides all 37 markers"):
        write_session(Session("x", "t", "full", "PCC", (), "career", TALK, incomplete), folder, consent="fictional")
    assert not folder.exists()
    assert [p.name for p in tmp_path.iterdir()] == []
    good = write_session(Session("x", "t", "full", "PCC", (), "career", TALK, _full_key("PCC")), folder, consent="fictional")
    with pytest.raises(CoachkitError, match="already holds a session: pass overwrite=True"):
        write_session(good, folder, consent="fictional")
    with pytest.raises(CoachkitError, match="unknown consent"):
        write_session(good, tmp_path / "zz-other", consent="yes")
    with pytest.raises(CoachkitError, match="a session folder's name is its id"):
        write_session(good, tmp_path / "Not An Id", consent="fictional")


def test_a_session_without_a_key_loads_with_no_level(tmp_path):
    text = YAML.split("key:")[0].replace("level: PCC", "level:").replace("kind: excerpt", "kind: full").replace(
        'focus: ["3.1", "4.1"]', "focus: []"
    )
    s = load_session(_session(tmp_path, yaml=text))
    assert s.key is None and s.level is None


# ---------------------------------------------------------------------------------------- shipped sessions

SHIPPED = sorted(p for p in SAMPLES.iterdir() if p.is_dir()) if SAMPLES.is_dir() else []
# sessions reserved for the calibration check (use: check) load by id but are left out of every list
RESERVED = {p.name for p in SHIPPED if re.search(r"(?m)^use:\s*check\s*$", (p / "session.yaml").read_text(encoding="utf-8"))}
LISTED = [p for p in SHIPPED if p.name not in RESERVED]


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_session_loads(folder):
    problems = validate_paths([folder])
    assert not problems, "\n".join(map(str, problems))
    s = load_session(folder.name)
    assert s.key is not None, "a sample session needs its answer key"
    assert Path(s.source).parent == folder


def test_the_shipped_library_is_listed_in_full():
    table = list_sessions()
    assert sorted(table["id"]) == sorted(p.name for p in LISTED)
    assert not RESERVED & set(table["id"])


@pytest.mark.slow
def test_an_installed_wheel_finds_the_framework_and_the_shipped_sessions(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        # --no-isolation: build with this environment's hatchling (the dev extra), so nothing is downloaded
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    [wheel] = dist.glob("coachkit-*.whl")
    expected = sum(1 for p in LISTED if (p / "session.yaml").is_file())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # the dependencies come from this environment; coachkit itself only from the wheel
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)], check=True)
    check = f"""
import pathlib, coachkit as ck
assert pathlib.Path(ck.__file__).resolve().is_relative_to(pathlib.Path({str(venv.resolve())!r})), ck.__file__
assert len(ck.framework().markers) == 37
table = ck.list_sessions()
assert len(table) == {expected}, table
for sid in table["id"]:
    s = ck.load_session(sid)
    assert s.key is not None and s.utterances
print("ok", len(table))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHKIT_") and k != "PYTHONPATH"}
    env["COACHKIT_HOME"] = str(tmp_path / "home")
    run = subprocess.run([str(python), "-c", check], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == f"ok {expected}"


def test_a_redacted_import_names_no_one_in_its_folder_title_or_text(tmp_path):
    from coachkit.library import import_transcript, load_session

    source = tmp_path / "Maya call.vtt"
    source.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nSam Okoro: Hi Maya, what would you like today?\n\n"
        "2\n00:00:05.000 --> 00:00:09.000\nMaya: Sam, I want clarity.\n",
        encoding="utf-8",
    )
    folder = import_transcript(source, coach="Sam Okoro", out=tmp_path / "lib", redact=True)
    session = load_session(folder)
    written = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir()).lower()
    assert "maya" not in folder.name.lower() and "maya" not in session.title.lower()
    assert "maya" not in written and "sam" not in written and "okoro" not in written


# ------------------------------------------------------------------------------------ hostile files (issue 13)


def _bomb(levels: int = 9, width: int = 9) -> str:
    """Nine levels of nine aliases each: about 9.5 KB of text that would expand to 9**9 (387 million) items."""
    pad = "x" * 112
    lines = [f"a0: &a0{pad} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i}{pad} [" + ", ".join([f"*a{i - 1}{pad}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once_naming_file_and_line(tmp_path):
    import tracemalloc

    text = YAML + _bomb()
    assert 9_000 < len(_bomb()) < 10_000
    folder = _session(tmp_path, yaml=text)
    tracemalloc.start()
    t0 = time.perf_counter()
    problems = validate_paths([folder])
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    [problem] = problems
    assert Path(problem.path).name == "session.yaml" and problem.line == _line(text, "a0: &a0")
    assert "anchor" in problem.reason and len(str(problem)) < 300
    assert elapsed < 2 and peak < 50 * 1024 * 1024  # hang and memory guards; the refusal reads each event once

    # the same in a framework file and an alias file
    fw = tmp_path / "framework.yaml"
    fw.write_text((ROOT / "coachkit" / "data" / "framework.yaml").read_text() + _bomb())
    [problem] = validate_paths([fw])
    assert "anchor" in problem.reason and problem.line is not None
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "aliases.yaml").write_text("format: coachkit-aliases/1\naliases:\n  old-id: &x new-id\n  older: *x\n")
    from coachkit.library import aliases

    with pytest.raises(FormatError, match=r"aliases\.yaml:3: an anchor"):
        aliases(roots=[lib])


def test_no_message_carries_an_unbounded_value(tmp_path):
    huge = "x" * 100_000
    text = YAML.replace("kind: excerpt", f"kind: {huge}").replace("consent: fictional", f"consent: [{', '.join(['a'] * 5000)}]")
    text = text.replace("evidence: [u1]", f"evidence: [{huge}]").replace("colour", "")
    folder = _session(tmp_path, yaml=text.replace("topic: career", f"{'y' * 1000}: career\ntopic: career"))
    problems = validate_paths([folder])
    assert len(problems) >= 4
    assert all(len(str(p)) < 600 for p in problems), max(len(str(p)) for p in problems)


def test_an_oversized_or_special_session_file_is_one_clear_line(tmp_path):
    folder = _session(tmp_path)
    (folder / "session.yaml").write_text(YAML + "# " + "x" * (3 * 1024 * 1024) + "\n")
    [problem] = validate_paths([folder])
    assert "more than the 2 MB the kit reads" in problem.reason


def test_a_symlink_loop_in_a_library_folder_is_skipped_and_named(tmp_path, monkeypatch):
    from coachkit.library import problems, sessions

    lib = tmp_path / "lib"
    _session(lib, "zz-good")
    (lib / "zz-loop").symlink_to(lib / "zz-loop")
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    found = sessions()
    assert [s.id for s in found] == ["zz-good"]
    [problem] = found.problems
    assert Path(problem.path).name == "zz-loop" and "loops back on itself" in problem.reason
    assert [Path(p.path).name for p in problems()] == ["zz-loop"]
    assert list(list_sessions()["id"]) == ["zz-good"]
    assert [Path(p.path).name for p in validate_paths([lib])] == ["zz-loop"]


def test_validate_does_not_follow_a_link_out_of_the_session_folder_nor_echo_its_lines(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("WEBVTT\n\n1\n00:00:01.000 --> soon TOP-SECRET-LINE\nSam: hi\n")
    folder = _session(tmp_path / "lib")
    (folder / "transcript.vtt").unlink()
    (folder / "transcript.vtt").symlink_to(secret)
    problems = validate_paths([folder])
    assert any("link to a file outside the session folder" in p.reason for p in problems)
    assert not any("TOP-SECRET" in str(p) for p in problems)
    (folder / "session.yaml").rename(tmp_path / "elsewhere.yaml")
    (folder / "session.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    [problem] = validate_paths([folder])
    assert "outside the session folder" in problem.reason


# ------------------------------------------------------------------------------ every cue kept (issue 12)


def test_import_keeps_every_cue_so_metrics_are_the_same_with_the_source_gone(tmp_path):
    from coachkit.library import import_transcript
    from coachkit.metrics import conversation_metrics
    from coachkit.transcripts import load_transcript

    demo = ROOT / "coachkit" / "data" / "demo_transcript.vtt"
    source = tmp_path / "Demo call.vtt"
    source.write_bytes(demo.read_bytes())
    before = load_transcript(source, coach="Sam")
    expected = conversation_metrics(before)
    assert len(before.cues) > len(before.utterances)  # the demo merges cues into turns
    folder = import_transcript(source, coach="Sam", out=tmp_path / "lib")
    source.unlink()
    after = load_session(folder)
    assert conversation_metrics(after) == expected
    assert [(u.id, u.name, u.text, u.start, u.end) for u in after.utterances] == [
        (u.id, u.name, u.text, u.start, u.end) for u in before.utterances
    ]
    assert [(c.n, c.start, c.end, c.turn) for c in after.cues] == [(c.n, c.start, c.end, c.turn) for c in before.cues]


@pytest.mark.parametrize(
    ("name", "text", "written", "starts"),
    [
        ("pasted.txt", "Sam: What do you want today?\nMaya: Clarity.\nMaya: And calm.\nSam: Say more.\n", "transcript.txt", None),
        ("otter.txt", "Sam  0:01\nWhat do you want today?\n\nMaya  0:05\nClarity.\n\nMaya  0:09\nAnd calm.\n\nSam  1:02:03\nSay more.\n",
         "transcript.txt", [1.0, 5.0, 3723.0]),
    ],
    ids=["untimed", "starts-only"],
)
def test_import_of_untimed_or_start_only_turns_invents_no_times(tmp_path, name, text, written, starts):
    from coachkit.library import import_transcript
    from coachkit.metrics import conversation_metrics
    from coachkit.transcripts import load_transcript

    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    before = load_transcript(source, coach="Sam")
    folder = import_transcript(source, coach="Sam", out=tmp_path / "lib")
    source.unlink()
    s = load_session(folder)
    assert Path(s.source).name == written and "transcript: transcript.txt" in (folder / "session.yaml").read_text()
    assert not (folder / "transcript.vtt").exists()
    assert [u.start for u in s.utterances] == (starts or [None, None, None])
    assert all(u.end is None for u in s.utterances)
    assert [u.text for u in s.utterances] == [u.text for u in before.utterances]
    assert len(s.cues) == 4 and conversation_metrics(s) == conversation_metrics(before)


# ------------------------------------------------------------------------------ keys: competencies (issue 15)

COMPETENCIES = """  competencies:
    3: {level: PCC, note: "Outcome and measure agreed.", evidence: [u1]}
    4: {level: PCC, note: "Names her work.", evidence: [u4]}
    5: {level: ACC, note: "Fills the pause."}
    6: {level: PCC, note: "Builds on her words."}
    7: {level: MCC, note: "One simple question.", evidence: [u4]}
    8: {level: below, note: "No close."}
"""


def _with_calls(calls: str = COMPETENCIES) -> str:
    return YAML.replace("  decisions:\n", calls + "  decisions:\n")


def test_competency_calls_load_with_integer_keys_levels_notes_and_evidence(tmp_path):
    from coachkit.model import CompetencyCall

    s = load_session(_session(tmp_path, yaml=_with_calls()))
    assert sorted(s.key.competencies) == [3, 4, 5, 6, 7, 8]
    assert s.key.competencies[3] == CompetencyCall("PCC", "Outcome and measure agreed.", ("u1",))
    assert s.key.competencies[8].level == "below" and s.key.competencies[5].evidence == ()


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("    7: {level: MCC", "    9: {level: MCC", "    9:", "unknown competency '9'"),
        ("level: MCC, note", "level: Gold, note", "level: Gold", "unknown level 'Gold' for competency 7"),
        ('note: "No close."', 'note: ""', "8: {", "competency 8 has an empty note"),
        ("evidence: [u4]}\n    5", "evidence: [u3]}\n    5", "4: {", "u3 is part of the turn u2"),
        ("evidence: [u1]}", "evidence: [u99]}", "3: {", "no utterance u99"),
        ("    8: {level: below, note: \"No close.\"}\n", "", "  competencies:", "missing: 8"),
        ("level: ACC, note", "lvl: ACC, note", "5: {", "unknown field 'lvl'"),
    ],
    ids=["number", "level", "note", "merged-cue", "no-such-turn", "partial", "field"],
)
def test_every_problem_in_competency_calls_names_its_line(tmp_path, old, new, at, message):
    text = _with_calls().replace(old, new, 1)
    problems = validate_paths([_session(tmp_path, yaml=text)])
    assert any(p.line == _line(text, at) and message in p.reason for p in problems), problems


def test_a_key_editor_key_may_call_no_competency_but_a_full_sample_key_must_call_all_six(tmp_path, monkeypatch):
    from coachkit import library

    full = Session("x", "Full", "full", "PCC", (), "career", TALK, _full_key("PCC"))
    assert write_session(full, tmp_path / "own" / "zz-own", consent="fictional").key.competencies == {}
    samples = tmp_path / "samples"
    write_session(full, samples / "zz-sample", consent="fictional")
    monkeypatch.setattr(library, "_checkout_dir", lambda: samples)
    [problem] = validate_paths([samples / "zz-sample"])
    assert "calls all six competencies" in problem.reason and "missing: 3, 4, 5, 6, 7, 8" in problem.reason
    assert problem.line == _line((samples / "zz-sample" / "session.yaml").read_text(), "key:") + 1


# ---------------------------------------------------------------------------------- key versions (issue 15)


def test_older_key_versions_are_kept_and_loaded_by_number(tmp_path, monkeypatch):
    from coachkit.library import key_versions, sessions

    lib = tmp_path / "lib"
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    key = AnswerKey("PCC", "Clear.", 1, {"3.1": Decision(True, ("u1",), "Asks for the outcome."),
                                         "4.1": Decision(True, ("u7",), "Names her work.")})
    first = write_session(Session("x", "Maya", "excerpt", "PCC", ("3.1", "4.1"), "career", TALK, key), lib / "zz-v",
                          consent="fictional")
    revised = first.with_key(AnswerKey("PCC", "Clear.", 2, {**first.key.decisions, "4.1": Decision(False, (), "Only praise.", ("u7",))}))
    write_session(revised, lib / "zz-v", consent="fictional", overwrite=True)
    assert (lib / "zz-v" / "versions" / "1" / "session.yaml").is_file()
    assert load_session("zz-v").key.version == 2 and load_session("zz-v").key.decisions["4.1"].evidenced is False
    old = load_session("zz-v", version=1)
    assert old.id == "zz-v" and old.key.version == 1 and old.key.decisions["4.1"].evidenced is True
    assert load_session("zz-v", version=2).key.version == 2
    assert key_versions("zz-v") == (1, 2)
    with pytest.raises(CoachkitError, match="has no key version 7: the versions there are 1, 2"):
        load_session("zz-v", version=7)
    assert [s.id for s in sessions()] == ["zz-v"]  # the index ignores versions/
    assert validate_paths([lib]) == []
    broken = lib / "zz-v" / "versions" / "1" / "session.yaml"
    broken.write_text(broken.read_text().replace("version: 1", "version: 3"))
    assert any("versions/1 must have version: 1" in p.reason for p in validate_paths([lib]))


# --------------------------------------------------------------------------------------- aliases (issue 15)


def test_an_old_id_loads_the_session_under_its_new_id(tmp_path, monkeypatch):
    from coachkit.library import aliases, canonical_id, sessions

    lib = tmp_path / "lib"
    _session(lib, "zz-new-name")
    (lib / "aliases.yaml").write_text("format: coachkit-aliases/1\naliases:\n  zz-old-name-pcc: zz-new-name\n")
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    assert aliases() == {"zz-old-name-pcc": "zz-new-name"} and canonical_id("zz-old-name-pcc") == "zz-new-name"
    assert load_session("zz-old-name-pcc").id == "zz-new-name"
    assert [s.id for s in sessions(ids=["zz-old-name-pcc"])] == ["zz-new-name"]
    (lib / "aliases.yaml").write_text("format: coachkit-aliases/1\naliases:\n  a-old: b-mid\n  b-mid: zz-new-name\n")
    with pytest.raises(FormatError, match=r"aliases\.yaml:3: the alias a-old -> b-mid points at another alias"):
        aliases()
    (lib / "aliases.yaml").write_text("format: coachkit-aliases/1\naliases:\n  Not An Id: zz-new-name\n")
    with pytest.raises(FormatError, match=r"aliases\.yaml:3: an alias maps one session id to another"):
        aliases()


# ------------------------------------------------------------------------ one broken session (issue 15)


def test_one_broken_session_is_skipped_and_named_never_hiding_the_library(tmp_path, monkeypatch):
    from coachkit.library import problems, sessions

    lib = tmp_path / "lib"
    _session(lib, "zz-good")
    _session(lib, "zz-broken", yaml=YAML.replace("kind: excerpt", "kind: snippet"))
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    found = sessions()
    assert [s.id for s in found] == ["zz-good"]
    [problem] = found.problems
    assert Path(problem.path).parent.name == "zz-broken" and "unknown kind 'snippet'" in problem.reason
    table = list_sessions()
    assert list(table["id"]) == ["zz-good"] and len(table.attrs["problems"]) == 1
    assert "zz-broken" in table.attrs["problems"][0] and "unknown kind" in table.attrs["problems"][0]
    assert len(problems()) == 1
    with pytest.raises(FormatError, match="unknown kind"):
        load_session("zz-broken")  # asked for by name, it still says what is wrong


# --------------------------------------------------------------------- reserved check sessions (issue 17)


def test_check_sessions_are_left_out_of_every_list_but_load_by_id_and_form(tmp_path, monkeypatch):
    from coachkit.library import check_forms, scenario_sessions, sessions

    lib, own = tmp_path / "lib", tmp_path / "own"
    _session(lib, "zz-practice")
    check = YAML.replace("consent: fictional\n", "consent: fictional\nuse: check\nform: A\n")
    _session(lib, "zz-check-a1", yaml=check)
    _session(lib, "zz-check-a2", yaml=check.replace("kind: excerpt", "kind: excerpt"))
    _session(own, "zz-private-f1", yaml=check.replace("form: A", "form: F"))
    _session(own, "zz-clash", yaml=check)  # form A lives in the other folder: not mixed in
    monkeypatch.setenv("COACHKIT_LIBRARY", os.pathsep.join([str(lib), str(own)]))
    assert [s.id for s in sessions()] == ["zz-practice"]
    assert list(list_sessions()["id"]) == ["zz-practice"]
    assert [s.id for s in sessions(ids=["zz-check-a1"])] == []
    assert scenario_sessions("maya-promotion") == ()  # excerpts only here; check sessions never
    s = load_session("zz-check-a1")
    assert (s.meta["use"], s.meta["form"]) == ("check", "A")
    forms = check_forms()
    assert {f: [s.id for s in group] for f, group in forms.items()} == {
        "A": ["zz-check-a1", "zz-check-a2"], "F": ["zz-private-f1"],
    }
    assert sorted(s.id for s in sessions(include_check=True)) == [
        "zz-check-a1", "zz-check-a2", "zz-clash", "zz-practice", "zz-private-f1",
    ]
    bad = _session(tmp_path / "bad", "zz-bad", yaml=YAML.replace("consent: fictional\n", "consent: fictional\nform: A\n"))
    assert any("only a check session has a form" in p.reason for p in validate_paths([bad]))
    bad2 = _session(tmp_path / "bad2", "zz-bad2", yaml=YAML.replace("consent: fictional\n", "consent: fictional\nuse: exam\n"))
    assert any("unknown use 'exam'" in p.reason for p in validate_paths([bad2]))


def test_scenario_sessions_come_from_below_the_standard_up_to_mcc(tmp_path, monkeypatch):
    from coachkit.library import scenario_sessions

    lib = tmp_path / "lib"
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    for sid, level in (("zz-m", "MCC"), ("zz-a", "ACC"), ("zz-p", "PCC"), ("zz-b", "below")):
        s = Session("x", f"Maya {sid}", "full", level, (), "career", TALK, _full_key(level))
        write_session(s, lib / sid, consent="fictional", scenario="maya")
    assert [s.level for s in scenario_sessions("maya")] == ["below", "ACC", "PCC", "MCC"]
    assert scenario_sessions("nobody") == ()


def test_listing_a_folder_for_the_key_editor_changes_no_environment(tmp_path, monkeypatch):
    from coachkit.authoring import KeyDraft

    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    folder = _session(tmp_path / "mine", "zz-mine")
    draft = KeyDraft.__new__(KeyDraft)
    draft.title, draft._id = "zz mine", ""
    before = dict(os.environ)
    row = draft.listing(tmp_path / "mine")
    assert list(row["id"]) == ["zz-mine"] and dict(os.environ) == before and folder.is_dir()


def test_a_full_disk_while_writing_is_one_plain_line_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import errno
    import pathlib

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_text", full)
    with pytest.raises(CoachkitError, match=r"not written: .*zz-full-disk could not be written \(No space left on device\)"):
        write_session(Session("x", "t", "full", None, (), "career", TALK), tmp_path / "zz-full-disk", consent="fictional")
    assert list(tmp_path.iterdir()) == []


def test_written_sessions_keep_use_form_and_the_overlap_flag(tmp_path):
    meta = {"use": "check", "form": "B", "timing_shows_overlaps": "true", "scenario": "maya"}
    s = Session("x", "t", "full", None, (), "career", TALK, meta=meta)
    loaded = write_session(s, tmp_path / "zz-meta", consent="fictional")
    assert {k: loaded.meta[k] for k in meta} == meta
    text = (tmp_path / "zz-meta" / "session.yaml").read_text()
    assert "use: check" in text and "form: B" in text and "timing_shows_overlaps: true" in text


def test_validate_checks_a_librarys_alias_file_given_alone_or_with_its_folder(tmp_path):
    """`coachkit validate data/sample_sessions/*` passes on the shipped library (its aliases.yaml included), and
    a facilitator's broken alias file is named with its line when the file or its library folder is checked."""
    assert validate_paths([SAMPLES / "aliases.yaml"]) == []
    assert validate_paths(sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("."))) == []  # as a shell glob
    library = tmp_path / "library"
    write_session(Session("x", "Maya's demo", "full", None, (), "career", TALK), library / "maya-demo",
                  consent="fictional")
    (library / "aliases.yaml").write_text("format: coachkit-aliases/1\naliases:\n  old-demo: old-demo\n",
                                          encoding="utf-8")
    for target in (library / "aliases.yaml", library):
        problems = [str(p) for p in validate_paths([target])]
        assert len(problems) == 1 and "aliases.yaml:3" in problems[0] and "points at itself" in problems[0]

"""The cheap library listing (coachkit.library.catalogue): what the lesson lists show, without reading any talk or key."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachkit import library, session_files, transcripts
from coachkit.library import catalogue, sessions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "sample_sessions"

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Sam: What would you like to leave with today?

2
00:00:05.000 --> 00:01:39.000
Maya: Clarity about the promotion.
"""

YAML = """format: coachkit-session/1
id: {sid}
title: {title}
kind: excerpt
level: PCC
topic: career
focus: ["3.1"]
transcript: transcript.vtt
coach: Sam
client: Maya
consent: fictional
{extra}key:
  version: 1
  level: PCC
  summary: Short and clear.
  decisions:
    "3.1": {{evidenced: true, evidence: [u1], note: Asks what she wants.}}
"""


def _session(parent: Path, sid: str, title: str = "A demo", extra: str = "", yaml: str | None = None) -> Path:
    folder = parent / sid
    folder.mkdir(parents=True)
    text = yaml if yaml is not None else YAML.format(sid=sid, title=title, extra=extra)
    (folder / "session.yaml").write_text(text, encoding="utf-8")
    (folder / "transcript.vtt").write_text(VTT, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _home(monkeypatch, tmp_path):
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))


def _no_reading_of_talk_or_keys(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the catalogue read a transcript or a whole session")

    monkeypatch.setattr(transcripts, "load_transcript", refuse)
    monkeypatch.setattr(session_files, "read_folder", refuse)
    monkeypatch.setattr(library, "read_folder", refuse)


@pytest.mark.parametrize("kind", [None, "full", "excerpt"])
def test_the_catalogue_lists_the_shipped_library_as_sessions_does(kind):
    full = sessions(kind=kind, roots=[SAMPLES])
    cheap = catalogue(kind, roots=[SAMPLES])
    assert not cheap.problems
    assert [s.id for s in cheap] == [s.id for s in full]  # the same neutral order
    assert [(s.title, s.kind, s.level, s.focus, s.topic, s.description) for s in cheap] == [
        (s.title, s.kind, s.level, s.focus, s.topic, s.description) for s in full
    ]
    assert [s.minutes for s in cheap] == [s.minutes for s in full]
    assert [s.scenario for s in cheap] == [s.meta.get("scenario") for s in full]
    assert {s.library for s in cheap} == {"sample library"}


def test_the_catalogue_leaves_reserved_check_sessions_out_unless_asked():
    listed = {s.id for s in catalogue(roots=[SAMPLES])}
    every = catalogue(roots=[SAMPLES], include_check=True)
    reserved = {s.id for s in every if s.meta.get("use") == "check"}
    assert reserved, "the shipped library holds check forms"
    assert not listed & reserved
    assert {s.id for s in every} == {s.id for s in sessions(roots=[SAMPLES], include_check=True)}


def test_the_catalogue_reads_no_transcript_and_no_key(tmp_path, monkeypatch):
    _session(tmp_path / "lib", "maya-demo", "Maya weighs a promotion")
    _session(tmp_path / "lib", "check-demo", "A check excerpt", extra="use: check\nform: A\n")
    _no_reading_of_talk_or_keys(monkeypatch)
    listed = catalogue(roots=[tmp_path / "lib"])
    assert [(s.id, s.title, s.minutes) for s in listed] == [("maya-demo", "Maya weighs a promotion", 1.6)]
    assert [s.id for s in catalogue(roots=[tmp_path / "lib"], include_check=True)] == ["check-demo", "maya-demo"]


def test_a_broken_header_is_skipped_and_named_not_fatal(tmp_path):
    lib = tmp_path / "lib"
    _session(lib, "good-one", "The good one")
    _session(lib, "bad-yaml", yaml=YAML.format(sid="bad-yaml", title="[unclosed", extra=""))
    _session(lib, "anchored", yaml=YAML.format(sid="anchored", title="&a Anchored", extra="topic2: *a\n"))
    _session(lib, "wrong-id", yaml=YAML.format(sid="another-id", title="Wrong id", extra=""))
    listed = catalogue(roots=[lib])
    assert [s.id for s in listed] == ["good-one"]
    named = {Path(p.path).parent.name: p for p in listed.problems}
    assert set(named) == {"bad-yaml", "anchored", "wrong-id"}
    assert named["bad-yaml"].line is not None
    assert "anchor" in named["anchored"].reason and named["anchored"].line == 3
    assert "folder's name" in named["wrong-id"].reason


def test_a_changed_header_is_read_again(tmp_path):
    folder = _session(tmp_path / "lib", "maya-demo", "First title")
    assert catalogue(roots=[tmp_path / "lib"])[0].title == "First title"
    (folder / "session.yaml").write_text(YAML.format(sid="maya-demo", title="A much longer new title", extra=""))
    assert catalogue(roots=[tmp_path / "lib"])[0].title == "A much longer new title"


def test_the_session_picker_reads_only_the_session_it_opens(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from coachkit.widgets import SessionPicker

    lib = tmp_path / "lib"
    for n in range(5):
        _session(lib, f"demo-{n}", f"Demo {n}")
    monkeypatch.setenv("COACHKIT_LIBRARY", str(lib))
    monkeypatch.setattr(library, "_packaged_dir", lambda: tmp_path / "no-samples")  # only these five sessions
    monkeypatch.setattr(library, "_checkout_dir", lambda: tmp_path / "no-samples")
    read = []
    real = library.read_folder
    monkeypatch.setattr(library, "read_folder", lambda folder, *a, **k: read.append(Path(folder).name) or real(folder, *a, **k))
    picker = SessionPicker(kind="excerpt", first="demo-3", store=None)
    assert [v for _, v in picker.choice.options] == [f"demo-{n}" for n in range(5)]
    assert read == ["demo-3"]

"""Reserved calibration-check sessions (``use: check``) are shown nowhere but the check itself (issue 17, item 1).

Every other lesson (00 to 08) is executed as a learner would see it, after that learner has taken a check
(so a history or export list would have something to leak), with a facilitator's private form in a
``COACHKIT_LIBRARY`` folder too; the outputs and the widgets' state are searched for any reserved id, title
or transcript line. The library's lists, drills, practise-next suggestions and the export list are checked
directly as well.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest

from coachkit import library
from coachkit.scoring import offered_markers

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(p for p in NOTEBOOKS.glob("0[0-8]_*.ipynb"))
PRIVATE_ID, PRIVATE_TITLE = "check-z-private-orchard", "The private orchard of form Z"


def _private_form(folder: Path) -> None:
    """A facilitator's private form: a copy of a reserved sample session under a new id, title and form letter."""
    source = next(iter(library.check_forms().values()))[0]
    src = ROOT / "data" / "sample_sessions" / source.id
    dest = folder / PRIVATE_ID
    shutil.copytree(src, dest)
    text = (dest / "session.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^id: .*$", f"id: {PRIVATE_ID}", text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", f'title: "{PRIVATE_TITLE}"', text, count=1, flags=re.M)
    text = re.sub(r"^form: .*$", "form: Z", text, count=1, flags=re.M)
    (dest / "session.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A learner's home with a finished check on every reserved form, and a private form in a library folder."""
    if not library.check_forms():
        pytest.skip("the library has no reserved sessions yet")
    base = tmp_path_factory.mktemp("reserved")
    mp = pytest.MonkeyPatch()
    mp.setenv("COACHKIT_HOME", str(base / "home"))
    (base / "library").mkdir()
    _private_form(base / "library")
    mp.setenv("COACHKIT_LIBRARY", str(base / "library"))
    from coachkit.check_controller import CheckController
    from coachkit.settings import remember_name
    from coachkit.store import RatingStore

    forms = library.check_forms()
    assert "Z" in forms, "a private form in a COACHKIT_LIBRARY folder is a form of its own"
    store = RatingStore()
    for letter in sorted(forms):
        ctl = CheckController(letter, store)
        ctl.begin("Maya")
        while ctl.current() is not None:
            for m in offered_markers(ctl.current()):
                ctl.mark(m, True)
            ctl.next()
        ctl.finish()
    remember_name("Maya")
    reserved = [s for f in forms.values() for s in f]
    # a stock coaching question ("What have you learned about yourself today?") may stand in a practice
    # session too: only lines that are the reserved sessions' own can leak
    practice = {u.text for s in library.sessions() for u in s.utterances}
    needles = set()
    for s in reserved:
        needles.add(s.id)
        needles.add(s.title)
        needles.update(u.text for u in s.utterances if len(u.text) >= 40 and u.text not in practice)
    yield {"store": store, "reserved": reserved, "needles": needles, "base": base}
    mp.undo()


def _leaks(text: str, needles) -> list[str]:
    return sorted(n[:60] for n in needles if n in text)


def test_the_library_lists_leave_reserved_sessions_out(world):
    ids = {s.id for s in world["reserved"]}
    assert not ids & {s.id for s in library.sessions()}
    assert not ids & ({s.id for s in library.sessions(kind="full")} | {s.id for s in library.sessions(kind="excerpt")})
    listed = library.list_sessions()
    text = listed.to_string() if hasattr(listed, "to_string") else json.dumps(listed, default=str)
    assert not _leaks(text, {s.id for s in world["reserved"]} | {s.title for s in world["reserved"]})
    assert {s.id for s in library.sessions(include_check=True)} >= ids  # still there for the check itself


def test_a_listing_never_opens_a_reserved_transcript(tmp_path, monkeypatch):
    """Listing the practice library reads no reserved session beyond its header: the lessons that list it (the
    marker drill reads every key) do not pay for the check's sessions, and a reserved transcript that cannot
    be read troubles only the check and ``coachkit validate``, not a learner's list."""
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COACHKIT_LIBRARY", str(tmp_path / "library"))
    (tmp_path / "library").mkdir()
    _private_form(tmp_path / "library")
    transcript = next((tmp_path / "library" / PRIVATE_ID).glob("*.vtt"))
    transcript.write_text("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nthe end before the start\n", encoding="utf-8")
    opened: list[str] = []
    real = library._load
    monkeypatch.setattr(library, "_load", lambda folder: opened.append(Path(folder).name) or real(folder))
    listed = library.sessions()
    assert PRIVATE_ID not in {s.id for s in listed} and not listed.problems
    assert not [name for name in opened if name.startswith("check-")], "a reserved session was read in full"
    assert PRIVATE_ID in " ".join(str(p) for p in library.problems())  # validate still names it
    assert library.list_sessions().attrs["problems"] == []


def test_drills_and_practise_next_never_use_them(world):
    from coachkit.convenience import calibration
    from coachkit.drill import drill_questions

    ids = {s.id for s in world["reserved"]}
    questions = drill_questions(library.sessions(), n=200)
    assert not _leaks(json.dumps([vars(q) if hasattr(q, "__dict__") else str(q) for q in questions], default=str),
                      world["needles"])
    cal = calibration(world["store"].sheets())  # the learner's every sheet, the check's included
    assert len(cal.history) == 0, "a check's sheets are not practice history"
    assert not ids & set(cal.practise_next["session_id"])


def test_the_export_list_leaves_them_out(world):
    pytest.importorskip("ipywidgets")
    from coachkit.widgets import ExportMyRatings

    ex = ExportMyRatings(store=world["store"])
    ex.name.value = "Maya"
    shown = json.dumps([str(o) for o in ex.session.options])
    assert not _leaks(shown, {s.id for s in world["reserved"]} | {s.title for s in world["reserved"]})


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_other_lesson_shows_a_reserved_session(world, lesson):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(lesson, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    run = world["base"] / "run"
    run.mkdir(exist_ok=True)
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3", allow_errors=True,
                                     store_widget_state=True, resources={"metadata": {"path": str(NOTEBOOKS)}})
    env_before = dict(os.environ)
    client.execute()
    assert dict(os.environ) == env_before
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
    state = json.dumps(nb.metadata.get("widgets", {}))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    if errors:  # a lesson that fails is nbval's to report (tests/ and CI run every lesson); its outputs are still searched
        warnings.warn(f"{lesson.name} raised {errors[0].get('ename')}: {errors[0].get('evalue', '')[:200]}", stacklevel=1)
    assert len(state) > 100, "the widgets' state was kept, so their text is searched too"
    assert not _leaks(outputs + state, world["needles"])

"""The mentor's lessons (06 own recording, 07 live call, 08 answer key and report) in a real browser, in the
app view (Voila) and in JupyterLab: every widget displays, no button label is cut off, nothing of the group's
split or the key shows before its reveal, and a download really arrives in the browser.

Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = {
    "06": "06_bring_your_own_recording.ipynb",
    "07": "07_facilitator_live_call.ipynb",
    "08": "08_author_an_answer_key.ipynb",
}
#: the text each lesson's last widget shows once everything has been displayed
READY = {"06": "Rate this session myself", "07": "Add export files", "08": "Write the report"}

_CUT_OFF = """() => [...document.querySelectorAll('.jp-OutputArea button, .jp-OutputArea .widget-toggle-button')]
  .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
  .map(b => (b.textContent || '').trim())"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A kit folder with Ana's rating of the live-call session (so lesson 07 has something to export)."""
    import coachkit as ck
    from coachkit.settings import remember_name
    from coachkit.store import RatingStore

    folder = tmp_path / "home"
    monkeypatch.setenv("COACHKIT_HOME", str(folder))
    monkeypatch.delenv("COACHKIT_DB_URL", raising=False)
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)
    sheet = ck.RatingSheet("farah-credit-acc", "Ana")
    sheet.mark("4.1", True)
    sheet.mark("6.6", False)
    RatingStore().save(sheet)
    remember_name("Ana")
    return folder


def _env(home: Path) -> dict:
    env = os.environ.copy()
    env["COACHKIT_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(ROOT), env.get("PYTHONPATH", "")) if x)
    return env


def _lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name in LESSONS.values():
        (folder / name).write_bytes((ROOT / "notebooks" / name).read_bytes())
    return folder


def _page(browser, errors: list):
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _open_voila(page, server, lesson: str) -> None:
    page.goto(f"{server.url}/voila/render/{LESSONS[lesson]}", timeout=120_000)
    page.get_by_role("button", name=READY[lesson]).first.wait_for(timeout=120_000)


def _check_page(page, errors) -> str:
    """What every mentor lesson must pass, whatever was clicked: widgets displayed, labels whole."""
    text = page.inner_text("body")
    assert "Error displaying widget" not in text
    assert "model not found" not in text
    assert "Traceback" not in text
    assert page.evaluate(_CUT_OFF) == []
    assert not errors
    return text


def _check_nothing_revealed(page) -> None:
    text = page.inner_text("body")
    assert page.locator(".ck-split").count() == 0 and page.locator(".ck-key").count() == 0
    for giveaway in ("the assessor heard it", "the assessor did not hear it", "of those who decided",
                     "agree with key", "heard it ·"):
        assert giveaway not in text
    assert page.locator(".ck-hidden").count() > 0  # the board is there, every row hidden


def _wav(path: Path, seconds: float = 30.0) -> Path:
    rate = 8000
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(i / 9))) for i in range(int(rate * seconds))))
    return path


def _upload(page, button_text: str, path: Path) -> None:
    """Choose a file in an upload box, as a coach does (the box opens the browser's file chooser)."""
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.get_by_role("button", name=button_text).first.click()
    chooser.value.set_files(str(path))


def _download(page, button_text: str):
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=button_text).first.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _lesson_07(page, errors, shot, view: str, tmp_path: Path) -> None:
    _check_nothing_revealed(page)
    _check_page(page, errors)
    shot(page, f"{view}-07-before-reveal")
    # the participant's export arrives as a real download, named by slugs, holding Ana's sheet
    page.get_by_role("button", name="Export my ratings").first.click()
    page.get_by_role("button", name="Download the file").first.wait_for(timeout=30_000)
    name, data = _download(page, "Download the file")
    assert name.endswith(".json") and b'"coachkit-ratings' in data and b'"Ana"' in data
    # the facilitator's own tool: the participant's file goes in, the board opens on its session, all hidden
    hidden = page.locator(".ck-hidden").count()
    exported = tmp_path / name
    exported.write_bytes(data)
    _upload(page, "Add export files", exported)
    page.get_by_text("Ratings from 1 participant").first.wait_for(timeout=30_000)
    assert page.locator(".ck-hidden").count() > hidden
    _check_nothing_revealed(page)
    # the sample board reveals one marker at a time
    page.get_by_role("button", name="Reveal next marker").first.click()
    page.wait_for_selector(".ck-split", timeout=20_000)
    assert page.locator(".ck-key").count() == 1
    _check_page(page, errors)
    page.locator(".ck-split").first.scroll_into_view_if_needed()
    shot(page, f"{view}-07-after-one-reveal")


def _lesson_08(page, errors, shot, view: str) -> None:
    _check_page(page, errors)
    page.get_by_role("button", name="Write the report").first.click()
    page.get_by_role("button", name="Download the report").first.wait_for(timeout=30_000)
    name, data = _download(page, "Download the report")
    html = data.decode("utf-8")
    assert name.endswith(".html") and "Session observation" in html and "Mira" in html
    assert "None noted" not in html and "not rated" not in html
    text = _check_page(page, errors)
    for words in ("overwrite=True", "COACHKIT_LIBRARY", "list_sessions"):
        assert words not in text
    page.get_by_role("button", name="Write the report").first.scroll_into_view_if_needed()
    shot(page, f"{view}-08-report")


def _lesson_06(page, errors, shot, view: str, tmp_path: Path) -> None:
    _check_page(page, errors)
    page.get_by_role("button", name="Rate this session myself").first.click()
    page.wait_for_selector(".ck-turn", timeout=30_000)
    _upload(page, "Add the recording", _wav(tmp_path / "our call.wav"))
    page.wait_for_selector("button.ck-play", timeout=30_000)
    _check_page(page, errors)
    page.locator("button.ck-play").first.scroll_into_view_if_needed()
    shot(page, f"{view}-06-with-recording")
    bad = tmp_path / "my call with Maya.vtt"
    bad.write_text("WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nSam: hi\n", encoding="utf-8")
    _upload(page, "Upload a transcript", bad)
    page.get_by_text("my call with Maya.vtt:4").first.wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "coachkit-upload-" not in text and "/tmp" not in text
    assert page.locator(".ck-turn").count() == 0  # the last file's rating and numbers are gone
    shot(page, f"{view}-06-bad-upload")


def _walk_07(page, errors, shot, view, tmp_path):
    _lesson_07(page, errors, shot, view, tmp_path)


def _walk_08(page, errors, shot, view, tmp_path):
    _lesson_08(page, errors, shot, view)


def _walk_06(page, errors, shot, view, tmp_path):
    _lesson_06(page, errors, shot, view, tmp_path)


@pytest.mark.parametrize("view", ["app", "lab"])
@pytest.mark.parametrize(("lesson", "walk"), [("07", _walk_07), ("08", _walk_08), ("06", _walk_06)],
                         ids=["07_live_call", "08_key_and_report", "06_own_recording"])
def test_mentor_lesson(lesson, walk, view, voila_server, lab_server, lab_run_all, browser, tmp_path, home, shot):
    """Each of lessons 06, 07 and 08, opened as a coach would in the app view and in JupyterLab."""
    lessons = _lessons(tmp_path)
    errors: list[str] = []
    page = _page(browser, errors)
    if view == "app":
        _open_voila(page, voila_server(lessons, _env(home)), lesson)
    else:
        lab_run_all(page, lab_server(lessons, _env(home)).url, LESSONS[lesson], f"button:has-text('{READY[lesson]}')")
    walk(page, errors, shot, view, tmp_path)

"""A learner's clicks in a real browser: the app view (Voila) and JupyterLab, Debian's Chromium.

Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _notebook(folder: Path, name: str, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, path)
    return path


def _rate_and_compare(page):
    page.fill("input[placeholder='your first name']", "Ana")
    page.get_by_role("button", name="Start rating").first.click()
    page.get_by_role("button", name="evidenced", exact=True).first.click()
    page.get_by_role("button", name="not", exact=True).nth(1).click()
    page.get_by_role("button", name="Compare with the assessor").first.click()
    page.wait_for_selector(".ck-summary", timeout=30_000)


def test_app_view_rate_by_clicking_and_see_the_assessors_note(voila_server, browser, shot):
    server = voila_server(ROOT / "notebooks")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/voila/render/02_trust_and_safety.ipynb", timeout=120_000)
    page.wait_for_selector(".ck-turn", timeout=90_000)
    _rate_and_compare(page)
    text = page.inner_text("body")
    assert "How your ratings compare with the assessor's" in text
    assert "Assessor:" in text or "No disagreements" in text
    assert "Traceback" not in text
    shot(page, "app-02-feedback")
    assert not errors


def test_app_view_shows_html_in_transcripts_notes_and_names_as_text(voila_server, browser, tmp_path, shot):
    from coachkit.library import write_session
    from coachkit.model import AnswerKey, Decision, Session, Utterance

    evil = '<img src=x onerror="window.__xss=1">'
    talk = (
        Utterance("u1", "coach", "Sam", 1.0, 4.0, f"What do you want today? {evil}"),
        Utterance("u2", "client", "Maya", 5.0, 9.0, "<script>window.__xss=2</script>Clarity."),
        Utterance("u3", "coach", "Sam", 10.0, 14.0, "You have done real work on this."),
        Utterance("u4", "client", "Maya", 15.0, 19.0, "I have."),
    )
    key = AnswerKey("PCC", f"Summary {evil}", 1, {
        "4.1": Decision(True, ("u3",), f"Acknowledges her work {evil}"),
        "6.6": Decision(True, ("u2",), "Lets her finish <b>always</b>"),
    })
    library = tmp_path / "library"
    session = Session("xss-check", f"XSS {evil}", "excerpt", "PCC", ("4.1", "6.6"), "test", talk, key,
                       description=f"Desc {evil}")
    write_session(session, library / "xss-check", consent="fictional")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    # a plain-text transcript keeps angle brackets as they are (WebVTT reads them as cue markup)
    (lessons / "plain.txt").write_text(f"Sam: Hello {evil}\nMaya: <script>window.__xss=3</script>Hi.\n", encoding="utf-8")
    _notebook(lessons, "xss.ipynb", "import coachkit as ck, ipywidgets as w\nfrom coachkit.widgets import RatingPanel, TranscriptView\n"
              "w.VBox([RatingPanel('xss-check'), TranscriptView(ck.load_transcript('plain.txt', coach='Sam'))])")
    env = dict(os.environ, COACHKIT_LIBRARY=str(library))
    server = voila_server(lessons, env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/voila/render/xss.ipynb", timeout=120_000)
    page.wait_for_selector(".ck-turn", timeout=90_000)
    page.fill("input[placeholder='your first name']", f"Ana {evil}")
    page.get_by_role("button", name="Start rating").first.click()
    page.get_by_role("button", name="not", exact=True).first.click()
    page.fill("textarea[placeholder='what you heard (optional)']", f"my note {evil}")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Compare with the assessor").first.click()
    page.wait_for_selector(".ck-feedback", timeout=30_000)
    text = page.inner_text("body")
    shot(page, "app-xss")
    assert page.evaluate("window.__xss") is None
    assert evil in text  # shown, as text
    assert "<script>window.__xss=3</script>Hi." in text
    assert f"my note {evil}" in text or "my note" in page.input_value("textarea[placeholder='what you heard (optional)']")


def _tone(path: Path, seconds: int = 30):
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(8000)
        f.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(8000 * seconds)))


def test_play_a_turn_of_the_recording(voila_server, browser, tmp_path, shot):
    transcript = tmp_path / "call.vtt"
    transcript.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nSam: What would you like from today?\n\n"
        "2\n00:00:12.000 --> 00:00:16.000\nMaya: Clarity about the promotion.\n",
        encoding="utf-8",
    )
    _tone(tmp_path / "call.wav")
    code = (
        "import coachkit as ck, ipywidgets as w\nfrom coachkit.widgets import TranscriptView\n"
        "v = TranscriptView(ck.load_transcript('call.vtt', coach='Sam'), recording='call.wav')\n"
        "said = w.Label('played: none')\nv.observe(lambda ch: setattr(said, 'value', 'played: ' + ch['new']), 'played')\n"
        "w.VBox([v, said])"
    )
    _notebook(tmp_path, "play.ipynb", code)
    server = voila_server(tmp_path)
    page = browser.new_page()
    page.goto(f"{server.url}/voila/render/play.ipynb", timeout=120_000)
    page.wait_for_selector(".ck-play", timeout=90_000)
    page.locator(".ck-play").nth(1).click()
    page.wait_for_selector("text=played: u2", timeout=15_000)
    position = page.evaluate("document.querySelector('audio.ck-audio').currentTime")
    assert position >= 12.0
    shot(page, "app-play-turn")


def test_jupyterlab_run_all_then_answer_the_drill(lab_server, browser, tmp_path, shot):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01_the_markers.ipynb").write_bytes((ROOT / "notebooks" / "01_the_markers.ipynb").read_bytes())
    server = lab_server(lessons)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server.url}/lab/tree/01_the_markers.ipynb", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    try:
        page.wait_for_selector("text=| Idle", timeout=60_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).first.click()
        page.wait_for_selector("text=Which marker does the coach show here?", timeout=90_000)
    finally:
        shot(page, "lab-01-after-run-all")
    choice = page.locator(".jp-OutputArea .widget-button").filter(has_text=".").first
    choice.click()
    page.wait_for_selector("text=Assessor:", timeout=20_000)
    shot(page, "lab-01-drill")

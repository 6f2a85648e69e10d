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


def test_app_view_rate_by_clicking_and_see_the_assessors_note(voila_server, browser, shot, tmp_path):
    server = voila_server(ROOT / "notebooks", _fresh_home(tmp_path))
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
    env = dict(_fresh_home(tmp_path), COACHKIT_LIBRARY=str(library))
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


def test_jupyterlab_run_all_then_answer_the_drill(lab_server, lab_run_all, browser, tmp_path, shot):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01_the_markers.ipynb").write_bytes((ROOT / "notebooks" / "01_the_markers.ipynb").read_bytes())
    server = lab_server(lessons)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    lab_run_all(page, server.url, "01_the_markers.ipynb", "text=Which marker does the coach show here?")
    shot(page, "lab-01-after-run-all")
    choice = page.locator(".jp-OutputArea .widget-button").filter(has_text=".").first
    choice.click()
    page.wait_for_selector("text=Assessor:", timeout=20_000)
    shot(page, "lab-01-drill")


# ------------------------------------------------------------------ every lesson, as a coach meets it (issue 16)

LESSONS = ("00_start_here", "01_the_markers", "02_trust_and_safety", "03_rate_a_full_session",
           "04_three_levels_side_by_side", "05_my_calibration")
LEVEL_WORD = r"\b(ACC|PCC|MCC)\b|below (the )?(ACC )?standard"


def _fresh_home(tmp_path) -> dict:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return dict(os.environ, COACHKIT_HOME=str(home))


def _open(page, url):
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".jupyter-widgets", timeout=90_000)
    page.wait_for_load_state("networkidle", timeout=60_000)


def test_every_lesson_in_the_app_view_displays_fits_and_fetches_nothing_from_outside(voila_server, browser, tmp_path,
                                                                                      shot, page_checks):
    cut_off_labels, watch_requests = page_checks.cut_off_labels, page_checks.watch_requests
    server = voila_server(ROOT / "notebooks", _fresh_home(tmp_path))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = watch_requests(page)
    page.goto(server.url + "/", timeout=60_000)
    start = page.inner_text("body")
    links = page.eval_on_selector_all("a", "els => els.map(a => a.getAttribute('href'))")
    for lesson in LESSONS:
        assert any(h and f"/{lesson}.ipynb" in h for h in links), f"the start page has no link to {lesson}"
    assert "Rate a full session" in start
    problems = []
    for lesson in LESSONS:
        _open(page, f"{server.url}/voila/render/{lesson}.ipynb")
        text = page.inner_text("body")
        if "Error displaying widget" in text or "Traceback" in text:
            problems.append(f"{lesson}: a widget did not display")
        cut = cut_off_labels(page)
        if cut:
            problems.append(f"{lesson}: labels cut off: {cut[:5]}")
        nexts = page.evaluate("""() => [...document.querySelectorAll('p')].filter(p => p.textContent.trim()
            .startsWith('Next:')).map(p => p.querySelector('a[href$=".ipynb"]') !== null)""")
        if nexts != [True]:
            problems.append(f"{lesson}: 'Next:' is not one link to the next lesson ({nexts})")
        shot(page, f"app-{lesson}")
    assert not problems
    assert not outside, f"the app view asked for something outside this machine: {outside[:5]}"


def _visible_text_without_the_call(page) -> str:
    """The lesson's widget text with the learner's own level buttons taken out (the call itself is allowed)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jupyter-widgets.widget-vbox, .jp-OutputArea-output')]
        .map(el => { const c = el.cloneNode(true); c.querySelectorAll('.ck-level, script, style').forEach(x => x.remove());
                     document.body.appendChild(c); const t = c.innerText; c.remove(); return t; }).join('\\n')""")


def test_lesson_03_gives_no_level_away_before_the_call_in_the_app_view(voila_server, browser, tmp_path):
    import re

    server = voila_server(ROOT / "notebooks", _fresh_home(tmp_path))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _open(page, f"{server.url}/voila/render/03_rate_a_full_session.ipynb")
    page.wait_for_selector(".ck-turn", timeout=60_000)
    options = page.eval_on_selector_all("select option", "els => els.map(o => o.textContent)")
    assert len(options) >= 4
    found = [o for o in options if re.search(LEVEL_WORD, o)]
    assert not found, f"the session list gives levels away: {found}"
    assert options == sorted(options, key=str.casefold), "the list is not in a neutral (alphabetical) order"
    assert not re.search(LEVEL_WORD, _visible_text_without_the_call(page))


def test_resume_after_reload_brings_back_the_attempt_then_the_feedback(voila_server, browser, tmp_path, shot):
    env = _fresh_home(tmp_path)
    server = voila_server(ROOT / "notebooks", env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    url = f"{server.url}/voila/render/03_rate_a_full_session.ipynb"
    _open(page, url)
    page.wait_for_selector(".ck-turn", timeout=60_000)
    page.fill("input[placeholder='your first name']", "Maya")
    page.get_by_role("button", name="Start rating").first.click()
    page.wait_for_selector("button:has-text('Rating as Maya')", timeout=20_000)
    page.locator(".ck-turn").nth(1).click()
    page.locator(".ck-choice").nth(0).get_by_role("button", name="evidenced", exact=True).click()
    page.get_by_role("button", name="use the picked lines").click()
    page.wait_for_function("() => !document.querySelector('.ck-selected')", timeout=20_000)  # picks cleared
    page.locator(".ck-choice").nth(1).get_by_role("button", name="not", exact=True).click()
    page.locator(".ck-level").nth(2).get_by_role("button", name="PCC", exact=True).click()
    page.get_by_role("button", name="Compare with the assessor").click()
    page.wait_for_selector("text=make your overall level call", timeout=20_000)  # the reminder, no feedback yet
    assert not page.locator(".ck-summary").count()
    page.locator(".ck-level").last.get_by_role("button", name="ACC", exact=True).click()
    page.wait_for_timeout(800)  # the saved state is what a reload brings back

    page.reload()
    page.wait_for_selector("text=Welcome back, Maya", timeout=90_000)
    active = page.locator(".ck-choice .widget-toggle-button.mod-active")
    assert active.count() == 2 and "evidenced" in active.nth(0).inner_text() and "not" in active.nth(1).inner_text()
    assert page.locator(".ck-level").last.locator(".mod-active").inner_text().strip().endswith("ACC")
    from coachkit.store import RatingStore

    kept = RatingStore(str(Path(env["COACHKIT_HOME"]) / "ratings.sqlite3")).sheets()[0]
    if kept.competency_calls:  # a store that keeps competency calls brings them back too
        assert page.locator(".ck-level").nth(2).locator(".mod-active").inner_text().strip().endswith("PCC")
    shot(page, "app-03-resumed")

    page.get_by_role("button", name="Compare with the assessor").click()
    page.wait_for_selector(".ck-summary", timeout=30_000)
    page.reload()
    page.wait_for_selector(".ck-summary", timeout=90_000)
    assert page.get_by_role("button", name="Start a new attempt").is_visible()
    assert "markers you decided" in page.inner_text(".ck-summary")
    shot(page, "app-03-feedback-after-reload")


def test_jupyterlab_lessons_display_fit_and_give_no_level_away(lab_server, lab_run_all, browser, tmp_path, shot, page_checks):
    import re

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for name in ("03_rate_a_full_session", "05_my_calibration"):  # without stored outputs: what runs is checked
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, lessons / f"{name}.ipynb")
    env = _fresh_home(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    server = lab_server(lessons, env)
    outside = []
    for name, ready in (("03_rate_a_full_session", ".ck-turn"), ("05_my_calibration", "text=Show my calibration")):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside += page_checks.watch_requests(page)
        lab_run_all(page, server.url, f"{name}.ipynb", ready)
        page.wait_for_timeout(1500)
        shot(page, f"lab-{name}")
        text = page.inner_text(".jp-Notebook")
        assert "Error displaying widget" not in text and "Traceback" not in text
        # the kit sends nothing anywhere, so JupyterLab does not ask whether to fetch its news feed either
        assert "Jupyter news" not in page.inner_text("body")
        cut = [c for c in page_checks.cut_off_labels(page.locator(".jp-Notebook").page) if c]
        assert not cut, f"{name}: labels cut off in JupyterLab: {cut[:5]}"
        if name.startswith("03"):
            options = page.eval_on_selector_all(".jp-OutputArea select option", "els => els.map(o => o.textContent)")
            assert options and not [o for o in options if re.search(LEVEL_WORD, o)]
            assert not re.search(LEVEL_WORD, _visible_text_without_the_call(page))
        page.close()
    assert not outside, f"JupyterLab asked for something outside this machine: {outside[:5]}"


def test_practise_next_opens_an_excerpt_to_rate_right_there(voila_server, browser, tmp_path, shot):
    import coachkit as ck
    from coachkit.store import RatingStore

    env = _fresh_home(tmp_path)
    store = RatingStore(str(Path(env["COACHKIT_HOME"]) / "ratings.sqlite3"))
    session = ck.load_session("ngozi-leadership-pcc")
    sheet = ck.RatingSheet(session_id=session.id, rater="Maya")
    for marker, decision in session.key.decisions.items():
        sheet.mark(marker, not decision.evidenced)  # every marker missed or over-credited
    sheet.level_call = "ACC"
    sheet.finished = True
    store.save(sheet)
    (Path(env["COACHKIT_HOME"]) / "rater-name").write_text("maya\n", encoding="utf-8")  # any letter case
    server = voila_server(ROOT / "notebooks", env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _open(page, f"{server.url}/voila/render/05_my_calibration.ipynb")
    page.wait_for_selector("text=1 finished attempt(s) by maya", timeout=60_000)
    suggestion = page.locator(".ck-practise").first
    suggestion.wait_for(state="visible", timeout=60_000)
    suggestion.click()
    page.wait_for_selector(".ck-turn", timeout=60_000)
    assert page.get_by_role("button", name="Compare with the assessor").is_visible()
    shot(page, "app-05-practise-next-opened")

"""Lesson 09, the calibration check, in a real browser: the app view (Voila) and JupyterLab, Debian's Chromium.

Two small hand-built private forms (X and Y, tests/_check_library.py) sit in a ``COACHKIT_LIBRARY`` folder,
with a fresh ``COACHKIT_HOME``. In the app view a learner drives form X to a pass, reloading the page in the
middle of the check (it resumes where she stopped) and downloads the record; in JupyterLab another learner
drives form Y to a fail and sees the retake. Both views: no "Error displaying widget", no cut-off button
text, no request leaving the machine. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from _check_library import write_forms  # noqa: E402

from coachkit.scoring import offered_markers  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LESSON = "09_calibration_check.ipynb"


def _world(tmp_path, outputs: bool = True):
    home, lib, lessons = tmp_path / "home", tmp_path / "library", tmp_path / "lessons"
    home.mkdir()
    lessons.mkdir()
    forms = write_forms(lib)
    nb = nbformat.read(ROOT / "notebooks" / LESSON, as_version=4)
    if not outputs:  # JupyterLab runs the lesson itself
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata.pop("widgets", None)
    nbformat.write(nb, lessons / LESSON)
    env = dict(os.environ, COACHKIT_HOME=str(home), COACHKIT_LIBRARY=str(lib))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    draws = {k: sorted(v, key=lambda s: (s.kind != "excerpt", s.id)) for k, v in forms.items()}
    return env, lessons, draws


def _progress(page) -> str:
    return page.inner_text(".ck-check-progress")


def _answer(page, session, right: bool, only: int | None = None):
    """Answer the page's current session: the key's answers (right) or the opposite, no calls (not right)."""
    markers = offered_markers(session)[: only if only is not None else None]
    from coachkit.framework import framework

    first = f"{markers[0]} {framework().marker(markers[0]).title}"
    page.wait_for_function("(t) => { const q = document.querySelector('.ck-check-questions');"
                           " return q && q.innerText.includes(t); }", arg=first, timeout=30_000)
    toggles = page.locator(".ck-check-answer")
    for i, m in enumerate(markers):
        truth = bool(session.key.decisions[m].evidenced)
        # the buttons in order: Heard, Not heard, Unsure (a chosen one reads "✔ Heard")
        toggles.nth(i).locator("button").nth(0 if truth == right else 1).click()
    if session.kind == "full" and right and only is None:
        page.locator(".ck-check-level select").select_option(label=session.key.level)
        comps = page.locator(".ck-check-competency select")
        for i, n in enumerate(range(3, 9)):
            comps.nth(i).select_option(label=session.key.competencies[n].level)


def _next(page, before: str):
    page.locator("button", has_text="Save and go to the next one").or_(
        page.locator("button", has_text="Finish and see my result")).first.click()
    page.wait_for_function(
        """(b) => { const p = document.querySelector('.ck-check-progress');
                    const r = document.querySelector('.ck-check-result');
                    return (p && p.innerText !== b) || (r && r.innerText.includes('Form')); }""",
        arg=before, timeout=30_000)


def _fine(page, checks, where: str):
    text = page.inner_text("body")
    assert "Error displaying widget" not in text and "Traceback" not in text, f"{where}: a widget did not display"
    cut = checks.cut_off_labels(page)
    assert not cut, f"{where}: labels cut off: {cut[:5]}"


def _shot(page, shot, name):
    shot(page, name)


def test_app_view_drive_to_a_pass_with_a_reload_in_the_middle(voila_server, browser, tmp_path, shot, page_checks):
    env, lessons, draws = _world(tmp_path)
    server = voila_server(lessons, env)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    outside = page_checks.watch_requests(page)
    url = f"{server.url}/voila/render/{LESSON}"
    page.goto(url, timeout=120_000)
    page.wait_for_selector("text=Start or resume the check", timeout=90_000)
    assert "practice check, not an ICF assessment" in page.inner_text("body")
    _fine(page, page_checks, "app view, opened")
    _shot(page, shot, "app-09-start")

    page.locator(".widget-text input").first.fill("Maya")
    page.locator(".ck-check-form select").select_option(label="Form X")
    page.get_by_role("button", name="Start or resume the check").click()
    page.wait_for_selector(".ck-check-progress:has-text('Part 1 of 2')", timeout=30_000)
    draw = draws["X"]
    _answer(page, draw[0], right=True)
    _next(page, _progress(page))
    assert "2 of 2" in _progress(page)
    _answer(page, draw[1], right=True, only=1)  # half of the second excerpt, then the page is reloaded
    page.wait_for_timeout(800)
    _shot(page, shot, "app-09-part1")

    page.reload()
    page.wait_for_selector("text=Welcome back", timeout=90_000)
    assert "Part 1 of 2, short excerpts: 2 of 2" in _progress(page)
    active = page.locator(".ck-check-answer .mod-active")
    assert active.count() == 1, "the answer given before the reload is shown"
    _answer(page, draw[1], right=True)
    _next(page, _progress(page))
    assert "Part 2 of 2" in _progress(page)
    _answer(page, draw[2], right=True)
    _fine(page, page_checks, "app view, a full session")
    _shot(page, shot, "app-09-part2")
    _next(page, _progress(page))
    _answer(page, draw[3], right=True)
    _next(page, _progress(page))

    page.wait_for_selector(".ck-check-result:has-text('Passed')", timeout=60_000)
    result = page.inner_text(".ck-check-result")
    assert "Not passed" not in result and "recheck on form" in result
    _fine(page, page_checks, "app view, the result")
    _shot(page, shot, "app-09-pass")
    page.locator(".ck-check-result").scroll_into_view_if_needed()
    shot(page, "app-09-pass-result")
    with page.expect_download(timeout=30_000) as got:
        page.locator("a.ck-download").click()
    download = got.value
    assert download.suggested_filename.startswith("calibration-check-x-")
    record = Path(download.path()).read_text(encoding="utf-8")
    assert "not an ICF assessment" in record and "Passed" in record

    page.reload()  # once finished, the form cannot be taken again: its result is shown
    page.wait_for_selector("text=Start or resume the check", timeout=90_000)
    page.locator(".ck-check-form select").select_option(label="Form X")
    page.get_by_role("button", name="Start or resume the check").click()
    page.wait_for_selector("text=each form is taken once", timeout=30_000)
    assert not outside, f"the app view asked for something outside this machine: {outside[:5]}"


def test_jupyterlab_drive_to_a_fail_and_the_retake(lab_server, lab_run_all, browser, tmp_path, shot, page_checks):
    env, lessons, draws = _world(tmp_path, outputs=False)
    server = lab_server(lessons, env)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = page_checks.watch_requests(page)
    lab_run_all(page, server.url, LESSON, "text=Start or resume the check")
    _fine(page, page_checks, "JupyterLab, opened")

    page.locator(".jp-OutputArea .widget-text input").first.fill("Ravi")
    page.locator(".ck-check-form select").select_option(label="Form Y")
    page.get_by_role("button", name="Start or resume the check").click()
    page.wait_for_selector(".ck-check-progress:has-text('Part 1 of 2')", timeout=30_000)
    for i, session in enumerate(draws["Y"]):
        _answer(page, session, right=False)
        if i == 2:
            _fine(page, page_checks, "JupyterLab, a full session")
            _shot(page, shot, "lab-09-part2")
        _next(page, _progress(page))
    page.wait_for_selector(".ck-check-result:has-text('Not passed yet')", timeout=60_000)
    result = page.inner_text(".ck-check-result")
    assert "retake the check on form" in result
    page.wait_for_selector("text=Markers that decided it", timeout=30_000)
    assert page.locator("a.ck-download").count() == 1
    assert page.locator("button", has_text="Practise ").count() >= 1
    _fine(page, page_checks, "JupyterLab, the result")
    _shot(page, shot, "lab-09-fail")
    page.locator(".ck-check-result").scroll_into_view_if_needed()
    shot(page, "lab-09-fail-result")
    assert not outside, f"JupyterLab asked for something outside this machine: {outside[:5]}"

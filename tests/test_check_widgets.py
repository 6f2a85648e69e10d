"""The calibration check's views as a learner and a facilitator use them: a progress line, no feedback during
the check, the result without keys, practice excerpts that open, a real download of the record, resume after
a reload, a form taken once, the next step in lesson 05, and the group's results anonymous by default."""

from __future__ import annotations

import base64
import re

import pytest
from _check_forms import form, practice_excerpts

pytest.importorskip("ipywidgets")

from coachkit.scoring import offered_markers  # noqa: E402
from coachkit.store import RatingStore  # noqa: E402
from coachkit.widgets import CheckNextStep, CheckView, GroupCheckResults, RatingPanel  # noqa: E402

FORMS = {"A": form("A", 1), "B": form("B", 2)}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    return RatingStore(tmp_path / "ratings.db")


def _view(store, rater="Maya"):
    return CheckView(store=store, forms=FORMS, practice=practice_excerpts(), rater=rater)


def _answer(view, right=True):
    s = view.controller.current()
    for m in offered_markers(s):
        truth = bool(s.key.decisions[m].evidenced)
        view.answer(m, "heard" if truth == right else "not heard")
    if s.kind == "full" and right:  # the level call and the competency calls, as the dropdowns are used
        for child in view.questions.children:
            if getattr(child, "description", "") == "Level call":
                child.value = s.key.level
            elif re.match(r"[3-8]\. ", getattr(child, "description", "")):
                child.value = s.key.competencies[int(child.description[0])].level


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_check_walks_through_both_parts_with_a_progress_line_and_no_feedback(store):
    view = _view(store)
    view.start()
    assert "Part 1 of 2, short excerpts: 1 of 10" in view.progress_line.value
    assert "Which of these markers" in view.questions.children[0].value
    for _ in range(10):
        _answer(view)
        view.next()
        assert view.result_box.value == ""  # nothing compared during the check
        assert "agree" not in view.status.value.replace("not agreeing", "")
    assert "Part 2 of 2, full sessions: 1 of 5" in view.progress_line.value
    labels = [c.description for c in view.questions.children if hasattr(c, "options") and c.description]
    assert "Level call" in labels and any(lbl.startswith("6. ") for lbl in labels)


def _finish(view, right=True):
    while view.work.layout.display != "none":
        _answer(view, right)
        view.next()


def test_a_pass_shows_the_result_the_next_step_and_a_download(store):
    view = _view(store)
    view.start()
    _finish(view)
    text = _text(view.result_box.value)
    assert "Passed" in text and "Not passed" not in text
    assert "recheck on form B" in text
    link = re.search(r"download='([^']+)' href='data:text/html;base64,([^']+)'", view.result_box.value)
    assert link and link.group(1).startswith("calibration-check-a-")
    record = base64.b64decode(link.group(2)).decode("utf-8")
    assert "not an ICF assessment" in record and "form A" in record


def test_a_fail_names_the_deciding_markers_with_practice_that_opens_and_no_key(store):
    view = _view(store)
    view.start()
    _finish(view, right=False)
    text = _text(view.result_box.value)
    assert "Not passed yet" in text and "retake the check on form B from" in text
    assert "note on " not in view.result_box.value and "depth of " not in view.result_box.value  # no key notes
    rows = [r for r in view.practise_buttons.children if hasattr(r, "children")]
    assert rows and "where the assessor did not" in " ".join(r.children[0].value for r in rows)
    buttons = [b for r in rows for b in r.children if hasattr(b, "click")]
    assert buttons and buttons[0].description.startswith("Practise ")
    buttons[0].click()
    panel = view.practice_area.children[0]
    assert isinstance(panel, RatingPanel)
    assert panel.session.id.startswith("practice-")  # a practice excerpt, not a check session


def test_a_reload_resumes_on_the_same_session_with_the_answers_shown(store):
    view = _view(store)
    view.start()
    for _ in range(3):
        _answer(view)
        view.next()
    first = offered_markers(view.controller.current())[0]
    view.answer(first, "unsure")
    again = _view(store, rater="maya")  # the page reloaded; the name remembered, any case
    assert "Welcome back" in again.status.value
    assert "4 of 10" in again.progress_line.value
    assert again._toggles[first].value == "unsure"


def test_a_finished_form_shows_its_result_and_cannot_be_retaken(store):
    view = _view(store)
    view.start()
    _finish(view)
    again = _view(store)
    again.start()
    assert "each form is taken once" in again.status.value
    assert "Passed" in _text(again.result_box.value)
    assert again.work.layout.display == "none"
    assert len(store.check_attempts()) == 1


def test_lesson_05_shows_the_check_and_its_next_step(store):
    line = CheckNextStep(store=store, rater="Maya", forms=FORMS)
    assert "not taken a calibration check" in line.out.value and "Take form A" in line.out.value
    view = _view(store)
    view.start()
    _finish(view, right=False)
    line.refresh()
    assert "Form A" in line.out.value and "not passed yet" in line.out.value
    assert "retake the check on form B from" in line.out.value


def test_the_group_view_is_anonymous_until_names_are_shown(store):
    for name, right in (("Maya", True), ("Ravi", False)):
        v = _view(store, rater=name)
        v.start()
        _finish(v, right)
    group = GroupCheckResults(store=store, forms=FORMS)
    html = group.table.value
    assert "1 of 2 finished checks passed" in html
    assert "Maya" not in html and "Ravi" not in html
    assert "participant 1" in html and "participant 2" in html  # two people, even on one machine
    assert "lenient" in html or "harsh" in html  # the profile travels with the result
    group.names_box.value = True
    assert "Maya" in group.table.value and "Ravi" in group.table.value


def test_an_imported_attempt_is_not_vouched_for(store):
    v = _view(store)
    v.start()
    _finish(v)
    attempt = store.check_attempts()[0]
    attempt.imported = True
    store.save_check(attempt)
    assert "not vouched for" in GroupCheckResults(store=store, forms=FORMS).table.value


def test_without_forms_the_lesson_says_so(store):
    view = CheckView(store=store, forms={}, rater="Maya")
    assert "no check form" in view.status.value

"""The calibration check's controller: what a learner does in lesson 09 reaches the store, resumes exactly
where it stopped, a form is taken once, nothing is compared before the end, and the result, next step and
record follow. Forms are hand-built (tests/_check_forms.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from _check_forms import form, practice_excerpts

from coachkit.check_controller import CheckController, check_history
from coachkit.errors import CoachkitError
from coachkit.scoring import offered_markers
from coachkit.store import RatingStore

FORMS = {"A": form("A", 1), "B": form("B", 2)}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    return RatingStore(tmp_path / "ratings.db")


def _ctl(store, letter="A"):
    return CheckController(letter, store, sessions=FORMS[letter], practice=practice_excerpts(), forms=tuple(FORMS))


def _answer_current(ctl, right=True):
    s = ctl.current()
    for m in offered_markers(s):
        truth = bool(s.key.decisions[m].evidenced)
        ctl.mark(m, truth if right else not truth)
    if s.kind == "full":
        ctl.set_level(s.key.level if right else ("below" if s.key.level == "MCC" else "MCC"))
        for n, call in s.key.competencies.items():
            ctl.call_competency(n, call.level if right else ("below" if call.level in ("PCC", "MCC") else "MCC"))


def _drive(ctl, right=True):
    while ctl.current() is not None:
        _answer_current(ctl, right)
        ctl.next()
    return ctl.finish()


def test_excerpts_come_first_and_the_progress_line_says_where_you_are(store):
    ctl = _ctl(store)
    ctl.begin("Maya")
    assert ctl.current().kind == "excerpt"
    assert ctl.progress_text().startswith("Part 1 of 2, short excerpts: 1 of 10")
    for _ in range(10):
        _answer_current(ctl)
        ctl.next()
    assert ctl.current().kind == "full"
    assert ctl.progress_text().startswith("Part 2 of 2, full sessions: 1 of 5")
    assert ctl.attempt.stage == "full"


def test_a_reload_resumes_exactly_where_the_learner_stopped(store):
    ctl = _ctl(store)
    ctl.begin("Maya")
    while ctl.current().kind == "excerpt":
        _answer_current(ctl)
        ctl.next()
    _answer_current(ctl)  # a full session half done: marks, level call and competency calls, not moved on
    ctl.next()
    s = ctl.current()
    first = offered_markers(s)[:3]
    ctl.mark(first[0], True)
    ctl.mark(first[1], False)
    ctl.mark(first[2], None)
    ctl.set_level("ACC")
    ctl.call_competency(6, "PCC")

    again = _ctl(store)  # a new page: a new controller on the same store; the name in another case
    attempt = again.begin("maya")
    assert attempt.id == ctl.attempt.id
    assert again.current().id == s.id
    assert again.progress_text() == ctl.progress_text()
    sheet = again.sheet()
    assert {m: sheet.marks[m].evidenced for m in first} == {first[0]: True, first[1]: False, first[2]: None}
    assert sheet.level_call == "ACC" and sheet.competency_calls[6] == "PCC"
    done_before = [sid for sid in attempt.draw if sid in attempt.sheet_ids]
    assert len(done_before) == 11
    assert again.sheets[done_before[-1]].level_call == FORMS["A"][[x.id for x in FORMS["A"]].index(done_before[-1])].key.level


def test_nothing_is_compared_before_the_end(store):
    ctl = _ctl(store)
    ctl.begin("Maya")
    _answer_current(ctl)
    ctl.next()
    with pytest.raises(CoachkitError, match="once the check is finished"):
        ctl.result()
    saved = store.sheets()
    assert saved and all(not s.finished and s.key_version is None for s in saved)


def test_answering_the_keys_passes_and_a_harsh_rater_fails(store):
    good = _drive(_begin(_ctl(store), "Maya"))
    assert good.passed and good.complete
    bad = _drive(_begin(_ctl(store, "B"), "Ravi"), right=False)
    assert not bad.passed
    assert bad.deciding, "the markers that decided a fail are named"
    assert all(row["practise"].startswith("practice-") for row in bad.deciding)


def _begin(ctl, name):
    ctl.begin(name)
    return ctl


def test_left_open_counts_as_disagreement(store):
    ctl = _begin(_ctl(store), "Maya")
    while ctl.current() is not None:
        ctl.next()  # nothing answered at all
    result = ctl.finish()
    assert not result.passed
    assert result.counts["markers_agreed"] == 0


def test_a_form_is_taken_once_whatever_the_letter_case(store):
    ctl = _begin(_ctl(store), "Maya")
    _drive(ctl)
    with pytest.raises(CoachkitError, match="each form is taken once"):
        _ctl(store).begin("MAYA")
    assert _ctl(store).finished_attempt("maya").id == ctl.attempt.id
    assert len(store.check_attempts()) == 1


def test_the_next_step_after_a_fail_is_a_retake_on_the_other_form_after_the_wait(store):
    ctl = _begin(_ctl(store), "Maya")
    _drive(ctl, right=False)
    step = ctl.next_step()
    assert step.kind == "retake" and step.form == "B"
    assert step.when == date.fromisoformat(ctl.attempt.updated[:10]) + timedelta(days=14)
    assert step.when.isoformat() in step.text


def test_the_next_step_after_a_pass_is_a_recheck_six_months_on(store):
    ctl = _begin(_ctl(store), "Maya")
    _drive(ctl)
    step = ctl.next_step()
    assert step.kind == "recheck" and step.form == "B"
    finished = date.fromisoformat(ctl.attempt.updated[:10])
    assert (step.when - finished).days in range(180, 186)


def test_the_record_is_dated_self_contained_and_says_it_is_a_practice_check(store):
    ctl = _begin(_ctl(store), "Maya")
    _drive(ctl)
    html = ctl.record_html()
    assert "practice check, not an ICF assessment" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html.lower()
    assert ctl.record_name() == f"calibration-check-a-{ctl.attempt.updated[:10]}.html"
    # no key leaks into the record: the assessor's notes of the hand-built keys never appear
    assert "note on " not in html and "depth of " not in html


def test_history_scores_every_finished_attempt_afresh(store):
    _drive(_begin(_ctl(store), "Maya"), right=False)
    _drive(_begin(_ctl(store, "B"), "Maya"))
    history = check_history(store, "maya", lambda f: FORMS[f])
    assert [(a.form, r.passed) for a, r in history] == [("A", False), ("B", True)]
    last = CheckController("B", store, sessions=FORMS["B"], forms=tuple(FORMS))
    last.reopen_finished("Maya")
    assert last.next_step().kind == "none"  # every form taken: ask the facilitator for a private one


def test_without_a_store_the_check_still_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    ctl = _begin(CheckController("A", None, sessions=FORMS["A"], practice=practice_excerpts(), forms=("A", "B")), "Ana")
    assert _drive(ctl).passed


def test_a_name_is_needed_and_a_foreign_marker_is_refused(store):
    with pytest.raises(CoachkitError, match="type your name"):
        _ctl(store).begin("  ")
    ctl = _begin(_ctl(store), "Maya")
    asked = set(offered_markers(ctl.current()))
    other = next(m for m in ("2.1", "3.1", "4.1", "5.1", "6.1", "7.1", "8.1", "8.9") if m not in asked)
    with pytest.raises(CoachkitError, match="not asked"):
        ctl.mark(other, True)
    with pytest.raises(CoachkitError, match="full sessions"):
        ctl.set_level("PCC")


def test_check_sheets_stay_out_of_the_practice_history(tmp_path, monkeypatch):
    """A reserved session of the library, rated in a check, never shows in lesson 05's calibration."""
    from coachkit import library
    from coachkit.convenience import calibration
    from coachkit.model import RatingSheet

    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    forms = library.check_forms()
    if not forms:
        pytest.skip("the library has no reserved form yet")
    session = next(iter(forms.values()))[0]
    sheet = RatingSheet(session.id, "Maya", rater_id="r1")
    for m in offered_markers(session):
        sheet.mark(m, True)
    sheet.finished = True
    cal = calibration([sheet])
    assert len(cal.history) == 0


def test_deciding_markers_point_to_the_librarys_practice_excerpts_by_default(store):
    from coachkit import library

    ctl = _begin(CheckController("A", store, sessions=FORMS["A"], forms=tuple(FORMS)), "Maya")
    result = _drive(ctl, right=False)
    excerpts = {s.id for s in library.sessions(kind="excerpt")}
    linked = [row["practise"] for row in result.deciding if row["practise"]]
    assert linked and set(linked) <= excerpts

"""The calibration check: the pass rule, shortcut strategies failing, the profile, retakes and the record.

The forms here are hand-built (tests/_check_forms.py); the same tests apply to the library's reserved
forms once ``coachkit.library.check_forms()`` returns them. Kappa values inside the rule come from
coachkit.agreement, which is checked against published worked examples and scikit-learn in
tests/test_agreement.py.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from _check_forms import form, practice_excerpts

import coachkit as ck
from coachkit.check import (
    lean_profile,
    load_rule,
    next_check,
    score_check,
    simulate,
    start_check,
    strategy_sheets,
)
from coachkit.check_record import check_report
from coachkit.errors import CoachkitError, FormatError
from coachkit.model import CheckAttempt, RatingSheet

FORMS = {"A": form("A", 1), "B": form("B", 2)}


def _perfect(sessions, rater="Ana"):
    sheets = []
    for s in sessions:
        sheet = RatingSheet(s.id, rater, rater_id="r-ana")
        for m, d in s.key.decisions.items():
            if not s.focus or m in s.focus:
                sheet.mark(m, d.evidenced)
        if s.kind == "full":
            sheet.level_call = s.key.level
            for n, c in s.key.competencies.items():
                sheet.call_competency(n, c.level)
        sheet.finished = True
        sheets.append(sheet)
    return sheets


def test_the_public_names_are_there():
    assert ck.start_check is start_check and ck.score_check is score_check and ck.lean_profile is lean_profile
    assert ck.check_report is check_report and ck.CheckAttempt is CheckAttempt


def test_a_check_draws_excerpts_first_in_a_fixed_order_and_a_form_is_taken_once():
    sessions = FORMS["A"]
    a = start_check("Ana", "A", sessions, rater_id="r-ana")
    b = start_check("Ben", "A", reversed(sessions), rater_id="r-ben")
    assert a.draw == b.draw  # the order does not depend on how the sessions were handed over
    kinds = [next(s.kind for s in sessions if s.id == sid) for sid in a.draw]
    assert kinds == sorted(kinds, key=lambda k: k != "excerpt") and kinds[0] == "excerpt" and kinds[-1] == "full"
    assert a.stage == "excerpts"
    with pytest.raises(CoachkitError, match="already taken"):
        start_check("Ana", "A", sessions, rater_id="r-ana", previous=[a])
    start_check("Ana", "B", FORMS["B"], rater_id="r-ana", previous=[a])  # another form is fine


def test_perfect_ratings_pass_and_the_result_prints_the_formula_and_says_not_icf():
    sessions = FORMS["A"]
    attempt = start_check("Ana", "A", sessions)
    result = score_check(attempt, _perfect(sessions), sessions)
    assert result.passed and result.complete
    assert result.values == {"A": 1.0, "K": 1.0, "C": 1.0, "W": 1.0}
    assert "PASS = A >= a_form - 0.1" in result.formula and "level calls right" in result.formula
    assert result.thresholds == load_rule().thresholds("A") and result.rule_is_default
    assert "not an ICF assessment" in str(result)
    assert result.deciding == []


def test_unsure_and_undecided_count_as_disagreement():
    sessions = FORMS["A"]
    attempt = start_check("Ana", "A", sessions)
    sheets = _perfect(sessions)
    full = next(sh for sh, s in zip(sheets, sessions, strict=True) if s.kind == "full")
    markers = list(full.marks)[:6]
    for m in markers:
        full.mark(m, None)  # unsure
    r_unsure = score_check(attempt, sheets, sessions)
    for m in markers:
        full.unmark(m)  # left open
    r_open = score_check(attempt, sheets, sessions)
    asked = r_unsure.counts["markers_asked"]
    assert r_unsure.counts["markers_agreed"] == asked - 6 == r_open.counts["markers_agreed"]
    assert r_unsure.values["K"] < 1 and r_unsure.values["K"] == r_open.values["K"]
    assert sum(d["unsure"] for d in r_unsure.deciding) == 6


def test_pass_or_fail_is_recomputed_from_the_keys_every_time():
    sessions = FORMS["A"]
    attempt = start_check("Ana", "A", sessions)
    sheets = _perfect(sessions)
    assert score_check(attempt, sheets, sessions).passed
    # the same marks against corrected keys (every decision flipped on the full sessions): now a fail
    flipped = []
    for s in sessions:
        if s.kind == "full":
            decisions = {m: type(d)(not d.evidenced, d.evidence if not d.evidenced else (), d.note)
                         for m, d in s.key.decisions.items()}
            s = s.with_key(type(s.key)(s.key.level, s.key.summary, 2, decisions, competencies=s.key.competencies))
        flipped.append(s)
    assert not score_check(attempt, sheets, flipped).passed


def test_level_calls_count_inside_the_formula_not_as_a_gate():
    sessions = FORMS["A"]
    attempt = start_check("Ana", "A", sessions)
    sheets = _perfect(sessions)
    right = score_check(attempt, sheets, sessions)
    wrong_level = next(sh for sh, s in zip(sheets, sessions, strict=True) if s.kind == "full")
    wrong_level.level_call = "MCC" if wrong_level.level_call != "MCC" else "below"
    one_wrong = score_check(attempt, sheets, sessions)
    assert one_wrong.values["A"] < right.values["A"] and one_wrong.passed  # lowers A, does not fail alone


@pytest.mark.parametrize("letter", sorted(FORMS))
@pytest.mark.parametrize("strategy", ["level-only", "tick-all", "all-PCC"])
def test_shortcut_strategies_fail_every_form(letter, strategy):
    sessions = FORMS[letter]
    attempt = start_check("Shortcut", letter, sessions)
    result = score_check(attempt, strategy_sheets(strategy, sessions), sessions)
    assert not result.passed, (strategy, letter, result.values)


@pytest.mark.parametrize("letter", sorted(FORMS))
def test_simulated_error_rates_a_guesser_never_passes_a_careful_rater_rarely_fails(letter):
    rates = simulate(FORMS[letter], letter, runs=300, seed=5)
    assert rates["false_pass"] <= 0.01  # a coin-flipping guesser
    assert rates["false_fail"] <= 0.25  # a rater who agrees 90 % of the time
    assert rates["runs"] == 300 and rates["agree"] == 0.9


def test_lean_profile_states_a_lean_only_above_the_minimum_and_margin():
    sessions = FORMS["A"]
    sheets = _perfect(sessions)
    # credit every competency-6 marker everywhere: lenient on 6, no lean elsewhere
    for sh in sheets:
        for m in list(sh.marks):
            if m.startswith("6."):
                sh.mark(m, True)
    prof = lean_profile(sheets, sessions, practice=practice_excerpts()).set_index("competency")
    six = prof.loc[6]
    assert six["difference"] > 0.15 and "more often than the assessor" in six["sentence"]
    assert re.search(r"6\.\d \(practise: practice-6\.\d\)", six["markers"])
    assert prof.loc[3, "sentence"] == "no clear lean" and prof.loc[3, "markers"] == ""


def test_lean_profile_says_no_clear_lean_below_the_minimum_number_of_decisions():
    s = FORMS["A"][0]
    sheet = RatingSheet(s.id, "Ana", rater_id="r")
    six = [m for m in s.key.decisions if m.startswith("6.")][:3]
    for m in six:
        sheet.mark(m, True)
    prof = lean_profile([sheet], [s])
    assert list(prof["sentence"]) == ["no clear lean"]  # 3 decisions < the stated minimum


def test_next_step_retake_after_a_fail_and_recheck_after_a_pass():
    sessions = FORMS["A"]
    attempt = start_check("Ana", "A", sessions)
    attempt.updated = "2027-03-01T10:00:00+00:00"
    fail = score_check(attempt, strategy_sheets("tick-all", sessions), sessions)
    step = next_check([(attempt, fail)], ["A", "B"])
    assert (step.kind, step.form, step.when) == ("retake", "B", date(2027, 3, 15))
    ok = score_check(attempt, _perfect(sessions), sessions)
    step = next_check([(attempt, ok)], ["A", "B"])
    assert (step.kind, step.form, step.when) == ("recheck", "B", date(2027, 9, 1))
    assert next_check([(attempt, ok)], ["A"]).kind == "none"


def test_the_rule_file_is_checked_with_clear_errors(tmp_path):
    text = (ck.check.DEFAULT_RULE).read_text(encoding="utf-8")
    bad = tmp_path / "anchors.yaml"
    bad.write_text(text.replace("  A:\n    agreement: 0.923", "  A: &fig\n    agreement: 0.923").replace(
        "  B:\n    agreement: 0.905\n    kappa: 0.726", "  B: *fig"), encoding="utf-8")
    with pytest.raises(FormatError, match="anchors and aliases"):
        load_rule(bad)
    out_of_range = tmp_path / "range.yaml"
    out_of_range.write_text(text.replace("agreement_margin: 0.10", "agreement_margin: 7"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"range.yaml:\d+: 'agreement_margin' must be a number from 0 to 1"):
        load_rule(out_of_range)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(text + "pass_everyone: true\n", encoding="utf-8")
    with pytest.raises(FormatError, match="unknown field 'pass_everyone'"):
        load_rule(unknown)
    own = tmp_path / "own.yaml"
    own.write_text(text.replace("agreement_margin: 0.10", "agreement_margin: 0.20"), encoding="utf-8")
    rule = load_rule(own)
    assert not rule.is_default and rule.thresholds("A")["A"] == pytest.approx(0.923 - 0.20)


def test_a_private_form_uses_the_default_reviewer_figures_and_says_so():
    sessions = form("Z", 9)
    attempt = start_check("Ana", "Z", sessions)
    result = score_check(attempt, _perfect(sessions), sessions)
    assert not result.reviewer_figures_are_the_forms
    assert any("defaults" in n for n in result.notes)


def test_the_record_is_dated_self_contained_escaped_and_marks_imports(tmp_path):
    sessions = FORMS["A"]
    attempt = start_check("<script>alert(1)</script>", "A", sessions)
    result = score_check(attempt, _perfect(sessions), sessions)
    path = check_report(attempt, result, tmp_path / "record.html")
    html = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "a practice check, not an ICF assessment" in html
    assert "PASS = A &gt;= a_form" in html and "default rule and thresholds" in html
    assert date.today().isoformat() in html
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", html) and "<link" not in html
    assert "not vouched for" not in html
    attempt.imported = True
    imported = score_check(attempt, _perfect(sessions), sessions)
    html = check_report(attempt, imported, tmp_path / "imported.html").read_text(encoding="utf-8")
    assert "not vouched for" in html


def test_scoring_an_incomplete_attempt_counts_the_missing_sessions_against_it():
    sessions = FORMS["B"]
    attempt = start_check("Ana", "B", sessions)
    result = score_check(attempt, _perfect(sessions)[:3], sessions)
    assert not result.complete and not result.passed
    assert any("have no ratings" in n for n in result.notes)


def test_the_facilitator_sees_the_groups_results_anonymously_unless_names_are_shown():
    from coachkit.check import group_check_summary

    sessions = FORMS["A"]
    a = start_check("Ana", "A", sessions, rater_id="r-ana")
    b = start_check("Ben", "A", sessions, rater_id="r-ben")
    b.imported = True
    pairs = [(a, score_check(a, _perfect(sessions), sessions)),
             (b, score_check(b, strategy_sheets("tick-all", sessions), sessions))]
    t = group_check_summary(pairs)
    assert list(t["participant"]) == ["participant 1", "participant 2"] and "Ana" not in t.to_string()
    assert list(t["passed"]) == [True, False] and list(t["vouched_for"]) == [True, False]
    assert list(group_check_summary(pairs, show_names=True)["participant"]) == ["Ana", "Ben"]


def test_without_library_forms_a_clear_error_names_what_to_do(monkeypatch):
    import coachkit.library as library

    monkeypatch.delattr(library, "check_forms", raising=False)
    with pytest.raises(CoachkitError, match="no check forms"):
        start_check("Ana", "A")


def test_forms_come_from_the_library_when_not_handed_over(monkeypatch):
    import coachkit.library as library

    monkeypatch.setattr(library, "check_forms", lambda: {"A": FORMS["A"], "B": FORMS["B"]}, raising=False)
    attempt = start_check("Ana", "B")
    assert attempt.draw == start_check("Ana", "B", FORMS["B"]).draw
    assert score_check(attempt, _perfect(FORMS["B"]), None).passed
    with pytest.raises(CoachkitError, match="no check form 'C'"):
        start_check("Ana", "C")


# ------------------------------------------------------------------ the shipped reserved forms themselves


def _shipped_forms():
    import coachkit.library as library

    return library.check_forms()


@pytest.mark.parametrize("strategy", ["level-only", "tick-all", "all-PCC"])
def test_every_shortcut_strategy_fails_every_shipped_form(strategy):
    forms = _shipped_forms()
    assert set(forms) >= {"A", "B"}, "the kit ships two reserved forms (use: check)"
    for name, sessions in forms.items():
        result = score_check(start_check("shortcut", name, sessions), ck.check.strategy_sheets(strategy, sessions),
                             sessions, practice=[])
        assert not result.passed, f"{strategy} passes form {name}: {result.values}"


def test_on_the_shipped_forms_a_guesser_never_passes_and_a_90_percent_rater_rarely_fails():
    for name, sessions in _shipped_forms().items():
        guesser = ck.check.simulate(sessions, form=name, runs=300, agree=0.5)
        careful = ck.check.simulate(sessions, form=name, runs=300, agree=0.9)
        assert guesser["false_pass"] <= 0.01, guesser
        assert careful["false_fail"] <= 0.10, careful

"""The calibration check (lesson 09): a fixed form of sessions the learner has never seen, one stated pass
rule, a lenient-or-harsh profile, and a retake or recheck on a fresh form.

- :func:`start_check` begins an attempt on one form (excerpts first, then full sessions, in a fixed
  order); a learner takes each form at most once.
- :func:`score_check` ALWAYS recomputes pass or fail from the marks against the keys, with the rule of
  ``coachkit/data/check_rule.yaml`` (:func:`load_rule`), written out as one formula in the result.
- :func:`lean_profile`: per competency, how much more or less often the learner credits than the assessor.
- :func:`next_check`: after a fail, a retake on another form after a wait; after a pass, a recheck after
  six months on a form not yet taken.
- :func:`simulate`: false-pass rates for a random guesser, false-fail rates for a rater who agrees 90 %.

It is a practice check, not an ICF assessment. Statistics come from :mod:`coachkit.agreement`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from . import library
from .agreement import coefficients, confusion_table
from .check_rule import DEFAULT_RULE, NOT_ICF, CheckRule, load_rule, resolve_rule
from .errors import CoachkitError
from .framework import framework
from .model import LEVEL_ORDER, CheckAttempt, RatingSheet, Session
from .scoring import offered_markers

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEFAULT_RULE",
    "NOT_ICF",
    "CheckRule",
    "CheckResult",
    "NextStep",
    "load_rule",
    "form_sessions",
    "start_check",
    "score_check",
    "lean_profile",
    "next_check",
    "simulate",
    "strategy_sheets",
    "group_check_summary",
]

# ------------------------------------------------------------------------------------------- the attempt


def form_sessions(form: str, sessions: Iterable[Session] | None = None) -> tuple[Session, ...]:
    """The sessions of one form: ``sessions`` when given, else the library's ``check_forms()[form]``."""
    if not isinstance(form, str) or not form.strip():
        raise CoachkitError("a check form is named by its letter, e.g. 'A'")
    if sessions is None:
        if not hasattr(library, "check_forms"):
            raise CoachkitError("this library has no check forms yet: pass the form's sessions")
        forms = library.check_forms()
        if form not in forms:
            raise CoachkitError(f"no check form {form[:20]!r}: the forms are {', '.join(sorted(forms)) or 'none'}")
        sessions = forms[form]
    found = tuple(sessions)
    for s in found:
        if not isinstance(s, Session):
            raise CoachkitError(f"a check form is made of Sessions, not {type(s).__name__}")
        if s.key is None:
            raise CoachkitError(f"session '{s.id}' of form {form} has no answer key: it cannot be in a check")
    if not found:
        raise CoachkitError(f"check form {form[:20]!r} has no sessions")
    return found


def _draw(sessions: Sequence[Session]) -> tuple[str, ...]:
    """The fixed order: excerpts first, then full sessions, each by id (ids do not give the level away)."""
    return tuple(s.id for s in sorted(sessions, key=lambda s: (s.kind != "excerpt", s.id)))


def start_check(
    rater: str,
    form: str,
    sessions: Iterable[Session] | None = None,
    *,
    rater_id: str = "",
    previous: Iterable[CheckAttempt] = (),
) -> CheckAttempt:
    """Begin a check attempt on ``form``: stage "excerpts", the form's sessions in a fixed draw order.

    ``previous`` holds the learner's earlier attempts: a form already taken is a CoachkitError (each form
    is taken at most once; :func:`next_check` names the next one).
    """
    found = form_sessions(form, sessions)
    for a in previous:
        if isinstance(a, CheckAttempt) and a.form == form and (not rater_id or not a.rater_id or a.rater_id == rater_id):
            raise CoachkitError(f"form {form} was already taken (attempt started {a.started[:10]}): each form is taken once")
    return CheckAttempt(rater=rater, form=form, draw=_draw(found), rater_id=rater_id)


# -------------------------------------------------------------------------------------------- the score


@dataclass
class CheckResult:
    """A check attempt scored against the keys (never stored: recomputed every time).

    ``values`` holds A, K, C, W (see :attr:`formula`), ``thresholds`` the four bars, ``passes`` which bars
    were met, ``counts`` the decisions behind them, ``reviewer_figures_are_the_forms`` whether the form has
    its own reviewer figures (else the rule's defaults were used), ``rule_is_default`` whether the kit's own
    rule file was used. ``profile`` is the :func:`lean_profile`; ``deciding`` lists the markers the learner
    got wrong, each with a practice excerpt to open (no key is shown).
    """

    attempt_id: str
    form: str
    rater: str
    passed: bool
    complete: bool
    values: dict[str, float]
    thresholds: dict[str, float]
    passes: dict[str, bool]
    counts: dict[str, int]
    formula: str
    rule_source: str
    rule_is_default: bool
    reviewer_figures_are_the_forms: bool
    imported: bool
    profile: pd.DataFrame
    deciding: list[dict]
    scored: str = field(default_factory=lambda: date.today().isoformat())
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        verdict = "PASS" if self.passed else "NOT YET"
        v = ", ".join(f"{k} {self.values[k]:.2f} (needs {self.thresholds[k]:.2f})" for k in ("A", "K", "C", "W"))
        text = f"Form {self.form}: {verdict}. {v}.\nRule: {self.formula}\n{NOT_ICF}"
        if self.imported:
            text += " Imported result: not vouched for."
        return text


def _sheets_for(attempt: CheckAttempt, sheets: Iterable[RatingSheet]) -> dict[str, RatingSheet]:
    by_id, by_session = {}, {}
    for s in sheets:
        if not isinstance(s, RatingSheet):
            raise CoachkitError(f"a check is scored from RatingSheets, not {type(s).__name__}")
        by_id[s.id] = s
        if s.session_id not in by_session or (s.updated, s.id) > (by_session[s.session_id].updated, by_session[s.session_id].id):
            by_session[s.session_id] = s
    found = {}
    for sid in attempt.draw:
        sheet_id = attempt.sheet_ids.get(sid)
        sheet = by_id.get(sheet_id) if sheet_id else by_session.get(sid)
        if sheet is not None and sheet.session_id == sid:
            found[sid] = sheet
    return found


def _far(level: str) -> str:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[0] if i >= len(LEVEL_ORDER) / 2 else LEVEL_ORDER[-1]


def _calls(sheet: RatingSheet | None) -> tuple[dict, str | None, dict]:
    if sheet is None:
        return {}, None, {}
    return {m: mk.evidenced for m, mk in sheet.marks.items()}, sheet.level_call, dict(sheet.competency_calls)


def _tally(sessions: Sequence[Session], calls: Mapping[str, tuple[dict, str | None, dict]]) -> dict:
    """Every decision of the form, scored with unsure or undecided as disagreement. ``calls`` maps a
    session id to (marker -> True/False/None, level call, competency -> level)."""
    agree = asked = levels_right = n_full = 0
    full_table = [[0, 0], [0, 0]]  # learner rows (yes, no) x assessor columns (yes, no)
    comp_learner: list[str] = []
    comp_assessor: list[str] = []
    rows = []  # (session, marker, learner, assessor) for the profile
    for s in sessions:
        marks, level_call, comps = calls.get(s.id, ({}, None, {}))
        for m in offered_markers(s):
            truth = bool(s.key.decisions[m].evidenced)
            said = marks.get(m)
            asked += 1
            agree += said is truth
            rows.append((s.id, m, said, truth))
            if s.kind == "full":
                scored = said if said is not None else (not truth)
                full_table[0 if scored else 1][0 if truth else 1] += 1
        if s.kind == "full":
            n_full += 1
            levels_right += level_call is not None and level_call == s.key.level
            for number, call in sorted(s.key.competencies.items()):
                mine = comps.get(number)
                comp_learner.append(mine if mine is not None else _far(call.level))
                comp_assessor.append(call.level)
    return {
        "agree": agree, "asked": asked, "levels_right": levels_right, "n_full": n_full, "full_table": full_table,
        "comp_learner": comp_learner, "comp_assessor": comp_assessor, "rows": rows,
    }


def _values(t: dict, rule: CheckRule) -> dict[str, float]:
    w = rule.level_weight
    den = t["asked"] + w * t["n_full"]
    a = (t["agree"] + w * t["levels_right"]) / den if den else math.nan
    k = float(coefficients(t["full_table"])["kappa"]) if t["n_full"] else math.nan
    if t["comp_learner"]:
        table = confusion_table(t["comp_learner"], t["comp_assessor"])
        c = float(table.trace() / table.sum())
        wk = float(coefficients(table, "linear")["kappa"])
    else:
        c = wk = math.nan
    return {"A": a, "K": k, "C": c, "W": wk}


def _meets(value: float, bar: float) -> bool:
    return value == value and value >= bar - 1e-12


def score_check(
    attempt: CheckAttempt,
    sheets: Iterable[RatingSheet],
    sessions: Iterable[Session] | None,
    rule=None,
    practice: Iterable[Session] | None = None,
) -> CheckResult:
    """Score an attempt: pass or fail recomputed from the sheets against the form's keys with ``rule``
    (a :class:`CheckRule`, a rule file path, or None for the kit's rule). A value that cannot be computed
    (NaN: e.g. a form without competency calls, or kappa undefined) does not meet its bar. ``practice``
    gives the excerpts the deciding markers point to (default: the library's excerpts when the form comes
    from the library, else none).
    """
    if not isinstance(attempt, CheckAttempt):
        raise CoachkitError(f"score_check needs a CheckAttempt, not {type(attempt).__name__}")
    rule = resolve_rule(rule)
    from_library = sessions is None
    found = {s.id: s for s in form_sessions(attempt.form, sessions)}
    if practice is None and from_library:
        practice = library.sessions(kind="excerpt")
    missing = [sid for sid in attempt.draw if sid not in found]
    if missing:
        raise CoachkitError(f"the form's sessions do not include {missing[0][:60]!r} of this attempt")
    ordered = [found[sid] for sid in attempt.draw]
    by_session = _sheets_for(attempt, sheets)
    t = _tally(ordered, {sid: _calls(sh) for sid, sh in by_session.items()})
    values = _values(t, rule)
    thresholds = rule.thresholds(attempt.form)
    passes = {k: _meets(values[k], thresholds[k]) for k in thresholds}
    _, own = rule.reviewer(attempt.form)
    notes = []
    complete = len(by_session) == len(ordered) and all(
        by_session[s.id].finished for s in ordered if s.id in by_session
    )
    if len(by_session) < len(ordered):
        notes.append(f"{len(ordered) - len(by_session)} of the form's {len(ordered)} sessions have no ratings: they count as disagreement")
    if not own:
        notes.append(f"form {attempt.form} has no reviewer figures of its own: the rule's defaults are used")
    profile = lean_profile(by_session.values(), ordered, rule=rule, practice=practice)
    return CheckResult(
        attempt_id=attempt.id,
        form=attempt.form,
        rater=attempt.rater,
        passed=all(passes.values()),
        complete=complete,
        values=values,
        thresholds=thresholds,
        passes=passes,
        counts={
            "markers_asked": t["asked"], "markers_agreed": t["agree"], "full_sessions": t["n_full"],
            "level_calls_right": int(t["levels_right"]), "competency_calls": len(t["comp_learner"]),
        },
        formula=rule.formula,
        rule_source=rule.source,
        rule_is_default=rule.is_default,
        reviewer_figures_are_the_forms=own,
        imported=bool(attempt.imported),
        profile=profile,
        deciding=_deciding(t["rows"], practice),
        notes=notes,
    )


def _practice_for(practice: Iterable[Session] | None) -> dict[str, str]:
    where: dict[str, str] = {}
    for s in sorted(practice or (), key=lambda s: s.id):
        if isinstance(s, Session) and s.kind == "excerpt":
            for m in s.focus:
                where.setdefault(m, s.id)
    return where


def _deciding(rows, practice) -> list[dict]:
    """The markers the learner got wrong on the form, counted (not per session: no key is shown)."""
    where = _practice_for(practice)
    tally: dict[str, dict[str, int]] = {}
    for _, marker, said, truth in rows:
        if said is truth:
            continue
        kind = "unsure" if said is None else ("over" if said else "under")
        tally.setdefault(marker, {"over": 0, "under": 0, "unsure": 0})[kind] += 1
    out = []
    for marker in sorted(tally, key=lambda m: tuple(int(p) for p in m.split("."))):
        c = tally[marker]
        out.append({"marker": marker, **c, "practise": where.get(marker, "")})
    return out


# ------------------------------------------------------------------------------------------ the profile

PROFILE_COLUMNS = [
    "competency", "name", "n", "learner_credits", "assessor_credits", "difference", "sentence", "markers",
]


def lean_profile(sheets: Iterable[RatingSheet], sessions: Iterable[Session], rule=None,
                 practice: Iterable[Session] | None = None) -> pd.DataFrame:
    """Per competency: how much more (lenient) or less (harsh) often the learner credits its markers than
    the assessor, over the decisions both made (unsure is left out here: it is neither).

    A plain sentence only with at least ``rule.lean_minimum_decisions`` decisions and a difference of at
    least ``rule.lean_margin``; "no clear lean" otherwise. ``markers`` lists each marker the learner
    decided differently, with an excerpt to practise it on (from ``practice``) as ``"6.6 (open ex-id)"``.
    """
    import pandas as pd  # heavy: loaded only when the table is built

    rule = resolve_rule(rule)
    by_session = {}
    for s in sheets:
        if not isinstance(s, RatingSheet):
            raise CoachkitError(f"a lean profile reads RatingSheets, not {type(s).__name__}")
        by_session[s.session_id] = s
    names = {c.number: c.name for c in framework().competencies}
    where = _practice_for(practice)
    per: dict[int, dict] = {}
    for s in sessions:
        if not isinstance(s, Session) or s.key is None:
            continue
        sheet = by_session.get(s.id)
        if sheet is None:
            continue
        for m in offered_markers(s):
            mark = sheet.marks.get(m)
            if mark is None or mark.evidenced is None:
                continue
            truth = bool(s.key.decisions[m].evidenced)
            row = per.setdefault(int(m.split(".")[0]), {"n": 0, "learner": 0, "assessor": 0, "markers": {}})
            row["n"] += 1
            row["learner"] += bool(mark.evidenced)
            row["assessor"] += truth
            if mark.evidenced is not truth:
                row["markers"][m] = row["markers"].get(m, 0) + 1
    rows = []
    for number in sorted(per):
        r = per[number]
        lr, ar = r["learner"] / r["n"], r["assessor"] / r["n"]
        diff = lr - ar
        name = names.get(number, "")
        if r["n"] >= rule.lean_minimum_decisions and abs(diff) >= rule.lean_margin - 1e-12:
            way = "more" if diff > 0 else "less"
            word = "lenient" if diff > 0 else "harsh"
            sentence = (
                f"You credit {name} {way} often than the assessor ({lr:.0%} of {r['n']} decisions against "
                f"{ar:.0%}): on the {word} side."
            )
        else:
            sentence = "no clear lean"
        markers = ", ".join(
            f"{m} (practise: {where[m]})" if m in where else m
            for m in sorted(r["markers"], key=lambda m: tuple(int(p) for p in m.split(".")))
        )
        rows.append({
            "competency": number, "name": name, "n": r["n"], "learner_credits": lr, "assessor_credits": ar,
            "difference": diff, "sentence": sentence, "markers": markers,
        })
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS)


GROUP_CHECK_COLUMNS = ["participant", "form", "passed", "vouched_for", "complete", "A", "K", "C", "W", "leans"]


def group_check_summary(
    results: Iterable[tuple[CheckAttempt, CheckResult]], show_names: bool = False
) -> pd.DataFrame:
    """The facilitator's view of the group's check results: one row per attempt (pass or not, the four
    figures, the clear leans of the profile). Anonymous unless ``show_names`` (as lesson 07's dashboard):
    participants are numbered in a fixed order. ``vouched_for`` is False for a result that arrived as an
    imported file.
    """
    import pandas as pd  # heavy: loaded only when the table is built

    pairs = sorted(results, key=lambda p: (p[0].rater_id or p[0].rater, p[0].form, p[0].started))
    numbers: dict[str, int] = {}
    rows = []
    for attempt, result in pairs:
        if not isinstance(attempt, CheckAttempt) or not isinstance(result, CheckResult):
            raise CoachkitError("a group's check results are (CheckAttempt, CheckResult) pairs")
        who = attempt.rater_id or attempt.rater
        numbers.setdefault(who, len(numbers) + 1)
        leans = [
            f"{r['competency']}: {r['sentence']}" for r in result.profile.to_dict("records")
            if r["sentence"] != "no clear lean"
        ]
        rows.append({
            "participant": attempt.rater if show_names else f"participant {numbers[who]}",
            "form": attempt.form, "passed": result.passed, "vouched_for": not result.imported,
            "complete": result.complete, **result.values, "leans": "; ".join(leans) or "no clear lean",
        })
    return pd.DataFrame(rows, columns=GROUP_CHECK_COLUMNS)


# --------------------------------------------------------------------------------------- what comes next


@dataclass(frozen=True)
class NextStep:
    """What the learner does next: ``kind`` is "take", "retake", "recheck" or "none"; ``form`` and ``when``
    (a date) where they apply; ``text`` says it in a sentence."""

    kind: str
    form: str | None
    when: date | None
    text: str


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise CoachkitError("cannot compute the recheck date")  # pragma: no cover


def _day(stamp: str) -> date:
    try:
        return datetime.fromisoformat(str(stamp)[:19]).date()
    except ValueError:
        raise CoachkitError("a check attempt's date is not a date") from None


def next_check(
    history: Iterable[tuple[CheckAttempt, CheckResult]],
    forms: Iterable[str],
    rule=None,
    today: date | None = None,
) -> NextStep:
    """The next step after the learner's check attempts (``history``: (attempt, result) pairs) given the
    forms there are: a first form; after a fail, a retake on another form after the rule's wait; after a
    pass, a recheck after the rule's months on a form not yet taken. Each form is taken at most once.

    >>> next_check([], ["A", "B"]).text
    'Take form A when you are ready.'
    """
    rule = resolve_rule(rule)
    today = today or date.today()
    pairs = sorted(history, key=lambda p: p[0].updated)
    available = sorted(set(forms))
    taken = {a.form for a, _ in pairs}
    fresh = [f for f in available if f not in taken]
    if not pairs:
        if not fresh:
            return NextStep("none", None, None, "There is no check form in the library yet.")
        return NextStep("take", fresh[0], today, f"Take form {fresh[0]} when you are ready.")
    last_attempt, last = pairs[-1]
    finished = _day(last_attempt.updated)
    if last.passed:
        when = _add_months(finished, rule.recheck_months)
        if not fresh:
            return NextStep("none", None, when, "You passed. Every form is taken: ask your facilitator for a private form for a recheck.")
        return NextStep("recheck", fresh[0], when,
                        f"You passed. A recheck on form {fresh[0]} is suggested from {when.isoformat()} ({rule.recheck_months} months on).")
    when = finished + timedelta(days=rule.retake_wait_days)
    if not fresh:
        return NextStep("none", None, when, "Every form is taken: ask your facilitator for a private form to retake.")
    return NextStep("retake", fresh[0], when,
                    f"Not yet. Keep practising, then retake the check on form {fresh[0]} from {when.isoformat()} "
                    f"(after {rule.retake_wait_days} days).")


# -------------------------------------------------------------------------------------------- simulation


def strategy_sheets(strategy: str, sessions: Sequence[Session], rater: str = "strategy") -> list[RatingSheet]:
    """Sheets a shortcut strategy would fill in, to test that the rule fails it on every form:

    - ``"level-only"``: guess each full session's level right, then answer every marker as most sessions of
      that level on the form do (the other sessions of the same level; a tie counts as heard; with no other
      session of that level, heard at PCC and MCC, not heard below), every competency at the session's
      level, and excerpts as "heard";
    - ``"tick-all"``: every marker heard, every level call and competency call MCC;
    - ``"all-PCC"``: every marker heard, every level call and competency call PCC.
    """
    if strategy not in ("level-only", "tick-all", "all-PCC"):
        raise CoachkitError(f"unknown strategy {strategy!r}: choose level-only, tick-all or all-PCC")
    out = []
    for s in sessions:
        sheet = RatingSheet(s.id, rater, rater_id=rater)
        if strategy == "level-only" and s.kind == "full":
            peers = [p for p in sessions if p.kind == "full" and p.id != s.id and p.key.level == s.key.level]
            for m in offered_markers(s):
                votes = [bool(p.key.decisions[m].evidenced) for p in peers if m in p.key.decisions]
                heard = sum(votes) * 2 >= len(votes) if votes else s.key.level in ("PCC", "MCC")
                sheet.mark(m, heard)
            sheet.level_call = s.key.level
            for n in s.key.competencies:
                sheet.call_competency(n, s.key.level)
        else:
            level = "MCC" if strategy == "tick-all" else "PCC"
            for m in offered_markers(s):
                sheet.mark(m, True)
            if s.kind == "full":
                sheet.level_call = level
                for n in s.key.competencies:
                    sheet.call_competency(n, level)
        sheet.finished = True
        out.append(sheet)
    return out


def _random_calls(sessions, agree_p: float | None, rng: random.Random) -> dict:
    """agree_p None: a guesser (coin flips, random levels); else each call right with probability agree_p
    (a wrong level or competency call is one level off)."""

    def call(level):
        if agree_p is None:
            return rng.choice(LEVEL_ORDER)
        if rng.random() < agree_p:
            return level
        i = LEVEL_ORDER.index(level)
        up = i == 0 or (i < len(LEVEL_ORDER) - 1 and rng.random() < 0.5)
        return LEVEL_ORDER[i + 1] if up else LEVEL_ORDER[i - 1]

    out = {}
    for s in sessions:
        marks = {}
        for m in offered_markers(s):
            truth = bool(s.key.decisions[m].evidenced)
            marks[m] = rng.random() < 0.5 if agree_p is None else (truth if rng.random() < agree_p else not truth)
        level, comps = None, {}
        if s.kind == "full":
            level = call(s.key.level)
            comps = {n: call(c.level) for n, c in s.key.competencies.items()}
        out[s.id] = (marks, level, comps)
    return out


def simulate(sessions: Iterable[Session], form: str = "A", rule=None, runs: int = 2000, seed: int = 2027,
             agree: float = 0.9) -> dict[str, float]:
    """Simulated error rates of the rule on one form: ``false_pass`` for a random guesser (coin-flip
    markers, random levels) and ``false_fail`` for a rater who agrees with the key ``agree`` of the time
    on every call (a wrong level one level off). ``runs`` simulated raters each; a fixed ``seed``.
    """
    rule = resolve_rule(rule)
    found = form_sessions(form, sessions)
    attempt = CheckAttempt(rater="sim", form=form, draw=_draw(found))
    rng = random.Random(seed)
    t_bars = rule.thresholds(form)

    def passes(calls) -> bool:
        v = _values(_tally(found, calls), rule)
        return all(_meets(v[k], t_bars[k]) for k in t_bars)

    guesser = sum(passes(_random_calls(found, None, rng)) for _ in range(runs)) / runs
    careful = sum(not passes(_random_calls(found, agree, rng)) for _ in range(runs)) / runs
    return {"form": attempt.form, "runs": runs, "false_pass": guesser, "false_fail": careful, "agree": agree}

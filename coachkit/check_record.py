"""The calibration check's record: a dated, self-contained HTML file a mentor can keep.

It prints the rule (the one formula) and the thresholds used, says whether they are the kit's defaults,
says plainly that it is a practice check, not an ICF assessment, and marks a result that arrived as an
imported file "not vouched for". Every text is escaped; the page makes no external request.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from .check import NOT_ICF, CheckResult
from .errors import CoachkitError
from .model import CheckAttempt
from .render import esc, table_html
from .report import html_page, write_html

__all__ = ["check_report"]

_NAMES = {
    "A": "marker agreement (level calls counted in)",
    "K": "kappa on the full sessions",
    "C": "competency calls exactly as the key",
    "W": "weighted kappa of the competency calls",
}


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:.2f}"


def check_report(attempt: CheckAttempt, result: CheckResult, path: str | os.PathLike = "calibration_check.html") -> Path:
    """Write the record of one scored check attempt to ``path`` (an .html file) and return the path."""
    if not isinstance(attempt, CheckAttempt):
        raise CoachkitError(f"check_report needs a CheckAttempt, not {type(attempt).__name__}")
    if not isinstance(result, CheckResult):
        raise CoachkitError(f"check_report needs a CheckResult (from score_check), not {type(result).__name__}")
    if result.attempt_id != attempt.id:
        raise CoachkitError("the result was scored for another attempt")
    verdict = "Passed" if result.passed else "Not passed yet"
    parts = [
        f"<h1>Calibration check, form {esc(attempt.form)}</h1>",
        f"<p class='ck-not-icf'><strong>{esc(NOT_ICF)}</strong></p>",
        f"<p>Rater: {esc(attempt.rater)}. Started {esc(attempt.started[:10])}; scored {esc(result.scored)}; "
        f"record written {esc(date.today().isoformat())}.</p>",
    ]
    if result.imported:
        parts.append("<p class='ck-imported'><strong>Imported result: not vouched for.</strong> It arrived as a file; "
                     "the kit cannot tell who made these ratings.</p>")
    if not result.complete:
        parts.append("<p>Not every session of the form was finished: what is missing counts as disagreement.</p>")
    parts.append(f"<h2>Result: {esc(verdict)}</h2>")
    rows = [
        {"what": f"{k}: {_NAMES[k]}", "value": _num(result.values[k]), "needed": _num(result.thresholds[k]),
         "met": "yes" if result.passes[k] else "no"}
        for k in ("A", "K", "C", "W")
    ]
    parts.append(table_html(rows, [("what", "figure"), ("value", "yours"), ("needed", "needed"), ("met", "met")]))
    c = result.counts
    parts.append(
        f"<p>{c['markers_agreed']} of {c['markers_asked']} marker decisions agreed with the key; "
        f"{c['level_calls_right']} of {c['full_sessions']} level calls right; {c['competency_calls']} competency calls.</p>"
    )
    parts.append("<h2>The rule</h2>")
    parts.append(f"<p class='ck-formula'>{esc(result.formula)}</p>")
    parts.append(
        "<p>"
        + esc(
            ("These are the kit's default rule and thresholds" if result.rule_is_default else
             f"A rule file other than the kit's default was used ({result.rule_source})")
            + "; the reviewer figures are "
            + ("this form's own." if result.reviewer_figures_are_the_forms else "the rule's defaults (the form has none of its own).")
        )
        + "</p>"
    )
    parts.append("<h2>Lenient or harsh, per competency</h2>")
    prof = result.profile
    if prof is not None and len(prof):
        parts.append(table_html(
            [{"competency": f"{r['competency']}. {r['name']}", "decisions": r["n"], "lean": r["sentence"],
              "markers to practise": r["markers"]} for r in prof.to_dict("records")],
            [("competency", "competency"), ("decisions", "decisions"), ("lean", "lean"),
             ("markers to practise", "markers you decided differently")],
        ))
    else:
        parts.append("<p>No decisions to profile.</p>")
    if result.deciding:
        parts.append("<h2>The markers that decided it</h2>")
        parts.append(table_html(
            [{"marker": d["marker"], "over": d["over"], "under": d["under"], "unsure": d["unsure"],
              "practise": d["practise"] or "(no practice excerpt)"} for d in result.deciding],
            [("marker", "marker"), ("over", "over-credited"), ("under", "under-credited"), ("unsure", "unsure or open"),
             ("practise", "practise on excerpt")],
        ))
    for note in result.notes:
        parts.append(f"<p class='ck-note'>{esc(note)}</p>")
    return write_html(path, html_page(f"Calibration check, form {attempt.form}", "".join(parts)))

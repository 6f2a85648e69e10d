"""HTML for the group's figures: the facilitator's summary tables as a learner reads them.

The analysis (:mod:`coachkit.group`) returns DataFrames; this render-layer module turns them into HTML
(every text escaped by :func:`coachkit.render.table_html`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .render import Html, esc, table_html

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["readable_summary", "readable_competency_summary"]


def _pct(x) -> str:
    return "" if x is None or x != x else f"{x:.0%}"


def _imported_note(summary) -> str:
    n = summary.attrs.get("n_imported", 0) if hasattr(summary, "attrs") else 0
    if not n:
        return ""
    return f"<p class='ck-imported'>{n} of these came as imported files: not vouched for.</p>"


def readable_summary(summary: pd.DataFrame) -> Html:
    """A group summary as a learner reads it: shares as percentages, the key in words (an HTML table).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"marker": ["4.1"], "title": ["<b>"], "n_raters": [2], "n_unsure": [0],
    ...                   "evidenced_share": [0.5], "assessor": [True], "agreement": [0.5]})
    >>> "&lt;b&gt;" in readable_summary(t) and "50%" in readable_summary(t)
    True
    """
    rows = [
        {
            "marker": r["marker"],
            "title": r.get("title", ""),
            "decided": r["n_raters"],
            "unsure": r.get("n_unsure", ""),
            "heard it": _pct(r["evidenced_share"]),
            "assessor": {True: "heard", False: "not heard"}.get(r["assessor"], ""),
            "agree with key": _pct(r["agreement"]),
        }
        for r in summary.to_dict("records")
    ]
    columns = [(c, c) for c in ("marker", "title", "decided", "unsure", "heard it", "assessor", "agree with key")]
    return Html(table_html(rows, columns) + _imported_note(summary))


def readable_competency_summary(summary: pd.DataFrame) -> Html:
    """The group's competency level calls against the key's, as an HTML table with the assessor's notes."""
    rows = [
        {
            "competency": f"{r['competency']}. {r['name']}",
            "calls": r["n_raters"],
            "below / ACC / PCC / MCC": f"{r['n_below']} / {r['n_ACC']} / {r['n_PCC']} / {r['n_MCC']}",
            "assessor": r["assessor"],
            "exact": _pct(r["exact"]),
            "within one level": _pct(r["within_one"]),
            "why": r["note"],
        }
        for r in summary.to_dict("records")
    ]
    columns = [(c, c) for c in ("competency", "calls", "below / ACC / PCC / MCC", "assessor", "exact", "within one level", "why")]
    if not rows:
        return Html(f"<p>{esc('The key makes no competency calls for this session.')}</p>")
    return Html(table_html(rows, columns) + _imported_note(summary))

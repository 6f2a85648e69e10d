"""The group on a live call: everyone's ratings of one session, side by side with the assessor's key.

No server is needed. Participants export their ratings (``RatingStore.export``, a ``coachkit-ratings/1``
JSON file) and drop the files into a shared folder or an upload box; :func:`load_exports` reads them
with the store's own export reader, reports every file it cannot use by name, and keeps one attempt per
participant and session (the latest, by the participant's stable rater id, so two people called Ana stay
two people).

- :func:`group_summary`: one row per marker, the group's split against the key;
- :func:`group_reliability`: how far the group agrees with itself (Krippendorff's alpha and Fleiss' kappa,
  each with a band in plain words);
- :func:`fleiss_kappa`: Fleiss' kappa from a table of counts;
- the sources (:class:`FolderSource`, :class:`FileSource`, :class:`StoreSource`) are what a dashboard
  re-reads when the facilitator presses refresh.

>>> group = load_exports([])
>>> group.sheets, group.problems
([], [])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import CoachkitError
from .model import RatingSheet, Session
from .sheet_sources import (
    FileSource,
    FolderSource,
    GroupRatings,
    SheetSource,
    StoreSource,
    latest_attempts,
    load_exports,
    load_uploads,
    sample_exports,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ALPHA_SOURCE",
    "KAPPA_SOURCE",
    "GroupRatings",
    "GroupReliability",
    "SheetSource",
    "FolderSource",
    "FileSource",
    "StoreSource",
    "load_exports",
    "load_uploads",
    "latest_attempts",
    "group_summary",
    "readable_summary",
    "group_reliability",
    "fleiss_kappa",
    "alpha_band",
    "dispute_order",
    "sample_exports",
]

#: Where the plain-word bands for Krippendorff's alpha come from.
ALPHA_SOURCE = (
    "Krippendorff, K. (2004), Content Analysis: An Introduction to Its Methodology, 2nd ed., p. 241: "
    "alpha of .800 or more is reliable; .667 to .800 allows tentative conclusions only"
)
#: Where the plain-word bands for kappa come from (the same as for a learner's kappa).
KAPPA_SOURCE = "Landis & Koch (1977), The measurement of observer agreement for categorical data, Biometrics 33:159-174"

Progress = Callable[[int, int], None]


# ------------------------------------------------------------------------------------------- summary


_SUMMARY_COLUMNS = [
    "marker", "competency", "title", "n_raters", "n_evidenced", "n_unsure", "evidenced_share", "assessor",
    "agreement",
]


def _group_sheets(sheets, session: Session) -> tuple[list[RatingSheet], list[str]]:
    if isinstance(sheets, GroupRatings):
        sheets = sheets.sheets
    if not isinstance(session, Session):
        raise CoachkitError(f"the group is compared with a Session, not {type(session).__name__}")
    notes: list[str] = []
    mine, others = [], 0
    for s in sheets:
        if not isinstance(s, RatingSheet):
            raise CoachkitError(f"a group is made of RatingSheets, not {type(s).__name__}")
        if s.session_id == session.id:
            mine.append(s)
        else:
            others += 1
    if others:
        notes.append(f"{others} sheet(s) rate another session and are left out")
    kept, replaced = latest_attempts(mine)
    if replaced:
        notes.append(f"{replaced} older attempt(s) left out: each participant's latest attempt counts")
    return kept, notes


def _summary_markers(session: Session) -> list[str]:
    from .framework import framework

    order = framework().marker_ids
    if session.key is not None:
        return [m for m in order if m in session.key.decisions]
    return list(session.focus) if session.focus else list(order)


def _long_marks(sheets: Sequence[RatingSheet], markers: Sequence[str]):
    import pandas as pd

    wanted = set(markers)
    rows = [
        (s.rater_id, s.session_id, m, mark.evidenced)
        for s in sheets
        for m, mark in s.marks.items()
        if m in wanted
    ]
    frame = pd.DataFrame(rows, columns=["rater_id", "session_id", "marker", "learner"])
    frame["learner"] = frame["learner"].astype(object)
    return frame


def readable_summary(summary: pd.DataFrame):
    """A group summary as a learner reads it: shares as percentages, the key in words (an HTML table)."""
    from .render import Html, table_html

    def pct(x):
        return "" if x is None or x != x else f"{x:.0%}"

    rows = [
        {"marker": r["marker"], "title": r.get("title", ""), "decided": r["n_raters"], "unsure": r.get("n_unsure", ""),
         "heard it": pct(r["evidenced_share"]),
         "assessor": {True: "heard", False: "not heard"}.get(r["assessor"], ""), "agree with key": pct(r["agreement"])}
        for r in summary.to_dict("records")
    ]
    columns = [(c, c) for c in ("marker", "title", "decided", "unsure", "heard it", "assessor", "agree with key")]
    return Html(table_html(rows, columns))


def group_summary(sheets: Iterable[RatingSheet] | GroupRatings, session: Session) -> pd.DataFrame:
    """One row per marker the key decides (all markers, or an excerpt's focus, without a key).

    Columns: marker, competency, title, n_raters (participants who decided it: evidenced or not),
    n_evidenced, n_unsure (unsure or left open), evidenced_share (n_evidenced / n_raters), assessor
    (True/False, None without a key) and agreement (the share of the deciding participants whose call
    matches the key). Shares are fractions 0..1, NaN where nobody decided. Sheets of other sessions are
    left out, and each participant's latest attempt counts; ``.attrs["notes"]`` says so when it happens.

    >>> from coachkit.model import AnswerKey, Decision, Utterance
    >>> talk = (Utterance("u1", "coach", "Sam", 0, 2, "Hi"),)
    >>> key = AnswerKey("PCC", "ok", 1, {"4.1": Decision(True, ("u1",), "yes"), "6.6": Decision(False, (), "no")})
    >>> s = Session("demo", "Demo", "excerpt", "PCC", ("4.1", "6.6"), "", talk, key)
    >>> a = RatingSheet("demo", "Ana", rater_id="r1"); a.mark("4.1", True); a.mark("6.6", True)
    >>> b = RatingSheet("demo", "Ben", rater_id="r2"); b.mark("4.1", True); b.mark("6.6", False)
    >>> group_summary([a, b], s)[["marker", "n_raters", "evidenced_share", "agreement"]].values.tolist()
    [['4.1', 2, 1.0, 1.0], ['6.6', 2, 0.5, 0.5]]
    """
    import numpy as np
    import pandas as pd

    from .framework import framework
    from .scoring import compare_frame

    kept, notes = _group_sheets(sheets, session)
    markers = _summary_markers(session)
    titles = {m.id: m.title for m in framework().markers}
    marks = _long_marks(kept, markers)
    n_sheets = len(kept)

    key = session.key
    if key is not None:
        keys = pd.DataFrame(
            {
                "session_id": [session.id] * len(markers),
                "marker": markers,
                "assessor": [bool(key.decisions[m].evidenced) for m in markers],
            }
        )
        frame = compare_frame(marks, keys)
        outcome = frame["outcome"].astype(str).to_numpy()
        frame = frame.assign(
            decided=outcome != "unsure",
            evidenced=(outcome == "over-credit") | ((outcome == "agree") & frame["assessor"].to_numpy(dtype=bool)),
            agree=outcome == "agree",
        )
    else:
        learner = marks["learner"]
        frame = marks.assign(
            decided=learner.notna().to_numpy(dtype=bool),
            evidenced=(learner == True).to_numpy(dtype=bool),  # noqa: E712 (element-wise)
            agree=False,
        )
    counts = frame.groupby("marker", sort=False)[["decided", "evidenced", "agree"]].sum()
    counts = counts.reindex(markers, fill_value=0)
    n_raters = counts["decided"].to_numpy(dtype=np.int64)
    n_evidenced = counts["evidenced"].to_numpy(dtype=np.int64)
    n_agree = counts["agree"].to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_raters > 0, n_evidenced / np.maximum(n_raters, 1), np.nan)
        agreement = np.where(n_raters > 0, n_agree / np.maximum(n_raters, 1), np.nan)
    result = pd.DataFrame(
        {
            "marker": markers,
            "competency": [int(m.split(".")[0]) for m in markers],
            "title": [titles.get(m, "") for m in markers],
            "n_raters": n_raters,
            "n_evidenced": n_evidenced,
            "n_unsure": n_sheets - n_raters,
            "evidenced_share": share,
            "assessor": pd.Series(
                [bool(key.decisions[m].evidenced) for m in markers] if key is not None else [None] * len(markers),
                dtype=object,
            ),
            "agreement": agreement if key is not None else np.full(len(markers), np.nan),
        },
        columns=_SUMMARY_COLUMNS,
    )
    result.attrs["notes"] = notes
    result.attrs["n_participants"] = n_sheets
    return result


def dispute_order(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary in the order to discuss it: the split closest to 50/50 first, then the markers where the
    group disagrees most with the key, then marker order; markers nobody decided come last.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"marker": ["3.1", "4.1", "6.6"], "evidenced_share": [1.0, 0.5, 0.25],
    ...                   "agreement": [1.0, 0.5, 0.75]})
    >>> list(dispute_order(t)["marker"])
    ['4.1', '6.6', '3.1']
    """
    import numpy as np

    share = summary["evidenced_share"].to_numpy(dtype=float)
    distance = np.where(np.isnan(share), 2.0, np.abs(share - 0.5))
    agreement = summary["agreement"].to_numpy(dtype=float)
    agreement = np.where(np.isnan(agreement), 2.0, agreement)
    position = np.arange(len(summary))
    order = np.lexsort((position, agreement, np.round(distance, 9)))
    return summary.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------- reliability


def fleiss_kappa(counts) -> float:
    """Fleiss' kappa (Fleiss 1971) from a table of counts: one row per item, one column per category, each
    cell the number of raters who put the item in that category.

    Items may have different numbers of raters (participants who said "unsure" are left out of an item);
    items with fewer than two raters are skipped, and each item's agreement is taken over its own raters,
    which is Fleiss' formula when every item has the same number. NaN when fewer than one item has two
    raters, or when every rating falls in one category (chance agreement is then 1).

    Checked against the worked example on Wikipedia's "Fleiss' kappa" page (10 items, 14 raters,
    5 categories: P-bar 0.378, P-e 0.213, kappa 0.210):

    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    ...          [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(fleiss_kappa(table), 3)
    0.21
    """
    import numpy as np

    try:
        table = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise CoachkitError("fleiss_kappa needs a table of counts (items x categories)") from None
    if table.ndim != 2 or table.shape[1] < 2:
        raise CoachkitError(f"fleiss_kappa needs items x categories (2 or more categories); got shape {table.shape}")
    if (table < 0).any() or not np.all(np.isfinite(table)) or not np.all(table == np.round(table)):
        raise CoachkitError("fleiss_kappa: counts must be whole numbers of 0 or more")
    n_i = table.sum(axis=1)
    rated = n_i >= 2
    if not rated.any():
        return math.nan
    t = table[rated]
    n = n_i[rated]
    p_i = ((t * t).sum(axis=1) - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_j = t.sum(axis=0) / t.sum()
    p_e = float((p_j * p_j).sum())
    if p_e >= 1 - 1e-12:
        return math.nan
    return float((p_bar - p_e) / (1 - p_e))


def alpha_band(alpha: float) -> str:
    """Krippendorff's (2004) reading of alpha, in plain words.

    >>> alpha_band(0.85), alpha_band(0.7), alpha_band(0.4), alpha_band(float("nan"))
    ('reliable', 'tentative', 'unreliable', 'not measurable yet')
    """
    if alpha is None or (isinstance(alpha, float) and math.isnan(alpha)):
        return "not measurable yet"
    if alpha >= 0.800:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


_ALPHA_WORDS = {
    "reliable": "the group hears these markers the same way, reliably",
    "tentative": "the group mostly hears them alike: good enough for tentative conclusions only",
    "unreliable": "the group hears them differently: worth talking through marker by marker",
    "not measurable yet": "not measurable yet",
}


@dataclass(frozen=True)
class GroupReliability:
    """How far the participants agree with each other (not with the key) on one session's markers."""

    n_participants: int
    n_markers: int
    alpha: float
    alpha_band: str
    kappa: float
    kappa_band: str
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        def num(x):
            return "n/a" if x != x else f"{x:.2f}"

        lines = [
            f"{self.n_participants} participants, {self.n_markers} markers.",
            f"Krippendorff's alpha {num(self.alpha)}: {self.alpha_band} ({_ALPHA_WORDS[self.alpha_band]}; "
            "Krippendorff 2004: .800 or more reliable, .667 to .800 tentative, below that unreliable).",
            f"Fleiss' kappa {num(self.kappa)}: {self.kappa_band} agreement (Landis & Koch 1977).",
        ]
        lines += list(self.notes)
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):  # pragma: no cover - display only
        p.text(str(self))


def group_reliability(sheets: Iterable[RatingSheet] | GroupRatings, session: Session) -> GroupReliability:
    """Krippendorff's alpha (nominal, via the ``krippendorff`` package) and Fleiss' kappa for the group's
    calls on one session's markers (evidenced / not evidenced; unsure and unmarked are missing values).

    Both measure the participants against each other, not against the key; bands in plain words from
    Krippendorff (2004) and Landis & Koch (1977). Fewer than two participants: NaN, with a note.
    """
    import numpy as np

    from .scoring import agreement_band

    kept, notes = _group_sheets(sheets, session)
    markers = _summary_markers(session)
    data = np.full((len(kept), len(markers)), np.nan)
    column = {m: j for j, m in enumerate(markers)}
    for i, s in enumerate(kept):
        for m, mark in s.marks.items():
            if m in column and mark.evidenced is not None:
                data[i, column[m]] = 1.0 if mark.evidenced else 0.0
    alpha = kappa = math.nan
    if len(kept) < 2:
        notes.append("reliability needs at least two participants' ratings")
    else:
        evidenced = np.nansum(data == 1, axis=0)
        not_evidenced = np.nansum(data == 0, axis=0)
        kappa = fleiss_kappa(np.column_stack([not_evidenced, evidenced]))
        values = data[~np.isnan(data)]
        if values.size and np.unique(values).size > 1:
            import krippendorff

            alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
        else:
            notes.append("everyone made the same call on every marker: alpha and kappa are not defined")
    return GroupReliability(
        n_participants=len(kept),
        n_markers=len(markers),
        alpha=alpha,
        alpha_band=alpha_band(alpha),
        kappa=kappa,
        kappa_band=agreement_band(kappa),
        notes=tuple(notes),
    )

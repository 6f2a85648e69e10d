"""The group on a live call: everyone's ratings of one session, side by side with the assessor's key.

No server is needed. Participants export their ratings (``RatingStore.export``, a ``coachkit-ratings/1``
JSON file) and drop the files into a shared folder or an upload box; :func:`load_exports` reads them
with the store's own export reader, reports every file it cannot use by name, and keeps one attempt per
participant and session (the latest, by the participant's stable rater id, so two people called Ana stay
two people).

- :func:`group_summary`: one row per marker, the group's split against the key; raters are counted by the
  database owner of their sheets where the store vouches for it (cohort mode), imported sheets by their
  rater id and counted apart as "not vouched for"; :func:`marker_splits` gives the same rows without pandas,
  for the live board;
- :func:`group_competency_summary`: one row per competency, the group's level calls against the key's;
- :func:`group_reliability`: how far the group agrees with itself (Krippendorff's alpha and Fleiss' kappa,
  each with a band in plain words);
- :func:`fleiss_kappa`: Fleiss' kappa from a table of counts (from :mod:`coachkit.agreement`);
- the HTML of these tables lives in the render layer (:mod:`coachkit.render_group`); this module builds none;
- the sources (:class:`FolderSource`, :class:`FileSource`, :class:`StoreSource`) are what a dashboard
  re-reads when the facilitator presses refresh.

>>> group = load_exports([])
>>> group.sheets, group.problems
([], [])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .agreement import agreement_band, coefficients, confusion_table, fleiss_kappa
from .errors import CoachkitError
from .framework import framework
from .model import LEVEL_ORDER, RatingSheet, Session
from .scoring import offered_markers
from .sheet_sources import (
    FileSource,
    FolderSource,
    GroupRatings,
    SheetSource,
    StoreSource,
    latest_attempts,
    load_exports,
    load_uploads,
    person_of,
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
    "MarkerSplit",
    "marker_splits",
    "group_competency_summary",
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


def _newest_first(sheet: RatingSheet) -> tuple:
    return (sheet.updated, sheet.created, sheet.id)


def _who(sheet: RatingSheet) -> tuple[str, str]:
    """Who a sheet counts for (:func:`coachkit.sheet_sources.person_of`) and on whose word: ("owner", database
    role) when the store vouches for it (cohort mode), ("imported", rater id) for a sheet that came in an
    export file, else ("rater", rater id)."""
    kind = "imported" if sheet.imported else "owner" if sheet.owner else "rater"
    return (kind, person_of(sheet))


def _group_sheets(
    sheets, session: Session, names: Mapping[str, str] | None = None
) -> tuple[list[RatingSheet], list[str], list[dict]]:
    """The sheets of ``session``, the latest attempt per participant (one per owner where the store vouches
    for identity), notes on what was left out, and one dict per participant: who, name, imported."""
    if isinstance(getattr(sheets, "sheets", None), list):  # a GroupRatings (as the loaders return)
        sheets = sheets.sheets
    if not isinstance(session, Session):
        raise CoachkitError(f"the group is compared with a Session, not {type(session).__name__}")
    if names is not None and not isinstance(names, Mapping):
        raise CoachkitError(f"names maps a participant's database name to a display name, not {type(names).__name__}")
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
    best: dict[tuple[str, str], RatingSheet] = {}
    versions: dict[str, RatingSheet] = {}
    for s in mine:  # one attempt exported twice: its newest version
        if s.id not in versions or _newest_first(s) > _newest_first(versions[s.id]):
            versions[s.id] = s
    for s in versions.values():
        k = _who(s)
        if k not in best or _newest_first(s) > _newest_first(best[k]):
            best[k] = s
    kept = list(best.values())
    replaced = len(versions) - len(kept)
    if replaced:
        notes.append(f"{replaced} older attempt(s) left out: each participant's latest attempt counts")
    names = dict(names or {})
    who = [
        {
            "who": k[1],
            "name": names.get(k[1], s.rater) if k[0] == "owner" else s.rater,
            "imported": k[0] == "imported",
        }
        for k, s in best.items()
    ]
    n_imported = sum(w["imported"] for w in who)
    if n_imported:
        notes.append(f"{n_imported} sheet(s) arrived as imported files: not vouched for (counted by the rater id they carry)")
    return kept, notes, who


def _summary_markers(session: Session) -> list[str]:
    order = framework().marker_ids
    if session.key is not None:
        return offered_markers(session)
    return list(session.focus) if session.focus else list(order)


class MarkerSplit(NamedTuple):
    """One marker on the group's board: how many participants decided it, how many heard it, and the key.

    Shares are fractions 0..1, NaN where nobody decided; ``assessor`` and ``agreement`` are None and NaN
    without a key. :func:`group_summary` is these rows as a table.
    """

    marker: str
    competency: int
    title: str
    n_raters: int
    n_evidenced: int
    n_unsure: int
    evidenced_share: float
    assessor: bool | None
    agreement: float


def marker_splits(
    sheets: Iterable[RatingSheet] | GroupRatings, session: Session, names: Mapping[str, str] | None = None
) -> tuple[list[MarkerSplit], dict]:
    """The rows of :func:`group_summary` and its ``attrs``, counted in plain Python (no pandas): what the
    live dashboard shows, so the board opens without loading a table library. A call counts as agreeing
    when it is the key's (:func:`coachkit.scoring.compare` counts the same way, sheet by sheet).

    >>> from coachkit.model import AnswerKey, Decision, Utterance
    >>> talk = (Utterance("u1", "coach", "Sam", 0, 2, "Hi"),)
    >>> key = AnswerKey("PCC", "ok", 1, {"4.1": Decision(True, ("u1",), "yes"), "6.6": Decision(False, (), "no")})
    >>> s = Session("demo", "Demo", "excerpt", "PCC", ("4.1", "6.6"), "", talk, key)
    >>> a = RatingSheet("demo", "Ana", rater_id="r1"); a.mark("4.1", True); a.mark("6.6", True)
    >>> rows, attrs = marker_splits([a], s)
    >>> [(r.marker, r.n_raters, r.evidenced_share, r.agreement) for r in rows], attrs["n_participants"]
    ([('4.1', 1, 1.0, 1.0), ('6.6', 1, 1.0, 0.0)], 1)
    """
    kept, notes, who = _group_sheets(sheets, session, names)
    markers = _summary_markers(session)
    titles = {m.id: m.title for m in framework().markers}
    key = session.key
    decided, heard, agree = dict.fromkeys(markers, 0), dict.fromkeys(markers, 0), dict.fromkeys(markers, 0)
    for sheet in kept:
        for m, mark in sheet.marks.items():
            if m not in decided or mark.evidenced is None:
                continue
            decided[m] += 1
            heard[m] += bool(mark.evidenced)
            agree[m] += key is not None and bool(mark.evidenced) == bool(key.decisions[m].evidenced)
    rows = [
        MarkerSplit(
            marker=m,
            competency=int(m.split(".")[0]),
            title=titles.get(m, ""),
            n_raters=decided[m],
            n_evidenced=heard[m],
            n_unsure=len(kept) - decided[m],
            evidenced_share=heard[m] / decided[m] if decided[m] else math.nan,
            assessor=bool(key.decisions[m].evidenced) if key is not None else None,
            agreement=agree[m] / decided[m] if decided[m] and key is not None else math.nan,
        )
        for m in markers
    ]
    attrs = {"notes": notes, "n_participants": len(kept), "n_imported": sum(w["imported"] for w in who),
             "participants": who}
    return rows, attrs


def group_summary(
    sheets: Iterable[RatingSheet] | GroupRatings, session: Session, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per marker the key decides (all markers, or an excerpt's focus, without a key).

    Columns: marker, competency, title, n_raters (participants who decided it: evidenced or not),
    n_evidenced, n_unsure (unsure or left open), evidenced_share (n_evidenced / n_raters), assessor
    (True/False, None without a key) and agreement (the share of the deciding participants whose call
    matches the key). Shares are fractions 0..1, NaN where nobody decided. Sheets of other sessions are
    left out, and each participant's latest attempt counts; ``.attrs["notes"]`` says so when it happens.

    Participants are told apart by the database role that saved the sheet when the store vouches for it
    (``sheet.owner``, cohort mode: one person saving sheets under many names counts once), otherwise by
    rater id; sheets that arrived as imported files count by their rater id and are "not vouched for".
    ``.attrs``: ``n_participants``, ``n_imported`` (imported sheets counted), ``participants`` (one dict
    per participant: who, name, imported; ``names`` maps a database role to the display name to show).
    The rows are :func:`marker_splits`.

    >>> from coachkit.model import AnswerKey, Decision, Utterance
    >>> talk = (Utterance("u1", "coach", "Sam", 0, 2, "Hi"),)
    >>> key = AnswerKey("PCC", "ok", 1, {"4.1": Decision(True, ("u1",), "yes"), "6.6": Decision(False, (), "no")})
    >>> s = Session("demo", "Demo", "excerpt", "PCC", ("4.1", "6.6"), "", talk, key)
    >>> a = RatingSheet("demo", "Ana", rater_id="r1"); a.mark("4.1", True); a.mark("6.6", True)
    >>> b = RatingSheet("demo", "Ben", rater_id="r2"); b.mark("4.1", True); b.mark("6.6", False)
    >>> group_summary([a, b], s)[["marker", "n_raters", "evidenced_share", "agreement"]].values.tolist()
    [['4.1', 2, 1.0, 1.0], ['6.6', 2, 0.5, 0.5]]
    """
    import pandas as pd  # heavy: loaded only when a table is built

    rows, attrs = marker_splits(sheets, session, names)
    result = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS).astype(
        {"competency": "int64", "n_raters": "int64", "n_evidenced": "int64", "n_unsure": "int64",
         "evidenced_share": "float64", "agreement": "float64", "assessor": object}
    )
    result.attrs.update(attrs)
    return result


_COMPETENCY_SUMMARY_COLUMNS = [
    "competency", "name", "n_raters", *(f"n_{level}" for level in LEVEL_ORDER), "assessor", "exact", "within_one",
    "note",
]


def group_competency_summary(
    sheets: Iterable[RatingSheet] | GroupRatings, session: Session, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per competency (3 to 8) the key calls: how the group called its level against the assessor.

    Columns: competency, name, n_raters (participants who made a call), n_below, n_ACC, n_PCC, n_MCC
    (calls per level), assessor (the key's level), exact and within_one (shares of the calls that match
    the key exactly or within one level; NaN where nobody called), note (the assessor's reason).
    ``.attrs``: ``weighted_kappa`` (every participant's calls against the key, linear weights over below <
    ACC < PCC < MCC), ``fleiss_kappa`` (how far the group agrees with itself on the levels), ``notes`` and
    the participant counts of :func:`group_summary`. Empty when the key makes no competency calls.

    >>> from coachkit.model import AnswerKey, CompetencyCall, Decision, Utterance
    >>> talk = (Utterance("u1", "coach", "Sam", 0, 2, "Hi"),)
    >>> key = AnswerKey("PCC", "", 1, {"4.1": Decision(True, ("u1",))}, competencies={4: CompetencyCall("PCC", "warm")})
    >>> s = Session("demo", "Demo", "full", "PCC", (), "", talk, key)
    >>> a = RatingSheet("demo", "Ana", rater_id="r1"); a.call_competency(4, "PCC")
    >>> b = RatingSheet("demo", "Ben", rater_id="r2"); b.call_competency(4, "MCC")
    >>> t = group_competency_summary([a, b], s)
    >>> t[["competency", "n_raters", "n_PCC", "n_MCC"]].values.tolist(), t["exact"].tolist(), t["within_one"].tolist()
    ([[4, 2, 1, 1]], [0.5], [1.0])
    """
    import pandas as pd  # heavy: loaded only when a table is built

    kept, notes, who = _group_sheets(sheets, session, names)
    calls = dict(session.key.competencies) if session.key is not None else {}
    names_of = {c.number: c.name for c in framework().competencies}
    rows, learner, assessor, per_item = [], [], [], []
    for number in sorted(calls):
        key_level = calls[number].level
        made = [s.competency_calls[number] for s in kept if number in s.competency_calls]
        counts = [sum(1 for m in made if m == level) for level in LEVEL_ORDER]
        per_item.append(counts)
        learner.extend(made)
        assessor.extend([key_level] * len(made))
        k = LEVEL_ORDER.index(key_level)
        within = sum(counts[j] for j in range(len(LEVEL_ORDER)) if abs(j - k) <= 1)
        rows.append(
            {
                "competency": number,
                "name": names_of.get(number, ""),
                "n_raters": len(made),
                **{f"n_{level}": c for level, c in zip(LEVEL_ORDER, counts, strict=True)},
                "assessor": key_level,
                "exact": counts[k] / len(made) if made else math.nan,
                "within_one": within / len(made) if made else math.nan,
                "note": calls[number].note,
            }
        )
    result = pd.DataFrame(rows, columns=_COMPETENCY_SUMMARY_COLUMNS)
    weighted = math.nan
    if learner:
        weighted = float(coefficients(confusion_table(learner, assessor), "linear")["kappa"])
    result.attrs["weighted_kappa"] = weighted
    result.attrs["fleiss_kappa"] = fleiss_kappa(per_item) if per_item else math.nan
    if not calls:
        notes.append("the key makes no competency calls for this session")
    result.attrs["notes"] = notes
    result.attrs["n_participants"] = len(kept)
    result.attrs["n_imported"] = sum(w["imported"] for w in who)
    result.attrs["participants"] = who
    return result


def _dispute_rank(share: float, agreement: float, position: int) -> tuple:
    distance = 2.0 if share != share else abs(share - 0.5)  # NaN (nobody decided) last
    return (round(distance, 9), 2.0 if agreement != agreement else agreement, position)


def dispute_order(summary):
    """The summary in the order to discuss it: the split closest to 50/50 first, then the markers where the
    group disagrees most with the key, then marker order; markers nobody decided come last. Takes the
    table of :func:`group_summary` (returns the table) or the rows of :func:`marker_splits` (returns a list).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"marker": ["3.1", "4.1", "6.6"], "evidenced_share": [1.0, 0.5, 0.25],
    ...                   "agreement": [1.0, 0.5, 0.75]})
    >>> list(dispute_order(t)["marker"])
    ['4.1', '6.6', '3.1']
    """
    if hasattr(summary, "iloc"):
        share, agreement = summary["evidenced_share"].tolist(), summary["agreement"].tolist()
        order = sorted(range(len(summary)), key=lambda i: _dispute_rank(float(share[i]), float(agreement[i]), i))
        return summary.iloc[order].reset_index(drop=True)
    rows = list(summary)
    order = sorted(range(len(rows)), key=lambda i: _dispute_rank(rows[i].evidenced_share, rows[i].agreement, i))
    return [rows[i] for i in order]


# --------------------------------------------------------------------------------------- reliability


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
    kept, notes, _ = _group_sheets(sheets, session)
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
            import krippendorff  # optional dependency, needed only here

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

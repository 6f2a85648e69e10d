"""A learner's calibration over many attempts: agreement over time, per-marker bias, competency calls,
sessions revised since an attempt, and what to practise next.

Analysis only: :func:`calibration` takes the sessions as arguments and loads nothing. The public
``ck.calibration(sheets)`` (:func:`coachkit.convenience.calibration`) loads each sheet's session from the
library, in the key version the sheet was compared against, and hands over to this one.

>>> calibration([], []).band
'not measurable yet'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .agreement import BAND_SOURCE, agreement_band, coefficients, confusion_table, weighted_kappa
from .errors import CoachkitError
from .model import RatingSheet, Session
from .scoring import OUTCOMES, Comparison, compare

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Calibration", "calibration", "practise_for", "HISTORY_COLUMNS", "PRACTISE_COLUMNS"]

#: The columns of :attr:`Calibration.history`.
HISTORY_COLUMNS = [
    "sheet_id", "session_id", "when", "percent_agreement", "kappa", "ac1", "n_decided", "n_unsure", "finished",
    "band", "key_version", "newest_version", "revised", "competency_exact", "competency_within_one",
    "competency_kappa",
]
#: The columns of :attr:`Calibration.practise_next`.
PRACTISE_COLUMNS = ["session_id", "title", "focus", "markers", "miss_rate", "attempts", "reason"]
_BIAS_COLUMNS = [
    "marker", "competency", "n", "over_credit_rate", "under_credit_rate", "unsure_rate", "miss_rate", "attempts",
    "wrong",
]


@dataclass
class Calibration:
    """A learner's calibration over many attempts.

    - ``history``: one row per attempt, oldest first (:data:`HISTORY_COLUMNS`): the marker figures, the
      key version compared against and the session's newest (``revised`` is True when the session's key
      was revised since the attempt), and the competency calls' exact share, within-one share and
      weighted kappa;
    - ``bias``: one row per marker: n (attempts where both decided it), over_credit_rate and
      under_credit_rate (shares of n), unsure_rate (share of all attempts that met the marker), miss_rate
      (over-credit, under-credit or unsure, as a share of all attempts that met it), wrong (real misses:
      over- plus under-credits);
    - ``kappa``/``ac1``/``percent_agreement``: pooled over every decided marker of every attempt;
      ``competency_exact``/``competency_within_one``/``competency_kappa``: pooled over every competency call;
    - ``band``: the pooled kappa in plain words, with ``band_source`` naming where the bands come from;
    - ``practise_next``: excerpts (id to open) whose focus holds markers the learner really missed or
      over-credited (:data:`PRACTISE_COLUMNS`);
    - ``revised``: ids of sessions revised since an attempt; ``notes``: attempts left out, and why.
    """

    history: pd.DataFrame
    bias: pd.DataFrame
    percent_agreement: float
    kappa: float
    ac1: float
    band: str
    band_source: str
    latest_band: str
    practise_next: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    competency_exact: float = math.nan
    competency_within_one: float = math.nan
    competency_kappa: float = math.nan
    revised: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.history.empty:
            return "No compared attempts yet."
        text = (
            f"{len(self.history)} attempt(s); pooled kappa {self.kappa:.2f} ({self.band} agreement), "
            f"AC1 {self.ac1:.2f}, percent agreement {self.percent_agreement:.0%}. Bands: {self.band_source}."
        )
        if self.competency_exact == self.competency_exact:
            text += (
                f" Competency calls: {self.competency_exact:.0%} exact, {self.competency_within_one:.0%} within one level."
            )
        if self.revised:
            text += f" Revised since you rated them: {', '.join(self.revised)}."
        return text


def _by_version(sessions: Iterable[Session]) -> dict[str, dict[int, Session]]:
    known: dict[str, dict[int, Session]] = {}
    for s in sessions:
        if not isinstance(s, Session):
            raise CoachkitError(f"calibration: sessions must be Session objects, not {type(s).__name__}")
        version = s.key.version if s.key is not None else 0
        known.setdefault(s.id, {})[version] = s
    return known


def calibration(sheets: Iterable[RatingSheet], sessions: Iterable[Session], practise: int = 5) -> Calibration:
    """How well a learner's ratings agree with the assessors' over time, and what to practise next.

    Each sheet is compared with its session from ``sessions`` (several key versions of one session may
    be given: a sheet is compared with the version in its ``key_version``, else the newest). Sheets whose
    session is not given or has no answer key are left out and ``notes`` says so. ``practise`` caps the
    practise-next list, which is drawn from the excerpts among ``sessions``.
    """
    import pandas as pd  # heavy: loaded only when the tables are built

    if sessions is None:
        raise CoachkitError("calibration needs the sessions the sheets rate (ck.calibration loads them for you)")
    known = _by_version(sessions)
    notes: list[str] = []
    revised: list[str] = []
    comparisons: list[tuple[RatingSheet, Comparison, int]] = []
    for sheet in sheets:
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"calibration needs RatingSheets, not {type(sheet).__name__}")
        versions = known.get(sheet.session_id)
        if not versions:
            notes.append(f"attempt {sheet.id} left out: session '{sheet.session_id}' not found")
            continue
        newest = max(versions)
        session = versions.get(sheet.key_version) if sheet.key_version is not None else None
        if session is None:
            session = versions[newest]
            if sheet.key_version is not None and sheet.key_version != newest:
                notes.append(
                    f"attempt {sheet.id}: key version {sheet.key_version} of '{sheet.session_id}' is not available; "
                    f"compared with version {newest}"
                )
        if session.key is None:
            notes.append(f"attempt {sheet.id} left out: session '{session.id}' has no answer key")
            continue
        c = compare(sheet, session)
        if c.key_version < newest and sheet.session_id not in revised:
            revised.append(sheet.session_id)
            notes.append(
                f"session '{sheet.session_id}' was revised since you rated it (your attempt used key version "
                f"{c.key_version}; the newest is {newest})"
            )
        comparisons.append((sheet, c, newest))

    comparisons.sort(key=lambda sc: (sc[0].updated, sc[0].created, sc[0].id))
    history = pd.DataFrame(
        [
            {
                "sheet_id": sheet.id,
                "session_id": sheet.session_id,
                "when": pd.Timestamp(sheet.updated),
                "percent_agreement": c.percent_agreement,
                "kappa": c.kappa,
                "ac1": c.ac1,
                "n_decided": c.n_decided,
                "n_unsure": c.n_unsure,
                "finished": sheet.finished,
                "band": c.band,
                "key_version": c.key_version,
                "newest_version": newest,
                "revised": c.key_version < newest,
                "competency_exact": c.competency_exact,
                "competency_within_one": c.competency_within_one,
                "competency_kappa": c.competency_kappa,
            }
            for sheet, c, newest in comparisons
        ],
        columns=HISTORY_COLUMNS,
    )

    # Per-marker bias and the pooled 2x2 table.
    counts: dict[str, dict[str, int]] = {}
    pooled_table = [[0, 0], [0, 0]]
    learner_calls: list[str] = []
    assessor_calls: list[str] = []
    for _, c, _ in comparisons:
        for marker, learner, assessor, outcome in zip(
            c.table["marker"], c.table["learner"], c.table["assessor"], c.table["outcome"], strict=True
        ):
            row = counts.setdefault(marker, dict.fromkeys(("seen", *OUTCOMES), 0))
            row["seen"] += 1
            row[outcome] += 1
            if learner is not None:
                pooled_table[0 if learner else 1][0 if assessor else 1] += 1
        ct = c.competency_table
        if ct is not None and len(ct):
            called = ct[ct["learner"].notna()]
            learner_calls.extend(called["learner"])
            assessor_calls.extend(called["assessor"])
    pooled = coefficients(pooled_table)
    pooled = {k: float(v) for k, v in pooled.items()}
    if comparisons and sum(map(sum, pooled_table)) and pooled["kappa"] != pooled["kappa"]:
        notes.append("pooled: kappa is undefined: every decided call fell in one category on both sides")

    bias_rows = []
    for marker in sorted(counts, key=lambda m: tuple(int(p) for p in m.split("."))):
        r = counts[marker]
        decided = r["seen"] - r["unsure"]
        bias_rows.append(
            {
                "marker": marker,
                "competency": int(marker.split(".")[0]),
                "n": decided,
                "over_credit_rate": r["over-credit"] / decided if decided else math.nan,
                "under_credit_rate": r["under-credit"] / decided if decided else math.nan,
                "unsure_rate": r["unsure"] / r["seen"],
                "miss_rate": (r["seen"] - r["agree"]) / r["seen"],
                "attempts": r["seen"],
                "wrong": r["over-credit"] + r["under-credit"],
            }
        )
    bias = pd.DataFrame(bias_rows, columns=_BIAS_COLUMNS)

    if learner_calls:
        table = confusion_table(learner_calls, assessor_calls)
        c_exact = float(table.trace() / table.sum())
        c_within = float(sum(table[i, j] for i in range(4) for j in range(4) if abs(i - j) <= 1) / table.sum())
        c_kappa = weighted_kappa(learner_calls, assessor_calls)
    else:
        c_exact = c_within = c_kappa = math.nan

    excerpts = [max(v.items())[1] for v in known.values()]
    excerpts = [s for s in excerpts if s.kind == "excerpt" and s.key is not None]
    practise_next = _practise_next(bias, excerpts, comparisons, practise)
    latest = history["kappa"].iloc[-1] if len(history) else math.nan
    return Calibration(
        history=history,
        bias=bias,
        percent_agreement=pooled["percent_agreement"],
        kappa=pooled["kappa"],
        ac1=pooled["ac1"],
        band=agreement_band(pooled["kappa"]),
        band_source=BAND_SOURCE,
        latest_band=agreement_band(latest),
        practise_next=practise_next,
        notes=notes,
        competency_exact=c_exact,
        competency_within_one=c_within,
        competency_kappa=c_kappa,
        revised=revised,
    )


def _practise_next(bias, excerpts: list[Session], comparisons, limit: int) -> pd.DataFrame:
    """Excerpts whose focus holds markers the learner really got wrong (over- or under-credited), the
    markers with the highest share of wrong calls first; markers never got wrong are never the reason."""
    import pandas as pd  # heavy: loaded only when the table is built

    if bias.empty:
        return pd.DataFrame(columns=PRACTISE_COLUMNS)
    wrong = {m: int(w) for m, w in zip(bias["marker"], bias["wrong"], strict=True) if w > 0}
    decided = dict(zip(bias["marker"], bias["n"], strict=True))
    done: dict[str, int] = {}
    for sheet, _, _ in comparisons:
        done[sheet.session_id] = done.get(sheet.session_id, 0) + 1
    rows = []
    for s in excerpts:
        missed = [m for m in s.focus if m in wrong]
        if not missed:
            continue
        rates = {m: wrong[m] / decided[m] for m in missed}
        worst = max(missed, key=lambda m: (rates[m], wrong[m]))
        rows.append(
            {
                "session_id": s.id,
                "title": s.title,
                "focus": ", ".join(s.focus),
                "markers": ", ".join(missed),
                "miss_rate": rates[worst],
                "attempts": done.get(s.id, 0),
                "reason": f"you got {worst} wrong in {wrong[worst]} of {decided[worst]} decided attempts",
            }
        )
    rows.sort(key=lambda r: (-r["miss_rate"], r["attempts"], r["session_id"]))
    return pd.DataFrame(rows[:limit], columns=PRACTISE_COLUMNS)


def practise_for(comparison: Comparison, excerpts: Iterable[Session], limit: int = 3) -> list[dict]:
    """After one comparison: an excerpt to open for each marker the learner really got wrong (over- or
    under-credited; unsure is not a miss), taken from ``excerpts`` (the one whose focus is narrowest first).
    Each item: marker, outcome, session_id (the excerpt to open), title.
    """
    pool = sorted(
        (s for s in excerpts if isinstance(s, Session) and s.kind == "excerpt" and s.id != comparison.session_id),
        key=lambda s: (len(s.focus), s.id),
    )
    out = []
    for f in comparison.feedback:
        match = next((s for s in pool if f.marker in s.focus), None)
        if match is not None:
            out.append({"marker": f.marker, "outcome": f.outcome, "session_id": match.id, "title": match.title})
        if len(out) >= limit:
            break
    return out

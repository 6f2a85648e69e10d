"""Compare a learner's rating sheet with the assessor's answer key, and follow calibration over time.

Outcomes, marker by marker (one row per marker the answer key decides):

- ``agree``: learner and assessor made the same call;
- ``over-credit``: the learner heard the marker, the assessor did not;
- ``under-credit``: the assessor heard it, the learner did not;
- ``unsure``: the learner marked it unsure, or left it undecided (the ``marked`` column tells the two
  apart). Unsure rows count in ``n_unsure`` and stay out of the agreement statistics.

Agreement statistics are computed over the markers both decided:

- percent agreement, a fraction from 0 to 1;
- Cohen's kappa (Cohen 1960): agreement beyond chance, where chance uses each rater's own share of
  "evidenced" calls. It is undefined only when both raters use one and the same category (then chance
  agreement is 1): NaN, and ``notes`` says why;
- Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29-48): agreement beyond chance with chance taken as
  ``2 * pi * (1 - pi)``, where ``pi`` is the mean share of "evidenced" calls. It stays meaningful when a
  marker is rare or nearly always heard, where kappa collapses (the "kappa paradox").

Bands in plain words follow Landis, J. R. & Koch, G. G. (1977), "The measurement of observer agreement
for categorical data", Biometrics 33:159-174: below 0 poor, 0 to .20 slight, .21 to .40 fair, .41 to .60
moderate, .61 to .80 substantial, .81 to 1 almost perfect. They are a convention, not a test.

>>> from coachkit.model import AnswerKey, Decision, Session, Utterance, RatingSheet
>>> talk = tuple(Utterance(f"u{i}", "coach" if i % 2 else "client", "Sam" if i % 2 else "Lee", None, None, "...")
...              for i in range(1, 5))
>>> key = AnswerKey("PCC", "", 2, {"4.1": Decision(True, ("u3",)), "6.6": Decision(False, note="cuts in")})
>>> s = Session("demo", "Demo", "excerpt", "PCC", ("4.1", "6.6"), "", talk, key)
>>> sheet = RatingSheet("demo", "ana", rater_id="r1")
>>> sheet.mark("4.1", True, evidence=["u2"]); sheet.mark("6.6", True)
>>> c = compare(sheet, s)
>>> list(c.table["outcome"]), c.percent_agreement, c.table["evidence_match"].iloc[0]
(['agree', 'over-credit'], 0.5, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .errors import CoachkitError
from .model import RatingSheet, Session, check_sheet_for

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "OUTCOMES",
    "BAND_SOURCE",
    "Quote",
    "Feedback",
    "Comparison",
    "Calibration",
    "compare",
    "calibration",
    "agreement_band",
    "agreement_stats",
    "compare_frame",
    "agreement_by",
]

#: The outcome of one marker: the learner against the assessor.
OUTCOMES: tuple[str, ...] = ("agree", "over-credit", "under-credit", "unsure")
Outcome = Literal["agree", "over-credit", "under-credit", "unsure"]

#: Where the plain-word agreement bands come from.
BAND_SOURCE = "Landis & Koch (1977), The measurement of observer agreement for categorical data, Biometrics 33:159-174"
_BANDS = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


# --------------------------------------------------------------------------------------------- statistics


def agreement_stats(learner: Sequence[bool], assessor: Sequence[bool]) -> dict:
    """Percent agreement, Cohen's kappa and Gwet's AC1 for two raters' yes/no calls on the same items.

    Returns ``{"n", "percent_agreement", "kappa", "ac1", "notes"}``; a statistic that is undefined is
    NaN and ``notes`` says why.

    >>> r = agreement_stats([True, True, False, False], [True, False, False, False])
    >>> r["percent_agreement"], round(r["kappa"], 3), round(r["ac1"], 3)
    (0.75, 0.5, 0.529)
    >>> agreement_stats([True, True], [True, True])["notes"]
    ['kappa is undefined: both raters called every marker evidenced, so chance agreement is 1']
    """
    if len(learner) != len(assessor):
        raise CoachkitError(f"the two raters rated {len(learner)} and {len(assessor)} items: they must match")
    n = len(learner)
    agree = sum(1 for a, b in zip(learner, assessor, strict=True) if bool(a) == bool(b))
    n_l1 = sum(1 for a in learner if a)
    n_a1 = sum(1 for b in assessor if b)
    return _stats_from_counts(n, agree, n_l1, n_a1)


def _stats_from_counts(n: int, agree: int, n_l1: int, n_a1: int) -> dict:
    """The statistics from the 2x2 table's margins, in integers so "undefined" is exact."""
    notes: list[str] = []
    if n == 0:
        notes.append("no marker was decided by both the learner and the assessor, so there is no agreement to measure")
        return {"n": 0, "percent_agreement": math.nan, "kappa": math.nan, "ac1": math.nan, "notes": notes}
    # Cohen's kappa = (po - pe) / (1 - pe), po = agree/n, pe = (nL1 nA1 + nL0 nA0) / n^2.
    chance = n_l1 * n_a1 + (n - n_l1) * (n - n_a1)
    denominator = n * n - chance
    if denominator == 0:
        which = "evidenced" if n_l1 == n else "not evidenced"
        notes.append(f"kappa is undefined: both raters called every marker {which}, so chance agreement is 1")
        kappa = math.nan
    else:
        kappa = (n * agree - chance) / denominator
    # Gwet's AC1 = (pa - pe) / (1 - pe), pe = 2 pi (1 - pi), pi = (nL1 + nA1) / 2n; never undefined for n > 0.
    m = n_l1 + n_a1
    chance1 = m * (2 * n - m)
    ac1 = (2 * n * agree - chance1) / (2 * n * n - chance1)
    return {"n": n, "percent_agreement": agree / n, "kappa": kappa, "ac1": ac1, "notes": notes}


def agreement_band(kappa: float) -> str:
    """The Landis & Koch (1977) band for an agreement coefficient, in plain words.

    >>> agreement_band(0.55), agreement_band(-0.1), agreement_band(0.9)
    ('moderate', 'poor', 'almost perfect')
    >>> agreement_band(float("nan"))
    'not measurable yet'
    """
    if kappa is None or (isinstance(kappa, float) and math.isnan(kappa)):
        return "not measurable yet"
    if kappa < 0:
        return "poor"
    for upper, word in _BANDS[1:]:
        if kappa <= upper + 1e-12:
            return word
    return "almost perfect"


# ----------------------------------------------------------------------------------------------- compare


@dataclass(frozen=True)
class Quote:
    """One quoted line of the session: utterance id, time stamp ('' when untimed), who spoke, and what."""

    utterance_id: str
    timestamp: str
    speaker: str
    name: str
    text: str

    def __str__(self) -> str:
        when = f"[{self.timestamp}] " if self.timestamp else ""
        return f"{when}{self.name or self.speaker} ({self.utterance_id}): {self.text}"


@dataclass(frozen=True)
class Feedback:
    """What the assessor says about one marker where the learner disagreed, with the lines it rests on."""

    marker: str
    title: str
    outcome: str
    learner: bool | None
    assessor: bool
    note: str
    evidence: tuple[Quote, ...]
    opportunity: tuple[Quote, ...]
    learner_evidence: tuple[Quote, ...]
    learner_note: str = ""


@dataclass
class Comparison:
    """A rating sheet compared with the session's answer key (see the module docs for the definitions)."""

    sheet_id: str
    session_id: str
    key_version: int
    table: pd.DataFrame
    percent_agreement: float
    n_decided: int
    n_unsure: int
    kappa: float
    ac1: float
    by_competency: pd.DataFrame
    level_call: str | None
    key_level: str | None
    level_agrees: bool | None
    feedback: list[Feedback]
    notes: list[str] = field(default_factory=list)

    @property
    def band(self) -> str:
        """Kappa in plain words (Landis & Koch 1977)."""
        return agreement_band(self.kappa)

    def summary(self) -> dict:
        """The headline numbers as a plain dict."""
        return {
            "sheet_id": self.sheet_id,
            "session_id": self.session_id,
            "key_version": self.key_version,
            "percent_agreement": self.percent_agreement,
            "kappa": self.kappa,
            "ac1": self.ac1,
            "n_decided": self.n_decided,
            "n_unsure": self.n_unsure,
            "level_agrees": self.level_agrees,
        }


def _outcome(learner: bool | None, assessor: bool) -> str:
    if learner is None:
        return "unsure"
    if learner == assessor:
        return "agree"
    return "over-credit" if learner else "under-credit"


def _check_ids(session: Session, marker: str, ids: Iterable[str], whose: str) -> None:
    index = session._index()
    for uid in ids:
        if uid not in index:
            raise CoachkitError(
                f"marker {marker}: {whose} evidence {uid!r} is not an utterance of session '{session.id}'"
            )


def _quote(session: Session, uid: str) -> Quote:
    u = session.utterance(uid)
    return Quote(u.id, u.timestamp, u.speaker, u.name, u.text)


def _evidence_match(session: Session, learner_ids: Sequence[str], assessor_ids: Sequence[str]) -> bool:
    index = session._index()
    targets = {index[a] for a in assessor_ids}
    return any(abs(index[x] - t) <= 1 for x in learner_ids for t in targets)


def _competency(marker_id: str) -> int:
    return int(marker_id.split(".", 1)[0])


def _marker_sort_key(marker_id: str) -> tuple[int, int]:
    head, _, tail = marker_id.partition(".")
    return int(head), int(tail or 0)


def _titles() -> tuple[dict[str, str], dict[int, str]]:
    from .framework import framework

    fw = framework()
    return {m.id: m.title for m in fw.markers}, {c.number: c.name for c in fw.competencies}


def compare(sheet: RatingSheet, session: Session) -> Comparison:
    """Compare a learner's sheet with the session's answer key, marker by marker.

    The table has one row per marker the key decides: marker, competency, title, learner (True, False,
    or None for unsure/undecided), marked (did the learner touch it at all), assessor, outcome and
    evidence_match. ``evidence_match`` is True when the learner cited the utterance the assessor cited
    or the turn just before or after it, False when they cited others, and None where it does not apply
    (the learner did not call it evidenced with a line, or the assessor cites no line).

    A session without an answer key, or evidence that is not an utterance of the session, is a
    CoachkitError naming the marker and the id.
    """
    import pandas as pd

    check_sheet_for(sheet, session, "compare")
    key = session.key
    if key is None:
        raise CoachkitError(f"session '{session.id}' has no answer key to compare with")

    for marker, mark in sheet.marks.items():
        _check_ids(session, marker, mark.evidence, "the learner's")
    for marker, decision in key.decisions.items():
        _check_ids(session, marker, decision.evidence, "the assessor's")
        _check_ids(session, marker, decision.opportunity, "the assessor's opportunity")

    titles, competency_names = _titles()
    notes: list[str] = []
    rows, feedback = [], []
    for marker in sorted(key.decisions, key=_marker_sort_key):
        decision = key.decisions[marker]
        mark = sheet.marks.get(marker)
        learner = None if mark is None else mark.evidenced
        outcome = _outcome(learner, decision.evidenced)
        match = None
        if learner is True and mark.evidence and decision.evidenced and decision.evidence:
            match = _evidence_match(session, mark.evidence, decision.evidence)
        rows.append(
            {
                "marker": marker,
                "competency": _competency(marker),
                "title": titles.get(marker, ""),
                "learner": learner,
                "marked": mark is not None,
                "assessor": bool(decision.evidenced),
                "outcome": outcome,
                "evidence_match": match,
            }
        )
        if outcome in ("over-credit", "under-credit"):
            feedback.append(
                Feedback(
                    marker=marker,
                    title=titles.get(marker, ""),
                    outcome=outcome,
                    learner=learner,
                    assessor=bool(decision.evidenced),
                    note=decision.note,
                    evidence=tuple(_quote(session, u) for u in decision.evidence),
                    opportunity=tuple(_quote(session, u) for u in decision.opportunity),
                    learner_evidence=tuple(_quote(session, u) for u in mark.evidence),
                    learner_note=mark.note,
                )
            )
    ignored = sorted(set(sheet.marks) - set(key.decisions), key=_marker_sort_key)
    if ignored:
        notes.append(f"the answer key does not decide {', '.join(ignored)}: those marks are not compared")

    table = pd.DataFrame(
        rows, columns=["marker", "competency", "title", "learner", "marked", "assessor", "outcome", "evidence_match"]
    )
    table["learner"] = table["learner"].astype(object)
    table["evidence_match"] = table["evidence_match"].astype(object)
    decided = [r for r in rows if r["learner"] is not None]
    stats = agreement_stats([r["learner"] for r in decided], [r["assessor"] for r in decided])
    notes.extend(stats["notes"])

    by_comp = []
    for number in sorted({r["competency"] for r in rows}):
        mine = [r for r in rows if r["competency"] == number]
        both = [r for r in mine if r["learner"] is not None]
        agree = sum(r["outcome"] == "agree" for r in both)
        by_comp.append(
            {
                "competency": number,
                "name": competency_names.get(number, ""),
                "n": len(both),
                "n_unsure": len(mine) - len(both),
                "agreement": agree / len(both) if both else math.nan,
            }
        )
    by_competency = pd.DataFrame(by_comp, columns=["competency", "name", "n", "n_unsure", "agreement"])

    level_agrees = None
    if sheet.level_call is not None and key.level is not None:
        level_agrees = sheet.level_call == key.level

    return Comparison(
        sheet_id=sheet.id,
        session_id=session.id,
        key_version=key.version,
        table=table,
        percent_agreement=stats["percent_agreement"],
        n_decided=stats["n"],
        n_unsure=len(rows) - len(decided),
        kappa=stats["kappa"],
        ac1=stats["ac1"],
        by_competency=by_competency,
        level_call=sheet.level_call,
        key_level=key.level,
        level_agrees=level_agrees,
        feedback=feedback,
        notes=notes,
    )


# ------------------------------------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """A learner's calibration over many attempts.

    - ``history``: one row per attempt, oldest first: sheet_id, session_id, when, percent_agreement,
      kappa, ac1, n_decided, n_unsure, finished, band;
    - ``bias``: one row per marker: n (attempts where both decided it), over_credit_rate and
      under_credit_rate (shares of n), unsure_rate (share of all attempts that met the marker), miss_rate
      (over-credit, under-credit or unsure, as a share of all attempts that met it);
    - ``kappa``/``ac1``/``percent_agreement``: pooled over every decided marker of every attempt;
    - ``band``: the pooled kappa in plain words, with ``band_source`` naming where the bands come from;
    - ``practise_next``: excerpts whose focus markers the learner misses most;
    - ``notes``: attempts left out, and why.
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

    def __str__(self) -> str:
        if self.history.empty:
            return "No compared attempts yet."
        return (
            f"{len(self.history)} attempt(s); pooled kappa {self.kappa:.2f} ({self.band} agreement), "
            f"AC1 {self.ac1:.2f}, percent agreement {self.percent_agreement:.0%}. Bands: {self.band_source}."
        )


def _default_load() -> Callable[[str], Session]:
    from .library import load_session

    return load_session


def _focus_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.replace(";", ",").replace(" ", ",").split(",") if p.strip())
    try:
        return tuple(str(v) for v in value)
    except TypeError:
        return ()


def calibration(
    sheets: Iterable[RatingSheet],
    sessions: Iterable[Session] | None = None,
    load: Callable[[str], Session] | None = None,
    practise: int = 5,
) -> Calibration:
    """How well a learner's ratings agree with the assessors' over time, and what to practise next.

    Each sheet is compared with its session, found in ``sessions`` first and otherwise through ``load``
    (default: the sample library's ``load_session``). Sheets whose session cannot be found or has no
    answer key are left out and ``notes`` says so. ``practise`` caps the practise-next list.

    >>> calibration([]).band
    'not measurable yet'
    """
    import pandas as pd

    known: dict[str, Session] = {}
    if sessions is not None:
        for s in sessions:
            if not isinstance(s, Session):
                raise CoachkitError(f"calibration: sessions must be Session objects, not {type(s).__name__}")
            known[s.id] = s
    notes: list[str] = []
    loader = load

    comparisons: list[tuple[RatingSheet, Comparison]] = []
    for sheet in sheets:
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"calibration needs RatingSheets, not {type(sheet).__name__}")
        session = known.get(sheet.session_id)
        if session is None:
            try:
                if loader is None:
                    loader = _default_load()
                session = loader(sheet.session_id)
            except (CoachkitError, ImportError, OSError) as exc:
                notes.append(f"attempt {sheet.id} left out: session '{sheet.session_id}' not found ({exc})")
                continue
            known[session.id] = session
        if session.key is None:
            notes.append(f"attempt {sheet.id} left out: session '{session.id}' has no answer key")
            continue
        comparisons.append((sheet, compare(sheet, session)))

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
            }
            for sheet, c in comparisons
        ],
        columns=[
            "sheet_id",
            "session_id",
            "when",
            "percent_agreement",
            "kappa",
            "ac1",
            "n_decided",
            "n_unsure",
            "finished",
            "band",
        ],
    )

    # Per-marker bias and the pooled 2x2 table.
    counts: dict[str, dict[str, int]] = {}
    n = agree = n_l1 = n_a1 = 0
    for _, c in comparisons:
        for marker, learner, assessor, outcome in zip(
            c.table["marker"], c.table["learner"], c.table["assessor"], c.table["outcome"], strict=True
        ):
            row = counts.setdefault(marker, dict.fromkeys(("seen", *OUTCOMES), 0))
            row["seen"] += 1
            row[outcome] += 1
            if learner is not None:
                n += 1
                agree += outcome == "agree"
                n_l1 += bool(learner)
                n_a1 += bool(assessor)
    pooled = _stats_from_counts(n, agree, n_l1, n_a1)
    if comparisons:
        notes.extend(f"pooled: {note}" for note in pooled["notes"])

    bias_rows = []
    for marker in sorted(counts, key=_marker_sort_key):
        r = counts[marker]
        decided = r["seen"] - r["unsure"]
        bias_rows.append(
            {
                "marker": marker,
                "competency": _competency(marker),
                "n": decided,
                "over_credit_rate": r["over-credit"] / decided if decided else math.nan,
                "under_credit_rate": r["under-credit"] / decided if decided else math.nan,
                "unsure_rate": r["unsure"] / r["seen"],
                "miss_rate": (r["seen"] - r["agree"]) / r["seen"],
                "attempts": r["seen"],
            }
        )
    bias = pd.DataFrame(
        bias_rows,
        columns=[
            "marker",
            "competency",
            "n",
            "over_credit_rate",
            "under_credit_rate",
            "unsure_rate",
            "miss_rate",
            "attempts",
        ],
    )

    practise_next = _practise_next(bias, known, sessions is not None, comparisons, practise, notes)
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
    )


def _practise_next(bias, known, sessions_given, comparisons, limit, notes) -> pd.DataFrame:
    """Excerpts ranked by how often the learner misses their focus markers (not yet practised first)."""
    import pandas as pd

    columns = ["session_id", "title", "focus", "miss_rate", "attempts", "reason"]
    if bias.empty:
        return pd.DataFrame(columns=columns)
    excerpts: list[tuple[str, str, tuple[str, ...]]] = []
    if sessions_given:
        excerpts = [(s.id, s.title, tuple(s.focus)) for s in known.values() if s.kind == "excerpt"]
    else:
        try:
            from .library import list_sessions

            listing = list_sessions()
            listing = listing[listing["kind"] == "excerpt"]
            excerpts = [
                (str(r["id"]), str(r.get("title", "")), _focus_tuple(r.get("focus")))
                for r in listing.to_dict("records")
            ]
        except (ImportError, CoachkitError, KeyError) as exc:
            notes.append(f"no practise-next list: the sample library is not available ({exc})")
    miss = dict(zip(bias["marker"], bias["miss_rate"], strict=True))
    seen = dict(zip(bias["marker"], bias["attempts"], strict=True))
    done: dict[str, int] = {}
    for sheet, _ in comparisons:
        done[sheet.session_id] = done.get(sheet.session_id, 0) + 1
    rows = []
    for sid, title, focus in excerpts:
        rated = [m for m in focus if m in miss]
        if not rated:
            continue
        rate = sum(miss[m] for m in rated) / len(rated)
        if rate <= 0:
            continue
        worst = max(rated, key=lambda m: miss[m])
        reason = f"you missed {worst} in {round(miss[worst] * seen[worst])} of {seen[worst]} attempts"
        rows.append(
            {
                "session_id": sid,
                "title": title,
                "focus": ", ".join(focus),
                "miss_rate": rate,
                "attempts": done.get(sid, 0),
                "reason": reason,
            }
        )
    rows.sort(key=lambda r: (-r["miss_rate"], r["attempts"], r["session_id"]))
    return pd.DataFrame(rows[:limit], columns=columns)


# ------------------------------------------------------------------------------------ the group (vectorised)

_MARK_COLUMNS = ("rater_id", "session_id", "marker", "learner")
_KEY_COLUMNS = ("session_id", "marker", "assessor")


def _need(frame, columns, what):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise CoachkitError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CoachkitError(
            f"{what} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)} "
            f"(it has {', '.join(map(str, frame.columns))})"
        )


def _learner_codes(series):
    """learner column -> int8 codes: 1 evidenced, 0 not, -1 unsure (None/NaN/pd.NA)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.BooleanDtype):
        return series.to_numpy(dtype=np.int8, na_value=-1)
    if dtype.kind == "b":
        return series.to_numpy().astype(np.int8)
    if dtype.kind == "f":
        values = series.to_numpy()
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            raise CoachkitError(f"learner values must be True, False or empty (unsure); found {values[bad][0]!r}")
        return np.where(np.isnan(values), -1, values).astype(np.int8)
    if dtype.kind in "iu":
        values = series.to_numpy()
        if ((values != 0) & (values != 1)).any():
            raise CoachkitError("learner values must be True, False or empty (unsure); found other numbers")
        return values.astype(np.int8)
    # object: True / False / None, checked
    values = series.to_numpy(dtype=object)
    is_true = values == True  # noqa: E712 (element-wise)
    is_false = values == False  # noqa: E712
    codes = np.full(len(values), -1, dtype=np.int8)
    codes[is_true] = 1
    codes[is_false] = 0
    other = ~(is_true | is_false) & ~pd.isna(values)
    if other.any():
        raise CoachkitError(f"learner values must be True, False or empty (unsure); found {values[other][0]!r}")
    return codes


def compare_frame(marks: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The group path: compare many learners' marks with the answer keys in one vectorised call.

    ``marks`` is long: rater_id, session_id, marker, learner (True, False, or None/NaN for unsure).
    ``keys`` has session_id, marker, assessor (True/False), one row per decided marker. Returns the
    marks that a key decides (other rows are dropped, as :func:`compare` does) with ``assessor`` and
    ``outcome`` added. A marker a learner never marked has no row here (the facilitator's frame holds
    the marks given).

    >>> import pandas as pd
    >>> marks = pd.DataFrame({"rater_id": ["a", "a", "b"], "session_id": ["s"] * 3,
    ...                       "marker": ["4.1", "6.6", "4.1"], "learner": [True, None, False]})
    >>> keys = pd.DataFrame({"session_id": ["s", "s"], "marker": ["4.1", "6.6"], "assessor": [True, False]})
    >>> list(compare_frame(marks, keys)["outcome"])
    ['agree', 'unsure', 'under-credit']
    """
    import numpy as np
    import pandas as pd

    _need(marks, _MARK_COLUMNS, "marks")
    _need(keys, _KEY_COLUMNS, "keys")
    if keys.duplicated(["session_id", "marker"]).any():
        dup = keys[keys.duplicated(["session_id", "marker"], keep=False)].iloc[0]
        raise CoachkitError(f"keys decide marker {dup['marker']} of session '{dup['session_id']}' twice")
    assessor_values = keys["assessor"].to_numpy()
    if pd.isna(keys["assessor"]).any() or not np.isin(assessor_values, [True, False]).all():
        raise CoachkitError("keys: assessor must be True or False in every row")

    # Map (session, marker) pairs to key rows through small integer codes: the key table is tiny.
    key_session = pd.Index(keys["session_id"].unique())
    key_marker = pd.Index(keys["marker"].unique())
    s_code = key_session.get_indexer(marks["session_id"])
    m_code = key_marker.get_indexer(marks["marker"])
    table = np.full(len(key_session) * len(key_marker), -1, dtype=np.int8)
    table[key_session.get_indexer(keys["session_id"]) * len(key_marker) + key_marker.get_indexer(keys["marker"])] = (
        assessor_values.astype(bool).astype(np.int8)
    )
    found = (s_code >= 0) & (m_code >= 0)
    assessor = np.full(len(marks), -1, dtype=np.int8)
    assessor[found] = table[s_code[found] * len(key_marker) + m_code[found]]
    keep = assessor >= 0

    learner = _learner_codes(marks["learner"])
    all_kept = bool(keep.all())
    out = marks.copy(deep=False) if all_kept else marks.loc[keep].reset_index(drop=True)
    a = assessor[keep]
    lc = learner[keep]
    outcome_codes = np.where(lc < 0, 3, np.where(lc == a, 0, np.where(lc == 1, 1, 2)))
    out["assessor"] = a.astype(bool)
    out["outcome"] = pd.Categorical.from_codes(outcome_codes, categories=list(OUTCOMES))
    return out


def agreement_by(frame: pd.DataFrame, by: Sequence[str] = ("rater_id", "session_id")) -> pd.DataFrame:
    """Agreement statistics per group of a :func:`compare_frame` result (e.g. per rater and session,
    or per marker for the facilitator's "where does the group differ" view).

    Returns one row per group: n (both decided), n_unsure, agree, over_credit, under_credit,
    percent_agreement, kappa, ac1 (NaN where undefined, as in :func:`compare`).
    """
    import numpy as np
    import pandas as pd

    by = [by] if isinstance(by, str) else list(by)
    _need(frame, [*by, "assessor", "outcome"], "frame")
    codes = frame["outcome"]
    codes = (
        codes.cat.codes.to_numpy()
        if isinstance(codes.dtype, pd.CategoricalDtype)
        else (pd.Categorical(codes, categories=list(OUTCOMES)).codes)
    )
    assessor = frame["assessor"].to_numpy(dtype=bool)
    decided = codes != 3
    work = pd.DataFrame(
        {
            "agree": codes == 0,
            "over_credit": codes == 1,
            "under_credit": codes == 2,
            "n_unsure": ~decided,
            "n": decided,
            # learner said evidenced: agree & assessor, or over-credit
            "n_l1": ((codes == 0) & assessor) | (codes == 1),
            "n_a1": decided & assessor,
        }
    )
    for col in by:
        work[col] = frame[col].to_numpy()
    sums = work.groupby(by, sort=True, observed=True).sum()
    n = sums["n"].to_numpy(dtype=np.int64)
    agree = sums["agree"].to_numpy(dtype=np.int64)
    n_l1 = sums["n_l1"].to_numpy(dtype=np.int64)
    n_a1 = sums["n_a1"].to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        chance = n_l1 * n_a1 + (n - n_l1) * (n - n_a1)
        den = n * n - chance
        kappa = np.where(den == 0, np.nan, (n * agree - chance) / np.where(den == 0, 1, den))
        m = n_l1 + n_a1
        chance1 = m * (2 * n - m)
        den1 = 2 * n * n - chance1
        ac1 = np.where(n == 0, np.nan, (2 * n * agree - chance1) / np.where(den1 == 0, 1, den1))
        pct = np.where(n == 0, np.nan, agree / np.where(n == 0, 1, n))
    result = pd.DataFrame(
        {
            "n": n,
            "n_unsure": sums["n_unsure"].to_numpy(dtype=np.int64),
            "agree": agree,
            "over_credit": sums["over_credit"].to_numpy(dtype=np.int64),
            "under_credit": sums["under_credit"].to_numpy(dtype=np.int64),
            "percent_agreement": pct,
            "kappa": kappa,
            "ac1": ac1,
        },
        index=sums.index,
    )
    return result.reset_index()

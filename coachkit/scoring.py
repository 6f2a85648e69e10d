"""Compare a learner's rating sheet with the assessor's answer key, and follow calibration over time.

Outcomes, marker by marker (one row per marker the answer key decides):

- ``agree``: learner and assessor made the same call;
- ``over-credit``: the learner heard the marker, the assessor did not;
- ``under-credit``: the assessor heard it, the learner did not;
- ``unsure``: the learner marked it unsure, or left it undecided (the ``marked`` column tells the two
  apart). Unsure rows count in ``n_unsure`` and stay out of the agreement statistics.

Agreement statistics (percent agreement, Cohen's kappa, Gwet's AC1; weighted kappa for competency
calls) come from :mod:`coachkit.agreement`, which cites the sources and explains each in one sentence.
Only markers the session offers are compared: an excerpt's focus markers (all decided markers of a full
session); ``n_unsure`` counts the offered markers the learner marked unsure or left open.

Competency calls (3 to 8, below < ACC < PCC < MCC) are compared when the key has them:
``competency_table`` gives each call, exact and within one level; ``competency_exact``,
``competency_within_one`` and ``competency_kappa`` (linear-weighted) summarise them.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .agreement import BAND_SOURCE, EXPLAIN, agreement_band, agreement_stats, weighted_kappa
from .errors import CoachkitError
from .framework import framework
from .model import LEVEL_ORDER, RatingSheet, Session, check_sheet_for

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "OUTCOMES",
    "BAND_SOURCE",
    "COMPETENCY_COLUMNS",
    "Quote",
    "Feedback",
    "Comparison",
    "compare",
    "offered_markers",
    "agreement_band",
    "agreement_stats",
]

#: The outcome of one marker: the learner against the assessor.
OUTCOMES: tuple[str, ...] = ("agree", "over-credit", "under-credit", "unsure")
Outcome = Literal["agree", "over-credit", "under-credit", "unsure"]

#: The columns of :attr:`Comparison.competency_table`.
COMPETENCY_COLUMNS = ["competency", "name", "learner", "assessor", "exact", "within_one", "note", "evidence"]


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
    """A rating sheet compared with the session's answer key (see the module docs for the definitions).

    ``key_version`` is the version of the key compared against (a convenience layer records it on the
    sheet). ``feedback`` holds one :class:`Feedback` per marker the learner over- or under-credited;
    :meth:`plain_words` says the result in plain sentences and :meth:`details` adds kappa and AC1 with
    one-sentence explanations.
    """

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
    competency_table: pd.DataFrame | None = None
    competency_exact: float = math.nan
    competency_within_one: float = math.nan
    competency_kappa: float = math.nan

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
            "competency_exact": self.competency_exact,
            "competency_within_one": self.competency_within_one,
            "competency_kappa": self.competency_kappa,
        }

    def plain_words(self) -> list[str]:
        """The result in plain sentences, most important first: agreement, over- and under-credit, the level
        and competency calls, and the assessor's notes where you differed."""
        lines: list[str] = []
        n_rows = len(self.table)
        if self.n_decided:
            agreed = int((self.table["outcome"] == "agree").sum())
            lines.append(f"You agreed with the assessor on {agreed} of the {self.n_decided} markers you decided.")
        else:
            lines.append("You have not decided any of this session's markers yet, so there is nothing to compare.")
        if self.n_unsure:
            lines.append(f"{self.n_unsure} of the {n_rows} markers you were asked about are unsure or left open.")
        over = [f.marker for f in self.feedback if f.outcome == "over-credit"]
        under = [f.marker for f in self.feedback if f.outcome == "under-credit"]
        if over:
            lines.append(f"You heard {_count(over, 'marker')} the assessor did not hear (over-credit): {', '.join(over)}.")
        if under:
            lines.append(f"You missed {_count(under, 'marker')} the assessor heard (under-credit): {', '.join(under)}.")
        if self.level_agrees is not None:
            verb = "matches" if self.level_agrees else "differs from"
            lines.append(f"Your level call ({self.level_call}) {verb} the assessor's ({self.key_level}).")
        ct = self.competency_table
        if ct is not None and len(ct):
            called = ct[ct["learner"].notna()]
            if len(called):
                lines.append(
                    f"Competency calls: {int(called['exact'].sum())} of {len(called)} exactly as the assessor, "
                    f"{int(called['within_one'].sum())} within one level."
                )
            for r in ct.to_dict("records"):
                if r["learner"] is not None and not r["exact"]:
                    lines.append(
                        f"Competency {r['competency']} ({r['name']}): you called {r['learner']}, the assessor "
                        f"{r['assessor']}" + (f" because {_lower_first(r['note'])}" if r["note"] else "") + "."
                    )
        for f in self.feedback:
            if f.note:
                lines.append(f"{f.marker} {f.title}: the assessor says {_lower_first(f.note)}")
        return lines

    def details(self) -> list[str]:
        """Kappa, AC1 and (with competency calls) weighted kappa, each with a one-sentence explanation."""

        def num(x):
            return "not measurable yet" if x != x else f"{x:.2f}"

        lines = [
            f"Kappa {num(self.kappa)} ({self.band}). {EXPLAIN['kappa']}",
            f"AC1 {num(self.ac1)}. {EXPLAIN['ac1']}",
        ]
        if self.competency_table is not None and len(self.competency_table):
            lines.append(f"Weighted kappa for competency calls {num(self.competency_kappa)}. {EXPLAIN['weighted_kappa']}")
        lines.append(f"Bands: {BAND_SOURCE}.")
        return lines


def _count(items, word: str) -> str:
    return f"{len(items)} {word}" + ("" if len(items) == 1 else "s")


def _lower_first(text: str) -> str:
    text = text.strip()
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _outcome(learner: bool | None, assessor: bool) -> str:
    if learner is None:
        return "unsure"
    if learner == assessor:
        return "agree"
    return "over-credit" if learner else "under-credit"


def _positions(session: Session) -> dict[str, int]:
    return {u.id: i for i, u in enumerate(session.utterances)}


def _check_ids(index: dict[str, int], session: Session, marker: str, ids: Iterable[str], whose: str) -> None:
    for uid in ids:
        if uid not in index:
            shown = uid if isinstance(uid, str) and len(uid) <= 40 else "(a long value)"
            raise CoachkitError(f"marker {marker}: {whose} evidence {shown!r} is not an utterance of session '{session.id}'")


def _quote(session: Session, uid: str) -> Quote:
    u = session.utterance(uid)
    return Quote(u.id, u.timestamp, u.speaker, u.name, u.text)


def _evidence_match(index: dict[str, int], learner_ids: Sequence[str], assessor_ids: Sequence[str]) -> bool:
    targets = {index[a] for a in assessor_ids}
    return any(abs(index[x] - t) <= 1 for x in learner_ids for t in targets)


def _competency(marker_id: str) -> int:
    return int(marker_id.split(".", 1)[0])


def _marker_sort_key(marker_id: str) -> tuple[int, int]:
    head, _, tail = marker_id.partition(".")
    return int(head), int(tail or 0)


def _titles() -> tuple[dict[str, str], dict[int, str]]:
    fw = framework()
    return {m.id: m.title for m in fw.markers}, {c.number: c.name for c in fw.competencies}


def offered_markers(session: Session) -> list[str]:
    """The markers a session asks the learner about and its key decides: an excerpt's focus, otherwise
    every decided marker, in marker order (empty without a key)."""
    key = session.key
    if key is None:
        return []
    decided = set(key.decisions)
    wanted = [m for m in session.focus if m in decided] if session.focus else list(decided)
    return sorted(set(wanted), key=_marker_sort_key)


def _competency_rows(sheet: RatingSheet, session: Session, names: dict[int, str], index) -> list[dict]:
    rows = []
    for number in sorted(session.key.competencies):
        call = session.key.competencies[number]
        for uid in call.evidence:
            if uid not in index:
                raise CoachkitError(
                    f"competency {number}: the assessor's evidence is not an utterance of session '{session.id}'"
                )
        mine = sheet.competency_calls.get(number)
        exact = mine is not None and mine == call.level
        within = mine is not None and abs(LEVEL_ORDER.index(mine) - LEVEL_ORDER.index(call.level)) <= 1
        rows.append(
            {
                "competency": number,
                "name": names.get(number, ""),
                "learner": mine,
                "assessor": call.level,
                "exact": bool(exact),
                "within_one": bool(within),
                "note": call.note,
                "evidence": tuple(call.evidence),
            }
        )
    return rows


def compare(sheet: RatingSheet, session: Session) -> Comparison:
    """Compare a learner's sheet with the session's answer key, marker by marker and competency by competency.

    The table has one row per marker the session offers (see :func:`offered_markers`): marker,
    competency, title, learner (True, False, or None for unsure/undecided), marked (did the learner touch
    it at all), assessor, outcome and evidence_match. ``evidence_match`` is True when the learner cited
    the utterance the assessor cited or the turn just before or after it, False when they cited others,
    and None where it does not apply. ``compare`` is pure: it reads the sheet and the session and changes
    neither (``key_version`` says which key it used).

    A session without an answer key, or evidence that is not an utterance of the session, is a
    CoachkitError naming the marker and the id.
    """
    import pandas as pd  # heavy: loaded only when a comparison is made

    check_sheet_for(sheet, session, "compare")
    key = session.key
    if key is None:
        raise CoachkitError(f"session '{session.id}' has no answer key to compare with")

    index = _positions(session)
    for marker, mark in sheet.marks.items():
        _check_ids(index, session, marker, mark.evidence, "the learner's")
    for marker, decision in key.decisions.items():
        _check_ids(index, session, marker, decision.evidence, "the assessor's")
        _check_ids(index, session, marker, decision.opportunity, "the assessor's opportunity")

    titles, competency_names = _titles()
    notes: list[str] = []
    rows, feedback = [], []
    offered = offered_markers(session)
    for marker in offered:
        decision = key.decisions[marker]
        mark = sheet.marks.get(marker)
        learner = None if mark is None else mark.evidenced
        outcome = _outcome(learner, decision.evidenced)
        match = None
        if learner is True and mark.evidence and decision.evidenced and decision.evidence:
            match = _evidence_match(index, mark.evidence, decision.evidence)
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
    ignored = sorted(set(sheet.marks) - set(offered), key=_marker_sort_key)
    if ignored:
        notes.append(f"this session does not ask about {', '.join(ignored)}: those marks are not compared")

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

    comp_rows = _competency_rows(sheet, session, competency_names, index)
    competency_table = pd.DataFrame(comp_rows, columns=COMPETENCY_COLUMNS)
    competency_table["learner"] = pd.Series([r["learner"] for r in comp_rows], dtype=object)
    called = [r for r in comp_rows if r["learner"] is not None]
    c_exact = sum(r["exact"] for r in called) / len(called) if called else math.nan
    c_within = sum(r["within_one"] for r in called) / len(called) if called else math.nan
    c_kappa = weighted_kappa([r["learner"] for r in called], [r["assessor"] for r in called]) if called else math.nan
    ignored_calls = sorted(set(sheet.competency_calls) - set(key.competencies))
    if ignored_calls:
        notes.append(
            f"the key makes no call on competency {', '.join(map(str, ignored_calls))}: your call there is not compared"
        )

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
        competency_table=competency_table,
        competency_exact=c_exact,
        competency_within_one=c_within,
        competency_kappa=c_kappa,
    )

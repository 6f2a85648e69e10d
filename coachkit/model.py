"""The plain data types everything else shares: Utterance, Session, Decision, AnswerKey, Mark, RatingSheet.

This module sits at the bottom: the transcript readers produce these, the sample library's loader uses
the readers, scoring and the store consume them. It imports nothing else of the kit's at import time.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Literal

from .errors import CoachkitError

__all__ = [
    "LEVELS",
    "LEVEL_ORDER",
    "KINDS",
    "SPEAKERS",
    "Utterance",
    "Cue",
    "Decision",
    "CompetencyCall",
    "AnswerKey",
    "Session",
    "Mark",
    "RatingSheet",
    "CheckAttempt",
    "CHECK_STAGES",
    "slug",
    "SHEET_FORMAT",
    "SHEET_FORMATS",
    "COMPETENCY_NUMBERS",
    "MARKER_IDS",
    "check_marker",
    "check_level",
    "check_sheet_for",
    "session_to_dict", "session_from_dict",
]

#: The overall levels a session or a learner's call can have; "below" is below the ACC standard.
LEVELS: tuple[str, ...] = ("ACC", "PCC", "MCC", "below")
#: The levels in the order a learner meets them in a table or a side-by-side: below the standard up to MCC.
LEVEL_ORDER: tuple[str, ...] = ("below", "ACC", "PCC", "MCC")
#: The stages of a calibration check: the form's excerpts, then its full sessions, then done.
CHECK_STAGES: tuple[str, ...] = ("excerpts", "full", "done")
#: A full session (20 to 60 minutes) or a short excerpt that focuses on a few markers.
KINDS: tuple[str, ...] = ("full", "excerpt")
#: Who speaks: the coach, the client, or someone else (a mentor who joined the call).
SPEAKERS: tuple[str, ...] = ("coach", "client", "other")
#: The version tag of a rating sheet's plain-data form (:meth:`RatingSheet.to_dict`).
#: Version 2 adds ``competency_calls`` and ``key_version``; version 1 sheets are still read.
SHEET_FORMAT = "coachkit-sheet/2"
SHEET_FORMATS: tuple[str, ...] = ("coachkit-sheet/1", SHEET_FORMAT)
#: The 37 PCC Markers' ids in ICF's order. The marker texts live in the framework file; a test checks that
#: its ids are exactly these, so the data types can check an id without importing the framework.
MARKER_IDS: tuple[str, ...] = (
    "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4", "5.5",
    "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8",
    "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9",
)  # fmt: skip
#: The competencies that have markers and so get a level call of their own (3 to 8).
COMPETENCY_NUMBERS: tuple[int, ...] = (3, 4, 5, 6, 7, 8)
_SHEET_FIELDS = {
    "format", "id", "session_id", "rater", "rater_id", "group", "level_call", "ethics_observed",
    "comments", "finished", "created", "updated", "marks", "competency_calls", "key_version",
}

Level = Literal["ACC", "PCC", "MCC", "below"]
Speaker = Literal["coach", "client", "other"]


def check_level(level: str | None, allow_none: bool = True) -> str | None:
    """Return ``level`` if it is one of :data:`LEVELS` (or None when allowed), else a CoachkitError.

    >>> check_level("PCC")
    'PCC'
    >>> check_level("Gold")
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: unknown level 'Gold': choose one of ACC, PCC, MCC, below
    """
    if level is None and allow_none:
        return None
    if level not in LEVELS:
        raise CoachkitError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    return level


def check_marker(marker_id) -> str:
    """``marker_id`` as the marker's id ("6.6") if it is one of the 37, else a CoachkitError listing them.

    >>> check_marker(" 6.6 ")
    '6.6'
    >>> check_marker("x" * 500)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: unknown marker 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'. Valid markers: 3.1, ...
    """
    key = marker_id.strip() if isinstance(marker_id, str) else marker_id
    if key in MARKER_IDS:
        return key
    shown = str(key)[:40] + ("..." if len(str(key)) > 40 else "") if isinstance(key, str | int | float) else type(key).__name__
    raise CoachkitError(f"unknown marker {shown!r}. Valid markers: {', '.join(MARKER_IDS)}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_SLUG_RUN = re.compile(r"[^a-z0-9]+")


def slug(text: str, default: str = "session") -> str:
    """Lower-case letters, digits and single hyphens: the only shape of a session id or a file name the kit writes.

    Never a path: slashes, dots and anything else become hyphens.

    >>> slug("Maya's call (Zoom).vtt")
    'maya-s-call-zoom-vtt'
    >>> slug("../../../x"), slug("***")
    ('x', 'session')
    """
    text = str(text)[:200].lower()
    return _SLUG_RUN.sub("-", text).strip("-")[:80].strip("-") or default


@dataclass(frozen=True)
class Utterance:
    """One turn of talk. ``start`` and ``end`` are seconds from the start, or None for an untimed file.

    ``id`` is stable: a turn merged from several cues keeps its first cue's id.
    """

    id: str
    speaker: Speaker
    name: str
    start: float | None
    end: float | None
    text: str

    @property
    def timestamp(self) -> str:
        """The start as ``M:SS`` (or ``H:MM:SS``); '' for an untimed line.

        >>> Utterance("u1", "coach", "Sam", 75.2, 80.0, "Hi").timestamp
        '1:15'
        """
        return "" if self.start is None else format_time(self.start)


@dataclass(frozen=True)
class Cue:
    """One cue of the source transcript, before cues of one speaker were merged into a turn.

    ``n`` is the cue's ordinal in the file, so cue ``n`` belongs to the turn with the largest id
    ``u<k>``, ``k <= n``. ``start`` and ``end`` are seconds, or None where the source has no such time
    (an untimed pasted dialogue has neither; an Otter export has starts only). Metrics that count pauses
    and overlaps read cues, not turns, so a client's long pause inside one turn still counts.
    """

    n: int
    start: float | None
    end: float | None
    #: the id of the turn this cue was merged into ('' when not known)
    turn: str = ""


def vtt_timestamp(seconds: float) -> str:
    """Seconds as a WebVTT time stamp: ``75.2`` -> ``'00:01:15.200'``.

    >>> vtt_timestamp(3725.5)
    '01:02:05.500'
    """
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def format_time(seconds: float) -> str:
    """``75.2`` -> ``'1:15'``; ``3725`` -> ``'1:02:05'``."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


@dataclass(frozen=True)
class Decision:
    """The assessor's decision on one marker: was it evidenced, where, and why.

    ``opportunity`` lists the utterances where a marker not shown could have been shown.
    """

    evidenced: bool
    evidence: tuple[str, ...] = ()
    note: str = ""
    opportunity: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompetencyCall:
    """The assessor's call on one competency (3 to 8) as a whole: at which depth it was shown.

    ``level`` is one of :data:`LEVELS`; ``evidence`` lists the utterances that show that depth.
    """

    level: str
    note: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerKey:
    """An assessor's answer key for one session. ``version`` tells a corrected key from an older one.

    ``competencies`` maps competency numbers (3 to 8) to the assessor's :class:`CompetencyCall`; a key
    may leave it empty (a mentor's own key made in the key editor).
    """

    level: str
    summary: str
    version: int
    decisions: Mapping[str, Decision]
    assessor: str = ""
    competencies: Mapping[int, CompetencyCall] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        object.__setattr__(self, "decisions", MappingProxyType(dict(self.decisions)))
        object.__setattr__(self, "competencies", MappingProxyType(dict(self.competencies)))


@dataclass(frozen=True)
class Session:
    """A coaching session: its turns and, for a sample session, the assessor's answer key.

    ``cues`` holds the timing of every cue with words in it, before cues were merged into turns (see
    :class:`Cue`); empty when not known. It is a real field: it travels with the session through the
    store and the session-folder format, so metrics never depend on the source file still being there.
    ``focus`` lists the markers an excerpt is about (empty for a full session). ``notes`` holds what the
    reader wants the user to know (e.g. which speaker it took to be the coach, and why). ``meta`` holds a
    library session's other facts as text (coach, client, consent, and scenario or pair when given).
    """

    id: str
    title: str
    kind: str
    level: str | None
    focus: tuple[str, ...]
    topic: str
    utterances: tuple[Utterance, ...]
    key: AnswerKey | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()
    description: str = ""
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    cues: tuple[Cue, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))
        object.__setattr__(self, "cues", tuple(self.cues))

    @property
    def minutes(self) -> float | None:
        """Length in minutes from the first start to the last end (None for an untimed transcript)."""
        starts = [u.start for u in self.utterances if u.start is not None]
        ends = [u.end for u in self.utterances if u.end is not None]
        if not starts or not ends:
            return None
        return round((max(ends) - min(starts)) / 60, 1)

    def utterance(self, utterance_id: str) -> Utterance:
        """The utterance with this id; a CoachkitError naming the session if there is none."""
        index = self._index()
        if utterance_id not in index:
            raise CoachkitError(f"session '{self.id}' has no utterance '{utterance_id}'")
        return self.utterances[index[utterance_id]]

    def position(self, utterance_id: str) -> int:
        """The 0-based position of the utterance in the session (for 'adjacent turn' checks)."""
        self.utterance(utterance_id)
        return self._index()[utterance_id]

    def _index(self) -> dict[str, int]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {u.id: i for i, u in enumerate(self.utterances)}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def with_key(self, key: AnswerKey | None) -> Session:
        return replace(self, key=key)


@dataclass(frozen=True)
class Mark:
    """A learner's mark on one marker: True (evidenced), False (not), or None (unsure)."""

    evidenced: bool | None
    evidence: tuple[str, ...] = ()
    note: str = ""


@dataclass
class RatingSheet:
    """One learner's attempt at rating one session.

    >>> sheet = RatingSheet(session_id="demo", rater="ana")
    >>> sheet.mark("4.1", True, evidence=["u12"], note="names her persistence")
    >>> sheet.marks["4.1"].evidence
    ('u12',)
    >>> sheet.mark("9.9", True)
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: unknown marker '9.9'. Valid markers: 3.1, 3.2, 3.3, 3.4, 4.1, 4.2, 4.3, 4.4, 5.1, 5.2, 5.3, 5.4, 5.5, 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7, 7.1, 7.2, 7.3, 7.4, 7.5, 7.6, 7.7, 7.8, 8.1, 8.2, 8.3, 8.4, 8.5, 8.6, 8.7, 8.8, 8.9
    """

    session_id: str
    rater: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    rater_id: str = ""
    marks: dict[str, Mark] = field(default_factory=dict)
    level_call: str | None = None
    created: str = field(default_factory=_now)
    updated: str = field(default_factory=_now)
    finished: bool = False
    group: str = ""
    ethics_observed: bool | None = None
    comments: str = ""
    competency_calls: dict[int, str] = field(default_factory=dict)
    key_version: int | None = None
    #: Set by the store on reading, never by the learner (and not part of to_dict): the database role that
    #: wrote the sheet, when the store can vouch for it (cohort mode), else ''; ``imported`` is True for a
    #: sheet that arrived in an export file (its rater id is only what the file says).
    owner: str = field(default="", compare=False)
    imported: bool = field(default=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.session_id, str) or not self.session_id.strip():
            raise CoachkitError("a rating sheet needs the id of the session it rates")
        if not isinstance(self.rater, str) or not self.rater.strip():
            raise CoachkitError("a rating sheet needs the rater's name")
        self.rater = self.rater.strip()
        check_level(self.level_call)
        for number, level in self.competency_calls.items():
            _check_competency(number)
            check_level(level, allow_none=False)
        # From here on, changing what the learner decided stamps ``updated`` (not while __init__ runs,
        # so a sheet rebuilt from a file keeps its own times).
        self.__dict__["_ready"] = True

    def __setattr__(self, name, value):
        if name == "level_call":
            check_level(value)
        super().__setattr__(name, value)
        if name in ("marks", "level_call", "finished", "ethics_observed", "comments", "competency_calls") and self.__dict__.get(
            "_ready"
        ):
            super().__setattr__("updated", _now())

    def mark(
        self,
        marker_id: str,
        evidenced: bool | None,
        evidence: Iterable[str] = (),
        note: str = "",
    ) -> None:
        """Record the learner's decision on one marker (True, False, or None for unsure)."""
        marker_id = check_marker(marker_id)
        if evidenced not in (True, False, None):
            raise CoachkitError(f"marker {marker_id}: evidenced must be True, False or None (unsure)")
        if isinstance(evidence, str):
            evidence = [evidence]
        self.marks[marker_id] = Mark(evidenced, tuple(str(e) for e in evidence), str(note or ""))
        self.updated = _now()

    def call_competency(self, number: int, level: str | None) -> None:
        """Record the learner's level call for one competency (3 to 8); None takes the call back.

        >>> sheet = RatingSheet(session_id="demo", rater="ana")
        >>> sheet.call_competency(6, "PCC")
        >>> sheet.competency_calls
        {6: 'PCC'}
        >>> sheet.call_competency(2, "PCC")
        Traceback (most recent call last):
        ...
        coachkit.errors.CoachkitError: unknown competency 2: competencies 3 to 8 have level calls
        """
        number = _check_competency(number)
        if level is None:
            self.competency_calls.pop(number, None)
        else:
            self.competency_calls[number] = check_level(level, allow_none=False)
        self.updated = _now()

    def unmark(self, marker_id: str) -> None:
        """Take a marker's decision back (it is undecided again)."""
        self.marks.pop(marker_id, None)
        self.updated = _now()

    @property
    def decided(self) -> int:
        """How many markers have a True or False mark."""
        return sum(1 for m in self.marks.values() if m.evidenced is not None)

    def to_dict(self) -> dict:
        """The sheet as plain JSON-ready data (the shape :meth:`from_dict` reads back).

        >>> d = RatingSheet(session_id="demo", rater="ana", rater_id="r1", id="s1").to_dict()
        >>> d["format"], d["id"], d["marks"]
        ('coachkit-sheet/2', 's1', {})
        """
        return {
            "format": SHEET_FORMAT,
            "id": self.id,
            "session_id": self.session_id,
            "rater": self.rater,
            "rater_id": self.rater_id,
            "group": self.group,
            "level_call": self.level_call,
            "ethics_observed": self.ethics_observed,
            "comments": self.comments,
            "finished": self.finished,
            "created": self.created,
            "updated": self.updated,
            "marks": {
                marker: {"evidenced": m.evidenced, "evidence": list(m.evidence), "note": m.note}
                for marker, m in self.marks.items()
            },
            "competency_calls": {str(n): level for n, level in sorted(self.competency_calls.items())},
            "key_version": self.key_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> RatingSheet:
        """Rebuild a sheet from :meth:`to_dict` data, checking every field; bad data is a CoachkitError.

        >>> RatingSheet.from_dict({"format": "coachkit-sheet/1", "id": "s1"})
        Traceback (most recent call last):
        ...
        coachkit.errors.CoachkitError: rating sheet 's1': missing field 'session_id'
        """
        if not isinstance(data, Mapping):
            raise CoachkitError(f"a rating sheet must be a mapping, not {type(data).__name__}")
        where = f"rating sheet {data.get('id')!r}" if isinstance(data.get("id"), str) else "rating sheet"
        fmt = data.get("format", SHEET_FORMAT)
        if fmt not in SHEET_FORMATS:
            shown = fmt if isinstance(fmt, str) and len(fmt) <= 40 else "(not a format name)"
            raise CoachkitError(f"{where}: unknown format {shown!r} (this coachkit reads {', '.join(SHEET_FORMATS)})")
        for name in ("id", "session_id", "rater", "rater_id", "created", "updated"):
            if name not in data:
                raise CoachkitError(f"{where}: missing field {name!r}")
            if not isinstance(data[name], str) or not data[name].strip():
                raise CoachkitError(f"{where}: field {name!r} must be a non-empty text")
        unknown = sorted(set(data) - _SHEET_FIELDS)
        if unknown:
            raise CoachkitError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
        for name in ("group", "comments"):
            if not isinstance(data.get(name, ""), str):
                raise CoachkitError(f"{where}: field {name!r} must be text")
        if not isinstance(data.get("finished", False), bool):
            raise CoachkitError(f"{where}: field 'finished' must be true or false")
        if data.get("ethics_observed") not in (True, False, None):
            raise CoachkitError(f"{where}: field 'ethics_observed' must be true, false or null")
        level = data.get("level_call")
        try:
            check_level(level)
        except CoachkitError as exc:
            raise CoachkitError(f"{where}: {exc}") from None
        raw_marks = data.get("marks", {})
        if not isinstance(raw_marks, Mapping):
            raise CoachkitError(f"{where}: 'marks' must map marker ids to marks")
        marks = {}
        for marker, m in raw_marks.items():
            try:
                marker_id = check_marker(marker)
            except CoachkitError as exc:
                raise CoachkitError(f"{where}: {exc}") from None
            if not isinstance(m, Mapping) or set(m) - {"evidenced", "evidence", "note"}:
                raise CoachkitError(f"{where}, marker {marker_id}: a mark has evidenced, evidence and note")
            if m.get("evidenced") not in (True, False, None) or "evidenced" not in m:
                raise CoachkitError(f"{where}, marker {marker_id}: evidenced must be true, false or null (unsure)")
            evidence = m.get("evidence", [])
            if not isinstance(evidence, list | tuple) or not all(isinstance(e, str) for e in evidence):
                raise CoachkitError(f"{where}, marker {marker_id}: evidence must be a list of utterance ids")
            if not isinstance(m.get("note", ""), str):
                raise CoachkitError(f"{where}, marker {marker_id}: note must be text")
            marks[marker_id] = Mark(m["evidenced"], tuple(evidence), m.get("note", ""))
        raw_calls = data.get("competency_calls") or {}
        if not isinstance(raw_calls, Mapping):
            raise CoachkitError(f"{where}: 'competency_calls' must map competency numbers (3 to 8) to levels")
        calls = {}
        for number, call in raw_calls.items():
            try:
                calls[_check_competency(number)] = check_level(call, allow_none=False)
            except CoachkitError as exc:
                raise CoachkitError(f"{where}: {exc}") from None
        key_version = data.get("key_version")
        if key_version is not None and (type(key_version) is not int or not 1 <= key_version <= 1_000_000):
            raise CoachkitError(f"{where}: 'key_version' must be a whole number of 1 or more, or null")
        return cls(
            session_id=data["session_id"],
            rater=data["rater"],
            id=data["id"],
            rater_id=data["rater_id"],
            marks=marks,
            level_call=level,
            created=data["created"],
            updated=data["updated"],
            finished=data.get("finished", False),
            group=data.get("group", ""),
            ethics_observed=data.get("ethics_observed"),
            comments=data.get("comments", ""),
            competency_calls=calls,
            key_version=key_version,
        )


def _check_competency(number) -> int:
    """``number`` as an int if it names a competency with markers (3 to 8, or its text), else an error."""
    value = number
    if isinstance(number, str) and number.strip().isdigit() and len(number.strip()) <= 2:
        value = int(number.strip())
    if type(value) is not int or value not in COMPETENCY_NUMBERS:
        shown = number if isinstance(number, int | str) and len(str(number)) <= 12 else "(not a number)"
        raise CoachkitError(f"unknown competency {shown}: competencies 3 to 8 have level calls")
    return value


@dataclass
class CheckAttempt:
    """One learner's attempt at a calibration check form (lesson 09).

    ``draw`` is the order the form's sessions are shown in (excerpts first, then full sessions);
    ``sheet_ids`` maps each session id of the draw to the id of the RatingSheet made for it.
    ``stage`` is one of :data:`CHECK_STAGES`. Pass or fail is never stored: it is recomputed from the
    sheets against the keys, so a corrected key or rule changes the result, never a stored verdict.
    """

    rater: str
    form: str
    draw: tuple[str, ...]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    rater_id: str = ""
    stage: str = "excerpts"
    sheet_ids: dict[str, str] = field(default_factory=dict)
    started: str = field(default_factory=_now)
    updated: str = field(default_factory=_now)
    imported: bool = False

    def __post_init__(self):
        if not isinstance(self.rater, str) or not self.rater.strip():
            raise CoachkitError("a check attempt needs the rater's name")
        if not isinstance(self.form, str) or not self.form.strip():
            raise CoachkitError("a check attempt needs the form it takes")
        if self.stage not in CHECK_STAGES:
            raise CoachkitError(f"unknown check stage {self.stage!r}: choose one of {', '.join(CHECK_STAGES)}")
        self.draw = tuple(self.draw)


def check_sheet_for(sheet, session, what: str) -> None:
    """A CoachkitError unless ``sheet`` is a RatingSheet of ``session`` (a Session); ``what`` names the caller.

    >>> check_sheet_for("ana", None, "compare")
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: compare needs a RatingSheet, not str
    """
    if not isinstance(sheet, RatingSheet):
        raise CoachkitError(f"{what} needs a RatingSheet, not {type(sheet).__name__}")
    if not isinstance(session, Session):
        raise CoachkitError(f"{what} needs a Session, not {type(session).__name__}")
    if sheet.session_id != session.id:
        raise CoachkitError(f"the sheet rates session '{sheet.session_id}', not '{session.id}'")


def session_to_dict(s: Session) -> dict:
    """A session as plain JSON-ready data, with its cues and its key's competency calls (read by :func:`session_from_dict`)."""
    key = s.key and {"level": s.key.level, "summary": s.key.summary, "version": s.key.version, "assessor": s.key.assessor,
                     "decisions": {m: {"evidenced": d.evidenced, "evidence": list(d.evidence), "note": d.note, "opportunity": list(d.opportunity)} for m, d in s.key.decisions.items()},
                     "competencies": {str(n): [c.level, c.note, list(c.evidence)] for n, c in s.key.competencies.items()}}
    return {**{f: getattr(s, f) for f in ("id", "title", "kind", "level", "topic", "source", "description")}, "focus": list(s.focus), "notes": list(s.notes), "meta": dict(s.meta), "key": key or None,
            "utterances": [[u.id, u.speaker, u.name, u.start, u.end, u.text] for u in s.utterances], "cues": [[c.n, c.start, c.end, c.turn] for c in s.cues]}


def session_from_dict(d: Mapping) -> Session:
    """The session :func:`session_to_dict` wrote (a copy kept before cues and competency calls existed reads too)."""
    k = d.get("key")
    key = k and AnswerKey(k["level"], k["summary"], k["version"], assessor=k.get("assessor", ""),
                          decisions={m: Decision(v["evidenced"], tuple(v["evidence"]), v["note"], tuple(v["opportunity"])) for m, v in k["decisions"].items()},
                          competencies={int(n): CompetencyCall(c[0], c[1], tuple(c[2])) for n, c in k.get("competencies", {}).items()})
    return Session(**{f: d.get(f, "") for f in ("id", "title", "kind", "level", "topic", "source", "description")}, focus=tuple(d["focus"]), notes=tuple(d.get("notes", ())), meta=d.get("meta") or {},
                   key=key or None, utterances=tuple(Utterance(*u) for u in d["utterances"]), cues=tuple(Cue(*c) for c in d.get("cues", ())))

"""The rating controller: what a rating form captures goes through here into the store.

Plain Python (no widgets), so lessons, tests and any other front end share one path: every change is
saved at once, the learner's latest attempt comes back as it was left (a compared one with its feedback),
names match whatever their case, and evidence must be lines of the session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import Protocol

from .convenience import compare_and_record
from .errors import CoachkitError
from .model import RatingSheet, Session, check_level
from .scoring import compare
from .settings import home, rater_id

__all__ = ["RatingController", "RatingInput", "remember_session", "remembered_session"]


class RatingInput(Protocol):
    """What a rating form offers the controller (a widget, or a ten-line fake in a test)."""

    def on_change(self, callback) -> None: ...  # callback(marker_id, evidenced, evidence, note)

    def on_level(self, callback) -> None: ...  # callback(level or None)

    def on_submit(self, callback) -> None: ...  # callback()

    def show(self, sheet: RatingSheet) -> None: ...


class RatingController:
    """Keeps one learner's sheet for one session in step with the store.

    >>> from coachkit.model import Utterance
    >>> s = Session("demo", "Demo", "excerpt", "PCC", ("4.1",), "", (Utterance("u1", "coach", "Sam", 0, 2, "Hi"),))
    >>> c = RatingController(s, store=None)
    >>> sheet = c.start("Ana")
    >>> c.mark("4.1", True, ["u1"], "greets her")
    >>> c.sheet.marks["4.1"].evidenced
    True
    >>> c.mark("4.1", True, ["u9"])
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: marker 4.1: 'u9' is not a line of this session (its lines are u1 to u1)
    """

    def __init__(self, session: Session, store=None, group: str = ""):
        self.session = session
        self.store = store
        self.group = group
        self.sheet: RatingSheet | None = None

    def start(self, rater: str, new_attempt: bool = False) -> RatingSheet:
        """The rater's latest attempt at this session as it was left (finished or not; the name's case does
        not matter), or a new attempt. A new, empty attempt is saved with its first mark."""
        rater = (rater or "").strip()
        if not rater:
            raise CoachkitError("type your name first, so your ratings are kept under it")
        sheet = None if new_attempt else self.latest(rater)
        if sheet is None:
            sheet = RatingSheet(session_id=self.session.id, rater=rater, group=self.group, rater_id=_installation_rater_id())
        self.sheet = sheet
        return sheet

    def latest(self, rater: str) -> RatingSheet | None:
        """The rater's most recent sheet for this session (any letter case), or None."""
        if self.store is None:
            return None
        found = self.store.resume(rater, self.session.id)
        if found is not None:
            return found
        wanted = rater.strip().casefold()
        mine = [s for s in self.store.sheets(session_id=self.session.id) if s.rater.strip().casefold() == wanted]
        if not mine:
            return None
        open_ = [s for s in mine if not s.finished]
        return max(open_ or mine, key=lambda s: (s.updated or "", s.created or ""))

    @property
    def compared(self) -> bool:
        """True when the current attempt has been compared with the key (its feedback can be shown)."""
        return bool(self.sheet is not None and self.sheet.finished and self.session.key is not None)

    def comparison(self):
        """The current (finished) attempt compared with the key, without changing anything."""
        return compare(self._need_sheet(), self.session)

    def _need_sheet(self) -> RatingSheet:
        if self.sheet is None:
            raise CoachkitError("start rating first (type your name and press Start)")
        return self.sheet

    def check_evidence(self, marker_id: str, evidence: Iterable[str]) -> tuple[str, ...]:
        """The evidence ids, each checked to be a line of the session."""
        ids = tuple(evidence)
        known = {u.id for u in self.session.utterances}
        for uid in ids:
            if uid not in known:
                first, last = self.session.utterances[0].id, self.session.utterances[-1].id
                raise CoachkitError(
                    f"marker {marker_id}: {uid!r} is not a line of this session (its lines are {first} to {last})"
                )
        return ids

    def mark(self, marker_id: str, evidenced: bool | None, evidence: Iterable[str] = (), note: str = "") -> None:
        """Record one marker's decision and save it at once."""
        sheet = self._need_sheet()
        ids = self.check_evidence(marker_id, evidence)
        sheet.mark(marker_id, evidenced, ids, note)
        self._save()

    def unmark(self, marker_id: str) -> None:
        sheet = self._need_sheet()
        sheet.unmark(marker_id)
        self._save()

    def set_level(self, level: str | None) -> None:
        sheet = self._need_sheet()
        sheet.level_call = check_level(level)
        self._save()

    def call_competency(self, number: int, level: str | None) -> None:
        """The learner's call of one competency's depth (3 to 8), saved at once."""
        sheet = self._need_sheet()
        sheet.call_competency(int(number), check_level(level))
        self._save()

    def submit(self):
        """Finish the attempt, save it, and compare it with the answer key."""
        sheet = self._need_sheet()
        comparison = compare_and_record(sheet, self.session)  # the sheet records the key version
        sheet.finished = True
        self._save()
        return comparison

    def _save(self) -> None:
        if self.store is not None and self.sheet is not None:
            self.store.save(self.sheet)


def remembered_session(choices: Iterable[str] = ()) -> str | None:
    """The session the learner last opened, if it is one of ``choices`` (any, when none are given)."""
    try:
        value = (home() / "last-session").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    choices = list(choices)
    if choices and value not in choices:
        return None
    return value or None


def remember_session(session_id: str) -> None:
    """Keep the session the learner is working on, so the kit reopens on it."""
    path = home() / "last-session"
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(str(session_id) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _installation_rater_id() -> str:
    return rater_id()

"""The calibration check's controller (lesson 09): what the check views capture goes through here into the store.

Plain Python (no widgets), so the lesson, the tests and any other front end share one path:

- :meth:`CheckController.begin` resumes the learner's unfinished attempt at a form exactly where it stopped
  (the same session, every mark and call), or starts one; a form already finished is refused (each form is
  taken once);
- every mark and call is saved at once, on a sheet of the attempt; nothing is compared with a key while the
  check runs (no feedback during the check);
- :meth:`CheckController.finish` closes the attempt; :meth:`CheckController.result` then recomputes pass or fail
  from the marks against the keys (never stored), and :meth:`CheckController.next_step` names the retake or
  recheck with its date.
"""

from __future__ import annotations

import os
from pathlib import Path

from .check import CheckResult, NextStep, form_sessions, next_check, score_check, start_check
from .check_record import check_report
from .errors import CoachkitError
from .library import check_forms
from .library import sessions as library_sessions
from .model import CheckAttempt, RatingSheet, Session, check_level, slug
from .scoring import offered_markers
from .settings import rater_id

__all__ = ["CheckController", "check_history"]


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def check_history(store, rater: str, sessions_of=None, rule=None) -> list[tuple[CheckAttempt, CheckResult]]:
    """The rater's finished check attempts (any letter case), each scored afresh: (attempt, result) pairs,
    oldest first. ``sessions_of(form)`` gives a form's sessions (default: the library's forms); an attempt
    whose form is no longer there is left out."""
    if store is None:
        return []
    out = []
    sheets = None
    for attempt in store.check_attempts():
        if attempt.stage != "done" or not _same(attempt.rater, rater):
            continue
        try:
            found = sessions_of(attempt.form) if sessions_of else None
            if sheets is None:
                sheets = store.sheets()
            out.append((attempt, score_check(attempt, sheets, found, rule=rule)))
        except CoachkitError:
            continue
    return out


class CheckController:
    """One learner's attempt at one check form, kept in step with the store.

    ``sessions``: the form's sessions (default: the library's ``check_forms()[form]``); ``practice``: the
    excerpts a deciding marker points to (default: the library's); ``rule``: the pass rule (default: the kit's).
    """

    def __init__(self, form: str, store=None, sessions=None, rule=None, practice=None, forms=None):
        self.form = form
        self.store = store
        self.rule = rule
        self.practice = practice
        self._given = tuple(sessions) if sessions is not None else None
        self.sessions: dict[str, Session] = {s.id: s for s in form_sessions(form, self._given)}
        self.forms = tuple(forms) if forms is not None else None
        self.attempt: CheckAttempt | None = None
        self.sheets: dict[str, RatingSheet] = {}

    # ------------------------------------------------------------------------------------ the attempt

    def _mine(self, rater: str) -> list[CheckAttempt]:
        if self.store is None:
            return [self.attempt] if self.attempt is not None and _same(self.attempt.rater, rater) else []
        return [a for a in self.store.check_attempts(form=self.form) if _same(a.rater, rater)]

    def begin(self, rater: str) -> CheckAttempt:
        """The rater's unfinished attempt at this form as it was left, or a new one. A CoachkitError when the
        rater has already finished this form (each form is taken once)."""
        rater = (rater or "").strip()
        if not rater:
            raise CoachkitError("type your name first, so your check is kept under it")
        mine = self._mine(rater)
        done = [a for a in mine if a.stage == "done"]
        if done:
            raise CoachkitError(
                f"{rater}, you took form {self.form} on {done[-1].updated[:10]}: each form is taken once. "
                "Your result and next step are shown below."
            )
        open_ = [a for a in mine if a.stage != "done" and all(sid in self.sessions for sid in a.draw)]
        if open_:
            self.attempt = max(open_, key=lambda a: (a.updated, a.started))
            self._load_sheets()
            return self.attempt
        self.attempt = start_check(rater, self.form, self._given if self._given is not None else None,
                                   rater_id="")
        self.attempt.rater_id = rater_id()
        self.sheets = {}
        self._save_attempt()
        return self.attempt

    def finished_attempt(self, rater: str) -> CheckAttempt | None:
        """The rater's finished attempt at this form, if any."""
        done = [a for a in self._mine(rater) if a.stage == "done"]
        return done[-1] if done else None

    def has_attempt(self, rater: str) -> bool:
        """True when the rater has an attempt at this form (finished or not), any letter case."""
        return bool(self._mine(rater))

    def reopen_finished(self, rater: str) -> CheckAttempt | None:
        """Reopen the rater's finished attempt at this form, to show its result (nothing can change it)."""
        found = self.finished_attempt(rater)
        if found is not None:
            self.attempt = found
            self._load_sheets()
        return found

    def _load_sheets(self) -> None:
        """The sheets of the sessions moved past (by id), and the open sheet of the current session."""
        self.sheets = {}
        if self.store is None or self.attempt is None:
            return
        wanted = {sheet_id: sid for sid, sheet_id in self.attempt.sheet_ids.items()}
        mine = self.store.sheets(rater_id=self.attempt.rater_id) if self.attempt.rater_id else self.store.sheets()
        for sheet in mine:
            if wanted.get(sheet.id) == sheet.session_id:
                self.sheets[sheet.session_id] = sheet
        cur = self.current()
        if cur is not None:
            open_ = [s for s in mine if s.session_id == cur.id and not s.finished and _same(s.rater, self.attempt.rater)
                     and s.id not in wanted]
            if open_:
                self.sheets[cur.id] = max(open_, key=lambda s: (s.updated or "", s.created or ""))

    def _need(self) -> CheckAttempt:
        if self.attempt is None:
            raise CoachkitError("start the check first (type your name and press Start)")
        return self.attempt

    # -------------------------------------------------------------------------------------- position

    @property
    def index(self) -> int:
        """The position in the draw of the session being rated: the first not yet moved past."""
        a = self._need()
        for i, sid in enumerate(a.draw):
            if sid not in a.sheet_ids:
                return i
        return len(a.draw)

    def current(self) -> Session | None:
        """The session being rated now (None when every session is done)."""
        a = self._need()
        i = self.index
        return self.sessions[a.draw[i]] if i < len(a.draw) else None

    def sheet(self, session_id: str | None = None) -> RatingSheet:
        """The attempt's sheet for a session (the current one by default), made when first needed."""
        a = self._need()
        if session_id is None:
            cur = self.current()
            if cur is None:
                raise CoachkitError("every session of the form is done: finish the check")
            session_id = cur.id
        if session_id not in self.sessions or session_id not in a.draw:
            raise CoachkitError("that session is not part of this check")
        if session_id not in self.sheets:
            self.sheets[session_id] = RatingSheet(session_id=session_id, rater=a.rater, rater_id=a.rater_id)
        return self.sheets[session_id]

    def progress(self) -> dict:
        """Where the learner is: part (1 excerpts, 2 full sessions), the position within the part, and counts."""
        a = self._need()
        kinds = [self.sessions[sid].kind for sid in a.draw]
        n_ex = sum(k == "excerpt" for k in kinds)
        n_full = len(kinds) - n_ex
        i = self.index
        if i >= len(kinds):
            return {"part": 3, "position": 0, "of": 0, "excerpts": n_ex, "full": n_full, "done": len(kinds)}
        if kinds[i] == "excerpt":
            return {"part": 1, "position": i + 1, "of": n_ex, "excerpts": n_ex, "full": n_full, "done": i}
        return {"part": 2, "position": i - n_ex + 1, "of": n_full, "excerpts": n_ex, "full": n_full, "done": i}

    def progress_text(self) -> str:
        """The progress line in words, e.g. "Part 1 of 2, short excerpts: 3 of 10"."""
        p = self.progress()
        if p["part"] == 3:
            return f"All {p['done']} done: finish the check to see your result."
        what = "short excerpts" if p["part"] == 1 else "full sessions"
        return f"Part {p['part']} of 2, {what}: {p['position']} of {p['of']} ({p['done']} of {p['excerpts'] + p['full']} done)"

    # ------------------------------------------------------------------------------------ the answers

    def mark(self, marker_id: str, evidenced: bool | None) -> None:
        """Record one marker's answer for the current session (True heard, False not heard, None unsure)."""
        sheet = self.sheet()
        if marker_id not in _offered(self.current()):
            raise CoachkitError(f"marker {str(marker_id)[:10]} is not asked in this part of the check")
        sheet.mark(marker_id, evidenced)
        self._save(sheet)

    def set_level(self, level: str | None) -> None:
        """The level call for the current full session."""
        cur = self.current()
        if cur is None or cur.kind != "full":
            raise CoachkitError("a level call is made on the full sessions (part 2)")
        sheet = self.sheet()
        sheet.level_call = check_level(level)
        self._save(sheet)

    def call_competency(self, number: int, level: str | None) -> None:
        """The call of one competency's depth (3 to 8) for the current full session."""
        cur = self.current()
        if cur is None or cur.kind != "full":
            raise CoachkitError("competency calls are made on the full sessions (part 2)")
        sheet = self.sheet()
        sheet.call_competency(int(number), check_level(level))
        self._save(sheet)

    def next(self) -> Session | None:
        """Move past the current session (what is left open counts as disagreement) and return the next one.
        No feedback is given: the answers are compared with the keys only when the check is finished."""
        sheet = self.sheet()
        a = self._need()
        a.sheet_ids[sheet.session_id] = sheet.id
        self._save(sheet)
        cur = self.current()
        a.stage = "excerpts" if cur is not None and cur.kind == "excerpt" else "full"  # "done" is finish()
        self._save_attempt()
        return cur

    def unanswered(self) -> int:
        """How many markers of the current session are not answered yet."""
        cur = self.current()
        if cur is None:
            return 0
        sheet = self.sheets.get(cur.id)
        marks = sheet.marks if sheet is not None else {}
        return sum(1 for m in _offered(cur) if m not in marks)

    def finish(self) -> CheckResult:
        """Close the attempt (every sheet finished, stage "done") and return its result."""
        a = self._need()
        for sid in a.draw:
            sheet = self.sheet(sid)
            sheet.finished = True
            a.sheet_ids[sid] = sheet.id
            self._save(sheet)
        a.stage = "done"
        self._save_attempt()
        return self.result()

    @property
    def done(self) -> bool:
        return self.attempt is not None and self.attempt.stage == "done"

    # ------------------------------------------------------------------------------------ afterwards

    def result(self) -> CheckResult:
        """The attempt scored afresh against the keys (only once it is finished: no feedback during the check)."""
        a = self._need()
        if a.stage != "done":
            raise CoachkitError("the result is shown once the check is finished")
        practice = self.practice
        if practice is None:  # the library's practice excerpts, whatever folder the form came from
            try:
                practice = library_sessions(kind="excerpt")
            except (CoachkitError, OSError):
                practice = ()
        return score_check(a, list(self.sheets.values()), self._given, rule=self.rule, practice=practice)

    def next_step(self, today=None) -> NextStep:
        """The retake or recheck after this learner's finished attempts, with its date."""
        a = self._need()
        forms = self.forms
        if forms is None:
            forms = tuple(check_forms()) or (self.form,)
        history = []
        if self.store is not None:
            for other in self.store.check_attempts():
                if other.stage == "done" and _same(other.rater, a.rater):
                    if other.id == a.id:
                        history.append((other, self.result()))
                    else:
                        history.append((other, _Outcome(other, self)))
        elif a.stage == "done":
            history.append((a, self.result()))
        return next_check(history, forms, rule=self.rule, today=today)

    def record(self, path: str | os.PathLike = "calibration_check.html") -> Path:
        """Write the dated HTML record of the finished attempt and return its path."""
        return check_report(self._need(), self.result(), path)

    def record_html(self) -> str:
        """The dated HTML record as text (for a download in the browser)."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = self.record(Path(tmp) / "calibration_check.html")
            return path.read_text(encoding="utf-8")

    def record_name(self) -> str:
        """A file name for the record: ``calibration-check-<form>-<date>.html``."""
        a = self._need()
        return f"calibration-check-{slug(a.form) or 'form'}-{a.updated[:10]}.html"

    # ---------------------------------------------------------------------------------------- storage

    def _save(self, sheet: RatingSheet) -> None:
        a = self._need()
        a.updated = _now()
        if self.store is not None:
            self.store.save(sheet)
            self._save_attempt()

    def _save_attempt(self) -> None:
        if self.store is not None and self.attempt is not None:
            self.store.save_check(self.attempt)


def _offered(session: Session | None) -> list[str]:
    return offered_markers(session) if session is not None else []


class _Outcome:
    """Another finished attempt's pass or fail, scored when asked (for next_check)."""

    def __init__(self, attempt: CheckAttempt, ctl: CheckController):
        self._attempt, self._ctl = attempt, ctl
        self._passed = None

    @property
    def passed(self) -> bool:
        if self._passed is None:
            try:
                sheets = self._ctl.store.sheets()
                given = self._ctl._given if self._attempt.form == self._ctl.form else None
                self._passed = score_check(self._attempt, sheets, given, rule=self._ctl.rule).passed
            except CoachkitError:
                self._passed = False
        return self._passed

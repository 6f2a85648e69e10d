"""The ratings store: every rating sheet and calibration-check attempt a learner saves, kept so that no
mark is ever lost.

SQLite through the standard library (:mod:`coachkit._sqlite`: one transaction per save, a busy timeout
and retries so "database is locked" never reaches the user), or PostgreSQL through psycopg for a group on
JupyterHub (a ``postgresql://`` URL; :mod:`coachkit._pg` and ``docs/cohort-mode.md``). This module is the
store's API; the SQL is written once against the backend seam (:mod:`coachkit._backend`), and the export
file format is :mod:`coachkit.exports`.

Where the store lives (``location=None``): ``COACHKIT_DB_URL``, else ``ratings.sqlite3`` in
``COACHKIT_HOME``, else in the user data folder (see :mod:`coachkit.settings`).

Reading never fails on one bad row: a sheet the kit cannot read (written by raw SQL, or damaged) is left
out and named in :attr:`RatingStore.skipped`. On PostgreSQL every sheet carries the database role that
saved it (``RatingSheet.owner``); sheets and attempts that arrived through :meth:`RatingStore.import_file`
are marked ``imported``.

>>> import tempfile, os
>>> from coachkit.model import RatingSheet
>>> folder = tempfile.mkdtemp()
>>> store = RatingStore(os.path.join(folder, "ratings.sqlite3"))
>>> sheet = RatingSheet(session_id="demo", rater="ana", rater_id="r1")
>>> sheet.mark("4.1", True, evidence=["u12"])
>>> store.save(sheet)
>>> [s.marks["4.1"].evidence for s in store.sheets(rater="ana")]
[('u12',)]
>>> store.close()
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import settings
from ._backend import BUSY_SECONDS, SCHEMA_VERSION, Backend
from ._pg import PostgresBackend
from ._rows import (
    CHECK_COLUMNS,
    SHEET_COLUMNS,
    UPSERT_MARK,
    Member,
    mark_row,
    mark_tuples,
    sheet_from_row,
    sheet_row,
    shown,
)
from ._sqlite import SQLiteBackend
from .errors import CoachkitError
from .exports import (
    EXPORT_FORMAT,
    attempt_from_dict,
    attempt_to_dict,
    read_export_file,
    write_export,
)
from .library import aliases, canonical_id
from .model import CheckAttempt, RatingSheet, Session, session_from_dict, session_to_dict

__all__ = ["RatingStore", "ImportSummary", "Member", "EXPORT_FORMAT", "SCHEMA_VERSION"]


def _backend_for(location: str | os.PathLike | None) -> Backend:
    text = os.fspath(settings.db_location() if location is None else location)
    lowered = text.lower()
    if lowered.startswith(("postgresql:", "postgres:")):
        return PostgresBackend(text)
    if lowered.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif "://" in text:
        raise CoachkitError(f"unknown store location {shown(text, 80)}: give a SQLite file path or a postgresql:// URL")
    if text != ":memory:":
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / "ratings.sqlite3"
        text = str(path)
    return SQLiteBackend(text)


@dataclass(frozen=True)
class ImportSummary:
    """What :meth:`RatingStore.import_file` did (``checks``: check attempts new or updated)."""

    path: str
    added: int
    updated: int
    unchanged: int
    checks: int = 0

    def __str__(self) -> str:
        text = f"{self.path}: {self.added} new attempt(s), {self.updated} updated, {self.unchanged} already here"
        return text + (f", {self.checks} calibration check(s)" if self.checks else "")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RatingStore:
    """Where rating sheets are kept. ``location``: a SQLite file (or folder), ``:memory:``, a
    ``postgresql://user:password@host:port/database`` URL (a group's shared store: each person connects
    as their own database role and the database lets them see only their own rows, and a facilitator
    their group's), or None for the default place (``COACHKIT_DB_URL``, else ``COACHKIT_HOME``).

    ``save`` is cheap enough for every click: it writes only the marks that changed since this store
    last saved the sheet, in one transaction.
    """

    def __init__(self, location: str | os.PathLike | None = None):
        self._backend = _backend_for(location)
        #: Sheets the last read skipped because they cannot be read (one line each: which, and why).
        self.skipped: list[str] = []
        self.location = self._backend.describe()
        self._lock = threading.RLock()
        # sheet id -> (revision, {marker: (evidenced, evidence, note)}) as this store last wrote it
        self._saved: dict[str, tuple[int, dict[str, tuple]]] = {}
        self._conn = None
        try:
            self._conn = self._retry(self._backend.connect, failing=f"cannot open the ratings store {self.location}")
        except self._backend.open_errors as exc:
            raise CoachkitError(
                f"cannot open the ratings store {self.location}: {self._backend.explain(exc)}"
            ) from None
        try:
            self._retry(self._prepare)
        except self._backend.open_errors as exc:
            self._conn.close()
            raise CoachkitError(
                f"{self.location} is not a coachkit ratings store (or it is damaged): {self._backend.explain(exc)}"
            ) from None
        except BaseException:
            self._conn.close()
            raise

    # ------------------------------------------------------------------------------------- plumbing

    def __repr__(self) -> str:
        return f"RatingStore({self.location!r})"

    def __enter__(self) -> RatingStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (every save is already committed)."""
        with self._lock:
            conn = getattr(self, "_conn", None)
            if conn is not None:
                conn.close()
                self._conn = None

    def _connection(self):
        if self._conn is None:
            raise CoachkitError(f"the ratings store {self.location} is closed")
        return self._conn

    def _retry(self, action: Callable[[], Any], failing: str | None = None) -> Any:
        """Run ``action``, retrying while the database is busy (another process writing), and after
        reconnecting when a database server dropped the connection (a save is idempotent)."""
        deadline = time.monotonic() + BUSY_SECONDS
        delay = 0.005
        reconnects = 0
        while True:
            try:
                return action()
            except self._backend.retry_errors as exc:
                if self._conn is not None and reconnects < 5 and self._backend.is_disconnect(exc, self._conn):
                    reconnects += 1
                    self._reconnect()
                    continue
                if not self._backend.is_busy(exc):
                    raise self._error(exc, failing) from None
                if time.monotonic() > deadline:
                    raise CoachkitError(
                        f"the ratings store {self.location} stayed busy for {BUSY_SECONDS:.0f} s (another "
                        "program is writing to it); nothing was changed, try again"
                    ) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)

    def _error(self, exc: BaseException, failing: str | None = None) -> CoachkitError:
        """A database error as one readable line (a full disk, a refused row, anything else)."""
        prefix = failing or f"the ratings store {self.location} failed"
        if self._backend.is_full(exc):
            return CoachkitError(
                f"{prefix}: the disk holding it is full; nothing was changed (free some space and try again)"
            )
        return CoachkitError(f"{prefix}: {self._backend.explain(exc)}")

    def _reconnect(self) -> None:
        """Replace a lost server connection (called with the lock held); a failure is retried by the caller."""
        try:
            self._conn.close()
        except Exception:  # the old connection is gone anyway
            pass
        try:
            self._conn = self._backend.connect()
        except self._backend.retry_errors:
            time.sleep(0.2)  # the server may be restarting: the next attempt reconnects again

    def _once(self, body: Callable[[Any], Any]) -> Any:
        """Run ``body(conn)`` in one write transaction: committed whole, or rolled back whole."""
        conn = self._connection()
        conn.execute(self._backend.begin_write)
        try:
            result = body(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except self._backend.retry_errors:  # the connection is gone: nothing was committed
                    pass
            raise
        return result

    def _transaction(self, body: Callable[[Any], Any]) -> Any:
        with self._lock:
            try:
                return self._retry(lambda: self._once(body))
            except self._backend.refused_errors as exc:
                raise self._error(exc, "the ratings store refused this") from None
            except UnicodeEncodeError:
                raise CoachkitError("the ratings store refused this: a text in it has a broken character") from None

    def _q(self, query: str) -> str:
        return self._backend.sql(query)

    def _prepare(self) -> None:
        def body(conn):
            self._backend.before_schema(conn)
            version = self._read_version(conn)
            if version > SCHEMA_VERSION:
                raise CoachkitError(
                    f"the ratings store {self.location} was made by a newer coachkit (schema {version}, this "
                    f"one knows up to {SCHEMA_VERSION}); upgrade coachkit to open it"
                )
            if version == SCHEMA_VERSION:
                return
            if version not in range(SCHEMA_VERSION):
                raise CoachkitError(f"the ratings store {self.location} has unknown schema version {version}")
            for statement in self._backend.schema_steps(version):
                conn.execute(statement)
            conn.execute(
                self._q(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                (str(SCHEMA_VERSION),),
            )
            self._backend.after_schema(conn, SCHEMA_VERSION)

        with self._lock:
            self._once(body)

    def _read_version(self, conn) -> int:
        if self._backend.has_table(conn, "meta"):
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row:
                text = str(row[0]).strip()
                if not (text.isdigit() and len(text) <= 6):
                    raise CoachkitError(
                        f"the ratings store {self.location} has an unreadable schema version {shown(text, 20)} "
                        "(not a whole number): it was changed by hand or is damaged"
                    )
                return int(text)
        legacy = self._backend.legacy_version(conn)
        if legacy:
            return legacy
        if self._backend.table_count(conn):
            raise CoachkitError(f"{self.location} is a database, but not a coachkit ratings store")
        return 0

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self._lock:
            return self._read_version(self._connection())

    # ---------------------------------------------------------------------------------------- saving

    def save(self, sheet: RatingSheet) -> None:
        """Save the sheet and its marks in one transaction; saving the same sheet again updates it.

        A new RatingSheet for a session already rated is a new attempt (its own id), so history is kept.
        The store supplies this installation's stable rater id when the sheet has none.
        """
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"the store saves RatingSheets, not {type(sheet).__name__}")
        if not sheet.rater_id:
            sheet.rater_id = settings.rater_id()
        row = sheet_row(sheet)
        # Marks as plain tuples (evidence still a tuple): cheap to compare with what was saved last time.
        marks = mark_tuples(sheet)
        cached = self._saved.get(sheet.id)

        def body(conn):
            if cached is not None:
                cur = conn.execute(
                    self._q(
                        "UPDATE sheets SET session_id = ?, rater = ?, rater_id = ?, group_name = ?, level_call = ?, "
                        "ethics_observed = ?, comments = ?, finished = ?, created = ?, updated = ?, "
                        "competency_calls = ?, key_version = ?, imported = ?, saved_at = ?, "
                        "revision = revision + 1 WHERE id = ? AND revision = ?"
                    ),
                    (*row, sheet.id, cached[0]),
                )
                if cur.rowcount == 1:
                    old = cached[1]
                    changed = [mark_row(sheet.id, m, v) for m, v in marks.items() if old.get(m) != v]
                    gone = [(sheet.id, m) for m in old if m not in marks]
                    if changed:
                        conn.executemany(self._q(UPSERT_MARK), changed)
                    if gone:
                        conn.executemany(self._q("DELETE FROM marks WHERE sheet_id = ? AND marker = ?"), gone)
                    return cached[0] + 1
            return self._write_whole(conn, sheet.id, row, marks)

        revision = self._transaction(body)
        self._saved[sheet.id] = (revision, marks)

    def _write_whole(self, conn, sheet_id: str, row: tuple, marks: dict) -> int:
        conn.execute(
            self._q(
                f"INSERT INTO sheets ({SHEET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
                "ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, rater = excluded.rater, "
                "rater_id = excluded.rater_id, group_name = excluded.group_name, level_call = excluded.level_call, "
                "ethics_observed = excluded.ethics_observed, comments = excluded.comments, "
                "finished = excluded.finished, created = excluded.created, updated = excluded.updated, "
                "competency_calls = excluded.competency_calls, key_version = excluded.key_version, "
                "imported = excluded.imported, saved_at = excluded.saved_at, revision = sheets.revision + 1"
            ),
            (sheet_id, *row),
        )
        conn.execute(self._q("DELETE FROM marks WHERE sheet_id = ?"), (sheet_id,))
        conn.executemany(self._q(UPSERT_MARK), [mark_row(sheet_id, m, v) for m, v in marks.items()])
        return int(conn.execute(self._q("SELECT revision FROM sheets WHERE id = ?"), (sheet_id,)).fetchone()[0])

    # --------------------------------------------------------------------------------------- reading

    def _read(self, sql: str, params: tuple, marks_of: bool) -> tuple[list, dict]:
        """Rows of ``sql`` (and, with ``marks_of``, the marks of those sheets) from one consistent snapshot."""

        def read():
            conn = self._connection()
            conn.execute(self._backend.begin_read)
            try:
                rows = conn.execute(self._q(sql), params).fetchall()
                ids = [r[0] for r in rows] if marks_of else []
                marks: dict[str, list] = {i: [] for i in ids}
                for chunk in range(0, len(ids), 500):
                    part = ids[chunk : chunk + 500]
                    marks_sql = (
                        "SELECT sheet_id, marker, evidenced, evidence, note FROM marks WHERE sheet_id IN "
                        f"({', '.join('?' * len(part))})"
                    )
                    for m in conn.execute(self._q(marks_sql), part):
                        marks[m[0]].append(m[1:])
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
            return rows, marks

        with self._lock:
            return self._retry(read)

    def _query_sheets(self, where: str, params: tuple, order: str, limit: int | None = None) -> list[RatingSheet]:
        owner = ", owner" if self._backend.has_owner else ", ''"
        sql = f"SELECT {SHEET_COLUMNS}{owner} FROM sheets{where} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows, marks = self._read(sql, params, marks_of=True)
        names = self._aliases()
        found, skipped = [], []
        for r in rows:
            try:
                found.append(sheet_from_row(r, marks[r[0]], r[-1], names))
            except (CoachkitError, ValueError, TypeError, KeyError) as exc:
                who = f" (saved by {shown(r[-1], 40)})" if r[-1] else ""
                reason = str(exc) if isinstance(exc, CoachkitError) else "a value in it is not in the kit's shape"
                skipped.append(f"sheet {shown(r[0])}{who} left out: {reason[:300]}")
        self.skipped = skipped
        return found

    @staticmethod
    def _aliases() -> dict[str, str]:
        try:
            return aliases()
        except Exception:  # a broken alias file in a library folder never hides the ratings (it is named there)
            return {}

    def _session_ids(self, session_id: str) -> list[str]:
        """The session's current id and every old id that maps to it (aliases.yaml)."""
        current = canonical_id(session_id)
        return [current, *sorted(old for old, new in self._aliases().items() if new == current and old != current)]

    def _filter(self, **columns) -> tuple[str, tuple]:
        clauses, params = [], []
        for column, value in columns.items():
            if value is None:
                continue
            if column == "session_id":
                ids = self._session_ids(value)
                clauses.append(f"session_id IN ({', '.join('?' * len(ids))})")
                params.extend(ids)
            else:
                clauses.append(f"{column} = ?")
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params)

    def sheets(
        self,
        rater: str | None = None,
        session_id: str | None = None,
        group: str | None = None,
        rater_id: str | None = None,
    ) -> list[RatingSheet]:
        """Saved sheets, oldest first, optionally only one rater's (display name or stable id), one
        session's (its old ids included), or one group's (cohort). A sheet that cannot be read is left out
        and named in :attr:`skipped`."""
        where, params = self._filter(rater=rater, session_id=session_id, group_name=group, rater_id=rater_id)
        return self._query_sheets(where, params, "created, saved_at, id")

    def resume(self, rater: str, session_id: str) -> RatingSheet | None:
        """The rater's latest unfinished sheet for this session (an old session id finds it too), or None."""
        where, params = self._filter(rater=rater, session_id=session_id)
        found = self._query_sheets(where + " AND finished = 0", params, "updated DESC, saved_at DESC, id DESC")
        return found[0] if found else None

    def __len__(self) -> int:
        with self._lock:
            return int(self._retry(lambda: self._connection().execute("SELECT count(*) FROM sheets").fetchone()[0]))

    def members(self, group: str | None = None) -> list[Member]:
        """The cohort's member list as this role may read it (a facilitator: the groups they facilitate;
        a participant: their own rows), optionally one group's; [] for a store without one (SQLite)."""
        with self._lock:
            rows = self._retry(lambda: self._backend.members(self._connection(), group))
        return [Member(r[0], r[1], r[2] or "", bool(r[3])) for r in rows]

    # ------------------------------------------------------------------------------ calibration checks

    def save_check(self, attempt: CheckAttempt) -> None:
        """Save a calibration-check attempt (its stage, draw and sheet ids); saving it again updates it.
        The store supplies this installation's stable rater id when the attempt has none."""
        if not isinstance(attempt, CheckAttempt):
            raise CoachkitError(f"save_check saves a CheckAttempt, not {type(attempt).__name__}")
        if not attempt.rater_id:
            attempt.rater_id = settings.rater_id()
        data = attempt_to_dict(attempt_from_dict(attempt_to_dict(attempt)))  # checked like a file's
        self._transaction(lambda conn: self._write_check(conn, data, attempt.imported))

    def _write_check(self, conn, data: dict, imported: bool) -> None:
        conn.execute(
            self._q(
                f"INSERT INTO checks ({CHECK_COLUMNS}, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET rater = excluded.rater, rater_id = excluded.rater_id, "
                "form = excluded.form, draw = excluded.draw, stage = excluded.stage, sheet_ids = excluded.sheet_ids, "
                "started = excluded.started, updated = excluded.updated, imported = excluded.imported, "
                "saved_at = excluded.saved_at"
            ),
            (
                data["id"], data["rater"], data["rater_id"], data["form"], json.dumps(data["draw"]), data["stage"],
                json.dumps(data["sheet_ids"]), data["started"], data["updated"], int(bool(imported)), time.time(),
            ),
        )

    def check_attempts(self, rater: str | None = None, form: str | None = None) -> list[CheckAttempt]:
        """Saved calibration-check attempts, oldest first, optionally one rater's or one form's. An attempt
        that cannot be read is left out and named in :attr:`skipped`."""
        where, params = self._filter(rater=rater, form=form)
        rows, _ = self._read(f"SELECT {CHECK_COLUMNS} FROM checks{where} ORDER BY started, saved_at, id", params, False)
        names = self._aliases()
        found, skipped = [], []
        for r in rows:
            try:
                data = dict(zip(CHECK_COLUMNS.split(", ")[:-1], r[:-1], strict=True))
                data["draw"], data["sheet_ids"] = json.loads(data["draw"]), json.loads(data["sheet_ids"])
                attempt = attempt_from_dict(data, names)
                attempt.imported = bool(r[-1])
                found.append(attempt)
            except (CoachkitError, ValueError, TypeError) as exc:
                reason = str(exc) if isinstance(exc, CoachkitError) else "a value in it is not in the kit's shape"
                skipped.append(f"check attempt {shown(r[0])} left out: {reason[:300]}")
        self.skipped = skipped
        return found

    def resume_check(self, rater: str, form: str) -> CheckAttempt | None:
        """The rater's latest unfinished attempt at this form (stage, draw and sheet ids as saved), or None."""
        open_ones = [a for a in self.check_attempts(rater=rater, form=form) if a.stage != "done"]
        return max(open_ones, key=lambda a: (a.updated, a.started), default=None)

    # ------------------------------------------------------------------------------------ sessions

    def keep_session(self, session: Session) -> None:
        """Keep an imported session's transcript, cue times and key (if any) in the store, replacing an older copy."""
        if not isinstance(session, Session):
            raise CoachkitError(f"keep_session needs a Session, not {type(session).__name__}")
        data = json.dumps(session_to_dict(session), ensure_ascii=False)
        self._transaction(
            lambda conn: conn.execute(
                self._q(
                    "INSERT INTO sessions (id, data, kept) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
                    "SET data = excluded.data, kept = excluded.kept"
                ),
                (session.id, data, _now()),
            )
        )

    def session(self, session_id: str) -> Session | None:
        """A kept session, or None (also when the kept copy cannot be read)."""
        with self._lock:
            row = self._retry(
                lambda: (
                    self._connection()
                    .execute(self._q("SELECT data FROM sessions WHERE id = ?"), (session_id,))
                    .fetchone()
                )
            )
        if row is None:
            return None
        try:
            return session_from_dict(json.loads(row[0]))
        except (ValueError, TypeError, KeyError, IndexError):
            raise CoachkitError(f"the kept copy of session {shown(session_id)} is damaged: import it again") from None

    def kept_sessions(self) -> list[str]:
        """The ids of the sessions kept in the store."""
        with self._lock:
            rows = self._retry(lambda: self._connection().execute("SELECT id FROM sessions ORDER BY id").fetchall())
        return [r[0] for r in rows]

    def forget(self, session_id: str) -> int:
        """Delete every rating made from this session (under its old ids too), and its kept transcript;
        returns the number of sheets deleted."""
        ids = self._session_ids(session_id) if session_id == canonical_id(session_id) else [session_id]
        marks = ", ".join("?" * len(ids))

        def body(conn):
            conn.execute(
                self._q(f"DELETE FROM marks WHERE sheet_id IN (SELECT id FROM sheets WHERE session_id IN ({marks}))"),
                ids,
            )
            n = conn.execute(self._q(f"DELETE FROM sheets WHERE session_id IN ({marks})"), ids).rowcount
            conn.execute(self._q("DELETE FROM sessions WHERE id = ?"), (session_id,))
            return n

        n = self._transaction(body)
        self._saved.clear()
        return n

    # ---------------------------------------------------------------------------------- export/import

    def export(self, path: str | os.PathLike, rater: str | None = None, session_id: str | None = None) -> Path:
        """Write the sheets (optionally one rater's or one session's) to ``path``: a ``.json`` file in the
        versioned format :data:`EXPORT_FORMAT` (with this installation's stable rater id and, unless one
        session was asked for, the rater's calibration-check attempts), or a ``.csv`` with one row per
        mark for spreadsheet users. Returns the path."""
        sheets = self.sheets(rater=rater, session_id=session_id)
        attempts = [] if session_id is not None else self.check_attempts(rater=rater)
        return write_export(path, sheets, settings.rater_id(), attempts)

    def import_file(self, path: str | os.PathLike) -> ImportSummary:
        """Import a ratings export (``coachkit-ratings/1`` or ``/2``). The whole file is checked first: a
        damaged or foreign file is a CoachkitError naming it, and the store is left untouched. Importing the
        same file again changes nothing; a sheet or attempt already here is replaced only by a newer version
        of itself. What is imported is marked ``imported`` (not vouched for by this store)."""
        source = Path(path).expanduser()
        found = read_export_file(source)

        def body(conn):
            added = updated = unchanged = checks = 0
            for sheet in found.sheets:
                row = conn.execute(self._q("SELECT updated FROM sheets WHERE id = ?"), (sheet.id,)).fetchone()
                if row is not None and row[0] >= sheet.updated:
                    unchanged += 1
                    continue
                self._write_whole(conn, sheet.id, sheet_row(sheet), mark_tuples(sheet))
                added, updated = (added + 1, updated) if row is None else (added, updated + 1)
            for attempt in found.attempts:
                row = conn.execute(self._q("SELECT updated FROM checks WHERE id = ?"), (attempt.id,)).fetchone()
                if row is None or row[0] < attempt.updated:
                    self._write_check(conn, attempt_to_dict(attempt), True)
                    checks += 1
            return added, updated, unchanged, checks

        added, updated, unchanged, checks = self._transaction(body)
        self._saved.clear()
        return ImportSummary(str(source), added, updated, unchanged, checks)

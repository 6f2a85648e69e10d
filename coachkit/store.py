"""The ratings store: every rating sheet a learner saves, kept so that no mark is ever lost.

SQLite through the standard library (WAL journal, one transaction per save, a busy timeout and retries
so "database is locked" never reaches the user), or PostgreSQL through psycopg for a group on JupyterHub
(``postgresql://`` URL; see :mod:`coachkit._pg` and ``docs/cohort-mode.md``). The SQL is written once
against a small backend seam (:class:`_Backend`: connection factory, parameter style, how a transaction
starts, how the schema version is kept); both backends share one schema and one migration story.

Where the store lives (``location=None``): ``COACHKIT_DB_URL``, else ``ratings.sqlite3`` in
``COACHKIT_HOME``, else in the user data folder (see :mod:`coachkit.settings`).

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

import csv
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import CoachkitError
from .model import AnswerKey, Decision, Mark, RatingSheet, Session, Utterance

__all__ = ["RatingStore", "ImportSummary", "EXPORT_FORMAT", "SCHEMA_VERSION"]

#: The version tag of an exported ratings file.
EXPORT_FORMAT = "coachkit-ratings/1"
#: The store's schema version (recorded in the database; older stores are migrated when opened).
SCHEMA_VERSION = 2
#: How long a save keeps retrying a busy database before it gives up with a readable error.
_BUSY_SECONDS = 60.0

# ------------------------------------------------------------------------------------------------ schema
# Version 1 (coachkit 0.0.x): sheets (no group, no ethics_observed) and marks; version in PRAGMA user_version.
# Version 2: sheets gain group_name, ethics_observed, revision and saved_at; a sessions table keeps
#            imported transcripts; a meta table records the version (portable to PostgreSQL).
# PostgreSQL stores start at version 2 with the same tables, plus what a shared database needs on top
# (an owner column on every row, row-level security, the cohort membership table): see coachkit/_pg.py.

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sheets (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        rater TEXT NOT NULL,
        rater_id TEXT NOT NULL,
        group_name TEXT NOT NULL DEFAULT '',
        level_call TEXT,
        ethics_observed INTEGER,
        comments TEXT NOT NULL DEFAULT '',
        finished INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        saved_at REAL NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS marks (
        sheet_id TEXT NOT NULL REFERENCES sheets(id) ON DELETE CASCADE,
        marker TEXT NOT NULL,
        evidenced INTEGER,
        evidence TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (sheet_id, marker))""",
    """CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        kept TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS sheets_by_session ON sheets (session_id, rater)",
    "CREATE INDEX IF NOT EXISTS sheets_by_rater ON sheets (rater, session_id)",
]

_MIGRATE_1_TO_2 = [
    "ALTER TABLE sheets ADD COLUMN group_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE sheets ADD COLUMN ethics_observed INTEGER",
    "ALTER TABLE sheets ADD COLUMN revision INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE sheets ADD COLUMN saved_at REAL NOT NULL DEFAULT 0",
    *_SCHEMA,
]

_SHEET_COLUMNS = (
    "id, session_id, rater, rater_id, group_name, level_call, ethics_observed, comments, finished, "
    "created, updated, revision, saved_at"
)


# ------------------------------------------------------------------------------------------ backend seam


class _Backend:
    """What differs between databases. SQL in this module is written with ``?`` placeholders and the
    standard ``INSERT ... ON CONFLICT ... DO UPDATE`` upsert, which SQLite and PostgreSQL share.

    A connection must offer ``execute(sql, params) -> cursor``, ``executemany``, ``in_transaction`` and
    ``close`` (sqlite3's do; :mod:`coachkit._pg` wraps psycopg's)."""

    name = "base"
    placeholder = "?"
    begin_write = "BEGIN"
    begin_read = "BEGIN"
    #: Errors the store turns into a readable CoachkitError (retrying first when the database is busy).
    retry_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    #: Errors meaning "this is not a database the store can open".
    open_errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError, OSError)

    def connect(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def sql(self, query: str) -> str:
        return query if self.placeholder == "?" else query.replace("?", self.placeholder)

    def is_busy(self, exc: BaseException) -> bool:
        return False

    def is_disconnect(self, exc: BaseException, conn) -> bool:
        """True when the connection to a database server was lost (the store reconnects and retries)."""
        return False

    def explain(self, exc: BaseException) -> str:
        """The database's error as text for the user (never holding a password)."""
        return str(exc)

    def legacy_version(self, conn) -> int:
        """The schema version of a store made before the meta table existed (0: none)."""
        return 0

    def has_table(self, conn, name: str) -> bool:
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone())

    def table_count(self, conn) -> int:
        return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])

    def before_schema(self, conn) -> None:
        """Called first in the transaction that checks (and creates or migrates) the schema."""

    def schema_steps(self, version: int) -> list[str]:
        """The statements that bring a store at ``version`` (0: empty) to :data:`SCHEMA_VERSION`."""
        return list(_SCHEMA if version == 0 else _MIGRATE_1_TO_2)

    def after_schema(self, conn, version: int) -> None:
        """Called after the schema was created or migrated, in the same transaction."""

    def describe(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class _SQLite(_Backend):
    name = "sqlite"
    placeholder = "?"
    begin_write = "BEGIN IMMEDIATE"  # take the write lock up front: no lock upgrade deadlocks

    def __init__(self, path: str):
        self.path = path

    def describe(self) -> str:
        return self.path

    def connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_SECONDS * 1000)}")
        if self.path != ":memory:":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.close()
                raise sqlite3.OperationalError(f"database is locked (journal mode stayed {mode})")
        # FULL: a save that returned survives a crash of the whole machine, not only of the process.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def is_busy(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)

    def legacy_version(self, conn) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def after_schema(self, conn, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")


def _backend_for(location: str | os.PathLike | None) -> _Backend:
    if location is None:
        from .settings import db_location

        location = db_location()
    text = os.fspath(location)
    lowered = text.lower()
    if lowered.startswith(("postgresql:", "postgres:")):
        from ._pg import _Postgres

        return _Postgres(text)
    if lowered.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif "://" in text:
        raise CoachkitError(f"unknown store location {text!r}: give a SQLite file path or a postgresql:// URL")
    if text != ":memory:":
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / "ratings.sqlite3"
        text = str(path)
    return _SQLite(text)


# ---------------------------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class ImportSummary:
    """What :meth:`RatingStore.import_file` did."""

    path: str
    added: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.path}: {self.added} new attempt(s), {self.updated} updated, {self.unchanged} already here"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bool_or_none(value) -> bool | None:
    return None if value is None else bool(value)


def _int_or_none(value) -> int | None:
    return None if value is None else int(bool(value))


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
        deadline = time.monotonic() + _BUSY_SECONDS
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
                    prefix = failing or f"the ratings store {self.location} failed"
                    raise CoachkitError(f"{prefix}: {self._backend.explain(exc)}") from None
                if time.monotonic() > deadline:
                    raise CoachkitError(
                        f"the ratings store {self.location} stayed busy for {_BUSY_SECONDS:.0f} s (another "
                        "program is writing to it); nothing was changed, try again"
                    ) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)

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
            return self._retry(lambda: self._once(body))

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
            if version not in (0, 1):
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
                return int(row[0])
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
        """
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"the store saves RatingSheets, not {type(sheet).__name__}")
        if not sheet.rater_id:
            # The store supplies this installation's stable rater id; the data type never makes files.
            from .settings import rater_id

            sheet.rater_id = rater_id()
        row = _sheet_row(sheet)
        # Marks as plain tuples (evidence still a tuple): cheap to compare with what was saved last time.
        marks = _mark_tuples(sheet)
        cached = self._saved.get(sheet.id)

        def body(conn):
            if cached is not None:
                cur = conn.execute(
                    self._q(
                        "UPDATE sheets SET session_id = ?, rater = ?, rater_id = ?, group_name = ?, level_call = ?, "
                        "ethics_observed = ?, comments = ?, finished = ?, created = ?, updated = ?, saved_at = ?, "
                        "revision = revision + 1 WHERE id = ? AND revision = ?"
                    ),
                    (*row, sheet.id, cached[0]),
                )
                if cur.rowcount == 1:
                    old = cached[1]
                    changed = [_mark_row(sheet.id, m, v) for m, v in marks.items() if old.get(m) != v]
                    gone = [(sheet.id, m) for m in old if m not in marks]
                    if changed:
                        conn.executemany(self._q(_UPSERT_MARK), changed)
                    if gone:
                        conn.executemany(self._q("DELETE FROM marks WHERE sheet_id = ? AND marker = ?"), gone)
                    return cached[0] + 1
            return self._write_whole(conn, sheet.id, row, marks)

        revision = self._transaction(body)
        self._saved[sheet.id] = (revision, marks)

    def _write_whole(self, conn, sheet_id: str, row: tuple, marks: dict) -> int:
        conn.execute(
            self._q(
                f"INSERT INTO sheets ({_SHEET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
                "ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, rater = excluded.rater, "
                "rater_id = excluded.rater_id, group_name = excluded.group_name, level_call = excluded.level_call, "
                "ethics_observed = excluded.ethics_observed, comments = excluded.comments, "
                "finished = excluded.finished, created = excluded.created, updated = excluded.updated, "
                "saved_at = excluded.saved_at, revision = sheets.revision + 1"
            ),
            (sheet_id, *row[:10], row[10]),
        )
        conn.execute(self._q("DELETE FROM marks WHERE sheet_id = ?"), (sheet_id,))
        conn.executemany(self._q(_UPSERT_MARK), [_mark_row(sheet_id, m, v) for m, v in marks.items()])
        return int(conn.execute(self._q("SELECT revision FROM sheets WHERE id = ?"), (sheet_id,)).fetchone()[0])

    # --------------------------------------------------------------------------------------- reading

    def _query_sheets(self, where: str, params: tuple, order: str, limit: int | None = None) -> list[RatingSheet]:
        with self._lock:
            sql = f"SELECT {_SHEET_COLUMNS} FROM sheets{where} ORDER BY {order}"
            if limit:
                sql += f" LIMIT {int(limit)}"

            def read():
                conn = self._connection()
                conn.execute(self._backend.begin_read)  # one consistent snapshot for sheets and their marks
                try:
                    rows = conn.execute(self._q(sql), params).fetchall()
                    ids = [r[0] for r in rows]
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

            rows, marks = self._retry(read)
        return [self._sheet_from_row(r, marks[r[0]]) for r in rows]

    @staticmethod
    def _sheet_from_row(r, mark_rows) -> RatingSheet:
        def order(m):
            head, _, tail = m[0].partition(".")
            return (int(head), int(tail)) if head.isdigit() and tail.isdigit() else (99, 0)

        marks = {
            marker: Mark(_bool_or_none(evidenced), tuple(json.loads(evidence)), note)
            for marker, evidenced, evidence, note in sorted(mark_rows, key=order)
        }
        return RatingSheet(
            session_id=r[1],
            rater=r[2],
            id=r[0],
            rater_id=r[3],
            group=r[4],
            level_call=r[5],
            ethics_observed=_bool_or_none(r[6]),
            comments=r[7],
            finished=bool(r[8]),
            created=r[9],
            updated=r[10],
            marks=marks,
        )

    def sheets(
        self,
        rater: str | None = None,
        session_id: str | None = None,
        group: str | None = None,
        rater_id: str | None = None,
    ) -> list[RatingSheet]:
        """Saved sheets, oldest first, optionally only one rater's (display name or stable id), one
        session's, or one group's (cohort)."""
        clauses, params = [], []
        for column, value in (
            ("rater", rater),
            ("session_id", session_id),
            ("group_name", group),
            ("rater_id", rater_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._query_sheets(where, tuple(params), "created, saved_at, id")

    def resume(self, rater: str, session_id: str) -> RatingSheet | None:
        """The rater's latest unfinished sheet for this session, or None (then start a new one)."""
        found = self._query_sheets(
            " WHERE rater = ? AND session_id = ? AND finished = 0",
            (rater, session_id),
            "updated DESC, saved_at DESC, id DESC",
            limit=1,
        )
        return found[0] if found else None

    def __len__(self) -> int:
        with self._lock:
            return int(self._retry(lambda: self._connection().execute("SELECT count(*) FROM sheets").fetchone()[0]))

    # ------------------------------------------------------------------------------------ sessions

    def keep_session(self, session: Session) -> None:
        """Keep an imported session's transcript (and key, if any) in the store, replacing an older copy."""
        if not isinstance(session, Session):
            raise CoachkitError(f"keep_session needs a Session, not {type(session).__name__}")
        data = json.dumps(_session_to_dict(session), ensure_ascii=False)
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
        """A kept session, or None."""
        with self._lock:
            row = self._retry(
                lambda: (
                    self._connection()
                    .execute(self._q("SELECT data FROM sessions WHERE id = ?"), (session_id,))
                    .fetchone()
                )
            )
        return None if row is None else _session_from_dict(json.loads(row[0]))

    def kept_sessions(self) -> list[str]:
        """The ids of the sessions kept in the store."""
        with self._lock:
            rows = self._retry(lambda: self._connection().execute("SELECT id FROM sessions ORDER BY id").fetchall())
        return [r[0] for r in rows]

    def forget(self, session_id: str) -> int:
        """Delete every rating made from this session, and its kept transcript; returns the number of
        sheets deleted."""

        def body(conn):
            conn.execute(
                self._q("DELETE FROM marks WHERE sheet_id IN (SELECT id FROM sheets WHERE session_id = ?)"),
                (session_id,),
            )
            n = conn.execute(self._q("DELETE FROM sheets WHERE session_id = ?"), (session_id,)).rowcount
            conn.execute(self._q("DELETE FROM sessions WHERE id = ?"), (session_id,))
            return n

        n = self._transaction(body)
        self._saved.clear()
        return n

    # ---------------------------------------------------------------------------------- export/import

    def export(self, path: str | os.PathLike, rater: str | None = None, session_id: str | None = None) -> Path:
        """Write the sheets (optionally one rater's or one session's) to ``path``: a ``.json`` file in the
        versioned format ``coachkit-ratings/1`` (with this installation's stable rater id), or a ``.csv``
        with one row per mark for spreadsheet users. Returns the path."""
        from .settings import rater_id

        target = Path(path).expanduser()
        suffix = target.suffix.lower()
        if suffix not in (".json", ".csv"):
            raise CoachkitError(f"export to {target.name!r}: the file name must end in .json or .csv")
        sheets = self.sheets(rater=rater, session_id=session_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        try:
            if suffix == ".json":
                document = {
                    "format": EXPORT_FORMAT,
                    "exported": _now(),
                    "rater_id": rater_id(),
                    "sheets": [s.to_dict() for s in sheets],
                }
                tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            else:
                with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
                    _write_csv(handle, sheets)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CoachkitError(f"cannot write {target}: {exc.strerror or exc}") from None
        return target

    def import_file(self, path: str | os.PathLike) -> ImportSummary:
        """Import a ``coachkit-ratings/1`` JSON export. The whole file is checked first: a damaged or
        foreign file is a CoachkitError naming it, and the store is left untouched. Importing the same
        file again changes nothing; a sheet already here is replaced only by a newer version of itself."""
        source = Path(path).expanduser()
        sheets = _read_export(source)

        def body(conn):
            added = updated = unchanged = 0
            for sheet in sheets:
                row = conn.execute(self._q("SELECT updated FROM sheets WHERE id = ?"), (sheet.id,)).fetchone()
                if row is not None and row[0] >= sheet.updated:
                    unchanged += 1
                    continue
                self._write_whole(conn, sheet.id, _sheet_row(sheet), _mark_tuples(sheet))
                if row is None:
                    added += 1
                else:
                    updated += 1
            return added, updated, unchanged

        added, updated, unchanged = self._transaction(body)
        self._saved.clear()
        return ImportSummary(str(source), added, updated, unchanged)


def _mark_row(sheet_id: str, marker: str, mark: tuple) -> tuple:
    evidenced, evidence, note = mark
    return sheet_id, marker, _int_or_none(evidenced), json.dumps(list(evidence)), note


_UPSERT_MARK = (
    "INSERT INTO marks (sheet_id, marker, evidenced, evidence, note) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (sheet_id, marker) DO UPDATE SET evidenced = excluded.evidenced, "
    "evidence = excluded.evidence, note = excluded.note"
)

_CSV_COLUMNS = [
    "sheet_id",
    "session_id",
    "rater",
    "rater_id",
    "group",
    "created",
    "updated",
    "finished",
    "level_call",
    "ethics_observed",
    "marker",
    "evidenced",
    "evidence",
    "note",
]


def _sheet_row(sheet: RatingSheet) -> tuple:
    """A sheet's own columns, in the order the sheets table takes them (saved_at last)."""
    return (
        sheet.session_id,
        sheet.rater,
        sheet.rater_id,
        sheet.group or "",
        sheet.level_call,
        _int_or_none(sheet.ethics_observed),
        sheet.comments or "",
        int(bool(sheet.finished)),
        sheet.created,
        sheet.updated,
        time.time(),
    )


def _mark_tuples(sheet: RatingSheet) -> dict[str, tuple]:
    return {m: (k.evidenced, k.evidence, k.note) for m, k in sheet.marks.items()}


def _yes_no(value: bool | None, none: str = "") -> str:
    return none if value is None else ("yes" if value else "no")


def _write_csv(handle, sheets: Iterable[RatingSheet]) -> None:
    writer = csv.writer(handle)
    writer.writerow(_CSV_COLUMNS)
    for s in sheets:
        head = [
            s.id,
            s.session_id,
            s.rater,
            s.rater_id,
            s.group,
            s.created,
            s.updated,
            _yes_no(s.finished),
            s.level_call or "",
            _yes_no(s.ethics_observed),
        ]
        if not s.marks:
            writer.writerow([*head, "", "", "", ""])
        for marker, m in s.marks.items():
            writer.writerow([*head, marker, _yes_no(m.evidenced, "unsure"), " ".join(m.evidence), m.note])


def _read_export(source: Path) -> list[RatingSheet]:
    """Read and check a whole export file; any problem is a CoachkitError naming the file."""
    if source.suffix.lower() == ".csv":
        raise CoachkitError(f"{source}: import reads the .json export; the .csv is for spreadsheets only")
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CoachkitError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CoachkitError(f"{source}: cannot read it as a ratings export ({exc})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CoachkitError(f"{source}:{exc.lineno}: not a coachkit ratings export (broken JSON: {exc.msg})") from None
    except RecursionError:
        raise CoachkitError(f"{source}: not a coachkit ratings export (nested too deeply)") from None
    if not isinstance(document, dict) or "format" not in document:
        raise CoachkitError(f"{source}: not a coachkit ratings export (no 'format' field)")
    fmt = document["format"]
    if fmt != EXPORT_FORMAT:
        if isinstance(fmt, str) and fmt.startswith("coachkit-ratings/"):
            raise CoachkitError(f"{source}: format {fmt!r} is newer than this coachkit reads ({EXPORT_FORMAT!r})")
        raise CoachkitError(f"{source}: not a coachkit ratings export (format {fmt!r})")
    if not isinstance(document.get("rater_id"), str) or not isinstance(document.get("sheets"), list):
        raise CoachkitError(f"{source}: a ratings export needs 'rater_id' (text) and 'sheets' (a list)")
    sheets, seen = [], set()
    for i, item in enumerate(document["sheets"], start=1):
        try:
            sheet = RatingSheet.from_dict(item)
        except CoachkitError as exc:
            raise CoachkitError(f"{source}: sheet {i}: {exc}") from None
        if sheet.id in seen:
            raise CoachkitError(f"{source}: sheet {i}: the id {sheet.id!r} appears twice")
        seen.add(sheet.id)
        sheets.append(sheet)
    return sheets


# ------------------------------------------------------------------------------- sessions as plain data


def _session_to_dict(s: Session) -> dict:
    key = None
    if s.key is not None:
        key = {
            "level": s.key.level,
            "summary": s.key.summary,
            "version": s.key.version,
            "assessor": s.key.assessor,
            "decisions": {
                m: {
                    "evidenced": d.evidenced,
                    "evidence": list(d.evidence),
                    "note": d.note,
                    "opportunity": list(d.opportunity),
                }
                for m, d in s.key.decisions.items()
            },
        }
    return {
        "id": s.id,
        "title": s.title,
        "kind": s.kind,
        "level": s.level,
        "focus": list(s.focus),
        "topic": s.topic,
        "source": s.source,
        "notes": list(s.notes),
        "description": s.description,
        "utterances": [[u.id, u.speaker, u.name, u.start, u.end, u.text] for u in s.utterances],
        "key": key,
        "meta": dict(getattr(s, "meta", {}) or {}),
    }


def _session_from_dict(d: dict) -> Session:
    key = None
    if d.get("key"):
        k = d["key"]
        key = AnswerKey(
            level=k["level"],
            summary=k["summary"],
            version=k["version"],
            assessor=k.get("assessor", ""),
            decisions={
                m: Decision(v["evidenced"], tuple(v["evidence"]), v["note"], tuple(v["opportunity"]))
                for m, v in k["decisions"].items()
            },
        )
    return Session(
        id=d["id"],
        title=d["title"],
        kind=d["kind"],
        level=d["level"],
        focus=tuple(d["focus"]),
        topic=d["topic"],
        utterances=tuple(Utterance(*u) for u in d["utterances"]),
        key=key,
        source=d.get("source"),
        notes=tuple(d.get("notes", ())),
        description=d.get("description", ""),
        **({"meta": d["meta"]} if d.get("meta") else {}),
    )

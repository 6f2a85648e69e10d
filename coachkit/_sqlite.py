"""The SQLite backend of the ratings store, and the store's schema (the tables both databases share).

SQLite through the standard library: a WAL journal, ``synchronous = FULL`` (a save that returned survives
a crash of the whole machine), a busy timeout and retries so "database is locked" never reaches the user.

Schema history (the version is kept in the ``meta`` table, and in ``PRAGMA user_version`` on SQLite):

1. coachkit 0.0.x: ``sheets`` and ``marks``.
2. sheets gain ``group_name``, ``ethics_observed``, ``revision`` and ``saved_at``; ``sessions`` keeps
   imported transcripts; ``meta`` records the version.
3. sheets gain ``competency_calls`` (JSON: competency number -> level), ``key_version`` and
   ``imported`` (the sheet arrived in an export file); ``checks`` keeps calibration-check attempts; every
   value is kept in the shapes the reader accepts (triggers here, CHECK constraints on PostgreSQL), so
   raw SQL cannot store a mark whose evidence is not a JSON list of ids, a level call ``GOLD``, an unknown
   marker or a time stamp that is not one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ._backend import BUSY_SECONDS, ROW_ERROR_PREFIX, Backend
from .framework import framework
from .model import CHECK_STAGES, COMPETENCY_NUMBERS, LEVELS

__all__ = ["SQLiteBackend", "portable_steps", "marker_ids"]

_TABLES = [
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
        saved_at REAL NOT NULL DEFAULT 0,
        competency_calls TEXT NOT NULL DEFAULT '{}',
        key_version INTEGER,
        imported INTEGER NOT NULL DEFAULT 0)""",
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
    """CREATE TABLE IF NOT EXISTS checks (
        id TEXT PRIMARY KEY,
        rater TEXT NOT NULL,
        rater_id TEXT NOT NULL,
        form TEXT NOT NULL,
        stage TEXT NOT NULL,
        draw TEXT NOT NULL DEFAULT '[]',
        sheet_ids TEXT NOT NULL DEFAULT '{}',
        started TEXT NOT NULL,
        updated TEXT NOT NULL,
        imported INTEGER NOT NULL DEFAULT 0,
        group_name TEXT NOT NULL DEFAULT '',
        saved_at REAL NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS sheets_by_session ON sheets (session_id, rater)",
    "CREATE INDEX IF NOT EXISTS sheets_by_rater ON sheets (rater, session_id)",
    "CREATE INDEX IF NOT EXISTS checks_by_rater ON checks (rater, form)",
]

_MIGRATE_1_TO_2 = [
    "ALTER TABLE sheets ADD COLUMN group_name TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE sheets ADD COLUMN ethics_observed INTEGER",
    "ALTER TABLE sheets ADD COLUMN revision INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE sheets ADD COLUMN saved_at REAL NOT NULL DEFAULT 0",
]

_MIGRATE_2_TO_3 = [
    "ALTER TABLE sheets ADD COLUMN competency_calls TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE sheets ADD COLUMN key_version INTEGER",
    "ALTER TABLE sheets ADD COLUMN imported INTEGER NOT NULL DEFAULT 0",
]


def portable_steps(version: int) -> list[str]:
    """The statements, in SQL both databases read, that bring a store at ``version`` (0: empty) to the
    current tables (constraints are each backend's own).

    >>> len(portable_steps(0)) == len(portable_steps(2)) - 3
    True
    """
    steps: list[str] = []
    if version == 1:
        steps += _MIGRATE_1_TO_2
    if version in (1, 2):
        steps += _MIGRATE_2_TO_3
    return steps + _TABLES


def marker_ids() -> tuple[str, ...]:
    """The marker ids a stored mark may have (the framework's, read when the schema is made)."""
    return tuple(framework().marker_ids)


def _quoted(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _triggers() -> list[str]:
    """SQLite's guards: a trigger per table and statement that refuses a row the reader would reject."""
    levels = _quoted(LEVELS)
    time_ok = "datetime(NEW.{0}) IS NOT NULL AND typeof(NEW.{0}) = 'text'"
    text_ok = "typeof(NEW.{0}) = 'text' AND length(trim(NEW.{0})) > 0"
    sheet_ok = " AND ".join(
        [
            *(text_ok.format(c) for c in ("id", "session_id", "rater", "rater_id")),
            f"(NEW.level_call IS NULL OR NEW.level_call IN ({levels}))",
            "(NEW.ethics_observed IS NULL OR NEW.ethics_observed IN (0, 1))",
            "NEW.finished IN (0, 1) AND NEW.imported IN (0, 1)",
            "typeof(NEW.comments) = 'text' AND typeof(NEW.group_name) = 'text'",
            time_ok.format("created"),
            time_ok.format("updated"),
            "(NEW.key_version IS NULL OR (typeof(NEW.key_version) = 'integer' AND NEW.key_version BETWEEN 1 AND 1000000))",
            "json_valid(NEW.competency_calls) AND json_type(NEW.competency_calls) = 'object'",
            "NOT EXISTS (SELECT 1 FROM json_each(NEW.competency_calls) WHERE key NOT IN "
            f"({_quoted(COMPETENCY_NUMBERS)}) OR type <> 'text' OR value NOT IN ({levels}))",
        ]
    )
    mark_ok = " AND ".join(
        [
            f"NEW.marker IN ({_quoted(marker_ids())})",
            "(NEW.evidenced IS NULL OR NEW.evidenced IN (0, 1))",
            "typeof(NEW.note) = 'text'",
            "json_valid(NEW.evidence) AND json_type(NEW.evidence) = 'array'",
            "NOT EXISTS (SELECT 1 FROM json_each(NEW.evidence) WHERE type <> 'text')",
        ]
    )
    check_ok = " AND ".join(
        [
            *(text_ok.format(c) for c in ("id", "rater", "rater_id", "form")),
            f"NEW.stage IN ({_quoted(CHECK_STAGES)})",
            "NEW.imported IN (0, 1)",
            time_ok.format("started"),
            time_ok.format("updated"),
            "json_valid(NEW.draw) AND json_type(NEW.draw) = 'array'",
            "NOT EXISTS (SELECT 1 FROM json_each(NEW.draw) WHERE type <> 'text')",
            "json_valid(NEW.sheet_ids) AND json_type(NEW.sheet_ids) = 'object'",
            "NOT EXISTS (SELECT 1 FROM json_each(NEW.sheet_ids) WHERE type <> 'text')",
        ]
    )
    statements = []
    for table, ok in (("sheets", sheet_ok), ("marks", mark_ok), ("checks", check_ok)):
        for event in ("INSERT", "UPDATE"):
            name = f"{table}_shape_{event.lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN NOT ({ok}) BEGIN "
                f"SELECT RAISE(ABORT, '{ROW_ERROR_PREFIX} a {table} row in a shape coachkit cannot read'); END",
            ]
    return statements


class SQLiteBackend(Backend):
    """A SQLite file (or ``:memory:``)."""

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
        conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
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

    def is_full(self, exc: BaseException) -> bool:
        return "full" in str(exc).lower()

    def has_table(self, conn, name: str) -> bool:
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone())

    def table_count(self, conn) -> int:
        return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])

    def legacy_version(self, conn) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def schema_steps(self, version: int) -> list[str]:
        return [*portable_steps(version), *_triggers()]

    def after_schema(self, conn, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

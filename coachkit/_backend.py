"""The seam between the ratings store and a database: what differs between SQLite and PostgreSQL.

The store (:mod:`coachkit.store`) writes its SQL once, with ``?`` placeholders and the standard
``INSERT ... ON CONFLICT ... DO UPDATE`` upsert that both databases share; a :class:`Backend` says how to
connect, how a transaction starts, how the schema is made and migrated and which errors mean "busy" or
"connection lost". :mod:`coachkit._sqlite` and :mod:`coachkit._pg` implement it; both import this module
and neither imports the store, so the store sits above its backends and no import runs back up.
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["Backend", "SCHEMA_VERSION", "BUSY_SECONDS", "ROW_ERROR_PREFIX"]

#: The store's schema version (recorded in the database; older stores are migrated when opened).
#: 1: sheets and marks. 2: groups, revisions, kept sessions, a meta table. 3: competency calls, key
#: version and provenance on sheets, check attempts, and constraints that keep every value readable.
SCHEMA_VERSION = 3
#: How long a save keeps retrying a busy database before it gives up with a readable error.
BUSY_SECONDS = 60.0
#: Every constraint the schema adds raises an error whose text starts with this (so the store can tell
#: "the database refused a value" from other failures).
ROW_ERROR_PREFIX = "coachkit:"


class Backend:
    """What differs between databases.

    A connection must offer ``execute(sql, params) -> cursor``, ``executemany``, ``in_transaction`` and
    ``close`` (sqlite3's do; :mod:`coachkit._pg` wraps psycopg's).
    """

    name = "base"
    placeholder = "?"
    begin_write = "BEGIN"
    begin_read = "BEGIN"
    #: Whether rows carry the database role that wrote them (an ``owner`` column the database fills).
    has_owner = False
    #: Errors the store turns into a readable CoachkitError (retrying first when the database is busy).
    retry_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    #: Errors meaning "this is not a database the store can open".
    open_errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError, OSError)
    #: Errors meaning "the database refused this row" (a constraint or a unique key).
    refused_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)

    def connect(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def sql(self, query: str) -> str:
        return query if self.placeholder == "?" else query.replace("?", self.placeholder)

    def is_busy(self, exc: BaseException) -> bool:
        return False

    def is_disconnect(self, exc: BaseException, conn) -> bool:
        """True when the connection to a database server was lost (the store reconnects and retries)."""
        return False

    def is_full(self, exc: BaseException) -> bool:
        """True when the disk (or the database's quota) is full."""
        return False

    def explain(self, exc: BaseException) -> str:
        """The database's error as text for the user (never holding a password)."""
        return str(exc)

    def legacy_version(self, conn) -> int:
        """The schema version of a store made before the meta table existed (0: none)."""
        return 0

    def has_table(self, conn, name: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def table_count(self, conn) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def before_schema(self, conn) -> None:
        """Called first in the transaction that checks (and creates or migrates) the schema."""

    def schema_steps(self, version: int) -> list[str]:  # pragma: no cover - interface
        """The statements that bring a store at ``version`` (0: empty) to :data:`SCHEMA_VERSION`."""
        raise NotImplementedError

    def after_schema(self, conn, version: int) -> None:
        """Called after the schema was created or migrated, in the same transaction."""

    def members(self, conn, group: str | None) -> list[tuple]:
        """``(role, group, display name, facilitates)`` rows of the group's member table ([] when none)."""
        return []

    def describe(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

"""The PostgreSQL backend of the ratings store (cohort mode: a mentor group on JupyterHub).

The store's tables are the same as in SQLite (:mod:`coachkit.store`). On top, a shared database gets:

- an ``owner`` column on ``sheets``, ``marks`` and ``sessions``, ``DEFAULT current_user``: every row
  knows which database role wrote it, and the kit never writes that column itself;
- a ``coachkit_members`` table (``member``, ``group_name``, ``facilitates``) that the group's
  administrator fills (``deploy/coachkit-cohort``); each role can read only its own membership rows;
- row-level security: a role reads, writes and deletes only rows it owns, may put a sheet only into a
  group it belongs to, and a facilitator also reads the sheets (and their marks) of the groups they
  facilitate. A sheet saved with no group gets the participant's group (a trigger), so "a group on
  every sheet" holds without the learner typing it.

The table owner (the role that created the schema) is not bound by these policies: a person alone with
their own PostgreSQL database sees everything, as with SQLite. In a cohort the tables belong to a
role nobody logs in as (``coachkit_owner``), so the policies bind every participant and facilitator.

psycopg is imported only when a ``postgresql://`` store is opened (``pip install coachkit[hub]``).

>>> _redact("postgresql://ana:s3cret@db.example:5432/coachkit")
'postgresql://ana:***@db.example:5432/coachkit'
>>> _redact("postgresql:///coachkit?host=/run/pg&password=s3cret")
'postgresql:///coachkit?host=/run/pg&password=***'
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .errors import CoachkitError
from .store import _Backend

__all__: list[str] = []

#: Any number that is the same in every coachkit: the advisory lock that serialises schema creation.
_SCHEMA_LOCK = 73160422

# Statements run after the shared schema on PostgreSQL; each is safe to run again.
_EXTRA = [
    "ALTER TABLE sheets ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "ALTER TABLE marks ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "CREATE INDEX IF NOT EXISTS sheets_by_owner ON sheets (owner)",
    "CREATE INDEX IF NOT EXISTS sheets_by_group ON sheets (group_name, session_id)",
    """CREATE TABLE IF NOT EXISTS coachkit_members (
        member TEXT NOT NULL,
        group_name TEXT NOT NULL CHECK (group_name <> ''),
        facilitates BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (member, group_name))""",
    "ALTER TABLE coachkit_members ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_membership ON coachkit_members",
    "CREATE POLICY own_membership ON coachkit_members FOR SELECT USING (member = current_user::text)",
    # sheets: own rows; a group only if the role belongs to it; facilitators read their groups.
    "ALTER TABLE sheets ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_sheets ON sheets",
    """CREATE POLICY own_sheets ON sheets USING (owner = current_user::text)
        WITH CHECK (owner = current_user::text AND (group_name = '' OR group_name IN (
            SELECT m.group_name FROM coachkit_members m WHERE m.member = current_user::text)))""",
    "DROP POLICY IF EXISTS facilitator_reads_group ON sheets",
    """CREATE POLICY facilitator_reads_group ON sheets FOR SELECT USING (group_name IN (
            SELECT m.group_name FROM coachkit_members m WHERE m.member = current_user::text AND m.facilitates))""",
    # marks: own rows, only on one's own sheets; readable wherever their sheet is readable.
    "ALTER TABLE marks ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_marks ON marks",
    """CREATE POLICY own_marks ON marks USING (owner = current_user::text)
        WITH CHECK (owner = current_user::text AND sheet_id IN (
            SELECT s.id FROM sheets s WHERE s.owner = current_user::text))""",
    "DROP POLICY IF EXISTS marks_of_readable_sheets ON marks",
    "CREATE POLICY marks_of_readable_sheets ON marks FOR SELECT USING (sheet_id IN (SELECT s.id FROM sheets s))",
    # kept transcripts: private to whoever imported them.
    "ALTER TABLE sessions ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_sessions ON sessions",
    "CREATE POLICY own_sessions ON sessions USING (owner = current_user::text) WITH CHECK (owner = current_user::text)",
    """CREATE OR REPLACE FUNCTION coachkit_fill_group() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.group_name = '' THEN
                NEW.group_name := coalesce((SELECT m.group_name FROM coachkit_members m
                    WHERE m.member = current_user::text AND NOT m.facilitates
                    ORDER BY m.group_name LIMIT 1), '');
            END IF;
            RETURN NEW;
        END $$""",
    "DROP TRIGGER IF EXISTS sheets_fill_group ON sheets",
    """CREATE TRIGGER sheets_fill_group BEFORE INSERT OR UPDATE OF group_name ON sheets
        FOR EACH ROW EXECUTE FUNCTION coachkit_fill_group()""",
]

_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#]*:)([^@/?#]*)(@)")
_PASSWORD_IN_QUERY = re.compile(r"(?i)([?&]password=)([^&#]*)")


def _redact(text: str) -> str:
    """``text`` with any password in a connection URL replaced by ``***``."""
    text = _PASSWORD_IN_URL.sub(r"\1***\3", text)
    return _PASSWORD_IN_QUERY.sub(r"\1***", text)


class _Connection:
    """psycopg's connection with the small sqlite3-like surface the store uses."""

    def __init__(self, raw):
        self.raw = raw

    def execute(self, query: str, params=None):
        return self.raw.execute(query, params)

    def executemany(self, query: str, rows) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(query, rows)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        if self.raw.closed or self.raw.broken:
            return False
        return self.raw.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    @property
    def lost(self) -> bool:
        return bool(self.raw.closed or self.raw.broken)

    def close(self) -> None:
        self.raw.close()


class _Postgres(_Backend):
    name = "postgresql"
    placeholder = "%s"
    begin_write = "BEGIN"
    # Sheets and their marks from one snapshot (READ COMMITTED would give each statement its own).
    begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise CoachkitError(
                "a postgresql:// ratings store needs psycopg: pip install 'coachkit[hub]' "
                "(or pip install 'psycopg[binary]')"
            ) from None
        self._psycopg = psycopg
        self.url = url
        self.retry_errors = (psycopg.Error,)
        self.open_errors = (psycopg.Error, OSError)
        parts = urlsplit(url)
        self._kwargs = {"autocommit": True, "application_name": "coachkit"}
        query = dict(parse_qsl(parts.query))
        if "connect_timeout" not in query:
            self._kwargs["connect_timeout"] = 10

    def describe(self) -> str:
        return _redact(self.url)

    def connect(self) -> _Connection:
        try:
            raw = self._psycopg.connect(self.url, **self._kwargs)
        except self._psycopg.ProgrammingError as exc:  # a malformed URL
            raise CoachkitError(f"cannot use the ratings store {self.describe()}: {_redact(str(exc))}") from None
        return _Connection(raw)

    def sql(self, query: str) -> str:
        return query.replace("?", "%s")

    def is_busy(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected | errors.LockNotAvailable)

    def is_disconnect(self, exc: BaseException, conn) -> bool:
        return isinstance(exc, self._psycopg.OperationalError) and getattr(conn, "lost", False)

    def explain(self, exc: BaseException) -> str:
        text = _redact(str(exc).strip())
        if isinstance(exc, self._psycopg.errors.InsufficientPrivilege):
            text += (
                " (in a cohort each person's database role may read and write only their own ratings, and a "
                "facilitator read their group's; this was someone else's, or the administrator has not "
                "granted this role access: see docs/cohort-mode.md)"
            )
        return text

    def has_table(self, conn, name: str) -> bool:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]

    def table_count(self, conn) -> int:
        return int(
            conn.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()").fetchone()[0]
        )

    def before_schema(self, conn) -> None:
        # Several kernels may open a new database at once: one creates the schema, the others wait.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))

    def schema_steps(self, version: int) -> list[str]:
        # REAL is 4 bytes in PostgreSQL: too coarse for a time stamp in seconds.
        return [s.replace(" REAL ", " DOUBLE PRECISION ") for s in super().schema_steps(version)]

    def after_schema(self, conn, version: int) -> None:
        for statement in _EXTRA:
            conn.execute(statement)


# ------------------------------------------------------------------------------ a cluster for one run


def _pg_bin() -> Path | None:
    """The folder holding PostgreSQL's server programs (initdb, pg_ctl), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _TemporaryCluster:
    """A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks (not for real data).

    As root it runs as the ``postgres`` user (PostgreSQL refuses to run as root). ``superuser_url(db)``
    connects through the Unix socket with no password; roles made with a password connect over TCP
    (``scram-sha-256``), as a participant's kernel would. Use as a context manager; ``stop()`` removes it.
    """

    def __init__(self, fsync: bool = False):
        self.bin = _pg_bin()
        if self.bin is None:
            raise CoachkitError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.fsync = fsync
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="coachkit-pg-"))
        self.running = False
        self._as_postgres = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise CoachkitError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> _TemporaryCluster:
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.fsync:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o", options, "start")
        self.running = True
        return self

    def superuser_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.dir}&port={self.port}"

    def url(self, user: str, password: str, database: str) -> str:
        from urllib.parse import quote

        return f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its superuser URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.superuser_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.superuser_url(name)

    def stop(self) -> None:
        if self.running:
            try:
                self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
            finally:
                self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> _TemporaryCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""The PostgreSQL backend of the ratings store (cohort mode: a mentor group on JupyterHub).

The store's tables are the same as in SQLite (:mod:`coachkit._sqlite`). On top, a shared database gets:

- an ``owner`` column on ``sheets``, ``marks``, ``sessions`` and ``checks``, ``DEFAULT current_user``:
  every row knows which database role wrote it, and the kit never writes that column itself; the store
  reads it into ``RatingSheet.owner``, so the facilitator's summary counts people the database vouches for;
- a ``coachkit_members`` table (``member``, ``group_name``, ``facilitates``, ``display_name``) that the
  group's administrator fills (``deploy/coachkit-cohort``); each role reads its own membership rows, and a
  facilitator the rows of the groups they facilitate (``RatingStore.members``);
- CHECK constraints that keep every stored value in a shape the reader accepts (JSON lists of ids as
  evidence, known levels and markers, real time stamps), so raw SQL cannot break another person's view;
- row-level security: a role reads, writes and deletes only rows it owns, may put a sheet only into a
  group it belongs to, and a facilitator also reads the sheets (and their marks) of the groups they
  facilitate. A sheet saved with no group gets the participant's group (a trigger), so "a group on
  every sheet" holds without the learner typing it.

The table owner (the role that created the schema) is not bound by these policies: a person alone with
their own PostgreSQL database sees everything, as with SQLite. In a cohort the tables belong to a
role nobody logs in as (``coachkit_owner``), so the policies bind every participant and facilitator.

psycopg is imported only when a ``postgresql://`` store is opened (``pip install coachkit[hub]``).

>>> redact("postgresql://ana:s3cret@db.example:5432/coachkit")
'postgresql://ana:***@db.example:5432/coachkit'
>>> redact("postgresql:///coachkit?host=/run/pg&password=s3cret")
'postgresql:///coachkit?host=/run/pg&password=***'
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from ._backend import Backend
from ._sqlite import marker_ids, portable_steps
from .errors import CoachkitError
from .model import CHECK_STAGES, COMPETENCY_NUMBERS, LEVELS

__all__ = ["PostgresBackend", "redact"]

#: Any number that is the same in every coachkit: the advisory lock that serialises schema creation.
_SCHEMA_LOCK = 73160422

# Statements run after the shared schema on PostgreSQL (when it is made or migrated); each is safe to run again.
_EXTRA = [
    "ALTER TABLE sheets ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "ALTER TABLE marks ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "ALTER TABLE checks ADD COLUMN IF NOT EXISTS owner TEXT NOT NULL DEFAULT current_user",
    "CREATE INDEX IF NOT EXISTS sheets_by_owner ON sheets (owner)",
    "CREATE INDEX IF NOT EXISTS sheets_by_group ON sheets (group_name, session_id)",
    """CREATE TABLE IF NOT EXISTS coachkit_members (
        member TEXT NOT NULL,
        group_name TEXT NOT NULL CHECK (group_name <> ''),
        facilitates BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (member, group_name))""",
    "ALTER TABLE coachkit_members ADD COLUMN IF NOT EXISTS display_name TEXT NOT NULL DEFAULT ''",
    # The groups a role facilitates, read as the table's owner (a policy on coachkit_members cannot read
    # coachkit_members itself). It tells only group names.
    """CREATE OR REPLACE FUNCTION coachkit_facilitated_groups(who text) RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT m.group_name FROM coachkit_members m WHERE m.member = who AND m.facilitates $$""",
    "ALTER TABLE coachkit_members ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_membership ON coachkit_members",
    "CREATE POLICY own_membership ON coachkit_members FOR SELECT USING (member = current_user::text)",
    "DROP POLICY IF EXISTS facilitator_reads_members ON coachkit_members",
    """CREATE POLICY facilitator_reads_members ON coachkit_members FOR SELECT USING (
        group_name IN (SELECT coachkit_facilitated_groups(current_user::text)))""",
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
    # check attempts: like sheets (own rows, the participant's group, facilitators read their groups).
    "ALTER TABLE checks ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS own_checks ON checks",
    """CREATE POLICY own_checks ON checks USING (owner = current_user::text)
        WITH CHECK (owner = current_user::text AND (group_name = '' OR group_name IN (
            SELECT m.group_name FROM coachkit_members m WHERE m.member = current_user::text)))""",
    "DROP POLICY IF EXISTS facilitator_reads_checks ON checks",
    """CREATE POLICY facilitator_reads_checks ON checks FOR SELECT USING (group_name IN (
            SELECT m.group_name FROM coachkit_members m WHERE m.member = current_user::text AND m.facilitates))""",
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
    "DROP TRIGGER IF EXISTS checks_fill_group ON checks",
    """CREATE TRIGGER checks_fill_group BEFORE INSERT OR UPDATE OF group_name ON checks
        FOR EACH ROW EXECUTE FUNCTION coachkit_fill_group()""",
]


def _quoted(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _constraints() -> list[str]:
    """CHECK constraints that keep every value in a shape the reader accepts (added NOT VALID: a row
    stored before them stays, and the reader skips it by name if it cannot read it). Plain expressions,
    no functions: a save pays for no subtransaction. Text that is not JSON fails the cast (refused too)."""
    levels = _quoted(LEVELS)
    # An ISO date or date and time with real month, day, hour, minute and second numbers (as the kit writes).
    time_ok = (
        r"{0} ~ '^\d{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
        r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{{1,6}})?)?)?(Z|[+-]\d\d:\d\d)?$'"
    )
    strings = "jsonb_typeof({0}::jsonb) = '{1}' AND NOT jsonb_path_exists({0}::jsonb, '$.* ? (@.type() != \"string\")')"
    text_ok = "length(btrim({0})) > 0"
    checks = {
        "sheets": [
            *(text_ok.format(c) for c in ("id", "session_id", "rater", "rater_id")),
            f"(level_call IS NULL OR level_call IN ({levels}))",
            "(ethics_observed IS NULL OR ethics_observed IN (0, 1))",
            "finished IN (0, 1) AND imported IN (0, 1)",
            time_ok.format("created"),
            time_ok.format("updated"),
            "(key_version IS NULL OR key_version BETWEEN 1 AND 1000000)",
            strings.format("competency_calls", "object"),
            f"competency_calls::jsonb - ARRAY[{_quoted(COMPETENCY_NUMBERS)}] = '{{}}'::jsonb",
            "NOT jsonb_path_exists(competency_calls::jsonb, '$.* ? ("
            + " && ".join(f'@ != "{level}"' for level in LEVELS)
            + ")')",
        ],
        "marks": [
            f"marker IN ({_quoted(marker_ids())})",
            "(evidenced IS NULL OR evidenced IN (0, 1))",
            strings.format("evidence", "array").replace("'$.*", "'$[*]"),
        ],
        "checks": [
            *(text_ok.format(c) for c in ("id", "rater", "rater_id", "form")),
            f"stage IN ({_quoted(CHECK_STAGES)})",
            "imported IN (0, 1)",
            time_ok.format("started"),
            time_ok.format("updated"),
            strings.format("draw", "array").replace("'$.*", "'$[*]"),
            strings.format("sheet_ids", "object"),
        ],
    }
    statements = []
    for table, parts in checks.items():
        name = f"{table}_shape"
        statements += [
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
            f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({' AND '.join(parts)}) NOT VALID",
        ]
    return statements


_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#]*:)([^@/?#]*)(@)")
_PASSWORD_IN_QUERY = re.compile(r"(?i)([?&]password=)([^&#]*)")


def redact(text: str) -> str:
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


class PostgresBackend(Backend):
    """A PostgreSQL database reached by a ``postgresql://`` URL (psycopg imported only then)."""

    name = "postgresql"
    placeholder = "%s"
    has_owner = True
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
        self.refused_errors = (psycopg.errors.IntegrityError, psycopg.errors.InsufficientPrivilege)
        parts = urlsplit(url)
        self._kwargs = {"autocommit": True, "application_name": "coachkit"}
        query = dict(parse_qsl(parts.query))
        if "connect_timeout" not in query:
            self._kwargs["connect_timeout"] = 10

    def describe(self) -> str:
        return redact(self.url)

    def connect(self) -> _Connection:
        try:
            raw = self._psycopg.connect(self.url, **self._kwargs)
        except self._psycopg.ProgrammingError as exc:  # a malformed URL
            raise CoachkitError(f"cannot use the ratings store {self.describe()}: {redact(str(exc))}") from None
        return _Connection(raw)

    def sql(self, query: str) -> str:
        return query.replace("?", "%s")

    def is_busy(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected | errors.LockNotAvailable)

    def is_disconnect(self, exc: BaseException, conn) -> bool:
        return isinstance(exc, self._psycopg.OperationalError) and getattr(conn, "lost", False)

    def explain(self, exc: BaseException) -> str:
        errors = self._psycopg.errors
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        cohort = (
            " (in a cohort each person's database role may write only their own ratings, under ids nobody else "
            "uses, and a facilitator only read their group's; or the administrator has not granted this role "
            "access: see docs/cohort-mode.md)"
        )
        if isinstance(exc, errors.UniqueViolation):
            # The database's detail names the key: it would tell a participant that someone else's row exists.
            return "the database refused this id" + cohort
        if isinstance(exc, errors.InsufficientPrivilege):
            return redact(first) + cohort
        if isinstance(exc, errors.CheckViolation):
            return "the database refused a value in a shape coachkit cannot read"
        return redact(first)

    def is_full(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.DiskFull)

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
        return [s.replace(" REAL ", " DOUBLE PRECISION ") for s in portable_steps(version)]

    def after_schema(self, conn, version: int) -> None:
        for statement in (*_EXTRA, *_constraints()):
            conn.execute(statement)

    def members(self, conn, group: str | None) -> list[tuple]:
        sql = "SELECT member, group_name, display_name, facilitates FROM coachkit_members"
        params: tuple = ()
        if group is not None:
            sql, params = sql + " WHERE group_name = %s", (group,)
        return list(conn.execute(sql + " ORDER BY group_name, member", params).fetchall())

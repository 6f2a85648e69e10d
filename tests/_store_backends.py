"""Fixtures that run the store's tests against both backends: SQLite (a file under tmp_path) and
PostgreSQL (a throwaway cluster on 127.0.0.1, started once per test module, one new database per test).

Outside CI a missing PostgreSQL (no server programs, or no psycopg) skips the PostgreSQL half with a
message saying so; in CI (``CI=true``) it is a failure.
"""

from __future__ import annotations

import os
import sqlite3
import uuid

import pytest
from pg_cluster import TemporaryCluster, pg_bin

BACKENDS = ["sqlite", "postgresql"]


def _missing_postgres() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[dev]')"
    if pg_bin() is None:
        return "PostgreSQL's server programs are not installed (apt-get install -y postgresql)"
    return None


def need_postgres() -> None:
    """Skip (or, in CI, fail) when PostgreSQL cannot run here."""
    why = _missing_postgres()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the PostgreSQL store: {why}")
        pytest.skip(f"PostgreSQL store not tested here: {why}")


@pytest.fixture(scope="module")
def pg_cluster():
    need_postgres()
    cluster = TemporaryCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def location(backend, tmp_path, request):
    """``location(name="ratings")``: where a store of the backend under test lives; the same name gives
    the same store within one test (a file, or a new database on the shared cluster)."""
    made: dict[str, str] = {}
    cluster = request.getfixturevalue("pg_cluster") if backend == "postgresql" else None

    def where(name: str = "ratings") -> str:
        if name not in made:
            if cluster is None:
                made[name] = str(tmp_path / f"{name}.sqlite3")
            else:
                made[name] = cluster.create_database(f"t_{name}_{uuid.uuid4().hex[:10]}")
        return made[name]

    return where


def raw(location: str, statements: str | list[str], params: tuple = ()) -> list[tuple]:
    """Run SQL straight against a store's database (as its owner); returns the last statement's rows."""
    if isinstance(statements, str):
        statements = [statements]
    if location.startswith("postgresql:"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            rows = []
            for i, sql in enumerate(statements):
                cur = conn.execute(sql, params if i == len(statements) - 1 and params else None)
                rows = cur.fetchall() if cur.description else []
            return rows
    conn = sqlite3.connect(location, isolation_level=None)
    try:
        rows = []
        for i, sql in enumerate(statements):
            cur = conn.execute(sql.replace("%s", "?"), params if i == len(statements) - 1 else ())
            rows = cur.fetchall()
        return rows
    finally:
        conn.close()

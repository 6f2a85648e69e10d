"""Cohort mode: a group's shared PostgreSQL store, set up by deploy/coachkit-cohort, where the DATABASE
decides who sees what. Each person connects as their own role over TCP with a password, as their kernel
on JupyterHub would; the tests then try to read and change other people's rows.

The rest of the store's behaviour on PostgreSQL is covered by test_store.py and
test_store_reliability.py, which run against both backends.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import stat
from pathlib import Path

import _store_backends
import pytest

from coachkit.errors import CoachkitError
from coachkit.model import RatingSheet
from coachkit.store import SCHEMA_VERSION, RatingStore

# The shared PostgreSQL cluster fixture.
pg_cluster = _store_backends.pg_cluster

ROOT = Path(__file__).resolve().parents[1]


def _load_cohort_script():
    loader = importlib.machinery.SourceFileLoader("coachkit_cohort", str(ROOT / "deploy" / "coachkit-cohort"))
    spec = importlib.util.spec_from_loader("coachkit_cohort", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


cohort_script = _load_cohort_script()


@pytest.fixture(scope="module")
def cohort(pg_cluster, tmp_path_factory):
    """Group "spring": participants ana and bo, facilitator mira. Group "autumn": cleo and her facilitator
    dara. Returns a function name -> that person's RatingStore URL."""
    passwords = tmp_path_factory.mktemp("admin") / "passwords"
    server = pg_cluster.superuser_url()
    cohort_script.create(server, "cohort")
    cohort_script.create(server, "cohort")  # running it again is harmless
    cohort_script.add(server, ["ana", "bo"], "spring", database="cohort", passwords=passwords)
    cohort_script.add(server, ["mira"], "spring", facilitator=True, database="cohort", passwords=passwords)
    cohort_script.add(server, ["cleo"], "autumn", database="cohort", passwords=passwords)
    cohort_script.add(server, ["dara"], "autumn", facilitator=True, database="cohort", passwords=passwords)

    def url(name: str) -> str:
        return cohort_script.url_for(name, passwords, port=pg_cluster.port, database="cohort")

    url.passwords = passwords
    url.admin = pg_cluster.superuser_url("cohort")
    return url


def _sheet(rater: str, session_id: str = "s1", **extra) -> RatingSheet:
    sheet = RatingSheet(session_id=session_id, rater=rater, rater_id=f"rid-{rater}", **extra)
    sheet.mark("4.1", True, evidence=["u3"], note=f"{rater} heard it")
    sheet.mark("6.6", False)
    return sheet


def _admin_rows(cohort, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(cohort.admin, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def saved(cohort):
    """ana, bo and cleo have each saved one sheet (with no group typed in)."""
    sheets = {}
    for name in ("ana", "bo", "cleo"):
        with RatingStore(cohort(name)) as store:
            sheets[name] = _sheet(name, session_id=f"s-{id(sheets)}")
            store.save(sheets[name])
    yield sheets
    _admin_rows(cohort, "DELETE FROM sheets WHERE session_id = %s RETURNING id", (sheets["ana"].session_id,))


def test_every_row_knows_its_owner_and_gets_the_participants_group(cohort, saved):
    rows = _admin_rows(
        cohort,
        "SELECT owner, group_name, (SELECT count(*) FROM marks m WHERE m.sheet_id = s.id AND m.owner = s.owner) "
        "FROM sheets s WHERE session_id = %s ORDER BY owner",
        (saved["ana"].session_id,),
    )
    assert rows == [("ana", "spring", 2), ("bo", "spring", 2), ("cleo", "autumn", 2)]


def test_a_participant_sees_only_her_own_rows_even_in_raw_sql(cohort, saved):
    import psycopg

    with RatingStore(cohort("ana")) as store:
        assert [s.id for s in store.sheets()] == [saved["ana"].id]
        assert store.sheets(rater="bo") == [] and len(store) == 1
    with psycopg.connect(cohort("ana"), autocommit=True) as conn:
        assert conn.execute("SELECT DISTINCT owner FROM sheets").fetchall() == [("ana",)]
        assert conn.execute("SELECT DISTINCT owner FROM marks").fetchall() == [("ana",)]
        assert conn.execute("SELECT member FROM coachkit_members").fetchall() == [("ana",)]


def test_a_participant_cannot_change_or_delete_anothers_rows(cohort, saved):
    import psycopg

    bo_id = saved["bo"].id
    with psycopg.connect(cohort("ana"), autocommit=True) as conn:
        assert conn.execute("UPDATE sheets SET level_call = 'MCC' WHERE id = %s", (bo_id,)).rowcount == 0
        assert conn.execute("UPDATE marks SET evidenced = 1 WHERE sheet_id = %s", (bo_id,)).rowcount == 0
        assert conn.execute("DELETE FROM sheets WHERE id = %s", (bo_id,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO marks (sheet_id, marker, evidenced) VALUES (%s, '8.9', 1)", (bo_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO sheets (id, session_id, rater, rater_id, created, updated, owner) "
                "VALUES ('forged', 's', 'bo', 'x', 'c', 'u', 'bo')"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE mine (n int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO coachkit_members VALUES ('ana', 'autumn', true)")
    # Through the kit: a sheet carrying bo's id is refused, with a message, and bo's sheet is unchanged.
    forged = _sheet("ana", session_id=saved["bo"].session_id)
    forged.id = bo_id
    with RatingStore(cohort("ana")) as store:
        with pytest.raises(CoachkitError, match="row-level security.*only their own ratings"):
            store.save(forged)
        assert store.forget(saved["bo"].session_id) == 1  # only her own sheet of that session
    with RatingStore(cohort("bo")) as store:
        [bo_back] = store.sheets()
    assert bo_back.id == bo_id and bo_back.marks == saved["bo"].marks and bo_back.updated == saved["bo"].updated


def test_a_participant_cannot_put_a_sheet_into_another_group(cohort):
    with RatingStore(cohort("ana")) as store:
        with pytest.raises(CoachkitError, match="row-level security"):
            store.save(_sheet("ana", group="autumn"))
        assert store.sheets() == []


def test_the_facilitator_reads_her_whole_group_and_nothing_else(cohort, saved):
    from coachkit.group import StoreSource

    session_id = saved["ana"].session_id
    with RatingStore(cohort("mira")) as store:
        group = store.sheets(session_id=session_id, group="spring")
        assert sorted(s.rater for s in group) == ["ana", "bo"]
        assert all(s.marks["4.1"].note == f"{s.rater} heard it" for s in group)
        assert store.sheets(group="autumn") == []
        assert sorted(s.rater for s in StoreSource(store, session_id, group="spring").load().sheets) == ["ana", "bo"]
        # Reading is all: she cannot rewrite a participant's sheet.
        edited = group[0]
        edited.mark("4.1", False)
        with pytest.raises(CoachkitError, match="row-level security"):
            store.save(edited)
    with RatingStore(cohort("dara")) as store:
        assert [s.rater for s in store.sheets(session_id=session_id)] == ["cleo"]


def test_coachkit_db_url_selects_the_shared_store_and_hides_the_password(cohort, monkeypatch):
    url = cohort("ana")
    monkeypatch.setenv("COACHKIT_DB_URL", url)
    with RatingStore() as store:
        password = url.split(":")[2].split("@")[0]
        assert password not in store.location and password not in repr(store)
        assert store.location.startswith("postgresql://ana:***@127.0.0.1:")
        assert store.schema_version == SCHEMA_VERSION
    wrong = url.replace(password, "not-the-password")
    with pytest.raises(CoachkitError, match="password authentication failed") as err:
        RatingStore(wrong)
    assert "not-the-password" not in str(err.value)


def test_a_participant_cannot_create_the_schema_in_an_empty_database(pg_cluster, cohort):
    import psycopg

    empty = pg_cluster.create_database("empty_cohort")
    with psycopg.connect(empty, autocommit=True) as conn:
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute("GRANT CONNECT ON DATABASE empty_cohort TO coachkit_participant")
    with pytest.raises(CoachkitError, match="permission denied"):
        RatingStore(cohort("ana").replace("/cohort", "/empty_cohort"))


def test_a_dropped_connection_is_reopened_and_the_save_kept(cohort):
    with RatingStore(cohort("bo")) as store:
        sheet = _sheet("bo", session_id="reconnect")
        store.save(sheet)
        _admin_rows(cohort, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'bo'")
        sheet.mark("8.9", True)
        store.save(sheet)  # the old connection is gone: the store reconnects and saves
        assert set(store.sheets(session_id="reconnect")[0].marks) == {"4.1", "6.6", "8.9"}
        store.forget("reconnect")


def test_the_cohort_script_keeps_passwords_private_and_refuses_bad_names(cohort, tmp_path, capsys):
    mode = stat.S_IMODE(cohort.passwords.stat().st_mode)
    assert mode == 0o600
    assert set(cohort_script.read_passwords(cohort.passwords)) == {"ana", "bo", "mira", "cleo", "dara"}
    with pytest.raises(cohort_script.CohortError, match="cannot be a cohort member's role name"):
        cohort_script.check_name("Robert'); DROP TABLE sheets;--")
    assert cohort_script.main(["--passwords", str(cohort.passwords), "url", "nobody"]) == 2
    assert "not in" in capsys.readouterr().err


def test_backup_and_restore_keep_ratings_and_privacy(pg_cluster, cohort, tmp_path):
    import os
    import shutil
    import subprocess

    if shutil.which("pg_dump") is None and not (pg_cluster.bin / "pg_dump").exists():
        pytest.skip("pg_dump is not installed")
    with RatingStore(cohort("ana")) as store:
        kept = _sheet("ana", session_id="backed-up")
        store.save(kept)
    env = dict(os.environ, PGHOST=str(pg_cluster.dir), PGPORT=str(pg_cluster.port), PGUSER="postgres",
               PATH=f"{pg_cluster.bin}{os.pathsep}{os.environ.get('PATH', '')}")
    backup = subprocess.run([str(ROOT / "deploy" / "backup.sh"), "cohort", str(tmp_path / "backups")],
                            capture_output=True, text=True, env=env)
    assert backup.returncode == 0, backup.stderr
    [dump] = (tmp_path / "backups").glob("cohort-*.dump")
    [roles] = (tmp_path / "backups").glob("roles-*.sql")
    restore = subprocess.run([str(ROOT / "deploy" / "restore.sh"), str(dump), str(roles), "cohort_restored"],
                             capture_output=True, text=True, env=env)
    assert restore.returncode == 0, restore.stderr + restore.stdout
    with RatingStore(cohort("ana").replace("/cohort", "/cohort_restored")) as store:
        assert [s.id for s in store.sheets(session_id="backed-up")] == [kept.id]
        assert store.sheets(rater="bo") == []  # row-level security came back with the data
    with RatingStore(cohort("ana")) as store:
        store.forget("backed-up")

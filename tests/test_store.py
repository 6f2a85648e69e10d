"""RatingStore: saving, resuming, history, export/import, forget, schema versions.

Every test that takes ``store`` or ``location`` runs twice: against SQLite and against PostgreSQL (a
throwaway cluster on 127.0.0.1; see tests/_store_backends.py). Cohort privacy is in test_store_postgres.py."""

from __future__ import annotations

import csv
import json
import sqlite3

import _store_backends
import pytest
from _store_backends import raw

from coachkit.errors import CoachkitError
from coachkit.model import AnswerKey, Decision, RatingSheet, Session, Utterance
from coachkit.store import EXPORT_FORMAT, SCHEMA_VERSION, RatingStore

# The shared fixtures (both backends; the PostgreSQL cluster).
backend, location, pg_cluster = _store_backends.backend, _store_backends.location, _store_backends.pg_cluster


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHKIT_DB_URL", raising=False)


@pytest.fixture
def store(location):
    with RatingStore(location()) as s:
        yield s


def _sheet(session_id="s1", rater="ana", **marks):
    sheet = RatingSheet(session_id=session_id, rater=rater, rater_id="installation-1")
    for marker, value in marks.items():
        sheet.mark(marker.lstrip("m").replace("_", "."), value, evidence=["u3"] if value else [], note=f"note {marker}")
    return sheet


def test_save_then_read_back_everything(store):
    sheet = _sheet(m4_1=True, m6_6=None, m7_6=False)
    sheet.level_call = "PCC"
    sheet.group = "spring cohort"
    sheet.ethics_observed = True
    sheet.comments = "good listening"
    store.save(sheet)
    [back] = store.sheets()
    assert back == sheet  # every field, marks included
    assert back.marks["4.1"].evidence == ("u3",) and back.marks["6.6"].evidenced is None


def test_saving_again_updates_and_removes_marks(store):
    sheet = _sheet(m4_1=True, m6_6=True)
    store.save(sheet)
    sheet.mark("4.1", False)
    sheet.unmark("6.6")
    sheet.mark("8.9", True, evidence=["u9"])
    store.save(sheet)
    [back] = store.sheets()
    assert set(back.marks) == {"4.1", "8.9"} and back.marks["4.1"].evidenced is False
    assert len(store) == 1


def test_a_second_store_sees_changes_and_stale_snapshots_recover(location):
    path = location("r")
    a, b = RatingStore(path), RatingStore(path)
    sheet = _sheet(m4_1=True)
    a.save(sheet)
    other = b.sheets()[0]
    other.mark("5.5", True)
    b.save(other)  # b changed the sheet behind a's back
    sheet.mark("6.6", False)
    a.save(sheet)  # a's snapshot is stale: it must write the whole sheet, not a diff
    [back] = RatingStore(path).sheets()
    assert set(back.marks) == {"4.1", "6.6"}
    a.close(), b.close()


def test_new_sheet_is_a_new_attempt_and_resume_returns_latest_unfinished(store):
    first = _sheet(m4_1=True)
    first.finished = True
    store.save(first)
    assert store.resume("ana", "s1") is None
    second = _sheet(m6_6=True)
    store.save(second)
    third = _sheet(m7_6=True)
    third.updated = "2999-01-01T00:00:00+00:00"
    store.save(third)
    assert [s.id for s in store.sheets(session_id="s1")] == [first.id, second.id, third.id]
    assert store.resume("ana", "s1").id == third.id
    assert store.resume("bo", "s1") is None


def test_filters(store):
    a = _sheet(m4_1=True)
    b = _sheet("s2", rater="bo", m4_1=False)
    b.group = "g1"
    store.save(a), store.save(b)
    assert [s.id for s in store.sheets(rater="bo")] == [b.id]
    assert [s.id for s in store.sheets(session_id="s1")] == [a.id]
    assert [s.id for s in store.sheets(group="g1")] == [b.id]
    assert [s.id for s in store.sheets(rater_id=a.rater_id)] == [a.id, b.id]


def test_location_resolution(tmp_path, monkeypatch):
    store = RatingStore()
    assert store.location == str(tmp_path / "home" / "ratings.sqlite3")
    store.close()
    monkeypatch.setenv("COACHKIT_DB_URL", str(tmp_path / "elsewhere" / "x.sqlite3"))
    store = RatingStore()
    assert store.location == str(tmp_path / "elsewhere" / "x.sqlite3")
    store.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    assert RatingStore(folder).location == str(folder / "ratings.sqlite3")


def test_a_postgresql_url_that_cannot_be_reached_says_so_without_the_password(monkeypatch):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("COACHKIT_DB_URL", "postgresql://ana:s3cret-pw@127.0.0.1:1/coachkit")
    with pytest.raises(CoachkitError, match=r"cannot open the ratings store postgresql://ana:\*\*\*@127.0.0.1:1") as err:
        RatingStore()
    assert "s3cret-pw" not in str(err.value)
    with pytest.raises(CoachkitError, match="unknown store location"):
        RatingStore("mysql://x/y")


def test_schema_version_is_recorded_in_the_meta_table(store, location):
    assert store.schema_version == SCHEMA_VERSION
    assert raw(location(), "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]


def test_wal_and_schema_version(tmp_path):
    store = RatingStore(tmp_path / "ratings.sqlite3")
    conn = sqlite3.connect(tmp_path / "ratings.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    conn.close()
    assert store.schema_version == SCHEMA_VERSION
    store.close()


_VERSION_1 = [
    """CREATE TABLE sheets (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, rater TEXT NOT NULL,
        rater_id TEXT NOT NULL, level_call TEXT, comments TEXT NOT NULL DEFAULT '',
        finished INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, updated TEXT NOT NULL)""",
    """CREATE TABLE marks (sheet_id TEXT NOT NULL, marker TEXT NOT NULL, evidenced INTEGER,
        evidence TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '', PRIMARY KEY (sheet_id, marker))""",
    """INSERT INTO sheets VALUES ('old1', 's1', 'ana', 'rid-1', 'ACC', '', 1,
        '2024-05-01T10:00:00+00:00', '2024-05-01T10:30:00+00:00')""",
    "INSERT INTO marks VALUES ('old1', '4.1', 1, '[\"u2\"]', 'praise'), ('old1', '6.6', NULL, '[]', '')",
]


def test_opens_and_migrates_a_version_1_store_on_postgresql(pg_cluster):
    """The same migration on PostgreSQL, where the version is kept only in the meta table."""
    url = pg_cluster.create_database("version_one")
    raw(url, [*_VERSION_1, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
              "INSERT INTO meta VALUES ('schema_version', '1')"])
    with RatingStore(url) as store:
        assert store.schema_version == SCHEMA_VERSION
        [old] = store.sheets()
        assert old.id == "old1" and old.level_call == "ACC" and old.finished and old.group == ""
        assert old.marks["4.1"].evidence == ("u2",) and old.marks["6.6"].evidenced is None
        old.group = "g"
        store.save(old)
    with RatingStore(url) as store:
        assert store.sheets()[0].group == "g"


def test_opens_and_migrates_a_version_1_store(tmp_path):
    """A store written by schema version 1 (no group, no ethics, no sessions table, version in
    PRAGMA user_version) opens, keeps its marks, and is upgraded to the current version."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sheets (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, rater TEXT NOT NULL,
            rater_id TEXT NOT NULL, level_call TEXT, comments TEXT NOT NULL DEFAULT '',
            finished INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, updated TEXT NOT NULL);
        CREATE TABLE marks (sheet_id TEXT NOT NULL, marker TEXT NOT NULL, evidenced INTEGER,
            evidence TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '', PRIMARY KEY (sheet_id, marker));
        INSERT INTO sheets VALUES ('old1', 's1', 'ana', 'rid-1', 'ACC', '', 1,
            '2024-05-01T10:00:00+00:00', '2024-05-01T10:30:00+00:00');
        INSERT INTO marks VALUES ('old1', '4.1', 1, '["u2"]', 'praise'), ('old1', '6.6', NULL, '[]', '');
        PRAGMA user_version = 1;
        """
    )
    conn.commit()
    conn.close()
    store = RatingStore(path)
    assert store.schema_version == SCHEMA_VERSION
    [old] = store.sheets()
    assert old.id == "old1" and old.level_call == "ACC" and old.finished
    assert old.marks["4.1"].evidence == ("u2",) and old.marks["6.6"].evidenced is None
    assert old.updated == "2024-05-01T10:30:00+00:00" and old.group == ""
    old.group = "g"
    store.save(old)
    store.keep_session(_session())
    store.close()
    assert RatingStore(path).sheets()[0].group == "g"


def test_newer_or_foreign_database_is_refused(location, backend, tmp_path):
    newer = location("newer")
    RatingStore(newer).close()
    raw(newer, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(CoachkitError, match="newer coachkit"):
        RatingStore(newer)
    foreign = location("foreign")
    raw(foreign, "CREATE TABLE invoices (n INTEGER)")
    with pytest.raises(CoachkitError, match="not a coachkit ratings store"):
        RatingStore(foreign)
    if backend != "sqlite":
        return
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(CoachkitError, match="garbage.sqlite3"):
        RatingStore(garbage)


# ------------------------------------------------------------------------------------- export / import


def test_export_json_is_versioned_and_imports_idempotently(store, tmp_path, location):
    a, b = _sheet(m4_1=True, m6_6=None), _sheet("s2", rater="bo", m7_6=False)
    store.save(a), store.save(b)
    path = store.export(tmp_path / "out" / "ratings.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == EXPORT_FORMAT == "coachkit-ratings/2"
    assert doc["rater_id"] and doc["exported"] and len(doc["sheets"]) == 2
    other = RatingStore(location("other"))
    first = other.import_file(path)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = other.import_file(path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(s.id for s in other.sheets()) == sorted([a.id, b.id])
    assert {s.id: s for s in other.sheets()}[a.id] == a
    other.close()


def test_import_keeps_newer_local_work(store, tmp_path):
    sheet = _sheet(m4_1=True)
    sheet.updated = "2025-01-01T00:00:00+00:00"
    store.save(sheet)
    path = store.export(tmp_path / "old.json")
    sheet.mark("6.6", True)
    sheet.updated = "2025-02-01T00:00:00+00:00"
    store.save(sheet)
    summary = store.import_file(path)
    assert summary.unchanged == 1
    assert "6.6" in store.sheets()[0].marks


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"bad\.json:1: not a coachkit ratings export"),
        ('{"format": "zoom-chat/3"}', "not a coachkit ratings export"),
        ('{"format": "coachkit-ratings/3", "rater_id": "x", "sheets": []}', "newer than this coachkit"),
        ('{"format": "coachkit-ratings/1", "rater_id": "x"}', "'sheets'"),
        ("[1, 2]", "no 'format' field"),
    ],
)
def test_import_refuses_foreign_files_and_leaves_store_untouched(store, tmp_path, content, message):
    store.save(_sheet(m4_1=True))
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CoachkitError, match=message):
        store.import_file(bad)
    assert len(store.sheets()) == 1


def test_import_validates_every_sheet_before_writing(store, tmp_path):
    good = _sheet(m4_1=True).to_dict()
    broken = _sheet("s9", m4_1=True).to_dict()
    broken["marks"]["9.9"] = {"evidenced": True, "evidence": [], "note": ""}
    path = tmp_path / "half.json"
    path.write_text(json.dumps({"format": EXPORT_FORMAT, "exported": "x", "rater_id": "r", "sheets": [good, broken]}))
    with pytest.raises(CoachkitError, match=r"half\.json: sheet 2.*unknown marker '9\.9'"):
        store.import_file(path)
    assert store.sheets() == []  # the good first sheet was not written either
    with pytest.raises(CoachkitError, match="no such file"):
        store.import_file(tmp_path / "missing.json")


def test_export_csv_for_spreadsheets(store, tmp_path):
    sheet = _sheet(m4_1=True, m6_6=None)
    sheet.level_call = "MCC"
    store.save(sheet)
    store.save(_sheet("s2"))  # no marks yet: still one row
    path = store.export(tmp_path / "ratings.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    by_marker = {r["marker"]: r for r in rows if r["session_id"] == "s1"}
    assert by_marker["4.1"]["evidenced"] == "yes" and by_marker["4.1"]["evidence"] == "u3"
    assert by_marker["6.6"]["evidenced"] == "unsure" and by_marker["4.1"]["level_call"] == "MCC"
    with pytest.raises(CoachkitError, match=".json or .csv"):
        store.export(tmp_path / "ratings.xlsx")
    with pytest.raises(CoachkitError, match="spreadsheets"):
        store.import_file(path)


# ----------------------------------------------------------------------------------- sessions / forget


def _session(sid="mine"):
    talk = (
        Utterance("u1", "coach", "Sam", 0.0, 4.0, "What would you like?"),
        Utterance("u2", "client", "Lee", 4.5, 9.0, "Clarity."),
    )
    key = AnswerKey("PCC", "sum", 1, {"3.1": Decision(True, ("u1",), "asks", ())})
    return Session(
        sid,
        "My call",
        "full",
        None,
        (),
        "work",
        talk,
        key,
        source="call.vtt",
        notes=("coach: Sam",),
        meta={"coach": "Sam", "consent": "written"},
    )


def test_keep_session_round_trips(store):
    s = _session()
    store.keep_session(s)
    assert store.session("mine") == s
    assert store.kept_sessions() == ["mine"]
    assert store.session("other") is None


def test_forget_deletes_transcript_and_every_rating_of_it(store, location):
    store.keep_session(_session())
    for _ in range(3):
        store.save(_sheet("mine", m3_1=True))
    keep = _sheet("s1", m4_1=True)
    store.save(keep)
    assert store.forget("mine") == 3
    assert store.session("mine") is None and store.sheets(session_id="mine") == []
    assert [s.id for s in store.sheets()] == [keep.id]
    assert raw(location(), "SELECT count(*) FROM marks") == [(1,)]  # no orphaned marks


def test_sheet_dict_round_trip_and_validation():
    sheet = _sheet(m4_1=True)
    sheet.level_call = "below"
    d = sheet.to_dict()
    assert RatingSheet.from_dict(json.loads(json.dumps(d))) == sheet
    for field, value, message in [
        ("level_call", "Gold", "unknown level"),
        ("finished", "yes", "finished"),
        ("marks", {"4.1": {"evidenced": "maybe"}}, "evidenced must be"),
        ("rater_id", "", "rater_id"),
        ("colour", "red", "unknown field"),
    ]:
        bad = dict(d, **{field: value})
        with pytest.raises(CoachkitError, match=message):
            RatingSheet.from_dict(bad)


def test_closed_store_says_so(location):
    store = RatingStore(location("c"))
    store.close()
    with pytest.raises(CoachkitError, match="closed"):
        store.save(_sheet())

"""The store after the split (issue 12), against a hostile participant (issue 13), with competency calls and
key versions (issue 15) and calibration-check attempts (issue 17): on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import ast
import json
import shutil
import sqlite3
from pathlib import Path

import _store_backends
import pytest
from _store_backends import raw

from coachkit.errors import CoachkitError
from coachkit.exports import attempt_to_dict
from coachkit.metrics import conversation_metrics
from coachkit.model import CheckAttempt, RatingSheet
from coachkit.sheet_sources import StoreSource, load_exports, load_uploads, person_of
from coachkit.store import SCHEMA_VERSION, RatingStore
from coachkit.transcripts import load_transcript

backend, location, pg_cluster = _store_backends.backend, _store_backends.location, _store_backends.pg_cluster

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
STORAGE = ["store", "_backend", "_sqlite", "_pg", "_rows", "exports", "sheet_sources"]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHKIT_DB_URL", raising=False)
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)


@pytest.fixture
def store(location):
    with RatingStore(location()) as s:
        yield s


def _sheet(session_id="s1", rater="ana", sheet_id=None, **extra) -> RatingSheet:
    sheet = RatingSheet(session_id=session_id, rater=rater, rater_id=f"rid-{rater}", **extra)
    if sheet_id:
        sheet.id = sheet_id
    sheet.mark("4.1", True, evidence=["u3"], note="heard it")
    sheet.mark("6.6", False)
    return sheet


# ------------------------------------------------------------------------------------ issue 12: layers


def _imports(module: str) -> list[tuple[str, list[str], bool]]:
    """(module imported, names, inside a function) for every import of the kit's own modules."""
    tree = ast.parse((ROOT / "coachkit" / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    inside = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.append((node.module or "", [a.name for a in node.names], id(node) in inside))
        elif isinstance(node, ast.Import | ast.ImportFrom) and id(node) in inside:
            name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            found.append((f"<outside>{name}", [], True))
    return found


def test_storage_modules_import_down_only_and_stay_small():
    """store imports its backends, never the reverse; no private name crosses a module; an import inside
    a function only for psycopg; no storage module over 600 lines."""
    for module in STORAGE:
        lines = len((ROOT / "coachkit" / f"{module}.py").read_text(encoding="utf-8").splitlines())
        assert lines <= 600, f"{module}.py has {lines} lines"
        for target, names, in_function in _imports(module):
            assert not any(n.startswith("_") for n in names), f"{module} takes a private name from {target}"
            if in_function:
                assert target.startswith("<outside>psycopg"), f"{module} imports {target} inside a function"
    for low in ("_backend", "_sqlite", "_pg", "_rows", "exports"):
        assert not any(t in ("store", "sheet_sources", "group") for t, _, _ in _imports(low)), low
    assert not any(t.startswith("group") for t, _, _ in _imports("sheet_sources"))


def test_a_kept_session_keeps_its_cue_times_when_the_source_file_is_gone(store, tmp_path):
    """Issue 12's bug: metrics read cue times; a kept session must carry them."""
    source = tmp_path / "maya.vtt"
    shutil.copy(DATA / "transcripts" / "zoom.vtt", source)
    session = load_transcript(source)
    before = conversation_metrics(session)
    assert session.cues
    store.keep_session(session)
    source.unlink()
    back = store.session(session.id)
    assert back.cues == session.cues and back == session
    assert conversation_metrics(back) == before


def test_the_store_supplies_the_rater_id(store, tmp_path):
    sheet = RatingSheet(session_id="s1", rater="ana")
    assert sheet.rater_id == "" and not (tmp_path / "home" / "rater-id").exists()
    store.save(sheet)
    [back] = store.sheets()
    assert back.rater_id and back.rater_id == sheet.rater_id


# ------------------------------------------------------------------- issue 13: a hostile participant


def _refused(location_url: str, statement: str) -> None:
    with pytest.raises(Exception) as caught:
        raw(location_url, statement)
    assert any(word in str(caught.value) for word in ("coachkit", "shape", "violates", "json"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE marks SET evidence = 'not json' WHERE marker = '4.1'",
        "UPDATE marks SET evidence = '[1, 2]' WHERE marker = '4.1'",
        "UPDATE marks SET evidence = '{\"a\": \"u1\"}' WHERE marker = '4.1'",
        "UPDATE marks SET marker = '9.9' WHERE marker = '4.1'",
        "UPDATE marks SET evidenced = 7 WHERE marker = '4.1'",
        "UPDATE sheets SET level_call = 'GOLD'",
        "UPDATE sheets SET updated = 'zzzz'",
        "UPDATE sheets SET created = '2026-13-01'",
        "UPDATE sheets SET competency_calls = '{\"9\": \"PCC\"}'",
        "UPDATE sheets SET competency_calls = '{\"3\": \"GOLD\"}'",
        "UPDATE sheets SET key_version = 0",
        "UPDATE sheets SET rater_id = ''",
    ],
)
def test_raw_sql_cannot_store_a_value_the_reader_rejects(store, location, statement):
    store.save(_sheet())
    _refused(location(), statement)
    [back] = store.sheets()
    assert back.marks["4.1"].evidence == ("u3",) and back.level_call is None


def test_raw_sql_cannot_store_a_check_attempt_the_reader_rejects(store, location):
    store.save_check(CheckAttempt("ana", "A", ("ex-1", "full-1"), id="c1"))
    for statement in (
        "UPDATE checks SET stage = 'passed'",
        "UPDATE checks SET draw = '[\"../x\", 3]'",
        "UPDATE checks SET sheet_ids = 'nope'",
        "UPDATE checks SET started = 'yesterday'",
    ):
        _refused(location(), statement)
    assert [a.stage for a in store.check_attempts()] == ["excerpts"]


def _drop_guards(url: str) -> None:
    if url.startswith("postgresql:"):
        raw(url, [f"ALTER TABLE {t} DROP CONSTRAINT {t}_shape" for t in ("sheets", "marks", "checks")])
    else:
        raw(url, [f"DROP TRIGGER {t}_shape_{e}" for t in ("sheets", "marks", "checks") for e in ("insert", "update")])


def test_a_row_still_unreadable_is_left_out_and_named_never_fatal(store, location):
    """A row stored before the guards (or by someone who removed them) never breaks the group read."""
    good, bad, worse = _sheet(rater="ana"), _sheet(rater="bo"), _sheet(rater="cleo")
    for s in (good, bad, worse):
        store.save(s)
    _drop_guards(location())
    raw(location(), f"UPDATE marks SET evidence = '{{not json' WHERE sheet_id = '{bad.id}'")
    raw(location(), f"UPDATE sheets SET level_call = 'GOLD' WHERE id = '{worse.id}'")
    with RatingStore(location()) as fresh:
        assert [s.rater for s in fresh.sheets(session_id="s1")] == ["ana"]
        assert len(fresh.skipped) == 2 and any(bad.id in p for p in fresh.skipped)
        assert any(worse.id in p and "GOLD" in p for p in fresh.skipped)
        group = StoreSource(fresh, "s1").load()
        assert [s.rater for s in group.sheets] == ["ana"] and len(group.problems) == 2


def test_a_non_numeric_schema_version_is_a_readable_error(store, location):
    raw(location(), "UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(CoachkitError, match="unreadable schema version 'two'"):
        RatingStore(location())


def _export(tmp_path: Path, sheets: list[dict], name: str = "e.json", **top) -> Path:
    path = tmp_path / name
    doc = {"format": "coachkit-ratings/1", "exported": "2026-03-03T10:00:00+00:00", "rater_id": "r1", "sheets": sheets}
    doc.update(top)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _sheet_dict(**change) -> dict:
    d = _sheet(sheet_id="a1").to_dict()
    d.update(change)
    return d


@pytest.mark.parametrize(
    ("text_change", "message"),
    [
        (lambda t: t.replace('"key_version": null', '"key_version": ' + "7" * 5000), "a number 5000 digits long"),
        (lambda t: t.replace('"comments": ""', '"comments": "\\ud800"'), "lone surrogate"),
        (lambda t: t.replace('"comments": ""', '"comments": 1e999'), "too large"),
        (lambda t: t.replace('"comments": ""', '"comments": NaN'), "not a number JSON allows"),
    ],
)
def test_exports_with_hostile_numbers_or_text_are_refused_by_name(store, tmp_path, text_change, message):
    path = _export(tmp_path, [_sheet_dict()], name="hostile.json")
    path.write_text(text_change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CoachkitError, match=f"hostile.json.*{message}"):
        store.import_file(path)
    assert store.sheets() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"updated": "zzzz"}, "'updated' must be a time stamp"),
        ({"created": "2026-02-30"}, "'created' must be a time stamp"),
        ({"session_id": "../../../../x"}, "not a path"),
        ({"id": "../x"}, "sheet id"),
    ],
)
def test_exports_are_checked_on_the_way_in(store, tmp_path, change, message):
    path = _export(tmp_path, [_sheet_dict(**change)], name="forged.json")
    with pytest.raises(CoachkitError, match=f"forged.json: sheet 1: .*{message}"):
        store.import_file(path)
    assert store.sheets() == []


def test_a_bad_file_is_skipped_and_named_in_the_group_load_and_the_upload_box(tmp_path):
    good = _export(tmp_path, [_sheet_dict()], name="ana.json")
    bad = _export(tmp_path, [_sheet_dict(id="b1", session_id="../../x")], name="bo.json")
    digits = tmp_path / "cleo.json"
    digits.write_text('{"format": "coachkit-ratings/1", "rater_id": "r", "sheets": [' + "9" * 5000 + "]}")
    group = load_exports(tmp_path)
    assert [s.id for s in group.sheets] == ["a1"] and group.files == 3
    assert [p.split(":")[0] for p in group.problems] == ["bo.json", "cleo.json"]
    uploads = [(p.name, p.read_bytes()) for p in (good, bad, digits)]
    uploads.append(("../../etc/passwd", b"\xff\xfe"))
    loaded = load_uploads(uploads)
    assert [s.id for s in loaded.sheets] == ["a1"] and len(loaded.problems) == 3
    assert loaded.problems[-1].startswith("passwd: ") and all(s.imported for s in loaded.sheets)


def test_an_oversize_export_is_refused_before_it_is_read(store, tmp_path, monkeypatch):
    import coachkit.exports

    monkeypatch.setattr(coachkit.exports, "EXPORT_LIMIT", 100)
    path = _export(tmp_path, [_sheet_dict()], name="big.json")
    with pytest.raises(CoachkitError, match="big.json: this ratings export is .* more than the 100 bytes"):
        store.import_file(path)


def test_a_full_disk_during_import_is_a_readable_error_and_changes_nothing(tmp_path, monkeypatch):
    from coachkit._sqlite import SQLiteBackend

    path = tmp_path / "ratings.sqlite3"
    RatingStore(path).close()
    connect = SQLiteBackend.connect

    def full(self):
        conn = connect(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: the disk is full
        return conn

    monkeypatch.setattr(SQLiteBackend, "connect", full)
    sheets = [_sheet_dict(id=f"s{i}", comments="x" * 4000) for i in range(40)]
    with RatingStore(path) as store:
        with pytest.raises(CoachkitError, match="the disk holding it is full; nothing was changed"):
            store.import_file(_export(tmp_path, sheets))
        assert store.sheets() == []


def test_a_taken_id_is_refused_without_saying_whose(cohort_urls):
    """A participant's unique-key error must not tell them that someone else's session id exists."""
    from coachkit.model import Session, Utterance

    s = Session("shared-x", "t", "full", None, (), "", (Utterance("u1", "coach", "C", None, None, "Hi"),))
    with RatingStore(cohort_urls("bo")) as bo:
        bo.keep_session(s)
    with RatingStore(cohort_urls("ana")) as ana, pytest.raises(CoachkitError) as caught:
        ana.keep_session(s)
    assert "shared-x" not in str(caught.value) and "already exists" not in str(caught.value)


# ------------------------------------------------------------- issue 13: owners in cohort mode


@pytest.fixture(scope="module")
def cohort_urls(pg_cluster, tmp_path_factory):
    from test_store_postgres import cohort_script

    passwords = tmp_path_factory.mktemp("admin") / "passwords"
    server = pg_cluster.superuser_url()
    cohort_script.create(server, "cohort3")
    cohort_script.add(server, ["ana"], "spring", database="cohort3", passwords=passwords, display_name="Ana Lopez")
    cohort_script.add(server, ["bo"], "spring", database="cohort3", passwords=passwords)
    cohort_script.add(server, ["mira"], "spring", facilitator=True, database="cohort3", passwords=passwords)
    cohort_script.add(server, ["cleo"], "autumn", database="cohort3", passwords=passwords)

    def url(name: str) -> str:
        return cohort_script.url_for(name, passwords, port=pg_cluster.port, database="cohort3")

    return url


def test_the_facilitator_counts_database_owners_not_typed_rater_ids(cohort_urls, tmp_path):
    """Ballot stuffing: ana saves 3 sheets under made-up names and ids, one as bo; the group holds one ana."""
    with RatingStore(cohort_urls("ana")) as ana:
        for i, rater in enumerate(("Ana", "Zed", "bo")):
            sheet = _sheet("stuffed", rater=rater, created=f"2026-03-0{i + 1}T10:00:00+00:00")
            sheet.rater_id = f"made-up-{i}"
            ana.save(sheet)
        imported = _export(tmp_path, [_sheet_dict(id="imp1", session_id="stuffed", rater_id="rid-x")])
        ana.import_file(imported)
    with RatingStore(cohort_urls("bo")) as bo:
        bo.save(_sheet("stuffed", rater="bo"))
    with RatingStore(cohort_urls("mira")) as mira:
        sheets = mira.sheets(session_id="stuffed")
        assert {s.owner for s in sheets} == {"ana", "bo"} and len(sheets) == 5
        assert [s.id for s in sheets if s.imported] == ["imp1"]
        group = StoreSource(mira, "stuffed").load()
        assert sorted(person_of(s) for s in group.sheets) == ["ana", "bo", "rid-x"] and group.replaced == 2
        assert [s.id for s in group.sheets if s.imported] == ["imp1"]  # counted by its rater id, not vouched for
        members = {m.role: m for m in mira.members(group="spring")}
        assert set(members) == {"ana", "bo", "mira"} and members["ana"].name == "Ana Lopez"
        assert members["bo"].name == "bo" and members["mira"].facilitates
    with RatingStore(cohort_urls("ana")) as ana:
        assert [m.role for m in ana.members()] == ["ana"]


# -------------------------------------------------- issue 15: competency calls, key versions, migration


def test_competency_calls_and_key_version_are_kept(store, location):
    sheet = _sheet(key_version=3)
    sheet.call_competency(6, "PCC")
    sheet.call_competency(8, "below")
    store.save(sheet)
    sheet.call_competency(6, "MCC")
    store.save(sheet)
    with RatingStore(location()) as other:
        [back] = other.sheets()
    assert back.competency_calls == {6: "MCC", 8: "below"} and back.key_version == 3 and back == sheet


def test_a_store_and_an_export_written_by_the_current_release_open_and_read(tmp_path):
    """tests/data/store-v2: a ratings database and an export written by the release before schema 3."""
    path = tmp_path / "ratings.sqlite3"
    shutil.copy(DATA / "store-v2" / "ratings.sqlite3", path)
    with RatingStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 3
        old = {s.id: s for s in store.sheets()}
        assert set(old) == {"sheet-old-1", "sheet-old-2"}
        first = old["sheet-old-1"]
        assert first.marks["4.1"].evidence == ("u12", "u14") and first.level_call == "ACC" and first.finished
        assert first.competency_calls == {} and first.key_version is None and not first.imported
        kept = store.session("zoom")  # a transcript the previous release kept (before cues were stored)
        assert kept.id == "zoom" and len(kept.utterances) == 5 and kept.utterances[0].start is not None
        summary = store.import_file(DATA / "store-v2" / "export-v1.json")
        assert (summary.added, summary.updated) == (1, 0)
        [bo] = store.sheets(rater="Bo")
        assert bo.imported and bo.marks["8.9"].evidence == ("u40",)
        second = old["sheet-old-2"]
        second.call_competency(4, "ACC")
        second.key_version = 2
        store.save(second)
    with RatingStore(path) as store:
        assert store.sheets(rater="Ana")[1].competency_calls == {4: "ACC"}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3


# The schema 2 tables as the release before schema 3 made them on PostgreSQL (coachkit/store.py and _pg.py).
_PG_VERSION_2 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE sheets (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, rater TEXT NOT NULL,
        rater_id TEXT NOT NULL, group_name TEXT NOT NULL DEFAULT '', level_call TEXT, ethics_observed INTEGER,
        comments TEXT NOT NULL DEFAULT '', finished INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
        updated TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 1, saved_at DOUBLE PRECISION NOT NULL DEFAULT 0,
        owner TEXT NOT NULL DEFAULT current_user)""",
    """CREATE TABLE marks (sheet_id TEXT NOT NULL REFERENCES sheets(id) ON DELETE CASCADE, marker TEXT NOT NULL,
        evidenced INTEGER, evidence TEXT NOT NULL DEFAULT '[]', note TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT current_user, PRIMARY KEY (sheet_id, marker))""",
    "CREATE TABLE sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, kept TEXT NOT NULL, owner TEXT NOT NULL DEFAULT current_user)",
    """CREATE TABLE coachkit_members (member TEXT NOT NULL, group_name TEXT NOT NULL CHECK (group_name <> ''),
        facilitates BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (member, group_name))""",
    "INSERT INTO meta VALUES ('schema_version', '2')",
    """INSERT INTO sheets (id, session_id, rater, rater_id, level_call, finished, created, updated)
        VALUES ('old2', 'farah-credit-acc', 'ana', 'rid-1', 'PCC', 1, '2025-05-01T10:00:00+00:00', '2025-05-01T10:30:00+00:00')""",
    "INSERT INTO marks (sheet_id, marker, evidenced, evidence) VALUES ('old2', '5.2', 1, '[\"u9\"]')",
    "INSERT INTO marks (sheet_id, marker, evidenced, evidence) VALUES ('old2', '7.7', 0, 'garbage')",
]


def test_a_version_2_store_on_postgresql_is_migrated(pg_cluster):
    url = pg_cluster.create_database("version_two")
    raw(url, _PG_VERSION_2)
    with RatingStore(url) as store:
        assert store.schema_version == 3
        assert store.sheets() == [] and "old2" in store.skipped[0]  # its broken mark: left out, named
        raw(url, "UPDATE marks SET evidence = '[]' WHERE marker = '7.7'")
        [old] = store.sheets()
        assert old.marks["5.2"].evidence == ("u9",) and old.competency_calls == {} and old.key_version is None
        old.call_competency(5, "PCC")
        store.save(old)
        store.save_check(CheckAttempt("ana", "A", ("x",), id="c1"))
        assert store.sheets()[0].competency_calls == {5: "PCC"} and len(store.check_attempts()) == 1


@pytest.fixture
def aliased_library(tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    (library / "aliases.yaml").write_text(
        "format: coachkit-aliases/1\naliases:\n  farah-credit-acc: farah-stolen-slides\n", encoding="utf-8"
    )
    monkeypatch.setenv("COACHKIT_LIBRARY", str(library))
    return library


def test_old_session_ids_map_to_new_ones_on_import_and_resume(store, aliased_library):
    store.import_file(DATA / "store-v2" / "export-v1.json")
    [bo] = store.sheets()
    assert bo.session_id == "farah-stolen-slides"
    assert [s.id for s in store.sheets(session_id="farah-stolen-slides")] == ["sheet-bo-1"]
    old = _sheet("farah-credit-acc", rater="cleo")
    store.save(old)  # a sheet saved by an older kit under the old id
    resumed = store.resume("cleo", "farah-stolen-slides")
    assert resumed.id == old.id and resumed.session_id == "farah-stolen-slides"
    assert store.resume("cleo", "farah-credit-acc").id == old.id


def test_a_store_written_by_the_current_release_resumes_under_new_ids(tmp_path, aliased_library):
    path = tmp_path / "ratings.sqlite3"
    shutil.copy(DATA / "store-v2" / "ratings.sqlite3", path)
    with RatingStore(path) as store:
        resumed = store.resume("Ana", "farah-stolen-slides")
        assert resumed.id == "sheet-old-2" and resumed.session_id == "farah-stolen-slides"


# ----------------------------------------------------------------------- issue 17: check attempts


def test_a_check_attempt_resumes_exactly_where_it_stopped(store, location):
    attempt = CheckAttempt("ana", "A", ("ex-3", "ex-1", "full-2"), stage="full")
    attempt.sheet_ids.update({"ex-3": "sh-1", "ex-1": "sh-2"})
    store.save_check(attempt)
    assert attempt.rater_id  # supplied by the store
    store.save_check(CheckAttempt("ana", "B", ("ex-9",), stage="done"))
    with RatingStore(location()) as other:
        back = other.resume_check("ana", "A")
        assert back == attempt and back.stage == "full" and back.draw == ("ex-3", "ex-1", "full-2")
        assert back.sheet_ids == {"ex-3": "sh-1", "ex-1": "sh-2"} and not back.imported
        assert other.resume_check("ana", "B") is None and other.resume_check("bo", "A") is None
        assert [a.form for a in other.check_attempts(rater="ana")] == ["A", "B"]
        assert [a.form for a in other.check_attempts(form="B")] == ["B"]
    with pytest.raises(CoachkitError, match="draw"):
        store.save_check(CheckAttempt("ana", "A", ("../../x",)))


def test_check_attempts_travel_in_exports_and_arrive_flagged_imported(store, location, tmp_path):
    sheet = _sheet("ex-1")
    store.save(sheet)
    attempt = CheckAttempt("ana", "A", ("ex-1", "full-1"), sheet_ids={"ex-1": sheet.id})
    store.save_check(attempt)
    path = store.export(tmp_path / "ana.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "coachkit-ratings/2" and doc["checks"][0]["sheet_ids"] == {"ex-1": sheet.id}
    with RatingStore(location("facilitator")) as theirs:
        summary = theirs.import_file(path)
        assert summary.checks == 1 and summary.added == 1
        [back] = theirs.check_attempts()
        assert attempt_to_dict(back) == attempt_to_dict(attempt) and back.imported
        assert theirs.import_file(path).checks == 0  # again: nothing new


def test_a_broken_character_in_a_sheet_is_a_readable_error(store):
    sheet = _sheet()
    sheet.comments = "\ud800"
    with pytest.raises(CoachkitError, match="broken character"):
        store.save(sheet)
    assert store.sheets() == []


def test_check_attempts_are_private_in_a_cohort_and_readable_by_the_facilitator(cohort_urls):
    with RatingStore(cohort_urls("ana")) as ana:
        ana.save_check(CheckAttempt("Ana", "A", ("ex-1",), id="ana-check-1"))
    with RatingStore(cohort_urls("bo")) as bo:
        assert bo.check_attempts() == []
        forged = CheckAttempt("Ana", "A", ("ex-1",), id="ana-check-1", stage="done")
        with pytest.raises(CoachkitError, match="row-level security") as caught:
            bo.save_check(forged)
        assert "ana-check-1" not in str(caught.value)
    with RatingStore(cohort_urls("mira")) as mira:
        assert [(a.id, a.stage) for a in mira.check_attempts(form="A")] == [("ana-check-1", "excerpts")]
    with RatingStore(cohort_urls("cleo")) as cleo:
        assert cleo.check_attempts() == []


def test_a_broken_alias_file_never_hides_the_ratings(store, tmp_path, monkeypatch):
    library = tmp_path / "broken-library"
    library.mkdir()
    (library / "aliases.yaml").write_text("aliases: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("COACHKIT_LIBRARY", str(library))
    store.save(_sheet("farah-credit-acc"))
    assert [s.session_id for s in store.sheets()] == ["farah-credit-acc"]
    assert store.import_file(DATA / "store-v2" / "export-v1.json").added == 1

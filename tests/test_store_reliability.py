"""The store never loses a mark: a process killed right after save() returns, and many processes saving
at once. Each test runs real Python processes, against SQLite (a database under tmp_path) and against
PostgreSQL (a throwaway cluster on 127.0.0.1; see tests/_store_backends.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import _store_backends
import pytest

from coachkit.store import RatingStore

# The shared fixtures (both backends; the PostgreSQL cluster).
backend, location, pg_cluster = _store_backends.backend, _store_backends.location, _store_backends.pg_cluster

ROOT = Path(__file__).resolve().parents[1]

WRITER = textwrap.dedent(
    """
    import sys
    from coachkit.framework import framework
    from coachkit.model import RatingSheet
    from coachkit.store import RatingStore

    store = RatingStore(sys.argv[1])
    markers = framework().marker_ids
    i = 0
    while True:
        sheet = RatingSheet(session_id=f"s{i % 4}", rater="ana")
        for j, marker in enumerate(markers):
            value = [True, False, None][(i + j) % 3]
            sheet.mark(marker, value, evidence=[f"u{j}"] if value else [], note=f"{i}-{j}")
            store.save(sheet)
            print(sheet.id, marker, value, f"{i}-{j}", flush=True)  # only after save() returned
        i += 1
    """
)

PARALLEL = textwrap.dedent(
    """
    import os, sys, time
    from coachkit.model import RatingSheet
    from coachkit.store import RatingStore

    path, go, who, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    while not os.path.exists(go):
        time.sleep(0.001)
    store = RatingStore(path)  # every process may be the one that creates the database
    for k in range(n):
        sheet = RatingSheet(session_id=f"s{k % 3}", rater=f"p{who}")
        for marker in ("3.1", "4.1", "4.2", "6.6", "7.6"):
            sheet.mark(marker, k % 2 == 0)
            store.save(sheet)  # one save per click
        sheet.finished = True
        store.save(sheet)
    print("done", who, flush=True)
    """
)


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["COACHKIT_HOME"] = str(tmp_path / "home")
    # An installation made its stable rater id long before anyone rated: these tests are about the
    # store, so the processes must not race to create it (settings.rater_id's own concern).
    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "home" / "rater-id").write_text("rid-reliability\n", encoding="utf-8")
    env.pop("COACHKIT_DB_URL", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 57, 160])
def test_sigkill_right_after_save_loses_nothing(tmp_path, kill_after, location, backend):
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    db = location()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    reported = []
    try:
        while len(reported) < kill_after:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped early: {proc.stderr.read()}")
            reported.append(line.split())
        os.kill(proc.pid, signal.SIGKILL)  # mid-way through the next save, most likely
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Lines already in the pipe were printed after their save returned: they count too.
    reported += [line.split() for line in proc.stdout.read().splitlines() if line.strip()]
    proc.stdout.close(), proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    if backend == "sqlite":
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    with RatingStore(db) as store:
        saved = {s.id: s for s in store.sheets()}
    expected = {}
    for sheet_id, marker, value, note in reported:
        expected[(sheet_id, marker)] = ({"True": True, "False": False, "None": None}[value], note)
    for (sheet_id, marker), (value, note) in expected.items():
        assert sheet_id in saved, f"sheet {sheet_id} was reported saved but is gone"
        mark = saved[sheet_id].marks.get(marker)
        assert mark is not None, f"mark {marker} of {sheet_id} was reported saved but is gone"
        assert (mark.evidenced, mark.note) == (value, note)


@pytest.mark.slow
def test_eight_processes_saving_at_once_all_succeed(tmp_path, location, backend):
    script = tmp_path / "parallel.py"
    script.write_text(PARALLEL, encoding="utf-8")
    # Nobody has created the store yet: every process may be the one that makes the schema.
    db = str(tmp_path / "fresh" / "ratings.sqlite3") if backend == "sqlite" else location()
    go = tmp_path / "go"
    n = 15
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(db), str(go), str(who), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
            cwd=tmp_path,
        )
        for who in range(8)
    ]
    time.sleep(1.0)  # let every interpreter start and wait at the line
    go.write_text("go")
    results = [p.communicate(timeout=300) for p in procs]
    for who, (p, (out, err)) in enumerate(zip(procs, results, strict=True)):
        assert p.returncode == 0, f"process {who} failed: {err}"
        assert "locked" not in (out + err).lower() and "busy" not in (out + err).lower()
        assert out.strip() == f"done {who}"
    with RatingStore(db) as store:
        sheets = store.sheets()
    assert len(sheets) == 8 * n
    assert all(s.finished and len(s.marks) == 5 for s in sheets)
    assert {s.rater for s in sheets} == {f"p{who}" for who in range(8)}

"""Saving one mark through ``RatingStore.save``, as a ratio to a bare sqlite3 INSERT and COMMIT of the same
row in the same run (same folder, same WAL journal and ``synchronous = FULL``). Goal <= 3x.

The learner clicks one marker on a sheet that already holds all 37 marks; the store writes that sheet's
record and the changed mark in one transaction. The baseline writes only the mark row.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path


def _bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE marks (sheet_id TEXT NOT NULL, marker TEXT NOT NULL, evidenced INTEGER, "
        "evidence TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (sheet_id, marker))"
    )
    return conn


def run(repeat: int = 300) -> list[dict]:
    os.environ.setdefault("COACHKIT_HOME", tempfile.mkdtemp(prefix="coachkit-bench-home-"))
    from coachkit.framework import framework
    from coachkit.model import RatingSheet
    from coachkit.store import RatingStore

    markers = framework().marker_ids
    with tempfile.TemporaryDirectory(prefix="coachkit-bench-") as folder:
        store = RatingStore(Path(folder) / "ratings.sqlite3")
        sheet = RatingSheet(session_id="bench", rater="ana")
        for m in markers:
            sheet.mark(m, True, evidence=["u12"], note="heard it")
        store.save(sheet)
        bare = _bare(Path(folder) / "bare.sqlite3")
        ours, base = [], []
        for i in range(repeat):
            marker = markers[i % len(markers)]
            value = bool(i % 2)
            sheet.mark(marker, value, evidence=["u12"], note="heard it")
            t = time.perf_counter()
            store.save(sheet)
            ours.append(time.perf_counter() - t)

            row = (sheet.id, marker, int(value), '["u12"]', "heard it")
            t = time.perf_counter()
            bare.execute("BEGIN")
            bare.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?)", row)
            bare.execute("COMMIT")
            base.append(time.perf_counter() - t)
        store.close()
        bare.close()
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    return [
        {
            "benchmark": "save one mark (37-mark sheet)",
            "baseline": "bare sqlite3 INSERT+COMMIT",
            "ratio": m_ours / m_base,
            "goal": 3.0,
            "detail": f"{m_ours * 1e6:.0f} us vs {m_base * 1e6:.0f} us (median of {repeat}, WAL, synchronous=FULL)",
        }
    ]


if __name__ == "__main__":
    for row in run():
        print(row)

"""The facilitator's group path: 1,000 raters x 20 sessions x 37 markers (740,000 marks) compared with
their answer keys in one vectorised call (``compare_frame``), as a ratio to a bare pandas groupby over the
same frame (``groupby(["rater_id", "session_id"])["learner"].count()``) in the same run. Goal <= 2x.
A second row adds the per-rater, per-session agreement table (``agreement_by``) for information.
"""

from __future__ import annotations

import statistics
import time


def _frames(n_raters: int = 1000, n_sessions: int = 20, seed: int = 11):
    import numpy as np
    import pandas as pd

    from coachkit.framework import framework

    markers = np.array(framework().marker_ids, dtype=object)
    rng = np.random.default_rng(seed)
    raters = np.array([f"r{i:04d}" for i in range(n_raters)], dtype=object)
    sessions = np.array([f"session-{j:02d}" for j in range(n_sessions)], dtype=object)
    per_rater = n_sessions * len(markers)
    learner = np.array([True, False, None], dtype=object)[rng.choice(3, size=n_raters * per_rater, p=[0.45, 0.45, 0.1])]
    marks = pd.DataFrame(
        {
            "rater_id": np.repeat(raters, per_rater),
            "session_id": np.tile(np.repeat(sessions, len(markers)), n_raters),
            "marker": np.tile(markers, n_raters * n_sessions),
            "learner": learner,
        }
    )
    keys = pd.DataFrame(
        {
            "session_id": np.repeat(sessions, len(markers)),
            "marker": np.tile(markers, n_sessions),
            "assessor": rng.random(n_sessions * len(markers)) < 0.6,
        }
    )
    return marks, keys


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(repeat: int = 7) -> list[dict]:
    from coachkit.frames import agreement_by, compare_frame

    marks, keys = _frames()
    n = len(marks)
    compare_frame(marks, keys)  # warm up (imports, caches)

    def baseline():
        return marks.groupby(["rater_id", "session_id"])["learner"].count()

    def ours():
        return compare_frame(marks, keys)

    def ours_with_table():
        return agreement_by(compare_frame(marks, keys), by=["rater_id", "session_id"])

    base, kit, kit_table = [], [], []
    for _ in range(repeat):  # interleaved, so drift hits all three alike
        base.append(_median(baseline, 1))
        kit.append(_median(ours, 1))
        kit_table.append(_median(ours_with_table, 1))
    b, k, kt = statistics.median(base), statistics.median(kit), statistics.median(kit_table)
    return [
        {
            "benchmark": f"compare_frame, {n:,} marks",
            "baseline": "pandas groupby count",
            "ratio": k / b,
            "goal": 2.0,
            "detail": f"{k * 1000:.0f} ms vs {b * 1000:.0f} ms (median of {repeat})",
        },
        {
            "benchmark": "compare_frame + agreement_by",
            "baseline": "pandas groupby count",
            "ratio": kt / b,
            "goal": 4.0,
            "detail": f"{kt * 1000:.0f} ms (per rater and session: kappa, AC1, agreement)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)

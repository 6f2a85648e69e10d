"""Benchmark: reading a 90-minute Zoom transcript, as a ratio to webvtt-py's bare read of the same file.

``load_transcript`` reads and checks every block itself in one pass (so no cue is dropped silently),
then works out speakers and merges cues into turns; the first row times that plus every metric (and
their reasons), each repeat on a fresh copy of the file. Goal: at most 1.5 times webvtt-py's
``webvtt.read`` of a fresh copy of the same file, in the same run. ``conversation_metrics`` is also timed
on its own.

Run it with ``python benchmarks/bench_transcripts.py``; a runner may import it and call :func:`run`.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from coachkit.model import vtt_timestamp

GOAL = 1.5
CUES = 2400
MINUTES = 90

_WORDS = (
    "what would make this session worthwhile for you I want to decide whether to take the role and how "
    "will you know you got it it feels like the job would take me away from the work I love so where "
    "does that leave you right now maybe I need to talk to my manager first"
).split()


def make_zoom_transcript(path: Path, cues: int = CUES, minutes: float = MINUTES, seed: int = 7) -> Path:
    """Write a Zoom-style WebVTT file of ``cues`` cues spread over ``minutes`` minutes."""
    rng = random.Random(seed)
    step = minutes * 60 / cues
    out = ["WEBVTT", ""]
    speaker = "Jordan Lee"
    for n in range(1, cues + 1):
        start = (n - 1) * step + rng.uniform(0, 0.2)
        end = start + step * rng.uniform(0.6, 1.05)
        if rng.random() < 0.45:
            speaker = "Maya" if speaker == "Jordan Lee" else "Jordan Lee"
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 18)))
        text = words.capitalize() + ("?" if speaker == "Jordan Lee" and rng.random() < 0.5 else ".")
        out += [str(n), f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}", f"{speaker}: {text}", ""]
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def _median_seconds(fns, repeat: int) -> list[float]:
    """Median time of each function; runs are interleaved so a busy machine slows them all alike."""
    for fn in fns:
        fn()  # warm up (imports, regex compilation)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - t0)
    return [statistics.median(spent) for spent in times]


def run(repeat: int = 15) -> list[dict]:
    """Time the reader and the metrics against ``webvtt.read``; one row per comparison.

    Every repeat reads a fresh copy of the file (a new name each time), so no cache of a file already
    read serves it; the baseline reads fresh copies too.
    """
    import itertools
    import shutil

    import webvtt

    from coachkit.metrics import conversation_metrics, metric_reasons
    from coachkit.transcripts import load_transcript

    with tempfile.TemporaryDirectory() as folder:
        path = make_zoom_transcript(Path(folder) / "session.vtt")
        counter = itertools.count()

        def fresh() -> Path:
            copy = Path(folder) / f"copy-{next(counter)}.vtt"
            shutil.copyfile(path, copy)
            return copy

        def load_and_metrics():
            s = load_transcript(fresh(), coach="Jordan Lee")
            metric_reasons(s, conversation_metrics(s))

        session = load_transcript(path, coach="Jordan Lee")
        baseline, load, metrics = _median_seconds(
            [
                lambda: webvtt.read(str(fresh())),
                load_and_metrics,
                lambda: conversation_metrics(session),
            ],
            repeat,
        )
    detail = f"{CUES} cues, {MINUTES} min Zoom .vtt; median of {repeat}; webvtt.read {baseline * 1000:.1f} ms"
    return [
        {
            "benchmark": "load_transcript + all metrics (90-min Zoom .vtt)",
            "baseline": "webvtt.read of the same file",
            "ratio": round(load / baseline, 2),
            "goal": GOAL,
            "detail": f"{detail}; load_transcript + metrics {load * 1000:.1f} ms; fresh copy each repeat",
        },
        {
            "benchmark": "conversation_metrics (same session)",
            "baseline": "webvtt.read of the same file",
            "ratio": round(metrics / baseline, 2),
            "goal": GOAL,
            "detail": f"{detail}; conversation_metrics {metrics * 1000:.1f} ms",
        },
    ]


if __name__ == "__main__":
    for row in run():
        verdict = "ok" if row["ratio"] <= row["goal"] else "OVER GOAL"
        print(f"{row['benchmark']}: {row['ratio']:.2f}x {row['baseline']} (goal <= {row['goal']}x, {verdict})")
        print(f"    {row['detail']}")

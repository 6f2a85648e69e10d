"""How long ``import coachkit`` takes, as a ratio to importing pandas, matplotlib.pyplot and ipywidgets
(what a kit that imported them eagerly would pay), each in fresh processes in the same run. Goal <= 0.5x."""

from __future__ import annotations

import statistics
import subprocess
import sys


def _median_import(stmt: str, repeat: int = 7) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def run() -> list[dict]:
    baseline = _median_import("import pandas, matplotlib.pyplot, ipywidgets")
    kit = _median_import("import coachkit")
    cli = _median_import("import coachkit.cli")
    return [
        {"benchmark": "import coachkit", "baseline": "import pandas+pyplot+ipywidgets", "ratio": kit / baseline,
         "goal": 0.5, "detail": f"{kit * 1000:.0f} ms vs {baseline * 1000:.0f} ms (median of 7 processes)"},
        {"benchmark": "import coachkit.cli", "baseline": "import pandas+pyplot+ipywidgets", "ratio": cli / baseline,
         "goal": 0.5, "detail": f"{cli * 1000:.0f} ms"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)

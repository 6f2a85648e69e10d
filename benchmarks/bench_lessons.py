"""Each lesson in notebooks/ executed top to bottom through a fresh kernel (nbclient, as nbval runs them),
as a ratio to an empty notebook through the same kernel type in the same run. Goal <= 2x each.

Both timings include starting the kernel and shutting it down: that is what a learner pays after
"Restart and Run All", and what the test run pays per lesson. Runs are interleaved (empty notebook,
then every lesson, three rounds) and the median of 3 is reported, so a busy machine slows them alike.
The lessons run with ``COACHKIT_HOME`` in a throwaway folder: the benchmark never writes into the
user's real ratings. The kit's bytecode is written first, as pip writes it for an installed package (and
``make lab`` for the checkout), so no kernel compiles the kit again where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "notebooks"
GOAL = 2.0
KERNEL = "python3"


def _empty_notebook():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    return nb


def _execute(nb, cwd: Path) -> float:
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=600, kernel_name=KERNEL, resources={"metadata": {"path": str(cwd)}})
    t = time.perf_counter()
    client.execute()
    return time.perf_counter() - t


def run(repeat: int = 3) -> list[dict]:
    import nbformat

    home = tempfile.mkdtemp(prefix="coachkit-bench-lessons-")
    saved = {k: os.environ.get(k) for k in ("COACHKIT_HOME", "COACHKIT_DB_URL", "MPLBACKEND")}
    os.environ["COACHKIT_HOME"] = home  # the kernels inherit it
    os.environ.pop("COACHKIT_DB_URL", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    lessons = sorted(LESSONS.glob("[0-9]*.ipynb"))
    compileall.compile_dir(ROOT / "coachkit", quiet=1)
    try:
        _execute(_empty_notebook(), LESSONS)  # warm the disk cache and the kernel spec lookup
        empty: list[float] = []
        times: dict[str, list[float]] = {p.name: [] for p in lessons}
        for _ in range(repeat):
            empty.append(_execute(_empty_notebook(), LESSONS))
            for path in lessons:
                times[path.name].append(_execute(nbformat.read(path, as_version=4), LESSONS))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(home, ignore_errors=True)
    base = statistics.median(empty)
    rows = []
    for name, spent in times.items():
        t = statistics.median(spent)
        rows.append(
            {
                "benchmark": f"lesson {name.removesuffix('.ipynb')}",
                "baseline": "empty notebook, same kernel",
                "ratio": t / base,
                "goal": GOAL,
                "detail": f"{t:.2f} s vs {base:.2f} s (kernel start to shutdown, median of {repeat})",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

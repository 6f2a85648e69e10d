#!/usr/bin/env python3
"""Run every benchmark in this folder and print one table: each figure a ratio to a baseline measured in
the same run, with its goal beside it.

Each ``bench_*.py`` module has ``run() -> list[dict]`` with rows
``{"benchmark": str, "baseline": str, "ratio": float, "goal": float, "detail": str}``.
Usage: ``make bench`` (or ``python benchmarks/run.py [NAME ...]`` for some of them, e.g. ``import``).
"""

from __future__ import annotations

import importlib.util
import platform
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows, failed = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(_load(path).run())
        except Exception:  # a broken benchmark is reported, the others still run
            failed.append(path.name)
            traceback.print_exc()
    import os

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    width = max([len(r["benchmark"]) for r in rows] + [9])
    bwidth = max([len(r["baseline"]) for r in rows] + [8])
    print(f"{'benchmark':<{width}}  {'baseline':<{bwidth}}  {'ratio':>7}  {'goal':>6}  ok   detail")
    bad = 0
    for r in rows:
        ok = r["ratio"] <= r["goal"]
        bad += not ok
        print(f"{r['benchmark']:<{width}}  {r['baseline']:<{bwidth}}  {r['ratio']:>6.2f}x  "
              f"{'<=' + format(r['goal'], 'g') + 'x':>6}  {'yes' if ok else 'NO ':<4} {r.get('detail', '')}")
    if failed:
        print(f"failed to run: {', '.join(failed)}")
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

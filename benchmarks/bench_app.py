"""The app view (Voila) of the rating lesson, 03_rate_a_full_session, becoming interactive: from asking for
the page until the RatingForm's "Start rating" button is visible and enabled (a trial click succeeds) and
the session's transcript turns are on screen. Baseline: a hello-world Voila notebook (one ipywidgets
Button) until its button is visible and enabled, served by the same Voila server in the same run, in the
same browser (Debian's Chromium driven by Playwright). Goal <= 1.5x. Median of 3, interleaved.

A second row opens the rating panel on a 45-minute session of about 400 turns (the size issue 6 names),
generated for the run by tiling a sample session's turns and stretching their times to 45 minutes, with the
same goal. Without Chromium or Playwright the benchmark returns a "skipped" row.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "03_rate_a_full_session.ipynb"
GOAL = 1.5
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _skip(why: str) -> list[dict]:
    return [{"benchmark": "app view: rating lesson interactive", "baseline": "hello-world Voila notebook",
             "ratio": 0.0, "goal": GOAL, "detail": f"skipped: {why}"}]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _long_session(library: Path, minutes: float = 45.0, turns: int = 400) -> int:
    """Write a ``bench-45-minute`` session into ``library``: a sample session's turns tiled to about
    ``turns`` turns, times stretched to ``minutes``, the sample's key kept (it cites the first copy)."""
    from dataclasses import replace

    from coachkit.library import load_session, write_session
    from coachkit.model import Utterance

    base = load_session("ngozi-leadership-pcc")
    span = base.utterances[-1].end
    copies = -(-turns // len(base.utterances))
    scale = minutes * 60 / (span * copies)
    tiled = []
    for k in range(copies):
        for u in base.utterances:
            uid = u.id if k == 0 else f"u{k * 100000 + int(u.id[1:])}"
            tiled.append(Utterance(uid, u.speaker, u.name, (u.start + k * span) * scale, (u.end + k * span) * scale,
                                   u.text))
    session = replace(base, id="bench-45-minute", title="A 45-minute session (benchmark)", utterances=tuple(tiled),
                      description="", notes=())
    write_session(session, library / "bench-45-minute", consent="fictional")
    return len(tiled)


def _notebooks(folder: Path) -> tuple[float, int]:
    """Write the hello-world notebook, the lesson, and a rating panel on the 45-minute session."""
    import nbformat

    from coachkit.library import load_session

    hello = nbformat.v4.new_notebook()
    hello.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nw.Button(description='Hello')")]
    hello.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(hello, folder / "hello.ipynb")
    shutil.copy(LESSON, folder / LESSON.name)
    n_turns = _long_session(folder / "library")
    long = nbformat.v4.new_notebook()
    long.cells = [nbformat.v4.new_code_cell("from coachkit.widgets import RatingPanel\nRatingPanel('bench-45-minute')")]
    long.metadata["kernelspec"] = hello.metadata["kernelspec"]
    nbformat.write(long, folder / "longest.ipynb")
    return load_session("ngozi-leadership-pcc").minutes, n_turns


def _start_voila(folder: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = _port()
    log = open(folder / "voila.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited: {(folder / 'voila.log').read_text()[-800:]}")
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("voila did not start in 90 s")


def _time_to_interactive(browser, url: str, lesson: bool) -> tuple[float, int]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        t = time.perf_counter()
        page.goto(url, timeout=120_000, wait_until="commit")
        name = "Start rating" if lesson else "Hello"
        button = page.get_by_role("button", name=name).first
        button.wait_for(state="visible", timeout=120_000)
        if lesson:
            page.wait_for_selector(".ck-turn", state="visible", timeout=120_000)
        button.click(trial=True, timeout=120_000)  # visible, enabled, stable, receives events
        took = time.perf_counter() - t
        turns = page.locator(".ck-turn").count() if lesson else 0
        return took, turns
    finally:
        page.close()


def run(repeat: int = 3) -> list[dict]:
    if not Path(CHROMIUM).exists():
        return _skip("no Chromium (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _skip("playwright is not installed")
    folder = Path(tempfile.mkdtemp(prefix="coachkit-bench-app-"))
    env = dict(os.environ, COACHKIT_HOME=str(folder / "home"), MPLBACKEND="Agg",
               COACHKIT_LIBRARY=str(folder / "library"))
    env.pop("COACHKIT_DB_URL", None)
    proc = None
    try:
        minutes, longest = _notebooks(folder)
        proc, url = _start_voila(folder, env)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                _time_to_interactive(browser, f"{url}/voila/render/hello.ipynb", False)  # warm up
                hello, lesson, long_lesson = [], [], []
                turns = long_turns = 0
                for _ in range(repeat):
                    hello.append(_time_to_interactive(browser, f"{url}/voila/render/hello.ipynb", False)[0])
                    took, turns = _time_to_interactive(browser, f"{url}/voila/render/{LESSON.name}", True)
                    lesson.append(took)
                    if longest:
                        took, long_turns = _time_to_interactive(browser, f"{url}/voila/render/longest.ipynb", True)
                        long_lesson.append(took)
            finally:
                browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(hello)
    t = statistics.median(lesson)
    rows = [
        {
            "benchmark": "app view: 03 rating lesson interactive",
            "baseline": "hello-world Voila notebook",
            "ratio": t / base,
            "goal": GOAL,
            "detail": f"{t:.2f} s vs {base:.2f} s; {minutes:.0f}-min session, {turns} turns shown (median of {repeat})",
        }
    ]
    if long_lesson:
        tl = statistics.median(long_lesson)
        rows.append(
            {
                "benchmark": "app view: rating a 45-minute session",
                "baseline": "hello-world Voila notebook",
                "ratio": tl / base,
                "goal": GOAL,
                "detail": f"{tl:.2f} s; {longest} turns written, {long_turns} shown after merging (median of {repeat})",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

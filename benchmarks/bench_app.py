"""The app view (Voila) of the rating lesson, 03_rate_a_full_session, becoming interactive: from asking for
the page until the RatingForm's "Start rating" button is visible and enabled (a trial click succeeds) and
the session's transcript turns are on screen. Baseline: a hello-world Voila notebook (one ipywidgets
Button) until its button is visible and enabled, served by the same Voila server in the same run, in the
same browser (Debian's Chromium driven by Playwright). Goal <= 1.5x. Median of 3, interleaved.

A second row opens the same lesson on the longest full session in the library, for information.
Without Chromium or Playwright the benchmark returns a "skipped" row.
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


def _notebooks(folder: Path) -> tuple[str, str | None]:
    """Write the hello-world notebook, the lesson, and the lesson opened on the longest full session."""
    import nbformat

    from coachkit.library import list_sessions

    hello = nbformat.v4.new_notebook()
    hello.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nw.Button(description='Hello')")]
    hello.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(hello, folder / "hello.ipynb")
    shutil.copy(LESSON, folder / LESSON.name)
    table = list_sessions()
    full = table[table["kind"] == "full"].sort_values("minutes")
    longest = str(full.iloc[-1]["id"]) if len(full) else None
    if longest:
        nb = nbformat.read(LESSON, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "first=" in cell.source:
                cell.source = f"from coachkit.widgets import SessionPicker\nSessionPicker(kind='full', first={longest!r})"
        nbformat.write(nb, folder / "longest.ipynb")
    return table.loc[table["id"] == "ngozi-leadership-pcc", "minutes"].squeeze(), longest


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
    env = dict(os.environ, COACHKIT_HOME=str(folder / "home"), MPLBACKEND="Agg")
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
                "benchmark": "app view: same, longest full session",
                "baseline": "hello-world Voila notebook",
                "ratio": tl / base,
                "goal": GOAL,
                "detail": f"{tl:.2f} s; {longest}, {long_turns} turns shown",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

"""The app view (Voila, as ``coachkit app`` serves it) as a coach feels it, each figure a ratio to a
hello-world baseline measured by the same Voila server, in the same browser (Debian's Chromium driven by
Playwright), in the same run. Median of 3, interleaved.

- Every lesson 00 to 05 becoming interactive: from asking for the page until the lesson's first control is
  visible and enabled (a trial click succeeds; for the rating lessons also the transcript's turns on screen).
  Baseline: a hello-world notebook (one ipywidgets Button) until its button is. Goal <= 1.5x.
- The rating panel on a 45-minute session of about 400 turns, generated for the run by tiling a sample
  session's turns and stretching their times to 45 minutes, with the same goal.
- The click on "Compare with the assessor" until the feedback is on screen, against a hello-world button
  whose click updates an HTML widget (the smallest round trip through the kernel). Goal <= 10x.

Without Chromium or Playwright the benchmark returns a "skipped" row.
"""

from __future__ import annotations

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
LESSONS_DIR = ROOT / "notebooks"
LESSON = LESSONS_DIR / "03_rate_a_full_session.ipynb"
GOAL = 1.5
COMPARE_GOAL = 10.0
#: lesson -> (the control that makes it interactive, also wait for transcript turns)
LESSONS = {
    "00_start_here": ("text=The sample library", False),
    "01_the_markers": ("button:has-text('Next line')", False),
    "02_trust_and_safety": ("button:has-text('Start rating')", True),
    "03_rate_a_full_session": ("button:has-text('Start rating')", True),
    "04_three_levels_side_by_side": (".widget-tab", False),
    "05_my_calibration": ("button:has-text('Show my calibration')", False),
    "06_bring_your_own_recording": ("button:has-text('Rate this session myself')", False),
    "07_facilitator_live_call": ("button:has-text('Reveal next marker')", False),
    "08_author_an_answer_key": ("button:has-text('Write the report')", False),
    "09_calibration_check": ("button:has-text('Start or resume the check')", False),
}
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
    session = replace(base, id="bench-45-minute", title="Zoe and the 45-minute session (benchmark)", utterances=tuple(tiled),
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
    for name in LESSONS:
        shutil.copy(LESSONS_DIR / f"{name}.ipynb", folder / f"{name}.ipynb")
    ping = nbformat.v4.new_notebook()
    ping.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as w\nb, out, n = w.Button(description='Ping'), w.HTML('ready'), []\n"
        "b.on_click(lambda _: n.append(1) or setattr(out, 'value', f'pong {len(n)}'))\nw.VBox([b, out])")]
    ping.metadata["kernelspec"] = hello.metadata["kernelspec"]
    nbformat.write(ping, folder / "ping.ipynb")
    n_turns = _long_session(folder / "library")
    long = nbformat.v4.new_notebook()
    long.cells = [nbformat.v4.new_code_cell("from coachkit.widgets import RatingPanel\nRatingPanel('bench-45-minute')")]
    long.metadata["kernelspec"] = hello.metadata["kernelspec"]
    nbformat.write(long, folder / "longest.ipynb")
    return load_session("ngozi-leadership-pcc").minutes, n_turns


def _start_voila(folder: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = _port()
    log = open(folder / "voila.log", "w")  # noqa: SIM115 - closed with the process
    from coachkit.cli import app_options

    proc = subprocess.Popen([sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1", *app_options()], cwd=folder, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
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


def _time_to_interactive(browser, url: str, ready: str = "button:has-text('Hello')", turns: bool = False):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        t = time.perf_counter()
        page.goto(url, timeout=120_000, wait_until="commit")
        control = page.locator(ready).first
        control.wait_for(state="visible", timeout=120_000)
        if turns:
            page.wait_for_selector(".ck-turn", state="visible", timeout=120_000)
        if ready.startswith("button"):
            control.click(trial=True, timeout=120_000)  # visible, enabled, stable, receives events
        took = time.perf_counter() - t
        return took, page.locator(".ck-turn").count() if turns else 0
    finally:
        page.close()


def _round_trips(browser, url: str, repeat: int) -> list[float]:
    """Click the hello-world Ping button; time until the HTML widget shows the kernel's answer."""
    page = browser.new_page()
    try:
        page.goto(url, timeout=120_000)
        page.get_by_role("button", name="Ping").wait_for(state="visible", timeout=120_000)
        out = []
        for _ in range(repeat):
            before = page.locator("text=/^(ready|pong \\d+)$/").first.inner_text()
            t = time.perf_counter()
            page.get_by_role("button", name="Ping").click()
            page.wait_for_function("b => ![...document.querySelectorAll('.widget-html-content')].some("
                                   "e => e.textContent.trim() === b)", arg=before, timeout=60_000)
            out.append(time.perf_counter() - t)
        return out
    finally:
        page.close()


def _compares(browser, url: str, repeat: int) -> list[float]:
    """In lesson 03: rate a marker, make the level call, then time the click on Compare until the feedback
    is on screen; start a new attempt and do it again."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".ck-turn", timeout=120_000)
        page.fill("input[placeholder='your first name']", "Bench")
        page.get_by_role("button", name="Start rating").first.click()
        page.wait_for_selector("button:has-text('Rating as Bench')", timeout=60_000)
        out = []
        for _ in range(repeat):
            page.locator(".ck-choice").nth(0).get_by_role("button", name="evidenced", exact=True).click()
            page.locator(".ck-level").last.get_by_role("button", name="PCC", exact=True).click()
            page.wait_for_timeout(1500)  # a coach reads before pressing Compare: the kernel is idle again
            t = time.perf_counter()
            page.get_by_role("button", name="Compare with the assessor").click()
            page.wait_for_selector(".ck-summary", state="visible", timeout=60_000)
            out.append(time.perf_counter() - t)
            page.get_by_role("button", name="Start a new attempt").click()
            page.wait_for_selector(".ck-summary", state="hidden", timeout=60_000)
        return out
    finally:
        page.close()


def run(repeat: int = 3) -> list[dict]:
    if not Path(CHROMIUM).exists():
        return _skip("no Chromium (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _skip("playwright is not installed")
    from coachkit.cli import app_environment

    folder = Path(tempfile.mkdtemp(prefix="coachkit-bench-app-"))
    env = dict(app_environment(), COACHKIT_HOME=str(folder / "home"), MPLBACKEND="Agg",
               COACHKIT_LIBRARY=str(folder / "library"))
    env.pop("COACHKIT_DB_URL", None)
    proc = None
    times: dict[str, list[float]] = {name: [] for name in LESSONS}
    try:
        minutes, longest = _notebooks(folder)
        proc, url = _start_voila(folder, env)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                _time_to_interactive(browser, f"{url}/voila/render/hello.ipynb")  # warm up
                hello, long_lesson = [], []
                turns = long_turns = 0
                for _ in range(repeat):
                    hello.append(_time_to_interactive(browser, f"{url}/voila/render/hello.ipynb")[0])
                    for name, (ready, wait_turns) in LESSONS.items():
                        took, n = _time_to_interactive(browser, f"{url}/voila/render/{name}.ipynb", ready, wait_turns)
                        times[name].append(took)
                        if name == LESSON.stem:
                            turns = n
                    if longest:
                        took, long_turns = _time_to_interactive(browser, f"{url}/voila/render/longest.ipynb",
                                                                "button:has-text('Start rating')", True)
                        long_lesson.append(took)
                pings = _round_trips(browser, f"{url}/voila/render/ping.ipynb", max(5, repeat))
                compares = _compares(browser, f"{url}/voila/render/{LESSON.name}", repeat)
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
    rows = []
    for name, spent in times.items():
        t = statistics.median(spent)
        extra = f"; {minutes:.0f}-min session, {turns} turns shown" if name == LESSON.stem else ""
        rows.append({
            "benchmark": f"app view: lesson {name[:2]} interactive",
            "baseline": "hello-world Voila notebook",
            "ratio": t / base,
            "goal": GOAL,
            "detail": f"{t:.2f} s vs {base:.2f} s{extra} (median of {repeat})",
        })
    if long_lesson:
        tl = statistics.median(long_lesson)
        rows.append({
            "benchmark": "app view: rating a 45-minute session",
            "baseline": "hello-world Voila notebook",
            "ratio": tl / base,
            "goal": GOAL,
            "detail": f"{tl:.2f} s; {longest} turns written, {long_turns} shown after merging (median of {repeat})",
        })
    ping, cmp_ = statistics.median(pings), statistics.median(compares)
    rows.append({
        "benchmark": "app view: Compare click to feedback shown",
        "baseline": "hello-world button updating an HTML widget",
        "ratio": cmp_ / ping,
        "goal": COMPARE_GOAL,
        "detail": f"{cmp_:.3f} s vs {ping:.3f} s (median of {len(compares)}; first Compare {compares[0]:.3f} s)",
    })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

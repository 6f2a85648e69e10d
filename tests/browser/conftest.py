"""Real-browser fixtures: Debian's Chromium driven by Playwright, against Voila and JupyterLab on loopback.

Outside CI, the suite skips with a clear message when no browser is installed; in CI (``CI=true``) a missing
browser is a failure, since `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _need_browser():
    problem = None
    if not Path(CHROMIUM).exists():
        problem = "no Chromium (install Debian's chromium: apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")


# Module scope: Playwright's sync API keeps an event loop running in the main thread while it is open, and
# a later test calling asyncio.run() (tests/test_cohort_e2e.py) would fail; each module closes its browser.
@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, args, cwd, env=None, ready_path="/"):
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(ARTIFACTS / f"server-{self.port}.log", "w")  # noqa: SIM115
        full = [a.replace("{port}", str(self.port)) for a in args]
        self.proc = subprocess.Popen(full, cwd=cwd, env=env or os.environ.copy(), stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=1)
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"server did not start in 90 s; see {self.log.name}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _servers(command):
    """A fixture body: ``start(folder, env)`` starts ``command(folder)`` as a Server; all stop at the end."""
    _need_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    started = []

    def start(folder, env=None):
        args, ready_path = command(folder)
        server = Server(args, cwd=folder, env=env, ready_path=ready_path)
        started.append(server)
        return server

    yield start
    for s in started:
        s.stop()


def app_env(env=None) -> dict:
    """The environment ``coachkit app`` gives Voila (its own template is found first), over ``env``."""
    from coachkit.cli import app_environment

    base = app_environment()
    if env:
        extra = {k: v for k, v in env.items() if k != "JUPYTER_PATH"}
        base.update(extra)
    return base


@pytest.fixture
def voila_server():
    """Start Voila on a folder as ``coachkit app`` does: ``voila_server(folder, env)`` -> Server."""
    from coachkit.cli import app_options

    def command(folder):
        return [sys.executable, "-m", "voila", str(folder), "--no-browser", "--port={port}", "--Voila.ip=127.0.0.1",
                *app_options()], "/"

    gen = _servers(command)
    start = next(gen)
    yield lambda folder, env=None: start(folder, app_env(env))
    next(gen, None)


#: Everything a page may ask for stays on this machine.
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def watch_requests(page) -> list[str]:
    """Collect every request the page makes that would leave 127.0.0.1 (the test then asserts none)."""
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    return outside


def cut_off_labels(page) -> list[str]:
    """The visible buttons and toggle buttons whose text does not fit (shown cut off, e.g. "evidenc...")."""
    return page.evaluate("""() => [...document.querySelectorAll('button, .widget-toggle-button, .widget-label')]
        .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
        .map(b => b.textContent.trim()).filter(t => t.length > 0)""")


@pytest.fixture
def lab_server():
    """Start JupyterLab on a folder as ``coachkit lab`` does (no token, loopback only): ``lab_server(folder, env)`` -> Server."""
    from coachkit.cli import lab_options

    yield from _servers(lambda folder: ([sys.executable, "-m", "jupyterlab", "--no-browser", "--port={port}",
                                         "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
                                         "--allow-root", "--LabApp.expose_app_in_browser=True", *lab_options(),
                                         f"--notebook-dir={folder}"], "/api"))


#: true once the open notebook's kernel is connected and idle (the app is exposed by ``lab_server``)
_KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && w.sessionContext.isReady && k.connectionStatus === 'connected' && k.status === 'idle');
}"""
#: how many code cells have run or are running (an execution count or the ``[*]`` prompt)
_CELLS_STARTED = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
  .filter(p => /\\[(\\d+|\\*)\\]/.test(p.textContent)).length"""


def run_all_in_lab(page, url: str, notebook: str, ready: str, timeout_ms: int = 120_000) -> None:
    """Open ``notebook`` in JupyterLab, wait for its kernel, choose Run > Run All Cells as a coach does, and
    wait until the selector ``ready`` is in the notebook's output.

    A Run All chosen while the kernel is still connecting is dropped by JupyterLab without a word (no cell
    starts); it is chosen once more in that case. If ``ready`` never shows, a screenshot of the page and the
    notebook's last lines go into the failure, so a red run says what the coach would have seen.
    """
    page.goto(f"{url}/lab/tree/{notebook}?reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=90_000)
    page.wait_for_function(_KERNEL_READY, timeout=120_000)
    target = page.locator(f".jp-OutputArea {ready}" if ready.startswith(".") else f".jp-OutputArea >> {ready}")
    try:
        for attempt in range(2):
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).first.click()
            try:
                page.wait_for_function(_CELLS_STARTED, timeout=30_000)
                break
            except Exception:
                if attempt:
                    raise
        target.first.wait_for(state="attached", timeout=timeout_ms)
        target.first.scroll_into_view_if_needed()
    except Exception as exc:
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"lab-failed-{Path(notebook).stem}.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        tail = page.inner_text(".jp-Notebook")[-1500:] if page.locator(".jp-Notebook").count() else ""
        raise AssertionError(f"JupyterLab: {ready!r} never showed in {notebook} (see test-artifacts/{name}); "
                             f"the notebook ends with:\n{tail}") from exc


@pytest.fixture
def lab_run_all():
    """``lab_run_all(page, url, notebook, ready)``: open a lesson in JupyterLab and run every cell."""
    return run_all_in_lab


@pytest.fixture
def shot():
    """Save a full-page screenshot into test-artifacts/: ``shot(page, name)``."""

    def take(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def page_checks():
    """``page_checks.watch_requests(page)`` and ``page_checks.cut_off_labels(page)`` for the tests."""
    import types

    return types.SimpleNamespace(watch_requests=watch_requests, cut_off_labels=cut_off_labels)

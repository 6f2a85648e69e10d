"""Cohort mode end to end, with real servers on loopback: a PostgreSQL cluster made for the test, the
cohort set up by deploy/coachkit-cohort, a JupyterHub (configured by deploy/jupyterhub_config.py) with
configurable-http-proxy, and three real system users: two participants and a facilitator.

Each participant's own kernel (started through the hub's API, code sent as execute_request messages over
the kernel's websocket) rates a sample session with the kit; the facilitator's kernel sees both in
``group_summary``; a participant is refused the other's rows; the hub is stopped in the middle of a
rating burst and every mark whose save had returned is in the database.

The users' servers run as those users (LocalProcessSpawner). Their Python is a venv made from the
system's /usr/bin/python3 (the project's own interpreter may live in root's home, which other users
cannot open) that adds the project's site-packages, so nothing is downloaded. If that cannot work here
(no /usr/bin/python3 of the same version, or the project unreadable to other users) the servers run as
root instead, with ``--ServerApp.allow_root``: each kernel still gets its own database URL and role,
which is what the privacy rests on.

Needs root (useradd, and PostgreSQL run as the postgres user), PostgreSQL's server programs, jupyterhub
and psycopg, and configurable-http-proxy from npm (``npm install --prefix .venv/node
configurable-http-proxy``; or set COACHKIT_CHP to its path). Outside CI it skips, saying what is
missing; in CI (CI=true) a missing piece is a failure.
"""

from __future__ import annotations

import asyncio
import importlib.machinery
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from pg_cluster import TemporaryCluster, pg_bin

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Fresh system user names for each run, so two runs on one machine never share (or delete) each other's.
_RUN = secrets.token_hex(3)
PARTICIPANTS = (f"ck{_RUN}ana", f"ck{_RUN}bo")
FACILITATOR = f"ck{_RUN}mira"
GROUP = "e2e-cohort"
DATABASE = "cohort"


def _chp() -> str | None:
    given = os.environ.get("COACHKIT_CHP")
    if given and os.access(given, os.X_OK):
        return given
    local = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return str(local)
    return shutil.which("configurable-http-proxy")


def _missing() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "it must run as root (it adds system users and runs PostgreSQL as the postgres user)"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "useradd/runuser are missing"
    if pg_bin() is None:
        return "PostgreSQL's server programs are missing (apt-get install -y postgresql)"
    for module in ("psycopg", "jupyterhub", "tornado"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is missing (pip install -e '.[dev]')"
    if _chp() is None:
        return "configurable-http-proxy is missing (npm install --prefix .venv/node configurable-http-proxy)"
    return None


def _require() -> None:
    why = _missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the cohort end-to-end test: {why}")
        pytest.skip(f"cohort end-to-end test skipped: {why}")


def _cohort_script():
    loader = importlib.machinery.SourceFileLoader("coachkit_cohort_e2e", str(ROOT / "deploy" / "coachkit-cohort"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readable_by_others(path: Path) -> bool:
    path = path.resolve()
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:  # others may not pass through
            return False
    return bool(path.stat().st_mode & 0o004)


# ----------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def work():
    _require()
    folder = Path(tempfile.mkdtemp(prefix="coachkit-e2e-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def database(work):
    cluster = TemporaryCluster().start()
    try:
        script = _cohort_script()
        passwords = work / "admin" / "passwords"
        (work / "admin").mkdir(mode=0o700)
        server = cluster.superuser_url()
        script.create(server, DATABASE)
        script.add(server, list(PARTICIPANTS), GROUP, database=DATABASE, passwords=passwords)
        script.add(server, [FACILITATOR], GROUP, facilitator=True, database=DATABASE, passwords=passwords)
        cluster.passwords = passwords
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def users():
    made = []
    try:
        for name in (*PARTICIPANTS, FACILITATOR):
            try:
                pwd.getpwnam(name)
            except KeyError:
                subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True,
                               capture_output=True)
                made.append(name)
        yield [*PARTICIPANTS, FACILITATOR]
    finally:
        for name in (*PARTICIPANTS, FACILITATOR):
            _kill_leftovers(name)
        for name in made:
            subprocess.run(["userdel", "--remove", name], capture_output=True)


def _running_as(user: str) -> list[str]:
    return subprocess.run(["pgrep", "-u", user], capture_output=True, text=True).stdout.split()


def _kill_leftovers(user: str) -> list[int]:
    """Stop, one by one, any process still running as ``user`` (a server the hub failed to stop)."""
    found = _running_as(user)
    for pid in found:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    return [int(p) for p in found]


@pytest.fixture(scope="module")
def user_python(work):
    """(python, as_users): a Python the hub users can run, or the project's own when they cannot."""
    system = Path("/usr/bin/python3")
    site = Path(sysconfig.get_paths()["purelib"])
    same = False
    if system.exists():
        out = subprocess.run([str(system), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                             text=True)
        same = out.stdout.strip() == str(tuple(sys.version_info[:2]))
    if same and _readable_by_others(site) and _readable_by_others(ROOT / "coachkit"):
        venv = work / "users-venv"
        made = subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], capture_output=True, text=True)
        if made.returncode == 0:
            version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
            pth = venv / "lib" / version / "site-packages" / "_coachkit_project.pth"
            pth.write_text(f"import site; site.addsitedir({str(site)!r})\n", encoding="utf-8")
            subprocess.run(["chmod", "-R", "o+rX", str(venv)], check=True)
            return str(venv / "bin" / "python"), True
    return sys.executable, False


class Hub:
    def __init__(self, work: Path, database, user_python: tuple[str, bool]):
        self.dir = work / "hub"
        self.dir.mkdir(mode=0o700)
        self.port, self.hub_port, self.api_port = _free_port(), _free_port(), _free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        python, as_users = user_python
        self.as_users = as_users
        config = f"""
c = get_config()
load_subconfig({str(ROOT / "deploy" / "jupyterhub_config.py")!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {self.hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
c.ConfigurableHTTPProxy.command = [{_chp()!r}]
c.ConfigurableHTTPProxy.pid_file = {str(self.dir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{self.dir / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(self.dir / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {secrets.token_hex(16)!r}
c.Authenticator.allowed_users = {set(PARTICIPANTS) | {FACILITATOR}!r}
c.JupyterHub.spawner_class = {"localprocess" if as_users else "simple"!r}
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {[] if as_users else ["--ServerApp.allow_root=True"]!r}
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment.update({{"COACHKIT_LIBRARY": "", "MPLBACKEND": "Agg"}})
c.JupyterHub.services = [{{"name": "e2e", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{"name": "e2e-driver", "services": ["e2e"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users"]}}]
"""
        if not as_users:  # each simple-spawner server needs its own folder (no home of its own)
            config += f"c.Spawner.notebook_dir = {str(self.dir)!r}\n"
        (self.dir / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        env = dict(os.environ)
        env.update(
            COACHKIT_PASSWORDS=str(database.passwords),
            COACHKIT_DB_HOST="127.0.0.1",
            COACHKIT_DB_PORT=str(database.port),
            COACHKIT_DB_NAME=DATABASE,
        )
        env.pop("COACHKIT_DB_URL", None)
        self.log = (self.dir / "hub.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.dir / "jupyterhub_config.py")],
            cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait(lambda: self.api("GET", "/hub/api/")[0] == 200, 30, "the hub to answer")

    def logs(self) -> str:
        return (self.dir / "hub.log").read_text(errors="replace")[-4000:]

    def _wait(self, ready, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the hub exited while waiting for {what}:\n{self.logs()}")
            try:
                if ready():
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.logs()}")

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def start_server(self, name: str) -> None:
        status, _ = self.api("POST", f"/hub/api/users/{name}/server")
        assert status in (201, 202, 400), f"cannot start {name}'s server ({status}):\n{self.logs()}"

    def wait_server(self, name: str) -> None:
        def ready():
            status, user = self.api("GET", f"/hub/api/users/{name}")
            return status == 200 and (user.get("servers", {}).get("", {}) or {}).get("ready")

        self._wait(ready, 60, f"{name}'s server")

    def stop(self) -> None:
        """Stop the hub as an administrator would (SIGTERM): it stops the users' servers and the proxy."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def hub(work, database, users, user_python):
    hub = Hub(work, database, user_python)
    try:
        yield hub
    finally:
        hub.stop()
        pid_file = hub.dir / "proxy.pid"
        if pid_file.exists():  # the proxy the hub started, if the hub left it behind
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass


# ------------------------------------------------------------------------------------ talking to kernels


class Kernel:
    """A kernel in one user's server, driven over its websocket with execute_request messages."""

    def __init__(self, hub: Hub, user: str):
        self.hub, self.user = hub, user
        status, kernel = hub.api("POST", f"/user/{user}/api/kernels", {"name": "python3"})
        assert status == 201, f"cannot start a kernel for {user} ({status}):\n{hub.logs()}"
        self.id = kernel["id"]
        self.session = uuid.uuid4().hex

    async def _connect(self):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = f"ws://127.0.0.1:{self.hub.port}/user/{self.user}/api/kernels/{self.id}/channels?session_id={self.session}"
        return await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.hub.token}"}))

    def _request(self, code: str) -> tuple[str, str]:
        msg_id = uuid.uuid4().hex
        message = {
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.user,
                       "session": self.session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }
        return msg_id, json.dumps(message)

    async def _run(self, code: str, on_line=None, timeout: float = 60) -> str:
        ws = await self._connect()
        msg_id, message = self._request(code)
        await ws.write_message(message)
        out, pending = [], ""
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.user}'s kernel did not finish in {timeout} s; output: {''.join(out)}")
                raw = await asyncio.wait_for(ws.read_message(), left)
                if raw is None:  # the websocket closed (the server or the proxy went away)
                    return "".join(out)
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    text = msg["content"]["text"]
                    out.append(text)
                    if on_line is not None:
                        pending += text
                        *lines, pending = pending.split("\n")
                        for line in lines:
                            on_line(line)
                elif kind == "error":
                    raise AssertionError(f"{self.user}'s kernel raised:\n" + "\n".join(msg["content"]["traceback"]))
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    return "".join(out)
        finally:
            ws.close()

    def run(self, code: str, timeout: float = 60) -> str:
        return asyncio.run(self._run(code, timeout=timeout))


RATE = """
import json, os, pwd
import coachkit as ck
s = ck.load_session({session!r})
store = ck.RatingStore()
sheet = ck.RatingSheet(session_id=s.id, rater={rater!r})
for marker, decision in sorted(s.key.decisions.items()):
    agree = {flip} == 0 or int(marker.split(".")[1]) % {flip} != 0
    sheet.mark(marker, decision.evidenced if agree else not decision.evidenced, evidence=list(decision.evidence[:1]))
sheet.finished = True
store.save(sheet)
mine = store.sheets(session_id=s.id)
print(json.dumps({{"unix_user": pwd.getpwuid(os.getuid()).pw_name, "location": store.location, "url_user": os.environ["COACHKIT_DB_URL"].split("//")[1].split(":")[0],
                  "sheet": sheet.id, "group": mine[0].group, "mine": [x.rater for x in mine],
                  "marks": len(sheet.marks)}}))
"""

PEEK = """
import json, os
import psycopg
import coachkit as ck
store = ck.RatingStore()
with psycopg.connect(os.environ["COACHKIT_DB_URL"], autocommit=True) as conn:
    others = conn.execute("SELECT count(*) FROM sheets WHERE owner <> current_user").fetchone()[0]
    changed = conn.execute("UPDATE sheets SET level_call = 'MCC' WHERE owner = %s", ({other!r},)).rowcount
    try:
        conn.execute("INSERT INTO marks (sheet_id, marker, evidenced) VALUES (%s, '8.9', 1)", ({other_sheet!r},))
        forged = "accepted"
    except psycopg.errors.InsufficientPrivilege as exc:
        forged = "refused"
print(json.dumps({{"others_seen": others, "others_via_kit": len(store.sheets(rater={other!r})),
                  "changed": changed, "forged_mark": forged}}))
"""

SUMMARY = """
import json
import coachkit as ck
s = ck.load_session({session!r})
sheets = ck.RatingStore().sheets(session_id=s.id, group={group!r})
table = ck.group_summary(sheets, s)
print(json.dumps({{"raters": sorted(x.rater for x in sheets), "n_raters": sorted(set(table["n_raters"])),
                  "markers": len(table)}}))
"""

BURST = """
import time
import coachkit as ck
from coachkit.framework import framework
store = ck.RatingStore()
markers = framework().marker_ids
for i in range(100000):
    sheet = ck.RatingSheet(session_id="burst", rater={rater!r})
    for j, marker in enumerate(markers):
        value = [True, False, None][(i + j) % 3]
        sheet.mark(marker, value, note=f"{{i}}-{{j}}")
        store.save(sheet)
        print("SAVED", sheet.id, marker, value, f"{{i}}-{{j}}", flush=True)
        time.sleep(0.002)
"""


def _sample_session() -> str:
    import coachkit as ck

    table = ck.list_sessions()
    full = table[table["kind"] == "full"]
    return str((full if len(full) else table)["id"].iloc[0])


# -------------------------------------------------------------------------------------------------- the test


def test_a_cohort_on_jupyterhub_end_to_end(hub, database):
    started = time.monotonic()
    session_id = _sample_session()
    everyone = [*PARTICIPANTS, FACILITATOR]
    for name in everyone:
        hub.start_server(name)
    for name in everyone:
        hub.wait_server(name)

    # 1. Each participant rates the session in their own kernel, through the kit.
    kernels = {name: Kernel(hub, name) for name in everyone}
    rated = {}
    for flip, name in zip((0, 3), PARTICIPANTS, strict=True):
        out = kernels[name].run(RATE.format(session=session_id, rater=name, flip=flip))
        rated[name] = json.loads(out.strip().splitlines()[-1])
        assert rated[name]["url_user"] == name  # the kernel got its OWN database URL from the hub
        assert rated[name]["unix_user"] == (name if hub.as_users else "root")
        assert rated[name]["location"].startswith(f"postgresql://{name}:***@127.0.0.1:")
        assert rated[name]["group"] == GROUP and rated[name]["mine"] == [name]
        assert rated[name]["marks"] > 0

    # 2. The facilitator's kernel sees both in group_summary.
    out = kernels[FACILITATOR].run(SUMMARY.format(session=session_id, group=GROUP))
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["raters"] == sorted(PARTICIPANTS)
    assert summary["n_raters"] == [2] and summary["markers"] > 0

    # 3. A participant is refused the other's rows, through the kit and in raw SQL.
    ana, bo = PARTICIPANTS
    out = kernels[ana].run(PEEK.format(other=bo, other_sheet=rated[bo]["sheet"]))
    peek = json.loads(out.strip().splitlines()[-1])
    assert peek == {"others_seen": 0, "others_via_kit": 0, "changed": 0, "forged_mark": "refused"}

    # 4. A rating burst in bo's kernel; the hub (and with it every user server) is stopped part way.
    reported: list[list[str]] = []

    def on_line(line: str) -> None:
        if line.startswith("SAVED "):
            reported.append(line.split()[1:])
            if len(reported) == 60:
                threading_stop()

    def threading_stop() -> None:
        import threading

        threading.Thread(target=hub.stop, daemon=True).start()

    burst = kernels[bo]
    asyncio.run(burst._run(BURST.format(rater=bo), on_line=on_line, timeout=60))
    hub.proc.wait(timeout=40)
    assert hub.proc.returncode is not None
    assert len(reported) >= 60, "the burst stopped before the hub was stopped"

    import psycopg

    with psycopg.connect(database.superuser_url(DATABASE), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT s.id, m.marker, m.evidenced, m.note, m.owner FROM sheets s JOIN marks m ON m.sheet_id = s.id "
            "WHERE s.session_id = 'burst'"
        ).fetchall()
    stored = {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}
    values = {"True": 1, "False": 0, "None": None}
    for sheet_id, marker, value, note in reported:
        assert (sheet_id, marker) in stored, f"mark {marker} of {sheet_id} was saved but is gone"
        assert stored[(sheet_id, marker)] == (values[value], note, bo)

    # 5. Nothing the hub started is left running (a server may take a few seconds to stop its kernel).
    deadline = time.monotonic() + 15
    while hub.as_users and time.monotonic() < deadline and any(_running_as(name) for name in everyone):
        time.sleep(0.2)
    leftovers = {name: _kill_leftovers(name) for name in everyone} if hub.as_users else {}
    assert not any(leftovers.values()), f"user processes outlived the hub: {leftovers}"
    assert time.monotonic() - started < 90

"""The test run reaches nothing but loopback: the run itself, its subprocesses and its kernels.

``make test`` runs pytest through ``tools/offline``, which starts it in a fresh network namespace with only
``lo`` up and sets ``COACHKIT_OFFLINE_NETNS=1``. These tests check the isolation is real (a wrapper that
silently did nothing would prove nothing): only ``lo`` exists, and an address outside the machine
(192.0.2.1, TEST-NET-1, reserved for documentation) is unreachable at once from this process, from a
subprocess and from a Jupyter kernel, while loopback works from all three. pytest-socket could not see
kernels and subprocesses; a namespace covers them.

Run outside the wrapper, the tests skip saying so; in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

OUTSIDE = ("192.0.2.1", 80)  # TEST-NET-1: never routed anywhere real
OUTSIDE_V6 = ("2001:db8::1", 80)  # the IPv6 documentation prefix

PROBE = textwrap.dedent(
    """
    import errno, json, socket, sys, time

    def reach(family, address):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(5)
        t = time.monotonic()
        try:
            s.connect(address)
            return {"ok": True, "errno": None, "seconds": time.monotonic() - t}
        except OSError as exc:
            return {"ok": False, "errno": exc.errno, "seconds": time.monotonic() - t}
        finally:
            s.close()

    port = int(PORT)
    print("PROBE " + json.dumps({
        "outside": reach(socket.AF_INET, ("192.0.2.1", 80)),
        "outside_v6": reach(socket.AF_INET6, ("2001:db8::1", 80)),
        "loopback": reach(socket.AF_INET, ("127.0.0.1", port)),
    }))
    """
)


@pytest.fixture(autouse=True)
def _inside_the_namespace():
    if os.environ.get("COACHKIT_OFFLINE_NETNS") != "1":
        message = ("no-network checks skipped: run the tests through tools/offline (make test does) to run them "
                   "in a network namespace with only loopback")
        if os.environ.get("CI") == "true":
            pytest.fail("in CI the tests must run through tools/offline: " + message)
        pytest.skip(message)


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 that accepts every connection: ``listener`` is its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    server.close()


def _check(result: dict) -> None:
    assert not result["outside"]["ok"], "reached an address outside the machine"
    assert result["outside"]["errno"] == errno.ENETUNREACH, result
    assert result["outside"]["seconds"] < 1.0, "an unreachable network must fail at once, not time out"
    assert not result["outside_v6"]["ok"]
    assert result["outside_v6"]["errno"] in (errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT), result
    assert result["loopback"]["ok"], f"loopback must work: {result['loopback']}"


def test_only_loopback_exists():
    assert sorted(os.listdir("/sys/class/net")) == ["lo"]
    assert [name for _, name in socket.if_nameindex()] == ["lo"]


def test_this_process_reaches_only_loopback(listener):
    namespace = {"PORT": listener}
    out = {}

    def capture(text):
        out.update(json.loads(text.removeprefix("PROBE ")))

    exec(PROBE.replace("print(", "capture("), {**namespace, "capture": capture})  # noqa: S102
    _check(out)
    with pytest.raises(OSError):
        socket.getaddrinfo("pypi.org", 443)  # no name server reachable either


def test_a_subprocess_reaches_only_loopback(listener):
    code = f"PORT = {listener}\n" + PROBE
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("PROBE "))
    _check(json.loads(line.removeprefix("PROBE ")))


def test_a_kernel_reaches_only_loopback(listener, tmp_path: Path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"PORT = {listener}\n" + PROBE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    started = time.monotonic()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    line = next(x for x in text.splitlines() if x.startswith("PROBE "))
    _check(json.loads(line.removeprefix("PROBE ")))
    assert time.monotonic() - started < 60

"""Packaging promises: environment.yml lists what pyproject lists; the command line starts and behaves."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# pip name -> conda-forge name, where they differ
CONDA_NAMES = {"build": "python-build"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            name, spec = _split(item)
            listed[name] = spec
    listed.pop("pip", None)
    python = listed.pop("python")
    assert python == ">=" + project["requires-python"].removeprefix(">=")
    expected = {CONDA_NAMES.get(name, name): spec for name, spec in wanted.items()}
    assert listed == expected, "environment.yml and pyproject.toml have drifted apart"


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "coachkit", *args], capture_output=True, text=True, **kw)


def test_help_lists_the_commands():
    out = _cli("--help")
    assert out.returncode == 0
    for command in ("lab", "app", "validate", "metrics", "import"):
        assert command in out.stdout
    assert "independent of ICF" in out.stdout


def test_validate_accepts_the_shipped_framework():
    out = _cli("validate", str(ROOT / "coachkit" / "data" / "framework.yaml"))
    assert out.returncode == 0, out.stderr


def test_validate_reports_file_and_line_without_a_traceback(tmp_path):
    bad = tmp_path / "framework.yaml"
    text = (ROOT / "coachkit" / "data" / "framework.yaml").read_text()
    bad.write_text(text.replace("        mindset: true", "        mindset: maybe", 1))
    line = next(i for i, s in enumerate(bad.read_text().splitlines(), 1) if "mindset: maybe" in s)
    out = _cli("validate", str(bad))
    assert out.returncode != 0
    assert f"{bad}:{line}:" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_missing_file_is_one_line(tmp_path):
    out = _cli("metrics", str(tmp_path / "nope.vtt"))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_eight_processes_making_the_rater_id_at_once_agree_on_one(tmp_path):
    code = "import coachkit.settings as s; print(s.rater_id())"
    env = {**__import__("os").environ, "COACHKIT_HOME": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(8)]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1


def test_lab_opens_the_start_lesson_and_passes_options_on(monkeypatch):
    from coachkit import cli

    seen = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, **kw: seen.append(cmd) or 0)
    assert cli.main(["lab", "--port", "8890", "--no-browser"]) == 0
    cmd = seen[0]
    assert cmd[1:3] == ["-m", "jupyterlab"]
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in cmd
    assert any(a.startswith("--notebook-dir=") and a.endswith("notebooks") for a in cmd)
    assert "--port=8890" in cmd and cmd[-1] == "--no-browser"
    assert cli.main(["app", "03_rate_a_full_session.ipynb", "--port", "8891"]) == 0
    assert seen[1][1:3] == ["-m", "voila"] and seen[1][3].endswith("03_rate_a_full_session.ipynb")
    assert seen[1][-1] == "--port=8891"
    assert "--template=coachkit" in seen[1]  # the kit's own template: nothing fetched from outside
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0, raising=False)  # as root, as in a container
    assert cli.main(["lab"]) == 0 and "--allow-root" in seen[2]


def test_unknown_options_of_other_commands_are_refused(capsys):
    import pytest

    from coachkit import cli

    with pytest.raises(SystemExit):
        cli.main(["validate", "x", "--frobnicate"])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_lab_and_app_take_a_port_as_two_words(monkeypatch):
    """`make app ARGS="--port 8870 --no-browser"` (as the Makefile says): 8870 is the port, not a lesson."""
    from coachkit import cli

    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, **kw: calls.append(cmd) or 0)
    assert cli.main(["app", "--port", "8870", "--no-browser"]) == 0
    assert "--port=8870" in calls[-1] and not any(str(c).endswith("8870") and "port" not in str(c) for c in calls[-1])
    assert cli.main(["lab", "--port", "8871"]) == 0
    assert "--port=8871" in calls[-1]

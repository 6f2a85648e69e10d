"""The worst hostile inputs the adversarial review found, each read by a fresh process as a user's would be.

Each row runs one input in its own Python process and records its wall time and peak memory (the child's
own high-water mark, ``VmHWM``). The baseline is the same kind of process reading a real worst case the
kit must handle: a three-hour Zoom transcript (about 1 MB) loaded with all its metrics. A hostile input may
be refused or read, but never costs more than that honest file (goal 2x), and the detail gives the seconds and
megabytes (issue: each well under 2 s and 500 MB). Measured, not asserted: a test never checks these times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The child reports its own peak memory (VmHWM belongs to the new process image, unlike ru_maxrss, which
# also counts the parent's pages at fork time).
_PEAK = "\nprint('PEAK', [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"


def _run(code: str, cwd: Path) -> tuple[float, float, str]:
    """Seconds and peak MB of ``python -c code`` in a fresh process, and its last output line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + _PEAK], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = (done.stdout + done.stderr).strip().splitlines() or [""]
    peak = next((float(line.split()[1]) / 1024 for line in lines if line.startswith("PEAK ")), float("nan"))
    said = [line for line in lines if not line.startswith("PEAK ")] or [""]
    return seconds, peak, said[-1].replace(f"{cwd}{os.sep}", "")[:80]


_READ = """
import coachkit as ck
try:
    s = ck.load_transcript({path!r}{coach})
    ck.conversation_metrics(s)
    print("read", len(s.utterances), "turns")
except ck.CoachkitError as exc:
    print("refused:", str(exc)[:70])
"""

_VALIDATE = """
from coachkit.library import validate_paths
problems = validate_paths([{path!r}])
print("refused:" if problems else "read", str(problems[0])[:70] if problems else "")
"""

_EXPORT = """
from coachkit.sheet_sources import load_exports
group = load_exports([{path!r}])
print("sheets", len(group.sheets), "problems", len(group.problems), (group.problems or [""])[0][:60])
"""


def _write_inputs(folder: Path) -> dict[str, tuple[str, str]]:
    """name -> (python code, what it is)."""
    cases: dict[str, tuple[str, str]] = {}

    def read(name, path, what, coach=""):
        cases[name] = (_READ.format(path=str(path), coach=f", coach={coach!r}" if coach else ""), what)

    # a three-hour Zoom transcript: the baseline (a real worst case)
    lines = ["WEBVTT", ""]
    t = 0.0
    for n in range(1, 4801):
        who, said = ("Jordan Lee", "What would you like to look at next, and what makes that matter now?") if n % 2 \
            else ("Maya", "I think it is the handover, because the team still waits for me to decide everything.")
        lines += [str(n), f"{_ts(t)} --> {_ts(t + 2.0)}", f"{who}: {said}", ""]
        t += 2.25
    big = folder / "three_hours.vtt"
    big.write_text("\n".join(lines), encoding="utf-8")
    read("baseline", big, "three-hour Zoom transcript", coach="Jordan Lee")

    bomb = folder / "voice.srt"  # 135 bytes that once took 23 s (every extra repeat doubled it)
    bomb.write_text("1\n00:00:01,000 --> 00:00:04,000\n<v" + ".a" * 28 + "!\n", encoding="utf-8")
    read("regex_voice", bomb, "the 135-byte .srt '<v' + '.a'x28 + '!'")
    wide = folder / "voice_wide.srt"  # the same shape a hundred thousand times longer
    wide.write_text("1\n00:00:01,000 --> 00:00:04,000\n<v" + ".a" * 100_000 + "!\n", encoding="utf-8")
    read("regex_voice_wide", wide, "the same shape with '.a'x100,000 (200 KB)")
    angles = folder / "angles.srt"  # a 200 KB line of '<' once took 30 s
    angles.write_text("1\n00:00:01,000 --> 00:00:04,000\nSam: " + "<" * 200_000 + "\n", encoding="utf-8")
    read("regex_angles", angles, "a 200 KB line of '<'")
    huge = folder / "huge.vtt"  # 200 MB once took 191 s and 5.4 GB; sparse, so it costs no disk
    with huge.open("wb") as handle:
        handle.write(b"WEBVTT\n\n")
        handle.truncate(200 * 1024 * 1024)
    read("oversize", huge, "a 200 MB .vtt")
    zero = folder / "zero.vtt"
    zero.symlink_to("/dev/zero")
    read("dev_zero", zero, "a symlink to /dev/zero")
    fifo = folder / "pipe.vtt"
    os.mkfifo(fifo)
    read("fifo", fifo, "a FIFO (once hung)")
    speakers = folder / "speakers.txt"  # role guessing was quadratic: 20,000 speakers took 8 s
    speakers.write_text("".join(f"Person{n}: What now? Well, this.\n" for n in range(20_000)), encoding="utf-8")
    read("speakers", speakers, "20,000 speakers in a pasted dialogue")

    session = folder / "bomb-session"  # a 9.5 KB YAML alias bomb once took 6.5 GB
    session.mkdir()
    chain = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 10):
        chain.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]")
    (session / "session.yaml").write_text(
        "format: coachkit-session/1\nid: bomb-session\ntitle: t\nkind: full\ntopic: t\ncoach: Sam\nclient: Maya\n"
        "consent: fictional\nanchors:\n" + "\n".join("  " + c for c in chain) + "\nfocus: *a9\n", encoding="utf-8")
    cases["yaml_bomb"] = (_VALIDATE.format(path=str(session)), "a nine-deep YAML alias bomb in session.yaml")

    export = folder / "digits.json"  # a 7.8 KB export with a 5,000-digit number crashed the dashboard
    export.write_text(json.dumps({"format": "coachkit-ratings/1", "exported": "2026-01-01T00:00:00+00:00",
                                  "rater_id": "r", "sheets": []})[:-1] + ', "n": ' + "9" * 5000 + "}", encoding="utf-8")
    cases["export_digits"] = (_EXPORT.format(path=str(export)), "an export holding a 5,000-digit number")
    return cases


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def run(repeats: int = 3) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = _write_inputs(folder)
        measured = {}
        for name, (code, what) in cases.items():
            runs = [_run(code, folder) for _ in range(repeats)]
            runs.sort()
            measured[name] = (runs[len(runs) // 2], what)
        (base_s, base_mb, _), _ = measured.pop("baseline")
        for (seconds, mb, last), what in measured.values():
            rows.append({
                "benchmark": f"hostile: {what}"[:60],
                "baseline": "3-hour Zoom transcript + metrics",
                "ratio": seconds / base_s,
                "goal": 2.0,
                "detail": f"{seconds:.2f} s, {mb:.0f} MB peak vs {base_s:.2f} s, {base_mb:.0f} MB (median of {repeats}); {last}",
            })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

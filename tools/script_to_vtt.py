#!/usr/bin/env python3
"""Turn a session script into a Zoom-style WebVTT transcript with realistic timestamps.

How sample sessions are written: a script of ``Name: text`` lines, with pause marks where people
pause, becomes a ``transcript.vtt`` whose cue times follow the talk (about 150 words a minute).

Script lines:
    # a comment (ignored)
    Sam: Hi Maya, good to see you.          one cue, spoken by Sam
    [pause 4]                               4 s of silence before the next line
    Maya: Hmm. [pause 3] I think it's...    a pause inside a turn: the line becomes two cues
    [interrupts] Sam: Right, so...          this line starts 1.2 s before the previous one ends

Usage:
    python tools/script_to_vtt.py SCRIPT.txt OUT.vtt [--wpm 150] [--gap 0.7] [--start 2.0]
It prints each cue as ``u<n> [m:ss] Name: first words`` so answer keys can cite the ids (``u<n>`` is
the n-th cue; consecutive cues from one speaker become one turn that keeps its first cue's id).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from coachkit.model import vtt_timestamp

_LINE = re.compile(r"^(\[interrupts\]\s*)?([^:\[\]]{1,40}):\s*(.+)$")
_PAUSE = re.compile(r"\[pause\s+(\d+(?:\.\d+)?)\]")


def build(script: str, wpm: float = 150.0, gap: float = 0.7, start: float = 2.0) -> tuple[str, list[str]]:
    per_word = 60.0 / wpm
    t = start
    last_end = start
    pending_pause = 0.0
    cues: list[tuple[float, float, str, str]] = []
    for number, raw in enumerate(script.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        only_pause = _PAUSE.fullmatch(line)
        if only_pause:
            pending_pause += float(only_pause.group(1))
            continue
        m = _LINE.match(line)
        if not m:
            raise SystemExit(f"script line {number}: expected 'Name: text', '[pause N]' or a comment: {raw!r}")
        interrupts, name, text = bool(m.group(1)), m.group(2).strip(), m.group(3).strip()
        parts = _PAUSE.split(text)  # text, pause, text, pause, ...
        if interrupts and cues:
            t = max(cues[-1][0] + 0.5, last_end - 1.2)
        else:
            t = last_end + (pending_pause if pending_pause else gap)
        pending_pause = 0.0
        for i in range(0, len(parts), 2):
            words = parts[i].split()
            if words:
                dur = max(0.8, len(words) * per_word)
                cues.append((t, t + dur, name, " ".join(words)))
                t += dur
                last_end = max(last_end, t)
            if i + 1 < len(parts):
                t += float(parts[i + 1])
    out = ["WEBVTT", ""]
    listing = []
    for n, (a, b, name, text) in enumerate(cues, 1):
        out += [str(n), f"{vtt_timestamp(a)} --> {vtt_timestamp(b)}", f"{name}: {text}", ""]
        mm, ss = divmod(int(a), 60)
        listing.append(f"u{n} [{mm}:{ss:02d}] {name}: {text[:70]}")
    return "\n".join(out), listing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("script")
    ap.add_argument("out")
    ap.add_argument("--wpm", type=float, default=150.0)
    ap.add_argument("--gap", type=float, default=0.7)
    ap.add_argument("--start", type=float, default=2.0)
    args = ap.parse_args(argv)
    vtt, listing = build(Path(args.script).read_text(encoding="utf-8"), args.wpm, args.gap, args.start)
    Path(args.out).write_text(vtt, encoding="utf-8")
    print("\n".join(listing))
    print(f"-- {len(listing)} cues, ends at {vtt.rsplit('-->', 1)[-1].split()[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

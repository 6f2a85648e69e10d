"""SubRip (``.srt``): number, ``00:00:01,000 --> 00:00:04,000``, text, blank line; read in one pass.

Speakers come from ``Name: text``, a diarized ``[SPEAKER_00]: text``, a caption's ``>> NAME: text`` or a
``<v Name>`` tag. Every timing line is checked (a truncated one is an error, not skipped), and text that
belongs to no subtitle is a :class:`~coachkit.errors.FormatError` naming its line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ._cues import RawCue, seconds, split_speaker, voice
from .errors import FormatError

__all__ = ["srt_cues", "SRT_TIMING"]

_TS = r"(\d{1,10}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})"
#: A SubRip timing line (with optional position settings after it).
SRT_TIMING = re.compile(rf"[ \t]*{_TS}[ \t]*-->[ \t]*{_TS}(?:[ \t].*)?")

_NOT_A_SUBTITLE = "this text is not part of any subtitle: a subtitle is its number, a timing line and its text"


def srt_cues(path: Path, lines: list[str]) -> list[RawCue]:
    """Every subtitle of a SubRip file, checked, in file order."""
    cues: list[RawCue] = []
    previous: tuple[float, int] | None = None
    i, total = 0, len(lines)
    while i < total:
        if not lines[i].strip():
            i += 1
            continue
        # a block: lines up to the next blank line
        j = i
        while j < total and lines[j].strip():
            j += 1
        block = range(i, j)
        timings = [k for k in block if "-->" in lines[k]]
        if not timings or timings[0] - i > 1 or (timings[0] == i + 1 and not lines[i].strip().isdigit()):
            raise FormatError(path, i + 1, _NOT_A_SUBTITLE)
        for t, k in enumerate(timings):
            m = SRT_TIMING.fullmatch(lines[k])
            if not m:
                raise FormatError(path, k + 1, f"this timing line does not parse: {lines[k].strip()[:80]!r}")
            g = m.groups()
            start, end = seconds(*g[:4]), seconds(*g[4:8])
            if end < start:
                raise FormatError(path, k + 1, f"this subtitle ends before it starts: {lines[k].strip()[:80]!r}")
            if previous is not None and start < previous[0]:
                raise FormatError(
                    path,
                    k + 1,
                    f"this subtitle starts before the one above it (line {previous[1]}): the times go backwards",
                )
            previous = (start, k + 1)
            stop = timings[t + 1] if t + 1 < len(timings) else j
            if t + 1 < len(timings) and stop - 1 > k and lines[stop - 1].strip().isdigit():
                stop -= 1  # the next subtitle's number, its blank line missing
            content = "\n".join(lines[k + 1 : stop])
            name, said = voice(content) if "<" in content or "{" in content else (None, " ".join(content.split()))
            if name is None:
                name, said = split_speaker(said)
            if "&" in said:
                said = html.unescape(said)
            cues.append(RawCue(len(cues) + 1, k + 1, start, end, name, said))
        i = j
    return cues

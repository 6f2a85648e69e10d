"""WebVTT (Zoom, Teams): the one WebVTT grammar of the kit, read in one pass.

Zoom puts the speaker in the text (``Jordan: text``); Teams uses a voice tag (``<v Jordan>text</v>``, with
or without the closing tag) and GUID cue ids. NOTE, STYLE and REGION blocks and cue settings
(``align:start position:10%``) are allowed. Every block is checked: a timing line that does not parse,
text outside any cue, a cue that ends before it starts or starts before the cue above it is a
:class:`~coachkit.errors.FormatError` naming the line; no cue is dropped silently.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ._cues import SPACES, RawCue, clean_name, seconds, split_speaker, voice
from .errors import FormatError

__all__ = ["vtt_cues", "vtt_blocks", "VTT_TIMING", "cue_numbers"]

_TS = r"(?:(\d{1,10}):)?([0-5]?\d):([0-5]?\d)\.(\d{1,3})"
#: A WebVTT timing line (with optional cue settings after it).
VTT_TIMING = re.compile(rf"[ \t]*{_TS}[ \t]*-->[ \t]*{_TS}(?:[ \t].*)?")
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")


def vtt_blocks(lines: list[str], first: int):
    """Yield ``(line number, block lines)``: a blank line ends a block, and a line with "-->" that cannot
    be this block's timing line starts a new one (so a missing blank line loses no cue)."""
    body = "\n".join(lines[first:])
    pos, number = 0, first + 1
    for m in _BLOCK.finditer(body):
        number += body.count("\n", pos, m.start())
        pos = m.start()
        block = m.group().split("\n")
        arrows = [i for i, line in enumerate(block) if "-->" in line]
        if not arrows or arrows == [0] or (arrows == [1] and "-->" not in block[0] and m.start() > 0):
            yield number, block
            continue
        part: list[str] = []
        at = number
        header = m.start() == 0
        for i, line in enumerate(block):
            if part and "-->" in line and (header or len(part) > 1 or "-->" in part[0]):
                yield at, part
                part, at, header = [], number + i, False
            part.append(line)
        yield at, part


def cue_numbers(identifiers: list[str | None]) -> list[int]:
    """The number of each cue: its own identifier when every cue has a distinct whole-number identifier
    (Zoom numbers cues 1, 2, 3 ...; a revised sample transcript keeps the numbers of unchanged cues and
    gives new ones numbers never used before), else its position in the file (Teams' GUID ids).

    >>> cue_numbers(["1", "2", "201", "3"]), cue_numbers(["a/1-0", "a/2-0"]), cue_numbers(["1", "1"])
    ([1, 2, 201, 3], [1, 2], [1, 2])
    """
    numbers = []
    for identifier in identifiers:
        text = (identifier or "").strip()
        if not (text.isdigit() and len(text) <= 7 and int(text) > 0):
            return list(range(1, len(identifiers) + 1))
        numbers.append(int(text))
    if len(set(numbers)) != len(numbers):
        return list(range(1, len(identifiers) + 1))
    return numbers


def vtt_cues(path: Path, lines: list[str]) -> list[RawCue]:
    """Every cue of a WebVTT file, checked, in file order."""
    first = next(i for i, line in enumerate(lines) if line.strip())
    found: list[tuple[int, float, float, str | None, list[str]]] = []  # line, start, end, identifier, text
    header = True
    previous_start, previous_line = -1.0, 0
    for number, block in vtt_blocks(lines, first):
        if header:  # "WEBVTT" and its metadata lines
            header = False
            continue
        head = block[0]
        if head.startswith("NOTE") and (len(head) == 4 or head[4] in " \t"):
            continue
        if head.startswith(("STYLE", "REGION")) and not head[6:].strip():
            if any("-->" in line for line in block):
                raise FormatError(path, number, f"a {head.strip()} block cannot hold a timing line ('-->')")
            continue
        at = 0 if "-->" in head else 1 if len(block) > 1 and "-->" in block[1] else None
        if at is None:
            raise FormatError(
                path,
                number,
                "this text is not part of any cue: a cue is an optional id line, a timing line "
                "('00:00:01.000 --> 00:00:04.000') and its text, with a blank line between cues",
            )
        m = VTT_TIMING.fullmatch(block[at])
        if not m:
            raise FormatError(
                path,
                number + at,
                f"this timing line does not parse: {block[at].strip()[:80]!r} (expected "
                "'00:00:01.000 --> 00:00:04.000', minutes and seconds up to 59; '-->' belongs only in a timing line)",
            )
        g = m.groups()
        start, end = seconds(*g[:4]), seconds(*g[4:8])
        if end < start:
            raise FormatError(path, number + at, f"this cue ends before it starts: {block[at].strip()[:80]!r}")
        if start < previous_start:
            raise FormatError(
                path,
                number + at,
                f"this cue starts before the cue above it (line {previous_line}): the times go backwards",
            )
        previous_start, previous_line = start, number + at
        found.append((number + at, start, end, block[0] if at else None, block[at + 1 :]))

    numbers = cue_numbers([identifier for _, _, _, identifier, _ in found])
    cues: list[RawCue] = []
    for k, (number, start, end, _, text_lines) in enumerate(found):
        joined = " ".join(text_lines)
        if "<" in joined:  # cue tags: Teams' <v Name> voice tag, <i>, <c.colour> ...
            name, said = voice(joined)
            if name is None:
                name, said = split_speaker(said)
        else:
            name, said = split_speaker(SPACES.sub(" ", joined))
        if "&" in said:  # WebVTT escapes '&', '<' and '>': show them as the speaker wrote them
            said = html.unescape(said)
        if name is not None:
            name = clean_name(html.unescape(name)) if "&" in name else name
        cues.append(RawCue(numbers[k], number, start, end, name, said))
    return cues

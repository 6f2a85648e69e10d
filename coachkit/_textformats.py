"""Transcripts as lines of text: Otter, transcription services, diarized and caption labels, pasted dialogues.

One reader takes every line style below, line by line (so any mix of them reads too):

- ``Name: text`` (a pasted dialogue), ``[SPEAKER_00]: text`` (diarized speech-to-text), ``>> NAME: text``
  (captions);
- ``Name  0:15`` or ``Name  00:01`` (Otter, two spaces or a tab) and ``Name (00:01:02):`` (transcription
  services), with the text on the same line or the lines below;
- a name alone on its own line above its text (a name that recurs, so a one-off heading is not one);
- a time before the line: ``0:00 Name: text`` or ``[00:01:02] Name: text``;
- ``0:0:0.0 --> 0:0:4.9`` timing lines above a name line (Teams' Word download).

Pasted dialogues: leading ``COACH: Full Name, PCC`` / ``CLIENT: Name`` header lines declare the roles;
page text before the first turn, label lines (``Scenario:``, ``Note:``, ``To note:``, ``Example:``,
``Competency:``) and lines that follow a blank line without a speaker are left out, and ``notes`` counts
them; they are never glued into a turn.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._cues import LABEL_WORDS, SPACES, RawCue, clean_name, split_speaker
from .errors import FormatError

__all__ = ["text_cues", "looks_like_text_transcript", "ROLE_WORDS"]

#: Labels that name a role rather than a person.
ROLE_WORDS = {"coach": "coach", "client": "client", "coachee": "client"}

_TIME = r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})(?:[.,]\d{1,3})?"
# "Name  0:15" / "Name\t00:01:02" (Otter, Teams' Word download). The name and every run of spaces
# inside a pattern are bounded, so a failed match costs a constant per position: linear on any line
_HEAD = re.compile(rf"(\S[^\t]{{0,79}}?)(?:[ \t]{{2,12}}|\t)\(?{_TIME}\)?[ \t]*")
# "Name (00:01:02):" or "Name [00:01]" with the text after it, or on the lines below
_PAREN_HEAD = re.compile(rf"([^\s()\[\]:][^()\[\]:]{{0,60}}?)[ \t]{{0,3}}[(\[]{_TIME}[)\]](?:[ \t]*:[ \t]*(.*)|[ \t]*)")
# "0:00 text" / "[00:01:02] text": a time at the start of the line
_PREFIX = re.compile(rf"[(\[]?{_TIME}[)\]]?[ \t]+(\S.*)")
_ARROW = re.compile(r"[ \t]*(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)[ \t]*-->[ \t]*(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)[ \t]*")
_FOOTER = re.compile(r"[ \t]*transcribed by[ \t]+(?:https?://)?otter\.ai\S*[ \t]*", re.IGNORECASE)
_NAME_ALONE = re.compile(r"[A-Z\u00c0-\u024f][\w.'’-]*(?:[ \t][\w.'’-]+){0,3}")
_NOT_NAMES = {"yes", "no", "okay", "ok", "right", "sure", "thanks", "hmm", "mm", "yeah", "great", "good", "wow"}


def _time(h, m, s) -> float:
    return float((int(h or 0) * 60 + int(m)) * 60 + int(s))


class _Line:
    __slots__ = ("number", "kind", "name", "text", "start", "end")

    def __init__(self, number, kind, name=None, text="", start=None, end=None):
        self.number, self.kind, self.name, self.text, self.start, self.end = number, kind, name, text, start, end


def _parse(path: Path, number: int, raw: str) -> _Line:
    """One line: 'blank', 'turn', 'head' (a speaker with the text below), 'label', 'timing' or 'text'."""
    line = raw.strip()
    if not line or _FOOTER.fullmatch(line):
        return _Line(number, "blank")
    m = _ARROW.fullmatch(line)
    if m:
        g = m.groups()
        return _Line(number, "timing", start=_time(*g[:2], 0) + float(g[2]), end=_time(*g[3:5], 0) + float(g[5]))
    m = _HEAD.fullmatch(line)
    if m:
        head = _Line(number, "head", clean_name(m.group(1)), start=_checked(path, number, m.group(2, 3, 4)))
        head.end = "otter"  # marks Otter's own line style until the times are set below
        return head
    m = _PAREN_HEAD.fullmatch(line)
    if m:
        start = _checked(path, number, m.group(2, 3, 4))
        text = (m.group(5) or "").strip()
        return _Line(number, "turn" if text else "head", clean_name(m.group(1)), text, start=start)
    start = None
    m = _PREFIX.fullmatch(line)
    if m and int(m.group(3)) < 60 and (m.group(1) is None or int(m.group(2)) < 60):
        start = _time(*m.group(1, 2, 3))
        line = m.group(4)
    name, text = split_speaker(line)
    if name is not None:
        if name.casefold() in LABEL_WORDS:
            return _Line(number, "label", name, text)
        return _Line(number, "turn" if text else "head", name, text, start=start)
    return _Line(number, "text", None, text, start=start)


def _checked(path: Path, number: int, parts) -> float:
    h, m, s = parts
    if int(s) > 59 or (h is not None and int(m) > 59):
        raise FormatError(path, number, "minutes and seconds go up to 59")
    return _time(h, m, s)


def looks_like_text_transcript(lines: list[str], path: Path) -> bool:
    """Whether the first 200 non-blank lines hold a speaker line of any style above."""
    seen = 0
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        seen += 1
        if seen > 200:
            break
        if _parse(path, i + 1, raw).kind in ("turn", "head"):
            return True
    items = [_parse(path, i + 1, raw) for i, raw in enumerate(lines[:400])]
    return _promote(items) > 0


def _promote(items: list[_Line]) -> int:
    """Make a name alone on its line a speaker head: after a timing line, or a recurring name above text."""
    alone = _names_alone(items)
    promoted = 0
    previous = None
    for item in items:
        if item.kind == "text" and (
            item.text in alone
            or (previous is not None and previous.kind == "timing" and _NAME_ALONE.fullmatch(item.text))
        ):
            item.kind, item.name, item.text = "head", item.text, ""
            promoted += 1
        if item.kind != "blank":
            previous = item
    return promoted


def _names_alone(parsed: list[_Line]) -> set[str]:
    """Plain lines that are a name alone above text: name-shaped, recurring, each followed by a text line."""
    counts: dict[str, int] = {}
    for k, item in enumerate(parsed):
        if item.kind != "text" or len(item.text) > 40 or not _NAME_ALONE.fullmatch(item.text):
            continue
        if item.text.casefold() in _NOT_NAMES or item.text.casefold() in LABEL_WORDS:
            continue
        nxt = next((p for p in parsed[k + 1 : k + 3] if p.kind != "blank"), None)
        # the text below a name reads as speech, not as another name (a sentence, or more than four words)
        if nxt is not None and nxt.kind == "text" and not _NAME_ALONE.fullmatch(nxt.text):
            counts[item.text] = counts.get(item.text, 0) + 1
    names = {n for n, c in counts.items() if c >= 2}
    return names if len(names) >= 2 else set()


def _role_headers(items: list[_Line]) -> tuple[dict[str, str], list[_Line]]:
    """``COACH: Full Name, PCC`` lines before the dialogue: the roles they declare, and those lines."""
    heads: list[_Line] = []
    for item in items:
        if item.kind == "turn" and item.name.casefold() in ROLE_WORDS and _name_shaped(item.text):
            heads.append(item)
        elif item.kind == "turn":
            break
    if not heads:
        return {}, []
    declared = {_person(h.text): ROLE_WORDS[h.name.casefold()] for h in heads}
    later = {i.name.casefold() for i in items if i.kind in ("turn", "head") and i not in heads}
    keys = {p.casefold() for p in declared} | {p.split()[0].casefold() for p in declared}
    if later & keys or (not later & set(ROLE_WORDS) and len({h.name.casefold() for h in heads}) >= 2):
        return declared, heads
    return {}, []


def _name_shaped(text: str) -> bool:
    person = _person(text)
    return bool(person) and len(person.split()) <= 5 and not any(c in text for c in "?!") and text[0].isupper()


def _person(text: str) -> str:
    """'Full Name, PCC' -> 'Full Name'; 'Maya (client)' -> 'Maya'."""
    return clean_name(re.split(r"[,(;–—]| - ", text, maxsplit=1)[0]).rstrip(".")


def text_cues(path: Path, lines: list[str], notes: list[str]) -> tuple[list[RawCue], dict[str, str], bool]:
    """The cues of a text transcript, the roles its header lines declare, and whether it has Otter heads."""
    items = [_parse(path, i + 1, raw) for i, raw in enumerate(lines)]
    _promote(items)
    declared, headers = _role_headers(items)
    header_ids = {id(h) for h in headers}

    cues: list[RawCue] = []
    current: list | None = None  # [line, start, end, name, [text]]
    before_first: list[int] = []
    left_out: list[int] = []
    blank_since = False
    pending_time: tuple[float, float] | None = None
    previous: tuple[float, int] | None = None
    otter = False

    def flush():
        if current is not None:
            cues.append(RawCue(len(cues) + 1, current[0], current[1], current[2], current[3], " ".join(current[4])))

    for item in items:
        kind = item.kind
        if kind == "blank":
            blank_since = True
            continue
        if id(item) in header_ids:
            left_out.append(item.number)
            continue
        if kind == "timing":
            pending_time = (item.start, item.end)
            continue
        if kind in ("turn", "head"):
            flush()
            start, end = item.start, None
            otter = otter or item.end == "otter"
            if pending_time is not None:
                start, end = pending_time
                pending_time = None
            if start is not None:
                if previous is not None and start < previous[0]:
                    raise FormatError(
                        path,
                        item.number,
                        f"this turn starts before the turn above it (line {previous[1]}): the times go backwards",
                    )
                previous = (start, item.number)
            current = [item.number, start, end, item.name, [item.text] if item.text else []]
            blank_since = False
            continue
        if kind == "text" and current is not None and (not blank_since or not current[4]):
            current[4].append(SPACES.sub(" ", item.text))
            blank_since = False
            continue
        # a label line, page text, or a paragraph after a blank line that names no speaker
        (left_out if cues or current is not None else before_first).append(item.number)
    flush()
    if before_first:
        n = len(before_first)
        notes.append(
            f"{n} line{'s' if n > 1 else ''} of page text before the first turn {'were' if n > 1 else 'was'} "
            f"left out ({_where(before_first)})."
        )
    if left_out:
        n = len(left_out)
        notes.append(
            f"{n} line{'s' if n > 1 else ''} that {'are' if n > 1 else 'is'} not part of a turn (role headers, "
            f"labels such as 'Note:', or text after a blank line with no speaker) {'were' if n > 1 else 'was'} "
            f"left out ({_where(left_out)})."
        )
    return cues, declared, otter


def _where(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:8])
    return f"lines {shown}{', ...' if len(numbers) > 8 else ''}"

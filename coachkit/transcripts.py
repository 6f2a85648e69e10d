"""Read the transcript of a real coaching session: Zoom or Teams WebVTT, SubRip, Otter.ai text, plain lines.

A coach brings the file their tool gave them; :func:`load_transcript` turns it into a
:class:`~coachkit.model.Session` (with no answer key) that the rest of the kit reads.

What is read, detected from the content (a ``.txt`` holding WebVTT is read as WebVTT):

- **WebVTT** (``.vtt``), read with webvtt-py. Zoom puts the speaker in the text (``Jordan: text``);
  Teams uses a voice tag (``<v Jordan>text</v>``, with or without the closing tag) and GUID cue ids.
  NOTE, STYLE and REGION blocks and cue settings (``align:start position:10%``) are allowed.
- **SubRip** (``.srt``), read with srt: index, ``00:00:01,000 --> 00:00:04,000``, text, blank line.
- **Otter.ai** text export: a ``Name  0:15`` line (two spaces; ``H:MM:SS`` past an hour), the text
  below, a blank line. Otter gives start times only, so its turns have ``end=None``.
- **plain text**: ``Name: text`` lines with no times (``start`` and ``end`` are None).

Rules (a broken rule is a :class:`~coachkit.errors.FormatError` naming the file and the line; no cue is
ever dropped silently, even where webvtt-py and srt would be lenient):

- every timing line parses, and every cue ends at or after its start; starts never go backwards
  (overlapping cues are fine: real calls have them);
- text outside any cue (a lost timing line, say) is an error, not something skipped;
- utterance ids are ``u<n>``, ``n`` the 1-based ordinal of the cue in the file (for Otter the n-th
  block, for plain text the n-th ``Name:`` line). Consecutive cues from one speaker are merged into one
  turn that keeps its first cue's id and start, ends at the latest end, and joins the text with a space.
  A cue with no words in it is kept in the count (ids never shift) but makes no turn.

The timing of every cue before merging is kept with the session (see :func:`cue_times`), so
:func:`coachkit.metrics.conversation_metrics` counts a client's long pause in the middle of a turn as a
silence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from .errors import CoachkitError, FormatError
from .model import Cue, Session, Utterance

__all__ = ["load_transcript", "cue_times", "FORMATS", "HOW_TO_GET_A_TRANSCRIPT"]

#: The formats :func:`load_transcript` reads, by the name it uses for them.
FORMATS: tuple[str, ...] = ("webvtt", "srt", "otter", "plain")

#: Said whenever a file cannot be read, so a coach knows what to bring instead.
HOW_TO_GET_A_TRANSCRIPT = (
    "coachkit reads WebVTT (.vtt, from Zoom or Teams), SubRip (.srt), Otter.ai text exports (.txt) and plain "
    "text with one 'Name: text' line per turn. To get one: in Teams: Recording > Transcript > Download as .vtt; "
    "in Zoom: the cloud recording's Audio transcript (.vtt); in Otter: Export > TXT with speaker names and "
    "timestamps."
)

# files people bring that are not transcripts the kit reads, by extension
_NOT_TEXT = {
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".odt": "an OpenDocument text",
    ".rtf": "a rich-text document",
    ".pdf": "a PDF",
    ".pages": "a Pages document",
    ".mp4": "a video",
    ".m4a": "an audio recording",
    ".mp3": "an audio recording",
    ".wav": "an audio recording",
    ".mov": "a video",
    ".webm": "a recording",
    ".zip": "a zip archive",
    ".xlsx": "a spreadsheet",
}

_MAGIC = (
    (b"PK\x03\x04", "a zip archive (a Word .docx is one)"),
    (b"%PDF", "a PDF"),
    (b"{\\rtf", "a rich-text document"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Office document"),
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters that never appear in a text transcript (tab, line ends and form feed may).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_VTT_TS = r"(?:(\d{1,10}):)?([0-5]?\d):([0-5]?\d)\.(\d{1,3})"
_VTT_TIMING = re.compile(rf"[ \t]*{_VTT_TS}[ \t]*-->[ \t]*{_VTT_TS}(?:[ \t]+.*)?[ \t]*")
_SRT_TS = r"(\d{1,10}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"[ \t]*{_SRT_TS}[ \t]*-->[ \t]*{_SRT_TS}(?:[ \t]+.*)?[ \t]*")
_OTTER_HEAD = re.compile(r"(\S.{0,79}?)(?:[ \t]{2,}|\t)((?:\d{1,2}:)?\d{1,3}:\d{2})[ \t]*")
_OTTER_FOOTER = re.compile(r"\s*transcribed by\s+(https?://)?otter\.ai\S*\s*", re.IGNORECASE)
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_NAME_BAD = re.compile(r"[<>\[\]{}]")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)*[ \t]+([^>]+?)[ \t]*>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_SPACES = re.compile(r"\s+")
_QUESTION = re.compile(r"\?[!\"'”’)\]]*(?=\s|$)")


class _Cue(NamedTuple):
    """One cue as written in the file, before cues are merged into turns."""

    n: int  # the cue's number: its whole-number identifier when the file numbers cues uniquely, else its position
    line: int  # the line it starts on (timing line, speaker line)
    start: float | None
    end: float | None
    name: str | None  # the speaker as written, None when the cue does not say
    text: str


# ----------------------------------------------------------------------------------------------- reading


def _read_text(path: Path) -> tuple[str, list[str]]:
    """The file's text (BOM removed) and any notes about how it was decoded."""
    if not path.exists():
        raise CoachkitError(f"{path}: no such file")
    if path.is_dir():
        raise CoachkitError(f"{path}: is a folder, not a transcript file. {HOW_TO_GET_A_TRANSCRIPT}")
    kind = _NOT_TEXT.get(path.suffix.lower())
    if kind:
        raise FormatError(path, None, f"this is {kind}, not a transcript. {HOW_TO_GET_A_TRANSCRIPT}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CoachkitError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise FormatError(path, None, f"the file is empty. {HOW_TO_GET_A_TRANSCRIPT}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise FormatError(path, None, f"this is {what}, not a transcript. {HOW_TO_GET_A_TRANSCRIPT}")
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(path, None, "the file says it is UTF-16 text but is not") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                line = data[: exc.start].count(b"\n") + 1
                raise FormatError(path, line, f"this is not text (a binary file?). {HOW_TO_GET_A_TRANSCRIPT}") from None
            notes.append("The file is not UTF-8; it was read as Windows (cp1252) text.")
    text = text.lstrip("\ufeff")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise FormatError(path, line, f"this is not text (a binary file?). {HOW_TO_GET_A_TRANSCRIPT}")
    return text, notes


def _split_lines(text: str) -> list[str]:
    if not any(c in text for c in "\x0c\x85\u2028\u2029"):
        return text.splitlines()  # the same split (control characters were refused), only faster
    lines = _LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _detect(lines: list[str], path: Path) -> str:
    """Which of :data:`FORMATS` the text is, from its content; a FormatError if none."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError(path, None, f"the file is empty. {HOW_TO_GET_A_TRANSCRIPT}")
    if lines[first].startswith("WEBVTT"):
        return "webvtt"
    sample = lines[first : first + 200]
    if any("-->" in line for line in sample):
        if path.suffix.lower() == ".vtt":
            raise FormatError(path, first + 1, "a WebVTT file must start with the line 'WEBVTT'")
        return "srt"
    for line in sample:
        if not line.strip():
            continue
        if _OTTER_HEAD.fullmatch(line):
            return "otter"
        if _split_speaker(line)[0] is not None:
            return "plain"
    raise FormatError(
        path, None, f"this does not look like a transcript (no speaker names or times found). {HOW_TO_GET_A_TRANSCRIPT}"
    )


def _split_speaker(text: str) -> tuple[str | None, str]:
    """``'Jordan: Hi'`` -> ``('Jordan', 'Hi')``; text with no speaker -> ``(None, text)``."""
    colon = text.find(":")
    if 0 < colon <= 61:
        name, rest = text[:colon].strip(), text[colon + 1 :]
        if name and (not rest or rest[0] in " \t") and len(name.split()) <= 6 and not _NAME_BAD.search(name):
            return _clean_name(name), rest.strip()
    return None, text.strip()


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _seconds(h, m, s, ms) -> float:
    return (((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms.ljust(3, "0"))) / 1000


def _check_timing(path: Path, number: int, match: re.Match, previous: tuple[float, int] | None) -> tuple[float, float]:
    g = match.groups()
    start, end = _seconds(*g[:4]), _seconds(*g[4:8])
    if end < start:
        raise FormatError(path, number, f"this cue ends before it starts: {match.group(0).strip()!r}")
    if previous is not None and start < previous[0]:
        raise FormatError(
            path, number, f"this cue starts before the cue above it (line {previous[1]}): the times go backwards"
        )
    return start, end


def _vtt_blocks(lines: list[str], first: int):
    """Yield ``(line number, block lines)`` as WebVTT (and webvtt-py) splits them: a blank line ends a
    block, and a line with "-->" that cannot be this block's timing line starts a new one."""
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


def _vtt_cues(path: Path, lines: list[str]) -> list[_Cue]:
    """Read WebVTT: check every block ourselves, then let webvtt-py read the cues and compare."""
    import webvtt

    first = next(i for i, line in enumerate(lines) if line.strip())
    timings: list[tuple[int, re.Match]] = []  # (line number, timing) of each cue
    header = True
    for number, block in _vtt_blocks(lines, first):
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
        m = _VTT_TIMING.fullmatch(block[at])
        if not m:
            raise FormatError(
                path,
                number + at,
                f"this timing line does not parse: {block[at].strip()!r} (expected "
                "'00:00:01.000 --> 00:00:04.000', minutes and seconds up to 59; '-->' belongs only in a timing line)",
            )
        timings.append((number + at, m))

    try:
        captions = webvtt.from_string("\n".join(lines[first:])).captions
    except Exception as exc:  # webvtt-py's errors, or anything it trips over
        raise FormatError(path, None, f"webvtt-py cannot read this file: {exc}") from None
    # Never drop a cue silently: webvtt-py must have read every cue we saw, in the same order.
    if len(captions) != len(timings):
        for (number, m), caption in zip(timings, [*captions, None], strict=False):
            if caption is None or caption.start_time.in_milliseconds() != round(_seconds(*m.groups()[:4]) * 1000):
                raise FormatError(path, number, "webvtt-py skipped this cue; please check its timing line and text")
        raise FormatError(path, None, f"webvtt-py read {len(captions)} cues where the file has {len(timings)}")
    cues: list[_Cue] = []
    previous_start, previous_line = -1, 0
    numbers = _cue_numbers([caption.identifier for caption in captions])
    for k, ((number, _), caption) in enumerate(zip(timings, captions, strict=True)):
        start_ms, end_ms = caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds()
        if end_ms < start_ms:
            raise FormatError(path, number, f"this cue ends before it starts: {caption.start} --> {caption.end}")
        if start_ms < previous_start:
            raise FormatError(
                path, number, f"this cue starts before the cue above it (line {previous_line}): the times go backwards"
            )
        previous_start, previous_line = start_ms, number
        start, end = start_ms / 1000, end_ms / 1000
        joined = " ".join(caption.lines)
        if "<" in joined:  # cue tags: Teams' <v Name> voice tag, <i>, <c.colour> ...
            name = caption.voice
            joined = " ".join(caption.text.split("\n"))
        else:
            name = None
        said = " ".join(joined.split())
        if name is not None:
            name = _clean_name(name)
        else:
            name, said = _split_speaker(said)
        # WebVTT escapes '&', '<' and '>' as character references: show them as the speaker wrote them
        said = html.unescape(said)
        if name is not None:
            name = html.unescape(name)
        cues.append(_Cue(numbers[k], number, start, end, name, said))
    return cues


def _cue_numbers(identifiers: list[str | None]) -> list[int]:
    """The number of each cue: its own identifier when every cue has a distinct whole-number identifier
    (Zoom numbers cues 1, 2, 3 ...; a revised sample transcript keeps the numbers of unchanged cues and
    gives new ones numbers never used before), else its position in the file (Teams' GUID ids).

    >>> _cue_numbers(["1", "2", "201", "3"]), _cue_numbers(["a/1-0", "a/2-0"]), _cue_numbers(["1", "1"])
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


def _srt_cues(path: Path, text: str, lines: list[str]) -> list[_Cue]:
    """Read SubRip with srt, after checking every timing line ourselves (srt accepts truncated ones)."""
    import srt

    timings: list[tuple[int, float, float]] = []
    previous = None
    for i, line in enumerate(lines):
        if "-->" not in line:
            continue
        m = _SRT_TIMING.fullmatch(line)
        if not m:
            raise FormatError(path, i + 1, f"this timing line does not parse: {line.strip()!r}")
        start, end = _check_timing(path, i + 1, m, previous)
        previous = (start, i + 1)
        timings.append((i + 1, start, end))
    try:
        subtitles = list(srt.parse("\n".join(lines) + "\n"))
    except srt.SRTParseError as exc:
        joined = "\n".join(lines)
        line = joined.count("\n", 0, exc.expected_start) + 1
        raise FormatError(
            path, line, "this text is not part of any subtitle: a subtitle is its number, a timing line and its text"
        ) from None
    except Exception as exc:
        raise FormatError(path, None, f"srt cannot read this file: {exc}") from None
    if len(subtitles) != len(timings):
        raise FormatError(path, None, f"srt read {len(subtitles)} subtitles where the file has {len(timings)}")
    cues = []
    for k, (sub, (number, start, end)) in enumerate(zip(subtitles, timings, strict=True)):
        if round(sub.start.total_seconds() * 1000) != round(start * 1000):
            raise FormatError(path, number, "srt read this subtitle differently; please check its timing line")
        content = sub.content
        voice = _VOICE.search(content)
        if voice and not content[: voice.start()].strip():
            name, said = _clean_name(voice.group(1)), _TAG.sub("", content[voice.end() :])
            said = _SPACES.sub(" ", said).strip()
        else:
            name, said = _split_speaker(_SPACES.sub(" ", _TAG.sub("", content)))
        cues.append(_Cue(k + 1, number, start, end, name, said))
    return cues


def _cue_numbers(identifiers: list[str | None]) -> list[int]:
    """The number of each cue: its own identifier when every cue has a distinct whole-number identifier
    (Zoom numbers cues 1, 2, 3 ...; a revised sample transcript keeps the numbers of unchanged cues and
    gives new ones numbers never used before), else its position in the file (Teams' GUID ids).

    >>> _cue_numbers(["1", "2", "201", "3"]), _cue_numbers(["a/1-0", "a/2-0"]), _cue_numbers(["1", "1"])
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


def _otter_cues(path: Path, lines: list[str], notes: list[str]) -> list[_Cue]:
    cues: list[_Cue] = []
    preamble: list[int] = []
    current: list | None = None  # [line, start, name, [text lines]]
    previous = None

    def flush():
        if current is not None:
            cues.append(_Cue(len(cues) + 1, current[0], current[1], None, current[2], " ".join(current[3]).strip()))

    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        m = _OTTER_HEAD.fullmatch(line)
        if m:
            flush()
            parts = [int(p) for p in m.group(2).split(":")]
            if any(p > 59 for p in parts[1:]):
                raise FormatError(path, i + 1, f"minutes and seconds go up to 59: {m.group(2)!r}")
            start = float(sum(p * 60**k for k, p in enumerate(reversed(parts))))
            if previous is not None and start < previous[0]:
                raise FormatError(
                    path,
                    i + 1,
                    f"this turn starts before the turn above it (line {previous[1]}): the times go backwards",
                )
            previous = (start, i + 1)
            current = [i + 1, start, _clean_name(m.group(1)), []]
        elif _OTTER_FOOTER.fullmatch(line):
            continue
        elif current is None:
            preamble.append(i + 1)
        else:
            current[3].append(_SPACES.sub(" ", stripped))
    flush()
    if preamble:
        notes.append(_skipped_note(preamble, "speaker line ('Name  0:15')"))
    return cues


def _plain_cues(path: Path, lines: list[str], notes: list[str]) -> list[_Cue]:
    cues: list[_Cue] = []
    preamble: list[int] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        name, said = _split_speaker(line)
        if name is not None:
            cues.append(_Cue(len(cues) + 1, i + 1, None, None, name, said))
        elif cues:  # a wrapped line: it belongs to the line above
            last = cues[-1]
            cues[-1] = last._replace(text=f"{last.text} {_SPACES.sub(' ', line.strip())}".strip())
        else:
            preamble.append(i + 1)
    if preamble:
        notes.append(_skipped_note(preamble, "'Name: text' line"))
    return cues


def _skipped_note(numbers: list[int], what: str) -> str:
    where = f"line {numbers[0]}" if len(numbers) == 1 else f"lines {numbers[0]} to {numbers[-1]}"
    return f"Skipped {len(numbers)} line{'s' if len(numbers) > 1 else ''} before the first {what} ({where}): a title or header."


def _read_cues(path) -> tuple[str, list[_Cue], list[str]]:
    """The file's format, its cues as written (before merging) and notes on reading it."""
    path = Path(path)
    text, notes = _read_text(path)
    lines = _split_lines(text)
    kind = _detect(lines, path)
    if kind == "webvtt":
        cues = _vtt_cues(path, lines)
    elif kind == "srt":
        cues = _srt_cues(path, text, lines)
    elif kind == "otter":
        cues = _otter_cues(path, lines, notes)
    else:
        cues = _plain_cues(path, lines, notes)
    if not any(c.text for c in cues):
        raise FormatError(path, None, f"no speech found in this {kind} file. {HOW_TO_GET_A_TRANSCRIPT}")
    return kind, cues, notes


# --------------------------------------------------------------------------------------------- speakers


def _questions(text: str) -> int:
    return len(_QUESTION.findall(text))


def _rename(path, cues: list[_Cue], speakers: Mapping[str, str] | None, notes: list[str]) -> list[_Cue]:
    """Give nameless cues a speaker and apply the user's renaming (before anything is counted)."""
    named = [c.name for c in cues if c.name]
    if not named:
        raise FormatError(
            path,
            None,
            "no speaker names found: each cue needs 'Name: text' or a '<v Name>' tag, so the kit can tell "
            "the coach from the client",
        )
    out: list[_Cue] = []
    last = None
    inherited = unknown = 0
    if all(c.name is not None or not c.text for c in cues):
        out = cues  # the usual case: every cue says who speaks
        cues = ()
    for c in cues:
        name = c.name
        if name is None and c.text:
            if last is None:
                name, unknown = "Unknown speaker", unknown + 1
            else:
                name, inherited = last, inherited + 1
        if name is not None:
            last = name
        out.append(c._replace(name=name))
    if inherited:
        notes.append(f"{inherited} cue(s) had no speaker name and were given to the speaker before them.")
    if unknown:
        notes.append(f"{unknown} cue(s) at the start had no speaker name and are shown as 'Unknown speaker'.")
    if speakers:
        if not isinstance(speakers, Mapping):
            raise CoachkitError("speakers must be a mapping of display name -> name, e.g. {'Zoom User 3': 'Maya'}")
        found = _unique(c.name for c in out if c.name)
        lookup = {n.casefold(): n for n in found}
        renames: dict[str, str] = {}
        for old, new in speakers.items():
            if not isinstance(old, str) or not isinstance(new, str) or not new.strip():
                raise CoachkitError(f"speakers: {old!r} -> {new!r}: both must be non-empty text")
            key = _clean_name(old).casefold()
            if key not in lookup:
                raise CoachkitError(
                    f"{path}: speakers renames {old!r}, but there is no such speaker. Speakers found: {', '.join(found)}"
                )
            renames[lookup[key]] = _clean_name(new)
        out = [c._replace(name=renames.get(c.name, c.name)) for c in out]
        notes.append(f"Renamed {len(renames)} speaker display name(s) as asked.")
    return out


def _unique(names) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n, None)
    return list(seen)


def _match_name(path, wanted: str, found: list[str], role: str, notes: list[str]) -> str:
    if not isinstance(wanted, str) or not wanted.strip():
        raise CoachkitError(f"{role} must be a speaker's name. Speakers found: {', '.join(found)}")
    key = _clean_name(wanted).casefold()
    exact = [n for n in found if n.casefold() == key]
    if exact:
        return exact[0]
    first_word = [n for n in found if n.split()[0].casefold() == key]
    if len(first_word) == 1:
        notes.append(f"Took {first_word[0]} to be the {role} ({role}={wanted!r}).")
        return first_word[0]
    raise CoachkitError(
        f"{path}: no speaker called {wanted!r}. Speakers found: {', '.join(found)}. Pass {role}=one of them."
    )


def _roles(path, cues: list[_Cue], coach, client, notes: list[str]) -> dict[str, str]:
    found = _unique(c.name for c in cues if c.text)
    questions = dict.fromkeys(found, 0)
    words = dict.fromkeys(found, 0)
    if len(found) > 2 or (coach is None and len(found) > 1):  # only needed to guess
        for c in cues:
            if c.text:
                questions[c.name] += _questions(c.text)
                words[c.name] += c.text.count(" ") + 1
    labelled = {n.casefold(): n for n in found}
    if coach is not None:
        coach_name = _match_name(path, coach, found, "coach", notes)
    elif "coach" in labelled:
        coach_name = labelled["coach"]  # a transcript that names its speakers "Coach" and "Client"
    else:
        # most questions; on a tie the one who talks less, then the one who speaks first
        coach_name = max(found, key=lambda n: (questions[n], -words[n], -found.index(n)))
        if len(found) > 1:
            notes.append(
                f"Took {coach_name} to be the coach: they asked the most questions ({questions[coach_name]}). "
                "Pass coach=... to choose."
            )
    others = [n for n in found if n != coach_name]
    if client is not None:
        client_name = _match_name(path, client, others, "client", notes) if others else None
        if client_name is None:
            raise CoachkitError(f"{path}: only {coach_name} speaks, so there is no client to choose")
    elif "client" in labelled and labelled["client"] != coach_name:
        client_name = labelled["client"]
    elif others:
        client_name = max(others, key=lambda n: (words[n], -found.index(n)))
        if len(others) > 1:
            notes.append(f"Took {client_name} to be the client: after the coach they spoke the most words.")
    else:
        client_name = None
        notes.append(f"Only one speaker ({coach_name}) was found: there is no client in this transcript.")
    roles = {n: "other" for n in found}
    roles[coach_name] = "coach"
    if client_name:
        roles[client_name] = "client"
    rest = [n for n in others if n != client_name]
    if rest:
        notes.append(f"{len(rest)} other speaker(s) ({', '.join(rest)}) are kept as 'other'.")
    return roles


# ----------------------------------------------------------------------------------------------- turns


def _merge(cues: list[_Cue], roles: dict[str, str]) -> tuple[Utterance, ...]:
    turns, _ = _merge_with_cues(cues, roles)
    return turns


def _merge_with_cues(cues: list[_Cue], roles: dict[str, str]) -> tuple[tuple[Utterance, ...], tuple[Cue, ...]]:
    """The turns (consecutive cues of one speaker merged, keeping the first cue's id) and every cue's timing."""
    runs: list[list[_Cue]] = []
    for c in cues:
        if c.text:
            if runs and runs[-1][0].name == c.name:
                runs[-1].append(c)
            else:
                runs.append([c])
    turns = []
    for run in runs:
        c = run[0]
        if len(run) == 1:
            turns.append(Utterance(f"u{c.n}", roles[c.name], c.name, c.start, c.end, c.text))
            continue
        ends = [x.end for x in run]
        end = None if None in ends else max(ends)
        turns.append(Utterance(f"u{c.n}", roles[c.name], c.name, c.start, end, " ".join(x.text for x in run)))
    timing = tuple(Cue(x.n, x.start, x.end, f"u{run[0].n}") for run in runs for x in run)
    return tuple(turns), timing


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "transcript"


def cue_times(session: Session) -> tuple[tuple[int, float | None, float | None], ...] | None:
    """The ``(n, start, end)`` of every cue with words in it, before cues were merged into turns.

    ``n`` is the cue's ordinal, so cue ``n`` belongs to the turn with the largest id ``u<k>``, ``k <= n``.
    Read from ``session.cues`` (a field the session carries through the store and the session-folder
    format); None when the session does not know its cues.
    """
    if not session.cues:
        return None
    return tuple((c.n, c.start, c.end) for c in session.cues)


def _ordinal(utterance_id: str) -> int | None:
    if utterance_id.startswith("u") and utterance_id[1:].isdigit():
        return int(utterance_id[1:])
    return None


def load_transcript(
    path,
    coach: str | None = None,
    speakers: Mapping[str, str] | None = None,
    client: str | None = None,
) -> Session:
    """Read a Zoom/Teams ``.vtt``, ``.srt``, Otter ``.txt`` or plain ``Name: text`` transcript.

    Parameters
    ----------
    path : str or Path
        The transcript file. Its format is detected from the content.
    coach : str, optional
        The coach's speaker name (case does not matter; a unique first name is enough). Without it, the
        speaker who asks the most questions is taken to be the coach, and ``notes`` says so.
    speakers : mapping, optional
        Renames display names before anything is counted: ``{"Zoom User 3": "Maya", "Sam B": "Sam"}``
        (two names mapped to one merge into one person).
    client : str, optional
        The client's name, when more than two people speak (else: whoever talks most after the coach).

    Returns
    -------
    Session
        ``kind`` "full", no level and no key; ``id`` a slug of the file name, ``title`` the file name,
        ``source`` the path, ``notes`` plain sentences on what the reader decided.

    Raises
    ------
    FormatError
        The file is not a transcript the kit reads, or breaks a rule; the message names file and line.
    CoachkitError
        An unknown coach, client or speaker name (the message lists the speakers found).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "call.txt").write_text("Sam: What do you want today?\\nMaya: Clarity.\\n")
    >>> s = load_transcript(folder / "call.txt", coach="sam")
    >>> [(u.id, u.speaker, u.text) for u in s.utterances]
    [('u1', 'coach', 'What do you want today?'), ('u2', 'client', 'Clarity.')]
    """
    path = Path(path)
    kind, cues, notes = _read_cues(path)
    if speakers is not None and not isinstance(speakers, Mapping):
        raise CoachkitError("speakers must be a mapping of display name -> name, e.g. {'Zoom User 3': 'Maya'}")
    cues = _rename(path, cues, speakers, notes)
    roles = _roles(path, cues, coach, client, notes)
    utterances, timing = _merge_with_cues(cues, roles)
    merged = sum(1 for c in cues if c.text) - len(utterances)
    if merged:
        notes.append(f"Merged {merged} cue(s) into the turn of the same speaker before them.")
    session = Session(
        id=_slug(path.stem),
        title=path.name,
        kind="full",
        level=None,
        focus=(),
        topic="",
        utterances=utterances,
        key=None,
        source=str(path),
        notes=(f"Read as {_FORMAT_NAMES[kind]}.", *notes),
        cues=timing,
    )
    return session


_FORMAT_NAMES = {
    "webvtt": "WebVTT (Zoom or Teams)",
    "srt": "SubRip (.srt)",
    "otter": "an Otter.ai text export (start times only)",
    "plain": "plain text with no times",
}

"""Read the transcript of a real coaching session: WebVTT, SubRip, Word, Otter, transcription-service text, dialogues.

A coach brings the file their tool gave them; :func:`load_transcript` turns it into a
:class:`~coachkit.model.Session` (with no answer key) that the rest of the kit reads.

What is read, detected from the content (a ``.txt`` holding WebVTT is read as WebVTT; the full list
with examples is in ``docs/transcript-formats.md``):

- **WebVTT** (``.vtt``, Zoom and Teams), by :mod:`coachkit._vtt`, the kit's one WebVTT grammar.
- **SubRip** (``.srt``), by :mod:`coachkit._srt`, with ``Name:``, ``[SPEAKER_00]:``, ``>> NAME:`` or
  ``<v Name>`` speakers.
- **Word** (``.docx``) downloads from Teams and Otter, by :mod:`coachkit._docx` (python-docx), limited
  by their unpacked size.
- **Text** (:mod:`coachkit._textformats`): Otter's ``Name  0:15`` export (start times only, so
  ``end=None``), ``Name (00:01:02):`` lines, diarized and caption labels, a name alone above its text,
  time prefixes, and pasted dialogues (``Name: text``, no times), whose ``COACH: Name`` header lines
  declare the roles and whose page text is left out and counted in ``notes``.

Rules (a broken rule is a :class:`~coachkit.errors.FormatError` naming the file and the line; no cue is
ever dropped silently):

- every timing line parses, and every cue ends at or after its start; starts never go backwards
  (overlapping cues are fine: real calls have them);
- text outside any cue (a lost timing line, say) is an error, not something skipped;
- utterance ids are ``u<n>``, ``n`` the cue's number (see :func:`coachkit._vtt.cue_numbers`) or its
  1-based ordinal in the file (for the text formats and Word, the n-th speaker line or block).
  Consecutive cues from one speaker are merged into one turn that keeps its first cue's id and start,
  ends at the latest end, and joins the text with a space.
  A cue with no words in it is kept in the count (ids never shift) but makes no turn.

The timing of every cue before merging is kept with the session (see :func:`cue_times`), so
:func:`coachkit.metrics.conversation_metrics` counts a client's long pause in the middle of a turn as a
silence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from . import _docx, _files, _srt, _vtt
from . import _textformats as _text
from ._cues import RawCue, clean_name
from ._files import read_bounded
from .errors import CoachkitError, FormatError
from .model import Cue, Session, Utterance, slug

__all__ = ["load_transcript", "cue_times", "FORMATS", "HOW_TO_GET_A_TRANSCRIPT"]

#: The formats :func:`load_transcript` reads, by the name it uses for them.
FORMATS: tuple[str, ...] = ("webvtt", "srt", "docx", "otter", "plain")

#: Said whenever a file cannot be read, so a coach knows what to bring instead.
HOW_TO_GET_A_TRANSCRIPT = (
    "coachkit reads WebVTT (.vtt, from Zoom or Teams), SubRip (.srt), Word transcripts (.docx, from Teams or "
    "Otter), Otter.ai text exports (.txt) and text with one 'Name: text' line per turn (see "
    "docs/transcript-formats.md). To get one: in Teams: Recording > Transcript > Download as .vtt (or .docx); "
    "in Zoom: the cloud recording's Audio transcript (.vtt); in Otter: Export > TXT or DOCX with speaker names "
    "and timestamps."
)

# files people bring that are not transcripts the kit reads, by extension
_NOT_TEXT = {
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
_QUESTION = re.compile(r"\?[!\"'”’)\]]*(?=\s|$)")


# ----------------------------------------------------------------------------------------------- reading


def _read_bytes(path: Path) -> bytes:
    kind = _NOT_TEXT.get(path.suffix.lower())
    if kind:
        raise FormatError(path, None, f"this is {kind}, not a transcript. {HOW_TO_GET_A_TRANSCRIPT}")
    if path.is_dir():
        raise FormatError(path, None, f"is a folder, not a transcript file. {HOW_TO_GET_A_TRANSCRIPT}")
    return read_bounded(path, _files.TRANSCRIPT_LIMIT, "transcript")


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """The file's text (BOM removed) and any notes about how it was decoded."""
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
    """Which reader the text needs, from its content: 'webvtt', 'srt' or 'text'; a FormatError if none."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError(path, None, f"the file is empty. {HOW_TO_GET_A_TRANSCRIPT}")
    if lines[first].startswith("WEBVTT"):
        return "webvtt"
    sample = lines[first : first + 200]
    if any("-->" in line for line in sample) and any(_srt.SRT_TIMING.fullmatch(line) for line in sample):
        if path.suffix.lower() == ".vtt":
            raise FormatError(path, first + 1, "a WebVTT file must start with the line 'WEBVTT'")
        return "srt"
    if any("-->" in line for line in sample) and path.suffix.lower() in (".vtt", ".srt"):
        if path.suffix.lower() == ".vtt":
            raise FormatError(path, first + 1, "a WebVTT file must start with the line 'WEBVTT'")
        return "srt"
    if _text.looks_like_text_transcript(lines, path):
        return "text"
    raise FormatError(
        path, None, f"this does not look like a transcript (no speaker names or times found). {HOW_TO_GET_A_TRANSCRIPT}"
    )


def _read_cues(path) -> tuple[str, list[RawCue], list[str], dict[str, str]]:
    """The file's format, its cues as written (before merging), notes on reading it, declared roles."""
    path = Path(path)
    data = _read_bytes(path)
    declared: dict[str, str] = {}
    if path.suffix.lower() == ".docx" or _docx.is_docx(data):
        notes: list[str] = []
        lines = _docx.docx_lines(path, data, HOW_TO_GET_A_TRANSCRIPT)
        if not any(line.strip() for line in lines):
            raise FormatError(path, None, f"this Word document holds no text. {HOW_TO_GET_A_TRANSCRIPT}")
        if not _text.looks_like_text_transcript(lines, path):
            raise FormatError(
                path, None, f"this Word document does not look like a transcript (no speaker names found). "
                f"{HOW_TO_GET_A_TRANSCRIPT}"
            )
        cues, declared, _ = _text.text_cues(path, lines, notes)
        kind = "docx"
    else:
        text, notes = _decode(path, data)
        lines = _split_lines(text)
        kind = _detect(lines, path)
        if kind == "webvtt":
            cues = _vtt.vtt_cues(path, lines)
        elif kind == "srt":
            cues = _srt.srt_cues(path, lines)
        else:
            cues, declared, otter = _text.text_cues(path, lines, notes)
            kind = "otter" if otter else "plain"
    if not any(c.text for c in cues):
        raise FormatError(path, None, f"no speech found in this {kind} file. {HOW_TO_GET_A_TRANSCRIPT}")
    return kind, cues, notes, declared


# --------------------------------------------------------------------------------------------- speakers

_CHOOSE = "Say who it is with --coach NAME on the command line (coach=NAME in Python)"


def _questions(text: str) -> int:
    return len(_QUESTION.findall(text))


def _rename(path, cues: list[RawCue], speakers: Mapping[str, str] | None, notes: list[str]) -> list[RawCue]:
    """Give nameless cues a speaker and apply the user's renaming (before anything is counted)."""
    if not any(c.name for c in cues):
        raise FormatError(
            path,
            None,
            "no speaker names found: each cue needs 'Name: text', '[SPEAKER_00]: text' or a '<v Name>' tag, "
            "so the kit can tell the coach from the client",
        )
    out: list[RawCue] = []
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
        found = _unique(c.name for c in out if c.name)
        lookup = {n.casefold(): n for n in found}
        renames: dict[str, str] = {}
        for old, new in speakers.items():
            if not isinstance(old, str) or not isinstance(new, str) or not new.strip():
                raise CoachkitError(f"speakers: {str(old)[:60]!r} -> {str(new)[:60]!r}: both must be non-empty text")
            key = clean_name(old).casefold()
            if key not in lookup:
                raise CoachkitError(
                    f"{path}: speakers renames {old[:60]!r}, but there is no such speaker. "
                    f"Speakers found: {_listed(found)}"
                )
            renames[lookup[key]] = clean_name(new)
        out = [c._replace(name=renames.get(c.name, c.name)) for c in out]
        notes.append(f"Renamed {len(renames)} speaker display name(s) as asked.")
    return out


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))


def _listed(found: list[str], limit: int = 12) -> str:
    shown = ", ".join(found[:limit])
    return shown + (f" and {len(found) - limit} more" if len(found) > limit else "")


def _match_name(path, wanted, found: list[str], role: str, notes: list[str], first_words=None) -> str:
    option = f"--{role} NAME"
    if not isinstance(wanted, str) or not wanted.strip():
        raise CoachkitError(f"the {role} must be a speaker's name ({option}). Speakers found: {_listed(found)}")
    key = clean_name(wanted).casefold()
    for n in found:
        if n.casefold() == key:
            return n
    first_word = [n for n in found if n.split()[0].casefold() == key]
    if len(first_word) == 1:
        notes.append(f"Took {first_word[0]} to be the {role} (asked for {wanted[:60]!r}).")
        return first_word[0]
    raise CoachkitError(
        f"{path}: no speaker called {wanted[:60]!r}. Speakers found: {_listed(found)}. "
        f"Choose one of them with {option} on the command line ({role}=NAME in Python)."
    )


def _declared_name(declared: Mapping[str, str], found: list[str], role: str) -> str | None:
    """The speaker a header line (``COACH: Full Name, PCC``) names for ``role``, if any speaker matches."""
    for person, r in declared.items():
        if r != role:
            continue
        key = person.casefold()
        first = key.split()[0] if key.split() else key
        for n in found:
            if n.casefold() == key or n.casefold() == first or n.split()[0].casefold() == first:
                return n
    return None


def _roles(path, cues: list[RawCue], coach, client, notes: list[str], declared=None) -> dict[str, str]:
    """Each speaker's role; every step is one pass over the cues or the speakers (linear in both)."""
    found = _unique(c.name for c in cues if c.text)
    order = {n: k for k, n in enumerate(found)}
    questions = dict.fromkeys(found, 0)
    words = dict.fromkeys(found, 0)
    for c in cues:
        if c.text:
            questions[c.name] += _questions(c.text)
            words[c.name] += c.text.count(" ") + 1
    labelled: dict[str, str] = {}  # role -> the speaker whose name is that role's label
    for n in found:
        role = _text.ROLE_WORDS.get(n.casefold())
        if role and role not in labelled:
            labelled[role] = n
    declared = declared or {}
    if coach is not None:
        coach_name = _match_name(path, coach, found, "coach", notes)
    elif "coach" in labelled:
        coach_name = labelled["coach"]  # a transcript that names its speakers "Coach" and "Client"
    elif _declared_name(declared, found, "coach"):
        coach_name = _declared_name(declared, found, "coach")
        notes.append(f"Took {coach_name} to be the coach: a header line of the file says so.")
    elif len(found) == 1:
        coach_name = found[0]
    else:
        # a speaker labelled Client (or Coachee) or declared the client is never taken for the coach
        barred = {labelled.get("client"), _declared_name(declared, found, "client")}
        candidates = [n for n in found if n not in barred] or found
        best = max(candidates, key=lambda n: (questions[n], -words[n], -order[n]))
        if questions[best] == 0:
            raise CoachkitError(
                f"{path}: no line asks a question, so the kit cannot tell who the coach is. {_CHOOSE}. "
                f"Speakers found: {_listed(found)}"
            )
        coach_name = best
        notes.append(
            f"Took {coach_name} to be the coach: they asked the most questions ({questions[coach_name]}). "
            f"If that is wrong: {_CHOOSE[0].lower()}{_CHOOSE[1:]}."
        )
    others = [n for n in found if n != coach_name]
    if client is not None:
        if not others:
            raise CoachkitError(f"{path}: only {coach_name} speaks, so there is no client to choose")
        client_name = _match_name(path, client, others, "client", notes)
    elif labelled.get("client") and labelled["client"] != coach_name:
        client_name = labelled["client"]
    elif _declared_name(declared, others, "client"):
        client_name = _declared_name(declared, others, "client")
    elif others:
        client_name = max(others, key=lambda n: (words[n], -order[n]))
        if len(others) > 1:
            notes.append(
                f"Took {client_name} to be the client: after the coach they spoke the most words. "
                "Choose another with --client NAME (client=NAME in Python)."
            )
    else:
        client_name = None
        notes.append(f"Only one speaker ({coach_name}) was found: there is no client in this transcript.")
    roles = dict.fromkeys(found, "other")
    roles[coach_name] = "coach"
    if client_name:
        roles[client_name] = "client"
    rest = [n for n in others if n != client_name]
    if rest:
        notes.append(f"{len(rest)} other speaker(s) ({_listed(rest)}) are kept as 'other'.")
    return roles


# ----------------------------------------------------------------------------------------------- turns


def _merge_with_cues(cues: list[RawCue], roles: dict[str, str]) -> tuple[tuple[Utterance, ...], tuple[Cue, ...]]:
    """The turns (consecutive cues of one speaker merged, keeping the first cue's id) and every cue's timing."""
    runs: list[list[RawCue]] = []
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


def cue_times(session: Session) -> tuple[tuple[int, float | None, float | None], ...] | None:
    """The ``(n, start, end)`` of every cue with words in it, before cues were merged into turns.

    ``n`` is the cue's ordinal, so cue ``n`` belongs to the turn with the largest id ``u<k>``, ``k <= n``.
    Read from ``session.cues`` (a field the session carries through the store and the session-folder
    format); None when the session does not know its cues.
    """
    if not session.cues:
        return None
    return tuple((c.n, c.start, c.end) for c in session.cues)


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
    kind, cues, notes, declared = _read_cues(path)
    if speakers is not None and not isinstance(speakers, Mapping):
        raise CoachkitError("speakers must be a mapping of display name -> name, e.g. {'Zoom User 3': 'Maya'}")
    cues = _rename(path, cues, speakers, notes)
    roles = _roles(path, cues, coach, client, notes, declared)
    utterances, timing = _merge_with_cues(cues, roles)
    merged = sum(1 for c in cues if c.text) - len(utterances)
    if merged:
        notes.append(f"Merged {merged} cue(s) into the turn of the same speaker before them.")
    session = Session(
        id=slug(path.stem, "transcript"),
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
    "docx": "a Word transcript (Teams or Otter .docx)",
    "webvtt": "WebVTT (Zoom or Teams)",
    "srt": "SubRip (.srt)",
    "otter": "an Otter.ai text export (start times only)",
    "plain": "text with speaker names (a pasted dialogue or a transcription service's text)",
}

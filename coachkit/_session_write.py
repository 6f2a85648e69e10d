"""A session's talk as a transcript file, every cue kept: private to :mod:`coachkit.session_files`.

The format follows the times the session has, and no time is invented: WebVTT when every cue has a
start and an end, an Otter-style text file (``Name  M:SS`` above the words) when cues have whole-second
starts only, and plain ``Name: text`` lines when the session is untimed. The file is read back by
:func:`coachkit.transcripts.load_transcript`, the one transcript reader.
"""

from __future__ import annotations

import re
from html import escape

from ._yamlio import short
from .errors import CoachkitError
from .model import Session, vtt_timestamp

__all__ = ["transcript_file"]

_NAME_BAD = re.compile(r"[:<>\[\]{}\n]")


class _Out:
    __slots__ = ("n", "start", "end", "name", "text", "turn")

    def __init__(self, n, start, end, name, text, turn):
        self.n, self.start, self.end, self.name, self.text, self.turn = n, start, end, name, text, turn


def _split_words(text: str, weights: list[float]) -> list[str] | None:
    """``text``'s words cut into ``len(weights)`` non-empty pieces, roughly in proportion to the weights."""
    words = text.split()
    k = len(weights)
    if len(words) < k:
        return None
    total = sum(weights)
    pieces, at, acc = [], 0, 0.0
    for i, w in enumerate(weights):
        acc += w
        end = len(words) if i == k - 1 else round(len(words) * acc / total) if total > 0 else round(len(words) * (i + 1) / k)
        end = max(end, at + 1)
        end = min(end, len(words) - (k - 1 - i))
        pieces.append(" ".join(words[at:end]))
        at = end
    return pieces


def _cues(session: Session) -> list[_Out]:
    """Every cue with its share of its turn's words; one cue per turn when the session does not know its cues."""
    turns = {u.id: u for u in session.utterances}
    by_turn: dict[str, list] = {}
    known = bool(session.cues) and all(c.turn in turns for c in session.cues)
    if known:
        for c in session.cues:
            by_turn.setdefault(c.turn, []).append(c)
        known = all(u.id in by_turn for u in session.utterances)
    out: list[_Out] = []
    for u in session.utterances:
        cues = by_turn.get(u.id) if known else None
        pieces = None
        if cues:
            weights = [max((c.end or 0) - (c.start or 0), 0.0) if c.end is not None and c.start is not None else 1.0 for c in cues]
            pieces = _split_words(u.text, weights if sum(weights) > 0 else [1.0] * len(cues))
        if not pieces:
            n = int(u.id[1:]) if u.id[1:].isdigit() and u.id.startswith("u") else 0
            out.append(_Out(n, u.start, u.end, u.name, " ".join(u.text.split()), u.id))
            continue
        for c, piece in zip(cues, pieces, strict=True):
            out.append(_Out(c.n, c.start, c.end, u.name, piece, u.id))
    return out


def _check(cues: list[_Out]) -> None:
    for c in cues:
        name = " ".join((c.name or "").split())
        if not name or _NAME_BAD.search(name) or len(name) > 60 or len(name.split()) > 6:
            raise CoachkitError(
                f"{c.turn}: the speaker's name {short(c.name, 40)} cannot be written (empty, too long, or has ':' or brackets)"
            )
        c.name = name
        if not c.text:
            raise CoachkitError(f"{c.turn} has no text")
        if "-->" in c.text:
            raise CoachkitError(f"{c.turn}: the text holds '-->', which a transcript file cannot hold")


def _clock(seconds: float) -> str:
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def transcript_file(session: Session) -> tuple[str, str, dict[str, str]]:
    """``(file name, text, old turn id -> new turn id)`` for the session's talk, every cue kept."""
    cues = _cues(session)
    if not cues:
        raise CoachkitError("the session has no talk to write")
    _check(cues)
    starts = [c.start is not None for c in cues]
    ends = [c.end is not None for c in cues]
    if any(starts) and not all(starts):
        raise CoachkitError("some turns have a start time and some do not: the kit writes no time it was not given")
    if any(ends) and not all(ends):
        raise CoachkitError("some turns have an end time and some do not: the kit writes no time it was not given")
    numbers = [c.n for c in cues]
    if all(ends):
        if not (len(set(numbers)) == len(numbers) and all(0 < n <= 9_999_999 for n in numbers)):
            for k, c in enumerate(cues, 1):
                c.n = k
        lines = ["WEBVTT", ""]
        for c in cues:
            if c.end < c.start:
                raise CoachkitError(f"{c.turn} ends before it starts")
            lines += [str(c.n), f"{vtt_timestamp(c.start)} --> {vtt_timestamp(c.end)}",
                      f"{escape(c.name, quote=False)}: {escape(c.text, quote=False)}", ""]
        name = "transcript.vtt"
    elif all(starts):
        if any(c.start != int(c.start) for c in cues):
            raise CoachkitError("the turns have start times with fractions of a second but no end times: "
                                "such a transcript cannot be written without changing its times")
        for k, c in enumerate(cues, 1):
            c.n = k
        lines = []
        for c in cues:
            lines += [f"{c.name}  {_clock(c.start)}", c.text, ""]
        name = "transcript.txt"
    else:
        for k, c in enumerate(cues, 1):
            c.n = k
        lines = [f"{c.name}: {c.text}" for c in cues]
        name = "transcript.txt"
    # the reader merges consecutive cues of one speaker into a turn that keeps its first cue's id
    mapping: dict[str, str] = {}
    current, first = None, None
    for c in cues:
        if c.name != current:
            current, first = c.name, f"u{c.n}"
        mapping.setdefault(c.turn, first)
    return name, "\n".join(lines) + "\n", mapping

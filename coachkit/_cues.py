"""What every transcript reader shares: a cue as written, speaker labels, times, and the text patterns.

Every pattern here is linear-time on any input: no quantified group holds another quantifier that could
match the same characters two ways, so nothing backtracks exponentially (tests grow the input 4x and
check the time grows about 4x).
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

__all__ = [
    "RawCue",
    "split_speaker",
    "clean_name",
    "strip_tags",
    "seconds",
    "LABEL_WORDS",
    "SPACES",
]

SPACES = re.compile(r"\s+")
# a voice tag at the start of a cue: <v Name>, <v.loud Name>; class names hold no "." so nothing is ambiguous
_VOICE = re.compile(r"<v(?:\.[^\s.<>]*+)*+[ \t]+([^<>]*)>")  # possessive: a failed match never backtracks
# any cue tag (<i>, </v>, <c.red>, <00:00:01.000>) or an ASS override {\an8}; neither part can hold its opener
_TAG = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
_NAME_BAD = re.compile(r"[<>{}]")

#: Words a page uses as labels (``Scenario: ...``, ``To note: ...``): never a speaker.
LABEL_WORDS = frozenset(
    {
        "scenario", "note", "notes", "to note", "example", "examples", "competency", "competencies", "context",
        "background", "analysis", "summary", "comment", "comments", "observation", "reflection", "feedback",
        "marker", "markers", "pcc marker", "tip", "tips", "step", "question", "questions", "answer", "result",
        "outcome", "goal", "topic", "agenda", "date", "time", "duration", "title", "transcript", "session",
        "source", "link", "url", "warning", "disclaimer", "update", "edit", "ps", "p.s", "nb", "key",
        "key takeaway", "takeaway", "takeaways", "lesson", "debrief", "why", "what", "how", "when", "where",
        "important", "remember", "caution", "definition", "purpose", "objective", "objectives",
    }
)  # fmt: skip


class RawCue(NamedTuple):
    """One cue as written in the file, before cues are merged into turns."""

    n: int  # its whole-number identifier when the file numbers cues uniquely, else its position
    line: int  # the line it starts on (timing line, speaker line)
    start: float | None
    end: float | None
    name: str | None  # the speaker as written, None when the cue does not say
    text: str


def clean_name(name: str) -> str:
    """Spaces in a speaker's name made single: ``' Sam   Lee '`` -> ``'Sam Lee'``."""
    return " ".join(name.split())


def split_speaker(text: str) -> tuple[str | None, str]:
    """``'Jordan: Hi'`` -> ``('Jordan', 'Hi')``; text with no speaker -> ``(None, text)``.

    A diarized label in brackets counts too: ``'[SPEAKER_00]: Hi'`` -> ``('SPEAKER_00', 'Hi')``.

    >>> split_speaker("Jordan Lee: Hi there"), split_speaker("[SPEAKER_01]: Yes."), split_speaker("At 3: go")
    (('Jordan Lee', 'Hi there'), ('SPEAKER_01', 'Yes.'), ('At 3', 'go'))
    >>> split_speaker("It was 10:30 when"), split_speaker(">> ALICE: So what now?")
    ((None, 'It was 10:30 when'), ('ALICE', 'So what now?'))
    """
    stripped = text.strip()
    if stripped.startswith(">>"):  # a caption's speaker change: ">> ALICE: text"
        stripped = stripped.lstrip(">").lstrip()
        text = stripped
    if stripped.startswith("["):
        close = stripped.find("]", 1, 62)
        if close > 1:
            name = stripped[1:close].strip()
            rest = stripped[close + 1 :]
            if rest.startswith(":"):
                rest = rest[1:]
            if name and "[" not in name and (not rest or rest[0] in " \t"):
                return clean_name(name), rest.strip()
    colon = text.find(":")
    if 0 < colon <= 61:
        name, rest = text[:colon].strip(), text[colon + 1 :]
        if name and (not rest or rest[0] in " \t") and len(name.split()) <= 6 and not _NAME_BAD.search(name):
            return clean_name(name), rest.strip()
    return None, stripped


def voice(text: str) -> tuple[str | None, str]:
    """A cue's ``<v Name>`` voice tag (at its start) and its text without tags.

    >>> voice("<v.loud Sam Lee>Hi <i>there</i></v>"), voice("<b>no voice</b>")
    (('Sam Lee', 'Hi there'), (None, 'no voice'))
    """
    m = _VOICE.search(text)
    if m and not text[: m.start()].strip():
        name = clean_name(m.group(1))
        return (name or None), SPACES.sub(" ", _TAG.sub("", text[m.end() :])).strip()
    return None, SPACES.sub(" ", _TAG.sub("", text)).strip()


def strip_tags(text: str) -> str:
    """Text without cue tags, character references shown as written."""
    return html.unescape(_TAG.sub("", text))


def seconds(h, m, s, ms) -> float:
    """Parts of a time stamp as seconds: ``seconds('1', '02', '03', '5')`` -> ``3723.5``."""
    return (((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int((ms or "0").ljust(3, "0")[:3])) / 1000

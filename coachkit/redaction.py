"""Take people's names out of a session before it is shared with a group.

:func:`redact` replaces the speakers' names (whole names, and their first and last names on their own)
and any other names you give, in the text, in the speakers' names, and in the title and notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .errors import CoachkitError
from .model import Session, Utterance

__all__ = ["redact"]

# name parts that are not names (or are the labels themselves): never replaced on their own
_NOT_A_NAME = {
    "coach", "client", "other", "speaker", "user", "zoom", "teams", "guest", "iphone", "ipad", "android",
    "unknown", "the", "and", "of", "de", "van", "von", "da", "dr", "mr", "mrs", "ms", "mx", "prof", "jr", "sr",
}  # fmt: skip
_SPLIT = re.compile(r"[\s.]+")


def _parts(name: str) -> list[str]:
    return [p for p in _SPLIT.split(name) if len(p) > 1 and not p.isdigit() and p.casefold() not in _NOT_A_NAME]


def _pattern(name: str) -> str:
    return r"\s+".join(re.escape(w) for w in name.split())


def redact(session: Session, names: Iterable[str] | str = ()) -> Session:
    """A copy of ``session`` with people's names replaced, ready to share with a group.

    The coach becomes "Coach", the client "Client", anyone else "Other 1", "Other 2" ... in the speakers'
    names; in the text a speaker's name becomes ``[Coach]``, ``[Client]``, ``[Other 1]``, and every name in
    ``names`` becomes ``[name]``. Matching ignores case and takes whole words only, so "Maya's" becomes
    "[Client]'s" but "Mayan" is left alone; the first and last names of "Jordan Lee" are also replaced
    on their own. The title, id, notes and an answer key's notes are redacted too; ``notes`` says how
    many replacements were made (not which names). The original session is not changed.

    >>> from coachkit.model import Session, Utterance
    >>> s = Session("maya-call", "Maya call", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Jordan Lee", None, None, "Hi Maya. How was Lisbon with Tom?"),
    ...     Utterance("u2", "client", "Maya", None, None, "Jordan, Tom's fine.")))
    >>> r = redact(s, names=["Tom"])
    >>> [(u.name, u.text) for u in r.utterances]
    [('Coach', 'Hi [Client]. How was Lisbon with [name]?'), ('Client', "[Coach], [name]'s fine.")]
    >>> r.id, r.notes[-1]
    ('client-call', 'Redacted names: 2 speaker names replaced 2 times in the text, 1 other name replaced 2 times.')
    """
    if not isinstance(session, Session):
        raise CoachkitError(f"redact needs a Session, not {type(session).__name__}")
    if isinstance(names, str):
        names = [names]
    try:
        given = [n for n in names]
    except TypeError:
        raise CoachkitError("names must be a list of names, e.g. names=['Tom', 'Ana Ruiz']") from None
    for n in given:
        if not isinstance(n, str) or not n.strip():
            raise CoachkitError(f"names must be non-empty text; got {n!r}")

    labels: dict[str, str] = {}  # speaker name -> label
    others = 0
    for u in session.utterances:
        if u.name in labels:
            continue
        if u.speaker == "coach":
            labels[u.name] = "Coach"
        elif u.speaker == "client":
            labels[u.name] = "Client"
        else:
            others += 1
            labels[u.name] = f"Other {others}"

    # what each name (case-folded, spaces normalised) becomes, and whether it is a speaker's
    target: dict[str, tuple[str, bool]] = {}
    for name, label in labels.items():
        if name.strip() and name.casefold() not in _NOT_A_NAME:
            target[" ".join(name.split()).casefold()] = (label, True)
    part_owner: dict[str, set[str]] = {}
    for name, label in labels.items():
        for part in _parts(name):
            part_owner.setdefault(part.casefold(), set()).add(label)
    for part, owners in part_owner.items():
        if part not in target:
            target[part] = (owners.pop(), True) if len(owners) == 1 else ("name", True)
    for name in given:
        for piece in [" ".join(name.split()), *_parts(name)]:
            target.setdefault(piece.casefold(), ("name", False))

    counts = {True: 0, False: 0}
    if target:
        alternatives = sorted(target, key=len, reverse=True)
        regex = re.compile(r"(?<!\w)(?:" + "|".join(_pattern(a) for a in alternatives) + r")(?!\w)", re.IGNORECASE)
    else:
        regex = None

    def sub(text: str, style: str = "text", count: bool = False) -> str:
        if regex is None or not text:
            return text

        def one(m: re.Match) -> str:
            label, is_speaker = target[" ".join(m.group(0).split()).casefold()]
            if count:
                counts[is_speaker] += 1
            if style == "id":
                return label.lower().replace(" ", "-")
            return f"[{label}]"

        return regex.sub(one, text)

    utterances = tuple(
        Utterance(u.id, u.speaker, labels[u.name], u.start, u.end, sub(u.text, count=True)) for u in session.utterances
    )
    key = session.key
    if key is not None:
        decisions = {m: replace(d, note=sub(d.note)) for m, d in key.decisions.items()}
        key = replace(key, summary=sub(key.summary), decisions=decisions)

    speakers_named = sum(1 for name in labels if name.casefold() not in _NOT_A_NAME)
    note = (
        f"Redacted names: {speakers_named} speaker name{'s' if speakers_named != 1 else ''} replaced "
        f"{counts[True]} time{'s' if counts[True] != 1 else ''} in the text, {len(given)} other "
        f"name{'s' if len(given) != 1 else ''} replaced {counts[False]} time{'s' if counts[False] != 1 else ''}."
    )
    redacted = replace(
        session,
        id=sub(session.id, style="id"),
        title=sub(session.title),
        description=sub(session.description),
        topic=sub(session.topic),
        utterances=utterances,
        key=key,
        source=None,  # the file still holds the names
        notes=(*(sub(n) for n in session.notes), note),
    )
    return redacted

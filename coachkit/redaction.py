"""Take people's names out of a session before it is shared with a group.

:func:`redact` replaces the speakers' names (whole names, their first and last names on their own, and
near spellings), any other names you give, and other capitalised names found in the text, in the
speakers' names, the title and the notes; :func:`redaction_preview` shows what it will replace, and
:data:`CANNOT_CATCH` says plainly what it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .errors import CoachkitError
from .model import Session, Utterance, slug

__all__ = ["redact", "redaction_preview", "CANNOT_CATCH"]

#: What name redaction cannot catch: said to the user every time it runs.
CANNOT_CATCH = (
    "Redaction replaces names it can recognise: the speakers' names and their near spellings, the names you "
    "give, and other capitalised names that do not start a sentence. It cannot catch a name at the start of a "
    "sentence or written in lower case, a nickname or a misspelling far from the name, and details that "
    "identify someone without naming them (a job title, a town, an employer). Read the result before you share it."
)

# name parts that are not names (or are the labels themselves): never replaced on their own
_NOT_A_NAME = {
    "coach", "client", "coachee", "other", "speaker", "user", "zoom", "teams", "guest", "iphone", "ipad",
    "android", "unknown", "the", "and", "of", "de", "van", "von", "da", "dr", "mr", "mrs", "ms", "mx", "prof",
    "jr", "sr",
}  # fmt: skip
# capitalised words that are not people's names, kept when they appear mid-sentence
_KEEP = {
    "i", "i'm", "i'll", "i've", "i'd", "ok", "okay", "mr", "mrs", "ms", "dr", "prof", "god", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "english",
    "zoom", "teams", "coach", "client", "coachee", "icf", "pcc", "acc", "mcc", "christmas", "easter", "covid",
    "linkedin", "google", "excel", "slack", "email", "internet", "ceo", "hr", "it", "ai", "tv",
}  # fmt: skip
_SPLIT = re.compile(r"[\s.]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = ".!?…:\"“”"


def _parts(name: str) -> list[str]:
    return [p for p in _SPLIT.split(name) if len(p) > 1 and not p.isdigit() and p.casefold() not in _NOT_A_NAME]


def _skeleton(word: str) -> str:
    """A name's sound, roughly: its first letter and its consonants ("Preeti" and "Priti" -> "prt")."""
    word = word.casefold()
    out = [word[:1]]
    for ch in word[1:]:
        if ch not in "aeiouyhw'’" and ch != out[-1]:
            out.append(ch)
    return "".join(out)


class _Plan:
    """What each name becomes; built once per session, each lookup O(length of the word)."""

    def __init__(self, session: Session, given: list[str], others: bool):
        self.labels: dict[str, str] = {}  # speaker name -> label
        n_other = 0
        for u in session.utterances:
            if u.name in self.labels:
                continue
            if u.speaker in ("coach", "client"):
                self.labels[u.name] = u.speaker.capitalize()
            else:
                n_other += 1
                self.labels[u.name] = f"Other {n_other}"
        # whole names (as tuples of case-folded words) -> (label, kind); kind: speaker / given / other
        self.target: dict[tuple[str, ...], tuple[str, str]] = {}
        owners: dict[str, set[str]] = {}
        for name, label in self.labels.items():
            words = tuple(w.casefold() for w in _WORD.findall(name))
            if words and name.casefold() not in _NOT_A_NAME:
                self.target[words] = (label, "speaker")
            for part in _parts(name):
                owners.setdefault(part.casefold(), set()).add(label)
        self.variants: dict[str, str] = {}  # the skeleton of a speaker's name part -> label
        for part, labels in owners.items():
            label = next(iter(labels)) if len(labels) == 1 else "name"
            self.target.setdefault((part,), (label, "speaker"))
            if len(part) >= 4 and len(_skeleton(part)) >= 3:
                self.variants.setdefault(_skeleton(part), label)
        for name in given:
            words = tuple(w.casefold() for w in _WORD.findall(name))
            if words:
                self.target.setdefault(words, ("name", "given"))
            for part in _parts(name):
                self.target.setdefault((part.casefold(),), ("name", "given"))
        self.longest = max((len(k) for k in self.target), default=1)
        self.others = others
        self.counts = {"speaker": 0, "given": 0, "other": 0, "variant": 0}
        self.seen: dict[tuple[str, str], int] = {}

    def variant(self, word: str) -> str | None:
        """The speaker label of a near spelling ("Preeti" for "Priti", "Kathryn" for "Katherine")."""
        return self.variants.get(_skeleton(word)) if len(word) >= 4 else None

    def sub(self, text: str, style: str = "text", count: bool = False) -> str:
        if not text:
            return text
        words = list(_WORD.finditer(text))
        out, pos, i = [], 0, 0
        while i < len(words):
            hit = None
            for k in range(min(self.longest, len(words) - i), 0, -1):
                span = words[i : i + k]
                if any(text[a.end() : b.start()].strip() for a, b in zip(span, span[1:], strict=False)):
                    continue  # the words of a name are separated by spaces only
                key = tuple(_stem(m.group()) for m in span)
                if key in self.target:
                    label, kind = self.target[key]
                    hit = (k, label, kind)
                    break
            m = words[i]
            if hit is None and m.group()[:1].isupper() and not _sentence_start(text, m.start()):
                word = _stem(m.group())
                label = self.variant(word)
                if label is not None:
                    hit = (1, label, "variant")
                elif self.others and word not in _KEEP and m.group()[1:2].islower():
                    hit = (1, "name", "other")
            if hit is None:
                i += 1
                continue
            k, label, kind = hit
            end = words[i + k - 1].end()
            if text[end - 2 : end].casefold() in ("'s", "’s"):
                end -= 2
            out.append(text[pos : m.start()])
            out.append(label.lower().replace(" ", "-") if style == "id" else f"[{label}]")
            if count:
                self.counts[kind] += 1
                found = text[m.start() : end]
                self.seen[(found, f"[{label}]")] = self.seen.get((found, f"[{label}]"), 0) + 1
            pos = end
            i += k
        out.append(text[pos:])
        return "".join(out)


def _stem(word: str) -> str:
    """'Maya's' -> 'maya' (a possessive is not part of the name)."""
    word = word.casefold()
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _sentence_start(text: str, at: int) -> bool:
    before = text[max(0, at - 4) : at].rstrip(" \t\n([\"“'‘")
    return not before or before[-1] in _SENTENCE_END


def _given(names) -> list[str]:
    if isinstance(names, str):
        names = [names]
    try:
        given = list(names)
    except TypeError:
        raise CoachkitError("names must be a list of names, e.g. --names Tom 'Ana Ruiz' (names=[...] in Python)") from None
    for n in given:
        if not isinstance(n, str) or not n.strip():
            raise CoachkitError(f"names must be non-empty text; got {str(n)[:40]!r}")
    return given


def redaction_preview(session: Session, names: Iterable[str] | str = (), others: bool = True) -> list[tuple[str, str, int]]:
    """What :func:`redact` would replace in the text: ``(as written, replacement, times)``, most frequent first.

    >>> from coachkit.model import Session, Utterance
    >>> s = Session("c", "c", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Sam", None, None, "Hi Preeti. How did it go with Ravi?"),
    ...     Utterance("u2", "client", "Priti", None, None, "Well, Sam, fine.")))
    >>> redaction_preview(s)
    [('Preeti', '[Client]', 1), ('Ravi', '[name]', 1), ('Sam', '[Coach]', 1)]
    """
    if not isinstance(session, Session):
        raise CoachkitError(f"redaction_preview needs a Session, not {type(session).__name__}")
    plan = _Plan(session, _given(names), others)
    for u in session.utterances:
        plan.sub(u.text, count=True)
    return sorted(((a, b, n) for (a, b), n in plan.seen.items()), key=lambda r: (-r[2], r[0]))


def redact(session: Session, names: Iterable[str] | str = (), others: bool = True) -> Session:
    """A copy of ``session`` with people's names replaced, ready to share with a group.

    The coach becomes "Coach", the client "Client", anyone else "Other 1", "Other 2" ... in the speakers'
    names; in the text a speaker's name becomes ``[Coach]``, ``[Client]``, ``[Other 1]``, and every name in
    ``names`` becomes ``[name]``. Matching ignores case and takes whole words only, so "Maya's" becomes
    "[Client]'s" but "Mayan" is not taken for "Maya"; the first and last names of "Jordan Lee" are also replaced
    on their own. Near spellings of a speaker's name part (the same first letter and consonants, as
    speech-to-text writes "Preeti" for "Priti") become that speaker's label. With ``others`` (the
    default) every other capitalised word that does not start a sentence and is not on a short keep-list
    ("I", days, months ...) becomes ``[name]``. The title, id, notes and an answer key's notes are redacted
    too; ``notes`` says how many replacements were made (not which names) and ends with
    :data:`CANNOT_CATCH`. :func:`redaction_preview` lists what would be replaced. The original session is
    not changed. Each word is looked up once, so the time grows with the text and the number of speakers,
    never with their product.

    >>> from coachkit.model import Session, Utterance
    >>> s = Session("maya-call", "Maya call", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Jordan Lee", None, None, "Hi Maya. How was Lisbon with Tom?"),
    ...     Utterance("u2", "client", "Maya", None, None, "Jordan, Tom's fine.")))
    >>> r = redact(s, names=["Tom"], others=False)
    >>> [(u.name, u.text) for u in r.utterances]
    [('Coach', 'Hi [Client]. How was Lisbon with [name]?'), ('Client', "[Coach], [name]'s fine.")]
    >>> r.id, r.notes[-2]
    ('client-call', 'Redacted names: 2 speaker names replaced 2 times in the text, 1 other name replaced 2 times.')
    >>> redact(s).utterances[0].text  # other capitalised names that do not start a sentence go too
    'Hi [Client]. How was [name] with [name]?'
    """
    if not isinstance(session, Session):
        raise CoachkitError(f"redact needs a Session, not {type(session).__name__}")
    given = _given(names)
    plan = _Plan(session, given, others)
    sub = plan.sub
    utterances = tuple(
        Utterance(u.id, u.speaker, plan.labels[u.name], u.start, u.end, sub(u.text, count=True))
        for u in session.utterances
    )
    key = session.key
    if key is not None:
        decisions = {m: replace(d, note=sub(d.note)) for m, d in key.decisions.items()}
        key = replace(key, summary=sub(key.summary), decisions=decisions)

    c = plan.counts
    speakers_named = sum(1 for name in plan.labels if name.casefold() not in _NOT_A_NAME)
    note = (
        f"Redacted names: {speakers_named} speaker name{'s' if speakers_named != 1 else ''} replaced "
        f"{c['speaker']} time{'s' if c['speaker'] != 1 else ''} in the text, {len(given)} other "
        f"name{'s' if len(given) != 1 else ''} replaced {c['given']} time{'s' if c['given'] != 1 else ''}."
    )
    if c["variant"] or c["other"]:
        note = note[:-1] + (
            f"; {c['variant']} near spelling{'s' if c['variant'] != 1 else ''} of speakers' names and "
            f"{c['other']} other capitalised name{'s' if c['other'] != 1 else ''} replaced."
        )
    redacted = replace(
        session,
        id=slug(sub(session.id.replace("-", " "), style="id"), "session"),
        title=sub(session.title),
        description=sub(session.description),
        topic=sub(session.topic),
        utterances=utterances,
        key=key,
        source=None,  # the file still holds the names
        notes=(*(sub(n) for n in session.notes), note, CANNOT_CATCH),
    )
    return redacted

"""The answer key of a ``session.yaml``: checked field by field, every problem collected with its line.

Private to :mod:`coachkit.session_files`. Cited utterances are checked against the transcript as read
(its turns, and its cues with the turn each was merged into), so a cue merged into a turn is named.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ._yamlio import LineDict, check_fields, line_of, short
from .errors import FormatError
from .framework import framework
from .model import COMPETENCY_NUMBERS, LEVELS, AnswerKey, CompetencyCall, Decision, Session

__all__ = ["Problems", "fields", "marker_ids", "bad_marker", "read_key"]

_UTTERANCE_ID = re.compile(r"^u([1-9][0-9]{0,8})$")
_KEY_REQUIRED: dict[str, Any] = {"version": int, "level": str, "summary": str, "decisions": dict}
_KEY_OPTIONAL: dict[str, Any] = {"assessor": str, "competencies": dict}
_DECISION_REQUIRED: dict[str, Any] = {"evidenced": bool, "note": str}
_DECISION_OPTIONAL: dict[str, Any] = {"evidence": list, "opportunity": list}
_CALL_REQUIRED: dict[str, Any] = {"level": str, "note": str}
_CALL_OPTIONAL: dict[str, Any] = {"evidence": list}


class Problems:
    """The problems found in one session, in the order found."""

    def __init__(self):
        self.items: list[FormatError] = []

    def add(self, path, line, message) -> None:
        self.items.append(FormatError(path, line, message))

    def __bool__(self):
        return bool(self.items)


def fields(problems: Problems, path, data, required, optional, what, nullable=()) -> set[str]:
    """Check keys and types of a mapping like ``check_fields``, but collect every problem; return the good keys.

    A key in ``nullable`` may also be left empty (None).
    """
    if not isinstance(data, dict):
        problems.add(path, line_of(data), f"{what} must be a mapping of fields")
        return set()
    allowed = sorted([*required, *optional])
    good = set()
    for key in data:
        if key not in required and key not in optional:
            hint = difflib.get_close_matches(str(key)[:60], allowed, n=1)
            did = f"did you mean '{hint[0]}'? " if hint else ""
            problems.add(path, line_of(data, key), f"unknown field '{short(key)[1:-1]}' in {what} ({did}allowed: {', '.join(allowed)})")
            continue
        if key in nullable and data[key] is None:
            good.add(key)
            continue
        one = LineDict({key: data[key]})
        one.line, one.lines = data.line if isinstance(data, LineDict) else None, {key: line_of(data, key)}
        spec = {key: required.get(key, optional.get(key))}
        try:
            check_fields(path, one, spec if key in required else {}, {} if key in required else spec, what=what)
        except FormatError as exc:
            problems.items.append(exc)
            continue
        good.add(key)
    for key in required:
        if key not in data:
            problems.add(path, line_of(data), f"{what} is missing the field '{key}'")
    return good


def marker_ids() -> tuple[str, ...]:
    return framework().marker_ids


def bad_marker(marker_id) -> str:
    """'unknown marker ...' with the valid ids in short: 3.1 to 3.4, 4.1 to 4.4, ..."""
    groups: dict[str, list[str]] = {}
    for m in marker_ids():
        groups.setdefault(m.split(".")[0], []).append(m)
    valid = ", ".join(f"{ids[0]} to {ids[-1]}" for ids in groups.values())
    shown = marker_id if isinstance(marker_id, str) and len(marker_id) <= 12 else short(marker_id, 14)
    return f"unknown marker '{shown}' (valid markers: {valid})"


def _ids(problems, path, data, field, what, transcript: Session | None) -> tuple[str, ...]:
    """The utterance ids listed under ``field``: each u<n>, once, and the id of a turn of the transcript."""
    items = data.get(field, [])
    out: list[str] = []
    turn_ids = None if transcript is None else {u.id for u in transcript.utterances}
    for i, item in enumerate(items):
        line = line_of(items, i)
        if not isinstance(item, str) or not _UTTERANCE_ID.match(item):
            problems.add(path, line, f"{what}: {field} lists utterance ids such as u12, not {short(item, 30)}")
            continue
        if item in out:
            problems.add(path, line, f"{what}: {item} is listed twice in {field}")
            continue
        out.append(item)
        if turn_ids is None or item in turn_ids:
            continue
        turn = next((c.turn for c in transcript.cues if f"u{c.n}" == item), None)
        if turn:
            problems.add(
                path, line,
                f"{what}: {item} is part of the turn {turn} (consecutive cues of one speaker are one turn, "
                f"which keeps its first cue's id): cite {turn}",
            )
        else:
            problems.add(path, line, f"{what}: there is no utterance {item}: the transcript has {len(transcript.cues)} cues")
    return tuple(out)


def _decisions(problems: Problems, path, key, transcript) -> dict[str, Decision]:
    decisions: dict[str, Decision] = {}
    valid = marker_ids()
    raw = key["decisions"]
    for marker_id, entry in raw.items():
        line = line_of(raw, marker_id)
        if marker_id not in valid:
            problems.add(path, line, bad_marker(marker_id))
            continue
        what = f"the decision on {marker_id}"
        ok = fields(problems, path, entry, _DECISION_REQUIRED, _DECISION_OPTIONAL, what)
        if not isinstance(entry, dict):
            continue
        evidence = _ids(problems, path, entry, "evidence", f"marker {marker_id}", transcript) if "evidence" in ok else ()
        opportunity = _ids(problems, path, entry, "opportunity", f"marker {marker_id}", transcript) if "opportunity" in ok else ()
        note = entry["note"].strip() if "note" in ok else ""
        if "note" in ok and not note:
            problems.add(path, line_of(entry, "note"), f"{what} has an empty note: say why, in an assessor's voice")
        if "evidenced" in ok:
            if entry["evidenced"] and not entry.get("evidence"):
                problems.add(path, line_of(entry, "evidenced"), f"marker {marker_id} is evidenced but cites no evidence (add evidence: [u..])")
            if not entry["evidenced"] and entry.get("evidence"):
                problems.add(
                    path, line_of(entry, "evidence"),
                    f"marker {marker_id} is not evidenced, so it cites no evidence: list where it could have been "
                    "shown under 'opportunity'",
                )
        decisions[marker_id] = Decision(bool(entry.get("evidenced")), evidence, note, opportunity)
    return decisions


def _competencies(problems: Problems, path, key, kind, transcript, sample: bool) -> dict[int, CompetencyCall]:
    """``key.competencies``: integer keys 3 to 8, each a level call with a note and (optional) evidence."""
    raw = key.get("competencies")
    calls: dict[int, CompetencyCall] = {}
    if raw is None:
        if sample and kind == "full":
            problems.add(path, line_of(key), "a full sample key calls all six competencies under 'competencies:' "
                                             "(missing: 3, 4, 5, 6, 7, 8)")
        return calls
    for number, entry in raw.items():
        line = line_of(raw, number)
        text = str(number)
        if not (text.isdigit() and len(text) == 1 and int(text) in COMPETENCY_NUMBERS):
            problems.add(path, line, f"unknown competency '{short(number, 12)[1:-1]}': competencies 3 to 8 have level calls (3: ...)")
            continue
        n = int(text)
        what = f"the call on competency {n}"
        ok = fields(problems, path, entry, _CALL_REQUIRED, _CALL_OPTIONAL, what)
        if not isinstance(entry, dict):
            continue
        level = entry["level"] if "level" in ok else None
        if level is not None and level not in LEVELS:
            problems.add(path, line_of(entry, "level"), f"unknown level '{short(level)[1:-1]}' for competency {n}: choose one of {', '.join(LEVELS)}")
            level = None
        note = entry["note"].strip() if "note" in ok else ""
        if "note" in ok and not note:
            problems.add(path, line_of(entry, "note"), f"{what} has an empty note: say what tipped it, in an assessor's voice")
        evidence = _ids(problems, path, entry, "evidence", f"competency {n}", transcript) if "evidence" in ok else ()
        if level is not None:
            calls[n] = CompetencyCall(level, note, evidence)
    missing = [str(n) for n in COMPETENCY_NUMBERS if n not in {int(str(k)) for k in raw if str(k).isdigit() and len(str(k)) == 1}]
    if missing and (sample and kind == "full" or len(missing) < len(COMPETENCY_NUMBERS)):
        problems.add(path, line_of(key, "competencies"), f"the key calls all six competencies or none; missing: {', '.join(missing)}")
    return calls


def read_key(problems: Problems, path, data, kind, level, focus, transcript: Session | None, *, sample: bool = False) -> AnswerKey | None:
    """The answer key under ``key:``, or None after any problem (each one added to ``problems``)."""
    key = data["key"]
    good = fields(problems, path, key, _KEY_REQUIRED, _KEY_OPTIONAL, "the answer key")
    version = key.get("version") if "version" in good else None
    if version is not None and version < 1:
        problems.add(path, line_of(key, "version"), f"the key's version must be 1 or more, not {short(version, 20)}")
    key_level = key.get("level") if "level" in good else None
    if key_level is not None:
        if key_level not in LEVELS:
            problems.add(path, line_of(key, "level"), f"unknown level '{short(key_level)[1:-1]}' in the answer key: choose one of {', '.join(LEVELS)}")
        elif level is not None and key_level != level:
            problems.add(path, line_of(key, "level"), f"the answer key's level {key_level} differs from the session's level {level}: make them agree")
    if "summary" in good and not key["summary"].strip():
        problems.add(path, line_of(key, "summary"), "the answer key's summary is empty")
    decisions: dict[str, Decision] = {}
    if "decisions" in good:
        decisions = _decisions(problems, path, key, transcript)
        raw, where = key["decisions"], line_of(key, "decisions")
        if kind == "full":
            missing = [m for m in marker_ids() if m not in raw]
            if missing:
                problems.add(path, where, f"a full session's key decides all {len(marker_ids())} markers; missing: {', '.join(missing)}")
        elif kind == "excerpt":
            missing = [m for m in focus if m not in raw]
            if missing:
                problems.add(path, where, f"an excerpt's key decides its focus markers; missing: {', '.join(missing)}")
    calls: dict[int, CompetencyCall] = {}
    if "competencies" in good or ("competencies" not in key and sample):
        calls = _competencies(problems, path, key, kind, transcript, sample)
    if problems:
        return None
    return AnswerKey(
        level=key_level, summary=key["summary"].strip(), version=version, decisions=decisions,
        assessor=key.get("assessor", "").strip(), competencies=calls,
    )

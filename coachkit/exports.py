"""The ratings export file: what a learner sends a facilitator or keeps as a backup.

A JSON document (``.json``), versioned:

- ``coachkit-ratings/1``: ``{"format", "exported", "rater_id", "sheets": [sheet, ...]}``, each sheet in
  :meth:`RatingSheet.to_dict`'s shape;
- ``coachkit-ratings/2`` (written now): the same, sheets in ``coachkit-sheet/2`` (competency calls and the
  key version they were compared against), plus ``"checks": [attempt, ...]``, the learner's calibration
  check attempts (:class:`~coachkit.model.CheckAttempt`, see :func:`attempt_to_dict`).

Both versions are read. Everything in a file is checked before anything is used: numbers must be small
whole numbers, text must be real Unicode (no lone surrogates), time stamps must be ISO time stamps,
session ids must be slugs (never paths). Old session ids become current ones through the library's
alias map. A bad file is one :class:`~coachkit.errors.CoachkitError` that names it. Sheets and attempts
read from a file are marked ``imported`` (their rater id is only what the file says).

A ``.csv`` (one row per mark) is written for spreadsheet users; it is never read back.

>>> doc = read_export('{"format": "coachkit-ratings/1", "rater_id": "r1", "sheets": []}', "ana.json")
>>> doc.sheets, doc.rater_id
([], 'r1')
>>> read_export('{"format": "coachkit-ratings/1", "rater_id": "r1", "sheets": [' + "9" * 5000 + "]}", "x.json")
Traceback (most recent call last):
...
coachkit.errors.CoachkitError: x.json: not a coachkit ratings export (a number 5000 digits long)
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ._files import EXPORT_LIMIT, read_bounded
from .errors import CoachkitError
from .library import aliases
from .model import CHECK_STAGES, CheckAttempt, RatingSheet, slug

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_FORMATS",
    "Export",
    "read_export",
    "read_export_file",
    "write_export",
    "attempt_to_dict",
    "attempt_from_dict",
    "is_timestamp",
    "is_session_id",
    "export_name",
]

#: The version tag written into a ratings export.
EXPORT_FORMAT = "coachkit-ratings/2"
#: Every version this coachkit reads.
EXPORT_FORMATS: tuple[str, ...] = ("coachkit-ratings/1", EXPORT_FORMAT)
_ATTEMPT_FIELDS = {"id", "rater", "rater_id", "form", "draw", "stage", "sheet_ids", "started", "updated"}
_MAX_DIGITS = 18
# Linear: no nested quantifiers. Checked again with datetime.fromisoformat (real months and days).
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)?(?:Z|[+-]\d\d:\d\d)?")
_SHEET_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def is_timestamp(text) -> bool:
    """True for an ISO 8601 date or date and time (what the kit writes), False for anything else.

    >>> is_timestamp("2026-03-03T18:05:00+00:00"), is_timestamp("2026-03-03"), is_timestamp("zzzz")
    (True, True, False)
    >>> is_timestamp("2026-02-30")
    False
    """
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_session_id(text) -> bool:
    """True when ``text`` is a slug (:func:`coachkit.model.slug`), the only shape of a session id.

    >>> is_session_id("farah-stolen-slides"), is_session_id("../../x"), is_session_id("Farah")
    (True, False, False)
    """
    return isinstance(text, str) and slug(text, default="") == text


def export_name(rater: str, session_id: str | None = None) -> str:
    """The file name the kit gives a learner's export: built from slugs only, never a path from data.

    >>> export_name("Ana María", "farah-stolen-slides"), export_name("Bo", "../../../x")
    ('ana-mar-a-farah-stolen-slides.json', 'bo-x.json')
    """
    parts = [slug(rater, default="ratings")] + ([slug(session_id)] if session_id else [])
    return "-".join(parts) + ".json"


@dataclass
class Export:
    """What one export file holds: its format, the rater id it names, its sheets and its check attempts."""

    format: str
    rater_id: str
    sheets: list[RatingSheet] = field(default_factory=list)
    attempts: list[CheckAttempt] = field(default_factory=list)


def attempt_to_dict(attempt: CheckAttempt) -> dict:
    """A check attempt as plain JSON-ready data (``imported`` is not part of it: a reader sets it).

    >>> attempt_to_dict(CheckAttempt("ana", "A", ("x",), id="c1", started="2026-01-01", updated="2026-01-01"))["draw"]
    ['x']
    """
    return {
        "id": attempt.id,
        "rater": attempt.rater,
        "rater_id": attempt.rater_id,
        "form": attempt.form,
        "draw": list(attempt.draw),
        "stage": attempt.stage,
        "sheet_ids": dict(attempt.sheet_ids),
        "started": attempt.started,
        "updated": attempt.updated,
    }


def attempt_from_dict(data: Mapping, aliases: Mapping[str, str] | None = None) -> CheckAttempt:
    """Rebuild a check attempt from :func:`attempt_to_dict` data, checking every field (a CoachkitError).

    Old session ids in the draw become current ones through ``aliases`` (old id -> new id).
    """
    if not isinstance(data, Mapping):
        raise CoachkitError(f"a check attempt must be a mapping, not {type(data).__name__}")
    where = f"check attempt {data['id']!r}" if _is_sheet_id(data.get("id")) else "check attempt"
    unknown = sorted(str(k)[:40] for k in set(data) - _ATTEMPT_FIELDS)
    if unknown:
        raise CoachkitError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    if not _is_sheet_id(data.get("id")):
        raise CoachkitError(f"{where}: 'id' must be letters, digits, '-' or '_'")
    for name in ("rater", "rater_id", "form"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise CoachkitError(f"{where}: field {name!r} must be a non-empty text")
    for name in ("started", "updated"):
        if not is_timestamp(data.get(name)):
            raise CoachkitError(f"{where}: field {name!r} must be a time stamp such as 2026-03-03T18:05:00+00:00")
    if data.get("stage") not in CHECK_STAGES:
        raise CoachkitError(f"{where}: 'stage' must be one of {', '.join(CHECK_STAGES)}")
    draw, sheet_ids = data.get("draw"), data.get("sheet_ids")
    if not isinstance(draw, list) or not all(is_session_id(s) for s in draw):
        raise CoachkitError(f"{where}: 'draw' must be a list of session ids (slugs)")
    if not isinstance(sheet_ids, Mapping) or not all(
        is_session_id(k) and _is_sheet_id(v) for k, v in sheet_ids.items()
    ):
        raise CoachkitError(f"{where}: 'sheet_ids' must map session ids to sheet ids")
    aliases = aliases or {}
    return CheckAttempt(
        rater=data["rater"],
        form=data["form"],
        draw=tuple(aliases.get(s, s) for s in draw),
        id=data["id"],
        rater_id=data["rater_id"],
        stage=data["stage"],
        sheet_ids={aliases.get(k, k): v for k, v in sheet_ids.items()},
        started=data["started"],
        updated=data["updated"],
    )


def _is_sheet_id(value) -> bool:
    return isinstance(value, str) and bool(_SHEET_ID.fullmatch(value))


class _Refused(ValueError):
    """A value a ratings export may not hold (raised while the JSON is parsed)."""


def _whole_number(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > _MAX_DIGITS:
        raise _Refused(f"a number {digits} digits long")
    return int(text)


def _fraction(text: str) -> float:
    value = float(text) if len(text) <= 40 else math.inf
    if not math.isfinite(value):
        raise _Refused("a number too large or too long")
    return value


def _constant(text: str):
    raise _Refused(f"{text} is not a number JSON allows")


def _check_text(document) -> None:
    """A _Refused for any text (key or value) that is not real Unicode, e.g. a lone surrogate."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            items = (item,)
        elif isinstance(item, dict):
            items = tuple(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in items:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise _Refused("text with a broken character (a lone surrogate)") from None


def _aliases() -> dict[str, str]:
    try:
        return aliases()
    except Exception:  # a broken alias file in a library folder never stops an import (the library names it)
        return {}


def read_export(text: str, name: str) -> Export:
    """Read and check a whole export given as text; ``name`` is how errors name the file.

    Any problem is one CoachkitError starting with ``name``; nothing is returned half-read.
    """
    try:
        document = json.loads(text, parse_int=_whole_number, parse_float=_fraction, parse_constant=_constant)
        _check_text(document)
    except _Refused as exc:
        raise CoachkitError(f"{name}: not a coachkit ratings export ({exc})") from None
    except json.JSONDecodeError as exc:
        raise CoachkitError(f"{name}:{exc.lineno}: not a coachkit ratings export (broken JSON: {exc.msg})") from None
    except RecursionError:
        raise CoachkitError(f"{name}: not a coachkit ratings export (nested too deeply)") from None
    except ValueError:
        raise CoachkitError(f"{name}: not a coachkit ratings export (a value JSON cannot hold)") from None
    if not isinstance(document, dict) or "format" not in document:
        raise CoachkitError(f"{name}: not a coachkit ratings export (no 'format' field)")
    fmt = document["format"]
    if fmt not in EXPORT_FORMATS:
        shown = fmt if isinstance(fmt, str) and len(fmt) <= 40 else "(not a format name)"
        if isinstance(fmt, str) and fmt.startswith("coachkit-ratings/"):
            raise CoachkitError(f"{name}: format {shown!r} is newer than this coachkit reads ({EXPORT_FORMAT!r})")
        raise CoachkitError(f"{name}: not a coachkit ratings export (format {shown!r})")
    if not isinstance(document.get("rater_id"), str) or not isinstance(document.get("sheets"), list):
        raise CoachkitError(f"{name}: a ratings export needs 'rater_id' (text) and 'sheets' (a list)")
    checks = document.get("checks", [])
    if not isinstance(checks, list) or (checks and fmt == EXPORT_FORMATS[0]):
        raise CoachkitError(f"{name}: 'checks' must be a list (and only a {EXPORT_FORMAT} file has them)")
    aliases = _aliases()
    found = Export(format=fmt, rater_id=document["rater_id"])
    seen: set[str] = set()
    for i, item in enumerate(document["sheets"], start=1):
        try:
            sheet = _sheet(item, aliases)
        except CoachkitError as exc:
            raise CoachkitError(f"{name}: sheet {i}: {exc}") from None
        if sheet.id in seen:
            raise CoachkitError(f"{name}: sheet {i}: the id {sheet.id!r} appears twice")
        seen.add(sheet.id)
        found.sheets.append(sheet)
    for i, item in enumerate(checks, start=1):
        try:
            attempt = attempt_from_dict(item, aliases)
        except CoachkitError as exc:
            raise CoachkitError(f"{name}: check attempt {i}: {exc}") from None
        attempt.imported = True
        found.attempts.append(attempt)
    return found


def _sheet(item, aliases: Mapping[str, str]) -> RatingSheet:
    sheet = RatingSheet.from_dict(item)
    if not _is_sheet_id(sheet.id):
        raise CoachkitError("a sheet id is letters, digits, '-' or '_' (at most 100)")
    if not is_session_id(sheet.session_id):
        raise CoachkitError("'session_id' must be a session id (lower-case letters, digits and '-'), not a path")
    for what in ("created", "updated"):
        if not is_timestamp(getattr(sheet, what)):
            raise CoachkitError(f"field {what!r} must be a time stamp such as 2026-03-03T18:05:00+00:00")
    sheet.session_id = aliases.get(sheet.session_id, sheet.session_id)
    sheet.imported = True
    return sheet


def read_export_file(path: str | os.PathLike) -> Export:
    """Read and check an export file (a ``.json`` of at most ``EXPORT_LIMIT`` bytes); a CoachkitError naming it."""
    source = Path(path).expanduser()
    if source.suffix.lower() == ".csv":
        raise CoachkitError(f"{source}: import reads the .json export; the .csv is for spreadsheets only")
    data = read_bounded(source, EXPORT_LIMIT, "ratings export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CoachkitError(f"{source}: not a coachkit ratings export (not UTF-8 text)") from None
    return read_export(text, str(source))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_CSV_COLUMNS = [
    "sheet_id", "session_id", "rater", "rater_id", "group", "created", "updated", "finished", "level_call",
    "ethics_observed", "marker", "evidenced", "evidence", "note",
]


def _yes_no(value: bool | None, none: str = "") -> str:
    return none if value is None else ("yes" if value else "no")


def _write_csv(handle, sheets: Iterable[RatingSheet]) -> None:
    writer = csv.writer(handle)
    writer.writerow(_CSV_COLUMNS)
    for s in sheets:
        head = [
            s.id, s.session_id, s.rater, s.rater_id, s.group, s.created, s.updated, _yes_no(s.finished),
            s.level_call or "", _yes_no(s.ethics_observed),
        ]
        if not s.marks:
            writer.writerow([*head, "", "", "", ""])
        for marker, m in s.marks.items():
            writer.writerow([*head, marker, _yes_no(m.evidenced, "unsure"), " ".join(m.evidence), m.note])


def write_export(
    path: str | os.PathLike,
    sheets: Iterable[RatingSheet],
    rater_id: str,
    attempts: Iterable[CheckAttempt] = (),
) -> Path:
    """Write ``sheets`` (and, in a ``.json``, ``attempts``) to ``path``, a ``.json`` export in
    :data:`EXPORT_FORMAT` or a ``.csv`` with one row per mark. Written whole or not at all (a full disk is
    a CoachkitError and leaves no half file). Returns the path."""
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise CoachkitError(f"export to {target.name!r}: the file name must end in .json or .csv")
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".json":
            document = {
                "format": EXPORT_FORMAT,
                "exported": _now(),
                "rater_id": rater_id,
                "sheets": [s.to_dict() for s in sheets],
                "checks": [attempt_to_dict(a) for a in attempts],
            }
            tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
                _write_csv(handle, sheets)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CoachkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target

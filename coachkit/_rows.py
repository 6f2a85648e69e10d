"""Rows of the store's tables and the data types they hold: a rating sheet as the columns of ``sheets``
and ``marks`` and back, checked on the way back as strictly as a sheet read from a file.

>>> from coachkit.model import RatingSheet
>>> sheet = RatingSheet("demo", "ana", rater_id="r1", id="s1", created="2026-01-01", updated="2026-01-01")
>>> sheet.mark("4.1", True, evidence=["u3"])
>>> back = sheet_from_row(("s1", *sheet_row(sheet)[:13]), [("4.1", 1, '["u3"]', "")], "", {})
>>> back == sheet
True
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from .errors import CoachkitError
from .exports import is_timestamp
from .model import RatingSheet

__all__ = ["Member", "SHEET_COLUMNS", "CHECK_COLUMNS", "UPSERT_MARK", "sheet_row", "mark_tuples", "mark_row", "sheet_from_row", "shown"]

SHEET_COLUMNS = (
    "id, session_id, rater, rater_id, group_name, level_call, ethics_observed, comments, finished, "
    "created, updated, competency_calls, key_version, imported, revision, saved_at"
)
CHECK_COLUMNS = "id, rater, rater_id, form, draw, stage, sheet_ids, started, updated, imported"
UPSERT_MARK = (
    "INSERT INTO marks (sheet_id, marker, evidenced, evidence, note) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (sheet_id, marker) DO UPDATE SET evidenced = excluded.evidenced, "
    "evidence = excluded.evidence, note = excluded.note"
)


def _int_or_none(value) -> int | None:
    return None if value is None else int(bool(value))


def shown(value, limit: int = 60) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def sheet_row(sheet: RatingSheet) -> tuple:
    """A sheet's own columns after its id, in the order of _SHEET_COLUMNS (revision left out, saved_at last)."""
    calls = json.dumps({str(n): level for n, level in sorted(sheet.competency_calls.items())})
    return (
        sheet.session_id,
        sheet.rater,
        sheet.rater_id,
        sheet.group or "",
        sheet.level_call,
        _int_or_none(sheet.ethics_observed),
        sheet.comments or "",
        int(bool(sheet.finished)),
        sheet.created,
        sheet.updated,
        calls,
        sheet.key_version,
        int(bool(sheet.imported)),
        time.time(),
    )


def mark_tuples(sheet: RatingSheet) -> dict[str, tuple]:
    return {m: (k.evidenced, k.evidence, k.note) for m, k in sheet.marks.items()}


def mark_row(sheet_id: str, marker: str, mark: tuple) -> tuple:
    evidenced, evidence, note = mark
    return sheet_id, marker, _int_or_none(evidenced), json.dumps(list(evidence)), note


def _marker_order(marker) -> tuple:
    head, _, tail = str(marker).partition(".")
    return (int(head), int(tail)) if head.isdigit() and tail.isdigit() else (99, 0)


def sheet_from_row(r, mark_rows, owner: str, names: dict[str, str]) -> RatingSheet:
    """A stored sheet, checked as strictly as one read from a file (a CoachkitError if it cannot be read)."""
    marks = {}
    for marker, evidenced, evidence, note in sorted(mark_rows, key=lambda m: _marker_order(m[0])):
        if evidenced not in (0, 1, None):
            raise CoachkitError(f"marker {shown(marker)}: evidenced is not yes, no or unsure")
        marks[marker] = {"evidenced": None if evidenced is None else bool(evidenced),
                         "evidence": json.loads(evidence), "note": note}
    if r[6] not in (0, 1, None) or r[8] not in (0, 1):
        raise CoachkitError("a yes/no field holds something else")
    sheet = RatingSheet.from_dict({
        "id": r[0], "session_id": r[1], "rater": r[2], "rater_id": r[3], "group": r[4], "level_call": r[5],
        "ethics_observed": None if r[6] is None else bool(r[6]), "comments": r[7], "finished": bool(r[8]),
        "created": r[9], "updated": r[10], "competency_calls": json.loads(r[11]), "key_version": r[12],
        "marks": marks,
    })
    if not (is_timestamp(sheet.created) and is_timestamp(sheet.updated)):
        raise CoachkitError("its created or updated time is not a time stamp")
    sheet.session_id = names.get(sheet.session_id, sheet.session_id)
    sheet.owner = owner
    sheet.imported = bool(r[13])
    return sheet


@dataclass(frozen=True)
class Member:
    """One row of a cohort's member list: the database role, its group, the name to show, and whether the
    person facilitates the group."""

    role: str
    group: str
    display_name: str
    facilitates: bool

    @property
    def name(self) -> str:
        """The display name, or the role when the administrator gave none."""
        return self.display_name or self.role

"""The learner's calibration, the convenient way: ``ck.calibration(sheets)`` loads what it needs.

This is the layer above the analysis: it loads each sheet's session from the library (in the key
version the sheet was compared against, when that version is kept) and the library's excerpts for the
practise-next list, then hands everything to :func:`coachkit.calibration_core.calibration`, which loads nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

from . import library
from .calibration_core import Calibration
from .calibration_core import calibration as _analyse
from .errors import CoachkitError
from .model import RatingSheet, Session
from .scoring import Comparison, compare

__all__ = ["calibration", "compare_and_record", "load_version"]


def _accepts_version(load: Callable) -> bool:
    try:
        return "version" in inspect.signature(load).parameters
    except (TypeError, ValueError):
        return False


def _version(session: Session) -> int:
    return session.key.version if session.key is not None else 0


def load_version(session_id: str, version: int | None, load: Callable | None = None) -> tuple[Session, str | None]:
    """The session in key ``version`` (the newest when None or not kept), and a note when it fell back.

    Uses the library's ``load_session(id, version=...)``; a loader that does not take ``version`` yet
    gives the newest, with a note.
    """
    if load is None:
        load = library.load_session
    newest = load(session_id)
    if version is None or newest.key is None or newest.key.version == version:
        return newest, None
    if not _accepts_version(load):
        return newest, f"key version {version} of '{session_id}' cannot be loaded here; compared with the newest"
    try:
        return load(session_id, version=version), None
    except (CoachkitError, OSError) as exc:
        return newest, f"key version {version} of '{session_id}' is not kept ({exc}); compared with the newest"


def calibration(
    sheets: Iterable[RatingSheet],
    sessions: Iterable[Session] | None = None,
    load: Callable[[str], Session] | None = None,
    practise: int = 5,
) -> Calibration:
    """How well a learner's ratings agree with the assessors' over time, and what to practise next.

    Sessions are taken from ``sessions`` first, then loaded through ``load`` (default: the library's
    ``load_session``), each in the key version its sheet was compared against. Without ``sessions`` the
    library's excerpts are loaded too, for the practise-next list. See :class:`coachkit.calibration_core.Calibration`.
    """
    sheets = list(sheets)
    for sheet in sheets:
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"calibration needs RatingSheets, not {type(sheet).__name__}")
    found: list[Session] = list(sessions) if sessions is not None else []
    have = {(s.id, _version(s)) for s in found}
    newest_of = {}
    for s in found:
        newest_of[s.id] = max(newest_of.get(s.id, 0), _version(s))
    notes: list[str] = []
    from_library = sessions is None and load is None
    if load is None:
        load = library.load_session
    for sheet in sheets:
        sid = sheet.session_id
        if sid not in newest_of:
            try:
                session = load(sid)
            except (CoachkitError, OSError) as exc:
                notes.append(f"attempt {sheet.id} left out: session '{sid}' not found ({exc})")
                newest_of[sid] = None
                continue
            if session.meta.get("use") == "check":  # a calibration-check sheet: never in the practice history
                newest_of[sid] = None
                continue
            newest_of[sid] = _version(session)
            have.add((sid, _version(session)))
            found.append(session)
        if newest_of[sid] is None or sheet.key_version is None or (sid, sheet.key_version) in have:
            continue
        older, note = load_version(sid, sheet.key_version, load)
        if note:
            notes.append(note)
        if (sid, _version(older)) not in have:
            have.add((sid, _version(older)))
            found.append(older)
    if from_library:
        try:
            for s in library.sessions(kind="excerpt"):
                key = (s.id, s.key.version if s.key is not None else 0)
                if key not in have:
                    have.add(key)
                    found.append(s)
        except (CoachkitError, OSError) as exc:
            notes.append(f"no practise-next list: the sample library is not available ({exc})")
    result = _analyse([s for s in sheets if newest_of.get(s.session_id) is not None], found, practise)
    result.notes[:0] = notes
    return result


def compare_and_record(sheet: RatingSheet, session: Session) -> Comparison:
    """Compare (:func:`coachkit.scoring.compare`, which is pure) and record on the sheet the key version it
    was compared against (``sheet.key_version``), so a later revision of the key can be told apart.

    >>> from coachkit.model import AnswerKey, Decision, Utterance
    >>> s = Session("d", "D", "excerpt", None, ("4.1",), "", (Utterance("u1", "coach", "S", None, None, "hi"),),
    ...             AnswerKey("PCC", "", 5, {"4.1": Decision(True, ("u1",))}))
    >>> sheet = RatingSheet("d", "ana", rater_id="r1")
    >>> compare_and_record(sheet, s).key_version, sheet.key_version
    (5, 5)
    """
    comparison = compare(sheet, session)
    sheet.key_version = comparison.key_version
    return comparison

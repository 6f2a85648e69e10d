"""Writing an answer key for a facilitator's own recording: :class:`KeyDraft` (plain Python, no widgets).

The facilitator rates all 37 markers as the assessor (evidence lines for each marker heard; for a marker not
heard, the lines where it could have been shown; a note for every marker), sets the level and a summary, and
saves a session folder into their library folder, checked as ``coachkit validate`` checks it. The view is
:class:`coachkit.widgets.KeyEditor`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from .controller import RatingController
from .errors import CoachkitError
from .framework import framework
from .library import SESSION_FILE, library_roots, list_sessions, load_session, validate_paths, write_session
from .model import LEVELS, AnswerKey, Decision, Session, check_level, slug
from .settings import home, library_paths

__all__ = ["KeyDraft", "default_library", "DEMO_TRANSCRIPT"]

#: The fictional demo transcript shipped with the kit (lesson 08 works on it when there is no recording).
DEMO_TRANSCRIPT = Path(__file__).resolve().parent / "data" / "demo_transcript.vtt"


def default_library() -> Path:
    """Where authored sessions go by default: the first ``COACHKIT_LIBRARY`` folder, else ``library`` in
    ``COACHKIT_HOME`` (the kit's own folder), so nothing is written anywhere else unasked."""
    paths = library_paths()
    return paths[0] if paths else home() / "library"


class KeyDraft:
    """An answer key being written for one transcript, by one assessor.

    >>> from coachkit.transcripts import load_transcript
    >>> draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira")
    >>> draft.mark("3.1", True, ["u5"], "Asks what she wants from the session")
    >>> len(draft.problems()) > 0
    True
    """

    def __init__(self, session: Session, assessor: str = "", title: str | None = None):
        if not isinstance(session, Session):
            raise CoachkitError(f"a key is written for a Session (a loaded transcript), not {type(session).__name__}")
        self.session = session
        self.controller = RatingController(session, store=None)
        self.title = title or Path(session.title).stem.replace("_", " ").strip() or "My session"
        self.level: str | None = None
        self.summary = ""
        self.consent = "client-agreed"
        self.topic = session.topic or ""
        if assessor:
            self.start(assessor)

    # --------------------------------------------------------------------------- what the form sends
    def start(self, assessor: str) -> None:
        """Begin (or go on) as this assessor."""
        if self.controller.sheet is None:
            self.controller.start(assessor)
        else:
            self.controller.sheet.rater = assessor.strip() or self.controller.sheet.rater

    @property
    def assessor(self) -> str:
        return self.controller.sheet.rater if self.controller.sheet else ""

    def mark(self, marker_id: str, evidenced: bool | None, lines=(), note: str = "") -> None:
        """One marker: heard (``lines`` = the evidence) or not (``lines`` = where it could have been shown)."""
        if self.controller.sheet is None:
            raise CoachkitError("type the assessor's name and press Start first")
        self.controller.mark(marker_id, evidenced, lines, note)

    def set_level(self, level: str | None) -> None:
        self.level = check_level(level)

    @property
    def session_id(self) -> str:
        return slug(self.title)

    # --------------------------------------------------------------------------------- checking
    def problems(self) -> list[str]:
        """What still stands between this draft and a key that passes ``coachkit validate``, in plain words."""
        out: list[str] = []
        marks = self.controller.sheet.marks if self.controller.sheet else {}
        ids = framework().marker_ids
        open_ = [m for m in ids if m not in marks or marks[m].evidenced is None]
        if open_:
            out.append(f"decide every marker, heard or not (still open or unsure: {', '.join(open_)})")
        no_lines = [m for m in ids if m in marks and marks[m].evidenced and not marks[m].evidence]
        if no_lines:
            out.append(f"cite the lines for each marker heard (no lines yet: {', '.join(no_lines)})")
        no_note = [m for m in ids if m in marks and marks[m].evidenced is not None and not marks[m].note.strip()]
        if no_note:
            out.append(f"write a note for each marker, in an assessor's voice (no note yet: {', '.join(no_note)})")
        if self.level is None:
            out.append(f"choose the session's level ({', '.join(LEVELS)})")
        if not self.summary.strip():
            out.append("write a short summary of the session")
        if not self.title.strip():
            out.append("give the session a title")
        return out

    def key(self, version: int = 1) -> AnswerKey:
        """The answer key as it stands (a CoachkitError listing what is missing, if anything is)."""
        problems = self.problems()
        if problems:
            raise CoachkitError("the key is not finished: " + "; ".join(problems))
        decisions = {}
        for m, mark in self.controller.sheet.marks.items():
            if mark.evidenced:
                decisions[m] = Decision(True, tuple(mark.evidence), mark.note.strip())
            else:
                decisions[m] = Decision(False, (), mark.note.strip(), tuple(mark.evidence))
        return AnswerKey(self.level, self.summary.strip(), version, decisions, assessor=self.assessor)

    # ----------------------------------------------------------------------------------- saving
    def save(self, library: str | os.PathLike | None = None, overwrite: bool = False) -> Path:
        """Write the session with its key into ``library`` (default :func:`default_library`); returns the
        session folder. The folder is checked as ``coachkit validate`` checks it before this returns.
        Saving again over one's own earlier key needs ``overwrite=True`` and raises the key's version."""
        library = Path(library).expanduser() if library is not None else default_library()
        folder = library / self.session_id
        version = 1
        if (folder / SESSION_FILE).is_file():
            if not overwrite:
                raise CoachkitError(f"{folder} already holds a session: tick 'replace' (overwrite=True) to save over it")
            try:
                old = load_session(folder)
                version = (old.key.version + 1) if old.key else 1
            except CoachkitError:
                version = 1
        key = self.key(version)
        session = replace(self.session, title=self.title.strip(), kind="full", level=self.level, focus=(),
                          topic=self.topic, key=key)
        write_session(session, folder, consent=self.consent, overwrite=overwrite)
        problems = validate_paths([folder])
        if problems:  # write_session checks first, so this means a rule changed under us: say so, loudly
            raise CoachkitError("saved, but the session does not pass validate: " + "; ".join(map(str, problems)))
        return folder

    def listing(self, library: str | os.PathLike | None = None):
        """The row ``list_sessions()`` shows for the saved session, listing the library with ``library`` added
        (nothing in the environment changes)."""
        library = Path(library).expanduser() if library is not None else default_library()
        roots = [path for _, path in library_roots()]
        if all(library.resolve() != p.resolve() for p in roots):
            roots.append(library)
        table = list_sessions(roots=roots)
        return table[table["id"] == self.session_id]

"""Writing an answer key for a facilitator's own recording: :class:`KeyDraft` (plain Python, no widgets).

The facilitator decides the markers they heard (the lines for each marker heard; for a marker not heard,
optionally the lines where it could have been shown; a note where they have one), sets the level and a
summary, and saves a session folder into their library folder, checked as ``coachkit validate`` checks it.
A key that decides every marker is saved as a full session; one that decides only some is saved as an
excerpt about those markers.

The draft is kept in the kit's own folder as it is made (:func:`drafts`, :meth:`KeyDraft.resume`), so a
reload loses nothing, and a saved key can be opened again and corrected (:meth:`KeyDraft.from_saved`). The
view is :class:`coachkit.widgets.KeyEditor`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from ._files import DATA_FILE_LIMIT, read_bounded
from .controller import RatingController
from .errors import CoachkitError
from .framework import framework
from .library import SESSION_FILE, library_roots, list_sessions, load_session, validate_paths, write_session
from .model import (
    COMPETENCY_NUMBERS,
    LEVELS,
    AnswerKey,
    CompetencyCall,
    Cue,
    Decision,
    RatingSheet,
    Session,
    Utterance,
    check_level,
    slug,
)
from .settings import home, library_paths

__all__ = ["KeyDraft", "default_library", "drafts", "drafts_folder", "DEMO_TRANSCRIPT", "DRAFT_FORMAT"]

#: The fictional demo transcript shipped with the kit (lesson 08 works on it when there is no recording).
DEMO_TRANSCRIPT = Path(__file__).resolve().parent / "data" / "demo_transcript.vtt"
#: The format tag of a kept draft.
DRAFT_FORMAT = "coachkit-key-draft/1"


def default_library() -> Path:
    """Where authored sessions go by default: the first ``COACHKIT_LIBRARY`` folder, else ``library`` in
    ``COACHKIT_HOME`` (the kit's own folder), so nothing is written anywhere else unasked."""
    paths = library_paths()
    return paths[0] if paths else home() / "library"


def drafts_folder() -> Path:
    """Where unfinished keys are kept as they are made: ``key-drafts`` in the kit's own folder."""
    return home() / "key-drafts"


def drafts() -> list[tuple[str, Path]]:
    """The kept drafts as ``(label, file)``, most recently changed first (unreadable files are left out)."""
    folder = drafts_folder()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            data = json.loads(read_bounded(path, DATA_FILE_LIMIT, "a key draft"))
            decided = sum(1 for m in data["sheet"]["marks"].values() if m.get("evidenced") is not None)
            title = str(data.get("title") or data["session"]["title"])[:80]
        except (CoachkitError, ValueError, KeyError, TypeError, AttributeError):
            continue
        out.append((f"{title} (draft, {decided} of {len(framework().marker_ids)} decided)", path))
    return out


def _fingerprint(session: Session) -> str:
    """A short name for a transcript's words, so the same transcript finds its draft again."""
    h = hashlib.sha256()
    for u in session.utterances:
        h.update(f"{u.id}\x1f{u.name}\x1f{u.speaker}\x1f{u.text}\x1e".encode())
    return h.hexdigest()[:16]


def _session_dict(s: Session) -> dict:
    return {
        "id": s.id, "title": s.title, "topic": s.topic, "source": s.source, "notes": list(s.notes),
        "meta": dict(s.meta),
        "utterances": [[u.id, u.speaker, u.name, u.start, u.end, u.text] for u in s.utterances],
        "cues": [[c.n, c.start, c.end, c.turn] for c in s.cues],
    }


def _session_from(d: dict) -> Session:
    talk = tuple(Utterance(str(i), str(sp), str(n), a, b, str(t)) for i, sp, n, a, b, t in d["utterances"])
    if not talk:
        raise CoachkitError("the draft holds no transcript")
    cues = tuple(Cue(int(n), a, b, str(turn)) for n, a, b, turn in d.get("cues", []))
    return Session(str(d["id"]), str(d["title"]), "full", None, (), str(d.get("topic") or ""), talk,
                   source=d.get("source"), notes=tuple(map(str, d.get("notes", []))),
                   meta={str(k): str(v) for k, v in dict(d.get("meta") or {}).items()}, cues=cues)


class KeyDraft:
    """An answer key being written for one transcript, by one assessor.

    ``keep``: keep the draft in :func:`drafts_folder` after every change (the key editor does), so a
    reload or a new day finds it again (:meth:`resume`).

    >>> from coachkit.transcripts import load_transcript
    >>> draft = KeyDraft(load_transcript(DEMO_TRANSCRIPT, coach="Sam"), assessor="Mira", title="Elif's call")
    >>> draft.session_id
    'elif-s-call'
    >>> draft.mark("3.1", True, ["u5"], "Asks what she wants from the session")
    >>> draft.kind, draft.decided
    ('excerpt', ['3.1'])
    """

    def __init__(self, session: Session, assessor: str = "", title: str | None = None, *,
                 session_id: str | None = None, keep: bool = False):
        if not isinstance(session, Session):
            raise CoachkitError(f"a key is written for a Session (a loaded transcript), not {type(session).__name__}")
        self.session = session
        self.controller = RatingController(session, store=None)
        self.title = title or ""
        self._id = slug(session_id) if session_id and session_id.strip() else ""
        self.level: str | None = None
        self.summary = ""
        self.consent = "client-agreed"
        self.topic = session.topic or ""
        #: the saved session this draft corrects (its folder), if it was opened from the library
        self.saved_folder: Path | None = None
        self.draft_path: Path | None = drafts_folder() / f"{_fingerprint(session)}.json" if keep else None
        if assessor:
            self.start(assessor)

    # --------------------------------------------------------------------------- what the form sends
    def start(self, assessor: str) -> None:
        """Begin (or go on) as this assessor."""
        if self.controller.sheet is None:
            self.controller.start(assessor)
        else:
            self.controller.sheet.rater = assessor.strip() or self.controller.sheet.rater
        self.keep()

    @property
    def assessor(self) -> str:
        return self.controller.sheet.rater if self.controller.sheet else ""

    def mark(self, marker_id: str, evidenced: bool | None, lines=(), note: str = "") -> None:
        """One marker: heard (``lines`` = the evidence) or not (``lines`` = where it could have been shown);
        None leaves it undecided (a key may decide only some markers)."""
        if self.controller.sheet is None:
            raise CoachkitError("type the assessor's name and press Start first")
        self.controller.mark(marker_id, evidenced, lines, note)
        self.keep()

    def set_level(self, level: str | None) -> None:
        self.level = check_level(level)
        self.keep()

    def call_competency(self, number: int, level: str | None) -> None:
        """The assessor's call on one competency's depth (3 to 8; None takes it back). A key calls all six
        or none, as the library's keys do."""
        if self.controller.sheet is None:
            raise CoachkitError("type the assessor's name and press Start first")
        self.controller.call_competency(number, level)
        self.keep()

    @property
    def competency_calls(self) -> dict[int, str]:
        """The competency calls made so far (3 to 8 -> level)."""
        return dict(self.controller.sheet.competency_calls) if self.controller.sheet else {}

    @property
    def session_id(self) -> str:
        """The id the session is saved under: a slug typed by the author, else one made from the title."""
        return self._id or slug(self.title or "my session")

    @session_id.setter
    def session_id(self, value: str) -> None:
        self._id = slug(value) if (value or "").strip() else ""
        self.keep()

    @property
    def decided(self) -> list[str]:
        """The markers decided so far (heard or not), in the framework's order."""
        marks = self.controller.sheet.marks if self.controller.sheet else {}
        return [m for m in framework().marker_ids if m in marks and marks[m].evidenced is not None]

    @property
    def kind(self) -> str:
        """"full" when every marker is decided, else "excerpt" (a key about the decided markers only)."""
        return "full" if len(self.decided) == len(framework().marker_ids) else "excerpt"

    # --------------------------------------------------------------------------------- checking
    def problems(self, library: str | os.PathLike | None = None) -> list[str]:
        """What still stands between this draft and a key that can be saved, in plain words."""
        out: list[str] = []
        marks = self.controller.sheet.marks if self.controller.sheet else {}
        if not self.decided:
            out.append("decide at least one marker, heard or not")
        no_lines = [m for m in self.decided if marks[m].evidenced and not marks[m].evidence]
        if no_lines:
            out.append(f"pick the lines for each marker heard (no lines yet: {', '.join(no_lines)})")
        if self.level is None:
            out.append(f"choose the session's level ({', '.join(LEVELS)})")
        if not self.summary.strip():
            out.append("write a short summary of the session")
        if not self.title.strip():
            out.append("give the session a title")
        called = self.competency_calls
        if called and len(called) < len(COMPETENCY_NUMBERS):
            left = ", ".join(str(n) for n in COMPETENCY_NUMBERS if n not in called)
            out.append(f"call every competency's depth or none (not yet called: {left})")
        clash = self._id_clash(library)
        if clash:
            out.append(clash)
        return out

    def _id_clash(self, library) -> str:
        """A message when the id is already another session's (in the sample library or another folder)."""
        target = (Path(library).expanduser() if library is not None else default_library()) / self.session_id
        try:
            roots = library_roots()
        except CoachkitError:
            return ""
        for label, root in roots:
            folder = root / self.session_id
            if (folder / "session.yaml").is_file() and folder.resolve() != target.resolve():
                where = "the sample library" if label == "sample library" else str(root)
                return (f"the id '{self.session_id}' is already used by a session in {where}: "
                        "choose another id")
        return ""

    def describe(self) -> str:
        """What saving would make, in one plain sentence."""
        n, total = len(self.decided), len(framework().marker_ids)
        if n == 0:
            return (f"No markers decided yet. Decide all {total} for a full session, or only those you can judge "
                    "for an excerpt about them.")
        if self.kind == "full":
            return f"All {total} markers are decided: it will be saved as a full session."
        return (f"{n} of {total} markers decided: it will be saved as an excerpt about those markers "
                "(learners rate only them). Decide all of them for a full session.")

    def key(self, version: int = 1) -> AnswerKey:
        """The answer key as it stands (a CoachkitError listing what is missing, if anything is).

        A marker with no note gets a plain one saying what was decided, so learners never see an empty note.
        """
        problems = self.problems()
        if problems:
            raise CoachkitError("the key is not finished: " + "; ".join(problems))
        decisions = {}
        marks = self.controller.sheet.marks
        for m in self.decided:
            mark = marks[m]
            lines = ", ".join(mark.evidence)
            if mark.evidenced:
                note = mark.note.strip() or f"Heard in {lines}."
                decisions[m] = Decision(True, tuple(mark.evidence), note)
            else:
                note = mark.note.strip() or (f"Not heard; it could have been shown in {lines}." if lines
                                             else "Not heard in this session.")
                decisions[m] = Decision(False, (), note, tuple(mark.evidence))
        calls = self.competency_calls
        competencies = {n: CompetencyCall(level, f"The assessor's call on the whole competency: {level} depth.")
                        for n, level in sorted(calls.items())} if len(calls) == len(COMPETENCY_NUMBERS) else {}
        return AnswerKey(self.level, self.summary.strip(), version, decisions, assessor=self.assessor,
                         competencies=competencies)

    # ----------------------------------------------------------------------------------- saving
    def save(self, library: str | os.PathLike | None = None, overwrite: bool = False) -> Path:
        """Write the session with its key into ``library`` (default :func:`default_library`); returns the
        session folder. The folder is checked as ``coachkit validate`` checks it before this returns.
        Saving over an earlier key (one opened with :meth:`from_saved`, or ``overwrite=True``) raises the
        key's version."""
        library = Path(library).expanduser() if library is not None else default_library()
        problems = self.problems(library)
        if problems:
            raise CoachkitError("the key is not finished: " + "; ".join(problems))
        folder = library / self.session_id
        replacing = overwrite or (self.saved_folder is not None and folder.resolve() == self.saved_folder.resolve())
        version = 1
        if (folder / SESSION_FILE).is_file():
            if not replacing:
                raise CoachkitError(f"your library already has a session with the id '{self.session_id}': tick "
                                    "'replace the saved one' to save over it, or choose another id")
            try:
                old = load_session(folder)
                version = (old.key.version + 1) if old.key else 1
            except CoachkitError:
                version = 1
        key = self.key(version)
        focus = () if self.kind == "full" else tuple(self.decided)
        session = replace(self.session, id=self.session_id, title=self.title.strip(), kind=self.kind,
                          level=self.level, focus=focus, topic=self.topic, key=key)
        write_session(session, folder, consent=self.consent, overwrite=replacing)
        problems = validate_paths([folder])
        if problems:  # write_session checks first, so this means a rule changed under us: say so, loudly
            raise CoachkitError("saved, but the session does not pass the kit's check: " + "; ".join(map(str, problems)))
        if self.draft_path is not None:
            self.draft_path.unlink(missing_ok=True)
        # go on from what was written (write_session may renumber the turns), so a second save corrects it
        saved = load_session(folder)
        self.session = saved
        self.controller = RatingController(saved, store=None)
        self._fill(saved)
        self.saved_folder = folder
        if self.draft_path is not None:
            self.draft_path = drafts_folder() / f"{_fingerprint(saved)}.json"
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

    # ------------------------------------------------------------------------ keeping and reopening
    def to_dict(self) -> dict:
        """The draft as plain data (what :meth:`keep` writes)."""
        sheet = self.controller.sheet
        return {
            "format": DRAFT_FORMAT, "title": self.title, "id": self._id, "level": self.level,
            "summary": self.summary, "consent": self.consent, "topic": self.topic,
            "saved_folder": str(self.saved_folder) if self.saved_folder else None,
            "session": _session_dict(self.session), "sheet": sheet.to_dict() if sheet else None,
        }

    def keep(self) -> None:
        """Write the draft to its file now (a no-op for a draft made without ``keep``)."""
        if self.draft_path is None:
            return
        self.draft_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.draft_path.with_name(self.draft_path.name + ".part")
        try:
            tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.draft_path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CoachkitError(f"the draft could not be kept in {self.draft_path.parent}: "
                                f"{exc.strerror or type(exc).__name__}") from None

    @classmethod
    def resume(cls, path: str | os.PathLike) -> KeyDraft:
        """A kept draft, as it was left."""
        path = Path(path)
        try:
            data = json.loads(read_bounded(path, DATA_FILE_LIMIT, "a key draft"))
            if not isinstance(data, dict) or data.get("format") != DRAFT_FORMAT:
                raise ValueError("not a key draft")
            session = _session_from(data["session"])
            draft = cls(session, title=str(data.get("title") or ""), session_id=str(data.get("id") or ""))
            draft.draft_path = path
            if data.get("sheet"):
                draft.controller.sheet = RatingSheet.from_dict(data["sheet"])
            draft.level = check_level(data.get("level"))
            draft.summary = str(data.get("summary") or "")
            draft.consent = str(data.get("consent") or "client-agreed")
            draft.topic = str(data.get("topic") or "")
            if data.get("saved_folder"):
                draft.saved_folder = Path(data["saved_folder"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CoachkitError(f"the draft {path.name} cannot be read ({type(exc).__name__}); "
                                "start again from the transcript") from None
        return draft

    @classmethod
    def for_transcript(cls, session: Session, assessor: str = "") -> KeyDraft:
        """The kept draft for this transcript if there is one (the work goes on), else a new kept draft."""
        path = drafts_folder() / f"{_fingerprint(session)}.json"
        if path.is_file():
            try:
                draft = cls.resume(path)
            except CoachkitError:
                pass
            else:
                if assessor and draft.controller.sheet is None:
                    draft.start(assessor)
                return draft
        return cls(session, assessor, keep=True)

    @classmethod
    def from_saved(cls, session: Session | str | os.PathLike, assessor: str = "", keep: bool = True) -> KeyDraft:
        """A saved session's key opened again for correction (an id, a folder, or a loaded Session)."""
        folder = None
        if not isinstance(session, Session):
            if isinstance(session, os.PathLike) or os.sep in str(session):
                folder = Path(session).expanduser()
                folder = folder.parent if folder.is_file() else folder
            session = load_session(session)
        if session.key is None:
            raise CoachkitError(f"'{session.title}' has no answer key to open")
        if folder is None:
            folder = next((root / session.id for _, root in library_roots()
                           if (root / session.id / "session.yaml").is_file()), None)
        draft = cls(session, session.key.assessor or assessor, session.title, session_id=session.id, keep=keep)
        draft._fill(session)
        draft.saved_folder = folder
        draft.keep()
        return draft

    def _fill(self, session: Session) -> None:
        key = session.key
        if self.controller.sheet is None:
            self.controller.start(key.assessor or "assessor")
        for m, d in key.decisions.items():
            lines = d.evidence if d.evidenced else d.opportunity
            self.controller.mark(m, d.evidenced, lines, d.note)
        for n, call in key.competencies.items():
            self.controller.call_competency(n, call.level)
        self.level = key.level
        self.summary = key.summary
        self.consent = session.meta.get("consent", self.consent)
        self.topic = session.topic or ""

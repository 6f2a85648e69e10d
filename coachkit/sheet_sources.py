"""Where a group's rating sheets come from: participants' export files (a shared folder or an upload box)
or a ratings store (a group's shared database in cohort mode).

:func:`load_exports` reads export files with :mod:`coachkit.exports`, reports every file it cannot use
by name (never failing the whole group), and keeps one attempt per person and session (the latest).
A person is the database role that saved the sheet when the store can vouch for it
(``RatingSheet.owner``, cohort mode), else the stable rater id the file gives; sheets read from files
are marked ``imported`` (not vouched for). The sources (:class:`FolderSource`, :class:`FileSource`,
:class:`StoreSource`) are what a dashboard re-reads when the facilitator presses refresh.

>>> group = load_exports([])
>>> group.sheets, group.problems
([], [])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ._files import EXPORT_LIMIT, human_size
from .errors import CoachkitError
from .exports import read_export, read_export_file
from .model import RatingSheet

__all__ = [
    "GroupRatings",
    "SheetSource",
    "FolderSource",
    "FileSource",
    "StoreSource",
    "load_exports",
    "load_uploads",
    "latest_attempts",
    "person_of",
    "sample_exports",
    "Progress",
]

Progress = Callable[[int, int], None]


def person_of(sheet: RatingSheet) -> str:
    """Who a sheet counts as: the database role that saved it when the store vouches for it (cohort mode),
    else its rater id (a file, or a sheet that arrived in an imported export: only what the file says).

    >>> person_of(RatingSheet("s", "Ana", rater_id="r1")), person_of(RatingSheet("s", "Ana", rater_id="r1", owner="ana"))
    ('r1', 'ana')
    >>> person_of(RatingSheet("s", "Ana", rater_id="r1", owner="ana", imported=True))
    'r1'
    """
    return sheet.rater_id if sheet.imported or not sheet.owner else sheet.owner


@dataclass
class GroupRatings:
    """A group's rating sheets, one attempt per participant and session, and the files that could not be used.

    ``problems`` holds one line per file skipped, ``"file name: what is wrong"``; ``replaced`` says how many
    older attempts (a participant who exported twice) were left out; ``files`` is how many files were read.
    """

    sheets: list[RatingSheet] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    replaced: int = 0
    files: int = 0

    def for_session(self, session_id: str) -> list[RatingSheet]:
        """The sheets that rate this session."""
        return [s for s in self.sheets if s.session_id == session_id]

    @property
    def session_ids(self) -> list[str]:
        """The sessions rated, most rated first."""
        counts: dict[str, int] = {}
        for s in self.sheets:
            counts[s.session_id] = counts.get(s.session_id, 0) + 1
        return sorted(counts, key=lambda k: (-counts[k], k))

    def __str__(self) -> str:
        raters = len({person_of(s) for s in self.sheets})
        text = f"{len(self.sheets)} rating sheet(s) from {raters} participant(s), read from {self.files} file(s)"
        if self.replaced:
            text += f"; {self.replaced} older attempt(s) left out (the latest counts)"
        if self.problems:
            text += f"; {len(self.problems)} file(s) skipped:\n" + "\n".join(f"  {p}" for p in self.problems)
        return text


def _attempt_order(sheet: RatingSheet) -> tuple:
    return (sheet.updated, sheet.created, sheet.id)


def latest_attempts(sheets: Iterable[RatingSheet]) -> tuple[list[RatingSheet], int]:
    """Keep the latest attempt per person (:func:`person_of`) and session; returns the kept sheets (in first-seen order of
    the participants) and how many older attempts were left out. An attempt found twice (the same sheet
    exported twice) counts once, in its newest version.

    >>> a = RatingSheet("s", "Ana", rater_id="r1", id="a1", created="2026-01-01", updated="2026-01-01")
    >>> b = RatingSheet("s", "Ana", rater_id="r1", id="a2", created="2026-01-02", updated="2026-01-02")
    >>> c = RatingSheet("s", "Ana", rater_id="r2", id="c1", created="2026-01-01", updated="2026-01-01")
    >>> kept, dropped = latest_attempts([a, b, c])
    >>> [s.id for s in kept], dropped
    (['a2', 'c1'], 1)
    """
    versions: dict[str, RatingSheet] = {}  # one attempt exported twice: its newest version
    for sheet in sheets:
        if not isinstance(sheet, RatingSheet):
            raise CoachkitError(f"a group is made of RatingSheets, not {type(sheet).__name__}")
        if sheet.id not in versions or _attempt_order(sheet) > _attempt_order(versions[sheet.id]):
            versions[sheet.id] = sheet
    best: dict[tuple[str, str], RatingSheet] = {}
    for sheet in versions.values():
        k = (person_of(sheet), sheet.session_id)
        if k not in best or _attempt_order(sheet) > _attempt_order(best[k]):
            best[k] = sheet
    return list(best.values()), len(versions) - len(best)


def _problem(path: Path, exc: Exception, shown: str | None = None) -> str:
    """``"file name: what is wrong"``: the reader's message with the folder part of the path left out."""
    shown = shown or path.name
    text = str(exc)
    full = str(path)
    if text.startswith(full):
        text = text[len(full) :].lstrip(":")
        # keep a line number the reader gave ("file:3: ...")
        head, sep, rest = text.partition(":")
        if sep and head.strip().isdigit():
            return f"{shown}:{head.strip()}: {rest.strip()}"
        return f"{shown}: {text.strip()}"
    return f"{shown}: {text}"


def _export_files(paths_or_folder) -> list[Path]:
    if isinstance(paths_or_folder, (str, os.PathLike)):
        folder = Path(paths_or_folder).expanduser()
        if folder.is_dir():
            return sorted(
                (p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~"))),
                key=lambda p: p.name.lower(),
            )
        return [folder]
    try:
        return [Path(p).expanduser() for p in paths_or_folder]
    except TypeError:
        raise CoachkitError(
            f"load_exports takes a folder or a list of export files, not {type(paths_or_folder).__name__}"
        ) from None


def load_exports(
    paths_or_folder: str | os.PathLike | Iterable[str | os.PathLike],
    progress: Progress | None = None,
    *,
    names: Mapping[str, str] | None = None,
) -> GroupRatings:
    """Read participants' export files: a folder (every file in it that is not hidden) or a list of files.

    A file that is damaged, not a coachkit export, or unreadable is reported in ``problems`` by name and
    skipped; the others load. A participant's repeated exports count once (:func:`latest_attempts`).
    ``progress(done, total)`` is called after each file, for a progress bar. ``names`` maps a path to the
    name to report it under (the upload box uses it to report the participant's own file name).
    """
    files = _export_files(paths_or_folder)
    if isinstance(paths_or_folder, (str, os.PathLike)) and not Path(paths_or_folder).expanduser().exists():
        raise CoachkitError(f"no folder or file at {paths_or_folder}")
    names = dict(names or {})
    found: list[RatingSheet] = []
    problems: list[str] = []
    total = len(files)
    for done, path in enumerate(files, 1):
        shown = names.get(str(path), path.name)
        try:
            if path.is_dir():
                raise CoachkitError(f"{path}: a folder, not an export file")
            found.extend(read_export_file(path).sheets)
        except CoachkitError as exc:
            problems.append(_problem(path, exc, shown))
        if progress is not None:
            progress(done, total)
    sheets, replaced = latest_attempts(found)
    return GroupRatings(sheets=sheets, problems=problems, replaced=replaced, files=total)


def _upload(f) -> tuple[str, bytes]:
    if isinstance(f, Mapping):
        name, content = f.get("name"), f.get("content")
    else:
        try:
            name, content = f
        except (TypeError, ValueError):
            raise CoachkitError("an uploaded file is a (name, bytes) pair or an upload box's dict") from None
    if not isinstance(name, str) or content is None:
        raise CoachkitError("an uploaded file needs a name and its content")
    return name, bytes(content)


def load_uploads(files: Iterable, progress: Progress | None = None) -> GroupRatings:
    """Read export files given as ``(name, bytes)`` pairs or the dicts an upload box holds
    (``{"name": ..., "content": ...}``); each is reported under its own name, which is only ever shown,
    never used as a path (nothing is written to disk)."""
    items = [_upload(f) for f in files]
    found: list[RatingSheet] = []
    problems: list[str] = []
    for done, (name, content) in enumerate(items, 1):
        shown = (Path(name).name or "an unnamed file")[:120]
        try:
            if len(content) > EXPORT_LIMIT:
                raise CoachkitError(
                    f"{shown}: this export is {human_size(len(content))}, more than the "
                    f"{human_size(EXPORT_LIMIT)} the kit reads"
                )
            if shown.lower().endswith(".csv"):
                raise CoachkitError(f"{shown}: the group reads the .json export; the .csv is for spreadsheets only")
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise CoachkitError(f"{shown}: not a coachkit ratings export (not UTF-8 text)") from None
            found.extend(read_export(text, shown).sheets)
        except CoachkitError as exc:
            problems.append(str(exc))
        if progress is not None:
            progress(done, len(items))
    sheets, replaced = latest_attempts(found)
    return GroupRatings(sheets=sheets, problems=problems, replaced=replaced, files=len(items))


# ------------------------------------------------------------------------------------------- sources


class SheetSource(Protocol):
    """Where a dashboard gets a group's sheets from; ``load`` is called again on every refresh."""

    def load(self, progress: Progress | None = None) -> GroupRatings: ...

    def describe(self) -> str: ...


class FolderSource:
    """A shared folder participants drop their export files into (re-read on every refresh)."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder).expanduser()

    def load(self, progress: Progress | None = None) -> GroupRatings:
        if not self.folder.is_dir():
            raise CoachkitError(f"the shared folder {self.folder} does not exist (or is not a folder)")
        return load_exports(self.folder, progress)

    def describe(self) -> str:
        return f"the shared folder {self.folder}"


class FileSource:
    """Export files collected so far (the upload box adds to it); nothing is kept on disk."""

    def __init__(self, files: Iterable = ()):
        self.files: list[tuple[str, bytes]] = []
        self.add(files)

    def add(self, files: Iterable) -> None:
        for f in files:
            self.files.append(_upload(f))

    def load(self, progress: Progress | None = None) -> GroupRatings:
        return load_uploads(self.files, progress)

    def describe(self) -> str:
        return f"{len(self.files)} uploaded file(s)"


class StoreSource:
    """A ratings store (a group's shared database, cohort mode): its sheets of one session, optionally of one
    group. Anything with ``sheets(session_id=..., group=...)`` works; the rows the store left out
    (``store.skipped``) become ``problems``."""

    def __init__(self, store, session_id: str, group: str | None = None):
        self.store = store
        self.session_id = session_id
        self.group = group

    def load(self, progress: Progress | None = None) -> GroupRatings:
        found = self.store.sheets(session_id=self.session_id, group=self.group)
        sheets, replaced = latest_attempts(found)
        if progress is not None:
            progress(1, 1)
        # Rows the store could not read (raw SQL, damage) are named, never fatal.
        problems = [str(p) for p in getattr(self.store, "skipped", [])]
        return GroupRatings(sheets=sheets, problems=problems, replaced=replaced, files=0)

    def describe(self) -> str:
        where = getattr(self.store, "location", "the ratings store")
        return f"{where}" + (f" (group {self.group})" if self.group else "")


def sample_exports() -> Path:
    """The folder of fictional participants' exports that lesson 07 uses (in a checkout: ``data/sample_exports``;
    in an installed kit: ``coachkit/sample_exports``)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_exports", here.parent / "data" / "sample_exports"):
        if candidate.is_dir():
            return candidate
    raise CoachkitError("the sample exports are not installed (data/sample_exports in the source checkout)")

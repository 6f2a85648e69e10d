"""The session library: where sessions are found, the index, the cache and every listing.

A session is a folder named by its id, read and checked by :mod:`coachkit.session_files` (format
``coachkit-session/1``, ``docs/session-format.md``). Sessions are found in the sample library shipped
with the kit, in every folder named in ``COACHKIT_LIBRARY`` and in the learner's own library; a caller
may name other folders with ``roots=``. Nothing here changes the environment.

- :func:`load_session` reads one session (by id, old id or path; any kept key version) and checks everything;
- :func:`sessions` and :func:`list_sessions` list the library (a broken session is skipped and named in
  :func:`problems`, never hiding the rest; reserved calibration-check sessions are left out);
- :func:`scenario_sessions` is one client coached at several levels; :func:`check_forms` the reserved forms;
- :func:`validate_paths` collects every problem in some files, for ``coachkit validate``.

>>> import tempfile
>>> from coachkit.model import Session, Utterance
>>> talk = (Utterance("u1", "coach", "Sam", 1.0, 4.0, "What would you like to leave with today?"),
...         Utterance("u2", "client", "Maya", 5.0, 9.0, "Clarity about the promotion."))
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name) / "maya-demo"
>>> s = write_session(Session("x", "Maya's demo", "full", None, (), "career", talk), folder, consent="fictional")
>>> load_session(folder).utterance("u2").text
'Clarity about the promotion.'
>>> [x.id for x in sessions(roots=[tmp.name])]
['maya-demo']
>>> tmp.cleanup()
"""

from __future__ import annotations

import difflib
import errno
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ._yamlio import short
from .errors import CoachkitError, FormatError
from .model import KINDS, LEVEL_ORDER, Session
from .session_files import (
    CONSENTS,
    FORMAT,
    SESSION_FILE,
    VERSIONS_FOLDER,
    import_transcript,
    read_aliases,
    read_folder,
    validate_file,
    write_session,
)
from .session_headers import SessionInfo, is_check, neutral_order, read_header
from .settings import home, library_paths

__all__ = [
    "FORMAT", "CONSENTS", "SESSION_FILE", "ALIASES_FILE", "SessionList", "SessionInfo", "catalogue", "load_session",
    "key_versions", "list_sessions", "sessions", "problems", "scenario_sessions", "check_forms", "validate",
    "validate_paths", "write_session", "import_transcript", "library_roots", "own_library", "aliases",
    "canonical_id",
]

#: The file in a library folder that maps old session ids to current ones (format coachkit-aliases/1).
ALIASES_FILE = "aliases.yaml"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SAMPLE = "sample library"


# --------------------------------------------------------------------------------------------------
# where sessions live


def _packaged_dir() -> Path:
    return Path(__file__).parent / "sample_sessions"


def _checkout_dir() -> Path:
    return Path(__file__).parent.parent / "data" / "sample_sessions"


def _shipped() -> Path:
    return _packaged_dir() if _packaged_dir().is_dir() else _checkout_dir()


def library_roots() -> list[tuple[str, Path]]:
    """The folders sessions are found in, as ``(label, folder)``: the sample library, then ``COACHKIT_LIBRARY``,
    then the learner's own library ``COACHKIT_HOME/library`` (where the key editor saves by default), if it exists.

    Inside an installed wheel the sample library is ``coachkit/sample_sessions``; in a source checkout it
    is ``data/sample_sessions``. A ``COACHKIT_LIBRARY`` entry that is not a folder is a CoachkitError (a
    typo there would otherwise hide a facilitator's whole library).
    """
    roots: list[tuple[str, Path]] = []
    shipped = _shipped()
    if shipped.is_dir():
        roots.append((_SAMPLE, shipped))
    for path in library_paths():
        if not path.is_dir():
            raise CoachkitError(f"COACHKIT_LIBRARY names {path}, which is not a folder")
        roots.append((str(path), path))
    own = own_library()
    if own.is_dir() and all(own.resolve() != p.resolve() for _, p in roots):
        roots.append((str(own), own))
    return roots


def own_library() -> Path:
    """The learner's own library folder, ``COACHKIT_HOME/library`` (it may not exist yet)."""
    return home() / "library"


def _roots(roots: Iterable[str | os.PathLike] | None) -> list[tuple[str, Path]]:
    if roots is None:
        return library_roots()
    if isinstance(roots, (str, os.PathLike)):
        roots = [roots]
    out = []
    shipped = _shipped()
    for raw in roots:
        path = Path(raw).expanduser()
        if not path.is_dir():
            raise CoachkitError(f"the library folder {path} is not a folder")
        same = shipped.is_dir() and path.resolve() == shipped.resolve()
        out.append((_SAMPLE if same else str(path), path))
    return out


def _session_folders(root: Path) -> tuple[list[Path], list[FormatError]]:
    """The session folders in ``root`` (or ``root`` itself when it is one), sorted by name, and the entries
    that could not be looked into (a link that loops back on itself is skipped and named)."""
    if (root / SESSION_FILE).is_file():
        return [root], []
    out, trouble = [], []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        return [], [FormatError(root, None, f"cannot list this library folder ({exc.strerror or 'not readable'})")]
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        try:
            os.stat(entry.path)
            if not entry.is_dir():
                continue
            os.stat(os.path.join(entry.path, SESSION_FILE))
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                trouble.append(FormatError(entry.path, None, "this is a link that loops back on itself: skipped"))
            continue
        if os.path.isfile(os.path.join(entry.path, SESSION_FILE)):
            out.append(Path(entry.path))
    return out, trouble


def _index(roots=None) -> tuple[dict[str, tuple[Path, str]], dict[str, list[Path]], list[FormatError]]:
    """Session id -> (folder, library label); ids found twice -> their folders; folders that were skipped.
    Read afresh each call: a few directory listings."""
    found: dict[str, tuple[Path, str]] = {}
    twice: dict[str, list[Path]] = {}
    trouble: list[FormatError] = []
    seen: set[Path] = set()
    for label, root in _roots(roots):
        resolved = root.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        folders, skipped = _session_folders(root)
        trouble += skipped
        for folder in folders:
            sid = folder.name
            if sid in found:
                twice.setdefault(sid, [found[sid][0]]).append(folder)
                continue
            found[sid] = (folder, label)
    for sid, folders in twice.items():
        trouble.append(FormatError(folders[-1] / SESSION_FILE, None, _twice_message(sid, folders)))
    return found, twice, trouble


def _twice_message(sid: str, folders: list[Path]) -> str:
    return (f"the session id '{sid}' is found twice: {folders[0] / SESSION_FILE} and {folders[1] / SESSION_FILE}. "
            "Rename one of the folders (and the id in its session.yaml).")


# --------------------------------------------------------------------------------------------------
# old ids

_ALIAS_CACHE: dict[Path, tuple[tuple, dict[str, str]]] = {}


def _read_aliases(path: Path) -> dict[str, str]:
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    hit = _ALIAS_CACHE.get(path)
    if hit is None or hit[0] != stamp:
        hit = _ALIAS_CACHE[path] = (stamp, read_aliases(path))
    return hit[1]


def aliases(roots: Iterable[str | os.PathLike] | None = None) -> dict[str, str]:
    """Old session id -> current id, from ``aliases.yaml`` in each library folder (the sample library's
    ids once ended in the level, which gave it away; sheets and exports made under an old id still resolve).

    Each file is checked (format ``coachkit-aliases/1``, ids that are ids, no alias of an alias, no YAML
    anchors) and read again only when it changes; a broken file is a FormatError naming file and line.
    """
    found: dict[str, str] = {}
    for _, root in _roots(roots):
        path = root / ALIASES_FILE
        if path.is_file():
            for old, new in _read_aliases(path).items():
                found.setdefault(old, new)
    return found


def canonical_id(session_id: str, roots: Iterable[str | os.PathLike] | None = None) -> str:
    """The current id of a session: an old id from :func:`aliases` becomes its new one; any other id is returned as is.

    >>> canonical_id("no-such-alias")
    'no-such-alias'
    """
    return aliases(roots).get(session_id, session_id)


# --------------------------------------------------------------------------------------------------
# one session


def _unknown_id(sid: str, ids: Iterable[str]) -> CoachkitError:
    ids = sorted(ids)
    sid = short(sid, 80)[1:-1]
    if not ids:
        return CoachkitError(f"no session '{sid}': the library is empty (add folders with COACHKIT_LIBRARY)")
    close = difflib.get_close_matches(sid, ids, n=5, cutoff=0.5)
    if close:
        return CoachkitError(f"no session '{sid}' in the library. Did you mean: {', '.join(close)}?")
    shown = ", ".join(ids[:40]) + (f", ... ({len(ids)} in all)" if len(ids) > 40 else "")
    return CoachkitError(f"no session '{sid}' in the library. Available: {shown}")


def _resolve(id_or_path, roots=None) -> Path:
    """The session folder for an id (or an old id) or a path to a folder or its session.yaml."""
    if not isinstance(id_or_path, (str, os.PathLike)):
        raise CoachkitError(f"load_session takes a session id or a path, not {type(id_or_path).__name__}")
    if isinstance(id_or_path, str) and _ID.match(id_or_path):
        index, twice, _ = _index(roots)
        sid = id_or_path if id_or_path in index else canonical_id(id_or_path, roots)
        if sid in twice:
            raise CoachkitError(_twice_message(sid, twice[sid]))
        if sid in index:
            return index[sid][0]
        if not Path(id_or_path).exists():
            raise _unknown_id(id_or_path, index)
    path = Path(id_or_path).expanduser()
    if path.is_dir():
        if not (path / SESSION_FILE).is_file():
            raise CoachkitError(f"{path} is not a session folder: it has no {SESSION_FILE}")
        return path
    if path.is_file():
        return path.parent
    raise CoachkitError(f"no session folder or file at {path}")


# a session is read again only when a file in its folder changes (a facilitator adds or edits one mid-call)
_CACHE: dict[tuple[Path, str | None], tuple[tuple, Session]] = {}


def _stamp(folder: Path) -> tuple:
    out = []
    with os.scandir(folder) as entries:
        for e in entries:
            try:
                if e.is_file():
                    info = e.stat()
                    out.append((e.name, info.st_mtime_ns, info.st_size))
            except OSError:  # a broken or looping link: part of the stamp, so it is read (and named) again
                out.append((e.name, -1, -1))
    return tuple(sorted(out))


def _load(folder: Path, expect_id: str | None = None) -> Session:
    key = (folder.resolve(), expect_id)
    stamp = _stamp(folder)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    session, found = read_folder(folder, expect_id)
    if found:
        first = found[0]
        more = len(found) - 1
        if more:
            raise FormatError(
                first.path, first.line,
                f"{first.reason} (and {more} more problem{'s' if more > 1 else ''}: coachkit validate {folder} lists them all)",
            )
        raise first
    _CACHE[key] = (stamp, session)
    return session


def _versions(folder: Path) -> dict[int, Path]:
    base = folder / VERSIONS_FOLDER
    if not base.is_dir():
        return {}
    out = {}
    for sub in base.iterdir():
        if sub.name.isdigit() and len(sub.name) <= 6 and (sub / SESSION_FILE).is_file():
            out[int(sub.name)] = sub
    return out


def key_versions(id_or_path: str | os.PathLike, roots: Iterable[str | os.PathLike] | None = None) -> tuple[int, ...]:
    """The key versions of a session that can be loaded, oldest first (the newest is the top-level key)."""
    folder = _resolve(id_or_path, roots)
    newest = _load(folder)
    found = set(_versions(folder))
    if newest.key is not None:
        found.add(newest.key.version)
    return tuple(sorted(found))


def load_session(
    id_or_path: str | os.PathLike, version: int | None = None, *, roots: Iterable[str | os.PathLike] | None = None
) -> Session:
    """A session from the library by id, by an old id (see :func:`aliases`: the session comes back under its
    current id), or from a path to a session folder or its ``session.yaml``.

    ``version`` loads an older key version kept in ``versions/<n>/`` (with the transcript it was made on);
    by default, the newest. Everything is checked on load; the first problem is a FormatError naming the
    file and line (and how many more there are). An unknown id is a CoachkitError naming the closest ids
    in the library; an unknown version one that lists the versions there are. A reserved check session
    loads when asked for by id.

    >>> load_session("no-such-session-anywhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: no session 'no-such-session-anywhere'...
    """
    folder = _resolve(id_or_path, roots)
    newest = _load(folder)
    if version is None or (newest.key is not None and version == newest.key.version):
        return newest
    kept = _versions(folder)
    if version not in kept:
        there = sorted({*kept, *([newest.key.version] if newest.key else [])})
        listed = ", ".join(map(str, there)) or "none (the session has no key)"
        raise CoachkitError(f"session '{newest.id}' has no key version {short(version, 20)}: the versions there are {listed}")
    old = _load(kept[version], expect_id=folder.name)
    if old.key is None or old.key.version != version:
        raise FormatError(kept[version] / SESSION_FILE, None, f"the key kept in versions/{version} must have version: {version}")
    return old


def validate(id_or_path: str | os.PathLike) -> Session:
    """Check one session (by id or path) and return it; the first problem is raised (see :func:`load_session`)."""
    return load_session(id_or_path)


# --------------------------------------------------------------------------------------------------
# listing


def _not_check(info: SessionInfo) -> bool:
    return not is_check(info)


class SessionList(list):
    """A list of sessions that also names the sessions it had to skip (``problems``: one FormatError each)."""

    problems: tuple[FormatError, ...] = ()


def _keeps(keep: Callable[[SessionInfo], bool] | None, folder: Path, label: str) -> bool:
    """Whether ``keep`` takes the session, from its header alone (cached); a bad header is left to the full read."""
    try:
        return keep is None or keep(read_header(folder, label))
    except (CoachkitError, OSError):
        return True


def _read_all(roots, wanted: set[str] | None = None, keep: Callable[[SessionInfo], bool] | None = None):
    """``(session, label)`` pairs and problems; a session ``keep`` refuses by its header is never read."""
    index, twice, trouble = _index(roots)
    found: list[tuple[Session, str]] = []
    for sid, (folder, label) in index.items():
        if (wanted is not None and sid not in wanted) or sid in twice or not _keeps(keep, folder, label):
            continue
        try:
            found.append((_load(folder), label))
        except FormatError as exc:
            trouble.append(exc)
        except (CoachkitError, OSError) as exc:
            trouble.append(FormatError(folder / SESSION_FILE, None, short(str(exc), 300)))
    return found, trouble


def sessions(
    ids: Iterable[str] | None = None,
    kind: str | None = None,
    *,
    roots: Iterable[str | os.PathLike] | None = None,
    include_check: bool = False,
) -> SessionList:
    """The library's sessions in a neutral order (full sessions by title, then excerpts in marker order), without pandas.

    ``ids`` reads only those sessions (old ids too); ``kind`` keeps "full" sessions or "excerpt"s; ``roots``
    names the library folders (default :func:`library_roots`). Reserved calibration-check sessions
    (``use: check``) are left out unless ``include_check``. A session that fails its checks is skipped and
    named in the list's ``problems``, so one broken file never hides the library.

    >>> [s.kind for s in sessions(kind="excerpt")][:1]
    ['excerpt']
    """
    if kind is not None and kind not in KINDS:
        raise CoachkitError(f"unknown kind {short(kind)}: choose one of {', '.join(KINDS)}")
    renamed = aliases(roots) if ids is not None else {}
    wanted = None if ids is None else {renamed.get(i, i) for i in ids}
    found, trouble = _read_all(roots, wanted, None if include_check else _not_check)
    out = SessionList(sorted(
        (s for s, _ in found if (kind is None or s.kind == kind) and (include_check or not is_check(s))), key=neutral_order
    ))
    out.problems = tuple(trouble)
    return out


def catalogue(
    kind: str | None = None, *, roots: Iterable[str | os.PathLike] | None = None, include_check: bool = False
) -> SessionList:
    """The library as :class:`SessionInfo` lines read from the top of each ``session.yaml`` only (no talk, no
    key): far cheaper than :func:`sessions`, for lists of titles. The same rules and order as :func:`sessions`;
    a header that cannot be read is skipped and named in ``problems`` (a broken transcript is named on opening).

    >>> [s.kind for s in catalogue(kind="excerpt")][:1]
    ['excerpt']
    """
    if kind is not None and kind not in KINDS:
        raise CoachkitError(f"unknown kind {short(kind)}: choose one of {', '.join(KINDS)}")
    index, twice, trouble = _index(roots)
    found = []
    for sid, (folder, label) in index.items():
        if sid in twice:
            continue
        try:
            found.append(read_header(folder, label))
        except (CoachkitError, OSError) as exc:
            trouble.append(exc if isinstance(exc, FormatError) else FormatError(folder / SESSION_FILE, None, short(str(exc), 300)))
    out = SessionList(sorted((s for s in found if kind in (None, s.kind) and (include_check or not is_check(s))), key=neutral_order))
    out.problems = tuple(trouble)
    return out


def problems(roots: Iterable[str | os.PathLike] | None = None) -> tuple[FormatError, ...]:
    """The sessions (and folders) the listings skip, one FormatError each (file, line, what is wrong).

    A lesson shows them as a warning: "these sessions could not be read and are left out".
    """
    return sessions(roots=roots, include_check=True).problems


def list_sessions(roots: Iterable[str | os.PathLike] | None = None, *, include_check: bool = False):
    """The library as a table, one row per session: id, title, kind, level, minutes, focus, topic, library.

    ``focus`` is the excerpt's marker ids joined with ", " ('' for a full session); ``library`` is
    "sample library" or the folder the session came from. The order is neutral (see :func:`sessions`);
    reserved check sessions are left out unless ``include_check``. A session that fails its checks is
    skipped; the table's ``attrs["problems"]`` names each one as ``file:line: message``.
    """
    import pandas as pd  # heavy and optional: only the table needs it

    found, trouble = _read_all(roots, keep=None if include_check else _not_check)
    labels = {s.id: label for s, label in found}
    listed = sorted((s for s, _ in found if include_check or not is_check(s)), key=neutral_order)
    columns = ["id", "title", "kind", "level", "minutes", "focus", "topic", "library"]
    rows = [
        {"id": s.id, "title": s.title, "kind": s.kind, "level": s.level, "minutes": s.minutes,
         "focus": ", ".join(s.focus), "topic": s.topic, "library": labels.get(s.id, "")}
        for s in listed
    ]
    if rows:
        table = pd.DataFrame(rows, columns=columns)
    else:
        table = pd.DataFrame({c: pd.Series(dtype="float64" if c == "minutes" else "object") for c in columns})
    table.attrs["problems"] = [str(p) for p in trouble]
    return table


def scenario_sessions(scenario: str, roots: Iterable[str | os.PathLike] | None = None) -> tuple[Session, ...]:
    """The full sessions of one scenario (one client coached at several levels), from below the standard up
    to MCC (:data:`coachkit.model.LEVEL_ORDER`). Empty when no session has that scenario.

    >>> scenario_sessions("no-such-scenario")
    ()
    """
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    found, _ = _read_all(roots, {s.id for s in catalogue("full", roots=roots) if s.scenario == scenario})
    trio = [s for s, _ in found if s.kind == "full" and not is_check(s) and s.meta.get("scenario") == scenario]
    return tuple(sorted(trio, key=lambda s: (rank.get(s.level, len(rank)), s.title.casefold(), s.id)))


def check_forms(roots: Iterable[str | os.PathLike] | None = None) -> dict[str, tuple[Session, ...]]:
    """Each reserved calibration-check form and its sessions (``use: check``, ``form: A``): full sessions
    first, then excerpts, each by id. A facilitator's private forms come from their own library folder;
    a form may not be spread over two library folders (the later folder's sessions are skipped)."""
    found, _ = _read_all(roots, keep=is_check)
    forms: dict[str, list[Session]] = {}
    home_of: dict[str, str] = {}
    for s, label in found:
        if not is_check(s):
            continue
        form = s.meta.get("form", "")
        if home_of.setdefault(form, label) != label:
            continue
        forms.setdefault(form, []).append(s)
    return {
        form: tuple(sorted(group, key=lambda s: (0 if s.kind == "full" else 1, s.id)))
        for form, group in sorted(forms.items())
    }


# --------------------------------------------------------------------------------------------------
# validating many files


def _is_sample(path: Path) -> bool:
    shipped = _shipped()
    try:
        return shipped.is_dir() and path.resolve().is_relative_to(shipped.resolve())
    except (OSError, RuntimeError):
        return False


def _check_folder(folder: Path) -> list[FormatError]:
    """A session folder and every key version kept in it."""
    sample = _is_sample(folder)
    found = read_folder(folder, sample=sample)[1]
    for n, sub in sorted(_versions(folder).items()):
        old, more = read_folder(sub, expect_id=folder.name)  # a kept version is history: checked, not held to new rules
        found += more
        if old is not None and (old.key is None or old.key.version != n):
            found.append(FormatError(sub / SESSION_FILE, None, f"the key kept in {VERSIONS_FOLDER}/{n} must have version: {n}"))
    return found


def _looks_like_session(folder: Path) -> bool:
    try:
        return any(p.suffix in (".vtt", ".yaml") for p in folder.iterdir())
    except OSError:
        return False


def validate_paths(paths: Iterable[str | os.PathLike]) -> list[FormatError]:
    """Every problem in these files, for ``coachkit validate``; an empty list means all is well.

    Each path is a session folder, a ``session.yaml``, a folder of session folders, or a marker framework
    file (``format: coachkit-framework/1``). Checking goes on after a problem, file by file. With no paths
    at all, the whole library is checked (the sample library and ``COACHKIT_LIBRARY``, ids found twice too).
    The sample library is held to its own rules too (every full key calls all six competencies).
    """
    paths = list(paths)
    found: list[FormatError] = []
    if not paths:
        try:
            roots = library_roots()
            found += _index()[2]
        except CoachkitError as exc:
            return [FormatError("COACHKIT_LIBRARY", None, str(exc))]
        paths = [root for _, root in roots]
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            if (path / SESSION_FILE).is_file():
                found += _check_folder(path)
                continue
            if (path / ALIASES_FILE).is_file():  # a library folder's old ids
                found += validate_file(path / ALIASES_FILE)
            folders, skipped = _session_folders(path)
            found += skipped
            for sub in sorted(p for p in path.iterdir() if not p.name.startswith((".", "_")) and p.is_dir()):
                if sub not in folders and _looks_like_session(sub):
                    found.append(FormatError(sub, None, f"a session folder needs a {SESSION_FILE}"))
            if not folders and _looks_like_session(path):
                found.append(FormatError(path, None, f"a session folder needs a {SESSION_FILE}"))
            elif not folders and not found:
                found.append(FormatError(path, None, f"no session folders here (a session folder holds {SESSION_FILE})"))
            for folder in folders:
                found += _check_folder(folder)
        elif path.is_file():
            found += validate_file(path, sample=_is_sample(path))
        else:
            found.append(FormatError(path, None, "no such file or folder"))
    return found

"""The session library: sample sessions with their assessor's answer keys, read and checked on load.

A session is a folder named by its id, holding ``transcript.vtt`` (Zoom style) and ``session.yaml``
(what the session is, and the answer key); ``docs/session-format.md`` describes the format,
``coachkit-session/1``. Sessions are found in the sample library shipped with the kit and in every
folder named in ``COACHKIT_LIBRARY``.

- :func:`load_session` reads one session (by id or path) and checks everything;
- :func:`list_sessions` is the library as a table;
- :func:`validate_paths` collects every problem in some files, for ``coachkit validate``;
- :func:`write_session` writes a session folder (used by ``coachkit import`` and the key editor).

>>> import tempfile
>>> from coachkit.model import Session, Utterance
>>> talk = (Utterance("u1", "coach", "Sam", 1.0, 4.0, "What would you like to leave with today?"),
...         Utterance("u2", "client", "Maya", 5.0, 9.0, "Clarity about the promotion."))
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name) / "maya-demo"
>>> s = write_session(Session("x", "Maya's demo", "full", None, (), "career", talk), folder, consent="fictional")
>>> load_session(folder).utterance("u2").text
'Clarity about the promotion.'
>>> tmp.cleanup()
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ._yamlio import LineDict, check_fields, dump_yaml, line_of, load_yaml
from .errors import CoachkitError, FormatError
from .model import KINDS, LEVELS, AnswerKey, Decision, Session, Utterance, vtt_timestamp

__all__ = [
    "FORMAT",
    "CONSENTS",
    "SESSION_FILE",
    "load_session",
    "list_sessions",
    "sessions",
    "validate",
    "validate_paths",
    "write_session",
    "import_transcript",
    "library_roots",
    "aliases",
    "canonical_id",
]

#: The format string every ``session.yaml`` starts with.
FORMAT = "coachkit-session/1"
#: How a session may be used: written for the kit, or a real recording used with the client's written consent.
CONSENTS: tuple[str, ...] = ("fictional", "client-agreed")
#: The file that makes a folder a session folder.
SESSION_FILE = "session.yaml"
_FRAMEWORK_FORMAT = "coachkit-framework/1"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_UTTERANCE_ID = re.compile(r"^u([1-9][0-9]*)$")
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d{1,3})?)"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_SAMPLE = "sample library"
# the order a learner meets the levels in a table: from below the standard up to MCC
_LEVEL_ORDER = {"below": 0, "ACC": 1, "PCC": 2, "MCC": 3}

_TOP_REQUIRED: dict[str, Any] = {
    "format": str,
    "id": str,
    "title": str,
    "kind": str,
    "topic": str,
    "coach": str,
    "client": str,
    "consent": str,
}
_TOP_OPTIONAL: dict[str, Any] = {
    "level": str,
    "focus": list,
    "description": str,
    "transcript": str,
    "scenario": str,
    "pair": str,
    "key": dict,
    "timing_shows_overlaps": bool,
}
_KEY_REQUIRED: dict[str, Any] = {"version": int, "level": str, "summary": str, "decisions": dict}
_KEY_OPTIONAL: dict[str, Any] = {"assessor": str}
_DECISION_REQUIRED: dict[str, Any] = {"evidenced": bool, "note": str}
_DECISION_OPTIONAL: dict[str, Any] = {"evidence": list, "opportunity": list}


# --------------------------------------------------------------------------------------------------
# where sessions live


def _packaged_dir() -> Path:
    return Path(__file__).parent / "sample_sessions"


def _checkout_dir() -> Path:
    return Path(__file__).parent.parent / "data" / "sample_sessions"


def library_roots() -> list[tuple[str, Path]]:
    """The folders sessions are found in, as ``(label, folder)``: the sample library, then ``COACHKIT_LIBRARY``,
    then the learner's own library ``COACHKIT_HOME/library`` (where the key editor saves by default), if it exists.

    Inside an installed wheel the sample library is ``coachkit/sample_sessions``; in a source checkout it
    is ``data/sample_sessions``. A ``COACHKIT_LIBRARY`` entry that is not a folder is a CoachkitError (a
    typo there would otherwise hide a facilitator's whole library).
    """
    from .settings import library_paths

    roots: list[tuple[str, Path]] = []
    shipped = _packaged_dir() if _packaged_dir().is_dir() else _checkout_dir()
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
    from .settings import home

    return home() / "library"


def _session_folders(root: Path) -> list[Path]:
    """The session folders in ``root`` (or ``root`` itself when it is one), sorted by name."""
    if (root / SESSION_FILE).is_file():
        return [root]
    out = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith((".", "_")) or not entry.is_dir():
                continue
            if os.path.isfile(os.path.join(entry.path, SESSION_FILE)):
                out.append(Path(entry.path))
    return sorted(out, key=lambda p: p.name)


def _index() -> dict[str, tuple[Path, str]]:
    """Session id -> (folder, library label). Read afresh each call: a few directory listings."""
    found: dict[str, tuple[Path, str]] = {}
    seen_roots: set[Path] = set()
    for label, root in library_roots():
        resolved = root.resolve()
        if resolved in seen_roots:
            continue
        seen_roots.add(resolved)
        for folder in _session_folders(root):
            sid = folder.name
            if sid in found:
                first = found[sid][0] / SESSION_FILE
                raise CoachkitError(
                    f"the session id '{sid}' is found twice: {first} and {folder / SESSION_FILE}. "
                    "Rename one of the folders (and the id in its session.yaml)."
                )
            found[sid] = (folder, label)
    return found


#: The file in a library folder that maps old session ids to current ones.
ALIASES_FILE = "aliases.yaml"


def aliases() -> dict[str, str]:
    """Old session id -> current id, from ``aliases.yaml`` in each library folder (the sample library's
    ids once ended in the level, which gave it away; sheets and exports made under an old id still resolve).
    """
    import yaml

    from ._files import DATA_FILE_LIMIT, read_bounded

    found: dict[str, str] = {}
    for _, root in library_roots():
        path = root / ALIASES_FILE
        if not path.is_file():
            continue
        data = yaml.safe_load(read_bounded(path, DATA_FILE_LIMIT, "alias file").decode("utf-8"))
        mapping = data.get("aliases") if isinstance(data, dict) else None
        if not isinstance(mapping, dict):
            raise FormatError(path, None, "an alias file maps old ids to new ones under 'aliases:'")
        for old, new in mapping.items():
            if isinstance(old, str) and isinstance(new, str):
                found.setdefault(old, new)
    return found


def canonical_id(session_id: str) -> str:
    """The current id of a session: an old id from :func:`aliases` becomes its new one; any other id is returned as is.

    >>> canonical_id("no-such-alias")
    'no-such-alias'
    """
    return aliases().get(session_id, session_id)


def _unknown_id(sid: str, ids: Iterable[str]) -> CoachkitError:
    ids = sorted(ids)
    if not ids:
        return CoachkitError(f"no session '{sid}': the library is empty (add folders with COACHKIT_LIBRARY)")
    close = difflib.get_close_matches(sid, ids, n=5, cutoff=0.5)
    if close:
        return CoachkitError(f"no session '{sid}' in the library. Did you mean: {', '.join(close)}?")
    shown = ", ".join(ids[:40]) + (f", ... ({len(ids)} in all)" if len(ids) > 40 else "")
    return CoachkitError(f"no session '{sid}' in the library. Available: {shown}")


def _resolve(id_or_path: str | os.PathLike) -> tuple[Path, str | None]:
    """(session folder, library label or None) for an id or a path to a folder or its session.yaml."""
    if isinstance(id_or_path, str) and _ID.match(id_or_path):
        index = _index()
        if id_or_path in index:
            return index[id_or_path]
        if not Path(id_or_path).exists():
            raise _unknown_id(id_or_path, index)
    if not isinstance(id_or_path, (str, os.PathLike)):
        raise CoachkitError(f"load_session takes a session id or a path, not {type(id_or_path).__name__}")
    path = Path(id_or_path).expanduser()
    if path.is_dir():
        if not (path / SESSION_FILE).is_file():
            raise CoachkitError(f"{path} is not a session folder: it has no {SESSION_FILE}")
        return path, None
    if path.is_file():
        return path.parent, None
    raise CoachkitError(f"no session folder or file at {path}")


# --------------------------------------------------------------------------------------------------
# reading and checking one session


class _Problems:
    """The problems found in one session, in the order found."""

    def __init__(self):
        self.items: list[FormatError] = []

    def add(self, path, line, message) -> None:
        self.items.append(FormatError(path, line, message))

    def __bool__(self):
        return bool(self.items)


def _fields(problems: _Problems, path, data, required, optional, what, nullable=()) -> set[str]:
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
            hint = difflib.get_close_matches(key, allowed, n=1)
            did = f"did you mean '{hint[0]}'? " if hint else ""
            problems.add(path, line_of(data, key), f"unknown field '{key}' in {what} ({did}allowed: {', '.join(allowed)})")
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


def _marker_ids() -> tuple[str, ...]:
    from .framework import framework

    return framework().marker_ids


def _bad_marker(marker_id: str) -> str:
    """'unknown marker ...' with the valid ids in short: 3.1 to 3.4, 4.1 to 4.4, ..."""
    groups: dict[str, list[str]] = {}
    for m in _marker_ids():
        groups.setdefault(m.split(".")[0], []).append(m)
    valid = ", ".join(f"{ids[0]} to {ids[-1]}" for ids in groups.values())
    return f"unknown marker '{marker_id}' (valid markers: {valid})"


def _parse_time(h, m, s) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + float(s.replace(",", "."))


def _scan_cues(path: Path) -> tuple[list[int], list[tuple[float, float] | None]]:
    """The line of each cue's timing line, and its (start, end) where this simple scan can read it."""
    lines: list[int] = []
    times: list[tuple[float, float] | None] = []
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return lines, times
    for number, line in enumerate(text.splitlines(), 1):
        if "-->" not in line:
            continue
        lines.append(number)
        m = _TIMING.match(line)
        times.append((_parse_time(*m.group(1, 2, 3)), _parse_time(*m.group(4, 5, 6))) if m else None)
    return lines, times


def _check_times(problems: _Problems, path: Path, cue_lines, cue_times, utterances) -> None:
    """Each cue (or turn) ends after it starts; starts never go backwards. Overlaps are allowed."""
    if cue_times and any(t is not None for t in cue_times):
        previous = None
        for n, (line, times) in enumerate(zip(cue_lines, cue_times, strict=True), 1):
            if times is None:
                continue
            start, end = times
            if end <= start:
                problems.add(path, line, f"cue {n} (u{n}) ends at {end:g} s, not after it starts ({start:g} s)")
            if previous is not None and start < previous:
                problems.add(path, line, f"cue {n} (u{n}) starts at {start:g} s, before the cue above it ({previous:g} s)")
            previous = start
        return
    previous = None
    for u in utterances:
        line = _cue_line(cue_lines, u.id)
        if u.start is not None and u.end is not None and u.end <= u.start:
            problems.add(path, line, f"{u.id} ends at {u.end:g} s, not after it starts ({u.start:g} s)")
        if u.start is not None:
            if previous is not None and u.start < previous:
                problems.add(path, line, f"{u.id} starts at {u.start:g} s, before the turn above it ({previous:g} s)")
            previous = u.start


def _cue_line(cue_lines: list[int], utterance_id: str) -> int | None:
    m = _UTTERANCE_ID.match(utterance_id)
    if m and int(m.group(1)) <= len(cue_lines):
        return cue_lines[int(m.group(1)) - 1]
    return None


def _read_transcript(problems: _Problems, path: Path, coach: str | None, client: str | None):
    """The transcript's turns with the speakers' roles set from the names in session.yaml (or None)."""
    from .transcripts import load_transcript

    cue_lines, cue_times = _scan_cues(path)
    before = len(problems.items)
    _check_times(problems, path, cue_lines, cue_times, ())
    lines_reported = {p.line for p in problems.items[before:]}
    try:
        # roles come from the names in session.yaml, exactly (checked by the caller), not from the reader's guess
        transcript = load_transcript(path)
    except FormatError as exc:
        if exc.line is None or exc.line not in lines_reported:
            problems.items.append(exc)
        return None, cue_lines
    except CoachkitError as exc:
        problems.add(path, None, str(exc).removeprefix(f"{path}: "))
        return None, cue_lines
    if not any(cue_times):
        _check_times(problems, path, cue_lines, [], transcript.utterances)
    utterances = tuple(
        replace(u, speaker="coach" if u.name == coach else "client" if u.name == client else "other")
        for u in transcript.utterances
    )
    return utterances, cue_lines


def _ids(problems, path, data, field, what, turn_ids, n_cues) -> tuple[str, ...]:
    """The utterance ids listed under ``field``: each u<n>, once, and the id of a turn of the transcript."""
    items = data.get(field, [])
    out: list[str] = []
    for i, item in enumerate(items):
        line = line_of(items, i)
        if not isinstance(item, str) or not _UTTERANCE_ID.match(item):
            problems.add(path, line, f"{what}: {field} lists utterance ids such as u12, not {item!r}")
            continue
        if item in out:
            problems.add(path, line, f"{what}: {item} is listed twice in {field}")
            continue
        out.append(item)
        if turn_ids is None or item in turn_ids:
            continue
        n = int(item[1:])
        if n <= n_cues:
            turn = max((t for t in turn_ids if int(t[1:]) < n), key=lambda t: int(t[1:]), default=None)
            problems.add(
                path, line,
                f"{what}: {item} is part of the turn {turn} (consecutive cues of one speaker are one turn, "
                f"which keeps its first cue's id): cite {turn}",
            )
        else:
            problems.add(path, line, f"{what}: there is no utterance {item}: the transcript has {n_cues} cues")
    return tuple(out)


def _read_key(problems, path, data, kind, level, focus, turn_ids, n_cues) -> AnswerKey | None:
    key = data["key"]
    good = _fields(problems, path, key, _KEY_REQUIRED, _KEY_OPTIONAL, "the answer key")
    version = key.get("version") if "version" in good else None
    if version is not None and version < 1:
        problems.add(path, line_of(key, "version"), f"the key's version must be 1 or more, not {version}")
    key_level = key.get("level") if "level" in good else None
    if key_level is not None:
        if key_level not in LEVELS:
            problems.add(path, line_of(key, "level"), f"unknown level '{key_level}' in the answer key: choose one of {', '.join(LEVELS)}")
        elif level is not None and key_level != level:
            problems.add(
                path, line_of(key, "level"),
                f"the answer key's level {key_level} differs from the session's level {level}: make them agree",
            )
    if "summary" in good and not key["summary"].strip():
        problems.add(path, line_of(key, "summary"), "the answer key's summary is empty")
    decisions: dict[str, Decision] = {}
    if "decisions" in good:
        valid = _marker_ids()
        raw = key["decisions"]
        for marker_id, entry in raw.items():
            line = line_of(raw, marker_id)
            if marker_id not in valid:
                problems.add(path, line, _bad_marker(marker_id))
                continue
            what = f"the decision on {marker_id}"
            ok = _fields(problems, path, entry, _DECISION_REQUIRED, _DECISION_OPTIONAL, what)
            if not isinstance(entry, dict):
                continue
            evidence = _ids(problems, path, entry, "evidence", f"marker {marker_id}", turn_ids, n_cues) if "evidence" in ok else ()
            opportunity = (
                _ids(problems, path, entry, "opportunity", f"marker {marker_id}", turn_ids, n_cues) if "opportunity" in ok else ()
            )
            note = entry["note"].strip() if "note" in ok else ""
            if "note" in ok and not note:
                problems.add(path, line_of(entry, "note"), f"{what} has an empty note: say why, in an assessor's voice")
            if "evidenced" in ok:
                if entry["evidenced"] and not entry.get("evidence"):
                    problems.add(
                        path, line_of(entry, "evidenced"),
                        f"marker {marker_id} is evidenced but cites no evidence (add evidence: [u..])",
                    )
                if not entry["evidenced"] and entry.get("evidence"):
                    problems.add(
                        path, line_of(entry, "evidence"),
                        f"marker {marker_id} is not evidenced, so it cites no evidence: list where it could have been "
                        "shown under 'opportunity'",
                    )
            decisions[marker_id] = Decision(bool(entry.get("evidenced")), evidence, note, opportunity)
        where = line_of(key, "decisions")
        if kind == "full":
            missing = [m for m in valid if m not in raw]
            if missing:
                problems.add(path, where, f"a full session's key decides all {len(valid)} markers; missing: {', '.join(missing)}")
        elif kind == "excerpt":
            missing = [m for m in focus if m not in raw]
            if missing:
                problems.add(path, where, f"an excerpt's key decides its focus markers; missing: {', '.join(missing)}")
    if problems:
        return None
    return AnswerKey(
        level=key_level, summary=key["summary"].strip(), version=version, decisions=decisions,
        assessor=key.get("assessor", "").strip(),
    )


def _read(folder: Path, expect_id: str | None = None) -> tuple[Session | None, list[FormatError]]:
    """Read and check one session folder; return the session (None if it has problems) and every problem."""
    path = folder / SESSION_FILE
    problems = _Problems()
    try:
        data = load_yaml(path)
    except FormatError as exc:
        return None, [exc]
    # "level:" may be left empty while there is no answer key (a freshly imported session)
    good = _fields(problems, path, data, _TOP_REQUIRED, _TOP_OPTIONAL, "session.yaml", nullable=("level",))
    if not isinstance(data, dict):
        return None, problems.items

    def get(name):
        return data.get(name) if name in good else None

    def at(name):
        return line_of(data, name)

    if get("format") is not None and data["format"] != FORMAT:
        problems.add(path, at("format"), f"unknown format '{data['format']}'; expected {FORMAT}")
    sid = get("id")
    if sid is not None:
        wanted = expect_id or folder.name
        if not _ID.match(sid):
            problems.add(path, at("id"), f"the id '{sid}' must be lower case letters, digits and hyphens (e.g. maya-promotion-pcc)")
        elif sid != wanted:
            problems.add(path, at("id"), f"the id '{sid}' differs from the folder's name '{wanted}': they must be the same")
    for name in ("title", "topic", "coach", "client"):
        if get(name) is not None and not data[name].strip() and name != "topic":
            problems.add(path, at(name), f"'{name}' is empty")
    kind = get("kind")
    if kind is not None and kind not in KINDS:
        problems.add(path, at("kind"), f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
        kind = None
    level = get("level")
    if level is not None and level not in LEVELS:
        problems.add(path, at("level"), f"unknown level '{level}': choose one of {', '.join(LEVELS)}")
        level = None
    if "level" in good and data.get("level") is None and get("key") is not None:
        problems.add(path, at("level"), "a session with an answer key needs its level: ACC, PCC, MCC or below")
    consent = get("consent")
    if consent is not None and consent not in CONSENTS:
        problems.add(
            path, at("consent"),
            f"unknown consent '{consent}': choose fictional (written for the kit) or client-agreed "
            "(a real recording used with the client's written permission)",
        )
    focus: list[str] = []
    if get("focus") is not None:
        valid = _marker_ids()
        items = data["focus"]
        for i, item in enumerate(items):
            if not isinstance(item, str) or item not in valid:
                problems.add(path, line_of(items, i), _bad_marker(str(item)) + " in focus (quote ids: \"4.1\")")
            elif item in focus:
                problems.add(path, line_of(items, i), f"focus lists {item} twice")
            else:
                focus.append(item)
    if kind == "excerpt" and not data.get("focus"):
        problems.add(path, at("focus") or data.line, "an excerpt needs at least one focus marker (focus: [\"6.6\"])")
    if kind == "full" and data.get("focus"):
        problems.add(path, at("focus"), "a full session has no focus markers (focus: [] or leave it out)")
    coach, client = get("coach"), get("client")
    if coach and client and coach == client:
        problems.add(path, at("client"), f"the coach and the client are both '{coach}'")

    utterances = None
    cue_lines: list[int] = []
    transcript_name = data.get("transcript", "transcript.vtt") if "transcript" in good or "transcript" not in data else None
    if transcript_name is not None:
        vtt = folder / transcript_name
        if Path(transcript_name).name != transcript_name or transcript_name in ("", ".", ".."):
            problems.add(path, at("transcript"), f"the transcript '{transcript_name}' must be a file name in the session folder")
        elif not vtt.is_file():
            problems.add(path, at("transcript") or data.line, f"the transcript file '{transcript_name}' is not in {folder}")
        else:
            utterances, cue_lines = _read_transcript(problems, vtt, coach, client)
    if utterances is not None:
        names = sorted({u.name for u in utterances})
        for role, name in (("coach", coach), ("client", client)):
            if name and name not in names:
                problems.add(
                    path, at(role),
                    f"the {role} '{name}' does not speak in {transcript_name} (its speakers: {', '.join(names) or 'none'})",
                )
        if not utterances:
            problems.add(folder / transcript_name, None, "the transcript has no cues")
    turn_ids = None if utterances is None else {u.id for u in utterances}
    key = None
    if get("key") is not None:
        key = _read_key(problems, path, data, kind, level, tuple(focus), turn_ids, len(cue_lines))
    if problems or utterances is None:
        return None, sorted(problems.items, key=_order)
    meta = {"coach": coach, "client": client, "consent": consent}
    for name in ("scenario", "pair"):
        if get(name):
            meta[name] = data[name].strip()
    if get("timing_shows_overlaps") is not None:
        meta["timing_shows_overlaps"] = "true" if data["timing_shows_overlaps"] else "false"
    session = Session(
        id=sid,
        title=data["title"].strip(),
        kind=kind,
        level=level,
        focus=tuple(focus),
        topic=data["topic"].strip(),
        utterances=utterances,
        key=key,
        source=str(folder / transcript_name),
        description=" ".join(data.get("description", "").split()),
        meta=meta,
    )
    return session, []


def _order(problem: FormatError):
    return (problem.path, problem.line or 0)


# a session is read again only when a file in its folder changes (a facilitator adds or edits one mid-call)
_CACHE: dict[Path, tuple[tuple, Session]] = {}


def _stamp(folder: Path) -> tuple:
    with os.scandir(folder) as entries:
        return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in entries if e.is_file()))


def _load(folder: Path) -> Session:
    key = folder.resolve()
    stamp = _stamp(folder)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    session, problems = _read(folder)
    if problems:
        first = problems[0]
        more = len(problems) - 1
        if more:
            raise FormatError(
                first.path, first.line,
                f"{first.reason} (and {more} more problem{'s' if more > 1 else ''}: coachkit validate {folder} lists them all)",
            )
        raise first
    _CACHE[key] = (stamp, session)
    return session


def load_session(id_or_path: str | os.PathLike) -> Session:
    """A session from the library by id, or from a path to a session folder or its ``session.yaml``.

    Everything is checked on load; the first problem is a FormatError naming the file and line (and how
    many more there are). An unknown id is a CoachkitError naming the closest ids in the library.

    >>> load_session("no-such-session-anywhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coachkit.errors.CoachkitError: no session 'no-such-session-anywhere'...
    """
    folder, _ = _resolve(id_or_path)
    return _load(folder)


def validate(id_or_path: str | os.PathLike) -> Session:
    """Check one session (by id or path) and return it; the first problem is raised (see :func:`load_session`)."""
    return load_session(id_or_path)


def sessions(ids: Iterable[str] | None = None, kind: str | None = None) -> list[Session]:
    """The library's sessions, in :func:`list_sessions` order, without pandas.

    ``ids`` reads only those sessions (a lesson offering two excerpts does not read the whole library);
    ``kind`` keeps "full" sessions or "excerpt"s.

    >>> [s.kind for s in sessions(kind="excerpt")][:1]
    ['excerpt']
    """
    if kind is not None and kind not in KINDS:
        raise CoachkitError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    index = _index()
    wanted = list(index) if ids is None else [i for i in index if i in set(ids)]
    found = [_load(index[i][0]) for i in wanted]
    if kind is not None:
        found = [s for s in found if s.kind == kind]
    return sorted(found, key=_sort_key)


def list_sessions():
    """The library as a table, one row per session: id, title, kind, level, minutes, focus, topic, library.

    ``focus`` is the excerpt's marker ids joined with ", " ('' for a full session); ``library`` is
    "sample library" or the ``COACHKIT_LIBRARY`` folder the session came from. Full sessions come first,
    from below the standard up to MCC, then the excerpts in marker order. Every session is checked as it
    is read (and read again only when its files change): a broken one is a FormatError naming file and line.
    """
    import pandas as pd

    labels = {sid: label for sid, (_, label) in _index().items()}
    columns = ["id", "title", "kind", "level", "minutes", "focus", "topic", "library"]
    rows = [
        {"id": s.id, "title": s.title, "kind": s.kind, "level": s.level, "minutes": s.minutes,
         "focus": ", ".join(s.focus), "topic": s.topic, "library": labels.get(s.id, "")}
        for s in sessions()
    ]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "minutes" else "object") for c in columns})
    return pd.DataFrame(rows, columns=columns)


def _sort_key(s: Session):
    if s.kind == "full":
        return (0, _LEVEL_ORDER.get(s.level, 9), (), s.id)
    first = tuple(int(p) for p in s.focus[0].split(".")) if s.focus else (99,)
    return (1, 0, first, s.id)


# --------------------------------------------------------------------------------------------------
# validating many files


def validate_paths(paths: Iterable[str | os.PathLike]) -> list[FormatError]:
    """Every problem in these files, for ``coachkit validate``; an empty list means all is well.

    Each path is a session folder, a ``session.yaml``, a folder of session folders, or a marker framework
    file (``format: coachkit-framework/1``). Checking goes on after a problem, file by file. With no paths
    at all, the whole library is checked (the sample library and ``COACHKIT_LIBRARY``, ids found twice too).
    """
    paths = list(paths)
    problems: list[FormatError] = []
    if not paths:
        try:
            roots = library_roots()
            _index()
        except CoachkitError as exc:
            return [FormatError("COACHKIT_LIBRARY", None, str(exc))]
        paths = [root for _, root in roots]
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            if (path / SESSION_FILE).is_file():
                problems += _read(path)[1]
                continue
            folders = _session_folders(path)
            for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
                if sub not in folders and (any(sub.glob("*.vtt")) or any(sub.glob("*.yaml"))):
                    problems.append(FormatError(sub, None, f"a session folder needs a {SESSION_FILE}"))
            if not folders and (any(path.glob("*.vtt")) or any(path.glob("*.yaml"))):
                problems.append(FormatError(path, None, f"a session folder needs a {SESSION_FILE}"))
            elif not folders and not problems:
                problems.append(FormatError(path, None, f"no session folders here (a session folder holds {SESSION_FILE})"))
            for folder in folders:
                problems += _read(folder)[1]
        elif path.is_file():
            problems += _validate_file(path)
        else:
            problems.append(FormatError(path, None, "no such file or folder"))
    return problems


def _validate_file(path: Path) -> list[FormatError]:
    if path.suffix.lower() not in (".yaml", ".yml"):
        return [FormatError(path, None, "expected a session folder, a session.yaml or a framework .yaml file")]
    try:
        data = load_yaml(path)
    except FormatError as exc:
        return [exc]
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == _FRAMEWORK_FORMAT:
        from .framework import framework

        try:
            framework(path)
        except FormatError as exc:
            return [exc]
        return []
    if fmt == FORMAT or path.name == SESSION_FILE:
        if path.name != SESSION_FILE:
            return [FormatError(path, None, f"a session file must be called {SESSION_FILE}, in its session folder")]
        return _read(path.parent)[1]
    return [
        FormatError(
            path, line_of(data, "format") if isinstance(data, dict) else None,
            f"unknown format {fmt!r}: expected {FORMAT} or {_FRAMEWORK_FORMAT}",
        )
    ]


# --------------------------------------------------------------------------------------------------
# writing


def _cues(utterances: tuple[Utterance, ...]) -> tuple[list[tuple[float, float, str, str]], dict[str, str]]:
    """One cue per turn (consecutive turns of one speaker joined, as the reader would join them), and
    the map from the old ids to the new ones, u1..un."""
    groups: list[list[Utterance]] = []
    for u in utterances:
        if groups and groups[-1][-1].name == u.name:
            groups[-1].append(u)
        else:
            groups.append([u])
    cues = []
    mapping: dict[str, str] = {}
    for n, group in enumerate(groups, 1):
        first = group[0]
        name = first.name.strip()
        if not name or ":" in name or "\n" in name:
            raise CoachkitError(f"{first.id}: the speaker's name {first.name!r} cannot be written (empty, or has ':')")
        if any(u.start is None for u in group):
            raise CoachkitError(
                f"{first.id} has no time: a library session needs a timed transcript (.vtt or .srt, or Otter with times)"
            )
        text = " ".join(" ".join(u.text.split()) for u in group)
        if "-->" in text:
            raise CoachkitError(f"{first.id}: the text holds '-->', which a .vtt file cannot hold")
        if not text:
            raise CoachkitError(f"{first.id} has no text")
        start = group[0].start
        ends = [u.end for u in group if u.end is not None]
        end = max(ends) if ends else None
        if end is None or end <= start:
            nxt = utterances[utterances.index(group[-1]) + 1].start if group[-1] is not utterances[-1] else None
            end = nxt if nxt is not None and nxt > start else start + max(0.8, len(text.split()) * 0.4)
        for u in group:
            mapping[u.id] = f"u{n}"
        cues.append((start, end, name, text))
    return cues, mapping


def _vtt(cues) -> str:
    out = ["WEBVTT", ""]
    for n, (a, b, name, text) in enumerate(cues, 1):
        out += [str(n), f"{vtt_timestamp(a)} --> {vtt_timestamp(b)}", f"{name}: {text}", ""]
    return "\n".join(out)


def _remap(ids: tuple[str, ...], mapping: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        new = mapping.get(i, i)
        if new not in out:
            out.append(new)
    return out


def _infer_name(session: Session, role: str) -> str:
    counts: dict[str, int] = {}
    for u in session.utterances:
        if u.speaker == role:
            counts[u.name] = counts.get(u.name, 0) + len(u.text.split())
    if not counts:
        raise CoachkitError(f"cannot tell who the {role} is: pass {role}=NAME")
    return max(counts, key=counts.get)


def _same_talk(a: tuple[Utterance, ...], b: tuple[Utterance, ...]) -> bool:
    def plain(us):
        return [(u.id, u.name, u.text, None if u.start is None else round(u.start, 3), None if u.end is None else round(u.end, 3)) for u in us]

    return plain(a) == plain(b)


def write_session(
    session: Session,
    folder: str | os.PathLike,
    *,
    coach: str | None = None,
    client: str | None = None,
    consent: str,
    scenario: str | None = None,
    pair: str | None = None,
    overwrite: bool = False,
) -> Session:
    """Write ``session`` as a session folder (``transcript.vtt`` and ``session.yaml``) and return it as loaded.

    The folder's name becomes the session id. ``coach`` and ``client`` are speaker names (by default the
    speakers the session marks as coach and client); ``consent`` is one of :data:`CONSENTS`.

    The rule for utterance ids: when the folder already holds the same transcript (the key editor saving a
    corrected key), the transcript is left as it is and every id stays. Otherwise a new transcript is
    written with one cue per turn, numbered 1..n, so the turns become u1..un in order; the key's evidence
    and opportunities are renumbered with them, so they still point at the same words. (Consecutive turns
    of one speaker become one turn, as the reader would make them.) The written session is checked
    before anything is replaced: a problem is raised and the folder is left as it was. An existing
    session is replaced only with ``overwrite=True``.
    """
    folder = Path(folder).expanduser()
    sid = folder.name
    if not _ID.match(sid):
        raise CoachkitError(f"a session folder's name is its id: lower case letters, digits and hyphens, not {sid!r}")
    if consent not in CONSENTS:
        raise CoachkitError(f"unknown consent {consent!r}: choose one of {', '.join(CONSENTS)}")
    if session.kind not in KINDS:
        raise CoachkitError(f"unknown kind {session.kind!r}: choose one of {', '.join(KINDS)}")
    if (folder / SESSION_FILE).exists() and not overwrite:
        raise CoachkitError(f"{folder} already holds a session: pass overwrite=True to replace it")
    coach = coach or _infer_name(session, "coach")
    client = client or _infer_name(session, "client")

    keep_transcript = False
    if (folder / "transcript.vtt").is_file():
        existing, _ = _read_transcript(_Problems(), folder / "transcript.vtt", coach, client)
        keep_transcript = existing is not None and _same_talk(existing, session.utterances)
    mapping: dict[str, str] = {}
    vtt_text = None
    if not keep_transcript:
        cues, mapping = _cues(session.utterances)
        vtt_text = _vtt(cues)

    data: dict[str, Any] = {
        "format": FORMAT,
        "id": sid,
        "title": session.title,
        "kind": session.kind,
        "level": session.level,
        "topic": session.topic,
        "focus": list(session.focus),
        "description": session.description,
        "transcript": "transcript.vtt",
        "coach": coach,
        "client": client,
        "consent": consent,
    }
    for name, value in (("scenario", scenario or session.meta.get("scenario")), ("pair", pair or session.meta.get("pair"))):
        if value:
            data[name] = value
    if session.key is not None:
        k = session.key
        decisions = {}
        for marker_id, d in k.decisions.items():
            entry: dict[str, Any] = {"evidenced": d.evidenced}
            if d.evidence:
                entry["evidence"] = _remap(d.evidence, mapping)
            if d.opportunity:
                entry["opportunity"] = _remap(d.opportunity, mapping)
            entry["note"] = d.note
            decisions[marker_id] = entry
        data["key"] = {"version": k.version, "assessor": k.assessor, "level": k.level, "summary": k.summary,
                       "decisions": decisions}
    yaml_text = f"# {FORMAT}: see docs/session-format.md\n" + dump_yaml(data)

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sid}-", dir=folder.parent))
    try:
        (staging / SESSION_FILE).write_text(yaml_text, encoding="utf-8")
        if keep_transcript:
            shutil.copy2(folder / "transcript.vtt", staging / "transcript.vtt")
        else:
            (staging / "transcript.vtt").write_text(vtt_text, encoding="utf-8")
        written, problems = _read(staging, expect_id=sid)
        if problems:
            first = problems[0]
            where = Path(first.path).name
            raise CoachkitError(f"not written: the session would not load ({where}:{first.line}: {first.reason})")
        folder.mkdir(exist_ok=True)
        if not keep_transcript:
            os.replace(staging / "transcript.vtt", folder / "transcript.vtt")
        os.replace(staging / SESSION_FILE, folder / SESSION_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _load(folder)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "session"


def import_transcript(
    file: str | os.PathLike,
    *,
    coach: str,
    out: str | os.PathLike,
    redact: bool = False,
    consent: str = "client-agreed",
) -> Path:
    """Turn a user's transcript into a session folder in the library folder ``out``, ready for an answer key.

    The folder is named from the file's name (``Team call.vtt`` -> ``team-call``); the turns are numbered
    u1..un (see :func:`write_session`). With ``redact`` the speakers' names are replaced first. Returns the
    new session folder.
    """
    from .transcripts import load_transcript

    file = Path(file)
    session = load_transcript(file, coach=coach)
    if redact:
        from .redaction import redact as _redact

        session = _redact(session)
    # a redacted session's id and title are redacted too ("Maya call.vtt" must not name Maya)
    title = re.sub(r"[_\s]+", " ", Path(session.title).stem).strip() or "My session"
    session = replace(session, title=title, kind="full", level=None, focus=(), key=None,
                      topic=session.topic or "", description=session.description or "")
    folder = Path(out).expanduser() / _slug(session.id)
    write_session(session, folder, consent=consent)
    return folder

"""What a session is, without reading its talk or its key: the cheap listing behind every lesson's list.

:func:`read_header` reads only the top-level fields of a ``session.yaml`` (the ``key:`` block is skipped
before parsing) into a :class:`SessionInfo`: id, title, kind, level, focus, topic, description, scenario
and, for a WebVTT transcript, its length in minutes from the timing lines alone. The file is read through
the same bounded reader and the same YAML loader as the full reader (anchors and aliases refused), and a
header is read again only when ``session.yaml`` or the transcript changes. A full
:class:`~coachkit.model.Session` (talk, key, every check) is loaded only when a learner opens one:
:func:`coachkit.library.load_session`.

>>> import tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name) / "maya-demo"
>>> folder.mkdir()
>>> _ = (folder / "session.yaml").write_text(
...     "format: coachkit-session/1\\nid: maya-demo\\ntitle: Maya's demo\\nkind: full\\ntopic: career\\n"
...     "coach: Sam\\nclient: Maya\\nconsent: fictional\\nkey:\\n  version: 1\\n")
>>> _ = (folder / "transcript.vtt").write_text(
...     "WEBVTT\\n\\n1\\n00:00:01.000 --> 00:00:04.000\\nSam: Hello.\\n\\n2\\n00:02:00.000 --> 00:02:07.000\\nMaya: Hi.\\n")
>>> info = read_header(folder, "sample library")
>>> info.id, info.title, info.kind, info.minutes
('maya-demo', "Maya's demo", 'full', 2.1)
>>> tmp.cleanup()
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ._cues import seconds
from ._files import DATA_FILE_LIMIT, TRANSCRIPT_LIMIT, read_bounded
from ._vtt import VTT_TIMING
from ._yamlio import line_of, load_yaml, short
from .errors import FormatError
from .model import KINDS, LEVELS

__all__ = ["SessionInfo", "read_header", "neutral_order", "is_check", "reserved_ids"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("format", "id", "title", "kind", "topic")
_SKIPPED = ("key",)  # top-level blocks not read for a listing


@dataclass(frozen=True)
class SessionInfo:
    """One line of the library's list: what a session is, read from the top of its ``session.yaml`` only.

    ``minutes`` is the WebVTT transcript's length (first start to last end) read from its timing lines, or
    None when it is not cheaply known (a ``.txt`` transcript: load the session for it). ``meta`` holds
    scenario, pair, use and form when given; ``library`` is the library's label; ``folder`` the session folder.
    """

    id: str
    title: str
    kind: str
    level: str | None
    focus: tuple[str, ...]
    topic: str
    description: str
    minutes: float | None
    scenario: str | None
    library: str
    folder: Path
    meta: dict

    def __hash__(self) -> int:
        return hash((self.id, self.folder))


def neutral_order(s):
    """The library's neutral order for a Session or a SessionInfo: full sessions by title (never by level,
    which would give it away), then excerpts in the order of their first focus marker, then by title."""
    if s.kind == "full":
        return (0, (), s.title.casefold(), s.id)
    first = tuple(int(p) for p in s.focus[0].split(".")) if s.focus else (99,)
    return (1, first, s.title.casefold(), s.id)


def is_check(s) -> bool:
    """Whether a Session or a SessionInfo is a reserved calibration-check session (``use: check``)."""
    return s.meta.get("use") == "check"


def reserved_ids(infos) -> set[str]:
    """The ids among ``infos`` (e.g. ``library.catalogue(include_check=True)``) reserved for the check."""
    return {s.id for s in infos if is_check(s)}


def _top_level(text: str) -> str:
    """The text with every skipped top-level block blanked out (lines kept, so errors name the right line)."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line[:1] not in ("", " ", "\t", "#"):
            name = line.split(":", 1)[0].strip().strip("'\"")
            skipping = name in _SKIPPED
        out.append("" if skipping else line)
    return "\n".join(out)


def _minutes(path: Path) -> float | None:
    """A WebVTT transcript's length from its timing lines alone (None if it has none or is not WebVTT)."""
    if path.suffix.lower() != ".vtt" or not path.is_file():
        return None
    text = read_bounded(path, TRANSCRIPT_LIMIT, "transcript").decode("utf-8-sig", errors="replace")
    first = last = None
    for line in text.split("\n"):
        if "-->" not in line:
            continue
        m = VTT_TIMING.fullmatch(line.rstrip("\r"))
        if m is None:
            continue
        g = m.groups()
        start, end = seconds(*g[:4]), seconds(*g[4:8])
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    if first is None:
        return None
    return round((last - first) / 60, 1)


def _stamp(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


_CACHE: dict[Path, tuple[tuple, SessionInfo]] = {}


def read_header(folder: Path, library: str) -> SessionInfo:
    """The :class:`SessionInfo` of one session folder, from the top-level fields of its ``session.yaml``.

    A header that cannot be read (not YAML, an anchor, a missing or mistyped field, an id that is not
    the folder's name) is a FormatError naming the file and line. Cached until a file changes.
    """
    folder = Path(folder)
    path = folder / "session.yaml"
    yaml_stamp = _stamp(path)
    hit = _CACHE.get(folder)
    if hit is not None and hit[0][0] == yaml_stamp and hit[1].library == library:
        transcript = hit[0][1]
        if _stamp(folder / transcript[0]) == transcript[1]:
            return hit[1]
    raw = read_bounded(path, DATA_FILE_LIMIT, "session file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(path, raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    data = load_yaml(path, _top_level(text), what="session file")
    if not isinstance(data, dict):
        raise FormatError(path, None, "session.yaml must be a mapping of fields (format: coachkit-session/1, id: ...)")
    for name in _REQUIRED:
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise FormatError(path, line_of(data, name) or data.line, f"'{name}' is missing or is not text")
    sid, kind, level = data["id"], data["kind"], data.get("level")
    if not _ID.match(sid) or sid != folder.name:
        raise FormatError(path, line_of(data, "id"), f"the id {short(sid)} must equal the folder's name '{folder.name}'")
    if kind not in KINDS:
        raise FormatError(path, line_of(data, "kind"), f"unknown kind {short(kind)}: choose one of {', '.join(KINDS)}")
    if level is not None and level not in LEVELS:
        raise FormatError(path, line_of(data, "level"), f"unknown level {short(level)}")
    focus = data.get("focus") or []
    if not isinstance(focus, list) or not all(isinstance(f, str) for f in focus):
        raise FormatError(path, line_of(data, "focus"), "focus is a list of quoted marker ids: [\"6.6\"]")
    if not all(re.fullmatch(r"\d{1,2}\.\d{1,2}", f) for f in focus):
        raise FormatError(path, line_of(data, "focus"), f"focus holds something that is not a marker id: {short(focus)}")
    name = data.get("transcript", "transcript.vtt")
    if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
        raise FormatError(path, line_of(data, "transcript"), f"the transcript {short(name)} must be a file name in the session folder")
    meta = {f: data[f].strip() for f in ("scenario", "pair", "use", "form") if isinstance(data.get(f), str) and data[f].strip()}
    description = data.get("description") or ""
    info = SessionInfo(
        id=sid, title=data["title"].strip(), kind=kind, level=level, focus=tuple(focus), topic=data["topic"].strip(),
        description=" ".join(description.split()) if isinstance(description, str) else "",
        minutes=_minutes(folder / name), scenario=meta.get("scenario"), library=library, folder=folder, meta=meta,
    )
    _CACHE[folder] = ((yaml_stamp, (name, _stamp(folder / name))), info)
    return info

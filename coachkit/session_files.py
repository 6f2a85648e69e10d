"""One session folder: read it, check it, write it (format ``coachkit-session/1``, ``docs/session-format.md``).

A session folder is named by the session's id and holds ``session.yaml`` (what the session is, and the
assessor's answer key) and the transcript it names (``transcript.vtt``, or ``transcript.txt`` for a
session with start times only or none). The transcript is read once, by the same reader as a user's own
file (:func:`coachkit.transcripts.load_transcript`): there is one transcript grammar in the kit. Older
versions of a key live in ``versions/<n>/`` inside the folder, each a whole session folder of its own.

- :func:`read_folder` reads and checks one folder and returns the session and every problem found;
- :func:`validate_file` checks one ``.yaml`` file (a session.yaml or a marker framework file);
- :func:`write_session` writes a folder (``coachkit import`` and the key editor), keeping every cue;
- :func:`import_transcript` turns a user's transcript into a session folder.

Finding sessions, the index and listing live in :mod:`coachkit.library`.

>>> import tempfile
>>> from coachkit.model import Session, Utterance
>>> talk = (Utterance("u1", "coach", "Sam", 1.0, 4.0, "What would you like to leave with today?"),
...         Utterance("u2", "client", "Maya", 5.0, 9.0, "Clarity about the promotion."))
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name) / "maya-demo"
>>> s = write_session(Session("x", "Maya's demo", "full", None, (), "career", talk), folder, consent="fictional")
>>> read_folder(folder)[0].utterance("u2").text
'Clarity about the promotion.'
>>> tmp.cleanup()
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ._files import TRANSCRIPT_LIMIT, read_bounded
from ._session_key import Problems, bad_marker, fields, marker_ids, read_key
from ._session_write import transcript_file
from ._yamlio import dump_yaml, line_of, load_yaml, short
from .errors import CoachkitError, FormatError
from .framework import framework
from .model import KINDS, LEVELS, Session, slug
from .redaction import redact as _redact
from .transcripts import load_transcript

__all__ = [
    "FORMAT",
    "CONSENTS",
    "USES",
    "SESSION_FILE",
    "VERSIONS_FOLDER",
    "FRAMEWORK_FORMAT",
    "read_folder",
    "validate_file",
    "read_aliases",
    "ALIASES_FORMAT",
    "write_session",
    "import_transcript",
]

#: The format string every ``session.yaml`` starts with.
FORMAT = "coachkit-session/1"
#: How a session may be used: written for the kit, or a real recording used with the client's written consent.
CONSENTS: tuple[str, ...] = ("fictional", "client-agreed")
#: What a session is for: practice (the default), or a reserved calibration-check session (``use: check``).
USES: tuple[str, ...] = ("practice", "check")
#: The file that makes a folder a session folder.
SESSION_FILE = "session.yaml"
#: The folder inside a session folder that keeps older key versions, ``versions/<n>/``.
VERSIONS_FOLDER = "versions"
#: The format string of a library folder's ``aliases.yaml`` (old session id -> current id).
ALIASES_FORMAT = "coachkit-aliases/1"
#: The format string of a marker framework file.
FRAMEWORK_FORMAT = "coachkit-framework/1"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")

_TOP_REQUIRED: dict[str, Any] = {
    "format": str, "id": str, "title": str, "kind": str, "topic": str, "coach": str, "client": str, "consent": str,
}
_TOP_OPTIONAL: dict[str, Any] = {
    "level": str, "focus": list, "description": str, "transcript": str, "scenario": str, "pair": str, "key": dict,
    "timing_shows_overlaps": bool, "use": str, "form": str,
}


# --------------------------------------------------------------------------------------------------
# reading


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links followed) is inside ``folder`` (links followed): a link out is never read."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _read_transcript(problems: Problems, path: Path, folder: Path, coach: str | None, client: str | None):
    """The transcript as a Session (turns with roles from session.yaml's names), or None after a problem."""
    if path.is_symlink() and not _inside(path, folder):
        problems.add(path, None, "the transcript is a link to a file outside the session folder: the kit does not follow it")
        return None
    try:
        # roles come from the names in session.yaml, exactly (checked by the caller), not from the reader's guess
        transcript = _load_named(path, coach)
    except FormatError as exc:
        problems.items.append(exc)
        return None
    except CoachkitError as exc:
        problems.add(path, None, str(exc).removeprefix(f"{path}: "))
        return None
    _zero_length_cues(problems, path, transcript)
    roles = {coach: "coach", client: "client"}
    return replace(transcript, utterances=tuple(replace(u, speaker=roles.get(u.name, "other")) for u in transcript.utterances))


def _load_named(path: Path, coach: str | None) -> Session:
    """The transcript read as it stands; when the reader will not guess the coach (no line asks a question),
    read again told session.yaml's coach. A coach who does not speak is left to the caller's own check, which
    names session.yaml's line."""
    try:
        return load_transcript(path)
    except FormatError:
        raise
    except CoachkitError:
        if not (isinstance(coach, str) and coach.strip()):
            raise
        return load_transcript(path, coach=coach)


def _zero_length_cues(problems: Problems, path: Path, transcript: Session) -> None:
    """A cue of no length (the reader refuses one that ends before it starts). The line is found by counting
    the file's timing lines, which the reader has already checked; no time is parsed here."""
    bad = [(k, c) for k, c in enumerate(transcript.cues) if c.start is not None and c.end is not None and c.end <= c.start]
    if not bad:
        return
    try:
        text = read_bounded(path, TRANSCRIPT_LIMIT, "transcript").decode("utf-8-sig", errors="replace")
    except FormatError:
        text = ""
    arrows = [number for number, line in enumerate(text.splitlines(), 1) if "-->" in line]
    for k, c in bad:
        line = arrows[k] if len(arrows) == len(transcript.cues) else None
        problems.add(path, line, f"cue {c.n} (u{c.n}) ends at {c.end:g} s, not after it starts ({c.start:g} s)")


def _order(problem: FormatError):
    return (str(problem.path), problem.line or 0)


def read_folder(
    folder: str | os.PathLike, expect_id: str | None = None, *, sample: bool = False
) -> tuple[Session | None, list[FormatError]]:
    """Read and check one session folder: the session (None if it has problems) and every problem, in
    file and line order.

    ``expect_id`` is the id the folder must carry (default: the folder's name; a kept older version in
    ``versions/<n>/`` carries its session's id). With ``sample`` (a session of the shipped sample library)
    a full session's key must also call all six competencies.
    """
    folder = Path(folder)
    path = folder / SESSION_FILE
    problems = Problems()
    if path.is_symlink() and not _inside(path, folder):
        return None, [FormatError(path, None, "session.yaml is a link to a file outside the session folder: the kit does not follow it")]
    try:
        data = load_yaml(path, what="session file")
    except FormatError as exc:
        return None, [exc]
    # "level:" may be left empty while there is no answer key (a freshly imported session)
    good = fields(problems, path, data, _TOP_REQUIRED, _TOP_OPTIONAL, "session.yaml", nullable=("level",))
    if not isinstance(data, dict):
        return None, problems.items

    def get(name):
        return data.get(name) if name in good else None

    def at(name):
        return line_of(data, name)

    if get("format") is not None and data["format"] != FORMAT:
        problems.add(path, at("format"), f"unknown format {short(data['format'])}; expected {FORMAT}")
    sid = get("id")
    if sid is not None:
        wanted = expect_id or folder.name
        if not _ID.match(sid):
            problems.add(path, at("id"), f"the id {short(sid)} must be lower case letters, digits and hyphens (e.g. maya-promotion)")
        elif sid != wanted:
            problems.add(path, at("id"), f"the id '{short(sid)[1:-1]}' differs from the folder's name '{wanted}': they must be the same")
    for name in ("title", "coach", "client"):
        if get(name) is not None and not data[name].strip():
            problems.add(path, at(name), f"'{name}' is empty")
    kind = get("kind")
    if kind is not None and kind not in KINDS:
        problems.add(path, at("kind"), f"unknown kind '{short(kind)[1:-1]}': choose one of {', '.join(KINDS)}")
        kind = None
    level = get("level")
    if level is not None and level not in LEVELS:
        problems.add(path, at("level"), f"unknown level '{short(level)[1:-1]}': choose one of {', '.join(LEVELS)}")
        level = None
    if "level" in good and data.get("level") is None and get("key") is not None:
        problems.add(path, at("level"), "a session with an answer key needs its level: ACC, PCC, MCC or below")
    consent = get("consent")
    if consent is not None and consent not in CONSENTS:
        problems.add(
            path, at("consent"),
            f"unknown consent '{short(consent)[1:-1]}': choose fictional (written for the kit) or client-agreed "
            "(a real recording used with the client's written permission)",
        )
    use, form = get("use"), get("form")
    if use is not None and use not in USES:
        problems.add(path, at("use"), f"unknown use {short(use)}: choose practice or check (a reserved calibration-check session)")
    if form is not None and not _FORM.match(form):
        problems.add(path, at("form"), f"the form {short(form)} must be a letter or a short name (form: A)")
    if use == "check" and form is None and "form" not in data:
        problems.add(path, at("use"), "a check session names its form (form: A)")
    if form is not None and use != "check":
        problems.add(path, at("form"), "only a check session has a form: add use: check, or leave the form out")
    focus = _focus(problems, path, data, get)
    if kind == "excerpt" and not data.get("focus"):
        problems.add(path, at("focus") or data.line, "an excerpt needs at least one focus marker (focus: [\"6.6\"])")
    if kind == "full" and data.get("focus"):
        problems.add(path, at("focus"), "a full session has no focus markers (focus: [] or leave it out)")
    coach, client = get("coach"), get("client")
    if coach and client and coach == client:
        problems.add(path, at("client"), f"the coach and the client are both {short(coach)}")

    transcript = None
    name = data.get("transcript", "transcript.vtt") if "transcript" in good or "transcript" not in data else None
    if name is not None:
        file = folder / name
        if Path(name).name != name or name in ("", ".", ".."):
            problems.add(path, at("transcript"), f"the transcript {short(name)} must be a file name in the session folder")
        elif not file.is_file() and not file.is_symlink():
            problems.add(path, at("transcript") or data.line, f"the transcript file {short(name)} is not in {folder}")
        else:
            transcript = _read_transcript(problems, file, folder, coach, client)
    if transcript is not None:
        names = sorted({u.name for u in transcript.utterances})
        for role, who in (("coach", coach), ("client", client)):
            if who and who not in names:
                shown = ", ".join(short(n, 40) for n in names[:12]) or "none"
                problems.add(path, at(role), f"the {role} {short(who)} does not speak in {name} (its speakers: {shown})")
        if not transcript.utterances:
            problems.add(folder / name, None, "the transcript has no cues")
    key = None
    if get("key") is not None:
        key = read_key(problems, path, data, kind, level, tuple(focus), transcript, sample=sample)
    if problems or transcript is None:
        return None, sorted(problems.items, key=_order)
    meta = {"coach": coach, "client": client, "consent": consent}
    for field in ("scenario", "pair", "use", "form"):
        if get(field):
            meta[field] = data[field].strip()
    if get("timing_shows_overlaps") is not None:
        meta["timing_shows_overlaps"] = "true" if data["timing_shows_overlaps"] else "false"
    session = Session(
        id=sid, title=data["title"].strip(), kind=kind, level=level, focus=tuple(focus), topic=data["topic"].strip(),
        utterances=transcript.utterances, key=key, source=str(folder / name),
        description=" ".join(data.get("description", "").split()), meta=meta, cues=transcript.cues,
    )
    return session, []


def _focus(problems: Problems, path: Path, data, get) -> list[str]:
    focus: list[str] = []
    if get("focus") is None:
        return focus
    valid = marker_ids()
    items = data["focus"]
    for i, item in enumerate(items):
        if not isinstance(item, str) or item not in valid:
            problems.add(path, line_of(items, i), bad_marker(item) + " in focus (quote ids: \"4.1\")")
        elif item in focus:
            problems.add(path, line_of(items, i), f"focus lists {item} twice")
        else:
            focus.append(item)
    return focus


def validate_file(path: str | os.PathLike, *, sample: bool = False) -> list[FormatError]:
    """Every problem in one ``.yaml`` file: a ``session.yaml`` (its folder is checked), a framework file or a
    library's ``aliases.yaml``."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return [FormatError(path, None, "expected a session folder, a session.yaml or a framework .yaml file")]
    try:
        data = load_yaml(path)
    except FormatError as exc:
        return [exc]
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == FRAMEWORK_FORMAT:
        try:
            framework(path)
        except FormatError as exc:
            return [exc]
        return []
    if fmt == ALIASES_FORMAT:
        try:
            read_aliases(path)
        except FormatError as exc:
            return [exc]
        return []
    if fmt == FORMAT or path.name == SESSION_FILE:
        if path.name != SESSION_FILE:
            return [FormatError(path, None, f"a session file must be called {SESSION_FILE}, in its session folder")]
        return read_folder(path.parent, sample=sample)[1]
    return [
        FormatError(
            path, line_of(data, "format") if isinstance(data, dict) else None,
            f"unknown format {short(fmt)}: expected {FORMAT}, {FRAMEWORK_FORMAT} or {ALIASES_FORMAT}",
        )
    ]


def read_aliases(path: str | os.PathLike) -> dict[str, str]:
    """Old session id -> current id from one ``aliases.yaml`` (format ``coachkit-aliases/1``), checked: ids
    that are ids, none pointing at itself or at another alias, no YAML anchors. A problem is a FormatError
    naming file and line."""
    path = Path(path)
    data = load_yaml(path, what="alias file")
    mapping = data.get("aliases") if isinstance(data, dict) else None
    if isinstance(data, dict) and data.get("format") not in (None, ALIASES_FORMAT):
        raise FormatError(path, line_of(data, "format"), f"unknown format {short(data.get('format'))}: expected {ALIASES_FORMAT}")
    if not isinstance(mapping, dict):
        raise FormatError(path, line_of(data), "an alias file maps old ids to new ones under 'aliases:'")
    out: dict[str, str] = {}
    for old, new in mapping.items():
        line = line_of(mapping, old)
        if not (isinstance(old, str) and _ID.match(old) and isinstance(new, str) and _ID.match(new)):
            raise FormatError(path, line, f"an alias maps one session id to another (old-id: new-id), not {short(old, 30)}: {short(new, 30)}")
        if old == new:
            raise FormatError(path, line, f"the alias {old} points at itself")
        out[old] = new
    for old, new in out.items():
        if new in out:
            raise FormatError(path, line_of(mapping, old), f"the alias {old} -> {new} points at another alias: name the current id")
    return out


# --------------------------------------------------------------------------------------------------
# writing


def _infer_name(session: Session, role: str) -> str:
    counts: dict[str, int] = {}
    for u in session.utterances:
        if u.speaker == role:
            counts[u.name] = counts.get(u.name, 0) + len(u.text.split())
    if not counts:
        raise CoachkitError(f"cannot tell who the {role} is: pass {role}=NAME")
    return max(counts, key=counts.get)


def _same_talk(a: Session, b: Session) -> bool:
    def plain(s):
        return [(u.id, u.name, u.text, None if u.start is None else round(u.start, 3), None if u.end is None else round(u.end, 3))
                for u in s.utterances]

    return plain(a) == plain(b)


def _remap(ids: tuple[str, ...], mapping: dict[str, str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        new = mapping.get(i, i)
        if new not in out:
            out.append(new)
    return out


def _key_data(session: Session, mapping: dict[str, str]) -> dict[str, Any]:
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
    out: dict[str, Any] = {"version": k.version, "assessor": k.assessor, "level": k.level, "summary": k.summary}
    if k.competencies:
        out["competencies"] = {
            n: {"level": c.level, "note": c.note, **({"evidence": _remap(c.evidence, mapping)} if c.evidence else {})}
            for n, c in sorted(k.competencies.items())
        }
    out["decisions"] = decisions
    return out


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
    """Write ``session`` as a session folder (its transcript and ``session.yaml``) and return it as loaded.

    The folder's name becomes the session id. ``coach`` and ``client`` are speaker names (by default the
    speakers the session marks as coach and client); ``consent`` is one of :data:`CONSENTS`.

    Every cue of the session is written (not one per turn), so pauses and overlaps inside a turn, and
    every conversation metric, are the same after writing. The transcript is WebVTT (``transcript.vtt``)
    when every cue has a start and an end, an Otter-style ``transcript.txt`` when cues have whole-second
    starts only, and plain ``Name: text`` lines when the session is untimed; no time is ever invented.
    A WebVTT file numbers its cues as the session does, so the turns keep their ids; in a ``.txt`` file
    the turns are numbered by position and the key's evidence is renumbered with them.

    When the folder already holds the same transcript (the key editor saving a corrected key), the
    transcript is left as it is. When a saved key of a lower version is replaced, it is kept, with its
    transcript, in ``versions/<n>/``. The written session is checked before anything is replaced: a
    problem is raised and the folder is left as it was. An existing session is replaced only with
    ``overwrite=True``.
    """
    folder = Path(folder).expanduser()
    sid = folder.name
    if not _ID.match(sid):
        raise CoachkitError(f"a session folder's name is its id: lower case letters, digits and hyphens, not {short(sid)}")
    if consent not in CONSENTS:
        raise CoachkitError(f"unknown consent {short(consent)}: choose one of {', '.join(CONSENTS)}")
    if session.kind not in KINDS:
        raise CoachkitError(f"unknown kind {short(session.kind)}: choose one of {', '.join(KINDS)}")
    if (folder / SESSION_FILE).exists() and not overwrite:
        raise CoachkitError(f"{folder} already holds a session: pass overwrite=True to replace it")
    coach = coach or _infer_name(session, "coach")
    client = client or _infer_name(session, "client")

    old, old_name = None, None
    if (folder / SESSION_FILE).is_file():
        old, _ = read_folder(folder)
        old_name = Path(old.source).name if old is not None else None
    keep_transcript = old is not None and _same_talk(old, session)
    mapping: dict[str, str] = {}
    if keep_transcript:
        name, text = old_name, None
    else:
        name, text, mapping = transcript_file(session)

    data: dict[str, Any] = {
        "format": FORMAT, "id": sid, "title": session.title, "kind": session.kind, "level": session.level,
        "topic": session.topic, "focus": list(session.focus), "description": session.description, "transcript": name,
        "coach": coach, "client": client, "consent": consent,
    }
    extra = {"scenario": scenario or session.meta.get("scenario"), "pair": pair or session.meta.get("pair")}
    for field in ("timing_shows_overlaps", "use", "form"):
        extra[field] = session.meta.get(field)
    for field, value in extra.items():
        if value:
            data[field] = (value == "true") if field == "timing_shows_overlaps" else value
    if session.key is not None:
        data["key"] = _key_data(session, mapping)
    yaml_text = f"# {FORMAT}: see docs/session-format.md\n" + dump_yaml(data)

    try:
        _write(folder, sid, name, text, yaml_text, keep_transcript, old, old_name, session)
    except OSError as exc:  # a full disk, a read-only folder: one plain line, nothing half-written
        raise CoachkitError(f"not written: {folder} could not be written ({exc.strerror or 'write failed'})") from None
    session, problems = read_folder(folder)
    if problems:
        raise problems[0]
    return session


def _write(folder: Path, sid: str, name: str, text: str | None, yaml_text: str, keep_transcript: bool, old, old_name, session) -> None:
    """Write into a hidden folder beside the target, check it, then move the files into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sid}-", dir=folder.parent))
    try:
        (staging / SESSION_FILE).write_text(yaml_text, encoding="utf-8")
        if keep_transcript:
            shutil.copy2(folder / name, staging / name)
        else:
            (staging / name).write_text(text, encoding="utf-8")
        _, problems = read_folder(staging, expect_id=sid)
        if problems:
            first = problems[0]
            raise CoachkitError(f"not written: the session would not load ({Path(first.path).name}:{first.line}: {first.reason})")
        folder.mkdir(exist_ok=True)
        if old is not None and old.key is not None and session.key is not None and old.key.version < session.key.version:
            _keep_version(folder, old_name, old.key.version)
        if not keep_transcript:
            os.replace(staging / name, folder / name)
        os.replace(staging / SESSION_FILE, folder / SESSION_FILE)
        if old_name and old_name != name and (folder / old_name).is_file():
            (folder / old_name).unlink()  # the transcript now lives in the other format
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep_version(folder: Path, transcript: str, version: int) -> None:
    """Copy the session as it is now into ``versions/<version>/`` (a whole session folder of its own)."""
    target = folder / VERSIONS_FOLDER / str(version)
    if target.exists():
        return
    target.mkdir(parents=True)
    shutil.copy2(folder / SESSION_FILE, target / SESSION_FILE)
    shutil.copy2(folder / transcript, target / transcript)


def import_transcript(
    file: str | os.PathLike,
    *,
    coach: str,
    out: str | os.PathLike,
    redact: bool = False,
    consent: str = "client-agreed",
) -> Path:
    """Turn a user's transcript into a session folder in the library folder ``out``, ready for an answer key.

    The folder is named from the file's name (``Team call.vtt`` -> ``team-call``); every cue is kept
    (see :func:`write_session`), timed or not. With ``redact`` the speakers' names are replaced first.
    Returns the new session folder.
    """
    file = Path(file)
    session = load_transcript(file, coach=coach)
    if redact:
        session = _redact(session)
    # a redacted session's id and title are redacted too ("Maya call.vtt" must not name Maya)
    title = re.sub(r"[_\s]+", " ", Path(session.title).stem).strip() or "My session"
    session = replace(session, title=title, kind="full", level=None, focus=(), key=None,
                      topic=session.topic or "", description=session.description or "")
    folder = Path(out).expanduser() / slug(session.id)
    write_session(session, folder, consent=consent)
    return folder

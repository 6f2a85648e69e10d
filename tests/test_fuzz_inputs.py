"""Property-based fuzzing of the files the kit reads besides transcripts: session folders (session.yaml with
its answer key, and the transcript beside it) and participants' export files.

Each test starts from a valid file the kit ships and mutates it: random byte flips, truncation, noise,
YAML/JSON structure mutations (keys dropped or renamed, values of the wrong type, bad marker and
utterance ids, deep nesting). Whatever happens to a file, reading it gives a sound result or a
CoachkitError that names the file; nothing else escapes, nothing hangs, and a failing import leaves
the ratings store exactly as it was. Runs are derandomized, so CI sees the same cases every time.
(The transcript formats are fuzzed in test_transcripts_fuzz.py.)
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coachkit.errors import CoachkitError, FormatError
from coachkit.group import load_exports
from coachkit.library import load_session, validate_paths
from coachkit.model import RatingSheet
from coachkit.store import RatingStore

ROOT = Path(__file__).resolve().parents[1]
SESSION = ROOT / "data" / "sample_sessions" / "growth-resources-barriers"  # a small excerpt with a key
EXPORT = ROOT / "data" / "sample_exports" / "ben-ratings (1).json"  # two sheets; hiro-ratings.json is broken on purpose
EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "1000"))
LIMIT_S = 10  # one case taking longer than this counts as a hang

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NOISE = [b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\r", b"\n", b"\n\n", b"\t", b": ", b"- ", b"{", b"}", b"[",
         b"]", b",", b'"', b"'", b"&a ", b"*a", b"!!python/object/apply:os.system ['true']", b"? ", b"|",
         b"-->", b"00:00:0", b"u9999", b"9.9", b"<script>", b"NaN", b"1e999", b"null", b"true", b"\xe2\x80\xa8"]
WRONG = [None, True, False, 0, -1, 2**70, 3.5, "", " ", "x", "\x00", "U1", "u0", "u01", "u9999", "9.9", "4.10",
         "10.1", "PCC", "MCC", "excerpt", "full", "Owen", "Mireille", "coachkit-session/2", "coachkit-ratings/2",
         "Bad Id", "../escape", "transcript.srt", [], ["u1"], ["9.9"], [None], {}, {"a": 1}, {"u1": "u1"},
         [[[[[]]]]], "2026-13-45T99:99:99"]
KEYS = ["id", "format", "key", "decisions", "evidence", "opportunity", "note", "level", "focus", "9.9", "4.1", "8.6",
        "u1", "marks", "sheets", "rater_id", "evidenced", "unknown", "", "3.1"]
_folders = itertools.count()


def _note(what: str) -> None:
    """Count outcomes for ``pytest --hypothesis-show-statistics`` (only inside a Hypothesis test)."""
    with contextlib.suppress(Exception):
        event(what)


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail, rather than hang the run, when a case takes longer than ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"reading one mutated file took over {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@st.composite
def byte_mutations(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "delete", "insert", "duplicate", "swap"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        elif kind == "truncate":
            data = data[:i]
        elif kind == "delete":
            data = data[:i] + data[i + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            data = data[:i] + draw(st.one_of(st.sampled_from(NOISE), st.binary(max_size=8))) + data[i:]
        elif data:
            lines = data.split(b"\n")
            j, k = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate":
                lines.insert(j, lines[k])
            else:
                lines[j], lines[k] = lines[k], lines[j]
            data = b"\n".join(lines)
    return data


def _containers(tree) -> list:
    """Every dict and list in ``tree``, the root first (iteratively: a tree may be nested deeply)."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        values = node.values() if isinstance(node, dict) else node
        todo.extend(v for v in values if isinstance(v, dict | list))
    return out


def _value(draw, strategy):
    """A drawn value, copied: the pools hold lists and dicts that must never be shared or mutated."""
    return copy.deepcopy(draw(strategy))


@st.composite
def tree_mutations(draw, tree):
    """Structure mutations of parsed YAML/JSON: drop, rename, retype, add, duplicate, nest deeply."""
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 3))):
        node = draw(st.sampled_from(_containers(tree)))
        kind = draw(st.sampled_from(["drop", "rename", "retype", "add", "duplicate", "deep"]))
        if isinstance(node, dict):
            keys = list(node)
            if not keys:
                node[draw(st.sampled_from(KEYS))] = _value(draw, st.sampled_from(WRONG))
                continue
            key = draw(st.sampled_from(keys))
            if kind == "drop":
                del node[key]
            elif kind == "rename":
                node[draw(st.sampled_from(KEYS))] = node.pop(key)
            elif kind == "retype":
                node[key] = _value(draw, st.one_of(st.sampled_from(WRONG), st.text(max_size=6), st.integers()))
            elif kind == "add":
                node[draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=4)))] = _value(draw, st.sampled_from(WRONG))
            elif kind == "duplicate":
                node[draw(st.sampled_from(KEYS))] = copy.deepcopy(node[key])
            else:
                node[key] = _deep(draw(st.integers(10, 80)))
        elif isinstance(node, list):
            if not node or kind == "add":
                node.append(_value(draw, st.sampled_from(WRONG)))
                continue
            i = draw(st.integers(0, len(node) - 1))
            if kind == "drop":
                del node[i]
            elif kind == "duplicate":
                node.append(copy.deepcopy(node[i]))
            elif kind == "deep":
                node[i] = _deep(draw(st.integers(10, 80)))
            else:
                node[i] = _value(draw, st.one_of(st.sampled_from(WRONG), st.text(max_size=6)))
    return tree


def _deep(depth: int):
    out: list = []
    for _ in range(depth):
        out = [out]
    return out


# ------------------------------------------------------------------------------------- session folders


def _session_folder(tmp_path: Path, yaml_bytes: bytes | None = None, vtt_bytes: bytes | None = None) -> Path:
    """A fresh copy of the sample session (a new folder each case, so no cached reading is reused)."""
    folder = tmp_path / f"case{next(_folders)}" / SESSION.name
    shutil.copytree(SESSION, folder)
    if yaml_bytes is not None:
        (folder / "session.yaml").write_bytes(yaml_bytes)
    if vtt_bytes is not None:
        (folder / "transcript.vtt").write_bytes(vtt_bytes)
    return folder


def _yaml_text(tree) -> bytes:
    try:
        return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")
    except RecursionError:  # PyYAML cannot write a very deep tree; a flat wrong type stands in for it
        return b"format: coachkit-session/1\nid: [[[[[[]]]]]]\n"


@st.composite
def session_yaml(draw) -> bytes:
    original = (SESSION / "session.yaml").read_bytes()
    if draw(st.booleans()):
        _note("session.yaml: byte mutation")
        return draw(byte_mutations(original))
    _note("session.yaml: structure mutation")
    return _yaml_text(draw(tree_mutations(yaml.safe_load(original))))


def check_session_folder(folder: Path) -> None:
    with time_limit(LIMIT_S):
        problems = validate_paths([folder])
        try:
            session = load_session(folder)
        except CoachkitError as err:
            assert str(folder) in str(err), f"the message names the file: {err}"
            assert problems, "load_session refused a folder that validate_paths passed"
            _note("refused")
        else:
            assert not problems, f"validate_paths found problems load_session did not: {problems[0]}"
            assert session.id == SESSION.name and session.utterances
            _note("read")
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, FormatError)
        assert str(folder) in str(p.path)
        assert p.line is None or p.line >= 1


def test_the_shipped_session_reads_cleanly(tmp_path):
    check_session_folder(_session_folder(tmp_path))


def test_a_deeply_nested_session_yaml_is_a_format_error(tmp_path):
    deep = (SESSION / "session.yaml").read_bytes() + b"scenario: " + b"[" * 100_000 + b"\n"
    folder = _session_folder(tmp_path, yaml_bytes=deep)
    with pytest.raises(FormatError, match="session.yaml"):
        load_session(folder)
    check_session_folder(folder)


@FUZZ
@given(data=session_yaml())
def test_mutated_session_yaml_gives_a_session_or_a_coachkit_error(tmp_path, data):
    folder = _session_folder(tmp_path, yaml_bytes=data)
    try:
        check_session_folder(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


@FUZZ
@given(data=st.data())
def test_mutated_session_transcript_gives_a_session_or_a_coachkit_error(tmp_path, data):
    vtt = data.draw(byte_mutations((SESSION / "transcript.vtt").read_bytes()))
    folder = _session_folder(tmp_path, vtt_bytes=vtt)
    try:
        check_session_folder(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


# ---------------------------------------------------------------------------------------- export files


@st.composite
def export_file(draw) -> bytes:
    original = EXPORT.read_bytes()
    kind = draw(st.sampled_from(["bytes", "structure", "structure"]))
    if kind == "bytes":
        _note("export: byte mutation")
        return draw(byte_mutations(original))
    _note("export: structure mutation")
    return json.dumps(draw(tree_mutations(json.loads(original))), ensure_ascii=draw(st.booleans())).encode(
        "utf-8", "surrogatepass"
    )


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def filled_store(tmp_path):
    """A store holding two sheets of the learner's own (one of them the same id as in the export, older)."""
    db = tmp_path / "store" / "ratings.sqlite3"
    store = RatingStore(db)
    mine = RatingSheet(session_id="farah-credit-acc", rater="Ana", rater_id="rid-ana")
    mine.mark("4.1", True, evidence=["u3"], note="names her work")
    store.save(mine)
    theirs = RatingSheet.from_dict(json.loads(EXPORT.read_text(encoding="utf-8"))["sheets"][0])
    older = RatingSheet.from_dict({**theirs.to_dict(), "updated": "2000-01-01T00:00:00+00:00"})
    store.save(older)
    yield store, db
    store.close()


def test_the_shipped_export_imports_and_loads(filled_store, tmp_path):
    store, _ = filled_store
    summary = store.import_file(EXPORT)
    assert summary.added + summary.updated >= 1
    group = load_exports([EXPORT])
    assert group.sheets and not group.problems


def test_a_deeply_nested_export_is_refused_with_a_coachkit_error(filled_store, tmp_path):
    store, db = filled_store
    path = tmp_path / "deep.json"
    path.write_text('{"format": "coachkit-ratings/1", "rater_id": "r", "sheets": ' + "[" * 100_000, encoding="utf-8")
    before = _dump(db)
    with pytest.raises(CoachkitError, match="deep.json"):
        store.import_file(path)
    assert _dump(db) == before
    assert load_exports([path]).problems


@FUZZ
@given(data=export_file())
def test_mutated_export_imports_whole_or_not_at_all(filled_store, tmp_path, data):
    store, db = filled_store
    path = tmp_path / "exports" / "participant.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    before = _dump(db)
    with time_limit(LIMIT_S):
        group = load_exports(path.parent)
        try:
            summary = store.import_file(path)
        except CoachkitError as err:
            assert str(path) in str(err), f"the message names the file: {err}"
            assert _dump(db) == before, "a failed import changed the store"
            assert len(group.problems) == 1 and group.problems[0].startswith("participant.json")
            assert not group.sheets
            _note("refused")
            return
    _note("imported")
    assert not group.problems, f"load_exports refused a file import_file took: {group.problems}"
    assert summary.added + summary.updated + summary.unchanged == len(json.loads(data.decode("utf-8-sig"))["sheets"])
    after = _dump(db)
    again = store.import_file(path)  # importing the same file again changes nothing
    assert (again.added, again.updated) == (0, 0)
    assert _dump(db) == after

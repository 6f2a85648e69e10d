"""YAML in and out, with the line of every key kept, so errors can name the file and line.

Plain (unquoted) numbers with a decimal point stay strings: marker ids such as ``3.1`` or ``8.10``
must never turn into floats. Anchors (``&name``) and aliases (``*name``) are refused before anything is
built: the kit's files never need them, and nested aliases can expand a 10 KB file into gigabytes.
Every file is read through :func:`coachkit._files.read_bounded`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ._files import DATA_FILE_LIMIT, read_bounded
from .errors import FormatError

__all__ = ["LineDict", "LineList", "load_yaml", "line_of", "check_fields", "dump_yaml", "short"]


def short(value, limit: int = 60) -> str:
    """A value as text for an error message, cut to ``limit`` characters: a message never carries an
    unbounded value (a nested list is named by its size, never spelled out).

    >>> short("x" * 100, 10)
    "'xxxxxx..."
    >>> short(["3.1", 4]), short([[1], [2]]), short({"a": 1})
    ("['3.1', 4]", 'a list of 2 items', 'a mapping of 1 field')
    """
    if isinstance(value, dict):
        text = f"a mapping of {len(value)} field{'s' if len(value) != 1 else ''}"
    elif isinstance(value, (list, tuple)):
        scalars = all(isinstance(v, (str, int, float, bool)) or v is None for v in value)
        if scalars and len(value) <= 5:
            text = "[" + ", ".join(short(v, limit) for v in value) + "]"
        else:
            text = f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    elif isinstance(value, str):
        text = repr(value[: limit + 2])
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        text = "a number of many digits"
    else:
        try:
            text = repr(value)
        except Exception:  # noqa: BLE001 - a value that cannot be shown is named by its type
            text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


class LineDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}


class LineList(list):
    """A sequence that remembers its line and the line of each item."""

    line: int | None = None

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []


# libyaml (PyYAML's C parser) when present: about 30 times faster than the pure-Python parser, with the
# same line marks; reading every session of the library at a lesson's start must stay cheap.
_LIBYAML = getattr(yaml, "CSafeLoader", None)


class _Loader(_LIBYAML or yaml.SafeLoader):
    pass


# drop the float resolver: "3.1" stays the string "3.1"
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:float"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise FormatError(loader.name, line, "a key must be plain text")
        if key in out:
            raise FormatError(loader.name, line, f"'{key[:60]}' appears twice")
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | Path, text: str | None = None, what: str = "data file", limit: int = DATA_FILE_LIMIT) -> Any:
    """Read a YAML file into LineDict/LineList; any problem is a FormatError naming file and line.

    The file is read through :func:`~coachkit._files.read_bounded` (at most ``limit`` bytes, a regular file).
    An anchor or alias is refused, naming its line, before any value is built.
    """
    path = Path(path)
    if text is None:
        raw = read_bounded(path, limit, what)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(path, _line_at(raw, exc.start), "not UTF-8 text") from None
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        # the reader checks every character before parsing starts: a control character lands here
        raise _reader_error(path, text, exc) from None
    except ValueError:  # libyaml encodes the text first: a lone surrogate cannot be
        raise FormatError(path, None, "not valid YAML: it holds a character that is not text (a lone surrogate)") from None
    loader.name = str(path)
    try:
        _refuse_anchors(path, loader)
        loader.dispose()
        loader = _Loader(text)
        loader.name = str(path)
        return loader.get_single_data()
    except FormatError:
        raise
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise FormatError(path, line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise FormatError(path, None, f"not valid YAML: {short(str(exc), 200)}") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise FormatError(path, None, f"not valid YAML: {short(str(exc), 200)}") from None
    finally:
        loader.dispose()


def _refuse_anchors(path: Path, loader: _Loader) -> None:
    """Walk the file's parse events once (no value is built) and refuse the first anchor or alias."""
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            raise FormatError(
                path, event.start_mark.line + 1,
                f"an alias (*{str(event.anchor)[:30]}) is not allowed in the kit's files: write the value out",
            )
        if getattr(event, "anchor", None) is not None:
            raise FormatError(
                path, event.start_mark.line + 1,
                f"an anchor (&{str(event.anchor)[:30]}) is not allowed in the kit's files: write the value out",
            )


def _reader_error(path: Path, text: str, exc: yaml.reader.ReaderError) -> FormatError:
    line = None
    if isinstance(exc.position, int):  # libyaml counts bytes of the UTF-8 text, the pure parser characters
        data = text.encode("utf-8", "surrogatepass") if _LIBYAML else text
        line = data.count(b"\n" if _LIBYAML else "\n", 0, exc.position) + 1
    char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
    return FormatError(path, line, f"not valid YAML: the character {char} is not allowed here ({exc.reason})")


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def line_of(container: Any, key: Any = None) -> int | None:
    """The line of ``container[key]`` (or of the container itself), if known."""
    if key is not None:
        lines = getattr(container, "lines", None)
        try:
            return lines[key] if lines is not None else None
        except (KeyError, IndexError, TypeError):
            pass
    return getattr(container, "line", None)


_TYPE_WORDS = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


def _type_word(t) -> str:
    if isinstance(t, tuple):
        return " or ".join(_type_word(x) for x in t)
    return _TYPE_WORDS.get(t, t.__name__)


def check_fields(
    path: str | Path,
    data: Any,
    required: dict[str, type | tuple],
    optional: dict[str, type | tuple] | None = None,
    what: str = "this entry",
) -> None:
    """Check that ``data`` is a mapping with exactly the allowed keys, each of the right type."""
    optional = optional or {}
    if not isinstance(data, dict):
        raise FormatError(path, line_of(data), f"{what} must be a mapping of fields")
    for key in data:
        if key not in required and key not in optional:
            allowed = ", ".join(sorted([*required, *optional]))
            raise FormatError(path, line_of(data, key), f"unknown field {short(key)} in {what} (allowed: {allowed})")
    for key in required:
        if key not in data:
            raise FormatError(path, line_of(data), f"{what} is missing the field '{key}'")
    for key, value in data.items():
        want = required.get(key, optional.get(key))
        wants = want if isinstance(want, tuple) else (want,)
        ok = isinstance(value, wants) and not (isinstance(value, bool) and bool not in wants)
        if not ok:
            raise FormatError(
                path, line_of(data, key), f"'{key}' in {what} must be {_type_word(want)}, not {_got(value)}"
            )


def _got(value) -> str:
    if value is None:
        return "nothing"
    for t in (bool, int, str, list, dict):
        if isinstance(value, t):
            return _TYPE_WORDS[t]
    return type(value).__name__


def dump_yaml(data: Any) -> str:
    """Write plain data as readable YAML (block style, keys in the order given, unicode kept)."""
    return yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _plain(x):
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x

"""The layers stay as docs/architecture.md draws them: imports point down, never up, never in a circle.

Every import of a sibling module counts, at the top of a file or inside a function; a module over 600 lines
is a module doing several jobs. A new module must be given its layer here (the test says so), so the map in
docs/architecture.md and the code cannot drift apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coachkit"

# bottom (0) to top; a module may import its own layer and the ones below, never one above
LAYERS: dict[str, int] = {}
_LAYER_LIST = [
    # 0 data types and plain helpers everything may use
    ("errors", "model", "_files", "settings"),
    # 1 the marker framework and the file readers (transcripts, session folders, the library)
    ("_yamlio", "framework", "transcripts", "_cues", "_vtt", "_srt", "_textformats", "_plain", "_docx", "_readers",
     "_speakers", "_questions", "session_files", "_session_key", "_session_write", "session_headers", "library", "redaction"),
    # 2 analysis and storage, side by side
    ("metrics", "agreement", "scoring", "frames", "calibration_core", "group", "check", "check_rule", "drill",
     "store", "_sqlite", "_pg", "_backend", "_rows", "exports", "sheet_sources"),
    # 3 rendering and reports
    ("render", "render_group", "report", "plots", "check_record"),
    # 4 what ties the core together for a front end: the controller, authoring, conveniences that load files
    ("controller", "check_controller", "authoring", "convenience"),
    # 5 the widgets (the only place ipywidgets is imported)
    ("widgets",),
    # 6 entry points
    ("cli", "__main__", "__init__"),
]
for _layer, _names in enumerate(_LAYER_LIST):
    for _name in _names:
        LAYERS[_name] = _layer


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" and len(rel.parts) > 1 else rel.parts
        out[".".join(parts)] = path
    return out


def _layer(module: str) -> int | None:
    return LAYERS.get(module.split(".")[0])


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    is_package = path.name == "__init__.py"
    base = module.split(".") if module != "__init__" else []
    if is_package and module != "__init__":
        base = base + ["__init__"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            head = base[: len(base) - node.level] if module != "__init__" else []
            target = ".".join(head + ([node.module] if node.module else []))
            candidates = [target] + [f"{target}.{a.name}" if target else a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coachkit"):
            target = node.module.removeprefix("coachkit").lstrip(".")
            candidates = [target] + [f"{target}.{a.name}" if target else a.name for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name.removeprefix("coachkit.") for a in node.names if a.name.startswith("coachkit.")]
        else:
            continue
        found.update(c for c in candidates if c in known and c != module)
    return found


MODULES = _modules()
GRAPH = {m: _imports(m, p, set(MODULES)) for m, p in MODULES.items()}


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if _layer(m) is None)
    assert not missing, f"give these modules a layer in tests/test_architecture.py and docs/architecture.md: {missing}"


def test_imports_point_down_never_up():
    upward = [
        f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)})"
        for m, targets in GRAPH.items()
        for t in sorted(targets)
        if _layer(m) is not None and _layer(t) is not None and _layer(t) > _layer(m)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_circle():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_600_lines(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= 600, f"{module} has {lines} lines: split it by job"


def test_only_the_widget_layer_imports_ipywidgets():
    offenders = [
        m
        for m, path in MODULES.items()
        if not m.startswith("widgets") and "ipywidgets" in path.read_text(encoding="utf-8")
        and any(
            isinstance(n, ast.Import | ast.ImportFrom)
            and any("ipywidgets" in (a.name or "") for a in n.names) | ("ipywidgets" in (getattr(n, "module", "") or ""))
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert not offenders, offenders


def test_widgets_use_only_public_names_of_the_core():
    private = []
    for m, path in MODULES.items():
        if not m.startswith("widgets"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.module.startswith("widgets"):
                core = node.level >= 2 or (node.module or "").startswith("coachkit")
                if core:
                    private += [f"{m}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                value = node.value
                if isinstance(value, ast.Name) and value.id in {"controller", "library", "store", "scoring", "ck"}:
                    private.append(f"{m}: {value.id}.{node.attr}")
    assert not private, private


def test_nothing_in_the_core_sets_a_hidden_attribute_on_a_frozen_dataclass():
    offenders = []
    for m, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        for line_no, line in enumerate(text.splitlines(), 1):
            if "object.__setattr__(" in line and "self" not in line.split("object.__setattr__(")[1][:6]:
                offenders.append(f"{m}:{line_no}: {line.strip()}")
    assert not offenders, offenders


def test_the_data_types_know_the_same_37_markers_as_the_framework_file():
    from coachkit import framework
    from coachkit.model import MARKER_IDS

    assert framework().marker_ids == MARKER_IDS


def test_imports_inside_functions_are_only_for_heavy_optional_dependencies():
    """The kit's own modules are imported at the top of a file; a function may import only a heavy optional
    dependency (so `import coachkit` and the command line stay fast)."""
    offenders = []
    for m, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if id(node) in top or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.ImportFrom) and node.level and node.module is None and node.level == 1:
                continue  # the package's own __version__, read where it is printed
            if isinstance(node, ast.ImportFrom) and node.level:
                offenders.append(f"{m}:{node.lineno}: from {'.' * node.level}{node.module or ''}")
                continue
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                root = name.split(".")[0]
                if root == "coachkit":
                    offenders.append(f"{m}:{node.lineno}: {name}")
    assert not offenders, "the kit's own modules imported inside functions:\n" + "\n".join(offenders)

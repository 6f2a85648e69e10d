"""The ICF PCC Markers (2020 release) as data: competencies, the 37 markers, and the 2014 crosswalk.

The texts are the project's own paraphrases, keyed by ICF's official numbering; ICF's own wording is on
its PCC Markers page (:data:`OFFICIAL_URL`). For competencies 3 to 8 the data also says what the
competency sounds like at ACC, PCC and MCC depth (``Competency.depth``), paraphrasing ICF's credential
requirements and MCC Minimum Skills Requirements (``Framework.depth_sources``). The data lives in
``coachkit/data/framework.yaml`` and is validated when it is loaded. This module builds no HTML:
:func:`coachkit.render.crosswalk_html` shows the crosswalk as a table.

>>> fw = framework()
>>> len(fw.markers), fw.marker("6.6").competency
(37, 6)
>>> fw.from_2014("Creating Trust and Intimacy", 1).id
'4.1'
>>> sorted(fw.competency(5).depth)
['ACC', 'MCC', 'PCC']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ._yamlio import check_fields, line_of, load_yaml, short
from .errors import CoachkitError, FormatError

__all__ = ["Competency", "Marker", "Crosswalk", "Framework", "framework", "OFFICIAL_URL", "DEFAULT_PATH", "DEPTH_LEVELS"]

#: The levels a competency's depth is described at (below the standard is the absence of ACC depth).
DEPTH_LEVELS: tuple[str, ...] = ("ACC", "PCC", "MCC")

DEFAULT_PATH = Path(__file__).parent / "data" / "framework.yaml"
#: ICF's official PCC Markers page: the authoritative wording.
OFFICIAL_URL = "https://coachingfederation.org/credentials-and-standards/performance-evaluations/pcc-markers"

_ID = re.compile(r"^([1-8])\.([1-9][0-9]?)$")


@dataclass(frozen=True)
class Marker:
    """One PCC marker: ``id`` such as "6.6", its competency number, and the project's own texts."""

    id: str
    competency: int
    title: str
    description: str
    look_fors: tuple[str, ...]
    pitfalls: tuple[str, ...]
    mindset: bool

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


@dataclass(frozen=True)
class Competency:
    """An ICF core competency. Competencies 1 and 2 have no markers; ``assessed`` says how they are judged."""

    number: int
    name: str
    description: str
    markers: tuple[Marker, ...]
    assessed: str = ""
    #: what the competency sounds like at "ACC", "PCC" and "MCC" depth (empty for 1 and 2)
    depth: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        object.__setattr__(self, "depth", MappingProxyType(dict(self.depth)))


@dataclass(frozen=True)
class Crosswalk:
    """Where a marker of the 2014 set (47 markers under 11 competencies) lives in the 2020 set."""

    competency_2014: str
    number_2014: int
    text_2014: str
    marker: str
    note: str


@dataclass(frozen=True)
class Framework:
    """The whole marker set. Use :func:`framework` to load the shipped one."""

    name: str
    release: str
    source_url: str
    disclaimer: str
    competencies: tuple[Competency, ...]
    crosswalk: tuple[Crosswalk, ...]
    #: where the depth descriptions come from (ICF's credential pages), cited as the markers cite theirs
    depth_sources: tuple[str, ...] = ()

    @property
    def markers(self) -> tuple[Marker, ...]:
        """All markers, in ICF's order (3.1 ... 8.9)."""
        return tuple(m for c in self.competencies for m in c.markers)

    @property
    def marker_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.markers)

    @property
    def mindset_markers(self) -> tuple[Marker, ...]:
        """The markers that also evidence competency 2 (Embodies a Coaching Mindset)."""
        return tuple(m for m in self.markers if m.mindset)

    def marker(self, marker_id: str) -> Marker:
        """The marker with this id; an unknown id is a CoachkitError that lists the valid ones."""
        key = str(marker_id).strip()
        for m in self.markers:
            if m.id == key:
                return m
        raise CoachkitError(f"unknown marker {short(key, 20)}. Valid markers: {', '.join(self.marker_ids)}")

    def competency(self, number: int) -> Competency:
        """The competency with this number (1 to 8)."""
        for c in self.competencies:
            if c.number == number:
                return c
        valid = ", ".join(str(c.number) for c in self.competencies)
        raise CoachkitError(f"unknown competency {short(number, 20)}. Valid competencies: {valid}")

    def from_2014(self, competency_2014: str, number_2014: int) -> Marker:
        """Today's marker for a marker quoted from the 2014 set, e.g. ("Creating Trust and Intimacy", 1)."""
        wanted = competency_2014.strip().lower()
        for row in self.crosswalk:
            if row.competency_2014.lower() == wanted and row.number_2014 == number_2014:
                return self.marker(row.marker)
        known = "; ".join(f"{r.competency_2014} #{r.number_2014}" for r in self.crosswalk)
        raise CoachkitError(f"no crosswalk entry for {short(competency_2014)} #{short(number_2014, 12)}. The crosswalk knows: {known}")

    def crosswalk_rows(self) -> list[dict]:
        """The 2014 crosswalk as plain rows: old competency, number, wording, today's marker, note."""
        return [
            {"old": r.competency_2014, "number": r.number_2014, "wording": r.text_2014,
             "today": f"{r.marker} {self.marker(r.marker).title}", "note": r.note}
            for r in self.crosswalk
        ]

    def crosswalk_table(self):
        """The 2014 crosswalk as a table (a pandas DataFrame, which Jupyter shows as a table); the kit's own
        HTML view of it is :func:`coachkit.render.crosswalk_html`."""
        import pandas as pd  # heavy and optional: only this table needs it

        names = {"old": "2014 competency", "number": "2014 marker", "wording": "2014 wording (paraphrased)",
                 "today": "today", "note": "note"}
        return pd.DataFrame(self.crosswalk_rows()).rename(columns=names)

    def search(self, text: str) -> tuple[Marker, ...]:
        """Markers whose id, title, description, look-fors or pitfalls contain all the words of ``text``."""
        words = [w for w in text.lower().split() if w]
        if not words:
            return self.markers
        out = []
        for m in self.markers:
            hay = " ".join([m.id, m.title, m.description, *m.look_fors, *m.pitfalls]).lower()
            if all(w in hay for w in words):
                out.append(m)
        return tuple(out)


def framework(path: str | Path | None = None) -> Framework:
    """Load the marker framework (the shipped ICF PCC Markers, 2020 release, unless ``path`` is given).

    A malformed file is a FormatError naming the file and line.
    """
    if path is None:
        return _default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default() -> Framework:
    return _load(DEFAULT_PATH)


def _text_list(path, parent, key, what, minimum) -> tuple[str, ...]:
    items = parent[key]
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise FormatError(path, line_of(items, i), f"each of {what}'s {key} must be non-empty text")
    if len(items) < minimum:
        raise FormatError(path, line_of(parent, key), f"{what} needs at least {minimum} {key}")
    return tuple(s.strip() for s in items)


def _span(ids) -> str:
    ids = list(ids)
    return f"{ids[0]} to {ids[-1]}" if ids else "none"


def _load(path: Path) -> Framework:
    data = load_yaml(path)
    check_fields(
        path,
        data,
        {
            "format": str,
            "name": str,
            "release": str,
            "source_url": str,
            "disclaimer": str,
            "competencies": list,
            "crosswalk_2014": list,
        },
        {"depth_sources": list},
        what="the framework file",
    )
    depth_sources = _text_list(path, data, "depth_sources", "the framework file", 1) if "depth_sources" in data else ()
    if data["format"] != "coachkit-framework/1":
        raise FormatError(
            path, line_of(data, "format"), f"unknown format {short(data['format'])}; expected coachkit-framework/1"
        )
    seen: dict[str, int | None] = {}
    competencies = []
    numbers = set()
    for ci, c in enumerate(data["competencies"]):
        check_fields(
            path,
            c,
            {"number": int, "name": str, "description": str, "markers": list},
            {"assessed": str, "depth": dict},
            what=f"competency #{ci + 1}",
        )
        number = c["number"]
        if number in numbers:
            raise FormatError(path, line_of(c, "number"), f"competency {number} appears twice")
        if not 1 <= number <= 8:
            raise FormatError(
                path, line_of(c, "number"), f"competency {number} does not exist: ICF numbers them 1 to 8"
            )
        if numbers and number < max(numbers):
            raise FormatError(
                path, line_of(c, "number"), f"competency {number} is out of order: it comes after {max(numbers)}"
            )
        numbers.add(number)
        markers = []
        for mi, m in enumerate(c["markers"]):
            check_fields(
                path,
                m,
                {"id": str, "title": str, "description": str, "look_fors": list, "pitfalls": list, "mindset": bool},
                what=f"marker #{mi + 1} of competency {number}",
            )
            mid = m["id"].strip()
            where = line_of(m, "id")
            match = _ID.match(mid)
            if not match:
                raise FormatError(path, where, f"marker id {short(mid, 20)} is not of the form N.k")
            if mid in seen:
                raise FormatError(path, where, f"marker id {mid} appears twice (first at line {seen[mid]})")
            seen[mid] = where
            if int(match.group(1)) != number:
                raise FormatError(path, where, f"marker {mid} is listed under competency {number}")
            if int(match.group(2)) != mi + 1:
                raise FormatError(path, where, f"marker {mid} is out of order: expected {number}.{mi + 1}")
            what = f"marker {mid}"
            markers.append(
                Marker(
                    id=mid,
                    competency=number,
                    title=m["title"].strip(),
                    description=m["description"].strip(),
                    look_fors=_text_list(path, m, "look_fors", what, 2),
                    pitfalls=_text_list(path, m, "pitfalls", what, 1),
                    mindset=m["mindset"],
                )
            )
        depth = _depth(path, c, number) if "depth" in c else {}
        if markers and depth_sources and not depth:
            raise FormatError(path, line_of(c, "number"), f"competency {number} needs its depth: ACC, PCC and MCC")
        competencies.append(
            Competency(
                number, c["name"].strip(), c["description"].strip(), tuple(markers), c.get("assessed", "").strip(), depth
            )
        )
    crosswalk = []
    old_seen: dict[tuple[str, int], int | None] = {}
    for ri, r in enumerate(data["crosswalk_2014"]):
        check_fields(
            path,
            r,
            {"competency_2014": str, "number_2014": int, "text_2014": str, "marker": str, "note": str},
            what=f"crosswalk entry #{ri + 1}",
        )
        if r["marker"] not in seen:
            raise FormatError(
                path,
                line_of(r, "marker"),
                f"crosswalk names unknown marker {short(r['marker'], 20)}; the markers here are {_span(seen)}",
            )
        old = (r["competency_2014"].strip().lower(), r["number_2014"])
        if old in old_seen:
            raise FormatError(
                path,
                line_of(r, "number_2014"),
                f"crosswalk lists {r['competency_2014']} #{r['number_2014']} twice (first at line {old_seen[old]})",
            )
        old_seen[old] = line_of(r, "number_2014")
        crosswalk.append(Crosswalk(r["competency_2014"], r["number_2014"], r["text_2014"], r["marker"], r["note"]))
    return Framework(
        name=data["name"],
        release=data["release"],
        source_url=data["source_url"],
        disclaimer=data["disclaimer"].strip(),
        competencies=tuple(competencies),
        crosswalk=tuple(crosswalk),
        depth_sources=depth_sources,
    )


def _depth(path, c, number) -> dict[str, str]:
    """A competency's ``depth``: a non-empty text for each of ACC, PCC and MCC, nothing else."""
    depth = c["depth"]
    check_fields(path, depth, dict.fromkeys(DEPTH_LEVELS, str), what=f"the depth of competency {number}")
    out = {}
    for level in DEPTH_LEVELS:
        text = " ".join(depth[level].split())
        if not text:
            raise FormatError(path, line_of(depth, level), f"competency {number}'s {level} depth is empty")
        out[level] = text
    return out

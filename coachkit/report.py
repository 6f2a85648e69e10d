"""The mentor's observation report: one self-contained HTML file per observed session, and a competency
review across several.

Shaped for the mentor observation ICF moves to in April 2027 (see ``docs`` and design.md): competency 1
observed or not (ethics, staying in the coach role); for competencies 3 to 8 the markers heard, each with
its time stamp and the quoted lines, a rating on the observation scale, the missed opportunities; then
strengths, development points, the conversation metrics, the observer's notes and a short summary.

ICF's official Session Observation Form is not public here: the scale is kept as data
(``coachkit/data/observation_scale.yaml``) so it can be replaced, and the report says it is a practice
tool. The file loads nothing from outside: styles are inline, plots are ``data:`` URLs, there are no
scripts, links or web fonts. Every piece of transcript and observer text is escaped (:mod:`coachkit.render`).

>>> scale()[0].label, [lv.label for lv in scale()][-1]
('Exceeds', 'N/A')
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ._yamlio import check_fields, line_of, load_yaml
from .errors import CoachkitError, FormatError
from .framework import framework
from .metrics import conversation_metrics, metric_reasons
from .model import RatingSheet, Session, check_sheet_for
from .render import bars_html, esc, metrics_html, quote_html, table_html

__all__ = [
    "SCALE_PATH",
    "OBSERVATION_FORMAT",
    "ScaleLevel",
    "scale",
    "observation_report",
    "competency_review",
    "write_html",
    "html_page",
    "read_observation",
]

#: The observation scale shipped with the kit.
SCALE_PATH = Path(__file__).parent / "data" / "observation_scale.yaml"
_SCALE_FORMAT = "coachkit-observation-scale/1"
#: The version tag of the observation data kept inside a report (for :func:`competency_review`).
OBSERVATION_FORMAT = "coachkit-observation/1"
_DATA_ID = "coachkit-observation"
_DATA_BLOCK = re.compile(
    r'<script type="application/json" id="' + _DATA_ID + r'">(.*?)</script>', re.DOTALL
)


@dataclass(frozen=True)
class ScaleLevel:
    """One step of the observation scale: its label and what it means."""

    label: str
    description: str


def scale(path: str | os.PathLike | None = None) -> tuple[ScaleLevel, ...]:
    """The observation scale (from ``observation_scale.yaml``, or another file of that format)."""
    return _scale(str(Path(path) if path is not None else SCALE_PATH))


@lru_cache(maxsize=4)
def _scale(path: str) -> tuple[ScaleLevel, ...]:
    data = load_yaml(path)
    check_fields(path, data, {"format": str, "name": str, "levels": list}, {"note": str}, what="the scale file")
    if data["format"] != _SCALE_FORMAT:
        raise FormatError(path, line_of(data, "format"), f"unknown format {data['format']!r}; expected {_SCALE_FORMAT}")
    levels = data["levels"]
    if len(levels) < 2:
        raise FormatError(path, line_of(data, "levels"), "a scale needs at least two levels")
    out, seen = [], set()
    for i, item in enumerate(levels):
        check_fields(path, item, {"label": str, "description": str}, what=f"level {i + 1}")
        label = item["label"].strip()
        if not label or label.lower() in seen:
            raise FormatError(path, line_of(item, "label"), f"level {i + 1}: the label {label!r} is empty or repeated")
        seen.add(label.lower())
        out.append(ScaleLevel(label, " ".join(item["description"].split())))
    return tuple(out)


def _scale_note() -> str:
    data = load_yaml(SCALE_PATH)
    return " ".join(str(data.get("note", "")).split())


# ------------------------------------------------------------------------------------------ checking input


def _check_ratings(ratings) -> dict[int, ScaleLevel]:
    """``{competency 3..8: label}`` -> ``{number: ScaleLevel}``; labels matched without regard to case."""
    if ratings is None:
        return {}
    if not isinstance(ratings, Mapping):
        raise CoachkitError("ratings map a competency number (3 to 8) to a label of the observation scale")
    levels = {lv.label.lower(): lv for lv in scale()}
    labels = ", ".join(lv.label for lv in scale())
    out: dict[int, ScaleLevel] = {}
    for key, label in ratings.items():
        try:
            number = int(str(key).strip())
        except ValueError:
            number = None
        if number not in range(3, 9) or "." in str(key):
            raise CoachkitError(f"ratings: {key!r} is not a competency: rate competencies 3 to 8 (e.g. {{4: 'Meets'}})")
        level = levels.get(str(label).strip().lower())
        if level is None:
            raise CoachkitError(f"ratings: competency {number}: {label!r} is not on the scale; choose one of {labels}")
        out[number] = level
    return out


def _texts(values, what: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    try:
        items = [str(v).strip() for v in values]
    except TypeError:
        raise CoachkitError(f"{what} is a list of short texts") from None
    return [v for v in items if v]


# ----------------------------------------------------------------------------------------------- pieces

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:60em;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:2px;margin-top:1.6em}
h3{margin:1em 0 .3em}.ck-meta{color:#555}.ck-note{background:#f6f6f6;border-left:4px solid #999;padding:6px 10px}
.ck-rating{display:inline-block;border:1px solid #0072B2;color:#0072B2;border-radius:4px;padding:0 8px;font-weight:600}
.ck-heard{margin:6px 0 10px 0}.ck-missed{color:#333}table.ck-table td,table.ck-table th{border-bottom:1px solid #eee}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def _marker_block(session: Session, marker, mark, kind: str) -> str:
    note = f"<div><i>Observer's note:</i> {esc(mark.note)}</div>" if mark.note else ""
    if kind == "heard":
        lines = quote_html(session, mark.evidence) if mark.evidence else "<div>(no line cited)</div>"
        return (f"<div class='ck-heard' data-marker='{esc(marker.id)}'><b>{esc(marker.id)} {esc(marker.title)}</b>"
                f"{note}{lines}</div>")
    lines = quote_html(session, mark.evidence, "could have been shown here") if mark.evidence else ""
    return (f"<div class='ck-missed' data-marker='{esc(marker.id)}'><b>{esc(marker.id)} {esc(marker.title)}</b>"
            f"{note}{lines}</div>")


def _metrics_html(session: Session) -> str:

    try:
        metrics = conversation_metrics(session)
    except CoachkitError as exc:
        return f"<p>The conversation metrics could not be computed: {esc(exc)}</p>"
    return metrics_html(metrics, metric_reasons(session, metrics))


def _heard_plot(counts: list[tuple[str, int, int]]) -> str:
    """Bars: markers heard out of each competency's markers (plain HTML: no image, nothing to load)."""
    return bars_html(counts, caption="markers heard, per competency")


def _data_block(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False)
    # inside <script>, "<" and "&" could end the block or start markup: write them as JSON escapes
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{_DATA_ID}">{text}</script>'


def write_html(path, html: str) -> Path:
    """Write a self-contained HTML file atomically (its name must end in .html); returns the path."""
    target = Path(path).expanduser()
    if target.suffix.lower() not in (".html", ".htm"):
        raise CoachkitError(f"a report is an HTML file: its name must end in .html, not {target.name!r}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise CoachkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def html_page(title: str, body: str) -> str:
    """A whole self-contained page around ``body`` (the kit's report style; no external requests)."""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def _ethics_words(value: bool | None) -> str:
    return {True: "Observed: the coach kept to the Code of Ethics and stayed in the coach role.",
            False: "Not observed: the coach left the coach role or acted against the Code of Ethics (see the notes).",
            None: "Not recorded by the observer."}[value]


# ---------------------------------------------------------------------------------------------- report


def observation_report(
    sheet: RatingSheet,
    session: Session,
    path: str | os.PathLike,
    *,
    observer: str = "",
    strengths: Iterable[str] = (),
    development: Iterable[str] = (),
    summary: str = "",
    ethics_observed: bool | None = None,
    ratings: Mapping | None = None,
) -> Path:
    """Write the observation report for one session as a self-contained HTML file; returns its path.

    ``sheet`` is the observer's rating of ``session`` (markers heard, with the lines and notes); ``ratings``
    maps competencies 3 to 8 to a label of the observation scale (:func:`scale`), e.g. ``{4: "Meets"}``;
    ``ethics_observed`` is competency 1 (default: the sheet's own). Markers the observer marked not
    evidenced are the missed opportunities, with any lines cited as where they could have been shown.
    """
    from . import __version__  # the package's version, set once in __init__

    check_sheet_for(sheet, session, "an observation report")
    levels = _check_ratings(ratings)
    strengths = _texts(strengths, "strengths")
    development = _texts(development, "development")
    ethics = sheet.ethics_observed if ethics_observed is None else ethics_observed
    if ethics not in (True, False, None):
        raise CoachkitError("ethics_observed is True (observed), False (not observed) or None (not recorded)")
    lines = {u.id for u in session.utterances}
    for marker_id, mark in sheet.marks.items():
        for uid in mark.evidence:
            if uid not in lines:
                raise CoachkitError(f"marker {marker_id}: {uid!r} is not a line of session '{session.id}'")

    fw = framework()
    coach = session.meta.get("coach", "")
    client = session.meta.get("client", "")
    who = " · ".join(x for x in (f"coach {coach}" if coach else "", f"client {client}" if client else "") if x)
    minutes = f" · {session.minutes:.0f} minutes" if session.minutes else ""
    parts = [
        f"<h1>Session observation: {esc(session.title)}</h1>",
        f"<p class='ck-meta'>{esc(who)}{esc(minutes)} · observed by {esc(observer or sheet.rater)} · "
        f"{esc(date.today().isoformat())}</p>",
        f"<p class='ck-note'>A practice report made with coachkit. {esc(_scale_note())} The marker texts are the "
        "kit's own paraphrases; ICF's wording is on its PCC Markers page.</p>",
    ]
    if summary.strip():
        parts.append(f"<h2>Summary</h2><p>{esc(summary.strip())}</p>")

    parts.append("<h2>1. Demonstrates Ethical Practice</h2>"
                 f"<p class='ck-c1' data-observed='{esc(ethics)}'><b>{esc(_ethics_words(ethics))}</b></p>")
    mindset = [m for m in fw.mindset_markers if sheet.marks.get(m.id) and sheet.marks[m.id].evidenced]
    parts.append("<h2>2. Embodies a Coaching Mindset</h2><p>Evidenced through markers "
                 f"{esc(', '.join(m.id for m in fw.mindset_markers))}. Heard in this session: "
                 f"{esc(', '.join(m.id for m in mindset) or 'none')}.</p>")

    counts = []
    for comp in fw.competencies:
        if not comp.markers:
            continue
        heard, missed, open_ = [], [], []
        for m in comp.markers:
            mark = sheet.marks.get(m.id)
            if mark is None or mark.evidenced is None:
                open_.append(m)
            elif mark.evidenced:
                heard.append(_marker_block(session, m, mark, "heard"))
            else:
                missed.append(_marker_block(session, m, mark, "missed"))
        counts.append((f"{comp.number}. {comp.name}", len(heard), len(comp.markers)))
        level = levels.get(comp.number)
        rating = (f"<span class='ck-rating'>{esc(level.label)}</span> <span class='ck-meta'>{esc(level.description)}"
                  "</span>" if level else "<span class='ck-meta'>not rated</span>")
        parts.append(
            f"<h2 data-competency='{comp.number}'>{comp.number}. {esc(comp.name)}</h2><p>Rating: {rating}</p>"
            f"<h3>Heard ({len(heard)} of {len(comp.markers)} markers)</h3>{''.join(heard) or '<p>None.</p>'}"
            + (f"<h3>Missed opportunities</h3>{''.join(missed)}" if missed else "")
            + (f"<p class='ck-meta'>Not decided: {esc(', '.join(m.id for m in open_))}</p>" if open_ else "")
        )
    parts.append("<h2>Markers heard at a glance</h2>" + _heard_plot(counts))

    def bullet(items):
        return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>" if items else "<p>None noted.</p>"

    parts.append(f"<h2>Strengths</h2>{bullet(strengths)}<h2>Development points</h2>{bullet(development)}")
    parts.append("<h2>Conversation metrics</h2>" + _metrics_html(session))
    if sheet.comments.strip():
        parts.append(f"<h2>Observer's notes</h2><p style='white-space:pre-wrap'>{esc(sheet.comments.strip())}</p>")
    parts.append(f"<p class='ck-meta'>coachkit {esc(__version__)} · session {esc(session.id)} · the scale: "
                 + "; ".join(f"{esc(lv.label)}: {esc(lv.description)}" for lv in scale()) + "</p>")
    parts.append(_data_block({
        "format": OBSERVATION_FORMAT,
        "session_id": session.id,
        "session_title": session.title,
        "observer": observer or sheet.rater,
        "ethics_observed": ethics,
        "ratings": {str(k): v.label for k, v in sorted(levels.items())},
        "strengths": strengths,
        "development": development,
        "summary": summary.strip(),
        "sheet": sheet.to_dict(),
    }))
    return write_html(path, html_page(f"Session observation: {session.title}", "".join(parts)))


# ---------------------------------------------------------------------------------------------- review


def read_observation(path: str | os.PathLike) -> dict:
    """The observation kept inside a report written by :func:`observation_report` (a CoachkitError if the
    file is not one)."""
    source = Path(path).expanduser()
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CoachkitError(f"{source}: cannot read it ({exc})") from None
    m = _DATA_BLOCK.search(text)
    if not m:
        raise CoachkitError(f"{source}: not an observation report made by coachkit")
    try:
        data = json.loads(m.group(1))
    except json.JSONDecodeError as exc:
        raise CoachkitError(f"{source}: the observation data is damaged ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != OBSERVATION_FORMAT:
        raise CoachkitError(f"{source}: unknown observation format (this coachkit reads {OBSERVATION_FORMAT!r})")
    try:
        data["sheet"] = RatingSheet.from_dict(data["sheet"])
    except (KeyError, CoachkitError) as exc:
        raise CoachkitError(f"{source}: the observation's rating sheet is damaged ({exc})") from None
    data["ratings"] = {int(k): v for k, v in data.get("ratings", {}).items()}
    return data


def _observation_of(item, known: dict[str, Session]) -> dict:
    if isinstance(item, RatingSheet):
        return {"sheet": item, "session_id": item.session_id, "ratings": {}, "strengths": [], "development": [],
                "ethics_observed": item.ethics_observed, "summary": "", "observer": item.rater,
                "session_title": known[item.session_id].title if item.session_id in known else item.session_id}
    if isinstance(item, (str, os.PathLike)):
        return read_observation(item)
    raise CoachkitError(f"a competency review reads observation reports (paths) or RatingSheets, not {type(item).__name__}")


def competency_review(
    reports_or_sheets: Iterable,
    sessions: Iterable[Session] | None = None,
    path: str | os.PathLike = "competency_review.html",
) -> Path:
    """Summarise several observed sessions in one self-contained HTML file; returns its path.

    Each item is an observation report written by :func:`observation_report` (its path: the ratings,
    strengths and development points come with it) or an observer's RatingSheet. ``sessions`` gives the
    sessions' titles (otherwise the report's own, or the id). Per competency: the rating in each session
    and how many markers were heard; per marker: in how many sessions it was heard; then every strength
    and development point, session by session.
    """
    known = {s.id: s for s in (sessions or ()) if isinstance(s, Session)}
    observations = [_observation_of(item, known) for item in reports_or_sheets]
    if not observations:
        raise CoachkitError("a competency review needs at least one observed session")
    fw = framework()
    heads = []
    for i, o in enumerate(observations, 1):
        title = known[o["session_id"]].title if o["session_id"] in known else o.get("session_title", o["session_id"])
        heads.append((f"s{i}", f"{i}. {title}"))
    rows = [{"what": "1. Ethical practice", **{
        key: {True: "observed", False: "NOT observed", None: "not recorded"}[o["ethics_observed"]]
        for (key, _), o in zip(heads, observations, strict=True)}}]
    for comp in fw.competencies:
        if not comp.markers:
            continue
        row = {"what": f"{comp.number}. {comp.name}"}
        for (key, _), o in zip(heads, observations, strict=True):
            marks = o["sheet"].marks
            heard = sum(1 for m in comp.markers if marks.get(m.id) and marks[m.id].evidenced)
            label = o["ratings"].get(comp.number, "not rated")
            row[key] = f"{label} · {heard} of {len(comp.markers)} heard"
        rows.append(row)
    table = table_html(rows, [("what", "competency"), *heads])

    marker_rows = []
    n = len(observations)
    for m in fw.markers:
        times = sum(1 for o in observations if o["sheet"].marks.get(m.id) and o["sheet"].marks[m.id].evidenced)
        marker_rows.append({"marker": f"{m.id} {m.title}", "heard": f"{times} of {n}",
                            "_times": times})
    never = [r["marker"] for r in marker_rows if r["_times"] == 0]
    markers = table_html(marker_rows, [("marker", "marker"), ("heard", "sessions heard in")])

    notes = []
    for (_, title), o in zip(heads, observations, strict=True):
        s = "".join(f"<li>{esc(x)}</li>" for x in o["strengths"]) or "<li>none noted</li>"
        d = "".join(f"<li>{esc(x)}</li>" for x in o["development"]) or "<li>none noted</li>"
        summary = f"<p>{esc(o['summary'])}</p>" if o.get("summary") else ""
        notes.append(f"<h3>{esc(title)}</h3>{summary}<p><b>Strengths</b></p><ul>{s}</ul>"
                     f"<p><b>Development points</b></p><ul>{d}</ul>")
    focus = (f"<p><b>Never heard in these sessions:</b> {esc('; '.join(never))}. A place to start the next "
             "mentoring conversation.</p>" if never else "<p>Every marker was heard in at least one session.</p>")
    body = (
        f"<h1>Competency review: {n} observed session{'s' if n != 1 else ''}</h1>"
        f"<p class='ck-note'>A practice summary made with coachkit. {esc(_scale_note())}</p>"
        f"<h2>Competencies, session by session</h2>{table}<h2>Markers across the sessions</h2>{focus}{markers}"
        f"<h2>Strengths and development points</h2>{''.join(notes)}"
    )
    return write_html(path, html_page("Competency review", body))

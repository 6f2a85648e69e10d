"""HTML pieces shared by the widgets and the reports: every piece of transcript text is escaped here.

Plain Python (no ipywidgets), so the lessons, the app view and the self-contained observation report
all show the same thing. Colours come from the Okabe-Ito palette, which stays distinguishable for
colour-blind readers, and every colour is paired with a word and a symbol.
"""

from __future__ import annotations

import base64
import io
import os
from html import escape

from .metrics import METRICS, shown_value
from .model import Session, Utterance, format_time

__all__ = [
    "OUTCOME_STYLE",
    "SPEAKER_STYLE",
    "esc",
    "outcome_badge",
    "turn_html",
    "quote_html",
    "marker_card_html",
    "figure_png_data_url",
    "table_html",
    "metrics_html",
    "talk_share_html",
    "bars_html",
    "Html",
    "crosswalk_html",
]


class Html(str):
    """A piece of HTML that Jupyter and Voila show as HTML (and a plain string everywhere else)."""

    def _repr_html_(self) -> str:
        return str(self)

#: outcome -> (colour, symbol, words). Okabe-Ito: bluish green, orange, blue, grey.
OUTCOME_STYLE = {
    "agree": ("#009E73", "✓", "agree"),
    "over-credit": ("#E69F00", "▲", "over-credit: you credited it, the assessor did not"),
    "under-credit": ("#0072B2", "▼", "under-credit: the assessor credited it, you did not"),
    "unsure": ("#999999", "?", "unsure or not decided"),
}

#: speaker -> (background, border)
SPEAKER_STYLE = {
    "coach": ("#e8f1fa", "#0072B2"),
    "client": ("#fdf3e1", "#E69F00"),
    "other": ("#f0f0f0", "#999999"),
}


def esc(text) -> str:
    """Escape text for HTML (quotes too).

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return escape("" if text is None else str(text), quote=True)


def outcome_badge(outcome: str, short: bool = True) -> str:
    """A coloured badge with a symbol and words, e.g. ``✓ agree``."""
    colour, symbol, words = OUTCOME_STYLE[outcome]
    label = outcome if short else words
    return (
        f'<span class="ck-badge ck-{esc(outcome)}" style="background:{colour};color:#fff;padding:1px 7px;'
        f'border-radius:9px;white-space:nowrap;font-weight:600">{symbol} {esc(label)}</span>'
    )


def turn_html(u: Utterance, highlight: str = "") -> str:
    """One turn as a speaker-coloured block with its id and time."""
    bg, border = SPEAKER_STYLE.get(u.speaker, SPEAKER_STYLE["other"])
    time = f" · {esc(u.timestamp)}" if u.start is not None else ""
    extra = f' <span style="font-weight:600">{esc(highlight)}</span>' if highlight else ""
    return (
        f'<div class="ck-turn ck-{esc(u.speaker)}" data-id="{esc(u.id)}" style="background:{bg};'
        f'border-left:4px solid {border};padding:4px 8px;margin:3px 0;border-radius:3px">'
        f'<div style="font-size:0.85em;color:#444">{esc(u.name)} ({esc(u.speaker)}) · {esc(u.id)}{time}{extra}</div>'
        f"<div>{esc(u.text)}</div></div>"
    )


def quote_html(session: Session, ids, label: str = "") -> str:
    """The quoted lines behind some utterance ids (unknown ids are shown as such, never dropped)."""
    parts = []
    for uid in ids:
        try:
            parts.append(turn_html(session.utterance(uid), label))
        except ValueError:
            parts.append(f"<div>(no line {esc(uid)} in this session)</div>")
    return "".join(parts)


def marker_card_html(marker) -> str:
    """A marker's description, look-fors and pitfalls, for the marker browser and the reports."""
    looks = "".join(f"<li>{esc(x)}</li>" for x in marker.look_fors)
    pits = "".join(f"<li>{esc(x)}</li>" for x in marker.pitfalls)
    mindset = (
        '<p style="color:#555"><em>Also evidences competency 2 (Embodies a Coaching Mindset).</em></p>'
        if marker.mindset
        else ""
    )
    return (
        f'<div class="ck-marker-card" style="max-width:60em"><h3 style="margin:4px 0">{esc(marker.id)} '
        f"{esc(marker.title)}</h3><p>{esc(marker.description)}</p>{mindset}"
        f"<p><strong>What you might hear</strong></p><ul>{looks}</ul>"
        f"<p><strong>How coaches miss it</strong></p><ul>{pits}</ul></div>"
    )


def figure_png_data_url(fig, dpi: int = 96) -> str:
    """A matplotlib figure as an inline ``data:image/png`` URL (nothing loaded from the network); closes it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def table_html(rows: list[dict], columns: list[tuple[str, str]], raw: frozenset = frozenset()) -> str:
    """A plain HTML table; cell text is escaped unless its column is named in ``raw`` (prebuilt HTML)."""
    head = "".join(f'<th style="text-align:left;padding:3px 8px">{esc(title)}</th>' for _, title in columns)
    body = []
    for row in rows:
        cells = "".join(
            f'<td style="padding:3px 8px;vertical-align:top">'
            f"{row.get(key, '') if key in raw else esc(row.get(key, ''))}</td>"
            for key, _ in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="ck-table" style="border-collapse:collapse">{"<tr>" + head + "</tr>"}{"".join(body)}</table>'


def seconds(t: float | None) -> str:
    return "" if t is None else format_time(t)


def metrics_html(metrics: dict, reasons: dict | None = None) -> str:
    """A transcript's conversation metrics as a table (metric, value, the marker it speaks to, what it means),
    the talk-share bar, and the reminder that these are rules of thumb, not ICF rules. ``reasons`` says why
    each n/a figure is n/a (:func:`coachkit.metrics.metric_reasons`)."""
    rows = []
    for name, value in metrics.items():
        marker, meaning = METRICS.get(name, ("", ""))
        label = "length" if name == "duration_s" else name.replace("_", " ")
        reason = (reasons or {}).get(name)
        rows.append({"what": label, "value": shown_value(name, value, reason), "marker": marker, "meaning": meaning})
    table = table_html(rows, [("what", "metric"), ("value", "value"), ("marker", "marker"), ("meaning", "what it means")])
    bar = talk_share_html(metrics) if metrics.get("coach_talk_share") is not None else ""
    return (f"{table}{bar}<p style='color:#555'>Practitioners' rules of thumb, not ICF rules: a number says where "
            "to listen, never whether a marker was shown.</p>")


def talk_share_html(metrics: dict) -> str:
    """The coach's and the client's share of talk as one HTML bar, with the words beside the colours.

    Plain HTML rather than a matplotlib figure: importing matplotlib would cost a lesson a third of a second,
    for one bar."""
    coach = float(metrics.get("coach_talk_share") or 0)
    client = float(metrics.get("client_talk_share") or 0)
    label = f"share of talk: coach {coach:.0%}, client {client:.0%}"
    seg = "height:100%;display:inline-block;vertical-align:top"
    return (
        f"<div class='ck-talk-share' style='max-width:640px;font-size:12px;color:#333;margin:6px 0'>"
        f"<div>Share of talk (a practitioners' rule of thumb: the coach at 20-40 %, the client at 60-80 %)</div>"
        f"<div role='img' aria-label='{esc(label)}' style='height:18px;border:1px solid #bbb;white-space:nowrap'>"
        f"<span style='{seg};width:{coach * 100:.1f}%;background:#0072B2'></span>"
        f"<span style='{seg};width:{client * 100:.1f}%;background:#E69F00'></span></div>"
        f"<div><span style='color:#0072B2'>&#9632;</span> coach {coach:.0%} &nbsp; "
        f"<span style='color:#E69F00'>&#9632;</span> client {client:.0%}</div></div>"
    )


def bars_html(rows: list[tuple[str, int, int]], caption: str = "") -> str:
    """Horizontal bars, one per row ``(label, count, out_of)``, labelled "count of out_of" (plain HTML)."""
    lines = []
    for label, count, total in rows:
        share = count / total if total else 0
        lines.append(
            f"<div style='display:flex;align-items:center;margin:2px 0'>"
            f"<div style='width:260px;font-size:13px'>{esc(label)}</div>"
            f"<div role='img' aria-label='{esc(label)}: {count} of {total}' style='width:320px;height:14px;"
            f"background:#eee'><div style='width:{share * 100:.1f}%;height:100%;background:#009E73'></div></div>"
            f"<div style='margin-left:8px;font-size:13px'>{count} of {total}</div></div>"
        )
    head = f"<div style='font-size:12px;color:#333'>{esc(caption)}</div>" if caption else ""
    return f"<div class='ck-bars'>{head}{''.join(lines)}</div>"


def crosswalk_html(fw) -> Html:
    """The 2014 crosswalk of a :class:`coachkit.framework.Framework` as an HTML table a learner can read.

    >>> from coachkit.framework import framework
    >>> "Creating Trust and Intimacy" in crosswalk_html(framework())
    True
    """
    columns = [("old", "2014 competency"), ("number", "2014 marker"), ("wording", "2014 wording (paraphrased)"),
               ("today", "today"), ("note", "note")]
    return Html(table_html(fw.crosswalk_rows(), columns))


def shown_path(path) -> str:
    """A path as a person reads it, with their home folder as ``~`` (so a shared screen or a saved lesson
    shows no one's user name).

    >>> import os
    >>> shown_path(os.path.join(os.path.expanduser("~"), "coachkit", "ratings.sqlite3")) == os.path.join("~", "coachkit", "ratings.sqlite3")
    True
    """
    text = str(path)
    home = os.path.expanduser("~")
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text

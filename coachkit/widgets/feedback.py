"""FeedbackView, CalibrationDashboard and MetricsPanel: what a learner sees after rating.

Outcomes are shown by colour (Okabe-Ito, safe for colour-blind readers) AND by a symbol and words.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..agreement import EXPLAIN
from ..framework import framework
from ..plots import agreement_over_time, bias_heatmap
from ..render import OUTCOME_STYLE, esc, figure_png_data_url, metrics_html, outcome_badge, table_html

__all__ = ["FeedbackView", "CalibrationDashboard", "MetricsPanel", "feedback_html", "comparison_summary_html",
           "competency_rows", "competency_bars_html"]


def _num(x, fmt="{:.2f}") -> str:
    return "n/a" if x is None or x != x else fmt.format(x)


def _and(items, most: int = 12) -> str:
    """``a, b and c``; a long list names its first ``most`` and counts the rest."""
    items = [str(x) for x in items]
    if len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _explain(name: str) -> str:
    """One plain sentence on a statistic, from the core's single list of them."""
    return EXPLAIN[name]


def _offered_rows(c, markers=None) -> list[dict]:
    """The comparison's rows for the markers the session offered (an excerpt's focus markers, or all)."""
    rows = c.table.to_dict("records")
    if markers:
        wanted = set(markers)
        rows = [r for r in rows if r["marker"] in wanted]
    return rows


def _level_word(level) -> str:
    return "below the ACC standard" if level == "below" else str(level)


def competency_rows(c, sheet=None, session=None) -> list[dict]:
    """Per competency 3 to 8: the learner's call, the assessor's, exact / within one, and the assessor's note
    (the rows of ``Comparison.competency_table``; none when the key makes no competency calls)."""
    table = c.competency_table
    return [] if table is None or table.empty else [dict(r) for r in table.to_dict("records")]


def _competency_html(rows) -> str:
    if not rows:
        return ""
    called = [r for r in rows if r.get("learner")]
    if not called:
        head = ("<p><b>Competency calls.</b> You did not call any competency's depth; the assessor's calls and "
                "reasons are below.</p>")
    else:
        exact = sum(1 for r in called if r.get("exact"))
        within = sum(1 for r in called if r.get("within_one"))
        head = (f"<p><b>Competency calls.</b> Of the {len(called)} competencies you called, <b>{exact}</b> match "
                f"the assessor exactly and <b>{within}</b> are within one level.</p>")
    body = []
    for r in rows:
        mine = r.get("learner")
        if not mine:
            verdict = "<span style='color:#555'>? not called</span>"
        elif r.get("exact"):
            verdict = "<b style='color:#007a5a'>✓ the same</b>"
        elif r.get("within_one"):
            verdict = "<b style='color:#8a5a00'>≈ one level apart</b>"
        else:
            verdict = "<b style='color:#b34700'>✗ two or more levels apart</b>"
        body.append(
            f"<tr><td style='padding:3px 8px;vertical-align:top'><b>{esc(r.get('competency'))}</b> {esc(r.get('name', ''))}</td>"
            f"<td style='padding:3px 8px;vertical-align:top'>{esc(_level_word(mine)) if mine else '—'}</td>"
            f"<td style='padding:3px 8px;vertical-align:top'>{esc(_level_word(r.get('assessor')))}</td>"
            f"<td style='padding:3px 8px;vertical-align:top;white-space:nowrap'>{verdict}</td>"
            f"<td style='padding:3px 8px;vertical-align:top'>{esc(r.get('note', ''))}</td></tr>"
        )
    return (head + "<table class='ck-competencies' style='border-collapse:collapse'><tr>"
            + "".join(f"<th style='text-align:left;padding:3px 8px'>{h}</th>" for h in
                      ("competency", "you", "assessor", "", "the assessor's reason"))
            + "</tr>" + "".join(body) + "</table>")


def comparison_summary_html(c, markers=None, competencies=None) -> str:
    """The headline in plain words: agreement, over- and under-credit, the level and competency calls; the
    statistics (kappa, AC1) in a collapsed details section, one sentence each."""
    rows = _offered_rows(c, markers)
    agree = [r["marker"] for r in rows if r["outcome"] == "agree"]
    over = [r["marker"] for r in rows if r["outcome"] == "over-credit"]
    under = [r["marker"] for r in rows if r["outcome"] == "under-credit"]
    unsure = [r["marker"] for r in rows if r["outcome"] == "unsure"]
    decided = len(agree) + len(over) + len(under)
    items = []
    if decided:
        items.append(f"<li>You agreed with the assessor on <b>{len(agree)} of the {decided} markers you decided</b> "
                     f"({len(agree) / decided:.0%}).</li>")
    else:
        items.append("<li>You did not decide any marker, so there is nothing to agree on yet.</li>")
    if over:
        items.append(f"<li>{outcome_badge('over-credit')} <b>{len(over)}</b>: you credited {esc(_and(over))}, which "
                     f"the assessor did not hear.</li>")
    if under:
        items.append(f"<li>{outcome_badge('under-credit')} <b>{len(under)}</b>: the assessor heard {esc(_and(under))}, "
                     f"which you did not credit.</li>")
    if not over and not under and decided:
        items.append("<li>No over- or under-credit: every marker you decided matches the assessor.</li>")
    if unsure:
        items.append(f"<li>{outcome_badge('unsure')} <b>{len(unsure)}</b> left unsure or undecided ({esc(_and(unsure))}): "
                     f"not counted above.</li>")
    if c.level_call:
        verdict = "<b style='color:#007a5a'>✓ the same</b>" if c.level_agrees else "<b style='color:#b34700'>✗ different</b>"
        items.append(f"<li>Your overall call: <b>{esc(_level_word(c.level_call))}</b>; the assessor's: "
                     f"<b>{esc(_level_word(c.key_level))}</b>. {verdict}.</li>")
    notes = "".join(f"<li style='color:#555'>{esc(n)}</li>" for n in c.notes)
    kappa = (f"<b>{_num(c.kappa)}</b> ({esc(c.band)})" if c.kappa == c.kappa
             else "cannot be worked out for this attempt (it needs both answers among the markers you decided)")
    ac1 = f"<b>{_num(c.ac1)}</b>" if c.ac1 == c.ac1 else "cannot be worked out for this attempt"
    details = (
        "<details class='ck-stats' style='margin:6px 0'><summary style='cursor:pointer'>Two agreement statistics, "
        "for the curious</summary>"
        f"<p>Cohen's kappa: {kappa}. {esc(_explain('kappa'))} Bands: Landis &amp; Koch (1977).</p>"
        f"<p>Gwet's AC1: {ac1}. {esc(_explain('ac1'))}</p></details>"
    )
    return (
        f"<div class='ck-summary' style='font-size:1.05em'><ul>{''.join(items)}{notes}"
        f"<li style='color:#555'>Compared with answer key version {esc(c.key_version)}.</li></ul>"
        f"{_competency_html(competencies or [])}{details}</div>"
    )


def _quotes(quotes, label) -> str:
    if not quotes:
        return ""
    lines = "".join(
        f"<div style='margin-left:1em'>“{esc(q.text)}” <span style='color:#555'>— {esc(q.name)}, "
        f"{esc(q.utterance_id)}{(' at ' + esc(q.timestamp)) if q.timestamp else ''}</span></div>"
        for q in quotes
    )
    return f"<div><i>{esc(label)}</i>{lines}</div>"


def feedback_html(c, markers=None) -> str:
    """For each disagreement: the assessor's note and the lines it rests on, and the learner's own lines."""
    wanted = set(markers) if markers else None
    items = [f for f in c.feedback if wanted is None or f.marker in wanted]
    if not items:
        return "<p>No disagreements: you and the assessor heard the same markers.</p>"
    parts = []
    for f in items:
        parts.append(
            f"<div class='ck-feedback' data-marker='{esc(f.marker)}' style='border:1px solid #ddd;padding:6px 10px;"
            f"margin:6px 0;border-left:6px solid {OUTCOME_STYLE[f.outcome][0]}'>"
            f"<div>{outcome_badge(f.outcome)} <b>{esc(f.marker)} {esc(f.title)}</b></div>"
            f"<div style='margin:4px 0'><b>Assessor:</b> {esc(f.note)}</div>"
            f"{_quotes(f.evidence, 'The lines the assessor heard it in:')}"
            f"{_quotes(f.opportunity, 'Where it could have been shown:')}"
            f"{_quotes(f.learner_evidence, 'The lines you pointed at:')}"
            f"{('<div><b>Your note:</b> ' + esc(f.learner_note) + '</div>') if f.learner_note else ''}</div>"
        )
    return "".join(parts)


def _outcome_table_html(c, markers=None) -> str:
    rows = []
    titles = {m.id: m.title for m in framework().markers}
    for r in _offered_rows(c, markers):
        learner = {True: "evidenced", False: "not evidenced"}.get(r["learner"], "unsure")
        assessor = "evidenced" if r["assessor"] else "not evidenced"
        match = {True: "yes", False: "no"}.get(r["evidence_match"], "")
        rows.append({"marker": f"{r['marker']} {titles.get(r['marker'], '')}", "you": learner, "assessor": assessor,
                     "outcome": outcome_badge(r["outcome"]), "same moment": match})
    return table_html(rows, [("marker", "marker"), ("you", "you"), ("assessor", "assessor"),
                             ("outcome", "outcome"), ("same moment", "same moment?")], raw=frozenset({"outcome"}))


def competency_bars_html(c, markers=None) -> str:
    """Per competency, one bar split into agree / over / under / unsure, its label in its own column and its
    counts in words beside it (plain HTML: nothing overlaps, nothing to load, no plotting library)."""
    names = {comp.number: comp.name for comp in framework().competencies}
    counts: dict[int, dict[str, int]] = {}
    for r in _offered_rows(c, markers):
        counts.setdefault(int(r["competency"]), {k: 0 for k in OUTCOME_STYLE})[r["outcome"]] += 1
    lines = []
    for number in sorted(counts):
        n = counts[number]
        total = sum(n.values()) or 1
        segs = "".join(
            f"<span title='{esc(k)}: {v}' style='display:inline-block;height:16px;width:{100 * v / total:.1f}%;"
            f"background:{OUTCOME_STYLE[k][0]}'></span>" for k, v in n.items() if v
        )
        words = " · ".join(f"{OUTCOME_STYLE[k][1]} {v} {k}" for k, v in n.items() if v)
        lines.append(
            f"<div style='display:flex;align-items:center;gap:8px;margin:3px 0'>"
            f"<div style='width:230px;flex:0 0 230px'><b>{number}</b> {esc(names.get(number, ''))}</div>"
            f"<div style='width:200px;flex:0 0 200px;background:#eee;line-height:0'>{segs}</div>"
            f"<div style='color:#333;font-size:0.9em'>{esc(words)}</div></div>"
        )
    return "<div class='ck-bars'><h4>By competency</h4>" + "".join(lines) + "</div>"


class FeedbackView(w.VBox):
    """A comparison with the answer key: the headline in plain words, each competency, the assessor's notes.

    ``on_focus(fn(marker_id))`` is called when the learner asks to see a marker's lines in the transcript.
    """

    def __init__(self, comparison=None):
        self.summary = w.HTML()
        self.plot = w.HTML()
        self.outcomes = w.HTML()
        self.details = w.HTML()
        self.focus = w.Dropdown(description="Show lines of", options=[], layout=w.Layout(width="420px"),
                                style={"description_width": "initial"})
        self.focus.observe(lambda ch: self.show_marker(ch["new"]), "value")
        self._focus_cbs: list[Callable] = []
        self.comparison = None
        legend = " ".join(outcome_badge(k, short=False) for k in OUTCOME_STYLE)
        super().__init__([self.summary, self.plot, w.HTML(f"<div style='margin:6px 0'>{legend}</div>"),
                          self.focus, self.details, w.HTML("<h4>Every marker</h4>"), self.outcomes])
        self.add_class("ck-feedback-view")
        self.layout.display = "none"
        if comparison is not None:
            self.show(comparison)

    def on_focus(self, fn) -> None:
        self._focus_cbs.append(fn)

    def show(self, comparison, markers=None, competencies=None) -> None:
        """Show a comparison; ``markers`` limits it to the markers the session offered (an excerpt's focus);
        ``competencies`` are the rows of :func:`competency_rows`."""
        self.comparison = comparison
        self.summary.value = ("<h3>How your ratings compare with the assessor's</h3>"
                              + comparison_summary_html(comparison, markers, competencies))
        self.plot.value = competency_bars_html(comparison, markers)
        self.outcomes.value = _outcome_table_html(comparison, markers)
        self.details.value = "<h4>Where you and the assessor differ</h4>" + feedback_html(comparison, markers)
        wanted = set(markers) if markers else None
        self.focus.options = [("", "")] + [(f"{f.marker} {f.title} ({f.outcome})", f.marker)
                                           for f in comparison.feedback if wanted is None or f.marker in wanted]
        self.layout.display = None

    def hide(self) -> None:
        self.comparison = None
        self.layout.display = "none"

    def show_marker(self, marker_id: str) -> None:
        if not marker_id:
            return
        for fn in self._focus_cbs:
            fn(marker_id)


def _practise_id(row: dict) -> str | None:
    for key in ("excerpt_id", "session_id", "id"):
        if row.get(key):
            return str(row[key])
    return None


class CalibrationDashboard(w.VBox):
    """A learner's calibration: agreement over time, a heat map of over- and under-crediting, and practise
    next: each suggestion a button that opens that excerpt for rating right here (``on_open(fn(session_id))``)."""

    def __init__(self, calibration=None):
        self.headline = w.HTML()
        self.trend = w.HTML()
        self.heat = w.HTML()
        self.next = w.VBox()
        self.practice_area = w.VBox()
        self._open_cbs: list[Callable] = []
        super().__init__([self.headline, self.trend, w.HTML("<h4>Which markers you over- or under-credit</h4>"),
                          self.heat, w.HTML("<h4>Practise next</h4>"), self.next, self.practice_area])
        if calibration is not None:
            self.show(calibration)

    def on_open(self, fn) -> None:
        self._open_cbs.append(fn)

    def open_excerpt(self, session_id: str) -> None:
        """What a practise-next button does: hand the excerpt on to be opened for rating."""
        for fn in self._open_cbs:
            fn(session_id)

    def show(self, cal) -> None:
        if cal.history.empty:
            self.headline.value = ("<p><b>No compared attempts yet.</b> Rate a session or an excerpt and press "
                                   "<i>Compare with the assessor</i>; your calibration appears here.</p>")
            self.trend.value = self.heat.value = ""
            self.next.children = []
            return
        self.headline.value = (
            f"<p style='font-size:1.05em'><b>{len(cal.history)} compared attempt(s).</b> Across them you agreed with "
            f"the assessor on <b>{_num(cal.percent_agreement, '{:.0%}')}</b> of the markers you decided.</p>"
            "<details class='ck-stats'><summary style='cursor:pointer'>The agreement statistic, for the curious"
            f"</summary><p>Cohen's kappa over all your attempts: <b>{_num(cal.kappa)}</b> ({esc(cal.band)}); your "
            f"latest attempt: {esc(cal.latest_band)}. {esc(_explain('kappa'))}</p>"
            f"<p style='color:#555'>Bands: {esc(cal.band_source)}</p></details>"
        )
        self.trend.value = f"<img alt='agreement over time' src='{figure_png_data_url(agreement_over_time(cal.history))}'>"
        bias = cal.bias[cal.bias["n"] > 0]
        if bias.empty:
            self.heat.value = "<p>Not enough decided markers yet.</p>"
        else:
            self.heat.value = f"<img alt='over- and under-credit per marker' src='{figure_png_data_url(bias_heatmap(bias))}'>"
        self.next.children = self._next_buttons(cal.practise_next)

    def _next_buttons(self, frame) -> list:
        if frame is None or frame.empty:
            return [w.HTML("<p>Nothing stands out: keep rating full sessions.</p>")]
        out = []
        for row in frame.to_dict("records"):
            sid = _practise_id(row)
            if not sid:
                continue
            title = str(row.get("title") or sid)
            why = str(row.get("reason") or row.get("why") or "")
            focus = str(row.get("focus") or "")
            b = w.Button(description=f"Rate it: {title}", layout=w.Layout(width="auto", min_width="200px"),
                         tooltip=f"open {title} here for rating")
            b.add_class("ck-practise")
            b.on_click(lambda _, sid=sid: self.open_excerpt(sid))
            out.append(w.HBox([b, w.HTML(f"<span style='color:#333'>{esc(why)}"
                                         f"{(' · listen for ' + esc(focus)) if focus else ''}</span>")],
                              layout=w.Layout(align_items="center")))
        return out or [w.HTML("<p>Nothing stands out: keep rating full sessions.</p>")]


class MetricsPanel(w.VBox):
    """A transcript's conversation metrics, each with the marker it speaks to, and the talk-share bar.

    These are practitioners' rules of thumb, not ICF rules.
    """

    def __init__(self, metrics: dict | None = None):
        self.table = w.HTML()
        super().__init__([self.table])
        if metrics is not None:
            self.show(metrics)

    def show(self, metrics: dict, reasons: dict | None = None) -> None:
        """Show the figures; ``reasons`` (coachkit.metrics.metric_reasons) says why each n/a is n/a."""
        self.table.value = metrics_html(metrics, reasons)

"""FeedbackView, CalibrationDashboard and MetricsPanel: what a learner sees after rating.

Outcomes are shown by colour (Okabe-Ito, safe for colour-blind readers) AND by a symbol and words.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..framework import framework
from ..render import OUTCOME_STYLE, esc, figure_png_data_url, metrics_html, outcome_badge, table_html

__all__ = ["FeedbackView", "CalibrationDashboard", "MetricsPanel", "feedback_html", "comparison_summary_html"]


def _num(x, fmt="{:.2f}") -> str:
    return "n/a" if x is None or x != x else fmt.format(x)


def comparison_summary_html(c) -> str:
    """The headline: agreement, kappa, AC1 (with the band), unsure count, level call."""
    level = ""
    if c.level_call:
        verdict = "matches" if c.level_agrees else "differs from"
        level = f"<li>Your level call <b>{esc(c.level_call)}</b> {verdict} the assessor's <b>{esc(c.key_level)}</b>.</li>"
    notes = "".join(f"<li style='color:#555'>{esc(n)}</li>" for n in c.notes)
    return (
        f"<div class='ck-summary' style='font-size:1.05em'><ul>"
        f"<li>You agreed with the assessor on <b>{_num(c.percent_agreement, '{:.0%}')}</b> of the "
        f"{c.n_decided} markers you decided ({c.n_unsure} unsure or left open).</li>"
        f"<li>Cohen's kappa <b>{_num(c.kappa)}</b> ({esc(c.band)} agreement, Landis &amp; Koch 1977) · "
        f"Gwet's AC1 <b>{_num(c.ac1)}</b>, which stays meaningful when a marker is rare.</li>"
        f"{level}{notes}<li style='color:#555'>Compared with answer key version {esc(c.key_version)}.</li></ul></div>"
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


def feedback_html(c) -> str:
    """For each disagreement: the assessor's note and the lines it rests on, and the learner's own lines."""
    if not c.feedback:
        return "<p>No disagreements: you and the assessor heard the same markers.</p>"
    parts = []
    for f in c.feedback:
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


def _outcome_table_html(c) -> str:
    rows = []
    titles = {m.id: m.title for m in framework().markers}
    for r in c.table.itertuples(index=False):
        learner = {True: "evidenced", False: "not evidenced"}.get(r.learner, "unsure")
        assessor = "evidenced" if r.assessor else "not evidenced"
        match = {True: "yes", False: "no"}.get(r.evidence_match, "")
        rows.append({"marker": f"{r.marker} {titles.get(r.marker, '')}", "you": learner, "assessor": assessor,
                     "outcome": outcome_badge(r.outcome), "same moment": match})
    return table_html(rows, [("marker", "marker"), ("you", "you"), ("assessor", "assessor"),
                             ("outcome", "outcome"), ("same moment", "same moment?")], raw=frozenset({"outcome"}))


class FeedbackView(w.VBox):
    """A comparison with the answer key: the headline, each marker's outcome, the assessor's notes, a plot.

    ``on_focus(fn(marker_id))`` is called when the learner asks to see a marker's lines in the transcript.
    """

    def __init__(self, comparison=None):
        self.summary = w.HTML()
        self.plot = w.HTML()
        self.outcomes = w.HTML()
        self.details = w.HTML()
        self.focus = w.Dropdown(description="Show lines of", options=[], layout=w.Layout(width="420px"))
        self.focus.observe(lambda ch: self.show_marker(ch["new"]), "value")
        self._focus_cbs: list[Callable] = []
        self.comparison = None
        legend = " ".join(outcome_badge(k, short=False) for k in OUTCOME_STYLE)
        super().__init__([self.summary, self.plot, w.HTML(f"<div style='margin:6px 0'>{legend}</div>"),
                          self.focus, self.details, w.HTML("<h4>Every marker</h4>"), self.outcomes])
        self.layout.display = "none"
        if comparison is not None:
            self.show(comparison)

    def on_focus(self, fn) -> None:
        self._focus_cbs.append(fn)

    def show(self, comparison) -> None:
        from ..plots import agreement_by_competency

        self.comparison = comparison
        self.summary.value = "<h3>How your ratings compare with the assessor's</h3>" + comparison_summary_html(comparison)
        self.plot.value = f"<img alt='agreement by competency' src='{figure_png_data_url(agreement_by_competency(comparison))}'>"
        self.outcomes.value = _outcome_table_html(comparison)
        self.details.value = "<h4>Where you and the assessor differ</h4>" + feedback_html(comparison)
        self.focus.options = [("", "")] + [(f"{f.marker} {f.title} ({f.outcome})", f.marker) for f in comparison.feedback]
        self.layout.display = None

    def show_marker(self, marker_id: str) -> None:
        if not marker_id:
            return
        for fn in self._focus_cbs:
            fn(marker_id)


class CalibrationDashboard(w.VBox):
    """A learner's calibration: agreement over time, a heat map of over- and under-crediting, practise next."""

    def __init__(self, calibration=None):
        self.headline = w.HTML()
        self.trend = w.HTML()
        self.heat = w.HTML()
        self.next = w.HTML()
        super().__init__([self.headline, self.trend, w.HTML("<h4>Which markers you over- or under-credit</h4>"),
                          self.heat, w.HTML("<h4>Practise next</h4>"), self.next])
        if calibration is not None:
            self.show(calibration)

    def show(self, cal) -> None:
        from ..plots import agreement_over_time, bias_heatmap

        if cal.history.empty:
            self.headline.value = ("<p><b>No compared attempts yet.</b> Rate a session or an excerpt and press "
                                   "<i>Compare with the assessor</i>; your calibration appears here.</p>")
            for x in (self.trend, self.heat, self.next):
                x.value = ""
            return
        self.headline.value = (
            f"<p style='font-size:1.05em'>{len(cal.history)} attempt(s). Pooled agreement "
            f"<b>{_num(cal.percent_agreement, '{:.0%}')}</b>, kappa <b>{_num(cal.kappa)}</b>: "
            f"<b>{esc(cal.band)}</b> agreement; your latest attempt: <b>{esc(cal.latest_band)}</b>.<br>"
            f"<span style='color:#555'>Bands: {esc(cal.band_source)}</span></p>"
        )
        self.trend.value = f"<img alt='agreement over time' src='{figure_png_data_url(agreement_over_time(cal.history))}'>"
        bias = cal.bias[cal.bias["n"] > 0]
        if bias.empty:
            self.heat.value = "<p>Not enough decided markers yet.</p>"
        else:
            self.heat.value = f"<img alt='over- and under-credit per marker' src='{figure_png_data_url(bias_heatmap(bias))}'>"
        self.next.value = self._next_html(cal.practise_next)

    @staticmethod
    def _next_html(frame) -> str:
        if frame is None or frame.empty:
            return "<p>Nothing stands out: keep rating full sessions.</p>"
        rows = frame.to_dict("records")
        cols = [(c, c.replace("_", " ")) for c in frame.columns if c in ("title", "id", "focus", "why", "misses")]
        return table_html(rows, cols or [(c, c) for c in frame.columns])


class MetricsPanel(w.VBox):
    """A transcript's conversation metrics, each with the marker it speaks to, and the talk-share bar.

    These are practitioners' rules of thumb, not ICF rules.
    """

    def __init__(self, metrics: dict | None = None):
        self.table = w.HTML()
        super().__init__([self.table])
        if metrics is not None:
            self.show(metrics)

    def show(self, metrics: dict) -> None:
        self.table.value = metrics_html(metrics)

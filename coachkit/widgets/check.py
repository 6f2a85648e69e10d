"""The calibration check's views (lesson 09), the retake-or-recheck line (lesson 05) and the group's check
results (lesson 07). Thin views over :class:`coachkit.check_controller.CheckController`.

During the check nothing is compared with a key: the learner answers, moves on, and sees the result only
when the check is finished. The result never shows a key (the form stays usable): the verdict, the lean
profile, the markers that decided it, each with a practice excerpt that opens for rating here, the next step
with its date, and the dated HTML record as a real browser download.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping

import ipywidgets as w

from ..check import NOT_ICF, group_check_summary, next_check, score_check
from ..check_controller import CheckController, check_history
from ..errors import CoachkitError
from ..framework import framework
from ..library import catalogue, check_forms, load_session
from ..model import LEVEL_ORDER
from ..render import esc
from ..scoring import offered_markers
from ..session_headers import is_check
from ..settings import remember_name, remembered_name
from ..store import RatingStore
from .panels import RatingPanel

__all__ = ["CheckView", "CheckNextStep", "GroupCheckResults", "download_link"]

_ANSWERS = (("Heard", "heard"), ("Not heard", "not heard"), ("Unsure", "unsure"))
_VALUE = {"heard": True, "not heard": False, "unsure": None}
_LEVELS = [("(choose)", None)] + [(lvl, lvl) for lvl in LEVEL_ORDER]
_LEVEL_INDEX = {value: i for i, (_, value) in enumerate(_LEVELS)}
# The chosen answer in colour AND with a tick, readable without colour (the same language as the rating form).
_STYLE = """<style>
.ck-check-answer .widget-toggle-button.mod-active { color: #fff !important; font-weight: 700; }
.ck-check-answer .widget-toggle-button.mod-active::before { content: "\\2714\\00a0"; }
.ck-check-answer .widget-toggle-button:nth-child(1).mod-active { background: #0072B2 !important; }
.ck-check-answer .widget-toggle-button:nth-child(2).mod-active { background: #B34700 !important; }
.ck-check-answer .widget-toggle-button:nth-child(3).mod-active { background: #555 !important; }
</style>"""
_AUTO = w.Layout(width="auto", min_width="max-content", align_self="flex-start")


def _store(store):
    if store is not None:
        return store

    return RatingStore()


def _forms(form, sessions, forms) -> dict:
    if forms is not None:
        return {str(k): tuple(v) for k, v in dict(forms).items()}
    if sessions is not None:
        return {form or "A": tuple(sessions)}

    return dict(check_forms())


def _form_letters() -> list[str]:
    """The reserved forms' letters, from the session headers alone (no transcript or key is read)."""
    return sorted({s.meta.get("form") for s in catalogue(include_check=True) if is_check(s) and s.meta.get("form")})


def download_link(html_text: str, filename: str, label: str = "Download my check record (HTML)") -> str:
    """An HTML link that saves ``html_text`` as ``filename`` in the browser (app view and JupyterLab alike)."""
    data = base64.b64encode(html_text.encode("utf-8")).decode("ascii")
    return (
        f"<a class='ck-download' download='{esc(filename)}' href='data:text/html;base64,{data}' "
        "style='display:inline-block;padding:6px 14px;background:#1565c0;color:#fff;border-radius:4px;"
        f"text-decoration:none;font-weight:600'>&#x2B07; {esc(label)}</a>"
    )


def _error(exc) -> str:
    return f"<p style='color:#b00020'>{esc(exc)}</p>"


class CheckView(w.VBox):
    """The check: type your name, choose a form, start (or resume where you stopped).

    ``forms`` maps a form letter to its sessions (default: the library's reserved forms); ``sessions`` with
    ``form`` gives one form directly; ``practice``: the excerpts deciding markers point to (default: the
    library's); ``rule``: the pass rule (default: the kit's).
    """

    def __init__(self, form: str | None = None, store=None, sessions=None, *, forms: Mapping | None = None,
                 practice=None, rule=None, rater: str | None = None):
        self.store = _store(store)
        self.rule = rule
        self.practice = practice
        try:
            self.forms = _forms(form, sessions, forms)
        except CoachkitError as exc:
            self.forms = {}
            self._problem = str(exc)
        else:
            self._problem = ""
        self.controller: CheckController | None = None
        letters = sorted(self.forms)
        self.name = w.Text(value=rater if rater is not None else remembered_name(), description="Your name",
                           layout=w.Layout(width="320px"))
        self.form_choice = w.Dropdown(options=[(f"Form {f}", f) for f in letters] or [("no form", None)],
                                      value=(form if form in letters else (letters[0] if letters else None)),
                                      description="Form")
        self.form_choice.add_class("ck-check-form")
        self.start_button = w.Button(description="Start or resume the check", button_style="primary", layout=_AUTO)
        self.start_button.on_click(lambda _: self.start())
        self.status = w.HTML()
        self.progress_line = w.HTML()
        self.progress_line.add_class("ck-check-progress")
        self.transcript = w.HTML()
        self.questions = w.VBox()
        self.questions.add_class("ck-check-questions")
        self.next_button = w.Button(description="Next", button_style="primary", layout=_AUTO)
        self.next_button.on_click(lambda _: self.next())
        self.work = w.VBox([self.progress_line, self.transcript, self.questions, self.next_button],
                           layout=w.Layout(display="none"))
        self.result_box = w.HTML()
        self.result_box.add_class("ck-check-result")
        self.practise_buttons = w.VBox()
        self.practice_area = w.VBox()
        self.after = w.VBox([self.result_box, self.practise_buttons, self.practice_area])
        self._toggles: dict[str, w.ToggleButtons] = {}
        self._busy = False
        super().__init__([
            w.HTML(_STYLE + f"<p><b>{esc(NOT_ICF)}</b> No feedback is shown until you finish.</p>"),
            w.HBox([self.name, self.form_choice, self.start_button], layout=w.Layout(flex_flow="row wrap")),
            self.status, self.work, self.after,
        ])
        if self._problem:
            self.status.value = _error(self._problem)
        elif not letters:
            self.status.value = "<p>There is no check form in this library yet.</p>"
        elif self.name.value.strip():
            self._resume_open()

    # ------------------------------------------------------------------------------------ starting

    def _controller(self, letter: str) -> CheckController:
        return CheckController(letter, self.store, sessions=self.forms[letter], rule=self.rule,
                               practice=self.practice, forms=tuple(self.forms))

    def _resume_open(self) -> None:
        """After a reload: reopen the learner's unfinished attempt, if there is one."""
        name = self.name.value.strip()
        try:
            mine = [a for a in self.store.check_attempts() if a.rater.strip().casefold() == name.casefold()
                    and a.stage != "done" and a.form in self.forms]
        except CoachkitError:
            return
        if mine:
            latest = max(mine, key=lambda a: (a.updated, a.started))
            self.form_choice.value = latest.form
            self.start()

    def start(self) -> None:
        """Start the chosen form, or resume it where it stopped; a finished form shows its result."""
        name = self.name.value.strip()
        letter = self.form_choice.value
        self.result_box.value = ""
        self.practise_buttons.children = ()
        self.practice_area.children = ()
        if not name:
            self.status.value = _error("Type your name first, so your check is kept under it.")
            return
        if letter is None:
            return
        ctl = self._controller(letter)
        try:
            if ctl.reopen_finished(name) is not None:
                self.controller = ctl
                self.status.value = (f"<p>You have taken form {esc(letter)}: each form is taken once. "
                                     "Here is your result.</p>")
                self.work.layout.display = "none"
                self.show_result()
                return
            resumed = ctl.has_attempt(name)
            ctl.begin(name)
        except CoachkitError as exc:
            self.status.value = _error(exc)
            return
        remember_name(name)
        self.controller = ctl
        self.status.value = ("<p>Welcome back: you are where you stopped.</p>" if resumed else
                             f"<p>Form {esc(letter)} started. Take your time; your answers are saved as you go.</p>")
        self.work.layout.display = ""
        self.show_current()

    # ------------------------------------------------------------------------------- one session

    def show_current(self) -> None:
        """Show the session being rated: its transcript and its questions, with the answers kept so far."""
        ctl = self.controller
        session = ctl.current()
        progress = f"<p style='font-size:1.1em'><b>{esc(ctl.progress_text())}</b></p>"
        if session is None:
            self.progress_line.value = progress
            self.transcript.value = ""
            self.questions.children = ()
            self.next_button.description = "Finish and see my result"
            return
        lines = "".join(
            f"<p style='margin:2px 0'><b>{esc(u.speaker or u.role)}:</b> {esc(u.text)}</p>" for u in session.utterances
        )
        self.transcript.value = (
            "<div style='max-height:340px;overflow-y:auto;border:1px solid #ccc;padding:6px 10px;background:#fafafa'>"
            f"{lines}</div>"
        )
        sheet = ctl.sheets.get(session.id)
        marks = sheet.marks if sheet is not None else {}
        fw = framework()
        self._toggles = {}
        rows = []
        ask = ("Which of these markers does this moment show?" if session.kind == "excerpt" else
               "Every marker: was it heard in this session?")
        rows.append(w.HTML(f"<p><b>{esc(ask)}</b> Unsure counts as not agreeing with the assessor.</p>"))
        heading = None
        for m in offered_markers(session):
            marker = fw.marker(m)
            if session.kind == "full" and marker.competency != heading:
                heading = marker.competency
                rows.append(w.HTML(f"<h4 style='margin:10px 0 2px 0'>{heading}. "
                                   f"{esc(fw.competency(heading).name)}</h4>"))
            toggle = w.ToggleButtons(options=list(_ANSWERS), value=None, style={"button_width": "auto"})
            toggle.add_class("ck-check-answer")
            if m in marks:
                toggle.value = {True: "heard", False: "not heard", None: "unsure"}[marks[m].evidenced]
            toggle.observe(lambda ch, m=m, sid=session.id: self._answer(sid, m, ch["new"]), "value")
            self._toggles[m] = toggle
            rows.append(w.HBox([w.HTML(f"<b>{esc(m)}</b> {esc(marker.title)}", layout=w.Layout(flex="0 1 380px")),
                                toggle],
                               layout=w.Layout(flex_flow="row wrap", align_items="center", margin="0 0 2px 0",
                                               border_bottom="1px solid #eee")))
        if session.kind == "full":
            level = w.Dropdown(options=_LEVELS, index=_LEVEL_INDEX.get(sheet.level_call if sheet is not None else None, 0),
                               description="Level call", style={"description_width": "300px"},
                               layout=w.Layout(width="460px"))
            level.add_class("ck-check-level")
            level.observe(lambda ch, sid=session.id: self._call(lambda: self.controller.set_level(ch["new"]), sid),
                          "value")
            rows.append(w.HTML("<p><b>Your level call for the whole session</b> and <b>the depth of each "
                               "competency</b>:</p>"))
            rows.append(level)
            calls = sheet.competency_calls if sheet is not None else {}
            for c in fw.competencies:
                if not 3 <= c.number <= 8:
                    continue
                dd = w.Dropdown(options=_LEVELS, index=_LEVEL_INDEX.get(calls.get(c.number), 0),
                                description=f"{c.number}. {c.name}", style={"description_width": "300px"},
                                layout=w.Layout(width="460px"))
                dd.add_class("ck-check-competency")
                dd.observe(lambda ch, n=c.number, sid=session.id: self._call(
                    lambda: self.controller.call_competency(n, ch["new"]), sid), "value")
                rows.append(dd)
        self.questions.children = rows
        self.progress_line.value = progress  # last: the line changes once the new questions are in place
        last = ctl.index == len(ctl.attempt.draw) - 1
        self.next_button.description = "Finish and see my result" if last else "Save and go to the next one"

    def _answer(self, session_id: str, marker_id: str, label) -> None:
        current = self.controller.current() if self.controller is not None else None
        if label is None or current is None or current.id != session_id:
            return  # a late click on a session already left behind
        self._call(lambda: self.controller.mark(marker_id, _VALUE[label]), session_id)

    def _call(self, fn, session_id: str | None = None) -> None:
        current = self.controller.current() if self.controller is not None else None
        if session_id is not None and (current is None or current.id != session_id):
            return  # a late change on a session already left behind
        try:
            fn()
        except CoachkitError as exc:
            self.status.value = _error(exc)

    def answer(self, marker_id: str, label: str) -> None:
        """Answer one marker of the current session ("heard", "not heard" or "unsure"), as a click would."""
        self._toggles[marker_id].value = label

    def next(self) -> None:
        """Move on (what is left open counts as disagreement); after the last one, finish and show the result."""
        ctl = self.controller
        if ctl is None:
            return
        try:
            if ctl.current() is None:
                self.finish()
                return
            open_ = ctl.unanswered()
            last = ctl.index == len(ctl.attempt.draw) - 1
            ctl.next()
        except CoachkitError as exc:
            self.status.value = _error(exc)
            return
        self.status.value = (f"<p>Saved. {open_} marker(s) were left open there: they count as not agreeing.</p>"
                             if open_ else "<p>Saved.</p>")
        if last:
            self.finish()
        else:
            self.show_current()

    def finish(self) -> None:
        """Close the attempt and show the result."""
        try:
            self.controller.finish()
        except CoachkitError as exc:
            self.status.value = _error(exc)
            return
        self.work.layout.display = "none"
        self.status.value = "<p>Your check is finished.</p>"
        self.show_result()

    # ------------------------------------------------------------------------------------ the result

    def show_result(self) -> None:
        """The verdict, the profile, the deciding markers (each with an excerpt to practise), the next step and
        the record's download. Never a key."""
        ctl = self.controller
        try:
            result = ctl.result()
            step = ctl.next_step()
            record = download_link(ctl.record_html(), ctl.record_name())
        except CoachkitError as exc:
            self.result_box.value = _error(exc)
            return
        self.result_box.value = result_html(result, step.text, record)
        self.practise_buttons.children = self._deciding_rows(result.deciding)

    def _deciding_rows(self, deciding: list[dict], shown: int = 10) -> list:
        """The markers that decided it, most missed first: what happened, in words, and a practice button."""
        if not deciding:
            return [w.HTML("<p><b>Markers that decided it:</b> none; you agreed with the assessor throughout.</p>")]
        fw = framework()
        ordered = sorted(deciding, key=lambda r: -(r["over"] + r["under"] + r["unsure"]))
        rows = [w.HTML("<p><b>Markers that decided it</b>, most often missed first. A practice excerpt opens "
                       "right here; the check's own sessions and answers stay closed.</p>")]
        for r in ordered[:shown]:
            what = []
            if r["over"]:
                what.append(f"you heard it where the assessor did not ({r['over']}&times;)")
            if r["under"]:
                what.append(f"the assessor heard it where you did not ({r['under']}&times;)")
            if r["unsure"]:
                what.append(f"unsure or left open ({r['unsure']}&times;)")
            label = w.HTML(f"<b>{esc(r['marker'])}</b> {esc(fw.marker(r['marker']).title)}: {'; '.join(what)}",
                           layout=w.Layout(flex="1 1 320px"))
            items = [label]
            if r["practise"]:
                b = w.Button(description=f"Practise {r['marker']}", layout=_AUTO,
                             tooltip=f"Open a practice excerpt for marker {r['marker']}")
                b.on_click(lambda _, sid=r["practise"]: self.practise(sid))
                items.append(b)
            rows.append(w.HBox(items, layout=w.Layout(flex_flow="row wrap", align_items="center",
                                                      border_bottom="1px solid #eee", padding="2px 0")))
        if len(ordered) > shown:
            rows.append(w.HTML(f"<p>and {len(ordered) - shown} more marker(s) missed once or twice.</p>"))
        return rows

    def practise(self, session_id: str) -> None:
        """Open a practice excerpt for rating below the result."""

        session = None
        for s in self.practice or ():
            if s.id == session_id:
                session = s
        try:
            if session is None:
                session = load_session(session_id)
            self.practice_area.children = [RatingPanel(session, store=self.store, rater=self.name.value.strip())]
        except CoachkitError as exc:
            self.practice_area.children = [w.HTML(_error(exc))]


def result_html(result, next_text: str, record_link: str = "") -> str:
    """The result in plain words: verdict, the four figures against their bars, the next step, the record's
    download, and the lenient-or-harsh profile. Never a key."""
    names = {
        "A": "markers and level calls agreeing with the assessor",
        "K": "agreement on the full sessions beyond chance (kappa)",
        "C": "competency calls exactly as the assessor's",
        "W": "competency calls close to the assessor's (weighted kappa)",
    }
    verdict = ("<span style='color:#1b5e20'>&#10003; Passed</span>" if result.passed else
               "<span style='color:#8a4b00'>&#9675; Not passed yet</span>")
    rows = "".join(
        f"<tr><td style='padding:2px 8px'>{esc(names[k])}</td>"
        f"<td style='padding:2px 8px'>{_pct(result.values[k], k)}</td>"
        f"<td style='padding:2px 8px'>needs {_pct(result.thresholds[k], k)}</td>"
        f"<td style='padding:2px 8px'>{'&#10003; met' if result.passes[k] else '&#10007; not met'}</td></tr>"
        for k in ("A", "K", "C", "W")
    )
    leans = [r for r in result.profile.to_dict("records") if r["sentence"] != "no clear lean"]
    lean_html = ("".join(f"<li>{esc(r['sentence'])}</li>" for r in leans) if leans else
                 "<li>No clear lean towards lenient or harsh in any competency.</li>")
    imported = "<p><b>Imported result: not vouched for.</b></p>" if result.imported else ""
    return (
        f"<h3 style='margin:4px 0'>Form {esc(result.form)}: {verdict}</h3>{imported}"
        f"<table style='border-collapse:collapse'>{rows}</table>"
        f"<p style='font-size:1.05em'><b>Next:</b> {esc(next_text)}</p>"
        + (f"<p>{record_link}</p>" if record_link else "")
        + f"<p style='color:#555'>{esc(NOT_ICF)}</p>"
        f"<p><b>Lenient or harsh</b> (shown only where the difference is clear):</p><ul>{lean_html}</ul>"
    )


def _pct(x: float, k: str) -> str:
    if x != x:
        return "n/a"
    return f"{x:.0%}" if k in ("A", "C") else f"{x:.2f}"


class CheckNextStep(w.VBox):
    """Lesson 05's line: the learner's check results so far and the retake or recheck with its date."""
    def __init__(self, store=None, rater: str | None = None, forms: Mapping | None = None, rule=None):
        self.store = _store(store)
        self.rule = rule
        self._forms = forms
        self.name = w.Text(value=rater if rater is not None else remembered_name(), description="Your name")
        self.button = w.Button(description="Show my check and next step", layout=_AUTO)
        self.button.on_click(lambda _: self.refresh())
        self.out = w.HTML()
        super().__init__([w.HBox([self.name, self.button], layout=w.Layout(flex_flow="row wrap")), self.out])
        if self.name.value.strip():
            self.refresh()

    def refresh(self) -> None:
        name = self.name.value.strip()
        if not name:
            self.out.value = "<p>Type the name you rate under.</p>"
            return
        try:
            # the forms' sessions are read only when there is an attempt to score; the next step needs only
            # which forms exist (their headers)
            taken = self.store is not None and bool(self.store.check_attempts())
            forms = _forms(None, None, self._forms) if (taken or self._forms is not None) else None
            history = check_history(self.store, name, (lambda f: forms[f]) if self._forms is not None else None,
                                    rule=self.rule) if taken else []
            letters = sorted(forms) if forms is not None else _form_letters()
            step = next_check(history, letters, rule=self.rule)
        except CoachkitError as exc:
            self.out.value = _error(exc)
            return
        done = "".join(
            f"<li>Form {esc(a.form)}, {esc(a.updated[:10])}: {'passed' if r.passed else 'not passed yet'}</li>"
            for a, r in history
        )
        taken = f"<ul>{done}</ul>" if done else "<p>You have not taken a calibration check yet (lesson 09).</p>"
        self.out.value = f"<p><b>Calibration check</b></p>{taken}<p><b>Next:</b> {esc(step.text)}</p>"


class GroupCheckResults(w.VBox):
    """The facilitator's view of the group's check results: pass or not, and the lean profile; anonymous
    unless *show names* is ticked (as in the group dashboard)."""

    def __init__(self, store=None, *, forms: Mapping | None = None, names: bool = False, rule=None):
        self.store = _store(store)
        self.rule = rule
        self._forms = forms
        self.names_box = w.Checkbox(value=bool(names), description="show names", indent=False)
        self.names_box.observe(lambda _: self.refresh(), "value")
        self.refresh_button = w.Button(description="Refresh", layout=_AUTO)
        self.refresh_button.on_click(lambda _: self.refresh())
        self.table = w.HTML()
        super().__init__([w.HBox([self.refresh_button, self.names_box]), self.table])
        self.refresh()

    def results(self) -> list:
        """(attempt, result) for every finished attempt in the store."""
        pairs = []
        sheets = None
        for attempt in self.store.check_attempts():
            if attempt.stage != "done":
                continue
            try:
                if sheets is None:
                    sheets = self.store.sheets()
                given = self._forms[attempt.form] if self._forms is not None else None
                pairs.append((attempt, score_check(attempt, sheets, given, rule=self.rule)))
            except (CoachkitError, KeyError):
                continue
        return pairs

    def refresh(self) -> None:
        try:
            # a person is an installation and a name (two people may share one machine, e.g. in a workshop)
            pairs = [(dataclasses.replace(a, rater_id=f"{a.rater_id}/{a.rater.strip().casefold()}"), r)
                     for a, r in self.results()]
            pairs.sort(key=lambda p: (p[0].rater_id, p[0].form, p[0].started))
            if not pairs:  # nothing to tabulate: no table library loaded for it
                self.table.value = "<p>No finished calibration checks in this group yet.</p>"
                return
            frame = group_check_summary(pairs, show_names=self.names_box.value)  # the same order, numbered
        except CoachkitError as exc:
            self.table.value = _error(exc)
            return
        cell = "style='padding:4px 10px;vertical-align:top;white-space:nowrap'"
        rows = []
        for (_, result), r in zip(pairs, frame.to_dict("records"), strict=True):
            verdict = "&#10003; passed" if r["passed"] else "&#9675; not yet"
            if not r["vouched_for"]:
                verdict += "<br><i>imported: not vouched for</i>"
            rows.append(
                f"<tr style='border-top:1px solid #ddd'><td {cell}>{esc(r['participant'])}</td>"
                f"<td {cell}>{esc(r['form'])}</td><td {cell}>{verdict}</td>"
                f"<td style='padding:4px 10px;vertical-align:top'>{_leans(result.profile)}</td></tr>"
            )
        n_pass = int(frame["passed"].sum())
        self.table.value = (
            f"<p>{n_pass} of {len(frame)} finished checks passed.</p>"
            "<table style='border-collapse:collapse'><tr>"
            f"<th {cell}>participant</th><th {cell}>form</th><th {cell}>result</th>"
            "<th style='padding:4px 10px;text-align:left'>lenient or harsh (clear leans only)</th></tr>"
            + "".join(rows) + "</table>"
        )


def _leans(profile) -> str:
    """A participant's clear leans in short words, for the facilitator (no second person)."""
    found = []
    for r in profile.to_dict("records"):
        if r["sentence"] == "no clear lean":
            continue
        way = "lenient" if r["difference"] > 0 else "harsh"
        found.append(f"{r['competency']}. {esc(r['name'])}: <b>{way}</b> (credits {r['learner_credits']:.0%} "
                     f"where the assessor credits {r['assessor_credits']:.0%}, {r['n']} decisions)")
    return "<br>".join(found) or "no clear lean"

"""RatingForm: rate the markers of one session with evidence, a note and an overall level call.

The form saves nothing itself: it hands every change to the callbacks it is given (a
:class:`coachkit.controller.RatingController` saves it to the store at once). Handlers are plain methods
taking plain values, so tests drive the form without a browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import ipywidgets as w

from ..errors import CoachkitError
from ..framework import framework
from ..model import LEVEL_ORDER, RatingSheet
from ..render import esc

__all__ = ["RatingForm", "parse_ids", "FORM_CSS"]

_CHOICES = ("evidenced", "not", "unsure")
_VALUE = {"evidenced": True, "not": False, "unsure": None}
_LABEL = {True: "evidenced", False: "not", None: "unsure"}
_LEVEL_WORDS = {"below": "below", "ACC": "ACC", "PCC": "PCC", "MCC": "MCC"}
_LEVEL_TIPS = {"below": "below the ACC standard", "ACC": "ACC level", "PCC": "PCC level", "MCC": "MCC level"}

#: The chosen answer is unmistakable: a strong colour (Okabe-Ito) AND a symbol before its word, so it reads
#: without colour too; the marker being edited is outlined.
FORM_CSS = """<style>
.ck-choice .widget-toggle-button.mod-active { color: #fff !important; font-weight: 700; }
.ck-choice .widget-toggle-button.mod-active::before { content: "\\2714\\00a0"; }
.ck-choice .widget-toggle-button:nth-child(1).mod-active { background: #0072B2 !important; }
.ck-choice .widget-toggle-button:nth-child(2).mod-active { background: #B34700 !important; }
.ck-choice .widget-toggle-button:nth-child(3).mod-active { background: #555 !important; }
.ck-level .widget-toggle-button.mod-active { background: #0072B2 !important; color: #fff !important; font-weight: 700; }
.ck-level .widget-toggle-button.mod-active::before { content: "\\2714\\00a0"; }
.ck-marker-button.ck-active { outline: 3px solid #CC79A7; font-weight: 700; }
.ck-compared .ck-choice, .ck-compared .ck-level, .ck-compared .widget-text, .ck-compared .widget-textarea,
.ck-compared .ck-use-picked { pointer-events: none; opacity: 0.8; }
</style>"""


def parse_ids(text: str) -> list[str]:
    """Turn ids typed by a learner into a list: ``"u12, u14 15"`` -> ``['u12', 'u14', 'u15']``.

    >>> parse_ids("u12, u14 15")
    ['u12', 'u14', 'u15']
    """
    out = []
    for part in re.split(r"[\s,;]+", text or ""):
        part = part.strip()
        if not part:
            continue
        out.append(f"u{part}" if part.isdigit() else part)
    return out


class RatingForm(w.VBox):
    """All 37 markers grouped by competency (or an excerpt's focus markers only), then, for a full session,
    each competency's depth and the overall level call.

    Callbacks: ``on_start(fn(name))``, ``on_change(fn(marker_id, evidenced, evidence, note))``,
    ``on_level(fn(level))``, ``on_competency(fn(number, level))``, ``on_submit(fn())``, ``on_select(fn(marker_id))``
    (the learner opened a marker's evidence). ``picked`` returns the turns picked in a transcript view and
    ``clear_picked`` clears them once they are used.
    """

    def __init__(self, markers: Sequence[str] | None = None, name: str = "", picked: Callable[[], list] | None = None,
                 marker_height: str = "none", clear_picked: Callable[[], None] | None = None,
                 ask_level: bool | None = None):
        fw = framework()
        self.marker_ids = tuple(markers) if markers else fw.marker_ids
        for mid in self.marker_ids:
            fw.marker(mid)
        self.full = ask_level if ask_level is not None else set(self.marker_ids) == set(fw.marker_ids)
        self._picked = picked or (lambda: [])
        self._clear_picked = clear_picked or (lambda: None)
        self._start_cbs: list[Callable] = []
        self._change_cbs: list[Callable] = []
        self._level_cbs: list[Callable] = []
        self._competency_cbs: list[Callable] = []
        self._submit_cbs: list[Callable] = []
        self._select_cbs: list[Callable] = []
        self._quiet = False
        self.started = False
        self.compared = False
        self.values: dict[str, bool | None] = {}
        self.decided_ids: set[str] = set()
        self.evidence: dict[str, list[str]] = {}
        self.notes: dict[str, str] = {}
        self.active: str = self.marker_ids[0]

        self.name = w.Text(value=name, placeholder="your first name", description="Your name",
                           layout=w.Layout(width="260px"))
        self.start_button = w.Button(description="Start rating", button_style="primary",
                                     layout=w.Layout(width="auto", min_width="140px"))
        self.start_button.on_click(lambda _: self.start(self.name.value))
        self.status = w.HTML()
        self.progress_bar = w.IntProgress(min=0, max=len(self.marker_ids), layout=w.Layout(width="200px"))
        self.progress = w.HTML(self._progress_text())

        self.toggles: dict[str, w.ToggleButtons] = {}
        self.summaries: dict[str, w.HTML] = {}
        self.marker_buttons: dict[str, w.Button] = {}
        # One layout and one style shared by every row's like widgets: each is a model the browser must
        # create, so 37 rows share 8 instead of making 280.
        shared = {
            "button": w.Layout(width="52px", flex="0 0 auto"), "button_style": w.ButtonStyle(),
            "label": w.Layout(flex="1 1 160px", min_width="160px"), "label_style": w.HTML().style,
            "toggle": w.Layout(width="auto", flex="0 0 auto"), "toggle_style": w.ToggleButtonsStyle(button_width="100px"),
            "row": w.Layout(align_items="center", flex="0 0 auto", flex_flow="row wrap"),
            "group": w.Layout(flex="0 0 auto"),
        }
        groups = []
        for comp in fw.competencies:
            ids = [m.id for m in comp.markers if m.id in self.marker_ids]
            if not ids:
                continue
            rows = [w.HTML(f'<h4 style="margin:10px 0 2px 0">{comp.number}. {esc(comp.name)}</h4>')]
            for mid in ids:
                button = w.Button(description=mid, tooltip=f"evidence and note for {mid}", layout=shared["button"],
                                  style=shared["button_style"])
                button.add_class("ck-marker-button")
                button.on_click(lambda _, mid=mid: self.open_marker(mid))
                summary = w.HTML(self._label_html(mid), layout=shared["label"], style=shared["label_style"])
                toggle = w.ToggleButtons(options=_CHOICES, value=None, style=shared["toggle_style"],
                                         layout=shared["toggle"],
                                         tooltips=["I heard it", "not evidenced: I did not hear it", "I cannot tell yet"])
                toggle.add_class("ck-choice")
                toggle.observe(lambda ch, mid=mid: self._toggle_changed(mid, ch["new"]), "value")
                self.toggles[mid] = toggle
                self.summaries[mid] = summary
                self.marker_buttons[mid] = button
                # a narrow column (JupyterLab beside the transcript) wraps the buttons under the title
                rows.append(w.HBox([button, summary, toggle], layout=shared["row"]))
            groups.append(w.VBox(rows, layout=shared["group"]))

        self.editor_title = w.HTML()
        self.evidence_text = w.Text(placeholder="line ids, e.g. u12 u14", description="Lines",
                                    continuous_update=False, layout=w.Layout(width="260px"))
        self.evidence_text.observe(lambda ch: self.set_evidence(self.active, parse_ids(ch["new"])), "value")
        self.use_picked = w.Button(description="use the picked lines", tooltip="the lines you clicked in the transcript",
                                   layout=w.Layout(width="auto", min_width="170px"))
        self.use_picked.add_class("ck-use-picked")
        self.use_picked.on_click(lambda _: self.use_picked_lines())
        self.note_text = w.Textarea(placeholder="what you heard (optional)", description="Note",
                                    continuous_update=False, layout=w.Layout(width="95%", height="52px"))
        self.note_text.observe(lambda ch: self.set_note(self.active, ch["new"]), "value")
        self.editor = w.VBox([self.editor_title, w.HBox([self.evidence_text, self.use_picked]), self.note_text],
                             layout=w.Layout(border="2px solid #CC79A7", padding="6px", margin="6px 0"))

        self.competency_toggles: dict[int, w.ToggleButtons] = {}
        self.level: w.ToggleButtons | None = None
        tail = self._level_widgets(fw) if self.full else []  # an excerpt asks for neither: no widgets to send
        self.submit_button = w.Button(description="Compare with the assessor", button_style="success",
                                      layout=w.Layout(width="auto", min_width="240px"))
        self.submit_button.on_click(lambda _: self.submit())
        self.new_attempt_button = w.Button(description="Start a new attempt", button_style="warning",
                                           layout=w.Layout(width="auto", min_width="180px", display="none"))

        self.markers_box = w.VBox(groups, layout=w.Layout(max_height=marker_height, overflow="auto",
                                                          border="1px solid #ddd", padding="0 6px"))
        self.body = w.VBox([w.HBox([self.progress_bar, self.progress]), self.editor, self.markers_box, *tail,
                            w.HBox([self.submit_button, self.new_attempt_button])])
        self._set_enabled(False)
        self._select(self.active)
        super().__init__([w.HTML(FORM_CSS), w.HBox([self.name, self.start_button]), self.status, self.body])

    def _level_widgets(self, fw) -> list:
        """The competency depth calls (3 to 8) and the overall level call, for a full session."""
        level_options = [(_LEVEL_WORDS[x], x) for x in LEVEL_ORDER]
        comp_rows = []
        for comp in fw.competencies:
            if not comp.markers or comp.number < 3:
                continue
            t = w.ToggleButtons(options=level_options, value=None, style={"button_width": "78px"},
                                layout=w.Layout(width="auto", flex="0 0 auto"),
                                tooltips=[_LEVEL_TIPS[x] for x in LEVEL_ORDER])
            t.add_class("ck-level")
            t.observe(lambda ch, n=comp.number: self.set_competency(n, ch["new"]), "value")
            self.competency_toggles[comp.number] = t
            comp_rows.append(w.HBox([w.HTML(f"<b>{comp.number}</b> {esc(comp.name)}",
                                            layout=w.Layout(flex="1 1 200px", min_width="200px")), t],
                                    layout=w.Layout(align_items="center", flex_flow="row wrap")))
        self.competencies_box = w.VBox(
            [w.HTML("<b>How deep is each competency?</b> <span style='color:#555'>After the markers: for each "
                    "competency, the level its depth reaches in this session.</span>"), *comp_rows])

        self.level = w.ToggleButtons(options=level_options, value=None, style={"button_width": "78px"},
                                     layout=w.Layout(width="auto"), tooltips=[_LEVEL_TIPS[x] for x in LEVEL_ORDER])
        self.level.add_class("ck-level")
        self.level.observe(lambda ch: self.set_level(ch["new"]), "value")
        self.level_box = w.VBox([w.HTML("<b>Overall, what level is this coaching?</b>"), self.level])
        return [self.competencies_box, self.level_box]

    # -- callbacks -----------------------------------------------------------------------------------------
    def on_start(self, fn): self._start_cbs.append(fn)  # noqa: E704
    def on_change(self, fn): self._change_cbs.append(fn)  # noqa: E704
    def on_level(self, fn): self._level_cbs.append(fn)  # noqa: E704
    def on_competency(self, fn): self._competency_cbs.append(fn)  # noqa: E704
    def on_submit(self, fn): self._submit_cbs.append(fn)  # noqa: E704
    def on_select(self, fn): self._select_cbs.append(fn)  # noqa: E704

    def _call(self, callbacks, *args) -> bool:
        try:
            for fn in callbacks:
                fn(*args)
        except CoachkitError as exc:
            self.say(str(exc), error=True)
            return False
        return True

    def say(self, text: str, error: bool = False) -> None:
        colour = "#b00020" if error else "#1a5e1a"
        self.status.value = f'<span style="color:{colour}">{esc(text)}</span>' if text else ""

    # -- handlers (plain values in) ------------------------------------------------------------------------
    def start(self, name: str) -> bool:
        name = (name or "").strip()
        if not name:
            self.say("Type your first name first, so your ratings are kept under it.", error=True)
            return False
        self.say("")
        if self._call(self._start_cbs, name):
            self.started = True
            self._set_enabled(True)
            self.start_button.description = "Rating as " + name[:20]
            return True
        return False

    def set_mark(self, marker_id: str, evidenced: bool | None) -> None:
        """What choosing evidenced / not evidenced / unsure does."""
        self.values[marker_id] = evidenced
        self.decided_ids.add(marker_id)
        self._select(marker_id)
        self._emit(marker_id)

    def open_marker(self, marker_id: str) -> None:
        """What clicking a marker's number does: its evidence and note open in the editor."""
        self._select(marker_id)
        self._call(self._select_cbs, marker_id)

    def use_picked_lines(self) -> None:
        """What "use the picked lines" does: the picked lines become the active marker's evidence, and the
        picks are cleared so the next marker starts fresh."""
        ids = list(self._picked())
        if not ids:
            self.say("Click the lines in the transcript that show it first, then press this.", error=True)
            return
        self.set_evidence(self.active, ids)
        self._clear_picked()

    def set_evidence(self, marker_id: str, ids: list[str]) -> None:
        if self._quiet:
            return
        self.evidence[marker_id] = list(ids)
        if marker_id not in self.decided_ids and ids:
            self.values[marker_id] = True
            self.decided_ids.add(marker_id)
            quiet, self._quiet = self._quiet, True
            try:
                self.toggles[marker_id].value = "evidenced"
            finally:
                self._quiet = quiet
        self._emit(marker_id)

    def set_note(self, marker_id: str, note: str) -> None:
        if self._quiet:
            return
        self.notes[marker_id] = note
        if marker_id in self.decided_ids:
            self._emit(marker_id)
        else:
            self._refresh(marker_id)

    def set_level(self, level: str | None) -> None:
        if self._quiet:
            return
        self._call(self._level_cbs, level)

    def set_competency(self, number: int, level: str | None) -> None:
        if self._quiet:
            return
        self._call(self._competency_cbs, number, level)

    def submit(self) -> None:
        undecided = [m for m in self.marker_ids if m not in self.decided_ids]
        if len(undecided) == len(self.marker_ids):
            self.say("Decide at least one marker before comparing.", error=True)
            return
        if self.full and self.level.value is None:
            self.say("One step left before comparing: make your overall level call (below, ACC, PCC or MCC) "
                     "under the markers. It is part of what you practise.", error=True)
            return
        if self._call(self._submit_cbs):
            self.say("Compared with the assessor's key. Your feedback is below.")

    def show_compared(self, compared: bool) -> None:
        """After a Compare the attempt is closed: the form reads as done (one style change, not one message per
        button) and offers a new attempt."""
        self.compared = compared
        if compared:
            self.body.add_class("ck-compared")
        else:
            self.body.remove_class("ck-compared")
            self._set_enabled(self.started)
        self.submit_button.layout.display = "none" if compared else None
        self.new_attempt_button.layout.display = None if compared else "none"

    def _emit(self, marker_id: str) -> None:
        ok = self._call(self._change_cbs, marker_id, self.values.get(marker_id), self.evidence.get(marker_id, []),
                        self.notes.get(marker_id, ""))
        if ok:
            self.say("")
        self._refresh(marker_id)

    def _toggle_changed(self, marker_id: str, label: str | None) -> None:
        if self._quiet or label is None:
            return
        if self.compared:
            self.say("This attempt is compared with the assessor. Press “Start a new attempt” to rate it again.",
                     error=True)
            quiet, self._quiet = self._quiet, True
            try:
                self.toggles[marker_id].value = _LABEL[self.values[marker_id]] if marker_id in self.decided_ids else None
            finally:
                self._quiet = quiet
            return
        self.set_mark(marker_id, _VALUE[label])

    # -- display -----------------------------------------------------------------------------------------
    def show(self, sheet: RatingSheet) -> None:
        """Show a saved sheet (a resumed attempt) without sending anything back."""
        self._quiet = True
        try:
            for store in (self.values, self.evidence, self.notes, self.decided_ids):
                store.clear()
            for mid, mark in sheet.marks.items():
                if mid not in self.toggles:
                    continue
                self.values[mid] = mark.evidenced
                self.decided_ids.add(mid)
                self.evidence[mid] = list(mark.evidence)
                self.notes[mid] = mark.note
            for mid in self.marker_ids:
                self.toggles[mid].value = _LABEL[self.values[mid]] if mid in self.decided_ids else None
                self._refresh(mid)
            if self.level is not None:
                self.level.value = sheet.level_call
            for number, toggle in self.competency_toggles.items():
                toggle.value = sheet.competency_calls.get(number)
            self._select(self.active)
        finally:
            self._quiet = False
        self._set_enabled(True)

    def _select(self, marker_id: str) -> None:
        previous = self.marker_buttons.get(self.active)
        if previous is not None:
            previous.remove_class("ck-active")
        self.active = marker_id
        self.marker_buttons[marker_id].add_class("ck-active")
        m = framework().marker(marker_id)
        self.editor_title.value = f"<b>Evidence and note for {esc(marker_id)} {esc(m.title)}</b>"
        quiet, self._quiet = self._quiet, True
        try:
            self.evidence_text.value = " ".join(self.evidence.get(marker_id, []))
            self.note_text.value = self.notes.get(marker_id, "")
        finally:
            self._quiet = quiet

    def _refresh(self, marker_id: str) -> None:
        ids = self.evidence.get(marker_id, [])
        note = self.notes.get(marker_id, "")
        bits = []
        if marker_id in self.decided_ids:
            value = self.values.get(marker_id)
            bits.append({True: "✔ evidenced", False: "✘ not evidenced", None: "? unsure"}[value])
        if ids:
            bits.append("lines " + ", ".join(ids))
        if note:
            bits.append("note ✓")
        self.summaries[marker_id].value = self._label_html(marker_id, " · ".join(bits))
        if marker_id == self.active and not self._quiet:
            quiet, self._quiet = self._quiet, True
            try:
                self.evidence_text.value = " ".join(ids)
            finally:
                self._quiet = quiet
        self.progress_bar.value = self.n_decided
        self.progress.value = self._progress_text()

    @staticmethod
    def _label_html(marker_id: str, status: str = "") -> str:
        """A marker's title (its description on hover) and, below it, the learner's answer in words."""
        m = framework().marker(marker_id)
        line = (f'<span class="ck-status" style="display:block;line-height:1.3;color:#444;font-size:0.9em">'
                f'{esc(status)}</span>' if status else "")
        return f'<span title="{esc(m.description)}" style="display:block;line-height:1.3">{esc(m.title)}</span>{line}'

    @property
    def n_decided(self) -> int:
        """Markers marked evidenced or not evidenced (unsure ones are not decided yet)."""
        return sum(1 for m in self.decided_ids if m in self.toggles and self.values.get(m) is not None)

    def _progress_text(self) -> str:
        if not hasattr(self, "toggles"):
            return f"<b>0 of {len(self.marker_ids)} decided</b>"
        unsure = sum(1 for m in self.decided_ids if self.values.get(m) is None)
        extra = f" · {unsure} unsure" if unsure else ""
        return f"<b>{self.n_decided} of {len(self.marker_ids)} decided</b>{extra}"

    def _set_enabled(self, enabled: bool) -> None:
        for t in (*self.toggles.values(), *self.competency_toggles.values()):
            t.disabled = not enabled
        for x in (self.evidence_text, self.use_picked, self.note_text, self.level, self.submit_button):
            if x is not None:
                x.disabled = not enabled

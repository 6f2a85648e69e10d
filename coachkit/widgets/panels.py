"""What the lessons show: each a widget built in one call, so a lesson's code cell is one short line.

The panels wire views to the core: a :class:`~coachkit.controller.RatingController` saves every change
to the store; the views only display and hand on what the learner does.
"""

from __future__ import annotations

import re

import ipywidgets as w

from ..controller import RatingController, remember_session, remembered_session
from ..convenience import calibration
from ..drill import drill_questions
from ..errors import CoachkitError
from ..framework import framework
from ..library import canonical_id, catalogue, load_session, scenario_sessions
from ..library import sessions as library_sessions
from ..metrics import conversation_metrics, metric_reasons
from ..model import slug
from ..redaction import redact
from ..render import esc, shown_path, table_html
from ..settings import remember_name, remembered_name
from ..store import RatingStore
from ..transcripts import load_transcript
from .feedback import CalibrationDashboard, FeedbackView, MetricsPanel, competency_rows
from .keyeditor import whole_labels
from .markers import MarkerBrowser, MarkerDrill
from .rating import RatingForm
from .transcript import TranscriptView, save_upload

__all__ = ["RatingPanel", "SessionPicker", "LevelsSideBySide", "MyCalibration", "BringYourOwn", "StartHere",
           "marker_tour", "marker_drill"]


def _store(store):
    if store is not None:
        return store

    return RatingStore()


def _session(session):
    if isinstance(session, str):
        return load_session(session)
    return session


def _error_box(exc: Exception) -> w.HTML:
    return w.HTML(f"<p style='color:#b00020'><b>Cannot show this:</b> {esc(exc)}</p>")


class RatingPanel(w.VBox):
    """Read a session, rate it with evidence, compare with the assessor's key, see where you differ.

    Every change is saved at once. When the kit knows the learner's name, their latest attempt comes back
    as they left it (every mark, line, note and call); a compared attempt comes back with its feedback and a
    "Start a new attempt" button.
    """

    def __init__(self, session, store=None, focus_only: bool | None = None, recording=None, rater: str | None = None):
        self.session = _session(session)
        self.store = _store(store)
        self.controller = RatingController(self.session, self.store)
        focus = self.session.focus if (focus_only or (focus_only is None and self.session.kind == "excerpt")) else None
        self.markers = tuple(focus) if focus else None
        self.transcript = TranscriptView(self.session, recording=recording, height="72vh")
        name = rater if rater is not None else remembered_name()
        self.form = RatingForm(markers=focus or None, name=name, picked=lambda: list(self.transcript.selected),
                               clear_picked=self.transcript.clear, marker_height="none" if focus else "44vh",
                               ask_level=self.session.kind == "full")
        self.feedback = FeedbackView()
        self.form.on_start(self._start)
        self.form.on_change(self.controller.mark)
        self.form.on_change(lambda *_: self._remember())
        self.form.on_level(self.controller.set_level)
        self.form.on_competency(self.controller.call_competency)
        self.form.on_submit(self._submit)
        self.form.on_select(self._show_mine)
        self.form.new_attempt_button.on_click(lambda _: self.new_attempt())
        self.feedback.on_focus(self._focus)
        if self.session.key is None:
            self.form.submit_button.description = "Finish my self-rating"
        header = w.HTML(self._header())
        self.transcript.layout = w.Layout(width="52%")
        self.form.layout = w.Layout(width="48%", padding="0 0 0 10px")
        side_by_side = w.HBox([self.transcript, self.form], layout=w.Layout(width="100%", align_items="flex-start"))
        super().__init__([header, side_by_side, self.feedback])
        if name and name.strip():
            self.form.start(name)  # the kit knows the learner: reopen their attempt as they left it

    def _header(self) -> str:
        s = self.session
        mins = f" · {s.minutes:.0f} minutes" if s.minutes and s.minutes >= 10 else (f" · {s.minutes:.1f} minutes" if s.minutes else "")
        focus = f" · listen for {', '.join(s.focus)}" if s.focus else ""
        desc = f"<p style='max-width:60em'>{esc(s.description)}</p>" if s.description else ""
        return (f"<h3 style='margin-bottom:2px'>{esc(neutral_title(s))}</h3><div style='color:#555'>{esc(s.kind)}{esc(mins)}"
                f"{esc(focus)}</div>{desc}<p style='color:#555'>Click lines in the transcript to pick them, then "
                f"press <i>use the picked lines</i> for the marker you are rating. Click a marker's number to "
                f"see and change its lines and note.</p>")

    def _start(self, name: str) -> None:
        sheet = self.controller.start(name)
        remember_name(name)
        _warm_scoring()
        if sheet.marks or sheet.level_call or sheet.competency_calls:
            self.form.show(sheet)
            if self.controller.compared:
                self._show_feedback()
                self.form.show_compared(True)
                self.form.say(f"Welcome back, {name}: this attempt was compared with the assessor; your feedback "
                              "is below. Press “Start a new attempt” to rate it again from scratch.")
            else:
                self.form.say(f"Welcome back, {name}: your unfinished attempt is here as you left it.")

    def _remember(self) -> None:
        if not getattr(self, "_remembered", False):
            remember_session(self.session.id)
            self._remembered = True

    def new_attempt(self) -> None:
        """A fresh sheet for this session; the compared one stays in the learner's history."""
        name = self.controller.sheet.rater if self.controller.sheet else self.form.name.value
        self.controller.start(name, new_attempt=True)
        self.form.show(self.controller.sheet)
        self.form.show_compared(False)
        self.feedback.hide()
        self.transcript.show_evidence()
        self.form.say("A new attempt: your earlier one is kept in your calibration.")

    def _competencies(self):

        if self.session.kind != "full":
            return []
        return competency_rows(self.feedback.comparison, self.controller.sheet, self.session)

    def _show_feedback(self, comparison=None) -> None:
        comparison = comparison or self.controller.comparison()
        self.feedback.comparison = comparison
        self.feedback.show(comparison, self.markers, self._competencies())

    def _submit(self) -> None:
        if self.session.key is None:
            self.controller.sheet.finished = True
            self.controller._save()
            return
        self._show_feedback(self.controller.submit())
        self.form.show_compared(True)

    def _show_mine(self, marker_id: str) -> None:
        mark = self.controller.sheet.marks.get(marker_id) if self.controller.sheet else None
        if mark and mark.evidence:
            self.transcript.show_evidence(learner=mark.evidence)

    def _focus(self, marker_id: str) -> None:
        key = self.session.key
        mark = self.controller.sheet.marks.get(marker_id) if self.controller.sheet else None
        decision = key.decisions.get(marker_id) if key else None
        assessor = [*(decision.evidence if decision else ()), *(decision.opportunity if decision else ())]
        self.transcript.show_evidence(learner=mark.evidence if mark else (), assessor=assessor)


_LEVEL_IN_TITLE = re.compile(r"\s*\((?:ACC|PCC|MCC|below)\)\s*$", re.IGNORECASE)


def neutral_title(session) -> str:
    """A session's title with any level in brackets taken off (the level is the learner's call); sessions
    that then share a title are told apart by a letter that says nothing about their level.

    >>> from coachkit.model import Session
    >>> neutral_title(Session("x", "Priya weighs a move (PCC)", "full", "PCC", (), "", ()))
    'Priya weighs a move (version 1)'
    """
    title = _LEVEL_IN_TITLE.sub("", session.title)
    if title == session.title:
        return title
    import hashlib

    return f"{title} (version {int(hashlib.sha1(session.id.encode()).hexdigest(), 16) % 9 + 1})"


def _warm_scoring() -> None:
    """Load the scoring module and pandas in the background while the learner rates, so the first press of
    Compare does not wait for them (pandas is a heavy optional import)."""
    import sys
    import threading

    if "pandas" not in sys.modules:
        threading.Thread(target=lambda: __import__("coachkit.scoring") and __import__("pandas"), daemon=True,
                         name="coachkit-warm-scoring").start()


def _neutral_label(s) -> str:
    """A session's name in a list: its title and kind, never its level (that is the learner's call)."""
    return f"{neutral_title(s)} (excerpt)" if s.kind == "excerpt" else neutral_title(s)


class SessionPicker(w.VBox):
    """Choose a session from the library (filtered by kind or a list of ids), then rate it.

    The list shows titles only, in a neutral (alphabetical) order, so it never gives a level away; it opens
    on the session the learner last worked on."""

    def __init__(self, ids=None, kind=None, store=None, title="Choose a session", first: str | None = None):
        self.store = store
        found = catalogue(kind)  # titles only: a session's talk and key are read when it is opened
        if ids is None:
            found = sorted(found, key=lambda s: (neutral_title(s).casefold(), s.id))
        else:
            wanted = {canonical_id(i) for i in ids}
            found = [s for s in found if s.id in wanted]
        options = [(_neutral_label(s), s.id) for s in found]
        values = [v for _, v in options]
        start = remembered_session(values) or (first if first in values else (values[0] if values else None))
        self.choice = w.Dropdown(options=options, value=start, description="Session", layout=w.Layout(width="640px"))
        self.area = w.VBox()
        self.choice.observe(lambda ch: self.choose(ch["new"]), "value")
        super().__init__([w.HTML(f"<b>{esc(title)}</b>"), self.choice, self.area])
        if start:
            self.show_session(start)

    def choose(self, session_id: str) -> None:
        """What choosing a session in the list does: open it, and reopen on it next time."""
        remember_session(session_id)
        self.show_session(session_id)

    def show_session(self, session_id: str) -> None:
        try:
            self.panel = RatingPanel(session_id, store=self.store)
            self.area.children = [self.panel]
        except CoachkitError as exc:
            self.area.children = [_error_box(exc)]


def marker_tour() -> MarkerBrowser:
    return MarkerBrowser()


def marker_drill(n: int = 12) -> MarkerDrill:
    return MarkerDrill(drill_questions(library_sessions(), n=n))


class LevelsSideBySide(w.VBox):
    """One client coached at ACC, PCC and MCC: the numbers, the assessor's summaries, and each transcript."""
    def __init__(self, scenario: str | None = None):
        sessions = catalogue(kind="full")  # the scenarios from the list; only the chosen one's sessions are read
        scenarios = sorted({s.meta.get("scenario") for s in sessions if s.meta.get("scenario") and s.kind == "full"})
        if not scenarios:
            super().__init__([w.HTML("<p>No scenario coached at several levels is in the library.</p>")])
            return
        scenario = scenario or scenarios[0]
        trio = list(scenario_sessions(scenario))  # the core decides the trio and its order
        self.sessions = trio
        fw = framework()
        rows = []
        metrics = {s.id: conversation_metrics(s) for s in trio}
        labels = [
            ("minutes", lambda s, m: f"{s.minutes:.0f}"),
            ("client's share of talk", lambda s, m: f"{m['client_talk_share']:.0%}"),
            ("coach questions", lambda s, m: m["questions"]),
            ("open / closed", lambda s, m: f"{m['open_questions']} / {m['closed_questions']}"),
            ("stacked questions", lambda s, m: m["stacked_questions"]),
            ("interruptions", lambda s, m: m["interruptions"]),
            ("silences of 3 s or more", lambda s, m: m["silences"]),
            ("advice phrases", lambda s, m: m["advice_phrases"]),
            ("markers the assessor heard", lambda s, m: f"{sum(d.evidenced for d in s.key.decisions.values())} of 37"),
        ]
        for comp in fw.competencies:
            if comp.markers:
                labels.append((f"  competency {comp.number} heard", lambda s, m, c=comp: (
                    f"{sum(s.key.decisions[x.id].evidenced for x in c.markers)} of {len(c.markers)}")))
        for name, fn in labels:
            row = {"what": name}
            for s in trio:
                row[s.level] = str(fn(s, metrics[s.id]))
            rows.append(row)
        cols = [("what", "")] + [(s.level, s.level) for s in trio]
        summaries = "".join(
            f"<div style='flex:1;min-width:240px;border:1px solid #ddd;padding:6px'><b>{esc(s.level)}: "
            f"{esc(s.title)}</b><p>{esc(s.key.summary)}</p></div>" for s in trio
        )
        self.tabs = w.Tab(children=[TranscriptView(s) for s in trio])
        for i, s in enumerate(trio):
            self.tabs.set_title(i, f"{s.level} transcript")
        super().__init__([
            w.HTML("<h3>The same client, three coaches</h3>" + table_html(rows, cols)),
            w.HTML(f"<h4>What the assessor says</h4><div style='display:flex;gap:8px;flex-wrap:wrap'>{summaries}</div>"),
            w.HTML("<h4>Read them</h4>"),
            self.tabs,
        ])


class MyCalibration(w.VBox):
    """The learner's calibration from everything they have compared (their name in any letter case), with a
    name box and a refresh; a practise-next suggestion opens its excerpt for rating right here."""

    def __init__(self, store=None, rater: str | None = None):
        self.store = _store(store)
        self.name = w.Text(value=rater if rater is not None else remembered_name(), description="Your name")
        self.refresh_button = w.Button(description="Show my calibration", button_style="primary",
                                       layout=w.Layout(width="auto", min_width="180px"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.dashboard = CalibrationDashboard()
        self.dashboard.on_open(self.practise)
        self.status = w.HTML()
        super().__init__([w.HBox([self.name, self.refresh_button]), self.status, self.dashboard])
        if self.name.value:
            self.refresh()

    def finished_sheets(self, name: str) -> list:
        """Every finished attempt under this name, whatever its letter case ("maya" finds Maya's)."""
        wanted = name.strip().casefold()
        return [s for s in self.store.sheets() if s.finished and s.rater.strip().casefold() == wanted]

    def refresh(self) -> None:
        name = self.name.value.strip()
        if not name:
            self.status.value = "<p>Type the name you rate under.</p>"
            return
        sheets = self.finished_sheets(name)
        self.status.value = f"<p>{len(sheets)} finished attempt(s) by {esc(name)} in your ratings store.</p>"
        try:
            self.dashboard.show(calibration(sheets))
        except CoachkitError as exc:
            self.status.value += f"<p style='color:#b00020'>{esc(exc)}</p>"

    def practise(self, session_id: str) -> None:
        """Open a practise-next excerpt for rating below the suggestions."""
        try:
            panel = RatingPanel(session_id, store=self.store, rater=self.name.value.strip())
            self.dashboard.practice_area.children = [panel]
        except CoachkitError as exc:
            self.dashboard.practice_area.children = [_error_box(exc)]


class StartHere(w.VBox):
    """Where the learner's ratings are kept, and what the library holds (every session, one line each)."""
    def __init__(self, store=None):
        store = _store(store)
        rows = [
            {"title": neutral_title(s), "kind": s.kind,
             "minutes": f"{s.minutes:.0f}" if s.minutes and s.minutes >= 10 else (f"{s.minutes:.1f}" if s.minutes else ""),
             "about": ", ".join(s.focus) if s.focus else s.topic}
            for s in sorted(catalogue(), key=lambda s: (s.kind != "full", neutral_title(s).casefold()))
        ]
        where = esc(shown_path(getattr(store, "location", "your ratings store")))
        columns = [("title", "session"), ("kind", "kind"), ("minutes", "minutes"),
                   ("about", "topic, or the markers an excerpt focuses on")]
        super().__init__([
            w.HTML(f"<p>Your ratings are saved the moment you make them, in <code>{where}</code>. "
                   "Nothing is sent anywhere.</p>"),
            w.HTML(f"<h4>The sample library: {len(rows)} sessions</h4>" + table_html(rows, columns)),
        ])


class BringYourOwn(w.VBox):
    """Import your own transcript: choose who is the coach, rename wrong names, strip names, see the metrics,
    rate yourself, and (optionally) add the recording to play any turn. Starts with a fictional demo
    transcript so every step can be tried first.

    Messages name the file as it was uploaded; a new upload clears the last file's results; the self-rating
    belongs to the transcript, so ticking *Strip the names* (or not) never loses it.
    """

    def __init__(self, demo_path=None, store=None):
        self.store = store
        self.upload = w.FileUpload(accept=".vtt,.srt,.txt", multiple=False, description="Upload a transcript",
                                   layout=w.Layout(width="auto"))
        self.upload.observe(lambda ch: self._uploaded(), "value")
        self.recording = w.FileUpload(accept=".m4a,.mp3,.wav,.ogg,.mp4", multiple=False,
                                      description="Add the recording (optional)", layout=w.Layout(width="auto"))
        self.recording.observe(lambda ch: self._recording_uploaded(), "value")
        wide = {"description_width": "initial"}
        self.coach = w.Dropdown(description="The coach is", options=[], style=wide)
        self.rename_from = w.Dropdown(description="Rename", options=[])
        self.rename_to = w.Text(placeholder="the right name", description="to")
        self.rename_button = w.Button(description="rename", layout=w.Layout(width="auto"))
        self.rename_button.on_click(lambda _: self.rename(self.rename_from.value, self.rename_to.value))
        self.redact_box = w.Checkbox(description="Strip the names (for sharing with a group)", value=False,
                                     indent=False, layout=w.Layout(width="auto"))
        self.redact_box.observe(lambda ch: self.refresh(), "value")
        self.coach.observe(lambda ch: self.refresh(), "value")
        self.notes = w.HTML()
        self.metrics = MetricsPanel()
        self.rate_area = w.VBox()
        self.rate_button = w.Button(description="Rate this session myself", button_style="primary",
                                    layout=w.Layout(width="auto", align_self="flex-start"))
        self.rate_button.on_click(lambda _: self.rate())
        self.path = None
        self.shown_name = ""
        self.recording_path = None
        self.speakers: dict[str, str] = {}
        self.session = None
        super().__init__([w.HBox([self.upload, self.recording], layout=w.Layout(flex_flow="row wrap")),
                          w.HBox([self.coach]), w.HBox([self.rename_from, self.rename_to, self.rename_button]),
                          self.redact_box, self.notes, self.metrics, self.rate_button, self.rate_area])
        if demo_path is not None:
            self.load(demo_path)

    @classmethod
    def demo(cls, store=None) -> BringYourOwn:
        """Start with the fictional demo transcript shipped with the kit."""
        from pathlib import Path

        return cls(demo_path=Path(__file__).resolve().parent.parent / "data" / "demo_transcript.vtt", store=store)

    def _uploaded(self) -> None:
        value = self.upload.value
        path = save_upload(value)
        if path is not None:
            self.load(path, shown_name=str(value[0]["name"]).rsplit("/", 1)[-1])

    def _recording_uploaded(self) -> None:
        value = self.recording.value
        path = save_upload(value, prefix="coachkit-recording-")
        if path is None:
            return
        name = str(value[0]["name"]).rsplit("/", 1)[-1]
        panel = self._panel()
        try:
            if panel is not None:
                panel.transcript.load_recording(path)
            else:  # checked now, played once the rating starts
                TranscriptView().load_recording(path)
        except CoachkitError as exc:
            self.notes.value = f"<p style='color:#b00020'>{esc(self._plain(exc, path, name))}</p>"
            return
        self.recording_path = path
        when = "press" if panel is not None else "once you rate, press"
        self.notes.value += (f"<p>Recording <b>{esc(name)}</b> added: {when} <i>▶ play from</i> on any turn to "
                             "hear it from there.</p>")

    def _plain(self, exc, path, name: str) -> str:
        """The error's words with the uploaded file's own name, never the temporary folder it was put in."""
        from pathlib import Path

        text = str(exc)
        if path is not None and name:
            text = text.replace(str(Path(path)), name).replace(str(Path(path).parent) + "/", "")
        return text

    def _clear(self) -> None:
        self.session = None
        self.metrics.table.value = ""
        self.rate_area.children = []

    def load(self, path, shown_name: str | None = None) -> None:
        from pathlib import Path


        self.path = path
        self.shown_name = shown_name or Path(path).name
        self.speakers = {}
        self.recording_path = None
        try:
            session = load_transcript(path)
        except CoachkitError as exc:
            self._clear()
            self.path = None
            for box in (self.coach, self.rename_from):  # the last file's names are not this file's
                box.options = []
            self.notes.value = (f"<p style='color:#b00020'>{esc(self._plain(exc, path, self.shown_name))}</p>"
                                "<p>Fix the file (or export it again) and upload it once more.</p>")
            return
        self.rate_area.children = []
        names = sorted({u.name for u in session.utterances})
        coach = next((u.name for u in session.utterances if u.speaker == "coach"), names[0])
        self.rename_from.options = names
        others = [n for n in names if n != coach]
        self.rename_from.value = others[0] if others else names[0]
        self.coach.options = names
        self.coach.value = coach
        self.refresh()

    def rename(self, old: str, new: str) -> None:
        new = (new or "").strip()
        if not old or not new:
            return
        self.speakers[old] = new
        names = sorted({self.speakers.get(n, n) for n in self.rename_from.options})
        if self.coach.value == old:
            self.coach.options = names
            self.coach.value = new
        else:
            keep = self.coach.value
            self.coach.options = names
            self.coach.value = keep if keep in names else names[0]
        self.rename_from.options = names
        self.refresh()

    def refresh(self) -> None:
        from dataclasses import replace


        if self.path is None or not self.coach.value:
            return
        try:
            plain = load_transcript(self.path, coach=self.coach.value, speakers=self.speakers or None)
            session = redact(plain) if self.redact_box.value else plain
        except CoachkitError as exc:
            self._clear()
            self.notes.value = f"<p style='color:#b00020'>{esc(self._plain(exc, self.path, self.shown_name))}</p>"
            return
        # one id whatever the names: the self-rating belongs to the transcript, stripped of names or not
        session = replace(session, id=slug(redact(plain).id))
        self.session = session
        notes = "".join(f"<li>{esc(n)}</li>" for n in session.notes)
        self.notes.value = (f"<p><b>{esc(self.shown_name)}</b>: {len(session.utterances)} turns.</p>"
                            + (f"<ul>{notes}</ul>" if notes else ""))
        figures = conversation_metrics(session)
        self.metrics.show(figures, metric_reasons(session, figures))
        panel = self._panel()
        if panel is not None:  # the rating goes on, with the transcript as it now reads
            name = panel.controller.sheet.rater if panel.controller.sheet else None
            self.rate(name)

    def _panel(self):
        kids = self.rate_area.children
        return kids[0] if kids and isinstance(kids[0], RatingPanel) else None

    def rate(self, name: str | None = None) -> None:
        if self.session is None:
            return
        panel = RatingPanel(self.session, store=self.store, recording=self.recording_path)
        whole_labels(panel.form)
        self.rate_area.children = [panel]
        if name:
            panel.form.name.value = name
            panel.form.start(name)

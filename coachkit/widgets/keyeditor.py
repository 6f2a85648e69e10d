"""KeyEditor: a mentor turns their own recording's transcript into a library session with an answer key.

The mentor imports a transcript (and, if they like, the recording, to play any turn), decides the markers
they heard as the assessor (the lines for each marker heard; for a marker not heard, optionally where it
could have been shown; a note where they have one), sets the level and a short summary, and saves a session
folder into their library folder. Every change is kept as a draft, so a reload loses nothing; a saved key can
be opened again to correct one marker. A key that decides only some markers is saved as an excerpt.

:class:`coachkit.authoring.KeyDraft` holds the work and does the saving (plain Python, no widgets: tests
drive it directly); :class:`KeyEditor` is the view. :class:`ObservationReportForm` writes the mentor's
observation report from their own key or rating and offers it as a download.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from ..authoring import DEMO_TRANSCRIPT, KeyDraft, default_library, drafts
from ..errors import CoachkitError
from ..framework import framework
from ..library import catalogue, library_roots, load_session
from ..model import RatingSheet, Session, slug
from ..render import esc, shown_path
from ..report import observation_report, scale
from ..session_headers import is_check, reserved_ids
from ..settings import home
from ..store import RatingStore
from ..transcripts import load_transcript
from .downloads import DownloadButton
from .rating import RatingForm
from .transcript import TranscriptView, save_upload

__all__ = ["KeyDraft", "KeyEditor", "ObservationReportForm", "default_library", "DEMO_TRANSCRIPT", "sheet_from_key",
           "whole_labels"]

_RECORDINGS = ".m4a,.mp3,.wav,.ogg,.mp4"
_ERR = "<p style='color:#b00020'>{}</p>"


def _auto(width: str = "auto") -> w.Layout:
    return w.Layout(width=width, height="auto", min_height="34px", align_self="flex-start")


def whole_labels(form: RatingForm) -> None:
    """Size the rating form's buttons to their labels, so none is cut off ("evidenc...") in any view."""
    for toggle in form.toggles.values():
        toggle.style.button_width = "auto"
        toggle.layout.width = "auto"
    if form.level is not None:  # an excerpt asks for no level call
        form.level.style.button_width = "auto"
    form.use_picked.layout.width = "auto"
    form.use_picked.layout.flex = "0 0 auto"
    for row in form.editor.children:  # the lines box and its button wrap rather than squeeze the button
        if isinstance(row, w.HBox) and form.use_picked in row.children:
            row.layout.flex_flow = "row wrap"
    form.start_button.layout.width = "auto"


def _file_name(upload_value) -> str:
    try:
        return Path(str(upload_value[0]["name"])).name
    except (IndexError, KeyError, TypeError):
        return "the file"


def _own_sessions_with_keys() -> list[tuple[str, str]]:
    """(label, id) of the sessions in the mentor's own library folders (not the sample library)."""
    out = []
    for label, root in library_roots():
        if label == "sample library" or not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / "session.yaml").is_file():
                try:
                    s = load_session(folder)
                except CoachkitError:
                    continue
                if s.key is not None and not is_check(s):  # a private check form stays out of view
                    out.append((f"{s.title} (saved key, version {s.key.version})", s.id))
    return out


class KeyEditor(w.VBox):
    """Write an answer key for your own recording's transcript, and save it into your library folder.

    ``transcript``: a path to a .vtt/.srt/.txt file, or a loaded Session; ``coach``: the coach's speaker
    name; ``speakers``: renames (e.g. ``{"Zoom User 3": "Elif"}``). ``library``: where to save (default:
    :func:`default_library`). Without a transcript, an upload box starts the work. ``keep``: keep the draft
    in the kit's folder as it is made (default True).
    """

    def __init__(self, transcript=None, coach: str | None = None, speakers=None, library=None, assessor: str = "",
                 keep: bool = True):
        self._keep = keep
        self.library = w.Text(value=shown_path(Path(library).expanduser() if library is not None else default_library()),
                              description="Library folder", style={"description_width": "initial"},
                              layout=w.Layout(width="100%", max_width="680px"))
        self.upload = w.FileUpload(accept=".vtt,.srt,.txt", multiple=False, description="Upload a transcript",
                                   layout=_auto())
        self.upload.observe(lambda ch: self._uploaded(ch["new"]), "value")
        self.recording = w.FileUpload(accept=_RECORDINGS, multiple=False, description="Add the recording (optional)",
                                      layout=_auto())
        self.recording.observe(lambda ch: self._recording_uploaded(ch["new"]), "value")
        self.coach = w.Text(value=coach or "", description="Coach's name", placeholder="as in the transcript",
                            style={"description_width": "initial"})
        self.earlier = w.Dropdown(description="Go on with", options=[], style={"description_width": "initial"},
                                  layout=w.Layout(width="100%", max_width="680px"))
        self.open_button = w.Button(description="Open it", layout=_auto())
        self.open_button.on_click(lambda _: self.open_earlier(self.earlier.value))
        self.message = w.HTML()
        self.area = w.VBox()
        self.draft: KeyDraft | None = None
        self.transcript: TranscriptView | None = None
        self._assessor = assessor
        self._quiet = False
        super().__init__([
            w.HBox([self.upload, self.coach, self.recording], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.earlier, self.open_button], layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.message, self.area])
        self.list_earlier()
        if transcript is not None:
            self.load(transcript, coach=coach, speakers=speakers)

    @classmethod
    def demo(cls, library=None, assessor: str = "", keep: bool = True) -> KeyEditor:
        """Start on the fictional demo transcript (Sam coaching Elif), so every step can be tried first."""
        editor = cls(DEMO_TRANSCRIPT, coach="Sam", speakers={"Zoom User 3": "Elif"}, library=library,
                     assessor=assessor, keep=keep)
        if editor.draft is not None and not editor.draft.title:
            editor.title.value = "Elif and the regional office (demo)"
            editor.consent.value = "fictional"
        return editor

    # ------------------------------------------------------------------------------ loading
    def list_earlier(self) -> None:
        """Fill the 'Go on with' list: kept drafts, then keys saved in your own library."""
        options = [("(choose a draft or a saved key)", "")]
        options += [(label, f"draft:{path}") for label, path in drafts()]
        try:
            options += [(label, f"saved:{sid}") for label, sid in _own_sessions_with_keys()]
        except CoachkitError:
            pass
        self.earlier.options = options
        self.earlier.value = ""

    def open_earlier(self, choice: str) -> None:
        """Open a kept draft (``draft:<file>``) or a saved key (``saved:<id>``) to go on with it."""
        if not choice:
            self.message.value = _ERR.format("Choose a draft or a saved key in the list first.")
            return
        kind, _, what = choice.partition(":")
        try:
            draft = KeyDraft.resume(what) if kind == "draft" else KeyDraft.from_saved(what, keep=self._keep)
        except CoachkitError as exc:
            self.message.value = _ERR.format(esc(exc))
            return
        self._show(draft, "Opened again: change what needs changing and save. " if kind == "saved" else
                   "Your draft, as you left it. ")

    def _uploaded(self, value) -> None:
        path = save_upload(value, prefix="coachkit-key-")
        if path is not None:
            self.load(path, coach=self.coach.value.strip() or None, shown_name=_file_name(value))

    def _recording_uploaded(self, value) -> None:
        if not value:
            return
        name = _file_name(value)
        if self.transcript is None:
            self.message.value = _ERR.format("Upload the transcript first, then its recording.")
            return
        path = save_upload(value, prefix="coachkit-recording-")
        try:
            self.transcript.load_recording(path)
        except CoachkitError as exc:
            self.message.value = _ERR.format(esc(str(exc).replace(str(path.parent), "").strip()) or esc(name))
            return
        self.message.value = (f"<p>Recording <b>{esc(name)}</b> added: press <i>▶ play from</i> on any turn "
                              "to hear it from there.</p>")

    def load(self, transcript, coach: str | None = None, speakers=None, shown_name: str | None = None) -> None:
        """Show a transcript (a path or a Session) and a key to write for it (your draft, if you began one)."""
        try:
            session = transcript if isinstance(transcript, Session) else load_transcript(
                transcript, coach=coach, speakers=speakers)
            draft = KeyDraft.for_transcript(session, self._assessor) if self._keep else KeyDraft(session, self._assessor)
        except CoachkitError as exc:
            text = str(exc)
            if shown_name and not isinstance(transcript, Session):
                text = text.replace(str(Path(transcript)), shown_name).replace(str(Path(transcript).parent), "")
            self.message.value = _ERR.format(esc(text))
            self.area.children = []
            self.draft = None
            self.transcript = None
            return
        resumed = draft.controller.sheet is not None and draft.decided
        self._show(draft, "Your draft for this transcript, as you left it. " if resumed else "")

    def _show(self, draft: KeyDraft, opening: str) -> None:
        self.draft = draft
        session = draft.session
        notes = "".join(f"<li>{esc(n)}</li>" for n in session.notes)
        self.message.value = (f"<p>{esc(opening)}<b>{esc(draft.title or session.title)}</b>: "
                              f"{len(session.utterances)} turns.</p>" + (f"<ul>{notes}</ul>" if notes else ""))
        self._build()
        self.list_earlier()

    def _build(self) -> None:
        d = self.draft
        self.transcript = TranscriptView(d.session)
        self.form = RatingForm(name=d.assessor or self._assessor, picked=lambda: list(self.transcript.selected))
        whole_labels(self.form)
        self.form.name.description = "Assessor"
        self.form.name.placeholder = "your name, as the assessor"
        self.form.start_button.description = "Start the key"
        self.form.level.description = "Level"
        self.form.note_text.placeholder = "why, in an assessor's voice (optional, but learners read it)"
        self.form.evidence_text.placeholder = "heard: the lines; not heard: where it could have been shown"
        # the form's own button compares a learner with a key; here there is no key yet: check it instead
        self.form.submit_button.layout.display = "none"
        self.form.on_start(d.start)
        self.form.on_change(self._marked)
        self.form.on_level(self._level)
        self.form.on_competency(self._competency)
        if d.controller.sheet is not None:
            self.form.start(d.assessor)
            d.controller.sheet.level_call = d.level
            self.form.show(d.controller.sheet)
        self.check_button = w.Button(description="Check the key", button_style="info", layout=_auto())
        self.check_button.on_click(lambda _: self.check())
        self.title = w.Text(value=d.title, description="Title", placeholder="e.g. Elif and the regional office",
                            continuous_update=False, layout=w.Layout(width="100%", max_width="680px"))
        self.title.observe(lambda ch: self._title_changed(ch["new"]), "value")
        self.session_id = w.Text(value=d.session_id, description="Id", continuous_update=False,
                                 layout=w.Layout(width="100%", max_width="680px"))
        self.session_id.observe(lambda ch: self._id_changed(ch["new"]), "value")
        self.summary = w.Textarea(value=d.summary, placeholder="a short summary: what level, and why",
                                  description="Summary", continuous_update=False,
                                  layout=w.Layout(width="100%", max_width="680px", height="80px"))
        self.summary.observe(lambda ch: self._set("summary", ch["new"]), "value")
        self.consent = w.Dropdown(options=[("a real session: the client agreed in writing", "client-agreed"),
                                           ("written for practice (fictional)", "fictional")],
                                  value=d.consent if d.consent in ("client-agreed", "fictional") else "client-agreed",
                                  description="Consent", layout=w.Layout(width="100%", max_width="680px"))
        self.consent.observe(lambda ch: self._set("consent", ch["new"]), "value")
        self.replace_box = w.Checkbox(value=d.saved_folder is not None, description="replace the saved one",
                                      indent=False, layout=w.Layout(width="auto"))
        self.save_button = w.Button(description="Save into my library", button_style="success", layout=_auto())
        self.save_button.on_click(lambda _: self.save())
        self.kind_line = w.HTML(f"<p style='color:#444'>{esc(d.describe())}</p>")
        self.result = w.HTML()
        self.area.children = [
            self.transcript, w.HTML("<h3>The assessor's decisions</h3>"), self.form,
            w.HTML("<h3>The session</h3>"), self.title,
            w.HTML("<div style='color:#555;margin-left:90px'>The id names the session's folder and stays the same "
                   "when you change the title: lower-case words joined by hyphens.</div>"),
            self.session_id, self.summary, self.consent, self.library, self.kind_line,
            w.HBox([self.check_button, self.save_button, self.replace_box],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")), self.result,
        ]

    # ------------------------------------------------------------------------ what the form sends
    def _marked(self, marker_id, evidenced, lines, note) -> None:
        self.draft.mark(marker_id, evidenced, lines, note)
        self.kind_line.value = f"<p style='color:#444'>{esc(self.draft.describe())}</p>"

    def _level(self, level) -> None:
        self.draft.set_level(level)
        if self.draft.controller.sheet is not None:
            self.draft.controller.sheet.level_call = self.draft.level

    def _competency(self, number, level) -> None:
        self.draft.call_competency(number, level)

    def _set(self, name: str, value) -> None:
        setattr(self.draft, name, value)
        self.draft.keep()

    def _title_changed(self, title: str) -> None:
        self._set("title", title)
        if not self.draft._id:  # the id follows the title until the author types one
            self.session_id.unobserve_all("value")
            self.session_id.value = self.draft.session_id
            self.session_id.observe(lambda ch: self._id_changed(ch["new"]), "value")

    def _id_changed(self, value: str) -> None:
        self.draft.session_id = value
        if self.session_id.value != self.draft.session_id:
            self.session_id.value = self.draft.session_id  # shown as it will be saved

    # ----------------------------------------------------------------------------- actions
    def _library_path(self) -> Path:
        return Path(self.library.value.strip() or default_library()).expanduser()

    def check(self) -> list[str]:
        """Show what is still missing (plain values out: the list of problems)."""
        if self.draft is None:
            return ["load a transcript first"]
        problems = self.draft.problems(self._library_path())
        if problems:
            items = "".join(f"<li>{esc(p)}</li>" for p in problems)
            self.result.value = f"<div style='color:#b00020'><b>Not finished yet:</b><ul>{items}</ul></div>"
        else:
            self.result.value = (f"<p style='color:#1a5e1a'>Ready to save. {esc(self.draft.describe())}</p>")
        return problems

    def save(self) -> Path | None:
        """Save the session and its key; say where, that it passes the kit's check, and which lessons list it."""
        if self.draft is None:
            self.result.value = _ERR.format("Load a transcript first.")
            return None
        library = self._library_path()
        try:
            folder = self.draft.save(library, overwrite=self.replace_box.value)
        except CoachkitError as exc:
            self.result.value = f"<div style='color:#b00020'><b>Not saved:</b> {esc(exc)}</div>"
            return None
        self.replace_box.value = True  # saving again now corrects this key
        version = self.draft.session.key.version
        try:
            listed = any(folder.parent.resolve() == root.resolve() for _, root in library_roots())
        except CoachkitError:
            listed = False
        where = ("Lessons 03 and 07 list it now, under its title." if listed else
                 "The lessons do not read this folder yet: save into your own library folder (the one shown at "
                 "first), or ask whoever set up the kit to add this folder to its library folders.")
        self.result.value = (
            f"<div style='color:#1a5e1a'><b>Saved</b> as <b>{esc(self.draft.title)}</b> (id "
            f"<code>{esc(folder.name)}</code>, key version {version}), as {'a full' if self.draft.kind == 'full' else 'an excerpt'} session, in "
            f"<code>{esc(folder)}</code>. It passes the kit's check of session files.</div><p>{esc(where)}</p>"
        )
        self.list_earlier()
        return folder


class ObservationReportForm(w.VBox):
    """Write the mentor's observation report (one self-contained HTML file) and download it.

    ``source``: what the report is based on, a :class:`KeyEditor` (its key as it stands) or a
    ``(RatingSheet, Session)`` pair; without one, a list offers your saved ratings and your own keys.
    """

    def __init__(self, source=None, store=None, *, example=None):
        self._source = source
        self._example = example  # a (RatingSheet, Session) offered first, as a worked example
        self._example_values: dict[str, str] = {}
        self.store = store
        labels = [lv.label for lv in scale()]
        self.based_on = w.Dropdown(description="Based on", options=[], style={"description_width": "initial"},
                                   layout=w.Layout(width="100%", max_width="680px"))
        self.observer = w.Text(description="Observer", placeholder="your name, as the mentor",
                               layout=w.Layout(width="100%", max_width="420px"))
        self.ethics = w.Dropdown(description="Competency 1", style={"description_width": "initial"},
                                 options=[("observed: ethical, stayed in the coach role", True),
                                          ("not observed", False), ("not recorded", None)], value=True,
                                 layout=w.Layout(width="100%", max_width="520px"))

        self.calls: dict[int, w.Dropdown] = {}
        rows = []
        for comp in framework().competencies:
            if not comp.markers:
                continue
            dd = w.Dropdown(options=[("(not rated)", "")] + [(x, x) for x in labels], value="",
                            layout=w.Layout(width="170px"))
            self.calls[comp.number] = dd
            rows.append(w.HBox([w.HTML(f"<b>{comp.number}.</b> {esc(comp.name)}", layout=w.Layout(width="330px")),
                                dd], layout=w.Layout(align_items="center")))
        box = {"layout": w.Layout(width="100%", max_width="760px", height="130px")}
        self.strengths = w.Textarea(description="Strengths", placeholder="one per line", **box)
        self.development = w.Textarea(description="To develop", placeholder="one per line", **box)
        self.summary = w.Textarea(description="Summary", placeholder="two or three sentences for the coach", **box)
        self.notes = w.Textarea(description="Notes", placeholder="your notes per competency (optional)", **box)
        self.write_button = w.Button(description="Write the report", button_style="primary", layout=_auto())
        self.write_button.on_click(lambda _: self.write())
        self.result = w.HTML()
        self.download = DownloadButton("Download the report")
        self.download.layout.display = "none"
        super().__init__([self.based_on, self.observer, self.ethics,
                          w.HTML("<b>Each competency on the observation scale</b>"), *rows,
                          self.strengths, self.development, self.summary, self.notes,
                          self.write_button, self.result, self.download])
        self.list_sources()
        self.based_on.observe(lambda ch: self._source_changed(ch["new"]), "value")

    def _texts(self) -> dict[str, w.Widget]:
        return {"observer": self.observer, "strengths": self.strengths, "development": self.development,
                "summary": self.summary, "notes": self.notes,
                **{f"c{n}": dd for n, dd in self.calls.items()}}

    def _source_changed(self, choice) -> None:
        """Leaving the worked example clears its texts (unless you have changed them), so none of them end up
        in your own report by mistake."""
        if choice == "example" or not self._example_values:
            return
        for name, widget in self._texts().items():
            if name in self._example_values and widget.value == self._example_values[name]:
                widget.value = ""
        self._example_values = {}

    # ---------------------------------------------------------------------------- sources
    def list_sources(self) -> None:
        options = []
        if self._example is not None:
            options.append((f"the example: {self._example[1].title} (the assessor's key)", "example"))
        if isinstance(self._source, KeyEditor):
            options.append(("the key you are writing above", "editor"))
        elif isinstance(self._source, tuple):
            options.append((f"{self._source[1].title} ({self._source[0].rater})", "given"))
        if self.store is not None:
            hidden = reserved_ids(catalogue(include_check=True))  # check sheets travel with the check only
            rated = [s for s in self.store.sheets() if s.session_id not in hidden]
            titles = {s.id: s.title for s in catalogue()} if rated else {}
            for sheet in reversed(rated):
                if sheet.marks:
                    label = f"your rating of {titles.get(sheet.session_id, sheet.session_id)} ({sheet.rater}, " \
                            f"{str(sheet.updated)[:10]})"
                    options.append((label, f"sheet:{sheet.id}"))
        try:
            options += [(f"your key: {label}", f"key:{sid}") for label, sid in _own_sessions_with_keys()]
        except CoachkitError:
            pass
        options = options or [("(rate a session or save a key first)", "")]
        self.based_on.options = options
        self.based_on.value = options[0][1]

    def _sheet_and_session(self) -> tuple[RatingSheet, Session]:
        choice = self.based_on.value or ""
        if choice == "editor":
            draft = self._source.draft
            if draft is None or draft.controller.sheet is None:
                raise CoachkitError("start the key above first (type your name and press Start the key)")
            return draft.controller.sheet, draft.session
        if choice == "given":
            return self._source
        if choice == "example":
            return self._example
        if choice.startswith("sheet:"):
            sheet = next(s for s in self.store.sheets() if s.id == choice[6:])
            return sheet, load_session(sheet.session_id)
        if choice.startswith("key:"):
            session = load_session(choice[4:])
            return sheet_from_key(session), session
        raise CoachkitError("choose what the report is based on first")

    # ----------------------------------------------------------------------------- action
    def write(self) -> Path | None:
        """Write the report into the kit's folder and offer it as a download; returns its path."""


        try:
            sheet, session = self._sheet_and_session()
            if self.notes.value.strip():
                sheet = RatingSheet.from_dict({**sheet.to_dict(), "comments": self.notes.value.strip()})
            ratings = {n: dd.value for n, dd in self.calls.items() if dd.value}
            path = observation_report(
                sheet, session, home() / "reports" / f"{slug(session.title)}.html",
                observer=self.observer.value.strip(), strengths=_lines(self.strengths.value),
                development=_lines(self.development.value), summary=self.summary.value.strip(),
                ethics_observed=self.ethics.value, ratings=ratings)
        except CoachkitError as exc:
            self.result.value = _ERR.format(esc(exc))
            return None
        self.download.set_file(path.read_bytes(), path.name)
        self.download.layout.display = ""
        missing = [str(n) for n, dd in self.calls.items() if not dd.value]
        gaps = (f" Competencies {', '.join(missing)} are not rated yet; the report says so." if missing else "")
        self.result.value = (f"<p style='color:#1a5e1a'>The report for <b>{esc(session.title)}</b> is ready. Press "
                             f"<i>Download the report</i>: it opens in any browser and loads nothing from the "
                             f"internet.{esc(gaps)}</p>")
        return path

    @classmethod
    def sample(cls, source=None, store=None) -> ObservationReportForm:
        """A complete, exemplary report to start from (the assessor's key of Farah's session, filled in);
        ``source`` (a :class:`KeyEditor`) and your saved ratings are offered in the list too."""

        if store is None:
            store = RatingStore()
        session = load_session("farah-stolen-slides")
        form = cls(source, store=store, example=(sheet_from_key(session, rater="Mira"), session))
        form.observer.value = "Mira"
        for n, label in {3: "Meets", 4: "Below", 5: "Below", 6: "Below", 7: "Below", 8: "Meets"}.items():
            form.calls[n].value = label
        form.strengths.value = (
            "A clear agreement: what Farah wants, how she will know she has it, and why it matters now (u16-u24).\n"
            "The turn to Farah herself: 'What do you mean, normally?' (u79), then a long silence held (u81-u90), "
            "and she says something she has never said aloud.\n"
            "Clear, short reflections that help her think ('So it doesn't depend on how Owen reacts', u147).\n"
            "Actions designed with her, with barriers and support explored, and her progress named (u143-u166).")
        form.development.value = (
            "Stay with her view: at u52-u58 the coach argues for Owen's side three times until she goes flat "
            "('I said okay', u61). Ask what she sees first, and offer an observation once, without attachment.\n"
            "Let her choose the route: 'let's look at options' (u62), 'one at a time' (u69) and 'coming back to "
            "Owen' (u92) are the coach's choices; ask her where she wants to go next.\n"
            "One clear question at a time, and let her finish: stacked and leading questions (u42, u101) and two "
            "interruptions cut her thinking short.\n"
            "Close with her own learning and accountability: how she will use what she learned about herself, "
            "and how she will hold herself to the plan (not 'Let me know how it goes', u179).")
        form.summary.value = (
            "An upper ACC session. The agreement is clear and the options and rehearsal are worked well, but the "
            "coach drives the route and argues with Farah's account. The moment he follows her word 'normally' "
            "and holds the silence shows what PCC sounds like: more of that, and less of his own agenda.")
        form.notes.value = (
            "3 Agreements: outcome, measure and why it matters all explored (u16-u24); what she needs to address "
            "to get there is not (u25).\n"
            "4 Trust and safety: warm support (u14) and room to say something new (u79-u90), but his view of "
            "Owen comes before hers (u52-u58).\n"
            "5 Presence: curious and patient once (u79-u90); otherwise the coach sets the route each time.\n"
            "6 Listening: her words explored (u81) and clear reflections (u106, u147); her emotions and her drop "
            "in energy (u59-u61) are passed over; two interruptions.\n"
            "7 Evoking awareness: good questions about her thinking (u79, u90); stacked and leading questions "
            "elsewhere, and an observation pressed as an argument (u52).\n"
            "8 Growth: progress checked (u164), learning drawn out (u170, u172), actions designed with her; how "
            "she will use the learning and hold herself to it are missing.")
        form._example_values = {name: widget.value for name, widget in form._texts().items()}
        return form


def _lines(text: str) -> list[str]:
    return [x.strip(" -•\t") for x in (text or "").splitlines() if x.strip(" -•\t")]


def sheet_from_key(session: Session, rater: str | None = None) -> RatingSheet:
    """The session's answer key as a rating sheet (what an observation report is written from)."""
    if session.key is None:
        raise CoachkitError(f"'{session.title}' has no answer key")
    sheet = RatingSheet(session_id=session.id, rater=rater or session.key.assessor or "assessor", rater_id="key")
    for m, d in session.key.decisions.items():
        sheet.mark(m, d.evidenced, d.evidence if d.evidenced else d.opportunity, d.note)
    sheet.level_call = session.key.level
    return sheet

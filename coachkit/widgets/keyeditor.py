"""KeyEditor: a facilitator turns their own recording's transcript into a library session with an answer key.

The facilitator imports a transcript, rates all 37 markers as the assessor (evidence lines for each marker
heard; for a marker not heard, the lines where it could have been shown; a note for every marker), sets
the level and a short summary, and saves a session folder into their library folder. The saved folder is
checked as ``coachkit validate`` checks it, and found by ``list_sessions()`` once the folder is in
``COACHKIT_LIBRARY``.

:class:`coachkit.authoring.KeyDraft` holds the work and does the saving (plain Python, no widgets: tests
drive it directly); :class:`KeyEditor` is the view: a transcript to pick lines from and the rating form, reused from the
lessons.
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w

from ..authoring import DEMO_TRANSCRIPT, KeyDraft, default_library
from ..errors import CoachkitError
from ..model import Session
from ..render import esc, table_html
from .rating import RatingForm
from .transcript import TranscriptView, save_upload

__all__ = ["KeyDraft", "KeyEditor", "default_library", "DEMO_TRANSCRIPT"]  # KeyDraft & co. live in coachkit.authoring

class KeyEditor(w.VBox):
    """Write an answer key for your own recording's transcript, and save it into your library folder.

    ``transcript``: a path to a .vtt/.srt/.txt file, or a loaded Session; ``coach``: the coach's speaker
    name; ``speakers``: renames (e.g. ``{"Zoom User 3": "Elif"}``). ``library``: where to save (default:
    :func:`default_library`). Without a transcript, an upload box starts the work.
    """

    def __init__(self, transcript=None, coach: str | None = None, speakers=None, library=None, assessor: str = ""):
        self.library = w.Text(value=str(Path(library).expanduser() if library is not None else default_library()),
                              description="Library", layout=w.Layout(width="640px"))
        self.upload = w.FileUpload(accept=".vtt,.srt,.txt", multiple=False, description="Upload a transcript",
                                   layout=w.Layout(width="220px"))
        self.upload.observe(lambda ch: self._uploaded(ch["new"]), "value")
        self.coach = w.Text(value=coach or "", description="Coach's name", placeholder="as in the transcript",
                            style={"description_width": "initial"})
        self.message = w.HTML()
        self.area = w.VBox()
        self.draft: KeyDraft | None = None
        self._assessor = assessor
        super().__init__([w.HBox([self.upload, self.coach]), self.message, self.area])
        if transcript is not None:
            self.load(transcript, coach=coach, speakers=speakers)

    @classmethod
    def demo(cls, library=None, assessor: str = "") -> KeyEditor:
        """Start on the fictional demo transcript (Sam coaching Elif), so every step can be tried first."""
        editor = cls(DEMO_TRANSCRIPT, coach="Sam", speakers={"Zoom User 3": "Elif"}, library=library,
                     assessor=assessor)
        editor.title.value = "Elif and the regional office (demo)"
        editor.consent.value = "fictional"
        return editor

    # ------------------------------------------------------------------------------ loading
    def _uploaded(self, value) -> None:
        path = save_upload(value, prefix="coachkit-key-")
        if path is not None:
            self.load(path, coach=self.coach.value.strip() or None)

    def load(self, transcript, coach: str | None = None, speakers=None) -> None:
        """Show a transcript (a path or a Session) and an empty key to write for it."""
        from ..transcripts import load_transcript

        try:
            session = transcript if isinstance(transcript, Session) else load_transcript(
                transcript, coach=coach, speakers=speakers)
            self.draft = KeyDraft(session)
        except CoachkitError as exc:
            self.message.value = f"<p style='color:#b00020'>{esc(exc)}</p>"
            return
        notes = "".join(f"<li>{esc(n)}</li>" for n in session.notes)
        self.message.value = (f"<p><b>{esc(session.title)}</b>: {len(session.utterances)} turns.</p>"
                              + (f"<ul>{notes}</ul>" if notes else ""))
        self._build()

    def _build(self) -> None:
        d = self.draft
        self.transcript = TranscriptView(d.session)
        self.form = RatingForm(name=self._assessor, picked=lambda: list(self.transcript.selected))
        self.form.name.description = "Assessor"
        self.form.name.placeholder = "your name, as the assessor"
        self.form.start_button.description = "Start the key"
        self.form.level.description = "Level"
        self.form.note_text.placeholder = "why, in an assessor's voice (every marker needs one)"
        self.form.evidence_text.placeholder = "heard: the lines; not heard: where it could have been shown"
        # the form's own button compares a learner with a key; here there is no key yet: check it instead
        self.form.submit_button.layout.display = "none"
        self.form.on_start(d.start)
        self.form.on_change(d.mark)
        self.form.on_level(d.set_level)
        self.check_button = w.Button(description="Check the key", button_style="info", layout=w.Layout(width="260px"))
        self.check_button.on_click(lambda _: self.check())
        self.title = w.Text(value=d.title, description="Title", layout=w.Layout(width="640px"))
        self.title.observe(lambda ch: setattr(d, "title", ch["new"]), "value")
        self.summary = w.Textarea(placeholder="a short summary: what level, and why", description="Summary",
                                  layout=w.Layout(width="640px", height="80px"))
        self.summary.observe(lambda ch: setattr(d, "summary", ch["new"]), "value")
        self.consent = w.Dropdown(options=[("a real session: the client agreed in writing", "client-agreed"),
                                           ("written for practice (fictional)", "fictional")],
                                  value=d.consent, description="Consent", layout=w.Layout(width="640px"))
        self.consent.observe(lambda ch: setattr(d, "consent", ch["new"]), "value")
        self.replace_box = w.Checkbox(value=False, description="replace a session saved under this title before",
                                      indent=False)
        self.save_button = w.Button(description="Save into my library", button_style="success",
                                    layout=w.Layout(width="260px"))
        self.save_button.on_click(lambda _: self.save())
        self.result = w.HTML()
        self.area.children = [
            self.transcript, w.HTML("<h3>The assessor's decisions</h3>"), self.form,
            w.HTML("<h3>The session</h3>"), self.title, self.summary, self.consent, self.library,
            w.HBox([self.check_button, self.save_button, self.replace_box]), self.result,
        ]

    # ----------------------------------------------------------------------------- actions
    def check(self) -> list[str]:
        """Show what is still missing (plain values out: the list of problems)."""
        if self.draft is None:
            return ["load a transcript first"]
        problems = self.draft.problems()
        if problems:
            items = "".join(f"<li>{esc(p)}</li>" for p in problems)
            self.result.value = f"<div style='color:#b00020'><b>Not finished yet:</b><ul>{items}</ul></div>"
        else:
            self.result.value = "<p style='color:#1a5e1a'>The key is complete: save it into your library.</p>"
        return problems

    def save(self) -> Path | None:
        """Save the session and its key; show where, that it passes validate, and its row in the library."""
        if self.draft is None:
            self.result.value = "<p style='color:#b00020'>Load a transcript first.</p>"
            return None
        library = Path(self.library.value.strip() or default_library()).expanduser()
        try:
            folder = self.draft.save(library, overwrite=self.replace_box.value)
            row = self.draft.listing(library)
        except CoachkitError as exc:
            self.result.value = f"<div style='color:#b00020'><b>Not saved:</b> {esc(exc)}</div>"
            return None
        rows = row.astype(str).to_dict("records")
        table = table_html(rows, [(c, c) for c in ("id", "title", "kind", "level", "minutes")])
        sep = ";" if os.name == "nt" else ":"
        self.result.value = (
            f"<div style='color:#1a5e1a'><b>Saved</b> in <code>{esc(folder)}</code>; it passes "
            "<code>coachkit validate</code>.</div><p>This is how your library lists it:</p>" + table
            + f"<p>To have it in every lesson, add the folder to <code>COACHKIT_LIBRARY</code> (folders separated by "
            f"<code>{esc(sep)}</code>): <code>{esc(library)}</code></p>"
        )
        return folder

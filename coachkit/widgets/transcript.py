"""TranscriptView: a whole session in one widget, speaker-coloured, with turns to pick as evidence.

One anywidget renders every turn (a 45-minute session has about 400; separate widgets would be slow).
Transcript text is put into the page with ``textContent``, so HTML or script in a transcript is shown as
text and never runs. With a recording, each timed turn has a play button that plays from that moment.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import anywidget
import traitlets

from ..errors import CoachkitError
from ..model import Session

__all__ = ["TranscriptView", "save_upload"]

_ESM = r"""
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "ck-transcript";
  root.style.maxHeight = model.get("height");
  root.style.overflowY = "auto";
  root.style.border = "1px solid #ccc";
  root.style.padding = "6px";
  root.style.fontSize = "15px";
  root.style.lineHeight = "1.4";
  el.appendChild(root);
  let audio = null;
  let audioUrl = null;

  function setupAudio() {
    const bytes = model.get("audio");
    if (audioUrl) { URL.revokeObjectURL(audioUrl); audioUrl = null; }
    if (audio) { audio.remove(); audio = null; }
    if (!bytes || bytes.byteLength === 0) return;
    const blob = new Blob([bytes], { type: model.get("audio_type") || "audio/mp4" });
    audioUrl = URL.createObjectURL(blob);
    audio = document.createElement("audio");
    audio.controls = true;
    audio.className = "ck-audio";
    audio.src = audioUrl;
    audio.style.width = "100%";
    el.insertBefore(audio, root);
  }

  const colours = { coach: ["#e8f1fa", "#0072B2"], client: ["#fdf3e1", "#E69F00"], other: ["#f0f0f0", "#999999"] };

  function draw() {
    root.textContent = "";
    const selected = new Set(model.get("selected"));
    const learner = new Set(model.get("learner_ids"));
    const assessor = new Set(model.get("assessor_ids"));
    const picking = model.get("picking");
    for (const t of model.get("turns")) {
      const div = document.createElement("div");
      div.className = "ck-turn ck-" + t.speaker + (selected.has(t.id) ? " ck-selected" : "");
      div.dataset.id = t.id;
      const c = colours[t.speaker] || colours.other;
      div.style.background = c[0];
      div.style.borderLeft = "4px solid " + c[1];
      div.style.padding = "4px 8px";
      div.style.margin = "3px 0";
      div.style.borderRadius = "3px";
      if (selected.has(t.id)) { div.style.outline = "3px solid #CC79A7"; }
      if (picking) { div.style.cursor = "pointer"; div.title = "Click to pick this line as evidence"; }
      const head = document.createElement("div");
      head.style.fontSize = "0.85em";
      head.style.color = "#444";
      head.textContent = t.name + " (" + t.speaker + ") · " + t.id + (t.time ? " · " + t.time : "");
      if (selected.has(t.id)) {
        const s = document.createElement("strong"); s.textContent = "  ● picked"; s.style.color = "#8a3b6b"; head.appendChild(s);
      }
      if (learner.has(t.id)) {
        const s = document.createElement("strong"); s.className = "ck-you"; s.textContent = "  [your evidence]"; s.style.color = "#0072B2"; head.appendChild(s);
      }
      if (assessor.has(t.id)) {
        const s = document.createElement("strong"); s.className = "ck-assessor"; s.textContent = "  [assessor's evidence]"; s.style.color = "#007a5a"; head.appendChild(s);
      }
      if (audio && t.start !== null && t.start !== undefined) {
        const b = document.createElement("button");
        b.className = "ck-play";
        b.textContent = "▶ play from " + (t.time || "here");
        b.style.marginLeft = "8px";
        b.onclick = (ev) => { ev.stopPropagation(); audio.currentTime = t.start; audio.play(); model.set("played", t.id); model.save_changes(); };
        head.appendChild(b);
      }
      const body = document.createElement("div");
      body.className = "ck-text";
      body.textContent = t.text;
      div.appendChild(head);
      div.appendChild(body);
      div.onclick = () => {
        if (!model.get("picking")) return;
        const cur = new Set(model.get("selected"));
        if (cur.has(t.id)) cur.delete(t.id); else cur.add(t.id);
        const order = model.get("turns").map(x => x.id).filter(id => cur.has(id));
        model.set("selected", order);
        model.save_changes();
      };
      root.appendChild(div);
    }
    const focus = model.get("focus_id");
    if (focus) {
      const target = root.querySelector('[data-id="' + CSS.escape(focus) + '"]');
      if (target) root.scrollTop = target.offsetTop - root.offsetTop - 20;
    }
  }
  setupAudio();
  draw();
  model.on("change:turns", draw);
  model.on("change:selected", draw);
  model.on("change:learner_ids", draw);
  model.on("change:assessor_ids", draw);
  model.on("change:picking", draw);
  model.on("change:focus_id", draw);
  model.on("change:audio", () => { setupAudio(); draw(); });
  return () => { if (audioUrl) URL.revokeObjectURL(audioUrl); };
}
export default { render };
"""


def save_upload(files, prefix: str = "coachkit-upload-") -> Path | None:
    """Save the first file of a FileUpload's value into a fresh private temp folder; its path (None if empty).

    The readers work on paths (they name the file in every error), so an uploaded transcript is written once,
    under its own name, where nobody else can read it.
    """
    import tempfile

    if not files:
        return None
    f = files[0]
    path = Path(tempfile.mkdtemp(prefix=prefix)) / Path(f["name"]).name
    path.write_bytes(bytes(f["content"]))
    return path


class TranscriptView(anywidget.AnyWidget):
    """A session's turns, speaker-coloured with times; click turns to pick them as evidence.

    ``selected`` holds the picked turn ids (in session order); ``learner_ids`` and ``assessor_ids`` mark the
    learner's and the assessor's evidence; ``focus_id`` scrolls a turn into view.
    """

    _esm = _ESM
    turns = traitlets.List().tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    learner_ids = traitlets.List(traitlets.Unicode()).tag(sync=True)
    assessor_ids = traitlets.List(traitlets.Unicode()).tag(sync=True)
    picking = traitlets.Bool(True).tag(sync=True)
    focus_id = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Unicode("420px").tag(sync=True)
    audio = traitlets.Bytes(b"").tag(sync=True)
    audio_type = traitlets.Unicode("").tag(sync=True)
    played = traitlets.Unicode("").tag(sync=True)

    def __init__(self, session: Session | None = None, recording: str | Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self._ids: set[str] = set()
        if session is not None:
            self.show_session(session)
        if recording is not None:
            self.load_recording(recording)

    def show_session(self, session: Session) -> None:
        """Show another session (clears the picked turns)."""
        self.selected = []
        self.learner_ids = []
        self.assessor_ids = []
        self._ids = {u.id for u in session.utterances}
        self.turns = [
            {"id": u.id, "speaker": u.speaker, "name": u.name, "time": u.timestamp, "start": u.start, "text": u.text}
            for u in session.utterances
        ]

    def load_recording(self, path: str | Path) -> None:
        """Attach the session's recording (Zoom's .m4a, or .mp3/.wav/.ogg): each timed turn gets a play button."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CoachkitError(f"cannot read the recording {path}: {exc.strerror or exc}") from None
        kind = mimetypes.guess_type(path.name)[0] or ""
        if not kind.startswith("audio/") and path.suffix.lower() not in (".m4a", ".mp4"):
            raise CoachkitError(f"{path.name} is not a recording the browser can play (use .m4a, .mp3, .wav or .ogg)")
        self.audio_type = kind if kind.startswith("audio/") else "audio/mp4"
        self.audio = data

    @traitlets.validate("selected")
    def _valid_selection(self, proposal):
        value = list(proposal["value"])
        unknown = [x for x in value if self._ids and x not in self._ids]
        if unknown:
            raise traitlets.TraitError(f"not lines of this session: {', '.join(unknown)}")
        return value

    def pick(self, utterance_id: str) -> None:
        """Toggle a turn as picked (what a click does in the browser)."""
        order = [t["id"] for t in self.turns]
        if utterance_id not in self._ids:
            raise CoachkitError(f"{utterance_id!r} is not a line of this session")
        current = set(self.selected)
        current.symmetric_difference_update({utterance_id})
        self.selected = [i for i in order if i in current]

    def clear(self) -> None:
        self.selected = []

    def show_evidence(self, learner=(), assessor=()) -> None:
        """Mark the learner's and the assessor's evidence in the transcript."""
        self.learner_ids = [str(x) for x in learner]
        self.assessor_ids = [str(x) for x in assessor]
        first = next(iter([*assessor, *learner]), "")
        self.focus_id = str(first)

"""DownloadButton: a file the kernel made, saved by the coach's own browser (app view and JupyterLab alike).

The kernel sends the file's bytes to the page; the button builds a Blob from them in the browser and
starts an ordinary download into the coach's Downloads folder. Nothing points at a folder on the server
(which a coach in the app view cannot open) and nothing leaves the machine.
"""

from __future__ import annotations

import anywidget
import traitlets

from ..errors import CoachkitError
from ..model import slug

__all__ = ["DownloadButton"]

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "ck-download jupyter-button widget-button mod-success";
  button.style.height = "auto";
  button.style.minHeight = "34px";
  button.style.padding = "4px 14px";
  button.style.whiteSpace = "normal";
  button.style.width = "auto";
  button.style.maxWidth = "100%";
  const hint = document.createElement("span");
  hint.className = "ck-download-hint";
  hint.style.marginLeft = "10px";
  hint.style.color = "#444";
  function draw() {
    const bytes = model.get("data");
    const ready = bytes && bytes.byteLength > 0;
    button.textContent = "⬇ " + model.get("label");
    button.disabled = !ready;
    button.title = ready ? "Save " + model.get("filename") + " into your Downloads folder" : "nothing to download yet";
    hint.textContent = ready ? model.get("filename") : "";
  }
  button.onclick = () => {
    const bytes = model.get("data");
    if (!bytes || bytes.byteLength === 0) return;
    const blob = new Blob([bytes], { type: model.get("mime") || "application/octet-stream" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = model.get("filename") || "download";
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 30000);
    model.set("clicks", model.get("clicks") + 1);
    model.save_changes();
  };
  draw();
  model.on("change:data", draw);
  model.on("change:label", draw);
  model.on("change:filename", draw);
  el.appendChild(button);
  el.appendChild(hint);
}
export default { render };
"""


class DownloadButton(anywidget.AnyWidget):
    """A button that saves ``data`` as ``filename`` through the browser's own download.

    >>> b = DownloadButton("Download my ratings")
    >>> b.set_file(b'{"a": 1}', "ana-farah.json")
    >>> b.filename, len(b.data), b.mime
    ('ana-farah.json', 8, 'application/json')
    """

    _esm = _ESM
    data = traitlets.Bytes(b"").tag(sync=True)
    filename = traitlets.Unicode("").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    label = traitlets.Unicode("Download").tag(sync=True)
    clicks = traitlets.Int(0).tag(sync=True)

    _MIME = {".json": "application/json", ".html": "text/html", ".csv": "text/csv", ".yaml": "text/yaml",
             ".zip": "application/zip", ".txt": "text/plain"}

    def __init__(self, label: str = "Download", **kwargs):
        super().__init__(label=label, **kwargs)

    def set_file(self, data: bytes, filename: str) -> None:
        """Offer these bytes under this name (the name is made safe: a slug with the file's ending)."""
        if not isinstance(data, (bytes, bytearray)):
            raise CoachkitError(f"a download needs the file's bytes, not {type(data).__name__}")
        stem, dot, ending = str(filename).rpartition(".")
        if not dot:
            stem, ending = ending, ""
        ending = slug(ending)[:8] if ending else ""
        name = (slug(stem) or "download") + (f".{ending}" if ending else "")
        self.mime = self._MIME.get(f".{ending}", "application/octet-stream")
        self.filename = name
        self.data = bytes(data)

    def clear(self) -> None:
        """Nothing to download (the button greys out)."""
        self.data = b""
        self.filename = ""

"""The facilitator's live call: the group's ratings of one session against the assessor's key.

:class:`GroupDashboard` shows, marker by marker and most disputed first, how the group split and what the
assessor decided; both stay hidden until the facilitator reveals them (so nobody anchors on them), and
participants stay anonymous unless the facilitator ticks *show names*. Sheets come from a
:class:`~coachkit.group.SheetSource`: a shared folder, an upload box, or a ratings store (cohort mode).
:class:`LiveCall` lets a facilitator set one up with no code; :class:`ExportMyRatings` is what a
participant uses to send their ratings.

Handlers are plain methods (``refresh``, ``reveal``, ``hide``, ``set_show_names``, ``add_uploads``), so
tests drive the dashboard without a browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w

from ..errors import CoachkitError
from ..group import (
    FileSource,
    FolderSource,
    GroupRatings,
    SheetSource,
    StoreSource,
    dispute_order,
    group_competency_summary,
    group_reliability,
    marker_splits,
    sample_exports,
)
from ..library import canonical_id, catalogue, load_session
from ..model import Session, slug
from ..render import Html, esc
from ..render_group import readable_competency_summary
from ..session_headers import reserved_ids
from ..settings import home, remembered_name
from ..store import RatingStore
from .downloads import DownloadButton

__all__ = ["GroupDashboard", "LiveCall", "ExportMyRatings", "received_html", "reliability_html"]

_HEARD, _NOT, _UNSURE = "#0072B2", "#E69F00", "#BBBBBB"  # Okabe-Ito blue, orange; grey


def _session(session) -> Session:
    if isinstance(session, Session):
        return session
    if isinstance(session, (str, os.PathLike)):
        return load_session(session)
    raise CoachkitError(f"the dashboard needs a session (an id or a Session), not {type(session).__name__}")


def _source(source, session: Session, group: str | None) -> SheetSource:
    if source is None:
        return FileSource()
    if hasattr(source, "load") and hasattr(source, "describe"):
        return source
    if hasattr(source, "sheets"):
        return StoreSource(source, session.id, group)
    if isinstance(source, (str, os.PathLike)):
        return FolderSource(source)
    raise CoachkitError(
        f"the dashboard reads a shared folder, uploaded files or a ratings store, not {type(source).__name__}"
    )


def _labels(sheets) -> dict[str, str]:
    """rater_id -> the name to show: the first name, with a short id where two people share it."""
    by_name: dict[str, set[str]] = {}
    for s in sheets:
        by_name.setdefault(s.rater, set()).add(s.rater_id)
    return {
        s.rater_id: s.rater if len(by_name[s.rater]) == 1 else f"{s.rater} ({s.rater_id[:4]})" for s in sheets
    }


class _ReadOnce:
    """A sheet source whose first read is already done (the group loaded above); later reads go to ``source``."""
    def __init__(self, source: SheetSource, loaded: GroupRatings):
        self._source = source
        self._loaded: GroupRatings | None = loaded

    def load(self, progress=None) -> GroupRatings:
        if self._loaded is not None:
            loaded, self._loaded = self._loaded, None
            return loaded
        return self._source.load(progress=progress)

    def describe(self) -> str:
        return self._source.describe()


class GroupDashboard(w.VBox):
    """The group's split against the key, per marker, most disputed first; hidden until revealed.

    ``session``: an id or a Session. ``source``: a shared folder (path), a ratings store (anything with
    ``sheets(session_id=..., group=...)``), a :class:`~coachkit.group.SheetSource`, or None for an upload
    box. ``names``: show participants' names from the start (default: anonymous).
    """

    def __init__(self, session, source=None, *, group: str | None = None, names: bool = False,
                 font_size: int = 20):
        self.session = _session(session)
        self.source = _source(source, self.session, group)
        self.group = GroupRatings()
        self.summary = None
        self.revealed: set[str] = set()
        self.show_names = bool(names)
        self.font_size = int(font_size)
        self.error = ""

        big = w.Layout(height="40px", width="auto")
        self.refresh_button = w.Button(description="Refresh (late arrivals)", layout=big,
                                       tooltip="read the ratings again")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.next_button = w.Button(description="Reveal next marker", button_style="info", layout=big)
        self.next_button.on_click(lambda _: self.reveal_next())
        self.all_button = w.Button(description="Reveal all", button_style="warning", layout=big)
        self.all_button.on_click(lambda _: self.reveal())
        self.hide_button = w.Button(description="Hide again", layout=big)
        self.hide_button.on_click(lambda _: self.hide())
        self.names_box = w.Checkbox(value=self.show_names, description="show names", indent=False)
        self.names_box.observe(lambda ch: self.set_show_names(ch["new"]), "value")
        self.progress = w.IntProgress(min=0, max=1, value=0, description="Reading",
                                      layout=w.Layout(display="none", width="360px"))
        self.status = w.HTML()
        self.board = w.HTML()
        controls = [self.refresh_button, self.next_button, self.all_button, self.hide_button, self.names_box]
        children = []
        self.upload = None
        if isinstance(self.source, FileSource):
            self.upload = w.FileUpload(accept=".json", multiple=True, description="Add export files",
                                       layout=w.Layout(height="40px", width="auto"))
            self.upload.observe(lambda ch: self._uploaded(ch["new"]), "value")
            controls.insert(0, self.upload)
        children += [w.HBox(controls, layout=w.Layout(flex_flow="row wrap", align_items="center")),
                     self.progress, self.status, self.board]
        super().__init__(children)
        self.refresh()

    # ----------------------------------------------------------------------------- constructors
    @classmethod
    def from_folder(cls, session, folder, **kwargs) -> GroupDashboard:
        """Read the export files in a shared folder (re-read on refresh)."""
        return cls(session, FolderSource(folder), **kwargs)

    @classmethod
    def with_upload(cls, session, **kwargs) -> GroupDashboard:
        """Collect export files through an upload box."""
        return cls(session, FileSource(), **kwargs)

    @classmethod
    def from_store(cls, session, store, group: str | None = None, **kwargs) -> GroupDashboard:
        """Read a group's sheets from a ratings store (a shared database)."""
        return cls(session, StoreSource(store, _session(session).id, group), **kwargs)

    @classmethod
    def sample(cls, loaded: GroupRatings | None = None, **kwargs) -> GroupDashboard:
        """The lesson's fictional group: eight participants' exports of 'Farah and the stolen slides'.

        ``loaded``: those exports as already read (``load_exports(sample_exports())``), so the board opens
        without reading them twice; *Refresh* reads the folder again.
        """
        source = FolderSource(sample_exports())
        return cls("farah-stolen-slides", source if loaded is None else _ReadOnce(source, loaded), **kwargs)

    # ------------------------------------------------------------------------------- handlers
    def refresh(self) -> None:
        """Read the ratings again (late arrivals join); what was revealed stays revealed."""
        self.progress.layout.display = ""
        try:
            self.group = self.source.load(progress=self._progress)
            rows, _ = marker_splits(self.group.for_session(self.session.id), self.session)
            self.summary = dispute_order(rows)  # plain rows: the board opens without loading pandas
            self.error = ""
        except CoachkitError as exc:
            self.error = str(exc)
        finally:
            self.progress.layout.display = "none"
        self._render()

    def _progress(self, done: int, total: int) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = done

    def reveal(self, marker: str | None = None) -> None:
        """Reveal one marker's split and key, or every marker's (None)."""
        if self.summary is None:
            return
        markers = [r.marker for r in self.summary]
        if marker is None:
            self.revealed = set(markers)
        else:
            if marker not in markers:
                raise CoachkitError(f"marker {marker!r} is not on the board (it has {', '.join(markers)})")
            self.revealed.add(marker)
        self._render()

    def reveal_next(self) -> str | None:
        """Reveal the next marker in discussion order; returns it (None when all are shown)."""
        if self.summary is None:
            return None
        for marker in (r.marker for r in self.summary):
            if marker not in self.revealed:
                self.reveal(marker)
                return marker
        return None

    def hide(self) -> None:
        """Hide every split and the key again."""
        self.revealed = set()
        self._render()

    def set_show_names(self, show: bool) -> None:
        self.show_names = bool(show)
        if self.names_box.value != self.show_names:
            self.names_box.value = self.show_names
        self._render()

    def add_uploads(self, files) -> None:
        """Add uploaded export files (``(name, bytes)`` pairs or the upload box's dicts) and refresh."""
        if not isinstance(self.source, FileSource):
            raise CoachkitError("this dashboard reads " + self.source.describe() + ", not uploaded files")
        self.source.add(files)
        self.refresh()

    def _uploaded(self, value) -> None:
        _take_uploads(self, value)

    # -------------------------------------------------------------------------------- display
    @property
    def html(self) -> str:
        """Everything the dashboard shows as text (the status line and the board)."""
        return self.status.value + self.board.value

    def _render(self) -> None:
        fs = self.font_size
        sheets = self.group.for_session(self.session.id)
        labels = _labels(sheets)
        n = len(sheets)
        if self.show_names and sheets:
            who = "Ratings from " + ", ".join(esc(labels[s.rater_id]) for s in sheets)
        else:
            who = f"Ratings from {n} participant{'s' if n != 1 else ''}"
        parts = [f"<div style='font-size:{fs}px;margin:4px 0'><b>{esc(self.session.title)}</b> · {who}</div>"]
        if self.error:
            parts.append(f"<div style='color:#b00020;font-size:{fs - 4}px'>{esc(self.error)}</div>")
        if self.group.problems:
            k = len(self.group.problems)
            if self.show_names:
                items = "".join(f"<li>{esc(p)}</li>" for p in self.group.problems)
                parts.append(f"<div style='color:#b00020;font-size:{fs - 6}px'>{k} file(s) skipped:<ul>{items}</ul></div>")
            else:
                parts.append(f"<div style='color:#b00020;font-size:{fs - 6}px'>{k} file(s) could not be read and "
                             "were skipped (tick <i>show names</i> to see which).</div>")
        if self.group.replaced:
            parts.append(f"<div style='color:#555;font-size:{fs - 6}px'>{self.group.replaced} older attempt(s) "
                         "left out: each participant's latest attempt counts.</div>")
        self.status.value = "".join(parts)
        self.board.value = self._board_html(sheets, labels)

    def _board_html(self, sheets, labels) -> str:
        fs = self.font_size
        if self.summary is None or not sheets:
            return (f"<div style='font-size:{fs}px;padding:12px;border:2px dashed #bbb'>No ratings of this session "
                    "yet. Ask the group to export their ratings, then press <i>Refresh</i>.</div>")
        n = len(sheets)
        rows = []
        calls = {r.marker: {"heard": [], "not": []} for r in self.summary}
        if self.show_names:
            for s in sheets:
                for m, mark in s.marks.items():
                    if m in calls and mark.evidenced is not None:
                        calls[m]["heard" if mark.evidenced else "not"].append(labels[s.rater_id])
        for rank, r in enumerate(self.summary, 1):
            head = (f"<td style='padding:6px 10px;vertical-align:top;white-space:nowrap'>{rank}.</td>"
                    f"<td style='padding:6px 10px;vertical-align:top'><b>{esc(r.marker)}</b> {esc(r.title)}"
                    f"<div style='font-size:{fs - 6}px;color:#555'>{int(r.n_raters)} of {n} decided</div></td>")
            if r.marker not in self.revealed:
                body = ("<td colspan='2' class='ck-hidden' style='padding:6px 10px;color:#777;vertical-align:top'>"
                        "hidden until revealed</td>")
            else:
                body = self._revealed_cells(r, n, calls[r.marker])
            rows.append(f"<tr class='ck-group-row' data-marker='{esc(r.marker)}' style='border-top:1px solid #ddd'>"
                        f"{head}{body}</tr>")
        footer = ""
        if len(self.revealed) == len(self.summary):
            rel = group_reliability(sheets, self.session)
            footer = ("<div style='margin-top:8px'><b>How far the group agrees with itself</b></div>"
                      + reliability_html(rel, font_size=fs - 4))
            if self.session.key is not None and self.session.key.competencies:  # revealed with the last marker
                footer += ("<div style='margin-top:12px'><b>Each competency's depth: the group's calls and the "
                           "assessor's</b></div>" + readable_competency_summary(group_competency_summary(sheets, self.session)))
        return (f"<div class='ck-group-board' style='font-size:{fs}px;line-height:1.35'>"
                f"<div style='font-size:{fs - 6}px;color:#555'>Most disputed first: the order to discuss them in.</div>"
                f"<table style='border-collapse:collapse'>{''.join(rows)}</table>{footer}</div>")

    def _revealed_cells(self, r, n, calls) -> str:
        fs = self.font_size
        heard = int(r.n_evidenced)
        not_heard = int(r.n_raters) - heard
        unsure = int(r.n_unsure)
        width = 260
        total = max(n, 1)
        bar = "".join(
            f"<span style='display:inline-block;height:22px;width:{width * k // total}px;background:{c}'></span>"
            for k, c in ((heard, _HEARD), (not_heard, _NOT), (unsure, _UNSURE)) if k
        )
        share = "" if r.evidenced_share != r.evidenced_share else f" ({r.evidenced_share:.0%} of those who decided)"
        words = f"{heard} heard it · {not_heard} did not · {unsure} unsure{share}"
        names = ""
        if self.show_names and (calls["heard"] or calls["not"]):
            names = (f"<div style='font-size:{fs - 6}px;color:#333'>heard: {esc(', '.join(calls['heard']) or '-')}"
                     f"; did not: {esc(', '.join(calls['not']) or '-')}</div>")
        if r.assessor is None:
            key = "<span style='color:#555'>no answer key</span>"
        else:
            agree = "" if r.agreement != r.agreement else f"<div style='font-size:{fs - 6}px'>{r.agreement:.0%} of the group agree</div>"
            key = ("<b style='color:#009E73'>✓ the assessor heard it</b>" if r.assessor
                   else "<b style='color:#D55E00'>✗ the assessor did not hear it</b>") + agree
        return (f"<td style='padding:6px 10px;vertical-align:top'><div class='ck-split' style='display:flex;"
                f"border:1px solid #999;width:{width}px'>{bar}</div><div style='font-size:{fs - 4}px'>{esc(words)}</div>"
                f"{names}</td><td class='ck-key' style='padding:6px 10px;vertical-align:top'>{key}</td>")


def _session_label(s) -> str:
    """A session as a list shows it to a group: its title (never its level: that is for the reveal)."""
    return s.title if s.kind == "full" else f"{s.title} (excerpt)"


def received_html(group: GroupRatings, font_size: int = 18) -> Html:
    """What arrived, readable on a shared screen: sheets, people, files, older attempts left out, files skipped.

    Shows nothing of how anyone rated. ``group``: from :func:`coachkit.group.load_exports` or an upload.
    """
    fs = int(font_size)
    raters = len({s.rater_id for s in group.sheets})
    rows = [("Rating sheets used", len(group.sheets)), ("Participants", raters), ("Files read", group.files)]
    if group.replaced:
        rows.append(("Older attempts left out (each person's latest counts)", group.replaced))
    td = f"font-size:{fs}px;text-align:left;background:none;padding:4px 14px 4px 0"
    cells = "".join(f"<tr><td style='{td}'>{esc(k)}</td><td style='{td}'><b>{v}</b></td></tr>" for k, v in rows)
    out = [f"<div class='ck-received' style='font-size:{fs}px;line-height:1.4;max-width:60em'>",
           f"<table style='border-collapse:collapse'>{cells}</table>"]
    if group.problems:
        items = "".join(f"<li style='overflow-wrap:anywhere'>{esc(p)}</li>" for p in group.problems)
        out.append(f"<div style='color:#b00020;margin-top:6px'><b>{len(group.problems)} file(s) skipped</b> "
                   f"(everyone else's ratings are used):<ul style='margin:4px 0'>{items}</ul></div>")
    out.append("</div>")
    return Html("".join(out))


def reliability_html(reliability, font_size: int = 18) -> Html:
    """The group's agreement with itself (alpha and kappa) in words first, wrapped to the screen's width."""
    fs = int(font_size)
    r = reliability

    def num(x):
        return "not defined" if x != x else f"{x:.2f}"

    rows = [
        ("Krippendorff's alpha", num(r.alpha), f"{r.alpha_band}: Krippendorff (2004) reads .800 or more as "
         "reliable, .667 to .800 as good enough for tentative conclusions, lower as unreliable"),
        ("Fleiss' kappa", num(r.kappa), f"{r.kappa_band} agreement, in the words of Landis &amp; Koch (1977)"),
    ]
    td = f"text-align:left;vertical-align:top;background:none;padding:6px 14px 6px 0;font-size:{fs}px"
    body = "".join(
        f"<tr style='border-top:1px solid #ddd'><td style='{td};white-space:nowrap'><b>{name}</b></td>"
        f"<td style='{td};font-size:{fs + 4}px'><b>{value}</b></td><td style='{td};white-space:normal;max-width:34em'>{words}</td></tr>"
        for name, value, words in rows)
    notes = "".join(f"<li>{esc(n)}</li>" for n in r.notes)
    return Html(
        f"<div class='ck-reliability' style='font-size:{fs}px;line-height:1.4;max-width:60em;overflow-wrap:anywhere'>"
        f"<p style='margin:4px 0'>{r.n_participants} participants, {r.n_markers} markers.</p>"
        f"<table style='border-collapse:collapse'>{body}</table>"
        + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


class LiveCall(w.VBox):
    """Set up a live call with no code: say where the group's export files come from (an upload box or a
    shared folder); the dashboard opens on the session the files rate.

    The files say which session they rate, so the facilitator never picks the wrong one; when they rate
    several, a list offers those (by title only: the group may be watching the shared screen, and a level
    beside a title would give the answer away). A facilitator running cohort mode uses
    :meth:`GroupDashboard.from_store` instead.
    """

    def __init__(self, store=None):
        self.store = store
        self.how = w.ToggleButtons(options=["upload files", "shared folder"], value="upload files",
                                   description="Ratings from", style={"button_width": "auto"})
        self.upload = w.FileUpload(accept=".json", multiple=True, description="Add export files",
                                   layout=w.Layout(width="auto", height="40px", align_self="flex-start"))
        self.upload.observe(lambda ch: self._uploaded(ch["new"]), "value")
        self.folder = w.Text(placeholder="the shared folder, e.g. a synced Drive folder", description="Folder",
                             layout=w.Layout(width="100%", max_width="640px", display="none"))
        self.open_button = w.Button(description="Open the dashboard", button_style="primary",
                                    layout=w.Layout(width="auto", height="40px", align_self="flex-start",
                                                    display="none"))
        self.open_button.on_click(lambda _: self.open_dashboard())
        self.how.observe(lambda ch: self._show_how(ch["new"]), "value")
        self.choice = w.Dropdown(description="Session", options=[], layout=w.Layout(width="100%", max_width="640px",
                                                                                   display="none"))
        self.choice.observe(lambda ch: self._chosen(ch["new"]), "value")
        self.message = w.HTML("<p style='color:#555'>Add the export files your group sent you: the dashboard opens "
                              "on the session they rate.</p>")
        self.area = w.VBox()
        self.source: SheetSource | None = None
        self.board: GroupDashboard | None = None
        super().__init__([self.how, self.upload, self.folder, self.open_button, self.message, self.choice,
                          self.area])

    def _show_how(self, how: str) -> None:
        folder = how == "shared folder"
        self.folder.layout.display = "" if folder else "none"
        self.open_button.layout.display = "" if folder else "none"
        self.upload.layout.display = "none" if folder else ""
        self.message.value = ("<p style='color:#555'>Type the shared folder's path and press <i>Open the "
                              "dashboard</i>.</p>" if folder else
                              "<p style='color:#555'>Add the export files your group sent you: the dashboard "
                              "opens on the session they rate.</p>")

    def _uploaded(self, value) -> None:
        _take_uploads(self, value)

    def add_uploads(self, files) -> GroupDashboard | None:
        """What dropping files into the box does (``(name, bytes)`` pairs or the box's dicts). Late arrivals
        join the open board, and what was revealed stays revealed."""
        if isinstance(self.source, FileSource) and self.board is not None:
            self.source.add(files)
            self.board.refresh()
            return self.board
        self.source = FileSource(files)
        return self.open_dashboard(how="upload files")

    # not ``open``: ipywidgets' Widget.open() creates the widget's link to the page, and overriding it is what
    # left the live-call tool showing "Error displaying widget: model not found".
    def open_dashboard(self, session_id: str | None = None, how: str | None = None,
                       folder: str | None = None) -> GroupDashboard | None:
        """Read the ratings and open the dashboard on ``session_id`` (default: the session most of them rate);
        returns it (None, with a message, on a problem)."""

        how = how or self.how.value
        folder = self.folder.value if folder is None else folder
        try:
            if how == "shared folder":
                if not folder.strip():
                    raise CoachkitError("type the shared folder's path first")
                self.source = FolderSource(Path(folder.strip()).expanduser())
            elif how != "upload files":
                raise CoachkitError(f"unknown choice {how!r}: choose 'upload files' or 'shared folder'")
            if self.source is None:
                raise CoachkitError("add the export files first")
            group = self.source.load()
            rated = group.session_ids
            if not rated:
                raise CoachkitError("none of these files holds ratings of a session"
                                    + (f" ({len(group.problems)} could not be read)" if group.problems else ""))
            known = {s.id: s for s in catalogue()}  # titles only
            options = [(_session_label(known[i]), i) for i in rated if i in known]
            if not options:
                raise CoachkitError("the files rate sessions this kit's library does not have: "
                                    + ", ".join(rated[:5]))
            session_id = session_id if session_id in dict((v, k) for k, v in options) else options[0][1]
            board = GroupDashboard(session_id, _ReadOnce(self.source, group))
        except CoachkitError as exc:
            self.message.value = f"<p style='color:#b00020'>{esc(exc)}</p>"
            return None
        self.message.value = ("" if len(options) == 1 else
                              f"<p style='color:#555'>The files rate {len(options)} sessions: choose one.</p>")
        self._quiet = True
        try:
            self.choice.options = options
            self.choice.value = session_id
        finally:
            self._quiet = False
        self.choice.layout.display = "" if len(options) > 1 else "none"
        self.board = board
        self.area.children = [board]
        return board

    _quiet = False

    def _chosen(self, session_id) -> None:
        if self._quiet or not session_id or (self.board and self.board.session.id == session_id):
            return
        self.open_dashboard(session_id, how=self.how.value)


class ExportMyRatings(w.VBox):
    """For a participant: your ratings of one session as a file to send to the facilitator.

    The list shows the sessions you have rated, by title, from the start (your remembered name fills in);
    the file arrives through your browser's own download.
    """

    def __init__(self, store=None, folder=None):
        if store is None:

            store = RatingStore()
        self.store = store
        self.folder = Path(folder) if folder is not None else home() / "exports"
        self.name = w.Text(value=remembered_name(), description="Your name", placeholder="the name you rated under")
        self.session = w.Dropdown(description="Session", options=[], layout=w.Layout(width="100%", max_width="640px"))
        self.name.observe(lambda ch: self._sessions(), "value")
        self.button = w.Button(description="Export my ratings", button_style="primary",
                               layout=w.Layout(width="auto", height="40px", align_self="flex-start"))
        self.button.on_click(lambda _: self.export())
        self.result = w.HTML()
        self.download = DownloadButton("Download the file")
        self.download.layout.display = "none"
        super().__init__([self.name, self.session, self.button, self.result, self.download])
        self._sessions()

    def _titles(self, ids) -> list[tuple[str, str]]:
        known = {s.id: s for s in catalogue()} if ids else {}  # titles only: no talk or key is read
        out = []
        for sid in ids:
            s = known.get(sid) or known.get(canonical_id(sid))
            out.append((_session_label(s) if s is not None else sid, sid))
        return sorted(out, key=lambda o: o[0].lower())

    def _sessions(self) -> None:
        name = self.name.value.strip()
        sheets = self.store.sheets(rater=name) if name else self.store.sheets()
        ids = sorted({s.session_id for s in sheets} - _reserved_ids())  # check sessions travel with the check
        options = self._titles(ids)
        self.session.options = options
        self.session.value = options[0][1] if options else None
        if not ids:
            self.result.value = ("<p style='color:#555'>No ratings saved under this name yet: rate a session "
                                 "(lesson 03), then come back here.</p>" if name else
                                 "<p style='color:#555'>Type the name you rated under.</p>")
        else:
            self.result.value = ""

    def export(self, name: str | None = None, session_id: str | None = None) -> Path | None:
        """Write the file (kept in the kit's own folder too) and offer it as a download; returns its path."""
        name = (name or self.name.value).strip()
        session_id = session_id or self.session.value
        if not name or not session_id:
            self.result.value = "<p style='color:#b00020'>Type your name and choose a session you have rated.</p>"
            return None
        target = self.folder / f"{slug(name, 'me')}-{slug(session_id)}.json"
        try:
            path = self.store.export(target, rater=name, session_id=session_id)
        except CoachkitError as exc:
            self.result.value = f"<p style='color:#b00020'>{esc(exc)}</p>"
            return None
        self.download.set_file(path.read_bytes(), path.name)
        self.download.layout.display = ""
        self.result.value = (
            f"<p>Your ratings are ready as <b>{esc(path.name)}</b>. Press <i>Download the file</i>: it goes into "
            "your browser's Downloads folder. Send it to your facilitator (or drop it into the group's shared "
            "folder).</p>"
        )
        return path


def _reserved_ids() -> set[str]:
    """The ids of the calibration check's reserved sessions (never listed: their ratings travel with the check)."""
    return reserved_ids(catalogue(include_check=True))


def _take_uploads(view, value) -> None:
    """What a file box's new files do in a group view: hand them to ``view.add_uploads``, then empty the box."""
    if not value:
        return
    view.add_uploads(list(value))
    try:
        view.upload.value = ()
    except Exception:  # noqa: BLE001 - an older ipywidgets cannot clear it; the files are already read
        pass

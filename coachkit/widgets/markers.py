"""MarkerBrowser (competency, then marker, with a search box) and MarkerDrill ("which marker is this line?")."""

from __future__ import annotations

import ipywidgets as w

from ..framework import framework
from ..render import crosswalk_html, esc, marker_card_html

__all__ = ["MarkerBrowser", "MarkerDrill", "crosswalk"]


def crosswalk() -> w.HTML:
    """The 2014 markers and where each went in the 2020 set, as a table a coach reads (lesson 01)."""
    return w.HTML(crosswalk_html(framework()))


class MarkerBrowser(w.VBox):
    """Pick a competency, then a marker, and read its description, look-fors and pitfalls; or search."""

    def __init__(self):
        fw = framework()
        self.fw = fw
        self.competency = w.Dropdown(
            description="Competency",
            options=[(f"{c.number}. {c.name}", c.number) for c in fw.competencies],
            value=3,
            style={"description_width": "initial"},
            layout=w.Layout(width="520px"),
        )
        self.search_box = w.Text(placeholder="search, e.g. silence", description="Search", continuous_update=True)
        self.marker = w.Select(rows=9, layout=w.Layout(width="480px"))
        self.about = w.HTML()
        self.card = w.HTML()
        self.competency.observe(lambda ch: self.show_competency(ch["new"]), "value")
        self.marker.observe(lambda ch: self.show_marker(ch["new"]), "value")
        self.search_box.observe(lambda ch: self.search(ch["new"]), "value")
        super().__init__([w.HBox([self.competency, self.search_box]), self.about, self.marker, self.card])
        self.show_competency(3)

    def show_competency(self, number: int) -> None:
        c = self.fw.competency(number)
        self.about.value = (
            f"<p style='max-width:60em'>{esc(c.description)}</p>"
            + (f"<p style='max-width:60em'><i>{esc(c.assessed)}</i></p>" if c.assessed else "")
        )
        self.marker.options = [(f"{m.id} {m.title}", m.id) for m in c.markers]
        if c.markers:
            self.marker.value = c.markers[0].id
        else:
            self.card.value = ""

    def show_marker(self, marker_id: str | None) -> None:
        if marker_id:
            self.card.value = marker_card_html(self.fw.marker(marker_id))

    def search(self, text: str) -> None:
        if not text.strip():
            self.show_competency(self.competency.value)
            return
        found = self.fw.search(text)
        self.about.value = f"<p>{len(found)} marker(s) mention “{esc(text)}”.</p>"
        self.marker.options = [(f"{m.id} {m.title}", m.id) for m in found]
        if found:
            self.marker.value = found[0].id
        else:
            self.card.value = ""


class MarkerDrill(w.VBox):
    """One line at a time: which marker does it show? Instant feedback with the assessor's note."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.index = 0
        self.score = 0
        self.answered: dict[int, bool] = {}
        self.prompt = w.HTML()
        self.buttons = w.VBox()
        self.result = w.HTML()
        self.next_button = w.Button(description="Next line", button_style="primary")
        self.next_button.on_click(lambda _: self.go(self.index + 1))
        self.tally = w.HTML()
        super().__init__([self.prompt, self.buttons, self.result, w.HBox([self.next_button, self.tally])])
        self.go(0)

    def go(self, index: int) -> None:
        if not self.questions:
            self.prompt.value = "<p>No drill questions: the sample library is empty.</p>"
            return
        self.index = index % len(self.questions)
        q = self.questions[self.index]
        fw = framework()
        context = (f"<div style='color:#555;margin-bottom:4px'>Just before: “{esc(q.context)}”</div>"
                   if q.context else "")
        self.prompt.value = (
            f"<p><b>Line {self.index + 1} of {len(self.questions)}.</b> Which marker does the coach show here?</p>"
            f"{context}<blockquote style='font-size:1.15em;border-left:4px solid #0072B2;padding-left:8px'>"
            f"{esc(q.speaker)}: “{esc(q.line)}”</blockquote>"
        )
        buttons = []
        for mid in q.choices:
            b = w.Button(description=f"{mid} {fw.marker(mid).title}"[:60], layout=w.Layout(width="520px"))
            b.on_click(lambda _, mid=mid: self.answer(mid))
            buttons.append(b)
        self.buttons.children = buttons
        self.result.value = ""
        self._tally()

    def answer(self, marker_id: str) -> bool:
        """What clicking a choice does: True when right. The first answer to a line is the one scored."""
        q = self.questions[self.index]
        right = q.check(marker_id)
        if self.index not in self.answered:
            self.answered[self.index] = right
            self.score += right
        fw = framework()
        answers = ", ".join(f"{m} {fw.marker(m).title}" for m in sorted(q.answers))
        if right:
            head = "<b style='color:#007a5a'>✓ Yes.</b>"
        else:
            head = f"<b style='color:#b35900'>✗ Not this one.</b> The assessor heard: {esc(answers)}."
        self.result.value = f"<p>{head}</p><p><i>Assessor:</i> {esc(q.note)}</p>"
        for b in self.buttons.children:
            b.button_style = "success" if b.description.split()[0] in q.answers else ""
        self._tally()
        return right

    def _tally(self) -> None:
        self.tally.value = f"&nbsp; score: <b>{self.score}</b> of {len(self.answered)} answered"

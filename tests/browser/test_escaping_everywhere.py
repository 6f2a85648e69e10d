"""HTML and script in every text field the kit displays, in a real browser: shown as text, never run.

Each field carries its own payload, ``<img src=x onerror="window.__xss='TAG'"><script>...</script>``. In the
app view (Voila) one page shows a rating panel (session title and description, speaker names, transcript
turns, the learner's name and note, the assessor's notes and summary in the feedback), a plain-text and a
WebVTT transcript, the marker browser's search, the metrics panel of an imported transcript, and the
group dashboard with participants' names and notes. The observation report is opened as a file. A
positive control (a raw HTML widget) proves a payload would run if it were not escaped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def evil(tag: str) -> str:
    return f"<img src=x onerror=\"window.__xss='{tag}'\"><script>window.__xss='{tag}'</script>[{tag}]"


def shown(tag: str) -> str:
    """The part of the payload that is visible only when it is shown as text."""
    return f"onerror=\"window.__xss='{tag}'\""


VISIBLE_TEXT = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('option')) parts.push(el.textContent);
  for (const el of document.querySelectorAll('input, textarea')) parts.push(el.value || '');
  return parts.join('\\n');
}"""


def _write_exports(folder: Path) -> None:
    from coachkit.model import RatingSheet

    folder.mkdir()
    for who in ("participant1", "participant2"):
        sheet = RatingSheet(session_id="xss-check", rater=evil(who), rater_id=f"rid-{who}")
        sheet.mark("4.1", who == "participant1", evidence=["u3"], note=evil(f"{who}-note"))
        sheet.mark("6.6", True, note=evil(f"{who}-note66"))
        sheet.level_call = "PCC"
        sheet.finished = True
        document = {"format": "coachkit-ratings/1", "exported": "2026-01-01T00:00:00+00:00",
                    "rater_id": f"rid-{who}", "sheets": [sheet.to_dict()]}
        (folder / f"{who}.json").write_text(json.dumps(document), encoding="utf-8")


SETUP = '''
import coachkit as ck, ipywidgets as w
from coachkit.model import AnswerKey, Decision, RatingSheet, Session, Utterance
from coachkit.store import RatingStore
from coachkit.widgets import BringYourOwn, GroupDashboard, MarkerBrowser, MetricsPanel, RatingPanel, TranscriptView
E = {evil}
talk = (
    Utterance("u1", "coach", E("coachname"), 1.0, 4.0, "What do you want today? " + E("turn1")),
    Utterance("u2", "client", E("clientname"), 5.0, 9.0, E("turn2") + " Clarity."),
    Utterance("u3", "coach", E("coachname"), 10.0, 14.0, "You have done real work on this. " + E("turn3")),
    Utterance("u4", "client", E("clientname"), 15.0, 19.0, "I have."),
)
key = AnswerKey("PCC", E("summary"), 1, {{
    "4.1": Decision(True, ("u3",), E("keynote41")),
    "6.6": Decision(False, (), E("keynote66"), ("u2",)),
}}, assessor=E("assessor"))
session = Session("xss-check", E("title"), "excerpt", "PCC", ("4.1", "6.6"), E("topic"), talk, key,
                  description=E("description"))
store = RatingStore("ratings.sqlite3")
earlier = RatingSheet(session_id="xss-check", rater=E("learner"))
earlier.mark("6.6", True, note=E("earliernote"))
store.save(earlier)  # an unfinished attempt: "Welcome back, NAME" when the learner starts again
panel = RatingPanel(session, store=store)
plain = TranscriptView(ck.load_transcript("plain.txt", coach="Sam"))
vtt = TranscriptView(ck.load_transcript("zoom.vtt", coach="Sam"))
browser = MarkerBrowser()
byo = BringYourOwn(demo_path="plain.txt", store=store)
byo.rename("Maya", E("renamed"))
metrics = MetricsPanel(ck.conversation_metrics(ck.load_transcript("plain.txt", coach="Sam")))
group = GroupDashboard(session, "exports", names=True)
group.reveal()
control = w.HTML('<img src=y onerror="window.__ctl=1">control')
w.VBox([panel, plain, vtt, browser, byo, metrics, group, control])
'''


def _lesson(folder: Path) -> None:
    import inspect

    source = inspect.getsource(evil).replace("def evil(tag: str) -> str:\n    return ", "")
    code = SETUP.format(evil="lambda tag: " + source.strip())
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "escaping.ipynb")


def test_every_displayed_field_shows_html_as_text_in_the_app_view(voila_server, browser, tmp_path, shot):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    # a reader refuses angle brackets in a speaker's name; names typed in (renaming a speaker) may hold them
    (lessons / "plain.txt").write_text(
        f"Sam: Hello {evil('plaintext1')}\nMaya: Hi {evil('plaintext2')}\nSam: You should try it. What else?\n",
        encoding="utf-8",
    )
    # WebVTT reads <...> as cue markup (webvtt-py drops it), so HTML reaches a .vtt as character references
    (lessons / "zoom.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nSam: Hello &lt;img src=x onerror=\"window.__xss='vtt1'\"&gt;"
        " <img src=x onerror=\"window.__xss='vtttag'\">\n\n2\n00:00:05.000 --> 00:00:09.000\n"
        "Maya: &lt;script&gt;window.__xss='vtt2'&lt;/script&gt;Fine.\n",
        encoding="utf-8",
    )
    _write_exports(lessons / "exports")
    _lesson(lessons)
    env = dict(os.environ, COACHKIT_HOME=str(tmp_path / "home"))
    server = voila_server(lessons, env)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/voila/render/escaping.ipynb", timeout=120_000)
    page.wait_for_selector(".ck-turn", timeout=90_000)
    page.wait_for_function("window.__ctl === 1", timeout=30_000)  # the control ran: payloads would run too

    # the learner: an evil name (an unfinished attempt under it exists), an evil note, then compare
    page.fill("input[placeholder='your first name']", evil("learner"))
    page.get_by_role("button", name="Start rating").first.click()
    page.wait_for_selector("text=Welcome back", timeout=30_000)
    page.get_by_role("button", name="not", exact=True).first.click()
    page.locator("textarea[placeholder='what you heard (optional)']").first.fill(evil("learnernote"))
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Compare with the assessor").first.click()
    page.wait_for_selector(".ck-feedback", timeout=30_000)
    # the marker browser's search text
    page.fill("input[placeholder='search, e.g. silence']", evil("search"))
    page.wait_for_selector("text=mention", timeout=30_000)
    page.wait_for_timeout(2000)  # let every pending widget message render, and any planted image fail to load
    shot(page, "escaping-app-view")

    assert page.evaluate("window.__xss") is None, f"a payload ran: {page.evaluate('window.__xss')}"
    planted = page.evaluate("Array.from(document.querySelectorAll('img[src=\"x\"]')).map(e => e.outerHTML.slice(0, 300))")
    assert not planted, f"payload elements in the page: {planted}"
    text = page.evaluate(VISIBLE_TEXT)
    expected = ["title", "description", "coachname", "clientname", "turn1", "turn2", "turn3", "learner",
                "learnernote", "keynote41", "search", "renamed", "plaintext1", "plaintext2",
                "participant1", "participant2"]
    missing = [tag for tag in expected if shown(tag) not in text]
    assert not missing, f"not shown as text: {missing}"
    assert "window.__xss='vtt1'" in text and "window.__xss='vtt2'" in text  # the .vtt's references, as text
    assert "Traceback" not in text
    assert not errors, errors


def test_the_observation_report_shows_html_as_text(browser, tmp_path, shot):
    from coachkit.model import AnswerKey, Decision, RatingSheet, Session, Utterance
    from coachkit.report import observation_report

    talk = (
        Utterance("u1", "coach", evil("coachname"), 1.0, 4.0, "What do you want? " + evil("turn1")),
        Utterance("u2", "client", evil("clientname"), 5.0, 9.0, evil("turn2")),
    )
    key = AnswerKey("PCC", evil("summary"), 1, {"4.1": Decision(True, ("u1",), evil("keynote"))})
    session = Session("xss-report", evil("title"), "excerpt", "PCC", ("4.1",), evil("topic"), talk, key,
                      description=evil("description"))
    sheet = RatingSheet(session_id="xss-report", rater=evil("learner"))
    sheet.mark("4.1", True, evidence=["u1", "u2"], note=evil("learnernote"))
    sheet.mark("6.6", False, note=evil("learnernote66"))
    sheet.comments = evil("comments")
    sheet.level_call = "PCC"
    path = observation_report(sheet, session, tmp_path / "report.html", observer=evil("observer"),
                              strengths=[evil("strength")], development=[evil("development")],
                              summary=evil("reportsummary"), ethics_observed=True)
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(path.resolve().as_uri())
    page.wait_for_timeout(300)
    shot(page, "escaping-observation-report")
    assert page.evaluate("window.__xss") is None, f"a payload ran: {page.evaluate('window.__xss')}"
    planted = page.evaluate("Array.from(document.querySelectorAll('img[src=\"x\"], script:not([type=\"application/json\"])')).map(e => e.outerHTML.slice(0, 300))")
    assert not planted, f"payload elements in the report: {planted}"
    text = page.evaluate(VISIBLE_TEXT)
    expected = ["title", "observer", "strength", "development", "reportsummary", "learnernote"]
    missing = [tag for tag in expected if shown(tag) not in text]
    assert not missing, f"not shown as text: {missing}"

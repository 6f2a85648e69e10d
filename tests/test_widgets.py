"""The widgets' logic, driven by calling their handlers directly (no browser), as a learner's clicks would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import coachkit as ck
from coachkit.controller import RatingController
from coachkit.model import AnswerKey, Decision, Session, Utterance
from coachkit.widgets import (
    FeedbackView,
    MarkerBrowser,
    MarkerDrill,
    MetricsPanel,
    RatingForm,
    RatingPanel,
    TranscriptView,
)


def _session(key=True, kind="excerpt", focus=("4.1", "6.6")):
    talk = (
        Utterance("u1", "coach", "Sam", 0.0, 3.0, "What would you like from today?"),
        Utterance("u2", "client", "Maya", 4.0, 9.0, "Clarity <b>about</b> the promotion."),
        Utterance("u4", "coach", "Sam", 10.0, 13.0, "You have already done a lot of thinking on this."),
        Utterance("u5", "client", "Maya", 14.0, 20.0, "I have. <script>alert(1)</script> I never told anyone."),
    )
    decisions = {
        "4.1": Decision(True, ("u4",), "Names the thinking Maya has already done (u4)."),
        "6.6": Decision(False, (), "Talks over Maya once.", ("u2",)),
    }
    k = AnswerKey("PCC", "A short PCC excerpt.", 2, decisions) if key else None
    return Session("demo-excerpt", "Demo", kind, "PCC", focus, "career", talk, k)


def test_transcript_view_picks_turns_in_session_order_and_refuses_unknown_ones():
    view = TranscriptView(_session())
    view.pick("u5")
    view.pick("u1")
    assert view.selected == ["u1", "u5"]
    view.pick("u1")
    assert view.selected == ["u5"]
    with pytest.raises(ck.CoachkitError):
        view.pick("u99")
    assert [t["id"] for t in view.turns] == ["u1", "u2", "u4", "u5"]


def test_transcript_text_is_sent_as_data_and_never_as_html():
    view = TranscriptView(_session())
    assert view.turns[3]["text"] == "I have. <script>alert(1)</script> I never told anyone."
    assert "textContent" in view._esm and "innerHTML" not in view._esm


def test_transcript_view_plays_a_recording(tmp_path):
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    view = TranscriptView(_session(), recording=audio)
    assert view.audio.startswith(b"RIFF") and view.audio_type == "audio/x-wav"
    with pytest.raises(ck.CoachkitError, match="not a recording"):
        TranscriptView(_session(), recording=tmp_path.joinpath("notes.txt").write_text("x") and tmp_path / "notes.txt")


def test_rating_form_hands_every_change_to_the_controller_and_counts_progress():
    form = RatingForm(markers=["4.1", "6.6"])
    seen = []
    form.on_start(lambda name: seen.append(("start", name)))
    form.on_change(lambda *args: seen.append(args))
    assert form.start("") is False and "name" in form.status.value
    assert form.start("Ana")
    form.toggles["4.1"].value = "evidenced"
    form.set_evidence("4.1", ["u4"])
    form.set_note("4.1", "names her work")
    form.toggles["6.6"].value = "unsure"
    assert seen[0] == ("start", "Ana")
    assert seen[-2] == ("4.1", True, ["u4"], "names her work")
    assert seen[-1] == ("6.6", None, [], "")
    assert "1 of 2 decided" in form.progress.value and "1 unsure" in form.progress.value


def test_rating_panel_saves_every_click_and_resumes_an_unfinished_sheet(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_session(), store=store, rater="Ana")
    panel.form.start("Ana")
    panel.form.toggles["4.1"].value = "evidenced"
    panel.transcript.pick("u4")
    panel.form.use_picked.click()
    assert panel.form.level is None  # an excerpt asks for no level call
    saved = store.resume("Ana", "demo-excerpt")
    assert saved.marks["4.1"].evidence == ("u4",)

    again = RatingPanel(_session(), store=store, rater="Ana")  # a new kernel, the same learner
    again.form.start("Ana")
    assert again.form.toggles["4.1"].value == "evidenced"
    assert again.form.evidence["4.1"] == ["u4"]
    assert "Welcome back" in again.form.status.value


def test_bad_evidence_is_shown_to_the_learner_and_not_saved(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_session(), store=store, rater="Ana")
    panel.form.start("Ana")
    panel.form.toggles["4.1"].value = "evidenced"
    panel.form.set_evidence("4.1", ["u77"])
    assert "u77" in panel.form.status.value and "not a line" in panel.form.status.value
    assert store.resume("Ana", "demo-excerpt").marks["4.1"].evidence == ()


def test_submitting_shows_feedback_with_the_assessors_note_and_quoted_lines(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_session(), store=store, rater="Ana")
    panel.form.start("Ana")
    panel.form.toggles["4.1"].value = "not"
    panel.form.toggles["6.6"].value = "not"
    panel.form.submit()
    html = panel.feedback.details.value
    assert "Names the thinking Maya has already done" in html
    assert "under-credit" in html and "You have already done a lot of thinking" in html
    assert panel.feedback.layout.display is None
    assert store.sheets(rater="Ana")[0].finished
    panel.feedback.show_marker("4.1")
    assert panel.transcript.assessor_ids == ["u4"]


def test_feedback_escapes_transcript_text():
    c = ck.compare(_sheet_with("4.1", False, ["u5"]), _session())
    view = FeedbackView(c)
    assert "<script>" not in view.details.value and "&lt;script&gt;" in view.details.value


def _sheet_with(marker, value, evidence):
    sheet = ck.RatingSheet(session_id="demo-excerpt", rater="Ana")
    sheet.mark(marker, value, evidence=evidence)
    return sheet


def test_marker_browser_searches_and_shows_pitfalls():
    b = MarkerBrowser()
    b.search("silence")
    assert b.marker.value == "5.5"
    assert "How coaches miss it" in b.card.value
    b.search("")
    b.competency.value = 4
    assert [v for _, v in b.marker.options] == ["4.1", "4.2", "4.3", "4.4"]


def test_drill_gives_instant_feedback_and_scores_the_first_answer():
    from coachkit.drill import drill_questions

    questions = drill_questions([_session()], n=5)
    assert len(questions) == 1 and "4.1" in questions[0].choices
    drill = MarkerDrill(questions)
    wrong = next(c for c in questions[0].choices if c != "4.1")
    assert drill.answer(wrong) is False
    assert drill.answer("4.1") is True
    assert drill.score == 0 and "Names the thinking" in drill.result.value


def test_metrics_panel_names_the_marker_each_metric_speaks_to():
    panel = MetricsPanel({"coach_talk_share": 0.3, "client_talk_share": 0.7, "interruptions": 2, "silences": None})
    assert "6.6" in panel.table.value and "70%" in panel.table.value and "n/a" in panel.table.value


def test_controller_without_a_name_says_so():
    with pytest.raises(ck.CoachkitError, match="name"):
        RatingController(_session(), store=None).start(" ")


def test_an_uploaded_transcript_is_read_and_its_metrics_shown():
    from coachkit.widgets import BringYourOwn

    panel = BringYourOwn()
    vtt = b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nSam: What would you like today?\n\n" \
          b"2\n00:00:05.000 --> 00:00:12.000\nMaya: Clarity about the promotion.\n"
    panel.upload.value = ({"name": "my call.vtt", "type": "text/vtt", "size": len(vtt), "content": memoryview(vtt),
                           "last_modified": datetime(2026, 11, 26, tzinfo=UTC)},)
    assert "my call.vtt" in panel.notes.value and "2 turns" in panel.notes.value
    assert panel.coach.value == "Sam" and "client talk share" in panel.metrics.table.value


def _full_session():
    """A tiny 'full' session whose key decides every marker and calls every competency."""
    from coachkit.model import CompetencyCall

    fw = ck.framework()
    talk = tuple(Utterance(f"u{i}", "coach" if i % 2 else "client", "Sam" if i % 2 else "Maya", float(i), i + 0.5,
                           f"line {i}") for i in range(1, 9))
    decisions = {m.id: Decision(m.id in ("3.1", "4.1"), ("u1",) if m.id in ("3.1", "4.1") else (), f"note {m.id}")
                 for m in fw.markers}
    comps = {n: CompetencyCall("PCC" if n != 6 else "MCC", f"why {n}", ("u1",)) for n in range(3, 9)}
    key = AnswerKey("PCC", "A demo.", 1, decisions, competencies=comps)
    return Session("demo-full", "Demo full", "full", "PCC", (), "career", talk, key)


def test_a_reload_reopens_the_attempt_as_left_with_its_competency_calls_and_any_letter_case(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_full_session(), store=store, rater="Maya")
    panel.form.toggles["3.1"].value = "evidenced"
    panel.form.competency_toggles[6].value = "MCC"
    panel.form.level.value = "PCC"
    again = RatingPanel(_full_session(), store=store, rater="maya")  # a reload, the name typed in lower case
    assert again.form.toggles["3.1"].value == "evidenced" and again.form.level.value == "PCC"
    assert "Welcome back" in again.form.status.value and not again.form.toggles["4.1"].disabled
    if not store.sheets()[0].competency_calls:
        pytest.xfail("this store does not keep competency calls yet (its schema gains them with issue 15)")
    assert again.form.competency_toggles[6].value == "MCC"


def test_compare_asks_for_the_level_call_first_then_a_reload_shows_the_feedback_and_a_new_attempt(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_full_session(), store=store, rater="Maya")
    panel.form.toggles["3.1"].value = "evidenced"
    panel.form.toggles["4.1"].value = "not"
    panel.form.competency_toggles[6].value = "PCC"
    panel.form.submit()
    assert "level call" in panel.form.status.value and panel.feedback.layout.display == "none"
    panel.form.level.value = "ACC"
    panel.form.submit()
    summary = panel.feedback.summary.value
    assert "1 of the 2 markers you decided" in summary and "the assessor heard 4.1" in summary
    assert "one level apart" in summary and "why 6" in summary  # the competency call and the assessor's reason
    assert "<details" in summary and "kappa" in summary.split("<details")[1]  # statistics only in the details

    reloaded = RatingPanel(_full_session(), store=store, rater="Maya")
    assert reloaded.feedback.layout.display is None and "the assessor heard 4.1" in reloaded.feedback.summary.value
    assert reloaded.form.new_attempt_button.layout.display is None and "ck-compared" in reloaded.form.body._dom_classes
    reloaded.form.toggles["4.1"].value = "evidenced"  # a compared attempt is not changed
    assert "Start a new attempt" in reloaded.form.status.value and store.sheets()[0].marks["4.1"].evidenced is False
    assert reloaded.form.toggles["4.1"].value == "not"
    reloaded.form.new_attempt_button.click()
    assert reloaded.form.toggles["3.1"].value is None and reloaded.feedback.layout.display == "none"


def test_picked_lines_clear_after_use_and_a_marker_button_reopens_its_evidence(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    panel = RatingPanel(_session(), store=store, rater="Ana")
    panel.form.marker_buttons["4.1"].click()
    panel.transcript.pick("u4")
    panel.form.use_picked.click()
    assert panel.transcript.selected == [] and panel.form.toggles["4.1"].value == "evidenced"
    panel.form.marker_buttons["6.6"].click()
    assert panel.form.evidence_text.value == ""
    panel.form.marker_buttons["4.1"].click()
    assert panel.form.evidence_text.value == "u4" and panel.transcript.learner_ids == ["u4"]
    assert "✔ evidenced" in panel.form.summaries["4.1"].value  # the answer in words and a symbol, not colour only


def test_feedback_lists_only_the_markers_the_excerpt_offered(tmp_path):
    store = ck.RatingStore(tmp_path / "r.sqlite3")
    s = _session(focus=("4.1",))
    panel = RatingPanel(s, store=store, rater="Ana")
    panel.form.toggles["4.1"].value = "evidenced"
    panel.form.submit()
    assert "6.6" not in panel.feedback.summary.value and "6.6" not in panel.feedback.outcomes.value


def test_practise_next_buttons_open_the_excerpt_for_rating(tmp_path):
    from coachkit.widgets import MyCalibration

    store = ck.RatingStore(tmp_path / "r.sqlite3")
    cal = MyCalibration(store=store, rater="Ana")
    cal.practise("trust-support-builds")
    panel = cal.dashboard.practice_area.children[0]
    assert isinstance(panel, RatingPanel) and panel.session.id == "trust-support-builds"

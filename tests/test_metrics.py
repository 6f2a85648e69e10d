"""Conversation metrics: the definitions in design.md, checked on small sessions worked out by hand."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachkit.errors import CoachkitError
from coachkit.metrics import (
    METRICS,
    advice_phrases,
    classify_question,
    conversation_metrics,
    format_metrics,
    metrics_table,
    split_questions,
)
from coachkit.model import Session, Utterance
from coachkit.transcripts import load_transcript

DATA = Path(__file__).parent / "data"
FIELDS = [
    "duration_s",
    "coach_turns",
    "client_turns",
    "questions",
    "open_questions",
    "closed_questions",
    "stacked_questions",
    "interruptions",
    "silences",
    "coach_talk_share",
    "client_talk_share",
    "advice_phrases",
]


def session(*turns):
    return Session("t", "t", "full", None, (), "", tuple(Utterance(f"u{i}", *t) for i, t in enumerate(turns, 1)))


def test_zoom_fixture_worked_out_by_hand():
    m = conversation_metrics(load_transcript(DATA / "transcripts" / "zoom.vtt", coach="Jordan Lee"))
    assert list(m) == FIELDS
    assert m == {
        "duration_s": 42.0,  # 2.0 to 44.0
        "coach_turns": 3,
        "client_turns": 2,
        "questions": 4,  # u1: 1, u5: 2, u7: 1
        "open_questions": 3,
        "closed_questions": 1,  # "Is that right?"
        "stacked_questions": 1,  # u5
        "interruptions": 1,  # u5 starts at 23 s, Maya's turn ends at 24 s
        "silences": 1,  # 15.0 -> 19.0 inside Maya's turn: counted before merging
        "coach_talk_share": 0.286,  # cue time 10.5 s of 36.7 s
        "client_talk_share": 0.714,
        "advice_phrases": 1,  # "You should talk to your manager."
    }


def test_silences_inside_a_turn_count_but_not_when_the_cues_are_unknown():
    s = load_transcript(DATA / "transcripts" / "zoom.vtt", coach="Jordan Lee")
    unknown = dataclasses.replace(s, cues=())  # built elsewhere: only the turns are known
    assert conversation_metrics(unknown)["silences"] == 0


def test_untimed_transcript_has_none_for_times_and_shares_by_words():
    m = conversation_metrics(load_transcript(DATA / "transcripts" / "plain.txt"))
    assert (m["duration_s"], m["interruptions"], m["silences"]) == (None, None, None)
    coach_words, client_words = 10 + 15, 8 + 6
    assert m["coach_talk_share"] == round(coach_words / (coach_words + client_words), 3)
    assert m["stacked_questions"] == 1


def test_otter_has_a_duration_but_no_interruptions_or_silences():
    m = conversation_metrics(load_transcript(DATA / "transcripts" / "otter.txt", coach="Jordan Lee"))
    assert m["duration_s"] == 3721.0
    assert (m["interruptions"], m["silences"]) == (None, None)
    assert m["coach_talk_share"] + m["client_talk_share"] == pytest.approx(1)


def test_third_speaker_is_left_out_of_talk_share():
    s = session(
        ("coach", "Sam", 0.0, 2.0, "Hi?"),
        ("other", "Ana", 2.0, 100.0, "I talk a lot."),
        ("client", "Maya", 100.0, 106.0, "Hello."),
    )
    m = conversation_metrics(s)
    assert (m["coach_talk_share"], m["client_talk_share"]) == (0.25, 0.75)


def test_interruption_is_a_coach_turn_starting_before_the_client_finished():
    s = session(
        ("client", "Maya", 0.0, 10.0, "I was saying that"),
        ("coach", "Sam", 9.0, 11.0, "Right, so what?"),
        ("client", "Maya", 11.5, 14.0, "Well."),
        ("coach", "Sam", 14.0, 15.0, "Go on."),  # starts exactly as she ends: not an interruption
    )
    assert conversation_metrics(s)["interruptions"] == 1


def test_silence_is_three_seconds_or_more_whoever_speaks_next():
    s = session(
        ("coach", "Sam", 0.0, 2.0, "What do you want?"),
        ("client", "Maya", 5.0, 6.0, "Hmm."),  # 3.0 s: a silence
        ("coach", "Sam", 8.9, 9.0, "Yes?"),  # 2.9 s: not one
        ("client", "Maya", 8.0, 30.0, "Overlapping."),
        ("coach", "Sam", 31.0, 32.0, "Okay."),
    )
    assert conversation_metrics(s)["silences"] == 1


def test_no_client_speech():
    m = conversation_metrics(session(("coach", "Sam", 0.0, 2.0, "Anyone there?")))
    assert (m["coach_talk_share"], m["client_talk_share"], m["client_turns"]) == (1.0, 0.0, 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc ?.!,'", max_size=40), min_size=1, max_size=6))
def test_every_question_is_open_or_closed(texts):
    s = session(*[("coach", "Sam", None, None, t or "x") for t in texts])
    m = conversation_metrics(s)
    assert m["open_questions"] + m["closed_questions"] == m["questions"]
    assert m["questions"] == sum(len(split_questions(t or "x")) for t in texts)
    assert 0 <= m["stacked_questions"] <= m["coach_turns"]


def test_questions_are_sentences_ending_with_a_question_mark():
    assert split_questions('Okay. Is it 3.5? Really?! "Sure?" Fine! So... what now?') == [
        "Is it 3.5?",
        "Really?!",
        "what now?",
    ]  # '"Sure?"' is a one-word acknowledgement, not a question (issue 14)


def test_advice_phrases_come_from_the_coach_only():
    s = session(
        ("coach", "Sam", None, None, "What do you think you should do? If I were you I'd quit. My advice: rest."),
        ("client", "Maya", None, None, "You should see my boss."),
        ("coach", "Sam", None, None, "Have you tried a walk? I would like to acknowledge your work."),
    )
    assert advice_phrases(s) == [("u1", "if I were you"), ("u1", "my advice"), ("u3", "have you tried")]
    assert conversation_metrics(s)["advice_phrases"] == 3


def test_table_and_text_name_the_markers():
    m = conversation_metrics(load_transcript(DATA / "transcripts" / "zoom.vtt", coach="Jordan Lee"))
    table = metrics_table(m)
    assert list(table.columns) == ["metric", "value", "marker", "meaning"]
    assert table.set_index("metric").loc["interruptions", "marker"] == "6.6"
    assert dict(zip(table.metric, table.marker, strict=True))["client_talk_share"] == "7.8"
    text = format_metrics(m)
    for name in FIELDS:
        assert name in text
    assert "71%" in text and "5.5" in text
    assert set(METRICS) == set(FIELDS)


def test_not_a_session():
    with pytest.raises(CoachkitError, match="Session"):
        conversation_metrics("call.vtt")
    with pytest.raises(CoachkitError):
        classify_question(None)


# --------------------------------------------------------------------------- open and closed questions


def read_set(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return [(row["text"], row["label"]) for row in csv.DictReader(f)]


def test_the_labelled_question_set_is_large_enough_and_split_a_third_aside():
    tune, holdout = read_set("questions_tune.csv"), read_set("questions_holdout.csv")
    assert len(tune) + len(holdout) >= 180
    assert abs(len(holdout) / (len(tune) + len(holdout)) - 1 / 3) < 0.02
    assert not {t for t, _ in tune} & {t for t, _ in holdout}
    assert {label for _, label in tune + holdout} == {"open", "closed"}


def test_holdout_accuracy_of_the_question_classifier():
    """The classifier was tuned on questions_tune.csv only; the holdout third was set aside before tuning."""
    holdout = read_set("questions_holdout.csv")
    right = sum(classify_question(text) == label for text, label in holdout)
    accuracy = right / len(holdout)
    print(f"open/closed holdout accuracy: {accuracy:.3f} ({right}/{len(holdout)})")
    assert accuracy >= 0.90


@pytest.mark.parametrize(
    "text, label",
    [
        ("Could you say more?", "open"),
        ("Can you tell me what happened?", "open"),
        ("Did you talk to him?", "closed"),
        ("Which of the two matters more?", "closed"),
        ("You want the promotion, right?", "closed"),
        ("So you're saying the team matters most?", "closed"),
        ("When you say stuck, what does that look like?", "open"),
        ("And?", "open"),
    ],
)
def test_documented_rules(text, label):
    assert classify_question(text) == label


# ------------------------------------------------------------------------------- issue 14: questions


def read_sourced(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_real_coach_questions_held_out_are_typed_right_at_least_95_percent():
    """104 questions real coaches asked, from public coaching dialogues and question pages, each with its
    address; the file was committed before the classifier was tuned and is not part of the tuning set."""
    rows = read_sourced("questions_real_holdout.csv")
    assert len(rows) >= 100 and all(r["source"].startswith("http") for r in rows)
    tune = {t for t, _ in read_set("questions_tune.csv")}
    assert not tune & {r["text"] for r in rows}
    right = sum(classify_question(r["text"]) == r["label"] for r in rows)
    assert right / len(rows) >= 0.95, right


def test_the_fallback_type_is_the_one_right_more_often_on_the_tuning_set():
    from coachkit.metrics import FALLBACK_TYPE, _classify

    fell = [label for text, label in read_set("questions_tune.csv") if not _classify(text)[1]]
    assert fell, "some tuning questions match no rule"
    assert FALLBACK_TYPE == max(("open", "closed"), key=fell.count)


@pytest.mark.parametrize(
    "text, label",
    [
        ("What would you keep or drop?", "open"),  # an " or " inside a what-question is no choice
        ("How do you want to handle the team or the board?", "open"),
        ("What matters more, the money or the title?", "closed"),  # the options named at the end
        ("Which do you prefer: the call or the email?", "closed"),
        ("How you'd stand on the stage, or maybe how you'd handle the nerves?", "open"),  # a clause starting "or"
        ("If you could change one thing what would it be?", "open"),  # a lead-in without a comma
        ("(pause) What else is there?", "open"),  # after a stage direction
        ("[laughs] How so?", "open"),
        ("“What would you say to her?”", "open"),  # inside quotes
    ],
)
def test_the_misses_found_in_real_dialogues(text, label):
    assert classify_question(text) == label


def test_one_word_acknowledgements_are_not_questions_and_notes_count_the_fallback():
    from coachkit.metrics import metric_notes

    assert split_questions("Okay? Cool? What now?") == ["What now?"]
    s = Session("d", "d", "full", None, (), "", (
        Utterance("u1", "coach", "Sam", None, None, "Cool? You feel stuck? What now?"),
        Utterance("u2", "client", "Maya", None, None, "Yes."),
    ))  # fmt: skip
    assert conversation_metrics(s)["questions"] == 2
    assert metric_notes(s) == [
        "1 of 2 questions matched no rule and was counted as closed (the type right more often when no rule decides)."
    ]


def test_i_would_is_not_advice_unless_it_advises():
    s = Session("d", "d", "full", None, (), "", (
        Utterance("u1", "coach", "Sam", None, None, "I would love to hear more. What I would notice is your energy."),
        Utterance("u2", "coach", "Sam", None, None, "I would suggest you call her. I'd recommend a walk."),
    ))  # fmt: skip
    assert advice_phrases(s) == [("u2", "I would suggest"), ("u2", "I would suggest")]


# --------------------------------------------------------------------------- issue 14: honest metrics


def timed(*rows, meta=None):
    return Session("d", "d", "full", None, (), "", tuple(Utterance(*r) for r in rows), meta=meta or {})


def test_interruptions_are_na_with_a_reason_when_no_cue_overlaps():
    from coachkit.metrics import metric_reasons

    rows = [("u1", "coach", "Sam", 0.0, 4.0, "What now?"), ("u2", "client", "Maya", 4.0, 9.0, "Go."),
            ("u3", "coach", "Sam", 9.0, 10.0, "And?")]  # fmt: skip
    m = conversation_metrics(timed(*rows))
    assert m["interruptions"] is None and m["silences"] == 0
    assert "no overlapping cues" in metric_reasons(timed(*rows))["interruptions"]
    # a session file that declares its timing shows overlaps (every sample does) gets a number
    assert conversation_metrics(timed(*rows, meta={"timing_shows_overlaps": "true"}))["interruptions"] == 0
    # a file with an overlapping cue shows interruptions
    rows[2] = ("u3", "coach", "Sam", 8.0, 10.0, "And?")
    assert conversation_metrics(timed(*rows))["interruptions"] == 1


def test_zoom_export_interruptions_are_na_and_the_table_says_why(tmp_path):
    from coachkit.metrics import metric_reasons

    path = tmp_path / "z.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nSam: How are you?\n\n"
                    "2\n00:00:03.500 --> 00:00:06.000\nMaya: Tired.\n", encoding="utf-8")  # fmt: skip
    s = load_transcript(path, coach="Sam")
    m = conversation_metrics(s)
    assert m["interruptions"] is None
    assert "Zoom and Otter never write them" in format_metrics(m, metric_reasons(s, m))


def test_duration_runs_to_the_last_cue_not_the_last_turn(tmp_path):
    path = tmp_path / "o.txt"
    path.write_text("Sam  0:00\nWhat now?\n\nMaya  0:10\nWell.\n\nMaya  55:21\nStill me.\n", encoding="utf-8")
    s = load_transcript(path, coach="Sam")
    assert [u.start for u in s.utterances] == [0.0, 10.0]  # Maya's two blocks are one turn
    assert conversation_metrics(s)["duration_s"] == 3321.0

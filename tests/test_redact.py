"""Redacting names before a transcript is shared with a mentor group."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachkit.errors import CoachkitError
from coachkit.metrics import conversation_metrics
from coachkit.model import AnswerKey, Decision, Session, Utterance
from coachkit.redaction import redact
from coachkit.transcripts import load_transcript

DATA = Path(__file__).parent / "data" / "transcripts"


def test_speaker_names_become_roles_in_names_and_text():
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    r = redact(s)
    assert {u.name for u in r.utterances} == {"Coach", "Client"}
    assert r.utterance("u1").text.startswith("Hi [Client], good to see you.")
    assert "Maya" not in repr(r) and "Jordan" not in repr(r)
    assert [u.id for u in r.utterances] == [u.id for u in s.utterances]  # evidence ids do not move
    assert s.utterance("u1").text.startswith("Hi Maya")  # the original is unchanged


def test_case_possessives_whole_words_name_parts_and_given_names():
    s = Session(
        "jordan-and-maya",
        "Jordan and Maya",
        "full",
        None,
        (),
        "",
        (
            Utterance("u1", "coach", "Jordan Lee", None, None, "MAYA, what did Tom say? Mr Lee told me."),
            Utterance("u2", "client", "Maya", None, None, "Jordan, Maya's plan is Mayan art with tom and Ana Ruiz."),
            Utterance("u3", "other", "Zoom User 3", None, None, "Ana here."),
        ),
    )
    r = redact(s, names=["Tom", "Ana Ruiz"], others=False)  # capitalised words like "Mayan" are kept here
    assert [u.name for u in r.utterances] == ["Coach", "Client", "Other 1"]
    assert r.utterances[0].text == "[Client], what did [name] say? Mr [Coach] told me."
    assert r.utterances[1].text == "[Coach], [Client]'s plan is Mayan art with [name] and [name]."
    assert r.utterances[2].text == "[name] here."  # "Ana" on its own: a part of a given name
    assert r.id == "coach-and-client" and r.title == "[Coach] and [Client]"
    assert (
        r.notes[-2] == "Redacted names: 3 speaker names replaced 4 times in the text, 2 other names replaced 4 times."
    )


def test_redacting_keeps_the_metrics():
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    r = redact(s)
    assert r.source is None  # the file still holds the names
    assert conversation_metrics(r) == conversation_metrics(s)  # silences inside a turn too


def test_answer_key_notes_are_redacted():
    key = AnswerKey("PCC", "Jordan lets Maya lead.", 1, {"4.1": Decision(True, ("u1",), "Names Maya's persistence.")})
    s = Session(
        "x",
        "x",
        "full",
        "PCC",
        (),
        "",
        (
            Utterance("u1", "coach", "Jordan", 0.0, 1.0, "Well done, Maya."),
            Utterance("u2", "client", "Maya", 1.0, 2.0, "Thanks."),
        ),
        key=key,
    )
    r = redact(s)
    assert r.key.summary == "[Coach] lets [Client] lead."
    assert r.key.decisions["4.1"].note == "Names [Client]'s persistence."


@pytest.mark.parametrize("names", [[""], [3], 5])
def test_bad_names(names):
    s = load_transcript(DATA / "plain.txt")
    with pytest.raises(CoachkitError):
        redact(s, names=names)


def test_not_a_session():
    with pytest.raises(CoachkitError):
        redact("call.vtt")


def test_names_in_the_text_near_spellings_and_what_it_cannot_catch():
    from coachkit.redaction import CANNOT_CATCH, redaction_preview

    s = Session("c", "c", "full", None, (), "", (
        Utterance("u1", "coach", "Sam Okoro", None, None, "Hi Preeti. How did it go with Ravi on Monday? I think so."),
        Utterance("u2", "client", "Priti", None, None, "Well, Sam, fine. Dana says hi."),
    ))  # fmt: skip
    r = redact(s, names=["Dana"])
    assert r.utterances[0].text == "Hi [Client]. How did it go with [name] on Monday? I think so."
    assert r.utterances[1].text == "Well, [Coach], fine. [name] says hi."
    assert r.notes[-1] == CANNOT_CATCH and "start of a sentence" in CANNOT_CATCH
    assert ("Ravi", "[name]", 1) in redaction_preview(s) and ("Preeti", "[Client]", 1) in redaction_preview(s)

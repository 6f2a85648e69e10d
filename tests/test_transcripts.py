"""Reading coaches' own transcripts: every format, its quirks, roles and names, and every bad input."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import coachkit as ck
from coachkit.errors import CoachkitError, FormatError
from coachkit.transcripts import cue_times, load_transcript

DATA = Path(__file__).parent / "data" / "transcripts"


def write(tmp_path, name, text, encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def turns(session):
    return [(u.id, u.speaker, u.name, u.start, u.end, u.text) for u in session.utterances]


# ------------------------------------------------------------------------------------------ formats


def test_zoom_vtt_merges_consecutive_cues_and_keeps_the_first_id():
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    assert [u.id for u in s.utterances] == ["u1", "u2", "u5", "u6", "u7"]
    maya = s.utterance("u2")
    assert (maya.speaker, maya.name, maya.start, maya.end) == ("client", "Maya", 6.2, 24.0)
    # three cues (one of them two lines long, with cue settings) are one turn, joined with spaces
    assert maya.text == (
        "I want to decide whether to take the team-lead role. Everyone assumes I'll say yes. "
        "But I'm not sure I want it. I keep putting it off."
    )
    # the NOTE block is not speech
    assert "paused" not in " ".join(u.text for u in s.utterances)
    # overlapping cues are allowed: the coach starts at 23 s while Maya speaks until 24 s
    assert s.utterance("u5").start == 23.0


def test_session_fields_for_a_transcript():
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    assert (s.id, s.title, s.kind, s.level, s.focus, s.topic, s.key) == (
        "zoom",
        "zoom.vtt",
        "full",
        None,
        (),
        "",
        None,
    )
    assert s.source == str(DATA / "zoom.vtt")
    assert all(isinstance(n, str) and n.endswith(".") for n in s.notes)


def test_teams_vtt_voice_tags_with_and_without_closing_tag():
    s = load_transcript(DATA / "teams.vtt", coach="Jordan Lee")
    assert turns(s) == [
        (
            "u1",
            "coach",
            "Jordan Lee",
            2.0,
            5.5,
            "Hi Maya, good to see you. What would make this session worthwhile for you?",
        ),
        (
            "u2",
            "client",
            "Maya",
            6.2,
            15.0,
            "I want to decide whether to take the team-lead role. Everyone assumes I'll say yes.",
        ),
        ("u4", "coach", "Jordan Lee", 16.0, 20.0, "What's making you unsure?"),
    ]


def test_srt_with_bom_crlf_and_a_multi_line_cue():
    assert (DATA / "call.srt").read_bytes().startswith(b"\xef\xbb\xbf1\r\n")
    s = load_transcript(DATA / "call.srt", coach="jordan lee")
    assert turns(s)[1] == (
        "u2",
        "client",
        "Maya",
        6.0,
        12.0,
        "My confidence in meetings. It drops when my director is there.",
    )
    assert [u.id for u in s.utterances] == ["u1", "u2", "u3"]


def test_otter_export_has_start_times_only_and_reads_hours():
    s = load_transcript(DATA / "otter.txt", coach="Jordan Lee")
    assert [(u.id, u.name, u.start, u.end) for u in s.utterances] == [
        ("u1", "Jordan Lee", 2.0, None),
        ("u2", "Maya", 8.0, None),
        ("u3", "Jordan Lee", 21.0, None),
        ("u4", "Maya", 3723.0, None),
    ]
    assert s.utterances[-1].text == "Since they asked me."  # the "Transcribed by otter.ai" footer is not speech


def test_plain_text_has_no_times_and_wrapped_lines_join_the_line_above():
    s = load_transcript(DATA / "plain.txt")
    assert turns(s) == [
        ("u1", "coach", "Coach", None, None, "Hi Maya. What would you like to leave with today?"),
        ("u2", "client", "Client", None, None, "A plan for the conversation with my director."),
        ("u3", "coach", "Coach", None, None, "What would a good plan give you? And how will you know you have it?"),
        ("u4", "client", "Client", None, None, "I'd feel calmer. And I'd sleep."),
    ]


def test_the_format_comes_from_the_content_not_the_extension():
    as_txt = load_transcript(DATA / "zoom_saved_as.txt", coach="Jordan Lee")
    as_vtt = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    assert turns(as_txt) == turns(as_vtt)
    assert "WebVTT" in as_txt.notes[0]


def test_vtt_with_bom_crlf_style_block_and_no_closing_blank_line(tmp_path):
    text = (
        "WEBVTT\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n\nNOTE exported by a tool\n\n"
        "00:00:01.000 --> 00:00:02.000 line:0 align:start position:10%\nSam: <i>Hi</i> there?\n\n"
        "00:01.500 --> 00:04.000\nMaya: Hello."
    )
    path = write(tmp_path, "call.vtt", "\ufeff" + text, newline="\r\n")
    s = load_transcript(path)
    assert turns(s) == [
        ("u1", "coach", "Sam", 1.0, 2.0, "Hi there?"),
        ("u2", "client", "Maya", 1.5, 4.0, "Hello."),
    ]


def test_utf16_file_from_windows(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_bytes("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam: Hi?\n".encode("utf-16"))
    assert load_transcript(path).utterances[0].text == "Hi?"


def test_a_cue_without_a_speaker_continues_the_speaker_before_it(tmp_path):
    path = write(
        tmp_path,
        "c.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam: What now?\n\n00:00:02.000 --> 00:00:03.000\nand then?\n\n"
        "00:00:04.000 --> 00:00:05.000\nMaya: Dunno.\n",
    )
    s = load_transcript(path, coach="Sam")
    assert turns(s)[0] == ("u1", "coach", "Sam", 1.0, 3.0, "What now? and then?")
    assert any("no speaker name" in n for n in s.notes)


def test_an_empty_cue_keeps_its_number(tmp_path):
    path = write(
        tmp_path,
        "c.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nSam: Hi?\n\n2\n00:00:02.000 --> 00:00:03.000\n\n"
        "3\n00:00:04.000 --> 00:00:05.000\nMaya: Hello.\n",
    )
    assert [u.id for u in load_transcript(path).utterances] == ["u1", "u3"]


# ------------------------------------------------------------------------------------ roles and names


def test_guessing_the_coach_says_so_in_the_notes():
    s = load_transcript(DATA / "zoom.vtt")
    assert s.utterance("u1").speaker == "coach"
    note = "Took Jordan Lee to be the coach: they asked the most questions (4). If that is wrong: say who it is"
    assert any(n.startswith(note) and "--coach NAME" in n for n in s.notes)


def test_coach_name_is_matched_ignoring_case_and_by_a_unique_first_name():
    assert load_transcript(DATA / "zoom.vtt", coach="MAYA").utterance("u2").speaker == "coach"
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan")
    assert s.utterance("u1").speaker == "coach"
    assert any("Jordan Lee" in n for n in s.notes)


def test_unknown_coach_lists_the_speakers_found():
    with pytest.raises(CoachkitError) as err:
        load_transcript(DATA / "zoom.vtt", coach="Sam")
    assert "zoom.vtt" in str(err.value) and "Jordan Lee, Maya" in str(err.value)


def test_speakers_renames_display_names_before_anything_is_counted(tmp_path):
    path = write(
        tmp_path,
        "c.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam B: What matters?\n\n"
        "00:00:02.500 --> 00:00:03.000\nSam: And why?\n\n"
        "00:00:04.000 --> 00:00:06.000\nZoom User 3: The team.\n",
    )
    s = load_transcript(path, coach="Sam", speakers={"Zoom User 3": "Maya", "sam b": "Sam"})
    # "Sam B" and "Sam" are one person, so their cues merge into one turn
    assert turns(s) == [
        ("u1", "coach", "Sam", 1.0, 3.0, "What matters? And why?"),
        ("u3", "client", "Maya", 4.0, 6.0, "The team."),
    ]
    with pytest.raises(CoachkitError, match="Zoom User 9.*Speakers found: Sam B, Sam, Zoom User 3"):
        load_transcript(path, speakers={"Zoom User 9": "Maya"})


def test_a_third_speaker_is_other_and_the_client_can_be_chosen(tmp_path):
    path = write(
        tmp_path,
        "c.txt",
        "Sam: What do you want today?\nMaya: To decide about the job offer I got.\nAna: May I add something?\n"
        "Sam: Maya, what stands out?\n",
    )
    s = load_transcript(path, coach="Sam")
    assert [u.speaker for u in s.utterances] == ["coach", "client", "other", "coach"]
    assert any("'other'" in n for n in s.notes)
    s = load_transcript(path, coach="Sam", client="Ana")
    assert [u.speaker for u in s.utterances] == ["coach", "other", "client", "coach"]


def test_speakers_called_coach_and_client_are_taken_at_their_word(tmp_path):
    path = write(tmp_path, "c.txt", "Client: Why? Why? Why?\nCoach: Tell me more.\n")
    s = load_transcript(path)
    assert [u.speaker for u in s.utterances] == ["client", "coach"]


# ------------------------------------------------------------------------------ cue times for metrics


def test_cue_times_are_a_field_of_the_session_and_never_reread_from_the_source():
    s = load_transcript(DATA / "zoom.vtt", coach="Jordan Lee")
    assert cue_times(s)[:4] == ((1, 2.0, 5.5), (2, 6.2, 12.0), (3, 12.1, 15.0), (4, 19.0, 24.0))
    rebuilt = dataclasses.replace(s, title="again", source=None)  # a copy made elsewhere keeps them
    assert cue_times(rebuilt) == cue_times(s) and rebuilt.cues == s.cues
    assert cue_times(dataclasses.replace(s, cues=())) is None  # a session that never knew its cues


def test_reading_does_not_import_pandas():
    code = (
        "import sys, coachkit as ck; "
        f"ck.load_transcript({str(DATA / 'zoom.vtt')!r}); ck.conversation_metrics(ck.load_transcript({str(DATA / 'zoom.vtt')!r})); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------- bad input


def error(path, **kwargs) -> CoachkitError:
    with pytest.raises(CoachkitError) as err:
        load_transcript(path, **kwargs)
    assert str(path) in str(err.value)
    return err.value


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("empty.vtt", b"", "empty"),
        ("blank.txt", b"\n \n", "empty"),
        ("binary.vtt", bytes(range(256)) * 4, "not text"),
        (
            "notes.txt",
            b"Things to remember for my mentor call\nbring the recording\n",
            "does not look like a transcript",
        ),
        ("only-header.vtt", b"WEBVTT\n\n", "no speech"),
        ("session.docx", b"PK\x03\x04 anything", "Word document"),
        ("session.pdf", b"%PDF-1.7", "PDF"),
        ("weird.bin", b"PK\x03\x04\x00\x00", "zip archive"),
    ],
)
def test_files_that_are_not_transcripts(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    err = error(path)
    assert isinstance(err, FormatError)
    assert words in str(err)


def test_an_unreadable_file_type_says_how_to_get_a_transcript(tmp_path):
    path = tmp_path / "meeting.docx"
    path.write_bytes(b"PK\x03\x04")
    message = str(error(path))
    assert "In Teams: Recording > Transcript > Download as .vtt".lower() in message.lower()
    assert ".srt" in message and "Otter" in message


def test_missing_file_and_folder(tmp_path):
    assert "no such file" in str(error(tmp_path / "nope.vtt"))
    assert "folder" in str(error(tmp_path))


CUE = "00:00:01.000 --> 00:00:02.000\nSam: Hi?\n\n"


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("WEBVTT\n\n" + CUE + "00:00:03.000 --> 00:00:0\nMaya: cut\n", 6, "does not parse"),  # truncated timing
        ("WEBVTT\n\n" + CUE + "00:00:03.000 -> 00:00:04.000\nMaya: hi\n", 6, "not part of any cue"),
        ("WEBVTT\n\n" + CUE + "00:00:03.000 --> 00:00:04.3001\nMaya: hi\n", 6, "does not parse"),
        ("WEBVTT\n\n" + CUE + "00:00:03.000 --> 00:00:61.000\nMaya: hi\n", 6, "does not parse"),
        ("WEBVTT\n\n" + CUE + "00:00:05.000 --> 00:00:04.000\nMaya: hi\n", 6, "ends before it starts"),
        (
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nSam: Hi?\n\n00:00:01.000 --> 00:00:02.000\nMaya: hi\n",
            6,
            "backwards",
        ),
        ("WEBVTT\n\n" + CUE + "Maya: a paragraph that lost its timing line\n", 6, "not part of any cue"),
        ("WEBVTT\n\n" + CUE + "2\nextra line\n00:00:03.000 --> 00:00:04.000\nMaya: hi\n", 6, "not part of any cue"),
        ("WEBVTT\n\n" + "00:00:01.000 --> 00:00:02.000\nSam: from A --> B\n", 4, "does not parse"),
    ],
)
def test_broken_vtt_names_the_line(tmp_path, text, line, words):
    err = error(write(tmp_path, "bad.vtt", text))
    assert isinstance(err, FormatError) and err.line == line, str(err)
    assert f"bad.vtt:{line}:" in str(err) and words in str(err)


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("1\n00:00:01,000 --> 00:00:02,000\nSam: Hi?\n\n2\n00:00:03,000 --> 00:00:0\nMaya: cut\n", 6, "does not parse"),
        ("1\n00:00:05,000 --> 00:00:04,000\nSam: Hi?\n", 2, "ends before it starts"),
        ("1\n00:00:05,000 --> 00:00:06,000\nSam: Hi?\n\n2\n00:00:01,000 --> 00:00:02,000\nMaya: x\n", 6, "backwards"),
        ("Some title\n\n1\n00:00:01,000 --> 00:00:02,000\nSam: Hi?\n", 1, "not part of any subtitle"),
    ],
)
def test_broken_srt_names_the_line(tmp_path, text, line, words):
    err = error(write(tmp_path, "bad.srt", text))
    assert isinstance(err, FormatError) and err.line == line, str(err)
    assert words in str(err)


def test_broken_otter_time_names_the_line(tmp_path):
    err = error(write(tmp_path, "o.txt", "Sam  0:02\nHi?\n\nMaya  0:75\nHello\n"))
    assert err.line == 4


def test_vtt_without_header(tmp_path):
    err = error(write(tmp_path, "x.vtt", CUE))
    assert err.line == 1 and "WEBVTT" in str(err)


def test_no_speaker_names(tmp_path):
    err = error(write(tmp_path, "x.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n"))
    assert "no speaker names" in str(err)


def test_errors_are_value_errors_for_the_caller():
    assert issubclass(FormatError, ValueError) and ck.FormatError is FormatError


def test_webvtt_character_references_are_shown_as_written(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nSam: Any Q&amp;A before we start? 2 &lt; 3\n\n"
        "2\n00:00:04.000 --> 00:00:06.000\nMaya: R&amp;D, mostly.\n",
        encoding="utf-8",
    )
    session = load_transcript(path, coach="Sam")
    assert session.utterances[0].text == "Any Q&A before we start? 2 < 3"
    assert session.utterances[1].text == "R&D, mostly."

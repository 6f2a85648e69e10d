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


# ------------------------------------------------------------------- issue 14: formats coaches really have


def test_transcription_service_lines_with_times_in_brackets():
    s = load_transcript(DATA / "service.txt")
    assert [(u.name, u.start, u.end) for u in s.utterances] == [
        ("Jordan Lee", 2.0, None), ("Maya", 9.0, None), ("Jordan Lee", 15.0, None), ("Maya", 62.0, None),
    ]  # fmt: skip
    assert s.utterances[3].text == "When I can say it out loud to my manager."
    assert "1 line of page text before the first turn was left out (line 1)." in s.notes


def test_otter_text_with_a_time_before_every_line():
    s = load_transcript(DATA / "otter_prefixed.txt", coach="Jordan Lee")
    assert [u.name for u in s.utterances] == ["Jordan Lee", "Maya", "Jordan Lee", "Maya"]
    assert s.utterances[3].start == 3921.0


@pytest.mark.parametrize("name, speakers", [("diarized.srt", ["SPEAKER_00", "SPEAKER_01"]), ("captions.srt", ["ALICE", "BEN"])])
def test_diarized_and_caption_labels_in_srt(name, speakers):
    s = load_transcript(DATA / name)
    assert [u.name for u in s.utterances] == [speakers[0], speakers[1], speakers[0]]
    assert s.utterances[0].speaker == "coach" and not s.utterances[1].text.startswith((">>", "["))


def test_diarized_label_in_plain_text(tmp_path):
    s = load_transcript(write(tmp_path, "d.txt", "[SPEAKER_00]: What now?\n[SPEAKER_01]: Rest.\n"))
    assert [(u.name, u.speaker) for u in s.utterances] == [("SPEAKER_00", "coach"), ("SPEAKER_01", "client")]


def test_a_name_alone_on_its_line_above_its_text():
    s = load_transcript(DATA / "name_above.txt")
    assert [(u.name, u.text) for u in s.utterances][:2] == [
        ("Sam Okoro", "What would you like to take away from today?"), ("Priti", "A plan for telling my team."),
    ]  # fmt: skip


def test_pasted_dialogue_roles_from_header_lines_and_page_text_left_out_and_counted():
    s = load_transcript(DATA / "pasted_dialogue.txt")
    assert [(u.name, u.speaker) for u in s.utterances][:2] == [("Jane", "coach"), ("John", "client")]
    assert {u.name for u in s.utterances} == {"Jane", "John"}  # Scenario, To note, Note, Competency: no speakers
    everything = " ".join(u.text for u in s.utterances)
    assert "silence work" not in everything and "made up for teaching" not in everything
    assert s.utterance("u4").text == "That my boss might hear about it before I tell him myself."
    assert "5 lines of page text before the first turn were left out (lines 1, 2, 3, 8, 9)." in s.notes
    assert any(n.startswith("4 lines that are not part of a turn") for n in s.notes)


def test_a_speaker_named_client_is_never_the_coach(tmp_path):
    text = "Client: What should I do? Any idea? Why?\nCoachee: fine\nSam: What do you want?\n"
    s = load_transcript(write(tmp_path, "c.txt", text))
    roles = {u.name: u.speaker for u in s.utterances}
    assert roles["Client"] == "client" and roles["Sam"] == "coach"


def test_no_question_anywhere_asks_for_the_coach_instead_of_guessing():
    err = error(DATA / "webinar.vtt")
    assert "no line asks a question" in str(err) and "--coach NAME" in str(err)
    assert load_transcript(DATA / "webinar.vtt", coach="Host").utterances[0].speaker == "coach"


def test_messages_speak_command_line_terms():
    err = error(DATA / "zoom.vtt", coach="Nobody")
    assert "--coach NAME" in str(err) and "Pass coach=" not in str(err)


def test_coach_named_with_brackets_as_the_reader_wrote_it(tmp_path):
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sam [Guest]>How are you?</v>\n\n" \
           "00:00:03.000 --> 00:00:04.000\n<v Maya>Fine.</v>\n"
    s = load_transcript(write(tmp_path, "t.vtt", text), coach="Sam [Guest]")
    assert s.utterances[0].name == "Sam [Guest]" and s.utterances[0].speaker == "coach"


def _docx(tmp_path, lines, name="call.docx"):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(tmp_path / name)
    return tmp_path / name


def test_teams_and_otter_word_downloads(tmp_path):
    teams = _docx(tmp_path, ["Coaching call", "Transcript", "Jordan Lee   0:03", "What would help today?",
                             "Maya   0:10", "Deciding about the role."])  # fmt: skip
    s = load_transcript(teams)
    assert [(u.name, u.start, u.text) for u in s.utterances] == [
        ("Jordan Lee", 3.0, "What would help today?"), ("Maya", 10.0, "Deciding about the role."),
    ]  # fmt: skip
    assert s.notes[0] == "Read as a Word transcript (Teams or Otter .docx)."
    old_teams = _docx(tmp_path, ["0:0:0.0 --> 0:0:4.930", "Jordan Lee", "What now?", "0:0:5.0 --> 0:0:7.5",
                                 "Maya", "Rest."], "old.docx")  # fmt: skip
    s = load_transcript(old_teams, coach="Jordan Lee")
    assert [(u.name, u.start, u.end) for u in s.utterances] == [("Jordan Lee", 0.0, 4.93), ("Maya", 5.0, 7.5)]


def test_a_word_file_that_unpacks_too_large_is_refused_before_unpacking(tmp_path, monkeypatch):
    import coachkit._docx

    path = _docx(tmp_path, ["Sam  0:01", "What now?", "Maya  0:05", "Rest."])
    monkeypatch.setattr(coachkit._docx, "TRANSCRIPT_LIMIT", 1000)
    err = error(path)
    assert "unpacked" in str(err) and "\n" not in str(err)


# ------------------------------------------------------------------------ issue 13: hostile input


def test_size_limits_and_files_that_are_not_regular(tmp_path, monkeypatch):
    import os

    import coachkit._files

    big = write(tmp_path, "big.vtt", "WEBVTT\n\n" + CUE * 50)
    monkeypatch.setattr(coachkit._files, "TRANSCRIPT_LIMIT", 100)
    err = error(big)
    assert "more than the 100 bytes" in str(err) and "\n" not in str(err)
    fifo = tmp_path / "pipe.vtt"
    os.mkfifo(fifo)
    assert "not a regular file" in str(error(fifo))
    link = tmp_path / "zero.vtt"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in str(error(link))


def _growth(make, n, reader):
    """How much longer input of size 4n takes than size n (best of 3 each); an alarm guards against a hang."""
    import signal
    import time

    def hang(*_):
        raise AssertionError("reading took over 120 s: a pattern backtracks")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(120)
    try:
        spent = []
        for size in (n, 4 * n):
            text = make(size)
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                reader(text)
                best = min(best, time.perf_counter() - t0)
            spent.append(best)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    # below 10 ms the clock's noise is larger than any growth: such inputs are read fast whatever their size
    return spent[1] / max(spent[0], 0.01)


@pytest.mark.parametrize(
    "suffix, make",
    [
        (".srt", lambda n: "1\n00:00:01,000 --> 00:00:02,000\n<v" + ".a" * n + "!\n"),
        (".srt", lambda n: "1\n00:00:01,000 --> 00:00:02,000\nSam: " + "<" * n + "\n"),
        (".vtt", lambda n: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v" + ".a" * n + "!\n"),
        (".vtt", lambda n: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam: " + "<" * n + "\n"),
        (".txt", lambda n: "Sam  " + " " * n + "0:0x\n"),
        (".txt", lambda n: "Sam (" + "(" * n + "\n"),
        (".txt", lambda n: "[" * n + "\n"),
        (".txt", lambda n: "Sam: hi\n" + "A " * n + "\n"),
    ],
)
def test_every_pattern_is_linear_time(tmp_path, suffix, make):
    def read(text):
        path = tmp_path / f"x{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            load_transcript(path, coach="Sam")
        except CoachkitError:
            pass

    assert _growth(make, 50_000, read) < 12  # linear: about 4; quadratic would be 16 or more


def test_roles_and_per_speaker_steps_are_linear_in_the_number_of_speakers(tmp_path):
    from coachkit.metrics import conversation_metrics
    from coachkit.redaction import redact

    def make(n):
        return "".join(f"Person {k}: What {k}?\n" for k in range(n))

    def read(text):
        path = tmp_path / "many.txt"
        path.write_text(text, encoding="utf-8")
        s = load_transcript(path)
        conversation_metrics(s)
        redact(s)

    assert _growth(make, 20_000, read) < 8


def test_command_line_client_names_and_one_speaker_files(tmp_path):
    from coachkit.cli import main

    three = write(tmp_path, "three.txt", "Sam: What now?\nMaya: Rest.\nTom: Me too, a lot more words here.\n")
    assert main(["metrics", str(three), "--coach", "Sam", "--client", "Maya"]) == 0
    one = write(tmp_path, "one.txt", "Sam: What now? Anyone?\nSam: Hello?\n")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["import", str(one), "--coach", "Sam", "--out", str(tmp_path / "lib"), "--consent", "yes"]) == 1
    assert "only one person speaks (Sam)" in err.getvalue()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["import", str(three), "--coach", "Sam", "--client", "Maya", "--out", str(tmp_path / "lib"),
                     "--names", "Lisbon", "--redact", "--preview"])  # fmt: skip
    assert code == 0 and "Maya -> " not in out.getvalue() and "cannot catch" in out.getvalue()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["metrics", str(three), "--coach", "Nobody"]) == 1
    assert "--coach NAME" in err.getvalue() and "coach=NAME in Python" in err.getvalue()

"""The shipped PCC Markers file, and every way the framework loader refuses a broken one.

The numbering checks follow ICF's PCC Markers (2020 release): 37 markers under competencies 3 to 8
(4, 4, 5, 7, 8 and 9 of them), competency 2 evidenced through 11 named markers. The 2014 crosswalk
follows the 2014 PCC markers as published by ICF and quoted in older mentor-coaching material.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import coachkit as ck
from coachkit.errors import CoachkitError, FormatError
from coachkit.framework import DEFAULT_PATH, OFFICIAL_URL, framework

SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")

EXPECTED_IDS = (
    [f"3.{k}" for k in range(1, 5)]
    + [f"4.{k}" for k in range(1, 5)]
    + [f"5.{k}" for k in range(1, 6)]
    + [f"6.{k}" for k in range(1, 8)]
    + [f"7.{k}" for k in range(1, 9)]
    + [f"8.{k}" for k in range(1, 10)]
)
MINDSET = {"4.1", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4", "6.1", "6.5", "7.1", "7.5"}
NAMES = {
    1: "Demonstrates Ethical Practice",
    2: "Embodies a Coaching Mindset",
    3: "Establishes and Maintains Agreements",
    4: "Cultivates Trust and Safety",
    5: "Maintains Presence",
    6: "Listens Actively",
    7: "Evokes Awareness",
    8: "Facilitates Client Growth",
}


@pytest.fixture(scope="module")
def fw():
    return framework()


# --- the shipped file ---------------------------------------------------------------------------------


def test_numbering_is_icfs(fw):
    assert len(fw.markers) == 37
    assert list(fw.marker_ids) == EXPECTED_IDS
    assert [c.number for c in fw.competencies] == list(range(1, 9))
    assert [len(c.markers) for c in fw.competencies] == [0, 0, 4, 4, 5, 7, 8, 9]
    for m in fw.markers:
        assert m.id.startswith(f"{m.competency}.")
        assert fw.competency(m.competency).markers.count(m) == 1


def test_competency_names_are_the_official_ones(fw):
    assert {c.number: c.name for c in fw.competencies} == NAMES
    assert all(len(c.description.split()) >= 8 for c in fw.competencies)


def test_competencies_1_and_2_say_how_they_are_assessed(fw):
    ethics, mindset = fw.competency(1), fw.competency(2)
    assert ethics.markers == () and mindset.markers == ()
    assert "coach role" in ethics.assessed and "Code of Ethics" in ethics.assessed
    # the text names exactly the markers flagged as mindset markers
    for mid in MINDSET:
        assert mid in mindset.assessed
    assert all(c.assessed == "" for c in fw.competencies[2:])


def test_mindset_markers_are_the_eleven(fw):
    assert {m.id for m in fw.mindset_markers} == MINDSET
    assert len(fw.mindset_markers) == 11


def test_every_marker_is_written_out(fw):
    for m in fw.markers:
        assert 3 <= len(m.title.split()) <= 7, m.id
        assert len(m.description.split()) >= 8, m.id
        assert 2 <= len(m.look_fors) <= 4, m.id
        assert 1 <= len(m.pitfalls) <= 3, m.id
        assert isinstance(m.mindset, bool)
        assert str(m) == f"{m.id} {m.title}"
    # look-fors are concrete: most give a line a coach could actually say
    quoted = [m.id for m in fw.markers if any('"' in x for x in m.look_fors)]
    assert len(quoted) >= 33


def test_the_three_trust_breaking_moments_are_pitfalls(fw):
    own_view = " ".join(fw.marker("4.1").pitfalls).lower()
    assert "own view" in own_view and "client's view" in own_view

    support = " ".join(fw.marker("4.2").pitfalls)
    assert "never expresses support" in support
    assert "What do you need from me right now?" in support
    assert "strengths" in support

    finish = " ".join(fw.marker("6.6").pitfalls).lower()
    for word in ("interrupts", "talks over", "argues", "silence"):
        assert word in finish
    # and the good side is something a learner can hear
    assert any("What do you need from me right now?" in x for x in fw.marker("4.2").look_fors)


def test_disclaimer_and_source(fw):
    assert fw.source_url == OFFICIAL_URL
    assert fw.release == "2020"
    text = fw.disclaimer.lower()
    for phrase in ("independent", "paraphrase", "official wording", "pcc markers page", "not a checklist", "pass rule"):
        assert phrase in text, phrase


def test_unknown_marker_lists_the_valid_ids(fw):
    with pytest.raises(CoachkitError) as err:
        fw.marker("9.9")
    message = str(err.value)
    assert "'9.9'" in message
    assert all(mid in message for mid in EXPECTED_IDS)
    assert not isinstance(err.value, FormatError)


def test_marker_lookup_forgives_spaces_and_floats(fw):
    assert fw.marker(" 6.6 ").id == "6.6"
    assert fw.marker(6.6).id == "6.6"


def test_unknown_competency(fw):
    with pytest.raises(CoachkitError, match="Valid competencies: 1, 2, 3, 4, 5, 6, 7, 8"):
        fw.competency(9)


def test_search(fw):
    assert "5.5" in [m.id for m in fw.search("silence")]
    assert fw.search("silence")[0].id == "5.5"
    assert [m.id for m in fw.search("Stacked QUESTIONS")] == ["7.6"]
    assert fw.search("") == fw.markers
    assert fw.search("xylophone") == ()


@pytest.mark.parametrize(
    ("competency", "number", "marker"),
    [
        ("Creating Trust and Intimacy", 1, "4.1"),
        ("Creating Trust and Intimacy", 2, "4.2"),
        ("Creating Trust and Intimacy", 3, "4.3"),
        ("creating trust and intimacy ", 2, "4.2"),
        ("Creating the Coaching Agreement", 1, "3.1"),
        ("Creating the Coaching Agreement", 4, "3.4"),
        ("Direct Communication", 6, "6.6"),
        ("Direct Communication", 5, "7.8"),
        ("Powerful Questioning", 5, "7.6"),
        ("Active Listening", 7, "5.5"),
        ("Coaching Presence", 6, "4.4"),
    ],
)
def test_crosswalk_from_2014(fw, competency, number, marker):
    assert fw.from_2014(competency, number).id == marker


def test_crosswalk_unknown_entry_says_what_it_knows(fw):
    with pytest.raises(CoachkitError, match="Creating Trust and Intimacy #1"):
        fw.from_2014("Creating Trust and Intimacy", 4)


def test_crosswalk_rows_are_complete(fw):
    assert len(fw.crosswalk) >= 10
    for row in fw.crosswalk:
        assert row.text_2014 and row.note
        assert fw.marker(row.marker).id == row.marker


def test_loaded_once_and_frozen(fw):
    assert framework() is framework()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.marker("4.1").title = "changed"
    assert isinstance(fw.marker("4.1"), ck.Marker)


def test_ck_framework_is_callable_after_the_module_was_imported():
    code = "import coachkit.framework, coachkit as ck; print(ck.framework().marker('6.6').id)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6.6"


def test_a_copy_of_the_shipped_file_loads_from_a_path(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(SHIPPED, encoding="utf-8")
    loaded = framework(path)
    assert loaded.marker_ids == framework().marker_ids
    assert loaded == framework()


def test_a_bom_and_crlf_are_fine(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SHIPPED.replace("\n", "\r\n").encode("utf-8"))
    assert framework(path).marker_ids == tuple(EXPECTED_IDS)


# --- broken files -------------------------------------------------------------------------------------


def _write(tmp_path, text: str | bytes):
    path = tmp_path / "framework.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _edit(old: str, new: str) -> str:
    assert SHIPPED.count(old) >= 1, old
    return SHIPPED.replace(old, new, 1)


def _line(text: str, snippet: str) -> int:
    """The 1-based line of the only line holding ``snippet``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert len(hits) == 1, (snippet, hits)
    return hits[0]


def _refused(path, line, *words):
    with pytest.raises(FormatError) as err:
        framework(path)
    exc = err.value
    assert exc.path == str(path)
    assert exc.line == line, str(exc)
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert str(exc).startswith(where)
    for word in words:
        assert word in str(exc), (word, str(exc))
    return exc


def test_unknown_field(tmp_path):
    text = _edit('      - id: "4.1"\n', '      - id: "4.1"\n        colour: blue\n')
    exc = _refused(_write(tmp_path, text), _line(text, "colour: blue"), "unknown field 'colour'", "marker #1")
    assert "look_fors" in str(exc)  # the message lists what is allowed


def test_unknown_top_level_field(tmp_path):
    text = "licence: MIT\n" + SHIPPED
    _refused(_write(tmp_path, text), 1, "unknown field 'licence'", "the framework file")


def test_missing_field(tmp_path):
    text = _edit(
        '          - The coach proposes the goal ("So let\'s work on your confidence") and the client simply agrees.\n'
        "        mindset: false\n",
        '          - The coach proposes the goal ("So let\'s work on your confidence") and the client simply agrees.\n',
    )
    _refused(
        _write(tmp_path, text), _line(text, 'id: "3.1"'), "missing the field 'mindset'", "marker #1 of competency 3"
    )


def test_duplicate_id(tmp_path):
    text = _edit('id: "3.2"', 'id: "3.1"')
    first = _line(SHIPPED, 'id: "3.1"')
    second = _line(SHIPPED, 'id: "3.2"')
    _refused(_write(tmp_path, text), second, "3.1 appears twice", f"first at line {first}")


def test_wrong_type(tmp_path):
    text = _edit('      - id: "3.1"\n', '      - id: "3.1"\n        mindset: "yes"\n')
    text = text.replace("simply agrees.\n        mindset: false\n", "simply agrees.\n", 1)
    _refused(_write(tmp_path, text), _line(text, 'mindset: "yes"'), "'mindset'", "must be true or false, not text")


def test_wrong_type_for_a_look_for(tmp_path):
    text = _edit('          - Asks "What would you like to walk away with today?"\n', "          - 42\n")
    _refused(_write(tmp_path, text), _line(text, "          - 42"), "marker 3.1", "non-empty text")


def test_unquoted_ids_stay_text(tmp_path):
    # the float resolver is off: an unquoted 3.1 is still the id "3.1", and 3.10 is never 3.1
    text = SHIPPED.replace('id: "3.1"', "id: 3.1", 1)
    assert framework(_write(tmp_path, text)).marker("3.1").title


def test_marker_under_the_wrong_competency(tmp_path):
    text = _edit('id: "3.1"', 'id: "4.1"')
    _refused(_write(tmp_path, text), _line(SHIPPED, 'id: "3.1"'), "marker 4.1 is listed under competency 3")


def test_out_of_order_id(tmp_path):
    text = _edit('id: "3.2"', 'id: "3.3"')
    _refused(_write(tmp_path, text), _line(SHIPPED, 'id: "3.2"'), "3.3 is out of order", "expected 3.2")


def test_malformed_id(tmp_path):
    text = _edit('id: "3.2"', 'id: "3.b"')
    _refused(_write(tmp_path, text), _line(SHIPPED, 'id: "3.2"'), "'3.b' is not of the form N.k")


def test_too_few_look_fors(tmp_path):
    text = _edit(
        '          - Invites a concrete sign ("What would you have in hand, or be clear about, if we got there?")\n',
        "",
    )
    lines = text.splitlines()
    start = _line(text, 'id: "3.2"')
    look_fors = next(i for i in range(start, len(lines) + 1) if lines[i - 1].strip() == "look_fors:")
    _refused(_write(tmp_path, text), look_fors, "marker 3.2 needs at least 2 look_fors")


def test_no_pitfalls(tmp_path):
    old = "        pitfalls:\n          - Generic coaching questions that ignore what the client has just said.\n"
    text = _edit(old, "        pitfalls: []\n")
    _refused(_write(tmp_path, text), _line(text, "pitfalls: []"), "marker 6.1 needs at least 1 pitfalls")


def test_invalid_yaml(tmp_path):
    text = _edit("title: Clarifies what the client wants today", "title: Clarifies: what the client wants today")
    _refused(_write(tmp_path, text), _line(text, "title: Clarifies: what"), "not valid YAML")


def test_duplicate_yaml_key(tmp_path):
    text = _edit(
        "title: Clarifies what the client wants today\n",
        "title: Clarifies what the client wants today\n        title: Another title\n",
    )
    _refused(_write(tmp_path, text), _line(text, "title: Another title"), "'title' appears twice")


def test_not_utf8(tmp_path):
    text = _edit("title: Explores the client's emotions", "title: Explores the client's \xe9motions")
    raw = text.encode("latin-1")
    _refused(_write(tmp_path, raw), _line(text, "\xe9motions"), "not UTF-8")


def test_control_character(tmp_path):
    text = _edit("title: Explores the client's emotions", "title: Explores the client's\x07 emotions")
    _refused(_write(tmp_path, text), _line(text, "\x07"), "not valid YAML", "#x0007")


def test_unknown_crosswalk_marker(tmp_path):
    text = _edit('    marker: "6.6"', '    marker: "9.9"')
    _refused(_write(tmp_path, text), _line(text, 'marker: "9.9"'), "unknown marker '9.9'", "3.1 to 8.9")


def test_duplicate_crosswalk_entry(tmp_path):
    text = _edit(
        "  - competency_2014: Direct Communication\n    number_2014: 5\n",
        "  - competency_2014: Direct Communication\n    number_2014: 6\n",
    )
    second = _line(SHIPPED, "text_2014: Lets the client finish speaking") - 1
    _refused(_write(tmp_path, text), second, "Direct Communication #6 twice")


def test_competency_out_of_range_or_order(tmp_path):
    text = _edit("  - number: 8\n", "  - number: 9\n")
    _refused(_write(tmp_path, text), _line(text, "- number: 9"), "competency 9 does not exist")
    text = _edit("  - number: 4\n", "  - number: 2\n")
    _refused(_write(tmp_path, text), _line(SHIPPED, "- number: 4"), "competency 2 appears twice")
    swapped = SHIPPED.replace("  - number: 1\n", "  - number: X\n", 1).replace("  - number: 2\n", "  - number: 1\n", 1)
    swapped = swapped.replace("  - number: X\n", "  - number: 2\n", 1)
    _refused(_write(tmp_path, swapped), _line(SHIPPED, "- number: 2"), "competency 1 is out of order")


def test_wrong_format(tmp_path):
    text = _edit("format: coachkit-framework/1", "format: coachkit-framework/2")
    _refused(_write(tmp_path, text), _line(text, "format:"), "expected coachkit-framework/1")


def test_empty_and_missing_files(tmp_path):
    _refused(_write(tmp_path, ""), None, "must be a mapping")
    with pytest.raises(FormatError, match="no such file") as err:
        framework(tmp_path / "nowhere.yaml")
    assert err.value.line is None and err.value.path.endswith("nowhere.yaml")


# ------------------------------------------------------------------------------ depth per competency (issue 15)


def test_competencies_3_to_8_say_what_acc_pcc_and_mcc_depth_sound_like(fw):
    for c in fw.competencies:
        if c.number < 3:
            assert dict(c.depth) == {}
            continue
        assert sorted(c.depth) == ["ACC", "MCC", "PCC"], c.number
        texts = [c.depth[level] for level in ("ACC", "PCC", "MCC")]
        assert all(len(t.split()) >= 15 for t in texts) and len(set(texts)) == 3
    # sourced as the markers are: ICF's credential pages, one of them the MCC requirements
    assert "https://coachingfederation.org/credentials-and-standards" in fw.depth_sources
    assert any("mcc" in url for url in fw.depth_sources)
    # MCC depth is the client leading; ACC depth the coach driving (design.md, "What the levels sound like")
    assert "client" in fw.competency(8).depth["MCC"] and "coach" in fw.competency(8).depth["ACC"]


def test_a_depth_missing_a_level_or_empty_is_refused(tmp_path):
    text = _edit("      PCC: >-\n", "      PPC: >-\n")
    _refused(_write(tmp_path, text), _line(text, "PPC:"), "unknown field 'PPC'")
    start = SHIPPED.index("    depth:\n", SHIPPED.index("  - number: 5"))
    end = SHIPPED.index("    markers:\n", start)
    text = SHIPPED[:start] + SHIPPED[end:]
    _refused(_write(tmp_path, text), _line(text, "  - number: 5"), "competency 5 needs its depth")


def test_an_anchor_or_alias_in_a_framework_file_is_refused(tmp_path):
    text = _edit("name: ICF PCC Markers", "name: &n ICF PCC Markers\nrelease_copy: *n")
    _refused(_write(tmp_path, text), _line(text, "name: &n"), "anchor")


def test_the_crosswalk_is_data_here_and_html_in_the_render_layer(fw):
    from coachkit.render import crosswalk_html

    rows = fw.crosswalk_rows()
    assert len(rows) == len(fw.crosswalk) and rows[0]["today"].startswith(fw.crosswalk[0].marker)
    html = crosswalk_html(fw)
    assert html.count("<tr") == len(rows) + 1 and "2014 wording (paraphrased)" in html
    assert list(fw.crosswalk_table().columns)[:2] == ["2014 competency", "2014 marker"]
    source = (DEFAULT_PATH.parent.parent / "framework.py").read_text(encoding="utf-8")
    assert "render" not in "".join(line for line in source.splitlines() if "import" in line)

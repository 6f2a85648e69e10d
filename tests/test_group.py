"""The group on a live call: loading exports, the group summary, reliability, and the dashboard."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import coachkit as ck
from coachkit.group import (
    FileSource,
    FolderSource,
    alpha_band,
    dispute_order,
    fleiss_kappa,
    group_reliability,
    group_summary,
    latest_attempts,
    load_exports,
    load_uploads,
    sample_exports,
)
from coachkit.model import AnswerKey, Decision, RatingSheet, Session, Utterance
from coachkit.store import RatingStore

# ----------------------------------------------------------------------------------------- a hand-built group

KEY = {"3.1": True, "4.1": True, "5.5": False, "6.6": False}


def _session() -> Session:
    talk = tuple(
        Utterance(f"u{i}", "coach" if i % 2 else "client", "Sam" if i % 2 else "Maya", i * 5.0, i * 5.0 + 4, f"line {i}")
        for i in range(1, 9)
    )
    decisions = {m: Decision(v, ("u1",) if v else (), "note") for m, v in KEY.items()}
    key = AnswerKey("PCC", "demo", 1, decisions)
    return Session("group-demo", "Group demo", "excerpt", "PCC", tuple(KEY), "", talk, key)


def _sheet(name, rid, calls, when="2026-03-01T10:00:00+00:00", sid="group-demo"):
    s = RatingSheet(sid, name, rater_id=rid, id=f"{rid}-{when[:10]}", created=when, updated=when)
    for marker, value in calls.items():
        s.mark(marker, value)
    s.updated = when
    return s


def _group():
    # five raters; by hand: 3.1 heard by 4 of 5 (key yes); 4.1 split 2 yes / 2 no / 1 unsure (key yes);
    # 5.5 heard by 1 of 4 decided, one left it open (key no); 6.6 heard by 3 of 5 (key no)
    return [
        _sheet("Ana", "r1", {"3.1": True, "4.1": True, "5.5": False, "6.6": True}),
        _sheet("Ana", "r2", {"3.1": True, "4.1": False, "5.5": True, "6.6": True}),
        _sheet("Ben", "r3", {"3.1": True, "4.1": None, "5.5": False, "6.6": False}),
        _sheet("Chiara", "r4", {"3.1": False, "4.1": True, "5.5": False, "6.6": True}),
        _sheet("Dev", "r5", {"3.1": True, "4.1": False, "6.6": False}),
    ]


def test_group_summary_matches_the_figures_counted_by_hand():
    t = group_summary(_group(), _session()).set_index("marker")
    assert list(t.index) == ["3.1", "4.1", "5.5", "6.6"]
    assert list(t.columns[:0]) == [] and {"competency", "n_raters", "evidenced_share", "assessor", "agreement"} <= set(
        t.columns
    )
    assert t.loc["3.1", ["n_raters", "n_evidenced", "n_unsure"]].tolist() == [5, 4, 0]
    assert t.loc["3.1", "evidenced_share"] == pytest.approx(0.8) and t.loc["3.1", "agreement"] == pytest.approx(0.8)
    assert t.loc["4.1", ["n_raters", "n_evidenced", "n_unsure"]].tolist() == [4, 2, 1]
    assert t.loc["4.1", "evidenced_share"] == pytest.approx(0.5) and t.loc["4.1", "agreement"] == pytest.approx(0.5)
    assert t.loc["5.5", ["n_raters", "n_evidenced", "n_unsure"]].tolist() == [4, 1, 1]
    assert t.loc["5.5", "evidenced_share"] == pytest.approx(0.25) and t.loc["5.5", "agreement"] == pytest.approx(0.75)
    assert t.loc["6.6", "evidenced_share"] == pytest.approx(0.6) and t.loc["6.6", "agreement"] == pytest.approx(0.4)
    assert t["assessor"].tolist() == [True, True, False, False]
    assert t["competency"].tolist() == [3, 4, 5, 6]


def test_group_summary_agrees_with_comparing_each_sheet_on_its_own():
    session = _session()
    t = group_summary(_group(), session).set_index("marker")
    for marker in KEY:
        outcomes = [ck.compare(s, session).table.set_index("marker").loc[marker, "outcome"] for s in _group()]
        decided = [o for o in outcomes if o != "unsure"]
        assert t.loc[marker, "agreement"] == pytest.approx(decided.count("agree") / len(decided))


def test_repeated_exports_count_once_and_two_anas_stay_two():
    old = _sheet("Ben", "r3", {"3.1": False, "4.1": False, "5.5": True, "6.6": True}, when="2026-02-01T10:00:00+00:00")
    sheets = [old, *_group()]
    kept, dropped = latest_attempts(sheets)
    assert dropped == 1 and len(kept) == 5
    assert sorted(s.rater_id for s in kept if s.rater == "Ana") == ["r1", "r2"]
    t = group_summary(sheets, _session())
    assert t.attrs["notes"] == ["1 older attempt(s) left out: each participant's latest attempt counts"]
    assert t.set_index("marker").loc["3.1", "n_evidenced"] == 4  # Ben's newer call (True) counts, not the old one


def test_sheets_of_another_session_are_left_out_and_said_so():
    other = _sheet("Eve", "r9", {"3.1": False}, sid="some-other-session")
    t = group_summary([*_group(), other], _session())
    assert t.set_index("marker").loc["3.1", "n_raters"] == 5
    assert "1 sheet(s) rate another session" in t.attrs["notes"][0]


def test_dispute_order_puts_the_closest_split_first_then_disagreement_with_the_key():
    order = list(dispute_order(group_summary(_group(), _session()))["marker"])
    # 4.1 is 50/50; 6.6 (60 %, 40 % agree) before 5.5 (25 %) and 3.1 (80 %)
    assert order == ["4.1", "6.6", "5.5", "3.1"]


# ------------------------------------------------------------------------------------------- reliability


def test_fleiss_kappa_matches_the_wikipedia_worked_example():
    # Source: Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters, 5 categories): kappa = 0.210.
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    assert fleiss_kappa(table) == pytest.approx(0.2099, abs=5e-4)


def test_fleiss_kappa_edge_cases():
    assert fleiss_kappa([[3, 0], [0, 3]]) == pytest.approx(1.0)
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]))  # one category only: chance agreement is 1
    assert math.isnan(fleiss_kappa([[1, 0], [0, 1]]))  # no item with two raters
    with pytest.raises(ck.CoachkitError, match="whole numbers"):
        fleiss_kappa([[1.5, 2]])


def test_group_reliability_uses_krippendorff_alpha_on_the_published_example():
    # Source: Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example with
    # four observers, twelve units and missing values: alpha = 0.743. Our wrapper hands the package the
    # same matrix, so check the package's figure on that example here.
    import krippendorff

    nan = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") == pytest.approx(0.743, abs=5e-4)


def test_group_reliability_of_the_hand_built_group():
    import krippendorff

    r = group_reliability(_group(), _session())
    assert (r.n_participants, r.n_markers) == (5, 4)
    # the same matrix by hand: raters x markers, unsure and unmarked missing
    matrix = [[1, 1, 0, 1], [1, 0, 1, 1], [1, np.nan, 0, 0], [0, 1, 0, 1], [1, 0, np.nan, 0]]
    assert r.alpha == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    assert r.kappa == pytest.approx(fleiss_kappa([[1, 4], [2, 2], [3, 1], [2, 3]]))
    assert r.alpha_band == alpha_band(r.alpha) and r.kappa_band == ck.agreement_band(r.kappa)
    assert "Krippendorff" in str(r) and "Landis & Koch" in str(r)


def test_reliability_bands_in_plain_words():
    assert [alpha_band(a) for a in (0.80, 0.7999, 0.667, 0.66)] == ["reliable", "tentative", "tentative", "unreliable"]
    one = group_reliability(_group()[:1], _session())
    assert math.isnan(one.alpha) and one.alpha_band == "not measurable yet"
    assert "at least two participants" in one.notes[-1]


# --------------------------------------------------------------------------------------------- loading


def _export(path, sheets, rater_id="r1"):
    doc = {"format": "coachkit-ratings/1", "exported": "2026-03-03T10:00:00+00:00", "rater_id": rater_id,
           "sheets": [s.to_dict() for s in sheets]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_corrupt_and_a_foreign_file_in_a_batch_are_reported_by_name_and_skipped(tmp_path):
    for i, s in enumerate(_group()):
        _export(tmp_path / f"p{i}.json", [s], s.rater_id)
    text = (tmp_path / "p0.json").read_text()
    (tmp_path / "cut-off.json").write_text(text[: len(text) // 2])
    (tmp_path / "holiday.json").write_text('{"trip": "Lisbon"}')
    (tmp_path / ".DS_Store").write_bytes(b"\0\1")
    seen = []
    group = load_exports(tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert len(group.sheets) == 5 and group.files == 7
    assert len(group.problems) == 2
    assert group.problems[0].startswith("cut-off.json:") and "broken JSON" in group.problems[0]
    assert group.problems[1] == "holiday.json: not a coachkit ratings export (no 'format' field)"
    assert str(tmp_path) not in " ".join(group.problems)
    assert seen[-1] == (7, 7) and len(seen) == 7


def test_a_participant_who_exported_twice_counts_once(tmp_path):
    first = _sheet("Ben", "r3", {"3.1": False}, when="2026-03-01T10:00:00+00:00")
    second = _sheet("Ben", "r3", {"3.1": True}, when="2026-03-02T10:00:00+00:00")
    _export(tmp_path / "ben.json", [first], "r3")
    _export(tmp_path / "ben (1).json", [first, second], "r3")
    group = load_exports(tmp_path)
    assert [s.id for s in group.sheets] == [second.id] and group.replaced == 1 and not group.problems


def test_uploads_are_reported_under_their_own_names():
    good = json.dumps({"format": "coachkit-ratings/1", "exported": "x", "rater_id": "r1",
                       "sheets": [_group()[0].to_dict()]}).encode()
    group = load_uploads([{"name": "ana.json", "content": memoryview(good)}, ("notes.json", b"{oops")])
    assert len(group.sheets) == 1
    assert group.problems[0].startswith("notes.json:1: not a coachkit ratings export")


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ck.CoachkitError, match="no folder or file"):
        load_exports(tmp_path / "nowhere")


def test_the_sample_exports_hold_eight_participants_two_anas_and_one_corrupt_file():
    group = load_exports(sample_exports())
    assert len(group.sheets) == 8 and group.replaced == 1
    assert [p.split(":")[0] for p in group.problems] == ["hiro-ratings.json"]
    anas = {s.rater_id for s in group.sheets if s.rater == "Ana"}
    assert len(anas) == 2
    session = ck.load_session("farah-credit-acc")
    assert {s.session_id for s in group.sheets} == {session.id}
    t = group_summary(group, session)
    assert len(t) == 37 and t["n_raters"].max() == 8


# --------------------------------------------------------------------------------------------- dashboard


def _board(tmp_path, **kw):
    from coachkit.widgets import GroupDashboard

    for i, s in enumerate(_group()):
        _export(tmp_path / f"p{i}.json", [s], s.rater_id)
    return GroupDashboard(_session(), tmp_path, **kw)


def test_dashboard_hides_the_split_and_the_key_until_revealed(tmp_path):
    board = _board(tmp_path)
    before = board.html
    assert "hidden until revealed" in before
    assert "%" not in before and "assessor" not in before and "heard it" not in before
    assert not re.search(r"\b[0-9]+ heard\b", before) and "ck-split" not in before and "ck-key" not in before
    board.reveal()
    after = board.html
    assert "50%" in after and "the assessor heard it" in after and "the assessor did not hear it" in after
    assert "hidden until revealed" not in after and "Krippendorff" in after
    board.hide()
    assert "assessor" not in board.html


def test_dashboard_orders_markers_most_disputed_first_and_reveals_them_one_by_one(tmp_path):
    board = _board(tmp_path)
    rows = re.findall(r"data-marker='([0-9.]+)'", board.html)
    assert rows == ["4.1", "6.6", "5.5", "3.1"]
    assert board.reveal_next() == "4.1"
    html = board.html
    assert html.count("hidden until revealed") == 3 and "2 heard it · 2 did not · 1 unsure" in html
    with pytest.raises(ck.CoachkitError, match="not on the board"):
        board.reveal("9.9")


def test_dashboard_is_anonymous_unless_names_are_shown(tmp_path):
    board = _board(tmp_path)
    board.reveal()
    assert "Ana" not in board.html and "Chiara" not in board.html and "5 participants" in board.html
    board.set_show_names(True)
    assert board.names_box.value is True
    assert "Chiara" in board.html and "Ana (r1)" in board.html and "Ana (r2)" in board.html  # two Anas stay two
    board.set_show_names(False)
    assert "Chiara" not in board.html


def test_dashboard_names_are_not_shown_before_reveal_even_with_show_names(tmp_path):
    board = _board(tmp_path, names=True)
    assert "Chiara" in board.html  # who has sent ratings
    assert "heard:" not in board.html  # but not who said what


def test_dashboard_refresh_picks_up_late_arrivals_and_keeps_what_was_revealed(tmp_path):
    board = _board(tmp_path)
    board.reveal("3.1")
    late = _sheet("Femi", "r6", {"3.1": True, "4.1": True, "5.5": True, "6.6": True})
    _export(tmp_path / "late.json", [late], "r6")
    board.refresh()
    assert "6 participants" in board.html and board.revealed == {"3.1"}
    assert "5 heard it · 1 did not" in board.html


def test_dashboard_reports_skipped_files_without_naming_them_when_anonymous(tmp_path):
    board = _board(tmp_path)
    (tmp_path / "zoe-ratings.json").write_text("{")
    board.refresh()
    assert "1 file(s) could not be read" in board.html and "zoe" not in board.html
    board.set_show_names(True)
    assert "zoe-ratings.json" in board.html


def test_dashboard_upload_variant(tmp_path):
    from coachkit.widgets import GroupDashboard

    board = GroupDashboard.with_upload(_session())
    assert board.upload is not None and "No ratings of this session yet" in board.html
    payload = [(f"p{i}.json", _export(tmp_path / f"p{i}.json", [s], s.rater_id).read_bytes())
               for i, s in enumerate(_group())]
    board.add_uploads(payload)
    assert "5 participants" in board.html and isinstance(board.source, FileSource)


def test_dashboard_reads_a_ratings_store_as_a_second_source(tmp_path):
    from coachkit.widgets import GroupDashboard

    store = RatingStore(tmp_path / "group.sqlite3")
    for s in _group():
        s.group = "tuesday"
        store.save(s)
    other = _sheet("Eve", "r9", {"3.1": True})
    other.group = "thursday"
    store.save(other)
    board = GroupDashboard.from_store(_session(), store, group="tuesday")
    board.reveal()
    assert "5 participants" in board.html and "4 heard it · 1 did not" in board.html
    store.close()


def test_folder_source_names_a_missing_folder(tmp_path):
    with pytest.raises(ck.CoachkitError, match="does not exist"):
        FolderSource(tmp_path / "gone").load()


def test_the_sample_dashboard_and_the_live_call_set_up(tmp_path):
    from coachkit.widgets import GroupDashboard, LiveCall

    board = GroupDashboard.sample()
    assert "8 participants" in board.html and "1 file(s) could not be read" in board.html
    call = LiveCall()
    assert call.comm is not None  # it reaches the page ("Error displaying widget: model not found" otherwise)
    board = call.open_dashboard(how="shared folder", folder=str(sample_exports()))
    assert board is not None and board.session.id == "farah-stolen-slides"  # the session the files rate (an old id)
    assert not any(label.endswith(", full)") for label, _ in call.choice.options)  # no "(ACC, full)"
    assert call.open_dashboard(how="shared folder", folder="") is None and "shared folder" in call.message.value
    # uploads: the board opens on the files' session; a late file joins it, reveals kept
    files = sorted(sample_exports().glob("*.json"))
    upload = LiveCall()
    board = upload.add_uploads([(f.name, f.read_bytes()) for f in files[:3]])
    board.reveal_next()
    before = len(board.group.sheets)
    assert upload.add_uploads([(files[3].name, files[3].read_bytes())]) is board
    assert len(board.group.sheets) >= before and len(board.revealed) == 1


def test_a_participant_exports_ratings_for_the_facilitator(tmp_path):
    from coachkit.widgets import ExportMyRatings

    store = RatingStore(tmp_path / "me.sqlite3")
    store.save(_group()[3])
    widget = ExportMyRatings(store=store, folder=tmp_path / "out")
    path = widget.export("Chiara", "group-demo")
    assert path.name == "chiara-group-demo.json" and widget.download.data == path.read_bytes()
    assert widget.download.filename == path.name and str(path.parent) not in widget.result.value
    assert [s.rater for s in load_exports([path]).sheets] == ["Chiara"]
    store.close()


# ------------------------------------------------------------------- identity the database vouches for (issue 13)


def test_eleven_sheets_from_one_owner_under_eleven_names_count_as_one_rater():
    stuffed = []
    for i in range(11):
        s = _sheet(f"Name{i}", f"fake-{i}", {"3.1": True, "4.1": True, "5.5": True, "6.6": True},
                   when=f"2026-03-01T10:{i:02d}:00+00:00")
        s.owner = "participant_7"
        stuffed.append(s)
    honest = _sheet("Ben", "r3", {"3.1": True, "4.1": True, "5.5": False, "6.6": False})
    honest.owner = "participant_2"
    t = group_summary([*stuffed, honest], _session(), names={"participant_7": "Priya", "participant_2": "Ben K."})
    assert t.attrs["n_participants"] == 2
    assert t.set_index("marker").loc["3.1", "n_raters"] == 2
    assert sorted(p["name"] for p in t.attrs["participants"]) == ["Ben K.", "Priya"]
    assert any("older attempt" in n for n in t.attrs["notes"])  # the latest of the owner's sheets counts


def test_imported_sheets_count_by_rater_id_and_are_marked_not_vouched_for():
    a = _sheet("Ana", "r1", {"3.1": True})
    a.owner = "participant_1"
    b = _sheet("Eve", "r9", {"3.1": False})
    b.imported = True
    t = group_summary([a, b], _session())
    assert t.attrs["n_participants"] == 2 and t.attrs["n_imported"] == 1
    assert any("not vouched for" in n for n in t.attrs["notes"])
    from coachkit.render_group import readable_summary

    assert "not vouched for" in readable_summary(t)


def test_group_competency_summary_counts_level_calls_against_the_key():
    from coachkit.model import CompetencyCall

    s = _session()
    key = AnswerKey("PCC", "demo", 1, s.key.decisions, competencies={
        4: CompetencyCall("PCC", "warm, <b>steady</b>"), 6: CompetencyCall("MCC", "deep listening")})
    s = s.with_key(key)
    calls = {"r1": {4: "PCC", 6: "MCC"}, "r2": {4: "ACC", 6: "PCC"}, "r3": {4: "below"}, "r4": {}}
    sheets = []
    for rid, c in calls.items():
        sh = _sheet(rid.upper(), rid, {"3.1": True})
        for n, level in c.items():
            sh.call_competency(n, level)
        sheets.append(sh)
    t = ck.group_competency_summary(sheets, s).set_index("competency")
    assert t.loc[4, "n_raters"] == 3 and t.loc[6, "n_raters"] == 2
    assert (t.loc[4, "n_below"], t.loc[4, "n_ACC"], t.loc[4, "n_PCC"], t.loc[4, "n_MCC"]) == (1, 1, 1, 0)
    assert t.loc[4, "exact"] == pytest.approx(1 / 3) and t.loc[4, "within_one"] == pytest.approx(2 / 3)
    assert t.loc[6, "exact"] == pytest.approx(1 / 2) and t.loc[6, "within_one"] == 1.0
    from sklearn.metrics import cohen_kappa_score

    mine = ["PCC", "ACC", "below", "MCC", "PCC"]
    theirs = ["PCC", "PCC", "PCC", "MCC", "MCC"]
    expected = cohen_kappa_score(mine, theirs, weights="linear", labels=["below", "ACC", "PCC", "MCC"])
    assert t.attrs["weighted_kappa"] == pytest.approx(expected)
    from coachkit.render_group import readable_competency_summary

    html = readable_competency_summary(t.reset_index())
    assert "&lt;b&gt;steady" in html and "<b>steady" not in html


def test_group_competency_summary_is_empty_without_calls():
    t = ck.group_competency_summary(_group(), _session())
    assert t.empty and any("no competency calls" in n for n in t.attrs["notes"])


def test_the_group_analysis_imports_no_rendering():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(ck.group.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in imported if m.split(".")[-1] in ("render", "render_group", "widgets")}


def test_after_the_last_reveal_the_dashboard_shows_the_groups_competency_calls():
    """Issue 15: the group dashboard carries the per-competency calls, revealed with the key."""
    from coachkit.widgets import GroupDashboard

    board = GroupDashboard.sample()
    assert "Each competency's depth" not in board.html  # nothing of the key before the reveal
    for marker in [r.marker for r in board.summary]:
        board.reveal(marker)
    assert "Each competency's depth" in board.html and "Establishes and Maintains Agreements" in board.html


def test_the_live_call_tools_open_without_loading_pandas(tmp_path):
    """Lesson 07 opens the board, the export box and the check results without a table library (issue 16:
    the lesson within 2x an empty notebook); pandas comes in only with the last reveal's competency table."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from coachkit.widgets import GroupDashboard, ExportMyRatings, LiveCall, GroupCheckResults; "
        "b = GroupDashboard.sample(); ExportMyRatings(); LiveCall(); GroupCheckResults(); "
        "b.reveal_next(); before = 'pandas' in sys.modules; b.reveal(); "
        "print(before, 'Each competency' in b.html)"
    )
    env = {**os.environ, "COACHKIT_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["False", "True"]

"""compare(), calibration() and the group path, checked against outside reference values.

Sources named where numbers come from outside this project:
- Cohen's kappa: scikit-learn's ``sklearn.metrics.cohen_kappa_score`` (an independent implementation).
- Feinstein, A. R. & Cicchetti, D. V. (1990), "High agreement but low kappa: I. The problems of two
  paradoxes", J Clin Epidemiol 43:543-549: two 2x2 tables with the same 85 % agreement and kappa 0.70
  and 0.32.
- Gwet's AC1: Gwet, K. L. (2008), "Computing inter-rater reliability and its variance in the presence of
  high agreement", Br J Math Stat Psychol 61:29-48, formulas for two raters (pe = 2 pi (1 - pi)) and for
  any number of raters (pa from subject-level agreement, pe = sum_k pi_k (1 - pi_k) / (q - 1)); the
  worked values below are derived by hand and cross-checked with the multi-rater form.
- Bands: Landis, J. R. & Koch, G. G. (1977), Biometrics 33:159-174.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from coachkit.agreement import BAND_SOURCE, agreement_band, agreement_stats
from coachkit.convenience import calibration
from coachkit.errors import CoachkitError
from coachkit.frames import agreement_by, compare_frame
from coachkit.model import AnswerKey, Decision, RatingSheet, Session, Utterance
from coachkit.scoring import compare, offered_markers


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("COACHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COACHKIT_DB_URL", raising=False)


def _session(sid="s1", decisions=None, kind="full", focus=(), level="PCC", version=3, n=10, key=True):
    talk = tuple(
        Utterance(
            f"u{i}", "coach" if i % 2 else "client", "Sam" if i % 2 else "Lee", 10.0 * i, 10.0 * i + 8, f"line {i}"
        )
        for i in range(1, n + 1)
    )
    if decisions is None:
        decisions = {
            "3.1": Decision(True, ("u1",), "asks what she wants today"),
            "4.1": Decision(True, ("u5",), "names her persistence"),
            "4.2": Decision(False, (), "no support offered", opportunity=("u7",)),
            "6.6": Decision(False, (), "talks over her", opportunity=("u3", "u4")),
            "7.6": Decision(True, ("u9",)),
            "8.9": Decision(False, ()),
        }
    answer = AnswerKey(level, "a summary", version, decisions, assessor="Mara") if key else None
    return Session(sid, f"Session {sid}", kind, level, tuple(focus), "work", talk, answer)


def _sheet(sid="s1", marks=None, rater="ana", level=None, when=None):
    sheet = RatingSheet(session_id=sid, rater=rater, rater_id="r-ana")
    for marker, value in (marks or {}).items():
        if isinstance(value, tuple):
            sheet.mark(marker, value[0], evidence=value[1])
        else:
            sheet.mark(marker, value)
    sheet.level_call = level
    if when:
        sheet.updated = when
        sheet.created = when
    return sheet


# ------------------------------------------------------------------------------------------- compare


def test_outcomes_evidence_match_and_counts():
    s = _session()
    sheet = _sheet(
        marks={
            "3.1": (True, ["u2"]),  # adjacent to u1: a match
            "4.1": (True, ["u9"]),  # far from u5: no match
            "4.2": True,  # assessor said no: over-credit
            "6.6": None,  # unsure
            "7.6": False,  # under-credit
            # 8.9 left undecided
        },
        level="PCC",
    )
    c = compare(sheet, s)
    t = c.table.set_index("marker")
    assert list(t.index) == ["3.1", "4.1", "4.2", "6.6", "7.6", "8.9"]
    assert t.loc["3.1", "outcome"] == "agree" and t.loc["3.1", "evidence_match"] is True
    assert t.loc["4.1", "outcome"] == "agree" and t.loc["4.1", "evidence_match"] is False
    assert t.loc["4.2", "outcome"] == "over-credit" and t.loc["4.2", "evidence_match"] is None
    assert t.loc["6.6", "outcome"] == "unsure" and bool(t.loc["6.6", "marked"])
    assert t.loc["7.6", "outcome"] == "under-credit"
    assert t.loc["8.9", "outcome"] == "unsure" and not bool(t.loc["8.9", "marked"])
    assert t.loc["8.9", "learner"] is None
    assert set(c.table["outcome"]) <= {"agree", "over-credit", "under-credit", "unsure"}
    assert c.n_unsure == 2 and c.n_decided == 4
    assert c.percent_agreement == pytest.approx(2 / 4)
    assert c.level_agrees is True and c.key_version == 3
    assert list(c.table["competency"]) == [3, 4, 4, 6, 7, 8]


def test_same_utterance_matches_and_level_call_none():
    c = compare(_sheet(marks={"7.6": (True, ["u9"])}), _session())
    assert c.table.set_index("marker").loc["7.6", "evidence_match"] is True
    assert c.level_agrees is None
    assert compare(_sheet(level="MCC"), _session()).level_agrees is False


def test_kappa_and_ac1_match_sklearn_and_formula_for_a_sheet():
    s = _session()
    sheet = _sheet(marks={"3.1": True, "4.1": False, "4.2": False, "6.6": True, "7.6": True, "8.9": False})
    c = compare(sheet, s)
    learner = [True, False, False, True, True, False]
    assessor = [True, True, False, False, True, False]
    assert c.kappa == pytest.approx(cohen_kappa_score(learner, assessor))
    pa = 4 / 6
    pi = (3 / 6 + 3 / 6) / 2
    pe = 2 * pi * (1 - pi)
    assert c.ac1 == pytest.approx((pa - pe) / (1 - pe))


def test_by_competency():
    c = compare(_sheet(marks={"3.1": True, "4.1": True, "4.2": True, "7.6": None}), _session())
    bc = c.by_competency.set_index("competency")
    assert bc.loc[4, "n"] == 2 and bc.loc[4, "agreement"] == pytest.approx(0.5)
    assert bc.loc[3, "agreement"] == 1.0
    assert bc.loc[7, "n"] == 0 and math.isnan(bc.loc[7, "agreement"])
    assert bc.loc[4, "name"]  # the competency's name from the framework


def test_feedback_quotes_assessor_and_learner_lines():
    c = compare(_sheet(marks={"6.6": (True, ["u2"]), "7.6": False, "3.1": True}), _session())
    by_marker = {f.marker: f for f in c.feedback}
    assert set(by_marker) == {"6.6", "7.6"}  # disagreements only
    f = by_marker["6.6"]
    assert f.outcome == "over-credit" and f.note == "talks over her"
    assert [q.utterance_id for q in f.opportunity] == ["u3", "u4"]
    assert f.opportunity[0].timestamp == "0:30" and f.opportunity[0].name == "Sam"
    assert f.opportunity[0].text == "line 3"
    assert [q.utterance_id for q in f.learner_evidence] == ["u2"]
    assert f.title  # the marker's title from the framework
    assert by_marker["7.6"].outcome == "under-credit"
    assert [q.utterance_id for q in by_marker["7.6"].evidence] == ["u9"]
    assert "Sam" in str(f.opportunity[0])


def test_errors_name_marker_and_id():
    with pytest.raises(CoachkitError, match=r"marker 4\.1.*'u99'"):
        compare(_sheet(marks={"4.1": (True, ["u99"])}), _session())
    with pytest.raises(CoachkitError, match="no answer key"):
        compare(_sheet(), _session(key=False))
    with pytest.raises(CoachkitError, match="rates session 's2'"):
        compare(_sheet(sid="s2"), _session())
    bad_key = _session(decisions={"4.1": Decision(True, ("u404",))})
    with pytest.raises(CoachkitError, match=r"marker 4\.1.*assessor.*'u404'"):
        compare(_sheet(), bad_key)


def test_kappa_undefined_only_when_both_use_one_category():
    s = _session()
    all_yes = {m: True for m in ("3.1", "4.1", "7.6")}
    key = _session(decisions={m: Decision(True, ("u1",)) for m in all_yes})
    c = compare(_sheet(marks=all_yes), key)
    assert math.isnan(c.kappa) and c.percent_agreement == 1.0
    assert any("kappa is undefined" in n for n in c.notes)
    assert c.ac1 == pytest.approx(1.0)
    # One rater constant, the other not: kappa is defined (0), as scikit-learn says.
    c2 = compare(_sheet(marks={m: True for m in ("3.1", "4.1", "4.2", "6.6", "7.6", "8.9")}), s)
    assert c2.kappa == pytest.approx(0.0)
    assert not any("kappa is undefined" in n for n in c2.notes)


def test_nothing_decided_gives_nan_and_a_note():
    c = compare(_sheet(marks={"4.1": None}), _session())
    assert math.isnan(c.percent_agreement) and math.isnan(c.kappa) and math.isnan(c.ac1)
    assert c.n_unsure == 6 and c.notes


def test_marks_outside_the_key_are_noted():
    c = compare(_sheet(marks={"5.5": True}), _session())
    assert "5.5" not in set(c.table["marker"])
    assert any("5.5" in n for n in c.notes)


# ------------------------------------------------------------------------------ statistics: references


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_kappa_equals_sklearn_cohen_kappa_score(pairs):
    """Reference: scikit-learn's cohen_kappa_score on the same two label lists."""
    learner = [a for a, _ in pairs]
    assessor = [b for _, b in pairs]
    ours = agreement_stats(learner, assessor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = cohen_kappa_score(learner, assessor, labels=[False, True])
    if math.isnan(theirs):
        assert math.isnan(ours["kappa"])
        assert len(set(learner) | set(assessor)) == 1  # undefined only when both use one category
    else:
        assert ours["kappa"] == pytest.approx(theirs, abs=1e-12)


def test_kappa_many_random_sheets_against_sklearn():
    """Reference: scikit-learn; 500 random sheets through compare() itself."""
    rng = np.random.default_rng(7)
    markers = ["3.1", "3.2", "4.1", "4.2", "5.5", "6.6", "7.6", "8.1", "8.9"]
    for _ in range(500):
        decisions = {m: Decision(bool(rng.integers(2))) for m in markers}
        s = _session(decisions=decisions)
        values = rng.choice([True, False, None], size=len(markers), p=[0.45, 0.45, 0.1])
        sheet = _sheet(marks=dict(zip(markers, values, strict=True)))
        c = compare(sheet, s)
        both = [(v, decisions[m].evidenced) for m, v in zip(markers, values, strict=True) if v is not None]
        if not both:
            assert math.isnan(c.kappa)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = cohen_kappa_score([a for a, _ in both], [b for _, b in both], labels=[False, True])
        if math.isnan(ref):
            assert math.isnan(c.kappa)
        else:
            assert c.kappa == pytest.approx(ref, abs=1e-12)


def _table(a, b, c, d):
    """A 2x2 table as two label lists: a yes/yes, b rater1-yes/rater2-no, c no/yes, d no/no."""
    r1 = [True] * a + [True] * b + [False] * c + [False] * d
    r2 = [True] * a + [False] * b + [True] * c + [False] * d
    return r1, r2


def _ac1_multirater(r1, r2):
    """Gwet (2008) multi-rater form, written independently: subject-level agreement and category shares."""
    n, r = len(r1), 2
    counts = [(int(x) + int(y), 2 - int(x) - int(y)) for x, y in zip(r1, r2, strict=True)]  # (yes, no) per subject
    pa = sum(sum(k * (k - 1) for k in row) / (r * (r - 1)) for row in counts) / n
    q = 2
    shares = [sum(row[k] for row in counts) / (n * r) for k in range(q)]
    pe = sum(p * (1 - p) for p in shares) / (q - 1)
    return (pa - pe) / (1 - pe)


@pytest.mark.parametrize(
    ("cells", "kappa"),
    [((40, 9, 6, 45), 0.70), ((80, 10, 5, 5), 0.32)],
)
def test_feinstein_cicchetti_1990_paradox_tables(cells, kappa):
    """Feinstein & Cicchetti (1990), J Clin Epidemiol 43:543-549: both tables agree on 85 of 100, yet
    kappa is 0.70 for the balanced one and 0.32 for the skewed one (published, 2 decimals). AC1 stays
    high for both, as Gwet (2008) argues; its values are derived by hand:

    table (40, 9, 6, 45): pa = .85, pi = (.49 + .46)/2 = .475, pe = 2(.475)(.525) = .49875,
        AC1 = (.85 - .49875)/(1 - .49875) = .7007;
    table (80, 10, 5, 5): pa = .85, pi = (.90 + .85)/2 = .875, pe = 2(.875)(.125) = .21875,
        AC1 = (.85 - .21875)/(1 - .21875) = .8080.
    """
    r1, r2 = _table(*cells)
    got = agreement_stats(r1, r2)
    assert got["percent_agreement"] == pytest.approx(0.85)
    assert round(got["kappa"], 2) == kappa
    assert got["kappa"] == pytest.approx(cohen_kappa_score(r1, r2))
    hand = {(40, 9, 6, 45): 0.7007, (80, 10, 5, 5): 0.8080}[cells]
    assert got["ac1"] == pytest.approx(hand, abs=5e-5)
    assert got["ac1"] == pytest.approx(_ac1_multirater(r1, r2), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_ac1_two_rater_formula_equals_multirater_form(pairs):
    """Gwet (2008): the two-rater, two-category AC1 equals the general multi-rater form."""
    r1 = [a for a, _ in pairs]
    r2 = [b for _, b in pairs]
    got = agreement_stats(r1, r2)["ac1"]
    assert not math.isnan(got)
    assert got == pytest.approx(_ac1_multirater(r1, r2), abs=1e-12)
    assert -1 - 1e-12 <= got <= 1 + 1e-12


def test_landis_koch_bands():
    """Landis & Koch (1977) bands, at and around their edges."""
    cases = {
        -0.01: "poor",
        0.0: "slight",
        0.2: "slight",
        0.21: "fair",
        0.4: "fair",
        0.41: "moderate",
        0.6: "moderate",
        0.61: "substantial",
        0.8: "substantial",
        0.81: "almost perfect",
        1.0: "almost perfect",
    }
    for value, word in cases.items():
        assert agreement_band(value) == word, value
    assert "Landis & Koch (1977)" in BAND_SOURCE


# ------------------------------------------------------------------------------------------ calibration


def _excerpt(sid, focus, decisions):
    return _session(sid=sid, kind="excerpt", focus=focus, decisions=decisions)


def test_calibration_history_bias_band_and_practise_next():
    full = _session("full1")
    ex_66 = _excerpt("ex-66", ("6.6",), {"6.6": Decision(False, (), "cuts in", ("u2",))})
    ex_41 = _excerpt("ex-41", ("4.1",), {"4.1": Decision(True, ("u3",))})
    ex_never = _excerpt("ex-58", ("5.5",), {"5.5": Decision(True, ("u3",))})
    sessions = [full, ex_66, ex_41, ex_never]
    first = _sheet(
        "full1",
        marks={"3.1": True, "4.1": True, "4.2": False, "6.6": True, "7.6": True, "8.9": False},
        when="2026-01-01T10:00:00+00:00",
    )
    second = _sheet("ex-66", marks={"6.6": True}, when="2026-01-02T10:00:00+00:00")
    third = _sheet("ex-41", marks={"4.1": True}, when="2026-01-03T10:00:00+00:00")
    later_first = _sheet(
        "full1",
        marks={"3.1": True, "4.1": True, "4.2": True, "6.6": False, "7.6": True},
        when="2026-01-04T10:00:00+00:00",
    )
    cal = calibration([later_first, third, first, second], sessions=sessions)

    h = cal.history
    assert list(h["sheet_id"]) == [first.id, second.id, third.id, later_first.id]  # oldest first
    assert list(h.columns[:7]) == ["sheet_id", "session_id", "when", "percent_agreement", "kappa", "ac1", "n_decided"]
    assert h["percent_agreement"].iloc[0] == pytest.approx(5 / 6)

    b = cal.bias.set_index("marker")
    assert b.loc["6.6", "n"] == 3
    assert b.loc["6.6", "over_credit_rate"] == pytest.approx(2 / 3)
    assert b.loc["6.6", "under_credit_rate"] == 0
    assert b.loc["4.2", "over_credit_rate"] == pytest.approx(1 / 2)

    # pooled over every decided pair: check against scikit-learn on the same pairs
    pairs = []
    for sheet in (first, second, third, later_first):
        s = {x.id: x for x in sessions}[sheet.session_id]
        for m, d in s.key.decisions.items():
            if m in sheet.marks and sheet.marks[m].evidenced is not None:
                pairs.append((sheet.marks[m].evidenced, d.evidenced))
    assert cal.kappa == pytest.approx(cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs]))
    assert cal.band == agreement_band(cal.kappa)
    assert "Landis & Koch" in cal.band_source and cal.band in str(cal)

    p = cal.practise_next
    assert p["session_id"].iloc[0] == "ex-66"  # 6.6 is missed most
    assert "ex-58" not in set(p["session_id"])  # never rated: no evidence that it is missed
    assert "6.6" in p["reason"].iloc[0]


def test_calibration_skips_unknown_or_keyless_sessions_with_a_note():
    s = _session()

    def load(session_id):
        raise CoachkitError(f"no session {session_id!r}")

    cal = calibration(
        [_sheet(marks={"4.1": True}), _sheet("gone", marks={"4.1": True}), _sheet("nokey", marks={"4.1": True})],
        sessions=[s, _session("nokey", key=False)],
        load=load,
    )
    assert len(cal.history) == 1
    assert any("gone" in n for n in cal.notes) and any("no answer key" in n for n in cal.notes)


def test_calibration_uses_the_load_callable():
    s = _session("loaded")
    cal = calibration([_sheet("loaded", marks={"4.1": True})], load=lambda sid: s)
    assert list(cal.history["session_id"]) == ["loaded"]


def test_empty_calibration():
    cal = calibration([], sessions=[])
    assert cal.history.empty and cal.bias.empty and cal.practise_next.empty
    assert cal.band == "not measurable yet" and math.isnan(cal.kappa)


# --------------------------------------------------------------------------------------- group path


def _group_frames(n_raters=30, seed=3):
    rng = np.random.default_rng(seed)
    markers = ["3.1", "4.1", "4.2", "6.6", "7.6"]
    sessions = ["s1", "s2"]
    keys = pd.DataFrame(
        [(s, m, bool(rng.integers(2))) for s in sessions for m in markers], columns=["session_id", "marker", "assessor"]
    )
    rows = []
    for r in range(n_raters):
        for s in sessions:
            for m in markers:
                rows.append((f"r{r}", s, m, rng.choice([True, False, None], p=[0.45, 0.45, 0.1])))
    marks = pd.DataFrame(rows, columns=["rater_id", "session_id", "marker", "learner"])
    return marks, keys


def test_compare_frame_agrees_with_compare_per_sheet():
    marks, keys = _group_frames()
    frame = compare_frame(marks, keys)
    per = agreement_by(frame, by=["rater_id", "session_id"]).set_index(["rater_id", "session_id"])
    for (rater, sid), group in marks.groupby(["rater_id", "session_id"]):
        decisions = {r.marker: Decision(bool(r.assessor)) for r in keys[keys.session_id == sid].itertuples()}
        sheet = _sheet(sid, marks=dict(zip(group["marker"], group["learner"], strict=True)))
        c = compare(sheet, _session(sid, decisions=decisions))
        row = per.loc[(rater, sid)]
        assert row["n"] == c.n_decided and row["n_unsure"] == c.n_unsure
        for name in ("percent_agreement", "kappa", "ac1"):
            if math.isnan(getattr(c, name)):
                assert math.isnan(row[name])
            else:
                assert row[name] == pytest.approx(getattr(c, name))
        mine = frame[(frame.rater_id == rater) & (frame.session_id == sid)]
        assert list(mine["outcome"]) == list(c.table.set_index("marker").loc[list(mine["marker"]), "outcome"])


def test_compare_frame_dtypes_and_dropping_unkeyed_rows():
    marks = pd.DataFrame(
        {
            "rater_id": ["a"] * 4,
            "session_id": ["s", "s", "s", "x"],
            "marker": ["4.1", "6.6", "5.5", "4.1"],
            "learner": pd.array([True, pd.NA, False, True], dtype="boolean"),
        }
    )
    keys = pd.DataFrame({"session_id": ["s", "s"], "marker": ["4.1", "6.6"], "assessor": [False, False]})
    out = compare_frame(marks, keys)
    assert list(out["outcome"]) == ["over-credit", "unsure"]
    by_marker = agreement_by(out, by="marker")
    assert list(by_marker["over_credit"]) == [1, 0]


def test_compare_frame_bad_input():
    keys = pd.DataFrame({"session_id": ["s"], "marker": ["4.1"], "assessor": [True]})
    with pytest.raises(CoachkitError, match="lacks column"):
        compare_frame(pd.DataFrame({"rater_id": ["a"]}), keys)
    bad = pd.DataFrame({"rater_id": ["a"], "session_id": ["s"], "marker": ["4.1"], "learner": ["yes"]})
    with pytest.raises(CoachkitError, match="'yes'"):
        compare_frame(bad, keys)
    with pytest.raises(CoachkitError, match="twice"):
        compare_frame(bad, pd.concat([keys, keys]))


# ------------------------------------------------------------------------------ with the sample library


def test_sample_library_end_to_end():
    """A sheet copying the assessor agrees fully; calibration finds sessions through the library itself."""
    library = pytest.importorskip("coachkit.library")
    listing = library.list_sessions()
    excerpts = listing[listing["kind"] == "excerpt"]
    if excerpts.empty:
        pytest.skip("the sample library has no excerpts yet")
    sid = excerpts["id"].iloc[0]
    s = library.load_session(sid)
    perfect = RatingSheet(session_id=sid, rater="ana")
    for marker, d in s.key.decisions.items():
        perfect.mark(marker, d.evidenced, evidence=d.evidence)
    perfect.level_call = s.key.level
    c = compare(perfect, s)
    assert c.percent_agreement == 1.0 and c.feedback == [] and c.level_agrees is True
    assert all(m is not False for m in c.table["evidence_match"])

    wrong = RatingSheet(session_id=sid, rater="ana")
    for marker, d in s.key.decisions.items():
        wrong.mark(marker, not d.evidenced)
    c = compare(wrong, s)
    assert len(c.feedback) == len(offered_markers(s))  # only the markers the excerpt asks about
    assert all(f.evidence or f.opportunity or not f.assessor for f in c.feedback)
    cal = calibration([wrong])  # default: sessions from the library
    assert list(cal.history["session_id"]) == [sid]
    assert sid in set(cal.practise_next["session_id"])


# ------------------------------------------------------------------------------- competency calls (issue 15)


def _with_competencies(s, calls, version=None):
    from coachkit.model import CompetencyCall

    comps = {n: CompetencyCall(level, f"why {n}", ("u3",)) for n, level in calls.items()}
    key = AnswerKey(s.key.level, s.key.summary, version or s.key.version, s.key.decisions, competencies=comps)
    return s.with_key(key)


def test_competency_agreement_exact_within_one_and_weighted_kappa_against_scikit_learn():
    s = _with_competencies(_session(), {3: "PCC", 4: "MCC", 5: "PCC", 6: "ACC", 7: "PCC", 8: "below"})
    sheet = _sheet(marks={"3.1": True})
    for n, level in {3: "PCC", 4: "PCC", 5: "below", 6: "ACC", 7: "MCC"}.items():  # 8 not called
        sheet.call_competency(n, level)
    c = compare(sheet, s)
    t = c.competency_table.set_index("competency")
    assert list(c.competency_table.columns) == [
        "competency", "name", "learner", "assessor", "exact", "within_one", "note", "evidence"]
    assert t.loc[4, "exact"] == False and t.loc[4, "within_one"] == True  # noqa: E712 (numpy bools)
    assert t.loc[5, "within_one"] == False and t.loc[8, "learner"] is None  # noqa: E712
    assert t.loc[6, "note"] == "why 6" and t.loc[6, "evidence"] == ("u3",)
    assert c.competency_exact == pytest.approx(2 / 5) and c.competency_within_one == pytest.approx(4 / 5)
    mine, theirs = ["PCC", "PCC", "below", "ACC", "MCC"], ["PCC", "MCC", "PCC", "ACC", "PCC"]
    expected = cohen_kappa_score(mine, theirs, weights="linear", labels=["below", "ACC", "PCC", "MCC"])
    assert c.competency_kappa == pytest.approx(expected)
    words = c.plain_words()
    assert any("Competency calls: 2 of 5 exactly" in w for w in words)
    assert any(w.startswith("Competency 5") and "you called below" in w for w in words)


def test_a_key_without_competency_calls_breaks_nothing():
    sheet = _sheet(marks={"3.1": True})
    sheet.call_competency(4, "PCC")
    c = compare(sheet, _session())
    assert c.competency_table.empty and math.isnan(c.competency_exact) and math.isnan(c.competency_kappa)
    assert any("no call on competency 4" in n for n in c.notes)
    assert not any(w.startswith("Competency") for w in c.plain_words())


def test_plain_words_come_first_and_details_explain_kappa_and_ac1():
    from coachkit.agreement import EXPLAIN

    c = compare(_sheet(marks={"3.1": True, "4.2": True, "7.6": False}, level="ACC"), _session())
    words = c.plain_words()
    assert words[0] == "You agreed with the assessor on 1 of the 3 markers you decided."
    assert any("over-credit" in w and "4.2" in w for w in words) and any("under-credit" in w and "7.6" in w for w in words)
    assert any("Your level call (ACC) differs from the assessor's (PCC)" in w for w in words)
    assert any("the assessor says no support offered" in w for w in words)
    assert not any("kappa" in w.lower() for w in words)  # statistics wait for the details
    details = c.details()
    assert EXPLAIN["kappa"] in details[0] and EXPLAIN["ac1"] in details[1]


def test_an_excerpt_offers_only_its_focus_markers_and_counts_unsure_among_them():
    s = _session("ex", kind="excerpt", focus=("4.1", "6.6"))
    c = compare(_sheet("ex", marks={"4.1": True, "3.1": True}), s)
    assert list(c.table["marker"]) == ["4.1", "6.6"]
    assert c.n_unsure == 1 and c.n_decided == 1  # 6.6 left open; 3.1 is not asked
    assert any("does not ask about 3.1" in n for n in c.notes)


def test_compare_is_pure_and_reports_the_key_version():
    s = _session(version=4)
    sheet = _sheet(marks={"3.1": True})
    before = sheet.to_dict()
    assert compare(sheet, s).key_version == 4
    assert sheet.to_dict() == before and sheet.key_version is None


def test_calibration_compares_each_attempt_with_its_own_key_version_and_says_when_a_session_was_revised():
    from coachkit.calibration_core import calibration as analyse

    old = _with_competencies(_session(version=1), {4: "PCC"})
    new_decisions = dict(old.key.decisions)
    new_decisions["4.2"] = Decision(True, ("u7",), "now offered")
    new = old.with_key(AnswerKey("PCC", "s", 2, new_decisions, competencies={4: old.key.competencies[4]}))
    early = _sheet(marks={"4.2": False}, when="2026-01-01T10:00:00+00:00")
    early.key_version = 1
    early.call_competency(4, "PCC")
    late = _sheet(marks={"4.2": True}, when="2026-02-01T10:00:00+00:00")
    late.key_version = 2
    late.call_competency(4, "MCC")
    cal = analyse([late, early], [new, old])
    h = cal.history
    assert list(h["key_version"]) == [1, 2] and list(h["revised"]) == [True, False]
    assert list(h["percent_agreement"]) == [1.0, 1.0]  # each against its own version
    assert list(h["competency_exact"]) == [1.0, 0.0] and list(h["competency_within_one"]) == [1.0, 1.0]
    assert cal.revised == ["s1"] and any("revised since you rated it" in n for n in cal.notes)
    assert cal.competency_exact == pytest.approx(0.5)
    assert "Revised since you rated them: s1" in str(cal)


def test_the_analysis_calibration_loads_nothing():
    from coachkit.calibration_core import calibration as analyse

    cal = analyse([_sheet("not-given", marks={"4.1": True})], [])
    assert cal.history.empty and any("not found" in n for n in cal.notes)
    with pytest.raises(CoachkitError, match="needs the sessions"):
        analyse([], None)


def test_the_convenience_calibration_loads_the_sheet_version_and_falls_back_gracefully():
    calls = []
    newest = _session("v", version=3)
    older = _session("v", version=2)

    def load_new(sid, version=None):
        calls.append((sid, version))
        return older if version == 2 else newest

    sheet = _sheet("v", marks={"4.1": True})
    sheet.key_version = 2
    cal = calibration([sheet], load=load_new)
    assert ("v", 2) in calls and list(cal.history["key_version"]) == [2] and cal.revised == ["v"]

    def load_old(sid):  # a library that cannot load older versions yet
        return newest

    cal = calibration([sheet], load=load_old)
    assert list(cal.history["key_version"]) == [3]
    assert any("cannot be loaded here" in n for n in cal.notes)


def test_practise_next_comes_from_real_misses_only_with_the_excerpt_to_open():
    from coachkit.calibration_core import calibration as analyse

    full = _session("full1")
    ex_42 = _session("ex-42", decisions={"4.2": Decision(False, ())}, kind="excerpt", focus=("4.2",))
    ex_31 = _session("ex-31", decisions={"3.1": Decision(True, ("u1",))}, kind="excerpt", focus=("3.1",))
    ex_66 = _session("ex-66", decisions={"6.6": Decision(False, ())}, kind="excerpt", focus=("6.6",))
    sheet = _sheet("full1", marks={"3.1": True, "4.2": True, "6.6": None})  # 4.2 over-credited; 6.6 unsure
    cal = analyse([sheet], [full, ex_42, ex_31, ex_66])
    p = cal.practise_next
    assert list(p["session_id"]) == ["ex-42"]  # not 3.1 (agreed) nor 6.6 (unsure is not a miss)
    assert p["markers"].iloc[0] == "4.2" and "4.2" in p["reason"].iloc[0]


def test_competency_calls_over_time_plots_the_attempts_with_calls():
    import matplotlib

    matplotlib.use("Agg")
    from coachkit.calibration_core import calibration as analyse
    from coachkit.plots import competency_calls_over_time

    s = _with_competencies(_session(), {4: "PCC", 6: "MCC"})
    first = _sheet(marks={"3.1": True}, when="2026-01-01T10:00:00+00:00")
    first.call_competency(4, "PCC")
    first.call_competency(6, "ACC")
    second = _sheet(marks={"3.1": True}, when="2026-01-02T10:00:00+00:00")  # no calls: left out of the plot
    fig = competency_calls_over_time(analyse([first, second], [s]).history)
    within, exact = (list(line.get_ydata()) for line in fig.axes[0].lines)
    assert within == [0.5] and exact == [0.5]


def test_practise_for_one_comparison_names_an_excerpt_per_real_miss():
    from coachkit.calibration_core import practise_for

    ex_42 = _session("ex-42", decisions={"4.2": Decision(False, ())}, kind="excerpt", focus=("4.2",))
    ex_66 = _session("ex-66", decisions={"6.6": Decision(False, ())}, kind="excerpt", focus=("6.6",))
    c = compare(_sheet(marks={"4.2": True, "6.6": None, "3.1": True}), _session())
    assert practise_for(c, [ex_66, ex_42]) == [
        {"marker": "4.2", "outcome": "over-credit", "session_id": "ex-42", "title": "Session ex-42"}]

"""coachkit.agreement: one kernel, checked against outside reference values.

Sources:
- Wikipedia, "Cohen's kappa", worked example (50 grant proposals: 20 / 5 / 10 / 15, kappa 0.4), and its two
  "kappa paradox" tables with the same 60 % agreement: 45 / 15 / 25 / 15 (kappa 0.1304) and
  25 / 35 / 5 / 35 (kappa 0.2593).
- Gwet, K. L. (2014), Handbook of Inter-Rater Reliability, 4th ed.: the 3 x 3 table of two abstractors
  (13, 0, 0 / 0, 20, 7 / 0, 4, 56), AC1 0.849 (as the irrCAC package's tests pin it).
- Wikipedia, "Fleiss' kappa", worked example: kappa 0.210.
- scikit-learn's ``cohen_kappa_score`` (unweighted and ``weights="linear"``): an independent implementation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from coachkit.agreement import (
    EXPLAIN,
    REFERENCES,
    agreement_stats,
    coefficients,
    confusion_table,
    fleiss_kappa,
    stats_from_table,
    weighted_kappa,
)
from coachkit.errors import CoachkitError
from coachkit.model import LEVEL_ORDER


def test_wikipedia_cohen_worked_example_and_paradox_tables():
    assert stats_from_table([[20, 5], [10, 15]])["kappa"] == pytest.approx(0.4)
    assert stats_from_table([[45, 15], [25, 15]])["kappa"] == pytest.approx(0.1304, abs=1e-4)
    assert stats_from_table([[25, 35], [5, 35]])["kappa"] == pytest.approx(0.2593, abs=1e-4)


def test_gwet_ac1_on_the_handbook_three_by_three_table():
    assert stats_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])["ac1"] == pytest.approx(0.849, abs=5e-4)


def test_fleiss_kappa_wikipedia_example():
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    assert fleiss_kappa(table) == pytest.approx(0.210, abs=5e-4)


levels = st.sampled_from(LEVEL_ORDER)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(levels, levels), min_size=1, max_size=40))
def test_weighted_kappa_matches_scikit_learn_linear(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = weighted_kappa(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = cohen_kappa_score(a, b, weights="linear", labels=list(LEVEL_ORDER))
    if math.isnan(ours):
        assert len(set(a)) == 1 and set(a) == set(b)  # undefined only when both make one and the same call
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=2, max_size=60))
def test_the_single_and_vectorised_paths_are_one_kernel(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    single = agreement_stats(a, b)
    stacked = coefficients(np.stack([confusion_table(a, b, (True, False))] * 3))
    assert stacked["n"].tolist() == [len(pairs)] * 3
    for name in ("percent_agreement", "kappa", "ac1"):
        got = stacked[name]
        if math.isnan(single[name]):
            assert np.isnan(got).all()
        else:
            assert got == pytest.approx([single[name]] * 3)
    if not math.isnan(single["kappa"]):
        assert single["kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_undefined_values_are_nan_with_a_reason():
    r = stats_from_table([[0, 0], [0, 0]])
    assert r["n"] == 0 and math.isnan(r["kappa"]) and math.isnan(r["ac1"]) and r["notes"]
    assert math.isnan(weighted_kappa(["PCC", "PCC"], ["PCC", "PCC"]))
    assert math.isnan(weighted_kappa([], []))


def test_bad_input_is_a_clear_error():
    with pytest.raises(CoachkitError, match="square tables"):
        coefficients([[1, 2, 3]])
    with pytest.raises(CoachkitError, match="counts of 0 or more"):
        coefficients([[1, -1], [0, 2]])
    with pytest.raises(CoachkitError, match="unknown category 'GOLD'"):
        weighted_kappa(["GOLD"], ["PCC"])
    with pytest.raises(CoachkitError, match="unknown weights"):
        coefficients([[1, 0], [0, 1]], weights="quadratic")


def test_plain_explanations_and_references_are_data():
    assert set(EXPLAIN) >= {"kappa", "ac1", "weighted_kappa", "percent_agreement"}
    assert all(text.endswith(".") and len(text) < 300 for text in EXPLAIN.values())
    assert "Gwet (2008)" in REFERENCES["ac1"] and "Cohen (1960)" in REFERENCES["kappa"]

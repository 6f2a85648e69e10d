"""The blind review of the sample keys (docs/keys-review.md) still holds for the keys as shipped.

Each full sample session was rated blind, from the transcript and the marker definitions only, and the
reviews are kept in docs/blind-reviews/<session-id>.json. A later key edit that drifts away from that
independent judgement lowers the pooled agreement and shows up here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from coachkit.framework import framework
from coachkit.library import canonical_id, list_sessions, load_session
from coachkit.model import LEVELS
from coachkit.scoring import agreement_stats

ROOT = Path(__file__).resolve().parent.parent
REVIEWS = ROOT / "docs" / "blind-reviews"
REPORT = ROOT / "docs" / "keys-review.md"


@pytest.fixture(autouse=True)
def _sample_library_only(monkeypatch):
    monkeypatch.delenv("COACHKIT_LIBRARY", raising=False)


def _reviews() -> dict[str, dict]:
    """Each blind review by its session's current id (a review filed under an old id resolves through aliases.yaml)."""
    return {canonical_id(p.stem): json.loads(p.read_text(encoding="utf-8")) for p in sorted(REVIEWS.glob("*.json"))}


def _pooled() -> tuple[list[bool], list[bool]]:
    ids = framework().marker_ids
    review, key = [], []
    for sid, data in _reviews().items():
        decisions = load_session(sid).key.decisions
        review += [bool(data["decisions"][m]["evidenced"]) for m in ids]
        key += [decisions[m].evidenced for m in ids]
    return review, key


def test_every_review_names_a_shipped_full_session_and_decides_all_37_markers():
    shipped = list_sessions().set_index("id")
    reviews = _reviews()
    assert reviews, "no blind reviews found in docs/blind-reviews"
    for sid, data in reviews.items():
        assert sid in shipped.index, f"docs/blind-reviews/{sid}.json names no shipped session"
        assert shipped.loc[sid, "library"] == "sample library", f"{sid} is not in the shipped sample library"
        assert shipped.loc[sid, "kind"] == "full", f"{sid}: blind reviews are for full sessions"
        assert set(data["decisions"]) == set(framework().marker_ids), f"{sid}: the review must decide all 37 markers"
        assert all(isinstance(d["evidenced"], bool) for d in data["decisions"].values())
        assert data["level"] in LEVELS


def test_every_shipped_full_session_has_a_blind_review():
    table = list_sessions()
    full = set(table.loc[(table["kind"] == "full") & (table["library"] == "sample library"), "id"])
    missing = sorted(full - set(_reviews()))
    assert not missing, f"full sample sessions without a blind review (see docs/keys-review.md): {missing}"


def test_pooled_agreement_between_blind_reviews_and_current_keys_stays_substantial():
    review, key = _pooled()
    stats = agreement_stats(review, key)
    assert stats["n"] == 37 * len(_reviews())
    # Outside reference: scikit-learn's cohen_kappa_score computes the same Cohen's kappa.
    assert stats["kappa"] == pytest.approx(cohen_kappa_score(review, key))
    assert stats["kappa"] >= 0.7, f"pooled kappa {stats['kappa']:.3f}: the keys have drifted from the blind review"


def test_the_report_states_the_current_pooled_figures():
    review, key = _pooled()
    stats = agreement_stats(review, key)
    text = REPORT.read_text(encoding="utf-8")
    after = re.search(r"^\| \*\*pooled\*\* .*$", text, flags=re.MULTILINE)
    assert after, "docs/keys-review.md has no pooled row"
    cells = [c.strip(" *") for c in after.group(0).strip("|").split("|")]
    current = [f"{stats[k]:.3f}" for k in ("percent_agreement", "kappa", "ac1")]
    assert cells[-3:] == current, (
        f"docs/keys-review.md reports {cells[-3:]} after corrections but the keys give {current}: "
        "log the key change there and update the table"
    )

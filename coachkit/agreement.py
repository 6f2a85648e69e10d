"""Agreement between raters: counts in, percent agreement, kappa, AC1 and weighted kappa out.

Every statistic in the kit comes from one kernel, :func:`coefficients`, which takes tables of counts
(a q x q table of two raters' calls, or a stack of them as a numpy array of shape ``(..., q, q)``) and
works in whole numbers, so "undefined" is exact. The single-sheet path (:func:`agreement_stats`, used by
``compare``) passes one 2 x 2 table; the group path (``agreement_by``) passes one table per rater and
session in a single call; competency calls pass a 4 x 4 table over :data:`coachkit.model.LEVEL_ORDER`
with linear weights. :func:`fleiss_kappa` takes category counts per item (many raters, one item a row).

References (cited here once; the other modules point to this one):

- Cohen, J. (1960), A coefficient of agreement for nominal scales, Educational and Psychological
  Measurement 20:37-46 (kappa);
- Cohen, J. (1968), Weighted kappa, Psychological Bulletin 70:213-220 (weighted kappa);
- Gwet, K. L. (2008), Computing inter-rater reliability and its variance in the presence of high
  agreement, British Journal of Mathematical and Statistical Psychology 61:29-48 (AC1);
- Fleiss, J. L. (1971), Measuring nominal scale agreement among many raters, Psychological Bulletin
  76:378-382 (Fleiss' kappa);
- Landis, J. R. & Koch, G. G. (1977), The measurement of observer agreement for categorical data,
  Biometrics 33:159-174 (the bands in plain words: below 0 poor, 0 to .20 slight, .21 to .40 fair,
  .41 to .60 moderate, .61 to .80 substantial, .81 to 1 almost perfect; a convention, not a test).

Worked example from Wikipedia's "Cohen's kappa" page (50 grant proposals; both yes 20, only the first
yes 5, only the second yes 10, both no 15: p_o 0.7, p_e 0.5, kappa 0.4):

>>> r = stats_from_table([[20, 5], [10, 15]])
>>> r["percent_agreement"], round(r["kappa"], 3), round(r["ac1"], 3)
(0.7, 0.4, 0.406)

Gwet's AC1 on the 3 x 3 table of two abstractors classifying 100 pregnancies (Gwet 2014, Handbook of
Inter-Rater Reliability, 4th ed.; the table ``cont3x3abstractors`` of the irrCAC package, AC1 0.849):

>>> round(stats_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])["ac1"], 3)
0.849
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from .errors import CoachkitError
from .model import LEVEL_ORDER

__all__ = [
    "BAND_SOURCE",
    "EXPLAIN",
    "REFERENCES",
    "agreement_band",
    "agreement_stats",
    "binary_table",
    "coefficients",
    "confusion_table",
    "fleiss_kappa",
    "stats_from_table",
    "weighted_kappa",
]

#: Where the plain-word agreement bands come from.
BAND_SOURCE = "Landis & Koch (1977), The measurement of observer agreement for categorical data, Biometrics 33:159-174"

#: The sources of every statistic in this module, by name.
REFERENCES: dict[str, str] = {
    "kappa": "Cohen (1960), Educational and Psychological Measurement 20:37-46",
    "weighted_kappa": "Cohen (1968), Psychological Bulletin 70:213-220",
    "ac1": "Gwet (2008), British Journal of Mathematical and Statistical Psychology 61:29-48",
    "fleiss_kappa": "Fleiss (1971), Psychological Bulletin 76:378-382",
    "bands": BAND_SOURCE,
}

#: One plain sentence per statistic, for a feedback page's details section.
EXPLAIN: dict[str, str] = {
    "percent_agreement": "The share of markers where you and the assessor made the same call.",
    "kappa": (
        "Kappa is your agreement with the assessor after taking away the agreement you would reach by chance "
        "if you ticked markers as often as you do without listening: 0 is chance, 1 is full agreement."
    ),
    "ac1": (
        "AC1 measures the same thing as kappa but stays steady when nearly every marker is heard (or nearly none "
        "is), where kappa can drop to zero even though you agree on almost everything."
    ),
    "weighted_kappa": (
        "Weighted kappa compares level calls (below, ACC, PCC, MCC) and counts a call one level away as half "
        "right rather than wrong, beyond what chance would give."
    ),
    "fleiss_kappa": "Fleiss' kappa measures how far a whole group agrees with itself, beyond chance.",
}

_BANDS = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))

Weights = Literal["none", "linear"]


def agreement_band(value: float) -> str:
    """The Landis & Koch (1977) band for an agreement coefficient, in plain words.

    >>> agreement_band(0.55), agreement_band(-0.1), agreement_band(0.9)
    ('moderate', 'poor', 'almost perfect')
    >>> agreement_band(float("nan"))
    'not measurable yet'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measurable yet"
    if value < 0:
        return "poor"
    for upper, word in _BANDS:
        if value <= upper + 1e-12:
            return word
    return "almost perfect"


def _weight_matrix(q: int, weights: str):
    """Agreement weights as whole numbers, and their maximum (so the kernel stays in integers)."""
    if weights == "none":
        return np.eye(q, dtype=np.int64), 1
    if weights == "linear":
        i = np.arange(q)
        return (q - 1) - np.abs(i[:, None] - i[None, :]).astype(np.int64), q - 1
    raise CoachkitError(f"unknown weights {weights!r}: choose 'none' or 'linear'")


def coefficients(tables, weights: Weights = "none") -> dict:
    """THE kernel: percent agreement, kappa and AC1 from tables of counts, vectorised over leading axes.

    ``tables`` is an array of shape ``(..., q, q)`` of whole-number counts: rows are the first rater's
    category, columns the second's. Returns numpy arrays of shape ``(...)``: ``n``, ``percent_agreement``
    (weighted when ``weights="linear"``), ``kappa`` (Cohen 1960; Cohen 1968 with linear weights) and
    ``ac1`` (Gwet 2008, unweighted; NaN when weights are used). NaN where a statistic is undefined: no
    items, or (kappa) both raters used one and the same category, so chance agreement is 1.

    >>> import numpy as np
    >>> r = coefficients(np.array([[[20, 5], [10, 15]], [[3, 0], [0, 0]]]))
    >>> r["n"].tolist(), r["kappa"].round(3).tolist(), r["ac1"].round(3).tolist()
    ([50, 3], [0.4, nan], [0.406, 1.0])
    """
    t = np.asarray(tables)
    if t.ndim < 2 or t.shape[-1] != t.shape[-2] or t.shape[-1] < 2:
        raise CoachkitError(f"agreement needs square tables of counts (2 or more categories); got shape {t.shape}")
    if t.dtype.kind not in "iu":
        if t.dtype.kind != "f" or not np.all(np.isfinite(t)) or not np.all(t == np.round(t)):
            raise CoachkitError("agreement tables must hold whole-number counts")
        t = t.astype(np.int64)
    else:
        t = t.astype(np.int64, copy=False)
    if (t < 0).any():
        raise CoachkitError("agreement tables must hold counts of 0 or more")
    q = t.shape[-1]
    w, top = _weight_matrix(q, weights)
    n = t.sum(axis=(-2, -1))
    rows = t.sum(axis=-1)
    cols = t.sum(axis=-2)
    agree = (t * w).sum(axis=(-2, -1))  # weighted agreement count, times ``top``
    chance = np.einsum("...i,ij,...j->...", rows, w, cols)  # n^2 p_e, times ``top``
    with np.errstate(divide="ignore", invalid="ignore"):
        has = n > 0
        safe_n = np.where(has, n, 1)
        pct = np.where(has, agree / (top * safe_n), np.nan)
        den = top * n * n - chance
        kappa = np.where(has & (den != 0), (n * agree - chance) / np.where(den == 0, 1, den), np.nan)
        if weights == "none":
            # AC1: p_e = sum_k pi_k (1 - pi_k) / (q - 1), pi_k = (row_k + col_k) / 2n; in whole numbers
            # AC1 = (4n(q-1) agree - S) / (4n^2 (q-1) - S), S = sum_k m_k (2n - m_k), m_k = row_k + col_k.
            m = rows + cols
            s = (m * (2 * n[..., None] - m)).sum(axis=-1)
            den1 = 4 * n * n * (q - 1) - s
            ac1 = np.where(has, (4 * n * (q - 1) * agree - s) / np.where(den1 == 0, 1, den1), np.nan)
        else:
            ac1 = np.full(np.shape(n), np.nan)
    return {"n": n, "percent_agreement": pct, "kappa": kappa, "ac1": ac1}


def stats_from_table(table, weights: Weights = "none") -> dict:
    """:func:`coefficients` for one table, as plain floats with ``notes`` saying why a value is NaN."""
    t = np.asarray(table)
    if t.ndim != 2:
        raise CoachkitError(f"one table of counts (rows x columns) is needed; got shape {t.shape}")
    r = coefficients(t, weights)
    n = int(r["n"])
    out = {
        "n": n,
        "percent_agreement": float(r["percent_agreement"]),
        "kappa": float(r["kappa"]),
        "ac1": float(r["ac1"]),
        "notes": [],
    }
    if n == 0:
        out["notes"].append("no item was decided by both raters, so there is no agreement to measure")
    elif math.isnan(out["kappa"]):
        rows = np.asarray(t).sum(axis=1)
        only = int(np.argmax(rows))
        out["notes"].append(f"kappa is undefined: both raters put every item in category {only + 1}, so chance agreement is 1")
    return out


def binary_table(first: Sequence[bool], second: Sequence[bool]):
    """The 2 x 2 table of two raters' yes/no calls: ``[[yes-yes, yes-no], [no-yes, no-no]]``.

    >>> binary_table([True, True, False], [True, False, False]).tolist()
    [[1, 1], [0, 1]]
    """
    if len(first) != len(second):
        raise CoachkitError(f"the two raters rated {len(first)} and {len(second)} items: they must match")
    a = np.fromiter((bool(x) for x in first), dtype=bool, count=len(first))
    b = np.fromiter((bool(x) for x in second), dtype=bool, count=len(second))
    return np.array(
        [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()), int((~a & ~b).sum())]], dtype=np.int64
    )


def agreement_stats(learner: Sequence[bool], assessor: Sequence[bool]) -> dict:
    """Percent agreement, Cohen's kappa and Gwet's AC1 for two raters' yes/no calls on the same items.

    Returns ``{"n", "percent_agreement", "kappa", "ac1", "notes"}``; a statistic that is undefined is
    NaN and ``notes`` says why.

    >>> r = agreement_stats([True, True, False, False], [True, False, False, False])
    >>> r["percent_agreement"], round(r["kappa"], 3), round(r["ac1"], 3)
    (0.75, 0.5, 0.529)
    >>> agreement_stats([True, True], [True, True])["notes"]
    ['kappa is undefined: both raters called every marker evidenced, so chance agreement is 1']
    """
    table = binary_table(learner, assessor)
    out = stats_from_table(table)
    n = out["n"]
    if n == 0:
        out["notes"] = ["no marker was decided by both the learner and the assessor, so there is no agreement to measure"]
    elif math.isnan(out["kappa"]):
        which = "evidenced" if int(table[0].sum()) == n else "not evidenced"
        out["notes"] = [f"kappa is undefined: both raters called every marker {which}, so chance agreement is 1"]
    return out


def confusion_table(first: Sequence, second: Sequence, categories: Sequence = LEVEL_ORDER):
    """The q x q table of two raters' calls over ordered ``categories`` (default: the level order).

    >>> confusion_table(["PCC", "ACC"], ["PCC", "PCC"]).tolist()
    [[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    """
    if len(first) != len(second):
        raise CoachkitError(f"the two raters made {len(first)} and {len(second)} calls: they must match")
    where = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(where), len(where)), dtype=np.int64)
    for a, b in zip(first, second, strict=True):
        if a not in where or b not in where:
            bad = a if a not in where else b
            shown = bad if isinstance(bad, str) and len(bad) <= 20 else type(bad).__name__
            raise CoachkitError(f"unknown category {shown!r}: choose one of {', '.join(map(str, categories))}")
        table[where[a], where[b]] += 1
    return table


def weighted_kappa(first: Sequence, second: Sequence, categories: Sequence = LEVEL_ORDER) -> float:
    """Cohen's (1968) weighted kappa with linear weights over ordered categories (default below < ACC <
    PCC < MCC): a call one level away counts as partly right. NaN when undefined (no calls, or both raters
    made one and the same call throughout).

    Agrees with scikit-learn's ``cohen_kappa_score(a, b, weights="linear", labels=...)``:

    >>> round(weighted_kappa(["PCC", "ACC", "MCC", "PCC"], ["PCC", "PCC", "MCC", "ACC"]), 3)
    0.333
    """
    if not len(first):
        return math.nan
    return float(coefficients(confusion_table(first, second, categories), "linear")["kappa"])


def fleiss_kappa(counts) -> float:
    """Fleiss' kappa (Fleiss 1971) from category counts per item: one row per item, one column per
    category, each cell the number of raters who put the item in that category.

    Items may have different numbers of raters (participants who said "unsure" are left out of an item);
    items with fewer than two raters are skipped, and each item's agreement is taken over its own raters,
    which is Fleiss' formula when every item has the same number. NaN when no item has two raters, or
    when every rating falls in one category (chance agreement is then 1).

    Checked against the worked example on Wikipedia's "Fleiss' kappa" page (10 items, 14 raters,
    5 categories: P-bar 0.378, P-e 0.213, kappa 0.210):

    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    ...          [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(fleiss_kappa(table), 3)
    0.21
    """
    try:
        table = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise CoachkitError("fleiss_kappa needs a table of counts (items x categories)") from None
    if table.ndim != 2 or table.shape[1] < 2:
        raise CoachkitError(f"fleiss_kappa needs items x categories (2 or more categories); got shape {table.shape}")
    if (table < 0).any() or not np.all(np.isfinite(table)) or not np.all(table == np.round(table)):
        raise CoachkitError("fleiss_kappa: counts must be whole numbers of 0 or more")
    n_i = table.sum(axis=1)
    rated = n_i >= 2
    if not rated.any():
        return math.nan
    t = table[rated]
    n = n_i[rated]
    p_i = ((t * t).sum(axis=1) - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_j = t.sum(axis=0) / t.sum()
    p_e = float((p_j * p_j).sum())
    if p_e >= 1 - 1e-12:
        return math.nan
    return float((p_bar - p_e) / (1 - p_e))

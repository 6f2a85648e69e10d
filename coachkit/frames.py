"""The group path: many learners' marks compared with the answer keys in one vectorised call.

:func:`compare_frame` gives each mark its outcome (as :func:`coachkit.scoring.compare` does for one
sheet); :func:`agreement_by` turns a compared frame into agreement statistics per group through the same
kernel as the single-sheet path (:func:`coachkit.agreement.coefficients`, which cites the sources).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .agreement import coefficients
from .errors import CoachkitError
from .scoring import OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["compare_frame", "agreement_by"]


_MARK_COLUMNS = ("rater_id", "session_id", "marker", "learner")
_KEY_COLUMNS = ("session_id", "marker", "assessor")


def _need(frame, columns, what):
    import pandas as pd  # heavy: loaded only when a table is built

    if not isinstance(frame, pd.DataFrame):
        raise CoachkitError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CoachkitError(
            f"{what} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)} "
            f"(it has {', '.join(map(str, frame.columns))})"
        )


def _learner_codes(series):
    """learner column -> int8 codes: 1 evidenced, 0 not, -1 unsure (None/NaN/pd.NA)."""
    import pandas as pd  # heavy: loaded only when a table is built

    dtype = series.dtype
    if isinstance(dtype, pd.BooleanDtype):
        return series.to_numpy(dtype=np.int8, na_value=-1)
    if dtype.kind == "b":
        return series.to_numpy().astype(np.int8)
    if dtype.kind == "f":
        values = series.to_numpy()
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            raise CoachkitError(f"learner values must be True, False or empty (unsure); found {values[bad][0]!r}")
        return np.where(np.isnan(values), -1, values).astype(np.int8)
    if dtype.kind in "iu":
        values = series.to_numpy()
        if ((values != 0) & (values != 1)).any():
            raise CoachkitError("learner values must be True, False or empty (unsure); found other numbers")
        return values.astype(np.int8)
    # object: True / False / None, checked
    values = series.to_numpy(dtype=object)
    is_true = values == True  # noqa: E712 (element-wise)
    is_false = values == False  # noqa: E712
    codes = np.full(len(values), -1, dtype=np.int8)
    codes[is_true] = 1
    codes[is_false] = 0
    other = ~(is_true | is_false) & ~pd.isna(values)
    if other.any():
        raise CoachkitError(f"learner values must be True, False or empty (unsure); found {values[other][0]!r}")
    return codes


def compare_frame(marks: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The group path: compare many learners' marks with the answer keys in one vectorised call.

    ``marks`` is long: rater_id, session_id, marker, learner (True, False, or None/NaN for unsure).
    ``keys`` has session_id, marker, assessor (True/False), one row per decided marker. Returns the
    marks that a key decides (other rows are dropped, as :func:`compare` does) with ``assessor`` and
    ``outcome`` added. A marker a learner never marked has no row here (the facilitator's frame holds
    the marks given).

    >>> import pandas as pd
    >>> marks = pd.DataFrame({"rater_id": ["a", "a", "b"], "session_id": ["s"] * 3,
    ...                       "marker": ["4.1", "6.6", "4.1"], "learner": [True, None, False]})
    >>> keys = pd.DataFrame({"session_id": ["s", "s"], "marker": ["4.1", "6.6"], "assessor": [True, False]})
    >>> list(compare_frame(marks, keys)["outcome"])
    ['agree', 'unsure', 'under-credit']
    """
    import pandas as pd  # heavy: loaded only when a table is built

    _need(marks, _MARK_COLUMNS, "marks")
    _need(keys, _KEY_COLUMNS, "keys")
    if keys.duplicated(["session_id", "marker"]).any():
        dup = keys[keys.duplicated(["session_id", "marker"], keep=False)].iloc[0]
        raise CoachkitError(f"keys decide marker {dup['marker']} of session '{dup['session_id']}' twice")
    assessor_values = keys["assessor"].to_numpy()
    if pd.isna(keys["assessor"]).any() or not np.isin(assessor_values, [True, False]).all():
        raise CoachkitError("keys: assessor must be True or False in every row")

    # Map (session, marker) pairs to key rows through small integer codes: the key table is tiny.
    key_session = pd.Index(keys["session_id"].unique())
    key_marker = pd.Index(keys["marker"].unique())
    s_code = key_session.get_indexer(marks["session_id"])
    m_code = key_marker.get_indexer(marks["marker"])
    table = np.full(len(key_session) * len(key_marker), -1, dtype=np.int8)
    table[key_session.get_indexer(keys["session_id"]) * len(key_marker) + key_marker.get_indexer(keys["marker"])] = (
        assessor_values.astype(bool).astype(np.int8)
    )
    found = (s_code >= 0) & (m_code >= 0)
    assessor = np.full(len(marks), -1, dtype=np.int8)
    assessor[found] = table[s_code[found] * len(key_marker) + m_code[found]]
    keep = assessor >= 0

    learner = _learner_codes(marks["learner"])
    all_kept = bool(keep.all())
    out = marks.copy(deep=False) if all_kept else marks.loc[keep].reset_index(drop=True)
    a = assessor[keep]
    lc = learner[keep]
    outcome_codes = np.where(lc < 0, 3, np.where(lc == a, 0, np.where(lc == 1, 1, 2)))
    out["assessor"] = a.astype(bool)
    out["outcome"] = pd.Categorical.from_codes(outcome_codes, categories=list(OUTCOMES))
    return out


def agreement_by(frame: pd.DataFrame, by: Sequence[str] = ("rater_id", "session_id")) -> pd.DataFrame:
    """Agreement statistics per group of a :func:`compare_frame` result (e.g. per rater and session,
    or per marker for the facilitator's "where does the group differ" view).

    Returns one row per group: n (both decided), n_unsure, agree, over_credit, under_credit,
    percent_agreement, kappa, ac1 (NaN where undefined, as in :func:`compare`).
    """
    import pandas as pd  # heavy: loaded only when a table is built

    by = [by] if isinstance(by, str) else list(by)
    _need(frame, [*by, "assessor", "outcome"], "frame")
    codes = frame["outcome"]
    codes = (
        codes.cat.codes.to_numpy()
        if isinstance(codes.dtype, pd.CategoricalDtype)
        else (pd.Categorical(codes, categories=list(OUTCOMES)).codes)
    )
    assessor = frame["assessor"].to_numpy(dtype=bool)
    decided = codes != 3
    work = pd.DataFrame(
        {
            "agree": codes == 0,
            "over_credit": codes == 1,
            "under_credit": codes == 2,
            "n_unsure": ~decided,
            "n": decided,
            # learner said evidenced: agree & assessor, or over-credit
            "n_l1": ((codes == 0) & assessor) | (codes == 1),
            "n_a1": decided & assessor,
        }
    )
    for col in by:
        work[col] = frame[col].to_numpy()
    sums = work.groupby(by, sort=True, observed=True).sum()
    n = sums["n"].to_numpy(dtype=np.int64)
    agree = sums["agree"].to_numpy(dtype=np.int64)
    n_l1 = sums["n_l1"].to_numpy(dtype=np.int64)
    n_a1 = sums["n_a1"].to_numpy(dtype=np.int64)
    # One 2 x 2 table per group, [[yes-yes, yes-no], [no-yes, no-no]] (learner rows), into the one kernel.
    both_yes = (agree + n_l1 + n_a1 - n) // 2
    tables = np.empty((len(n), 2, 2), dtype=np.int64)
    tables[:, 0, 0] = both_yes
    tables[:, 0, 1] = n_l1 - both_yes
    tables[:, 1, 0] = n_a1 - both_yes
    tables[:, 1, 1] = n - n_l1 - n_a1 + both_yes
    stats = coefficients(tables)
    pct, kappa, ac1 = stats["percent_agreement"], stats["kappa"], stats["ac1"]
    result = pd.DataFrame(
        {
            "n": n,
            "n_unsure": sums["n_unsure"].to_numpy(dtype=np.int64),
            "agree": agree,
            "over_credit": sums["over_credit"].to_numpy(dtype=np.int64),
            "under_credit": sums["under_credit"].to_numpy(dtype=np.int64),
            "percent_agreement": pct,
            "kappa": kappa,
            "ac1": ac1,
        },
        index=sums.index,
    )
    return result.reset_index()

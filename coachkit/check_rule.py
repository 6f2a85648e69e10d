"""The calibration check's pass rule: one formula, its figures read from a rule file and checked.

The kit's rule is ``coachkit/data/check_rule.yaml``; a facilitator may pass a rule file of their own.
The file refuses YAML anchors and aliases, and every problem is a FormatError naming file and line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ._files import DATA_FILE_LIMIT, read_bounded
from ._yamlio import line_of, load_yaml
from .errors import FormatError

__all__ = ["DEFAULT_RULE", "NOT_ICF", "FORMULA", "CheckRule", "load_rule", "resolve_rule"]

#: The rule file shipped with the kit.
DEFAULT_RULE = Path(__file__).resolve().parent / "data" / "check_rule.yaml"
#: What every result and record says plainly.
NOT_ICF = "This is a practice check, not an ICF assessment."

FORMULA = (
    "PASS = A >= a_form - {agreement_margin} and K >= k_form - {kappa_margin} "
    "and C >= {competency_exact_floor} and W >= {competency_kappa_floor}, where "
    "A = (markers agreed + {level_weight} x level calls right) / (markers asked + {level_weight} x full sessions), "
    "unsure or undecided counting as disagreement; K = Cohen's kappa on the full sessions' markers (unsure or "
    "undecided scored as the opposite of the key); C = share of competency calls exactly as the key; "
    "W = linear-weighted kappa of the competency calls (a call not made counts as the farthest level); "
    "a_form and k_form = the blind reviewer's own agreement and kappa with the key on this form."
)


# ----------------------------------------------------------------------------------------------- the rule


@dataclass(frozen=True)
class CheckRule:
    """The pass rule and the retake policy, as read from a rule file (see ``check_rule.yaml``)."""

    agreement_margin: float
    kappa_margin: float
    level_weight: float
    competency_exact_floor: float
    competency_kappa_floor: float
    default_reviewer: Mapping[str, float]
    forms: Mapping[str, Mapping[str, float]]
    lean_minimum_decisions: int
    lean_margin: float
    retake_wait_days: int
    recheck_months: int
    source: str = ""
    is_default: bool = True

    @property
    def formula(self) -> str:
        """The one formula, with this rule's figures written in."""
        return FORMULA.format(**{k: _fmt(getattr(self, k)) for k in (
            "agreement_margin", "kappa_margin", "level_weight", "competency_exact_floor", "competency_kappa_floor")})

    def reviewer(self, form: str) -> tuple[Mapping[str, float], bool]:
        """The blind reviewer's figures for ``form`` and whether they are the form's own (not the default)."""
        if form in self.forms:
            return self.forms[form], True
        return self.default_reviewer, False

    def thresholds(self, form: str) -> dict[str, float]:
        """The four thresholds for one form."""
        figures, _ = self.reviewer(form)
        return {
            "A": round(figures["agreement"] - self.agreement_margin, 6),
            "K": round(figures["kappa"] - self.kappa_margin, 6),
            "C": self.competency_exact_floor,
            "W": self.competency_kappa_floor,
        }


def _fmt(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _refuse_anchors(path: Path, text: str) -> None:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise FormatError(path, line, "YAML anchors and aliases are not allowed in a rule file")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(path, mark.line + 1 if mark else None, "not valid YAML") from None


def _number(path, data, key, low: float, high: float, whole: bool = False) -> float:
    value = data.get(key)
    line = line_of(data, key)
    if value is None:
        raise FormatError(path, line_of(data), f"the rule needs '{key}'")
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not (low <= number <= high) or (whole and number != int(number)):
        kind = "a whole number" if whole else "a number"
        raise FormatError(path, line, f"'{key}' must be {kind} from {_fmt(low)} to {_fmt(high)}")
    return int(number) if whole else number


_RULE_KEYS = {
    "format", "agreement_margin", "kappa_margin", "level_weight", "competency_exact_floor", "competency_kappa_floor",
    "default_reviewer", "forms", "lean_minimum_decisions", "lean_margin", "retake_wait_days", "recheck_months",
}


def _reviewer(path, data, what: str) -> dict[str, float]:
    if not isinstance(data, dict) or set(data) != {"agreement", "kappa"}:
        raise FormatError(path, line_of(data), f"{what} needs exactly 'agreement' and 'kappa' (the reviewer's figures)")
    return {"agreement": _number(path, data, "agreement", 0, 1), "kappa": _number(path, data, "kappa", -1, 1)}


def load_rule(path=None) -> CheckRule:
    """Read and check a rule file (default: the kit's own); any problem is a FormatError with file and line.

    >>> rule = load_rule()
    >>> rule.thresholds("A"), rule.is_default
    ({'A': 0.823, 'K': 0.687, 'C': 0.5, 'W': 0.4}, True)
    """
    source = Path(path) if path is not None else DEFAULT_RULE
    raw = read_bounded(source, DATA_FILE_LIMIT, "rule file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(source, None, "not UTF-8 text") from None
    _refuse_anchors(source, text)
    data = load_yaml(source, text)
    if not isinstance(data, dict):
        raise FormatError(source, None, "a rule file is a mapping of fields")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        shown = unknown[0] if len(unknown[0]) <= 40 else unknown[0][:40] + "..."
        raise FormatError(source, line_of(data, unknown[0]), f"unknown field '{shown}' in the rule file")
    if data.get("format") != "coachkit-check-rule/1":
        raise FormatError(source, line_of(data, "format"), "the rule file's format must be coachkit-check-rule/1")
    forms = data.get("forms") or {}
    if not isinstance(forms, dict):
        raise FormatError(source, line_of(data, "forms"), "'forms' maps a form's letter to the reviewer's figures")
    return CheckRule(
        agreement_margin=_number(source, data, "agreement_margin", 0, 1),
        kappa_margin=_number(source, data, "kappa_margin", 0, 2),
        level_weight=_number(source, data, "level_weight", 0, 50),
        competency_exact_floor=_number(source, data, "competency_exact_floor", 0, 1),
        competency_kappa_floor=_number(source, data, "competency_kappa_floor", -1, 1),
        default_reviewer=_reviewer(source, data.get("default_reviewer"), "'default_reviewer'"),
        forms={str(k): _reviewer(source, v, f"form {str(k)[:20]}") for k, v in forms.items()},
        lean_minimum_decisions=_number(source, data, "lean_minimum_decisions", 1, 10_000, whole=True),
        lean_margin=_number(source, data, "lean_margin", 0, 1),
        retake_wait_days=_number(source, data, "retake_wait_days", 0, 3650, whole=True),
        recheck_months=_number(source, data, "recheck_months", 1, 120, whole=True),
        source=str(source.name),
        is_default=path is None or source.resolve() == DEFAULT_RULE,
    )


def resolve_rule(rule) -> CheckRule:
    """A CheckRule as given, read from a path, or the kit's own rule for None."""
    if rule is None:
        return load_rule()
    if isinstance(rule, CheckRule):
        return rule
    return load_rule(rule)



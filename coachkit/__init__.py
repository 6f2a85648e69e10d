"""coachkit: learn to hear the ICF PCC Markers in real coaching conversations.

The kit is independent of ICF; ICF's own wording of the markers is on its PCC Markers page
(``coachkit.framework().source_url``).

Names are imported lazily, so ``import coachkit`` (and the command line) stays fast: pandas,
matplotlib and ipywidgets load only when a feature that needs them is used.
"""

from __future__ import annotations

import importlib

from .errors import CoachkitError, FormatError

# A function named like its module must be bound eagerly: importing the submodule anywhere would
# otherwise replace the package attribute with the module (``ck.framework()`` -> "module not callable").
from .framework import framework

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "Framework": "framework",
    "Competency": "framework",
    "Marker": "framework",
    "Utterance": "model",
    "Session": "model",
    "Decision": "model",
    "AnswerKey": "model",
    "Mark": "model",
    "RatingSheet": "model",
    "LEVELS": "model",
    "load_transcript": "transcripts",
    "cue_times": "transcripts",
    "HOW_TO_GET_A_TRANSCRIPT": "transcripts",
    "metrics_table": "metrics",
    "format_metrics": "metrics",
    "split_questions": "metrics",
    "METRICS": "metrics",
    "import_transcript": "library",
    "conversation_metrics": "metrics",
    "advice_phrases": "metrics",
    "classify_question": "metrics",
    "redact": "redaction",
    "load_session": "library",
    "list_sessions": "library",
    "validate": "library",
    "write_session": "library",
    "compare": "scoring",
    "Comparison": "scoring",
    "calibration": "convenience",
    "Calibration": "calibration_core",
    "agreement_band": "agreement",
    "agreement_stats": "agreement",
    "weighted_kappa": "agreement",
    "compare_frame": "frames",
    "agreement_by": "frames",
    "RatingStore": "store",
    "group_summary": "group",
    "group_reliability": "group",
    "load_exports": "sheet_sources",
    "group_competency_summary": "group",
    "readable_summary": "render_group",
    "CheckAttempt": "model",
    "start_check": "check",
    "score_check": "check",
    "CheckResult": "check",
    "lean_profile": "check",
    "next_check": "check",
    "group_check_summary": "check",
    "check_report": "check_record",
    "observation_report": "report",
    "competency_review": "report",
}

__all__ = ["CoachkitError", "FormatError", "__version__", "framework", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coachkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)

"""The kit's widgets: thin views over the core. Only this package imports ipywidgets.

Names load lazily, so a lesson that shows one view does not pay for importing every other (the group
dashboard's numpy and pandas, the key editor) before its first widget appears.
"""

from __future__ import annotations

import importlib

# public name -> module of this package that defines it
_EXPORTS = {
    "CheckNextStep": "check",
    "CheckView": "check",
    "GroupCheckResults": "check",
    "CalibrationDashboard": "feedback",
    "FeedbackView": "feedback",
    "MetricsPanel": "feedback",
    "ExportMyRatings": "group",
    "GroupDashboard": "group",
    "LiveCall": "group",
    "KeyEditor": "keyeditor",
    "MarkerBrowser": "markers",
    "MarkerDrill": "markers",
    "crosswalk": "markers",
    "BringYourOwn": "panels",
    "LevelsSideBySide": "panels",
    "MyCalibration": "panels",
    "RatingPanel": "panels",
    "SessionPicker": "panels",
    "StartHere": "panels",
    "marker_drill": "panels",
    "marker_tour": "panels",
    "RatingForm": "rating",
    "TranscriptView": "transcript",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coachkit.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)

"""The kit's widgets: thin views over the core. Only this package imports ipywidgets."""

from .check import CheckNextStep, CheckView, GroupCheckResults
from .feedback import CalibrationDashboard, FeedbackView, MetricsPanel
from .group import ExportMyRatings, GroupDashboard, LiveCall
from .keyeditor import KeyEditor
from .markers import MarkerBrowser, MarkerDrill
from .panels import (
    BringYourOwn,
    LevelsSideBySide,
    MyCalibration,
    RatingPanel,
    SessionPicker,
    StartHere,
    marker_drill,
    marker_tour,
)
from .rating import RatingForm
from .transcript import TranscriptView

__all__ = [
    "BringYourOwn",
    "CalibrationDashboard",
    "CheckNextStep",
    "CheckView",
    "ExportMyRatings",
    "FeedbackView",
    "GroupCheckResults",
    "GroupDashboard",
    "KeyEditor",
    "LevelsSideBySide",
    "LiveCall",
    "MarkerBrowser",
    "MarkerDrill",
    "MetricsPanel",
    "MyCalibration",
    "RatingForm",
    "RatingPanel",
    "SessionPicker",
    "StartHere",
    "TranscriptView",
    "marker_drill",
    "marker_tour",
]

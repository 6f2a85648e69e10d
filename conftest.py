"""Test settings for the whole run: nothing a test does touches the user's real ratings or library."""

import os
import tempfile


def pytest_configure(config):
    # Set before any kernel (nbval) or subprocess starts, so they inherit it.
    os.environ["COACHKIT_HOME"] = tempfile.mkdtemp(prefix="coachkit-test-home-")
    os.environ.pop("COACHKIT_DB_URL", None)
    os.environ.pop("COACHKIT_LIBRARY", None)
    os.environ.setdefault("MPLBACKEND", "Agg")

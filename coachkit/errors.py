"""The errors coachkit raises on bad input.

Every problem with a user's file or call is a :class:`CoachkitError` (a ``ValueError``), so a lesson or
the command line can show one readable line instead of a traceback.
"""

from __future__ import annotations

__all__ = ["CoachkitError", "FormatError"]


class CoachkitError(ValueError):
    """Bad input to the kit: the message says what is wrong and, where it can, where."""


class FormatError(CoachkitError):
    """A file the kit cannot read as it should: ``path`` and ``line`` (1-based, or None) say where.

    >>> str(FormatError("key.yaml", 12, "unknown marker id '9.9'"))
    "key.yaml:12: unknown marker id '9.9'"
    """

    def __init__(self, path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.reason = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")

"""Word (``.docx``) transcript downloads from Teams and Otter, read with python-docx.

A ``.docx`` is a zip archive: its unpacked size is checked against the transcript limit before anything
is unpacked, so a small file that unpacks to gigabytes is refused with one line. The paragraphs (and
the line breaks inside them) become lines, read by the text reader (``Name  0:03`` above its text, as
Teams and Otter write them, or Teams' older ``0:0:0.0 --> 0:0:4.9`` / name / text).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ._files import TRANSCRIPT_LIMIT, check_size
from .errors import FormatError

__all__ = ["docx_lines", "is_docx"]

_DAMAGED = "this Word document cannot be read (a damaged or unfinished download?)"


def is_docx(data: bytes) -> bool:
    """Whether ``data`` is a zip archive holding a Word document."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def docx_lines(path: Path, data: bytes, how_to: str) -> list[str]:
    """The text of a ``.docx`` transcript as lines, after checking its unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise FormatError(path, None, f"{_DAMAGED}. {how_to}") from None
    check_size(path, unpacked, TRANSCRIPT_LIMIT, "Word document (unpacked)")
    if "word/document.xml" not in names:
        raise FormatError(path, None, f"{_DAMAGED}. {how_to}")
    try:
        import docx  # python-docx: only needed for Word files, and it pulls in lxml
    except ImportError:  # pragma: no cover - a dependency of the kit
        raise FormatError(path, None, "reading Word files needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text for p in document.paragraphs]
        for table in document.tables:  # some exports put each turn in a table row
            for row in table.rows:
                paragraphs.extend(cell.text for cell in row.cells)
    except Exception:  # python-docx or lxml on a broken file: many error types, one meaning
        raise FormatError(path, None, f"{_DAMAGED}. {how_to}") from None
    lines: list[str] = []
    for text in paragraphs:
        lines.extend(text.replace("\r", "\n").replace("\x0b", "\n").split("\n"))
    return lines

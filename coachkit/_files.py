"""Reading a user's file safely: a regular file, under a size limit, checked before anything is read.

A three-hour transcript is about 1 MB; the limits sit far above any real file and far below what would
exhaust memory. Every reader in the kit (transcripts, session files, exports, the framework) comes
through :func:`read_bounded`, so a FIFO, a device, a symlink to ``/dev/zero`` or a 200 MB file gets one
clear line instead of a hang or a MemoryError.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import FormatError

__all__ = ["read_bounded", "check_size", "TRANSCRIPT_LIMIT", "DATA_FILE_LIMIT", "EXPORT_LIMIT", "human_size"]

#: The largest transcript the kit reads (a three-hour call is about 1 MB of text).
TRANSCRIPT_LIMIT = 20 * 1024 * 1024
#: The largest session.yaml or framework file (the biggest shipped key is about 40 KB).
DATA_FILE_LIMIT = 2 * 1024 * 1024
#: The largest ratings export (a year of a busy group is a few MB).
EXPORT_LIMIT = 20 * 1024 * 1024


def human_size(n: int) -> str:
    """``1536`` -> ``'1.5 KB'``; ``20971520`` -> ``'20 MB'``.

    >>> human_size(20 * 1024 * 1024), human_size(1536), human_size(12)
    ('20 MB', '1.5 KB', '12 bytes')
    """
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def check_size(path, size: int, limit: int, what: str) -> None:
    """A FormatError naming ``path`` when ``size`` (bytes, or unpacked bytes) is over ``limit``."""
    if size > limit:
        raise FormatError(
            path, None, f"this {what} is {human_size(size)}, more than the {human_size(limit)} the kit reads"
        )


def read_bounded(path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else a FormatError.

    The file is opened without blocking (a FIFO never hangs) and checked with ``fstat`` on the open
    handle, so what is checked is what is read; the read itself stops one byte past the limit, so a file
    that grows while it is read is refused too.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("hello")
    >>> read_bounded(p, 10)
    b'hello'
    >>> read_bounded(p, 3, "transcript")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coachkit.errors.FormatError: ...a.txt: this transcript is 5 bytes, more than the 3 bytes the kit reads
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FormatError(path, None, "no such file") from None
    except IsADirectoryError:
        raise FormatError(path, None, f"this is a folder, not a {what}") from None
    except OSError as exc:
        raise FormatError(path, None, f"cannot open this {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
            raise FormatError(path, None, f"this is {kind}: the kit reads only ordinary files")
        check_size(path, info.st_size, limit, what)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                check_size(path, total, limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise FormatError(path, None, f"cannot read this {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)

"""Where the kit keeps things, from the environment.

- ``COACHKIT_DB_URL``: the ratings store (a SQLite path or a ``postgresql://`` URL); wins over the home.
- ``COACHKIT_HOME``: a folder for the ratings database and this installation's stable rater id.
- ``COACHKIT_LIBRARY``: extra session folders, separated as PATH is (``:`` or ``;`` on Windows).

With none set, the home is the user data folder (platformdirs), e.g. ``~/.local/share/coachkit``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["home", "db_location", "library_paths", "rater_id", "remembered_name", "remember_name"]


def home() -> Path:
    """The folder for the kit's own files (created on first use)."""
    env = os.environ.get("COACHKIT_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("coachkit", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_location() -> str:
    """The store's location: ``COACHKIT_DB_URL`` if set, else ``ratings.sqlite3`` in :func:`home`."""
    url = os.environ.get("COACHKIT_DB_URL")
    if url:
        return url
    return str(home() / "ratings.sqlite3")


def library_paths() -> list[Path]:
    """The extra session folders named in ``COACHKIT_LIBRARY``, in order."""
    env = os.environ.get("COACHKIT_LIBRARY", "")
    return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]


def rater_id() -> str:
    """This installation's stable rater id: made once, kept in :func:`home`, so two people called Ana
    never merge in a group."""
    path = home() / "rater-id"
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except OSError:
        pass
    # Several kernels may start at once on a fresh installation: each writes its own temporary file and
    # links it into place; the first link wins and everyone returns the id that is in the file.
    value = uuid.uuid4().hex
    tmp = path.with_name(f".rater-id.{os.getpid()}.{value}.tmp")
    tmp.write_text(value + "\n", encoding="utf-8")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process made it first
    except OSError:  # a file system without hard links: an atomic replace (the last writer wins)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip() or value


def remembered_name() -> str:
    """The display name the learner last rated under ('' if none)."""
    try:
        return (home() / "rater-name").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def remember_name(name: str) -> None:
    """Keep the learner's display name for next time."""
    path = home() / "rater-name"
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(name.strip() + "\n", encoding="utf-8")
    os.replace(tmp, path)

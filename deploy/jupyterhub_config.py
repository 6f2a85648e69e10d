"""JupyterHub settings for coachkit's cohort mode: each user's kernel gets its OWN database URL.

Load it from your own ``jupyterhub_config.py`` (``load_subconfig("/path/to/deploy/jupyterhub_config.py")``)
or copy the lines below; on The Littlest JupyterHub put it in ``/opt/tljh/config/jupyterhub_config.d/``
(see ``deploy/tljh.md``). It does not choose an authenticator or a spawner: keep yours.

How it works: ``deploy/coachkit-cohort add`` gives every participant and facilitator a PostgreSQL login
role named like their hub user and writes the passwords to a file only the administrator (and the hub,
which runs as root) can read. When a user's server starts, :func:`coachkit_db_url` reads that file and
hands the server (and so every kernel it starts) ``COACHKIT_DB_URL=postgresql://NAME:PASSWORD@HOST/DB``.
``coachkit.RatingStore()`` then connects as that person, and PostgreSQL's row-level security lets them see
only their own ratings (a facilitator: their group's). A user with no line in the file gets no URL and
keeps ratings in their own home folder (SQLite), as on a laptop.

Settings, from the hub's environment (all optional):

- ``COACHKIT_PASSWORDS``: the passwords file (default ``/etc/coachkit/passwords``, mode 600);
- ``COACHKIT_DB_HOST`` / ``COACHKIT_DB_PORT`` / ``COACHKIT_DB_NAME``: where the database is
  (default ``127.0.0.1``, ``5432``, ``coachkit``).

The file is read at each server start, so people added with ``coachkit-cohort add`` need no hub restart.
"""

import os
from urllib.parse import quote

c = get_config()  # noqa: F821  (JupyterHub provides get_config)

COACHKIT_PASSWORDS = os.environ.get("COACHKIT_PASSWORDS", "/etc/coachkit/passwords")
COACHKIT_DB_HOST = os.environ.get("COACHKIT_DB_HOST", "127.0.0.1")
COACHKIT_DB_PORT = int(os.environ.get("COACHKIT_DB_PORT", "5432"))
COACHKIT_DB_NAME = os.environ.get("COACHKIT_DB_NAME", "coachkit")


def _coachkit_password(name):
    """The database password of hub user ``name`` from the passwords file, or None."""
    try:
        with open(COACHKIT_PASSWORDS, encoding="utf-8") as handle:
            for line in handle:
                user, sep, password = line.rstrip("\n").partition(":")
                if sep and not user.startswith("#") and user.strip() == name:
                    return password
    except FileNotFoundError:
        return None
    return None


def coachkit_db_url(spawner):
    """``COACHKIT_DB_URL`` for the user whose server is starting ('' if they are in no cohort)."""
    name = spawner.user.name
    password = _coachkit_password(name)
    if password is None:
        spawner.log.info("coachkit: %s is in no cohort (no line in %s); ratings stay in their home", name,
                         COACHKIT_PASSWORDS)
        return ""
    return (
        f"postgresql://{quote(name, safe='')}:{quote(password, safe='')}"
        f"@{COACHKIT_DB_HOST}:{COACHKIT_DB_PORT}/{quote(COACHKIT_DB_NAME, safe='')}"
    )


# A value that is a callable is called with the spawner when the user's server starts.
c.Spawner.environment.update({"COACHKIT_DB_URL": coachkit_db_url})
# Open JupyterLab (the lessons) rather than the classic tree.
c.Spawner.default_url = "/lab"

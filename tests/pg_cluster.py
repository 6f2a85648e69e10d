"""A throwaway PostgreSQL server for tests and benchmarks (never for real data).

Test-only: the kit itself never starts a database server. ``pg_bin()`` finds PostgreSQL's server
programs; :class:`TemporaryCluster` runs one on 127.0.0.1 for the length of a test module or a benchmark.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["pg_bin", "free_port", "TemporaryCluster"]


class ClusterError(RuntimeError):
    """PostgreSQL's programs are missing or one of them failed."""



def pg_bin() -> Path | None:
    """The folder holding PostgreSQL's server programs (initdb, pg_ctl), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryCluster:
    """A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks (not for real data).

    As root it runs as the ``postgres`` user (PostgreSQL refuses to run as root). ``superuser_url(db)``
    connects through the Unix socket with no password; roles made with a password connect over TCP
    (``scram-sha-256``), as a participant's kernel would. Use as a context manager; ``stop()`` removes it.
    """

    def __init__(self, fsync: bool = False):
        self.bin = pg_bin()
        if self.bin is None:
            raise ClusterError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.fsync = fsync
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="coachkit-pg-"))
        self.running = False
        self._as_postgres = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise ClusterError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> TemporaryCluster:
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.fsync:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o", options, "start")
        self.running = True
        return self

    def superuser_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.dir}&port={self.port}"

    def url(self, user: str, password: str, database: str) -> str:
        from urllib.parse import quote

        return f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its superuser URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.superuser_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.superuser_url(name)

    def stop(self) -> None:
        if self.running:
            try:
                self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
            finally:
                self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> TemporaryCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

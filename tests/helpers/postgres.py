"""A real PostgreSQL server for tests, from the pgserver package (this module holds no tests)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pgserver
import psycopg
from pgserver._commands import pg_ctl

_numbers = itertools.count(1)


class LocalPostgres:
    """A PostgreSQL server in a directory of its own; each test takes a fresh database."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.server = pgserver.get_server(directory, cleanup_mode="stop")

    def url(self, database: str = "postgres") -> str:
        """The server's URL (a Unix socket) for `database`."""
        return self.server.get_uri(database)

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        name = f"t{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown: clients are disconnected)."""
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.directory, user=self.server.system_user)

    def start(self) -> None:
        """Start it again after `stop`."""
        self.server.ensure_postgres_running()

    def close(self) -> None:
        """Stop the server for good."""
        self.server.cleanup()


@contextlib.contextmanager
def temporary_postgres() -> Iterator[LocalPostgres]:
    """A server in a new directory under the system's temporary folder, removed afterwards.

    Not under pytest's tmp_path: run as root, pgserver runs PostgreSQL as its own user, who
    cannot enter pytest's private (0700) folders.
    """
    directory = Path(tempfile.mkdtemp(prefix="camerabot-pg-"))
    directory.chmod(0o755)
    server = LocalPostgres(directory / "data")
    try:
        yield server
    finally:
        server.close()
        shutil.rmtree(directory, ignore_errors=True)

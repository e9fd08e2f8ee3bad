"""Versioned schema migrations: `NNNN_name.sql`, applied in order, each once, at start-up."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Every process applies migrations at start-up: this transaction lock lets one do it at a time.
MIGRATION_LOCK = 0x63616D6D  # "camm"


def migrations() -> list[tuple[int, str, str]]:
    """Every migration in this package: version, file name and SQL, oldest first."""
    found: list[tuple[int, str, str]] = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def apply_migrations(connection: Any) -> list[str]:
    """Apply the migrations the database has not had yet, each in its own transaction."""
    applied: list[str] = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations():
            if version in done:
                continue
            connection.execute(sql)
            connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )
            applied.append(name)
    return applied

"""The state backend the settings choose: PostgreSQL with DATABASE_URL, else STATE_DIR's files."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.config import Settings
from bot.state.backend import FileBackend, StateBackend


def open_backend(
    state_dir: Path, database_url: str | None = None, *, knowledge_dir: Path | None = None
) -> StateBackend:
    """PostgreSQL when `database_url` is set (migrated at once), else the files in `state_dir`."""
    if database_url:
        from bot.state.postgres import PostgresBackend  # psycopg only where it is used

        return PostgresBackend(database_url, knowledge_dir=knowledge_dir)
    return FileBackend(state_dir)


def open_state(
    settings: Settings, *, state_dir: Path | None = None, knowledge_dir: Path | None = None
) -> StateBackend:
    """The run-time state for these settings (`state_dir`/`knowledge_dir` override them)."""
    return open_backend(
        state_dir or settings.state_dir,
        str(settings.database_url) or None,
        knowledge_dir=knowledge_dir or settings.knowledge_dir,
    )

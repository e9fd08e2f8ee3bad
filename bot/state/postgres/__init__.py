"""Run-time state in PostgreSQL (`DATABASE_URL`), for processes on several machines."""

from bot.state.postgres.backend import PostgresBackend

__all__ = ["PostgresBackend"]

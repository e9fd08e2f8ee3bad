"""The PostgreSQL state backend: psycopg 3 with a connection pool, advisory change lock.

Every method that needs the database raises `StateUnavailable` when it cannot be reached.
Unanswered questions are written by a background thread, so no answer waits on the database
(a question asked while it is down is logged and dropped).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import psycopg_pool
from psycopg.types.json import Jsonb

from bot.state.audit import AuditEntry
from bot.state.backend import LockBusy, StateUnavailable, checkout_key
from bot.state.feedback import (
    FactFeedback,
    Vote,
    VoteRecord,
    latest_votes,
    new_vote,
    summarise,
)
from bot.state.gaps import Gap, GapLine, gap_line, tally
from bot.state.postgres.migrations import apply_migrations
from bot.state.settings import ServerSettings

log = logging.getLogger(__name__)

# The advisory lock every process takes to change the fact base ("camk").
CHANGE_LOCK = 0x63616D6B
# Votes are read and appended under this transaction lock, so two presses cannot both count.
VOTE_LOCK = 0x63616D76
CONNECT_TIMEOUT = 3
POOL_TIMEOUT = 3.0
# After a failed write, unanswered questions are dropped unread for this long (seconds), so a
# queue filled during an outage empties at once instead of waiting on each connection attempt.
GAPS_RETRY_AFTER = 5.0


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn a lost or refused connection into StateUnavailable (the URL is never shown)."""
    try:
        yield
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StateUnavailable(
            f"the state database cannot be reached ({reason[:120]}); changes are refused "
            "until it is back, answers go on"
        ) from None


class _Database:
    """The pool, and one helper to run a statement on a pooled connection."""

    def __init__(self, url: str) -> None:
        self.name = f"camerabot pid {os.getpid()} on {socket.gethostname()}"[:63]
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=4,
            timeout=POOL_TIMEOUT,
            open=False,
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT,
                "application_name": self.name,
            },
        )
        self.pool.open(wait=False)

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (autocommit), StateUnavailable when there is none."""
        with _reachable(), self.pool.connection() as connection:
            yield connection

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one statement."""
        with self.connection() as connection:
            return connection.execute(sql, params).fetchall()

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """Run one statement."""
        with self.connection() as connection:
            connection.execute(sql, params)


_APPEND = (
    "INSERT INTO audit (id, checkout, record_id, entry) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (id) DO NOTHING"
)


def _json(entry: AuditEntry) -> Jsonb:
    return Jsonb(entry.to_json())


class PostgresAudit:
    """The history, one row an entry, in insertion order."""

    def __init__(self, db: _Database, checkout: str) -> None:
        self.db = db
        self.checkout = checkout

    def append(self, entry: AuditEntry) -> None:
        """Append an entry (once: appending the same entry again changes nothing)."""
        self.db.run(_APPEND, (entry.id, self.checkout, entry.record_id, _json(entry)))

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first."""
        for (data,) in self.db.rows("SELECT entry FROM audit ORDER BY seq"):
            yield AuditEntry.from_json(data)

    def latest(self, kind: str, record_id: str) -> AuditEntry | None:
        """The newest entry about one record."""
        rows = self.db.rows(
            "SELECT entry FROM audit WHERE record_id = %s AND entry->>'kind' = %s"
            " ORDER BY seq DESC LIMIT 1",
            (record_id, kind),
        )
        return AuditEntry.from_json(rows[0][0]) if rows else None

    def last(self) -> AuditEntry | None:
        """The newest entry."""
        rows = self.db.rows("SELECT entry FROM audit ORDER BY seq DESC LIMIT 1")
        return AuditEntry.from_json(rows[0][0]) if rows else None


class PostgresJournal:
    """The journal of this knowledge checkout: one row, keyed by host and directory."""

    def __init__(self, db: _Database, checkout: str) -> None:
        self.db = db
        self.checkout = checkout

    def write(self, entry: AuditEntry) -> None:
        """Journal a change (replacing this checkout's journal)."""
        self.db.run(
            "INSERT INTO journal (checkout, entry) VALUES (%s, %s)"
            " ON CONFLICT (checkout) DO UPDATE SET entry = EXCLUDED.entry",
            (self.checkout, Jsonb(entry.to_json())),
        )

    def read(self) -> AuditEntry | None:
        """This checkout's journaled change; a damaged one is removed."""
        rows = self.db.rows("SELECT entry FROM journal WHERE checkout = %s", (self.checkout,))
        if not rows:
            return None
        try:
            return AuditEntry.from_json(rows[0][0])
        except (ValueError, KeyError, TypeError):
            self.remove()
            return None

    def exists(self) -> bool:
        """Whether this checkout has a journal."""
        return bool(self.db.rows("SELECT 1 FROM journal WHERE checkout = %s", (self.checkout,)))

    def remove(self) -> None:
        """Drop this checkout's journal."""
        self.db.run("DELETE FROM journal WHERE checkout = %s", (self.checkout,))

    def settle(self, entry: AuditEntry) -> None:
        """Append the entry and drop the journal in one transaction (one commit, not two)."""
        with self.db.connection() as connection, connection.transaction():
            connection.execute(_APPEND, (entry.id, self.checkout, entry.record_id, _json(entry)))
            connection.execute("DELETE FROM journal WHERE checkout = %s", (self.checkout,))


class PostgresGaps:
    """Unanswered questions, written by a background thread: asking never waits on it."""

    def __init__(self, db: _Database) -> None:
        self.db = db
        self._queue: queue.SimpleQueue[GapLine | None] = queue.SimpleQueue()
        self._pending = 0
        self._dropped = 0
        self._down_until = 0.0
        self._idle = threading.Condition()
        self._writer = threading.Thread(target=self._drain, name="camerabot-gaps", daemon=True)
        self._writer.start()

    def record(
        self,
        question: str,
        *,
        user_id: int | None = None,
        where: str = "",
        guild_id: int | None = None,
    ) -> None:
        """Queue one unanswered question for the database; returns at once."""
        line = gap_line(question, user_id=user_id, where=where, guild_id=guild_id)
        if line is not None:
            with self._idle:
                self._pending += 1
            self._queue.put(line)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued question was written or dropped; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _drain(self) -> None:
        while True:
            line = self._queue.get()
            if line is None:
                return
            try:
                self._write(line)
            except Exception:
                log.exception("an unanswered question was not recorded")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _write(self, line: GapLine) -> None:
        """Store one question, or drop it while the database is down (logged once an outage)."""
        if time.monotonic() < self._down_until:
            self._dropped += 1
            return
        try:
            self.import_lines([line])
        except StateUnavailable as error:
            if not self._dropped:
                log.warning("unanswered questions are not recorded for now: %s", error)
            self._dropped += 1
            self._down_until = time.monotonic() + GAPS_RETRY_AFTER
            return
        if self._dropped:
            log.warning("recording unanswered questions again; %d were dropped", self._dropped)
            self._dropped = 0

    def import_lines(self, lines: list[GapLine]) -> None:
        """Append stored questions as they are."""
        with self.db.connection() as connection, connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO gaps (key, question, at, place, user_id, guild_id, count, places,"
                " guilds) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        g.key,
                        g.question,
                        g.at,
                        g.where,
                        g.user_id,
                        g.guild_id,
                        g.count,
                        list(g.places),
                        list(g.guilds),
                    )
                    for g in lines
                ],
            )

    def lines(self) -> list[GapLine]:
        """Every stored question, oldest first."""
        rows = self.db.rows(
            "SELECT question, key, at, place, user_id, guild_id, count, places, guilds"
            " FROM gaps ORDER BY seq"
        )
        return [
            GapLine(question, key, at, place, user, guild, count, tuple(places), tuple(guilds))
            for question, key, at, place, user, guild, count, places, guilds in rows
        ]

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first."""
        return tally(self.lines(), limit, exclude)

    def close(self) -> None:
        """Stop the writer after what is queued."""
        self._queue.put(None)
        self._writer.join(timeout=5)


_INSERT_VOTE = (
    "INSERT INTO votes (answer_id, voter_id, vote, fact_id, question, guild_id, reason, at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
_SELECT_VOTES = (
    "SELECT answer_id, voter_id, vote, fact_id, question, guild_id, reason, at"
    " FROM votes ORDER BY seq"
)


def _vote(row: tuple[Any, ...]) -> VoteRecord:
    answer, voter, vote, fact, question, guild, reason, at = row
    return VoteRecord(answer, voter, Vote(vote), fact, question, guild, reason, at)


def _vote_row(record: VoteRecord) -> tuple[Any, ...]:
    return (
        record.answer_id,
        record.voter_id,
        record.vote.value,
        record.fact_id,
        record.question,
        record.guild_id,
        record.reason,
        record.at,
    )


class PostgresFeedback:
    """Readers' votes, one row a vote; a voter's last vote on an answer counts."""

    def __init__(self, db: _Database) -> None:
        self.db = db

    def record(
        self,
        *,
        answer_id: str,
        voter_id: int,
        vote: Vote,
        fact_id: str,
        question: str,
        guild_id: int | None = None,
        reason: str = "",
    ) -> bool:
        """Store a vote; False when it repeats this voter's last vote on this answer."""
        record = new_vote(
            answer_id=answer_id,
            voter_id=voter_id,
            vote=vote,
            fact_id=fact_id,
            question=question,
            guild_id=guild_id,
            reason=reason,
        )
        with self.db.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (VOTE_LOCK,))
            previous = connection.execute(
                "SELECT vote, reason FROM votes WHERE answer_id = %s AND voter_id = %s"
                " ORDER BY seq DESC LIMIT 1",
                (record.answer_id, voter_id),
            ).fetchone()
            if previous == (record.vote.value, record.reason):
                return False
            connection.execute(
                _INSERT_VOTE,
                _vote_row(record),
            )
        return True

    def records(self) -> list[VoteRecord]:
        """Every vote stored, oldest first."""
        return [_vote(row) for row in self.db.rows(_SELECT_VOTES)]

    def import_records(self, records: list[VoteRecord]) -> None:
        """Append votes as they were stored."""
        with self.db.connection() as connection, connection.cursor() as cursor:
            cursor.executemany(
                _INSERT_VOTE,
                [_vote_row(record) for record in records],
            )

    def votes(self) -> list[VoteRecord]:
        """Each voter's last vote on each answer, oldest first."""
        return latest_votes(self.records())

    def summary(self, limit: int = 25) -> list[FactFeedback]:
        """Facts reported wrong, most reported first."""
        return summarise(self.votes(), limit)


class PostgresSettings:
    """Each server's settings, one row a server."""

    def __init__(self, db: _Database) -> None:
        self.db = db

    def get(self, guild_id: int) -> ServerSettings:
        """A server's settings (empty when none are stored)."""
        rows = self.db.rows("SELECT settings FROM server_settings WHERE guild_id = %s", (guild_id,))
        return ServerSettings.from_json(rows[0][0]) if rows else ServerSettings()

    def put(self, guild_id: int, settings: ServerSettings) -> None:
        """Store a server's settings."""
        self.db.run(
            "INSERT INTO server_settings (guild_id, settings) VALUES (%s, %s)"
            " ON CONFLICT (guild_id) DO UPDATE SET settings = EXCLUDED.settings",
            (guild_id, Jsonb(settings.to_json())),
        )

    def all(self) -> dict[int, ServerSettings]:
        """Every server's stored settings."""
        rows = self.db.rows("SELECT guild_id, settings FROM server_settings")
        return {guild: ServerSettings.from_json(data) for guild, data in rows}


class PostgresValues:
    """Named JSON values."""

    def __init__(self, db: _Database) -> None:
        self.db = db

    def get(self, key: str) -> Any:
        """The value, or None."""
        rows = self.db.rows("SELECT value FROM state_values WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def put(self, key: str, value: Any) -> None:
        """Store a value."""
        self.db.run(
            "INSERT INTO state_values (key, value) VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (key, Jsonb(value)),
        )

    def all(self) -> dict[str, Any]:
        """Every value."""
        return {key: value for key, value in self.db.rows("SELECT key, value FROM state_values")}


class PostgresBackend:
    """Every piece of run-time state in one PostgreSQL database; see the module docstring."""

    name = "postgres"

    def __init__(
        self, url: str, *, knowledge_dir: Path | None = None, migrate: bool = True
    ) -> None:
        self.db = _Database(url)
        checkout = checkout_key(knowledge_dir or Path.cwd())
        if migrate:
            with self.db.connection() as connection:
                applied = apply_migrations(connection)
            for name in applied:
                log.info("applied the state database migration %s", name)
        self.audit = PostgresAudit(self.db, checkout)
        self.journal = PostgresJournal(self.db, checkout)
        self.gaps = PostgresGaps(self.db)
        self.feedback = PostgresFeedback(self.db)
        self.settings = PostgresSettings(self.db)
        self.values = PostgresValues(self.db)

    @contextlib.contextmanager
    def change_lock(self, timeout: float) -> Iterator[None]:
        """The session advisory lock, on a connection held for the change.

        PostgreSQL releases it when the connection ends, so a killed process never blocks others.
        """
        with self.db.connection() as connection:
            deadline = time.monotonic() + timeout
            pause = 0.002
            with _reachable():
                while not connection.execute(
                    "SELECT pg_try_advisory_lock(%s)", (CHANGE_LOCK,)
                ).fetchone()[0]:  # type: ignore[index]
                    if time.monotonic() >= deadline:
                        raise LockBusy(
                            f"the change lock is held by {self._holder(connection)}; waited "
                            f"{timeout:.0f} s for it (if that process is stopped, end or resume it)"
                        )
                    time.sleep(pause)
                    pause = min(pause * 2, 0.05)
            try:
                yield
            finally:
                with contextlib.suppress(psycopg.Error):
                    connection.execute("SELECT pg_advisory_unlock(%s)", (CHANGE_LOCK,))

    @contextlib.contextmanager
    def try_change_lock(self) -> Iterator[bool]:
        """The advisory lock if it is free now."""
        with self.db.connection() as connection:
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", (CHANGE_LOCK,)).fetchone()
            if not row or not row[0]:
                yield False
                return
            try:
                yield True
            finally:
                with contextlib.suppress(psycopg.Error):
                    connection.execute("SELECT pg_advisory_unlock(%s)", (CHANGE_LOCK,))

    @staticmethod
    def _holder(connection: psycopg.Connection[Any]) -> str:
        """Who holds the change lock: its application name and since when."""
        with contextlib.suppress(psycopg.Error):
            row = connection.execute(
                "SELECT a.application_name, a.state_change FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.objid = %s AND l.granted LIMIT 1",
                (CHANGE_LOCK,),
            ).fetchone()
            if row:
                return f"{row[0] or 'another process'} since {row[1]:%Y-%m-%d %H:%M:%S %Z}"
        return "another process"

    def close(self) -> None:
        """Stop the gaps writer and close the pool."""
        self.gaps.close()
        self.db.pool.close()

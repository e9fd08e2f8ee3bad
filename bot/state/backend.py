"""Where run-time state lives: the `StateBackend` interface and the embedded file backend.

Run-time state is the audit log, the change journal, unanswered questions, readers' votes,
per-server settings, small named values (the command sync's hashes) and the change lock. The
files in STATE_DIR (`FileBackend`) are the default; `DATABASE_URL=postgresql://…` puts all of
it in PostgreSQL (`bot.state.postgres`), so processes on several machines can share it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from bot.errors import CamerabotError
from bot.state.atomic import (
    NOT_REGULAR,
    atomic_write,
    file_lock,
    read_state,
    remove_file,
    try_lock,
)
from bot.state.audit import AuditEntry, AuditLog
from bot.state.feedback import (
    FEEDBACK_FILE,
    RESOLVED_KEY,
    FactFeedback,
    FeedbackLog,
    Vote,
    VoteRecord,
    open_votes,
    resolution,
    resolved_votes,
    summarise,
)
from bot.state.gaps import GAPS_FILE, Gap, GapLine, GapLog
from bot.state.settings import ServerSettings, SettingsFile

AUDIT_FILE = "audit.jsonl"
JOURNAL_FILE = "journal.json"
LOCK_FILE = "knowledge.lock"
VALUES_FILE = "values.json"

log = logging.getLogger(__name__)


class StateUnavailable(CamerabotError):  # noqa: N818 - it names what happened
    """The state database cannot be reached now: changes wait until it is back."""


class LockBusy(CamerabotError):  # noqa: N818 - it names what happened
    """The change lock was not had in time; the message says who holds it, when known."""


class AuditStore(Protocol):
    """The append-only history of changes."""

    def append(self, entry: AuditEntry) -> None:
        """Append one entry durably."""
        ...

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first."""
        ...

    def last(self) -> AuditEntry | None:
        """The newest entry."""
        ...

    def latest(self, kind: str, record_id: str) -> AuditEntry | None:
        """The newest entry about one record."""
        ...


class JournalStore(Protocol):
    """The one change under way for a knowledge checkout, written before its files."""

    def write(self, entry: AuditEntry) -> None:
        """Journal a change (replacing any journal)."""
        ...

    def read(self) -> AuditEntry | None:
        """The journaled change, or None (a damaged journal is removed and counts as none)."""
        ...

    def exists(self) -> bool:
        """Whether a journal is there (cheap: checked at every reload)."""
        ...

    def remove(self) -> None:
        """Drop the journal."""
        ...

    def settle(self, entry: AuditEntry) -> None:
        """Append the journaled entry to the history and drop the journal (one step if it can)."""
        ...


class GapStore(Protocol):
    """Unanswered questions."""

    def record(
        self,
        question: str,
        *,
        user_id: int | None = None,
        where: str = "",
        guild_id: int | None = None,
    ) -> None:
        """Record one unanswered question."""
        ...

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first."""
        ...

    def lines(self) -> list[GapLine]:
        """Every recorded question as stored, oldest first (to copy state elsewhere)."""
        ...

    def import_lines(self, lines: list[GapLine]) -> None:
        """Append recorded questions as they were stored."""
        ...

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every question recorded so far is stored; False on timeout."""
        ...


class FeedbackStore(Protocol):
    """Readers' votes on answers."""

    def record(
        self,
        *,
        answer_id: str,
        voter_id: int,
        vote: Any,
        fact_id: str,
        question: str,
        guild_id: int | None = None,
        reason: str = "",
    ) -> bool:
        """Store a vote; False when it repeats the voter's last vote on that answer."""
        ...

    def votes(self) -> list[VoteRecord]:
        """Each voter's last vote on each answer, oldest first."""
        ...

    def summary(self, limit: int = 25) -> list[FactFeedback]:
        """Facts reported wrong, most reported first."""
        ...

    def records(self) -> list[VoteRecord]:
        """Every vote ever stored, oldest first (to copy state elsewhere)."""
        ...

    def import_records(self, records: list[VoteRecord]) -> None:
        """Append votes as they were stored."""
        ...


class SettingsStore(Protocol):
    """Each server's own settings."""

    def get(self, guild_id: int) -> ServerSettings:
        """A server's settings (empty: the defaults from .env apply)."""
        ...

    def put(self, guild_id: int, settings: ServerSettings) -> None:
        """Store a server's settings."""
        ...

    def all(self) -> dict[int, ServerSettings]:
        """Every server's stored settings."""
        ...


class ValueStore(Protocol):
    """Small named JSON values (the command sync's hashes)."""

    def get(self, key: str) -> Any:
        """The value, or None."""
        ...

    def put(self, key: str, value: Any) -> None:
        """Store a value."""
        ...

    def all(self) -> dict[str, Any]:
        """Every value."""
        ...


class StateBackend(Protocol):
    """Every piece of run-time state, and the change lock."""

    @property
    def name(self) -> str:
        """Which backend: "files" or "postgres"."""
        ...

    @property
    def audit(self) -> AuditStore:
        """The history of changes."""
        ...

    @property
    def journal(self) -> JournalStore:
        """The change under way."""
        ...

    @property
    def gaps(self) -> GapStore:
        """Unanswered questions."""
        ...

    @property
    def feedback(self) -> FeedbackStore:
        """Readers' votes."""
        ...

    @property
    def settings(self) -> SettingsStore:
        """Each server's settings."""
        ...

    @property
    def values(self) -> ValueStore:
        """Named values."""
        ...

    def change_lock(self, timeout: float) -> AbstractContextManager[None]:
        """Hold the change lock (LockBusy after `timeout` seconds)."""
        ...

    def try_change_lock(self) -> AbstractContextManager[bool]:
        """Hold the change lock if it is free now (True), else do nothing (False)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def open_reports(backend: StateBackend, limit: int = 25) -> list[FactFeedback]:
    """Facts reported wrong since their reports were last resolved, most reported first."""
    resolved = resolved_votes(backend.values.get(RESOLVED_KEY))
    return summarise(open_votes(backend.feedback.votes(), resolved), limit)


def resolve_reports(backend: StateBackend, fact_id: str, *, by: str, timeout: float = 10.0) -> int:
    """Mark a fact's reports resolved (it leaves the list until reported again); how many."""
    # Under the change lock: two resolutions at once keep both.
    with backend.change_lock(timeout):
        stored = backend.values.get(RESOLVED_KEY)
        votes = open_votes(backend.feedback.votes(), resolved_votes(stored))
        wrong = [v for v in votes if v.fact_id == fact_id and v.vote is Vote.WRONG]
        if wrong:
            backend.values.put(RESOLVED_KEY, resolution(stored, fact_id, by, wrong))
    if wrong:
        log.info("%s resolved %d report(s) on %s", by, len(wrong), fact_id)
    return len(wrong)


def checkout_key(knowledge_dir: Path) -> str:
    """Which knowledge checkout a journal belongs to: this host and the directory."""
    return f"{socket.gethostname()}:{Path(knowledge_dir).resolve()}"


class FileJournal:
    """The journal as `STATE_DIR/journal.json`, written atomically."""

    def __init__(self, path: Path, audit: AuditLog) -> None:
        self.path = path
        self.audit = audit

    def write(self, entry: AuditEntry) -> None:
        """Journal a change (OSError when the state directory cannot be written)."""
        atomic_write(self.path, json.dumps(entry.to_json(), ensure_ascii=False).encode("utf-8"))

    def read(self) -> AuditEntry | None:
        """The journaled change; a damaged journal (or a link, a FIFO) is removed.

        OSError when it cannot be read (a directory, no right to read it) or removed.
        """
        try:
            return AuditEntry.from_json(json.loads(read_state(self.path)))
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno not in NOT_REGULAR:  # a directory, no right to read it: OSError
                raise
            # A link or a FIFO in its place is no journal either: the name is freed (a link
            # removed, never what it points at).
            log.warning("removing %s: %s", self.path, error.strerror)
        # 1e999 overflows an int, and deep nesting the JSON parser's recursion.
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError, RecursionError):
            log.warning("removing the damaged journal %s", self.path)
        remove_file(self.path)
        return None

    def exists(self) -> bool:
        """Whether the journal file is there."""
        return self.path.exists()

    def remove(self) -> None:
        """Delete the journal file."""
        remove_file(self.path)

    def settle(self, entry: AuditEntry) -> None:
        """Append the entry to audit.jsonl, then delete the journal file."""
        self.audit.append(entry)
        self.remove()


class FileValues:
    """Named values in one JSON file, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> dict[str, Any]:
        """Every value; an unreadable file counts as none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any:
        """The value, or None."""
        return self.all().get(key)

    def put(self, key: str, value: Any) -> None:
        """Store a value (under the file's lock, so processes do not lose each other's)."""
        with file_lock(self.path.with_name(f".{self.path.name}.lock")):
            data = self.all()
            data[key] = value
            atomic_write(self.path, json.dumps(data, sort_keys=True, indent=2).encode("utf-8"))


class FileBackend:
    """Today's state files in STATE_DIR: one machine, locked with flock."""

    name = "files"

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.audit = AuditLog(self.state_dir / AUDIT_FILE)
        self.journal = FileJournal(self.state_dir / JOURNAL_FILE, self.audit)
        self.gaps = GapLog(self.state_dir / GAPS_FILE)
        self.feedback = FeedbackLog(self.state_dir / FEEDBACK_FILE)
        self.settings = SettingsFile(self.state_dir / "server-settings.json")
        self.values = FileValues(self.state_dir / VALUES_FILE)
        self.lock_path = self.state_dir / LOCK_FILE

    @contextlib.contextmanager
    def change_lock(self, timeout: float) -> Iterator[None]:
        """The flock on STATE_DIR/knowledge.lock."""
        with file_lock(self.lock_path, exclusive=True, timeout=timeout):
            yield

    def try_change_lock(self) -> AbstractContextManager[bool]:
        """The flock if it is free now."""
        return try_lock(self.lock_path)

    def close(self) -> None:
        """Write the unanswered questions kept while their log was busy (a bounded wait)."""
        self.gaps.flush()

"""Unanswered questions, recorded for moderators: an append-only JSON-lines log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.facts.text import fold, plain
from bot.state import jsonl
from bot.state.atomic import LockTimeout, atomic_write

log = logging.getLogger(__name__)

QUESTION_MAX = 300
GAPS_FILE = "gaps.jsonl"
# The log is compacted when an append takes it past this size: one line a question, with its
# count, for the GAPS_KEPT most asked (then most recently asked) questions; the rest go.
# 500,000 lines of the same few questions took 530 MB to read; now the file stays ~8 MB.
GAPS_MAX_BYTES = 8 * 1024 * 1024
GAPS_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class Gap:
    """A question the bot could not answer, how often it was asked, and when last."""

    question: str
    count: int
    last_asked: str
    key: str
    # Where it was asked: "slash", "mention", "channel", "dm", "context menu", "console".
    where: frozenset[str] = frozenset()
    # The servers it was asked in, as ids; 0 stands for a direct message.
    guilds: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class GapLine:
    """One unanswered question as stored."""

    question: str
    key: str
    at: str
    where: str = ""
    user_id: int | None = None
    guild_id: int | None = None
    # A compacted line stands for `count` questions, asked in `places` and `guilds` (0: a DM).
    count: int = 1
    places: tuple[str, ...] = ()
    guilds: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The stored JSON object."""
        if self.count != 1 or self.places or self.guilds:
            places = sorted({self.where, *self.places} - {""})
            return {
                "question": self.question,
                "key": self.key,
                "count": self.count,
                "at": self.at,
                "where": places,
                "guilds": list(self.guilds),
            }
        return {
            "question": self.question,
            "key": self.key,
            "user_id": self.user_id,
            "where": self.where,
            "guild_id": self.guild_id,
            "at": self.at,
        }


def gap_line(
    question: str, *, user_id: int | None, where: str, guild_id: int | None
) -> GapLine | None:
    """A question made fit to store (trimmed, one line), or None when it holds no words."""
    # Line breaks and other unprintable characters part words: they become spaces.
    text = plain("".join(ch if ch.isprintable() else " " for ch in question))[:QUESTION_MAX]
    if not fold(text):
        return None
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return GapLine(text, fold(text), at, where, user_id, guild_id)


def tally(lines: Iterable[GapLine], limit: int, exclude: set[str] | None) -> list[Gap]:
    """The most asked questions among `lines`, most asked (then most recent) first."""
    counts: dict[str, _Tally] = {}
    for line in lines:
        entry = counts.setdefault(line.key, _Tally(line.question, 0, line.at))
        entry.count += line.count
        entry.last_asked = max(entry.last_asked, line.at)
        if line.where:
            entry.where.add(line.where)
        entry.where.update(line.places)
        if line.guild_id is not None or line.where == "dm":
            entry.guilds.add(line.guild_id or 0)
        entry.guilds.update(line.guilds)
    gaps = [
        Gap(
            entry.question,
            entry.count,
            entry.last_asked,
            key,
            frozenset(entry.where),
            frozenset(entry.guilds),
        )
        for key, entry in counts.items()
        if not exclude or key not in exclude
    ]
    gaps.sort(key=lambda gap: gap.last_asked, reverse=True)
    gaps.sort(key=lambda gap: gap.count, reverse=True)
    return gaps[:limit]


@dataclass(slots=True)
class _Tally:
    """One question's lines so far: the first wording, times asked, last time, places."""

    question: str
    count: int
    last_asked: str
    where: set[str] = field(default_factory=set)
    guilds: set[int] = field(default_factory=set)


# Questions kept in memory while the log is busy or unusable; the oldest go first beyond it.
PENDING_MAX = 1_000


class GapLog:
    """Records unanswered questions; several processes may append to the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Lines not written yet because the log was locked: written with the next question.
        self._pending: list[dict[str, Any]] = []
        self._mutex = threading.Lock()

    def record(
        self,
        question: str,
        *,
        user_id: int | None = None,
        where: str = "",
        guild_id: int | None = None,
    ) -> None:
        """Append one unanswered question (trimmed; unprintable characters become spaces).

        Never waits and never raises for the log: an answer must not wait for it. While
        another process holds the log (or it cannot be opened) the line is kept and written
        with a later question, with a warning.
        """
        line = gap_line(question, user_id=user_id, where=where, guild_id=guild_id)
        if line is None:
            return
        with self._mutex:
            self._pending.append(line.to_json())
            del self._pending[:-PENDING_MAX]
            self._write_pending(timeout=0)

    def import_lines(self, lines: list[GapLine]) -> None:
        """Append stored questions as they are (waiting for the log; raises if it cannot)."""
        with self._mutex, jsonl.locked(self.path, "a") as handle:
            for line in lines:
                jsonl.append(handle, line.to_json())
            handle.flush()
            if handle.tell() > GAPS_MAX_BYTES:
                self._compact()

    def flush(self, timeout: float = jsonl.LOG_WAIT) -> bool:
        """Write the lines kept while the log was busy, waiting for it at most `timeout` s."""
        with self._mutex:
            return self._write_pending(timeout=timeout)

    def _write_pending(self, *, timeout: float) -> bool:
        """Write every kept line (call it holding `_mutex`); whether they are all written."""
        if not self._pending:
            return True
        try:
            with jsonl.locked(self.path, "a", timeout=timeout) as handle:
                for item in self._pending:
                    jsonl.append(handle, item)
                handle.flush()
                if handle.tell() > GAPS_MAX_BYTES:
                    self._compact()
        except (LockTimeout, OSError) as error:
            log.warning(
                "%d unanswered question(s) kept to log later, as %s cannot be written now: %s",
                len(self._pending),
                self.path,
                error,
            )
            return False
        self._pending.clear()
        return True

    def _compact(self) -> None:
        """Rewrite the log as one line a kept question (call it holding the exclusive lock)."""
        kept = tally(self._read_lines(), GAPS_KEPT, None)
        lines = [
            GapLine(
                gap.question,
                gap.key,
                gap.last_asked,
                count=gap.count,
                places=tuple(sorted(gap.where)),
                guilds=tuple(sorted(gap.guilds)),
            )
            for gap in kept
        ]
        data = "".join(json.dumps(line.to_json(), ensure_ascii=False) + "\n" for line in lines)
        try:
            atomic_write(self.path, data.encode("utf-8"))
        except OSError as error:  # the log only grows until the next try
            log.warning("could not compact %s: %s", self.path, error)
        else:
            log.info("compacted %s to %d questions", self.path, len(lines))

    def _read_lines(self) -> list[GapLine]:
        """Every stored question (call it holding a lock on the log); damaged lines skipped."""
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            return list(jsonl.good_lines(handle, self.path, _parse_line, log))

    def lines(self) -> list[GapLine]:
        """Every stored question, oldest first; damaged lines are skipped."""
        if not self.path.is_file():
            return []
        with jsonl.locked(self.path, "r"):
            return self._read_lines()

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first; `exclude` drops keys."""
        return tally(self.lines(), limit, exclude)


def _parse_line(raw: str) -> GapLine | None:
    """A stored question, or None when the line is damaged.

    An appended line is one question asked once in one place; a compacted line carries its
    count and the lists of places and servers.
    """
    item = jsonl.json_object(raw)
    if item is None:
        return None
    key, question, at = item.get("key"), item.get("question"), item.get("at")
    if not (isinstance(key, str) and key and isinstance(question, str) and question):
        return None
    if not (isinstance(at, str) and at):
        return None
    count = item.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return None
    where = item.get("where")
    places = where if isinstance(where, list) else []
    guilds = item.get("guilds")
    user = item.get("user_id")
    guild = item.get("guild_id")
    return GapLine(
        question,
        key,
        at,
        where if isinstance(where, str) else "",
        user if isinstance(user, int) and not isinstance(user, bool) else None,
        guild if isinstance(guild, int) and not isinstance(guild, bool) else None,
        count,
        tuple(place for place in places if isinstance(place, str) and place),
        tuple(g for g in (guilds if isinstance(guilds, list) else []) if _is_int(g) and g >= 0),
    )


def _is_int(value: object) -> bool:
    """An int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


# Dismissed questions, in the state backend's named values (files and PostgreSQL alike):
# {key: {"question", "reason", "by", "at", "count"}}. A dismissed question is listed again only
# when asked again after its dismissal: asked more times than when it was dismissed, or later.
DISMISSED_KEY = "gaps.dismissed"
REASON_MAX = 200


@dataclass(frozen=True, slots=True)
class Dismissal:
    """A question moderators took off the list: who, when and why."""

    question: str
    key: str
    reason: str
    by: str
    at: str
    # How many times it had been asked when dismissed.
    count: int = 0


def dismissals(stored: object) -> dict[str, Dismissal]:
    """The dismissals in a stored value; damaged entries are skipped."""
    found: dict[str, Dismissal] = {}
    for key, item in (stored if isinstance(stored, dict) else {}).items():
        if not (isinstance(key, str) and isinstance(item, dict)):
            continue
        fields = [item.get(name) for name in ("question", "reason", "by", "at")]
        count = item.get("count", 0)
        if all(isinstance(value, str) for value in fields) and _is_int(count):
            question, reason, by, at = (str(value) for value in fields)
            found[key] = Dismissal(question, key, reason, by, at, count)
    return found


def still_open(gaps: Iterable[Gap], dismissed: dict[str, Dismissal]) -> list[Gap]:
    """The gaps not dismissed since they were last asked."""
    return [
        gap
        for gap in gaps
        if (made := dismissed.get(gap.key)) is None
        or gap.count > made.count
        or gap.last_asked > made.at
    ]


def new_dismissal(question: str, *, reason: str, by: str) -> Dismissal | None:
    """A dismissal fit to store (texts trimmed to one line), or None for a question of no words."""
    line = gap_line(question, user_id=None, where="", guild_id=None)
    if line is None:
        return None
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in reason).split())
    return Dismissal(line.question, line.key, flat[:REASON_MAX], by, line.at)


def stored_dismissals(dismissed: dict[str, Dismissal]) -> dict[str, dict[str, object]]:
    """The JSON value for the named values store."""
    return {
        key: {"question": d.question, "reason": d.reason, "by": d.by, "at": d.at, "count": d.count}
        for key, d in sorted(dismissed.items())
    }


class _Values(Protocol):
    """The state backend's named values."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


def keep_dismissal(values: _Values, made: Dismissal, asked: Iterable[Gap]) -> None:
    """Store a dismissal with the others and the times it was `asked` (holding the change lock)."""
    dismissed = dismissals(values.get(DISMISSED_KEY))
    count = next((gap.count for gap in asked if gap.key == made.key), 0)
    dismissed[made.key] = dataclasses.replace(made, count=count)
    values.put(DISMISSED_KEY, stored_dismissals(dismissed))
    log.info("%s dismissed the unanswered question %r: %s", made.by, made.question, made.reason)

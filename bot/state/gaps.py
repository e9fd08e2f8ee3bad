"""Unanswered questions, recorded for moderators: an append-only JSON-lines log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.facts.text import fold, plain
from bot.state import jsonl
from bot.state.atomic import LockTimeout, atomic_write

log = logging.getLogger(__name__)

QUESTION_MAX = 300
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


@dataclass(slots=True)
class _Tally:
    """One question's lines so far: the first wording, times asked, last time, places."""

    question: str
    count: int
    last_asked: str
    where: set[str] = field(default_factory=set)


# Questions kept in memory while the log is busy or unusable; the oldest go first beyond it.
PENDING_MAX = 1_000


class GapLog:
    """Records unanswered questions; several processes may append to the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Lines not written yet because the log was locked: written with the next question.
        self._pending: list[dict[str, Any]] = []
        self._mutex = threading.Lock()

    def record(self, question: str, *, user_id: int | None = None, where: str = "") -> None:
        """Append one unanswered question (trimmed; unprintable characters become spaces).

        Never waits and never raises for the log: an answer must not wait for it. While
        another process holds the log (or it cannot be opened) the line is kept and written
        with a later question, with a warning.
        """
        # Line breaks and other unprintable characters part words: they become spaces.
        text = plain("".join(ch if ch.isprintable() else " " for ch in question))[:QUESTION_MAX]
        if not fold(text):
            return
        line = {
            "question": text,
            "key": fold(text),
            "user_id": user_id,
            "where": where,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        with self._mutex:
            self._pending.append(line)
            del self._pending[:-PENDING_MAX]
            self._write_pending(timeout=0)

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
        tallies = self._tallies()
        kept = _ranked(tallies)[:GAPS_KEPT]
        lines = [
            {
                "question": tally.question,
                "key": key,
                "count": tally.count,
                "at": tally.last_asked,
                "where": sorted(tally.where),
            }
            for key, tally in kept
        ]
        data = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in lines)
        try:
            atomic_write(self.path, data.encode("utf-8"))
        except OSError as error:  # the log only grows until the next try
            log.warning("could not compact %s: %s", self.path, error)
        else:
            log.info("compacted %s to %d questions", self.path, len(lines))

    def _tallies(self) -> dict[str, _Tally]:
        """Each question's count, first wording, last time and places, from the whole log."""
        counts: dict[str, _Tally] = {}
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            for key, question, at, where, count in jsonl.good_lines(
                handle, self.path, _parse_line, log
            ):
                tally = counts.setdefault(key, _Tally(question, 0, at))
                tally.count += count
                tally.last_asked = max(tally.last_asked, at)
                tally.where.update(where)
        return counts

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first; `exclude` drops keys."""
        if not self.path.is_file():
            return []
        with jsonl.locked(self.path, "r"):
            tallies = self._tallies()
        gaps = [
            Gap(tally.question, tally.count, tally.last_asked, key, frozenset(tally.where))
            for key, tally in _ranked(tallies)
            if not exclude or key not in exclude
        ]
        return gaps[:limit]


def _ranked(tallies: dict[str, _Tally]) -> list[tuple[str, _Tally]]:
    """Most asked first; among equals, the most recently asked first."""
    ranked = sorted(tallies.items(), key=lambda item: item[1].last_asked, reverse=True)
    ranked.sort(key=lambda item: item[1].count, reverse=True)
    return ranked


def _parse_line(raw: str) -> tuple[str, str, str, tuple[str, ...], int] | None:
    """A line's key, question, time, places and count, or None when the line is damaged.

    An appended line is one question asked once in one place; a compacted line carries its
    count and the list of places.
    """
    item = jsonl.json_object(raw)
    if item is None:
        return None
    key, question, at = item.get("key"), item.get("question"), item.get("at")
    if not (isinstance(key, str) and isinstance(question, str) and isinstance(at, str)):
        return None
    if not (key and question and at):
        return None
    count = item.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return None
    where = item.get("where")
    if isinstance(where, str):
        places: tuple[str, ...] = (where,) if where else ()
    elif isinstance(where, list):
        places = tuple(place for place in where if isinstance(place, str) and place)
    else:
        places = ()
    return key, question, at, places, count

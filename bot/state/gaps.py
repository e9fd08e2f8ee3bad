"""Unanswered questions, recorded for moderators: an append-only JSON-lines log."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.facts.text import fold, plain
from bot.state import jsonl
from bot.state.atomic import LockTimeout

log = logging.getLogger(__name__)

QUESTION_MAX = 300


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
            try:
                with jsonl.locked(self.path, "a", timeout=0) as handle:
                    for item in self._pending:
                        jsonl.append(handle, item)
            except (LockTimeout, OSError) as error:
                log.warning(
                    "%d unanswered question(s) kept to log later, as %s cannot be written now: %s",
                    len(self._pending),
                    self.path,
                    error,
                )
                return
            self._pending.clear()

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first; `exclude` drops keys."""
        if not self.path.is_file():
            return []
        counts: dict[str, _Tally] = {}
        with jsonl.locked(self.path, "r") as handle:
            for key, question, at, where in jsonl.good_lines(handle, self.path, _parse_line, log):
                tally = counts.setdefault(key, _Tally(question, 0, at))
                tally.count += 1
                tally.last_asked = max(tally.last_asked, at)
                if where:
                    tally.where.add(where)
        gaps = [
            Gap(tally.question, tally.count, tally.last_asked, key, frozenset(tally.where))
            for key, tally in counts.items()
            if not exclude or key not in exclude
        ]
        # Most asked first; among equals, the most recently asked first.
        gaps.sort(key=lambda gap: gap.last_asked, reverse=True)
        gaps.sort(key=lambda gap: gap.count, reverse=True)
        return gaps[:limit]


def _parse_line(raw: str) -> tuple[str, str, str, str] | None:
    """A line's key, question, time and place, or None when the line is damaged."""
    item = jsonl.json_object(raw)
    if item is None:
        return None
    fields = (item.get("key"), item.get("question"), item.get("at"))
    if not all(isinstance(value, str) and value for value in fields):
        return None
    where = item.get("where")
    return (*fields, where if isinstance(where, str) else "")  # type: ignore[return-value]

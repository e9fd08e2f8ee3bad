"""Unanswered questions, recorded for moderators: an append-only JSON-lines log."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.facts.text import fold, plain
from bot.state import jsonl

log = logging.getLogger(__name__)

QUESTION_MAX = 300
GAPS_FILE = "gaps.jsonl"


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

    def to_json(self) -> dict[str, object]:
        """The stored JSON object."""
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
        entry.count += 1
        entry.last_asked = max(entry.last_asked, line.at)
        if line.where:
            entry.where.add(line.where)
        if line.guild_id is not None or line.where == "dm":
            entry.guilds.add(line.guild_id or 0)
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


class GapLog:
    """Records unanswered questions; several processes may append to the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self,
        question: str,
        *,
        user_id: int | None = None,
        where: str = "",
        guild_id: int | None = None,
    ) -> None:
        """Append one unanswered question (trimmed; unprintable characters become spaces)."""
        line = gap_line(question, user_id=user_id, where=where, guild_id=guild_id)
        if line is not None:
            self.import_lines([line])

    def import_lines(self, lines: list[GapLine]) -> None:
        """Append stored questions as they are."""
        with jsonl.locked(self.path, "a") as handle:
            for line in lines:
                jsonl.append(handle, line.to_json())

    def flush(self, timeout: float = 10.0) -> bool:
        """Nothing waits: every record is written before `record` returns."""
        return True

    def lines(self) -> list[GapLine]:
        """Every stored question, oldest first; damaged lines are skipped."""
        if not self.path.is_file():
            return []
        with jsonl.locked(self.path, "r") as handle:
            return list(jsonl.good_lines(handle, self.path, _parse_line, log))

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first; `exclude` drops keys."""
        return tally(self.lines(), limit, exclude)


def _parse_line(raw: str) -> GapLine | None:
    """A stored question, or None when the line is damaged."""
    item = jsonl.json_object(raw)
    if item is None:
        return None
    key, question, at = item.get("key"), item.get("question"), item.get("at")
    if not (isinstance(key, str) and key and isinstance(question, str) and question):
        return None
    if not (isinstance(at, str) and at):
        return None
    where = item.get("where")
    user = item.get("user_id")
    guild = item.get("guild_id")
    return GapLine(
        question,
        key,
        at,
        where if isinstance(where, str) else "",
        user if isinstance(user, int) else None,
        guild if isinstance(guild, int) else None,
    )

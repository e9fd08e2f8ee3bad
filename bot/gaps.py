"""Unanswered questions, recorded for moderators: an append-only JSON-lines log."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.text import fold, plain

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


class GapLog:
    """Records unanswered questions; several processes may append to the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _locked(self, mode: str) -> Iterator[object]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A damaged byte must cost one line, not the whole log: read it replaced.
        with self.path.open(mode, encoding="utf-8", errors="replace") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if "a" in mode else fcntl.LOCK_SH)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def record(self, question: str, *, user_id: int | None = None, where: str = "") -> None:
        """Append one unanswered question (trimmed; unprintable characters become spaces)."""
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
        with self._locked("a") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")  # type: ignore[attr-defined]

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions, most asked first; `exclude` drops keys."""
        if not self.path.is_file():
            return []
        counts: dict[str, list] = {}
        with self._locked("r") as handle:
            for number, raw in enumerate(handle, start=1):  # type: ignore[call-overload]
                fields = _parse_line(raw)
                if fields is None:
                    if raw.strip():
                        log.warning("skipping a damaged line %d of %s", number, self.path)
                    continue
                key, question, at, where = fields
                entry = counts.setdefault(key, [question, 0, at, set()])
                entry[1] += 1
                entry[2] = max(entry[2], at)
                if where:
                    entry[3].add(where)
        gaps = [
            Gap(question, count, last, key, frozenset(places))
            for key, (question, count, last, places) in counts.items()
            if not exclude or key not in exclude
        ]
        # Most asked first; among equals, the most recently asked first.
        gaps.sort(key=lambda gap: gap.last_asked, reverse=True)
        gaps.sort(key=lambda gap: gap.count, reverse=True)
        return gaps[:limit]


def _parse_line(raw: str) -> tuple[str, str, str, str] | None:
    """A line's key, question, time and place, or None when the line is damaged."""
    try:
        item = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    fields = (item.get("key"), item.get("question"), item.get("at"))
    if not all(isinstance(value, str) and value for value in fields):
        return None
    where = item.get("where")
    return (*fields, where if isinstance(where, str) else "")  # type: ignore[return-value]

"""Append-only JSON-lines logs that several processes share, under a file lock."""

from __future__ import annotations

import fcntl
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")


@contextmanager
def locked(path: Path, mode: str) -> Iterator[IO[str]]:
    """`path` opened in `mode`, shared-locked to read ("r"), exclusively locked otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A damaged byte must cost one line, not the whole log: read it replaced.
    with path.open(mode, encoding="utf-8", errors="replace") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if mode == "r" else fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append(handle: IO[str], item: dict[str, Any]) -> None:
    """Write `item` as one JSON line (non-ASCII kept as is)."""
    handle.write(json.dumps(item, ensure_ascii=False) + "\n")


def json_object(raw: str) -> dict[str, Any] | None:
    """A line's JSON object, or None when the line is not one."""
    try:
        item = json.loads(raw)
    except (ValueError, RecursionError):  # deep nesting exhausts the parser's recursion
        return None
    return item if isinstance(item, dict) else None


def good_lines(
    handle: IO[str], path: Path, parse: Callable[[str], T | None], log: logging.Logger
) -> Iterator[T]:
    """Each line parsed; damaged lines are skipped, and logged to `log` unless blank."""
    for number, raw in enumerate(handle, start=1):
        item = parse(raw)
        if item is None:
            if raw.strip():
                log.warning("skipping a damaged line %d of %s", number, path)
            continue
        yield item

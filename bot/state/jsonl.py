"""Append-only JSON-lines logs that several processes share, under a file lock."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from bot.state.atomic import open_state, wait_for_lock

T = TypeVar("T")


# The open flags of each mode a log is opened in.
_FLAGS = {
    "r": os.O_RDONLY,
    "a": os.O_WRONLY | os.O_APPEND | os.O_CREAT,
    "a+": os.O_RDWR | os.O_APPEND | os.O_CREAT,
}
# How long a log's lock is waited for: a stopped holder costs a reader this, never a hang.
LOG_WAIT = 5.0


@contextmanager
def locked(path: Path, mode: str, *, timeout: float = LOG_WAIT) -> Iterator[IO[str]]:
    """`path` opened in `mode`, shared-locked to read ("r"), exclusively locked otherwise.

    Opened never through a link, only as a regular file (`open_state`); LockTimeout when the
    lock is not had within `timeout` seconds (0: only if free now). A log may be replaced whole
    while one waits for its lock (compacted: `replace_locked`): the lock is then taken again on
    the file now at `path`, so no line goes to the old one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        descriptor = open_state(path, _FLAGS[mode])
        # A damaged byte must cost one line, not the whole log: read it replaced.
        with os.fdopen(descriptor, mode, encoding="utf-8", errors="replace") as handle:
            wait_for_lock(descriptor, path, exclusive=mode != "r", timeout=timeout)
            try:
                if _same_file(handle, path):
                    yield handle
                    return
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)


def _same_file(handle: IO[str], path: Path) -> bool:
    """Whether the open file is still the one at `path` (not replaced while it was locked)."""
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(handle.fileno())
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)


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
    """Each line parsed; damaged lines are skipped, and logged to `log` unless blank.

    A line over LINE_MAX characters is damaged too, and is read past a block at a time, never
    held whole: a log of a gigabyte of zeros (a sparse file, a runaway writer) costs memory of
    one block.
    """
    for number, raw in enumerate(_bounded_lines(handle), start=1):
        item = None if raw is None else parse(raw)
        if item is None:
            if raw is None or raw.strip():
                log.warning("skipping a damaged line %d of %s", number, path)
            continue
        yield item


# No line a log writes comes near this (a question is at most 300 characters; a compacted gap
# asked in 20,000 servers names them in under 1 MiB): a longer one is damage.
LINE_MAX = 1024 * 1024


def _bounded_lines(handle: IO[str]) -> Iterator[str | None]:
    """Each line of `handle`, or None for one over LINE_MAX characters (its text not kept)."""
    while True:
        raw = handle.readline(LINE_MAX)
        if not raw:
            return
        if len(raw) < LINE_MAX or raw.endswith("\n"):
            yield raw
            continue
        while raw and not raw.endswith("\n"):
            raw = handle.readline(LINE_MAX)
        yield None

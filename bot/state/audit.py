"""The audit log of the fact base: who changed what, when, with full records before and after.

One JSON object a line in `state_dir/audit.jsonl`, appended and fsynced by the store while it
holds the knowledge lock. History and undo are read back from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bot.facts.validation import printable
from bot.state.atomic import open_state

log = logging.getLogger(__name__)

ACTOR_MAX = 200
_READ_BLOCK = 64 * 1024
# No change's line comes near this (its records, and a source's text at most: 1 MB from Discord):
# a longer one is damage (a sparse file, a runaway writer), read past without being held whole.
LINE_MAX = 64 * 1024 * 1024
# An entry's time as now_iso() writes it is 29 characters: longer is no time of ours.
_AT_MAX = 40


class Action:
    """The actions an audit entry records."""

    ADD = "add"
    EDIT = "edit"
    REMOVE = "remove"
    UNDO = "undo"
    REDO = "redo"
    ADD_SOURCE = "add-source"


class Kind:
    """What an audit entry changed."""

    FACT = "fact"
    SOURCE = "source"
    BRAND = "brand"
    PARTNERSHIP = "partnership"


def clean_actor(actor: object) -> str:
    """An actor name fit for the log: printable, at most ACTOR_MAX characters."""
    text = "".join(ch for ch in str(actor) if ch.isprintable()).strip()
    return text[:ACTOR_MAX] or "unknown"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: who, when, what (the full record before and after) and where in which file.

    `before_text`/`after_text` are the record's exact text in its file, so an undo puts the
    bytes back as they were. An undo entry names the entry it reverts in `reverts`; a redo
    entry names, in the same field, the entry whose change it makes again.
    """

    id: str
    at: str
    actor: str
    action: str
    kind: str
    record_id: str
    file: str
    position: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    before_text: str | None = None
    after_text: str | None = None
    reverts: str | None = None
    reverted_action: str | None = None
    source_text: str | None = None

    @property
    def fact_id(self) -> str | None:
        """The fact this entry changed, or None for a source entry."""
        return self.record_id if self.kind == Kind.FACT else None

    @property
    def description(self) -> str:
        """What happened, in a few words: "edit of fact xiaomi-leica"."""
        action = self.action
        if action in (Action.UNDO, Action.REDO):
            action = f"{action} of {self.reverted_action or 'a change'}"
        return f"{action} of {self.kind} {self.record_id}"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of one log line (`fact_id` or `source_id` names the record)."""
        data: dict[str, Any] = {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            f"{self.kind}_id": self.record_id,
            "file": self.file,
            "position": self.position,
            "before": self.before,
            "after": self.after,
            "before_text": self.before_text,
            "after_text": self.after_text,
        }
        if self.reverts:
            data["reverts"] = self.reverts
            data["reverted_action"] = self.reverted_action
        if self.source_text is not None:
            data["source_text"] = self.source_text
        return data

    @classmethod
    def from_json(cls, data: object) -> AuditEntry:
        """An entry from a log line; KeyError/TypeError/ValueError when it is damaged.

        Every field must have its own type: a damaged line is skipped whole rather than
        half-believed (a number for a record's text would break an undo later).
        """
        if not isinstance(data, dict):
            raise TypeError("an entry is a JSON object")
        kind = _text(data, "kind")
        before, after = data.get("before"), data.get("after")
        if before is not None and not isinstance(before, dict):
            raise TypeError("before must be a record")
        if after is not None and not isinstance(after, dict):
            raise TypeError("after must be a record")
        position = data["position"]
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise TypeError("position must be a count")
        return cls(
            id=_text(data, "id"),
            at=_text(data, "at"),
            actor=_text(data, "actor"),
            action=_text(data, "action"),
            kind=kind,
            record_id=_text(data, f"{kind}_id"),
            file=_text(data, "file"),
            position=position,
            before=before,
            after=after,
            before_text=_optional_text(data, "before_text"),
            after_text=_optional_text(data, "after_text"),
            reverts=_optional_text(data, "reverts"),
            reverted_action=_optional_text(data, "reverted_action"),
            source_text=_optional_text(data, "source_text"),
        )


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be text")
    return value


def new_entry_id() -> str:
    """A unique, roughly time-ordered entry id."""
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:10]}"


def now_iso() -> str:
    """The current time, UTC, to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def entry_time(at: str) -> dt.datetime | None:
    """When an entry was made, in UTC, or None when its `at` is no time with a zone (damaged)."""
    # Entries are written by now_iso(); anything else came from a damaged or edited log.
    if not at.isascii() or len(at) > _AT_MAX:
        return None
    try:
        moment = dt.datetime.fromisoformat(at)
        # A time near year 1 or 9999 with an offset is beyond what a datetime holds in UTC.
        return None if moment.tzinfo is None else moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def shown_at(at: str) -> str:
    """An entry's time as written when it is one, else marked as not one, escaped, on one line."""
    if entry_time(at) is not None:
        return at
    clipped = at[:_AT_MAX] + ("…" if len(at) > _AT_MAX else "")
    return f"(not a time: '{printable(clipped)}')"


def _parse(raw: bytes, path: Path) -> AuditEntry | None:
    try:
        return AuditEntry.from_json(json.loads(raw))
    # 1e999 overflows an int, and deep nesting the JSON parser's recursion.
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError, RecursionError):
        log.warning("skipping a damaged line of %s", path)
        return None


class AuditLog:
    """The append-only audit log. The store holds the knowledge lock around every call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: AuditEntry) -> None:
        """Append one entry durably (write, flush, fsync)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
        descriptor = open_state(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            size = os.fstat(descriptor).st_size
            # A writer killed mid-line leaves no newline: start afresh so the entry stays whole.
            prefix = b"" if size == 0 or os.pread(descriptor, 1, size - 1) == b"\n" else b"\n"
            data = prefix + line.encode("utf-8")
            written = 0
            try:
                while written < len(data):
                    written += os.write(descriptor, data[written:])
                os.fsync(descriptor)
            except OSError:
                # A full disk: take back the part that was written, so no half line stays.
                with contextlib.suppress(OSError):
                    os.ftruncate(descriptor, size)
                raise
        finally:
            os.close(descriptor)

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first; damaged lines are skipped with a warning."""
        if not self.path.is_file():
            return
        with os.fdopen(open_state(self.path, os.O_RDONLY), "rb") as handle:
            for raw in self._bounded_lines(handle):
                if raw.strip():
                    entry = _parse(raw, self.path)
                    if entry is not None:
                        yield entry

    def latest(self, kind: str, record_id: str) -> AuditEntry | None:
        """The newest entry about one record (the whole log is read)."""
        found = None
        for entry in self.entries():
            if entry.kind == kind and entry.record_id == record_id:
                found = entry
        return found

    def last(self) -> AuditEntry | None:
        """The newest entry, read from the end of the file."""
        for raw in self._lines_backwards():
            entry = _parse(raw, self.path)
            if entry is not None:
                return entry
        return None

    def _lines_backwards(self) -> Iterator[bytes]:
        if not self.path.is_file():
            return
        with os.fdopen(open_state(self.path, os.O_RDONLY), "rb") as handle:
            position = handle.seek(0, os.SEEK_END)
            tail = b""
            skipping = False  # inside a line over LINE_MAX: read past to its start, not kept
            while position > 0:
                step = min(_READ_BLOCK, position)
                position -= step
                handle.seek(position)
                block = handle.read(step)
                if skipping:
                    cut = block.rfind(b"\n")
                    if cut < 0:
                        continue
                    block, skipping = block[: cut + 1], False
                tail = block + tail
                lines = tail.split(b"\n")
                tail = lines.pop(0)
                for raw in reversed(lines):
                    if raw.strip():
                        yield raw
                if len(tail) > LINE_MAX:
                    self._too_long()
                    tail, skipping = b"", True
            if tail.strip():
                yield tail

    def _bounded_lines(self, handle: BinaryIO) -> Iterator[bytes]:
        """Each line of `handle` from here on; one over LINE_MAX bytes is skipped, never held."""
        while True:
            raw = handle.readline(LINE_MAX + 1)
            if not raw:
                return
            if len(raw) <= LINE_MAX:
                yield raw
                continue
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(_READ_BLOCK)
            self._too_long()

    def _too_long(self) -> None:
        log.warning("skipping a damaged line of %s: over %d bytes", self.path, LINE_MAX)

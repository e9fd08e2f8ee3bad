"""History and undo: the audit log, its journal, and the undo/redo stacks read from the log.

The journal makes a change and its entry one outcome.
A change goes: the entry is written to `state_dir/journal.json` (atomically) -> the knowledge
file is replaced -> the entry is appended to `audit.jsonl` -> the journal is removed. A crash
or a full disk anywhere in between leaves the journal, and `reconcile` (run under the lock
before anything else reads or changes history) finishes the step that was missing: when the
record on disk is the entry's `after`, the entry is appended; when it is still the `before`,
the change never happened and the journal goes. So after any crash either both the change and
its entry exist, or neither does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bot.errors import CamerabotError
from bot.facts.raw import (
    BRANDS_FILE,
    FACTS_DIR,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
)
from bot.facts.record_files import plain_data
from bot.facts.yaml_loading import parse_yaml_records
from bot.state.atomic import remove_file
from bot.state.audit import Action, AuditEntry, Kind
from bot.state.backend import (
    AUDIT_FILE,
    JOURNAL_FILE,
    FileBackend,
    StateBackend,
    StateUnavailable,
)
from bot.store.errors import StateDirError, StoreError

log = logging.getLogger(__name__)

__all__ = ["AUDIT_FILE", "JOURNAL_FILE", "History"]

_UNKNOWN = object()


def record_on_disk(root: Path, file: str, record_id: str) -> Any:
    """The record with `record_id` in `root/file` now (None if absent); _UNKNOWN if unreadable."""
    path = root / file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return _UNKNOWN
    records, problems = parse_yaml_records(text, file)
    if problems:
        return _UNKNOWN
    for record in records:
        if record.get("id") == record_id:
            return plain_data(record)
    return None


def _knowledge_file(name: str) -> bool:
    """Whether a journal's file is one a change writes (never a path out of the directory)."""
    if name in (SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE):
        return True
    folder, _, base = name.partition("/")
    return folder == FACTS_DIR and base.endswith(".yaml") and "/" not in base and base[0] != "."


class History:
    """The audit log and its journal, in the state backend shared by every process."""

    def __init__(self, state: Path | StateBackend) -> None:
        backend = FileBackend(state) if isinstance(state, Path) else state
        self.audit = backend.audit
        self.journal = backend.journal
        # Where errors say the state is: STATE_DIR for files, else the backend's name.
        self.journal_path = getattr(backend, "state_dir", Path(backend.name)) / JOURNAL_FILE
        # Why the last change's history waits in the journal (None: it was written).
        self.postponed: CamerabotError | None = None

    # One change, journal first

    def begin(self, entry: AuditEntry) -> None:
        """Journal a change before any knowledge file is written; StoreError if it cannot be."""
        try:
            self.journal.write(entry)
        except OSError as error:  # nothing was changed
            raise StateDirError(self.journal_path.parent, error) from None

    def discard(self) -> None:
        """Drop the journal of a change that wrote nothing (it was refused before any write)."""
        try:
            self.journal.remove()
        except (OSError, StateUnavailable):
            log.exception("cannot remove %s; the next change settles it", self.journal_path)

    def complete(self, entry: AuditEntry) -> bool:
        """Append the entry of a change now on disk, and drop its journal; False if postponed.

        When postponed, `postponed` says why until the next change: the caller reports it.
        """
        self.postponed = None
        try:
            self.journal.settle(entry)
        except (OSError, StateUnavailable) as error:
            if isinstance(error, OSError):
                self.postponed = StateDirError(self.journal_path.parent, error)
            else:
                self.postponed = error
            log.warning(
                "the change %s is on disk but its history could not be written yet (%s); the "
                "journal %s keeps it until the next change or start",
                entry.id,
                getattr(error, "strerror", None) or error,
                self.journal_path,
            )
            return False
        return True

    def pending(self) -> AuditEntry | None:
        """The journaled change whose outcome is not settled yet, if any.

        A damaged journal (not an entry, or naming no knowledge file) is removed with a
        warning: it could settle nothing. StateDirError when it cannot be read or removed.
        """
        try:
            entry = self.journal.read()
        except OSError as error:  # a directory, no right to read it
            raise StateDirError(self.journal_path.parent, error) from None
        if entry is None or _knowledge_file(entry.file):
            return entry
        log.warning("removing the damaged journal %s", self.journal_path)
        try:
            self.journal.remove()
        except OSError as error:
            raise StateDirError(self.journal_path.parent, error) from None
        return None

    def reconcile(
        self, root: Path, published: Callable[[AuditEntry], bool] | None = None
    ) -> AuditEntry | None:
        """Settle a journaled change (see the module docstring); the entry appended, if any.

        `published` (with KNOWLEDGE_REMOTE): puts the checkout back as the remote has it and
        says whether the change reached the remote, which alone makes it done.
        Raises StoreError when the history cannot be written (then nothing may change).
        """
        entry = self.pending()
        if entry is None:
            return None
        reached = published(entry) if published is not None else None
        current = record_on_disk(root, entry.file, entry.record_id)
        if current is _UNKNOWN:
            log.warning("%s cannot be read: the journaled change waits", entry.file)
            raise StoreError(
                f"{entry.file} cannot be read, so the interrupted change {entry.description} "
                "cannot be settled; fix the file (kb validate) first"
            )
        last = self.audit.last()
        found = current == entry.after if reached is None else reached
        done = found and (last is None or last.id != entry.id)
        if done:
            try:
                self.audit.append(entry)
            except OSError as error:  # nothing may change until the history can be written
                raise StateDirError(self.journal_path.parent, error) from None
            log.warning("completed the history of an interrupted change: %s", entry.description)
        elif not found:
            log.warning("an interrupted change never reached the disk: %s", entry.description)
        if entry.kind == Kind.SOURCE:
            # A source's text file is written before sources.yaml and removed after it.
            text = root / SOURCE_TEXTS_DIR / f"{entry.record_id}.txt"
            if current is None and text.is_file():
                remove_file(text)
        self.journal.remove()
        return entry if done else None

    # Reading history

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first."""
        return self.audit.entries()

    def stacks(self) -> tuple[list[AuditEntry], list[AuditEntry]]:
        """The changes in effect (newest last) and those undone, which redo puts back (newest last).

        Each undo takes the newest change in effect; a redo puts back the newest undone one;
        any other change clears what could be redone. Logs written before undo went further
        than one step hold undos of undos: such an undo re-applied the change, like a redo.
        """
        done: list[AuditEntry] = []
        undone: list[AuditEntry] = []
        undos: dict[str, str | None] = {}
        for entry in self.audit.entries():
            if entry.action == Action.UNDO:
                undos[entry.id] = entry.reverts
                if done and done[-1].id == entry.reverts:
                    undone.append(done.pop())
                elif entry.reverts in undos and undone and undone[-1].id == undos[entry.reverts]:
                    done.append(undone.pop())
                else:
                    done = [d for d in done if d.id != entry.reverts]
            elif entry.action == Action.REDO:
                if undone and undone[-1].id == entry.reverts:
                    done.append(undone.pop())
            else:
                done.append(entry)
                undone.clear()
        return done, undone

    def next_undo(self) -> AuditEntry | None:
        """The change `undo` would revert now."""
        done, _ = self.stacks()
        return done[-1] if done else None

    def next_redo(self) -> AuditEntry | None:
        """The undone change `redo` would make again now."""
        _, undone = self.stacks()
        return undone[-1] if undone else None

"""Moderator edits to the fact base: validated, atomic, locked, versioned, audited, undoable.

`KnowledgeStore` is the one way the bot and the CLI change knowledge/. It is made of parts with
one job each:

- `reading`: reading the files (stamps, texts, parsed and validated records), no state;
- `loaded`: the loaded view, kept up to date by re-reading only what changed (reload);
- `changes`: applying a change (validated like loading, rewriting only the record's own text,
  refused when the fact changed since the version the moderator saw: `StaleEdit`);
- `history`: the audit log, the journal that makes a change and its entry one outcome, and the
  undo/redo stacks.

This module holds them together under an exclusive `flock` on `state_dir/knowledge.lock`, shared
by every process that serves the same knowledge/ (they must share `state_dir` too). Every change

- is validated like loading does and refused with every problem (`ChangeRejected`, carrying the
  fields as typed so a form can be offered again, pre-filled);
- is journaled first, written atomically (temporary file, fsync, `os.replace`, fsync of the
  directory), then appended to `state_dir/audit.jsonl` (who, when, action, record, full before
  and after); a crash between the steps is settled at the next start or change;
- is checked against the file's content hash right before the file is replaced: when a hand
  edit or a `git pull` changed the file since it was read, the change is computed again from
  the new file (up to three times, then `FileChanged`). What remains: an editor saving in the
  instant between that check and the replace (microseconds) is overwritten; the history keeps
  the store's change, and the next refresh serves the file as replaced;
- returns a `Change` whose `base` (and fact) the caller applies at once
  (`bot.runtime.sync.apply_change`).

Undo steps back through history: each `undo` reverts the newest change not yet undone, `redo`
makes the newest undone change again, and any new change ends what can be redone.

New facts go to the first of `knowledge/facts/moderated.yaml`, `moderated-2.yaml`, `-3`, … that
holds fewer than `MAX_NEW_FACTS_PER_FILE` records; a fact file left empty is deleted.

Every method blocks (file I/O, fsync, a lock another process may hold for a few milliseconds):
from asyncio, call them through `asyncio.to_thread`. They are thread-safe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.caches.digests import DigestMemo
from bot.caches.records import RECORDS_CACHE_DIR, RecordCache
from bot.engine.words import Analyzer
from bot.facts.models import FactBase
from bot.facts.problems import KnowledgeError, Problem
from bot.facts.raw import FACTS_DIR, SOURCE_TEXTS_DIR, SOURCES_FILE
from bot.facts.record_files import Item, dump_mapping, plain_data
from bot.facts.text import has_control_characters
from bot.facts.validation import ID_PATTERN, printable
from bot.state.atomic import LockTimeout, remove_stale_temporaries
from bot.state.audit import Action, AuditEntry, Kind, clean_actor, shown_at
from bot.state.backend import (
    LOCK_FILE,
    FileBackend,
    LockBusy,
    StateBackend,
    StateUnavailable,
)
from bot.state.gaps import (
    DISMISSED_KEY,
    GAPS_FILE,
    Dismissal,
    Gap,
    dismissals,
    keep_dismissal,
    new_dismissal,
    still_open,
)
from bot.store.changes import ChangeWriter
from bot.store.disk import read_disk, scan
from bot.store.errors import (
    ChangeRejected,
    FileChanged,
    NothingToUndo,
    RemoteUnavailable,
    StaleEdit,
    StateDirError,
    StoreError,
    StoreLocked,
    UnknownFact,
)
from bot.store.events import Change, ReloadResult
from bot.store.fields import (
    MAX_SOURCE_TEXT,
    NEW_FACTS_FILE,
    input_problem,
    normalise_fact_fields,
    record_version,
    slugify,
    typed_copy,
    unique,
)
from bot.store.history import History
from bot.store.records import RecordStore
from bot.store.records.transfer import export_archive, read_archive, replace_files
from bot.store.remote import KnowledgeRemote, RemoteLink
from bot.store.served import LoadedKnowledge

log = logging.getLogger(__name__)

__all__ = ["GAPS_FILE", "LOCK_FILE", "KnowledgeStore"]
# How long a change waits for another process's change before saying who holds the lock.
LOCK_TIMEOUT = 10.0
# A change computed from a file that a hand edit replaced meanwhile is computed again this often.
CHANGE_ATTEMPTS = 3
# A fact's record is read again this often when its file keeps being replaced under the reader
# (each attempt reads the file once; other processes may be saving it all the while).
READ_ATTEMPTS = 10

_T = TypeVar("_T")


# What the store asks of an engine, so that it needs no Engine (the engine is built above it).
class _Answered(Protocol):
    @property
    def answered(self) -> bool: ...


class _Matching(Protocol):
    @property
    def analyzer(self) -> Analyzer: ...


class AnsweringEngine(Protocol):
    """An engine as the store uses it: its analyzer, and whether it answers a question."""

    @property
    def matcher(self) -> _Matching:
        """The engine's matcher, for its analyzer (it knows the whole vocabulary)."""
        ...

    def ask(self, question: str) -> _Answered:
        """The engine's answer to a question."""
        ...


class KnowledgeStore:
    """Reads, checks and changes one knowledge directory; see the module docstring."""

    def __init__(
        self,
        knowledge_dir: Path,
        state_dir: Path,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        remote: KnowledgeRemote | None = None,
        backend: StateBackend | None = None,
    ) -> None:
        self.root = Path(knowledge_dir)
        self.lock_timeout = lock_timeout
        self.state_dir = Path(state_dir)
        # The files in STATE_DIR unless another backend (PostgreSQL) is given.
        self.backend: StateBackend = backend or FileBackend(self.state_dir)
        self.history_log = History(self.backend)
        self.audit = self.history_log.audit
        self.gap_log = self.backend.gaps
        self.lock_path = self.state_dir / LOCK_FILE
        self._mutex = threading.RLock()
        self._loaded = LoadedKnowledge(self.root, RecordCache(self.state_dir / RECORDS_CACHE_DIR))
        # KNOWLEDGE_REMOTE: pulled before every change and reload, each change pushed to it.
        self.remote = RemoteLink(remote) if remote is not None else None
        publish = remote.publish if remote is not None else None
        self._writer = ChangeWriter(self._loaded, self.history_log, publish)
        self._analyzer: tuple[object, Analyzer] | None = None
        # Sources, brands and partnerships: the same lock, checks, write path and history.
        self.records = RecordStore(self._writer, self._changing, self._reading)

    # Locking, and settling a change a crash interrupted

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        """The store to oneself: `exclusive` to change files, else only among this process.

        Reading needs no file lock: every file is replaced whole, so a reader sees each file
        before or after a change, and a stopped writer never blocks one.
        """
        with self._mutex:
            if not exclusive:
                yield
                return
            try:
                lock = self.backend.change_lock(self.lock_timeout)
                lock.__enter__()
            except (LockTimeout, LockBusy) as error:
                raise StoreLocked(str(error)) from None
            except OSError as error:
                raise StateDirError(self.state_dir, error) from None
            try:
                yield
            finally:
                lock.__exit__(None, None, None)

    def _settled(self) -> None:
        """Finish a change a crash interrupted (see `bot.store.history`), if there is one.

        A journal whose writer still holds the lock is a change under way: left alone.
        StateDirError when the state directory is not one.
        """
        if self.state_dir.exists() and not self.state_dir.is_dir():
            error = NotADirectoryError(errno.ENOTDIR, "not a directory", str(self.state_dir))
            raise StateDirError(self.state_dir, error)
        try:
            if not self.backend.journal.exists():
                return
            with self._mutex, self.backend.try_change_lock() as locked:
                if locked:
                    self.history_log.reconcile(self.root, self._published)
        except StateUnavailable as error:
            # Reading goes on from the files; the next change settles it once the state is back.
            log.warning("cannot settle an interrupted change now: %s", error)
        except StoreError as error:
            # Reading never depends on the journal: the files are whole either way,
            # and the next change settles it (or refuses, saying why).
            log.warning("an interrupted change is not settled yet: %s", error)

    # Reading

    def load(self, known: FactBase | None = None) -> FactBase:
        """The current fact base (build the Engine from it); KnowledgeError if none is valid.

        Changes found so far count as applied: the next `refresh()` reports only later ones.
        `known`: the fact base of the files as they are now, read already (a cached engine's):
        a first load serves it when the records cache says the files are those it came from.
        """
        self._settled()
        with self._locked(exclusive=False):
            self._loaded.refresh(known=known)
            if self._loaded.base is None:
                raise KnowledgeError(self._loaded.problems)
            self._loaded.drain(with_problems=False)
            return self._loaded.base

    @property
    def digest_memo(self) -> DigestMemo | None:
        """The knowledge files' content hashes by stamp, shared with the caches (`DigestMemo`)."""
        records = self._loaded.records
        return records.memo if records is not None else None

    @property
    def base(self) -> FactBase:
        """The fact base the store last read (loading it on first use)."""
        with self._mutex:
            if self._loaded.base is not None:
                return self._loaded.base
        return self.load()

    @property
    def problems(self) -> list[Problem]:
        """The problems of the files on disk right now ([] when they are valid)."""
        with self._mutex:
            return list(self._loaded.problems)

    def refresh(self, *, force: bool = False) -> ReloadResult:
        """Pick up changes on disk (only changed files are re-read; `force` re-reads all).

        The result lists what changed in the served base since the last refresh, including
        other processes' changes that this store's own operations picked up on the way.
        """
        if self.remote is not None:
            # A busy lock means a change is under way: it pulls itself, this poll need not.
            with (
                self._mutex,
                contextlib.suppress(LockTimeout, LockBusy, StateUnavailable, OSError),
                self.backend.change_lock(0.0),
            ):
                self.remote.pull_quietly()
        self._settled()
        with self._locked(exclusive=False):
            self._loaded.refresh(force=force)
            return self._loaded.drain(with_problems=True)

    def _reading(self, read: Callable[[], _T]) -> _T:
        """`read()` on a view brought up to a valid disk (KnowledgeError when it is not)."""
        self._settled()
        with self._locked(exclusive=False):
            self._loaded.refresh()
            if self._loaded.base is None:
                raise KnowledgeError(self._loaded.problems)
            return read()

    def fact_record(self, fact_id: str) -> dict[str, Any]:
        """The fact's record as stored (plain dicts and lists), e.g. to pre-fill an edit form."""
        with self._locked(exclusive=False):
            record: dict[str, Any] = plain_data(self._located(fact_id)[1].record)
            return record

    def version(self, fact_id: str) -> str:
        """The fact's current version: pass it back as `base_version` when editing it."""
        return record_version(self.fact_record(fact_id)) or ""

    def show_fact(self, fact_id: str) -> str:
        """The fact's record as YAML."""
        return dump_mapping(self.fact_record(fact_id))

    def file_of(self, fact_id: str) -> Path:
        """The file that holds a fact."""
        with self._locked(exclusive=False):
            return self.root / self._located(fact_id)[0]

    def _located(self, fact_id: str) -> tuple[str, Item]:
        """Where a fact stands on disk now; its file is read (and parsed) if it was not yet."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            self._loaded.refresh()
            if self._loaded.base is None:
                raise KnowledgeError(self._loaded.problems)
            try:
                return self._loaded.located(fact_id)
            except FileChanged:
                # Replaced since it was last read (a hand edit, a pull): read the disk again.
                if attempt == READ_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def history(self, fact_id: str | None = None, *, kind: str = Kind.FACT) -> list[AuditEntry]:
        """The audit entries of one record (a fact unless `kind` says), or of all, oldest first."""
        self._settled()
        with self._locked(exclusive=False):
            entries = self.history_log.entries()
            if fact_id is None:
                return list(entries)
            return [e for e in entries if e.kind == kind and e.record_id == fact_id]

    def last_change(self) -> AuditEntry | None:
        """The change `undo` would revert now (show it before asking to confirm)."""
        self._settled()
        with self._locked(exclusive=False):
            return self.history_log.next_undo()

    def next_redo(self) -> AuditEntry | None:
        """The undone change `redo` would make again now (show it before asking to confirm)."""
        self._settled()
        with self._locked(exclusive=False):
            return self.history_log.next_redo()

    def validate(self) -> list[Problem]:
        """Every problem of the files on disk now, checked in full ([] when valid)."""
        with self._locked(exclusive=False):
            return read_disk(self.root, scan(self.root)).problems

    def export(self) -> list[Path]:
        """The YAML files of the fact base (to attach or copy), in a stable order."""
        names = [SOURCES_FILE, "brands.yaml", "partnerships.yaml"]
        with self._locked(exclusive=False):
            names += sorted(n for n in scan(self.root) if n.startswith(f"{FACTS_DIR}/"))
        return [self.root / name for name in names if (self.root / name).is_file()]

    def export_archive(self) -> bytes:
        """Every knowledge file, article texts included, as a zip (`import_archive` takes it)."""
        return self._reading(lambda: export_archive(self.root))

    def import_archive(self, data: bytes, *, actor: str) -> list[str]:
        """Make knowledge/ hold exactly an export's files, checked whole first; the names changed.

        Under the change lock, so no change interleaves. Not in the history: `undo` does not
        take it back (importing an export made before does).
        """
        if self.remote is not None:
            # Files written outside a change would ride along in the next change's commit.
            raise StoreError("with KNOWLEDGE_REMOTE set, import through the remote's git instead")

        def change() -> list[str]:
            names = replace_files(self.root, read_archive(data))
            log.info("%s imported an archive: %d file(s) changed", actor, len(names))
            self._loaded.refresh(force=True)
            return names

        return self._changing({}, change)

    def recognise_brands(self, text: object, engine: AnsweringEngine | None = None) -> list[str]:
        """The ids of the brands (and devices' brands) a text names, typos tolerated, in order.

        Uses the engine's analyzer when one is given (it knows the whole vocabulary), otherwise
        one built from the brands and facts of the store's base.
        """
        if not isinstance(text, str):
            return []
        if engine is not None:
            analyzer = engine.matcher.analyzer
        else:
            base = self.base
            with self._mutex:
                if self._analyzer is None or self._analyzer[0] is not base.brands:
                    texts = [t for f in base.facts.values() for t in (*f.questions, f.answer)]
                    self._analyzer = (base.brands, Analyzer(base.brands.values(), texts))
                analyzer = self._analyzer[1]
        analysis = analyzer.analyse(text[:2000])
        return [token for token in analysis.tokens if token in analysis.brands]

    def gaps(self, engine: AnsweringEngine, *, limit: int = 25) -> list[Gap]:
        """Unanswered questions, most asked first, without those `engine` now answers."""
        found: list[Gap] = []
        dismissed = dismissals(self.backend.values.get(DISMISSED_KEY))
        for gap in still_open(self.gap_log.top(limit=10**9), dismissed):
            if not engine.ask(gap.question).answered:
                found.append(gap)
                if len(found) >= limit:
                    break
        return found

    def dismiss_gap(self, question: str, *, reason: str, actor: str) -> Dismissal:
        """Take a question off the gaps list (until asked again), with the reason; who and when."""
        made = new_dismissal(question, reason=reason, by=clean_actor(actor))
        if made is None or not made.reason:
            raise StoreError("a dismissal needs a question and a reason")
        with self._locked(exclusive=True):  # two moderators dismissing at once keep both
            keep_dismissal(self.backend.values, made, self.gap_log.top(limit=10**9))
        return made

    # Changing

    def _changing(self, typed: Mapping[str, Any], change: Callable[[], _T]) -> _T:
        """Run `change` under the write lock on an up-to-date view of a valid disk.

        A file replaced by hand meanwhile (`FileChanged`) makes it run again on the new file.
        """
        with self._locked(exclusive=True):
            for attempt in range(1, CHANGE_ATTEMPTS + 1):
                if self.remote is not None and attempt > 1:
                    self.remote.pull()  # unreachable: RemoteUnavailable, nothing changed
                self._ready(typed)
                try:
                    return change()
                except FileChanged as error:  # a rejected push too (RemoteMoved): pulled anew
                    log.info("%s changed on disk during a change (attempt %d)", error.name, attempt)
                    if attempt == CHANGE_ATTEMPTS:
                        raise
                except RemoteUnavailable:
                    raise
                except StoreError:
                    # The first attempt runs on the checkout as the last poll left it (a fetch
                    # is the dearest part of an edit): a refusal is final only once the checkout
                    # is known to be current.
                    if attempt > 1 or self.remote is None or not self._pulled():
                        raise
                    log.info("a change was refused on an old checkout: computed again")
        raise AssertionError("unreachable")

    @property
    def _published(self) -> Callable[[AuditEntry], bool] | None:
        """With a remote, how an interrupted change is settled: by what reached the remote."""
        return self.remote.remote.published if self.remote is not None else None

    def _pulled(self) -> bool:
        """Pull after a refusal; whether files changed (an unreachable remote: no)."""
        assert self.remote is not None
        try:
            return self.remote.remote.pull()
        except RemoteUnavailable:
            return False

    def _ready(self, typed: Mapping[str, Any]) -> FactBase:
        """Settle history, refresh; refuse to change anything while the disk is broken."""
        self.history_log.reconcile(self.root, self._published)
        self._loaded.refresh()
        if self._loaded.problems or self._loaded.base is None:
            reason = "the knowledge files on disk have problems; fix them first (kb validate)"
            raise ChangeRejected(self._loaded.problems, typed, reason)
        removed = remove_stale_temporaries(self.root / FACTS_DIR)
        removed += remove_stale_temporaries(self.root)
        removed += remove_stale_temporaries(self.root / SOURCE_TEXTS_DIR)
        removed += remove_stale_temporaries(self.state_dir)  # a journal's, killed while written
        for path in removed:
            log.warning("removed %s, left by an interrupted write", path)
        return self._loaded.base

    def add_fact(self, fields: Mapping[str, Any], *, actor: str) -> Change:
        """Add a fact; its id comes from the question (made unique) unless `fields` gives one.

        Raises ChangeRejected (with every problem and the fields as typed).
        """
        typed = typed_copy(fields)
        record, problems = normalise_fact_fields(fields, file=NEW_FACTS_FILE)
        if problems:
            raise ChangeRejected(problems, typed)
        return self._changing(typed, lambda: self._writer.add_fact(dict(record), typed, actor))

    def edit_fact(
        self,
        fact_id: str,
        fields: Mapping[str, Any],
        *,
        base_version: str | None,
        actor: str,
    ) -> Change:
        """Change some fields of a fact (the others are kept); it stays in its file.

        `base_version` is `version(fact_id)` as the moderator saw it; None skips the check
        (scripts only). Raises UnknownFact, StaleEdit or ChangeRejected.
        """
        typed = typed_copy(fields)

        def change() -> Change:
            self._not_behind_shared_history(fact_id, base_version)
            return self._writer.edit_fact(fact_id, fields, typed, base_version, actor)

        return self._changing(typed, change)

    def remove_fact(self, fact_id: str, *, base_version: str | None, actor: str) -> Change:
        """Remove a fact from its file. Raises UnknownFact or StaleEdit."""

        def change() -> Change:
            self._not_behind_shared_history(fact_id, base_version)
            return self._writer.remove_fact(fact_id, base_version, actor)

        return self._changing({"id": fact_id}, change)

    def _not_behind_shared_history(self, fact_id: str, base_version: str | None) -> None:
        """StaleEdit when another host changed the fact and this checkout lacks that change.

        Only with a shared backend (PostgreSQL): hosts with checkouts of their own share the
        history, so the newest entry about the fact says what it is now. With the files, every
        process shares one knowledge/ and the version check on disk says it all.
        """
        if base_version is None or self.backend.name == "files":
            return
        latest = self.backend.audit.latest(Kind.FACT, fact_id)
        if latest is None:
            return
        try:
            here: dict[str, Any] | None = plain_data(self._loaded.located(fact_id)[1].record)
        except UnknownFact:
            here = None
        if here == latest.after or record_version(latest.after) == base_version:
            return
        raise StaleEdit(
            fact_id,
            base_version,
            record_version(latest.after),
            latest.after,
            f"'{fact_id}' was changed first on another host ({printable(latest.description)} by "
            f"{printable(latest.actor)} at {shown_at(latest.at)}) and that change has not "
            "reached this host's "
            "knowledge files yet; look at it again once it has, and redo your change",
        )

    def add_source(
        self,
        source_id: str | None,
        title: str,
        date: str | dt.date,
        url: str,
        text: object,
        *,
        actor: str,
    ) -> Change:
        """Add a source: its text goes to knowledge/sources/<id>.txt, its record to sources.yaml.

        The id comes from the title when not given. Raises ChangeRejected.
        """
        if isinstance(date, dt.date):
            date = date.isoformat()
        typed = {"id": source_id, "title": title, "date": date, "url": url, "text": text}
        problems: list[Problem] = []

        def problem(message: str) -> None:
            problems.append(Problem(SOURCES_FILE, 0, source_id or None, message))

        reason = input_problem({k: v for k, v in typed.items() if k != "text"})
        if reason:
            problem(reason)
        if not isinstance(text, str):
            problem("the source text must be text")
        else:
            if len(text) > MAX_SOURCE_TEXT:
                problem(f"the source text is {len(text)} characters; at most {MAX_SOURCE_TEXT}")
            elif has_control_characters(text):
                problem("the source text contains control characters")
            elif input_problem(text):
                problem("the source text holds characters that are not valid Unicode text")
            elif not text.strip():
                problem("the source text is empty")
        if source_id is not None and (
            not isinstance(source_id, str) or not ID_PATTERN.fullmatch(source_id)
        ):
            problem(
                "the source id must be 1-63 lower-case letters, digits or '-', "
                "starting with a letter or digit"
            )
        if problems:
            raise ChangeRejected(problems, typed)
        assert isinstance(text, str)  # else a problem above
        body = text.replace("\r\n", "\n").replace("\r", "\n")
        if not body.endswith("\n"):
            body += "\n"

        def change() -> Change:
            base = self._loaded.base
            assert base is not None
            chosen = source_id or unique(slugify(title, "source"), base.sources.__contains__)
            record = {
                "id": chosen,
                "title": title.strip() if isinstance(title, str) else title,
                "date": date.strip() if isinstance(date, str) else date,
                "url": url.strip() if isinstance(url, str) else url,
                "file": f"{SOURCE_TEXTS_DIR}/{chosen}.txt",
            }
            return self._writer.insert_source(
                record, body, None, None, actor, Action.ADD_SOURCE, {}
            )

        return self._changing(typed, change)

    # Undo and redo

    def undo(self, *, actor: str, expected: str | None = None) -> Change:
        """Revert the newest change not yet undone (whoever made it); the revert is recorded.

        Each undo steps one change further back; `redo` makes them again. `expected` is the id
        of the entry the moderator was shown (`last_change()`): if another change came since,
        StaleEdit. Raises NothingToUndo, StaleEdit (the record changed since, e.g. by hand) or
        ChangeRejected.
        """
        return self._changing({}, lambda: self._step(actor, expected, redo=False))

    def redo(self, *, actor: str, expected: str | None = None) -> Change:
        """Make the newest undone change again (see `undo`); `expected` as for undo."""
        return self._changing({}, lambda: self._step(actor, expected, redo=True))

    def _step(self, actor: str, expected: str | None, *, redo: bool) -> Change:
        entry = self.history_log.next_redo() if redo else self.history_log.next_undo()
        if entry is None:
            raise NothingToUndo(f"there is no change to {'redo' if redo else 'undo'}")
        if expected is not None and entry.id != expected:
            raise StaleEdit(
                entry.record_id,
                expected,
                entry.id,
                entry.after,
                f"another change was made since (now {'redo' if redo else 'undo'} would "
                f"take back {entry.description} by {entry.actor}); look at it first",
            )
        if self.records.reverts(entry):
            return self.records.revert(entry, actor, redo=redo)
        return self._writer.revert(entry, actor, redo=redo)

"""The store's view of the disk, kept up to date: re-read only what changed (the reload part).

`LoadedKnowledge` holds the last good fact base, the file each fact stands in, and the content
hash of every file as it was read or written; the files a change rewrites are parsed when it
needs them (`bot.store.open_files`: the exact text of every record, so that a change rewrites
only its own record). `refresh()` compares file stamps and
re-reads only the fact files that changed (re-checking only their new records); anything else
changing means a full re-read. Broken files keep the last good base and their problems are
reported once. Callers hold the store's lock.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.caches.pickles import collection_paused
from bot.caches.records import RecordCache
from bot.caches.retire import retire
from bot.facts.models import Fact, FactBase
from bot.facts.problems import Problem
from bot.facts.raw import FACTS_DIR, RawKnowledge
from bot.facts.record_files import Item, RecordFile, parse_record_file
from bot.facts.validation import build_fact, question_key
from bot.store.disk import Stamp, read_disk, read_text, scan
from bot.store.errors import UnknownFact
from bot.store.events import ReloadResult, ReloadStatus
from bot.store.fields import cited_sources
from bot.store.open_files import FactPlaces, OpenFiles, SeenFacts


class LoadedKnowledge:
    """The last good base of one knowledge directory and the files it came from."""

    def __init__(self, root: Path, records: RecordCache | None = None) -> None:
        self.root = root
        # The parsed records' cache, read at the first load only: unpickling or pickling is one
        # call that holds the interpreter lock for seconds at 100,000 facts, and a reload runs
        # in a worker thread beside the event loop.
        self.records = records
        self.stamps: dict[str, Stamp] | None = None
        self.base: FactBase | None = None
        self.hashes: dict[str, str] = {}
        self.files = OpenFiles(root, lambda: self.hashes, lambda: self.base, self.forget)
        self.facts_at = FactPlaces(self.files)
        self.problems: list[Problem] = []
        self._unreported: list[Problem] = []
        self._pending_ids: set[str] = set()
        self._pending_full = False
        # Every fact's questions as matching sees them -> the fact's id; `_asked_for` is the
        # facts mapping it was built from (rebuilt after a reload, kept up by each change).
        self._asked: dict[str, str] = {}
        self._asked_for: object = None
        # The base as the records cache holds it, and its key there (its `asked` is cached).
        self._cached_base: FactBase | None = None
        self._cached_key: str | None = None

    # Reloading

    def refresh(self, *, force: bool = False, known: FactBase | None = None) -> None:
        """Bring the state up to the disk; broken files keep the last good base.

        `known`: the fact base of the files as they are, read already (the engine cache's), for
        the first read to serve instead of unpickling a copy (`read_disk`).
        """
        stamps = scan(self.root)
        if not force and stamps == self.stamps:
            return
        previous = self.stamps or {}
        changed = {n for n in stamps.keys() | previous.keys() if stamps.get(n) != previous.get(n)}
        facts_only = all(n.startswith(f"{FACTS_DIR}/") for n in changed)
        if force or self.base is None or self.problems or not facts_only:
            self._full_reload(stamps, known)
        else:
            self._reload_fact_files(stamps, changed)

    def forget(self, name: str) -> None:
        """Make the next refresh read `name` again (it changed in a way stamps may not show)."""
        if self.stamps is not None:
            self.stamps = {k: v for k, v in self.stamps.items() if k != name}

    def _broken(self, stamps: dict[str, Stamp], problems: list[Problem]) -> None:
        self.stamps = stamps
        self.problems = list(problems)
        self._unreported = list(problems)

    def _full_reload(self, stamps: dict[str, Stamp], known: FactBase | None = None) -> None:
        # No full collections over the new records while they arrive (bot.caches.pickles).
        with collection_paused():
            first = self.base is None
            read = read_disk(
                self.root, stamps, self.records if first else None, known if first else None
            )
        # The raw records of 100,000 facts take ~300 ms to free at once, holding every other
        # thread (a shard's answers) that long: they are freed in parts in the background.
        retire(read.raw)
        read.raw = RawKnowledge(self.root)
        base = read.base
        if read.problems or base is None:
            self._broken(stamps, read.problems)
            return
        self.files.clear()
        self.stamps, self.base = stamps, base
        self._cached_base, self._cached_key = (base, read.key) if read.key else (None, None)
        self.facts_at = FactPlaces(self.files, dict(read.fact_files))
        self.hashes = dict(read.hashes)
        self.problems, self._unreported = [], []
        self._pending_full, self._pending_ids = True, set()

    def _reload_fact_files(self, stamps: dict[str, Stamp], changed: set[str]) -> None:
        """Re-read only the fact files that changed, re-checking only their new records."""
        assert self.base is not None
        problems: list[Problem] = []
        files: dict[str, RecordFile] = {}
        hashes = dict(self.hashes)
        for name in sorted(changed):
            if name not in stamps:
                hashes.pop(name, None)
                continue
            found = read_text(self.root, name, problems)
            if found is None:
                continue
            text, hashes[name] = found
            # A file parsed before keeps its unchanged records (and their checked facts).
            parsed, errors = parse_record_file(name, text, self.files.cached(name))
            problems.extend(errors)
            if parsed is not None:
                files[name] = parsed
        if problems:
            self._broken(stamps, problems)
            return
        places = self.facts_at.names
        seen = SeenFacts(self.facts_at, lambda fact_id: places[fact_id] in changed)
        # Which fact asks each question, less the changed files' facts: from the index changes
        # keep (read from the records cache, or folded once), not 400,000 questions per reload.
        asked = {
            key: fact_id
            for key, fact_id in self.asked_index().items()
            if places[fact_id] not in changed
        }
        new_at: dict[str, tuple[str, Item]] = {}
        for name in sorted(changed & files.keys()):
            for item in files[name].items:
                if isinstance(item.value, Fact):  # unchanged text, same brands and sources
                    other = seen.get(item.value.id)
                    if other is not None:
                        message = (
                            f"duplicate id '{item.value.id}' (also at "
                            f"{getattr(other, 'file', '?')}:{getattr(other, 'line', 0)})"
                        )
                        problems.append(Problem(name, item.record.line, item.value.id, message))
                        continue
                    seen[item.value.id] = item.record
                    for question in item.value.questions:
                        owner = asked.setdefault(question_key(question), item.value.id)
                        if owner != item.value.id:
                            message = (
                                f"the question {question!r} is already asked by fact '{owner}'"
                            )
                            problems.append(Problem(name, item.record.line, item.value.id, message))
                else:
                    cited = cited_sources(item.record, self.base.sources)
                    fact, fact_problems = build_fact(
                        item.record, self.base.brands, cited, seen, asked
                    )
                    problems.extend(fact_problems)
                    item.value = fact
                    if fact is not None:
                        for question in fact.questions:
                            asked.setdefault(question_key(question), fact.id)
                if isinstance(item.value, Fact):
                    new_at[item.value.id] = (name, item)
        if problems:
            self._broken(stamps, problems)
            return
        facts = dict(self.base.facts)
        for fact_id, name in places.items():
            if name in changed and fact_id not in new_at:
                del facts[fact_id]
                self._pending_ids.add(fact_id)
        for fact_id, (_, item) in new_at.items():
            known = facts.get(fact_id)
            if known is not item.value and known != item.value:
                facts[fact_id] = item.value
                self._pending_ids.add(fact_id)
        names = {k: v for k, v in places.items() if v not in changed}
        names.update((fact_id, at[0]) for fact_id, at in new_at.items())
        self.stamps, self.hashes = stamps, hashes
        for name in changed:
            self.files.pop(name, None)
        for name, parsed in files.items():
            self.files[name] = parsed
        self.facts_at = FactPlaces(self.files, names)
        self.base = dataclasses.replace(self.base, facts=facts)
        self._asked, self._asked_for = asked, facts  # now with the changed files' questions
        self.problems, self._unreported = [], []

    def drain(self, *, with_problems: bool) -> ReloadResult:
        """What changed in the served base since the last drain (and new problems, if asked)."""
        problems: tuple[Problem, ...] = ()
        if with_problems:
            problems, self._unreported = tuple(self._unreported), []
        base = self.base
        full, upserted, removed = self._pending_full, [], []
        if base is not None and not full:
            for fact_id in sorted(self._pending_ids):
                if fact_id in base.facts:
                    upserted.append(base.facts[fact_id])
                else:
                    removed.append(fact_id)
        self._pending_full, self._pending_ids = False, set()
        if problems:
            status = ReloadStatus.REJECTED
        elif full or upserted or removed:
            status = ReloadStatus.RELOADED
        else:
            status = ReloadStatus.UNCHANGED
        return ReloadResult(status, base, problems, full, tuple(upserted), tuple(removed))

    # Looking up and changing the state (after the files were written)

    def located(self, fact_id: object) -> tuple[str, Item]:
        """The file and item of a fact; UnknownFact when there is none."""
        at = self.facts_at.get(fact_id) if isinstance(fact_id, str) else None
        if at is None:
            raise UnknownFact(fact_id)
        return at

    def asked_index(self) -> dict[str, str]:
        """Which fact asks each question (see `build_fact`), for the current base."""
        assert self.base is not None
        if self._asked_for is not self.base.facts:
            cached = None
            if self.records is not None and self._cached_key and self.base is self._cached_base:
                cached = self.records.read_asked(self._cached_key)
            if cached is None:
                cached = {}
                for fact in self.base.facts.values():
                    for question in fact.questions:
                        cached.setdefault(question_key(question), fact.id)
            self._asked, self._asked_for = cached, self.base.facts
        return self._asked

    def set_fact(self, fact_id: str, fact: Fact | None, at: tuple[str, Item] | None) -> FactBase:
        """Serve `fact` (None: no fact) under `fact_id`, standing at `at`."""
        assert self.base is not None
        asked = self.asked_index()
        old = self.base.facts.get(fact_id)
        for question in old.questions if old is not None else ():
            if asked.get(question_key(question)) == fact_id:
                del asked[question_key(question)]
        for question in fact.questions if fact is not None else ():
            asked.setdefault(question_key(question), fact_id)
        facts = dict(self.base.facts)
        if fact is None:
            facts.pop(fact_id, None)
            self.facts_at.pop(fact_id)
        else:
            facts[fact_id] = fact
            assert at is not None
            self.facts_at[fact_id] = at
        self.base = dataclasses.replace(self.base, facts=facts)
        self._asked_for = facts
        self._pending_ids.discard(fact_id)
        return self.base

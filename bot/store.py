"""Moderator edits to the fact base: validated, atomic, locked, versioned, audited, undoable.

`KnowledgeStore` is the one way the bot and the CLI change knowledge/. Every change

- is validated like loading does (`build_fact`: known brands, cited quotes found word for word in
  their source, id rules, Discord limits) and refused with every problem (`ChangeRejected`,
  carrying the fields as typed so a form can be offered again, pre-filled);
- is refused when the fact changed since the version the moderator saw (`StaleEdit`);
- happens under an exclusive `flock` on `state_dir/knowledge.lock`, shared by every process
  that serves the same knowledge/ (they must share `state_dir` too);
- rewrites only the record's own text in its file (atomically: temporary file, fsync,
  `os.replace`, fsync of the directory), so an edit costs the same on a large base;
- is appended to `state_dir/audit.jsonl` (who, when, action, record, full before and after),
  from which `history` and `undo` are built; an undo is itself a change, so it can be undone;
- returns a `Change` whose `base` (and fact) the caller applies at once: `apply_change`.

New facts go to the first of `knowledge/facts/moderated.yaml`, `moderated-2.yaml`, `-3`, … that
holds fewer than `MAX_NEW_FACTS_PER_FILE` records (so the file a change rewrites and fsyncs stays
small however large the base grows); an edited or removed fact stays in, or leaves, the file that
holds it, and a fact file left empty is deleted. Changes made by other processes, git or a text
editor are picked up by `refresh()` (see `bot.reload.KnowledgeWatcher`).

Every method blocks (file I/O, fsync, a lock another process may hold for a few milliseconds):
from asyncio, call them through `asyncio.to_thread`. They are thread-safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.analysis import Analyzer
from bot.answers import Engine
from bot.atomic import atomic_write, file_lock, is_temporary, remove_file, remove_stale_temporaries
from bot.audit import Action, AuditEntry, AuditLog, Kind, clean_actor, new_entry_id, now_iso
from bot.gaps import Gap, GapLog
from bot.loader import (
    BRANDS_FILE,
    FACTS_DIR,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
    RawKnowledge,
    Record,
    layout_problems,
    linked,
    parse_yaml_records,
)
from bot.models import Fact, FactBase, Source
from bot.recordfile import (
    Item,
    RecordFile,
    clear_lines,
    dump_mapping,
    dump_record,
    from_records,
    parse_item,
    parse_record_file,
    plain_data,
    split_items,
)
from bot.reload import ReloadResult, ReloadStatus, apply_reload
from bot.text import has_control_characters, words
from bot.validation import (
    ID_PATTERN,
    KnowledgeError,
    Problem,
    build_fact,
    build_fact_base,
    question_key,
)

log = logging.getLogger(__name__)

NEW_FACTS_FILE = f"{FACTS_DIR}/moderated.yaml"
# New facts fill moderated.yaml, then moderated-2.yaml, -3, …: the first with fewer records.
MAX_NEW_FACTS_PER_FILE = 500
AUDIT_FILE = "audit.jsonl"
GAPS_FILE = "gaps.jsonl"
LOCK_FILE = "knowledge.lock"

FACT_KEYS = ("id", "question", "phrasings", "answer", "brands", "citations")
SOURCE_KEYS = ("id", "title", "date", "url", "file")
_OPTIONAL_LISTS = ("phrasings", "brands")

# Input limits, before validation proper: what a moderator can reasonably type.
MAX_INPUT_CHARS = 64 * 1024
MAX_INPUT_DEPTH = 6
MAX_PHRASINGS = 50
MAX_BRANDS = 20
MAX_CITATIONS = 20
MAX_SOURCE_TEXT = 1_000_000
SLUG_MAX = 48

_FACT_FILE = re.compile(r"^facts/[A-Za-z0-9][A-Za-z0-9_-]{0,100}\.yaml$")

Stamp = tuple[int, int, int, int]


def new_facts_file(number: int) -> str:
    """The `number`th file new facts go to (1: moderated.yaml, 2: moderated-2.yaml, and so on)."""
    return NEW_FACTS_FILE if number == 1 else f"{FACTS_DIR}/moderated-{number}.yaml"


# Errors


class StoreError(Exception):
    """A change the store refused; the message is fit to show a moderator."""


class ChangeRejected(StoreError):  # noqa: N818 - the names the API documents
    """The change is invalid: every problem, and the fields as the moderator typed them."""

    def __init__(
        self, problems: list[Problem], fields: Mapping[str, Any], reason: str = ""
    ) -> None:
        self.problems = list(problems)
        self.fields = dict(fields)
        self.reason = reason or "the change is invalid"
        super().__init__(f"{self.reason}: {len(self.problems)} problem(s)")

    @property
    def messages(self) -> list[str]:
        """The problems' messages, without file and line (for a moderator's form)."""
        return [problem.message for problem in self.problems]

    def report(self) -> str:
        """The reason, then every problem, one a line."""
        return "\n".join([f"{self.reason}:", *(f"- {problem}" for problem in self.problems)])


class StaleEdit(StoreError):  # noqa: N818 - the names the API documents
    """The record changed since the version the change was based on: nothing was written."""

    def __init__(
        self,
        record_id: str,
        expected: str | None,
        current: str | None,
        record: dict[str, Any] | None,
        message: str = "",
    ) -> None:
        self.record_id = record_id
        self.expected = expected
        self.current = current
        self.record = record
        super().__init__(
            message
            or f"'{record_id}' was changed by someone else since you opened it "
            f"(version {expected}, now {current}); look at it again and redo your change"
        )


class UnknownFact(StoreError, LookupError):  # noqa: N818 - the names the API documents
    """No fact has this id."""

    def __init__(self, fact_id: object) -> None:
        self.fact_id = fact_id
        super().__init__(f"there is no fact '{str(fact_id)[:80]}'")


class NothingToUndo(StoreError):  # noqa: N818 - the names the API documents
    """The audit log holds no change to undo."""


# Results


@dataclass(frozen=True, slots=True)
class Change:
    """A change that was made: apply `base` (and the fact) to the Engine with `apply_change`.

    `before`/`after` are the models (Fact or Source; None when added or removed). `reload`
    carries changes by other processes that the store picked up while making this one.
    """

    action: str
    kind: str
    record_id: str
    before: Fact | Source | None
    after: Fact | Source | None
    base: FactBase
    file: str
    version: str | None
    entry: AuditEntry | None
    reload: ReloadResult | None = None

    @property
    def fact(self) -> Fact | None:
        """The fact as it is now (None when removed, or for a source change)."""
        return self.after if isinstance(self.after, Fact) else None

    @property
    def noop(self) -> bool:
        """Whether nothing changed (an edit to the same values): nothing was written."""
        return self.entry is None and self.before == self.after


def apply_change(engine: Engine, change: Change) -> Engine:
    """Make a change answerable at once; returns the engine to serve (new after a full reload)."""
    if change.reload is not None:
        engine = apply_reload(engine, change.reload)
    if change.kind == Kind.FACT:
        if change.after is None:
            engine.remove_fact(change.record_id, change.base)
        elif isinstance(change.after, Fact):
            engine.upsert_fact(change.after, change.base)
    else:
        # A source changes no matcher entry; citations are looked up in the base.
        engine.base = change.base
    return engine


# Helpers


def record_version(record: Mapping[str, Any] | None) -> str | None:
    """The version of a record: a hash of its content (what optimistic concurrency compares)."""
    if record is None:
        return None
    data = json.dumps(plain_data(record), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def slugify(text: object, fallback: str = "fact") -> str:
    """An id from a question: lower-case words joined by '-', at most SLUG_MAX characters."""
    slug = ""
    if isinstance(text, str):
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for word in words(text) if isinstance(text, str) else []:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    slug = slug or fallback
    return slug if ID_PATTERN.fullmatch(slug) else fallback


def _unique(slug: str, taken: Callable[[str], bool]) -> str:
    if not taken(slug):
        return slug
    number = 2
    while taken(f"{slug}-{number}"):
        number += 1
    return f"{slug}-{number}"


def _input_problem(value: object) -> str | None:
    """Why input is refused before any other check (too big, too deep, not storable), or None."""
    size = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_INPUT_DEPTH:
            return f"the fields are nested more than {MAX_INPUT_DEPTH} levels deep"
        if isinstance(item, str):
            size += len(item)
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "a field holds characters that are not valid Unicode text"
        elif isinstance(item, Mapping):
            size += len(item)
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            size += len(item)
            stack.extend((child, depth + 1) for child in item)
        elif item is not None and not isinstance(item, bool | int | float | dt.date):
            return f"a field holds {type(item).__name__}, not text"
        else:
            size += 1
        if size > MAX_INPUT_CHARS:
            return f"the fields are over {MAX_INPUT_CHARS} characters in all"
    return None


def _typed_copy(fields: object) -> dict[str, Any]:
    """The fields as typed, safe to keep (for a pre-filled form): a deep plain copy."""
    if not isinstance(fields, Mapping):
        return {}
    if _input_problem(fields) is not None:
        return {str(k): v for k, v in fields.items() if isinstance(v, str)}
    return {str(key): plain_data(value) for key, value in fields.items()}


def _clean(value: Any) -> Any:
    """Strings stripped, tuples as lists, mappings as dicts (recursively)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def normalise_fact_fields(
    fields: Mapping[str, Any], current: Mapping[str, Any] | None = None, *, file: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """A fact record from a moderator's fields, merged over `current` for an edit.

    Accepted keys: id, question, answer, phrasings (a list, or text with one a line), brands (a
    list, or text separated by commas or spaces), citations (a list of {source, quote}) or
    `source` and `quote` for a single citation. A key given as None or empty removes an optional
    field. Other keys are kept so that validation names them.
    """
    record: dict[str, Any] = dict(plain_data(current)) if current else {}
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(file, 0, record_id, message))

    if not isinstance(fields, Mapping):
        problem("the fields must be a mapping of names to values")
        return record, problems
    reason = _input_problem(fields)
    if reason:
        problem(reason)
        return record, problems
    if "source" in fields or "quote" in fields:
        if "citations" in fields:
            problem("give either 'citations' or 'source' and 'quote', not both")
        source, quote = _clean(fields.get("source")), _clean(fields.get("quote"))
        if source and quote:
            record["citations"] = [{"source": source, "quote": quote}]
        elif source or quote or current is not None:
            problem("a citation needs both a source and a quote")
    for key, value in fields.items():
        if key in ("source", "quote"):
            continue
        if key == "phrasings" and isinstance(value, str):
            value = _lines(value)
        elif key == "brands" and isinstance(value, str):
            value = [part for part in re.split(r"[\s,;]+", value) if part]
        value = _clean(value)
        if key in _OPTIONAL_LISTS and value in (None, "", []):
            record.pop(key, None)
            continue
        record[key] = value
    for key, most in (
        ("phrasings", MAX_PHRASINGS),
        ("brands", MAX_BRANDS),
        ("citations", MAX_CITATIONS),
    ):
        value = record.get(key)
        if isinstance(value, list) and len(value) > most:
            problem(f"'{key}' has {len(value)} items; at most {most} are accepted")
    ordered = {key: record[key] for key in FACT_KEYS if key in record}
    ordered.update((key, value) for key, value in record.items() if key not in ordered)
    return ordered, problems


def _cited_sources(record: Mapping[str, Any], sources: Mapping[str, Source]) -> dict[str, Source]:
    """Only the sources a record cites: checking one fact normalises just those texts."""
    cited: dict[str, Source] = {}
    citations = record.get("citations")
    if isinstance(citations, list):
        for citation in citations:
            if isinstance(citation, Mapping):
                source_id = citation.get("source")
                if isinstance(source_id, str) and source_id.strip() in sources:
                    cited[source_id.strip()] = sources[source_id.strip()]
    return cited


def _stamp(path: Path) -> Stamp | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


def _item_text_fits(text: str | None, record: Mapping[str, Any], name: str) -> bool:
    """Whether an item text from the audit log is exactly one item holding `record`."""
    if not text:
        return False
    split = split_items(text)
    if split is None or len(split[1]) != 1 or split[0].strip():
        return False
    parsed = parse_item(text, name, 1)
    return parsed is not None and plain_data(parsed) == plain_data(record)


class _PendingSourceRaw(RawKnowledge):
    """Raw knowledge whose source texts come from memory: a new source checked before writing."""

    pending: dict[str, str]

    def read_source_text(self, relative: str) -> str | None:
        return self.pending.get(relative)

    def source_text(self, relative: str) -> tuple[str | None, str]:
        text = self.pending.get(relative)
        return text, "" if text is not None else f"source text '{relative}' is missing"


# The store


class KnowledgeStore:
    """Reads, checks and changes one knowledge directory; see the module docstring."""

    def __init__(self, knowledge_dir: Path, state_dir: Path) -> None:
        self.root = Path(knowledge_dir)
        self.state_dir = Path(state_dir)
        self.audit = AuditLog(self.state_dir / AUDIT_FILE)
        self.gap_log = GapLog(self.state_dir / GAPS_FILE)
        self.lock_path = self.state_dir / LOCK_FILE
        self._mutex = threading.RLock()
        self._stamps: dict[str, Stamp] | None = None
        self._base: FactBase | None = None
        self._files: dict[str, RecordFile] = {}
        self._facts_at: dict[str, tuple[str, Item]] = {}
        self._problems: list[Problem] = []
        self._unreported: list[Problem] = []
        self._pending_ids: set[str] = set()
        self._pending_full = False
        self._analyzer: tuple[object, Analyzer] | None = None
        # Every fact's questions as matching sees them -> the fact's id; `_asked_for` is the
        # facts mapping it was built from (rebuilt after a reload, kept up by each change).
        self._asked: dict[str, str] = {}
        self._asked_for: object = None

    # Locking and reading the disk

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        with self._mutex, file_lock(self.lock_path, exclusive=exclusive):
            yield

    def _scan(self) -> dict[str, Stamp]:
        """A stamp (mtime, size, inode, ctime) of every file that defines the fact base."""
        stamps: dict[str, Stamp] = {}
        for name in (SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE):
            stamp = _stamp(self.root / name)
            if stamp is not None:
                stamps[name] = stamp
        for folder, yaml_only in ((FACTS_DIR, True), (SOURCE_TEXTS_DIR, False)):
            try:
                entries = list(os.scandir(self.root / folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if is_temporary(entry.name) or (yaml_only and not entry.name.endswith(".yaml")):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    info = entry.stat()
                except FileNotFoundError:
                    continue
                stamps[f"{folder}/{entry.name}"] = (
                    info.st_mtime_ns,
                    info.st_size,
                    info.st_ino,
                    info.st_ctime_ns,
                )
        return stamps

    def _read_text(self, name: str, problems: list[Problem]) -> str | None:
        if linked(self.root, name):
            message = "is a symbolic link: links are refused anywhere under the knowledge directory"
            problems.append(Problem(name, 0, None, message))
            return None
        try:
            data = (self.root / name).read_bytes()
        except FileNotFoundError:
            problems.append(Problem(name, 0, None, "the file is missing"))
            return None
        except OSError as error:
            problems.append(Problem(name, 0, None, f"the file cannot be read: {error.strerror}"))
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            problems.append(Problem(name, line, None, "the file is not UTF-8 text"))
            return None

    def _read_disk(
        self, stamps: Mapping[str, Stamp]
    ) -> tuple[FactBase | None, list[Problem], RawKnowledge, dict[str, str]]:
        """Read and validate everything, like the loader does, keeping each YAML file's text."""
        raw = RawKnowledge(root=self.root)
        texts: dict[str, str] = {}
        if not self.root.is_dir():
            problem = Problem(str(self.root), 0, None, "the knowledge directory does not exist")
            return None, [problem], raw, texts
        raw.problems.extend(layout_problems(self.root))
        fact_names = sorted(n for n in stamps if n.startswith(f"{FACTS_DIR}/"))
        for name in [SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE, *fact_names]:
            if name not in stamps:
                raw.add_missing(name, Problem(name, 0, None, "the file is missing"))
                continue
            unreadable: list[Problem] = []
            text = self._read_text(name, unreadable)
            if text is None:
                raw.add_missing(name, *unreadable)
                continue
            texts[name] = text
            raw.add_file(name, *parse_yaml_records(text, name))
        base, problems = build_fact_base(raw)
        return base, problems, raw, texts

    def _refresh_locked(self, *, force: bool = False) -> None:
        """Bring the in-memory state up to the disk; broken files keep the last good base."""
        stamps = self._scan()
        if not force and stamps == self._stamps:
            return
        previous = self._stamps or {}
        changed = {n for n in stamps.keys() | previous.keys() if stamps.get(n) != previous.get(n)}
        facts_only = all(n.startswith(f"{FACTS_DIR}/") for n in changed)
        if force or self._base is None or self._problems or not facts_only:
            self._full_reload(stamps)
        else:
            self._reload_fact_files(stamps, changed)

    def _broken(self, stamps: dict[str, Stamp], problems: list[Problem]) -> None:
        self._stamps = stamps
        self._problems = list(problems)
        self._unreported = list(problems)

    def _full_reload(self, stamps: dict[str, Stamp]) -> None:
        base, problems, raw, texts = self._read_disk(stamps)
        if problems or base is None:
            self._broken(stamps, problems)
            return
        files: dict[str, RecordFile] = {}
        facts_at: dict[str, tuple[str, Item]] = {}
        by_file: dict[str, list[Record]] = {}
        for record in raw.facts:
            by_file.setdefault(record.file, []).append(record)
        for name, text in texts.items():
            if name.startswith(f"{FACTS_DIR}/"):
                files[name] = from_records(name, text, by_file.get(name, []))
                for item in files[name].items:
                    item.value = base.facts[item.record["id"]]
                    facts_at[item.value.id] = (name, item)
        files[SOURCES_FILE] = from_records(SOURCES_FILE, texts[SOURCES_FILE], raw.sources)
        for item in files[SOURCES_FILE].items:
            item.value = base.sources[item.record["id"]]
        self._stamps, self._base, self._files, self._facts_at = stamps, base, files, facts_at
        self._problems, self._unreported = [], []
        self._pending_full, self._pending_ids = True, set()
        self._analyzer = None

    def _reload_fact_files(self, stamps: dict[str, Stamp], changed: set[str]) -> None:
        """Re-read only the fact files that changed, re-checking only their new records."""
        assert self._base is not None
        problems: list[Problem] = []
        files = dict(self._files)
        for name in sorted(changed):
            if name not in stamps:
                files.pop(name, None)
                continue
            text = self._read_text(name, problems)
            if text is None:
                continue
            parsed, found = parse_record_file(name, text, self._files.get(name))
            problems.extend(found)
            if parsed is not None:
                files[name] = parsed
        if problems:
            self._broken(stamps, problems)
            return
        seen: dict[str, Mapping[str, Any]] = {
            fact_id: item.record
            for fact_id, (name, item) in self._facts_at.items()
            if name not in changed
        }
        asked = {
            question_key(question): fact_id
            for fact_id, (name, item) in self._facts_at.items()
            if name not in changed
            for question in item.value.questions
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
                    cited = _cited_sources(item.record, self._base.sources)
                    fact, found = build_fact(item.record, self._base.brands, cited, seen, asked)
                    problems.extend(found)
                    item.value = fact
                    for question in fact.questions if fact is not None else ():
                        asked.setdefault(question_key(question), fact.id)
                if isinstance(item.value, Fact):
                    new_at[item.value.id] = (name, item)
        if problems:
            self._broken(stamps, problems)
            return
        facts = dict(self._base.facts)
        for fact_id, (name, _) in self._facts_at.items():
            if name in changed and fact_id not in new_at:
                del facts[fact_id]
                self._pending_ids.add(fact_id)
        for fact_id, (_, item) in new_at.items():
            known = facts.get(fact_id)
            if known is not item.value and known != item.value:
                facts[fact_id] = item.value
                self._pending_ids.add(fact_id)
        facts_at = {k: v for k, v in self._facts_at.items() if v[0] not in changed}
        facts_at.update(new_at)
        self._stamps, self._files, self._facts_at = stamps, files, facts_at
        self._base = dataclasses.replace(self._base, facts=facts)
        self._problems, self._unreported = [], []

    def _drain(self, *, with_problems: bool) -> ReloadResult:
        """What changed in the served base since the last drain (and new problems, if asked)."""
        problems: tuple[Problem, ...] = ()
        if with_problems:
            problems, self._unreported = tuple(self._unreported), []
        base = self._base
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

    # Reading

    def load(self) -> FactBase:
        """The current fact base (build the Engine from it); KnowledgeError if none is valid.

        Changes found so far count as applied: the next `refresh()` reports only later ones.
        """
        with self._locked(exclusive=False):
            self._refresh_locked()
            if self._base is None:
                raise KnowledgeError(self._problems)
            self._drain(with_problems=False)
            return self._base

    @property
    def base(self) -> FactBase:
        """The fact base the store last read (loading it on first use)."""
        with self._mutex:
            if self._base is not None:
                return self._base
        return self.load()

    @property
    def problems(self) -> list[Problem]:
        """The problems of the files on disk right now ([] when they are valid)."""
        with self._mutex:
            return list(self._problems)

    def refresh(self, *, force: bool = False) -> ReloadResult:
        """Pick up changes on disk (only changed files are re-read; `force` re-reads all).

        The result lists what changed in the served base since the last refresh, including
        other processes' changes that this store's own operations picked up on the way.
        """
        with self._locked(exclusive=False):
            self._refresh_locked(force=force)
            return self._drain(with_problems=True)

    def _located(self, fact_id: object) -> tuple[str, Item]:
        if not isinstance(fact_id, str) or fact_id not in self._facts_at:
            raise UnknownFact(fact_id)
        return self._facts_at[fact_id]

    def fact_record(self, fact_id: str) -> dict[str, Any]:
        """The fact's record as stored (plain dicts and lists), e.g. to pre-fill an edit form."""
        with self._locked(exclusive=False):
            self._refresh_locked()
            return plain_data(self._located(fact_id)[1].record)

    def version(self, fact_id: str) -> str:
        """The fact's current version: pass it back as `base_version` when editing it."""
        return record_version(self.fact_record(fact_id)) or ""

    def show_fact(self, fact_id: str) -> str:
        """The fact's record as YAML."""
        return dump_mapping(self.fact_record(fact_id))

    def file_of(self, fact_id: str) -> Path:
        """The file that holds a fact."""
        with self._locked(exclusive=False):
            self._refresh_locked()
            return self.root / self._located(fact_id)[0]

    def history(self, fact_id: str | None = None) -> list[AuditEntry]:
        """The audit entries of one fact (or of everything), oldest first."""
        with self._locked(exclusive=False):
            entries = self.audit.entries()
            if fact_id is None:
                return list(entries)
            return [e for e in entries if e.kind == Kind.FACT and e.record_id == fact_id]

    def last_change(self) -> AuditEntry | None:
        """The change `undo` would revert now (show it before asking to confirm)."""
        with self._locked(exclusive=False):
            return self.audit.last()

    def validate(self) -> list[Problem]:
        """Every problem of the files on disk now, checked in full ([] when valid)."""
        with self._locked(exclusive=False):
            _, problems, _, _ = self._read_disk(self._scan())
            return problems

    def export(self) -> list[Path]:
        """The YAML files of the fact base (to attach or copy), in a stable order."""
        names = [SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE]
        with self._locked(exclusive=False):
            names += sorted(n for n in self._scan() if n.startswith(f"{FACTS_DIR}/"))
        return [self.root / name for name in names if (self.root / name).is_file()]

    def recognise_brands(self, text: str, engine: Engine | None = None) -> list[str]:
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

    def gaps(self, engine: Engine, *, limit: int = 25) -> list[Gap]:
        """Unanswered questions, most asked first, without those `engine` now answers."""
        found: list[Gap] = []
        for gap in self.gap_log.top(limit=10**9):
            if not engine.ask(gap.question).answered:
                found.append(gap)
                if len(found) >= limit:
                    break
        return found

    # Changing

    def _ready(self, typed: Mapping[str, Any]) -> FactBase:
        """Refresh under the write lock; refuse to change anything while the disk is broken."""
        self._refresh_locked()
        if self._problems or self._base is None:
            reason = "the knowledge files on disk have problems; fix them first (kb validate)"
            raise ChangeRejected(self._problems, typed, reason)
        removed = remove_stale_temporaries(self.root / FACTS_DIR)
        removed += remove_stale_temporaries(self.root)
        removed += remove_stale_temporaries(self.root / SOURCE_TEXTS_DIR)
        for path in removed:
            log.warning("removed %s, left by an interrupted write", path)
        return self._base

    def _checked_fact(
        self,
        record: dict[str, Any],
        file: str,
        typed: Mapping[str, Any],
        *,
        replacing: str | None = None,
    ) -> tuple[Fact, str]:
        """Validate a fact record as its file would hold it; its canonical text."""
        assert self._base is not None
        record_id = record.get("id") if isinstance(record.get("id"), str) else None

        def refuse(message: str) -> ChangeRejected:
            return ChangeRejected([Problem(file, 0, record_id, message)], typed)

        try:
            text = dump_record(record)
        except yaml.YAMLError:
            raise refuse("a field holds a value that is not text, a list or a mapping") from None
        probe = parse_item(text, file, 1)
        if probe is None or plain_data(probe) != plain_data(record):
            raise refuse("the fields cannot be stored as YAML exactly as typed")
        clear_lines(probe)
        probe.file = file
        seen: dict[str, Mapping[str, Any]] = {
            fact_id: item.record
            for fact_id, (_, item) in self._facts_at.items()
            if fact_id != replacing
        }
        cited = _cited_sources(probe, self._base.sources)
        fact, problems = build_fact(probe, self._base.brands, cited, seen, self._asked_index())
        if problems or fact is None:
            raise ChangeRejected(problems or [Problem(file, 0, record_id, "invalid fact")], typed)
        return fact, text

    def _write(
        self, file: RecordFile, index: int, remove: int, texts: list[str], value: Any = None
    ) -> Item | None:
        """Write `file` with a splice applied, then apply it in memory; the new item, if any."""
        if texts and index == len(file.items) and file.needs_break_before(index):
            texts = ["\n" + texts[0], *texts[1:]]
        path = self.root / file.name
        content = file.spliced(index, remove, texts)
        if not content and file.name.startswith(f"{FACTS_DIR}/"):
            # An emptied fact file is deleted: undoing the add that made it leaves no trace.
            remove_file(path)
        else:
            atomic_write(path, content.encode("utf-8"))
        new_item: Item | None = None
        if not content:
            file.header, file.items, file.splittable = "", [], True
        elif file.splittable:
            start = file.start_at(index)
            new: list[Item] = []
            for text in texts:
                record = parse_item(text, file.name, start)
                assert record is not None
                new.append(Item(text, record, start, value))
                start += text.count("\n")
            file.apply(index, remove, new)
            new_item = new[0] if new else None
        else:
            values = {item.record.get("id"): item.value for item in file.items}
            text = path.read_text(encoding="utf-8")
            records, problems = parse_yaml_records(text, file.name)
            assert not problems
            rebuilt = from_records(file.name, text, records)
            for position, item in enumerate(rebuilt.items):
                is_new = texts and position == index
                item.value = value if is_new else values.get(item.record.get("id"))
                if is_new:
                    new_item = item
            self._files[file.name] = rebuilt
            if file.name != SOURCES_FILE:
                for item in rebuilt.items:
                    self._facts_at[item.record["id"]] = (file.name, item)
        self._files.setdefault(file.name, file)
        stamps = dict(self._stamps or {})
        stamp = _stamp(path)
        if stamp is not None:
            stamps[file.name] = stamp
        else:
            stamps.pop(file.name, None)
        self._stamps = stamps
        return new_item

    def _record(
        self,
        actor: str,
        action: str,
        kind: str,
        record_id: str,
        file: str,
        position: int,
        before: Item | dict[str, Any] | None,
        after: Item | None,
        **extra: Any,
    ) -> AuditEntry | None:
        """Append the audit entry of a change already written; a failure is logged, not raised."""
        before_record = before.record if isinstance(before, Item) else before
        entry = AuditEntry(
            id=new_entry_id(),
            at=now_iso(),
            actor=clean_actor(actor),
            action=action,
            kind=kind,
            record_id=record_id,
            file=file,
            position=position,
            before=plain_data(before_record) if before_record is not None else None,
            after=plain_data(after.record) if after is not None else None,
            before_text=before.text if isinstance(before, Item) else extra.pop("before_text", None),
            after_text=after.text if after is not None else None,
            **extra,
        )
        try:
            self.audit.append(entry)
        except OSError:
            log.exception("the change %s was made but could not be written to the audit log", entry)
            return None
        return entry

    def _asked_index(self) -> dict[str, str]:
        """Which fact asks each question (see `build_fact`), for the current base."""
        assert self._base is not None
        if self._asked_for is not self._base.facts:
            asked: dict[str, str] = {}
            for fact in self._base.facts.values():
                for question in fact.questions:
                    asked.setdefault(question_key(question), fact.id)
            self._asked, self._asked_for = asked, self._base.facts
        return self._asked

    def _set_fact(self, fact_id: str, fact: Fact | None, at: tuple[str, Item] | None) -> FactBase:
        assert self._base is not None
        asked = self._asked_index()
        old = self._base.facts.get(fact_id)
        for question in old.questions if old is not None else ():
            if asked.get(question_key(question)) == fact_id:
                del asked[question_key(question)]
        for question in fact.questions if fact is not None else ():
            asked.setdefault(question_key(question), fact_id)
        facts = dict(self._base.facts)
        if fact is None:
            facts.pop(fact_id, None)
            self._facts_at.pop(fact_id, None)
        else:
            facts[fact_id] = fact
            assert at is not None
            self._facts_at[fact_id] = at
        self._base = dataclasses.replace(self._base, facts=facts)
        self._asked_for = facts
        self._pending_ids.discard(fact_id)
        return self._base

    def _change(
        self,
        action: str,
        kind: str,
        record_id: str,
        before: Fact | Source | None,
        after: Fact | Source | None,
        file: str,
        after_item: Item | None,
        entry: AuditEntry | None,
    ) -> Change:
        assert self._base is not None
        reload = self._drain(with_problems=False)
        version = record_version(after_item.record) if after_item is not None else None
        return Change(
            action=action,
            kind=kind,
            record_id=record_id,
            before=before,
            after=after,
            base=self._base,
            file=file,
            version=version,
            entry=entry,
            reload=reload if reload.changed else None,
        )

    def add_fact(self, fields: Mapping[str, Any], *, actor: str) -> Change:
        """Add a fact; its id comes from the question (made unique) unless `fields` gives one.

        Raises ChangeRejected (with every problem and the fields as typed).
        """
        typed = _typed_copy(fields)
        record, problems = normalise_fact_fields(fields, file=NEW_FACTS_FILE)
        if problems:
            raise ChangeRejected(problems, typed)
        with self._locked(exclusive=True):
            self._ready(typed)
            if not record.get("id"):
                record.pop("id", None)
                slug = _unique(slugify(record.get("question")), self._facts_at.__contains__)
                record = {"id": slug, **record}
            name = self._new_facts_file()
            fact, text = self._checked_fact(record, name, typed)
            file = self._files.get(name) or RecordFile(name)
            self._files.setdefault(name, file)
            position = len(file.items)
            item = self._write(file, position, 0, [text], fact)
            assert item is not None
            self._set_fact(fact.id, fact, (name, item))
            entry = self._record(actor, Action.ADD, Kind.FACT, fact.id, name, position, None, item)
            return self._change(Action.ADD, Kind.FACT, fact.id, None, fact, name, item, entry)

    def _new_facts_file(self) -> str:
        """The file a new fact goes to: the first moderated file with room (see the docstring)."""
        number = 1
        while True:
            name = new_facts_file(number)
            file = self._files.get(name)
            if file is None or len(file.items) < MAX_NEW_FACTS_PER_FILE:
                return name
            number += 1

    def _check_version(self, fact_id: str, item: Item, base_version: str | None) -> None:
        current = record_version(item.record)
        if base_version is not None and base_version != current:
            raise StaleEdit(fact_id, base_version, current, plain_data(item.record))

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
        typed = _typed_copy(fields)
        with self._locked(exclusive=True):
            self._ready(typed)
            name, item = self._located(fact_id)
            self._check_version(fact_id, item, base_version)
            current = plain_data(item.record)
            record, problems = normalise_fact_fields(fields, current, file=name)
            if record.get("id") != fact_id:
                message = "a fact's id cannot be changed: add a new fact and remove this one"
                problems.append(Problem(name, 0, fact_id, message))
            if problems:
                raise ChangeRejected(problems, typed)
            before = item.value
            if record == current:
                return self._change(
                    Action.EDIT, Kind.FACT, fact_id, before, before, name, item, None
                )
            fact, text = self._checked_fact(record, name, typed, replacing=fact_id)
            file = self._files[name]
            position = file.index_of(item)
            new_item = self._write(file, position, 1, [text], fact)
            assert new_item is not None
            self._set_fact(fact_id, fact, (name, new_item))
            entry = self._record(
                actor, Action.EDIT, Kind.FACT, fact_id, name, position, item, new_item
            )
            return self._change(
                Action.EDIT, Kind.FACT, fact_id, before, fact, name, new_item, entry
            )

    def remove_fact(self, fact_id: str, *, base_version: str | None, actor: str) -> Change:
        """Remove a fact from its file. Raises UnknownFact or StaleEdit."""
        typed = {"id": fact_id}
        with self._locked(exclusive=True):
            self._ready(typed)
            name, item = self._located(fact_id)
            self._check_version(fact_id, item, base_version)
            file = self._files[name]
            position = file.index_of(item)
            self._write(file, position, 1, [])
            self._set_fact(fact_id, None, None)
            entry = self._record(
                actor, Action.REMOVE, Kind.FACT, fact_id, name, position, item, None
            )
            return self._change(
                Action.REMOVE, Kind.FACT, fact_id, item.value, None, name, None, entry
            )

    def add_source(
        self,
        source_id: str | None,
        title: str,
        date: str | dt.date,
        url: str,
        text: str,
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

        reason = _input_problem({k: v for k, v in typed.items() if k != "text"})
        if reason:
            problem(reason)
        if not isinstance(text, str):
            problem("the source text must be text")
        else:
            if len(text) > MAX_SOURCE_TEXT:
                problem(f"the source text is {len(text)} characters; at most {MAX_SOURCE_TEXT}")
            elif has_control_characters(text):
                problem("the source text contains control characters")
            elif _input_problem(text):
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
        body = text.replace("\r\n", "\n").replace("\r", "\n")
        if not body.endswith("\n"):
            body += "\n"
        with self._locked(exclusive=True):
            base = self._ready(typed)
            if source_id is None:
                taken = base.sources.__contains__
                source_id = _unique(slugify(title, "source"), taken)
            record = {
                "id": source_id,
                "title": title.strip() if isinstance(title, str) else title,
                "date": date.strip() if isinstance(date, str) else date,
                "url": url.strip() if isinstance(url, str) else url,
                "file": f"{SOURCE_TEXTS_DIR}/{source_id}.txt",
            }
            return self._insert_source(record, body, None, None, actor, Action.ADD_SOURCE, {})

    def _insert_source(
        self,
        record: dict[str, Any],
        body: str,
        position: int | None,
        item_text: str | None,
        actor: str,
        action: str,
        extra: dict[str, Any],
    ) -> Change:
        assert self._base is not None
        source_id = str(record.get("id"))
        typed = {**record, "text": body}
        path = self.root / SOURCE_TEXTS_DIR / f"{source_id}.txt"
        problems: list[Problem] = []
        if not ID_PATTERN.fullmatch(source_id) or record.get("file") != (
            f"{SOURCE_TEXTS_DIR}/{source_id}.txt"
        ):
            raise ChangeRejected([Problem(SOURCES_FILE, 0, None, "bad source id")], typed)
        if source_id in self._base.sources:
            problems.append(Problem(SOURCES_FILE, 0, source_id, f"duplicate id '{source_id}'"))
        if path.exists():
            message = f"a source text {record['file']} exists already"
            problems.append(Problem(SOURCES_FILE, 0, source_id, message))
        if problems:
            raise ChangeRejected(problems, typed)
        try:
            text = dump_record(record)
        except yaml.YAMLError:
            text = ""
        probe = parse_item(text, SOURCES_FILE, 1) if text else None
        if probe is None or plain_data(probe) != plain_data(record):
            message = "the fields cannot be stored as YAML exactly as typed"
            raise ChangeRejected([Problem(SOURCES_FILE, 0, source_id, message)], typed)
        clear_lines(probe)
        probe.file = SOURCES_FILE
        raw = _PendingSourceRaw(root=self.root, sources=[probe])
        raw.pending = {record["file"]: body}
        checked, problems = build_fact_base(raw)
        if problems or checked is None:
            raise ChangeRejected(problems, typed)
        source = checked.sources[source_id]
        if _item_text_fits(item_text, record, SOURCES_FILE):
            text = str(item_text)
        file = self._files[SOURCES_FILE]
        index = len(file.items) if position is None else max(0, min(position, len(file.items)))
        atomic_write(path, body.encode("utf-8"))
        try:
            item = self._write(file, index, 0, [text], source)
        except BaseException:
            remove_file(path)
            raise
        assert item is not None
        stamp = _stamp(path)
        if stamp is not None and self._stamps is not None:
            self._stamps[f"{SOURCE_TEXTS_DIR}/{path.name}"] = stamp
        self._base = dataclasses.replace(
            self._base, sources={**self._base.sources, source.id: source}
        )
        entry = self._record(
            actor,
            action,
            Kind.SOURCE,
            source_id,
            SOURCES_FILE,
            index,
            None,
            item,
            source_text=body,
            **extra,
        )
        return self._change(action, Kind.SOURCE, source_id, None, source, SOURCES_FILE, item, entry)

    # Undo

    def undo(self, *, actor: str, expected: str | None = None) -> Change:
        """Revert the last change in the audit log (whoever made it); the revert is recorded.

        Undoing an undo makes the change again. `expected` is the id of the entry the moderator
        was shown (`last_change()`): if another change came since, StaleEdit. Raises
        NothingToUndo, StaleEdit (the record changed since, e.g. by hand) or ChangeRejected.
        """
        with self._locked(exclusive=True):
            self._ready({})
            entry = self.audit.last()
            if entry is None:
                raise NothingToUndo("there is no change to undo")
            if expected is not None and entry.id != expected:
                raise StaleEdit(
                    entry.record_id,
                    expected,
                    entry.id,
                    entry.after,
                    f"another change was made since ({entry.description} by {entry.actor}); "
                    "look at it before undoing",
                )
            if entry.kind == Kind.SOURCE:
                return self._revert_source(entry, actor)
            return self._revert_fact(entry, actor)

    def _stale_since(self, entry: AuditEntry, current: dict[str, Any] | None) -> StaleEdit:
        return StaleEdit(
            entry.record_id,
            record_version(entry.after),
            record_version(current),
            current,
            f"'{entry.record_id}' was changed since the last change ({entry.description}); "
            "it cannot be undone automatically",
        )

    def _revert_fact(self, entry: AuditEntry, actor: str) -> Change:
        assert self._base is not None
        fact_id = entry.record_id
        located = self._facts_at.get(fact_id)
        current = plain_data(located[1].record) if located else None
        if current != entry.after:
            raise self._stale_since(entry, current)
        target = entry.before
        extra = {"reverts": entry.id, "reverted_action": entry.action}
        typed = dict(target or current or {})
        if target is None:
            assert located is not None
            name, item = located
            file = self._files[name]
            position = file.index_of(item)
            self._write(file, position, 1, [])
            self._set_fact(fact_id, None, None)
            new_entry = self._record(
                actor, Action.UNDO, Kind.FACT, fact_id, name, position, item, None, **extra
            )
            return self._change(
                Action.UNDO, Kind.FACT, fact_id, item.value, None, name, None, new_entry
            )
        if located is None:
            name = entry.file if _FACT_FILE.fullmatch(entry.file) else self._new_facts_file()
            file = self._files.get(name) or RecordFile(name)
            self._files.setdefault(name, file)
            position, remove, old = max(0, min(entry.position, len(file.items))), 0, None
        else:
            name, old = located
            file = self._files[name]
            position, remove = file.index_of(old), 1
        fact, text = self._checked_fact(dict(target), name, typed, replacing=fact_id)
        if _item_text_fits(entry.before_text, target, name) and (
            old is None or old.text == entry.after_text
        ):
            text = str(entry.before_text)
        new_item = self._write(file, position, remove, [text], fact)
        assert new_item is not None
        self._set_fact(fact_id, fact, (name, new_item))
        new_entry = self._record(
            actor, Action.UNDO, Kind.FACT, fact_id, name, position, old, new_item, **extra
        )
        before = old.value if old is not None else None
        return self._change(
            Action.UNDO, Kind.FACT, fact_id, before, fact, name, new_item, new_entry
        )

    def _revert_source(self, entry: AuditEntry, actor: str) -> Change:
        assert self._base is not None
        source_id = entry.record_id
        file = self._files[SOURCES_FILE]
        found = [item for item in file.items if item.record.get("id") == source_id]
        current = plain_data(found[0].record) if found else None
        if current != entry.after:
            raise self._stale_since(entry, current)
        extra = {"reverts": entry.id, "reverted_action": entry.action}
        if entry.before is not None and entry.after is None:
            if entry.source_text is None:
                raise NothingToUndo("the audit entry lacks the source text; it cannot be undone")
            return self._insert_source(
                dict(entry.before),
                entry.source_text,
                entry.position,
                entry.before_text,
                actor,
                Action.UNDO,
                extra,
            )
        if entry.before is not None or not found:
            raise NothingToUndo(f"{entry.description} cannot be undone")
        item = found[0]
        citing = [
            f.id
            for f in self._base.facts.values()
            if any(c.source_id == source_id for c in f.citations)
        ]
        citing += [
            p.id
            for p in self._base.partnerships.values()
            if any(c.source_id == source_id for c in p.citations)
        ]
        if citing:
            message = f"source '{source_id}' is cited by {', '.join(sorted(citing)[:10])}"
            raise ChangeRejected([Problem(SOURCES_FILE, 0, source_id, message)], current or {})
        position = file.index_of(item)
        self._write(file, position, 1, [])
        path = self.root / SOURCE_TEXTS_DIR / f"{source_id}.txt"
        body = entry.source_text
        if ID_PATTERN.fullmatch(source_id) and item.record.get("file") == (
            f"{SOURCE_TEXTS_DIR}/{source_id}.txt"
        ):
            if body is None and path.is_file():
                body = path.read_text(encoding="utf-8")
            remove_file(path)
            if self._stamps is not None:
                self._stamps.pop(f"{SOURCE_TEXTS_DIR}/{path.name}", None)
        sources = {k: v for k, v in self._base.sources.items() if k != source_id}
        self._base = dataclasses.replace(self._base, sources=sources)
        new_entry = self._record(
            actor,
            Action.UNDO,
            Kind.SOURCE,
            source_id,
            SOURCES_FILE,
            position,
            item,
            None,
            source_text=body,
            **extra,
        )
        return self._change(
            Action.UNDO, Kind.SOURCE, source_id, item.value, None, SOURCES_FILE, None, new_entry
        )

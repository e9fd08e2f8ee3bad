"""Reading the files of a knowledge directory: stamps to notice changes, texts, parsed records.

Pure functions of the disk, no state: the store's loaded view (`bot.store.served`) decides what
to re-read. A cache of parsed records (keyed by content) belongs here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.caches.digests import digest
from bot.caches.records import CachedRecords, RecordCache
from bot.caches.second_process import SecondProcess, frames_of
from bot.facts.models import Fact, FactBase
from bot.facts.problems import Problem
from bot.facts.raw import (
    BRANDS_FILE,
    FACTS_DIR,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
    RawKnowledge,
    Record,
    decode_text,
    linked,
)
from bot.facts.validation import build_fact, build_fact_base, question_key
from bot.facts.yaml_loading import (
    layout_problems,
    parse_yaml_records,
    readable_name,
    root_problem,
)
from bot.state.atomic import is_temporary
from bot.store.fields import cited_sources

log = logging.getLogger(__name__)

# (mtime, size, inode, ctime): a file whose stamp is unchanged is not read again.
Stamp = tuple[int, int, int, int]
# The stamp of the entries `scan` finds but never reads (odd names, folders named like files).
ODD_ENTRIES = "(entries not read)"


def stamp(path: Path) -> Stamp | None:
    """The stamp of a file, or None when it is missing."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


def file_digest(path: Path) -> str | None:
    """The content hash of a file on disk, or None when it is missing."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def scan(root: Path) -> dict[str, Stamp]:
    """A stamp of every file that defines the fact base (symbolic links included, to refuse).

    The fact files are facts/*.yaml; the source texts are every file under sources/, in
    subfolders too (a source's `file` may name one there).
    """
    stamps: dict[str, Stamp] = {}
    odd: list[bytes] = []
    for name in (SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE):
        found = stamp(root / name)
        if found is not None:
            stamps[name] = found
    folders = [(FACTS_DIR, True), (SOURCE_TEXTS_DIR, False)]
    while folders:
        folder, yaml_only = folders.pop()
        try:
            entries = list(os.scandir(root / folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if is_temporary(entry.name) or (yaml_only and not entry.name.endswith(".yaml")):
                continue
            if not readable_name(entry.name):
                odd.append(os.fsencode(entry.path))  # never read: a layout problem names it
                continue
            try:
                if not yaml_only and entry.is_dir(follow_symlinks=False):
                    folders.append((f"{folder}/{entry.name}", False))
                    continue
                if not entry.is_file():
                    odd.append(os.fsencode(entry.path))
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
    if odd:
        # What is not read still changes the stamps, so a refresh notices it comes or goes and
        # reads everything again (a layout problem names it): the name starts with no folder.
        names = hashlib.blake2b(b"\0".join(sorted(odd)), digest_size=8).digest()
        stamps[ODD_ENTRIES] = (len(odd), int.from_bytes(names, "big"), 0, 0)
    return stamps


def read_text(root: Path, name: str, problems: list[Problem]) -> tuple[str, str] | None:
    """A knowledge file's text and content hash, or None with the problem added to `problems`."""
    if linked(root, name):
        message = "is a symbolic link: links are refused anywhere under the knowledge directory"
        problems.append(Problem(name, 0, None, message))
        return None
    try:
        data = (root / name).read_bytes()
    except FileNotFoundError:
        problems.append(Problem(name, 0, None, "the file is missing"))
        return None
    except OSError as error:
        problems.append(Problem(name, 0, None, f"the file cannot be read: {error.strerror}"))
        return None
    text, problem = decode_text(data, name)
    if text is None:
        problems.append(problem or Problem(name, 0, None, "the file is not UTF-8 text"))
        return None
    return text, digest(data)


@dataclass
class DiskRead:
    """Everything read from the disk at once: the base (None when invalid) and its parts."""

    base: FactBase | None
    problems: list[Problem]
    raw: RawKnowledge
    texts: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    # The file each fact of `base` stands in (the store parses a file only to change it).
    fact_files: dict[str, str] = field(default_factory=dict)
    # The key of the read in the records cache (None: not cached).
    key: str | None = None


def read_disk(
    root: Path,
    stamps: dict[str, Stamp],
    records: RecordCache | None = None,
    known: FactBase | None = None,
) -> DiskRead:
    """Read and validate everything, like the loader does, keeping each YAML file's text.

    With `records`, valid knowledge whose files are unchanged comes from that cache (parsing and
    checking 100,000 facts takes ~25 s), and a read that parsed is cached for the next start.
    Whether the files are unchanged is told by their content hashes, remembered by stamp
    (`bot.caches.digests`): a start from the cache reads no file it read before.
    `known`: the fact base of these very files, read already (see `_from_cache`).
    """
    raw = RawKnowledge(root=root)
    read = DiskRead(None, [], raw)
    if (problem := root_problem(root)) is not None:
        read.problems = [problem]
        return read
    raw.problems.extend(layout_problems(root))
    fact_names = sorted(n for n in stamps if n.startswith(f"{FACTS_DIR}/"))
    names = [SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE, *fact_names]
    source_texts = sorted(n for n in stamps if n.startswith(f"{SOURCE_TEXTS_DIR}/"))
    if (
        records is not None
        and not raw.problems
        and _from_cache(read, records, names, source_texts, known)
    ):
        return read
    for name in names:
        if name not in stamps:
            raw.add_missing(name, Problem(name, 0, None, "the file is missing"))
            continue
        unreadable: list[Problem] = []
        found = read_text(root, name, unreadable)
        if found is None:
            raw.add_missing(name, *unreadable)
            continue
        read.texts[name], read.hashes[name] = found
    key = frame = None
    fact_hashes = {n: h for n, h in read.hashes.items() if n.startswith(f"{FACTS_DIR}/")}
    if records is not None and not raw.problems:
        for name, value in read.hashes.items():
            records.memo.remember(name, list(stamps[name]), value)
        frame_hashes = {n: h for n, h in read.hashes.items() if n not in fact_hashes}
        for name in source_texts:
            frame_hashes[name] = records.memo.file_digest(root / name, name) or "unreadable"
        frame = records.frame_key(frame_hashes)
        key = records.key(frame, fact_hashes)
        latest = records.latest()
        if latest is not None and latest.frame == frame:
            asked = records.read_asked(records.key(latest.frame, latest.fact_hashes))
            reused = _with_changed_files(latest, read.texts, fact_hashes, asked)
            if reused is not None:
                read.base, read.fact_files, asked = reused
                _cache(
                    records,
                    read,
                    CachedRecords(read.base, read.fact_files, fact_hashes, frame),
                    key,
                    asked,
                )
                return read
    questions: dict[str, str] = {}
    checked = (
        _checked_in_two(root, read.texts) if records is not None and not raw.problems else None
    )
    if checked is not None:
        read.base, read.fact_files, questions = checked
    else:
        for name, text in read.texts.items():
            raw.add_file(name, *parse_yaml_records(text, name))
        read.base, read.problems = build_fact_base(raw, questions)
        if read.base is not None and not read.problems:
            read.fact_files = {
                record["id"]: record.file
                for record in raw.facts
                if record.get("id") in read.base.facts
            }
    base = read.base
    if base is not None and not read.problems and records is not None and key and frame:
        _cache(
            records, read, CachedRecords(base, read.fact_files, fact_hashes, frame), key, questions
        )
    return read


def _cache(
    records: RecordCache, read: DiskRead, cached: CachedRecords, key: str, asked: dict[str, str]
) -> None:
    """Cache a valid read under `key`: it, where each fact stands, which fact asks what."""
    records.write(key, cached)
    records.write_places(key, cached.fact_files)
    records.write_asked(key, asked)
    records.memo.save()
    read.key = key


# A start that parses this much fact text (no cache) checks half of it in a second process:
# at 100,000 facts (~47 MB) parsing and checking takes ~15 s on one core.
PARALLEL_MIN_TEXT = 4_000_000


def checked_part(
    root: str, texts: dict[str, str]
) -> tuple[FactBase, dict[str, str], dict[str, str]] | None:
    """Parse and check some fact files with the other files they need; None on any problem.

    The fact base, each fact's file and which fact asks each question. Runs in a worker
    process (`_checked_in_two`), so it takes and returns only plain, picklable values.
    """
    raw = RawKnowledge(root=Path(root))
    for name, text in texts.items():
        raw.add_file(name, *parse_yaml_records(text, name))
    asked: dict[str, str] = {}
    base, problems = build_fact_base(raw, asked)
    if base is None or problems:
        return None
    fact_files = {r["id"]: r.file for r in raw.facts if r.get("id") in base.facts}
    return base, fact_files, asked


_Checked = tuple[FactBase, dict[str, str], dict[str, str]]


def in_frames(checked: _Checked | None) -> Iterator[object]:
    """`checked_part`'s result as frames: the base without its facts, then the rest in parts.

    None alone when it is None; else the base (no facts) with the three counts, then the facts,
    each fact's file and which fact asks each question, in frames (`bot.caches.second_process`).
    """
    if checked is None:
        yield None
        return
    base, fact_files, asked = checked
    yield (dataclasses.replace(base, facts={}), len(base.facts), len(fact_files), len(asked))
    yield from frames_of(list(base.facts.values()))
    yield from frames_of(list(fact_files.items()))
    yield from frames_of(list(asked.items()))


def from_frames(frames: list[Any] | None) -> _Checked | None:
    """What `in_frames` sent, whole again; None if it is not whole."""
    if not frames or frames[0] is None or len(frames[0]) != 4:
        return None
    (frame, facts_count, files_count, asked_count), parts = frames[0], iter(frames[1:])
    try:
        facts = {fact.id: fact for fact in _taken(parts, facts_count)}
        fact_files = dict(_taken(parts, files_count))
        asked = dict(_taken(parts, asked_count))
    except (ValueError, AttributeError, TypeError):
        return None
    if len(facts) != facts_count or next(parts, None) is not None:
        return None
    return dataclasses.replace(frame, facts=facts), fact_files, asked


def _taken(parts: Iterator[list[Any]], count: int) -> list[Any]:
    """The next frames' items, `count` of them (ValueError: not as many)."""
    items: list[Any] = []
    while len(items) < count:
        part = next(parts, None)
        if part is None:
            raise ValueError("the frames end before the part does")
        items += part
    if len(items) != count:
        raise ValueError("frames do not end where a part does")
    return items


def _checked_in_two(
    root: Path, texts: dict[str, str]
) -> tuple[FactBase, dict[str, str], dict[str, str]] | None:
    """The whole read's result with the fact files split between this process and another.

    None when there is little to read, a second process cannot start, or anything is wrong:
    the read in one process then says exactly what (its problems in file and line order).
    """
    fact_names = [n for n in texts if n.startswith(f"{FACTS_DIR}/")]
    total = sum(len(texts[n]) for n in fact_names)
    if total < PARALLEL_MIN_TEXT:
        return None
    frame = {n: t for n, t in texts.items() if n not in fact_names}
    first: dict[str, str] = dict(frame)
    second: dict[str, str] = dict(frame)
    size = 0
    # This process takes a little more than half: the other starts later, and its answer is
    # pickled there and unpickled here (~1 s at 100,000 facts).
    cut = total * 11 // 20
    for name in fact_names:  # in read order: the first half's facts come first, as in one read
        (first if size < cut else second)[name] = texts[name]
        size += len(texts[name])
    # The second half goes to another interpreter (`bot.store.partcheck`), both pickled.
    try:
        other = SecondProcess("bot.store.partcheck", [str(root), *frames_of(list(second.items()))])
    except OSError as error:
        log.info("checking the fact files in one process: %s", error)
        return None
    mine = checked_part(str(root), first)
    theirs = from_frames(other.answer())
    if mine is None or theirs is None:
        return None
    base, fact_files, asked = mine
    other_base, other_files, other_asked = theirs
    if fact_files.keys() & other_files.keys():
        return None  # a duplicate id across the halves
    for question, fact_id in other_asked.items():
        if asked.setdefault(question, fact_id) != fact_id:
            return None  # a question asked in both halves
    facts = {**base.facts, **other_base.facts}
    return dataclasses.replace(base, facts=facts), {**fact_files, **other_files}, asked


def _from_cache(
    read: DiskRead,
    records: RecordCache,
    names: list[str],
    source_texts: list[str],
    known: FactBase | None = None,
) -> bool:
    """Fill `read` from the records cache when every file is unchanged since a cached read.

    `known` is the same files' fact base read already (the engine cache's): then only where
    each fact stands is read from the cache, not a second copy of every fact.
    """
    root = read.raw.root
    if any(linked(root, name) for name in names):
        return False  # refused with its message by a whole read
    hashes: dict[str, str] = {}
    for name in [*names, *source_texts]:
        value = records.memo.file_digest(root / name, name)
        if value is None:
            return False
        hashes[name] = value
    fact_hashes = {n: hashes[n] for n in names if n.startswith(f"{FACTS_DIR}/")}
    frame = records.frame_key({n: h for n, h in hashes.items() if n not in fact_hashes})
    key = records.key(frame, fact_hashes)
    places = records.read_places(key) if known is not None else None
    if known is not None and places is not None:
        read.base, read.fact_files = known, places
    else:
        cached = records.read(key)
        if cached is None:
            records.memo.save()
            return False
        read.base, read.fact_files = cached.base, cached.fact_files
    records.memo.save()
    read.key = key
    read.hashes = {name: hashes[name] for name in names}
    return True


def _with_changed_files(
    latest: CachedRecords,
    texts: Mapping[str, str],
    fact_hashes: Mapping[str, str],
    asked: dict[str, str] | None,
) -> tuple[FactBase, dict[str, str], dict[str, str]] | None:
    """The last read's facts for unchanged fact files, the changed files parsed and checked.

    With the files, which fact asks each question: `asked` (the last read's, when cached)
    less the changed files' facts, plus theirs.

    None when a changed file has any problem, or most files changed: a whole read then gives
    the same result, and its problems their exact lines.
    """
    changed = [n for n in sorted(fact_hashes) if latest.fact_hashes.get(n) != fact_hashes[n]]
    if len(changed) * 2 > len(fact_hashes):
        return None
    old = latest.base
    kept: dict[str, list[str]] = {}
    for fact_id, name in latest.fact_files.items():
        if name in fact_hashes and name not in changed:
            kept.setdefault(name, []).append(fact_id)
    # Every kept fact counts as seen (a duplicate id) and asks its questions (`build_fact`).
    placeholder = Record()
    seen: dict[str, Mapping[str, Any]] = {
        fact_id: placeholder for ids in kept.values() for fact_id in ids
    }
    if asked is None:
        asked = {
            question_key(question): fact_id
            for ids in kept.values()
            for fact_id in ids
            for question in old.facts[fact_id].questions
        }
    else:
        asked = {key: fact_id for key, fact_id in asked.items() if fact_id in seen}
    new: dict[str, list[Fact]] = {}
    for name in changed:
        records, problems = parse_yaml_records(texts[name], name)
        if problems:
            return None
        built = new.setdefault(name, [])
        for record in records:
            cited = cited_sources(record, old.sources)
            fact, problems = build_fact(record, old.brands, cited, seen, asked)
            if problems or fact is None:
                return None
            for question in fact.questions:
                asked.setdefault(question_key(question), fact.id)
            built.append(fact)
    # In the order a whole read gives: by file name, then as each file lists them.
    facts: dict[str, Fact] = {}
    fact_files: dict[str, str] = {}
    for name in sorted(fact_hashes):
        for fact in new[name] if name in new else (old.facts[i] for i in kept.get(name, ())):
            facts[fact.id] = fact
            fact_files[fact.id] = name
    return dataclasses.replace(old, facts=facts), fact_files, asked

"""Reading the files of a knowledge directory: stamps to notice changes, texts, parsed records.

Pure functions of the disk, no state: the store's loaded view (`bot.store.loaded`) decides what
to re-read. A cache of parsed records (keyed by content) belongs here.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.atomic import is_temporary
from bot.loader import (
    BRANDS_FILE,
    FACTS_DIR,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
    RawKnowledge,
    decode_text,
    layout_problems,
    linked,
    parse_yaml_records,
)
from bot.models import FactBase
from bot.recordcache import RecordCache
from bot.validation import Problem, build_fact_base

# (mtime, size, inode, ctime): a file whose stamp is unchanged is not read again.
Stamp = tuple[int, int, int, int]


def stamp(path: Path) -> Stamp | None:
    """The stamp of a file, or None when it is missing."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


def digest(data: bytes) -> str:
    """The content hash of a file's bytes (what a change checks before replacing the file)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: Path) -> str | None:
    """The content hash of a file on disk, or None when it is missing."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def scan(root: Path) -> dict[str, Stamp]:
    """A stamp of every file that defines the fact base (symbolic links included, to refuse)."""
    stamps: dict[str, Stamp] = {}
    for name in (SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE):
        found = stamp(root / name)
        if found is not None:
            stamps[name] = found
    for folder, yaml_only in ((FACTS_DIR, True), (SOURCE_TEXTS_DIR, False)):
        try:
            entries = list(os.scandir(root / folder))
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


def read_disk(root: Path, stamps: dict[str, Stamp], records: RecordCache | None = None) -> DiskRead:
    """Read and validate everything, like the loader does, keeping each YAML file's text.

    With `records`, valid knowledge whose files are unchanged comes from that cache (parsing and
    checking 100,000 facts takes ~25 s), and a read that parsed is cached for the next start.
    """
    raw = RawKnowledge(root=root)
    read = DiskRead(None, [], raw)
    if not root.is_dir():
        problem = Problem(str(root), 0, None, "the knowledge directory does not exist")
        read.problems = [problem]
        return read
    raw.problems.extend(layout_problems(root))
    fact_names = sorted(n for n in stamps if n.startswith(f"{FACTS_DIR}/"))
    for name in [SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE, *fact_names]:
        if name not in stamps:
            raw.add_missing(name, Problem(name, 0, None, "the file is missing"))
            continue
        unreadable: list[Problem] = []
        found = read_text(root, name, unreadable)
        if found is None:
            raw.add_missing(name, *unreadable)
            continue
        read.texts[name], read.hashes[name] = found
    key = None
    if records is not None and not raw.problems:
        source_texts = [n for n in stamps if n.startswith(f"{SOURCE_TEXTS_DIR}/")]
        key = records.key(root, read.texts, source_texts)
        cached = records.read(key)
        if cached is not None:
            read.base, read.fact_files = cached
            return read
    for name, text in read.texts.items():
        raw.add_file(name, *parse_yaml_records(text, name))
    read.base, read.problems = build_fact_base(raw)
    if read.base is not None and not read.problems:
        read.fact_files = {
            record["id"]: record.file for record in raw.facts if record.get("id") in read.base.facts
        }
        if key is not None and records is not None:
            records.write(key, read.base, read.fact_files)
    return read

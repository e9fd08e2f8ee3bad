"""The records of a knowledge directory as read, before validation, and its files' names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.facts.problems import Problem

SOURCES_FILE = "sources.yaml"
BRANDS_FILE = "brands.yaml"
PARTNERSHIPS_FILE = "partnerships.yaml"
FACTS_DIR = "facts"
SOURCE_TEXTS_DIR = "sources"


class Record(dict[str, Any]):
    """A YAML mapping that remembers where it stood: file, line, and each key's line."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]
    duplicate_keys: list[str]

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the record when the key is absent."""
        return self.key_lines.get(key, self.line)


@dataclass
class RawKnowledge:
    """The records of a knowledge directory, before validation."""

    root: Path
    sources: list[Record] = field(default_factory=list)
    brands: list[Record] = field(default_factory=list)
    partnerships: list[Record] = field(default_factory=list)
    facts: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Files not read in full (missing, unreadable, not UTF-8 or YAML, not a list, or an item that
    # is not a mapping): their problem is reported, and references to the records they may hold
    # are not checked, so one broken brands.yaml is one problem, not one per fact naming a brand.
    unread: set[str] = field(default_factory=set)

    @property
    def brands_unread(self) -> bool:
        """Whether brands.yaml was not read in full: no brand id is known to be unknown."""
        return BRANDS_FILE in self.unread

    @property
    def sources_unread(self) -> bool:
        """Whether sources.yaml was not read in full: no source id is known to be unknown."""
        return SOURCES_FILE in self.unread

    def add_file(self, name: str, records: list[Record], problems: list[Problem]) -> None:
        """One file's records and problems, as `parse_yaml_records` or `read_records` gave them."""
        if name in (SOURCES_FILE, BRANDS_FILE) and not records and not problems:
            # Everything cites a source or names a brand: say so once, not at each reference.
            what = "source" if name == SOURCES_FILE else "brand"
            message = f"the file holds no records: list at least one {what} (- id: …)"
            problems = [Problem(name, 0, None, message)]
        bucket = {SOURCES_FILE: self.sources, BRANDS_FILE: self.brands}.get(name)
        if bucket is None:
            bucket = self.partnerships if name == PARTNERSHIPS_FILE else self.facts
        bucket.extend(records)
        self.problems.extend(problems)
        if problems:  # parse problems are whole-file or unreadable items: never record-level
            self.unread.add(name)

    def add_missing(self, name: str, *problems: Problem) -> None:
        """A file that could not be read at all (missing, unreadable, not UTF-8)."""
        self.problems.extend(problems)
        self.unread.add(name)

    def read_source_text(self, relative: str) -> str | None:
        """The text of a source file inside `sources/`, or None when it is missing or outside."""
        return self.source_text(relative)[0]

    def source_text(self, relative: str) -> tuple[str | None, str]:
        """The text of a source file inside `sources/`, or None and the reason it cannot be read."""
        try:
            texts = (self.root / SOURCE_TEXTS_DIR).resolve()
            path = (self.root / relative).resolve()
            if not path.is_relative_to(texts):
                return None, f"source text '{relative}' is not inside {SOURCE_TEXTS_DIR}/"
            if linked(self.root, relative):
                return None, f"source text '{relative}' is reached through a symbolic link"
            if not path.is_file():
                return None, f"source text '{relative}' is missing"
            data = path.read_bytes()
        except (OSError, ValueError) as error:
            return None, f"source text '{relative}' cannot be read: {error}"
        text, problem = decode_text(data, relative)
        if problem is not None:
            reason = problem.message.removeprefix("the file ")
            return None, f"source text '{relative}' (line {problem.line}) {reason}"
        return text, ""


def linked(root: Path, relative: str) -> bool:
    """Whether `root/relative`, or a folder on the way to it, is a symbolic link."""
    path = root
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def decode_text(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """UTF-8 bytes (a leading byte-order mark allowed) as text, or a Problem naming the line."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        return None, Problem(file, line, None, f"the file is not UTF-8 text (byte 0x{byte:02x})")

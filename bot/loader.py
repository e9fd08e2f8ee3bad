"""Reading `knowledge/`: YAML files into raw records that remember their file and line."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.validation import KnowledgeError, Problem, build_fact_base

log = logging.getLogger(__name__)

SOURCES_FILE = "sources.yaml"
BRANDS_FILE = "brands.yaml"
PARTNERSHIPS_FILE = "partnerships.yaml"
FACTS_DIR = "facts"
SOURCE_TEXTS_DIR = "sources"

# The C parser is several times faster on large bases; the pure one is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Record(dict[str, Any]):
    """A YAML mapping that remembers where it stood: file, line, and each key's line."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]
    duplicate_keys: list[str]

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the record when the key is absent."""
        return self.key_lines.get(key, self.line)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, recording the line of every mapping and of its keys."""


def _construct_record(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Record:
    record = Record(loader.construct_mapping(node, deep=True))
    record.line = node.start_mark.line + 1
    record.key_lines = {}
    record.duplicate_keys = []
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in record.key_lines:
                record.duplicate_keys.append(key_node.value)
            record.key_lines[key_node.value] = key_node.start_mark.line + 1
    return record


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_record)


@dataclass
class RawKnowledge:
    """The records of a knowledge directory, before validation."""

    root: Path
    sources: list[Record] = field(default_factory=list)
    brands: list[Record] = field(default_factory=list)
    partnerships: list[Record] = field(default_factory=list)
    facts: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def read_source_text(self, relative: str) -> str | None:
        """The text of a source file inside `sources/`, or None when it is missing or outside."""
        texts = (self.root / SOURCE_TEXTS_DIR).resolve()
        path = (self.root / relative).resolve()
        if not path.is_relative_to(texts) or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")


def parse_yaml_records(text: str, file: str) -> tuple[list[Record], list[Problem]]:
    """Parse one file's text: a YAML list of mappings."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        reason = error.problem or error.context or "invalid YAML"
        return [], [Problem(file, line, None, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as error:
        return [], [Problem(file, 0, None, f"YAML error: {error}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(file, 1, None, "the file must be a YAML list of records (- id: …)")]
    records: list[Record] = []
    problems: list[Problem] = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, Record):
            problems.append(Problem(file, 0, None, f"item {position} is not a mapping of fields"))
            continue
        item.file = file
        records.append(item)
    return records, problems


def fact_files(root: Path) -> list[Path]:
    """The fact files of a knowledge directory, in a stable order."""
    return sorted((root / FACTS_DIR).glob("*.yaml"))


def knowledge_files(root: Path) -> list[Path]:
    """Every file whose content defines the fact base (YAML and source texts)."""
    files = [root / SOURCES_FILE, root / BRANDS_FILE, root / PARTNERSHIPS_FILE, *fact_files(root)]
    files += sorted((root / SOURCE_TEXTS_DIR).glob("*"))
    return [path for path in files if path.is_file()]


def content_hash(root: Path) -> str:
    """A hash of every knowledge file's name and bytes: equal hashes, equal fact bases."""
    digest = hashlib.blake2b(digest_size=16)
    for path in knowledge_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def read_knowledge(root: Path) -> RawKnowledge:
    """Read every YAML file of a knowledge directory into raw records."""
    raw = RawKnowledge(root=root)
    if not root.is_dir():
        raw.problems.append(Problem(str(root), 0, None, "the knowledge directory does not exist"))
        return raw
    targets = {
        SOURCES_FILE: raw.sources,
        BRANDS_FILE: raw.brands,
        PARTNERSHIPS_FILE: raw.partnerships,
    }
    for name, bucket in targets.items():
        path = root / name
        if not path.is_file():
            raw.problems.append(Problem(name, 0, None, "the file is missing"))
            continue
        records, problems = parse_yaml_records(path.read_text(encoding="utf-8"), name)
        bucket.extend(records)
        raw.problems.extend(problems)
    for path in fact_files(root):
        name = str(path.relative_to(root))
        records, problems = parse_yaml_records(path.read_text(encoding="utf-8"), name)
        raw.facts.extend(records)
        raw.problems.extend(problems)
    return raw


def check_knowledge(root: Path) -> tuple[Any, list[Problem]]:
    """Load and validate a knowledge directory: the fact base (or None) and every problem."""
    raw = read_knowledge(root)
    base, problems = build_fact_base(raw)
    return base, problems


def load_fact_base(root: Path) -> Any:
    """Load a valid fact base, or raise KnowledgeError listing every problem."""
    base, problems = check_knowledge(root)
    if problems or base is None:
        raise KnowledgeError(problems)
    log.info(
        "loaded %d facts, %d brands, %d partnerships from %s",
        len(base.facts),
        len(base.brands),
        len(base.partnerships),
        root,
    )
    return base

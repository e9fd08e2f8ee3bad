"""A YAML list-of-records file as text segments, so one record can change without the rest.

A file such as `knowledge/facts/moderated.yaml` is a header (comments) followed by items, each
the exact text of one top-level `- …` record up to the next one. Changing a record replaces its
segment and leaves every other byte alone: edits are cheap on large files, diffs stay small, and
hand-written formatting and comments elsewhere survive. Files that cannot be cut this way
(anchors shared between records, flow style, document markers) are rewritten whole, in the
canonical `safe_dump` form, the first time the store changes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.facts.problems import Problem
from bot.facts.raw import Record
from bot.facts.yaml_loading import parse_yaml_records

DUMP_OPTIONS: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "width": 100}

# A top-level item starts with "-" in the first column, followed by a blank or the line's end.
_ITEM_START = re.compile(r"^-(?=[ \t]|\r?$)", re.MULTILINE)
# Characters YAML reads as line breaks: in plain or single-quoted style they would not survive.
_MARGIN_TEXT = re.compile(r"^(?![ \t\r\n#]|-(?:[ \t]|\r?$)|$)", re.MULTILINE)
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """safe_dump, except that strings holding YAML line breaks are double-quoted (escaped)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _LINE_BREAKS.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def plain_data(value: Any) -> Any:
    """Records and tuples as plain dicts and lists, so safe_dump and json accept them."""
    if isinstance(value, Mapping):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return value


def dump_record(record: Mapping[str, Any]) -> str:
    """The canonical text of one record as a list item (starting "- id: …")."""
    text: str = yaml.dump([plain_data(record)], Dumper=_Dumper, **DUMP_OPTIONS)
    return text


def dump_mapping(record: Mapping[str, Any]) -> str:
    """The canonical text of one record on its own (for showing it)."""
    text: str = yaml.dump(plain_data(record), Dumper=_Dumper, **DUMP_OPTIONS)
    return text


def shift_lines(value: Any, delta: int) -> None:
    """Move every line number a parsed record (and its nested records) remembers by `delta`."""
    if not delta:
        return
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Record):
            item.line = getattr(item, "line", 0) + delta
            item.key_lines = {key: line + delta for key, line in item.key_lines.items()}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def clear_lines(value: Any) -> None:
    """Forget line numbers, for a record that is not in any file yet."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Record):
            item.line = 0
            item.key_lines = {}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@dataclass(eq=False, slots=True)
class Item:
    """One record of a file: its exact text, its parsed form, the line it starts on."""

    text: str
    record: Record
    start: int
    value: Any = None  # the validated model (a Fact or a Source), when known


def trailing_comments(text: str) -> str:
    """The blank lines and margin comments that end an item's text: they belong to the next.

    A comment written above a record is cut into the item before it; a change to that item
    keeps them where they are.
    """
    body_end = len(text)
    lines = text.splitlines(keepends=True)
    for line in reversed(lines):
        if line.strip() == "" or line.startswith("#"):
            body_end -= len(line)
        else:
            break
    return text[body_end:] if body_end > 0 else ""


def uses_crlf(file: RecordFile) -> bool:
    """Whether a file's lines end in CR LF (a change writes its lines the same way)."""
    sample = file.header + (file.items[0].text if file.items else "")
    return "\r\n" in sample


def split_items(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """The header and (start line, text) of each item, or None when the file cannot be cut."""
    positions = [match.start() for match in _ITEM_START.finditer(text)]
    header = text[: positions[0]] if positions else text
    for line in header.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return None
    # Inside items every line is indented, blank, a comment or the start of an item; anything
    # else at the margin ("---", "...", a stray key) means the file is not a plain list.
    if positions and _MARGIN_TEXT.search(text, positions[0]):
        return None
    segments: list[tuple[int, str]] = []
    start_line = header.count("\n") + 1
    for number, start in enumerate(positions):
        end = positions[number + 1] if number + 1 < len(positions) else len(text)
        segments.append((start_line, text[start:end]))
        start_line += text.count("\n", start, end)
    return header, segments


@dataclass(eq=False, slots=True)
class RecordFile:
    """A list-of-records YAML file, as a header and items whose texts join into the file."""

    name: str
    header: str = ""
    items: list[Item] = field(default_factory=list)
    splittable: bool = True

    def render(self) -> str:
        """The file's text."""
        if not self.splittable:
            return "".join(dump_record(item.record) for item in self.items)
        return self.header + "".join(item.text for item in self.items)

    def index_of(self, item: Item) -> int:
        """The position of an item in the file."""
        for position, candidate in enumerate(self.items):
            if candidate is item:
                return position
        raise ValueError(item)

    def start_at(self, index: int) -> int:
        """The line on which an item inserted at `index` would start."""
        if index < len(self.items):
            return self.items[index].start
        if self.items:
            last = self.items[-1]
            return last.start + last.text.count("\n")
        return self.header.count("\n") + 1

    def needs_break_before(self, index: int) -> bool:
        """Whether the text before `index` lacks its final newline (a hand-written last line)."""
        before = self.items[index - 1].text if index else self.header
        return bool(before) and not before.endswith("\n")

    def spliced(
        self, index: int, remove: int, texts: list[str], *, header: str | None = None
    ) -> str:
        """The file's text with `remove` items at `index` replaced by `texts` (not applied)."""
        if not self.splittable:
            kept = [dump_record(item.record) for item in self.items]
            kept[index : index + remove] = texts
            return "".join(kept)
        parts = [item.text for item in self.items]
        parts[index : index + remove] = texts
        return (self.header if header is None else header) + "".join(parts)

    def set_header(self, header: str) -> None:
        """Replace the header (written already): every item's lines move with it."""
        delta = header.count("\n") - self.header.count("\n")
        self.header = header
        if delta:
            for item in self.items:
                item.start += delta
                shift_lines(item.record, delta)

    def apply(self, index: int, remove: int, new: list[Item]) -> None:
        """Apply a splice already written to disk: new items in, later items' lines moved."""
        old = self.items[index : index + remove]
        delta = sum(item.text.count("\n") for item in new) - sum(
            item.text.count("\n") for item in old
        )
        self.items[index : index + remove] = new
        if delta:
            for item in self.items[index + len(new) :]:
                item.start += delta
                shift_lines(item.record, delta)


def parse_item(text: str, name: str, start: int) -> Record | None:
    """The one record an item's text holds, its lines counted from `start`; None if not one."""
    records, problems = parse_yaml_records(text, name)
    if problems or len(records) != 1:
        return None
    shift_lines(records[0], start - 1)
    return records[0]


def from_records(name: str, text: str, records: list[Record]) -> RecordFile:
    """A file whose text was parsed whole into `records`: cut into items when the cuts agree."""
    split = split_items(text)
    if split is not None and len(split[1]) == len(records):
        header, segments = split
        bounds = [start for start, _ in segments] + [10**12]
        if all(bounds[k] <= record.line < bounds[k + 1] for k, record in enumerate(records)):
            items = [
                Item(segment, record, start)
                for (start, segment), record in zip(segments, records, strict=True)
            ]
            return RecordFile(name, header, items, splittable=True)
    items = [Item("", record, getattr(record, "line", 0)) for record in records]
    return RecordFile(name, "", items, splittable=False)


def parse_record_file(
    name: str, text: str, previous: RecordFile | None = None
) -> tuple[RecordFile | None, list[Problem]]:
    """Parse a file, reusing the parsed (and validated) items of `previous` whose text is unchanged.

    Only new or changed items are parsed, one by one; if any item does not parse alone into one
    record, the whole file is parsed the ordinary way (which also gives exact error lines).
    """
    split = split_items(text)
    if split is not None:
        header, segments = split
        cache: dict[str, list[Item]] = {}
        if previous is not None and previous.splittable:
            for item in previous.items:
                cache.setdefault(item.text, []).append(item)
        items: list[Item] = []
        for start, segment in segments:
            reusable = cache.get(segment)
            if reusable:
                old = reusable.pop()
                shift_lines(old.record, start - old.start)
                items.append(Item(segment, old.record, start, old.value))
                old.start = start
                continue
            record = parse_item(segment, name, start)
            if record is None:
                break
            items.append(Item(segment, record, start))
        else:
            return RecordFile(name, header, items, splittable=True), []
    records, problems = parse_yaml_records(text, name)
    if problems:
        return None, problems
    return from_records(name, text, records), []

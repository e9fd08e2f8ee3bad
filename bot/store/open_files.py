"""The record files a change needs, read from disk when first needed, and where each fact stands.

The store serves 100,000 facts without holding every record's parsed YAML and text: that was a
second copy of the fact base, larger than the first (~350 MB at 100,000 facts). A change reads
the one file it rewrites, checks that the bytes are the ones the served base was built from (its
content hash; else `FileChanged`, and the store computes the change again on the new file),
cuts it into records and keeps it for the next change; only the files used last are kept.
Where each fact stands is kept as its file's name only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from bot.caches.digests import digest
from bot.facts.models import FactBase
from bot.facts.raw import BRANDS_FILE, PARTNERSHIPS_FILE, SOURCES_FILE, Record, decode_text
from bot.facts.record_files import Item, RecordFile, parse_record_file
from bot.store.errors import FileChanged

# Files kept parsed after a change: a moderator's session edits a few files, over and over.
KEEP_FILES = 8


class OpenFiles(MutableMapping[str, RecordFile]):
    """Record files by name: parsed from disk on first use, the last `keep` used kept.

    A name the served base was not read from (no content hash) is missing (KeyError), as is a
    file created by a change until it is stored here.
    """

    def __init__(
        self,
        root: Path,
        hashes: Callable[[], Mapping[str, str]],
        base: Callable[[], FactBase | None],
        forget: Callable[[str], None],
        keep: int = KEEP_FILES,
    ) -> None:
        self.root = root
        self._hashes = hashes
        self._base = base
        self._forget = forget
        self.keep = keep
        self._open: OrderedDict[str, RecordFile] = OrderedDict()

    def cached(self, name: str) -> RecordFile | None:
        """The file if it is parsed already, without reading the disk."""
        return self._open.get(name)

    def __getitem__(self, name: str) -> RecordFile:
        file = self._open.get(name)
        if file is None:
            file = self._read(name)
            self._open[name] = file
            self._trim()
        else:
            self._open.move_to_end(name)
        return file

    def __setitem__(self, name: str, file: RecordFile) -> None:
        self._open[name] = file
        self._open.move_to_end(name)
        self._trim()

    def __delitem__(self, name: str) -> None:
        del self._open[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._open))

    def __len__(self) -> int:
        return len(self._open)

    def setdefault(self, name: str, file: RecordFile) -> RecordFile:
        """The parsed file under `name`, else `file` stored there (never reads the disk)."""
        found = self._open.get(name)
        if found is None:
            self[name] = file
            return file
        return found

    def clear(self) -> None:
        """Forget every parsed file (a full re-read serves new bytes)."""
        self._open.clear()

    def _trim(self) -> None:
        while len(self._open) > self.keep:
            self._open.popitem(last=False)

    def _read(self, name: str) -> RecordFile:
        expected = self._hashes().get(name)
        if expected is None:
            raise KeyError(name)
        try:
            data = (self.root / name).read_bytes()
        except FileNotFoundError:
            data = None
        if data is None or digest(data) != expected:
            # Changed since the served base was read: the caller reads the disk again.
            self._forget(name)
            raise FileChanged(name)
        text, _ = decode_text(data, name)
        parsed, problems = parse_record_file(name, text or "") if text is not None else (None, [])
        if parsed is None or problems:  # the bytes it was read from were valid
            self._forget(name)
            raise FileChanged(name)
        base = self._base()
        values: Mapping[str, Any] = {}
        if base is not None:
            # Each file's models: a brand and a fact may share an id ("leica").
            by_file: dict[str, Mapping[str, Any]] = {
                SOURCES_FILE: base.sources,
                BRANDS_FILE: base.brands,
                PARTNERSHIPS_FILE: base.partnerships,
            }
            values = by_file.get(name, base.facts)
        for item in parsed.items:
            record_id = item.record.get("id")
            # A valid file's ids are strings; nothing else is a key of `values`.
            item.value = values.get(record_id) if isinstance(record_id, str) else None
        return parsed


def find_item(file: RecordFile, record_id: str) -> Item | None:
    """The item of a file that holds the record `record_id`."""
    for item in file.items:
        if item.record.get("id") == record_id:
            return item
    return None


class FactPlaces:
    """Each fact's file by id; its item (text and parsed record) read through `OpenFiles`."""

    def __init__(self, files: OpenFiles, names: dict[str, str] | None = None) -> None:
        self.files = files
        self.names: dict[str, str] = names if names is not None else {}

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.names

    def __len__(self) -> int:
        return len(self.names)

    def get(self, fact_id: str) -> tuple[str, Item] | None:
        """The file and item of a fact, or None when there is no such fact."""
        name = self.names.get(fact_id)
        if name is None:
            return None
        item = find_item(self.files[name], fact_id)
        if item is None:  # the file no longer holds it: read the disk again
            self.files.pop(name, None)
            raise FileChanged(name)
        return name, item

    def __setitem__(self, fact_id: str, at: tuple[str, Item]) -> None:
        self.names[fact_id] = at[0]

    def pop(self, fact_id: str) -> None:
        """Forget where a removed fact stood."""
        self.names.pop(fact_id, None)


class SeenFacts(MutableMapping[str, Mapping[str, Any]]):
    """Every served fact's record by id but one, for the duplicate-id check of `build_fact`.

    Membership needs no file; a record is read only to name where a duplicate stands.
    """

    def __init__(self, places: FactPlaces, excluded: Callable[[str], bool]) -> None:
        self.places = places
        self.excluded = excluded
        self.added: dict[str, Mapping[str, Any]] = {}

    def __contains__(self, fact_id: object) -> bool:
        if fact_id in self.added:
            return True
        return isinstance(fact_id, str) and fact_id in self.places and not self.excluded(fact_id)

    def __getitem__(self, fact_id: str) -> Mapping[str, Any]:
        if fact_id in self.added:
            return self.added[fact_id]
        if fact_id not in self:
            raise KeyError(fact_id)
        name = self.places.names[fact_id]
        try:
            at = self.places.get(fact_id)
        except FileChanged:
            at = None
        if at is None:
            placeholder = Record()
            placeholder.file = name
            return placeholder
        return at[1].record

    def __setitem__(self, fact_id: str, record: Mapping[str, Any]) -> None:
        self.added[fact_id] = record

    def __delitem__(self, fact_id: str) -> None:
        del self.added[fact_id]

    def __iter__(self) -> Iterator[str]:
        yield from self.added
        yield from (k for k in self.places.names if k not in self.added and not self.excluded(k))

    def __len__(self) -> int:
        return sum(1 for _ in self)

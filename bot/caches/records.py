"""The store's parsed and checked knowledge, cached under a key of the files' content.

Parsing 100,000 facts' YAML with line numbers, then checking them, takes about half a minute;
unpickling the result takes a few seconds. The key is a hash of every knowledge file the store
reads (names and text) and every source text file (names and bytes), with the code that parses
and checks them, so any change to a file or to that code is a miss. When only fact files changed
(a moderator's edit, a pull), the facts of the unchanged ones come from the last read and only
the changed files are parsed and checked; otherwise the files are parsed again. Either way the
result is cached for the next start. Only valid knowledge is cached. The files are read under
the same rules as the engine cache (`bot.caches.pickles`).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.caches.digests import DIGESTS_FILE, DigestMemo
from bot.caches.pickles import code_hash, read_pickle, remove_dead_temporaries, write_pickle
from bot.facts.models import FactBase

log = logging.getLogger(__name__)

# The folder in STATE_DIR; bump CACHE_FORMAT when what is pickled changes shape.
RECORDS_CACHE_DIR = "records-cache"
CACHE_FORMAT = 4
_PREFIX = "records-"
_ASKED_PREFIX = "asked-"
_PLACES_PREFIX = "places-"
# Questions per chunk of the asked-questions cache: ~2 ms to unpickle each.
_ASKED_CHUNK = 5_000
# The code the records depend on: all of camerabot's core (the readers, the checks, the limits and
# text rules they apply), so no module the records come to depend on can be missed.
RECORDS_CODE = ("bot",)


@lru_cache(maxsize=1)
def _code_hash() -> str:
    return code_hash(RECORDS_CODE, str(CACHE_FORMAT))


@dataclass(frozen=True, slots=True)
class CachedRecords:
    """A valid read: the fact base, each fact's file, and what it was read from."""

    base: FactBase
    fact_files: dict[str, str]
    # The content hash of each fact file, and the key of everything else (`frame_key`).
    fact_hashes: dict[str, str]
    frame: str


class RecordCache:
    """Parsed, valid knowledge (the fact base and each fact's file) by content, in one folder.

    One read is kept: the last. Its key is that of every file; when only fact files changed
    since, it still serves the facts of the unchanged ones (`latest`, `bot.store.disk`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        # A killed writer's temporary goes at the next start, even one that writes no cache.
        remove_dead_temporaries(self.folder)
        # Content hashes of the knowledge files by stamp: whether they changed, without reading.
        self.memo = DigestMemo(self.folder / DIGESTS_FILE)

    @staticmethod
    def frame_key(hashes: Mapping[str, str]) -> str:
        """The key of everything but the fact files, from each file's name and content hash.

        The parsing code is part of the key.
        """
        digest = hashlib.blake2b(digest_size=16)
        digest.update(_code_hash().encode())
        for name in sorted(hashes):
            digest.update(f"\0{name}\0{hashes[name]}".encode())
        return digest.hexdigest()

    @staticmethod
    def key(frame: str, fact_hashes: Mapping[str, str]) -> str:
        """The key of a whole read: its frame and every fact file's name and content hash."""
        digest = hashlib.blake2b(frame.encode(), digest_size=16)
        for name in sorted(fact_hashes):
            digest.update(f"\0{name}\0{fact_hashes[name]}".encode())
        return digest.hexdigest()

    def read(self, key: str) -> CachedRecords | None:
        """The read cached under `key`, or None."""
        return self._read(self.folder / f"{_PREFIX}{key}.pickle")

    def latest(self) -> CachedRecords | None:
        """The read cached last, whatever its key (None when there is none or several)."""
        found = list(self.folder.glob(f"{_PREFIX}*.pickle"))
        return self._read(found[0]) if len(found) == 1 else None

    def _read(self, path: Path) -> CachedRecords | None:
        value = read_pickle(path)
        if value is None:
            return None
        if not isinstance(value, CachedRecords) or not isinstance(value.base, FactBase):
            log.warning("ignoring the records cache %s: it holds something else", path.name)
            return None
        return value

    def write(self, key: str, records: CachedRecords) -> bool:
        """Cache a valid read under `key`, replacing older ones."""
        return write_pickle(self.folder / f"{_PREFIX}{key}.pickle", records)

    def read_places(self, key: str) -> dict[str, str] | None:
        """Each fact's file in the read under `key` (without its facts), or None.

        For a start whose engine cache holds the same files' fact base: the store serves that
        base, so no second copy of every fact is unpickled.
        """
        value = read_pickle(self.folder / f"{_PLACES_PREFIX}{key}.pickle")
        if value is not None and not isinstance(value, dict):
            log.warning("ignoring the places cache under %s: it holds something else", key)
            return None
        return value

    def write_places(self, key: str, fact_files: dict[str, str]) -> bool:
        """Cache each fact's file for the read under `key`."""
        return write_pickle(self.folder / f"{_PLACES_PREFIX}{key}.pickle", fact_files)

    def read_asked(self, key: str) -> dict[str, str] | None:
        """Which fact asks each question (`question_key`) in the read under `key`, or None.

        Cached apart from the read: only a change needs it (400,000 questions at 100,000
        facts take seconds to fold, and memory the bot does not need to answer). It is kept
        in small pickled chunks: the bot reads it in a worker thread, and one unpickling call
        of the whole (~0.15 s) would hold the interpreter lock, and the event loop, as long.
        """
        value = read_pickle(self.folder / f"{_ASKED_PREFIX}{key}.pickle")
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(c, bytes) for c in value):
            log.warning("ignoring the asked-questions cache under %s: it holds something else", key)
            return None
        asked: dict[str, str] = {}
        for chunk in value:
            # The chunks are bytes of the file `read_pickle` trusted.
            asked.update(pickle.loads(chunk))  # noqa: S301
        return asked

    def write_asked(self, key: str, asked: dict[str, str]) -> bool:
        """Cache which fact asks each question for the read under `key`."""
        items = list(asked.items())
        chunks = [
            pickle.dumps(dict(items[at : at + _ASKED_CHUNK]), protocol=pickle.HIGHEST_PROTOCOL)
            for at in range(0, len(items), _ASKED_CHUNK)
        ]
        return write_pickle(self.folder / f"{_ASKED_PREFIX}{key}.pickle", chunks)

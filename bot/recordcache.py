"""The store's parsed and checked knowledge, cached under a key of the files' content.

Parsing 100,000 facts' YAML with line numbers, then checking them, takes about half a minute;
unpickling the result takes a few seconds. The key is a hash of every knowledge file the store
reads (names and text) and every source text file (names and bytes), with the code that parses
and checks them, so any change to a file or to that code is a miss: the files are then parsed
again and the result cached for the next start. Only valid knowledge is cached. The files are
read under the same rules as the engine cache (`bot.picklecache`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from bot.models import FactBase
from bot.picklecache import code_hash, read_pickle, write_pickle

log = logging.getLogger(__name__)

# The folder in STATE_DIR; bump CACHE_FORMAT when what is pickled changes shape.
RECORDS_CACHE_DIR = "records-cache"
CACHE_FORMAT = 2
_PREFIX = "records-"
_MODULES = ("loader", "models", "picklecache", "recordcache", "recordfile", "validation")


@lru_cache(maxsize=1)
def _code_hash() -> str:
    return code_hash(_MODULES, str(CACHE_FORMAT))


class RecordCache:
    """Parsed, valid knowledge (the fact base and each fact's file) by content, in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(root: Path, texts: Mapping[str, str], other_files: list[str]) -> str:
        """The key of knowledge read as `texts` (name to text) plus `other_files` under `root`.

        `other_files` (the source texts) are hashed as bytes; one that cannot be read makes the
        key differ from any a valid read wrote.
        """
        digest = hashlib.blake2b(digest_size=16)
        digest.update(_code_hash().encode())
        for name in sorted(texts):
            digest.update(f"\0{name}\0".encode())
            digest.update(texts[name].encode("utf-8", "surrogatepass"))
        for name in sorted(other_files):
            digest.update(f"\0{name}\0".encode())
            try:
                digest.update((root / name).read_bytes())
            except OSError:
                digest.update(b"\0unreadable")
        return digest.hexdigest()

    def read(self, key: str) -> tuple[FactBase, dict[str, str]] | None:
        """The fact base and each fact's file cached under `key`, or None."""
        value = read_pickle(self.folder / f"{_PREFIX}{key}.pickle")
        if value is None:
            return None
        if (
            not isinstance(value, tuple)
            or len(value) != 2
            or not isinstance(value[0], FactBase)
            or not isinstance(value[1], dict)
        ):
            log.warning("ignoring the records cache under %s: it holds something else", key)
            return None
        return value

    def write(self, key: str, base: FactBase, fact_files: dict[str, str]) -> bool:
        """Cache a valid fact base and each fact's file under `key`, replacing older ones."""
        return write_pickle(self.folder / f"{_PREFIX}{key}.pickle", (base, fact_files))

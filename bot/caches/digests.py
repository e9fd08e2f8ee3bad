"""Content hashes of the knowledge files, remembered by file stamp so unchanged files are not read.

A start with warm caches only needs to know that the files are the ones the caches were built
from. Reading and hashing 100,000 facts' files (~60 MB) for that took ~0.3 s per key, and a
start computed three. The memo maps each file's name to its stamp (modification and change
times in nanoseconds, size, inode) and the hash of its bytes; a file whose stamp differs is read
and hashed again. It lives in STATE_DIR beside the caches and is trusted like them
(`bot.caches.pickles.trusted`); it is JSON, never code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from bot.caches.pickles import trusted, write_atomically
from bot.state.atomic import open_state

log = logging.getLogger(__name__)

DIGESTS_FILE = "digests.json"


def digest(data: bytes) -> str:
    """The content hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _stamp(info: os.stat_result) -> list[int]:
    return [info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns]


class DigestMemo:
    """File hashes by name and stamp, read from and saved to one JSON file (None: in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._known: dict[str, list[object]] = {}
        self._changed = False
        if path is not None and trusted(path):
            try:
                # Never through a link, only a regular file: a FIFO in its place must not hang.
                descriptor = open_state(path, os.O_RDONLY)
                with os.fdopen(descriptor, encoding="utf-8") as handle:
                    loaded = json.loads(handle.read())
            except (OSError, ValueError) as error:
                log.warning("ignoring the file hashes in %s: %s", path, error)
            else:
                if isinstance(loaded, dict):
                    self._known = loaded

    def file_digest(self, path: Path, name: str) -> str | None:
        """The hash of the file's bytes (None when it cannot be read), read only if it changed."""
        try:
            info = path.stat()
        except OSError:
            return None
        stamp = _stamp(info)
        known = self._known.get(name)
        if isinstance(known, list) and len(known) == 5 and known[:4] == stamp:
            value = known[4]
            if isinstance(value, str):
                return value
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return self.remember(name, stamp, digest(data))

    def remember(self, name: str, stamp: list[int], value: str) -> str:
        """Note the hash of `name` as read at `stamp`."""
        if self._known.get(name) != [*stamp, value]:
            self._known[name] = [*stamp, value]
            self._changed = True
        return value

    def save(self) -> None:
        """Write the memo if anything was learnt (atomically; a failure only costs a re-read)."""
        if self.path is None or not self._changed:
            return
        try:
            known = json.dumps(self._known).encode()
            write_atomically(self.path, lambda file: file.write(known))
            self._changed = False
        except OSError as error:
            log.warning("could not save the file hashes %s: %s", self.path, error)

"""What a built engine depends on: the knowledge files' content and the code that builds it.

An engine is only reused (from the engine cache, or caught up) when the same code built it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import rapidfuzz

from bot.caches.digests import DigestMemo
from bot.caches.pickles import code_hash
from bot.facts.yaml_loading import content_hash

# Bump when what is pickled changes shape in a way the code hash misses.
CACHE_FORMAT = 3
# Packages whose code decides what an engine built from a knowledge directory holds.
_ENGINE_PACKAGES = ("bot.engine", "bot.facts", "bot.caches")


def cache_key(root: Path, memo: DigestMemo | None = None) -> str:
    """The key of a knowledge directory's engine: its files' content and the engine's code.

    With `memo`, files unchanged since they were last hashed are not read
    (`bot.caches.digests`).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(content_hash(root, memo).encode())
    digest.update(engine_code_hash().encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine_code_hash() -> str:
    """The hash of the code that builds engines (and of the rapidfuzz it uses)."""
    return code_hash(_ENGINE_PACKAGES, str(CACHE_FORMAT), "rapidfuzz", rapidfuzz.__version__)

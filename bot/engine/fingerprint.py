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
# The code that decides what an engine built from a knowledge directory holds: all of camerabot's
# core (the engine, the readers, the checks, the limits), so no module it depends on is missed.
ENGINE_CODE = ("bot",)


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
    return code_hash(ENGINE_CODE, str(CACHE_FORMAT), "rapidfuzz", rapidfuzz.__version__)

"""A start from the caches reads no knowledge file it hashed before (hashes remembered by stamp)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.caches.digests import DigestMemo, digest
from bot.engine.fingerprint import cache_key
from bot.facts.yaml_loading import content_hash
from bot.store import KnowledgeStore
from bot.store import disk as store_reading


def _reads_under(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The knowledge files read (as bytes) from now on."""
    reads: list[str] = []
    read_bytes = Path.read_bytes

    def recording(path: Path) -> bytes:
        if path.is_relative_to(root):
            reads.append(path.relative_to(root).as_posix())
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recording)
    return reads


def test_a_start_from_the_cache_reads_no_knowledge_file(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    base = KnowledgeStore(root, state).load()
    reads = _reads_under(root, monkeypatch)
    store = KnowledgeStore(root, state)
    assert store.load() == base
    assert reads == []
    # A file saved again with the same bytes has a new stamp: read and hashed, still a hit.
    leica = root / "facts" / "leica.yaml"
    leica.write_bytes(leica.read_bytes())
    reads.clear()
    parsed: list[str] = []
    monkeypatch.setattr(store_reading, "parse_yaml_records", lambda *a: parsed.append(a[1]))
    assert KnowledgeStore(root, state).load() == base
    assert reads == ["facts/leica.yaml"]
    assert parsed == []


def test_a_memo_others_can_write_is_not_believed(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    store.load()
    memo = store.digest_memo
    assert memo is not None
    assert memo.path is not None
    memo.path.chmod(0o666)
    reads = _reads_under(root, monkeypatch)
    KnowledgeStore(root, state).load()
    assert "brands.yaml" in reads


def test_hashes_with_the_memo_are_the_hashes_of_the_bytes(
    tmp_path: Path, kb: tuple[Path, Path]
) -> None:
    root, _ = kb
    memo = DigestMemo(tmp_path / "memo.json")
    assert content_hash(root, memo) == content_hash(root)
    memo.save()
    again = DigestMemo(tmp_path / "memo.json")
    assert cache_key(root, again) == cache_key(root)
    brands = root / "brands.yaml"
    before = brands.stat()
    brands.write_text(brands.read_text(encoding="utf-8") + "# more\n", encoding="utf-8")
    # Same modification time as before, other bytes: the size and change time still differ.
    os.utime(brands, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert content_hash(root, again) == content_hash(root)


def test_a_file_hash_is_32_hex_digits() -> None:
    assert re.fullmatch("[0-9a-f]{32}", digest(b"- id: a\n"))


def test_a_memo_is_written_only_when_it_learnt_something(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "digests.json"
    memo = DigestMemo(path)
    memo.remember("facts/a.yaml", [1, 2, 3, 4], "h")
    memo.save()
    written = path.stat().st_ino
    memo.save()
    again = DigestMemo(path)
    assert again.remember("facts/a.yaml", [1, 2, 3, 4], "h") == "h"
    again.save()
    assert path.stat().st_ino == written  # nothing new: not rewritten
    again.remember("facts/a.yaml", [1, 2, 3, 5], "h2")
    again.save()
    assert path.stat().st_ino != written


def test_a_memo_in_memory_only_is_never_written(tmp_path: Path) -> None:
    memo = DigestMemo(None)
    memo.remember("facts/a.yaml", [1, 2, 3, 4], "h")
    memo.save()
    assert list(tmp_path.iterdir()) == []


def test_a_memo_that_cannot_be_saved_says_so_and_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    path = tmp_path / "not-a-folder" / "digests.json"
    memo = DigestMemo(path)
    memo.remember("facts/a.yaml", [1, 2, 3, 4], "h")
    memo.save()
    [message] = [r.getMessage() for r in caplog.records if "save" in r.getMessage()]
    assert message.startswith(f"could not save the file hashes {path}: [Errno ")

"""The engine cache is only read when nobody but this user could have written it."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.caches import pickles as picklecache
from bot.engine import engine as answers
from bot.engine.engine import Engine
from bot.runtime.startup import open_engine
from tests.conftest import KNOWLEDGE


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


def _forbid_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt")

    monkeypatch.setattr(answers.Engine, "__init__", no_build)


@pytest.mark.parametrize(("file_mode", "folder_mode"), [(0o600, 0o700), (0o644, 0o755)])
def test_a_private_cache_is_read(
    knowledge: Path, tmp_path: Path, monkeypatch, file_mode: int, folder_mode: int
) -> None:
    """Others may read the cache (it holds only the public fact base), not write it."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    open_engine(knowledge, cache)
    [pickled] = cache.glob("engine-*.pickle")
    pickled.chmod(file_mode)
    cache.chmod(folder_mode)
    _forbid_builds(monkeypatch)
    assert open_engine(knowledge, cache).ask("Where is Leica from?").answered


@pytest.mark.parametrize(
    ("target", "mode"),
    [
        ("file", 0o666),
        ("file", 0o620),  # group-writable alone is enough to refuse it
        ("file", 0o602),
        ("folder", 0o777),
        ("folder", 0o770),
        ("folder", 0o707),
    ],
)
def test_a_cache_others_can_write_is_ignored(
    knowledge: Path,
    tmp_path: Path,
    monkeypatch,
    caplog: pytest.LogCaptureFixture,
    target: str,
    mode: int,
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    open_engine(knowledge, cache)
    [pickled] = cache.glob("engine-*.pickle")
    (pickled if target == "file" else cache).chmod(mode)
    _forbid_builds(monkeypatch)
    with (
        caplog.at_level(logging.WARNING, logger=picklecache.log.name),
        pytest.raises(AssertionError, match="rebuilt"),
    ):
        open_engine(knowledge, cache)
    assert [r.getMessage() for r in caplog.records] == [
        f"ignoring the cache {pickled}: it or its folder is writable by other users"
    ]


def test_a_cache_whose_status_cannot_be_read_is_ignored(
    knowledge: Path, tmp_path: Path, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    open_engine(knowledge, cache)
    [pickled] = cache.glob("engine-*.pickle")
    real_stat = Path.stat

    def stat(self: Path, **kwargs: object) -> object:
        if self == pickled:
            raise PermissionError("no access")
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    _forbid_builds(monkeypatch)
    with (
        caplog.at_level(logging.WARNING, logger=picklecache.log.name),
        pytest.raises(AssertionError, match="rebuilt"),
    ):
        open_engine(knowledge, cache)
    assert [r.getMessage() for r in caplog.records] == [f"ignoring the cache {pickled}: no access"]


def test_loading_pauses_collection_and_freezes_the_engine(
    knowledge: Path, tmp_path: Path, monkeypatch
) -> None:
    import gc

    seen: list[bool] = []
    build = Engine._build

    def watched(self: Engine, base) -> None:
        seen.append(gc.isenabled())
        build(self, base)

    monkeypatch.setattr(Engine, "_build", watched)
    gc.unfreeze()
    assert gc.isenabled()
    engine = open_engine(knowledge)
    assert seen == [False]  # no collection while the engine's objects arrive
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what was alive, the engine with it, is frozen
    gc.unfreeze()
    with picklecache.collection_paused():
        with picklecache.collection_paused():
            pass
        assert not gc.isenabled()  # the inner block does not turn collection back on
    assert gc.isenabled()
    assert engine.ask("Where is Leica from?").answered
    gc.unfreeze()

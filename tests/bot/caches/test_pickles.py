"""The caches' keys hash the code their content depends on."""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from bot.caches.digests import DIGESTS_FILE, DigestMemo
from bot.caches.pickles import code_files, code_hash, write_atomically, write_pickle
from bot.caches.records import RECORDS_CACHE_DIR, RECORDS_CODE
from bot.engine.fingerprint import ENGINE_CODE
from bot.store import KnowledgeStore
from tests.helpers.store import copy_knowledge


def _names(packages: tuple[str, ...]) -> set[str]:
    return {path.as_posix().split("/bot/", 1)[-1] for path in code_files(packages)}


@pytest.mark.parametrize("packages", [RECORDS_CODE, ENGINE_CODE])
def test_the_keys_cover_the_limits_the_text_rules_and_the_readers(
    packages: tuple[str, ...],
) -> None:
    # Issue 20 item 3: a change to the limits or the text rules changed no key.
    names = _names(packages)
    assert {"facts/limits.py", "facts/text.py", "facts/validation.py", "store/disk.py"} <= names


def test_a_changed_module_changes_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "keyedpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "limits.py").write_text("LIMIT = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = code_hash(("keyedpkg",))
    (package / "limits.py").write_text("LIMIT = 2\n")
    assert code_hash(("keyedpkg",)) != before


def test_a_key_is_32_hex_digits() -> None:
    # Keys name the cache files: 128 bits, a file name of fixed length.
    assert re.fullmatch("[0-9a-f]{32}", code_hash(("bot.caches",), "4"))


def test_a_package_that_is_not_there_is_an_error_not_an_empty_key() -> None:
    with pytest.raises(ModuleNotFoundError) as missing:
        code_hash(("bot.no_such_package",))
    assert missing.value.name == "bot.no_such_package"
    assert str(missing.value) == "no package 'bot.no_such_package' to hash"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporaries_of_killed_cache_writers_are_removed(tmp_path: Path) -> None:
    # Issue 20 item 14: a killed `ask` left a 5.9 MB .records-*.tmp; .digests-* piled up.
    folder = tmp_path / "records-cache"
    folder.mkdir(mode=0o700)
    dead = _dead_pid()
    left = [
        folder / f".records-{dead}-k1l2.tmp",
        folder / f".digests-{dead}-x9.tmp",
        folder / ".records-oldname.tmp",  # an older release's name: no pid, removed when old
    ]
    live = folder / f".records-{os.getpid()}-busy.tmp"  # a writer at work right now
    for path in [*left, live]:
        path.write_bytes(b"half")
    os.utime(left[2], (time.time() - 7200, time.time() - 7200))
    assert write_pickle(folder / "records-k.pickle", {"a": 1})
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, "records-k.pickle"])
    memo = DigestMemo(folder / DIGESTS_FILE)
    memo.remember("x", [1, 2, 3, 4], "h")
    (folder / f".digests-{dead}-y.tmp").write_bytes(b"half")
    memo.save()
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([live.name, "records-k.pickle", DIGESTS_FILE])


@pytest.mark.parametrize(
    "name",
    [
        ".records-99999999999999999999-k.tmp",  # past a C long: os.kill raised OverflowError
        ".records-\u00b2-k.tmp",  # a digit to str.isdigit, not to int(): ValueError
        ".records-\u0661\u0662-k.tmp",  # Arabic-Indic digits
        ".records--5-k.tmp",
    ],
)
def test_a_temporary_with_an_odd_pid_never_breaks_a_start(tmp_path: Path, name: str) -> None:
    # A fresh attack on issue 20 item 14: a name anyone with STATE_DIR can write raised out of
    # every start that read the records cache.
    root, state = copy_knowledge(tmp_path)
    KnowledgeStore(root, state).load()
    left = state / RECORDS_CACHE_DIR / name
    left.write_bytes(b"half")
    KnowledgeStore(root, state).load()
    assert left.exists()  # not known dead, and not an hour old
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    KnowledgeStore(root, state).load()
    assert not left.exists()


def test_an_hour_old_temporary_of_a_live_pid_is_removed(tmp_path: Path) -> None:
    # The pid of a writer killed long ago may be another process's now: age ends the wait.
    root, state = copy_knowledge(tmp_path)
    KnowledgeStore(root, state).load()
    folder = state / RECORDS_CACHE_DIR
    reused = folder / f".records-{os.getpid()}-k.tmp"
    fresh = folder / f".digests-{os.getpid()}-k.tmp"
    for path in (reused, fresh):
        path.write_bytes(b"half")
    os.utime(reused, (time.time() - 7200, time.time() - 7200))
    KnowledgeStore(root, state).load()
    assert not reused.exists()
    assert fresh.exists()


def test_a_start_from_warm_caches_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    # A killed `ask` left its temporary; the next starts write no cache, yet it goes.
    root, state = copy_knowledge(tmp_path)
    KnowledgeStore(root, state).load()
    folder = state / RECORDS_CACHE_DIR
    left = folder / f".records-{_dead_pid()}-k1l2.tmp"
    left.write_bytes(b"half a pickle")
    KnowledgeStore(root, state).load()
    assert not left.exists()


def test_fast_pickled_records_come_back_equal_and_still_frozen() -> None:
    # Each field is set through its slot's descriptor: every field, in order, and nothing else.
    import dataclasses
    import pickle

    from bot.engine.matcher.records import Entry
    from bot.facts.models import Citation, Device, Fact, Month

    values = [
        Fact(
            "f",
            "Q?",
            "A.",
            (Citation("s", "quote"),),
            phrasings=("P?",),
            brands=("b",),
        ),
        Device("Phone 1"),  # one field given, one default
        Month(2022),
        Month(2022, 7),
        Entry("e", ("q",), "a", frozenset({"b"}), ("x",)),
    ]
    for value in values:
        back = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert back == value
        assert type(back) is type(value)
        assert [getattr(back, f.name) for f in dataclasses.fields(back)] == [
            getattr(value, f.name) for f in dataclasses.fields(value)
        ]
        with pytest.raises(dataclasses.FrozenInstanceError):
            back.__setattr__(dataclasses.fields(back)[0].name, "changed")


# A writer at work: a hangup would end it (the default, even where the test run ignores them).
# The test using it sorts before the one whose live writer is this very process, so that under
# `make mutate` (node ids in order, first failure ends the run) a mutant that signals the
# writer kills it, not the test run.
WRITER = """
import signal, time
signal.signal(signal.SIGHUP, signal.SIG_DFL)
print("writing", flush=True)
time.sleep(60)
"""


def test_a_live_writers_temporary_is_kept_and_the_writer_left_alone(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "records-cache"
    folder.mkdir(mode=0o700)
    writer = subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n"
        busy = folder / f".records-{writer.pid}-k1l2.tmp"
        busy.write_bytes(b"half")
        assert write_pickle(folder / "records-k.pickle", {"a": 1})
        assert busy.exists()
        with pytest.raises(subprocess.TimeoutExpired):
            writer.wait(timeout=0.5)  # looking it up sent it no signal
    finally:
        writer.kill()
        writer.wait()


def test_the_temporary_of_another_users_writer_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "records-cache"
    folder.mkdir(mode=0o700)
    theirs = folder / ".records-4242-k1l2.tmp"
    theirs.write_bytes(b"half")

    def kill(pid: int, signal: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")  # alive, not ours

    monkeypatch.setattr(os, "kill", kill)
    assert write_pickle(folder / "records-k.pickle", {"a": 1})
    assert theirs.exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("records-k1.pickle", "records"),
        ("two-part-k1.pickle", "two-part"),
        ("digests.json", "digests"),
        ("memo.v2.json", "memo.v2"),
    ],
)
def test_a_cache_is_written_through_a_private_temporary_named_after_its_kind_and_writer(
    tmp_path: Path, name: str, kind: str
) -> None:
    folder = tmp_path / "cache"
    path = folder / name
    seen: list[list[str]] = []

    def write(file: IO[bytes]) -> None:
        seen.append(sorted(p.name for p in folder.iterdir()))
        file.write(b"data")

    write_atomically(path, write)
    [[temporary]] = seen
    assert re.fullmatch(rf"\.{re.escape(kind)}-{os.getpid()}-[^/]+\.tmp", temporary)
    assert [p.name for p in folder.iterdir()] == [name]
    assert path.read_bytes() == b"data"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # a new folder: this user's only


def test_a_failed_cache_write_leaves_no_temporary_and_raises_its_own_error(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cache"

    def failing(file: IO[bytes]) -> None:
        raise ValueError("cannot pickle")

    with pytest.raises(ValueError, match="cannot pickle"):
        write_atomically(folder / "records-k.pickle", failing)
    assert list(folder.iterdir()) == []

    def removed_then_failing(file: IO[bytes]) -> None:
        for temporary in folder.iterdir():
            temporary.unlink()  # gone already, as a cleaner might have it
        raise ValueError("cannot pickle")

    with pytest.raises(ValueError, match="cannot pickle"):
        write_atomically(folder / "records-k.pickle", removed_then_failing)

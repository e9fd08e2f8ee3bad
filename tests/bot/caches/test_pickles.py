"""The caches' keys hash the code their content depends on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.caches.digests import DIGESTS_FILE, DigestMemo
from bot.caches.pickles import code_files, code_hash, write_pickle
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


def test_a_package_that_is_not_there_is_an_error_not_an_empty_key() -> None:
    with pytest.raises(ModuleNotFoundError):
        code_hash(("bot.no_such_package",))


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

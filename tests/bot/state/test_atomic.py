"""Atomic writes keep the file's mode, never show a half file, and clean up after themselves."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.state import atomic
from bot.state.atomic import (
    FileReplaced,
    LockTimeout,
    atomic_write,
    checked_replace,
    file_lock,
    fsync_directory,
    is_temporary,
    read_state,
    remove_file,
    remove_stale_temporaries,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("before", [0o644, 0o640, 0o600, 0o664])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, before: int) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    path.chmod(before)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == before, oct(mode(path))


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_allows(
    tmp_path: Path, umask: None, mask: int, expected: int
) -> None:
    os.umask(mask)
    path = tmp_path / "new.yaml"
    atomic_write(path, b"data")
    assert mode(path) == expected, oct(mode(path))
    assert os.umask(mask) == mask, "the umask is left as it was"


def test_the_data_is_private_while_it_is_written(
    tmp_path: Path, umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0o022)
    seen: list[int] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        seen.append(stat.S_IMODE(os.fstat(descriptor).st_mode))
        real_fsync(descriptor)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    atomic_write(tmp_path / "x.yaml", b"data")
    assert seen[0] == 0o600, oct(seen[0])


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "facts.yaml"
    atomic_write(path, b"data")
    assert path.read_bytes() == b"data"


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    atomic_write(tmp_path / "x.yaml", b"1")
    atomic_write(tmp_path / "x.yaml", b"2")
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_a_failed_replace_raises_its_own_error_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"old")

    def replace(self: Path, target: Path) -> None:
        self.unlink()  # the temporary is gone already: removing it again fails, quietly
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_temporary_names() -> None:
    assert is_temporary(".facts.yaml.123.abcd.tmp")
    assert not is_temporary(".hidden")
    assert not is_temporary("notes.tmp")
    assert not is_temporary("facts.yaml")


def test_stale_temporaries_are_removed_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text("keep")
    (tmp_path / ".hidden").write_text("keep")
    stale = tmp_path / ".facts.yaml.1.ab.tmp"
    stale.write_text("half")
    (tmp_path / ".folder.tmp").mkdir()
    target = tmp_path / "target.yaml"
    target.write_text("keep")
    (tmp_path / ".link.tmp").symlink_to(target)
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".folder.tmp",
        ".hidden",
        ".link.tmp",
        "facts.yaml",
        "target.yaml",
    ]


def test_stale_temporaries_of_a_missing_folder(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "missing") == []


def test_removing_a_missing_file_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("x")
    remove_file(path)
    assert not path.exists()
    remove_file(path)


def test_fsync_directory_refuses_a_file(tmp_path: Path) -> None:
    fsync_directory(tmp_path)
    path = tmp_path / "x.yaml"
    path.write_text("x")
    with pytest.raises(NotADirectoryError):
        fsync_directory(path)


needs_exchange = pytest.mark.skipif(
    atomic._renameat2 is None, reason="the system cannot swap two files atomically"
)


@needs_exchange
def test_a_save_right_after_the_check_is_kept(tmp_path: Path) -> None:
    # An editor saves in the instant between the version check and the replace: where files can
    # be swapped atomically, its save is found after the swap and put back, never overwritten.
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    seen: list[bytes | None] = []

    def unchanged(found: bytes | None) -> bool:
        seen.append(found)
        if len(seen) == 1:
            path.write_bytes(b"hand edit")  # after the check, before the swap
        return found == b"old"

    with pytest.raises(FileReplaced) as error:
        checked_replace(path, b"store's write", unchanged)
    assert str(error.value) == str(path)
    assert seen == [b"old", b"hand edit"]
    assert path.read_bytes() == b"hand edit"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]


@needs_exchange
def test_a_file_gone_before_the_swap_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")

    def unchanged(found: bytes | None) -> bool:
        path.unlink()  # after the check, before the swap
        return True

    with pytest.raises(OSError) as error:
        checked_replace(path, b"new", unchanged)
    assert (error.value.errno, error.value.filename) == (errno.ENOENT, str(path))
    assert str(error.value) == f"[Errno {errno.ENOENT}] No such file or directory: '{path}'"
    assert list(tmp_path.iterdir()) == []


@needs_exchange
def test_a_newer_save_during_the_swap_back_is_the_one_kept(tmp_path: Path) -> None:
    # A hand edit lands after the check; while the store's file is swapped in and the edit
    # looked at, yet another save comes in: the newest save stays, and nothing is left over.
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    seen: list[bytes | None] = []

    def unchanged(found: bytes | None) -> bool:
        seen.append(found)
        path.write_bytes(b"hand edit" if len(seen) == 1 else b"newest save")
        return found == b"old"

    with pytest.raises(FileReplaced) as error:
        checked_replace(path, b"store's write", unchanged)
    assert str(error.value) == str(path)
    assert seen == [b"old", b"hand edit"]
    assert path.read_bytes() == b"newest save"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]


def cannot_exchange(code: int) -> object:
    """A renameat2 that fails with `code`, as on a file system that cannot swap files."""

    def renameat2(*args: object) -> int:
        ctypes.set_errno(code)
        return -1

    return renameat2


@pytest.mark.parametrize(
    "renameat2",
    [None, cannot_exchange(errno.EINVAL), cannot_exchange(errno.EXDEV)],
    ids=["no renameat2", "EINVAL", "EXDEV"],
)
def test_where_files_cannot_be_swapped_the_checked_file_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renameat2: object
) -> None:
    monkeypatch.setattr(atomic, "_renameat2", renameat2)
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    checked_replace(path, b"new", lambda found: found == b"old")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]


def test_a_swap_that_fails_otherwise_is_an_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_renameat2", cannot_exchange(errno.EIO))
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    with pytest.raises(OSError) as error:
        checked_replace(path, b"new", lambda found: found == b"old")
    assert str(error.value) == f"[Errno {errno.EIO}] Input/output error: '{path}'"
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]


def test_a_failed_write_whose_temporary_is_gone_raises_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"old")

    def fsync(descriptor: int) -> None:
        for temporary in tmp_path.glob(".*.tmp"):
            temporary.unlink()  # removing it again after the error fails, quietly
        raise OSError(errno.ENOSPC, "disk full")

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_a_lock_held_too_long_names_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    with file_lock(path), pytest.raises(LockTimeout) as error, file_lock(path, timeout=0.01):
        pass
    holder = error.value.holder
    assert re.fullmatch(rf"pid {os.getpid()} since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC", holder)
    assert (error.value.path, error.value.waited) == (path, 0.01)
    assert str(error.value) == (
        f"{path} is held by {holder}; waited 0 s for it (if that process is stopped, end or "
        "resume it)"
    )


def test_a_lock_held_by_a_reader_names_no_one(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    with (
        file_lock(path, exclusive=False),
        pytest.raises(LockTimeout) as error,
        file_lock(path, timeout=0.01),
    ):
        pass
    assert error.value.holder == ""
    assert str(error.value).startswith(f"{path} is held by another process; waited 0 s")


def test_an_undecodable_lock_file_names_no_one(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    path.write_bytes(b"\xff\xfe not the holder's line")
    with (
        file_lock(path, exclusive=False),
        pytest.raises(LockTimeout) as error,
        file_lock(path, timeout=0.01),
    ):
        pass
    assert error.value.holder == ""


def test_an_unreadable_lock_file_still_times_out_naming_the_holder_the_system_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.lock"

    def pread(descriptor: int, length: int, offset: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "pread", pread)
    with file_lock(path), pytest.raises(LockTimeout) as error, file_lock(path, timeout=0.01):
        pass
    known = Path("/proc/locks").exists()
    assert (
        error.value.holder.startswith(f"pid {os.getpid()} (") if known else not error.value.holder
    )


def test_a_runaway_lock_file_names_its_holder_in_200_characters_at_most(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    path.write_text("x" * 1000)
    with (
        file_lock(path, exclusive=False),
        pytest.raises(LockTimeout) as error,
        file_lock(path, timeout=0.01),
    ):
        pass
    assert error.value.holder == "x" * 200


def test_deleting_removes_the_expected_version(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    checked_replace(path, None, lambda found: found == b"old")
    assert list(tmp_path.iterdir()) == []
    checked_replace(path, None, lambda found: found is None)  # already gone, as expected
    assert list(tmp_path.iterdir()) == []


def test_deleting_a_file_already_gone_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    with pytest.raises(FileReplaced) as error:
        checked_replace(path, None, lambda found: found == b"old")
    assert str(error.value) == str(path)
    assert list(tmp_path.iterdir()) == []


def test_deleting_keeps_a_hand_edit(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"hand edit")
    seen: list[bytes | None] = []

    def unchanged(found: bytes | None) -> bool:
        seen.append(found)
        return found == b"old"

    with pytest.raises(FileReplaced) as error:
        checked_replace(path, None, unchanged)
    assert str(error.value) == str(path)
    assert seen == [b"hand edit"]
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
    assert path.read_bytes() == b"hand edit"


def test_deleting_keeps_a_newer_save_that_came_in_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"hand edit")

    def unchanged(found: bytes | None) -> bool:
        path.write_bytes(b"newer save")  # while the file checked is set aside
        return found == b"old"

    with pytest.raises(FileReplaced):
        checked_replace(path, None, unchanged)
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
    assert path.read_bytes() == b"newer save"


def test_writing_over_a_hand_edit_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"hand edit")
    with pytest.raises(FileReplaced) as error:
        checked_replace(path, b"new", lambda found: found == b"old")
    assert str(error.value) == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
    assert path.read_bytes() == b"hand edit"


def test_writing_a_file_someone_removed_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    with pytest.raises(FileReplaced) as error:
        checked_replace(path, b"new", lambda found: found == b"old")
    assert str(error.value) == str(path)
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_someone_else_created_meanwhile_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"

    def unchanged(found: bytes | None) -> bool:
        path.write_bytes(b"theirs")  # created right after the check
        return found is None

    with pytest.raises(FileReplaced) as error:
        checked_replace(path, b"ours", unchanged)
    assert str(error.value) == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
    assert path.read_bytes() == b"theirs"


def test_a_stale_holder_line_is_not_named_but_the_live_holder_is(tmp_path: Path) -> None:
    # Issue 20 item 15: the lock held by flock(1) named the long-dead writer of the line.
    path = tmp_path / "store.lock"
    path.write_text("pid 999999999 since 2020-01-01 00:00:00 UTC\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(LockTimeout) as error, file_lock(path, timeout=0.01):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert "999999999" not in str(error.value)
    if Path("/proc/locks").exists():
        assert error.value.holder.startswith(f"pid {holder.pid} (")


def test_a_released_lock_leaves_no_holder_line(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    with file_lock(path):
        assert path.read_text().startswith(f"pid {os.getpid()} ")
    assert path.read_text() == ""


# Takes the lock as flock(1) would, without writing a holder line, and says so. A hangup
# kills it (the default, even where the test run ignores hangups): a holder looked up must be
# left running. An optional second argument is the name it runs under (raw bytes, hex).
HOLD = """
import fcntl, os, signal, sys, time
signal.signal(signal.SIGHUP, signal.SIG_DFL)
if len(sys.argv) > 2:
    with open("/proc/self/comm", "wb") as comm:
        comm.write(bytes.fromhex(sys.argv[2]))
descriptor = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


@contextlib.contextmanager
def held_by_another_process(path: Path, name: bytes = b"") -> Iterator[subprocess.Popen[str]]:
    """The lock on `path` held by a child process (named `name`, if given) until the block ends."""
    path.touch()
    arguments = [sys.executable, "-c", HOLD, str(path), *([name.hex()] if name else [])]
    holder = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def timeout_holder(path: Path) -> str:
    """Who a writer that gives up waiting for the lock on `path` names."""
    with pytest.raises(LockTimeout) as error, file_lock(path, timeout=0.01):
        pass
    return error.value.holder


needs_proc_locks = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the system does not list its locks"
)


def test_a_stale_holder_line_under_a_readers_lock_names_no_one(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    path.write_text(f"pid {dead_pid()} since 2020-01-01 00:00:00 UTC\n")
    with file_lock(path, exclusive=False):
        assert timeout_holder(path) == ""


@needs_proc_locks
def test_a_holder_line_of_a_live_process_that_does_not_hold_the_lock_is_not_named(
    tmp_path: Path,
) -> None:
    # This process lives, but the lock is another's: the line is stale, the system is right.
    path = tmp_path / "store.lock"
    path.write_text(f"pid {os.getpid()} since 2020-01-01 00:00:00 UTC\n")
    with held_by_another_process(path) as holder:
        named = timeout_holder(path)
        name = Path(f"/proc/{holder.pid}/comm").read_text().strip()
    assert named == f"pid {holder.pid} ({name})"
    assert name


@needs_proc_locks
def test_a_holder_whose_name_is_not_utf8_is_still_named(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    with held_by_another_process(path, name=b"\xffholder") as holder:
        named = timeout_holder(path)
    assert named == f"pid {holder.pid} (\ufffdholder)"


class TestWithoutProcLocks:
    """Where the system cannot list its locks, a holder line is named while its process lives."""

    @pytest.fixture(autouse=True)
    def no_lock_list(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(atomic, "_writers", lambda descriptor: None)

    def test_a_live_holders_line_is_named_and_the_holder_left_running(self, tmp_path: Path) -> None:
        path = tmp_path / "store.lock"
        with held_by_another_process(path) as holder:
            line = f"pid {holder.pid} since 2026-01-01 00:00:00 UTC"
            path.write_text(line + "\n")
            assert timeout_holder(path) == line
            with pytest.raises(subprocess.TimeoutExpired):
                holder.wait(timeout=0.5)  # looking it up sent it no signal

    def test_a_dead_holders_line_names_no_one(self, tmp_path: Path) -> None:
        path = tmp_path / "store.lock"
        path.write_text(f"pid {dead_pid()} since 2020-01-01 00:00:00 UTC\n")
        with file_lock(path, exclusive=False):
            assert timeout_holder(path) == ""

    def test_another_users_holder_is_named(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "store.lock"
        line = "pid 4242 since 2026-01-01 00:00:00 UTC"
        path.write_text(line + "\n")

        def kill(pid: int, signal: int) -> None:
            raise PermissionError(errno.EPERM, "Operation not permitted")  # not ours to signal

        with file_lock(path, exclusive=False):
            monkeypatch.setattr(atomic.os, "kill", kill)
            assert timeout_holder(path) == line


def test_a_state_file_is_read_whole_but_never_through_a_link(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_bytes(b'{"change": "\xc3\xa9"}\n')
    assert read_state(path) == b'{"change": "\xc3\xa9"}\n'
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(OSError) as refused:
        read_state(link)
    assert refused.value.errno == errno.ELOOP
    assert refused.value.strerror == "a symbolic link, which state files never follow"
    assert refused.value.filename == str(link)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as refused:
        read_state(fifo)  # at once: opening it waits for no writer
    assert (refused.value.errno, refused.value.filename) == (errno.EINVAL, str(fifo))


# Issue #20 item 6: state files are opened only as regular files of one name, never through a link.


@pytest.mark.parametrize("kind", ["symlink", "hard link", "folder", "fifo"])
def test_a_lock_file_that_is_not_a_plain_file_is_refused_and_left_alone(
    tmp_path: Path, kind: str
) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep\n")
    lock = tmp_path / "state.lock"
    if kind == "symlink":
        lock.symlink_to(victim)
    elif kind == "hard link":
        os.link(victim, lock)
    elif kind == "folder":
        lock.mkdir()
    else:
        os.mkfifo(lock)
    with pytest.raises(OSError) as refused, file_lock(lock, timeout=1):
        pass
    assert refused.value.errno in atomic.NOT_REGULAR | {errno.EISDIR}
    assert victim.read_bytes() == b"keep\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\nforged line", "\\x1b[31mred\\nforged line"),
        ("note\u202e\u200b", "note\\u202e\\u200b"),
        ("pid 1 \x1b]0;owned\x07", None),
    ],
)
def test_a_lock_files_text_is_shown_escaped(tmp_path: Path, text: str, shown: str | None) -> None:
    # A fresh attack on issue 20 item 15: a reader holding the lock (or a holder line naming a
    # live process) showed the file's text as written: a line break forged a line of the error
    # and a terminal obeyed the escapes.
    path = tmp_path / "store.lock"
    path.write_text(text)
    with (
        file_lock(path, exclusive=False),
        pytest.raises(LockTimeout) as error,
        file_lock(path, timeout=0.01),
    ):
        pass
    message = str(error.value)
    assert message.isprintable(), message
    if shown is not None:
        assert error.value.holder == shown


def test_a_waiter_tries_again_soon_then_every_50_ms_until_its_time_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clock that moves only when the waiter sleeps, a quarter of a second a pause.
    path = tmp_path / "store.lock"
    path.touch()
    now = [100.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += 0.25

    monkeypatch.setattr(atomic, "time", SimpleNamespace(monotonic=lambda: now[0], sleep=sleep))
    holder = os.open(path, os.O_RDWR)
    waiter = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(LockTimeout):
            atomic.wait_for_lock(waiter, path, exclusive=True, timeout=2.0)
    finally:
        os.close(waiter)
        os.close(holder)
    # Given up at the deadline itself (100 + 2.0), after 8 pauses.
    assert pauses == pytest.approx([0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.05, 0.05])


def test_a_new_lock_file_is_readable_by_all_and_executable_by_none(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    umask = os.umask(0o022)
    try:
        with file_lock(path):
            pass
    finally:
        os.umask(umask)
    assert mode(path) == 0o644

"""Durable file writes and inter-process locks: no reader ever sees half a file."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.errors import CamerabotError

# Temporary files start with a dot and end with this suffix, so no loader glob picks them up.
TEMP_SUFFIX = ".tmp"


def is_temporary(name: str) -> bool:
    """Whether a file name is one of atomic_write's temporary files."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


# The errors `open_state` raises for what is not a regular file of one name.
NOT_REGULAR = frozenset({errno.ELOOP, errno.EINVAL, errno.EMLINK})


def open_state(path: Path, flags: int, mode: int = 0o644) -> int:
    """A descriptor on the state file `path`, never through a link; OSError unless a regular file.

    STATE_DIR may be writable by others than the bot: a link there must not make a lock or a
    log write land on a file elsewhere, and a FIFO must not hang the open (O_NONBLOCK until
    the file is known to be a regular one). A file with several names is refused too, as a
    write through it would change the other names' file.
    """
    try:
        descriptor = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, mode)
    except OSError as error:
        if error.errno == errno.ELOOP:
            reason = "a symbolic link, which state files never follow"
            raise OSError(errno.ELOOP, reason, str(path)) from None
        if error.errno == errno.ENXIO:  # a FIFO with no reader, opened to write
            raise OSError(errno.EINVAL, "not a regular file", str(path)) from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if status.st_nlink > 1 and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EMLINK, "a file with other names (hard links)", str(path))
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_state(path: Path) -> bytes:
    """The bytes of the state file `path`, read without following a link (see `open_state`)."""
    with os.fdopen(open_state(path, os.O_RDONLY), "rb") as handle:
        return handle.read()


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class FileReplaced(CamerabotError):  # noqa: N818 - it names what happened, not an error kind
    """The file was no longer the version a checked replace was computed from: it was kept."""


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two files atomically (Linux renameat2); False where the system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def checked_replace(
    path: Path, data: bytes | None, unchanged: Callable[[bytes | None], bool]
) -> None:
    """Replace `path` with `data` (None: delete it) only over a version `unchanged` accepts.

    Anything else there (a hand edit, a `git pull` that did not take the store's lock) is kept,
    and FileReplaced raised. Where the system can swap two files atomically (Linux, renameat2),
    the file replaced is exactly the one checked: the new file is swapped in and the old one
    checked after, and swapped back when it was not the expected version, so no save is ever
    overwritten. Elsewhere the check comes right before the replace, and an editor saving in
    the instant between them is overwritten.
    """
    directory = path.parent
    if data is None:
        # Deleting: move the file aside, look at what was moved, put it back if unexpected.
        aside = directory / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}"
        try:
            path.rename(aside)
        except FileNotFoundError:
            if not unchanged(None):
                raise FileReplaced(str(path)) from None
            return
        if not unchanged(_read(aside)):
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)  # unless a newer save is there already
            aside.unlink()
            raise FileReplaced(str(path))
        aside.unlink()
        fsync_directory(directory)
        return
    temporary = _temporary_with(path, data)
    try:
        if not path.exists():
            if not unchanged(None):
                raise FileReplaced(str(path))
            try:
                os.link(temporary, path)  # creates it only if no one else did meanwhile
            except FileExistsError:
                raise FileReplaced(str(path)) from None
        elif not unchanged(_read(path)):
            raise FileReplaced(str(path))  # the common case, found before anything moves
        elif _exchange(temporary, path):
            if not unchanged(_read(temporary)):
                # Someone saved first: their file goes back. Should yet another save have come
                # in the meantime, it is the newest and stays.
                _exchange(temporary, path)
                if _read(temporary) != data:
                    temporary.replace(path)
                raise FileReplaced(str(path))
        else:
            temporary.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_directory(directory)


def _temporary_with(path: Path, data: bytes) -> Path:
    """A new temporary file beside `path` holding `data` (synced), with `path`'s mode."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        status = path.lstat()  # a link's target's mode is not this file's
        if not stat.S_ISREG(status.st_mode):
            raise FileNotFoundError(str(path))
        mode = stat.S_IMODE(status.st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    temporary = directory / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(mode)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a temporary file in the same directory, fsync, os.replace.

    A crash or an error at any point leaves either the old file or the new one, whole; the
    temporary file is removed on error (a killed process may leave one behind, which
    `remove_stale_temporaries` clears).
    """
    temporary = _temporary_with(path, data)
    try:
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(path.parent)


def remove_file(path: Path) -> None:
    """Delete a file (if present) and make the deletion durable."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        fsync_directory(path.parent)


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete temporary files left by killed writers; call it while holding the write lock."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for entry in os.scandir(directory):
        if is_temporary(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
    return removed


class LockTimeout(CamerabotError):  # noqa: N818 - it names what happened
    """Another process held the lock longer than we would wait; `holder` says who, if known."""

    def __init__(self, path: Path, waited: float, holder: str) -> None:
        self.path = path
        self.waited = waited
        self.holder = holder
        super().__init__(
            f"{path} is held by {holder or 'another process'}; waited {waited:.0f} s for it "
            "(if that process is stopped, end or resume it)"
        )


def _writers(descriptor: int) -> list[int] | None:
    """The processes holding an exclusive flock on this open file (None: the system cannot say).

    Linux lists every lock in /proc/locks, with the holder's pid and the file's device and inode.
    """
    try:
        info = os.fstat(descriptor)
        lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    except (OSError, ValueError):
        return None
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    pids = []
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 615 fe:00:2273818 0 EOF" (a waiter's line has a "->").
        if (
            len(fields) >= 6
            and fields[1:4] == ["FLOCK", "ADVISORY", "WRITE"]
            and fields[5] == where
            and fields[4].isdigit()
        ):
            pids.append(int(fields[4]))
    return pids


def _holder(descriptor: int) -> str:
    """Who holds a lock: its holder's line ("pid 12 since 2026-…") when that process holds it.

    A line left by a holder that was killed names no one (the kernel freed its lock): the
    process the system says holds the lock is named instead, or no one.
    """
    line = ""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        line = os.pread(descriptor, 200, 0).decode("utf-8").strip()
    written = re.match(r"pid ([0-9]{1,9}) ", line)
    writers = _writers(descriptor)
    if written and (_alive(int(written[1])) if writers is None else int(written[1]) in writers):
        return _shown(line)
    for pid in writers or ():
        try:
            name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        return f"pid {pid} ({name})"
    # A stale holder's line names no one; anything else in the file is shown as found, escaped.
    return "" if written else _shown(line)


def _shown(line: str) -> str:
    """A lock file's text as it can be shown: a line break or a terminal escape as an escape.

    Anyone who can write STATE_DIR writes this text; printed as is, a terminal would obey it.
    """
    return line if line.isprintable() else ascii(line)[1:-1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def wait_for_lock(descriptor: int, path: Path, *, exclusive: bool, timeout: float) -> None:
    """Take an flock on `descriptor` within `timeout` seconds (0: only if free now).

    LockTimeout after that, naming the holder when an exclusive holder wrote itself in.
    """
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(path, timeout, _holder(descriptor)) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


# How long a lock is waited for when the caller names no time: a stopped holder must not
# park a thread for ever.
LOCK_WAIT = 60.0


@contextlib.contextmanager
def file_lock(path: Path, *, exclusive: bool = True, timeout: float = LOCK_WAIT) -> Iterator[None]:
    """Hold an flock on `path` (created if missing): exclusive for writers, shared for readers.

    flock locks belong to the open file, so threads and processes exclude one another alike;
    the kernel releases the lock when its holder dies, so a killed writer never blocks others.
    A stopped one would: LockTimeout after `timeout` seconds, naming the holder, which an
    exclusive holder writes into the file (its pid and since when). The file is opened as
    `open_state` opens state files: never through a link.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = open_state(path, os.O_RDWR | os.O_CREAT)
    try:
        wait_for_lock(descriptor, path, exclusive=exclusive, timeout=timeout)
        try:
            if exclusive:
                since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
                with contextlib.suppress(OSError):
                    os.ftruncate(descriptor, 0)
                    os.pwrite(descriptor, f"pid {os.getpid()} since {since}\n".encode(), 0)
            yield
        finally:
            if exclusive:  # the holder's line goes with the lock: a stale one misleads
                with contextlib.suppress(OSError):
                    os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def try_lock(path: Path) -> Iterator[bool]:
    """Hold the exclusive lock if it is free now (True), or do nothing (False): never waits."""
    try:
        descriptor = open_state(path, os.O_RDWR)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)

"""Durable file writes and inter-process locks: no reader ever sees half a file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# Temporary files start with a dot and end with this suffix, so no loader glob picks them up.
TEMP_SUFFIX = ".tmp"


def is_temporary(name: str) -> bool:
    """Whether a file name is one of atomic_write's temporary files."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a temporary file in the same directory, fsync, os.replace.

    A crash or an error at any point leaves either the old file or the new one, whole; the
    temporary file is removed on error (a killed process may leave one behind, which
    `remove_stale_temporaries` clears).
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
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
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(directory)


def remove_file(path: Path) -> None:
    """Delete a file (if present) and make the deletion durable."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        fsync_directory(path.parent)


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete temporary files left by killed writers; call it while holding the write lock."""
    removed = []
    if not directory.is_dir():
        return removed
    for entry in os.scandir(directory):
        if is_temporary(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def file_lock(path: Path, *, exclusive: bool = True) -> Iterator[None]:
    """Hold an flock on `path` (created if missing): exclusive for writers, shared for readers.

    flock locks belong to the open file, so threads and processes exclude one another alike;
    the kernel releases the lock when its holder dies, so a killed writer never blocks others.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)

"""Whether another program is still writing a file in place (an editor saving in two writes).

An editor that saves in place truncates the file, writes part of it, and may pause before the
rest: a change computed from that read, then swapped in, would make the half file permanent.
On Linux a read lease is refused while anyone holds the file open for writing, which says so
exactly; where leases are not to be had (another user's file, other systems), a file modified
within the last SETTLE_SECONDS counts as still being written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

# Where no lease can tell: a file this recently modified may still be being written.
SETTLE_SECONDS = 0.5
# How long a change waits for a writer to finish before it gives up (and is retried).
WRITER_WAIT = 5.0
_POLL = 0.02


def being_written(path: Path) -> bool:
    """Whether some process has `path` open for writing now (False when it is missing)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        lease = getattr(fcntl, "F_SETLEASE", None)
        if lease is not None:
            try:
                fcntl.fcntl(descriptor, lease, fcntl.F_RDLCK)
            except OSError as error:
                if error.errno == errno.EAGAIN:
                    return True  # open for writing somewhere
            else:
                return False  # the lease goes with the descriptor, closed below
        modified = os.fstat(descriptor).st_mtime
        return time.time() - modified < SETTLE_SECONDS
    finally:
        os.close(descriptor)


def wait_until_written(path: Path, timeout: float = WRITER_WAIT) -> bool:
    """Wait (at most `timeout` seconds) until nobody is writing `path`; whether that came."""
    deadline = time.monotonic() + timeout
    while being_written(path):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)
    return True

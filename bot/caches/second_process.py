"""Half of a long job in a second interpreter: pickled frames in, pickled frames out.

A start with no cache parses, checks and indexes 100,000 facts; on two cores half of that work
runs in a fresh interpreter beside this one. Not `multiprocessing`: its children import the
parent's `__main__` again, and a forked child of a threaded bot inherits locks held by other
threads. The child runs `main()` of a module of this package, started isolated (`-I`: neither
the working directory nor PYTHONPATH comes before this package's own folder, so a planted
module of the same name is never what runs). Any failure is None: the caller does the work
itself.
"""

from __future__ import annotations

import gc
import io
import logging
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

# The folder holding this `bot` package, put first on the child's import path.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_START = (
    "import sys, importlib; sys.path.insert(0, sys.argv[1]); importlib.import_module({!r}).main()"
)


class SecondProcess:
    """A child interpreter answering one request; `answer()` waits for it (None: it failed)."""

    def __init__(self, module: str, frames: Iterable[object]) -> None:
        """Start `module.main()` with `frames` on its input (OSError: it could not start)."""
        self._child = subprocess.Popen(
            [sys.executable, "-I", "-c", _START.format(module), _PACKAGE_PARENT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._output: list[bytes] = []
        data = pickled(frames)
        # Talking in a thread: the child's answer may exceed the pipe's buffer before this
        # process, busy with its own half, reads it.
        self._talk = threading.Thread(target=self._communicate, args=(data,), daemon=True)
        self._talk.start()

    def _communicate(self, data: bytes) -> None:
        self._output.append(self._child.communicate(data)[0])

    def answer(self) -> list[Any] | None:
        """The child's answer, its frames unpickled, once it has ended; None if it failed."""
        self._talk.join()
        if self._child.returncode != 0 or not self._output:
            log.info("the second process ended with %s", self._child.returncode)
            return None
        try:
            # Our own child's answer, from our own code.
            return unpickled(io.BytesIO(self._output[0]))
        except Exception as error:  # e.g. something else printed on its output
            log.warning("the second process's answer could not be read: %r", error)
            return None


# Pickling or unpickling is one C call that holds the interpreter lock: 100,000 facts' worth
# in one piece held every other thread (a bot's event loop) for 0.1-0.25 s. Requests and
# answers go as frames of a few thousand records, other threads running between them.
FRAME = 2000


def frames_of(items: Sequence[Any]) -> Iterator[list[Any]]:
    """`items` in frames of FRAME."""
    for at in range(0, len(items), FRAME):
        yield list(items[at : at + FRAME])


def pickled(frames: Iterable[object]) -> bytes:
    """Frames pickled one after the other, each on its own."""
    return b"".join(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL) for frame in frames)


def unpickled(stream: BinaryIO) -> list[Any]:
    """Every frame `pickled` wrote, each unpickled on its own."""
    found = []
    while True:
        try:
            found.append(pickle.load(stream))  # noqa: S301 - frames of our own processes
        except EOFError:
            return found


def serve(
    work: Callable[[list[Any]], Iterable[object]],
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> None:
    """The child's side: `work(frames)` on the frames read from stdin, its frames to stdout."""
    # The child ends after this one job: collecting cycles among the ~million objects a half
    # of 100,000 facts makes would only repeat full passes over them (16 s instead of 10 s
    # for checking a half).
    gc.disable()
    source = stdin if stdin is not None else sys.stdin.buffer
    sink = stdout if stdout is not None else sys.stdout.buffer
    for frame in work(unpickled(source)):
        sink.write(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    sink.flush()

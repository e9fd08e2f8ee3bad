"""Second processes in tests: one answering as its request says, and any child's `main` run here.

Started as `SecondProcess("tests.helpers.child_process", [kind, *frames])`, this module's
`main` answers "double" with the number of frames received, then each frame with its items
doubled; the other kinds fail in one way each. `served_in_process` runs a second process's
`main` in the test's own process, where mutation testing sees which tests call it.
"""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.caches.second_process import pickled, serve, unpickled


def _answer(frames: list[Any]) -> Iterator[object]:
    kind = frames[0]
    if kind == "double":
        yield len(frames)
        for frame in frames[1:]:
            yield [item * 2 for item in frame]
    elif kind == "fail after answering":
        yield "half an answer"
        sys.stdout.flush()
        raise SystemExit(3)
    elif kind == "garbage":
        sys.stdout.buffer.write(b"hello\n")


def main() -> None:
    """Answer the request on stdin (serve's own streams)."""
    serve(_answer)


def served_in_process(
    main: Callable[[], None], frames: list[Any], monkeypatch: pytest.MonkeyPatch
) -> list[Any]:
    """What a second process's `main` answers to `frames`, run in this process."""
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(pickled(frames))))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, write_through=True))
    collecting = gc.isenabled()
    try:
        main()
    finally:
        if collecting:
            gc.enable()  # the child's side turns collection off for good
    return unpickled(io.BytesIO(out.getvalue()))

"""The second process of a start's first read: check the fact files it is sent (`_checked_in_two`).

Started isolated (`python -I`, this package first on the path), it reads the root and the
files' (name, text) in pickled frames on standard input and writes the result of
`checked_part` in frames (`in_frames`) on standard output. Only `bot.store.disk` starts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.caches.second_process import serve
from bot.store.disk import checked_part, in_frames


def _check(frames: list[Any]) -> Iterator[object]:
    root, texts = frames[0], dict(item for frame in frames[1:] for item in frame)
    return in_frames(checked_part(root, texts))


def main() -> None:
    """Check the part sent on stdin; its result on stdout."""
    serve(_check)


if __name__ == "__main__":
    main()

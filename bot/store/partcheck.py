"""The second process of a start's first read: check the fact files it is sent (`_checked_in_two`).

Started isolated (`python -I`, this package first on the path), it reads a pickled
(root, {name: text}) on standard input and writes the pickled result of `checked_part` on
standard output. Only `bot.store.disk` starts it.
"""

from __future__ import annotations

from typing import Any

from bot.caches.second_process import serve
from bot.store.disk import checked_part


def _check(request: tuple[str, dict[str, str]]) -> Any:
    root, texts = request
    return checked_part(root, texts)


def main() -> None:
    """Check the part sent on stdin; its result on stdout."""
    serve(_check)


if __name__ == "__main__":
    main()

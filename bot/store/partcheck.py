"""The second process of a start's first read: check the fact files it is sent (`_checked_in_two`).

Started isolated (`python -I`, this package first on the path), it reads a pickled
(root, {name: text}) on standard input and writes the pickled result of `checked_part` on
standard output. Only `bot.store.disk` starts it.
"""

from __future__ import annotations

import pickle
import sys

from bot.store.disk import checked_part


def main() -> None:
    """Check the part sent on stdin; its result on stdout."""
    root, texts = pickle.load(sys.stdin.buffer)  # noqa: S301 - sent by the parent process
    result = checked_part(root, texts)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()

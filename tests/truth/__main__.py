"""`python -m tests.truth [PROBES_PER_BASE]`: the truth table of the engine over every base."""

from __future__ import annotations

import sys
from collections import defaultdict

from tests.truth.probes import OPERATORS
from tests.truth.run import BASES, Result, run

COLUMNS = (("probes", 8), ("correct", 9), ("contra", 8), ("hard", 6), ("missed", 8), ("hedged", 8))
HEADER = f"{'base / operator':<26}" + "".join(f"{name:>{width}}" for name, width in COLUMNS)


def _row(label: str, results: list[Result]) -> str:
    count = [
        len(results),
        sum(r.verdict.correct for r in results),
        sum(r.verdict.contradiction for r in results),
        sum(r.verdict.hard for r in results),
        sum(r.verdict.missed for r in results),
        sum(r.verdict.hedged for r in results),
    ]
    return f"{label:<26}" + "".join(
        f"{n:>{w}}" for n, w in zip(count, (w for _, w in COLUMNS), strict=True)
    )


def table(name: str, results: list[Result]) -> list[str]:
    by_operator: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_operator[result.probe.operator].append(result)
    lines = [_row(name, results)]
    lines += [_row(f"  {op}", by_operator[op]) for op in OPERATORS if by_operator[op]]
    return lines


def main(argv: list[str]) -> int:
    size = int(argv[0]) if argv else 3000
    everything: list[Result] = []
    print(HEADER)
    for name, root in BASES.items():
        results = run(root, size)
        everything += results
        print("\n".join(table(name, results)))
    print(_row("all", everything))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Issue #17: no answer opens with a Yes or a No the records do not support.

A fixed-seed sample of probe questions (tests/truth/probes.py) per base, each judged against the
truthful class the records give (tests/truth/oracle.py). `make truth` runs thousands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.truth.run import BASES, run

SAMPLE = 300


@pytest.mark.parametrize("root", BASES.values(), ids=BASES.keys())
def test_no_answer_contradicts_the_records(root: Path) -> None:
    results = run(root, SAMPLE)
    bad = [r for r in results if r.verdict.contradiction]
    report = "\n".join(r.describe() for r in bad)
    assert not bad, f"{len(bad)} of {len(results)} answers contradict the records:\n{report}"

"""Ask an engine the probes of a knowledge directory and judge every answer."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.engine.engine import Engine
from bot.facts.yaml_loading import load_fact_base
from tests.truth.judge import Verdict, judge
from tests.truth.model import Model, load_model
from tests.truth.oracle import Truth, truth
from tests.truth.probes import OPERATORS, Probe, probes

ROOT = Path(__file__).resolve().parents[2]
BASES = {
    "knowledge": ROOT / "knowledge",
    "norra": ROOT / "tests" / "data" / "norra",
    "timeline": ROOT / "tests" / "data" / "timeline",
    # Issue #18: the shipped base and two later articles added by hand in today's schema.
    "later": ROOT / "tests" / "data" / "later",
}


@dataclass(frozen=True, slots=True)
class Result:
    """One probe, its truth, the answer's text and the verdict."""

    probe: Probe
    truth: Truth
    answer: str
    verdict: Verdict

    def describe(self) -> str:
        return (
            f"[{self.probe.operator}/{self.probe.rule}] {self.probe.question!r}\n"
            f"    truth: {self.truth.cls} ({self.truth.reason})\n"
            f"    answer: {self.answer!r}"
        )


def sample(model: Model, size: int, seed: int = 17) -> list[Probe]:
    """About `size` probes, spread evenly over the operators, the same for the same seed."""
    rng = random.Random(seed)
    by_operator: dict[str, list[Probe]] = defaultdict(list)
    for probe in probes(model):
        by_operator[probe.operator].append(probe)
    share = max(1, size // len(OPERATORS))
    return [p for group in by_operator.values() for p in rng.sample(group, min(share, len(group)))]


def run(root: Path, size: int, seed: int = 17) -> list[Result]:
    """Ask an engine over `root` a sample of its probes."""
    model = load_model(root)
    engine = Engine(load_fact_base(root))
    results = []
    for probe in sample(model, size, seed):
        answer = engine.ask(probe.question)
        fact = truth(model, probe)
        text = answer.answer if answer.answered else f"<refused> {answer.reply or ''}"
        results.append(Result(probe, fact, text or "", judge(answer, fact)))
    return results

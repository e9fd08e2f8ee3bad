"""The quote index: every quote it finds is the shortest source clause naming what was asked."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine
from bot.engine.prose import adjective
from bot.engine.rules.quotes import clauses
from bot.facts.models import Citation
from bot.facts.text import fold
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import DATA

NORRA = DATA / "norra"


@pytest.fixture(scope="module")
def norra() -> Engine:
    return Engine(load_fact_base(NORRA))


def shortest_clause(
    engine: Engine, names: list[str], also: tuple[str, ...] = ()
) -> Citation | None:
    """The reference for quoting a name: every clause of every source read, the shortest kept."""
    folded = [f" {fold(n)} " for n in names]
    needles = [f" {fold(n)} " for n in also]
    best: Citation | None = None
    for source in engine.base.sources.values():
        for clause in clauses(source.text):
            text = f" {fold(clause)} "
            named = any(n in text for n in folded)
            placed = not needles or any(n in text for n in needles)
            if named and placed and (best is None or len(clause) < len(best.quote)):
                best = Citation(source.id, clause)
    return best


def test_quoted_names_are_the_shortest_clauses_naming_them(norra: Engine) -> None:
    reasoner = Engine(load_fact_base(NORRA)).reasoner  # its own: the index grows below
    brands = norra.base.brands.values()
    devices = [list(device.names) for brand in brands for device in brand.devices]
    for names in [*devices, ["Ada Lind"], ["Chief Executive"], ["Optiva", "nowhere"]]:
        # "Ada" and "chief" start no brand's or device's name: not indexed until asked.
        assert reasoner.mention(names) == shortest_clause(norra, names), names
    assert reasoner.mention(["Ada Lind"]) is not None
    for brand in brands:
        also = (adjective(brand.country), brand.country) if brand.country else ()
        expected = shortest_clause(norra, list(brand.names), also) if also else None
        assert reasoner.support(brand, brand.country) == expected, brand.id
    assert reasoner.support(norra.base.brands["optiva"], "Japan") is not None
    # "Nordic" is no brand's country: not indexed, so only the names narrow the search.
    for brand in brands:
        expected = shortest_clause(norra, list(brand.names), ("Nordic",))
        assert reasoner.support(brand, "Nordic") == expected, brand.id
    assert reasoner.support(norra.base.brands["norra"], "Nordic") is not None

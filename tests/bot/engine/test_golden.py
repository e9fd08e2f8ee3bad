"""The golden question table: answers with the right terms, abstentions where the base is silent."""

from __future__ import annotations

import json
import re

import pytest

from bot.engine.engine import Engine
from tests.conftest import DATA

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES).lower()).strip()


# "<yes>" and "<neg>" in a term group: the answer itself says yes, or says no.
POLARITY = {
    "<yes>": re.compile(r"\byes\b"),
    "<neg>": re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b"),
}

GOLDEN = [json.loads(line) for line in (DATA / "golden.jsonl").read_text().splitlines() if line]


def test_the_table_is_large_and_mixed() -> None:
    abstentions = [item for item in GOLDEN if item.get("expect") == "abstain"]
    assert len(GOLDEN) >= 60
    assert len(abstentions) >= 15
    assert len(GOLDEN) - len(abstentions) >= 45


@pytest.mark.parametrize("item", GOLDEN, ids=[item["q"][:60] or "<empty>" for item in GOLDEN])
def test_golden_question(engine: Engine, item: dict) -> None:
    answer = engine.ask(item["q"])
    if item.get("expect") == "abstain":
        assert not answer.answered, f"answered {answer.fact_id}: {answer.answer}"
        return
    if not answer.answered and item.get("or_suggest"):
        assert item["or_suggest"] in [s.fact_id for s in answer.suggestions]
        return
    assert answer.answered, f"abstained; suggestions {answer.suggestions}"
    text = _norm(" ".join([answer.answer or "", *(c.quote for c in answer.citations)]))
    own = _norm(answer.answer or "")

    def holds(term: str) -> bool:
        if term in POLARITY:  # a yes, or a negation, in the answer's own words (not a quote)
            return POLARITY[term].search(own) is not None
        return _norm(term) in text

    for group in item["terms"]:
        assert any(holds(term) for term in group), f"{group} not in {text!r}"
    assert answer.citations, "an answer always carries a citation"
    # Every answer says when its source said it; yes/no answers lead with the answer itself.
    assert re.search(r"\b(as reported on|as of) 23 May 2022\b", answer.answer, re.IGNORECASE)

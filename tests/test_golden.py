"""The golden question table: answers with the right terms, abstentions where the base is silent."""

from __future__ import annotations

import json
import re

import pytest

from bot.answers import Engine
from tests.conftest import DATA

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES).lower()).strip()


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
    for group in item["terms"]:
        assert any(_norm(term) in text for term in group), f"{group} not in {text!r}"
    assert answer.citations, "an answer always carries a citation"
    assert answer.answer.startswith("As reported on 23 May 2022, ")

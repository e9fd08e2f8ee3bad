"""Yes/no probes written from the article alone, around the words that flip a question.

tests/data/probes_s5.jsonl: 300 questions by a writer who read only the source article, each
with its truthful class (yes, no, or not stated), most in minimal pairs (the same question with
and without the flipping word). No answer may open with a "Yes" the truth is not, nor with a
"No" against a true claim; a "No" to a claim the sources do not make is allowed only as "the
sources report no such thing" or "not as far as the sources say" (what "No" means here).
"""

from __future__ import annotations

import json
import re

import pytest

from bot.engine.engine import Engine
from tests.conftest import DATA

PROBES = [json.loads(line) for line in (DATA / "probes_s5.jsonl").open(encoding="utf-8")]
_FIRST = re.compile(r"(?:The sources don't answer your first question\.\s*)?(\w+)")
# How many get the yes or no due today (of 100 each): a change may not lose ground.
YES_AT_LEAST = 45
NO_AT_LEAST = 33


def _opening(engine: Engine, question: str) -> tuple[str, str]:
    answer = engine.ask(question)
    text = (answer.answer or "") if answer.answered else ""
    found = _FIRST.match(text)
    return ((found.group(1).lower() if found else ""), text)


@pytest.mark.parametrize("probe", PROBES, ids=[p["id"] for p in PROBES])
def test_no_yes_or_no_against_the_truth(engine: Engine, probe: dict) -> None:
    first, text = _opening(engine, probe["q"])
    truth = probe["truth"]
    if first == "yes":
        assert truth == "yes", text
    if first in {"no", "not", "neither", "none"}:
        assert truth != "yes", text
        if truth == "not_stated":  # only "the sources report no such thing", never a bare No
            assert re.match(r"No: the sources report no\b|Not as far as the sources say\b", text), (
                text
            )


def test_most_yes_and_no_are_given(engine: Engine) -> None:
    openings = [(p["truth"], _opening(engine, p["q"])[0]) for p in PROBES]
    assert sum(t == "yes" and o == "yes" for t, o in openings) >= YES_AT_LEAST
    negative = {"no", "not", "neither", "none"}
    assert sum(t == "no" and o in negative for t, o in openings) >= NO_AT_LEAST

"""A question set written from the article alone, the way people type on Discord.

tests/data/discord_style.jsonl was written by someone who read only the source article (never
the fact base): 108 questions that must be answered and 57 that must be refused, judged as the
public yardstick judges (terms in the answer or its quotes, "<yes>"/"<neg>" in the answer's own
words, a quote inside an evidence sentence). It guards the engine's discipline: no wrong
answer, every refusal kept, and most questions answered.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.engine.engine import Answer, Engine
from tests.conftest import DATA

QUESTIONS = [json.loads(line) for line in (DATA / "discord_style.jsonl").open(encoding="utf-8")]
# A second set by another writer with other habits (personas: terse, non-native, skeptic, …).
SECOND = [json.loads(line) for line in (DATA / "discord_style_2.jsonl").open(encoding="utf-8")]
SECOND += [json.loads(line) for line in (DATA / "discord_style_3.jsonl").open(encoding="utf-8")]
# Where the two writers disagree: the first counts "which Vivo phones have Zeiss cameras?" as
# answered by "its flagship smartphones" (what the source says); the second wants a refusal.
DISAGREEMENTS = {"k082"}
# Known wrong answers, kept visible here rather than hidden: none today.
KNOWN_WRONG: set[str] = set()
SENTENCES = json.loads((DATA / "article_sentences.json").read_text(encoding="utf-8"))
POLARITY = {
    "<yes>": re.compile(r"\byes\b"),
    "<neg>": re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b"),
}
_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
# Answered right today: 103 of 108. A change may trade one for another, not lose ground.
ANSWERED_AT_LEAST = 100


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_MARKS).lower()).strip(" \"'.,;:!?")


def says(item: dict, answer: Answer) -> bool:
    """Whether an answer holds every group of terms (what the yardstick calls not wrong)."""
    own = _norm(answer.answer or "")
    text = _norm(" ".join([answer.answer or "", *(c.quote for c in answer.citations)]))
    return all(
        any(POLARITY[w].search(own) if w in POLARITY else _norm(w) in text for w in group)
        for group in item["terms"]
    )


def right(item: dict, answer: Answer) -> bool:
    """Whether an answer holds every group of terms and cites an evidence sentence."""
    if not answer.answered:
        return False
    own = _norm(answer.answer or "")
    text = _norm(" ".join([answer.answer or "", *(c.quote for c in answer.citations)]))
    terms = all(
        any(POLARITY[w].search(own) if w in POLARITY else _norm(w) in text for w in group)
        for group in item["terms"]
    )
    evidence = [_norm(SENTENCES[s]) for s in item["evidence"]]
    quotes = [_norm(c.quote) for c in answer.citations]
    cited = any(len(q) >= 12 and (q in s or s in q) for q in quotes for s in evidence)
    return terms and cited


@pytest.fixture(scope="module")
def answers(engine: Engine) -> dict[str, Answer]:
    return {item["id"]: engine.ask(item["q"]) for item in [*QUESTIONS, *SECOND]}


def test_the_second_set_answers_none_wrong_and_keeps_its_refusals(
    answers: dict[str, Answer],
) -> None:
    wrong = [
        f"{item['id']} {item['q']!r}: {answers[item['id']].answer!r}"
        for item in SECOND
        if item["id"] not in DISAGREEMENTS | KNOWN_WRONG
        and answers[item["id"]].answered
        and (item.get("expect") == "abstain" or not says(item, answers[item["id"]]))
    ]
    assert not wrong, "\n".join(wrong)
    right_count = sum(right(item, answers[item["id"]]) for item in SECOND if "terms" in item)
    assert right_count >= 115  # 118 of 140 today (62 of 75 and 56 of 65, with citations)


def test_the_set_is_large_and_mixed() -> None:
    refused = [item for item in QUESTIONS if item.get("expect") == "abstain"]
    assert len(QUESTIONS) - len(refused) >= 100
    assert len(refused) >= 50
    assert len({item.get("type") for item in QUESTIONS}) >= 15


def test_nothing_is_answered_wrong(answers: dict[str, Answer]) -> None:
    wrong = [
        f"{item['id']} {item['q']!r}: {answers[item['id']].answer!r}"
        for item in QUESTIONS
        if answers[item["id"]].answered
        and (item.get("expect") == "abstain" or not says(item, answers[item["id"]]))
    ]
    assert not wrong, "\n".join(wrong)


def test_every_refusal_is_kept(answers: dict[str, Answer]) -> None:
    answered = [
        item["q"]
        for item in QUESTIONS
        if item.get("expect") == "abstain" and answers[item["id"]].answered
    ]
    assert not answered


def test_most_questions_are_answered_right(answers: dict[str, Answer]) -> None:
    count = sum(right(item, answers[item["id"]]) for item in QUESTIONS if "terms" in item)
    assert count >= ANSWERED_AT_LEAST

"""The shipped knowledge/ is valid and covers the article."""

from __future__ import annotations

from bot.loader import check_knowledge
from bot.models import FactBase
from bot.text import quote_key
from tests.conftest import KNOWLEDGE


def test_shipped_knowledge_is_valid() -> None:
    base, problems = check_knowledge(KNOWLEDGE)
    assert problems == []
    assert base is not None


def test_the_source_is_the_article_verbatim(fact_base: FactBase) -> None:
    source = fact_base.sources["article-2022-05-23"]
    text = (KNOWLEDGE / "sources" / "article-2022-05-23.txt").read_text(encoding="utf-8")
    assert source.text == text
    assert "Hassleblad" in text
    assert "Mmi 11 Ultra" in text
    assert str(source.date) == "2022-05-23"
    assert source.url == ""


def _sentences(text: str) -> list[str]:
    body = text.split("2022-05-23", 1)[1]
    parts: list[str] = []
    for paragraph in body.split("\n"):
        sentence = ""
        for piece in paragraph.replace('." ', '."\0').replace(". ", ".\0").split("\0"):
            sentence = f"{sentence} {piece}".strip() if sentence else piece.strip()
            # A quotation that spans sentences is one claim: keep it whole.
            if sentence.count("“") <= sentence.count('"'):
                parts.append(sentence)
                sentence = ""
        if sentence:
            parts.append(sentence)
    return [part for part in parts if len(part) > 20]


def test_every_sentence_of_the_article_is_cited(fact_base: FactBase) -> None:
    text = fact_base.sources["article-2022-05-23"].text
    quotes = [quote_key(c.quote) for fact in fact_base.facts.values() for c in fact.citations]
    sentences = _sentences(text)
    assert len(sentences) >= 14
    uncited = [s for s in sentences if not any(q in quote_key(s) for q in quotes)]
    assert uncited == []

"""The shipped knowledge/ is valid and covers the article."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.engine.engine import BRAND_PREFIX, OVERVIEW_ID, PARTNERSHIP_PREFIX, Engine
from bot.facts import limits
from bot.facts.models import FactBase
from bot.facts.text import plain, quote_key
from bot.facts.yaml_loading import check_knowledge
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


# Discord's limits: the shipped knowledge fits without anything being cut.

_MARKDOWN = re.compile(r"([\\*_~`|>])")
DATE_PREFIX_MAX = len("As reported on 30 September 2022, ")


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _field_value(quote: str, title: str, date: str) -> str:
    """A citation as an embed field shows it: the quote escaped and block-quoted, its source."""
    block = "\n".join(f"> {line}" for line in _escape(quote).splitlines())
    return f"{block}\n— *{_escape(title)}*, {date}"


def _entries(engine: Engine) -> list[str]:
    ids = [*engine.base.facts, OVERVIEW_ID]
    ids += [f"{BRAND_PREFIX}{b}" for b in engine.base.brands]
    ids += [f"{PARTNERSHIP_PREFIX}{p}" for p in engine.base.partnerships]
    return ids


def test_every_question_fits_an_autocomplete_choice(fact_base: FactBase, engine: Engine) -> None:
    for fact in fact_base.facts.values():
        assert 0 < len(fact.question) <= limits.CHOICE_MAX, fact.id
        assert all(len(p) <= limits.PHRASING_MAX for p in fact.phrasings), fact.id
    for entry in engine.matcher.entries:  # suggestions show an entry's first question
        assert len(entry.questions[0]) <= limits.CHOICE_MAX, entry.id


def test_every_answer_with_its_date_fits_an_embed_description(engine: Engine) -> None:
    for entry_id in _entries(engine):
        answer = engine.answer_entry("q", entry_id).answer or ""
        assert len(answer) <= limits.EMBED_DESCRIPTION_MAX, entry_id
    for fact in engine.base.facts.values():
        assert len(fact.answer) + DATE_PREFIX_MAX <= limits.EMBED_DESCRIPTION_MAX


def test_every_quote_with_its_source_fits_an_embed_field(engine: Engine) -> None:
    for entry_id in _entries(engine):
        for citation in engine.answer_entry("q", entry_id).citations:
            value = _field_value(citation.quote, citation.title, citation.date)
            assert len(value) <= limits.EMBED_FIELD_VALUE_MAX, (entry_id, citation.quote)


def test_every_name_fits_a_choice(fact_base: FactBase) -> None:
    for brand in fact_base.brands.values():
        for name in (*brand.names, *(n for d in brand.devices for n in (d.name, *d.aliases))):
            assert 0 < len(name) <= limits.CHOICE_MAX, brand.id
    for source in fact_base.sources.values():
        assert len(source.title) <= limits.EMBED_TITLE_MAX


# The claims: each is in some fact's answer, and that fact quotes the article.

CLAIMS = {
    "Xiaomi is the latest to partner with a legacy camera maker": [
        "xiaomi",
        "latest",
        "legacy camera",
    ],
    "Xiaomi announced the partnership with Leica": ["xiaomi", "announced", "leica"],
    "the first phone comes in July 2022": ["first", "july 2022"],
    "reportedly the Xiaomi 12 Ultra": ["report", "xiaomi 12 ultra"],
    "no details about the device": ["details", "not"],
    "a new era of mobile photography": ["new era of mobile photography"],
    "the scope: from optical design to imaging preferences": [
        "optical design",
        "imaging preferences",
    ],
    "Lei Jun's quote": ["lei jun", "strong boost", "imaging strategy"],
    "Lei Jun is Xiaomi's founder and CEO": ["lei jun", "founder", "ceo"],
    "Xiaomi's share is growing": ["xiaomi", "share", "growing"],
    "the Mi 11 Ultra and 12 Pro were successful": ["mi 11 ultra", "12 pro", "successful"],
    "OnePlus has a multi-year partnership with Swedish Hasselblad": [
        "oneplus",
        "multi-year",
        "swedish",
        "hasselblad",
    ],
    "Vivo works with Zeiss for flagship cameras": ["vivo", "zeiss", "flagship", "camera"],
    "Leica is German": ["leica", "german"],
    "Huawei and Leica were partners for four years": ["huawei", "leica", "four years"],
    "the P30 Pro, P40 and P50 series": ["p30 pro", "p40", "p50 series"],
    "it ended because of Huawei's challenges in many markets": [
        "huawei",
        "challenges",
        "many markets",
        "end",
    ],
    "the latest partnership among phone makers and camera companies": [
        "latest partnership",
        "camera companies",
    ],
    "Leica partnered with Xiaomi in 2022": ["leica", "xiaomi", "2022"],
    "Xiaomi brings in experts for a better camera system": ["experts", "camera system"],
}


def _norm(text: str) -> str:
    return " ".join(plain(text).lower().split())


@pytest.mark.parametrize("claim", CLAIMS, ids=list(CLAIMS))
def test_the_claim_is_in_an_answer(fact_base: FactBase, claim: str) -> None:
    keywords = CLAIMS[claim]
    facts = [
        fact
        for fact in fact_base.facts.values()
        if all(keyword in _norm(fact.answer) for keyword in keywords)
    ]
    assert facts, f"no fact answers: {claim}"
    assert all(fact.citations for fact in facts)


# Answers are spelled right even where the article is not; the quotes keep its typos.

ARTICLE_SLIPS = [
    "Hassleblad",
    "Mmi 11",
    "maker share",
    "bring-in",
    "in- depth",
]


@pytest.mark.parametrize("slip", ARTICLE_SLIPS)
def test_answers_do_not_repeat_the_article_s_slips(engine: Engine, slip: str) -> None:
    assert slip in engine.base.sources["article-2022-05-23"].text
    for entry_id in _entries(engine):
        answer = engine.answer_entry("q", entry_id).answer or ""
        assert slip.lower() not in answer.lower(), entry_id


def test_the_schema_examples_in_the_readme_are_valid(tmp_path: Path) -> None:
    readme = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    examples = {re.search(r"^- id: (\S+)", block).group(1): block for block in blocks}
    assert set(examples) == {"article-2022-05-23", "xiaomi", "huawei-leica", "huawei-leica-split"}
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("README.md"))
    for path in (root / "facts").glob("*.yaml"):
        path.unlink()
    (root / "sources.yaml").write_text(examples["article-2022-05-23"], encoding="utf-8")
    (root / "partnerships.yaml").write_text(examples["huawei-leica"], encoding="utf-8")
    (root / "facts" / "example.yaml").write_text(examples["huawei-leica-split"], "utf-8")
    shown = yaml.safe_load(examples["xiaomi"])
    others = yaml.safe_load((KNOWLEDGE / "brands.yaml").read_text("utf-8"))
    shown_ids = {b["id"] for b in shown}
    brands = shown + [b for b in others if b["id"] not in shown_ids]
    (root / "brands.yaml").write_text(yaml.safe_dump(brands, sort_keys=False), "utf-8")
    base, problems = check_knowledge(root)
    assert problems == []
    assert base is not None
    assert set(base.facts) == {"huawei-leica-split"}

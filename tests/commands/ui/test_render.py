"""The rendering: every embed and text within Discord's limits, saying what the console says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine.engine import (
    BRAND_PREFIX,
    OVERVIEW_ID,
    PARTNERSHIP_PREFIX,
    Answer,
    BrandLookup,
    CitedQuote,
    Engine,
    Suggestion,
)
from bot.facts import limits
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
    Source,
)
from commands.ui import render as _render
from tests.helpers.discord_checks import embed_problems

# The truncation helper


@given(st.text(alphabet=st.sampled_from("ab \\*_\n…é"), max_size=120), st.integers(0, 100))
def test_clip_fits_and_keeps_a_prefix(text: str, limit: int) -> None:
    cut = _render.clip(text, limit)
    assert len(cut) <= max(limit, 0)
    if len(text) <= limit:
        assert cut == text
    elif limit > 0:
        assert cut.endswith("…")
        assert text.startswith(cut[:-1])
        body = cut[:-1]
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0, "an escape left open before …"


@given(st.text(alphabet="abc", max_size=200), st.integers(1, 100))
def test_clip_without_spaces_uses_all_the_room(text: str, limit: int) -> None:
    assert len(_render.clip(text, limit)) == min(len(text), limit)


def test_clip_prefers_a_word_boundary() -> None:
    assert _render.clip("the quick brown fox jumps", 12) == "the quick…"
    assert _render.clip("abcdefghij", 5) == "abcd…"
    assert _render.clip("abc", 0) == ""
    assert _render.clip("abc", 1) == "…"
    assert _render.clip("a\\bcd", 3) == "a…", "no half escape before the ellipsis"
    assert _render.clip("a\\\\bcd", 4) == "a\\\\…", "a whole escape stays"


@given(st.lists(st.text(min_size=1, max_size=80), max_size=60), st.integers(10, 500))
def test_lines_within_fits(lines: list[str], limit: int) -> None:
    text = _render.lines_within(lines, limit, lambda n: f"…and {n} more")
    assert len(text) <= limit


def test_echo_escapes_markdown_and_mentions() -> None:
    shown = _render.echo("**bold** @everyone <@&123456789012345678>\n`code`")
    assert "@everyone" not in shown
    assert "<@&123456789012345678>" not in shown
    assert "\\*\\*bold\\*\\*" in shown
    assert "\n" not in shown


# Embeds with the content of the console's rendering


def test_answer_embed_says_what_the_console_says(engine: Engine) -> None:
    fact = next(iter(engine.base.facts.values()))
    answer = engine.answer_entry("some *question*", fact.id, 0.87)
    data = _render.answer_embed(answer).to_dict()
    assert data["title"] == "some \\*question\\*", "the question as asked, escaped"
    assert data["description"] == _render.shown(answer.answer)
    assert "footer" not in data, "no fact id, no confidence"
    groups = _render.grouped_citations(answer.citations)
    assert len(data["fields"]) == len(groups)
    for field, group in zip(data["fields"], groups, strict=True):
        assert field["name"].startswith("Source")
        source, *quote_lines = field["value"].split("\n")
        assert group[0].title in source.replace("\\", "")
        assert source.endswith(f" · {group[0].date}")
        assert all(line.startswith("> ") for line in quote_lines)
        for citation in group:
            assert "> " + _render.shown(citation.quote) in field["value"]


def test_an_answer_listing_partnerships_shows_a_list(engine: Engine) -> None:
    answer = engine.answer_entry("Which phones had Leica cameras?", BRAND_PREFIX + "leica")
    lines = _render.answer_text(answer, engine.base).splitlines()
    assert lines[0] == "As reported on 23 May 2022, Leica's camera partnerships:"
    huawei = engine.base.partnerships["huawei-leica"]
    assert lines[1].startswith("- **Leica** with **Xiaomi** — announced")
    assert "first phone due July 2022" in lines[1]
    assert "  - Xiaomi 12 Ultra (reported, not confirmed)" in lines
    assert f"- **Leica** with **Huawei** — ended; {huawei.period}" in " ".join(lines)
    assert "  - Huawei P40" in lines, "devices as a sub-list"
    overview = engine.answer_entry("q", OVERVIEW_ID)
    bullets = [line for line in _render.answer_text(overview, engine.base).splitlines()]
    assert len([b for b in bullets if b.startswith("- ")]) == len(engine.partnerships())
    plain = engine.answer_entry("q", "leica-country")
    assert _render.answer_text(plain, engine.base) == _render.shown(plain.answer)


def test_abstention_text() -> None:
    with_suggestions = Answer("q", False, None, 0.5, suggestions=(Suggestion("f", "Q?"),))
    several = Answer("q", False, None, 0.5, suggestions=(Suggestion("f", "Q?"),) * 2)
    without = Answer("q", False, None, 0.0)
    assert _render.abstain_text(with_suggestions).startswith(_render.DONT_KNOW)
    assert _render.abstain_text(with_suggestions).endswith("Did you mean this one?")
    assert _render.abstain_text(several).endswith("Did you mean one of these?")
    assert "Did you mean" not in _render.abstain_text(without)


def test_brand_embed_lists_current_and_ended_with_devices_dates_and_quotes(engine: Engine) -> None:
    lookup = engine.find_brand("Leica")
    assert lookup.brand is not None
    data = _render.brand_embed(lookup, engine).to_dict()
    assert data["title"].startswith("Leica (camera maker")
    statuses = [v.partnership.status for v in lookup.partnerships]
    assert PartnershipStatus.ENDED in statuses, "the shipped base has Huawei–Leica, ended"
    for view in lookup.partnerships:
        assert view.partner.name in data["description"]
        for device in view.partnership.devices:
            assert _render.shown(device) in data["description"]
        if view.reported_on:
            assert view.reported_on in data["description"]
    articles = [_render.grouped_citations(v.citations) for v in lookup.partnerships]
    assert len(data["fields"]) == sum(len(groups) for groups in articles)
    assert "ended" in data["description"]
    assert data["footer"]["text"].startswith(f"{len(lookup.partnerships)} partnerships, ")


def test_unknown_brand_text_suggests_and_escapes(engine: Engine) -> None:
    leica = engine.base.brands["leica"]
    text = _render.unknown_brand_text(BrandLookup("Leicaa", None, suggestions=(leica,)))
    assert text == "I don't know a brand called **Leicaa**. Did you mean Leica?"
    hasselblad = engine.base.brands["hasselblad"]
    text = _render.unknown_brand_text(BrandLookup("L", None, suggestions=(leica, hasselblad)))
    assert text.endswith("Did you mean Leica or Hasselblad?")
    zeiss = engine.base.brands["zeiss"]
    three = BrandLookup("L", None, suggestions=(leica, hasselblad, zeiss))
    assert _render.unknown_brand_text(three).endswith("Did you mean Leica, Hasselblad or Zeiss?")
    text = _render.unknown_brand_text(BrandLookup("@everyone *zzzz*", None))
    assert "@everyone" not in text
    assert "\\*zzzz\\*" in text
    assert text.endswith("Try /partners for the list.")


def test_partnerships_and_sources(engine: Engine) -> None:
    partners = _render.partnerships_embed(engine).to_dict()
    first = engine.partnerships()[0]
    phone = engine.base.brands[first.phone_maker].name
    assert partners["description"].startswith(f"- **{phone}** with ")
    sources = _render.sources_embed(engine).to_dict()
    for source in engine.sources():
        assert source.date_label in sources["description"]
        assert source.id in sources["description"]


# Every shipped fact and brand, and an oversized synthetic base, within the limits


def _every_answer(engine: Engine) -> list[Answer]:
    ids = [*list(engine.base.facts), OVERVIEW_ID]
    ids += [PARTNERSHIP_PREFIX + p for p in engine.base.partnerships]
    ids += [BRAND_PREFIX + b for b in engine.base.brands if engine.base.partnerships_of(b)]
    return [engine.answer_entry("question", entry_id) for entry_id in ids]


def _all_embeds(engine: Engine) -> list:
    embeds = [_render.answer_embed(a, engine.base) for a in _every_answer(engine)]
    for brand in engine.base.brands.values():
        embeds.append(_render.brand_embed(engine.find_brand(brand.name), engine))
    embeds += [
        _render.partnerships_embed(engine),
        _render.sources_embed(engine),
        _render.help_embed(),
    ]
    return embeds


def test_every_shipped_fact_and_brand_renders_within_limits(engine: Engine) -> None:
    embeds = _all_embeds(engine)
    assert len(embeds) >= len(engine.base.facts) + len(engine.base.brands)
    for embed in embeds:
        assert embed_problems(embed) == [], embed.title


@pytest.fixture(scope="module")
def huge_engine() -> Engine:
    """A base with every text at or past the validation limits, and far too many citations."""
    day = dt.date(2022, 5, 23)
    sources = {
        f"s{i}": Source(f"s{i}", "T" * 400 + f" {i}", day, f"https://e.com/{i}", "f", "x")
        for i in range(40)
    }
    quote = ("word " * 250).strip()  # 1249 characters: past what one field can hold
    citations = tuple(Citation(f"s{i}", f"{quote} {i}") for i in range(40))
    brands = {
        f"b{i}": Brand(
            f"b{i}",
            "Brand" + "n" * 300 + str(i),
            BrandKind.PHONE_MAKER if i % 2 else BrandKind.CAMERA_MAKER,
        )
        for i in range(60)
    }
    partnerships = {
        f"p{i}": Partnership(
            f"p{i}",
            f"b{2 * (i % 30) + 1}",
            "b0" if i < 30 else f"b{2 * (i % 30)}",
            PartnershipStatus.ENDED if i % 3 else PartnershipStatus.ACTIVE,
            period="P" * 500,
            devices=tuple("Device " + "d" * 90 for _ in range(8)),
            summary="S" * 1000,
            citations=citations,
        )
        for i in range(40)
    }
    facts = {
        "big": Fact(
            "big", "Q" * 600 + "?", "A *b* _c_ " * 450, citations, phrasings=("p",), brands=("b0",)
        )
    }
    return Engine(FactBase(sources, brands, partnerships, facts))


def test_oversized_base_still_renders_within_limits(huge_engine: Engine) -> None:
    embeds = _all_embeds(huge_engine)
    for embed in embeds:
        assert embed_problems(embed) == [], embed.title
    big = _render.answer_embed(huge_engine.answer_entry("q", "big")).to_dict()
    assert big["description"].endswith("…")
    assert big["fields"][-1]["name"] == "…", "left-out sources are announced"
    assert "more sources not shown" in big["fields"][-1]["value"]
    first = big["fields"][0]["value"]
    heading, quote = first.split("\n", 1)
    assert heading.startswith("[TTT")
    assert heading.endswith(" · 23 May 2022")
    assert quote.startswith("> ")
    assert quote.endswith("…"), "a cut quote keeps its heading"


def test_long_labels_and_choices_are_clipped() -> None:
    assert len(_render.button_label("x" * 200)) == 80
    assert len(_render.choice_text("y" * 200)) == 100
    assert _render.choice_text("") == "…"


def test_citation_without_url_names_the_article_in_italics() -> None:
    citation = CitedQuote("s", "An *odd* title", "1 May 2022", "a quote")
    text = _render.citation_text(citation)
    assert text == "> a quote\n— *An \\*odd\\* title*, 1 May 2022"
    linked = _render.citation_text(CitedQuote("s", "T", "1 May 2022", "q", "https://x.org"))
    assert linked.endswith("— [T](https://x.org), 1 May 2022")


@pytest.mark.parametrize("quote", ["x" * 3000, "word " * 600, "*" * 1500])
@pytest.mark.parametrize("url", ["", "https://example.org/a-long-article-address"])
def test_a_long_quote_fills_the_field_and_keeps_its_dated_source(quote: str, url: str) -> None:
    citation = CitedQuote("s", "A title", "23 May 2022", quote, url)
    text = _render.citation_text(citation)
    assert len(text) <= limits.EMBED_FIELD_VALUE_MAX, len(text)
    assert text.endswith(", 23 May 2022")
    assert "…\n— " in text, "the quote is the part cut"
    if quote.startswith("x"):
        assert len(text) == limits.EMBED_FIELD_VALUE_MAX, "no room is wasted"
    short = _render.citation_text(citation, limit=200)
    assert len(short) <= 200
    assert short.endswith(", 23 May 2022")

"""No user or moderator text becomes a live link, and lists page instead of being cut short."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine.engine import CitedQuote, Engine
from bot.facts.models import Source
from bot.state.gaps import Gap
from commands.moderation import _render as render
from commands.ui import render as _render
from tests.helpers.discord_checks import only_embed

# What Discord would render as a link: a masked link whose "[" is not escaped, or an
# angle-bracket autolink whose "<" is not escaped.
_MASKED = re.compile(r"(?<!\\)\[(?:[^\[\]\\]|\\.)*\]\(\s*<?\s*https?://", re.IGNORECASE)
_ANGLE = re.compile(r"(?<!\\)<https?://", re.IGNORECASE)
# A bare URL, which Discord makes a link by itself: a scheme and "//" with nothing between.
_BARE = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://")
# What Discord would render as a list: "- ", "* ", "+ " or "1. " at a line's start, unescaped.
_LIST = re.compile(r"^[ \t]*(?:[-*+]|[0-9]+\.)(?:[ \t]|$)", re.MULTILINE)
# Links a renderer may add itself (a source's own URL), as [title](url) with an encoded url.
_OWN_LINK = re.compile(r"\[(?:[^\[\]\\]|\\.)*\]\(https?://[^\s()<>\[\]]*\)")

HOSTILE = (
    "Is Leica German? [a](https://a.example) [verify](https://evil.example/login)",
    "[[nested]](https://evil.example) and [x [y]](https://evil.example)",
    "<https://evil.example/login> and [z](<https://evil.example>)",
    "text](https://evil.example) [ok](https://evil.example",
    "\\[escaped?](https://evil.example) \\\\[double](https://evil.example)",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` > quote # heading -# sub",
    "log in at https://evil.example/login or HTTP://EVIL.example or steam://run/1",
    "a_https://evil.example and (https://evil.example) and 'http://evil.example'",
)
LISTS = (
    "- first\n- second",
    "1. first\n2. second",
    "  + indented\n10. tenth",
    "-\n1.",
    "text\n- after a line\n 3. numbered",
)


def lists(text: str) -> list[str]:
    """Every line Discord would render as a list item in `text`."""
    return _LIST.findall(text)


def live_links(text: str, *, own: str = "") -> list[str]:
    """Every link Discord would render in `text`, besides the renderer's own link `own`."""
    rest = text.replace(own, "", 1) if own else text
    return _MASKED.findall(rest) + _ANGLE.findall(rest) + _BARE.findall(rest)


def test_the_detector_finds_what_discord_would_render() -> None:
    assert live_links("see [verify](https://evil.example)") != []
    assert live_links("[a](https://a.example) [b](https://b.example)") != []
    assert live_links("<https://evil.example>") != []
    assert live_links("\\[a\\](https\\://a.example)") == []
    assert live_links("go to https://evil.example now") != []
    assert live_links("go to https\\://evil.example now") == []
    assert lists("- a") != []
    assert lists("1. a") != []
    assert lists("\\- a\n1\\. b") == []


@pytest.mark.parametrize("text", LISTS)
def test_no_line_of_shown_text_renders_as_a_list(text: str) -> None:
    assert lists(_render.shown(text)) == []
    assert lists(_render.echo(text, 500)) == []
    assert _render.unescaped(_render.shown(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_echo_and_shown_leave_no_live_link(text: str) -> None:
    for shown in (_render.echo(text, 500), _render.shown(text)):
        assert live_links(shown) == [], shown
        assert _render.unescaped(shown) == " ".join(text.split()) or shown == _render.shown(text)


@given(st.text(alphabet=st.sampled_from("[]()<>\\ ahttps:/.e*_`|~#-+1\n"), max_size=80))
def test_no_text_ever_renders_a_link(text: str) -> None:
    assert live_links(_render.shown(text)) == []
    assert lists(_render.shown(text)) == []
    assert _render.unescaped(_render.shown(text)) == text


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a) — [Verify your Discord account](https://evil.example/login",
        "https://news.example/a>) [x](https://evil.example",
        "https://news.example/a\\) [x](https://evil.example)",
        "https://news.example/(a)/[b]/<c>",
        "javascript:alert(1)",
        "https://",
        "https://news.example/a b",
    ],
)
def test_a_source_url_cannot_break_out_of_its_link(url: str) -> None:
    citation = CitedQuote("s", "An article", "1 May 2022", "a quote", url)
    text = _render.source_text([citation])
    heading = text.split("\n")[0]
    # At most the one link to the article, whose target holds no bracket, parenthesis or space.
    links = _OWN_LINK.findall(heading)
    assert len(links) <= 1
    assert live_links(heading, own=links[0] if links else "") == []
    assert "evil.example/login)" not in heading.replace("%29", "")
    if links:
        target = links[0].split("](", 1)[1][:-1]
        assert not set(target) & set("()[]<> \\")
        assert target.startswith(("http://", "https://"))
    else:
        assert heading.startswith("*An article*")


def test_an_ordinary_url_stays_a_link() -> None:
    citation = CitedQuote("s", "T", "1 May 2022", "q", "https://x.org/a-b_c?d=1&e=2#f")
    assert _render.source_text([citation]).startswith("[T](https://x.org/a-b_c?d=1&e=2#f) · ")


# End to end: a hostile question reaches the moderators as text, not as a link


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


async def test_a_hostile_question_reaches_kb_gaps_without_a_live_link(
    simcord_env, channel, alice, moderator
):
    for question in HOSTILE:
        await alice.slash(channel, "ask", question=question[:300])

    listed = await moderator.slash(channel, "kb gaps")

    embed = only_embed(listed.response)
    assert "evil.example" in embed.description, "the questions are listed"
    assert live_links(embed.description) == []


async def test_a_hostile_answer_and_source_render_without_a_live_link(
    simcord_env, channel, alice, bot, engine
):
    fact = bot.engine.base.facts["leica-country"]
    hostile_fact = type(fact)(
        fact.id,
        fact.question,
        HOSTILE[0] + " " + HOSTILE[2],
        fact.citations,
        fact.phrasings,
        fact.brands,
    )
    source_id = fact.citations[0].source_id
    source = bot.engine.base.sources[source_id]
    hostile_source = Source(
        source.id,
        "Leica [verify](https://evil.example/login)",
        source.date,
        "https://news.example/a) — [Verify your Discord account](https://evil.example/login",
        source.file,
        source.text,
    )
    base = bot.engine.base
    bot.engine = Engine(
        type(base)(
            {**base.sources, source_id: hostile_source},
            base.brands,
            base.partnerships,
            {**base.facts, fact.id: hostile_fact},
        )
    )

    asked = await alice.slash(channel, "ask", question="Where is Leica from?")

    data = only_embed(asked.response).to_dict()
    texts = [data["description"], *(f["value"] for f in data["fields"])]
    assert "evil.example" in data["description"]
    for text in texts:
        assert live_links(text) == [], text


def test_gaps_embed_escapes_every_question() -> None:
    gaps = [Gap(text, 1, "2026-01-01T00:00:00+00:00", f"k{n}") for n, text in enumerate(HOSTILE)]
    description = render.gaps_embed(gaps).description or ""
    assert live_links(description) == []


# Long lists page with buttons


def many_sources(engine: Engine, count: int) -> Engine:
    """The shipped base with `count` more source articles."""
    base = engine.base
    first = next(iter(base.sources.values()))
    extra = {
        f"extra-{n}": Source(
            f"extra-{n}", f"Article {n}", first.date, f"https://x.example/{n}", "f", "t"
        )
        for n in range(count)
    }
    return Engine(type(base)({**base.sources, **extra}, base.brands, base.partnerships, base.facts))


async def test_sources_page_with_buttons_for_everyone(
    simcord_env, channel, alice, bob, bot, engine
):
    bot.engine = many_sources(engine, 40)
    total = len(bot.engine.sources())

    shown = await alice.slash(channel, "sources")

    embed = only_embed(shown.response)
    assert embed.footer.text.endswith(f"page 1 of {-(-total // _render.SOURCES_PER_PAGE)}")
    assert "more article" not in (embed.description or ""), "no '…and N more'"
    assert embed.description.count("\n- ") + 1 == _render.SOURCES_PER_PAGE
    turned = await alice.click(shown.response, label="Next ▶")
    assert turned.acknowledged
    stored = simcord_env.backend.get_message(channel.id, shown.response.id)
    assert "page 2 of" in stored.embeds[0]["footer"]["text"]
    # Someone else's press shows them the page privately; the message stays where it was.
    other = await bob.click(shown.response, label="Next ▶")
    assert other.ephemeral
    assert "page 3 of" in only_embed(other.response).footer.text
    stored = simcord_env.backend.get_message(channel.id, shown.response.id)
    assert "page 2 of" in stored.embeds[0]["footer"]["text"]


async def test_the_gaps_buttons_stop_when_the_commands_token_expires(
    simcord_env, channel, alice, moderator
):
    await alice.slash(channel, "ask", question="What sensor does the Leitz Phone 3 use?")
    listed = await moderator.slash(channel, "kb gaps")
    await simcord_env.advance_time(600)
    opened = await moderator.click(
        listed.response, label="1. What sensor does the Leitz Phone 3 use?"
    )
    assert opened.modal is not None

    # 14 minutes after /kb gaps: its token (15 minutes) can still remove the buttons.
    await simcord_env.advance_time(250)

    stored = simcord_env.backend.get_message(channel.id, listed.response.id)
    assert stored.components == [], "a press does not keep the buttons past the token"

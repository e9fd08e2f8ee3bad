"""/partner with autocomplete, /partners, /sources and /help, end to end."""

from __future__ import annotations

from bot.engine.engine import BrandLookup, Engine
from commands.ui import render as _render
from tests.helpers.discord_checks import ScriptedEngine, only_embed


async def test_partner_lists_a_brands_partnerships(simcord_env, channel, alice, engine: Engine):
    result = await alice.slash(channel, "partner", brand="Leica")
    assert result.acknowledged
    assert not result.ephemeral
    embed = only_embed(result.response)
    lookup = engine.find_brand("Leica")
    assert embed.to_dict() == _render.brand_embed(lookup, engine).to_dict()
    assert embed.title.startswith("Leica")
    assert "Huawei" in embed.description
    assert "ended" in embed.description
    # One field per partnership and article, holding every quote of that article.
    assert len(embed.fields) == sum(
        len({c.source_id for c in v.citations}) for v in lookup.partnerships
    )
    quotes = sum(field.value.count("\n> ") for field in embed.fields)
    assert quotes == sum(len({c.quote for c in v.citations}) for v in lookup.partnerships)


async def test_partner_takes_free_text_with_typos(simcord_env, channel, alice):
    for typed in ("hasselbald", "one plus", "Leica Camra"):
        result = await alice.slash(channel, "partner", brand=typed)
        assert result.acknowledged
        assert not result.ephemeral, typed
    assert only_embed(result.response).title.startswith("Leica (camera maker")


async def test_an_unknown_brand_gets_a_private_did_you_mean(
    simcord_env, channel, alice, bot, engine
):
    leica = engine.base.brands["leica"]
    lookup = BrandLookup("Leicaa_x", None, suggestions=(leica,))

    class NearMiss(ScriptedEngine):
        def find_brand(self, name):
            return lookup if name == "Leicaa_x" else engine.find_brand(name)

    bot.engine = NearMiss(engine, {})
    result = await alice.slash(channel, "partner", brand="Leicaa_x")
    assert result.acknowledged
    assert result.ephemeral
    assert result.response.content == (
        "I don't know a brand called **Leicaa\\_x**. Did you mean Leica?"
    )
    pressed = await alice.click(result.response, label="Leica")
    assert pressed.acknowledged
    shown = simcord_env.backend.get_message(channel.id, result.response.id)
    assert shown.embeds[0]["title"].startswith("Leica (camera maker")
    assert shown.components == []


async def test_a_brand_nobody_knows(simcord_env, channel, alice):
    result = await alice.slash(channel, "partner", brand="Samsung")
    assert result.ephemeral
    assert result.response.content == (
        "I don't know a brand called **Samsung**. Try /partners for the list."
    )


async def test_autocomplete_offers_brands_best_first(simcord_env, channel, alice, engine):
    choices = await alice.autocomplete(channel, "partner", "brand", "hass")
    assert choices[0] == {"name": "Hasselblad", "value": "Hasselblad"}
    typo = await alice.autocomplete(channel, "partner", "brand", "leicq")
    assert typo[0]["name"] == "Leica"
    everything = await alice.autocomplete(channel, "partner", "brand", "")
    assert [c["name"] for c in everything] == [b.name for b in engine.brand_choices("", 25)]
    assert 1 <= len(everything) <= 25


async def test_autocomplete_holds_25_choices_of_100_characters(simcord_env, channel, alice, bot):
    class ManyBrands:
        def brand_choices(self, text, limit):
            from bot.facts.models import Brand, BrandKind

            return [Brand(f"b{i}", "B" * 150 + str(i), BrandKind.PHONE_MAKER) for i in range(40)]

    bot.engine = ManyBrands()
    result_choices = await alice.autocomplete(channel, "partner", "brand", "b")
    assert len(result_choices) == 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in result_choices)


async def test_partners_lists_every_partnership(simcord_env, channel, alice, engine):
    result = await alice.slash(channel, "partners")
    assert result.acknowledged
    assert not result.ephemeral
    embed = only_embed(result.response)
    assert embed.title == "Camera partnerships"
    bullets = [line for line in embed.description.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(engine.partnerships())
    ended = [line for line in bullets if " — ended" in line]
    assert ended, "the shipped base has an ended partnership"
    assert bullets[-len(ended) :] == ended, "ended partnerships come last"
    assert all("(reported 23 May 2022)" in line for line in bullets)
    assert "  - Huawei P30 Pro" in embed.description, "devices as a list"
    assert "(s)" not in str(embed.to_dict())
    assert result.response.components == [], "one page: no page buttons"


async def test_sources_lists_the_articles_with_dates(simcord_env, channel, alice, engine):
    result = await alice.slash(channel, "sources")
    assert result.acknowledged
    assert not result.ephemeral
    embed = only_embed(result.response)
    for source in engine.sources():
        assert source.date_label in embed.description
        assert _render.shown(source.title) in embed.description


async def test_help_explains_the_commands_privately(simcord_env, channel, alice, bot):
    result = await alice.slash(channel, "help")
    assert result.acknowledged
    assert result.ephemeral
    text = only_embed(result.response).description
    commands = {c.name: c.id for c in await bot.tree.fetch_commands()}
    for command in ("ask", "partner", "partners", "sources", "help"):
        assert f"</{command}:{commands[command]}>" in text, "clickable command mentions"
    assert f"<@{bot.user.id}> which phones" in text, "the bot's real mention"


async def test_mentioning_the_bot_with_help_shows_help(simcord_env, channel, alice, bot):
    asked = await alice.send(channel, f"{bot.user.mention} help")
    reply = channel.last_message
    assert reply.reference.message_id == asked.id
    assert reply.embeds[0].title == "camerabot"
    assert "</ask:" in reply.embeds[0].description

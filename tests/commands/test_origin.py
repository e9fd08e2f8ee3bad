"""Unanswered questions are filed under the server they were asked in; DMs are labelled."""

from __future__ import annotations

from commands.moderation._render import gaps_embed

UNKNOWN = "What sensor does the Leitz Phone 3 use?"


async def test_unanswered_questions_carry_their_server(simcord_env, channel, guild, alice, bot):
    other = simcord_env.create_guild("Elsewhere")
    there = other.create_text_channel("chat")
    bob = other.add_member(simcord_env.create_user("bob"))

    await alice.slash(channel, "ask", question=UNKNOWN)
    await alice.send(channel, f"{bot.user.mention} {UNKNOWN}")
    await bob.slash(there, "ask", question=UNKNOWN)
    bot.gap_log.flush()

    [gap] = bot.gap_log.top()
    assert gap.count == 3
    assert gap.guilds == {guild.id, other.id}
    names = {g.id: g.name for g in bot.guilds}
    assert gaps_embed([gap], server_names=names).description.endswith(" · from Elsewhere, Phones")

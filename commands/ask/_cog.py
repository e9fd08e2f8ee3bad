"""Questions: /ask, mentions of the bot, and the optional auto-answer channels."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.engine.engine import Answer
from commands.checks import question_cooldown
from commands.ui import render as _render
from commands.ui.persistent import ANSWER_ITEMS, SESSION_ITEMS, answer_reply, refusal_reply

if TYPE_CHECKING:
    from commands.client import CamerabotBot
    from commands.cooldown import UserCooldown
log = logging.getLogger(__name__)

QUESTION_MAX = 300
# How long a notice meant for one person stays in a channel when their DMs are closed.
PRIVATE_NOTICE_SECONDS = 15.0
_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def strip_mention(content: str, user_id: int, role_id: int | None = None) -> str:
    """The question in a message that mentions the bot: its mentions of the bot removed."""
    text = _MENTION.sub(lambda m: "" if int(m.group(1)) == user_id else m.group(0), content)
    if role_id is not None:
        text = _ROLE_MENTION.sub(lambda m: "" if int(m.group(1)) == role_id else m.group(0), text)
    return " ".join(text.split())


def own_role_id(message: discord.Message) -> int | None:
    """The id of the bot's own managed role in the message's server, if any."""
    guild = message.guild
    if guild is None:
        return None
    role = guild.self_role  # found by its tags (bot_id)
    if role is None and guild.me is not None:
        # Without tags: the one managed role the bot's member holds is its integration role
        # (no other managed role can be given to a bot).
        managed = [r for r in guild.me.roles if r.managed]
        role = managed[0] if len(managed) == 1 else None
    return role.id if role is not None else None


def addresses_bot(message: discord.Message, user_id: int) -> bool:
    """Whether the message's text mentions the bot (or its own role) explicitly.

    A reply to the bot puts it in `message.mentions` without a word said to it: that is not
    a question ("thanks!"). Only a mention written in the text is.
    """
    if any(int(m.group(1)) == user_id for m in _MENTION.finditer(message.content)):
        return True
    role_id = own_role_id(message)
    return role_id is not None and any(
        int(m.group(1)) == role_id for m in _ROLE_MENTION.finditer(message.content)
    )


def looks_like_question(text: str) -> bool:
    """Whether chatter in an auto-answer channel is a question worth recording as a gap."""
    return text.rstrip().endswith("?")


def is_help(question: str) -> bool:
    """Whether a mention (or DM) asks for help rather than asking a question."""
    return " ".join(question.lower().split()) in _render.HELP_WORDS


def in_answer_channel(channel: object, channel_ids: frozenset[int]) -> bool:
    """Whether a channel is an auto-answer channel, or a thread or forum post in one."""
    if getattr(channel, "id", None) in channel_ids:
        return True
    return getattr(channel, "parent_id", None) in channel_ids


def jump_line(message: discord.Message) -> str:
    """The line an "Ask camerabot" answer starts with: whose message it answers, with a link."""
    return f"Answering {message.author.mention}'s message: {message.jump_url}"


class Ask(Cog):
    """Answers questions, quoting the source of every answer."""

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot
        # Channels where posting was refused, so the warning is logged once per channel.
        self.silenced_channels: set[int] = set()
        self.context_menu = app_commands.ContextMenu(
            name="Ask camerabot", callback=self.ask_about_message
        )

    async def cog_load(self) -> None:
        """Add the "Ask camerabot" message command (context menus cannot live in a cog class)."""
        self.bot.tree.add_command(self.context_menu)

    async def cog_unload(self) -> None:
        """Remove the message command."""
        self.bot.tree.remove_command(self.context_menu.name, type=self.context_menu.type)

    async def record_gap(self, question: str, user_id: int, where: str) -> None:
        """Remember a question the fact base could not answer, for the moderators.

        Called after the reply, in a thread: the log is a locked file that shard processes share.
        """
        try:
            await asyncio.to_thread(self.bot.gap_log.record, question, user_id=user_id, where=where)
        except OSError:
            log.warning("could not record an unanswered question", exc_info=True)

    async def count(self, guild: discord.Guild | None, answered: bool) -> None:
        """Count one question for the usage figures (`/kb stats`), after the reply, in a thread."""
        server = guild.id if guild is not None else None
        try:
            await asyncio.to_thread(self.bot.usage.record, server=server, answered=answered)
        except OSError:
            log.warning("could not count a question for the usage figures", exc_info=True)

    @app_commands.command(name="ask")
    @question_cooldown()
    async def ask(
        self,
        interaction: discord.Interaction[CamerabotBot],
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        """Ask about phone makers' camera partnerships; every answer quotes its source.

        Args:
            interaction: The slash command's interaction.
            question: Your question, e.g. which phones had Leica cameras?
            private: Show the answer to you alone (default: everyone in the channel sees it).
        """
        answer = self.bot.engine.ask(question)
        if answer.answered:
            owner = None if private else interaction.user.id
            reply = answer_reply(answer, self.bot.engine.base, owner_id=owner)
            await interaction.response.send_message(ephemeral=private, **reply)
            await self.count(interaction.guild, True)
            return
        await self.count(interaction.guild, False)
        await interaction.response.send_message(
            ephemeral=True, **refusal_reply(interaction.user.id, answer)
        )
        if answer.is_gap:
            await self.record_gap(question, interaction.user.id, "slash")

    async def ask_about_message(
        self, interaction: discord.Interaction[CamerabotBot], message: discord.Message
    ) -> None:
        """Answer the question in someone's message (right-click → Apps → Ask camerabot)."""
        cooldown = self.bot.cooldown_for(interaction.guild_id)
        retry_after = cooldown.hit(interaction.user.id, interaction.created_at.timestamp())
        if retry_after is not None:
            await interaction.response.send_message(
                _render.cooldown_text(retry_after), ephemeral=True
            )
            return
        question = " ".join(message.content.split())[:QUESTION_MAX]
        me = self.bot.user
        if me is not None:
            question = strip_mention(question, me.id, own_role_id(message))
        if not question:
            await interaction.response.send_message(_render.NO_TEXT_TO_ANSWER, ephemeral=True)
            return
        answer = self.bot.engine.ask(question)
        if answer.answered:
            reply = answer_reply(answer, self.bot.engine.base, owner_id=interaction.user.id)
            await interaction.response.send_message(jump_line(message), **reply)
            await self.count(interaction.guild, True)
            return
        await self.count(interaction.guild, False)
        reply = refusal_reply(interaction.user.id, answer)
        reply["content"] = f"{jump_line(message)}\n{reply['content']}"
        await interaction.response.send_message(ephemeral=True, **reply)
        if answer.is_gap:
            await self.record_gap(question, message.author.id, "context menu")

    @Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions and DMs; in auto-answer channels, answer confident matches only."""
        me = self.bot.user
        if me is None or message.author.bot or not message.content:
            return
        try:
            if message.guild is None:
                # A direct message is a question to the bot, mention or not.
                await self.answer_mention(
                    message, strip_mention(message.content, me.id), where="dm"
                )
            elif addresses_bot(message, me.id):
                question = strip_mention(message.content, me.id, own_role_id(message))
                await self.answer_mention(message, question)
            elif in_answer_channel(message.channel, self._answer_channels(message)):
                await self.answer_in_channel(message)
        except discord.Forbidden:
            await self.cannot_send(message)
        except Exception:
            log.exception(
                "error answering message %s in channel %s", message.id, message.channel.id
            )
            try:
                await message.reply(_render.SOMETHING_WENT_WRONG, mention_author=False)
            except discord.HTTPException:
                log.warning("could not report an error in channel %s", message.channel.id)

    def _answer_channels(self, message: discord.Message) -> frozenset[int]:
        """The auto-answer channels of the message's server (its /config, else .env's)."""
        guild_id = message.guild.id if message.guild is not None else None
        return self.bot.effective_settings(guild_id).answer_channel_ids

    def _cooldown(self, message: discord.Message) -> UserCooldown:
        """The question cooldown of the message's server (DMs: the default one)."""
        return self.bot.cooldown_for(message.guild.id if message.guild is not None else None)

    def _over_cooldown(self, message: discord.Message) -> float | None:
        return self._cooldown(message).hit(message.author.id, message.created_at.timestamp())

    async def answer_mention(
        self, message: discord.Message, question: str, *, where: str = "mention"
    ) -> None:
        """Reply to a mention (or a DM) with the answer, or the abstention and its suggestions."""
        # The cooldown comes first: a bare mention is a reply too, and must not flood a channel.
        retry_after = self._over_cooldown(message)
        if retry_after is not None:
            now = message.created_at.timestamp()
            if self._cooldown(message).first_warning(message.author.id, now, retry_after):
                await self.tell_privately(message, _render.cooldown_text(retry_after))
            return
        if not question:
            await message.reply(_render.EMPTY_MENTION, mention_author=False)
            return
        if len(question) > QUESTION_MAX:
            # Never answer the first 300 characters of a longer message: say why not.
            await message.reply(
                _render.too_long_text(len(question), QUESTION_MAX), mention_author=False
            )
            return
        if is_help(question):
            embed = _render.help_embed(me_mention(self.bot), await self.bot.mentions_of_commands())
            await message.reply(embed=embed, mention_author=False)
            return
        answer: Answer = self.bot.engine.ask(question[:QUESTION_MAX])
        if answer.answered:
            reply = answer_reply(answer, self.bot.engine.base, owner_id=message.author.id)
            await message.reply(mention_author=False, **reply)
            await self.count(message.guild, True)
            return
        await message.reply(mention_author=False, **refusal_reply(message.author.id, answer))
        await self.count(message.guild, False)
        if answer.is_gap:
            await self.record_gap(question, message.author.id, where)

    async def cannot_send(self, message: discord.Message) -> None:
        """No right to post here: log it once per channel, and tell the asker by DM if we may."""
        channel_id = message.channel.id
        if channel_id not in self.silenced_channels:
            self.silenced_channels.add(channel_id)
            log.warning(
                "missing permission to reply in channel %s (guild %s); give the bot Send "
                "Messages and Embed Links there",
                channel_id,
                message.guild.id if message.guild is not None else None,
            )
        try:
            await message.author.send(_render.cannot_send_text(message.channel.id))
        except discord.HTTPException:
            log.debug("could not tell %s by DM either", message.author.id)

    async def tell_privately(self, message: discord.Message, text: str) -> None:
        """A notice for the author alone: by DM, else a reply that deletes itself soon."""
        if message.guild is None:
            await message.reply(text, mention_author=False)
            return
        try:
            await message.author.send(text)
        except discord.HTTPException:  # DMs closed: a short-lived reply, not a lasting one
            await message.reply(text, mention_author=False, delete_after=PRIVATE_NOTICE_SECONDS)

    async def answer_in_channel(self, message: discord.Message) -> None:
        """In an auto-answer channel: answer only when confident, otherwise say nothing."""
        question = " ".join(message.content.split())
        if len(question) > QUESTION_MAX:
            return  # chat, not a question: never answered from a cut-off part
        answer = self.bot.engine.ask(question[:QUESTION_MAX])
        if not answer.answered:
            if answer.is_gap and looks_like_question(question):
                await self.record_gap(question, message.author.id, "channel")
            return
        if self._over_cooldown(message) is None:
            reply = answer_reply(answer, self.bot.engine.base, owner_id=message.author.id)
            await message.reply(mention_author=False, **reply)
            await self.count(message.guild, True)


def me_mention(bot: CamerabotBot) -> str:
    """The bot's own mention, as people type it."""
    return bot.user.mention if bot.user is not None else "@camerabot"


async def setup(bot: CamerabotBot) -> None:
    """Load the cog and serve the buttons of its answers, earlier ones too."""
    bot.add_dynamic_items(*ANSWER_ITEMS, *SESSION_ITEMS)
    await bot.add_cog(Ask(bot))

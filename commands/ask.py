"""Questions: /ask, mentions of the bot, and the optional auto-answer channels."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.answers import Answer
from commands import _render
from commands._checks import question_cooldown
from commands._views import SuggestionView

if TYPE_CHECKING:
    from bot.app import CamerabotBot

log = logging.getLogger(__name__)

QUESTION_MAX = 300
_MENTION = re.compile(r"<@!?(\d+)>")


def strip_mention(content: str, user_id: int) -> str:
    """The question in a message that mentions the bot: its mentions of the bot removed."""
    text = _MENTION.sub(lambda m: "" if int(m.group(1)) == user_id else m.group(0), content)
    return " ".join(text.split())


def looks_like_question(text: str) -> bool:
    """Whether chatter in an auto-answer channel is a question worth recording as a gap."""
    return text.rstrip().endswith("?")


class Ask(Cog):
    """Answers questions, quoting the source of every answer."""

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot

    async def record_gap(self, question: str, user_id: int, where: str) -> None:
        """Remember a question the fact base could not answer, for the moderators.

        Called after the reply, in a thread: the log is a locked file that shard processes share.
        """
        try:
            await asyncio.to_thread(self.bot.gap_log.record, question, user_id=user_id, where=where)
        except OSError:
            log.warning("could not record an unanswered question", exc_info=True)

    @app_commands.command(name="ask")
    @question_cooldown()
    async def ask(
        self,
        interaction: discord.Interaction[CamerabotBot],
        question: app_commands.Range[str, 1, QUESTION_MAX],
    ) -> None:
        """Ask about phone makers' camera partnerships; every answer quotes its source.

        Args:
            interaction: The slash command's interaction.
            question: Your question, e.g. which phones had Leica cameras?
        """
        answer = self.bot.engine.ask(question)
        if answer.answered:
            await interaction.response.send_message(embed=_render.answer_embed(answer))
            return
        view = SuggestionView(interaction.user.id, question, answer.suggestions)
        if not view.children:
            await interaction.response.send_message(_render.abstain_text(answer), ephemeral=True)
        else:
            view.clear_on_timeout = lambda: interaction.edit_original_response(view=None)
            await interaction.response.send_message(
                _render.abstain_text(answer), view=view, ephemeral=True
            )
        if answer.is_gap:
            await self.record_gap(question, interaction.user.id, "slash")

    @Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions; in auto-answer channels, answer confident matches and stay quiet."""
        me = self.bot.user
        if me is None or message.author.bot or not message.content:
            return
        try:
            if me in message.mentions:
                await self.answer_mention(message, strip_mention(message.content, me.id))
            elif message.channel.id in self.bot.settings.answer_channel_ids:
                await self.answer_in_channel(message)
        except Exception:
            log.exception(
                "error answering message %s in channel %s", message.id, message.channel.id
            )
            try:
                await message.reply(_render.SOMETHING_WENT_WRONG, mention_author=False)
            except discord.HTTPException:
                log.warning("could not report an error in channel %s", message.channel.id)

    def _over_cooldown(self, message: discord.Message) -> float | None:
        return self.bot.cooldown.hit(message.author.id, message.created_at.timestamp())

    async def answer_mention(self, message: discord.Message, question: str) -> None:
        """Reply to a mention with the answer, or with the abstention and its suggestions."""
        # The cooldown comes first: a bare mention is a reply too, and must not flood a channel.
        retry_after = self._over_cooldown(message)
        if retry_after is not None:
            now = message.created_at.timestamp()
            if self.bot.cooldown.first_warning(message.author.id, now, retry_after):
                await message.reply(_render.cooldown_text(retry_after), mention_author=False)
            return
        if not question:
            await message.reply(_render.EMPTY_MENTION, mention_author=False)
            return
        answer: Answer = self.bot.engine.ask(question[:QUESTION_MAX])
        if answer.answered:
            await message.reply(embed=_render.answer_embed(answer), mention_author=False)
            return
        view = SuggestionView(message.author.id, question, answer.suggestions)
        if not view.children:
            await message.reply(_render.abstain_text(answer), mention_author=False)
        else:
            sent = await message.reply(
                _render.abstain_text(answer), view=view, mention_author=False
            )
            view.clear_on_timeout = lambda: sent.edit(view=None)
        if answer.is_gap:
            await self.record_gap(question, message.author.id, "mention")

    async def answer_in_channel(self, message: discord.Message) -> None:
        """In an auto-answer channel: answer only when confident, otherwise say nothing."""
        question = " ".join(message.content.split())
        answer = self.bot.engine.ask(question[:QUESTION_MAX])
        if not answer.answered:
            if answer.is_gap and looks_like_question(question):
                await self.record_gap(question, message.author.id, "channel")
            return
        if self._over_cooldown(message) is None:
            await message.reply(embed=_render.answer_embed(answer), mention_author=False)


async def setup(bot: CamerabotBot) -> None:
    """Load the cog."""
    await bot.add_cog(Ask(bot))

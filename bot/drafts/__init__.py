"""Drafts from a new article: the changes it calls for, each quoting its own sentence."""

from bot.drafts.model import Draft, DraftKind, DraftQuoteError, NewSource
from bot.drafts.propose import propose_drafts

__all__ = ["Draft", "DraftKind", "DraftQuoteError", "NewSource", "propose_drafts"]

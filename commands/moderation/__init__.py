"""The extension for The moderators' commands: /fact, /kb and /kb source."""

from __future__ import annotations

from commands.moderation._cog import setup

__all__ = ["setup"]

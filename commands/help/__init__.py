"""The extension for /help."""

from __future__ import annotations

from commands.help._cog import setup

__all__ = ["setup"]

"""The extension for /partner, /partners and /sources: what the fact base lists."""

from __future__ import annotations

from commands.partner._cog import setup

__all__ = ["setup"]

"""The extension for /config: each server's own settings, set by its admins."""

from __future__ import annotations

from commands.config._cog import setup

__all__ = ["setup"]

"""The extension for /ask, "Ask camerabot", and answers to mentions and in answer channels."""

from __future__ import annotations

from commands.ask._cog import setup

__all__ = ["setup"]

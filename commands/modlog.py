"""What the moderators' channel (MOD_LOG_CHANNEL_ID) is told about knowledge/ breaking and mending.

Every process serving the same knowledge/ sees the same files; `ReportedProblems` (a file in
STATE_DIR, under an exclusive lock) makes exactly one of them post each state.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from bot.facts.limits import MESSAGE_CONTENT_MAX
from bot.facts.problems import Problem
from bot.state import jsonl
from bot.state.atomic import LockTimeout
from bot.store import ReloadResult

log = logging.getLogger(__name__)

# The problems of a broken knowledge/ last posted to the moderators' channel, by any process.
REPORTED_FILE = "reported-problems.json"
# At most this many problems of a broken knowledge/ are posted to the moderators' channel.
REPORTED_PROBLEMS_MAX = 15

FIXED_KNOWLEDGE_TEXT = "knowledge/ is valid again: the bot now answers from the files on disk."


def problems_digest(problems: tuple[Problem, ...]) -> str:
    """A stable digest of a set of problems."""
    text = "\n".join(f"{p.file}:{p.line}:{p.message}" for p in problems)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReportedProblems:
    """What the moderators' channel was last told about knowledge/, shared by every process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def claim(self, digest: str) -> bool:
        """Record `digest` ("" = valid) as reported; False when it was the state reported last.

        The file is read and written under an exclusive lock, so of several processes seeing
        the same change, exactly one posts it. An unwritable STATE_DIR posts (better twice than
        never).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Never through a link, and never a wait without end (`jsonl.locked`).
            with jsonl.locked(self.path, "a+") as handle:
                handle.seek(0)
                if handle.read().strip() == digest:
                    return False
                handle.seek(0)
                handle.truncate()
                handle.write(digest)
                handle.flush()
                return True
        except (OSError, LockTimeout):
            log.warning("could not record the reported problems in %s", self.path, exc_info=True)
            return True


def clip_text(text: str, limit: int) -> str:
    """Text cut to `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def broken_knowledge_text(result: ReloadResult) -> str:
    """The moderators' channel message for invalid files on disk: every problem's file and line."""
    head = (
        "knowledge/ changed on disk but is invalid; still answering from the last good version. "
        "Fix these (`camerabot validate` or /kb validate):"
    )
    body = result.report(limit=REPORTED_PROBLEMS_MAX).replace("```", "`\u200b``")
    room = MESSAGE_CONTENT_MAX - len(head) - len("\n```\n\n```")
    return f"{head}\n```\n{clip_text(body, room)}\n```"

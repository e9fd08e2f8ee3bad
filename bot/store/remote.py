"""What the store asks of KNOWLEDGE_REMOTE: pull before changing, publish each change.

The git implementation is `bot.runtime.git_remote.GitRemote`; the store knows only this protocol,
so it stays free of subprocesses and of git's own vocabulary.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.state.audit import AuditEntry
from bot.store.errors import RemoteUnavailable

log = logging.getLogger(__name__)


class KnowledgeRemote(Protocol):
    """A remote the knowledge directory is a checkout of."""

    def pull(self) -> bool:
        """Bring the checkout to the remote's newest state; whether files changed.

        RemoteUnavailable when the remote cannot be reached (the checkout is left as it was).
        """
        ...

    def publish(self, entry: AuditEntry) -> None:
        """Commit the files a change wrote (its actor, its description) and push them.

        RemoteMoved when another host pushed first, RemoteUnavailable when the remote cannot be
        reached: either way the files are first put back as they were before the change.
        """
        ...

    def published(self, entry: AuditEntry) -> bool:
        """Put the checkout back as the remote has it; whether `entry`'s change is there.

        For a change a crash interrupted: only what reached the remote counts as done.
        RemoteUnavailable when the remote cannot be reached (the change waits).
        """
        ...


class RemoteLink:
    """A remote as the store's reloads use it: an outage is logged once, not every poll."""

    def __init__(self, remote: KnowledgeRemote) -> None:
        self.remote = remote
        self.down_since: str | None = None  # the reason of the outage being reported

    def pull_quietly(self) -> None:
        """Pull now; an unreachable remote is logged once until it answers again."""
        try:
            self.remote.pull()
        except RemoteUnavailable as error:
            if self.down_since is None:
                log.warning("cannot pull the knowledge remote; serving what is here: %s", error)
            self.down_since = str(error)
            return
        if self.down_since is not None:
            log.info("the knowledge remote answers again")
        self.down_since = None

    def pull(self) -> None:
        """Pull before a change: RemoteUnavailable refuses the change."""
        self.remote.pull()
        self.down_since = None

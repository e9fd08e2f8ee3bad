"""What the store returns: the outcome of a reload (`ReloadResult`) and of a change (`Change`).

Plain data, no behaviour that needs an engine: applying them to one is the runtime's job
(`bot.runtime.sync`), so the store never imports the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.facts.models import Brand, Fact, FactBase, Partnership, Source
from bot.facts.problems import Problem
from bot.state.audit import AuditEntry


class ReloadStatus(StrEnum):
    """What a check found."""

    UNCHANGED = "unchanged"
    RELOADED = "reloaded"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """The outcome of a check: what changed in the served base, or why the disk was refused.

    `base` is always the base to serve (the last good one). When `full` is set, brands, sources
    or partnerships changed and the Engine must be rebuilt; otherwise `upserted` and `removed`
    list the facts to apply incrementally. `problems` is set (status REJECTED) the first time a
    broken state of the files is seen; the base is then the last good one.
    """

    status: ReloadStatus
    base: FactBase | None
    problems: tuple[Problem, ...] = ()
    full: bool = False
    upserted: tuple[Fact, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the served fact base changed."""
        return self.full or bool(self.upserted) or bool(self.removed)

    def report(self, limit: int = 20) -> str:
        """The problems, one a line (at most `limit`), for a log or a moderators' channel."""
        lines = [str(problem) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more")
        return "\n".join(lines)


UNCHANGED = ReloadResult(ReloadStatus.UNCHANGED, None)


@dataclass(frozen=True, slots=True)
class Change:
    """A change that was made: apply `base` (and the fact) to the Engine with `apply_change`.

    `before`/`after` are the models (Fact, Source, Brand or Partnership; None when added or
    removed). `reload` carries changes by other processes that the store picked up while making
    this one.
    """

    action: str
    kind: str
    record_id: str
    before: Fact | Source | Brand | Partnership | None
    after: Fact | Source | Brand | Partnership | None
    base: FactBase
    file: str
    version: str | None
    entry: AuditEntry | None
    reload: ReloadResult | None = None
    # Why the change's history waits in the journal (a full disk), or None: it was written.
    history_postponed: str | None = None

    @property
    def fact(self) -> Fact | None:
        """The fact as it is now (None when removed, or for a source change)."""
        return self.after if isinstance(self.after, Fact) else None

    @property
    def noop(self) -> bool:
        """Whether nothing changed (an edit to the same values): nothing was written."""
        return self.entry is None and self.before == self.after

"""What the store refuses: errors a moderator can read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.errors import CamerabotError
from bot.facts.problems import Problem


class StoreError(CamerabotError):
    """A change the store refused; the message is fit to show a moderator."""


class ChangeRejected(StoreError):  # noqa: N818 - the names the API documents
    """The change is invalid: every problem, and the fields as the moderator typed them."""

    def __init__(
        self, problems: list[Problem], fields: Mapping[str, Any], reason: str = ""
    ) -> None:
        self.problems = list(problems)
        self.fields = dict(fields)
        self.reason = reason or "the change is invalid"
        super().__init__(f"{self.reason}: {len(self.problems)} problem(s)")

    @property
    def messages(self) -> list[str]:
        """The problems' messages, without file and line (for a moderator's form)."""
        return [problem.message for problem in self.problems]

    def report(self) -> str:
        """The reason, then every problem, one a line."""
        return "\n".join([f"{self.reason}:", *(f"- {problem}" for problem in self.problems)])


class StaleEdit(StoreError):  # noqa: N818 - the names the API documents
    """The record changed since the version the change was based on: nothing was written."""

    def __init__(
        self,
        record_id: str,
        expected: str | None,
        current: str | None,
        record: dict[str, Any] | None,
        message: str = "",
    ) -> None:
        self.record_id = record_id
        self.expected = expected
        self.current = current
        self.record = record
        super().__init__(
            message
            or f"'{record_id}' was changed by someone else since you opened it "
            f"(version {expected}, now {current}); look at it again and redo your change"
        )


class UnknownFact(StoreError, LookupError):  # noqa: N818 - the names the API documents
    """No fact has this id."""

    def __init__(self, fact_id: object) -> None:
        self.fact_id = fact_id
        super().__init__(f"there is no fact '{str(fact_id)[:80]}'")


class NothingToUndo(StoreError):  # noqa: N818 - the names the API documents
    """The audit log holds no change to undo (or to redo)."""


class StoreLocked(StoreError):  # noqa: N818 - the names the API documents
    """Another process held the knowledge lock too long (stopped?): the message says who."""


class StateDirError(StoreError):
    """The state directory cannot be used (missing rights, not a directory, a full disk)."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        where = error.filename or path
        reason = error.strerror or str(error)
        if path.exists() and not path.is_dir():  # mkdir says "File exists": say what is wrong
            where, reason = path, "not a directory"
        super().__init__(f"the state directory {path} cannot be used: {where}: {reason}")


class FileChanged(StoreError):  # noqa: N818 - the names the API documents
    """A file changed on disk (a hand edit, a git pull) while a change was computed from it."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"{name} was changed on disk by someone else while your change was being saved; "
            "nothing was written: try again"
        )


class FileBeingWritten(StoreError):  # noqa: N818 - it names what is refused
    """Another program kept a file open for writing longer than a change waits for it."""

    def __init__(self, name: str, waited: float) -> None:
        self.name = name
        super().__init__(
            f"{name} is still open for writing in another program after {waited:.0f} s (an "
            "editor saving, or a program holding it open); nothing was written: close it, "
            "then try again"
        )


class UnkeptFileStyle(StoreError):  # noqa: N818 - it names what is refused
    """A file is in a style a change could not keep, nor its undo put back byte for byte."""

    def __init__(self, name: str, style: str, advice: str = "") -> None:
        self.name = name
        self.style = style
        advice = advice or (
            "save it with one kind of line end (LF or CRLF), no byte order mark and no "
            "document markers (--- or ...)"
        )
        super().__init__(
            f"{name} has {style}, which a change could not undo byte for byte; nothing was "
            f"written: {advice}, then try again"
        )


class RemoteMoved(FileChanged):
    """Another host pushed to KNOWLEDGE_REMOTE first: the checkout was reset to it, recompute."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.args = (
            "another host changed the fact base at the same moment and its change reached the "
            "git remote first; nothing of yours was saved: look again and redo your change",
        )


class RemoteUnavailable(StoreError):  # noqa: N818 - the names the API documents
    """KNOWLEDGE_REMOTE cannot be reached (or refused us): the change was not made."""

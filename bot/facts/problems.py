"""What can be wrong with the knowledge files: one Problem each, all of them in a KnowledgeError."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import CamerabotError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge files, and where."""

    file: str
    line: int
    record: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        record = f" [{self.record}]" if self.record else ""
        return f"{where}{record}: {self.message}"


class KnowledgeError(CamerabotError):
    """The knowledge files are invalid; `problems` says every way in which."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge files")

    def report(self) -> str:
        """Every problem, one a line."""
        return "\n".join(str(problem) for problem in self.problems)

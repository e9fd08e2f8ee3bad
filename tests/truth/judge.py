"""What an engine answer says to a yes/no question, and whether that contradicts the records.

An answer's opening is its first word, after a dating prefix ("As reported on 23 May 2022, …",
"As of …,"): "yes", "no", "not" ("Not any more.", "Not as far as the sources say: …"), or
"other"; a refusal (`answered` False) is "refused".

A contradiction is an opening the truthful class forbids:
  "yes" where the class is not yes;
  "no" or "not" where the class is yes;
  "no" where the class is not_said, correct_premise or open (the answer should say what the
  sources report instead).
A "hard" contradiction asserts the wrong polarity (Yes where the class is not yes, No or Not
where it is yes); a "soft" one opens with No where the records neither establish nor deny
("No: the sources report no X–Y partnership" to "will X partner with Y?"). Both count.
"Not …" where the class is not_said or correct_premise is a hedge ("not as far as the sources
say"), counted apart as `hedged`, not as a contradiction. A refusal where the class is yes or no
is a miss, counted apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.engine import Answer
from tests.truth.oracle import NO, YES, Truth

_PREFIX = re.compile(r"^\s*(as reported on|as of|according to)\b[^,:]*[,:]\s*", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    """How an answer opens, and what that means against the truth."""

    opening: str
    contradiction: bool
    hard: bool
    missed: bool
    hedged: bool
    correct: bool  # a yes/no class answered with the matching opening


def opening(answer: Answer) -> str:
    """yes, no, not, other or refused."""
    if not answer.answered:
        return "refused"
    text = _PREFIX.sub("", answer.answer or "", count=1)
    word = _WORD.search(text)
    first = word.group(0).lower() if word else ""
    return first if first in ("yes", "no", "not") else "other"


def judge(answer: Answer, truth: Truth) -> Verdict:
    """The verdict on one answer."""
    said = opening(answer)
    cls = truth.cls
    hard = (said == "yes" and cls != YES) or (said in ("no", "not") and cls == YES)
    soft = said == "no" and cls not in (YES, NO)
    return Verdict(
        opening=said,
        contradiction=hard or soft,
        hard=hard,
        missed=said == "refused" and cls in (YES, NO),
        hedged=said == "not" and cls not in (YES, NO),
        correct=(said, cls) in {("yes", YES), ("no", NO), ("not", NO)},
    )

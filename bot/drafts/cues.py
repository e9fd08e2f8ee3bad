"""The words that say what happened to a partnership, and the clauses that take them back."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that pair two makers ("a partnership with", "co-engineered with", "works with").
TEAM = (
    r"(?:partner(?:ed|s|ing|ship)?|team(?:ed|s|ing)? up|collaborat\w*|tie-up|deal|alliance|"
    r"agreement|co-engineered|co-developed|(?:made|designed|developed|built|tuned|engineered)|"
    r"work(?:s|ed|ing)?(?: closely)?|join(?:ed|s)? hands)"
)
PARTNERSHIP_WORD = re.compile(
    r"\b(?:partner(?:ed|s|ing|ship)?|team(?:ed|s|ing)? up|collaborat\w*|tie-up|deal|alliance|"
    r"agreement|co-engineered|co-developed|work(?:s|ed|ing)? (?:closely )?with)\b",
    re.IGNORECASE,
)
WITH = re.compile(rf"\b(?:{TEAM}\s+with|split (?:from|with))\s+", re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\s+", re.IGNORECASE)
# "the partnership", "the new partnership": a sentence about the pair the one before named.
THE_PARTNERSHIP = re.compile(
    r"\b(?:the|this|that|their)(?: new)? (?:partnership|collaboration|deal|tie-up|alliance)\b",
    re.IGNORECASE,
)
ENDED = re.compile(
    r"\b(?:end(?:ed|s|ing)?|terminat\w+|dissolv\w+|scrap(?:ped|s)?) (?:the|their|its|this|a) "
    r"(?:[\w-]+ )?(?:partnership|collaboration|deal|tie-up|alliance|agreement)\b"
    r"|\b(?:partnership|collaboration|deal|tie-up|alliance|agreement)\b[^.;]{0,40}?\b"
    r"(?:ended|came to an end|come to an end|expired|was terminated)\b"
    r"|\bparted ways\b|\bsplit (?:from|with)\b|\bno longer (?:works?|partners?|working)\b",
    re.IGNORECASE,
)
EXTENDED = re.compile(r"\b(?:extend(?:ed|s)?|renew(?:ed|s)?|prolong(?:ed|s)?)\b", re.IGNORECASE)
LAUNCHED = re.compile(
    r"\b(?:launched|unveiled|released|debuted|introduced|went on sale|arrived)\b", re.IGNORECASE
)
# A partnership's phone, launched or not: "was seen on the Huawei P40", "carries the Arri name".
CARRIED = re.compile(
    r"\b(?:seen on|featured (?:on|in)|used (?:on|in)|appeared (?:on|in)|carr(?:y|ies|ied))\b",
    re.IGNORECASE,
)
ANNOUNCED = re.compile(r"\bannounc\w*\b", re.IGNORECASE)
# A partnership going on now, as a sentence says it.
ONGOING = re.compile(
    r"\b(?:works|is working|are working|partners|has a (?:[\w-]+ )?partnership|now works)\b",
    re.IGNORECASE,
)
REPORTED = re.compile(r"\b(?:reports?|reportedly|rumou?r\w*|suggest\w*|tipped|leak\w*)\b", re.I)
# Words that make a clause a plan, a guess or a denial rather than something that happened.
NOT_DONE = re.compile(
    r"\b(?:will|would|could|may|might|expected|set to|said to|to be|plans?|planned|"
    r"reportedly|rumou?red|not|n't|never|yet to|if|no)\b",
    re.IGNORECASE,
)
# Hearsay: a partnership nobody confirmed is no partnership to record.
HEARSAY = re.compile(
    r"\b(?:according to|familiar with|would not confirm|not confirmed|unconfirmed|reportedly|"
    r"rumou?r\w*|said to be|in talks|could|may|might)\b",
    re.IGNORECASE,
)
FIRST = re.compile(r"\bfirst\b", re.IGNORECASE)
DUE = r"\b(?:launch\w*|arrive\w*|release\w*|unveil\w*|out|debut\w*|due|expected)\b[^.]{0,40}?\bin"
SINCE = (
    r"(?:\bsince|\b(?:began|started|formed|signed|partnered|teamed up|dating back|dates back)"
    r"(?: to)?\b[^.]{0,40}?\bin|^In)"
)
# A clause that dates a partnership's start says so ("which began in 2020", "In 2022, ...").
BEGAN = re.compile(
    rf"{PARTNERSHIP_WORD.pattern}|\b(?:began|begun|started|signed|formed|together)\b|^In\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s(?:but|while|though|although|whereas)\s")


@dataclass(frozen=True, slots=True)
class Cue:
    """A word that says something happened, where it is, and whether its clause takes it back."""

    start: int
    end: int
    done: bool


def clause(sentence: str, start: int, end: int) -> str:
    """The clause around a span: from the break before it to the break after it."""
    breaks = [m for m in _CLAUSE_BREAK.finditer(sentence)]
    left = max((m.end() for m in breaks if m.end() <= start), default=0)
    right = min((m.start() for m in breaks if m.start() >= end), default=len(sentence))
    return sentence[left:right]


def cues(pattern: re.Pattern[str], sentence: str) -> list[Cue]:
    """Where a pattern matches, each with whether its clause says it happened."""
    return [
        Cue(m.start(), m.end(), not NOT_DONE.search(clause(sentence, m.start(), m.end())))
        for m in pattern.finditer(sentence)
    ]

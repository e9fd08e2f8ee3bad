"""The closed lexicon of operator words: the words that narrow, flip or move a question's meaning.

A reader that drops "only", "not" or "before" answers another question than the one asked
(issue #17). Each operator word or phrase here maps to its meaning; `operators_of` finds them in
a part's words (lower-case, apostrophes dropped: "isn't" reads "isnt") in one pass over the
words. The rules declare which operators they understand (rules/registry.py); a part holding an
operator its rule does not understand is left to the fact matcher, which may answer only when
the matched phrasing carries the same operators, and never adds a "Yes" or a "No" otherwise.

`EMPTY_WORDS` is the closed list of words that carry nothing for the answer: greetings,
politeness, fillers and insults around a question.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Operator(StrEnum):
    """What an operator word does to a question's meaning."""

    ONLY = "only"
    FIRST_LATEST = "first-latest"
    NEGATION = "negation"
    ANTONYM = "antonym"
    TIME = "time"
    COMPARE = "compare"
    FUTURE = "future"
    CAUSE = "cause"
    SPEAKER = "speaker"
    QUANTIFIER = "quantifier"
    RELATION = "relation"
    INSTEAD = "instead"
    ADDITIVE = "additive"
    REPEAT = "repeat"


# Words that say "only": the claimed one is alone among another brand's partners.
ONLY_WORDS = frozenset("only sole solely".split())
# "An exclusive deal" is a contract's term, which no record holds: ONLY, but no rule reads it.
EXCLUSIVE_WORDS = frozenset("exclusive exclusively exclusivity".split())
# Words that negate what follows. "Stopped", "quit" and "ended" are not here: they name an end,
# which the pair rule reads as such ("Did Huawei stop working with Leica?").
NEGATORS = frozenset(
    """not no never nor none neither isnt arent wasnt werent doesnt dont didnt hasnt havent
    hadnt wont cant cannot couldnt shouldnt wouldnt""".split()
)


# "Is Xiaomi also with Leica?" asks the pair as it is; "other", "besides" set a partner aside.
ALSO_WORDS = frozenset({"also", "too"})
SET_ASIDE_WORDS = frozenset("other another else besides except excluding".split())


def _all(words: str, operator: Operator) -> dict[str, Operator]:
    return dict.fromkeys(words.split(), operator)


# Single words that always carry their operator.
WORDS: dict[str, Operator] = {
    **dict.fromkeys(ONLY_WORDS | EXCLUSIVE_WORDS, Operator.ONLY),
    **_all("earliest latest newest recent", Operator.FIRST_LATEST),
    **_all(
        " ".join(NEGATORS),
        Operator.NEGATION,
    ),
    # "Is Xiaomi without a camera partner?" denies what follows as "not" does.
    "without": Operator.NEGATION,
    **_all("unsuccessful flop flopped failure failed fail fails", Operator.ANTONYM),
    **_all("until till", Operator.TIME),
    **_all("than fewer", Operator.COMPARE),
    **_all("will gonna upcoming soon future", Operator.FUTURE),
    # "why" is a question word (its form), not an operator: rules that answer it read it.
    **_all("because reason reasons cause caused", Operator.CAUSE),
    **_all(
        "said say says announce announced announces claim claimed claims confirm confirmed "
        "confirms according",
        Operator.SPEAKER,
    ),
    **_all("both all each every either", Operator.QUANTIFIER),
    **_all(
        "buy bought buys acquire acquired acquires own owns owned merge merged subsidiary",
        Operator.RELATION,
    ),
    **_all("instead replace replaced replaces", Operator.INSTEAD),
    **_all(" ".join(ALSO_WORDS | SET_ASIDE_WORDS), Operator.ADDITIVE),
    # "Has Xiaomi teamed up with Leica again?" presumes an earlier partnership of the pair.
    "again": Operator.REPEAT,
}
# Words whose operator depends on the next word: "before July", "more than", "makes phones".
_TIME_WORDS = frozenset({"before", "after", "by", "prior"})
_COMPARE_WORDS = frozenset({"more", "less", "longer", "shorter", "over", "under", "least", "most"})
_FIRST_WORDS = frozenset({"first", "last"})
# "Did it last more than 5 years?", "how long did it last": the verb, which measures a length.
_LAST_VERB_BEFORE = frozenset(
    """did does do will would could can to it that this they has have had should partnership
    deal collab collaboration relationship tieup partnerships deals""".split()
)
_LAST_VERB_AFTER = frozenset(
    """more less longer shorter over under for about around beyond at only just long even
    until till past""".split()
)
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
_YEARS = frozenset("year years yr yrs".split())
# "this year", "next month", "last week": a time counted from the day it is asked, which a
# dated source cannot confirm by itself. A season is read as its months (questions.SEASONS).
_RELATIVE = frozenset({"this", "next", "last", "coming"})
_PERIODS = frozenset("year years month months week weeks quarter".split())
# "Is it just optical design?" asks "only"; "just wondering", "just launched" do not narrow
# anything: the word before these is chat or "recently", which the rules may leave unread.
_JUST_NOT_ONLY = frozenset(
    """wondering curious asking checking want wanted wanna need needed saw seen read heard
    launch launched announce announced release released get got came come start started
    begin began now""".split()
)
_MAKE_WORDS = frozenset({"make", "makes", "made", "making", "build", "builds", "produce"})
_PHONES = frozenset({"phone", "phones", "smartphone", "smartphones", "handsets"})
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# A question's last word that asks for a yes or a no rather than negating ("…in 2021, no?").
_TAIL_TAGS = frozenset({"no", "not"})
# The words `operators_of` may read as an operator in context: the whole vocabulary.
VOCABULARY = (
    frozenset(WORDS)
    | _TIME_WORDS
    | _COMPARE_WORDS
    | _FIRST_WORDS
    | _MAKE_WORDS
    | {"just", "apart", "aside"}
)
# Words whose opposite a source may state, to the token of that opposite ("a flop" against
# "successful devices", "dropping" against "growing"): a yes/no question asking the word of a
# fact that states its opposite is answered "No", with the fact (engine.py, `_opposed`).
OPPOSITES: dict[str, str] = {
    **dict.fromkeys(
        "flop flops flopped failure failures fail failed fails unsuccessful".split(), "success"
    ),
    **dict.fromkeys(
        """dropping drop drops dropped falling fall falls fell declining decline declines
        declined shrinking shrink shrinks shrank losing lose loses lost decreasing decrease
        decreased""".split(),
        "grow",
    ),
    **dict.fromkeys("disagree disagrees disagreed disagreement".split(), "agree"),
}

# A direction asked as a choice ("market share going up or down?"): each word to "up" or "down",
# and the token a source states for "up" ("growing"), whose opposites OPPOSITES holds.
RISE_STEM = "grow"
DIRECTIONS: dict[str, str] = {
    **dict.fromkeys(
        "up upward upwards rising rise rises growing grow grows increasing increase higher "
        "climbing".split(),
        "up",
    ),
    **dict.fromkeys(
        [w for w, token in OPPOSITES.items() if token == RISE_STEM] + ["down", "downward", "lower"],
        "down",
    ),
}

# Words the spelling corrector must leave as typed: an operator read as another word ("shorter"
# as "shooter", "losing" as "long") answers another question.
OPERATOR_WORDS = (
    VOCABULARY
    | frozenset("longer shorter bigger smaller earlier later".split())
    | frozenset(OPPOSITES)
)

EMPTY_WORDS = frozenset(
    "hey hi hello hiya yo sup morning evening afternoon good gm thanks thank thx ty please pls "
    "plz quick question q btw fyi ok okay so well um uh hmm lol guys guy folks bot camerabot "
    "dear sir idiot stupid dumb useless moron dude bro mate man kindly just wondering curious "
    "asking".split()
)


def negations(words: Sequence[str]) -> int:
    """How many negating words a part holds, less a last "no" or "not" that asks ("…or not?")."""
    tagged = len(words) >= 3 and words[-1] in _TAIL_TAGS
    return sum(1 for word in (words[:-1] if tagged else words) if word in NEGATORS)


def _a_length(after: Sequence[str]) -> bool:
    """Whether words name a length in years: "one year", "for two years", "for a year"."""
    counted = list(after[1:] if after[:1] in (["for"], ("for",)) else after)
    return (
        len(counted) >= 2
        and (counted[0].isdigit() or counted[0] in _NUMBER_WORDS | {"a"})
        and counted[1] in _YEARS | {"decade"}
    )


def operators_of(words: Sequence[str]) -> frozenset[Operator]:
    """The operators a part's words hold, each read in its context (one pass over the words)."""
    found: set[Operator] = set()
    last = len(words) - 1
    for index, word in enumerate(words):
        after = words[index + 1 : index + 4]
        if index == last and index >= 2 and word in _TAIL_TAGS:
            continue  # "…was 2021, no?", "…or not?": a tag asking yes or no, not a negation
        if word == "than" and index and words[index - 1] in ("rather", "other"):
            continue  # "rather than", "other than" set one aside (INSTEAD, ADDITIVE): no compare
        if word == "all" and index and words[index - 1] == "at":
            continue  # "any details at all": an intensifier, no quantity
        if word in WORDS:
            found.add(WORDS[word])
        elif word in _TIME_WORDS:
            # "before July", "by 2023", "prior to June": a time; "announced by Xiaomi" is not.
            if any(w in MONTHS or (w.isdigit() and len(w) == 4) for w in after) or word in (
                "before",
                "after",
            ):
                found.add(Operator.TIME)
        elif word in _COMPARE_WORDS:
            if word in ("least", "most") and index and words[index - 1] == "at":
                found.add(Operator.COMPARE)
            elif word in ("longer",) and index and words[index - 1] == "no":
                found.add(Operator.NEGATION)
            elif word not in ("least", "most") and (
                "than" in after or any(w.isdigit() for w in after[:1]) or word[-2:] == "er"
            ):
                found.add(Operator.COMPARE)
        elif word in _RELATIVE and after[:1] and after[0] in _PERIODS:
            found.add(Operator.TIME)
        elif word == "last" and (
            (index and words[index - 1] in _LAST_VERB_BEFORE)
            or index == last
            or (after and (after[0] in _LAST_VERB_AFTER | _NUMBER_WORDS or after[0].isdigit()))
        ):
            continue  # the verb: "did it last 4 years?" measures a length, ranks nothing
        elif word in _FIRST_WORDS:
            found.add(Operator.FIRST_LATEST)
        elif word == "just" and after and after[0] not in _JUST_NOT_ONLY:
            # "Official, or just a rumour?" sets two apart; "just 1 year", "just for one year"
            # are a length, read so.
            if (
                not (index and words[index - 1] == "or")
                and not after[0].isdigit()
                and not _a_length(after)
            ):
                found.add(Operator.ONLY)
        elif word in ("apart", "aside") and tuple(after[:1]) == ("from",):
            found.add(Operator.ADDITIVE)  # "apart from the P40" sets it aside, as "besides" does
        elif word in _MAKE_WORDS and any(w in _PHONES for w in after):
            found.add(Operator.RELATION)
    text = " ".join(words)
    if "going to" in text or "next" in words:
        found.add(Operator.FUTURE)
    if "rather than" in text or "in place of" in text:
        found.add(Operator.INSTEAD)
    return frozenset(found)

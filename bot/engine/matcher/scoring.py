"""An entry's score for a question, and upper bounds of it for groups of entries.

`bound` must stay an upper bound of `score`: change both together
(tests/bot/engine/matcher/test_index.py checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.engine.matcher.records import KIND_BITS, Record
from bot.engine.words import Analysis

# Weights of the three signals; coverage of the question matters most.
QUERY_COVERAGE_WEIGHT = 0.6
PHRASING_COVERAGE_WEIGHT = 0.25
FUZZY_WEIGHT = 0.15
# Credit for a question word found only in an entry's answer, not in its phrasings.
ANSWER_CREDIT = 0.7
# Question words weigh like an ordinary word; an unknown word weighs like the rarest one.
QUESTION_WORD_WEIGHT = 1.0
# Penalties: a brand the entry is not about, an answer of the wrong kind (no time for "when"),
# and words the fact base never uses: the score is multiplied by (1 - their weight share)^power.
FOREIGN_BRAND_FACTOR = 0.45
WRONG_ANSWER_KIND_FACTOR = 0.6
UNKNOWN_WORD_POWER = 1.5
# What is asked (the words other than brands, devices and question words) must be explained:
# the score is multiplied by ASK_FLOOR + (1 - ASK_FLOOR) * the share of those words it covers.
ASK_FLOOR = 0.4
WHO = "?who"


@dataclass(frozen=True, slots=True)
class Query:
    """What scoring needs of a question, worked out once for every entry it is scored against."""

    analysis: Analysis
    weights: dict[str, float]
    total: float
    asked: tuple[str, ...]
    asked_total: float
    unknown: float
    text: str
    kind: str | None
    # For each token, in question order: (" token ", weight, weight if asked else 0.0).
    terms: tuple[tuple[str, float, float], ...]
    # (" token ", weight) in token order, as a phrasing's tokens are sorted.
    sorted_terms: tuple[tuple[str, float], ...]
    # " device " for each device token the question names.
    devices: tuple[str, ...]
    # The bit of `kind` in a record's flags (KIND_BITS), 0 when no kind is asked.
    kind_bit: int


def make_query(analysis: Analysis, weight: Callable[[str], float]) -> Query:
    """The per-question part of scoring, with each token weighed by `weight`."""
    query = analysis.tokens
    weights = {token: weight(token) for token in query}
    total = sum(weights.values()) or 1.0
    # Question words other than "who" are part of what is asked: "where is X from?" is not
    # answered by a phrasing that never asked where.
    asked = tuple(
        token
        for token in analysis.tokens
        if token != WHO
        and token not in analysis.brands
        and token not in analysis.devices
        and token not in analysis.unknown
    )
    asked_total = sum(weights[token] for token in asked)
    unknown = sum(weights[token] for token in analysis.unknown)
    query_text = " ".join(sorted(query))
    kind = asked_kind(analysis)
    asked_set = set(asked)
    terms = tuple(
        (f" {token} ", token_weight, token_weight if token in asked_set else 0.0)
        for token, token_weight in weights.items()
    )
    sorted_terms = tuple((f" {token} ", weights[token]) for token in sorted(weights))
    devices = tuple(f" {token} " for token in analysis.devices)
    return Query(
        analysis,
        weights,
        total,
        asked,
        asked_total,
        unknown,
        query_text,
        kind,
        terms,
        sorted_terms,
        devices,
        KIND_BITS[kind] if kind else 0,
    )


def score(
    query: Query, record: Record, cached: dict[str, float], weight: Callable[[str], float]
) -> tuple[float, str]:
    """The score of one entry for a question, and the phrasing that earned it.

    `cached` holds token weights worked out since the last change, `weight` works out any.
    Sums run in the order of the first version (question tokens in question order, a
    phrasing's in sorted order), so scores stay bit for bit.
    """
    # Unpacked once: the fields are read in the loops below, the hottest of a question.
    entry, phrasings, answer, brands, flags, _ = record
    total = query.total
    asked_total = query.asked_total
    text = query.text
    # The question tokens the entry holds somewhere, each with its credit when a phrasing does
    # not hold it (its answer's, or none). A token held nowhere adds 0.0 to every sum, which
    # leaves a float as it is: leaving it out of the loops changes no score.
    held = [
        (padded, token_weight, asked_weight, ANSWER_CREDIT if padded in answer else 0.0)
        for padded, token_weight, asked_weight in query.terms
        if padded in phrasings or padded in answer
    ]
    in_phrasings = [term for term in query.sorted_terms if term[0] in phrasings]
    best, best_phrasing = 0.0, entry.questions[0]
    for question, part in zip(entry.questions, phrasings.split("|"), strict=True):
        covered = asked_covered = 0.0
        for padded, token_weight, asked_weight, credit in held:
            if padded in part:
                covered += token_weight
                asked_covered += asked_weight
            elif credit:
                covered += token_weight * credit
                asked_covered += asked_weight * credit
        asked_factor = (
            ASK_FLOOR + (1 - ASK_FLOOR) * (asked_covered / asked_total) if asked_total else 1.0
        )
        # With full phrasing coverage and similarity (their most), a phrasing that cannot
        # beat the best so far needs no more work: float sums and products are monotonic,
        # so its score is at most this ceiling.
        ceiling = QUERY_COVERAGE_WEIGHT * covered / total + PHRASING_COVERAGE_WEIGHT
        if (ceiling + FUZZY_WEIGHT) * asked_factor <= best:
            continue
        phrasing_covered = 0.0
        for padded, token_weight in in_phrasings:
            if padded in part:
                phrasing_covered += token_weight
        tokens = part.split()
        try:
            phrasing_total = sum(map(cached.__getitem__, tokens)) or 1.0
        except KeyError:  # weights not worked out since the last change
            phrasing_total = sum(map(weight, tokens)) or 1.0
        similarity = fuzz.ratio(text, part[1:-1]) / 100
        phrasing_score = (
            QUERY_COVERAGE_WEIGHT * covered / total
            + PHRASING_COVERAGE_WEIGHT * phrasing_covered / phrasing_total
            + FUZZY_WEIGHT * similarity
        )
        if asked_total:
            phrasing_score *= asked_factor
        if phrasing_score > best:
            best, best_phrasing = phrasing_score, question
    # The same tests as `names_devices` and `answers_kind`, without their calls.
    devices = query.devices
    if not query.analysis.brands <= brands or (
        devices and not all(padded in answer or padded in phrasings for padded in devices)
    ):
        best *= FOREIGN_BRAND_FACTOR
    if query.kind_bit and not flags & query.kind_bit:
        best *= WRONG_ANSWER_KIND_FACTOR
    if query.unknown:
        best *= (1 - query.unknown / total) ** UNKNOWN_WORD_POWER
    return best, best_phrasing


def bound(query: Query, held: float, asked_held: float, *, about: bool, kind: bool) -> float:
    """An upper bound of `score` for the entries that hold question tokens of weight `held`.

    The tokens are held in a phrasing or the answer, `asked_held` of the weight is asked;
    `about`: the entries are about every brand the question names; `kind`: their answers
    give the kind of answer asked for. Each phrasing covers at most `held`; phrasing
    coverage and similarity are at most 1 (and phrasing coverage is 0 when nothing is held).
    """
    result = QUERY_COVERAGE_WEIGHT * held / query.total + FUZZY_WEIGHT
    if held:
        result += PHRASING_COVERAGE_WEIGHT
    if query.asked_total:
        result *= ASK_FLOOR + (1 - ASK_FLOOR) * min(1.0, asked_held / query.asked_total)
    if not about:
        result *= FOREIGN_BRAND_FACTOR
    if not kind:
        result *= WRONG_ANSWER_KIND_FACTOR
    if query.unknown:
        result *= (1 - query.unknown / query.total) ** UNKNOWN_WORD_POWER
    return result


def names_devices(query: Query, record: Record) -> bool:
    """Whether the entry mentions every device the question names ("12 Pro" is not "12 Ultra").

    Like a brand the entry is not about, a device it never mentions is penalised; the
    penalty only lowers a score, so `bound` stays an upper bound without it.
    """
    return all(padded in record.answer or padded in record.phrasings for padded in query.devices)


def asked_kind(analysis: Analysis) -> str | None:
    """The answer kind (KIND_FLAGS) an answer must give for this question, if any."""
    kinds = analysis.question_types
    if "?howlong" in kinds:
        return "answers_duration"
    if "?when" in kinds:
        return "answers_time"
    if "?howmany" in kinds:
        return "answers_count"
    if "?where" in kinds:
        return "answers_place"
    return None


def answers_kind(query: Query, record: Record) -> bool:
    """Whether the entry's answer gives the kind of answer the question asks for, if any."""
    return query.kind is None or bool(record.flags & KIND_BITS[query.kind])

"""The answer engine: questions to cited answers, brands to their partnerships. Plain data only."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import rapidfuzz
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from rapidfuzz.utils import default_process

from bot.caches.digests import DigestMemo
from bot.caches.pickles import code_hash, collection_paused, read_pickle, write_pickle
from bot.engine.matcher.matcher import Candidate, Entry, Match, Matcher, Outcome, sorted_gently
from bot.engine.prose import partnership_sentence
from bot.engine.questions import Form, Part, Reader, Reading
from bot.engine.rules.reasoner import Reasoner, Said
from bot.engine.words import QUESTION_TOKENS
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
)
from bot.facts.text import compact, fold, words
from bot.facts.validation import KnowledgeError
from bot.facts.yaml_loading import check_knowledge, content_hash

log = logging.getLogger(__name__)

# Ids of answers derived from partnerships; ':' never occurs in a fact id, so they cannot clash.
OVERVIEW_ID = "partnerships:all"
BRAND_PREFIX = "partners:"
PARTNERSHIP_PREFIX = "partnership:"

# The engine cache: bump when what is pickled changes shape in a way the code hash misses.
CACHE_FORMAT = 3
CACHE_PREFIX = "engine-"
# A cached engine of earlier files is brought up to date fact by fact when at most this many
# facts changed (a moderator's edits, a pull); more, and a build is as quick.
MAX_CATCH_UP = 5_000
# The engine cache's folder in STATE_DIR, shared by the bot and the command line.
ENGINE_CACHE_DIR = "engine-cache"
# Packages whose code decides what an engine built from a knowledge directory holds.
_ENGINE_PACKAGES = ("bot.engine", "bot.facts", "bot.caches")

# What the bot says to small talk: never a fact, always the way to real answers.
CHAT_REPLIES = {
    "greeting": "Hi! Ask me about phone makers' camera partnerships, for example "
    '"Who does Xiaomi work with?" — /help shows what I can do.',
    "thanks": "You're welcome! Ask another question any time — /help shows what I can do.",
    "praise": "Glad it helped! Ask another question any time — /help shows what I can do.",
    "ack": "👍 Ask me about phone makers' camera partnerships any time — /help shows how.",
    "help": "Ask me about phone makers' camera partnerships (who works with whom, since when, "
    "which phones) and I answer with quotes from the sources — /help lists the commands.",
}
DONT_KNOW = "I don't know that: the sources don't say."
ORDINALS = ("first", "second", "third", "fourth", "fifth")
# How many related facts a refusal shows.
RELATED = 3

# A negation in an answer: it cannot be read as a plain "yes".
_NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b", re.IGNORECASE)

# Words that start a sentence but not a name, so "The first phone…" can follow "As reported…, ".
_LOWER_FIRST = frozenset(
    "the a an both its it their they this that these those with before after yes no reports".split()
)


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """A citation ready to show: the quote, and the source's id, title, date and url."""

    source_id: str
    title: str
    date: str
    quote: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question the user may have meant."""

    fact_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot says to a question: the text, its citations and how sure it is."""

    question: str
    answered: bool
    answer: str | None
    score: float
    fact_id: str | None = None
    matched_question: str | None = None
    reported_on: str | None = None
    citations: tuple[CitedQuote, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    # What the sources do say about the brands a refused question names.
    related: tuple[Suggestion, ...] = ()
    # What to say when there is no answer: a precise refusal, or the reply to small talk.
    reply: str | None = None
    # "answer", "refusal" or "chat" (small talk, which is not an unanswered question).
    kind: str = "answer"

    @property
    def is_gap(self) -> bool:
        """Whether this is a question the sources could not answer (for /kb gaps)."""
        return not self.answered and self.kind != "chat"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `camerabot ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "kind": self.kind,
            "reply": self.reply,
            "score": self.score,
            "fact_id": self.fact_id,
            "citations": [
                {"source_id": c.source_id, "title": c.title, "date": c.date, "quote": c.quote}
                for c in self.citations
            ],
            "suggestions": [s.question for s in self.suggestions],
            "related": [{"fact_id": r.fact_id, "question": r.question} for r in self.related],
        }


@dataclass(frozen=True, slots=True)
class PartnershipView:
    """One partnership as seen from one of its brands."""

    partnership: Partnership
    partner: Brand
    citations: tuple[CitedQuote, ...]
    reported_on: str | None


@dataclass(frozen=True, slots=True)
class BrandLookup:
    """The brand a name was taken for, or the brands it might have meant."""

    query: str
    brand: Brand | None
    partnerships: tuple[PartnershipView, ...] = ()
    suggestions: tuple[Brand, ...] = field(default_factory=tuple)


def _date_label(date: dt.date | None) -> str | None:
    return f"{date.day} {date:%B %Y}" if date else None


def with_date(text: str, date_label: str | None) -> str:
    """An answer that says when its source reported it ("No." or "Yes." stays first)."""
    if not date_label:
        return text
    polarity, _, rest = text.partition(" ")
    if polarity in {"Yes.", "No.", "Yes,", "No,"} and rest:
        return f"{polarity[:-1]}. {with_date(rest, date_label)}"
    first, _, _rest = text.partition(" ")
    if first.lower().strip(",.") in _LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return f"As reported on {date_label}, {text}"


def status_phrase(partnership: Partnership) -> str:
    """The status in words: announced, active, or ended."""
    return {
        PartnershipStatus.ANNOUNCED: "announced",
        PartnershipStatus.ACTIVE: "active",
        PartnershipStatus.ENDED: "ended",
    }[partnership.status]


class Engine:
    """The fact base and its matcher, answering questions and brand look-ups."""

    def __init__(self, base: FactBase) -> None:
        with collection_paused():
            self._build(base)

    def _build(self, base: FactBase) -> None:
        # Which code built it: a cache of other code is never caught up (`_caught_up`).
        self.built_by = _code_hash()
        self.base = base
        self._derived = _derived_entries(base)
        entries = [fact_entry(fact) for fact in base.facts.values()]
        entries += [entry for entry, _ in self._derived.values()]
        self.matcher = Matcher(entries, base.brands.values())
        self.reader = Reader(self.matcher.analyzer, base.brands, base.partnerships.values())
        self.reasoner = Reasoner(base)
        # Facts by brand, for the related facts a refusal shows (kept by upsert and remove).
        self._facts_about: dict[str, list[str]] = {}
        for fact in base.facts.values():
            self._index_fact(fact)
        self._brand_names = {
            name: brand.id for brand in base.brands.values() for name in _brand_keys(brand)
        }
        self._brand_index: _BrandIndex | None = None
        self._fact_ids = sorted_gently(base.facts)

    # Loading, with a cache of built engines

    @classmethod
    def load(cls, root: Path, cache_dir: Path | None = None) -> Engine:
        """The engine for a knowledge directory, from `cache_dir` when nothing changed.

        Built engines are pickled in `cache_dir`, keyed by the knowledge files' content and
        the code that builds engines (`cache_key`); a missing, stale or unreadable cache is
        rebuilt. Invalid knowledge raises KnowledgeError.
        """
        if cache_dir is None:
            return cls(_checked_base(root))
        key = cache_key(root)
        engine = read_engine_cache(cache_dir / f"{CACHE_PREFIX}{key}.pickle")
        if engine is not None:
            return engine
        engine = cls(_checked_base(root))
        # Not when the files changed while they were read: the key would not describe them.
        if cache_key(root) == key:
            engine.save(cache_dir, key)
        return engine

    @classmethod
    def cached_or_built(cls, base: FactBase, cache_dir: Path, key: str) -> Engine:
        """The engine for an already validated `base`: from the cache under `key`, else built.

        `key` must be the `cache_key` of the files `base` was read from; a built engine is saved
        under it, so the next start with the same files skips the build.
        """
        engine = read_engine_cache(cache_dir / f"{CACHE_PREFIX}{key}.pickle")
        if engine is None:
            engine = cls._caught_up(base, cache_dir) or cls(base)
            engine.save(cache_dir, key)
        elif engine.base is not base:
            engine._adopt(base)
        return engine

    @classmethod
    def _caught_up(cls, base: FactBase, cache_dir: Path) -> Engine | None:
        """The engine cached for earlier files, brought up to `base` fact by fact, if it can be.

        Only when the same code built it and only facts changed (sources, brands and
        partnerships are equal): edits keep an engine equal to a fresh build of the edited base,
        so the first start after a change costs the changed facts, not a build (~20 s at
        100,000 facts).
        """
        previous = sorted(cache_dir.glob(f"{CACHE_PREFIX}*.pickle"))
        engine = read_engine_cache(previous[-1]) if len(previous) == 1 else None
        if engine is None or getattr(engine, "built_by", None) != _code_hash():
            return None
        old = engine.base
        if (old.sources, old.brands, old.partnerships) != (
            base.sources,
            base.brands,
            base.partnerships,
        ):
            return None
        removed = [fact_id for fact_id in old.facts if fact_id not in base.facts]
        changed = [fact for fact_id, fact in base.facts.items() if old.facts.get(fact_id) != fact]
        if len(removed) + len(changed) > MAX_CATCH_UP:
            return None
        with collection_paused():
            # Each step unindexes the fact the engine's base holds, so that base stays the old
            # one until all are done; then the engine serves `base` itself.
            for fact_id in removed:
                engine.remove_fact(fact_id, old)
            for fact in changed:
                engine.upsert_fact(fact, old)
            engine._adopt(base)
        log.info("engine cache caught up: %d facts changed, %d removed", len(changed), len(removed))
        return engine

    def _adopt(self, base: FactBase) -> None:
        """Serve `base`, equal to the cached engine's own, so that each fact is held once.

        The store's fact base and the engine's would otherwise be two copies of every fact:
        the engine's copy and its entries are dropped for `base`'s.
        """
        self.base = base
        self.matcher.adopt(fact_entry(fact) for fact in base.facts.values())
        self.reader = Reader(self.matcher.analyzer, base.brands, base.partnerships.values())
        self.reasoner.rebase(base)  # equal sources: its index of their clauses is kept

    def save(self, cache_dir: Path, key: str) -> bool:
        """Write this engine to the cache under `key`, replacing older engines.

        After incremental edits an engine is exactly what a fresh build of the edited files
        gives, so `engine.save(cache_dir, cache_key(root))` spares the next start a rebuild.
        """
        return write_pickle(cache_dir / f"{CACHE_PREFIX}{key}.pickle", self)

    # Incremental updates (a moderator's edit: no full rebuild)

    def _index_fact(self, fact: Fact) -> None:
        for brand in fact.brands:
            bisect.insort(self._facts_about.setdefault(brand, []), fact.id)

    def _unindex_fact(self, fact: Fact) -> None:
        for brand in fact.brands:
            ids = self._facts_about.get(brand, [])
            at = bisect.bisect_left(ids, fact.id)
            if at < len(ids) and ids[at] == fact.id:
                del ids[at]

    def upsert_fact(self, fact: Fact, base: FactBase) -> None:
        """Add or replace one fact; `base` is the fact base that now holds it."""
        old = self.base.facts.get(fact.id)
        if old is not None:
            self._unindex_fact(old)
        self._index_fact(fact)
        self.base = base
        self.reasoner.rebase(base)
        self.matcher.upsert(fact_entry(fact))
        at = bisect.bisect_left(self._fact_ids, fact.id)
        if at == len(self._fact_ids) or self._fact_ids[at] != fact.id:
            self._fact_ids.insert(at, fact.id)

    def remove_fact(self, fact_id: str, base: FactBase) -> None:
        """Forget one fact; `base` is the fact base without it."""
        old = self.base.facts.get(fact_id)
        if old is not None:
            self._unindex_fact(old)
        self.base = base
        self.reasoner.rebase(base)
        self.matcher.remove(fact_id)
        at = bisect.bisect_left(self._fact_ids, fact_id)
        if at < len(self._fact_ids) and self._fact_ids[at] == fact_id:
            del self._fact_ids[at]

    # Questions

    def ask(self, question: str) -> Answer:
        """Answer a question (each of its parts), or refuse and show what the sources do say."""
        reading = self.reader.read(question)
        if reading.chat is not None:
            return Answer(question, False, None, 0.0, reply=CHAT_REPLIES[reading.chat], kind="chat")
        if len(reading.parts) <= 1 and not reading.unread:
            answer = self._part_answer(reading.parts[0] if reading.parts else None, question)
            return replace(answer, question=question)
        return self._compose(question, reading)

    def _part_answer(self, part: Part | None, question: str | None = None) -> Answer:
        """One question: by the records' rules, or else (or when a fact says it) the matcher."""
        said = self.reasoner.answer(part) if part is not None else None
        # The matcher reads the part as read: chat spellings spelled out, chatter dropped.
        text = self._part_question(part) if part is not None else question or ""
        if said is not None and said.shaped:
            return self._from_said(text, said)
        match = self.matcher.match(text)
        best = match.best
        # A moderator's fact that the matcher finds is kept over a record's plain restatement
        # of the same thing: moderators choose the wording.
        if said is not None and (best is None or best.entry.id not in self.base.facts):
            return self._from_said(text, said)
        if best is not None and part is not None and not _names_phones(part, best):
            match = Match(Outcome.NONE, match.analysis, match.candidates)
            best = None
        speaker = self._other_speaker(part, best)
        if speaker is not None and not speaker[1]:
            return Answer(
                text,
                False,
                None,
                best.score if best else 0.0,
                reply=speaker[0],
                kind="refusal",
                related=self.related(part.brands if part else ()),
            )
        answer = self._refine(text, part, self.answer_match(text, match))
        if speaker is not None and answer.answered:
            # "What did Leica's CEO Lei Jun say?": say whose CEO he is, then what he said.
            answer = replace(answer, answer=f"{speaker[0]} {answer.answer}")
        if not answer.answered or best is None or part is None:
            return answer
        return self._polarised(text, part, best, answer)

    def _polarised(self, text: str, part: Part, best: Candidate, answer: Answer) -> Answer:
        """A matched fact's answer with the yes or no its question's form calls for."""
        polar = (answer.answer or "").startswith(("Yes. ", "No. "))
        if polar and part.form is not Form.YES_NO:
            # A fact written for "Is Xiaomi's share growing?" answers "what's its share?" too,
            # but its "Yes." does not.
            return replace(answer, answer=(answer.answer or "").split(" ", 1)[1])
        if not polar and self._affirms(part, best):
            return replace(answer, answer=f"Yes. {answer.answer}")
        if self._evades(part, best):
            return self._refine(text, part, replace(answer, answered=False, answer=None))
        return answer

    def _other_speaker(self, part: Part | None, best: Candidate | None) -> tuple[str, bool] | None:
        """What to say when a fact quotes someone else than the brand asked about.

        "What did Leica say about the Xiaomi deal?" is not answered by what Lei Jun, Xiaomi's
        founder, said: the answer opens with a person of another brand than the one asked.
        Returns what to say, and whether the question named the person (then it is a premise
        to correct before the answer, else a refusal).
        """
        if part is None or best is None or "say" not in part.analysis.tokens:
            return None
        asked = None
        for index, word in enumerate(part.words[:-1]):
            if word in {"did", "does", "do", "has", "have", "will"}:
                asked = self.reader.analyzer.brand_of(part.words[index + 1])
                break
        if asked is None:
            return None
        for brand in self.base.brands.values():
            for person in brand.people:
                if best.entry.answer.startswith(person.name) and brand.id != asked:
                    other = self.base.brands[asked].name
                    if any(name == person.name for _, name, _ in part.people):
                        role = f"{brand.name}'s {person.role}"
                        return f"{person.name} is {role}, not {other}'s.", True
                    text = (
                        f"The sources don't quote {other}. They quote {person.name}, "
                        f"{brand.name}'s {person.role}."
                    )
                    return text, False
        return None

    def _evades(self, part: Part, best: Candidate) -> bool:
        """Whether a listing answers a yes/no question without saying yes or no to it.

        A moderator's fact may answer a yes/no question in substance ("Will Leica help Xiaomi
        with optical design?"); a partnership or brand listing chosen for one does not: the rules
        over the records have already answered every yes/no question it could.
        """
        if part.form is not Form.YES_NO or part.wh or best.entry.id in self.base.facts:
            return False
        first = best.entry.answer.split(" ", 1)[0].strip(".,:;").lower()
        return first not in {"yes", "no", "not"} and not _NEGATION.search(best.entry.answer)

    def _affirms(self, part: Part, best: Candidate) -> bool:
        """Whether an entry's answer says yes to a yes/no question: it asserts every word asked.

        Every content word of the question (brands, people, devices, what is asked) must be in
        the answer itself, not only in its phrasings, and the answer must hold no negation.
        """
        if part.form is not Form.YES_NO or part.wh or _NEGATION.search(best.entry.answer):
            return False
        answer_words = " ".join(words(best.entry.answer))
        if any(" ".join(device[1:]) not in answer_words for device in part.devices):
            # "Is the Xiaomi 12 Ultra successful?" is not answered by "the Mi 11 Ultra and the
            # 12 Pro have been": each phone asked about must be named whole.
            return False
        if part.negated or part.excluded or part.countries:
            return False
        asked = {t for t in part.analysis.tokens if t not in QUESTION_TOKENS}
        if not asked:
            return False
        answer = self.matcher.analyzer.analyse(best.entry.answer, correct=False)
        return asked <= set(answer.tokens)

    def _part_question(self, part: Part | None) -> str:
        """A part as the matcher should read it: with the brands it took from the part before."""
        if part is None:
            return ""
        names = [self.base.brands[b].name for b in part.brands if b in self.base.brands]
        if part.repeated:
            kept = [w for w in part.words if self.reader.analyzer.brand_of(w) is None]
            return " ".join([*kept, *names])
        # "What did Xiaomi's CEO say?" is "What did Lei Jun say?" to the matcher.
        people = [name for _, name, by_role in part.people if by_role]
        if part.inherited:
            return " ".join([*part.words, *names, *people])
        if people:
            return " ".join([*part.words, *people])
        if part.described:
            # "the Swedish lens maker" is Hasselblad to the matcher: the name replaces the words.
            described = [self.base.brands[b].name for b in part.brands if b in part.described]
            kept = [w for i, w in enumerate(part.words) if i not in part.description]
            return " ".join([*kept, *described])
        return part.text

    def _compose(self, question: str, reading: Reading) -> Answer:
        """One answer from the answers to each part; a part without one is named as such."""
        answers = [self._part_answer(part) for part in reading.parts]
        given = [a for a in answers if a.answered and a.answer]
        if not given:
            related = tuple(dict.fromkeys(r for a in answers for r in a.related))[:RELATED]
            suggestions = tuple(dict.fromkeys(s for a in answers for s in a.suggestions))[:3]
            return Answer(
                question,
                False,
                None,
                max(a.score for a in answers),
                suggestions=suggestions,
                related=related,
                reply=answers[0].reply or DONT_KNOW,
                kind="refusal",
            )
        texts = []
        if reading.unread:
            more = "question" if reading.unread == 1 else f"{reading.unread} questions"
            texts_after = [
                f"I answer {len(answers)} questions at a time: ask the last {more} again."
            ]
        else:
            texts_after = []
        for number, answer in enumerate(answers):
            if answer.answered and answer.answer:
                texts.append(answer.answer)
            else:
                ordinal = ORDINALS[number] if number < len(ORDINALS) else f"number {number + 1}"
                texts.append(f"The sources don't answer your {ordinal} question.")
        citations = tuple(dict.fromkeys(c for a in given for c in a.citations))
        dates = [a.reported_on for a in given if a.reported_on]
        return Answer(
            question=question,
            answered=True,
            answer="\n\n".join([*texts, *texts_after]),
            score=min(a.score for a in given),
            fact_id=given[0].fact_id,
            matched_question=given[0].matched_question,
            reported_on=dates[0] if dates else None,
            citations=citations,
        )

    def _from_said(self, question: str, said: Said) -> Answer:
        """An Answer from what the records' rules said."""
        if not said.answered:
            return Answer(
                question,
                False,
                None,
                0.0,
                related=self.related(said.about),
                reply=said.text,
                kind="refusal",
            )
        return Answer(
            question=question,
            answered=True,
            answer=said.text,
            score=1.0,
            fact_id=said.entry_id,
            matched_question=self._title(said.entry_id),
            reported_on=self.reported_on(said.citations),
            citations=self.cite(tuple(dict.fromkeys(said.citations))),
        )

    def _title(self, entry_id: str | None) -> str | None:
        if entry_id in self._derived:
            return self._derived[entry_id][0].questions[0]
        fact = self.base.facts.get(entry_id or "")
        return fact.question if fact else None

    def _refine(self, question: str, part: Part | None, answer: Answer) -> Answer:
        """A matcher's abstention made useful: what the sources do say about the brands named."""
        if answer.answered:
            return answer
        brands = tuple(b for b in (part.brands if part else ()) if b in self.base.brands)
        related = self.related(brands)
        if brands:
            names = " and ".join(self.base.brands[b].name for b in brands[:3])
            reply = f"The sources don't say that about {names}."
            if related:
                reply += " Here is what they do say:"
        else:
            reply = DONT_KNOW
        return Answer(
            question,
            False,
            None,
            answer.score,
            suggestions=answer.suggestions,
            related=related,
            reply=reply,
            kind="refusal",
        )

    def related(self, brands: tuple[str, ...]) -> tuple[Suggestion, ...]:
        """Facts and partnership answers about these brands, those about all of them first."""
        wanted = set(brands)
        if not wanted:
            return ()
        # (brands not shared, partnerships before facts, order, id, question)
        scored: list[tuple[int, int, int, str, str]] = []
        pairs = {f"{PARTNERSHIP_PREFIX}{p.id}" for brand in wanted for p in self.reasoner.of(brand)}
        for order, entry_id in enumerate(sorted(pairs)):
            entry = self._derived[entry_id][0]
            scored.append((-len(entry.brands & wanted), 0, order, entry_id, entry.questions[3]))
        # Facts about the rarest brand asked first would miss others: take each brand's first
        # few (ids in order), enough to fill the list with those about the most brands.
        candidates = {
            fact_id
            for brand in wanted
            for fact_id in self._facts_about.get(brand, [])[: 8 * RELATED]
        }
        facts = self.base.facts
        for fact_id in sorted(candidates):
            fact = facts.get(fact_id)
            if fact is not None:
                shared = len(wanted.intersection(fact.brands))
                scored.append((-shared, 1, 0, fact.id, fact.question))
        scored.sort()
        return tuple(Suggestion(entry_id, title) for *_, entry_id, title in scored[:RELATED])

    def answer_match(self, question: str, match: Match) -> Answer:
        """The Answer for a question the matcher has decided on."""
        best = match.best
        if best is None:
            top = match.candidates[0].score if match.candidates else 0.0
            suggestions = tuple(
                Suggestion(c.entry.id, self.question_of(c)) for c in match.suggestions()
            )
            return Answer(question, False, None, top, suggestions=suggestions)
        return self.answer_entry(question, best.entry.id, best.score)

    def answer_entry(self, question: str, entry_id: str, score: float = 1.0) -> Answer:
        """The answer of one entry (a fact or a derived answer), whatever the question."""
        fact = self.base.facts.get(entry_id)
        if fact is not None:
            text, citations, title = fact.answer, fact.citations, fact.question
        elif entry_id in self._derived:
            entry, citations = self._derived[entry_id]
            text, title = entry.answer, entry.questions[0]
        else:
            raise KeyError(entry_id)
        reported = self.reported_on(citations)
        return Answer(
            question=question,
            answered=True,
            answer=with_date(text, reported),
            score=score,
            fact_id=entry_id,
            matched_question=title,
            reported_on=reported,
            citations=self.cite(citations),
        )

    def question_of(self, candidate: Candidate) -> str:
        """The canonical question of a candidate, for suggestions."""
        return candidate.entry.questions[0]

    def reported_on(self, citations: tuple[Citation, ...]) -> str | None:
        """When the cited sources reported it (the newest of their dates), e.g. 23 May 2022."""
        return _date_label(self.base.source_date(citations))

    def cite(self, citations: tuple[Citation, ...]) -> tuple[CitedQuote, ...]:
        """Citations with their source's title and date."""
        shown = []
        for citation in citations:
            source = self.base.sources[citation.source_id]
            shown.append(
                CitedQuote(source.id, source.title, source.date_label, citation.quote, source.url)
            )
        return tuple(shown)

    # Brands

    def find_brand(self, name: str) -> BrandLookup:
        """The brand a name means (typos tolerated), with its partnerships."""
        key = compact(name)
        brand_id = self._brand_names.get(key)
        if brand_id is None and key:
            found = process.extract(
                key, self._brand_names, scorer=fuzz.WRatio, score_cutoff=70, limit=6
            )
            # rapidfuzz gives (value, score, key) for a mapping: the value is the brand id.
            # Each brand's best score; a brand's aliases must not count as its runner-up.
            best: dict[str, float] = {}
            for brand, score, _ in found:
                best.setdefault(brand, score)
            ranked = list(best)
            scores = [*best.values(), 0.0, 0.0]
            # One typo (a swapped pair counts as one: "huwaei") in a name of 4+ letters is
            # taken too, when it fits one brand only; the score alone holds it under 85.
            near = {
                brand
                for known, brand in self._brand_names.items()
                if len(known) >= 4 and OSA.distance(key, known, score_cutoff=1) <= 1
            }
            if scores[0] >= 85 and scores[0] - scores[1] >= 10:
                brand_id = ranked[0]
            elif len(near) == 1:
                brand_id = near.pop()
            else:
                suggestions = tuple(self.base.brands[b] for b in ranked[:3])
                return BrandLookup(name, None, suggestions=suggestions)
        if brand_id is None:
            return BrandLookup(name, None)
        brand = self.base.brands[brand_id]
        views = tuple(self.view(p, brand.id) for p in self.base.partnerships_of(brand.id))
        return BrandLookup(name, brand, views)

    def view(self, partnership: Partnership, brand_id: str) -> PartnershipView:
        """A partnership from one brand's side."""
        partner = self.base.brands[partnership.other(brand_id)]
        reported = self.reported_on(partnership.citations)
        return PartnershipView(partnership, partner, self.cite(partnership.citations), reported)

    # Autocomplete

    def brand_choices(self, text: str, limit: int = 25) -> list[Brand]:
        """Brands for autocomplete: best first, every brand when the text is empty.

        A name that starts with the text scores 200 minus its length; others score the best of
        WRatio and the ratio against the name's start, and count from 60.
        """
        index = self._brands()
        key = compact(text)
        if not key:
            return [self.base.brands[brand_id] for brand_id in index.by_name[:limit]]
        scored: dict[str, float] = {}
        start = bisect.bisect_left(index.sorted_keys, (key, ""))
        for name, brand_id in index.sorted_keys[start:]:
            if not name.startswith(key):
                break
            scored[brand_id] = max(scored.get(brand_id, 0.0), 200.0 - len(name))
        for scorer, names in ((fuzz.WRatio, index.keys), (fuzz.ratio, index.starts(len(key)))):
            found = process.extract(key, names, scorer=scorer, score_cutoff=60, limit=None)
            for _, score, position in found:
                brand_id = index.owners[position]
                if not index.keys[position].startswith(key) and score > scored.get(brand_id, 0.0):
                    scored[brand_id] = score
        ranked = sorted(scored, key=lambda b: (-scored[b], b))
        return [self.base.brands[b] for b in ranked[:limit]]

    def _brands(self) -> _BrandIndex:
        index = self._brand_index
        if index is None or index.brands is not self.base.brands:
            index = self._brand_index = _BrandIndex.build(self.base.brands)
        return index

    def fact_choices(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Facts for a moderator's fact-id autocomplete: (id, question) pairs, best first.

        Ids that start with the text (its words joined by '-') come first, in id order; then
        the facts that hold the most of the text's words as the matcher reads them (typos and
        synonyms tolerated), the questions closest to the text first among equals. Every
        fact, in id order, when the text is empty.
        """
        facts = self.base.facts
        ids = self._fact_ids
        key = "-".join(words(text))
        if not key:
            return [(fact_id, facts[fact_id].question) for fact_id in ids[:limit]]
        chosen: dict[str, str] = {}
        start = bisect.bisect_left(ids, key)
        # At most `limit` ids from there (a slice to the end copied 100,000 of them).
        for fact_id in ids[start : start + limit]:
            if not fact_id.startswith(key):
                break
            chosen[fact_id] = facts[fact_id].question
        if len(chosen) < limit:
            # Facts holding the most of the text's (typo-corrected, canonical) words, then
            # the closest questions among equals. Derived answers are not facts: room for some.
            typed = default_process(text)
            need = limit - len(chosen)
            held_facts = [
                (round(held, 6), fact)
                for entry, held in self.matcher.covering(text, 3 * limit)
                if (fact := facts.get(entry.id)) is not None and fact.id not in chosen
            ]
            if len(held_facts) > need:
                # The closeness of a question only orders equal weights: a fact weighing less
                # than `need` others cannot be shown, and its closeness is not worked out.
                least = min(held for held, _ in held_facts[:need])
                held_facts = [(held, fact) for held, fact in held_facts if held >= least]
            ranked = sorted(
                (-held, -fuzz.WRatio(typed, default_process(fact.question)), fact.id)
                for held, fact in held_facts
            )
            for _, _, fact_id in ranked[:need]:
                chosen[fact_id] = facts[fact_id].question
        return list(chosen.items())

    def partnerships(self) -> list[Partnership]:
        """Every partnership: current ones first, then ended ones."""
        return sorted(
            self.base.partnerships.values(),
            key=lambda p: (p.status is PartnershipStatus.ENDED, p.id),
        )

    def sources(self) -> list[Any]:
        """Every source, newest first."""
        return sorted(self.base.sources.values(), key=lambda s: (s.date, s.id), reverse=True)


def _names_phones(part: Part, best: Candidate) -> bool:
    """Whether a matched entry names every phone the question names, whole.

    "Is the Xiaomi 12 Ultra successful?" is not answered by a fact about the Mi 11 Ultra and
    the 12 Pro, though it holds the words 12 and Ultra.
    """
    named = " ".join(words(" ".join((best.entry.answer, *best.entry.questions))))
    return all(" ".join(device[1:]) in named for device in part.devices)


def _brand_keys(brand: Brand) -> set[str]:
    return {compact(name) for name in brand.names} | {fold(brand.name)}


@dataclass(frozen=True, slots=True)
class _BrandIndex:
    """Brand names ready for autocomplete: in a list for rapidfuzz, sorted for prefixes."""

    brands: dict[str, Brand]
    keys: list[str]
    owners: list[str]
    sorted_keys: list[tuple[str, str]]
    by_name: list[str]
    prefixes: dict[int, list[str]]

    @classmethod
    def build(cls, brands: dict[str, Brand]) -> _BrandIndex:
        pairs = [(key, brand.id) for brand in brands.values() for key in sorted(_brand_keys(brand))]
        by_name = [b.id for b in sorted(brands.values(), key=lambda b: b.name.lower())]
        keys, owners = [k for k, _ in pairs], [b for _, b in pairs]
        return cls(brands, keys, owners, sorted(pairs), by_name, {})

    def starts(self, width: int) -> list[str]:
        """Every key cut to `width` characters (kept for the next keystroke)."""
        cut = self.prefixes.get(width)
        if cut is None:
            cut = self.prefixes[width] = [key[:width] for key in self.keys]
        return cut


def _checked_base(root: Path) -> FactBase:
    base, problems = check_knowledge(root)
    if problems or base is None:
        raise KnowledgeError(problems)
    return base


def cache_key(root: Path, memo: DigestMemo | None = None) -> str:
    """The key of a knowledge directory's engine: its files' content and the engine's code.

    With `memo`, files unchanged since they were last hashed are not read
    (`bot.caches.digests`).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(content_hash(root, memo).encode())
    digest.update(_code_hash().encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_hash() -> str:
    return code_hash(_ENGINE_PACKAGES, str(CACHE_FORMAT), "rapidfuzz", rapidfuzz.__version__)


def read_engine_cache(path: Path) -> Engine | None:
    """A cached engine, or None when there is none or it cannot be read (it is then rebuilt)."""
    engine = read_pickle(path)
    if engine is not None and not isinstance(engine, Engine):
        log.warning("ignoring the engine cache %s: it holds %s", path, type(engine).__name__)
        return None
    return engine


@lru_cache(maxsize=4096)
def _brand_set(brands: tuple[str, ...]) -> frozenset[str]:
    """One shared frozenset per combination of brands (100,000 facts use a few hundred)."""
    return frozenset(brands)


def fact_entry(fact: Fact) -> Entry:
    """A fact as the matcher sees it."""
    return Entry(
        id=fact.id,
        questions=fact.questions,
        answer=fact.answer,
        brands=_brand_set(fact.brands),
        evidence=tuple(c.quote for c in fact.citations),
    )


def describe(partnership: Partnership, base: FactBase, *, from_brand: str | None = None) -> str:
    """A partnership in plain sentences: who, status, how long, its phones."""
    return partnership_sentence(partnership, base, from_brand)


def _derived_entries(base: FactBase) -> dict[str, tuple[Entry, tuple[Citation, ...]]]:
    """Answers built from partnerships: one per brand, one per pair, and the overview."""
    derived: dict[str, tuple[Entry, tuple[Citation, ...]]] = {}
    partnerships = sorted(
        base.partnerships.values(), key=lambda p: (p.status is PartnershipStatus.ENDED, p.id)
    )
    if not partnerships:
        return derived
    citations = tuple(c for p in partnerships for c in p.citations)
    listing = " ".join(describe(p, base) for p in partnerships)
    overview = Entry(
        id=OVERVIEW_ID,
        questions=(
            "Which phone makers have camera partnerships?",
            "List all camera partnerships",
            "What camera partnerships are there?",
            "Which smartphone makers work with camera makers?",
            "Which camera makers work with phone makers?",
            "All partnerships",
        ),
        answer=listing,
        evidence=tuple(c.quote for c in citations),
    )
    derived[overview.id] = (overview, citations)
    for brand in base.brands.values():
        own = base.partnerships_of(brand.id)
        if not own:
            continue
        name = brand.name
        questions = [
            name,
            f"Who does {name} partner with?",
            f"Who works with {name}?",
            f"Who are {name}'s partners?",
            f"{name} partnerships",
        ]
        if brand.kind is BrandKind.CAMERA_MAKER:
            questions += [
                f"Which phone makers work with {name}?",
                f"Which phones have {name} cameras?",
            ]
        else:
            questions += [f"Which camera maker does {name} work with?", f"{name} camera partner"]
        listing = " ".join(describe(p, base, from_brand=brand.id) for p in own)
        brand_citations = tuple(c for p in own for c in p.citations)
        entry = Entry(
            id=f"{BRAND_PREFIX}{brand.id}",
            questions=tuple(questions),
            answer=listing,
            brands=frozenset({brand.id}),
            evidence=tuple(c.quote for c in brand_citations),
        )
        derived[entry.id] = (entry, brand_citations)
    for partnership in partnerships:
        phone = base.brands[partnership.phone_maker].name
        camera = base.brands[partnership.camera_maker].name
        summary = f" {partnership.summary}" if partnership.summary else ""
        entry = Entry(
            id=f"{PARTNERSHIP_PREFIX}{partnership.id}",
            questions=(
                f"{phone} and {camera}",
                f"{phone} {camera} partnership",
                f"{camera} {phone} phones",
                f"Are {phone} and {camera} partners?",
                f"What is the status of the {phone} {camera} partnership?",
            ),
            answer=f"{describe(partnership, base)}{summary}",
            brands=frozenset({partnership.phone_maker, partnership.camera_maker}),
            evidence=tuple(c.quote for c in partnership.citations),
        )
        derived[entry.id] = (entry, partnership.citations)
    return derived


__all__ = [
    "Answer",
    "BrandLookup",
    "CitedQuote",
    "Engine",
    "Outcome",
    "PartnershipView",
    "Suggestion",
]

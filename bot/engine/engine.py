"""The answer engine: questions to cited answers, brands to their partnerships. Plain data only."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
from types import MappingProxyType

from bot.caches.pickles import collection_paused
from bot.engine.answer import (
    Answer,
    BrandLookup,
    CitedQuote,
    PartnershipView,
    Suggestion,
    composed,
    day_label,
    with_date,
)
from bot.engine.brands import BrandIndex, brand_choices, brand_named, brand_names
from bot.engine.choices import fact_choices
from bot.engine.entries import (
    BRAND_PREFIX,
    OVERVIEW_ID,
    PARTNERSHIP_PREFIX,
    derived_entries,
    describe,
    entry_title,
    fact_entry,
)
from bot.engine.fingerprint import engine_code_hash
from bot.engine.lexicon.operators import DIRECTIONS, OPPOSITES, RISE_STEM, Operator, operators_of
from bot.engine.matcher.matcher import (
    Candidate,
    Match,
    Matcher,
    Outcome,
    agree,
    sorted_gently,
)
from bot.engine.questions import Form, Part, Reader, Reading
from bot.engine.rules.reasoner import Reasoner, Said
from bot.engine.timeline import first_reports, newer_records, stale_note
from bot.engine.words import QUESTION_TOKENS, Analyzer, canonical, stem
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
    Source,
)
from bot.facts.text import words

# What the bot says to small talk: never a fact, always the way to real answers.
CHAT_REPLIES = {
    "greeting": "Hi! Ask me about phone makers' camera partnerships, for example "
    '"Who does Xiaomi work with?" — /help shows what I can do.',
    "thanks": "You're welcome! Ask another question any time — /help shows what I can do.",
    "praise": "Glad it helped! Ask another question any time — /help shows what I can do.",
    "ack": "👍 Ask me about phone makers' camera partnerships any time — /help shows how.",
    "help": "Ask me about phone makers' camera partnerships (who works with whom, since when, "
    "which phones) and I answer with quotes from the sources — /help lists the commands.",
    "too_long": "That's too long for me to read whole. Ask one question at a time, in a "
    'sentence or two, for example: "Who does Xiaomi work with?"',
    "foreign": "Sorry, I answer in English only, from English sources. Could you ask again in "
    'English? For example: "Who does Xiaomi work with?"',
}
DONT_KNOW = "I don't know that: the sources don't say."
# How many related facts a refusal shows.
RELATED = 3

# Operators whose yes/no a quoted fact settles only by saying yes or no.
_ATTRIBUTION = frozenset({Operator.SPEAKER, Operator.CAUSE})
# An answer that opens with a yes or a no.
_POLAR_ANSWER = re.compile(r"(yes|no|not)\b", re.IGNORECASE)
# A negation in an answer: it cannot be read as a plain "yes".
_NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b", re.IGNORECASE)


def status_phrase(partnership: Partnership) -> str:
    """The status in words: announced, active, or ended."""
    return {
        PartnershipStatus.ANNOUNCED: "announced",
        PartnershipStatus.ACTIVE: "active",
        PartnershipStatus.ENDED: "ended",
    }[partnership.status]


class Engine:
    """The fact base and its matcher, answering questions and brand look-ups."""

    # Facts reviewed still true: the source date each was reviewed against (the runtime's).
    reviewed: Mapping[str, dt.date] = MappingProxyType({})

    def __init__(self, base: FactBase) -> None:
        with collection_paused():
            self._build(base)

    def _build(self, base: FactBase) -> None:
        # Which code built it: a cache of other code is never caught up (`_caught_up`).
        self.built_by = engine_code_hash()
        self.base = base
        self._derived = derived_entries(base)
        entries = [fact_entry(fact) for fact in base.facts.values()]
        entries += [entry for entry, _ in self._derived.values()]
        self.matcher = Matcher(entries, base.brands.values())
        self.reader = Reader(self.matcher.analyzer, base.brands, base.partnerships.values())
        self.reasoner = Reasoner(base)
        # Facts by brand, for the related facts a refusal shows (kept by upsert and remove).
        self._facts_about: dict[str, list[str]] = {}
        for fact in base.facts.values():
            self._index_fact(fact)
        self._brand_names = brand_names(base.brands)
        self._brand_index: BrandIndex | None = None
        self._fact_ids = sorted_gently(base.facts)

    def adopt(self, base: FactBase) -> None:
        """Serve `base`, equal to the cached engine's own, so that each fact is held once.

        Else the store's base and the engine's would be two copies: the engine's is dropped.
        """
        self.base = base
        self.matcher.adopt(fact_entry(fact) for fact in base.facts.values())
        self.reader = Reader(self.matcher.analyzer, base.brands, base.partnerships.values())
        self.reasoner.rebase(base)  # equal sources: its index of their clauses is kept

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
        said = (self.reasoner.answer(part) if part is not None else None) or _facts_say(self, part)
        # The matcher reads the part as read: chat spellings spelled out, chatter dropped.
        text = self._part_question(part) if part is not None else question or ""
        if said is not None and said.shaped:
            return self._from_said(text, said)
        match = self.matcher.match(text)
        if match.best is None and part is not None and said is None:
            match = _passage(self, part, self._opposite_match(part, match))
        best = match.best
        # A moderator's fact that the matcher finds is kept over a record's plain restatement
        # of the same thing: moderators choose the wording.
        if said is not None and (best is None or best.entry.id not in self.base.facts):
            return self._from_said(text, said)
        if said is not None and best is not None and self.newer_than(best.entry.id):
            # A fact a newer source may have overtaken yields to the records until reviewed.
            return self._from_said(text, said)
        if best is not None and part is not None and not _carries(part, best, self.base.facts):
            # Issue #17: a fact whose phrasings do not carry the question's operators ("only",
            # "not", "before July") answers another question: no direct answer, no Yes or No.
            match = Match(Outcome.NONE, match.analysis, match.candidates)
            best = None
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
        return _unpolar(answer) if part.dangling else self._polarised(text, part, best, answer)

    def _polarised(self, text: str, part: Part, best: Candidate, answer: Answer) -> Answer:
        """A matched fact's answer with the yes or no its question's form calls for."""
        polar = (answer.answer or "").startswith(("Yes. ", "No. "))
        if polar and (answer.answer or "").startswith("Yes. ") and self._opposed(part, best):
            # "Is Xiaomi's share dropping?" of the fact for "Is Xiaomi's share growing?".
            return replace(answer, answer="No. " + (answer.answer or "").split(" ", 1)[1])
        if polar and (
            part.form is not Form.YES_NO
            or part.compares
            or not _asked_of(self.matcher.analyzer, part, best)
        ):
            # A fact written for "Is Xiaomi's share growing?" answers "what's its share?" too,
            # but its "Yes." does not; nor is it a yes to a word its question never held.
            return replace(answer, answer=(answer.answer or "").split(" ", 1)[1])
        # With an operator asked, a "Yes" needs a moderator's fact whose answer itself holds it
        # ("Xiaomi is the latest maker…"): a record's "the first phone" is not "Xiaomi first".
        held = not part.operators or (
            best.entry.id in self.base.facts
            and part.operators <= operators_of(words(best.entry.answer))
        )
        # A fact a newer source may have overtaken gives no Yes or No of its own until reviewed.
        fresh = not self.newer_than(best.entry.id)
        if not polar and fresh and self._opposed(part, best):
            return replace(answer, answer=f"No. {answer.answer}")
        if not polar and held and fresh and self._affirms(part, best):
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

    def _opposite_match(self, part: Part, match: Match) -> Match:
        """A yes/no question found by the opposite of its one opposable word, if a fact states it.

        "Is Xiaomi's market share falling?" finds that it grew: kept when `_opposed` (a "No").
        """
        if part.form is not Form.YES_NO or part.wh:
            return match
        said = [w for w in part.words if w in OPPOSITES]
        if len(said) != 1:
            return match
        words_ = [OPPOSITES[w] if w == said[0] else w for w in part.words]
        found = self.matcher.match(" ".join(words_))
        best = found.best
        if best is None or best.entry.id not in self.base.facts or not self._opposed(part, best):
            return match
        return found

    def _opposed(self, part: Part, best: Candidate) -> bool:
        """Whether a fact states the opposite of the one word a yes/no question asks otherwise.

        "Is Xiaomi's market share dropping?" of "Xiaomi's market share had been growing": every
        other content word asked is in the answer, which holds no negation, nor does the question.
        """
        if part.form is not Form.YES_NO or part.wh or part.negated or part.countries:
            return False
        if part.compares:
            return False
        if part.operators - {Operator.ANTONYM} or _NEGATION.search(best.entry.answer):
            return False
        asked = [w for w in part.words if w in OPPOSITES]
        if len(asked) != 1 or self.reasoner.miskinded(part):
            return False
        answer = set(self.matcher.analyzer.analyse(best.entry.answer, correct=False).tokens)
        if OPPOSITES[asked[0]] not in answer:
            return False
        typed = self.matcher.analyzer.analyse_words([asked[0]], correct=False).tokens
        rest = _asked_tokens(part) - set(typed)
        return bool(rest) and rest <= answer

    def _affirms(self, part: Part, best: Candidate) -> bool:
        """Whether an entry's answer says yes to a yes/no question: it asserts every word asked.

        Every content word asked in the answer itself (not only its phrasings), none negated.
        """
        if part.form is not Form.YES_NO or part.wh or _NEGATION.search(best.entry.answer):
            return False
        answer_words = " ".join(words(best.entry.answer))
        if any(" ".join(device[1:]) not in answer_words for device in part.devices):
            # "Is the Xiaomi 12 Ultra successful?" is not answered by "the Mi 11 Ultra and the
            # 12 Pro have been": each phone asked about must be named whole.
            return False
        if part.negated or _sets_aside(part, best.entry.answer) or part.countries:
            return False
        if part.compares:  # "is it multi-year like OnePlus?" asks of another than OnePlus
            return False
        if QUESTION_TOKENS.intersection(part.analysis.tokens):
            # "Does Leica have headquarters?" asks a place ("?where") that "Leica is a German
            # camera maker" does not assert: a question word read is not a word said yes to.
            return False
        asked = _asked_tokens(part)
        if not asked or self.reasoner.miskinded(part):
            return False
        return asked <= _asserted(self, best.entry.answer)

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
        return composed(question, answers, reading.unread)

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
            return entry_title(self._derived[entry_id][0])
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
            scored.append((-len(entry.brands & wanted), 0, order, entry_id, entry_title(entry)))
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
            text, title = entry.answer, entry_title(entry)
        else:
            raise KeyError(entry_id)
        reported = self.reported_on(citations)
        note = ""
        if fact is not None:
            newer = self.newer_than(fact.id)
            note = stale_note(self.base, fact, newer, self.reviewed.get(fact.id)) if newer else ""
        if note and text.startswith(("Yes. ", "No. ")):
            # A newer source may overturn the yes or no: what was reported, then what is newer.
            text = text.split(" ", 1)[1]
        return Answer(
            question=question,
            answered=True,
            answer=with_date(text, reported) + note,
            score=score,
            fact_id=entry_id,
            matched_question=title,
            reported_on=reported,
            citations=self.cite(citations),
        )

    def newer_than(self, fact_id: str) -> list[Partnership]:
        """The partnerships of a fact's pair reported after its quotes: the fact is stale."""
        fact = self.base.facts.get(fact_id)
        if fact is None or not fact.brands:
            return []
        # Once a base: a walk over every partnership per question cost ~4 ms at 100,000 facts.
        known = getattr(self, "_first_reports", None)
        if known is None or known[0] is not self.base:
            known = self._first_reports = (self.base, first_reports(self.base))
        of = self.reasoner.of(fact.brands[0])
        return newer_records(self.base, fact, of, known[1], self.reviewed.get(fact_id))

    def question_of(self, candidate: Candidate) -> str:
        """The canonical question of a candidate, for suggestions."""
        return entry_title(candidate.entry)

    def reported_on(self, citations: tuple[Citation, ...]) -> str | None:
        """When the cited sources reported it (the newest of their dates), e.g. 23 May 2022."""
        return day_label(self.base.source_date(citations))

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
        brand_id, meant = brand_named(name, self._brand_names)
        if brand_id is None:
            return BrandLookup(name, None, suggestions=tuple(self.base.brands[b] for b in meant))
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
        """Brands for autocomplete: best first, every brand when the text is empty."""
        index = self._brand_index
        if index is None or index.brands is not self.base.brands:
            index = self._brand_index = BrandIndex.build(self.base.brands)
        return brand_choices(index, text, limit)

    def fact_choices(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Facts for a moderator's fact-id autocomplete: (id, question) pairs, best first."""
        return fact_choices(self.base.facts, self._fact_ids, self.matcher, text, limit)

    def partnerships(self) -> list[Partnership]:
        """Every partnership: current ones first, then ended ones."""
        return sorted(
            self.base.partnerships.values(),
            key=lambda p: (p.status is PartnershipStatus.ENDED, p.id),
        )

    def sources(self) -> list[Source]:
        """Every source, newest first."""
        return sorted(self.base.sources.values(), key=lambda s: (s.date, s.id), reverse=True)


# Operators that choose which answer a wh-question wants: a fact without them answers another.
_SELECTING = frozenset({Operator.FIRST_LATEST, Operator.ONLY})


def _asked_of(analyzer: Analyzer, part: Part, best: Candidate) -> bool:
    """Whether a part asks nothing its matched entry's questions and answer do not hold."""
    asked = _asked_tokens(part)
    texts = " ".join((*best.entry.questions, best.entry.answer))
    if not asked <= set(analyzer.analyse(texts, correct=False).tokens):
        return False
    # Its yes or no answers its own questions: "is the July phone the first one?" holds only
    # words of the answer of "did Xiaomi give details of the first phone?" ("No. …July…").
    brands = set(part.brands)
    if not any(
        {t for t in analyzer.analyse(q, correct=False).tokens if t not in QUESTION_TOKENS} - brands
        <= asked
        for q in best.entry.questions
    ):
        return False
    # "…gave no details?" of the fact for "did Xiaomi give details?": its "No." was not
    # said to a question holding that negation.
    held = part.operators
    return not held or any(held <= operators_of(words(q)) for q in best.entry.questions)


def _asked_tokens(part: Part) -> set[str]:
    """The tokens a part asks with: no question word, nor a pronoun "one" ("the latest one")."""
    asked = {t for t in part.analysis.tokens if t not in QUESTION_TOKENS}
    if part.pronoun_one:
        asked.discard("1")
    return asked


def _direction(engine: Engine, part: Part | None) -> Said | None:
    """A direction asked as a choice ("Xiaomi's share going up or down?"), from a fact.

    The question is matched with "growing" for its two directions; a moderator's fact found so
    answers only when it states the rise itself, with no negation, and no newer source may have
    overtaken it: then the option named is the one it states.
    """
    if part is None or "or" not in part.words[1:-1]:
        return None
    at = part.words.index("or")
    left, right = part.words[at - 1], part.words[at + 1]
    if {DIRECTIONS.get(left), DIRECTIONS.get(right)} != {"up", "down"}:
        return None
    asked = [*part.words[: at - 1], "growing", *part.words[at + 2 :]]
    best = engine.matcher.match(" ".join(asked)).best
    if best is None or best.entry.id not in engine.base.facts:
        return None
    fact = engine.base.facts[best.entry.id]
    if _NEGATION.search(fact.answer) or engine.newer_than(fact.id):
        return None
    analyse = engine.matcher.analyzer.analyse
    # One of the fact's own questions asks every word asked, the rise included; its answer
    # states the rise.
    content = {t for t in analyse(" ".join(asked)).tokens if t not in QUESTION_TOKENS}
    if not any(content <= set(analyse(q, correct=False).tokens) for q in best.entry.questions):
        return None
    if RISE_STEM not in analyse(fact.answer, correct=False).tokens:
        return None
    head = left if DIRECTIONS[left] == "up" else right
    stated = fact.answer.removeprefix("Yes. ")
    text = f"{head.capitalize()}. {with_date(stated, engine.reported_on(fact.citations))}"
    return Said(text, fact.citations, entry_id=fact.id)


# How many entries a paraphrase may find before it is too vague to name one passage.
_PASSAGES = 4
# Question words a passage answers by quoting: "why" only from a fact asked why (a cause a
# source states); "when", "how long", "where" are kinds of answer the rules and matcher check.
_PASSAGE_KINDS = frozenset({"?who", "?why"})
# A role binds a person to one brand, which words held anywhere in a fact cannot show: "who is
# Leica's CEO?" is not answered by a quote that names Xiaomi's.
_ROLES = frozenset({canonical("ceo"), canonical("founder")})


def _passage(engine: Engine, part: Part, match: Match) -> Match:
    """A wh-question found by the one fact whose sentences hold every word it asks.

    "What's Xiaomi trying to improve by bringing in experts?" paraphrases the sentence a fact
    quotes: its words are scattered over the fact's phrasings, answer and quote, so no phrasing
    scores enough. Every word must be read (no unknown word, no operator the fact does not
    carry) and held by one fact, or by facts citing the same sentence; "why" only by a fact
    asked why. No yes/no question is read so: a bag of words establishes no proposition.
    """
    if match.best is not None or part.form is Form.YES_NO or part.wh is None:
        return match
    if part.negated or part.analysis.unknown or part.unknown_brands or part.unknown_devices:
        return match
    kinds = part.analysis.question_types
    if not kinds <= _PASSAGE_KINDS:
        return match
    asked = _asked_tokens(part) | (kinds - {"?who"})
    if not asked - set(part.brands) or asked & _ROLES:
        return match
    found = engine.matcher.holding(sorted(asked), _PASSAGES)
    facts = [entry for entry in found if entry.id in engine.base.facts]
    if not facts or len(found) == _PASSAGES or any(not agree(facts[0], e) for e in found[1:]):
        return match
    best = facts[0]
    if not set(part.brands) <= best.brands:
        return match
    scored = {c.entry.id: c for c in match.candidates}
    chosen = scored.get(best.id) or Candidate(best, 0.0, best.questions[0])
    rest = tuple(c for c in match.candidates if c.entry.id != best.id)
    return Match(Outcome.FOUND, match.analysis, (chosen, *rest), exact=match.exact)


def _facts_say(engine: Engine, part: Part | None) -> Said | None:
    """What moderators' facts say to a direction asked as a choice, or to a cause asked."""
    return (
        _direction(engine, part)
        or _cause(engine, part)
        or _clause_verdict(engine, part)
        or _one_option(engine, part)
    )


def _one_option(engine: Engine, part: Part | None) -> Said | None:
    """A choice between what a source says and words it never uses: what the source says.

    "Leica and Xiaomi working closely, or more like a loose licensing deal?": one side is read
    whole and held by one clause of one fact ("work closely together"), the other holds words
    no fact uses. The answer is that fact, with no yes, no and no choice made: the unread side
    is neither affirmed nor denied.
    """
    if part is None or part.wh or part.negated or "or" not in part.words[1:-1]:
        return None
    at = part.words.index("or")
    sides = (list(part.words[:at]), list(part.words[at + 1 :]))
    analyse = engine.matcher.analyzer.analyse_words
    read = [analyse(side) for side in sides]
    known = [i for i, a in enumerate(read) if not a.unknown]
    if len(known) != 1 or not read[1 - known[0]].unknown:
        return None
    side = read[known[0]]
    asked = {t for t in side.tokens if t not in QUESTION_TOKENS} | set(part.brands)
    if not asked - set(part.brands) or asked & _ROLES:
        return None
    if operators_of(sides[known[0]]) or part.devices or part.months or part.years:
        return None
    # A record restating the pair may hold the same words: the one fact must, in one clause.
    found = engine.matcher.holding(sorted(asked), _PASSAGES)
    facts = [entry for entry in found if entry.id in engine.base.facts]
    if len(facts) != 1 or len(found) == _PASSAGES:
        return None
    fact = engine.base.facts[facts[0].id]
    if engine.newer_than(fact.id):
        return None
    analysed = engine.matcher.analyzer.analyse
    # What the fact's own questions ask ("work on") frames every clause of its answer.
    framed = {t for q in fact.questions for t in analysed(q, correct=False).tokens}
    content = asked - set(part.brands) - framed
    quoted = (c.quote for c in fact.citations)
    clauses = (c for text in (fact.answer, *quoted) for c in _CLAUSES.split(text))
    if not any(content <= set(analysed(c, correct=False).tokens) for c in clauses):
        return None
    text = with_date(
        fact.answer.removeprefix("Yes. ").removeprefix("No. "), engine.reported_on(fact.citations)
    )
    return Said(text, fact.citations, entry_id=fact.id)


# Where an answer's or a quote's clauses part: "Lei Jun said that A, that B, and that C. D".
_CLAUSES = re.compile(r"[;,.!?]\s*(?:and\s+)?|\s+and\s+that\s+")
_SAY = canonical("say")


def _clause_verdict(engine: Engine, part: Part | None) -> Said | None:
    """A yes/no question that paraphrases one clause of a fact's answer: "Yes." or "No.".

    "Do Xiaomi and Leica see eye to eye?" of "Lei Jun said that Xiaomi and Leica agree with each
    other's pursuits": the one fact holding every word asked (as a wh-question's passage is
    found), and one clause of its own answer holding them all, none negated: "Yes."; holding all
    but the one word whose opposite it states ("disagree"): "No.". "Did Lei Jun say …?" needs
    the clause's speaker to be the one asked. Anything else is left to the matcher.
    """
    if part is None or part.form is not Form.YES_NO or part.wh or part.negated:
        return None
    if "or" in part.words:
        return None  # "agree or disagree?" is a choice, not the yes/no of either side
    if part.operators - {Operator.SPEAKER} or part.analysis.unknown - _OPPOSITE_TOKENS.keys():
        return None
    if part.countries or part.devices or part.months or part.years or part.excluded:
        return None
    asked = _asked_tokens(part)
    opposite = {t: _OPPOSITE_TOKENS[t] for t in asked if t in _OPPOSITE_TOKENS}
    if len(opposite) > 1 or not asked - set(part.brands):
        return None
    wanted = sorted({opposite.get(t, t) for t in asked})
    found = engine.matcher.holding(wanted, _PASSAGES)
    facts = [entry for entry in found if entry.id in engine.base.facts]
    if len(facts) != 1 or len(found) == _PASSAGES or any(not agree(facts[0], e) for e in found):
        return None
    fact = engine.base.facts[facts[0].id]
    if engine.newer_than(fact.id) or fact.answer.startswith(("Yes", "No")):
        return None
    analyse = engine.matcher.analyzer.analyse
    if Operator.SPEAKER in part.operators:
        # "Did Lei Jun say …?": the fact's answer must be his word ("Lei Jun said that …").
        subject, said, _ = fact.answer.partition(" said ")
        if not said or _speaker(engine, part) != set(analyse(subject, correct=False).tokens):
            return None
        wanted = [t for t in wanted if t not in _speaker(engine, part) and t != _SAY]
    quoted = (c.quote for c in fact.citations)
    for clause in (c for text in (fact.answer, *quoted) for c in _CLAUSES.split(text)):
        if _NEGATION.search(clause):
            continue
        if set(wanted) <= set(analyse(clause, correct=False).tokens):
            verdict = "No." if opposite else "Yes."
            text = f"{verdict} {with_date(fact.answer, engine.reported_on(fact.citations))}"
            return Said(text, fact.citations, entry_id=fact.id)
    return None


def _speaker(engine: Engine, part: Part) -> set[str]:
    """The tokens of who a "did X say …?" question asks about: the words before "say"."""
    for index, word in enumerate(part.words):
        if word in {"say", "said", "says"}:
            before = [w for w in part.words[:index] if w not in {"did", "does", "do", "has"}]
            return set(engine.matcher.analyzer.analyse_words(before, correct=False).tokens)
    return set()


# Words that open the cause a yes/no question asks about ("…because its phones failed?").
_BECAUSE = frozenset({"because", "due"})
_CAUSE_LINKS = frozenset({"of", "to", "that"})
_CAUSE_OPERATORS = frozenset({Operator.CAUSE, Operator.ANTONYM, Operator.FIRST_LATEST})
# What follows a cause word up to the clause's end ("after Kestrel cut its range"); "after
# four years" is a time.
_CAUSAL = re.compile(
    r"\b(?:because|due to|with|given|after(?! \w+ years?\b))\b([^;,.]*)", re.IGNORECASE
)
# Words read as the opposite of what a source states ("failing" against "successful"), by stem.
_OPPOSITE_STEMS = {stem(word): token for word, token in OPPOSITES.items()}
# The same by token: "disagre" to "agre".
_OPPOSITE_TOKENS = {
    token: canonical(value) or value
    for word, value in OPPOSITES.items()
    if (token := canonical(word)) is not None
}


def _cause(engine: Engine, part: Part | None) -> Said | None:
    """A yes/no question about a cause ("did they split because of X?"), from a fact asked why.

    The words before "because" must find one fact that a source's reason answers ("Why did
    Huawei and Leica split?"), every word read. "Yes" only when the fact's own answer holds
    every word of the cause asked in a clause that gives a cause; a cause it contradicts is
    "Not as far as the sources say", with the reason they give; one of another brand is not
    said by them, and they give another reason; never a cause of our own.
    """
    if part is None or part.form is not Form.YES_NO or part.wh or part.negated:
        return None
    at = next((i for i, w in enumerate(part.words) if w in _BECAUSE), None)
    if not at:
        return None
    # "only because", "will … because": words this reading does not weigh. A cause's "recent
    # phones" ranks nothing asked of the sources, but a "Yes" would not have read it.
    ranked = operators_of(part.words[at:]) & {Operator.FIRST_LATEST}
    if operators_of(part.words[:at]) or operators_of(part.words[at:]) - _CAUSE_OPERATORS:
        return None
    cause = list(part.words[at + 1 :])
    while cause and cause[0] in _CAUSE_LINKS:
        cause = cause[1:]
    analyse = engine.matcher.analyzer.analyse_words
    effect, asked = analyse(list(part.words[:at])), analyse(cause)
    wanted = {t for t in asked.tokens if t not in QUESTION_TOKENS}
    opposites = {
        canonical(w): _OPPOSITE_STEMS[stem(w)] for w in cause if stem(w) in _OPPOSITE_STEMS
    }
    if not wanted or effect.unknown or asked.unknown - set(opposites):
        return None
    found = engine.matcher.holding(sorted({*effect.content, "?why"}), _PASSAGES)
    facts = [entry for entry in found if entry.id in engine.base.facts]
    if not facts or len(found) == _PASSAGES or any(not agree(facts[0], e) for e in found[1:]):
        return None
    fact = engine.base.facts[facts[0].id]
    if engine.newer_than(fact.id) or _NEGATION.search(fact.answer):
        return None
    # The cause is what the answer's causal clauses say ("With Huawei facing …"), not the rest.
    causal = " ".join(_CAUSAL.findall(fact.answer))
    stated = set(engine.matcher.analyzer.analyse(causal, correct=False).tokens)
    given = with_date(fact.answer, engine.reported_on(fact.citations))
    if wanted <= stated and not opposites and not ranked:
        return Said(f"Yes, as far as the sources say. {given}", fact.citations, entry_id=fact.id)
    # Another cause is denied only where the sources state its opposite ("failing" of
    # "successful") or the same with another brand, or only another brand ("Leica's problems",
    # "because of Xiaomi" of "Huawei facing challenges"); one they merely do not mention
    # ("because Leica is German") is not said.
    # A reason given of another brand is not a "No" to the one asked (the sources may not tell
    # every cause), only that the sources do not say so: the reason they give follows.
    brands = {t for t in wanted if engine.matcher.analyzer.brand_of(t)}
    plain = wanted - brands - set(opposites)
    # The opposite denies only a cause otherwise the same ("its phones failing" of "successful
    # phones"), not a word of another sense ("Huawei dropped Leica" of "its share growing").
    if any(t in stated for t in opposites.values()) and plain | brands <= stated:
        text = f"Not as far as the sources say: they give this reason. {given}"
    elif plain <= stated and not brands <= stated:
        text = f"Not as far as the sources say: they give another reason. {given}"
    else:
        return None
    return Said(text, fact.citations, entry_id=fact.id)


_ASIDE = frozenset({"before", "after"})


def _sets_aside(part: Part, answer: str) -> bool:
    """Whether a part sets a brand aside in a way the answer does not state itself.

    "Has Leica worked with anyone before Xiaomi?" is affirmed by "Before Xiaomi, Leica was
    with Huawei"; "anyone besides Xiaomi?" is not by "Leica works with Xiaomi".
    """
    if not part.excluded:
        return False
    asked = {(w, n) for w, n in pairwise(part.words) if w in _ASIDE}
    return len(asked) < len(part.excluded) or not asked <= set(pairwise(words(answer)))


_PHONE = "phon"  # the stem of "phone", "phones", "smartphone"


def _asserted(engine: Engine, answer: str) -> set[str]:
    """The tokens an answer asserts: its own, and "phone" when it names a phone maker.

    "Has Leica ever done phones with anyone?" of "Leica was in partnership with Huawei": a phone
    maker's partnership is one about phones.
    """
    tokens = set(engine.matcher.analyzer.analyse(answer, correct=False).tokens)
    brands = engine.base.brands
    makers = any(brands[t].kind is BrandKind.PHONE_MAKER for t in tokens if t in brands)
    return tokens | {_PHONE} if makers else tokens


def _unpolar(answer: Answer) -> Answer:
    """An answer without its "Yes." or "No.": a question whose subject names nothing read.

    "was that one of the leica phones?" with nothing before it asks of a phone it does not name.
    """
    text = answer.answer or ""
    polar = text.startswith(("Yes. ", "No. "))
    return replace(answer, answer=text.split(" ", 1)[1] if polar else text)


def _carries(part: Part, best: Candidate, facts: Container[str]) -> bool:
    """Whether the matched entry's phrasings (or its answer) hold every operator of the part."""
    held = part.operators
    if held == {Operator.ANTONYM}:
        # "Was the Mi 11 Ultra a flop?" of a fact that the phones were successful: the fact
        # states the opposite, which `Engine._opposed` reads as a "No".
        stated = {canonical(w) for w in words(best.entry.answer)}
        if any(OPPOSITES.get(w) in stated for w in part.words):
            held = frozenset()
    if part.form is not Form.YES_NO:
        # A wh-question's answer opens with no Yes or No (`_polarised` strips a fact's), but
        # "who was the first to…?" is still not answered by an entry that ranks nothing: only a
        # moderator's fact ranks ("the latest maker"); a record's "the first phone" does not.
        held &= _SELECTING
        if held and best.entry.id not in facts:
            return False
    if not held:
        return True
    if held & _ATTRIBUTION and not _POLAR_ANSWER.match(best.entry.answer):
        # "Did Xiaomi say what the phone is?" is not answered by what Xiaomi did say: a fact
        # that quotes someone settles whether they said it only with a yes or a no.
        return False
    texts = (*best.entry.questions, best.entry.answer)
    if Operator.FIRST_LATEST in held:
        # "Is Xiaomi Leica's first ever partner?" ranks partners: "the first phone" does not.
        asked = _ranked(part.words)
        texts = tuple(t for t in texts if asked <= _ranked(words(t)))
    return any(held <= operators_of(words(text)) for text in texts)


_RANKING = frozenset("first 1st earliest latest newest recent last".split())
# A partner and a maker ranked are one thing ("the latest maker to partner" is the latest
# partnership); a phone ranked is another.
_RANKED_HEADS = {"phon": "phone", "partner": "party", "maker": "party"}
_RANKED_ENDS = frozenset(
    "of to from with for in on by at that who which and or than between among since".split()
)


def _ranked(text: Sequence[str]) -> frozenset[str]:
    """What a text's ranking words rank: "the first ever smartphone partner" ranks partners.

    The head is the last of the words after the ranking word (up to four, to a preposition)
    that names a phone, or a partner or maker: "first Xiaomi Leica phone" ranks phones.
    """
    heads: set[str] = set()
    for index, word in enumerate(text):
        if word.lower() not in _RANKING:
            continue
        head = None
        for following in text[index + 1 : index + 5]:
            if following.lower() in _RANKED_ENDS:
                break
            head = _RANKED_HEADS.get(canonical(following) or "", head)
        if head is not None:
            heads.add(head)
    return frozenset(heads)


def _names_phones(part: Part, best: Candidate) -> bool:
    """Whether a matched entry names every phone the question names, whole.

    "Is the Xiaomi 12 Ultra successful?" is not answered by a fact about the Mi 11 Ultra and
    the 12 Pro, though it holds the words 12 and Ultra.
    """
    named = " ".join(words(" ".join((best.entry.answer, *best.entry.questions))))
    return all(" ".join(device[1:]) in named for device in part.devices)


__all__ = [
    "BRAND_PREFIX",
    "DONT_KNOW",
    "OVERVIEW_ID",
    "PARTNERSHIP_PREFIX",
    "Answer",
    "BrandLookup",
    "CitedQuote",
    "Engine",
    "Outcome",
    "PartnershipView",
    "Suggestion",
    "describe",
    "fact_entry",
    "status_phrase",
    "with_date",
]

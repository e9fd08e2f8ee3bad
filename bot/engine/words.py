"""Turning questions into canonical tokens: typos, brand and device names, stems and synonyms."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.engine.lexicon.operators import OPERATOR_WORDS
from bot.facts.models import Brand
from bot.facts.text import words

# Function words and fillers that carry no meaning for matching.
STOPWORDS = frozenset(
    """
    a an the is are was were be been being am do does did doing done to of in on at for by from
    about as and or but if then than so that this these those it its i me my we our us you your he
    him his she her they them their theirs there here what which whats can could will would shall
    should may might must have has had having get got gets tell know please any anything some
    something much more most very just also really now currently today nowadays ever again up
    out into over under with without not no yes hi hello hey one ones whose whom let lets give
    gave given make made makes use used uses using come came comes coming go going goes went thing
    things kind sort like bot camerabot ok okay thanks thank there s t d ll re ve m
    other another both each either neither such same only too via per actually exactly
    correct right true still exactly basically anyway someone anybody somebody etc guys folks
    wondering wonder curious question ask asking idea how show together happen happened even
    find finds found finding need needs want wants carry carries feature features featuring
    equipped sport sports pack packs explain describe elaborate summarise summarize
    never heard hear hears lately presently stuff try trying tries aim aims aiming
    roughly approximately
    """.split()
)

# Phrases read as one token. Question words ("?when") say what kind of answer is wanted;
# the others are idioms whose meaning is not the sum of their words ("work on" is not "work with").
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("how", "long"), "?howlong"),
    (("how", "many", "years"), "?howlong"),
    (("how", "many", "months"), "?howlong"),
    (("for", "how", "long"), "?howlong"),
    (("how", "many"), "?howmany"),
    (("how", "much"), "?howmany"),
    (("since", "when"), "?when"),
    (("what", "year"), "?when"),
    (("what", "month"), "?when"),
    (("which", "year"), "?when"),
    (("which", "month"), "?when"),
    (("when",), "?when"),
    (("who",), "?who"),
    (("where",), "?where"),
    (("why",), "?why"),
    (("work", "on"), "cover"),
    (("working", "on"), "cover"),
    (("collaborate", "on"), "cover"),
    (("cooperate", "on"), "cover"),
    (("team", "up"), "partner"),
    (("teamed", "up"), "partner"),
    (("teaming", "up"), "partner"),
    (("join", "forces"), "partner"),
    (("joined", "forces"), "partner"),
    (("joining", "forces"), "partner"),
    (("break", "up"), "end"),
    (("broke", "up"), "end"),
    (("part", "ways"), "end"),
    (("parted", "ways"), "end"),
    (("come", "out"), "launch"),
    (("coming", "out"), "launch"),
    (("came", "out"), "launch"),
    (("market", "share"), "marketshare"),
    (("sold", "well"), "success"),
    (("sell", "well"), "success"),
    (("sells", "well"), "success"),
    (("selling", "well"), "success"),
    (("did", "well"), "success"),
    (("went", "wrong"), "?why"),
    (("go", "wrong"), "?why"),
    (("maker", "share"), "marketshare"),
    (("take", "on"), "say"),
    (("do", "together"), "cover"),
    (("locked", "in"), "partner"),
    # Idioms people use for what the sources say in plain words.
    (("see", "eye", "to", "eye"), "agree"),
    (("sees", "eye", "to", "eye"), "agree"),
    (("on", "the", "same", "page"), "agree"),
    (("call", "it", "quits"), "end"),
    (("called", "it", "quits"), "end"),
    (("calling", "it", "quits"), "end"),
    (("call", "it", "quit"), "end"),
    (("called", "it", "quit"), "end"),
    (("calling", "it", "quit"), "end"),
    (("separate", "ways"), "end"),
    (("what", "made"), "?why"),
    (("how", "come"), "?why"),
    (("the", "point", "of"), "?why"),
    (("line", "about"), "say"),
    (("teaser", "line"), "post"),
    (("link", "up"), "partner"),
    (("linked", "up"), "partner"),
    (("linking", "up"), "partner"),
    (("hook", "up"), "partner"),
    (("hooked", "up"), "partner"),
    (("hooking", "up"), "partner"),
    (("walk", "away"), "end"),
    (("walked", "away"), "end"),
    (("walking", "away"), "end"),
    (("walks", "away"), "end"),
    (("top", "end"), "flagship"),
    (("high", "end"), "flagship"),
    (("stick", "with"), "partner"),
    (("sticking", "with"), "partner"),
    (("stuck", "with"), "partner"),
    (("stay", "with"), "partner"),
    (("stayed", "with"), "partner"),
    (("staying", "with"), "partner"),
    (("in", "bed", "with"), "partner"),
)
QUESTION_TOKENS = frozenset(token for _, token in _PHRASES if token.startswith("?"))
# An idiom's words are words, never typos of others ("separate ways" is not "separate was").
_IDIOM_WORDS = frozenset(word for phrase, _ in _PHRASES for word in phrase)

_PHRASES_BY_FIRST: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {}
for _phrase, _token in _PHRASES:
    _PHRASES_BY_FIRST[_phrase[0]] = (*_PHRASES_BY_FIRST.get(_phrase[0], ()), (_phrase, _token))

# Groups of words that mean the same for this domain; the first word of a group is canonical.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    (
        "partner",
        "partners",
        "partnership",
        "partnerships",
        "partnered",
        "partnering",
        "collaboration",
        "collab",
        "cooperation",
        "cooperate",
        "cooperating",
        "alliance",
        "tie",
        "tieup",
        "team",
        "teamed",
        "teaming",
        "teamup",
        "deal",
        "sign",
        "signed",
        "ink",
        "inked",
        "forces",
        "join",
        "joined",
        "joining",
        "paired",
        "pair",
        "relationship",
        "agreement",
        "contract",
        "collaborator",
        "collaborators",
        "associated",
        "association",
        "aligned",
    ),
    ("phone", "smartphone", "handset", "device", "mobile", "model", "cellphone"),
    ("maker", "manufacturer", "company", "brand", "firm", "vendor", "oem", "producer", "outfit"),
    ("camera", "lens", "lenses", "optics", "cam", "cams", "shooter", "shooters"),
    ("launch", "release", "debut", "unveil", "arrive", "available", "ship", "out"),
    ("announce", "announcement", "reveal", "confirm", "declare", "share", "shared", "disclose"),
    (
        "end",
        "split",
        "breakup",
        "break",
        "broke",
        "stop",
        "terminate",
        "finish",
        "quit",
        "dissolve",
        "leave",
        "left",
        "drop",
        "dropped",
        "abandon",
        "exit",
        "ditch",
        "ditched",
        "dump",
        "dumped",
    ),
    (
        "ceo",
        "boss",
        "chief",
        "head",
        "executive",
        "leader",
        "chairman",
        "runs",
        "run",
        "lead",
        "leads",
    ),
    ("founder", "founded", "founding", "founders", "cofounder", "creator", "created"),
    ("germany", "german"),
    ("sweden", "swedish"),
    ("?where", "country", "nationality", "origin", "based", "headquarters", "headquartered"),
    ("?why", "reason", "because"),
    ("success", "successful", "popular", "hit", "bestseller", "bestselling"),
    ("name", "called", "call", "named"),
    (
        "detail",
        "details",
        "information",
        "info",
        "spec",
        "specs",
        "specification",
        "specifications",
    ),
    ("grow", "growing", "growth", "rise", "rising", "increase", "increasing", "expand", "gain"),
    ("before", "previous", "previously", "earlier", "former", "formerly", "past", "prior"),
    ("latest", "newest", "recent", "recently", "new", "newly"),
    (
        "say",
        "said",
        "says",
        "saying",
        "quote",
        "statement",
        "comment",
        "remark",
        "speech",
        "speak",
        "spoke",
        "phrase",
        "wording",
    ),
    (
        "post",
        "posted",
        "tweet",
        "tweeted",
        "wrote",
        "write",
        "message",
        "teaser",
        "tease",
        "teased",
        "promise",
        "promised",
        "hint",
        "hinted",
        "tagline",
        "slogan",
        "catchphrase",
        "hype",
        "hyped",
    ),
    (
        "report",
        "reported",
        "reportedly",
        "rumor",
        "rumour",
        "rumored",
        "rumoured",
        "suggest",
        "tipped",
        "speculate",
        "speculated",
        "speculating",
        "speculation",
    ),
    ("work", "works", "worked", "working", "collaborate", "collaborating", "collaborated"),
    ("all", "list", "every", "overview", "everything", "summary"),
    ("year", "years", "yr", "yrs", "annual"),
    (
        "cover",
        "involve",
        "involved",
        "include",
        "span",
        "entail",
        "scope",
        "encompass",
        "contain",
        "area",
        "areas",
        "parts",
        "aspects",
    ),
    ("choose", "chose", "chosen", "pick", "picked", "select", "selected", "opt", "opted"),
    ("help", "benefit", "advantage", "boost", "improve", "improvement"),
    ("photo", "photography", "picture", "image", "imaging", "photographic"),
    ("design", "designed", "develop", "development", "engineer", "engineering"),
    (
        "expect",
        "expected",
        "due",
        "plan",
        "planned",
        "scheduled",
        "upcoming",
        "future",
        "supposed",
        "slated",
    ),
    ("delay", "delayed", "postpone", "postponed", "pushed"),
    ("bring", "brought", "hire", "hired", "hiring", "recruit", "recruited", "recruiting"),
    (
        "challenge",
        "challenges",
        "problem",
        "problems",
        "trouble",
        "troubles",
        "difficulty",
        "difficulties",
        "struggle",
        "struggles",
        "struggling",
    ),
    ("1", "one", "first", "1st"),
    ("2", "two", "second", "2nd"),
    ("3", "three", "third"),
    ("4", "four", "fourth"),
    ("5", "five"),
)

# Words that are never typos of something else: nationalities, countries, months and counts
# (a base that never says "Finnish" must not read it as "finish").
KNOWN_WORDS = frozenset(
    """german germany swedish sweden chinese china japanese japan korean korea american usa
    finnish finland french france british uk swiss switzerland indian india taiwanese taiwan
    dutch netherlands italian italy european europe asian asia nordic
    january february march april may june july august september october november december
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred
    spring summer autumn fall winter percent price
    last lasted lasting long longer year years month months
    newer newest older oldest earlier earliest later latest first
    who whom whose what which when where why how""".split()
)

_SHORT_FUNCTION_WORDS = sorted(
    {"who", "what", "when", "where", "why", "how", "which", "does", "did", "the", "and", "with"}
)

# Corrections remembered per analyzer (typos repeat); the cache empties when it is full.
_CORRECTIONS_CACHED = 16384

_DOUBLED = re.compile(r"([bdgkmnprt])\1$")


def stem(word: str) -> str:
    """A light suffix stripper: enough for plurals and verb forms, consistent both ways."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            word = _DOUBLED.sub(r"\1", word)
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYMS:
        canonical = group[0] if group[0].startswith("?") else stem(group[0])
        for word in group:
            table[word] = canonical
            if stem(word) not in STOPWORDS:  # "founded" stems to "found", a filler word
                table.setdefault(stem(word), canonical)
    return table


_SYNONYM = _synonym_table()
_STOP_STEMS = frozenset(stem(word) for word in STOPWORDS) | STOPWORDS


@lru_cache(maxsize=1 << 16)
def canonical(word: str) -> str | None:
    """The canonical token of one word, or None for a stopword."""
    if word in _SYNONYM:
        return _SYNONYM[word]
    if word in STOPWORDS or (len(word) == 1 and word.isalpha()):
        # A lone letter is chat shorthand ("r" for are, "u" for you), never a topic.
        return None
    stemmed = stem(word)
    if stemmed in _SYNONYM:
        return _SYNONYM[stemmed]
    if stemmed in _STOP_STEMS:
        return None
    return stemmed


@dataclass(frozen=True, slots=True)
class Analysis:
    """A question as the matcher sees it."""

    tokens: tuple[str, ...]
    brands: frozenset[str]
    unknown: frozenset[str]
    devices: frozenset[str] = frozenset()

    @property
    def question_types(self) -> frozenset[str]:
        """The question words (?when, ?who …) the question asks with."""
        return frozenset(token for token in self.tokens if token in QUESTION_TOKENS)

    @property
    def content(self) -> tuple[str, ...]:
        """Tokens other than question words."""
        return tuple(token for token in self.tokens if token not in QUESTION_TOKENS)


class Analyzer:
    """Canonical tokens for a fact base: its brand and device names and its vocabulary.

    The vocabulary (what typos are corrected to) counts every word of the texts added, so that
    removing a text forgets the words only it used: after any sequence of `add_texts` and
    `remove_texts` the analyzer reads questions exactly as one built from the remaining texts.
    """

    def __init__(
        self,
        brands: Iterable[Brand],
        vocabulary_texts: Iterable[str] = (),
        known_tokens: Container[str] | None = None,
    ) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._brand_tokens: dict[str, str] = {}
        for brand in brands:
            self._brand_tokens[brand.id] = brand.id
            for name in brand.names:
                self._add_phrase(name, (brand.id,))
            for device in brand.devices:
                replacement = tuple(words(device.name))
                if brand.id not in replacement:
                    replacement = (brand.id, *replacement)
                for name in (device.name, *device.aliases):
                    self._add_phrase(name, replacement)
        # The widest phrase that starts with each word: most words start none.
        self._phrase_starts: dict[str, int] = {}
        for key in self._phrases:
            self._phrase_starts[key[0]] = max(self._phrase_starts.get(key[0], 0), len(key))
        self._static = frozenset(STOPWORDS) | frozenset(_SYNONYM) | KNOWN_WORDS | _IDIOM_WORDS
        self._static |= {word for key in self._phrases for word in key}
        self._counts: Counter[str] = Counter()
        self.vocabulary: set[str] = set(self._static)
        # Correction candidates (words of three letters or more) by length, each list sorted.
        self._by_length: dict[int, list[str]] = {}
        for word in self.vocabulary:
            self._file(word)
        for bucket in self._by_length.values():
            bucket.sort()
        self._corrections: dict[str, str] = {}
        # Tokens that entries use: a query token outside them is unknown to the base.
        self.known_tokens: Container[str] = set() if known_tokens is None else known_tokens
        self.add_texts(vocabulary_texts)

    def _add_phrase(self, name: str, replacement: tuple[str, ...]) -> None:
        key = tuple(words(name))
        if key:
            self._phrases[key] = replacement
        joined = ("".join(key),)
        if len(key) > 1 and joined not in self._phrases:
            self._phrases[joined] = replacement

    def _file(self, word: str, *, keep_sorted: bool = False) -> None:
        if len(word) < 3:
            return
        bucket = self._by_length.setdefault(len(word), [])
        if keep_sorted:
            bisect.insort(bucket, word)
        else:
            bucket.append(word)

    def add_texts(self, texts: Iterable[str]) -> None:
        """Add the words of texts (questions, answers) to the vocabulary."""
        for text in texts:
            self.add_words(words(text))

    def add_words(self, text_words: Iterable[str]) -> None:
        """Add the words of one text, as `bot.facts.text.words` splits it, to the vocabulary."""
        counts = self._counts
        for word in text_words:
            counts[word] += 1
            if word not in self.vocabulary:
                self.vocabulary.add(word)
                self._file(word, keep_sorted=True)
                self._corrections.clear()

    learn = add_texts

    @property
    def word_counts(self) -> Counter[str]:
        """How often each word was added (`add_words`), less those taken back."""
        return self._counts

    def add_counts(self, counts: Mapping[str, int]) -> None:
        """`add_words` of words counted elsewhere (`word_counts` of another analyzer)."""
        for word, count in counts.items():
            self._counts[word] += count
            if word not in self.vocabulary:
                self.vocabulary.add(word)
                self._file(word, keep_sorted=True)
                self._corrections.clear()

    def remove_texts(self, texts: Iterable[str]) -> None:
        """Take back the words of texts given to `add_texts`: words no text uses are forgotten."""
        counts = self._counts
        removed = False
        for text in texts:
            for word in words(text):
                counts[word] -= 1
                if counts[word] > 0:
                    continue
                del counts[word]
                if word in self._static:
                    continue
                self.vocabulary.discard(word)
                if len(word) >= 3:
                    bucket = self._by_length[len(word)]
                    del bucket[bisect.bisect_left(bucket, word)]
                removed = True
        if removed:
            self._corrections.clear()

    def _correct(self, word: str) -> str:
        """The vocabulary word a typo most likely meant, or the word itself."""
        if word in self.vocabulary or len(word) < 3 or not word.isalpha():
            return word
        if word in OPERATOR_WORDS:
            return word  # "shorter" is not a typo of "shooter", nor "only" of anything
        found = self._corrections.get(word)
        if found is None:
            found = self._closest(word)
            if found in STOPWORDS and OSA.distance(word, found) > 1:
                # A word two letters from a filler ("founding", "finding") is a word, not a typo
                # of one: correcting it would drop what the question asks.
                found = word
            named = self.brand_of(canonical(found) or found) is not None
            if _negates(word, found) or not (named or _same_start(word, found)):
                # "unsuccessful" is the opposite of "successful", not its typo; and a typo of
                # a word keeps its first letter ("droping" is not "growing"), of a name not always.
                found = word
            if len(self._corrections) >= _CORRECTIONS_CACHED:
                self._corrections.clear()
            self._corrections[word] = found
        return found

    def _closest(self, word: str) -> str:
        if len(word) == 3:
            # Three letters are too few to guess a content word; chat spellings of
            # function words ("wat", "wen", "hw") are common and safe to read.
            found = process.extractOne(
                word, _SHORT_FUNCTION_WORDS, scorer=Levenshtein.distance, score_cutoff=1
            )
            return found[0] if found else word
        cutoff = 80 if len(word) >= 5 else 85
        # The best ratio over the whole sorted vocabulary, the first of equals: only words
        # whose length allows the cutoff can reach it (ratio <= 200 * shorter / (sum)).
        best: tuple[float, str] | None = None
        size = len(word)
        for length, bucket in self._by_length.items():
            if 200 * min(size, length) < cutoff * (size + length) or not bucket:
                continue
            close = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
            if close and (best is None or (-close[1], close[0]) < (-best[0], best[1])):
                best = (close[1], close[0])
        return best[1] if best else word

    def corrected(self, raw: list[str]) -> list[str]:
        """Words with their typos corrected to the vocabulary, as `analyse` reads them."""
        return [self._correct(word) for word in raw]

    def brand_of(self, token: str) -> str | None:
        """The brand id a token stands for, if it is one."""
        return self._brand_tokens.get(token)

    def mentions(self, raw: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Brand and device names in corrected words: (start, width, the tokens they stand for).

        A brand alone stands for its id; a device for its brand's id followed by its model words.
        """
        found = []
        position = 0
        while position < len(raw):
            phrase = (
                self._phrase_at(raw, position) if raw[position] in self._phrase_starts else None
            )
            if phrase:
                found.append((position, phrase[1], phrase[0]))
                position += phrase[1]
            else:
                position += 1
        return found

    def analyse(self, text: str, *, correct: bool = True) -> Analysis:
        """Canonical tokens, brands mentioned and unknown words of a text."""
        return self.analyse_words(words(text), correct=correct)

    def analyse_words(self, raw: list[str], *, correct: bool = True) -> Analysis:
        """`analyse` for a text already split by `bot.facts.text.words`."""
        if correct:
            raw = [self._correct(word) for word in raw]
        tokens, brands, devices = self.scan(raw)
        unique = tuple(dict.fromkeys(tokens))
        unknown = frozenset(
            token
            for token in unique
            if token not in QUESTION_TOKENS
            and token not in self.known_tokens
            and token not in brands
        )
        return Analysis(unique, frozenset(brands), unknown, frozenset(devices))

    def scan(self, raw: list[str]) -> tuple[list[str], set[str], set[str]]:
        """The tokens of words as they stand (repeats kept), the brands and devices named."""
        tokens: list[str] = []
        brands: set[str] = set()
        devices: set[str] = set()
        position = 0
        phrase_starts = self._phrase_starts
        while position < len(raw):
            word = raw[position]
            idiom = self._idiom_at(raw, position) if word in _PHRASES_BY_FIRST else None
            if idiom:
                idiom_token, width = idiom
                # "see eye to eye" is "agree", as the word itself is read.
                tokens.append(canonical(idiom_token) or idiom_token)
                position += width
                continue
            phrase = self._phrase_at(raw, position) if word in phrase_starts else None
            if phrase:
                replacement, width = phrase
                for word in replacement:
                    if word in self._brand_tokens:
                        brands.add(word)
                        tokens.append(word)
                    elif (token := canonical(word)) is not None:
                        devices.add(token)
                        tokens.append(token)
                position += width
                continue
            token = canonical(word)
            if token is not None:
                tokens.append(token)
            position += 1
        return tokens, brands, devices

    def _phrase_at(self, raw: list[str], position: int) -> tuple[tuple[str, ...], int] | None:
        widest = self._phrase_starts.get(raw[position], 0)
        for width in range(min(widest, len(raw) - position), 0, -1):
            key = tuple(raw[position : position + width])
            if key in self._phrases:
                return self._phrases[key], width
        return None

    @staticmethod
    def _idiom_at(raw: list[str], position: int) -> tuple[str, int] | None:
        for phrase, token in _PHRASES_BY_FIRST.get(raw[position], ()):
            if tuple(raw[position : position + len(phrase)]) == phrase:
                return token, len(phrase)
        return None


_NEGATIVE_PREFIXES = ("un", "non", "dis", "in", "im", "ir", "il")


def _negates(word: str, found: str) -> bool:
    """Whether a word is another with a negative prefix ("unsuccessful", "inactive")."""
    return found != word and any(word == prefix + found for prefix in _NEGATIVE_PREFIXES)


def _same_start(word: str, found: str) -> bool:
    """Whether a correction keeps the word's first letter (or swaps its first two)."""
    return found[:1] == word[:1] or found[:2] == word[1::-1][:2]

"""Reading a question into parts: which brands, what form, what it presumes. Pure rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.lexicon.language import foreign_language, preload
from bot.engine.lexicon.operators import (
    DIRECTIONS,
    EMPTY_WORDS,
    NEGATORS,
    OPERATOR_WORDS,
    OPPOSITES,
    SET_ASIDE_WORDS,
    Operator,
    operators_of,
)
from bot.engine.words import QUESTION_TOKENS, STOPWORDS, Analysis, Analyzer, canonical
from bot.facts.models import Brand, BrandKind, Partnership, PartnershipStatus
from bot.facts.text import fold, plain, words

# Chat that is not a question: greetings, thanks, praise, acknowledgements, laughter.
GREETINGS = frozenset("hi hello hey heya hiya yo sup howdy greetings morning evening gm".split())
THANKS = frozenset("thanks thank thx ty tysm tyvm cheers appreciate appreciated".split())
PRAISE = frozenset(
    """great good nice cool awesome amazing perfect neat sweet brilliant excellent wonderful
    fantastic helpful interesting wow love lovely superb impressive dope sick based legend
    goat""".split()
)
ACKNOWLEDGEMENTS = frozenset(
    """ok okay k kk sure yes yeah yep yup no nope nah alright fine gotcha understood right
    noted bye goodbye cya later gn night lol lmao rofl haha hahaha hehe xd lmfao oh ah hmm
    ugh meh""".split()
)
_CHAT_CORE = GREETINGS | THANKS | PRAISE | ACKNOWLEDGEMENTS
# Words that may stand beside chat without making it a question ("thanks bot, that's great").
_CHAT_FILLER = frozenset(
    """bot camerabot you u ya man mate dude bro guys all very so much that thats it its is was
    this really a the for and again lot lots ton info answer work job buddy friend pal there
    too as always one""".split()
)
HELP_WORDS = frozenset("help commands command usage".split())
# Words of a part that is small talk beside a question ("ok cool.", "thanks for that.").
_SMALL_TALK_WORDS = (
    _CHAT_CORE | _CHAT_FILLER | EMPTY_WORDS | frozenset("everyone everybody all here".split())
)
# Greetings asked as questions, as read ("what's up" is read "what is up").
_SMALL_TALK_QUESTIONS = frozenset(
    tuple(phrase.split())
    for phrase in (
        "how are you",
        "how are you doing",
        "how are u",
        "how is it going",
        "how it going",
        "how are things",
        "what is up",
        "what is new",
        "you there",
        "are you there",
    )
)
# The most questions one message is read as (each costs a search); the rest are named unread.
MAX_PARTS = 4
# The most words a message may hold to be read at all: four questions of a long sentence each.
# Past it the reader would spend tens of milliseconds on words it could not answer together.
MAX_WORDS = 80

# Words people put before a question ("yo does…", "hey bot, is…") that do not change it.
_LEAD_FILLERS = frozenset(
    """yo hey hi hello so ok okay um uh umm pls please plz bot camerabot quick question q btw
    also and but well lol guys hmm wait oh ah dear sorry excuse me folks tell""".split()
)
# Tokens of the operator words no rule reads as content ("shorter", "sole", "nor"): the operator
# rules read them through `Part.operators`. Words such as "first", "over" or "said" stay: their
# tokens ("1", "end", "say") are content too.
_OPERATOR_TOKENS = frozenset(
    canonical(word) or word
    for word in """shorter longer fewer less nor neither sole solely exclusive exclusively
    exclusivity until till unsuccessful flop flopped""".split()
) | frozenset(canonical(word) or word for word in NEGATORS)
# Greetings of two words before a question ("good morning, does Vivo use Zeiss?").
_GREETING_PAIRS = frozenset(
    ("good", time) for time in ("morning", "afternoon", "evening", "day", "night")
)
# Chat words dropped anywhere in a question: they carry tone, not content.
CHATTER = frozenset(
    """lmk ngl tbh bruh fr kinda sorta idk imo imho lol lmao pls plz please yo bro dude fam yall
    sooo soo ok okay um uh umm hmm btw tho fyi hey guys bot camerabot anyone somebody xd
    idiot idiots stupid dumb moron useless""".split()
)
# Chat spellings and contractions, read as the words they stand for ("who's" is split as whos).
_SPELLINGS: Mapping[str, tuple[str, ...]] = {
    "whos": ("who", "is"),
    "whats": ("what", "is"),
    "wheres": ("where", "is"),
    "hows": ("how", "is"),
    "whens": ("when", "is"),
    "whys": ("why", "is"),
    "w": ("with",),
    "n": ("and",),
    "abt": ("about",),
    "u": ("you",),
    "ur": ("your",),
    "r": ("are",),
    "smth": ("something",),
    "sth": ("something",),
    "rn": ("now",),
    "atm": ("now",),
    "b4": ("before",),
    "wat": ("what",),
    "wut": ("what",),
    "lensmaker": ("lens", "maker"),
    "lensmakers": ("lens", "makers"),
    "phonemaker": ("phone", "maker"),
    "phonemakers": ("phone", "makers"),
    "cameramaker": ("camera", "maker"),
    "cameramakers": ("camera", "makers"),
    "cuz": ("because",),
    "bc": ("because",),
    "coz": ("because",),
    "bcuz": ("because",),
    "becuz": ("because",),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "yrs": ("years",),
    "yr": ("year",),
    "fone": ("phone",),
    "fones": ("phones",),
}
_DROPS = {"dropping": "launching", "drops": "launches", "drop": "launch"}
_MAKER_NOUNS = frozenset(
    "camera cameras company companies brand brands maker makers firm firms manufacturer".split()
)
# Two words that mean one ("old-school" is split as old school, and is not "old" as in ended).
_BIGRAMS: Mapping[tuple[str, str], str] = {
    ("old", "school"): "legacy",
    ("co", "developed"): "developed",
}
# Words people often mistype by a swapped or dropped letter ("wiht", "whcih"): read by
# transposition-aware distance before the vocabulary's own correction.
_COMMON_WORDS = tuple(
    """which what when where with does have were there their about phone phones partner first
    partners partnered camera cameras brand brands company name""".split()
)
_AUXILIARIES = frozenset(
    """is are was were do does did has have had will would can could should isnt arent wasnt
    werent dont doesnt didnt hasnt havent hadnt wont wouldnt cant couldnt shall""".split()
)
_WH = frozenset("who whom whose what which when where why how".split())
# Chat words the reader knows, for telling English from another language.
_KNOWN_CHAT = (
    CHATTER | _LEAD_FILLERS | _CHAT_CORE | _CHAT_FILLER | _AUXILIARIES | _WH | frozenset(_SPELLINGS)
)
# Tags that turn a statement into a yes/no question.
TAGS = frozenset("right correct true yeah innit isnt".split())
# Words read as the token "1" that are not the pronoun "one".
_FIRST_SPELLINGS = frozenset({"1", "first", "1st"})
# Joining words before a second question ("…and why did they split", "…, also who…").
_JOINS = frozenset("and also plus but then".split())
# Tails that make a yes/no question sound casual, not an either/or ("…or nah", "…or not").
_CASUAL_OR = frozenset("nah not no nope what smth something anything sth".split())

# Time and status words that matter to partnerships but are fillers to the matcher.
CURRENT = frozenset(
    """still now currently current today presently anymore longer yet lately nowadays days
    moment back""".split()
)
PAST = frozenset(
    """before previous previously earlier former formerly past prior used old ex once ever
    originally""".split()
)
LATEST = frozenset("latest new newest recent recently".split())
# Asking whether the first phone is out yet.
ALREADY = frozenset("already yet out launched released available".split())

LIST_WORDS = frozenset("list name names every all each mentioned named enumerate".split())
_KIND_TOKENS = frozenset({"maker", "phon", "partner"})
_LISTING = frozenset("mentioned named listed article source sources there exist covered".split())
COMPARE_WORDS = frozenset(
    "differ different difference differences compare compared comparison vs versus common".split()
)

# Countries: each key with its adjective and the words that name it ("German", "Germany").
COUNTRIES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "germany": ("German", ("german", "germany")),
    "sweden": ("Swedish", ("swedish", "sweden", "swede")),
    "china": ("Chinese", ("chinese", "china")),
    "japan": ("Japanese", ("japanese", "japan")),
    "south korea": ("South Korean", ("korean", "korea")),
    "united states": ("American", ("american", "usa", "us", "america")),
    "finland": ("Finnish", ("finnish", "finland")),
    "france": ("French", ("french", "france")),
    "united kingdom": ("British", ("british", "uk", "britain")),
    "switzerland": ("Swiss", ("swiss", "switzerland")),
    "india": ("Indian", ("indian", "india")),
    "taiwan": ("Taiwanese", ("taiwanese", "taiwan")),
    "netherlands": ("Dutch", ("dutch", "netherlands")),
    "italy": ("Italian", ("italian", "italy")),
}
# A nationality or country word, and the country key it names.
NATIONALITIES: Mapping[str, str] = {
    word: key for key, (_, names) in COUNTRIES.items() for word in names
}
# A country as brands.yaml may write it, folded, to its key ("Germany", "USA", "Korea").
COUNTRY_KEYS: Mapping[str, str] = {
    **{key: key for key in COUNTRIES},
    **NATIONALITIES,
    "united states of america": "united states",
}
MONTHS: Mapping[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march",),
            ("april", "apr"),
            ("may",),
            ("june",),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Seasons as months (the northern hemisphere's, as the sources' markets write them).
SEASONS: Mapping[str, tuple[int, ...]] = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "fall": (9, 10, 11),
    "winter": (12, 1, 2),
}
# Canonical tokens that name a kind of maker.
CAMERA_TOKENS = frozenset({"camera", "cam"})
PHONE_TOKENS = frozenset({"phon"})
MAKER_TOKENS = frozenset({"maker"})

# Phone and camera makers people ask about that a fact base may not know. A name here that the
# base does know is read as that brand; one it does not know makes the question about a brand
# the sources never mention (refused, never answered with another brand's facts).
OTHER_MAKERS = frozenset(
    """samsung apple iphone google pixel oppo realme motorola moto nokia sony xperia honor asus
    rog lenovo lg htc tecno infinix meizu zte nubia redmi poco iqoo fairphone blackberry
    canon nikon fujifilm fuji olympus pentax panasonic lumix ricoh sigma tamron kodak polaroid
    schneider gopro dji leitz""".split()
)


class Form(StrEnum):
    """The shape of one question."""

    YES_NO = "yes-no"
    EITHER_OR = "either-or"
    WH = "wh"
    LIST = "list"
    COMPARE = "compare"
    PLAIN = "plain"


@dataclass(frozen=True, slots=True)
class Part:
    """One question of a message, read."""

    words: tuple[str, ...]
    analysis: Analysis
    brands: tuple[str, ...]
    form: Form
    wh: str | None = None
    described: frozenset[str] = frozenset()
    unknown_brands: tuple[str, ...] = ()
    options: tuple[tuple[str, ...], ...] = ()
    inherited: bool = False
    # The question's content tokens that are neither brands, devices nor question words.
    residual: frozenset[str] = frozenset()
    countries: tuple[str, ...] = ()
    months: tuple[int, ...] = ()
    # An elliptic part ("…, and OnePlus?"): the previous words, other brands.
    repeated: bool = False
    # Brands the question sets aside: "before Xiaomi", "besides Leica", "other than Zeiss".
    excluded: tuple[str, ...] = ()
    # Phones the question names, each as its brand id and model words ("huawei", "p30", "pro").
    devices: tuple[tuple[str, ...], ...] = ()
    # People it names, or finds by their role ("Xiaomi's CEO"): (brand id, name, by role).
    people: tuple[tuple[str, str, bool], ...] = ()
    # Positions of the words that describe a brand ("German", "camera", "maker").
    description: frozenset[int] = frozenset()
    # A description no recorded brand fits: "a Chinese phone maker" (the sources name none).
    unresolved: str = ""
    # "Does Vivo not work with Zeiss?": a yes or a no would read the wrong way round.
    negated: bool = False
    # A count compared, not stated: "more than three years" (">"), "under ten" ("<").
    comparison: str = ""
    # A part that only names a brand by description ("the brand that left Huawei, who's it
    # with now?"): the topic of the next part, not a question of its own.
    topic: bool = False
    # Phones it names that the base does not know ("Xiaomi 13").
    unknown_devices: tuple[str, ...] = ()
    # Lengths in years it names ("four years", "10 yrs") and calendar years ("in 2022").
    durations: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    # "the latest one", "has one": "one" stands for a noun, it counts nothing.
    pronoun_one: bool = False
    # "was that a leica phone?" with nothing before it: its subject names nothing read.
    dangling: bool = False

    @property
    def text(self) -> str:
        """The part's words, as read; a pronoun "one" is no count for the matcher to find."""
        return " ".join(w for w in self.words if not (self.pronoun_one and w == "one"))

    @property
    def operators(self) -> frozenset[Operator]:
        """The operator words it holds, by meaning (bot/engine/lexicon/operators.py)."""
        return _operators_of(self.words)

    @property
    def compares(self) -> bool:
        """Whether a brand is named only to compare with it ("… like OnePlus?", "unlike Vivo")."""
        words = self.words
        return any(
            words[at - 1] in _COMPARING and words[at] in self.brands for at in range(1, len(words))
        )

    def says(self, vocabulary: Iterable[str]) -> bool:
        """Whether any of these words is in the part."""
        return not frozenset(vocabulary).isdisjoint(self.words)


@dataclass(frozen=True, slots=True)
class Reading:
    """A message read: small talk, a call for help, or one or more questions."""

    parts: tuple[Part, ...] = ()
    chat: str | None = None  # "greeting", "thanks", "praise", "ack" or "help" for small talk
    # Questions past MAX_PARTS in one message, left unanswered (and said so).
    unread: int = 0


# Words between "is Xiaomi" and the kind it is asked to be ("is Xiaomi a legacy camera maker").
_KIND_FILLERS = frozenset("a an the legacy traditional real actual also itself".split())
_KIND_FILLERS |= frozenset(NATIONALITIES)
_MAKES = frozenset("make makes made build builds built produce produces design designs".split())


def asked_kind(part: Part, brand_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """The brand a yes/no part asks to be a kind of maker, and the kind ("camera", "phone").

    "Is Xiaomi the camera maker in this partnership?" asks what Xiaomi is, not whom it works
    with: a pair rule's or a fact's "Yes" about the partnership would answer another question.
    """
    said = part.words
    for index, word in enumerate(said):
        brand = brand_of(word)
        if brand is None:
            continue
        before, after = _at(list(said), index - 1) if index else "", _at(list(said), index + 1)
        if before not in ("is", "was") and after not in ("is", "was") and after not in _MAKES:
            continue
        if after in _MAKES and canonical(_at(list(said), index + 2)) in CAMERA_TOKENS:
            return brand, "camera"  # "does OnePlus make cameras for Hasselblad?"
        at = index + 1 + (after in ("is", "was"))
        while at < len(said) and said[at] in _KIND_FILLERS:
            at += 1
        kind = canonical(_at(list(said), at))
        if kind in CAMERA_TOKENS | PHONE_TOKENS and canonical(_at(list(said), at + 1)) == "maker":
            return brand, "camera" if kind in CAMERA_TOKENS else "phone"
    return None


def small_talk(part: Part) -> bool:
    """Whether a part of a message is small talk beside its questions ("hello there", "cool").

    Only words of chat, with no question form, or a greeting question ("how are you?").
    """
    if (part.brands and not part.inherited) or part.devices or part.people or part.unknown_brands:
        return False
    if part.words in _SMALL_TALK_QUESTIONS:
        return True
    return part.form is Form.PLAIN and not part.wh and set(part.words) <= _SMALL_TALK_WORDS


_QUANTIFIERS = frozenset("both all each every either".split())


@lru_cache(maxsize=256)
def _operators_of(words: tuple[str, ...]) -> frozenset[Operator]:
    """`operators_of`, once a part: rules and the engine ask a part for them several times.

    "Does Vivo work with Hasselblad too?" asks the pair as it is: "also" and "too" narrow
    nothing; "other" or "besides" set a partner aside, which the rules must read. "Either"
    before "or" is the form of a choice.
    """
    found = operators_of(words)
    if Operator.ADDITIVE in found and SET_ASIDE_WORDS.isdisjoint(words):
        found -= {Operator.ADDITIVE}
    if Operator.QUANTIFIER in found and "or" in words and _QUANTIFIERS & set(words) == {"either"}:
        found -= {Operator.QUANTIFIER}  # "either … or" is the form of a choice, no quantity
    return found


def chat_kind(raw: list[str]) -> str | None:
    """The kind of small talk a message is, or None when it may be a question."""
    if not raw:
        return None
    core = [word for word in raw if word in _CHAT_CORE or word in HELP_WORDS]
    if not core or any(
        word not in _CHAT_CORE and word not in _CHAT_FILLER and word not in HELP_WORDS
        for word in raw
    ):
        if raw[-1:] == ["help"] or raw in (
            ["what", "can", "you", "do"],
            ["how", "does", "it", "work"],
        ):
            return "help"
        return None
    if any(word in HELP_WORDS for word in raw):
        return "help"
    for kind, vocabulary in (("thanks", THANKS), ("greeting", GREETINGS), ("praise", PRAISE)):
        if any(word in vocabulary for word in raw):
            return kind
    return "ack"


NUMBER_WORDS: Mapping[str, int] = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
YEAR = re.compile(r"(19|20)[0-9]{2}")
_YEAR_UNITS = frozenset({"year", "years", "yr", "yrs"})


def number_of(word: str) -> int | None:
    """A small count written in digits or words ("4", "four"), else None."""
    if word.isascii() and word.isdigit() and len(word) <= 2:
        return int(word)
    return NUMBER_WORDS.get(word)


def durations(raw: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """The lengths in years a text names: "four years", "10 yrs", "shorter than a year"."""
    found = []
    for index, word in enumerate(raw[:-1]):
        number = number_of(word)
        if number is not None and raw[index + 1] in _YEAR_UNITS:
            found.append(number)
        elif word in ("a", "one") and raw[index + 1] in _DECADES:
            found.append(10)  # "like a decade"
        elif (
            word == "a"
            and raw[index + 1] in _YEAR_UNITS
            and raw[index - 1 : index]
            and (raw[index - 1] in _BEFORE_A_YEAR)
        ):
            found.append(1)  # "shorter than a year", "just for a year": not "a year ago"
    return tuple(dict.fromkeys(found))


_DECADES = frozenset({"decade", "decades"})
# Words before "a year" that make it a length: compared ("than a year") or a term ("for a year").
_BEFORE_A_YEAR = frozenset({"than", "for", "over", "under", "about", "around", "just", "only"})


def _common(word: str) -> str:
    """A common word one swap or slip away ("wiht" is "with"), else the word itself."""
    if len(word) < 4 or not word.isalpha() or word in _COMMON_WORDS or word in OPERATOR_WORDS:
        return word
    found = process.extractOne(word, _COMMON_WORDS, scorer=OSA.distance, score_cutoff=1)
    return found[0] if found else word


def normalised(raw: list[str]) -> list[str]:
    """Words with chat spellings spelled out and chatter dropped ("…or nah" keeps its "nah")."""
    spelled = [word for raw_word in raw for word in _SPELLINGS.get(raw_word, (raw_word,))]
    for index in range(len(spelled) - 1):
        if (spelled[index], spelled[index + 1]) in _BIGRAMS:
            spelled[index : index + 2] = [_BIGRAMS[spelled[index], spelled[index + 1]], ""]
    spelled = [word for word in spelled if word]
    # "the phone is dropping this summer" is launching; "Leica dropped Huawei" is ending.
    if any(canonical(word) == "phon" for word in spelled):
        spelled = [_DROPS.get(word, word) for word in spelled]
    # "an old camera company" is a legacy one; "Leica's old partner" is a former one.
    spelled = [
        "legacy"
        if word == "old" and index + 1 < len(spelled) and _MAKER_NOUNS & {spelled[index + 1]}
        else word
        for index, word in enumerate(spelled)
    ]
    while spelled[:2] in (["can", "you"], ["could", "you"], ["would", "you"], ["will", "you"]):
        # "can you list…" asks for the list, not whether the bot can.
        spelled = spelled[2:]
    kept = [
        word
        for index, word in enumerate(spelled)
        if word not in CHATTER or (index and spelled[index - 1] == "or")
    ]
    return kept or spelled


def _contentless(piece: list[str]) -> bool:
    """Whether a piece asks nothing of its own ("wat was it", "why?"): it belongs to the last."""
    return len(piece) <= 3 and all(
        w in STOPWORDS or w in _WH or w in CHATTER or w in _SPELLINGS for w in piece
    )


_LABELS = frozenset({"question", "q", "qn"})


def _unlabelled(raw: list[str]) -> list[str]:
    """A question less the label before it: "sceptic question: does vivo work with zeiss?"."""
    for index, word in enumerate(raw[:3]):
        if word in _LABELS and index + 1 < len(raw) and raw[index + 1] in _AUXILIARIES | _WH:
            return raw[index + 1 :]
    return raw


# What may join brands named as a question's options before a colon ("Xiaomi and Leica: …").
_OPTION_JOINS = frozenset({"and", "or", "vs", "versus", "x"})
# Words after a colon that refer back to what stood before it ("the p50: did it have Leica?").
_BACK_REFERENCES = frozenset("it its they them their that this those these he she his her".split())


def _before_colon(question: str, brand_of: Callable[[str], str | None]) -> str:
    """A question after a colon, with what stands before it read as a label or its options.

    "writing a school report: which brands…" asks what follows the label, which names no brand
    and to which nothing after it refers; "Xiaomi and Leica: whose boss said…?" names the
    brands a wh-question chooses among ("out of Xiaomi and Leica, whose…"). Anything else is
    read as typed.
    """
    head, colon, rest = question.partition(":")
    if not colon or "?" in head:
        return question
    head_words, rest_words = normalised(words(head)), normalised(words(rest))
    if not head_words or len(head_words) > 6 or len(rest_words) < 3:
        return question
    if "," in " ".join(rest.split()[:3]):
        return question  # "…the first device: when, what, details": a list of what to tell
    if rest_words[0] not in _WH | _AUXILIARIES:
        return question
    brands = [w for w in head_words if brand_of(w) is not None]
    persona = head_words[-1] == "here" or tuple(head_words[:2]) in _PERSONA_OPENINGS
    if persona or (not brands and not _BACK_REFERENCES & set(rest_words[:6])):
        return rest.strip()
    if len(brands) >= 2 and rest_words[0] in _WH and set(head_words) <= {*brands, *_OPTION_JOINS}:
        return f"out of {head.strip()}, {rest.strip()}"
    return question


_CONJOINED_FILLERS = frozenset({"with", "and", "to", "for"})


def _conjoined(
    piece: tuple[list[str], bool], brand_of: Callable[[str], str | None]
) -> list[tuple[list[str], bool]]:
    """Two pair claims joined by "and", as two questions.

    "is OnePlus with Zeiss and Vivo with Hasselblad?" asks "is OnePlus with Zeiss?" and "is Vivo
    with Hasselblad?": the second claim takes the words of the first around its brands, and the
    tag after it ("…, right?") asks of both.
    """
    raw, asked = piece
    if "and" not in raw:
        return [piece]
    at = raw.index("and")
    left, right = raw[:at], raw[at + 1 :]
    left_brands = [i for i, w in enumerate(left) if brand_of(w) is not None]
    right_brands = [i for i, w in enumerate(right) if brand_of(w) is not None]
    if len(left_brands) != 2 or len(right_brands) != 2 or right_brands[0] != 0:
        return [piece]
    tag = right[right_brands[1] + 1 :]
    between = right[1 : right_brands[1]]
    if not set(tag) <= TAGS or not set(between) <= _CONJOINED_FILLERS:
        return [piece]
    second = list(left)
    second[left_brands[0]], second[left_brands[1]] = right[0], right[right_brands[1]]
    return [([*left, *tag], asked), ([*second, *tag], asked)]


def _names_nothing(part: Part) -> bool:
    """Whether a part speaks of the asker ("reseller here", "i keep hearing…") and names nothing."""
    named = (
        part.analysis.brands,
        part.devices,
        part.people,
        part.unknown_brands,
        part.unknown_devices,
        part.countries,
        part.months,
        part.years,
        part.description,
    )
    if part.wh is not None:
        return False
    # "p50 owner here", "as a vivo owner", "i'm a huawei fan": who asks, whatever it names, and
    # whatever the "?" that ends the message makes of its form.
    if part.words[-1:] == ("here",) or part.words[:2] in _PERSONA_OPENINGS:
        return True
    about_asker = bool(_ASKER & set(part.words))
    return about_asker and part.form is Form.PLAIN and not any(named)


# Words that open a clause about the asker after a comma ("…, i keep hearing other names").
_ASKER = frozenset("i im ive my me".split())
_PERSONA_OPENINGS = frozenset(
    {("as", "a"), ("as", "an"), ("im", "a"), ("im", "an"), ("i", "am"), ("i", "own")}
)


# Pronouns that take up a topic set before a comma ("mi 11 ultra, was that a leica phone?").
_DISLOCATED_PRONOUNS = frozenset("that this it they those these".split())


def _dislocated(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """The words before a topic and the topic a pronoun after the comma stands for, if any.

    "mi 11 ultra, was that one of the leica phones?" asks whether the Mi 11 Ultra was: read in
    two parts, "was that…" would be answered of nothing it names. A topic is words without a
    verb or question word; the greetings before it stay where they are.
    """
    following = [w for token in after for w in normalised(words(token))]
    if len(following) < 2 or following[1] not in _DISLOCATED_PRONOUNS:
        return before, []
    at = 0
    while at < len(before) and (before[at] in EMPTY_WORDS or before[at] in CHATTER):
        at += 1
    named = before[at:]
    verbs = _AUXILIARIES | _WH | _VERBS
    if not named or named[0] in _JOINS:
        return before, []
    if any(w in verbs or _SPELLINGS.get(w, ("",))[0] in verbs for w in named):
        return before, []
    return before[:at], named


# Words after "is it" that make "it" a dummy subject ("is it true that…"), not a reference.
_DUMMY_IT_FOLLOWERS = frozenset(
    "true right correct so possible likely official confirmed known accurate fair real".split()
)

_CLEFT_ADVERBS = frozenset("only just really actually also even solely".split())


def _dangling(raw: list[str], brand_of: Callable[[str], str | None]) -> bool:
    """Whether a yes/no question's subject is a pronoun nothing before it names.

    "was that one of the leica phones?" asks of a phone it does not name: a yes about Leica
    would answer another question. "is it true that…" and "was it Huawei that…" name theirs.
    """
    if len(raw) < 2 or raw[0] not in _AUXILIARIES or raw[1] not in _DISLOCATED_PRONOUNS:
        return False
    at = 2
    while at < len(raw) - 1 and raw[at] in _CLEFT_ADVERBS:
        at += 1  # "was it only Huawei that…" names Huawei as much as "was it Huawei that…"
    following = raw[at] if len(raw) > at else ""
    return following not in _DUMMY_IT_FOLLOWERS and brand_of(following) is None


def _pieces(question: str) -> list[tuple[list[str], bool]]:
    """The questions a message holds, as word lists, each with whether a "?" ended it."""
    pieces: list[tuple[list[str], bool]] = []
    split = re.split(r"([?;!\n]+|\.\s)", _symbols(plain(question)))
    for sentence, end in zip(split[::2], [*split[1::2], ""], strict=True):
        asked = "?" in end
        # A comma or joining word before a question word or auxiliary starts a new question.
        marked = re.sub(r",", " , ", sentence)
        current: list[str] = []
        tokens = marked.split()
        topic: list[str] = []
        for index, token in enumerate(tokens):
            following = normalised(words(tokens[index + 1])) if index + 1 < len(tokens) else []
            joined = words(token)
            starts_question = bool(following) and (
                following[0] in _WH or following[0] in _AUXILIARIES
            )
            if token == "," and following[:1] and following[0] in _ASKER and current:  # noqa: S105
                # "which one did xiaomi sign with, i keep hearing different names": the clause
                # after the comma is about the asker, read apart (and set aside if it asks nothing).
                pieces.append((current, asked))
                current = []
                continue
            if token == "," and starts_question and current:  # noqa: S105 (not a secret)
                lead, named = _dislocated(current, tokens[index + 1 : index + 3])
                if named:
                    # "mi 11 ultra, was that a leica phone?": one question, "that" is its topic.
                    current, topic = lead, named
                    continue
                pieces.append((current, asked))
                current = []
                continue
            if topic and joined and joined[0] in _DISLOCATED_PRONOUNS:
                joined, topic = [*topic, *joined[1:]], []
            if joined and joined[0] in _JOINS and starts_question and len(current) >= 2:
                pieces.append((current, asked))
                current = []
                continue
            current += joined
        if current:
            pieces.append((current, asked))
    merged: list[tuple[list[str], bool]] = []
    for piece, asked in pieces:
        if merged and piece[:1] == ["or"] and merged[-1][1] and len(piece) > 1:
            # "vivo + hasselblad? or is it zeiss": the other option of the question before.
            option = piece[3:] if piece[1:3] in (["is", "it"], ["was", "it"]) else piece[1:]
            merged[-1] = ([*merged[-1][0], "or", *option], True)
            continue
        lead = merged[-1][0] if merged else []
        aside = lead[:1] in (["besides"], ["except"], ["excluding"]) or tuple(lead[:2]) in (
            _EXCLUDING_PAIRS
        )
        if aside and piece[:1] and piece[0] in _WH:
            # "besides the p40, which huawei phones had leica?": what the question sets aside.
            merged[-1] = ([*piece, *merged[-1][0]], asked)
            continue
        if (lead[:2] == ["out", "of"] or lead[:1] == ["among"]) and piece[:1] and piece[0] in _WH:
            # "out of oneplus, vivo and xiaomi, whose partner…?": the options of the question.
            merged[-1] = ([*piece, *merged[-1][0]], asked)
            continue
        if merged and _contentless(piece):
            merged[-1] = (merged[-1][0] + piece, merged[-1][1] or asked)
        elif piece and all(piece != seen for seen, _ in merged):
            # The same question twice ("…? …?") is asked once.
            merged.append((piece, asked))
    return merged


def _symbols(text: str) -> str:
    """Symbols that carry a word: "5%" asks a percentage, "$" a price, "X = Y?" "X is Y?"."""
    carried = (("%", " percent "), ("$", " price "), ("€", " price "), ("£", " price "))
    for symbol, word in (*carried, ("=", " is ")):
        text = text.replace(symbol, word)
    return text


class Reader:
    """Reads questions against a fact base's brands and vocabulary."""

    def __init__(
        self,
        analyzer: Analyzer,
        brands: Mapping[str, Brand],
        partnerships: Iterable[Partnership] = (),
    ) -> None:
        self.analyzer = analyzer
        self.brands = brands
        # Each brand's partners, ended or current: "the phone maker Leica left" is Huawei.
        self._partners: dict[tuple[str, bool], list[str]] = {}
        for partnership in partnerships:
            ended = partnership.status is PartnershipStatus.ENDED
            for brand in (partnership.phone_maker, partnership.camera_maker):
                other = partnership.other(brand)
                self._partners.setdefault((brand, ended), []).append(other)
        self._names = {compact for brand in brands.values() for compact in _keys(brand)}
        # Each person's name as words, with their brand, and the tokens of their role.
        self._people = [
            (tuple(words(person.name)), brand.id, person.name, _role_tokens(person.role))
            for brand in brands.values()
            for person in brand.people
        ]
        preload()  # the language identifier, loaded while the bot starts, not on a question

    def __contains__(self, word: object) -> bool:
        """Whether a word is one camerabot reads: a name, its vocabulary, a function word."""
        return isinstance(word, str) and (
            self.plainly_knows(word)
            # A typo of a known word or name ("vivio zeis") is English enough.
            or self.analyzer.corrected([word])[0] in self.analyzer.vocabulary
        )

    def plainly_knows(self, word: str) -> bool:
        """`word in self` short of the typo search: a name, its vocabulary, a function word."""
        return (
            word in self.analyzer.vocabulary
            or word in STOPWORDS
            or word in OPERATOR_WORDS
            or word in _KNOWN_CHAT
            or word in NATIONALITIES
            or word in MONTHS
            or self.analyzer.brand_of(word) is not None
        )

    def read(self, question: str) -> Reading:
        """The parts of a question, or the small talk it is."""
        raw = words(question)
        if len(raw) > MAX_WORDS:
            # Read whole or not at all: past this, a message is not one question (nor four).
            return Reading(chat="too_long")
        kind = chat_kind(raw)
        if kind is not None:
            return Reading(chat=kind)
        if foreign_language(question, self, self.plainly_knows):
            return Reading(chat="foreign")
        parts: list[Part] = []
        brand_of = self.analyzer.brand_of
        question = _before_colon(question, brand_of)
        pieces = [split for p in _pieces(question) for split in _conjoined(p, brand_of)]
        # Each question costs a search: past MAX_PARTS, the rest are named, not answered.
        unread = max(0, len(pieces) - MAX_PARTS)
        chat: list[Part] = []
        for piece, asked in pieces[:MAX_PARTS]:
            part = self._part(piece, parts[-1] if parts else None, asked=asked)
            if part is not None and small_talk(part):
                # "hello there!", "how are you?": no question, and no topic for the next part.
                chat.append(part)
            elif part is not None:
                parts.append(part)
        parts = parts or chat
        # "reseller here, can i list…", "…, i keep hearing different names": a clause that
        # names nothing and asks nothing is said about the asker, not asked of the sources.
        parts = [p for p in parts if not _names_nothing(p)] or parts
        # A topic ("the brand that left Huawei, …") is asked about by the parts after it.
        asked_parts = tuple(p for p in parts if not p.topic) if len(parts) > 1 else tuple(parts)
        # Greetings, thanks and insults around a question ("hey, …", "…, idiot") are not parts.
        spoken = tuple(
            p
            for p in asked_parts
            if not set(p.words) <= EMPTY_WORDS and _source_frame(list(p.words), 0) < len(p.words)
        )
        asked_parts = spoken or asked_parts
        return Reading(asked_parts or tuple(parts), unread=unread)

    def _part(self, raw: list[str], previous: Part | None, *, asked: bool = False) -> Part | None:
        vocabulary = self.analyzer.vocabulary
        raw = [w if w in vocabulary or w in OTHER_MAKERS else _common(w) for w in normalised(raw)]
        while len(raw) > 1 and (raw[0] in _LEAD_FILLERS or tuple(raw[:2]) in _GREETING_PAIRS):
            raw = raw[2:] if tuple(raw[:2]) in _GREETING_PAIRS else raw[1:]
        raw = _unpadded(_unlabelled(raw))
        corrected = self.analyzer.corrected(raw)
        # Names the base does not know are kept as typed: correction would make them known ones.
        for index, word in enumerate(raw):
            if word in OTHER_MAKERS and word not in self._names:
                corrected[index] = word
        brands, excluded, devices, unknown_devices = self._mentions(corrected)
        # A maker the base's texts mention (a moderator's fact about it) is not unknown.
        known_tokens = self.analyzer.known_tokens
        unknown = tuple(
            dict.fromkeys(
                w
                for w in corrected
                if w in OTHER_MAKERS and w not in self._names and canonical(w) not in known_tokens
            )
        )
        people = self._people_in(corrected, brands)
        described, spans, unresolved = self._described(corrected, brands)
        related, related_spans, used = self._related(corrected)
        for brand in related:
            if brand not in described:
                described.append(brand)
        spans |= related_spans
        # A brand inside a description ("…that left Huawei") is not what "who…?" asks about;
        # "why…?" still asks about both ("Why did the phone maker Leica left end it?").
        if _wh(corrected) in {"who", "which", "what", None}:
            brands = [b for b in brands if b not in used or b in related]
        for brand in described:
            if brand not in brands:
                brands.append(brand)
        analysis = self.analyzer.analyse_words(corrected, correct=False)
        inherited = False
        if previous is not None and not brands and not unknown:
            brands, inherited = list(previous.brands), True
        elif previous is not None and _REFERS_BACK & set(corrected):
            # "Is Hasselblad Swedish and did it partner with Vivo?": "it" is Hasselblad.
            brands = [*(b for b in previous.brands if b not in brands), *brands]
        if previous is not None and _elliptic(corrected, analysis):
            # "…, and OnePlus?": the previous question again, about other brands.
            return _replace(previous, tuple(brands), unknown)
        form, wh, options = self._form_of(corrected, two_phones=len(devices) == 2, asked=asked)
        if not people and previous is not None and previous.people and _PRONOUNS & set(corrected):
            # "…and what did he say?": the person of the question before.
            people = tuple((b, n, True) for b, n, _ in previous.people)
        residual = frozenset(
            token
            for token in analysis.tokens
            if token not in QUESTION_TOKENS
            and token not in analysis.brands
            and token not in analysis.devices
            and self.analyzer.brand_of(token) is None
        )
        residual -= _pronoun_one(corrected)
        only_brands = (
            bool(brands)
            and not (set(analysis.tokens) - set(analysis.brands))
            and not any(w in _WH for w in corrected)
        )
        described_only = bool(spans) and all(
            w in STOPWORDS or w in {"that", "which", "who"} or i in spans
            for i, w in enumerate(corrected)
            if self.analyzer.brand_of(w) is None
        )
        # A yes/no question ("is OnePlus with Zeiss?") is asked, though it names only brands.
        topic = (only_brands and form is not Form.YES_NO) or described_only
        return Part(
            unresolved=unresolved,
            negated=bool(_NEGATING & set(_untagged(raw))),
            comparison=_comparison(corrected),
            topic=topic,
            words=tuple(corrected),
            analysis=analysis,
            brands=tuple(brands),
            form=form,
            wh=wh,
            described=frozenset(described),
            unknown_brands=unknown,
            options=options,
            inherited=inherited,
            excluded=tuple(excluded),
            devices=tuple(devices),
            unknown_devices=tuple(unknown_devices),
            durations=durations(corrected),
            years=tuple(dict.fromkeys(int(w) for w in corrected if YEAR.fullmatch(w))),
            # Operator words are read by the operator rules (`Part.operators`), not as content.
            residual=residual - _description_tokens(corrected) - _OPERATOR_TOKENS,
            countries=_countries(corrected, spans),
            description=frozenset(spans),
            people=people,
            months=_months(corrected),
            pronoun_one=bool(_pronoun_one(corrected)),
            dangling=previous is None and _dangling(corrected, self.analyzer.brand_of),
        )

    def _mentions(
        self, corrected: list[str]
    ) -> tuple[list[str], list[str], list[tuple[str, ...]], list[str]]:
        """The brands a question names, those it sets aside, its phones, and phones not known."""
        brands: list[str] = []
        excluded: list[str] = []
        devices: list[tuple[str, ...]] = []
        unknown_devices: list[str] = []
        for start, width, tokens in self.analyzer.mentions(corrected):
            brand = self.analyzer.brand_of(tokens[0])
            if brand and len(tokens) > 1:
                devices.append(tokens)
            following = corrected[start + width : start + width + 2]
            if brand and len(tokens) == 1 and following and _model_like(*following):
                # "Xiaomi 13": a phone the base does not know, not the brand in general.
                unknown_devices.append(f"{self.brands[brand].name} {following[0].upper()}")
            if brand and brand not in brands:
                brands.append(brand)
                if _excludes(corrected[max(0, start - 2) : start]):
                    excluded.append(brand)
        return brands, excluded, devices, unknown_devices

    def _form_of(
        self, corrected: list[str], *, two_phones: bool, asked: bool
    ) -> tuple[Form, str | None, tuple[tuple[str, ...], ...]]:
        """The question's form, its question word, and the options of an either-or."""
        form, wh, options = _form(corrected)
        if form is Form.PLAIN and _declarative(corrected, asked=asked):
            # "so huawei still uses leica cameras?" asks yes or no without an auxiliary first.
            form = Form.YES_NO
        if form in (Form.PLAIN, Form.YES_NO) and not options:
            choice = _options(corrected)
            if choice and (two_phones or all(self._names_brand(option) for option in choice)):
                # "vivo: zeiss or hasselblad?" chooses between brands.
                form, options = Form.EITHER_OR, choice
        if form is Form.EITHER_OR and len(options) == 2 and self._synonyms(*options):
            # "did Xiaomi give any specs or details?": one thing in two words, not a choice.
            form, options = Form.YES_NO, ()
        return form, wh, options

    def _synonyms(self, left: tuple[str, ...], right: tuple[str, ...]) -> bool:
        """Whether the words either side of "or" are synonyms ("specs or details").

        The same word both sides ("did Kestrel end it or did Vellum end it?") is no synonym.
        """
        if left[-1] == right[0]:
            return False
        a = self.analyzer.analyse_words([left[-1]], correct=False).tokens
        b = self.analyzer.analyse_words([right[0]], correct=False).tokens
        return bool(a) and a == b

    def _related(self, raw: list[str]) -> tuple[list[str], set[int], set[str]]:
        """Brands named by a partner, with the describing words' positions and the brands in them.

        "the phone maker Leica left", "the brand that left Huawei", "the camera maker OnePlus works
        with", "Leica's former partner".
        """
        found: list[str] = []
        spans: set[int] = set()
        used: set[str] = set()
        mentions = {
            start: (start + width, brand)
            for start, width, tokens in self.analyzer.mentions(raw)
            if (brand := self.analyzer.brand_of(tokens[0])) and len(tokens) == 1
        }
        for index, word in enumerate(raw):
            match = None
            if word == "the":
                match = self._relative_after(raw, index + 1, mentions)
            elif index in mentions:
                match = self._possessive_partner(raw, index, mentions)
            if match is None:
                continue
            brand, end, source = match
            found.append(brand)
            spans |= set(range(index, end))
            used.add(source)
        return found, spans, used

    def _relative_after(
        self, raw: list[str], at: int, mentions: Mapping[int, tuple[int, str]]
    ) -> tuple[str, int, str] | None:
        """A relative description after "the", resolved: "brand that left Huawei"."""
        kind, after = _kind_words(raw, at)
        if after is None:
            return None
        at = after
        if at < len(raw) and raw[at] in {"that", "which", "who"}:
            verbs: list[str] = []
            for position in range(at + 1, min(at + 4, len(raw))):
                if position in mentions:
                    end, source = mentions[position]
                    return self._partner_by(source, verbs, kind, end)
                verbs.append(raw[position])
            return None
        if at in mentions:
            end, source = mentions[at]
            verbs = raw[end : end + 2]
            if not _relation_of(verbs):
                return None
            return self._partner_by(source, verbs, kind, end + len(verbs))
        return None

    def _possessive_partner(
        self, raw: list[str], at: int, mentions: Mapping[int, tuple[int, str]]
    ) -> tuple[str, int, str] | None:
        """A possessive description, resolved: "Leica's former partner"."""
        end, source = mentions[at]
        words_after = raw[end : end + 3]
        if not words_after or words_after[0] not in _PARTNER_ADJECTIVES:
            return None
        # "former partner", "new camera partner": the noun "partner" itself, not "team up".
        nouns = words_after[1:]
        if "partner" in nouns[:1]:
            stop = end + 2
        elif nouns[1:2] == ["partner"] and canonical(nouns[0]) in CAMERA_TOKENS | PHONE_TOKENS:
            stop = end + 3
        else:
            return None
        return self._partner_by(source, words_after[:1], None, stop)

    def _partner_by(
        self, source: str, verbs: list[str], kind: BrandKind | None, end: int
    ) -> tuple[str, int, str] | None:
        """The one partner of `source` that the verbs describe (left: ended; else current)."""
        relation = _relation_of(verbs)
        if relation is None:
            return None
        ended = relation in {"end", "ended"}
        partners = [
            brand
            for brand in self._partners.get((source, ended), [])
            if kind is None or self.brands[brand].kind is kind
        ]
        if len(partners) != 1:
            return None
        return partners[0], end, source

    def _names_brand(self, option: tuple[str, ...]) -> bool:
        """Whether an either/or option names a brand the base knows."""
        return any("".join(words(w)) in self._names for w in option)

    def _people_in(self, raw: list[str], brands: list[str]) -> tuple[tuple[str, str, bool], ...]:
        """People named ("Lei Jun"), or found by a role beside their brand ("Xiaomi's boss")."""
        found: list[tuple[str, str, bool]] = []
        tokens = [canonical(word) for word in raw]
        for name_words, brand, name, role in self._people:
            width = len(name_words)
            if any(tuple(raw[i : i + width]) == name_words for i in range(len(raw))):
                found.append((brand, name, False))
            elif brand in brands and role & set(filter(None, tokens)):
                found.append((brand, name, True))
        return tuple(dict.fromkeys(found))

    def _described(self, raw: list[str], named: list[str]) -> tuple[list[str], set[int], str]:
        """Brands named by description, and the positions of the words that describe them.

        "the German camera maker", "the Swedish brand", "which brand is Swedish".
        """
        found: list[str] = []
        spans: set[int] = set()
        unresolved = ""
        for index, word in enumerate(raw):
            country = NATIONALITIES.get(word)
            if country is None:
                continue
            # "which brand is Swedish": the brand asked for is the one the country describes.
            predicate = (
                index >= 2
                and raw[index - 1] in {"is", "are", "was"}
                and raw[0] in {"which", "what", "who"}
                and any(
                    canonical(w) in MAKER_TOKENS | CAMERA_TOKENS | PHONE_TOKENS
                    for w in raw[1:index]
                )
            )
            # Only "the German camera maker" names a brand; "a German company" or "is it
            # German?" says something about one.
            article = index and raw[index - 1] in {"the", "that", "this", "those"}
            if not predicate and not article:
                continue
            following = [canonical(w) for w in raw[index + 1 : index + 4]]
            kind = None
            nouns = 0
            for token in following:
                if token in CAMERA_TOKENS:
                    kind, nouns = BrandKind.CAMERA_MAKER, nouns + 1
                elif token in PHONE_TOKENS:
                    kind, nouns = BrandKind.PHONE_MAKER, nouns + 1
                elif token in MAKER_TOKENS or token in {"on", "one"}:
                    nouns += 1
                else:
                    break
            if not nouns and not predicate and raw[index + 1 : index + 2] not in (["one"], []):
                continue
            matches = [
                brand.id
                for brand in self.brands.values()
                if brand.country
                and COUNTRY_KEYS.get(fold(brand.country)) == country
                and (kind is None or brand.kind is kind)
                and brand.id not in named
            ]
            if len(matches) == 1:
                found.append(matches[0])
                spans |= set(range(index, index + 1 + nouns))
            elif not matches and article and nouns:
                # "the Chinese phone maker" when no brand is recorded as Chinese.
                noun: dict[BrandKind | None, str] = {
                    BrandKind.CAMERA_MAKER: "camera maker",
                    BrandKind.PHONE_MAKER: "phone maker",
                }
                unresolved = f"a {COUNTRIES[country][0]} {noun.get(kind, 'brand')}"
        return found, spans, unresolved


# Words before a brand that set it aside: "before Xiaomi", "other than Zeiss", "apart from…".
_EXCLUDING = frozenset("before after besides except excluding beside".split())
_EXCLUDING_PAIRS = frozenset({("other", "than"), ("apart", "from"), ("aside", "from")})


def _countries(corrected: list[str], spans: set[int]) -> tuple[str, ...]:
    """Countries said of something; "the Swedish brand" names a brand instead."""
    return tuple(
        dict.fromkeys(
            NATIONALITIES[w]
            for i, w in enumerate(corrected)
            if w in NATIONALITIES and i not in spans
        )
    )


def _months(corrected: list[str]) -> tuple[int, ...]:
    """The months a question names, a season as its months.

    "may" is too often the verb: it is the month only before a year ("in may 2022").
    """
    return tuple(
        dict.fromkeys(
            month
            for i, w in enumerate(corrected)
            for month in (
                (MONTHS[w],)
                if w in MONTHS and (w != "may" or YEAR.fullmatch(_at(corrected, i + 1)))
                else SEASONS.get(w, ())
            )
        )
    )


def _at(raw: list[str], index: int) -> str:
    """The word at an index, or "" past the end."""
    return raw[index] if index < len(raw) else ""


def _excludes(before: list[str]) -> bool:
    """Whether the words before a brand name set it aside."""
    return bool(before) and (before[-1] in _EXCLUDING or tuple(before[-2:]) in _EXCLUDING_PAIRS)


def _role_tokens(role: str) -> frozenset[str]:
    """The tokens a role is asked by ("founder and CEO": founder, ceo — and boss, chief…)."""
    return frozenset(filter(None, (canonical(word) for word in words(role))))


def _model_like(word: str, after: str = "") -> bool:
    """Whether a word after a brand names a model: "13", "p60", "x90" (not "2022", "4 years")."""
    if after in _YEAR_UNITS or after in {"month", "months"}:
        return False
    return any(c.isdigit() for c in word) and not YEAR.fullmatch(word) and len(word) <= 5


# Adjectives before "partner" that say which one: "Leica's former partner", "its new partner".
_PARTNER_ADJECTIVES = frozenset("former previous old ex earlier new current latest newest".split())


def _comparison(raw: list[str]) -> str:
    """The comparison a count is asked with: > (more than, over), < (less than, under) or none."""
    said = set(raw)
    if said & {"more", "over", "longer", "above", "beyond", "least"}:
        return ">"
    if said & {"less", "under", "shorter", "fewer", "below", "most"}:
        return "<"
    return ""


def _kind_words(raw: list[str], at: int) -> tuple[BrandKind | None, int | None]:
    """The kind a run of maker words names ("phone maker", "brand"), and where it ends."""
    kind = None
    start = at
    while at < len(raw) and at - start < 3:
        token = canonical(raw[at])
        if token in CAMERA_TOKENS:
            kind = BrandKind.CAMERA_MAKER
        elif token in PHONE_TOKENS:
            kind = BrandKind.PHONE_MAKER
        elif token not in MAKER_TOKENS:
            break
        at += 1
    return kind, (at if at > start else None)


def _relation_of(verbs: Iterable[str]) -> str | None:
    """What a few words say of a partnership: "end" (left, split), "partner", or nothing."""
    tokens = {canonical(w) for w in verbs} | set(verbs)
    if "end" in tokens:
        return "end"
    if tokens & ({"partner", "work"} | PAST | LATEST | {"current"}):
        return "ended" if tokens & PAST else "partner"
    return None


# Words that say a statement is meant as a question when a "?" or "or not" follows it.
_VERBS = frozenset(
    """is are was were uses use used works work worked partnered partners has have had gave
    give makes made did does will still officially confirmed dumped left split ended
    going lasted lasts last launched launches launching sold sells got gets went""".split()
)
# Verbs of a direction a source may state ("dropping", "growing"): "xiaomi's share dropping
# lately?" asks yes or no as "is xiaomi's share dropping?" does.
_VERBS |= frozenset(w for w in (*OPPOSITES, *DIRECTIONS) if w.endswith(("ing", "ed")))
_PRONOUNS = frozenset("he she him her his hers".split())
# Words by which a question refers to the brands of the one before ("did it", "do they").
_REFERS_BACK = frozenset("it its they them their".split())


# "What did the article say about X?" asks about X: the frame names the source, not a speaker.
_FRAME_SOURCES = frozenset(
    "article articles source sources report story piece post text news".split()
)
_FRAME_VERBS = frozenset("say said says mention mentioned mentions tell tells write wrote".split())
_FRAME_ENDS = frozenset("about regarding on of".split())


# "…, per the article", "according to the sources, …": where the asker read it, not what is asked.
_FRAME_PREPOSITIONS = frozenset("per in from according to by".split())
_FRAME_ARTICLES = frozenset("the this that your".split())
# "Which phone makers are in the article?" asks what the source holds: not a frame.
_IN_SOURCE = frozenset("is are was were mentioned named listed appear appears featured".split())


def _source_frame(raw: list[str], at: int) -> int:
    """How many words from `at` name the source as a frame ("per the article"), else 0."""
    index = at
    if index < len(raw) and raw[index] == "according":
        index += 1
    if index >= len(raw) or raw[index] not in _FRAME_PREPOSITIONS:
        return 0
    index += 1
    if index < len(raw) and raw[index] in _FRAME_ARTICLES:
        index += 1
    if index < len(raw) and raw[index] in _FRAME_SOURCES:
        return index + 1 - at
    if index == len(raw) and raw[index - 1] in _FRAME_ARTICLES and raw[at] in ("according", "per"):
        return index - at  # "…, according to this?": the text the question is about
    return 0


# "Isn't Vivo working with Zeiss?" asks what "Is Vivo working with Zeiss?" asks: a negative
# auxiliary first expects a yes, it negates nothing ("Yes: Vivo works with Zeiss").
_NEGATIVE_AUXILIARIES = {
    "isnt": "is",
    "arent": "are",
    "wasnt": "was",
    "werent": "were",
    "doesnt": "does",
    "dont": "do",
    "didnt": "did",
    "hasnt": "has",
    "havent": "have",
}


# "my friend says …, true?", "i heard that …": someone's claim to check, not a speaker asked of.
_HEARSAY_WHO = frozenset(
    """friend friends buddy mate bro brother sister cousin dad mom mum colleague coworker guy
    someone somebody people everyone""".split()
)
_HEARSAY_VERBS = frozenset("says say said claims claimed thinks reckons told tells".split())


def _unhearsaid(raw: list[str]) -> list[str]:
    """A claim less the hearsay before it ("my friend says", "i heard that")."""
    at = 1 if raw[:1] in (["my"], ["a"], ["some"]) else 0
    if raw[at : at + 1] and raw[at] in _HEARSAY_WHO:
        if not raw[at + 1 : at + 2] or raw[at + 1] not in _HEARSAY_VERBS:
            return raw
        at += 2
        if raw[at - 1] in ("told", "tells") and raw[at : at + 1] == ["me"]:
            at += 1
    elif raw[:2] in (["i", "heard"], ["i", "read"]):
        at = 2
    else:
        return raw
    at += 1 if raw[at : at + 1] == ["that"] else 0
    return raw[at:] if len(raw) - at >= 3 else raw


# "is that a real thing?", "is this legit?": whether what was said is true.
_REAL_TAILS = tuple(
    (*head, *tail)
    for head in (("that",), ("this",), ("it",))
    for tail in (("a", "real", "thing"), ("real",), ("legit",), ("a", "thing"))
)
_TAG_PRONOUNS = frozenset({"it", "they", "he", "she", "there", "we"})
# "over" as a state ("is the partnership over?") is "ended"; before a count it compares.
_ENDED = "ended"
_OVER_STATE_NEXT = frozenset({"now", "already", "yet", "then", "between"})


def _over(raw: list[str], index: int) -> bool:
    """Whether "over" at `index` says a thing has ended: last, or before "now", "between"…."""
    if raw[index] != "over" or index < 2:
        return False
    return index == len(raw) - 1 or raw[index + 1] in _OVER_STATE_NEXT


def _unpadded(raw: list[str]) -> list[str]:
    """A question as it asks: no source frame, "at all" or negative auxiliary; "share" in full."""
    raw = _unhearsaid(raw)
    if len(raw) > 2 and raw[0] in _NEGATIVE_AUXILIARIES:
        raw = [_NEGATIVE_AUXILIARIES[raw[0]], *raw[1:]]
    raw = _unframed(raw)
    if len(raw) > 3 and raw[-2] in _NEGATIVE_AUXILIARIES and raw[-1] in _TAG_PRONOUNS:
        raw = [*raw[:-2], "right"]  # "xiaomi is losing market share isnt it": a tag question
    raw = [_ENDED if _over(raw, i) else w for i, w in enumerate(raw)]
    for real in _REAL_TAILS:
        if len(raw) > len(real) + 1 and tuple(raw[-len(real) :]) == real:
            raw = [*raw[: 1 - len(real)], "true"]  # "vivo x zeiss, is that a real thing?"
            break
    if raw[-2:] == ["as", "well"] and len(raw) > 3:
        raw = [*raw[:-2], "too"]  # "did vivo's zeiss partnership end as well?"
    for at in range(2, len(raw) - 1):
        # "…end their partnership too, like Huawei and Leica?": the case "too" refers to.
        tail = set(raw[at + 1 :])
        plain_tail = len(tail) <= 4 and not tail & (_AUXILIARIES | _WH | _VERBS)
        if raw[at] == "like" and raw[at - 1] in _ALSO and plain_tail:
            raw = raw[:at]
            break
    raw = [w for i, w in enumerate(raw) if not _intensifier(raw, i)]
    # "since when has Xiaomi's share been growing": the market share, not sharing anything.
    out: list[str] = []
    for index, word in enumerate(raw):
        if _market_share(raw, index):
            out.append("market")
        out.append(word)
    return out


_ALSO = frozenset({"too", "also"})
_SHARE_FOLLOWERS = frozenset(
    """is was has had been does do did growing grew grows going rising rose falling fell
    dropping dropped up down increasing increased shrinking shrank declining declined""".split()
)


# Subjects before which "share" is the verb.
_SHARING_SUBJECTS = frozenset({"they", "we", "you", "i", "both", "all", "each"})


def _market_share(raw: list[str], index: int) -> bool:
    """Whether a "share" is the market share: the subject of what follows, "market" unsaid."""
    if raw[index] != "share" or not index or raw[index - 1] == "market":
        return False
    if raw[index - 1] in _SHARING_SUBJECTS or raw[index - 2 : index - 1] == ["and"]:
        return False  # "did huawei and leica share", "what do they share": sharing something
    if index + 1 == len(raw):
        # "what is xiaomi's share?" names it; "how many summers did huawei and leica share"
        # ends on the verb its auxiliary asks with.
        return not _SHARE_AUXILIARIES & set(raw[:index])
    return raw[index + 1] in _SHARE_FOLLOWERS


_SHARE_AUXILIARIES = frozenset("did do does will would can could".split())


def _intensifier(raw: list[str], index: int) -> bool:
    """Whether a word is part of "at all" ending a question or a clause."""
    after = raw[index + 2 : index + 3]
    if raw[index : index + 2] == ["at", "all"]:
        return not after or after[0] in _JOINS | {"or"}
    if raw[index - 1 : index + 1] == ["at", "all"] and index:
        return _intensifier(raw, index - 1)
    return False


def _unframed(raw: list[str]) -> list[str]:
    """A question less a frame that names the source ("what does the article say about …")."""
    for at in range(1, len(raw) - 4):
        # "which phones does the article say were successful": the frame inside a wh-question.
        said = raw[at : at + 4]
        if (
            raw[0] in _WH
            and said[0] in ("does", "did", "do")
            and said[1] in _FRAME_ARTICLES
            and said[2] in _FRAME_SOURCES
            and said[3] in _FRAME_VERBS
        ):
            raw = raw[:at] + raw[at + 4 :]
            break
    for at in range(max(0, len(raw) - 4), len(raw)):
        width = _source_frame(raw, at)
        if width and at + width == len(raw) and at >= 2 and raw[at - 1] not in _IN_SOURCE:
            raw = raw[:at]
            break
    for at in range(2, len(raw) - 3):
        # "which of the camera brands in this article is from sweden": the brands it names.
        width = _source_frame(raw, at) if raw[at] in ("in", "from") else 0
        if (
            width
            and raw[0] in _WH
            and raw[at - 1] not in _IN_SOURCE
            and raw[at + width] in _AUXILIARIES
        ):
            raw = raw[:at] + raw[at + width :]
            break
    said = raw[1:4]
    # "does the article say the partnership will boost sales?": what the sources say is all
    # camerabot answers with, so the claim is the question.
    if (
        raw[:1] in (["does"], ["did"])
        and len(raw) > 6
        and said[0] in _FRAME_ARTICLES
        and said[1] in _FRAME_SOURCES
        and said[2] in _FRAME_VERBS
    ):
        raw = [raw[0], *(raw[5:] if raw[4] == "that" else raw[4:])]  # "does" asks yes or no
    width = _source_frame(raw, 0)
    if width and width + 2 <= len(raw):
        raw = raw[width:]
    if not raw or raw[0] not in ("what", "whats"):
        return raw
    for index, word in enumerate(raw[:8]):
        if word in _FRAME_ENDS:
            frame = set(raw[:index])
            if frame & _FRAME_SOURCES and frame & _FRAME_VERBS and index + 1 < len(raw):
                return raw[index + 1 :]
            return raw
    return raw


# Words that negate a question's proposition after its first word ("did Leica not…", "so Vivo
# wasn't…"); a first "Isn't…" asks for a yes, as a tag does (`_untagged`).
# The lexicon's negators less those that negate a noun ("no details", "none of them").
_NEGATING = NEGATORS - {"no", "nor", "none", "neither"}


# Words before a brand that compare with it rather than ask of it.
_COMPARING = frozenset({"like", "unlike"})


def _untagged(raw: list[str]) -> list[str]:
    """The words after the first, less a last "not" or "no" that asks ("…with Zeiss or not?")."""
    if len(raw) >= 3 and raw[-1] in ("not", "no"):
        return raw[1:-1]
    return raw[1:]


# Prepositions a stemmer keeps as words: after "one" they make it a pronoun, not a count.
_AFTER_PRONOUN = frozenset({"among", "amongst", "between", "within"})


def _pronoun_one(raw: list[str]) -> frozenset[str]:
    """The token "1" when "one" stands for a noun ("the latest one", "has one"), not a count."""
    if any(w in _FIRST_SPELLINGS for w in raw):
        return frozenset()
    # "one among them" is a pronoun before a preposition; "one phone" counts a noun.
    counted = any(
        w == "one" and n not in _AFTER_PRONOUN and canonical(n) is not None
        for w, n in pairwise(raw)
    )
    return frozenset() if counted or "one" not in raw else frozenset({"1"})


def _declarative(raw: list[str], *, asked: bool) -> bool:
    """Whether a statement asks yes or no: "so huawei still uses leica cameras?"."""
    casual = len(raw) > 2 and raw[-2] == "or" and raw[-1] in _CASUAL_OR
    if asked and len(raw) == 2 and raw[1] in NATIONALITIES:
        return True  # "leica german?": a name and what is asked of it
    return (asked or casual) and len(raw) >= 3 and bool(_VERBS & set(raw[1:]))


def _keys(brand: Brand) -> set[str]:
    return {"".join(words(name)) for name in brand.names} | {
        word for name in brand.names for word in words(name)
    }


def _description_tokens(raw: list[str]) -> frozenset[str]:
    """Tokens a description used ("german", "camera", "maker"), not part of what is asked."""
    tokens: set[str] = set()
    for index, word in enumerate(raw):
        if word in NATIONALITIES:
            tokens.add(canonical(word) or word)
            for following in raw[index + 1 : index + 4]:
                token = canonical(following)
                if token not in CAMERA_TOKENS | PHONE_TOKENS | MAKER_TOKENS:
                    break
                tokens.add(token)
    return frozenset(tokens)


def _form(raw: list[str]) -> tuple[Form, str | None, tuple[tuple[str, ...], ...]]:
    """The form of a question: yes/no, either/or, a wh-question, a list or a comparison."""
    if not raw:
        return Form.PLAIN, None, ()
    wh = _wh(raw)
    if any(word in COMPARE_WORDS for word in raw):
        return Form.COMPARE, wh, ()
    if raw[0] in _AUXILIARIES or (len(raw) > 3 and raw[-1] in TAGS and not wh):
        # "…lasted 4 years, right?" asks yes or no as much as "Did it last 4 years?" does.
        options = _options(raw)
        if options:
            return Form.EITHER_OR, wh, options
        return Form.YES_NO, wh, ()
    if raw[0] in LIST_WORDS or (wh in {"which", "what", "who"} and "all" in raw):
        return Form.LIST, wh, ()
    kinds = {canonical(word) for word in raw} & _KIND_TOKENS
    if wh in {"which", "what", None} and kinds and _LISTING & set(raw):
        # "which phone brands are in the article", "what xiaomi models are mentioned"
        return Form.LIST, wh, ()
    if wh:
        options = _options(raw) if wh in {"which", "what", "who"} else ()
        if options:
            return Form.EITHER_OR, wh, options
        return Form.WH, wh, ()
    options = _options(raw)
    if options and all(_comparable(option) for option in options):
        # "huawei & leica: 4 years or 8 years" chooses as a question would.
        return Form.EITHER_OR, None, options
    return Form.PLAIN, None, ()


def _comparable(option: tuple[str, ...]) -> bool:
    """Whether an option names a value a record can be checked against."""
    return any(
        w in NATIONALITIES or w in MONTHS or number_of(w) is not None or YEAR.fullmatch(w)
        for w in option
    )


def _wh(raw: list[str]) -> str | None:
    for index, word in enumerate(raw):
        if word == "how" and index + 1 < len(raw):
            following = raw[index + 1]
            if following in {"long", "many", "much"}:
                return f"how{following}"
            return "how"
        if word in _WH:
            return word
    return None


def _options(raw: list[str]) -> tuple[tuple[str, ...], ...]:
    """The alternatives of an either/or question ("German or Swedish"), if it is one."""
    if "or" not in raw:
        return ()
    at = raw.index("or")
    after = raw[at + 1 :]
    if not after or after[0] in _CASUAL_OR:
        return ()
    before = raw[:at]
    # The option before "or" is as long as the one after it (at most 3 words), fillers dropped.
    right = tuple(w for w in after if w not in STOPWORDS or w in MONTHS)[:3]
    left = tuple(w for w in before if w not in STOPWORDS or w in MONTHS)[-max(1, len(right)) :]
    if not left or not right:
        return ()
    return (left, right)


def _elliptic(raw: list[str], analysis: Analysis) -> bool:
    """Whether a part only names brands ("and OnePlus?"), so it repeats the question before."""
    content = [t for t in analysis.tokens if t not in analysis.brands]
    # "…and what about Vivo?" asks the question before again, about Vivo.
    about = raw[:2] in (["what", "about"], ["how", "about"])
    return bool(analysis.brands) and not content and (about or not any(w in _WH for w in raw))


def _replace(previous: Part, brands: tuple[str, ...], unknown: tuple[str, ...]) -> Part:
    """The previous part asked again about other brands."""
    return Part(
        words=previous.words,
        analysis=previous.analysis,
        brands=brands,
        form=previous.form,
        wh=previous.wh,
        unknown_brands=unknown,
        options=previous.options,
        residual=previous.residual,
        countries=previous.countries,
        months=previous.months,
        repeated=True,
    )

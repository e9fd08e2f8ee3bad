"""Validation: raw records into a FactBase, reporting every problem with file, line and record."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import unicodedata
import urllib.parse
from collections.abc import Mapping, MutableMapping, Set
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.facts import limits
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Device,
    Fact,
    FactBase,
    Month,
    Partnership,
    PartnershipStatus,
    Person,
    Source,
)
from bot.facts.problems import Problem
from bot.facts.raw import RawKnowledge
from bot.facts.text import compact, fold, has_control_characters, quote_key, words

_E = TypeVar("_E", BrandKind, PartnershipStatus)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
# ASCII words only ([A-Za-z], never IGNORECASE: it lets the Kelvin sign pass for a "k").
_PERIOD_PATTERN = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
_MONTH_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2}))?")
# Characters that show nothing or reverse the text around them: a question or an answer holding
# one reads differently from what it says (and can hide text from a moderator reviewing it).
# Refused by category (every format character, private use, unassigned, surrogates) and by
# name where the category is a visible one's: the Hangul fillers (letters), the blank braille
# pattern (a symbol), the combining grapheme joiner and the variation selectors (marks).
# Format, private-use, unassigned and surrogate characters; line and paragraph separators
# (a line break inside a sentence).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
# Default-ignorable or blank characters of other categories (the Hangul fillers, the Khmer
# inherent vowels, Mongolian selectors, Braille blank, the combining grapheme joiner), the
# object replacement character, and every space but the plain and the no-break one.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180b\u180c\u180d\u180f\u17b4\u17b5\ufffc")
_SPACES_KEPT = frozenset(" \u00a0")
_ZERO_WIDTH_JOINER = "\u200d"
_EMOJI_STYLE = "\ufe0f"
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _is_selector(code: int) -> bool:
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or ord(char) in _SKIN_TONES


def _in_emoji(text: str, index: int) -> bool:
    """Whether the joiner or selector at `index` is part of an emoji, the one place it is needed.

    An emoji selector (U+FE0F) follows an emoji; a zero-width joiner stands between two emoji
    (the first possibly with its selector), as in a family or a profession.
    """
    char = text[index]
    before = text[index - 1] if index > 0 else ""
    if char == _EMOJI_STYLE:
        return bool(before) and _is_emoji(before)
    if before == _EMOJI_STYLE and index > 1:
        before = text[index - 2]
    after = text[index + 1] if index + 1 < len(text) else ""
    return bool(before) and bool(after) and _is_emoji(before) and _is_emoji(after)


# A quote must carry a claim: at least this many words of its source, whole words only.
QUOTE_MIN_WORDS = 3
URL_MAX = 512
# Characters that end or open a markdown link, or are not allowed unescaped in a URL at all.
_URL_FORBIDDEN = re.compile(r"[\s()\[\]<>\"'`\\{}|^]")


def invisible_character(text: str) -> str | None:
    """The first invisible or direction-changing character of `text`, named ("U+202E …")."""
    if text.isascii():  # no ASCII character is one (control characters are refused apart)
        return None
    for index, char in enumerate(text):
        code = ord(char)
        if char in (_ZERO_WIDTH_JOINER, _EMOJI_STYLE) and _in_emoji(text, index):
            continue
        category = unicodedata.category(char)
        odd_space = category == "Zs" and char not in _SPACES_KEPT
        if category in _INVISIBLE_CATEGORIES or char in _BLANK or odd_space or _is_selector(code):
            fallback = {"Co": "PRIVATE USE CHARACTER", "Cn": "UNASSIGNED CHARACTER"}
            return (
                f"U+{code:04X} {unicodedata.name(char, fallback.get(category, 'FORMAT CHARACTER'))}"
            )
    return None


def printable(text: str) -> str:
    r"""Text on one line with nothing hidden: control and invisible characters as escapes.

    A line break shows as \n, a bell as \x07, U+202E as \u202e: text read from a damaged or
    hostile file can then neither forge a line of a report, nor move a terminal's cursor, nor
    turn the text around it.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable() and invisible_character(char) is None
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def url_problem(url: str) -> str | None:
    """Why a source URL is refused (not http/https, no host, characters that break a link)."""
    if len(url) > URL_MAX:
        return f"'url' is {len(url)} characters; at most {URL_MAX}"
    found = _URL_FORBIDDEN.search(url)
    if found is not None:
        what = "a space" if found.group().isspace() else repr(found.group())
        return f"'url' must not contain {what} (escape it as %{ord(found.group()):02X})"
    if has_control_characters(url) or not url.isascii():
        return "'url' must be plain ASCII (escape other characters with %XX)"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises ValueError when it is not a number
    except ValueError as error:
        return f"'url' is not a valid URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "'url' must start with https:// or http:// (or be left out)"
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return "'url' must name a host (https://example.com/…), without a user name"
    return None


# Field specifications: name -> (type description, required).
_TEXT = "text"
_TEXT_LIST = "list of texts"
_RECORD_LIST = "list of records"

SOURCE_FIELDS = {"id": True, "title": True, "date": True, "url": False, "file": True}
BRAND_FIELDS = {
    "id": True,
    "name": True,
    "kind": True,
    "country": False,
    "aliases": False,
    "devices": False,
    "people": False,
}
DEVICE_FIELDS = {"name": True, "aliases": False}
PERSON_FIELDS = {"name": True, "role": True, "citations": True}
PARTNERSHIP_FIELDS = {
    "id": True,
    "phone_maker": True,
    "camera_maker": True,
    "status": True,
    "period": False,
    "devices": False,
    "summary": False,
    "since": False,
    "first_phone_due": False,
    "reported_devices": False,
    "citations": True,
}
FACT_FIELDS = {
    "id": True,
    "question": True,
    "phrasings": False,
    "answer": True,
    "brands": False,
    "citations": True,
}
CITATION_FIELDS = {"source": True, "quote": True}

_LIST_FIELDS = {
    "aliases",
    "devices",
    "reported_devices",
    "people",
    "phrasings",
    "brands",
    "citations",
}


_SHOW = reprlib.Repr()
_SHOW.maxstring = 60
_SHOW.maxother = 60


def _show(value: object) -> str:
    """A short repr for messages: aliased or huge YAML values must not flood a report."""
    return _SHOW.repr(value)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return f"a number ({_show(value)})"
    names: dict[type, str] = {list: "a list", dict: "a mapping"}
    return names.get(
        type(value), "a mapping" if isinstance(value, Mapping) else type(value).__name__
    )


def _wrong_type(what: str, value: object, expected: str = "text") -> str:
    """The message for a value of the wrong type, with a hint where YAML converted plain text."""
    hint = " (put it in quotes)" if isinstance(value, bool | int | float | dt.date) else ""
    return f"{what} must be {expected}, not {_type_name(value)}{hint}"


def _line(record: Mapping[str, Any]) -> int:
    return int(getattr(record, "line", 0))


def _record_id(record: Mapping[str, Any]) -> str | None:
    value = record.get("id")
    return value if isinstance(value, str) else None


class _Checker:
    """Collects problems while records are turned into models.

    Nested mappings (a citation, a device) are checked with their `parent` record: the problem
    gets the nested mapping's line, and the file and id of the record that holds it.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        record: Mapping[str, Any],
        key: str | None,
        message: str,
        *,
        parent: Mapping[str, Any] | None = None,
    ) -> None:
        owner = record if parent is None else parent
        file = getattr(record, "file", "") or getattr(owner, "file", "")
        line = record.line_of(key) if key and hasattr(record, "line_of") else _line(record)
        self.problems.append(Problem(file, line or _line(owner), _record_id(owner), message))

    def keys(
        self,
        record: Mapping[str, Any],
        spec: Mapping[str, bool],
        kind: str,
        *,
        parent: Mapping[str, Any] | None = None,
    ) -> bool:
        """Unknown, duplicate and missing keys; False when a required key is missing."""
        for key in getattr(record, "duplicate_keys", []):
            self.add(record, key, f"the key '{key}' is given twice", parent=parent)
        allowed = ", ".join(spec)
        for key in record:
            if key not in spec:
                message = f"unknown key {_show(key)} in a {kind} (allowed: {allowed})"
                self.add(record, str(key), message, parent=parent)
        complete = True
        for key, required in spec.items():
            if required and key not in record:
                self.add(record, None, f"missing key '{key}' in a {kind}", parent=parent)
                complete = False
        return complete

    def text(
        self,
        record: Mapping[str, Any],
        key: str,
        *,
        max_length: int,
        required: bool = True,
        parent: Mapping[str, Any] | None = None,
    ) -> str:
        """A string field of at most `max_length` characters, non-empty when required.

        An absent key gives "" without a problem: `keys` reports missing required keys.
        """
        if key not in record:
            return ""
        value = record[key]
        if value is None:
            if required:
                self.add(record, key, f"'{key}' is empty", parent=parent)
            return ""
        if not isinstance(value, str):
            self.add(record, key, _wrong_type(f"'{key}'", value), parent=parent)
            return ""
        stripped = value.strip()
        if required and not stripped:
            self.add(record, key, f"'{key}' is empty", parent=parent)
        if len(stripped) > max_length:
            message = f"'{key}' is {len(stripped)} characters; at most {max_length} fit in Discord"
            self.add(record, key, message, parent=parent)
        if has_control_characters(value):
            self.add(record, key, f"'{key}' contains control characters", parent=parent)
        elif (invisible := invisible_character(value)) is not None:
            message = f"'{key}' contains an invisible or direction-changing character, {invisible}"
            self.add(record, key, message, parent=parent)
        return stripped

    def text_list(
        self,
        record: Mapping[str, Any],
        key: str,
        *,
        max_length: int,
        max_items: int | None = None,
        parent: Mapping[str, Any] | None = None,
    ) -> tuple[str, ...]:
        """A list of non-empty strings (at most `max_items` of them)."""
        value = record.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(record, key, _wrong_type(f"'{key}'", value, "a list of texts"), parent=parent)
            return ()
        if max_items is not None and len(value) > max_items:
            message = f"'{key}' has {len(value)} items; at most {max_items} are accepted"
            self.add(record, key, message, parent=parent)
        items: list[str] = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str):
                message = _wrong_type(f"'{key}' item {position}", item)
                self.add(record, key, message, parent=parent)
                continue
            if not item.strip():
                self.add(record, key, f"'{key}' item {position} is empty", parent=parent)
                continue
            if len(item.strip()) > max_length:
                message = f"'{key}' item {position} is over {max_length} characters"
                self.add(record, key, message, parent=parent)
            if has_control_characters(item):
                message = f"'{key}' item {position} contains control characters"
                self.add(record, key, message, parent=parent)
            elif (invisible := invisible_character(item)) is not None:
                message = (
                    f"'{key}' item {position} contains an invisible or direction-changing "
                    f"character, {invisible}"
                )
                self.add(record, key, message, parent=parent)
            items.append(item.strip())
        return tuple(items)

    def record_list(self, record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        """A list of mappings (citations, devices)."""
        value = record.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(record, key, _wrong_type(f"'{key}'", value, "a list"))
            return []
        items = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                self.add(record, key, f"'{key}' item {position} must be a mapping of fields")
                continue
            items.append(item)
        return items

    def identifier(
        self, record: Mapping[str, Any], seen: MutableMapping[str, Mapping[str, Any]]
    ) -> str:
        """A well-formed id, unique among records of its kind ("" when absent or invalid)."""
        if "id" not in record:
            return ""
        value = record["id"]
        if not isinstance(value, str):
            self.add(record, "id", _wrong_type("'id'", value))
            return ""
        if not ID_PATTERN.fullmatch(value):
            self.add(
                record,
                "id",
                f"id {_show(value)} must be 1-63 lower-case letters, digits or '-', "
                "starting with a letter or digit",
            )
            return ""
        if value in seen:
            other = seen[value]
            self.add(
                record,
                "id",
                f"duplicate id '{value}' (also at {getattr(other, 'file', '?')}:{_line(other)})",
            )
            return ""
        seen[value] = record
        return value


class _SourceIndex:
    """Source texts in the normalised form quotes are looked up in.

    `invalid`: ids of sources defined with problems; `unread`: sources.yaml could not be read, so
    no source id is known to be unknown. Neither is reported again where it is cited.
    """

    def __init__(
        self,
        sources: Mapping[str, Source],
        invalid: Set[str] = frozenset(),
        *,
        unread: bool = False,
    ) -> None:
        self.sources = sources
        self.invalid = invalid
        self.unread = unread
        self._keys = {sid: quote_key(source.text) for sid, source in sources.items()}

    def unknown(self, source_id: str) -> bool:
        """Whether citing `source_id` is a problem of its own (not one reported elsewhere)."""
        return source_id not in self.sources and not (self.unread or source_id in self.invalid)

    def contains(self, source_id: str, quote: str) -> bool:
        """Whether the quote occurs in the source as whole words (not "eica, the Germ")."""
        return quote_in(quote_key(quote), self._keys.get(source_id, ""))


# Marks that join letters into one word ("camera-maker", "Leica's"): a quote may not begin or
# end at one when letters stand on both its sides.
_WORD_JOINERS = "-'"


def _splits_word(source: str, at: int) -> bool:
    """Whether a quote beginning or ending at `at` would cut a word of `source` in two."""
    if at <= 0 or at >= len(source):
        return False
    before, after = source[at - 1], source[at]
    if before.isalnum():
        if after.isalnum():
            return True
        return after in _WORD_JOINERS and at + 1 < len(source) and source[at + 1].isalnum()
    return before in _WORD_JOINERS and after.isalnum() and at >= 2 and source[at - 2].isalnum()


def quote_in(key: str, source: str) -> bool:
    """Whether `key` occurs in `source` as whole words (a hyphenated word is one word)."""
    if not key:
        return False
    start = source.find(key)
    while start >= 0:
        if not _splits_word(source, start) and not _splits_word(source, start + len(key)):
            return True
        start = source.find(key, start + 1)
    return False


@dataclass(frozen=True, slots=True)
class _BrandIndex:
    """Valid brands by id, and the ids of brands defined with problems (not unknown).

    `unread`: brands.yaml could not be read, so no brand id is known to be unknown.
    """

    brands: Mapping[str, Brand]
    invalid: Set[str] = frozenset()
    unread: bool = False

    def unknown(self, brand_id: str) -> bool:
        """Whether naming `brand_id` is a problem of its own (not one reported elsewhere)."""
        return brand_id not in self.brands and not (self.unread or brand_id in self.invalid)


def _citations(
    check: _Checker,
    record: Mapping[str, Any],
    sources: _SourceIndex,
    parent: Mapping[str, Any] | None = None,
) -> tuple[Citation, ...]:
    """A record's citations; `parent` is the record problems are filed under, if not this one."""
    owner = parent or record
    items = check.record_list(record, "citations")
    if isinstance(record.get("citations"), list) and not record["citations"]:
        check.add(record, "citations", "at least one citation is needed", parent=parent)
    citations: list[Citation] = []
    for item in items:
        check.keys(item, CITATION_FIELDS, "citation", parent=owner)
        source_id = check.text(item, "source", max_length=63, parent=owner)
        quote = check.text(item, "quote", max_length=limits.QUOTE_MAX, parent=owner)
        if not source_id or not quote:
            continue
        if len(words(quote)) < QUOTE_MIN_WORDS:
            message = (
                f"the quote {quote[:80]!r} is too short to support a claim: quote at least "
                f"{QUOTE_MIN_WORDS} whole words of the source"
            )
            check.add(item, "quote", message, parent=owner)
            continue
        if source_id not in sources.sources:
            if sources.unknown(source_id):  # else reported where it is (or its file) defined
                message = f"citation names unknown source '{source_id}'"
                check.add(item, "source", message, parent=owner)
            continue
        if not sources.contains(source_id, quote):
            message = (
                f"quote not found word for word (whole words) in source '{source_id}': "
                f"{quote[:80]!r}"
            )
            check.add(item, "quote", message, parent=owner)
            continue
        citations.append(Citation(source_id=source_id, quote=quote))
    return tuple(citations)


def _build_sources(check: _Checker, raw: RawKnowledge, invalid: set[str]) -> dict[str, Source]:
    seen: dict[str, Mapping[str, Any]] = {}
    sources: dict[str, Source] = {}
    for record in raw.sources:
        check.keys(record, SOURCE_FIELDS, "source")
        source_id = check.identifier(record, seen)
        title = check.text(record, "title", max_length=limits.EMBED_TITLE_MAX)
        url = check.text(record, "url", max_length=URL_MAX, required=False)
        if url and (reason := url_problem(url)) is not None:
            check.add(record, "url", reason)
            url = ""
        date = _date(check, record)
        file = check.text(record, "file", max_length=200)
        text = None
        if file and not has_control_characters(file):
            text, reason = raw.source_text(file)
            if text is None:
                check.add(record, "file", reason)
        if source_id and title and date and text is not None:
            sources[source_id] = Source(source_id, title, date, url, file, text)
        else:
            _refused(record, invalid)
    return sources


def parse_date(value: str) -> dt.date | None:
    """A source date written YYYY-MM-DD, or None when it is not a real date in that form."""
    if not _DATE_PATTERN.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _date(check: _Checker, record: Mapping[str, Any]) -> dt.date | None:
    if "date" not in record:
        return None
    value = record["date"]
    if isinstance(value, dt.date):
        check.add(record, "date", "'date' must be quoted text such as \"2022-05-23\"")
        return None
    if not isinstance(value, str) or not _DATE_PATTERN.fullmatch(value):
        check.add(record, "date", f"'date' must be a date written YYYY-MM-DD, not {_show(value)}")
        return None
    date = parse_date(value)
    if date is None:
        check.add(record, "date", f"'date' {value!r} is not a real date")
    return date


def _enum(check: _Checker, record: Mapping[str, Any], key: str, enum: type[_E]) -> _E | None:
    if key not in record:
        return None
    value = record[key]
    choices = ", ".join(member.value for member in enum)
    if isinstance(value, str) and value in {member.value for member in enum}:
        return enum(value)
    check.add(record, key, f"'{key}' must be one of {choices}, not {_show(value)}")
    return None


def _people(
    check: _Checker, record: Mapping[str, Any], sources: _SourceIndex
) -> tuple[Person, ...]:
    """A brand's people: each named by one of their own quotes, so a role is never invented."""
    people = []
    for entry in check.record_list(record, "people"):
        check.keys(entry, PERSON_FIELDS, "person", parent=record)
        name = check.text(entry, "name", max_length=limits.CHOICE_MAX, parent=record)
        role = check.text(entry, "role", max_length=limits.CHOICE_MAX, parent=record)
        citations = _citations(check, entry, sources, parent=record)
        if (
            citations
            and name
            and not any(f" {fold(name)} " in f" {fold(c.quote)} " for c in citations)
        ):
            check.add(entry, "citations", f"no quote names {name}", parent=record)
        if name and role and citations:
            people.append(Person(name, role, citations))
    return tuple(people)


# Scripts whose letters are drawn alike: a name mixing them is a look-alike ("Lеica", a Cyrillic е).
_LOOK_ALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# Cyrillic and Greek letters drawn as Latin ones: a name written in them alone looks like the
# Latin name they spell ("ΧΙΑΟΜΙ" in Greek capitals is "XIAOMI").
_AS_LATIN = str.maketrans(
    "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ",
    "aeopcyxijsdqwhlABEKMHOPCTXIJSABEZHIKMNOPTYXoikvptux",
)


def _scripts(label: str) -> list[str]:
    """The look-alike scripts whose letters `label` holds, in `_LOOK_ALIKE_SCRIPTS` order."""
    found = {unicodedata.name(char, "").split(" ")[0] for char in label if char.isalpha()}
    return [script for script in _LOOK_ALIKE_SCRIPTS if script in found]


def name_problem(label: str) -> str | None:
    """Why a brand or device name cannot be told apart from others (no letters, look-alikes)."""
    if not any(char.isalnum() for char in label):
        return f"name '{label}' has no letters or digits"
    scripts = _scripts(label)
    if len(scripts) > 1:
        mixed = " and ".join(script.title() for script in scripts)
        return f"name '{label}' mixes {mixed} letters, which look alike: write it in one"
    return None


def _build_brands(
    check: _Checker, raw: RawKnowledge, invalid: set[str], sources: _SourceIndex
) -> dict[str, Brand]:
    seen: dict[str, Mapping[str, Any]] = {}
    brands: dict[str, Brand] = {}
    # Names are looked up without case or separators ("One Plus" is "oneplus"): so are clashes.
    name_owner: dict[str, str] = {}
    device_owner: dict[str, str] = {}
    # Names in Cyrillic or Greek letters alone, checked against every Latin name at the end.
    spelled: list[tuple[Mapping[str, Any], str, str, str]] = []
    for record in raw.brands:
        check.keys(record, BRAND_FIELDS, "brand")
        brand_id = check.identifier(record, seen)
        name = check.text(record, "name", max_length=limits.CHOICE_MAX)
        kind = _enum(check, record, "kind", BrandKind)
        country = check.text(record, "country", max_length=60, required=False) or None
        aliases = check.text_list(record, "aliases", max_length=limits.CHOICE_MAX)
        devices = _devices(check, record)
        people = _people(check, record, sources)
        labels = [("name", name)] + [("aliases", alias) for alias in aliases]
        for key, label in labels:
            if label and (problem := name_problem(label)) is not None:
                check.add(record, key, problem)
                continue
            if label and "LATIN" not in _scripts(label) and _scripts(label):
                spelled.append((record, key, label, brand_id))
            folded = compact(label)
            if not folded:
                continue
            owner = name_owner.setdefault(folded, brand_id)
            if owner != brand_id:
                check.add(record, key, f"name or alias '{label}' is also used by brand '{owner}'")
        _device_owners(check, record, brand_id, devices, device_owner)
        if brand_id and name and kind:
            brands[brand_id] = Brand(brand_id, name, kind, country, aliases, devices, people)
        else:
            _refused(record, invalid)
    for spelled_in, key, label, spelled_by in spelled:
        owner = name_owner.get(compact(label.translate(_AS_LATIN)), spelled_by)
        if owner != spelled_by:
            check.add(spelled_in, key, f"name or alias '{label}' looks like brand '{owner}'")
    return brands


def _device_owners(
    check: _Checker,
    record: Mapping[str, Any],
    brand_id: str,
    devices: tuple[Device, ...],
    device_owner: dict[str, str],
) -> None:
    """A problem for each device name or alias another brand lists already (or unreadable)."""
    for device in devices:
        for label in (device.name, *device.aliases):
            if (problem := name_problem(label)) is not None:
                check.add(record, "devices", f"device {problem}")
                continue
            owner = device_owner.setdefault(compact(label), brand_id)
            if owner != brand_id:
                check.add(
                    record, "devices", f"device '{label}' is also listed under brand '{owner}'"
                )


def _refused(record: Mapping[str, Any], invalid: set[str]) -> None:
    """Note the id of a refused brand or source, even a malformed one, so it does not cascade."""
    if isinstance(record_id := record.get("id"), str):
        invalid.add(record_id)


def _devices(check: _Checker, record: Mapping[str, Any]) -> tuple[Device, ...]:
    devices = []
    for item in check.record_list(record, "devices"):
        check.keys(item, DEVICE_FIELDS, "device", parent=record)
        name = check.text(item, "name", max_length=limits.CHOICE_MAX, parent=record)
        aliases = check.text_list(item, "aliases", max_length=limits.CHOICE_MAX, parent=record)
        if name:
            devices.append(Device(name, aliases))
    return tuple(devices)


def _brand_ref(
    check: _Checker,
    record: Mapping[str, Any],
    key: str,
    brands: _BrandIndex,
    kind: BrandKind,
) -> str:
    if key not in record:
        return ""
    value = record[key]
    if not isinstance(value, str):
        check.add(record, key, _wrong_type(f"'{key}'", value, "a brand id"))
        return ""
    brand = brands.brands.get(value)
    if brand is None:
        if brands.unknown(value):
            check.add(record, key, f"'{key}' names unknown brand {_show(value)}")
        return ""
    if brand.kind is not kind:
        check.add(
            record, key, f"'{key}' must be a {kind.value.replace('_', ' ')}: '{value}' is not"
        )
        return ""
    return value


def _build_partnerships(
    check: _Checker, raw: RawKnowledge, brands: _BrandIndex, sources: _SourceIndex
) -> dict[str, Partnership]:
    seen: dict[str, Mapping[str, Any]] = {}
    pairs: dict[tuple[str, str], str] = {}
    partnerships: dict[str, Partnership] = {}
    for record in raw.partnerships:
        check.keys(record, PARTNERSHIP_FIELDS, "partnership")
        partnership_id = check.identifier(record, seen)
        phone = _brand_ref(check, record, "phone_maker", brands, BrandKind.PHONE_MAKER)
        camera = _brand_ref(check, record, "camera_maker", brands, BrandKind.CAMERA_MAKER)
        status = _enum(check, record, "status", PartnershipStatus)
        period = check.text(record, "period", max_length=200, required=False)
        devices = check.text_list(record, "devices", max_length=limits.CHOICE_MAX)
        summary = check.text(record, "summary", max_length=limits.SUMMARY_MAX, required=False)
        reported = check.text_list(record, "reported_devices", max_length=limits.CHOICE_MAX)
        citations = _citations(check, record, sources)
        due = _month(check, record, "first_phone_due", citations, sources)
        since = _month(check, record, "since", citations, sources)
        _period(check, record, period, citations)
        if phone and camera:
            if (phone, camera) in pairs:
                check.add(
                    record,
                    None,
                    f"{phone} and {camera} already have partnership '{pairs[phone, camera]}'",
                )
            pairs[phone, camera] = partnership_id
        if partnership_id and phone and camera and status and citations:
            partnerships[partnership_id] = Partnership(
                partnership_id,
                phone,
                camera,
                status,
                period,
                devices,
                summary,
                citations,
                first_phone_due=due,
                reported_devices=reported,
                since=since,
            )
    return partnerships


def _month(
    check: _Checker,
    record: Mapping[str, Any],
    key: str,
    citations: tuple[Citation, ...],
    sources: _SourceIndex,
) -> Month | None:
    """A quoted "YYYY-MM" or "YYYY" that one of the record's own quotes names (month or year)."""
    if key not in record:
        return None
    value = record[key]
    found = _MONTH_PATTERN.fullmatch(value) if isinstance(value, str) else None
    month = None
    # Year 0 is no year a date can hold (a month of it could not even be named).
    if found and int(found["year"]) >= dt.MINYEAR:
        number = int(found["month"]) if found["month"] else None
        if number is None or 1 <= number <= 12:
            month = Month(int(found["year"]), number)
    if month is None:
        check.add(record, key, f'\'{key}\' must be quoted "YYYY-MM" or "YYYY", not {_show(value)}')
        return None
    # The date is a claim like any other: one of the record's quotes must say it — the month by
    # name, and the year in figures or as "this year" in a source of that year.
    month_name = month.label.split()[0].lower() if month.month else None
    said = [
        citation
        for citation in citations
        if month_name is None or month_name in citation.quote.lower()
    ]
    # With no month named every quote counts, so `said` is empty only when one is named.
    if citations and not said and month_name is not None:
        check.add(
            record, key, f"'{key}': no quote of this partnership mentions {month_name.title()}"
        )
        return month

    def names_year(citation: Citation) -> bool:
        quote = citation.quote.lower()
        source = sources.sources.get(citation.source_id)
        this_year = "this year" in quote and source is not None and source.date.year == month.year
        return str(month.year) in quote or this_year

    if said and not any(names_year(citation) for citation in said):
        check.add(record, key, f"'{key}': no quote of this partnership gives the year {month.year}")
    return month


def _period(
    check: _Checker, record: Mapping[str, Any], period: str, citations: tuple[Citation, ...]
) -> None:
    """A period is words a quote of the record says, in its order ("multi-year", "four-year").

    A count may be spelled either way ("4-year" for "four years") and a word may be said in
    the singular or the plural; any other word ("twenty", "decade", "100") is a claim no quote
    makes, and so is a quote's words reordered ("year-multi"). Only ASCII words joined by one
    space or hyphen are read: anything else would be words this check never sees. With no
    citations the missing citations are the problem reported.
    """
    if not period:
        return
    if not _PERIOD_PATTERN.fullmatch(period):
        message = (
            "'period' must be words joined by single spaces or hyphens, as in multi-year, "
            f"not {_show(period)}"
        )
        check.add(record, "period", message)
        return
    if not citations:
        return
    quotes = [re.findall(r"[a-z0-9]+", c.quote.lower()) for c in citations]
    quoted = {word for quote in quotes for word in quote}
    wanted = []
    for word in re.findall(r"[a-z0-9]+", period.lower()):
        number = int(word) if word.isdigit() else _COUNTS.get(word)
        forms = {word, f"{word}s", word.removesuffix("s")}
        if number is not None:
            forms |= {str(number), *(w for w, n in _COUNTS.items() if n == number)}
        if not forms & quoted:
            check.add(record, "period", f"'period': no quote of this partnership says {word}")
            return
        wanted.append(forms)
    if not any(_says_in_order(quote, wanted) for quote in quotes):
        words = " ".join(re.findall(r"[a-z0-9]+", period.lower()))
        message = f"'period': no quote of this partnership says {words!r} in that order"
        check.add(record, "period", message)


# Words that may stand between a period's words without changing it: "three more years" is a
# three-year renewal. Nothing else may: "year-multi" or "three good years" is not what was said.
_PERIOD_FILLERS = frozenset({"more", "further", "additional", "extra"})


def _says_in_order(quote: list[str], wanted: list[set[str]]) -> bool:
    """Whether a quote's words hold the wanted words in order, only fillers ("more") between."""
    for start, word in enumerate(quote):
        if word not in wanted[0]:
            continue
        at = start
        for forms in wanted[1:]:
            at += 1
            while at < len(quote) and quote[at] in _PERIOD_FILLERS and quote[at] not in forms:
                at += 1
            if at >= len(quote) or quote[at] not in forms:
                break
        else:
            return True
    return False


def build_fact(
    record: Mapping[str, Any],
    brands: Mapping[str, Brand],
    sources: Mapping[str, Source],
    seen: MutableMapping[str, Mapping[str, Any]] | None = None,
    asked: Mapping[str, str] | None = None,
) -> tuple[Fact | None, list[Problem]]:
    """Validate one fact record against known brands and sources.

    `asked` maps every other fact's questions (as `question_key` gives them) to that fact's id:
    a question another fact already asks could never be answered by this one.
    """
    check = _Checker()
    fact = _build_fact(
        check,
        record,
        _BrandIndex(brands),
        _SourceIndex(sources),
        {} if seen is None else seen,
        {} if asked is None else asked,
    )
    return fact, check.problems


def question_key(question: str) -> str:
    """A question as matching sees it: its words, lower-case (case and punctuation dropped)."""
    return fold(question)


def _questions(
    check: _Checker,
    record: Mapping[str, Any],
    fact_id: str,
    questions: list[tuple[str, str]],
    asked: Mapping[str, str],
) -> bool:
    """Every question must have words and be asked by no other fact; False when one is not."""
    fine = True
    for key, question in questions:
        folded = question_key(question)
        what = "the question" if key == "question" else f"the phrasing {question[:80]!r}"
        if not folded:
            check.add(record, key, f"{what} has no words, so no one can ask it")
            fine = False
            continue
        owner = asked.get(folded)
        if owner is not None and owner != fact_id:
            message = (
                f"{what} is already asked by fact '{owner}', which would always answer it "
                "instead: change it, or edit that fact"
            )
            check.add(record, key, message)
            fine = False
    return fine


def _build_fact(
    check: _Checker,
    record: Mapping[str, Any],
    brands: _BrandIndex,
    sources: _SourceIndex,
    seen: MutableMapping[str, Mapping[str, Any]],
    asked: Mapping[str, str],
) -> Fact | None:
    problems_before = len(check.problems)
    complete = check.keys(record, FACT_FIELDS, "fact")
    fact_id = check.identifier(record, seen)
    question = check.text(record, "question", max_length=limits.CHOICE_MAX)
    phrasings = check.text_list(
        record, "phrasings", max_length=limits.PHRASING_MAX, max_items=limits.PHRASINGS_MAX
    )
    questions = [("question", question)] if question else []
    text_length = len("\n".join(phrasings))
    if text_length > limits.PHRASINGS_TEXT_MAX:
        message = (
            f"'phrasings' take {text_length:,} characters one a line; at most "
            f"{limits.PHRASINGS_TEXT_MAX:,} fit the edit form (drop or shorten some)"
        )
        check.add(record, "phrasings", message)
    questions += [("phrasings", phrasing) for phrasing in phrasings]
    _questions(check, record, fact_id, questions, asked)
    answer = check.text(record, "answer", max_length=limits.ANSWER_MAX)
    brand_ids = check.text_list(record, "brands", max_length=63, max_items=limits.BRANDS_MAX)
    known = True
    for brand_id in brand_ids:
        if brand_id not in brands.brands:
            known = False
            if brands.unknown(brand_id):
                check.add(record, "brands", f"'brands' names unknown brand {_show(brand_id)}")
    citations = _citations(check, record, sources)
    if len(citations) > limits.CITATIONS_MAX:
        message = (
            f"'citations' has {len(citations)} items; at most {limits.CITATIONS_MAX} are accepted"
        )
        check.add(record, "citations", message)
    if not (complete and known and fact_id and question and answer and citations):
        return None
    if len(check.problems) > problems_before:
        return None  # e.g. a text too long or with control characters: it was still read
    return Fact(fact_id, question, answer, citations, phrasings, brand_ids)


def build_fact_base(
    raw: RawKnowledge, asked: dict[str, str] | None = None
) -> tuple[FactBase | None, list[Problem]]:
    """Turn raw records into a FactBase; the base is None when there is any problem.

    `asked`, when given, is filled with which fact asks each question (`question_key`).
    """
    check = _Checker()
    check.problems.extend(raw.problems)
    invalid_sources: set[str] = set()
    invalid_brands: set[str] = set()
    sources = _build_sources(check, raw, invalid_sources)
    index = _SourceIndex(sources, invalid_sources, unread=raw.sources_unread)
    brands = _BrandIndex(
        _build_brands(check, raw, invalid_brands, index), invalid_brands, unread=raw.brands_unread
    )
    partnerships = _build_partnerships(check, raw, brands, index)
    seen: dict[str, Mapping[str, Any]] = {}
    asked = {} if asked is None else asked
    facts = []
    for record in raw.facts:
        fact = _build_fact(check, record, brands, index, seen, asked)
        if fact is not None:
            facts.append(fact)
            for question in fact.questions:
                asked.setdefault(question_key(question), fact.id)
    if check.problems:
        # By file, then line, whatever order the checks found them in (stable within a line).
        return None, sorted(check.problems, key=lambda problem: (problem.file, problem.line))
    base = FactBase(
        sources=sources,
        brands=dict(brands.brands),
        partnerships=partnerships,
        facts={fact.id: fact for fact in facts},
    )
    return base, []

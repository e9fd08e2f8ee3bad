"""Validation: raw records into a FactBase, reporting every problem with file, line and record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot import limits
from bot.models import (
    Brand,
    BrandKind,
    Citation,
    Device,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
    Source,
)
from bot.text import fold, has_control_characters, quote_key

if TYPE_CHECKING:
    from bot.loader import RawKnowledge

_E = TypeVar("_E", BrandKind, PartnershipStatus)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


class KnowledgeError(Exception):
    """The knowledge files are invalid; `problems` says every way in which."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge files")

    def report(self) -> str:
        """Every problem, one a line."""
        return "\n".join(str(problem) for problem in self.problems)


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
}
DEVICE_FIELDS = {"name": True, "aliases": False}
PARTNERSHIP_FIELDS = {
    "id": True,
    "phone_maker": True,
    "camera_maker": True,
    "status": True,
    "period": False,
    "devices": False,
    "summary": False,
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

_LIST_FIELDS = {"aliases", "devices", "phrasings", "brands", "citations"}


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "nothing"
    return {int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


class _Checker:
    """Collects problems while records are turned into models."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, record: Mapping[str, Any], key: str | None, message: str) -> None:
        file = getattr(record, "file", "")
        line = record.line_of(key) if key and hasattr(record, "line_of") else _line(record)
        record_id = record.get("id") if isinstance(record.get("id"), str) else None
        self.problems.append(Problem(file, line, record_id, message))

    def keys(self, record: Mapping[str, Any], spec: Mapping[str, bool], kind: str) -> bool:
        """Unknown, duplicate and missing keys; False when a required key is missing."""
        for key in getattr(record, "duplicate_keys", []):
            self.add(record, key, f"the key '{key}' is given twice")
        allowed = ", ".join(spec)
        for key in record:
            if key not in spec:
                self.add(record, str(key), f"unknown key '{key}' in a {kind} (allowed: {allowed})")
        complete = True
        for key, required in spec.items():
            if required and key not in record:
                self.add(record, None, f"missing key '{key}' in a {kind}")
                complete = False
        return complete

    def text(
        self,
        record: Mapping[str, Any],
        key: str,
        *,
        max_length: int,
        required: bool = True,
        context: Mapping[str, Any] | None = None,
    ) -> str:
        """A non-empty string field of at most `max_length` characters."""
        value = record.get(key)
        owner = context if context is not None else record
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, bool | int | float | dt.date) else ""
            self.add(owner, key, f"'{key}' must be text, not {_type_name(value)}{hint}")
            return ""
        stripped = value.strip()
        if required and not stripped:
            self.add(owner, key, f"'{key}' is empty")
        if len(stripped) > max_length:
            self.add(
                owner,
                key,
                f"'{key}' is {len(stripped)} characters; at most {max_length} fit in Discord",
            )
        if has_control_characters(stripped):
            self.add(owner, key, f"'{key}' contains control characters")
        return stripped

    def text_list(self, record: Mapping[str, Any], key: str, *, max_length: int) -> tuple[str, ...]:
        """A list of non-empty strings."""
        value = record.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(record, key, f"'{key}' must be a list of texts, not {_type_name(value)}")
            return ()
        items: list[str] = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                self.add(record, key, f"'{key}' item {position} must be non-empty text")
                continue
            if len(item.strip()) > max_length:
                self.add(record, key, f"'{key}' item {position} is over {max_length} characters")
            if has_control_characters(item):
                self.add(record, key, f"'{key}' item {position} contains control characters")
            items.append(item.strip())
        return tuple(items)

    def record_list(self, record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        """A list of mappings (citations, devices)."""
        value = record.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(record, key, f"'{key}' must be a list, not {_type_name(value)}")
            return []
        items = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                self.add(record, key, f"'{key}' item {position} must be a mapping of fields")
                continue
            items.append(item)
        return items

    def identifier(self, record: Mapping[str, Any], seen: dict[str, Mapping[str, Any]]) -> str:
        """A well-formed id, unique among records of its kind."""
        value = record.get("id")
        if not isinstance(value, str):
            self.add(record, "id", f"'id' must be text, not {_type_name(value)}")
            return ""
        if not ID_PATTERN.fullmatch(value):
            self.add(
                record,
                "id",
                f"id '{value}' must be 1-63 lower-case letters, digits or '-', "
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


def _line(record: Mapping[str, Any]) -> int:
    return int(getattr(record, "line", 0))


class _SourceIndex:
    """Source texts in the normalised form quotes are looked up in."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self.sources = sources
        self._keys = {sid: quote_key(source.text) for sid, source in sources.items()}

    def contains(self, source_id: str, quote: str) -> bool:
        return quote_key(quote) in self._keys.get(source_id, "")


def _citations(
    check: _Checker, record: Mapping[str, Any], sources: _SourceIndex
) -> tuple[Citation, ...]:
    items = check.record_list(record, "citations")
    if "citations" in record and not items:
        check.add(record, "citations", "at least one citation is needed")
    citations: list[Citation] = []
    for item in items:
        if not check.keys(item, CITATION_FIELDS, "citation"):
            continue
        source_id = check.text(item, "source", max_length=63, context=record)
        quote = check.text(item, "quote", max_length=limits.QUOTE_MAX, context=record)
        if not source_id or not quote:
            continue
        if source_id not in sources.sources:
            check.add(record, "citations", f"citation names unknown source '{source_id}'")
            continue
        if not sources.contains(source_id, quote):
            check.add(
                record,
                "citations",
                f"quote not found word for word in source '{source_id}': {quote[:80]!r}",
            )
            continue
        citations.append(Citation(source_id=source_id, quote=quote))
    return tuple(citations)


def _build_sources(check: _Checker, raw: RawKnowledge) -> dict[str, Source]:
    seen: dict[str, Mapping[str, Any]] = {}
    sources: dict[str, Source] = {}
    for record in raw.sources:
        if not check.keys(record, SOURCE_FIELDS, "source"):
            continue
        source_id = check.identifier(record, seen)
        title = check.text(record, "title", max_length=limits.EMBED_TITLE_MAX)
        url = check.text(record, "url", max_length=512, required=False)
        if url and not url.startswith(("https://", "http://")):
            check.add(record, "url", "'url' must start with https:// or be empty")
        date = _date(check, record)
        file = check.text(record, "file", max_length=200)
        text = raw.read_source_text(file) if file else None
        if file and text is None:
            check.add(record, "file", f"source text '{file}' is missing or not under sources/")
        if source_id and title and date and text is not None:
            sources[source_id] = Source(source_id, title, date, url, file, text)
    return sources


def _date(check: _Checker, record: Mapping[str, Any]) -> dt.date | None:
    value = record.get("date")
    if isinstance(value, dt.date):
        check.add(record, "date", "'date' must be quoted text such as \"2022-05-23\"")
        return None
    if not isinstance(value, str) or not _DATE_PATTERN.fullmatch(value):
        check.add(record, "date", f"'date' must be a date written YYYY-MM-DD, not {value!r}")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        check.add(record, "date", f"'date' {value!r} is not a real date")
        return None


def _enum(check: _Checker, record: Mapping[str, Any], key: str, enum: type[_E]) -> _E | None:
    value = record.get(key)
    choices = ", ".join(member.value for member in enum)
    if isinstance(value, str) and value in {member.value for member in enum}:
        return enum(value)
    check.add(record, key, f"'{key}' must be one of {choices}, not {value!r}")
    return None


def _build_brands(check: _Checker, raw: RawKnowledge) -> dict[str, Brand]:
    seen: dict[str, Mapping[str, Any]] = {}
    brands: dict[str, Brand] = {}
    name_owner: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for record in raw.brands:
        if not check.keys(record, BRAND_FIELDS, "brand"):
            continue
        brand_id = check.identifier(record, seen)
        name = check.text(record, "name", max_length=limits.CHOICE_MAX)
        kind = _enum(check, record, "kind", BrandKind)
        country = check.text(record, "country", max_length=60, required=False) or None
        aliases = check.text_list(record, "aliases", max_length=limits.CHOICE_MAX)
        devices = _devices(check, record)
        for label in (name, *aliases):
            key = fold(label)
            if not key:
                continue
            owner = name_owner.get(key)
            if owner and owner[0] != brand_id:
                check.add(
                    record, "aliases", f"name or alias '{label}' is also used by brand '{owner[0]}'"
                )
            elif not owner:
                name_owner[key] = (brand_id, record)
        if brand_id and name and kind:
            brands[brand_id] = Brand(brand_id, name, kind, country, aliases, devices)
    return brands


def _devices(check: _Checker, record: Mapping[str, Any]) -> tuple[Device, ...]:
    devices = []
    for item in check.record_list(record, "devices"):
        if not check.keys(item, DEVICE_FIELDS, "device"):
            continue
        name = check.text(item, "name", max_length=limits.CHOICE_MAX, context=record)
        aliases = check.text_list(item, "aliases", max_length=limits.CHOICE_MAX)
        if name:
            devices.append(Device(name, aliases))
    return tuple(devices)


def _brand_ref(
    check: _Checker,
    record: Mapping[str, Any],
    key: str,
    brands: Mapping[str, Brand],
    kind: BrandKind,
) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        check.add(record, key, f"'{key}' must be a brand id, not {_type_name(value)}")
        return ""
    brand = brands.get(value)
    if brand is None:
        check.add(record, key, f"'{key}' names unknown brand '{value}'")
        return ""
    if brand.kind is not kind:
        check.add(
            record, key, f"'{key}' must be a {kind.value.replace('_', ' ')}: '{value}' is not"
        )
        return ""
    return value


def _build_partnerships(
    check: _Checker, raw: RawKnowledge, brands: Mapping[str, Brand], sources: _SourceIndex
) -> dict[str, Partnership]:
    seen: dict[str, Mapping[str, Any]] = {}
    pairs: dict[tuple[str, str], str] = {}
    partnerships: dict[str, Partnership] = {}
    for record in raw.partnerships:
        if not check.keys(record, PARTNERSHIP_FIELDS, "partnership"):
            continue
        partnership_id = check.identifier(record, seen)
        phone = _brand_ref(check, record, "phone_maker", brands, BrandKind.PHONE_MAKER)
        camera = _brand_ref(check, record, "camera_maker", brands, BrandKind.CAMERA_MAKER)
        status = _enum(check, record, "status", PartnershipStatus)
        period = check.text(record, "period", max_length=200, required=False)
        devices = check.text_list(record, "devices", max_length=limits.CHOICE_MAX)
        summary = check.text(record, "summary", max_length=limits.SUMMARY_MAX, required=False)
        citations = _citations(check, record, sources)
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
                partnership_id, phone, camera, status, period, devices, summary, citations
            )
    return partnerships


def build_fact(
    record: Mapping[str, Any],
    brands: Mapping[str, Brand],
    sources: Mapping[str, Source],
    seen: dict[str, Mapping[str, Any]] | None = None,
) -> tuple[Fact | None, list[Problem]]:
    """Validate one fact record against known brands and sources."""
    check = _Checker()
    fact = _build_fact(check, record, brands, _SourceIndex(sources), {} if seen is None else seen)
    return fact, check.problems


def _build_fact(
    check: _Checker,
    record: Mapping[str, Any],
    brands: Mapping[str, Brand],
    sources: _SourceIndex,
    seen: dict[str, Mapping[str, Any]],
) -> Fact | None:
    if not check.keys(record, FACT_FIELDS, "fact"):
        return None
    fact_id = check.identifier(record, seen)
    question = check.text(record, "question", max_length=limits.CHOICE_MAX)
    phrasings = check.text_list(record, "phrasings", max_length=limits.PHRASING_MAX)
    answer = check.text(record, "answer", max_length=limits.ANSWER_MAX)
    brand_ids = check.text_list(record, "brands", max_length=63)
    for brand_id in brand_ids:
        if brand_id not in brands:
            check.add(record, "brands", f"'brands' names unknown brand '{brand_id}'")
    citations = _citations(check, record, sources)
    if not (fact_id and question and answer and citations):
        return None
    if any(brand_id not in brands for brand_id in brand_ids):
        return None
    return Fact(fact_id, question, answer, citations, phrasings, brand_ids)


def build_fact_base(raw: RawKnowledge) -> tuple[FactBase | None, list[Problem]]:
    """Turn raw records into a FactBase; the base is None when there is any problem."""
    check = _Checker()
    check.problems.extend(raw.problems)
    sources = _build_sources(check, raw)
    brands = _build_brands(check, raw)
    index = _SourceIndex(sources)
    partnerships = _build_partnerships(check, raw, brands, index)
    seen: dict[str, Mapping[str, Any]] = {}
    facts = [
        fact
        for record in raw.facts
        if (fact := _build_fact(check, record, brands, index, seen)) is not None
    ]
    if check.problems:
        return None, check.problems
    base = FactBase(
        sources=sources,
        brands=brands,
        partnerships=partnerships,
        facts={fact.id: fact for fact in facts},
    )
    return base, []

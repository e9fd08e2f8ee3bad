"""A moderator's fields into a fact record: limits, cleaning, ids and versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from bot.facts import limits
from bot.facts.models import Source
from bot.facts.problems import Problem
from bot.facts.raw import FACTS_DIR
from bot.facts.record_files import parse_item, plain_data, split_items
from bot.facts.text import words
from bot.facts.validation import ID_PATTERN

NEW_FACTS_FILE = f"{FACTS_DIR}/moderated.yaml"
FACT_KEYS = ("id", "question", "phrasings", "answer", "brands", "citations")
SOURCE_KEYS = ("id", "title", "date", "url", "file")
_OPTIONAL_LISTS = ("phrasings", "brands")

# Input limits, before validation proper: what a moderator can reasonably type.
MAX_INPUT_CHARS = 64 * 1024
MAX_INPUT_DEPTH = 6
MAX_SOURCE_TEXT = 1_000_000
SLUG_MAX = 48


def record_version(record: Mapping[str, Any] | None) -> str | None:
    """The version of a record: a hash of its content (what optimistic concurrency compares)."""
    if record is None:
        return None
    data = json.dumps(plain_data(record), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def slugify(text: object, fallback: str = "fact") -> str:
    """An id from a question: lower-case words joined by '-', at most SLUG_MAX characters."""
    slug = ""
    if isinstance(text, str):
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for word in words(text) if isinstance(text, str) else []:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    slug = slug or fallback
    return slug if ID_PATTERN.fullmatch(slug) else fallback


def unique(slug: str, taken: Callable[[str], bool]) -> str:
    """`slug`, or `slug-2`, `-3`, … : the first that is not taken."""
    if not taken(slug):
        return slug
    number = 2
    while taken(f"{slug}-{number}"):
        number += 1
    return f"{slug}-{number}"


def input_problem(value: object) -> str | None:
    """Why input is refused before any other check (too big, too deep, not storable), or None."""
    size = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_INPUT_DEPTH:
            return f"the fields are nested more than {MAX_INPUT_DEPTH} levels deep"
        if isinstance(item, str):
            size += len(item)
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "a field holds characters that are not valid Unicode text"
        elif isinstance(item, Mapping):
            size += len(item)
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            size += len(item)
            stack.extend((child, depth + 1) for child in item)
        elif item is not None and not isinstance(item, bool | int | float | dt.date):
            return f"a field holds {type(item).__name__}, not text"
        else:
            size += 1
        if size > MAX_INPUT_CHARS:
            return f"the fields are over {MAX_INPUT_CHARS} characters in all"
    return None


def typed_copy(fields: object) -> dict[str, Any]:
    """The fields as typed, safe to keep (for a pre-filled form): a deep plain copy."""
    if not isinstance(fields, Mapping):
        return {}
    if input_problem(fields) is not None:
        return {str(k): v for k, v in fields.items() if isinstance(v, str)}
    return {str(key): plain_data(value) for key, value in fields.items()}


def _clean(value: Any) -> Any:
    """Strings stripped, tuples as lists, mappings as dicts (recursively)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def normalise_fact_fields(
    fields: object, current: Mapping[str, Any] | None = None, *, file: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """A fact record from a moderator's fields, merged over `current` for an edit.

    Accepted keys: id, question, answer, phrasings (a list, or text with one a line), brands (a
    list, or text separated by commas or spaces), citations (a list of {source, quote}) or
    `source` and `quote` for a single citation. A key given as None or empty removes an optional
    field. Other keys are kept so that validation names them.
    """
    record: dict[str, Any] = dict(plain_data(current)) if current else {}
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(file, 0, record_id, message))

    if not isinstance(fields, Mapping):
        problem("the fields must be a mapping of names to values")
        return record, problems
    reason = input_problem(fields)
    if reason:
        problem(reason)
        return record, problems
    if "source" in fields or "quote" in fields:
        if "citations" in fields:
            problem("give either 'citations' or 'source' and 'quote', not both")
        source, quote = _clean(fields.get("source")), _clean(fields.get("quote"))
        if source and quote:
            record["citations"] = [{"source": source, "quote": quote}]
        elif source or quote or current is not None:
            problem("a citation needs both a source and a quote")
    for key, value in fields.items():
        if key in ("source", "quote"):
            continue
        if key == "phrasings" and isinstance(value, str):
            value = _lines(value)
        elif key == "brands" and isinstance(value, str):
            value = [part for part in re.split(r"[\s,;]+", value) if part]
        value = _clean(value)
        if key in _OPTIONAL_LISTS and value in (None, "", []):
            record.pop(key, None)
            continue
        record[key] = value
    for key, most in (
        ("phrasings", limits.PHRASINGS_MAX),
        ("brands", limits.BRANDS_MAX),
        ("citations", limits.CITATIONS_MAX),
    ):
        value = record.get(key)
        if isinstance(value, list) and len(value) > most:
            problem(f"'{key}' has {len(value)} items; at most {most} are accepted")
    ordered = {key: record[key] for key in FACT_KEYS if key in record}
    ordered.update((key, value) for key, value in record.items() if key not in ordered)
    return ordered, problems


def cited_sources(record: Mapping[str, Any], sources: Mapping[str, Source]) -> dict[str, Source]:
    """Only the sources a record cites: checking one fact normalises just those texts."""
    cited: dict[str, Source] = {}
    citations = record.get("citations")
    if isinstance(citations, list):
        for citation in citations:
            if isinstance(citation, Mapping):
                source_id = citation.get("source")
                if isinstance(source_id, str) and source_id.strip() in sources:
                    cited[source_id.strip()] = sources[source_id.strip()]
    return cited


def item_text_fits(text: str | None, record: Mapping[str, Any], name: str) -> bool:
    """Whether an item text from the audit log is exactly one item holding `record`."""
    if not text:
        return False
    split = split_items(text)
    if split is None or len(split[1]) != 1 or split[0].strip():
        return False
    parsed = parse_item(text, name, 1)
    return parsed is not None and plain_data(parsed) == plain_data(record)

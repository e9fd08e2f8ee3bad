"""The brand, partnership and source forms' data, without Discord: form texts to store fields.

A form shows a record as a few texts (lists one a line), so a refused or stale change can be
offered again exactly as typed. `record_texts` turns a stored record (or a served model, through
`model_record`) into those texts; `form_fields` turns them back into `RecordStore` fields, every
form field given (an empty one clears it). `nearest_fixes` finds, for each quote that is not word
for word in its source, the source's nearest passage ("did you mean: …").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.facts.models import Brand, Partnership, Source
from bot.facts.problems import Problem
from bot.facts.text import quote_key
from bot.facts.validation import quote_in
from bot.state.audit import Kind
from bot.store import ChangeRejected
from bot.store.records import nearest_passage

# Discord's text inputs hold at most 4000 characters.
_LONG = 4000
# The partnership form's "details" lines, in order: `key: value`.
DETAILS = ("status", "since", "period", "first_phone_due")


def _unreadable(message: str) -> ChangeRejected:
    """What was typed cannot be read as the record's fields: refused like an invalid change."""
    return ChangeRejected([Problem("form", 0, None, message)], {}, "the form cannot be read")


@dataclass(frozen=True, slots=True)
class Input:
    """One text input of a record form."""

    key: str
    label: str
    description: str
    paragraph: bool = False
    required: bool = False
    max_length: int = _LONG


INPUTS: dict[str, tuple[Input, ...]] = {
    Kind.BRAND: (
        Input("name", "Name", "As people write it", required=True, max_length=100),
        Input("country", "Country", "Optional: where it is from", max_length=100),
        Input("aliases", "Other names, one a line", "Optional: spellings people use", True),
        Input(
            "devices", "Devices, one a line", "Optional: Name = alias, alias (e.g. 12 Ultra)", True
        ),
        Input("people", "People, one a line", "Optional: Name | role | source id | quote", True),
    ),
    Kind.PARTNERSHIP: (
        Input(
            "details",
            "Status, since, period, first phone due",
            "status: announced, active or ended; dates YYYY or YYYY-MM; empty clears",
            True,
            required=True,
            max_length=400,
        ),
        Input("devices", "Its phones, one a line", "Optional: phones of the partnership", True),
        Input(
            "reported_devices", "Phones reports named, one a line", "Optional: not confirmed", True
        ),
        Input("summary", "Summary", "Optional: one sentence about it", True, max_length=1000),
        Input(
            "citations",
            "Citations, one a line",
            "source id | quote, word for word from the source",
            True,
            required=True,
        ),
    ),
    Kind.SOURCE: (
        Input("title", "Title", "The article's title, as published", required=True, max_length=256),
        Input("date", "Date", "YYYY-MM-DD", required=True, max_length=30),
        Input("url", "Address (URL)", "Optional: where it was published", max_length=500),
    ),
}
# Adding a source from pasted text: its id and text too.
SOURCE_ADD_INPUTS = (
    *INPUTS[Kind.SOURCE],
    Input(
        "id",
        "Id",
        "Optional: lower-case letters, digits, '-'; default from the title",
        False,
        max_length=63,
    ),
    Input("text", "The article's text", "Pasted whole (longer: attach a .txt file)", True, True),
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _citation_line(citation: object) -> str:
    if not isinstance(citation, Mapping):
        return ""
    return f"{_text(citation.get('source'))} | {_text(citation.get('quote'))}"


def record_texts(kind: str, record: Mapping[str, Any]) -> dict[str, str]:
    """A stored record (plain data) as its form's texts."""
    if kind == Kind.SOURCE:
        return {key: _text(record.get(key)) for key in ("title", "date", "url")}
    if kind == Kind.BRAND:
        devices = []
        for device in _list(record.get("devices")):
            if isinstance(device, Mapping):
                aliases = ", ".join(_text(a) for a in _list(device.get("aliases")))
                name = _text(device.get("name"))
                devices.append(f"{name} = {aliases}" if aliases else name)
        people = []
        for person in _list(record.get("people")):
            if isinstance(person, Mapping):
                who = f"{_text(person.get('name'))} | {_text(person.get('role'))}"
                people += [f"{who} | {_citation_line(c)}" for c in _list(person.get("citations"))]
                if not _list(person.get("citations")):
                    people.append(who)
        return {
            "name": _text(record.get("name")),
            "country": _text(record.get("country")),
            "aliases": "\n".join(_text(a) for a in _list(record.get("aliases"))),
            "devices": "\n".join(devices),
            "people": "\n".join(people),
        }
    details = "\n".join(f"{key}: {_text(record.get(key))}" for key in DETAILS)
    return {
        "details": details,
        "devices": "\n".join(_text(d) for d in _list(record.get("devices"))),
        "reported_devices": "\n".join(_text(d) for d in _list(record.get("reported_devices"))),
        "summary": _text(record.get("summary")),
        "citations": "\n".join(_citation_line(c) for c in _list(record.get("citations"))),
    }


def _citations(citations: Sequence[Any]) -> list[dict[str, str]]:
    return [{"source": c.source_id, "quote": c.quote} for c in citations]


def model_record(model: Brand | Partnership | Source) -> dict[str, Any]:
    """A served record as plain data (the fields its form shows), read without any lock."""
    if isinstance(model, Source):
        return {"title": model.title, "date": model.date.isoformat(), "url": model.url}
    if isinstance(model, Brand):
        return {
            "name": model.name,
            "country": model.country or "",
            "aliases": list(model.aliases),
            "devices": [{"name": d.name, "aliases": list(d.aliases)} for d in model.devices],
            "people": [
                {"name": p.name, "role": p.role, "citations": _citations(p.citations)}
                for p in model.people
            ],
        }

    def month(value: Any) -> str:
        if value is None:
            return ""
        return f"{value.year}-{value.month:02d}" if value.month else str(value.year)

    return {
        "status": str(model.status),
        "since": month(model.since),
        "period": model.period,
        "first_phone_due": month(model.first_phone_due),
        "devices": list(model.devices),
        "reported_devices": list(model.reported_devices),
        "summary": model.summary,
        "citations": _citations(model.citations),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pair(line: str, number: int, what: str) -> dict[str, str]:
    source, bar, quote = line.partition("|")
    if not bar or not source.strip() or not quote.strip():
        raise _unreadable(f"{what} line {number} must be `source id | quote`")
    return {"source": source.strip(), "quote": quote.strip()}


def _brand_fields(texts: Mapping[str, str]) -> dict[str, Any]:
    devices = []
    for line in _lines(texts.get("devices", "")):
        name, _, aliases = line.partition("=")
        device: dict[str, Any] = {"name": name.strip()}
        listed = [alias.strip() for alias in aliases.split(",") if alias.strip()]
        if listed:
            device["aliases"] = listed
        devices.append(device)
    people: list[dict[str, Any]] = []
    for number, line in enumerate(_lines(texts.get("people", "")), start=1):
        parts = [part.strip() for part in line.split("|", 3)]
        if len(parts) != 4 or not all(parts):
            raise _unreadable(f"people line {number} must be `name | role | source id | quote`")
        name, role, source, quote = parts
        citation = {"source": source, "quote": quote}
        if people and (people[-1]["name"], people[-1]["role"]) == (name, role):
            people[-1]["citations"].append(citation)  # one person, another quote
        else:
            people.append({"name": name, "role": role, "citations": [citation]})
    return {
        "name": texts.get("name", ""),
        "country": texts.get("country", ""),
        "aliases": _lines(texts.get("aliases", "")),
        "devices": devices,
        "people": people,
    }


def _partnership_fields(texts: Mapping[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for line in _lines(texts.get("details", "")):
        key, colon, value = line.partition(":")
        key = key.strip().lower().replace(" ", "_")
        if not colon or key not in DETAILS:
            raise _unreadable(
                f"details line {line[:40]!r} must be `key: value`, the key one of "
                + ", ".join(DETAILS)
            )
        fields[key] = value.strip()
    citations = [
        _pair(line, n, "citations")
        for n, line in enumerate(_lines(texts.get("citations", "")), start=1)
    ]
    return {
        **{key: fields.get(key, "") for key in DETAILS},
        "devices": _lines(texts.get("devices", "")),
        "reported_devices": _lines(texts.get("reported_devices", "")),
        "summary": texts.get("summary", ""),
        "citations": citations,
    }


def form_fields(kind: str, texts: Mapping[str, str]) -> dict[str, Any]:
    """The store fields a form's texts give; ChangeRejected if unreadable."""
    if kind == Kind.SOURCE:
        return {key: texts.get(key, "") for key in ("title", "date", "url")}
    if kind == Kind.BRAND:
        return _brand_fields(texts)
    return _partnership_fields(texts)


def _quotes(fields: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    citations = [c for c in _list(fields.get("citations")) if isinstance(c, Mapping)]
    for person in _list(fields.get("people")):
        if isinstance(person, Mapping):
            citations += [c for c in _list(person.get("citations")) if isinstance(c, Mapping)]
    return citations


def nearest_quote(text: str, quote: str) -> str | None:
    """The passage of `text` to offer for a quote not word for word in it (None: it is, or none)."""
    if not quote.strip() or quote_in(quote_key(quote), quote_key(text)):
        return None
    passage = nearest_passage(text, quote)
    return passage if passage is not None and passage != quote.strip() else None


def nearest_fixes(fields: Mapping[str, Any], texts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(quote as typed, nearest passage) for each quote not word for word in its source's text."""
    fixes: list[tuple[str, str]] = []
    for citation in _quotes(fields):
        quote, text = _text(citation.get("quote")), texts.get(_text(citation.get("source")))
        passage = nearest_quote(text, quote) if text is not None else None
        if passage is not None and (quote.strip(), passage) not in fixes:
            fixes.append((quote.strip(), passage))
    return fixes


def with_fixes(texts: Mapping[str, str], fixes: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The form's texts with each refused quote replaced by its nearest passage."""
    wanted = dict(fixes)
    fixed = dict(texts)
    for key in ("citations", "people"):
        lines = []
        for line in fixed.get(key, "").splitlines():
            # The quote is what follows the first bar (citations) or the third (people).
            parts = line.split("|", 1 if key == "citations" else 3)
            if len(parts) > 1 and parts[-1].strip() in wanted:
                line = "|".join([*parts[:-1], f" {wanted[parts[-1].strip()]}"])
            lines.append(line)
        if key in fixed:
            fixed[key] = "\n".join(lines)
    return fixed

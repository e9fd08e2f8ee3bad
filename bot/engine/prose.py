"""Writing what the records say as sentences people read: partnerships, lists, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.engine.questions import COUNTRIES, COUNTRY_KEYS, NUMBER_WORDS
from bot.facts.models import FactBase, Partnership, PartnershipStatus
from bot.facts.text import fold


def date_label(date: dt.date | None) -> str | None:
    """A date as people write it: 23 May 2022."""
    return f"{date.day} {date:%B %Y}" if date else None


def partnership_clause(partnership: Partnership, base: FactBase, subject: str | None = None) -> str:
    """What a partnership is, from one brand's side: "OnePlus works with Hasselblad"."""
    first, second = partnership.phone_maker, partnership.camera_maker
    if subject == second:
        first, second = second, first
    a, b = base.brands[first].name, base.brands[second].name
    period = partnership.period
    status = partnership.status
    if status is PartnershipStatus.ACTIVE:
        return f"{a} has a {period} partnership with {b}" if period else f"{a} works with {b}"
    if status is PartnershipStatus.ANNOUNCED:
        kind = f"{period} partnership" if period else "partnership"
        if first == partnership.camera_maker:
            # The phone maker announced it: "Leica has announced…" would be a claim no quote makes.
            return f"{a}'s {kind} with {b} has been announced"
        return f"{a} has announced a {kind} with {b}"
    if period:
        return f"{a} had a {period} partnership with {b}, which has since ended"
    return f"{a} worked with {b}, and the partnership has since ended"


def partnership_details(partnership: Partnership) -> list[str]:
    """Sentences on a partnership's phones: seen on, due, reported."""
    said = []
    if partnership.devices:
        said.append(f"The partnership was seen on the {series(partnership.devices)}.")
    if partnership.first_phone_due:
        said.append(f"The first phone was due in {partnership.first_phone_due.label}.")
    if partnership.reported_devices:
        said.append(f"Reports suggested it would be the {series(partnership.reported_devices)}.")
    return said


def partnership_sentence(
    partnership: Partnership, base: FactBase, subject: str | None = None
) -> str:
    """A partnership in a sentence or three, with its phones."""
    clause = partnership_clause(partnership, base, subject)
    return " ".join([f"{clause}.", *partnership_details(partnership)])


def series(items: Iterable[str], conjunction: str = "and") -> str:
    """Items as a sentence lists them: A, B and C."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def lowered(text: str) -> str:
    """A date line that follows a colon: "as reported on …"."""
    return text[0].lower() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter of a sentence that follows a comma, unless it starts a name."""
    first = text.split(" ", 1)[0]
    if first in {"The", "A", "An", "Both", "It", "Its", "Reports"}:
        return text[0].lower() + text[1:]
    return text


def count_words(number: int) -> str:
    """A small count in words, as the sources write it: four."""
    names = {value: word for word, value in NUMBER_WORDS.items()}
    return names.get(number, str(number))


def adjective(country: str) -> str:
    """A country's adjective ("Germany" or "germany": German), or the name as written."""
    key = COUNTRY_KEYS.get(fold(country))
    return COUNTRIES[key][0] if key else country

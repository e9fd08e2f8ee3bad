"""Answers over sources of several dates (issue #18, item 1): each clause dated by its own source.

`tests/data/later` is the shipped base with two fictional later articles added by hand in
today's schema, as a moderator would: Oppo with Hasselblad and the Xiaomi 12S Ultra (14 December
2022), Vivo's Zeiss partnership extended, with its start year (18 June 2023).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.engine.loading import checked_base
from bot.facts.models import Brand, BrandKind, Citation, FactBase, Partnership, Source
from bot.facts.models import PartnershipStatus as Status

LATER = Path(__file__).resolve().parents[2] / "data" / "later"
MAY, DECEMBER, JUNE = "23 May 2022", "14 December 2022", "18 June 2023"

# question, how the answer opens ("" for no yes or no), what it must say, what it must not.
GOLDEN: list[tuple[str, str, list[str], list[str]]] = [
    (
        "is oneplus the only brand with hasselblad",
        "No.",
        [
            f"As reported on {MAY}, Hasselblad has a multi-year partnership with OnePlus",
            f"as of {DECEMBER}, Hasselblad works with Oppo",
        ],
        [f"{DECEMBER}, Hasselblad has a multi-year"],
    ),
    (
        "what was the first xiaomi leica phone",
        "",
        [
            "In May 2022 reports named the Xiaomi 12 Ultra",
            f"as of {DECEMBER} the first phone of the Xiaomi–Leica partnership was the "
            "Xiaomi 12S Ultra",
        ],
        ["did not give any details"],
    ),
    (
        "was the xiaomi 12 ultra the first leica phone?",
        "No.",
        ["In May 2022 reports named the Xiaomi 12 Ultra", "was the Xiaomi 12S Ultra"],
        [],
    ),
    (
        "was the xiaomi 12s ultra the first leica phone?",
        "Yes.",
        [f"as of {DECEMBER} the first phone of the Xiaomi–Leica partnership was the Xiaomi 12S"],
        [],
    ),
    (
        "xiaomi leica",
        "",
        [
            f"As reported on {DECEMBER}, Xiaomi works with Leica",
            "The partnership was seen on the Xiaomi 12S Ultra",
            "In May 2022 reports named the Xiaomi 12 Ultra",
        ],
        ["Reports suggested it would be the Xiaomi 12 Ultra", f"{DECEMBER}, reports suggested"],
    ),
    (
        "who works with hasselblad?",
        "",
        [
            f"As reported on {MAY}, Hasselblad has a multi-year partnership with OnePlus",
            f"As of {DECEMBER}, Hasselblad works with Oppo",
        ],
        [f"{DECEMBER}, Hasselblad has a multi-year"],
    ),
    (
        "is the xiaomi leica partnership official yet?",
        "Yes.",
        [f"As reported on {DECEMBER}, the partnership between Xiaomi and Leica is official"],
        [],
    ),
    (
        "how long is the vivo zeiss deal",
        "",
        [f"As reported on {JUNE}, Vivo has a five-year partnership with Zeiss"],
        [MAY],
    ),
    (
        "has the first xiaomi leica phone launched?",
        "Yes.",
        [f"as of {DECEMBER} the first phone of the Xiaomi–Leica partnership was the Xiaomi 12S"],
        [],
    ),
    (
        "when was the first xiaomi leica phone due?",
        "",
        [f"As reported on {MAY}, the first phone of the Xiaomi–Leica partnership was due in July"],
        [DECEMBER],
    ),
    ("when did vivo start working with zeiss?", "", [f"As reported on {JUNE}", "2020"], []),
    ("when did xiaomi and leica partner?", "", [f"As reported on {MAY}", "in 2022"], []),
    (
        "does oppo work with hasselblad?",
        "Yes.",
        [f"As reported on {DECEMBER}, Oppo works with Hasselblad"],
        [],
    ),
    (
        "vivo zeiss",
        "",
        [
            f"As reported on {JUNE}, Vivo has a five-year partnership with Zeiss",
            f"As reported on {MAY}, Vivo works with Zeiss on the cameras",
        ],
        [],
    ),
    (
        "what are all the camera partnerships?",
        "",
        [
            f"As reported on {MAY}, OnePlus has a multi-year partnership with Hasselblad",
            f"As of {DECEMBER}, Oppo works with Hasselblad",
            f"As of {JUNE}, Vivo has a five-year partnership with Zeiss",
        ],
        [],
    ),
    (
        "who does leica work with?",
        "",
        [
            f"As reported on {MAY}, Leica had a four-year partnership with Huawei",
            f"As of {DECEMBER}, Leica works with Xiaomi",
        ],
        ["Reports suggested it would be"],
    ),
]


@pytest.fixture(scope="module")
def later() -> Engine:
    return Engine(checked_base(LATER))


@pytest.mark.parametrize(("question", "opening", "says", "never"), GOLDEN)
def test_each_clause_is_dated_by_its_own_source(
    later: Engine, question: str, opening: str, says: list[str], never: list[str]
) -> None:
    answer = later.ask(question)
    text = answer.answer or ""
    assert answer.answered, answer.reply
    if opening:
        assert text.startswith(opening), text
    else:
        assert not text.startswith(("Yes", "No")), text
    for wanted in says:
        assert wanted in text, text
    for unwanted in never:
        assert unwanted not in text, text


def test_a_fact_overtaken_by_a_newer_source_carries_the_newer_statement(later: Engine) -> None:
    # Lei Jun's words are May's; the pair's records gained a December source since.
    text = later.ask("what did lei jun say?").answer or ""
    assert text.startswith(f"As reported on {MAY}, Lei Jun said")
    assert f"Since then, as of {DECEMBER}, Xiaomi works with Leica." in text


def test_the_shipped_base_reads_as_it_did(engine: Engine) -> None:
    # One source: one date line, and May's report of the first phone stands.
    text = engine.ask("xiaomi leica").answer or ""
    assert text.count("As reported on") == 1
    assert "As of" not in text
    assert "Since then" not in (engine.ask("what did lei jun say?").answer or "")


def _source(number: int, date: dt.date, text: str) -> Source:
    return Source(f"s{number}", f"Article {number}", date, "", f"s{number}.txt", text)


def test_ten_partnerships_reported_at_different_dates_are_never_listed_under_one() -> None:
    dates = [dt.date(2020, 2, 1), dt.date(2023, 3, 9), dt.date(2023, 6, 18)]
    brands = {"kairo": Brand("kairo", "Kairo", BrandKind.CAMERA_MAKER)}
    sources: dict[str, Source] = {}
    partnerships = {}
    for n in range(10):
        phone = f"maker{chr(97 + n)}"
        brands[phone] = Brand(phone, f"Maker{chr(97 + n).upper()}", BrandKind.PHONE_MAKER)
        quote = f"Maker{chr(97 + n).upper()} works with Kairo."
        source = _source(n, dates[n % 3], quote)
        sources[source.id] = source
        partnerships[f"{phone}-kairo"] = Partnership(
            f"{phone}-kairo", phone, "kairo", Status.ACTIVE, citations=(Citation(source.id, quote),)
        )
    engine = Engine(FactBase(sources, brands, partnerships, {}))
    text = engine.ask("who does kairo work with?").answer or ""
    labels = ["1 February 2020", "9 March 2023", "18 June 2023"]
    for n in range(10):
        name = f"Maker{chr(97 + n).upper()}"
        # The date line said last before each partner is that partner's own source's.
        before = text[: text.index(f"with {name}")]
        last = max(labels, key=before.rfind)
        assert last == labels[n % 3], (name, text)

"""Operators over the records' lists (issue #17): phones set aside, "too or only", "both" phones,
every phone against a quoted scope, first and latest from a source's ranking, either/neither.

Each row is a question written for this table (not a blind set's), the start its answer must
have and words it must hold; rows that fail before the rule they test, on the shipped base and
on the fictional Norra base.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import DATA

SHIPPED = [
    # A partnership's phones less those set aside, each way of setting one aside.
    ("other than the p30 pro, which huawei phones used leica?", "The Huawei P40 and", ["P50"]),
    ("which huawei phones carried leica cameras except the p50", "The Huawei P30 Pro and", []),
    ("what huawei phones had leica, aside from the p40 and the p50", "The Huawei P30 Pro.", []),
    ("excluding the p40, which phones came of huawei and leica", "The Huawei P30 Pro and", []),
    ("besides the p30 pro, p40 and p50 which huawei phones had leica", "The sources name no", []),
    # A phone the record does not name is not set aside from it: no answer made up.
    ("apart from the xiaomi 12 pro which xiaomi phones had leica", "", []),
    # "X too, or only Y?" is a choice between two sets of the record's phones.
    ("was the p40 a leica phone too or only the p50 series?", "The Huawei P40 too.", ["P30"]),
    ("did huawei put leica on the p50 as well, or just on the p30 pro", "The Huawei P50", []),
    # "only" over several phones: the record names another phone, so it is a "No".
    ("were the p30 pro and p50 the only leica phones huawei made?", "No.", ["Huawei P40"]),
    ("were the p30 pro, the p40 and the p50 the only huawei phones with leica", "As reported", []),
    # Several phones' success, from a source's clause calling each successful.
    ("did the xiaomi 12 pro and the mi 11 ultra both sell well", "Yes. As reported", ["12 Pro"]),
    ("was the mi 11 ultra a success too or only the 12 pro", "The Xiaomi Mi 11 Ultra too.", []),
    ("were the 12 ultra and the 12 pro both successful", "", []),
    # A claim closed by "both" asks it of each phone.
    ("huawei p30 pro and p40, leica on both?", "Yes.", ["P30 Pro", "P40"]),
    # Every phone of a maker against the scope its record quotes; no scope is no answer.
    ("do all vivo phones come with zeiss cameras?", "Not as far as the sources say", ["flagship"]),
    ("is zeiss on each and every vivo phone", "Not as far as the sources say", ["flagship"]),
    ("vivo uses zeiss for all its phones or only the top models?", "Flagship smartphones", []),
    # Every phone within the quoted scope is neither said nor denied: no answer from this rule.
    ("does vivo use zeiss on every flagship phone?", "", []),
    ("does oneplus put hasselblad on every phone it sells", "The sources don't say which", []),
    ("does huawei use zeiss on every phone", "No: the sources report no Huawei–Zeiss", []),
    # First and latest from the source's own ranking sentence.
    ("was vivo the latest phone maker to team up with a camera brand?", "No.", ["Xiaomi is"]),
    ("is xiaomi the earliest smartphone company to partner with a camera maker", "No: the", []),
    ("is xiaomi the newest phone brand to partner with a camera company", "Yes.", ["latest"]),
    # A camera maker's first or latest partner, from the same ranking and the records.
    ("was xiaomi the first phone company leica partnered with", "No. As reported", ["Huawei"]),
    ("is xiaomi leica's first ever phone partner", "No. As reported", ["Huawei"]),
    ("was huawei the latest phone brand to team up with leica", "No. As reported", ["Xiaomi"]),
    ("was vivo the first phone maker to work with leica", "No: the sources report no Vivo–", []),
    ("was huawei leica's first partner", "", []),
    # A rank of another noun is not the maker's: "the first phone" is no ranking of makers.
    ("is oneplus the first phone from a camera partnership", "", []),
    # Which of several brands named no longer has (or still has) a partnership.
    ("which of oneplus, huawei and xiaomi no longer has a camera partner", "Huawei, as far", []),
    ("of vivo, xiaomi and huawei, who still has a camera partner?", "Vivo and Xiaomi, as", []),
    ("which of oneplus and vivo has ended its camera partnership", "None of them", ["Zeiss"]),
    ("do vivo, huawei and oneplus all have camera partners", "No: the sources report no", []),
    # Both/all over brands' countries: one from elsewhere is a quoted "No"; unstated is said.
    ("are hasselblad and leica both german companies?", "No: as reported", ["Swedish"]),
    ("is every camera brand in the article german", "No: as reported", ["Hasselblad"]),
    ("are leica and zeiss both from germany", "The sources don't say where Zeiss", ["German"]),
    # A length asked with "just": the length, read; a one-off against a multi-year term.
    ("is oneplus's hasselblad contract just for one year", "No: the sources report a multi", []),
    ("was oneplus and hasselblad a one-off deal or long term?", "Long term, as far as", ["multi"]),
    ("is vivo with zeiss for the long term or a one-off", "", []),
    # "This year or next year" of a first phone, counted from its source's date.
    ("is the first xiaomi leica phone coming out this year or next year", "This year, counted", []),
    ("is the xiaomi leica phone due next year or this year", "This year, counted", ["2022"]),
    # A pair "still" together in a year, as of the newest source's date.
    ("was huawei still working with leica in 2022", "Not as of 23 May 2022: it had ended", []),
    ("is oneplus still with hasselblad in 2022?", "Yes, as of 23 May 2022", []),
    ("is oneplus still with hasselblad in 2030?", "The sources don't say: as of 23 May", []),
    # "The only … mentioned": every brand with a partnership is named, so another is a "No".
    ("is zeiss the only camera company mentioned", "No.", ["Leica"]),
    # Two steps over the records: an option's partner, then that partner's ended partnership.
    (
        "which of vivo, xiaomi and oneplus has a partner that previously worked with huawei",
        "Xiaomi.",
        ["Leica", "ended"],
    ),
    (
        "out of vivo, oneplus and huawei, whose camera partner used to work with xiaomi?",
        "None of them",
        [],
    ),
    # "a decade", "than a year", "for a year" are lengths in years.
    ("were huawei and leica partners for a decade?", "No: the sources report four years", []),
    ("is oneplus's deal with hasselblad shorter than a year", "No: the sources report a multi", []),
    ("is the oneplus hasselblad contract just for a year?", "No: the sources report a multi", []),
    # "Neither" with each brand's own partners named.
    ("does either xiaomi or oneplus work with zeiss", "Neither", ["Hasselblad", "Leica", "Vivo"]),
]

NORRA = [
    ("apart from the k7, which kestrel phones had vellum", "The Kestrel K9.", ["K7"]),
    ("was vellum on the k9 too, or only the k7?", "The Kestrel K9 too.", []),
    ("was the kestrel k7 the only vellum phone besides none", "", []),
    ("kestrel k7 and k9, vellum on both?", "Yes.", ["Kestrel K9"]),
    ("were the k7 and k9 the only kestrel phones with vellum", "As reported", ["K7"]),
    # Norra's quote names "flagship cameras", no kind of phone: no scope to answer with.
    ("does norra use vellum on every phone", "The sources don't say which", []),
    ("does norra use optiva on all its phones", "No: the sources report no Norra–Optiva", []),
    ("was kestrel vellum's first phone partner", "", []),
    ("was norra the first phone maker to work with optiva", "No: the sources report no Norra–", []),
    # No source ranks a maker here: the rule steps aside.
    ("is norra the latest phone maker to partner with a camera maker", "", []),
    ("does either norra or kestrel work with optiva", "Kestrel.", []),
    ("are vellum and optiva both finnish", "No: as reported", ["Japanese"]),
    ("are both vellum and optiva from japan", "No: as reported", ["Finnish"]),
    ("is the norra vellum deal a one-off or long term", "Long term, as far as", ["five-year"]),
    ("was the kestrel vellum deal just for two years", "No: the sources report six", []),
    ("first norra vellum phone due this year or next year?", "This year, counted", ["2031"]),
    ("is norra still with vellum in 2031", "Yes, as of 14 March 2031", []),
    ("is vellum the only camera maker named in the article", "No.", ["Optiva"]),
    ("were the kestrel k7 and k9 both successful", "", []),
    ("did kestrel work with vellum for a decade", "No: the sources report six years", []),
    # Kestrel has an ended and a current partnership: neither plainly, so no answer.
    ("which of kestrel and norra no longer works with a camera maker", "", []),
    ("which of kestrel and norra still has a camera partner", "Kestrel and Norra", []),
]


def _said(answer: object) -> str:
    return getattr(answer, "answer", None) or getattr(answer, "reply", None) or ""


@pytest.mark.parametrize(("question", "start", "holds"), SHIPPED, ids=[q for q, _, _ in SHIPPED])
def test_list_operators_on_the_shipped_base(
    engine: Engine, question: str, start: str, holds: list[str]
) -> None:
    answer = engine.ask(question)
    text = _said(answer)
    if not start:
        # Not this rule's: whatever answers must open with no bare yes or no.
        assert not text.startswith(("Yes", "No")), text
        return
    assert text.startswith(start), text
    assert all(h in text for h in holds), text


@pytest.fixture(scope="module")
def norra() -> Engine:
    return Engine(load_fact_base(Path(DATA) / "norra"))


@pytest.mark.parametrize(("question", "start", "holds"), NORRA, ids=[q for q, _, _ in NORRA])
def test_list_operators_on_the_norra_base(
    norra: Engine, question: str, start: str, holds: list[str]
) -> None:
    text = _said(norra.ask(question))
    if not start:
        assert not text.startswith(("Yes", "No")), text
        return
    assert text.startswith(start), text
    assert all(h in text for h in holds), text

"""A first read's fact files split between this process and a second one: its answer is used."""

from __future__ import annotations

import dataclasses
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.caches import second_process
from bot.caches.second_process import SecondProcess
from bot.store import disk, partcheck
from tests.helpers.child_process import served_in_process

FRAME_FILES = ["sources.yaml", "brands.yaml", "partnerships.yaml"]
FACT_FILES = ["facts/huawei-leica.yaml", "facts/leica.yaml", "facts/oneplus-vivo.yaml"]
FACT_FILES += ["facts/xiaomi-leica.yaml"]
# Fact files' sizes that put the first two in this process and the last two in the other.
HALVES = [7150, 7150, 3000, 8700]


def texts_of(root: Path, sizes: list[int] | None = None) -> dict[str, str]:
    """The files a read checks, each fact file padded with a comment to its size in `sizes`."""
    texts = {name: (root / name).read_text(encoding="utf-8") for name in FRAME_FILES}
    for number, name in enumerate(FACT_FILES):
        text = (root / name).read_text(encoding="utf-8")
        if sizes is not None:
            assert text.endswith("\n")
            assert sizes[number] >= len(text) + 2
            text += "#" * (sizes[number] - len(text) - 1) + "\n"
        texts[name] = text
    return texts


def sent_off(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """The requests of the second processes started from now on (each started for real)."""
    requests: list[list[Any]] = []

    class Recording(SecondProcess):
        def __init__(self, module: str, frames: Any) -> None:
            frames = list(frames)
            requests.append([module, *frames])
            super().__init__(module, frames)

    monkeypatch.setattr(disk, "SecondProcess", Recording)
    return requests


def names_sent(request: list[Any]) -> list[str]:
    """The files a request to the second process holds (its module and root first)."""
    assert request[:2] == ["bot.store.partcheck", request[1]]
    return [name for frame in request[2:] for name, _ in frame]


def in_one(root: Path, texts: dict[str, str]) -> Any:
    checked = disk.checked_part(str(root), texts)
    assert checked is not None
    return checked


def test_a_read_of_the_threshold_checks_the_last_files_in_a_second_process(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    texts = texts_of(root, HALVES)
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", sum(HALVES))
    monkeypatch.setattr(second_process, "FRAME", 2)
    requests = sent_off(monkeypatch)
    checked = disk._checked_in_two(root, texts)
    [request] = requests
    assert request[1] == str(root)
    assert [len(frame) for frame in request[2:]] == [2, 2, 1]
    assert names_sent(request) == [*FRAME_FILES, *FACT_FILES[2:]]
    assert checked == in_one(root, texts)
    assert checked is not None
    assert list(checked[0].facts) == list(in_one(root, texts)[0].facts)


def test_a_read_under_the_threshold_starts_no_second_process(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    texts = texts_of(root, HALVES)
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", sum(HALVES) + 1)
    requests = sent_off(monkeypatch)
    assert disk._checked_in_two(root, texts) is None
    assert requests == []


@pytest.mark.parametrize(
    ("sizes", "second"),
    [
        # 26,000 characters: the cut is 14,300, where the second file ends; the third goes off.
        ([7150, 7150, 3000, 8700], FACT_FILES[2:]),
        # 26,002: the cut is 14,301, one past the second file: the third is read here.
        ([7150, 7150, 3000, 8702], FACT_FILES[3:]),
        # 26,001: 55 % is 14,300.55, the cut 14,300: where the second file ends, as at 26,000.
        ([7150, 7150, 3000, 8701], FACT_FILES[2:]),
    ],
)
def test_this_process_reads_the_files_before_55_percent_of_the_text(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, sizes: list[int], second: list[str]
) -> None:
    root, _ = kb
    texts = texts_of(root, sizes)
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)
    requests = sent_off(monkeypatch)
    checked = disk._checked_in_two(root, texts)
    [request] = requests
    assert names_sent(request) == [*FRAME_FILES, *second]
    assert checked == in_one(root, texts)


def test_without_a_second_process_the_read_says_so_and_is_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root, _ = kb
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(second_process.subprocess, "Popen", refused)
    caplog.set_level(logging.INFO, logger=disk.__name__)
    assert disk._checked_in_two(root, texts_of(root)) is None
    assert caplog.messages == ["checking the fact files in one process: no more processes"]


def test_a_second_process_that_fails_makes_the_read_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)
    popen = subprocess.Popen

    def failing(command: list[str], **kwargs: Any) -> Any:
        return popen([command[0], "-c", "import sys; sys.exit(3)"], **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", failing)
    assert disk._checked_in_two(root, texts_of(root, HALVES)) is None


def with_fact(texts: dict[str, str], name: str, record: str) -> dict[str, str]:
    return {**texts, name: texts[name] + record}


def fact_record(root: Path, fact_id: str, question: str) -> str:
    """The shipped fact leica-country under another id and question, with no phrasings."""
    text = (root / FACT_FILES[1]).read_text(encoding="utf-8")
    record = re.sub(r"  phrasings:\n(  - .*\n)+", "", text.split("\n- ")[0] + "\n")
    assert "id: leica-country\n  question: Where is Leica from?\n" in record
    record = record.replace("id: leica-country", f"id: {fact_id}")
    return record.replace("question: Where is Leica from?", f"question: {question}")


@pytest.mark.parametrize("half", [0, 3], ids=["this process", "the other"])
def test_a_problem_in_either_half_makes_the_read_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, half: int
) -> None:
    root, _ = kb
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)
    texts = texts_of(root, HALVES)
    broken = {**texts, FACT_FILES[half]: texts[FACT_FILES[half]] + "- id: [not, text]\n"}
    assert disk._checked_in_two(root, broken) is None


def test_a_fact_id_in_both_halves_makes_the_read_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)
    texts = texts_of(root, HALVES)
    copied = fact_record(root, "leica-country", "Is this question asked only once?")
    assert disk._checked_in_two(root, with_fact(texts, FACT_FILES[3], copied)) is None


def test_a_question_asked_in_both_halves_makes_the_read_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    monkeypatch.setattr(disk, "PARALLEL_MIN_TEXT", 0)
    texts = texts_of(root, HALVES)
    record = fact_record(root, "zz-asked-again", "Where is Leica from?")
    assert disk._checked_in_two(root, with_fact(texts, FACT_FILES[3], record)) is None
    fresh = fact_record(root, "zz-asked-once", "Is this question asked only once?")
    checked = disk._checked_in_two(root, with_fact(texts, FACT_FILES[3], fresh))
    assert checked == in_one(root, with_fact(texts, FACT_FILES[3], fresh))


def test_the_second_process_checks_the_files_of_every_frame_it_is_sent(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    texts = texts_of(root)
    items = list(texts.items())
    frames = [str(root), items[:1], items[1:4], items[4:]]
    answer = served_in_process(partcheck.main, frames, monkeypatch)
    assert disk.from_frames(answer) == in_one(root, texts)


def test_checked_frames_come_back_whole(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    checked = in_one(root, texts_of(root))
    base, fact_files, asked = checked
    monkeypatch.setattr(second_process, "FRAME", 3)
    frames = list(disk.in_frames(checked))
    header = (dataclasses.replace(base, facts={}), len(base.facts), len(fact_files), len(asked))
    assert frames[0] == header
    assert disk.from_frames(frames) == checked
    assert list(disk.from_frames(frames)[0].facts) == list(base.facts)  # type: ignore[index]


def test_frames_that_are_not_whole_are_none(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    checked = in_one(root, texts_of(root))
    base, fact_files, asked = checked
    facts = list(base.facts.values())
    monkeypatch.setattr(second_process, "FRAME", 3)
    frames = list(disk.in_frames(checked))
    header, count = frames[0], len(facts)
    files = list(fact_files.items())
    asked_items = list(asked.items())
    for broken in [
        [],
        [None],
        [header[:3], *frames[1:]],  # a header of three counts
        [(header[0], count + 1, *header[2:]), *frames[1:]],  # one fact more than sent
        [(header[0], count - 1, *header[2:]), *frames[1:]],  # the facts' last frame runs over
        [header, facts[:-1] + facts[:1], files, asked_items],  # a fact twice, one missing
        [header, facts, [f.id for f in facts], asked_items],  # files that are no pairs
        [header, [*facts[:-1], "no fact"], files, asked_items],
        [header, facts, files],  # the questions missing
    ]:
        assert disk.from_frames(broken) is None
    assert disk.from_frames([header, facts, files, asked_items]) == checked
    assert disk.from_frames([header, facts, files[:2], files[2:], asked_items]) == checked


def test_a_part_with_nothing_in_it_takes_no_frame() -> None:
    assert disk._taken(iter([["a"]]), 0) == []
    parts = iter([["a", "b"], ["c"], ["d"]])
    assert disk._taken(parts, 3) == ["a", "b", "c"]
    assert next(parts) == ["d"]
    with pytest.raises(ValueError, match=r"^frames do not end where a part does$"):
        disk._taken(iter([["a", "b"]]), 1)
    with pytest.raises(ValueError, match=r"^the frames end before the part does$"):
        disk._taken(iter([["a"]]), 2)

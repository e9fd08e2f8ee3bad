"""A large build analyses half its entries in a second process: the same index, or one process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from benchmarks import synth
from bot.caches import second_process
from bot.engine.engine import Engine
from bot.engine.matcher import index, prepare
from bot.engine.matcher.matcher import Matcher
from bot.engine.matcher.records import Entry, answer_flags
from bot.engine.words import Analyzer
from bot.facts.models import FactBase
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import KNOWLEDGE
from tests.helpers.child_process import served_in_process


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> FactBase:
    root = tmp_path_factory.mktemp("synthetic") / "knowledge"
    synth.write_base(root, 600, seed=5)
    return load_fact_base(root)


def index_state(matcher: Matcher) -> tuple[Any, ...]:
    """Everything the index and its analyzer hold, comparable."""
    analyzer = matcher.analyzer
    return (
        [None if r is None else (r.entry, *r[1:]) for r in matcher._records],
        matcher._slots,
        {k: v if isinstance(v, int) else list(v) for k, v in matcher._postings.items()},
        matcher._dense,
        {k: list(v) for k, v in matcher._about.items()},
        matcher._kinds,
        matcher._kind_sizes,
        matcher._quoted,
        {k: list(v) for k, v in matcher._ranked.items()},
        dict(analyzer.word_counts),
        sorted(analyzer.vocabulary),
        dict(sorted(analyzer._by_length.items())),
    )


def in_two(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Analyse in two processes whatever the size; how many entries each child was sent."""
    sent: list[int] = []
    start = prepare.OtherPart.__init__

    def counting(self: prepare.OtherPart, entries: Any, brands: Any) -> None:
        sent.append(len(entries))
        start(self, entries, brands)

    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", 2)
    monkeypatch.setattr(prepare.OtherPart, "__init__", counting)
    return sent


def test_an_index_built_in_two_processes_is_the_one_built_in_one(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = Engine(base)
    sent = in_two(monkeypatch)
    shared = Engine(base)
    assert sent
    assert 0 < sent[0] < len(base.facts)
    assert index_state(shared.matcher) == index_state(alone.matcher)
    for question in ["who does leica work with", "price?", "when did it launch"]:
        assert shared.ask(question) == alone.ask(question)


def test_entries_sharing_brands_share_one_set_across_the_halves(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_two(monkeypatch)
    records = [r for r in Engine(base).matcher._records if r is not None]
    by_value: dict[frozenset[str], int] = {}
    for record in records:
        assert by_value.setdefault(record.brands, id(record.brands)) == id(record.brands)


def test_no_second_process_means_one_process(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = index_state(Engine(base).matcher)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", 2)

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(second_process.subprocess, "Popen", refused)
    assert index_state(Engine(base).matcher) == alone


@pytest.mark.parametrize("script", ["print('hello')", "import sys; sys.exit(3)", "pass"])
def test_a_second_process_that_fails_means_one_process(
    base: FactBase, monkeypatch: pytest.MonkeyPatch, script: str
) -> None:
    alone = index_state(Engine(base).matcher)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", 2)
    popen = second_process.subprocess.Popen

    def failing(command: list[str], **kwargs: Any) -> Any:
        return popen([command[0], "-c", script], **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", failing)
    assert index_state(Engine(base).matcher) == alone


def test_the_second_process_never_runs_code_from_the_working_directory(
    base: FactBase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    planted = tmp_path / "cwd"
    marker = tmp_path / "ran"
    (planted / "bot" / "engine" / "matcher").mkdir(parents=True)
    for package in ("bot", "bot/engine", "bot/engine/matcher"):
        (planted / package / "__init__.py").write_text("", encoding="utf-8")
    (planted / "bot" / "engine" / "matcher" / "prepare.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8"
    )
    monkeypatch.chdir(planted)
    monkeypatch.setenv("PYTHONPATH", str(planted))
    alone = index_state(Engine(base).matcher)
    sent = in_two(monkeypatch)
    assert index_state(Engine(base).matcher) == alone
    assert sent
    assert not marker.exists()


def test_the_child_collects_no_garbage_while_it_works() -> None:
    import gc
    import io

    seen: list[bool] = []
    out = io.BytesIO()
    was = gc.isenabled()

    def work(frames: list[Any]) -> Any:
        seen.append(gc.isenabled())
        return [frame * 2 for frame in frames]

    try:
        second_process.serve(work, io.BytesIO(second_process.pickled([21, [1, 2]])), out)
    finally:
        if was:
            gc.enable()
    assert seen == [False]
    assert second_process.unpickled(io.BytesIO(out.getvalue())) == [42, [1, 2, 1, 2]]


def test_requests_and_answers_go_in_frames_of_a_few_thousand() -> None:
    items = list(range(2 * second_process.FRAME + 3))
    frames = list(second_process.frames_of(items))
    assert [len(frame) for frame in frames] == [second_process.FRAME] * 2 + [3]
    assert [item for frame in frames for item in frame] == items


def test_the_other_process_counts_what_entries_hold_only_in_their_quotes(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = Engine(base).matcher._quoted
    in_two(monkeypatch)
    assert alone
    assert Engine(base).matcher._quoted == alone


def shipped_analyzer() -> Analyzer:
    return Analyzer(list(load_fact_base(KNOWLEDGE).brands.values()))


LEICA_ZOOM = Entry(
    "leica-zoom",
    ("Who makes the Xiaomi camera lenses?", "Does Leica tune the zoom?"),
    "Leica tunes Xiaomi's lenses since 2022, not OnePlus.",
    frozenset({"huawei"}),
    ("Xiaomi has said that Leica tunes the zoom and colour science.",),
)


def test_an_entrys_texts_are_analysed_into_its_record_and_the_words_counted() -> None:
    analyzer = shipped_analyzer()
    assert prepare.analysed(analyzer, LEICA_ZOOM) == prepare.Analysed(
        " ?who camera xiaomi | leica tun zoom ",
        # The quote's words not in the answer or a phrasing ("zoom" is in one) are the answer's.
        " 2022 camera colour leica oneplus scienc sinc tun xiaomi ",
        # The brands it declares and those its questions name, not its answer's (OnePlus).
        frozenset({"huawei", "xiaomi", "leica"}),
        answer_flags(LEICA_ZOOM.answer),
        len("leica tun zoom"),
        frozenset({"colour", "scienc"}),
    )
    # Every word of the questions, the answer and the quote but its speaker's ("said").
    assert dict(analyzer.word_counts) == {
        "2022": 1, "and": 1, "camera": 1, "colour": 1, "does": 1, "has": 1, "leica": 3,
        "lenses": 2, "makes": 1, "not": 1, "oneplus": 1, "science": 1, "since": 1, "that": 1,
        "the": 3, "tune": 1, "tunes": 2, "who": 1, "xiaomi": 3, "zoom": 2,
    }  # fmt: skip


def test_an_entry_derived_from_the_records_is_found_by_no_word_of_its_quotes() -> None:
    derived = Entry("partners:leica", (), "Leica.", frozenset(), ("Leica colour zoom",))
    assert prepare.quoted_words(derived) == []
    analyzer = shipped_analyzer()
    assert prepare.analysed(analyzer, derived) == prepare.Analysed(
        "  ", " leica ", frozenset(), answer_flags("Leica."), 0, frozenset()
    )
    assert dict(analyzer.word_counts) == {"leica": 1}


def test_a_facts_quotes_find_it_by_every_word_but_who_said_it() -> None:
    assert prepare.quoted_words(LEICA_ZOOM) == [
        "xiaomi", "has", "that", "leica", "tunes", "the", "zoom", "and", "colour", "science",
    ]  # fmt: skip


def entries_of(base: FactBase) -> list[Entry]:
    return [r.entry for r in Engine(base).matcher._records if r is not None]


def test_the_other_part_answers_each_entrys_analysis_in_order_and_the_words_it_counted(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = entries_of(base)[:40]
    brands = list(base.brands.values())
    analyzer = Analyzer(brands)
    expected = [prepare.analysed(analyzer, entry) for entry in entries]
    monkeypatch.setattr(second_process, "FRAME", 7)  # six frames of entries, the last short
    answer = prepare.OtherPart(entries, brands).result()
    assert answer == (expected, analyzer.word_counts)


@pytest.mark.parametrize(
    "written",
    [
        "pickle.dumps([1])",  # no word counts at the end
        "pickle.dumps([]) + pickle.dumps(Counter())",  # fewer analyses than entries sent
        "b''",  # nothing at all
    ],
)
def test_an_other_part_that_answers_otherwise_is_none(
    base: FactBase, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    script = "import pickle, sys; from collections import Counter; "
    script += f"sys.stdout.buffer.write({written})"
    popen = second_process.subprocess.Popen

    def answering(command: list[str], **kwargs: Any) -> Any:
        return popen([command[0], "-c", script], **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", answering)
    assert prepare.OtherPart(entries_of(base)[:3], list(base.brands.values())).result() is None


def analysed_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the entries analysed in this process from now on (the analysis itself runs)."""
    ids: list[str] = []
    analyse = prepare.analysed

    def counting(analyzer: Analyzer, entry: Entry) -> prepare.Analysed:
        ids.append(entry.id)
        return analyse(analyzer, entry)

    monkeypatch.setattr(prepare, "analysed", counting)
    return ids


def test_a_build_of_the_threshold_sends_the_second_half_off_and_uses_its_answer(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = entries_of(base)
    alone = index_state(Engine(base).matcher)
    sent = in_two(monkeypatch)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", len(entries))
    here = analysed_here(monkeypatch)
    assert index_state(Engine(base).matcher) == alone
    assert sent == [len(entries) - len(entries) // 2]
    # Only the first half was analysed here: the second half's records came from the child.
    assert here == [entry.id for entry in entries[: len(entries) // 2]]


def test_a_build_under_the_threshold_starts_no_second_process(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = entries_of(base)
    sent = in_two(monkeypatch)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", len(entries) + 1)
    here = analysed_here(monkeypatch)
    Engine(base)
    assert sent == []
    assert here == [entry.id for entry in entries]


def test_the_second_half_is_analysed_here_only_when_the_other_process_fails(
    base: FactBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    entries = entries_of(base)
    monkeypatch.setattr(prepare, "PARALLEL_MIN_ENTRIES", 2)
    popen = second_process.subprocess.Popen

    def failing(command: list[str], **kwargs: Any) -> Any:
        return popen([command[0], "-c", "import sys; sys.exit(3)"], **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", failing)
    here = analysed_here(monkeypatch)
    Engine(base)
    assert here == [entry.id for entry in entries]

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(second_process.subprocess, "Popen", refused)
    caplog.set_level(logging.INFO, logger=index.__name__)
    here.clear()
    Engine(base)
    assert here == [entry.id for entry in entries]
    assert "analysing the entries in one process: no more processes" in caplog.messages


def test_the_other_process_analyses_every_frame_it_is_sent(
    base: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = entries_of(base)[:5]
    brands = list(base.brands.values())
    analyzer = Analyzer(brands)
    expected = [prepare.analysed(analyzer, entry) for entry in entries]
    texts = [(e.id, e.questions, e.answer, e.brands, e.evidence) for e in entries]
    frames = [brands, texts[:2], texts[2:3], texts[3:]]
    answer = served_in_process(prepare.main, frames, monkeypatch)
    assert answer == [expected[:2], expected[2:3], expected[3:], analyzer.word_counts]

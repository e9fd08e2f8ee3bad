"""A large build analyses half its entries in a second process: the same index, or one process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import synth
from bot.caches import second_process
from bot.engine.engine import Engine
from bot.engine.matcher import prepare
from bot.engine.matcher.matcher import Matcher
from bot.facts.models import FactBase
from bot.facts.yaml_loading import load_fact_base


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

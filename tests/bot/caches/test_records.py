"""The store's parsed records come from a cache keyed by content; the engine shares its facts."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from bot.caches import second_process
from bot.caches.records import RECORDS_CACHE_DIR, CachedRecords, RecordCache
from bot.engine.fingerprint import cache_key
from bot.engine.loading import ENGINE_CACHE_DIR, cached_or_built
from bot.facts.problems import KnowledgeError
from bot.store import KnowledgeStore
from bot.store import disk as store_reading
from tests.helpers.store import copy_knowledge, fact_fields


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(*args: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(store_reading, "parse_yaml_records", no_parse)


def _cached(state: Path) -> list[Path]:
    return sorted((state / RECORDS_CACHE_DIR).glob("records-*.pickle"))


def test_a_second_store_reads_the_cache_instead_of_parsing(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    first = KnowledgeStore(root, state).load()
    assert len(_cached(state)) == 1
    _forbid_parsing(monkeypatch)
    store = KnowledgeStore(root, state)
    assert store.load() == first
    # What the store does with its records works from the cache as from the files.
    fact_id = next(iter(first.facts))
    assert f"id: {fact_id}" in store.show_fact(fact_id)
    assert store.file_of(fact_id).is_file()


def test_a_changed_file_is_parsed_again_and_cached_under_a_new_key(kb: tuple[Path, Path]) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    [before] = _cached(state)
    facts = root / "facts" / "leica.yaml"
    facts.write_text(
        facts.read_text().replace(
            "answer: Leica is a German camera maker.", "answer: Leica is from Germany."
        ),
        encoding="utf-8",
    )
    base = KnowledgeStore(root, state).load()
    assert any(f.answer == "Leica is from Germany." for f in base.facts.values())
    [after] = _cached(state)
    assert after != before


def test_a_changed_source_text_is_a_new_key(kb: tuple[Path, Path]) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    [before] = _cached(state)
    text = next(p for p in sorted((root / "sources").iterdir()) if p.is_file())
    text.write_text(text.read_text(encoding="utf-8") + "\nA line more.\n", encoding="utf-8")
    KnowledgeStore(root, state).load()
    [after] = _cached(state)
    assert after != before


def test_a_cache_others_can_write_is_ignored(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    [cached] = _cached(state)
    cached.chmod(0o666)
    _forbid_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed"):
        KnowledgeStore(root, state).load()


def test_invalid_knowledge_is_not_cached(kb: tuple[Path, Path]) -> None:
    root, state = kb
    (root / "brands.yaml").write_text("- id: [broken\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    assert store.validate()
    assert _cached(state) == []


def test_the_engine_from_its_cache_holds_the_stores_facts_not_a_copy(
    tmp_path: Path,
) -> None:
    root, state = copy_knowledge(tmp_path)
    cache = state / ENGINE_CACHE_DIR
    cached_or_built(KnowledgeStore(root, state).load(), cache, cache_key(root))
    base = KnowledgeStore(root, state).load()
    engine = cached_or_built(base, cache, cache_key(root))
    assert engine.base is base
    assert engine.reasoner.base is base
    assert engine.reader.brands is base.brands
    for entry in engine.matcher.entries:
        fact = base.facts.get(entry.id)
        if fact is not None:
            assert all(a is b for a, b in zip(entry.questions, fact.questions, strict=True))
            assert entry.answer is fact.answer
    assert engine.ask("Where is Leica from?").answered


def test_a_reload_parses_the_files_and_never_reads_the_cache(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unpickling holds the interpreter lock for seconds at scale: reloads run in Python."""
    root, state = kb
    KnowledgeStore(root, state).load()
    store = KnowledgeStore(root, state)
    store.load()

    def no_read(*args: object) -> None:
        raise AssertionError("read the cache")

    monkeypatch.setattr(store._loaded.records, "read", no_read)
    result = store.refresh(force=True)
    assert result.full
    assert result.base == store.base


def _parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the store's reading parses from now on."""
    parsed: list[str] = []
    parse = store_reading.parse_yaml_records

    def counting(text: str, name: str) -> object:
        parsed.append(name)
        return parse(text, name)

    monkeypatch.setattr(store_reading, "parse_yaml_records", counting)
    return parsed


def _fresh(root: Path, tmp_path: Path) -> KnowledgeStore:
    return KnowledgeStore(root, tmp_path / "fresh-state")


def test_after_fact_files_change_only_they_are_parsed(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    leica = root / "facts" / "leica.yaml"
    leica.write_text(
        leica.read_text(encoding="utf-8").replace(
            "answer: Leica is a German camera maker.", "answer: Leica is from Germany."
        ),
        encoding="utf-8",
    )
    (root / "facts" / "oneplus-vivo.yaml").unlink()
    parsed = _parsed_files(monkeypatch)
    base = KnowledgeStore(root, state).load()
    assert parsed == ["facts/leica.yaml"]
    fresh = _fresh(root, tmp_path)
    assert base == fresh.base
    assert list(base.facts) == list(fresh.base.facts)  # the order a whole read gives
    assert any(f.answer == "Leica is from Germany." for f in base.facts.values())
    store = KnowledgeStore(root, state)
    for fact_id in base.facts:
        assert store.file_of(fact_id) == fresh.file_of(fact_id)
    parsed.clear()
    assert KnowledgeStore(root, state).load() == base  # cached under the new key
    assert parsed == []


def test_a_changed_file_with_a_problem_gets_a_whole_read_and_its_exact_lines(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    copy = root / "facts" / "zz-copy.yaml"
    copy.write_text((root / "facts" / "leica.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    parsed = _parsed_files(monkeypatch)
    with pytest.raises(KnowledgeError) as raised:
        KnowledgeStore(root, state).load()
    assert "facts/huawei-leica.yaml" in parsed  # read whole
    problems = raised.value.problems
    assert problems == _fresh(root, tmp_path).validate()
    assert any("duplicate id" in p.message and "facts/leica.yaml:" in p.message for p in problems)


def test_a_changed_brand_file_gets_a_whole_read(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    KnowledgeStore(root, state).load()
    brands = root / "brands.yaml"
    brands.write_text(brands.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    parsed = _parsed_files(monkeypatch)
    KnowledgeStore(root, state).load()
    assert sorted(parsed) == sorted(
        ["sources.yaml", "brands.yaml", "partnerships.yaml"]
        + [f"facts/{p.name}" for p in (root / "facts").glob("*.yaml")]
    )


def _asked(base: object) -> dict[str, str]:
    from bot.facts.validation import question_key

    asked: dict[str, str] = {}
    for fact in base.facts.values():  # type: ignore[attr-defined]
        for question in fact.questions:
            asked.setdefault(question_key(question), fact.id)
    return asked


def test_which_fact_asks_each_question_is_cached_with_each_read(kb: tuple[Path, Path]) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    records = store._loaded.records
    base = store.load()
    key = store._loaded._cached_key
    assert key is not None
    assert records.read_asked(key) == _asked(base)
    leica = root / "facts" / "leica.yaml"
    leica.write_text(
        leica.read_text(encoding="utf-8").replace(
            "- Is Leica a German company?", "- Is Leica a company from Germany?"
        ),
        encoding="utf-8",
    )
    store = KnowledgeStore(root, state)
    base = store.load()  # only leica.yaml parsed: the cached questions less its old ones
    assert store._loaded._cached_key != key
    assert records.read_asked(store._loaded._cached_key) == _asked(base)


def test_a_change_checks_questions_against_the_cached_index(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.store import ChangeRejected
    from bot.store import served as store_loaded

    root, state = kb
    KnowledgeStore(root, state).load()
    store = KnowledgeStore(root, state)
    store.load()
    folded: list[str] = []
    fold = store_loaded.question_key
    monkeypatch.setattr(store_loaded, "question_key", lambda q: folded.append(q) or fold(q))
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields("Where is Leica from?"), actor="t")
    assert "already asked by fact 'leica-country'" in refused.value.problems[0].message
    added = store.add_fact(fact_fields(), actor="t")
    assert folded == list(added.after.questions)  # the index was read, not folded again


def _two_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Read in two processes whatever the size; the second processes' commands."""
    started: list[list[str]] = []
    popen = second_process.subprocess.Popen

    def recording(command: list[str], **kwargs: object) -> object:
        started.append(command)
        return popen(command, **kwargs)

    monkeypatch.setattr(store_reading, "PARALLEL_MIN_TEXT", 0)
    monkeypatch.setattr(second_process.subprocess, "Popen", recording)
    return started


def test_a_first_read_in_two_processes_is_the_read_in_one(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    alone = KnowledgeStore(root, tmp_path / "alone")
    started = _two_processes(monkeypatch)
    store = KnowledgeStore(root, state)
    base = store.load()
    assert len(started) == 1
    assert base == alone.base
    assert list(base.facts) == list(alone.base.facts)
    for fact_id in base.facts:
        assert store.file_of(fact_id) == alone.file_of(fact_id)
    assert store._loaded.records.read_asked(store._loaded._cached_key) == _asked(base)


def test_a_problem_found_in_two_processes_is_reported_as_one_read_reports_it(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    (root / "facts" / "zz-copy.yaml").write_text(
        (root / "facts" / "leica.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    expected = KnowledgeStore(root, tmp_path / "alone").validate()
    assert expected
    started = _two_processes(monkeypatch)
    with pytest.raises(KnowledgeError) as raised:
        KnowledgeStore(root, state).load()
    assert started
    assert raised.value.problems == expected


def test_without_a_second_process_the_read_is_done_in_one(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    monkeypatch.setattr(store_reading, "PARALLEL_MIN_TEXT", 0)

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(second_process.subprocess, "Popen", refused)
    base = KnowledgeStore(root, state).load()
    assert "leica-country" in base.facts


def test_a_second_process_answering_garbage_means_a_read_in_one(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    monkeypatch.setattr(store_reading, "PARALLEL_MIN_TEXT", 0)
    popen = second_process.subprocess.Popen

    def chatty(command: list[str], **kwargs: object) -> object:
        return popen([command[0], "-c", "print('hello')"], **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", chatty)
    assert KnowledgeStore(root, state).load() == KnowledgeStore(root, tmp_path / "alone").base


def test_the_second_process_never_runs_code_from_the_working_directory(
    caplog: pytest.LogCaptureFixture,
    kb: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, state = kb
    planted = tmp_path / "cwd"
    marker = tmp_path / "ran"
    (planted / "bot" / "store").mkdir(parents=True)
    (planted / "bot" / "__init__.py").write_text("", encoding="utf-8")
    (planted / "bot" / "store" / "__init__.py").write_text("", encoding="utf-8")
    (planted / "bot" / "store" / "partcheck.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8"
    )
    monkeypatch.chdir(planted)
    monkeypatch.setenv("PYTHONPATH", str(planted))
    started = _two_processes(monkeypatch)
    base = KnowledgeStore(root, state).load()
    assert started
    assert not marker.exists()
    assert "could not be read" not in caplog.text
    assert base == KnowledgeStore(root, tmp_path / "alone").base


def _places(state: Path) -> Path:
    [places] = (state / RECORDS_CACHE_DIR).glob("places-*.pickle")
    return places


def test_a_start_with_the_engines_facts_reads_only_where_each_fact_stands(
    kb: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The engine cache's fact base is served: no second copy of every fact is unpickled.
    root, state = kb
    known = KnowledgeStore(root, state).load()
    fresh = _fresh(root, tmp_path)
    places = [fresh.file_of(f) for f in known.facts]
    _forbid_parsing(monkeypatch)
    read = RecordCache.read
    facts_read: list[str] = []

    def reading(self: RecordCache, key: str) -> CachedRecords | None:
        facts_read.append(key)
        return read(self, key)

    monkeypatch.setattr(RecordCache, "read", reading)
    store = KnowledgeStore(root, state)
    assert store.load(known) is known
    assert facts_read == []
    assert [store.file_of(f) for f in known.facts] == places
    assert "places cache" not in caplog.text


def test_without_the_places_cache_the_facts_come_from_the_records_cache(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root, state = kb
    known = KnowledgeStore(root, state).load()
    _places(state).unlink()
    _forbid_parsing(monkeypatch)
    base = KnowledgeStore(root, state).load(known)
    assert base == known
    assert base is not known
    assert "places cache" not in caplog.text  # a missing cache is no warning


def test_a_places_cache_holding_something_else_is_ignored_with_a_warning(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root, state = kb
    known = KnowledgeStore(root, state).load()
    places = _places(state)
    places.write_bytes(pickle.dumps(["not", "the", "places"]))
    key = places.name.removeprefix("places-").removesuffix(".pickle")
    _forbid_parsing(monkeypatch)
    base = KnowledgeStore(root, state).load(known)
    assert base == known
    assert base is not known
    assert [r.getMessage() for r in caplog.records if "places" in r.getMessage()] == [
        f"ignoring the places cache under {key}: it holds something else"
    ]


def test_an_asked_questions_cache_holding_something_else_is_ignored_with_a_warning(
    kb: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    records = store._loaded.records
    base = store.load()
    key = store._loaded._cached_key
    assert key is not None
    [asked] = (state / RECORDS_CACHE_DIR).glob(f"asked-{key}.pickle")
    asked.write_bytes(pickle.dumps(["not", "chunks of bytes"]))
    assert records.read_asked(key) is None
    assert [r.getMessage() for r in caplog.records if "asked" in r.getMessage()] == [
        f"ignoring the asked-questions cache under {key}: it holds something else"
    ]
    assert store._loaded.asked_index() == _asked(base)  # folded from the facts instead


def test_a_records_cache_holding_something_else_is_ignored_with_a_warning(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root, state = kb
    base = KnowledgeStore(root, state).load()
    [cached] = _cached(state)
    cached.write_bytes(pickle.dumps(["not", "records"]))
    assert KnowledgeStore(root, state).load() == base  # parsed again
    # Once looked up by key, once as the latest read: each time the same warning.
    assert {r.getMessage() for r in caplog.records if "records cache" in r.getMessage()} == {
        f"ignoring the records cache {cached.name}: it holds something else"
    }


def test_the_records_keys_are_32_hex_digits(kb: tuple[Path, Path]) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    store.load()
    records = store._loaded.records
    assert records is not None
    frame = records.frame_key({"brands.yaml": "h1"})
    assert re.fullmatch("[0-9a-f]{32}", frame)
    assert re.fullmatch("[0-9a-f]{32}", records.key(frame, {"facts/a.yaml": "h2"}))


def test_many_asked_questions_come_back_whole_from_their_chunks(tmp_path: Path) -> None:
    records = RecordCache(tmp_path / "cache")
    asked = {f"question {n}": f"fact-{n % 97}" for n in range(12_001)}
    assert records.write_asked("k", asked)
    assert records.read_asked("k") == asked


def test_a_checked_part_crosses_the_pipe_in_frames_and_whole(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = kb
    texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.yaml")}
    checked = store_reading.checked_part(str(root), texts)
    assert checked is not None
    monkeypatch.setattr(second_process, "FRAME", 2)
    frames = list(store_reading.in_frames(checked))
    assert len(frames) > 4
    assert store_reading.from_frames(frames) == checked
    # Cut short, or with a frame too many, it is not whole: the read is then done in one.
    assert store_reading.from_frames(frames[:-1]) is None
    assert store_reading.from_frames([*frames, [("x", "y")]]) is None
    assert store_reading.from_frames([None]) is None
    assert store_reading.from_frames(None) is None
    assert list(store_reading.in_frames(None)) == [None]

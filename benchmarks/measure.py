"""One measurement in a process of its own, so that its peak memory is its own.

    python -m benchmarks.measure {cold,ours,naive} --root KNOWLEDGE --cache DIR --inputs JSON

Prints one JSON object on standard output; progress goes to standard error.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.engine.engine import Engine
from bot.engine.fingerprint import cache_key
from bot.engine.loading import save_engine
from bot.engine.matcher.matcher import Match
from bot.facts.models import Citation, Fact
from bot.facts.yaml_loading import check_knowledge
from bot.runtime.startup import open_engine


def say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """The process's peak resident set size (Linux reports it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return 0.0
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def timed(
    call: Callable[[Any], Any], inputs: Sequence[Any], only: Sequence[bool] | None = None
) -> tuple[list[Any], dict[str, float]]:
    """Call once per input, one after the other on one thread: results and latency figures.

    With `only`, the figures also have "subset": those of the inputs where it is True.
    """
    results: list[Any] = []
    wall: list[float] = []
    cpu: list[float] = []
    for item in inputs:
        cpu_start = time.thread_time_ns()
        start = time.perf_counter_ns()
        results.append(call(item))
        wall.append((time.perf_counter_ns() - start) / 1e6)
        cpu.append((time.thread_time_ns() - cpu_start) / 1e6)
    figures = latency(wall, cpu)
    if only is not None:
        pick = [i for i, chosen in enumerate(only) if chosen]
        figures["subset"] = latency([wall[i] for i in pick], [cpu[i] for i in pick])
        rest = [i for i, chosen in enumerate(only) if not chosen]
        figures["rest"] = latency([wall[i] for i in rest], [cpu[i] for i in rest])
    return results, figures


def latency(wall: list[float], cpu: list[float]) -> dict[str, Any]:
    """Percentiles, maximum, mean and rate of wall-clock times, with CPU-time percentiles."""
    total = sum(wall)
    wall = sorted(wall)
    cpu = sorted(cpu)
    return {
        "n": len(wall),
        "p50_ms": percentile(wall, 0.50),
        "p99_ms": percentile(wall, 0.99),
        "max_ms": wall[-1] if wall else 0.0,
        "mean_ms": total / len(wall) if wall else 0.0,
        "per_second": 1000 * len(wall) / total if total else 0.0,
        "cpu_p50_ms": percentile(cpu, 0.50),
        "cpu_p99_ms": percentile(cpu, 0.99),
        "cpu_max_ms": cpu[-1] if cpu else 0.0,
    }


def decision(match: Match) -> tuple:
    """What a user sees of a match: outcome and answer, or the suggestions."""
    best = match.best
    if best is not None:
        return (match.outcome, best.entry.id, best.score)
    return (match.outcome, [c.entry.id for c in match.suggestions()])


def measure_cold(root: Path, cache: Path) -> dict[str, Any]:
    """Parse, validate and index with no cache, then write the cache."""
    for old in cache.glob("engine-*.pickle"):
        old.unlink()
    say("cold: parsing and validating the knowledge files")
    start = time.perf_counter()
    base, problems = check_knowledge(root)
    parsed = time.perf_counter()
    if problems or base is None:
        raise SystemExit(f"invalid synthetic base: {problems[:3]}")
    say(f"cold: indexing {len(base.facts):,} facts")
    engine = Engine(base)
    indexed = time.perf_counter()
    save_engine(engine, cache, cache_key(root))
    saved = time.perf_counter()
    return {
        "parse_validate_s": parsed - start,
        "index_s": indexed - parsed,
        "save_cache_s": saved - indexed,
        "load_and_index_s": indexed - start,
        "peak_rss_mb": peak_rss_mb(),
        "cache_mb": sum(p.stat().st_size for p in cache.glob("engine-*.pickle")) / 1e6,
    }


def measure_ours(root: Path, cache: Path, inputs: dict[str, Any], sizes: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cached = (cache / f"engine-{cache_key(root)}.pickle").exists()
    say("ours: loading the engine" + (" from its cache" if cached else " (no cache: building)"))
    start = time.perf_counter()
    engine = open_engine(root, cache)
    out["load_s"] = time.perf_counter() - start
    out["load_from_cache"] = cached
    out["rss_after_load_mb"] = rss_mb()
    matcher = engine.matcher
    out["facts"] = len(engine.base.facts)
    out["entries"] = len(matcher.entries)
    out["phrasings"] = sum(len(entry.questions) for entry in matcher.entries)
    out["vocabulary"] = len(matcher.analyzer.vocabulary)

    questions = inputs["ask"][: sizes["ask"]]
    for warm in questions[:20]:
        engine.ask(warm["text"])
    say(f"ours: ask x{len(questions)}")
    vague = [bool(q.get("vague")) for q in questions]
    answers, out["ask"] = timed(engine.ask, [q["text"] for q in questions], vague)
    out["ask_vague"] = out["ask"].pop("subset")
    out["ask_specific"] = out["ask"].pop("rest")
    got = [a.fact_id if a.answered else None for a in answers]
    # Right and wrong count the specific questions only: a vague one has no one right answer.
    graded = [(g, q) for g, q in zip(got, questions, strict=True) if not q.get("vague")]
    out["ask"]["graded"] = len(graded)
    out["ask"]["right"] = sum(g == q["expected"] for g, q in graded)
    out["ask"]["wrong"] = sum(g is not None and g != q["expected"] for g, q in graded)
    out["ask_vague"]["answered"] = sum(g is not None for g, v in zip(got, vague, strict=True) if v)
    out["ask"]["exact"] = sum(matcher.match(q["text"]).exact for q in questions)
    # The naive baseline is too slow for every question: the same first ones, for comparison.
    shared = list(zip(got, questions, strict=True))[: sizes["naive_ask"]]
    shared = [(g, q) for g, q in shared if not q.get("vague")]
    out["ask"]["naive_sample"] = {
        "n": len(shared),
        "right": sum(g == q["expected"] for g, q in shared),
        "wrong": sum(g is not None and g != q["expected"] for g, q in shared),
    }

    say(f"ours: brand autocomplete x{sizes['complete']}")
    brand_inputs = inputs["brand"][: sizes["complete"]]
    _, out["brand_autocomplete"] = timed(engine.brand_choices, [b["text"] for b in brand_inputs])
    fact_inputs = inputs["fact"][: sizes["complete"]]
    say(f"ours: fact autocomplete x{len(fact_inputs)}")
    choices, out["fact_autocomplete"] = timed(engine.fact_choices, [f["text"] for f in fact_inputs])
    out["fact_autocomplete"]["target_listed"] = sum(
        f["expected"] in [i for i, _ in c] for f, c in zip(fact_inputs, choices, strict=True)
    )
    out["brand_autocomplete"]["target_listed"] = sum(
        b["expected"] in [brand.id for brand in engine.brand_choices(b["text"])]
        for b in brand_inputs
    )

    for key, chosen in (("exhaustive", False), ("exhaustive_vague", True)):
        sample = [q for q in questions if bool(q.get("vague")) == chosen][: sizes["exhaustive"]]
        say(f"ours: indexed vs exhaustive scoring x{len(sample)}" + (" (vague)" * chosen))
        out[key] = compare_exhaustive(matcher, [q["text"] for q in sample])

    say(f"ours: edits x{sizes['edits']}")
    out["edits"] = measure_edits(engine, sizes["edits"])
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def compare_exhaustive(matcher: Any, questions: list[str]) -> dict[str, Any]:
    """How often the search decides as exhaustive scoring, overall and when it ran to the end."""
    same = exact = same_exact = 0
    exhaustive_ms: list[float] = []
    different: list[str] = []
    for question in questions:
        match = matcher.match(question)
        start = time.perf_counter()
        full = decision(matcher.match(question, exhaustive=True))
        exhaustive_ms.append((time.perf_counter() - start) * 1000)
        agrees = decision(match) == full
        same += agrees
        exact += match.exact
        same_exact += agrees and match.exact
        if not agrees:
            different.append(question)
    exhaustive_ms.sort()
    return {
        "n": len(questions),
        "same_decision": same,
        "exact": exact,
        "same_when_exact": same_exact,
        "different": different[:10],
        "mean_ms": sum(exhaustive_ms) / len(exhaustive_ms) if exhaustive_ms else 0.0,
        "max_ms": exhaustive_ms[-1] if exhaustive_ms else 0.0,
    }


def measure_edits(engine: Engine, count: int) -> dict[str, Any]:
    """A moderator's edits: reword a fact, add a fact, remove it (Engine.upsert/remove_fact)."""
    rng = random.Random(5)
    facts = list(engine.base.facts.values())
    edits: list[tuple[str, Fact]] = []
    for _ in range(count):
        fact = rng.choice(facts)
        reworded = replace(fact, phrasings=(*fact.phrasings, f"Tell me: {fact.question}"))
        edits.append(("upsert", reworded))
    for number in range(count):
        model = facts[number % len(facts)]
        citation: Citation = model.citations[0]
        new = Fact(
            id=f"bench-new-{number}",
            question=f"When does the Benchmark Zorphone {number} Max ship?",
            answer=f"The Benchmark Zorphone {number} Max ships in March 2026.",
            citations=(citation,),
            phrasings=(f"Zorphone {number} Max release date",),
        )
        edits.append(("add", new))
    samples: dict[str, list[float]] = {"upsert": [], "add": [], "remove": []}
    base = engine.base
    for kind, fact in edits:
        base = replace(base, facts={**base.facts, fact.id: fact})
        start = time.perf_counter_ns()
        engine.upsert_fact(fact, base)
        samples[kind].append((time.perf_counter_ns() - start) / 1e6)
    found = sum(
        engine.ask(fact.question).fact_id == fact.id for kind, fact in edits if kind == "add"
    )
    for kind, fact in edits:
        if kind != "add":
            continue
        base = replace(base, facts={k: v for k, v in base.facts.items() if k != fact.id})
        start = time.perf_counter_ns()
        engine.remove_fact(fact.id, base)
        samples["remove"].append((time.perf_counter_ns() - start) / 1e6)
    figures: dict[str, Any] = {"added_then_found": found}
    for kind, values in samples.items():
        values.sort()
        figures[kind] = {
            "n": len(values),
            "p50_ms": percentile(values, 0.5),
            "p99_ms": percentile(values, 0.99),
            "max_ms": values[-1] if values else 0.0,
        }
    return figures


def measure_naive(root: Path, inputs: dict[str, Any], sizes: dict) -> dict[str, Any]:
    from benchmarks.naive import Naive

    out: dict[str, Any] = {}
    say("naive: parsing, validating and listing every phrasing")
    start = time.perf_counter()
    base, problems = check_knowledge(root)
    if problems or base is None:
        raise SystemExit(f"invalid synthetic base: {problems[:3]}")
    naive = Naive(base)
    out["load_s"] = time.perf_counter() - start
    out["rss_after_load_mb"] = rss_mb()
    out["phrasings"] = len(naive.phrasings)
    rebuild_start = time.perf_counter()
    Naive(base)
    out["rebuild_s"] = time.perf_counter() - rebuild_start

    questions = inputs["ask"][: sizes["naive_ask"]]
    say(f"naive: ask x{len(questions)} (extractOne WRatio over {len(naive.phrasings):,})")
    got, out["ask"] = timed(naive.ask, [q["text"] for q in questions])
    graded = [(g, q) for g, q in zip(got, questions, strict=True) if not q.get("vague")]
    out["ask"]["graded"] = len(graded)
    out["ask"]["right"] = sum(g == q["expected"] for g, q in graded)
    out["ask"]["wrong"] = sum(g is not None and g != q["expected"] for g, q in graded)
    brand_inputs = inputs["brand"][: sizes["naive_brand"]]
    say(f"naive: brand autocomplete x{len(brand_inputs)}")
    got, out["brand_autocomplete"] = timed(naive.brand_choices, [b["text"] for b in brand_inputs])
    out["brand_autocomplete"]["target_listed"] = sum(
        b["expected"] in g for b, g in zip(brand_inputs, got, strict=True)
    )
    fact_inputs = inputs["fact"][: sizes["naive_fact"]]
    say(f"naive: fact autocomplete x{len(fact_inputs)}")
    got, out["fact_autocomplete"] = timed(naive.fact_choices, [f["text"] for f in fact_inputs])
    out["fact_autocomplete"]["target_listed"] = sum(
        f["expected"] in g for f, g in zip(fact_inputs, got, strict=True)
    )
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure_bot(root: Path, state: Path, inputs: dict[str, Any]) -> dict[str, Any]:
    """The bot's own start, as `run_bot` does it short of Discord, and the memory it keeps.

    With an empty `state` nothing is cached (the start writes the caches); with the state a
    previous start left, the store's records and the engine come from their caches.
    """
    start = time.perf_counter()
    from bot.caches.pickles import wait_for_background_writes
    from bot.engine.loading import ENGINE_CACHE_DIR
    from bot.runtime.startup import share_the_interpreter
    from bot.store import KnowledgeStore
    from commands.app import load_engine_or_report

    imported = time.perf_counter()
    share_the_interpreter()  # as run_bot does
    store = KnowledgeStore(root, state)
    engine = load_engine_or_report(store, state / ENGINE_CACHE_DIR, background_writes=True)
    ready = time.perf_counter()
    if engine is None:
        raise SystemExit("invalid synthetic base")
    out: dict[str, Any] = {
        "import_s": imported - start,
        "load_s": ready - imported,
        "rss_ready_mb": rss_mb(),
    }
    # Steady: after serving a while (every question once), with garbage collected.
    for question in inputs["ask"]:
        engine.ask(question["text"])
    for text in inputs["fact"][:500]:
        engine.fact_choices(text["text"])
    gc.collect()
    out["rss_steady_mb"] = rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()
    out["frozen_objects"] = gc.get_freeze_count()
    out["store_shares_engine_facts"] = store.base is engine.base
    wait_for_background_writes()  # the next start finds the caches this one wrote
    return out


def measure_reload(root: Path, cache: Path, inputs: dict[str, Any]) -> dict[str, Any]:
    """Questions answered while a full re-read and rebuild runs in a worker thread.

    The worker does what a reload of changed files does (`KnowledgeStore.refresh` reading and
    checking every file, no cache, then a new Engine); the main thread asks a question every
    millisecond, as a busy bot's event loop would, and times each.
    """
    import tempfile
    import threading

    from bot.caches.retire import retire, wait_for_retired
    from bot.engine.loading import ENGINE_CACHE_DIR
    from bot.runtime.startup import share_the_interpreter
    from bot.store import KnowledgeStore
    from commands.app import load_engine_or_report

    share_the_interpreter()  # as run_bot does
    state = Path(tempfile.mkdtemp(prefix="camerabot-reload-"))
    store = KnowledgeStore(root, state)
    engine = load_engine_or_report(store, state / ENGINE_CACHE_DIR)
    if engine is None:
        raise SystemExit("invalid synthetic base")
    questions = [q["text"] for q in inputs["ask"]]
    for question in questions[:50]:
        engine.ask(question)
    done: dict[str, float] = {}

    def reload() -> None:
        begin = time.perf_counter()
        result = store.refresh(force=True)  # what the watcher does when files changed
        done["read_s"] = time.perf_counter() - begin
        built = Engine(result.base)
        done["total_s"] = time.perf_counter() - begin
        # As the bot does with the engine a reload replaces: freed in parts, in the background.
        retire(built)
        del built
        wait_for_retired()

    worker = threading.Thread(target=reload)
    wall: list[float] = []
    cpu: list[float] = []
    worker.start()
    number = 0
    while worker.is_alive():
        question = questions[number % len(questions)]
        number += 1
        cpu_start = time.thread_time_ns()
        begin = time.perf_counter_ns()
        engine.ask(question)
        wall.append((time.perf_counter_ns() - begin) / 1e6)
        cpu.append((time.thread_time_ns() - cpu_start) / 1e6)
        time.sleep(0.001)
    worker.join()
    out = latency(wall, cpu)
    out.update(done)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure")
    parser.add_argument("mode", choices=("cold", "ours", "naive", "bot", "reload"))
    parser.add_argument("--state", type=Path, help="the bot's state directory (bot)")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--sizes", required=True, help="sample sizes as JSON")
    args = parser.parse_args(argv)
    inputs = json.loads(args.inputs.read_text())
    sizes = json.loads(args.sizes)
    if args.mode == "cold":
        result = measure_cold(args.root, args.cache)
    elif args.mode == "ours":
        result = measure_ours(args.root, args.cache, inputs, sizes)
    elif args.mode == "bot":
        result = measure_bot(args.root, args.state, inputs)
    elif args.mode == "reload":
        result = measure_reload(args.root, args.cache, inputs)
    else:
        result = measure_naive(args.root, inputs, sizes)
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()

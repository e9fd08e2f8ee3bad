"""Should a search library generate the candidates camerabot's scorer decides on? Measured.

    python -m benchmarks.bench_tantivy [--size 10000] [--k 50] [--sample 300]

tantivy (`pip install tantivy`, the `bench` extra) indexes every entry's tokens as the matcher
reads them (each phrasing and the answer, one whitespace-separated field), and answers each
question of the bench mix with its BM25 top K of an OR of the question's tokens; camerabot's
scorer then scores those K and decides. Against the same questions: the matcher's own
budgeted search, and exhaustive scoring (the reference). Figures go to standard output and to
benchmarks/results/tantivy-SIZE.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.__main__ import INPUTS_FILE, RESULTS, ensure_base
from benchmarks.measure import decision, latency, peak_rss_mb, rss_mb
from bot.engine.matcher.matcher import Candidate, Match, Matcher, decide
from bot.runtime.startup import open_engine


def build_index(matcher: Matcher, folder: Path) -> tuple[Any, Any, float]:
    """A tantivy index of every entry's tokens in `folder`: (index, schema, seconds)."""
    import tantivy

    start = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for entry_id in matcher._slots:
        _, phrasings, answer, *_ = matcher._record(entry_id)
        # Every phrasing's tokens, then the answer's (the record holds them as text).
        tokens = [token for token in phrasings.split() if token != "|"] + answer.split()
        writer.add_document(tantivy.Document(id=entry_id, text=" ".join(tokens)))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, schema, time.perf_counter() - start


class TantivyCandidates:
    """camerabot's decision on the top K entries tantivy finds for a question."""

    def __init__(self, matcher: Matcher, index: Any, schema: Any, k: int) -> None:
        self.matcher, self.index, self.schema, self.k = matcher, index, schema, k
        self.searcher = index.searcher()

    def match(self, question: str) -> Match:
        import tantivy

        matcher = self.matcher
        analysis = matcher.analyzer.analyse(question)
        if not analysis.content:
            return Match(decide([]), analysis)
        query = matcher._query(analysis)
        terms = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", token))
            for token in query.weights
        ]
        hits = self.searcher.search(tantivy.Query.boolean_query(terms), self.k).hits
        candidates = []
        for _, address in hits:
            entry_id = self.searcher.doc(address)["id"][0]
            record = matcher._record(entry_id)
            score, phrasing = matcher._score(query, record)
            if score > 0:
                candidates.append(Candidate(record[0], round(score, 4), phrasing))
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return Match(decide(candidates), analysis, tuple(candidates[:10]), exact=False)


def timed_matches(match: Any, questions: list[str]) -> tuple[list[Match], dict[str, Any]]:
    matches, wall = [], []
    for question in questions:
        start = time.perf_counter_ns()
        matches.append(match(question))
        wall.append((time.perf_counter_ns() - start) / 1e6)
    return matches, latency(wall, wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_tantivy")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--sample", type=int, default=300, help="questions checked exhaustively")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print("tantivy is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    folder = ensure_base(args.size, args.seed)
    inputs = json.loads((folder / INPUTS_FILE).read_text())["ask"]
    engine = open_engine(folder / "knowledge", folder / "engine-cache")
    matcher = engine.matcher
    rss_before = rss_mb()
    work = Path(tempfile.mkdtemp(prefix="camerabot-tantivy-"))
    try:
        index, schema, build_s = build_index(matcher, work)
        index_mb = sum(p.stat().st_size for p in work.rglob("*") if p.is_file()) / 1e6
        start = time.perf_counter()
        from tantivy import Index

        Index.open(str(work))
        open_ms = (time.perf_counter() - start) * 1000
        search = TantivyCandidates(matcher, index, schema, args.k)
        questions = [q["text"] for q in inputs]
        vague = [bool(q.get("vague")) for q in inputs]
        for question in questions[:20]:
            search.match(question)
            matcher.match(question)
        theirs, their_times = timed_matches(search.match, questions)
        ours, our_times = timed_matches(matcher.match, questions)
        extra_rss = rss_mb() - rss_before
        out: dict[str, Any] = {
            "facts": args.size,
            "k": args.k,
            "tantivy": tantivy_version(),
            "build_s": build_s,
            "index_mb": index_mb,
            "open_ms": open_ms,
            "rss_added_mb": extra_rss,
            "peak_rss_mb": peak_rss_mb(),
            "latency": {"tantivy_top_k_then_score": their_times, "camerabot_search": our_times},
        }
        # Decisions against exhaustive scoring, on a sample with vague questions in their share.
        picked = list(range(min(args.sample, len(questions))))
        same = {"tantivy": 0, "camerabot": 0}
        same_vague = {"tantivy": 0, "camerabot": 0}
        for i in picked:
            full = decision(matcher.match(questions[i], exhaustive=True))
            for name, matches in (("tantivy", theirs), ("camerabot", ours)):
                agrees = decision(matches[i]) == full
                same[name] += agrees
                if vague[i]:
                    same_vague[name] += agrees
        out["same_decision_as_exhaustive"] = {
            "n": len(picked),
            "vague": sum(vague[i] for i in picked),
            "all": same,
            "vague_only": same_vague,
        }
        right = {"tantivy": 0, "camerabot": 0}
        graded = [i for i, q in enumerate(inputs) if not q.get("vague")]
        for name, matches in (("tantivy", theirs), ("camerabot", ours)):
            for i in graded:
                best = matches[i].best
                right[name] += (best.entry.id if best else None) == inputs[i]["expected"]
        out["right"] = {"n": len(graded), **right}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"tantivy-{args.size}.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


def tantivy_version() -> str:
    from importlib.metadata import version

    return version("tantivy")


if __name__ == "__main__":
    sys.exit(main())

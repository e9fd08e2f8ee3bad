"""Drafts from a new article, measured: `python -m benchmarks.drafts [--base DIR] [--show]`.

Each fictional article in tests/data/articles/ (NAME.txt) has a hand-written answer key
(NAME.json: the changes it calls for, one [record kind, record, field, value] each). The drafts
camerabot proposes against the shipped knowledge are cut into the same claims; a claim in the
key is found, a claim not in it is wrong, a claim of the key no draft makes is missed. Facts
(drafted for sentences no other draft quotes) make no claim and are counted apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.drafts import NewSource, propose_drafts
from bot.drafts.model import Draft, DraftKind
from bot.facts.models import FactBase
from bot.facts.yaml_loading import load_fact_base

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"

Claim = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Score:
    """One article's drafts against its answer key."""

    article: str
    words: int
    drafts: list[Draft]
    found: set[Claim]
    missed: set[Claim]
    wrong: set[Claim]

    @property
    def facts(self) -> int:
        """How many drafts are facts for otherwise uncited sentences."""
        return sum(d.kind is DraftKind.ADD_FACT for d in self.drafts)


def article_paths(folder: Path = ARTICLES) -> list[Path]:
    """Every article with an answer key, oldest first."""
    return sorted(p for p in folder.glob("*.txt") if p.with_suffix(".json").exists())


def read_article(path: Path) -> tuple[NewSource, set[Claim]]:
    """The article as a new source, and its answer key."""
    key = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    source = NewSource(
        key["id"], dt.date.fromisoformat(key["date"]), key["title"], path.read_text("utf-8")
    )
    return source, {(k, r, f, v) for k, r, f, v in key["changes"]}


def score(path: Path, base: FactBase) -> Score:
    """The drafts proposed for one article, against its key."""
    source, key = read_article(path)
    drafts = propose_drafts(source, base)
    claims = set().union(*(d.atoms() for d in drafts)) if drafts else set()
    words = len(source.text.split())
    return Score(path.stem, words, drafts, claims & key, key - claims, claims - key)


def main(argv: list[str] | None = None) -> int:
    """Print found, missed and wrong per article, and the totals."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drafts")
    parser.add_argument("--base", type=Path, default=ROOT / "knowledge", help="knowledge dir")
    parser.add_argument("--show", action="store_true", help="list every missed and wrong claim")
    args = parser.parse_args(argv)
    base = load_fact_base(args.base)
    scores = [score(path, base) for path in article_paths()]
    print("| article | words | drafts | facts | found | missed | wrong |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in scores:
        print(
            f"| {s.article} | {s.words} | {len(s.drafts)} | {s.facts} | {len(s.found)} | "
            f"{len(s.missed)} | {len(s.wrong)} |"
        )
    found, missed, wrong = (
        sum(len(getattr(s, n)) for s in scores) for n in ("found", "missed", "wrong")
    )
    print(
        f"| total | {sum(s.words for s in scores)} | {sum(len(s.drafts) for s in scores)} | "
        f"{sum(s.facts for s in scores)} | {found} | {missed} | {wrong} |"
    )
    if args.show:
        for s in scores:
            for label, claims in (("missed", s.missed), ("wrong", s.wrong)):
                for claim in sorted(claims):
                    print(f"{s.article}: {label}: {' / '.join(claim)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

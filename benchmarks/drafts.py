"""Drafts from a new article, measured: `python -m benchmarks.drafts [--base DIR] [--show]`.

Each fictional article in tests/data/articles/ (NAME.txt) has a hand-written answer key
(NAME.json: the changes it calls for, one [record kind, record, field, value] each). The drafts
camerabot proposes against the shipped knowledge are cut into the same claims; a claim in the
key is found, a claim not in it is wrong, a claim of the key no draft makes is missed. Facts
(drafted for sentences no other draft quotes) make no claim and are counted apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.drafts import NewSource, propose_drafts
from bot.drafts.model import Draft, DraftKind
from bot.facts.models import FactBase, Month
from bot.facts.yaml_loading import check_knowledge, load_fact_base

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


# Fields a draft may set that today's knowledge files have no place for (issue #18 adds them).
UNKEPT = frozenset({"first_phone"})


def apply_drafts(root: Path, source: NewSource, drafts: list[Draft]) -> int:
    """Write the article and every draft into a knowledge directory, as a moderator accepting
    them all would; the number of changes the files have no field for is returned."""

    def load(name: str) -> list[dict[str, Any]]:
        return yaml.safe_load((root / name).read_text(encoding="utf-8")) or []

    def dump(name: str, records: list[dict[str, Any]]) -> None:
        text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)
        (root / name).write_text(text, encoding="utf-8")

    sources, brands, partnerships = (
        load(n) for n in ("sources.yaml", "brands.yaml", "partnerships.yaml")
    )
    file = f"sources/{source.id}.txt"
    (root / file).write_text(source.text, encoding="utf-8")
    sources.append(
        {
            "id": source.id,
            "title": source.title,
            "date": source.date.isoformat(),
            "url": "",
            "file": file,
        }
    )
    facts: list[dict[str, Any]] = []
    unkept = 0
    for draft in drafts:
        citation = {"source": source.id, "quote": draft.quote}
        changes = {k: v if isinstance(v, str) else list(v) for k, v in draft.changes.items()}
        if draft.kind is DraftKind.ADD_FACT:
            facts.append({"id": draft.record, **changes, "citations": [citation]})
            continue
        table = brands if draft.kind.record_kind == "brand" else partnerships
        record = next((r for r in table if r["id"] == draft.record), None)
        if record is None:
            record = {"id": draft.record}
            table.append(record)
        for name, value in changes.items():
            if name in UNKEPT:
                unkept += 1
            elif name == "devices" and table is brands:
                record.setdefault("devices", []).extend({"name": d} for d in value)
            elif isinstance(value, list):
                record.setdefault(name, []).extend(value)
            else:
                record[name] = value
        if table is partnerships:
            record.setdefault("citations", []).append(citation)
    dump("sources.yaml", sources)
    dump("brands.yaml", brands)
    dump("partnerships.yaml", partnerships)
    if facts:
        dump(f"facts/{source.id}.yaml", facts)
    return unkept


def problems_once_applied(knowledge: Path, path: Path, base: FactBase) -> tuple[list[str], int]:
    """The validation problems of the knowledge once every draft of an article is accepted."""
    source, _ = read_article(path)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "knowledge"
        shutil.copytree(knowledge, root)
        unkept = apply_drafts(root, source, propose_drafts(source, base))
        _, problems = check_knowledge(root)
    return [str(p) for p in problems], unkept


def shipped_claims(base: FactBase) -> set[Claim]:
    """The shipped partnerships and phones as claims: the key for the shipped article."""
    claims: set[Claim] = set()
    for brand in base.brands.values():
        claims.update(("brand", brand.id, "devices", d.name) for d in brand.devices)
    for p in base.partnerships.values():
        for name in ("phone_maker", "camera_maker", "status", "period", "since", "first_phone_due"):
            value = getattr(p, name)
            if isinstance(value, Month):
                value = (
                    str(value.year) if value.month is None else f"{value.year}-{value.month:02d}"
                )
            if value:
                claims.add(("partnership", p.id, name, str(value)))
        for name in ("devices", "reported_devices"):
            claims.update(("partnership", p.id, name, d) for d in getattr(p, name))
    return claims


def score_shipped(base: FactBase) -> Score:
    """The shipped article read against its own brands, with no partnership and no phone."""
    source = next(iter(sorted(base.sources.values(), key=lambda s: s.date)))
    brands = {k: dataclasses.replace(b, devices=()) for k, b in base.brands.items()}
    bare = dataclasses.replace(base, sources={}, partnerships={}, facts={}, brands=brands)
    drafts = propose_drafts(NewSource(source.id, source.date, source.title, source.text), bare)
    claims = set().union(*(d.atoms() for d in drafts)) if drafts else set()
    key = shipped_claims(base)
    return Score(
        source.id, len(source.text.split()), drafts, claims & key, key - claims, claims - key
    )


def main(argv: list[str] | None = None) -> int:
    """Print found, missed and wrong per article, and the totals."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drafts")
    parser.add_argument("--base", type=Path, default=ROOT / "knowledge", help="knowledge dir")
    parser.add_argument("--show", action="store_true", help="list every missed and wrong claim")
    args = parser.parse_args(argv)
    base = load_fact_base(args.base)
    scores = [score(path, base) for path in article_paths()]
    print("| article | words | drafts | facts | found | missed | wrong | invalid once applied |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    shown = []
    for s, path in zip(scores, article_paths(), strict=True):
        problems, unkept = problems_once_applied(args.base, path, base)
        shown.extend(f"{s.article}: problem: {p}" for p in problems)
        print(
            f"| {s.article} | {s.words} | {len(s.drafts)} | {s.facts} | {len(s.found)} | "
            f"{len(s.missed)} | {len(s.wrong)} | {len(problems)} ({unkept} unkept) |"
        )
    found, missed, wrong = (
        sum(len(getattr(s, n)) for s in scores) for n in ("found", "missed", "wrong")
    )
    print(
        f"| total | {sum(s.words for s in scores)} | {sum(len(s.drafts) for s in scores)} | "
        f"{sum(s.facts for s in scores)} | {found} | {missed} | {wrong} |"
    )
    shipped = score_shipped(base)
    print(
        f"\nThe shipped article ({shipped.article}) against its brands alone, with no partnership "
        f"and no phone: {len(shipped.drafts)} drafts ({shipped.facts} facts), {len(shipped.found)} "
        f"found, {len(shipped.missed)} missed, {len(shipped.wrong)} wrong (the key: the shipped "
        "partnerships and phones)"
    )
    scores.append(shipped)
    if args.show:
        for line in shown:
            print(line, file=sys.stderr)
        for s in scores:
            for label, claims in (("missed", s.missed), ("wrong", s.wrong)):
                for claim in sorted(claims):
                    print(f"{s.article}: {label}: {' / '.join(claim)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

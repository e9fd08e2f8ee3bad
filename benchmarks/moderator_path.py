"""A moderator's path from an article to right answers: `python -m benchmarks.moderator_path`.

For each fictional article of tests/data/articles/ (on a copy of the shipped knowledge, each
alone): `camerabot source add`, `source drafts --json`, `source accept` of the drafts its answer
key holds (facts only where the plan below gives them a question; `--edit` where the plan types
a field), `source reject` of the rest with one reason, then the questions the article answers,
asked with `camerabot ask`. The commands run as processes, as a moderator runs them, and are
timed; the moderator's own time is estimated with the model in `MODEL`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.drafts import ROOT, article_paths

# The moderator's time: seconds per command typed, per draft read, per field typed by hand.
MODEL = {"command": 15.0, "draft": 10.0, "field": 20.0}


@dataclass(frozen=True, slots=True)
class Plan:
    """What a moderator decides for one article, and the questions it should now answer."""

    # A fact draft to keep (a word of its quote → the question the moderator types for it).
    facts: dict[str, str] = field(default_factory=dict)
    # A draft whose fields the moderator types ((kind, record) → field → value).
    edits: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    # (question, words the answer must hold) after the drafts are accepted.
    questions: tuple[tuple[str, tuple[str, ...]], ...] = ()


PLANS = {
    "2022-12-14-xiaomi-12s-oppo": Plan(
        facts={"share a parent company": "Are Oppo and OnePlus related?"},
        questions=(
            ("Who does Oppo work with?", ("Hasselblad",)),
            ("Is OnePlus the only brand with Hasselblad?", ("No", "Oppo")),
            ("Which Vivo phones have Zeiss cameras?", ("Vivo X80 Pro",)),
            ("When is the first Oppo Hasselblad phone due?", ("February 2023",)),
            ("Are Oppo and OnePlus related?", ("parent company",)),
            ("What was the first Xiaomi Leica phone?", ("Xiaomi 12S Ultra",)),
        ),
    ),
    "2023-03-09-oneplus-renews": Plan(
        questions=(
            ("How long is the OnePlus Hasselblad partnership?", ("three-year",)),
            ("When did OnePlus start working with Hasselblad?", ("March 2021",)),
            ("Which OnePlus phones have Hasselblad cameras?", ("OnePlus 11",)),
        ),
    ),
    "2023-09-20-vivo-ends-zeiss": Plan(
        facts={"about control over its imaging": "Why did Vivo stop working with Zeiss?"},
        # The status is in a later sentence (and draft): the partnership needs one to be added.
        edits={("add_partnership", "vivo-sony"): {"status": "announced"}},
        questions=(
            ("Does Vivo still work with Zeiss?", ("ended",)),
            ("Who does Vivo work with now?", ("Sony",)),
            ("Why did Vivo stop working with Zeiss?", ("control over its imaging",)),
        ),
    ),
    "2024-02-26-xiaomi-14-ultra": Plan(
        edits={("add_partnership", "oppo-hasselblad"): {"status": "active"}},
        questions=(
            ("How long will Xiaomi work with Leica?", ("2027",)),
            ("Which Xiaomi phones have Leica cameras?", ("Xiaomi 14 Ultra",)),
            ("Who does Oppo work with?", ("Hasselblad",)),
        ),
    ),
    "2024-06-12-honor-arri": Plan(
        edits={("add_partnership", "honor-arri"): {"status": "active"}},
        questions=(
            ("Who does Honor work with?", ("Arri",)),
            ("Is Arri German?", ("Yes",)),
            ("Which Honor phones have Arri cameras?", ("Honor Magic 6 Pro",)),
        ),
    ),
    "2024-10-03-motorola-sigma": Plan(
        questions=(
            ("Who does Motorola work with?", ("Sigma",)),
            ("Does Motorola work with Sigma?", ("Yes",)),
        ),
    ),
}

Run = Callable[[Sequence[str]], tuple[int, str, float]]


def process_runner(knowledge: Path, state: Path) -> Run:
    """Run `camerabot` as a separate process over `knowledge` and `state`, timed."""
    command = [str(ROOT / ".venv" / "bin" / "camerabot"), "--knowledge", str(knowledge)]
    env = {"STATE_DIR": str(state), "PATH": "/usr/bin:/bin", "HOME": str(state.parent)}

    def run(args: Sequence[str]) -> tuple[int, str, float]:
        start = time.perf_counter()
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, check=False
        )
        return done.returncode, done.stdout + done.stderr, time.perf_counter() - start

    return run


def inprocess_runner(knowledge: Path) -> Run:
    """Run `camerabot` in this process (STATE_DIR set by the caller), for the tests."""
    from bot.cli.main import main as camerabot

    def run(args: Sequence[str]) -> tuple[int, str, float]:
        out = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = camerabot(["--knowledge", str(knowledge), *args])
        return code, out.getvalue(), time.perf_counter() - start

    return run


@dataclass(slots=True)
class Outcome:
    """One article's path: the moderator's actions, the commands' time, the answers after."""

    article: str
    drafts: int = 0
    accepted: int = 0
    rejected: int = 0
    commands: int = 0
    fields: int = 0
    seconds: float = 0.0
    answers: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def moderator_seconds(self) -> float:
        """The moderator's time by `MODEL` (typing and reading; the commands' time added)."""
        return (
            self.commands * MODEL["command"]
            + self.drafts * MODEL["draft"]
            + self.fields * MODEL["field"]
            + self.seconds
        )

    @property
    def right(self) -> int:
        """How many of the questions are answered right."""
        return sum(ok for _, ok, _ in self.answers)


def follow(path: Path, run: Run) -> Outcome:
    """Follow a moderator's path for one article with `run` (one `camerabot` command each)."""
    key = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    plan = PLANS[path.stem]
    claims = {tuple(change) for change in key["changes"]}
    outcome = Outcome(path.stem)

    def command(*args: str) -> str:
        code, out, seconds = run(args)
        outcome.commands += 1
        outcome.seconds += seconds
        if code != 0:
            raise RuntimeError(f"camerabot {' '.join(args)} failed ({code}):\n{out}")
        return out

    source = key["id"]
    command("source", "add", str(path), "--title", key["title"], "--date", key["date"],
            "--id", source)  # fmt: skip
    out = command("source", "drafts", source, "--json")
    listed = [json.loads(line) for line in out.splitlines() if line.strip()]
    outcome.drafts = len(listed)
    accept: list[str] = []
    edits: list[str] = []
    reject: list[str] = []
    for draft in listed:
        number = str(draft["number"])
        if draft["kind"] == "add_fact":
            question = next((q for w, q in plan.facts.items() if w in draft["quote"]), None)
            if question is None:
                reject.append(number)
                continue
            accept.append(number)
            edits += ["--edit", number, f"question={question}"]
            outcome.fields += 1
            continue
        if atoms(draft) <= claims:
            accept.append(number)
        else:
            reject.append(number)
        typed = plan.edits.get((draft["kind"], draft["record"]), {})
        if typed:
            edits += ["--edit", number, *(f"{k}={v}" for k, v in typed.items())]
            outcome.fields += len(typed)
    if accept:
        command("source", "accept", source, *accept, *edits)
    if reject:
        command("source", "reject", source, *reject, "--reason", "not for the records")
        outcome.fields += 1  # the reason
    outcome.accepted, outcome.rejected = len(accept), len(reject)
    for question, words in plan.questions:
        code, answer, _ = run(("ask", question))
        first = answer.split(maxsplit=1)[0].strip(".,:") if answer.split() else ""
        ok = code == 0 and all(
            first == w if w in ("Yes", "No") else w in " ".join(answer.split()) for w in words
        )
        outcome.answers.append((question, ok, " ".join(answer.split())[:200]))
    return outcome


def atoms(draft: dict[str, object]) -> set[tuple[str, ...]]:
    """A draft's claims as the answer keys write them: (record kind, record, field, value)."""
    kind = str(draft["kind"]).split("_", 1)[1]
    changes = draft["changes"]
    assert isinstance(changes, dict)
    found = set()
    for name, value in changes.items():
        for item in [value] if isinstance(value, str) else value:
            found.add((kind, str(draft["record"]), name, item))
    return found


def main(argv: list[str] | None = None) -> int:
    """Print each article's path and the totals; `--json` for the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    outcomes = []
    for path in article_paths():
        with tempfile.TemporaryDirectory() as folder:
            knowledge = Path(folder) / "knowledge"
            shutil.copytree(ROOT / "knowledge", knowledge)
            outcomes.append(follow(path, process_runner(knowledge, Path(folder) / "state")))
    if args.json:
        for outcome in outcomes:
            sys.stdout.write(json.dumps(dataclasses.asdict(outcome)) + "\n")
        return 0
    sys.stdout.write(
        "| article | drafts | accepted | rejected | commands | fields typed | commands' time "
        "| moderator's time | questions right |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for o in outcomes:
        sys.stdout.write(
            f"| {o.article} | {o.drafts} | {o.accepted} | {o.rejected} | {o.commands} "
            f"| {o.fields} | {o.seconds:.1f} s | {o.moderator_seconds / 60:.1f} min "
            f"| {o.right}/{len(o.answers)} |\n"
        )
    for o in outcomes:
        for question, ok, answer in o.answers:
            if not ok:
                sys.stdout.write(f"not right ({o.article}): {question} → {answer}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

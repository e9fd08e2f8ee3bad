"""`make mutate`: mutation testing of the modules in scope.toml with mutmut, then the report.

    python -m mutation.mutate            # a fresh run (deletes mutants/), then the report
    python -m mutation.mutate --report   # the report of the last run
    python -m mutation.mutate --jobs 1   # fewer workers on a busy machine (default: 2)
    python -m mutation.mutate --survivors  # re-run only the last run's survivors (new tests)
    python -m mutation.mutate --incremental  # keep mutants/: mutmut re-runs only what changed

The report counts, per module, the mutants killed, those marked equivalent or accepted in
justified.toml (with the reason), and the unjustified survivors, each with its diff and a stub
to paste into justified.toml once it is understood. The score is killed / (mutants - equivalent).
It exits 1 when a survivor is unjustified or the score is under TARGET.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MUTANTS = ROOT / "mutants"
TIMING = MUTANTS / "mutate-timing.json"
RECHECK = MUTANTS / "mutate-recheck.json"
TARGET = 0.95
GIT = shutil.which("git") or "git"
# mutmut's exit codes (mutmut.stats.status_by_exit_code) that mean the tests caught the mutant.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
KILLED |= {255: "timeout", -11: "crashed", -9: "crashed", 37: "type check"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


@dataclass(frozen=True)
class Module:
    """One module of scope.toml."""

    name: str
    functions: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def patterns(self) -> list[str]:
        """The mutmut name patterns of this module's mutants in scope."""
        return [f"{self.name}.{function}__mutmut_*" for function in self.functions]


@dataclass(frozen=True)
class Justified:
    """A surviving mutant that is equivalent, or accepted, with the reason."""

    function: str
    mutated: tuple[str, ...]
    kind: str
    reason: str
    context: str = ""

    def matches(self, function: str, added: tuple[str, ...], before: tuple[str, ...]) -> bool:
        """Whether a survivor is this one: same function, same added lines, and context."""
        return (
            self.function == function
            and self.mutated == added
            and (not self.context or self.context in before)
        )


def load_scope() -> list[Module]:
    """The modules in scope."""
    data = tomllib.loads((HERE / "scope.toml").read_text(encoding="utf-8"))
    return [Module(m["name"], tuple(m["functions"]), tuple(m["tests"])) for m in data["module"]]


def load_justified() -> list[Justified]:
    """The justified survivors."""
    data = tomllib.loads((HERE / "justified.toml").read_text(encoding="utf-8"))
    entries = []
    for item in data.get("mutant", []):
        if item["kind"] not in ("equivalent", "accepted"):
            raise SystemExit(f"justified.toml: kind must be equivalent or accepted: {item}")
        lines = tuple(line.strip() for line in item["mutated"].strip().splitlines())
        context = item.get("context", "").strip()
        entries.append(Justified(item["function"], lines, item["kind"], item["reason"], context))
    return entries


def run(modules: list[Module], jobs: int, *, incremental: bool = False) -> None:
    """A mutmut run over the modules' functions, timed: fresh, or on top of the last one."""
    if not incremental:
        # mutmut keeps the last results of every function whose code did not change; a fresh
        # run is the figure to report, an incremental one the quick check after a merge.
        shutil.rmtree(MUTANTS, ignore_errors=True)
    patterns = [p for m in modules for p in m.patterns]
    commit, dirty = git_commit()  # what is measured: the code and tests as the run starts
    started = time.monotonic()
    command = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(jobs)]
    subprocess.run([*command, *patterns], cwd=ROOT, check=True)
    seconds = time.monotonic() - started
    RECHECK.unlink(missing_ok=True)
    TIMING.write_text(
        json.dumps(
            {"seconds": round(seconds), "jobs": jobs, "cpus": os.cpu_count(), "commit": commit}
            | {"dirty": dirty, "incremental": incremental}
        ),
        encoding="utf-8",
    )


def git_commit() -> tuple[str, bool]:
    """The short commit of HEAD, and whether tracked files differ from it."""
    commit = subprocess.run(
        [GIT, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        [GIT, "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return commit, bool(dirty)


def recheck(modules: list[Module], jobs: int) -> None:
    """Run the survivors of the last run again, against the tests as they are now."""
    everything = results()
    names = sorted(
        name
        for name, (code, _) in everything.items()
        if code not in KILLED and any(fnmatch(name, p) for m in modules for p in m.patterns)
    )
    if not names:
        return
    commit, dirty = git_commit()
    started = time.monotonic()
    command = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(jobs)]
    subprocess.run([*command, *names], cwd=ROOT, check=True)
    RECHECK.write_text(
        json.dumps(
            {"seconds": round(time.monotonic() - started), "mutants": len(names)}
            | {"commit": commit, "dirty": dirty}
        ),
        encoding="utf-8",
    )


def results() -> dict[str, tuple[int | None, Path]]:
    """Every mutant's exit code and source file, from mutmut's .meta files."""
    found: dict[str, tuple[int | None, Path]] = {}
    for meta in MUTANTS.rglob("*.py.meta"):
        source = meta.relative_to(MUTANTS).with_suffix("")
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data["exit_code_by_key"].items():
            found[name] = (code, source)
    return found


def mutated_lines(name: str, source: Path) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """The lines the mutant adds, the unchanged lines just before them (stripped), its diff."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = Path.cwd()
    os.chdir(ROOT)  # mutmut finds mutants/ from the working directory
    try:
        diff = get_diff_for_mutant(name, path=source)
    finally:
        os.chdir(cwd)
    lines = diff.splitlines()[3:]  # after the ---, +++ and @@ lines
    added = tuple(line[1:].strip() for line in lines if line.startswith("+"))
    first = next((i for i, line in enumerate(lines) if line[:1] in "+-"), 0)
    before = tuple(line[1:].strip() for line in lines[max(0, first - 3) : first])
    return added, before, diff


def function_of(name: str) -> str:
    """`bot.state.atomic.x_write` of `bot.state.atomic.x_write__mutmut_12`."""
    return name.rpartition("__mutmut_")[0]


def report(modules: list[Module]) -> int:
    """Print the report; 1 when a survivor is unjustified or the score is under TARGET."""
    everything = results()
    if not everything:
        print("No results: run `make mutate` first.")
        return 1
    justified = load_justified()
    used: set[Justified] = set()
    unjustified: list[tuple[str, str, tuple[str, ...]]] = []
    accepted: list[tuple[str, Justified]] = []
    unchecked = 0
    rows = []
    totals: Counter[str] = Counter()
    for module in modules:
        names = sorted(
            (n for n in everything if any(fnmatch(n, p) for p in module.patterns)),
            key=lambda n: (function_of(n), int(n.rpartition("_")[2])),
        )
        counts: Counter[str] = Counter(mutants=len(names))
        for name in names:
            code, source = everything[name]
            if code in KILLED:
                counts["killed"] += 1
                continue
            if code not in SURVIVED:
                unchecked += 1
                counts["unchecked"] += 1
                continue
            added, before, diff = mutated_lines(name, source)
            match = next(
                (j for j in justified if j.matches(function_of(name), added, before)), None
            )
            if match is None:
                counts["unjustified"] += 1
                unjustified.append((name, f"{SURVIVED[code]}\n{diff}", added))
            else:
                used.add(match)
                counts[match.kind] += 1
                if match.kind == "accepted":
                    accepted.append((name, match))
        totals.update(counts)
        rows.append((module.name, counts))
    rows.append(("total", totals))

    print(
        f"{'module':20} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'accepted':>9} "
        f"{'unjust.':>8} {'score':>7}"
    )
    for name, counts in rows:
        print(
            f"{name:20} {counts['mutants']:8} {counts['killed']:7} {counts['equivalent']:7} "
            f"{counts['accepted']:9} {counts['unjustified']:8} {score(counts):>7}"
        )
    print()
    for name, match in accepted:
        print(f"accepted {name}: {match.reason}")
    for name, text, added in unjustified:
        print(f"\nUNJUSTIFIED {name}: {text}")
        stub = "\n".join(added).replace("'''", "")
        print(
            f"\n[[mutant]]\nfunction = \"{function_of(name)}\"\nmutated = '''\n{stub}\n'''\n"
            'kind = "equivalent"  # or "accepted"\nreason = ""\n'
            "# context = a line just before the change, when the added lines occur twice"
        )
    stale = [j for j in justified if j not in used]
    if stale:
        print(
            f"\n{len(stale)} entries of justified.toml match no survivor of this run (killed "
            "now, or the code moved): " + ", ".join(j.function for j in stale)
        )
    if TIMING.exists():
        timing = json.loads(TIMING.read_text(encoding="utf-8"))
        minutes = timing["seconds"] / 60
        changes = " (with local changes)" if timing["dirty"] else ""
        if timing.get("incremental"):
            changes += ", incremental (only code changed since the run before re-run)"
        print(
            f"\nRun at commit {timing['commit']}{changes}: {minutes:.1f} min with "
            f"{timing['jobs']} workers on {timing['cpus']} cores."
        )
    if RECHECK.exists():
        again = json.loads(RECHECK.read_text(encoding="utf-8"))
        changes = " (with local changes)" if again["dirty"] else ""
        print(
            f"Its {again['mutants']} survivors run again at commit {again['commit']}{changes}: "
            f"{again['seconds'] / 60:.1f} min."
        )
    value = totals["killed"] / max(1, totals["mutants"] - totals["equivalent"])
    print(
        f"Mutation score {value:.1%} (target {TARGET:.0%}); {len(unjustified)} unjustified "
        f"survivors; {unchecked} not checked."
    )
    return 0 if not unjustified and not unchecked and value >= TARGET else 1


def score(counts: Counter[str]) -> str:
    """The score: killed / (mutants - equivalent), as a percentage."""
    denominator = counts["mutants"] - counts["equivalent"]
    return f"{counts['killed'] / denominator:.1%}" if denominator else "-"


def main() -> int:
    """Run mutmut over the scope (unless --report), then report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument(
        "--survivors", action="store_true", help="run only the last run's survivors again"
    )
    parser.add_argument(
        "--incremental", action="store_true", help="keep the last run's results of unchanged code"
    )
    parser.add_argument("--jobs", type=int, default=2, help="mutmut workers (default 2)")
    options = parser.parse_args()
    modules = load_scope()
    if options.survivors:
        recheck(modules, options.jobs)
    elif not options.report:
        run(modules, options.jobs, incremental=options.incremental)
    return report(modules)


if __name__ == "__main__":
    sys.exit(main())

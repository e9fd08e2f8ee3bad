"""A pytest plugin for `make mutate`: a mutant runs only the tests its module answers to.

mutmut sets MUTANT_UNDER_TEST to the mutant's name (`bot.store.x_slugify__mutmut_3`) while it
runs that mutant's tests; the test files its module may be caught by are in scope.toml. Other
runs (the plain test suite, mutmut's coverage and clean runs) are left alone.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from functools import cache
from pathlib import Path

import pytest

SCOPE = Path(__file__).with_name("scope.toml")


@cache
def module_test_patterns() -> dict[str, tuple[str, ...]]:
    """Each module's test file patterns."""
    modules = tomllib.loads(SCOPE.read_text(encoding="utf-8"))["module"]
    return {module["name"]: tuple(module["tests"]) for module in modules}


def patterns_under_test() -> tuple[str, ...] | None:
    """The test patterns of the module whose mutant is running; None when none is."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" not in mutant:
        return None
    module = mutant.rpartition(".")[0]
    return module_test_patterns().get(module, ())


def matches(node_id: str, pattern: str) -> bool:
    """Whether a test matches a pattern of its file, or of its whole node id."""
    if "::" in pattern:
        return fnmatch.fnmatchcase(node_id, pattern)
    return fnmatch.fnmatch(node_id.split("::", 1)[0], pattern)


def in_scope(node_id: str, patterns: tuple[str, ...]) -> bool:
    """Whether a test matches one of the patterns."""
    return any(matches(node_id, pattern) for pattern in patterns)


def rank(node_id: str, patterns: tuple[str, ...]) -> tuple[int, str]:
    """Tests of the patterns listed first run first: a mutant is killed sooner by unit tests."""
    first = next((i for i, pattern in enumerate(patterns) if matches(node_id, pattern)), 0)
    return first, node_id


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Drop tests of other modules before they are collected (collection is the slow part)."""
    patterns = patterns_under_test()
    if patterns is None:
        return
    tests = [a for a in args if "::" in a]
    kept = sorted((a for a in tests if in_scope(a, patterns)), key=lambda a: rank(a, patterns))
    if tests and not kept:
        kept = tests[:1]  # deselected below: no arguments at all would run the whole suite
    args[:] = [a for a in args if "::" not in a] + kept


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect whatever is left of other modules' tests."""
    patterns = patterns_under_test()
    if patterns is None:
        return
    kept = [item for item in items if in_scope(item.nodeid, patterns)]
    dropped = [item for item in items if not in_scope(item.nodeid, patterns)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

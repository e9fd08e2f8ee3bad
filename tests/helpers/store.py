"""Helpers shared by the store, reload and moderation CLI tests (this module holds no tests)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import KNOWLEDGE

SOURCE = "article-2022-05-23"
QUOTE = "German camera-maker Leica"


def copy_knowledge(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the shipped knowledge/ and an empty state directory."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root, tmp_path / "state"


def fact_fields(question: str = "Which German company is Xiaomi's partner?", **extra: Any) -> dict:
    """Valid fields for a new fact (override any of them)."""
    fields: dict[str, Any] = {
        "question": question,
        "answer": "Xiaomi's partner is Leica, the German camera maker.",
        "source": SOURCE,
        "quote": QUOTE,
        "brands": ["xiaomi", "leica"],
    }
    fields.update(extra)
    return fields


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative name to bytes)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def tree(path: Path) -> set[str]:
    """Every path under `path`, relative."""
    return {str(p.relative_to(path)) for p in path.rglob("*")}

"""Shared fixtures: the shipped knowledge directory and an engine built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Engine
from bot.loader import load_fact_base
from bot.models import FactBase

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def fact_base() -> FactBase:
    return load_fact_base(KNOWLEDGE)


@pytest.fixture(scope="session")
def engine(fact_base: FactBase) -> Engine:
    return Engine(fact_base)

"""Bringing a served Engine up to what the store did: a change it made, or a reload it saw."""

from __future__ import annotations

from bot.engine.engine import Engine
from bot.facts.models import Fact, FactBase
from bot.state.audit import Kind
from bot.store.events import Change, ReloadResult


def _rebuilt(engine: Engine, base: FactBase) -> Engine:
    """A new engine for `base`, keeping the reviews the served one knows (state, not files)."""
    fresh = Engine(base)
    fresh.reviewed = engine.reviewed
    return fresh


def apply_reload(engine: Engine, result: ReloadResult) -> Engine:
    """The engine to serve after `result`: updated in place, or a new one after a full reload.

    A full rebuild of a large base takes time: call this in a worker thread when `result.full`.
    """
    if result.base is None or not result.changed:
        return engine
    if result.full:
        return _rebuilt(engine, result.base)
    for fact_id in result.removed:
        engine.remove_fact(fact_id, result.base)
    for fact in result.upserted:
        engine.upsert_fact(fact, result.base)
    return engine


def apply_change(engine: Engine, change: Change) -> Engine:
    """Make a change answerable at once; returns the engine to serve (new after a full reload)."""
    if change.reload is not None:
        engine = apply_reload(engine, change.reload)
    if change.kind == Kind.FACT:
        if change.after is None:
            engine.remove_fact(change.record_id, change.base)
        elif isinstance(change.after, Fact):
            engine.upsert_fact(change.after, change.base)
    elif change.kind in (Kind.BRAND, Kind.PARTNERSHIP) or (
        change.before is not None and change.after is not None
    ):
        # Brands and partnerships shape the rules' look-ups and the vocabulary, and a source's
        # date or title the answers' wording: built anew.
        return _rebuilt(engine, change.base)
    else:
        # A source changes no matcher entry; citations are looked up in the base.
        engine.base = change.base
    return engine

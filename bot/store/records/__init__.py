"""Brands, partnerships and sources, changed like facts: `KnowledgeStore.records` (a `RecordStore`).

How to use it (from the command line, or a Discord cog through `asyncio.to_thread`):

    records = store.records
    records.add(Kind.BRAND, {"id": "oppo", "name": "Oppo", "kind": "phone_maker"}, actor=who)
    version = records.version(Kind.PARTNERSHIP, "oneplus-hasselblad")
    change = records.edit(Kind.PARTNERSHIP, "oneplus-hasselblad", {"status": "ended"},
                          base_version=version, actor=who)
    records.remove(Kind.SOURCE, "article-id", base_version=None, actor=who)
    records.record(Kind.BRAND, "oppo")        # the record as stored, to pre-fill a form
    records.ids(Kind.SOURCE)                  # for autocomplete
    text_page(records.source_text("article-id"), 1)  # a source's text, a page at a time

Fields are those of the files (`knowledge/README.md`; dates as YYYY-MM-DD text or `date`s); an
empty value clears an optional field.
Every change returns a `Change` (apply it with `bot.runtime.sync.apply_change`) and raises
`ChangeRejected` (every problem; a quote that is not word for word names the nearest passage of
its source), `StaleEdit` (the record changed since `base_version`) or `UnknownRecord`. Sources
are added with `KnowledgeStore.add_source` (the text goes with them); only a source's title,
date and url can be edited. `KnowledgeStore.undo`/`redo` and `history(kind=…)` cover them all.
"""

from __future__ import annotations

from bot.store.records.passages import nearest_passage, sentences, text_page
from bot.store.records.store import RECORD_FILES, SOURCE_EDITABLE, RecordStore, UnknownRecord

__all__ = [
    "RECORD_FILES",
    "SOURCE_EDITABLE",
    "RecordStore",
    "UnknownRecord",
    "nearest_passage",
    "sentences",
    "text_page",
]

"""The knowledge store: moderator edits to the fact base (see `bot.store.knowledge_store`)."""

from __future__ import annotations

from bot.store.changes import MAX_NEW_FACTS_PER_FILE, new_facts_file
from bot.store.errors import (
    ChangeRejected,
    FileBeingWritten,
    FileChanged,
    NothingToUndo,
    RemoteMoved,
    RemoteUnavailable,
    StaleEdit,
    StateDirError,
    StoreError,
    StoreLocked,
    UnknownFact,
)
from bot.store.events import Change, ReloadResult, ReloadStatus
from bot.store.fields import (
    FACT_KEYS,
    NEW_FACTS_FILE,
    SOURCE_KEYS,
    normalise_fact_fields,
    record_version,
    slugify,
)
from bot.store.history import AUDIT_FILE, JOURNAL_FILE
from bot.store.knowledge_store import GAPS_FILE, AnsweringEngine, KnowledgeStore
from bot.store.remote import KnowledgeRemote

__all__ = [
    "AUDIT_FILE",
    "FACT_KEYS",
    "GAPS_FILE",
    "JOURNAL_FILE",
    "MAX_NEW_FACTS_PER_FILE",
    "NEW_FACTS_FILE",
    "SOURCE_KEYS",
    "AnsweringEngine",
    "Change",
    "ChangeRejected",
    "FileBeingWritten",
    "FileChanged",
    "KnowledgeRemote",
    "KnowledgeStore",
    "NothingToUndo",
    "ReloadResult",
    "ReloadStatus",
    "RemoteMoved",
    "RemoteUnavailable",
    "StaleEdit",
    "StateDirError",
    "StoreError",
    "StoreLocked",
    "UnknownFact",
    "new_facts_file",
    "normalise_fact_fields",
    "record_version",
    "slugify",
]

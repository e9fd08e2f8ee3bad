"""The one exception tree: every error camerabot raises on purpose derives from `CamerabotError`.

    CamerabotError          something camerabot refuses or cannot do, said in words people read
    ├── SettingsError       (also a ValueError) a setting in the environment is missing or wrong
    ├── KnowledgeError      the knowledge files are invalid: every problem, with file and line
    ├── StoreError          the store refuses a change, or cannot use its state folder
    │   ├── ChangeRejected  the change would make the fact base invalid (its problems attached)
    │   ├── StaleEdit       the record changed since the moderator opened it
    │   ├── UnknownFact     (also a LookupError) no fact has that id
    │   ├── UnknownRecord   (also a LookupError) no source, brand or partnership has that id
    │   ├── NothingToUndo   no change of this moderator's left to undo or redo
    │   ├── StoreLocked     another process holds the change lock too long
    │   ├── StateDirError   STATE_DIR cannot be read or written
    │   ├── FileChanged     a knowledge file changed while a change was being written
    │   │   └── RemoteMoved another host pushed to KNOWLEDGE_REMOTE first (the change is redone)
    │   ├── FileBeingWritten  another program keeps a knowledge file open for writing
    │   ├── RemoteUnavailable  KNOWLEDGE_REMOTE cannot be reached: changes are refused
    │   ├── UnkeptFileStyle a file's style (line ends, BOM, ---) that an undo could not restore
    │   └── ReviewError     a draft review cannot go on (no such draft, the base changed since)
    ├── FileReplaced        a file was replaced under an atomic write (another writer won)
    ├── LockTimeout         a file lock was not had within its time limit
    ├── LockBusy            the PostgreSQL change lock was not had within its time limit
    ├── StateUnavailable    the state database (DATABASE_URL) cannot be reached now
    ├── StateNotEmpty       `state migrate` would mix two histories (the target holds state)
    ├── DraftQuoteError     (also a ValueError) a draft from an article quotes what it does not say
    └── SyncError           (also a RuntimeError) Discord refused the slash commands' sync

Each message is meant for the person who caused it (a moderator, an operator): the command line
prints it and exits 2; on Discord it becomes a short private reply. Anything else that escapes is
a bug, logged with its traceback.
"""

from __future__ import annotations

__all__ = ["CamerabotError"]


class CamerabotError(Exception):
    """The root of every error camerabot raises on purpose; its message is for people."""

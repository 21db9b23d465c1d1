"""Sessions coming into a store from elsewhere: the single-file store of earlier versions (once,
automatically, with a backup) and exports from another machine (`facilitator import`).

Both merge by session id, so running either twice changes nothing the second time, and a move
interrupted by a crash simply finishes at the next start:

* a session the store does not hold is added to the file of the month it was started;
* one it holds is replaced only by a later revision of itself; an equal or older one is skipped;
* a stored session that is damaged is never written over.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from facilitator.files import atomic_write, fsync_dir, leftover_temp_files
from facilitator.index import month_of
from facilitator.models import now

if TYPE_CHECKING:
    from facilitator.store import Store


@dataclass
class Merged:
    """What a merge did, session ids in each list."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    """Already held, at the same or a later revision."""
    refused: list[str] = field(default_factory=list)
    """Held damaged in the store: never written over."""


def _revision(doc: dict[str, Any]) -> int:
    value = doc.get("revision", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _month(doc: dict[str, Any]) -> datetime:
    try:
        created = datetime.fromisoformat(str(doc.get("created")))
    except ValueError:
        return now()
    return created


def merge_documents(store: Store, docs: Iterable[dict[str, Any]]) -> Merged:
    """Write `docs` (session documents, as stored) into `store`, each session file once.

    The caller holds the store's lock. Documents go in as they are: a damaged one stays
    damaged, shown with its failing fields like any other.
    """
    from facilitator.store import FILE_SIZE, SESSIONS, AtomicJSONStorage, listed_id

    merged = Merged()
    index = store.index
    writes: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # file -> id -> doc
    new_counts: dict[str, int] = {}
    for number, doc in enumerate(docs, 1):
        session_id = listed_id(doc, str(number))
        if any(session_id in incoming for incoming in writes.values()):
            merged.unchanged.append(session_id)  # the same id twice in what came in: the first counts
            continue
        held = index.summary(session_id)
        if held is not None:
            if held.damaged:
                merged.refused.append(session_id)
            elif _revision(doc) > held.revision:
                writes[index.file_of(session_id) or ""][session_id] = doc
                merged.updated.append(session_id)
            else:
                merged.unchanged.append(session_id)
            continue
        month = month_of(_month(doc))
        counts = index.files_of_month(month)
        part = 1
        while True:
            name = month if part == 1 else f"{month}-{part}"
            if counts.get(name, 0) + new_counts.get(name, 0) < FILE_SIZE:
                break
            part += 1
        new_counts[name] = new_counts.get(name, 0) + 1
        writes[name][session_id] = doc
        merged.added.append(session_id)
    for name, incoming in writes.items():
        path = store.layout.session_file(name)
        storage = AtomicJSONStorage(path, mode=store._file_mode())
        data = storage.read() or {}
        table: dict[str, dict[str, Any]] = data.setdefault(SESSIONS, {})
        keys = {listed_id(doc, key): key for key, doc in table.items()}
        next_key = max((int(k) for k in table), default=0) + 1
        for session_id, doc in incoming.items():
            key = keys.get(session_id)
            if key is None:
                key = str(next_key)
                next_key += 1
            table[key] = doc
        storage.write(data)
        store._index_file(index, name)
    if len(writes) > 16 and index.path is not None:
        index.analyze()
    return merged


def migrate(store: Store) -> Merged | None:
    """Move the single-file store of earlier versions into the store's folder, once.

    Its sessions are merged in, its settings and live journals come along, and the file itself
    goes to `backups/` byte for byte before it is removed. The caller holds the store's lock;
    the old file's own lock is taken too, so an earlier facilitator cannot write it meanwhile.

    Raises:
        StoreDamaged: the old file cannot be read; nothing was changed.
        StoreBusy: an earlier facilitator runs a session on it; nothing was changed.
    """
    from facilitator.store import SESSIONS, SETTINGS, AtomicJSONStorage, StoreBusy

    legacy = store.layout.legacy
    if legacy is None or not legacy.is_file():
        return None
    old_journals = legacy.with_name(legacy.name + ".journal")
    old_lock = FileLock(str(legacy) + ".lock")
    with old_lock:
        raw = legacy.read_bytes()
        data = AtomicJSONStorage(legacy, True).read() or {}
        for lock_path in sorted(old_journals.glob("*.lock")) if old_journals.is_dir() else []:
            lock = FileLock(str(lock_path))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise StoreBusy(
                    f"an earlier facilitator is running session {lock_path.stem} on {legacy}; "
                    "finish it there, then start again"
                ) from None
            lock.release()
        merged = merge_documents(store, list(data.get(SESSIONS, {}).values()))
        settings = store.layout.settings
        if data.get(SETTINGS) and not settings.exists():
            AtomicJSONStorage(settings, mode=store._file_mode()).write({SETTINGS: data[SETTINGS]})
        if old_journals.is_dir():
            store.layout.journal.mkdir(parents=True, exist_ok=True)
            for journal in sorted(old_journals.glob("*.jsonl")):
                target = store.layout.journal / journal.name
                if journal.is_file() and not target.exists():
                    atomic_write(target, journal.read_bytes(), mode=store._file_mode())
        stamp = now().strftime("%Y%m%dT%H%M%S")
        atomic_write(store.layout.backups / f"{legacy.stem}-before-the-move-{stamp}{legacy.suffix}", raw, mode=store._file_mode())
        legacy.unlink()
        for temp in leftover_temp_files(legacy):  # what an interrupted write of it left
            temp.unlink(missing_ok=True)
        fsync_dir(legacy.parent)
        if old_journals.is_dir():
            shutil.rmtree(old_journals, ignore_errors=True)
    try:
        os.unlink(str(legacy) + ".lock")
    except OSError:
        pass
    return merged

"""A first look at a store without opening it: its newest sessions as its index lists them, and
a setting, read with the standard library alone.

Opening the store loads pydantic and TinyDB, tidies, and checks the index against the session
files: a few hundred milliseconds before anything could be shown. The home screen shows this
glance at once and the store opens on a thread meanwhile. Nothing here writes, and whenever the
index cannot be taken as it is (a single-file store to move in, an index missing, of another
layout or behind its files, a close a crash cut short) there is no glance: what is shown at
first is what the open store then says, but for a live session's count of ideas, which its
journal adds to.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.index import Index, IndexOutdated, IndexUnusable
from facilitator.layout import StoreLayout
from facilitator.summaries import SessionSummary


@dataclass(frozen=True)
class Glance:
    """The newest sessions and the open actions, as the index holds them."""

    sessions: list[SessionSummary]
    """Newest first; a live one's counts are those of its last phase end (its journal is not read)."""
    closed: int
    open_actions: int
    read_only: bool
    """The store's folder may not be written, as far as this process can tell without trying."""


def opens_quietly(store_path: Path) -> bool:
    """The store's folder is there and no single-file store waits to move in: opening it cannot
    stop to ask about a damaged store, so it may happen after the screen is taken over."""
    layout = StoreLayout.of(store_path)
    return layout.folder.is_dir() and (layout.legacy is None or not layout.legacy.exists())


def usable_index(layout: StoreLayout) -> Index | None:
    """The store's index, read-only and as it is, when opening the store would find nothing to
    change in it; the caller closes it. None when there is a single-file store to move in, no
    index (or one of another layout), a session file the index has not read, or a journal that
    may hold a close a crash cut short."""
    if layout.legacy is not None and layout.legacy.exists():
        return None
    try:
        index = Index.open(layout.index, read_only=True)
    except (IndexUnusable, IndexOutdated):
        return None
    try:
        journals = [p for p in layout.journal.glob("*.jsonl") if p.is_file()] if layout.journal.is_dir() else []
        if any(b'"status"' in p.read_bytes() for p in journals):
            raise LookupError("perhaps a close a crash interrupted: the store finishes it")
        if any(index.stale_files(layout.sessions)):
            raise LookupError("a session file the index has not read")
    except (OSError, LookupError):
        index.close()
        return None
    return index


def glance(store_path: Path, *, limit: int) -> Glance | None:
    """The newest `limit` sessions and the open actions, when the index can be taken as it is."""
    layout = StoreLayout.of(store_path)
    if not opens_quietly(store_path) or (index := usable_index(layout)) is None:
        return None
    try:
        sessions = index.summaries(limit=limit)
        closed, open_actions = index.open_actions()
    finally:
        index.close()
    read_only = not os.access(layout.folder, os.W_OK | os.X_OK)
    return Glance(sessions, closed, open_actions, read_only)


def saved_setting(store_path: Path, key: str, default: Any = None) -> Any:
    """A setting as the store keeps it (TinyDB's layout in `settings.json`, see `Store.setting`),
    or `default` if the file is missing or cannot be read."""
    try:
        data = json.loads(StoreLayout.of(store_path).settings.read_bytes().decode("utf-8-sig"))
        docs = data.get("settings", {}).values()
    except (OSError, ValueError, RecursionError, AttributeError):
        return default
    found = next((d for d in docs if isinstance(d, dict) and d.get("key") == key), None)
    return default if found is None else found.get("value", default)

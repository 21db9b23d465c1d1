"""Where a store's parts are, from the path a person gave, and what opening it can say. Plain
Python, so that a command that only lists can find the index without loading the store."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

STORE_ENV = "FACILITATOR_STORE"
JOURNAL_SUFFIX = ".jsonl"


def default_store_path() -> Path:
    """`$FACILITATOR_STORE`, or `store.json` in the platform's user data directory (whose
    sessions live in the folder `store` beside it; see `StoreLayout`)."""
    if env := os.environ.get(STORE_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("facilitator")) / "store.json"


@dataclass(frozen=True)
class StoreLayout:
    """Where a store's parts are, from the path a person gave.

    A path naming a folder is the store. A path ending in `.json` (or naming a file) is the
    single-file store of earlier versions: its folder is the same path without the suffix, and
    the file, if it is there, moves into that folder once (`migrate`).
    """

    folder: Path
    legacy: Path | None = None

    @classmethod
    def of(cls, path: Path) -> StoreLayout:
        path = path.expanduser()
        if path.is_dir():
            return cls(path)
        if path.suffix.lower() == ".json":
            return cls(path.with_suffix(""), path)
        if path.is_file():
            return cls(path.with_name(path.name + "-store"), path)
        return cls(path)

    @property
    def sessions(self) -> Path:
        return self.folder / "sessions"

    @property
    def index(self) -> Path:
        return self.folder / "index.sqlite3"

    @property
    def settings(self) -> Path:
        return self.folder / "settings.json"

    @property
    def journal(self) -> Path:
        return self.folder / "journal"

    @property
    def backups(self) -> Path:
        return self.folder / "backups"

    @property
    def lock(self) -> Path:
        return self.folder / "store.lock"

    def session_file(self, name: str) -> Path:
        return self.sessions / f"{name}.json"


class StoreDamaged(Exception):
    """A store file was read but its content is not a store; it must not be written over.

    A file that cannot be opened at all (a folder, no permission) raises `OSError` instead: it
    is not damaged, and is never set aside.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"store {path} cannot be read ({reason})")
        self.path = path
        self.reason = reason


class StoreSetAside(Exception):
    """The store was set aside as damaged and the user has not yet agreed to start a new one."""

    def __init__(self, path: Path, copies: list[Path]) -> None:
        super().__init__(f"store {path} was set aside as damaged (kept as {copies[-1]}); no new store was started yet")
        self.path = path
        self.copies = copies


def journals_not_plain(folder: Path) -> list[str]:
    """The sessions whose journal in `folder` is not a plain file (a folder, a named pipe),
    found from the folder's listing alone: nothing is opened."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no journals yet, or none that can be listed: nothing to report
        return []
    return sorted(
        entry.name.removesuffix(JOURNAL_SUFFIX)
        for entry in entries
        if entry.name.endswith(JOURNAL_SUFFIX) and not _is_plain(entry)
    )


def _is_plain(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def problem_lines(layout: StoreLayout, skipped: Sequence[str], said: Sequence[str] = ()) -> list[str]:
    """What is wrong in a store as its files stand, one line each, in one order for the store and
    for the commands that only read its index: session files set aside as damaged (those not in
    `said` already), documents left out of the lists, journals that are not plain files."""
    sessions = layout.sessions
    copies = sorted(sessions.glob("*.damaged-*")) if sessions.is_dir() else []
    return [
        *(f"sessions file {c.name.split('.damaged-')[0]}, set aside as damaged as {c.name}"
          for c in copies if not any(c.name in line for line in said)),
        *skipped,
        *(f"the journal of session {name}, which is not a plain file; it was left alone"
          for name in journals_not_plain(layout.journal)),
    ]

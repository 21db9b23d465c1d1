"""The local JSON store: sessions and their actions, kept safe across crashes and processes.

The only module that imports TinyDB. Three rules hold here:

* every write replaces the file atomically (temp file in the same folder, fsync, rename), so a
  crash leaves the old file or the new one, never a torn one;
* every read-modify-write runs under a file lock, so two running instances cannot lose each
  other's writes;
* a file that cannot be read is never written over: it is reported and can be set aside;
* a session document that fails validation is shown with what could be read, the failing fields
  named, and is never written over either;
* a store in a folder this process may not write to opens read-only, for reviewing.

A live session does not rewrite the store for each idea. Its events go to an append-only journal
(one small file per live session, see `Journal`), and the session is folded into the store when a
phase ends, so capturing an idea costs the same however big the store is.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

import platformdirs
from filelock import FileLock
from pydantic import ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from facilitator.files import (  # noqa: F401  (re-exported: the store's public face)
    MAX_JSON_DEPTH,
    TEMP_SUFFIX,
    StoreReadOnly,
    atomic_write,
    damaged_copies,
    fsync_dir,
    is_read_only_error,
    json_bytes,
    leftover_temp_files,
    read_json,
    set_aside,
    writable,
)
from facilitator.journal import Journal, JournalLines  # noqa: F401
from facilitator.models import (
    SCHEMA_VERSION,
    Action,
    ActionState,
    ActionStatus,
    Session,
    SessionStatus,
    now,
)
from facilitator.salvage import plainly, salvage, validates
from facilitator.text import clean

STORE_ENV = "FACILITATOR_STORE"
SESSIONS = "sessions"
SETTINGS = "settings"
T = TypeVar("T")


def default_store_path() -> Path:
    """`$FACILITATOR_STORE`, or `store.json` in the platform's user data directory."""
    if env := os.environ.get(STORE_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("facilitator")) / "store.json"


class StoreDamaged(Exception):
    """The store file was read but its content is not a store; it must not be written over.

    A file that cannot be opened at all (a folder, no permission) raises `OSError` instead: it
    is not damaged, and is never set aside.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"store {path} cannot be read ({reason})")
        self.path = path
        self.reason = reason


class SessionDamaged(LookupError):
    """The stored document of a session did not validate: the copy shown leaves out what could
    not be read, so it must never be saved over the original."""

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} is damaged in the store (see facilitator sessions show {session_id}); "
            "it can be looked at but not changed"
        )
        self.session_id = session_id


class StaleSession(Exception):
    """This window's copy of a session is older than the stored one; writing it would lose work."""

    def __init__(self, session_id: str, stored: int, held: int) -> None:
        super().__init__(
            f"session {session_id} was saved elsewhere since this window opened it "
            f"(version {stored}, this window has {held}); nothing was written over it"
        )
        self.session_id = session_id


class StaleAction(Exception):
    """An action changed elsewhere since it was shown; the change asked for was not made."""

    def __init__(self, row: ActionRow) -> None:
        super().__init__(f"action {row.action.id} was changed elsewhere: it is now {row.action.status.value}")
        self.row = row


class StoreSetAside(Exception):
    """The store was set aside as damaged and the user has not yet agreed to start a new one."""

    def __init__(self, path: Path, copies: list[Path]) -> None:
        super().__init__(f"store {path} was set aside as damaged (kept as {copies[-1]}); no new store was started yet")
        self.path = path
        self.copies = copies


def _looks_like_store(data: object) -> TypeGuard[dict[str, Any]]:
    """Tables of documents keyed by number: what TinyDB wrote, and all it can read."""
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(isinstance(key, str) and key.isdigit() and isinstance(doc, dict) for key, doc in table.items())
        for table in data.values()
    )


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads strictly and writes atomically."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            raise StoreDamaged(self.path, "the file is empty")
        try:
            data = read_json(raw)
        except ValueError as exc:  # not UTF-8, not JSON, or nested too deep: said plainly
            raise StoreDamaged(self.path, str(exc)) from exc
        if not _looks_like_store(data):
            raise StoreDamaged(self.path, "not a facilitator store: unexpected structure")
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise StoreReadOnly(self.path)
        try:
            # Other sessions' documents go back as they were read, not cleaned: `json_bytes`
            # writes them whatever text they hold (one lone surrogate must not stop every save).
            atomic_write(self.path, json_bytes(data, indent=1))
        except OSError as exc:
            if is_read_only_error(exc):
                raise StoreReadOnly(self.path, exc.errno) from exc
            raise


@dataclass(frozen=True)
class ActionRow:
    """An action with the session it came from, as listed across sessions."""

    action: Action
    session: Session


class Store:
    """Sessions, actions and settings in one JSON file."""

    def __init__(self, path: Path | None = None, *, new_after_damage: bool = False) -> None:
        """Open the store, cleaning up after interrupted writes; read-only where it cannot be written.

        Args:
            new_after_damage: the user agreed to start on a new, empty store where a damaged one
                was set aside; without it, that situation raises `StoreSetAside`.
        """
        self.path = (path or default_store_path()).expanduser()
        self.problems: list[str] = []
        self.damaged: dict[str, list[str]] = {}
        """Sessions whose stored document did not validate: their failing fields, in plain words."""
        self.journal_skipped: dict[str, int] = {}
        """Lines of each live session's journal that could not be read or applied when last replayed."""
        self.read_only = False
        """The folder or the file may not be written: the store is open for reviewing only."""
        self._lock: AbstractContextManager[object] = _file_lock(Path(str(self.path) + ".lock"), self._file_mode())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not writable(self.path):
                raise StoreReadOnly(self.path)
            with self._lock:
                for temp in leftover_temp_files(self.path.resolve() if self.path.is_symlink() else self.path):
                    temp.unlink(missing_ok=True)
        except OSError as exc:
            if not is_read_only_error(exc):
                raise
            self.read_only = True
            self._lock = nullcontext()  # nothing is written, so nothing to guard: each read is whole
        with self._lock:
            storage = AtomicJSONStorage(self.path, self.read_only)
            if storage.read() is None and (copies := damaged_copies(self.path)):
                if not new_after_damage:
                    raise StoreSetAside(self.path, copies)
                storage.write({})

    @contextmanager
    def _db(self) -> Iterator[TinyDB]:
        with self._lock:
            db = TinyDB(self.path, self.read_only, storage=AtomicJSONStorage)
            try:
                yield db
            finally:
                db.close()

    # --- sessions -------------------------------------------------------------------------

    def save_session(self, session: Session, *, check: bool = False) -> None:
        """Insert or replace one session document, as its next revision.

        Args:
            check: refuse (`StaleSession`) if the stored copy is newer than the one `session`
                was read at: another window saved it since, and this copy would undo that.

        Raises:
            SessionDamaged: the stored document does not validate; `session` can only be what
                was salvaged from it, and writing that would lose the rest.
            StoreReadOnly: the store is open for reviewing only.
        """
        if self.read_only:
            raise StoreReadOnly(self.path)
        with self._db() as db:
            table = db.table(SESSIONS)
            stored = table.get(Query().id == session.id)
            if isinstance(stored, dict) and not validates(stored):
                raise SessionDamaged(session.id)
            if check:
                revision = stored.get("revision", 0) if isinstance(stored, dict) else None
                if isinstance(revision, int) and revision != session.revision:
                    raise StaleSession(session.id, revision, session.revision)
            doc = session.model_dump(mode="json")
            doc.update(revision=session.revision + 1, updated=now().isoformat(), schema_version=SCHEMA_VERSION)
            table.upsert(doc, Query().id == session.id)
            # Only once it is written: a failed write (a full disk) must not leave this copy
            # a revision ahead of the store, stale for ever after.
            session.revision += 1
            session.updated = datetime.fromisoformat(doc["updated"])
            session.schema_version = SCHEMA_VERSION

    def sessions(self) -> list[Session]:
        """Every session, newest first.

        A document that fails validation is listed with what could be read (see
        `salvage.salvage`) and its failing fields in `damaged`; one written by a newer facilitator
        is left out and noted in `problems`, as is a journal that is not a plain file. Everything
        these say passes the text gate: it quotes stored data, which may hold escapes.
        """
        with self._db() as db:
            docs = db.table(SESSIONS).all()
        sessions = []
        self.problems = []
        self.damaged = {}
        self.journal_skipped = {}
        for doc in docs:
            try:
                sessions.append(Session.model_validate(doc))
                continue
            except ValidationError as exc:
                first = plainly(exc.errors()[0])
            salvaged, damage = salvage(doc, doc.doc_id)
            if salvaged is None:
                self.problems.append(clean(f"session {doc.get('id', '?')}: {first}"))
            else:
                sessions.append(salvaged)
                self.damaged[salvaged.id] = damage
        self.problems += [
            f"the journal of session {clean(name)}, which is not a plain file; it was left alone"
            for name in Journal.not_plain(self.journal_dir)
        ]
        sessions.sort(key=lambda s: s.created, reverse=True)
        return sessions

    def session(self, ref: str) -> Session:
        """The session whose id is `ref` or starts with it."""
        return _one(self.sessions(), ref, "session", lambda s: s.id)

    def live_sessions(self) -> list[Session]:
        """Sessions that were not closed: candidates to resume."""
        return [s for s in self.sessions() if s.status is SessionStatus.LIVE]

    def delete_session(self, session_id: str) -> None:
        with self._db() as db:
            db.table(SESSIONS).remove(Query().id == session_id)
        self.journal(session_id).clear()

    # --- live journal ---------------------------------------------------------------------

    @property
    def journal_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    def journal(self, session_id: str) -> Journal:
        """The session's journal, made (when it is new) as private as the store file."""
        return Journal(self.journal_dir / f"{session_id}.jsonl", read_only=self.read_only, mode=self._file_mode())

    def _file_mode(self) -> int | None:
        """The store file's permission bits, for the files made beside it (journals, locks), and
        read and write for their owner, who must use them; None before the store exists."""
        try:
            return stat.S_IMODE(os.stat(self.path).st_mode) | 0o600
        except OSError:
            return None

    def session_lock(self, session_id: str) -> FileLock:
        """Held by the one window that runs a session, so two cannot run (and fold) the same one.

        Raises:
            StoreReadOnly: no session can be run on a store open for reviewing only.
        """
        try:
            if self.read_only:
                raise StoreReadOnly(self.path)
            self.journal_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if is_read_only_error(exc):
                raise StoreReadOnly(self.path, exc.errno) from exc
            raise
        return _file_lock(self.journal_dir / f"{session_id}.lock", self._file_mode())

    def fold(self, session: Session) -> None:
        """Save the live session as a whole and start its journal afresh.

        Refuses (`StaleSession`) to write over a newer copy saved by another window. The
        snapshot is written first, so a crash in between only leaves events that replay onto a
        snapshot that already holds them; replay must therefore be idempotent.
        """
        with self._lock:
            self.save_session(session, check=True)
            self.journal(session.id).clear()

    # --- actions --------------------------------------------------------------------------

    def actions(
        self,
        *,
        team: str | None = None,
        owner: str | None = None,
        routine: str | None = None,
        status: ActionStatus | None = None,
        overdue_on: date | None = None,
    ) -> list[ActionRow]:
        """Actions across sessions, filtered (case-insensitive names), soonest due first."""

        def same(a: str | None, b: str | None) -> bool:
            return b is None or (a or "").casefold() == b.casefold()

        rows = [
            ActionRow(action, session)
            for session in self.sessions()
            for action in session.actions
            if same(session.team, team)
            and same(action.owner, owner)
            and same(action.routine, routine)
            and (status is None or action.status is status)
            and (overdue_on is None or action.is_overdue(overdue_on))
        ]
        rows.sort(key=lambda r: (r.action.due is None, r.action.due or date.max, r.action.created))
        return rows

    def set_action_status(self, ref: str, status: ActionStatus, *, seen: ActionState | None = None) -> ActionRow:
        """Mark one action (by id or unique id prefix) done, open or dropped, and save it."""
        return self.update_action(ref, seen=seen, status=status)

    def update_action(self, ref: str, *, seen: ActionState | None = None, **changes: Any) -> ActionRow:
        """Change an action of a finished session (status, owner, due), read afresh under the lock.

        Args:
            seen: the action as the caller showed it; if it has changed since (another window,
                the command line), nothing is written and `StaleAction` carries it as it is now.
        """
        if self.read_only:
            raise StoreReadOnly(self.path)
        with self._lock:
            row = _one(self.actions(), ref, "action", lambda r: r.action.id)
            if row.session.id in self.damaged:
                raise SessionDamaged(row.session.id)
            if row.session.status is not SessionStatus.CLOSED:
                state = "still running" if row.session.status is SessionStatus.LIVE else row.session.status.value
                raise LookupError(f"action {row.action.id} belongs to a session that is {state}")
            if seen is not None and row.action.state != seen:
                raise StaleAction(row)
            action = row.action
            status = changes.get("status", action.status)
            if status is not action.status:
                changes["closed"] = None if status is ActionStatus.OPEN else now()
            for name, value in changes.items():
                setattr(action, name, value)
            self.save_session(row.session)
        return row

    # --- settings -------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        with self._db() as db:
            found = db.table(SETTINGS).get(Query().key == key)
        return default if found is None else found.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        with self._db() as db:
            db.table(SETTINGS).upsert({"key": key, "value": value}, Query().key == key)


def _file_lock(path: Path, mode: int | None) -> FileLock:
    """A lock file, made as private as the store where `mode` is given."""
    return FileLock(str(path)) if mode is None else FileLock(str(path), mode=mode)


def _one(items: list[T], ref: str, what: str, key: Callable[[T], str]) -> T:
    ref = ref.strip()
    if not ref:
        raise LookupError(f"give the {what}'s id (or its first characters)")
    matches = [item for item in items if key(item) == ref] or [
        item for item in items if key(item).startswith(ref)
    ]
    if not matches:
        raise LookupError(f"no {what} with id {ref!r}")
    if len(matches) > 1:
        raise LookupError(f"{len(matches)} {what}s start with {ref!r}; give more of the id")
    return matches[0]



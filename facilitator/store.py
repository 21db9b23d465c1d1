"""The local JSON store: sessions and their actions, kept safe across crashes and processes.

The only module that imports TinyDB. Three rules hold here:

* every write replaces the file atomically (temp file in the same folder, fsync, rename), so a
  crash leaves the old file or the new one, never a torn one;
* every read-modify-write runs under a file lock, so two running instances cannot lose each
  other's writes;
* a file that cannot be read is never written over: it is reported and can be set aside.

A live session does not rewrite the store for each idea. Its events go to an append-only journal
(one small file per live session, see `Journal`), and the session is folded into the store when a
phase ends, so capturing an idea costs the same however big the store is.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from filelock import FileLock
from pydantic import ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from facilitator.models import (
    SCHEMA_VERSION,
    Action,
    ActionState,
    ActionStatus,
    Session,
    SessionStatus,
    now,
)

STORE_ENV = "FACILITATOR_STORE"
SESSIONS = "sessions"
SETTINGS = "settings"
TEMP_SUFFIX = ".tmp"
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


def damaged_copies(path: Path) -> list[Path]:
    """Copies of `path` set aside as damaged, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str, *, before_replace: Callable[[Path], None] | None = None) -> None:
    """Write `text` to `path` so that a crash leaves either the old content or the new.

    Args:
        before_replace: a hook run after the temp file is durable and before it replaces the
            target; tests use it to simulate a crash at the worst moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def leftover_temp_files(path: Path) -> list[Path]:
    """Temp files an interrupted `atomic_write` of `path` left behind."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))


def set_aside(path: Path, clock: Callable[[], datetime] = now) -> Path:
    """Move a damaged file out of the way, keeping every byte, and return where it went."""
    stamp = clock().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    os.replace(path, target)
    _fsync_dir(path.parent)
    return target


def _looks_like_store(data: object) -> bool:
    """Tables of documents keyed by number: what TinyDB wrote, and all it can read."""
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(isinstance(key, str) and key.isdigit() and isinstance(doc, dict) for key, doc in table.items())
        for table in data.values()
    )


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads strictly and writes atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            raise StoreDamaged(self.path, "the file is empty")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreDamaged(self.path, f"not valid JSON: {exc}") from exc
        if not _looks_like_store(data):
            raise StoreDamaged(self.path, "not a facilitator store: unexpected structure")
        return data

    def write(self, data: dict[str, Any]) -> None:
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1))


@dataclass(frozen=True)
class ActionRow:
    """An action with the session it came from, as listed across sessions."""

    action: Action
    session: Session


class Store:
    """Sessions, actions and settings in one JSON file."""

    def __init__(self, path: Path | None = None, *, new_after_damage: bool = False) -> None:
        """Open the store, cleaning up after interrupted writes.

        Args:
            new_after_damage: the user agreed to start on a new, empty store where a damaged one
                was set aside; without it, that situation raises `StoreSetAside`.
        """
        self.path = (path or default_store_path()).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path) + ".lock")
        self.problems: list[str] = []
        with self._lock:
            for temp in leftover_temp_files(self.path):
                temp.unlink(missing_ok=True)
            storage = AtomicJSONStorage(self.path)
            if storage.read() is None and (copies := damaged_copies(self.path)):
                if not new_after_damage:
                    raise StoreSetAside(self.path, copies)
                storage.write({})

    @contextmanager
    def _db(self) -> Iterator[TinyDB]:
        with self._lock:
            db = TinyDB(self.path, storage=AtomicJSONStorage)
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
        """
        with self._db() as db:
            table = db.table(SESSIONS)
            if check:
                stored = table.get(Query().id == session.id)
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
        """Every readable session, newest first; unreadable documents are noted in `problems`."""
        with self._db() as db:
            docs = db.table(SESSIONS).all()
        sessions = []
        self.problems = []
        for doc in docs:
            try:
                sessions.append(Session.model_validate(doc))
            except ValidationError as exc:
                self.problems.append(f"session {doc.get('id', '?')}: {exc.errors()[0]['msg']}")
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
        return Journal(self.journal_dir / f"{session_id}.jsonl")

    def session_lock(self, session_id: str) -> FileLock:
        """Held by the one window that runs a session, so two cannot run (and fold) the same one."""
        self.journal_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.journal_dir / f"{session_id}.lock"))

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
        with self._lock:
            row = _one(self.actions(), ref, "action", lambda r: r.action.id)
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


class Journal:
    """An append-only log of a live session's events, durable line by line.

    Appending costs one small write and one fsync, independent of the store's size. A line torn
    by a crash (the last one, without its newline) is ignored on replay.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._checked_tail = False

    def _torn_tail(self) -> bool:
        """Whether the file ends in a line a crash cut short, which the next event must not join."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return False
                handle.seek(-1, os.SEEK_END)
                return handle.read(1) != b"\n"
        except FileNotFoundError:
            return False

    def append(self, *events: dict[str, Any], durable: bool = True) -> None:
        """Append events in one write and (by default) one fsync: an idea and the cleared draft
        that goes with it reach the disk together.

        Args:
            durable: fsync before returning. A heartbeat of the clock skips it: the write
                survives the process being killed, and only a power cut could lose it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        lines = "".join(json.dumps(event, ensure_ascii=False, default=str) + "\n" for event in events)
        if not self._checked_tail:
            self._checked_tail = True
            if self._torn_tail():
                lines = "\n" + lines
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if created:  # the new file's name must survive a power cut too, not only its bytes
            _fsync_dir(self.path.parent)

    def events(self) -> list[dict[str, Any]]:
        try:
            raw = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        events = []
        for line in raw.split("\n"):
            if not line:
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        _fsync_dir(self.path.parent)

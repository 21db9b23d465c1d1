"""The local JSON store: sessions and their actions, kept safe across crashes and processes, and
as quick with 50,000 sessions as with ten.

A store is a folder a person can read, copy and back up:

    store/
      sessions/2026-11.json    the sessions started in November 2026 (TinyDB files of at most
      sessions/2026-11-2.json  FILE_SIZE sessions each: saving one session writes one small file)
      settings.json            the app's settings (the theme)
      index.sqlite3            a summary of every session and action, for the lists (see `index`)
      journal/ID.jsonl         the live session's events since its last phase end
      backups/                 the single-file store as it was before it moved into this folder
      store.lock               held while anything is written

The only module that imports TinyDB. The rules that hold here:

* every write replaces its file atomically (temp file in the same folder, fsync, rename), so a
  crash leaves the old file or the new one, never a torn one;
* every read-modify-write runs under the store's file lock, so two running instances cannot lose
  each other's writes;
* a file that cannot be read is never written over: it is set aside and said;
* a session document that fails validation is shown with what could be read, the failing fields
  named, and is never written over either;
* the index is derived data: a session file changed behind its back (a crash between the two
  writes, a backup copied in) is read again when the store opens, and `check` rebuilds it all;
* a store in a folder this process may not write to opens read-only, for reviewing.

A live session does not rewrite its file for each idea. Its events go to an append-only journal,
and the session is folded into its file when a phase ends, so capturing an idea costs the same
however big the store is.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from filelock import FileLock
from pydantic import ValidationError
from tinydb import TinyDB
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
from facilitator.glance import saved_setting
from facilitator.index import FileEntry, Index, IndexOutdated, IndexUnusable, all_files, is_session_file, month_of, signature
from facilitator.journal import Journal, JournalLines  # noqa: F401
from facilitator.layout import STORE_ENV, StoreDamaged, StoreLayout, StoreSetAside, default_store_path, problem_lines  # noqa: F401
from facilitator.models import (
    SCHEMA_VERSION,
    ActionState,
    ActionStatus,
    Session,
    SessionStatus,
    now,
)
from facilitator.salvage import plainly, salvage, validates
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.text import clean

if TYPE_CHECKING:
    from facilitator.migrate import Merged

SESSIONS = "sessions"
SETTINGS = "settings"
FILE_SIZE = 8
"""Sessions in one session file at most: what one save writes stays small at any size of store."""
ANALYZE_AFTER = 16
"""Session files read again at one opening beyond which the index's statistics are renewed."""
T = TypeVar("T")


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


class StoreBusy(OSError):
    """Another window of an earlier facilitator runs a session on the single-file store, which
    cannot move into its folder until that session is finished."""


def _looks_like_store(data: object) -> TypeGuard[dict[str, Any]]:
    """Tables of documents keyed by number: what TinyDB wrote, and all it can read."""
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(isinstance(key, str) and key.isdigit() and isinstance(doc, dict) for key, doc in table.items())
        for table in data.values()
    )


def _tables_bytes(data: dict[str, Any]) -> bytes:
    """TinyDB's layout, one document to a line: readable and diffable by a person, and written
    by the C encoder (an indented dump goes through pure Python, ten times slower)."""
    tables = []
    for name, table in data.items():
        docs = ",\n".join(
            f"  {json_bytes(str(key)).decode()}: {json_bytes(doc, default=str).decode('utf-8', 'surrogatepass')}"
            for key, doc in table.items()
        )
        tables.append(f" {json_bytes(name).decode()}: {{\n{docs}\n }}" if docs else f" {json_bytes(name).decode()}: {{}}")
    text = "{\n" + ",\n".join(tables) + "\n}\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: all in ASCII escapes, read back exactly
        return json_bytes(data, default=str)


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads strictly and writes atomically."""

    def __init__(self, path: Path, read_only: bool = False, mode: int | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self.mode = mode

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
            atomic_write(self.path, _tables_bytes(data), mode=self.mode)
        except OSError as exc:
            if is_read_only_error(exc):
                raise StoreReadOnly(self.path, exc.errno) from exc
            raise


def summarize(session: Session, damage: Sequence[str] = ()) -> tuple[SessionSummary, list[ActionSummary]]:
    """The index's rows for one session."""
    counts = {status: 0 for status in ActionStatus}
    for action in session.actions:
        counts[action.status] += 1
    summary = SessionSummary(
        id=session.id, created=session.created, updated=session.updated, title=session.title, team=session.team,
        facilitator=session.facilitator, plan=session.plan, decks=tuple(session.decks),
        routines=tuple(session.routines), status=session.status, ideas=len(session.ideas),
        clusters=len(session.clusters), actions=len(session.actions), done=counts[ActionStatus.DONE],
        open=counts[ActionStatus.OPEN], dropped=counts[ActionStatus.DROPPED], revision=session.revision,
        damage=tuple(damage), owners=tuple(sorted({a.owner for a in session.actions if a.owner})),
        roti=tuple(session.roti), follow_up_on=session.follow_up_on,
    )
    actions = [
        ActionSummary(
            id=a.id, session=session.id, text=a.text, owner=a.owner, routine=a.routine, cadence=a.cadence,
            due=a.due, measure=a.measure, status=a.status, created=a.created, closed=a.closed,
            committed=a.committed,
        )
        for a in session.actions
    ]
    return summary, actions


def listed_id(doc: dict[str, Any], key: str) -> str:
    """The id a stored document is listed under: its own as the model reads it (through the text
    gate, so an id holding escapes is found by the id shown), or `document-KEY` if it has none."""
    given = doc.get("id")
    return clean(given) if isinstance(given, str) else f"document-{key}"


def _read_doc(doc: dict[str, Any], number: int) -> tuple[Session | None, list[str], str | None]:
    """A stored document as a session, with its damage; or None and why it cannot be listed."""
    try:
        return Session.model_validate(doc), [], None
    except ValidationError as exc:
        first = plainly(exc.errors()[0])
    salvaged, damage = salvage(doc, number)
    if salvaged is None:
        return None, damage, clean(f"session {doc.get('id', '?')}: {first}")
    return salvaged, damage, None


class Store:
    """Sessions, actions and settings in a folder of small JSON files, with a summary index."""

    def __init__(self, path: Path | None = None, *, new_after_damage: bool = False) -> None:
        """Open the store: move a single-file store into its folder once, clean up after
        interrupted writes, and bring the index up to date; read-only where it cannot be written.

        Args:
            new_after_damage: the user agreed to start on a new, empty store where a damaged one
                was set aside; without it, that situation raises `StoreSetAside`.

        Raises:
            StoreDamaged: the single-file store to move in cannot be read (nothing was changed).
            StoreSetAside: see `new_after_damage`.
        """
        self.path = (path or default_store_path()).expanduser()
        self.layout = StoreLayout.of(self.path)
        self.folder = self.layout.folder
        self.problems: list[str] = []
        """What the lists must say before they are trusted: files set aside, documents left out."""
        self.journal_skipped: dict[str, int] = {}
        """Lines of each live session's journal that could not be read or applied when last replayed."""
        self.read_only = False
        """The folder may not be written: the store is open for reviewing only."""
        self._set_aside: list[str] = []
        self._legacy_docs: dict[str, dict[str, Any]] | None = None
        self._lock: AbstractContextManager[object] = nullcontext()
        self.moved: Merged | None = None
        """What moving a single-file store into this folder did, when this opening did it."""
        try:
            legacy = self.layout.legacy
            if legacy is not None and not self.folder.exists():
                if legacy.exists():  # to move in: one that cannot be read raises before anything is made
                    AtomicJSONStorage(legacy, True).read()
                elif (copies := damaged_copies(legacy)) and not new_after_damage:
                    raise StoreSetAside(legacy, copies)
            self._make_folder()
            if not os.access(self.folder, os.W_OK | os.X_OK):
                raise StoreReadOnly(self.folder)
            self._lock = _file_lock(self.layout.lock, self._file_mode())
            with self._lock:
                self._tidy()
                self.index = self._open_index()
                if self.layout.legacy is not None and self.layout.legacy.is_file():
                    from facilitator.migrate import migrate

                    self.moved = migrate(self)
        except OSError as exc:
            if isinstance(exc, StoreBusy) or not is_read_only_error(exc):
                raise
            self.read_only = True
            self._lock = nullcontext()  # nothing is written, so nothing to guard
            self.index = self._open_index()
        self.refresh_problems()

    # --- opening --------------------------------------------------------------------------

    def _make_folder(self) -> None:
        """Make the store's folder if it is new; one a single-file store moves into is made as
        private as that file was (0600 gives 0700), since what is made in it takes its mode."""
        legacy = self.layout.legacy
        if self.folder.exists() or legacy is None or not legacy.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            return
        bits = stat.S_IMODE(legacy.stat().st_mode) | 0o600
        bits |= (bits & 0o444) >> 2  # a folder is searched by whoever may read its files
        self.folder.mkdir(parents=True, exist_ok=True, mode=bits)  # (another window may make it first)
        os.chmod(self.folder, bits)

    def _tidy(self) -> None:
        """Under the lock: remove the temp files an interrupted write of the store's own files
        left (`.2026-11.json.1a2b3c4d.tmp`); a file someone else made there is left alone."""
        ours: dict[Path, Callable[[str], bool]] = {
            self.folder: lambda name: name == self.layout.settings.name,
            self.layout.sessions: is_session_file,
            self.layout.journal: lambda name: name.endswith(".jsonl"),
            self.layout.backups: lambda name: "-before-the-move-" in name,
        }
        for folder, owned in ours.items():
            for temp in folder.glob(f".*{TEMP_SUFFIX}") if folder.is_dir() else ():
                if (made := _TEMP_FILE.fullmatch(temp.name)) and owned(made["name"]):
                    temp.unlink(missing_ok=True)

    def _open_index(self) -> Index:
        path = self.layout.index
        if self.read_only:
            try:
                index = Index.open(path, read_only=True)
            except (IndexUnusable, IndexOutdated):
                index = Index.in_memory()
            if self.layout.legacy is not None and self.layout.legacy.is_file():
                self._legacy_docs = self._legacy_documents()
                index = Index.in_memory()
                self._index_file(index, _LEGACY)  # its documents come from the file that stays where it is
            elif any(self._stale(index)):
                index = Index.in_memory(copy_of=index)
                self._reconcile(index)
            return index
        try:
            index = Index.open(_made(path, self._file_mode()))
        except IndexOutdated:  # another version's layout: not damage, just built again
            path.unlink()
            index = Index.open(_made(path, self._file_mode()))
        except IndexUnusable as exc:
            if path.exists():
                moved = set_aside(path)
                self._set_aside.append(f"the index {path.name} could not be read ({exc}); it was set aside as {moved.name} and built again")
            index = Index.open(_made(path, self._file_mode()))
        self._reconcile(index)
        return index

    def _stale(self, index: Index) -> tuple[list[str], list[str]]:
        return index.stale_files(self.layout.sessions)

    def _reconcile(self, index: Index) -> list[str]:
        """Read again every session file the index does not hold as it is; return their names."""
        changed, gone = self._stale(index)
        for name in gone:
            index.forget_file(name)
        for name in changed:
            self._index_file(index, name)
        if len(changed) + len(gone) > ANALYZE_AFTER and index.path is not None:
            index.analyze()
        return changed + gone

    def _index_file(self, index: Index, name: str) -> None:
        path = self.layout.session_file(name)
        sig = signature(path)
        docs = self._docs(name)
        if docs is None:
            index.forget_file(name)
            return
        rows = []
        skipped = []
        for key, doc in docs.items():
            session, damage, why = _read_doc(doc, int(key))
            if session is None:
                skipped.append(why or "")
            else:
                rows.append(summarize(session, damage))
        index.put_file(name, FileEntry(rows, skipped), sig)

    def _docs(self, name: str) -> dict[str, dict[str, Any]] | None:
        """A session file's documents by their key; None (and the file set aside) if it cannot
        be read, or if it is gone."""
        if name == _LEGACY:
            return self._legacy_docs or {}
        path = self.layout.session_file(name)
        try:
            data = AtomicJSONStorage(path, True).read()
        except StoreDamaged as exc:
            if self.read_only:
                self._set_aside.append(f"sessions file {path.name}: {exc.reason}; it is left as it is (read-only)")
            else:
                moved = set_aside(path)
                self._set_aside.append(f"sessions file {path.name}: {exc.reason}; it was set aside as {moved.name}")
            return None
        if data is None:
            return None
        return data.get(SESSIONS, {})

    def _legacy_documents(self) -> dict[str, dict[str, Any]]:
        assert self.layout.legacy is not None
        data = AtomicJSONStorage(self.layout.legacy, True).read() or {}
        return data.get(SESSIONS, {})

    def refresh_problems(self) -> list[str]:
        """What is wrong in the store as it stands, said once each, through the text gate."""
        said = [clean(p) for p in self._set_aside]
        self.problems = [*said, *(clean(line) for line in problem_lines(self.layout, self.index.skipped(), said))]
        return self.problems

    def check(self) -> list[str]:
        """Build the index afresh from the session files and say how the old one differed.

        Returns:
            One line for each difference found (empty when the index was right).
        """
        if self.read_only:
            raise StoreReadOnly(self.folder)
        with self._lock:
            before = {sid: file for sid, file in self.index.rows()}
            before_summaries = {s.id: s for s in self.index.summaries()}
            fresh = Index.in_memory()
            for name in all_files(self.layout.sessions):
                self._index_file(fresh, name)
            after = {sid: file for sid, file in fresh.rows()}
            after_summaries = {s.id: s for s in fresh.summaries()}
            differences = [f"session {sid} was missing from the index" for sid in sorted(set(after) - set(before))]
            differences += [f"session {sid} was in the index but in no file" for sid in sorted(set(before) - set(after))]
            differences += [
                f"session {sid} was out of date in the index"
                for sid in sorted(set(before) & set(after))
                if before[sid] != after[sid] or before_summaries[sid] != after_summaries[sid]
            ]
            self.index.close()
            temp = self.layout.index.with_name(f".{self.layout.index.name}.rebuilt{TEMP_SUFFIX}")
            temp.unlink(missing_ok=True)
            target = Index.open(_made(temp, self._file_mode()))
            fresh.db.backup(target.db.raw)
            target.analyze()
            target.close()
            os.replace(temp, self.layout.index)
            fsync_dir(self.folder)
            self.index = Index.open(self.layout.index)
            self.refresh_problems()
            return differences

    # --- sessions -------------------------------------------------------------------------

    def summaries(self, *, status: SessionStatus | None = None, limit: int | None = None) -> list[SessionSummary]:
        """Saved sessions newest first, from the index: milliseconds at any size."""
        self.refresh_problems()
        return self.index.summaries(status=status, limit=limit)

    @property
    def damaged(self) -> dict[str, list[str]]:
        """Sessions whose stored document did not validate: their failing fields, in plain words."""
        return self.index.damaged()

    def save_session(self, session: Session, *, check: bool = False) -> None:
        """Insert or replace one session document, as its next revision: one small file is written.

        Args:
            check: refuse (`StaleSession`) if the stored copy is newer than the one `session`
                was read at: another window saved it since, and this copy would undo that.

        Raises:
            SessionDamaged: the stored document does not validate; `session` can only be what
                was salvaged from it, and writing that would lose the rest.
            StoreReadOnly: the store is open for reviewing only.
        """
        if self.read_only:
            raise StoreReadOnly(self.folder)
        with self._lock:
            name = self.index.file_of(session.id) or self._file_for(session.created)
            path = self.layout.session_file(name)
            before = signature(path)
            behind = before is not None and before != self.index.signature_of(name)
            # TinyDB's own storage, read once and written once: its Table API would read the
            # file again for the write, and this runs at every phase end.
            storage = AtomicJSONStorage(path, mode=self._file_mode())
            data = storage.read() or {}
            table: dict[str, dict[str, Any]] = data.setdefault(SESSIONS, {})
            key, found = next(((k, d) for k, d in table.items() if listed_id(d, k) == session.id), (None, None))
            if found is not None and not validates(found):
                raise SessionDamaged(session.id)
            if check:
                revision = found.get("revision", 0) if found is not None else None
                if isinstance(revision, int) and revision != session.revision:
                    raise StaleSession(session.id, revision, session.revision)
            doc = session.model_dump(mode="json")
            stamp = now()
            doc.update(revision=session.revision + 1, updated=stamp.isoformat(), schema_version=SCHEMA_VERSION)
            table[key or str(max((int(k) for k in table), default=0) + 1)] = doc
            storage.write(data)
            # Only once it is written: a failed write (a full disk) must not leave this copy
            # a revision ahead of the store, stale for ever after.
            session.revision += 1
            session.updated = stamp
            session.schema_version = SCHEMA_VERSION
            if behind:  # the file held what the index had not read: read it all again
                self._index_file(self.index, name)
            else:
                summary, actions = summarize(session)
                self.index.put_session(name, summary, actions, signature(path))

    def _file_for(self, created: datetime) -> str:
        """The session file a new session goes to: its month's, while that holds fewer than
        `FILE_SIZE` sessions."""
        month = month_of(created.astimezone(UTC) if created.tzinfo else created)
        files = self.index.files_of_month(month)
        number = 1
        while True:
            name = month if number == 1 else f"{month}-{number}"
            if files.get(name, 0) < FILE_SIZE and not self.layout.session_file(name).with_name(f"{name}.json").is_dir():
                return name
            number += 1

    def session(self, ref: str) -> Session:
        """The session whose id is `ref` or starts with it, read from its file."""
        session_id = _one(self.index.session_ids(ref.strip()), ref, "session", lambda s: s)
        return self._load(session_id)

    def _load(self, session_id: str) -> Session:
        name = self.index.file_of(session_id)
        docs = self._docs(name) if name is not None else None
        if docs is None:
            if name is not None and not self.read_only:
                self.index.forget_file(name)
            self.refresh_problems()
            raise LookupError(f"session {session_id} is in a file that could not be read; see the store's problems")
        for key, doc in docs.items():
            if listed_id(doc, key) == session_id:
                session, _, why = _read_doc(doc, int(key))
                if session is not None:
                    return session
                raise LookupError(why or f"session {session_id} cannot be read")
        if not self.read_only:  # the index was behind the file: bring it up to date
            self._index_file(self.index, name)  # type: ignore[arg-type]
        raise LookupError(f"no session with id {session_id!r}")

    def sessions(self) -> list[Session]:
        """Every session, read from its file, newest first: for exports and checks, not lists
        (which read `summaries`)."""
        return [self._load(s.id) for s in self.summaries()]

    def live_sessions(self) -> list[Session]:
        """Sessions that were not closed: candidates to resume."""
        return [self._load(s.id) for s in self.index.summaries(status=SessionStatus.LIVE)]

    def delete_session(self, session_id: str) -> None:
        if self.read_only:
            raise StoreReadOnly(self.folder)
        with self._lock:
            if (name := self.index.file_of(session_id)) is not None:
                path = self.layout.session_file(name)
                db = TinyDB(path, storage=AtomicJSONStorage, mode=self._file_mode())
                try:
                    table = db.table(SESSIONS, cache_size=0)
                    table.remove(doc_ids=[d.doc_id for d in table.all() if listed_id(d, str(d.doc_id)) == session_id])
                finally:
                    db.close()
                self._index_file(self.index, name)
        self.journal(session_id).clear()

    def merge(self, docs: Sequence[dict[str, Any]]) -> Merged:
        """Bring in sessions from elsewhere (an export): see `migrate.merge_documents`."""
        from facilitator.migrate import merge_documents

        if self.read_only:
            raise StoreReadOnly(self.folder)
        with self._lock:
            self._reconcile(self.index)
            return merge_documents(self, docs)

    # --- live journal ---------------------------------------------------------------------

    @property
    def journal_dir(self) -> Path:
        return self.layout.journal

    def journal(self, session_id: str) -> Journal:
        """The session's journal, made (when it is new) as private as the store's folder."""
        return Journal(self.journal_dir / f"{session_id}.jsonl", read_only=self.read_only, mode=self._file_mode())

    def _file_mode(self) -> int | None:
        """The permission bits of files made in the store: its folder's, without the execute
        bits, and read and write for their owner, who must use them."""
        try:
            return (stat.S_IMODE(os.stat(self.folder).st_mode) & 0o666) | 0o600
        except OSError:
            return None

    def session_lock(self, session_id: str) -> FileLock:
        """Held by the one window that runs a session, so two cannot run (and fold) the same one.

        Raises:
            StoreReadOnly: no session can be run on a store open for reviewing only.
        """
        try:
            if self.read_only:
                raise StoreReadOnly(self.folder)
            self.journal_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if is_read_only_error(exc):
                raise StoreReadOnly(self.folder, exc.errno) from exc
            raise
        return _file_lock(self.journal_dir / f"{session_id}.lock", self._file_mode())

    def fold(self, session: Session, *, journal_upto: int | None = None) -> None:
        """Save the live session as a whole and start its journal afresh.

        Refuses (`StaleSession`) to write over a newer copy saved by another window. The
        snapshot is written first, so a crash in between only leaves events that replay onto a
        snapshot that already holds them; replay must therefore be idempotent.

        Args:
            journal_upto: the journal's size when `session` was copied for a save in the
                background: only that much is dropped, what came since is kept.
        """
        with self._lock:
            self.save_session(session, check=True)
            if journal_upto is None:
                self.journal(session.id).clear()
            else:
                self.journal(session.id).drop_through(journal_upto)

    # --- actions --------------------------------------------------------------------------

    def actions(
        self,
        *,
        team: str | None = None,
        owner: str | None = None,
        routine: str | None = None,
        status: ActionStatus | None = None,
        overdue_on: date | None = None,
        session: str | None = None,
    ) -> list[ActionRow]:
        """Actions across sessions, from the index, filtered (case-insensitive names), soonest due first."""
        return self.index.actions(team=team, owner=owner, routine=routine, status=status, overdue_on=overdue_on, session=session)

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
            raise StoreReadOnly(self.folder)
        with self._lock:
            self._reconcile(self.index)  # another process may have written since this one read
            session_id, action_id = _one(self.index.action_ids(ref.strip()), ref, "action", lambda r: r[1])
            summary = self.index.summary(session_id)
            if summary is None or summary.damaged:
                raise SessionDamaged(session_id)
            if summary.status is not SessionStatus.CLOSED:
                state = "still running" if summary.status is SessionStatus.LIVE else summary.status.value
                raise LookupError(f"action {action_id} belongs to a session that is {state}")
            session = self._load(session_id)
            action = next(a for a in session.actions if a.id == action_id)
            if seen is not None and action.state != seen:
                raise StaleAction(self._row(session_id, action_id))
            status = changes.get("status", action.status)
            if status is not action.status:
                changes["closed"] = None if status is ActionStatus.OPEN else now()
            for name, value in changes.items():
                setattr(action, name, value)
            self.save_session(session)
            return self._row(session_id, action_id)

    def _row(self, session_id: str, action_id: str) -> ActionRow:
        return next(r for r in self.index.actions(session=session_id) if r.action.id == action_id)

    # --- settings -------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """A setting, or `default` while `settings.json` is missing or cannot be read."""
        return saved_setting(self.path, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        if self.read_only:
            raise StoreReadOnly(self.folder)
        with self._lock:
            path = self.layout.settings
            try:
                AtomicJSONStorage(path, True).read()
            except StoreDamaged as exc:
                self._set_aside.append(f"settings file {path.name}: {exc.reason}; it was set aside as {set_aside(path).name}")
            db = TinyDB(path, storage=AtomicJSONStorage, mode=self._file_mode())
            try:
                table = db.table(SETTINGS, cache_size=0)
                ids = [d.doc_id for d in table.all() if d.get("key") == key]
                if ids:
                    table.update({"value": value}, doc_ids=ids)
                else:
                    table.insert({"key": key, "value": value})
            finally:
                db.close()


_TEMP_FILE = re.compile(rf"\.(?P<name>.+)\.[0-9a-f]{{8}}{re.escape(TEMP_SUFFIX)}")
"""A temp file `atomic_write` makes beside the file `name` it writes."""

_LEGACY = "0000-00"
"""The name a read-only, not yet moved single-file store is indexed under."""


def _made(path: Path, mode: int | None) -> Path:
    """`path`, made empty with `mode` if it is not there (SQLite would make it with its own)."""
    if mode is not None:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        except FileExistsError:
            pass
    return path


def _file_lock(path: Path, mode: int | None) -> FileLock:
    """A lock file, made as private as the store where `mode` is given."""
    return FileLock(str(path)) if mode is None else FileLock(str(path), mode=mode)


def _one(items: Sequence[T], ref: str, what: str, key: Callable[[T], str]) -> T:
    ref = ref.strip()
    if not ref:
        raise LookupError(f"give the {what}'s id (or its first characters)")
    matches = [item for item in items if key(item) == ref] or [item for item in items if key(item).startswith(ref)]
    if not matches:
        raise LookupError(f"no {what} with id {ref!r}")
    if len(matches) > 1:
        raise LookupError(f"{len(matches)} {what}s start with {ref!r}; give more of the id")
    return matches[0]

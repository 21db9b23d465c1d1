"""The store's summary index: one row per session and per action, in SQLite, rebuilt at will.

The sessions themselves live in small JSON files (see `store`); this index is what the home,
review, action and progress views read, so they cost the same with 10 sessions or 50,000. It is
derived data: every row can be made again from the session files, and `facilitator store check`
does so. Each session file's signature (size and modification time) is kept beside its rows,
so a file changed behind the index's back (a crash between the two writes, a backup copied in by
hand) is noticed when the store opens, and only that file is read again.

Plain Python and the standard library's sqlite3: it loads no pydantic, so a command that only
lists starts about as fast as `facilitator --help`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.vocabulary import ActionStatus, Cadence, SessionStatus

_SESSION_FILE = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{1,6})?\.json")

SCHEMA = 5
"""The index's own layout; a different number means the index is built afresh."""

_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(name TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE sessions(
    id TEXT PRIMARY KEY, file TEXT NOT NULL, created REAL NOT NULL, created_iso TEXT NOT NULL,
    updated_iso TEXT NOT NULL, revision INTEGER NOT NULL, title TEXT NOT NULL, team TEXT NOT NULL,
    facilitator TEXT NOT NULL, plan TEXT NOT NULL, decks TEXT NOT NULL, routines TEXT NOT NULL,
    status TEXT NOT NULL, ideas INTEGER NOT NULL, clusters INTEGER NOT NULL, actions INTEGER NOT NULL,
    done INTEGER NOT NULL, open INTEGER NOT NULL, dropped INTEGER NOT NULL, damage TEXT,
    owners TEXT NOT NULL, team_key TEXT NOT NULL, roti TEXT NOT NULL, follow_up_on TEXT);
CREATE INDEX sessions_created ON sessions(created DESC, id);
CREATE INDEX sessions_file ON sessions(file);
CREATE INDEX sessions_team ON sessions(team_key);
CREATE TABLE actions(
    session TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL, owner TEXT,
    routine TEXT, cadence TEXT NOT NULL, due TEXT, measure TEXT, status TEXT NOT NULL,
    created_iso TEXT NOT NULL, closed_iso TEXT, owner_key TEXT NOT NULL, routine_key TEXT NOT NULL,
    committed INTEGER NOT NULL,
    PRIMARY KEY(session, position));
CREATE INDEX actions_id ON actions(id);
CREATE INDEX actions_status ON actions(status, due);
CREATE INDEX actions_owner ON actions(owner_key);
CREATE INDEX actions_routine ON actions(routine_key);
CREATE TABLE skipped(file TEXT NOT NULL, message TEXT NOT NULL);
"""

_SESSION_COLUMNS = (
    "id, created_iso, updated_iso, title, team, facilitator, plan, decks, routines, status, ideas, "
    "clusters, actions, done, open, dropped, revision, damage, owners, roti, follow_up_on"
)


class IndexOutdated(Exception):
    """The index was built by another version, in another layout: it is built again (it is not
    damaged, so it is not kept)."""


class IndexUnusable(Exception):
    """The index file is missing, of another layout, or damaged: it must be built afresh."""


@dataclass(frozen=True)
class FileEntry:
    """What one session file holds, as the index keeps it."""

    sessions: Sequence[tuple[SessionSummary, Sequence[ActionSummary]]]
    skipped: Sequence[str] = ()
    """Documents that could not be listed at all (written by a newer facilitator), in words."""


def signature(path: Path) -> str | None:
    """Size and modification time: they change whenever the file is written again, and a copy
    that keeps them (`cp -p`, a backup restored) is known for the same file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


class _Guarded:
    """A connection one thread at a time: a save at a phase end writes the index on a thread
    of its own while the screens may read it. A statement's rows are fetched under the lock; a
    transaction (`with db:`) holds it to its end."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.raw = db
        self._lock = threading.RLock()

    def execute(self, sql: str, args: Sequence[object] = ()) -> _Rows:
        with self._lock:
            return _Rows(self.raw.execute(sql, args).fetchall())

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self._lock:
            self.raw.executemany(sql, rows)

    def executescript(self, sql: str) -> None:
        with self._lock:
            self.raw.executescript(sql)

    def commit(self) -> None:
        with self._lock:
            self.raw.commit()

    def backup(self, target: sqlite3.Connection) -> None:
        with self._lock:
            self.raw.backup(target)

    def close(self) -> None:
        with self._lock:
            self.raw.close()

    def __enter__(self) -> _Guarded:
        self._lock.acquire()
        self.raw.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.raw.__exit__(*exc)  # type: ignore[arg-type]
        finally:
            self._lock.release()


class _Rows(list[Any]):
    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


class Index:
    """The summary index of one store folder."""

    def __init__(self, db: sqlite3.Connection, path: Path | None) -> None:
        self.db = _Guarded(db)
        self.path = path
        """The index file, or None for one held in memory (a read-only store's stale index)."""

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Index:
        """The index at `path`, as it is.

        Raises:
            IndexUnusable: missing (when read-only), unreadable, or of another layout.
        """
        try:
            if read_only:
                if not path.is_file():
                    raise IndexUnusable("missing")
                db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            else:
                db = sqlite3.connect(path, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")
            if not db.execute("SELECT name FROM sqlite_master WHERE name='meta'").fetchone():
                if read_only:
                    raise IndexUnusable("empty")
                db.executescript(_TABLES)
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
                db.commit()
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                raise IndexUnusable("no layout")
            if row[0] != str(SCHEMA):
                raise IndexOutdated(f"layout {row[0]}")
        except sqlite3.Error as exc:
            raise IndexUnusable(str(exc)) from exc
        return cls(db, path)

    @classmethod
    def in_memory(cls, copy_of: Index | None = None) -> Index:
        """A fresh index in memory, or a copy of `copy_of` to bring up to date without writing."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        if copy_of is not None:
            copy_of.db.backup(db)
        else:
            db.executescript(_TABLES)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        return cls(db, None)

    def close(self) -> None:
        self.db.close()

    # --- keeping it up to date ------------------------------------------------------------

    def signatures(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, signature FROM files"))

    def stale_files(self, folder: Path) -> tuple[list[str], list[str]]:
        """Session files changed since they were indexed (or new), and those gone.

        One listing of the folder and one `stat` per file: a few milliseconds at 50,000 sessions.
        """
        known = self.signatures()
        changed = []
        seen = set()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            # A session file may be a link (into a synced or shared folder): what counts is the
            # file it names, as `signature` stats it.
            if not is_session_file(entry.name) or not entry.is_file():
                continue
            name = entry.name[: -len(".json")]
            seen.add(name)
            st = entry.stat()
            if known.get(name) != f"{st.st_size}:{st.st_mtime_ns}":
                changed.append(name)
        return sorted(changed), sorted(set(known) - seen)

    def put_file(self, name: str, entry: FileEntry, sig: str | None) -> None:
        """Replace everything indexed from one session file, in one transaction."""
        with self.db:
            self._forget(name)
            for summary, actions in entry.sessions:
                self._put_session(name, summary, actions)
            self.db.executemany("INSERT INTO skipped VALUES (?, ?)", [(name, m) for m in entry.skipped])
            if sig is not None:
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, sig))

    def put_session(self, name: str, summary: SessionSummary, actions: Sequence[ActionSummary], sig: str | None) -> None:
        """Replace one session's rows after its file was written (the file's other sessions are
        unchanged, so their rows stand)."""
        with self.db:
            self.db.execute("DELETE FROM actions WHERE session=?", (summary.id,))
            self.db.execute("DELETE FROM sessions WHERE id=?", (summary.id,))
            self._put_session(name, summary, actions)
            if sig is not None:
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, sig))

    def analyze(self) -> None:
        """Let SQLite count what the tables hold, after many rows came in at once, so that a
        filter by team or owner starts from the few sessions that match, not every open action."""
        with self.db:
            self.db.execute("ANALYZE")

    def forget_file(self, name: str) -> None:
        with self.db:
            self._forget(name)

    def set_signature(self, name: str, sig: str | None) -> None:
        with self.db:
            if sig is None:
                self.db.execute("DELETE FROM files WHERE name=?", (name,))
            else:
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, sig))

    def _forget(self, name: str) -> None:
        self.db.execute("DELETE FROM actions WHERE session IN (SELECT id FROM sessions WHERE file=?)", (name,))
        self.db.execute("DELETE FROM sessions WHERE file=?", (name,))
        self.db.execute("DELETE FROM skipped WHERE file=?", (name,))
        self.db.execute("DELETE FROM files WHERE name=?", (name,))

    def _put_session(self, name: str, s: SessionSummary, actions: Sequence[ActionSummary]) -> None:
        # A session id found twice (a file copied in by hand) keeps the first file's copy listed.
        self.db.execute(
            "INSERT OR IGNORE INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                s.id, name, s.created.timestamp(), s.created.isoformat(), s.updated.isoformat(), s.revision,
                s.title, s.team, s.facilitator, s.plan, _joined(s.decks), _joined(s.routines),
                s.status.value, s.ideas, s.clusters, s.actions, s.done, s.open, s.dropped,
                _joined(s.damage) if s.damage else None, _joined(s.owners), s.team.casefold(),
                "".join(str(score) for score in s.roti), s.follow_up_on.isoformat() if s.follow_up_on else None,
            ),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    s.id, n, a.id, a.text, a.owner, a.routine, a.cadence.value,
                    a.due.isoformat() if a.due else None, a.measure, a.status.value,
                    a.created.isoformat(), a.closed.isoformat() if a.closed else None,
                    (a.owner or "").casefold(), (a.routine or "").casefold(), int(a.committed),
                )
                for n, a in enumerate(actions)
            ],
        )

    # --- reading --------------------------------------------------------------------------

    def summaries(self, *, status: SessionStatus | None = None, limit: int | None = None) -> list[SessionSummary]:
        """Sessions newest first."""
        where, args = ("WHERE status=?", [status.value]) if status else ("", [])
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions {where} ORDER BY created DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(str(limit))
        return [_session(row) for row in self.db.execute(sql, args)]

    def summary(self, session_id: str) -> SessionSummary | None:
        row = self.db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id=?", (session_id,)).fetchone()
        return _session(row) if row else None

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sessions").fetchone()[0])

    def file_of(self, session_id: str) -> str | None:
        row = self.db.execute("SELECT file FROM sessions WHERE id=?", (session_id,)).fetchone()
        return row[0] if row else None

    def session_ids(self, ref: str) -> list[str]:
        """Ids equal to `ref`, or else starting with it."""
        exact = self.db.execute("SELECT id FROM sessions WHERE id=?", (ref,)).fetchall()
        if exact:
            return [exact[0][0]]
        return [r[0] for r in self.db.execute("SELECT id FROM sessions WHERE substr(id, 1, ?)=?", (len(ref), ref))]

    def action_ids(self, ref: str) -> list[tuple[str, str]]:
        """(session id, action id) of actions whose id is `ref`, or else starts with it."""
        exact = self.db.execute("SELECT session, id FROM actions WHERE id=?", (ref,)).fetchall()
        if exact:
            return [tuple(r) for r in exact]
        return [tuple(r) for r in self.db.execute("SELECT session, id FROM actions WHERE substr(id, 1, ?)=?", (len(ref), ref))]

    def files_of_month(self, month: str) -> dict[str, int]:
        """The session files of a month (`2026-11`, `2026-11-2`, …) and how many sessions each holds."""
        # A range, not LIKE, so that the indexes answer it: the cost stays flat at any size.
        span = (month, f"{month}.")  # "-" sorts before "."; nothing else starts with the month
        counts = {
            name: count
            for name, count in self.db.execute(
                "SELECT file, count(*) FROM sessions WHERE file >= ? AND file < ? GROUP BY file", span
            )
            if is_month_file(name, month)
        }
        for (name,) in self.db.execute("SELECT name FROM files WHERE name >= ? AND name < ?", span):
            if is_month_file(name, month):
                counts.setdefault(name, 0)
        return counts

    def signature_of(self, name: str) -> str | None:
        row = self.db.execute("SELECT signature FROM files WHERE name=?", (name,)).fetchone()
        return row[0] if row else None

    def open_actions(self) -> tuple[int, int]:
        """Closed sessions, and the open actions they agreed."""
        closed, open_ = self.db.execute("SELECT count(*), coalesce(sum(open), 0) FROM sessions WHERE status='closed'").fetchone()
        return int(closed), int(open_)

    def damaged(self) -> dict[str, list[str]]:
        return {sid: list(_split(d)) for sid, d in self.db.execute("SELECT id, damage FROM sessions WHERE damage IS NOT NULL")}

    def skipped(self) -> list[str]:
        return [m for (m,) in self.db.execute("SELECT message FROM skipped ORDER BY file")]

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
        """Actions across sessions, filtered (case-insensitive names), soonest due first."""
        matched, args = _action_filter(team, owner, routine, status, overdue_on, session)
        sql = (
            "SELECT a.id, a.session, a.text, a.owner, a.routine, a.cadence, a.due, a.measure, a.status, "
            f"a.created_iso, a.closed_iso, a.committed FROM actions a JOIN sessions s ON s.id = a.session {matched} {_ACTION_ORDER}"
        )
        found = self.db.execute(sql, args)
        sessions = {
            str(row[0]): _session(row)
            for row in self.db.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id IN "
                f"(SELECT DISTINCT a.session FROM actions a JOIN sessions s ON s.id = a.session {matched})",
                args,
            )
        }
        return [ActionRow(_action(row), sessions[row[1]]) for row in found]

    def action_lines(
        self,
        *,
        team: str | None = None,
        owner: str | None = None,
        routine: str | None = None,
        status: ActionStatus | None = None,
        overdue_on: date | None = None,
    ) -> list[tuple[str, ...]]:
        """What `facilitator actions list` prints of each action, as plain text, in the order of
        `actions`: a long list costs its lines, not a row object per action and session."""
        matched, args = _action_filter(team, owner, routine, status, overdue_on, None)
        return self.db.execute(
            "SELECT a.id, a.status, coalesce(a.due, ''), coalesce(a.owner, ''), coalesce(a.routine, ''), a.cadence, "
            f"s.team, a.text FROM actions a JOIN sessions s ON s.id = a.session {matched} {_ACTION_ORDER}",
            args,
        )

    def rows(self) -> Iterator[tuple[str, str]]:
        """(session id, file) of every indexed session: what a check compares."""
        yield from self.db.execute("SELECT id, file FROM sessions ORDER BY id")


_ACTION_ORDER = "ORDER BY a.due IS NULL, a.due, a.created_iso, a.session, a.position"


def _action_filter(
    team: str | None, owner: str | None, routine: str | None, status: ActionStatus | None,
    overdue_on: date | None, session: str | None,
) -> tuple[str, list[str]]:
    """The WHERE of an action query, and its values."""
    where, args = [], []
    for column, value in (("s.team_key", team), ("a.owner_key", owner), ("a.routine_key", routine)):
        if value is not None:  # names match in any case: the keys are kept casefolded, and indexed
            where.append(f"{column} = ?")
            args.append(value.casefold())
    if status is not None:
        where.append("a.status = ?")
        args.append(status.value)
    if overdue_on is not None:
        where.append("a.status = 'open' AND a.due IS NOT NULL AND a.due < ?")
        args.append(overdue_on.isoformat())
    if session is not None:
        where.append("a.session = ?")
        args.append(session)
    return ("WHERE " + " AND ".join(where)) if where else "", args


def is_month_file(name: str, month: str) -> bool:
    """`2026-11` or `2026-11-2` for the month `2026-11`."""
    return name == month or (name.startswith(f"{month}-") and name[len(month) + 1 :].isdigit())


def is_session_file(name: str) -> bool:
    """`2026-11.json` or `2026-11-2.json`: a file of sessions started in that month."""
    return _SESSION_FILE.fullmatch(name) is not None


def _session(row: Sequence[Any]) -> SessionSummary:
    (sid, created, updated, title, team, facilitator, plan, decks, routines, status, ideas, clusters,
     actions, done, open_, dropped, revision, damage, owners, roti, follow_up_on) = row
    return SessionSummary(
        id=sid, created=_moment(created), updated=_moment(updated), title=title, team=team,
        facilitator=facilitator, plan=plan, decks=_split(decks), routines=_split(routines),
        status=_SESSION_STATUS[status], ideas=ideas, clusters=clusters, actions=actions, done=done,
        open=open_, dropped=dropped, revision=revision, damage=_split(damage) if damage else (),
        owners=_split(owners), roti=tuple(int(score) for score in roti),
        follow_up_on=date.fromisoformat(follow_up_on) if follow_up_on else None,
    )


def _action(row: Sequence[Any]) -> ActionSummary:
    aid, session, text, owner, routine, cadence, due, measure, status, created, closed, committed = row
    return ActionSummary(
        id=aid, session=session, text=text, owner=owner, routine=routine, cadence=_CADENCE[cadence],
        due=date.fromisoformat(due) if due else None, measure=measure, status=_ACTION_STATUS[status],
        created=_moment(created), closed=_moment(closed) if closed else None, committed=bool(committed),
    )


_SESSION_STATUS = {s.value: s for s in SessionStatus}
_ACTION_STATUS = {s.value: s for s in ActionStatus}
_CADENCE = {c.value: c for c in Cadence}
_UNIT = "\x1f"
"""Between the items of a list in one column: the text gate removes it from every stored text,
so no item can hold it."""


def _joined(items: Sequence[str]) -> str:
    return _UNIT.join(items)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_UNIT)) if text else ()


_moment = datetime.fromisoformat


def month_of(created: datetime) -> str:
    return f"{created.year:04d}-{created.month:02d}"


def all_files(folder: Path) -> Iterable[str]:
    """The names (without `.json`) of every session file in `folder`, sorted."""
    try:
        return sorted(e.name[:-5] for e in os.scandir(folder) if is_session_file(e.name) and e.is_file())
    except FileNotFoundError:
        return []

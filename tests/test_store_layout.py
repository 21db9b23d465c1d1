"""The store as a folder: a single-file store of earlier versions moved in once, the summary index
kept in step with the session files (and rebuilt when it cannot be trusted), saves that write one
small file, and two stores open on one folder."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from filelock import FileLock

import facilitator.index
import facilitator.migrate
import facilitator.store
from facilitator.engine import events
from facilitator.engine.live import recovered
from facilitator.models import Action, ActionStatus, Idea, Session, SessionStatus
from facilitator.store import (
    FILE_SIZE,
    SessionDamaged,
    StaleSession,
    Store,
    StoreBusy,
    StoreDamaged,
    StoreLayout,
    damaged_copies,
)
from tests.helpers import (
    edit_stored_doc,
    journal_file,
    rewrite,
    session_file_of,
    session_files,
    store_bytes,
    store_folder,
    stored_docs,
)

JAN = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
FEB = datetime(2025, 2, 15, 9, 0, tzinfo=UTC)
MAR = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)


def closed(session_id: str, created: datetime = JAN, **fields) -> Session:
    """A finished session with an idea and an action, started at `created`."""
    values: dict = {
        "id": session_id,
        "title": f"Retro {session_id}",
        "team": "Support",
        "plan": "quick-reflection",
        "created": created,
        "status": SessionStatus.CLOSED,
        "ideas": [Idea(id=f"{session_id}-i1", text="Call a customer", round=0)],
        "actions": [Action(id=f"{session_id}-a1", text="Call three customers", owner="Ana")],
    }
    return Session(**(values | fields))


def write_legacy(store_path: Path, docs: list[dict], *, settings: dict | None = None, journals: dict[str, bytes] | None = None) -> bytes:
    """A single-file store as earlier versions wrote it (TinyDB's tables, journals in
    `store.json.journal/`), by hand; returns its bytes."""
    data: dict = {"sessions": {str(n): doc for n, doc in enumerate(docs, 1)}}
    if settings:
        data["settings"] = {str(n): {"key": k, "value": v} for n, (k, v) in enumerate(settings.items(), 1)}
    store_path.parent.mkdir(parents=True, exist_ok=True)
    store_path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    for session_id, lines in (journals or {}).items():
        folder = store_path.with_name(store_path.name + ".journal")
        folder.mkdir(exist_ok=True)
        (folder / f"{session_id}.jsonl").write_bytes(lines)
    return store_path.read_bytes()


def docs_of(*sessions: Session) -> list[dict]:
    return [s.model_dump(mode="json") for s in sessions]


def by_id(docs: list[dict]) -> dict[str, dict]:
    return {d["id"]: d for d in docs}


def backups(store_path: Path) -> list[Path]:
    folder = StoreLayout.of(store_path).backups
    return sorted(folder.iterdir()) if folder.is_dir() else []


def leftovers(store_path: Path) -> list[Path]:
    """Temp files anywhere in the store's folder."""
    return sorted(store_folder(store_path).rglob("*.tmp"))


# --- moving a single-file store in ----------------------------------------------------------------


LIVE = Session(id="live0001", title="Still running", team="Sales", plan="quick-reflection", created=FEB)
JOURNAL = (
    json.dumps(events.put("idea", Idea(id="j1", text="Journaled idea", round=0))) + "\n"
    + json.dumps(events.set_fields(title="Renamed while running")) + "\n"
).encode()


@pytest.fixture
def legacy(store_path: Path) -> bytes:
    """A single-file store with sessions of three months, a live one with its journal, a setting,
    and a temp file an interrupted write of it left."""
    sessions = [closed("jan00001", JAN), closed("jan00002", JAN + timedelta(days=1)), closed("mar00001", MAR), LIVE]
    raw = write_legacy(store_path, docs_of(*sessions), settings={"theme": "dracula"}, journals={LIVE.id: JOURNAL})
    store_path.with_name(f".{store_path.name}.deadbeef.tmp").write_text("half a store", encoding="utf-8")
    return raw


def test_a_single_file_store_moves_in_with_its_sessions_settings_and_live_journal(store_path: Path, legacy: bytes) -> None:
    written = by_id(json.loads(legacy)["sessions"].values())

    store = Store(store_path)

    assert store.moved is not None and sorted(store.moved.added) == sorted(written)
    assert by_id(stored_docs(store_path)) == written  # each document as it was, once
    assert [p.name for p in session_files(store_path)] == ["2025-01.json", "2025-02.json", "2025-03.json"]
    assert session_file_of(store_path, "jan00001") == session_file_of(store_path, "jan00002")
    assert [s.id for s in store.summaries()] == ["mar00001", "live0001", "jan00002", "jan00001"]
    assert store.session("jan00001").model_dump(mode="json") == written["jan00001"]
    assert store.setting("theme") == "dracula"
    assert store.problems == [] and store.damaged == {}
    # The live session's journal came along and still resumes it.
    assert journal_file(store_path, LIVE.id).read_bytes() == JOURNAL
    resumed = recovered(store.session(LIVE.id), store)
    assert (resumed.title, [i.text for i in resumed.ideas]) == ("Renamed while running", ["Journaled idea"])
    assert store.journal_skipped == {}
    # The old file is gone, kept byte for byte in backups/, and nothing of it is left beside.
    [backup] = backups(store_path)
    assert backup.read_bytes() == legacy and backup.name.startswith("store-before-the-move-")
    assert [p.name for p in store_path.parent.iterdir() if "store.json" in p.name] == []  # journals, lock, temp file


def test_a_second_open_after_the_move_changes_nothing(store_path: Path, legacy: bytes) -> None:
    Store(store_path)
    before = store_bytes(store_path)

    store = Store(store_path)

    assert store.moved is None
    assert store_bytes(store_path) == before
    assert len(stored_docs(store_path)) == 4 and len(backups(store_path)) == 1


DAMAGED = {
    "garbage bytes": b"\x00\xff\xfe\x9c garbage \x81",
    "empty file": b"",
    "truncated JSON": b'{"sessions": {"1": {"id": "abc12345", "title": "Retro", "pla',
    "a table that is a list": b'{"sessions": []}',
    "too deep": b"[" * 1000 + b"]" * 1000,
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_single_file_store_raises_and_changes_nothing(tmp_path: Path, store_path: Path, content: bytes) -> None:
    store_path.write_bytes(content)
    around = sorted(tmp_path.rglob("*"))

    with pytest.raises(StoreDamaged) as raised:
        Store(store_path)

    assert raised.value.path == store_path
    assert store_path.read_bytes() == content
    assert sorted(tmp_path.rglob("*")) == around  # no folder, no lock, no backup


def test_damaged_documents_move_in_verbatim_and_are_listed_as_damaged(store_path: Path) -> None:
    good = closed("good0001").model_dump(mode="json")
    bad_round = closed("bad00001").model_dump(mode="json")
    bad_round["ideas"][0]["round"] = "abc"
    bad_status = closed("odd00001", FEB).model_dump(mode="json") | {"status": "paused"}
    newer = closed("new00001", MAR).model_dump(mode="json") | {"schema_version": 99}
    docs = [good, bad_round, bad_status, newer]
    write_legacy(store_path, docs)

    store = Store(store_path)

    assert by_id(stored_docs(store_path)) == by_id(docs)
    assert store.damaged == {
        "bad00001": ["ideas[0].round: not a whole number ('abc')"],
        "odd00001": ["status: not one of 'live', 'closed' or 'archived' ('paused')"],
    }
    assert [p for p in store.problems if p.startswith("session new00001: written by a newer facilitator")]
    assert {s.id for s in store.summaries()} == {"good0001", "bad00001", "odd00001"}
    before = store_bytes(store_path)
    with pytest.raises(SessionDamaged):
        store.save_session(store.session("bad00001"))
    with pytest.raises(SessionDamaged):
        store.set_action_status("bad00001-a1", ActionStatus.DONE)
    assert store_bytes(store_path) == before


class Cut(Exception):
    """The power going off, in the middle of the move."""


def cut_at(monkeypatch: pytest.MonkeyPatch, target: object, name: str, when) -> None:
    """Make `target.name` raise `Cut` at the call for which `when(call number, args)` is true."""
    real = getattr(target, name)
    calls = []

    def cut(*args, **kwargs):
        calls.append(args)
        if when(len(calls), args):
            raise Cut(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, cut)


CUTS = {  # the move writes the three session files (indexing each), the settings, the journal, the backup
    "after the first session file": (facilitator.store.AtomicJSONStorage, "write", lambda n, args: n == 2),
    "before the first session file is indexed": (facilitator.store.Store, "_index_file", lambda n, args: n == 1),
    "before the settings": (facilitator.store.AtomicJSONStorage, "write", lambda n, args: n == 4),
    "before the backup": (facilitator.migrate, "atomic_write", lambda n, args: "backups" in str(args[0])),
}


@pytest.mark.parametrize(("target", "name", "when"), CUTS.values(), ids=CUTS.keys())
def test_a_move_cut_short_finishes_at_the_next_open_without_duplicates(
    store_path: Path, legacy: bytes, monkeypatch: pytest.MonkeyPatch, target: object, name: str, when
) -> None:
    cut_at(monkeypatch, target, name, when)
    with pytest.raises(Cut):
        Store(store_path)
    monkeypatch.undo()
    assert store_path.read_bytes() == legacy  # still there to move: nothing is lost

    store = Store(store_path)

    assert store.moved is not None
    assert sorted(d["id"] for d in stored_docs(store_path)) == ["jan00001", "jan00002", "live0001", "mar00001"]
    assert sorted(s.id for s in store.summaries()) == ["jan00001", "jan00002", "live0001", "mar00001"]
    assert store.setting("theme") == "dracula"
    assert journal_file(store_path, LIVE.id).read_bytes() == JOURNAL
    assert [b.read_bytes() for b in backups(store_path)] == [legacy]
    assert not store_path.exists() and leftovers(store_path) == []
    assert Store(store_path).moved is None


def test_a_single_file_store_in_use_by_an_earlier_version_waits_until_it_is_done(store_path: Path, legacy: bytes) -> None:
    held = FileLock(str(store_path.with_name("store.json.journal") / f"{LIVE.id}.lock"))
    with held:
        with pytest.raises(StoreBusy, match="earlier facilitator"):
            Store(store_path)
        assert store_path.read_bytes() == legacy and stored_docs(store_path) == []

    store = Store(store_path)

    assert store.moved is not None and len(store.summaries()) == 4


# --- the index --------------------------------------------------------------------------------


@pytest.fixture
def three_months(store_path: Path) -> Store:
    """Sessions in three session files, one with actions done and open."""
    store = Store(store_path)
    for session in (closed("jan00001", JAN), closed("jan00002", JAN), closed("feb00001", FEB), closed("mar00001", MAR)):
        store.save_session(session)
    store.set_action_status("feb00001-a1", ActionStatus.DONE)
    return store


def listing(store: Store) -> tuple[list, list]:
    return store.summaries(), store.actions()


def test_the_index_is_built_again_when_it_is_deleted(store_path: Path, three_months: Store) -> None:
    expected = listing(three_months)
    StoreLayout.of(store_path).index.unlink()

    store = Store(store_path)

    assert listing(store) == expected
    assert store.problems == []


def test_an_index_that_cannot_be_read_is_set_aside_and_built_again(store_path: Path, three_months: Store) -> None:
    expected = listing(three_months)
    index = StoreLayout.of(store_path).index
    three_months.index.close()
    index.write_bytes(b"this is not a database, whatever its name says" * 100)
    damaged = index.read_bytes()

    store = Store(store_path)

    assert listing(store) == expected
    [copy] = damaged_copies(index)
    assert copy.read_bytes() == damaged
    [said] = store.problems
    assert "index.sqlite3 could not be read" in said and copy.name in said


def test_an_index_of_another_layout_is_built_again_without_a_word(store_path: Path, three_months: Store) -> None:
    """Another version's index is not damage: nothing in it is the user's, so it is not kept."""
    expected = listing(three_months)
    index = StoreLayout.of(store_path).index
    three_months.index.close()
    sqlite3.connect(index).executescript("UPDATE meta SET value='999' WHERE key='schema'").close()

    store = Store(store_path)

    assert listing(store) == expected
    assert damaged_copies(index) == [] and store.problems == []
    assert sqlite3.connect(index).execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] != "999"


def test_a_session_file_copied_in_by_hand_is_listed_at_the_next_open(store_path: Path, tmp_path: Path, three_months: Store) -> None:
    other = tmp_path / "other" / "store.json"
    Store(other).save_session(closed("apr00001", datetime(2025, 4, 1, tzinfo=UTC)))
    [backup] = session_files(other)
    (StoreLayout.of(store_path).sessions / backup.name).write_bytes(backup.read_bytes())

    store = Store(store_path)

    assert [s.id for s in store.summaries()] == ["apr00001", "mar00001", "feb00001", "jan00001", "jan00002"]
    assert [r.action.id for r in store.actions(session="apr00001")] == ["apr00001-a1"]
    assert store.check() == []  # the open left the index right


def test_a_session_file_edited_by_hand_is_read_again_at_the_next_open(store_path: Path, three_months: Store) -> None:
    edit_stored_doc(store_path, "feb00001", lambda doc: doc.update(title="Edited by hand", team="Sales"))

    store = Store(store_path)

    assert [(s.id, s.title) for s in store.summaries() if s.team == "Sales"] == [("feb00001", "Edited by hand")]
    assert [r.action.id for r in store.actions(team="sales")] == ["feb00001-a1"]
    assert store.check() == []


def test_a_session_file_removed_by_hand_is_no_longer_listed(store_path: Path, three_months: Store) -> None:
    session_file_of(store_path, "jan00001").unlink()

    store = Store(store_path)

    assert [s.id for s in store.summaries()] == ["mar00001", "feb00001"]
    assert {r.session.id for r in store.actions()} == {"mar00001", "feb00001"}
    with pytest.raises(LookupError):
        store.session("jan00001")
    assert store.check() == []


def test_an_older_copy_of_a_session_file_put_back_is_what_is_listed(store_path: Path, three_months: Store) -> None:
    path = session_file_of(store_path, "feb00001")
    older = path.read_bytes()  # its action done
    three_months.set_action_status("feb00001-a1", ActionStatus.OPEN)
    rewrite(path, older)

    store = Store(store_path)

    assert [r.action.id for r in store.actions(status=ActionStatus.DONE)] == ["feb00001-a1"]
    assert store.session("feb00001").actions[0].status is ActionStatus.DONE
    assert store.check() == []


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_session_file_that_cannot_be_read_is_set_aside_said_and_the_rest_listed(
    store_path: Path, three_months: Store, content: bytes
) -> None:
    path = session_file_of(store_path, "feb00001")
    rewrite(path, content)

    store = Store(store_path)

    [copy] = damaged_copies(path)
    assert copy.read_bytes() == content and not path.exists()
    assert [p for p in store.problems if path.name in p and copy.name in p]
    assert {s.id for s in store.summaries()} == {"jan00001", "jan00002", "mar00001"}
    store.save_session(closed("feb00002", FEB))  # the month starts afresh; the copy is never written
    assert copy.read_bytes() == content


def test_check_says_how_the_index_differed_and_puts_it_right(store_path: Path, three_months: Store) -> None:
    expected = listing(three_months)
    assert three_months.check() == []
    with sqlite3.connect(StoreLayout.of(store_path).index) as db:  # the index alone, wronged behind the store's back
        db.execute("DELETE FROM sessions WHERE id='jan00001'")
        db.execute("UPDATE sessions SET title='Wrong' WHERE id='feb00001'")
        db.execute(
            "INSERT INTO sessions SELECT 'ghost001', file, created, created_iso, updated_iso, revision, title, team, "
            "facilitator, plan, decks, routines, status, ideas, clusters, actions, done, open, dropped, damage, owners, team_key, roti, follow_up_on "
            "FROM sessions WHERE id='mar00001'"
        )
    db.close()
    store = Store(store_path)  # every file is as the index last saw it, so the open trusts it

    differences = store.check()

    assert differences == [
        "session jan00001 was missing from the index",
        "session ghost001 was in the index but in no file",
        "session feb00001 was out of date in the index",
    ]
    assert listing(store) == expected
    assert store.check() == [] and listing(Store(store_path)) == expected


# --- one save, one small file -----------------------------------------------------------------


def _files_as_they_are(store_path: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in session_files(store_path)}


def _renamed(store: Store) -> None:
    session = store.session("feb00001")
    session.title = "Again"
    store.save_session(session)


SAVES = {
    "a session saved again": _renamed,
    "an action reopened": lambda store: store.set_action_status("feb00001-a1", ActionStatus.OPEN),
    "an action given an owner": lambda store: store.update_action("feb00001-a1", owner="Ben"),
    "a new session": lambda store: store.save_session(closed("feb00002", FEB)),
    "a session deleted": lambda store: store.delete_session("feb00001"),
    "a live session folded": lambda store: store.fold(store.session("feb00001")),
}


@pytest.mark.parametrize("save", SAVES.values(), ids=SAVES.keys())
def test_a_save_writes_only_the_file_of_its_session(store_path: Path, three_months: Store, save) -> None:
    before = _files_as_they_are(store_path)
    assert sorted(before) == ["2025-01.json", "2025-02.json", "2025-03.json"]

    save(three_months)

    after = _files_as_they_are(store_path)
    assert {name for name in before if after.get(name) != before[name]} == {"2025-02.json"}
    assert {name: after[name] for name in after if name != "2025-02.json"} == {
        name: before[name] for name in before if name != "2025-02.json"
    }


def _saved_one_by_one(store_path: Path, sessions: list[Session]) -> Store:
    store = Store(store_path)
    for session in sessions:
        store.save_session(session)
    return store


def _imported(store_path: Path, sessions: list[Session]) -> Store:
    store = Store(store_path)
    store.merge(docs_of(*sessions))
    return store


def _moved_in(store_path: Path, sessions: list[Session]) -> Store:
    write_legacy(store_path, docs_of(*sessions))
    return Store(store_path)


@pytest.mark.parametrize("fill", [_saved_one_by_one, _imported, _moved_in], ids=["saved one by one", "imported", "moved in"])
def test_no_session_file_holds_more_than_file_size_sessions(store_path: Path, fill) -> None:
    sessions = [closed(f"s{n:05d}", JAN + timedelta(hours=n)) for n in range(3 * FILE_SIZE)]

    store = fill(store_path, sessions)

    counts = {p.name: len(json.loads(p.read_bytes())["sessions"]) for p in session_files(store_path)}
    assert counts == {"2025-01.json": FILE_SIZE, "2025-01-2.json": FILE_SIZE, "2025-01-3.json": FILE_SIZE}
    assert sorted(d["id"] for d in stored_docs(store_path)) == [s.id for s in sessions]
    assert len(store.summaries()) == 3 * FILE_SIZE
    store.save_session(closed("one00001", JAN))
    assert len(session_files(store_path)) == 4
    assert all(len(json.loads(p.read_bytes())["sessions"]) <= FILE_SIZE for p in session_files(store_path))


def test_an_import_naming_a_session_twice_adds_it_once_where_the_month_fills_up(store_path: Path) -> None:
    store = _saved_one_by_one(store_path, [closed(f"s{n:05d}", JAN) for n in range(FILE_SIZE - 1)])
    twice, other = closed("twice001", JAN), closed("other001", JAN)

    merged = store.merge(docs_of(twice, other, twice))

    assert (merged.added, merged.unchanged) == (["twice001", "other001"], ["twice001"])
    assert [d["id"] for d in stored_docs(store_path)].count("twice001") == 1
    assert len(store.summaries()) == FILE_SIZE + 1
    assert store.merge(docs_of(twice, other)).unchanged == ["twice001", "other001"]  # and again: nothing


# --- two stores on one folder -----------------------------------------------------------------


def test_two_stores_on_one_folder_see_each_others_saves(store_path: Path) -> None:
    first, second = Store(store_path), Store(store_path)

    first.save_session(closed("one00001"))
    assert [s.id for s in second.summaries()] == ["one00001"]
    assert second.session("one00001") == first.session("one00001")

    second.save_session(closed("two00001", JAN + timedelta(hours=1)))  # the same file as one00001
    assert session_file_of(store_path, "one00001") == session_file_of(store_path, "two00001")
    assert [s.id for s in first.summaries()] == ["two00001", "one00001"]

    held = first.session("one00001")
    second.set_action_status("one00001-a1", ActionStatus.DONE)
    assert first.session("one00001").actions[0].status is ActionStatus.DONE
    assert [r.action.id for r in first.actions(status=ActionStatus.DONE)] == ["one00001-a1"]
    with pytest.raises(StaleSession):
        first.save_session(held, check=True)  # its copy is older than the one saved since
    assert Store(store_path).session("one00001").actions[0].status is ActionStatus.DONE
    assert sorted(d["id"] for d in stored_docs(store_path)) == ["one00001", "two00001"]


def test_a_save_cut_short_before_the_index_is_not_lost_by_the_next_save_to_its_file(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = Store(store_path), Store(store_path)
    first.save_session(closed("one00001"))
    cut_at(monkeypatch, facilitator.index.Index, "put_session", lambda n, args: True)
    with pytest.raises(Cut):
        first.save_session(closed("two00001"))  # in its file, not yet in the index
    monkeypatch.undo()
    assert [s.id for s in second.summaries()] == ["one00001"]

    second.save_session(closed("thr00001"))  # the same file: read afresh, so two00001 stays

    assert sorted(d["id"] for d in stored_docs(store_path)) == ["one00001", "thr00001", "two00001"]
    assert {s.id for s in second.summaries()} == {s.id for s in first.summaries()} == {"one00001", "thr00001", "two00001"}
    assert os.listdir(StoreLayout.of(store_path).sessions) == ["2025-01.json"]

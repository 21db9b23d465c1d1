"""The store and the journal under faults a tester found: too deep JSON, journal lines of any
shape, one bad field in a stored session, a read-only store, file modes kept by saves, escapes
quoted from stored data, a lone surrogate, messages in plain words, and journals that are not
plain files."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from facilitator.cli import main
from facilitator.engine import events
from facilitator.engine.live import current_sessions, recovered
from facilitator.journal import NotAPlainFile
from facilitator.models import SCHEMA_VERSION, Action, ActionStatus, Idea, Session, SessionStatus, Vote
from facilitator.salvage import plainly
from facilitator.store import (
    Store,
    StoreDamaged,
    StoreLayout,
    StoreReadOnly,
    atomic_write,
    damaged_copies,
)
from facilitator.workspace import Workspace
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

DEEP = "[" * 100_000 + "]" * 100_000


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    def run(*argv: object) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def live_session(session_id: str = "live0001", **fields) -> Session:
    """A running session with ideas, a vote and an action for events to work on."""
    values: dict = {
        "id": session_id,
        "title": "Support weekly",
        "team": "Support",
        "plan": "quick-reflection",
        "decks": ["top-of-mind"],
        "ideas": [Idea(id="i1", text="Call a customer", round=0), Idea(id="i2", text="Quote wall", round=0)],
        "votes": [Vote(target="i1", dots=2)],
        "actions": [Action(id="a1", text="Call three customers")],
    }
    return Session(**(values | fields))


def with_journal(store_path: Path, *lines: str, session: Session | None = None) -> Store:
    """A store holding `session` (a live one by default) and its journal of exactly `lines`."""
    store = Store(store_path)
    session = session or live_session()
    store.save_session(session)
    journal = store.journal(session.id).path
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return store


GOOD = json.dumps(events.set_fields(title="Renamed"))

WRONG_SHAPES = {
    "fields a list": '{"op":"set","fields":[1]}',
    "no op": '{"phase":-100}',
    "item not an object": '{"op":"put","kind":"idea","item":5}',
    "a list": "[]",
    "a string": '"x"',
    "dots not a number": '{"op":"vote","target":3,"dots":"a"}',
    "negative dots": '{"op":"vote","target":"i1","dots":-1}',
    "dots true": '{"op":"vote","target":"i1","dots":true}',
    "phase before the first": '{"op":"set","fields":{"phase":-100}}',
    "unknown op": '{"op":"explode"}',
    "unknown kind": '{"op":"put","kind":"spell","item":{}}',
    "unhashable kind": '{"op":"remove","kind":["idea"],"key":"i1"}',
    "key of the wrong type": '{"op":"remove","kind":"round","key":"0"}',
    "not a session field": '{"op":"set","fields":{"revision":99}}',
    "not JSON": "not json at all",
    "too deep": DEEP,
}


# --- 1. nesting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [DEEP, '{"sessions": {"1": {"title": ' + "[" * 200 + "]" * 200 + "}}}"],
    ids=["too deep to parse", "parses but too deep to trust"],
)
def test_a_too_deeply_nested_store_is_damaged_and_set_aside_untouched(cli, store_path: Path, content: str) -> None:
    store_path.write_text(content, encoding="utf-8")

    with pytest.raises(StoreDamaged, match="nested"):
        Store(store_path)
    result = cli("--store", store_path, "sessions", "list")

    assert result.code == 1
    assert "nested more than" in result.err and "moved aside" in result.err
    [copy] = damaged_copies(store_path)
    assert copy.read_text(encoding="utf-8") == content


def test_a_too_deeply_nested_journal_line_is_skipped_and_the_rest_applied(store_path: Path) -> None:
    store = with_journal(store_path, DEEP, GOOD)

    [session] = current_sessions(store)

    assert session.title == "Renamed"
    assert store.journal_skipped == {"live0001": 1}


# --- 2. journal lines of any shape ----------------------------------------------------------------


@pytest.mark.parametrize("line", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_journal_line_of_the_wrong_shape_is_skipped_and_counted(store_path: Path, line: str) -> None:
    store = with_journal(store_path, GOOD, line)
    stored = store.session("live0001")

    session = recovered(stored, store)

    assert session.title == "Renamed"
    assert session.model_dump(exclude={"title"}) == stored.model_dump(exclude={"title"})
    assert store.journal_skipped == {"live0001": 1}
    assert store.problems == ["1 line of the journal of session live0001 that could not be read"]


@pytest.mark.parametrize(
    "event",
    [
        {"op": "set", "fields": {"title": "Half", "voters": "many"}},
        {"op": "set", "fields": {"draft": {"text": "kept?"}, "phase": -1}},
        {"op": "put", "kind": "idea", "item": {"id": "i1", "text": "", "round": 0}},
        {"op": "vote", "target": "i1", "dots": 2.5},
    ],
    ids=["a good field before a bad one", "a good field before a bad phase", "an empty idea", "a fraction of a dot"],
)
def test_a_bad_event_raises_bad_event_and_changes_nothing(event: dict) -> None:
    session = live_session()
    before = session.model_dump()

    with pytest.raises(events.BadEvent):
        events.apply(session, event)

    assert session.model_dump() == before


def test_resuming_with_bad_journal_lines_restores_the_rest(room) -> None:
    live = room.start()
    live.add_idea("Kept idea")
    with open(room.store.journal(live.session.id).path, "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in WRONG_SHAPES.values()))

    resumed = room.reopen(live.session.id)

    assert [i.text for i in resumed.session.ideas] == ["Kept idea"]
    assert resumed.session.phase == 0
    assert resumed.store.journal_skipped == {live.session.id: len(WRONG_SHAPES)}


def test_sessions_show_and_list_say_how_many_journal_lines_were_skipped(cli, store_path: Path) -> None:
    with_journal(store_path, GOOD, "not json", '{"op":"set","fields":[1]}', "[]")

    shown = cli("--store", store_path, "sessions", "show", "live0001")
    listed = cli("--store", store_path, "sessions", "list")

    assert shown.code == 0 and listed.code == 0
    assert "Journal: 3 lines could not be read and were skipped" in shown.out.splitlines()
    assert "Renamed" in listed.out
    assert listed.err == "facilitator: skipped 3 lines of the journal of session live0001 that could not be read\n"


async def test_resuming_in_the_app_says_how_many_journal_lines_were_skipped(store_path: Path) -> None:
    from facilitator.app import make_app
    from tests.fakes import FakeClock

    with_journal(store_path, GOOD, "not json", "[]")
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.live is not None and app.live.session.title == "Renamed"
        messages = [n.message for n in app._notifications]
        assert "2 journal lines could not be read and were skipped; everything else was restored." in messages


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
EVENT_LIKE = st.fixed_dictionaries(
    {"op": st.sampled_from(["put", "remove", "vote", "set", "undo"])},
    optional={
        "kind": st.sampled_from(["idea", "round", "cluster", "action", "timing", "follow_up", "spell"]) | JSON,
        "item": st.fixed_dictionaries({}, optional={"id": st.sampled_from(["i1", "i9"]) | JSON, "text": JSON, "round": JSON}) | JSON,
        "key": st.sampled_from(["i1", "a1", 0]) | JSON,
        "target": st.sampled_from(["i1", "i2"]) | JSON,
        "dots": st.integers(-2, 5) | JSON,
        "fields": st.dictionaries(st.sampled_from(sorted(events.SESSION_FIELDS)), JSON, max_size=3) | JSON,
    },
)
LINES = (
    st.one_of(JSON, EVENT_LIKE).map(json.dumps)
    | st.text(st.characters(blacklist_characters="\n\r"), max_size=30)
)


@pytest.fixture(scope="module")
def one_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Session]:
    """One store for every example: opening a store per example would take seconds."""
    store = with_journal(tmp_path_factory.mktemp("any-line") / "store.json")
    return store, store.session("live0001")


@settings(max_examples=150, deadline=None, database=None)  # ~0.5 s: generating the lines costs most
@given(line=LINES)
def test_any_journal_line_is_applied_or_counted_never_raised(one_store: tuple[Store, Session], line: str) -> None:
    store, stored = one_store
    store.journal(stored.id).path.write_bytes(line.encode("utf-8", "surrogatepass") + b"\n")

    session = recovered(stored, store)

    skipped = store.journal_skipped.get(stored.id, 0)
    assert skipped in (0, 1) if line.strip() else skipped == 0
    Session.model_validate(session.model_dump())  # still a whole session
    if skipped:
        assert session.model_dump() == stored.model_dump()  # nothing half-applied


# --- 3. one bad field in a stored session ---------------------------------------------------------


def damage(store_path: Path, session_id: str, change) -> dict[str, bytes]:
    """Edit one stored session document by hand, as a tester would, and return every store
    file's bytes (the index brought up to date first, as any next open does)."""
    edit_stored_doc(store_path, session_id, change)
    Store(store_path)
    return store_bytes(store_path, locks=False)


@pytest.fixture
def damaged_store(store_path: Path) -> dict[str, bytes]:
    """A closed session whose second idea has the round "abc"; another session is whole."""
    store = Store(store_path)
    store.save_session(live_session("bad00001", status=SessionStatus.CLOSED))
    store.save_session(live_session("good0001", status=SessionStatus.CLOSED, actions=[Action(id="g1", text="Other")]))
    return damage(store_path, "bad00001", lambda doc: doc["ideas"][1].update(round="abc"))


def test_a_damaged_session_is_listed_with_what_could_be_read_and_the_field_named(store_path: Path, damaged_store: dict[str, bytes]) -> None:
    store = Store(store_path)

    sessions = {s.id: s for s in store.sessions()}

    assert set(sessions) == {"bad00001", "good0001"}
    assert [i.id for i in sessions["bad00001"].ideas] == ["i1"]
    assert [a.id for a in sessions["bad00001"].actions] == ["a1"]
    assert store.damaged == {"bad00001": ["ideas[1].round: not a whole number ('abc')"]}
    assert [r.session.id for r in store.actions()].count("bad00001") == 1


def test_an_unknown_status_is_named_and_the_session_still_listed(store_path: Path) -> None:
    Store(store_path).save_session(live_session("odd00001"))
    damage(store_path, "odd00001", lambda doc: doc.update(status="paused", title=""))
    store = Store(store_path)

    [session] = store.sessions()

    assert session.title == "(the title could not be read)"
    assert store.damaged["odd00001"] == [
        "title: empty ('')",
        "status: not one of 'live', 'closed' or 'archived' ('paused')",
    ]


def test_a_damaged_session_is_never_written_over(store_path: Path, damaged_store: dict[str, bytes]) -> None:
    store = Store(store_path)
    [salvaged] = [s for s in store.sessions() if s.id == "bad00001"]

    with pytest.raises(LookupError, match="damaged"):
        store.save_session(salvaged)
    with pytest.raises(LookupError, match="damaged"):
        store.set_action_status("a1", ActionStatus.DONE)  # the damaged session's action
    assert store_bytes(store_path, locks=False) == damaged_store


def test_cli_shows_a_damaged_session_with_its_fields_and_actions(cli, store_path: Path, damaged_store: dict[str, bytes]) -> None:
    listed = cli("--store", store_path, "sessions", "list")
    shown = cli("--store", store_path, "sessions", "show", "bad00001")
    actions = cli("--store", store_path, "actions", "list", "--team", "support")
    done = cli("--store", store_path, "actions", "done", "a1")

    assert [line.split()[2] for line in listed.out.splitlines()[1:]].count("damaged") == 1
    assert "session bad00001 is damaged (ideas[1].round: not a whole number ('abc'))" in listed.err
    assert "Support weekly  [bad00001, damaged]" in shown.out
    assert "  ideas[1].round: not a whole number ('abc')" in shown.out.splitlines()
    assert "a1" in shown.out.split("\n\n", 1)[1]
    assert sorted(line.split()[0] for line in actions.out.splitlines()[1:]) == ["a1", "g1"]
    assert done.code == 1 and len(done.err.splitlines()) == 1 and "damaged" in done.err
    assert store_bytes(store_path, locks=False) == damaged_store


def test_a_damaged_live_session_with_a_journaled_close_is_not_folded(store_path: Path) -> None:
    store = with_journal(store_path, json.dumps(events.set_fields(status=SessionStatus.CLOSED)))
    before = damage(store_path, "live0001", lambda doc: doc["ideas"][0].update(round="abc"))

    opened = Workspace(store_path=store_path).store  # finishes the closes a crash cut short

    assert "live0001" in opened.damaged
    assert store_bytes(store_path, locks=False) == before
    assert store.journal("live0001").path.exists()


async def test_home_lists_a_damaged_session_as_damaged_and_does_not_resume_it(store_path: Path) -> None:
    from facilitator.app import make_app
    from facilitator.screens.summary import SummaryScreen
    from tests.fakes import FakeClock
    from tests.helpers import screen_text

    Store(store_path).save_session(live_session("bad00001"))
    before = damage(store_path, "bad00001", lambda doc: doc["ideas"][1].update(round="abc"))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "damaged" in text and "could not read ideas[1].round" in text
        await pilot.press("r")
        assert app.live is None
        app.screen.query_one("#sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.live is None
    assert store_bytes(store_path, locks=False) == before


# --- 4. a read-only store -------------------------------------------------------------------------


@pytest.fixture
def read_only_folder(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A store whose folder this process may not write to, told by `os.access` as the system
    would for anyone but root (who may write anywhere, so a real chmod proves nothing there)."""
    store = Store(store_path)
    store.save_session(live_session("done0001", status=SessionStatus.CLOSED))
    store.save_session(live_session("live0001"))
    store.journal("live0001").append(events.set_fields(title="Renamed"))
    store.set_setting("theme", "dark")
    real_access = os.access

    def access(path, mode, **kwargs) -> bool:
        inside = Path(path) == store_path.parent or store_path.parent in Path(path).parents
        return False if inside and mode & os.W_OK else real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return store_bytes(store_path)


def test_a_read_only_store_opens_for_reviewing_and_refuses_every_write(store_path: Path, read_only_folder: dict[str, bytes]) -> None:
    store = Store(store_path)

    assert store.read_only
    assert [s.title for s in current_sessions(store)] == ["Renamed", "Support weekly"]
    [session, _] = store.sessions()
    for write in (
        lambda: store.save_session(session),
        lambda: store.set_setting("theme", "x"),
        lambda: store.set_action_status("a1", ActionStatus.DONE),
        lambda: store.journal("live0001").append({"op": "set", "fields": {}}),
        lambda: store.session_lock("live0001"),
        lambda: store.delete_session("live0001"),
    ):
        with pytest.raises(StoreReadOnly, match="the store is read-only"):
            write()
    assert store_bytes(store_path) == read_only_folder


def test_a_store_whose_lock_cannot_be_made_opens_read_only(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    Store(store_path).save_session(live_session("done0001"))

    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", self.lock_file)

    monkeypatch.setattr(FileLock, "acquire", refused)
    store = Store(store_path)

    assert store.read_only
    assert [s.id for s in store.sessions()] == ["done0001"]


def test_cli_on_a_read_only_store_lists_says_so_once_and_refuses_writes_in_one_line(
    cli, store_path: Path, read_only_folder: dict[str, bytes]
) -> None:
    listed = cli("--store", store_path, "sessions", "list")
    shown = cli("--store", store_path, "sessions", "show", "live0001")
    actions = cli("--store", store_path, "actions", "list")
    done = cli("--store", store_path, "actions", "done", "a1")

    said = "facilitator: the store is read-only, so it is open for reviewing only: "
    assert (listed.code, shown.code, actions.code) == (0, 0, 0)
    notes = {listed.err, shown.err, actions.err}
    assert len(notes) == 1, notes  # one line, the same whichever command
    assert notes <= {f"{said}{store_path}\n", f"{said}{store_folder(store_path)}\n"}
    assert "Renamed" in listed.out and "Renamed" in shown.out
    assert done.code == 1
    assert done.err == f"facilitator: error: the store is read-only: {store_folder(store_path)}\n"
    assert store_bytes(store_path) == read_only_folder


async def test_home_on_a_read_only_store_lists_sessions_and_offers_no_writes(store_path: Path, read_only_folder: dict[str, bytes]) -> None:
    from textual.widgets import Button

    from facilitator.app import make_app
    from tests.fakes import FakeClock
    from tests.helpers import screen_text, settled

    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(100, 24)) as pilot:
        await settled(pilot)  # the store has opened, and found it cannot write
        text = " ".join(screen_text(app).split())
        assert "The store is read-only" in text and text.count("read-only") == 1
        assert "Renamed" in text
        assert app.screen.query_one("#new", Button).disabled
        await pilot.press("n", "r")
        assert app.live is None
    assert store_bytes(store_path) == read_only_folder


def test_a_damaged_store_in_a_read_only_folder_is_reported_and_left_as_it_is(
    cli, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path.write_text("{ not json", encoding="utf-8")

    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(store_path))

    monkeypatch.setattr(os, "replace", refused)
    result = cli("--store", store_path, "sessions", "list")

    assert result.code == 1
    assert result.err.startswith(f"facilitator: store {store_path} cannot be read (not valid JSON")
    assert result.err.endswith("; the store is read-only, so it was left as it is\n")
    assert store_path.read_text(encoding="utf-8") == "{ not json" and damaged_copies(store_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 555; the injected test covers the path")
def test_a_really_read_only_folder_and_file_open_for_reviewing(store_path: Path) -> None:
    Store(store_path).save_session(live_session("done0001"))
    folder = store_folder(store_path)
    parts = [folder, *folder.rglob("*")]
    before = store_bytes(store_path)
    for part in reversed(parts):
        part.chmod(0o555 if part.is_dir() else 0o444)
    try:
        store = Store(store_path)
        assert store.read_only and [s.id for s in store.sessions()] == ["done0001"]
        with pytest.raises(StoreReadOnly):
            store.set_setting("theme", "x")
        with pytest.raises(StoreReadOnly):
            store.save_session(live_session("new00001"))
    finally:
        for part in parts:
            part.chmod(0o755 if part.is_dir() else 0o644)
    assert store_bytes(store_path) == before


# --- 5. file modes --------------------------------------------------------------------------------


def test_a_save_keeps_the_store_file_mode(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(live_session())
    store.set_setting("theme", "light")
    kept = [session_file_of(store_path, "live0001"), StoreLayout.of(store_path).settings]
    for path in kept:
        path.chmod(0o600)  # more private than the folder (0o755) would make them

    store.save_session(live_session(title="Again", revision=1))
    store.set_setting("theme", "dark")

    assert store.session("live0001").title == "Again" and store.setting("theme") == "dark"
    assert [oct(stat.S_IMODE(path.stat().st_mode)) for path in kept] == ["0o600", "0o600"]


def test_a_new_file_gets_the_process_default_mode(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.json", "{}")
    finally:
        os.umask(umask)

    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


def test_an_append_keeps_the_journal_file_mode(store_path: Path) -> None:
    journal = Store(store_path).journal("live0001")
    journal.append(events.set_fields(title="One"))
    journal.path.chmod(0o600)

    journal.append(events.set_fields(title="Two"))

    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600


@pytest.mark.parametrize("private", ["a folder made private", "a single-file store made private, moved in"])
def test_new_files_the_journal_and_the_locks_are_as_private_as_the_store(store_path: Path, private: str) -> None:
    folder = store_folder(store_path)
    if private.startswith("a folder"):
        folder.mkdir(mode=0o700)
    else:
        store_path.write_text('{"settings": {"1": {"key": "theme", "value": "dark"}}}', encoding="utf-8")
        store_path.chmod(0o600)
    store = Store(store_path)

    store.save_session(live_session())
    store.set_setting("blink", False)
    store.journal("live0001").append(events.set_fields(title="One"))
    store.session_lock("live0001").acquire()

    assert oct(stat.S_IMODE(folder.stat().st_mode)) == "0o700"
    made = [p for p in folder.rglob("*") if p.is_file()]
    layout = StoreLayout.of(store_path)
    expected = {layout.settings, layout.lock, layout.index, journal_file(store_path, "live0001"), *session_files(store_path)}
    assert expected <= set(made) and (layout.journal / "live0001.lock") in made
    assert {str(p.relative_to(folder)): oct(stat.S_IMODE(p.stat().st_mode)) for p in made} == {
        str(p.relative_to(folder)): "0o600" for p in made
    }


# --- 6. text quoted from stored data --------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
HOSTILE = "\u001b]0;TITLE\u0007\u001b[2J\u009b7m"


def write_store(store_path: Path, *docs: dict) -> None:
    """A single-file store of earlier versions, written by hand: it moves into the store's folder
    when the store opens, and its documents go in as they are."""
    sessions = {str(number): doc for number, doc in enumerate(docs, 1)}
    store_path.write_text(json.dumps({"sessions": sessions}), encoding="utf-8")


@pytest.mark.parametrize(
    "doc",
    [
        {"schema_version": 99, "id": "n" + HOSTILE, "title": "t", "plan": "p"},
        {"id": "extra001", "title": "t", "plan": "p", HOSTILE + "KEY": 1},
        {"id": "extra002", "title": "t", "plan": "p", "ideas": [{"id": "i1", "text": "x", "round": 0, HOSTILE: 1}]},
        {"id": "value001", "title": "t", "plan": "p", "status": "paused" + HOSTILE, "ideas": [{"id": "i1", "text": "x", "round": HOSTILE}]},
        {"id": "n" + HOSTILE, "title": HOSTILE, "plan": 5},
        {"id": 5, "title": "t", "plan": "p", "voters": "many" + HOSTILE},
    ],
    ids=["newer, with an escape in its id", "an unknown key of escapes", "an unknown key in an idea", "escapes in values", "escapes in a damaged one's id", "no id"],
)
def test_problems_and_damage_quoting_stored_data_hold_no_control_characters(store_path: Path, doc: dict) -> None:
    write_store(store_path, doc)
    store = Store(store_path)
    (store.journal_dir / f"x{HOSTILE}.jsonl").mkdir(parents=True)

    store.sessions()

    said = [*store.problems, *store.damaged, *(line for lines in store.damaged.values() for line in lines)]
    assert said and all(text and not CONTROL.search(text) for text in said), said


def test_an_unknown_key_of_nothing_but_escapes_is_still_named(store_path: Path) -> None:
    write_store(store_path, {"id": "extra001", "title": "t", "plan": "p", HOSTILE: 1})
    store = Store(store_path)

    store.sessions()

    assert store.damaged == {"extra001": ["(an unreadable key): not a field facilitator knows (1)"]}


# --- 7. a lone surrogate --------------------------------------------------------------------------


@pytest.fixture
def lone_surrogate(store_path: Path) -> Store:
    """Two closed sessions; A's idea holds a lone surrogate, as the escape `\\ud800` in the file."""
    store = Store(store_path)
    store.save_session(live_session("sessA001", status=SessionStatus.CLOSED, actions=[]))
    store.save_session(live_session("sessB001", status=SessionStatus.CLOSED, actions=[Action(id="b1", text="Do it")]))
    path = session_file_of(store_path, "sessA001")
    assert session_file_of(store_path, "sessB001") == path  # one file: saving B rewrites A's document too
    text = path.read_text(encoding="utf-8")
    rewrite(path, text.replace('"Quote wall"', '"lone \\ud800"', 1).encode())
    assert '"lone \\ud800"' in path.read_text(encoding="utf-8")
    return Store(store_path)


def docs_by_id(store_path: Path) -> dict[str, dict]:
    return {doc["id"]: doc for doc in stored_docs(store_path)}


@pytest.mark.parametrize(
    "save",
    [
        lambda store: store.set_action_status("b1", ActionStatus.DONE),
        lambda store: store.save_session(live_session("sessC001")),
        lambda store: store.set_setting("theme", "dark"),
    ],
    ids=["an action of another session", "a new session", "a setting"],
)
def test_a_lone_surrogate_in_one_session_does_not_stop_saving_the_others(store_path: Path, lone_surrogate: Store, save) -> None:
    before = docs_by_id(store_path)["sessA001"]

    save(lone_surrogate)

    after = docs_by_id(store_path)
    assert after["sessA001"] == before and after["sessA001"]["ideas"][1]["text"] == "lone \ud800"
    assert len(after) >= 2 and Store(store_path).sessions()


def test_the_store_goes_back_to_plain_utf8_once_the_lone_surrogate_is_gone(store_path: Path, lone_surrogate: Store) -> None:
    lone_surrogate.set_action_status("b1", ActionStatus.DONE)
    path = session_file_of(store_path, "sessA001")
    assert path.read_bytes().isascii() and "\\ud800" in path.read_text(encoding="utf-8")
    Store(store_path).delete_session("sessA001")

    Store(store_path).save_session(live_session("sessC001", title="Café"))

    assert session_file_of(store_path, "sessC001") == path
    assert "Café" in path.read_text(encoding="utf-8")


# --- 8. messages in plain words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"s\xff":1}', "not UTF-8 text (byte 0xff at byte 3)"),
        (b'\xef\xbb\xbf{"s\xff":1}', "not UTF-8 text (byte 0xff at byte 6)"),
        (b"{ not json", "not valid JSON (line 1, column 3): expected a key in double quotes"),
        (b'{"sessions": {}}\n{"more": 1}', "not valid JSON (line 2, column 1): more follows the end of the data"),
        (b'{"sessions": {"1": {"title": "no end}}}', "not valid JSON (line 1, column 30): a text has no closing quote"),
        (b'{"sessions" {}}', "not valid JSON (line 1, column 13): expected a : after a key"),
    ],
    ids=["not UTF-8", "not UTF-8 after a BOM", "not JSON", "extra data", "no closing quote", "no colon"],
)
def test_a_store_that_cannot_be_read_says_why_in_plain_words(store_path: Path, content: bytes, reason: str) -> None:
    store_path.write_bytes(content)

    with pytest.raises(StoreDamaged) as raised:
        Store(store_path)

    assert raised.value.reason == reason


@pytest.mark.parametrize("where", ["a session file", "a single-file store moved in"])
def test_a_store_that_starts_with_a_byte_order_mark_is_read_and_kept(cli, store_path: Path, where: str) -> None:
    session = live_session("bom00001", status=SessionStatus.CLOSED)
    if where == "a session file":
        Store(store_path).save_session(session)
        [path] = session_files(store_path)
        rewrite(path, b"\xef\xbb\xbf" + path.read_bytes())
    else:
        path = store_path
        write_store(store_path, session.model_dump(mode="json"))
        store_path.write_bytes(b"\xef\xbb\xbf" + store_path.read_bytes())

    listed = cli("--store", store_path, "sessions", "list")
    done = cli("--store", store_path, "actions", "done", "a1")

    assert (listed.code, done.code, listed.err, done.err) == (0, 0, "", "")
    assert "bom00001" in listed.out
    assert damaged_copies(path) == [] and Store(store_path).problems == []
    assert Store(store_path).session("bom00001").actions[0].status is ActionStatus.DONE


def test_a_session_from_a_newer_facilitator_is_skipped_in_plain_words(store_path: Path) -> None:
    write_store(store_path, {"schema_version": 99, "id": "n", "title": "t", "plan": "p"})
    store = Store(store_path)

    store.sessions()

    assert store.problems == [f"session n: written by a newer facilitator (schema 99, this one reads {SCHEMA_VERSION})"]


def test_a_value_out_of_bounds_is_named_in_plain_words(store_path: Path) -> None:
    write_store(store_path, {"id": "s1", "title": "t", "plan": "p", "dots_per_participant": 999, "voters": 0})
    store = Store(store_path)

    store.sessions()

    assert store.damaged == {"s1": ["dots_per_participant: at most 50 (999)", "voters: at least 1 (0)"]}


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        (Annotated[int, Field(le=50)], 999, "at most 50 (999)"),
        (Annotated[int, Field(ge=1)], 0, "at least 1 (0)"),
        (Annotated[int, Field(lt=5)], 5, "less than 5 (5)"),
        (Annotated[int, Field(gt=0)], 0, "more than 0 (0)"),
        (Annotated[float, Field(allow_inf_nan=False)], float("inf"), "not a finite number (inf)"),
        (SessionStatus, "paused", "not one of 'live', 'closed' or 'archived' ('paused')"),
        (Literal["a", "b"], "c", "not one of 'a' or 'b' ('c')"),
        (Annotated[str, Field(pattern="^[a-z]+$")], "A1", "not in the expected form ('A1')"),
        (Annotated[list[int], Field(max_length=2)], [1, 2, 3], "too long (at most 2 items)"),
        (Annotated[str, Field(max_length=3)], "abcd", "too long (at most 3 characters)"),
    ],
    ids=["le", "ge", "lt", "gt", "finite", "enum", "literal", "pattern", "too long", "string too long"],
)
def test_each_kind_of_failing_value_is_said_in_plain_words(kind: object, value: object, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(kind).validate_python(value)

    [error] = raised.value.errors()
    assert plainly(error) == words


# --- 9. journals that are not plain files ---------------------------------------------------------


NOT_PLAIN = "skipped the journal of session {}, which is not a plain file; it was left alone"


def test_a_folder_where_a_journal_belongs_is_reported_once_and_left_alone(cli, store_path: Path) -> None:
    store = with_journal(store_path, json.dumps(events.set_fields(status=SessionStatus.CLOSED)))
    store.journal("live0001").path.unlink()
    for name in ("live0001", "abc"):
        (store.journal_dir / f"{name}.jsonl").mkdir()

    opened = Workspace(store_path=store_path).store  # finishes the closes a crash cut short
    [session] = current_sessions(opened)
    listed = cli("--store", store_path, "sessions", "list")
    opened.delete_session("live0001")

    assert session.status is SessionStatus.LIVE and recovered(session, opened) == session
    assert opened.problems == [NOT_PLAIN.format(n).removeprefix("skipped ") for n in ("abc", "live0001")]
    assert listed.code == 0 and listed.err.splitlines() == ["facilitator: " + NOT_PLAIN.format(n) for n in ("abc", "live0001")]
    assert opened.sessions() == []
    assert (store.journal_dir / "live0001.jsonl").is_dir() and (store.journal_dir / "abc.jsonl").is_dir()
    with pytest.raises(NotAPlainFile, match="not a plain file"):
        opened.journal("live0001").append(events.set_fields(title="Lost?"))


def test_a_folder_in_place_of_the_journal_does_not_stop_a_fold(store_path: Path) -> None:
    store = with_journal(store_path)
    store.journal("live0001").path.unlink()
    store.journal("live0001").path.mkdir()

    store.fold(live_session(title="Folded", revision=1))

    assert store.session("live0001").title == "Folded"
    assert store.journal("live0001").path.is_dir()


FIFO_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from facilitator.cli import main
    from facilitator.engine.live import current_sessions, finish_interrupted, recovered
    from facilitator.journal import NotAPlainFile
    from facilitator.store import Store

    store = Store(Path(sys.argv[1]))
    finish_interrupted(store)
    [session] = current_sessions(store)
    assert recovered(session, store).title == "Support weekly", "a pipe's lines are no events"
    try:
        store.journal("live0001").append({"op": "set", "fields": {"title": "x"}})
    except NotAPlainFile:
        pass
    else:
        raise AssertionError("appended to a pipe")
    store.journal("live0001").clear()
    print(store.problems)
    sys.exit(main(["--store", sys.argv[1], "sessions", "list"]))
    """
)


def test_a_named_pipe_where_a_journal_belongs_never_hangs(store_path: Path) -> None:
    """Run in a process of its own: a regression would wait on the pipe for ever, and the timeout
    turns that into a failure."""
    store = with_journal(store_path, json.dumps(events.set_fields(status=SessionStatus.CLOSED)))
    for name in ("live0001", "abc"):
        fifo = store.journal_dir / f"{name}.jsonl"
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)

    ran = subprocess.run(
        [sys.executable, "-c", FIFO_SCRIPT, str(store_path)], capture_output=True, text=True, timeout=20, check=False
    )

    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.splitlines() == ["facilitator: " + NOT_PLAIN.format(n) for n in ("abc", "live0001")]
    assert "live0001" in ran.stdout
    assert all(stat.S_ISFIFO(os.stat(store.journal_dir / f"{n}.jsonl").st_mode) for n in ("abc", "live0001"))


def _other_group() -> int | None:
    """A group of this process other than its own, to give a file by hand; None if it has none."""
    return next((g for g in os.getgroups() if g != os.getegid()), None)


def test_a_session_file_linked_from_elsewhere_stays_a_link_and_keeps_its_group(tmp_path: Path) -> None:
    """A session file symlinked into a synced or shared folder: saves go to the real file, which
    keeps its mode and group, and the link stays a link."""
    from facilitator.models import Session

    store_path = tmp_path / "store.json"
    Store(store_path).save_session(Session(plan="quick-reflection", title="First"))
    [link] = session_files(store_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / link.name
    os.replace(link, real)
    link.symlink_to(real)
    os.chmod(real, 0o640)
    if (group := _other_group()) is not None:
        os.chown(real, -1, group)
    group = os.stat(real).st_gid
    assert {s.title for s in Store(store_path).sessions()} == {"First"}  # read through the link

    Store(store_path).save_session(Session(plan="quick-reflection", title="Second"))

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert session_files(store_path) == [link]  # the same month: the linked file
    assert {s.title for s in Store(store_path).sessions()} == {"First", "Second"}
    assert len(json.loads(real.read_bytes())["sessions"]) == 2
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640 and os.stat(real).st_gid == group
    assert not list(shared.glob(".*.tmp")) and not list(link.parent.glob(".*.tmp"))


def test_a_store_folder_linked_from_elsewhere_stays_a_link(tmp_path: Path) -> None:
    from facilitator.models import Session

    real = tmp_path / "shared" / "store"
    Store(real).save_session(Session(plan="quick-reflection", title="First"))
    link = tmp_path / "store"
    link.symlink_to(real, target_is_directory=True)

    Store(tmp_path / "store.json").save_session(Session(plan="quick-reflection", title="Second"))

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert {s.title for s in Store(real).sessions()} == {"First", "Second"}

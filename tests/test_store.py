"""The JSON store: round trips, crash safety, damaged files, concurrent writers, actions, journal."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from facilitator.models import (
    Action,
    ActionStatus,
    Cluster,
    Idea,
    Session,
    SessionStatus,
    Vote,
)
from facilitator.store import (
    Journal,
    Store,
    StoreDamaged,
    StoreLayout,
    StoreSetAside,
    atomic_write,
    damaged_copies,
    leftover_temp_files,
    set_aside,
)
from tests.helpers import rewrite, session_file_of, session_files, store_bytes, stored_docs

TODAY = date(2025, 3, 10)
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def make_session(session_id: str, *, created: datetime = T0, **fields) -> Session:
    """A session with a couple of ideas and actions, so a round trip has something to lose."""
    defaults = dict(
        title=f"Session {session_id}",
        team="Support",
        plan="quick-reflection",
        participants=["Ana", "Ben"],
        decks=["culture"],
        routines=["Standup"],
        ideas=[
            Idea(id=f"{session_id}-i1", text="Call a customer each week", round=0, author="Ana"),
            Idea(id=f"{session_id}-i2", text="Quote of the week — «ünïcode»", round=1),
        ],
        clusters=[Cluster(id=f"{session_id}-c1", name="Listening", ideas=[f"{session_id}-i1"])],
        votes=[Vote(target=f"{session_id}-i1", dots=3)],
        actions=[
            Action(
                id=f"{session_id}-a1",
                text="Open standup with a customer quote",
                owner="Ana",
                routine="Standup",
                due=TODAY + timedelta(days=7),
                source_ideas=[f"{session_id}-i2"],
            )
        ],
        created=created,
        status=SessionStatus.CLOSED,
    )
    defaults.update(fields)
    return Session(id=session_id, **defaults)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.json"


# --- round trip ---------------------------------------------------------------------------------


def test_saved_sessions_read_back_equal_newest_first(store_path: Path) -> None:
    older = make_session("older111", created=T0)
    newer = make_session("newer222", created=T0 + timedelta(days=1), status=SessionStatus.CLOSED)
    store = Store(store_path)
    store.save_session(older)
    store.save_session(newer)

    read = Store(store_path).sessions()

    assert read == [newer, older]
    assert read[0].ideas[1].text == "Quote of the week — «ünïcode»"
    assert read[0].actions[0].due == TODAY + timedelta(days=7)


def test_saving_a_session_again_replaces_it(store_path: Path) -> None:
    store = Store(store_path)
    session = make_session("abc12345")
    store.save_session(session)
    session.title = "Renamed"
    session.ideas.append(Idea(text="One more", round=2))
    store.save_session(session)

    [read] = Store(store_path).sessions()
    assert read.title == "Renamed"
    assert len(read.ideas) == 3


@pytest.mark.parametrize("ref", ["abc12345", "abc1", "a"])
def test_session_is_found_by_id_or_unique_prefix(store_path: Path, ref: str) -> None:
    store = Store(store_path)
    wanted = make_session("abc12345")
    store.save_session(wanted)
    store.save_session(make_session("xyz98765"))

    assert Store(store_path).session(ref) == wanted


def test_exact_id_wins_over_longer_ids_with_that_prefix(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("abc"))
    store.save_session(make_session("abcdef"))

    assert store.session("abc").id == "abc"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("abc", "2 sessions start with 'abc'; give more of the id"),
        ("zzz", "no session with id 'zzz'"),
    ],
)
def test_ambiguous_or_unknown_session_ref_raises_lookup_error(
    store_path: Path, ref: str, message: str
) -> None:
    store = Store(store_path)
    store.save_session(make_session("abc11111"))
    store.save_session(make_session("abc22222"))

    with pytest.raises(LookupError) as caught:
        store.session(ref)
    assert str(caught.value) == message


def test_missing_store_reads_as_empty_and_is_not_created(store_path: Path) -> None:
    store = Store(store_path)

    assert store.sessions() == []
    assert store.actions() == []
    assert store.live_sessions() == []
    assert store.setting("theme", "dark") == "dark"
    with pytest.raises(LookupError):
        store.session("abc")
    assert not store_path.exists()
    layout = StoreLayout.of(store_path)
    assert session_files(store_path) == [] and not layout.settings.exists() and not layout.journal.exists()


def test_default_store_path_follows_the_environment(isolated_home: Path) -> None:
    store = Store()
    store.save_session(make_session("envenv12"))

    assert store.path == isolated_home / "store.json"
    assert Store(isolated_home / "store.json").session("envenv12").id == "envenv12"


def test_unreadable_session_document_is_skipped_and_noted(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("good1234"))
    path = session_file_of(store_path, "good1234")
    data = json.loads(path.read_bytes())
    data["sessions"]["99"] = {**data["sessions"]["1"], "id": "future99", "schema_version": 999}
    rewrite(path, json.dumps(data).encode())

    reread = Store(store_path)
    assert [s.id for s in reread.sessions()] == ["good1234"]
    assert len(reread.problems) == 1
    assert reread.problems[0].startswith("session future99: ")
    assert "newer facilitator" in reread.problems[0]


def test_live_sessions_are_those_not_closed(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("live1234", status=SessionStatus.LIVE))
    store.save_session(make_session("done1234", status=SessionStatus.CLOSED))

    assert [s.id for s in store.live_sessions()] == ["live1234"]


# --- torn writes --------------------------------------------------------------------------------


@pytest.mark.parametrize("crash", [OSError("disk vanished"), KeyboardInterrupt()])
def test_crash_before_replace_keeps_old_file_intact(tmp_path: Path, crash: BaseException) -> None:
    path = tmp_path / "file.json"
    path.write_text("old", encoding="utf-8")
    seen: dict[str, str] = {}

    def fail(temp: Path) -> None:
        seen["temp"] = temp.read_text(encoding="utf-8")
        seen["target"] = path.read_text(encoding="utf-8")
        raise crash

    with pytest.raises(type(crash)):
        atomic_write(path, "new", before_replace=fail)

    assert seen == {"temp": "new", "target": "old"}
    assert path.read_text(encoding="utf-8") == "old"
    assert leftover_temp_files(path) == []


def test_store_write_interrupted_before_replace_leaves_old_store_readable(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(store_path)
    store.save_session(make_session("kept1234"))
    [path] = session_files(store_path)
    before = path.read_bytes()

    def crash(temp: Path) -> None:
        raise RuntimeError("power cut")

    real_write = atomic_write
    monkeypatch.setattr(
        "facilitator.store.atomic_write", lambda *args, **kwargs: real_write(*args, before_replace=crash, **kwargs)
    )
    lost = make_session("lost1234")  # the same month: it goes to the same file
    with pytest.raises(RuntimeError):
        store.save_session(lost)
    monkeypatch.undo()

    assert session_files(store_path) == [path] and path.read_bytes() == before
    assert leftover_temp_files(path) == []
    assert lost.revision == 0  # not a revision ahead of what is stored
    assert [s.id for s in store.summaries()] == ["kept1234"]
    assert [s.id for s in Store(store_path).sessions()] == ["kept1234"]


def _die_before_replace(temp: Path) -> None:
    os._exit(17)


def _write_and_die(path: str, text: str) -> None:
    atomic_write(Path(path), text, before_replace=_die_before_replace)


def test_process_killed_before_replace_leaves_temp_that_next_store_removes(store_path: Path) -> None:
    Store(store_path).save_session(make_session("kept1234"))
    [path] = session_files(store_path)
    before = path.read_bytes()

    process = multiprocessing.get_context("spawn").Process(
        target=_write_and_die, args=(str(path), '{"sessions": {}}')
    )
    process.start()
    process.join(timeout=60)

    assert process.exitcode == 17
    [temp] = leftover_temp_files(path)
    assert temp.read_text(encoding="utf-8") == '{"sessions": {}}'
    assert path.read_bytes() == before

    store = Store(store_path)

    assert not temp.exists()
    assert leftover_temp_files(path) == []
    assert [s.id for s in store.sessions()] == ["kept1234"]


def test_store_start_removes_hand_made_temp_files_but_nothing_else(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("kept1234"))
    store.set_setting("theme", "dark")
    [path] = session_files(store_path)
    layout = StoreLayout.of(store_path)
    ours = [path, layout.session_file("2025-04"), layout.settings]  # a file a crash cut short has none yet
    temps = [p.with_name(f".{p.name}.{tag}.tmp") for p in ours for tag in ("deadbeef", "0badf00d")]
    for temp in temps:
        temp.write_text("half a file", encoding="utf-8")
    bystanders = [
        folder / name
        for folder in (layout.folder, layout.sessions, store_path.parent)
        for name in (".other.json.deadbeef.tmp", f"{path.name}.deadbeef.tmp", "notes.tmp", ".notes.tmp")
    ]
    for bystander in bystanders:
        bystander.write_text("not ours", encoding="utf-8")
    assert leftover_temp_files(path) == sorted(temps[:2])

    store = Store(store_path)

    assert [t for t in temps if t.exists()] == []
    assert all(b.read_text(encoding="utf-8") == "not ours" for b in bystanders)
    assert [s.id for s in store.sessions()] == ["kept1234"] and store.setting("theme") == "dark"


# --- damaged store ------------------------------------------------------------------------------

DAMAGED = {
    "garbage bytes": b"\x00\xff\xfe\x9c garbage \x81",
    "empty file": b"",
    "only whitespace": b"  \n\t\n",
    "a JSON list": b'[{"id": "abc"}]',
    "JSON null": b"null",
    "a table that is a list": b'{"sessions": []}',
    "truncated JSON": b'{"sessions": {"1": {"id": "abc12345", "title": "Retro", "pla',
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_store_is_refused_in_one_line_naming_the_path(store_path: Path, content: bytes) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(content)

    with pytest.raises(StoreDamaged) as caught:
        Store(store_path)

    message = str(caught.value)
    assert "\n" not in message
    assert str(store_path) in message
    assert caught.value.path == store_path
    assert store_path.read_bytes() == content


WRONG_SHAPE = {
    "a session that is a number": b'{"sessions": {"1": 5}}',
    "a document key that is not a number": b'{"sessions": {"abc": {}}}',
}


@pytest.mark.parametrize("content", WRONG_SHAPE.values(), ids=WRONG_SHAPE.keys())
def test_json_object_of_the_wrong_shape_is_reported_as_damaged(store_path: Path, content: bytes) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(content)

    with pytest.raises(StoreDamaged):
        Store(store_path).sessions()
    assert store_path.read_bytes() == content


def test_store_damaged_after_opening_is_not_written_over(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("kept1234"))
    [path] = session_files(store_path)
    rewrite(path, b'{"sessions": {"1": {"id": "kept')

    with pytest.raises(StoreDamaged) as raised:
        store.save_session(make_session("new12345"))  # the same month: its file is the damaged one
    assert raised.value.path == path
    assert path.read_bytes() == b'{"sessions": {"1": {"id": "kept'

    reopened = Store(store_path)  # sets the file aside, says so, and starts the month afresh
    [copy] = damaged_copies(path)
    assert copy.read_bytes() == b'{"sessions": {"1": {"id": "kept'
    assert [p for p in reopened.problems if copy.name in p and "not valid JSON" in p]
    reopened.save_session(make_session("new12345"))
    assert copy.read_bytes() == b'{"sessions": {"1": {"id": "kept'
    assert [s.id for s in Store(store_path).sessions()] == ["new12345"]


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_set_aside_keeps_every_byte_and_frees_the_path(store_path: Path, content: bytes) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(content)

    moved = set_aside(store_path)

    assert moved.parent == store_path.parent
    assert moved.name.startswith("store.json.damaged-")
    assert moved.read_bytes() == content
    assert not store_path.exists()
    with pytest.raises(StoreSetAside):
        Store(store_path)  # no new store until the user says so
    fresh = Store(store_path, new_after_damage=True)
    assert fresh.sessions() == []
    fresh.save_session(make_session("fresh123"))
    assert moved.read_bytes() == content
    assert [s.id for s in Store(store_path).sessions()] == ["fresh123"]


def test_set_aside_in_the_same_second_never_clobbers(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    frozen = datetime(2025, 3, 10, 12, 0, 0, tzinfo=UTC)
    moved = []
    for n in range(3):
        store_path.write_bytes(f"damage {n}".encode())
        moved.append(set_aside(store_path, clock=lambda: frozen))

    assert len(set(moved)) == 3
    assert [m.read_bytes() for m in moved] == [b"damage 0", b"damage 1", b"damage 2"]
    assert moved[0].name == "store.json.damaged-20250310T120000"
    assert not store_path.exists()


# --- two writers --------------------------------------------------------------------------------

WRITERS = 4
SESSIONS_PER_WRITER = 15
ACTIONS_PER_WRITER = 8
SHARED = "shared00"


def _shared_action_id(writer: int, n: int) -> str:
    return f"w{writer}-act{n}"


def _write_concurrently(path: str, writer: int, barrier) -> None:
    """One process: save its own sessions and close its own actions in the shared session."""
    store = Store(Path(path))
    barrier.wait(timeout=60)
    for n in range(ACTIONS_PER_WRITER):
        store.set_action_status(_shared_action_id(writer, n), ActionStatus.DONE)
    for n in range(SESSIONS_PER_WRITER):
        store.save_session(make_session(f"w{writer}-s{n:02d}"))


def test_concurrent_writers_lose_nothing(store_path: Path) -> None:
    shared = make_session(
        SHARED,
        actions=[
            Action(id=_shared_action_id(w, n), text=f"Action {w}.{n}")
            for w in range(WRITERS)
            for n in range(ACTIONS_PER_WRITER)
        ],
    )
    Store(store_path).save_session(shared)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    processes = [
        context.Process(target=_write_concurrently, args=(str(store_path), w, barrier))
        for w in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [p.exitcode for p in processes] == [0] * WRITERS
    store = Store(store_path)
    expected = {f"w{w}-s{n:02d}" for w in range(WRITERS) for n in range(SESSIONS_PER_WRITER)}
    assert {s.id for s in store.sessions()} == expected | {SHARED}
    statuses = {a.id: a.status for a in store.session(SHARED).actions}
    assert statuses == {a.id: ActionStatus.DONE for a in shared.actions}
    assert [t for path in session_files(store_path) for t in leftover_temp_files(path)] == []
    assert len(stored_docs(store_path)) == 1 + len(expected)  # each session once


# --- actions ------------------------------------------------------------------------------------


@pytest.fixture
def action_store(store_path: Path) -> Store:
    """Two teams' sessions with actions that differ in owner, routine, status and due date."""

    def action(action_id: str, created: datetime = T0, **fields) -> Action:
        return Action(id=action_id, text=f"Do {action_id}", created=created, **fields)

    store = Store(store_path)
    store.save_session(
        make_session(
            "support1",
            team="Support",
            actions=[
                action("overdue1", owner="Ana", routine="Weekly review", due=TODAY - timedelta(days=3)),
                action("future01", owner="Ben", routine="Standup", due=TODAY + timedelta(days=5)),
                action(
                    "closed01",
                    owner="ana",
                    routine="standup",
                    due=TODAY - timedelta(days=10),
                    status=ActionStatus.DONE,
                ),
            ],
        )
    )
    store.save_session(
        make_session(
            "sales001",
            team="Sales",
            actions=[
                action("nodue002", status=ActionStatus.DROPPED, created=T0 + timedelta(hours=1)),
                action("nodue001"),
                action("soon0001", owner="Cy", routine="Weekly Review", due=TODAY),
            ],
        )
    )
    return store


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["closed01", "overdue1", "soon0001", "future01", "nodue001", "nodue002"]),
        ({"team": "SUPPORT"}, ["closed01", "overdue1", "future01"]),
        ({"team": "sales"}, ["soon0001", "nodue001", "nodue002"]),
        ({"owner": "ANA"}, ["closed01", "overdue1"]),
        ({"routine": "weekly review"}, ["overdue1", "soon0001"]),
        ({"routine": "STANDUP"}, ["closed01", "future01"]),
        ({"status": ActionStatus.DONE}, ["closed01"]),
        ({"status": ActionStatus.DROPPED}, ["nodue002"]),
        ({"status": ActionStatus.OPEN}, ["overdue1", "soon0001", "future01", "nodue001"]),
        ({"overdue_on": TODAY}, ["overdue1"]),
        ({"overdue_on": TODAY + timedelta(days=1)}, ["overdue1", "soon0001"]),
        ({"team": "support", "status": ActionStatus.OPEN}, ["overdue1", "future01"]),
        ({"owner": "nobody"}, []),
    ],
)
def test_actions_filter_case_insensitively_soonest_due_first(
    action_store: Store, filters: dict, expected: list[str]
) -> None:
    rows = action_store.actions(**filters)

    assert [r.action.id for r in rows] == expected


def test_action_rows_carry_their_session(action_store: Store) -> None:
    teams = {r.action.id: r.session.team for r in action_store.actions()}

    assert teams["overdue1"] == "Support"
    assert teams["soon0001"] == "Sales"


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.DROPPED])
def test_set_action_status_by_prefix_sets_closed_time_and_persists(
    action_store: Store, store_path: Path, status: ActionStatus
) -> None:
    before = datetime.now(UTC)

    row = action_store.set_action_status("futu", status)

    after = datetime.now(UTC)
    assert row.action.id == "future01"
    [reread] = [a for a in Store(store_path).session("support1").actions if a.id == "future01"]
    assert reread.status is status
    assert reread.closed is not None and before <= reread.closed <= after
    others = {a.id: a.status for a in Store(store_path).session("support1").actions}
    assert others == {"overdue1": ActionStatus.OPEN, "future01": status, "closed01": ActionStatus.DONE}


def test_an_action_of_a_running_session_cannot_be_marked_from_outside(store_path: Path) -> None:
    store = Store(store_path)
    store.save_session(make_session("running1", status=SessionStatus.LIVE))

    with pytest.raises(LookupError, match="still running"):
        store.set_action_status("running1-a1", ActionStatus.DONE)
    assert Store(store_path).session("running1").actions[0].status is ActionStatus.OPEN


def test_an_empty_action_reference_matches_nothing(action_store: Store) -> None:
    with pytest.raises(LookupError, match="give the action's id"):
        action_store.set_action_status("  ", ActionStatus.DONE)


def test_reopening_an_action_clears_its_closed_time(action_store: Store, store_path: Path) -> None:
    action_store.set_action_status("closed01", ActionStatus.DONE)
    action_store.set_action_status("closed01", ActionStatus.OPEN)

    [reread] = [a for a in Store(store_path).session("support1").actions if a.id == "closed01"]
    assert reread.status is ActionStatus.OPEN
    assert reread.closed is None


@pytest.mark.parametrize(
    ("ref", "message"),
    [("nodue", "2 actions start with 'nodue'; give more of the id"), ("zzz", "no action with id 'zzz'")],
)
def test_set_action_status_refuses_ambiguous_or_unknown_ref(
    action_store: Store, store_path: Path, ref: str, message: str
) -> None:
    before = store_bytes(store_path)

    with pytest.raises(LookupError) as caught:
        action_store.set_action_status(ref, ActionStatus.DONE)

    assert str(caught.value) == message
    assert store_bytes(store_path) == before


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["dracula", 0, False, "", 42, [1, "two"], {"nested": {"a": [1]}}])
def test_setting_round_trips_including_falsy_values(store_path: Path, value: object) -> None:
    Store(store_path).set_setting("key", value)

    assert Store(store_path).setting("key", "default") == value


def test_setting_overwrites_and_keeps_other_keys(store_path: Path) -> None:
    store = Store(store_path)
    store.set_setting("theme", "light")
    store.set_setting("blink", True)
    store.set_setting("theme", "dark")

    reread = Store(store_path)
    assert reread.setting("theme") == "dark"
    assert reread.setting("blink") is True
    assert reread.setting("missing", "fallback") == "fallback"
    assert len(json.loads(StoreLayout.of(store_path).settings.read_bytes())["settings"]) == 2


# --- journal ------------------------------------------------------------------------------------

EVENTS = [
    {"kind": "idea", "text": "Call a customer", "round": 0},
    {"kind": "idea", "text": "«ünïcode» and \"quotes\"\nand a newline", "round": 1},
    {"kind": "extend", "seconds": 60},
]


def test_journal_reads_back_what_was_appended(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j" / "live.jsonl")
    for event in EVENTS:
        journal.append(event)

    assert Journal(journal.path).events() == EVENTS
    assert journal.path.read_text(encoding="utf-8").count("\n") == len(EVENTS)


def test_missing_journal_has_no_events(tmp_path: Path) -> None:
    assert Journal(tmp_path / "none.jsonl").events() == []


def test_journal_skips_lines_that_are_not_event_objects_and_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    path.write_text('{"kind": "a"}\n[1, 2]\n"text"\n\n{"kind": "b"}\nnot json\n', encoding="utf-8")

    assert Journal(path).events() == [{"kind": "a"}, {"kind": "b"}]
    assert Journal(path).read().skipped == 3  # the blank line is no line at all


TORN = {
    "cut mid-key": b'{"kind": "idea", "te',
    "cut mid-character": b'{"kind": "idea", "text": "caf\xc3',
    "cut before the closing brace": b'{"kind": "idea", "text": "half"',
}


@pytest.mark.parametrize("torn", TORN.values(), ids=TORN.keys())
def test_torn_last_line_is_ignored_and_later_appends_still_read(tmp_path: Path, torn: bytes) -> None:
    path = tmp_path / "live.jsonl"
    Journal(path).append(EVENTS[0])
    with open(path, "ab") as handle:
        handle.write(torn)

    assert Journal(path).events() == [EVENTS[0]]
    assert Journal(path).read().skipped == 1  # said, not hidden: the last thing typed may be lost

    resumed = Journal(path)
    resumed.append(EVENTS[1])
    resumed.append(EVENTS[2])

    assert Journal(path).events() == EVENTS
    assert path.read_bytes().endswith(b"\n")


def test_fold_saves_the_session_and_clears_its_journal(store_path: Path) -> None:
    store = Store(store_path)
    session = make_session("live1234")
    journal = store.journal(session.id)
    journal.append({"kind": "idea", "text": "Folded in"})
    session.ideas.append(Idea(text="Folded in", round=2))

    store.fold(session)

    assert not journal.path.exists()
    assert store.journal(session.id).events() == []
    assert [i.text for i in Store(store_path).session("live1234").ideas][-1] == "Folded in"


def test_delete_session_removes_session_and_journal_only(store_path: Path) -> None:
    store = Store(store_path)
    for session_id in ("gone1234", "kept1234"):
        store.save_session(make_session(session_id))
        store.journal(session_id).append({"kind": "idea", "text": session_id})

    store.delete_session("gone1234")

    reread = Store(store_path)
    assert [s.id for s in reread.sessions()] == ["kept1234"]
    assert not reread.journal("gone1234").path.exists()
    assert reread.journal("kept1234").events() == [{"kind": "idea", "text": "kept1234"}]

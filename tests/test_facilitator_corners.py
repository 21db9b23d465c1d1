"""Corners of the facilitator's path found by review: keys typed as a round changes, a crash
inside a close or a phase change, time running out while a dialog is open or as Ctrl+N is
pressed, titles that look like markup, odd answers, and saves that fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from facilitator.engine.live import LiveSession, finish_interrupted
from facilitator.models import SCHEMA_VERSION, ActionStatus, PhaseKind, SessionStatus
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.modals import TextModal
from facilitator.store import StaleSession, Store
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import box, let_time_pass, new_app, notices, settled, shown, start, type_fast
from tests.room import ACT, VOTE, Room, add_ideas, earlier_session


def send(app, *keys: str) -> None:
    """Keys arriving in one burst, before the app has handled any of them."""
    for key in keys:
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))


# --- keys typed as the round or the phase changes -------------------------------------------------


async def test_keys_typed_right_after_the_next_round_are_kept(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.press("ctrl+g")  # diverge: three rounds on one screen
        await pilot.pause()
        send(app, "ctrl+n", "c", "a", "l", "l")
        await pilot.pause()
        await pilot.press("x")
        await settled(pilot)
        assert app.live.round_number == 2
        assert box(app) == "callx" == app.live.draft.text


async def test_keys_typed_as_the_phase_moves_on_by_itself_are_kept(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, auto_advance=True)
        clock.advance(120.5)
        app.screen.tick()  # time is up: the move to the next phase is on its way
        send(app, "a", "b", "c")  # the facilitator is typing at that moment
        await pilot.pause()
        assert app.live.phase.label == "Associations"
        assert box(app) == "abc" == app.live.draft.text


# --- time running out while something else happens ------------------------------------------------


async def test_ctrl_n_pressed_as_time_runs_out_does_not_skip_a_round(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, auto_advance=True)
        await pilot.press("ctrl+g")
        await pilot.pause()
        clock.advance(120.01)
        app.screen.tick()  # moving on by itself ...
        send(app, "ctrl+n")  # ... and the facilitator pressed Ctrl+N at 0:00 too
        await pilot.pause()
        assert app.live.round_number == 2
        await pilot.press("ctrl+n")  # pressed again, on purpose
        await pilot.pause()
        assert app.live.round_number == 3


async def test_a_minute_added_while_a_dialog_was_open_wins_over_moving_on(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, auto_advance=True)
        await pilot.press("f1")  # a dialog over the round
        await pilot.pause()
        clock.advance(121)
        app.screen_stack[-2].tick()  # time runs out under the dialog
        await pilot.press("escape")
        await pilot.pause()
        assert app.live.phase.label == "Associations"  # it moves on when the dialog closes
    app = new_app(store_path.with_name("other.json"), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, auto_advance=True)
        round_screen = app.screen
        await pilot.press("f1")
        await pilot.pause()
        clock.advance(121)
        round_screen.tick()
        round_screen.action_extend()  # as the palette's "+1 minute" would, before the dialog closes
        await pilot.press("escape")
        await pilot.pause()
        assert app.live.phase.label == "Warm-up" and 0 < app.live.countdown.remaining() <= 60


# --- a crash in the middle of a close or a phase change ------------------------------------------


def test_a_close_cut_short_by_a_crash_is_finished_at_the_next_start(room: Room, live: LiveSession, monkeypatch) -> None:
    while live.session.phase < ACT:
        live.next_phase()
    calls = []
    monkeypatch.setattr(live.store, "fold", lambda session: calls.append(session) or (_ for _ in ()).throw(SystemExit))
    with pytest.raises(SystemExit):
        live.next_phase()  # the close is journaled, then the process dies before the save
    assert Store(room.store_path).session(live.session.id).status is SessionStatus.LIVE
    workspace = Workspace(store_path=room.store_path)
    store = workspace.store  # opening the store finishes the close
    stored = store.session(live.session.id)
    assert stored.status is SessionStatus.CLOSED and store.journal(live.session.id).events() == []
    assert finish_interrupted(store) == []  # once is enough


def test_a_close_is_not_finished_behind_the_back_of_the_window_running_it(room: Room, live: LiveSession) -> None:
    from facilitator.engine import events as engine_events

    live.journal.append(engine_events.set_fields(status=SessionStatus.CLOSED))
    lock = room.store.session_lock(live.session.id)
    lock.acquire()
    try:
        assert finish_interrupted(Store(room.store_path)) == []
    finally:
        lock.release()


def test_a_crash_between_saving_a_phase_change_and_opening_act_still_drafts_the_actions(room: Room, live: LiveSession, monkeypatch) -> None:
    a, _b = add_ideas(live, "Call a customer", "Read a complaint aloud")
    while live.session.phase < VOTE:
        live.next_phase()
    live.add_dot(a.id)
    monkeypatch.setattr(live, "_enter_phase", lambda: (_ for _ in ()).throw(SystemExit))
    with pytest.raises(SystemExit):
        live.next_phase()  # into act: saved, then the process dies before act opens
    resumed = room.reopen(live.session.id)
    assert resumed.phase.kind is PhaseKind.ACT
    assert [action.text for action in resumed.session.actions] == ["Call a customer"]
    assert any(t.phase == ACT for t in resumed.session.timings)


# --- saves that fail ------------------------------------------------------------------------------


def test_a_save_that_fails_does_not_leave_the_window_stale(room: Room, live: LiveSession, monkeypatch) -> None:
    import facilitator.store as store_module

    real = store_module.atomic_write
    monkeypatch.setattr(store_module, "atomic_write", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        room.store.fold(live.session)
    monkeypatch.setattr(store_module, "atomic_write", real)
    room.store.fold(live.session)  # the disk has room again: the same window saves
    assert Store(room.store_path).session(live.session.id).revision == live.session.revision


def test_a_saved_session_says_which_format_wrote_it(room: Room) -> None:
    earlier = earlier_session(room, "old00001", days_ago=3, actions=["a-1"])
    doc = earlier.model_dump(mode="json")
    doc["schema_version"] = 1
    room.store.save_session(type(earlier).model_validate(doc))
    assert Store(room.store_path).session("old00001").schema_version == SCHEMA_VERSION


def test_a_stale_close_is_refused(room: Room, live: LiveSession) -> None:
    other = Store(room.store_path)
    copy = other.session(live.session.id)
    other.fold(copy)  # another window saved the session meanwhile
    while live.session.phase < ACT:
        try:
            live.next_phase()
        except StaleSession:
            return
    pytest.fail("a stale copy folded over newer work")


# --- text that looks like markup, and odd answers ---------------------------------------------------


async def test_a_phase_title_that_looks_like_markup_is_shown_as_typed(store_path: Path, clock: FakeClock, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "odd.toml").write_text(
        'id = "odd"\ntitle = "Odd [b]plan"\nminutes = 6\n'
        '[[phases]]\nkind = "warm-up"\nminutes = 2\n'
        '[[phases]]\nkind = "converge"\nminutes = 2\ntitle = "Group [/b] it [red]x"\n'
        '[[phases]]\nkind = "close"\nminutes = 2\n',
        encoding="utf-8",
    )
    from facilitator.app import make_app

    app = make_app(Workspace(store_path=store_path, plan_dirs=[plans]), clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, plan="odd", participants="Ana")
        await type_fast(pilot, "one idea", "enter")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Group [/b] it [red]x" in shown(app)
        await let_time_pass(pilot, 121)
        assert "Time is up for Group [/b] it [red]x." in notices(app)


async def test_a_routine_that_looks_like_markup_can_be_added_at_set_up(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#add-routine").focus()
        await type_fast(pilot, "retro [/b] review", "enter")
        await pilot.pause()  # the list scrolls to the new routine on the next frame
        assert "retro [/b] review" in shown(app)


@pytest.mark.parametrize("answer", ["²", "٣"])
async def test_a_digit_that_is_not_a_number_is_refused_as_a_number_of_voters(store_path: Path, clock: FakeClock, answer: str) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await type_fast(pilot, "one idea", "enter")
        await pilot.press("ctrl+g", "ctrl+g", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await type_fast(pilot, answer, "enter")
        # Not a number: taken as one person's name, never a crash.
        assert app.live.session.participants == [answer] and app.live.budget == 3


def test_the_last_answer_about_voters_counts(room: Room) -> None:
    live = room.start()  # three named participants
    live.set_voters("7")
    assert live.budget == 21
    live.set_voters("Ana, Ben")
    assert live.budget == 6 and live.session.voters is None


# --- edits -------------------------------------------------------------------------------------------


async def test_f2_during_an_edit_keeps_the_edit(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await type_fast(pilot, "call a customer", "enter")
        await type_fast(pilot, "read a complaint", "enter")
        await pilot.press("up", "f2")
        await type_fast(pilot, " every week")
        await pilot.press("down", "f2")
        await pilot.pause()
        assert box(app) == "call a customer every week"
        assert "Finish this edit first" in notices(app)


async def test_an_edit_left_open_at_a_phase_end_can_be_saved_after_the_rounds(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await type_fast(pilot, "call a customer", "enter")
        await type_fast(pilot, "half new")
        await pilot.press("f2")
        await type_fast(pilot, " every week")
        await pilot.press("ctrl+g", "ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConvergeScreen)
        assert "An edit not saved: call a customer every week" in shown(app)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert [i.text for i in app.live.session.ideas] == ["call a customer every week"]
        assert "Typed, not added: half new" in shown(app)  # the new idea held during the edit


async def test_an_unknown_name_in_two_spellings_is_asked_about_once(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, participants="Ana")
        await type_fast(pilot, "@zed one", "enter")
        await type_fast(pilot, "@Zed two", "enter")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "not a participant" not in shown(app)
        assert app.live.session.participants == ["Ana", "zed"]


def test_marking_an_earlier_action_still_works_after_a_failed_attempt(room: Room) -> None:
    earlier_session(room, "old00002", days_ago=30, actions=["s-recent-1"])
    live = room.start("follow-up")
    (row,) = live.earlier_open_actions()
    assert live.mark_earlier(row, ActionStatus.DONE).action.status is ActionStatus.DONE

"""A disk that fills up during a session: the room sees a banner, not a traceback; the ideas stay
on screen and in memory, are written in order once space returns, and nothing is lost."""

from __future__ import annotations

import builtins
import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import pytest

from facilitator import files as files_module
from facilitator import journal as journal_module
from facilitator.engine.live import SAVE_RETRY_SECONDS, LiveSession, fresh_session
from facilitator.models import SessionStatus
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.modals import ConfirmModal
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import SetupScreen
from facilitator.screens.summary import SummaryScreen
from facilitator.store import Store
from facilitator.widgets.save_banner import SaveBanner
from tests.fakes import FakeClock
from tests.helpers import let_time_pass, new_app, screen_lines, settled, type_fast
from tests.room import DIVERGE, WARM_UP, Room, add_ideas

NO_SPACE = "No space left on device"


class FullDisk:
    """The store's disk, filled up and freed again by the test.

    While full, a write that `hits` fails with ENOSPC after the first `fits` characters reached
    the file, as on a real disk: a journal line is left torn half-way.
    """

    def __init__(self) -> None:
        self.full = False
        self.fits = 9
        self.hits: Callable[[str], bool] = lambda path: True
        self.refused = 0

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = builtins.open(file, mode, *args, **kwargs)
        if self.full and mode[0] in "wax" and self.hits(str(file)):
            return _Filling(handle, self)
        return handle


class _Filling:
    def __init__(self, handle: Any, disk: FullDisk) -> None:
        self._handle = handle
        self._disk = disk

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, text: str) -> int:
        self._disk.refused += 1
        self._handle.write(text[: self._disk.fits])
        self._handle.flush()
        raise OSError(errno.ENOSPC, NO_SPACE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    disk = FullDisk()
    for module in (files_module, journal_module):  # the store's own file, and the journal
        monkeypatch.setattr(module, "open", disk.open, raising=False)
    return disk


def only_the_store(path: str) -> bool:
    """The store's own file (written whole at a phase end), not the session's journal."""
    return not path.endswith(".jsonl")


def replayed(store_path: Path, session_id: str):
    """The session as a new process would find it: the store's copy plus its journal."""
    return fresh_session(Store(store_path), session_id)


# --- the engine -------------------------------------------------------------------------------


def test_ideas_captured_while_the_disk_is_full_are_kept_and_written_in_order_when_it_is_freed(room: Room, live: LiveSession, disk: FullDisk) -> None:
    add_ideas(live, "saved before")
    disk.full = True
    add_ideas(live, "kept in memory", "and another")
    live.type_draft("half typ")
    assert live.save_failed is not None and live.save_failed.reason == NO_SPACE and live.save_failed.disk_full
    assert live.unsaved > 0
    assert [i.text for i in live.session.ideas] == ["saved before", "kept in memory", "and another"]
    assert [i.text for i in replayed(room.store_path, live.session.id).ideas] == ["saved before"]  # a crash now would lose them

    refused = disk.refused
    live.type_draft("half typed")  # a keystroke waits for the retry: the disk is not asked again at once
    assert disk.refused == refused
    disk.full = False
    room.clock.advance(SAVE_RETRY_SECONDS)
    assert live.retry_saving()
    assert live.save_failed is None and live.unsaved == 0

    again = replayed(room.store_path, live.session.id)  # the torn lines the full disk left are passed over
    assert [i.text for i in again.ideas] == ["saved before", "kept in memory", "and another"]
    assert again.draft.text == "half typed"


def test_an_idea_tries_at_once_and_takes_the_waiting_changes_with_it(room: Room, live: LiveSession, disk: FullDisk) -> None:
    disk.full = True
    add_ideas(live, "first")
    live.type_draft("sec")
    disk.full = False
    add_ideas(live, "second")  # no retry was due: the idea itself writes everything, in one write
    assert live.save_failed is None and live.unsaved == 0
    assert [i.text for i in replayed(room.store_path, live.session.id).ideas] == ["first", "second"]


def test_undo_works_while_the_disk_is_full(room: Room, live: LiveSession, disk: FullDisk) -> None:
    add_ideas(live, "keep me")
    disk.full = True
    add_ideas(live, "take me back")
    assert live.undo()
    assert [i.text for i in live.session.ideas] == ["keep me"]
    disk.full = False
    assert live.retry_saving()
    assert [i.text for i in replayed(room.store_path, live.session.id).ideas] == ["keep me"]


def test_a_phase_end_the_store_refuses_keeps_the_session_going_and_is_saved_later(room: Room, live: LiveSession, disk: FullDisk) -> None:
    add_ideas(live, "warm idea")
    disk.full = True
    disk.hits = only_the_store  # the journal's small appends fit; the store's whole copy does not
    live.next_phase()
    assert live.session.phase == DIVERGE and live.current_round is not None
    assert live.save_failed is not None and live.unsaved == 0  # every change is in the journal
    add_ideas(live, "diverge idea")
    assert room.snapshot(live.session.id).phase == WARM_UP  # the store still has the old copy
    crashed = room.reopen(live.session.id)  # and a crash now loses nothing
    assert crashed.session.phase == DIVERGE
    assert [i.text for i in crashed.session.ideas] == ["warm idea", "diverge idea"]

    room.clock.advance(SAVE_RETRY_SECONDS - 1)
    assert not live.retry_due
    room.clock.advance(1)
    assert live.retry_due
    assert not live.retry_saving()  # still full
    disk.full = False
    room.clock.advance(SAVE_RETRY_SECONDS)
    assert live.retry_saving()
    stored = room.snapshot(live.session.id)
    assert stored.phase == DIVERGE and [i.text for i in stored.ideas] == ["warm idea", "diverge idea"]


def test_a_phase_end_with_journal_and_store_both_refused_loses_nothing_once_freed(room: Room, live: LiveSession, disk: FullDisk) -> None:
    disk.full = True
    add_ideas(live, "before the end")
    live.next_phase()
    add_ideas(live, "after the end")
    assert live.unsaved > 0 and live.save_failed is not None
    disk.full = False
    assert live.retry_saving()
    stored = room.snapshot(live.session.id)
    assert stored.phase == DIVERGE
    assert [i.text for i in replayed(room.store_path, live.session.id).ideas] == ["before the end", "after the end"]


def test_other_write_errors_are_named_in_the_systems_words(room: Room, live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*events: Any, durable: bool = True) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(live.journal, "append", refuse)
    add_ideas(live, "still here")
    assert live.save_failed is not None
    assert (live.save_failed.reason, live.save_failed.disk_full) == ("Input/output error", False)
    assert [i.text for i in live.session.ideas] == ["still here"]


# --- the app ----------------------------------------------------------------------------------



async def start(pilot, participants: str = "") -> None:
    await pilot.press("n")
    await pilot.pause()
    pilot.app.screen.query_one("#participants").value = participants
    await pilot.press("ctrl+s")
    await settled(pilot)


def shown(app) -> str:
    """The words on screen, lines joined, so a wrapped banner still reads as one sentence."""
    return " ".join(" ".join(screen_lines(app)).split())


def banner_up(app) -> bool:
    return any(banner.failing for banner in app.screen.query(SaveBanner))


def notices(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_a_full_disk_in_a_round_shows_a_banner_and_the_ideas_stay_and_are_saved_later(store_path: Path, disk: FullDisk) -> None:
    clock = FakeClock()
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await type_fast(pilot, "saved first", "enter")
        assert not banner_up(app)
        disk.full = True
        await type_fast(pilot, "typed on a full disk", "enter")
        assert isinstance(app.screen, RoundScreen)
        assert banner_up(app)
        screen = shown(app)
        assert f"Disk full ({NO_SPACE}): ideas are kept on screen" in screen and "free some space" in screen
        assert "typed on a full disk" in screen
        assert screen_lines(app)[0].strip().startswith("⚠ Disk full")  # the top line of the wall

        await pilot.press("ctrl+n")  # the room goes on: the next round, more ideas
        await pilot.pause()
        await type_fast(pilot, "next round idea", "enter")
        await pilot.press("ctrl+z", "ctrl+z")  # undo the idea, and the one before it
        await pilot.pause()
        await type_fast(pilot, "after undo", "enter")
        assert banner_up(app) and "after undo" in shown(app)
        session_id = app.live.session.id
        await let_time_pass(pilot, SAVE_RETRY_SECONDS)  # retried, and refused again
        assert banner_up(app)

        disk.full = False
        clock.advance(SAVE_RETRY_SECONDS)
        app.keep_saving()  # what the app runs every second
        await settled(pilot)
        assert not banner_up(app) and "Disk full" not in shown(app)
        assert "Saved again" in notices(app)
        texts = [i.text for i in replayed(store_path, session_id).ideas]
        assert texts == [i.text for i in app.live.session.ideas]
        assert texts == ["saved first", "typed on a full disk", "after undo"]


async def test_a_phase_end_the_store_refuses_keeps_the_session_running_with_the_banner(store_path: Path, disk: FullDisk) -> None:
    clock = FakeClock()
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await type_fast(pilot, "warm-up idea", "enter")
        disk.full = True
        disk.hits = only_the_store
        await pilot.press("ctrl+g")  # end the warm-up: the store cannot take the session
        await settled(pilot)
        assert isinstance(app.screen, RoundScreen) and app.live.session.phase == DIVERGE
        assert banner_up(app)
        assert "every idea is in the session's journal" in shown(app)
        await type_fast(pilot, "diverge idea", "enter")
        session_id = app.live.session.id
        assert Store(store_path).session(session_id).phase == WARM_UP

        disk.full = False
        clock.advance(SAVE_RETRY_SECONDS)
        app.keep_saving()  # what the app runs every second
        await settled(pilot)
        assert not banner_up(app) and "Saved again" in notices(app)
        stored = Store(store_path).session(session_id)
        assert stored.phase == DIVERGE and [i.text for i in stored.ideas] == ["warm-up idea", "diverge idea"]


async def test_a_close_the_disk_refuses_shows_the_summary_and_keeps_the_session_until_saved(store_path: Path, disk: FullDisk) -> None:
    clock = FakeClock()
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, participants="Ana, Ben")
        await type_fast(pilot, "an idea", "enter")
        await pilot.press("ctrl+g", "ctrl+g")  # warm-up and the diverge rounds
        await pilot.pause()
        assert isinstance(app.screen, ConvergeScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # converge, vote: on to act
        await pilot.pause()
        live = app.live
        disk.full = True
        await pilot.press("ctrl+n")  # close, on a full disk
        await settled(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert banner_up(app) and f"Disk full ({NO_SPACE})" in shown(app)
        assert app.live is live and live.is_closed  # kept, with its lock, until it is written
        assert Store(store_path).session(live.session.id).status is SessionStatus.LIVE

        await pilot.press("ctrl+q")  # quitting now would lose it: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await pilot.pause()

        disk.full = False
        clock.advance(SAVE_RETRY_SECONDS)
        app.keep_saving()
        await settled(pilot)
        assert not banner_up(app) and "Saved again" in notices(app)
        assert app.live is None
        stored = Store(store_path).session(live.session.id)
        assert stored.status is SessionStatus.CLOSED and [i.text for i in stored.ideas] == ["an idea"]


async def test_a_session_cannot_start_on_a_full_disk_and_the_set_up_says_so(store_path: Path, disk: FullDisk) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        disk.full = True
        await start(pilot)
        assert app.live is None and isinstance(app.screen, SetupScreen)
        assert f"The session could not start: {NO_SPACE}" in notices(app)
        disk.full = False
        await pilot.press("ctrl+s")  # space again: the same set-up starts
        await settled(pilot)
        assert isinstance(app.screen, RoundScreen) and app.live is not None
        assert [s.id for s in Store(store_path).sessions()] == [app.live.session.id]


async def test_a_follow_up_change_the_disk_refuses_is_not_made_and_says_so(store_path: Path, disk: FullDisk) -> None:
    from facilitator.screens.follow_up import FollowUpScreen
    from tests.helpers import notices, start
    from tests.test_facilitator_path import earlier

    earlier(store_path)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, plan="follow-up", team="Blue")
        assert isinstance(app.screen, FollowUpScreen)
        disk.full, disk.hits = True, only_the_store
        await pilot.press("d")
        await settled(pilot)
        assert "Not saved (No space left on device)" in notices(app)
        assert isinstance(app.screen, FollowUpScreen) and app.return_code is None
        assert Store(store_path).session("blue0001").actions[0].status.value == "open"
        assert app.live.session.follow_ups == []  # nothing noted that did not happen
        disk.full = False
        await pilot.press("d")
        await settled(pilot)
        assert Store(store_path).session("blue0001").actions[0].status.value == "done"


async def test_a_close_cut_short_by_a_crash_waits_for_space_and_is_finished_at_the_next_start(store_path: Path, disk: FullDisk) -> None:
    from facilitator.engine import events
    from tests.helpers import new_app, start

    clock = FakeClock()
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        session_id = app.live.session.id
    # The close reached the journal; the crash came before the save into the store.
    Store(store_path).journal(session_id).append(events.set_fields(status=SessionStatus.CLOSED))
    disk.full, disk.hits = True, only_the_store
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:  # starts all the same, on a full disk
        await settled(pilot)  # the store has opened (on a thread, once the home screen showed)
        assert app.return_code is None
    assert Store(store_path).session(session_id).status is SessionStatus.LIVE  # still owed
    disk.full = False
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
    assert Store(store_path).session(session_id).status is SessionStatus.CLOSED

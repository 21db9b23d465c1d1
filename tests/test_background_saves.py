"""Saves at a phase end run off the UI's thread, and the room goes on meanwhile: nothing typed
while the save is on its way is lost, counted twice, or held up."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from facilitator.engine.live import LiveSession
from facilitator.journal import Journal
from facilitator.store import StaleSession, Store
from tests.fakes import FakeClock
from tests.helpers import new_app, settled, start, type_fast
from tests.room import DIVERGE, WARM_UP, Room, add_ideas


class Held:
    """A background that holds each save until the test lets it run: the moment in between is
    the one a real thread leaves open."""

    def __init__(self) -> None:
        self.waiting: list[tuple[Callable[[], None], Callable[[BaseException | None], None]]] = []

    def __call__(self, work: Callable[[], None], answer: Callable[[BaseException | None], None]) -> None:
        self.waiting.append((work, answer))

    def run_next(self) -> None:
        work, answer = self.waiting.pop(0)
        try:
            work()
        except BaseException as exc:
            answer(exc)
        else:
            answer(None)


def texts(session) -> list[str]:
    return [idea.text for idea in session.ideas]


def test_a_journal_drops_only_what_the_snapshot_holds(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "s.jsonl")
    journal.append({"op": "one"})
    upto = journal.size()
    journal.append({"op": "two"}, {"op": "three"})
    journal.drop_through(upto)
    assert [e["op"] for e in journal.events()] == ["two", "three"]
    journal.drop_through(journal.size())
    assert not journal.path.exists() and journal.events() == []


def test_ideas_typed_while_a_phase_end_is_saving_stay_in_the_journal(room: Room, live: LiveSession) -> None:
    held = Held()
    live.in_background = held
    add_ideas(live, "before the phase end")
    live.next_phase()
    assert live.saving and live.session.phase == DIVERGE
    assert room.snapshot(live.session.id).phase == WARM_UP  # not written yet
    add_ideas(live, "while saving")

    held.run_next()

    assert not live.saving and live.save_failed is None
    stored = room.snapshot(live.session.id)
    assert stored.phase == DIVERGE and texts(stored) == ["before the phase end"]
    assert stored.revision == live.session.revision
    journaled = [e for e in room.store.journal(live.session.id).events() if e.get("op") == "put"]
    assert [e["item"]["text"] for e in journaled if e.get("kind") == "idea"] == ["while saving"]
    assert texts(room.reopen(live.session.id).session) == ["before the phase end", "while saving"]


def test_a_second_phase_end_during_a_save_waits_for_it_and_is_not_stale(room: Room, live: LiveSession) -> None:
    held = Held()
    live.in_background = held
    live.next_phase()
    add_ideas(live, "in the diverge round")
    live.next_phase()  # asked while the first save is on its way
    assert len(held.waiting) == 1

    held.run_next()  # the first save; the second starts from its answer, with the new revision
    assert len(held.waiting) == 1
    held.run_next()

    assert not live.saving and live.save_failed is None
    stored = room.snapshot(live.session.id)
    assert stored.phase == live.session.phase and texts(stored) == ["in the diverge round"]


def test_a_save_refused_by_the_disk_is_owed_and_retried(room: Room, live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:
    held = Held()
    live.in_background = held
    add_ideas(live, "kept")
    refuse = OSError(28, "No space left on device")

    def full(*args, **kwargs):
        raise refuse

    with monkeypatch.context() as patch:
        patch.setattr(Store, "save_session", full)
        live.next_phase()
        held.run_next()
    assert live.save_failed is not None and live.save_failed.disk_full
    assert room.snapshot(live.session.id).phase == WARM_UP

    room.clock.advance(5)
    live.retry_saving()
    held.run_next()
    assert live.save_failed is None and room.snapshot(live.session.id).phase == DIVERGE


def test_a_save_that_finds_a_newer_copy_says_so_to_the_caller(room: Room, live: LiveSession) -> None:
    held = Held()
    live.in_background = held
    other = Store(room.store_path)
    newer = other.session(live.session.id)
    other.save_session(newer)  # another window saved it meanwhile
    live.next_phase()
    with pytest.raises(StaleSession):
        held.run_next()
    assert room.snapshot(live.session.id).phase == WARM_UP


async def test_the_app_saves_a_phase_end_on_another_thread(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    fold = Store.fold

    def watched(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return fold(self, *args, **kwargs)

    monkeypatch.setattr(Store, "fold", watched)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        threads.clear()  # the start itself
        await type_fast(pilot, "an idea", "enter")
        await pilot.press("ctrl+g")  # end the warm-up
        await settled(pilot)
        assert threads and all(t is not threading.main_thread() for t in threads)
        stored = Store(store_path).session(app.live.session.id)
        assert stored.phase == DIVERGE and texts(stored) == ["an idea"]


async def test_a_bug_met_on_another_thread_is_a_crash_the_app_reports(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not lost with the thread: the app stops with its one line and its crash log."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in starting a session")

    monkeypatch.setattr(LiveSession, "start", broken)
    app = new_app(store_path, FakeClock())
    with pytest.raises(RuntimeError, match="a bug in starting a session"):  # what a test run re-raises
        async with app.run_test(size=(100, 30)) as pilot:
            await start(pilot)
            await settled(pilot)
    assert app.return_code == 1
    assert isinstance(app.crash, RuntimeError) and app.crash_log is not None and app.crash_log.exists()

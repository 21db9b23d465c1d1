"""The facilitator's path, driven by keys: nothing typed is lost, time is honest, participants
mean something, the context stays in view, follow-up closes the loop, and each screen's keys
are on screen at 80x24."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from facilitator.models import Action, ActionStatus, Session, SessionStatus
from facilitator.screens.act import ActScreen
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.follow_up import FollowUpScreen
from facilitator.screens.modals import KeysModal, TextModal
from facilitator.screens.round import RoundScreen
from facilitator.screens.vote import VoteScreen
from facilitator.store import Store
from facilitator.widgets.key_line import own_binding_ids
from tests.fakes import START, FakeClock
from tests.helpers import (
    box,
    let_time_pass,
    new_app,
    notices,
    screen_lines,
    settled,
    shown,
    start,
    type_fast,
)

# --- nothing typed is lost --------------------------------------------------------------------


async def test_half_typed_text_survives_pauses_dialogs_and_a_manual_phase_end(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await type_fast(pilot, "Call three cust")
        await pilot.press("ctrl+t", "ctrl+t", "f1")  # pause, resume, the keys dialog
        await pilot.pause()
        assert isinstance(app.screen, KeysModal)
        await pilot.press("escape")
        await pilot.pause()
        assert box(app) == "Call three cust"
        await pilot.press("ctrl+g")  # end the warm-up by hand: a new screen for the diverge phase
        await pilot.pause()
        assert app.live.phase.label == "Associations"
        assert box(app) == "Call three cust"
        await type_fast(pilot, "omers", "enter")
        assert [i.text for i in app.live.session.ideas] == ["Call three customers"]
        assert box(app) == "" and app.live.draft.text == ""


async def test_half_typed_text_survives_an_automatic_phase_end_and_reaches_converge(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, auto_advance=True)
        await type_fast(pilot, "A customer seat at")
        await let_time_pass(pilot, 121)  # the warm-up's two minutes run out: it moves on by itself
        assert app.live.phase.label == "Associations"
        assert "moved on by itself: on to Associations" in notices(app)
        assert box(app) == "A customer seat at"
        for _ in range(3):  # three diverge rounds run out, and the phase with them
            await let_time_pass(pilot, 121)
        assert isinstance(app.screen, ConvergeScreen)
        assert "Typed, not added: A customer seat at" in shown(app)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await type_fast(pilot, " every stand-up", "enter")
        assert [i.text for i in app.live.session.ideas] == ["A customer seat at every stand-up"]
        assert "Typed, not added" not in shown(app)


async def test_an_entered_idea_leaves_no_draft_behind_in_the_journal(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)
        await type_fast(pilot, "one idea", "enter")
        await type_fast(pilot, "next")
        resumed = Store(store_path).journal(app.live.session.id).events()
        put = next(n for n, e in enumerate(resumed) if e["op"] == "put" and e["kind"] == "idea")
        assert resumed[put + 1]["op"] == "set" and resumed[put + 1]["fields"]["draft"]["text"] == ""  # emptied with it
        drafts = [e["fields"]["draft"]["text"] for e in resumed if e["op"] == "set" and "draft" in e["fields"]]
        assert drafts[-1] == "next"


# --- honest time ------------------------------------------------------------------------------


async def test_overtime_counts_against_the_session_and_is_shown(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start(pilot)
        await let_time_pass(pilot, 150)
        top = screen_lines(app)[0]
        assert "phase +0:30 over" in top and "session 17:30 left" in top
        await let_time_pass(pilot, 60)
        assert "phase +1:30 over" in screen_lines(app)[0] and "session 16:30 left" in screen_lines(app)[0]


async def test_every_timed_phase_rings_and_says_so(store_path: Path, clock: FakeClock, monkeypatch) -> None:
    app = new_app(store_path, clock)
    rings: list[str] = []
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        monkeypatch.setattr(app, "bell", lambda: rings.append(app.live.phase.label))
        await start(pilot, participants="Ana, Ben")
        await type_fast(pilot, "one idea", "enter")
        await pilot.press("ctrl+g", "ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConvergeScreen)
        await let_time_pass(pilot, 181)
        assert "Time is up for Group and place in routines. Ctrl+N moves on to Dot vote" in notices(app)
        await let_time_pass(pilot, 10)  # rings once, not on every second of overtime
        await pilot.press("ctrl+n")
        await pilot.pause()
        await let_time_pass(pilot, 121)
        assert isinstance(app.screen, VoteScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await let_time_pass(pilot, 301)
        assert isinstance(app.screen, ActScreen)
        assert "Time is up for One or two actions. Ctrl+N closes the session" in notices(app)
    assert rings == ["Group and place in routines", "Dot vote", "One or two actions"]


async def test_act_waits_for_the_facilitator_even_with_move_on_by_itself(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start(pilot, auto_advance=True, participants="Ana")
        await type_fast(pilot, "one idea", "enter")
        await pilot.press("ctrl+g", "ctrl+g")
        await pilot.pause()
        await let_time_pass(pilot, 181)  # converge moves on by itself
        assert isinstance(app.screen, VoteScreen)
        await let_time_pass(pilot, 121)
        assert isinstance(app.screen, ActScreen)
        await let_time_pass(pilot, 301)
        assert isinstance(app.screen, ActScreen) and not app.live.is_closed


# --- participants that mean something -----------------------------------------------------------


async def test_a_vote_without_participants_asks_how_many_people_vote(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot)  # Enter, Enter: nobody named
        await type_fast(pilot, "one idea", "enter")
        await type_fast(pilot, "two ideas", "enter")
        await pilot.press("ctrl+g", "ctrl+g", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        await pilot.press("escape")
        await pilot.pause()
        assert "Nobody is set to vote yet" in shown(app)
        await pilot.press("plus")
        await pilot.pause()
        assert app.live.session.votes == []
        await pilot.press("p")
        await type_fast(pilot, "0", "enter")
        assert "from 1 to 1000" in shown(app)
        await pilot.press("backspace")
        await type_fast(pilot, "4", "enter")
        assert "Dots left: 12 of 12  (4 people × 3)" in shown(app)
        await pilot.press("plus")
        await pilot.pause()
        assert "Dots left: 11 of 12" in shown(app)


async def test_an_unknown_name_is_confirmed_once_and_accents_do_not_matter(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start(pilot, participants="Óscar, Ana María")
        await type_fast(pilot, "@osc call a lost customer", "enter")
        await type_fast(pilot, "read a complaint aloud @ana maría", "enter")
        assert [i.author for i in app.live.session.ideas] == ["Óscar", "Ana María"]
        assert "not a participant" not in shown(app)
        await type_fast(pilot, "@Zed invite support", "enter")
        assert "“Zed” is not a participant" in shown(app)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.live.session.participants == ["Óscar", "Ana María", "Zed"]
        await type_fast(pilot, "@Yusuf from sales visits", "enter")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await type_fast(pilot, "@yusuf again", "enter")
        assert "not a participant" not in shown(app)  # asked once
        assert app.live.session.other_names == ["Yusuf"]
        assert [i.author for i in app.live.session.ideas][-1] == "yusuf"


# --- context kept -------------------------------------------------------------------------------


async def test_converge_and_vote_show_author_builds_on_and_routine_in_a_stable_order(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(140, 34), notifications=True) as pilot:
        await start(pilot, participants="Ana, Ben")
        await type_fast(pilot, "@ana weekly customer story", "enter")
        await pilot.press("ctrl+b")
        await type_fast(pilot, "told by the frontline @ben", "enter")
        await type_fast(pilot, "a long idea " * 12, "enter")
        await pilot.press("ctrl+g", "ctrl+g")
        await pilot.pause()
        live = app.live
        first = live.session.ideas[0]
        live.set_routine(first.id, "daily stand-up")
        app.screen.refresh_view()
        await pilot.pause()
        text = shown(app)
        assert "#1 weekly customer story  — Ana · daily stand-up" in text
        assert "#2 told by the frontline  — Ben · builds on #1" in text
        await pilot.press("ctrl+n")
        await pilot.pause()
        lines = screen_lines(app)
        text = " ".join(lines)
        assert "#1 weekly customer story  — Ana · daily stand-up" in text
        assert "builds on #1" in text
        order = [t.id for t in app.screen.targets]
        await pilot.press("down", "plus", "plus")
        await pilot.pause()
        assert [t.id for t in app.screen.targets] == order  # dots never reorder the list under the cursor
        # A wrapped line continues under its text, not under the dots.
        row = next(i for i, line in enumerate(lines) if "#3 a long idea" in line)
        text_col = lines[row].index("#3 a long idea") + len("#3 ")
        following = lines[row + 1]
        assert following[text_col].isalpha() and following[text_col - 3 : text_col].strip() == ""


# --- follow-up closes the loop ------------------------------------------------------------------


def earlier(store_path: Path) -> None:
    Store(store_path).save_session(
        Session(
            id="blue0001",
            title="Blue in February",
            team="Blue",
            plan="quick-reflection",
            status=SessionStatus.CLOSED,
            created=START - timedelta(days=30),
            actions=[
                Action(id="act00001", text="Call three lost customers", owner="Ana", measure="three calls logged"),
                Action(id="act00002", text="A customer quote at stand-up", owner="Ben"),
            ],
        )
    )


async def test_follow_up_shows_the_measure_and_redates_and_reowns_in_place(store_path: Path, clock: FakeClock) -> None:
    earlier(store_path)
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, plan="follow-up", team="Blue", participants="Ana, Ben, Chris")
        assert isinstance(app.screen, FollowUpScreen)
        assert "we will know by: three calls logged" in shown(app)
        await pilot.press("t")
        await type_fast(pilot, "\b" * 10 + "2025-13-01", "enter")
        assert "Use a date like" in shown(app)
        await pilot.press(*["backspace"] * 10)
        await type_fast(pilot, "2025-04-01", "enter")
        await settled(pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_fast(pilot, "Chris", "enter")
        await settled(pilot)
        stored = Store(store_path).session("blue0001").actions[0]
        assert (stored.due, stored.owner, stored.status) == (date(2025, 4, 1), "Chris", ActionStatus.OPEN)
        assert "due 2025-04-01" in shown(app) and "— Chris" in shown(app)
        await pilot.press("down", "x")
        await settled(pilot)
        changes = {c.action: c for c in app.live.session.follow_ups}
        assert changes["act00001"].before.owner == "Ana" and changes["act00001"].after.owner == "Chris"
        assert changes["act00002"].after.status is ActionStatus.DROPPED


# --- keys at 80x24 ------------------------------------------------------------------------------


async def reach(pilot, screen_type) -> None:
    """Walk a follow-up session to the screen of this type."""
    while not isinstance(pilot.app.screen, screen_type):
        if isinstance(pilot.app.screen, RoundScreen) and not pilot.app.live.session.ideas:
            await type_fast(pilot, "one idea", "enter")
            await type_fast(pilot, "two ideas", "enter")
        await pilot.press("ctrl+g" if isinstance(pilot.app.screen, RoundScreen) else "ctrl+n")
        await pilot.pause()


@pytest.mark.parametrize("screen_type", [FollowUpScreen, RoundScreen, ConvergeScreen, VoteScreen, ActScreen])
async def test_each_screen_shows_its_own_keys_at_80x24(store_path: Path, clock: FakeClock, screen_type) -> None:
    earlier(store_path)
    app = new_app(store_path, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(pilot, plan="follow-up", team="Blue", participants="Ana, Ben")
        await reach(pilot, screen_type)
        screen = app.screen
        lines = screen_lines(app)
        shown = "\n".join(lines)
        for binding in type(screen).BINDINGS:
            if binding.id in own_binding_ids(screen) and binding.show and screen.check_action(binding.action, ()) is not False:
                first_key = replace(binding, key=binding.key.split(",")[0])
                label = f"{app.get_key_display(first_key)} {binding.description}"
                assert label in shown, f"{label!r} is not on the {screen_type.__name__} at 80x24:\n{shown}"
        assert "f1 Keys" in shown


async def test_a_session_resumed_in_overtime_does_not_ring_or_move_on_by_itself(store_path: Path, clock: FakeClock, monkeypatch) -> None:
    """Time ran out just before the crash: on resume the facilitator decides, the app does not jump."""
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start(pilot, auto_advance=True)
        await type_fast(pilot, "one idea", "enter")
        clock.advance(125)
        app.live.heartbeat()  # the clock is written five seconds into overtime; then the crash
    again = new_app(store_path, clock)
    rings: list[str] = []
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        monkeypatch.setattr(again, "bell", lambda: rings.append("ring"))
        await pilot.press("r")
        await pilot.pause()
        assert again.live.phase.label == "Warm-up" and again.live.countdown.remaining() == -5
        await pilot.press("ctrl+t")
        await let_time_pass(pilot, 5)
        assert rings == [] and again.live.phase.label == "Warm-up"
        await pilot.press("ctrl+n")  # the facilitator moves on
        await pilot.pause()
        assert again.live.phase.label == "Associations"

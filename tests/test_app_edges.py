"""The app at its edges: commands from the palette, state that points at vanished ideas, odd
names, a damaged journal, two windows on one session, and a wrong field in the act form."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.engine.countdown import CountdownState
from facilitator.models import Action, Session, SessionStatus
from facilitator.screens.act import ActScreen
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.follow_up import FollowUpScreen
from facilitator.screens.home import HomeScreen
from facilitator.screens.round import RoundScreen
from facilitator.store import Store
from tests.fakes import FakeClock
from tests.helpers import new_app, screen_text, settled, type_fast


async def start_session(pilot, plan: str = "quick-reflection", **fields: str) -> None:
    """Home -> set-up with these field values (team, participants, ...) and plan -> its first phase."""
    await pilot.press("enter")
    await pilot.pause()
    setup = pilot.app.screen
    for name, value in fields.items():
        setup.query_one(f"#{name}").value = value
    setup.query_one("#plan").value = plan
    await pilot.pause()
    setup.query_one("#title").focus()
    await pilot.press("enter")
    await pilot.pause()


async def start_round(pilot, participants: str = "") -> None:
    """Home -> set-up -> the warm-up round of the quick reflection, with these participants."""
    await start_session(pilot, participants=participants)


async def add(pilot, *ideas: str) -> None:
    for idea in ideas:
        await type_fast(pilot, idea, "enter")


async def test_palette_commands_pause_extend_and_move_on(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        commands["Pause or resume the timer"]()
        await pilot.pause()
        assert app.live.countdown.state is CountdownState.PAUSED
        commands["Extend the round by a minute"]()
        await pilot.pause()
        assert app.live.countdown.remaining() == pytest.approx(180)
        commands["Next phase"]()
        await pilot.pause()
        assert app.live.phase.kind.value == "diverge"
        commands["Theme: high contrast"]()
        assert app.theme == "high-contrast"


@pytest.mark.parametrize(
    "keys",
    [
        ("ctrl+b", "ctrl+x"),  # builds-on target deleted
        ("ctrl+r", "ctrl+x"),  # next-card idea deleted
        ("ctrl+b", "ctrl+z"),  # builds-on target undone away
        ("f2", "ctrl+x"),  # the idea being edited deleted
    ],
    ids=["build-on-then-delete", "next-card-then-delete", "build-on-then-undo", "edit-then-delete"],
)
async def test_pending_state_never_points_at_a_vanished_idea(store_path: Path, clock: FakeClock, keys) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await add(pilot, "the only idea")
        await pilot.press(*keys)
        await pilot.pause()
        await add(pilot, "a new one")
        live = app.live
        assert [i.text for i in live.session.ideas] == ["a new one"]
        assert live.session.ideas[0].builds_on is None
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert live.current_round.kind.value != "build-on"


async def test_an_edit_left_open_follows_into_the_next_round_and_saves_there(store_path: Path, clock: FakeClock) -> None:
    """Nothing typed is lost: the edit stays in the box, says so, and Enter saves it."""
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await add(pilot, "round one idea")
        await type_fast(pilot, "half a new one")
        await pilot.press("up", "f2", "ctrl+n")  # a command key overtakes keys still queued in the box, so wait for them
        await pilot.pause()
        assert app.live.phase.label == "Associations"  # a new phase, a new screen: the edit came along
        assert "Editing an idea from an earlier round" in screen_text(app)
        await type_fast(pilot, " again", "enter")
        await pilot.pause()
        assert app.screen.query_one("#idea-input").value == "half a new one"  # held, and back
        await add(pilot, " done")
        texts = [(i.text, i.round) for i in app.live.session.ideas]
        assert texts == [("round one idea again", 0), ("half a new one done", 1)]


async def test_editing_keeps_an_author_whose_name_has_a_space(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot, participants="Ana Maria, Bo")
        await add(pilot, "@Ana Maria call a customer")
        [idea] = app.live.session.ideas
        assert (idea.text, idea.author) == ("call a customer", "Ana Maria")
        await pilot.press("f2", "end", *" today", "enter")
        await pilot.pause()
        [idea] = app.live.session.ideas
        assert (idea.text, idea.author) == ("call a customer today", "Ana Maria")


async def test_a_team_name_with_brackets_reaches_the_follow_up_safely(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, plan="follow-up", team="[/]bad [red]team")
        assert isinstance(app.screen, FollowUpScreen)
        assert "[/]bad [red]team" in screen_text(app)


async def test_a_bad_journal_line_is_skipped_and_reported_not_fatal(store_path: Path, clock: FakeClock) -> None:
    store = Store(store_path)
    session = Session(id="crashed1", title="Crashed", plan="quick-reflection", decks=["top-of-mind"])
    store.save_session(session)
    journal = store.journal(session.id)
    journal.append({"op": "put", "kind": "idea", "item": {"id": "i1", "text": "kept", "round": 0}})
    journal.append({"op": "put", "kind": "idea", "item": {"id": "i2", "round": 0}})  # no text
    journal.append({"op": "teleport"})
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)  # the journal is read once the store has opened
        assert isinstance(app.screen, HomeScreen)
        shown = screen_text(app)
        assert "journal of session crashed1" in shown
        await pilot.press("r")
        await pilot.pause()
        assert [i.text for i in app.live.session.ideas] == ["kept"]


async def test_two_windows_cannot_run_the_same_session(store_path: Path, clock: FakeClock) -> None:
    first = new_app(store_path, clock)
    async with first.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await add(pilot, "from the first window")
        second = new_app(store_path, clock)
        async with second.run_test(size=(100, 30)) as other:
            await other.press("r")
            await other.pause()
            assert isinstance(second.screen, HomeScreen)
            assert second.live is None
            assert any("open in another window" in n.message for n in second._notifications)


async def test_resumed_in_converge_the_phase_clock_can_be_started(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await add(pilot, "an idea")
        await pilot.press("ctrl+g", "ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConvergeScreen)
    again = new_app(store_path, clock)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(again.screen, ConvergeScreen)
        assert again.live.countdown.state is CountdownState.PAUSED
        await pilot.press("ctrl+t")
        clock.advance(30)
        assert again.live.countdown.remaining() == pytest.approx(again.live.phase.minutes * 60 - 30)


async def reach_act(pilot) -> ActScreen:
    await start_round(pilot, participants="Ana, Ben")
    await add(pilot, "first idea", "second idea")
    await pilot.press("ctrl+g", "ctrl+g", "ctrl+n")  # warm-up, diverge, converge
    await pilot.pause()
    await pilot.press("plus", "down", "plus", "ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ActScreen)
    return pilot.app.screen


async def test_a_wrong_field_keeps_the_facilitator_on_its_action(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reach_act(pilot)
        live = app.live
        first, second = [a.id for a in live.session.actions]
        screen.query_one("#field-due").focus()
        await type_fast(pilot, "next week")
        await pilot.pause()
        listing = screen.query_one("#actions")
        listing.highlighted = 1
        await pilot.pause()
        assert screen.current == first and listing.highlighted == 0
        assert screen.query_one("#field-due").value == "next week"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "not valid, so not saved" in screen_text(app)
        await pilot.press("n")  # fix it
        await pilot.pause()
        assert app.screen is screen and not live.is_closed
        screen.query_one("#field-due").value = ""
        await pilot.pause()
        listing.highlighted = 1
        await pilot.pause()
        assert screen.current == second


async def test_typing_in_a_field_is_undone_as_one_step(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reach_act(pilot)
        screen.query_one("#field-owner").focus()
        await type_fast(pilot, "Bo")
        await pilot.pause()
        assert app.live.session.actions[0].owner == "Bo"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.live.session.actions[0].owner is None


async def test_follow_up_lists_only_actions_of_finished_sessions(store_path: Path, clock: FakeClock) -> None:
    store = Store(store_path)
    for session_id, status in (("done0001", SessionStatus.CLOSED), ("live0001", SessionStatus.LIVE)):
        store.save_session(Session(
            id=session_id, title=session_id, team="Blue", plan="quick-reflection", status=status,
            created=clock.now().replace(year=2024), actions=[Action(id=f"{session_id}-a", text=f"from {session_id}")],
        ))
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, plan="follow-up", team="Blue")
        assert [r.action.id for r in app.screen.rows] == ["done0001-a"]


async def test_enter_on_an_unfinished_session_resumes_it(store_path: Path, clock: FakeClock) -> None:
    store = Store(store_path)
    store.save_session(Session(id="older001", title="Older", plan="quick-reflection", decks=["top-of-mind"],
                               created=clock.now().replace(year=2024)))
    store.save_session(Session(id="done0001", title="Done", plan="quick-reflection", status=SessionStatus.CLOSED,
                               actions=[Action(text="Call a customer")]))
    app = new_app(store_path, clock)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one("#sessions")
        table.focus()
        table.highlighted = table.get_option_index("done0001")
        await pilot.press("enter")
        await pilot.pause()
        assert "Call a customer" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#sessions")
        table.highlighted = table.get_option_index("older001")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen) and app.live.session.id == "older001"


@pytest.mark.parametrize("key", ["ctrl+a", "ctrl+z"])
async def test_a_wrong_field_is_not_dropped_by_new_action_or_undo(store_path: Path, clock: FakeClock, key: str) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reach_act(pilot)
        count = len(app.live.session.actions)
        screen.query_one("#field-due").focus()
        await type_fast(pilot, "soon")
        await pilot.press(key)
        await pilot.pause()
        assert screen.query_one("#field-due").value == "soon"
        assert len(app.live.session.actions) == count


async def test_the_palette_next_phase_asks_about_a_wrong_field_too(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reach_act(pilot)
        screen.query_one("#field-due").focus()
        await type_fast(pilot, "soon")
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        commands["Next phase"]()
        await pilot.pause()
        assert "not valid, so not saved" in screen_text(app)
        assert not app.live.is_closed


async def test_removing_the_action_with_a_wrong_field_clears_its_error(store_path: Path, clock: FakeClock) -> None:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reach_act(pilot)
        for _ in range(len(app.live.session.actions) - 1):
            await pilot.press("ctrl+x")
            await pilot.pause()
        screen.query_one("#field-due").focus()
        await type_fast(pilot, "soon", "ctrl+x")
        await pilot.pause()
        assert app.live.session.actions == [] and screen.errors == {}
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.live is None  # closed without asking about an action that is gone


async def test_at_check_out_owners_say_their_actions_aloud_and_the_room_scores_the_time(store_path: Path, clock: FakeClock) -> None:
    from datetime import timedelta

    from facilitator.exports import markdown
    from facilitator.screens.act import CheckOutModal
    from facilitator.screens.summary import SummaryScreen
    from tests.helpers import stored_docs

    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await reach_act(pilot)
        live = app.live
        first = live.session.actions[0].id
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert [a.committed for a in live.session.actions] == [True, False]
        assert "said aloud" in screen_text(app)

        await pilot.press("f4")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CheckOutModal)
        offered = modal.query_one("#follow-up-on").value
        assert offered == (clock.now().date() + timedelta(weeks=4)).isoformat()
        modal.query_one("#roti").value = "4 5 six"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal and "“six” is not a score" in screen_text(app)
        modal.query_one("#roti").value = "4 5 3 4"
        await pilot.press("enter")
        await pilot.pause()
        assert (live.session.roti, live.session.follow_up_on.isoformat()) == ([4, 5, 3, 4], offered)

        await pilot.press("ctrl+z")  # undone like any change, and done again
        await pilot.pause()
        assert live.session.roti == []
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#roti").value = "4 5 3 4"
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        await settled(pilot)
        assert isinstance(app.screen, SummaryScreen)
        summary = screen_text(app)
        assert "return on time invested 4.0 of 5 from 4 people (1 × 3, 2 × 4, 1 × 5)" in summary
        assert f"follow-up on {offered}" in summary and "said aloud" in summary

    [doc] = stored_docs(store_path)
    assert doc["roti"] == [4, 5, 3, 4] and doc["follow_up_on"] == offered
    assert [a["committed"] for a in doc["actions"] if a["id"] == first] == [True]
    exported = markdown(Session.model_validate(doc))
    assert f"Check-out: return on time invested 4.0 of 5 from 4 people (1 × 3, 2 × 4, 1 × 5) · follow-up on {offered}" in exported
    assert "said aloud" in exported


async def test_a_diverge_phase_starts_with_a_silent_minute_then_the_room_calls_out(store_path: Path, clock: FakeClock) -> None:
    from tests.helpers import let_time_pass

    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await pilot.press("ctrl+g")  # the warm-up done: the first diverge round begins in silence
        await pilot.pause()
        live = app.live
        assert live.phase.silent_seconds == 60 and live.round_number == 1
        assert "SILENT WRITING · 1:00" in screen_text(app) and "nobody speaks yet" in screen_text(app)
        await let_time_pass(pilot, 25)
        assert "SILENT WRITING · 0:35" in screen_text(app)
        await let_time_pass(pilot, 36)
        assert "SILENT WRITING" not in screen_text(app) and live.silent_left() == 0
        await pilot.press("ctrl+n")  # the second round starts talking at once
        await pilot.pause()
        assert live.round_number == 2 and "SILENT WRITING" not in screen_text(app)


def test_silent_writing_is_only_for_rounds_and_leaves_time_to_talk() -> None:
    from pydantic import ValidationError

    from facilitator.models import Phase

    assert Phase(kind="diverge", minutes=6, rounds=3, silent_seconds=60).silent_seconds == 60
    with pytest.raises(ValidationError, match="only warm-up and diverge phases have rounds to write in silently"):
        Phase(kind="converge", minutes=5, silent_seconds=60)
    with pytest.raises(ValidationError, match="must leave time to call out in a 120-second round"):
        Phase(kind="diverge", minutes=6, rounds=3, silent_seconds=120)


async def test_a_stalled_action_gets_what_so_what_now_what_and_its_measure_checked(store_path: Path, clock: FakeClock) -> None:
    from datetime import date, timedelta

    from facilitator.exports import markdown
    from facilitator.screens.follow_up import ReflectModal
    from facilitator.screens.summary import reflections_text

    store = Store(store_path)
    store.save_session(Session(
        id="done0001", title="Earlier", team="Blue", plan="quick-reflection", status=SessionStatus.CLOSED,
        created=clock.now().replace(year=2024),
        actions=[Action(id="stalled1", text="Open every stand-up with a customer quote", measure="a quote in 4 of 4 stand-ups", due=date(2024, 6, 1))],
    ))
    store.save_session(Session(
        id="done0002", title="Last week", team="Blue", plan="quick-reflection", status=SessionStatus.CLOSED,
        created=clock.now() - timedelta(days=7), actions=[Action(id="fresh001", text="Ask support for one story", due=date(2999, 1, 1))],
    ))
    app = new_app(store_path, clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await start_session(pilot, plan="follow-up", team="Blue")
        screen = app.screen
        assert isinstance(screen, FollowUpScreen)
        assert screen_text(app).count("⚠ stalled") == 1  # the old, overdue one; not last week's
        screen.query_one("#earlier").highlighted = [r.action.id for r in screen.rows].index("stalled1")
        await pilot.press("r")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ReflectModal) and "a quote in 4 of 4 stand-ups" in screen_text(app)
        modal.query_one("#measure-met").value = "no"
        modal.query_one("#what").value = "Two stand-ups had a quote, then it stopped"
        modal.query_one("#so-what").value = "Nobody owned finding the quote"
        modal.query_one("#now-what").value = "Support sends one quote every Monday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        live = app.live
        [reflection] = live.session.reflections
        assert (reflection.action, reflection.measure_met, reflection.now_what) == ("stalled1", False, "Support sends one quote every Monday")
        assert "reflected: the measure showed it did not work" in screen_text(app)
        assert "now what:" in screen_text(app) and "Support sends one quote" in screen_text(app)
        await pilot.press("ctrl+z")  # undone like any change
        await pilot.pause()
        assert live.session.reflections == []
        await pilot.press("ctrl+z")
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#now-what").value = "Support sends one quote every Monday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("r")  # the dialog's buttons do what Esc and Ctrl+S do
        await pilot.pause()
        app.screen.query_one("#now-what").value = "Nothing"
        await pilot.click("#cancel")
        await pilot.pause()
        assert not isinstance(app.screen, ReflectModal) and live.session.reflections[0].now_what == "Support sends one quote every Monday"
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#so-what").value = "Nobody owned it"
        await pilot.click("#keep")
        await pilot.pause()
        assert not isinstance(app.screen, ReflectModal) and live.session.reflections[0].so_what == "Nobody owned it"
        text = reflections_text(live.session)
        exported = markdown(live.session)
    assert text is not None and "Now what? Support sends one quote every Monday" in text.plain
    assert "## What we made of earlier actions" in exported and "  - Now what? Support sends one quote every Monday" in exported


def test_a_recurring_action_stalls_only_past_its_date_a_one_off_also_by_age() -> None:
    from datetime import UTC, date, datetime

    from facilitator.models import Cadence
    from facilitator.screens.follow_up import stalled
    from facilitator.summaries import ActionRow

    today = date(2026, 6, 1)
    old = Session(id="s1", title="Old", plan="quick-reflection", status=SessionStatus.CLOSED, created=datetime(2026, 3, 1, tzinfo=UTC))

    def row(**fields: object) -> ActionRow:
        return ActionRow(action=Action(text="x", **fields), session=old)  # type: ignore[arg-type]

    assert stalled(row(cadence=Cadence.ONCE), today)
    assert not stalled(row(cadence=Cadence.WEEKLY), today)
    assert stalled(row(cadence=Cadence.WEEKLY, due=date(2026, 5, 1)), today)
    assert not stalled(row(cadence=Cadence.ONCE, status="done"), today)

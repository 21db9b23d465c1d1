"""A whole session driven by keys alone, as a facilitator runs it, checked on screen and in the store."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from facilitator.app import make_app
from facilitator.models import Action, ActionStatus, Session, SessionStatus
from facilitator.screens.act import ActScreen
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.follow_up import FollowUpScreen
from facilitator.screens.home import HomeScreen
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import SetupScreen
from facilitator.screens.summary import SummaryScreen
from facilitator.screens.vote import VoteScreen
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import START, FakeClock
from tests.helpers import screen_text, settled, type_fast


def earlier_session(store_path: Path) -> Session:
    """A session of team Blue from a month ago with two open actions."""
    earlier = Session(
        title="Blue in October",
        team="Blue",
        plan="quick-reflection",
        created=START - timedelta(days=30),
        status=SessionStatus.CLOSED,
        actions=[
            Action(id="old00001", text="Call three lost customers", owner="Ana"),
            Action(id="old00002", text="Customer quote on every stand-up", owner="Ben"),
        ],
    )
    Store(store_path).save_session(earlier)
    return earlier


async def test_a_whole_session_by_keys_alone(store_path: Path, clock: FakeClock) -> None:
    earlier_session(store_path)
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        # Home -> set-up (the focused button), fill in the team and the room, pick the follow-up plan.
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("tab")
        await type_fast(pilot, "Blue")
        app.screen.query_one("#participants").focus()
        await type_fast(pilot, "Ana, Ben, Chris")
        app.screen.query_one("#plan").value = "follow-up"
        await pilot.pause()
        app.screen.query_one("#title").focus()
        await pilot.press("enter")
        await pilot.pause()

        # Follow-up: the team's two open actions; first done, second still open (cursor moves on).
        assert isinstance(app.screen, FollowUpScreen)
        assert "Call three lost customers" in screen_text(app)
        await pilot.press("d")
        await pilot.press("o")
        await settled(pilot)
        assert "[✓] done" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()

        # Warm-up round: ideas with @names, literal markup.
        assert isinstance(app.screen, RoundScreen)
        live = app.live
        assert live is not None
        card = live.current_round.text
        assert card[:30] in screen_text(app)
        await type_fast(pilot, "@ana invite a customer to stand-up")
        await pilot.press("enter")
        await type_fast(pilot, "[bold]read[/] one complaint aloud @chr")
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "invite a customer to stand-up" in shown and "— Ana" in shown
        assert "[bold]read[/] one complaint aloud" in shown and "— Chris" in shown
        await pilot.press("ctrl+n")
        await pilot.pause()

        # Diverge round 1: build on the first idea of this round, and turn it into the next card.
        assert live.phase.kind.value == "diverge" and live.round_number == 1
        await type_fast(pilot, "weekly customer story")
        await pilot.press("enter")
        await pilot.press("ctrl+b")
        await type_fast(pilot, "story told by the frontline")
        await pilot.press("enter")
        await pilot.press("up")
        await pilot.press("ctrl+r")
        await pilot.pause()
        story = next(i for i in live.session.ideas if i.text == "weekly customer story")
        built = next(i for i in live.session.ideas if i.text == "story told by the frontline")
        assert built.builds_on == story.id
        assert "↳1" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Diverge round 2 shows the build-on card.
        assert live.current_round.kind.value == "build-on"
        assert "weekly customer story" in screen_text(app)
        await type_fast(pilot, "rotate who tells it")
        await pilot.press("enter")
        await pilot.press("ctrl+g")
        await pilot.pause()

        # Converge: join the two story ideas into a named cluster, placed in a routine.
        assert isinstance(app.screen, ConvergeScreen)
        board = app.screen.query_one("#board")
        board.highlighted = board.get_option_index(f"i:{story.id}")
        await pilot.press("space")
        board.highlighted = board.get_option_index(f"i:{built.id}")
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k")  # clear the suggested name
        await type_fast(pilot, "Customer stories")
        await pilot.press("enter")
        await pilot.pause()
        cluster = live.session.clusters[0]
        assert cluster.name == "Customer stories" and set(cluster.ideas) == {story.id, built.id}
        board.highlighted = board.get_option_index(f"c:{cluster.id}")
        await pilot.press("r")
        await pilot.pause()
        routine_list = app.screen.query_one("OptionList")
        routine_list.highlighted = live.session.routines.index("weekly team meeting")
        await pilot.press("enter")
        await pilot.pause()
        assert live.session.clusters[0].routine == "weekly team meeting"
        assert "Customer stories" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()

        # Vote: 3 people x 3 dots; four on the cluster, one on an idea.
        assert isinstance(app.screen, VoteScreen)
        assert "Dots left: 9 of 9" in screen_text(app)
        await pilot.press("plus", "plus", "plus", "plus", "minus", "plus")
        await pilot.press("down", "plus")
        await pilot.pause()
        assert "Dots left: 4 of 9" in screen_text(app)
        results = live.results()
        assert results[0][0].id == cluster.id and results[0][1] == 4
        await pilot.press("ctrl+n")
        await pilot.pause()

        # Act: the two voted items are drafts; give the first an owner, a cadence and a date.
        assert isinstance(app.screen, ActScreen)
        assert live.session.actions[0].text == "Customer stories"
        await pilot.press("tab", "tab")
        await type_fast(pilot, "Ben")
        due = date(2025, 4, 1)
        app.screen.query_one("#field-due").focus()
        await type_fast(pilot, "2025-13-01")
        await pilot.pause()
        assert "Use a date like" in screen_text(app)
        assert live.session.actions[0].due is None
        await pilot.press(*["backspace"] * 10)
        await type_fast(pilot, due.isoformat())
        app.screen.query_one("#field-measure").focus()
        await type_fast(pilot, "a story in 4 of 4 meetings")
        app.screen.query_one("#field-cadence").value = "weekly"
        await pilot.pause()
        first = live.session.actions[0]
        assert (first.owner, first.due, first.cadence.value, first.measure) == ("Ben", due, "weekly", "a story in 4 of 4 meetings")
        assert first.routine == "weekly team meeting"
        assert set(first.source_ideas) == {story.id, built.id}
        await pilot.press("ctrl+n")
        await pilot.pause()

        # Close: saved, and shown grouped by routine.
        assert isinstance(app.screen, SummaryScreen)
        summary = screen_text(app)
        assert "weekly team meeting" in summary and "Customer stories" in summary
        session_id = live.session.id

    saved = Store(store_path).session(session_id)
    assert saved.status is SessionStatus.CLOSED
    assert saved.team == "Blue" and saved.participants == ["Ana", "Ben", "Chris"]
    texts = {i.text: i for i in saved.ideas}
    assert texts["invite a customer to stand-up"].author == "Ana"
    assert "[bold]read[/] one complaint aloud" in texts
    assert texts["story told by the frontline"].builds_on == texts["weekly customer story"].id
    assert saved.actions[0].owner == "Ben" and saved.actions[0].session == session_id
    assert sum(v.dots for v in saved.votes) == 5
    old = {row.action.id: row.action.status for row in Store(store_path).actions(team="Blue")}
    assert old["old00001"] is ActionStatus.DONE and old["old00002"] is ActionStatus.OPEN


async def test_enter_enter_starts_a_session_with_defaults(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)
        assert app.live is not None and app.live.session.plan == "quick-reflection"
        assert Store(store_path).session(app.live.session.id).status is SessionStatus.LIVE


async def test_a_long_paste_and_markup_are_shown_literally_and_trigger_nothing(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        live = app.live
        field = app.screen.query_one("#idea-input")
        for text in ["[link=http://a]y", "[bold]x[/]", "[/]"]:
            field.value = text
            await pilot.press("enter")
        await pilot.pause()
        assert [i.text for i in live.session.ideas] == ["[link=http://a]y", "[bold]x[/]", "[/]"]
        shown = screen_text(app)
        assert "[link=http://a]y" in shown and "[bold]x[/]" in shown and " [/]" in shown
        field.value = "x" * 10_000  # as a paste lands
        await pilot.press("enter")
        await pilot.pause()
        assert live.session.ideas[-1].text == "x" * 10_000
        for part in ("#card", "#countdown", "#idea-input"):
            assert app.screen.query_one(part).is_on_screen
        assert isinstance(app.screen, RoundScreen) and live.phase.kind.value == "warm-up"


async def test_countdown_goes_into_overtime_with_a_text_cue_and_does_not_advance(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        screen = app.screen
        clock.advance(70)
        screen.tick()
        await pilot.pause()
        assert "LAST MINUTE" in screen_text(app)
        assert screen.query_one("#countdown").has_class("-last-minute")
        clock.advance(55)
        screen.tick()
        await pilot.pause()
        assert "TIME IS UP" in screen_text(app)
        assert screen.query_one("#countdown").has_class("-overtime")
        assert app.live.phase.kind.value == "warm-up"  # never advances by itself
        await pilot.press("ctrl+t")
        clock.advance(30)
        screen.tick()
        assert app.live.countdown.remaining() == pytest.approx(-5)
        await pilot.press("ctrl+t", "ctrl+e")
        assert app.live.countdown.remaining() == pytest.approx(60)


async def test_quitting_mid_session_asks_first(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Quit now?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0


async def test_high_contrast_theme_is_remembered(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "high-contrast" in app.available_themes
        app.theme = "high-contrast"
        await settled(pilot)  # saved on a thread of its own
    again = make_app(Workspace(store_path=store_path), clock)
    async with again.run_test(size=(80, 24)):
        assert again.theme == "high-contrast"


async def test_presenter_view_hides_all_but_card_countdown_and_ideas(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        screen = app.screen
        await pilot.press("f5")
        await pilot.pause()
        assert not screen.query_one("#agenda").display or not screen.query_one("#agenda").is_on_screen
        assert not screen.query_one("KeyLine").display
        assert screen.query_one("#card").is_on_screen and screen.query_one("#countdown").is_on_screen
        assert screen.query_one("#latest").is_on_screen
        await pilot.press("f5")
        await pilot.pause()
        assert screen.query_one("#agenda").is_on_screen


async def test_resume_offers_the_interrupted_session_at_its_phase(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await type_fast(pilot, "first idea")
        await pilot.press("enter", "ctrl+n")
        await type_fast(pilot, "second idea")
        await pilot.press("enter")
        await pilot.pause()
        session_id = app.live.session.id
    # The process ends without closing the session; a new one resumes it.
    again = make_app(Workspace(store_path=store_path), clock)
    async with again.run_test(size=(80, 24)) as pilot:
        assert "Resume" in screen_text(again)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(again.screen, RoundScreen)
        live = again.live
        assert live.session.id == session_id and live.phase.kind.value == "diverge"
        assert "second idea" in screen_text(again)
        assert {i.text for i in live.session.ideas} == {"first idea", "second idea"}


async def test_fast_typing_after_enter_never_joins_or_loses_ideas(store_path: Path, clock: FakeClock) -> None:
    """Keys arriving in one burst, as from a fast typist or a terminal that batches input."""
    from textual import events

    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        burst = "alpha\rbeta\r[gamma]\rdelta"
        for char in burst:
            key = "enter" if char == "\r" else char
            app.post_message(events.Key(key, None if char == "\r" else char))
        await pilot.pause()
        await pilot.pause()
        assert [i.text for i in app.live.session.ideas] == ["alpha", "beta", "[gamma]"]
        assert app.screen.query_one("#idea-input").value == "delta"


async def test_a_pasted_block_becomes_one_idea_with_every_line(store_path: Path, clock: FakeClock) -> None:
    from textual import events

    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        field = app.screen.query_one("#idea-input")
        field.post_message(events.Paste("first line\n  second [b]line[/b]\n\nthird"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert [i.text for i in app.live.session.ideas] == ["first line second [b]line[/b] third"]


async def test_f1_lists_every_round_key_even_on_a_narrow_screen(store_path: Path, clock: FakeClock) -> None:
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        shown = " ".join(f"{key} {description}" for key, description in app.screen.keys)  # all of it, scrolled or not
        assert "Keys on this screen" in screen_text(app)
        for description in ("Pause or resume the countdown", "One more minute", "End this round", "End the whole phase",
                            "Skip the card", "Draw another card", "builds on the selected one", "next round's card",
                            "Edit the selected idea", "Delete the selected idea", "Presenter view", "Quit"):
            assert description in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)

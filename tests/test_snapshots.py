"""Snapshot tests: every screen, as a person sees it, at a laptop size and at a projector size.

Each state is built by one `run_before` helper that drives the real app (keys where a person
would press them, the engine where a dialog would only get in the way); later states build on
earlier ones. Everything that could differ between runs is fixed: the clock (`FakeClock`), the
card draw (a seed typed at set-up), the saved sessions (fixed ids and dates), the session's own
date, the time zone, and the cursor blink.

Update the SVGs under `tests/__snapshots__/` after a deliberate visual change with
`pytest tests/test_snapshots.py --snapshot-update`, and look at them before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from facilitator.app import make_app
from facilitator.models import Action, ActionStatus, Idea, Session, SessionStatus
from facilitator.screens.act import ActScreen
from facilitator.screens.converge import ConvergeScreen
from facilitator.screens.follow_up import FollowUpScreen
from facilitator.screens.home import HomeScreen
from facilitator.screens.join import JoinScreen
from facilitator.screens.modals import ConfirmModal
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import SetupScreen
from facilitator.screens.summary import SummaryScreen
from facilitator.screens.vote import VoteScreen
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import START, FakeClock
from tests.helpers import let_time_pass, settled, steady, type_fast, utc_zone

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}
SEED = "7"
PARTICIPANTS = "Ana, Ben, Chris"
ROUND_SECONDS = 120  # the quick-reflection plan's warm-up: one round of two minutes
State = Callable[[Pilot], Awaitable[None]]


utc = pytest.fixture(autouse=True, name="utc")(utc_zone)


def save_earlier_sessions(store_path: Path) -> None:
    """Two finished sessions: team Blue's with two actions still open, team Green's all settled."""
    blue = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
    green = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
    store = Store(store_path)
    store.save_session(
        Session(
            id="blue0001",
            title="Blue in February",
            team="Blue",
            facilitator="Dana",
            participants=["Ana", "Ben", "Chris"],
            plan="quick-reflection",
            decks=["top-of-mind"],
            status=SessionStatus.CLOSED,
            created=blue,
            ideas=[
                Idea(id="bidea001", text="Call three lost customers", author="Ana", round=0, created=blue),
                Idea(id="bidea002", text="A customer quote at every stand-up", round=0, created=blue),
            ],
            actions=[
                Action(
                    id="bact0001",
                    text="Call three lost customers",
                    owner="Ana",
                    routine="one-to-ones",
                    due=date(2025, 3, 1),
                    created=blue,
                ),
                Action(
                    id="bact0002",
                    text="A customer quote at every stand-up",
                    owner="Ben",
                    routine="daily stand-up",
                    created=blue,
                ),
                Action(
                    id="bact0003",
                    text="Read the support queue once a week",
                    owner="Chris",
                    status=ActionStatus.DONE,
                    created=blue,
                    closed=blue,
                ),
            ],
        )
    )
    store.save_session(
        Session(
            id="green001",
            title="Green kick-off",
            team="Green",
            plan="quick-reflection",
            decks=["top-of-mind"],
            status=SessionStatus.CLOSED,
            created=green,
            actions=[
                Action(
                    id="gact0001",
                    text="Invite a customer to the demo",
                    owner="Eli",
                    status=ActionStatus.DONE,
                    created=green,
                    closed=green,
                ),
            ],
        )
    )


# --- the states, each built on the one before -------------------------------------------------


async def at_home(pilot: Pilot) -> None:
    await settled(pilot)  # the decks pane and all that needs the open store are in
    assert isinstance(pilot.app.screen, HomeScreen)


async def at_setup(pilot: Pilot, plan: str = "quick-reflection") -> None:
    """Set-up filled in; the title replaces the default one, which holds today's date."""
    await pilot.press("n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen)
    values = {
        "title": "Customer reflection, March",
        "team": "Blue",
        "facilitator": "Dana",
        "participants": PARTICIPANTS,
        "seed": SEED,
    }
    for name, value in values.items():
        screen.query_one(f"#{name}", Input).value = value
    screen.query_one("#plan", Select).value = plan
    await pilot.pause()


async def start_session(pilot: Pilot, plan: str = "quick-reflection") -> None:
    await at_setup(pilot, plan)
    await pilot.press("ctrl+s")
    await settled(pilot)
    app = pilot.app
    assert app.live is not None
    app.live.session.created = START  # set-up stamps the real time; the summary shows its date


async def in_follow_up(pilot: Pilot) -> None:
    """Team Blue's two open actions; the first just marked done."""
    await start_session(pilot, plan="follow-up")
    assert isinstance(pilot.app.screen, FollowUpScreen)
    await pilot.press("d")
    await settled(pilot)


async def at_reflect(pilot: Pilot) -> None:
    """What? So what? Now what? about the second open action, the first answer typed (in markup-like text)."""
    await in_follow_up(pilot)
    await pilot.press("down", "r")
    await pilot.pause()
    await type_fast(pilot, "Quotes at [b]3 of 6[/b] stand-ups")
    await pilot.press("enter")
    await pilot.pause()


async def in_round(pilot: Pilot) -> None:
    """The warm-up with an idea by @name, one in markup-like text, and one that builds on the first."""
    await start_session(pilot)
    assert isinstance(pilot.app.screen, RoundScreen)
    await type_fast(pilot, "@ana invite a customer to stand-up")
    await pilot.press("enter")
    await type_fast(pilot, "[bold]x[/]")
    await pilot.press("enter")
    await pilot.press("up", "ctrl+b")
    await type_fast(pilot, "a customer seat at every stand-up @chr")
    await pilot.press("enter")
    await pilot.pause()


async def in_open_room(pilot: Pilot) -> None:
    """The round with the room just opened (F6): its address, code and QR code large over the
    wall, one phone in. The server is real, on loopback and any free port; the port and the code
    shown are then set to fixed ones, so that the picture is the same in every run."""
    await in_round(pilot)
    await pilot.press("f6")
    await settled(pilot)
    app = pilot.app
    room = app.room
    assert room is not None and isinstance(app.screen, JoinScreen)
    room.room.join(room.room.code, "127.0.0.1")
    room.port, room.room.code = 8765, "K7P2QX"
    screen = app.screen
    screen.url, screen.code, screen.qr_url = room.url, room.room.code, room.qr_url
    app._show_room()
    await pilot.pause()


async def in_round_with_room(pilot: Pilot) -> None:
    """The QR code put away (F7): the round goes on with the join line along its bottom and an
    idea sent from a phone in its list."""
    await in_open_room(pilot)
    await pilot.press("f7")
    await pilot.pause()
    live = pilot.app.live
    live.add_sent_idea("Ask the customer which meeting they would sit in on", device="p1a2b3c4d", key="snapshot-key-01", name="Priya")
    pilot.app._show_room(refresh=True)
    await pilot.pause()


async def in_presenter_view(pilot: Pilot) -> None:
    await in_round(pilot)
    await pilot.press("f5")
    await pilot.pause()


async def in_last_minute(pilot: Pilot) -> None:
    await in_round(pilot)
    await let_time_pass(pilot, ROUND_SECONDS - 50)


async def in_overtime(pilot: Pilot) -> None:
    await in_round(pilot)
    await let_time_pass(pilot, ROUND_SECONDS + 15)


async def in_high_contrast(pilot: Pilot) -> None:
    await in_round(pilot)
    pilot.app.theme = "high-contrast"
    await pilot.pause()


async def at_quit_confirm(pilot: Pilot) -> None:
    await in_round(pilot)
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmModal)


async def in_converge(pilot: Pilot) -> None:
    """The builds-on pair joined into a named cluster placed in a routine; one idea left alone."""
    await in_round(pilot)
    await pilot.press("ctrl+g")  # warm-up -> diverge
    await pilot.press("ctrl+g")  # diverge -> converge
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ConvergeScreen)
    live = screen.live
    first, _, builds_on = live.session.ideas
    cluster = live.join([first.id, builds_on.id], "Customers at stand-up")
    live.set_routine(cluster.id, "daily stand-up")
    screen.refresh_view()
    await pilot.pause()


async def in_vote(pilot: Pilot) -> None:
    """Three dots on the cluster, one on the idea: 5 of 9 left."""
    await in_converge(pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, VoteScreen)
    await pilot.press("plus", "plus", "plus", "down", "plus")
    await pilot.pause()


async def in_act(pilot: Pilot) -> None:
    """The cluster's draft action with owner, cadence, due date and measure; then a wrong date typed."""
    await in_vote(pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ActScreen)
    for name, text in (("owner", "Ben"), ("due", "2025-04-01"), ("measure", "a customer voice in 4 of 4 stand-ups")):
        screen.query_one(f"#field-{name}", Input).focus()
        await type_fast(pilot, text)
    screen.query_one("#field-cadence", Select).value = "weekly"
    screen.query_one("#field-due", Input).focus()  # focus selects the date: typing replaces it
    await type_fast(pilot, "2025-13-01")
    await pilot.pause()
    assert screen.live.session.actions[0].due == date(2025, 4, 1)


async def at_check_out(pilot: Pilot) -> None:
    """The act state, the action said aloud, then F4 with the room's scores typed."""
    await in_act(pilot)
    await pilot.press("ctrl+o")
    pilot.app.clear_notifications()  # "Said aloud by Ben." would go after a time of its own
    await pilot.press("f4")
    await pilot.pause()
    await type_fast(pilot, "4 5 3")
    await pilot.pause()


async def at_summary(pilot: Pilot) -> None:
    """The act state with the date put right, then the session closed."""
    await in_act(pilot)
    pilot.app.screen.query_one("#field-due", Input).value = "2025-04-01"
    await pilot.pause()
    await pilot.press("ctrl+n")
    await settled(pilot)  # the save in the background is done: the heading says so
    assert isinstance(pilot.app.screen, SummaryScreen)


STATES: dict[str, State] = {
    "home": at_home,
    "setup": at_setup,
    "follow-up": in_follow_up,
    "follow-up-reflect": at_reflect,
    "round": in_round,
    "round-presenter": in_presenter_view,
    "room-open": in_open_room,
    "room-round": in_round_with_room,
    "round-last-minute": in_last_minute,
    "round-overtime": in_overtime,
    "round-high-contrast": in_high_contrast,
    "quit-confirm": at_quit_confirm,
    "converge": in_converge,
    "vote": in_vote,
    "act": in_act,
    "act-check-out": at_check_out,
    "summary": at_summary,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_screen(state: str, size: str, snap_compare, store_path: Path) -> None:
    save_earlier_sessions(store_path)
    app = make_app(Workspace(store_path=store_path, join_host="127.0.0.1", join_port=0), FakeClock())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steady(STATES[state]))

"""Snapshot tests of the review side: the sessions table, one session, the actions across sessions,
at a laptop size and at a projector size.

The store is `tests.review_store` (fixed ids and dates), today is `tests.fakes.START`, the time zone
is pinned, and the cursor does not blink. Update the SVGs under `tests/__snapshots__/` after a
deliberate visual change with `pytest tests/test_snapshots_review.py --snapshot-update`, and look at
them before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from facilitator.app import make_app
from facilitator.screens.actions import ActionsScreen
from facilitator.screens.review import ReviewScreen
from facilitator.screens.session_view import SessionViewScreen
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import steady, type_fast, utc_zone
from tests.review_store import save_review_store

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}
State = Callable[[Pilot], Awaitable[None]]


utc = pytest.fixture(autouse=True, name="utc")(utc_zone)


async def in_review(pilot: Pilot) -> None:
    """Every session, the cursor on team Blue's closed one (its traits, owners and routines below)."""
    await pilot.press("v")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await pilot.press("down", "down")
    await pilot.pause()


async def in_review_filtered(pilot: Pilot) -> None:
    """`blue` typed in the filter: 2 of 5 sessions, the filter still focused."""
    await in_review(pilot)
    await pilot.press("slash")
    await type_fast(pilot, "blue")


async def in_session_view(pilot: Pilot) -> None:
    """Team Blue's session: actions by routine (one overdue, one done) and an idea chain three deep."""
    await in_review(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SessionViewScreen)


async def in_actions(pilot: Pilot) -> None:
    """The open actions across sessions, the overdue one first."""
    await pilot.press("t")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, ActionsScreen)


STATES: dict[str, State] = {
    "review": in_review,
    "review-filtered": in_review_filtered,
    "session-view": in_session_view,
    "actions": in_actions,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_screen(state: str, size: str, snap_compare, store_path: Path) -> None:
    save_review_store(store_path)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steady(STATES[state]))

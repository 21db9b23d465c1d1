"""Snapshot tests of the presenter view (F5), as the back of the room sees it.

Small (60x18), laptop (80x24) and projector (200x50) sizes, and the countdown's states at 80x24:
the last minute, paused, and overtime in both themes. Everything that could differ between runs is
fixed: the clock (`FakeClock`), the card draw (a seed typed at set-up) and the cursor blink.

Update with `pytest tests/test_snapshots_presenter.py --snapshot-update`, and look at every
changed SVG before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from facilitator.app import make_app
from facilitator.screens.round import RoundScreen
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import let_time_pass, settled, steady, type_fast

SEED = "7"
IDEAS = [
    "@ana invite a customer to stand-up",
    "[bold]x[/]",
    "open every budget review with one thing a customer told us this week, in their own words @ben",
    "rotate who brings the story",
    "ask support what surprised them @chris",
]
State = Callable[[Pilot], Awaitable[None]]


async def in_presenter_view(pilot: Pilot) -> None:
    """A warm-up round with five ideas (one long, one in markup-like text), then F5."""
    await pilot.press("enter")  # home: New session
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#participants", Input).value = "Ana, Ben, Chris"
    screen.query_one("#seed", Input).focus()
    await type_fast(pilot, SEED)
    await pilot.press("ctrl+s")
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RoundScreen)
    field = screen.query_one("#idea-input", Input)
    for idea in IDEAS:
        field.value = idea
        await pilot.press("enter")
    await pilot.press("f5")
    await pilot.pause()


async def in_last_minute(pilot: Pilot) -> None:
    await in_presenter_view(pilot)
    await let_time_pass(pilot, pilot.app.live.countdown.seconds - 50)


async def paused(pilot: Pilot) -> None:
    await in_presenter_view(pilot)
    await let_time_pass(pilot, 35)
    await pilot.press("ctrl+t")
    await pilot.pause()


async def in_overtime(pilot: Pilot) -> None:
    await in_presenter_view(pilot)
    await let_time_pass(pilot, pilot.app.live.countdown.seconds + 15)


async def in_overtime_high_contrast(pilot: Pilot) -> None:
    pilot.app.theme = "high-contrast"
    await in_overtime(pilot)


CASES: dict[str, tuple[State, tuple[int, int]]] = {
    "60x18": (in_presenter_view, (60, 18)),
    "80x24": (in_presenter_view, (80, 24)),
    "200x50": (in_presenter_view, (200, 50)),
    "last-minute-80x24": (in_last_minute, (80, 24)),
    "paused-80x24": (paused, (80, 24)),
    "overtime-80x24": (in_overtime, (80, 24)),
    "overtime-high-contrast-80x24": (in_overtime_high_contrast, (80, 24)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_presenter(case: str, snap_compare, store_path: Path) -> None:
    state, size = CASES[case]
    app = make_app(Workspace(store_path=store_path), FakeClock())
    assert snap_compare(app, terminal_size=size, run_before=steady(state))

"""Snapshot tests of the progress screen at a laptop size and at a projector size.

The screen is handed fixed rows (`tests.test_progress.sample`) in a small host app, so nothing
differs between runs; dates are shown in local time, so the zone is pinned. Update the SVGs under
`tests/__snapshots__/` after a deliberate visual change with
`pytest tests/test_snapshots_progress.py --snapshot-update`, and look at them before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from facilitator.screens.progress import ProgressScreen
from tests.helpers import steady, utc_zone
from tests.test_progress import sample
from tests.test_progress_screen import Host

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}
State = Callable[[Pilot], Awaitable[None]]


utc = pytest.fixture(autouse=True, name="utc")(utc_zone)


class FacilitatorLike(Host):
    TITLE = "facilitator"


async def on_screen(pilot: Pilot) -> None:
    assert isinstance(pilot.app.screen, ProgressScreen)
    await pilot.pause()


async def next_team(pilot: Pilot) -> None:
    """Blue, then `t`: Green's one session."""
    await on_screen(pilot)
    await pilot.press("t")
    await pilot.pause()


STATES: dict[str, tuple[str | None, bool, State]] = {
    "blue": ("Blue", True, on_screen),
    "all-teams": (None, True, on_screen),
    "green-by-key": ("Blue", True, next_team),
    "empty": (None, False, on_screen),
}
"""State → (initial team, with the sample rows or none, what to do)."""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_progress_screen(state: str, size: str, snap_compare) -> None:
    team, rows, run_before = STATES[state]
    summaries, actions, traits = sample() if rows else ([], [], {})
    app = FacilitatorLike(summaries, actions, traits, team)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steady(run_before))

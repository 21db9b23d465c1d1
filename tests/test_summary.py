"""The summary: new actions, changes to earlier ones, time per phase and unsaved typing, all readable at 80x24."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import OptionList, Static

from facilitator.app import make_app
from facilitator.models import (
    Action,
    ActionState,
    ActionStatus,
    Cadence,
    Draft,
    FollowUp,
    PhaseTime,
    Session,
    SessionStatus,
)
from facilitator.routine_map import MAP_TITLE, routine_map
from facilitator.screens.review import deck_traits
from facilitator.screens.summary import (
    MapTable,
    SummaryScreen,
    change_lines,
    draft_lines,
    routines_met,
    signed_clock,
    time_table,
)
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import START, FakeClock
from tests.helpers import screen_lines, settled
from tests.test_routine_map import HOSTILE, TRAITS, scan_session

OPEN = ActionState(status=ActionStatus.OPEN, owner="Ana", due=date(2026, 11, 20))
LONG_ACTION = "Call three customers who did not renew and ask what would have made them stay with us for another year"


def follow_up(text: str, **after) -> FollowUp:
    return FollowUp(action="old00001", session="earlier1", text=text, before=OPEN, after=OPEN.model_copy(update=after))


def reviewed_session(**fields) -> Session:
    """A closed session with an action per routine, follow-up changes, phase times and a leftover draft."""
    values: dict[str, object] = {
        "id": "done0001",
        "title": "[bold]x[/] Blue in November",
        "team": "Blue",
        "facilitator": "Dana",
        "plan": "follow-up",
        "status": SessionStatus.CLOSED,
        "created": START - timedelta(days=2),
        "actions": [
            Action(text=LONG_ACTION, owner="Ana", routine="weekly team meeting", cadence=Cadence.WEEKLY,
                   due=date(2026, 12, 1), measure="three notes in the shared folder"),
            Action(text="Customer quote on every stand-up", owner="Ben", routine="daily stand-up", cadence=Cadence.DAILY),
        ],
        "follow_ups": [
            follow_up("Call three lost customers", status=ActionStatus.DONE),
            follow_up("Visit a customer site", due=date(2026, 12, 1)),
            follow_up("Read complaints aloud", owner="Ben"),
        ],
        "timings": [
            PhaseTime(phase=2, label="Diverge", planned=360, spent=432.2),
            PhaseTime(phase=0, label="Follow-up", planned=300, spent=250),
        ],
        "draft": Draft(text="ask the [red]customer[/] along"),
    }
    values.update(fields)
    return Session.model_validate(values)


async def whole_summary(pilot) -> str:
    """Every row the summary shows, scrolling page by page to its end, as one string."""
    seen: list[str] = []
    for _ in range(10):
        seen.extend(screen_lines(pilot.app))
        await pilot.press("pagedown")
        await pilot.pause()
    return " ".join(" ".join(seen).split())


async def open_summary(store_path: Path, pilot, session_id: str) -> None:
    """Enter on the session in the home list, as a team reviewing it would."""
    listing = pilot.app.screen.query_one("#sessions", OptionList)
    listing.focus()
    listing.highlighted = listing.get_option_index(session_id)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)


async def test_a_saved_session_shows_all_it_left_at_80x24(store_path: Path) -> None:
    Store(store_path).save_session(reviewed_session())
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(store_path, pilot, "done0001")
        shown = await whole_summary(pilot)
    assert "[bold]x[/] Blue in November" in shown
    assert "team Blue" in shown and "facilitated by Dana" in shown
    assert all(word in shown.split() for word in LONG_ACTION.split())
    assert "owner Ana · weekly · due 2026-12-01" in shown and "we will know by: three notes in the shared folder" in shown
    assert shown.index("daily stand-up") < shown.index("weekly team meeting")
    assert "New actions" in shown and "Changes to earlier actions" in shown
    assert "✓ done: Call three lost customers (was still open)" in shown
    assert "re-dated: Visit a customer site → 2026-12-01 (was 2026-11-20)" in shown
    assert "new owner: Read complaints aloud → Ben (was Ana)" in shown
    assert "Follow-up 5:00 4:10 -0:50" in shown and "Diverge 6:00 7:12 +1:12" in shown
    assert "Total 11:00 11:22 +0:22" in shown
    assert shown.index("Follow-up 5:00") < shown.index("Diverge 6:00")
    assert "Typed in a round but never added: ask the [red]customer[/] along" in shown


async def test_an_old_session_without_timings_or_changes_says_nothing_of_them(store_path: Path) -> None:
    Store(store_path).save_session(reviewed_session(timings=[], follow_ups=[], draft=Draft()))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(store_path, pilot, "done0001")
        shown = await whole_summary(pilot)
    assert "Customer quote on every stand-up" in shown
    for absent in ("Time per phase", "planned", "Changes to earlier actions", "never added"):
        assert absent not in shown


async def test_the_summary_is_readable_on_a_wide_screen_too(store_path: Path) -> None:
    Store(store_path).save_session(reviewed_session())
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await open_summary(store_path, pilot, "done0001")
        shown = " ".join(" ".join(screen_lines(app)).split())
    assert LONG_ACTION in shown
    assert "Diverge 6:00 7:12 +1:12" in shown and "Typed in a round but never added" in shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(72, "+1:12"), (-48, "-0:48"), (0, "0:00"), (0.4, "0:00"), (-3600, "-60:00"), (59.6, "+1:00")],
)
def test_a_difference_from_the_plan_has_its_sign(seconds: float, shown: str) -> None:
    assert signed_clock(seconds) == shown


def test_each_change_to_an_earlier_action_gets_its_own_line() -> None:
    change = follow_up("Visit a customer site", status=ActionStatus.DROPPED, owner=None, due=None)
    assert [line.plain for line in change_lines(change)] == [
        "– dropped: Visit a customer site (was still open)",
        "re-dated: Visit a customer site → no date (was 2026-11-20)",
        "new owner: Visit a customer site → nobody (was Ana)",
    ]


def test_an_action_opened_again_says_so() -> None:
    change = FollowUp(action="a", session="s", text="Visit", before=OPEN.model_copy(update={"status": ActionStatus.DONE}), after=OPEN)
    assert [line.plain for line in change_lines(change)] == ["• open again: Visit (was done)"]


def test_no_timings_means_no_table() -> None:
    assert time_table(reviewed_session(timings=[])) is None


@pytest.mark.parametrize(
    ("draft", "lines"),
    [
        (Draft(), None),
        (Draft(text="  "), None),
        (Draft(text="a call"), "Typed in a round but never added: a call"),
        (Draft(text="a call, changed", editing="idea0001", held="a new one"),
         "Typed as a change to an idea but never saved: a call, changed\nTyped in a round but never added: a new one"),
    ],
)
def test_typing_left_in_the_box_is_listed(draft: Draft, lines: str | None) -> None:
    found = draft_lines(reviewed_session(draft=draft))
    assert (found.plain if found else None) == lines


# --- the routine map ---------------------------------------------------------------------------


async def test_a_saved_routine_scan_shows_where_the_customer_met_its_routines(store_path: Path) -> None:
    Store(store_path).save_session(scan_session(created=START - timedelta(days=2)))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(store_path, pilot, "scan0001")
        shown = await whole_summary(pilot)
    assert shown.index("New actions") < shown.index(MAP_TITLE)
    assert "daily stand-up 1 1 · · ·" in shown
    assert "weekly team meeting 3 · 3 · 2" in shown
    assert f"{HOSTILE} · · · · ·" in shown  # markup in a routine's name shows as typed
    assert "No card met: one-to-ones, hiring interviews" in shown
    assert "top-of-mind" not in shown and "listen-and-talk" not in shown  # its columns are named by trait, not by deck id


async def test_the_map_fits_80_columns_with_the_traits_long_names(store_path: Path) -> None:
    """Each routine on one line and the actions column in view; the traits' headers wrap."""
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        traits = deck_traits(app.workspace.decks)
        await app.push_screen(SummaryScreen(scan_session(), traits=traits))
        await pilot.pause()
        app.screen.query_one("#routine-map").scroll_visible(animate=False)
        await pilot.pause()
        lines = screen_lines(app)
    rows = {line.split()[0]: line.split() for line in lines if line.strip().startswith(("daily", "weekly", "[bold]"))}
    assert rows["daily"] == ["daily", "stand-up", "1", "1", "·", "·", "·"]
    assert rows["weekly"] == ["weekly", "team", "meeting", "3", "·", "3", "·", "2"]
    assert rows["[bold]x[/]"] == ["[bold]x[/]", "|", "review", "·", "·", "·", "·", "·"]
    header = " ".join(" ".join(lines).split())
    assert "actions" in header and "Routine" in header
    assert "Most ideas (3): weekly team meeting × The customer is on the agenda every day" in header


@pytest.mark.parametrize(
    "session",
    [
        scan_session([("metrics", "daily stand-up", 3), ("metrics", "daily stand-up", 1)]),  # one routine, one trait
        scan_session([("top-of-mind", None, 3), (None, None, 2)]),  # no routine card
        reviewed_session(),  # from before routine cards
    ],
    ids=["one-pair", "no-routine-cards", "no-rounds"],
)
async def test_a_small_session_has_no_map(store_path: Path, session: Session) -> None:
    Store(store_path).save_session(session)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(store_path, pilot, session.id)
        shown = await whole_summary(pilot)
    assert "New actions" in shown
    assert MAP_TITLE not in shown and "No card met" not in shown
    assert routines_met(session, TRAITS) is None


@pytest.mark.parametrize("width", [60, 74, 116])
def test_the_map_table_stays_within_its_width_and_keeps_every_column(width: int) -> None:
    console = Console(width=width, record=True)
    console.print(MapTable(routine_map(scan_session(), {**TRAITS, "metrics": "Watch customer metrics and act on them"})))
    lines = console.export_text().splitlines()
    assert max(map(len, lines)) <= width
    assert lines[-1].split() == [*HOSTILE.split(), "·", "·", "·", "·", "·"]
    assert any(line.rstrip().endswith("actions") for line in lines)


def test_the_notes_say_nothing_when_no_idea_came_and_every_routine_met_a_card() -> None:
    silent = scan_session([("metrics", "daily stand-up", 0), ("frontline", "one-to-ones", 0)], routines=["daily stand-up", "one-to-ones"])
    console = Console(width=80, record=True)
    console.print(routines_met(silent, TRAITS))
    text = console.export_text()
    assert "Most ideas" not in text and "No card met" not in text
    assert text.splitlines()[-1].split() == ["one-to-ones", "·", "·", "1"]  # an action placed there, no idea


async def test_a_save_that_ends_while_the_summary_is_put_together_still_changes_its_heading(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The close's save may answer after the heading is composed and before the screen counts as
    mounted: the heading it was told last is the one the room sees."""
    from facilitator.app import CLOSED_SAVED, CLOSED_SAVING
    from facilitator.models import Session

    composed = SummaryScreen.compose

    def compose_then_hear_the_save(self: SummaryScreen):
        yield from composed(self)
        self.say(CLOSED_SAVED)  # the answer comes in between

    monkeypatch.setattr(SummaryScreen, "compose", compose_then_hear_the_save)
    app = make_app(Workspace(store_path=tmp_path / "store"), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SummaryScreen(Session(title="Closed", plan="quick-reflection"), CLOSED_SAVING)
        await app.push_screen(screen)
        await pilot.pause()
        assert str(screen.query_one("#heading", Static).render()) == CLOSED_SAVED

"""Set-up by keys: defaults that start at once, titles that tell sessions apart, the plan shown,
routines picked from a list or typed, and a layout that shows every title at 80x24 and 200x50."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from facilitator.app import FacilitatorApp, make_app
from facilitator.screens.home import HomeScreen
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import PickList, SetupScreen
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import screen_lines, settled, type_fast

TODAY = date.today().isoformat()
QUICK_AGENDA = (
    "Warm-up 2′ › Associations 6′ (3 rounds) › Group and place in routines 3′ › Dot vote 2′ › "
    "One or two actions 5′ › Close 2′"
)
LONG_TITLE = "A [bold]deck[/bold] whose title is far too long for one line of a narrow screen, so it has to wrap"

ODD_PLAN = """
id = "odd"
title = "Odd [b]plan[/b]"
summary = "Has [bold]markup[/bold] in it."
minutes = 10
[[phases]]
kind = "warm-up"
minutes = 4
[[phases]]
kind = "diverge"
minutes = 4
rounds = 2
[[phases]]
kind = "vote"
minutes = 2
"""

LONG_DECK = f"""
id = "long-title"
title = "{LONG_TITLE}"
trait = "t"
summary = "s"
[[prompts]]
id = "q1"
kind = "question"
text = "What do customers say?"
"""


def new_app(store_path: Path, *, deck_dirs: list[Path] | None = None, plan_dirs: list[Path] | None = None) -> FacilitatorApp:
    return make_app(Workspace(store_path=store_path, deck_dirs=deck_dirs or [], plan_dirs=plan_dirs or []), FakeClock())


async def open_setup(pilot) -> SetupScreen:
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen)
    return screen


def rows_in(app, selector: str) -> list[str]:
    """The screen rows a widget's content covers, as a person sees them."""
    region = app.screen.query_one(selector).scrollable_content_region
    lines = screen_lines(app)
    return [lines[y][region.x : region.right] for y in range(max(region.y, 0), min(region.bottom, len(lines)))]


def shown_in(app, selector: str) -> str:
    """The words a widget shows on screen, its lines joined, so text that wraps still matches."""
    return " ".join(" ".join(rows_in(app, selector)).split())


@pytest.mark.parametrize(
    ("team", "title"),
    [("", f"Quick reflection · {TODAY}"), ("Blue", f"Quick reflection · Blue · {TODAY}")],
    ids=["no-team", "team"],
)
async def test_enter_enter_starts_with_no_participants_and_a_title_that_tells_it_apart(store_path: Path, team: str, title: str) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot)
        if team:
            await pilot.press("tab")
            await type_fast(pilot, team)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)
        assert app.live is not None
        assert app.live.session.title == title
        assert app.live.session.participants == []
        assert app.live.session.team == team


async def test_the_title_placeholder_follows_plan_and_team(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        title = screen.query_one("#title", Input)
        assert title.value == ""
        assert title.placeholder == f"Quick reflection · {TODAY}"
        assert f"Quick reflection · {TODAY}" in shown_in(app, "#title")
        screen.query_one("#plan", Select).value = "follow-up"
        await pilot.pause()
        assert title.placeholder == f"Follow-up · {TODAY}"
        screen.query_one("#team").focus()
        await type_fast(pilot, "Blue")
        await pilot.pause()
        assert title.placeholder == f"Follow-up · Blue · {TODAY}"
        assert f"Follow-up · Blue · {TODAY}" in shown_in(app, "#title")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None and app.live.session.title == f"Follow-up · Blue · {TODAY}"


async def test_a_typed_title_wins_over_the_placeholder(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot)
        await type_fast(pilot, "Blue in March")
        await pilot.press("enter")
        await pilot.pause()
        assert app.live is not None and app.live.session.title == "Blue in March"


async def test_the_plan_summary_and_agenda_show_and_follow_the_plan(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_setup(pilot)
        shown = shown_in(app, "#plan-info")
        assert "Quick reflection · 20 min" in shown
        assert "For any team, as the first item of a regular team meeting" in shown
        assert QUICK_AGENDA in shown
        screen.query_one("#plan", Select).value = "follow-up"
        await pilot.pause()
        shown = shown_in(app, "#plan-info")
        assert "For a team that ran a session some weeks ago: a 30-minute check-in on what came of it." in shown
        assert "Review open actions 7′ › Warm-up 2′ › New ideas 6′ (3 rounds)" in shown
        assert "Associations" not in shown


async def test_text_from_a_plan_file_is_shown_literally(store_path: Path, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "odd.toml").write_text(ODD_PLAN, encoding="utf-8")
    app = new_app(store_path, plan_dirs=[plans])
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_setup(pilot)
        screen.query_one("#plan", Select).value = "odd"
        await pilot.pause()
        shown = shown_in(app, "#plan-info")
        assert "Odd [b]plan[/b] · 10 min" in shown
        assert "Has [bold]markup[/bold] in it." in shown
        assert "Warm up 4′ › Diverge 4′ (2 rounds) › Vote 2′" in shown
        assert screen.query_one("#title", Input).placeholder == f"Odd [b]plan[/b] · {TODAY}"


async def test_a_typed_routine_is_added_picked_without_starting_and_is_used(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        routines = screen.query_one("#routines", PickList)
        before = routines.picked
        screen.query_one("#add-routine").focus()
        await type_fast(pilot, "customer lunch")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.live is None
        assert routines.picked == [*before, "customer lunch"]
        assert screen.query_one("#add-routine", Input).value == ""
        routines.scroll_visible(animate=False)
        await pilot.pause()
        assert "✓ customer lunch" in shown_in(app, "#routines")
        await type_fast(pilot, "Daily Stand-up")  # already there: not added twice
        await pilot.press("enter")
        await type_fast(pilot, "board meeting")  # typed, not yet added: starting keeps it
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None
        assert app.live.session.routines == [*before, "customer lunch", "board meeting"]


async def test_unpicking_a_routine_leaves_it_out(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        routines = screen.query_one("#routines", PickList)
        assert routines.picked[:2] == ["daily stand-up", "weekly team meeting"]
        routines.focus()  # as Tab lands there: Space then unpicks the first routine at once
        routines.scroll_visible(animate=False)
        await pilot.press("space")
        await pilot.pause()
        shown = shown_in(app, "#routines")
        assert "daily stand-up" in shown and "✓ daily stand-up" not in shown
        assert "✓ weekly team meeting" in shown
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None
        assert "daily stand-up" not in app.live.session.routines
        assert app.live.session.routines[0] == "weekly team meeting"


@pytest.mark.parametrize("tick", [False, True], ids=["left", "ticked"])
async def test_move_on_by_itself_lands_in_the_session(store_path: Path, tick: bool) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        assert "act waits for you" in shown_in(app, "#auto-advance")
        screen.query_one("#auto-advance").focus()
        if tick:
            await pilot.press("space")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None and app.live.session.auto_advance is tick


async def test_a_bad_value_shows_one_line_and_starts_nothing(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        screen.query_one("#dots", Input).value = "99"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.live is None
        shown = shown_in(app, "#setup-error")
        assert shown.startswith("dots_per_participant:") and "\n" not in str(screen.query_one("#setup-error", Static).content)


async def test_escape_goes_back(store_path: Path) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_setup(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.live is None


async def test_every_deck_title_is_shown_whole_at_80x24(store_path: Path, tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "long.toml").write_text(LONG_DECK, encoding="utf-8")
    app = new_app(store_path, deck_dirs=[decks])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        listing = screen.query_one("#decks", PickList)
        listing.scroll_visible(animate=False)
        await pilot.pause()
        titles = {d.id: d.title for d in app.workspace.decks}
        assert LONG_TITLE in titles.values()
        for index in range(listing.option_count):
            listing.highlighted = index
            await pilot.pause()
            title = titles[listing.get_option_at_index(index).value]
            assert title in shown_in(app, "#decks"), title
        # The long title wraps under itself: its box is on its first line only, not drawn again
        # (for the wrong deck) on the line it wraps onto.
        listing.highlighted = [listing.get_option_at_index(i).value for i in range(listing.option_count)].index("long-title")
        await pilot.pause()
        rows = rows_in(app, "#decks")
        first = next(y for y, row in enumerate(rows) if "A [bold]deck[/bold]" in row)
        assert "X" in rows[first][:4] and rows[first + 1][:4].strip() == ""


async def test_lists_are_taller_on_a_big_screen(store_path: Path) -> None:
    heights = {}
    for size in [(80, 24), (200, 50)]:
        app = new_app(store_path)
        async with app.run_test(size=size) as pilot:
            screen = await open_setup(pilot)
            heights[size] = [screen.query_one(f"#{name}").size.height for name in ("decks", "routines")]
            assert screen.has_class("-wide") is (size == (200, 50))
    small, big = heights[(80, 24)], heights[(200, 50)]
    assert all(b > s + 10 for s, b in zip(small, big, strict=True)), heights


async def test_a_plan_about_some_routines_picks_them_and_another_plan_gives_the_usual_list_back(store_path: Path) -> None:
    from facilitator.routines import DEFAULT_ROUTINES

    app = new_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_setup(pilot)
        routines = screen.query_one("#routines", PickList)
        screen.query_one("#add-routine", Input).value = "customer council"
        screen.query_one("#add-routine", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#plan", Select).value = "follow-up"  # names no routines: the list stays as it was
        await pilot.pause()
        assert "customer council" in routines.picked

        screen.query_one("#plan", Select).value = "people-routines"
        await pilot.pause()
        assert set(routines.picked) == {"hiring interviews", "onboarding of new staff", "one-to-ones", "performance reviews"}

        screen.query_one("#plan", Select).value = "quick-reflection"
        await pilot.pause()
        assert set(routines.picked) == set(DEFAULT_ROUTINES)
        screen.query_one("#plan", Select).value = "people-routines"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None and set(app.live.session.routines) == {"hiring interviews", "onboarding of new staff", "one-to-ones", "performance reviews"}

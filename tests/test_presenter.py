"""The presenter view (F5) and the countdown's digits: as large as the space allows, nothing cut.

The block font is tested as plain functions (which scale fits, which fallback); the presenter view
by driving the app at a small, a laptop and a projector size and reading the screen as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.align import Align
from rich.text import Text
from textual.app import App, ComposeResult
from textual.color import Color
from textual.renderables.digits import Digits

from facilitator.app import make_app
from facilitator.engine.countdown import format_clock
from facilitator.screens.round import PRESENTER_IDEAS, RoundScreen
from facilitator.widgets.big_digits import (
    BigDigits,
    big_lines,
    fit_scale,
    fitted,
    fitted_rows,
    font_width,
)
from facilitator.widgets.countdown import CountdownDisplay
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import screen_lines, type_fast

BLOCK = "█"
SIZES = [(60, 18), (80, 24), (200, 50)]
IDEAS = [
    "customer chair",
    "[bold]read[/] one complaint aloud",
    "open every budget review with one thing a customer told us this week, in their own words",
    "rotate who brings the story",
    "ask support what surprised them",
]
"""Five ideas, so the first one has left the presenter's latest four; one wraps even at 200 columns."""
DRAWS = 4
"""Cards drawn in one round (Ctrl+D), so more than one card is checked at every size."""


# --- the block font -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "width"), [("0:00", 21), ("9:59", 21), ("10:00", 27), ("+0:15", 27), ("", 0)])
def test_font_width_counts_glyphs_and_the_gaps_between_them(value: str, width: int) -> None:
    assert font_width(value) == width
    assert all(len(line) == width for line in big_lines(value))


@pytest.mark.parametrize("scale", [1, 2, 3, 7])
def test_a_scale_multiplies_every_cell_both_ways(scale: int) -> None:
    small = big_lines("+1:07")
    large = big_lines("+1:07", scale)
    assert len(large) == 5 * scale
    assert large == ["".join(cell * scale for cell in row) for row in small for _ in range(scale)]


@pytest.mark.parametrize(
    ("value", "width", "height", "scale"),
    [
        ("2:00", 21, 5, 1),  # exactly the font
        ("2:00", 41, 9, 1),  # one cell short of scale 2 both ways
        ("2:00", 42, 10, 2),
        ("2:00", 42, 9, 1),  # wide enough for 2, not tall enough
        ("2:00", 200, 10, 2),  # the height decides
        ("2:00", 63, 100, 3),  # the width decides
        ("2:00", 194, 30, 6),
        ("+0:15", 42, 10, 1),  # the sign makes it wider than 2:00
        ("2:00", 20, 5, 0),  # even scale 1 does not fit
        ("2:00", 200, 4, 0),
        ("", 100, 100, 0),
    ],
)
def test_the_largest_scale_that_fits_is_chosen(value: str, width: int, height: int, scale: int) -> None:
    assert fit_scale(value, width, height) == scale
    if scale:
        lines = big_lines(value, scale)
        assert len(lines) <= height and max(map(len, lines)) <= width
        bigger = big_lines(value, scale + 1)
        assert len(bigger) > height or max(map(len, bigger)) > width


def test_where_block_digits_do_not_fit_the_three_row_digits_are_drawn() -> None:
    drawn = fitted("2:00", 20, 5)
    assert isinstance(drawn, Align) and isinstance(drawn.renderable, Digits)
    assert fitted_rows("2:00", 20, 5) == 3
    assert Digits.get_width("2:00") <= 20


@pytest.mark.parametrize(("width", "height"), [(11, 3), (40, 2), (4, 1)])
def test_where_nothing_larger_fits_the_time_is_plain_bold_text(width: int, height: int) -> None:
    drawn = fitted("2:00", width, height)
    assert isinstance(drawn, Text) and drawn.plain == "2:00" and "bold" in str(drawn.style)
    assert fitted_rows("2:00", width, height) == 1


def test_block_digits_are_drawn_uncut_and_unwrapped() -> None:
    drawn = fitted("+0:15", 60, 12)
    assert isinstance(drawn, Text)
    assert drawn.plain.split("\n") == big_lines("+0:15", 2)
    assert drawn.no_wrap


class DigitsApp(App[None]):
    """Nothing but the digits, filling the screen."""

    def compose(self) -> ComposeResult:
        yield BigDigits("2:00", id="digits")

    CSS = "BigDigits { height: 1fr; }"


async def test_the_digits_grow_and_shrink_with_their_widget() -> None:
    app = DigitsApp()
    async with app.run_test(size=(30, 8)) as pilot:
        digits = app.query_one(BigDigits)
        assert digits.scale == 1
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert digits.scale == 4
        assert big_lines("2:00", 4)[0] in "\n".join(screen_lines(app))
        await pilot.resize_terminal(15, 4)
        await pilot.pause()
        assert digits.scale == 0
        assert sum(BLOCK in line for line in screen_lines(app)) == 0


class CountdownApp(App[None]):
    """A countdown of a fixed size, as a screen's CSS would give it."""

    CSS = "CountdownDisplay { width: 46; height: 14; }"

    def compose(self) -> ComposeResult:
        yield CountdownDisplay()


async def test_the_digits_are_as_tall_as_drawn_so_the_cue_sits_right_under_them() -> None:
    app = CountdownApp()
    async with app.run_test(size=(60, 20)) as pilot:
        digits = app.query_one(BigDigits)
        cue = app.query_one("#cue")
        digits.show("2:00")
        await pilot.pause()
        assert digits.scale == 2 and digits.outer_size.height == 10
        assert cue.region.y == digits.region.bottom
        digits.show("+0:15")  # wider: scale 2 no longer fits 44 columns
        await pilot.pause()
        assert digits.scale == 1 and digits.outer_size.height == 5
        assert cue.region.y == digits.region.bottom
        assert digit_rows(screen_lines(app)) == 5


# --- the presenter view ---------------------------------------------------------------------


def words_in_order(words: list[str], shown: str) -> bool:
    """Whether every word is on screen, each after the one before (so a cut tail shows up)."""
    at = 0
    for word in words:
        found = shown.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


def digit_rows(lines: list[str]) -> int:
    return sum(BLOCK in line for line in lines)


def assert_presenter_shows_all(app, lines: list[str]) -> None:
    """The phase, every word of the card and of the latest ideas, whole digits, the input; no key line, no agenda."""
    shown = " ".join(lines)
    live = app.live
    card = live.current_round.text
    assert words_in_order(card.split(), shown), f"card cut: {card!r}\n" + "\n".join(lines)
    ideas = [i for i in live.session.ideas if i.round == live.current_round.index][-PRESENTER_IDEAS:]
    assert len(ideas) == PRESENTER_IDEAS
    for number, idea in enumerate(ideas, len(IDEAS) - PRESENTER_IDEAS + 1):
        assert words_in_order([f"{number}.", *idea.text.split()], shown), f"idea cut: {idea.text!r}\n" + "\n".join(lines)
    assert f"WARM-UP · ROUND {live.round_number} OF {live.phase.rounds}" in shown
    countdown = app.screen.query_one(CountdownDisplay)
    digits = countdown.query_one(BigDigits)
    assert digits.scale >= 1
    for row in big_lines(format_clock(live.countdown.remaining()), digits.scale):
        assert row.strip() in shown  # every row of every glyph, whole
    assert "round time" in shown
    screen = app.screen
    stage = screen.query_one("#stage").region
    for part in ("#card", "#countdown"):  # not even a border or a row of padding is cut off
        assert stage.contains_region(screen.query_one(part).region), f"{part} is cut\n" + "\n".join(lines)
    assert screen.region.contains_region(screen.query_one("#latest").region)
    assert "Type an idea" in shown  # the input line, empty, with its placeholder
    assert "Next round" not in shown and "Presenter" not in shown  # the key line
    assert "▶" not in shown and not re.search(r"session \d+:\d\d left", shown)  # the agenda
    assert "1. customer chair" not in shown  # the full list of ideas is hidden


async def start_round_with_ideas(pilot, seed: str | None = None) -> RoundScreen:
    await pilot.press("enter")  # home: New session
    await pilot.pause()
    if seed is not None:
        pilot.app.screen.query_one("#seed").value = seed
    await pilot.press("enter")  # set-up: start
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RoundScreen)
    await type_fast(pilot, IDEAS[0], "enter")  # typed as a facilitator types
    field = screen.query_one("#idea-input")
    for idea in IDEAS[1:]:  # the rest as a paste lands: typing each key costs a journal write
        field.value = idea
        await pilot.press("enter")
    await pilot.pause()
    return screen


async def presenter_lines(store_path: Path, size: tuple[int, int], seed: str = "7") -> dict[str, list[str]]:
    """The presenter view at `size` for each card drawn; checked on the way."""
    app = make_app(Workspace(store_path=store_path), FakeClock())
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await start_round_with_ideas(pilot, seed)
        assert "Next round" in " ".join(screen_lines(app))  # the key line is there before F5
        await pilot.press("f5")
        await pilot.pause()
        for _ in range(DRAWS):
            lines = screen_lines(app)
            assert_presenter_shows_all(app, lines)
            seen[app.live.current_round.text] = lines
            await pilot.press("ctrl+d")
            await pilot.pause()
    assert len(seen) == DRAWS
    return seen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_presenter_view_shows_card_ideas_and_digits_whole(store_path: Path, size: tuple[int, int]) -> None:
    await presenter_lines(store_path, size)


async def test_presenter_digits_grow_with_the_terminal(store_path: Path) -> None:
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round_with_ideas(pilot)
        await pilot.press("f5")
        await pilot.pause()
        laptop = screen_lines(app)
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        projector = screen_lines(app)
        assert_presenter_shows_all(app, projector)
        assert digit_rows(laptop) >= 5
        assert digit_rows(projector) > digit_rows(laptop)


@pytest.mark.parametrize(("size", "scale"), [((80, 24), 1), ((200, 50), 3)])
async def test_normal_view_keeps_the_countdown_beside_the_card(store_path: Path, size: tuple[int, int], scale: int) -> None:
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=size) as pilot:
        screen = await start_round_with_ideas(pilot)
        card = screen.query_one("#card").region
        countdown = screen.query_one(CountdownDisplay).region
        assert countdown.x >= card.right and countdown.y < card.bottom  # beside, not below
        assert screen.query_one(BigDigits).scale == scale
        shown = " ".join(screen_lines(app))
        assert "Next round" in shown and "WARM-UP · ROUND" not in shown
        assert not screen.query_one("#latest").display and screen.query_one("#ideas").display


async def test_f5_toggles_the_presenter_view_and_back(store_path: Path) -> None:
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_round_with_ideas(pilot)
        before = screen.query_one(BigDigits).scale
        await pilot.press("f5")
        await pilot.pause()
        assert screen.query_one(BigDigits).scale > before  # the digits take the room they are given
        await pilot.press("f5")
        await pilot.pause()
        assert screen.query_one(BigDigits).scale == before
        shown = " ".join(screen_lines(app))
        assert "Next round" in shown and "WARM-UP · ROUND" not in shown


# --- the countdown's states -----------------------------------------------------------------


async def test_overtime_shows_the_sign_the_cue_and_a_frame_not_only_a_colour(store_path: Path) -> None:
    clock = FakeClock()
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_round_with_ideas(pilot)
        await pilot.press("f5")
        countdown = screen.query_one(CountdownDisplay)
        running_border = countdown.styles.border_top[0]
        clock.advance(app.live.countdown.seconds + 15)
        screen.tick()
        await pilot.pause()
        shown = " ".join(screen_lines(app))
        assert countdown.has_class("-overtime") and "TIME IS UP" in shown
        digits = countdown.query_one(BigDigits)
        assert digits.value == "+0:15" and digits.scale >= 1
        for row in big_lines("+0:15", digits.scale):
            assert row.strip() in shown
        assert countdown.styles.border_top[0] == "heavy" != running_border
        assert countdown.styles.background == Color.parse(app.get_css_variables()["error"])
        await pilot.press("ctrl+t")  # paused in overtime: calm, and says so
        await pilot.pause()
        assert countdown.has_class("-paused") and not countdown.has_class("-overtime")
        assert "PAUSED" in " ".join(screen_lines(app))


async def test_last_minute_is_said_in_words(store_path: Path) -> None:
    clock = FakeClock()
    app = make_app(Workspace(store_path=store_path), clock)
    async with app.run_test(size=(60, 18)) as pilot:
        screen = await start_round_with_ideas(pilot)
        await pilot.press("f5")
        clock.advance(app.live.countdown.seconds - 50)
        screen.tick()
        await pilot.pause()
        shown = " ".join(screen_lines(app))
        assert "LAST MINUTE" in shown and screen.query_one(CountdownDisplay).has_class("-last-minute")
        assert big_lines("0:50")[0].strip() in shown

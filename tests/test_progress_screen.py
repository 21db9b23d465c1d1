"""The progress screen, driven by keys in a small host app that hands it fabricated rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable, Select

from facilitator.screens.progress import ProgressScreen
from facilitator.summaries import ActionRow, SessionSummary
from facilitator.vocabulary import ActionStatus
from facilitator.widgets.progress_chart import EMPTY, ProgressChart
from tests.helpers import shown
from tests.test_progress import row, sample, summary


class Host(App[None]):
    """Stands in for the facilitator app: a plain screen below, the progress screen pushed on it."""

    def __init__(self, summaries: Sequence[SessionSummary], rows: Sequence[ActionRow], traits: dict[str, str], team: str | None) -> None:
        super().__init__()
        self.progress = ProgressScreen(summaries, rows, traits, team)

    def on_mount(self) -> None:
        self.push_screen(self.progress)


def host(team: str | None = "Blue") -> Host:
    summaries, rows, traits = sample()
    return Host(summaries, rows, traits, team)


def table(app: App, table_id: str) -> dict[str, list[str]]:
    """A table's rows as the person reads them: the name, then each number."""
    found = app.screen.query_one(f"#{table_id}", DataTable)
    rows = {}
    for index in range(found.row_count):
        cells = [str(cell) for cell in found.get_row_at(index)]
        rows[cells[0]] = cells[1:]
    return rows


def chart(app: App) -> ProgressChart:
    return app.screen.query_one(ProgressChart)


async def test_it_opens_on_the_given_team_with_its_numbers() -> None:
    app = host("blue")  # any case finds the team
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        assert isinstance(app.screen, ProgressScreen)
        assert app.progress.team == "Blue"
        assert [p.session for p in chart(app).points] == ["blue0001", "blue0002", "blue0003"]
        assert table(app, "routines") == {
            "budget review": ["1", "1", "0", "0", "100%"],
            "daily stand-up": ["3", "2", "0", "1", "67%"],
            "hiring": ["1", "1", "0", "0", "100%"],
            "one-to-ones": ["2", "0", "1", "1", "0%"],
            "Other": ["2", "0", "0", "2", "0%"],
        }
        assert table(app, "traits") == {
            "Customer top of mind": ["7", "3", "1", "3", "43%"],
            "Listening to customers": ["3", "2", "0", "1", "67%"],
            "unknown-deck": ["2", "1", "0", "1", "50%"],
        }
        assert table(app, "sessions") == {
            "2025-03-05": ["Blue in March", "2", "1", "1"],
            "2025-02-10": ["Blue in February", "3", "2", "1"],
            "2025-01-20": ["Blue kick-off", "4", "1", "2"],
        }
        screen = shown(app)
        assert "9 made · 4 done (44%) · 1 dropped · 4 open" in screen
        assert "Blue: actions per session   █ made   ▒ done" in screen
        assert "made" in screen and "done" in screen and "2025-01-20" in screen


async def test_t_and_shift_t_step_through_the_teams_and_everything_follows() -> None:
    app = host("Blue")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        await pilot.press("t")
        await pilot.pause()
        assert app.progress.team == "Green"
        assert app.screen.query_one("#team", Select).value == 2
        assert [p.session for p in chart(app).points] == ["green001"]
        assert chart(app).team == "Green"
        assert table(app, "routines") == {"daily stand-up": ["1", "0", "0", "1", "0%"], "demo": ["1", "1", "0", "0", "100%"]}
        assert table(app, "traits") == {"Listening to customers": ["2", "1", "0", "1", "50%"]}
        assert "2 made · 1 done (50%) · 0 dropped · 1 open" in shown(app)

        await pilot.press("t")  # past the last team: back to every team
        await pilot.pause()
        assert app.progress.team is None
        assert len(chart(app).points) == 4
        assert table(app, "routines")["daily stand-up"] == ["4", "2", "0", "2", "50%"]
        assert "All teams: actions per session" in shown(app)

        await pilot.press("T")
        await pilot.pause()
        assert app.progress.team == "Green"


async def test_the_team_list_chooses_a_team() -> None:
    app = host(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        select = app.screen.query_one("#team", Select)
        select.focus()
        await pilot.press("enter", "down", "enter")  # open the list, "Blue" under "All teams", choose
        await pilot.pause()

        assert app.progress.team == "Blue"
        assert table(app, "sessions").keys() == {"2025-03-05", "2025-02-10", "2025-01-20"}


async def test_escape_goes_back() -> None:
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)

        await pilot.press("escape")
        await pilot.pause()

        assert not isinstance(app.screen, ProgressScreen)
        assert len(app.screen_stack) == 1


async def test_without_actions_the_chart_says_so_and_there_is_no_team_to_step_to() -> None:
    app = Host([], [], {}, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        assert chart(app).has_class("-empty")
        assert EMPTY in shown(app)
        assert app.screen.check_action("next_team", ()) is None
        await pilot.press("t")
        assert app.progress.team is None


async def test_a_team_without_closed_sessions_opens_on_its_empty_chart() -> None:
    app = host("Red")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        assert app.progress.team == "Red"
        assert app.progress.choices == [None, "Blue", "Green", "Red"]
        assert EMPTY in shown(app)
        assert table(app, "routines") == {}


async def test_names_that_look_like_markup_show_literally() -> None:
    odd = summary("odd00001", date(2025, 1, 1), "[bold]Title[/]", "[red]Team[/]", ("[b]deck[/b]",))
    rows = [row("o1", odd, "[i]routine[/i]", ActionStatus.DONE)]
    app = Host([odd], rows, {}, "[red]Team[/]")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()

        screen = shown(app)
        for text in ("[red]Team[/]", "[i]routine[/i]", "[b]deck[/b]", "[bold]Title[/]", "[red]Team[/]: actions per session"):
            assert text in screen


async def test_the_wide_screen_puts_the_tables_beside_the_chart() -> None:
    app = host()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()

        chart_region = chart(app).region
        tables = app.screen.query_one("#progress-tables").region
        assert app.screen.has_class("-wide")
        assert tables.x >= chart_region.right and tables.y == chart_region.y
        assert chart_region.height >= 30


async def test_the_narrow_screen_puts_the_tables_below_the_chart() -> None:
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        assert app.screen.has_class("-narrow")
        assert app.screen.query_one("#progress-tables").region.y >= chart(app).region.bottom


def test_every_binding_has_an_id_a_description_and_a_tooltip() -> None:
    bindings = [b for b in ProgressScreen.BINDINGS if isinstance(b, Binding)]

    assert len(bindings) == len(ProgressScreen.BINDINGS)
    assert {b.id for b in bindings} == {"back", "next-team", "previous-team"}
    assert all(b.description and b.tooltip for b in bindings)


async def test_when_the_sessions_do_not_fit_the_chart_shows_the_latest_and_says_so() -> None:
    sessions = [summary(f"s{n:04}", date(2024, 1 + n // 28, 1 + n % 28), f"Session {n}", "Blue") for n in range(30)]
    rows = [row(f"a{n}", s, None, ActionStatus.DONE if n % 2 else ActionStatus.OPEN) for n, s in enumerate(sessions)]
    app = Host(sessions, rows, {}, "Blue")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        screen = shown(app)
        assert "Blue: latest 12 of 30 sessions" in screen
        assert "2024-02-02" in screen  # the latest session is always named
        assert len(chart(app).points) == 30  # the table below still has them all
        assert len(table(app, "sessions")) == 30

"""How a team keeps its commitments: made against done per session, and by routine and trait.

The screen is handed its rows (summaries, actions, the deck → trait names) and counts them with
`facilitator.progress`; it never reads the store. A team is chosen from a list or with `t`/`T`;
the chart and the tables below it (beside it on a wide screen) follow. Names are plain `Text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select, Static

from facilitator.progress import Share, Tally, progress, rate_text, team_label, teams
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.progress_chart import ProgressChart

COUNT_COLUMNS = (("Made", "made"), ("Done", "done"), ("Dropped", "dropped"), ("Open", "open"), ("Done %", "rate"))
SESSION_COLUMNS = (("Date", "date", 10), ("Session", "session", 24), ("Made", "made", 4), ("Done", "done", 4), ("Open", "open", 4))
"""Label, key and width: a long title is cut short so the numbers stay in sight."""


def _numbers(tally: Tally) -> list[Text]:
    values = (str(tally.made), str(tally.done), str(tally.dropped), str(tally.open), rate_text(tally))
    return [Text(value, justify="right") for value in values]


def totals_line(total: Tally) -> Text:
    """`9 made · 4 done (44%) · 1 dropped · 4 open`: a word beside every number."""
    return Text(f"{total.made} made · {total.done} done ({rate_text(total)}) · {total.dropped} dropped · {total.open} open")


class ProgressScreen(Screen[None]):
    """Progress of one team, or of all; Escape goes back."""

    CSS_PATH = "progress.tcss"
    SUB_TITLE = "Progress"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back", tooltip="Back to where you were"),
        Binding("t", "next_team", "Next team", id="next-team", tooltip="Show the next team's progress"),
        Binding("T", "previous_team", "Previous team", id="previous-team", tooltip="Show the previous team's progress"),
    ]

    team: reactive[str | None] = reactive(None, init=False)
    """The team shown; None for every team."""

    def __init__(
        self,
        summaries: Sequence[SessionSummary],
        rows: Sequence[ActionRow | ActionSummary],
        traits: Mapping[str, str],
        team: str | None = None,
    ) -> None:
        super().__init__()
        self.summaries = summaries
        self.rows = rows
        self.traits = traits
        self.choices: list[str | None] = [None, *teams(summaries)]
        """What the team list offers: every team first, then each team once."""
        if team is not None:
            same = [t for t in self.choices if t is not None and t.casefold() == team.casefold()]
            if not same:
                self.choices.append(team)  # a team without closed sessions yet: its empty chart
            team = same[0] if same else team
        self.set_reactive(ProgressScreen.team, team)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="progress-bar"):
            yield Label("Team", id="team-label")
            yield Select(
                [(Text(team_label(t)), index) for index, t in enumerate(self.choices)],
                value=self.choices.index(self.team),
                allow_blank=False,
                compact=True,
                id="team",
            )
            yield Static(id="totals")
        with VerticalScroll(id="progress-body"):
            yield ProgressChart(id="chart")
            with Vertical(id="progress-tables"):
                yield Static("By routine", classes="section-title")
                yield DataTable(id="routines", cursor_type="none", zebra_stripes=True)
                yield Static("By trait", classes="section-title")
                yield DataTable(id="traits", cursor_type="none", zebra_stripes=True)
                yield Static("Sessions", classes="section-title")
                yield DataTable(id="sessions", cursor_type="none", zebra_stripes=True)
        yield KeyLine()

    def on_mount(self) -> None:
        for table_id, first in (("#routines", "Routine"), ("#traits", "Trait")):
            table = self.query_one(table_id, DataTable)
            table.add_column(first, key="name")
            for label, key in COUNT_COLUMNS:
                table.add_column(label, key=key)
        sessions = self.query_one("#sessions", DataTable)
        for label, key, width in SESSION_COLUMNS:
            sessions.add_column(label, key=key, width=width)
        self.show(self.team)

    def watch_team(self, team: str | None) -> None:
        self.show(team)

    def show(self, team: str | None) -> None:
        """Count again for `team` and hand the result down to the chart and the tables."""
        found = progress(self.summaries, self.rows, self.traits, team=team)
        chart = self.query_one(ProgressChart)
        chart.team = team
        chart.points = found.sessions
        self.query_one("#totals", Static).update(totals_line(found.total))
        self._fill(self.query_one("#routines", DataTable), found.routines)
        self._fill(self.query_one("#traits", DataTable), found.traits)
        sessions = self.query_one("#sessions", DataTable)
        sessions.clear()
        for point in reversed(found.sessions):  # the latest first: the one people ask about
            tally = point.tally
            sessions.add_row(
                point.day.isoformat(),
                Text(point.title, no_wrap=True, overflow="ellipsis"),
                *(Text(str(n), justify="right") for n in (tally.made, tally.done, tally.open)),
                key=point.session,
            )

    @staticmethod
    def _fill(table: DataTable, shares: Sequence[Share]) -> None:
        table.clear()
        for share in shares:
            table.add_row(Text(share.name), *_numbers(share.tally), key=share.name.casefold())

    # --- choosing a team -----------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "team" and isinstance(event.value, int):
            self.team = self.choices[event.value]

    def _step(self, by: int) -> None:
        select = self.query_one("#team", Select)
        here = select.value if isinstance(select.value, int) else 0
        select.value = (here + by) % len(self.choices)

    def action_next_team(self) -> None:
        self._step(1)

    def action_previous_team(self) -> None:
        self._step(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stepping through teams needs more than one thing to step to; it is shown greyed out."""
        if action in ("next_team", "previous_team") and len(self.choices) < 2:
            return None
        return True

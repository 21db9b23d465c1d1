"""The home screen: the decks that loaded and the sessions saved so far."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from facilitator.workspace import Workspace


class HomeScreen(Screen[None]):
    """Where every visit starts: what can be run, and what was run before."""

    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("tab", "focus_next", "Next list", id="next-list", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-panes"):
            with Vertical(id="sessions-pane"):
                yield Static("Saved sessions", classes="pane-title")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static("", id="sessions-empty", classes="empty")
            with Vertical(id="decks-pane"):
                yield Static("Decks", classes="pane-title")
                yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "facilitator"
        self.sub_title = "customer-reflection workshops"
        self._fill_decks()
        self._fill_sessions()

    def _fill_decks(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_columns("Deck", "Cards")
        for deck in sorted(self.workspace.decks, key=lambda d: d.title.casefold()):
            table.add_row(Text(deck.title), len(deck.prompts), key=deck.id)
        problems = self.workspace.decks.problems + self.workspace.plans.problems
        notice = self.query_one("#problems", Static)
        notice.display = bool(problems)
        if problems:
            lines = [f"Skipped {p}" for p in problems[:3]]
            if len(problems) > 3:
                lines.append(f"... and {len(problems) - 3} more (facilitator decks list)")
            notice.update(Text("\n".join(lines)))

    def _fill_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Date", "Team", "Session", "Ideas", "Open actions")
        sessions = self.workspace.store.sessions()
        for session in sessions:
            table.add_row(
                session.created.strftime("%Y-%m-%d"),
                Text(session.team or "-"),
                Text(session.title),
                len(session.ideas),
                len(session.open_actions),
                key=session.id,
            )
        empty = self.query_one("#sessions-empty", Static)
        empty.display = not sessions
        empty.update("No sessions yet.")

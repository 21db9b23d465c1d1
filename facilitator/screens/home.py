"""The home screen: start or resume a session, and the sessions saved so far."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from facilitator.engine.live import current_sessions
from facilitator.models import Session, SessionStatus
from facilitator.workspace import Workspace


class HomeScreen(Screen[None]):
    """Where every visit starts: what can be run, and what was run before."""

    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("n", "new_session", "New session", id="new-session"),
        Binding("r", "resume", "Resume", id="resume"),
        Binding("a", "archive", "Archive", id="archive"),
    ]

    @dataclass
    class Resume(Message):
        session: Session

    @dataclass
    class Archive(Message):
        """Put away an abandoned live session (the app asks first)."""

        session: Session

    class NewSession(Message):
        pass

    @dataclass
    class Open(Message):
        session: Session

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.sessions: list[Session] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-actions"):
            yield Button("New session (n)", id="new", variant="primary")
            yield Button("Resume (r)", id="resume")
            yield Static("", id="open-count")
        with Horizontal(id="home-panes"):
            with Vertical(id="sessions-pane"):
                yield Static("Saved sessions (Enter shows the action list, or resumes a live one)", classes="pane-title")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static("No sessions yet. Press n to run the first one.", id="sessions-empty", classes="empty")
            with Vertical(id="decks-pane"):
                yield Static("Decks", classes="pane-title")
                yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "customer-reflection workshops"
        self.query_one("#sessions", DataTable).add_columns("Date", "Status", "Team", "Ideas", "Open", "Session")
        self.query_one("#decks", DataTable).add_columns("Deck", "Cards")
        self._fill_decks()
        self.reload()
        self.query_one("#new", Button).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event) -> None:
        """On a narrow terminal the sessions get the whole width; the decks are in set-up too."""
        self.query_one("#decks-pane").display = event.size.width >= 110

    def _fill_decks(self) -> None:
        table = self.query_one("#decks", DataTable)
        for deck in sorted(self.workspace.decks, key=lambda d: d.title.casefold()):
            table.add_row(Text(deck.title), len(deck.prompts), key=deck.id)

    def _show_problems(self, store_problems: list[str]) -> None:
        """Files and records that were skipped, so nothing goes missing without a word."""
        problems = [*self.workspace.decks.problems, *self.workspace.plans.problems, *store_problems]
        notice = self.query_one("#problems", Static)
        notice.display = bool(problems)
        lines = [f"Skipped {p}" for p in problems[:3]]
        if len(problems) > 3:
            lines.append(f"... and {len(problems) - 3} more (facilitator decks list / sessions list)")
        notice.update(Text("\n".join(lines)))

    def reload(self) -> None:
        """Read the sessions again: after a session ends, or an action is marked elsewhere."""
        store = self.workspace.store
        self.sessions = current_sessions(store)
        self._show_problems(store.problems)
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in self.sessions:
            table.add_row(
                session.created.astimezone().strftime("%Y-%m-%d"),
                session.status.value,
                Text(session.team or "-"),
                len(session.ideas),
                len(session.open_actions),
                Text(session.title),
                key=session.id,
            )
        self.query_one("#sessions-empty", Static).display = not self.sessions
        open_actions = sum(len(s.open_actions) for s in self.sessions)
        self.query_one("#open-count", Static).update(Text(f"{open_actions} open actions across {len(self.sessions)} sessions"))
        self.query_one("#resume", Button).display = bool(self._live())
        self.refresh_bindings()

    def _live(self) -> list[Session]:
        return [s for s in self.sessions if s.status is SessionStatus.LIVE]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return bool(self._live())
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new":
            self.action_new_session()
        elif event.button.id == "resume":
            self.action_resume()

    def action_new_session(self) -> None:
        self.post_message(self.NewSession())

    def action_resume(self) -> None:
        """Resume the highlighted session if it is unfinished, else the newest unfinished one."""
        live = self._live()
        table = self.query_one("#sessions", DataTable)
        if table.row_count and table.cursor_row is not None:
            highlighted = self.sessions[table.cursor_row]
            if highlighted in live:
                live = [highlighted]
        if live:
            self.post_message(self.Resume(live[0]))

    def action_archive(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count or table.cursor_row is None:
            return
        session = self.sessions[table.cursor_row]
        if session.status is not SessionStatus.LIVE:
            self.notify("Only an unfinished session can be archived.", timeout=3)
            return
        self.post_message(self.Archive(session))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a finished session shows its action list; on an unfinished one, resumes it."""
        if event.data_table.id == "sessions":
            session = next(s for s in self.sessions if s.id == event.row_key.value)
            live = session.status is SessionStatus.LIVE
            self.post_message(self.Resume(session) if live else self.Open(session))

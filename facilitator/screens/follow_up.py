"""Follow-up: the team's open actions from earlier sessions, each settled with one key."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.models import ActionStatus
from facilitator.screens.phase import PhaseScreen
from facilitator.store import ActionRow
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.lists import refill

MARKS = {ActionStatus.OPEN: "[ ] still open", ActionStatus.DONE: "[✓] done", ActionStatus.DROPPED: "[–] dropped"}


def follow_up_line(row: ActionRow) -> Text:
    action = row.action
    text = Text()
    text.append(f"{MARKS[action.status]:<15}", style="bold")
    text.append(action.text)
    details = [d for d in (action.owner, action.routine, action.due and f"due {action.due}") if d]
    if details:
        text.append("  — " + " · ".join(str(d) for d in details), style="italic")
    return text


class FollowUpScreen(PhaseScreen):
    CSS_PATH = "follow_up.tcss"
    BINDINGS = [
        Binding("d", "mark('done')", "Done", id="done"),
        Binding("o", "mark('open')", "Still open", id="open"),
        Binding("x", "mark('dropped')", "Dropped", id="dropped"),
    ]

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static("Follow-up: what became of our earlier actions?", classes="screen-title")
        yield Static("", id="empty")
        yield OptionList(id="earlier", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.rows = self.live.earlier_open_actions()
        super().on_mount()
        self.refresh_view()
        self.query_one("#earlier", OptionList).focus()

    def refresh_view(self) -> None:
        listing = self.query_one("#earlier", OptionList)
        refill(listing, (Option(follow_up_line(r), id=r.action.id) for r in self.rows))
        empty = self.query_one("#empty", Static)
        empty.display = not self.rows
        empty.update(Text(f"No open actions from earlier sessions of team {self.live.session.team or '(no team)'}."))
        super().refresh_view()

    def action_mark(self, status: str) -> None:
        listing = self.query_one("#earlier", OptionList)
        if listing.highlighted is None:
            return
        row = self.rows[listing.highlighted]
        self.rows[listing.highlighted] = self.live.mark_earlier(row.action.id, ActionStatus(status))
        self.refresh_view()
        if listing.highlighted is not None and listing.highlighted < len(self.rows) - 1:
            listing.highlighted += 1

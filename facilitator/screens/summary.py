"""The action list grouped by routine: shown at close and when a saved session is opened."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from facilitator.models import Session

NO_ROUTINE = "No routine given"


def summary_text(session: Session) -> Text:
    """Every action under its routine, with owner, cadence, due date and measure; all plain text."""
    text = Text()
    text.append(session.title, style="bold")
    details = [d for d in (session.team, session.created.strftime("%Y-%m-%d"), session.facilitator) if d]
    text.append("\n" + " · ".join(details) + "\n", style="dim")
    if not session.actions:
        text.append("\nNo actions were agreed.\n")
        return text
    groups: dict[str, list] = {}
    for action in session.actions:
        groups.setdefault(action.routine or NO_ROUTINE, []).append(action)
    for routine in sorted(groups, key=lambda r: (r == NO_ROUTINE, r.casefold())):
        text.append(f"\n{routine}\n", style="bold underline")
        for action in groups[routine]:
            mark = {"open": "•", "done": "✓", "dropped": "–"}[action.status.value]
            text.append(f" {mark} ")
            text.append(action.text)
            meta = [m for m in (action.owner, action.cadence.value, action.due and f"due {action.due}") if m]
            text.append("  (" + ", ".join(str(m) for m in meta) + ")", style="italic")
            if action.measure:
                text.append("\n     we will know by: ", style="dim")
                text.append(action.measure)
            text.append("\n")
    return text


class SummaryScreen(Screen[None]):
    """A session's action list; Escape goes back."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="back")]

    def __init__(self, session: Session, heading: str = "Action list") -> None:
        super().__init__()
        self.session = session
        self.heading = heading

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-scroll"):
            yield Static(Text(self.heading, style="bold reverse"), id="heading")
            yield Static(summary_text(self.session), id="summary")
        yield Footer()

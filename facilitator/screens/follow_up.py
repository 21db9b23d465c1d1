"""Follow-up: the team's open actions from earlier sessions, each settled in place.

Done, still open or dropped with one key; a new date or a new owner when the room agrees one.
Every change is written to the action's own session at once, read afresh under the store's
lock: if the action was changed elsewhere since it was shown (another window, or
`facilitator actions done` in a shell), nothing is written and the line shows it as it is now.
"""

from __future__ import annotations

from datetime import date

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitator.models import ActionStatus
from facilitator.screens.modals import TextModal
from facilitator.screens.phase import PhaseScreen
from facilitator.store import ActionRow, StaleAction
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging, refill

MARKS = {ActionStatus.OPEN: "[ ] still open", ActionStatus.DONE: "[✓] done", ActionStatus.DROPPED: "[–] dropped"}


def follow_up_line(row: ActionRow) -> RenderableType:
    """The action, its owner, routine and date, and how the team said it would know it worked;
    all of it wraps under the action's text, so the marks stay a clean column."""
    action = row.action
    text = Text(action.text)
    details = [d for d in (action.owner, action.routine, action.due and f"due {action.due}") if d]
    if details:
        text.append("  — " + " · ".join(str(d) for d in details), style="italic")
    if action.measure:
        text.append("\nwe will know by: ", style="dim")
        text.append(action.measure)
    return hanging(Text(f"{MARKS[action.status]:<14}", style="bold"), text)


def parse_due(raw: str) -> date | None:
    return date.fromisoformat(raw) if raw else None


def due_problem(raw: str) -> str | None:
    try:
        parse_due(raw)
    except ValueError:
        return "Use a date like 2026-12-01, or leave it empty for no date."
    return None


class FollowUpScreen(PhaseScreen):
    CSS_PATH = "follow_up.tcss"
    BINDINGS = [
        Binding("d", "mark('done')", "Done", id="done", tooltip="The highlighted action is done"),
        Binding("o", "mark('open')", "Still open", id="open", tooltip="The highlighted action is still open"),
        Binding("x", "mark('dropped')", "Dropped", id="dropped", tooltip="The team dropped the highlighted action"),
        Binding("t", "redate", "New date", id="redate", tooltip="Give the highlighted action a new date"),
        Binding("w", "reown", "New owner", id="reown", tooltip="Give the highlighted action a new owner"),
    ]

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static("Follow-up: what became of our earlier actions?", classes="screen-title")
        yield Static("", id="empty")
        yield OptionList(id="earlier", markup=False)
        yield KeyLine()

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

    def _highlighted(self) -> tuple[int, ActionRow] | None:
        listing = self.query_one("#earlier", OptionList)
        if listing.highlighted is None or not self.rows:
            return None
        return listing.highlighted, self.rows[listing.highlighted]

    def _settle(self, index: int, row: ActionRow, **changes: object) -> bool:
        """Write one change; True if it was written, else the line now shows the action as stored."""
        try:
            self.rows[index] = self.live.settle_earlier(row, **changes)
        except StaleAction as exc:
            self.rows[index] = exc.row
            self.notify(
                f"“{row.action.text}” is {exc.row.action.status.value} now (another window or the command line). "
                "Nothing was changed here; the line shows it as it is. Press the key again to change it.",
                title="Changed elsewhere",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self.refresh_view()
            return False
        except LookupError as exc:
            self.notify(f"Not changed: {exc}.", severity="error", timeout=8, markup=False)
            return False
        except OSError as exc:  # a full disk or a read-only store: nothing was written
            reason = exc.strerror or str(exc)
            self.notify(f"Not saved ({reason}): “{row.action.text}” is unchanged. Try again once the disk takes it.", severity="error", timeout=10, markup=False)
            return False
        self.refresh_view()
        return True

    def action_mark(self, status: str) -> None:
        found = self._highlighted()
        if found is None:
            return
        index, row = found
        if self._settle(index, row, status=ActionStatus(status)):
            listing = self.query_one("#earlier", OptionList)
            if index < len(self.rows) - 1:
                listing.highlighted = index + 1

    def action_redate(self) -> None:
        found = self._highlighted()
        if found is None:
            return
        index, row = found

        def answered(raw: str | None) -> None:
            if raw is not None:
                self._settle(index, row, due=parse_due(raw))

        current = row.action.due.isoformat() if row.action.due else ""
        self.app.push_screen(TextModal(f"New date for “{row.action.text}” (YYYY-MM-DD, empty for none):", current, allow_empty=True, check=due_problem), answered)

    def action_reown(self) -> None:
        found = self._highlighted()
        if found is None:
            return
        index, row = found

        def answered(owner: str | None) -> None:
            if owner is not None:
                self._settle(index, row, owner=owner or None)

        names = [*self.live.session.participants, *(r.action.owner for r in self.rows if r.action.owner)]
        self.app.push_screen(
            TextModal(f"Who owns “{row.action.text}” now? (empty for nobody)", row.action.owner or "", allow_empty=True, suggestions=names),
            answered,
        )

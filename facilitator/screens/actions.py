"""Every action across sessions, narrowed by team, owner, routine, status and overdue, settled in place.

The rows are the store's (`actions()`, from its index), read in a worker with what the filters
compare worked out once per row; the filters then run in memory, with the store's rule (names in
any case; an empty name means none given). The filter line is a row of small lists at the top, and
the keys that matter most skip it: `s` steps through the statuses, `!` shows only what is overdue.
The open actions are shown first, soonest due first. An action of a session that was never closed
is a draft, not a commitment: it is listed only when drafts (or any status) are asked for. A
change is written at once (see `action_edits`) and the row then shows the action as stored.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Header, Select, Static

from facilitator.engine.clock import Clock
from facilitator.exporting import ACTION_LIST_FORMATS, actions_export
from facilitator.models import ActionStatus, SessionStatus
from facilitator.screens.action_edits import ACTION_BINDINGS, ActionEditingScreen, Target, due_text, status_text
from facilitator.screens.export_choice import EXPORT_BINDING, ask_and_export
from facilitator.screens.home import counted
from facilitator.store import ActionRow, Store
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.paged_table import Column, PagedTable

ANY = "\x00any"
"""The value of "any team" (and owner, routine, status): no name can hold a control character."""
DRAFT = "draft"
"""An action of a session that was not closed: still running, or archived before it was agreed."""
STATUS_CHOICES: list[str | None] = [*(s.value for s in ActionStatus), DRAFT, None]
COLUMNS = [
    Column("due", "Due", 10),
    Column("status", "Status", 9),
    Column("text", "Action", 24, flex=4),
    Column("owner", "Owner", 8, flex=1, keep=1),
    Column("routine", "Routine", 12, flex=1, keep=2),
    Column("team", "Team", 10, flex=1, keep=3),
    Column("session", "Session", 14, flex=2, keep=4),
]
"""At 80 columns due, status, action, owner and routine are shown."""


@dataclass(frozen=True, slots=True)
class Listed:
    """One action as the list shows it, with what the filters compare, folded once."""

    row: ActionRow
    status: str
    """open, done, dropped, or draft."""
    team: str
    owner: str
    routine: str
    overdue: bool

    @property
    def key(self) -> str:
        return f"{self.row.session.id}/{self.row.action.id}"


def listed(row: ActionRow, today: date) -> Listed:
    action = row.action
    draft = row.session.status is not SessionStatus.CLOSED
    return Listed(
        row,
        DRAFT if draft else action.status.value,
        row.session.team.casefold(),
        (action.owner or "").casefold(),
        (action.routine or "").casefold(),
        not draft and action.is_overdue(today),
    )


@dataclass(frozen=True)
class ActionFilter:
    """What the filter line asks for: a status (or None for any), and folded names ("" for none
    given, None for any)."""

    status: str | None = ActionStatus.OPEN.value
    team: str | None = None
    owner: str | None = None
    routine: str | None = None
    overdue: bool = False


def filtered(rows: Sequence[Listed], wanted: ActionFilter) -> list[Listed]:
    """The rows the filter admits, in their order: one pass per filter asked for."""
    found = list(rows)
    if wanted.status is not None:
        found = [r for r in found if r.status == wanted.status]
    if wanted.team is not None:
        found = [r for r in found if r.team == wanted.team]
    if wanted.owner is not None:
        found = [r for r in found if r.owner == wanted.owner]
    if wanted.routine is not None:
        found = [r for r in found if r.routine == wanted.routine]
    if wanted.overdue:
        found = [r for r in found if r.overdue]
    return found


def names(values: Sequence[str | None]) -> list[tuple[str, str]]:
    """(folded name, name as first written) of each name once, alphabetically; ("", "") for none."""
    found: dict[str, str] = {}
    for value in values:
        found.setdefault((value or "").casefold(), value or "")
    return sorted(found.items(), key=lambda pair: (pair[0] == "", pair[0]))


def cells(item: Listed) -> list[Text]:
    action, session = item.row.action, item.row.session
    return [
        due_text(action.due, item.overdue),
        Text("○ draft", style="dim") if item.status == DRAFT else status_text(action.status, item.overdue),
        Text(action.text),
        Text(action.owner or "nobody", style="" if action.owner else "dim"),
        Text(action.routine or "none", style="" if action.routine else "dim"),
        Text(session.team or "no team", style="" if session.team else "dim"),
        Text(session.title),
    ]


def details(item: Listed) -> Text:
    """The highlighted action whole, wrapped: what a narrow table leaves out."""
    action, session = item.row.action, item.row.session
    text = Text()
    text.append(action.text, style="bold")
    if item.overdue:
        state = f"⚠ overdue since {action.due}"
    elif item.status == DRAFT:
        running = session.status is SessionStatus.LIVE
        state = "a draft: its session is still running" if running else "a draft never agreed: its session was archived"
    else:
        state = action.status.value + (f" · due {action.due}" if action.due else " · no due date")
    facts = [
        state,
        f"owner {action.owner}" if action.owner else "no owner",
        f"routine {action.routine}" if action.routine else "no routine",
        action.cadence.value,
    ]
    text.append("\n" + " · ".join(facts), style="bold" if item.overdue else "")
    text.append("\nFrom ", style="italic")
    text.append(f"“{session.title}”")
    text.append(f" ({session.created.astimezone():%Y-%m-%d}, " + (f"team {session.team})" if session.team else "no team)"), style="italic")
    if action.measure:
        text.append(" · we will know by: ", style="italic")
        text.append(action.measure)
    return text


class ActionsScreen(ActionEditingScreen):
    """Actions across sessions; Enter opens the highlighted action's session, Escape goes back."""

    CSS_PATH = "actions.tcss"
    SUB_TITLE = "Actions across sessions"
    BINDINGS = [
        *ACTION_BINDINGS,
        Binding("s", "next_status", "Status shown", id="next-status", tooltip="Show open, done, dropped, draft or all actions, in turn"),
        Binding("exclamation_mark", "toggle_overdue", "Overdue only", id="overdue", key_display="!", tooltip="Show only open actions past their due date, or all again"),
        EXPORT_BINDING,
        Binding("f", "focus_filters", "Filters", id="filters", tooltip="Choose a team, owner or routine (Tab moves on, Escape comes back)"),
        Binding("enter", "open", "Session", id="open", priority=True, tooltip="Open the highlighted action's session"),
        Binding("escape", "back", "Back", id="back", tooltip="From the filters to the table; from the table, back"),
    ]

    @dataclass
    class Loaded(Message):
        """The actions were read (in a worker)."""

        rows: list[Listed]

    @dataclass
    class Open(Message):
        """Show the session an action came from."""

        session_id: str

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock)
        self.rows: list[Listed] = []
        """Every action, soonest due first."""
        self.shown: list[Listed] = []
        self.wanted = ActionFilter()
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="actions-filters"):
            yield Select(self._status_options(), value=ActionStatus.OPEN.value, allow_blank=False, compact=True, id="filter-status")
            yield Select([(Text("any team"), ANY)], value=ANY, allow_blank=False, compact=True, id="filter-team")
            yield Select([(Text("any owner"), ANY)], value=ANY, allow_blank=False, compact=True, id="filter-owner")
            yield Select([(Text("any routine"), ANY)], value=ANY, allow_blank=False, compact=True, id="filter-routine")
            yield Checkbox("overdue", compact=True, id="filter-overdue")
        yield Static("Reading the actions…", id="actions-count")
        yield PagedTable(COLUMNS, cells, lambda item: item.key, id="actions-table")
        yield Static("", id="actions-empty")
        yield Static("", id="actions-detail")
        yield KeyLine()

    @staticmethod
    def _status_options() -> list[tuple[Text, str]]:
        return [(Text({DRAFT: "drafts"}.get(s, s) if s else "any status"), s or ANY) for s in STATUS_CHOICES]

    @property
    def table(self) -> PagedTable[Listed]:
        return self.query_one("#actions-table", PagedTable)

    def on_mount(self) -> None:
        self.table.focus()

    def on_screen_resume(self) -> None:
        """Read the actions again: one may have changed in a session opened from here."""
        self.load()

    @work(thread=True, exclusive=True, group="actions-load")
    def load(self) -> None:
        today = self.today
        self.post_message(self.Loaded([listed(row, today) for row in self.store.actions()]))

    def on_actions_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self.loaded = True
        gc.freeze()  # as the review screen does: tens of thousands of rows stay alive while it is up
        self._fill_choices()
        self.refilter()

    def _fill_choices(self) -> None:
        """The teams, owners and routines there are, each once; a choice made stays if it still is."""
        for select_id, label, values in (
            ("filter-team", "team", [r.row.session.team for r in self.rows]),
            ("filter-owner", "owner", [r.row.action.owner for r in self.rows]),
            ("filter-routine", "routine", [r.row.action.routine for r in self.rows]),
        ):
            select = self.query_one(f"#{select_id}", Select)
            chosen = select.value
            options = [(Text(f"any {label}"), ANY)]
            options += [(Text(f"{label} {name}" if name else f"no {label}"), folded) for folded, name in names(values)]
            with self.prevent(Select.Changed):
                select.set_options(options)
                select.value = chosen if any(value == chosen for _, value in options) else ANY

    # --- what is shown -----------------------------------------------------------------------

    def refilter(self, keep: str | None = None) -> None:
        """Show the actions the filters admit; the cursor stays on `keep`, else on its row."""
        table = self.table
        current = table.current
        self.shown = filtered(self.rows, self.wanted)
        table.show(self.shown, keep=keep or (current.key if current else None))
        self.query_one("#actions-count", Static).update(Text(f"{len(self.shown)} of {counted(len(self.rows), 'action')} shown"))
        table.display = bool(self.shown)
        empty = self.query_one("#actions-empty", Static)
        if self.shown and self.focused is None:  # the table was hidden while nothing matched
            table.focus()
        empty.display = not self.shown
        empty.update(Text("No actions saved yet." if not self.rows else "No action matches these filters. Press s for another status, f to change the others."))
        self.show_details()
        self.refresh_bindings()

    def show_details(self) -> None:
        current = self.table.current if self.shown else None
        detail = self.query_one("#actions-detail", Static)
        detail.display = current is not None
        if current is not None:
            detail.update(details(current))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_details()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()  # a click on the highlighted row

    def on_select_changed(self, event: Select.Changed) -> None:
        chosen = None if event.value == ANY or not isinstance(event.value, str) else event.value
        wanted = self.wanted
        match event.select.id:
            case "filter-status":
                self.wanted = replace(wanted, status=chosen)
            case "filter-team":
                self.wanted = replace(wanted, team=chosen)
            case "filter-owner":
                self.wanted = replace(wanted, owner=chosen)
            case "filter-routine":
                self.wanted = replace(wanted, routine=chosen)
            case _:
                return
        if self.loaded:
            self.refilter()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.wanted = replace(self.wanted, overdue=event.value)
        if self.loaded:
            self.refilter()

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":  # a priority key, so the table's own Enter does not hide it; a list's Enter is the list's
            if self.focused is not self.table:
                return False
            return True if self.target() is not None else None
        return super().check_action(action, parameters)

    def action_next_status(self) -> None:
        """Open, done, dropped, drafts, any, and round again."""
        position = STATUS_CHOICES.index(self.wanted.status)
        following = STATUS_CHOICES[(position + 1) % len(STATUS_CHOICES)]
        self.query_one("#filter-status", Select).value = following or ANY

    def action_toggle_overdue(self) -> None:
        self.query_one("#filter-overdue", Checkbox).toggle()

    def action_focus_filters(self) -> None:
        self.query_one("#filter-team", Select).focus()

    def action_export(self) -> None:
        """The actions as shown, with the filters chosen: a list to send the team."""
        rows = [listed.row for listed in self.shown]
        if not rows:
            self.notify("No action is shown, so there is nothing to export.", severity="warning", timeout=5, markup=False)
            return
        ask_and_export(self, f"these {len(rows)} actions", ACTION_LIST_FORMATS, lambda fmt: actions_export(rows, fmt))

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and focused is not self.table and (focused.id or "").startswith("filter-"):
            self.table.focus()
        else:
            self.app.pop_screen()

    def action_open(self) -> None:
        current = self.table.current if self.shown else None
        if current is not None:
            self.post_message(self.Open(current.row.session.id))

    # --- changing actions ---------------------------------------------------------------------

    def target(self) -> Target | None:
        current = self.table.current if self.shown else None
        if current is None:
            return None
        action, session = current.row.action, current.row.session
        return Target(action.id, action.text, action.state, session.title, session.status, session.damaged)

    def owner_names(self) -> list[str]:
        return [r.row.action.owner for r in self.rows if r.row.action.owner]

    def changed(self, action_id: str, row: ActionRow | None) -> None:
        """Show the action as the store now holds it; when that is not known, read them all again."""
        if row is None:
            self.load()
            return
        fresh = listed(row, self.today)
        current = self.table.current
        self.rows = [fresh if r.key == fresh.key else r for r in self.rows]
        self.refilter(keep=fresh.key if current is not None and current.key == fresh.key else None)

"""Review: every saved session in one table, newest first, sorted by any column, narrowed by typing.

The rows are the store's summaries (its index: milliseconds at any size), read in a worker. The
filter runs in memory on them: each session's title, team, traits, owners and routines, folded to
one lowercase string once, must hold every word typed. The table adds rows a page at a time, so
narrowing 10,000 sessions costs what narrowing 200 does. The columns that do not fit a narrow
screen are left out; the line under the table shows the highlighted session whole.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from facilitator.engine.live import fresh_session
from facilitator.exporting import SUFFIXES, Export, session_export, team_export
from facilitator.models import Deck
from facilitator.screens.export_choice import ask_and_export
from facilitator.screens.home import counted
from facilitator.summaries import SessionSummary
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.paged_table import PAGE, Column, PagedTable
from facilitator.widgets.text_input import TextInput
from facilitator.workspace import Workspace

DAMAGED = "damaged"
COLUMNS = [
    Column("date", "1 Date", 10),
    Column("title", "2 Title", 24, flex=3),
    Column("team", "3 Team", 8, flex=1, keep=1),
    Column("plan", "4 Plan", 10, flex=1, keep=6),
    Column("traits", "5 Traits", 16, flex=4, keep=3),
    Column("ideas", "6 Ideas", 7, keep=5, justify="right"),
    Column("actions", "7 Actions", 9, keep=4, justify="right"),
    Column("done", "8 Done/open", 11, keep=2, justify="right"),
    Column("status", "9 Status", 8, keep=1),
]
"""Keys 1 to 9 sort by these; at 80 columns date, title, team, done/open and status are shown."""


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One session as the review lists it: its summary, its traits by name, and what a filter searches."""

    summary: SessionSummary
    traits: tuple[str, ...]
    searched: str

    @property
    def status(self) -> str:
        return DAMAGED if self.summary.damaged else self.summary.status.value


def deck_traits(decks: Iterable[Deck]) -> dict[str, str]:
    """Deck id → the trait it is about, for showing a session's decks by what they mean."""
    return {deck.id: deck.trait for deck in decks}


def trait_names(decks: Sequence[str], traits: Mapping[str, str]) -> tuple[str, ...]:
    """The traits of a session's decks, by name; a deck not known here by its id."""
    return tuple(traits.get(deck, deck) for deck in decks)


def reviewed(summary: SessionSummary, traits: Mapping[str, str]) -> Reviewed:
    names = trait_names(summary.decks, traits)
    fields = (summary.title, summary.team, *names, *summary.owners, *summary.routines)
    return Reviewed(summary, names, "\n".join(fields).casefold())  # a word never spans two fields


def words_of(query: str) -> list[str]:
    return query.casefold().split()


def narrowed(rows: Sequence[Reviewed], words: Sequence[str]) -> list[Reviewed]:
    """The rows whose title, team, traits, owners or routines hold every word (any case)."""
    found = list(rows)
    for word in words:  # a list per word: several times quicker than `all(...)` per row
        found = [row for row in found if word in row.searched]
    return found


SORT_KEYS: dict[str, Callable[[Reviewed], Any]] = {
    "date": lambda r: r.summary.created,
    "title": lambda r: r.summary.title.casefold(),
    "team": lambda r: r.summary.team.casefold(),
    "plan": lambda r: r.summary.plan.casefold(),
    "traits": lambda r: "; ".join(r.traits).casefold(),
    "ideas": lambda r: r.summary.ideas,
    "actions": lambda r: r.summary.actions,
    "done": lambda r: (r.summary.open, r.summary.done),
    "status": lambda r: r.status,
}
MOST_FIRST = {"date", "ideas", "actions", "done"}
"""Columns that sort newest or largest first the first time their key is pressed."""


def ordered(rows: Sequence[Reviewed], column: str, reverse: bool) -> list[Reviewed]:
    return sorted(rows, key=SORT_KEYS[column], reverse=reverse)


def cells(row: Reviewed) -> list[Text]:
    s = row.summary
    return [
        Text(s.created.astimezone().strftime("%Y-%m-%d")),
        Text(s.title),
        Text(s.team or "no team", style="" if s.team else "dim"),
        Text(s.plan),
        Text("; ".join(row.traits) or "none", style="" if row.traits else "dim"),
        Text(str(s.ideas)),
        Text(str(s.actions)),
        Text(f"{s.done} / {s.open}"),
        Text(row.status, style="bold" if s.damaged else ""),
    ]


def details(row: Reviewed) -> Text:
    """The highlighted session whole, wrapped: what a narrow table leaves out."""
    s = row.summary
    text = Text()
    text.append(s.title, style="bold")
    facts = [
        s.created.astimezone().strftime("%Y-%m-%d"),
        f"team {s.team}" if s.team else "no team",
        row.status,
        f"plan {s.plan}",
        counted(s.ideas, "idea"),
        f"{counted(s.actions, 'action')}: {s.done} done, {s.open} open, {s.dropped} dropped",
    ]
    text.append("\n" + " · ".join(facts))
    text.append("\nTraits: ", style="bold")
    text.append("; ".join(row.traits) or "none")
    if s.owners:
        text.append("  Owners: ", style="bold")
        text.append(", ".join(s.owners))
    if s.routines:
        text.append("  Routines: ", style="bold")
        text.append(", ".join(s.routines))
    if s.damage:
        more = f" and {len(s.damage) - 1} more" if len(s.damage) > 1 else ""
        text.append(f"\nDamaged in the store: could not read {s.damage[0]}{more}. It can be looked at, not changed.", style="bold")
    return text


def sort_bindings() -> list[Binding]:
    """`1` to `9` sort by the column of that number; one line in the key line says so."""
    first, *rest = COLUMNS
    return [
        Binding("1", f"sort('{first.key}')", "Sort", id="sort", key_display="1-9",
                tooltip="Sort by a column: press its number (again to reverse), or click its header"),
        *(Binding(str(n), f"sort('{c.key}')", show=False, id=f"sort-{c.key}") for n, c in enumerate(rest, start=2)),
    ]


class ReviewScreen(Screen[None]):
    """Every saved session; Enter opens the highlighted one, Escape goes back."""

    CSS_PATH = "review.tcss"
    SUB_TITLE = "Review sessions"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="filter", tooltip="Type words from a title, team, trait, owner or routine"),
        Binding("enter", "open", "Open", id="open", priority=True, tooltip="Open the highlighted session: its actions and ideas"),
        *sort_bindings(),
        Binding("e", "export", "Export", id="export", tooltip="Write the highlighted session as Markdown, CSV, JSON, a calendar or a report"),
        Binding("E", "export_team", "Export team", id="export-team", tooltip="Write the highlighted session's team's whole history"),
        Binding("p", "progress", "Progress", id="progress", tooltip="How the highlighted session's team keeps its commitments"),
        Binding("t", "app.actions_across_sessions", "Actions", id="actions", tooltip="Every action across sessions"),
        Binding("escape", "back", "Back", id="back", tooltip="From the filter to the table; from the table, back"),
        Binding("down", "focus_table", show=False, id="to-table"),
    ]

    @dataclass
    class Loaded(Message):
        """The sessions were read (in a worker): the newest first, then all of them."""

        rows: list[Reviewed]
        complete: bool = True

    @dataclass
    class Open(Message):
        """Show this session: its actions, to change, and its ideas."""

        session: SessionSummary

    @dataclass
    class ShowProgress(Message):
        """Show how a team (None: every team) keeps its commitments."""

        team: str | None

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.traits = deck_traits(workspace.decks)
        self.rows: list[Reviewed] = []
        """Every session, newest first."""
        self.shown: list[Reviewed] = []
        """The sessions that match the filter, in the order chosen."""
        self.sort = ("date", True)
        self.loaded = False
        self._last: tuple[str, list[Reviewed]] = ("", [])
        """The last filter and what it matched, newest first: typing on narrows that, not all."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-bar"):
            yield Static("Filter", id="filter-label")
            yield TextInput(placeholder="words from a title, team, trait, owner or routine", id="review-filter", compact=True)
            yield Static("Reading the sessions…", id="review-count")
        yield PagedTable(COLUMNS, cells, lambda r: r.summary.id, id="review-table")
        yield Static("", id="review-empty")
        yield Static("", id="review-detail")
        yield KeyLine()

    @property
    def table(self) -> PagedTable[Reviewed]:
        return self.query_one("#review-table", PagedTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#review-filter", Input)

    def on_mount(self) -> None:
        self.table.focus()

    def on_screen_resume(self) -> None:
        """Read the sessions again: an action changed in a session opened from here counts."""
        self.load()

    @work(thread=True, exclusive=True, group="review-load")
    def load(self) -> None:
        traits = self.traits
        store = self.workspace.store
        if not self.loaded:  # a page to look at at once; the whole list follows for the filter
            self.post_message(self.Loaded([reviewed(s, traits) for s in store.summaries(limit=PAGE)], complete=False))
        rows = [reviewed(summary, traits) for summary in store.summaries()]
        self.post_message(self.Loaded(rows))

    def on_review_screen_loaded(self, message: Loaded) -> None:
        if self.loaded and not message.complete:
            return  # the whole list came first
        self.rows = message.rows
        self.loaded = message.complete
        self._last = ("", [])
        # 10,000 rows stay alive while the screen is up: keep them out of the garbage
        # collector's full passes, which would otherwise add 100 ms or more to a keystroke.
        gc.freeze()
        self.refilter()

    # --- what is shown -----------------------------------------------------------------------

    def refilter(self) -> None:
        """Show the sessions that match the filter, in the chosen order, keeping the highlight."""
        table = self.table
        current = table.current
        column, reverse = self.sort
        query = self.filter_input.value
        last_query, last_matching = self._last
        base = last_matching if last_query and query.startswith(last_query) else self.rows
        matching = narrowed(base, words_of(query))
        self._last = (query, matching)
        self.shown = matching if self.sort == ("date", True) else ordered(matching, column, reverse)
        table.show(self.shown, keep=current.summary.id if current else None, sorted_by=self.sort)
        total = counted(len(self.rows), "session")
        count = total if len(self.shown) == len(self.rows) else f"{len(self.shown)} of {total}"
        self.query_one("#review-count", Static).update(Text(count if self.loaded else "Reading all the sessions…"))
        empty = self.query_one("#review-empty", Static)
        empty.display = not self.shown
        table.display = bool(self.shown)
        if self.shown and self.focused is None:  # the table was hidden while nothing matched
            table.focus()
        if not self.rows:
            empty.update(Text("No sessions saved yet. Run one from the home screen (n)."))
        else:
            empty.update(Text.assemble("No session matches “", (self.filter_input.value.strip(), "bold"), "”. Escape, then / to change the filter."))
        self.show_details()
        self.refresh_bindings()

    def show_details(self) -> None:
        current = self.table.current if self.shown else None
        detail = self.query_one("#review-detail", Static)
        detail.display = current is not None
        if current is not None:
            detail.update(details(current))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_details()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "review-filter" and self.loaded:
            self.refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_table()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.action_sort(str(event.column_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()  # a click on the highlighted row

    # --- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":  # a priority key, so the table's own Enter does not hide it; the filter's Enter is the filter's
            if self.focused is not self.table:
                return False
            return True if self.table.current is not None and self.shown else None
        if action == "focus_table":
            return self.focused is self.filter_input
        return True

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        if self.focused is self.filter_input:
            self.table.focus()
        else:
            self.app.pop_screen()

    def action_sort(self, column: str) -> None:
        """Sort by `column`; the same column again reverses the order."""
        current, reverse = self.sort
        self.sort = (column, not reverse) if column == current else (column, column in MOST_FIRST)
        self.refilter()

    def action_open(self) -> None:
        current = self.table.current
        if current is not None and self.shown:
            self.post_message(self.Open(current.summary))

    def action_export(self) -> None:
        current = self.table.current if self.shown else None
        if current is None:
            return
        store = self.workspace.store
        session_id = current.summary.id

        def make(fmt: str) -> Export:
            return session_export(fresh_session(store, session_id), fmt, self.traits)

        ask_and_export(self, f"“{current.summary.title}”", list(SUFFIXES), make)

    def action_export_team(self) -> None:
        current = self.table.current if self.shown else None
        if current is None:
            return
        store, team, traits = self.workspace.store, current.summary.team, self.traits
        ask_and_export(self, f"the history of team {team or '(no team)'}", list(SUFFIXES), lambda fmt: team_export(store, team, fmt, traits))

    def action_progress(self) -> None:
        current = self.table.current if self.shown else None
        self.post_message(self.ShowProgress(current.summary.team or None if current else None))

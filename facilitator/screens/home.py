"""The home screen: start or resume a session, and the sessions saved so far.

Every row wraps rather than cuts: a facilitator on an 80-column projector must still read which
session is which. The decks pane appears only where there is room (a breakpoint, not a resize
handler); set-up lists the decks anyway. A session damaged in the store is listed as damaged,
with what could be read, and is never resumed; a read-only store is open for looking only.

The screen shows at once what the store's index says (`glance`) while the app opens the store
and loads the decks on a thread; then the app hands down the home view read from the open store,
and the decks, the problems and a live session's latest counts appear. A key that acts on a
session waits for that, so it never acts on the glance.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Header, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.glance import glance
from facilitator.layout import StoreDamaged, StoreSetAside
from facilitator.summaries import SessionSummary
from facilitator.vocabulary import SessionStatus
from facilitator.widgets.key_line import KeyLine
from facilitator.workspace import Workspace

if TYPE_CHECKING:  # the home screen shows before pydantic and the store are loaded
    from facilitator.problems import LoadProblem
    from facilitator.store import Store

WIDE = 110
"""Columns from which the decks pane fits beside the sessions."""
DAMAGED = "damaged"
DATE_WIDTH = 10
STATUS_WIDTH = max(len(DAMAGED), *(len(s.value) for s in SessionStatus))
LEAD = DATE_WIDTH + 1 + STATUS_WIDTH + 1
"""Columns before a row's title: the date and the status, each with a space after it."""
HOME_ROWS = 100
"""The newest sessions listed here; the review screen lists them all."""
READ_ONLY = "The store is read-only: sessions can be looked at, but none can be started, resumed or changed."
NO_SESSIONS = "No sessions yet. Press n to run the first one."
READING = "Reading the saved sessions…"


def counted(number: int, thing: str) -> str:
    """`1 idea`, `3 ideas`: the room reads numbers as words, so the plural must be right."""
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def agreed_open_actions(session: SessionSummary) -> int:
    """Open actions that were agreed: a live or archived session's actions never were."""
    return session.open if session.status is SessionStatus.CLOSED else 0


class SessionRow:
    """A session's row: the date and the status in columns of their own, then the title over
    its details, wrapping beside them.

    Drawn segment for segment as `as_grid` draws it (a `Table.grid`), at a little over half the
    cost, and once for each width: the home list measures every row at each width it is laid
    out at, then draws the ones in view, all before the screen first shows.
    """

    def __init__(self, date: Text, status: Text, body: Text) -> None:
        self.date = date
        self.status = status
        self.body = body
        self._drawn: dict[int, list[Segment]] = {}

    def as_grid(self) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=DATE_WIDTH, no_wrap=True)
        grid.add_column(width=STATUS_WIDTH, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(self.date, self.status, self.body)
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width - LEAD
        if width < 1:  # no room for the body: the grid squeezes its columns its own way
            yield self.as_grid()
            return
        if (drawn := self._drawn.get(width)) is None:
            drawn = self._drawn[width] = list(self._draw(console, options, width))
        yield from drawn

    def _draw(self, console: Console, options: ConsoleOptions, width: int) -> Iterator[Segment]:
        cell = options.update(height=None, justify="left", overflow="ellipsis", highlight=False)
        date = console.render_lines(self.date, cell.update(width=DATE_WIDTH, no_wrap=True))[0]
        status = console.render_lines(self.status, cell.update(width=STATUS_WIDTH, no_wrap=True))[0]
        gap = Segment(" ", Style())
        under = [Segment(" " * (DATE_WIDTH + 1), Style()), Segment(" " * (STATUS_WIDTH + 1), Style())]
        for number, line in enumerate(console.render_lines(self.body, cell.update(width=width, no_wrap=False))):
            if number == 0:
                yield from (*date, gap, *status, gap)
            else:
                yield from under
            yield from line
            yield Segment.line()


def session_row(session: SessionSummary, damage: Sequence[str] | None = None) -> SessionRow:
    """Date, status in words, then the full title over team, ideas and open actions; all wrap.

    Args:
        damage: the fields of a damaged session that could not be read; the row names the first.
    """
    archived = session.status is SessionStatus.ARCHIVED
    tone = "dim" if archived else ""
    status = Text(session.status.value, style="bold" if session.status is SessionStatus.LIVE else tone)
    if damage:
        status = Text(DAMAGED, style="bold")
    body = Text(style=tone)
    body.append(session.title, style="" if archived else "bold")
    details = [f"team {session.team}" if session.team else "no team", counted(session.ideas, "idea")]
    if damage:  # its status may be a stand-in: say what is known instead
        more = f" and {len(damage) - 1} more" if len(damage) > 1 else ""
        details.append(f"could not read {damage[0]}{more}")
    elif session.status is SessionStatus.CLOSED:
        details.append(counted(agreed_open_actions(session), "open action"))
    elif archived:
        details.append("never finished")
    else:
        details.append("not finished yet")
    body.append("\n")
    body.append(" · ".join(details), style="italic")
    return SessionRow(Text(session.created.astimezone().strftime("%Y-%m-%d"), style=tone), status, body)


def listed(sessions: list[SessionSummary]) -> list[SessionSummary]:
    """Newest first as the store gives them, archived ones after all the others."""
    return sorted(sessions, key=lambda s: s.status is SessionStatus.ARCHIVED)


@dataclass(frozen=True)
class HomeView:
    """What the home screen shows of the store."""

    sessions: list[SessionSummary] = field(default_factory=list)
    """As listed: newest first, archived ones last."""
    closed: int = 0
    open_actions: int = 0
    read_only: bool = False
    problems: list[str] = field(default_factory=list)
    """The store's own (the catalogs' are added where they are shown)."""
    whole: bool = False
    """Read from the open store; else a glance at its index (or nothing yet) while it opens."""


def read_home(store: Store) -> HomeView:
    """The home view from the open store: a live session (there are few) with its journal
    replayed, so its count of ideas is the room's. Reads files: the app calls it on a thread."""
    from facilitator.engine.live import current_summaries

    sessions = listed(current_summaries(store, limit=HOME_ROWS))
    closed, open_actions = store.index.open_actions()
    return HomeView(sessions, closed, open_actions, store.read_only, list(store.problems), whole=True)


def glanced(workspace: Workspace, rows: int) -> HomeView:
    """The home view from the store's index as it stands, without opening the store: the first
    `rows` sessions of the list (what fits on the screen: every row takes two lines or more, and
    each is measured at every width the list is laid out at), or none when the index cannot be
    taken as it is (see `glance`)."""
    seen = glance(workspace.store_path, limit=HOME_ROWS)
    if seen is None:
        return HomeView()
    return HomeView(listed(seen.sessions)[:rows], seen.closed, seen.open_actions, seen.read_only)


class HomeScreen(Screen[None]):
    """Where every visit starts: what can be run, and what was run before."""

    CSS_PATH = "home.tcss"
    SUB_TITLE = "customer-reflection workshops"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS = [
        Binding("n", "new_session", "New session", id="new-session", tooltip="Set up and start a new session"),
        Binding("r", "resume", "Resume", id="resume", tooltip="Resume the highlighted unfinished session, else the newest"),
        Binding("a", "archive", "Archive", id="archive", tooltip="Put away the highlighted unfinished session"),
        Binding("v", "app.review_sessions", "Review", id="review", tooltip="Every saved session: sort, filter, open one and settle its actions"),
        Binding("t", "app.actions_across_sessions", "Actions", id="actions", tooltip="Every action across sessions: filter, mark done, re-date, re-own"),
        Binding("p", "app.progress", "Progress", id="progress", tooltip="How each team keeps its commitments, over time and by routine and trait"),
        Binding("d", "app.decks", "Decks", id="decks", tooltip="Every deck: preview it as the wall shows it, copy and change it, write a new one, rehearse"),
    ]

    @dataclass
    class Resume(Message):
        session: SessionSummary

    @dataclass
    class Archive(Message):
        """Put away an abandoned live session (the app asks first)."""

        session: SessionSummary

    class NewSession(Message):
        pass

    @dataclass
    class Open(Message):
        session: SessionSummary

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.view = HomeView()
        self.sessions: list[SessionSummary] = []
        self._decks_shown: object = None
        """The catalog the decks pane shows: a deck saved or copied makes a new one."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-actions"):
            yield Button("New session (n)", id="new", variant="primary")
            yield Button("Resume (r)", id="resume")
            yield Static("", id="open-count")
        with Horizontal(id="home-panes"):
            with Vertical(id="sessions-pane"):
                yield Static("Saved sessions (Enter shows the action list, or resumes a live one)", classes="pane-title")
                yield OptionList(id="sessions")
                yield Static(READING, id="sessions-empty", classes="empty")
            with Vertical(id="decks-pane"):
                yield Static("Decks (d to preview, copy, write and rehearse)", classes="pane-title")
                with VerticalScroll(id="decks-scroll", can_focus=False):
                    yield Static(id="decks")
        yield Static("", id="problems")
        yield KeyLine()

    def on_mount(self) -> None:
        # The breakpoint's class now rather than at the first resize, so the list is laid out
        # once, at the width it keeps, not first beside a decks pane that then goes.
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.set_class(self.app.size.width < WIDE, "-narrow")
        self.reload()
        self.query_one("#new", Button).focus()

    def on_screen_resume(self) -> None:
        if "store" in self.workspace.__dict__ and not self.workspace.loaded:
            self.workspace.load()  # a deck was saved or copied: the decks are read again (a few small files)
        self.reload()

    def _fill_decks(self) -> None:
        catalog = self.workspace.decks
        if self._decks_shown is catalog:
            return
        self._decks_shown = catalog
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, justify="right")
        for deck in sorted(catalog, key=lambda d: d.title.casefold()):
            grid.add_row(Text(deck.title), counted(len(deck.prompts), "card"))
        self.query_one("#decks", Static).update(grid)

    def _show_problems(self, view: HomeView) -> None:
        """Files and records that were skipped, so nothing goes missing without a word; and,
        first, that the store is read-only, so nobody wonders why nothing can be started."""
        problems = []
        if view.whole:  # the catalogs are loaded by then, with the store
            problems = [
                *_one_per_file(self.workspace.decks.problems, "decks"),
                *_one_per_file(self.workspace.plans.problems, "plans"),
                *view.problems,
            ]
        notice = self.query_one("#problems", Static)
        lines = [READ_ONLY] if self.read_only else []
        lines += [f"Skipped {p}" for p in problems[:3]]
        if len(problems) > 3:
            lines.append(f"... and {len(problems) - 3} more (facilitator decks list / sessions list)")
        notice.display = bool(lines)
        notice.update(Text("\n".join(lines)))

    @property
    def read_only(self) -> bool:
        return self.view.read_only

    def reload(self) -> None:
        """Read the sessions again: after a session ends, one is archived, or an action is marked
        elsewhere. Until the app has opened the store, what its index says at a glance."""
        if self.workspace.loaded:
            self.show(read_home(self.workspace.store))
        else:
            self.show(glanced(self.workspace, rows=self.app.size.height // 2 + 1))

    def store_opened(self, view: HomeView) -> None:
        """The home view the app read once the store was open, unless one was read since."""
        if not self.view.whole:
            self.show(view)

    def _whole(self) -> bool:
        """Before a key acts on a session: the list as the open store has it. A key pressed while
        the app's thread was still opening the store waits here for it; False if it failed (the
        app's thread met the same, and says so as the app stops)."""
        if not self.view.whole:
            try:
                self.workspace.load()
            except (OSError, StoreDamaged, StoreSetAside):
                return False
            self.reload()
        return True

    def show(self, view: HomeView) -> None:
        """Put `view` on the screen, keeping the cursor on the session it was on."""
        before = self.highlighted_session
        self.view = view
        self.sessions = view.sessions
        if view.whole:
            self._fill_decks()
        self._show_problems(view)
        listing = self.query_one("#sessions", OptionList)
        listing.set_options(self._rows())
        if self.sessions:
            keep = before.id if before and self._session(before.id) else self.sessions[0].id
            listing.highlighted = listing.get_option_index(keep)
        listing.display = bool(self.sessions)
        empty = self.query_one("#sessions-empty", Static)
        empty.display = not self.sessions
        empty.update(NO_SESSIONS if view.whole else READING)
        count = f"{counted(view.open_actions, 'open action')} across {counted(view.closed, 'closed session')}"
        self.query_one("#open-count", Static).update(Text(count if view.closed else ""))
        self.query_one("#resume", Button).display = bool(self._live())
        self.query_one("#new", Button).disabled = self.read_only
        self.refresh_bindings()

    def _rows(self) -> list[Option | None]:
        """One option per session; a rule (None) sets the archived ones apart."""
        rows: list[Option | None] = []
        for number, session in enumerate(self.sessions):
            if session.status is SessionStatus.ARCHIVED and number and self.sessions[number - 1].status is not SessionStatus.ARCHIVED:
                rows.append(None)
            rows.append(Option(session_row(session, session.damage), id=session.id))
        return rows

    def _session(self, session_id: str | None) -> SessionSummary | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @property
    def highlighted_session(self) -> SessionSummary | None:
        """The session under the list's cursor (the list keeps one even when it has no focus)."""
        option = self.query_one("#sessions", OptionList).highlighted_option
        return self._session(option.id) if option else None

    def _resumable(self, session: SessionSummary) -> bool:
        """Live, whole and writable: a damaged session's copy lacks what could not be read, and
        running it would write that loss over the stored one."""
        return session.status is SessionStatus.LIVE and not session.damaged and not self.read_only

    def _live(self) -> list[SessionSummary]:
        return [s for s in self.sessions if self._resumable(s)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_session":
            return None if self.read_only else True
        if action == "resume":
            return bool(self._live())
        if action == "archive":  # shown greyed (None), so the key is learnt before it is needed
            session = self.highlighted_session
            return True if session is not None and self._resumable(session) else None
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()  # `a` lights up only on a live session

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new":
            self.action_new_session()
        elif event.button.id == "resume":
            self.action_resume()

    def action_new_session(self) -> None:
        if not self._whole():
            return
        if self.read_only:
            self.notify(READ_ONLY, severity="warning", timeout=6, markup=False)
            return
        self.post_message(self.NewSession())

    def action_resume(self) -> None:
        """Resume the highlighted session if it is unfinished, else the newest unfinished one."""
        if not self._whole():
            return
        live = self._live()
        highlighted = self.highlighted_session
        if highlighted is not None and self._resumable(highlighted):
            live = [highlighted]
        if live:
            self.post_message(self.Resume(live[0]))

    def action_archive(self) -> None:
        if not self._whole():
            return
        session = self.highlighted_session
        if session is not None and self._resumable(session):
            self.post_message(self.Archive(session))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a live session resumes it; on any other (closed, archived, damaged, or in a
        read-only store) shows what it left."""
        if event.option_list.id != "sessions" or not self._whole():
            return
        session = self._session(event.option.id)
        if session is None:
            return
        self.post_message(self.Resume(session) if self._resumable(session) else self.Open(session))


def _one_per_file(problems: Sequence[LoadProblem], kind: str) -> list[str]:
    """A file's first problem, and how many more it has: the wall has room for a few lines, and
    `facilitator decks validate` lists them all."""
    by_file: dict[Path, list[LoadProblem]] = {}
    for problem in problems:
        by_file.setdefault(problem.path, []).append(problem)
    lines = []
    for path, found in by_file.items():
        more = f" (and {len(found) - 1} more: facilitator {kind} validate {path})" if len(found) > 1 else ""
        lines.append(f"{found[0]}{more}")
    return lines

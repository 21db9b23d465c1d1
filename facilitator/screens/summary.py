"""What a session left behind: shown at close, and when a saved session is opened from home.

The new actions grouped by routine, where the customer met the team's routines (a routine-by-trait
map, when routine cards showed several), what follow-up changed about earlier actions, planned
against actual time per phase, and any idea that was typed but never added. All user text is plain
`Text`: a title like `[bold]x[/]` shows as typed.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from facilitator.check_out import MEASURE_WORDS, roti_line
from facilitator.engine.countdown import format_clock
from facilitator.models import (
    Action,
    ActionState,
    ActionStatus,
    FollowUp,
    Session,
    SessionStatus,
)
from facilitator.routine_map import MAP_TITLE, RoutineMap, routine_map
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging

NO_ROUTINE = "No routine given"
ROUTINE_WIDTH = 24
"""The routine map keeps a routine's name on one line up to this many cells, however narrow the screen."""
MARKS = {ActionStatus.OPEN: "•", ActionStatus.DONE: "✓", ActionStatus.DROPPED: "–"}
STATUS_WORDS = {ActionStatus.OPEN: "still open", ActionStatus.DONE: "done", ActionStatus.DROPPED: "dropped"}
HEADINGS = {
    SessionStatus.CLOSED: "Action list",
    SessionStatus.ARCHIVED: "Archived before it was finished: these actions were never agreed",
    SessionStatus.LIVE: "Not finished yet: these actions are not agreed",
}


WORDS_TITLE = "The customer's own words"


def check_out_line(session: Session) -> Text | None:
    """What the room said the session was worth, and when it meets again; None if not asked."""
    if not session.roti and session.follow_up_on is None:
        return None
    text = Text("Check-out: ", style="bold")
    parts = []
    if session.roti:
        parts.append(f"return on time invested {roti_line(session.roti)}")
    if session.follow_up_on is not None:
        parts.append(f"follow-up on {session.follow_up_on.isoformat()}")
    text.append(" · ".join(parts))
    return text


def customer_words(session: Session) -> Text | None:
    """Each quote the session showed, where it comes from, and the ideas it sparked; None if it showed none."""
    shown = session.customer_words()
    if not shown:
        return None
    text = Text()
    for n, (said, ideas) in enumerate(shown):
        if n:
            text.append("\n")
        text.append(f"“{said.text}”", style="bold")
        if said.origin:
            text.append(f"\n  {said.origin}", style="italic")
        if ideas:
            text.append("\n  sparked: ")
            text.append("; ".join(idea.text for idea in ideas))
        else:
            text.append("\n  sparked no idea", style="dim")
    return text


def title_line(session: Session) -> Text:
    """Title, then team, date and facilitator: which session this is, when read months later."""
    text = Text()
    text.append(session.title, style="bold")
    details = [
        f"team {session.team}" if session.team else "",
        session.created.astimezone().strftime("%Y-%m-%d"),
        f"facilitated by {session.facilitator}" if session.facilitator else "",
    ]
    text.append("\n" + " · ".join(d for d in details if d), style="italic")
    return text


def action_entry(action: Action) -> Table:
    """One action, its status in words, owner, cadence, due date and measure, wrapped under its text."""
    body = Text(action.text)
    meta = [
        STATUS_WORDS[action.status] if action.status is not ActionStatus.OPEN else "open",
        f"owner {action.owner}" if action.owner else "no owner",
        action.cadence.value,
        f"due {action.due}" if action.due else "no date",
    ]
    if action.committed:
        meta.append("said aloud")
    body.append("\n" + " · ".join(meta), style="italic")
    if action.measure:
        body.append("\nwe will know by: ", style="italic")
        body.append(action.measure)
    return hanging(Text(MARKS[action.status]), body)


def action_list(session: Session) -> RenderableType:
    """Every action under its routine; routines alphabetically, actions without one last."""
    if not session.actions:
        return Text("No actions were agreed." if session.status is SessionStatus.CLOSED else "No actions were written down.")
    groups: dict[str, list[Action]] = {}
    for action in session.actions:
        groups.setdefault(action.routine or NO_ROUTINE, []).append(action)
    parts: list[RenderableType] = []
    for number, routine in enumerate(sorted(groups, key=lambda r: (r == NO_ROUTINE, r.casefold()))):
        parts.append(Text(("\n" if number else "") + routine, style="bold underline"))
        parts.extend(action_entry(a) for a in groups[routine])
    return Group(*parts)


def _state_changes(before: ActionState, after: ActionState) -> list[tuple[str, str, str]]:
    """(what changed, new value, old value) for status, due date and owner, in that order."""
    changes = []
    if after.status != before.status:
        word = STATUS_WORDS[after.status] if after.status is not ActionStatus.OPEN else "open again"
        changes.append((f"{MARKS[after.status]} {word}", "", STATUS_WORDS[before.status]))
    if after.due != before.due:
        changes.append(("re-dated", str(after.due or "no date"), str(before.due or "no date")))
    if after.owner != before.owner:
        changes.append(("new owner", after.owner or "nobody", before.owner or "nobody"))
    return changes


def change_lines(follow_up: FollowUp) -> list[Text]:
    """One line per change, e.g. `re-dated: Call three lost customers → 2026-12-01 (was 2026-11-20)`."""
    lines = []
    for what, new, old in _state_changes(follow_up.before, follow_up.after):
        line = Text()
        line.append(f"{what}: ", style="bold")
        line.append(follow_up.text)
        if new:
            line.append(" → ")
            line.append(new, style="bold")
        line.append(" (was ")
        line.append(old)
        line.append(")")
        lines.append(line)
    return lines


def reflections_text(session: Session) -> Text | None:
    """What the room made of earlier actions at this follow-up; None when it reflected on none."""
    if not session.reflections:
        return None
    text = Text()
    for n, reflection in enumerate(session.reflections):
        if n:
            text.append("\n")
        text.append(reflection.text, style="bold")
        text.append(f"\n  {MEASURE_WORDS[reflection.measure_met]}", style="italic")
        for label, answer in (("What?", reflection.what), ("So what?", reflection.so_what), ("Now what?", reflection.now_what)):
            if answer:
                text.append(f"\n  {label} ", style="bold")
                text.append(answer)
    return text


def changes_to_earlier(session: Session) -> Text | None:
    """What follow-up changed about earlier sessions' actions; None when nothing did."""
    lines = [line for change in session.follow_ups for line in change_lines(change)]
    return Text("\n").join(lines) if lines else None


def signed_clock(seconds: float) -> str:
    """`+1:12` over the plan, `-0:48` under it, `0:00` on time."""
    whole = round(seconds)
    sign = "+" if whole > 0 else "-" if whole < 0 else ""
    return sign + format_clock(abs(whole))


def time_table(session: Session) -> Table | None:
    """Planned against actual time per phase that ran, with a total; None for sessions without timings."""
    timings = sorted(session.timings, key=lambda t: t.phase)
    if not timings:
        return None
    table = Table(box=box.SIMPLE, show_footer=True, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0))
    planned = sum(t.planned for t in timings)
    spent = sum(round(t.spent) for t in timings)
    table.add_column("Phase", "Total", ratio=None)
    table.add_column("planned", format_clock(planned), justify="right")
    table.add_column("actual", format_clock(spent), justify="right")
    table.add_column("difference", signed_clock(spent - planned), justify="right")
    for timing in timings:
        actual = round(timing.spent)
        table.add_row(Text(timing.label), format_clock(timing.planned), format_clock(actual), signed_clock(actual - timing.planned))
    return table


class MapTable:
    """The routine map as a table: one row per routine, one column per trait, ideas in each cell
    (`·` for none), then the actions placed in the routine.

    Sized to the width it is given, its trait columns all alike: on a narrow screen the traits'
    headers wrap, while each routine stays on one line and the actions column stays in view
    (Rich's own shrinking wraps the routines first and may push the last column off).
    """

    GAP = 2
    """Cells between columns: one of padding, one of the table's (blank) rule."""
    ACTIONS = "actions"

    def __init__(self, found: RoutineMap) -> None:
        self.found = found

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    def table(self, width: int) -> Table:
        found = self.found
        routine_width = min(max([cell_len("Routine"), *map(cell_len, found.routines)]), ROUTINE_WIDTH)
        columns = max(len(found.traits), 1)
        room = width - routine_width - len(self.ACTIONS) - self.GAP * (columns + 1)
        trait_width = max(min(max(map(cell_len, found.traits), default=1), room // columns), 1)
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, padding=(0, self.GAP - 1, 0, 0))
        table.add_column("Routine", width=routine_width)
        for trait in found.traits:
            table.add_column(Text(trait, overflow="fold"), justify="center", width=trait_width)
        table.add_column(self.ACTIONS, justify="right")
        for routine in found.routines:
            counts = [str(found.count(routine, trait) or "·") for trait in found.traits]
            table.add_row(Text(routine), *counts, str(found.actions.get(routine, 0) or "·"))
        return table


def map_notes(found: RoutineMap) -> Text | None:
    """The hot spots, and the routines no card reached: what to look at first on the map."""
    if not (found.hot_spots or found.unmet):
        return None
    text = Text()
    if found.hot_spots:
        text.append(f"Most ideas ({found.hot_spots[0].ideas}): ", style="bold")
        for number, spot in enumerate(found.hot_spots):
            text.append("; " if number else "")
            text.append(spot.routine)
            text.append(" × ")
            text.append(spot.trait)
    if found.unmet:
        text.append("\n" if found.hot_spots else "")
        text.append("No card met: ", style="bold")
        text.append(Text(", ").join(Text(routine) for routine in found.unmet))
    return text


def routines_met(session: Session, traits: Mapping[str, str] | None = None) -> RenderableType | None:
    """The routine-by-trait map with its notes; None when routine cards showed too little for one."""
    found = routine_map(session, traits)
    if not found.worth_showing:
        return None
    notes = map_notes(found)
    return MapTable(found) if notes is None else Group(MapTable(found), Text(), notes)


def draft_lines(session: Session) -> Text | None:
    """Text left in the idea box, so nothing typed is lost; None when the box was empty."""
    draft = session.draft
    found: list[tuple[str, str]] = []
    if draft.text.strip():
        where = "Typed as a change to an idea but never saved: " if draft.editing else "Typed in a round but never added: "
        found.append((where, draft.text))
    if draft.held.strip():
        found.append(("Typed in a round but never added: ", draft.held))
    if not found:
        return None
    text = Text()
    for number, (label, typed) in enumerate(found):
        text.append(("\n" if number else "") + label, style="bold")
        text.append(typed)
    return text


class SummaryScreen(Screen[None]):
    """A session's outcome; Escape goes back. It scrolls, so nothing is cut on a small screen."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="back")]

    def __init__(self, session: Session, heading: str | None = None, traits: Mapping[str, str] | None = None) -> None:
        """Args:
            heading: what the heading says; by default what the session's status means.
            traits: deck id → trait name, for the routine map's columns; a deck not in it is
                named by its id.
        """
        super().__init__()
        self.session = session
        self.heading = heading or HEADINGS[session.status]
        self.traits = traits

    def say(self, heading: str) -> None:
        """A new heading: the save that was on its way when the screen opened is done."""
        self.heading = heading
        for shown in self.query("#heading").results(Static):
            shown.update(Text(heading, style="bold reverse"))

    def on_mount(self) -> None:
        # A save may end while the screen is being put together, after its heading was composed
        # and before it counts as mounted: the heading it was told last is the one it shows.
        self.say(self.heading)

    def compose(self) -> ComposeResult:
        session = self.session
        yield Header()
        with VerticalScroll(id="summary-scroll"):
            yield Static(Text(self.heading, style="bold reverse"), id="heading")
            yield Static(title_line(session), id="title-line")
            yield Static("New actions", classes="section-title")
            yield Static(action_list(session), id="actions")
            routines = routines_met(session, self.traits)
            if routines is not None:
                yield Static(MAP_TITLE, classes="section-title")
                yield Static(routines, id="routine-map")
            checked_out = check_out_line(session)
            if checked_out is not None:
                yield Static(checked_out, id="check-out")
            words = customer_words(session)
            if words is not None:
                yield Static(WORDS_TITLE, classes="section-title")
                yield Static(words, id="customer-words")
            reflected = reflections_text(session)
            if reflected is not None:
                yield Static("What we made of earlier actions", classes="section-title")
                yield Static(reflected, id="reflections")
            changes = changes_to_earlier(session)
            if changes is not None:
                yield Static("Changes to earlier actions", classes="section-title")
                yield Static(changes, id="changes")
            timings = time_table(session)
            if timings is not None:
                yield Static("Time per phase", classes="section-title")
                yield Static(timings, id="timings")
            draft = draft_lines(session)
            if draft is not None:
                yield Static(draft, id="draft")
        yield KeyLine()

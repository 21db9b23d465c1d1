"""What a session left behind: shown at close, and when a saved session is opened from home.

The new actions grouped by routine, what follow-up changed about earlier actions, planned against
actual time per phase, and any idea that was typed but never added. All user text is plain `Text`:
a title like `[bold]x[/]` shows as typed.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from facilitator.engine.countdown import format_clock
from facilitator.models import (
    Action,
    ActionState,
    ActionStatus,
    FollowUp,
    Session,
    SessionStatus,
)
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging

NO_ROUTINE = "No routine given"
MARKS = {ActionStatus.OPEN: "•", ActionStatus.DONE: "✓", ActionStatus.DROPPED: "–"}
STATUS_WORDS = {ActionStatus.OPEN: "still open", ActionStatus.DONE: "done", ActionStatus.DROPPED: "dropped"}
HEADINGS = {
    SessionStatus.CLOSED: "Action list",
    SessionStatus.ARCHIVED: "Archived before it was finished: these actions were never agreed",
    SessionStatus.LIVE: "Not finished yet: these actions are not agreed",
}


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

    def __init__(self, session: Session, heading: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.heading = heading or HEADINGS[session.status]

    def say(self, heading: str) -> None:
        """A new heading: the save that was on its way when the screen opened is done."""
        self.heading = heading
        if self.is_mounted:
            self.query_one("#heading", Static).update(Text(heading, style="bold reverse"))

    def compose(self) -> ComposeResult:
        session = self.session
        yield Header()
        with VerticalScroll(id="summary-scroll"):
            yield Static(Text(self.heading, style="bold reverse"), id="heading")
            yield Static(title_line(session), id="title-line")
            yield Static("New actions", classes="section-title")
            yield Static(action_list(session), id="actions")
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

"""Follow-up: the team's open actions from earlier sessions, each settled in place.

Done, still open or dropped with one key; a new date or a new owner when the room agrees one.
Every change is written to the action's own session at once, read afresh under the store's
lock: if the action was changed elsewhere since it was shown (another window, or
`facilitator actions done` in a shell), nothing is written and the line shows it as it is now.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitator.check_out import MEASURE_WORDS
from facilitator.models import ActionStatus, Cadence, Reflection
from facilitator.screens.background import hand_back
from facilitator.screens.modals import MODAL_CSS, KeepOrCancel, TextModal
from facilitator.screens.phase import PhaseScreen
from facilitator.store import ActionRow, StaleAction
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging, refill
from facilitator.widgets.text_input import TextInput

MARKS = {ActionStatus.OPEN: "[ ] still open", ActionStatus.DONE: "[✓] done", ActionStatus.DROPPED: "[–] dropped"}


STALLED_AFTER = timedelta(weeks=4)
"""An open action this much older than the follow-up, or past its date, has stalled."""
MEASURE_ANSWERS = {"yes": True, "no": False, "not measured yet": None}


def stalled(row: ActionRow, today: date) -> bool:
    """Still open, and past its date (or, for a one-off action, a month old): worth a What? So what? Now what?"""
    action = row.action
    if action.status is not ActionStatus.OPEN:
        return False
    if action.due is not None and action.due < today:
        return True
    # a recurring action is meant to go on: only a one-off one stalls by age alone
    return action.cadence is Cadence.ONCE and row.session.created.date() <= today - STALLED_AFTER


def follow_up_line(row: ActionRow, today: date | None = None, reflection: Reflection | None = None) -> RenderableType:
    """The action, its owner, routine and date, and how the team said it would know it worked;
    all of it wraps under the action's text, so the marks stay a clean column. A stalled action
    says so in words; a reflection the room made shows under it."""
    action = row.action
    text = Text(action.text)
    details = [d for d in (action.owner, action.routine, action.due and f"due {action.due}") if d]
    if details:
        text.append("  — " + " · ".join(str(d) for d in details), style="italic")
    if action.measure:
        text.append("\nwe will know by: ", style="dim")
        text.append(action.measure)
    if reflection is not None:
        text.append(f"\nreflected: {MEASURE_WORDS[reflection.measure_met]}", style="italic")
        if reflection.now_what:
            text.append(" · now what: ", style="italic")
            text.append(reflection.now_what)
    elif today is not None and stalled(row, today):
        text.append("\n⚠ stalled: r asks What? So what? Now what?", style="bold")
    return hanging(Text(f"{MARKS[action.status]:<14}", style="bold"), text)


class ReflectModal(KeepOrCancel[tuple[bool | None, str, str, str] | None]):
    """What the room makes of an earlier action: did its measure show it worked, and What?
    (the facts), So what? (what it means for us and the customer), Now what? (the next step)."""

    DEFAULT_CSS = MODAL_CSS.format(cls="ReflectModal") + """
    ReflectModal > Vertical { width: 90; max-width: 95%; }
    ReflectModal Label, ReflectModal .ask { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel"), Binding("ctrl+s", "keep", "Keep", id="keep", priority=True)]

    def __init__(self, row: ActionRow, reflection: Reflection | None) -> None:
        super().__init__()
        self.row, self.reflection = row, reflection

    def compose(self) -> ComposeResult:
        r = self.reflection
        measure = self.row.action.measure
        answer = next((k for k, v in MEASURE_ANSWERS.items() if r is not None and v == r.measure_met), "not measured yet")
        with Vertical():
            yield Static(Text(f"“{self.row.action.text}”"), classes="question")
            yield Static(Text(f"Did it work? We said we would know by: {measure}" if measure else "Did it work? (no measure was agreed)"), classes="ask")
            yield Select([(k, k) for k in MEASURE_ANSWERS], value=answer, allow_blank=False, id="measure-met", compact=True)
            yield Label("What? What happened, in facts")
            yield TextInput(r.what if r else "", id="what", compact=True)
            yield Label("So what? What it means for us and our customers")
            yield TextInput(r.so_what if r else "", id="so-what", compact=True)
            yield Label("Now what? What we do next")
            yield TextInput(r.now_what if r else "", id="now-what", compact=True)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#what", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "now-what":
            self.action_keep()
        else:
            self.focus_next()

    def action_keep(self) -> None:
        met = MEASURE_ANSWERS[str(self.query_one("#measure-met", Select).value)]
        what, so_what, now_what = (self.query_one(f"#{name}", Input).value for name in ("what", "so-what", "now-what"))
        self.dismiss((met, what, so_what, now_what))


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
        Binding("r", "reflect", "Reflect", id="reflect", tooltip="Did its measure show it worked? What? So what? Now what?"),
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
        today = self.live.clock.now().astimezone().date()
        reflections = {r.action: r for r in self.live.session.reflections}
        refill(listing, (Option(follow_up_line(r, today, reflections.get(r.action.id)), id=r.action.id) for r in self.rows))
        empty = self.query_one("#empty", Static)
        empty.display = not self.rows
        empty.update(Text(f"No open actions from earlier sessions of team {self.live.session.team or '(no team)'}."))
        super().refresh_view()

    def _highlighted(self) -> tuple[int, ActionRow] | None:
        listing = self.query_one("#earlier", OptionList)
        if listing.highlighted is None or not self.rows:
            return None
        return listing.highlighted, self.rows[listing.highlighted]

    def action_reflect(self) -> None:
        found = self._highlighted()
        if found is None:
            return
        _, row = found
        known = next((r for r in self.live.session.reflections if r.action == row.action.id), None)

        def kept(answer: tuple[bool | None, str, str, str] | None) -> None:
            if answer is not None:
                self.live.reflect_on(row, *answer)
                self.refresh_view()

        self.app.push_screen(ReflectModal(row, known), kept)

    def _settle(self, index: int, row: ActionRow, **changes: object) -> None:
        """Write one change on a thread of its own, then note it in the session; if it was not
        written, the line shows the action as stored."""
        live = self.live
        app = self.app

        def write() -> None:
            updated: ActionRow | None = None
            error: BaseException | None = None
            try:
                updated = live.write_earlier(row, **changes)
            except BaseException as exc:  # handed back to the screen, which says what happened
                error = exc
            hand_back(app, self._settled, index, row, updated, error)

        self.run_worker(write, thread=True, group="settle", exit_on_error=False)

    def _settled(self, index: int, row: ActionRow, updated: ActionRow | None, error: BaseException | None) -> None:
        if error is not None and not isinstance(error, (StaleAction, LookupError, OSError)):
            raise error
        if error is not None:  # not made: back to that line, for the room to settle it again
            self.query_one("#earlier", OptionList).highlighted = index
        if isinstance(error, StaleAction):
            self.rows[index] = error.row
            self.notify(
                f"“{row.action.text}” is {error.row.action.status.value} now (another window or the command line). "
                "Nothing was changed here; the line shows it as it is. Press the key again to change it.",
                title="Changed elsewhere",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self.refresh_view()
        elif isinstance(error, LookupError):
            self.notify(f"Not changed: {error}.", severity="error", timeout=8, markup=False)
        elif isinstance(error, OSError):  # a full disk or a read-only store: nothing was written
            reason = error.strerror or str(error)
            self.notify(f"Not saved ({reason}): “{row.action.text}” is unchanged. Try again once the disk takes it.", severity="error", timeout=10, markup=False)
        elif updated is not None:
            self.live.note_earlier(row, updated)
            self.rows[index] = updated
            self.refresh_view()

    def action_mark(self, status: str) -> None:
        """Settle the highlighted line and move on to the next at once, as the room does: the
        next key is for the next line, whether or not the disk has answered yet."""
        found = self._highlighted()
        if found is None:
            return
        index, row = found
        self._settle(index, row, status=ActionStatus(status))
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

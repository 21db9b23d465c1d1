"""Changing a saved action in place: done, dropped or open again, a new due date, a new owner.

Shared by the session view and the list of actions across sessions. Each change is written at
once to the action's own session, read afresh under the store's lock, and only if the action is
still as the screen showed it: if it changed elsewhere since (another window, the command line),
nothing is written, the screen says so and shows it as it is now. Only a closed session's actions
can change (a live session's are not agreed yet, an archived one's never were), and none in a
read-only store or in a session damaged in the store. The screen says which, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen

from facilitator.engine.clock import Clock
from facilitator.models import ActionState, ActionStatus, SessionStatus
from facilitator.screens.background import hand_back
from facilitator.screens.follow_up import due_problem, parse_due
from facilitator.screens.modals import TextModal
from facilitator.store import ActionRow, StaleAction, Store, StoreReadOnly

OVERDUE_MARK = "⚠"
STATUS_MARKS = {ActionStatus.OPEN: "•", ActionStatus.DONE: "✓", ActionStatus.DROPPED: "–"}
READ_ONLY = "The store is read-only: actions can be looked at, but not changed."

ACTION_BINDINGS = [
    Binding("d", "mark('done')", "Done", id="done", tooltip="The highlighted action is done"),
    Binding("x", "mark('dropped')", "Dropped", id="dropped", tooltip="The team dropped the highlighted action"),
    Binding("o", "mark('open')", "Reopen", id="reopen", tooltip="The highlighted action is open again"),
    Binding("t", "redate", "Due date", id="redate", tooltip="Give the highlighted action a new due date"),
    Binding("w", "reown", "Owner", id="reown", tooltip="Give the highlighted action a new owner"),
]


def status_text(status: ActionStatus, overdue: bool) -> Text:
    """`✓ done`, `– dropped`, `• open`, or `⚠ overdue` in bold: a mark and a word, never a colour alone."""
    if overdue:
        return Text(f"{OVERDUE_MARK} overdue", style="bold")
    return Text(f"{STATUS_MARKS[status]} {status.value}")


def due_text(due: date | None, overdue: bool) -> Text:
    return Text(due.isoformat(), style="bold" if overdue else "") if due else Text("no date", style="dim")


@dataclass(frozen=True)
class Target:
    """The highlighted action, as a change needs it."""

    id: str
    text: str
    state: ActionState
    """The action as the screen shows it: a change is made only if the store still holds this."""
    session_title: str
    session_status: SessionStatus
    damaged: bool = False


def refusal(target: Target, read_only: bool) -> str | None:
    """Why the action cannot be changed here, in one sentence; None if it can."""
    title = f"“{target.session_title}”"
    if read_only:
        return READ_ONLY
    if target.damaged:
        return f"The session {title} is damaged in the store: its actions can be looked at, but not changed."
    if target.session_status is SessionStatus.LIVE:
        return f"Only a closed session's actions can change: {title} is still running, so its actions are not agreed yet."
    if target.session_status is SessionStatus.ARCHIVED:
        return f"Only a closed session's actions can change: {title} was archived before it was finished, so its actions were never agreed."
    return None


class ActionEditingScreen(Screen[None]):
    """A screen with a highlighted saved action that the keys in `ACTION_BINDINGS` change."""

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__()
        self.store = store
        self.clock = clock

    @property
    def today(self) -> date:
        """What overdue is measured against: today where the facilitator is."""
        return self.clock.now().astimezone().date()

    # --- what a screen tells -----------------------------------------------------------------

    def target(self) -> Target | None:
        """The highlighted action, or None when there is none."""
        raise NotImplementedError

    def changed(self, action_id: str, row: ActionRow | None) -> None:
        """Show the action again after a change was tried: `row` is it as stored now, when known."""
        raise NotImplementedError

    def owner_names(self) -> list[str]:
        """Names offered as the owner is typed."""
        return []

    # --- the keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "redate", "reown"):  # greyed, not hidden, while nothing is highlighted
            return True if self.target() is not None else None
        return True

    def action_mark(self, status: str) -> None:
        target = self.target()
        if target is not None:
            self.change(target, status=ActionStatus(status))

    def action_redate(self) -> None:
        target = self.target()
        if target is None or self._refused(target):
            return

        def answered(raw: str | None) -> None:
            if raw is not None:
                self.change(target, due=parse_due(raw))

        current = target.state.due.isoformat() if target.state.due else ""
        question = f"New due date for “{target.text}” (YYYY-MM-DD, empty for none):"
        self.app.push_screen(TextModal(question, current, allow_empty=True, check=due_problem), answered)

    def action_reown(self) -> None:
        target = self.target()
        if target is None or self._refused(target):
            return

        def answered(owner: str | None) -> None:
            if owner is not None:
                self.change(target, owner=owner or None)

        question = f"Who owns “{target.text}” now? (empty for nobody)"
        names = sorted(set(self.owner_names()), key=str.casefold)
        self.app.push_screen(TextModal(question, target.state.owner or "", allow_empty=True, suggestions=names), answered)

    # --- writing -----------------------------------------------------------------------------

    def _refused(self, target: Target) -> bool:
        reason = refusal(target, self.store.read_only)
        if reason is not None:
            self.notify(reason, title="Not changed", severity="warning", timeout=8, markup=False)
        return reason is not None

    def change(self, target: Target, **changes: object) -> None:
        """Write one change on a thread of its own (the screen keeps drawing while the disk
        works); whatever happens, the screen then shows the action as it is stored."""
        if self._refused(target):
            return
        store = self.store
        app = self.app

        def write() -> None:
            row: ActionRow | None = None
            error: BaseException | None = None
            try:
                row = store.update_action(target.id, seen=target.state, **changes)
            except BaseException as exc:  # handed back to the screen, which says what happened
                error = exc
            hand_back(app, self._written, target, row, error)

        self.run_worker(write, thread=True, group="action-change", exit_on_error=False)

    def _written(self, target: Target, row: ActionRow | None, error: BaseException | None) -> None:
        if isinstance(error, StaleAction):
            self.notify(
                f"“{target.text}” was changed elsewhere (another window or the command line): it is "
                f"{error.row.action.status.value} now. Nothing was changed here; it is shown as it is. Press the key again to change it.",
                title="Changed elsewhere",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self.changed(target.id, error.row)
        elif isinstance(error, StoreReadOnly):
            self.notify(READ_ONLY, title="Not changed", severity="warning", timeout=8, markup=False)
        elif isinstance(error, LookupError):  # gone, no longer closed, or damaged since it was shown
            self.notify(f"Not changed: {error}.", severity="error", timeout=8, markup=False)
            self.changed(target.id, None)
        elif isinstance(error, OSError):  # a full or failing disk: nothing was written
            reason = error.strerror or str(error)
            self.notify(f"Not saved ({reason}): “{target.text}” is unchanged. Try again once the disk takes it.", severity="error", timeout=10, markup=False)
        elif error is not None:
            raise error
        elif row is not None:
            self.notify(f"Saved: {saved_words(row)}", timeout=4, markup=False)
            self.changed(target.id, row)


def saved_words(row: ActionRow) -> str:
    """`“Call three lost customers” is done · owner Ana · due 2025-03-01`."""
    action = row.action
    details = [
        action.status.value,
        f"owner {action.owner}" if action.owner else "no owner",
        f"due {action.due}" if action.due else "no due date",
    ]
    return f"“{action.text}” is " + " · ".join(details)

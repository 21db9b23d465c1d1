"""Act: the top-voted items become actions with an owner, a routine, a cadence, a date and a measure.

Each field is checked as it is typed. A wrong field shows its message in place and keeps what was
typed; the fields that are right are saved at once, so nothing is lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitator.check_out import FOLLOW_UP_WEEKS, parse_roti, roti_line
from facilitator.models import Action, Cadence
from facilitator.screens.modals import MODAL_CSS, ConfirmModal, KeepOrCancel
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import refill
from facilitator.widgets.text_input import TextInput

FIELDS = (
    ("text", "What", "the action, in a sentence"),
    ("owner", "Owner", "a participant or any name"),
    ("routine", "Routine", "where it happens"),
    ("cadence", "Cadence", ""),
    ("due", "First/due", "YYYY-MM-DD"),
    ("measure", "Measure", "how we will know it worked"),
)
TEXT_FIELDS = tuple(name for name, _, _ in FIELDS if name != "cadence")


def action_line(action: Action) -> Text:
    text = Text("✔ " if action.committed else "  ", style="bold")
    text.append(action.text)
    details = [d for d in (action.owner, action.routine) if d]
    if action.committed:
        details.append("said aloud")
    if details:
        text.append("  — " + " · ".join(details), style="italic")
    return text


class CheckOutModal(KeepOrCancel[tuple[list[int], date | None] | None]):
    """Before the close: how much the hour was worth to each person, and when the team meets
    again to follow its actions up."""

    DEFAULT_CSS = MODAL_CSS.format(cls="CheckOutModal") + """
    CheckOutModal Label { margin-top: 1; text-style: bold; }
    CheckOutModal #problem { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel"), Binding("ctrl+s", "keep", "Keep", id="keep", priority=True)]

    def __init__(self, roti: list[int], follow_up_on: date) -> None:
        super().__init__()
        self.roti, self.follow_up_on = roti, follow_up_on

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Check-out. Ask the room: was this worth the time? Everyone shows 1 (wasted) to 5 (worth much more) fingers."), classes="question")
            yield Label("Scores, one a person (like 4 5 3 4)")
            yield TextInput(" ".join(map(str, self.roti)), id="roti", compact=True)
            yield Label("Follow-up on (YYYY-MM-DD; empty for none)")
            yield TextInput(self.follow_up_on.isoformat(), id="follow-up-on", compact=True)
            yield Static("", id="problem")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#roti", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        scores = parse_roti(self.query_one("#roti", Input).value)
        raw_date = self.query_one("#follow-up-on", Input).value.strip()
        problem = scores if isinstance(scores, str) else None
        when: date | None = None
        if raw_date and problem is None:
            try:
                when = date.fromisoformat(raw_date)
            except ValueError:
                problem = "Use a date like 2026-12-01 for the follow-up, or leave it empty."
        if problem is not None or isinstance(scores, str):
            self.query_one("#problem", Static).update(Text(problem or ""))
            return
        self.dismiss((scores, when))


def field_error(name: str, raw: str, action: Action) -> tuple[Action | None, str | None]:
    """The action with one field changed, or the one-line reason the value cannot be used."""
    value: object = raw.strip() or None
    if name == "due" and value is not None:
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            return None, "Use a date like 2026-12-01."
    if name == "text" and value is None:
        return None, "An action needs a text."
    try:
        return Action.model_validate({**action.model_dump(), name: value}), None
    except ValidationError as exc:
        return None, exc.errors()[0]["msg"]


class ActScreen(PhaseScreen):
    current: str | None = None
    CSS_PATH = "act.tcss"
    MOVES_ON_BY_ITSELF = False  # moving on closes the session: that waits for the facilitator
    BINDINGS = [
        Binding("ctrl+a", "add", "New action", id="add", priority=True),
        Binding("ctrl+x", "remove", "Remove action", id="remove", priority=True),
        Binding("ctrl+o", "say_aloud", "Said aloud", id="said-aloud", priority=True, tooltip="The owner said the highlighted action aloud to the room: a commitment"),
        Binding("f4", "check_out", "Check-out", id="check-out", tooltip="The room's return on time invested and the date to follow up"),
    ]

    def __init__(self, live) -> None:
        super().__init__(live)
        self.errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        with Horizontal(id="act-panes"):
            with Vertical(id="list-pane"):
                yield Static("Actions", classes="pane-title")
                yield OptionList(id="actions", markup=False)
            with Vertical(id="form"):
                yield Static("", id="form-title")
                with Grid(id="form-grid"):
                    for name, label, placeholder in FIELDS:
                        yield Label(label)
                        if name == "cadence":
                            yield Select([(c.value, c) for c in Cadence], value=Cadence.ONCE, allow_blank=False, id="field-cadence", compact=True)
                        else:
                            yield TextInput(placeholder=placeholder, id=f"field-{name}", compact=True)
                yield Static("", id="form-errors")
        yield Static("", id="draft-note")
        yield KeyLine()

    def on_mount(self) -> None:
        session = self.live.session
        self.query_one("#field-owner", Input).suggester = SuggestFromList(session.participants, case_sensitive=False)
        self.query_one("#field-routine", Input).suggester = SuggestFromList(session.routines, case_sensitive=False)
        self.current: str | None = None
        super().on_mount()
        self.refresh_view()
        self.query_one("#actions", OptionList).focus()

    def refresh_view(self) -> None:
        listing = self.query_one("#actions", OptionList)
        actions = self.live.session.actions
        refill(listing, (Option(action_line(a), id=a.id) for a in actions))
        self._load_form()
        super().refresh_view()

    def _action(self) -> Action | None:
        return next((a for a in self.live.session.actions if a.id == self.current), None)

    def _load_form(self) -> None:
        listing = self.query_one("#actions", OptionList)
        option = listing.highlighted_option
        self.current = option.id if option else None
        action = self._action()
        self.errors.clear()
        self.query_one("#form").display = action is not None
        if action is None:
            self._show_errors()
            return
        with self.prevent(Input.Changed, Select.Changed):
            for name in TEXT_FIELDS:
                value = getattr(action, name)
                field = self.query_one(f"#field-{name}", Input)
                field.value = "" if value is None else str(value)
                field.remove_class("-invalid")
            self.query_one("#field-cadence", Select).value = action.cadence
        self._show_errors()

    def _show_errors(self) -> None:
        labels = {name: label for name, label, _ in FIELDS}
        lines = [f"{labels[name]}: {problem}" for name, problem in self.errors.items()]
        self.query_one("#form-errors", Static).update(Text("\n".join(lines)))
        action = self._action()
        self.query_one("#form-title", Static).set_class(bool(lines), "-warning")
        if lines:
            state = "Not saved until fixed: the other fields are saved."
        elif self.live.save_failed is not None:
            state = "Kept here, not yet on disk: see the line at the top."
        else:
            state = "Saved as you type."
        self.query_one("#form-title", Static).update(Text(state) if action else "")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id == self.current:
            return
        if self.errors and self.current is not None:
            # Leaving would drop what was typed in the wrong field: stay until it is fixed or cleared.
            listing = self.query_one("#actions", OptionList)
            listing.highlighted = listing.get_option_index(self.current)
            self._wrong_field_first()
            return
        self._load_form()

    def _wrong_field_first(self) -> bool:
        """True (and a notice) while a field is wrong: what was typed there is not saved yet."""
        if self.errors:
            self.notify("Fix or clear the field in red first: it is not saved yet.", severity="warning", timeout=3, markup=False)
        return bool(self.errors)

    def action_undo(self) -> None:
        if not self._wrong_field_first():
            super().action_undo()

    def action_end_phase(self) -> None:
        self.action_advance()

    def action_advance(self) -> None:
        if not self.errors:
            super().action_advance()
            return

        def answered(move_on: bool | None) -> None:
            if move_on:
                self.errors.clear()
                super(ActScreen, self).action_advance()

        labels = {name: label for name, label, _ in FIELDS}
        wrong = ", ".join(labels[name] for name in self.errors)
        self.app.push_screen(ConfirmModal(f"{wrong}: not valid, so not saved. Move on without it?", yes="Move on", no="Fix it"), answered)

    def on_input_changed(self, event: Input.Changed) -> None:
        action = self._action()
        if action is None or not event.input.id or not event.input.id.startswith("field-"):
            return
        name = event.input.id.removeprefix("field-")
        updated, problem = field_error(name, event.value, action)
        if problem:
            self.errors[name] = problem
        else:
            self.errors.pop(name, None)
        self._show_errors()
        event.input.set_class(problem is not None, "-invalid")
        if updated is not None:
            self._save(updated, name)

    def on_select_changed(self, event: Select.Changed) -> None:
        action = self._action()
        if action is not None and isinstance(event.value, str) and event.value != action.cadence:
            self._save(action.model_copy(update={"cadence": Cadence(event.value)}), "cadence")

    def _save(self, action: Action, field: str) -> None:
        self.live.save_action(action, field)
        listing = self.query_one("#actions", OptionList)
        listing.replace_option_prompt(action.id, action_line(action))

    def action_add(self) -> None:
        if self._wrong_field_first():
            return
        action = self.live.new_action()
        self.refresh_view()
        listing = self.query_one("#actions", OptionList)
        listing.highlighted = listing.get_option_index(action.id)
        self._load_form()
        field = self.query_one("#field-text", Input)
        field.focus()
        field.select_all()  # typing replaces "New action"

    def action_say_aloud(self) -> None:
        action = self._action()
        if action is None:
            return
        said = self.live.say_aloud(action.id)
        self.refresh_view()
        if said is not None:
            who = said.owner or "its owner"
            self.notify(f"Said aloud by {who}." if said.committed else "No longer marked as said aloud.", timeout=3, markup=False)

    def action_check_out(self) -> None:
        session = self.live.session
        offered = session.follow_up_on or self.live.clock.now().date() + timedelta(weeks=FOLLOW_UP_WEEKS)

        def kept(answer: tuple[list[int], date | None] | None) -> None:
            if answer is not None:
                self.live.check_out(*answer)
                self.refresh_view()
                self.notify(f"Check-out kept: return on time invested {roti_line(answer[0])}.", timeout=5, markup=False)

        self.app.push_screen(CheckOutModal(session.roti, offered), kept)

    def action_remove(self) -> None:
        action = self._action()
        if action is not None:
            self.live.remove_action(action.id)
            self.refresh_view()
            self.notify("Action removed. Ctrl+Z brings it back.", timeout=3, markup=False)

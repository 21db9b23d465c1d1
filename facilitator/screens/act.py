"""Act: the top-voted items become actions with an owner, a routine, a cadence, a date and a measure.

Each field is checked as it is typed. A wrong field shows its message in place and keeps what was
typed; the fields that are right are saved at once, so nothing is lost.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from facilitator.models import Action, Cadence
from facilitator.screens.modals import ConfirmModal
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
    text = Text(action.text)
    details = [d for d in (action.owner, action.routine) if d]
    if details:
        text.append("  — " + " · ".join(details), style="italic")
    return text


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

    def action_remove(self) -> None:
        action = self._action()
        if action is not None:
            self.live.remove_action(action.id)
            self.refresh_view()
            self.notify("Action removed. Ctrl+Z brings it back.", timeout=3, markup=False)

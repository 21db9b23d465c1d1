"""Small dialogs: confirm, ask for a line of text, pick one of a list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.widgets.text_input import TextInput

ResultT = TypeVar("ResultT")

MODAL_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 70; max-width: 90%; height: auto; border: thick $accent; background: $surface; padding: 1 2; }}
{cls} .question {{ margin-bottom: 1; }}
{cls} Horizontal {{ height: auto; align-horizontal: right; }}
{cls} Button {{ margin-left: 2; }}
{cls} .buttons {{ height: 1; margin-top: 1; }}
"""


class KeepOrCancel(ModalScreen[ResultT]):
    """A dialog of fields that Ctrl+S keeps and Escape cancels, with both keys on buttons: a
    dialog covers the screen's key line, and a projector shows no mouse pointer to guess with."""

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button(Text("Cancel (Esc)"), id="cancel", compact=True)
            yield Button(Text("Keep (Ctrl+S)"), id="keep", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "keep":
            self.action_keep()
        else:
            self.action_cancel()

    def action_keep(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss()


class ConfirmModal(ModalScreen[bool]):
    """Yes or no; Escape means no."""

    DEFAULT_CSS = MODAL_CSS.format(cls="ConfirmModal")
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="no"),
        Binding("y", "answer(True)", "Yes", id="yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="question")
            with Horizontal():
                yield Button(Text(f"{self.no} (n)"), id="no")
                yield Button(Text(f"{self.yes} (y)"), id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # Enter takes the safe answer

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TextModal(ModalScreen[str | None]):
    """One line of text, prefilled; Enter keeps it, Escape cancels.

    Args:
        allow_empty: an empty answer is an answer (""), not a cancel.
        check: says in one line what is wrong with an answer, or None if it will do; a wrong
            answer stays in the box with the reason under it.
        suggestions: completed as the user types (Right arrow takes the suggestion).
        select: the prefilled text starts selected, so typing replaces it; off where the text is
            the user's own unfinished work, which typing must extend, not destroy.
    """

    DEFAULT_CSS = MODAL_CSS.format(cls="TextModal") + "TextModal #problem { color: $error; height: auto; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(
        self,
        question: str,
        value: str = "",
        *,
        allow_empty: bool = False,
        check: Callable[[str], str | None] | None = None,
        suggestions: Sequence[str] = (),
        select: bool = True,
    ) -> None:
        super().__init__()
        self.question, self.value = question, value
        self.allow_empty, self.check, self.suggestions = allow_empty, check, list(suggestions)
        self.select = select

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="question")
            suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None
            yield TextInput(self.value, id="answer", suggester=suggester, select_on_focus=self.select)
            yield Static("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        if not answer and not self.allow_empty:
            self.dismiss(None)
            return
        problem = self.check(answer) if self.check else None
        if problem:
            self.query_one("#problem", Static).update(Text(problem))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickModal(ModalScreen[str | None]):
    """Pick one of a list; Enter picks, Escape cancels."""

    DEFAULT_CSS = MODAL_CSS.format(cls="PickModal") + "PickModal OptionList { max-height: 20; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, question: str, choices: list[str]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="question")
            yield OptionList(*(Option(Text(c)) for c in self.choices), markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class KeysModal(ModalScreen[None]):
    """Every key of the screen below, with what it does: the footer cannot show them all at 80x24."""

    DEFAULT_CSS = MODAL_CSS.format(cls="KeysModal") + "KeysModal #keys { height: auto; max-height: 20; }"
    BINDINGS = [Binding("escape,f1", "dismiss", "Close", id="close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Keys on this screen", style="bold"), classes="question")
            width = max((len(k) for k, _ in self.keys), default=0)
            lines = Text()
            for key, description in self.keys:
                lines.append(f"{key:>{width}}  ", style="bold")
                lines.append(f"{description}\n")
            yield VerticalScroll(Static(lines), id="keys")

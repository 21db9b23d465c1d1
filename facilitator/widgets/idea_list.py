"""The list of ideas: an `OptionList`, which draws only what is visible, so a round with a
thousand ideas still takes a new one at once."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from facilitator.models import Idea
from facilitator.widgets.lists import refill


def idea_text(idea: Idea, number: int, *, builds_on: int | None = None, extra: str = "") -> Text:
    """One line of an idea as plain text (never markup), with its author and what it builds on."""
    text = Text(no_wrap=False)
    text.append(f"{number:>3}. ", style="dim")
    if builds_on is not None:
        text.append(f"↳{builds_on} ", style="bold")
    text.append(idea.text)
    if idea.author:
        text.append(f"  — {idea.author}", style="italic")
    if extra:
        text.append(f"  {extra}", style="dim")
    return text


def session_numbers(ideas: list[Idea]) -> dict[str, int]:
    """Each idea's number in the whole session, in the order the ideas were called out."""
    return {idea.id: number for number, idea in enumerate(ideas, 1)}


def idea_context(idea: Idea, numbers: dict[str, int], *, routine: bool = True) -> Text:
    """`— Ana · builds on #3 · daily stand-up`: who said it, what it grew from, where it would happen."""
    parts = []
    if idea.author:
        parts.append(f"— {idea.author}")
    if idea.builds_on and idea.builds_on in numbers:
        parts.append(f"builds on #{numbers[idea.builds_on]}")
    if routine and idea.routine:
        parts.append(idea.routine)
    return Text(("  " + " · ".join(parts)) if parts else "", style="italic")


class IdeaList(OptionList):
    """Ideas in the order they were called out; option ids are idea ids."""

    DEFAULT_CSS = """
    IdeaList { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.numbers: dict[str, int] = {}

    def _line(self, idea: Idea) -> Text:
        return idea_text(idea, self.numbers[idea.id], builds_on=self.numbers.get(idea.builds_on or ""))

    def show_all(self, ideas: list[Idea]) -> None:
        self.numbers = {idea.id: n for n, idea in enumerate(ideas, 1)}
        refill(self, (Option(self._line(idea), id=idea.id) for idea in ideas), default=len(ideas) - 1)

    def append_idea(self, idea: Idea) -> None:
        self.numbers[idea.id] = len(self.numbers) + 1
        self.add_option(Option(self._line(idea), id=idea.id))
        self.highlighted = self.option_count - 1

    def replace_idea(self, idea: Idea) -> None:
        self.replace_option_prompt(idea.id, self._line(idea))

    @property
    def selected_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option else None

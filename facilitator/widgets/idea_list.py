"""The list of ideas: an `OptionList`, which draws only what is visible, so a round with a
thousand ideas still takes a new one at once."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from facilitator.models import Idea
from facilitator.widgets.lists import refill

SENT_MARK = "· by phone"
"""After an idea a participant sent from a phone: the room sees it was not typed at the wall."""


def idea_text(idea: Idea, number: int, *, builds_on: int | str | None = None, extra: str = "") -> Text:
    """One line of an idea as plain text (never markup), with its author and what it builds on
    (`↳3`, or `↳earlier` for an idea of an earlier round)."""
    text = Text(no_wrap=False)
    text.append(f"{number:>3}. ", style="dim")
    if builds_on is not None:
        text.append(f"↳{builds_on} ", style="bold")
    text.append(idea.text)
    if idea.author:
        text.append(f"  — {idea.author}", style="italic")
    if idea.device:
        text.append(f"  {SENT_MARK}", style="dim")
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
        builds_on = self.numbers.get(idea.builds_on, "earlier") if idea.builds_on else None
        return idea_text(idea, self.numbers[idea.id], builds_on=builds_on)

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


class LatestIdeas(Widget):
    """The presenter view's newest ideas: only those that fit whole, so none is ever cut.

    At most `most` ideas, in at most a third of the screen's rows; the selected one is marked, so
    that F2 or Ctrl+X in presenter view act on an idea the facilitator can see.
    """

    DEFAULT_CSS = "LatestIdeas { height: auto; }"

    def __init__(self, most: int = 4, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.most = most
        self._ideas: list[tuple[int, Idea]] = []
        self._selected: str | None = None

    def show(self, ideas: list[Idea], selected: str | None = None) -> None:
        self._ideas = list(enumerate(ideas, 1))[-self.most :]
        self._selected = selected
        self.refresh(layout=True)

    def _line(self, number: int, idea: Idea) -> Text:
        text = Text("▸ " if idea.id == self._selected else "  ", style="bold")
        text.append(f"{number}. ", style="dim")
        text.append(idea.text)
        if idea.author:
            text.append(f"  — {idea.author}", style="italic")
        if idea.device:
            text.append(f"  {SENT_MARK}", style="dim")
        return text

    def _fitting(self, width: int, rows: int) -> Text:
        """The newest ideas whose wrapped lines together fit in `rows`, oldest of them first."""
        kept: list[Text] = []
        used = 0
        for number, idea in reversed(self._ideas):
            line = self._line(number, idea)
            height = len(line.wrap(self.app.console, max(width, 1)))
            if used + height > rows:
                break
            kept.insert(0, line)
            used += height
        return Text("\n").join(kept)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        text = self._fitting(width, max(4, viewport.height // 3))
        return len(text.wrap(self.app.console, max(width, 1))) if text else 0

    def render(self) -> Text:
        return self._fitting(self.content_size.width, self.content_size.height)

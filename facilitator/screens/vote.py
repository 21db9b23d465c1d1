"""Vote: dot voting for a room with one keyboard, the budget always in sight.

The budget is people × dots each. A session set up without names does not guess the room's
size: the vote asks how many people vote (or who) before the first dot.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitator.engine.converge import Target
from facilitator.engine.live import LiveSession
from facilitator.screens.modals import TextModal
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.idea_list import idea_context, session_numbers
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging, refill

VOTERS_QUESTION = "How many people vote? Type a number, or their names separated by commas."


def target_body(live: LiveSession, target: Target, numbers: dict[str, int]) -> Text:
    """A cluster's name and size, or an idea with who said it and what it builds on; and its routine."""
    text = Text()
    if target.is_cluster:
        text.append(target.label, style="bold")
        text.append(f"  ({len(target.ideas)} ideas)", style="dim")
        if target.routine:
            text.append(f"  {target.routine}", style="italic")
        return text
    idea = live.idea(target.id)
    text.append(target.label)
    text.append_text(idea_context(idea, numbers))
    return text


def dots_prefix(dots: int, width: int = 3, number: str = "") -> Text:
    """`2 ●●  #3`: the count in digits too, so the dots are not the only signal; then the idea's
    number, so that a long idea wraps under its own text."""
    text = Text()
    text.append(f"{dots:>2} ", style="bold")
    text.append(("●" * dots).ljust(width), style="bold")
    text.append(f" {number}", style="dim")
    return text


def vote_line(live: LiveSession, target: Target, numbers: dict[str, int], width: int = 3) -> RenderableType:
    digits = len(str(len(numbers)))
    number = "▣".ljust(digits + 1) if target.is_cluster else f"#{numbers.get(target.id, 0)}".ljust(digits + 1)
    return hanging(dots_prefix(live.tally(target.id), width, number), target_body(live, target, numbers))


def voters_problem(answer: str) -> str | None:
    number = answer.isascii() and answer.isdecimal()
    if number and not 1 <= int(answer) <= 1000:
        return "Give a number of people from 1 to 1000."
    if not number and not any(name.strip() for name in answer.split(",")):
        return "Give a number, or names separated by commas."
    return None


class VoteScreen(PhaseScreen):
    CSS_PATH = "vote.tcss"
    BINDINGS = [
        Binding("plus,equals_sign,right", "dot(1)", "Add a dot", id="add-dot", tooltip="Add a dot to the highlighted line (also = or →)"),
        Binding("minus,left,backspace", "dot(-1)", "Take a dot", id="remove-dot", tooltip="Take a dot back (also ← or Backspace)"),
        Binding("p", "ask_voters", "Who votes", id="voters", tooltip="Say how many people vote, or who"),
    ]

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static("", id="budget")
        with Horizontal(id="vote-panes"):
            yield OptionList(id="targets", markup=False)
            yield Static("", id="results")
        yield Static("", id="draft-note")
        yield KeyLine()

    def on_mount(self) -> None:
        self.targets = self.live.targets()  # fixed for the phase: lines never move under the cursor
        super().on_mount()
        self.refresh_view()
        self.query_one("#targets", OptionList).focus()
        if self.live.needs_voters:
            self.action_ask_voters()

    def action_ask_voters(self) -> None:
        def answered(answer: str | None) -> None:
            if answer:
                self.live.set_voters(answer)
            self.refresh_view()

        current = ", ".join(self.live.session.participants) or (str(self.live.session.voters) if self.live.session.voters else "")
        self.app.push_screen(TextModal(VOTERS_QUESTION, current, check=voters_problem), answered)

    def refresh_view(self) -> None:
        live = self.live
        listing = self.query_one("#targets", OptionList)
        numbers = session_numbers(live.session.ideas)
        width = min(max([3, *(live.tally(t.id) for t in self.targets)]), 12)
        refill(listing, (Option(vote_line(live, t, numbers, width), id=t.id) for t in self.targets))
        budget = self.query_one("#budget", Static)
        if live.needs_voters:
            budget.update(Text("Nobody is set to vote yet: press p to say how many people vote, or who.", style="bold"))
            budget.set_class(True, "-spent")
        else:
            left = live.dots_left
            people = live.voter_count
            line = Text(f"Dots left: {left} of {live.budget}  ({people} {'person' if people == 1 else 'people'} × {live.session.dots_per_participant})", style="bold")
            from_phones = sum(v.dots for v in live.session.votes if v.device is not None)
            if from_phones:
                line.append(f" · {from_phones} more from phones", style="bold")
            budget.update(line)
            budget.set_class(left == 0, "-spent")
        results = Table.grid(padding=(0, 1))
        results.add_column(no_wrap=True)
        results.add_column(ratio=1)
        results.add_row(Text("Results", style="bold"), "")
        results.add_row("", "")
        for rank, (target, dots) in enumerate(live.results(), 1):
            if dots == 0:
                break
            results.add_row(Text(f"{rank:>2}. {dots:>2}"), Text(target.label))  # wraps under itself
        self.query_one("#results", Static).update(results)
        super().refresh_view()

    def action_dot(self, step: int) -> None:
        listing = self.query_one("#targets", OptionList)
        if listing.highlighted is None:
            return
        if self.live.needs_voters:
            self.notify("Say first how many people vote (p).", timeout=3, markup=False)
            return
        target = self.targets[listing.highlighted]
        changed = self.live.add_dot(target.id) if step > 0 else self.live.remove_dot(target.id)
        if not changed:
            self.notify("No dots left." if step > 0 else "No dot to take back here.", timeout=2, markup=False)
        self.refresh_view()

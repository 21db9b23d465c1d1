"""Vote: dot voting for a room with one keyboard, the budget always in sight."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.engine.converge import Target
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.lists import refill


def dots_text(target: Target, dots: int, width: int = 3) -> Text:
    """`2 ●●   ▣ label`: the count in digits too, so the dots are not the only signal."""
    text = Text()
    text.append(f"{dots:>2} ", style="bold")
    text.append(("●" * dots).ljust(width), style="bold")
    text.append(" ▣ " if target.is_cluster else "   ")
    text.append(target.label)
    return text


class VoteScreen(PhaseScreen):
    CSS_PATH = "vote.tcss"
    BINDINGS = [
        Binding("plus,equals_sign,right", "dot(1)", "+ dot", id="add-dot"),
        Binding("minus,left,backspace", "dot(-1)", "− dot", id="remove-dot"),
    ]

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static("", id="budget")
        with Horizontal(id="vote-panes"):
            yield OptionList(id="targets", markup=False)
            yield Static("", id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.targets = self.live.targets()
        super().on_mount()
        self.refresh_view()
        self.query_one("#targets", OptionList).focus()

    def refresh_view(self) -> None:
        listing = self.query_one("#targets", OptionList)
        width = min(max([3, *(self.live.dots(t.id) for t in self.targets)]), 12)
        refill(listing, (Option(dots_text(t, self.live.dots(t.id), width), id=t.id) for t in self.targets))
        left, budget = self.live.dots_left, self.live.budget
        people = max(len(self.live.session.participants), 1)
        self.query_one("#budget", Static).update(
            Text(f"Dots left: {left} of {budget}  ({people} × {self.live.session.dots_per_participant})", style="bold")
        )
        self.query_one("#budget", Static).set_class(left == 0, "-spent")
        results = Text("Results\n\n", style="bold")
        for rank, (target, dots) in enumerate(self.live.results(), 1):
            if dots == 0:
                break
            results.append(f"{rank:>2}. {dots:>2}  ")
            results.append(target.label[:60] + "\n")
        self.query_one("#results", Static).update(results)
        super().refresh_view()

    def action_dot(self, step: int) -> None:
        listing = self.query_one("#targets", OptionList)
        if listing.highlighted is None:
            return
        target = self.targets[listing.highlighted]
        changed = self.live.add_dot(target.id) if step > 0 else self.live.remove_dot(target.id)
        if not changed:
            self.notify("No dots left." if step > 0 else "No dot to take back here.", timeout=2)
        self.refresh_view()

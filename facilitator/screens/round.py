"""A warm-up or diverge round: the card, the countdown, and the ideas as the room calls them out.

The input line keeps the focus so the facilitator can type without looking down; every command
is a control key that works while typing, and is shown in the footer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.countdown import CountdownDisplay
from facilitator.widgets.idea_input import IdeaInput
from facilitator.widgets.idea_list import IdeaList
from facilitator.widgets.prompt_card import PromptCardView


class RoundScreen(PhaseScreen):
    CSS_PATH = "round.tcss"
    BINDINGS = [
        Binding("ctrl+n", "advance", "End round", id="advance", priority=True),
        Binding("ctrl+g", "end_phase", "End phase", id="end-phase", priority=True),
        Binding("ctrl+k", "skip_card", "Skip card", id="skip-card", priority=True),
        Binding("ctrl+d", "draw_another", "Another card", id="draw-another", priority=True),
        Binding("ctrl+b", "build_on", "Builds on", id="build-on", priority=True),
        Binding("ctrl+r", "card_from_idea", "Idea→card", id="card-from-idea", priority=True),
        Binding("f2", "edit", "Edit", id="edit", priority=True),
        Binding("ctrl+x", "delete", "Delete", id="delete", priority=True),
        Binding("up", "cursor(-1)", "Up", id="up", show=False, priority=True),
        Binding("down", "cursor(1)", "Down", id="down", show=False, priority=True),
        Binding("escape", "cancel_edit", "Cancel edit", id="cancel-edit", show=False),
    ]

    def __init__(self, live) -> None:
        super().__init__(live)
        self.editing: str | None = None
        self._rang_for: int | None = None

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        with Horizontal(id="stage"):
            with Vertical(id="card-column"):
                yield PromptCardView(id="card")
                yield Static("", id="status")
            yield CountdownDisplay(id="countdown")
        yield IdeaList(id="ideas")
        yield IdeaInput(placeholder="Type an idea and press Enter · @name says who said it", id="idea-input")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_view()
        self.query_one("#idea-input", IdeaInput).focus()

    # --- drawing ----------------------------------------------------------------------------

    def _round_ideas(self):
        current = self.live.current_round
        index = current.index if current else None
        return [i for i in self.live.session.ideas if i.round == index]

    def refresh_view(self) -> None:
        if self.editing and not any(i.id == self.editing for i in self._round_ideas()):
            self.action_cancel_edit()  # the idea went away (deleted, undone) or the round moved on
        self.query_one("#card", PromptCardView).show(self.live.current_round)
        self.query_one("#ideas", IdeaList).show_all(self._round_ideas())
        self._show_status()
        self.tick()

    def _show_status(self) -> None:
        parts = Text()
        if self.editing:
            parts.append("Editing idea: Enter saves, Esc cancels. ", style="bold")
        if self.live.builds_on:
            target = self.live.idea(self.live.builds_on)
            parts.append("Next idea builds on: ", style="bold")
            parts.append(target.text[:80])
            parts.append(" (Ctrl+B again to cancel) ")
        if self.live.next_card_from:
            parts.append("Next card is built on an idea. ", style="italic")
        self.query_one("#status", Static).update(parts)

    def tick(self) -> None:
        super().tick()
        countdown = self.live.countdown
        self.query_one(CountdownDisplay).refresh_from(countdown)
        current = self.live.current_round
        if current is not None and countdown.overtime and self._rang_for != current.index:
            self._rang_for = current.index
            self.app.bell()
            self.notify("Time is up for this round. Ctrl+N moves on; ideas are still welcome.", title="Time", timeout=6)
            if getattr(self.app, "auto_advance", False):
                self.post_message(self.Advance(round_only=True))

    # --- ideas ------------------------------------------------------------------------------

    def on_idea_input_captured(self, event: IdeaInput.Captured) -> None:
        event.stop()
        text = event.text
        ideas = self.query_one("#ideas", IdeaList)
        if self.editing:
            idea = self.live.edit_idea(self.editing, text)
            self.editing = None
            ideas.replace_idea(idea)
            self._show_status()
            return
        else:
            idea = self.live.add_idea(text)
            if idea is None:
                return
            ideas.append_idea(idea)
        self._show_status()
        self.refresh_bindings()

    def action_cursor(self, step: int) -> None:
        ideas = self.query_one("#ideas", IdeaList)
        if step < 0:
            ideas.action_cursor_up()
        else:
            ideas.action_cursor_down()

    def _selected(self) -> str | None:
        selected = self.query_one("#ideas", IdeaList).selected_id
        if selected is None:
            self.notify("No idea selected: add one first.", timeout=2)
        return selected

    def action_edit(self) -> None:
        if (selected := self._selected()) is None:
            return
        idea = self.live.idea(selected)
        self.editing = selected
        field = self.query_one("#idea-input", IdeaInput)
        field.value = idea.text  # the author stays unless a new @name is typed
        field.cursor_position = len(field.value)
        self._show_status()

    def action_cancel_edit(self) -> None:
        if self.editing:
            self.editing = None
            self.query_one("#idea-input", IdeaInput).value = ""
            self._show_status()

    def action_delete(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.delete_idea(selected)
        self.refresh_view()
        self.notify("Idea deleted. Ctrl+Z brings it back.", timeout=3)

    def action_build_on(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.builds_on = None if self.live.builds_on == selected else selected
        self._show_status()

    def action_card_from_idea(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.card_from_idea(selected)
        self._show_status()
        self.notify("The next round builds on this idea.", timeout=3)

    # --- timer and cards --------------------------------------------------------------------

    def action_extend(self) -> None:
        super().action_extend()
        self._rang_for = None  # ring again if the extra minute runs out too

    def action_skip_card(self) -> None:
        self.live.skip_card()
        self._rang_for = None
        self.refresh_view()

    def action_draw_another(self) -> None:
        self.live.draw_another()
        self.refresh_view()

    def action_advance(self) -> None:
        self.post_message(self.Advance(round_only=True))



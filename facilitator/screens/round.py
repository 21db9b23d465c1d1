"""A warm-up or diverge round: the card, the countdown, and the ideas as the room calls them out.

The input line keeps the focus so the facilitator can type without looking down; every command
is a control key that works while typing. What is in the input line is the session's draft:
journaled as it is typed, it survives round and phase ends, dialogs and a crash.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from facilitator.engine.countdown import format_clock
from facilitator.engine.live import LiveSession
from facilitator.engine.names import fold
from facilitator.models import Idea
from facilitator.screens.modals import ConfirmModal
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.countdown import CountdownDisplay
from facilitator.widgets.idea_input import IdeaInput
from facilitator.widgets.idea_list import IdeaList, LatestIdeas
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.prompt_card import PromptCardView

PRESENTER_IDEAS = 4
"""The latest ideas the presenter view shows under the card."""


class RoundScreen(PhaseScreen):
    CSS_PATH = "round.tcss"
    AUTO_FOCUS = "#idea-input"  # from the first key on: a key typed as the screen opens is not lost
    BINDINGS = [
        Binding("ctrl+n", "advance", "Next round", id="advance", priority=True, tooltip="End this round; the last round moves on to the next phase"),
        Binding("ctrl+g", "end_phase", "End phase", id="end-phase", priority=True, tooltip="End the whole phase now"),
        Binding("ctrl+k", "skip_card", "Skip card", id="skip-card", priority=True, tooltip="Skip the card: a new card, and the countdown starts again"),
        Binding("ctrl+d", "draw_another", "Other card", id="draw-another", priority=True, tooltip="Draw another card; the countdown keeps running"),
        Binding("ctrl+b", "build_on", "Builds on", id="build-on", priority=True, tooltip="The next idea builds on the selected one"),
        Binding("ctrl+r", "card_from_idea", "Idea→card", id="card-from-idea", priority=True, tooltip="The selected idea becomes the next round's card"),
        Binding("f2", "edit", "Edit", id="edit", priority=True, tooltip="Edit the selected idea (Esc cancels)"),
        Binding("ctrl+x", "delete", "Delete", id="delete", priority=True, tooltip="Delete the selected idea (Ctrl+Z brings it back)"),
        Binding("ctrl+y", "add_participant", "Add name", id="add-participant", priority=True, tooltip="Add the new @name to the participants"),
        Binding("ctrl+l", "keep_name", "Keep as typed", id="keep-name", priority=True, tooltip="Keep the new @name as typed, not as a participant"),
        Binding("f8", "hide_idea", "Hide", id="hide-idea", priority=True, tooltip="Take the selected idea sent from a phone off the wall (Ctrl+Z brings it back)"),
        Binding("f9", "block_phone", "Block phone", id="block-phone", priority=True, tooltip="Take nothing more from the phone that sent the selected idea"),
        Binding("up", "cursor(-1)", "Up", id="up", show=False, priority=True),
        Binding("down", "cursor(1)", "Down", id="down", show=False, priority=True),
        Binding("escape", "cancel_edit", "Cancel edit", id="cancel-edit", show=False),
    ]

    def __init__(self, live: LiveSession) -> None:
        super().__init__(live)
        self.new_names: list[str] = []
        """`@names` that are not participants, to be added or kept as typed (the first is asked)."""
        self._box = live.draft.text
        """The draft as the idea box last reported it or was filled with: when the engine's draft
        differs from this, the engine changed it (an undo, a deleted idea) and the box follows;
        when only the box differs, keys are on their way and must not be overwritten."""

    @property
    def editing(self) -> str | None:
        return self.live.draft.editing

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static("", id="presenter-phase")
        with Horizontal(id="stage"):
            with Vertical(id="card-column"):
                yield PromptCardView(id="card")
            yield CountdownDisplay(id="countdown")
        yield Static("", id="silent")
        yield Static("", id="status")
        yield IdeaList(id="ideas")
        yield LatestIdeas(PRESENTER_IDEAS, id="latest")
        yield IdeaInput(
            self.live.draft.text,  # what was typed before the phase changed, or the crash
            placeholder="Type an idea and press Enter · @name says who said it",
            id="idea-input",
        )
        yield KeyLine()

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_view()

    # --- drawing ----------------------------------------------------------------------------

    def _round_ideas(self) -> list[Idea]:
        current = self.live.current_round
        index = current.index if current else None
        return [i for i in self.live.session.ideas if i.round == index]

    def refresh_view(self) -> None:
        self.query_one("#card", PromptCardView).show(self.live.current_round)
        ideas = self._round_ideas()
        self.query_one("#ideas", IdeaList).show_all(ideas)
        self._show_latest(ideas)
        if self.live.draft.text != self._box:  # an undo or a deleted idea ended an edit
            self._fill_box(self.live.draft.text)
        self._show_status()
        super().refresh_view()

    def _fill_box(self, text: str) -> None:
        """Put the draft in the idea box, the cursor after it; not a keystroke, so not journaled."""
        field = self.query_one("#idea-input", IdeaInput)
        with field.prevent(Input.Changed):
            field.value = text
        field.cursor_position = len(text)
        self._box = text

    def _show_latest(self, ideas: list[Idea]) -> None:
        self.query_one("#latest", LatestIdeas).show(ideas, self.query_one("#ideas", IdeaList).selected_id)

    def _show_status(self) -> None:
        parts = Text()
        if self.editing:
            in_round = any(i.id == self.editing for i in self._round_ideas())
            where = "" if in_round else " from an earlier round"
            parts.append(f"Editing an idea{where}: Enter saves, Esc cancels. ", style="bold")
        if self.live.builds_on:
            target = self.live.idea(self.live.builds_on)
            parts.append("Next idea builds on: ", style="bold")
            parts.append(target.text[:60] + ("…" if len(target.text) > 60 else ""))
            parts.append(" (^b again: not) ")
        if self.live.next_card_from:
            parts.append("The next card is built on an idea. ", style="italic")
        self.new_names = [n for n in self.new_names if self.live.is_new_name(n)]  # answered meanwhile
        if self.new_names:
            name = self.new_names[0]
            parts.append(f"“{name}” is not a participant: ", style="bold")
            parts.append("^y adds them, ^l keeps the name as typed. ")
        self.query_one("#status", Static).update(parts)
        current = self.live.current_round
        phase = Text(f"{self.live.phase.label.upper()} · ROUND {self.live.round_number} OF {self.live.phase.rounds}", style="bold")
        if current is None:
            phase = Text(self.live.phase.label.upper(), style="bold")
        phase.append("  ·  F5 leaves presenter view", style="not bold dim")
        self.query_one("#presenter-phase", Static).update(phase)

    def show_clock(self) -> None:
        self.query_one(CountdownDisplay).refresh_from(self.live.countdown)
        self._show_silence()

    def _show_silence(self) -> None:
        """While the round starts in silence: the line that says so, with the time left."""
        left = self.live.silent_left()
        banner = self.query_one("#silent", Static)
        banner.display = left > 0
        if left > 0:
            banner.update(Text(f"SILENT WRITING · {format_clock(left)} · everyone writes their own ideas first; nobody speaks yet"))

    def time_up_message(self) -> str:
        live = self.live
        if live.round_number < live.phase.rounds:
            move = f"Ctrl+N starts round {live.round_number + 1}"
        else:
            move = f"Ctrl+N moves on to {live.next_phase_label}" if live.next_phase_label else "Ctrl+N closes"
        return f"Time is up for this round. {move}; ideas are still welcome."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_participant", "keep_name"):
            return bool(self.new_names)
        if action == "finish_draft":
            return False  # here the typed idea is in the box itself
        if action == "advance":
            return True
        if action in ("hide_idea", "block_phone"):
            if not any(i.device for i in self.live.session.ideas):
                return False  # no phone has sent anything: nothing to moderate
            return self._selected_phone_idea() is not None or None
        return super().check_action(action, parameters)

    # --- ideas ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "idea-input":
            self._box = event.value
            self.live.type_draft(event.value)
            self.show_saving()

    def on_idea_input_captured(self, event: IdeaInput.Captured) -> None:
        event.stop()
        field = self.query_one("#idea-input", IdeaInput)
        ideas = self.query_one("#ideas", IdeaList)
        if self.editing:
            idea = self.live.edit_idea(self.editing, event.text, draft=field.value)
            self._fill_box(self.live.draft.text)  # the new idea that was held during the edit
            if idea.id in ideas.numbers:  # an idea of an earlier round is not in this list
                ideas.replace_idea(idea)
        else:
            added = self.live.add_idea(event.text, draft=field.value)
            self._box = field.value  # keys typed after Enter are in the box and in the draft
            if added is None:
                return
            ideas.append_idea(added)
            idea = added
            self._show_latest(self._round_ideas())
        if self.live.is_new_name(idea.author) and fold(idea.author or "") not in {fold(n) for n in self.new_names}:
            self.new_names.append(idea.author or "")
        self._show_status()
        self.show_saving()  # at once: the room must know if this idea is on screen only
        self.refresh_bindings()

    def action_cursor(self, step: int) -> None:
        ideas = self.query_one("#ideas", IdeaList)
        if step < 0:
            ideas.action_cursor_up()
        else:
            ideas.action_cursor_down()
        self._show_latest(self._round_ideas())

    def _selected(self) -> str | None:
        selected = self.query_one("#ideas", IdeaList).selected_id
        if selected is None:
            self.notify("No idea selected: add one first.", timeout=2, markup=False)
        return selected

    def action_edit(self) -> None:
        if self.editing:
            self.notify("Finish this edit first: Enter saves it, Esc cancels it.", timeout=3, markup=False)
            return
        if (selected := self._selected()) is None:
            return
        text = self.live.begin_edit(selected)  # the author stays unless a new @name is typed
        self._fill_box(text)
        self._show_status()

    def action_cancel_edit(self) -> None:
        if self.editing:
            held = self.live.cancel_edit()
            self._fill_box(held)
            self._show_status()

    def action_delete(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.delete_idea(selected)
        self.refresh_view()
        self.notify("Idea deleted. Ctrl+Z brings it back.", timeout=3, markup=False)

    def _selected_phone_idea(self) -> Idea | None:
        selected = self._selected()
        idea = next((i for i in self.live.session.ideas if i.id == selected), None) if selected else None
        return idea if idea is not None and idea.device else None

    def action_hide_idea(self) -> None:
        idea = self._selected_phone_idea()
        if idea is None:
            self.notify("Only an idea sent from a phone is hidden; Ctrl+X deletes a typed one.", timeout=3, markup=False)
            return
        self.live.hide_idea(idea.id)
        self.refresh_view()
        self.notify("Idea hidden: off the wall, and its phone sees so. Ctrl+Z brings it back.", timeout=3, markup=False)

    def action_block_phone(self) -> None:
        idea = self._selected_phone_idea()
        if idea is None or idea.device is None:
            return
        device = idea.device
        sent = sum(1 for i in self.live.session.ideas if i.device == device)

        def answered(yes: bool | None) -> None:
            if yes:
                self.live.block_device(device)
                self.refresh_view()
                self.notify("Phone blocked: nothing more it sends is taken. F8 hides what it sent.", timeout=4, markup=False)

        self.app.push_screen(ConfirmModal(f"Block the phone that sent this idea ({sent} on the wall)? Its ideas stay until hidden."), answered)

    def action_build_on(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.toggle_build_on(selected)
        self._show_status()

    def action_card_from_idea(self) -> None:
        if (selected := self._selected()) is None:
            return
        self.live.card_from_idea(selected)
        self._show_status()
        self.notify("The next round builds on this idea.", timeout=3, markup=False)

    def action_add_participant(self) -> None:
        if self.new_names:
            name = self.new_names.pop(0)
            self.live.add_participant(name)
            self.notify(f"{name} is now a participant.", timeout=3, markup=False)
            self._show_status()
            self.refresh_bindings()

    def action_keep_name(self) -> None:
        if self.new_names:
            self.live.keep_name(self.new_names.pop(0))
            self._show_status()
            self.refresh_bindings()

    # --- cards ------------------------------------------------------------------------------

    def action_skip_card(self) -> None:
        self.live.skip_card()
        self.refresh_view()

    def action_draw_another(self) -> None:
        self.live.draw_another()
        self.refresh_view()

    def action_advance(self) -> None:
        self.post_message(self.Advance(round_only=True, at=self._position))

"""What every screen of a running session shares: the agenda line, the clock, and moving on.

The clock is redrawn when its shown second changes, not on a fixed beat: each redraw schedules
the next one for the moment the countdown (or the session's real time) crosses a second, so the
wall shows each second when it begins. At zero every timed phase rings, says so, and moves on
by itself where the session asked for that.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from facilitator.engine.countdown import Countdown, CountdownState
from facilitator.engine.live import LiveSession
from facilitator.screens.modals import TextModal
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.room_panel import RoomPanel
from facilitator.widgets.save_banner import PracticeMark, SaveBanner

SETTLE = 0.004
"""Seconds after a second's boundary to redraw, so the new second is surely there."""
LARGE = 160
"""Columns from which a screen counts as a projector's large terminal."""


def seconds_to_next_change(remaining: float) -> float:
    """How long until `format_clock(remaining)` shows another second, counting down."""
    if remaining > 0:
        return remaining - math.ceil(remaining) + 1 if remaining != math.ceil(remaining) else 1.0
    return math.ceil(-remaining) + remaining if -remaining != math.ceil(-remaining) else 1.0


@dataclass(frozen=True)
class RoomView:
    """How phones join the open room, as a session screen shows it along its bottom."""

    url: str
    code: str
    devices: int


class PhaseScreen(Screen[None]):
    """Base for the follow-up, round, converge, vote and act screens."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (LARGE, "-large")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall"), (40, "-very-tall")]
    BINDINGS = [
        Binding("ctrl+n", "advance", "Next", id="advance", priority=True, tooltip="Go on to the next phase"),
        Binding("ctrl+t", "toggle_timer", "Pause", id="pause", priority=True, tooltip="Pause or resume the countdown"),
        Binding("ctrl+e", "extend", "+1 min", id="extend", priority=True, tooltip="One more minute on the countdown"),
        Binding("ctrl+z", "undo", "Undo", id="undo", priority=True, tooltip="Undo the last change in this phase"),
        Binding("f3", "finish_draft", "Typed idea", id="finish-draft", priority=True, tooltip="Finish and add an idea that was typed in a round but never entered"),
        Binding("f5", "app.toggle_presenter", "Presenter", id="presenter", tooltip="Presenter view: the card, the countdown and the latest ideas, large"),
        Binding("f1", "app.toggle_keys", "Keys", id="keys", tooltip="Every key of this screen"),
    ]
    MOVES_ON_BY_ITSELF = True
    """Whether "move on by itself" applies to this phase (act waits for the facilitator)."""

    @dataclass
    class Advance(Message):
        """Asks the app to end this phase (or round) and show what comes next."""

        round_only: bool = False
        by_itself: bool = False
        """Time was up and the session moves on by itself."""
        at: tuple[int, int] | None = None
        """The (phase, round) it was asked in: a request overtaken by another (Ctrl+N pressed as
        time ran out) is dropped rather than skip a round."""

    def __init__(self, live: LiveSession) -> None:
        super().__init__()
        self.live = live
        # A countdown already over time (a session resumed in overtime) rang before the crash: it
        # must not ring, or move on by itself, the moment the screen opens.
        self._rang_for: Countdown | None = live.countdown if live.countdown.overtime else None
        self._advance_when_back = False
        self._save_banner: SaveBanner | None = None
        self.room: RoomView | None = None
        """The open room, given by the app; None while the room is closed."""

    def on_mount(self) -> None:
        # Everything alive now (Textual, the catalog, the session) stays alive: keep it out of the
        # garbage collector's full passes, which otherwise stop the clock for 100 ms or more.
        gc.freeze()
        if self._save_banner is None:  # Textual runs each class's on_mount: this may come twice
            self._save_banner = SaveBanner()
            self.mount(self._save_banner)
            if self.live.practice:
                self.mount(PracticeMark())
            self.mount(RoomPanel(id="room-line"))
            self.show_room(self.room)
        self.tick()

    def on_screen_resume(self) -> None:
        if self._advance_when_back:  # time ran out while a dialog was open
            self._advance_when_back = False
            if self.live.countdown.overtime:  # and nobody added time or paused meanwhile
                self.post_message(self.Advance(round_only=True, by_itself=True, at=self._position))

    def show_room(self, room: RoomView | None) -> None:
        """The join line along the bottom while the room is open (the app calls this)."""
        self.room = room
        for panel in self.query("#room-line").results(RoomPanel):
            if room is None:
                panel.hide()
            else:
                panel.show(room.url, room.code, room.devices, large=False)

    # --- the clock --------------------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the clocks, ring at zero, and book the next redraw for the next second."""
        live = self.live
        for bar in self.query(AgendaBar):
            bar.show(live)
        self.show_clock()
        self._check_time_up()
        live.heartbeat()
        self.show_saving()
        self._book_tick()

    def _book_tick(self) -> None:
        timer = getattr(self, "_tick_timer", None)
        if timer is not None:
            timer.stop()
        live = self.live
        wait = min(seconds_to_next_change(live.session_seconds_left()), seconds_to_next_change(live.phase_seconds_left()))
        if live.countdown.state is CountdownState.RUNNING:
            wait = min(wait, seconds_to_next_change(live.countdown.remaining()))
        self._tick_timer = self.set_timer(wait + SETTLE, self.tick, name="clock")

    def show_clock(self) -> None:
        """Screens with a big countdown draw it here."""

    def show_saving(self) -> None:
        """The banner across the top while the disk refuses to save (see `SaveBanner`)."""
        if self._save_banner is not None:
            self._save_banner.show(self.live.save_failed, self.live.unsaved)

    def _check_time_up(self) -> None:
        countdown = self.live.countdown
        if not countdown.overtime or self._rang_for is countdown:
            return
        self._rang_for = countdown
        self.app.bell()
        if self.live.session.auto_advance and self.MOVES_ON_BY_ITSELF:
            if self.app.screen is self:
                self.post_message(self.Advance(round_only=True, by_itself=True, at=self._position))
            else:
                self._advance_when_back = True
            return
        self.notify(self.time_up_message(), title="Time is up", timeout=8, markup=False)

    @property
    def _position(self) -> tuple[int, int]:
        return (self.live.session.phase, self.live.round_number)

    def time_up_message(self) -> str:
        upcoming = self.live.next_phase_label
        move = f"Ctrl+N moves on to {upcoming}" if upcoming else "Ctrl+N closes the session when you are ready"
        return f"Time is up for {self.live.phase.label}. {move}; Ctrl+E gives one more minute."

    # --- actions ----------------------------------------------------------------------------

    def action_advance(self) -> None:
        self.post_message(self.Advance(at=self._position))

    def action_end_phase(self) -> None:
        self.post_message(self.Advance(round_only=False, at=self._position))

    def action_toggle_timer(self) -> None:
        self.live.toggle_timer()
        self._advance_when_back = False
        self.tick()

    def action_extend(self) -> None:
        self.live.extend_timer(60)
        self._rang_for = None  # ring again if the extra minute runs out too
        self._advance_when_back = False
        self.tick()

    def action_undo(self) -> None:
        if self.live.undo():
            self.refresh_view()
        else:
            self.notify("Nothing to undo in this phase.", timeout=2, markup=False)

    def action_finish_draft(self) -> None:
        """Text typed in a round and never entered: an idea to add, or an edit to save."""
        draft = self.live.draft
        if draft.editing:
            self._finish_edit()
            return
        if not draft.text.strip():
            return

        def finished(text: str | None) -> None:
            if text is None:
                return  # kept as it was, for later
            if self.live.add_idea(text) is None:
                self.live.type_draft("")
                self.notify("The typed idea was cleared.", timeout=3, markup=False)
            else:
                self.notify("Idea added.", timeout=2, markup=False)
            self.refresh_view()

        self.app.push_screen(
            TextModal("An idea typed in a round and never added. Enter adds it; clear it to drop it; Esc keeps it.", draft.text, allow_empty=True, select=False),
            finished,
        )

    def _finish_edit(self) -> None:
        """An edit left open when its round ended: save it, or drop it (the idea stays as it was)."""
        draft = self.live.draft
        assert draft.editing is not None

        def finished(text: str | None) -> None:
            if text is None:
                return
            if text.strip():
                self.live.edit_idea(draft.editing or "", text)
                self.notify("Edit saved.", timeout=2, markup=False)
            else:
                self.live.cancel_edit()
                self.notify("Edit dropped; the idea is as it was.", timeout=3, markup=False)
            self.refresh_view()

        self.app.push_screen(
            TextModal("An edit of an idea was left open. Enter saves it; clear it to drop the edit; Esc keeps it open.", draft.text, allow_empty=True, select=False),
            finished,
        )

    def refresh_view(self) -> None:
        """Redraw from the engine after a change; screens override it and call this last."""
        self._show_draft()
        self.tick()
        self.refresh_bindings()  # Undo and friends light up or grey out with the change

    def _show_draft(self) -> None:
        for note in self.query("#draft-note").results(Static):
            draft = self.live.draft
            note.display = bool(draft.text.strip()) or draft.editing is not None
            line = Text("An edit not saved: " if draft.editing else "Typed, not added: ", style="bold")
            line.append(draft.text)
            line.append("  (F3 to finish or drop it)", style="dim")
            note.update(line)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.live.can_undo or None
        if action == "finish_draft":
            return bool(self.live.draft.text.strip()) or self.live.draft.editing is not None
        return True

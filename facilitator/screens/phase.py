"""What every screen of a running session shares: the agenda line, the tick, and moving on."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from facilitator.engine.live import LiveSession
from facilitator.widgets.agenda import AgendaBar

TICK_SECONDS = 0.25
LARGE = (160, 40)


class PhaseScreen(Screen[None]):
    """Base for the follow-up, round, converge, vote, act and close screens."""

    BINDINGS = [
        Binding("f1", "app.toggle_keys", "Keys", id="keys"),
        Binding("ctrl+n", "advance", "Next", id="advance", priority=True),
        Binding("ctrl+z", "undo", "Undo", id="undo", priority=True),
        Binding("ctrl+t", "toggle_timer", "Pause/resume", id="pause", priority=True),
        Binding("ctrl+e", "extend", "+1 min", id="extend", priority=True),
        Binding("f5", "app.toggle_presenter", "Presenter", id="presenter"),
    ]

    @dataclass
    class Advance(Message):
        """Asks the app to end this phase (or round) and show what comes next."""

        round_only: bool = False

    def __init__(self, live: LiveSession) -> None:
        super().__init__()
        self.live = live

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK_SECONDS, self.tick)

    def on_resize(self, event: events.Resize) -> None:
        """A big terminal (a projector) gets more room around the card; CSS has no media queries."""
        large = event.size.width >= LARGE[0] and event.size.height >= LARGE[1]
        self.set_class(large, "-large")
        for countdown in self.query("CountdownDisplay"):
            countdown.set_class(large, "-big")

    def tick(self) -> None:
        for bar in self.query(AgendaBar):
            bar.show(self.live)

    def action_advance(self) -> None:
        self.post_message(self.Advance())

    def action_end_phase(self) -> None:
        self.post_message(self.Advance(round_only=False))

    def action_toggle_timer(self) -> None:
        self.live.countdown.toggle()
        self.tick()

    def action_extend(self) -> None:
        self.live.countdown.extend(60)
        self.tick()

    def action_undo(self) -> None:
        if self.live.undo():
            self.refresh_view()
        else:
            self.notify("Nothing to undo in this phase.", timeout=2)

    def refresh_view(self) -> None:
        """Redraw from the engine after a change; screens override it and call this last."""
        self.tick()
        self.refresh_bindings()  # Undo and friends light up or grey out with the change

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.live.can_undo or None
        return True

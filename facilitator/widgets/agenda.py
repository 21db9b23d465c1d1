"""The agenda line: every phase of the plan, where we are, and the time left for the session.

Phase names are never cut: when the whole agenda does not fit on one line, a compact form names
the current and the next phase, and wraps onto a second line rather than lose a word.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from facilitator.engine.countdown import CountdownState, format_clock
from facilitator.engine.live import LiveSession
from facilitator.models import ROUND_PHASES


def _label(live: LiveSession, index: int) -> str:
    phase = live.plan.phases[index]
    label = phase.label
    if index == live.session.phase and phase.kind in ROUND_PHASES:
        label += f" {live.round_number}/{phase.rounds}"
    return label


def agenda_text(live: LiveSession) -> Text:
    """`✓ Warm-up › ▶ Diverge 2/3 › Converge ...`: the current phase marked, not by colour alone."""
    text = Text()
    for index in range(len(live.plan.phases)):
        if index:
            text.append(" › ", style="dim")
        if index == live.session.phase:
            text.append(f"▶ {_label(live, index)}", style="bold reverse")
        elif index < live.session.phase:
            text.append(f"✓ {_label(live, index)}", style="dim")
        else:
            text.append(_label(live, index))
    return text


def compact_agenda_text(live: LiveSession, width: int | None = None) -> Text:
    """`▶ Diverge 2/3  phase 2 of 6 · next: Converge`, for a narrow screen. When it is wider than
    `width`, the phase's place starts the second line, so that `phase 2 of 6` is never split."""
    phases = live.plan.phases
    current = min(live.session.phase, len(phases) - 1)
    text = Text()
    text.append(f"▶ {_label(live, current)}", style="bold reverse")
    place = Text(f"phase {current + 1} of {len(phases)}")
    if current + 1 < len(phases):
        place.append(f" · next: {_label(live, current + 1)}", style="dim")
    fits = width is None or text.cell_len + 2 + place.cell_len <= width
    text.append("  " if fits else "\n")
    return text.append_text(place)


class AgendaPhases(Widget):
    """The whole agenda when it fits on one line, else the compact form, wrapped if it must be."""

    DEFAULT_CSS = "AgendaPhases { width: 1fr; height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live: LiveSession | None = None

    def show(self, live: LiveSession) -> None:
        self.live = live
        self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        if self.live is None:
            return Text()
        full = agenda_text(self.live)
        return full if full.cell_len <= width else compact_agenda_text(self.live, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._text(width).wrap(self.app.console, max(width, 1))), 1)

    def render(self) -> Text:
        return self._text(self.content_size.width)


class AgendaBar(Horizontal):
    """Redrawn by its screen on each tick."""

    DEFAULT_CSS = """
    AgendaBar { height: auto; padding: 0 1; background: $panel; }
    AgendaBar #agenda-left { width: auto; text-style: bold; padding-left: 2; }
    """

    def compose(self) -> ComposeResult:
        yield AgendaPhases(id="agenda-phases")
        yield Static(id="agenda-left")

    def show(self, live: LiveSession) -> None:
        self.query_one(AgendaPhases).show(live)
        self.query_one("#agenda-left", Static).update(time_left_text(live))


def _left_or_over(label: str, seconds: float) -> Text:
    """`phase 3:20 left`, or `phase +0:40 over` in bold reverse: overtime is never only a colour."""
    if seconds >= 0:
        return Text(f"{label} {format_clock(seconds)} left")
    return Text(f"{label} {format_clock(seconds)} over", style="bold reverse")


def time_left_text(live: LiveSession) -> Text:
    """The phase's time and the session's real time left: both count overtime honestly."""
    text = Text()
    text.append_text(_left_or_over("phase", live.phase_seconds_left()))
    if live.phase.kind not in ROUND_PHASES and live.countdown.state is CountdownState.PAUSED:
        text.append(" (paused)")
    text.append(" · ")
    text.append_text(_left_or_over("session", live.session_seconds_left()))
    return text

"""The agenda line: every phase of the plan, where we are, and the time left for the session."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from facilitator.engine.countdown import CountdownState, format_clock
from facilitator.engine.live import LiveSession
from facilitator.models import ROUND_PHASES

LABEL_WIDTH = 24
"""Longer phase titles are cut with an ellipsis."""


def _label(live: LiveSession, index: int) -> str:
    phase = live.plan.phases[index]
    label = phase.label if len(phase.label) <= LABEL_WIDTH else phase.label[: LABEL_WIDTH - 1] + "…"
    if index == live.session.phase and phase.kind in ROUND_PHASES:
        label += f" {live.round_number}/{phase.rounds}"
    return label


def agenda_text(live: LiveSession) -> Text:
    """`✓ Warm-up › ▶ Diverge 2/3 › Converge ...`: the current phase marked, not by colour alone."""
    text = Text(no_wrap=True, overflow="ellipsis")
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


def compact_agenda_text(live: LiveSession) -> Text:
    """`▶ Diverge 2/3 · phase 2 of 6 · next: Converge`, for a narrow screen."""
    phases = live.plan.phases
    current = min(live.session.phase, len(phases) - 1)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"▶ {_label(live, current)}", style="bold reverse")
    text.append(f"  phase {current + 1} of {len(phases)}")
    if current + 1 < len(phases):
        text.append(f" · next: {_label(live, current + 1)}", style="dim")
    return text


class AgendaBar(Horizontal):
    """Redrawn by its screen on each tick."""

    DEFAULT_CSS = """
    AgendaBar { height: auto; padding: 0 1; background: $panel; }
    AgendaBar #agenda-phases { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AgendaBar #agenda-left { width: auto; text-style: bold; padding-left: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="agenda-phases")
        yield Static(id="agenda-left")

    def show(self, live: LiveSession) -> None:
        phases = self.query_one("#agenda-phases", Static)
        full = agenda_text(live)
        room = phases.size.width
        phases.update(full if not room or full.cell_len <= room else compact_agenda_text(live))
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

"""The agenda line: every phase of the plan, where we are, and the time left for the session."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from facilitator.engine.countdown import format_clock
from facilitator.engine.live import LiveSession
from facilitator.models import ROUND_PHASES

LABEL_WIDTH = 14
"""Longer phase titles are cut, so the agenda stays on one or two lines at 80 columns."""


def agenda_text(live: LiveSession) -> Text:
    """`✓ Warm-up › ▶ Diverge 2/3 › Converge ...`: the current phase marked, not by colour alone."""
    text = Text()
    for index, phase in enumerate(live.plan.phases):
        if index:
            text.append(" › ", style="dim")
        label = phase.label if len(phase.label) <= LABEL_WIDTH else phase.label[: LABEL_WIDTH - 1] + "…"
        if index == live.session.phase:
            if phase.kind in ROUND_PHASES:
                label += f" {live.round_number}/{phase.rounds}"
            text.append(f"▶ {label}", style="bold reverse")
        elif index < live.session.phase:
            text.append(f"✓ {label}", style="dim")
        else:
            text.append(label)
    return text


class AgendaBar(Horizontal):
    """Redrawn by its screen on each tick."""

    DEFAULT_CSS = """
    AgendaBar { height: auto; padding: 0 1; background: $panel; }
    AgendaBar #agenda-phases { width: 1fr; }
    AgendaBar #agenda-left { width: auto; text-style: bold; padding-left: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="agenda-phases")
        yield Static(id="agenda-left")

    def show(self, live: LiveSession) -> None:
        self.query_one("#agenda-phases", Static).update(agenda_text(live))
        left = Text()
        if live.phase.kind not in ROUND_PHASES:
            countdown = live.countdown
            cue = " (over time)" if countdown.overtime else ""
            left.append(f"this phase {format_clock(countdown.remaining())}{cue} · ", style="bold")
        left.append(f"session {format_clock(live.session_seconds_left())} left")
        self.query_one("#agenda-left", Static).update(left)

"""Actions made against actions done, one pair of bars per session, oldest on the left.

A plotext plot (textual-plotext) redrawn from `points` whenever they change or the widget is
resized. Made and done differ in shape as well as colour (solid against shaded blocks); the key
sits in the title line, which leaves every other row to the bars (plotext's own legend takes three
rows, and loses its swatch when a series is all zeros). When the sessions do not all fit, the latest
do, and the title says so; the dates along the bottom are thinned to fit. Plotext's output is read
as ANSI, never as markup, and every label has passed the text gate.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from facilitator.progress import SessionPoint, team_label

EMPTY = "No actions yet"
MADE = ("made", "█", "cyan+")
DONE = ("done", "▒", "green+")
"""Each series: its legend word, its block and its colour."""
KEY_STYLES = {"cyan+": "bold bright_cyan", "green+": "bold bright_green"}
"""The Rich colour of each plotext colour above, for the key in the title."""
SLOT_CELLS = 6
"""The fewest columns a session's pair of bars gets; when fewer fit, only the latest sessions show."""
TEAM_CELLS = 30
BAR = 0.4
"""Width of one bar, of the room each session has: a pair touches, with a gap before the next."""
DATE_CELLS = 12
"""Room one date label takes along the bottom, a space either side included."""
AROUND_CANVAS = (4, 2)
"""Columns (y ticks and frame) and rows (frame and x labels) that are not canvas."""


class ProgressChart(PlotextPlot):
    """Set `points` (and `team`, for the title) from above; the chart redraws itself."""

    DEFAULT_CSS = """
    ProgressChart {
        height: 1fr;
        min-height: 8;
    }
    ProgressChart.-empty {
        content-align: center middle;
        text-style: bold;
        color: $text-muted;
    }
    """

    points: reactive[tuple[SessionPoint, ...]] = reactive(())
    team: reactive[str | None] = reactive(None)
    """The team the points belong to (None: every team); only the title shows it."""

    def watch_points(self, points: tuple[SessionPoint, ...]) -> None:
        self.set_class(not _has_actions(points), "-empty")

    def render(self) -> RenderResult:
        if not _has_actions(self.points):
            return Text(EMPTY)
        self._draw(self.size.width, self.size.height)
        chart = super().render()
        if isinstance(chart, Text):  # colour the key's blocks as their bars
            first_line = chart.plain.split("\n", 1)[0]
            for word, block, colour in (MADE, DONE):
                at = first_line.find(f"{block} {word}")
                if at >= 0:
                    chart.stylize(KEY_STYLES[colour], at, at + 1)
        return chart

    def _draw(self, width: int, height: int) -> None:
        """Lay the bars out for this size: plotext's own scaling leaves fractions and overlaps."""
        plt = self.plt
        plt.clear_figure()
        room = max(1, (width - AROUND_CANVAS[0]) // SLOT_CELLS)
        points = self.points[-room:]  # the latest sessions that fit
        labels = [point.day.isoformat() for point in points]
        made = [point.tally.made for point in points]
        done = [point.tally.done for point in points]
        plt.title(title(self.team, len(points), len(self.points)))
        # Two series side by side, by hand: plotext's multiple_bar spaces every bar evenly, so a
        # session's pair would not read as a pair.
        slots = range(1, len(points) + 1)
        for (_, block, colour), values, side in ((MADE, made, -1), (DONE, done, 1)):
            plt.bar([slot + side * BAR / 2 for slot in slots], values, marker=block, color=colour, width=BAR)
        plt.xlim(0.5, len(points) + 0.5)  # each session an equal slot, the last one clear of the frame
        top = max(*made, 1)
        canvas = max(height - 1 - AROUND_CANVAS[1] * 2, 2)  # less the title, the frame and the dates
        plt.ylim(0, top)
        step = max(1, math.ceil(top / max(canvas // 2, 1)))  # a tick every other row at most
        plt.yticks(list(range(0, top + 1, step)))
        every = math.ceil(len(points) / max(1, (width - AROUND_CANVAS[0] - 2) // DATE_CELLS))
        shown = range(len(points) - 1, -1, -every)  # thinned from the latest, which is always named
        plt.xticks([index + 1.0 for index in shown], [labels[index] for index in shown])


def title(team: str | None, shown: int, sessions: int) -> str:
    """`Blue: actions per session   █ made   ▒ done`, or `Blue: latest 12 of 30 sessions …` when
    only the latest fit."""
    name = team_label(team)  # through the text gate
    if len(name) > TEAM_CELLS:
        name = name[: TEAM_CELLS - 1] + "…"
    what = f"latest {shown} of {sessions} sessions" if shown < sessions else "actions per session"
    return f"{name}: {what}   {MADE[1]} {MADE[0]}   {DONE[1]} {DONE[0]}"


def _has_actions(points: tuple[SessionPoint, ...]) -> bool:
    return any(point.tally.made for point in points)

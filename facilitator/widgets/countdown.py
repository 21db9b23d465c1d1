"""The big countdown: digits a room can read, and a text cue so colour is never the only signal.

The digits fill whatever space the screen's CSS gives the countdown (see `BigDigits`). Each state
differs in more than colour: overtime turns the whole panel into a solid $error slab with the
digits knocked out of it, framed by a heavy border, with a `+` sign and the TIME IS UP cue; the last
minute is $warning and says LAST MINUTE; paused is muted, with a dashed frame, and says PAUSED
(paused in overtime too: a clock someone stopped is calm, though it keeps its `+`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from facilitator.engine.countdown import Countdown, CountdownState, format_clock
from facilitator.widgets.big_digits import BigDigits

CUES = {
    "-paused": "PAUSED",
    "-overtime": "TIME IS UP · overtime",
    "-last-minute": "LAST MINUTE",
}
"""The cue line under the digits, by state class; a running round says "round time"."""


class CountdownDisplay(Vertical):
    """Shows a `Countdown`; the screen calls `refresh_from` on each tick.

    Its size comes from the screen's CSS; the digits are as large as fits above the cue line, and
    the two are centred together. The border is always there (blank while running), so a change
    of state never changes the digits' scale.
    """

    DEFAULT_CSS = """
    CountdownDisplay {
        width: 29;  /* "+0:15" at scale 1, so overtime keeps the block digits */
        height: 8;
        border: blank;
        align-vertical: middle;
        &.-last-minute { color: $warning; border: round $warning; }
        &.-paused { color: $text-muted; border: dashed $foreground 50%; }
        &.-overtime {
            background: $error;
            color: auto 95%;
            border: heavy $foreground;
            text-style: bold;
        }
        #cue { width: 1fr; height: 1; text-align: center; text-style: bold; }
    }
    """

    def compose(self) -> ComposeResult:
        yield BigDigits("0:00", spare_rows=1, id="digits")  # the cue line
        yield Static("round time", id="cue")

    def refresh_from(self, countdown: Countdown) -> None:
        paused = countdown.state is CountdownState.PAUSED
        states = {
            "-paused": paused,
            "-overtime": countdown.overtime and not paused,
            "-last-minute": countdown.last_minute and not paused,
        }
        for name, on in states.items():
            self.set_class(on, name)
        self.query_one(BigDigits).show(format_clock(countdown.remaining()))
        cue = next((CUES[name] for name, on in states.items() if on), "round time")
        shown = self.query_one("#cue", Static)
        if shown.content != cue:  # a new cue once a state changes, not a redraw every second
            shown.update(cue)

"""The big countdown: digits a room can read, and a text cue so colour is never the only signal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from facilitator.engine.countdown import Countdown, CountdownState, format_clock
from facilitator.widgets.big_digits import BigDigits


class CountdownDisplay(Vertical):
    """Shows a `Countdown`; the screen calls `refresh_from` on each tick.

    The class `-big` switches to five-row digits, for a large terminal on a projector.
    """

    DEFAULT_CSS = """
    CountdownDisplay { height: auto; width: 22; }
    CountdownDisplay Digits { width: 100%; text-align: center; }
    CountdownDisplay BigDigits { display: none; width: 100%; text-align: center; }
    CountdownDisplay.-big { width: 40; }
    CountdownDisplay.-big Digits { display: none; }
    CountdownDisplay.-big BigDigits { display: block; }
    CountdownDisplay.-last-minute BigDigits { color: $warning; }
    CountdownDisplay.-overtime BigDigits { color: $error; }
    CountdownDisplay.-paused BigDigits { color: $text-muted; }
    CountdownDisplay #cue { width: 100%; text-align: center; text-style: bold; }
    CountdownDisplay.-last-minute Digits { color: $warning; }
    CountdownDisplay.-overtime Digits { color: $error; }
    CountdownDisplay.-paused Digits { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="digits")
        yield BigDigits(id="big-digits")
        yield Static("", id="cue")

    def refresh_from(self, countdown: Countdown) -> None:
        remaining = countdown.remaining()
        self.query_one(Digits).update(format_clock(remaining))
        self.query_one(BigDigits).show(format_clock(remaining))
        paused = countdown.state is CountdownState.PAUSED
        self.set_class(paused, "-paused")
        self.set_class(countdown.last_minute and not paused, "-last-minute")
        self.set_class(countdown.overtime, "-overtime")
        if paused:
            cue = "PAUSED"
        elif countdown.overtime:
            cue = "TIME IS UP · overtime"
        elif countdown.last_minute:
            cue = "LAST MINUTE"
        else:
            cue = "round time"
        self.query_one("#cue", Static).update(cue)

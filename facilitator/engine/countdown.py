"""A round's countdown, computed from a monotonic deadline rather than by counting ticks.

However often (or rarely) the screen asks, the answer is exact: a late timer tick never makes the
round longer. Past zero the countdown keeps going into overtime; it never ends a round by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from facilitator.engine.clock import Clock

LAST_MINUTE = 60


class CountdownState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"


@dataclass
class Countdown:
    """Time left in a round: negative values are overtime."""

    clock: Clock
    seconds: float
    state: CountdownState = CountdownState.READY
    _deadline: float = 0.0
    _left_when_paused: float = 0.0

    def __post_init__(self) -> None:
        self._left_when_paused = self.seconds

    def start(self) -> None:
        if self.state is CountdownState.READY:
            self._deadline = self.clock.monotonic() + self._left_when_paused
            self.state = CountdownState.RUNNING

    def pause(self) -> None:
        if self.state is CountdownState.RUNNING:
            self._left_when_paused = self.remaining()
            self.state = CountdownState.PAUSED

    def resume(self) -> None:
        if self.state is CountdownState.PAUSED:
            self._deadline = self.clock.monotonic() + self._left_when_paused
            self.state = CountdownState.RUNNING
        elif self.state is CountdownState.READY:
            self.start()

    def toggle(self) -> None:
        if self.state is CountdownState.RUNNING:
            self.pause()
        else:
            self.resume()

    def extend(self, seconds: float = 60) -> None:
        """Add time. In overtime, "one more minute" means a minute from now, as a room expects."""
        left = max(self.remaining(), 0.0) + seconds
        if self.state is CountdownState.RUNNING:
            self._deadline = self.clock.monotonic() + left
        else:
            self._left_when_paused = left

    def remaining(self) -> float:
        if self.state is CountdownState.RUNNING:
            return self._deadline - self.clock.monotonic()
        return self._left_when_paused

    @property
    def overtime(self) -> bool:
        return self.remaining() < 0

    @property
    def last_minute(self) -> bool:
        return 0 <= self.remaining() <= LAST_MINUTE


def format_clock(seconds: float) -> str:
    """`M:SS`, with a leading `+` in overtime; whole seconds, rounded up while counting down."""
    if seconds >= 0:
        whole = int(-(-seconds // 1))
        sign = ""
    else:
        whole = int(-seconds)
        sign = "+"
    return f"{sign}{whole // 60}:{whole % 60:02d}"

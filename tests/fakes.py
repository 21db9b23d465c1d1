"""Test doubles shared by the engine and screen tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when a test says so; both readings move together.

    Satisfies `facilitator.engine.clock.Clock`. The monotonic reading starts far from zero, as a
    real one does, so code that mistakes it for "seconds since start" shows up.
    """

    def __init__(self, start: datetime = START, monotonic: float = 10_000.0) -> None:
        self._start = start
        self._origin = monotonic
        self._monotonic = monotonic

    def monotonic(self) -> float:
        return self._monotonic

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._monotonic - self._origin)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock never goes back")
        self._monotonic += seconds

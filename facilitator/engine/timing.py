"""Honest time: the countdown the room sees, and the real time a phase and the session take.

A part of `LiveSession`. The countdown can be paused and extended; the phase's stopwatch cannot:
it is real time, pauses and overtime included, so "session left" keeps falling while a phase
runs over. Both are journaled (on every change, and as a heartbeat once a second), so a resume
after a crash starts from the time that was left, not from the round's full length.
"""

from __future__ import annotations

from datetime import datetime

from facilitator.engine import events
from facilitator.engine.countdown import Countdown, CountdownState
from facilitator.engine.steps import Steps
from facilitator.models import ROUND_PHASES, PhaseClock, PhaseTime, SessionStatus

HEARTBEAT_SECONDS = 1.0
"""How often a running phase writes its clocks to the journal (without fsync: cheap)."""


class TimingSteps(Steps):
    _phase_mark: float = 0.0
    _spent_before: float = 0.0
    _last_beat: float | None = None

    def _open_stopwatch(self, spent_before: float = 0.0) -> None:
        self._phase_mark = self.clock.monotonic()
        self._spent_before = spent_before
        self._last_beat = None

    def phase_spent(self) -> float:
        """Real seconds this phase has run (in this window, plus before a crash)."""
        return self._spent_before + self.clock.monotonic() - self._phase_mark

    @property
    def _current_round_index(self) -> int | None:
        raise NotImplementedError

    def phase_seconds_left(self) -> float:
        """Negative when the phase runs over. Warm-up and diverge: real time against the plan;
        other phases: their countdown, which the facilitator may pause or extend."""
        if self.phase.kind in ROUND_PHASES:
            return self.phase.minutes * 60 - self.phase_spent()
        return self.countdown.remaining()

    def session_seconds_left(self) -> float:
        """The plan's length less the real time spent so far; negative when the session runs over."""
        current = self.session.phase
        done = sum(t.spent for t in self.session.timings if t.phase != current)
        return self.plan.minutes * 60 - done - self.phase_spent()

    # --- the journaled clock ----------------------------------------------------------------

    def _clock_event(self) -> events.Event:
        state = PhaseClock(
            phase=self.session.phase,
            round=self._current_round_index,
            left=round(self.countdown.remaining(), 3),
            running=self.countdown.state is CountdownState.RUNNING,
            spent=round(self.phase_spent(), 3),
            at=self.clock.now(),
        )
        self._last_beat = self.clock.monotonic()
        return events.set_fields(clock=state)

    def heartbeat(self) -> None:
        """Write the clocks once a second while a phase runs, so a crash loses at most that."""
        if self.session.status is not SessionStatus.LIVE:
            return  # a screen's last tick after the close must not start a new journal
        if self._last_beat is None or self.clock.monotonic() - self._last_beat >= HEARTBEAT_SECONDS:
            self._record(self._clock_event(), durable=False)

    def toggle_timer(self) -> None:
        self.countdown.toggle()
        self._record(self._clock_event())

    def extend_timer(self, seconds: float = 60) -> None:
        self.countdown.extend(seconds)
        self._record(self._clock_event())

    def _restart_countdown(self, seconds: float) -> None:
        self.countdown = Countdown(self.clock, seconds)
        self.countdown.start()

    def _resume_countdown(self, full: float) -> float:
        """After a crash: the countdown as it was when the clocks were last written, paused."""
        saved = self.session.clock
        same = saved is not None and saved.phase == self.session.phase and saved.round == self._current_round_index
        left = saved.left if same and saved is not None else full
        self.countdown = Countdown(self.clock, left)
        self.countdown.start()
        self.countdown.pause()
        return left

    def _spent_at_resume(self) -> float:
        saved = self.session.clock
        if saved is not None and saved.phase == self.session.phase:
            return saved.spent
        timing = self._timing()
        return timing.spent if timing else 0.0

    # --- planned against actual, per phase --------------------------------------------------

    def _timing(self) -> PhaseTime | None:
        return next((t for t in self.session.timings if t.phase == self.session.phase), None)

    def _timing_event(self, ended: datetime | None = None) -> events.Event:
        known = self._timing()
        timing = PhaseTime(
            phase=self.session.phase,
            label=self.phase.label,
            planned=self.phase.minutes * 60,
            spent=round(self.phase_spent(), 3),
            started=known.started if known else self.clock.now(),
            ended=ended,
        )
        return events.put("timing", timing)

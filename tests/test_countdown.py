"""The round countdown: deadline arithmetic, pause, extend, overtime and the clock face."""

from __future__ import annotations

import pytest

from facilitator.engine.countdown import Countdown, CountdownState, format_clock
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def running(clock: FakeClock, seconds: float = 120) -> Countdown:
    countdown = Countdown(clock, seconds)
    countdown.start()
    return countdown


# --- start, pause, resume -------------------------------------------------------------------


def test_ready_countdown_does_not_count_down(clock: FakeClock) -> None:
    countdown = Countdown(clock, 120)
    clock.advance(500)
    assert countdown.state is CountdownState.READY
    assert countdown.remaining() == 120
    assert not countdown.overtime


@pytest.mark.parametrize("elapsed", [0, 1, 30, 119.5, 120])
def test_running_countdown_is_the_deadline_minus_now(clock: FakeClock, elapsed: float) -> None:
    countdown = running(clock)
    clock.advance(elapsed)
    assert countdown.remaining() == 120 - elapsed


def test_time_starts_counting_at_start_not_at_creation(clock: FakeClock) -> None:
    countdown = Countdown(clock, 120)
    clock.advance(40)
    countdown.start()
    clock.advance(10)
    assert countdown.remaining() == 110


def test_start_twice_does_not_reset_the_deadline(clock: FakeClock) -> None:
    countdown = running(clock)
    clock.advance(30)
    countdown.start()
    assert countdown.remaining() == 90


@pytest.mark.parametrize(
    ("before", "paused_for", "after", "left"),
    [
        (30, 100, 10, 80),
        (0, 3600, 0, 120),
        (119, 5, 1, 0),
        (130, 50, 5, -15),  # paused in overtime, overtime resumes where it was
    ],
)
def test_time_passing_while_paused_does_not_count(
    clock: FakeClock, before: float, paused_for: float, after: float, left: float
) -> None:
    countdown = running(clock)
    clock.advance(before)
    countdown.pause()
    assert countdown.state is CountdownState.PAUSED
    clock.advance(paused_for)
    assert countdown.remaining() == 120 - before
    countdown.resume()
    assert countdown.state is CountdownState.RUNNING
    clock.advance(after)
    assert countdown.remaining() == left


def test_pause_twice_keeps_the_first_pause(clock: FakeClock) -> None:
    countdown = running(clock)
    clock.advance(20)
    countdown.pause()
    clock.advance(20)
    countdown.pause()
    countdown.resume()
    assert countdown.remaining() == 100


def test_resume_from_ready_starts(clock: FakeClock) -> None:
    countdown = Countdown(clock, 90)
    countdown.resume()
    clock.advance(10)
    assert countdown.state is CountdownState.RUNNING
    assert countdown.remaining() == 80


def test_pause_while_ready_does_nothing(clock: FakeClock) -> None:
    countdown = Countdown(clock, 90)
    countdown.pause()
    assert countdown.state is CountdownState.READY


def test_toggle_goes_ready_running_paused_running(clock: FakeClock) -> None:
    countdown = Countdown(clock, 120)
    states = []
    for step in (10, 10, 10):
        countdown.toggle()
        states.append(countdown.state)
        clock.advance(step)
    assert states == [CountdownState.RUNNING, CountdownState.PAUSED, CountdownState.RUNNING]
    # 10 s running, 10 s paused (not counted), 10 s running.
    assert countdown.remaining() == 100


# --- extend ---------------------------------------------------------------------------------


def test_extend_while_running_adds_a_minute_and_keeps_running(clock: FakeClock) -> None:
    countdown = running(clock)
    clock.advance(30)
    countdown.extend()
    assert countdown.state is CountdownState.RUNNING
    assert countdown.remaining() == 150
    clock.advance(150)
    assert countdown.remaining() == 0


def test_extend_while_paused_adds_a_minute_and_stays_paused(clock: FakeClock) -> None:
    countdown = running(clock)
    clock.advance(30)
    countdown.pause()
    countdown.extend()
    clock.advance(1000)
    assert countdown.state is CountdownState.PAUSED
    assert countdown.remaining() == 150
    countdown.resume()
    clock.advance(50)
    assert countdown.remaining() == 100


@pytest.mark.parametrize("overtime", [0.5, 10, 600])
def test_extend_in_overtime_gives_a_minute_from_now(clock: FakeClock, overtime: float) -> None:
    countdown = running(clock)
    clock.advance(120 + overtime)
    assert countdown.overtime
    countdown.extend()
    assert countdown.remaining() == 60
    assert not countdown.overtime


def test_extend_while_paused_in_overtime_gives_a_minute(clock: FakeClock) -> None:
    countdown = running(clock)
    clock.advance(130)
    countdown.pause()
    countdown.extend()
    assert countdown.remaining() == 60


@pytest.mark.parametrize("seconds", [30, 60, 300])
def test_extend_by_other_amounts(clock: FakeClock, seconds: float) -> None:
    countdown = running(clock)
    clock.advance(20)
    countdown.extend(seconds)
    assert countdown.remaining() == 100 + seconds


def test_extend_before_start_is_kept_when_the_countdown_starts(clock: FakeClock) -> None:
    """A phase clock that is not started yet (converge, vote, act) shows 4:00 after "+1 min";
    starting it must not drop the extra minute."""
    countdown = Countdown(clock, 180)
    countdown.extend()
    assert countdown.remaining() == 240
    countdown.start()
    assert countdown.remaining() == 240


# --- overtime and the last-minute cue -------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "last_minute", "overtime"),
    [
        (0, False, False),
        (59, False, False),  # 61 s left
        (59.5, False, False),  # 60.5 s left
        (60, True, False),  # exactly a minute left
        (90, True, False),
        (120, True, False),  # zero: still the last minute, not yet overtime
        (120.5, False, True),
        (125, False, True),
        (1000, False, True),
    ],
)
def test_last_minute_cue_only_between_a_minute_and_zero(
    clock: FakeClock, elapsed: float, last_minute: bool, overtime: bool
) -> None:
    countdown = running(clock, 120)
    clock.advance(elapsed)
    assert countdown.last_minute is last_minute
    assert countdown.overtime is overtime


def test_overtime_keeps_counting_into_negative_remaining(clock: FakeClock) -> None:
    countdown = running(clock, 120)
    clock.advance(125)
    assert countdown.remaining() == -5
    assert countdown.state is CountdownState.RUNNING
    assert format_clock(countdown.remaining()) == "+0:05"
    clock.advance(60)
    assert countdown.remaining() == -65
    assert format_clock(countdown.remaining()) == "+1:05"


# --- the clock face -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (120, "2:00"),
        (119.2, "2:00"),  # counting down, part seconds round up: 2:00 shows for a full second
        (60, "1:00"),
        (59.2, "1:00"),
        (59, "0:59"),
        (58.2, "0:59"),
        (9, "0:09"),
        (0.1, "0:01"),
        (0, "0:00"),
        (-0.4, "+0:00"),
        (-5, "+0:05"),
        (-5.9, "+0:05"),
        (-65, "+1:05"),
        (3600, "60:00"),
    ],
)
def test_format_clock(seconds: float, shown: str) -> None:
    assert format_clock(seconds) == shown


def test_clock_face_of_a_running_countdown_rounds_up(clock: FakeClock) -> None:
    countdown = running(clock, 120)
    clock.advance(0.8)
    assert format_clock(countdown.remaining()) == "2:00"
    clock.advance(60)
    assert format_clock(countdown.remaining()) == "1:00"  # 59.2 s left
    clock.advance(1)
    assert format_clock(countdown.remaining()) == "0:59"  # 58.2 s left

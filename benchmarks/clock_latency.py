"""The countdown shows each second on time: how late each new second reaches the screen.

Why: a room reads the countdown from the back, so a second that turns late is a clock that
looks wrong. The target is to show each second within 100 ms of the deadline's true second,
idle, while ideas are typed and under a flood of ideas. A timed test would be flaky on shared
machines, so it is measured here instead.

How: the real app runs headless with the real clock. A round starts (Enter on home, Enter on
set-up) and, for a fixed window, the countdown's change from s+1 to s is timed from the moment
the deadline's remaining time crosses s (`Countdown._deadline - s`, monotonic) to the moment the
first frame with the new digits is handed to the driver: `App._display` is wrapped, and the
frame is turned into terminal bytes there as a real driver would. A second that is skipped
counts as late until a smaller one shows.

Each scenario runs twice, side by side: the app as it is (a redraw booked at each second's
boundary) and the old clock, a 250 ms `set_interval` not aligned to the seconds (patched in here
only). The old beat's phase against the seconds was arbitrary (each round's deadline starts at
any moment), so here it is set anew every second, the phases spread evenly over 0-250 ms.

    .venv/bin/python benchmarks/clock_latency.py [seconds per run: 18] [repeats: 1] [scenario ...]

Each run is a fresh process, so one run's leftovers never slow the next.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from facilitator.app import make_app
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.countdown import CountdownDisplay
from facilitator.workspace import Workspace

OLD_TICK = 0.25
"""The old clock: a fixed beat, not aligned to the seconds."""
TYPING_KEYS_PER_SECOND = 8
ENTER_EVERY = 25
FLOOD_IDEAS_PER_SECOND = 30
GRACE = 2.0
"""Seconds the screen is still watched after the load stops, so a late last second is seen."""
TYPED = "we could pair on the release notes before the demo and ask the support team first "


# --- what the screen shows, and when -------------------------------------------------------


def seconds_shown(value: str) -> int:
    minutes, seconds = value.lstrip("+").split(":")
    return int(minutes) * 60 + int(seconds)


def watch(app, screen) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Record (time, seconds) for every frame handed to the driver with new countdown digits,
    and for every redraw of the countdown widget (the fallback, and where the time goes)."""
    countdown = screen.query_one(CountdownDisplay)
    digits = countdown.query_one("#digits")  # whatever draws the digits, it has a `value`
    frames: list[tuple[float, int]] = []
    updates: list[tuple[float, int]] = []
    painted: list[str] = []

    render_lines, refresh_from, display = digits.render_lines, countdown.refresh_from, app._display

    def render_lines_and_note(crop):
        painted[:] = [digits.value]  # these digits go into the frame being built
        return render_lines(crop)

    def refresh_and_note(*args) -> None:
        refresh_from(*args)
        if not updates or updates[-1][1] != seconds_shown(digits.value):
            updates.append((time.monotonic(), seconds_shown(digits.value)))

    def display_and_note(shown_screen, frame) -> None:
        display(shown_screen, frame)
        if frame is None or app._batch_count:
            return  # nothing reaches the terminal
        frame.render_segments(app.console)  # the bytes a real driver would write
        if painted and (not frames or frames[-1][1] != seconds_shown(painted[0])):
            frames.append((time.monotonic(), seconds_shown(painted[0])))

    digits.render_lines, countdown.refresh_from, app._display = render_lines_and_note, refresh_and_note, display_and_note
    return frames, updates


def lateness(shown: list[tuple[float, int]], deadline: float, start: float, end: float) -> list[float]:
    """Milliseconds from each true second boundary in [start, end] to the first showing of it
    (or of a smaller value, if it was skipped)."""
    late = []
    for s in range(int(deadline - start), int(deadline - end) - 1, -1):
        boundary = deadline - s
        if not start < boundary <= end:
            continue
        seen = next((t for t, value in shown if value <= s and t >= boundary - 0.001), None)
        late.append(float("inf") if seen is None else (seen - boundary) * 1000)
    return late


# --- the load ------------------------------------------------------------------------------


def press(app, key: str) -> None:
    """A key through the app's driver, as Pilot sends it, but without waiting for idle."""
    char = {"enter": "\r", "space": " "}.get(key, key)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def key_for(char: str) -> str:
    return "space" if char == " " else char


async def idle(app, until: float) -> None:
    await asyncio.sleep(max(0.0, until - time.monotonic()))


async def typing(app, until: float) -> None:
    """A facilitator typing: 8 keys a second on average, Enter every 25 keys. The gaps vary, as
    a person's do; a steady 8 a second would hit the same point of each second every time."""
    step, count, at = 1 / TYPING_KEYS_PER_SECOND, 0, time.monotonic()
    while at < until:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        count += 1
        press(app, "enter" if count % ENTER_EVERY == 0 else key_for(TYPED[count % len(TYPED)]))
        at += step * random.uniform(0.5, 1.5)


async def flood(app, until: float) -> None:
    """Ideas as fast as the app takes them, up to 30 a second: the next one is sent once the
    last is captured, so what is measured is the app working, not a queue growing."""
    ideas = app.live.session.ideas
    step, number, at = 1 / FLOOD_IDEAS_PER_SECOND, 0, time.monotonic()
    while time.monotonic() < until:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        before = len(ideas)
        for char in f"idea {number}":
            press(app, key_for(char))
        press(app, "enter")
        while len(ideas) == before and time.monotonic() < until + GRACE:
            await asyncio.sleep(0.001)
        number += 1
        at = max(at + step, time.monotonic() - step)


SCENARIOS = {"idle": idle, "typing": typing, "flood": flood}


# --- the old clock, for comparison -----------------------------------------------------------


def old_book_tick(self: PhaseScreen) -> None:
    """The old clock: one 250 ms interval from the first tick on; a tick books nothing."""
    if getattr(self, "_old_beat", None) is None:
        self._old_beat = self.set_interval(OLD_TICK, self.tick, name="clock")


def rephase(screen: PhaseScreen, deadline: float, offset: float) -> None:
    """Move the old beat so it ticks `offset` seconds after each of the deadline's quarter
    seconds; the beat it replaces keeps going until then, so no gap exceeds 250 ms."""
    wait = (deadline + offset - time.monotonic()) % OLD_TICK

    def restart() -> None:
        screen._old_beat.stop()
        screen.tick()
        screen._old_beat = screen.set_interval(OLD_TICK, screen.tick, name="clock")

    screen.set_timer(wait, restart)


# --- one run ---------------------------------------------------------------------------------


async def run(scenario: str, old: bool, seconds: float, rng: random.Random) -> dict:
    booked = PhaseScreen._book_tick
    if old:
        PhaseScreen._book_tick = old_book_tick
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(Workspace(store_path=Path(folder) / "store.json"))
            async with app.run_test(size=(120, 35)) as pilot:
                await pilot.press("enter", "enter")
                await pilot.pause()
                screen, countdown = app.screen, app.live.countdown
                frames, updates = watch(app, screen)
                await asyncio.sleep(0.5)
                deadline = countdown._deadline
                start = time.monotonic()
                end = start + seconds
                ideas_before = len(app.live.session.ideas)
                load = asyncio.create_task(SCENARIOS[scenario](app, end))
                if old:  # a new phase each second, spread evenly over the beat
                    phases = max(int(seconds), 1)
                    offsets = [(k + rng.random()) / phases * OLD_TICK for k in range(phases)]
                    rng.shuffle(offsets)
                    for k, offset in enumerate(offsets):
                        rephase(screen, deadline, offset)
                        await asyncio.sleep(max(0.0, start + (k + 1) * seconds / phases - time.monotonic()))
                await load
                await asyncio.sleep(max(0.0, end + GRACE - time.monotonic()))
                assert app.live.countdown is countdown and app.screen is screen, "the round changed"
                ideas = len(app.live.session.ideas) - ideas_before
    finally:
        PhaseScreen._book_tick = booked
    return {
        "frame": lateness(frames, deadline, start, end),
        "update": lateness(updates, deadline, start, end),
        "ideas per second": ideas / seconds,
    }


def summary(samples: list[float]) -> tuple[int, float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return len(ordered), statistics.median(ordered), p95, ordered[-1]


def one_run(scenario: str, clock: str, seconds: float) -> dict:
    """Each run gets a fresh interpreter, as the app has: apps run one after another in one
    process leave objects behind, and the garbage collector's full passes grow with them."""
    command = [sys.executable, __file__, "--run", scenario, clock, str(seconds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{scenario} with the {clock} clock failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 18.0
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    scenarios = sys.argv[3:] or list(SCENARIOS)
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for repeat in range(repeats):
        for number, scenario in enumerate(scenarios):
            order = ("aligned", "old") if (number + repeat) % 2 == 0 else ("old", "aligned")
            for clock in order:  # alternated, so neither clock always runs on a warmer machine
                measured = one_run(scenario, clock, seconds)
                into = results.setdefault((scenario, clock), {"frame": [], "update": [], "ideas per second": []})
                for key, value in measured.items():
                    into[key] += value if isinstance(value, list) else [value]

    print(f"Lateness of each new second of the countdown, in ms ({seconds:g} s per run, {repeats} run(s) each):")
    print("from the deadline's true second to the frame with the new digits handed to the driver;")
    print("'widget' is the same up to the redraw of the countdown widget.\n")
    print(f"{'scenario':<8} {'clock':<17} {'seconds':>7} {'median':>7} {'p95':>7} {'max':>7}   {'widget median':>13}  ideas/s")
    for scenario in scenarios:
        rows = {}
        for clock in ("aligned", "old"):
            got = results[(scenario, clock)]
            n, median, p95, worst = summary(got["frame"])
            rows[clock] = (median, p95)
            name = "old 250 ms beat" if clock == "old" else "aligned (now)"
            print(f"{scenario:<8} {name:<17} {n:>7} {median:>7.1f} {p95:>7.1f} {worst:>7.1f}   "
                  f"{statistics.median(got['update']):>13.1f}  {statistics.mean(got['ideas per second']):>7.1f}")
        ratios = [rows["old"][k] / max(rows["aligned"][k], 0.1) for k in (0, 1)]
        print(f"{'':<8} {'old / aligned':<17} {'':>7} {ratios[0]:>6.1f}x {ratios[1]:>6.1f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        scenario, clock, seconds = sys.argv[2], sys.argv[3], float(sys.argv[4])
        print(json.dumps(asyncio.run(run(scenario, clock == "old", seconds, random.Random()))))
    else:
        main()

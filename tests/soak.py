"""Kill -9 soak: drive the real app on a pseudo-terminal, kill it at random moments, resume it.

    .venv/bin/python -m tests.soak --runs 200 [--seed N] [--store-dir DIR] [--time-limit SECONDS]

Each run starts `facilitator` on a fresh store (`FACILITATOR_STORE`), starts a session with the
defaults, and takes random steps: an idea typed and entered, part of an idea typed, the round or
the phase ended (Ctrl+N, Ctrl+G). Then it sends SIGKILL to the app at one of four moments:
right after Enter (without waiting for the screen), mid-typing, right after a phase key, or once
the screen has settled. The race moments also read the terminal for a random 0 to 40 ms first,
so the kill lands anywhere in the app's work.

An idea counts as promised once it has been on screen: seen in the idea list of any frame the
app drew, including output it wrote just before it died (read from the terminal after the
kill). After the kill the ideas are read back from the store and the journal with the project's
own code (`Store`, `current_sessions`), then the app is started again, the session is resumed
with `r`, and the ideas the resumed screen should show are awaited on it. A promised idea that
did not come back is lost, and any loss fails the soak, as does a run that cannot resume.

Every wait has a deadline, each run has one, and so has the whole command: a hang is reported
as a failed run, never waited out. Only the standard library and the project's own code.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.catalog import builtin_dir, load_layers
from facilitator.engine.live import current_sessions
from facilitator.models import ROUND_PHASES, PhaseKind, Plan, Session, SessionStatus
from facilitator.store import STORE_ENV, Store
from tests.pty_driver import ENTER, PtyProcess, PtyTimeout, VirtualScreen
from tests.pty_driver import app_env as pty_app_env

REPO = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 100, 30
CTRL_N = "\x0e"  # end the round (the last round of a phase moves on to the next phase)
CTRL_G = "\x07"  # end the whole phase now

MOMENTS = ("after-enter", "mid-typing", "after-phase-key", "settled")
"""When the kill comes: the last step's keys just sent, or the screen quiet after it."""

STEP_SECONDS = 15.0
"""Deadline of one wait (the app answers in well under a second here)."""
RUN_SECONDS = 90.0
"""Deadline of one whole run: two starts of the app and every step between."""
TIME_LIMIT = 3600.0
"""Default bound of the whole command, in seconds."""
MAX_STEPS = 8
"""At most this many steps before the last one (the first step is always an idea)."""
RACE_READ = 0.04
"""The race moments read the terminal for up to this long (seconds) before the kill."""
QUIET = 0.3
"""The screen has settled once the app wrote nothing for this long (the clock ticks each second)."""
KILL_DRAIN = 3.0
"""How long to read what the app wrote before it died."""

PHRASES = [
    "Call three customers before Friday",
    "Invite [bold]Ana[/] to the demo",  # markup-like: must show and be stored as typed
    "Share the churn numbers weekly",
    "Read one complaint aloud at stand-up",
    "Óscar shadows the support desk",
    "Put a customer quote on every slide",
    "Ask “what would the customer say?”",
    "Review lost deals — monthly",
    "Invite a customer to the retro",
    "Measure time-to-answer, not tickets",
]


# --- the app on a terminal ------------------------------------------------------------------


class WatchedPty(PtyProcess):
    """A `PtyProcess` that calls `watch(screen)` after every piece of output it reads."""

    def __init__(self, *args, watch: Callable[[VirtualScreen], None], **kwargs) -> None:
        self.watch = watch
        super().__init__(*args, **kwargs)

    def _read_available(self, timeout: float) -> bool:
        before = len(self.raw)
        alive = super()._read_available(timeout)
        if len(self.raw) != before:
            self.watch(self.screen)
        return alive

    def settle(self, quiet: float, timeout: float) -> bool:
        """Read until the app has written nothing for `quiet` seconds; False if it never paused."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            before = len(self.raw)
            if not self._read_available(min(quiet, left)):
                return True  # gone: nothing more will come
            if len(self.raw) == before and min(quiet, left) >= quiet:
                return True
        return False


def app_env(run_dir: Path) -> dict[str, str]:
    """The environment of the app: its own store, config and data folders, a known terminal."""
    return pty_app_env(
        COLUMNS, LINES, XDG_CONFIG_HOME=str(run_dir / "config"), XDG_DATA_HOME=str(run_dir / "data"),
        **{STORE_ENV: str(run_dir / "store.json")},
    )


_IDEA_ROW = re.compile(r"^ *│ +\d+\. (.*)$")  # the round's idea list: `│   3. text`
_BOARD_ROW = re.compile(r"^ *(?:▊ +)?\[[ x]\] #\d+ (.*)$")  # converge: `▊ [ ] #3 text`
_BOX_ROW = re.compile(r"^ *▊ (.*?) *▎ *$")  # the idea box (and the card's rows)


def listed_texts(screen: VirtualScreen, known: set[str]) -> set[str]:
    """The known idea texts that a row of an idea list on `screen` shows in full."""
    found = set()
    for line in screen.text().splitlines():
        match = _IDEA_ROW.match(line) or _BOARD_ROW.match(line)
        if match is None:
            continue
        rest = match.group(1)
        for text in known:
            if rest.startswith(text) and rest[len(text) : len(text) + 1] in ("", " ", "│"):
                found.add(text)
    return found


def box_shows(screen: VirtualScreen, typed: str) -> bool:
    """Whether the idea box holds exactly `typed`."""
    return any((m := _BOX_ROW.match(line)) and m.group(1).strip() == typed.strip() for line in screen.text().splitlines())


# --- one run --------------------------------------------------------------------------------


class RunFailed(Exception):
    """The run could not go on (a timeout, an unreadable store, no session to resume)."""


@dataclass
class RunResult:
    run: int
    moment: str
    steps: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)
    """Ideas whose Enter was sent."""
    seen: set[str] = field(default_factory=set)
    """Ideas seen in an idea list on screen before the kill (including output read after it)."""
    seen_after_kill: set[str] = field(default_factory=set)
    """Of those, ideas first seen only in output read after the kill was sent."""
    recovered: list[str] = field(default_factory=list)
    """Idea texts of the session read back from store and journal after the kill."""
    shown_after_resume: set[str] = field(default_factory=set)
    lost: list[str] = field(default_factory=list)
    lost_on_screen: list[str] = field(default_factory=list)
    """Ideas the resumed screen should show (by the store) that it did not show."""
    unknown: list[str] = field(default_factory=list)
    """Recovered ideas that were never typed, or came back twice."""
    resumed_in: str = ""
    """The kind of phase the session was resumed in (warm-up, diverge, converge)."""
    error: str | None = None
    seconds: float = 0.0
    folder: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.lost and not self.lost_on_screen and not self.unknown


@dataclass
class Position:
    """Where the session is: phase index and round number (1-based) in that phase."""

    phase: int
    round: int


class Run:
    """One run: start, steps, kill, read back, resume."""

    def __init__(self, number: int, moment: str, rng: random.Random, folder: Path, deadline: float, max_steps: int) -> None:
        self.result = RunResult(number, moment, folder=folder)
        self.rng = rng
        self.folder = folder
        self.store_path = folder / "store.json"
        self.deadline = deadline
        self.max_steps = max_steps
        self.plan: Plan | None = None
        self.position = Position(0, 1)
        self.draft = ""  # what the idea box holds
        self.pending = ""  # the idea the draft is the start of
        self.count = 0
        self.killed = False
        self.known: set[str] = set()  # every idea text typed in this run

    # --- helpers -------------------------------------------------------------------------

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RunFailed("the run's deadline passed")
        return min(left, STEP_SECONDS)

    def _wait(self, app: WatchedPty, check: Callable[[VirtualScreen], bool] | str, what: str) -> None:
        try:
            app.wait_for(check, self._left(), what)
        except PtyTimeout as exc:
            raise RunFailed(str(exc)) from None

    def _watch(self, screen: VirtualScreen) -> None:
        seen = listed_texts(screen, self.known)
        new = seen - self.result.seen
        if new:
            self.result.seen |= new
            if self.killed:
                self.result.seen_after_kill |= new

    def _start(self) -> WatchedPty:
        return WatchedPty(
            [sys.executable, "-m", "facilitator"],
            columns=COLUMNS,
            lines=LINES,
            env=app_env(self.folder),
            cwd=self.folder,
            watch=self._watch,
        )

    def _new_text(self) -> str:
        self.count += 1
        text = f"{self.rng.choice(PHRASES)} s{self.result.run}n{self.count}"
        self.known.add(text)
        return text

    def _phase(self, index: int):
        assert self.plan is not None
        return self.plan.phases[index] if index < len(self.plan.phases) else None

    def _after_key(self, key: str) -> Position | None:
        """Where a phase key leads, or None when it leads past the first phase after the rounds."""
        phase = self._phase(self.position.phase)
        if phase is None or phase.kind not in ROUND_PHASES:
            return None
        if key == CTRL_N and self.position.round < phase.rounds:
            return Position(self.position.phase, self.position.round + 1)
        following = self._phase(self.position.phase + 1)
        if following is None or following.kind not in (*ROUND_PHASES, PhaseKind.CONVERGE):
            return None
        return Position(self.position.phase + 1, 1)

    def _in_rounds(self, position: Position | None = None) -> bool:
        phase = self._phase((position or self.position).phase)
        return phase is not None and phase.kind in ROUND_PHASES

    def _screen_of(self, position: Position) -> Callable[[VirtualScreen], bool]:
        phase = self._phase(position.phase)
        assert phase is not None
        if phase.kind in ROUND_PHASES:
            label = f"▶ {phase.label} {position.round}/{phase.rounds}"
            return lambda screen: label in screen
        return lambda screen: "Converge: Space marks ideas" in screen

    # --- steps ---------------------------------------------------------------------------

    def _idea(self, app: WatchedPty, wait: bool) -> None:
        text = self.pending or self._new_text()
        rest = text[len(self.draft) :]
        self.pending = self.draft = ""
        app.send(rest + ENTER)
        self.result.entered.append(text)
        self.result.steps.append("idea")
        if wait:
            self._wait(app, lambda screen: text in listed_texts(screen, {text}), f"idea {text!r} in the list")

    def _partial(self, app: WatchedPty, wait: bool) -> None:
        if self.pending and len(self.pending) - len(self.draft) <= 1:  # all but typed: enter it first
            self._idea(app, wait=True)
        if not self.pending:
            self.pending = self._new_text()
        upto = self.rng.randrange(len(self.draft) + 1, len(self.pending))
        app.send(self.pending[len(self.draft) : upto])
        self.draft = self.pending[:upto]
        self.result.steps.append("part")
        if wait:
            typed = self.draft
            self._wait(app, lambda screen: box_shows(screen, typed), f"{typed!r} in the idea box")

    def _phase_key(self, app: WatchedPty, wait: bool, *, past_rounds: bool) -> bool:
        """End the round (Ctrl+N) or the phase (Ctrl+G); False if neither may be pressed now."""
        keys = [CTRL_N] * 4 + [CTRL_G]
        self.rng.shuffle(keys)
        for key in dict.fromkeys(keys):
            target = self._after_key(key)
            if target is not None and (past_rounds or self._in_rounds(target)):
                break
        else:
            return False
        app.send(key)
        self.position = target
        self.result.steps.append("^n" if key == CTRL_N else "^g")
        if wait:
            self._wait(app, self._screen_of(target), f"phase {target.phase + 1}, round {target.round}")
        return True

    def _step(self, app: WatchedPty, wait: bool, *, past_rounds: bool = False) -> None:
        choice = self.rng.choices(["idea", "part", "phase"], weights=[5, 2, 2])[0]
        if choice == "phase" and self._phase_key(app, wait, past_rounds=past_rounds):
            return
        if choice == "part":
            self._partial(app, wait)
        else:
            self._idea(app, wait)

    # --- the run -------------------------------------------------------------------------

    def go(self) -> None:
        first = self._start()
        try:
            self._first_life(first)
        finally:
            first.close()
        self._read_back()
        second = self._start()
        try:
            self._second_life(second)
        finally:
            second.close()

    def _first_life(self, app: WatchedPty) -> None:
        self._wait(app, "New session (n)", "the home screen")
        app.send(ENTER)  # the focused "New session" button
        self._wait(app, "Enter starts the session", "the set-up screen")
        app.send(ENTER)  # Enter in the title field: a session with every default
        self._wait(app, "Type an idea and press Enter", "the first round")
        (session,) = Store(self.store_path).live_sessions()
        self.plan = load_layers(Plan, [builtin_dir("sessions")]).get(session.plan)
        if not self._in_rounds():
            raise RunFailed(f"plan {session.plan} does not start with a round")

        self._idea(app, wait=True)  # every run has at least one idea to lose
        for _ in range(self.rng.randint(0, self.max_steps)):
            self._step(app, wait=True)

        moment = self.result.moment
        if moment == "after-enter":
            self._idea(app, wait=False)
        elif moment == "mid-typing":
            self._partial(app, wait=False)
        elif moment == "after-phase-key":
            if not self._phase_key(app, wait=False, past_rounds=True):
                raise RunFailed("no phase key could be pressed")
        else:
            self._step(app, wait=True, past_rounds=True)
            if not app.settle(QUIET, min(self._left(), 3 * QUIET + 2)):
                self.result.steps.append("(never quiet)")
        if moment != "settled" and (delay := self.rng.choice([0.0, self.rng.uniform(0, RACE_READ)])):
            app.drain(delay)  # reads the screen meanwhile: never a sleep
            self.result.steps.append(f"+{delay * 1000:.0f}ms")
        self.killed = True
        app.kill()
        app.drain(KILL_DRAIN)  # what the app wrote before it died is what the room saw

    def _session(self) -> Session:
        try:
            store = Store(self.store_path)
            sessions = current_sessions(store)
        except Exception as exc:  # anything here is the failure to report
            raise RunFailed(f"the store cannot be read after the kill: {exc!r}") from exc
        if len(sessions) != 1:
            raise RunFailed(f"{len(sessions)} sessions in the store after the kill, not 1")
        if store.problems:
            raise RunFailed(f"problems reading the store: {store.problems}")
        return sessions[0]

    def _read_back(self) -> None:
        session = self._session()
        result = self.result
        result.recovered = [idea.text for idea in session.ideas]
        if session.status is not SessionStatus.LIVE:
            raise RunFailed(f"the session is {session.status.value} after the kill, not live")
        got = Counter(result.recovered)
        result.lost = sorted(t for t in result.seen if t not in got)
        result.unknown = sorted(t for t, n in got.items() if t not in self.known or n > 1)

    def _second_life(self, app: WatchedPty) -> None:
        self._wait(app, lambda s: "Resume (r)" in s and "r Resume" in s, "the home screen offering Resume")
        app.send("r")
        self._wait(app, "Session resumed", "the resumed session")
        session = self._session()  # as the resumed app holds it: it may have opened a round
        phase = self._phase(session.phase)
        self.result.resumed_in = phase.kind.value if phase is not None else "?"
        if phase is not None and phase.kind in ROUND_PHASES:
            rounds = [r for r in session.rounds if r.phase == session.phase]
            current = rounds[-1].index if rounds and rounds[-1].ended is None else None
            expected = {i.text for i in session.ideas if i.round == current}
        else:
            expected = {i.text for i in session.ideas}
        expected &= self.known
        try:
            app.wait_for(lambda s: expected <= listed_texts(s, expected), self._left(), "every idea of the resumed view")
        except PtyTimeout:
            pass
        self.result.shown_after_resume = listed_texts(app.screen, self.known)
        self.result.lost_on_screen = sorted(expected - self.result.shown_after_resume)
        if self.result.lost_on_screen:
            self.result.error = f"the resumed screen does not show {len(self.result.lost_on_screen)} idea(s)\n{app.report()}"


def one_run(number: int, moment: str, rng: random.Random, folder: Path, deadline: float, max_steps: int) -> RunResult:
    start = time.monotonic()
    run = Run(number, moment, rng, folder, deadline, max_steps)
    try:
        run.go()
    except RunFailed as exc:
        run.result.error = str(exc)
    except Exception:
        run.result.error = traceback.format_exc()
    run.result.seconds = time.monotonic() - start
    return run.result


# --- the soak -------------------------------------------------------------------------------


@dataclass
class SoakReport:
    seed: int
    planned: int
    results: list[RunResult] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None
    """Why the soak stopped before every planned run (the time limit, Ctrl+C)."""

    @property
    def lost(self) -> int:
        return sum(len(r.lost) for r in self.results)

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def format(self) -> str:
        results = self.results
        moments = Counter(r.moment for r in results)
        seen = sum(len(r.seen) for r in results)
        late = sum(len(r.seen_after_kill) for r in results)
        recovered = sum(len(r.recovered) for r in results)
        entered = sum(len(set(r.entered)) for r in results)
        shown = sum(len(r.shown_after_resume) for r in results)
        lines = [
            f"kill -9 soak: {len(results)} of {self.planned} runs, seed {self.seed}, {self.seconds:.1f} s",
            "kills by moment: " + ", ".join(f"{m} {moments[m]}" for m in MOMENTS),
            "resumed in: " + ", ".join(f"{k} {n}" for k, n in Counter(r.resumed_in for r in results if r.resumed_in).items()),
            f"ideas entered: {entered}",
            f"ideas on screen before the kill: {seen} ({late} of them seen in output read after the kill)",
            f"ideas recovered from store and journal: {recovered}",
            f"ideas shown on the resumed screen: {shown} (the resumed round's, or all in converge)",
            f"ideas lost: {self.lost}",
            f"runs failed: {len(self.failed)}",
        ]
        for r in self.failed:
            lines.append(f"  run {r.run} ({r.moment}; steps {' '.join(r.steps)}; {r.seconds:.1f} s; files in {r.folder})")
            for text in r.lost:
                lines.append(f"    lost: {text!r}")
            for text in r.lost_on_screen:
                lines.append(f"    not shown after resume: {text!r}")
            for text in r.unknown:
                lines.append(f"    unexpected or repeated: {text!r}")
            if r.error:
                lines.extend("    " + line for line in r.error.strip().splitlines())
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


def soak(
    runs: int,
    seed: int,
    *,
    store_dir: Path | None = None,
    time_limit: float = TIME_LIMIT,
    max_steps: int = MAX_STEPS,
    moments: Sequence[str] | None = None,
    progress: Callable[[RunResult], None] | None = None,
) -> SoakReport:
    """Run the soak in this process (it starts the app in child processes) and report.

    Args:
        store_dir: where each run's store goes (`run-NNN/`), kept; by default a temporary folder
            that is removed, except the folders of failed runs.
        moments: the kill moment of each run in turn; by default one chosen at random per run.
    """
    start = time.monotonic()
    end = start + time_limit
    report = SoakReport(seed, runs)
    keep = store_dir is not None
    base = Path(store_dir) if store_dir is not None else Path(tempfile.mkdtemp(prefix="facilitator-soak-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for number in range(1, runs + 1):
            if time.monotonic() > end - 5:
                report.stopped = f"the time limit of {time_limit:.0f} s was reached"
                break
            rng = random.Random(f"{seed}:{number}")
            moment = moments[(number - 1) % len(moments)] if moments else rng.choice(MOMENTS)
            folder = base / f"run-{number:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            result = one_run(number, moment, rng, folder, min(time.monotonic() + RUN_SECONDS, end), max_steps)
            report.results.append(result)
            if not keep and result.ok:
                shutil.rmtree(folder, ignore_errors=True)
            if progress is not None:
                progress(result)
    except KeyboardInterrupt:
        report.stopped = "interrupted"
    finally:
        report.seconds = time.monotonic() - start
        if not keep and not report.failed:
            shutil.rmtree(base, ignore_errors=True)
    return report


def _progress(result: RunResult) -> None:
    mark = "." if result.ok else "F"
    print(mark, end="\n" if result.run % 50 == 0 else "", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="how many runs (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random choices (default: a new one)")
    parser.add_argument("--store-dir", type=Path, default=None, help="keep every run's store in DIR/run-NNN")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help=f"bound of the whole soak in seconds (default {TIME_LIMIT:.0f})")
    parser.add_argument("--max-steps", type=int, default=MAX_STEPS, help=f"at most this many random steps per run (default {MAX_STEPS})")
    args = parser.parse_args(argv)
    if sys.platform == "win32":
        parser.error("needs a POSIX pseudo-terminal")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    print(f"kill -9 soak: {args.runs} runs, seed {seed}", flush=True)
    report = soak(args.runs, seed, store_dir=args.store_dir, time_limit=args.time_limit, max_steps=args.max_steps, progress=_progress)
    print()
    print(report.format())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""End to end with two real processes on one store: a stale window never writes over newer work.

Window 2 sits on the home screen while window 1 captures ideas, ends a phase and quits. When
window 2 then resumes and ends the phase, it must work on what window 1 saved, not on the copy
its home screen read earlier. And an action marked done from a shell must not be silently
reopened by a follow-up screen that showed it open.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from facilitator.models import Action, ActionStatus, Session, SessionStatus
from facilitator.store import Store
from tests.pty_driver import CTRL_Q, ENTER, PtyProcess
from tests.test_crash_resume import (
    COLUMNS,
    LINES,
    STEP_SECONDS,
    _all_listed,
    _env,
    _start,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

CTRL_G = "\x07"
FIRST = ["Call three customers before Friday", "Share the churn numbers weekly", "A customer quote at stand-up"]
LATER = ["Read five support tickets aloud", "Invite support to planning", "Rotate who calls"]


def _stored_ideas(store_path: Path) -> list[str]:
    (session,) = Store(store_path).sessions()
    return [idea.text for idea in session.ideas]


def test_a_window_that_waited_on_home_resumes_the_latest_and_loses_nothing(tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    one = two = None
    try:
        one = _start(store_path, tmp_path)
        one.wait_for("New session (n)", STEP_SECONDS, "window 1's home screen")
        one.send(ENTER)
        one.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen")
        one.send(ENTER)
        one.wait_for("Type an idea and press Enter", STEP_SECONDS, "the warm-up round")
        for number, text in enumerate(FIRST, 1):
            one.send(text + ENTER)
            one.wait_for(_all_listed(FIRST[:number]), STEP_SECONDS, f"idea {number}")

        # Window 2 opens now and waits on its home screen, which lists the session as it is now
        # (its ideas counted from the journal, once the store is open).
        two = _start(store_path, tmp_path)
        two.wait_for(
            lambda s: "Resume (r)" in s and "r Resume" in s and f"{len(FIRST)} ideas" in s, STEP_SECONDS, "window 2 offering Resume"
        )

        # Window 1 goes on: three more ideas, ends the phase (saved), and quits.
        for number, text in enumerate(LATER, len(FIRST) + 1):
            one.send(text + ENTER)
            one.wait_for(_all_listed([*FIRST, *LATER][:number]), STEP_SECONDS, f"idea {number}")
        one.send(CTRL_G)
        one.wait_for("Associations 1/3", STEP_SECONDS, "window 1 in the diverge phase")
        one.send(CTRL_Q)
        one.wait_for("Quit now?", STEP_SECONDS, "the quit confirmation")
        one.send("y")
        assert one.wait_exit(STEP_SECONDS) == 0, one.report()
        assert _stored_ideas(store_path) == [*FIRST, *LATER]

        # Window 2 resumes: it must come back where window 1 left off, and end that phase.
        two.send("r")
        two.wait_for("Associations 1/3", STEP_SECONDS, "window 2 resuming in diverge, where window 1 was")
        two.wait_for("changed since the list was shown", STEP_SECONDS, "a word that the list was old")
        two.send(CTRL_G)
        two.wait_for("Converge:", STEP_SECONDS, "window 2 in converge")
        two.wait_for(LATER[-1], STEP_SECONDS, "every idea on the converge board")
        assert _stored_ideas(store_path) == [*FIRST, *LATER], two.report()
    finally:
        for window in (one, two):
            if window is not None:
                window.close()


FOLLOW_UP_FIRST = """
id = "quick-reflection"
title = "Quick reflection with a follow-up"
minutes = 12
decks = ["top-of-mind"]

[[phases]]
kind = "follow-up"
minutes = 5

[[phases]]
kind = "warm-up"
minutes = 5

[[phases]]
kind = "close"
minutes = 2
"""


def _history(store_path: Path) -> None:
    """An earlier session (no team, like the default set-up) with one action still open."""
    from datetime import datetime

    Store(store_path).save_session(
        Session(
            id="earlier1",
            title="Last month",
            plan="quick-reflection",
            status=SessionStatus.CLOSED,
            created=datetime.now(UTC) - timedelta(days=30),
            actions=[Action(id="act00001", text="Call three lost customers", owner="Ana")],
        )
    )


def test_an_action_marked_done_from_a_shell_is_not_reopened_by_a_stale_follow_up(tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    _history(store_path)
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "quick-reflection.toml").write_text(FOLLOW_UP_FIRST, encoding="utf-8")  # Enter, Enter: follow-up first
    window = None
    try:
        window = PtyProcess(
            [sys.executable, "-m", "facilitator", "--store", str(store_path), "--plans", str(plans)],
            columns=COLUMNS, lines=LINES, env=_env(), cwd=tmp_path,
        )
        window.wait_for("New session (n)", STEP_SECONDS, "the home screen")
        window.send(ENTER)
        window.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen")
        window.send(ENTER)
        window.wait_for("Call three lost customers", STEP_SECONDS, "the follow-up listing the open action")
        assert "[ ] still open" in window.screen, window.report()

        # Meanwhile, in a shell: the owner marks it done (a second, real process).
        done = subprocess.run(
            [sys.executable, "-m", "facilitator", "--store", str(store_path), "actions", "done", "act00001"],
            env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=STEP_SECONDS,
        )
        assert done.returncode == 0, done.stderr

        # The room, looking at the stale line, says "still open": nothing is written over.
        window.send("o")
        window.wait_for("Changed elsewhere", STEP_SECONDS, "the warning that it changed elsewhere")
        window.wait_for("[✓] done", STEP_SECONDS, "the line showing the action as it is now")
        assert Store(store_path).session("earlier1").actions[0].status is ActionStatus.DONE

        # Asked again, now that everyone sees it is done, the room may reopen it on purpose.
        window.send("o")
        window.wait_for("[ ] still open", STEP_SECONDS, "the action reopened on purpose")
        assert Store(store_path).session("earlier1").actions[0].status is ActionStatus.OPEN
        window.send(CTRL_Q)
        window.wait_for("Quit now?", STEP_SECONDS, "the quit confirmation")
        window.send("y")
        assert window.wait_exit(STEP_SECONDS) == 0
    finally:
        if window is not None:
            window.close()

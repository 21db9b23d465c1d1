"""End to end: a real `facilitator` on a pseudo-terminal is killed mid-round and resumed.

A person starts a session with the defaults, calls out three ideas, chooses that the next idea
builds on the first, half types another, and the machine dies (SIGKILL: no handler runs, nothing
is flushed on the way out) while the countdown runs. Started again, the home screen offers to
resume, and the round comes back with every idea, the half-typed text in the box, the pending
choice, and the countdown paused at the time that was left, all read from the journal.

The program is driven only through its terminal: keys in, screen out (see `pty_driver`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from facilitator.engine import events
from facilitator.engine.countdown import format_clock
from facilitator.models import Session, SessionStatus
from facilitator.store import Store, StoreLayout
from tests.helpers import journal_file
from tests.pty_driver import CTRL_Q, ENTER, PtyProcess, VirtualScreen, app_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

REPO = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 100, 30
STEP_SECONDS = 15  # generous for a slow CI machine; each step takes well under a second here

IDEAS = [
    "Call three customers before Friday",
    "Invite [bold]Ana[/] to the demo",  # markup-like: must show and be stored as typed
    "Share the churn numbers weekly",
]
UNSENT = "Half typed when the power went"
UP = "\x1b[A"
CTRL_B = "\x02"


def _env() -> dict[str, str]:
    return app_env(COLUMNS, LINES)


def _start(store_path: Path, cwd: Path) -> PtyProcess:
    return PtyProcess(
        [sys.executable, "-m", "facilitator", "--store", str(store_path)],
        columns=COLUMNS,
        lines=LINES,
        env=_env(),
        cwd=cwd,
    )


def _listed(number: int, text: str) -> str:
    """How the idea list draws an idea: its number, then the text exactly as typed."""
    return f"{number}. {text}"


def _all_listed(texts: list[str]):
    def check(screen: VirtualScreen) -> bool:
        return all(_listed(n, text) in screen for n, text in enumerate(texts, 1))

    return check


def _journaled_texts(store_path: Path) -> tuple[Session, list[str]]:
    """The one live session, rebuilt the way resume does: snapshot plus journal, no LiveSession."""
    store = Store(store_path)
    live = store.live_sessions()
    assert len(live) == 1, [s.id for s in store.sessions()]
    session = live[0]
    journal = store.journal(session.id)
    assert journal.path == journal_file(store_path, session.id)
    for event in journal.events():
        events.apply(session, event)
    return session, [idea.text for idea in session.ideas]


def _last_clock(store_path: Path) -> dict:
    """The countdown as the journal last recorded it (a heartbeat, at most a second old)."""
    store = Store(store_path)
    (session,) = store.live_sessions()
    clocks = [e["fields"]["clock"] for e in store.journal(session.id).events() if e.get("op") == "set" and "clock" in e.get("fields", {})]
    assert clocks, "no clock was journaled"
    return clocks[-1]


def test_a_session_killed_mid_round_resumes_with_every_idea_the_draft_the_choice_and_the_time(tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    journal_dir = StoreLayout.of(store_path).journal
    first = second = None
    try:
        # --- first run: start a session with the defaults and call out three ideas -----------
        first = _start(store_path, tmp_path)
        first.wait_for("New session (n)", STEP_SECONDS, "the home screen")
        first.send(ENTER)  # the focused "New session" button
        first.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen")
        first.send(ENTER)  # Enter in the title field starts the session as set up by default
        first.wait_for("Type an idea and press Enter", STEP_SECONDS, "the warm-up round")
        assert "Warm-up 1/1" in first.screen, first.report()

        for number, text in enumerate(IDEAS, 1):
            first.send(text + ENTER)
            first.wait_for(_all_listed(IDEAS[:number]), STEP_SECONDS, f"idea {number} in the list")
            # The engine journals (and fsyncs) an idea before the screen shows it.
            journal_text = "".join(p.read_text(encoding="utf-8") for p in journal_dir.glob("*.jsonl"))
            assert text in journal_text, f"idea {number} is on screen but not in the journal"

        # The next idea will build on the first one (a pending choice), and one is half typed.
        first.send(UP * 2 + CTRL_B)
        first.wait_for("Next idea builds on", STEP_SECONDS, "the pending build-on")
        first.send(UNSENT)
        first.wait_for(UNSENT, STEP_SECONDS, "the half-typed idea in the input line")
        # Let the round's clock run a few real seconds, so "time left" differs from the full round.
        first.wait_for(lambda s: re.search(r"phase 1:5[0-6] left", s.text()) is not None, STEP_SECONDS, "a few seconds gone")
        left_at_crash = _last_clock(store_path)["left"]
        assert left_at_crash < 117

        first.kill()  # SIGKILL, mid-round, with the countdown running
        first.close()

        # --- between runs: the files alone hold the session, its ideas and the draft -----------
        session, texts = _journaled_texts(store_path)
        assert session.status is SessionStatus.LIVE
        assert texts == IDEAS
        assert session.draft.text == UNSENT
        assert session.builds_on_next == session.ideas[0].id
        left = _last_clock(store_path)["left"]
        assert left <= left_at_crash

        # --- second run: resume from the home screen ------------------------------------------
        second = _start(store_path, tmp_path)
        second.wait_for(lambda s: "Resume (r)" in s and "r Resume" in s, STEP_SECONDS, "the home screen offering Resume")
        second.send("r")
        second.wait_for(_all_listed(IDEAS), STEP_SECONDS, "every idea in the resumed round")
        second.wait_for(UNSENT, STEP_SECONDS, "the half-typed idea back in the input line")
        expected = f"paused at {format_clock(left)}"
        second.wait_for(expected, STEP_SECONDS, f"the time that was left ({expected})")
        screen = second.screen.text()
        assert "Warm-up 1/1" in screen, second.report()
        assert "PAUSED" in screen, second.report()
        assert f"Next idea builds on: {IDEAS[0][:20]}" in screen, second.report()
        numbered = re.findall(r"^ *│ +(\d+)\. ", screen, re.MULTILINE)  # rows of the idea list
        assert numbered == ["1", "2", "3"], second.report()  # nothing else crept in

        # The half-typed idea is finished and entered: it builds on the first idea.
        second.send(" now" + ENTER)
        second.wait_for(_listed(4, f"↳1 {UNSENT} now"), STEP_SECONDS, "the draft entered, building on idea 1")

        # --- quit cleanly: the session stays live and resumable -------------------------------
        second.send(CTRL_Q)
        second.wait_for("Quit now?", STEP_SECONDS, "the quit confirmation")
        second.send("y")
        assert second.wait_exit(STEP_SECONDS) == 0, second.report()

        session, texts = _journaled_texts(store_path)
        assert session.status is SessionStatus.LIVE
        assert texts == [*IDEAS, f"{UNSENT} now"]
        assert session.ideas[3].builds_on == session.ideas[0].id
        assert session.draft.text == ""
    finally:
        for process in (first, second):
            if process is not None:
                process.close()

"""When the program itself fails: the terminal comes back, the status is non-zero, the details go
to a crash log, the user reads one line naming it, and the running session can be resumed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.screens.home import HomeScreen
from facilitator.store import Store
from tests.pty_driver import ENTER, PtyProcess, app_env

REPO = Path(__file__).resolve().parent.parent
STEP_SECONDS = 15


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("FACILITATOR_STATE", str(folder))
    return folder


def _boom(*args: object) -> None:
    raise RuntimeError("a bug in the program")


async def test_a_crash_in_the_app_writes_a_crash_log_and_sets_a_failing_status(store_path: Path, clock, state_dir: Path, monkeypatch) -> None:
    from tests.helpers import new_app

    monkeypatch.setattr(HomeScreen, "action_new_session", _boom)
    app = new_app(store_path, clock)
    with pytest.raises(RuntimeError, match="a bug in the program"):  # Pilot re-raises it for tests
        async with app.run_test() as pilot:
            await pilot.press("n")
            await pilot.pause()
    assert app.return_code == 1
    (log,) = state_dir.glob("crash-*.log")
    assert app.crash_log == log
    assert "RuntimeError: a bug in the program" in log.read_text(encoding="utf-8")


def test_a_crash_in_a_command_is_one_line_naming_the_log(state_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("facilitator.cli.decks_list", _boom)
    assert main(["decks", "list"]) == 1
    err = capsys.readouterr().err
    (log,) = state_dir.glob("crash-*.log")
    assert err.count("\n") == 1 and str(log) in err and "RuntimeError" in err
    assert "Traceback" in log.read_text(encoding="utf-8") and "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_crash_mid_round_restores_the_terminal_and_the_session_resumes(tmp_path: Path) -> None:
    """The real program on a pseudo-terminal, with a bug planted behind Ctrl+K (skip card)."""
    store_path = tmp_path / "store.json"
    state = tmp_path / "state"
    planted = (
        "import sys\n"
        "from facilitator.screens.round import RoundScreen\n"
        "def skip(self):\n    raise RuntimeError('planted bug')\n"
        "RoundScreen.action_skip_card = skip\n"
        "from facilitator.cli import main\n"
        f"sys.exit(main(['--store', {str(store_path)!r}]))\n"
    )
    env = app_env(100, 30, FACILITATOR_STATE=str(state))
    with PtyProcess([sys.executable, "-c", planted], columns=100, lines=30, env=env, cwd=tmp_path) as app:
        app.wait_for("New session (n)", STEP_SECONDS, "the home screen")
        app.send(ENTER)
        app.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen")
        app.send(ENTER)
        app.wait_for("Type an idea and press Enter", STEP_SECONDS, "the warm-up round")
        app.send("Ask a customer to the stand-up" + ENTER)
        app.wait_for("1. Ask a customer to the stand-up", STEP_SECONDS, "the idea on screen")
        app.send("\x0b")  # Ctrl+K
        status = app.wait_exit(STEP_SECONDS)
        shown = app.screen.text()
        raw = bytes(app.raw)
    assert status == 1
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h")  # the terminal's own screen is back
    (log,) = state.glob("crash-*.log")
    assert "planted bug" in log.read_text(encoding="utf-8")
    flat = " ".join(shown.split())
    assert "stopped by an unexpected error (RuntimeError)" in flat and "start facilitator again to resume" in flat
    assert "Traceback" not in shown
    (session,) = Store(store_path).live_sessions()
    from facilitator.engine.live import recovered

    assert [i.text for i in recovered(session, Store(store_path)).ideas] == ["Ask a customer to the stand-up"]


def test_two_crashes_in_the_same_second_keep_a_log_each(state_dir: Path) -> None:
    from facilitator.crash import write_crash_log

    first = write_crash_log(RuntimeError("first"))
    second = write_crash_log(RuntimeError("second"))
    assert first is not None and second is not None and first != second
    assert "first" in first.read_text(encoding="utf-8") and "second" in second.read_text(encoding="utf-8")


async def test_a_failure_in_textuals_own_threads_is_a_crash_too(store_path: Path, clock, state_dir: Path) -> None:
    """Textual's keyboard thread reports a failure through `panic`, not as an exception."""
    from rich.text import Text

    from tests.helpers import new_app

    app = new_app(store_path, clock)
    async with app.run_test() as pilot:
        app.call_later(app.panic, Text("the keyboard thread failed"))
        await pilot.pause()
    assert app.return_code == 1
    (log,) = state_dir.glob("crash-*.log")
    assert app.crash_log == log and "the keyboard thread failed" in log.read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_bytes_that_are_not_utf8_from_the_terminal_do_not_stop_the_app(tmp_path: Path) -> None:
    env = app_env(100, 30, FACILITATOR_STATE=str(tmp_path / "state"))
    command = [sys.executable, "-m", "facilitator", "--store", str(tmp_path / "store.json")]
    with PtyProcess(command, columns=100, lines=30, env=env, cwd=tmp_path) as app:
        app.wait_for("New session (n)", STEP_SECONDS, "the home screen")
        os.write(app.master, b"\xff\x9b\xfe")  # a stray byte, an 8-bit CSI, another stray byte
        app.send("n")
        app.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen, keys still read")
        app.send("\x11")  # Ctrl+Q
        assert app.wait_exit(STEP_SECONDS) == 0
    assert not (tmp_path / "state").exists()

"""Shared fixtures: every test runs with its own config folder and store, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user config and data folders and the store at a temporary place."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("FACILITATOR_STORE", str(home / "store.json"))
    monkeypatch.setenv("FACILITATOR_STATE", str(home / "state"))  # crash logs of a failing test
    return home


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store file in a fresh folder, for tests that open the store or the app."""
    return tmp_path / "store.json"


@pytest.fixture
def clock():
    """A clock that moves only when the test says so."""
    from tests.fakes import FakeClock

    return FakeClock()


@pytest.fixture
def room(tmp_path: Path, clock):
    """Sessions on one store with the shipped plans and decks, reopened as after a crash."""
    from tests.room import Room

    return Room(tmp_path / "data" / "store.json", clock)


@pytest.fixture
def live(room):
    """A quick reflection just started: in its warm-up round."""
    return room.start()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `facilitator ARGS` in-process; argparse exits become exit codes like any other."""
    from facilitator.cli import main
    from tests.helpers import Result

    def run(*argv: object) -> Result:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run

"""Values a journal or a store may hold after a hand edit or a bug: resuming never crashes on
them. A number that is not finite is refused like any bad value; a phase past the plan's last
brings up the session's end."""

from __future__ import annotations

import json
from pathlib import Path

from facilitator.models import PhaseClock, SessionStatus
from facilitator.screens.round import RoundScreen
from facilitator.screens.summary import SummaryScreen
from facilitator.store import Store
from tests.helpers import edit_stored_doc, new_app, notices, start


async def _started_and_left(store_path: Path, clock) -> str:
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        return app.live.session.id


def _journal(store_path: Path, session_id: str, *lines: str) -> None:
    with open(Store(store_path).journal(session_id).path, "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


async def test_a_clock_that_is_not_a_number_is_skipped_and_the_session_resumes(store_path: Path, clock) -> None:
    session_id = await _started_and_left(store_path, clock)
    line = '{"op":"set","fields":{"clock":{"phase":0,"round":0,"left":LEFT,"running":false,"at":"2020-01-01T00:00:00Z"}}}'
    PhaseClock.model_validate(json.loads(line.replace("LEFT", "42"))["fields"]["clock"])  # the shape itself is right
    for bad in ("NaN", "Infinity", "-Infinity"):
        _journal(store_path, session_id, line.replace("LEFT", bad))
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen) and app.return_code is None
        assert "3 journal lines could not be read and were skipped" in notices(app)


async def test_a_journal_that_points_past_the_last_phase_brings_up_the_end(store_path: Path, clock) -> None:
    session_id = await _started_and_left(store_path, clock)
    _journal(store_path, session_id, '{"op":"set","fields":{"phase":999}}')
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.return_code is None
        assert "had reached its end" in notices(app)
    assert Store(store_path).session(session_id).status is SessionStatus.CLOSED


def test_a_stored_number_that_is_not_finite_is_named_as_damage(store_path: Path, clock) -> None:
    from facilitator.models import Session

    kept = Session(plan="quick-reflection", title="Kept")
    Store(store_path).save_session(kept)
    nan = {"phase": 0, "round": 0, "left": float("nan"), "running": False, "at": None}
    assert "NaN" in edit_stored_doc(store_path, kept.id, lambda doc: doc.update(clock=nan)).decode()
    store = Store(store_path)
    (session,) = store.sessions()
    assert session.title == "Kept"
    assert any(field.startswith("clock") for field in store.damaged[session.id])

"""Helpers for screen tests, and for store tests that look at the files on disk."""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.worker import WorkerState

from facilitator.app import FacilitatorApp, make_app
from facilitator.workspace import Workspace
from tests.fakes import FakeClock


def screen_text(app: App) -> str:
    """What a person sees: the screenshot's text, without the SVG around it."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape(" ".join(lines)).replace("\xa0", " ")


def screen_lines(app: App) -> list[str]:
    """The screen as rows of plain text, as a person reads it line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def type_fast(pilot: Pilot, text: str, *keys: str) -> None:
    """Type `text` (then press `keys`) as a quick typist does: every key in order, without
    waiting for the screen between them, then wait once for the app to catch up.

    Much faster than `pilot.press`, which waits for the app to go idle after every key.
    """
    app = pilot.app
    for character in text:
        key = _character_to_key(character) if len(character) == 1 and not character.isalnum() else character
        app._driver.send_message(events.Key(key, character))  # as Pilot does, minus the waits
    for key in keys:
        app._driver.send_message(events.Key(key, None))
    await pilot.pause()


async def let_time_pass(pilot: Pilot, seconds: float) -> None:
    """Move the app's fake clock on and redraw, as the screen's own timer would."""
    pilot.app.clock.advance(seconds)
    pilot.app.screen.tick()
    await pilot.pause()


def steady(state: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    """Build a state, then stop every text cursor blinking so a screenshot cannot catch it off."""

    async def run_before(pilot: Pilot) -> None:
        await state(pilot)
        for screen in pilot.app.screen_stack:
            for field in screen.query("Input, TextArea"):
                field.cursor_blink = False
        await pilot.pause()

    return run_before


# --- a session driven by keys -------------------------------------------------------------------


def new_app(store_path: Path, clock: FakeClock) -> FacilitatorApp:
    """The app on its own store, with a clock that moves only when the test says so."""
    return make_app(Workspace(store_path=store_path), clock)


async def start(pilot, plan: str = "quick-reflection", *, auto_advance: bool = False, **fields: str) -> None:
    """Home -> set-up with these values -> the plan's first phase."""
    await pilot.press("n")
    await pilot.pause()
    setup = pilot.app.screen
    for name, value in fields.items():
        setup.query_one(f"#{name}").value = value
    setup.query_one("#plan").value = plan
    setup.query_one("#auto-advance").value = auto_advance
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settled(pilot)


def shown(app) -> str:
    """The screen's rows of text, as a person reads them."""
    return "\n".join(screen_lines(app))


def notices(app) -> str:
    """Every notification the app has shown and not yet dismissed."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def box(app) -> str:
    """What is in the idea box."""
    return app.screen.query_one("#idea-input").value


# --- the store's files, for tests that look at what is on disk ----------------------------------


def store_folder(store_path: Path) -> Path:
    """The folder of the store opened at `store_path` (`…/store.json` names the folder `…/store`)."""
    from facilitator.store import StoreLayout

    return StoreLayout.of(store_path).folder


def session_files(store_path: Path) -> list[Path]:
    """Every session file of the store (`sessions/2026-11.json`, `sessions/2026-11-2.json`, …), by name."""
    from facilitator.index import is_session_file
    from facilitator.store import StoreLayout

    folder = StoreLayout.of(store_path).sessions
    return sorted(p for p in folder.iterdir() if is_session_file(p.name)) if folder.is_dir() else []


def _file_docs(path: Path) -> list[dict]:
    return list(json.loads(path.read_bytes())["sessions"].values())  # bytes: a BOM is read as UTF-8's


def stored_docs(store_path: Path) -> list[dict]:
    """Every session document in the store's session files, exactly as stored."""
    return [doc for path in session_files(store_path) for doc in _file_docs(path)]


def session_file_of(store_path: Path, session_id: str) -> Path:
    """The one session file that holds the document of `session_id`."""
    [path] = [p for p in session_files(store_path) if any(d.get("id") == session_id for d in _file_docs(p))]
    return path


def journal_file(store_path: Path, session_id: str) -> Path:
    """Where the live journal of `session_id` is kept in the store."""
    from facilitator.store import StoreLayout

    return StoreLayout.of(store_path).journal / f"{session_id}.jsonl"


def store_bytes(store_path: Path, *, locks: bool = True) -> dict[str, bytes]:
    """Every file in the store's folder (the index too), by its path in the folder: compare two
    of these to prove that nothing at all was written. Without `locks`, the empty lock files
    that opening a session (or the store) may leave are not counted."""
    folder = store_folder(store_path)
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (locks or p.suffix != ".lock")
    }


def rewrite(path: Path, data: bytes) -> None:
    """Replace a store file by hand, as an editor saves it (a new file put in its place). The
    store knows a changed file by its size and time: an edit that keeps the size, made within
    one tick of the file system's clock, is dated a second later, as a person's edit would be."""
    before = path.stat() if path.exists() else None
    temp = path.with_name(path.name + ".by-hand")
    temp.write_bytes(data)
    os.replace(temp, path)
    after = path.stat()
    if before is not None and (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
        os.utime(path, ns=(after.st_atime_ns, after.st_mtime_ns + 1_000_000_000))


def edit_stored_doc(store_path: Path, session_id: str, change: Callable[[dict], object]) -> bytes:
    """Edit one stored session document by hand, as a tester would; return its file's new bytes."""
    path = session_file_of(store_path, session_id)
    data = json.loads(path.read_bytes())
    [doc] = [d for d in data["sessions"].values() if d.get("id") == session_id]
    change(doc)
    rewrite(path, json.dumps(data).encode())
    return path.read_bytes()


SETTLE_ROUNDS = 20
"""Rounds of background work that `settled` waits through: one worker's answer may start another."""


async def settled(pilot: Pilot) -> None:
    """Let the work running in the background (the store opening as the app starts, saves)
    finish and its answers reach the screen."""
    for _ in range(SETTLE_ROUNDS):  # an answer may start more work (a save queued behind another)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running or worker.state is WorkerState.PENDING for worker in pilot.app.workers):
            break
    await pilot.pause()


@dataclass
class Result:
    """What one `facilitator` command did: its exit code and what it printed."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def utc_zone() -> Iterator[None]:
    """Dates are shown in local time: the zone pinned to UTC (as an autouse fixture of the
    snapshot tests) makes a snapshot the same anywhere."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()

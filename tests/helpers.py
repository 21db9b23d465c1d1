"""Helpers for screen tests."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot

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
    await pilot.pause()


def shown(app) -> str:
    """The screen's rows of text, as a person reads them."""
    return "\n".join(screen_lines(app))


def notices(app) -> str:
    """Every notification the app has shown and not yet dismissed."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def box(app) -> str:
    """What is in the idea box."""
    return app.screen.query_one("#idea-input").value

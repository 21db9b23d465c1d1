"""The whole path, as a room lives it: the app itself (driven with Pilot) opens the room with F6 on
loopback, a phone-sized headless Chromium scans the QR code's address, sends ideas that appear on
the wall, sees the card change when the facilitator moves on, and places dots that the wall's
tally counts with the keyboard's; then the store holds the ideas and the dots."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Page, expect

from facilitator.app import make_app
from facilitator.screens.round import RoundScreen
from facilitator.screens.vote import VoteScreen
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import screen_text, settled
from tests.test_app_edges import start_round
from tests.test_join_page import WAIT, browser, phone  # noqa: F401 (fixtures)

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "images" / "room-phone.png"


async def test_a_phone_takes_part_in_a_session_run_by_the_app(phone: Page, store_path: Path, clock: FakeClock) -> None:  # noqa: F811
    app = make_app(Workspace(store_path=store_path, join_host="127.0.0.1", join_port=0), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_round(pilot)
        await settled(pilot)  # the session is started on a thread: F6 waits for it
        await pilot.press("ctrl+g")  # the warm-up done: the first diverge round
        await pilot.pause()
        await pilot.press("f6")
        await settled(pilot)
        room = app.room
        assert room is not None and room.host == "127.0.0.1"

        await phone.goto(room.qr_url)  # what the camera opens: the code is in the address
        await expect(phone.locator("#card-text")).to_have_text(app.live.current_round.text, timeout=WAIT)
        await pilot.pause()
        assert "1 phone joined" in screen_text(app)
        await pilot.press("escape")

        await phone.get_by_label("Your name").fill("Priya")
        for text in ("Read one complaint aloud at stand-up", "Invite support to sprint review"):
            await phone.get_by_label("Your idea").fill(text)
            await phone.get_by_role("button", name="Send").tap()
        await expect(phone.locator("#my-ideas li")).to_have_count(2, timeout=WAIT)
        await expect(phone.locator("#my-ideas li", has_text="on the wall")).to_have_count(2, timeout=WAIT)
        if os.environ.get("FACILITATOR_SCREENSHOTS") == "1":  # the README's picture of the page
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            await phone.screenshot(path=str(SCREENSHOT), full_page=True)
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)
        wall = screen_text(app)
        assert "Read one complaint aloud at stand-up" in wall and "Invite support to sprint review" in wall and "by phone" in wall

        await pilot.press("ctrl+n")  # the next round: the phone follows without a reload
        await pilot.pause()
        await expect(phone.locator("#card-text")).to_have_text(app.live.current_round.text, timeout=WAIT)

        await pilot.press("ctrl+g")  # diverge done: converge
        await pilot.pause()
        await pilot.press("ctrl+n")  # converge done: the vote, which asks how many vote at the keyboard
        await settled(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteScreen)
        await phone.locator(".target .more").first.tap()
        await phone.locator(".target .more").first.tap()
        await expect(phone.locator(".target .mine").first).to_have_text("2", timeout=WAIT)
        await pilot.pause()
        live = app.live
        first = live.targets()[0]
        assert live.tally(first.id) == 2 and "2 more from phones" in screen_text(app)
        session_id = live.session.id
        await pilot.press("ctrl+n")  # the vote done: the store has it all
        await settled(pilot)

    stored = Store(store_path).session(session_id)
    phone_ideas = [i for i in stored.ideas if i.device]
    assert [i.text for i in phone_ideas] == ["Read one complaint aloud at stand-up", "Invite support to sprint review"]
    assert {i.author for i in phone_ideas} == {"Priya"}
    assert [(v.dots, v.device) for v in stored.votes] == [(2, phone_ideas[0].device)]

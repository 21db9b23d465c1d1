"""The participant's page in a real phone-sized browser, against the real server and a live session.

The server runs in the test's own event loop, as it runs in the app's: a phone joins with the
code on the wall, follows the session without a reload, sends ideas that reach the journal (one
of them markup, shown as text), places dots within its budget, keeps an unsent idea across a
reload and sends it once, and goes back to the code screen when its token dies.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from facilitator.engine.live import LiveSession
from facilitator.join.server import RoomServer
from facilitator.join.wall import LiveWall
from facilitator.models import PhaseKind, PromptKind
from facilitator.store import Store
from tests.room import Room

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
REQUIRED = os.environ.get("FACILITATOR_REQUIRE_BROWSER") == "1"
if CHROMIUM is None:
    if REQUIRED:
        pytest.fail("FACILITATOR_REQUIRE_BROWSER=1 but there is no chromium", pytrace=False)
    pytest.skip("no chromium installed: the phone page is tested in a real browser", allow_module_level=True)
try:
    from playwright.async_api import Browser, Page, Route, async_playwright, expect
except ImportError:  # pragma: no cover - the dev environment has it
    if REQUIRED:
        pytest.fail("FACILITATOR_REQUIRE_BROWSER=1 but the playwright package is missing", pytrace=False)
    pytest.skip("the playwright package is not installed", allow_module_level=True)

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
WAIT = 10_000
"""Milliseconds an expectation may take: a reconnect waits a second or two before it asks again."""
HOSTILE = "Ask <img src=x onerror=alert(1)> what <b>they</b> expected"
PLAIN = "Call one customer every Monday"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[Page]:
    """A phone's page; whatever the page itself gets wrong (a script error, a blocked inline
    script or style, a dialog) fails the test at the end."""
    context = await browser.new_context(**PHONE, color_scheme="light", locale="en-GB")
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("dialog", lambda dialog: problems.append(f"a dialog opened: {dialog.message}"))
    try:
        yield page
    finally:
        await context.close()
    assert problems == []


@pytest.fixture
async def opened(live: LiveSession) -> AsyncIterator[RoomServer]:
    """The room opened on the session: on loopback only, on any free port."""
    server = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def join(page: Page, server: RoomServer) -> None:
    code = server.room.code
    await page.goto(server.url)
    await page.get_by_label("Room code").fill(f" {code[:3].lower()} {code[3:].lower()} ")  # as typed off a wall
    await page.get_by_role("button", name="Join").tap()
    await expect(page.locator("#room-screen")).to_be_visible()


async def send(page: Page, text: str) -> None:
    await page.get_by_label("Your idea").fill(text)
    await page.get_by_role("button", name="Send").tap()


def card_text(live: LiveSession) -> str:
    card = live.current_round
    assert card is not None and card.kind is not PromptKind.EVIDENCE  # evidence is shown in quotes
    return card.text


async def test_a_phone_joins_follows_the_session_sends_ideas_and_places_its_dots(phone: Page, opened: RoomServer, live: LiveSession, room: Room) -> None:
    page = phone
    await join(page, opened)
    await expect(page.locator("#card-text")).to_have_text(card_text(live))
    await expect(page.locator("#phase")).to_have_text(f"Phase 1 of {len(live.plan.phases)} · {live.phase.label}")
    await page.evaluate("window.sameDocument = true")  # gone if the page ever reloads

    await page.get_by_label("Your idea").fill(PLAIN)
    await expect(page.locator("#idea-count")).to_have_text(f"{len(PLAIN)} of 500")
    await page.get_by_label("Your name").fill("Ana")
    await page.get_by_role("button", name="Send").tap()
    await send(page, HOSTILE)

    mine = page.locator("#idea-list li")
    await expect(mine.locator(".idea-text")).to_have_text([HOSTILE, PLAIN])  # newest first
    await expect(mine.locator(".idea-state")).to_have_text(["on the wall", "on the wall"])
    assert await page.locator("img, b, script:not([src])").count() == 0
    assert "&lt;img src=x onerror=alert(1)&gt;" in await page.locator("#idea-list").inner_html()

    sent = [idea for idea in live.session.ideas if idea.device]
    assert [(idea.text, idea.author) for idea in sent] == [(PLAIN, "Ana"), (HOSTILE, "Ana")]
    device = sent[0].device
    assert device and all(idea.device == device and idea.key for idea in sent)
    journaled = [e["item"] for e in Store(room.store_path).journal(live.session.id).events() if e.get("op") == "put" and e.get("kind") == "idea"]
    assert [(item["text"], item["device"], item["key"]) for item in journaled] == [(idea.text, device, idea.key) for idea in sent]

    live.next_round()  # the warm-up's one round: on to the associations
    opened.poke()
    await expect(page.locator("#card-text")).to_have_text(card_text(live))
    await expect(page.locator("#phase")).to_have_text(f"Phase 2 of {len(live.plan.phases)} · {live.phase.label}")
    await expect(page.locator("#card-round")).to_have_text(f"Round 1 of {live.phase.rounds}")

    live.next_phase()  # converge: no card, no ideas from phones
    opened.poke()
    await expect(page.locator("#waiting")).to_have_text("Waiting for the next round.")
    await expect(page.locator("#idea-form")).to_be_hidden()
    await expect(page.locator("#card")).to_be_hidden()
    assert [idea.text for idea in room.snapshot(live.session.id).ideas if idea.device == device] == [PLAIN, HOSTILE]  # saved at the phase end

    live.next_phase()
    assert live.phase.kind is PhaseKind.VOTE
    opened.poke()
    budget = live.session.dots_per_participant
    targets = page.locator("#targets li")
    await expect(page.locator("#dots-left")).to_have_text(f"{budget} of {budget} dots left")
    await expect(targets.locator(".target-label")).to_have_text([PLAIN, HOSTILE])
    first, second = (t.id for t in live.targets())
    plus = [targets.nth(n).get_by_role("button", name=re.compile(r"^Add a dot")) for n in (0, 1)]
    minus = [targets.nth(n).get_by_role("button", name=re.compile(r"^Take a dot off")) for n in (0, 1)]
    await expect(minus[0]).to_be_disabled()

    for tapped in [plus[0]] * (budget - 1) + [plus[1]]:
        await tapped.tap()
    await expect(page.locator("#dots-left")).to_have_text(f"0 of {budget} dots left")
    await expect(targets.locator("output")).to_have_text([str(budget - 1), "1"])
    await expect(page.locator("#vote")).to_have_attribute("aria-busy", "false")  # the server answered
    for button in plus:
        await expect(button).to_be_disabled()
    assert {(v.target, v.dots, v.device) for v in live.session.votes if v.dots} == {(first, budget - 1, device), (second, 1, device)}

    await minus[0].tap()
    await expect(page.locator("#dots-left")).to_have_text(f"1 of {budget} dots left")
    await expect(page.locator("#vote")).to_have_attribute("aria-busy", "false")
    await expect(plus[1]).to_be_enabled()
    assert live.device_dots(device) == {first: budget - 2, second: 1}
    votes = [e for e in Store(room.store_path).journal(live.session.id).events() if e.get("op") == "vote"]
    assert votes[-1] == {"op": "vote", "target": first, "dots": budget - 2, "device": device}
    assert await page.evaluate("window.sameDocument") is True


async def test_an_idea_whose_answer_was_lost_or_that_waited_through_a_reload_arrives_once(phone: Page, opened: RoomServer, live: LiveSession) -> None:
    page = phone
    await join(page, opened)
    answers_lost = 0

    async def lose_the_first_answer(route: Route) -> None:
        nonlocal answers_lost
        if route.request.method == "POST" and answers_lost == 0:
            answers_lost += 1
            await route.fetch()  # the server takes the idea, and its answer never reaches the phone
            await route.abort("connectionreset")
        else:
            await route.continue_()

    await page.route("**/api/ideas", lose_the_first_answer)
    await send(page, PLAIN)
    await expect(page.locator("#idea-list .idea-state")).to_have_text(["on the wall"], timeout=WAIT)
    assert answers_lost == 1
    assert [idea.text for idea in live.session.ideas] == [PLAIN]  # sent twice under one key, taken once

    async def no_network_for_ideas(route: Route) -> None:
        await (route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_())

    await page.unroute("**/api/ideas")
    await page.route("**/api/ideas", no_network_for_ideas)
    await send(page, HOSTILE)
    waiting = page.locator("#idea-list li", has_text="onerror")
    await expect(waiting.locator(".idea-state")).to_have_text("sending…")
    await page.reload()
    await expect(waiting.locator(".idea-state")).to_have_text("sending…")  # from the outbox, after the reload
    await page.unroute("**/api/ideas")
    await expect(waiting.locator(".idea-state")).to_have_text("on the wall", timeout=WAIT)
    assert [idea.text for idea in live.session.ideas] == [PLAIN, HOSTILE]
    assert await page.evaluate("localStorage.getItem('facilitator.outbox')") == "[]"

    live.hide_idea(live.session.ideas[1].id)
    opened.poke()
    await expect(waiting.locator(".idea-state")).to_have_text("not on the wall")


async def test_a_phone_whose_token_died_goes_back_to_the_code_screen_with_the_message(phone: Page, opened: RoomServer, live: LiveSession) -> None:
    page = phone
    await join(page, opened)
    await expect(page.locator("#card-text")).to_have_text(card_text(live))

    await opened.stop()  # the room closes, and opens again with a new code on the same port
    again = RoomServer(opened.wall, host="127.0.0.1", port=opened.port)
    await again.start()
    try:
        await expect(page.get_by_label("Room code")).to_be_visible(timeout=WAIT)
        await expect(page.locator("#join-message")).to_have_text("Join the room first: type the code on the wall")
        assert await page.evaluate("localStorage.getItem('facilitator.token')") is None

        code = again.room.code
        await page.goto("about:blank")
        await page.goto(f"{again.url}#{code[:3]}-{code[3:].lower()}")  # as a QR code would open it: joins at once
        await expect(page.locator("#card-text")).to_have_text(card_text(live))
        assert page.url == again.url  # the code leaves the address, so a reload does not join again
    finally:
        await again.stop()

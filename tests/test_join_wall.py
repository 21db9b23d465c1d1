"""The room on the wall, driven with Pilot while a phone speaks to it on loopback: F6 opens it
with its code and QR code, a phone's idea lands in the round's list marked as sent from a phone,
the facilitator hides it and blocks the phone, and F6 again ends every phone's connection."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from facilitator.app import make_app
from facilitator.screens.join import JoinScreen
from facilitator.screens.round import RoundScreen
from facilitator.widgets.room_panel import spaced_code
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import screen_text, settled
from tests.test_app_edges import start_round


def loopback_app(store_path: Path, clock: FakeClock):
    """The app with its room on 127.0.0.1 and any free port: a test never listens beyond loopback."""
    return make_app(Workspace(store_path=store_path, join_host="127.0.0.1", join_port=0), clock)


async def phone_join(http: aiohttp.ClientSession, url: str, code: str) -> str:
    async with http.post(url + "api/join", json={"code": code}) as answer:
        assert answer.status == 200
        return (await answer.json())["token"]


async def test_f6_opens_the_room_a_phone_s_idea_lands_on_the_wall_and_f6_closes_it(store_path: Path, clock: FakeClock) -> None:
    app = loopback_app(store_path, clock)
    async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as http:
        await start_round(pilot)
        await settled(pilot)  # the session is started on a thread: F6 waits for it
        await pilot.press("f6")
        await settled(pilot)
        room = app.room
        assert room is not None and room.host == "127.0.0.1" and isinstance(app.screen, JoinScreen)
        shown = screen_text(app)
        assert room.url in shown and spaced_code(room.room.code) in shown and "No phones yet" in shown
        assert "▀" in shown or "▄" in shown  # the QR code, drawn in half blocks

        token = await phone_join(http, room.url, room.room.code)
        await pilot.pause()
        assert "1 phone joined" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen) and "1 phone" in screen_text(app)  # the join line stays

        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(room.url + "api/ideas", json={"text": "[red]Invite a customer[/red] to planning", "name": "Ana", "key": "wall-key-0001"}, headers=headers) as answer:
            assert answer.status == 201
        await pilot.pause()
        text = screen_text(app)
        assert "[red]Invite a customer[/red] to planning" in text and "— Ana" in text and "by phone" in text

        await pilot.press("f8")  # the phone's idea is the newest, so it is selected
        await pilot.pause()
        assert "Invite a customer" not in screen_text(app)
        assert [i.text for i in app.live.session.hidden_ideas] == ["[red]Invite a customer[/red] to planning"]
        async with http.get(room.url + "api/ideas", headers=headers) as answer:
            assert [i["on_wall"] for i in (await answer.json())["ideas"]] == [False]

        await pilot.press("ctrl+z")  # back on the wall
        await pilot.pause()
        assert "Invite a customer" in screen_text(app)
        await pilot.press("f9", "y")
        await pilot.pause()
        async with http.post(room.url + "api/ideas", json={"text": "more"}, headers=headers) as answer:
            assert answer.status == 403

        await pilot.press("f6")
        await settled(pilot)
        assert app.room is None and "Join:" not in screen_text(app)
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(room.url + "api/state", headers=headers):
                pass

        await pilot.press("f6")  # a new opening: a new code, and the old token is dead
        await settled(pilot)
        again = app.room
        assert again is not None and again.room.code != room.room.code
        async with http.get(again.url + "api/state", headers=headers) as answer:
            assert answer.status == 401
        async with http.post(again.url + "api/join", json={"code": room.room.code}) as answer:
            assert answer.status == 401
        ideas = app.live.session.ideas
    assert [i.device is not None for i in ideas] == [True]


async def test_the_room_is_not_offered_without_a_running_session(store_path: Path, clock: FakeClock) -> None:
    app = loopback_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert app.room is None and "Room" not in screen_text(app)


async def test_the_room_goes_with_its_session_when_another_window_took_it(store_path: Path, clock: FakeClock) -> None:
    """A room is one session's: when this window loses the session, no phone can send into the next."""
    from facilitator.store import StaleSession

    app = loopback_app(store_path, clock)
    async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as http:
        await start_round(pilot)
        await settled(pilot)
        await pilot.press("f6")
        await settled(pilot)
        room = app.room
        assert room is not None
        token = await phone_join(http, room.url, room.room.code)

        app._stale(StaleSession(app.live.session.id, 3, 2))
        await settled(pilot)

        assert app.room is None
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.post(room.url + "api/ideas", json={"text": "meant for the first session"}, headers={"Authorization": f"Bearer {token}"}):
                pass

"""The room's server on loopback, spoken to as a phone would: join with the code, send ideas that
are durable before they are acknowledged and never counted twice, place dots within a budget;
and everything it refuses (wrong or old code, a closed room, oversize text, flooding, a blocked
phone) refused in JSON with a message. No request reaches another session or the store."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

import aiohttp
import pytest
from yarl import URL

from facilitator.engine.live import LiveSession
from facilitator.join.room import CODE_ALPHABET, CODE_LENGTH, Limits
from facilitator.join.room import Room as JoinRoom
from facilitator.join.server import HEADERS, PAGE_MODULES, RoomServer
from facilitator.join.wall import LiveWall
from facilitator.models import PhaseKind
from tests.fakes import FakeClock
from tests.room import Room


class Phone:
    """One participant's phone: a client session that keeps its token."""

    def __init__(self, http: aiohttp.ClientSession, server: RoomServer) -> None:
        self.http, self.server = http, server
        self.token: str | None = None

    async def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, token: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
        headers = {}
        if (token or self.token) is not None:
            headers["Authorization"] = f"Bearer {token or self.token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        async with self.http.request(method, self.server.url.rstrip("/") + path, data=data, headers=headers) as answer:
            return answer.status, await answer.json(), dict(answer.headers)

    async def join(self, code: str | None = None, client: str | None = None) -> int:
        status, body, _ = await self.call("POST", "/api/join", {"code": code or self.server.room.code, **({"client": client} if client else {})})
        if status == 200:
            self.token = body["token"]
        return status

    async def send(self, text: str, key: str | None = None, name: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
        body: dict[str, Any] = {"text": text}
        if key is not None:
            body["key"] = key
        if name is not None:
            body["name"] = name
        return await self.call("POST", "/api/ideas", body)


def journal_writes(live: LiveSession) -> list[int]:
    """From now on, how many events each write to the session's journal carries."""
    writes: list[int] = []
    append = live.journal.append

    def counted(*events: Any, durable: bool = True) -> None:
        writes.append(len(events))
        append(*events, durable=durable)

    live.journal.append = counted  # type: ignore[method-assign]
    return writes


@pytest.fixture
async def opened(room: Room, clock: FakeClock) -> AsyncIterator[tuple[LiveSession, RoomServer, aiohttp.ClientSession]]:
    live = room.start()
    server = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0, room=JoinRoom(clock=clock.monotonic))
    await server.start()
    async with aiohttp.ClientSession() as http:
        yield live, server, http
    await server.stop()


async def test_a_phone_joins_with_the_code_on_the_wall_and_sees_the_card(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    assert len(server.room.code) == CODE_LENGTH and set(server.room.code) <= set(CODE_ALPHABET)

    spaced = f" {server.room.code[:3].lower()} - {server.room.code[3:]} "
    assert await phone.join(spaced) == 200  # as typed off a wall: any case, spaces and a dash
    status, state, headers = await phone.call("GET", "/api/state")

    assert status == 200 and state["ideas_open"] and not state["voting"]
    assert state["card"]["text"] == live.current_round.text and state["phase"]["label"] == live.phase.label
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
    assert server.host == "127.0.0.1" and server.port > 0


async def test_a_wrong_code_an_old_token_and_no_token_are_refused_in_json(opened, clock: FakeClock) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    wrong = "".join(CODE_ALPHABET[(CODE_ALPHABET.index(c) + 1) % len(CODE_ALPHABET)] for c in server.room.code)

    assert await phone.join(wrong) == 401
    status, body, _ = await phone.call("GET", "/api/state")
    assert (status, body["message"]) == (401, "join the room first: type the code on the wall")
    assert (await phone.call("GET", "/api/state", token="made-up-token"))[0] == 401

    assert await phone.join() == 200
    old = phone.token
    await server.stop()  # closed: the same port answers nothing; a new opening has a new code
    again = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0, room=JoinRoom(clock=clock.monotonic))
    await again.start()
    try:
        newer = Phone(http, again)
        status, body, _ = await newer.call("POST", "/api/ideas", {"text": "from before"}, token=old)
        assert status == 401 and "join the room first" in body["message"]
        assert await newer.join(server.room.code) == 401 or server.room.code == again.room.code
        assert live.session.ideas == []
    finally:
        await again.stop()


async def test_a_closed_room_refuses_the_connection(opened) -> None:
    _, server, http = opened
    phone = Phone(http, server)
    assert await phone.join() == 200
    await server.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await phone.call("GET", "/api/state")


async def test_an_idea_is_acknowledged_once_it_is_in_the_journal_and_never_counted_twice(opened, room: Room) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()

    status, idea, _ = await phone.send("Ask support for one story a week", key="phone-key-0001", name="Ana")
    journaled = [e for e in room.store.journal(live.session.id).events() if e.get("kind") == "idea"]
    again, same, _ = await phone.send("Ask support for one story a week", key="phone-key-0001", name="Ana")

    assert status == 201 and again == 200 and same == idea
    assert [e["item"]["key"] for e in journaled] == ["phone-key-0001"]  # on disk before the answer
    [taken] = live.session.ideas
    assert (taken.text, taken.author, taken.key) == ("Ask support for one story a week", "Ana", "phone-key-0001")
    assert taken.device is not None and taken.device.startswith("p")
    status, mine, _ = await phone.call("GET", "/api/ideas")
    assert status == 200 and [i["text"] for i in mine["ideas"]] == ["Ask support for one story a week"]


async def test_hostile_text_is_kept_as_data_through_the_text_gate(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()

    status, idea, _ = await phone.send("[bold]Call[/bold] \x1b[31mthe <script>alert(1)</script> customer\x07", name="\x1b]0;owned\x07Ben")

    assert status == 201
    [taken] = live.session.ideas
    assert taken.text == idea["text"] == "[bold]Call[/bold] the <script>alert(1)</script> customer"  # literal, escapes gone
    assert taken.author == idea["name"] == "Ben"  # the terminal title sequence is gone whole


async def test_oversize_text_and_an_oversize_request_get_413(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()

    long_idea = await phone.send("x" * 501)
    huge = await phone.call("POST", "/api/ideas", raw=json.dumps({"text": "y" * 40_000}).encode())
    fits = await phone.send("z" * 500)

    assert long_idea[0] == 413 and long_idea[1]["message"] == "an idea is at most 500 characters"
    assert huge[0] == 413 and "KB" in huge[1]["message"]
    assert fits[0] == 201 and [len(i.text) for i in live.session.ideas] == [500]


async def test_flooding_meets_the_per_minute_limit_then_the_phone_may_send_again(opened, clock: FakeClock) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    limit = server.limits.ideas_per_minute

    answers = [(await phone.send(f"idea {n}", key=f"flood-key-{n:04d}"))[0] for n in range(limit + 3)]
    status, body, headers = await phone.send("one too many", key="flood-key-late")
    retried = await phone.send("idea 0", key="flood-key-0000")  # a retry of a taken idea is not a new one
    clock.advance(61)
    later = await phone.send("after a minute", key="flood-key-next")

    assert answers == [201] * limit + [429] * 3
    assert status == 429 and "ideas a minute" in body["message"] and int(headers["Retry-After"]) >= 1
    assert retried[0] == 200 and later[0] == 201
    assert len(live.session.ideas) == limit + 1


async def test_joins_are_limited_per_room_and_wrong_codes_per_address(room: Room, clock: FakeClock) -> None:
    live = room.start()
    server = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0, room=JoinRoom(Limits(devices=2, joins_per_minute=2), clock=clock.monotonic))
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            ana, ben, chris = (Phone(http, server) for _ in range(3))
            joined = [await ana.join(client="ana-phone-0001"), await ben.join(), await chris.join()]
            full = await chris.call("POST", "/api/join", {"code": server.room.code})
            ana_token = ana.token
            back = await ana.join(client="ana-phone-0001")  # the same phone joining again
            guesses = [await Phone(http, server).join("AAAAAA") for _ in range(2)]
            guessing = await chris.call("POST", "/api/join", {"code": "BBBBBB"})
            right = await chris.call("POST", "/api/join", {"code": server.room.code})  # no answer tells it apart
            clock.advance(61)
            later = await chris.call("POST", "/api/join", {"code": server.room.code})
    finally:
        await server.stop()
    assert joined == [200, 200, 429] and "the room is full (2 phones)" in full[1]["message"]
    assert back == 200 and ana.token == ana_token and server.room.devices == 0  # tokens died at stop
    assert guesses == [401, 401]  # the right joins before did not count: only wrong codes do
    assert guessing[0] == 429 and "too many wrong codes" in guessing[1]["message"] and int(guessing[2]["Retry-After"]) >= 1
    assert right[0] == 429 and right[1] == guessing[1]
    assert later[0] == 429 and "full" in later[1]["message"]


async def test_a_blocked_phone_and_a_hidden_idea(opened) -> None:
    live, server, http = opened
    ana, ben = Phone(http, server), Phone(http, server)
    await ana.join()
    await ben.join()
    _, spam, _ = await ana.send("buy my course", key="spam-key-0001")
    await ben.send("Read one complaint aloud", key="good-key-0001")

    live.hide_idea(spam["id"])
    live.block_device(live.session.hidden_ideas[0].device)
    status, body, _ = await ana.send("and again", key="spam-key-0002")
    _, mine, _ = await ana.call("GET", "/api/ideas")
    _, state, _ = await ana.call("GET", "/api/state")
    _, theirs, _ = await ben.call("GET", "/api/ideas")

    assert status == 403 and "blocked" in body["message"]
    assert [(i["text"], i["on_wall"]) for i in mine["ideas"]] == [("buy my course", False)]
    assert state["blocked"] and not state["ideas_open"]
    assert [i["text"] for i in theirs["ideas"]] == ["Read one complaint aloud"]  # only its own
    assert [i.text for i in live.session.ideas] == ["Read one complaint aloud"]
    assert (await ana.send("buy my course", key="spam-key-0001"))[0] == 200  # known, so not new


async def test_phone_dots_and_keyboard_dots_add_up_and_each_phone_keeps_its_budget(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    for text in ("Quote at stand-up", "Shadow support"):
        live.add_idea(text)
    early = await phone.call("POST", "/api/votes", {"dots": {live.session.ideas[0].id: 1}})
    while live.phase.kind is not PhaseKind.VOTE:
        live.next_phase()
    live.set_voters("2")
    first, second = live.targets()[:2]
    live.add_dot(first.id)

    placed = await phone.call("POST", "/api/votes", {"dots": {first.id: 2}})
    same = await phone.call("POST", "/api/votes", {"dots": {first.id: 2}})
    over = await phone.call("POST", "/api/votes", {"dots": {second.id: 2}})
    _, state, _ = await phone.call("GET", "/api/state")

    assert early[0] == 409 and "vote" in early[1]["message"]
    assert placed[0] == 200 and placed[1] == {"dots": {first.id: 2}, "budget": 3, "left": 1}
    assert same[1] == placed[1]  # sent again: the same dots, not more
    assert over[0] == 409 and "3 dots" in over[1]["message"]
    assert live.tally(first.id) == 3 and live.dots(first.id) == 1 and live.dots_left == 2 * 3 - 1
    assert next(t for t in state["targets"] if t["id"] == first.id)["mine"] == 2 and state["dots"]["left"] == 1
    assert live.results()[0][0].id == first.id


async def test_no_request_reaches_another_session_or_the_store(opened, room: Room) -> None:
    _live, server, http = opened
    other = room.start(title="Another team's session")
    other.add_idea("Another team's secret idea")
    phone = Phone(http, server)
    await phone.join()
    await phone.send("mine", key="mine-key-0001")

    answers = []
    for path in ("/api/state?session=" + other.session.id, "/api/ideas?session=" + other.session.id, "/api/sessions",
                 "/api/../store.json", "/store.json", "/data/store.json", "/page.html", "/api/ideas/" + other.session.id):
        async with http.get(server.url.rstrip("/") + path, headers={"Authorization": f"Bearer {phone.token}"}) as answer:
            answers.append((path, answer.status, await answer.text()))

    for path, status, text in answers:
        assert "secret" not in text and other.session.id not in text.replace(path, ""), path
        if "?" not in path:
            assert status == 404 and json.loads(text)["message"], path
    assert [i.text for i in other.session.ideas] == ["Another team's secret idea"]


async def test_the_page_s_script_modules_are_served_and_nothing_else_in_the_package(opened) -> None:
    _, server, http = opened
    folder = resources.files("facilitator.join").joinpath("page")
    assert sorted(PAGE_MODULES) == sorted(f.name for f in folder.iterdir() if f.name.endswith(".js"))  # exactly what ships
    for name in PAGE_MODULES:
        async with http.get(server.url + f"page/{name}") as answer:
            assert answer.status == 200, name
            assert answer.content_type == "text/javascript" and answer.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"], name
            assert await answer.read() == folder.joinpath(name).read_bytes(), name

    base = server.url.rstrip("/")
    for path in ("/page/../server.py", "/page/%2e%2e/server.py", "/page/..%2Fserver.py", "/page/%2E%2E%2Fpage.html",
                 "/page/server.py", "/page/main.js.map", "/page/", "/page", "/page.js", "/page/__init__.py"):
        async with http.get(URL(base + path, encoded=True)) as answer:  # sent as spelled: no dot segments removed
            assert answer.status == 404 and answer.content_type == "application/json", path
            assert json.loads(await answer.text())["message"], path


async def test_bad_requests_get_a_plain_message(opened) -> None:
    _, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    cases = [
        await phone.call("POST", "/api/ideas", raw=b"{not json"),
        await phone.call("POST", "/api/ideas", [1, 2]),
        await phone.call("POST", "/api/ideas", {"text": 42}),
        await phone.call("POST", "/api/ideas", {"text": "x", "key": "../../etc"}),
        await phone.call("POST", "/api/votes", {"dots": {"x": -1}}),
        await phone.call("POST", "/api/votes", {"dots": {"x": True}}),
    ]
    assert [c[0] for c in cases] == [400] * 6
    assert all(isinstance(c[1]["message"], str) and c[1]["message"] for c in cases)


async def test_the_event_stream_sends_the_state_then_each_change(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    first_card = live.current_round.text

    async with http.get(server.url + "api/events", headers={"Authorization": f"Bearer {phone.token}"}) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        seen = [await _next_state(stream)]
        live.next_round()
        server.poke()
        seen.append(await _next_state(stream))

    assert seen[0]["card"]["text"] == first_card
    assert seen[1]["card"]["text"] == live.current_round.text and seen[1]["phase"]["label"] == live.phase.label


async def _next_state(stream: aiohttp.ClientResponse) -> dict[str, Any]:
    """The next `event: state` on a stream, comments skipped."""
    event = ""
    async for raw in stream.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "state":
            return json.loads(line.split(":", 1)[1])
    raise AssertionError("the stream ended")


async def test_a_phone_that_joins_a_reopened_room_is_the_same_device(room: Room, clock: FakeClock) -> None:
    """Its ideas are still its own and its dots still count against its one budget."""
    live = room.start()
    devices = []
    for _ in range(2):  # the room opened, closed, and opened again for the same session
        server = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0, room=JoinRoom(clock=clock.monotonic, salt=live.session.id))
        await server.start()
        try:
            async with aiohttp.ClientSession() as http:
                phone = Phone(http, server)
                status, body, _ = await phone.call("POST", "/api/join", {"code": server.room.code, "client": "the-same-phone-01"})
                devices.append(body["device"])
                phone.token = body["token"]
                if len(devices) == 1:
                    await phone.send("sent before the room closed", key="before-key-0001")
                _, mine, _ = await phone.call("GET", "/api/ideas")
        finally:
            await server.stop()
    assert status == 200 and devices[0] == devices[1]
    assert [i["text"] for i in mine["ideas"]] == ["sent before the room closed"]


async def test_an_empty_idea_is_refused_without_using_up_the_phone_s_minute(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    empties = [await phone.send("   \n ") for _ in range(server.limits.ideas_per_minute)]
    sent = await phone.send("a real one")
    assert {e[0] for e in empties} == {400} and empties[0][1]["message"] == "the idea is empty"
    assert sent[0] == 201 and len(live.session.ideas) == 1


async def test_an_idea_refused_for_the_phase_does_not_use_up_the_phone_s_minute(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    while live.phase.kind is not PhaseKind.CONVERGE:
        live.next_phase()
    refused = [await phone.send(f"late idea {n}", key=f"late-key-{n:04d}") for n in range(server.limits.ideas_per_minute)]
    assert {r[0] for r in refused} == {409} and "round" in refused[0][1]["message"]
    assert [d.sent for d in [server.room.device(phone.token)]] == [deque()]


async def test_in_anonymous_mode_a_phone_s_name_is_not_kept(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    live.set_anonymous(True)

    status, idea, _ = await phone.send("Quote of the week on the team page", name="Ana")
    _, state, _ = await phone.call("GET", "/api/state")

    assert status == 201 and idea["name"] is None and state["anonymous"] is True
    assert [i.author for i in live.session.ideas] == [None]


async def test_closing_the_room_ends_a_phone_s_event_stream(opened) -> None:
    _, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    async with http.get(server.url + "api/events", headers={"Authorization": f"Bearer {phone.token}"}) as stream:
        await _next_state(stream)
        await server.stop()
        rest = b""
        with contextlib.suppress(aiohttp.ClientPayloadError):
            rest = await asyncio.wait_for(stream.content.read(), timeout=10)
    assert b"event: state" not in rest and stream.content.at_eof()


async def test_an_idea_the_disk_refuses_is_not_acknowledged_until_it_is_written(opened, room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    """The phone hears 503 and sends again; only once the journal holds the idea does it hear 200."""
    import errno

    live, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    written = live.journal.append

    def refuse(*events: Any, durable: bool = True) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(live.journal, "append", refuse)
    first = await phone.send("Call back within a day", key="disk-key-0001")
    again = await phone.send("Call back within a day", key="disk-key-0001")
    monkeypatch.setattr(live.journal, "append", written)
    assert live.retry_saving()  # what the app does every few seconds while the disk refuses
    last = await phone.send("Call back within a day", key="disk-key-0001")

    assert first[0] == 503 and "not yet saved" in first[1]["message"] and int(first[2]["Retry-After"]) >= 1
    assert again[0] == 503 and last[0] == 200 and last[1]["text"] == "Call back within a day"
    journaled = [e["item"]["key"] for e in room.store.journal(live.session.id).events() if e.get("kind") == "idea"]
    assert journaled == ["disk-key-0001"] and len(live.session.ideas) == 1


# --- a room that cannot be turned against the wall ------------------------------------------


async def test_a_third_event_stream_from_one_phone_ends_its_oldest(opened) -> None:
    """No token can hold more than two connections open, however many tabs or scripts use it."""
    _, server, http = opened
    phone = Phone(http, server)
    await phone.join()
    headers = {"Authorization": f"Bearer {phone.token}"}
    streams = [await http.get(server.url + "api/events", headers=headers) for _ in range(3)]
    try:
        for stream in streams:
            await _next_state(stream)
        with contextlib.suppress(aiohttp.ClientPayloadError):
            await asyncio.wait_for(streams[0].content.read(), timeout=10)
        assert streams[0].content.at_eof() and not streams[1].content.at_eof() and not streams[2].content.at_eof()
    finally:
        for stream in streams:
            stream.release()


async def test_one_address_cannot_fill_the_room_with_devices(opened) -> None:
    _, server, http = opened
    limit = server.limits.new_devices_per_minute
    made = [await Phone(http, server).join() for _ in range(limit + 1)]
    again = await Phone(http, server).call("POST", "/api/join", {"code": server.room.code})
    assert made == [200] * limit + [429] and "too many new phones" in again[1]["message"]


def test_a_phone_is_the_same_device_in_every_opening_for_one_session_and_another_in_the_next() -> None:
    first, second, other = JoinRoom(salt="session-a"), JoinRoom(salt="session-a"), JoinRoom(salt="session-b")
    ids = [room.join(room.code, "10.0.0.5", client="phone-of-ana-01").id for room in (first, second, other)]
    assert ids[0] == ids[1] != ids[2] and ids[0].startswith("p") and len(ids[0]) == 9
    assert first.join(first.code, "10.0.0.6").id != second.join(second.code, "10.0.0.6").id  # no page id: a new device


async def test_a_key_belongs_to_the_phone_that_sent_it(opened) -> None:
    live, server, http = opened
    ana, ben = Phone(http, server), Phone(http, server)
    await ana.join(client="ana-phone-0001")
    await ben.join(client="ben-phone-0001")
    await ana.send("Ana's own idea", key="ana-key-000001", name="Ana")
    status, body, _ = await ben.send("anything", key="ana-key-000001")
    assert status == 409 and "another phone's" in body["message"] and "Ana" not in json.dumps(body)
    assert [i.text for i in live.session.ideas] == ["Ana's own idea"]


async def test_a_phone_idea_deleted_at_the_wall_is_hidden_so_a_resend_does_not_bring_it_back(opened) -> None:
    live, server, http = opened
    phone = Phone(http, server)
    await phone.join(client="a-phone-000001")
    _, idea, _ = await phone.send("An idea the room did not want", key="unwanted-key-01")
    appends = journal_writes(live)
    live.delete_idea(idea["id"])  # Ctrl+X: for a phone's idea, the same as F8
    resent = await phone.send("An idea the room did not want", key="unwanted-key-01")
    live.undo()

    assert appends[0] == 2  # hidden and off the wall in one write: a crash cannot keep it half
    assert resent[0] == 200 and resent[1]["on_wall"] is False
    assert [i.key for i in live.session.ideas] == ["unwanted-key-01"] and live.session.hidden_ideas == []


def test_opening_the_room_raises_a_low_limit_on_open_files() -> None:
    """A process started with 256 (macOS's default) could run out of handles for the journal."""
    resource = pytest.importorskip("resource")
    from facilitator.join.server import more_file_handles

    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    if before[1] != resource.RLIM_INFINITY and before[1] < 512:
        pytest.skip("the hard limit leaves no room to raise")
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, before[1]))
        more_file_handles()
        raised = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, before)
    assert raised > 256


def test_ideas_that_arrive_together_are_journaled_in_one_write_each_answered_on_its_own(live: LiveSession) -> None:
    from facilitator.engine.ideas import SentIdea

    live.block_device("p-blocked")
    appends = journal_writes(live)
    answers = live.add_sent_ideas([
        SentIdea("Quote at stand-up", "p-ana", "key-ana-000001", "Ana"),
        SentIdea("Quote at stand-up", "p-ana", "key-ana-000001", "Ana"),  # the same idea, sent twice in one turn
        SentIdea("spam", "p-blocked", "key-spam-00001"),
        SentIdea("   ", "p-ben", "key-ben-000001"),
        SentIdea("Shadow \x1b[31msupport", "p-ben", "key-ben-000002", "Ben"),
    ])  # fmt: skip

    assert appends == [2]  # the two new ideas, in one write
    (first, new_first), (again, new_again) = answers[0], answers[1]  # type: ignore[misc]
    assert new_first and not new_again and first == again
    assert isinstance(answers[2], ValueError) and "blocked" in str(answers[2])
    assert isinstance(answers[3], ValueError) and "empty" in str(answers[3])
    assert answers[4][0].text == "Shadow support"  # type: ignore[index]  # as stored, through the gate
    assert [i.key for i in live.session.ideas] == ["key-ana-000001", "key-ben-000002"]

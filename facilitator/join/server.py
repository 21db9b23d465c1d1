"""The room's web server: one page and a small JSON API, served from the app's own event loop.

aiohttp runs inside the loop Textual already runs, so a phone's idea is taken on the same thread
as a typed one, through the same journal, and answered only once it is durable. Only the page
(its HTML, its CSS and the script modules named in `PAGE_MODULES`) and `/api/…` are served; every
other path is a JSON 404. Every answer, errors included, is JSON with a `message` a person can read.

    POST /api/join    {"code": "K7P2QX", "client": "…"}  -> {"token": "…", "device": "…"}
    GET  /api/state   -> the phase, the card, whether ideas or dots are taken now
    GET  /api/events  -> the same state as server-sent events, whenever it changes
    POST /api/ideas   {"text": "…", "name": "…", "key": "…"} -> 201 once durable (200: known key)
    GET  /api/ideas   -> {"ideas": [...]}: this phone's ideas
    POST /api/votes   {"dots": {"<target id>": 2}} -> this phone's dots, within its budget

Everything but `/api/join` needs `Authorization: Bearer TOKEN`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import socket
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from aiohttp import web

from facilitator.engine.ideas import SentIdea
from facilitator.join.room import Device, Limits, Refused, Room
from facilitator.join.wall import LiveWall, NotNow

DEFAULT_PORT = 8765
BACKLOG = 1024
"""Connections waiting to be accepted (the system may cap it lower)."""
KEEPALIVE_SECONDS = 15.0
"""An idle connection between requests is closed after this: a phone opens another when it needs one."""
NAME_CHARS = 60
HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 1.0
"""How often an event stream looks for a change nobody announced (the clock moving a phase on)."""
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PAGE = {"/": ("page.html", "text/html"), "/page.css": ("page.css", "text/css")}
PAGE_MODULES = ("main.js", "state.js", "storage.js", "net.js", "stream.js", "ideas.js", "vote.js")
"""The page's script modules, served at `/page/<name>` from the package's `page/` folder. Only these
names: nothing else in the package can be asked for, whatever a path spells."""
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Sent with every answer: the page loads nothing from elsewhere and cannot be framed."""


def lan_address() -> str:
    """This machine's address on the network it would reach others by; loopback without one.
    A UDP socket 'connected' to a documentation address sends nothing; it only picks the route."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
        if isinstance(address, str) and address != "0.0.0.0":
            return address
    return "127.0.0.1"


def more_file_handles(wanted: int = 4096) -> None:
    """Raise this process's soft limit on open files towards `wanted` (within the hard limit):
    every phone's connection is a file handle, and so is the journal the wall writes ideas to;
    macOS starts programs with 256. Where the system has no such limit, nothing changes."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _json(status: int, body: dict[str, Any], retry_after: float | None = None) -> web.Response:
    headers = {**HEADERS}
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return web.json_response(body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _error(status: int, message: str, retry_after: float | None = None) -> web.Response:
    return _json(status, {"message": message}, retry_after)


def _file(kind: str, *path: str) -> web.Response:
    """One of the page's files, read from the package wherever it is installed (even a zip)."""
    where = resources.files("facilitator.join")
    for part in path:
        where = where.joinpath(part)
    return web.Response(body=where.read_bytes(), content_type=kind, charset="utf-8", headers=HEADERS)


class RoomServer:
    """One opening of the room: serves until `stop`, which ends every connection and token."""

    def __init__(self, wall: LiveWall, *, host: str, port: int = DEFAULT_PORT, limits: Limits | None = None, room: Room | None = None, on_join: Callable[[], None] = lambda: None) -> None:
        self.wall = wall
        self.room = room or Room(limits)
        self.limits = self.room.limits
        self.host = host
        self.port = port
        self.on_join = on_join
        self._runner: web.AppRunner | None = None
        self._tick = asyncio.Event()
        self._stopping = asyncio.Event()
        self._streams: dict[str, list[asyncio.Event]] = {}
        self._arriving: list[tuple[SentIdea, asyncio.Future[tuple[dict[str, Any], bool]]]] = []
        """Ideas sent in this turn of the loop, journaled together when it ends."""
        """Each phone's open event streams, oldest first: setting one's event ends it."""

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.limits.request_bytes, middlewares=[self._answers])
        app.router.add_get("/", self._page)
        app.router.add_get("/page.css", self._page)
        app.router.add_get("/page/{name}", self._page_module)
        app.router.add_get("/J/{code}", self._page_with_code)
        app.router.add_post("/api/join", self._join)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/ideas", self._send_idea)
        app.router.add_get("/api/ideas", self._my_ideas)
        app.router.add_post("/api/votes", self._place_dots)
        return app

    async def start(self) -> None:
        """Listen on `host:port` (port 0: any free one, then `port` says which)."""
        more_file_handles()
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False, shutdown_timeout=1.0, keepalive_timeout=KEEPALIVE_SECONDS)
        await runner.setup()
        # Forty phones sending at once open more connections than aiohttp's default queue of 128
        # holds; a connection the kernel drops is tried again only after 1, 3, 7 or 15 seconds.
        # The system's own choice of address reuse: on Windows an explicit SO_REUSEADDR would let a
        # second window listen on the same port, and phones reach whichever answers.
        site = web.TCPSite(runner, self.host, self.port, backlog=BACKLOG)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the room: every token dies, every event stream ends, the port is free again."""
        self.room.close()
        self._stopping.set()
        self.poke()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    def poke(self) -> None:
        """Something a phone sees changed: event streams send the new state now."""
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    # --- the answers -----------------------------------------------------------------------

    @web.middleware
    async def _answers(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """Every refusal as JSON with a message, and the same headers on every answer."""
        try:
            response = await handler(request)
        except Refused as exc:
            return _error(exc.status, exc.message, exc.retry_after)
        except NotNow as exc:
            return _error(409, str(exc))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"a request is at most {self.limits.request_bytes // 1024} KB")
        except web.HTTPException as exc:
            return _error(exc.status, exc.reason or "not here")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _page(self, request: web.Request) -> web.Response:
        name, kind = PAGE[request.path]
        return _file(kind, name)

    async def _page_module(self, request: web.Request) -> web.Response:
        """One of the page's script modules; any other name is a 404 like any unknown path."""
        name = request.match_info["name"]
        if name not in PAGE_MODULES:
            raise web.HTTPNotFound()
        return _file("text/javascript", "page", name)

    async def _page_with_code(self, request: web.Request) -> web.Response:
        """The page, from the QR code: its path carries the code, so a scan joins at once."""
        return _file("text/html", "page.html")

    @property
    def qr_url(self) -> str:
        """The address the QR code holds: the page with the code in its path, in capitals, which
        a QR code stores in its compact alphanumeric mode (a smaller code on the wall); the
        scheme and host read the same in any case."""
        return f"{self.url.upper()}J/{self.room.code}"

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_length is not None and request.content_length > self.limits.request_bytes:
            raise Refused(413, f"a request is at most {self.limits.request_bytes // 1024} KB")
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            raise
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "the request is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "the request must be a JSON object")
        return body

    def _device(self, request: web.Request) -> Device:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return self.room.device(token.strip() if scheme.lower() == "bearer" else None)

    async def _join(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        code, client = body.get("code"), body.get("client")
        if not isinstance(code, str) or len(code) > 32:
            raise Refused(401, "type the code on the wall")
        if client is not None and (not isinstance(client, str) or not KEY.fullmatch(client)):
            client = None
        before = self.room.devices
        device = self.room.join(code, request.remote or "?", client)
        if self.room.devices != before:
            self.on_join()
        return _json(200, {"token": device.token, "device": device.id, "limits": {"idea_chars": self.limits.idea_chars, "name_chars": NAME_CHARS}})

    async def _state(self, request: web.Request) -> web.Response:
        device = self._device(request)
        return _json(200, self.wall.state(device.id))

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """The state as server-sent events: at once, then on every change, with a comment now and
        then so that proxies and phones keep the connection open."""
        device = self._device(request)
        ended = asyncio.Event()
        open_streams = self._streams.setdefault(device.id, [])
        open_streams.append(ended)
        while len(open_streams) > self.limits.streams_per_device:
            open_streams.pop(0).set()  # the oldest (a page left open in another tab) makes room
            self.poke()
        response = web.StreamResponse(headers={**HEADERS, "Content-Type": "text/event-stream", "X-Accel-Buffering": "no"})
        try:
            await response.prepare(request)
            await self._stream(device, response, ended)
        finally:
            if ended in open_streams:
                open_streams.remove(ended)
        return response

    async def _stream(self, device: Device, response: web.StreamResponse, ended: asyncio.Event) -> None:
        shown: object = None
        quiet = 0.0
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while self.room.open and not self._stopping.is_set() and not ended.is_set():
                try:
                    self.room.device(device.token)
                except Refused:
                    break
                version = self.wall.version()
                if version != shown:
                    shown, quiet = version, 0.0
                    data = json.dumps(self.wall.state(device.id), ensure_ascii=False)
                    await response.write(f"event: state\ndata: {data}\n\n".encode())
                elif quiet >= HEARTBEAT_SECONDS:
                    quiet = 0.0
                    await response.write(b": still here\n\n")
                tick = self._tick
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(tick.wait(), POLL_SECONDS)
                quiet += POLL_SECONDS

    async def _send_idea(self, request: web.Request) -> web.Response:
        device = self._device(request)
        body = await self._body(request)
        text, name, key = body.get("text"), body.get("name"), body.get("key")
        if not isinstance(text, str):
            raise Refused(400, "send the idea as text")
        if not text.strip():
            raise Refused(400, "the idea is empty")
        if name is not None and not isinstance(name, str):
            raise Refused(400, "a name is text")
        if key is None:
            key = secrets.token_urlsafe(12)
        elif not isinstance(key, str) or not KEY.fullmatch(key):
            raise Refused(400, "an idea's key is 8 to 64 letters, digits, - or _")
        known = self.wall.known_idea(key)
        if known is not None:  # sent again: the first answer did not reach the phone
            if known["device"] != device.id:
                raise Refused(409, "that key is another phone's: make a new one for each idea")
            return self._taken({k: v for k, v in known.items() if k != "device"}, new=False)
        if self.wall.blocked(device.id):
            raise Refused(403, "the facilitator has blocked this phone")
        if len(text) > self.limits.idea_chars:
            raise Refused(413, f"an idea is at most {self.limits.idea_chars} characters")
        if name is not None and len(name) > NAME_CHARS:
            raise Refused(413, f"a name is at most {NAME_CHARS} characters")
        self.room.take_idea(device)
        try:
            idea, new = await self._journaled(SentIdea(text, device.id, key, name))
        except NotNow:
            device.sent.pop()  # not taken, so not counted against the phone's minute
            raise
        self.poke()
        return self._taken(idea, new=new)

    def _journaled(self, sent: SentIdea) -> asyncio.Future[tuple[dict[str, Any], bool]]:
        """The idea's answer, once it is taken together with the ideas other phones sent in the
        same turn of the loop: one journal write (one fsync) for a roomful sending at once."""
        answer: asyncio.Future[tuple[dict[str, Any], bool]] = asyncio.get_running_loop().create_future()
        self._arriving.append((sent, answer))
        if len(self._arriving) == 1:
            asyncio.get_running_loop().call_soon(self._take_arrived)
        return answer

    def _take_arrived(self) -> None:
        arrived, self._arriving = self._arriving, []
        answers: list[tuple[dict[str, Any], bool] | BaseException]
        try:
            answers = list(self.wall.send_ideas([sent for sent, _ in arrived]))
        except Exception as exc:  # every phone of the turn hears it failed, and sends again
            answers = [exc] * len(arrived)
        for (_, future), answer in zip(arrived, answers, strict=True):
            if future.done():  # the phone gave up waiting
                continue
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)

    def _taken(self, idea: dict[str, Any], *, new: bool) -> web.Response:
        """201 once the idea is in the journal; while the disk refuses, 503 and the phone retries."""
        if not self.wall.durable():
            return _error(503, "the idea is on the wall but not yet saved: sending it again", retry_after=2)
        return _json(201 if new else 200, idea)

    async def _my_ideas(self, request: web.Request) -> web.Response:
        device = self._device(request)
        return _json(200, {"ideas": self.wall.ideas_of(device.id)})

    async def _place_dots(self, request: web.Request) -> web.Response:
        device = self._device(request)
        body = await self._body(request)
        dots = body.get("dots")
        if not isinstance(dots, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 50 for k, v in dots.items()
        ) or len(dots) > 200:
            raise Refused(400, 'send dots as {"dots": {"<idea id>": 2}}')
        if self.wall.blocked(device.id):
            raise Refused(403, "the facilitator has blocked this phone")
        placed = self.wall.place_dots(device.id, dots)
        self.poke()
        return _json(200, placed)

"""An open room: its join code, the phones that joined with it, and the limits that keep a room
of forty phones (or one misbehaving script) from flooding the wall.

Plain Python with an injected clock, so every limit is tested without waiting. A token is a
random secret kept only in memory: it dies with the room, and a new opening makes a new code.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be misread off a wall: no 0/O, no 1/I/L."""
CODE_LENGTH = 6
TOKEN_BYTES = 24


@dataclass(frozen=True)
class Limits:
    """What one room takes; each refusal says which limit it met."""

    idea_chars: int = 500
    request_bytes: int = 16 * 1024
    ideas_per_minute: int = 20
    """Per phone: enough for a quick room, too few to flood the wall."""
    devices: int = 60
    new_devices_per_minute: int = 6
    """New phones per network address: on a room's Wi-Fi each phone has its own address, so one
    address making many devices is a script filling the room (and multiplying its dots)."""
    streams_per_device: int = 2
    """Open event streams per phone: a third closes the oldest, so no token can hold the
    process's file handles."""
    joins_per_minute: int = 30
    """Wrong codes per network address: a code guessed at speed meets this long before it meets
    the code. Only wrong tries count, so a room whose phones share one address (behind NAT) joins
    whole; once an address is over, it waits out the minute whatever it tries."""


class Refused(Exception):
    """A request the room does not take, with the HTTP status and one plain line for the phone."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass
class Device:
    """One phone in the room."""

    id: str
    token: str
    client: str | None = None
    """The page's own id for itself, so a phone that joins again keeps being the same device."""
    sent: deque[float] = field(default_factory=deque)
    """When its latest ideas arrived, for the per-minute limit."""


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(typed: str) -> str:
    """What a participant typed, as a code: any case, spaces and dashes left out."""
    return "".join(ch for ch in typed.upper() if ch not in " -")


class Room:
    """The phones that joined one opening of the room."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic, code: str | None = None, salt: str = "") -> None:
        self.limits = limits or Limits()
        self.salt = salt
        """Makes a phone's device id from its page's own id: the same phone is the same device in
        every opening of the room for one session, and after the app is restarted and resumes it
        (its ideas, its dots, its block); the app gives the session's id."""
        self.clock = clock
        self.code = code or new_code()
        self.open = True
        self._by_token: dict[str, Device] = {}
        self._by_client: dict[str, Device] = {}
        self._joins: dict[str, deque[float]] = {}
        self._made: dict[str, deque[float]] = {}

    @property
    def devices(self) -> int:
        return len(self._by_token)

    def join(self, code: str, address: str, client: str | None = None) -> Device:
        """A phone with the right code gets a token; `client` finds a phone that joined before."""
        if not self.open:
            raise Refused(401, "the room is closed")
        tries = self._recent_tries(address)
        if not secrets.compare_digest(normal_code(code).encode(), self.code.encode()):
            tries.append(self.clock())
            raise Refused(401, "that is not the room's code: check the code on the wall")
        if client and client in self._by_client:
            return self._by_client[client]
        if self.devices >= self.limits.devices:
            raise Refused(429, f"the room is full ({self.limits.devices} phones)")
        made = self._recent(self._made, address)
        if len(made) >= self.limits.new_devices_per_minute:
            raise Refused(429, "too many new phones from one address: wait a minute", retry_after=60 - (self.clock() - made[0]))
        made.append(self.clock())
        device = Device(id=self.device_id(client), token=secrets.token_urlsafe(TOKEN_BYTES), client=client or None)
        self._by_token[device.token] = device
        if device.client:
            self._by_client[device.client] = device
        return device

    def device_id(self, client: str | None) -> str:
        """`p` and eight hex digits: from the page's own id when it gave one, else new."""
        if not client:
            return f"p{secrets.token_hex(4)}"
        return "p" + hashlib.blake2s(f"{self.salt}\x1f{client}".encode(), digest_size=4).hexdigest()

    def _recent(self, log: dict[str, deque[float]], address: str) -> deque[float]:
        """`address`'s entries in `log` from the last minute."""
        now = self.clock()
        entries = log.setdefault(address, deque())
        while entries and entries[0] <= now - 60:
            entries.popleft()
        return entries

    def _recent_tries(self, address: str) -> deque[float]:
        """The wrong codes tried from `address` in the last minute; refused when there are too many."""
        now = self.clock()
        tries = self._recent(self._joins, address)
        if len(tries) >= self.limits.joins_per_minute:
            raise Refused(429, "too many wrong codes: wait a minute", retry_after=60 - (now - tries[0]))
        return tries

    def device(self, token: str | None) -> Device:
        """The phone a token belongs to; a token of another opening, or none, is refused."""
        found = self._by_token.get(token or "") if self.open else None
        if found is None:
            raise Refused(401, "join the room first: type the code on the wall")
        return found

    def take_idea(self, device: Device) -> None:
        """Count one idea from a phone, or refuse it for sending too many in a minute."""
        now = self.clock()
        sent = device.sent
        while sent and sent[0] <= now - 60:
            sent.popleft()
        if len(sent) >= self.limits.ideas_per_minute:
            raise Refused(429, f"at most {self.limits.ideas_per_minute} ideas a minute from one phone", retry_after=60 - (now - sent[0]))
        sent.append(now)

    def close(self) -> None:
        """Every token dies with the room."""
        self.open = False
        self._by_token.clear()
        self._by_client.clear()

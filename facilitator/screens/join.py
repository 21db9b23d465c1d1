"""The room's QR code over the wall, large, while the room joins from its phones.

Put away with Esc or F7 (the room stays open, and a line along the bottom of each session screen
keeps the address and code in sight); F6 closes the room.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from facilitator.widgets.room_panel import RoomPanel


class JoinScreen(ModalScreen[None]):
    """How to join, as big as the wall allows, with the number of phones in so far."""

    CSS_PATH = "join.tcss"
    BINDINGS = [
        Binding("escape,f7", "put_away", "Put away", id="put-away", tooltip="Back to the session; the room stays open"),
        Binding("f6", "app.toggle_room", "Close the room", id="close-room", tooltip="End every phone's connection"),
    ]

    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    def __init__(self, url: str, code: str, devices: int, anonymous: bool, *, qr_url: str | None = None) -> None:
        super().__init__()
        self.url, self.code, self.devices, self.anonymous = url, code, devices, anonymous
        self.qr_url = qr_url

    def compose(self) -> ComposeResult:
        with Vertical(id="join-box"):
            yield Static(Text("Send your ideas from your phone", style="bold"), id="join-title")
            yield RoomPanel(id="join-panel")
            names = "Ideas arrive without names." if self.anonymous else "Add your name, or leave it empty."
            yield Static(Text(f"Scan the code or type the address; same Wi-Fi as this screen. {names}"), id="join-how")
            yield Static(Text("Esc or F7: back to the session, the room stays open · F6: close the room"), id="join-keys")

    def on_mount(self) -> None:
        self.show_devices(self.devices)

    def show_devices(self, devices: int) -> None:
        self.devices = devices
        self.query_one(RoomPanel).show(self.url, self.code, devices, large=True, qr=self.qr_url)

    def action_put_away(self) -> None:
        self.dismiss(None)

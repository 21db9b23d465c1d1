"""The room, seen from the app: F6 opens it for the running session and closes it, F7 shows its
QR code large, and what phones send redraws the wall.

A part of `FacilitatorApp`, kept in its own module; the room's server, its limits and what a
phone may see are plain Python in `facilitator.join`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from facilitator.engine.live import LiveSession
    from facilitator.join.server import RoomServer
    from facilitator.screens.phase import RoomView
    from facilitator.workspace import Workspace


class RoomControl(App[None]):
    """Base of `FacilitatorApp`: the room's keys, commands and redraws."""

    live: LiveSession | None
    workspace: Workspace
    room: RoomServer | None = None
    """The open room's web server, while participants can send from their phones."""
    _room_busy = False
    """An opening or a closing is under way: a second F6 waits for it."""
    _room_redraw_due = False
    """A redraw for what phones sent is booked: forty phones at once redraw the wall once."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_room":
            return self.room is not None or (self.live is not None and not self.live.is_closed and not self.live.practice)
        if action == "show_join":
            return self.room is not None
        return True

    def _room_view(self) -> RoomView | None:
        from facilitator.screens.phase import RoomView

        room = self.room
        return None if room is None else RoomView(room.url, room.room.code, room.room.devices)

    async def action_toggle_room(self) -> None:
        """Open the room on the address the facilitator chose (the LAN address by default), or
        close it: every token dies and every phone's connection ends."""
        if self._room_busy:
            return
        self._room_busy = True
        try:
            if self.room is not None:
                await self._close_room()
                self.notify("The room is closed: phones can no longer send.", timeout=4, markup=False)
            elif self.live is not None and not self.live.is_closed and not self.live.practice:
                await self._open_room()
            elif self.live is not None and self.live.practice:
                self.notify("A practice run has no room to open.", timeout=3, markup=False)
            else:
                self.notify("Start or resume a session first; the room opens for a running session.", timeout=4, markup=False)
        finally:
            self._room_busy = False

    async def _open_room(self) -> None:
        from facilitator.join.room import Room
        from facilitator.join.server import DEFAULT_PORT, RoomServer, lan_address
        from facilitator.join.wall import LiveWall

        host = self.workspace.join_host or lan_address()
        wanted = self.workspace.join_port
        live = self.live
        assert live is not None
        for port in ([wanted] if wanted is not None else [DEFAULT_PORT, 0]):
            wall = LiveWall(lambda: live if self.live is live else None, self._room_changed)  # this session's only
            server = RoomServer(wall, host=host, port=port, on_join=self._room_changed, room=Room(salt=live.session.id))
            try:
                await server.start()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                if wanted is None and port == DEFAULT_PORT:
                    continue  # taken by another program: any free port will do
                self.notify(f"The room could not open on {host}:{port}: {reason}", severity="error", timeout=8, markup=False)
                return
            break
        if self.live is not live:  # the session ended while the room was opening
            await server.stop()
            return
        self.room = server
        self._show_room()
        self.action_show_join()

    def _close_room_soon(self) -> None:
        """The room belongs to one session: when that session is no longer this window's, it goes."""
        if self.room is not None:
            self.run_worker(self._close_room(), group="room", exit_on_error=False)

    async def _close_room(self) -> None:
        from facilitator.screens.join import JoinScreen

        room, self.room = self.room, None
        if room is not None:
            await room.stop()
        for screen in self.screen_stack:
            if isinstance(screen, JoinScreen):
                screen.dismiss(None)
        self._show_room()

    def action_show_join(self) -> None:
        """The QR code and the code as large as the wall allows (the room stays open behind it)."""
        from facilitator.screens.join import JoinScreen

        room = self.room
        if room is None or self.live is None:
            self.notify("F6 opens the room first.", timeout=3, markup=False)
            return
        if isinstance(self.screen, JoinScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(JoinScreen(room.url, room.room.code, room.room.devices, self.live.session.anonymous, qr_url=room.qr_url))

    def action_room_anonymous(self) -> None:
        """Phones send ideas with or without names; the facilitator's choice, at any time."""
        live = self.live
        if live is None:
            return
        live.set_anonymous(not live.session.anonymous)
        self._room_changed()
        self.notify("Phones now send ideas without names." if live.session.anonymous else "Phones may now add a name to their ideas.", timeout=3, markup=False)

    def _room_changed(self) -> None:
        """A phone sent, joined or voted: the wall shows it once the answer is on its way. Forty
        phones sending at once redraw the wall once, not forty times."""
        if not self._room_redraw_due:
            self._room_redraw_due = True
            self.call_later(self._show_room, refresh=True)

    def _show_room(self, refresh: bool = False) -> None:
        self._room_redraw_due = False
        from facilitator.screens.join import JoinScreen
        from facilitator.screens.phase import PhaseScreen

        if self.room is not None:
            self.room.poke()
        view = self._room_view()
        for screen in self.screen_stack:
            if isinstance(screen, PhaseScreen):
                screen.show_room(view)
                if refresh and screen.is_mounted and screen.live is self.live:
                    screen.refresh_view()
            elif isinstance(screen, JoinScreen) and view is not None:
                screen.show_devices(view.devices)

"""The keys of a screen, its own first, wrapped over as many lines as the width needs.

Textual's `Footer` is one line: at 80 columns the keys that matter most on a screen (vote's + and
-, follow-up's d/o/x) fell off its end. Here nothing falls off: the screen's own keys come first,
then the keys every session screen shares, then the app's, and the line wraps between keys,
never inside one. Keys that cannot be used now are dimmed. F1 still lists them all with longer
descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

GAP = "  "


@dataclass(frozen=True)
class Key:
    display: str
    description: str
    action: str
    enabled: bool
    node: DOMNode


def own_binding_ids(screen: Screen) -> list[str]:
    """Ids of the bindings a screen's class declares itself (not those it inherits)."""
    ids: list[str] = []
    for binding in type(screen).__dict__.get("BINDINGS", []):
        if isinstance(binding, Binding) and binding.id:
            ids.append(binding.id)
    return ids


def screen_keys(screen: Screen) -> list[Key]:
    """The keys to show: the screen's own, then the shared ones, then the app's."""
    app = screen.app
    own = own_binding_ids(screen)
    keys: list[tuple[tuple[int, int], Key]] = []
    seen: set[str] = set()
    for order, active in enumerate(screen.active_bindings.values()):
        binding = active.binding
        if not binding.show or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        if isinstance(active.node, App):
            rank = (2, order)
        elif binding.id in own:
            rank = (0, own.index(binding.id))
        else:
            rank = (1, order)
        keys.append((rank, Key(app.get_key_display(binding), binding.description, binding.action, active.enabled, active.node)))
    return [key for _, key in sorted(keys, key=lambda pair: pair[0])]


def pack(keys: list[Key], width: int) -> list[list[Key]]:
    """Keys in lines of at most `width` cells, breaking only between keys."""
    lines: list[list[Key]] = [[]]
    used = 0
    for key in keys:
        size = len(key.display) + 1 + len(key.description)
        needed = size if not lines[-1] else used + len(GAP) + size
        if lines[-1] and needed > width:
            lines.append([key])
            used = size
        else:
            lines[-1].append(key)
            used = needed
    return lines if lines[0] else []


class KeyLine(Widget):
    """Docked at the bottom of a screen; redrawn whenever the screen's bindings change."""

    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[list[Key]]:
        if not self.is_attached:
            return []
        return pack(screen_keys(self.screen), max(width, 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._lines(width)), 1)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for number, line in enumerate(self._lines(self.content_size.width)):
            if number:
                text.append("\n")
            for index, key in enumerate(line):
                if index:
                    text.append(GAP)
                style = "" if key.enabled else "dim"
                text.append(key.display, style=f"bold reverse {style}".strip())
                text.append(" " + key.description, style=style)
        return text

    async def on_click(self, event: events.Click) -> None:
        """A key can be clicked, as in Textual's own footer."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = self._lines(self.content_size.width)
        if not 0 <= offset.y < len(lines):
            return
        x = 0
        for key in lines[offset.y]:
            size = len(key.display) + 1 + len(key.description)
            if x <= offset.x < x + size:
                if key.enabled:
                    await self.app.run_action(key.action, key.node)
                return
            x += size + len(GAP)

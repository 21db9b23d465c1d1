"""Digits as large as their space allows, for a projector: readable from the back of the room.

A five-row block font is scaled by a whole factor both ways, so every digit keeps its shape at any
size. Where even the smallest block digits do not fit, Textual's three-row digits are used, and
below that plain bold text: the time is always shown whole, never cut.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.renderables.digits import Digits
from textual.widget import Widget

FONT_ROWS = 5
"""Rows of the block font at scale 1."""
DIGITS_ROWS = 3
"""Rows of Textual's own digits, the first fallback."""

_FONT = {
    "0": ["█████", "█   █", "█   █", "█   █", "█████"],
    "1": ["  ██ ", "   █ ", "   █ ", "   █ ", "  ███"],
    "2": ["█████", "    █", "█████", "█    ", "█████"],
    "3": ["█████", "    █", " ████", "    █", "█████"],
    "4": ["█   █", "█   █", "█████", "    █", "    █"],
    "5": ["█████", "█    ", "█████", "    █", "█████"],
    "6": ["█████", "█    ", "█████", "█   █", "█████"],
    "7": ["█████", "    █", "   █ ", "  █  ", "  █  "],
    "8": ["█████", "█   █", "█████", "█   █", "█████"],
    "9": ["█████", "█   █", "█████", "    █", "█████"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
    "+": ["     ", "  █  ", "█████", "  █  ", "     "],
    " ": ["  ", "  ", "  ", "  ", "  "],
}


def _glyphs(value: str) -> list[list[str]]:
    return [_FONT[c] for c in value if c in _FONT]


def font_width(value: str) -> int:
    """Columns `value` takes in the block font at scale 1 (one blank column between glyphs)."""
    glyphs = _glyphs(value)
    return sum(len(glyph[0]) for glyph in glyphs) + max(len(glyphs) - 1, 0)


def big_lines(value: str, scale: int = 1) -> list[str]:
    """`value` drawn in the block font, each cell `scale` columns wide and `scale` rows tall.

    Characters the font lacks are left out.
    """
    glyphs = _glyphs(value)
    gap = " " * scale
    lines = []
    for row in range(FONT_ROWS):
        line = gap.join("".join(cell * scale for cell in glyph[row]) for glyph in glyphs)
        lines.extend([line] * scale)
    return lines


def big_text(value: str, scale: int = 1) -> str:
    """`value` in the block font as one string of lines."""
    return "\n".join(big_lines(value, scale))


def fit_scale(value: str, width: int, height: int) -> int:
    """The largest scale at which `value` fits `width` x `height` cells, or 0 if none does."""
    base = font_width(value)
    if base == 0:
        return 0
    return max(min(width // base, height // FONT_ROWS), 0)


def fitted(value: str, width: int, height: int, style: str = "bold") -> RenderableType:
    """`value` as large as `width` x `height` allows: block digits, else three-row digits, else text."""
    scale = fit_scale(value, width, height)
    if scale:
        return Text(big_text(value, scale), no_wrap=True, overflow="crop", end="")
    if height >= DIGITS_ROWS and Digits.get_width(value) <= width:
        return Digits(value, style)
    return Text(value, style=style, no_wrap=True, overflow="ellipsis", end="")


class BigDigits(Widget):
    """Draws its value as large as the widget's current size allows.

    The scale is chosen in `render` from `self.size`, so the digits follow every change of layout
    (a resize, the presenter view, a breakpoint) without any resize handler.
    """

    DEFAULT_CSS = """
    BigDigits {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: center;
    }
    """

    def __init__(self, value: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def show(self, value: str) -> None:
        """Show another time; redraws only when it changed."""
        if value != self._value:
            self._value = value
            self.refresh()

    @property
    def scale(self) -> int:
        """The block font's scale at the current size; 0 means a fallback is drawn."""
        return fit_scale(self._value, *self.size)

    def render(self) -> RenderableType:
        width, height = self.size
        return fitted(self._value, width, height)

"""Digits as large as their space allows, for a projector: readable from the back of the room.

A five-row block font is scaled by a whole factor both ways, so every digit keeps its shape at any
size. Where even the smallest block digits do not fit, Textual's three-row digits are used, and
below that plain bold text: the time is always shown whole, never cut.
"""

from __future__ import annotations

from rich.align import Align
from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Size
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


def fitted_rows(value: str, width: int, height: int) -> int:
    """Rows that `fitted` draws `value` in, for the same space."""
    scale = fit_scale(value, width, height)
    if scale:
        return scale * FONT_ROWS
    if height >= DIGITS_ROWS and Digits.get_width(value) <= width:
        return DIGITS_ROWS
    return 1


def fitted(value: str, width: int, height: int, style: str = "bold") -> RenderableType:
    """`value` as large as `width` x `height` allows: block digits, else three-row digits, else text."""
    scale = fit_scale(value, width, height)
    if scale:
        return Text(big_text(value, scale), no_wrap=True, overflow="crop", end="")
    if height >= DIGITS_ROWS and Digits.get_width(value) <= width:
        return Align.center(Digits(value, style))  # a Rich renderable: text-align does not reach it
    return Text(value, style=style, no_wrap=True, overflow="ellipsis", end="")


class BigDigits(Widget):
    """Draws its value as large as the space its container gives it.

    Its height is the height of the digits, so a container can centre them together with what
    sits under them (a cue line: `spare_rows` keeps that many rows of the container free). The
    scale itself is chosen in `render` from `self.size`, so the digits follow every change of
    layout (a resize, the presenter view, a breakpoint) without any resize handler.
    """

    DEFAULT_CSS = """
    BigDigits {
        width: 1fr;
        height: auto;
        text-align: center;
    }
    """

    def __init__(self, value: str = "", *, spare_rows: int = 0, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = value
        self.spare_rows = spare_rows

    @property
    def value(self) -> str:
        return self._value

    def show(self, value: str) -> None:
        """Show another time; only a change of width (10:00 to 9:59, or the `+`) needs a new layout."""
        if value != self._value:
            resized = font_width(value) != font_width(self._value)
            self._value = value
            self.refresh(layout=resized)

    @property
    def scale(self) -> int:
        """The block font's scale at the current size; 0 means a fallback is drawn."""
        return fit_scale(self._value, *self.size)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return fitted_rows(self._value, width, max(container.height - self.spare_rows, 0))

    def render(self) -> RenderableType:
        width, height = self.size
        return fitted(self._value, width, height)

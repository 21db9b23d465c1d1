"""Digits five rows tall, for a projector: readable from the back of the room."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

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


def big_text(value: str) -> str:
    """`value` drawn in the block font; characters it lacks are left out."""
    glyphs = [_FONT[c] for c in value if c in _FONT]
    return "\n".join(" ".join(glyph[row] for glyph in glyphs) for row in range(5))


class BigDigits(Static):
    DEFAULT_CSS = """
    BigDigits { width: auto; height: 5; }
    """

    def show(self, value: str) -> None:
        self.update(Text(big_text(value)))

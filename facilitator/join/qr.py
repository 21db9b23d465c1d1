"""The join URL as a QR code made of text, so a phone can scan it off the projected wall.

segno makes the symbol (a full QR code, never a micro QR, which phone cameras do not read).
Each character covers two module rows: "▀" is a dark top, "▄" a dark bottom, "█" both and " "
neither. A terminal cell is about twice as tall as it is wide, so the modules come out square.

The characters mean dark only when drawn dark-on-light: the widget must draw them black on white
whatever the theme, because a scanner looks for dark modules on a light ground (a light-on-dark
code, as a dark theme would draw it, is inverted, and many phones do not read it).
"""

from __future__ import annotations

from collections.abc import Sequence

import segno

# (top dark, bottom dark) -> the half-block that shows it in the foreground colour.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def make_qr(text: str) -> segno.QRCode:
    """`text`'s QR code: error correction M (a projected code may be half lost in a glare), and
    the smallest symbol that holds the text, without raising the correction level, so that its
    modules stay as large as the wall allows."""
    return segno.make(text, error="m", boost_error=False, micro=False)


def qr_matrix(text: str, quiet: int = 2) -> list[list[bool]]:
    """The modules of `text`'s QR code, True for dark, with `quiet` light modules on every side."""
    return [[bool(module) for module in row] for row in make_qr(text).matrix_iter(scale=1, border=quiet)]


def draw_half_blocks(matrix: Sequence[Sequence[bool]]) -> list[str]:
    """Two module rows per text row; an odd last row is paired with a light one."""
    rows = [list(row) for row in matrix]
    if len(rows) % 2:
        rows.append([False] * (len(rows[0]) if rows else 0))
    return ["".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True)) for upper, lower in zip(rows[::2], rows[1::2], strict=True)]


def draw_full_blocks(matrix: Sequence[Sequence[bool]]) -> list[str]:
    """Each module two columns wide and one row tall: the same square, twice as large, for a
    wall big enough to show it, so that it scans from the back of the room."""
    return ["".join("██" if dark else "  " for dark in row) for row in matrix]


def qr_rows(text: str, quiet: int = 2, *, large: bool = False) -> list[str]:
    """`text`'s QR code as lines of " ", "▀", "▄" and "█", a filled part meaning a dark module;
    `large` draws each module as "██" (twice the size).

    Draw them black on white (see the module's docstring), and never wrap or cut a line.
    """
    matrix = qr_matrix(text, quiet)
    return draw_full_blocks(matrix) if large else draw_half_blocks(matrix)


def qr_size(text: str, quiet: int = 2) -> tuple[int, int]:
    """(columns, rows) that `qr_rows(text, quiet)` takes on screen."""
    modules = len(make_qr(text).matrix) + 2 * quiet
    return modules, (modules + 1) // 2

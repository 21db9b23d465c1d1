"""Lists of ideas and actions: refilled without losing the place, wrapped under their text."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option


def refill(listing: OptionList, options: Iterable[Option], *, default: int = 0) -> None:
    """Replace the options, keeping the highlight on the same row (or the last, if it shrank)."""
    before = listing.highlighted
    listing.set_options(options)
    if listing.option_count:
        listing.highlighted = min(default if before is None else before, listing.option_count - 1)


def hanging(prefix: Text, body: Text) -> Table:
    """`prefix body` where a long body wraps under itself, not under the prefix."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=prefix.cell_len, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(prefix, body)
    return grid

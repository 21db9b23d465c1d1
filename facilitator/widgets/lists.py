"""One way to refill a list without losing the facilitator's place in it."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import OptionList
from textual.widgets.option_list import Option


def refill(listing: OptionList, options: Iterable[Option], *, default: int = 0) -> None:
    """Replace the options, keeping the highlight on the same row (or the last, if it shrank)."""
    before = listing.highlighted
    listing.set_options(options)
    if listing.option_count:
        listing.highlighted = min(default if before is None else before, listing.option_count - 1)

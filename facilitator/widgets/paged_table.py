"""A table of a long list, a page at a time, with columns that fit the width they are given.

Textual's `DataTable` measures every cell it is handed: 10,000 rows cost over a second each time a
filter changes. This one is handed the whole list but adds only the rows within reach (a first
page, then the next as the cursor or the scroll nears the end), so narrowing a list of 10,000
costs what a list of 200 does.

A column has a least width and, if flexible, a share of the spare width; a column that does not
fit at all is left out, the least needed first, so that what is shown is never cut to nothing.
The screen shows the highlighted row whole elsewhere. Cells are `Text`, never markup, and end in
`…` where they are cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.console import JustifyMethod
from rich.text import Text
from textual import events
from textual.widgets import DataTable

T = TypeVar("T")

PAGE = 100
"""Rows added at a time: about 20 ms of measuring, and twice what a 50-line screen holds."""
MARGIN = 50
"""Rows left below the cursor (or the scroll) before the next page is added: more than a page-down moves."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    """The width of a fixed column, or the least a flexible one gets."""
    flex: int = 0
    """A flexible column's share of the spare width; 0 for a fixed one."""
    keep: int = 0
    """Which columns stay when the width is short: the lowest first."""
    justify: JustifyMethod = "left"


def fit(columns: Sequence[Column], width: int, padding: int = 1) -> dict[str, int]:
    """The width of each column that fits in `width` cells, in the columns' order.

    Columns are taken by `keep` (ties in their order) while their least widths fit; the first
    column always stays. What is left over goes to the flexible columns by their shares.
    """
    chosen: set[str] = set()
    used = 0
    for column in sorted(columns, key=lambda c: c.keep):
        needed = column.width + 2 * padding
        if not chosen or used + needed <= width:
            chosen.add(column.key)
            used += needed
    shown = [c for c in columns if c.key in chosen]
    widths = {c.key: c.width for c in shown}
    flexible = [c for c in shown if c.flex]
    spare = max(width - used, 0)
    shares = sum(c.flex for c in flexible)
    if shares:
        given = 0
        for number, column in enumerate(flexible):
            extra = spare - given if number == len(flexible) - 1 else spare * column.flex // shares
            widths[column.key] += extra
            given += extra
    return widths


class PagedTable(DataTable[Text], Generic[T]):
    """Rows of `items`, each drawn by `cells` and known by `key`; a row is the cursor's unit."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    """

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[T], Sequence[Text]],
        key: Callable[[T], str],
        *,
        page: int = PAGE,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layout_columns = list(columns)
        self.cells = cells
        self.item_key = key
        self.page = page
        self.items: Sequence[T] = ()
        self.shown = 0
        """How many of `items` are rows of the table so far."""
        self.sorted_by: tuple[str, bool] | None = None
        self._widths: dict[str, int] = {}

    # --- what is shown --------------------------------------------------------------------

    def show(self, items: Sequence[T], *, keep: str | None = None, sorted_by: tuple[str, bool] | None = None) -> None:
        """Show `items` from the top; the cursor goes to the row known as `keep` if it is within
        the rows shown so far (no further: that would mean adding every row up to it), else it
        stays at its place in the list (the next row, when the one it was on went)."""
        before = self.cursor_row
        reach = max(self.shown, self.page)
        self.items = items
        self.sorted_by = sorted_by
        index = self.index_of(keep, reach) if keep is not None else None
        self._rebuild(before if index is None else index)

    def index_of(self, key: str, reach: int | None = None) -> int | None:
        """Where the item known as `key` is, looking at the first `reach` items only if given."""
        items = self.items if reach is None else self.items[:reach]
        return next((n for n, item in enumerate(items) if self.item_key(item) == key), None)

    @property
    def current(self) -> T | None:
        """The item under the cursor, if there are any."""
        if not self.shown or not 0 <= self.cursor_row < self.shown:
            return None
        return self.items[self.cursor_row]

    def _rebuild(self, cursor: int) -> None:
        self._widths = fit(self.layout_columns, self._room(), self.cell_padding)
        self.clear(columns=True)
        for column in self.layout_columns:
            if column.key in self._widths:
                self.add_column(self._label(column), width=self._widths[column.key], key=column.key)
        self.shown = 0
        cursor = max(min(cursor, len(self.items) - 1), 0)
        self._add_rows(max(self.page, cursor + MARGIN))
        if self.shown:
            self.move_cursor(row=cursor, animate=False)

    def _label(self, column: Column) -> Text:
        label = Text(column.label, style="bold", justify=column.justify)
        if self.sorted_by is not None and self.sorted_by[0] == column.key:
            label.append(" ▼" if self.sorted_by[1] else " ▲")
        return label

    def _add_rows(self, count: int) -> None:
        end = min(self.shown + count, len(self.items))
        for item in self.items[self.shown:end]:
            row = []
            for cell, column in zip(self.cells(item), self.layout_columns, strict=True):
                if column.key in self._widths:
                    cell.no_wrap = True
                    cell.overflow = "ellipsis"
                    cell.justify = column.justify
                    row.append(cell)
            self.add_row(*row, key=self.item_key(item))
        self.shown = end

    def _room(self) -> int:
        """The cells the columns may take: the width less a vertical scrollbar's."""
        return max(self.size.width - self.styles.scrollbar_size_vertical, 0)

    # --- adding the next page in time -----------------------------------------------------

    def _near_end(self, row: int) -> bool:
        return self.shown < len(self.items) and row >= self.shown - MARGIN

    def _more(self) -> None:
        if self.shown < len(self.items):
            self._add_rows(self.page)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._near_end(event.cursor_row):
            self._more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._near_end(round(new_value) + self.size.height):
            self.call_after_refresh(self._more)

    def on_resize(self, event: events.Resize) -> None:
        """Columns are content, not layout: fit them again when the width they have changes."""
        if fit(self.layout_columns, self._room(), self.cell_padding) != self._widths:
            self._rebuild(self.cursor_row)

"""An `Input` whose text passes the text gate: a paste cannot put an escape sequence or a bell
into an idea, a name or a title (typed keys are printable already; a paste is not)."""

from __future__ import annotations

from textual.widgets import Input

from facilitator.text import clean


class TextInput(Input):
    def replace(self, text: str, start: int, end: int) -> None:
        # Every insertion (a key, a paste, `insert_text_at_cursor`) comes through here.
        super().replace(clean(text), start, end)

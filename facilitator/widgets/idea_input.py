"""The line where ideas are typed, safe for a facilitator who types fast.

Textual's `Input` submits through a binding that runs only after the key has bubbled up to the
app; keys typed right after Enter can reach the input first and end up in the idea before it.
Here Enter is handled in the input's own key handler, in order with the characters: the text is
taken and the line cleared in one step, so nothing typed after Enter joins or is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input


class IdeaInput(Input):
    @dataclass
    class Captured(Message):
        """The facilitator pressed Enter on this text."""

        text: str

    async def _on_key(self, event: events.Key) -> None:
        # Other keys go on to Input's own handler (Textual calls each class's handler in turn).
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text, self.value = self.value, ""
            self.post_message(self.Captured(text))

    def _on_paste(self, event: events.Paste) -> None:
        """A pasted block becomes one idea: its lines are joined, not dropped."""
        if event.text:
            self.insert_text_at_cursor(" ".join(line.strip() for line in event.text.splitlines() if line.strip()))
        event.stop()
        event.prevent_default()

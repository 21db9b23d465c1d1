"""The line where ideas are typed, safe for a facilitator who types fast.

Textual's `Input` submits through a binding that runs only after the key has bubbled up to the
app; keys typed right after Enter can reach the input first and end up in the idea before it.
Here Enter is handled in the input's own key handler, in order with the characters: the text is
taken and the line cleared in one step, so nothing typed after Enter joins or is lost. Clearing
the line sends no `Changed`: the screen journals the idea and the emptied draft together, so a
crash between the two can never leave a draft emptied and its idea unsaved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from facilitator.widgets.text_input import TextInput

ROUND_KEYS = {"ctrl+e", "ctrl+d", "ctrl+k", "ctrl+x", "enter"}
"""Keys the round screen uses for its commands; the input gives them up (ctrl+e is also End)."""


def _without_round_keys(binding: BindingType) -> BindingType | None:
    if not isinstance(binding, Binding):
        return binding
    keys = [k for k in binding.key.split(",") if k.strip() not in ROUND_KEYS]
    return replace(binding, key=",".join(keys)) if keys else None


class IdeaInput(TextInput, inherit_bindings=False):
    BINDINGS = [b for b in map(_without_round_keys, Input.BINDINGS) if b is not None]
    def __init__(self, *args, **kwargs) -> None:
        # Focus must not select the text: a draft brought back after a phase change or a crash
        # would be replaced by the first key typed.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    @dataclass
    class Captured(Message):
        """The facilitator pressed Enter on this text."""

        text: str

    async def _on_key(self, event: events.Key) -> None:
        # Other keys go on to Input's own handler (Textual calls each class's handler in turn).
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.value
            with self.prevent(Input.Changed):  # the box is emptied by the capture, not by typing
                self.value = ""
            self.post_message(self.Captured(text))

    def _on_paste(self, event: events.Paste) -> None:
        """A pasted block becomes one idea: its lines are joined, not dropped."""
        if event.text:
            self.insert_text_at_cursor(" ".join(line.strip() for line in event.text.splitlines() if line.strip()))
        event.stop()
        event.prevent_default()

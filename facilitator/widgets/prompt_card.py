"""The prompt card: the one big thing on the wall during a round."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from facilitator.models import PromptKind, Round
from facilitator.vocabulary import KIND_LABELS


def card_text(round_: Round) -> Text:
    """The card as plain text objects: deck text is data, never markup."""
    if round_.kind is PromptKind.EVIDENCE:
        return card_face(round_.kind, f"“{round_.text}”", round_.origin)
    return card_face(round_.kind, round_.text, round_.routine, round_.moment)


def card_face(kind: PromptKind | str, text: str, routine: str | None = None, moment: str | None = None) -> Text:
    """A card as the wall shows it: its kind, the routine or journey moment it is about, and its text."""
    face = Text()
    face.append(KIND_LABELS[PromptKind(kind)], style="bold")
    for about in (routine, moment):
        if about:
            face.append("  ·  ")
            face.append(about, style="italic")
    face.append("\n\n")
    face.append(text, style="bold")
    return face


class PromptCardView(Static):
    """Shows one round's card."""

    DEFAULT_CSS = """
    PromptCardView {
        border: tall $accent;
        padding: 1 2;
        height: auto;
        min-height: 5;
        content-align: center middle;
        text-align: center;
    }
    """

    def show(self, round_: Round | None) -> None:
        self.update(card_text(round_) if round_ else Text("No card"))

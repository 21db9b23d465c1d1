"""The prompt card: the one big thing on the wall during a round."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from facilitator.models import PromptKind, Round

KIND_LABELS = {
    PromptKind.QUESTION: "QUESTION",
    PromptKind.ROUTINE: "ROUTINE",
    PromptKind.PERSPECTIVE: "PERSPECTIVE",
    PromptKind.STIMULUS: "ASSOCIATE FREELY WITH",
    PromptKind.BUILD_ON: "BUILD ON",
}


def card_text(round_: Round) -> Text:
    """The card as plain text objects: deck text is data, never markup."""
    text = Text()
    text.append(KIND_LABELS[round_.kind], style="bold")
    if round_.routine:
        text.append("  ·  ")
        text.append(round_.routine, style="italic")
    text.append("\n\n")
    text.append(round_.text, style="bold")
    return text


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

"""The line across the top of the wall while the disk refuses to save: what happens, and the fix.

Hidden while every change is on disk. Shown, it says in plain words that the ideas stay on
screen and are written as soon as the disk takes them; when they are, it goes away with a short
"Saved again".
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from facilitator.engine.live import SAVE_RETRY_SECONDS, SaveFailed


def banner_text(problem: SaveFailed, unsaved: int) -> Text:
    """`⚠ Disk full (No space left on device): ideas are kept on screen …`, never colour alone.

    Args:
        unsaved: changes held in memory only; none means the journal has them all and only the
            save into the store is owed.
    """
    head = "Disk full" if problem.disk_full else "Cannot save"
    fix = "free some space" if problem.disk_full else "check the disk"
    if unsaved:
        what = f"ideas are kept on screen and retried every {SAVE_RETRY_SECONDS:g} seconds"
    else:
        what = f"every idea is in the session's journal; saving the session is retried every {SAVE_RETRY_SECONDS:g} seconds"
    text = Text(f"⚠ {head} ", style="bold")
    text.append(f"({problem.reason})")
    text.append(f": {what} — {fix}.", style="bold")
    return text


class SaveBanner(Static):
    """Docked at the top of a screen, high contrast, while something is not saved."""

    DEFAULT_CSS = """
    SaveBanner {
        dock: top;
        width: 100%;
        height: auto;
        padding: 0 1;
        background: $error;
        color: auto 100%;
        display: none;
    }
    SaveBanner.-failing {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="save-banner")
        self._shown: tuple[SaveFailed, bool] | None = None

    @property
    def failing(self) -> bool:
        return self.has_class("-failing")

    def show(self, problem: SaveFailed | None, unsaved: int = 0) -> None:
        """Show what is not saved, or hide the banner; hiding it says "Saved again"."""
        if problem is None:
            if self.failing:
                self.remove_class("-failing")
                self.notify("Saved again: every idea is on disk.", title="Saved", timeout=4, markup=False)
            self._shown = None
            return
        state = (problem, bool(unsaved))
        if state != self._shown:
            self._shown = state
            self.update(banner_text(problem, unsaved))
        self.add_class("-failing")


PRACTICE_LINE = "PRACTICE RUN · nothing is saved · Ctrl+Q ends it"


class PracticeMark(Static):
    """Across the top of every screen of a rehearsal, so nobody takes it for the real session."""

    DEFAULT_CSS = """
    PracticeMark {
        dock: top;
        width: 100%;
        height: 1;
        background: $warning;
        color: auto 100%;
        text-style: bold;
        content-align: center middle;
    }
    """

    def __init__(self) -> None:
        super().__init__(Text(PRACTICE_LINE), id="practice-mark")

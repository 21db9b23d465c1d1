"""Export from the review screens: the format is asked, the file is written on a thread of its
own into the folder facilitator was started in (where `facilitator export` writes too), and the
screen says where it went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from facilitator.exporting import CannotExport, Export
from facilitator.screens.background import hand_back
from facilitator.screens.modals import PickModal

FORMAT_WORDS = {
    "md": "Markdown, for a wiki or an email",
    "csv": "CSV, for a spreadsheet",
    "json": "JSON, for another facilitator (facilitator import)",
    "ics": "a calendar (.ics): recurring actions as events, one-offs as to-dos",
    "html": "a report that opens in any browser, offline",
}

EXPORT_BINDING = Binding("e", "export", "Export", id="export", tooltip="Write this as Markdown, CSV, JSON, a calendar or a report")


def ask_and_export(screen: Screen[Any], what: str, formats: Sequence[str], make: Callable[[str], Export]) -> None:
    """Ask the format, then write the export and say where it went (or why it could not be)."""
    choices = [f"{fmt}: {FORMAT_WORDS[fmt]}" for fmt in formats]
    app = screen.app
    folder = Path.cwd()

    def picked(choice: str | None) -> None:
        if choice is None:
            return
        fmt = choice.split(":", 1)[0]

        def write() -> None:
            path: Path | None = None
            error: BaseException | None = None
            try:
                path = make(fmt).write_into(folder)
            except BaseException as exc:  # said on the screen, below
                error = exc
            hand_back(app, written, path, error)

        screen.run_worker(write, thread=True, group="export", exit_on_error=False)

    def written(path: Path | None, error: BaseException | None) -> None:
        if isinstance(error, (CannotExport, LookupError)):
            screen.notify(f"Not exported: {error}.", severity="warning", timeout=8, markup=False)
        elif isinstance(error, OSError):
            screen.notify(f"Not exported ({error.strerror or error}): nothing was written.", severity="error", timeout=10, markup=False)
        elif error is not None:
            raise error
        elif path is not None:
            screen.notify(f"Wrote {path}", title="Exported", timeout=8, markup=False)

    app.push_screen(PickModal(f"Export {what} as:", choices), picked)

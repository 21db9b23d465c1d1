"""A bare Textual app that shows one line: what start-up costs before any of facilitator's own work.

`run_all.py` starts it on a pseudo-terminal exactly as it starts `python -m facilitator`.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

READY = "Bare Textual app ready"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(READY)


if __name__ == "__main__":
    BareApp().run()

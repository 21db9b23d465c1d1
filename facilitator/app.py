"""The Textual app: built by one factory for both the command line and the tests."""

from __future__ import annotations

from textual.app import App

from facilitator.screens.home import HomeScreen
from facilitator.workspace import Workspace


class FacilitatorApp(App[None]):
    """The hub: owns the workspace and hands it down to screens."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitator"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.workspace))


def make_app(workspace: Workspace | None = None) -> FacilitatorApp:
    """The one way to build the app, so the CLI and tests get the same thing."""
    return FacilitatorApp(workspace or Workspace())

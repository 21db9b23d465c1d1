"""Snapshot tests of the deck screens: the manager, the editor, a card's dialog and the wall
preview, at a laptop size and at a projector size.

The coach's home folder is pinned (paths under it are shown as `~/…`), and their deck folder holds
a copy of the built-in frontline deck that replaces it. Update the SVGs under `tests/__snapshots__/`
after a deliberate visual change with `pytest tests/test_snapshots_decks.py --snapshot-update`, and
look at them before committing.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from facilitator.app import make_app
from facilitator.catalog import builtin_dir
from facilitator.models import CardKind
from facilitator.screens.deck_editor import CardModal, DeckEditorScreen
from facilitator.screens.decks import DecksScreen, WallPreviewScreen
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import settled, steady

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}
State = Callable[[Pilot], Awaitable[None]]


@pytest.fixture
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder whose deck folder holds an adapted copy of the frontline deck."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    decks = home / ".config" / "facilitator" / "decks"
    decks.mkdir(parents=True)
    shutil.copy(builtin_dir("prompts") / "frontline.toml", decks / "frontline.toml")
    return home


async def in_manager(pilot: Pilot) -> None:
    """Every deck, the cursor on the coach's copy of the frontline deck."""
    await settled(pilot)
    await pilot.press("d")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DecksScreen)
    screen.table.move_cursor(row=screen.table.get_row_index("frontline"))
    await pilot.pause()


async def in_editor(pilot: Pilot) -> None:
    """The copy open in the editor, its third card moved up one place and not saved yet."""
    await in_manager(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DeckEditorScreen)
    await pilot.press("down", "down", "shift+up")
    await pilot.pause()


async def in_card_dialog(pilot: Pilot) -> None:
    """A routine card open for editing: kind, text, id, source and the routines it fits."""
    await in_manager(pilot)
    await pilot.press("enter")
    await pilot.pause()
    editor = pilot.app.screen
    assert isinstance(editor, DeckEditorScreen)
    at = next(i for i, card in enumerate(editor.draft.cards) if card.kind is CardKind.ROUTINE)
    editor.draft.set_card(at, fits=["meetings", "ceremonies"], source="Nieuwenhuijsen, trait 5")
    editor.show(at)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CardModal)


async def in_wall_preview(pilot: Pilot) -> None:
    """A routine card as the wall shows it, filled with one of the default routines."""
    await in_manager(pilot)
    await pilot.press("w")
    await pilot.pause()
    preview = pilot.app.screen
    assert isinstance(preview, WallPreviewScreen)
    at = next(i for i, card in enumerate(preview.deck.prompts) if card.kind is CardKind.ROUTINE)
    for _ in range(at):
        await pilot.press("right")
    await pilot.pause()


STATES: dict[str, State] = {
    "decks": in_manager,
    "deck-editor": in_editor,
    "deck-card": in_card_dialog,
    "wall-preview": in_wall_preview,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_screen(state: str, size: str, snap_compare, coach_home: Path, tmp_path: Path) -> None:
    app = make_app(Workspace(store_path=tmp_path / "store.json"), FakeClock())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steady(STATES[state]))

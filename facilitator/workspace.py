"""What one run of facilitator works with: the store and the deck and plan catalogs.

Built once from the command line (or by a test) and handed to the CLI commands and the app, so
both see the same folders and the same store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.layout import default_store_path

if TYPE_CHECKING:  # loaded when first used: a command that only lists needs none of them
    from facilitator.catalog import Catalog
    from facilitator.models import Deck, Plan
    from facilitator.store import Store


@dataclass
class Workspace:
    store_path: Path = field(default_factory=default_store_path)
    deck_dirs: list[Path] = field(default_factory=list)
    plan_dirs: list[Path] = field(default_factory=list)
    new_after_damage: bool = False
    """The user agreed to a new, empty store where a damaged one was set aside."""

    @cached_property
    def decks(self) -> Catalog[Deck]:
        from facilitator.catalog import load_decks

        return load_decks(self.deck_dirs)

    @cached_property
    def plans(self) -> Catalog[Plan]:
        from facilitator.catalog import load_plans

        return load_plans(self.plan_dirs, decks=self.decks.items)

    @cached_property
    def store(self) -> Store:
        """The store, opened on first use (finishing any close a crash interrupted); raises
        `StoreDamaged` or `StoreSetAside`."""
        from facilitator.engine.live import finish_interrupted
        from facilitator.store import Store

        store = Store(self.store_path, new_after_damage=self.new_after_damage)
        finish_interrupted(store)
        return store

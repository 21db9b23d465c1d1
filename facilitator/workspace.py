"""What one run of facilitator works with: the store and the deck and plan catalogs.

Built once from the command line (or by a test) and handed to the CLI commands and the app, so
both see the same folders and the same store. Each part is loaded when first asked for; the app
asks on a thread while its home screen shows, so a screen that asks meanwhile waits for that
thread's copy rather than loading a second one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from facilitator.layout import default_store_path

if TYPE_CHECKING:  # loaded when first used: a command that only lists needs none of them
    from facilitator.catalog import Catalog
    from facilitator.models import Deck, Plan
    from facilitator.store import Store

T = TypeVar("T")
PARTS = ("store", "decks", "plans")


@dataclass
class Workspace:
    store_path: Path = field(default_factory=default_store_path)
    deck_dirs: list[Path] = field(default_factory=list)
    plan_dirs: list[Path] = field(default_factory=list)
    new_after_damage: bool = False
    """The user agreed to a new, empty store where a damaged one was set aside."""
    evidence_path: Path | None = None
    """Customer evidence named with `--evidence`: set-up offers it for the session."""
    join_host: str | None = None
    """The address the room is served on (`--join-host`); None: this machine's LAN address."""
    join_port: int | None = None
    """The room's port (`--join-port`); None: 8765, or any free port if that one is taken."""
    _loading: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    # A part, once loaded, is kept in `__dict__` under its name, as `functools.cached_property`
    # keeps it (the command line asks `"store" in ws.__dict__`, and drops it to open it again).
    def _once(self, name: str, load: Callable[[], T]) -> T:
        with self._loading:
            if name not in self.__dict__:
                self.__dict__[name] = load()
            loaded: T = self.__dict__[name]
            return loaded

    @property
    def decks(self) -> Catalog[Deck]:
        from facilitator.catalog import load_decks

        return self._once("decks", lambda: load_decks(self.deck_dirs))

    @property
    def plans(self) -> Catalog[Plan]:
        from facilitator.catalog import load_plans

        return self._once("plans", lambda: load_plans(self.plan_dirs, decks=self.decks.items))

    @property
    def store(self) -> Store:
        """The store, opened on first use (finishing any close a crash interrupted); raises
        `StoreDamaged` or `StoreSetAside`."""
        return self._once("store", self._open_store)

    def _open_store(self) -> Store:
        from facilitator.engine.live import finish_interrupted
        from facilitator.store import Store

        store = Store(self.store_path, new_after_damage=self.new_after_damage)
        finish_interrupted(store)
        return store

    def forget_catalogs(self) -> None:
        """Read the decks and plans again when next asked: a deck file was written."""
        with self._loading:
            self.__dict__.pop("decks", None)
            self.__dict__.pop("plans", None)

    def load(self) -> None:
        """Open the store and load both catalogs now, if they are not yet."""
        for name in PARTS:
            getattr(self, name)

    @property
    def loaded(self) -> bool:
        """The store is open and the catalogs are loaded: asking for them costs nothing."""
        return all(name in self.__dict__ for name in PARTS)

    def setting(self, key: str, default: Any = None) -> Any:
        """A setting, from the store if it is open, else read from its file without opening it."""
        if "store" in self.__dict__:
            return self.store.setting(key, default)
        from facilitator.glance import saved_setting

        return saved_setting(self.store_path, key, default)

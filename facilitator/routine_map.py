"""The routine-by-trait map a routine scan promises: where the customer meets the team's routines.

One row per routine that met a routine card, one column per trait whose deck dealt one, and in
each cell the ideas the room called out in the rounds that showed that routine with that trait's
card. Beside it the actions placed in each routine, the cells with most ideas (the hot spots) and
the routines that met no card (where nobody looked yet). Plain Python: the summary screen and the
Markdown export draw it, each in its own way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.models import Session

MAP_TITLE = "Where the customer meets your routines"


@dataclass(frozen=True)
class HotSpot:
    """A routine and a trait that together drew the most ideas."""

    routine: str
    trait: str
    ideas: int


@dataclass(frozen=True)
class RoutineMap:
    """Ideas per routine and trait, the actions per routine, and the routines no card reached."""

    routines: tuple[str, ...]
    """The rows: routines that met a card, in the session's routine order."""
    traits: tuple[str, ...]
    """The columns: traits whose decks dealt a routine card, in the session's deck order."""
    ideas: Mapping[tuple[str, str], int]
    """Ideas by (routine, trait), for every pair a card showed (a pair the room was silent on
    counts 0); a pair that is not here never met."""
    actions: Mapping[str, int]
    """Actions placed in each routine of the session, whether or not it met a card."""
    unmet: tuple[str, ...]
    """The session's routines that no card showed."""

    def count(self, routine: str, trait: str) -> int:
        return self.ideas.get((routine, trait), 0)

    @property
    def hot_spots(self) -> tuple[HotSpot, ...]:
        """Every cell with the most ideas, row by row; none when no idea was called out."""
        most = max(self.ideas.values(), default=0)
        if most == 0:
            return ()
        return tuple(
            HotSpot(routine, trait, most) for routine in self.routines for trait in self.traits if self.count(routine, trait) == most
        )

    @property
    def worth_showing(self) -> bool:
        """Routine cards with two routines or two traits at least: a map says something a list can't.
        Smaller sessions leave it out, so that their summary stays uncluttered."""
        return len(self.routines) >= 2 or len(self.traits) >= 2


def routine_map(session: Session, traits: Mapping[str, str] | None = None) -> RoutineMap:
    """The map of `session`.

    Args:
        traits: deck id → trait name; a deck not in it is named by its id. Two decks about the
            same trait share a column.

    Only rounds dealt from a deck with a routine in them count: a card built on an idea has
    neither, and what the room says to it is not about a routine and a trait.
    """
    traits = traits or {}
    met: dict[int, tuple[str, str]] = {}
    for shown in session.rounds:
        if shown.routine and shown.deck:
            met[shown.index] = (shown.routine, traits.get(shown.deck, shown.deck))
    ideas = Counter(met[idea.round] for idea in session.ideas if idea.round in met)
    for pair in met.values():
        ideas.setdefault(pair, 0)
    actions = Counter(action.routine for action in session.actions if action.routine)
    met_routines = {routine for routine, _ in met.values()}
    rows = [r for r in dict.fromkeys(session.routines) if r in met_routines]
    rows += [r for r in dict.fromkeys(routine for routine, _ in met.values()) if r not in rows]  # no longer in its list
    dealt = {trait for _, trait in met.values()}
    columns = [t for t in dict.fromkeys(traits.get(deck, deck) for deck in session.decks) if t in dealt]
    columns += [t for t in dict.fromkeys(trait for _, trait in met.values()) if t not in columns]
    return RoutineMap(
        routines=tuple(rows),
        traits=tuple(columns),
        ideas=dict(ideas),
        actions=dict(actions),
        unmet=tuple(r for r in dict.fromkeys(session.routines) if r not in met_routines),
    )

"""Draw rules: which card a round shows next.

* Cards come from a deck without repetition until that deck's pool is used up, then the pool is
  shuffled again.
* When a round may draw from several decks, the decks take turns.
* A phase may ask for some kinds of card only (a routine scan shows routine cards).
* Routine cards take the session's routines in turn (shuffled), so every routine comes up before
  any comes up twice; a card that `fits` some kinds of routine only takes the next routine of
  those kinds (`routines.kinds_of`), and a card that suits none of the session's routines is
  never drawn: a meeting-only card never meets a one-to-one.
* Everything random comes from one seeded generator: the same seed and the same calls give the
  same sequence, so a session can be replayed or resumed.

`dealing_problem` says, before a session exists, whether its decks and routines can deal every
round of its plan by these rules: set-up asks it, and `LiveSession.start` asks it again.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.models import ROUND_PHASES, CardKind, Deck, Plan, PromptCard
from facilitator.routines import kinds_of
from facilitator.vocabulary import moments_for


class CannotDeal(ValueError):
    """The decks cannot deal a card the session needs; the message is one line for the user."""


def dealing_problem(plan: Plan, decks: Sequence[Deck], routines: Sequence[str]) -> str | None:
    """Why these decks and routines cannot deal every round of `plan`, in one line; None if they can.

    A round phase draws from its own decks (or the session's): each of those must have a card
    it can show (a deck of routine cards only needs a routine), and a phase that asks for
    routine cards needs a routine to put on them.
    """
    if not decks:
        return "Pick at least one deck."
    drawer = CardDrawer(decks, routines, seed=0)
    for phase in plan.phases:
        if phase.kind in ROUND_PHASES and (problem := drawer.problem(phase.decks, phase.kinds, phase.label)):
            return problem
    return None


@dataclass(frozen=True)
class DrawnCard:
    """A card as a round will show it."""

    deck: Deck
    card: PromptCard
    routine: str | None
    moment: str | None = None

    @property
    def text(self) -> str:
        return self.card.render(self.routine, self.moment)


class CardDrawer:
    """Deals cards from the session's decks by the draw rules above."""

    def __init__(self, decks: Sequence[Deck], routines: Sequence[str], seed: int) -> None:
        if not decks:
            raise ValueError("a session needs at least one deck to draw from")
        self.decks = {deck.id: deck for deck in decks}
        self.routines = list(routines)
        self._kinds = {routine: kinds_of(routine) for routine in self.routines}
        self.seed = seed
        self._random = random.Random(seed)
        self._pools: dict[str, list[PromptCard]] = {}
        self._routine_queue: list[str] = []
        self._moment_queues: dict[tuple[str, ...], list[str]] = {}
        self._turn = 0

    def draw(self, deck_ids: Sequence[str] | None = None, kinds: Sequence[CardKind] = ()) -> DrawnCard:
        """The next card from the given decks (default: all), decks taking turns.

        Args:
            kinds: only cards of these kinds (default: any). A deck without such a card is passed
                over; if no deck has one, any kind will do.
        """
        ids = self.deck_ids(deck_ids)
        wanted = set(kinds)
        having = [d for d in ids if self._has(self.decks[d], wanted)] if wanted else []
        if having:
            ids = having
        else:
            wanted = set()
        deck = self.decks[ids[self._turn % len(ids)]]
        self._turn += 1
        card = self._next_card(deck, wanted)
        routine = self._next_routine(card) if card.needs_routine else None
        return DrawnCard(deck, card, routine, self._next_moment(deck) if card.needs_moment else None)

    def deck_ids(self, deck_ids: Sequence[str] | None) -> list[str]:
        """The decks a draw from `deck_ids` takes turns over: those loaded, else every deck."""
        return [d for d in (deck_ids or self.decks) if d in self.decks] or list(self.decks)

    def problem(self, deck_ids: Sequence[str] | None, kinds: Sequence[CardKind], phase: str) -> str | None:
        """Why `draw(deck_ids, kinds)` could fail, or miss the routine cards `phase` asks for."""
        ids = self.deck_ids(deck_ids)
        wanted = set(kinds)
        if wanted and any(self._has(self.decks[d], wanted) for d in ids):
            return None  # the draw keeps to decks with the kinds asked for
        has_routine_cards = any(c.needs_routine for d in ids for c in self.decks[d].prompts)
        if CardKind.ROUTINE in wanted and has_routine_cards:
            if not self.routines:
                return f"{phase} shows routine cards, and no routine is picked: pick at least one routine."
            return f"{phase} shows routine cards, and none of them suits the routines picked: add a routine its cards fit."
        for deck_id in ids:
            if not self._has(self.decks[deck_id], set()):
                title = self.decks[deck_id].title
                if not self.routines:
                    return f"Deck “{title}” has only routine cards, and no routine is picked: pick a routine, or leave the deck out."
                return f"Deck “{title}” has only routine cards, and none suits the routines picked: add a routine its cards fit, or leave the deck out."
        return None

    def redraw(self, shown: DrawnCard, kinds: Sequence[CardKind] = ()) -> DrawnCard:
        """Another card in place of `shown`, from the same deck and, for a routine card, with the
        same routine: skipping a card leaves the turns of decks and routines as they were."""
        wanted = set(kinds) if self._has(shown.deck, set(kinds)) else set()
        keep = shown.routine if shown.routine in self._kinds else None
        card = self._next_card(shown.deck, wanted, avoid=shown.card.id, routine=keep)
        routine = None
        if card.needs_routine:
            routine = keep if keep and card.suits(self._kinds[keep]) else self._next_routine(card)
        moment = None
        if card.needs_moment:
            moment = shown.moment if shown.moment else self._next_moment(shown.deck)
        return DrawnCard(shown.deck, card, routine, moment)

    def _showable(self, card: PromptCard) -> bool:
        """Whether the card can be shown at all: a routine card needs a routine it suits."""
        return not card.needs_routine or any(card.suits(kinds) for kinds in self._kinds.values())

    def _has(self, deck: Deck, kinds: set[CardKind]) -> bool:
        """Whether the deck has a card of these kinds that can be shown (any kind if none given)."""
        return any((not kinds or c.kind in kinds) and self._showable(c) for c in deck.prompts)

    def _usable(self, deck: Deck) -> list[PromptCard]:
        """A deck's cards that can be shown: a routine card only with a routine it suits."""
        cards = [c for c in deck.prompts if self._showable(c)]
        if not cards:
            why = "none suits the session's routines" if self.routines else "the session has no routines"
            raise CannotDeal(f"deck {deck.id} has only routine cards and {why}")
        return cards

    def replay(self, deck_id: str | None, card_id: str | None, routine: str | None, moment: str | None = None) -> None:
        """Count a card the session already showed, so a resumed session goes on where it was."""
        deck = self.decks.get(deck_id or "")
        if deck is not None and card_id:
            pool = self._pools.get(deck.id) or self._fresh_pool(deck)  # never dealt, or used up: dealt afresh as a draw would
            self._pools[deck.id] = [c for c in pool if c.id != card_id]
            self._turn += 1
        if routine in self.routines:
            # the same steps as `_next_routine`, with the routine the round was given
            if not self._routine_queue:
                self._routine_queue = list(self.routines)
                self._random.shuffle(self._routine_queue)
            if routine in self._routine_queue:
                self._routine_queue.remove(routine)
            else:  # it came from a new turn, as no routine left in this one suited its card
                self._new_turn_for(routine)
        if moment is not None and deck is not None and moment in (moments := moments_for(deck.language)):
            queue = self._moment_queues.get(moments) or self._fresh_moments(moments)
            if moment in queue:
                queue.remove(moment)
            self._moment_queues[moments] = queue

    def _next_card(self, deck: Deck, kinds: set[CardKind], avoid: str | None = None, routine: str | None = None) -> PromptCard:
        """The next card of the deck's pool, of the wanted kinds.

        When the pool has none of them left, only those kinds are dealt afresh (cards of other
        kinds not yet shown stay in the pool), and the card just shown (`avoid`) does not come
        straight back. With a `routine` (a skipped card's), a routine card that suits it comes
        first, if the pool has one.
        """
        pool = self._pools.get(deck.id)
        if pool is None:  # the deck's first deal is all of it, whatever kinds this draw asks for
            pool = self._fresh_pool(deck)
        fits = [i for i, c in enumerate(pool) if (not kinds or c.kind in kinds) and c.id != avoid]
        if routine is not None:
            fits = [i for i in fits if not pool[i].needs_routine or pool[i].suits(self._kinds[routine])] or fits
        if not fits:
            fresh = [c for c in self._usable(deck) if not kinds or c.kind in kinds]
            self._random.shuffle(fresh)
            if len(fresh) > 1 and fresh[-1].id == avoid:
                fresh.insert(0, fresh.pop())
            keep = [c for c in pool if kinds and c.kind not in kinds]
            pool = keep + fresh
            fits = [i for i, c in enumerate(pool) if not kinds or c.kind in kinds]
        self._pools[deck.id] = pool
        return pool.pop(fits[-1])

    def _fresh_pool(self, deck: Deck) -> list[PromptCard]:
        pool = self._usable(deck)
        self._random.shuffle(pool)
        return pool

    def _next_moment(self, deck: Deck) -> str:
        """The customer-journey moments (in the deck's language) take turns, shuffled, like the routines."""
        moments = moments_for(deck.language)
        queue = self._moment_queues.get(moments) or self._fresh_moments(moments)
        self._moment_queues[moments] = queue
        return queue.pop()

    def _fresh_moments(self, moments: tuple[str, ...]) -> list[str]:
        fresh = list(moments)
        self._random.shuffle(fresh)
        return fresh

    def _next_routine(self, card: PromptCard) -> str:
        """The next routine in turn that the card suits; if none is left this turn, a new turn."""
        if not self._routine_queue:
            self._routine_queue = list(self.routines)
            self._random.shuffle(self._routine_queue)
        for i in range(len(self._routine_queue) - 1, -1, -1):
            if card.suits(self._kinds[self._routine_queue[i]]):
                return self._routine_queue.pop(i)
        # None left this turn suits the card: it takes one from a new turn, and the routines
        # still waiting in this turn come first after it.
        chosen = self._new_turn_for(None, card)
        if chosen is None:
            raise CannotDeal(f"card {card.id} suits none of the session's routines")
        return chosen

    def _new_turn_for(self, routine: str | None, card: PromptCard | None = None) -> str | None:
        """Start a new turn of routines for a card no routine left in this turn suits: the
        routine it takes (`routine`, on replay; else the last suiting one of the new turn) leaves
        the turn, and the routines still waiting from this turn come first."""
        waiting = self._routine_queue
        fresh = list(self.routines)
        self._random.shuffle(fresh)
        if routine is None and card is not None:
            suiting = [r for r in fresh if card.suits(self._kinds[r])]
            if not suiting:
                self._routine_queue = waiting
                return None
            routine = suiting[-1]
        self._routine_queue = [r for r in fresh if r not in waiting and r != routine] + waiting
        return routine

"""A session being run: the agenda, the rounds and their cards, and every idea as it is typed.

Every change is an event (see `events`): appended to the session's journal (durable at once),
then applied. When a phase ends the whole session is folded into the store. So an idea on the
screen survives a crash, and capturing one costs the same however big the store is.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from facilitator.draw import CardDrawer, DrawnCard
from facilitator.engine import events
from facilitator.engine.act import ActSteps
from facilitator.engine.clock import Clock, SystemClock
from facilitator.engine.converge import ConvergeSteps
from facilitator.engine.countdown import Countdown
from facilitator.models import (
    ROUND_PHASES,
    Deck,
    Idea,
    Phase,
    PhaseKind,
    Plan,
    PromptKind,
    Round,
    Session,
    SessionStatus,
)
from facilitator.store import Store

BUILD_ON_TEMPLATE = "Build on this: “{idea}”. What would make it happen next week?"
BUILD_ON_QUOTE = 200
"""A build-on card quotes this much of a long idea; the idea itself keeps every character."""
_AUTHOR = re.compile(r"^@(\S+)\s+(.*)$|^(.*?)\s+@(\S+)$", re.DOTALL)


def recovered(session: Session, store: Store) -> Session:
    """A live session as it stands with its journal replayed: what it holds after a crash.

    An event that cannot be applied (a journal edited by hand, or from a newer version) is
    skipped and noted in `store.problems`; the rest still count.
    """
    journaled = store.journal(session.id).events()
    if not journaled:
        return session
    copy = session.model_copy(deep=True)
    for number, event in enumerate(journaled, 1):
        try:
            events.apply(copy, event)
        except (KeyError, TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            store.problems.append(f"journal of session {session.id}, event {number} skipped: {exc.__class__.__name__}")
    return copy


def current_sessions(store: Store) -> list[Session]:
    """Every session as it stands now: live ones with their journals replayed."""
    return [recovered(s, store) if s.status is SessionStatus.LIVE else s for s in store.sessions()]


class LiveSession(ConvergeSteps, ActSteps):
    """The engine behind the session screens. It never calls the UI."""

    def __init__(
        self, session: Session, plan: Plan, decks: Sequence[Deck], store: Store, clock: Clock | None = None
    ) -> None:
        self.session = session
        self.plan = plan
        self.store = store
        self.clock = clock or SystemClock()
        self.journal = store.journal(session.id)
        if session.seed is None:
            session.seed = random.SystemRandom().randrange(1, 1_000_000)
        self.drawer = CardDrawer(decks, session.routines, session.seed)
        for done in session.rounds:
            self.drawer.replay(done.deck, done.prompt, done.routine)
        self.countdown = Countdown(self.clock, self._round_seconds())
        self.builds_on: str | None = None
        self.next_card_from: str | None = None
        self._undo: list[list[events.Event]] = []
        self._group: list[events.Event] | None = None
        self._undo_key: object = None

    # --- starting and resuming --------------------------------------------------------------

    @classmethod
    def start(cls, session: Session, plan: Plan, decks: Sequence[Deck], store: Store, clock: Clock | None = None) -> LiveSession:
        """Save the new session and open its first phase."""
        live = cls(session, plan, decks, store, clock)
        store.fold(session)
        live._enter_phase()
        return live

    @classmethod
    def resume(cls, session: Session, plan: Plan, decks: Sequence[Deck], store: Store, clock: Clock | None = None) -> LiveSession:
        """Rebuild an interrupted session: its last snapshot plus every event journaled since."""
        live = cls(recovered(session, store), plan, decks, store, clock)
        if live.phase.kind in ROUND_PHASES and live.current_round is None:
            live._start_round()
        # The clock waits for the facilitator: the room needs a moment to settle back in.
        live.countdown.start()
        live.countdown.pause()
        return live

    def _record(self, event: events.Event, *, undoable: bool = False, undo_key: object = None) -> None:
        """Journal then apply an event.

        Args:
            undoable: Ctrl+Z can take it back.
            undo_key: changes in a row with the same key (keystrokes in one field) are undone as
                one step, back to how the field was before the first of them.
        """
        if undoable:
            repeat = undo_key is not None and undo_key == self._undo_key
            self._undo_key = undo_key
            undo = None if repeat else events.inverse(self.session, event)
            if undo is not None:
                if self._group is not None:
                    self._group.insert(0, undo)
                else:
                    self._undo.append([undo])
        self.journal.append(event)
        events.apply(self.session, event)
        if event["op"] == "remove":
            self._forget_missing_ideas()

    def _forget_missing_ideas(self) -> None:
        """A pending build-on or next card must not point at an idea that is gone."""
        ids = {idea.id for idea in self.session.ideas}
        if self.builds_on not in ids:
            self.builds_on = None
        if self.next_card_from not in ids:
            self.next_card_from = None

    @contextmanager
    def _one_step(self) -> Iterator[None]:
        """Changes made inside are undone together, as the single step the facilitator took."""
        self._group = []
        try:
            yield
        finally:
            group, self._group = self._group, None
            if group:
                self._undo.append(group)

    # --- the agenda -------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.plan.phases[min(self.session.phase, len(self.plan.phases) - 1)]

    @property
    def is_closed(self) -> bool:
        return self.session.status is SessionStatus.CLOSED

    @property
    def current_round(self) -> Round | None:
        rounds = self.rounds_in_phase()
        return rounds[-1] if rounds and rounds[-1].ended is None else None

    def rounds_in_phase(self) -> list[Round]:
        return [r for r in self.session.rounds if r.phase == self.session.phase]

    @property
    def round_number(self) -> int:
        """1-based number of the current round within its phase."""
        return len(self.rounds_in_phase())

    def _round_seconds(self) -> int:
        return self.phase.round_seconds if self.phase.kind in ROUND_PHASES else self.phase.minutes * 60

    def session_seconds_left(self) -> float:
        """By the agenda: what is left of this round and phase, plus every later phase."""
        phase = self.phase
        left = max(self.countdown.remaining(), 0)
        if phase.kind in ROUND_PHASES:
            left += max(phase.rounds - self.round_number, 0) * phase.round_seconds
        later = self.plan.phases[self.session.phase + 1 :]
        return left + sum(p.minutes * 60 for p in later)

    def _enter_phase(self) -> None:
        self.countdown = Countdown(self.clock, self._round_seconds())
        if self.phase.kind in ROUND_PHASES:
            self._start_round()
            return
        self.countdown.start()  # converge, vote and act keep time too, shown on the agenda line
        if self.phase.kind is PhaseKind.ACT and not self.session.actions:
            self.draft_actions()

    def next_phase(self) -> None:
        """End the phase (and its round), save the whole session, and open the next phase."""
        self._end_round()
        if self.session.phase + 1 >= len(self.plan.phases):
            self.close()
            return
        self._record(events.set_fields(phase=self.session.phase + 1))
        self.store.fold(self.session)
        self._undo.clear()
        self._enter_phase()

    def next_round(self) -> None:
        """End this round; start the next one, or move on when the phase has no rounds left."""
        if self.phase.kind not in ROUND_PHASES or self.round_number >= self.phase.rounds:
            self.next_phase()
            return
        self._end_round()
        self._start_round()

    def close(self) -> None:
        """Give every action its session and team, and save the session as finished."""
        self._end_round()
        for action in self.session.actions:
            if action.session != self.session.id:
                self._record(events.put("action", action.model_copy(update={"session": self.session.id})))
        last = len(self.plan.phases) - 1
        self._record(events.set_fields(status=SessionStatus.CLOSED, phase=last))
        self.store.fold(self.session)
        self._undo.clear()

    # --- rounds and cards -------------------------------------------------------------------

    def _phase_decks(self) -> list[str]:
        return self.phase.decks or self.session.decks

    def _start_round(self) -> None:
        number = len(self.session.rounds)
        if self.next_card_from is not None:
            idea = self.idea(self.next_card_from)
            self.next_card_from = None
            quote = idea.text if len(idea.text) <= BUILD_ON_QUOTE else idea.text[: BUILD_ON_QUOTE - 1] + "…"
            fields = {"kind": PromptKind.BUILD_ON, "text": BUILD_ON_TEMPLATE.format(idea=quote)}
        else:
            fields = self._drawn_fields()
        new = Round(index=number, phase=self.session.phase, seconds=self.phase.round_seconds, started=self.clock.now(), **fields)
        self._record(events.put("round", new))
        self.countdown = Countdown(self.clock, new.seconds)
        self.countdown.start()

    def _drawn_fields(self, instead_of: Round | None = None) -> dict:
        """A new card for a round; in place of `instead_of`, from its deck and with its routine."""
        shown = self._as_drawn(instead_of) if instead_of is not None else None
        if shown is not None:
            drawn = self.drawer.redraw(shown, self.phase.kinds)
        else:
            drawn = self.drawer.draw(self._phase_decks(), self.phase.kinds)
        return {
            "kind": PromptKind(drawn.card.kind.value),
            "text": drawn.text,
            "deck": drawn.deck.id,
            "prompt": drawn.card.id,
            "routine": drawn.routine,
        }

    def _end_round(self) -> None:
        current = self.current_round
        if current is not None:
            self._record(events.put("round", current.model_copy(update={"ended": self.clock.now()})))

    def replace_card(self, *, restart: bool) -> None:
        """Show a fresh card in this round: skip (restart the clock) or draw another (keep it)."""
        current = self.current_round
        if current is None:
            return
        self._record(events.put("round", current.model_copy(update=self._drawn_fields(instead_of=current))))
        if restart:
            self.countdown = Countdown(self.clock, current.seconds)
            self.countdown.start()

    def _as_drawn(self, shown: Round) -> DrawnCard | None:
        """The deck card a round shows, or None for a build-on card or a deck no longer loaded."""
        deck = self.drawer.decks.get(shown.deck or "")
        if deck is None or not shown.prompt or shown.prompt not in {c.id for c in deck.prompts}:
            return None
        return DrawnCard(deck, deck.card(shown.prompt), shown.routine)

    def skip_card(self) -> None:
        self.replace_card(restart=True)

    def draw_another(self) -> None:
        self.replace_card(restart=False)

    def card_from_idea(self, idea_id: str) -> None:
        """The next round will show this idea as a build-on card."""
        self.idea(idea_id)
        self.next_card_from = idea_id

    # --- ideas ------------------------------------------------------------------------------

    def idea(self, idea_id: str) -> Idea:
        for idea in self.session.ideas:
            if idea.id == idea_id:
                return idea
        raise KeyError(idea_id)

    def split_author(self, text: str) -> tuple[str, str | None]:
        """`@Ana idea` or `idea @Ana` -> ("idea", "Ana"); a known participant's name is completed.

        Participants' full names are tried first, so `@Ana Maria` works with a space in it.
        """
        text = text.strip()
        folded = text.casefold()
        for participant in sorted(self.session.participants, key=len, reverse=True):
            tag = "@" + participant.casefold()
            if folded.startswith(tag + " "):
                return text[len(tag) :].strip(), participant
            if folded.endswith(" " + tag):
                return text[: -len(tag)].strip(), participant
        match = _AUTHOR.match(text)
        if not match:
            return text.strip(), None
        body, name = (match[2], match[1]) if match[1] else (match[3], match[4])
        for participant in self.session.participants:
            if participant.casefold().startswith(name.casefold()):
                return body.strip(), participant
        return body.strip(), name

    def add_idea(self, text: str, author: str | None = None) -> Idea | None:
        """Capture an idea; durable in the journal before this returns. Blank text is ignored."""
        body, named = self.split_author(text)
        if not body:
            return None
        current = self.current_round
        idea = Idea(
            text=body,
            author=author or named,
            round=current.index if current else -1,
            prompt=current.text if current else None,
            builds_on=self.builds_on,
            created=self.clock.now(),
        )
        self.builds_on = None
        self._record(events.put("idea", idea), undoable=True)
        return idea

    def edit_idea(self, idea_id: str, text: str) -> Idea:
        body, named = self.split_author(text)
        old = self.idea(idea_id)
        new = old.model_copy(update={"text": body or old.text, "author": named or old.author})
        self._record(events.put("idea", new), undoable=True)
        return new

    def delete_idea(self, idea_id: str) -> None:
        self.idea(idea_id)
        self._record(events.remove("idea", idea_id), undoable=True)

    def undo(self) -> bool:
        """Undo the last change to ideas, clusters, votes or actions in this phase."""
        if not self._undo:
            return False
        self._undo_key = None
        for event in self._undo.pop():
            self._record(event)
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

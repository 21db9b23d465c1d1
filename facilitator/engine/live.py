"""A session being run: the agenda, the rounds and their cards.

Every change is an event (see `events`): appended to the session's journal (durable at once),
then applied. When a phase ends the whole session is folded into the store. So an idea on the
screen survives a crash, and capturing one costs the same however big the store is. Ideas and
the idea box live in `ideas`, clocks in `timing`, converge and vote in `converge`, act and
follow-up in `act`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from filelock import Timeout

from facilitator.draw import CardDrawer, DrawnCard
from facilitator.engine import events
from facilitator.engine.act import ActSteps
from facilitator.engine.clock import Clock, SystemClock
from facilitator.engine.converge import ConvergeSteps
from facilitator.engine.countdown import Countdown
from facilitator.engine.ideas import IdeaSteps
from facilitator.engine.timing import TimingSteps
from facilitator.models import (
    ROUND_PHASES,
    Deck,
    Phase,
    PhaseKind,
    Plan,
    PromptKind,
    Round,
    Session,
    SessionStatus,
)
from facilitator.store import StaleSession, Store

BUILD_ON_TEMPLATE = "Build on this: “{idea}”. What would make it happen next week?"
BUILD_ON_QUOTE = 200
"""A build-on card quotes this much of a long idea; the idea itself keeps every character."""


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


def fresh_session(store: Store, session_id: str) -> Session:
    """One session read again from the store (with its journal), not from a list shown earlier."""
    session = store.session(session_id)
    return recovered(session, store) if session.status is SessionStatus.LIVE else session


def finish_interrupted(store: Store) -> list[str]:
    """Finish saving sessions whose close was journaled but never folded (a crash in between).

    Without this such a session would look closed (its journal says so) while the store still
    holds it as running: not offered to resume, and its actions never reaching a follow-up.
    Only journals are read, so this costs nothing with a large store; a session that a window
    is running (its lock is held) is left to that window.
    """
    finished = []
    for path in sorted(store.journal_dir.glob("*.jsonl")):
        journal = store.journal(path.stem)
        ends = [
            e for e in journal.events()
            if e.get("op") == "set" and isinstance(e.get("fields"), dict) and e["fields"].get("status") not in (None, "live")
        ]
        if not ends:
            continue
        lock = store.session_lock(path.stem)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue
        try:
            session = next((s for s in store.sessions() if s.id == path.stem), None)
            if session is None:
                continue
            if session.status is SessionStatus.LIVE:
                store.fold(recovered(session, store))
            else:
                journal.clear()  # folded already, the crash came before the journal was cleared
            finished.append(session.id)
        except StaleSession:
            continue
        finally:
            lock.release()
    return finished


def archive(store: Store, session_id: str) -> Session:
    """Put away an abandoned live session: its journal folded in, kept, never deleted.

    The caller holds the session's lock, so no window is running it.
    """
    session = fresh_session(store, session_id)
    if session.status is not SessionStatus.LIVE:
        raise LookupError(f"session {session.id} is {session.status.value}; only an unfinished one can be archived")
    session.status = SessionStatus.ARCHIVED
    store.fold(session)
    return session


class LiveSession(IdeaSteps, TimingSteps, ConvergeSteps, ActSteps):
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
        self.resumed_at: float | None = None
        """Seconds that were left on the countdown when an interrupted session was resumed."""
        self._undo: list[list[events.Event]] = []
        self._group: list[events.Event] | None = None
        self._undo_key: object = None
        self._open_stopwatch()

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
        """Rebuild an interrupted session: its last snapshot plus every event journaled since.

        The countdown comes back paused at the time that was left: the room needs a moment to
        settle back in, and the facilitator starts it.
        """
        live = cls(recovered(session, store), plan, decks, store, clock)
        live._open_stopwatch(live._spent_at_resume())
        if live._timing() is None:  # the crash came after the phase change was saved, before it opened
            live._record(live._timing_event())
            if live.phase.kind is PhaseKind.ACT and not live.session.actions:
                live.draft_actions()
        if live.phase.kind in ROUND_PHASES and live.current_round is None:
            live._start_round()
            live.countdown.pause()
        else:
            live._resume_countdown(live._round_seconds())
        live.resumed_at = live.countdown.remaining()
        live._record(live._clock_event())
        return live

    def _record(
        self,
        event: events.Event,
        *,
        also: Iterable[events.Event] = (),
        undoable: bool = False,
        undo_key: object = None,
        durable: bool = True,
    ) -> None:
        """Journal then apply an event, and the events `also` written with it in one write.

        Args:
            undoable: Ctrl+Z can take `event` back (not the events in `also`).
            undo_key: changes in a row with the same key (keystrokes in one field) are undone as
                one step, back to how the field was before the first of them.
            durable: fsync the journal before applying (see `Journal.append`).
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
        batch = [event, *also]
        self.journal.append(*batch, durable=durable)
        for each in batch:
            events.apply(self.session, each)

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

    # --- the agenda -------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.plan.phases[min(self.session.phase, len(self.plan.phases) - 1)]

    @property
    def is_closed(self) -> bool:
        return self.session.status is not SessionStatus.LIVE

    @property
    def current_round(self) -> Round | None:
        rounds = self.rounds_in_phase()
        return rounds[-1] if rounds and rounds[-1].ended is None else None

    @property
    def _current_round_index(self) -> int | None:
        current = self.current_round
        return current.index if current else None

    @property
    def _round_index(self) -> int:
        current = self.current_round
        return current.index if current else -1

    def _current_prompt(self) -> str | None:
        current = self.current_round
        return current.text if current else None

    def rounds_in_phase(self) -> list[Round]:
        return [r for r in self.session.rounds if r.phase == self.session.phase]

    @property
    def round_number(self) -> int:
        """1-based number of the current round within its phase."""
        return len(self.rounds_in_phase())

    def _round_seconds(self) -> int:
        return self.phase.round_seconds if self.phase.kind in ROUND_PHASES else self.phase.minutes * 60

    @property
    def next_phase_label(self) -> str | None:
        """What Ctrl+N leads to; None when it closes the session (the plan's close is the summary)."""
        following = self.plan.phases[self.session.phase + 1 :]
        return following[0].label if following and following[0].kind is not PhaseKind.CLOSE else None

    def _enter_phase(self) -> None:
        self._open_stopwatch()
        if self.phase.kind in ROUND_PHASES:
            self._start_round(also=[self._timing_event()])
            return
        self._restart_countdown(self.phase.minutes * 60)  # converge, vote and act keep time too
        self._record(self._timing_event(), also=[self._clock_event()])
        if self.phase.kind is PhaseKind.ACT and not self.session.actions:
            self.draft_actions()

    def next_phase(self) -> None:
        """End the phase (and its round), save the whole session, and open the next one."""
        self._end_round()
        following = self.plan.phases[self.session.phase + 1 :]
        if not following or following[0].kind is PhaseKind.CLOSE:  # the close is the summary screen
            self.close()
            return
        self._record(self._timing_event(ended=self.clock.now()), also=[events.set_fields(phase=self.session.phase + 1)])
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
        """Give every action its session, and save the session as finished."""
        self._end_round()
        for action in self.session.actions:
            if action.session != self.session.id:
                self._record(events.put("action", action.model_copy(update={"session": self.session.id})))
        last = len(self.plan.phases) - 1
        self._record(
            self._timing_event(ended=self.clock.now()),
            also=[events.set_fields(status=SessionStatus.CLOSED, phase=last, clock=None)],
        )
        self.store.fold(self.session)
        self._undo.clear()

    # --- rounds and cards -------------------------------------------------------------------

    def _phase_decks(self) -> list[str]:
        return self.phase.decks or self.session.decks

    def _start_round(self, also: Iterable[events.Event] = ()) -> None:
        number = len(self.session.rounds)
        extra = list(also)
        if self.session.card_from is not None:
            idea = self.idea(self.session.card_from)
            quote = idea.text if len(idea.text) <= BUILD_ON_QUOTE else idea.text[: BUILD_ON_QUOTE - 1] + "…"
            fields = {"kind": PromptKind.BUILD_ON, "text": BUILD_ON_TEMPLATE.format(idea=quote)}
            extra.append(events.set_fields(card_from=None))
        else:
            fields = self._drawn_fields()
        new = Round(index=number, phase=self.session.phase, seconds=self.phase.round_seconds, started=self.clock.now(), **fields)
        self._restart_countdown(new.seconds)
        self._record(events.put("round", new), also=extra)
        self._record(self._clock_event())

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
        card = events.put("round", current.model_copy(update=self._drawn_fields(instead_of=current)))
        if restart:
            self._restart_countdown(current.seconds)
            self._record(card, also=[self._clock_event()])
        else:
            self._record(card)

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

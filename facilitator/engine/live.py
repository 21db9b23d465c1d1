"""A session being run: the agenda, the rounds and their cards.

Every change is an event (see `events`): appended to the session's journal (durable at once),
then applied. When a phase ends the whole session is folded into the store. So an idea on the
screen survives a crash, and capturing one costs the same however big the store is. Ideas and
the idea box live in `ideas`, clocks in `timing`, converge and vote in `converge`, act and
follow-up in `act`.

A disk that refuses a write (full, over quota, read-only, failing) does not stop the room: the
change is applied in memory all the same and waits, in order, with `save_failed` saying why;
the waiting changes are written in one go before the next change (or by `retry_saving`), and a
phase end's save into the store is owed and retried the same way. Once written, nothing is lost.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from filelock import Timeout

from facilitator.draw import CannotDeal, CardDrawer, DrawnCard, dealing_problem
from facilitator.engine import events
from facilitator.engine.act import ActSteps
from facilitator.engine.clock import Clock, SystemClock
from facilitator.engine.converge import ConvergeSteps
from facilitator.engine.countdown import Countdown
from facilitator.engine.ideas import IdeaSteps
from facilitator.engine.timing import TimingSteps
from facilitator.models import (
    RESERVED_DECK_ID,
    ROUND_PHASES,
    CardKind,
    Deck,
    Phase,
    PhaseKind,
    Plan,
    PromptCard,
    PromptKind,
    Round,
    Session,
    SessionStatus,
)
from facilitator.store import StaleSession, Store, summarize
from facilitator.summaries import SessionSummary
from facilitator.text import clean

EVIDENCE_DECK = RESERVED_DECK_ID
"""The id of the deck a session's customer evidence is dealt from; no deck file may take it."""


def evidence_deck(session: Session) -> Deck:
    """The session's customer evidence as a deck of stimulus cards, in the customer's own words.

    Built without validation: the words are data that passed the text gate, and braces in them
    are not slots (a stimulus card fills none), so a quote like "I paid {twice}" stays as said."""
    cards = [
        PromptCard.model_construct(id=f"ev-{n}", kind=CardKind.STIMULUS, text=item.text, source=item.origin or None, fits=[])
        for n, item in enumerate(session.evidence, start=1)
    ]
    title = f"Customer evidence ({session.evidence_file})" if session.evidence_file else "Customer evidence"
    return Deck.model_construct(
        id=EVIDENCE_DECK, title=title, trait="The customer's own words", summary=title, language="en", version="1", sources=[], prompts=cards
    )


BUILD_ON_TEMPLATE = "Build on this: “{idea}”. What would make it happen next week?"
BUILD_ON_QUOTE = 200
"""A build-on card quotes this much of a long idea; the idea itself keeps every character."""
SAVE_RETRY_SECONDS = 3.0
"""How often a write the disk refused is tried again (an idea tries at once)."""
DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


@dataclass(frozen=True)
class SaveFailed:
    """Why the last write to disk failed; the session goes on in memory until it is written."""

    reason: str
    """The system's words: "No space left on device"."""
    code: int | None = None
    """The errno: ENOSPC, EDQUOT, EIO, EROFS…"""

    @classmethod
    def of(cls, exc: OSError) -> SaveFailed:
        return cls(clean(exc.strerror or str(exc) or type(exc).__name__), exc.errno)

    @property
    def disk_full(self) -> bool:
        """Out of space or over quota: freeing some space fixes it."""
        return self.code in DISK_FULL


Background = Callable[[Callable[[], None], Callable[[BaseException | None], None]], None]
"""Runs work on another thread, then calls back with its error (or None) on the caller's."""


def recovered(session: Session, store: Store) -> Session:
    """A live session as it stands with its journal replayed: what it holds after a crash.

    A line that cannot be read or applied (torn by a power cut, edited by hand, from a newer
    version) is skipped and the rest still count. How many were skipped is kept in
    `store.journal_skipped` and noted in `store.problems`, so whoever shows the session says so.
    """
    journaled = store.journal(session.id).read()
    skipped = journaled.skipped
    copy = session.model_copy(deep=True) if journaled.events else session
    for event in journaled.events:
        try:
            events.apply(copy, event)
        except events.BadEvent:
            skipped += 1
    if skipped:
        store.journal_skipped[session.id] = skipped
        lines = "1 line" if skipped == 1 else f"{skipped} lines"
        store.problems.append(f"{lines} of the journal of session {session.id} that could not be read")
    else:
        store.journal_skipped.pop(session.id, None)
    return copy


def current_sessions(store: Store) -> list[Session]:
    """Every session as it stands now, read whole: live ones with their journals replayed.
    For exports and checks; the lists read `current_summaries`."""
    return [recovered(s, store) if s.status is SessionStatus.LIVE else s for s in store.sessions()]


def current_summaries(store: Store, *, limit: int | None = None) -> list[SessionSummary]:
    """Sessions newest first, from the index; a live one (there are few) is read whole with its
    journal replayed, so its count of ideas is the room's, not the last phase end's."""
    listed = store.summaries(limit=limit)
    return [
        summarize(fresh_session(store, s.id), s.damage)[0] if s.status is SessionStatus.LIVE and not s.damaged else s
        for s in listed
    ]


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
    if store.read_only:  # open for reviewing: nothing may be written, not even this
        return []
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
            summary = store.index.summary(path.stem)
            if summary is None or summary.damaged:  # never fold a salvaged copy
                continue
            session = store.session(summary.id)
            if session.status is SessionStatus.LIVE:
                store.fold(recovered(session, store))
            else:
                journal.clear()  # folded already, the crash came before the journal was cleared
            finished.append(session.id)
        except (StaleSession, LookupError, OSError):  # saved elsewhere, unreadable, or a disk that refuses: left for later
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
        self.practice = False
        """A rehearsal on a store of its own that is thrown away: the screens say it is not saved."""
        self.journal = store.journal(session.id)
        if session.seed is None:
            session.seed = random.SystemRandom().randrange(1, 1_000_000)
        if session.evidence:
            decks = [*decks, evidence_deck(session)]
        self.drawer = CardDrawer(decks, session.routines, session.seed)
        for done in session.rounds:
            self.drawer.replay(done.deck, done.prompt, done.routine, done.moment)
        self.countdown = Countdown(self.clock, self._round_seconds())
        self.resumed_at: float | None = None
        """Seconds that were left on the countdown when an interrupted session was resumed."""
        self._undo: list[list[events.Event]] = []
        self._group: list[events.Event] | None = None
        self._undo_key: object = None
        self.save_failed: SaveFailed | None = None
        """Set while something is not on disk: changes waiting for the journal, or a save into the
        store owed since a phase end. The screens show it; a successful write clears it."""
        self._unwritten: list[events.Event] = []
        self._unwritten_durable = False
        self._fold_owed = False
        self._failed_at = 0.0
        self.in_background: Background | None = None
        """Runs the save at a phase end on another thread (the app's), so the wall never waits
        for the disk; None saves at once, in the caller's thread (the command line, tests)."""
        self._folding = False
        self._fold_again = False
        self.changes = 0
        """Counts the changes applied here: a phone's page follows the session by it."""
        self._open_stopwatch()

    # --- starting and resuming --------------------------------------------------------------

    @classmethod
    def start(cls, session: Session, plan: Plan, decks: Sequence[Deck], store: Store, clock: Clock | None = None) -> LiveSession:
        """Save the new session and open its first phase.

        Raises `CannotDeal` when the decks cannot deal the plan's cards with the session's
        routines, and `OSError` when the store cannot be written: either way nothing is saved.
        """
        if (problem := dealing_problem(plan, decks, session.routines)) is not None:
            raise CannotDeal(problem)
        live = cls(session, plan, decks, store, clock)
        store.fold(session)
        try:
            live._enter_phase()
        except Exception:
            with suppress(OSError):  # a session whose first card cannot be drawn is not kept
                store.delete_session(session.id)
            raise
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
        undo_all: bool = False,
    ) -> None:
        """Journal then apply an event, and the events `also` written with it in one write.

        Args:
            undoable: Ctrl+Z can take `event` back (not the events in `also`).
            undo_key: changes in a row with the same key (keystrokes in one field) are undone as
                one step, back to how the field was before the first of them.
            durable: fsync the journal before applying (see `Journal.append`).
            undo_all: Ctrl+Z takes back `event` and every event in `also`, as one step (one
                change that must reach the journal in one write, and be undone whole).
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
        if undo_all:  # the events touch different items, so each inverse is taken before any applies
            whole = [undo for each in reversed(batch) if (undo := events.inverse(self.session, each)) is not None]
            if self._group is not None:
                self._group[:0] = whole
            elif whole:
                self._undo.append(whole)
        self._journal(batch, durable)
        for each in batch:
            events.apply(self.session, each)
        self.changes += 1

    # --- writing, and a disk that refuses ---------------------------------------------------

    def _journal(self, batch: list[events.Event], durable: bool) -> None:
        """Append to the journal after any changes a refused write left waiting, in one write.

        While the disk refuses, a keystroke or a heartbeat only joins the queue until a retry is
        due; anything durable (an idea) tries at once, so it is saved the moment space returns.
        """
        waiting = bool(self._unwritten)
        self._unwritten.extend(batch)
        self._unwritten_durable = self._unwritten_durable or durable
        if not waiting or durable or self.retry_due:
            self._write_unwritten()

    def _write_unwritten(self) -> bool:
        try:
            self.journal.append(*self._unwritten, durable=self._unwritten_durable)
        except OSError as exc:
            # A new Journal looks for a line the failed write tore, so the retry starts afresh.
            self.journal = self.store.journal(self.session.id)
            self._failed(exc)
            return False
        self._unwritten.clear()
        self._unwritten_durable = False
        if not self._fold_owed:
            self.save_failed = None
        return True

    def _fold(self) -> bool:
        """Save the whole session into the store; refused, it is owed and the session goes on.

        With `in_background`, a copy is saved on another thread while the room goes on, and
        the journal keeps whatever happens meanwhile; the answer comes to `_folded`.
        """
        if self.in_background is None:
            try:
                self.store.fold(self.session)
            except OSError as exc:
                self._fold_owed = True
                self._failed(exc)
                return False
            self._saved(len(self._unwritten))
            return True
        if self._folding:  # one save at a time: the next one starts when this one is done
            self._fold_again = True
            return True
        self._folding = True
        self._fold_owed = True  # until the answer comes
        snapshot = self.session.model_copy(deep=True)
        upto = self.journal.size()
        covered = len(self._unwritten)
        self.in_background(lambda: self.store.fold(snapshot, journal_upto=upto), lambda error: self._folded(snapshot, covered, error))
        return True

    def _folded(self, snapshot: Session, covered: int, error: BaseException | None) -> None:
        """The answer of a save in the background, back on the caller's thread.

        Raises:
            StaleSession: another window saved the session meanwhile (nothing was written).
        """
        self._folding = False
        if error is None:
            self.session.revision = snapshot.revision
            self.session.updated = snapshot.updated
            self.session.schema_version = snapshot.schema_version
            self._saved(covered)
        elif isinstance(error, OSError):
            self._fold_owed = True
            self._failed(error)
        else:
            self._fold_again = False
            raise error
        if self._fold_again:
            self._fold_again = False
            self._fold()

    def _saved(self, covered: int) -> None:
        self._fold_owed = False
        del self._unwritten[:covered]  # the store holds them now; later ones still wait
        if not self._unwritten:
            self._unwritten_durable = False
            self.save_failed = None

    @property
    def saving(self) -> bool:
        """A save into the store is on its way (in the background)."""
        return self._folding

    def save_now(self) -> bool:
        """Save the whole session into the store now (a close a crash cut short before its save);
        refused by the disk, the save is owed and retried like a phase end's."""
        return self._fold()

    def _failed(self, exc: OSError) -> None:
        self.save_failed = SaveFailed.of(exc)
        self._failed_at = self.clock.monotonic()

    @property
    def unsaved(self) -> int:
        """Changes applied here and not yet in the journal: they live in memory only."""
        return len(self._unwritten)

    @property
    def retry_due(self) -> bool:
        """Whether a refused write is due to be tried again (every `SAVE_RETRY_SECONDS`)."""
        return self.save_failed is not None and self.clock.monotonic() - self._failed_at >= SAVE_RETRY_SECONDS

    def retry_saving(self) -> bool:
        """Write what the disk refused: the waiting changes in order and in one write, then the
        save into the store a phase end owes. Returns whether everything is on disk now."""
        if self._unwritten and not self._write_unwritten():
            return False
        if self._fold_owed and not self._fold():
            return False
        return self.save_failed is None

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
        first, *rest = self._undo.pop()
        self._record(first, also=rest)  # one write: a step is undone whole or not at all
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

    def silent_left(self) -> float:
        """Seconds of silent writing left at the start of this phase's first round; 0 once the room may speak."""
        silent = self.phase.silent_seconds
        current = self.current_round
        if not silent or current is None or self.round_number != 1:
            return 0.0
        spent = current.seconds - self.countdown.remaining()
        return max(0.0, silent - spent)

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
        """End the phase (and its round), save the whole session, and open the next one.

        A store that cannot be written does not hold the room up: the save is owed and retried
        (`retry_saving`), while the journal, or memory if the journal is refused too, keeps
        every change.
        """
        self._end_round()
        following = self.plan.phases[self.session.phase + 1 :]
        if not following or following[0].kind is PhaseKind.CLOSE:  # the close is the summary screen
            self.close()
            return
        self._record(self._timing_event(ended=self.clock.now()), also=[events.set_fields(phase=self.session.phase + 1)])
        self._fold()
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
        self._fold()
        self._undo.clear()

    # --- rounds and cards -------------------------------------------------------------------

    def _phase_decks(self) -> list[str]:
        """The decks this phase draws from, taking turns; the customer's own words take a turn
        in every phase, when the session has them."""
        decks = self.phase.decks or self.session.decks
        return [*decks, EVIDENCE_DECK] if self.session.evidence else list(decks)

    def _start_round(self, also: Iterable[events.Event] = ()) -> None:
        number = len(self.session.rounds)
        extra = list(also)
        fields: dict[str, Any]
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

    def _wanted_kinds(self, instead_of: Round | None = None) -> list[CardKind]:
        """The kinds of card the next round (or a new card for `instead_of`) should show.

        The plan's `kinds` for the phase when it gives them; a warm-up without them shows
        stimulus and perspective cards, to loosen the room up before it meets its routines. A
        phase shows every kind it names by its last rounds: when as many rounds are left as named
        kinds are still unseen, the draw asks for those alone. So a diverge phase (whose kinds, if
        any, include routine cards) shows a routine card at the latest in its last round, tying
        the trait to at least one of the team's routines (the forced connection the method is
        about), and a phase that names journey cards walks at least one moment of the journey.
        The drawer falls back to any kind when the decks have none of those asked for.
        """
        phase = self.phase
        kinds = list(phase.kinds)
        if phase.kind is PhaseKind.WARM_UP and not kinds:
            return [CardKind.STIMULUS, CardKind.PERSPECTIVE]
        promised = [k for k in kinds if k is not CardKind.ROUTINE or self.session.routines]
        if phase.kind is PhaseKind.DIVERGE and not kinds and self.session.routines:
            promised = [CardKind.ROUTINE]
        earlier = [r for r in self.rounds_in_phase() if instead_of is None or r.index != instead_of.index]
        seen = {r.kind.value for r in earlier}
        unseen = [k for k in promised if k.value not in seen]
        if unseen and phase.rounds - len(earlier) <= len(unseen):
            return unseen
        return kinds

    def _drawn_fields(self, instead_of: Round | None = None) -> dict[str, Any]:
        """A new card for a round; in place of `instead_of`, from its deck and with its routine."""
        shown = self._as_drawn(instead_of) if instead_of is not None else None
        kinds = self._wanted_kinds(instead_of)
        if shown is not None:
            drawn = self.drawer.redraw(shown, kinds)
        else:
            drawn = self.drawer.draw(self._phase_decks(), kinds)
        said = drawn.deck.id == EVIDENCE_DECK
        return {
            "kind": PromptKind.EVIDENCE if said else PromptKind(drawn.card.kind.value),
            "text": drawn.text,
            "deck": drawn.deck.id,
            "prompt": drawn.card.id,
            "routine": drawn.routine,
            "moment": drawn.moment,
            "origin": drawn.card.source if said else None,
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
        return DrawnCard(deck, deck.card(shown.prompt), shown.routine, shown.moment)

    def skip_card(self) -> None:
        self.replace_card(restart=True)

    def draw_another(self) -> None:
        self.replace_card(restart=False)

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
from dataclasses import dataclass

from facilitator.draw import CardDrawer
from facilitator.engine import events
from facilitator.engine.clock import Clock, SystemClock
from facilitator.engine.countdown import Countdown, CountdownState
from facilitator.models import (
    ROUND_PHASES,
    Action,
    ActionStatus,
    Cluster,
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
from facilitator.store import ActionRow, Store

BUILD_ON_TEMPLATE = "Build on this: “{idea}”. What would make it happen next week?"
BUILD_ON_QUOTE = 200
"""A build-on card quotes this much of a long idea; the idea itself keeps every character."""
_AUTHOR = re.compile(r"^@(\S+)\s+(.*)$|^(.*?)\s+@(\S+)$", re.DOTALL)


@dataclass(frozen=True)
class Target:
    """Something the room votes on: a cluster, or an idea in no cluster."""

    id: str
    label: str
    routine: str | None
    ideas: tuple[str, ...]
    is_cluster: bool


def recovered(session: Session, store: Store) -> Session:
    """A live session as it stands with its journal replayed: what it holds after a crash."""
    journaled = store.journal(session.id).events()
    if not journaled:
        return session
    copy = session.model_copy(deep=True)
    for event in journaled:
        events.apply(copy, event)
    return copy


class LiveSession:
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
            if done.deck and done.prompt:
                self.drawer.mark_shown(done.deck, done.prompt)
        self.countdown = Countdown(self.clock, self._round_seconds())
        self.builds_on: str | None = None
        self.next_card_from: str | None = None
        self._undo: list[list[events.Event]] = []
        self._group: list[events.Event] | None = None

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
        return live

    def _record(self, event: events.Event, *, undoable: bool = False) -> None:
        if undoable:
            undo = events.inverse(self.session, event)
            if undo is not None:
                if self._group is not None:
                    self._group.insert(0, undo)
                else:
                    self._undo.append([undo])
        self.journal.append(event)
        events.apply(self.session, event)

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

    def _drawn_fields(self) -> dict:
        drawn = self.drawer.draw(self._phase_decks())
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
        self._record(events.put("round", current.model_copy(update=self._drawn_fields())))
        if restart:
            self.countdown = Countdown(self.clock, current.seconds)
            self.countdown.start()

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
        """`@Ana idea` or `idea @Ana` -> ("idea", "Ana"); a known participant's name is completed."""
        match = _AUTHOR.match(text.strip())
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
        for event in self._undo.pop():
            self._record(event)
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # --- converge ---------------------------------------------------------------------------

    def cluster_of(self, idea_id: str) -> Cluster | None:
        return next((c for c in self.session.clusters if idea_id in c.ideas), None)

    def join(self, idea_ids: Sequence[str], name: str | None = None) -> Cluster:
        """Group ideas; joining an idea that is already in a cluster brings the others into it."""
        target = next((c for idea in idea_ids if (c := self.cluster_of(idea))), None)
        if target is None:
            first = self.idea(idea_ids[0])
            target = Cluster(name=name or first.text[:60], routine=first.routine)
        members = list(target.ideas)
        with self._one_step():
            for idea_id in idea_ids:
                other = self.cluster_of(idea_id)
                if other is not None and other.id != target.id:
                    self._leave(other, idea_id)
                if idea_id not in members:
                    members.append(idea_id)
            cluster = target.model_copy(update={"ideas": members, "name": name or target.name})
            self._record(events.put("cluster", cluster), undoable=True)
        return cluster

    def _leave(self, cluster: Cluster, idea_id: str) -> None:
        rest = [i for i in cluster.ideas if i != idea_id]
        if rest:
            self._record(events.put("cluster", cluster.model_copy(update={"ideas": rest})), undoable=True)
        else:
            self._record(events.remove("cluster", cluster.id), undoable=True)

    def ungroup(self, idea_id: str) -> None:
        cluster = self.cluster_of(idea_id)
        if cluster is not None:
            self._leave(cluster, idea_id)

    def rename_cluster(self, cluster_id: str, name: str) -> None:
        cluster = next(c for c in self.session.clusters if c.id == cluster_id)
        self._record(events.put("cluster", cluster.model_copy(update={"name": name})), undoable=True)

    def set_routine(self, target_id: str, routine: str | None) -> None:
        """Say in which routine an idea or a cluster would happen."""
        for cluster in self.session.clusters:
            if cluster.id == target_id:
                self._record(events.put("cluster", cluster.model_copy(update={"routine": routine})), undoable=True)
                return
        idea = self.idea(target_id)
        self._record(events.put("idea", idea.model_copy(update={"routine": routine})), undoable=True)

    # --- vote -------------------------------------------------------------------------------

    def targets(self) -> list[Target]:
        clustered = {i for c in self.session.clusters for i in c.ideas}
        found = [Target(c.id, c.name, c.routine, tuple(c.ideas), True) for c in self.session.clusters]
        found += [
            Target(i.id, i.text, i.routine, (i.id,), False) for i in self.session.ideas if i.id not in clustered
        ]
        return found

    @property
    def budget(self) -> int:
        return max(len(self.session.participants), 1) * self.session.dots_per_participant

    def dots(self, target_id: str) -> int:
        return next((v.dots for v in self.session.votes if v.target == target_id), 0)

    @property
    def dots_left(self) -> int:
        """Dots on ideas or clusters that are gone (deleted, ungrouped) go back to the room."""
        live_targets = {t.id for t in self.targets()}
        return self.budget - sum(v.dots for v in self.session.votes if v.target in live_targets)

    def add_dot(self, target_id: str) -> bool:
        if self.dots_left <= 0:
            return False
        self._record(events.vote(target_id, self.dots(target_id) + 1), undoable=True)
        return True

    def remove_dot(self, target_id: str) -> bool:
        if self.dots(target_id) <= 0:
            return False
        self._record(events.vote(target_id, self.dots(target_id) - 1), undoable=True)
        return True

    def results(self) -> list[tuple[Target, int]]:
        """Targets by dots, most first; ties keep the order they were found in."""
        scored = [(t, self.dots(t.id)) for t in self.targets()]
        return sorted(scored, key=lambda pair: -pair[1])

    # --- act --------------------------------------------------------------------------------

    def draft_actions(self, top: int = 5) -> list[Action]:
        """Turn the top-voted items into action drafts (the one place ideas become actions)."""
        drafted = []
        for target, dots in self.results()[:top]:
            if dots <= 0:
                break
            action = Action(
                text=target.label,
                routine=target.routine,
                source_ideas=list(target.ideas),
                session=self.session.id,
                created=self.clock.now(),
            )
            self._record(events.put("action", action))
            drafted.append(action)
        return drafted

    def save_action(self, action: Action) -> None:
        """Store an action as edited (it was validated when it was built)."""
        self._record(events.put("action", action.model_copy(update={"session": self.session.id})), undoable=True)

    def new_action(self) -> Action:
        action = Action(text="New action", session=self.session.id, created=self.clock.now())
        self._record(events.put("action", action), undoable=True)
        return action

    def remove_action(self, action_id: str) -> None:
        self._record(events.remove("action", action_id), undoable=True)

    # --- follow-up --------------------------------------------------------------------------

    def earlier_open_actions(self) -> list[ActionRow]:
        """The team's open actions from earlier sessions, for the follow-up phase."""
        rows = self.store.actions(team=self.session.team)
        started = self.session.created
        return [
            r
            for r in rows
            if r.session.id != self.session.id
            and r.session.created <= started
            # still open, or settled during this follow-up (so the room sees what it just marked)
            and (r.action.status is ActionStatus.OPEN or (r.action.closed is not None and r.action.closed >= started))
        ]

    def mark_earlier(self, action_id: str, status: ActionStatus) -> ActionRow:
        return self.store.set_action_status(action_id, status)

    @property
    def paused(self) -> bool:
        return self.countdown.state is CountdownState.PAUSED

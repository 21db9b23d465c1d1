"""A live session on a real store with the shipped plans and decks, opened and reopened with one
fake clock: what the engine tests share."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from facilitator.catalog import load_decks, load_plans
from facilitator.engine.live import LiveSession
from facilitator.models import (
    Action,
    ActionStatus,
    Deck,
    Idea,
    Plan,
    Session,
    SessionStatus,
)
from facilitator.store import Store
from tests.fakes import FakeClock

PARTICIPANTS = ["Ana", "Ben", "Chris"]
ROUTINES = ["daily stand-up", "weekly team meeting", "one-to-ones"]

# quick-reflection: warm-up 2' (1 round), diverge 6' (3 rounds), converge 3', vote 2', act 5', close 2'
WARM_UP, DIVERGE, CONVERGE, VOTE, ACT, CLOSE = range(6)
ROUND_SECONDS = 120


class Room:
    """Opens sessions on one store path with one clock, and reopens them as after a crash."""

    def __init__(self, store_path: Path, clock: FakeClock) -> None:
        self.store_path = store_path
        self.clock = clock
        self.store = Store(store_path)
        self.decks = load_decks()
        self.plans = load_plans()

    def plan(self, plan_id: str) -> Plan:
        return self.plans.get(plan_id)

    def decks_for(self, plan: Plan) -> list[Deck]:
        return [self.decks.get(deck_id) for deck_id in plan.decks]

    def session(self, plan_id: str = "quick-reflection", **fields) -> Session:
        plan = self.plan(plan_id)
        values = dict(
            title="Support weekly",
            team="Support",
            participants=list(PARTICIPANTS),
            plan=plan.id,
            decks=list(plan.decks),
            routines=list(ROUTINES),
            seed=7,
            created=self.clock.now(),
        )
        values.update(fields)
        return Session(**values)

    def start(self, plan_id: str = "quick-reflection", **fields) -> LiveSession:
        plan = self.plan(plan_id)
        return LiveSession.start(self.session(plan_id, **fields), plan, self.decks_for(plan), self.store, self.clock)

    def reopen(self, session_id: str) -> LiveSession:
        """What a new process sees: a fresh store on the same file, the snapshot plus its journal."""
        store = Store(self.store_path)
        session = store.session(session_id)
        plan = self.plan(session.plan)
        return LiveSession.resume(session, plan, self.decks_for(plan), store, self.clock)

    def snapshot(self, session_id: str) -> Session:
        """The session as folded into the store, without its journal."""
        return Store(self.store_path).session(session_id)

    def journal_length(self, live: LiveSession) -> int:
        return len(self.store.journal(live.session.id).events())


def add_ideas(live: LiveSession, *texts: str) -> list[Idea]:
    ideas = [live.add_idea(text) for text in texts]
    assert all(ideas)
    return ideas  # type: ignore[return-value]



def earlier_session(
    room: Room,
    session_id: str,
    *,
    days_ago: int,
    team: str = "Support",
    actions=(),
    closed_days_ago: int | None = None,
) -> Session:
    """A finished session of `days_ago`; its actions are open, or done `closed_days_ago`."""
    closed = None if closed_days_ago is None else room.clock.now() - timedelta(days=closed_days_ago)
    status = ActionStatus.OPEN if closed is None else ActionStatus.DONE
    session = room.session(
        id=session_id,
        team=team,
        status=SessionStatus.CLOSED,
        created=room.clock.now() - timedelta(days=days_ago),
        actions=[Action(id=a, text=f"Action {a}", session=session_id, status=status, closed=closed) for a in actions],
    )
    room.store.save_session(session)
    return session

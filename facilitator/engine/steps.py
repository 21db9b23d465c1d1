"""What the parts of `LiveSession` may rely on from the session they belong to."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

from facilitator.engine import events
from facilitator.engine.clock import Clock
from facilitator.engine.countdown import Countdown
from facilitator.models import Idea, Phase, Plan, Session
from facilitator.store import Store


class Steps:
    """Base of the mixins that make up `LiveSession`; the session provides these."""

    session: Session
    plan: Plan
    store: Store
    clock: Clock
    countdown: Countdown

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
        raise NotImplementedError

    def _one_step(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    @property
    def phase(self) -> Phase:
        raise NotImplementedError

    def idea(self, idea_id: str) -> Idea:
        raise NotImplementedError

    def results(self) -> list:
        raise NotImplementedError

"""What the parts of `LiveSession` may rely on from the session they belong to."""

from __future__ import annotations

from contextlib import AbstractContextManager

from facilitator.engine import events
from facilitator.engine.clock import Clock
from facilitator.models import Idea, Session
from facilitator.store import Store


class Steps:
    """Base of the mixins that make up `LiveSession`; the session provides these."""

    session: Session
    store: Store
    clock: Clock

    def _record(self, event: events.Event, *, undoable: bool = False, undo_key: object = None) -> None:
        raise NotImplementedError

    def _one_step(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def idea(self, idea_id: str) -> Idea:
        raise NotImplementedError

    def results(self) -> list:
        raise NotImplementedError

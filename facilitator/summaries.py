"""What the review, action and progress views show of a session: one row each, without the session.

Plain dataclasses, read from the store's index in a few milliseconds at any size; pydantic is not
loaded for them, so a command that only lists starts as fast as `facilitator --help`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from facilitator.vocabulary import ActionStatus, Cadence, SessionStatus

if TYPE_CHECKING:
    from facilitator.models import ActionState


@dataclass(slots=True)
class SessionSummary:
    """One saved session as the lists show it."""

    id: str
    created: datetime
    updated: datetime
    title: str
    team: str
    facilitator: str
    plan: str
    decks: tuple[str, ...]
    routines: tuple[str, ...]
    status: SessionStatus
    ideas: int
    clusters: int
    actions: int
    done: int
    open: int
    dropped: int
    revision: int = 0
    damage: tuple[str, ...] = ()
    """Fields of the stored document that could not be read, in plain words; empty when whole."""
    owners: tuple[str, ...] = ()
    """The owners of the session's actions, for type-to-filter."""
    roti: tuple[int, ...] = ()
    """The room's return-on-time-invested scores from the close, 1 to 5 each."""
    follow_up_on: date | None = None
    """When the team agreed to meet again about the actions."""

    @property
    def damaged(self) -> bool:
        return bool(self.damage)


@dataclass(slots=True)
class ActionSummary:
    """One action of a saved session, as the action views list it."""

    id: str
    session: str
    text: str
    owner: str | None
    routine: str | None
    cadence: Cadence
    due: date | None
    measure: str | None
    status: ActionStatus
    created: datetime
    closed: datetime | None = None
    committed: bool = False
    """Its owner said it aloud at the close."""

    def is_overdue(self, today: date) -> bool:
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < today

    @property
    def state(self) -> ActionState:
        """What a change checks against: the action as the person saw it."""
        from facilitator.models import ActionState

        return ActionState(status=self.status, owner=self.owner, due=self.due)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action with the session it came from, as listed across sessions."""

    action: ActionSummary
    session: SessionSummary

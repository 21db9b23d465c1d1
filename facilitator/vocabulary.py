"""The workshop's fixed words: kinds of card and phase, cadences and statuses.

Plain enums, apart from the pydantic models, so that the command line can offer them (in
`--help`, as choices) without loading pydantic.
"""

from __future__ import annotations

from enum import StrEnum


class CardKind(StrEnum):
    """The kinds of card a deck file may hold."""

    QUESTION = "question"
    ROUTINE = "routine"
    PERSPECTIVE = "perspective"
    STIMULUS = "stimulus"


class PromptKind(StrEnum):
    """What a round showed: a deck card's kind, or a card the app built from an idea."""

    QUESTION = "question"
    ROUTINE = "routine"
    PERSPECTIVE = "perspective"
    STIMULUS = "stimulus"
    BUILD_ON = "build-on"


class PhaseKind(StrEnum):
    FOLLOW_UP = "follow-up"
    WARM_UP = "warm-up"
    DIVERGE = "diverge"
    CONVERGE = "converge"
    VOTE = "vote"
    ACT = "act"
    CLOSE = "close"


class Cadence(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class SessionStatus(StrEnum):
    LIVE = "live"
    CLOSED = "closed"
    ARCHIVED = "archived"
    """Abandoned while live and put away from the home screen; kept, never deleted."""


ROUND_PHASES = (PhaseKind.WARM_UP, PhaseKind.DIVERGE)

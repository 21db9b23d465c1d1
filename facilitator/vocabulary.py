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
    REVERSAL = "reversal"
    """The question turned round: how would we make sure the customer never comes up?"""
    JOB = "job"
    """A moment in the customer's own life: the job they hire us (or something else) for."""
    JOURNEY = "journey"
    """A card with the `{moment}` slot, filled with a moment of the customer's journey."""
    TRY_IT = "try-it"
    """A small experiment for this week: shadow the help desk, sign up as a stranger."""


JOURNEY_MOMENTS: tuple[str, ...] = ("first contact", "signing up", "first invoice", "first problem", "renewal", "leaving")
"""The customer-journey moments a journey card's `{moment}` slot takes in turn."""

MOMENTS_IN: dict[str, tuple[str, ...]] = {
    "en": JOURNEY_MOMENTS,
    "nl": ("het eerste contact", "het aanmelden", "de eerste factuur", "het eerste probleem", "de verlenging", "het vertrek"),
}
"""The moments in each language a deck may be written in; a deck in another language takes English."""


def moments_for(language: str) -> tuple[str, ...]:
    """The journey moments for a deck in `language` (`nl-BE` takes `nl`'s)."""
    return MOMENTS_IN.get(language) or MOMENTS_IN.get(language.split("-")[0]) or JOURNEY_MOMENTS


class RoutineFit(StrEnum):
    """The kinds of routine a routine card may be limited to (`fits`), so that a card written for
    a group meeting never meets a one-to-one."""

    MEETINGS = "meetings"
    """Group meetings: team and management meetings, reviews, all-hands."""
    CEREMONIES = "ceremonies"
    """The team's working rituals: stand-up, planning, sprint review, retrospective, triage."""
    ONE_TO_ONES = "one-to-ones"
    """Two people talking: one-to-ones, coaching, performance reviews."""
    PEOPLE = "people"
    """Bringing people in and growing them: hiring, onboarding, performance reviews."""
    OWN_WEEK = "own-week"
    """The leader's own calendar, habits and time."""
    ANY = "any"
    """Any routine at all; the same as leaving `fits` out."""


class PromptKind(StrEnum):
    """What a round showed: a deck card's kind, or a card the app built from an idea."""

    QUESTION = "question"
    ROUTINE = "routine"
    PERSPECTIVE = "perspective"
    STIMULUS = "stimulus"
    REVERSAL = "reversal"
    JOB = "job"
    JOURNEY = "journey"
    TRY_IT = "try-it"
    EVIDENCE = "evidence"
    """A customer's own words from the evidence the session was run with."""
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


KIND_LABELS: dict[PromptKind, str] = {
    PromptKind.QUESTION: "QUESTION",
    PromptKind.ROUTINE: "ROUTINE",
    PromptKind.PERSPECTIVE: "PERSPECTIVE",
    PromptKind.STIMULUS: "ASSOCIATE FREELY WITH",
    PromptKind.REVERSAL: "TURN IT ROUND",
    PromptKind.JOB: "THE CUSTOMER'S JOB",
    PromptKind.JOURNEY: "CUSTOMER JOURNEY",
    PromptKind.TRY_IT: "TRY IT THIS WEEK",
    PromptKind.EVIDENCE: "A CUSTOMER SAID",
    PromptKind.BUILD_ON: "BUILD ON",
}
"""The heading of each kind of card, on the wall and on a participant's phone."""

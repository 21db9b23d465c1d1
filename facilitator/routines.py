"""The team's daily routines: where the customer should enter the work.

A built-in list serves every team until it keeps its own: a `routines.txt` in the user config
folder (one routine a line; `#` at the start of a line or after a space starts a comment) replaces it, and each session keeps the list it
was run with.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from facilitator.catalog import user_dir
from facilitator.vocabulary import RoutineFit

DEFAULT_ROUTINES: tuple[str, ...] = (
    "daily stand-up",
    "weekly team meeting",
    "one-to-ones",
    "planning and prioritisation",
    "budget or forecast review",
    "monthly business review",
    "management team meeting",
    "hiring interviews",
    "onboarding of new staff",
    "sprint review or demo",
    "retrospective",
    "incident review or post-mortem",
    "support queue triage",
    "product roadmap review",
    "all-hands or town hall",
    "performance reviews",
    "project kick-off",
    "the leader's own calendar week",
)


_MEET, _CERE, _ONE, _PEOPLE, _OWN = (
    RoutineFit.MEETINGS,
    RoutineFit.CEREMONIES,
    RoutineFit.ONE_TO_ONES,
    RoutineFit.PEOPLE,
    RoutineFit.OWN_WEEK,
)
KIND_WORDS: tuple[tuple[str, frozenset[RoutineFit]], ...] = (
    # Read top to bottom; a routine takes the kinds of every pattern found in its name. English
    # first, then Dutch, the language of the second shipped deck.
    (r"stand-? ?up|daily scrum|sprint|retro|\bdemos?\b|planning|prioriti|refinement|backlog|kick-? ?off|post-? ?mortem|incident|triage|weekstart", frozenset({_CERE, _MEET})),
    (r"meeting|review|all-? ?hands|town ?hall|\bboard\b|council|forecast|budget|steering|offsite|workshop|huddle|overleg|vergadering|bespreking|beraad", frozenset({_MEET})),
    (r"one-to-one|one on one|1[:-]1|1-on-1|coaching|mentoring|(één|een|1)-op-(één|een|1)|coachgesprek|voortgangsgesprek", frozenset({_ONE, _PEOPLE})),
    (r"performance|appraisal|functioneringsgesprek|beoordelingsgesprek", frozenset({_ONE, _PEOPLE})),
    (r"hiring|interview|recruit|onboarding|induction|new (staff|starters|hires)|exit talk|training|sollicitatie|werving|inwerken|introductie", frozenset({_PEOPLE})),
    (r"calendar|own week|diary|inbox|my week|own time|leader's own|eigen agenda|eigen week|mijn week", frozenset({_OWN})),
)
"""What kind of routine a name is, by the words in it, for the cards' `fits`."""

_REVIEW_OF_PEOPLE = re.compile(r"performance|appraisal|functionerings|beoordelings")


@cache
def kinds_of(routine: str) -> frozenset[RoutineFit]:
    """The kinds of routine this one is, read from its words ("weekly team meeting" is a meeting;
    "performance reviews" are one-to-ones about people, not a meeting). A name with none of the
    words is of no known kind: only cards that suit any routine are drawn for it."""
    name = routine.casefold().replace("’", "'")
    kinds: set[RoutineFit] = set()
    for pattern, found in KIND_WORDS:
        if re.search(pattern, name):
            kinds |= found
    if _REVIEW_OF_PEOPLE.search(name) and not re.search(r"meeting", name):
        kinds.discard(_MEET)  # a performance review is a conversation, not a meeting
    return frozenset(kinds)


def user_routines_file() -> Path:
    return user_dir("routines.txt")


def parse_routines(text: str) -> list[str]:
    """One routine a line; blank lines, comments and repeats are dropped, order kept."""
    routines: list[str] = []
    for line in text.splitlines():
        routine = re.split(r"\s#", line, maxsplit=1)[0].strip()  # "C# review" keeps its #
        if routine.startswith("#"):
            continue
        if routine and routine.casefold() not in {r.casefold() for r in routines}:
            routines.append(routine)
    return routines


def default_routines(path: Path | None = None) -> list[str]:
    """The user's own list if there is a readable, non-empty one, else the built-in list."""
    path = path or user_routines_file()
    try:
        own = parse_routines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        own = []
    return own or list(DEFAULT_ROUTINES)

"""The team's daily routines: where the customer should enter the work.

A built-in list serves every team until it keeps its own: a `routines.txt` in the user config
folder (one routine a line; `#` at the start of a line or after a space starts a comment) replaces it, and each session keeps the list it
was run with.
"""

from __future__ import annotations

import re
from pathlib import Path

from facilitator.catalog import user_dir

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
    "incident review or post-mortem",
    "support queue triage",
    "product roadmap review",
    "all-hands or town hall",
    "performance reviews",
    "project kick-off",
    "the leader's own calendar week",
)


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

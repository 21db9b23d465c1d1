"""The close of a session and what a follow-up makes of it, in words every view shares: the
room's return on the time it invested (ROTI), the follow-up date, and what a measure showed.

Plain Python, loaded by the screens, the exports and the reports alike.
"""

from __future__ import annotations

from collections.abc import Sequence

MEASURE_WORDS = {True: "the measure showed it worked", False: "the measure showed it did not work", None: "not measured yet"}
"""What a follow-up reflection found about an action's measure, in words."""

FOLLOW_UP_WEEKS = 4
"""The follow-up date offered at check-out: four weeks on gives actions time to show."""


def parse_roti(raw: str) -> list[int] | str:
    """Scores from 1 to 5 separated by spaces or commas, or the one-line reason they cannot be used."""
    scores: list[int] = []
    for word in raw.replace(",", " ").split():
        if not word.isdigit() or not 1 <= int(word) <= 5:
            return f"“{word}” is not a score: give each person's 1 to 5, like 4 5 3"
        scores.append(int(word))
    return scores


def roti_mean(scores: Sequence[int]) -> str:
    """`4.2`, or an empty string when the room was not asked."""
    return f"{sum(scores) / len(scores):.1f}" if scores else ""


def roti_line(scores: Sequence[int]) -> str:
    """`4.2 of 5 from 6 people (1 × 3, 3 × 4, 2 × 5)`."""
    if not scores:
        return "not asked"
    spread = ", ".join(f"{scores.count(n)} × {n}" for n in range(1, 6) if scores.count(n))
    people = "1 person" if len(scores) == 1 else f"{len(scores)} people"
    return f"{roti_mean(scores)} of 5 from {people} ({spread})"

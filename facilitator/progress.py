"""How a team keeps its commitments: actions made, done, dropped and still open, over time.

Plain Python over the store's rows (`SessionSummary`, `ActionRow`), so that the command line, the
progress screen and the HTML report count the same way. Only closed sessions count: the actions of
a live or archived session were never agreed. A session's date is its creation date, local time,
as every screen shows it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.text import clean
from facilitator.vocabulary import ActionStatus, SessionStatus

OTHER = "Other"
"""Where an action without a routine, or a session without decks, is counted."""
COUNTED = frozenset({SessionStatus.CLOSED})
"""Sessions whose actions were agreed, and so count as commitments."""
ALL_TEAMS = "All teams"
NO_TEAM = "No team"
TITLE_CELLS = 40
"""The widest a session title gets in the text report; longer ones end in `…`."""


@dataclass(frozen=True, slots=True)
class Tally:
    """Actions counted by status; `made` is all of them."""

    done: int = 0
    dropped: int = 0
    open: int = 0

    @property
    def made(self) -> int:
        return self.done + self.dropped + self.open

    @property
    def rate(self) -> float | None:
        """Done out of made (a dropped action was not completed); None when nothing was made."""
        return self.done / self.made if self.made else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.done + other.done, self.dropped + other.dropped, self.open + other.open)


@dataclass(frozen=True, slots=True)
class SessionPoint:
    """One closed session on the time line, with what became of its actions."""

    session: str
    day: date
    title: str
    team: str
    tally: Tally
    roti: tuple[int, ...] = ()
    """The room's return on the time it invested, one score a person (empty: not asked)."""


@dataclass(frozen=True, slots=True)
class Share:
    """The actions of one routine or one trait."""

    name: str
    tally: Tally


@dataclass(frozen=True, slots=True)
class Progress:
    """Everything the chart, the tables and the reports show for one choice of team and dates."""

    team: str | None
    sessions: tuple[SessionPoint, ...] = ()
    """Oldest first."""
    routines: tuple[Share, ...] = ()
    traits: tuple[Share, ...] = ()
    """An action counts once for each trait its session's decks cover, so these may add up to more
    than the total."""

    @property
    def total(self) -> Tally:
        return sum((p.tally for p in self.sessions), Tally())

    def by_team(self) -> dict[str, tuple[SessionPoint, ...]]:
        """The sessions of each team, teams in alphabetical order."""
        groups: dict[str, list[SessionPoint]] = {}
        names: dict[str, str] = {}
        for point in self.sessions:
            key = point.team.casefold()
            names.setdefault(key, point.team)
            groups.setdefault(key, []).append(point)
        return {names[key]: tuple(groups[key]) for key in sorted(groups)}


def session_day(summary: SessionSummary) -> date:
    """The date a session is listed under: its creation, in local time."""
    return summary.created.astimezone().date()


def team_label(team: str | None) -> str:
    """`Blue`, `All teams` for no filter, `No team` for sessions without one."""
    if team is None:
        return ALL_TEAMS
    return clean(team) or NO_TEAM


def rate_text(tally: Tally) -> str:
    """`67%`, or `–` when nothing was made."""
    rate = tally.rate
    return "–" if rate is None else f"{round(rate * 100)}%"


def teams(summaries: Iterable[SessionSummary]) -> list[str]:
    """The teams of the counted sessions, each once (names differing only in case are one team,
    spelt as in its earliest session), alphabetically; `""` stands for sessions without a team."""
    found: dict[str, str] = {}
    for summary in sorted(summaries, key=lambda s: (s.created, s.id)):
        if summary.status in COUNTED:
            found.setdefault(summary.team.casefold(), summary.team)
    return [found[key] for key in sorted(found)]


def _in_scope(summary: SessionSummary, team: str | None, since: date | None, until: date | None) -> bool:
    if summary.status not in COUNTED:
        return False
    if team is not None and summary.team.casefold() != team.casefold():
        return False
    day = session_day(summary)
    return (since is None or day >= since) and (until is None or day <= until)


@dataclass
class _Counter:
    """A tally being counted, under the first spelling of its name."""

    name: str
    counts: dict[ActionStatus, int] = field(default_factory=dict)

    def add(self, status: ActionStatus) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    def tally(self) -> Tally:
        get = self.counts.get
        return Tally(done=get(ActionStatus.DONE, 0), dropped=get(ActionStatus.DROPPED, 0), open=get(ActionStatus.OPEN, 0))


def _count(counters: dict[str, _Counter], name: str, status: ActionStatus) -> None:
    key = name.casefold()
    if key not in counters:
        counters[key] = _Counter(name)
    counters[key].add(status)


def _shares(counters: dict[str, _Counter]) -> tuple[Share, ...]:
    """Alphabetical, with `Other` last."""
    ordered = sorted(counters.values(), key=lambda c: (c.name == OTHER, c.name.casefold()))
    return tuple(Share(c.name, c.tally()) for c in ordered)


def progress(
    summaries: Iterable[SessionSummary],
    rows: Iterable[ActionRow | ActionSummary],
    traits: Mapping[str, str] | None = None,
    *,
    team: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Progress:
    """Count the actions of the closed sessions that match the filters.

    Args:
        summaries: the sessions; an action whose session is not among them is left out.
        rows: the actions, with their session or its id.
        traits: deck id → trait name; a deck not in it counts under its own id.
        team: only this team (any case); None for every team, `""` for sessions without one.
        since: only sessions on or after this date; until: on or before it.
    """
    traits = traits or {}
    chosen = sorted(
        (s for s in summaries if _in_scope(s, team, since, until)),
        key=lambda s: (s.created, s.id),
    )
    by_session: dict[str, _Counter] = {s.id: _Counter(s.id) for s in chosen}
    session_traits = {s.id: _trait_names(s.decks, traits) for s in chosen}
    routines: dict[str, _Counter] = {}
    trait_counters: dict[str, _Counter] = {}
    for row in rows:
        action = row.action if isinstance(row, ActionRow) else row
        counter = by_session.get(action.session)
        if counter is None:
            continue
        counter.add(action.status)
        _count(routines, clean(action.routine or "").strip() or OTHER, action.status)
        for name in session_traits[action.session]:
            _count(trait_counters, name, action.status)
    points = tuple(
        SessionPoint(s.id, session_day(s), clean(s.title), clean(s.team), by_session[s.id].tally(), s.roti)
        for s in chosen
    )
    return Progress(team, points, _shares(routines), _shares(trait_counters))


def _trait_names(decks: Sequence[str], traits: Mapping[str, str]) -> tuple[str, ...]:
    """The traits a session's decks cover, each once, in deck order; `Other` without decks."""
    names: dict[str, str] = {}
    for deck in decks:
        name = clean(traits.get(deck, deck)).strip() or deck
        names.setdefault(name.casefold(), name)
    return tuple(names.values()) or (OTHER,)


# --- the text report ----------------------------------------------------------------------------


def _cells(text: str) -> int:
    """Columns a terminal gives `text`: wide East Asian characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _shorten(text: str, cells: int) -> str:
    if _cells(text) <= cells:
        return text
    kept = ""
    for char in text:
        if _cells(kept + char) > cells - 1:
            break
        kept += char
    return kept + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str | int]], *, text_columns: int = 1) -> list[str]:
    """Aligned columns, two spaces apart: the first `text_columns` left, numbers right."""
    cells = [list(headers), *[[str(c) for c in row] for row in rows]]
    widths = [max(_cells(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = []
        for index, (cell, width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - _cells(cell))
            parts.append(cell + pad if index < text_columns else pad + cell)
        lines.append("  ".join(parts).rstrip())
    return lines


def _team_heading(team: str) -> str:
    return f"Team {clean(team)}" if team else NO_TEAM


def _tally_cells(tally: Tally) -> list[str | int]:
    return [tally.made, tally.done, tally.dropped, tally.open, rate_text(tally)]


def _share_table(heading: str, shares: Sequence[Share]) -> list[str]:
    if not shares:
        return [heading, "No actions."]
    rows = [[clean(s.name), *_tally_cells(s.tally)] for s in shares]
    return [heading, *_table((heading.removeprefix("By ").upper(), "MADE", "DONE", "DROPPED", "OPEN", "DONE %"), rows)]


def stats_text(
    summaries: Iterable[SessionSummary],
    rows: Iterable[ActionRow | ActionSummary],
    traits: Mapping[str, str] | None = None,
    *,
    team: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> str:
    """The report of `facilitator actions stats`: each team's sessions over time, then the actions
    by routine and by trait. Plain text, no colour; arguments as for `progress`."""
    found = progress(summaries, rows, traits, team=team, since=since, until=until)
    if not found.sessions:
        scope = "" if team is None else f" for team {clean(team)}" if team else " without a team"
        dates = (f" from {since}" if since else "") + (f" until {until}" if until else "")
        return f"No closed sessions{scope}{dates}.\n"
    points = found.sessions
    total = found.total
    scope = ALL_TEAMS if team is None else _team_heading(points[0].team)
    count = f"{len(points)} closed session" + ("s" if len(points) != 1 else "")
    span = f"on {points[0].day}" if points[0].day == points[-1].day else f"from {points[0].day} to {points[-1].day}"
    lines = [
        f"{scope}: {count} {span}",
        f"{total.made} actions made: {total.done} done ({rate_text(total)}), {total.dropped} dropped, {total.open} open",
    ]
    for name, team_points in found.by_team().items():
        table = [[p.day.isoformat(), _shorten(p.title, TITLE_CELLS), *_tally_cells(p.tally)[:4]] for p in team_points]
        sums = sum((p.tally for p in team_points), Tally())
        table.append(["total", "", *_tally_cells(sums)[:4]])
        lines += ["", _team_heading(name), *_table(("DATE", "SESSION", "MADE", "DONE", "DROPPED", "OPEN"), table, text_columns=2)]
    lines += ["", *_share_table("By routine", found.routines)]
    lines += ["", *_share_table("By trait", found.traits)]
    return "\n".join(lines) + "\n"

"""What an export writes, for the command line and the review screens alike: one session, a
team's history or an action list, in a format, to a file named safely after its title.

Plain Python; the screens run it on a thread of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.models import Session
    from facilitator.store import Store
    from facilitator.summaries import ActionRow

SUFFIXES = {"md": ".md", "csv": ".csv", "json": ".json", "ics": ".ics", "html": ".html"}
"""Every format, by the name the command line and the screens offer, with its file suffix."""
ACTION_LIST_FORMATS = ("md", "csv", "ics")
"""An action list has no whole sessions to write as JSON, nor a report's chart."""


class CannotExport(ValueError):
    """What was asked cannot be written in that format, said in one line."""


@dataclass(frozen=True)
class Export:
    """What to write, the title its file is named after, and the name if the title gives none."""

    content: str | bytes
    title: str
    fallback: str
    suffix: str

    @property
    def data(self) -> bytes:
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content

    def write_into(self, folder: Path) -> Path:
        """Write it as a new file in `folder` (a taken name gets a number); where it went."""
        from facilitator.filenames import free_path
        from facilitator.files import atomic_write

        target = free_path(folder, self.title, self.suffix, fallback=self.fallback)
        atomic_write(target, self.data)
        return target


def session_export(session: Session, fmt: str, traits: Mapping[str, str] | None = None) -> Export:
    """One session in `fmt`; `traits` (deck id → trait) names the routine map's columns in Markdown."""
    from facilitator import calendar_export, exports

    fallback = f"session-{session.id}"
    if fmt == "ics":
        return Export(calendar_export.sessions_calendar([session]), session.title, fallback, SUFFIXES[fmt])
    if fmt == "html":
        from facilitator.report import session_report

        return Export(session_report(session), session.title, fallback, SUFFIXES[fmt])
    if fmt == "md":
        return Export(exports.markdown(session, traits), session.title, fallback, SUFFIXES[fmt])
    return Export(exports.FORMATS[fmt][1](session), session.title, fallback, SUFFIXES[fmt])


def team_export(store: Store, team: str, fmt: str, traits: Mapping[str, str]) -> Export:
    """A team's whole history (any case of its name), oldest session first.

    Raises:
        CannotExport: the store holds no session of that team.
    """
    from facilitator import calendar_export, exports
    from facilitator.engine.live import fresh_session

    summaries = [s for s in store.summaries() if s.team.casefold() == team.casefold()]
    if not summaries:
        raise CannotExport(f"no sessions of team {team!r}")
    team = summaries[0].team
    title = f"{team} history"
    if fmt == "html":
        from facilitator.report import team_report

        return Export(team_report(team, summaries, store.actions(team=team), traits), title, "team", SUFFIXES[fmt])
    sessions = [fresh_session(store, s.id) for s in reversed(summaries)]
    if fmt == "ics":
        return Export(calendar_export.sessions_calendar(sessions), title, "team", SUFFIXES[fmt])
    return Export(exports.HISTORY_FORMATS[fmt][1](sessions), title, "team", SUFFIXES[fmt])


def actions_export(rows: Sequence[ActionRow], fmt: str) -> Export:
    """A filtered action list.

    Raises:
        CannotExport: JSON and HTML write whole sessions, not a list of actions.
    """
    from facilitator import calendar_export, exports

    if fmt == "ics":
        return Export(calendar_export.rows_calendar(rows), "actions", "actions", SUFFIXES[fmt])
    if fmt not in exports.ACTION_LIST_FORMATS:
        raise CannotExport(f"an action list exports as md, csv or ics; {fmt} exports whole sessions")
    return Export(exports.ACTION_LIST_FORMATS[fmt][1](rows), "actions", "actions", SUFFIXES[fmt])

"""Actions as a calendar (.ics) a team imports into the calendar it already uses.

A recurring action (any cadence but "once") is a recurring all-day event from its due date (or
the session's date when it has none): it shows up in the routine it belongs to, week after week.
A one-off action is a to-do, due on its due date. Each has a stable UID, so importing the file
again updates the entries instead of doubling them. Plain Python on the icalendar library, which
escapes the text; the text has passed the gate (`exports.row_actions` gates the index's text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event, Todo

from facilitator.exports import ActionLike, SessionLike, row_actions, session_actions
from facilitator.models import Session
from facilitator.summaries import ActionRow
from facilitator.vocabulary import ActionStatus, Cadence

PRODID = "-//facilitator//customer-reflection workshops//EN"
UID_DOMAIN = "facilitator"

RECURRENCE: dict[Cadence, dict[str, Any] | None] = {
    Cadence.ONCE: None,  # not a series: a to-do with a due date
    Cadence.DAILY: {"FREQ": "DAILY"},  # every day, from the start
    Cadence.WEEKLY: {"FREQ": "WEEKLY"},  # every week, on the start's weekday
    Cadence.MONTHLY: {"FREQ": "MONTHLY"},  # every month, on the start's day (see `_rule`)
}
"""The RRULE each cadence becomes. A test checks every `Cadence` is here: a new one (fortnightly
would be `{"FREQ": "WEEKLY", "INTERVAL": 2}`) must say how it repeats before it can be exported."""


def sessions_calendar(sessions: Iterable[Session]) -> bytes:
    """Every action of `sessions` as an event or a to-do, in one calendar."""
    return _calendar(session_actions(sessions))


def rows_calendar(rows: Sequence[ActionRow]) -> bytes:
    """Each listed action as an event or a to-do, in one calendar."""
    return _calendar(row_actions(rows))


def _calendar(pairs: Iterable[tuple[ActionLike, SessionLike]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for action, session in pairs:
        calendar.add_component(_entry(action, session))
    return calendar.to_ical()


def _entry(action: ActionLike, session: SessionLike) -> Event | Todo:
    """One action as a recurring event or a to-do.

    DTSTAMP and LAST-MODIFIED say when the session was last saved (or the action closed, if
    later), not when the file is written: RFC 5545 asks for the time the information was last
    revised, a calendar updates an entry it has when that time moves on, and the same store
    gives the same file.
    """
    rule = _rule(action, _day(session.created))
    entry: Event | Todo = Todo() if rule is None else Event()
    revised = max(_utc(session.updated), _utc(action.closed)) if action.closed else _utc(session.updated)
    entry.add("uid", f"{action.id}@{UID_DOMAIN}")
    entry.add("dtstamp", revised)
    entry.add("last-modified", revised)
    entry.add("created", _utc(action.created))
    entry.add("summary", action.text)
    entry.add("description", _description(action, session))
    if rule is None:
        if action.due:
            entry.add("due", action.due)
        if action.status is ActionStatus.DONE and action.closed:
            entry.add("completed", _utc(action.closed))
        entry.add("status", _TODO_STATUS[action.status])
    else:
        start = action.due or _day(session.created)
        entry.add("dtstart", start)
        entry.add("dtend", start + timedelta(days=1))
        entry.add("rrule", rule)
        entry.add("status", _EVENT_STATUS[action.status])
    return entry


_TODO_STATUS = {ActionStatus.OPEN: "NEEDS-ACTION", ActionStatus.DONE: "COMPLETED", ActionStatus.DROPPED: "CANCELLED"}
_EVENT_STATUS = {ActionStatus.OPEN: "CONFIRMED", ActionStatus.DONE: "CONFIRMED", ActionStatus.DROPPED: "CANCELLED"}
"""A done series stays confirmed (an event has no "completed"); its recurrence ends instead."""


def _rule(action: ActionLike, session_day: date) -> dict[str, Any] | None:
    """The action's RRULE parts, or None for a one-off action.

    A monthly action due on the 29th to 31st repeats on that day or the month's last, whichever
    comes first: a plain monthly rule would skip every month too short for it. A done action's
    series ends the day it was closed (or at its first occurrence, if it was closed before it
    began or the store does not say when).
    """
    base = RECURRENCE[action.cadence]
    if base is None:
        return None
    rule = dict(base)
    start = action.due or session_day
    if action.cadence is Cadence.MONTHLY and start.day > 28:
        rule |= {"BYMONTHDAY": [start.day, -1], "BYSETPOS": 1}
    if action.status is ActionStatus.DONE:
        rule["UNTIL"] = max(start, _day(action.closed)) if action.closed else start
    return rule


def _day(moment: datetime) -> date:
    """The calendar day of a stored time, as the other exports date a session."""
    return moment.date()


def _utc(moment: datetime) -> datetime:
    """A stored time in UTC, as DTSTAMP must be; a time without a zone was written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _description(action: ActionLike, session: SessionLike) -> str:
    source = f"{session.title} ({_day(session.created).isoformat()})" + (f", team {session.team}" if session.team else "")
    lines = [
        f"Owner: {action.owner}" if action.owner else "",
        f"Routine: {action.routine}" if action.routine else "",
        f"Cadence: {action.cadence.value}",
        f"We will know by: {action.measure}" if action.measure else "",
        f"Status: {action.status.value}",
        f"From the session: {source}",
    ]
    return "\n".join(line for line in lines if line)

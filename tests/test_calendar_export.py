"""Actions as a calendar: recurring actions repeat as their cadence says, in any calendar that
reads RFC 5545 (checked by parsing the file back and expanding its rules with dateutil); one-off
actions are to-dos due on their day; done and dropped actions say so."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Component

from facilitator.calendar_export import PRODID, RECURRENCE, rows_calendar, sessions_calendar
from facilitator.models import Action, Session
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.vocabulary import ActionStatus, Cadence, SessionStatus

CREATED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SAVED = datetime(2026, 11, 20, 11, 15, tzinfo=UTC)


def _session(*actions: Action) -> Session:
    return Session(id="s1", title="November retro", team="Blue", plan="quick-reflection", status=SessionStatus.CLOSED,
                   created=CREATED, updated=SAVED, actions=list(actions))


def _entries(data: bytes) -> dict[str, Component]:
    """Every event and to-do in a calendar file, by UID, after parsing the file back."""
    calendar = Calendar.from_ical(data)
    assert calendar["PRODID"] == PRODID and calendar["VERSION"] == "2.0"
    return {str(c["UID"]): c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")}


def _dates(event: Component, count: int = 6) -> list[date]:
    """The first `count` days the event falls on, as a calendar expands its RRULE."""
    start = event.decoded("DTSTART")
    assert type(start) is date  # all day
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=datetime.combine(start, time()))
    return [moment.date() for moment in itertools.islice(rule, count)]


EXPECTED = {
    Cadence.ONCE: None,
    Cadence.DAILY: [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)],
    Cadence.WEEKLY: [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)],
    Cadence.MONTHLY: [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)],
}
"""What each cadence gives for an action due 2026-12-01: None for a to-do."""


def test_every_cadence_says_how_it_repeats() -> None:
    assert set(EXPECTED) == set(Cadence) == set(RECURRENCE)


@pytest.mark.parametrize("cadence", list(Cadence))
def test_each_cadence_becomes_the_entry_it_promises(cadence: Cadence) -> None:
    entry = _entries(sessions_calendar([_session(Action(id="a1", text="Call", cadence=cadence, due=date(2026, 12, 1)))]))["a1@facilitator"]

    expected = EXPECTED[cadence]
    if expected is None:
        assert entry.name == "VTODO" and "RRULE" not in entry
        assert entry.decoded("DUE") == date(2026, 12, 1)
    else:
        assert entry.name == "VEVENT"
        assert _dates(entry, 3) == expected
        assert entry.decoded("DTEND") == date(2026, 12, 2)


def test_a_weekly_action_repeats_on_its_weekday_until_it_is_done() -> None:
    open_ = Action(id="w1", text="Customer quote at stand-up", cadence=Cadence.WEEKLY, due=date(2026, 12, 1))
    done = Action(id="w2", text="Call a customer", cadence=Cadence.WEEKLY, due=date(2026, 12, 1), status=ActionStatus.DONE,
                  closed=datetime(2026, 12, 20, 16, 0, tzinfo=UTC))

    entries = _entries(sessions_calendar([_session(open_, done)]))

    assert _dates(entries["w1@facilitator"])[:2] == [date(2026, 12, 1), date(2026, 12, 8)]
    assert "UNTIL" not in entries["w1@facilitator"]["RRULE"]
    assert _dates(entries["w2@facilitator"]) == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
    assert entries["w2@facilitator"]["RRULE"]["UNTIL"] == [date(2026, 12, 20)]
    assert entries["w1@facilitator"]["STATUS"] == entries["w2@facilitator"]["STATUS"] == "CONFIRMED"


def test_a_series_closed_before_it_began_or_without_a_date_keeps_only_its_first_day() -> None:
    early = Action(id="e1", text="x", cadence=Cadence.DAILY, due=date(2026, 12, 1), status=ActionStatus.DONE,
                   closed=datetime(2026, 11, 25, tzinfo=UTC))
    undated = Action(id="e2", text="y", cadence=Cadence.MONTHLY, due=date(2026, 12, 1), status=ActionStatus.DONE)

    entries = _entries(sessions_calendar([_session(early, undated)]))

    assert _dates(entries["e1@facilitator"]) == [date(2026, 12, 1)]
    assert _dates(entries["e2@facilitator"]) == [date(2026, 12, 1)]


def test_a_monthly_action_late_in_the_month_falls_in_every_month() -> None:
    action = Action(id="m1", text="Read the survey", cadence=Cadence.MONTHLY, due=date(2027, 1, 31))
    early = Action(id="m2", text="Read the reviews", cadence=Cadence.MONTHLY, due=date(2027, 1, 28))

    entries = _entries(sessions_calendar([_session(action, early)]))

    assert _dates(entries["m1@facilitator"], 5) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]
    assert _dates(entries["m2@facilitator"], 3) == [date(2027, 1, 28), date(2027, 2, 28), date(2027, 3, 28)]
    assert "BYSETPOS" not in entries["m2@facilitator"]["RRULE"]


def test_a_recurring_action_without_a_due_date_starts_on_the_session_day() -> None:
    entry = _entries(sessions_calendar([_session(Action(id="n1", text="x", cadence=Cadence.WEEKLY))]))["n1@facilitator"]

    assert _dates(entry, 2) == [date(2026, 11, 20), date(2026, 11, 27)]


@pytest.mark.parametrize(
    ("status", "cadence", "expected"),
    [
        (ActionStatus.OPEN, Cadence.ONCE, "NEEDS-ACTION"),
        (ActionStatus.DONE, Cadence.ONCE, "COMPLETED"),
        (ActionStatus.DROPPED, Cadence.ONCE, "CANCELLED"),
        (ActionStatus.OPEN, Cadence.WEEKLY, "CONFIRMED"),
        (ActionStatus.DONE, Cadence.WEEKLY, "CONFIRMED"),
        (ActionStatus.DROPPED, Cadence.WEEKLY, "CANCELLED"),
    ],
)
def test_status_says_open_done_or_dropped(status: ActionStatus, cadence: Cadence, expected: str) -> None:
    closed = None if status is ActionStatus.OPEN else datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    action = Action(id="s1", text="x", cadence=cadence, due=date(2026, 12, 1), status=status, closed=closed)

    entry = _entries(sessions_calendar([_session(action)]))["s1@facilitator"]

    assert entry["STATUS"] == expected
    if cadence is Cadence.ONCE and status is ActionStatus.DONE:
        assert entry.decoded("COMPLETED") == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    else:
        assert "COMPLETED" not in entry


def test_a_one_off_action_without_a_date_is_a_todo_without_due() -> None:
    entry = _entries(sessions_calendar([_session(Action(id="t1", text="Ask sales"))]))["t1@facilitator"]

    assert entry.name == "VTODO" and "DUE" not in entry and "DTSTART" not in entry


def test_each_entry_says_what_where_and_when_and_stamps_the_last_save() -> None:
    action = Action(id="d1", text="Call three customers", owner="Ana", routine="weekly team meeting", cadence=Cadence.WEEKLY,
                    due=date(2026, 12, 1), measure="three calls logged", created=CREATED)

    entry = _entries(sessions_calendar([_session(action)]))["d1@facilitator"]

    assert entry["SUMMARY"] == "Call three customers"
    assert str(entry["DESCRIPTION"]).split("\n") == [
        "Owner: Ana", "Routine: weekly team meeting", "Cadence: weekly", "We will know by: three calls logged", "Status: open",
        "From the session: November retro (2026-11-20), team Blue",
    ]
    assert entry.decoded("DTSTAMP") == SAVED and entry.decoded("LAST-MODIFIED") == SAVED
    assert entry.decoded("CREATED") == CREATED


def test_the_same_sessions_give_the_same_file_so_a_calendar_updates_rather_than_doubles() -> None:
    sessions = [_session(Action(id="u1", text="a", cadence=Cadence.DAILY), Action(id="u2", text="b"))]

    assert sessions_calendar(sessions) == sessions_calendar(sessions)
    assert list(_entries(sessions_calendar(sessions))) == ["u1@facilitator", "u2@facilitator"]


def test_a_later_close_moves_the_stamp_on() -> None:
    closed = SAVED + timedelta(days=3)
    action = Action(id="c1", text="x", status=ActionStatus.DONE, closed=closed)

    assert _entries(sessions_calendar([_session(action)]))["c1@facilitator"].decoded("DTSTAMP") == closed


def test_text_is_escaped_by_icalendar_and_reads_back_exactly() -> None:
    text = 'Commas, semicolons; a back\\slash and "quotes" in: BEGIN:VEVENT'
    action = Action(id="x1", text=text, owner="Ana; Ben", measure="one, two", cadence=Cadence.WEEKLY, due=date(2026, 12, 1))

    data = sessions_calendar([_session(action)])
    entry = _entries(data)["x1@facilitator"]

    assert entry["SUMMARY"] == text
    assert "Owner: Ana; Ben" in entry["DESCRIPTION"] and "We will know by: one, two" in entry["DESCRIPTION"]
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 1


def _row(**action: object) -> ActionRow:
    session = SessionSummary(
        id="s9", created=CREATED, updated=SAVED, title="\x1b]0;owned\x07Team\x9b2J retro", team="Red\x07", facilitator="",
        plan="quick-reflection", decks=(), routines=(), status=SessionStatus.CLOSED, ideas=0, clusters=0, actions=1, done=0,
        open=1, dropped=0,
    )
    fields: dict[str, object] = {
        "id": "r1", "session": "s9", "text": "Call", "owner": None, "routine": None, "cadence": Cadence.ONCE, "due": None,
        "measure": None, "status": ActionStatus.OPEN, "created": CREATED,
    }
    return ActionRow(action=ActionSummary(**(fields | action)), session=session)  # type: ignore[arg-type]


def test_an_action_list_becomes_a_calendar_with_its_text_through_the_gate() -> None:
    rows = [
        _row(text="\x1b[31mCall\r\nthree\x00 customers", owner="\x07Ana", cadence=Cadence.WEEKLY, due=date(2026, 12, 1)),
        _row(id="r2", text="Ask sales", due=date(2026, 12, 4), status=ActionStatus.DROPPED),
    ]

    data = rows_calendar(rows)
    entries = _entries(data)

    assert not re.search(rb"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]", data)
    assert entries["r1@facilitator"]["SUMMARY"] == "Call three customers"
    assert _dates(entries["r1@facilitator"], 2) == [date(2026, 12, 1), date(2026, 12, 8)]
    assert "Owner: Ana\n" in entries["r1@facilitator"]["DESCRIPTION"]
    assert "From the session: Team retro (2026-11-20), team Red" in entries["r1@facilitator"]["DESCRIPTION"]
    assert entries["r2@facilitator"].name == "VTODO" and entries["r2@facilitator"]["STATUS"] == "CANCELLED"
    assert entries["r2@facilitator"].decoded("DUE") == date(2026, 12, 4)


def test_no_actions_is_still_a_calendar() -> None:
    assert _entries(sessions_calendar([_session()])) == {}
    assert _entries(rows_calendar([])) == {}

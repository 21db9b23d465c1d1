"""The stored document: sessions and actions survive a JSON round trip and refuse what they don't know."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from facilitator.models import (
    SCHEMA_VERSION,
    Action,
    ActionStatus,
    Cadence,
    Cluster,
    Idea,
    PromptKind,
    Round,
    Session,
    SessionStatus,
    Vote,
)

STARTED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
TODAY = date(2025, 3, 10)


def full_session() -> Session:
    """A closed session with something in every list."""
    idea = Idea(text="Read one [bold]complaint[/bold] aloud", author="Ana", round=0, routine="daily stand-up")
    build = Idea(text="Invite the customer in", round=1, builds_on=idea.id, prompt="cv-q1", created=STARTED)
    cluster = Cluster(name="Hear the customer", ideas=[idea.id, build.id], routine="weekly team meeting")
    action = Action(
        text="Open each stand-up with one customer quote",
        owner="Ben",
        routine="daily stand-up",
        cadence=Cadence.DAILY,
        due=date(2025, 4, 1),
        measure="quotes read per week",
        source_ideas=[idea.id],
        session="s1",
    )
    return Session(
        id="s1",
        title="Customer voice, March",
        team="Support",
        facilitator="Cleo",
        participants=["Ana", "Ben"],
        plan="quick-reflection",
        decks=["customer-voice"],
        routines=["daily stand-up", "weekly team meeting"],
        dots_per_participant=2,
        seed=1234,
        status=SessionStatus.CLOSED,
        phase=5,
        created=STARTED,
        updated=STARTED + timedelta(minutes=20),
        rounds=[
            Round(
                index=0,
                phase=1,
                kind=PromptKind.ROUTINE,
                text="How could a customer open the daily stand-up?",
                deck="customer-voice",
                prompt="cv-r1",
                routine="daily stand-up",
                seconds=120,
                started=STARTED,
                ended=STARTED + timedelta(seconds=120),
            ),
            Round(index=1, phase=1, kind=PromptKind.BUILD_ON, text=idea.text, seconds=120),
        ],
        ideas=[idea, build],
        clusters=[cluster],
        votes=[Vote(target=cluster.id, dots=3), Vote(target=build.id, dots=0)],
        actions=[action],
    )


def stored(session: Session) -> dict[str, Any]:
    """The session as the store keeps it: JSON text, read back."""
    return json.loads(json.dumps(session.model_dump(mode="json")))


# --- round trips -------------------------------------------------------------------------------


def test_session_round_trips_through_json() -> None:
    session = full_session()

    loaded = Session.model_validate(stored(session))

    assert loaded == session
    assert loaded.model_dump(mode="json") == session.model_dump(mode="json")


def test_a_new_session_round_trips_with_its_defaults() -> None:
    session = Session(title="First try", plan="quick-reflection")

    loaded = Session.model_validate(stored(session))

    assert loaded == session
    assert loaded.status is SessionStatus.LIVE
    assert loaded.rounds == loaded.ideas == loaded.actions == []


@pytest.mark.parametrize(
    "action",
    [
        Action(text="Call one customer"),
        Action(text="Review churn", cadence=Cadence.MONTHLY, due=TODAY, owner="Dee", routine="budget review"),
        Action(text="Shadow support", status=ActionStatus.DONE, closed=STARTED),
        Action(text="Drop the survey", status=ActionStatus.DROPPED, source_ideas=["a1", "b2"]),
    ],
    ids=["minimal", "scheduled", "done", "dropped"],
)
def test_action_round_trips_through_json(action: Action) -> None:
    data = json.loads(json.dumps(action.model_dump(mode="json")))

    assert Action.model_validate(data) == action


def test_user_text_is_stored_as_written() -> None:
    data = stored(full_session())

    assert data["ideas"][0]["text"] == "Read one [bold]complaint[/bold] aloud"


# --- schema version ----------------------------------------------------------------------------


def test_dumped_session_carries_the_schema_version() -> None:
    assert stored(full_session())["schema_version"] == SCHEMA_VERSION


def test_session_from_a_newer_version_is_refused_with_a_clear_message() -> None:
    data = stored(full_session())
    data["schema_version"] = SCHEMA_VERSION + 1

    with pytest.raises(ValidationError) as caught:
        Session.model_validate(data)

    (error,) = caught.value.errors()
    assert error["loc"] == ("schema_version",)
    assert f"written by a newer facilitator (schema {SCHEMA_VERSION + 1}, this one reads {SCHEMA_VERSION})" in (
        error["msg"]
    )


# --- unknown keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param((), id="session"),
        pytest.param(("rounds", 0), id="round"),
        pytest.param(("ideas", 1), id="idea"),
        pytest.param(("clusters", 0), id="cluster"),
        pytest.param(("votes", 0), id="vote"),
        pytest.param(("actions", 0), id="action"),
    ],
)
def test_unknown_key_in_a_stored_session_is_refused(path: tuple[str | int, ...]) -> None:
    data = stored(full_session())
    target = data
    for part in path:
        target = target[part]
    target["colour"] = "blue"

    with pytest.raises(ValidationError) as caught:
        Session.model_validate(data)

    (error,) = caught.value.errors()
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == (*path, "colour")


# --- overdue -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (TODAY - timedelta(days=1), ActionStatus.OPEN, True),
        (TODAY - timedelta(days=30), ActionStatus.OPEN, True),
        (TODAY, ActionStatus.OPEN, False),
        (TODAY + timedelta(days=1), ActionStatus.OPEN, False),
        (None, ActionStatus.OPEN, False),
        (TODAY - timedelta(days=1), ActionStatus.DONE, False),
        (TODAY - timedelta(days=1), ActionStatus.DROPPED, False),
    ],
    ids=["yesterday", "last-month", "today", "tomorrow", "no-due-date", "done", "dropped"],
)
def test_action_is_overdue_only_when_open_and_past_due(
    due: date | None, status: ActionStatus, overdue: bool
) -> None:
    action = Action(text="Call one customer", due=due, status=status)

    assert action.is_overdue(TODAY) is overdue


@pytest.mark.parametrize(
    ("kind", "text", "fits", "problem"),
    [
        ("journey", "What does a customer feel at {moment}?", [], None),
        ("journey", "What does a customer feel at the end?", [], "a journey card needs the {moment} slot"),
        ("question", "What happens at {moment}?", [], "only journey cards may use {moment}"),
        ("reversal", "How would we keep customers out of {routine}?", ["meetings"], None),
        ("reversal", "How would we make every customer leave?", [], None),
        ("reversal", "How would we make every customer leave?", ["meetings"], "only cards with the {routine} slot have fits"),
        ("try-it", "Shadow the help desk in {routine}.", [], "only routine and reversal cards may use {routine}"),
        ("job", "What do customers do instead of using us?", [], None),
        ("routine", "Who speaks in {routine} about {moment}?", [], "only journey cards may use {moment}"),
        ("question", "What about {team}?", [], "unknown slot {team}"),
    ],
)
def test_each_kind_of_card_takes_only_its_own_slots(kind: str, text: str, fits: list[str], problem: str | None) -> None:
    from facilitator.models import PromptCard

    if problem is None:
        card = PromptCard(id="c", kind=kind, text=text, fits=fits)
        assert card.render("weekly team meeting", "first invoice") == text.replace("{routine}", "weekly team meeting").replace("{moment}", "first invoice")
    else:
        with pytest.raises(ValidationError, match=re.escape(problem)):
            PromptCard(id="c", kind=kind, text=text, fits=fits)

"""A store of saved sessions to review: fixed ids and dates, for the review tests and snapshots.

Today is `tests.fakes.START` (2025-03-10): team Blue's call to lost customers (due 2025-03-01)
is overdue, Green's store visit (due 2025-04-01) is not yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from facilitator.models import Action, ActionStatus, Cluster, Idea, Session, SessionStatus, Vote
from facilitator.store import Store

BLUE = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
GREEN = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
RED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LIVE = datetime(2025, 3, 9, 12, 0, tzinfo=UTC)
ARCHIVED = datetime(2024, 12, 2, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = "[bold]x[/] Red retro \x1b[31mred\x1b[0m"


def blue() -> Session:
    """Closed, with an association chain three deep, a cluster with dots, and three actions."""
    return Session(
        id="blue0001",
        title="Blue in February",
        team="Blue",
        facilitator="Dana",
        participants=["Ana", "Ben", "Chris"],
        plan="quick-reflection",
        decks=["top-of-mind", "frontline"],
        routines=["daily stand-up", "one-to-ones"],
        status=SessionStatus.CLOSED,
        created=BLUE,
        ideas=[
            Idea(id="bidea001", text="Call three lost customers", author="Ana", round=0, created=BLUE),
            Idea(id="bidea002", text="A customer quote at every stand-up", author="Ben", round=0, created=BLUE),
            Idea(id="bidea003", text="Ask them what we missed", author="Chris", round=1, builds_on="bidea001", created=BLUE),
            Idea(id="bidea004", text="Share their answers at the stand-up", round=1, builds_on="bidea003", created=BLUE),
        ],
        clusters=[Cluster(id="bclus001", name="Customer calls", ideas=["bidea001", "bidea003"])],
        votes=[Vote(target="bclus001", dots=3), Vote(target="bidea002", dots=2), Vote(target="bidea001", dots=1)],
        actions=[
            Action(id="bact0001", text="Call three lost customers", owner="Ana", routine="one-to-ones",
                   due=date(2025, 3, 1), measure="three calls written up", created=BLUE),
            Action(id="bact0002", text="A customer quote at every stand-up", owner="Ben", routine="daily stand-up", created=BLUE),
            Action(id="bact0003", text="Read the support queue once a week", owner="Chris",
                   status=ActionStatus.DONE, created=BLUE, closed=BLUE),
        ],
    )


def green() -> Session:
    return Session(
        id="green001",
        title="Green kick-off",
        team="Green",
        plan="routine-scan",
        decks=["metrics"],
        routines=["budget review"],
        status=SessionStatus.CLOSED,
        created=GREEN,
        actions=[
            Action(id="gact0001", text="Invite a customer to the demo", owner="Eli", routine="budget review",
                   status=ActionStatus.DONE, created=GREEN, closed=GREEN),
            Action(id="gact0002", text="Visit a store with the budget owners", owner="Fay", routine="budget review",
                   due=date(2025, 4, 1), created=GREEN),
        ],
    )


def red() -> Session:
    """Text that looks like markup or holds escape codes, and a deck that no longer exists."""
    return Session(
        id="red00001",
        title=HOSTILE_TITLE,
        team="[i]Red",
        plan="quick-reflection",
        decks=["retired-deck"],
        status=SessionStatus.CLOSED,
        created=RED,
        ideas=[Idea(id="ridea001", text="[red]Fix[/] the form", author="[b]Gus", round=0, created=RED)],
        actions=[Action(id="ract0001", text="[red]Fix[/] the form", owner="[b]Gus", created=RED)],
    )


def live() -> Session:
    return Session(
        id="live0001",
        title="Blue in March",
        team="Blue",
        plan="quick-reflection",
        decks=["top-of-mind"],
        created=LIVE,
        actions=[Action(id="lact0001", text="Drafted, not agreed yet", owner="Ana", created=LIVE)],
    )


def archived() -> Session:
    return Session(
        id="arch0001",
        title="Put away in December",
        team="Green",
        plan="quick-reflection",
        status=SessionStatus.ARCHIVED,
        created=ARCHIVED,
        actions=[Action(id="aact0001", text="Never agreed", created=ARCHIVED)],
    )


def save_review_store(store_path: Path) -> Store:
    """Five sessions: Blue's and Green's closed, a hostile one, a live one and an archived one."""
    store = Store(store_path)
    for session in (blue(), green(), red(), live(), archived()):
        store.save_session(session)
    return store

"""Counting progress: made, done, dropped and open per session, routine and trait; the filters; the
text report of `facilitator actions stats`.

The builders at the top (`summary`, `row`, `sample`) are shared with the report, screen and
snapshot tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from facilitator.progress import (
    OTHER,
    Share,
    Tally,
    progress,
    rate_text,
    stats_text,
    team_label,
    teams,
)
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.vocabulary import ActionStatus, Cadence, SessionStatus

OPEN, DONE, DROPPED = ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED
TRAITS = {"top-of-mind": "Customer top of mind", "listening": "Listening to customers"}


def summary(
    session_id: str,
    day: date,
    title: str,
    team: str,
    decks: Sequence[str] = ("top-of-mind",),
    status: SessionStatus = SessionStatus.CLOSED,
) -> SessionSummary:
    """A saved session as the store's index lists it; created at noon UTC, the same date anywhere
    from UTC-11 to UTC+11."""
    when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return SessionSummary(
        id=session_id, created=when, updated=when, title=title, team=team, facilitator="Dana",
        plan="quick-reflection", decks=tuple(decks), routines=(), status=status,
        ideas=0, clusters=0, actions=0, done=0, open=0, dropped=0,
    )  # fmt: skip


def row(
    action_id: str,
    session: SessionSummary,
    routine: str | None,
    status: ActionStatus,
    *,
    text: str = "",
    owner: str | None = None,
    due: date | None = None,
) -> ActionRow:
    action = ActionSummary(
        id=action_id, session=session.id, text=text or f"Action {action_id}", owner=owner, routine=routine,
        cadence=Cadence.ONCE, due=due, measure=None, status=status, created=session.created,
    )  # fmt: skip
    return ActionRow(action, session)


def sample() -> tuple[list[SessionSummary], list[ActionRow], dict[str, str]]:
    """Team Blue's three closed sessions (one spelt `blue`), Green's one, and sessions that must
    not count: a live one, an archived one. Listed out of date order on purpose."""
    b1 = summary("blue0001", date(2025, 1, 20), "Blue kick-off", "Blue")
    b2 = summary("blue0002", date(2025, 2, 10), "Blue in February", "Blue", ("top-of-mind", "listening"))
    b3 = summary("blue0003", date(2025, 3, 5), "Blue in March", "blue", ("unknown-deck",))
    g1 = summary("green001", date(2025, 2, 1), "Green kick-off", "Green", ("listening",))
    live = summary("blue0004", date(2025, 3, 20), "Blue, still running", "Blue", status=SessionStatus.LIVE)
    gone = summary("blue0005", date(2025, 3, 1), "Blue, abandoned", "Blue", status=SessionStatus.ARCHIVED)
    rows = [
        row("b1a", b1, "daily stand-up", DONE, owner="Ana"),
        row("b1b", b1, "daily stand-up", OPEN, owner="Ben", due=date(2025, 3, 1)),
        row("b1c", b1, "one-to-ones", DROPPED),
        row("b1d", b1, None, OPEN),
        row("b2a", b2, "Daily stand-up", DONE),
        row("b2b", b2, "hiring", DONE),
        row("b2c", b2, None, OPEN, due=date(2025, 4, 1)),
        row("b3a", b3, "one-to-ones", OPEN),
        row("b3b", b3, "budget review", DONE),
        row("g1a", g1, "demo", DONE),
        row("g1b", g1, "daily stand-up", OPEN),
        row("b4a", live, "daily stand-up", OPEN),
        row("b5a", gone, "daily stand-up", OPEN),
    ]
    return [b3, live, g1, b1, gone, b2], rows, dict(TRAITS)


def shares(found: Sequence[Share]) -> dict[str, tuple[int, int, int, int]]:
    return {s.name: (s.tally.made, s.tally.done, s.tally.dropped, s.tally.open) for s in found}


# --- counting ---------------------------------------------------------------------------------


def test_each_closed_session_is_a_point_in_date_order_with_what_became_of_its_actions() -> None:
    summaries, rows, traits = sample()

    found = progress(summaries, rows, traits)

    assert [(p.session, p.day, p.tally.made, p.tally.done, p.tally.dropped, p.tally.open) for p in found.sessions] == [
        ("blue0001", date(2025, 1, 20), 4, 1, 1, 2),
        ("green001", date(2025, 2, 1), 2, 1, 0, 1),
        ("blue0002", date(2025, 2, 10), 3, 2, 0, 1),
        ("blue0003", date(2025, 3, 5), 2, 1, 0, 1),
    ]
    assert found.total == Tally(done=5, dropped=1, open=5)


def test_live_and_archived_sessions_do_not_count() -> None:
    summaries, rows, traits = sample()

    found = progress(summaries, rows, traits, team="Blue")

    assert {p.session for p in found.sessions} == {"blue0001", "blue0002", "blue0003"}
    assert found.total.made == 9


@pytest.mark.parametrize(
    ("team", "sessions"),
    [
        (None, ["blue0001", "green001", "blue0002", "blue0003"]),
        ("Blue", ["blue0001", "blue0002", "blue0003"]),
        ("BLUE", ["blue0001", "blue0002", "blue0003"]),
        ("green", ["green001"]),
        ("Red", []),
        ("", []),
    ],
)
def test_a_team_filter_matches_in_any_case(team: str | None, sessions: list[str]) -> None:
    summaries, rows, traits = sample()

    assert [p.session for p in progress(summaries, rows, traits, team=team).sessions] == sessions


def test_an_empty_team_means_sessions_without_a_team() -> None:
    lone = summary("lone0001", date(2025, 5, 1), "Nobody's", "")
    found = progress([lone, *sample()[0]], [row("l1", lone, None, DONE)], team="")

    assert [p.session for p in found.sessions] == ["lone0001"]
    assert team_label("") == "No team"
    assert team_label(None) == "All teams"


@pytest.mark.parametrize(
    ("since", "until", "sessions"),
    [
        (date(2025, 2, 1), None, ["green001", "blue0002", "blue0003"]),
        (None, date(2025, 2, 1), ["blue0001", "green001"]),
        (date(2025, 2, 1), date(2025, 2, 10), ["green001", "blue0002"]),  # both ends included
        (date(2025, 3, 6), None, []),
    ],
)
def test_a_date_range_keeps_the_sessions_held_in_it(since: date | None, until: date | None, sessions: list[str]) -> None:
    summaries, rows, traits = sample()

    assert [p.session for p in progress(summaries, rows, traits, since=since, until=until).sessions] == sessions


def test_routines_merge_spellings_count_no_routine_as_other_and_list_it_last() -> None:
    summaries, rows, traits = sample()

    found = progress(summaries, rows, traits, team="Blue")

    assert shares(found.routines) == {
        "budget review": (1, 1, 0, 0),
        "daily stand-up": (3, 2, 0, 1),  # "Daily stand-up" in February is the same routine
        "hiring": (1, 1, 0, 0),
        "one-to-ones": (2, 0, 1, 1),
        OTHER: (2, 0, 0, 2),
    }
    assert [s.name for s in found.routines][-1] == OTHER


def test_traits_come_from_the_sessions_decks_through_the_mapping() -> None:
    summaries, rows, traits = sample()

    found = progress(summaries, rows, traits, team="Blue")

    # February's two decks cover two traits: its three actions count under each.
    assert shares(found.traits) == {
        "Customer top of mind": (7, 3, 1, 3),
        "Listening to customers": (3, 2, 0, 1),
        "unknown-deck": (2, 1, 0, 1),  # not in the mapping: its id
    }


def test_two_decks_of_one_trait_count_an_action_once_and_a_session_without_decks_counts_as_other() -> None:
    both = summary("both0001", date(2025, 1, 1), "Two decks", "Blue", ("top-of-mind", "top-of-mind-2"))
    none = summary("none0001", date(2025, 1, 2), "No decks", "Blue", ())
    traits = {"top-of-mind": "Customer top of mind", "top-of-mind-2": "customer top of mind"}

    found = progress([both, none], [row("a", both, None, DONE), row("b", none, None, OPEN)], traits)

    assert shares(found.traits) == {"Customer top of mind": (1, 1, 0, 0), OTHER: (1, 0, 0, 1)}


def test_without_a_mapping_every_trait_is_its_deck_id() -> None:
    summaries, rows, _ = sample()

    assert [s.name for s in progress(summaries, rows, team="green").traits] == ["listening"]


def test_actions_alone_count_as_rows_do_and_actions_of_unknown_sessions_are_left_out() -> None:
    summaries, rows, traits = sample()
    stranger = summary("stranger", date(2025, 2, 2), "Not listed", "Blue")

    with_rows = progress(summaries, [*rows, row("s1", stranger, None, DONE)], traits)
    with_actions = progress(summaries, [r.action for r in rows], traits)

    assert with_rows == with_actions
    assert with_rows.total.made == 11


def test_a_session_without_actions_is_a_point_at_zero() -> None:
    quiet = summary("quiet001", date(2025, 1, 1), "Quiet", "Blue")

    found = progress([quiet], [])

    assert [(p.session, p.tally) for p in found.sessions] == [("quiet001", Tally())]
    assert found.routines == () and found.traits == ()


def test_by_team_groups_the_points_under_the_first_spelling() -> None:
    summaries, rows, traits = sample()

    groups = progress(summaries, rows, traits).by_team()

    assert {team: [p.session for p in points] for team, points in groups.items()} == {
        "Blue": ["blue0001", "blue0002", "blue0003"],
        "Green": ["green001"],
    }


def test_teams_lists_each_team_of_a_closed_session_once() -> None:
    summaries, _, _ = sample()
    red = summary("red00001", date(2025, 1, 1), "Red", "Red", status=SessionStatus.LIVE)

    assert teams([*summaries, red]) == ["Blue", "Green"]


@pytest.mark.parametrize(
    ("tally", "made", "rate", "text"),
    [
        (Tally(), 0, None, "–"),
        (Tally(done=1, dropped=1, open=1), 3, 1 / 3, "33%"),
        (Tally(done=2), 2, 1.0, "100%"),
        (Tally(dropped=2), 2, 0.0, "0%"),
    ],
)
def test_the_completion_rate_is_done_out_of_made(tally: Tally, made: int, rate: float | None, text: str) -> None:
    assert tally.made == made
    assert tally.rate == rate
    assert rate_text(tally) == text


# --- the text report ------------------------------------------------------------------------


def test_stats_text_lists_each_teams_sessions_then_routines_then_traits() -> None:
    summaries, rows, traits = sample()

    text = stats_text(summaries, rows, traits)

    assert text == (
        "All teams: 4 closed sessions from 2025-01-20 to 2025-03-05\n"
        "11 actions made: 5 done (45%), 1 dropped, 5 open\n"
        "\n"
        "Team Blue\n"
        "DATE        SESSION           MADE  DONE  DROPPED  OPEN\n"
        "2025-01-20  Blue kick-off        4     1        1     2\n"
        "2025-02-10  Blue in February     3     2        0     1\n"
        "2025-03-05  Blue in March        2     1        0     1\n"
        "total                            9     4        1     4\n"
        "\n"
        "Team Green\n"
        "DATE        SESSION         MADE  DONE  DROPPED  OPEN\n"
        "2025-02-01  Green kick-off     2     1        0     1\n"
        "total                          2     1        0     1\n"
        "\n"
        "By routine\n"
        "ROUTINE         MADE  DONE  DROPPED  OPEN  DONE %\n"
        "budget review      1     1        0     0    100%\n"
        "daily stand-up     4     2        0     2     50%\n"
        "demo               1     1        0     0    100%\n"
        "hiring             1     1        0     0    100%\n"
        "one-to-ones        2     0        1     1      0%\n"
        "Other              2     0        0     2      0%\n"
        "\n"
        "By trait\n"
        "TRAIT                   MADE  DONE  DROPPED  OPEN  DONE %\n"
        "Customer top of mind       7     3        1     3     43%\n"
        "Listening to customers     5     3        0     2     60%\n"
        "unknown-deck               2     1        0     1     50%\n"
    )


def test_stats_text_for_one_team_and_a_date_range() -> None:
    summaries, rows, traits = sample()

    text = stats_text(summaries, rows, traits, team="blue", since=date(2025, 2, 1))

    assert text.splitlines()[:2] == [
        "Team Blue: 2 closed sessions from 2025-02-10 to 2025-03-05",
        "5 actions made: 3 done (60%), 0 dropped, 2 open",
    ]
    assert "Green" not in text and "kick-off" not in text
    assert "Blue in February" in text and "Blue in March" in text


@pytest.mark.parametrize(
    ("team", "since", "until", "says"),
    [
        ("Red", None, None, "No closed sessions for team Red.\n"),
        ("", None, None, "No closed sessions without a team.\n"),
        (None, date(2026, 1, 1), date(2026, 2, 1), "No closed sessions from 2026-01-01 until 2026-02-01.\n"),
    ],
)
def test_stats_text_says_when_nothing_matches(team: str | None, since: date | None, until: date | None, says: str) -> None:
    summaries, rows, traits = sample()

    assert stats_text(summaries, rows, traits, team=team, since=since, until=until) == says


def test_stats_text_says_when_sessions_made_no_actions() -> None:
    quiet = summary("quiet001", date(2025, 1, 1), "Quiet", "Blue")

    text = stats_text([quiet], [], team="Blue")

    assert "By routine\nNo actions." in text and "By trait\nNo actions." in text


def test_stats_text_cleans_user_text_and_keeps_columns_aligned() -> None:
    hostile = summary("hostile1", date(2025, 1, 1), "\x1b]0;owned\x07Evil \x1b[31mred\x1b[0m [bold]x[/]", "Blue")
    wide = summary("wide0001", date(2025, 1, 2), "顧客の声を聞く会", "Blue", ("\x1b[2Jdeck",))
    long = summary("long0001", date(2025, 1, 3), "A title that goes on and on well past the forty cells a column gets", "Blue")
    rows = [row("h", hostile, "stand-up\x07", DONE), row("w", wide, None, OPEN), row("l", long, None, OPEN)]

    text = stats_text([hostile, wide, long], rows, team="Blue")

    assert "\x1b" not in text and "\x07" not in text
    assert "Evil red [bold]x[/]" in text  # markup-like text stays literal
    assert "A title that goes on and on well past t…" in text
    table = text.split("\n\n")[1].splitlines()[1:]  # the sessions table, header included
    ends = {_cells(line) for line in table}
    assert len(ends) == 1, table  # every row ends in the same column: wide characters count double


def _cells(line: str) -> int:
    return sum(2 if ord(char) >= 0x3000 else 1 for char in line)


def test_stats_text_has_no_colour_and_no_trailing_spaces() -> None:
    summaries, rows, traits = sample()

    text = stats_text(summaries, rows, traits)

    assert not re.search(r"\x1b|[ \t]$", text, re.MULTILINE)


def test_progress_loads_neither_textual_nor_pydantic() -> None:
    code = "import sys, facilitator.progress; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'pydantic', 'rich'}))"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

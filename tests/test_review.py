"""Review: the sessions table (filter, sort, open), one session's view, and the actions across
sessions, driven by keys; every change is checked in the store, and in a store opened afresh."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from facilitator.app import FacilitatorApp
from facilitator.models import ActionStatus, Cluster, Idea, Session, Vote
from facilitator.screens.actions import ActionFilter, ActionsScreen, filtered, listed
from facilitator.screens.modals import TextModal
from facilitator.screens.review import COLUMNS, ReviewScreen, narrowed, reviewed, words_of
from facilitator.screens.session_view import SessionViewScreen, chains, idea_votes
from facilitator.store import Store
from facilitator.summaries import SessionSummary
from facilitator.vocabulary import SessionStatus
from facilitator.widgets.paged_table import PAGE, Column, fit
from tests.fakes import FakeClock
from tests.helpers import edit_stored_doc, new_app, notices, screen_lines, settled, shown, store_bytes, store_folder, type_fast
from tests.review_store import save_review_store

TRAITS = {"top-of-mind": "The customer is on the agenda every day", "frontline": "Learn from the frontline",
          "metrics": "Watch customer metrics and act on them"}
NEWEST_FIRST = ["live0001", "red00001", "blue0001", "green001", "arch0001"]


@pytest.fixture
def saved(store_path: Path) -> Store:
    return save_review_store(store_path)


def listed_ids(app: FacilitatorApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return [row.summary.id for row in screen.shown]


def actions_of(store_path: Path) -> dict[str, tuple[ActionStatus, str | None, date | None]]:
    """Every action as a store opened afresh reads it: status, owner, due date."""
    return {r.action.id: (r.action.status, r.action.owner, r.action.due) for r in Store(store_path).actions()}


async def open_review(pilot) -> ReviewScreen:
    await pilot.press("v")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def open_actions(pilot) -> ActionsScreen:
    await pilot.press("t")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ActionsScreen)
    return screen


async def filter_by(pilot, text: str) -> None:
    """Type into the filter as a person does: `/`, clear what is there, the words."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#review-filter", Input).value = ""
    await type_fast(pilot, text)


async def open_session(pilot, session_id: str) -> SessionViewScreen:
    """From the review screen: put the cursor on the session and press Enter."""
    review = await open_review(pilot)
    review.table.move_cursor(row=review.table.index_of(session_id))
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SessionViewScreen) and screen.session.id == session_id
    return screen


def highlight_action(screen: SessionViewScreen, action_id: str) -> None:
    listing = screen.query_one("#session-actions")
    listing.highlighted = listing.get_option_index(action_id)


async def answer(pilot, text: str) -> None:
    """Replace what the question's box holds with `text`, and press Enter."""
    assert isinstance(pilot.app.screen, TextModal)
    pilot.app.screen.query_one("#answer", Input).value = ""
    await type_fast(pilot, text, "enter")
    await settled(pilot)


# --- the pure parts -------------------------------------------------------------------------------


def summary(**fields) -> SessionSummary:
    values: dict = dict(
        id="s1", created=datetime(2025, 1, 1, tzinfo=UTC), updated=datetime(2025, 1, 1, tzinfo=UTC), title="Blue in May",
        team="Blue", facilitator="", plan="quick-reflection", decks=("metrics", "retired"), routines=("budget review",),
        status=SessionStatus.CLOSED, ideas=0, clusters=0, actions=0, done=0, open=0, dropped=0, owners=("Ana Lima",),
    )
    return SessionSummary(**(values | fields))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("may", True),  # title
        ("BLUE", True),  # team, any case
        ("metrics act", True),  # a trait, by its name
        ("retired", True),  # a deck no longer known: by its id
        ("lima", True),  # an owner
        ("budget", True),  # a routine
        ("blue budget ana", True),  # every word, each in another field
        ("blue green", False),  # one word missing
        ("may blue", True),  # in any order
        ("y b", True),
        ("mayblue", False),  # a word never spans two fields
        ("", True),
    ],
)
def test_the_filter_looks_in_title_team_traits_owners_and_routines(query: str, found: bool) -> None:
    row = reviewed(summary(), TRAITS)

    assert narrowed([row], words_of(query)) == ([row] if found else [])


def test_columns_fit_the_width_leaving_out_the_least_needed_first() -> None:
    columns = [Column("a", "A", 10), Column("b", "B", 10, flex=3), Column("c", "C", 10, flex=1, keep=2), Column("d", "D", 5, keep=1)]

    assert fit(columns, 100) == {"a": 10, "b": 10 + 42, "c": 10 + 15, "d": 5}  # 57 spare: three quarters, one
    assert fit(columns, 40) == {"a": 10, "b": 10 + 9, "d": 5}  # c did not fit
    assert fit(columns, 5) == {"a": 10}  # the first column stays whatever the width


def test_review_columns_at_80_columns_keep_date_title_team_done_open_and_status() -> None:
    widths = fit(COLUMNS, 76)

    assert list(widths) == ["date", "title", "team", "done", "status"]
    assert widths["title"] >= 24


def test_ideas_nest_under_the_idea_they_built_on_and_each_is_shown_once() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    ideas = [
        Idea(id="a", text="A", round=0, created=at),
        Idea(id="b", text="B", round=0, created=at),
        Idea(id="c", text="C on A", round=1, builds_on="a", created=at),
        Idea(id="d", text="D on C", round=1, builds_on="c", created=at),
        Idea(id="e", text="E on a deleted idea", round=1, builds_on="gone", created=at),
        Idea(id="f", text="F on G", round=1, builds_on="g", created=at),
        Idea(id="g", text="G on F: a loop", round=1, builds_on="f", created=at),
        Idea(id="h", text="H on A too", round=1, builds_on="a", created=at),
    ]

    assert [(depth, idea.id) for depth, idea in chains(ideas)] == [
        (0, "a"), (1, "c"), (2, "d"), (1, "h"), (0, "b"), (0, "e"), (0, "f"), (1, "g"),
    ]


def test_an_idea_has_its_own_dots_and_its_clusters() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    session = Session(
        title="t", plan="p", created=at,
        ideas=[Idea(id=i, text=i, round=0, created=at) for i in ("a", "b", "c")],
        clusters=[Cluster(id="k", name="K", ideas=["a", "b"])],
        votes=[Vote(target="k", dots=3), Vote(target="a", dots=1), Vote(target="c", dots=2), Vote(target="gone", dots=5)],
    )

    assert idea_votes(session) == {"a": 4, "b": 3, "c": 2}


def test_the_action_filters_combine_in_any_case(saved: Store) -> None:
    today = date(2025, 3, 10)
    rows = [listed(r, today) for r in saved.actions()]

    def ids(**wanted) -> list[str]:
        return [r.row.action.id for r in filtered(rows, ActionFilter(**wanted))]

    assert set(ids()) == {"bact0001", "bact0002", "gact0002", "ract0001"}  # open and agreed
    assert ids(overdue=True) == ["bact0001"]
    assert set(ids(status=None, team="green")) == {"gact0001", "gact0002", "aact0001"}
    assert ids(status="done", owner="chris") == ["bact0003"]
    assert ids(routine="budget review") == ["gact0002"]
    assert ids(status="open", routine="") == ["ract0001"]  # no routine given
    assert set(ids(status="draft")) == {"lact0001", "aact0001"}  # a running or archived session's
    assert ids(overdue=True, team="green") == []


# --- the review screen ----------------------------------------------------------------------------


async def test_review_lists_every_session_newest_first_with_its_traits_and_counts(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_review(pilot)
        text = shown(app)
        assert listed_ids(app) == NEWEST_FIRST
        assert "5 sessions" in text
        assert "retired-deck" in text  # an unknown deck by its id
        blue_row = next(line for line in screen_lines(app) if "Blue in February" in line)
        assert "The customer is on the agenda every day; " in blue_row  # decks by trait
        assert " 4 " in blue_row and " 3 " in blue_row and "1 / 2" in blue_row and "closed" in blue_row
        screen.table.move_cursor(row=2)
        await pilot.pause()
        assert "Traits: The customer is on the agenda every day; Learn from the frontline" in shown(app)  # whole, below


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("blue", ["live0001", "blue0001"]),  # team (and title)
        ("kick-off", ["green001"]),  # title
        ("frontline", ["blue0001"]),  # a trait's name
        ("ACT ON THEM", ["green001"]),  # a trait, any case
        ("retired", ["red00001"]),  # an unknown deck, by id
        ("chris", ["blue0001"]),  # an owner
        ("budget", ["green001"]),  # a routine
        ("blue stand-up", ["blue0001"]),  # every word must match
        ("blue green", []),
    ],
)
async def test_typing_narrows_the_sessions(store_path: Path, saved: Store, typed: str, found: list[str]) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        await open_review(pilot)
        await filter_by(pilot, typed)
        assert listed_ids(app) == found
        text = shown(app)
        assert f"{len(found)} of 5 sessions" in text
        if not found:
            assert f"No session matches “{typed}”" in text


async def test_enter_in_the_filter_goes_to_the_table_and_escape_from_the_table_goes_back(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_review(pilot)
        await filter_by(pilot, "blue")
        assert app.focused is screen.filter_input
        await pilot.press("enter")
        assert app.focused is screen.table and listed_ids(app) == ["live0001", "blue0001"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen) and app.screen.session.id == "blue0001"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen and screen.filter_input.value == "blue"  # the filter is kept
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_number_keys_and_header_clicks_sort_and_again_reverse(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_review(pilot)
        await pilot.press("2")  # title, A to Z; "[" comes before letters
        assert listed_ids(app) == ["red00001", "blue0001", "live0001", "green001", "arch0001"]
        assert "2 Title ▲" in shown(app)
        await pilot.press("2")
        assert listed_ids(app) == ["arch0001", "green001", "live0001", "blue0001", "red00001"]
        assert "2 Title ▼" in shown(app)
        await pilot.press("7")  # actions, most first
        assert listed_ids(app)[:2] == ["blue0001", "green001"]
        table = screen.table
        x = sum(c.get_render_width(table) for c in table.ordered_columns[:2]) + 2  # into the "3 Team" header
        assert await pilot.click("#review-table", offset=(x, 0))
        await pilot.pause()
        assert screen.sort == ("team", False)
        assert [row.summary.team for row in screen.shown] == ["[i]Red", "Blue", "Blue", "Green", "Green"]
        await pilot.press("1")
        assert listed_ids(app) == NEWEST_FIRST


async def test_a_damaged_session_is_marked_in_words_and_opens_for_looking_only(store_path: Path, saved: Store) -> None:
    edit_stored_doc(store_path, "green001", lambda doc: doc["actions"][1].update(due="not a date"))
    before = actions_of(store_path)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await open_review(pilot)
        screen.table.move_cursor(row=screen.table.index_of("green001"))
        await pilot.pause()
        text = shown(app)
        green_row = next(line for line in screen_lines(app) if "Green kick-off" in line)
        assert "damaged" in green_row
        assert "Damaged in the store: could not read" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen)
        assert "Damaged in the store" in shown(app)
        await pilot.press("d")
        await settled(pilot)
        assert "is damaged in the store" in notices(app)
    assert actions_of(store_path) == before


async def test_p_asks_for_the_highlighted_teams_progress(store_path: Path, saved: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str | None] = []
    monkeypatch.setattr(FacilitatorApp, "on_review_screen_show_progress", lambda app, message: asked.append(message.team), raising=False)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_review(pilot)
        screen.table.move_cursor(row=screen.table.index_of("green001"))
        await pilot.press("p")
        await pilot.pause()
        await filter_by(pilot, "nothing like this")
        await pilot.press("escape", "p")
        await pilot.pause()
    assert asked == ["Green", None]


async def test_a_long_list_is_added_a_page_at_a_time_and_filtered_whole(store_path: Path) -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [reviewed(summary(id=f"s{n:04}", title=f"Session {n}", team="Blue" if n % 3 else "Green", created=at), TRAITS) for n in range(350)]
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_review(pilot)
        screen.post_message(ReviewScreen.Loaded(rows))
        await pilot.pause()
        table = screen.table
        assert len(screen.shown) == 350 and table.row_count == PAGE
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.row_count > PAGE  # the next page came as the cursor neared the end
        await filter_by(pilot, "green")
        assert len(screen.shown) == 117 and table.row_count == PAGE  # all of them matched, a page shown
        assert "117 of 350 sessions" in shown(app)


# --- one session ----------------------------------------------------------------------------------


async def test_the_session_view_shows_actions_by_routine_and_ideas_as_chains(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await open_session(pilot, "blue0001")
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Blue in February" in text and "team Blue" in text and "facilitated by Dana" in text and "plan quick-reflection" in text
        assert "Traits: The customer is on the agenda every day; Learn from the frontline" in text
        routines = [name for name in ("daily stand-up", "one-to-ones", "No routine given") if name in text]
        assert routines == ["daily stand-up", "one-to-ones", "No routine given"]
        assert text.index("daily stand-up") < text.index("A customer quote at every stand-up ") < text.index("one-to-ones")
        assert "⚠ overdue · owner Ana · due 2025-03-01" in text  # the word and the mark, not a colour alone
        assert "done · owner Chris · no due date" in text
        assert "we will know by: three calls written up" in text

        def column(idea: str) -> int:
            line = next(line for line in lines if idea in line)
            return line.index(idea)

        assert column("Ask them what we missed") > column("Call three lost customers")
        assert column("Share their answers at the stand-up") > column("Ask them what we missed")
        assert "by Ana · 4 dots · in “Customer calls”" in text  # one on the idea, three on its cluster
        assert "by Chris · 3 dots · in “Customer calls”" in text
        assert "by Ben · 2 dots" in text and "no name · 0 dots" in text


async def test_the_session_view_changes_status_due_date_and_owner_at_once(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_session(pilot, "blue0001")
        highlight_action(screen, "bact0002")
        await pilot.press("d")
        await settled(pilot)
        assert actions_of(store_path)["bact0002"][0] is ActionStatus.DONE
        assert screen.session.actions[1].status is ActionStatus.DONE  # read again from the store
        assert "done · owner Ben" in shown(app)
        assert screen.target() is not None and screen.target().id == "bact0002"  # the cursor stayed

        await pilot.press("o")
        await settled(pilot)
        assert actions_of(store_path)["bact0002"][0] is ActionStatus.OPEN

        highlight_action(screen, "bact0001")
        await pilot.press("t")
        await pilot.pause()
        await answer(pilot, "2025-13-01")  # not a date: the question stays, says why
        assert isinstance(app.screen, TextModal) and "Use a date like" in shown(app)
        await answer(pilot, "2025-04-15")
        assert actions_of(store_path)["bact0001"] == (ActionStatus.OPEN, "Ana", date(2025, 4, 15))
        assert "⚠" not in shown(app)  # no longer overdue

        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, "Dana")
        assert actions_of(store_path)["bact0001"] == (ActionStatus.OPEN, "Dana", date(2025, 4, 15))

        await pilot.press("x")
        await settled(pilot)
        assert actions_of(store_path)["bact0001"][0] is ActionStatus.DROPPED
        assert "dropped · owner Dana · due 2025-04-15" in shown(app)
        assert "Saved:" in notices(app)


async def test_a_change_made_elsewhere_meanwhile_is_not_overwritten(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_session(pilot, "blue0001")
        highlight_action(screen, "bact0002")
        Store(store_path).update_action("bact0002", owner="Eli")  # another window, or the command line
        await pilot.press("x")
        await settled(pilot)
        assert "changed elsewhere" in notices(app)
        assert actions_of(store_path)["bact0002"] == (ActionStatus.OPEN, "Eli", None)  # not dropped
        assert "open · owner Eli" in shown(app)  # shown as it is now
        await pilot.press("x")  # pressed again, on what is shown now: it is made
        await settled(pilot)
        assert actions_of(store_path)["bact0002"] == (ActionStatus.DROPPED, "Eli", None)


@pytest.mark.parametrize(("session_id", "said"), [("live0001", "is still running"), ("arch0001", "was archived before it was finished")])
async def test_only_a_closed_sessions_actions_change(store_path: Path, saved: Store, session_id: str, said: str) -> None:
    before = store_bytes(store_path, locks=False)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_session(pilot, session_id)
        assert "cannot be changed" in shown(app)
        for key in ("d", "x", "t", "w"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, TextModal)
        assert said in notices(app)
    assert store_bytes(store_path, locks=False) == before


# --- actions across sessions ------------------------------------------------------------------------


async def test_actions_open_by_default_with_overdue_in_words(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_actions(pilot)
        assert [r.row.action.id for r in screen.shown] == ["bact0001", "gact0002", "bact0002", "ract0001"]
        overdue = next(line for line in screen_lines(app) if "Call three lost customers" in line)
        assert "⚠ overdue" in overdue and "2025-03-01" in overdue
        assert "4 of 8 actions shown" in shown(app)
        await pilot.press("exclamation_mark")
        assert [r.row.action.id for r in screen.shown] == ["bact0001"]
        await pilot.press("exclamation_mark", "s")  # done
        assert {r.row.action.id for r in screen.shown} == {"bact0003", "gact0001"}
        await pilot.press("s", "s")  # dropped, then drafts
        assert {r.row.action.id for r in screen.shown} == {"lact0001", "aact0001"}
        assert "○ draft" in shown(app)
        await pilot.press("s")  # any
        assert len(screen.shown) == 8


async def test_actions_filter_by_team_owner_and_routine(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_actions(pilot)
        await pilot.press("f")  # the team list, opened and chosen by keys
        assert app.focused is screen.query_one("#filter-team")
        await pilot.press("enter", "down", "down", "enter")  # any team, team [i]Red, team Blue
        await pilot.pause()
        assert screen.wanted.team == "blue"
        assert [r.row.action.id for r in screen.shown] == ["bact0001", "bact0002"]
        screen.query_one("#filter-owner", Select).value = "ben"
        await pilot.pause()
        assert [r.row.action.id for r in screen.shown] == ["bact0002"]
        screen.query_one("#filter-owner", Select).value = "\x00any"
        screen.query_one("#filter-routine", Select).value = "one-to-ones"
        await pilot.pause()
        assert [r.row.action.id for r in screen.shown] == ["bact0001"]
        await pilot.press("escape")
        assert app.focused is screen.table


async def test_the_actions_screen_changes_status_due_date_and_owner_in_place(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await open_actions(pilot)
        await pilot.press("d")  # the overdue call, first in the list
        await settled(pilot)
        assert actions_of(store_path)["bact0001"][0] is ActionStatus.DONE
        assert [r.row.action.id for r in screen.shown] == ["gact0002", "bact0002", "ract0001"]  # done ones are not shown
        assert screen.target() is not None and screen.target().id == "gact0002"  # the next one is up

        await pilot.press("t")
        await pilot.pause()
        await answer(pilot, "")  # no date
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, "Goran")
        assert actions_of(store_path)["gact0002"] == (ActionStatus.OPEN, "Goran", None)
        row = next(line for line in screen_lines(app) if "Visit a store" in line)
        assert "Goran" in row and "no date" in row

        await pilot.press("s", "s", "s", "s")  # any status
        screen.table.move_cursor(row=screen.table.index_of("blue0001/bact0001"))
        await pilot.press("o")
        await settled(pilot)
        assert actions_of(store_path)["bact0001"][0] is ActionStatus.OPEN
        assert Store(store_path).index.summary("blue0001").open == 2  # the session's counts follow


async def test_the_actions_screen_shows_a_change_made_elsewhere_and_keeps_it(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await open_actions(pilot)
        Store(store_path).update_action("bact0001", status=ActionStatus.DONE)
        await pilot.press("w")
        await pilot.pause()
        await answer(pilot, "Ben")
        assert "changed elsewhere" in notices(app) and "it is done now" in notices(app)
        assert actions_of(store_path)["bact0001"] == (ActionStatus.DONE, "Ana", date(2025, 3, 1))
        assert "bact0001" not in [r.row.action.id for r in screen.shown]  # done now: not among the open ones


async def test_enter_on_an_action_opens_its_session(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_actions(pilot)
        screen.table.move_cursor(row=screen.table.index_of("green001/gact0002"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionViewScreen) and app.screen.session.id == "green001"


# --- a read-only store ----------------------------------------------------------------------------


@pytest.fixture
def read_only(store_path: Path, saved: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The store's folder refused for writing, told by `os.access` as the system would for anyone
    but root (who may write anywhere, so a real chmod proves nothing there)."""
    folder = store_folder(store_path)
    real_access = os.access

    def access(path, mode, **kwargs) -> bool:
        inside = Path(path) == folder or folder in Path(path).parents
        return False if inside and mode & os.W_OK else real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return store_bytes(store_path, locks=False)


async def test_a_read_only_store_is_reviewed_but_nothing_changes(store_path: Path, read_only: dict[str, bytes]) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        assert app.workspace.store.read_only
        await open_actions(pilot)
        for key in ("d", "x", "o", "t", "w"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, TextModal)
        assert "The store is read-only" in notices(app)
        await pilot.press("escape")
        await open_session(pilot, "blue0001")
        assert "The store is read-only" in shown(app)
        await pilot.press("d")
        await settled(pilot)
    assert store_bytes(store_path, locks=False) == read_only


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 555; the test above covers the path")
async def test_a_really_read_only_folder_is_reviewed_but_nothing_changes(store_path: Path, saved: Store) -> None:
    folder = store_folder(store_path)
    before = store_bytes(store_path, locks=False)
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")] if path.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        app = new_app(store_path, FakeClock())
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await open_actions(pilot)
            await pilot.press("d")
            await settled(pilot)
            assert "The store is read-only" in notices(app)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert store_bytes(store_path, locks=False) == before


# --- text from outside ----------------------------------------------------------------------------


async def test_markup_and_escape_codes_show_literally_everywhere(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_review(pilot)
        screen.table.move_cursor(row=screen.table.index_of("red00001"))
        await pilot.pause()
        seen = [shown(app)]
        assert "[bold]x[/] Red retro red" in seen[-1] and "[i]Red" in seen[-1]
        await pilot.press("enter")
        await pilot.pause()
        seen.append(shown(app))
        assert "[bold]x[/] Red retro red" in seen[-1] and "[red]Fix[/] the form" in seen[-1] and "by [b]Gus" in seen[-1]
        await pilot.press("escape")
        await open_actions(pilot)
        seen.append(shown(app))
        assert "[red]Fix[/] the form" in seen[-1] and "[b]Gus" in seen[-1]
    for text in seen:
        assert "\x1b" not in text and "[31m" not in text


# --- getting there --------------------------------------------------------------------------------


async def test_the_palette_offers_both_views(store_path: Path, saved: Store) -> None:
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(120, 30)) as pilot:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["Review sessions"].callback()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        commands["Actions across sessions"].callback()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)



async def test_progress_opens_from_home_for_every_team_and_from_review_for_the_highlighted_one(store_path: Path, saved: Store) -> None:
    """`p` on home shows every team; on the review screen, the highlighted session's team."""
    from facilitator.screens.progress import ProgressScreen

    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("p")
        await settled(pilot)
        assert isinstance(app.screen, ProgressScreen) and app.screen.team is None
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_review(pilot)
        screen.table.move_cursor(row=2)  # Blue in February
        await pilot.pause()
        await pilot.press("p")
        await settled(pilot)
        assert isinstance(app.screen, ProgressScreen) and app.screen.team == "Blue"
        assert "Blue" in shown(app)


async def choose_format(pilot, fmt: str) -> None:
    """Pick a format in the export question, by keys, and let the file be written."""
    from facilitator.exporting import SUFFIXES
    from facilitator.screens.modals import PickModal

    assert isinstance(pilot.app.screen, PickModal)
    offered = [choice.split(":", 1)[0] for choice in pilot.app.screen.choices]
    assert set(offered) <= set(SUFFIXES)
    await pilot.press(*["down"] * offered.index(fmt), "enter")
    await settled(pilot)


async def test_exports_from_the_review_screens_write_files_where_facilitator_started(
    store_path: Path, saved: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`e` on a session (in the review and in its view), `E` for its team, `e` on the action list."""
    import csv

    from facilitator.imports import read_sessions

    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.chdir(out)
    app = new_app(store_path, FakeClock())
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        screen = await open_review(pilot)
        screen.table.move_cursor(row=2)  # Blue in February
        await pilot.pause()
        await pilot.press("e")
        await choose_format(pilot, "json")
        [written] = out.glob("*.json")
        assert written.name == "Blue-in-February.json"
        assert [s.id for s in read_sessions(written.read_bytes())] == [saved.session(screen.table.current.summary.id).id]
        assert f"Wrote {written}" in notices(app)

        await pilot.press("E")
        await choose_format(pilot, "md")
        [history] = out.glob("Blue-history*.md")
        assert "Blue in February" in history.read_text(encoding="utf-8")

        await pilot.press("enter")  # the session itself
        await settled(pilot)
        assert isinstance(app.screen, SessionViewScreen)
        await pilot.press("e")
        await choose_format(pilot, "html")
        [report] = out.glob("*.html")
        assert "<title>" in report.read_text(encoding="utf-8") and "Blue in February" in report.read_text(encoding="utf-8")

        await pilot.press("escape", "escape")
        await pilot.pause()
        actions = await open_actions(pilot)
        await pilot.press("e")
        await choose_format(pilot, "csv")
        [listed] = out.glob("actions*.csv")
        rows = list(csv.DictReader(listed.read_text(encoding="utf-8-sig").splitlines()))
        assert len(rows) == len(actions.shown) and {r["status"] for r in rows} == {"open"}

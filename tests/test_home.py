"""The home screen at 80x24 and 200x50: every session readable in full, and abandoned ones put away."""

from __future__ import annotations

import errno
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import OptionList

from facilitator.app import make_app
from facilitator.models import Action, ActionStatus, Idea, Session, SessionStatus
from facilitator.screens.home import HomeScreen, session_row
from facilitator.screens.modals import ConfirmModal
from facilitator.screens.summary import SummaryScreen
from facilitator.store import Store
from facilitator.summaries import SessionSummary
from facilitator.workspace import Workspace
from tests.fakes import START, FakeClock
from tests.helpers import screen_lines, screen_text, settled

LONG_TITLE = "Bringing lost renewals into the weekly budget review, with support and sales"
ROW_START = re.compile(r"\d{4}-\d{2}-\d{2}")
assert len(LONG_TITLE) > 70  # longer than the room a title gets beside date and status at 80 columns


def save(store_path: Path, *sessions: Session) -> None:
    store = Store(store_path)
    for session in sessions:
        store.save_session(session)


def session(session_id: str, status: SessionStatus, days_ago: int, **fields) -> Session:
    """A session of the quick plan, resumable (it has a deck), `days_ago` before the fake clock's start."""
    fields.setdefault("title", f"Session {session_id}")
    return Session(
        id=session_id, plan="quick-reflection", decks=["top-of-mind"], status=status,
        created=START - timedelta(days=days_ago), **fields,
    )


def highlight(app, session_id: str) -> OptionList:
    """Put the list's cursor on one session and give the list the focus, as arrow keys would."""
    listing = app.screen.query_one("#sessions", OptionList)
    listing.focus()
    listing.highlighted = listing.get_option_index(session_id)
    return listing


def home(app) -> HomeScreen:
    assert isinstance(app.screen, HomeScreen)
    return app.screen


def row_of(app, session_id: str) -> str:
    """The screen text of one session's row: from its first line (date, status, title) to the next row."""
    title = next(s.title for s in home(app).sessions if s.id == session_id)
    lines = screen_lines(app)
    start = next(n for n, line in enumerate(lines) if title[:20] in line)
    end = next((n for n in range(start + 1, len(lines)) if ROW_START.search(lines[n]) or "──" in lines[n]), len(lines))
    return " ".join(" ".join(lines[start:end]).split())


async def test_a_long_title_is_shown_whole_at_80_columns(store_path: Path) -> None:
    save(store_path, session("long0001", SessionStatus.CLOSED, 1, title=LONG_TITLE, team="Blue"))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = " ".join(screen_lines(app)).split()
        assert all(word in shown for word in LONG_TITLE.split())
        assert "Blue" in shown


async def test_statuses_are_words_and_archived_ones_come_last(store_path: Path) -> None:
    save(
        store_path,
        session("arch0001", SessionStatus.ARCHIVED, 0, title="Put away"),
        session("live0001", SessionStatus.LIVE, 1, title="Still running"),
        session("done0001", SessionStatus.CLOSED, 2, title="Finished"),
    )
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert [s.id for s in home(app).sessions] == ["live0001", "done0001", "arch0001"]
        assert "live" in row_of(app, "live0001")
        assert "closed" in row_of(app, "done0001")
        assert "archived" in row_of(app, "arch0001")


async def test_open_actions_count_only_in_closed_sessions(store_path: Path) -> None:
    def actions(n: int) -> list[Action]:
        return [Action(text=f"action {i}") for i in range(n)]

    save(
        store_path,
        session("done0001", SessionStatus.CLOSED, 3, actions=[*actions(2), Action(text="settled", status=ActionStatus.DONE)],
                ideas=[Idea(text="an idea", round=0)]),
        session("live0001", SessionStatus.LIVE, 2, actions=actions(3)),
        session("arch0001", SessionStatus.ARCHIVED, 1, actions=actions(4)),
    )
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "2 open actions across 1 closed session" in screen_text(app)
        assert "1 idea · 2 open actions" in row_of(app, "done0001")
        assert "open action" not in row_of(app, "live0001")
        assert "open action" not in row_of(app, "arch0001")


async def test_the_decks_pane_shows_on_wide_screens_only(store_path: Path) -> None:
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#decks-pane").display
        assert "Decks (d to" not in screen_text(app)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await settled(pilot)  # the decks are loaded once the home screen has first shown
        assert app.screen.query_one("#decks-pane").display
        shown = screen_text(app)
        for deck in app.workspace.decks:
            assert deck.title in shown


async def test_the_sessions_show_before_the_store_is_open_and_the_rest_once_it_is(store_path: Path, monkeypatch) -> None:
    save(store_path, session("live0001", SessionStatus.LIVE, 1, title="Still running"), session("done0001", SessionStatus.CLOSED, 2))
    may_open = threading.Event()
    opened = Workspace._open_store

    def held(workspace: Workspace):
        assert may_open.wait(timeout=30), "the test never let the store open"
        return opened(workspace)

    monkeypatch.setattr(Workspace, "_open_store", held)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        assert not app.workspace.loaded and not home(app).view.whole
        assert [s.id for s in home(app).sessions] == ["live0001", "done0001"]
        assert "Still running" in screen_text(app) and app.screen.query_one("#resume").display
        assert "The customer on the agenda every day" not in screen_text(app)  # the decks come with the store
        may_open.set()
        await settled(pilot)
        assert app.workspace.loaded and home(app).view.whole
        assert "The customer on the agenda every day" in screen_text(app)


async def test_a_store_that_cannot_be_opened_stops_the_app_to_be_said_as_before_it(store_path: Path, monkeypatch) -> None:
    save(store_path)

    def refused(workspace: Workspace):
        raise PermissionError(errno.EACCES, "Permission denied", str(store_path))

    monkeypatch.setattr(Workspace, "_open_store", refused)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)):
        await app.workers.wait_for_complete()
    assert app.return_code == 1 and isinstance(app.store_error, PermissionError) and app.crash is None


async def test_a_archives_a_live_session_after_yes_and_r_no_longer_resumes_it(store_path: Path) -> None:
    save(store_path, session("live0001", SessionStatus.LIVE, 1, title="Abandoned on Friday"),
         session("done0001", SessionStatus.CLOSED, 2))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        highlight(app, "live0001")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settled(pilot)  # archived on a thread of its own
        assert Store(store_path).session("live0001").status is SessionStatus.ARCHIVED
        assert isinstance(app.screen, HomeScreen)
        assert "archived" in row_of(app, "live0001")
        assert not app.screen.query_one("#resume").display
        highlight(app, "live0001")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.live is None


async def test_no_on_the_question_keeps_the_session_live(store_path: Path) -> None:
    save(store_path, session("live0001", SessionStatus.LIVE, 1))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        highlight(app, "live0001")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert Store(store_path).session("live0001").status is SessionStatus.LIVE
        assert "live" in row_of(app, "live0001")


async def test_a_on_a_closed_session_is_greyed_and_does_nothing(store_path: Path) -> None:
    save(store_path, session("live0001", SessionStatus.LIVE, 1), session("done0001", SessionStatus.CLOSED, 2))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        highlight(app, "live0001")
        await pilot.pause()
        assert app.screen.active_bindings["a"].enabled
        highlight(app, "done0001")
        await pilot.pause()
        assert not app.screen.active_bindings["a"].enabled
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert Store(store_path).session("done0001").status is SessionStatus.CLOSED


async def test_r_resumes_the_newest_live_session_when_the_highlighted_one_is_archived(store_path: Path) -> None:
    save(store_path, session("arch0001", SessionStatus.ARCHIVED, 0), session("live0001", SessionStatus.LIVE, 5),
         session("live0002", SessionStatus.LIVE, 3))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        highlight(app, "arch0001")
        await pilot.press("r")
        await pilot.pause()
        assert app.live is not None and app.live.session.id == "live0002"


async def test_enter_on_an_archived_session_shows_its_summary(store_path: Path) -> None:
    save(store_path, session("arch0001", SessionStatus.ARCHIVED, 1, title="Put away in spring",
                             actions=[Action(text="Drafted, never agreed")]))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        highlight(app, "arch0001")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.live is None
        shown = screen_text(app)
        assert "Put away in spring" in shown and "never agreed" in shown
        assert Store(store_path).session("arch0001").status is SessionStatus.ARCHIVED


async def test_a_title_in_markup_shows_as_typed(store_path: Path) -> None:
    save(store_path, session("mark0001", SessionStatus.CLOSED, 1, title="[bold]x[/] and [red]y", team="[i]Blue"))
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "[bold]x[/] and [red]y" in shown and "[i]Blue" in shown


ROW_CASES = {
    "closed": (SessionStatus.CLOSED, LONG_TITLE, "Blue", ()),
    "live": (SessionStatus.LIVE, "Short", "", ()),
    "archived": (SessionStatus.ARCHIVED, "Put away " * 9, "Green", ()),
    "damaged": (SessionStatus.LIVE, "Half read", "Red", ("ideas[3].text", "votes")),
    "wide characters": (SessionStatus.CLOSED, "振り返り 😀 " * 6, "チーム", ()),
    "one long word": (SessionStatus.CLOSED, "x" * 130, "y" * 90, ()),
}


@pytest.mark.parametrize("case", list(ROW_CASES))
def test_a_row_draws_as_the_grid_it_stands_for(case: str) -> None:
    from rich.console import Console

    status, title, team, damage = ROW_CASES[case]
    summary = SessionSummary(
        id="row00001", created=START, updated=START, title=title, team=team, facilitator="", plan="quick-reflection",
        decks=(), routines=(), status=status, ideas=3, clusters=0, actions=2, done=0, open=2, dropped=0, damage=damage,
    )
    row = session_row(summary, damage)
    console = Console(width=220, color_system="truecolor")
    for width in range(1, 211):
        options = console.options.update_width(width)
        assert console.render_lines(row, options) == console.render_lines(row.as_grid(), options), width

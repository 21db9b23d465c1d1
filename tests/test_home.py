"""The home screen at 80x24 and 200x50: every session readable in full, and abandoned ones put away."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from textual.widgets import OptionList

from facilitator.app import make_app
from facilitator.models import Action, ActionStatus, Idea, Session, SessionStatus
from facilitator.screens.home import HomeScreen
from facilitator.screens.modals import ConfirmModal
from facilitator.screens.summary import SummaryScreen
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import START, FakeClock
from tests.helpers import screen_lines, screen_text

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
        assert "Decks" not in screen_text(app)
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#decks-pane").display
        shown = screen_text(app)
        for deck in app.workspace.decks:
            assert deck.title in shown


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
        await pilot.pause()
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

"""Set-up refuses, in one line and before any session exists, decks that cannot deal the plan's
cards with the routines picked; and the engine's start saves nothing in that case either."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Select, Static

from facilitator.app import make_app
from facilitator.catalog import load_decks, load_plans
from facilitator.draw import CannotDeal, dealing_problem
from facilitator.engine import live as live_module
from facilitator.engine.live import LiveSession
from facilitator.models import CardKind, Deck, Plan, PromptCard
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import PickList, SetupScreen
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import screen_lines, settled
from tests.room import Room

ROUTINE_ONLY = """
id = "routines-only"
title = "Routines [b]only[/b]"
trait = "t"
summary = "Every card asks about one of the team's routines."
[[prompts]]
id = "r1"
kind = "routine"
text = "Where is the customer in {routine}?"
[[prompts]]
id = "r2"
kind = "routine"
text = "Who speaks for the customer in {routine}?"
"""
ROUTINE_ONLY_LINE = "Deck “Routines [b]only[/b]” has only routine cards, and no routine is picked: pick a routine, or leave the deck out."
SCAN_LINE = "Agenda and voices shows routine cards, and no routine is picked: pick at least one routine."


def deck(deck_id: str, *kinds: str) -> Deck:
    prompts = [
        PromptCard(id=f"c{n}", kind=CardKind(kind), text="In {routine}?" if kind == "routine" else f"Card {n}?")
        for n, kind in enumerate(kinds)
    ]
    return Deck(id=deck_id, title=deck_id.title(), trait="t", summary="s", prompts=prompts)


def plan(*phases: dict) -> Plan:
    return Plan.model_validate({"id": "p", "title": "P", "minutes": 2 * len(phases), "phases": [{"minutes": 2, **p} for p in phases]})


# --- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decks", "routines", "phases", "problem"),
    [
        ([deck("mixed", "question", "routine")], [], [{"kind": "diverge"}], None),
        ([deck("routines", "routine")], ["stand-up"], [{"kind": "diverge"}], None),
        ([deck("routines", "routine")], [], [{"kind": "vote"}], None),  # no round draws a card
        ([deck("routines", "routine")], [], [{"kind": "warm-up"}], "Deck “Routines” has only routine cards"),
        (
            [deck("plain", "question"), deck("routines", "routine")], [], [{"kind": "diverge"}],
            "Deck “Routines” has only routine cards",  # the decks take turns: its turn would fail
        ),
        (  # a phase that keeps to its own deck never reaches the routine-only one
            [deck("plain", "question"), deck("routines", "routine")], [], [{"kind": "diverge", "decks": ["plain"]}], None,
        ),
        (  # a phase asking for questions passes the routine-only deck over
            [deck("plain", "question"), deck("routines", "routine")], [], [{"kind": "diverge", "kinds": ["question"]}], None,
        ),
        ([deck("mixed", "question", "routine")], [], [{"kind": "diverge", "kinds": ["routine"]}], "Diverge shows routine cards"),
        ([deck("mixed", "question", "routine")], ["stand-up"], [{"kind": "diverge", "kinds": ["routine"]}], None),
        ([deck("plain", "question")], [], [{"kind": "diverge", "kinds": ["routine"]}], None),  # no routine card to show: any card will do
        ([], ["stand-up"], [{"kind": "diverge"}], "Pick at least one deck."),
    ],
)
def test_which_decks_and_routines_can_deal_a_plan(decks: list[Deck], routines: list[str], phases: list[dict], problem: str | None) -> None:
    found = dealing_problem(plan(*phases), decks, routines)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem) and "\n" not in found


def test_the_routine_scan_needs_routines() -> None:
    decks, plans = load_decks(), load_plans()
    scan = plans.get("routine-scan")
    chosen = [decks.get(d) for d in scan.decks]
    assert dealing_problem(scan, chosen, []) == SCAN_LINE
    assert dealing_problem(scan, chosen, ["daily stand-up"]) is None


# --- the engine -----------------------------------------------------------------------------------


def test_start_refuses_decks_that_cannot_deal_and_saves_nothing(room: Room) -> None:
    only = deck("routines", "routine")
    quick = room.plan("quick-reflection")
    session = room.session(decks=["routines"], routines=[])
    with pytest.raises(CannotDeal, match="has only routine cards"):
        LiveSession.start(session, quick, [only], room.store, room.clock)
    assert Store(room.store_path).sessions() == []
    assert list(room.store.journal_dir.glob("*.jsonl")) == []


def test_a_first_card_that_cannot_be_drawn_leaves_no_session_behind(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the check ever miss a case, the start still keeps no empty session."""
    monkeypatch.setattr(live_module, "dealing_problem", lambda *args: None)
    only = deck("routines", "routine")
    session = room.session(decks=["routines"], routines=[])
    with pytest.raises(CannotDeal):
        LiveSession.start(session, room.plan("quick-reflection"), [only], room.store, room.clock)
    assert Store(room.store_path).sessions() == []
    assert list(room.store.journal_dir.glob("*.jsonl")) == []


# --- set-up ---------------------------------------------------------------------------------------


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "routines-only.toml").write_text(ROUTINE_ONLY, encoding="utf-8")
    return folder


def error_line(app) -> str:
    """The set-up's error line as a person reads it (wrapped lines joined)."""
    field = app.screen.query_one("#setup-error", Static)
    if not field.display:
        return ""
    region = field.content_region
    lines = screen_lines(app)
    return " ".join(" ".join(lines[y][region.x : region.right] for y in range(region.y, region.bottom)).split())


async def open_setup(pilot) -> SetupScreen:
    await pilot.press("n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_routine_only_deck_without_routines_is_refused_in_one_line_and_nothing_is_saved(
    store_path: Path, deck_dir: Path, size: tuple[int, int]
) -> None:
    app = make_app(Workspace(store_path=store_path, deck_dirs=[deck_dir]), FakeClock())
    async with app.run_test(size=size) as pilot:
        screen = await open_setup(pilot)
        decks = screen.query_one("#decks", PickList)
        decks.deselect_all()
        decks.select("routines-only")
        screen.query_one("#routines", PickList).deselect_all()  # the routines box cleared
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen is screen and app.live is None
        assert error_line(app) == ROUTINE_ONLY_LINE  # its title shown as typed, not as markup
        assert "\n" not in str(screen.query_one("#setup-error", Static).content)
        assert Store(store_path).sessions() == []
        assert not list(Store(store_path).journal_dir.glob("*.jsonl"))

        routines = screen.query_one("#routines", PickList)  # pick one routine: now it starts
        routines.select(routines.get_option_at_index(0).value)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, RoundScreen) and app.live is not None
        current = app.live.session.rounds[-1]
        assert current.deck == "routines-only" and current.routine == routines.get_option_at_index(0).value
        assert [s.id for s in Store(store_path).sessions()] == [app.live.session.id]


async def test_a_routine_scan_without_routines_is_refused(store_path: Path) -> None:
    app = make_app(Workspace(store_path=store_path), FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_setup(pilot)
        screen.query_one("#plan", Select).value = "routine-scan"
        await pilot.pause()
        screen.query_one("#routines", PickList).deselect_all()
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen is screen and app.live is None
        assert error_line(app) == SCAN_LINE
        assert Store(store_path).sessions() == []

"""The routine-by-trait map: which routine met which trait's card, and how many ideas each pair drew."""

from __future__ import annotations

import subprocess
import sys

import pytest

from facilitator.models import Action, Idea, Round, Session, SessionStatus
from facilitator.routine_map import HotSpot, routine_map
from facilitator.vocabulary import PromptKind

HOSTILE = "[bold]x[/] | review"
ROUTINES = ["daily stand-up", "weekly team meeting", "one-to-ones", "hiring interviews", HOSTILE]
DECKS = ["top-of-mind", "listen-and-talk", "frontline", "metrics"]
TRAITS = {
    "top-of-mind": "Customer on the agenda",
    "listen-and-talk": "Listen directly",
    "frontline": "Learn from the frontline",
    "metrics": "Act on metrics",
}
SHOWN: list[tuple[str | None, str | None, int]] = [
    ("top-of-mind", None, 2),  # the warm-up's question: no routine
    ("listen-and-talk", "daily stand-up", 1),
    ("top-of-mind", "weekly team meeting", 3),
    (None, None, 2),  # a card built on an idea
    ("frontline", "weekly team meeting", 3),
    ("metrics", HOSTILE, 0),
    ("top-of-mind", "daily stand-up", 1),
]
"""Each round's deck, routine and the ideas called out in it."""


def a_round(index: int, deck: str | None, routine: str | None) -> Round:
    kind = PromptKind.BUILD_ON if deck is None else PromptKind.ROUTINE if routine else PromptKind.QUESTION
    return Round(index=index, phase=min(index, 1), kind=kind, text=f"card {index}", deck=deck, routine=routine, seconds=120)


def scan_session(
    shown: list[tuple[str | None, str | None, int]] = SHOWN,
    routines: list[str] = ROUTINES,
    actions: list[str | None] | None = None,
    **fields: object,
) -> Session:
    """A finished routine scan: `shown` rounds with their ideas, and actions in these routines."""
    rounds = [a_round(n, deck, routine) for n, (deck, routine, _) in enumerate(shown)]
    ideas = [Idea(text=f"idea {n}.{i}", round=n) for n, (_, _, count) in enumerate(shown) for i in range(count)]
    placed = ["weekly team meeting", "weekly team meeting", "one-to-ones", None] if actions is None else actions
    values: dict[str, object] = {
        "id": "scan0001", "title": "Routine scan, March", "team": "Blue", "plan": "routine-scan",
        "status": SessionStatus.CLOSED, "decks": DECKS, "routines": routines, "rounds": rounds, "ideas": ideas,
        "actions": [Action(text=f"action {n}", routine=routine) for n, routine in enumerate(placed)],
    }
    values.update(fields)
    return Session.model_validate(values)


def grid(session: Session, traits: dict[str, str] | None = TRAITS) -> list[list[int]]:
    found = routine_map(session, traits)
    return [[found.count(routine, trait) for trait in found.traits] for routine in found.routines]


def test_rows_follow_the_session_routines_and_columns_its_decks() -> None:
    found = routine_map(scan_session(), TRAITS)
    assert found.routines == ("daily stand-up", "weekly team meeting", HOSTILE)
    assert found.traits == ("Customer on the agenda", "Listen directly", "Learn from the frontline", "Act on metrics")


def test_each_cell_counts_the_ideas_of_the_rounds_that_showed_that_pair() -> None:
    assert grid(scan_session()) == [
        [1, 1, 0, 0],
        [3, 0, 3, 0],
        [0, 0, 0, 0],
    ]


def test_a_pair_that_met_and_drew_nothing_is_told_from_one_that_never_met() -> None:
    found = routine_map(scan_session(), TRAITS)
    assert found.ideas[(HOSTILE, "Act on metrics")] == 0
    assert (HOSTILE, "Listen directly") not in found.ideas
    assert found.count(HOSTILE, "Listen directly") == 0


def test_ideas_of_a_card_built_on_an_idea_or_without_a_routine_are_not_counted() -> None:
    found = routine_map(scan_session(), TRAITS)
    assert sum(found.ideas.values()) == 8  # of the 12 ideas: 2 in the warm-up, 2 on the built-on card
    only_unplaced = scan_session([("top-of-mind", None, 4), (None, None, 3)])
    assert routine_map(only_unplaced, TRAITS).routines == ()
    assert routine_map(only_unplaced, TRAITS).ideas == {}


def test_actions_are_counted_per_routine_whether_or_not_it_met_a_card() -> None:
    found = routine_map(scan_session(), TRAITS)
    assert found.actions == {"weekly team meeting": 2, "one-to-ones": 1}


def test_routines_that_met_no_card_are_named_in_the_session_order() -> None:
    assert routine_map(scan_session(), TRAITS).unmet == ("one-to-ones", "hiring interviews")
    everyone_met = scan_session(routines=["daily stand-up", "weekly team meeting", HOSTILE])
    assert routine_map(everyone_met, TRAITS).unmet == ()


def test_the_hot_spots_are_every_cell_with_most_ideas_row_by_row() -> None:
    assert routine_map(scan_session(), TRAITS).hot_spots == (
        HotSpot("weekly team meeting", "Customer on the agenda", 3),
        HotSpot("weekly team meeting", "Learn from the frontline", 3),
    )
    silent = scan_session([(deck, routine, 0) for deck, routine, _ in SHOWN])
    assert routine_map(silent, TRAITS).hot_spots == ()


def test_a_deck_without_a_known_trait_is_named_by_its_id() -> None:
    found = routine_map(scan_session(), {"frontline": "Learn from the frontline"})
    assert found.traits == ("top-of-mind", "listen-and-talk", "Learn from the frontline", "metrics")
    assert routine_map(scan_session()).traits == tuple(DECKS)


def test_two_decks_about_one_trait_share_a_column() -> None:
    same = {**TRAITS, "listen-and-talk": "Customer on the agenda"}
    found = routine_map(scan_session(), same)
    assert found.traits == ("Customer on the agenda", "Learn from the frontline", "Act on metrics")
    assert found.count("daily stand-up", "Customer on the agenda") == 2


def test_a_routine_or_deck_the_session_no_longer_lists_still_has_its_place_after_the_others() -> None:
    shown = [*SHOWN, ("a-client-deck", "the Friday walk-round", 2)]
    found = routine_map(scan_session(shown, decks=["metrics"], routines=["weekly team meeting", "daily stand-up"]), TRAITS)
    assert found.routines == ("weekly team meeting", "daily stand-up", HOSTILE, "the Friday walk-round")
    assert found.traits == ("Act on metrics", "Listen directly", "Customer on the agenda", "Learn from the frontline", "a-client-deck")


def test_routine_names_are_kept_exactly_as_typed() -> None:
    hostile = ["[bold]x[/]", "a | b", "[link=http://x]y[/link]"]
    shown: list[tuple[str | None, str | None, int]] = [("metrics", name, 1) for name in hostile]
    found = routine_map(scan_session(shown, routines=hostile), TRAITS)
    assert found.routines == tuple(hostile)
    assert [found.count(name, "Act on metrics") for name in hostile] == [1, 1, 1]


@pytest.mark.parametrize(
    ("shown", "worth"),
    [
        (SHOWN, True),
        ([("metrics", "daily stand-up", 3), ("metrics", "daily stand-up", 1)], False),  # one routine, one trait
        ([("metrics", "daily stand-up", 3), ("metrics", "one-to-ones", 1)], True),  # two routines
        ([("metrics", "daily stand-up", 3), ("frontline", "daily stand-up", 1)], True),  # two traits
        ([("metrics", None, 3), ("frontline", None, 1), (None, None, 2)], False),  # no routine card at all
        ([], False),
    ],
    ids=["scan", "one-pair", "two-routines", "two-traits", "no-routine-cards", "nothing"],
)
def test_a_map_is_worth_showing_with_two_routines_or_two_traits(shown: list[tuple[str | None, str | None, int]], worth: bool) -> None:
    assert routine_map(scan_session(shown), TRAITS).worth_showing is worth


def test_the_module_loads_without_textual() -> None:
    code = "import sys, facilitator.routine_map; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_routine_scan_run_by_the_engine_maps_its_routine_cards(room) -> None:
    """The shipped plan, dealt for real: the map holds every idea of a routine card, none other."""
    plan = room.plan("routine-scan")
    live = room.start("routine-scan", routines=ROUTINES[:4])
    while live.phase.kind.value in ("warm-up", "diverge"):
        live.add_idea(f"an idea in round {live.session.rounds[-1].index}")
        live.next_round()
    session = live.session
    traits = {deck.id: deck.trait for deck in room.decks}
    found = routine_map(session, traits)

    diverge_rounds = sum(phase.rounds for phase in plan.phases if phase.kind.value == "diverge")
    routine_rounds = [r for r in session.rounds if r.routine]
    assert len(routine_rounds) == diverge_rounds  # every diverge round of the scan shows a routine card
    assert found.routines == tuple(r for r in ROUTINES[:4] if r in {r.routine for r in routine_rounds})
    assert found.traits == tuple(traits[deck] for deck in plan.decks)
    assert sum(found.ideas.values()) == diverge_rounds  # the warm-up's idea is not on the map
    assert found.worth_showing

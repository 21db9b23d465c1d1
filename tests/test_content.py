"""The shipped content: the fifteen English trait decks, the decks in other languages, the plans,
and how the CLI lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.catalog import builtin_dir, load_decks, load_layers, load_plans
from facilitator.cli import main
from facilitator.models import CardKind, Deck, PhaseKind, Plan
from facilitator.routines import DEFAULT_ROUTINES

TRAIT_IDS = (
    "top-of-mind",
    "listen-and-talk",
    "customer-first",
    "cross-functional",
    "frontline",
    "hire-and-grow",
    "metrics",
    "vision",
    "lead-by-example",
    "feedback-to-strategy",
    "decide-as-customer",
    "ex-and-cx",
    "execution",
    "culture",
    "priorities-incentives",
)
"""The trait catalogue's ids, as in the table of shared/TRAITS.md."""

TRAITS_MD = Path(__file__).parents[2] / "shared" / "TRAITS.md"

TRAITS_IN_OTHER_LANGUAGES = {
    ("nl", "De klant staat elke dag op de agenda"): "top-of-mind",
}
"""A trait as a deck in another language names it, with the catalogue id of the trait it is.
A new deck in another language adds its trait here, saying which of the fifteen it is about."""

PLANS = {
    "quick-reflection": 20,
    "snelle-reflectie-nl": 20,
    "routine-scan": 45,
    "leadership-workshop": 90,
    "follow-up": 30,
    "people-routines": 45,
    "customer-journey": 45,
}

MIN_CARDS = 12


def trait_ids_in(markdown: str) -> list[str]:
    """The first column of the first markdown table, without its header and rule."""
    ids: list[str] = []
    for line in markdown.splitlines():
        if not line.startswith("|"):
            if ids:
                break
            continue
        first = line.strip("|").split("|")[0].strip()
        if first == "id" or re.fullmatch(r":?-+:?", first):
            continue
        ids.append(first)
    return ids


@pytest.fixture
def decks() -> dict[str, Deck]:
    """The decks as the app loads them (the user's folder is empty here, see conftest)."""
    catalog = load_decks()
    assert catalog.problems == []
    return catalog.items


@pytest.fixture
def plans() -> dict[str, Plan]:
    catalog = load_plans()
    assert catalog.problems == []
    return catalog.items


# Collected from the built-in folder alone: collection runs before the fixture that hides the
# user's own config folder.
BUILTIN_DECKS = load_layers(Deck, [builtin_dir("prompts")]).items

ROUTINE_CARDS = [
    pytest.param(deck.id, card.id, id=f"{deck.id}:{card.id}")
    for deck in BUILTIN_DECKS.values()
    for card in deck.prompts
    if card.kind is CardKind.ROUTINE
]

OTHER_LANGUAGE_DECKS = sorted(deck.id for deck in BUILTIN_DECKS.values() if deck.language != "en")


# --- every shipped file validates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "load"), [("prompts", load_decks), ("sessions", load_plans)], ids=["decks", "plans"]
)
def test_every_shipped_file_loads_without_problems(folder: str, load) -> None:
    catalog = load()
    files = sorted(builtin_dir(folder).glob("*.toml"))
    assert catalog.problems == [], [str(p) for p in catalog.problems]
    assert files, f"no files in {builtin_dir(folder)}"
    assert sorted(p.resolve() for p in catalog.origins.values()) == [p.resolve() for p in files]


def test_each_file_is_named_after_its_id() -> None:
    for catalog in (load_decks(), load_plans()):
        for item_id, path in catalog.origins.items():
            assert path.stem == item_id


# --- the trait decks ------------------------------------------------------------------------


def test_hard_coded_trait_ids_match_the_catalogue() -> None:
    if not TRAITS_MD.is_file():
        pytest.skip(f"{TRAITS_MD} is not beside the project")
    assert trait_ids_in(TRAITS_MD.read_text(encoding="utf-8")) == list(TRAIT_IDS)


def test_the_english_decks_are_exactly_the_traits(decks: dict[str, Deck]) -> None:
    assert sorted(deck.id for deck in decks.values() if deck.language == "en") == sorted(TRAIT_IDS)


@pytest.mark.parametrize("trait_id", TRAIT_IDS)
def test_trait_deck_is_complete(decks: dict[str, Deck], trait_id: str) -> None:
    deck = decks[trait_id]
    assert len(deck.prompts) >= MIN_CARDS
    assert {card.kind for card in deck.prompts} == set(CardKind)
    assert deck.sources, "a deck names the article(s) it comes from"
    assert all(source.title.strip() for source in deck.sources)


def test_the_other_decks_are_in_other_languages(decks: dict[str, Deck]) -> None:
    assert sorted(set(decks) - set(TRAIT_IDS)) == OTHER_LANGUAGE_DECKS


@pytest.mark.parametrize("deck_id", OTHER_LANGUAGE_DECKS)
def test_a_deck_in_another_language_is_about_one_of_the_traits(decks: dict[str, Deck], deck_id: str) -> None:
    deck = decks[deck_id]
    trait_id = TRAITS_IN_OTHER_LANGUAGES.get((deck.language, deck.trait))
    assert trait_id in TRAIT_IDS, f"{deck_id}: which trait is {deck.trait!r}? Add it to TRAITS_IN_OTHER_LANGUAGES"
    assert len(deck.prompts) >= MIN_CARDS
    assert {card.kind for card in deck.prompts} == set(CardKind)
    assert deck.sources, "a deck names the article(s) it comes from"
    assert all(source.title.strip() for source in deck.sources)


def test_a_deck_in_another_language_ships_with_a_plan_that_uses_it(
    decks: dict[str, Deck], plans: dict[str, Plan]
) -> None:
    used = {
        deck_id
        for plan in plans.values()
        for deck_id in [*plan.decks, *(d for phase in plan.phases for d in phase.decks)]
        if decks[deck_id].language != "en"
    }
    assert used, "no plan uses a deck in a language other than English"
    for deck_id in sorted(used):
        unsourced = [card.id for card in decks[deck_id].prompts if not card.source]
        assert unsourced == [], f"{deck_id}: cards without a source: {unsourced}"


@pytest.mark.parametrize("deck_id", sorted(BUILTIN_DECKS))
def test_most_routine_cards_suit_any_routine(decks: dict[str, Deck], deck_id: str) -> None:
    """A routine of no known kind (a name in the team's own words, in any language) draws only
    the routine cards without `fits`: at least half of a deck's routine cards must suit it."""
    routine_cards = [card for card in decks[deck_id].prompts if card.kind is CardKind.ROUTINE]
    for_any = [card for card in routine_cards if card.suits(frozenset())]
    assert 2 * len(for_any) >= len(routine_cards), [card.id for card in routine_cards if card not in for_any]


@pytest.mark.parametrize(("deck_id", "card_id"), ROUTINE_CARDS)
def test_routine_card_renders_with_every_default_routine(
    decks: dict[str, Deck], deck_id: str, card_id: str
) -> None:
    card = decks[deck_id].card(card_id)
    for routine in DEFAULT_ROUTINES:
        shown = card.render(routine)
        assert routine in shown
        assert "{" not in shown and "}" not in shown, shown


def test_there_are_routine_cards_to_render() -> None:
    assert len(ROUTINE_CARDS) >= len(TRAIT_IDS)


# --- the plans ------------------------------------------------------------------------------


@pytest.mark.parametrize(("plan_id", "minutes"), PLANS.items())
def test_plan_runs_for_its_minutes_and_its_phases_add_up(
    plans: dict[str, Plan], plan_id: str, minutes: int
) -> None:
    plan = plans[plan_id]
    assert plan.minutes == minutes
    assert sum(phase.minutes for phase in plan.phases) == minutes


@pytest.mark.parametrize("plan_id", PLANS)
def test_rounds_split_their_phase_without_losing_seconds(plans: dict[str, Plan], plan_id: str) -> None:
    for phase in plans[plan_id].phases:
        assert phase.round_seconds * phase.rounds == phase.minutes * 60, phase.label


@pytest.mark.parametrize("plan_id", PLANS)
def test_plan_ends_with_actions_and_a_close(plans: dict[str, Plan], plan_id: str) -> None:
    kinds = [phase.kind for phase in plans[plan_id].phases]
    assert kinds[-1] is PhaseKind.CLOSE
    assert PhaseKind.ACT in kinds
    assert kinds.index(PhaseKind.VOTE) < kinds.index(PhaseKind.ACT)


@pytest.mark.parametrize(("plan_id", "follows_up"), [(p, p == "follow-up") for p in PLANS])
def test_only_the_follow_up_plan_opens_with_the_earlier_actions(
    plans: dict[str, Plan], plan_id: str, follows_up: bool
) -> None:
    plan = plans[plan_id]
    assert (plan.phases[0].kind is PhaseKind.FOLLOW_UP) is follows_up
    assert plan.has_follow_up is follows_up


@pytest.mark.parametrize("plan_id", PLANS)
def test_every_deck_a_plan_names_exists(decks: dict[str, Deck], plans: dict[str, Plan], plan_id: str) -> None:
    plan = plans[plan_id]
    named = set(plan.decks) | {deck for phase in plan.phases for deck in phase.decks}
    assert plan.decks, "a plan suggests decks at set-up"
    assert named <= set(decks), sorted(named - set(decks))


# --- the command line lists them ------------------------------------------------------------


def listed_ids(output: str) -> list[str]:
    header, *rows = output.strip().splitlines()
    assert header.split()[0] == "ID"
    return [row.split()[0] for row in rows]


def test_every_shipped_deck_is_in_at_least_one_plan(decks: dict[str, Deck], plans: dict[str, Plan]) -> None:
    used = {d for plan in plans.values() for d in [*plan.decks, *(d for phase in plan.phases for d in phase.decks)]}
    assert set(decks) <= used, sorted(set(decks) - used)


@pytest.mark.parametrize("plan_id", PLANS)
def test_every_plan_says_who_it_is_for_and_gives_converging_time(plans: dict[str, Plan], plan_id: str) -> None:
    plan = plans[plan_id]
    assert re.search(r"\b(for|voor)\b", plan.summary, re.IGNORECASE), "the summary says who the plan is for"
    diverge = sum(p.minutes for p in plan.phases if p.kind is PhaseKind.DIVERGE)
    converge = sum(p.minutes for p in plan.phases if p.kind is PhaseKind.CONVERGE)
    assert converge * 3 >= diverge, f"{converge} minutes of converging after {diverge} of diverging"


def test_a_people_plan_suggests_the_people_routines(plans: dict[str, Plan]) -> None:
    assert set(plans["people-routines"].routines) == {"hiring interviews", "onboarding of new staff", "one-to-ones", "performance reviews"}


def test_decks_list_shows_the_trait_decks_and_the_other_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert listed_ids(out) == sorted([*TRAIT_IDS, *OTHER_LANGUAGE_DECKS])


def test_plans_list_shows_the_built_in_plans_shortest_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plans", "list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert listed_ids(out) == sorted(PLANS, key=lambda plan: (PLANS[plan], plan))


@pytest.mark.parametrize("seed", range(20))
def test_the_routine_scan_brings_every_routine_to_at_least_two_traits(tmp_path: Path, seed: int) -> None:
    """With the five routines its summary asks for, each routine meets a deck of each diverge phase."""
    from facilitator.engine.live import LiveSession
    from facilitator.models import PhaseKind, Session
    from facilitator.routines import DEFAULT_ROUTINES
    from facilitator.store import Store

    decks, plans = load_decks(), load_plans()
    plan = plans.get("routine-scan")
    routines = list(DEFAULT_ROUTINES[:5])
    session = Session(title="scan", plan=plan.id, decks=plan.decks, routines=routines, seed=seed)
    live = LiveSession.start(session, plan, [decks.get(d) for d in plan.decks], Store(tmp_path / "store.json"))
    while live.phase.kind in (PhaseKind.WARM_UP, PhaseKind.DIVERGE):
        live.next_round()
    met: dict[str, set[str]] = {routine: set() for routine in routines}
    for shown in live.session.rounds:
        if shown.routine:
            met[shown.routine].add(shown.deck)
    assert all(len(traits) >= 2 for traits in met.values()), met
    diverge = [r for r in live.session.rounds if plan.phases[r.phase].kind is PhaseKind.DIVERGE]
    assert diverge and all(r.kind.value == "routine" for r in diverge)


@pytest.mark.parametrize("seed", range(10))
def test_the_routine_scan_keeps_its_promise_through_skips_and_a_resume(tmp_path: Path, seed: int) -> None:
    """Skipping a card keeps its routine and deck; a resumed session goes on with the cycle."""
    from facilitator.engine.live import LiveSession
    from facilitator.models import PhaseKind, Session
    from facilitator.routines import DEFAULT_ROUTINES
    from facilitator.store import Store

    decks, plans = load_decks(), load_plans()
    plan = plans.get("routine-scan")
    chosen = [decks.get(d) for d in plan.decks]
    routines = list(DEFAULT_ROUTINES[:5])
    store = Store(tmp_path / "store.json")
    session = Session(title="scan", plan=plan.id, decks=plan.decks, routines=routines, seed=seed)
    live = LiveSession.start(session, plan, chosen, store)
    for step in range(40):
        if live.phase.kind not in (PhaseKind.WARM_UP, PhaseKind.DIVERGE):
            break
        if step % 3 == 1:
            before = live.current_round
            live.skip_card()
            after = live.current_round
            assert after.prompt != before.prompt or after.deck != before.deck
            assert (after.routine, after.deck) == (before.routine, before.deck) or before.routine is None
        if step == 5:  # the process dies; a new one resumes from the store and the journal
            live = LiveSession.resume(store.session(session.id), plan, chosen, Store(tmp_path / "store.json"))
        live.next_round()
    met: dict[str, set[str]] = {routine: set() for routine in routines}
    for shown in live.session.rounds:
        if shown.routine:
            met[shown.routine].add(shown.deck)
    assert all(len(traits) >= 2 for traits in met.values()), met

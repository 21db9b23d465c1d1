"""Draw rules: no repeats within a pool, decks in turn, routines in turn, replayable by seed."""

from __future__ import annotations

import pytest

from facilitator.draw import CardDrawer, DrawnCard
from facilitator.models import CardKind, Deck, PromptCard

SEEDS = [0, 1, 7, 2024]
ROUTINES = ["daily stand-up", "weekly team meeting", "one-to-ones", "budget review", "hiring interviews"]


def make_deck(deck_id: str, questions: int = 0, routine_cards: int = 0) -> Deck:
    """A deck with the given number of question cards and routine cards."""
    cards = [
        PromptCard(id=f"{deck_id}-q{i}", kind=CardKind.QUESTION, text=f"Question {i} of {deck_id}?")
        for i in range(questions)
    ] + [
        PromptCard(id=f"{deck_id}-r{i}", kind=CardKind.ROUTINE, text=f"Card {i}: in the {{routine}}?")
        for i in range(routine_cards)
    ]
    return Deck(id=deck_id, title=deck_id.title(), trait="A trait", summary="A summary", prompts=cards)


def draw_many(drawer: CardDrawer, count: int, deck_ids: list[str] | None = None) -> list[DrawnCard]:
    return [drawer.draw(deck_ids) for _ in range(count)]


def signature(drawn: list[DrawnCard]) -> list[tuple[str, str, str | None]]:
    return [(d.deck.id, d.card.id, d.routine) for d in drawn]


# --- no repeats --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("questions", "routine_cards"), [(1, 0), (2, 0), (5, 0), (6, 4), (0, 3)])
def test_no_card_repeats_until_the_pool_is_used_up(seed: int, questions: int, routine_cards: int) -> None:
    deck = make_deck("deck", questions, routine_cards)
    size = len(deck.prompts)
    drawer = CardDrawer([deck], ROUTINES, seed)

    first = [d.card.id for d in draw_many(drawer, size)]
    second = [d.card.id for d in draw_many(drawer, size)]

    every_card = {card.id for card in deck.prompts}
    assert len(set(first)) == size and set(first) == every_card
    assert len(set(second)) == size and set(second) == every_card


@pytest.mark.parametrize("seed", SEEDS)
def test_each_deck_keeps_its_own_pool_while_decks_alternate(seed: int) -> None:
    small, large = make_deck("small", 2), make_deck("large", 5)
    drawer = CardDrawer([small, large], ROUTINES, seed)

    drawn = draw_many(drawer, 10)

    large_ids = [d.card.id for d in drawn if d.deck.id == "large"]
    small_ids = [d.card.id for d in drawn if d.deck.id == "small"]
    assert sorted(large_ids) == sorted(card.id for card in large.prompts)
    assert len(set(small_ids[0:2])) == len(set(small_ids[2:4])) == 2


# --- decks take turns --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_decks_take_turns(seed: int) -> None:
    decks = [make_deck("alpha", 3), make_deck("beta", 1), make_deck("gamma", 4)]
    drawer = CardDrawer(decks, ROUTINES, seed)

    drawn = draw_many(drawer, 9)

    assert [d.deck.id for d in drawn] == ["alpha", "beta", "gamma"] * 3


def test_a_round_can_draw_from_some_decks_in_turn() -> None:
    decks = [make_deck("alpha", 3), make_deck("beta", 3), make_deck("gamma", 3)]
    drawer = CardDrawer(decks, ROUTINES, seed=3)

    drawn = draw_many(drawer, 4, deck_ids=["beta", "gamma"])

    assert [d.deck.id for d in drawn] == ["beta", "gamma", "beta", "gamma"]


# --- routines take turns -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("routine_count", [1, 2, 3, 5])
def test_every_routine_comes_up_before_any_repeats(seed: int, routine_count: int) -> None:
    routines = ROUTINES[:routine_count]
    drawer = CardDrawer([make_deck("routines-only", routine_cards=3)], routines, seed)

    shown = [d.routine for d in draw_many(drawer, routine_count * 4)]

    for start in range(0, len(shown), routine_count):
        assert sorted(shown[start : start + routine_count]) == sorted(routines)


@pytest.mark.parametrize("seed", SEEDS)
def test_routines_take_turns_across_mixed_decks(seed: int) -> None:
    decks = [make_deck("mixed", questions=3, routine_cards=2), make_deck("plain", questions=4)]
    drawer = CardDrawer(decks, ROUTINES, seed)

    drawn = draw_many(drawer, 80)

    assert all(d.routine is None for d in drawn if not d.card.needs_routine)
    shown = [d.routine for d in drawn if d.card.needs_routine]
    assert len(shown) >= 3 * len(ROUTINES)
    for start in range(0, len(shown) - len(ROUTINES) + 1, len(ROUTINES)):
        assert sorted(shown[start : start + len(ROUTINES)]) == sorted(ROUTINES)


def test_drawn_routine_card_shows_its_routine() -> None:
    drawer = CardDrawer([make_deck("deck", routine_cards=1)], ["[bold]budget review[/bold]"], seed=0)

    drawn = drawer.draw()

    assert drawn.text == "Card 0: in the [bold]budget review[/bold]?"


# --- seeds -------------------------------------------------------------------------------------


def _session_decks() -> list[Deck]:
    return [make_deck("alpha", 6, 3), make_deck("beta", 8), make_deck("gamma", 2, 5)]


@pytest.mark.parametrize("seed", SEEDS)
def test_same_seed_gives_the_same_sequence(seed: int) -> None:
    first = CardDrawer(_session_decks(), ROUTINES, seed)
    second = CardDrawer(_session_decks(), ROUTINES, seed)

    assert signature(draw_many(first, 30)) == signature(draw_many(second, 30))


@pytest.mark.parametrize(("seed", "other"), [(0, 1), (1, 2), (42, 43), (7, 2024)])
def test_different_seeds_give_different_sequences(seed: int, other: int) -> None:
    first = CardDrawer(_session_decks(), ROUTINES, seed)
    second = CardDrawer(_session_decks(), ROUTINES, other)

    assert signature(draw_many(first, 30)) != signature(draw_many(second, 30))


# --- without routines --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("questions", "routine_cards"), [(3, 2), (1, 1), (4, 1), (1, 4)])
def test_without_routines_routine_cards_are_skipped(seed: int, questions: int, routine_cards: int) -> None:
    deck = make_deck("mixed", questions, routine_cards)
    drawer = CardDrawer([deck], [], seed)

    drawn = draw_many(drawer, 3 * len(deck.prompts))

    assert all(d.card.kind is CardKind.QUESTION and d.routine is None for d in drawn)
    first_pass = [d.card.id for d in drawn[:questions]]
    assert len(set(first_pass)) == questions


@pytest.mark.parametrize("seed", SEEDS)
def test_without_routines_a_deck_of_only_routine_cards_is_an_error(seed: int) -> None:
    drawer = CardDrawer([make_deck("plain", 2), make_deck("routines-only", routine_cards=3)], [], seed)

    assert drawer.draw().deck.id == "plain"
    with pytest.raises(ValueError, match="deck routines-only has only routine cards and the session has no routines"):
        drawer.draw()


def test_a_drawer_needs_a_deck() -> None:
    with pytest.raises(ValueError, match="at least one deck"):
        CardDrawer([], ROUTINES, seed=0)


def test_a_phase_can_ask_for_routine_cards_only_without_repeats() -> None:
    deck = Deck(
        id="mixed", title="Mixed", trait="t", summary="s",
        prompts=[PromptCard(id=f"q{n}", kind="question", text=f"Question {n}?") for n in range(3)]
        + [PromptCard(id=f"r{n}", kind="routine", text=f"Take {{routine}}: {n}?") for n in range(3)],
    )
    drawer = CardDrawer([deck], ["stand-up"], seed=1)
    first = [drawer.draw(kinds=[CardKind.ROUTINE]).card.id for _ in range(3)]
    assert sorted(first) == ["r0", "r1", "r2"]
    assert drawer.draw(kinds=[CardKind.ROUTINE]).card.kind is CardKind.ROUTINE


def test_asking_for_a_kind_no_deck_has_falls_back_to_any_card() -> None:
    deck = Deck(id="plain", title="Plain", trait="t", summary="s",
                prompts=[PromptCard(id="q1", kind="question", text="Why?")])
    drawer = CardDrawer([deck], ["stand-up"], seed=1)
    assert drawer.draw(kinds=[CardKind.STIMULUS]).card.id == "q1"


def test_a_skipped_card_never_comes_straight_back() -> None:
    deck = Deck(id="two", title="Two", trait="t", summary="s",
                prompts=[PromptCard(id=f"r{n}", kind="routine", text=f"Take {{routine}}: {n}?") for n in range(2)])
    drawer = CardDrawer([deck], ["stand-up", "budget review"], seed=3)
    shown = drawer.draw(kinds=[CardKind.ROUTINE])
    for _ in range(10):
        again = drawer.redraw(shown, [CardKind.ROUTINE])
        assert again.card.id != shown.card.id
        assert again.routine == shown.routine
        shown = again


def test_kinds_with_no_routines_skip_a_routine_only_deck_without_failing() -> None:
    only_routines = Deck(id="routines", title="R", trait="t", summary="s",
                         prompts=[PromptCard(id="r1", kind="routine", text="Take {routine}: why?")])
    questions = Deck(id="questions", title="Q", trait="t", summary="s",
                     prompts=[PromptCard(id="q1", kind="question", text="Why?")])
    drawer = CardDrawer([only_routines, questions], [], seed=1)
    assert {drawer.draw(kinds=[CardKind.QUESTION]).card.id for _ in range(4)} == {"q1"}


# --- fits: a card only meets the kinds of routine it suits ---------------------------------------


def fitted_deck() -> Deck:
    """Routine cards for meetings only, for one-to-ones only, for any routine, and a question."""
    cards = [
        PromptCard(id="meet-1", kind=CardKind.ROUTINE, text="Who chairs {routine}?", fits=["meetings"]),
        PromptCard(id="meet-2", kind=CardKind.ROUTINE, text="Whose agenda is {routine}?", fits=["meetings", "ceremonies"]),
        PromptCard(id="one-1", kind=CardKind.ROUTINE, text="What does {routine} ask of the listener?", fits=["one-to-ones"]),
        PromptCard(id="any-1", kind=CardKind.ROUTINE, text="Where is the customer in {routine}?"),
        PromptCard(id="any-2", kind=CardKind.ROUTINE, text="What would {routine} show a customer?", fits=["any"]),
        PromptCard(id="q", kind=CardKind.QUESTION, text="What did a customer say last?"),
    ]
    return Deck(id="fitted", title="Fitted", trait="A trait", summary="A summary", prompts=cards)


MEETING_ONLY = {"meet-1", "meet-2"}


@pytest.mark.parametrize("seed", range(40))
def test_a_meeting_only_card_never_meets_a_one_to_one(seed: int) -> None:
    routines = ["weekly team meeting", "one-to-ones", "the leader's own calendar week", "daily stand-up"]
    drawer = CardDrawer([fitted_deck()], routines, seed)

    drawn = [drawer.draw(kinds=[CardKind.ROUTINE]) for _ in range(30)]
    drawn += [drawer.redraw(d, kinds=[CardKind.ROUTINE]) for d in drawn[:10]]

    pairs = {(d.card.id, d.routine) for d in drawn}
    assert all(routine in {"weekly team meeting", "daily stand-up"} for card, routine in pairs if card in MEETING_ONLY)
    assert all(routine == "one-to-ones" for card, routine in pairs if card == "one-1")
    # every routine and every card still comes up
    assert {routine for _, routine in pairs} == set(routines)
    assert {card for card, _ in pairs} == {c.id for c in fitted_deck().prompts if c.needs_routine}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_card_that_suits_none_of_the_routines_is_never_drawn(seed: int) -> None:
    drawer = CardDrawer([fitted_deck()], ["one-to-ones", "hiring interviews"], seed)

    drawn = {drawer.draw().card.id for _ in range(40)}

    assert drawn == {"one-1", "any-1", "any-2", "q"}


@pytest.mark.parametrize("seed", SEEDS)
def test_routines_still_take_turns_when_cards_fit_some_of_them(seed: int) -> None:
    routines = ["weekly team meeting", "one-to-ones", "daily stand-up", "monthly business review"]
    deck = fitted_deck().model_copy(update={"prompts": [c for c in fitted_deck().prompts if c.id.startswith("any")]})
    drawer = CardDrawer([deck], routines, seed)

    turns = [drawer.draw().routine for _ in range(8)]

    assert sorted(turns[:4]) == sorted(routines) and sorted(turns[4:]) == sorted(routines)


def test_a_routine_phase_whose_cards_suit_none_of_the_routines_is_a_problem() -> None:
    only_meetings = Deck(
        id="meetings",
        title="Meetings",
        trait="A trait",
        summary="A summary",
        prompts=[PromptCard(id="m", kind=CardKind.ROUTINE, text="Who chairs {routine}?", fits=["meetings"])],
    )

    problem = CardDrawer([only_meetings], ["one-to-ones"], 0).problem(None, [CardKind.ROUTINE], "Routine scan")

    assert problem == "Routine scan shows routine cards, and none of them suits the routines picked: add a routine its cards fit."
    assert CardDrawer([only_meetings], ["one-to-ones", "weekly team meeting"], 0).problem(None, [CardKind.ROUTINE], "Routine scan") is None


@pytest.mark.parametrize("seed", SEEDS)
def test_a_first_draw_of_some_kinds_leaves_the_other_kinds_in_the_deck_s_pool(seed: int) -> None:
    deck = make_deck("mixed", questions=4, routine_cards=4)
    drawer = CardDrawer([deck], ROUTINES, seed)

    first = drawer.draw(kinds=[CardKind.ROUTINE])
    rest = [drawer.draw().card for _ in range(len(deck.prompts) - 1)]

    assert first.card.kind is CardKind.ROUTINE
    assert {c.id for c in rest} == {c.id for c in deck.prompts} - {first.card.id}  # no kind starved, none twice


@pytest.mark.parametrize("seed", range(30))
def test_a_resumed_session_draws_what_the_first_would_have_even_when_cards_fit_some_routines(seed: int) -> None:
    routines = ["weekly team meeting", "one-to-ones", "hiring interviews"]
    whole = CardDrawer([fitted_deck()], routines, seed)
    drawn = [whole.draw() for _ in range(16)]

    for k in range(len(drawn)):
        resumed = CardDrawer([fitted_deck()], routines, seed)
        for shown in drawn[:k]:
            resumed.replay(shown.deck.id, shown.card.id, shown.routine)
        assert signature([resumed.draw() for _ in range(len(drawn) - k)]) == signature(drawn[k:]), k


def journey_deck() -> Deck:
    cards = [
        PromptCard(id="m1", kind=CardKind.JOURNEY, text="What does a customer feel at {moment}?"),
        PromptCard(id="v1", kind=CardKind.REVERSAL, text="How would we keep customers out of {routine}?", fits=["meetings"]),
        PromptCard(id="v2", kind=CardKind.REVERSAL, text="How would we make every customer leave?"),
        PromptCard(id="t1", kind=CardKind.TRY_IT, text="Shadow the help desk for an hour."),
        PromptCard(id="j1", kind=CardKind.JOB, text="What do customers do instead of using us?"),
    ]
    return Deck(id="journey", title="Journey", trait="A trait", summary="A summary", prompts=cards)


@pytest.mark.parametrize("seed", SEEDS)
def test_journey_cards_take_the_moments_in_turn_and_reversals_their_routines(seed: int) -> None:
    from facilitator.vocabulary import JOURNEY_MOMENTS

    drawer = CardDrawer([journey_deck()], ["weekly team meeting", "one-to-ones"], seed)

    moments = [drawer.draw(kinds=[CardKind.JOURNEY]) for _ in range(len(JOURNEY_MOMENTS))]
    others = [drawer.draw(kinds=[CardKind.REVERSAL, CardKind.TRY_IT, CardKind.JOB]) for _ in range(12)]

    assert sorted(d.moment for d in moments) == sorted(JOURNEY_MOMENTS)  # each before any comes twice
    assert all(d.text == f"What does a customer feel at {d.moment}?" and d.routine is None for d in moments)
    assert {d.routine for d in others if d.card.id == "v1"} == {"weekly team meeting"}  # its fits kept
    assert all(d.routine is None and d.moment is None for d in others if d.card.id != "v1")


@pytest.mark.parametrize("seed", range(10))
def test_a_resumed_session_goes_on_with_the_same_moments(seed: int) -> None:
    routines = ["weekly team meeting", "one-to-ones"]
    whole = CardDrawer([journey_deck()], routines, seed)
    drawn = [whole.draw() for _ in range(15)]

    for k in range(len(drawn)):
        resumed = CardDrawer([journey_deck()], routines, seed)
        for shown in drawn[:k]:
            resumed.replay(shown.deck.id, shown.card.id, shown.routine, shown.moment)
        again = [resumed.draw() for _ in range(len(drawn) - k)]
        assert [(d.card.id, d.routine, d.moment) for d in again] == [(d.card.id, d.routine, d.moment) for d in drawn[k:]], k

"""The quality of the shipped cards, beyond what loads: no card twice in other words, no motif
worn out, every card with a source, and no question a room can answer with yes or no.

The scanner these tests lean on (tests/near_duplicates.py) is tested here too, on hand-made pairs,
so that a clean scan means clean content and not a blind scanner.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

from facilitator.catalog import load_decks
from facilitator.models import Deck
from tests.near_duplicates import THRESHOLD, Card, near_duplicates, similarity, stem, words

# --- the scorer --------------------------------------------------------------------------------

SAME_CARD_TWICE = [
    (
        "When did you last spend time beside a frontline colleague?",
        "When did you last spend an hour beside someone serving customers?",
    ),
    (
        "What meeting could we drop this week to free an hour for customers?",
        "Take {routine}: what could we drop from it to free an hour for customers?",
    ),
    ("A padlocked suggestion box", "A suggestion box with a dusty lid"),
    (
        "You are our sharpest competitor. Which of our promises would you beat first?",
        "You are our sharpest competitor. Which of our promises is easiest to beat?",
    ),
    (
        "Which complaint keeps coming back because nobody fixed the process behind it?",
        "Which complaints keep coming back, because the process behind them never changed?",
    ),
    (
        "What small win for a customer did nobody celebrate last month?",
        "In {routine}, how could we celebrate one small win for a customer?",
    ),
    (
        "Who here knows our customers best, yet is hardly ever asked?",
        "Who knows our customers best because they have stayed longest?",
    ),
    ("Which customer number do we report and never act on?", "Which customer numbers do we report, and never act on?"),
    ("Borrowed glasses", "Borrowed glasses."),
]
"""Pairs a person would call the same card: reworded, re-timed, or only re-punctuated."""

DIFFERENT_CARDS = [
    (
        "What small win for a customer did nobody celebrate last month?",
        "You are the company lawyer. Which clause do customers trip over most?",
    ),
    ("A map with no borders drawn", "A map redrawn in pencil"),
    (
        "What would {routine} look like if every decision named the customer it touches?",
        "What would {routine} look like if three customer numbers were always in plain sight?",
    ),
    (
        "When did you last talk with a customer without a script in between?",
        "When did you last see a manager serve a customer themselves?",
    ),
    (
        "You are a customer who misread the small print. Who do you tell?",
        "You are the finance lead. Show how a loyal customer turns up in your figures.",
    ),
    (
        "Which customer problem can no single team here solve on its own?",
        "Which customers do we hear from all the time, and which never get a word in?",
    ),
    ("Take {routine}: who speaks first about customers?", "Take {routine}: what do customers hear about it first?"),
    ("What have we decided not to do for customers?", "When efficiency and the customer clashed, who decided?"),
]
"""Pairs that share the decks' common words (customer, routine, last, what would …) but not an idea."""


@pytest.mark.parametrize(("first", "second"), SAME_CARD_TWICE)
def test_the_same_card_reworded_scores_at_the_threshold_or_above(first: str, second: str) -> None:
    score = similarity(first, second)
    assert score >= THRESHOLD, f"{score:.2f} < {THRESHOLD}: {words(first)} ~ {words(second)}"


@pytest.mark.parametrize(("first", "second"), DIFFERENT_CARDS)
def test_different_cards_score_below_the_threshold(first: str, second: str) -> None:
    score = similarity(first, second)
    assert score < THRESHOLD, f"{score:.2f} >= {THRESHOLD}: {words(first)} ~ {words(second)}"


def test_a_text_is_the_same_as_itself_and_shares_nothing_with_an_unrelated_one() -> None:
    text = "Which customer number do we report every month and never act on?"
    assert similarity(text, text) == 1.0
    assert similarity(text, "A tug of war") == 0.0


def test_slots_punctuation_case_and_stop_words_do_not_count() -> None:
    assert words("Take {routine}: which COMPLAINTS keep coming back?") == ("complaint", "keep")
    assert words("Zoom in on {moment} — what's the customer's worry here?") == ("worry",)
    assert similarity("Take {routine}: which complaint keeps coming back?", "Which complaints keep coming back?") == 1.0


def test_the_stem_joins_plurals_and_verb_endings() -> None:
    assert stem("serves") == stem("serving") == stem("served") == stem("serve")
    assert stem("customers") == stem("customer")
    assert stem("stories") == stem("story")
    assert stem("process") == "process"
    assert stem("bus") == "bus"


def test_each_language_loses_its_own_stop_words_and_only_english_is_stemmed() -> None:
    assert words("Welk besluit uit {routine} merkt een klant als eerste?", "nl") == ("besluit", "merkt", "eerste")
    assert words("Welke besluiten merkt een klant?", "nl") == ("besluiten", "merkt")
    assert words("Quelles décisions?", "fr") == ("quelles", "décisions")


# --- the scan ----------------------------------------------------------------------------------


def test_the_scan_finds_a_repeat_within_a_deck_and_across_decks() -> None:
    cards = [
        Card("frontline", "fl-q1", "en", "When did you last spend time beside a frontline colleague?"),
        Card("frontline", "fl-q2", "en", "When did you last spend an hour beside someone serving customers?"),
        Card("suggestions", "s-1", "en", "A padlocked suggestion box"),
        Card("listening", "l-1", "en", "A suggestion box with a dusty lid"),
        Card("listening", "l-2", "en", "Which clause do customers trip over most?"),
    ]
    found = {(pair.first.where, pair.second.where) for pair in near_duplicates(cards)}
    assert found == {("frontline/fl-q1", "frontline/fl-q2"), ("suggestions/s-1", "listening/l-1")}


def test_the_scan_compares_only_cards_in_the_same_language() -> None:
    text = "Which customer number do we report every month and never act on?"
    cards = [Card("en-deck", "a", "en", text), Card("nl-deck", "a", "nl", text), Card("de-deck", "a", "de", text)]
    assert near_duplicates(cards) == []
    assert len(near_duplicates([*cards, Card("nl-deck-2", "b", "nl", text)])) == 1


def test_the_scan_reports_each_pair_once_highest_first_with_the_score_of_similarity() -> None:
    texts = [first for first, _ in SAME_CARD_TWICE] + [second for _, second in SAME_CARD_TWICE]
    cards = [Card("deck", f"c{i}", "en", text) for i, text in enumerate(texts)]
    pairs = near_duplicates(cards)
    assert len(pairs) >= len(SAME_CARD_TWICE)
    assert len({(pair.first, pair.second) for pair in pairs}) == len(pairs)
    assert [pair.score for pair in pairs] == sorted((pair.score for pair in pairs), reverse=True)
    for pair in pairs:
        assert pair.first != pair.second
        assert pair.score == pytest.approx(similarity(pair.first.text, pair.second.text))
        assert pair.score >= THRESHOLD


def test_a_reported_pair_reads_with_both_cards_the_score_and_both_texts() -> None:
    cards = [Card("culture", "cul-q2", "en", "A padlocked suggestion box"), Card("listen", "lat-s1", "en", "A suggestion box with a dusty lid")]
    [pair] = near_duplicates(cards)
    described = pair.describe()
    for part in ("culture/cul-q2", "listen/lat-s1", f"{pair.score:.2f}", "A padlocked suggestion box", "A suggestion box with a dusty lid"):
        assert part in described


def test_the_scan_of_240_cards_that_all_overlap_reports_every_pair_once() -> None:
    """The worst case: every pair shares words, so every pair needs the full in-order match (its
    time is measured in benchmarks, never here)."""
    vocabulary = [f"topic{i}" for i in range(20)]
    cards = [
        Card("deck", f"c{i}", "en", " ".join(["alpha beta gamma delta", *(vocabulary[(i * k) % 20] for k in range(1, 13))]))
        for i in range(240)
    ]
    found = near_duplicates(cards)
    pairs = {frozenset((p.first.card, p.second.card)) for p in found}
    assert found and len(pairs) == len(found) <= 240 * 239 // 2
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


# --- the shipped decks -------------------------------------------------------------------------


@pytest.fixture
def shipped() -> list[Deck]:
    """Every deck the app ships, as it loads them (the user's folder is empty here, see conftest)."""
    catalog = load_decks()
    assert catalog.problems == [], "\n".join(str(problem) for problem in catalog.problems)
    return list(catalog)


def test_no_two_cards_are_near_duplicates(shipped: list[Deck]) -> None:
    cards = [Card(deck.id, card.id, deck.language, card.text) for deck in shipped for card in deck.prompts]
    pairs = near_duplicates(cards)
    assert not pairs, (
        f"{len(pairs)} pairs of cards read as the same card twice (score >= {THRESHOLD}); "
        "reword one of each pair around another idea, or drop it:\n" + "\n".join(pair.describe() for pair in pairs)
    )


@dataclass(frozen=True)
class Motif:
    """An image the decks lean on too often: a card shows it when every pattern is in its text."""

    name: str
    patterns: tuple[str, ...]
    budget: int

    def in_text(self, text: str) -> bool:
        return all(re.search(pattern, text, re.IGNORECASE) for pattern in self.patterns)


MOTIFS = [
    Motif("a new hire", (r"\bnew (?:hire|joiner|colleague|starter)s?\b|\bnewcomers?\b|\bday three\b",), 3),
    Motif(
        "dropping something to free time",
        (r"\b(?:drop|dropping|stop doing|cut)\b", r"\b(?:free|spare|make room|time|hours?|minutes?|calendar|diary)\b"),
        3,
    ),
    Motif("a competitor", (r"\bcompetit(?:or|ors|ion)\b",), 3),
    Motif("the fortieth time", (r"\bforty times\b|\bfortieth\b",), 0),
]
"""The over-used motifs, each with how many English cards, across all the decks, may show it."""


@pytest.mark.parametrize("motif", MOTIFS, ids=lambda motif: motif.name)
def test_an_over_used_motif_stays_within_its_budget(shipped: list[Deck], motif: Motif) -> None:
    showing = [
        f"{deck.id}/{card.id}: {card.text}"
        for deck in shipped
        if deck.language == "en"
        for card in deck.prompts
        if motif.in_text(card.text)
    ]
    assert len(showing) <= motif.budget, (
        f"{len(showing)} English cards show {motif.name!r}, more than its budget of {motif.budget}:\n  " + "\n  ".join(showing)
    )


def test_every_card_names_its_source(shipped: list[Deck]) -> None:
    unsourced: dict[str, list[str]] = defaultdict(list)
    for deck in shipped:
        for card in deck.prompts:
            if not (card.source and card.source.strip()):
                unsourced[deck.id].append(card.id)
    assert not unsourced, f"{sum(map(len, unsourced.values()))} cards without a source:\n  " + "\n  ".join(
        f"{deck_id}: {', '.join(ids)}" for deck_id, ids in sorted(unsourced.items())
    )


CLOSED_QUESTION = re.compile(
    r"^\s*(?:[^:?]*\{(?:routine|moment)\}[^:?]*:\s*)?(?:when did you last|do we|is there|have you ever)\b", re.IGNORECASE
)
"""A question a room can answer with yes, no or a date, at the start of a card or straight after
a routine card's lead-in ("Take {routine}: do we …")."""


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("When did you last spend an hour beside someone serving customers?", True),
        ("  do we ever read the survey?", True),
        ("Is there a customer number we trust?", True),
        ("Have you ever called a customer back?", True),
        ("Take {routine}: do we hear from customers there?", True),
        ("Which customer number do we trust, and why?", False),
        ("What did your last customer conversation teach you?", False),
        ("Look back at {routine}: when did an unhappy customer last come up there?", False),
        ("Dominant voices", False),
    ],
)
def test_the_closed_question_pattern(text: str, closed: bool) -> None:
    assert bool(CLOSED_QUESTION.search(text)) is closed


def test_no_card_asks_a_closed_question(shipped: list[Deck]) -> None:
    closed = [f"{deck.id}/{card.id}: {card.text}" for deck in shipped for card in deck.prompts if CLOSED_QUESTION.search(card.text)]
    assert not closed, (
        f"{len(closed)} cards open with a question a room can close with yes, no or a date "
        "('when did you last', 'do we', 'is there', 'have you ever'); ask what, which or how instead:\n  " + "\n  ".join(closed)
    )

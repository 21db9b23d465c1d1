"""Finding cards that say the same thing twice, in one deck or across decks.

Two cards are near-duplicates when a person reading both would call them "the same card": the
same question with a word or two swapped, or the same scene with a different number in it.

Each text is normalised first: lower case, no slots, no punctuation, no stop words, and a light
stem (a plural s, -ing and -ed go). What is left is the handful of words that carry the card's
idea, in order. The score of a pair is the larger of

- the Jaccard overlap of the two word sets, and
- difflib's `SequenceMatcher.ratio()` over the two word sequences: twice the words that match in
  order, over the words in both.

The ratio is taken over words, not letters: over letters, any two English sentences share enough
runs of common letters that the best-matching unrelated cards score 0.55 to 0.6, as high as the
cards that really repeat each other. Over words, nearly every unrelated pair scores below 0.3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

THRESHOLD = 0.35
"""A pair scoring this or more is reported.

Calibrated on the 259 cards the decks held before their rewrite (`git show HEAD:prompts/…`: 240
English, 19 Dutch), reading every pair above 0.3. From 0.35 up the scan finds 36 pairs:

- 20 say one card twice in other words ("a padlocked suggestion box" and "a suggestion box with a
  dusty lid"; "what small win … did nobody celebrate?" and "how could we spend one minute
  celebrating a small win?"; two support agents with the same complaint forty times);
- 9 share a motif or a sentence frame that a reviewer could fairly call a repeat (two stimulus
  cards with a map in them; three routine cards that all find "ten minutes" for a customer);
- 7 are false alarms, two cards sharing two incidental words ("drop" and "conversation").

At 0.4 six of the twenty real repeats drop out and only two false alarms go; at 1/3 ten more
pairs come in, one of them a real repeat and the rest shared motifs or false alarms. Cards that repeat an idea in wholly different words ("a
new hire at the end of the first week" and "you joined this team last Monday") are out of reach of
any word overlap: the motif budgets in test_content_quality.py catch the commonest of those."""

_COMMON = """
    a an the and or but nor of to in on at by for with from into onto about as than then so if
    is are was were be been being am do does did done have has had will would could should can
    may might must shall it its this that these those there here what which who whom whose when
    where why how we us our ours you your yours they them their theirs he she his her i me my
    myself yourself ourselves themselves one any some each every all just only very too also yet
    even still again not no out up down off over s t d ll re ve
    above after around before behind below during through under until within without
    like want really actually get gets got getting make makes made making go goes going went
    gone come comes came coming happen happens happened happening ask asks asked asking
    say says said saying tell tells told telling change changes changed changing thing things
    way ways own more most people
    anyone anybody anything everyone everybody everything someone somebody something nobody nothing
"""
"""Words that carry no idea."""

_FRAMING = "take look back picture think zoom imagine pick"
"""The words routine cards open with ("Take {routine}:", "Zoom in on {routine}:"), which say how
to look rather than what at."""

_EVERYWHERE = "customer customers team"
"""Words nearly every card in these decks holds: sharing them says nothing. (The commonest verbs
of these decks, change, say and tell, are in `_COMMON`.)"""

_WHEN = "last first next now ever never always time times ago today tonight morning day days week weeks month months year years"
"""Words that place a card in time ("last month", "this week"): two cards about different things
share them all the time, and two versions of one card change them freely."""

_DUTCH = """
    de het een en of in op aan van voor met naar uit over bij om te tot door als dan dat die dit
    deze er hier daar wat welk welke wie waar wanneer hoe waarom is zijn was waren ben bent wordt
    worden heb hebt heeft hebben had kan kun kunt kunnen zou zouden wil wilt willen moet moeten
    je jij jouw jou u uw we wij ons onze zij ze hun hen hij ik mij mijn niet geen ook nog al
    maar zo heel nu eens zonder één
    klant klanten team
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(f"{_COMMON} {_FRAMING} {_EVERYWHERE} {_WHEN}".split()),
    "nl": frozenset(_DUTCH.split()),
}
"""The stop words of each language; a language not listed here keeps all its words."""

_SLOT = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[^\W_]+")
_JOINED = ((re.compile(r"\bfront line\b"), "frontline"),)
"""Phrases written both as two words and as one."""


def stem(word: str) -> str:
    """A light English stem, enough that "serves", "serving" and "served" meet: a plural s,
    -ies, -ing, -ed and then a final e go; words of three letters or fewer stay as they are."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str, language: str = "en") -> tuple[str, ...]:
    """The words of a card text that carry its idea, in order: slots, punctuation and stop words
    gone; stemmed in English."""
    text = _SLOT.sub(" ", text.lower()).replace("’", "'").replace("'", " ")
    for pattern, joined in _JOINED:
        text = pattern.sub(joined, text)
    stop = STOP_WORDS.get(language, frozenset())
    found = (w for w in _WORD.findall(text) if w not in stop)
    if language == "en":
        return tuple(stem(w) for w in found)
    return tuple(found)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


MIN_SHARED = 2
"""Two cards sharing a single word ("a map with no borders" and "a map drawn by a local"; or
"decided" in two questions about different decisions) have not repeated each other."""


def shares_enough(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two word sets share `MIN_SHARED` words, or are the same (a one-word card repeats
    only the same word)."""
    return len(a & b) >= MIN_SHARED or (a == b and bool(a))


def score(a: Sequence[str], b: Sequence[str]) -> float:
    """How alike two normalised texts (from `words`) are, from 0 (nothing shared) to 1 (the same)."""
    a_set, b_set = frozenset(a), frozenset(b)
    if not shares_enough(a_set, b_set):
        return 0.0
    return max(jaccard(a_set, b_set), SequenceMatcher(None, a, b, autojunk=False).ratio())


def similarity(a: str, b: str, language: str = "en") -> float:
    """How alike two card texts are, from 0 to 1; `THRESHOLD` or more makes them near-duplicates."""
    return score(words(a, language), words(b, language))


@dataclass(frozen=True)
class Card:
    """A card as the scan sees it: where it is, its language and its text."""

    deck: str
    card: str
    language: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.deck}/{self.card}"


@dataclass(frozen=True)
class Pair:
    """Two cards that read alike, and how alike."""

    first: Card
    second: Card
    score: float

    def describe(self) -> str:
        return (
            f"{self.score:.2f}  {self.first.where}  ~  {self.second.where}\n"
            f"        {self.first.text}\n"
            f"        {self.second.text}"
        )


def near_duplicates(cards: Iterable[Card], threshold: float = THRESHOLD) -> list[Pair]:
    """Every pair of cards in the same language scoring `threshold` or more, highest first.

    Each text is normalised once; each card is set once as the matcher's second sequence, which
    difflib caches; a pair sharing fewer than `MIN_SHARED` words is skipped at once; and
    difflib's cheap upper bounds on the ratio skip the full match when it could not raise the
    score to the threshold. The 240 English cards take about ten milliseconds."""
    by_language: dict[str, list[tuple[Card, tuple[str, ...], frozenset[str]]]] = {}
    for card in cards:
        found = words(card.text, card.language)
        by_language.setdefault(card.language, []).append((card, found, frozenset(found)))
    pairs: list[Pair] = []
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    for group in by_language.values():
        for j, (second, b_words, b_set) in enumerate(group):
            matcher.set_seq2(b_words)
            for first, a_words, a_set in group[:j]:
                if not shares_enough(a_set, b_set):
                    continue
                best = jaccard(a_set, b_set)
                need = max(best, threshold)  # the ratio matters only if it can reach this
                matcher.set_seq1(a_words)
                if matcher.real_quick_ratio() >= need and matcher.quick_ratio() >= need:
                    best = max(best, matcher.ratio())
                if best >= threshold:
                    pairs.append(Pair(first, second, best))
    pairs.sort(key=lambda pair: (-pair.score, pair.first.where, pair.second.where))
    return pairs

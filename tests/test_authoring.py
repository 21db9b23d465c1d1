"""Editing a deck file the way a coach wrote it (`facilitator.authoring`): comments, key order and
quoting survive every change, a change that would make the deck invalid is refused in one plain
line and leaves the draft as it was, and files are written atomically, starting with the
`#:schema` line."""

from __future__ import annotations

import errno
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitator import files
from facilitator.authoring import DeckDraft, Refused, schema_directive, to_toml
from facilitator.catalog import builtin_dir, load_decks, load_file, user_dir
from facilitator.files import leftover_temp_files
from facilitator.models import Deck, PromptCard, Source
from facilitator.vocabulary import CardKind, RoutineFit

HANDMADE = """\
# A hand-written deck for testing.
# Second line of the top comment.

id = "handmade"  # the deck's id
title = "Handmade"
trait = "Learn from the frontline"
summary = "A deck written by hand."
language = "nl"
version = "3"

# the first card's comment
[[prompts]]
id = "q1"  # first question
kind = "question"
text = "Where did a customer last notice us?"

# the routine card's comment
[[prompts]]
id = "r1"
kind = "routine"
text = "In {routine}, who speaks for the customer?"  # keep it short

# the perspective's comment
# on two lines
[[prompts]]
id = "p1"
kind = "perspective"
text = 'You are a customer who "left".'

[[prompts]]
id = "s1"
kind = "stimulus"
text = "A waiting room"

# the end of the file
"""
"""A deck as a person writes one: a comment at the top, comments after values, a comment above
most cards (two lines above one, none above another), single quotes, and a comment at the end."""

ORDER = ["q1", "r1", "p1", "s1"]
ABOVE = {
    "q1": ["# the first card's comment"],
    "r1": ["# the routine card's comment"],
    "p1": ["# the perspective's comment", "# on two lines"],
    "s1": [],
}
END_COMMENT = "# the end of the file"
TOP_COMMENT = "# A hand-written deck for testing."
JARGON = ("pydantic", "ValidationError", "Traceback", "Input should", "type=", "errors.pydantic.dev")

def directive() -> str:
    return schema_directive()


def handmade() -> DeckDraft:
    """The hand-written deck, open for editing (in memory: nothing here saves it)."""
    return DeckDraft(HANDMADE, Path("handmade.toml"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Block:
    """One `[[prompts]]` block as it stands in the text."""

    above: list[str]
    """The comment lines directly above its header."""
    keys: list[str]
    """Its key lines, as written (trailing comments included), in order."""


def blocks(text: str) -> dict[str, Block]:
    """Every card block in `text`, by card id, in the order of the file."""
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if line.strip() == "[[prompts]]"]
    found: dict[str, Block] = {}
    for n, header in enumerate(headers):
        above: list[str] = []
        i = header - 1
        while i >= 0 and lines[i].startswith("#") and not lines[i].startswith("#:schema"):
            above.insert(0, lines[i])
            i -= 1
        end = headers[n + 1] if n + 1 < len(headers) else len(lines)
        keys: list[str] = []
        for line in lines[header + 1 : end]:
            if not line.strip() or line.startswith("#"):
                break
            keys.append(line)
        card_id = tomllib.loads("\n".join(keys))["id"]
        found[card_id] = Block(above, keys)
    return found


def read_back(text: str) -> Deck:
    """The deck as any TOML reader sees the text."""
    return Deck.model_validate(tomllib.loads(text))


def snapshot(draft: DeckDraft) -> tuple[str, Deck, bool, list[PromptCard]]:
    return draft.text, draft.deck.model_copy(deep=True), draft.changed, draft.cards


def assert_plain(message: str) -> None:
    assert message.strip() and "\n" not in message and "\r" not in message
    for word in JARGON:
        assert word not in message


def without_directive(text: str) -> str:
    first, rest = text.split("\n", 1)
    assert first == directive()
    return rest


# --- opening -----------------------------------------------------------------------------------


def test_opening_without_a_change_gives_the_file_with_the_directive_above_it(tmp_path: Path) -> None:
    path = write(tmp_path / "handmade.toml", HANDMADE)

    draft = DeckDraft.open(path)

    assert draft.text == f"{directive()}\n{HANDMADE}"
    assert draft.changed is False
    assert [c.id for c in draft.cards] == ORDER
    assert draft.deck == read_back(HANDMADE)
    assert draft.deck.language == "nl" and draft.deck.version == "3"
    assert draft.path == path


def test_a_file_that_starts_with_the_directive_is_kept_byte_for_byte(tmp_path: Path) -> None:
    text = f"{directive()}\n{HANDMADE}"
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", text))

    assert draft.text == text
    assert draft.text.count("#:schema") == 1


def test_a_directive_to_another_schema_on_line_one_is_left_as_it_is(tmp_path: Path) -> None:
    text = f"#:schema https://example.org/old/deck.schema.json\n{HANDMADE}"
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", text))

    assert draft.text == text
    draft.set_card(3, text="A full waiting room")
    assert draft.text.startswith("#:schema https://example.org/old/deck.schema.json\n")
    assert draft.text.count("#:schema") == 1


def test_the_directive_points_at_the_shipped_schema() -> None:
    line = directive()
    assert line.startswith("#:schema file://") and line.endswith("/deck.schema.json")
    assert Path(line.removeprefix("#:schema file://")).is_file()


def test_a_change_keeps_the_directive_on_line_one_once(tmp_path: Path) -> None:
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", f"{directive()}\n{HANDMADE}"))
    draft.set_meta(title="Renamed")
    assert draft.text.splitlines()[0] == directive()
    assert draft.text.count("#:schema") == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'id = "x"\ntitle = \n', "not valid TOML"),
        (b"\xff\xfe" + "id".encode("utf-16-le"), "UTF-16"),
        (b'id = "caf\xe9"', "UTF-8"),
        (HANDMADE.replace('text = "A waiting room"', 'text = ""').encode(), "card s1"),
        (HANDMADE.replace('kind = "question"', 'kind = "qestion"').encode(), "card q1"),
    ],
)
def test_a_file_that_is_not_a_valid_deck_is_refused_in_one_plain_line(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)

    with pytest.raises(Refused) as refused:
        DeckDraft.open(path)

    assert words in str(refused.value)
    assert_plain(str(refused.value))
    assert path.read_bytes() == content


def test_a_missing_file_is_refused_in_one_plain_line(tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        DeckDraft.open(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(refused.value)
    assert_plain(str(refused.value))


# --- set_card ----------------------------------------------------------------------------------


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The lines that differ, pairwise, for two texts of the same number of lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_set_card_keeps_the_comment_after_the_changed_value_and_changes_nothing_else() -> None:
    draft = handmade()
    before = draft.text

    draft.set_card(1, text="In {routine}, who would miss the customer first?")

    assert changed_lines(before, draft.text) == [
        (
            'text = "In {routine}, who speaks for the customer?"  # keep it short',
            'text = "In {routine}, who would miss the customer first?"  # keep it short',
        )
    ]
    assert draft.changed is True
    assert draft.deck.prompts[1].text == "In {routine}, who would miss the customer first?"
    assert read_back(draft.text) == draft.deck


def test_set_card_keeps_the_key_order_and_the_comment_on_the_id_line() -> None:
    draft = handmade()
    before = draft.text

    draft.set_card(0, kind="perspective", id="q9")

    assert changed_lines(before, draft.text) == [
        ('id = "q1"  # first question', 'id = "q9"  # first question'),
        ('kind = "question"', 'kind = "perspective"'),
    ]
    assert blocks(draft.text)["q9"].keys[0].startswith("id =")
    assert [c.id for c in draft.cards] == ["q9", "r1", "p1", "s1"]
    assert draft.deck.prompts[0].kind is CardKind.PERSPECTIVE


def test_set_card_to_the_value_it_has_leaves_the_text_as_it_was() -> None:
    draft = handmade()
    before = draft.text
    draft.set_card(2, text='You are a customer who "left".')
    assert draft.text == before  # the single quotes the coach chose are kept


def test_adding_source_and_fits_puts_them_after_the_last_key_above_the_next_cards_comment() -> None:
    draft = handmade()
    draft.set_card(1, source="An interview with the support team", fits=[RoutineFit.MEETINGS, "ceremonies"])

    lines = draft.text.splitlines()
    at = lines.index('text = "In {routine}, who speaks for the customer?"  # keep it short')
    assert lines[at + 1 : at + 6] == [
        'source = "An interview with the support team"',
        'fits = ["meetings", "ceremonies"]',
        "",
        "# the perspective's comment",
        "# on two lines",
    ]
    assert lines[at + 6] == "[[prompts]]"
    card = draft.deck.prompts[1]
    assert card.source == "An interview with the support team"
    assert card.fits == [RoutineFit.MEETINGS, RoutineFit.CEREMONIES]
    assert read_back(draft.text) == draft.deck
    # nothing else moved: without the two new lines it is the file as it was
    assert "\n".join(line for line in lines if not line.startswith(("source =", "fits ="))) + "\n" == f"{directive()}\n{HANDMADE}"


def test_adding_a_source_to_the_last_card_keeps_the_comment_at_the_end_of_the_file() -> None:
    draft = handmade()
    draft.set_card(3, source="A photo from the branch")

    lines = draft.text.splitlines()
    assert lines[-4:] == ['text = "A waiting room"', 'source = "A photo from the branch"', "", END_COMMENT]
    assert draft.deck.prompts[3].source == "A photo from the branch"


@pytest.mark.parametrize("empty", [None, "", []])
def test_clearing_source_or_fits_removes_the_key(empty: object) -> None:
    draft = handmade()
    original = draft.text
    draft.set_card(1, source="An article", fits=["own-week"])
    assert "source = " in draft.text and "fits = " in draft.text

    draft.set_card(1, source=None if empty == [] else empty, fits=empty)

    assert "source" not in draft.text and "fits" not in draft.text
    assert draft.text == original
    card = draft.deck.prompts[1]
    assert card.source is None and card.fits == []
    assert "source" not in tomllib.loads(draft.text)["prompts"][1]


def test_clearing_a_field_the_card_does_not_have_changes_nothing() -> None:
    draft = handmade()
    before = draft.text
    draft.set_card(0, source="", fits=[])
    assert draft.text == before


def test_set_card_refuses_an_unknown_field_and_changes_nothing() -> None:
    draft = handmade()
    before = snapshot(draft)
    with pytest.raises(ValueError, match="colour"):
        draft.set_card(0, colour="red")
    assert snapshot(draft) == before


# --- move_card ---------------------------------------------------------------------------------


def assert_whole(draft: DeckDraft, order: list[str]) -> None:
    """The text is a valid deck, the same deck as the draft's, with the cards in `order`."""
    deck = read_back(draft.text)
    assert [c.id for c in deck.prompts] == order
    assert [c.id for c in draft.cards] == order
    assert deck == draft.deck


def test_moving_a_card_up_carries_the_comment_above_it() -> None:
    draft = handmade()

    assert draft.move_card(2, -1) == 1

    assert_whole(draft, ["q1", "p1", "r1", "s1"])
    found = blocks(draft.text)
    assert list(found) == ["q1", "p1", "r1", "s1"]
    assert {card_id: block.above for card_id, block in found.items()} == ABOVE
    assert found == blocks(HANDMADE)  # every block as written, comments after values too
    assert draft.text.startswith(f"{directive()}\n{TOP_COMMENT}\n")
    assert draft.text.rstrip("\n").endswith(END_COMMENT)
    assert draft.changed is True


def test_moving_a_card_down_carries_the_comment_above_it() -> None:
    draft = handmade()

    assert draft.move_card(1, 1) == 2

    assert_whole(draft, ["q1", "p1", "r1", "s1"])
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE


def test_moving_a_card_to_the_end_keeps_the_comment_at_the_end_of_the_file() -> None:
    draft = handmade()

    assert draft.move_card(1, 2) == 3

    assert_whole(draft, ["q1", "p1", "s1", "r1"])
    lines = draft.text.splitlines()
    assert lines[-1] == END_COMMENT
    assert lines[-3] == 'text = "In {routine}, who speaks for the customer?"  # keep it short'
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE


def test_moving_the_last_card_up_gives_the_end_comment_to_the_new_last_card() -> None:
    draft = handmade()

    assert draft.move_card(3, -1) == 2

    assert_whole(draft, ["q1", "r1", "s1", "p1"])
    assert draft.text.splitlines()[-1] == END_COMMENT
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE


@pytest.mark.parametrize(("index", "by"), [(1, 1), (2, -1), (1, 2), (3, -2), (2, 1)])
def test_a_move_and_its_reverse_give_back_the_file(index: int, by: int) -> None:
    draft = handmade()
    to = draft.move_card(index, by)
    draft.move_card(to, index - to)
    assert draft.text == f"{directive()}\n{HANDMADE}"


@pytest.mark.parametrize(("index", "by", "to", "order"), [(3, 5, 3, ORDER), (0, -1, 0, ORDER), (0, -10, 0, ORDER), (3, 1, 3, ORDER)])
def test_moving_past_an_end_does_nothing(index: int, by: int, to: int, order: list[str]) -> None:
    draft = handmade()
    assert draft.move_card(index, by) == to
    assert draft.text == f"{directive()}\n{HANDMADE}"
    assert draft.changed is False
    assert [c.id for c in draft.cards] == order


@pytest.mark.parametrize(("index", "by", "to", "order"), [(1, 10, 3, ["q1", "p1", "s1", "r1"]), (2, -10, 0, ["p1", "q1", "r1", "s1"])])
def test_moving_far_stops_at_the_end(index: int, by: int, to: int, order: list[str]) -> None:
    draft = handmade()
    assert draft.move_card(index, by) == to
    assert_whole(draft, order)


def test_moving_the_first_card_down_carries_its_comment() -> None:
    draft = handmade()

    assert draft.move_card(0, 1) == 1

    assert_whole(draft, ["r1", "q1", "p1", "s1"])
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE


def test_moving_a_card_to_the_top_carries_its_comment() -> None:
    draft = handmade()

    assert draft.move_card(1, -1) == 0

    assert_whole(draft, ["r1", "q1", "p1", "s1"])
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE


# --- add_card ----------------------------------------------------------------------------------


def test_add_card_after_a_place_puts_it_there_with_its_fields_in_order() -> None:
    draft = handmade()

    place = draft.add_card(1, id="r2", kind="routine", text="Who opens {routine}?", source="A book", fits=["people", RoutineFit.ONE_TO_ONES])

    assert place == 2
    assert_whole(draft, ["q1", "r1", "r2", "p1", "s1"])
    found = blocks(draft.text)
    assert found["r2"] == Block([], ['id = "r2"', 'kind = "routine"', 'text = "Who opens {routine}?"', 'source = "A book"', 'fits = ["people", "one-to-ones"]'])
    assert {card_id: block.above for card_id, block in found.items()} == ABOVE | {"r2": []}
    assert draft.deck.prompts[2].fits == [RoutineFit.PEOPLE, RoutineFit.ONE_TO_ONES]
    assert draft.changed is True
    new_block = 'id = "r2"\nkind = "routine"\ntext = "Who opens {routine}?"\nsource = "A book"\nfits = ["people", "one-to-ones"]\n'
    expected = HANDMADE.replace("\n# the perspective's comment", f"\n[[prompts]]\n{new_block}\n# the perspective's comment")
    assert draft.text == f"{directive()}\n{expected}"


def test_add_card_at_the_end_keeps_the_comment_at_the_end_of_the_file() -> None:
    draft = handmade()

    place = draft.add_card(id="s2", kind="stimulus", text="A closed door")

    assert place == 4
    assert_whole(draft, [*ORDER, "s2"])
    expected = HANDMADE.replace(f"\n{END_COMMENT}", f'\n[[prompts]]\nid = "s2"\nkind = "stimulus"\ntext = "A closed door"\n\n{END_COMMENT}')
    assert draft.text == f"{directive()}\n{expected}"
    # the cards that were there are as they were written
    assert {k: v for k, v in blocks(draft.text).items() if k != "s2"} == blocks(HANDMADE)


def test_add_card_leaves_out_empty_optional_fields() -> None:
    draft = handmade()
    draft.add_card(0, id="q2", kind="question", text="What did we stop doing?", source="", fits=[])
    assert blocks(draft.text)["q2"].keys == ['id = "q2"', 'kind = "question"', 'text = "What did we stop doing?"']


def test_add_card_at_the_top_leaves_the_first_cards_comment_with_it() -> None:
    draft = handmade()

    assert draft.add_card(-1, id="s0", kind="stimulus", text="An empty chair") == 0

    assert_whole(draft, ["s0", *ORDER])
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == ABOVE | {"s0": []}


# --- delete_card -------------------------------------------------------------------------------


def test_delete_card_removes_the_card_and_the_comment_above_it() -> None:
    draft = handmade()

    draft.delete_card(2)

    assert_whole(draft, ["q1", "r1", "s1"])
    expected = HANDMADE.replace("# the perspective's comment\n# on two lines\n[[prompts]]\nid = \"p1\"\nkind = \"perspective\"\ntext = 'You are a customer who \"left\".'\n\n", "")
    assert expected != HANDMADE
    assert draft.text == f"{directive()}\n{expected}"
    assert "perspective" not in draft.text
    assert draft.changed is True


def test_deleting_the_last_card_keeps_the_comment_at_the_end_of_the_file() -> None:
    draft = handmade()

    draft.delete_card(3)

    assert_whole(draft, ["q1", "r1", "p1"])
    assert draft.text.splitlines()[-1] == END_COMMENT
    assert blocks(draft.text) == {k: v for k, v in blocks(HANDMADE).items() if k != "s1"}


def test_deleting_the_first_card_removes_its_comment_and_keeps_the_next_ones() -> None:
    draft = handmade()

    draft.delete_card(0)

    assert_whole(draft, ["r1", "p1", "s1"])
    assert "# the first card's comment" not in draft.text
    assert {card_id: block.above for card_id, block in blocks(draft.text).items()} == {k: v for k, v in ABOVE.items() if k != "q1"}


def test_deleting_the_last_remaining_card_is_refused_and_changes_nothing() -> None:
    draft = handmade()
    for _ in range(3):
        draft.delete_card(len(draft.cards) - 1)
    assert [c.id for c in draft.cards] == ["q1"]
    assert read_back(draft.text) == draft.deck
    before = snapshot(draft)

    with pytest.raises(Refused) as refused:
        draft.delete_card(0)

    assert "at least one card" in str(refused.value)
    assert_plain(str(refused.value))
    assert snapshot(draft) == before


def test_deleting_a_card_that_is_not_there_is_an_error_and_changes_nothing() -> None:
    draft = handmade()
    before = snapshot(draft)
    with pytest.raises((IndexError, Refused)):
        draft.delete_card(9)
    assert snapshot(draft) == before


# --- refusals ----------------------------------------------------------------------------------

REFUSALS: list[tuple[str, Callable[[DeckDraft], object], str]] = [
    ("empty text", lambda d: d.set_card(0, text=""), "card q1"),
    ("blank text", lambda d: d.set_card(3, text="   "), "card s1"),
    ("duplicate id", lambda d: d.set_card(0, id="r1"), "card r1"),
    ("duplicate id on add", lambda d: d.add_card(1, id="p1", kind="stimulus", text="A door"), "card p1"),
    ("bad id", lambda d: d.set_card(1, id="R 1"), "card 2"),
    ("empty id", lambda d: d.set_card(2, id=""), "card 3"),
    ("id with a line break", lambda d: d.set_card(0, id="a\nb"), "card 1"),
    ("routine without slot", lambda d: d.set_card(1, text="Who speaks for the customer?"), "card r1"),
    ("question turned routine", lambda d: d.set_card(0, kind="routine"), "card q1"),
    ("new routine without slot", lambda d: d.add_card(id="r2", kind="routine", text="No slot"), "card r2"),
    ("slot in a question", lambda d: d.set_card(0, text="In {routine}, what changes?"), "card q1"),
    ("routine turned stimulus", lambda d: d.set_card(1, kind="stimulus"), "card r1"),
    ("unknown slot", lambda d: d.set_card(2, text="You are {team}."), "card p1"),
    ("fits on a perspective", lambda d: d.set_card(2, fits=["meetings"]), "card p1"),
    ("fits on a new question", lambda d: d.add_card(id="q2", kind="question", text="Why?", fits=["any"]), "card q2"),
    ("unknown fits", lambda d: d.set_card(1, fits=["meetings", "lunch"]), "card r1"),
    ("fits twice", lambda d: d.set_card(1, fits=["people", "people"]), "card r1"),
    ("fits as text", lambda d: d.set_card(1, fits="meetings"), "card r1"),
    ("unknown kind", lambda d: d.set_card(3, kind="build-on"), "card s1"),
    ("blank source", lambda d: d.set_card(3, source="  "), "card s1"),
    ("new card without text", lambda d: d.add_card(id="q2", kind="question"), "card q2"),
    ("empty title", lambda d: d.set_meta(title=""), "title"),
    ("no title", lambda d: d.set_meta(title=None), "title"),
    ("empty trait", lambda d: d.set_meta(trait=" "), "trait"),
    ("empty summary", lambda d: d.set_meta(summary=""), "summary"),
    ("bad language", lambda d: d.set_meta(language="Dutch"), "language"),
]


@pytest.mark.parametrize("dirty", [False, True], ids=["fresh", "after-a-change"])
@pytest.mark.parametrize(("case", "change", "names"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_change_leaves_the_draft_as_it_was(case: str, change: Callable[[DeckDraft], object], names: str, dirty: bool) -> None:
    draft = handmade()
    if dirty:
        draft.set_meta(version="4")
    before = snapshot(draft)

    with pytest.raises(Refused) as refused:
        change(draft)

    assert snapshot(draft) == before
    assert draft.changed is dirty
    message = str(refused.value)
    assert_plain(message)
    assert names in message
    # and the draft still takes a good change afterwards
    draft.set_card(3, text="A full waiting room")
    assert read_back(draft.text) == draft.deck


def test_set_meta_refuses_an_unknown_field_and_changes_nothing() -> None:
    draft = handmade()
    before = snapshot(draft)
    with pytest.raises(ValueError, match="colour"):
        draft.set_meta(colour="blue")
    assert snapshot(draft) == before


def test_cards_written_inline_cannot_be_edited_but_the_metadata_can() -> None:
    text = 'id = "inline"\ntitle = "Inline"\ntrait = "T"\nsummary = "S"\nprompts = [{ id = "a", kind = "question", text = "A?" }, { id = "b", kind = "stimulus", text = "B" }]\n'
    draft = DeckDraft(text, Path("inline.toml"))
    before = snapshot(draft)

    for change in (lambda: draft.set_card(0, text="Why?"), lambda: draft.move_card(1, -1), lambda: draft.delete_card(0), lambda: draft.add_card(id="c", kind="stimulus", text="C")):
        with pytest.raises(Refused) as refused:
            change()
        assert "[[prompts]]" in str(refused.value)
        assert_plain(str(refused.value))
        assert snapshot(draft) == before

    draft.set_meta(title="Inline deck")
    assert read_back(draft.text).title == "Inline deck"


# --- set_meta ----------------------------------------------------------------------------------


def test_a_summary_with_a_line_break_is_written_as_a_multi_line_string() -> None:
    draft = handmade()
    summary = "What the frontline hears.\nAnd what we do with it."

    draft.set_meta(summary=summary)

    assert 'summary = """What the frontline hears.\nAnd what we do with it."""' in draft.text
    assert tomllib.loads(draft.text)["summary"] == summary
    assert draft.deck.summary == summary
    assert read_back(draft.text) == draft.deck


def test_a_summary_on_one_line_stays_a_plain_string() -> None:
    draft = handmade()
    draft.set_meta(summary="Short and plain.")
    assert 'summary = "Short and plain."' in draft.text.splitlines()


def test_set_meta_changes_only_the_lines_of_the_fields_it_changes() -> None:
    draft = handmade()
    before = draft.text
    draft.set_meta(title="Made by hand", version="4")
    assert changed_lines(before, draft.text) == [('title = "Handmade"', 'title = "Made by hand"'), ('version = "3"', 'version = "4"')]


@pytest.mark.parametrize("empty", ["", None])
@pytest.mark.parametrize(("field", "default"), [("language", "en"), ("version", "1")])
def test_emptying_language_or_version_removes_the_key_and_the_default_applies(field: str, default: str, empty: str | None) -> None:
    draft = handmade()

    draft.set_meta(**{field: empty})

    assert f"{field} =" not in draft.text
    assert field not in tomllib.loads(draft.text)
    assert getattr(draft.deck, field) == default
    assert read_back(draft.text) == draft.deck
    assert len(draft.text.splitlines()) == len(f"{directive()}\n{HANDMADE}".splitlines()) - 1


def test_a_language_added_to_a_deck_without_one_goes_among_the_metadata() -> None:
    text = '# top\nid = "src"\ntitle = "With sources"\ntrait = "T"\nsummary = """Two\nlines."""\n\n[[sources]]\ntitle = "An article"\n\n# the first card\n[[prompts]]\nid = "a"\nkind = "question"\ntext = "A?"\n'
    draft = DeckDraft(text, Path("src.toml"))

    draft.set_meta(language="pt-BR", version="2")

    data = tomllib.loads(draft.text)
    assert data["language"] == "pt-BR" and data["version"] == "2"
    assert data["sources"] == [{"title": "An article"}]
    lines = draft.text.splitlines()
    assert lines[lines.index('lines."""') + 1 : lines.index('lines."""') + 3] == ['language = "pt-BR"', 'version = "2"']
    assert draft.deck.sources == [Source(title="An article")]


# --- tricky text -------------------------------------------------------------------------------

TRICKY = [
    'He said "not now"',
    "C:\\Users\\coach\\",
    "a \\n that is not a line break",
    'three quotes """ in the middle',
    "'single' and '''triple''' quotes",
    "[[prompts]]",
    'id = "injected"',
    "# not a comment",
    "[bold]x[/] and [link=https://example.org]here[/link]",
    "Ünïcödé — 日本語のカード 🎉 ñ",
    "\\u0041 is not A",
    "ends with a backslash \\",
    '"',
]


@pytest.mark.parametrize("value", TRICKY)
def test_text_that_looks_like_toml_or_markup_is_kept_as_data(value: str, tmp_path: Path) -> None:
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", HANDMADE))

    draft.set_card(3, text=value, source=value)
    draft.set_card(1, text=f"In {{routine}}: {value}")
    draft.add_card(id="s2", kind="stimulus", text=value, source=value)
    draft.set_meta(title=value, trait=value, summary=f"{value}\n{value}", version=value)

    def check(deck: Deck) -> None:
        assert deck.prompts[3].text == value and deck.prompts[3].source == value
        assert deck.prompts[1].text == f"In {{routine}}: {value}"
        assert deck.prompts[4].text == value and deck.prompts[4].source == value
        assert (deck.title, deck.trait, deck.summary, deck.version) == (value, value, f"{value}\n{value}", value)
        assert [c.id for c in deck.prompts] == [*ORDER, "s2"]

    check(draft.deck)
    check(read_back(draft.text))
    draft.save()
    loaded = load_file(Deck, draft.path)
    assert isinstance(loaded, Deck)
    check(loaded)
    check(DeckDraft.open(draft.path).deck)


PRINTABLE = st.characters(blacklist_categories=("C", "Z"), whitelist_characters=" \"'\\[]#=")


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(PRINTABLE, min_size=1, max_size=40).filter(lambda s: s.strip()),
    summary=st.lists(st.text(PRINTABLE, min_size=1, max_size=30).filter(lambda s: s.strip()), min_size=1, max_size=3),
)
def test_any_printable_text_reads_back_as_it_was_written(text: str, summary: list[str]) -> None:
    text = text.strip().replace("{", "(")  # braces make slots; those have rules of their own
    joined = "\n".join(line.strip() for line in summary)
    draft = handmade()

    draft.set_card(2, text=text, source=text)
    draft.set_meta(title=text, summary=joined)

    data = tomllib.loads(draft.text)
    assert data["prompts"][2]["text"] == text and data["prompts"][2]["source"] == text
    assert data["title"] == text and data["summary"] == joined
    assert Deck.model_validate(data) == draft.deck


# --- save --------------------------------------------------------------------------------------


def test_save_writes_the_deck_with_the_directive_and_it_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "decks" / "handmade.toml", HANDMADE)
    draft = DeckDraft.open(path)
    draft.set_card(1, fits=["meetings"])
    draft.move_card(2, 1)

    assert draft.save() == path

    saved = path.read_text(encoding="utf-8")
    assert saved == draft.text
    assert saved.splitlines()[0] == directive()
    assert draft.changed is False
    loaded = load_file(Deck, path)
    assert isinstance(loaded, Deck), loaded
    assert loaded == draft.deck
    assert [c.id for c in loaded.prompts] == ["q1", "r1", "s1", "p1"]
    assert leftover_temp_files(path) == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["handmade.toml"]


def test_a_saved_deck_opens_again_as_it_was_saved(tmp_path: Path) -> None:
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", HANDMADE))
    draft.set_meta(summary="Two\nlines")
    draft.save()

    again = DeckDraft.open(draft.path)

    assert again.text == draft.text and again.deck == draft.deck and again.changed is False


def test_save_without_a_change_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "handmade.toml", HANDMADE)
    draft = DeckDraft.open(path)
    stamp = path.stat().st_mtime_ns

    assert draft.save() == path

    assert path.read_text(encoding="utf-8") == HANDMADE
    assert path.stat().st_mtime_ns == stamp


def test_save_makes_the_folder_and_writes_a_draft_whose_file_is_not_there_yet(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "handmade.toml"
    draft = DeckDraft(HANDMADE, path)

    draft.save()

    assert path.read_text(encoding="utf-8") == f"{directive()}\n{HANDMADE}"


def test_a_save_that_fails_before_the_file_is_replaced_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "handmade.toml", HANDMADE)
    draft = DeckDraft.open(path)
    draft.set_meta(title="Changed")

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(Refused) as refused:
        draft.save()
    monkeypatch.undo()

    assert path.read_text(encoding="utf-8") == HANDMADE  # the old file, whole
    assert leftover_temp_files(path) == []
    assert "No space left on device" in str(refused.value) and "could not be written" in str(refused.value)
    assert_plain(str(refused.value))
    assert draft.changed is True and draft.deck.title == "Changed"

    draft.save()  # the change was kept, and goes out once the disk has room
    assert read_back(path.read_text(encoding="utf-8")).title == "Changed"
    assert draft.changed is False


def test_save_is_refused_when_the_folder_is_a_file(tmp_path: Path) -> None:
    blocker = write(tmp_path / "decks", "not a folder")
    draft = DeckDraft(HANDMADE, blocker / "handmade.toml")
    draft.set_meta(title="Changed")
    before = snapshot(draft)

    with pytest.raises(Refused) as refused:
        draft.save()

    assert str(blocker / "handmade.toml") in str(refused.value)
    assert_plain(str(refused.value))
    assert snapshot(draft) == before
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_save_is_refused_when_writing_is_not_permitted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-only folder below, as root (who writes through chmod) sees it."""
    path = write(tmp_path / "handmade.toml", HANDMADE)
    draft = DeckDraft.open(path)
    draft.set_meta(title="Changed")

    def denied(target: Path, text: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr("facilitator.authoring.atomic_write", denied)
    with pytest.raises(Refused) as refused:
        draft.save()

    assert "Permission denied" in str(refused.value)
    assert_plain(str(refused.value))
    assert draft.changed is True
    assert path.read_text(encoding="utf-8") == HANDMADE


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 555; the injected test above covers the path")
def test_save_is_refused_when_the_folder_cannot_be_written(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    path = write(folder / "handmade.toml", HANDMADE)
    draft = DeckDraft.open(path)
    draft.set_meta(title="Changed")
    before = snapshot(draft)
    folder.chmod(0o555)
    try:
        with pytest.raises(Refused) as refused:
            draft.save()
    finally:
        folder.chmod(0o755)

    assert_plain(str(refused.value))
    assert snapshot(draft) == before
    assert path.read_text(encoding="utf-8") == HANDMADE
    assert sorted(p.name for p in folder.iterdir()) == ["handmade.toml"]


def test_revert_goes_back_to_the_file_as_last_saved(tmp_path: Path) -> None:
    draft = DeckDraft.open(write(tmp_path / "handmade.toml", HANDMADE))
    draft.move_card(2, 1)
    draft.revert()
    assert draft.text == f"{directive()}\n{HANDMADE}" and draft.changed is False
    assert [c.id for c in draft.cards] == ORDER

    draft.set_meta(title="Saved title")
    draft.save()
    saved = draft.text
    draft.set_card(3, text="Unsaved")
    draft.revert()
    assert draft.text == saved and draft.deck.title == "Saved title" and draft.changed is False


# --- copy_into ---------------------------------------------------------------------------------


def builtin_decks() -> list[Path]:
    found = sorted(builtin_dir("prompts").glob("*.toml"))
    assert found, "no built-in decks found"
    return found


@pytest.mark.parametrize("source", builtin_decks(), ids=lambda p: p.stem)
def test_a_built_in_deck_copied_under_its_own_id_is_the_same_file_with_the_directive(source: Path, tmp_path: Path) -> None:
    original = source.read_bytes()
    deck = load_file(Deck, source)
    assert isinstance(deck, Deck)
    folder = tmp_path / "mine"

    draft = DeckDraft.copy_into(source, deck.id, folder)

    target = folder / f"{deck.id}.toml"
    assert draft.path == target and draft.changed is False
    written = target.read_text(encoding="utf-8")
    assert without_directive(written) == original.decode("utf-8")
    assert load_file(Deck, target) == deck == draft.deck
    assert source.read_bytes() == original
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


@pytest.mark.parametrize("source", builtin_decks(), ids=lambda p: p.stem)
def test_a_built_in_deck_copied_under_a_new_id_differs_only_in_its_id(source: Path, tmp_path: Path) -> None:
    original = source.read_text(encoding="utf-8")
    deck = load_file(Deck, source)
    assert isinstance(deck, Deck)
    new_id = f"{deck.id}-retail"

    draft = DeckDraft.copy_into(source, new_id, tmp_path)

    written = (tmp_path / f"{new_id}.toml").read_text(encoding="utf-8")
    assert written == draft.text
    differences = changed_lines(original, without_directive(written))
    assert len(differences) == 1
    old_line, new_line = differences[0]
    assert tomllib.loads(old_line) == {"id": deck.id}
    assert tomllib.loads(new_line) == {"id": new_id}
    loaded = load_file(Deck, tmp_path / f"{new_id}.toml")
    assert isinstance(loaded, Deck)
    assert loaded == deck.model_copy(update={"id": new_id}) == draft.deck


def test_a_copy_keeps_the_comments_of_a_hand_written_deck(tmp_path: Path) -> None:
    source = write(tmp_path / "handmade.toml", HANDMADE)

    DeckDraft.copy_into(source, "handmade-two", tmp_path / "mine")

    written = (tmp_path / "mine" / "handmade-two.toml").read_text(encoding="utf-8")
    assert written == f"{directive()}\n" + HANDMADE.replace('id = "handmade"  #', 'id = "handmade-two"  #')


def test_a_copy_under_the_same_id_goes_to_the_users_folder_and_stands_in_for_the_built_in(tmp_path: Path) -> None:
    source = builtin_dir("prompts") / "frontline.toml"

    draft = DeckDraft.copy_into(source, "frontline")

    assert draft.path == user_dir("decks") / "frontline.toml"
    assert draft.path.is_file() and str(tmp_path) in str(draft.path)  # the test's own config folder
    draft.set_meta(title="Our frontline")
    draft.save()
    catalog = load_decks()
    assert catalog.origins["frontline"] == draft.path
    assert catalog.get("frontline").title == "Our frontline"


@pytest.mark.parametrize("bad_id", ["Frontline", "front line", "", "-front", "../front", "front/line", "a" * 65, "frontline.toml"])
def test_copy_into_refuses_a_bad_id_and_writes_nothing(bad_id: str, tmp_path: Path) -> None:
    source = builtin_dir("prompts") / "frontline.toml"
    folder = tmp_path / "mine"

    with pytest.raises(Refused) as refused:
        DeckDraft.copy_into(source, bad_id, folder)

    assert "deck id" in str(refused.value)
    assert_plain(str(refused.value))
    assert not folder.exists()
    assert not list(tmp_path.rglob("*.toml"))


def test_copy_into_refuses_a_file_that_is_there_and_leaves_it_alone(tmp_path: Path) -> None:
    source = builtin_dir("prompts") / "frontline.toml"
    folder = tmp_path / "mine"
    existing = write(folder / "frontline.toml", "# my own notes, not even a deck\n")

    with pytest.raises(Refused) as refused:
        DeckDraft.copy_into(source, "frontline", folder)

    assert "frontline.toml" in str(refused.value)
    assert_plain(str(refused.value))
    assert existing.read_text(encoding="utf-8") == "# my own notes, not even a deck\n"
    assert sorted(p.name for p in folder.iterdir()) == ["frontline.toml"]


def test_copy_into_refuses_a_source_that_is_not_a_valid_deck_and_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path / "broken.toml", HANDMADE.replace('kind = "routine"', 'kind = "routin"'))

    with pytest.raises(Refused) as refused:
        DeckDraft.copy_into(source, "mended", tmp_path / "mine")

    assert "card r1" in str(refused.value)
    assert_plain(str(refused.value))
    assert not (tmp_path / "mine").exists()


# --- create ------------------------------------------------------------------------------------


def test_create_writes_a_valid_deck_with_one_card_of_each_kind(tmp_path: Path) -> None:
    folder = tmp_path / "mine"

    draft = DeckDraft.create("acme-frontline", "Learn from the frontline", language="nl", folder=folder)

    path = folder / "acme-frontline.toml"
    assert draft.path == path and draft.changed is False
    text = path.read_text(encoding="utf-8")
    assert text == draft.text
    assert text.splitlines()[0] == directive()
    loaded = load_file(Deck, path)
    assert isinstance(loaded, Deck), loaded
    assert loaded == draft.deck
    assert (loaded.id, loaded.trait, loaded.title, loaded.language) == ("acme-frontline", "Learn from the frontline", "Learn from the frontline", "nl")
    assert sorted(c.kind for c in loaded.prompts) == sorted(CardKind)
    assert all(c.id.startswith("acme-frontline-") for c in loaded.prompts)
    assert "#" in without_directive(text)  # it says what goes where


def test_create_goes_to_the_users_own_folder_by_default() -> None:
    draft = DeckDraft.create("acme", "Customer first", title="Acme: customer first")
    assert draft.path == user_dir("decks") / "acme.toml"
    assert load_decks().get("acme").title == "Acme: customer first"


def test_a_created_deck_can_be_edited_and_saved(tmp_path: Path) -> None:
    draft = DeckDraft.create("acme", "Customer first", folder=tmp_path)
    draft.set_card(1, fits=["ceremonies"])
    draft.add_card(id="acme-q2", kind="question", text="Who asked last?")
    draft.save()
    loaded = load_file(Deck, tmp_path / "acme.toml")
    assert isinstance(loaded, Deck)
    assert loaded.prompts[1].fits == [RoutineFit.CEREMONIES]
    assert loaded.prompts[-1].id == "acme-q2"


@pytest.mark.parametrize("value", TRICKY)
def test_create_keeps_a_trait_and_title_that_look_like_toml_as_data(value: str, tmp_path: Path) -> None:
    draft = DeckDraft.create("acme", value, title=f"Title: {value}", folder=tmp_path)
    loaded = load_file(Deck, tmp_path / "acme.toml")
    assert isinstance(loaded, Deck), loaded
    assert loaded.trait == value and loaded.title == f"Title: {value}"
    assert loaded == draft.deck


def test_create_refuses_when_the_file_is_there_and_leaves_it_alone(tmp_path: Path) -> None:
    existing = write(tmp_path / "acme.toml", HANDMADE)

    with pytest.raises(Refused) as refused:
        DeckDraft.create("acme", "Customer first", folder=tmp_path)

    assert "acme.toml" in str(refused.value)
    assert_plain(str(refused.value))
    assert existing.read_text(encoding="utf-8") == HANDMADE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.toml"]


@pytest.mark.parametrize(
    ("deck_id", "trait", "language", "words"),
    [
        ("Acme", "Customer first", "en", "deck id"),
        ("acme/../x", "Customer first", "en", "deck id"),
        ("acme", "", "en", "trait"),
        ("acme", "Customer first", "Dutch", "language"),
    ],
)
def test_create_refuses_what_would_not_be_a_valid_deck_and_writes_nothing(deck_id: str, trait: str, language: str, words: str, tmp_path: Path) -> None:
    folder = tmp_path / "mine"

    with pytest.raises(Refused) as refused:
        DeckDraft.create(deck_id, trait, language=language, folder=folder)

    assert words in str(refused.value)
    assert_plain(str(refused.value))
    assert not folder.exists()


def test_create_writes_into_a_folder_whose_name_holds_a_line_break(tmp_path: Path) -> None:
    folder = tmp_path / "odd\nname = 1"

    draft = DeckDraft.create("acme", "Customer first", folder=folder)

    loaded = load_file(Deck, folder / "acme.toml")
    assert isinstance(loaded, Deck) and loaded == draft.deck


# --- to_toml -----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", builtin_decks(), ids=lambda p: p.stem)
def test_to_toml_of_a_built_in_deck_reads_back_as_the_same_deck(source: Path) -> None:
    deck = load_file(Deck, source)
    assert isinstance(deck, Deck)
    assert read_back(to_toml(deck)) == deck


def test_to_toml_writes_optional_fields_only_when_set_and_keeps_tricky_text() -> None:
    tricky = " / ".join(TRICKY)
    deck = Deck(
        id="tricky",
        title=tricky,
        trait="T",
        summary=f"First line\n{tricky}",
        sources=[Source(title="An article", year=2020)],
        prompts=[
            PromptCard(id="r1", kind=CardKind.ROUTINE, text="In {routine}, " + tricky, source=tricky, fits=[RoutineFit.MEETINGS]),
            PromptCard(id="q1", kind=CardKind.QUESTION, text="Why?"),
        ],
    )

    text = to_toml(deck)

    assert read_back(text) == deck
    data = tomllib.loads(text)
    assert data["prompts"][1] == {"id": "q1", "kind": "question", "text": "Why?"}
    assert data["prompts"][0]["fits"] == ["meetings"]
    assert 'summary = """' in text
    assert list(data) == ["id", "title", "trait", "summary", "language", "version", "sources", "prompts"]
    plain = Deck(id="plain", title="P", trait="T", summary="S", prompts=[PromptCard(id="s1", kind=CardKind.STIMULUS, text="A door")])
    assert "sources" not in tomllib.loads(to_toml(plain))
    assert DeckDraft(to_toml(plain), Path("plain.toml")).deck == plain


# --- any sequence of card moves ----------------------------------------------------------------

KINDS = {
    "question": "What did a customer ask us this week?",
    "routine": "Where is the customer in {routine}?",
    "perspective": "You are the customer on hold.",
    "stimulus": "A ringing phone",
}

OPERATION = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(-5, 5)),
    st.tuples(st.just("add"), st.integers(-1, 20), st.sampled_from(sorted(KINDS))),
    st.tuples(st.just("delete"), st.integers(0, 20), st.just(0)),
)


def run_operations(operations: list[tuple[str, int, object]], *, keep_first: bool) -> None:
    """Apply the operations to the hand-written deck and check, after each, that the text is a
    valid deck equal to the draft's, the cards are in the expected order, and every card keeps
    its comments. With `keep_first`, no operation moves, replaces or deletes the first card."""
    draft = handmade()
    original = blocks(HANDMADE)
    order = list(ORDER)
    added = 0
    for name, number, extra in operations:
        count = len(order)
        if name == "move":
            low = 1 if keep_first else 0
            if count - low < 1:
                continue
            index = low + number % (count - low)
            by = max(int(str(extra)), low - index)
            to = draft.move_card(index, by)
            assert to == max(0, min(count - 1, index + by))
            order.insert(to, order.pop(index))
        elif name == "add":
            at = None if number >= count else max(number, 0 if keep_first else -1)
            added += 1
            card_id = f"new-{added}"
            kind = str(extra)
            fits = ["people"] if kind == "routine" else []
            place = draft.add_card(at, id=card_id, kind=kind, text=KINDS[kind], fits=fits)
            assert place == (count if at is None else at + 1)
            order.insert(place, card_id)
        else:
            low = 1 if keep_first else 0
            if count == 1:
                before = snapshot(draft)
                with pytest.raises(Refused):
                    draft.delete_card(0)
                assert snapshot(draft) == before
                continue
            if count - low < 1:
                continue
            index = low + number % (count - low)
            draft.delete_card(index)
            order.pop(index)

        deck = read_back(draft.text)
        assert deck == draft.deck
        assert [c.id for c in deck.prompts] == order
        found = blocks(draft.text)
        assert list(found) == order
        for card_id in order:
            if card_id in original:
                assert found[card_id] == original[card_id], card_id
            else:
                assert found[card_id].above == [], card_id
        lines = draft.text.splitlines()
        assert lines[:2] == [directive(), TOP_COMMENT]
        assert lines[-1] == END_COMMENT
        assert draft.text.count("#") == HANDMADE.count("#") + 1 - sum(
            len(original[c].above) + sum(line.count("#") for line in original[c].keys) for c in ORDER if c not in order
        )


@settings(max_examples=100, deadline=None)
@given(operations=st.lists(OPERATION, max_size=12))
def test_card_moves_that_keep_the_first_card_keep_the_deck_valid_and_every_comment(operations: list[tuple[str, int, object]]) -> None:
    run_operations(operations, keep_first=True)


@settings(max_examples=100, deadline=None)
@given(operations=st.lists(OPERATION, max_size=12))
def test_any_card_moves_keep_the_deck_valid_and_read_back_equal(operations: list[tuple[str, int, object]]) -> None:
    """Without the comment checks, which the first card breaks (see the test below)."""
    draft = handmade()
    order = list(ORDER)
    added = 0
    for name, number, extra in operations:
        count = len(order)
        if name == "move":
            index = number % count
            to = draft.move_card(index, int(str(extra)))
            order.insert(to, order.pop(index))
        elif name == "add":
            added += 1
            kind = str(extra)
            at = None if number >= count else number
            place = draft.add_card(at, id=f"new-{added}", kind=kind, text=KINDS[kind], source="An article")
            order.insert(place, f"new-{added}")
        elif count == 1:
            with pytest.raises(Refused):
                draft.delete_card(0)
        else:
            index = number % count
            draft.delete_card(index)
            order.pop(index)
        deck = read_back(draft.text)
        assert deck == draft.deck
        assert [c.id for c in draft.cards] == order
        assert draft.text.splitlines()[0] == directive()


@settings(max_examples=100, deadline=None, database=None)
@given(operations=st.lists(OPERATION, max_size=12))
@example(operations=[("move", 1, -1)])
def test_any_card_moves_keep_every_comment_of_a_card_that_is_still_there(operations: list[tuple[str, int, object]]) -> None:
    run_operations(operations, keep_first=False)


def test_a_comment_above_the_first_card_after_a_sources_block_moves_with_its_card() -> None:
    text = (
        'id = "d"\ntitle = "T"\ntrait = "T"\nsummary = "S"\n\n[[sources]]\ntitle = "An article"\n\n'
        '# about a\n[[prompts]]\nid = "a"\nkind = "question"\ntext = "A?"\n\n'
        '# about b\n[[prompts]]\nid = "b"\nkind = "stimulus"\ntext = "B"\n'
    )
    draft = DeckDraft(text, Path("d.toml"))

    draft.move_card(1, -1)

    moved = draft.text
    assert [c.id for c in Deck.model_validate(tomllib.loads(moved)).prompts] == ["b", "a"]
    assert moved.index("# about b") < moved.index('id = "b"') < moved.index("# about a") < moved.index('id = "a"')
    assert moved.index('title = "An article"') < moved.index("# about b")


def test_save_waits_when_the_file_changed_outside_the_app_and_writes_over_it_only_when_told(tmp_path: Path) -> None:
    from facilitator.authoring import ChangedOnDisk

    path = tmp_path / "mine.toml"
    path.write_text(HANDMADE, encoding="utf-8")
    draft = DeckDraft.open(path)
    draft.move_card(1, 1)
    outside = HANDMADE.replace('title = ', '# added in another editor\ntitle = ', 1)
    path.write_text(outside, encoding="utf-8")

    with pytest.raises(ChangedOnDisk, match="changed outside the app"):
        draft.save()
    assert path.read_text(encoding="utf-8") == outside and draft.changed

    draft.save(over_changes=True)
    assert "# added in another editor" not in path.read_text(encoding="utf-8") and not draft.changed

    path.unlink()
    draft.move_card(0, 1)
    with pytest.raises(ChangedOnDisk, match="deleted outside the app"):
        draft.save()
    assert not path.exists()


def test_reload_takes_the_file_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(HANDMADE, encoding="utf-8")
    draft = DeckDraft.open(path)
    draft.move_card(1, 1)
    path.write_text(HANDMADE.replace('title = "', 'title = "Renamed ', 1), encoding="utf-8")

    draft.reload()

    assert draft.deck.title.startswith("Renamed ") and not draft.changed
    draft.move_card(0, 1)
    draft.save()  # what it read is what is on disk: no question

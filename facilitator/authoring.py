"""Editing a deck file the way a coach wrote it.

A `DeckDraft` holds the deck as a tomlkit document, so that saving it keeps what a person put in
the file: comments, the order of keys and cards, blank lines, quoting. A comment written above a
card belongs to that card and moves with it. Every change is checked against the `Deck` model
before it is taken: a change that would make the deck invalid is refused with one plain line,
and the draft stays as it was. Nothing is written until `save`, which writes atomically and makes
sure the file starts with the `#:schema` line that points TOML editors at the shipped schema.

Built-in decks are never written: `copy_into` puts a copy in the coach's own folder first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError
from tomlkit.container import Container
from tomlkit.items import AoT, Comment, Item, Table, Whitespace

from facilitator.catalog import Catalog, builtin_dir, decode, load_layers, parse, user_dir
from facilitator.files import atomic_write
from facilitator.models import CardKind, Deck, PromptCard
from facilitator.problems import file_problems
from facilitator.text import clean

__all__ = ["ChangedOnDisk", "DeckDraft", "Place", "Refused", "ShelfDeck", "schema_directive", "shelf", "to_toml", "with_directive"]

SCHEMA_PREFIX = "#:schema "
DECK_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
CARD_FIELDS = ("id", "kind", "text", "source", "fits")
META_FIELDS = ("title", "trait", "summary", "language", "version")


DECK_SCAFFOLD = """\
#:schema {schema}
# A deck for facilitator. Every field is explained in the deck guide (docs/decks.md); an editor that
# reads the line above checks the file as you type. Check it with: facilitator decks validate {path}

id = {id}
title = {title}
trait = {trait}
summary = \"\"\"What this trait means for the room, in two or three sentences: why a customer would
notice it, and what the team will look for in its own routines.\"\"\"
language = {language}
version = "1"

# Where the ideas on these cards come from: an article, a book, an interview.
# [[sources]]
# title = "The article's title"
# author = "Its author"

# One card of each kind to start from. Add as many as you like; ids must be unique in the deck.

[[prompts]]
id = "{id_bare}-q1"
kind = "question"  # an open question the room answers about its own work
text = "Where did a customer last notice this trait in us, or miss it?"

[[prompts]]
id = "{id_bare}-r1"
kind = "routine"  # {{routine}} is filled in with one of the team's routines
text = "In {{routine}}, what would change if a customer were listening in?"

[[prompts]]
id = "{id_bare}-p1"
kind = "perspective"  # the room looks at its work through someone else's eyes
text = "You are a customer who has just left us. What would you tell this team?"

[[prompts]]
id = "{id_bare}-s1"
kind = "stimulus"  # a few words or an image to associate freely with
text = "A customer's name on the whiteboard"

[[prompts]]
id = "{id_bare}-v1"
kind = "reversal"  # the question turned round; it may use {{routine}} too
text = "How would we make sure no customer ever comes up in {{routine}}?"

[[prompts]]
id = "{id_bare}-j1"
kind = "job"  # a moment in the customer's own life
text = "What almost stopped our last customer from choosing us?"

[[prompts]]
id = "{id_bare}-m1"
kind = "journey"  # {{moment}} is filled in with a moment of the customer's journey
text = "What does a customer feel at {{moment}}, and who on our team sees it?"

[[prompts]]
id = "{id_bare}-t1"
kind = "try-it"  # a small experiment for this week
text = "Sign up for our own service as a stranger this week: where do you get stuck?"
"""
"""A new deck: valid as it stands, with one card of each kind and comments that say what goes where."""


class Refused(ValueError):
    """A change that would leave the deck invalid, or a file that cannot be written; the message
    is one line for the coach, and nothing changed."""


class ChangedOnDisk(Refused):
    """The deck's file was changed, made or deleted by something else since the draft read it:
    saving would write over that, so it waits until the coach says which to keep."""


def schema_directive() -> str:
    """The first line of every deck the app writes: editors that read it check the file as it is typed."""
    schema = Path(str(resources.files("facilitator").joinpath("schemas", "deck.schema.json"))).as_uri()
    return f"{SCHEMA_PREFIX}{schema}"


def to_toml(deck: Deck) -> str:
    """A deck as TOML, fields in the model's order, optional ones left out when unset."""
    data = deck.model_dump(mode="json", exclude_none=True)
    for card in data["prompts"]:
        if not card.get("fits"):
            card.pop("fits", None)
    if not data.get("sources"):
        data.pop("sources", None)
    document = tomlkit.document()
    for key, value in data.items():
        if key == "prompts":
            continue
        document[key] = _multiline(value) if key == "summary" else value
    cards = tomlkit.aot()
    for card in data["prompts"]:
        cards.append(tomlkit.item(card))
    document["prompts"] = cards
    return tomlkit.dumps(document)


class Place(StrEnum):
    """Which layer a deck's file is in."""

    BUILT_IN = "built-in"
    YOURS = "yours"
    FOLDER = "folder"
    """A folder named with `--decks`."""


@dataclass(frozen=True)
class ShelfDeck:
    """A deck as the deck manager lists it: where its file is, and what it stands in for."""

    deck: Deck
    path: Path
    place: Place
    replaces: Place | None
    """The layer of a deck with the same id that this one is used in place of, if any."""

    @property
    def editable(self) -> bool:
        """A built-in deck is never written: a coach copies it first."""
        return self.place is not Place.BUILT_IN

    def count(self, kind: CardKind) -> int:
        return sum(1 for card in self.deck.prompts if card.kind is kind)


def shelf(catalog: Catalog[Deck], deck_dirs: Sequence[Path] = ()) -> list[ShelfDeck]:
    """Every deck in `catalog`, by title, with its file's layer and whether it stands in for a
    deck of an earlier layer (a copy of a built-in deck in the coach's folder does)."""
    builtin = builtin_dir("prompts")
    own = user_dir("decks")
    earlier: dict[str, Place] = {}
    for place, folder in ((Place.BUILT_IN, builtin), (Place.YOURS, own)):
        for deck_id in load_layers(Deck, [folder]).items:
            earlier.setdefault(deck_id, place)
    decks: list[ShelfDeck] = []
    for deck in catalog:
        path = catalog.origins[deck.id]
        place = _place_of(path, builtin, own)
        before = earlier.get(deck.id)
        replaces = before if before is not None and _order(before) < _order(place) else None
        decks.append(ShelfDeck(deck, path, place, replaces))
    return sorted(decks, key=lambda d: (d.deck.title.casefold(), d.deck.id))


def _place_of(path: Path, builtin: Path, own: Path) -> Place:
    if path.parent == builtin:
        return Place.BUILT_IN
    if path.parent == own:
        return Place.YOURS
    return Place.FOLDER


def _order(place: Place) -> int:
    return list(Place).index(place)


class DeckDraft:
    """A deck file open for editing: change cards and metadata, then save."""

    def __init__(self, text: str, path: Path, on_disk: bytes | None = None) -> None:
        self.path = path
        self._on_disk = on_disk
        """The file's bytes as last read or written here; None when there was no file."""
        self._saved_text = text
        self._document = self._parse(text)
        self.deck = self._check(self._document)
        self.changed = False

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> DeckDraft:
        """The deck file at `path`; `Refused` if it cannot be read or is not a valid deck."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise Refused(f"{clean(str(path))} cannot be read: {exc.strerror or exc}") from None
        text = decode(path, data)
        if not isinstance(text, str):
            raise Refused(clean(str(text)))
        return cls(text, path, on_disk=data)

    @classmethod
    def create(cls, deck_id: str, trait: str, *, title: str = "", language: str = "en", folder: Path | None = None) -> DeckDraft:
        """A new deck with one card of each kind, written at once in the coach's own folder (or
        `folder`); never over a file that is there, and only if it is valid as written."""
        if not DECK_ID.fullmatch(deck_id):
            raise Refused(f"“{clean(deck_id)}” cannot be a deck id: use small letters, digits and dashes, like acme-frontline")
        target = (folder or user_dir("decks")) / f"{deck_id}.toml"
        if target.exists():
            raise Refused(f"{clean(str(target))} exists already (open that deck, or give another id)")
        trait = clean(trait).strip()
        text = DECK_SCAFFOLD.format(
            schema=schema_directive().removeprefix(SCHEMA_PREFIX),
            path=" ".join(str(target).splitlines()),
            id=_basic_string(deck_id),
            id_bare=deck_id,
            title=_basic_string(clean(title).strip() or trait),
            trait=_basic_string(trait),
            language=_basic_string(language),
        )
        draft = cls(text, target)
        draft.changed = True
        draft.save()
        return draft

    @classmethod
    def copy_into(cls, source: Path, new_id: str, folder: Path | None = None) -> DeckDraft:
        """A copy of the deck file at `source` in the coach's own folder (or `folder`), under
        `new_id`; the same id as the original makes the copy stand in for it."""
        if not DECK_ID.fullmatch(new_id):
            raise Refused(f"“{new_id}” cannot be a deck id: use small letters, digits and dashes, like acme-frontline")
        target = (folder or user_dir("decks")) / f"{new_id}.toml"
        if target.exists():
            raise Refused(f"you have a deck file {clean(target.name)} already: open that one, or give the copy another id")
        draft = cls.open(source)
        draft.path, draft._on_disk = target, None
        if draft.deck.id != new_id:
            draft._apply(lambda doc: doc.__setitem__("id", new_id))
        draft.changed = True
        draft.save()
        return draft

    # --- reading ---------------------------------------------------------------------------------

    @property
    def cards(self) -> list[PromptCard]:
        return list(self.deck.prompts)

    @property
    def text(self) -> str:
        """The file as it will be saved."""
        return with_directive(tomlkit.dumps(self._document))

    # --- changing --------------------------------------------------------------------------------

    def set_meta(self, **fields: str | None) -> None:
        """Change the deck's title, trait, summary, language or version; an empty optional one is left out."""
        unknown = set(fields) - set(META_FIELDS)
        if unknown:
            raise ValueError(f"not deck metadata: {', '.join(sorted(unknown))}")

        def change(doc: tomlkit.TOMLDocument) -> None:
            for name, value in fields.items():
                _set(doc, name, value, multiline=name == "summary")

        self._apply(change)

    def set_card(self, index: int, **fields: Any) -> None:
        """Change some fields of the card at `index` (a field set to None or empty is removed)."""
        self._check_place(index)
        self._check_card_fields(fields)
        self._apply(lambda doc: _set_all(_cards(doc)[index], fields))

    def add_card(self, at: int | None = None, **fields: Any) -> int:
        """A new card after the card at `at` (-1: first; default: at the end); returns its place."""
        self._check_card_fields(fields)
        count = len(self.deck.prompts)
        place = count if at is None else min(max(at + 1, 0), count)

        def change(doc: tomlkit.TOMLDocument) -> None:
            table = tomlkit.table()
            for name in CARD_FIELDS:
                if fields.get(name) not in (None, "", []):
                    table[name] = _plain_value(fields[name])
            count = len(_cards(doc))
            order = list(range(count))
            order.insert(place, count)
            _reorder(doc, order, extra=table)

        self._apply(change)
        return place

    def delete_card(self, index: int) -> None:
        """Remove the card at `index` with the comment written above it."""
        self._check_place(index)
        if len(self.deck.prompts) == 1:
            raise Refused("a deck needs at least one card: add another before you delete this one")

        def change(doc: tomlkit.TOMLDocument) -> None:
            _reorder(doc, [i for i in range(len(_cards(doc))) if i != index])

        self._apply(change)

    def move_card(self, index: int, by: int) -> int:
        """Move the card at `index` up (`by` < 0) or down; returns its new place."""
        self._check_place(index)
        count = len(self.deck.prompts)
        to = max(0, min(count - 1, index + by))
        if to == index:
            return index
        order = list(range(count))
        order.insert(to, order.pop(index))
        self._apply(lambda doc: _reorder(doc, order))
        return to

    def save(self, *, over_changes: bool = False) -> Path:
        """Write the deck to its file (atomically) if it changed; returns the path.

        Raises `ChangedOnDisk` when the file is no longer as this draft read it (edited in
        another editor, made, or deleted), unless `over_changes` says to write over that.
        """
        if self.changed or not self.path.exists():
            if not over_changes:
                self._check_disk()
            text = self.text
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, text)
            except OSError as exc:
                raise Refused(f"{clean(str(self.path))} could not be written ({exc.strerror or exc})") from None
            self._saved_text = text
            self._on_disk = text.encode("utf-8")
            self.changed = False
        return self.path

    def _check_disk(self) -> None:
        try:
            now: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            now = None
        except OSError as exc:
            raise Refused(f"{clean(str(self.path))} cannot be read ({exc.strerror or exc})") from None
        if now == self._on_disk:
            return
        name = clean(self.path.name)
        if now is None:
            raise ChangedOnDisk(f"{name} was deleted outside the app since it was opened here")
        if self._on_disk is None:
            raise ChangedOnDisk(f"a file {name} was made outside the app since this deck was started here")
        raise ChangedOnDisk(f"{name} was changed outside the app (in another editor?) since it was opened here")

    def reload(self) -> None:
        """The deck as its file is now, changes here given up; `Refused` if it is not a deck now."""
        fresh = DeckDraft.open(self.path)
        self._document, self.deck, self._saved_text, self._on_disk = fresh._document, fresh.deck, fresh._saved_text, fresh._on_disk
        self.changed = False

    def revert(self) -> None:
        """Back to the file as last saved."""
        self._document = self._parse(self._saved_text)
        self.deck = self._check(self._document)
        self.changed = False

    # --- inside ----------------------------------------------------------------------------------

    def _apply(self, change: Any) -> None:
        """Make `change` on a copy of the document, and take the copy only if the deck stays valid."""
        trial = self._parse(tomlkit.dumps(self._document))
        change(trial)
        deck = self._check(trial)
        self._document, self.deck, self.changed = trial, deck, True

    def _parse(self, text: str) -> tomlkit.TOMLDocument:
        checked = parse(self.path, text)  # the same limits as loading: depth, size, errors in words
        if not isinstance(checked, dict):
            raise Refused(str(checked))
        return tomlkit.parse(text)

    def _check(self, document: tomlkit.TOMLDocument) -> Deck:
        data = document.unwrap()
        try:
            deck = Deck.model_validate(data)
        except ValidationError as exc:
            problems = file_problems(self.path, Deck, data, tomlkit.dumps(document), exc)
            raise Refused("; ".join(_plain(p.where, p.reason) for p in problems)) from None
        problems = file_problems(self.path, Deck, data, tomlkit.dumps(document))
        if problems:
            raise Refused("; ".join(_plain(p.where, p.reason) for p in problems))
        return deck

    def _check_place(self, index: int) -> None:
        if not 0 <= index < len(self.deck.prompts):
            raise IndexError(f"there is no card {index + 1}: the deck has {len(self.deck.prompts)}")

    @staticmethod
    def _check_card_fields(fields: dict[str, Any]) -> None:
        unknown = set(fields) - set(CARD_FIELDS)
        if unknown:
            raise ValueError(f"not card fields: {', '.join(sorted(unknown))}")


# --- the document --------------------------------------------------------------------------------


def _basic_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, nothing read as anything but text."""
    return json.dumps(text, ensure_ascii=False)


def _plain(where: str | None, reason: str) -> str:
    return f"{where}: {reason}" if where else reason


def with_directive(text: str) -> str:
    if text.startswith(SCHEMA_PREFIX):
        return text
    newline = "\r\n" if "\r\n" in text else "\n"  # a file written on Windows keeps its line ends
    return f"{schema_directive()}{newline}{text}"


def _cards(document: tomlkit.TOMLDocument) -> AoT:
    cards = document.get("prompts")
    if not isinstance(cards, AoT):
        raise Refused("the deck's cards are not written as [[prompts]] blocks, so the app cannot edit them; edit the file in a text editor")
    return cards


def _plain_value(value: Any) -> Any:
    if isinstance(value, list):
        return [str(getattr(v, "value", v)) for v in value]
    return str(getattr(value, "value", value))


def _multiline(value: str) -> Item:
    return tomlkit.string(value, multiline=True) if "\n" in value else tomlkit.item(value)


OPTIONAL = frozenset({"source", "fits", "language", "version"})
"""Fields left out of the file when emptied; emptying any other is an error the model names."""


def _set(container: Container | Table | tomlkit.TOMLDocument, name: str, value: Any, *, multiline: bool = False) -> None:
    """Set or remove one key. A key that is there keeps its place and the comment after it; a new
    one goes after the last key, above any comment that stands before the next block."""
    if name in OPTIONAL and (value is None or value == "" or value == []):
        if name in container:
            del container[name]
        return
    if value is None:
        value = ""
    item: Any
    if isinstance(value, list):
        item = [str(getattr(v, "value", v)) for v in value]
    else:
        text = str(getattr(value, "value", value))
        item = _multiline(text) if multiline else text
    old = container.get(name)
    if old is not None:
        if (old.unwrap() if hasattr(old, "unwrap") else old) != (item.unwrap() if hasattr(item, "unwrap") else item):
            container[name] = item
        return
    body = container.body if isinstance(container, Container) else container.value.body
    keys = [key for key, found in body if key is not None and not isinstance(found, Table | AoT)]
    if keys:
        target = container if isinstance(container, Container) else container.value
        target._insert_after(keys[-1], name, item)  # after the last key, above a comment that leads on
    else:
        container[name] = item


def _set_all(table: Table, fields: dict[str, Any]) -> None:
    for name in CARD_FIELDS:
        if name in fields:
            _set(table, name, fields[name])


def _lead(items: list[tuple[Any, Item]]) -> list[tuple[Any, Item]]:
    """The comments and blank lines at the end of a body: they stand above whatever comes next."""
    start = len(items)
    while start > 0 and items[start - 1][0] is None and isinstance(items[start - 1][1], Comment | Whitespace):
        start -= 1
    return items[start:]


def _take_lead(table: Table) -> str:
    """Take the comments and blank lines off the end of a table, as the text they were."""
    body = table.value.body
    lead = _lead(body)
    if lead:
        del body[len(body) - len(lead) :]
    return "".join(item.as_string() for _, item in lead)


def _take_first_lead(document: tomlkit.TOMLDocument) -> str:
    """Take the comment written above the first card: at the end of the block before the cards,
    or in the file's top part, where its place is kept (emptied) so that no key moves."""
    body = document.body
    at = next(i for i, (key, _) in enumerate(body) if key is not None and key.key == "prompts")
    start = at
    while start > 0 and body[start - 1][0] is None and isinstance(body[start - 1][1], Comment | Whitespace):
        start -= 1
    if start == at and start > 0 and isinstance(body[start - 1][1], Table | AoT):
        before = body[start - 1][1]
        last = before[-1] if isinstance(before, AoT) else before
        return _take_lead(last) if isinstance(last, Table) else ""
    text = "".join(item.as_string() for _, item in body[start:at])
    for i in range(start, at):
        body[i] = (None, Whitespace(""))
    return text


def _reorder(document: tomlkit.TOMLDocument, order: Iterable[int], extra: Table | None = None) -> None:
    """Put the cards in `order` (their old places; the place after the last is `extra`, a new
    card), each with the comments and blank lines written above it, which tomlkit keeps at the
    end of whatever comes before; here they go in front of the card's own header. A card left out
    of `order` goes, and so does its comment."""
    cards = _cards(document)
    tables = list(cards)
    leads = [_take_first_lead(document) + tables[0].trivia.indent]
    leads += [_take_lead(table) + following.trivia.indent for table, following in pairwise(tables)]
    ending = _take_lead(tables[-1])
    if extra is not None:
        tables.append(extra)
        leads.append("")
    kept = list(order)
    for place, old in enumerate(kept):
        lead = leads[old]
        tables[old].trivia.indent = lead if lead or place == 0 else "\n"  # a blank line between blocks
    tables[kept[-1]].value.body.extend((None, Whitespace(ending)) for _ in [0] if ending)
    while len(cards):
        cards.pop(0)
    for old in kept:
        cards.append(tables[old])

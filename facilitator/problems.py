"""What is wrong with a deck or plan file, in words a coach understands.

Pydantic and tomllib speak to programmers ("Input should be a valid string", "Invalid statement").
This module turns each of their errors into a `LoadProblem`: the file, the line where it can be
found, the card or phase it is about, and a plain reason. Every problem in a file is reported at
once, so a coach can fix them all in one go. Anything quoted from the file passes the text gate.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import partial
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from facilitator.models import Deck, Phase, PhaseKind, Plan, PromptCard, Source
from facilitator.text import clean

MAX_PROBLEMS = 50
"""More than this in one file is noise; the rest are counted in one last line."""

Loc = tuple[str | int, ...]


@dataclass(frozen=True, kw_only=True)
class LoadProblem:
    """One thing wrong with one file, fit for one line of output: `path:line: card x: reason`."""

    path: Path
    reason: str
    line: int | None = None
    where: str | None = None
    """The card, phase or source the problem is in, as a coach would name it."""
    field: str | None = None
    """The dotted path of the value, such as `prompts[2].kind`, for scripts and tests."""

    def __str__(self) -> str:
        parts = [str(self.path) + (f":{self.line}" if self.line else ""), self.where, self.reason]
        return clean(": ".join(p for p in parts if p))


def quote(value: object, limit: int = 40) -> str:
    """A value from the file, safe to print and short enough for one line."""
    text = clean(str(value))
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


# --- TOML syntax -------------------------------------------------------------------------------

_TOML_WORDS = [
    ("Invalid statement", "expected a key = value line, a [table] or a [[list]] header"),
    ("Invalid value", 'the value after = is not valid (text needs quotes, like "this")'),
    ("Unterminated string", "a text has no closing quote"),
    ("Unclosed array", "a list [ ... ] is not closed with ]"),
    ("Unclosed inline table", "a { ... } table is not closed with }"),
    ("Expected '=' after a key", "expected = after the key"),
    ("Invalid initial character for a key", "a key must start with a letter, a digit, _ or -"),
    ("Expected ']' at the end of a table", "a [table] header is not closed with ]"),
    ("Expected ']]' at the end of an array", "a [[list]] header is not closed with ]]"),
    ("Expected newline or end of document", "expected the end of the line: one key = value per line"),
    ("Cannot declare", "a [table] is declared twice"),
    ("Cannot overwrite a value", "a key is set twice"),
    ("Duplicate inline table key", "a key is set twice"),
    ("Cannot mutate immutable namespace", "a key or table is set twice"),
    ("Cannot redefine namespace", "a key or table is set twice"),
    ("Unescaped '\\' in a string", 'a \\ in a "text" must be written \\\\ (or use single quotes)'),
    ("Invalid hex value", "a \\u escape in a text is not valid"),
    ("Escaped character is not a Unicode", "a \\u escape in a text is not valid"),
    ("Invalid date or datetime", "not a valid date or time"),
    ("Illegal character '\\n'", "a text has no closing quote on its line"),
    ("Illegal character", "a control character, which TOML does not allow"),
    ("Found invalid character", "a control character, which TOML does not allow"),
    ("Expected '\"\"\"'", 'a """ text has no closing """'),
    ("Expected \"'''\"", "a ''' text has no closing '''"),
    ("Expected \"'\"", "a text has no closing ' quote on its line"),
]
_WHERE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


def toml_problem(path: Path, error: Exception, text: str) -> LoadProblem:
    """A TOML syntax error, with its line, in plain words."""
    message = str(error)
    line: int | None = getattr(error, "lineno", None)
    found = _WHERE.search(message)
    if found:
        message = message[: found.start()]
        line = line or (int(found.group(1)) if found.group(1) else text.rstrip().count("\n") + 1)
    reason = next((words for start, words in _TOML_WORDS if message.startswith(start)), clean(message))
    return LoadProblem(path=path, line=line, reason=f"not valid TOML: {reason}")


# --- where in the file -------------------------------------------------------------------------

_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]")


def _parts(key: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in re.findall(_PART, key))


def line_index(text: str) -> dict[Loc, int]:
    """The line of each table, `[[list]]` entry and key, by its path as pydantic names it.

    A simple scan, not a parser: it is only asked where to point, and a wrong guess costs nothing.
    """
    index: dict[Loc, int] = {}
    counts: dict[Loc, int] = {}
    table: Loc = ()
    closing: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if closing:
            closing = None if closing in line else closing
            continue
        header = _HEADER.match(line)
        if header:
            parts = _parts(header.group(2))
            table = _resolve(parts, counts)
            if header.group(1) == "[[":
                counts[table] = counts.get(table, -1) + 1
                table = (*table, counts[table])
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*table, *_parts(key.group(1))), number)
            rest = line[key.end() :].strip()
            for quotes in ('"""', "'''"):
                if rest.startswith(quotes) and rest.count(quotes) == 1:
                    closing = quotes
    return index


def _resolve(parts: tuple[str, ...], counts: dict[Loc, int]) -> Loc:
    """A header's path, with the current entry of each `[[list]]` it passes through."""
    path: Loc = ()
    for number, part in enumerate(parts, 1):
        path = (*path, part)
        if path in counts and number < len(parts):
            path = (*path, counts[path])
    return path


def line_of(index: dict[Loc, int], loc: Loc) -> int | None:
    """The line of `loc`, or of the nearest table or key around it."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return None


def dotted(loc: Loc) -> str | None:
    """`('prompts', 2, 'kind')` as `prompts[2].kind`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or None


# --- validation errors -------------------------------------------------------------------------

_THINGS: dict[type[BaseModel], str] = {PromptCard: "card", Phase: "phase", Source: "source"}
_SLUG = "must be lower-case letters, digits and dashes, starting with a letter or digit"
_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": _SLUG,
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "must be a language code such as en, nl or pt-BR",
}


def file_problems(
    path: Path,
    model: type[BaseModel],
    data: dict[str, Any],
    text: str,
    error: ValidationError | None = None,
    *,
    decks: Collection[str] | None = None,
) -> list[LoadProblem]:
    """Every problem in a file that is valid TOML, in plain words and in the order of the file.

    That is each validation error in `error`, each card id used a second time and, with `decks`,
    each deck a plan names that is not among them. The last two are read from `data` as it is, so
    they are reported with the rest rather than only once everything else is fixed. Only the
    first `MAX_PROBLEMS` are put in words, then one line counts the rest: time grows with the
    number of errors, never with its square, however many broken cards a file holds.
    """
    found: list[tuple[Loc, Any]] = []
    """Each problem's path and its cause: a validation error, or a function that says what it is."""
    twice = _ids_used_twice(data) if model is Deck else []
    misspelt: dict[Loc, tuple[Loc, str]] = {}
    if error is not None:
        errors = error.errors(include_url=False)
        misspelt = _misspelt(errors)
        explained = set(misspelt.values())
        for e in errors:
            loc: Loc = e["loc"]  # a tuple of str and int: TOML keys are always text
            kind = e["type"]
            if kind == "missing" and (loc[:-1], loc[-1]) in explained:
                continue  # an unknown key beside it is this one misspelt, and says so
            if twice and kind == "value_error" and loc == ("prompts",) and "duplicate card id" in e["msg"]:
                continue  # named below, at each card that repeats an id
            found.append((loc, e))
    found += [(loc, _used_twice) for loc in twice]
    if decks is not None and model is Plan:
        found += _unknown_decks(data, decks)
    if not found:
        return []
    index = line_index(text)
    lines = [line_of(index, loc) for loc, _ in found]
    order = sorted(range(len(found)), key=lambda n: lines[n] or 0)
    problems = []
    for n in order[:MAX_PROBLEMS]:
        loc, cause = found[n]
        reason = cause() if callable(cause) else _reason(model, cause, loc, misspelt.get(loc))
        where, _ = _where(model, loc, data)
        problems.append(LoadProblem(path=path, line=lines[n], where=where, field=dotted(loc), reason=reason))
    if len(found) > MAX_PROBLEMS:
        problems.append(LoadProblem(path=path, reason=f"and {len(found) - MAX_PROBLEMS} more problems"))
    return problems


def _used_twice() -> str:
    return "this card id is used twice in the deck"


def _where(model: type[BaseModel], loc: Loc, data: dict[str, Any]) -> tuple[str | None, Loc]:
    """The card, phase or source `loc` is in, as a coach would name it, and the rest of `loc`."""
    if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return None, loc
    inner = _model_at(model, loc[:1])
    if inner is None:
        return None, loc
    items = data.get(loc[0])
    item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
    item = item if isinstance(item, dict) else {}
    label = f"{_THINGS.get(inner, inner.__name__.lower())} {loc[1] + 1}"
    if inner is PromptCard and isinstance(item.get("id"), str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", item["id"]):
        label = f"card {item['id']}"
    elif inner is Phase and isinstance(item.get("kind"), str) and item["kind"] in set(PhaseKind):
        label += f" ({item['kind']})"
    return label, loc[2:]


def _reason(model: type[BaseModel], error: Any, loc: Loc, misspelt: tuple[Loc, str] | None) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    _, rest = _where(model, loc, {})
    key = next((str(p) for p in reversed(rest) if isinstance(p, str)), "")
    subject = clean(key)[:40] or "this entry"
    what = f"{quote(value)} in {subject}" if rest and isinstance(rest[-1], int) else f"{subject} {_show(value)}".strip()
    if kind == "missing" and _model_at(model, loc) is not None:
        return f"there are no [[{subject}]] blocks; every {_thing(_model_at(model, loc[:-1]) or model)} needs some"
    if kind == "missing":
        return f"{subject} is missing; every {_thing(_model_at(model, loc[:-1]) or model)} needs one"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1]) or model
        close = misspelt[1] if misspelt else closest(key, parent.model_fields)
        if close:
            return f"unknown key {quote(key)} (did you mean {quote(close)}?)"
        return f"unknown key {quote(key)}; a {_thing(parent)} has {_listed(parent.model_fields)}"
    if kind == "enum":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = closest(str(value), options)
        hint = f" (did you mean {quote(close)}?)" if close else ""
        return f"{what} is not one of {', '.join(options)}{hint}"
    if kind == "string_too_short":
        return f"the {subject} is empty"
    if kind == "string_pattern_mismatch":
        return f"{what} {_PATTERNS.get(str(ctx.get('pattern')), 'is not in the expected form')}"
    if kind == "string_too_long":
        return f"{what} is too long (at most {ctx.get('max_length')} characters)"
    if kind == "string_type":
        return f"{subject} must be text in quotes, not {_kind_of(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{subject} must be a whole number, not {_kind_of(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind == "greater_than_equal" else "at most"
        return f"{subject} must be {bound} {ctx.get('ge', ctx.get('le'))}, not {_kind_of(value)}"
    if kind == "list_type":
        inner = _model_at(model, loc)
        if inner is not None:
            return f"{subject} must be [[{subject}]] blocks, not {_kind_of(value)}"
        return f'{subject} must be a list such as ["a", "b"], not {_kind_of(value)}'
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"not a [[{clean(str(loc[0]))[:40]}]] block of keys but {_kind_of(value)}"
    message = clean(str(error["msg"])).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message if kind in ("value_error", "assertion_error") else f"{subject}: {message}"


def _misspelt(errors: list[Any]) -> dict[Loc, tuple[Loc, str]]:
    """Each unknown key that is a key missing beside it misspelt, such as `txet` for `text`, with
    the missing key's path. One pass over the errors, and each different pair of an unknown
    key and the keys missing beside it is compared once, so many broken cards stay quick."""
    missing: dict[Loc, list[str]] = {}
    unknown: list[Loc] = []
    for e in errors:
        if e["type"] == "missing":
            missing.setdefault(e["loc"][:-1], []).append(e["loc"][-1])
        elif e["type"] == "extra_forbidden":
            unknown.append(e["loc"])
    compared: dict[tuple[str, tuple[str, ...]], str | None] = {}
    misspelt: dict[Loc, tuple[Loc, str]] = {}
    for loc in unknown:
        beside = missing.get(loc[:-1])
        if not beside:
            continue
        pair = (str(loc[-1]), tuple(beside))
        if pair not in compared:
            compared[pair] = closest(*pair)
        close = compared[pair]
        if close:
            misspelt[loc] = (loc[:-1], close)
    return misspelt


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option `word` was most likely meant to be, if one is close enough to say so."""
    close = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.7)
    return close[0] if close else None


def _ids_used_twice(data: dict[str, Any]) -> list[Loc]:
    """Each card that uses an id an earlier card has, read from the file as it is: the deck's own
    check only runs once every card is valid. Ids are compared as the text gate leaves them."""
    cards = data.get("prompts")
    if not isinstance(cards, list):
        return []
    seen: set[str] = set()
    twice: list[Loc] = []
    for number, card in enumerate(cards):
        card_id = card.get("id") if isinstance(card, dict) else None
        if not isinstance(card_id, str):
            continue
        card_id = clean(card_id)
        if card_id in seen:
            twice.append(("prompts", number))
        seen.add(card_id)
    return twice


def _model_at(model: type[BaseModel], loc: Iterable[str | int]) -> type[BaseModel] | None:
    """The model class that holds the values at `loc`, or None where it is not a model."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if current else None
        current = _inner_model(info.annotation) if info else None
    return current


def _inner_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _inner_model(a))), None)


def _thing(model: type[BaseModel]) -> str:
    return _THINGS.get(model, "plan" if model is Plan else model.__name__.lower())


def _listed(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _show(value: object) -> str:
    return quote(value) if isinstance(value, str) else _number(value) if isinstance(value, int) else ""


def _number(value: float) -> str:
    """A number from the file, cut short: TOML allows integers thousands of digits long."""
    text = str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _kind_of(value: object) -> str:
    """What a coach sees in the file where something else was expected."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int | float):
        return f"the number {_number(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table of keys"
    if isinstance(value, date | time):
        return "a date or time"
    return "something else"


# --- plans and their decks ---------------------------------------------------------------------


_DECK_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _unknown_decks(data: dict[str, Any], known: Collection[str]) -> list[tuple[Loc, Callable[[], str]]]:
    """Each deck a plan names that is not among `known`, read from the file as it is, so it is
    reported with the plan's other problems. A name that is not a deck id at all is left to
    the plan's own check, which says so."""
    known = set(known)
    named: list[tuple[Loc, object]] = []
    if isinstance(data.get("decks"), list):
        named += [(("decks",), d) for d in data["decks"]]
    phases = data.get("phases")
    for number, phase in enumerate(phases if isinstance(phases, list) else []):
        if isinstance(phase, dict) and isinstance(phase.get("decks"), list):
            named += [(("phases", number, "decks"), d) for d in phase["decks"]]
    return [
        (loc, partial(_no_deck, deck, known))
        for loc, deck in named
        if isinstance(deck, str) and deck not in known and _DECK_ID.fullmatch(deck)
    ]


def _no_deck(deck: str, known: Collection[str]) -> str:
    close = closest(deck, known)
    hint = f" (did you mean {quote(close)}?)" if close else ""
    return f"there is no deck {quote(deck)}{hint}; known decks: {', '.join(sorted(known)) or 'none'}"

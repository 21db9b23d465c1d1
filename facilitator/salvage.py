"""Reading a damaged session document: what can be read is kept, what cannot is named.

A stored session that fails validation (edited by hand, damaged on disk) still shows its other
data, its actions above all, with each failing field named in plain words. What is said quotes
stored data (keys, values), so it passes the text gate. Plain Python.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from facilitator.models import SCHEMA_VERSION, Session, SessionStatus
from facilitator.problems import dotted
from facilitator.text import clean


def validates(doc: dict[str, Any]) -> bool:
    try:
        Session.model_validate(doc)
    except ValidationError:
        return False
    return True


_PLACEHOLDERS = {"title": "(the title could not be read)", "plan": "", "status": SessionStatus.ARCHIVED.value}
"""Stand-ins for fields that failed, so the rest of a damaged session still shows. A status that
cannot be read is taken as archived: neither running (to resume) nor closed (with agreed actions)."""


def salvage(doc: dict[str, Any], number: int) -> tuple[Session | None, list[str]]:
    """What can be read of a session document that failed validation, and what could not.

    A failing item of a list (an idea, an action) is left out and any other failing field falls
    back to its default, so the rest still shows. A document from a newer facilitator is not
    damaged but not understood: nothing is salvaged from it.

    Returns:
        The salvaged session (None if nothing could be), and each failing field with its reason.
    """
    version = doc.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        return None, []
    data = dict(doc)
    damage = []
    if not isinstance(data.get("id"), str):
        damage.append("id: missing" if "id" not in data else "id: not text")
        data["id"] = f"document-{number}"  # stable, unlike a default id drawn afresh
    for _ in range(3):  # leaving out a field can only reveal errors in rare cases; never loop on
        try:
            return Session.model_validate(data), damage
        except ValidationError as exc:
            errors = exc.errors()
        damage.extend(clean(f"{_where(e['loc'])}: {plainly(e)}") for e in errors)
        data = _leave_out(data, errors)
    return None, damage


def _where(loc: tuple[int | str, ...]) -> str:
    """The dotted path of a failing field, each key cleaned: an unknown key may be all escapes."""
    return dotted(tuple(p if isinstance(p, int) else clean(p) or "(an unreadable key)" for p in loc)) or "the document"


def _leave_out(data: dict[str, Any], errors: list[ErrorDetails]) -> dict[str, Any]:
    data = dict(data)
    items: dict[str, set[int]] = {}
    for error in errors:
        field, *rest = error["loc"] or ("",)
        if rest and isinstance(rest[0], int) and isinstance(data.get(str(field)), list):
            items.setdefault(str(field), set()).add(rest[0])
        elif field in _PLACEHOLDERS:
            data[str(field)] = _PLACEHOLDERS[str(field)]
        else:
            data.pop(str(field), None)
    for field, bad in items.items():
        if isinstance(data.get(field), list):
            data[field] = [item for number, item in enumerate(data[field]) if number not in bad]
    return data


_PLAIN = {
    "missing": "missing",
    "extra_forbidden": "not a field facilitator knows",
    "int_parsing": "not a whole number",
    "int_type": "not a whole number",
    "int_from_float": "not a whole number",
    "float_parsing": "not a number",
    "float_type": "not a number",
    "bool_parsing": "not true or false",
    "bool_type": "not true or false",
    "string_type": "not text",
    "string_too_short": "empty",
    "list_type": "not a list",
    "model_type": "not a group of fields",
    "model_attributes_type": "not a group of fields",
    "dict_type": "not a group of fields",
    "datetime_parsing": "not a date and time",
    "datetime_from_date_parsing": "not a date and time",
    "datetime_type": "not a date and time",
    "date_parsing": "not a date",
    "date_from_datetime_parsing": "not a date",
    "date_from_datetime_inexact": "not a date",
    "date_type": "not a date",
    "finite_number": "not a finite number",
    "string_pattern_mismatch": "not in the expected form",
}
_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}
"""Each bound pydantic checks, in words, and the key of its limit in the error's `ctx`."""


def plainly(error: ErrorDetails) -> str:
    """Why a value failed, in words a coach reads, with the value itself when it is short.
    Not cleaned: the caller cleans the whole line it makes."""
    kind, ctx = error["type"], error.get("ctx") or {}
    value = error.get("input")
    shown = f" ({value!r})" if isinstance(value, (int, float, str)) and len(repr(value)) <= 40 else ""
    if kind in ("enum", "literal_error"):
        return f"not one of {ctx.get('expected', 'the known values')}{shown}"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"{words} {ctx.get(key, 'the limit')}{shown}"
    if kind in ("too_long", "string_too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return f"too long (at most {ctx.get('max_length', '?')} {unit})"
    if kind == "too_short":
        return f"too short (at least {ctx.get('min_length', '?')} items)"
    if plain := _PLAIN.get(kind):
        return plain + ("" if kind == "missing" else shown)
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message = message.replace("Input should be", "should be")
    if kind in ("value_error", "assertion_error"):  # our own words, which say what the value was
        shown = ""
    return message[:1].lower() + message[1:] + shown

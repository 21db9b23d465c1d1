"""Reading a damaged session document: what can be read is kept, what cannot is named.

A stored session that fails validation (edited by hand, damaged on disk) still shows its other
data, its actions above all, with each failing field named in plain words. Plain Python.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from facilitator.models import SCHEMA_VERSION, Session, SessionStatus
from facilitator.problems import dotted


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
        damage.extend(f"{dotted(e['loc']) or 'the document'}: {_plainly(e)}" for e in errors)
        data = _leave_out(data, errors)
    return None, damage


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
}


def _plainly(error: ErrorDetails) -> str:
    """Why a value failed, in words a coach reads, with the value itself when it is short."""
    value = error.get("input")
    shown = f" ({value!r})" if isinstance(value, (int, float, str)) and len(repr(value)) <= 40 else ""
    if error["type"] == "enum":
        return f"not one of {error.get('ctx', {}).get('expected', 'the known values')}{shown}"
    if plain := _PLAIN.get(error["type"]):
        return plain + ("" if error["type"] == "missing" else shown)
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "should be")
    return message[:1].lower() + message[1:] + shown

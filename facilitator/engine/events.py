"""The one place a live session changes: events, journaled first and then applied.

Each event states a result ("this idea now reads ..."), never a difference ("add one dot"), so
applying an event twice leaves the same session. That lets a journal be replayed onto a snapshot
that may already contain some of its events, which is what happens after a crash between folding
the session into the store and clearing the journal.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from facilitator.models import (
    Action,
    Cluster,
    Draft,
    FollowUp,
    Idea,
    PhaseTime,
    Reflection,
    Round,
    Session,
    Vote,
)

Event = dict[str, Any]


class BadEvent(ValueError):
    """An event that cannot be applied: a journal line edited by hand, or from a newer version.
    The only error `apply` raises, so a replay can skip exactly these and count them."""

_KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "idea": ("ideas", Idea, "id"),
    "round": ("rounds", Round, "index"),
    "cluster": ("clusters", Cluster, "id"),
    "action": ("actions", Action, "id"),
    "timing": ("timings", PhaseTime, "phase"),
    "follow_up": ("follow_ups", FollowUp, "action"),
    "reflection": ("reflections", Reflection, "action"),
    "hidden_idea": ("hidden_ideas", Idea, "id"),
}

SESSION_FIELDS = {
    "roti",
    "follow_up_on",
    "phase",
    "status",
    "routines",
    "participants",
    "other_names",
    "voters",
    "title",
    "team",
    "facilitator",
    "draft",
    "builds_on_next",
    "card_from",
    "clock",
    "blocked_devices",
    "anonymous",
}


def put(kind: str, item: BaseModel) -> Event:
    """Validated here, before it can reach a journal: an event that cannot be applied would make
    the session impossible to resume (`model_copy` does not validate)."""
    checked = type(item).model_validate(item.model_dump())
    return {"op": "put", "kind": kind, "item": checked.model_dump(mode="json")}


def remove(kind: str, key: str | int) -> Event:
    return {"op": "remove", "kind": kind, "key": key}


def vote(target: str, dots: int, device: str | None = None) -> Event:
    """`dots` on `target` from the keyboard, or from one phone (`device`)."""
    event: Event = {"op": "vote", "target": target, "dots": dots}
    if device is not None:
        event["device"] = device
    return event


@cache
def _blank_session() -> Session:
    """A session with every default, built once: `model_construct` runs every default factory,
    and pydantic inspects each factory's signature each time (milliseconds per call)."""
    return Session.model_construct()


def set_fields(**fields: Any) -> Event:
    """Validated here like `put`, so that a journaled event always applies."""
    values = to_jsonable_python(fields)
    _checked_fields(values)
    return {"op": "set", "fields": values}


def _checked_fields(fields: object) -> dict[str, Any]:
    """A set event's fields, each validated as the session would take it, before any is set."""
    if not isinstance(fields, dict):
        raise BadEvent("a set event's fields must be an object")
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise BadEvent(f"not a session field: {sorted(map(str, unknown))}")
    blank = _blank_session().model_copy()
    for name, value in fields.items():
        try:
            Session.__pydantic_validator__.validate_assignment(blank, name, value)
        except ValidationError as exc:
            raise BadEvent(f"{name}: {exc.errors()[0]['msg']}") from None
    if blank.phase < 0:  # an agenda has no phase before the first; resuming there would fail
        raise BadEvent("phase: below 0")
    return fields


def _kind(event: Event) -> tuple[str, type[BaseModel], str]:
    kind = event.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise BadEvent(f"unknown kind {kind!r}")
    return _KINDS[kind]


def _key(event: Event, model: type[BaseModel], key: str) -> str | int:
    """The key of a remove event, of the type the kind's key has (an idea's id, a round's index)."""
    value = event.get("key")
    wanted = model.model_fields[key].annotation
    if wanted is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if wanted is str and isinstance(value, str):
        return value
    raise BadEvent(f"a {event['kind']} is removed by its {key}, not by {value!r}")


def apply(session: Session, event: Event) -> None:
    """Apply one event to the session in place.

    Everything is checked before anything changes, so an event that cannot be applied raises
    `BadEvent` and leaves the session as it was.
    """
    if not isinstance(event, dict):
        raise BadEvent("an event must be an object")
    op = event.get("op")
    if op == "put":
        attr, model, key = _kind(event)
        try:
            item = model.model_validate(event.get("item"))
        except ValidationError as exc:
            raise BadEvent(f"{event['kind']}: {exc.errors()[0]['msg']}") from None
        items = getattr(session, attr)
        for i, existing in enumerate(items):
            if getattr(existing, key) == getattr(item, key):
                items[i] = item
                return
        items.append(item)
    elif op == "remove":
        attr, model, key = _kind(event)
        gone = _key(event, model, key)
        setattr(session, attr, [x for x in getattr(session, attr) if getattr(x, key) != gone])
        if event["kind"] == "idea" and isinstance(gone, str):
            _forget_idea(session, gone)
    elif op == "vote":
        target, dots, device = event.get("target"), event.get("dots"), event.get("device")
        if not isinstance(target, str) or not isinstance(dots, int) or isinstance(dots, bool) or dots < 0:
            raise BadEvent(f"a vote needs an idea or cluster id and a whole number of dots, not {target!r}, {dots!r}")
        if device is not None and not isinstance(device, str):
            raise BadEvent(f"a vote's device is an id, not {device!r}")
        others = [v for v in session.votes if (v.target, v.device) != (target, device)]
        if dots > 0:
            others.append(Vote(target=target, dots=dots, device=device))
        session.votes = others
    elif op == "set":
        for name, value in _checked_fields(event.get("fields")).items():
            setattr(session, name, value)
    else:
        raise BadEvent(f"unknown event {op!r}")


def _forget_idea(session: Session, idea_id: str) -> None:
    """Nothing pending may point at an idea that is gone (deleted, or its capture undone)."""
    if session.builds_on_next == idea_id:
        session.builds_on_next = None
    if session.card_from == idea_id:
        session.card_from = None
    if session.draft.editing == idea_id:
        session.draft = Draft(text=session.draft.held)


def inverse(session: Session, event: Event) -> Event | None:
    """The event that undoes `event` on the session as it is now (before applying it)."""
    op = event["op"]
    if op == "put":
        attr, _, key = _KINDS[event["kind"]]
        before = next((x for x in getattr(session, attr) if getattr(x, key) == event["item"][key]), None)
        return put(event["kind"], before) if before else remove(event["kind"], event["item"][key])
    if op == "remove":
        attr, _, key = _KINDS[event["kind"]]
        before = next((x for x in getattr(session, attr) if getattr(x, key) == event["key"]), None)
        return put(event["kind"], before) if before else None
    if op == "vote":
        device = event.get("device")
        dots = next((v.dots for v in session.votes if (v.target, v.device) == (event["target"], device)), 0)
        return vote(event["target"], dots, device)
    if op == "set":
        return set_fields(**{name: getattr(session, name) for name in event["fields"]})
    return None

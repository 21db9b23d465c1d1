"""The one place a live session changes: events, journaled first and then applied.

Each event states a result ("this idea now reads ..."), never a difference ("add one dot"), so
applying an event twice leaves the same session. That lets a journal be replayed onto a snapshot
that may already contain some of its events, which is what happens after a crash between folding
the session into the store and clearing the journal.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from facilitator.models import (
    Action,
    Cluster,
    Draft,
    FollowUp,
    Idea,
    PhaseTime,
    Round,
    Session,
    Vote,
)

Event = dict[str, Any]

_KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "idea": ("ideas", Idea, "id"),
    "round": ("rounds", Round, "index"),
    "cluster": ("clusters", Cluster, "id"),
    "action": ("actions", Action, "id"),
    "timing": ("timings", PhaseTime, "phase"),
    "follow_up": ("follow_ups", FollowUp, "action"),
}

SESSION_FIELDS = {
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
}


def put(kind: str, item: BaseModel) -> Event:
    """Validated here, before it can reach a journal: an event that cannot be applied would make
    the session impossible to resume (`model_copy` does not validate)."""
    checked = type(item).model_validate(item.model_dump())
    return {"op": "put", "kind": kind, "item": checked.model_dump(mode="json")}


def remove(kind: str, key: str | int) -> Event:
    return {"op": "remove", "kind": kind, "key": key}


def vote(target: str, dots: int) -> Event:
    return {"op": "vote", "target": target, "dots": dots}


@cache
def _blank_session() -> Session:
    """A session with every default, built once: `model_construct` runs every default factory,
    and pydantic inspects each factory's signature each time (milliseconds per call)."""
    return Session.model_construct()


def set_fields(**fields: Any) -> Event:
    """Validated here like `put`, so that a journaled event always applies."""
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise ValueError(f"not a session field: {sorted(unknown)}")
    values = to_jsonable_python(fields)
    for name, value in values.items():
        Session.__pydantic_validator__.validate_assignment(_blank_session().model_copy(), name, value)
    return {"op": "set", "fields": values}


def apply(session: Session, event: Event) -> None:
    """Apply one event to the session in place."""
    op = event["op"]
    if op == "put":
        attr, model, key = _KINDS[event["kind"]]
        item = model.model_validate(event["item"])
        items = getattr(session, attr)
        for i, existing in enumerate(items):
            if getattr(existing, key) == getattr(item, key):
                items[i] = item
                return
        items.append(item)
    elif op == "remove":
        attr, _, key = _KINDS[event["kind"]]
        setattr(session, attr, [x for x in getattr(session, attr) if getattr(x, key) != event["key"]])
        if event["kind"] == "idea":
            _forget_idea(session, event["key"])
    elif op == "vote":
        others = [v for v in session.votes if v.target != event["target"]]
        if event["dots"] > 0:
            others.append(Vote(target=event["target"], dots=event["dots"]))
        session.votes = others
    elif op == "set":
        for name, value in event["fields"].items():
            setattr(session, name, value)
    else:
        raise ValueError(f"unknown event {op!r}")


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
        dots = next((v.dots for v in session.votes if v.target == event["target"]), 0)
        return vote(event["target"], dots)
    if op == "set":
        return set_fields(**{name: getattr(session, name) for name in event["fields"]})
    return None

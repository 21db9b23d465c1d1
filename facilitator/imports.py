"""Sessions from a file another facilitator exported: one session's JSON (`exports.json_text`) or
a team's history (`exports.history_json`).

All or nothing: a file is read whole, every session validated with the model, and any problem
refuses the whole file in one plain line that says what is wrong and where, so nobody merges half
a history by accident. Only reading and validating; adding the sessions to a store is the
store's business. Plain Python.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from facilitator.exports import HISTORY_FORMAT, HISTORY_VERSION
from facilitator.files import read_json
from facilitator.models import Session
from facilitator.problems import Loc, dotted, quote
from facilitator.salvage import plainly
from facilitator.text import clean

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""The largest file an import reads: ten thousand sessions fit in a fraction of it, and a larger
file is more likely a mistake than a history (and would be held in memory whole)."""

_HISTORY_KEYS = ("format", "version", "sessions")


class ImportProblem(ValueError):
    """Why a file cannot be imported, in one plain line that names the place: `sessions[3].ideas[2].round: not a whole number`."""


def read_sessions(raw: bytes, *, limit: int = MAX_IMPORT_BYTES) -> list[Session]:
    """Every session in a file's bytes, validated, in the file's order.

    Raises:
        ImportProblem: the file is too big, empty, not JSON, not one of the two shapes, a field
            fails validation, or two sessions share an id. Nothing is returned then.
    """
    if len(raw) > limit:
        raise ImportProblem(f"the file is larger than {_size(limit)}, the most one import reads")
    if not raw.strip():
        raise ImportProblem("the file is empty")
    try:
        data = read_json(raw)
    except ValueError as exc:  # not UTF-8, not JSON, or nested too deep: said plainly already
        raise ImportProblem(str(exc)) from None
    places = _documents(data)
    sessions = [_session(doc, place) for place, doc in places]
    first: dict[str, Loc] = {}
    for (place, _), session in zip(places, sessions, strict=True):
        if session.id in first:
            raise ImportProblem(clean(
                f"{_place((*place, 'id'))}: {quote(session.id)} is also the id of {_place(first[session.id])}; "
                "each session in a file needs its own"
            ))
        first[session.id] = place
    return sessions


def read_sessions_file(path: Path, *, limit: int = MAX_IMPORT_BYTES) -> list[Session]:
    """`read_sessions` of a file, which reads no more of it than the limit allows.

    Raises:
        ImportProblem: as `read_sessions`, or the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise ImportProblem(clean(f"the file could not be read: {(exc.strerror or str(exc)).lower()}")) from None
    return read_sessions(raw, limit=limit)


def _documents(data: object) -> list[tuple[Loc, object]]:
    """Each session document in the file, with where it is; the file's shape checked on the way."""
    if not isinstance(data, dict):
        raise ImportProblem(f"not a facilitator session or sessions file: it holds {_what(data)}, not a group of fields")
    if "format" not in data:
        if not any(key in Session.model_fields for key in data):
            raise ImportProblem("not a facilitator session or sessions file: none of its fields are a session's")
        return [((), data)]
    if data["format"] != HISTORY_FORMAT:
        raise ImportProblem(clean(f"format: {_what(data['format'])} is not {quote(HISTORY_FORMAT)}, so this is not a facilitator sessions file"))
    for key in data:
        if key not in _HISTORY_KEYS:
            raise ImportProblem(f"{_place((key,))}: not a field facilitator knows; a sessions file has {', '.join(_HISTORY_KEYS)}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(clean(f"version: {_what(version)} is not a version facilitator writes"))
    if version > HISTORY_VERSION:
        raise ImportProblem(f"version: written by a newer facilitator (version {version}, this one reads {HISTORY_VERSION})")
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise ImportProblem("sessions: missing" if sessions is None else f"sessions: not a list but {_what(sessions)}")
    return [(("sessions", number), doc) for number, doc in enumerate(sessions)]


def _session(doc: object, place: Loc) -> Session:
    """`doc` validated as a session, or the first thing wrong with it, said plainly."""
    if not isinstance(doc, dict):
        raise ImportProblem(f"{_place(place)}: not a group of fields but {_what(doc)}")
    try:
        return Session.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors()
    more = len(errors) - 1
    also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise ImportProblem(clean(f"{_place((*place, *errors[0]['loc']))}: {plainly(errors[0])}{also}"))


def _place(loc: Loc) -> str:
    """`loc` as `sessions[3].ideas[2].round`, each key cleaned: an unknown key may be all escapes."""
    return dotted(tuple(p if isinstance(p, int) else clean(p) or "(an unreadable key)" for p in loc)) or "the session"


def _what(value: object) -> str:
    """What the file holds where something else was expected, short enough for one line."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {str(value)[:20]}"
    return "nothing"


def _size(count: int) -> str:
    return f"{count / 2**20:g} MB" if count >= 2**20 else f"{count} bytes"

"""Sessions as files a team keeps: Markdown for a wiki or an email, CSV for a spreadsheet, JSON
that validates against the model. One session, a team's history, or a filtered action list.

Plain Python. Text from the models has passed the text gate already; text from the store's index
(`summaries`) passes it here. Markdown's own characters in any user text are escaped, so a title
or an idea never becomes markup.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, TypeVar

from facilitator.check_out import MEASURE_WORDS, roti_line
from facilitator.models import Action, Session
from facilitator.routine_map import MAP_TITLE, routine_map
from facilitator.summaries import ActionRow
from facilitator.text import clean
from facilitator.vocabulary import ActionStatus, Cadence

CSV_COLUMNS = [
    "session", "date", "team", "title", "action", "status", "owner", "routine", "cadence", "due", "measure",
    "said aloud", "customer words",
]
"""The last two: `yes` when the owner stated the action at the close, and the customer's words
(as the card showed them) that sparked the ideas the action came from; a filtered action list,
read from the index, leaves the customer's words empty."""
HISTORY_FORMAT = "facilitator-sessions"
HISTORY_VERSION = 1
"""The name and version of the history document, which `imports.read_sessions` reads back."""
HISTORY_IDEAS = 5
"""Ideas a session's section in the history lists before it counts the rest."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_LIST_MARKER = re.compile(r"^\s*(?:[-+]|\d{1,9}[.)])")
T = TypeVar("T")


class ActionLike(Protocol):
    """What an export reads of an action: a model's `Action` and an index's `ActionSummary` alike."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def routine(self) -> str | None: ...
    @property
    def cadence(self) -> Cadence: ...
    @property
    def due(self) -> date | None: ...
    @property
    def measure(self) -> str | None: ...
    @property
    def status(self) -> ActionStatus: ...
    @property
    def created(self) -> datetime: ...
    @property
    def closed(self) -> datetime | None: ...
    @property
    def committed(self) -> bool: ...


class SessionLike(Protocol):
    """What an export reads of the session an action came from: a `Session` or a `SessionSummary`."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def team(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...


def session_actions(sessions: Iterable[Session]) -> Iterator[tuple[Action, Session]]:
    """Every action of `sessions`, in order, with the session it came from."""
    for session in sessions:
        for action in session.actions:
            yield action, session


def row_actions(rows: Iterable[ActionRow]) -> Iterator[tuple[ActionLike, SessionLike]]:
    """Each row's action and session, their texts through the gate: an index is not validated."""
    for row in rows:
        a, s = row.action, row.session
        action = dataclasses.replace(
            a, id=clean(a.id), session=clean(a.session), text=clean(a.text), owner=_clean(a.owner),
            routine=_clean(a.routine), measure=_clean(a.measure),
        )
        session = dataclasses.replace(s, id=clean(s.id), title=clean(s.title), team=clean(s.team))
        yield action, session


def _clean(text: str | None) -> str | None:
    return None if text is None else clean(text)


# --- Markdown ----------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Literal in Markdown: `**Ana**` stays two asterisks, a `[link](x)` stays text, `&amp;` stays so."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _item(text: str) -> str:
    """`_md` for text that opens a list item, where `- x` or `1. x` would start a list inside it."""
    return _LIST_MARKER.sub(lambda marker: marker[0][:-1] + "\\" + marker[0][-1], _md(text))


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def _task(action: ActionLike, *, status: bool = False, source: str = "") -> list[str]:
    """An action as a task-list item: the one way every Markdown export draws an action.

    Args:
        status: say the status even when the tick shows it (a list of many sessions' actions).
        source: where the action came from, already Markdown, appended after a dash.
    """
    tick = "x" if action.status is ActionStatus.DONE else " "
    details = [
        f"owner {_md(action.owner)}" if action.owner else "",
        f"due {action.due}" if action.due else "",
        action.cadence.value if action.cadence is not Cadence.ONCE else "",
        action.status.value if status or action.status is ActionStatus.DROPPED else "",
        "said aloud" if getattr(action, "committed", False) else "",
    ]
    extra = "; ".join(d for d in details if d)
    line = f"- [{tick}] {_md(action.text)}" + (f" ({extra})" if extra else "") + (f" — {source}" if source else "")
    return [line] + ([f"  - we will know by: {_md(action.measure)}"] if action.measure else [])


def _grouped(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """`items` by `key`, groups in the order they first appear."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _routine(action: ActionLike) -> str:
    return action.routine or "Other"


def _by_routine(actions: Iterable[ActionLike], heading: str) -> list[str]:
    """Task lists under a heading per routine."""
    lines: list[str] = []
    for routine, grouped in _grouped(actions, _routine).items():
        lines += [f"{heading} {_md(routine)}", ""]
        for action in grouped:
            lines += _task(action)
        lines.append("")
    return lines


def _facts(session: Session) -> str:
    facts = [_day(session.created)]
    if session.team:
        facts.append(f"team {_md(session.team)}")
    if session.participants:
        facts.append("with " + ", ".join(_md(name) for name in session.participants))
    return " · ".join(facts)


def _routine_map(session: Session, traits: Mapping[str, str] | None) -> list[str]:
    """The routine-by-trait map as a table, with its hot spots and the routines no card met;
    nothing when routine cards showed too few routines and traits for a map to say anything."""
    found = routine_map(session, traits)
    if not found.worth_showing:
        return []
    lines = [f"## {MAP_TITLE}", ""]
    lines.append("| Routine | " + " | ".join(_md(trait) for trait in found.traits) + " | actions |")
    lines.append("|---|" + "---:|" * len(found.traits) + "---:|")
    for routine in found.routines:
        counts = [str(found.count(routine, trait) or "·") for trait in found.traits]
        lines.append(f"| {_md(routine)} | " + " | ".join(counts) + f" | {found.actions.get(routine, 0) or '·'} |")
    lines.append("")
    if found.hot_spots:
        spots = "; ".join(f"{_md(spot.routine)} × {_md(spot.trait)}" for spot in found.hot_spots)
        lines += [f"Most ideas ({found.hot_spots[0].ideas}): {spots}", ""]
    if found.unmet:
        lines += ["No card met: " + ", ".join(_md(routine) for routine in found.unmet), ""]
    return lines


def markdown(session: Session, traits: Mapping[str, str] | None = None) -> str:
    """Actions as task-list items under their routine, where the customer met the team's routines
    (when routine cards showed several), then the ideas, for a wiki or an email.

    Args:
        traits: deck id → trait name, for the routine map's columns; a deck not in it is named by its id.
    """
    lines = [f"# {_md(session.title)}", "", _facts(session), "", *_check_out(session), "## Actions", ""]
    if not session.actions:
        lines += ["No actions.", ""]
    lines += _by_routine(session.actions, "###")
    lines += _routine_map(session, traits)
    lines += _customer_words(session)
    lines += _reflections(session)
    lines += ["## Ideas", ""]
    numbers = {idea.id: n for n, idea in enumerate(session.ideas, 1)}
    for n, idea in enumerate(session.ideas, 1):
        author = f" — {_md(idea.author)}" if idea.author else ""
        builds = f" (builds on {numbers[idea.builds_on]})" if idea.builds_on in numbers else ""
        lines.append(f"{n}. {_item(idea.text)}{author}{builds}")
    if not session.ideas:
        lines.append("No ideas.")
    return "\n".join(lines).rstrip() + "\n"


def _check_out(session: Session) -> list[str]:
    """The close's return on time invested and follow-up date, as a paragraph; none when neither was given."""
    parts = [f"return on time invested {roti_line(session.roti)}"] if session.roti else []
    parts += [f"follow-up on {session.follow_up_on.isoformat()}"] if session.follow_up_on else []
    return ["Check-out: " + " · ".join(parts), ""] if parts else []


def _reflections(session: Session, level: str = "##") -> list[str]:
    """What the room made of earlier actions at a follow-up: the measure, What? So what? Now what?"""
    if not session.reflections:
        return []
    lines = [f"{level} What we made of earlier actions", ""]
    for r in session.reflections:
        lines.append(f"- {_md(r.text)}: {MEASURE_WORDS[r.measure_met]}")
        lines += [f"  - {label} {_md(answer)}" for label, answer in (("What?", r.what), ("So what?", r.so_what), ("Now what?", r.now_what)) if answer]
    return [*lines, ""]


def _customer_words(session: Session) -> list[str]:
    """The quotes the session showed, where they come from, and the ideas each sparked."""
    shown = session.customer_words()
    if not shown:
        return []
    lines = ["## The customer's own words", ""]
    for said, ideas in shown:
        origin = f" ({_md(said.origin)})" if said.origin else ""
        lines.append(f"- “{_md(said.text)}”{origin}")
        lines += [f"  - {_item(idea.text)}" for idea in ideas] or ["  - no idea sparked"]
    return [*lines, ""]


def history_markdown(sessions: Sequence[Session]) -> str:
    """A team's sessions, oldest first, one section each: its actions by routine, then its first
    few ideas and how many more, so a long history stays readable in a wiki."""
    teams = {s.team for s in sessions}
    team = next(iter(teams)) if len(teams) == 1 else ""
    lines = [f"# Sessions of team {_md(team)}" if team else "# Sessions", ""]
    if sessions:
        lines += [f"{_count(len(sessions), 'session')}, {_day(sessions[0].created)} to {_day(sessions[-1].created)}", ""]
    else:
        lines += ["No sessions.", ""]
    for session in sessions:
        lines += [f"## {_md(session.title)}", "", _facts(session), "", *_check_out(session)]
        if not session.actions:
            lines += ["No actions.", ""]
        lines += _by_routine(session.actions, "###")
        lines += _reflections(session, "###")
        if session.ideas:
            lines += [f"{_count(len(session.ideas), 'idea')}:", ""]
            lines += [f"- {_item(idea.text)}" for idea in session.ideas[:HISTORY_IDEAS]]
            if len(session.ideas) > HISTORY_IDEAS:
                lines.append(f"- and {len(session.ideas) - HISTORY_IDEAS} more")
            lines.append("")
        else:
            lines += ["No ideas.", ""]
    return "\n".join(lines).rstrip() + "\n"


def actions_markdown(rows: Sequence[ActionRow]) -> str:
    """A filtered action list as tasks under each team and routine, each saying which session it
    came from; teams and routines in the order the rows have them."""
    lines = ["# Actions", ""]
    if not rows:
        lines += ["No actions.", ""]
    for team, pairs in _grouped(row_actions(rows), lambda pair: pair[1].team).items():
        lines += [f"## {_md(team)}" if team else "## No team", ""]
        for routine, grouped in _grouped(pairs, lambda pair: _routine(pair[0])).items():
            lines += [f"### {_md(routine)}", ""]
            for action, session in grouped:
                lines += _task(action, status=True, source=f"{_md(session.title)}, {_day(session.created)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


# --- CSV ---------------------------------------------------------------------------------------


def _csv(pairs: Iterable[tuple[ActionLike, SessionLike]]) -> str:
    """One row per action, with a byte-order mark so spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    quotes: dict[str, dict[str, str]] = {}
    for action, session in pairs:
        if isinstance(session, Session) and session.id not in quotes:
            quotes[session.id] = _quotes_by_idea(session)
        sparked = _sparked(action, quotes.get(session.id, {}))
        writer.writerow([
            _cell(session.id), _day(session.created), _cell(session.team), _cell(session.title), _cell(action.text),
            action.status.value, _cell(action.owner or ""), _cell(action.routine or ""), action.cadence.value,
            action.due.isoformat() if action.due else "", _cell(action.measure or ""),
            "yes" if action.committed else "", _cell(sparked),
        ])
    return "\ufeff" + out.getvalue()


def _quotes_by_idea(session: Session) -> dict[str, str]:
    """Idea id → the customer's words on the card it was called out to, for the ideas evidence sparked."""
    return {idea.id: said.text for said, ideas in session.customer_words() for idea in ideas}


def _sparked(action: ActionLike, quotes: Mapping[str, str]) -> str:
    """The customer's words behind an action's ideas, each once, in the order of its ideas."""
    found = dict.fromkeys(quotes[i] for i in getattr(action, "source_ideas", ()) if i in quotes)
    return " / ".join(f"“{quote}”" for quote in found)


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def csv_text(session: Session) -> str:
    """One row per action of one session."""
    return _csv(session_actions([session]))


def history_csv(sessions: Sequence[Session]) -> str:
    """One row per action over all `sessions`, in their order: the columns of `csv_text`."""
    return _csv(session_actions(sessions))


def actions_csv(rows: Sequence[ActionRow]) -> str:
    """One row per listed action: the columns of `csv_text`."""
    return _csv(row_actions(rows))


# --- JSON --------------------------------------------------------------------------------------


def json_text(session: Session) -> str:
    """The whole session as the model has it: it validates, and can be read back."""
    return json.dumps(session.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def history_json(sessions: Sequence[Session]) -> str:
    """Whole sessions in one document that `imports.read_sessions` reads back, named and
    versioned so that a reader can tell it from a single session and from a later format."""
    document = {
        "format": HISTORY_FORMAT,
        "version": HISTORY_VERSION,
        "sessions": [session.model_dump(mode="json") for session in sessions],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, tuple[str, Callable[[Session], str]]] = {
    "md": (".md", markdown),
    "csv": (".csv", csv_text),
    "json": (".json", json_text),
}
HISTORY_FORMATS: dict[str, tuple[str, Callable[[Sequence[Session]], str]]] = {
    "md": (".md", history_markdown),
    "csv": (".csv", history_csv),
    "json": (".json", history_json),
}
ACTION_LIST_FORMATS: dict[str, tuple[str, Callable[[Sequence[ActionRow]], str]]] = {
    "md": (".md", actions_markdown),
    "csv": (".csv", actions_csv),
}
"""Each export's file suffix and writer, by the name the command line offers (calendars, which
are bytes, are in `calendar_export`)."""

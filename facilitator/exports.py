"""A session as a file a team keeps: Markdown for a wiki or an email, CSV for a spreadsheet, JSON
that validates against the model. Plain Python; every text in it has passed the text gate already
(it comes from the models), and Markdown's own characters in a title or an idea are escaped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

from facilitator.models import Action, Session

CSV_COLUMNS = ["session", "date", "team", "title", "action", "status", "owner", "routine", "cadence", "due", "measure"]
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: str) -> str:
    """Literal in Markdown: `**Ana**` stays two asterisks, a `[link](x)` stays text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown(session: Session) -> str:
    """Actions as task-list items under their routine, then the ideas, for a wiki or an email."""
    lines = [f"# {_md(session.title)}", ""]
    facts = [f"{session.created:%Y-%m-%d}"]
    if session.team:
        facts.append(f"team {_md(session.team)}")
    if session.participants:
        facts.append("with " + ", ".join(_md(name) for name in session.participants))
    lines += [" · ".join(facts), "", "## Actions", ""]
    if not session.actions:
        lines += ["No actions.", ""]
    by_routine: dict[str, list[Action]] = {}
    for action in session.actions:
        by_routine.setdefault(action.routine or "Other", []).append(action)
    for routine, actions in by_routine.items():
        lines += [f"### {_md(routine)}", ""]
        for action in actions:
            tick = "x" if action.status.value == "done" else " "
            details = [f"owner {_md(action.owner)}" if action.owner else "", f"due {action.due}" if action.due else "",
                       action.cadence.value if action.cadence.value != "once" else "", action.status.value if action.status.value == "dropped" else ""]
            extra = "; ".join(d for d in details if d)
            lines.append(f"- [{tick}] {_md(action.text)}" + (f" ({extra})" if extra else ""))
            if action.measure:
                lines.append(f"  - we will know by: {_md(action.measure)}")
        lines.append("")
    lines += ["## Ideas", ""]
    numbers = {idea.id: n for n, idea in enumerate(session.ideas, 1)}
    for n, idea in enumerate(session.ideas, 1):
        author = f" — {_md(idea.author)}" if idea.author else ""
        builds = f" (builds on {numbers[idea.builds_on]})" if idea.builds_on in numbers else ""
        lines.append(f"{n}. {_md(idea.text)}{author}{builds}")
    if not session.ideas:
        lines.append("No ideas.")
    return "\n".join(lines).rstrip() + "\n"


def csv_text(session: Session) -> str:
    """One row per action, with a byte-order mark so spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for action in session.actions:
        writer.writerow([
            session.id, f"{session.created:%Y-%m-%d}", _cell(session.team), _cell(session.title), _cell(action.text),
            action.status.value, _cell(action.owner or ""), _cell(action.routine or ""), action.cadence.value,
            action.due.isoformat() if action.due else "", _cell(action.measure or ""),
        ])
    return "\ufeff" + out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def json_text(session: Session) -> str:
    """The whole session as the model has it: it validates, and can be read back."""
    return json.dumps(session.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, tuple[str, Callable[[Session], str]]] = {
    "md": (".md", markdown),
    "csv": (".csv", csv_text),
    "json": (".json", json_text),
}

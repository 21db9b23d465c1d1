"""One saved session, reviewed: what it was, its actions by routine, and its ideas as chains.

The actions can be settled here as the team reviews them (see `action_edits`); after each change
the session is read again from the store, so the screen shows what is saved. An idea that built
on another is shown under it, indented, so an association chain reads top to bottom; each idea
has its author, its dots (its own and its cluster's) and its cluster's name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from facilitator.engine.clock import Clock
from facilitator.engine.live import fresh_session
from facilitator.exporting import SUFFIXES, session_export
from facilitator.models import Action, Idea, Session, SessionStatus
from facilitator.screens.action_edits import (
    ACTION_BINDINGS,
    OVERDUE_MARK,
    READ_ONLY,
    STATUS_MARKS,
    ActionEditingScreen,
    Target,
)
from facilitator.screens.export_choice import EXPORT_BINDING, ask_and_export
from facilitator.screens.home import counted
from facilitator.screens.review import trait_names
from facilitator.screens.summary import NO_ROUTINE
from facilitator.store import ActionRow, Store
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging

INDENT = "  "
DEEPEST = 8
"""Chains deeper than this are indented no further, so a long one still fits an 80-column screen."""


def idea_votes(session: Session) -> dict[str, int]:
    """Each idea's dots: those on the idea itself and those on the cluster it is in."""
    dots: dict[str, int] = {}
    for vote in session.votes:
        dots[vote.target] = dots.get(vote.target, 0) + vote.dots
    cluster_of = {idea: cluster.id for cluster in session.clusters for idea in cluster.ideas}
    return {
        idea.id: dots.get(idea.id, 0) + (dots.get(cluster_of[idea.id], 0) if idea.id in cluster_of else 0)
        for idea in session.ideas
    }


def chains(ideas: Sequence[Idea]) -> list[tuple[int, Idea]]:
    """Ideas in the order they came, each followed by those built on it, with their depth.

    An idea that builds on one that is not there (deleted) starts a chain of its own, and so does
    one in a loop (possible only in a store edited by hand): every idea is shown once.
    """
    known = {idea.id for idea in ideas}
    children: dict[str | None, list[Idea]] = {}
    for idea in ideas:
        parent = idea.builds_on if idea.builds_on in known and idea.builds_on != idea.id else None
        children.setdefault(parent, []).append(idea)
    found: list[tuple[int, Idea]] = []
    seen: set[str] = set()

    def walk(start: Idea) -> None:
        stack = [(0, start)]
        while stack:
            depth, idea = stack.pop()
            if idea.id in seen:
                continue
            seen.add(idea.id)
            found.append((depth, idea))
            stack.extend((depth + 1, child) for child in reversed(children.get(idea.id, [])))

    for idea in [*children.get(None, []), *ideas]:  # roots first, then whatever a loop kept from them
        if idea.id not in seen:
            walk(idea)
    return found


def idea_entry(depth: int, idea: Idea, dots: int, cluster: str | None, sparked_by: str | None = None) -> Table:
    """The idea's text, then who said it, its dots and its cluster, wrapped under the text; and,
    for an idea a customer's own words sparked, those words."""
    body = Text(idea.text)
    meta = [f"by {idea.author}" if idea.author else "no name", counted(dots, "dot")]
    if cluster:
        meta.append(f"in “{cluster}”")
    body.append("\n" + " · ".join(meta), style="italic")
    if sparked_by:
        body.append("\nsparked by a customer: ", style="italic")
        body.append(f"“{sparked_by}”")
    prefix = INDENT * min(depth, DEEPEST) + "↳ " if depth else "• "
    return hanging(Text(prefix, style="bold" if depth else ""), body)


def action_entry(action: Action, today_overdue: bool) -> Table:
    """The action with its status in words and a mark, owner, due date and cadence; overdue is
    said with ⚠ and the word, not by colour alone."""
    body = Text(action.text)
    status = f"{OVERDUE_MARK} overdue" if today_overdue else action.status.value
    meta = [
        status,
        f"owner {action.owner}" if action.owner else "no owner",
        f"due {action.due}" if action.due else "no due date",
        action.cadence.value,
    ]
    body.append("\n")
    body.append(" · ".join(meta), style="bold" if today_overdue else "italic")
    if action.measure:
        body.append("\nwe will know by: ", style="italic")
        body.append(action.measure)
    mark = OVERDUE_MARK if today_overdue else STATUS_MARKS[action.status]
    return hanging(Text(mark, style="bold"), body)


def heading(session: Session, traits: Mapping[str, str]) -> Text:
    """Title; date, team, status, facilitator and plan; the traits by name."""
    text = Text()
    text.append(session.title, style="bold")
    facts = [
        session.created.astimezone().strftime("%Y-%m-%d"),
        f"team {session.team}" if session.team else "no team",
        session.status.value,
        f"facilitated by {session.facilitator}" if session.facilitator else "",
        f"plan {session.plan}",
    ]
    text.append("\n" + " · ".join(f for f in facts if f))
    text.append("\nTraits: ", style="bold")
    text.append("; ".join(trait_names(session.decks, traits)) or "none")
    return text


class SessionViewScreen(ActionEditingScreen):
    """A saved session's actions, to review and settle, and its ideas; Escape goes back."""

    CSS_PATH = "session_view.tcss"
    SUB_TITLE = "Session"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        *ACTION_BINDINGS,
        EXPORT_BINDING,
        Binding("escape", "app.pop_screen", "Back", id="back", tooltip="Back to where you were"),
    ]

    def __init__(self, session: Session, store: Store, clock: Clock, traits: Mapping[str, str], damage: Sequence[str] = ()) -> None:
        super().__init__(store, clock)
        self.session = session
        self.traits = traits
        self.damage = tuple(damage)

    def action_export(self) -> None:
        session = self.session
        ask_and_export(self, f"“{session.title}”", list(SUFFIXES), lambda fmt: session_export(session, fmt, self.traits))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="session-heading")
        yield Static(id="session-note")
        with Horizontal(id="session-panes"):
            with Vertical(id="actions-pane"):
                yield Static("Actions, by routine", classes="pane-title")
                yield OptionList(id="session-actions", markup=False)
            with Vertical(id="ideas-pane"):
                yield Static("Ideas (↳ built on the one above)", classes="pane-title")
                yield OptionList(id="session-ideas", markup=False)
        yield KeyLine()

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#session-actions", OptionList).focus()

    # --- what is shown -----------------------------------------------------------------------

    def refresh_view(self, keep: str | None = None) -> None:
        """Draw the session; the action cursor stays on `keep` (else on the one it was on)."""
        session = self.session
        self.query_one("#session-heading", Static).update(heading(session, self.traits))
        note = self.query_one("#session-note", Static)
        reason = self._note()
        note.display = reason is not None
        note.update(Text(reason or ""))
        actions = self.query_one("#session-actions", OptionList)
        before = actions.highlighted_option.id if actions.highlighted_option else None
        actions.set_options(self._action_options())
        chosen = keep or before
        if chosen is not None and any(a.id == chosen for a in session.actions):
            actions.highlighted = actions.get_option_index(chosen)
        else:  # the first action as listed: headings cannot be highlighted
            actions.highlighted = next((n for n in range(actions.option_count) if not actions.get_option_at_index(n).disabled), None)
        ideas = self.query_one("#session-ideas", OptionList)
        ideas.set_options(self._idea_options())  # nothing highlighted there until it has the keys
        self.refresh_bindings()

    def _note(self) -> str | None:
        """Why nothing can be changed here, if it cannot (the keys say so too, when pressed)."""
        if self.damage:
            more = f" and {len(self.damage) - 1} more" if len(self.damage) > 1 else ""
            return f"Damaged in the store: could not read {self.damage[0]}{more}. It can be looked at, not changed."
        if not self.session.actions:
            return None
        if self.store.read_only:
            return READ_ONLY
        if self.session.status is SessionStatus.LIVE:
            return "Still running: its actions are not agreed yet, so they cannot be changed here."
        if self.session.status is SessionStatus.ARCHIVED:
            return "Archived before it was finished: its actions were never agreed, so they cannot be changed."
        return None

    def _action_options(self) -> list[Option]:
        session = self.session
        if not session.actions:
            words = "No actions were agreed." if session.status is SessionStatus.CLOSED else "No actions were written down."
            return [Option(Text(words, style="italic"), id="no-actions", disabled=True)]
        groups: dict[str, list[Action]] = {}
        for action in session.actions:
            groups.setdefault(action.routine or NO_ROUTINE, []).append(action)
        options = []
        today = self.today
        for number, routine in enumerate(sorted(groups, key=lambda r: (r == NO_ROUTINE, r.casefold()))):
            heading = Text(("\n" if number else "") + routine, style="bold underline")  # a blank line between routines
            options.append(Option(heading, id=f"routine-{number}", disabled=True))
            options.extend(Option(action_entry(a, a.is_overdue(today)), id=a.id) for a in groups[routine])
        return options

    def _idea_options(self) -> list[Option]:
        session = self.session
        if not session.ideas:
            return [Option(Text("No ideas were written down.", style="italic"), id="no-ideas", disabled=True)]
        votes = idea_votes(session)
        cluster_names = {idea: cluster.name for cluster in session.clusters for idea in cluster.ideas}
        said = {idea.id: quote.text for quote, ideas in session.customer_words() for idea in ideas}
        return [
            Option(idea_entry(depth, idea, votes[idea.id], cluster_names.get(idea.id), said.get(idea.id)), id=idea.id)
            for depth, idea in chains(session.ideas)
        ]

    # --- changing actions ---------------------------------------------------------------------

    def _target_for(self, action: Action) -> Target:
        return Target(action.id, action.text, action.state, self.session.title, self.session.status, bool(self.damage))

    def target(self) -> Target | None:
        option = self.query_one("#session-actions", OptionList).highlighted_option
        action = next((a for a in self.session.actions if option is not None and a.id == option.id), None)
        return self._target_for(action) if action is not None else None

    def owner_names(self) -> list[str]:
        return [*self.session.participants, *(a.owner for a in self.session.actions if a.owner)]

    def changed(self, action_id: str, row: ActionRow | None) -> None:
        """Read the session again, so what is shown is what is stored."""
        try:
            self.session = fresh_session(self.store, self.session.id)
        except LookupError as exc:
            self.notify(f"The session could not be read again: {exc}", severity="error", timeout=8, markup=False)
            return
        self.refresh_view(keep=action_id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on an action or an idea does nothing more than highlight it


"""Set-up: who is in the room, which plan and decks, and the team's routines.

Everything has a sensible default, so Enter in the first field starts a session at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from facilitator.models import Session
from facilitator.routines import default_routines, parse_routines
from facilitator.workspace import Workspace

DEFAULT_PLAN = "quick-reflection"


def split_names(raw: str) -> list[str]:
    """`Ana, Bo,  ,Chris` -> ["Ana", "Bo", "Chris"], repeats dropped."""
    names: list[str] = []
    for name in raw.split(","):
        name = name.strip()
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


class SetupScreen(Screen[None]):
    CSS_PATH = "setup.tcss"
    BINDINGS = [
        Binding("ctrl+s", "start", "Start session", id="start", priority=True),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    @dataclass
    class Ready(Message):
        """A valid session is set up; the app starts running it."""

        session: Session

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        plans = sorted(self.workspace.plans, key=lambda p: p.minutes)
        plan_id = DEFAULT_PLAN if DEFAULT_PLAN in self.workspace.plans else (plans[0].id if plans else None)
        yield Header()
        with VerticalScroll(id="setup-form"):
            yield Static("Enter starts the session; Tab moves between fields; every field has a default.", id="setup-hint")
            with Grid(id="setup-grid"):
                yield Label("Title")
                yield Input(f"Customer reflection {date.today():%Y-%m-%d}", id="title", compact=True)
                yield Label("Team")
                yield Input(placeholder="the team's name (links follow-ups)", id="team", compact=True)
                yield Label("Facilitator")
                yield Input(placeholder="your name", id="facilitator", compact=True)
                yield Label("Participants")
                yield Input(placeholder="Ana, Ben, Chris (for @names, owners and dots)", id="participants", compact=True)
                yield Label("Plan")
                yield Select(
                    [(Text(f"{p.title} ({p.minutes} min)"), p.id) for p in plans],
                    value=plan_id or Select.BLANK,
                    allow_blank=plan_id is None,
                    id="plan",
                    compact=True,
                )
                yield Label("Dots each")
                yield Input("3", id="dots", type="integer", compact=True)
                yield Label("Seed")
                yield Input(placeholder="optional: the same seed replays the same cards", id="seed", type="integer", compact=True)
                yield Label("Time is up")
                yield Checkbox("move on by itself", id="auto-advance", compact=True)
            with Horizontal(id="setup-lists"):
                with Vertical(classes="list-cell"):
                    yield Label("Decks (Space picks)")
                    yield SelectionList[str](id="decks", compact=True)
                with Vertical(classes="list-cell"):
                    yield Label("Routines (one a line)")
                    yield TextArea("\n".join(default_routines()), id="routines", soft_wrap=True, compact=True)
            yield Static("", id="setup-error")
            yield Button("Start session", id="start", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Set up a session"
        self._suggest_decks()
        self.query_one("#title", Input).focus()

    def _suggest_decks(self) -> None:
        plan_id = self.query_one("#plan", Select).value
        suggested = set()
        if isinstance(plan_id, str) and plan_id in self.workspace.plans:
            plan = self.workspace.plans.get(plan_id)
            suggested = set(plan.decks) | {d for p in plan.phases for d in p.decks}
        decks = sorted(self.workspace.decks, key=lambda d: (d.id not in suggested, d.title.casefold()))
        selection = self.query_one("#decks", SelectionList)
        selection.clear_options()
        selection.add_options([(Text(d.title), d.id, d.id in suggested) for d in decks])
        if not selection.selected and decks:
            selection.select(decks[0].id)
        self._mark_picked()

    def _mark_picked(self) -> None:
        """Picked decks say so in words, not only by the colour of their box."""
        selection = self.query_one("#decks", SelectionList)
        picked = set(selection.selected)
        for index in range(selection.option_count):
            deck = self.workspace.decks.get(selection.get_option_at_index(index).value)
            prompt = Text("✓ " if deck.id in picked else "  ", style="bold")
            prompt.append(deck.title, style="bold" if deck.id in picked else "")
            selection.replace_option_prompt_at_index(index, prompt)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._mark_picked()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "plan":
            self._suggest_decks()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def _error(self, message: str) -> None:
        self.query_one("#setup-error", Static).update(Text(message))

    def action_start(self) -> None:
        value = lambda name: self.query_one(f"#{name}", Input).value.strip()  # noqa: E731
        plan_id = self.query_one("#plan", Select).value
        if not isinstance(plan_id, str):
            self._error("Pick a plan.")
            return
        decks = list(self.query_one("#decks", SelectionList).selected)
        if not decks:
            self._error("Pick at least one deck (Space in the deck list).")
            return
        try:
            session = Session(
                title=value("title") or f"Customer reflection {date.today():%Y-%m-%d}",
                team=value("team"),
                facilitator=value("facilitator"),
                participants=split_names(value("participants")),
                plan=plan_id,
                decks=decks,
                routines=parse_routines(self.query_one("#routines", TextArea).text),
                dots_per_participant=int(value("dots") or 3),
                seed=int(value("seed")) if value("seed") else None,
                auto_advance=self.query_one("#auto-advance", Checkbox).value,
            )
        except (ValidationError, ValueError) as exc:
            reason = exc.errors()[0] if isinstance(exc, ValidationError) else None
            where = ".".join(str(p) for p in reason["loc"]) if reason else ""
            self._error(f"{where}: {reason['msg']}" if reason else str(exc))
            return
        self.post_message(self.Ready(session))

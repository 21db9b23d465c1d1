"""Set-up: who is in the room, which plan and decks, and the team's routines.

Everything has a sensible default, so Enter in the first field starts a session at once. A
choice that could not run (decks that cannot deal the plan's cards with the routines picked) is
refused here, in one line, before any session exists. When the decks are in more than one
language, the deck list shows one language at a time (the plan's, at first), or all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
)
from textual.widgets._toggle_button import ToggleButton

from facilitator.draw import dealing_problem
from facilitator.engine.names import split_names
from facilitator.models import ROUND_PHASES, Deck, Plan, Session
from facilitator.routines import default_routines, parse_routines
from facilitator.text import clean
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.language_choice import ALL_LANGUAGES, LanguageChoice, shared_language
from facilitator.widgets.lists import hanging
from facilitator.widgets.text_input import TextInput
from facilitator.workspace import Workspace

DEFAULT_PLAN = "quick-reflection"
FALLBACK_TITLE = "Customer reflection"


def default_title(plan: Plan | None, team: str, day: date) -> str:
    """`Quick reflection · Blue · 2025-03-10`: sessions left untitled can still be told apart."""
    parts = [plan.title if plan else FALLBACK_TITLE, team.strip(), day.isoformat()]
    return " · ".join(part for part in parts if part)


def plan_text(plan: Plan) -> Text:
    """The plan's summary and agenda, `Warm-up 2′ › Diverge 6′ (3 rounds) › …`, as plain text."""
    text = Text()
    text.append(f"{plan.title} · {plan.minutes} min", style="bold")
    if plan.summary:
        text.append("\n")
        text.append(" ".join(plan.summary.split()))
    text.append("\nAgenda: ", style="bold")
    for index, phase in enumerate(plan.phases):
        if index:
            text.append(" › ", style="dim")
        text.append(f"{phase.label} {phase.minutes}′")
        if phase.kind in ROUND_PHASES and phase.rounds > 1:
            text.append(f" ({phase.rounds} rounds)")
    return text


def suggested_decks(plan: Plan | None) -> set[str]:
    """The decks a plan names, for the session as a whole or for one of its phases."""
    if plan is None:
        return set()
    return set(plan.decks) | {d for p in plan.phases for d in p.decks}


def deck_label(deck: Deck, *, with_language: bool) -> Text:
    """The deck's title, as data; with its language code after it while all languages show."""
    label = Text(deck.title)
    if with_language:
        label.append(f" · {deck.language}", style="dim")
    return label


class TickBox(Checkbox):
    """A checkbox whose box is empty until ticked: on or off is not shown by colour alone."""

    def on_mount(self) -> None:
        self._draw_box()

    def watch_value(self) -> None:
        super().watch_value()
        self._draw_box()

    def _draw_box(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()


class PickList(SelectionList[str]):
    """A selection list whose picked items say so in words (✓), and whose long items wrap.

    Textual's SelectionList draws its box as if every item took one line, so a wrapped item
    would shift the boxes of those below it; here each item's box sits on its first line only.
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, compact=True)
        self._labels: dict[str, Text] = {}

    def fill(self, items: Iterable[tuple[str, str | Text, bool]]) -> None:
        """Replace the items with (value, label, picked) triples; a `str` label is data, not markup."""
        items = list(items)
        self.clear_options()
        self._labels = {value: Text(label) if isinstance(label, str) else label for value, label, _ in items}
        self.add_options([(self._labels[value], value, picked) for value, _, picked in items])
        self._mark_picked()

    def add_item(self, value: str, label: str) -> None:
        """Add an item at the end, picked, and bring it into view."""
        self._labels[value] = Text(label)  # data, not markup
        self.add_option((Text(label), value, True))
        self._mark_picked()
        self.highlighted = self.option_count - 1

    @property
    def picked(self) -> list[str]:
        """The picked values in list order (not in the order they were picked)."""
        chosen = set(self.selected)
        values = [self.get_option_at_index(i).value for i in range(self.option_count)]
        return [value for value in values if value in chosen]

    def _mark_picked(self) -> None:
        """Picked items say so in words, not only by the colour of their box."""
        picked = set(self.selected)
        for index in range(self.option_count):
            value = self.get_option_at_index(index).value
            mark = Text("✓" if value in picked else " ", style="bold")
            label = Text.assemble(self._labels.get(value, Text(value)), style="bold" if value in picked else "")
            self.replace_option_prompt_at_index(index, hanging(mark, label))

    def _on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._mark_picked()

    def on_focus(self, event: events.Focus) -> None:
        """Tab into the list and Space picks at once: without a highlight, Space did nothing."""
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def render_line(self, y: int) -> Strip:
        # SelectionList.render_line with the item taken from OptionList's line map (`_lines`,
        # a Textual internal, as of 8.2.8) rather than assumed to be the screen row.
        line = OptionList.render_line(self, y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style or self.rich_style
        if offset:
            return Strip([Segment(" " * self._get_left_gutter_width(), underlying), *line])
        state = "selection-list--button"
        if self.get_option_at_index(index).value in self._selected:
            state += "-selected"
        if self.highlighted == index:
            state += "-highlighted"
        button = self.get_component_rich_style(state) + Style(meta={"option": index})
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + Style(meta={"option": index})
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(ToggleButton.BUTTON_INNER, button),
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )


class SetupScreen(Screen[None]):
    CSS_PATH = "setup.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start session", id="start", priority=True),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    @dataclass
    class Ready(Message):
        """A valid session is set up; the app starts running it."""

        session: Session
        evidence: Path | None = None
        """A file of customers' own words to read (on a thread) and show as cards."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self._routines_from_plan = False
        """The routines picked are a plan's own: another plan puts the usual list back."""
        self._decks: list[Deck] = []
        """Every deck, in list order: the plan's first, then by title."""
        self._picked_decks: set[str] = set()
        """Every deck picked, those the language choice hides as well (see `action_start`)."""

    def compose(self) -> ComposeResult:
        plans = sorted(self.workspace.plans, key=lambda p: p.minutes)
        plan_id = DEFAULT_PLAN if DEFAULT_PLAN in self.workspace.plans else (plans[0].id if plans else None)
        yield Header()
        with VerticalScroll(id="setup-form"), Grid(id="setup-body"):
            with Vertical(id="setup-about"):
                yield Static("Enter starts the session: every field has a default. Tab moves through the fields, then the decks and routines.", id="setup-hint")
                with Grid(id="setup-grid"):
                    yield Label("Title")
                    yield TextInput(id="title", compact=True)
                    yield Label("Team")
                    yield TextInput(placeholder="the team's name (links follow-ups)", id="team", compact=True)
                    yield Label("Facilitator")
                    yield TextInput(placeholder="your name", id="facilitator", compact=True)
                    yield Label("Participants")
                    yield TextInput(placeholder="names, separated by commas (for @names, owners, dots)", id="participants", compact=True)
                    yield Label("Plan")
                    yield Select(
                        [(Text(f"{p.title} ({p.minutes} min)"), p.id) for p in plans],
                        value=plan_id or Select.BLANK,
                        allow_blank=plan_id is None,
                        id="plan",
                        compact=True,
                    )
                    yield Label("Dots each")
                    yield TextInput("3", id="dots", type="integer", compact=True)
                    yield Label("Seed")
                    yield TextInput(placeholder="optional: the same seed replays the same cards", id="seed", type="integer", compact=True)
                    yield Label("Time is up")
                    yield TickBox("move on by itself (act waits for you)", id="auto-advance", compact=True)
                    yield Label("Evidence")
                    yield TextInput(
                        str(self.workspace.evidence_path or ""),
                        placeholder="optional: a text or CSV file of customers' own words, shown as cards",
                        id="evidence",
                        compact=True,
                    )
                yield Static(id="plan-info")
            with Horizontal(id="setup-lists"):
                with Vertical(classes="list-cell"):
                    with Horizontal(id="decks-head"):
                        yield Label("Decks (Space picks)")
                        yield self._language_choice(self.workspace.plans.get(plan_id) if plan_id else None)
                    yield PickList(id="decks")
                with Vertical(classes="list-cell"):
                    yield Label("Routines (Space picks)")
                    yield PickList(id="routines")
                    yield TextInput(placeholder="add a routine: type it, then Enter", id="add-routine", compact=True)
            with Vertical(id="setup-actions"):
                yield Static("", id="setup-error")
                yield Button("Start session", id="start", variant="primary", compact=True)
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = "Set up a session"
        self.query_one("#routines", PickList).fill((r, r, True) for r in default_routines())
        self._plan_changed()
        self.query_one("#title", Input).focus()

    def _language_choice(self, plan: Plan | None) -> LanguageChoice:
        """The language shown first: the one the plan's decks share, else English, else all."""
        decks = list(self.workspace.decks)
        languages = [d.language for d in decks]
        first = shared_language(d.language for d in decks if d.id in suggested_decks(plan))
        if first is None:
            first = "en" if "en" in languages else ALL_LANGUAGES
        return LanguageChoice(languages, first, id="deck-language")

    def _plan(self) -> Plan | None:
        plan_id = self.query_one("#plan", Select).value
        return self.workspace.plans.get(plan_id) if isinstance(plan_id, str) and plan_id in self.workspace.plans else None

    def _plan_changed(self) -> None:
        plan = self._plan()
        self.query_one("#plan-info", Static).update(plan_text(plan) if plan else Text("No plan picked."))
        self._suggest_decks(plan)
        self._suggest_routines(plan)
        self._suggest_title()

    def _suggest_routines(self, plan: Plan | None) -> None:
        """Pick the plan's own routines when it names some (adding any the list lacks). A plan
        that names none leaves the routines as they are, unless the plan before had picked its
        own: then the team's usual list comes back."""
        own = list(plan.routines) if plan is not None else []
        if not own and not self._routines_from_plan:
            return
        self._routines_from_plan = bool(own)
        wanted = own or default_routines()
        routines = self.query_one("#routines", PickList)
        known = {routines.get_option_at_index(i).value.casefold() for i in range(routines.option_count)}
        for routine in wanted:
            if routine.casefold() not in known:
                routines.add_item(routine, routine)
                known.add(routine.casefold())
        keep = {r.casefold() for r in wanted}
        for i in range(routines.option_count):
            value = routines.get_option_at_index(i).value
            if value.casefold() in keep:
                routines.select(value)
            else:
                routines.deselect(value)

    def _suggest_title(self) -> None:
        team = self.query_one("#team", Input).value
        self.query_one("#title", Input).placeholder = default_title(self._plan(), team, date.today())

    def _suggest_decks(self, plan: Plan | None) -> None:
        """Pick the plan's decks, and show their language (all, if they have several).

        A plan that names no deck that is here keeps the language shown, and picks the first deck shown.
        """
        suggested = suggested_decks(plan) & {d.id for d in self.workspace.decks}
        self._decks = sorted(self.workspace.decks, key=lambda d: (d.id not in suggested, d.title.casefold()))
        choice = self.query_one("#deck-language", LanguageChoice)
        choice.show(shared_language(self.workspace.decks.get(d).language for d in suggested))
        shown = self._shown_decks()
        if shown and not suggested:
            suggested = {shown[0].id}
        self._picked_decks = suggested
        self._show_decks()

    def _shown_decks(self) -> list[Deck]:
        """The decks in the language chosen, in list order."""
        language = self.query_one("#deck-language", LanguageChoice).language
        return [d for d in self._decks if language in (ALL_LANGUAGES, d.language)]

    def _show_decks(self) -> None:
        """Fill the deck list with the decks of the language chosen; those picked show picked."""
        choice = self.query_one("#deck-language", LanguageChoice)
        with_language = choice.display and choice.language == ALL_LANGUAGES
        self.query_one("#decks", PickList).fill((d.id, deck_label(d, with_language=with_language), d.id in self._picked_decks) for d in self._shown_decks())

    def _remember_picks(self) -> None:
        """Note what is picked and unpicked in the list now, before it shows another language."""
        listing = self.query_one("#decks", PickList)
        shown = {listing.get_option_at_index(i).value for i in range(listing.option_count)}
        self._picked_decks = (self._picked_decks - shown) | set(listing.selected)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "plan":
            self._plan_changed()
        elif event.select.id == "deck-language":
            self._remember_picks()
            self._show_decks()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "team":
            self._suggest_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "add-routine":
            self._add_routines(event.input)
        else:
            self.action_start()

    def _add_routines(self, field: Input) -> None:
        """Add what was typed to the routine list, picked; one already there is picked instead."""
        routines = self.query_one("#routines", PickList)
        known = {routines.get_option_at_index(i).value.casefold(): i for i in range(routines.option_count)}
        for routine in parse_routines(field.value):
            if routine.casefold() in known:
                index = known[routine.casefold()]
                routines.select(routines.get_option_at_index(index).value)
                routines.highlighted = index
            else:
                routines.add_item(routine, routine)
                known[routine.casefold()] = routines.option_count - 1
        field.value = ""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def _error(self, message: str) -> None:
        error = self.query_one("#setup-error", Static)
        error.update(Text(message))
        error.display = True
        error.scroll_visible(animate=False)

    def action_start(self) -> None:
        """Start with what the screen shows: the decks picked in the list as it is now.

        A deck picked and then hidden by the language choice is not used: a facilitator who
        switched to Nederlands expects a Dutch session, not one with an English deck they no
        longer see. It stays picked, though, and is back when its language is shown again.
        """

        def value(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        plan = self._plan()
        if plan is None:
            self._error("Pick a plan.")
            return
        decks = self.query_one("#decks", PickList).picked
        self._add_routines(self.query_one("#add-routine", Input))  # typed and not yet added: still meant
        self._remember_picks()
        if not decks:
            hidden = " Decks picked in other languages are hidden, and not used." if self._picked_decks else ""
            self._error(f"Pick at least one deck (Space in the deck list).{hidden}")
            return
        routines = parse_routines("\n".join(self.query_one("#routines", PickList).picked))
        chosen = [self.workspace.decks.get(d) for d in decks]
        if (problem := dealing_problem(plan, chosen, routines)) is not None:
            self._error(problem)
            return
        try:
            session = Session(
                title=value("title") or default_title(plan, value("team"), date.today()),
                team=value("team"),
                facilitator=value("facilitator"),
                participants=split_names(value("participants")),
                plan=plan.id,
                decks=decks,
                routines=routines,
                dots_per_participant=int(value("dots") or 3),
                seed=int(value("seed")) if value("seed") else None,
                auto_advance=self.query_one("#auto-advance", Checkbox).value,
            )
        except (ValidationError, ValueError) as exc:
            reason = exc.errors()[0] if isinstance(exc, ValidationError) else None
            where = ".".join(str(p) for p in reason["loc"]) if reason else ""
            self._error(f"{where}: {reason['msg']}" if reason else str(exc))
            return
        evidence = Path(value("evidence")).expanduser() if value("evidence") else None
        if evidence is not None and not evidence.is_file():
            self._error(f"There is no file {clean(str(evidence))} for the evidence: give a text or CSV file, or leave it empty.")
            return
        self.post_message(self.Ready(session, evidence))

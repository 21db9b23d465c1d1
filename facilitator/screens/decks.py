"""The deck manager: every deck the app can use, where its file is, and what a coach does with it.

Built-in decks are looked at, previewed and rehearsed, never written: to change one, a coach
copies it into their own deck folder (with the same id the copy is used in its place) and edits
the copy. The coach's own decks open in the editor (`deck_editor.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from facilitator.authoring import DeckDraft, Place, Refused, ShelfDeck, shelf
from facilitator.catalog import user_dir
from facilitator.models import CardKind, Deck, Plan, PromptCard
from facilitator.routines import default_routines, kinds_of
from facilitator.screens.modals import ConfirmModal, PickModal, TextModal
from facilitator.text import clean
from facilitator.vocabulary import moments_for
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.prompt_card import PromptCardView, card_face
from facilitator.workspace import Workspace

KIND_LETTERS = {
    CardKind.QUESTION: "q",
    CardKind.ROUTINE: "r",
    CardKind.PERSPECTIVE: "p",
    CardKind.STIMULUS: "s",
    CardKind.REVERSAL: "v",
    CardKind.JOB: "j",
    CardKind.JOURNEY: "m",
    CardKind.TRY_IT: "t",
}
KIND_KEY = "q question, r routine, p perspective, s stimulus, v reversal, j job, m journey moment, t try-it"
NEW_TRAIT = "Another trait (type it)…"
WIDE = 110
"""From this many columns the deck list counts each deck's cards by kind; below, the count alone."""


def short_path(path: Path) -> str:
    """A path as a person reads it (under their home folder it starts with `~`), its control
    characters made harmless: a file name is text from outside."""
    try:
        shown = str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        shown = str(path)
    return clean(shown)


def card_counts(deck: ShelfDeck) -> str:
    """`16: 5q 6r 3p 2s`: the cards, and how many of each kind."""
    kinds = " ".join(f"{deck.count(kind)}{letter}" for kind, letter in KIND_LETTERS.items())
    return f"{len(deck.deck.prompts)}: {kinds}"


def where(deck: ShelfDeck) -> str:
    """Where the deck comes from, and what it is used in place of."""
    place = {Place.BUILT_IN: "built-in", Place.YOURS: "yours", Place.FOLDER: "--decks folder"}[deck.place]
    if deck.replaces is not None:
        place += f", replaces {'built-in' if deck.replaces is Place.BUILT_IN else 'yours'}"
    return place


def deck_details(deck: ShelfDeck) -> Text:
    d = deck.deck
    text = Text()
    text.append(d.title, style="bold")
    text.append(f"  [{d.id}, v{d.version}, {d.language}]  Trait: ")
    text.append(d.trait)
    kinds = ", ".join(f"{count} {kind.value}" for kind in KIND_LETTERS if (count := deck.count(kind)))
    text.append(f"\nCards: {len(d.prompts)} ({kinds})")
    text.append("\nFile: ")
    text.append(short_path(deck.path))
    if deck.replaces is Place.BUILT_IN:
        text.append("\nUsed in place of the built-in deck with this id; move or delete the file to go back to it.", style="italic")
    elif deck.place is Place.BUILT_IN:
        text.append("\nBuilt in: Enter or c copies it to your decks, where you can change it.", style="italic")
    text.append("\n")
    text.append(d.summary)
    return text


def sample_routines(card: PromptCard, routines: Sequence[str]) -> list[str]:
    """The routines a routine card may be shown with, by its `fits`: those it suits, or, when it
    suits none of them, the routines it would need."""
    suiting = [r for r in routines if card.suits(kinds_of(r))]
    return suiting or list(routines)


def ask_plan(app: App[Any], workspace: Workspace, question: str, then: Callable[[Plan | None], None]) -> None:
    """Ask which plan (shortest first), then call `then` with it (None if the dialog was closed)."""
    plans = sorted(workspace.plans, key=lambda p: (p.minutes, p.title.casefold()))
    labels = [f"{p.title} ({p.minutes} min)" for p in plans]

    def picked(label: str | None) -> None:
        then(plans[labels.index(label)] if label in labels else None)

    app.push_screen(PickModal(question, labels), picked)


class DecksScreen(Screen[None]):
    """Every deck; Enter opens the coach's own in the editor, Escape goes back."""

    CSS_PATH = "decks.tcss"
    SUB_TITLE = "Decks"
    BINDINGS = [
        Binding("enter", "open", "Edit", id="edit", priority=True, tooltip="Change the highlighted deck (a built-in one is copied to your decks first)"),
        Binding("w", "preview", "Wall preview", id="preview", tooltip="The highlighted deck's cards as the wall shows them"),
        Binding("c", "copy", "Copy", id="copy", tooltip="Copy the highlighted deck into your own deck folder"),
        Binding("n", "new", "New deck", id="new", tooltip="Write a new deck, with one card of each kind to start from"),
        Binding("r", "rehearse", "Rehearse", id="rehearse", tooltip="Run the highlighted deck in a practice session that is not saved"),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.decks: list[ShelfDeck] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="decks-intro")
        yield DataTable(id="decks-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="decks-detail")
        yield KeyLine()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#decks-table", DataTable)

    def on_mount(self) -> None:
        self.refresh_decks()
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_decks()  # a deck saved in the editor, or copied, shows as it is now

    def on_resize(self) -> None:
        self.refresh_decks()

    def refresh_decks(self, keep: str | None = None) -> None:
        current = self.current
        keep = keep or (current.deck.id if current else None)
        catalog = self.workspace.decks
        self.decks = shelf(catalog, self.workspace.deck_dirs)
        table = self.table
        table.clear(columns=True)
        froms = max((len(where(d)) for d in self.decks), default=8)
        wide = self.size.width >= WIDE
        counted_cards = card_counts if wide else (lambda d: str(len(d.deck.prompts)))  # narrow: the count; by kind below
        cards = max((len(counted_cards(d)) for d in self.decks), default=5)
        cards = max(cards, 5)
        title = max(self.size.width - 4 - 4 - cards - froms - 10, 16)
        table.add_column("Title", key="title", width=title)
        table.add_column("Lang", key="lang", width=4)
        table.add_column("Cards", key="cards", width=cards)
        table.add_column("From", key="from", width=froms)
        titles = Counter(d.deck.title.casefold() for d in self.decks)
        for deck in self.decks:
            name = Text(deck.deck.title)
            if titles[deck.deck.title.casefold()] > 1:  # two decks of one title: their ids tell them apart
                name.append(f" [{deck.deck.id}]", style="dim")
            table.add_row(name, Text(deck.deck.language), Text(counted_cards(deck)), Text(where(deck)), key=deck.deck.id)
        if keep is not None and keep in {d.deck.id for d in self.decks}:
            table.move_cursor(row=table.get_row_index(keep))
        own = sum(1 for d in self.decks if d.editable)
        skipped = f" · {len(catalog.problems)} problem(s) in deck files: facilitator decks list says which" if catalog.problems else ""
        intro = Text(f"{len(self.decks)} decks, {own} of them yours (kept in ")
        intro.append(short_path(user_dir("decks")))
        intro.append(f") · cards: {KIND_KEY}{skipped}" if self.size.width >= WIDE else f"){skipped}")
        self.query_one("#decks-intro", Static).update(intro)
        self.show_details()

    @property
    def current(self) -> ShelfDeck | None:
        if not self.decks or not self.is_mounted:
            return None
        row = self.table.cursor_row
        return self.decks[row] if 0 <= row < len(self.decks) else None

    def show_details(self) -> None:
        current = self.current
        self.query_one("#decks-detail", Static).update(deck_details(current) if current else Text("No decks."))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_details()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"open", "preview", "copy", "rehearse"}:
            if action == "open" and self.focused is not self.table:
                return False
            return True if self.current is not None else None
        return True

    # --- keys ----------------------------------------------------------------------------------

    def action_open(self) -> None:
        current = self.current
        if current is None:
            return
        if current.editable:
            self._edit(current.path)
            return
        question = f"“{current.deck.title}” is built in, so it is never changed. Copy it to your decks and change the copy? The copy is used in its place."

        def answered(yes: bool | None) -> None:
            if yes:
                self._copy(current, current.deck.id)

        self.app.push_screen(ConfirmModal(question, yes="Copy and edit", no="Cancel"), answered)

    def action_copy(self) -> None:
        current = self.current
        if current is None:
            return
        own_ids = {d.deck.id for d in self.decks if d.place is Place.YOURS}
        same = current.deck.id not in own_ids
        suggestion = current.deck.id if same else f"{current.deck.id}-copy"
        question = (
            f"Copy “{current.deck.title}” into your decks as: (keep the id {current.deck.id} and the copy is used in its place; "
            "a new id makes a deck of its own)"
        )

        def check(answer: str) -> str | None:
            target = user_dir("decks") / f"{answer}.toml"
            if answer != current.deck.id and answer in self.workspace.decks:
                other = self.workspace.decks.get(answer)
                return f"There is a deck {answer} already (“{other.title}”): give the copy another id, or it would replace that deck."
            try:
                taken = target.exists()
            except OSError as exc:
                return f"Your deck folder cannot be read ({exc.strerror or exc})."
            if taken:
                return f"You have a deck file {target.name} already: give the copy another id."
            return None

        def answered(answer: str | None) -> None:
            if answer:
                self._copy(current, answer)

        self.app.push_screen(TextModal(question, suggestion, check=check), answered)

    def _copy(self, deck: ShelfDeck, new_id: str) -> None:
        try:
            draft = DeckDraft.copy_into(deck.path, new_id)
        except (Refused, OSError) as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self.workspace.forget_catalogs()
        self.refresh_decks(keep=new_id)
        self.notify(f"Copied into {short_path(draft.path)}.", timeout=5, markup=False)
        self._edit(draft.path)

    def action_new(self) -> None:
        def with_id(deck_id: str | None) -> None:
            if not deck_id:
                return
            traits = sorted({d.deck.trait for d in self.decks}, key=str.casefold)

            def with_trait(trait: str | None) -> None:
                if trait == NEW_TRAIT:
                    self.app.push_screen(TextModal("The trait the deck is about, in words:"), with_trait)
                elif trait:
                    self._create(deck_id, trait)

            self.app.push_screen(PickModal(f"Which trait is the deck {deck_id} about?", [*traits, NEW_TRAIT]), with_trait)

        def check(answer: str) -> str | None:
            from facilitator.authoring import DECK_ID

            if not DECK_ID.fullmatch(answer):
                return "Use small letters, digits and dashes, like acme-frontline."
            if answer in self.workspace.decks:
                return f"There is a deck {answer} already: give the new one another id, or copy that one (c)."
            return None

        self.app.push_screen(TextModal("The new deck's id (small letters, digits and dashes, like acme-frontline):", check=check), with_id)

    def _create(self, deck_id: str, trait: str) -> None:
        try:
            draft = DeckDraft.create(deck_id, trait)
        except (Refused, OSError) as exc:
            self.notify(f"The deck was not written: {exc}", severity="error", timeout=8, markup=False)
            return
        self.workspace.forget_catalogs()
        self.refresh_decks(keep=deck_id)
        self._edit(draft.path)

    def _edit(self, path: Path) -> None:
        from facilitator.screens.deck_editor import DeckEditorScreen

        try:
            draft = DeckDraft.open(path)
        except Refused as exc:
            self.notify(f"This deck cannot be edited here: {exc}", severity="error", timeout=8, markup=False)
            return
        self.app.push_screen(DeckEditorScreen(draft, self.workspace))

    def action_preview(self) -> None:
        current = self.current
        if current is not None:
            self.app.push_screen(WallPreviewScreen(current.deck))

    def action_rehearse(self) -> None:
        current = self.current
        if current is not None:
            rehearse_deck(self.app, self.workspace, current.deck)


def rehearse_deck(app: App[Any], workspace: Workspace, deck: Deck) -> None:
    """Ask for a plan, then run it with this deck alone as a practice session."""

    def chosen(plan: Plan | None) -> None:
        if plan is not None:
            app.rehearse(plan, [deck])  # type: ignore[attr-defined]

    ask_plan(app, workspace, f"Rehearse “{deck.title}” with which plan? Nothing is saved.", chosen)


class WallPreviewScreen(Screen[None]):
    """A deck's cards one at a time, as a round shows them, routine cards with a sample routine."""

    CSS_PATH = "decks.tcss"
    SUB_TITLE = "Wall preview"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (160, "-large")]
    BINDINGS = [
        Binding("right,n", "step(1)", "Next card", id="next", key_display="→"),
        Binding("left,p", "step(-1)", "Previous", id="previous", key_display="←"),
        Binding("r", "another_routine", "Another routine", id="routine", tooltip="Fill the card with another of the team's routines, or another journey moment"),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    def __init__(self, deck: Deck, routines: Sequence[str] | None = None, start: int = 0) -> None:
        super().__init__()
        self.deck = deck
        self.routines = list(routines) if routines is not None else default_routines()
        self.index = start
        self.routine_turn = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="preview-where")
        yield PromptCardView(id="preview-card")
        yield Static("", id="preview-notes")
        yield KeyLine()

    def on_mount(self) -> None:
        self.show_card()

    @property
    def card(self) -> PromptCard:
        return self.deck.prompts[self.index]

    def routine(self) -> str | None:
        if not self.card.needs_routine or not self.routines:
            return None
        choices = sample_routines(self.card, self.routines)
        return choices[self.routine_turn % len(choices)]

    def moment(self) -> str | None:
        moments = moments_for(self.deck.language)
        return moments[self.routine_turn % len(moments)] if self.card.needs_moment else None

    def show_card(self) -> None:
        card, routine, moment = self.card, self.routine(), self.moment()
        shown = card.render(routine, moment) if routine or not card.needs_routine else card.text
        self.query_one("#preview-card", PromptCardView).update(card_face(card.kind, shown, routine, moment))
        where = Text(f"{self.deck.title} · card {self.index + 1} of {len(self.deck.prompts)} · {card.kind.value} · id {card.id}")
        self.query_one("#preview-where", Static).update(where)
        notes = Text()
        if card.needs_routine:
            fits = ", ".join(f.value for f in card.fits) if card.fits else "any routine"
            notes.append(f"Fits: {fits}. ")
            if routine and not card.suits(kinds_of(routine)):
                notes.append("None of the team's routines suits this card, so a session would not draw it. ", style="bold")
            notes.append("The routine is one of the team's; r shows another.")
        if card.needs_moment:
            notes.append("The moment of the customer's journey is one of: " + ", ".join(moments_for(self.deck.language)) + "; r shows another.")
        if card.source:
            notes.append("\nSource: ")
            notes.append(card.source)
        self.query_one("#preview-notes", Static).update(notes)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "another_routine":
            if self.card.needs_moment:
                return True
            return True if self.card.needs_routine and len(sample_routines(self.card, self.routines)) > 1 else None
        return True

    def action_step(self, by: int) -> None:
        self.index = (self.index + by) % len(self.deck.prompts)
        self.routine_turn = 0
        self.show_card()

    def action_another_routine(self) -> None:
        self.routine_turn += 1
        self.show_card()

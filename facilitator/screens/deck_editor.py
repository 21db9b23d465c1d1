"""The deck editor: a coach's own deck, card by card, saved as TOML that keeps their comments.

Every change goes through `authoring.DeckDraft`, which takes it only if the deck stays valid: a
card without text, a routine card without its `{routine}` slot or an id used twice is refused in
the dialog, in one line, and nothing changes. Nothing is written until Ctrl+S; leaving with
changes asks first. The decks and plans are read again after a save, so the next session uses
the deck as saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, SelectionList, Static

from facilitator.authoring import ChangedOnDisk, DeckDraft, Refused
from facilitator.models import CardKind, PromptCard
from facilitator.screens.decks import WallPreviewScreen, rehearse_deck, short_path
from facilitator.screens.modals import MODAL_CSS, KeepOrCancel, PickModal
from facilitator.vocabulary import RoutineFit
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.text_input import TextInput
from facilitator.workspace import Workspace

TAKES_ROUTINE = {CardKind.ROUTINE.value, CardKind.REVERSAL.value}
"""Kinds of card that may have the {routine} slot, and so `fits`."""
SAVE_AND_LEAVE = "Save and leave"
WRITE_OVER = "Write my changes over the file"
TAKE_FILE = "Take the file as it is now (my changes here are dropped)"
CANCEL_SAVE = "Cancel: change nothing yet"
LEAVE = "Leave without saving"
STAY = "Stay"
FIT_LABELS = {
    RoutineFit.MEETINGS: "meetings: team and management meetings, reviews, all-hands",
    RoutineFit.CEREMONIES: "ceremonies: stand-up, planning, sprint review, retrospective, triage",
    RoutineFit.ONE_TO_ONES: "one-to-ones: one-to-ones, coaching, performance reviews",
    RoutineFit.PEOPLE: "people: hiring, onboarding, performance reviews",
    RoutineFit.OWN_WEEK: "own-week: the leader's own calendar and habits",
}


FORM_CSS = """
{cls} > Vertical {{ width: 100; max-width: 95%; max-height: 95%; }}
{cls} VerticalScroll {{ height: auto; max-height: 20; }}
{cls} .field {{ height: 1; }}
{cls} .field Label {{ width: 10; text-style: bold; }}
{cls} .field Input, {cls} .field Select {{ width: 1fr; }}
{cls} #fits-label {{ text-style: bold; margin-top: 1; }}
{cls} SelectionList {{ height: auto; max-height: 6; }}
{cls} #problem {{ color: $error; height: auto; margin-top: 1; }}
"""


def card_id_from(text: str, taken: set[str]) -> str:
    """An id for a new card made from the first words of its text, unique in the deck."""
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("{routine}", ""))[:4]
    base = "-".join(words)[:40].strip("-") or "card"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def card_row(number: int, card: PromptCard) -> list[Text]:
    fits = ", ".join(f.value for f in card.fits) if card.fits else ("any" if card.needs_routine else "")
    return [Text(str(number)), Text(card.kind.value), Text(card.text), Text(fits)]


def card_details(card: PromptCard) -> Text:
    text = Text()
    text.append(card.text, style="bold")
    text.append(f"\n{card.kind.value} · id {card.id}")
    if card.needs_routine:
        text.append(" · fits " + (", ".join(f.value for f in card.fits) if card.fits else "any routine"))
    if card.source:
        text.append(" · source: ")
        text.append(card.source)
    return text


class FormModal(KeepOrCancel[bool]):
    """A dialog of fields that `apply` takes only if the deck stays valid: Ctrl+S (or Enter in a
    field) keeps them; a refusal is said under the fields, and the dialog stays open."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep", id="keep", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, apply: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.apply = apply

    def fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        try:
            self.apply(self.fields())
        except Refused as exc:
            self.query_one("#problem", Static).update(Text(f"Not kept: {exc}"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class CardModal(FormModal):
    """A card's kind, text, id, source and fits; Ctrl+S (or Enter in a field) keeps it, if the
    deck takes it. A refusal is said under the fields, and the dialog stays open."""

    DEFAULT_CSS = MODAL_CSS.format(cls="CardModal") + FORM_CSS.format(cls="CardModal")

    def __init__(self, heading: str, card: dict[str, Any], apply: Callable[[dict[str, Any]], None], taken: set[str]) -> None:
        super().__init__(apply)
        self.heading, self.card, self.taken = heading, card, taken

    def compose(self) -> ComposeResult:
        card = self.card
        kinds = [(kind.value, kind.value) for kind in CardKind]
        fits = set(card.get("fits") or [])
        with Vertical():
            yield Static(Text(self.heading), classes="question")
            with VerticalScroll():
                with Horizontal(classes="field"):
                    yield Label("Kind")
                    yield Select(kinds, value=str(card.get("kind") or CardKind.QUESTION.value), allow_blank=False, id="kind", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Text")
                    yield TextInput(card.get("text") or "", id="text", compact=True, placeholder="as the wall shows it; a routine card needs {routine}")
                with Horizontal(classes="field"):
                    yield Label("Id")
                    yield TextInput(card.get("id") or "", id="card-id", compact=True, placeholder="made from the text if left empty")
                with Horizontal(classes="field"):
                    yield Label("Source")
                    yield TextInput(card.get("source") or "", id="source", compact=True, placeholder="optional: the article, page or interview the idea comes from")
                yield Static(Text("Fits: the routines a card with {routine} suits (Space ticks; none ticked means any routine)"), id="fits-label")
                yield SelectionList[str](*((label, fit.value, fit.value in fits) for fit, label in FIT_LABELS.items()), id="fits", compact=True)
            yield Static("", id="problem")
            yield from self.buttons()

    def on_mount(self) -> None:
        self._show_fits()
        self.query_one("#text", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_fits()

    def _show_fits(self) -> None:
        routine = self.query_one("#kind", Select).value in TAKES_ROUTINE
        self.query_one("#fits-label").display = routine
        self.query_one("#fits").display = routine

    def fields(self) -> dict[str, Any]:
        kind = str(self.query_one("#kind", Select).value)
        text = self.query_one("#text", Input).value.strip()
        card_id = self.query_one("#card-id", Input).value.strip() or card_id_from(text, self.taken)
        fits = list(self.query_one("#fits", SelectionList).selected) if kind in TAKES_ROUTINE else []
        source = self.query_one("#source", Input).value.strip()
        return {"id": card_id, "kind": kind, "text": text, "source": source or None, "fits": fits}


class MetadataModal(FormModal):
    """The deck's title, trait, summary, language and version; kept only if the deck takes them."""

    DEFAULT_CSS = MODAL_CSS.format(cls="MetadataModal") + FORM_CSS.format(cls="MetadataModal")
    FIELDS = (
        ("title", "Title", "as the app shows it"),
        ("trait", "Trait", "what the deck is about, in words"),
        ("summary", "Summary", "for the facilitator: what the room will reflect on"),
        ("language", "Language", "a code: en, nl, sv, de, pt-BR…"),
        ("version", "Version", "your label; raise it when you change the deck"),
    )

    def __init__(self, values: dict[str, str], apply: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(apply)
        self.values = values

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("The deck's details (its id stays; copy the deck for a new one)"), classes="question")
            with VerticalScroll():
                for name, label, hint in self.FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label)
                        yield TextInput(self.values.get(name, ""), id=f"meta-{name}", compact=True, placeholder=hint)
            yield Static("", id="problem")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#meta-title", Input).focus()

    def fields(self) -> dict[str, Any]:
        return {name: self.query_one(f"#meta-{name}", Input).value.strip() for name, _, _ in self.FIELDS}


class DeckEditorScreen(Screen[None]):
    """One of the coach's decks: its cards in order, to change, add, remove and move."""

    CSS_PATH = "deck_editor.tcss"
    SUB_TITLE = "Edit deck"
    BINDINGS = [
        Binding("enter,e", "edit", "Edit card", id="edit-card", priority=True, tooltip="Change the highlighted card"),
        Binding("a", "add", "Add card", id="add-card", tooltip="A new card after the highlighted one"),
        Binding("x,delete", "delete", "Delete", id="delete-card", tooltip="Remove the highlighted card"),
        Binding("shift+up,ctrl+up", "move(-1)", "Move up", id="move-up", key_display="⇧↑", tooltip="Move the highlighted card up"),
        Binding("shift+down,ctrl+down", "move(1)", "Move down", id="move-down", key_display="⇧↓", tooltip="Move the highlighted card down"),
        Binding("m", "metadata", "Details", id="metadata", tooltip="The deck's title, trait, summary, language and version"),
        Binding("ctrl+s", "save", "Save", id="save", priority=True, tooltip="Write the deck to its file"),
        Binding("w", "preview", "Wall preview", id="preview", tooltip="The cards as the wall shows them"),
        Binding("r", "rehearse", "Rehearse", id="rehearse", tooltip="Run the deck as it is now in a practice session that is not saved"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    def __init__(self, draft: DeckDraft, workspace: Workspace) -> None:
        super().__init__()
        self.draft = draft
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="editor-title")
        yield DataTable(id="cards-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="card-detail")
        yield KeyLine()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#cards-table", DataTable)

    def on_mount(self) -> None:
        self.show()
        self.table.focus()

    def on_resize(self) -> None:
        self.show()

    @property
    def index(self) -> int:
        return min(max(self.table.cursor_row, 0), len(self.draft.cards) - 1)

    def show(self, at: int | None = None) -> None:
        """Everything from the draft, the highlight on `at` (else where it was)."""
        table = self.table
        row = self.index if at is None and table.row_count else at or 0
        table.clear(columns=True)
        fits = max((len(str(card_row(0, c)[3])) for c in self.draft.cards), default=4)
        fits = max(fits, 4)
        table.add_column("#", key="number", width=3)
        table.add_column("Kind", key="kind", width=11)
        table.add_column("Card", key="text", width=max(self.size.width - 3 - 11 - fits - 12, 20))
        table.add_column("Fits", key="fits", width=fits)
        for number, card in enumerate(self.draft.cards, start=1):
            table.add_row(*card_row(number, card), key=card.id)
        table.move_cursor(row=min(row, len(self.draft.cards) - 1))
        deck = self.draft.deck
        title = Text()
        title.append(deck.title, style="bold")
        title.append(f"  [{deck.id}, v{deck.version}, {deck.language}] · {len(deck.prompts)} cards · ")
        title.append(short_path(self.draft.path))
        if self.draft.changed:
            title.append("\n● Changed, not saved yet: Ctrl+S saves", style="bold")
        self.query_one("#editor-title", Static).update(title)
        self.show_card()
        self.refresh_bindings()

    def show_card(self) -> None:
        cards = self.draft.cards
        self.query_one("#card-detail", Static).update(card_details(cards[self.index]) if cards else Text(""))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.focused is self.table
        if action == "save":
            return True if self.draft.changed else None
        if action == "delete":
            return True if len(self.draft.cards) > 1 else None
        return True

    # --- keys ----------------------------------------------------------------------------------

    def _shown_if_kept(self, at: int | None) -> Callable[[bool | None], None]:
        def shown(kept: bool | None) -> None:
            if kept:
                self.show(at)

        return shown

    def _taken(self, but: str | None = None) -> set[str]:
        return {c.id for c in self.draft.cards if c.id != but}

    def action_edit(self) -> None:
        index = self.index
        card = self.draft.cards[index]

        def apply(fields: dict[str, Any]) -> None:
            self.draft.set_card(index, **fields)

        heading = f"Card {index + 1} of “{self.draft.deck.title}”"
        self.app.push_screen(CardModal(heading, card.model_dump(mode="json"), apply, self._taken(but=card.id)), self._shown_if_kept(index))

    def action_add(self) -> None:
        at = self.index
        added: list[int] = []

        def apply(fields: dict[str, Any]) -> None:
            added.append(self.draft.add_card(at, **fields))

        def kept(yes: bool | None) -> None:
            if yes and added:
                self.show(added[-1])

        kind = self.draft.cards[at].kind.value
        self.app.push_screen(CardModal(f"A new card after card {at + 1}", {"kind": kind}, apply, self._taken()), kept)

    def action_delete(self) -> None:
        from facilitator.screens.modals import ConfirmModal

        index = self.index
        card = self.draft.cards[index]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.draft.delete_card(index)
            except Refused as exc:
                self.notify(str(exc), severity="warning", timeout=6, markup=False)
                return
            self.show(max(index - 1, 0) if index >= len(self.draft.cards) else index)

        self.app.push_screen(ConfirmModal(f"Delete card {index + 1}, “{card.text}”? (Nothing is written until you save.)", yes="Delete", no="Keep"), answered)

    def action_move(self, by: int) -> None:
        try:
            to = self.draft.move_card(self.index, by)
        except Refused as exc:
            self.notify(str(exc), severity="warning", timeout=6, markup=False)
            return
        self.show(to)

    def action_metadata(self) -> None:
        deck = self.draft.deck
        values = {"title": deck.title, "trait": deck.trait, "summary": deck.summary, "language": deck.language, "version": deck.version}

        def apply(fields: dict[str, Any]) -> None:
            self.draft.set_meta(**fields)

        self.app.push_screen(MetadataModal(values, apply), self._shown_if_kept(None))

    def action_save(self, then: Callable[[], None] | None = None, *, over_changes: bool = False) -> None:
        """Write the deck; if its file changed outside the app meanwhile, ask which to keep."""
        try:
            path = self.draft.save(over_changes=over_changes)
        except ChangedOnDisk as exc:
            self._ask_about_disk(str(exc), then)
            return
        except Refused as exc:
            self.notify(f"Not saved: {exc}. Your changes are still here.", severity="error", timeout=10, markup=False)
            return
        self.workspace.forget_catalogs()
        self.notify(f"Saved {short_path(path)}; the next session uses it.", timeout=5, markup=False)
        self.show()
        if then is not None:
            then()

    def _ask_about_disk(self, why: str, then: Callable[[], None] | None) -> None:
        def answered(choice: str | None) -> None:
            if choice == WRITE_OVER:
                self.action_save(then, over_changes=True)
            elif choice == TAKE_FILE:
                try:
                    self.draft.reload()
                except Refused as exc:
                    self.notify(f"The file cannot be read as a deck now: {exc}", severity="error", timeout=10, markup=False)
                    return
                self.workspace.forget_catalogs()
                self.show(0)

        self.app.push_screen(PickModal(f"Not saved yet: {why}.", [WRITE_OVER, TAKE_FILE, CANCEL_SAVE]), answered)

    def action_preview(self) -> None:
        self.app.push_screen(WallPreviewScreen(self.draft.deck, start=self.index))

    def action_rehearse(self) -> None:
        rehearse_deck(self.app, self.workspace, self.draft.deck)

    def _leave_now(self) -> None:
        self.dismiss()

    def action_leave(self) -> None:
        if not self.draft.changed:
            self.dismiss()
            return

        def answered(choice: str | None) -> None:
            if choice == SAVE_AND_LEAVE:
                self.action_save(then=self._leave_now)
            elif choice == LEAVE:
                self.draft.revert()
                self.dismiss()

        self.app.push_screen(PickModal("The deck has changes that are not saved.", [SAVE_AND_LEAVE, LEAVE, STAY]), answered)

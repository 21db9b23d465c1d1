"""The deck manager and editor, driven by keys as a coach would: copy a built-in deck, change it,
save it, and find it used in the next session; refusals that write nothing; the wall preview and
a practice run that is marked and never saved."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList

from facilitator.catalog import load_file, user_dir
from facilitator.models import CardKind, Deck
from facilitator.screens.deck_editor import CardModal, DeckEditorScreen, MetadataModal
from facilitator.screens.decks import NEW_TRAIT, DecksScreen, WallPreviewScreen
from facilitator.screens.home import HomeScreen
from facilitator.screens.modals import ConfirmModal, PickModal, TextModal
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import PickList, SetupScreen
from facilitator.screens.summary import SummaryScreen
from facilitator.widgets.save_banner import PRACTICE_LINE
from tests.fakes import FakeClock
from tests.helpers import new_app, notices, settled, shown, store_bytes, type_fast

COMMENT = "# Our client's own wording, agreed with Anna on the 12th"


async def open_decks(pilot: Pilot) -> DecksScreen:
    await settled(pilot)
    await pilot.press("d")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DecksScreen)
    return screen


async def highlight(pilot: Pilot, deck_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DecksScreen)
    screen.table.move_cursor(row=screen.table.get_row_index(deck_id))
    await pilot.pause()


async def copy_frontline(pilot: Pilot) -> DeckEditorScreen:
    """Home → decks → Enter on the built-in frontline deck → yes: the copy opens in the editor."""
    await open_decks(pilot)
    await highlight(pilot, "frontline")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmModal)
    await pilot.press("y")
    await pilot.pause()
    editor = pilot.app.screen
    assert isinstance(editor, DeckEditorScreen)
    return editor


async def fill_card(pilot: Pilot, text: str, kind: str | None = None, source: str | None = None) -> CardModal:
    modal = pilot.app.screen
    assert isinstance(modal, CardModal)
    if kind is not None:
        modal.query_one("#kind", Select).value = kind
    field = modal.query_one("#text", Input)
    field.value = ""
    field.focus()
    await type_fast(pilot, text)
    if source is not None:
        modal.query_one("#source", Input).value = source
    await pilot.press("ctrl+s")
    await pilot.pause()
    return modal


@pytest.fixture
def app(tmp_path: Path):
    return new_app(tmp_path / "store.json", FakeClock())


async def test_a_coach_copies_a_built_in_deck_edits_adds_reorders_saves_and_the_next_session_uses_it(app, tmp_path: Path) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        copy = user_dir("decks") / "frontline.toml"
        assert copy.is_file() and copy.read_bytes().startswith(b"#:schema file://")
        # the coach writes a comment into the file with their own editor, then opens it here again
        lines = copy.read_text(encoding="utf-8").splitlines()
        first_card = lines.index("[[prompts]]")
        lines.insert(first_card, COMMENT)
        copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DecksScreen)
        assert "yours, replaces built-in" in shown(app)
        await pilot.press("enter")  # their own deck now: straight into the editor
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, DeckEditorScreen)

        # edit the first card
        await pilot.press("e")
        await pilot.pause()
        await fill_card(pilot, "Which customer story did the front line tell us this week?", source="Workshop with ACME, May")
        assert isinstance(pilot.app.screen, DeckEditorScreen)
        # add a routine card for meetings only after it
        await pilot.press("a")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, CardModal)
        modal.query_one("#kind", Select).value = CardKind.ROUTINE.value
        await pilot.pause()
        modal.query_one("#fits", SelectionList).select("meetings")
        await fill_card(pilot, "Who brings a frontline story to {routine}?")
        assert isinstance(pilot.app.screen, DeckEditorScreen)
        # move the new card (now second) down one place
        assert editor.table.cursor_row == 1
        await pilot.press("shift+down")
        await pilot.pause()
        assert "Changed, not saved yet" in shown(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "the next session uses it" in notices(app)

        saved = load_file(Deck, copy)
        assert isinstance(saved, Deck), saved
        assert [c.id for c in saved.prompts[:3]] == ["fl-q1", "fl-q2", "who-brings-a-frontline"]
        assert saved.prompts[0].text == "Which customer story did the front line tell us this week?"
        assert saved.prompts[0].source == "Workshop with ACME, May"
        assert saved.prompts[2].kind is CardKind.ROUTINE and [f.value for f in saved.prompts[2].fits] == ["meetings"]
        text = copy.read_text(encoding="utf-8")
        assert text.startswith("#:schema ") and COMMENT in text
        assert text.index(COMMENT) < text.index('id = "fl-q1"')  # still above the card it was written for

        # the next session draws from the saved copy, not the built-in deck
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        setup = pilot.app.screen
        assert isinstance(setup, SetupScreen)
        decks = setup.query_one("#decks", PickList)
        decks.deselect_all()
        decks.select("frontline")
        await pilot.press("ctrl+s")
        await settled(pilot)
        live = app.live
        assert live is not None
        assert live.drawer.decks["frontline"].prompts == saved.prompts
        assert app.workspace.decks.origins["frontline"] == copy


async def test_an_invalid_edit_is_refused_in_the_dialog_and_nothing_is_written(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        copy = editor.draft.path
        before = copy.read_bytes()
        deck_before = editor.draft.deck

        await pilot.press("e")
        await pilot.pause()
        modal = await fill_card(pilot, "A question with a {routine} slot?")  # only routine cards may have one
        assert pilot.app.screen is modal  # the dialog stays open, with the reason under the fields
        problem = str(modal.query_one("#problem").render())
        assert "Not kept: card fl-q1: only routine and reversal cards may use {routine}" in problem
        modal.query_one("#card-id", Input).value = "fl-q2"  # an id another card has
        await fill_card(pilot, "A fine question?")
        assert "this card id is used twice in the deck" in str(modal.query_one("#problem").render())
        await pilot.press("escape")
        await pilot.pause()

        assert pilot.app.screen is editor
        assert editor.draft.deck == deck_before and not editor.draft.changed
        assert "Changed, not saved yet" not in shown(app)
        await pilot.press("ctrl+s")  # nothing to save
        await pilot.pause()
        assert copy.read_bytes() == before


async def test_deck_details_refuse_an_empty_title_and_keep_a_new_language(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        await pilot.press("m")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, MetadataModal)
        modal.query_one("#meta-title", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is modal and "title" in str(modal.query_one("#problem").render())
        modal.query_one("#meta-title", Input).value = "Leren van de frontlinie"
        modal.query_one("#meta-language", Input).value = "nl"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        await pilot.press("ctrl+s")
        await pilot.pause()
        data = tomllib.loads(editor.draft.path.read_text(encoding="utf-8"))
        assert (data["title"], data["language"]) == ("Leren van de frontlinie", "nl")


async def test_leaving_with_changes_asks_and_leaving_without_saving_writes_nothing(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        before = editor.draft.path.read_bytes()
        await pilot.press("shift+down")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PickModal)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert pilot.app.screen is editor and editor.draft.changed
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.screen.dismiss("Leave without saving")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DecksScreen)
        assert editor.draft.path.read_bytes() == before


async def test_delete_removes_the_card_only_after_a_yes(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        count = len(editor.draft.cards)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert len(editor.draft.cards) == count
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [c.id for c in editor.draft.cards][:1] == ["fl-q2"] and len(editor.draft.cards) == count - 1


async def test_copy_with_a_new_id_makes_a_deck_of_its_own_beside_the_built_in_one(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        await highlight(pilot, "metrics")
        await pilot.press("c")
        await pilot.pause()
        field = pilot.app.screen.query_one("#answer", Input)
        field.value = "metrics-retail"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DeckEditorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert {"metrics", "metrics-retail"} <= set(app.workspace.decks.items)
        assert "[metrics-retail]" in shown(app) and "[metrics]" in shown(app)  # one title, told apart by id
        assert app.workspace.decks.origins["metrics-retail"] == user_dir("decks") / "metrics-retail.toml"


async def test_a_new_deck_is_written_valid_with_one_card_of_each_kind(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        await pilot.press("n")
        await pilot.pause()
        pilot.app.screen.query_one("#answer", Input).value = "Not An Id"
        await pilot.press("enter")
        await pilot.pause()
        assert "small letters" in shown(app)
        pilot.app.screen.query_one("#answer", Input).value = "acme-voice"
        await pilot.press("enter")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, PickModal)
        picker.dismiss("Learn from the frontline")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, DeckEditorScreen)
        deck = load_file(Deck, user_dir("decks") / "acme-voice.toml")
        assert isinstance(deck, Deck) and deck.trait == "Learn from the frontline"
        assert sorted(c.kind for c in deck.prompts) == sorted(CardKind)


async def test_the_wall_preview_fills_a_routine_card_with_a_routine_it_fits(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        routine_at = next(i for i, c in enumerate(editor.draft.cards) if c.kind is CardKind.ROUTINE)
        editor.draft.set_card(routine_at, fits=["one-to-ones"])
        editor.show(routine_at)
        await pilot.press("w")
        await pilot.pause()
        preview = pilot.app.screen
        assert isinstance(preview, WallPreviewScreen)
        seen = set()
        for _ in range(3):
            seen.add(preview.routine())
            await pilot.press("r")
            await pilot.pause()
        assert seen == {"one-to-ones", "performance reviews"}  # the default routines it suits
        assert "ROUTINE" in shown(app) and "fits: one-to-ones" in shown(app).casefold()
        await pilot.press("right")
        await pilot.pause()
        assert preview.index == routine_at + 1


async def test_a_practice_run_is_marked_on_every_screen_and_saves_nothing(app, tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        before = store_bytes(store_path, locks=False)
        await highlight(pilot, "frontline")
        await pilot.press("r")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, PickModal)
        picker.dismiss(next(c for c in picker.choices if c.startswith("Quick reflection")))
        await settled(pilot)
        assert app.live is not None and app.live.practice
        assert PRACTICE_LINE in shown(app)
        await pilot.press("ctrl+n")  # warm-up to the first diverge round
        await settled(pilot)
        assert isinstance(pilot.app.screen, RoundScreen) and PRACTICE_LINE in shown(app)
        await type_fast(pilot, "Shadow the help desk for an hour", "enter")
        assert app.live.session.ideas

        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot)
        assert app.live is None
        assert isinstance(pilot.app.screen, DecksScreen)
        assert "nothing of it was kept" in notices(app)
        assert store_bytes(store_path, locks=False) == before
        assert app._practice is None


async def test_a_practice_run_that_reaches_its_close_says_nothing_was_saved(app, tmp_path: Path) -> None:
    store_path = tmp_path / "store.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        before = store_bytes(store_path, locks=False)
        plan = app.workspace.plans.get("quick-reflection")
        app.rehearse(plan, [app.workspace.decks.get("vision")])
        await settled(pilot)
        for _ in range(len(plan.phases) * 6):
            if isinstance(pilot.app.screen, SummaryScreen):
                break
            await pilot.press("ctrl+n")
            await settled(pilot)
            if isinstance(pilot.app.screen, TextModal):  # how many people vote
                await type_fast(pilot, "3", "enter")
                await settled(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        assert "Practice run over: nothing of it was saved" in shown(app)
        assert app.live is None
        assert store_bytes(store_path, locks=False) == before
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DecksScreen)


async def test_rehearse_a_plan_from_the_palette_runs_it_with_its_own_decks(app, tmp_path: Path) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Decks", "Rehearse a plan"} <= commands
        before = store_bytes(tmp_path / "store.json", locks=False)
        app._palette_rehearse()
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, PickModal)
        picker.dismiss(next(c for c in picker.choices if c.startswith("Snelle reflectie")))
        await settled(pilot)
        assert app.live is not None and app.live.practice
        assert list(app.live.drawer.decks) == ["klant-op-de-agenda-nl"]
        assert app.live.session.plan == "snelle-reflectie-nl" and PRACTICE_LINE in shown(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen) and app.live is None
        assert store_bytes(tmp_path / "store.json", locks=False) == before


async def test_quitting_with_a_deck_not_saved_asks_first(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        before = editor.draft.path.read_bytes()
        await pilot.press("shift+down")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmModal) and "not saved" in shown(app)
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen is editor and app.is_running
        assert editor.draft.path.read_bytes() == before


async def test_saving_over_a_file_changed_elsewhere_asks_which_to_keep(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        path = editor.draft.path
        outside = path.read_text(encoding="utf-8") + "# written in another editor\n"
        path.write_text(outside, encoding="utf-8")
        await pilot.press("shift+down")
        await pilot.press("ctrl+s")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, PickModal) and "changed outside the app" in shown(app)
        question.dismiss(next(c for c in question.choices if c.startswith("Cancel")))
        await pilot.pause()
        assert path.read_text(encoding="utf-8") == outside and editor.draft.changed
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.screen.dismiss(next(c for c in pilot.app.screen.choices if c.startswith("Take the file")))
        await pilot.pause()
        assert not editor.draft.changed and editor.draft.text.endswith("# written in another editor\n")
        await pilot.press("shift+down", "ctrl+s")
        await pilot.pause()
        saved = path.read_text(encoding="utf-8")
        assert "# written in another editor" in saved and not editor.draft.changed  # kept, and no question now


async def test_a_copy_may_not_take_another_deck_s_id(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        await highlight(pilot, "frontline")
        await pilot.press("c")
        await pilot.pause()
        pilot.app.screen.query_one("#answer", Input).value = "vision"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TextModal) and "There is a deck vision already" in shown(app)
        assert not (user_dir("decks") / "vision.toml").exists()


async def test_the_home_screen_s_deck_list_shows_a_new_deck(tmp_path: Path) -> None:
    app = new_app(tmp_path / "store.json", FakeClock())
    async with app.run_test(size=(200, 50)) as pilot:
        await open_decks(pilot)
        await pilot.press("n")
        await pilot.pause()
        pilot.app.screen.query_one("#answer", Input).value = "acme-voice"
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.dismiss(NEW_TRAIT)
        await pilot.pause()
        await type_fast(pilot, "Hearing the ACME customer", "enter")
        assert isinstance(pilot.app.screen, DeckEditorScreen)
        await pilot.press("escape", "escape")
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert "Hearing the ACME customer" in shown(app)


async def test_a_practice_run_given_up_while_it_gets_ready_leaves_nothing(app, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from facilitator.engine import live as live_module

    ready = threading.Event()
    real_start = live_module.LiveSession.start

    def slow_start(*args, **kwargs):
        ready.wait(timeout=10)
        return real_start(*args, **kwargs)

    monkeypatch.setattr(live_module.LiveSession, "start", staticmethod(slow_start))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_decks(pilot)
        app.rehearse(app.workspace.plans.get("quick-reflection"), [app.workspace.decks.get("vision")])
        folder = Path(app._practice[0].name)
        await pilot.press("escape")  # back home while the run is being set up
        await pilot.pause()
        ready.set()
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen) and app.live is None
        assert "did not start" in notices(app)
        assert not folder.exists() and app._practice is None


async def test_decks_cannot_open_during_a_practice_run(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        app.rehearse(app.workspace.plans.get("quick-reflection"), [app.workspace.decks.get("vision")])
        await settled(pilot)
        app.action_decks()
        await pilot.pause()
        assert not isinstance(pilot.app.screen, DecksScreen) and "Finish or quit the running session" in notices(app)


def test_the_wall_names_the_moment_of_a_journey_card_and_the_new_kinds() -> None:
    from facilitator.models import PromptKind
    from facilitator.widgets.prompt_card import card_face

    face = card_face(PromptKind.JOURNEY, "What does a customer feel at first invoice?", None, "first invoice")

    assert face.plain == "CUSTOMER JOURNEY  ·  first invoice\n\nWhat does a customer feel at first invoice?"
    assert card_face(PromptKind.TRY_IT, "Shadow the help desk.").plain.startswith("TRY IT THIS WEEK\n")
    assert card_face(PromptKind.REVERSAL, "x", "one-to-ones").plain.startswith("TURN IT ROUND  ·  one-to-ones")
    assert card_face(PromptKind.JOB, "x").plain.startswith("THE CUSTOMER'S JOB")


async def test_a_reversal_card_with_a_routine_may_say_which_routines_it_fits(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await copy_frontline(pilot)
        await pilot.press("a")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, CardModal)
        modal.query_one("#kind", Select).value = CardKind.REVERSAL.value
        await pilot.pause()
        assert modal.query_one("#fits").display
        modal.query_one("#fits", SelectionList).select("one-to-ones")
        await fill_card(pilot, "How would we make sure no customer comes up in {routine}?")
        assert pilot.app.screen is editor
        added = next(c for c in editor.draft.cards if c.kind is CardKind.REVERSAL and "no customer comes up" in c.text)
        assert [f.value for f in added.fits] == ["one-to-ones"] and added.needs_routine

"""Set-up with decks in several languages: a choice of language above the deck list, the plan's
language shown first, and a session that starts with the decks the list shows and nothing else.

The tests add a Dutch and a Swedish deck, and a Dutch plan, in folders of their own; the built-in
catalog may hold decks in more than English as well, so counts are taken from the catalog.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from facilitator import catalog
from facilitator.screens.setup import PickList, SetupScreen
from facilitator.widgets.language_choice import ALL_LANGUAGES, LanguageChoice, language_name, shared_language
from tests.helpers import screen_text, settled, steady
from tests.test_setup import new_app, open_setup, shown_in

DUTCH_DECK = """
id = "luisteren-nl"
title = "Luisteren naar de klant"
trait = "t"
summary = "s"
language = "nl"
[[prompts]]
id = "q1"
kind = "question"
text = "Wat zei een klant deze week?"
[[prompts]]
id = "q2"
kind = "question"
text = "Wie sprak als laatste een klant?"
"""

SWEDISH_TITLE = "Lyssna [bold]på[/bold] kunden"
SWEDISH_DECK = f"""
id = "lyssna-sv"
title = "{SWEDISH_TITLE}"
trait = "t"
summary = "s"
language = "sv"
[[prompts]]
id = "q1"
kind = "question"
text = "Vad sa en kund den här veckan?"
"""

DUTCH_PLAN = """
id = "luisteren"
title = "Luisteren"
minutes = 10
decks = ["luisteren-nl"]
[[phases]]
kind = "warm-up"
minutes = 4
[[phases]]
kind = "diverge"
minutes = 4
[[phases]]
kind = "vote"
minutes = 2
"""

MIXED_PLAN = DUTCH_PLAN.replace('id = "luisteren"', 'id = "mixed"').replace('["luisteren-nl"]', '["luisteren-nl", "top-of-mind"]')
OPEN_PLAN = DUTCH_PLAN.replace('id = "luisteren"', 'id = "open"').replace('decks = ["luisteren-nl"]', "")


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, list[Path]]:
    """A decks folder with a Dutch and a Swedish deck; a plans folder with a Dutch plan, one
    with a Dutch and an English deck, and one that names no deck."""
    decks, plans = tmp_path / "decks", tmp_path / "plans"
    decks.mkdir()
    plans.mkdir()
    (decks / "luisteren-nl.toml").write_text(DUTCH_DECK, encoding="utf-8")
    (decks / "lyssna-sv.toml").write_text(SWEDISH_DECK, encoding="utf-8")
    (plans / "luisteren.toml").write_text(DUTCH_PLAN, encoding="utf-8")
    (plans / "mixed.toml").write_text(MIXED_PLAN, encoding="utf-8")
    (plans / "open.toml").write_text(OPEN_PLAN, encoding="utf-8")
    return {"deck_dirs": [decks], "plan_dirs": [plans]}


@pytest.fixture
def english_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in decks in English only, whatever else the shipped catalog holds by now."""
    prompts = tmp_path / "builtin-prompts"
    prompts.mkdir()
    shipped = catalog.builtin_dir("prompts")
    for path in shipped.glob("*.toml"):
        if tomllib.loads(path.read_text(encoding="utf-8")).get("language", "en") == "en":
            (prompts / path.name).write_bytes(path.read_bytes())
    builtin = catalog.builtin_dir
    monkeypatch.setattr(catalog, "builtin_dir", lambda name: prompts if name == "prompts" else builtin(name))


def choice_of(screen: SetupScreen) -> LanguageChoice:
    return screen.query_one("#deck-language", LanguageChoice)


def listed(screen: SetupScreen) -> list[str]:
    listing = screen.query_one("#decks", PickList)
    return [listing.get_option_at_index(i).value for i in range(listing.option_count)]


def languages_of(app, deck_ids: list[str]) -> set[str]:
    return {app.workspace.decks.get(d).language for d in deck_ids}


async def choose_language(pilot: Pilot, screen: SetupScreen, language: str) -> None:
    """Open the language choice by keys and move to `language` (or all), as a facilitator does."""
    choice = choice_of(screen)
    values = [ALL_LANGUAGES, *choice.languages]
    steps = values.index(language) - values.index(choice.language)
    choice.focus()
    await pilot.press("enter")
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()
    assert choice.language == language


async def pick_deck(pilot: Pilot, screen: SetupScreen, deck_id: str) -> None:
    """Space on a deck in the list."""
    listing = screen.query_one("#decks", PickList)
    listing.focus()
    listing.highlighted = listed(screen).index(deck_id)
    await pilot.press("space")
    await pilot.pause()


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "English"),
        ("nl", "Nederlands"),
        ("sv", "Svenska"),
        ("nb", "Norsk"),
        ("no", "Norsk"),
        ("fr", "Français"),
        ("pt-BR", "Português (pt-BR)"),
        ("tlh", "tlh"),
        ("zz-Latn", "zz-Latn"),
    ],
)
def test_a_language_code_reads_as_its_name_or_as_itself(code: str, name: str) -> None:
    assert language_name(code) == name


@pytest.mark.parametrize(
    ("languages", "shared"),
    [([], None), (["nl"], "nl"), (["nl", "nl"], "nl"), (["nl", "en"], ALL_LANGUAGES)],
)
def test_the_language_decks_share(languages: list[str], shared: str | None) -> None:
    assert shared_language(languages) == shared


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
async def test_the_choice_counts_each_language_and_shows_english_for_an_english_plan(
    store_path: Path, folders: dict[str, list[Path]], size: tuple[int, int]
) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=size) as pilot:
        screen = await open_setup(pilot)
        choice = choice_of(screen)
        counts = Counter(d.language for d in app.workspace.decks)
        assert choice.display and choice.language == "en"
        prompts = [str(prompt) for prompt, _ in choice._options]
        assert prompts[0] == f"All languages · {sum(counts.values())} decks"
        assert f"English · {counts['en']} decks" in prompts
        assert "Svenska · 1 deck" in prompts
        assert f"Nederlands · {counts['nl']} deck" in " ".join(prompts)
        assert set(listed(screen)) == {d.id for d in app.workspace.decks if d.language == "en"}
        assert screen.query_one("#decks", PickList).picked == ["top-of-mind"]
        choice.scroll_visible(animate=False)
        await pilot.pause()
        assert f"English · {counts['en']} decks" in shown_in(app, "#deck-language")
        assert " · en" not in shown_in(app, "#decks")  # one language shown: no codes


async def test_choosing_a_language_by_keys_filters_the_list_and_keeps_the_picks(store_path: Path, folders: dict[str, list[Path]]) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        listing = screen.query_one("#decks", PickList)
        await choose_language(pilot, screen, "sv")
        assert listed(screen) == ["lyssna-sv"] and listing.picked == []
        await pick_deck(pilot, screen, "lyssna-sv")
        listing.scroll_visible(animate=False)
        await pilot.pause()
        assert f"✓ {SWEDISH_TITLE}" in shown_in(app, "#decks")  # the title as data, not markup
        await choose_language(pilot, screen, ALL_LANGUAGES)
        assert set(listed(screen)) == {d.id for d in app.workspace.decks}
        assert listing.picked == sorted(["top-of-mind", "lyssna-sv"], key=listed(screen).index)
        listing.highlighted = listed(screen).index("lyssna-sv")
        await pilot.pause()
        assert f"✓ {SWEDISH_TITLE} · sv" in shown_in(app, "#decks")
        await choose_language(pilot, screen, "en")
        assert listing.picked == ["top-of-mind"]
        assert languages_of(app, listed(screen)) == {"en"}


async def test_choosing_a_plan_shows_the_language_of_its_decks(store_path: Path, folders: dict[str, list[Path]]) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        choice = choice_of(screen)
        screen.query_one("#plan", Select).value = "luisteren"
        await pilot.pause()
        assert choice.language == "nl"
        assert languages_of(app, listed(screen)) == {"nl"}
        assert screen.query_one("#decks", PickList).picked == ["luisteren-nl"]
        screen.query_one("#plan", Select).value = "quick-reflection"
        await pilot.pause()
        assert choice.language == "en"
        assert screen.query_one("#decks", PickList).picked == ["top-of-mind"]


async def test_a_plan_with_decks_in_two_languages_shows_all_and_one_without_decks_keeps_the_language(store_path: Path, folders: dict[str, list[Path]]) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        listing = screen.query_one("#decks", PickList)
        screen.query_one("#plan", Select).value = "mixed"
        await pilot.pause()
        assert choice_of(screen).language == ALL_LANGUAGES  # what the plan picks is in view
        assert listing.picked == ["luisteren-nl", "top-of-mind"]
        await choose_language(pilot, screen, "sv")
        screen.query_one("#plan", Select).value = "open"
        await pilot.pause()
        assert choice_of(screen).language == "sv"
        assert listing.picked == ["lyssna-sv"]  # the first deck shown, as ever for a plan without decks


async def test_a_session_starts_with_the_picked_decks_the_list_shows_only(store_path: Path, folders: dict[str, list[Path]]) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        screen.query_one("#plan", Select).value = "luisteren"
        await pilot.pause()
        await choose_language(pilot, screen, ALL_LANGUAGES)
        await pick_deck(pilot, screen, "top-of-mind")
        assert set(screen.query_one("#decks", PickList).picked) == {"luisteren-nl", "top-of-mind"}
        await choose_language(pilot, screen, "nl")  # the English deck is hidden: it is not used
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is not None
        assert app.live.session.decks == ["luisteren-nl"]
        assert app.live.session.plan == "luisteren"


async def test_a_language_with_nothing_picked_says_so_and_starts_nothing(store_path: Path, folders: dict[str, list[Path]]) -> None:
    app = new_app(store_path, **folders)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot)
        await choose_language(pilot, screen, "sv")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and app.live is None
        assert "Pick at least one deck" in shown_in(app, "#setup-error")
        assert "Decks picked in other languages are hidden, and not used." in shown_in(app, "#setup-error")


async def test_with_decks_in_one_language_there_is_no_choice(store_path: Path, english_only: None) -> None:
    app = new_app(store_path)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_setup(pilot)
        assert {d.language for d in app.workspace.decks} == {"en"}
        choice = choice_of(screen)
        assert not choice.display
        assert choice.language == ALL_LANGUAGES
        assert listed(screen) and screen.query_one("#decks", PickList).picked == ["top-of-mind"]
        shown = screen_text(app)
        assert "Decks (Space picks)" in shown
        assert "All languages" not in shown and "English" not in shown
        assert " · en" not in shown_in(app, "#decks")
        screen.query_one("#evidence").focus()
        await pilot.press("tab")
        assert app.focused is screen.query_one("#decks", PickList)  # Tab does not stop at a hidden choice


async def all_languages(pilot: Pilot) -> None:
    """Set-up with every language's decks shown, the choice focused (in view at 80x24); a title
    typed, as the one shown otherwise holds today's date."""
    await settled(pilot)
    screen = await open_setup(pilot)
    screen.query_one("#title", Input).value = "Customer reflection, March"
    await choose_language(pilot, screen, ALL_LANGUAGES)
    screen.query_one("#decks", PickList).scroll_visible(animate=False)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
def test_snapshot_all_languages(snap_compare, store_path: Path, folders: dict[str, list[Path]], size: tuple[int, int]) -> None:
    app = new_app(store_path, **folders)
    assert snap_compare(app, terminal_size=size, run_before=steady(all_languages))

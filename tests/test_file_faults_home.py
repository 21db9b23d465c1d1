"""The home screen names each broken deck file once, with how many more problems it has."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import new_app, settled, shown


async def test_a_deck_file_with_many_problems_is_one_line_on_the_home_screen(store_path: Path, clock, isolated_home: Path) -> None:
    folder = isolated_home / "config" / "facilitator" / "decks"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('id = "Bad Id"\n[[prompts]]\nid = "q1"\nkind = "qestion"\ntext = ""\n', encoding="utf-8")
    app = new_app(store_path, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)  # the decks are loaded once the home screen has first shown
        screen = " ".join(shown(app).split())
    assert screen.count("broken.toml") == 2  # the first problem's line, and where to see the rest
    assert "more: facilitator decks validate" in screen

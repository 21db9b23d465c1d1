"""The team's routines: parsing a routines file and falling back to the built-in list."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from facilitator.routines import (
    DEFAULT_ROUTINES,
    default_routines,
    kinds_of,
    parse_routines,
    user_routines_file,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("daily stand-up\nweekly review\n", ["daily stand-up", "weekly review"], id="one-a-line"),
        pytest.param("  daily stand-up  \n\n\t\nweekly review", ["daily stand-up", "weekly review"], id="blanks"),
        pytest.param("# our rituals\ndaily stand-up\n  # not this one\n", ["daily stand-up"], id="comment-lines"),
        pytest.param("daily stand-up   # every morning\n", ["daily stand-up"], id="trailing-comment"),
        pytest.param("Daily stand-up\ndaily stand-up\nDAILY STAND-UP\n", ["Daily stand-up"], id="repeats-any-case"),
        pytest.param("retro\nall-hands\nbudget review\nretro\n", ["retro", "all-hands", "budget review"], id="order-kept"),
        pytest.param("daily stand-up\r\nweekly review\r\n", ["daily stand-up", "weekly review"], id="crlf"),
        pytest.param("[bold]review[/bold]\n{routine} sync\n", ["[bold]review[/bold]", "{routine} sync"], id="text-as-is"),
        pytest.param("", [], id="empty"),
        pytest.param("# nothing yet\n\n", [], id="only-comments"),
    ],
)
def test_parse_routines(text: str, expected: list[str]) -> None:
    assert parse_routines(text) == expected


def test_user_routines_file_is_in_the_config_folder(isolated_home: Path) -> None:
    assert user_routines_file() == Path(platformdirs.user_config_dir("facilitator")) / "routines.txt"
    assert user_routines_file() == isolated_home / "config" / "facilitator" / "routines.txt"


def test_without_a_user_file_the_builtin_list_serves() -> None:
    assert not user_routines_file().exists()

    assert default_routines() == list(DEFAULT_ROUTINES)


def test_user_file_replaces_the_builtin_list() -> None:
    user_routines_file().parent.mkdir(parents=True)
    user_routines_file().write_text("# ours\nretro\nsupport rota\n", encoding="utf-8")

    assert default_routines() == ["retro", "support rota"]


def test_a_given_file_wins_over_the_user_file(tmp_path: Path) -> None:
    user_routines_file().parent.mkdir(parents=True)
    user_routines_file().write_text("retro\n", encoding="utf-8")
    given = tmp_path / "team.txt"
    given.write_text("board meeting\n", encoding="utf-8")

    assert default_routines(given) == ["board meeting"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\n   \n", id="blank-lines"),
        pytest.param(b"# to fill in later\n", id="only-comments"),
        pytest.param(b"retro\n\xff\xfe stand-up\n", id="not-utf-8"),
    ],
)
def test_empty_or_unreadable_file_falls_back_to_the_builtin_list(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "routines.txt"
    path.write_bytes(content)

    assert default_routines(path) == list(DEFAULT_ROUTINES)


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_missing_or_folder_path_falls_back_to_the_builtin_list(tmp_path: Path, make: str) -> None:
    path = tmp_path / "routines.txt"
    if make == "folder":
        path.mkdir()

    assert default_routines(path) == list(DEFAULT_ROUTINES)


def test_changing_the_returned_list_does_not_change_the_next_one() -> None:
    first = default_routines()
    first.clear()

    assert default_routines() == list(DEFAULT_ROUTINES)


def test_builtin_list_has_no_repeats_or_blanks() -> None:
    assert parse_routines("\n".join(DEFAULT_ROUTINES)) == list(DEFAULT_ROUTINES)


@pytest.mark.parametrize(
    ("routine", "kinds"),
    [
        ("weekly team meeting", {"meetings"}),
        ("daily stand-up", {"ceremonies", "meetings"}),
        ("Retrospective", {"ceremonies", "meetings"}),
        ("one-to-ones", {"one-to-ones", "people"}),
        ("1:1 with my manager", {"one-to-ones", "people"}),
        ("performance reviews", {"one-to-ones", "people"}),
        ("hiring interviews", {"people"}),
        ("onboarding of new staff", {"people"}),
        ("the leader’s own calendar week", {"own-week"}),
        ("board meeting", {"meetings"}),
        ("product demos", {"ceremonies", "meetings"}),
        ("werkoverleg", {"meetings"}),
        ("één-op-één met je manager", {"one-to-ones", "people"}),
        ("functioneringsgesprekken", {"one-to-ones", "people"}),
        ("sollicitatiegesprekken", {"people"}),
        ("mijn eigen agenda", {"own-week"}),
        ("gardening", set()),
    ],
)
def test_a_routine_s_kind_is_read_from_its_words(routine: str, kinds: set[str]) -> None:
    assert kinds_of(routine) == kinds


def test_every_default_routine_is_of_some_kind() -> None:
    assert all(kinds_of(routine) for routine in DEFAULT_ROUTINES)


@pytest.mark.parametrize("routine", ["weekly demographics sync", "the Friday walk-round"])
def test_a_word_inside_another_word_does_not_give_a_routine_a_kind(routine: str) -> None:
    assert kinds_of(routine) == set()

"""File names from titles: whatever the title, the name stays in its folder and every system takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.filenames import MAX_BYTES, free_path, safe_stem

WINDOWS_REFUSES = set('<>:"/\\|?*')


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Support retro, March", "Support-retro,-March"),
        ("../../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("a:b", "a-b"),
        ("", "untitled"),
        ("   ...   ", "untitled"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        (".hidden", "hidden"),
        ("Kundenreise 🚀 Q3", "Kundenreise-🚀-Q3"),
        ("a\x1b]0;PWNED\x07b", "ab"),
        ("tab\tand\nnewline", "tab-and-newline"),
    ],
)
def test_a_title_becomes_a_safe_stem(title: str, stem: str) -> None:
    assert safe_stem(title) == stem


def test_a_long_title_is_cut_to_a_length_every_system_takes() -> None:
    stem = safe_stem("Ä" * 300)
    assert len(stem.encode("utf-8")) <= MAX_BYTES and stem == "Ä" * (MAX_BYTES // 2)


def test_a_taken_name_gets_a_number(tmp_path: Path) -> None:
    first = free_path(tmp_path, "Retro", ".md")
    first.write_text("one", encoding="utf-8")
    assert first.name == "Retro.md"
    assert free_path(tmp_path, "Retro", ".md").name == "Retro-2.md"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_no_title_can_leave_the_folder_or_make_a_name_a_system_refuses(tmp_path_factory, title: str) -> None:
    stem = safe_stem(title)
    assert stem and stem not in {".", ".."} and not stem.startswith(".")
    assert not (set(stem) & WINDOWS_REFUSES) and all(ord(c) >= 32 for c in stem)
    assert not stem.endswith((" ", ".")) and len(stem.encode("utf-8")) <= MAX_BYTES
    folder = tmp_path_factory.mktemp("exports")
    path = free_path(folder, title, ".md")
    assert path.parent == folder and path.resolve().parent == folder.resolve()
    path.write_text("x", encoding="utf-8")  # the system takes it

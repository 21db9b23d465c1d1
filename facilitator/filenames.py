"""File names made from titles a person typed: for exports a team saves, mails and opens anywhere.

A title is data: `../../x`, `/etc/passwd`, `a:b`, `CON`, an empty title, 300 characters or an
emoji must each give a name that stays in the chosen folder and that Linux, macOS and Windows all
accept. Plain Python.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from facilitator.text import clean

MAX_BYTES = 120
"""Well under the 255 bytes most file systems allow, leaving room for a suffix and a counter."""

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RUNS = re.compile(r"[\s-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


def safe_stem(title: str, fallback: str = "untitled") -> str:
    """`title` as the stem of a file name: no separator, nothing Windows refuses, not hidden,
    not `.` or `..`, at most `MAX_BYTES` of UTF-8; `fallback` if nothing usable is left."""
    text = unicodedata.normalize("NFC", clean(title))
    text = _UNSAFE.sub("-", text)
    text = _RUNS.sub("-", text).strip(" .-")
    while len(text.encode("utf-8")) > MAX_BYTES:
        text = text[:-1]
    text = text.rstrip(" .-")
    if not text:
        return fallback
    if text.split(".")[0].casefold() in _WINDOWS_RESERVED:
        text = f"_{text}"
    return text


def free_path(folder: Path, title: str, suffix: str, fallback: str = "untitled") -> Path:
    """A path in `folder` named after `title`, not yet taken (`name-2.md`, `name-3.md`, ...),
    and never outside `folder` whatever the title says."""
    stem = safe_stem(title, fallback)
    for number in range(1, 10_000):
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        path = folder / name
        if path.resolve().parent != folder.resolve():  # cannot happen with a safe stem; checked all the same
            raise ValueError(f"{name!r} would leave {folder}")
        if not path.exists():
            return path
    raise FileExistsError(f"too many files named like {stem}{suffix} in {folder}")

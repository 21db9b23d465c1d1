"""Files that must survive a crash and a hand editor: atomic writes that keep the file's mode,
damaged files set aside and never overwritten, JSON read with a limit on nesting, and a
read-only folder told apart from a failure.

Plain Python; used by the store and by the journal.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from facilitator.models import now

TEMP_SUFFIX = ".tmp"
MAX_DEPTH = 64
"""Nesting a store or a journal line may have; a session document needs about eight levels.
Deeper data is damage (or mischief): it would exhaust Python's recursion on the next read or write."""


class StoreReadOnly(PermissionError):
    """The store may be read but not written (its folder or file is read-only): it is open for
    reviewing only. A `PermissionError`, so whoever reports those reports this in one line too."""

    def __init__(self, path: Path, code: int | None = None) -> None:
        super().__init__(code or errno.EACCES, "the store is read-only", str(path))
        self.path = path

    def __str__(self) -> str:
        return f"the store is read-only: {self.path} can be looked at, but nothing can be saved to it"


def damaged_copies(path: Path) -> list[Path]:
    """Copies of `path` set aside as damaged, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


def fsync_dir(folder: Path) -> None:
    """Make a new or renamed file's name durable, where the platform allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str, *, before_replace: Callable[[Path], None] | None = None) -> None:
    """Write `text` to `path` so that a crash leaves either the old content or the new.

    Args:
        before_replace: a hook run after the temp file is durable and before it replaces the
            target; tests use it to simulate a crash at the worst moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: the process's default (its umask), as `open` gives
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            if mode is not None:  # a store someone made private (0600) stays private
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def leftover_temp_files(path: Path) -> list[Path]:
    """Temp files an interrupted `atomic_write` of `path` left behind."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))


def set_aside(path: Path, clock: Callable[[], datetime] = now) -> Path:
    """Move a damaged file out of the way, keeping every byte, and return where it went."""
    stamp = clock().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    try:
        os.replace(path, target)
    except OSError as exc:
        if is_read_only_error(exc):
            raise StoreReadOnly(path, exc.errno) from exc
        raise
    fsync_dir(path.parent)
    return target


def too_deep(data: object, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON data nests deeper than `limit`, found without recursion."""
    level: list[object] = [data]
    for _ in range(limit):
        level = [
            child
            for value in level
            if isinstance(value, (dict, list))
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, (dict, list))
        ]
        if not level:
            return False
    return True


def parse_json(text: str) -> object:
    """JSON as read from a file someone may have edited; too deep a nesting is a `ValueError`.

    Raises:
        ValueError: not JSON (`json.JSONDecodeError`), or nested deeper than `MAX_DEPTH`.
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    if too_deep(data):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return data


def is_read_only_error(error: OSError) -> bool:
    """Whether a failed write means "read-only here" rather than a fault worth a crash log."""
    return isinstance(error, PermissionError) or error.errno == errno.EROFS


def writable(path: Path) -> bool:
    """Whether this process may replace `path` in its folder (and, if it exists, write it)."""
    return os.access(path.parent, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))

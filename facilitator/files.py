"""Files that must survive a crash and a hand editor: atomic writes that keep the file's mode,
damaged files set aside and never overwritten, JSON read with a limit on nesting and written
whatever text it holds, and a read-only folder told apart from a failure.

Plain Python; used by the store and by the journal.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import secrets
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from facilitator.text import clean

TEMP_SUFFIX = ".tmp"
MAX_JSON_DEPTH = 64
"""Nesting the JSON of a store or a journal line may have; a session document needs about eight
levels. Deeper data is damage (or mischief): it would exhaust Python's recursion on the next read
or write. (Deck and plan files are TOML, with their own limit in `catalog`.)"""


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


def atomic_write(
    path: Path, text: str | bytes, *, before_replace: Callable[[Path], None] | None = None, mode: int | None = None
) -> None:
    """Write `text` (UTF-8 if it is a `str`) to `path` so that a crash leaves either the old
    content or the new.

    Args:
        before_replace: a hook run after the temp file is durable and before it replaces the
            target; tests use it to simulate a crash at the worst moment.
        mode: the permission bits of a new file (an existing one keeps its own); None for the
            process's default.
    """
    if path.is_symlink():  # a store linked into a synced or shared folder stays linked there
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        before: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        before = None  # a new file: the process's default (its umask), as `open` gives
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with open(temp, "wb") as handle:
            if before is None and mode is not None:
                os.fchmod(handle.fileno(), mode)
            if before is not None:  # a store someone made private (0600), or a team's, stays so
                os.fchmod(handle.fileno(), stat.S_IMODE(before.st_mode))
                with contextlib.suppress(OSError):  # only the owner's own groups are allowed
                    os.fchown(handle.fileno(), -1, before.st_gid)
            handle.write(data)
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


def _now() -> datetime:
    return datetime.now(UTC)


def set_aside(path: Path, clock: Callable[[], datetime] = _now) -> Path:
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


def json_too_deep(data: object, limit: int = MAX_JSON_DEPTH) -> bool:
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


_JSON_WORDS = [
    ("Expecting property name", "expected a key in double quotes"),
    ("Expecting ':'", "expected a : after a key"),
    ("Expecting ','", "expected a comma between two items"),
    ("Expecting value", "expected a value"),
    ("Unterminated string", "a text has no closing quote"),
    ("Invalid control character", "a control character inside a text"),
    ("Invalid \\", "a \\ escape in a text is not valid"),
    ("Extra data", "more follows the end of the data"),
]
"""The JSON parser's words for what is wrong, and a coach's."""


def parse_json(text: str) -> object:
    """JSON as read from a file someone may have edited.

    Raises:
        ValueError: not JSON, or nested deeper than `MAX_JSON_DEPTH`; its message says so in
            plain words, with the line and column.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = next((words for start, words in _JSON_WORDS if exc.msg.startswith(start)), clean(exc.msg).lower())
        raise ValueError(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {reason}") from None
    except RecursionError:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    if json_too_deep(data):
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
    return data


def read_json(raw: bytes) -> object:
    """JSON from a file's bytes: UTF-8, with or without the byte order mark some editors add.

    Raises:
        ValueError: not UTF-8 text, not JSON, or nested too deep, said in plain words.
    """
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte 0x{raw[bom + exc.start]:02x} at byte {bom + exc.start})") from None
    return parse_json(text)


def json_bytes(data: object, *, indent: int | None = None, default: Callable[[object], object] | None = None) -> bytes:
    """`data` as UTF-8 JSON, readable by hand; all in ASCII escapes if some text cannot be UTF-8.

    A lone surrogate (which JSON can hold, as `"\\ud800"`) has no UTF-8 form. Escaped, every
    string reads back exactly as it was, so a document written by hand is never altered here.
    """
    try:
        return json.dumps(data, ensure_ascii=False, indent=indent, default=default).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, indent=indent, default=default).encode("ascii")


def is_read_only_error(error: OSError) -> bool:
    """Whether a failed write means "read-only here" rather than a fault worth a crash log."""
    return isinstance(error, PermissionError) or error.errno == errno.EROFS


def writable(path: Path) -> bool:
    """Whether this process may replace `path` in its folder (and, if it exists, write it)."""
    return os.access(path.parent, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))


# --- reading a file that came from outside ----------------------------------------------------

READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
"""Flags to open a file a person named: a pipe or a terminal can never make the reader wait."""


def not_a_file(mode: int) -> str:
    """Why something that is not a plain file is not read, in words."""
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a file; only plain files are read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file; only plain files are read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file; only plain files are read"
    return "not a plain file"


def unreadable(path: Path, exc: Exception, *, missing: str = "no such file or folder") -> str:
    """Why a file or folder cannot be opened, in words; `missing` says a path that is not there."""
    code = getattr(exc, "errno", None)
    if code == errno.ELOOP:
        return "a link that loops back on itself"
    if code in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            return "a link to something that does not exist"
        return missing
    if code in (errno.EACCES, errno.EPERM):
        return "no permission to read it"
    if isinstance(exc, ValueError):
        return "not a usable file name"
    return f"cannot be read ({getattr(exc, 'strerror', None) or type(exc).__name__})"

"""A live session's journal: one append-only file of events, durable line by line.

Plain Python; the store hands out one per live session. A journal is a plain file or nothing:
anything else in its place (a folder, a named pipe someone made) is never opened in a way that
could wait, never read as events, and never removed.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from facilitator.files import StoreReadOnly, atomic_write, fsync_dir, is_read_only_error, json_bytes, parse_json
from facilitator.layout import journals_not_plain

_GUARDS: dict[str, threading.Lock] = {}
_GUARDS_GUARD = threading.Lock()


def _guard(path: Path) -> threading.Lock:
    """One lock per journal file in this process: an append on the UI's thread and the trim
    after a save in the background never interleave."""
    with _GUARDS_GUARD:
        return _GUARDS.setdefault(str(path), threading.Lock())


@dataclass(frozen=True)
class JournalLines:
    """A journal as read: its events in order, and how many lines were not one."""

    events: list[dict[str, Any]]
    skipped: int


class NotAPlainFile(OSError):
    """Something other than a plain file stands where a journal belongs; it is left alone."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EINVAL, "the journal is not a plain file", str(path))


class Journal:
    """An append-only log of a live session's events, durable line by line.

    Appending costs one small write and one fsync, independent of the store's size. A line that
    is not an event (torn by a power cut, edited by hand) is skipped on replay and counted, so
    the room is told rather than left wondering where an idea went.
    """

    def __init__(self, path: Path, *, read_only: bool = False, mode: int | None = None) -> None:
        """
        Args:
            mode: the permission bits a new journal is made with (the store's, so that ideas
                are as private as the store); None for the process's default.
        """
        self.path = path
        self.read_only = read_only
        self.mode = mode
        self._checked_tail = False

    not_plain = staticmethod(journals_not_plain)

    def _open_plain(self, path: str, flags: int) -> int:
        """An `opener` that opens the journal without waiting (a named pipe would wait for a
        writer, or a reader) and only if it is a plain file; a new one gets `mode`.

        Raises:
            NotAPlainFile: something else stands in its place.
        """
        try:
            fd = os.open(path, flags | os.O_NONBLOCK, 0o666 if self.mode is None else self.mode)
        except IsADirectoryError:
            raise NotAPlainFile(self.path) from None
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # a pipe with no reader, or a socket
                raise NotAPlainFile(self.path) from None
            raise
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotAPlainFile(self.path)
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def append(self, *events: dict[str, Any], durable: bool = True) -> None:
        """Append events in one write and (by default) one fsync: an idea and the cleared draft
        that goes with it reach the disk together.

        Args:
            durable: fsync before returning. A heartbeat of the clock skips it: the write
                survives the process being killed, and only a power cut could lose it.

        Raises:
            StoreReadOnly: the store is open for reviewing only.
            NotAPlainFile: something other than a journal stands in its place.
        """
        if self.read_only:
            raise StoreReadOnly(self.path)
        lines = b"".join(json_bytes(event, default=str) + b"\n" for event in events)
        with _guard(self.path):
            self._append(lines, durable)

    def _append(self, lines: bytes, durable: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            with open(self.path, "a+b", opener=self._open_plain) as handle:
                if not self._checked_tail:
                    self._checked_tail = True
                    if _torn_tail(handle):
                        lines = b"\n" + lines
                handle.write(lines)
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
        except OSError as exc:
            if is_read_only_error(exc):
                raise StoreReadOnly(self.path, exc.errno) from exc
            raise
        if created:  # the new file's name must survive a power cut too, not only its bytes
            fsync_dir(self.path.parent)

    def read(self) -> JournalLines:
        """Every event in order; a line that is not a JSON object, or nests too deep, is counted
        in `skipped` and left out. A journal that is not a plain file holds no events (the store
        names it in `problems`)."""
        try:
            with open(self.path, "rb", opener=self._open_plain) as handle:
                raw = handle.read().decode("utf-8", errors="replace").removeprefix("\ufeff")
        except (FileNotFoundError, NotAPlainFile):
            return JournalLines([], 0)
        events = []
        skipped = 0
        for line in raw.split("\n"):
            if not line.strip():
                continue
            try:
                event = parse_json(line)
            except ValueError:
                event = None
            if isinstance(event, dict):
                events.append(event)
            else:
                skipped += 1
        return JournalLines(events, skipped)

    def events(self) -> list[dict[str, Any]]:
        """The events alone, for a reader that looks for one and need not report the rest."""
        return self.read().events

    def clear(self) -> None:
        """Remove the journal once the store holds its events; anything but a plain file in its
        place is not the journal, and is left alone."""
        if self.read_only:
            raise StoreReadOnly(self.path)
        with _guard(self.path):
            if self.path.is_file():
                self.path.unlink(missing_ok=True)
                fsync_dir(self.path.parent)

    def size(self) -> int:
        """How many bytes the journal holds now: where a snapshot taken now leaves off."""
        with _guard(self.path):
            try:
                return os.stat(self.path).st_size if self.path.is_file() else 0
            except OSError:
                return 0

    def drop_through(self, offset: int) -> None:
        """Remove the first `offset` bytes, which a saved snapshot holds, and keep what was
        appended after them (while the snapshot was being saved), atomically."""
        if self.read_only:
            raise StoreReadOnly(self.path)
        with _guard(self.path):
            if not self.path.is_file():
                return
            with open(self.path, "rb", opener=self._open_plain) as handle:
                rest = handle.read()[offset:]
            if not rest.strip():
                self.path.unlink(missing_ok=True)
            else:
                atomic_write(self.path, rest)
            fsync_dir(self.path.parent)


def _torn_tail(handle: BinaryIO) -> bool:
    """Whether the file ends in a line a crash cut short, which the next event must not join."""
    end = handle.seek(0, os.SEEK_END)
    if end == 0:
        return False
    handle.seek(end - 1)
    return handle.read(1) != b"\n"

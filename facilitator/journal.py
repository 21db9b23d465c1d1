"""A live session's journal: one append-only file of events, durable line by line.

Plain Python; the store hands out one per live session.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.files import StoreReadOnly, fsync_dir, is_read_only_error, parse_json


@dataclass(frozen=True)
class JournalLines:
    """A journal as read: its events in order, and how many lines were not one."""

    events: list[dict[str, Any]]
    skipped: int


class Journal:
    """An append-only log of a live session's events, durable line by line.

    Appending costs one small write and one fsync, independent of the store's size. A line that
    is not an event (torn by a power cut, edited by hand) is skipped on replay and counted, so
    the room is told rather than left wondering where an idea went.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._checked_tail = False

    def _torn_tail(self) -> bool:
        """Whether the file ends in a line a crash cut short, which the next event must not join."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return False
                handle.seek(-1, os.SEEK_END)
                return handle.read(1) != b"\n"
        except FileNotFoundError:
            return False

    def append(self, *events: dict[str, Any], durable: bool = True) -> None:
        """Append events in one write and (by default) one fsync: an idea and the cleared draft
        that goes with it reach the disk together.

        Args:
            durable: fsync before returning. A heartbeat of the clock skips it: the write
                survives the process being killed, and only a power cut could lose it.

        Raises:
            StoreReadOnly: the store is open for reviewing only.
        """
        if self.read_only:
            raise StoreReadOnly(self.path)
        lines = "".join(json.dumps(event, ensure_ascii=False, default=str) + "\n" for event in events)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            if not self._checked_tail:
                self._checked_tail = True
                if self._torn_tail():
                    lines = "\n" + lines
            with open(self.path, "a", encoding="utf-8") as handle:
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
        in `skipped` and left out."""
        try:
            raw = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
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
        if self.read_only:
            raise StoreReadOnly(self.path)
        self.path.unlink(missing_ok=True)
        fsync_dir(self.path.parent)

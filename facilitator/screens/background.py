"""Answers from a thread, handed back to the app's loop.

The store is read and written on threads of their own; what they found is shown on the loop.
An error raised there is a crash like any other (a crash log, one line, the terminal restored),
not one lost with the thread that asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App


def hand_back(app: App[Any], callback: Callable[..., None], *args: Any) -> None:
    """From a worker thread: run `callback(*args)` on the app's loop, and wait for it."""

    def run() -> None:
        try:
            callback(*args)
        except Exception as exc:
            app._handle_exception(exc)

    app.call_from_thread(run)

"""Listing and filtering actions in a store of 10,000 sessions."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import fill_store, timed

from facilitator.store import Store


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        fill_store(path, 10_000)
        store = Store(path)
        median, p95 = timed(store.sessions, 5)
        print(f"read 10,000 sessions:            median {median:.0f} ms, p95 {p95:.0f} ms")
        median, p95 = timed(lambda: store.actions(team="team-3", overdue_on=date(2026, 6, 1)), 5)
        print(f"filter actions (team, overdue):  median {median:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()

"""A round with 1,000 ideas on screen: adding one more and moving the cursor stay instant."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from facilitator.app import make_app
from facilitator.workspace import Workspace


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Workspace(store_path=Path(folder) / "store.json"))
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.press("enter", "enter")
            await pilot.pause()
            live, screen = app.live, app.screen
            for k in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1000):
                live.add_idea(f"idea number {k} about the customer in our stand-up")
            screen.refresh_view()
            await pilot.pause()
            field = screen.query_one("#idea-input")
            adds, moves = [], []
            for k in range(50):
                field.value = f"one more idea {k}"
                start = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                adds.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await pilot.press("up")
                await pilot.pause()
                moves.append((time.perf_counter() - start) * 1000)
            shown = screen.query_one("#ideas").option_count
            print(f"{shown} ideas on screen")
            print(f"add an idea (key to screen): median {statistics.median(adds):.1f} ms, max {max(adds):.1f} ms")
            print(f"move the cursor:             median {statistics.median(moves):.1f} ms, max {max(moves):.1f} ms")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""What a team waits for when it reviews: the review screen opening and narrowing as they type.

    .venv/bin/python benchmarks/review_ops.py --store PATH [--query "support stand-up"]

Runs the real app headless (Textual's Pilot, 200x50) on the store, as it is at the home screen,
then times:

* `review-open`: from pressing `v` to the table showing the newest sessions, and `review-all`: to
  the table holding every session, ready to filter (both read from the index on a thread);
* `review-filter`: each keystroke of the query, from the key to the table redrawn with what
  matches (the median and the slowest are reported);
* `actions-open`: from pressing `t` to the actions screen listing the open actions.

Prints one JSON line per measurement as soon as it is done, like session_ops.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def report(op: str, seconds: float, **extra: float) -> None:
    print(json.dumps({"op": op, "seconds": seconds, **extra}), flush=True)


async def until(pilot, ready: Callable[[], bool], limit: float = 120.0) -> None:
    """Let the app run until `ready()` holds (a deadline, never a sleep)."""
    deadline = time.perf_counter() + limit
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await pilot.pause()


async def measure(store: Path, query: str) -> None:
    from facilitator.app import make_app
    from facilitator.screens.actions import ActionsScreen
    from facilitator.screens.home import HomeScreen
    from facilitator.screens.review import ReviewScreen
    from facilitator.workspace import Workspace

    app = make_app(Workspace(store_path=store))
    async with app.run_test(size=(200, 50)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        start = time.perf_counter()
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and bool(app.screen.shown))
        report("review-open", time.perf_counter() - start)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded)
        report("review-all", time.perf_counter() - start, rows=len(app.screen.rows))

        screen = app.screen
        await pilot.press("slash")
        await pilot.pause()
        samples = []
        for char in query:
            before = screen.filter_input.value
            start = time.perf_counter()
            await pilot.press("space" if char == " " else char)
            await until(pilot, lambda before=before: screen.filter_input.value != before)
            await pilot.pause()
            samples.append(time.perf_counter() - start)
        report("review-filter", statistics.median(samples), slowest=max(samples), shown=len(screen.shown))

        await pilot.press("escape", "escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        start = time.perf_counter()
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, ActionsScreen) and bool(getattr(app.screen, "loaded", True)))
        await pilot.pause()
        report("actions-open", time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--query", default="support stand-up", help="typed into the filter, one key at a time")
    args = parser.parse_args()
    asyncio.run(measure(args.store, args.query))


if __name__ == "__main__":
    main()

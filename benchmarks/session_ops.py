"""What a facilitator waits for in a running session, timed in-process with the engine on one store.

    .venv/bin/python benchmarks/session_ops.py --store PATH [--captures 100]

Opens the store (as the app has at its home screen), then: starts a session (`LiveSession.start`
saves it), captures ideas (`add_idea`: a journal append and fsync), ends the warm-up phase
(`next_phase` folds the session into the store), closes the session (`close`, another fold), and
lists actions across sessions filtered by team and overdue (`Store.actions`, what a review of
actions does today). Prints one JSON line per operation as soon as it is done, so a caller can
stop waiting on one that takes too long. The store file is changed: run it on a copy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path


def report(op: str, seconds: float, **extra: float) -> None:
    print(json.dumps({"op": op, "seconds": seconds, **extra}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--captures", type=int, default=100, help="ideas to capture (the median is reported)")
    args = parser.parse_args()

    from facilitator.catalog import load_decks, load_plans
    from facilitator.engine.live import LiveSession
    from facilitator.models import Session
    from facilitator.store import Store

    decks, plans = load_decks(), load_plans()
    plan = plans.get("quick-reflection")
    plan_decks = [decks.get(d) for d in plan.decks]

    start = time.perf_counter()
    store = Store(args.store)
    report("open", time.perf_counter() - start)

    session = Session(title="Benchmark weekly", team="Support", participants=["Ana", "Ben", "Chris"], plan=plan.id,
                      decks=list(plan.decks), routines=["daily stand-up", "weekly team meeting"])
    start = time.perf_counter()
    live = LiveSession.start(session, plan, plan_decks, store)
    report("start", time.perf_counter() - start)

    samples = []
    for k in range(args.captures):
        start = time.perf_counter()
        live.add_idea(f"Call three customers before Friday ({k})")
        samples.append(time.perf_counter() - start)
    report("capture", statistics.median(samples), p95=sorted(samples)[int(len(samples) * 0.95) - 1] if samples else 0.0)

    start = time.perf_counter()
    live.next_phase()
    report("phase", time.perf_counter() - start)

    start = time.perf_counter()
    live.close()
    report("close", time.perf_counter() - start)

    start = time.perf_counter()
    rows = store.actions(team="Support", overdue_on=date.today())
    report("filter", time.perf_counter() - start, rows=len(rows))
    sys.exit(0 if live.save_failed is None else 1)


if __name__ == "__main__":
    main()

"""Capturing an idea must cost the same with 10 saved sessions as with 10,000."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import fill_store, timed

from facilitator.catalog import load_decks, load_plans
from facilitator.engine.live import LiveSession
from facilitator.models import Session
from facilitator.store import Store


def main() -> None:
    decks, plans = load_decks(), load_plans()
    plan = plans.get("quick-reflection")
    for size in (10, 10_000):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "store.json"
            fill_store(path, size)
            store = Store(path)
            session = Session(title="bench", plan=plan.id, decks=plan.decks, routines=["daily stand-up"])
            live = LiveSession.start(session, plan, [decks.get(d) for d in plan.decks], store)
            counter = iter(range(1_000_000))
            median, p95 = timed(lambda live=live, counter=counter: live.add_idea(f"idea {next(counter)}"), 300)
            print(f"add_idea with {size:>6} sessions in the store: median {median:.3f} ms, p95 {p95:.3f} ms "
                  f"(store file {path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

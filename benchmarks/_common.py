"""Shared set-up for the benchmarks: a store filled with realistic sessions."""

from __future__ import annotations

import json
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from facilitator.models import Action, Idea, Session


def sample_session(n: int) -> Session:
    ideas = [Idea(text=f"idea {k} of session {n}", round=k % 4) for k in range(12)]
    actions = [
        Action(text=f"action {k} of session {n}", owner=["Ana", "Ben", "Chris"][k % 3],
               routine="daily stand-up", due=date(2026, 1, 1) + timedelta(days=n % 300))
        for k in range(3)
    ]
    return Session(title=f"Session {n}", team=f"team-{n % 20}", plan="quick-reflection",
                   participants=["Ana", "Ben", "Chris"], ideas=ideas, actions=actions)


def fill_store(path: Path, sessions: int) -> None:
    """Write the store file in one go (as TinyDB would lay it out), which is much faster than
    saving session by session."""
    table = {str(k + 1): sample_session(k).model_dump(mode="json") for k in range(sessions)}
    path.write_text(json.dumps({"sessions": table}), encoding="utf-8")


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]

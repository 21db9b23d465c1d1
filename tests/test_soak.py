"""A short kill -9 soak in CI: the real app on a pseudo-terminal, killed at a race moment, resumed.

Three runs with a fixed seed, one per moment where the kill races the app's own work: right
after Enter, mid-typing, right after a phase key. The full soak (`python -m tests.soak --runs
200`) also kills after the screen settles, and many more times; see the README.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def test_a_short_soak_loses_no_idea_that_was_on_screen(tmp_path: Path) -> None:
    from tests.soak import soak  # imports termios and fcntl: POSIX only

    moments = ("after-enter", "mid-typing", "after-phase-key")
    report = soak(3, seed=20240607, store_dir=tmp_path / "soak", time_limit=60, max_steps=3, moments=moments)

    assert report.ok, report.format()
    assert report.lost == 0, report.format()
    assert [r.moment for r in report.results] == list(moments), report.format()
    for run in report.results:
        assert run.seen, f"run {run.run}: no idea was on screen before the kill\n{report.format()}"
        assert set(run.seen) <= set(run.recovered), report.format()
        assert run.resumed_in, f"run {run.run} was not resumed\n{report.format()}"

"""The code passes its lint (ruff) and its type check (mypy) with no finding, as part of the suite:
the README's one test command and CI check both. Their settings are in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("tool", [["ruff", "check", "--no-cache", "."], ["mypy", "--cache-dir", "/dev/null"]], ids=["ruff", "mypy"])
def test_no_findings(tool: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *tool], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

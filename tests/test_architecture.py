"""The wall between domain and UI: only the app, its screens and its widgets import Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import facilitator

PACKAGE = Path(facilitator.__file__).resolve().parent
UI_PLACES = ("app.py", "screens", "widgets")
HEADLESS_MODULES = ["models", "catalog", "store", "draw", "routines", "workspace", "cli", "join.server", "join.wall", "join.qr"]


def imports_textual(source: str) -> list[int]:
    """Line numbers of every `import textual...` or `from textual... import`, at any depth."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "textual" or name.startswith("textual.") for name in names):
            lines.append(node.lineno)
    return lines


def headless_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in UI_PLACES
    ]


def _imported_in_a_fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_importing_a_headless_module_does_not_load_textual(module: str) -> None:
    code = f"import sys, facilitator.{module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"

    result = _imported_in_a_fresh_python(code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["decks", "list"], ["plans", "list"], ["sessions", "list"]])
def test_cli_commands_without_the_app_do_not_load_textual(command: list[str]) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from facilitator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({command!r})\n"
        "print(code, 'textual' in sys.modules)\n"
    )

    result = _imported_in_a_fresh_python(code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False"]


def test_no_module_outside_the_ui_imports_textual() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in headless_files()
        if (lines := imports_textual(path.read_text(encoding="utf-8")))
    }

    assert offenders == {}


def test_the_static_check_covers_the_domain_and_skips_the_ui() -> None:
    checked = {str(path.relative_to(PACKAGE)) for path in headless_files()}

    assert {module.replace(".", "/") + ".py" for module in HEADLESS_MODULES} <= checked
    assert "app.py" not in checked
    assert not any(name.startswith(("screens/", "widgets/")) for name in checked)


@pytest.mark.parametrize(
    "source",
    [
        "import textual",
        "import os, textual.app",
        "from textual.widgets import Static",
        "from textual import on",
        "def later():\n    from textual.app import App\n",
    ],
)
def test_the_static_check_finds_textual_imports(source: str) -> None:
    assert imports_textual(source) != []


@pytest.mark.parametrize(
    "source",
    ["import textwrap", "from rich.text import Text", "from .textual import x", "text = 'import textual'"],
)
def test_the_static_check_ignores_other_imports(source: str) -> None:
    assert imports_textual(source) == []


@pytest.mark.parametrize("argv", [["--help"], ["actions", "list", "--help"], ["sessions", "--bogus"]], ids=" ".join)
def test_help_and_a_bad_option_load_neither_pydantic_nor_the_store(argv: list[str]) -> None:
    """A person waits for `--help`: it loads argparse and the words it shows, nothing more."""
    code = (
        "import contextlib, io, sys\n"
        "from facilitator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'tinydb', 'textual', 'filelock', 'tomlkit'}))\n"
    )

    result = _imported_in_a_fresh_python(code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_loads_neither_pydantic_nor_the_store_before_its_home_screen_shows() -> None:
    """The home screen shows from the store's index; the rest loads on a thread after it."""
    code = (
        "import sys\n"
        "import facilitator.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'tinydb', 'filelock', 'tomlkit'}))\n"
    )

    result = _imported_in_a_fresh_python(code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

"""Finding and loading deck and plan files from their layers.

Layers, later ones winning by id: the built-in folders shipped with the package, the user's config
folder, then folders named on the command line. A file with problems is skipped, with one
`LoadProblem` line for each thing wrong in it, and the rest still load.

No file can crash or hang a reader: only plain files are opened (never a pipe, a device or a
folder), and never one bigger than `MAX_BYTES` or nested deeper than `MAX_DEPTH`; a link that
loops or leads nowhere, bytes that are not UTF-8 text and NUL bytes are problems like any other.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs
from pydantic import ValidationError

from facilitator.files import READ_FLAGS, not_a_file, unreadable
from facilitator.models import Deck, Plan
from facilitator.problems import LoadProblem, file_problems, line_index, quote, toml_problem

__all__ = ["Catalog", "LoadProblem", "load_decks", "load_file", "load_layers", "load_plans", "validate_paths"]

APP_NAME = "facilitator"
MAX_BYTES = 1_000_000
"""A deck of a thousand cards is a tenth of this; anything bigger is not a deck."""
MAX_DEPTH = 32
"""Decks and plans nest two or three levels; deep nesting only ever comes from a broken file."""
M = TypeVar("M", Deck, Plan)


@dataclass
class Catalog(Generic[M]):
    """Everything that loaded, by id, with where each came from and what was skipped."""

    items: dict[str, M] = field(default_factory=dict)
    origins: dict[str, Path] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)

    def __iter__(self):
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items

    def get(self, item_id: str) -> M:
        """The item with this id, or a KeyError whose message lists what there is."""
        try:
            return self.items[item_id]
        except KeyError:
            known = ", ".join(sorted(self.items)) or "none"
            raise KeyError(f"no {item_id!r}; known: {known}") from None


def builtin_dir(name: str) -> Path:
    """The built-in `prompts` or `sessions` folder, installed in the package or in a checkout."""
    packaged = Path(str(resources.files("facilitator"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def user_dir(name: str) -> Path:
    """The user's own `decks` or `plans` folder under the platform's config directory."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / name



# --- reading one file safely -------------------------------------------------------------------

def read_text(path: Path) -> str | LoadProblem:
    """The text of a plain file of sensible size: checked before it is opened, so it never waits."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return LoadProblem(path=path, reason=not_a_file(info.st_mode))
        if info.st_size > MAX_BYTES:
            return _too_big(path, info.st_size)
        with os.fdopen(os.open(path, READ_FLAGS), "rb") as file:
            mode = os.fstat(file.fileno()).st_mode  # it may have been swapped since the stat
            if not stat.S_ISREG(mode):
                return LoadProblem(path=path, reason=not_a_file(mode))
            data = file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        return LoadProblem(path=path, reason=unreadable(path, exc))
    if len(data) > MAX_BYTES:
        return _too_big(path, len(data))
    return decode(path, data)


def decode(path: Path, data: bytes) -> str | LoadProblem:
    """UTF-8 text, with or without a byte-order mark; anything else is named with its line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadProblem(path=path, line=1, reason="saved as UTF-16 text; save it as UTF-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        return LoadProblem(path=path, line=line, reason=reason)
    if not text.strip():
        return LoadProblem(path=path, reason="the file is empty")
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return LoadProblem(path=path, line=line, reason="a NUL (zero) byte, which a text file never holds")
    return text


def parse(path: Path, text: str) -> dict[str, Any] | LoadProblem:
    """The TOML in `text`, refused before parsing if it nests deep enough to exhaust the stack."""
    deep = too_deep(text)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        return LoadProblem(path=path, line=line, reason=f"nested more than {MAX_DEPTH} levels deep")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return toml_problem(path, exc, text)
    except ValueError:  # an integer of thousands of digits
        return LoadProblem(path=path, reason="not valid TOML: a number is far too long")
    except RecursionError:  # too_deep should have caught it; never let it through
        return LoadProblem(path=path, reason=f"nested more than {MAX_DEPTH} levels deep")


_TOKEN = re.compile(r"""\"\"\"|'''|["'#\[\]{}.\n=,]""")
_STRING_END = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'{1,2}(?!'))*'{3,5}"),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"[^'\n]*'"),
    "#": re.compile(r"[^\n]*"),
}


def too_deep(text: str) -> int | None:
    """Where brackets, braces or dotted keys outside strings and comments first nest deeper than
    `MAX_DEPTH`, if they do. tomllib recurses for each level, and takes time that grows with the
    square of a dotted key's length, so both are bounded before it sees the text."""
    depth = dots = 0
    pos = 0
    while found := _TOKEN.search(text, pos):
        token, pos = found.group(), found.end()
        if token in _STRING_END:
            end = _STRING_END[token].match(text, pos)
            if end is None:
                return None  # an unclosed string: tomllib stops there and says so
            pos = end.end()
        elif token in "[{":
            depth, dots = depth + 1, 0
        elif token in "]}":
            depth, dots = max(depth - 1, 0), 0
        elif token == ".":
            dots += 1
        else:
            dots = 0
        if depth > MAX_DEPTH or dots >= MAX_DEPTH:
            return found.start()
    return None


def _too_big(path: Path, size: int) -> LoadProblem:
    return LoadProblem(
        path=path, reason=f"too big for a deck or plan ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB)"
    )


# --- loading -----------------------------------------------------------------------------------


def load_file(model: type[M], path: Path, *, decks: Collection[str] | None = None) -> M | list[LoadProblem]:
    """One TOML file as a model, or every problem that stops it.

    Args:
        decks: for a plan, the deck ids it may name; None skips that check.
    """
    text = read_text(path)
    if isinstance(text, LoadProblem):
        return [text]
    data = parse(path, text)
    if isinstance(data, LoadProblem):
        return [data]
    try:
        item = model.model_validate(data)
    except ValidationError as exc:
        return file_problems(path, model, data, text, exc, decks=decks)
    if decks is not None:
        problems = file_problems(path, model, data, text, decks=decks)
        if problems:
            return problems
    return item


def load_files(
    model: type[M], files: Iterable[Path], *, decks: Collection[str] | None = None
) -> list[tuple[Path, M | list[LoadProblem]]]:
    """Each file as a model or its problems; a second file with an id already seen is a problem."""
    results: list[tuple[Path, M | list[LoadProblem]]] = []
    seen: dict[str, Path] = {}
    for path in files:
        loaded = load_file(model, path, decks=decks)
        if not isinstance(loaded, list):
            if loaded.id in seen:
                reason = f"the id {quote(loaded.id)} is already used by {seen[loaded.id]}"
                loaded = [LoadProblem(path=path, line=_line_of_id(path), field="id", reason=reason)]
            else:
                seen[loaded.id] = path
        results.append((path, loaded))
    return results


def _line_of_id(path: Path) -> int | None:
    text = read_text(path)
    return line_index(text).get(("id",)) if isinstance(text, str) else None


def toml_files(folder: Path) -> tuple[list[Path], list[LoadProblem]]:
    """The `*.toml` files in a folder (not below it, and not hidden ones such as editor locks)."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".toml") and not e.name.startswith("."))
    except OSError as exc:
        return [], [LoadProblem(path=folder, reason=unreadable(folder, exc))]
    return [folder / name for name in names], []


def load_layers(model: type[M], folders: Iterable[Path], *, decks: Collection[str] | None = None) -> Catalog[M]:
    """Load every `*.toml` in each folder in turn; a later folder overrides an earlier one by id."""
    catalog: Catalog[M] = Catalog()
    for folder in folders:
        if not folder.is_dir():
            continue
        files, problems = toml_files(folder)
        catalog.problems += problems
        for path, loaded in load_files(model, files, decks=decks):
            if isinstance(loaded, list):
                catalog.problems += loaded
            else:
                catalog.items[loaded.id] = loaded
                catalog.origins[loaded.id] = path
    return catalog


def _layers(kind: str, builtin: str, extra: Sequence[Path]) -> list[Path]:
    return [builtin_dir(builtin), user_dir(kind), *extra]


def load_decks(extra: Sequence[Path] = ()) -> Catalog[Deck]:
    """Built-in decks, then the user's, then `--decks` folders."""
    return load_layers(Deck, _layers("decks", "prompts", extra))


def load_plans(extra: Sequence[Path] = (), *, decks: Collection[str] | None = None) -> Catalog[Plan]:
    """Built-in plans, then the user's, then `--plans` folders; with `decks`, a plan that names
    a deck not among them is skipped as a problem."""
    return load_layers(Plan, _layers("plans", "sessions", extra), decks=decks)


def validate_paths(
    model: type[M], paths: Iterable[Path], *, decks: Collection[str] | None = None
) -> list[tuple[Path, M | list[LoadProblem]]]:
    """Check files, or every `*.toml` in the folders given, without layering them."""
    files: dict[str, Path] = {}
    early: list[tuple[Path, M | list[LoadProblem]]] = []
    for path in paths:
        if not _is_folder(path):
            files.setdefault(_real(path), path)
            continue
        found, problems = toml_files(path)
        early += [(p.path, [p]) for p in problems]
        if not found and not problems:
            early.append((path, [LoadProblem(path=path, reason="a folder with no .toml files in it")]))
        for file in found:
            files.setdefault(_real(file), file)
    return early + load_files(model, files.values(), decks=decks)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _real(path: Path) -> str:
    """The path with links followed, to check a file named twice once; as given if that fails."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError, RuntimeError):
        return str(path)

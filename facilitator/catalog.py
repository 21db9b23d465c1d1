"""Finding and loading deck and plan files from their layers.

Layers, later ones winning by id: the built-in folders shipped with the package, the user's config
folder, then folders named on the command line. A malformed file becomes one `LoadProblem` line
naming the file, the field and the reason; it is skipped and the rest still load.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

import platformdirs
from pydantic import ValidationError

from facilitator.models import Deck, Plan

APP_NAME = "facilitator"
M = TypeVar("M", Deck, Plan)


@dataclass(frozen=True)
class LoadProblem:
    """Why one file was skipped, fit for one line of output."""

    path: Path
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f": {self.field}" if self.field else ""
        return f"{self.path}{where}: {self.reason}"


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


def first_error(error: ValidationError) -> tuple[str | None, str]:
    """The most telling validation error as (dotted field path, reason), noting how many more.

    An unknown key comes first: it is usually a typo, and the "missing field" error it causes
    would only confuse.
    """
    errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    parts: list[str] = []
    for part in first["loc"]:
        if isinstance(part, int) and parts:
            parts[-1] = f"{parts[-1]}[{part}]"
        else:
            parts.append(str(part))
    reason = first["msg"]
    if reason.startswith("Value error, "):
        reason = reason[len("Value error, ") :]
    if first["type"] == "extra_forbidden":
        reason = "unknown key"
        missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing"]
        close = difflib.get_close_matches(str(first["loc"][-1]), missing, n=1)
        if close:
            reason += f" (did you mean {close[0]!r}?)"
    elif first["type"] == "enum":
        reason = f"{first['input']!r} is not one of {first['ctx']['expected']}"
    if len(errors) > 1:
        reason += f" (and {len(errors) - 1} more)"
    return ".".join(parts) or None, reason


def load_file(model: type[M], path: Path) -> M | LoadProblem:
    """One TOML file as a model, or the one problem that stops it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return LoadProblem(path, None, f"not valid TOML: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadProblem(path, None, f"cannot read: {exc}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field_name, reason = first_error(exc)
        return LoadProblem(path, field_name, reason)


def load_files(model: type[M], files: Iterable[Path]) -> list[tuple[Path, M | LoadProblem]]:
    """Each file as a model or its problem; a second file with an id already seen is a problem."""
    results: list[tuple[Path, M | LoadProblem]] = []
    seen: dict[str, Path] = {}
    for path in files:
        loaded = load_file(model, path)
        if not isinstance(loaded, LoadProblem):
            if loaded.id in seen:
                loaded = LoadProblem(path, "id", f"duplicate id {loaded.id!r}, also in {seen[loaded.id]}")
            else:
                seen[loaded.id] = path
        results.append((path, loaded))
    return results


def load_layers(model: type[M], folders: Iterable[Path]) -> Catalog[M]:
    """Load every `*.toml` in each folder in turn; a later folder overrides an earlier one by id."""
    catalog: Catalog[M] = Catalog()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path, loaded in load_files(model, sorted(folder.glob("*.toml"))):
            if isinstance(loaded, LoadProblem):
                catalog.problems.append(loaded)
            else:
                catalog.items[loaded.id] = loaded
                catalog.origins[loaded.id] = path
    return catalog


def _layers(kind: str, builtin: str, extra: Sequence[Path]) -> list[Path]:
    return [builtin_dir(builtin), user_dir(kind), *extra]


def load_decks(extra: Sequence[Path] = ()) -> Catalog[Deck]:
    """Built-in decks, then the user's, then `--decks` folders."""
    return load_layers(Deck, _layers("decks", "prompts", extra))


def load_plans(extra: Sequence[Path] = ()) -> Catalog[Plan]:
    """Built-in plans, then the user's, then `--plans` folders."""
    return load_layers(Plan, _layers("plans", "sessions", extra))


def validate_paths(model: type[M], paths: Iterable[Path]) -> list[tuple[Path, M | LoadProblem]]:
    """Check files, or every `*.toml` in the folders given, without layering them."""
    files: dict[Path, Path] = {}
    missing: list[tuple[Path, M | LoadProblem]] = []
    for path in paths:
        if path.is_dir():
            files.update((f.resolve(), f) for f in sorted(path.glob("*.toml")))
        elif path.exists():
            files.setdefault(path.resolve(), path)
        else:
            missing.append((path, LoadProblem(path, None, "no such file or folder")))
    return missing + load_files(model, files.values())

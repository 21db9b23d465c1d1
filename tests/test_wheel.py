"""The built-in decks and plans ship inside the wheel, and the installed package finds them.

This builds the real wheel (offline, with the hatchling in this environment) and imports the
package from where pip installed it, never from the checkout. It takes a few seconds and runs in
the normal suite on purpose: a wheel without its decks is a release that cannot run a session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]

PROBE = """
import json
import facilitator
from facilitator.catalog import builtin_dir, load_decks, load_plans

decks, plans = load_decks(), load_plans()
print(json.dumps({
    "package": facilitator.__file__,
    "prompts": str(builtin_dir("prompts")),
    "sessions": str(builtin_dir("sessions")),
    "decks": sorted(decks.items),
    "plans": sorted(plans.items),
    "origins": [str(p) for p in [*decks.origins.values(), *plans.origins.values()]],
    "problems": [str(p) for p in [*decks.problems, *plans.problems]],
}))
"""


def pip(*args: str, cwd: Path) -> None:
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO), cwd=out)
    (built,) = out.glob("facilitator-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel: Path) -> Path:
    target = wheel.parent / "site"
    pip("install", "--no-deps", "-q", "--target", str(target), str(wheel), cwd=wheel.parent)
    return target


def folder_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.toml"))


@pytest.mark.parametrize("folder", ["prompts", "sessions"])
def test_wheel_holds_every_builtin_file_inside_the_package(wheel: Path, folder: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    shipped = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith(f"facilitator/{folder}/"))
    assert shipped == folder_files(REPO / folder)
    assert not any(n.startswith(f"{folder}/") for n in names), "data must live inside the package"


def test_wheel_holds_the_json_schemas_and_the_screens_styles(wheel: Path) -> None:
    """Editors read the schemas from the installed package; each screen needs its .tcss file."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"facilitator/schemas/deck.schema.json", "facilitator/schemas/plan.schema.json"} <= names
    styles = {f"facilitator/screens/{p.name}" for p in (REPO / "facilitator" / "screens").glob("*.tcss")}
    assert styles and styles <= names


def test_installed_package_loads_its_own_decks_and_plans(site: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    site = site.resolve()

    assert Path(found["package"]).resolve().is_relative_to(site)
    assert Path(found["prompts"]).resolve().is_relative_to(site)
    assert Path(found["sessions"]).resolve().is_relative_to(site)
    assert all(Path(p).resolve().is_relative_to(site) for p in found["origins"])
    assert found["problems"] == []
    assert len(found["decks"]) == len(folder_files(REPO / "prompts")) >= 15  # the trait decks, and more
    assert found["decks"] == sorted(p[:-5] for p in folder_files(REPO / "prompts"))
    assert len(found["plans"]) == len(folder_files(REPO / "sessions")) >= 4
    assert found["plans"] == sorted(p[:-5] for p in folder_files(REPO / "sessions"))

"""The JSON Schemas shipped in the package, for editors that check deck and plan files as a coach
types, are the models' own: a change to a model that is not written out again fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from facilitator.models import Deck, Plan

REGENERATE = (
    "python -c \"import json; from facilitator.models import Deck, Plan; "
    "[open(f'facilitator/schemas/{n}.schema.json', 'w').write(json.dumps(m.model_json_schema(), indent=2) + chr(10)) "
    "for n, m in (('deck', Deck), ('plan', Plan))]\""
)


@pytest.mark.parametrize(("name", "model"), [("deck", Deck), ("plan", Plan)])
def test_the_shipped_schema_is_the_model_s(name: str, model: type) -> None:
    shipped = resources.files("facilitator").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == model.model_json_schema(), f"the model changed: write the schema again with {REGENERATE}"


def test_decks_schema_prints_the_shipped_file() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "facilitator", "decks", "schema"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    shipped = resources.files("facilitator").joinpath("schemas", "deck.schema.json").read_text(encoding="utf-8")
    assert json.loads(printed) == json.loads(shipped)

"""Exporting one session: Markdown a team pastes, CSV a spreadsheet opens, JSON that validates;
named safely after the title, to a file, a folder or standard output."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from facilitator.cli import main
from facilitator.exports import CSV_COLUMNS, csv_text, json_text, markdown
from facilitator.models import Action, ActionStatus, Cadence, Idea, Session, SessionStatus
from facilitator.routine_map import MAP_TITLE
from facilitator.store import Store
from tests.test_routine_map import HOSTILE, TRAITS, scan_session


def _session() -> Session:
    first = Idea(id="i1", text="Call three **lost** customers", author="Ana", round=0)
    return Session(
        id="exp00001", title="Retro: [March] / ../../etc", team="=SUM(A1)", plan="quick-reflection",
        participants=["Ana", "Ben"], status=SessionStatus.CLOSED,
        ideas=[first, Idea(id="i2", text="Share the quotes weekly", author="Ben", round=0, builds_on="i1")],
        actions=[
            Action(id="a1", text="Call three customers", owner="Ana", routine="weekly team meeting",
                   cadence=Cadence.WEEKLY, due=date(2026, 12, 4), measure="three calls logged"),
            Action(id="a2", text="-1 complaint a week", routine="weekly team meeting", status=ActionStatus.DONE),
            Action(id="a3", text="A quote at stand-up", owner="Ben", status=ActionStatus.DROPPED),
        ],
    )


def test_markdown_lists_actions_by_routine_as_tasks_then_the_ideas_literally() -> None:
    text = markdown(_session())
    assert text.startswith("# Retro: \\[March\\] / ../../etc\n")
    assert "### weekly team meeting\n\n- [ ] Call three customers (owner Ana; due 2026-12-04; weekly)\n  - we will know by: three calls logged\n- [x] -1 complaint a week\n" in text
    assert "### Other\n\n- [ ] A quote at stand-up (owner Ben; dropped)" in text
    assert "1. Call three \\*\\*lost\\*\\* customers — Ana\n2. Share the quotes weekly — Ben (builds on 1)" in text


def test_csv_reads_back_one_row_per_action_and_never_runs_a_formula() -> None:
    text = csv_text(_session())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 3
    assert rows[0]["action"] == "Call three customers" and rows[0]["due"] == "2026-12-04" and rows[0]["cadence"] == "weekly"
    assert rows[0]["team"] == "'=SUM(A1)" and rows[1]["action"] == "'-1 complaint a week"


def test_json_validates_against_the_model_and_round_trips() -> None:
    session = _session()
    assert Session.model_validate_json(json_text(session)) == session


def test_export_writes_a_file_named_after_the_title_inside_the_folder(tmp_path: Path, capsys) -> None:
    store_path = tmp_path / "store.json"
    Store(store_path).save_session(_session())
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("md", "csv", "json"):
        assert main(["--store", str(store_path), "export", "exp0", "--format", fmt, "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["Retro-[March]-..-..-etc.csv", "Retro-[March]-..-..-etc.json", "Retro-[March]-..-..-etc.md"]
    assert capsys.readouterr().out.count("wrote ") == 3
    assert not list(tmp_path.parent.glob("etc*"))


def test_export_to_standard_output_and_a_taken_name_gets_a_number(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    store_path = tmp_path / "store.json"
    Store(store_path).save_session(_session())
    assert main(["--store", str(store_path), "export", "exp0", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("# Retro")
    monkeypatch.chdir(tmp_path)
    assert main(["--store", str(store_path), "export", "exp0"]) == 0
    assert main(["--store", str(store_path), "export", "exp0"]) == 0
    assert (tmp_path / "Retro-[March]-..-..-etc.md").exists() and (tmp_path / "Retro-[March]-..-..-etc-2.md").exists()


def test_markdown_maps_the_routines_against_the_traits_between_the_actions_and_the_ideas() -> None:
    text = markdown(scan_session(), TRAITS)
    assert text.index("## Actions") < text.index(f"## {MAP_TITLE}\n") < text.index("## Ideas")
    assert (
        "| Routine | Customer on the agenda | Listen directly | Learn from the frontline | Act on metrics | actions |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| daily stand-up | 1 | 1 | · | · | · |\n"
        "| weekly team meeting | 3 | · | 3 | · | 2 |\n"
        "| \\[bold\\]x\\[/\\] \\| review | · | · | · | · | · |\n"
    ) in text
    assert "Most ideas (3): weekly team meeting × Customer on the agenda; weekly team meeting × Learn from the frontline\n" in text
    assert "No card met: one-to-ones, hiring interviews\n" in text


def test_the_map_in_markdown_is_a_table_whose_cells_hold_the_names_as_typed() -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(markdown(scan_session(), {**TRAITS, "metrics": "Act | *now* <b>"}))
    rows = [[html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.S)]
    assert rows[0] == ["Routine", "Customer on the agenda", "Listen directly", "Learn from the frontline", "Act | *now* <b>", "actions"]
    assert [row[0] for row in rows[1:]] == ["daily stand-up", "weekly team meeting", HOSTILE]
    assert all(len(row) == 6 for row in rows)


def test_without_trait_names_the_map_names_each_deck_by_its_id() -> None:
    assert "| Routine | top-of-mind | listen-and-talk | frontline | metrics | actions |" in markdown(scan_session())


@pytest.mark.parametrize(
    "shown",
    [
        [("metrics", "daily stand-up", 3), ("metrics", "daily stand-up", 1)],  # one routine, one trait
        [("top-of-mind", None, 3), (None, None, 2)],  # no routine card
    ],
    ids=["one-pair", "no-routine-cards"],
)
def test_markdown_leaves_the_map_out_when_routine_cards_showed_too_little(shown) -> None:
    assert MAP_TITLE not in markdown(scan_session(shown), TRAITS)
    assert MAP_TITLE not in markdown(_session())

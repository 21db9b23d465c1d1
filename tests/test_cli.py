"""The `facilitator` command line, driven through `main()` on a temporary store and catalog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.models import Action, ActionStatus, Deck, Idea, Session, SessionStatus
from facilitator.store import Store, StoreLayout
from tests.helpers import session_files, store_bytes

TODAY = date.today()

DECK_TOML = '''\
id = "test-deck"
title = "Test deck"
trait = "Listening first"
summary = "A deck written for the tests."
language = "en"
version = "2"

[[sources]]
title = "An article"
author = "A. Writer"
year = 2020

[[prompts]]
id = "td-q1"
kind = "question"
text = "What did a customer tell us last week?"

[[prompts]]
id = "td-r1"
kind = "routine"
text = "How could {routine} start with a customer's voice?"

[[prompts]]
id = "td-p1"
kind = "perspective"
text = "You are the customer waiting on hold."
'''

PLAN_TOML = '''\
id = "test-plan"
title = "Test plan"
summary = "A plan written for the tests."
minutes = 20
decks = ["test-deck"]

[[phases]]
kind = "warm-up"
minutes = 2

[[phases]]
kind = "diverge"
minutes = 9
rounds = 3
title = "New ideas"

[[phases]]
kind = "converge"
minutes = 4

[[phases]]
kind = "vote"
minutes = 2

[[phases]]
kind = "act"
minutes = 3
'''




@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "test-deck.toml").write_text(DECK_TOML, encoding="utf-8")
    return folder


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "test-plan.toml").write_text(PLAN_TOML, encoding="utf-8")
    return folder


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Two teams' sessions with actions across owners, routines, statuses and due dates."""
    path = tmp_path / "store.json"
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def action(action_id: str, text: str, **fields) -> Action:
        return Action(id=action_id, text=text, created=t0, **fields)

    store = Store(path)
    store.save_session(
        Session(
            id="s1aaaaaa",
            title="Support retro",
            team="Support",
            facilitator="Fay",
            participants=["Ana", "Ben"],
            plan="quick-reflection",
            decks=["culture"],
            status=SessionStatus.CLOSED,
            created=t0,
            ideas=[Idea(text="Call customers", round=0), Idea(text="Quote wall", round=1)],
            actions=[
                action("a1overdu", "Call three customers", owner="Ana", routine="Weekly review",
                       due=TODAY - timedelta(days=3)),
                action("a2future", "Share a customer quote", owner="Ben", routine="Standup",
                       due=TODAY + timedelta(days=7)),
                action("a3closed", "Post the survey results", owner="ana", routine="standup",
                       due=TODAY - timedelta(days=10), status=ActionStatus.DONE),
            ],
        )
    )
    store.save_session(
        Session(
            id="s2bbbbbb",
            title="Sales kickoff",
            team="Sales",
            plan="leadership-workshop",
            created=t0 + timedelta(days=1),
            actions=[
                action("b1weekly", "Bring a lost deal story", owner="Cy", routine="Weekly Review",
                       due=TODAY + timedelta(days=1)),
                action("b2nodue", "Visit a customer site", status=ActionStatus.DROPPED),
            ],
        )
    )
    return path


def table_ids(out: str) -> list[str]:
    """The first column of a printed table, without its header."""
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip()]


def row_of(out: str, first: str) -> list[str]:
    [row] = [line.split() for line in out.splitlines() if line.split()[:1] == [first]]
    return row


# --- decks -------------------------------------------------------------------------------------


def test_decks_list_shows_a_deck_from_a_decks_folder(cli, deck_dir: Path) -> None:
    result = cli("--decks", deck_dir, "decks", "list")

    assert result.code == 0
    assert result.err == ""
    assert result.out.splitlines()[0].split() == ["ID", "CARDS", "LANG", "TITLE"]
    assert row_of(result.out, "test-deck") == ["test-deck", "3", "en", "Test", "deck"]
    ids = table_ids(result.out)
    assert ids == sorted(ids)


def test_decks_list_names_a_broken_deck_file_on_stderr_and_lists_the_rest(cli, deck_dir: Path) -> None:
    (deck_dir / "broken.toml").write_text('id = "broken"\ntitle = "No cards"\n', encoding="utf-8")

    result = cli("--decks", deck_dir, "decks", "list")

    assert result.code == 0
    assert "test-deck" in table_ids(result.out)
    assert "broken" not in table_ids(result.out)
    assert result.err_lines
    assert all("skipped" in line and "broken.toml" in line for line in result.err_lines)


def test_decks_show_prints_the_deck_and_its_cards(cli, deck_dir: Path) -> None:
    result = cli("--decks", deck_dir, "decks", "show", "test-deck")

    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Test deck  [test-deck, v2, en]"
    assert "Trait: Listening first" in lines
    assert f"From: {deck_dir / 'test-deck.toml'}" in lines
    assert "Source: An article, A. Writer" in lines
    assert "A deck written for the tests." in lines
    assert [r[:2] for r in (row_of(result.out, c) for c in ("td-q1", "td-r1", "td-p1"))] == [
        ["td-q1", "question"],
        ["td-r1", "routine"],
        ["td-p1", "perspective"],
    ]
    assert "How could {routine} start with a customer's voice?" in result.out


def test_decks_folder_overrides_a_builtin_deck_with_the_same_id(cli, deck_dir: Path) -> None:
    (deck_dir / "culture.toml").write_text(
        DECK_TOML.replace('id = "test-deck"', 'id = "culture"').replace("Test deck", "Own culture"),
        encoding="utf-8",
    )

    result = cli("--decks", deck_dir, "decks", "show", "culture")

    assert result.code == 0
    assert result.out.splitlines()[0].startswith("Own culture  [culture,")
    assert f"From: {deck_dir / 'culture.toml'}" in result.out


def test_decks_show_lists_the_routines_a_card_fits_and_toml_keeps_them(cli, deck_dir: Path) -> None:
    path = deck_dir / "test-deck.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('id = "td-r1"')
    end = text.index("\n\n", at) if "\n\n" in text[at:] else len(text.rstrip("\n"))
    path.write_text(text[:end] + '\nfits = ["meetings", "one-to-ones"]' + text[end:], encoding="utf-8")

    shown = cli("--decks", deck_dir, "decks", "show", "test-deck")
    as_toml = cli("--decks", deck_dir, "decks", "show", "test-deck", "--toml")

    assert shown.code == 0 and ["CARD", "FITS"] in [line.split() for line in shown.out.splitlines()]
    assert row_of(shown.out.split("FITS", 1)[1], "td-r1") == ["td-r1", "meetings,", "one-to-ones"]
    deck = Deck.model_validate(tomllib.loads(as_toml.out))
    assert [f.value for f in deck.card("td-r1").fits] == ["meetings", "one-to-ones"]
    assert "fits" not in as_toml.out.split('id = "td-q1"', 1)[1].split("[[prompts]]", 1)[0]  # left out where unset


def test_decks_show_toml_revalidates_as_the_same_deck(cli, deck_dir: Path) -> None:
    result = cli("--decks", deck_dir, "decks", "show", "test-deck", "--toml")

    assert result.code == 0
    original = Deck.model_validate(tomllib.loads(DECK_TOML))
    assert Deck.model_validate(tomllib.loads(result.out)) == original


def test_decks_validate_accepts_a_good_file(cli, deck_dir: Path) -> None:
    path = deck_dir / "test-deck.toml"

    result = cli("decks", "validate", path)

    assert result.code == 0
    assert result.out.strip() == f"ok {path} (test-deck)"
    assert result.err == ""


def test_decks_validate_accepts_a_folder(cli, deck_dir: Path) -> None:
    result = cli("decks", "validate", deck_dir)

    assert result.code == 0
    assert result.out.strip() == f"ok {deck_dir / 'test-deck.toml'} (test-deck)"


BAD_DECKS = {
    "unknown key": (DECK_TOML.replace('language = "en"', 'langauge = "en"'), "langauge"),
    "routine card without its slot": (
        DECK_TOML.replace("How could {routine} start", "How could standup start"),
        ":18: card td-r1: a routine card needs the {routine} slot",
    ),
    "unknown card kind": (
        DECK_TOML.replace('kind = "perspective"', 'kind = "riddle"'),
        ':25: card td-p1: kind "riddle" is not one of',
    ),
    "not TOML": ('id = "test-deck\n', "not valid TOML"),
}


@pytest.mark.parametrize(("text", "named"), BAD_DECKS.values(), ids=BAD_DECKS.keys())
def test_decks_validate_names_the_file_and_field_of_a_bad_deck(
    cli, tmp_path: Path, text: str, named: str
) -> None:
    path = tmp_path / "bad-deck.toml"
    path.write_text(text, encoding="utf-8")

    result = cli("decks", "validate", path)

    assert result.code == 1
    assert result.out == ""
    assert any(str(path) in line and named in line for line in result.err_lines)


def test_decks_validate_reports_one_bad_file_in_exactly_one_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad-deck.toml"
    path.write_text(BAD_DECKS["unknown key"][0], encoding="utf-8")

    result = cli("decks", "validate", path)

    assert result.code == 1
    assert len(result.err_lines) == 1, result.err


def test_decks_validate_checks_every_file_and_fails_if_one_is_bad(cli, deck_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad-deck.toml"
    bad.write_text(BAD_DECKS["unknown key"][0], encoding="utf-8")
    missing = tmp_path / "missing.toml"

    result = cli("decks", "validate", deck_dir / "test-deck.toml", bad, missing)

    assert result.code == 1
    assert f"ok {deck_dir / 'test-deck.toml'} (test-deck)" in result.out
    assert any(str(bad) in line for line in result.err_lines)
    assert any(str(missing) in line and "no such file" in line for line in result.err_lines)


def test_decks_schema_is_json_schema_with_prompts(cli) -> None:
    result = cli("decks", "schema")

    assert result.code == 0
    schema = json.loads(result.out)
    assert {"id", "title", "prompts"} <= set(schema["properties"])
    assert "prompts" in schema["required"]


# --- plans -------------------------------------------------------------------------------------


def test_plans_list_shows_a_plan_from_a_plans_folder(cli, plan_dir: Path, deck_dir: Path) -> None:
    result = cli("--plans", plan_dir, "--decks", deck_dir, "plans", "list")

    assert result.code == 0
    assert result.out.splitlines()[0].split() == ["ID", "MINUTES", "PHASES", "TITLE"]
    assert row_of(result.out, "test-plan") == ["test-plan", "20", "5", "Test", "plan"]
    minutes = [int(line.split()[1]) for line in result.out.splitlines()[1:]]
    assert minutes == sorted(minutes)


def test_plans_show_prints_the_agenda_with_start_times_and_rounds(cli, plan_dir: Path, deck_dir: Path) -> None:
    result = cli("--plans", plan_dir, "--decks", deck_dir, "plans", "show", "test-plan")

    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Test plan  [test-plan, 20 min]"
    assert "A plan written for the tests." in lines
    assert "Decks: test-deck" in lines
    agenda = [line.split() for line in lines[lines.index("") + 1 :]]
    assert agenda == [
        ["AT", "PHASE", "MINUTES", "ROUNDS"],
        ["0'", "Warm", "up", "2"],
        ["2'", "New", "ideas", "9", "3", "x", "3:00"],
        ["11'", "Converge", "4"],
        ["15'", "Vote", "2"],
        ["17'", "Act", "3"],
    ]


def test_plans_validate_accepts_a_good_plan(cli, plan_dir: Path, deck_dir: Path) -> None:
    path = plan_dir / "test-plan.toml"

    result = cli("--decks", deck_dir, "plans", "validate", path)

    assert result.code == 0
    assert result.out.strip() == f"ok {path} (test-plan)"
    assert result.err == ""


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (PLAN_TOML.replace("minutes = 20", "minutes = 25"), "phases add up to 20 minutes"),
        (PLAN_TOML.replace('kind = "converge"', 'kind = "brainstorm"'), ':18: phase 3: kind "brainstorm" is not one of'),
        (
            PLAN_TOML.replace('kind = "vote"\nminutes = 2', 'kind = "vote"\nminutes = 2\nrounds = 2'),
            ":21: phase 4 (vote): only warm-up and diverge phases have rounds",
        ),
    ],
    ids=["minutes do not add up", "unknown phase kind", "rounds outside a timed phase"],
)
def test_plans_validate_names_the_file_and_problem(cli, tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "bad-plan.toml"
    path.write_text(text, encoding="utf-8")

    result = cli("plans", "validate", path)

    assert result.code == 1
    assert any(str(path) in line and named in line for line in result.err_lines)


# --- sessions ----------------------------------------------------------------------------------


def test_sessions_list_shows_sessions_newest_first(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "sessions", "list")

    assert result.code == 0
    assert result.out.splitlines()[0].split() == ["ID", "DATE", "STATUS", "TEAM", "IDEAS", "ACTIONS", "TITLE"]
    assert table_ids(result.out) == ["s2bbbbbb", "s1aaaaaa"]
    assert row_of(result.out, "s1aaaaaa") == [
        "s1aaaaaa", "2025-03-01", "closed", "Support", "2", "3", "Support", "retro",
    ]
    assert row_of(result.out, "s2bbbbbb")[2:6] == ["live", "Sales", "0", "2"]


def test_sessions_list_prints_markup_in_titles_literally(cli, store_path: Path) -> None:
    Store(store_path).save_session(Session(id="markup01", title="[bold]x[/]", plan="p"))

    result = cli("--store", store_path, "sessions", "list")

    assert result.code == 0
    assert row_of(result.out, "markup01")[-1] == "[bold]x[/]"


def test_sessions_list_on_a_missing_store_prints_only_the_header(cli, tmp_path: Path) -> None:
    path = tmp_path / "nothing-yet.json"

    result = cli("--store", path, "sessions", "list")

    assert result.code == 0
    assert table_ids(result.out) == []
    assert not path.exists()
    assert session_files(path) == [] and not StoreLayout.of(path).settings.exists()  # nothing saved


@pytest.mark.parametrize("ref", ["s1aaaaaa", "s1"])
def test_sessions_show_prints_a_session_and_its_actions(cli, store_path: Path, ref: str) -> None:
    result = cli("--store", store_path, "sessions", "show", ref)

    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Support retro  [s1aaaaaa, closed]"
    assert "Team: Support" in lines[1] and "Facilitator: Fay" in lines[1] and "Plan: quick-reflection" in lines[1]
    assert "Participants: Ana, Ben" in lines[2]
    assert "Ideas: 2   Clusters: 0" in lines
    actions = result.out.split("\n\n", 1)[1]
    assert table_ids(actions) == ["a1overdu", "a2future", "a3closed"]


def test_sessions_show_without_actions_says_so(cli, store_path: Path) -> None:
    Store(store_path).save_session(Session(id="empty001", title="Empty", plan="p"))

    result = cli("--store", store_path, "sessions", "show", "empty001")

    assert result.code == 0
    assert result.out.rstrip().endswith("No actions.")


# --- actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], ["a3closed", "a1overdu", "b1weekly", "a2future", "b2nodue"]),
        (["--team", "support"], ["a3closed", "a1overdu", "a2future"]),
        (["--owner", "ANA"], ["a3closed", "a1overdu"]),
        (["--routine", "weekly review"], ["a1overdu", "b1weekly"]),
        (["--status", "open"], ["a1overdu", "b1weekly", "a2future"]),
        (["--status", "done"], ["a3closed"]),
        (["--status", "dropped"], ["b2nodue"]),
        (["--overdue"], ["a1overdu"]),
        (["--team", "Support", "--status", "open"], ["a1overdu", "a2future"]),
    ],
    ids=["all", "team", "owner", "routine", "open", "done", "dropped", "overdue", "team-and-status"],
)
def test_actions_list_filters_and_sorts_soonest_due_first(
    cli, store_path: Path, filters: list[str], expected: list[str]
) -> None:
    result = cli("--store", store_path, "actions", "list", *filters)

    assert result.code == 0
    assert result.err == ""
    assert result.out.splitlines()[0].split() == [
        "ID", "STATUS", "DUE", "OWNER", "ROUTINE", "CADENCE", "TEAM", "ACTION",
    ]
    assert table_ids(result.out) == expected


def test_actions_list_row_shows_due_owner_routine_and_team(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "list", "--overdue")

    due = (TODAY - timedelta(days=3)).isoformat()
    assert row_of(result.out, "a1overdu") == [
        "a1overdu", "open", due, "Ana", "Weekly", "review", "once", "Support", "Call", "three", "customers",
    ]


def test_actions_list_with_no_match_says_so(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "list", "--owner", "nobody")

    assert result.code == 0
    assert result.out.strip() == "No actions."


def test_actions_done_marks_an_action_done_by_prefix(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "done", "a2fu")

    assert result.code == 0
    assert result.out.strip() == "done a2future: Share a customer quote"
    listed = cli("--store", store_path, "actions", "list", "--status", "done")
    assert table_ids(listed.out) == ["a3closed", "a2future"]
    [stored] = [a for a in Store(store_path).session("s1aaaaaa").actions if a.id == "a2future"]
    assert stored.status is ActionStatus.DONE
    assert stored.closed is not None


@pytest.mark.parametrize(
    ("ref", "message"),
    [("zzzz", "no action with id 'zzzz'"), ("a", "3 actions start with 'a'")],
    ids=["unknown", "ambiguous"],
)
def test_actions_done_refuses_unknown_or_ambiguous_id_in_one_line(
    cli, store_path: Path, ref: str, message: str
) -> None:
    before = store_bytes(store_path)

    result = cli("--store", store_path, "actions", "done", ref)

    assert result.code == 1
    assert result.out == ""
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith("facilitator: error: ")
    assert message in result.err_lines[0]
    assert store_bytes(store_path) == before


# --- errors and help ---------------------------------------------------------------------------


ERRORS = [
    (["bogus"], "invalid choice: 'bogus'"),
    (["--no-such-flag", "decks", "list"], "unrecognized arguments"),
    (["decks"], "say which command"),
    (["decks", "show", "no-such-deck"], "no-such-deck"),
    (["plans", "show", "no-such-plan"], "no-such-plan"),
    (["decks", "show"], "the following arguments are required: id"),
    (["decks", "validate"], "the following arguments are required: PATH"),
    (["sessions", "show"], "the following arguments are required: id"),
    (["sessions", "show", "zzzz"], "no session with id 'zzzz'"),
    (["actions", "done"], "the following arguments are required: id"),
    (["actions", "list", "--status", "finished"], "invalid choice: 'finished'"),
]


@pytest.mark.parametrize(("argv", "mentions"), ERRORS, ids=[" ".join(argv) for argv, _ in ERRORS])
def test_every_error_is_one_line_on_stderr_and_a_nonzero_exit(
    cli, store_path: Path, argv: list[str], mentions: str
) -> None:
    result = cli("--store", store_path, *argv)

    assert result.code != 0
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("facilitator")
    assert mentions in result.err_lines[0]


HELP = [
    ([], "--store"),
    (["decks"], "validate"),
    (["decks", "list"], "usage: facilitator decks list"),
    (["decks", "show"], "--toml"),
    (["decks", "validate"], "PATH"),
    (["decks", "schema"], "usage: facilitator decks schema"),
    (["plans"], "show"),
    (["plans", "list"], "usage: facilitator plans list"),
    (["plans", "show"], "usage: facilitator plans show"),
    (["plans", "validate"], "PATH"),
    (["sessions"], "list"),
    (["sessions", "list"], "usage: facilitator sessions list"),
    (["sessions", "show"], "first characters"),
    (["actions"], "done"),
    (["actions", "list"], "--overdue"),
    (["actions", "done"], "first characters"),
]


@pytest.mark.parametrize(("argv", "mentions"), HELP, ids=[" ".join(argv) or "top" for argv, _ in HELP])
def test_help_works_on_every_command(cli, argv: list[str], mentions: str) -> None:
    result = cli(*argv, "--help")

    assert result.code == 0
    assert result.out.startswith(f"usage: {' '.join(['facilitator', *argv])}")
    assert mentions in result.out
    assert result.err == ""


# --- damaged store -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["sessions", "list"], ["sessions", "show", "s1"], ["actions", "list"], ["actions", "done", "a1"]],
    ids=" ".join,
)
def test_damaged_store_is_reported_in_one_line_and_moved_aside(cli, tmp_path: Path, argv: list[str]) -> None:
    path = tmp_path / "store.json"
    damage = b'{"sessions": {"1": {"id": "s1aaaaaa", "title": "Retro\xff'
    path.write_bytes(damage)

    result = cli("--store", path, *argv)

    assert result.code == 1
    assert result.out == ""
    assert len(result.err_lines) == 1
    assert str(path) in result.err_lines[0]
    assert "moved aside" in result.err_lines[0]
    assert not path.exists() and not StoreLayout.of(path).folder.exists()
    [moved] = tmp_path.glob("store.json.damaged-*")
    assert moved.read_bytes() == damage
    assert str(moved) in result.err_lines[0]


def test_store_option_naming_a_folder_opens_it_as_the_store_and_moves_nothing(cli, tmp_path: Path) -> None:
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    (folder / "sessions").mkdir()
    (folder / "sessions" / "notes.json").write_text("[not a session file]", encoding="utf-8")

    result = cli("--store", folder, "sessions", "list")

    assert (result.code, result.err) == (0, "")
    assert table_ids(result.out) == []
    assert [p.name for p in tmp_path.iterdir()] == ["my-documents"]  # nothing moved aside or made beside it
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (folder / "sessions" / "notes.json").read_text(encoding="utf-8") == "[not a session file]"


# --- the installed command ---------------------------------------------------------------------


def _launchers() -> list[tuple[str, list[str]]]:
    script = Path(sys.executable).with_name("facilitator")
    found = str(script) if script.exists() else shutil.which("facilitator")
    launchers = [("python -m facilitator", [sys.executable, "-m", "facilitator"])]
    if found:
        launchers.insert(0, ("console script", [found]))
    return launchers


@pytest.mark.parametrize("command", [c for _, c in _launchers()], ids=[n for n, _ in _launchers()])
def test_installed_command_lists_decks_in_a_subprocess(
    command: list[str], deck_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "env-store.json"
    env = {**os.environ, "FACILITATOR_STORE": str(store)}

    done = subprocess.run(
        [*command, "--decks", str(deck_dir), "decks", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert row_of(done.stdout, "test-deck") == ["test-deck", "3", "en", "Test", "deck"]
    assert not store.exists() and not StoreLayout.of(store).folder.exists()


# --- opening the app on a damaged store --------------------------------------------------------


class _Opened(BaseException):
    """Raised instead of running the TUI, carrying the store the app would have used (not an
    `Exception`, which the command line would report as a crash)."""


@pytest.fixture
def app_launch(monkeypatch: pytest.MonkeyPatch):
    """`facilitator` with no command, with a terminal that answers `answer` and no real TUI."""
    import facilitator.app

    def fake_make_app(ws):
        raise _Opened(ws.store)

    monkeypatch.setattr(facilitator.app, "make_app", fake_make_app)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)

    def launch(path: Path, answer: str):
        monkeypatch.setattr("builtins.input", lambda prompt="": answer)

        return main(["--store", str(path)])

    return launch


@pytest.mark.parametrize("answer", ["", "n", "no"])
def test_app_on_a_damaged_store_stops_unless_the_user_says_start_fresh(app_launch, tmp_path: Path, answer: str) -> None:
    path = tmp_path / "store.json"
    path.write_text("{ not json", encoding="utf-8")

    assert app_launch(path, answer) == 1
    assert not path.exists() and not StoreLayout.of(path).folder.exists()  # set aside, and no fresh store was started
    [moved] = tmp_path.glob("store.json.damaged-*")
    assert moved.read_text(encoding="utf-8") == "{ not json"


@pytest.mark.parametrize("answer", ["y", "yes", "Y"])
def test_app_on_a_damaged_store_starts_fresh_when_the_user_says_so(app_launch, tmp_path: Path, answer: str) -> None:
    path = tmp_path / "store.json"
    path.write_text("{ not json", encoding="utf-8")

    with pytest.raises(_Opened) as opened:
        app_launch(path, answer)

    store = opened.value.args[0]
    assert store.path == path and store.sessions() == []
    [moved] = tmp_path.glob("store.json.damaged-*")
    assert moved.read_text(encoding="utf-8") == "{ not json"


def test_after_a_damaged_store_was_set_aside_no_command_starts_a_new_one_unasked(cli, tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    path.write_text("[1, 2", encoding="utf-8")
    assert cli("--store", path, "sessions", "list").code == 1  # set aside here

    again = cli("--store", path, "sessions", "list")
    assert again.code == 1 and len(again.err_lines) == 1
    assert "set aside" in again.err_lines[0] and "--new-store" in again.err_lines[0]
    assert not path.exists()

    assert not StoreLayout.of(path).folder.exists()  # no store was started in its place either

    agreed = cli("--store", path, "--new-store", "sessions", "list")
    assert agreed.code == 0 and StoreLayout.of(path).folder.is_dir()
    assert cli("--store", path, "sessions", "list").code == 0


@pytest.mark.parametrize(("command", "status"), [("drop", ActionStatus.DROPPED), ("done", ActionStatus.DONE)])
def test_actions_drop_and_reopen_change_the_status_and_back(cli, store_path: Path, command: str, status: ActionStatus) -> None:
    result = cli("--store", store_path, "actions", command, "a2fu")
    assert result.code == 0 and result.out.strip() == f"{status.value} a2future: Share a customer quote"
    [stored] = [a for a in Store(store_path).session("s1aaaaaa").actions if a.id == "a2future"]
    assert stored.status is status and stored.closed is not None

    result = cli("--store", store_path, "actions", "reopen", "a2fu")
    assert result.code == 0 and result.out.startswith("open a2future")
    [stored] = [a for a in Store(store_path).session("s1aaaaaa").actions if a.id == "a2future"]
    assert stored.status is ActionStatus.OPEN and stored.closed is None


def test_actions_set_gives_a_new_date_and_owner_and_can_clear_them(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "set", "a2fu", "--due", "2031-02-03", "--owner", "Chris")
    assert result.code == 0 and "due 2031-02-03, owner Chris" in result.out
    [stored] = [a for a in Store(store_path).session("s1aaaaaa").actions if a.id == "a2future"]
    assert (stored.due, stored.owner) == (date(2031, 2, 3), "Chris")

    result = cli("--store", store_path, "actions", "set", "a2fu", "--due", "none", "--owner", "")
    assert result.code == 0 and "due no date, owner nobody" in result.out
    [stored] = [a for a in Store(store_path).session("s1aaaaaa").actions if a.id == "a2future"]
    assert (stored.due, stored.owner) == (None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "say what to change"), (("--due", "31/12/2031"), "is not a date; write it as YYYY-MM-DD")],
    ids=["nothing-to-change", "bad-date"],
)
def test_actions_set_refuses_in_one_line_and_changes_nothing(cli, store_path: Path, args: tuple[str, ...], message: str) -> None:
    before = store_bytes(store_path)
    result = cli("--store", store_path, "actions", "set", "a2fu", *args)
    assert result.code == 1 and len(result.err_lines) == 1 and message in result.err_lines[0]
    assert store_bytes(store_path) == before


def _live_with_a_journaled_idea(path: Path) -> Session:
    from facilitator.engine import events

    store = Store(path)
    session = Session(id="l1ve0001", title="Left running", team="Sales", plan="quick-reflection")
    store.save_session(session)
    store.journal(session.id).append(events.put("idea", Idea(text="kept idea", round=0)))
    return session


def test_sessions_archive_puts_away_a_live_session_with_its_journal(cli, tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _live_with_a_journaled_idea(path)

    result = cli("--store", path, "sessions", "archive", "l1ve")

    assert result.code == 0 and result.out.startswith("archived l1ve0001: Left running (kept with its 1 idea;")
    stored = Store(path).session("l1ve0001")
    assert stored.status is SessionStatus.ARCHIVED and [i.text for i in stored.ideas] == ["kept idea"]
    assert not Store(path).journal("l1ve0001").path.exists()


def test_sessions_archive_refuses_a_finished_session_or_one_open_in_a_window(cli, tmp_path: Path, store_path: Path) -> None:
    closed = cli("--store", store_path, "sessions", "archive", "s1aa")
    assert closed.code == 1 and len(closed.err_lines) == 1 and "only an unfinished one can be archived" in closed.err_lines[0]

    path = tmp_path / "other" / "store.json"
    _live_with_a_journaled_idea(path)
    with Store(path).session_lock("l1ve0001"):
        held = cli("--store", path, "sessions", "archive", "l1ve")
    assert held.code == 1 and "open in a window" in held.err_lines[0]
    assert Store(path).session("l1ve0001").status is SessionStatus.LIVE


@pytest.mark.parametrize(("kind", "builtin"), [("decks", "prompts"), ("plans", "sessions")])
def test_paths_lists_the_folders_in_the_order_they_are_read(cli, tmp_path: Path, kind: str, builtin: str) -> None:
    """Built in, then the user's own (under XDG_CONFIG_HOME, which the tests set), then the
    folders given on the command line: where a copied file must go, and what moves it."""
    extra = tmp_path / "more"
    extra.mkdir()
    own = Path(os.environ["XDG_CONFIG_HOME"]) / "facilitator" / kind

    result = cli(kind, "paths", f"--{kind}", extra)

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    numbered = [line for line in lines if line[:1].isdigit()]
    assert [line.split()[0] for line in numbered] == ["1", "2", "3"]
    assert numbered[0].rstrip().endswith(builtin)
    assert str(own) in numbered[1] and "does not exist yet" in numbered[1]
    if sys.platform.startswith("linux"):
        assert "XDG_CONFIG_HOME" in numbered[1]
    assert numbered[2].rstrip().endswith(str(extra))

    own.mkdir(parents=True)
    assert "does not exist yet" not in cli(kind, "paths").out


def test_decks_new_writes_a_valid_deck_with_one_card_of_each_kind(cli, tmp_path: Path) -> None:
    from facilitator.catalog import load_file
    from facilitator.vocabulary import CardKind

    trait = 'Learn "from" the frontline \\ """ [bold]x[/]\x1b[31m'
    result = cli("decks", "new", "acme-frontline", "--trait", trait, "--lang", "nl", "-o", tmp_path)

    assert result.code == 0, result.err
    path = tmp_path / "acme-frontline.toml"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("#:schema file://") and first.endswith("/schemas/deck.schema.json")
    assert Path(first.removeprefix("#:schema file://")).is_file()
    deck = load_file(Deck, path)
    assert isinstance(deck, Deck), deck
    assert deck.id == "acme-frontline" and deck.language == "nl"
    assert deck.trait == 'Learn "from" the frontline \\ """ [bold]x[/]'  # literal, the escape gone
    assert sorted(card.kind for card in deck.prompts) == sorted(CardKind)
    assert "acme-frontline" in cli("decks", "list", "--decks", tmp_path).out


def test_decks_new_never_writes_over_a_file_nor_outside_its_folder(cli, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("# a coach's own deck\n", encoding="utf-8")

    taken = cli("decks", "new", "mine", "--trait", "Anything", "-o", tmp_path)
    assert taken.code == 1 and "exists already (open that deck, or give another id); nothing was written" in taken.err
    assert path.read_text(encoding="utf-8") == "# a coach's own deck\n"

    for bad in ("../escape", "Caps", "", "a b", "x" * 80):
        refused = cli("decks", "new", bad, "--trait", "Anything", "-o", tmp_path / "sub")
        assert refused.code == 1 and "cannot be a deck id" in refused.err
    assert not (tmp_path / "sub").exists() and not (tmp_path.parent / "escape.toml").exists()


def test_a_deck_exported_by_one_coach_is_imported_by_another_checked_and_never_silently_replaced(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.catalog import builtin_dir, user_dir

    shared = tmp_path / "shared"
    shared.mkdir()
    exported = cli("decks", "export", "culture", "-o", shared)
    assert exported.code == 0, exported.err
    sent = shared / "culture.toml"
    assert sent.read_bytes() == (builtin_dir("prompts") / "culture.toml").read_bytes()  # comments and order kept
    again = cli("decks", "export", "culture", "-o", shared)
    assert again.code == 1 and "exists already" in again.err

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    mine = user_dir("decks") / "culture.toml"
    imported = cli("decks", "import", sent)
    assert imported.code == 0, imported.err
    assert "used in place of the built-in deck" in imported.out
    schema_line, rest = mine.read_bytes().split(b"\n", 1)
    assert schema_line.startswith(b"#:schema file://") and rest == sent.read_bytes()  # as sent, with the schema line

    mine.write_text(mine.read_text(encoding="utf-8") + "# my own note\n", encoding="utf-8")
    refused = cli("decks", "import", sent)
    assert refused.code == 1 and "--replace" in refused.err
    assert mine.read_text(encoding="utf-8").endswith("# my own note\n")
    assert cli("decks", "import", sent, "--replace").code == 0
    assert mine.read_bytes().split(b"\n", 1)[1] == sent.read_bytes()


def test_decks_export_into_a_folder_not_made_yet_makes_it(cli, tmp_path: Path) -> None:
    from facilitator.catalog import builtin_dir

    result = cli("decks", "export", "metrics", "-o", f"{tmp_path / 'new' / 'decks'}/")

    assert result.code == 0, result.err
    written = tmp_path / "new" / "decks" / "metrics.toml"
    assert written.read_bytes() == (builtin_dir("prompts") / "metrics.toml").read_bytes()


def test_a_broken_deck_is_not_imported_and_each_problem_is_said(cli, tmp_path: Path) -> None:
    from facilitator.catalog import user_dir

    broken = tmp_path / "broken.toml"
    broken.write_text('id = "broken"\ntitle = ""\n[[prompts]]\nid = "b1"\nkind = "riddle"\ntext = "x"\n', encoding="utf-8")
    result = cli("decks", "import", broken)
    assert result.code == 1 and "nothing was imported" in result.err
    assert "riddle" in result.err and len(result.err_lines) >= 3
    assert not (user_dir("decks") / "broken.toml").exists()


def test_plans_preview_prints_the_cards_a_seed_will_show_and_saves_nothing(cli, tmp_path: Path) -> None:
    from facilitator.catalog import load_decks, load_plans
    from facilitator.engine.live import LiveSession
    from facilitator.store import default_store_path

    routines = ["daily stand-up", "one-to-ones"]
    args = ["plans", "preview", "quick-reflection", "--seed", "7", *[a for r in routines for a in ("--routine", r)]]
    first = cli(*args)
    assert first.code == 0, first.err
    assert cli(*args).out == first.out  # the same seed, the same cards
    assert cli(*args[:4], "8", *args[5:]).out != first.out
    store_before = store_bytes(default_store_path())

    plans, decks = load_plans(), load_decks()
    plan = plans.get("quick-reflection")
    live = LiveSession.start(
        Session(title="real", plan=plan.id, decks=list(plan.decks), routines=routines, seed=7),
        plan, [decks.get(d) for d in plan.decks], Store(tmp_path / "real.json"),
    )
    shown = []
    while not live.is_closed:
        if live.current_round is not None:
            shown.append(live.current_round.text)
            live.next_round()
        else:
            live.next_phase()
    printed = [line.split(". ", 1)[1].rsplit("  [", 1)[0] for line in first.out.splitlines() if line[:4].strip().rstrip(".").isdigit()]
    assert printed == shown and len(printed) >= 2  # what a real session with that seed shows
    assert store_bytes(default_store_path()) == store_before  # the preview's store was its own


def test_plans_preview_deals_the_customer_s_words_as_a_session_with_that_seed_would(cli, tmp_path: Path) -> None:
    from facilitator.catalog import load_decks, load_plans
    from facilitator.engine.live import LiveSession
    from facilitator.evidence import with_evidence

    said = tmp_path / "said.txt"
    said.write_text("".join(f"Quote {n}: [bold]why[/bold] \x1b[31mnobody called\n" for n in range(80)), encoding="utf-8")
    preview = cli("plans", "preview", "quick-reflection", "--seed", "11", "--routine", "one-to-ones", "--evidence", said)
    assert preview.code == 0, preview.err
    assert "Evidence: 60 of the customers' own words from said.txt" in preview.out
    assert "\x1b" not in preview.out

    plans, decks = load_plans(), load_decks()
    plan = plans.get("quick-reflection")
    session = Session(title="real", plan=plan.id, decks=list(plan.decks), routines=["one-to-ones"], seed=11)
    with_evidence(session, said)
    live = LiveSession.start(session, plan, [decks.get(d) for d in plan.decks], Store(tmp_path / "real.json"))
    quoted = []
    while not live.is_closed:
        if live.current_round is not None:
            if live.current_round.kind.value == "evidence":
                quoted.append(f"“{live.current_round.text}”  [a customer said: {live.current_round.origin}]")
            live.next_round()
        else:
            live.next_phase()
    printed = [line.split(". ", 1)[1] for line in preview.out.splitlines() if "a customer said" in line]
    assert printed == quoted and quoted and all("[bold]why[/bold]" in line for line in quoted)

    missing = cli("plans", "preview", "quick-reflection", "--seed", "11", "--evidence", tmp_path / "none.txt")
    assert missing.code == 1 and missing.out == "" and len(missing.err_lines) == 1 and "none.txt" in missing.err


def test_a_card_may_say_where_its_idea_comes_from(cli, tmp_path: Path) -> None:
    """`source` is optional, kept through show --toml, listed by decks show, and never empty."""
    folder = tmp_path / "sourced"
    folder.mkdir()
    deck = tomllib.loads(DECK_TOML)
    deck["prompts"][0]["source"] = "Interview with a support lead, p. 4"
    import tomlkit

    (folder / "test-deck.toml").write_text(tomlkit.dumps(deck), encoding="utf-8")
    shown = cli("decks", "show", deck["id"], "--decks", folder)
    assert shown.code == 0, shown.err
    first = deck["prompts"][0]["id"]
    assert any(line.split()[:1] == [first] and "Interview with a support lead, p. 4" in line for line in shown.out.splitlines())
    as_toml = cli("decks", "show", deck["id"], "--toml", "--decks", folder).out
    assert tomllib.loads(as_toml)["prompts"][0]["source"] == "Interview with a support lead, p. 4"
    assert "source" not in tomllib.loads(as_toml)["prompts"][1]

    deck["prompts"][0]["source"] = "  "
    (folder / "test-deck.toml").write_text(tomlkit.dumps(deck), encoding="utf-8")
    checked = cli("decks", "validate", folder / "test-deck.toml")
    assert checked.code == 1 and "source" in checked.err

"""Loading decks and plans: layers, overrides, and a clear line for each problem in a skipped file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import tomlkit

from facilitator.catalog import (
    LoadProblem,
    builtin_dir,
    load_decks,
    load_file,
    load_layers,
    load_plans,
    user_dir,
    validate_paths,
)
from facilitator.models import CardKind, Deck, Plan, PromptCard

Data = dict[str, Any]


def deck_data(deck_id: str = "customer-voice", title: str = "Customer voice") -> Data:
    """A valid deck as it would be read from TOML: one card of each kind."""
    return {
        "id": deck_id,
        "title": title,
        "trait": "Brings the customer into the room",
        "summary": "How often the customer's own words reach the team.",
        "prompts": [
            {"id": "q1", "kind": "question", "text": "When did we last hear a customer in their own words?"},
            {"id": "r1", "kind": "routine", "text": "How could a customer story open the {routine}?"},
            {"id": "p1", "kind": "perspective", "text": "Look at this week as the customer who waited longest."},
            {"id": "s1", "kind": "stimulus", "text": "A complaint letter read aloud."},
        ],
    }


def plan_data(plan_id: str = "short", title: str = "Short session") -> Data:
    """A valid 20-minute plan."""
    return {
        "id": plan_id,
        "title": title,
        "minutes": 20,
        "phases": [
            {"kind": "warm-up", "minutes": 2},
            {"kind": "diverge", "minutes": 6, "rounds": 3},
            {"kind": "converge", "minutes": 4},
            {"kind": "vote", "minutes": 2},
            {"kind": "act", "minutes": 4},
            {"kind": "close", "minutes": 2},
        ],
    }


def write_toml(path: Path, data: Data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(data), encoding="utf-8")
    return path


def changed(base: Data, change: Callable[[Data], object]) -> Data:
    data = copy.deepcopy(base)
    change(data)
    return data


# --- a valid deck ------------------------------------------------------------------------------


def test_valid_deck_loads_with_its_cards(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "decks" / "customer-voice.toml", deck_data())

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert catalog.problems == []
    deck = catalog.get("customer-voice")
    assert deck.trait == "Brings the customer into the room"
    assert [card.id for card in deck.prompts] == ["q1", "r1", "p1", "s1"]
    assert [card.kind for card in deck.prompts] == [CardKind.QUESTION, CardKind.ROUTINE, CardKind.PERSPECTIVE, CardKind.STIMULUS]
    assert catalog.origins["customer-voice"] == path


def test_get_unknown_id_lists_what_there_is(tmp_path: Path) -> None:
    write_toml(tmp_path / "decks" / "a.toml", deck_data("alpha"))
    write_toml(tmp_path / "decks" / "b.toml", deck_data("beta"))

    catalog = load_layers(Deck, [tmp_path / "decks"])

    with pytest.raises(KeyError, match=r"'gamma'.*alpha, beta"):
        catalog.get("gamma")


def test_missing_layer_folder_is_skipped_quietly(tmp_path: Path) -> None:
    write_toml(tmp_path / "decks" / "a.toml", deck_data("alpha"))

    catalog = load_layers(Deck, [tmp_path / "nowhere", tmp_path / "decks"])

    assert list(catalog.items) == ["alpha"]
    assert catalog.problems == []


def test_only_toml_files_are_read(tmp_path: Path) -> None:
    write_toml(tmp_path / "decks" / "a.toml", deck_data("alpha"))
    (tmp_path / "decks" / "notes.txt").write_text("not a deck", encoding="utf-8")
    (tmp_path / "decks" / "backup.toml.bak").write_text("id = ", encoding="utf-8")

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert list(catalog.items) == ["alpha"]
    assert catalog.problems == []


# --- override order ----------------------------------------------------------------------------

LAYERS = ("builtin", "user", "extra")


@pytest.mark.parametrize(
    ("present", "winner"),
    [
        (("builtin",), "builtin"),
        (("builtin", "user"), "user"),
        (("builtin", "extra"), "extra"),
        (("user", "extra"), "extra"),
        (("builtin", "user", "extra"), "extra"),
    ],
)
def test_later_layer_wins_by_id_and_origin_names_the_winning_file(
    tmp_path: Path, present: tuple[str, ...], winner: str
) -> None:
    for layer in present:
        write_toml(tmp_path / layer / f"shared-{layer}.toml", deck_data("shared", title=f"From {layer}"))

    catalog = load_layers(Deck, [tmp_path / layer for layer in LAYERS])

    assert catalog.get("shared").title == f"From {winner}"
    assert catalog.origins["shared"] == tmp_path / winner / f"shared-{winner}.toml"
    assert len(catalog) == 1


def test_decks_with_other_ids_from_every_layer_all_load(tmp_path: Path) -> None:
    for layer in LAYERS:
        write_toml(tmp_path / layer / "own.toml", deck_data(f"only-{layer}"))

    catalog = load_layers(Deck, [tmp_path / layer for layer in LAYERS])

    assert set(catalog.items) == {"only-builtin", "only-user", "only-extra"}
    assert {deck_id: path.parent.name for deck_id, path in catalog.origins.items()} == {
        "only-builtin": "builtin",
        "only-user": "user",
        "only-extra": "extra",
    }


def test_broken_file_in_a_later_layer_keeps_the_earlier_deck(tmp_path: Path) -> None:
    write_toml(tmp_path / "builtin" / "shared.toml", deck_data("shared", title="Built-in"))
    broken = tmp_path / "extra" / "shared.toml"
    write_toml(broken, changed(deck_data("shared"), lambda d: d.pop("trait")))

    catalog = load_layers(Deck, [tmp_path / "builtin", tmp_path / "extra"])

    assert catalog.get("shared").title == "Built-in"
    assert catalog.origins["shared"] == tmp_path / "builtin" / "shared.toml"
    assert [p.path for p in catalog.problems] == [broken]


def test_user_dir_is_under_the_platform_config_folder(isolated_home: Path) -> None:
    assert user_dir("decks") == Path(platformdirs.user_config_dir("facilitator")) / "decks"
    assert user_dir("decks") == isolated_home / "config" / "facilitator" / "decks"


def test_load_decks_extra_folder_overrides_user_folder(tmp_path: Path) -> None:
    user_decks = Path(platformdirs.user_config_dir("facilitator")) / "decks"
    user_only = write_toml(user_decks / "mine.toml", deck_data("zz-test-user-only", title="Mine"))
    write_toml(user_decks / "shared.toml", deck_data("zz-test-shared", title="User"))
    extra_shared = write_toml(tmp_path / "extra" / "shared.toml", deck_data("zz-test-shared", title="Extra"))

    catalog = load_decks([tmp_path / "extra"])

    assert catalog.get("zz-test-user-only").title == "Mine"
    assert catalog.origins["zz-test-user-only"] == user_only
    assert catalog.get("zz-test-shared").title == "Extra"
    assert catalog.origins["zz-test-shared"] == extra_shared
    ours = {user_only, user_decks / "shared.toml", extra_shared}
    assert [p for p in catalog.problems if p.path in ours] == []


def test_load_decks_user_folder_overrides_a_builtin_deck() -> None:
    builtin = load_layers(Deck, [builtin_dir("prompts")])
    if not builtin.items:
        pytest.skip("no built-in deck loads to override")
    deck_id = min(builtin.items)
    user_file = write_toml(user_dir("decks") / "override.toml", deck_data(deck_id, title="Our own version"))

    catalog = load_decks()

    assert catalog.get(deck_id).title == "Our own version"
    assert catalog.origins[deck_id] == user_file


def test_load_plans_extra_folder_overrides_user_folder(tmp_path: Path) -> None:
    user_plans = Path(platformdirs.user_config_dir("facilitator")) / "plans"
    write_toml(user_plans / "shared.toml", plan_data("zz-test-plan", title="User"))
    extra = write_toml(tmp_path / "extra" / "shared.toml", plan_data("zz-test-plan", title="Extra"))

    catalog = load_plans([tmp_path / "extra"])

    assert catalog.get("zz-test-plan").title == "Extra"
    assert catalog.origins["zz-test-plan"] == extra


# --- malformed decks ---------------------------------------------------------------------------


def _set_card(index: int, **fields: object) -> Callable[[Data], None]:
    return lambda d: d["prompts"][index].update(fields)


MALFORMED_DECKS = [
    pytest.param(
        lambda d: d.pop("trait"), "trait", None, "trait is missing; every deck needs one", id="missing-trait"
    ),
    pytest.param(
        lambda d: d.update(colour="blue"), "colour", None, 'unknown key "colour"', id="unknown-top-level-key"
    ),
    pytest.param(
        _set_card(2, colour="blue"), "prompts[2].colour", "card p1", 'unknown key "colour"', id="unknown-card-key"
    ),
    pytest.param(
        _set_card(0, kind="quiz"),
        "prompts[0].kind",
        "card q1",
        'kind "quiz" is not one of question, routine, perspective, stimulus, reversal, job, journey, try-it',
        id="wrong-kind",
    ),
    pytest.param(
        lambda d: d.update(prompts=[]), "prompts", None, "a deck needs at least one card", id="empty-deck"
    ),
    pytest.param(
        _set_card(3, id="q1"), "prompts[3]", "card q1", "this card id is used twice", id="duplicate-card-id"
    ),
    pytest.param(
        _set_card(1, text="How could a customer story open the meeting?"),
        "prompts[1]",
        "card r1",
        "a routine card needs the {routine} slot",
        id="routine-card-without-slot",
    ),
    pytest.param(
        _set_card(0, text="What did the customer say in the {routine}?"),
        "prompts[0]",
        "card q1",
        "only routine and reversal cards may use {routine}",
        id="question-card-with-slot",
    ),
    pytest.param(
        _set_card(1, text="How could {team} bring a customer into the {routine}?"),
        "prompts[1]",
        "card r1",
        "unknown slot {team}",
        id="unknown-slot",
    ),
]


def _assert_one_line_naming(problem: LoadProblem, path: Path, *parts: str) -> None:
    line = str(problem)
    assert "\n" not in line
    assert line.startswith(str(path))
    for part in parts:
        assert part in line


@pytest.mark.parametrize(("change", "field", "where", "reason"), MALFORMED_DECKS)
def test_malformed_deck_is_one_problem_and_the_rest_load(
    tmp_path: Path, change: Callable[[Data], object], field: str, where: str | None, reason: str
) -> None:
    folder = tmp_path / "decks"
    write_toml(folder / "alpha.toml", deck_data("alpha"))
    broken = write_toml(folder / "broken.toml", changed(deck_data("broken"), change))
    write_toml(folder / "zulu.toml", deck_data("zulu"))

    catalog = load_layers(Deck, [folder])

    assert set(catalog.items) == {"alpha", "zulu"}
    assert len(catalog.problems) == 1
    problem = catalog.problems[0]
    assert problem.path == broken
    assert (problem.field, problem.where) == (field, where)
    assert reason in problem.reason
    _assert_one_line_naming(problem, broken, *filter(None, [where, reason]))
    if where:
        assert problem.line is not None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b'id = "broken"\ntitle = \n', "not valid TOML", id="bad-toml"),
        pytest.param(b'id = "broken"\n[prompts\n', "not valid TOML", id="unclosed-table"),
        pytest.param(b'id = "caf\xe9"\n', "not UTF-8 text (byte 0xe9)", id="not-utf-8"),
    ],
)
def test_unreadable_deck_file_is_one_problem_and_the_rest_load(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    folder = tmp_path / "decks"
    write_toml(folder / "alpha.toml", deck_data("alpha"))
    broken = folder / "broken.toml"
    broken.write_bytes(content)
    write_toml(folder / "zulu.toml", deck_data("zulu"))

    catalog = load_layers(Deck, [folder])

    assert set(catalog.items) == {"alpha", "zulu"}
    assert len(catalog.problems) == 1
    problem = catalog.problems[0]
    assert problem.path == broken
    assert reason in problem.reason
    _assert_one_line_naming(problem, broken, reason)


def test_duplicate_deck_id_in_one_folder_keeps_the_first_file(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    first = write_toml(folder / "a.toml", deck_data("same", title="First"))
    second = write_toml(folder / "b.toml", deck_data("same", title="Second"))
    write_toml(folder / "c.toml", deck_data("other"))

    catalog = load_layers(Deck, [folder])

    assert catalog.get("same").title == "First"
    assert catalog.origins["same"] == first
    assert "other" in catalog
    assert len(catalog.problems) == 1
    problem = catalog.problems[0]
    assert (problem.path, problem.field, problem.line) == (second, "id", 1)
    _assert_one_line_naming(problem, second, 'the id "same" is already used by', str(first))


def test_every_error_in_a_file_is_a_line_of_its_own(tmp_path: Path) -> None:
    def break_twice(d: Data) -> None:
        d.pop("trait")
        d.pop("summary")

    broken = write_toml(tmp_path / "decks" / "broken.toml", changed(deck_data(), break_twice))

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert [p.field for p in catalog.problems] == ["trait", "summary"]
    for problem, field in zip(catalog.problems, ["trait", "summary"], strict=True):
        _assert_one_line_naming(problem, broken, f"{field} is missing")


def test_a_repeated_card_id_is_named_with_the_other_problems_not_after_them(tmp_path: Path) -> None:
    def break_cards(d: Data) -> None:
        d["prompts"][0]["kind"] = "quiz"
        d["prompts"][2]["id"] = "q1"
        d["prompts"] += [{"id": "q1", "kind": "question", "text": "Again?", "colour": "red"}]

    broken = write_toml(tmp_path / "decks" / "broken.toml", changed(deck_data(), break_cards))

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert [(p.field, p.where, p.reason.split(" (")[0]) for p in catalog.problems] == [
        ("prompts[0].kind", "card q1", 'kind "quiz" is not one of question, routine, perspective, stimulus, reversal, job, journey, try-it'),
        ("prompts[2]", "card q1", "this card id is used twice in the deck"),
        ("prompts[4]", "card q1", "this card id is used twice in the deck"),
        ("prompts[4].colour", "card q1", 'unknown key "colour"; a card has id, kind, text, source and fits'),
    ]
    assert all(p.path == broken and p.line for p in catalog.problems)


# --- malformed plans ---------------------------------------------------------------------------


MALFORMED_PLANS = [
    pytest.param(
        lambda p: p.update(minutes=30), ["phases add up to 20 minutes", "30"], id="minutes-do-not-add-up"
    ),
    pytest.param(
        lambda p: p["phases"][2].update(rounds=2),
        [": phase 3 (converge): only warm-up and diverge phases have rounds, not converge"],
        id="rounds-on-converge",
    ),
    pytest.param(
        lambda p: p["phases"][0].update(kind="brainstorm"),
        [': phase 1: kind "brainstorm" is not one of follow-up, warm-up, diverge, converge, vote, act, close'],
        id="unknown-phase-kind",
    ),
    pytest.param(
        lambda p: p.update(phases=[]), ["a plan needs at least one phase"], id="no-phases"
    ),
    pytest.param(
        lambda p: p["phases"][0].update(kind=[1]),
        [": phase 1: kind is not one of follow-up, warm-up"],
        id="phase-kind-is-a-list",
    ),
    pytest.param(
        lambda p: p["phases"][1].update(timer=True),
        [': phase 2 (diverge): unknown key "timer"; a phase has kind, minutes, rounds, title, decks, kinds and silent_seconds'],
        id="unknown-phase-key",
    ),
]


@pytest.mark.parametrize(("change", "parts"), MALFORMED_PLANS)
def test_malformed_plan_is_one_problem_and_the_rest_load(
    tmp_path: Path, change: Callable[[Data], object], parts: list[str]
) -> None:
    folder = tmp_path / "plans"
    write_toml(folder / "alpha.toml", plan_data("alpha"))
    broken = write_toml(folder / "broken.toml", changed(plan_data("broken"), change))

    catalog = load_layers(Plan, [folder])

    assert set(catalog.items) == {"alpha"}
    assert len(catalog.problems) == 1
    assert catalog.problems[0].path == broken
    _assert_one_line_naming(catalog.problems[0], broken, *parts)


@pytest.mark.parametrize("kind", ["warm-up", "diverge"])
def test_round_phases_may_have_several_rounds(tmp_path: Path, kind: str) -> None:
    data = plan_data()
    data["phases"][1] = {"kind": kind, "minutes": 6, "rounds": 4}
    write_toml(tmp_path / "plans" / "p.toml", data)

    catalog = load_layers(Plan, [tmp_path / "plans"])

    assert catalog.problems == []
    assert catalog.get("short").phases[1].rounds == 4


# --- validate_paths ----------------------------------------------------------------------------


def test_validate_paths_checks_a_single_file(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "one.toml", deck_data("alpha"))

    results = validate_paths(Deck, [path])

    assert len(results) == 1
    checked, loaded = results[0]
    assert checked == path
    assert isinstance(loaded, Deck) and loaded.id == "alpha"


def test_validate_paths_checks_every_toml_in_a_folder(tmp_path: Path) -> None:
    good = write_toml(tmp_path / "decks" / "a.toml", deck_data("alpha"))
    bad = write_toml(tmp_path / "decks" / "b.toml", changed(deck_data("beta"), lambda d: d.pop("trait")))
    (tmp_path / "decks" / "readme.md").write_text("# decks", encoding="utf-8")

    results = dict(validate_paths(Deck, [tmp_path / "decks"]))

    assert set(results) == {good, bad}
    assert isinstance(results[good], Deck)
    assert isinstance(results[bad], list) and [p.field for p in results[bad]] == ["trait"]


def test_validate_paths_reports_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    good = write_toml(tmp_path / "good.toml", deck_data("alpha"))

    results = dict(validate_paths(Deck, [missing, good]))

    assert isinstance(results[good], Deck)
    assert isinstance(results[missing], list)
    [problem] = results[missing]
    assert problem.reason == "no such file or folder"
    _assert_one_line_naming(problem, missing, "no such file or folder")


def test_validate_paths_flags_the_same_id_in_two_files(tmp_path: Path) -> None:
    first = write_toml(tmp_path / "a.toml", plan_data("same"))
    second = write_toml(tmp_path / "b.toml", plan_data("same"))

    results = dict(validate_paths(Plan, [first, second]))

    assert isinstance(results[first], Plan)
    assert isinstance(results[second], list)
    assert [p.reason for p in results[second]] == [f'the id "same" is already used by {first}']


# --- PromptCard.render -------------------------------------------------------------------------

ROUTINE_CARD = PromptCard(id="r1", kind=CardKind.ROUTINE, text="How could a customer open the {routine}?")


@pytest.mark.parametrize(
    "routine",
    [
        "daily stand-up",
        "{routine}",
        "{team} sync",
        "[bold]budget review[/bold]",
        "100% {0} \\n review",
    ],
)
def test_render_fills_the_routine_literally(routine: str) -> None:
    assert ROUTINE_CARD.render(routine) == "How could a customer open the " + routine + "?"


def test_render_fills_every_slot() -> None:
    card = PromptCard(id="r2", kind=CardKind.ROUTINE, text="Before the {routine}, after the {routine}")

    assert card.render("stand-up") == "Before the stand-up, after the stand-up"


@pytest.mark.parametrize("routine", [None, ""])
def test_render_refuses_a_missing_routine(routine: str | None) -> None:
    with pytest.raises(ValueError, match="card r1 needs a routine"):
        ROUTINE_CARD.render(routine)


@pytest.mark.parametrize("kind", [CardKind.QUESTION, CardKind.PERSPECTIVE, CardKind.STIMULUS])
def test_render_leaves_other_cards_as_written(kind: CardKind) -> None:
    card = PromptCard(id="c1", kind=kind, text="Who is the [bold]customer[/bold] here?")

    assert card.render() == "Who is the [bold]customer[/bold] here?"
    assert card.render("daily stand-up") == "Who is the [bold]customer[/bold] here?"


# --- plans and the decks they name -------------------------------------------------------------


def test_a_plan_naming_a_missing_deck_says_so_with_its_other_problems(tmp_path: Path) -> None:
    def break_plan(p: Data) -> None:
        p["decks"] = ["customer-voise"]
        p["phases"][0]["decks"] = ["nowhere"]
        p["phases"][1]["timer"] = True

    broken = write_toml(tmp_path / "plans" / "broken.toml", changed(plan_data(), break_plan))

    catalog = load_layers(Plan, [tmp_path / "plans"], decks=["customer-voice"])

    assert catalog.items == {}
    assert [(p.field, p.where, p.reason) for p in catalog.problems] == [
        ("decks", None, 'there is no deck "customer-voise" (did you mean "customer-voice"?); known decks: customer-voice'),
        ("phases[0].decks", "phase 1 (warm-up)", 'there is no deck "nowhere"; known decks: customer-voice'),
        ("phases[1].timer", "phase 2 (diverge)", 'unknown key "timer"; a phase has kind, minutes, rounds, title, decks, kinds and silent_seconds'),
    ]
    assert all(p.path == broken for p in catalog.problems)


def test_a_deck_name_that_is_not_an_id_is_one_problem_not_two(tmp_path: Path) -> None:
    write_toml(tmp_path / "plans" / "broken.toml", changed(plan_data(), lambda p: p.update(decks=["Customer Voice"])))

    catalog = load_layers(Plan, [tmp_path / "plans"], decks=["customer-voice"])

    assert [(p.field, p.reason.split(" must")[0]) for p in catalog.problems] == [("decks[0]", '"Customer Voice" in decks')]



def test_every_fits_problem_is_named_in_plain_words_with_its_card(tmp_path: Path) -> None:
    def break_fits(d: Data) -> None:
        d["prompts"][0]["fits"] = ["meetings"]  # a question card
        d["prompts"][1]["fits"] = ["meeting", "any"]  # misspelt
        d["prompts"] += [
            {"id": "r2", "kind": "routine", "text": "Who chairs {routine}?", "fits": "meetings"},
            {"id": "r3", "kind": "routine", "text": "Who speaks in {routine}?", "fits": ["people", "people"]},
        ]

    broken = write_toml(tmp_path / "decks" / "broken.toml", changed(deck_data(), break_fits))

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert [(p.where, p.reason) for p in catalog.problems] == [
        ("card q1", "only cards with the {routine} slot have fits: the others never show a routine"),
        ("card r1", '"meeting" in fits is not one of meetings, ceremonies, one-to-ones, people, own-week, any (did you mean "meetings"?)'),
        ("card r2", 'fits must be a list such as ["a", "b"], not "meetings"'),
        ("card r3", "fits names a kind of routine twice"),
    ]
    assert all(p.path == broken and p.line for p in catalog.problems)
    fine = write_toml(tmp_path / "good" / "good.toml", changed(deck_data(), lambda d: d["prompts"][1].update(fits=["ceremonies", "own-week"])))
    assert isinstance(load_file(Deck, fine), Deck)


def test_no_deck_may_take_the_id_of_a_session_s_customer_evidence(tmp_path: Path) -> None:
    write_toml(tmp_path / "decks" / "customer-evidence.toml", deck_data(deck_id="customer-evidence"))

    catalog = load_layers(Deck, [tmp_path / "decks"])

    assert "customer-evidence" not in catalog
    [problem] = catalog.problems
    assert problem.field == "id" and "the app's own, for a session's customer evidence" in problem.reason

"""No deck or plan file can crash or hang a reader, and every problem in one is a plain line.

Each fault a tester found is tried both where a coach checks a file (`decks validate`) and where
the app reads its folders at start-up (`load_decks`), because either one failing stops the coach.
A FIFO would block the reader forever, so those tests run in a subprocess with a timeout: a
regression fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator import catalog
from facilitator.catalog import (
    LoadProblem,
    builtin_dir,
    load_decks,
    load_file,
    load_layers,
    user_dir,
    validate_paths,
)
from facilitator.cli import main
from facilitator.models import Deck, Plan
from facilitator.text import is_clean
from facilitator.workspace import Workspace
from tests.fuzzing import mutated

GOOD_DECK = """\
id = "good"
title = "A good deck"
trait = "Listens"
summary = "Fine."

[[prompts]]
id = "g1"
kind = "question"
text = "Who did we hear?"
"""

GOOD_PLAN = """\
id = "short"
title = "Short"
minutes = 5
decks = ["good"]

[[phases]]
kind = "warm-up"
minutes = 3
decks = ["good"]

[[phases]]
kind = "close"
minutes = 2
"""


def validate(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, list[str]]:
    """Run `facilitator ARGV` in-process: the exit code, stdout and the lines on stderr."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


def problems_of(result: object) -> list[str]:
    assert isinstance(result, list), result
    return [str(p) for p in result]


def in_user_decks(name: str) -> Path:
    folder = user_dir("decks")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def assert_builtin_decks_still_load(loaded: catalog.Catalog[Deck]) -> None:
    assert len(loaded) >= 10
    assert [p for p in loaded.problems if p.path.parent == builtin_dir("prompts")] == []


# --- nesting -----------------------------------------------------------------------------------

DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"


def test_deep_nesting_is_one_line_in_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(DEEP, encoding="utf-8")

    code, out, err = validate(capsys, "decks", "validate", path)

    assert (code, out) == (1, "")
    assert err == [f"{path}:1: nested more than 32 levels deep"]


def test_deep_nesting_in_the_user_deck_folder_is_skipped_at_start_up() -> None:
    path = in_user_decks("deep.toml")
    path.write_text(DEEP, encoding="utf-8")

    loaded = load_decks()

    assert [str(p) for p in loaded.problems] == [f"{path}:1: nested more than 32 levels deep"]
    assert_builtin_decks_still_load(loaded)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = " + "{a = " * 3000 + "1" + "}" * 3000, id="inline-tables"),
        pytest.param("a" + ".b" * 200_000 + " = 1", id="long-dotted-key"),
        pytest.param("[" + "a." * 200_000 + "b]", id="long-table-header"),
    ],
)
def test_other_deep_or_slow_nesting_is_refused_before_parsing(tmp_path: Path, text: str) -> None:
    """The scan refuses these before the TOML parser sees them (it would take seconds on them);
    how fast that is belongs to the benchmarks, not here."""
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")

    result = load_file(Deck, path)

    assert problems_of(result) == [f"{path}:1: nested more than 32 levels deep"]


def test_nesting_in_strings_and_comments_is_not_counted(tmp_path: Path) -> None:
    brackets = "[" * 40 + "{" * 40 + "." * 40
    text = GOOD_DECK.replace('"Fine."', f'"{brackets}" # {brackets}\nversion = \'{brackets}\'')
    path = tmp_path / "odd.toml"
    path.write_text(text, encoding="utf-8")

    assert isinstance(load_file(Deck, path), Deck)


def test_a_recursion_error_never_escapes_even_without_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "MAX_DEPTH", 10**9)
    path = tmp_path / "deep.toml"
    path.write_text(DEEP, encoding="utf-8")

    assert "nested more than" in problems_of(load_file(Deck, path))[0]


# --- things that are not plain files -----------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def run_facilitator(*argv: object, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process that may not hang: a blocked read fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "facilitator", *map(str, argv)],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@needs_fifo
def test_a_fifo_is_reported_by_validate_and_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)

    result = run_facilitator("decks", "validate", fifo, tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{fifo}: a named pipe, not a file; only plain files are read"]


@needs_fifo
def test_a_fifo_in_the_user_deck_folder_does_not_hold_up_start_up() -> None:
    os.mkfifo(in_user_decks("pipe.toml"))

    result = run_facilitator("decks", "list")

    assert result.returncode == 0
    assert "pipe.toml: a named pipe, not a file" in result.stderr
    assert "frontline" in result.stdout


def test_a_device_is_reported_and_not_read() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")

    problems = problems_of(load_file(Deck, Path("/dev/zero")))

    assert problems == ["/dev/zero: a device, not a file; only plain files are read"]


def test_a_symlink_loop_is_reported_in_validate_and_at_start_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    loop = folder / "loop.toml"
    loop.symlink_to("loop.toml")
    (folder / "self.toml").symlink_to(".")
    (folder / "good.toml").write_text(GOOD_DECK, encoding="utf-8")

    code, out, err = validate(capsys, "decks", "validate", folder, loop)

    assert code == 1
    assert out == f"ok {folder / 'good.toml'} (good)\n"
    assert err == [f"{loop}: a link that loops back on itself", f"{folder / 'self.toml'}: a folder, not a file"]
    user_loop = in_user_decks("loop.toml")
    user_loop.symlink_to("loop.toml")
    assert [str(p) for p in load_decks().problems] == [f"{user_loop}: a link that loops back on itself"]


def test_a_dangling_link_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "gone.toml"
    link.symlink_to(tmp_path / "deleted.toml")

    assert problems_of(load_file(Deck, link)) == [f"{link}: a link to something that does not exist"]


def test_a_folder_named_like_a_deck_is_not_silently_ok(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "x.toml"
    folder.mkdir()

    code, _, err = validate(capsys, "decks", "validate", folder)

    assert code == 1
    assert err == [f"{folder}: a folder with no .toml files in it"]
    inside = in_user_decks("y.toml")
    inside.mkdir()
    assert [str(p) for p in load_decks().problems] == [f"{inside}: a folder, not a file"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * 1_100_000)

    assert problems_of(load_file(Deck, path)) == [f"{path}: too big for a deck or plan (1.1 MB; the limit is 1 MB)"]


# --- text encoding -----------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_DECK.encode())

    assert isinstance(load_file(Deck, path), Deck)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            b'id = "a"\ntitle = "b"\ntrait = "caf\xff"\n', ":3: not UTF-8 text (byte 0xff); save it as UTF-8", id="not-utf-8"
        ),
        pytest.param(b'id = "a"\ntitle = "b\x00"\n', ":2: a NUL (zero) byte, which a text file never holds", id="nul"),
        pytest.param("id = 1".encode("utf-16"), ":1: saved as UTF-16 text; save it as UTF-8", id="utf-16"),
        pytest.param(b"x = " + b"1" * 5000, ": not valid TOML: a number is far too long", id="huge-number"),
    ],
)
def test_bytes_that_are_not_text_are_named_with_their_line(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)

    assert problems_of(load_file(Deck, path)) == [f"{path}{problem}"]


# --- every problem at once, in plain words -----------------------------------------------------

MANY_MISTAKES = """\
id = "Foo Bar"
title = "A deck"
summary = "x"
langauge = "en"

[[sources]]
title = "An article"
year = "twenty"

[[prompts]]
id = "lat-q1"
kind = "question"
text = "What?"

[[prompts]]
id = "lat-q5"
kind = "qestion"
txet = "Where?"

[[prompts]]
id = "lat-r1"
kind = "routine"
text = "   "
colour = "blue"
"""


def test_every_problem_in_a_file_is_a_plain_line_with_its_line_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "x.toml"
    path.write_text(MANY_MISTAKES, encoding="utf-8")

    code, out, err = validate(capsys, "decks", "validate", path)

    assert (code, out) == (1, "")
    assert err == [
        f"{path}: trait is missing; every deck needs one",
        f'{path}:1: id "Foo Bar" must be lower-case letters, digits and dashes, starting with a letter or digit',
        f'{path}:4: unknown key "langauge" (did you mean "language"?)',
        f'{path}:8: source 1: year must be a whole number, not "twenty"',
        (
            f'{path}:17: card lat-q5: kind "qestion" is not one of question, routine, perspective, stimulus, reversal, job, journey, try-it'
            ' (did you mean "question"?)'
        ),
        f'{path}:18: card lat-q5: unknown key "txet" (did you mean "text"?)',
        f"{path}:23: card lat-r1: the text is empty",
        f'{path}:24: card lat-r1: unknown key "colour"; a card has id, kind, text, source and fits',
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            'id = "x"\ntitle = Hello\n',
            ':2: not valid TOML: the value after = is not valid (text needs quotes, like "this")',
            id="unquoted",
        ),
        pytest.param(
            'id = "x"\ntitle = "Hello\n', ":2: not valid TOML: a text has no closing quote on its line", id="unclosed"
        ),
        pytest.param('id = "x"\nid = "y"\n', ":2: not valid TOML: a key is set twice", id="twice"),
        pytest.param(
            'id = "x"\n[[prompts]\n', ":2: not valid TOML: a [[list]] header is not closed with ]]", id="header"
        ),
    ],
)
def test_toml_mistakes_are_plain_words_with_the_line(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")

    assert problems_of(load_file(Deck, path)) == [f"{path}{problem}"]


def test_a_hostile_key_or_value_cannot_put_escapes_on_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(
        GOOD_DECK.replace('id = "good"', 'id = "\\u001b]0;owned\\u0007Bad Id"') + '"\\u001b[2J\\u009bwipe" = 1\n',
        encoding="utf-8",
    )

    lines = problems_of(load_file(Deck, path))

    assert len(lines) == 2
    assert all(is_clean(line) and "\x1b" not in line for line in lines)
    assert "must be lower-case letters" in lines[0] and "unknown key" in lines[1]


# --- many broken cards ------------------------------------------------------------------------


def up_to_the_size_limit(head: str, card: str) -> tuple[str, int]:
    """`head` and as many copies of `card` as stay under `MAX_BYTES`, and how many that is."""
    count = (catalog.MAX_BYTES - len(head) - 10) // len(card)
    return head + card * count, count


BROKEN_CARD = "[[prompts]]\nzz = 1\n"
"""A card with an unknown key and none of the three it needs: four problems."""


def many_broken_cards() -> list[object]:
    head = 'id = "x"\n'
    full, count = up_to_the_size_limit(head, BROKEN_CARD)
    inline, empty = up_to_the_size_limit(head + "prompts = [", "{},")
    return [
        pytest.param(head + BROKEN_CARD * 5000, 4 * 5000, 20, id="5000-cards"),
        pytest.param(full, 4 * count, 60, id="1MB-of-cards"),
        pytest.param(inline + "]\n", 3 * empty, 60, id="1MB-of-empty-inline-cards"),
    ]


@pytest.mark.parametrize(("text", "card_problems", "timeout"), many_broken_cards())
def test_a_file_of_thousands_of_broken_cards_is_checked_without_hanging(
    tmp_path: Path, text: str, card_problems: int, timeout: float
) -> None:
    """Each problem used to be compared with every other one: 5,000 cards took a minute, 1 MB
    hours. Run in a fresh process with a generous timeout, so a regression fails, not hangs."""
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= catalog.MAX_BYTES

    result = run_facilitator("decks", "validate", path, timeout=timeout)

    assert (result.returncode, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    assert len(lines) == 51
    assert lines[0] == f"{path}: title is missing; every deck needs one"
    assert lines[-1] == f"{path}: and {card_problems + 3 - 50} more problems"  # title, trait and summary too


def test_a_file_of_thousands_of_broken_cards_does_not_hold_up_start_up() -> None:
    path = in_user_decks("many.toml")
    path.write_text(up_to_the_size_limit('id = "x"\n', BROKEN_CARD)[0], encoding="utf-8")

    result = run_facilitator("decks", "list", timeout=60)

    assert result.returncode == 0
    assert "frontline" in result.stdout
    assert f"{path}: and " in result.stderr


def test_repeated_misspelt_cards_are_each_named_and_so_is_their_repeated_id(tmp_path: Path) -> None:
    path = tmp_path / "typos.toml"
    path.write_text(GOOD_DECK + '\n[[prompts]]\nid = "t"\nknid = "question"\ntxet = "Why?"\n' * 3, encoding="utf-8")

    lines = problems_of(load_file(Deck, path))

    knid, txet = 'unknown key "knid" (did you mean "kind"?)', 'unknown key "txet" (did you mean "text"?)'
    twice = "this card id is used twice in the deck"
    assert lines == [
        f"{path}:13: card t: {knid}",
        f"{path}:14: card t: {txet}",
        f"{path}:16: card t: {twice}",
        f"{path}:18: card t: {knid}",
        f"{path}:19: card t: {txet}",
        f"{path}:21: card t: {twice}",
        f"{path}:23: card t: {knid}",
        f"{path}:24: card t: {txet}",
    ]


# --- plans and the decks they name -------------------------------------------------------------


def test_a_plan_naming_a_missing_deck_is_invalid_with_the_known_decks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    decks, plans = tmp_path / "decks", tmp_path / "plans"
    decks.mkdir()
    plans.mkdir()
    (decks / "good.toml").write_text(GOOD_DECK, encoding="utf-8")
    plan = plans / "short.toml"
    plan.write_text(GOOD_PLAN.replace('decks = ["good"]\n\n', 'decks = ["goood"]\n\n', 1), encoding="utf-8")

    code, out, err = validate(capsys, "--decks", decks, "plans", "validate", plan)

    assert (code, out, len(err)) == (1, "", 1)
    assert err[0].startswith(f'{plan}:4: there is no deck "goood" (did you mean "good"?); known decks: ')
    assert "frontline" in err[0] and "good" in err[0]
    assert validate(capsys, "--decks", decks, "plans", "validate", plans.parent / "plans")[0] == 1
    plan.write_text(GOOD_PLAN, encoding="utf-8")
    assert validate(capsys, "--decks", decks, "plans", "validate", plan)[:2] == (0, f"ok {plan} (short)\n")


def test_a_plan_naming_a_missing_deck_is_skipped_at_start_up(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "short.toml"
    plan.write_text(GOOD_PLAN, encoding="utf-8")

    loaded = Workspace(store_path=tmp_path / "store.json", plan_dirs=[plans]).plans

    assert "short" not in loaded
    assert [p.line for p in loaded.problems] == [4, 9]
    assert loaded.problems[1].where == "phase 1 (warm-up)"
    assert load_layers(Plan, [plans], decks=["good"]).problems == []


# --- any bytes at all --------------------------------------------------------------------------

REAL_FILES = [p.read_bytes() for p in sorted(builtin_dir("prompts").glob("*.toml"))[:4]] + [
    p.read_bytes() for p in sorted(builtin_dir("sessions").glob("*.toml"))[:2]
]
TRICKY = [b"[", b"{", b"]", b'"', b"'", b'"""', b"=", b".", b"\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\x1b[31m",
          b"\n[[prompts]]\n", b"\n[[phases]]\n", b'kind = "x"\n', b"id = 1\n", b"\r", b"#", b"\\u0000"]


def mutated_files() -> st.SearchStrategy[bytes]:
    """A real deck or plan with a few bytes inserted, deleted or repeated."""
    return mutated(REAL_FILES, TRICKY, 200)


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "file.toml"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000) | mutated_files(), model=st.sampled_from([Deck, Plan]))
def test_any_bytes_give_a_model_or_plain_problem_lines(
    fuzz_file: Path, content: bytes, model: type[Deck | Plan]
) -> None:
    fuzz_file.write_bytes(content)

    result = load_file(model, fuzz_file, decks=["frontline"])

    if not isinstance(result, model):
        assert isinstance(result, list) and result
        for problem in result:
            assert isinstance(problem, LoadProblem)
            line = str(problem)
            assert line.startswith(str(fuzz_file)) and is_clean(line) and "\n" not in line


def test_validate_paths_on_every_fault_at_once_returns_a_result_per_file(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text(DEEP, encoding="utf-8")
    (tmp_path / "loop.toml").symlink_to("loop.toml")
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "nul.toml").write_bytes(b"\x00")
    (tmp_path / "good.toml").write_text(GOOD_DECK, encoding="utf-8")

    results = dict(validate_paths(Deck, [tmp_path, tmp_path / "missing.toml"]))

    assert isinstance(results.pop(tmp_path / "good.toml"), Deck)
    assert {path.name: len(problems_of(r)) for path, r in results.items()} == {
        "deep.toml": 1, "loop.toml": 1, "dir.toml": 1, "nul.toml": 1, "missing.toml": 1
    }

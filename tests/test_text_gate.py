"""The text gate: no escape sequence or control character from a person or a file reaches a
terminal, on the way in (typing, paste, files, the store) or out (screens, the command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.cli import main
from facilitator.models import Action, Idea, Session, SessionStatus
from facilitator.store import Store
from facilitator.text import clean, is_clean

REPO = Path(__file__).resolve().parent.parent

# What an attacker (or an unlucky paste) puts in an idea, a title, a name or a deck's card.
HOSTILE = {
    "bell": ("abc\x07def", "abcdef"),
    "window title (OSC 0)": ("a\x1b]0;PWNED\x07b", "ab"),
    "clipboard write (OSC 52)": ("a\x1b]52;c;UFdORUQ=\x07b", "ab"),
    "hyperlink (OSC 8)": ("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),
    "clear screen (CSI)": ("\x1b[2J\x1b[Hwiped", "wiped"),
    "colour (CSI)": ("\x1b[31mred\x1b[0m", "red"),
    "8-bit CSI": ("\x9b31mred", "red"),
    "device control string": ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),
    "application program command": ("\x1b_payload\x1b\\y", "y"),
    "bare escape": ("a\x1bcb", "ab"),
    "unterminated OSC": ("ok\x1b]0;PWNED", "ok"),
    "NUL and DEL": ("a\x00b\x7fc", "abc"),
    "C1 controls": ("a\x85b\x90c\x9cd\x9fe", "a bd"),  # NEL breaks the line; DCS ... ST and APC go whole
    "bidi override": ("\u202eevil\u202c.txt", "evil.txt"),
    "bidi isolate": ("\u2067x\u2069", "x"),
    "tab": ("a\tb", "a b"),
    "line breaks": ("a\r\nb\rc\u2028d", "a b c d"),
    "lone surrogate": ("a\ud800b", "a\ufffdb"),
}
KEPT = ["Invite [bold]Ana[/] to the demo", "[@click=app.quit]quit[/]", "Café ✓ 客户 👩‍💻", "a\u200db"]


def _terminal_safe(text: str, *, lines: bool = False) -> bool:
    """No control character (but newlines where kept), no bidi control, no surrogate."""
    for char in text:
        if char == "\n" and lines:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            return False
    return True


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_loses_the_sequence_whole_and_keeps_the_words(name: str) -> None:
    raw, expected = HOSTILE[name]
    assert clean(raw) == expected
    assert "PWNED" not in clean(raw)


@pytest.mark.parametrize("text", KEPT)
def test_markup_and_ordinary_unicode_pass_unchanged(text: str) -> None:
    assert clean(text) == text
    assert is_clean(text)


def test_newlines_are_kept_only_where_a_field_keeps_lines() -> None:
    assert clean("one\r\ntwo\tthree", lines=True) == "one\ntwo three"
    assert clean("one\r\ntwo") == "one two"


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())), st.booleans())
def test_any_text_comes_out_terminal_safe_and_the_gate_is_idempotent(text: str, lines: bool) -> None:
    once = clean(text, lines=lines)
    assert _terminal_safe(once, lines=lines)
    assert clean(once, lines=lines) == once
    printable = [c for c in text if c.isprintable() and c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    if "\x1b" not in text and not any("\x80" <= c <= "\x9f" for c in text):
        # With no escape sequence to take arguments away, every printable character stays, in order.
        kept = iter(once)
        assert all(any(c == k for k in kept) for c in printable)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda t: clean(t).strip()))
def test_any_idea_round_trips_through_the_store_and_is_listed_with_no_control_characters(tmp_path_factory, text: str) -> None:
    store = Store(tmp_path_factory.mktemp("store") / "store.json")
    session = Session(plan="quick-reflection", title=text, team=text, status=SessionStatus.CLOSED)
    session.ideas.append(Idea(text=text, author=text, round=0))
    session.actions.append(Action(text=text, owner=text))
    store.save_session(session)
    (back,) = store.sessions()
    assert back.ideas[0].text == clean(text).strip() == session.ideas[0].text
    assert back.title == session.title == clean(text).strip() and back.actions[0].owner == clean(text)
    assert _terminal_safe(back.title) and _terminal_safe(back.ideas[0].text)


# --- on the way in ----------------------------------------------------------------------------


def test_typed_and_stored_text_is_cleaned_as_it_enters_a_model() -> None:
    idea = Idea(text="abc\x07def \x1b]0;PWNED\x07", author="Ana\x1b[2J", round=0)
    assert (idea.text, idea.author) == ("abcdef", "Ana")
    idea.text = "then \x1b]52;c;eA==\x07changed"  # assignments pass the gate too
    assert idea.text == "then changed"


def _hostile_store(path: Path) -> Session:
    """A store written raw, as an older version (or an attacker) could have left it."""
    from tests.helpers import rewrite, session_file_of

    session = Session(plan="quick-reflection", title="TITLE", team="TEAM", status=SessionStatus.CLOSED)
    session.ideas.append(Idea(text="IDEA", author="WHO", round=0))
    session.actions.append(Action(text="ACTION", owner="WHO"))
    Store(path).save_session(session)
    file = session_file_of(path, session.id)
    raw = file.read_text(encoding="utf-8")
    for word in ("TITLE", "TEAM", "IDEA", "WHO", "ACTION"):
        raw = raw.replace(f'"{word}"', json.dumps(f"{word}\x1b]0;PWNED\x07\x1b[2J\x07!"))
    rewrite(file, raw.encode())
    assert "\\u001b]0;PWNED" in file.read_text(encoding="utf-8")
    return session


def test_stored_text_written_before_the_gate_is_clean_when_read(store_path: Path) -> None:
    _hostile_store(store_path)
    (session,) = Store(store_path).sessions()
    assert session.title == "TITLE!" and session.ideas[0].text == "IDEA!" and session.actions[0].owner == "WHO!"


# --- on the way out: the command line -----------------------------------------------------------


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command, its raw bytes: what a terminal would receive."""
    return subprocess.run(
        [sys.executable, "-m", "facilitator", *args],
        capture_output=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def _raw_is_clean(data: bytes) -> bool:
    text = data.decode("utf-8")
    return _terminal_safe(text, lines=True) and "PWNED" not in text


def test_sessions_and_actions_commands_print_no_escape_from_the_store(store_path: Path) -> None:
    session = _hostile_store(store_path)
    for args in (("sessions", "list"), ("sessions", "show", session.id), ("actions", "list")):
        result = _run_cli(*args, "--store", str(store_path))
        assert result.returncode == 0, result.stderr
        assert _raw_is_clean(result.stdout) and _raw_is_clean(result.stderr), args
        assert b"ACTION!" in result.stdout or b"TITLE!" in result.stdout


def test_deck_commands_print_no_escape_from_a_deck_file(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "evil.toml").write_text(
        'id = "evil"\ntitle = "Evil \\u001b]0;PWNED\\u0007deck"\ntrait = "t\\u0007"\n'
        'summary = "line one\\u001b[2J\\nline two"\n'
        '[[prompts]]\nid = "q1"\nkind = "question"\ntext = "What \\u001b]52;c;UFdORUQ=\\u0007now?"\n',
        encoding="utf-8",
    )
    for args in (("decks", "list"), ("decks", "show", "evil")):
        result = _run_cli(*args, "--decks", str(folder))
        assert result.returncode == 0, result.stderr
        assert _raw_is_clean(result.stdout) and _raw_is_clean(result.stderr), args
    assert b"What now?" in result.stdout and b"line one\nline two" in result.stdout


def test_whatever_a_command_prints_passes_the_gate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence: even a message that quotes raw input is cleaned."""
    monkeypatch.setattr("facilitator.cli.decks_list", lambda ws, args: print("raw \x1b]0;PWNED\x07 text") or 0)
    assert main(["decks", "list"]) == 0
    assert capsys.readouterr().out == "raw  text\n"


def test_output_into_a_closed_pipe_ends_quietly(store_path: Path) -> None:
    """`facilitator actions list | head -1`: no "Broken pipe" message, the status a shell shows
    for a tool that stopped on SIGPIPE."""
    process = subprocess.Popen(
        [sys.executable, "-m", "facilitator", "decks", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    error = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert error == b""


# --- on the way out: the screens ------------------------------------------------------------------


async def test_a_pasted_bell_or_escape_never_reaches_the_idea_or_the_wall(store_path: Path, clock) -> None:
    from textual import events

    from tests.helpers import journal_file, new_app, shown, start

    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        box = app.screen.query_one("#idea-input")
        box.post_message(events.Paste("abc\x07def \x1b]0;PWNED\x07ok"))
        await pilot.pause()
        assert box.value == "abcdef ok"
        await pilot.press("enter")
        await pilot.pause()
        assert "abcdef ok" in shown(app) and _terminal_safe(shown(app), lines=True)
        assert [idea.text for idea in app.live.session.ideas] == ["abcdef ok"]
        session_id = app.live.session.id
    journal = journal_file(store_path, session_id).read_text(encoding="utf-8")
    assert "abcdef ok" in journal and "\\u0007" not in journal and "PWNED" not in journal


async def test_home_and_summary_show_hostile_stored_text_cleaned(store_path: Path, clock) -> None:
    from facilitator.screens.summary import SummaryScreen
    from tests.helpers import new_app, settled, shown

    _hostile_store(store_path)
    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)  # a store written by hand has no index yet: it is listed once open
        home = shown(app)
        assert "TITLE!" in home and "PWNED" not in home and _terminal_safe(home, lines=True)
        app.screen.query_one("#sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = shown(app)
        assert "ACTION!" in summary and "PWNED" not in summary and _terminal_safe(summary, lines=True)


async def test_a_pasted_escape_never_reaches_a_title_or_a_name_at_set_up(store_path: Path, clock) -> None:
    from textual import events

    from tests.helpers import new_app, settled

    app = new_app(store_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for field in ("title", "team", "facilitator", "participants"):
            box = app.screen.query_one(f"#{field}")
            box.value = ""
            box.post_message(events.Paste(f"{field}\x1b]0;PWNED\x07\x07 ok"))
        await pilot.pause()
        for field in ("title", "team", "facilitator", "participants"):
            assert app.screen.query_one(f"#{field}").value == f"{field} ok"  # on screen as it will be kept
        await pilot.press("ctrl+s")
        await settled(pilot)
        session = app.live.session
        assert (session.title, session.team, session.facilitator) == ("title ok", "team ok", "facilitator ok")
        assert session.participants == ["participants ok"]


def test_a_command_with_its_output_closed_by_the_shell_ends_quietly(tmp_path: Path) -> None:
    """`facilitator sessions list >&-`: Python sees no standard output at all; not a crash."""
    result = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m facilitator decks list >&-'],
        capture_output=True, timeout=60, cwd=REPO, env={**os.environ, "FACILITATOR_STATE": str(tmp_path / "state")},
    )
    assert result.returncode == 0 and result.stderr == b""
    assert not (tmp_path / "state").exists()

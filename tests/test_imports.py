"""Reading sessions from an exported file: what `json_text` and `history_json` write reads back to
equal models; a file with anything wrong is refused whole, in one plain line that says where."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from facilitator.exports import history_json, json_text
from facilitator.imports import MAX_IMPORT_BYTES, ImportProblem, read_sessions, read_sessions_file
from facilitator.models import (
    Action,
    ActionState,
    Cluster,
    FollowUp,
    Idea,
    PhaseClock,
    Round,
    Session,
    Vote,
)
from facilitator.text import is_clean
from facilitator.vocabulary import ActionStatus, Cadence, PromptKind, SessionStatus

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _session(number: int, ideas: int = 3) -> Session:
    """A session with something in every list, so a round trip covers every model."""
    first = Idea(id=f"i{number}-0", text="Call lost customers", author="Ana", round=0, created=AT)
    return Session(
        id=f"s{number}", title=f"Retro {number}: **x** [a](b) <script>", team="Blue", plan="quick-reflection",
        participants=["Ana", "Ben"], status=SessionStatus.CLOSED, created=AT, updated=AT, seed=7,
        rounds=[Round(index=0, phase=1, kind=PromptKind.QUESTION, text="Who?", seconds=120, started=AT, ended=AT)],
        ideas=[first, *(Idea(id=f"i{number}-{n}", text=f"idea {n}", round=n, builds_on=first.id, created=AT) for n in range(1, ideas))],
        clusters=[Cluster(id=f"c{number}", name="Calls", ideas=[first.id])],
        votes=[Vote(target=f"c{number}", dots=3)],
        actions=[Action(id=f"a{number}", text="Call three", owner="Ana", routine="weekly", cadence=Cadence.WEEKLY,
                        due=date(2026, 3, 9), measure="=1+1", created=AT)],
        clock=PhaseClock(phase=2, round=0, left=-12.5, running=False, spent=300.25, at=AT),
        follow_ups=[FollowUp(action="a0", session="s0", text="Old", at=AT,
                             before=ActionState(status=ActionStatus.OPEN), after=ActionState(status=ActionStatus.DONE))],
    )


def _history(count: int = 4) -> list[Session]:
    return [_session(n) for n in range(count)]


def _document(sessions: list[Session] | None = None) -> dict[str, Any]:
    return json.loads(history_json(_history() if sessions is None else sessions))


def _raw(data: object) -> bytes:
    return json.dumps(data).encode()


def _problem(raw: bytes, **options: int) -> str:
    """The one line a bad file gives, checked to be one clean line."""
    with pytest.raises(ImportProblem) as caught:
        read_sessions(raw, **options)
    message = str(caught.value)
    assert message and "\n" not in message and "\r" not in message and is_clean(message)
    assert isinstance(caught.value, ValueError)
    return message


# --- what reads --------------------------------------------------------------------------------


def test_a_history_reads_back_to_equal_sessions_in_order() -> None:
    sessions = _history()

    assert read_sessions(history_json(sessions).encode()) == sessions


def test_one_sessions_json_reads_back_as_a_list_of_one() -> None:
    session = _session(1)

    assert read_sessions(json_text(session).encode()) == [session]


def test_a_byte_order_mark_and_an_empty_history_are_fine() -> None:
    assert read_sessions(codecs.BOM_UTF8 + history_json(_history(2)).encode()) == _history(2)
    assert read_sessions(history_json([]).encode()) == []


def test_text_with_escapes_passes_the_gate_on_the_way_in() -> None:
    document = _document(_history(1))
    document["sessions"][0]["title"] = "\x1b]0;owned\x07Retro\x1b[2J"

    assert read_sessions(_raw(document))[0].title == "Retro"


def test_a_file_is_read_without_reading_more_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text(history_json(_history(2)), encoding="utf-8")

    assert read_sessions_file(path) == _history(2)
    with pytest.raises(ImportProblem, match=r"^the file is larger than 100 bytes, the most one import reads$"):
        read_sessions_file(path, limit=100)
    with pytest.raises(ImportProblem, match=r"^the file could not be read: no such file or directory$"):
        read_sessions_file(tmp_path / "missing.json")


# --- what is refused ---------------------------------------------------------------------------


def _broken(change: Any) -> bytes:
    document = _document()
    change(document)
    return _raw(document)


def _set(path: tuple[str | int, ...], value: object) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "blank": (b" \n\t ", "the file is empty"),
    "not JSON": (b"{nope", "not valid JSON (line 1, column 2): expected a key in double quotes"),
    "cut short": (history_json(_history(1)).encode()[:200], "not valid JSON (line "),
    "not UTF-8": (b'{"title": "\xff"}', "not UTF-8 text (byte 0xff at byte 11)"),
    "a list": (b"[]", "not a facilitator session or sessions file: it holds a list, not a group of fields"),
    "a number": (b"3", "not a facilitator session or sessions file: it holds the number 3, not a group of fields"),
    "a text": (b'"hello"', 'not a facilitator session or sessions file: it holds the text "hello"'),
    "something else": (b'{"_default": {"1": {}}}', "not a facilitator session or sessions file: none of its fields are a session's"),
    "another format": (_broken(_set(("format",), "tinydb")), 'format: the text "tinydb" is not "facilitator-sessions"'),
    "a newer version": (_broken(_set(("version",), 2)), "version: written by a newer facilitator (version 2, this one reads 1)"),
    "version as text": (_broken(_set(("version",), "1")), 'version: the text "1" is not a version facilitator writes'),
    "version true": (_broken(_set(("version",), True)), "version: true or false is not a version facilitator writes"),
    "an unknown key": (_broken(_set(("sesions",), [])), 'sesions: not a field facilitator knows; a sessions file has format, version, sessions'),
    "an unknown key of escapes": (_broken(_set(("\x1b]0;x\x07k\x1b[2J",), 1)), "k: not a field facilitator knows"),
    "a key all escapes": (_broken(_set(("sessions", 0, "\x1b[2J"), 1)), "sessions[0].(an unreadable key): not a field facilitator knows"),
    "no sessions": (_broken(lambda d: d.pop("sessions")), "sessions: missing"),
    "sessions not a list": (_broken(_set(("sessions",), {"s1": {}})), "sessions: not a list but a group of fields"),
    "a session not a group": (_broken(_set(("sessions", 2), [1, 2])), "sessions[2]: not a group of fields but a list"),
    "a broken field": (_broken(_set(("sessions", 3, "ideas", 2, "round"), "two")), "sessions[3].ideas[2].round: not a whole number ('two')"),
    "a missing field": (_broken(lambda d: d["sessions"][1].pop("title")), "sessions[1].title: missing"),
    "an unknown field": (_broken(_set(("sessions", 0, "actions", 0, "colour"), "red")), "sessions[0].actions[0].colour: not a field facilitator knows"),
    "a wrong status": (_broken(_set(("sessions", 0, "actions", 0, "status"), "finished")), "sessions[0].actions[0].status: not one of 'open', 'done' or 'dropped'"),
    "a bad date": (_broken(_set(("sessions", 0, "actions", 0, "due"), "next week")), "sessions[0].actions[0].due: not a date"),
    "several problems": (_broken(lambda d: d["sessions"][1].update(title="", plan=3)), "sessions[1].title: empty ('') (and 1 more problem)"),
    "a newer schema": (_broken(_set(("sessions", 0, "schema_version"), 99)), "sessions[0].schema_version: written by a newer facilitator (schema 99"),
    "duplicate ids": (_broken(_set(("sessions", 3, "id"), "s1")), 'sessions[3].id: "s1" is also the id of sessions[1]; each session in a file needs its own'),
    "NaN in a float": (history_json(_history()).replace('"left": -12.5', '"left": NaN').encode(), "sessions[0].clock.left: not a finite number (nan)"),
    "Infinity in a float": (history_json(_history()).replace('"spent": 300.25', '"spent": -Infinity').encode(), "sessions[0].clock.spent: not a finite number (-inf)"),
    "NaN in a number": (_broken(_set(("sessions", 2, "seed"), "NaN")).replace(b'"NaN"', b"NaN"), "sessions[2].seed: not a finite number (nan)"),
    "NaN in a text": (json_text(_session(1)).replace('"team": "Blue"', '"team": NaN').encode(), "team: not text (nan)"),
    "deep nesting": (b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested more than 64 levels deep"),
    "deep in a session": (_broken(_set(("sessions", 1, "participants"), json.loads("[" * 70 + "]" * 70))), "nested more than 64 levels deep"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_whole_in_one_plain_line(name: str) -> None:
    raw, expected = BAD_FILES[name]

    assert _problem(raw).startswith(expected)


def test_a_file_over_the_limit_is_refused_before_it_is_parsed() -> None:
    assert _problem(b" " * (MAX_IMPORT_BYTES + 1)) == "the file is larger than 64 MB, the most one import reads"
    assert _problem(history_json(_history(1)).encode(), limit=100) == "the file is larger than 100 bytes, the most one import reads"
    assert read_sessions(json_text(_session(1)).encode(), limit=len(json_text(_session(1)).encode())) == [_session(1)]


def test_one_bad_session_after_good_ones_gives_none_of_them() -> None:
    sessions = _history(3)
    document = _document(sessions)
    document["sessions"].append({"title": "Late", "plan": "p", "ideas": [{"text": "", "round": 0}]})

    assert _problem(_raw(document)) == "sessions[3].ideas[0].text: empty ('')"

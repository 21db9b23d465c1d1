"""The review commands on a small store whose numbers are known: `export` (one session, a team's
history, an action list; every format; file, folder or standard output), `import`, `store check`,
`actions stats`, and the quick path `sessions list` and `actions list` take through the index."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

import facilitator.cli as cli_module
from facilitator.imports import read_sessions
from facilitator.index import signature
from facilitator.models import Action, ActionStatus, Cadence, Idea, Session, SessionStatus
from facilitator.store import Store, StoreLayout
from tests.helpers import edit_stored_doc, session_file_of, store_bytes, stored_docs
from tests.test_cli import row_of, table_ids

T0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
BLUE_IDS = ["blue0001", "blue0002", "blue0003"]
"""Team Blue's sessions, oldest first."""
BLUE_ACTIONS = ["b1call", "b1quot", "b1surv", "b2visi", "b2shar"]
"""Team Blue's actions, session by session (oldest first), each in its session's order."""
ALL_ACTIONS_BY_DUE = ["b1quot", "b1call", "g1ask", "b2visi", "b1surv", "b2shar"]
SESSIONS_NEWEST_FIRST = ["blue0003", "blue0002", "green001", "blue0001"]


def _action(action_id: str, text: str, **fields) -> Action:
    return Action(id=action_id, text=text, created=T0, **fields)


def known_sessions() -> list[Session]:
    """Blue: two closed sessions (five actions over decks with two traits) and a live one;
    Green: one closed session with one action."""
    closed, done, dropped = SessionStatus.CLOSED, ActionStatus.DONE, ActionStatus.DROPPED
    return [
        Session(
            id="blue0001", title="Blue January", team="Blue", facilitator="Dana", plan="quick-reflection",
            decks=["culture"], status=closed, created=datetime(2025, 1, 10, 12, 0, tzinfo=UTC),
            ideas=[Idea(id="idea0001", text="Call lost customers", round=0, created=T0)],
            actions=[
                _action("b1call", "Call three lost customers", owner="Ana", routine="stand-up", cadence=Cadence.WEEKLY, due=date(2025, 2, 3)),
                _action("b1quot", "Quote wall", owner="Ben", routine="one-to-ones", due=date(2025, 1, 20), status=done,
                        closed=datetime(2025, 1, 21, 9, 0, tzinfo=UTC)),
                _action("b1surv", "Survey everyone", status=dropped),
            ],
        ),
        Session(
            id="green001", title="Green kick-off", team="Green", plan="quick-reflection", decks=["frontline"], status=closed,
            created=datetime(2025, 1, 20, 12, 0, tzinfo=UTC),
            actions=[_action("g1ask", "Ask the frontline", owner="Cy", routine="one-to-ones", due=date(2025, 2, 15))],
        ),
        Session(
            id="blue0002", title="Blue February", team="Blue", plan="quick-reflection", decks=["culture", "frontline"],
            status=closed, created=datetime(2025, 2, 10, 12, 0, tzinfo=UTC),
            actions=[
                _action("b2visi", "Visit a store", owner="Ben", routine="Stand-up", due=date(2025, 3, 1)),
                _action("b2shar", "Share the answers", routine="stand-up", status=done),
            ],
        ),
        Session(
            id="blue0003", title="Blue March", team="Blue", plan="quick-reflection", created=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
            ideas=[Idea(id="idea0002", text="A live idea", round=0, created=T0)],
        ),
    ]




@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    store = Store(path)
    for session in known_sessions():
        store.save_session(session)
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export_bytes(cli, store_path: Path, out_dir: Path, *argv: str) -> bytes:
    """What `export ARGV` writes to a file given with `-o`."""
    target = out_dir / "export.out"
    result = cli("--store", store_path, "export", *argv, "-o", target)
    assert (result.code, result.err) == (0, ""), result.err
    assert result.out == f"wrote {target}\n"
    return target.read_bytes()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheet programs read it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def calendar_entries(data: bytes) -> dict[str, dict[str, object]]:
    """Each to-do and event of a calendar by UID: its kind, summary, status, due date, start and repeat."""
    calendar = Calendar.from_ical(data)
    entries = {}
    for kind in ("VTODO", "VEVENT"):
        for entry in calendar.walk(kind):
            entries[str(entry["uid"])] = {
                "kind": kind,
                "summary": str(entry.decoded("summary")),
                "status": str(entry.decoded("status")),
                "due": entry.decoded("due", None),
                "start": entry.decoded("dtstart", None),
                "freq": entry.decoded("rrule")["FREQ"] if "rrule" in entry else None,
            }
    return entries


# --- export: one session -----------------------------------------------------------------------


def test_export_one_session_as_a_calendar_reads_back_with_icalendar(cli, store_path: Path, out_dir: Path) -> None:
    data = export_bytes(cli, store_path, out_dir, "blue0001", "--format", "ics")

    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert calendar_entries(data) == {
        "b1call@facilitator": {"kind": "VEVENT", "summary": "Call three lost customers", "status": "CONFIRMED",
                               "due": None, "start": date(2025, 2, 3), "freq": ["WEEKLY"]},
        "b1quot@facilitator": {"kind": "VTODO", "summary": "Quote wall", "status": "COMPLETED",
                               "due": date(2025, 1, 20), "start": None, "freq": None},
        "b1surv@facilitator": {"kind": "VTODO", "summary": "Survey everyone", "status": "CANCELLED",
                               "due": None, "start": None, "freq": None},
    }


def test_export_a_calendar_to_standard_output_reads_back_the_same(cli, store_path: Path, out_dir: Path) -> None:
    in_file = export_bytes(cli, store_path, out_dir, "blue0001", "--format", "ics")

    result = cli("--store", store_path, "export", "blue0001", "--format", "ics", "-o", "-")

    assert (result.code, result.err) == (0, "")
    assert calendar_entries(result.out.encode("utf-8")) == calendar_entries(in_file)


def test_export_one_session_as_html_is_a_whole_page_with_the_title_escaped(cli, store_path: Path, out_dir: Path) -> None:
    title = '<script>alert("x")</script> & [bold]Co[/]'
    Store(store_path).save_session(Session(id="hostile1", title=title, team="Red", plan="quick-reflection", status=SessionStatus.CLOSED))

    page = export_bytes(cli, store_path, out_dir, "hostile1", "--format", "html").decode("utf-8")

    assert page.startswith("<!DOCTYPE html>\n<html")
    assert page.rstrip().endswith("</body>\n</html>")
    assert "<head>" in page and "<body>" in page
    escaped = html.escape(title, quote=True)
    assert f"<title>{escaped}</title>" in page
    assert f"<h1>{escaped}</h1>" in page
    assert "<script" not in page and 'alert("x")' not in page


# --- export: a team's history ------------------------------------------------------------------


def test_export_team_json_reads_back_as_the_stored_sessions_oldest_first(cli, store_path: Path, out_dir: Path) -> None:
    data = export_bytes(cli, store_path, out_dir, "--team", "blue", "--format", "json")

    store = Store(store_path)
    assert read_sessions(data) == [store.session(session_id) for session_id in BLUE_IDS]


def test_export_team_markdown_has_a_section_per_session_oldest_first(cli, store_path: Path, out_dir: Path) -> None:
    text = export_bytes(cli, store_path, out_dir, "--team", "Blue", "--format", "md").decode("utf-8")

    assert text.startswith("# Sessions of team Blue\n\n3 sessions, 2025-01-10 to 2025-03-01\n")
    positions = [text.index(f"\n## {title}\n") for title in ("Blue January", "Blue February", "Blue March")]
    assert positions == sorted(positions)
    assert "- [ ] Call three lost customers (owner Ana; due 2025-02-03; weekly)" in text
    assert "Green" not in text and "Ask the frontline" not in text


def test_export_team_csv_has_one_row_per_action_of_the_team(cli, store_path: Path, out_dir: Path) -> None:
    rows = csv_rows(export_bytes(cli, store_path, out_dir, "--team", "BLUE", "--format", "csv"))

    assert [(r["session"], r["action"]) for r in rows] == [
        ("blue0001", "Call three lost customers"), ("blue0001", "Quote wall"), ("blue0001", "Survey everyone"),
        ("blue0002", "Visit a store"), ("blue0002", "Share the answers"),
    ]
    assert {r["team"] for r in rows} == {"Blue"}
    assert [r["status"] for r in rows] == ["open", "done", "dropped", "open", "done"]


def test_export_team_calendar_holds_every_action_of_the_team(cli, store_path: Path, out_dir: Path) -> None:
    entries = calendar_entries(export_bytes(cli, store_path, out_dir, "--team", "Blue", "--format", "ics"))

    assert sorted(entries) == sorted(f"{a}@facilitator" for a in BLUE_ACTIONS)
    assert entries["b2visi@facilitator"]["due"] == date(2025, 3, 1)


def test_export_team_html_is_the_teams_progress_report(cli, store_path: Path, out_dir: Path) -> None:
    page = export_bytes(cli, store_path, out_dir, "--team", "blue", "--format", "html").decode("utf-8")

    assert page.startswith("<!DOCTYPE html>\n")
    assert "<title>Progress of team Blue</title>" in page
    assert "2 closed sessions from 2025-01-10 to 2025-02-10 · 5 actions made, 2 done (40%), 1 dropped, 2 open" in page
    assert "Ask the frontline" not in page  # Green's


# --- export: an action list --------------------------------------------------------------------


def test_export_actions_csv_gives_exactly_the_matching_rows(cli, store_path: Path, out_dir: Path) -> None:
    rows = csv_rows(export_bytes(cli, store_path, out_dir, "--actions", "--team", "blue", "--status", "open", "--format", "csv"))

    assert rows == [
        {"session": "blue0001", "date": "2025-01-10", "team": "Blue", "title": "Blue January", "action": "Call three lost customers",
         "status": "open", "owner": "Ana", "routine": "stand-up", "cadence": "weekly", "due": "2025-02-03", "measure": "",
         "said aloud": "", "customer words": ""},
        {"session": "blue0002", "date": "2025-02-10", "team": "Blue", "title": "Blue February", "action": "Visit a store",
         "status": "open", "owner": "Ben", "routine": "Stand-up", "cadence": "once", "due": "2025-03-01", "measure": "",
         "said aloud": "", "customer words": ""},
    ]


def test_export_actions_to_standard_output_is_what_the_file_holds(cli, store_path: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_file = export_bytes(cli, store_path, out_dir, "--actions", "--owner", "ben", "--format", "md")
    monkeypatch.chdir(out_dir)
    before = sorted(os.listdir(out_dir))

    result = cli("--store", store_path, "export", "--actions", "--owner", "ben", "--format", "md", "-o", "-")

    assert (result.code, result.err) == (0, "")
    assert result.out == in_file.decode("utf-8")
    assert "Visit a store" in result.out and "Quote wall" in result.out and "Call three" not in result.out
    assert sorted(os.listdir(out_dir)) == before  # no file written besides


REFUSED = {
    "action list as json": (["--actions", "--format", "json"], "an action list exports as md, csv or ics"),
    "action list as html": (["--actions", "--team", "Blue", "--format", "html"], "an action list exports as md, csv or ics"),
    "nothing said": (["--format", "md"], "say what to export"),
    "id and team": (["blue0001", "--team", "Blue"], "not more than one"),
    "filter without --actions": (["--team", "Blue", "--status", "open"], "add --actions"),
    "unknown team": (["--team", "Purple"], "no sessions of team 'Purple'"),
    "unknown session": (["zzzz"], "no session with id 'zzzz'"),
}


@pytest.mark.parametrize(("argv", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_export_refuses_in_one_line_and_writes_nothing(cli, store_path: Path, out_dir: Path, argv: list[str], says: str) -> None:
    result = cli("--store", store_path, "export", *argv, "-o", out_dir)

    assert result.code == 1
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("facilitator: error: ")
    assert says in result.err_lines[0]
    assert list(out_dir.iterdir()) == []


def test_export_to_a_folder_names_the_file_safely_after_a_hostile_title_and_team(cli, tmp_path: Path, out_dir: Path) -> None:
    path = tmp_path / "hostile" / "store.json"
    Store(path).save_session(Session(id="hostile1", title="a:b", team="../../x", plan="quick-reflection", status=SessionStatus.CLOSED,
                                     actions=[_action("h1act", "Keep it inside")]))
    around = sorted(p.name for p in tmp_path.iterdir())

    one = cli("--store", path, "export", "hostile1", "-o", out_dir)
    team = cli("--store", path, "export", "--team", "../../x", "--format", "csv", "-o", out_dir)

    assert (one.code, team.code) == (0, 0), one.err + team.err
    assert sorted(p.name for p in out_dir.iterdir()) == ["a-b.md", "x-history.csv"]
    assert one.out == f"wrote {out_dir / 'a-b.md'}\n"
    assert team.out == f"wrote {out_dir / 'x-history.csv'}\n"
    assert (out_dir / "a-b.md").read_text(encoding="utf-8").startswith("# a:b\n")
    assert [r["action"] for r in csv_rows((out_dir / "x-history.csv").read_bytes())] == ["Keep it inside"]
    assert sorted(p.name for p in tmp_path.iterdir()) == around  # nothing written beside the folder
    assert not list(tmp_path.parent.glob("x*"))  # where `../../x` from the folder would lead


# --- import ------------------------------------------------------------------------------------


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """Another, empty store to import into."""
    return tmp_path / "target" / "store.json"


def team_file(cli, store_path: Path, out_dir: Path, team: str, name: str) -> Path:
    path = out_dir / name
    result = cli("--store", store_path, "export", "--team", team, "--format", "json", "-o", path)
    assert result.code == 0, result.err
    return path


def session_files_bytes(store: Path) -> dict[str, bytes]:
    return {name: data for name, data in store_bytes(store).items() if name.startswith("sessions/")}


def test_import_into_an_empty_store_adds_all_and_again_doubles_nothing(cli, store_path: Path, out_dir: Path, target: Path) -> None:
    history = team_file(cli, store_path, out_dir, "Blue", "blue.json")

    first = cli("--store", target, "import", history)

    assert (first.code, first.err) == (0, "")
    assert first.out == f"imported {history}: 3 added, 0 updated, 0 already here\n"
    source, imported = Store(store_path), Store(target)
    assert [imported.session(s) for s in BLUE_IDS] == [source.session(s) for s in BLUE_IDS]
    assert table_ids(cli("--store", target, "sessions", "list").out) == ["blue0003", "blue0002", "blue0001"]
    before = session_files_bytes(target)

    again = cli("--store", target, "import", history)

    assert (again.code, again.err) == (0, "")
    assert again.out == f"imported {history}: 0 added, 0 updated, 3 already here\n"
    assert sorted(d["id"] for d in stored_docs(target)) == BLUE_IDS  # each once
    assert session_files_bytes(target) == before


def test_import_takes_a_later_revision_and_never_an_older_one(cli, store_path: Path, out_dir: Path, target: Path) -> None:
    older = team_file(cli, store_path, out_dir, "Blue", "older.json")
    assert cli("--store", target, "import", older).code == 0
    assert cli("--store", store_path, "actions", "done", "b1call").code == 0  # a later revision at the source
    newer = team_file(cli, store_path, out_dir, "Blue", "newer.json")

    updated = cli("--store", target, "import", newer)

    assert updated.out == f"imported {newer}: 0 added, 1 updated, 2 already here\n"
    assert Store(target).session("blue0001") == Store(store_path).session("blue0001")
    assert row_of(cli("--store", target, "actions", "list").out, "b1call")[1] == "done"

    stale = cli("--store", target, "import", older)

    assert stale.out == f"imported {older}: 0 added, 0 updated, 3 already here\n"
    assert row_of(cli("--store", target, "actions", "list").out, "b1call")[1] == "done"


def _broken_field(history: bytes) -> bytes:
    data = json.loads(history)
    data["sessions"][1]["status"] = "finished"
    return json.dumps(data).encode()


BAD_FILES = {
    "not JSON": (lambda history: b"{ not json", "nothing was imported"),
    "empty": (lambda history: b"", "the file is empty"),
    "a broken field": (_broken_field, "sessions[1].status"),
}


@pytest.mark.parametrize(("make", "says"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_import_of_a_bad_file_changes_nothing_and_says_one_line(cli, store_path: Path, out_dir: Path, target: Path, make, says: str) -> None:
    assert cli("--store", target, "import", team_file(cli, store_path, out_dir, "Green", "green.json")).code == 0
    bad = out_dir / "bad.json"
    bad.write_bytes(make(team_file(cli, store_path, out_dir, "Blue", "blue.json").read_bytes()))
    before = store_bytes(target)

    result = cli("--store", target, "import", bad)

    assert result.code == 1
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith(f"facilitator: error: {bad}: ") and line.endswith("; nothing was imported")
    assert says in line
    assert store_bytes(target) == before
    assert table_ids(cli("--store", target, "sessions", "list").out) == ["green001"]


def test_import_does_not_write_over_a_session_damaged_in_the_store(cli, store_path: Path, out_dir: Path, target: Path) -> None:
    assert cli("--store", target, "import", team_file(cli, store_path, out_dir, "Blue", "first.json")).code == 0
    damaged = edit_stored_doc(target, "blue0002", lambda doc: doc.__setitem__("participants", "not a list"))
    assert cli("--store", store_path, "actions", "done", "b2visi").code == 0  # a later revision at the source
    newer = team_file(cli, store_path, out_dir, "Blue", "newer.json")

    result = cli("--store", target, "import", newer)

    assert result.code == 1  # not everything came in: a script must see it
    assert result.out == f"imported {newer}: 0 added, 0 updated, 2 already here\n"
    assert "facilitator: session blue0002 is damaged in this store, so the imported copy was not written over it" in result.err_lines
    assert session_file_of(target, "blue0002").read_bytes() == damaged


# --- store check -------------------------------------------------------------------------------


def test_store_check_on_a_right_store_says_so(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "store", "check")

    assert (result.code, result.err) == (0, "")
    assert result.out == "the index holds 4 sessions, and was right\n"


def test_store_check_rebuilds_a_deleted_index_and_the_lists_are_right_again(cli, store_path: Path) -> None:
    sessions_before = cli("--store", store_path, "sessions", "list").out
    actions_before = cli("--store", store_path, "actions", "list").out
    index = StoreLayout.of(store_path).index
    index.unlink()

    result = cli("--store", store_path, "store", "check")

    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[-1].startswith("the index holds 4 sessions")
    assert index.is_file()
    assert table_ids(sessions_before) == SESSIONS_NEWEST_FIRST
    assert cli("--store", store_path, "sessions", "list").out == sessions_before
    assert cli("--store", store_path, "actions", "list").out == actions_before


def test_store_check_finds_a_hand_edit_the_signature_missed(cli, store_path: Path) -> None:
    path = session_file_of(store_path, "blue0001")
    st = path.stat()
    data = path.read_bytes()
    at = data.index(b'"status": "open"', data.index(b'"id": "b1call"'))
    path.write_bytes(data[:at] + b'"status": "done"' + data[at + len(b'"status": "open"'):])  # same size, still valid
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert signature(path) == f"{st.st_size}:{st.st_mtime_ns}"  # the quick signature cannot tell
    assert row_of(cli("--store", store_path, "actions", "list").out, "b1call")[1] == "open"  # so the index is behind

    result = cli("--store", store_path, "store", "check")

    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "fixed: session blue0001 was out of date in the index",
        "the index holds 4 sessions, now right",
    ]
    listed = cli("--store", store_path, "actions", "list")
    assert row_of(listed.out, "b1call")[1] == "done"
    assert table_ids(cli("--store", store_path, "actions", "list", "--status", "open").out) == ["g1ask", "b2visi"]


# --- actions stats -----------------------------------------------------------------------------


def blocks(text: str) -> dict[str, list[list[str]]]:
    """A stats report by its blocks' first lines, each block's other lines split into cells."""
    found = {}
    for block in text.strip("\n").split("\n\n"):
        first, *rest = block.splitlines()
        found[first] = [line.split() for line in rest]
    return found


def test_actions_stats_counts_per_team_session_routine_and_trait(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "stats")

    assert (result.code, result.err) == (0, "")
    assert blocks(result.out) == {
        "All teams: 3 closed sessions from 2025-01-10 to 2025-02-10": [
            ["6", "actions", "made:", "2", "done", "(33%),", "1", "dropped,", "3", "open"],
        ],
        "Team Blue": [
            ["DATE", "SESSION", "MADE", "DONE", "DROPPED", "OPEN"],
            ["2025-01-10", "Blue", "January", "3", "1", "1", "1"],
            ["2025-02-10", "Blue", "February", "2", "1", "0", "1"],
            ["total", "5", "2", "1", "2"],
        ],
        "Team Green": [
            ["DATE", "SESSION", "MADE", "DONE", "DROPPED", "OPEN"],
            ["2025-01-20", "Green", "kick-off", "1", "0", "0", "1"],
            ["total", "1", "0", "0", "1"],
        ],
        "By routine": [
            ["ROUTINE", "MADE", "DONE", "DROPPED", "OPEN", "DONE", "%"],
            ["one-to-ones", "2", "1", "0", "1", "50%"],
            ["stand-up", "3", "1", "0", "2", "33%"],
            ["Other", "1", "0", "1", "0", "0%"],
        ],
        "By trait": [
            ["TRAIT", "MADE", "DONE", "DROPPED", "OPEN", "DONE", "%"],
            ["Culture,", "not", "a", "project", "5", "2", "1", "2", "40%"],
            ["Learn", "from", "the", "frontline", "3", "1", "0", "2", "33%"],
        ],
    }


def test_actions_stats_for_one_team(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "stats", "--team", "blue")

    assert (result.code, result.err) == (0, "")
    assert blocks(result.out) == {
        "Team Blue: 2 closed sessions from 2025-01-10 to 2025-02-10": [
            ["5", "actions", "made:", "2", "done", "(40%),", "1", "dropped,", "2", "open"],
        ],
        "Team Blue": [
            ["DATE", "SESSION", "MADE", "DONE", "DROPPED", "OPEN"],
            ["2025-01-10", "Blue", "January", "3", "1", "1", "1"],
            ["2025-02-10", "Blue", "February", "2", "1", "0", "1"],
            ["total", "5", "2", "1", "2"],
        ],
        "By routine": [
            ["ROUTINE", "MADE", "DONE", "DROPPED", "OPEN", "DONE", "%"],
            ["one-to-ones", "1", "1", "0", "0", "100%"],
            ["stand-up", "3", "1", "0", "2", "33%"],
            ["Other", "1", "0", "1", "0", "0%"],
        ],
        "By trait": [
            ["TRAIT", "MADE", "DONE", "DROPPED", "OPEN", "DONE", "%"],
            ["Culture,", "not", "a", "project", "5", "2", "1", "2", "40%"],
            ["Learn", "from", "the", "frontline", "2", "1", "0", "1", "50%"],
        ],
    }


def test_actions_stats_for_a_team_without_closed_sessions_says_so(cli, store_path: Path) -> None:
    result = cli("--store", store_path, "actions", "stats", "--team", "Purple")

    assert (result.code, result.out) == (0, "No closed sessions for team Purple.\n")


# --- the quick path ----------------------------------------------------------------------------


@pytest.fixture
def quick_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each call of `_quick_index` answered from the index (True) or sent the command to the store."""
    real = cli_module._quick_index
    used: list[bool] = []

    def spy(ws, **kwargs):
        index = real(ws, **kwargs)
        used.append(index is not None)
        return index

    monkeypatch.setattr(cli_module, "_quick_index", spy)
    return used


LISTS = {
    "sessions": (["sessions", "list"], SESSIONS_NEWEST_FIRST),
    "actions": (["actions", "list"], ALL_ACTIONS_BY_DUE),
    "team": (["actions", "list", "--team", "BLUE"], ["b1quot", "b1call", "b2visi", "b1surv", "b2shar"]),
    "owner": (["actions", "list", "--owner", "ben"], ["b1quot", "b2visi"]),
    "routine": (["actions", "list", "--routine", "Stand-Up"], ["b1call", "b2visi", "b2shar"]),
    "status": (["actions", "list", "--status", "done"], ["b1quot", "b2shar"]),
}


@pytest.mark.parametrize(("argv", "ids"), LISTS.values(), ids=LISTS.keys())
def test_the_quick_path_lists_what_the_store_lists(
    cli, store_path: Path, monkeypatch: pytest.MonkeyPatch, quick_used: list[bool], argv: list[str], ids: list[str]
) -> None:
    quick = cli("--store", store_path, *argv)
    assert quick_used == [True]  # it did answer from the index
    monkeypatch.setattr(cli_module, "_quick_index", lambda ws, **kwargs: None)

    full = cli("--store", store_path, *argv)

    assert (quick.code, quick.err) == (0, "")
    assert table_ids(quick.out) == ids
    assert (quick.code, quick.out, quick.err) == (full.code, full.out, full.err)


def _damaged_session(store_path: Path) -> None:
    edit_stored_doc(store_path, "blue0002", lambda doc: doc.__setitem__("participants", "not a list"))


def _damaged_file(store_path: Path) -> None:
    session_file_of(store_path, "green001").write_bytes(b"{ not json")


DAMAGE = {
    "a damaged session": (_damaged_session, SESSIONS_NEWEST_FIRST, "facilitator: session blue0002 is damaged (participants"),
    "a session file set aside": (_damaged_file, ["blue0003", "blue0002"], "facilitator: skipped sessions file 2025-01.json, set aside as damaged as 2025-01.json.damaged-"),
}


@pytest.mark.parametrize(("damage", "ids", "says"), DAMAGE.values(), ids=DAMAGE.keys())
def test_the_quick_path_says_what_the_store_says_of_damage(
    cli, store_path: Path, monkeypatch: pytest.MonkeyPatch, quick_used: list[bool], damage, ids: list[str], says: str
) -> None:
    damage(store_path)
    Store(store_path)  # the store reads the damage into its index (setting a file aside), so the quick path may answer
    quick = cli("--store", store_path, "sessions", "list")
    assert quick_used == [True]
    monkeypatch.setattr(cli_module, "_quick_index", lambda ws, **kwargs: None)

    full = cli("--store", store_path, "sessions", "list")

    assert table_ids(quick.out) == ids
    assert len(quick.err_lines) == 1 and quick.err_lines[0].startswith(says), quick.err
    assert (quick.code, quick.out, quick.err) == (full.code, full.out, full.err)


def _late_session_file(tmp_path: Path, store_path: Path) -> None:
    """A session file copied in from another store, behind the index's back."""
    other = tmp_path / "other" / "store.json"
    Store(other).save_session(Session(
        id="late0001", title="Blue May", team="Blue", plan="quick-reflection", status=SessionStatus.CLOSED,
        created=datetime(2025, 5, 5, 12, 0, tzinfo=UTC), actions=[_action("l1late", "A late action", due=date(2025, 1, 1))],
    ))
    shutil.copy2(session_file_of(other, "late0001"), StoreLayout.of(store_path).sessions)


def _renamed_by_hand(tmp_path: Path, store_path: Path) -> None:
    def change(doc: dict) -> None:
        doc["title"] = "Green renamed"
        doc["actions"][0]["text"] = "Ask the frontline again"
        doc["actions"][0]["status"] = "done"

    edit_stored_doc(store_path, "green001", change)


def _journaled_idea(tmp_path: Path, store_path: Path) -> None:
    from facilitator.engine import events

    Store(store_path).journal("blue0003").append(events.put("idea", Idea(text="said in the room", round=0)))


BEHIND = {
    "a session file copied in": (
        _late_session_file,
        ["late0001", *SESSIONS_NEWEST_FIRST],
        lambda out: row_of(out, "l1late")[:2] == ["l1late", "open"],
    ),
    "a session file edited": (
        _renamed_by_hand,
        SESSIONS_NEWEST_FIRST,
        lambda out: row_of(out, "g1ask")[:2] == ["g1ask", "done"] and "Ask the frontline again" in out,
    ),
    "a live session's journal": (
        _journaled_idea,
        SESSIONS_NEWEST_FIRST,
        lambda out: table_ids(out) == ALL_ACTIONS_BY_DUE,
    ),
}


@pytest.mark.parametrize(("change", "sessions", "actions_right"), BEHIND.values(), ids=BEHIND.keys())
def test_lists_are_right_when_the_index_is_behind(cli, tmp_path: Path, store_path: Path, change, sessions: list[str], actions_right) -> None:
    change(tmp_path, store_path)

    listed = cli("--store", store_path, "sessions", "list")
    actions = cli("--store", store_path, "actions", "list")

    assert (listed.code, listed.err, actions.code, actions.err) == (0, "", 0, "")
    assert table_ids(listed.out) == sessions
    assert actions_right(actions.out), actions.out
    if change is _renamed_by_hand:
        assert row_of(listed.out, "green001")[-2:] == ["Green", "renamed"]
    if change is _journaled_idea:
        assert row_of(listed.out, "blue0003")[4] == "2"  # the stored idea and the journaled one


def _legacy_bytes(sessions: list[Session]) -> bytes:
    docs = {str(n): s.model_dump(mode="json") for n, s in enumerate(sessions, 1)}
    return json.dumps({"sessions": docs}).encode()


def test_lists_of_a_single_file_store_awaiting_its_move(cli, tmp_path: Path) -> None:
    path = tmp_path / "old" / "store.json"
    path.parent.mkdir()
    blue1, green1 = known_sessions()[:2]
    path.write_bytes(_legacy_bytes([blue1, green1]))

    listed = cli("--store", path, "sessions", "list")
    actions = cli("--store", path, "actions", "list")

    assert (listed.code, actions.code) == (0, 0), listed.err + actions.err
    assert table_ids(listed.out) == ["green001", "blue0001"]
    assert table_ids(actions.out) == ["b1quot", "b1call", "g1ask", "b1surv"]


def test_lists_when_a_single_file_store_appears_beside_an_up_to_date_index(cli, store_path: Path) -> None:
    older = Session(id="old00001", title="From the old file", team="Red", plan="quick-reflection", status=SessionStatus.CLOSED,
                    created=datetime(2024, 6, 1, 12, 0, tzinfo=UTC), actions=[_action("o1old", "An old action")])
    store_path.write_bytes(_legacy_bytes([older]))  # the folder `store` is there, its index up to date

    listed = cli("--store", store_path, "sessions", "list")
    actions = cli("--store", store_path, "actions", "list", "--team", "red")

    assert (listed.code, actions.code) == (0, 0), listed.err + actions.err
    assert table_ids(listed.out) == [*SESSIONS_NEWEST_FIRST, "old00001"]
    assert table_ids(actions.out) == ["o1old"]


def _in_a_fresh_python(argv: list[str]) -> dict:
    code = (
        "import contextlib, io, json, sys\n"
        "import facilitator.cli as c\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = c.main({argv!r})\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'tinydb'})\n"
        "print(json.dumps({'code': code, 'out': out.getvalue(), 'loaded': loaded}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("argv", "ids"), [LISTS["actions"], LISTS["sessions"]], ids=["actions list", "sessions list"])
def test_a_list_from_an_up_to_date_index_loads_neither_pydantic_nor_tinydb(store_path: Path, argv: list[str], ids: list[str]) -> None:
    ran = _in_a_fresh_python(["--store", str(store_path), *argv])

    assert (ran["code"], table_ids(ran["out"])) == (0, ids)
    assert ran["loaded"] == []


def test_a_list_from_a_stale_index_opens_the_store(store_path: Path) -> None:
    """The other side of the test above: the probe does see the store being opened."""
    _renamed_by_hand(store_path.parent, store_path)

    ran = _in_a_fresh_python(["--store", str(store_path), "actions", "list"])

    assert "Ask the frontline again" in ran["out"]
    assert ran["loaded"] == ["pydantic", "tinydb"]

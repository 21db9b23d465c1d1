"""Exporting a team's history and a filtered action list: Markdown that keeps every text literal,
CSV a spreadsheet reads without running a formula, JSON a later import reads back."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from facilitator.exports import (
    ACTION_LIST_FORMATS,
    CSV_COLUMNS,
    HISTORY_FORMATS,
    actions_csv,
    actions_markdown,
    csv_text,
    history_csv,
    history_json,
    history_markdown,
    markdown,
)
from facilitator.models import Action, Idea, Session
from facilitator.summaries import ActionRow, ActionSummary, SessionSummary
from facilitator.text import clean, is_clean
from facilitator.vocabulary import ActionStatus, Cadence, SessionStatus


def _at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 9, 30, tzinfo=UTC)


def _history() -> list[Session]:
    """Three sessions of one team, oldest first, the last with more ideas than the history lists."""
    first = Session(
        id="s1", title="March retro", team="Blue", plan="quick-reflection", participants=["Ana", "Ben"],
        status=SessionStatus.CLOSED, created=_at(2), updated=_at(2),
        ideas=[Idea(id="i1", text="Call lost customers", round=0)],
        actions=[
            Action(id="a1", text="Call three customers", owner="Ana", routine="weekly team meeting",
                   cadence=Cadence.WEEKLY, due=date(2026, 3, 9), measure="three calls logged"),
            Action(id="a2", text="-1 complaint a week", routine="weekly team meeting", status=ActionStatus.DONE),
        ],
    )
    second = Session(id="s2", title="April retro", team="Blue", plan="quick-reflection", created=_at(6, 4), updated=_at(6, 4))
    third = Session(
        id="s3", title="May retro", team="Blue", plan="quick-reflection", created=_at(4, 5), updated=_at(4, 5),
        ideas=[Idea(id=f"m{n}", text=f"idea {n}", round=0) for n in range(1, 9)],
        actions=[Action(id="a3", text="A quote at stand-up", owner="Ben", status=ActionStatus.DROPPED)],
    )
    return [first, second, third]


def _hostile_session() -> Session:
    """Every text a person types, holding Markdown, HTML and a formula."""
    return Session(
        id="=cmd|' /C calc'!A0", title="**x** [a](b) <script>", team="+team", plan="quick-reflection",
        participants=["**Ana**"], created=_at(2), updated=_at(2),
        ideas=[Idea(text=text, round=0) for text in ["**x** [a](b) <script>alert(1)</script>", "- not a sublist", "1. not a list", "# not a heading", "&amp; stays"]],
        actions=[Action(id="h1", text="**x** then [a](b)", owner="<script>", routine="[a](b)", measure="@SUM(1)")],
    )


def _summary(session: str, title: str, team: str, created: datetime) -> SessionSummary:
    return SessionSummary(
        id=session, created=created, updated=created, title=title, team=team, facilitator="", plan="quick-reflection",
        decks=(), routines=(), status=SessionStatus.CLOSED, ideas=0, clusters=0, actions=1, done=0, open=1, dropped=0,
    )


def _row(action_id: str, text: str, *, team: str = "Blue", routine: str | None = "stand-up", title: str = "March retro",
         status: ActionStatus = ActionStatus.OPEN, owner: str | None = "Ana", due: date | None = None,
         cadence: Cadence = Cadence.ONCE) -> ActionRow:
    session = _summary(f"s-{title}", title, team, _at(2))
    action = ActionSummary(id=action_id, session=session.id, text=text, owner=owner, routine=routine, cadence=cadence,
                           due=due, measure=None, status=status, created=_at(2))
    return ActionRow(action=action, session=session)


def _read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert all(list(row) == CSV_COLUMNS for row in rows)
    return rows


def _html(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


# --- Markdown ----------------------------------------------------------------------------------


def test_history_markdown_has_a_section_per_session_oldest_first_with_tasks_by_routine() -> None:
    text = history_markdown(_history())

    assert text.startswith("# Sessions of team Blue\n\n3 sessions, 2026-03-02 to 2026-05-04\n")
    assert text.index("## March retro") < text.index("## April retro") < text.index("## May retro")
    assert "## March retro\n\n2026-03-02 · team Blue · with Ana, Ben\n\n### weekly team meeting\n\n" in text
    assert "- [ ] Call three customers (owner Ana; due 2026-03-09; weekly)\n  - we will know by: three calls logged\n" in text
    assert "- [x] -1 complaint a week\n" in text
    assert "## April retro\n\n2026-04-06 · team Blue\n\nNo actions.\n\nNo ideas.\n" in text
    assert "### Other\n\n- [ ] A quote at stand-up (owner Ben; dropped)\n" in text


def test_history_markdown_lists_a_few_ideas_and_counts_the_rest() -> None:
    text = history_markdown(_history())

    assert "1 idea:\n\n- Call lost customers\n" in text
    assert "8 ideas:\n\n- idea 1\n- idea 2\n- idea 3\n- idea 4\n- idea 5\n- and 3 more\n" in text
    assert "idea 6" not in text


def test_history_markdown_of_several_teams_or_none() -> None:
    sessions = [*_history(), Session(title="Other team", team="Red", plan="p", created=_at(1, 6))]
    assert history_markdown(sessions).startswith("# Sessions\n\n4 sessions, 2026-03-02 to 2026-06-01\n")
    assert history_markdown([]) == "# Sessions\n\nNo sessions.\n"


@pytest.mark.parametrize("export", [history_markdown, lambda sessions: markdown(sessions[0])])
def test_markdown_keeps_every_text_literal(export) -> None:
    text = export([_hostile_session()])
    html = _html(text)

    for markup in ("<strong>", "<em>", "<a ", "<script>", "<li>\n<"):  # the last: a list or heading in an item
        assert markup not in html
    assert "\\*\\*x\\*\\* \\[a\\](b) \\<script\\>" in text
    for literal in ("**x** [a](b) &lt;script&gt;", "**x** then [a](b)", "owner &lt;script&gt;", "[a](b)", "&amp;amp; stays"):
        assert literal in html
    for literal in ("**x** [a](b) &lt;script&gt;alert(1)&lt;/script&gt;", "- not a sublist", "1. not a list", "# not a heading"):
        assert literal in html


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda text: clean(text).strip()))
def test_any_idea_or_action_text_reads_back_as_the_same_text(text: str) -> None:
    session = Session(title=text, plan="p", ideas=[Idea(text=text, round=0)], actions=[Action(text=text)])
    idea, action = session.ideas[0].text, session.actions[0].text  # as the text gate left them
    inline = [t for t in MarkdownIt("commonmark").parse(history_markdown([session])) if t.type == "inline"]
    shown = ["".join(c.content for c in t.children or [] if c.type == "text") for t in inline]

    assert session.title in shown
    assert f"[ ] {action}" in shown
    assert idea in shown


# --- CSV ---------------------------------------------------------------------------------------


def test_history_csv_has_one_row_per_action_over_all_sessions_in_order() -> None:
    rows = _read_csv(history_csv(_history()))

    assert [(r["session"], r["action"]) for r in rows] == [
        ("s1", "Call three customers"), ("s1", "'-1 complaint a week"), ("s3", "A quote at stand-up"),
    ]
    assert rows[0] | {} == {
        "session": "s1", "date": "2026-03-02", "team": "Blue", "title": "March retro", "action": "Call three customers",
        "status": "open", "owner": "Ana", "routine": "weekly team meeting", "cadence": "weekly", "due": "2026-03-09",
        "measure": "three calls logged", "said aloud": "", "customer words": "",
    }
    assert rows[2]["status"] == "dropped" and rows[2]["date"] == "2026-05-04"


def test_history_csv_of_one_session_is_that_sessions_csv() -> None:
    session = _history()[0]
    assert history_csv([session]) == csv_text(session)
    assert _read_csv(history_csv([])) == []


def test_csv_never_runs_a_formula_and_reads_back_hostile_text_exactly() -> None:
    session = _hostile_session()
    session.actions.append(Action(text='He said "no", then; left\\ =1+1', owner="-2", routine="=A1"))

    rows = _read_csv(history_csv([session]))

    assert rows[0]["session"] == "'=cmd|' /C calc'!A0" and rows[0]["team"] == "'+team"
    assert rows[0]["measure"] == "'@SUM(1)" and rows[0]["action"] == "**x** then [a](b)"
    assert rows[1]["action"] == 'He said "no", then; left\\ =1+1'
    assert rows[1]["owner"] == "'-2" and rows[1]["routine"] == "'=A1"
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]


# --- JSON --------------------------------------------------------------------------------------


def test_history_json_is_one_named_versioned_document_of_whole_sessions() -> None:
    sessions = _history()
    document = json.loads(history_json(sessions))

    assert list(document) == ["format", "version", "sessions"]
    assert document["format"] == "facilitator-sessions" and document["version"] == 1
    assert [Session.model_validate(doc) for doc in document["sessions"]] == sessions


# --- a filtered action list --------------------------------------------------------------------


def _rows() -> list[ActionRow]:
    return [
        _row("r1", "Call three customers", due=date(2026, 3, 9), cadence=Cadence.WEEKLY),
        _row("r2", "Share quotes", team="Red", title="Red retro", routine=None, status=ActionStatus.DONE, owner=None),
        _row("r3", "Invite a customer", routine="review", status=ActionStatus.DROPPED),
        _row("r4", "Write it up", team="", routine=None),
    ]


def test_action_list_markdown_groups_by_team_then_routine_and_says_where_each_came_from() -> None:
    text = actions_markdown(_rows())

    assert text.startswith("# Actions\n\n## Blue\n\n### stand-up\n\n")
    assert "- [ ] Call three customers (owner Ana; due 2026-03-09; weekly; open) — March retro, 2026-03-02\n" in text
    assert "### review\n\n- [ ] Invite a customer (owner Ana; dropped) — March retro, 2026-03-02\n" in text
    assert "## Red\n\n### Other\n\n- [x] Share quotes (done) — Red retro, 2026-03-02\n" in text
    assert "## No team\n\n### Other\n\n- [ ] Write it up (owner Ana; open)" in text
    assert text.index("## Blue") < text.index("## Red") < text.index("## No team")
    assert actions_markdown([]) == "# Actions\n\nNo actions.\n"


def test_action_list_text_from_the_index_passes_the_gate_and_stays_literal() -> None:
    rows = [_row("r1", "\x1b]0;owned\x07**x** [a](b)\x1b[31m", title="<script>\x9b2J", team="[a](b)", owner="\x07Ana",
                 routine="\x1b[1m<b>")]

    text = actions_markdown(rows)
    html = _html(text)

    assert is_clean(text, lines=True)
    assert "- [ ] \\*\\*x\\*\\* \\[a\\](b) (owner Ana; open) — \\<script\\>, 2026-03-02" in text
    assert "<strong>" not in html and "<a " not in html and "<script>" not in html and "<b>" not in html
    assert "## \\[a\\](b)\n" in text and "### \\<b\\>\n" in text


def test_action_list_csv_has_the_same_columns_cleaned_and_formula_safe() -> None:
    rows = _read_csv(actions_csv([*_rows(), _row("r5", "=HYPERLINK(\x1b[31m\"x\")", team="@team", owner="+1")]))

    assert [r["action"] for r in rows] == ["Call three customers", "Share quotes", "Invite a customer", "Write it up", "'=HYPERLINK(\"x\")"]
    assert rows[0] | {} == {
        "session": "s-March retro", "date": "2026-03-02", "team": "Blue", "title": "March retro", "action": "Call three customers",
        "status": "open", "owner": "Ana", "routine": "stand-up", "cadence": "weekly", "due": "2026-03-09", "measure": "",
        "said aloud": "", "customer words": "",
    }
    assert rows[4]["team"] == "'@team" and rows[4]["owner"] == "'+1"


def test_every_format_is_offered_with_its_suffix() -> None:
    assert {name: suffix for name, (suffix, _) in HISTORY_FORMATS.items()} == {"md": ".md", "csv": ".csv", "json": ".json"}
    assert {name: suffix for name, (suffix, _) in ACTION_LIST_FORMATS.items()} == {"md": ".md", "csv": ".csv"}
    assert HISTORY_FORMATS["md"][1](_history()) == history_markdown(_history())
    assert ACTION_LIST_FORMATS["csv"][1](_rows()) == actions_csv(_rows())


def test_the_history_keeps_each_session_s_check_out_and_reflections_literal() -> None:
    from facilitator.models import Reflection

    sessions = _history()
    sessions[1] = sessions[1].model_copy(update={
        "roti": [3, 4], "follow_up_on": date(2026, 5, 4),
        "reflections": [Reflection(action="x", session="s1", text="**Call** customers", measure_met=True, so_what="They [noticed](x)")],
    })  # fmt: skip

    text = history_markdown(sessions)

    april = text.split("## April retro")[1].split("## May retro")[0]
    assert "Check-out: return on time invested 3.5 of 5 from 2 people (1 × 3, 1 × 4) · follow-up on 2026-05-04" in april
    assert "### What we made of earlier actions\n\n- \\*\\*Call\\*\\* customers: the measure showed it worked\n  - So what? They \\[noticed\\](x)" in april
    assert "Check-out" not in text.split("## April retro")[0] and "What we made" not in text.split("## May retro")[1]


def test_the_index_keeps_the_check_out_and_the_commitments_for_the_reports(tmp_path) -> None:
    from facilitator.store import Store

    session = _history()[0].model_copy(update={"roti": [5, 2, 4], "follow_up_on": date(2026, 4, 1)})
    session.actions[0].committed = True
    Store(tmp_path / "store").save_session(session)

    store = Store(tmp_path / "store")  # read back through the index, as the reports are
    (summary,) = store.summaries()
    listed = {row.action.id: row.action.committed for row in store.actions()}

    assert summary.roti == (5, 2, 4) and summary.follow_up_on == date(2026, 4, 1)
    assert listed == {a.id: a is session.actions[0] for a in session.actions}
    assert any(listed.values()) and not all(listed.values())

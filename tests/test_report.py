"""The HTML reports: hostile text shown and never run, association chains nested, one pair of bars
per session, a page that loads nothing from elsewhere; and the same checked in a real headless
Chromium, which must not run anything a title or an idea smuggles in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from facilitator.models import Action, Cluster, Idea, Session, Vote
from facilitator.report import CSP, session_report, team_report
from facilitator.vocabulary import ActionStatus, SessionStatus
from tests.test_progress import row, sample, summary

WHEN = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
PLANT = "document.body.appendChild(document.createElement('pwned'))"
"""What hostile text would run: it leaves a `<pwned>` element that the rendered DOM would show."""
HOSTILE_TITLE = f"<script>{PLANT}</script>"
HOSTILE_ATTRIBUTE = f'"><img src=x onerror="{PLANT}">'
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr", "area", "base", "embed", "track"}
SVG_LEAVES = {"rect", "line", "path", "circle", "stop"}


def idea(idea_id: str, text: str, builds_on: str | None = None, author: str | None = None) -> Idea:
    return Idea(id=idea_id, text=text, author=author, round=0, builds_on=builds_on, created=WHEN)


def workshop(title: str = "Customer reflection, March", **changes: object) -> Session:
    """A closed session: three routines' actions, a chain of ideas two deep, a cluster with dots."""
    fields: dict[str, object] = dict(
        id="sess0001", title=title, team="Blue", facilitator="Dana", participants=["Ana", "Ben"],
        plan="quick-reflection", decks=["top-of-mind"], status=SessionStatus.CLOSED, created=WHEN,
        ideas=[
            idea("i1", "Invite a customer to stand-up", author="Ana"),
            idea("i2", "A customer seat at every stand-up", "i1", author="Ben"),
            idea("i3", "Rotate who speaks for the customer", "i2"),
            idea("i4", "Read support tickets aloud", "i1"),
            idea("i5", "Shadow a support call", author="Chris"),
        ],
        clusters=[Cluster(id="c1", name="Customers at stand-up", ideas=["i1", "i2"])],
        votes=[Vote(target="c1", dots=3), Vote(target="i5", dots=1)],
        actions=[
            Action(id="a1", text="Call three lost customers", owner="Ana", routine="one-to-ones", due=date(2025, 4, 1),
                   measure="three calls logged", created=WHEN),
            Action(id="a2", text="A customer quote at every stand-up", owner="Ben", routine="daily stand-up",
                   status=ActionStatus.DONE, created=WHEN),
            Action(id="a3", text="Read the support queue", status=ActionStatus.DROPPED, created=WHEN),
        ],
    )  # fmt: skip
    fields.update(changes)
    return Session.model_validate(fields)


def hostile_workshop() -> Session:
    """Every field a person types holds something a browser would act on if it were not escaped."""
    return workshop(
        HOSTILE_TITLE,
        team=HOSTILE_ATTRIBUTE,
        facilitator="<b>Dana</b>",
        participants=["<i>Ana</i>", "Ben & Co"],
        ideas=[
            idea("i1", HOSTILE_ATTRIBUTE, author="<script>x()</script>"),
            idea("i2", "<style>body{display:none}</style>", "i1"),
        ],
        clusters=[Cluster(id="c1", name="<u>cluster</u>", ideas=["i1"])],
        votes=[Vote(target="c1", dots=2)],
        actions=[
            Action(id="a1", text=HOSTILE_TITLE, owner=HOSTILE_ATTRIBUTE, routine="<h1>stand-up</h1>",
                   measure="<a href='https://example.com'>x</a>", created=WHEN),
        ],
    )  # fmt: skip


# --- reading the HTML back --------------------------------------------------------------------


class Tree(HTMLParser):
    """Checks that every element is closed in order, and keeps what the tests look for."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.attributes: set[tuple[str, str]] = set()
        self.parents: dict[str, str | None] = {}
        """Each idea's list item → the idea whose list item holds it (None at the top)."""
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update((name, value or "") for name, value in attrs)
        found = dict(attrs)
        if tag == "li" and (found.get("id") or "").startswith("idea-"):
            outer = next((a["id"] for t, a in reversed(self.open) if t == "li" and (a.get("id") or "").startswith("idea-")), None)
            self.parents[str(found["id"])[5:]] = outer[5:] if outer else None
        if tag not in VOID:
            self.open.append((tag, found))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update((name, value or "") for name, value in attrs)
        if tag not in VOID | SVG_LEAVES:
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1][0] if self.open else 'nothing'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert tree.problems == [] and tree.open == [], (tree.problems, tree.open)
    return tree


def assert_is_a_closed_page(page: str) -> None:
    """HTML5 with a charset, a language, and a policy that loads nothing and runs nothing."""
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
    head = page[: page.index("</head>")]
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in head
    assert head.index("Content-Security-Policy") < head.index("<style>")
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    tree = parse(page)
    assert "script" not in tree.tags and "img" not in tree.tags and "link" not in tree.tags
    names = {name for name, _ in tree.attributes}
    assert not {name for name in names if name in ("src", "href", "srcset", "action", "formaction") or name.startswith("on")}
    addresses = {value for _, value in tree.attributes if "://" in value or "url(" in value}
    assert addresses <= {"http://www.w3.org/2000/svg", "url(#hatch)"}  # a namespace and a pattern in the page: no load


# --- one session ------------------------------------------------------------------------------


def test_a_session_report_has_its_title_actions_by_routine_and_ideas() -> None:
    page = session_report(workshop())

    assert_is_a_closed_page(page)
    assert "<title>Customer reflection, March</title>" in page
    assert "2025-03-10 · team Blue · facilitated by Dana · with Ana, Ben" in page
    routines = re.findall(r"<h3>(.*?)</h3>", page)
    assert routines == ["daily stand-up", "one-to-ones", "Other"]
    assert "✓ done" in page and "• open" in page and "– dropped" in page
    assert "2025-04-01" in page and "We will know by: three calls logged" in page
    assert "Invite a customer to stand-up</span> <span class=\"by\">— Ana</span>" in page
    assert "(in “Customers at stand-up”, 3 dots)" in page
    assert "(1 dot)" in page


def test_ideas_nest_under_the_idea_they_build_on() -> None:
    tree = parse(session_report(workshop()))

    assert tree.parents == {"i1": None, "i2": "i1", "i3": "i2", "i4": "i1", "i5": None}


def test_a_chain_of_any_length_or_a_loop_shows_every_idea_once() -> None:
    chain = [idea("n0", "start")] + [idea(f"n{n}", f"step {n}", f"n{n - 1}") for n in range(1, 1500)]
    loop = [idea("x1", "one", "x2"), idea("x2", "two", "x1"), idea("x3", "on nothing known", "gone")]

    long_tree = parse(session_report(workshop(ideas=chain, clusters=[], votes=[])))
    loop_tree = parse(session_report(workshop(ideas=loop, clusters=[], votes=[])))

    assert len(long_tree.parents) == 1500 and long_tree.parents["n1499"] == "n1498"
    assert loop_tree.parents == {"x3": None, "x1": None, "x2": "x1"}


@pytest.mark.parametrize(("status", "note"), [(SessionStatus.LIVE, "Not finished yet"), (SessionStatus.ARCHIVED, "never agreed")])
def test_an_unfinished_session_says_its_actions_are_not_agreed(status: SessionStatus, note: str) -> None:
    assert note in session_report(workshop(status=status))


def test_a_session_without_actions_or_ideas_says_so() -> None:
    page = session_report(workshop(actions=[], ideas=[], clusters=[], votes=[]))

    assert "No actions." in page and "No ideas." in page
    assert_is_a_closed_page(page)


def test_hostile_text_in_a_session_report_is_shown_never_run() -> None:
    page = session_report(hostile_workshop())

    assert_is_a_closed_page(page)
    for raw in (HOSTILE_TITLE, HOSTILE_ATTRIBUTE, "<b>Dana</b>", "<style>body", "<h1>stand-up", "<a href"):
        assert raw not in page
    assert f"<title>{'&lt;script&gt;' + PLANT.replace(chr(39), '&#x27;') + '&lt;/script&gt;'}</title>" in page
    assert "&quot;&gt;&lt;img src=x onerror=&quot;" in page
    assert "Ben &amp; Co" in page
    text = "".join(parse(page).text)
    assert HOSTILE_TITLE in text and HOSTILE_ATTRIBUTE in text  # read back, it is the text as typed


def test_control_characters_never_reach_the_page() -> None:
    page = session_report(workshop("Title \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eoverride"))

    assert "\x1b" not in page and "\x07" not in page and "\u202e" not in page
    assert "http://evil" not in page


# --- a team's progress ------------------------------------------------------------------------


def bar_pairs(page: str) -> list[tuple[str, float, float]]:
    """(session, made bar height, done bar height) for each pair of bars, left to right."""
    pairs = []
    for group in re.findall(r'<g class="session" data-session="([^"]*)">(.*?)</g>', page, re.DOTALL):
        session, inside = group
        made = re.findall(r'<rect class="made"[^>]* height="([\d.]+)"', inside)
        done = re.findall(r'<rect class="done"[^>]* height="([\d.]+)"', inside)
        assert len(made) == 1 and len(done) == 1, inside
        pairs.append((session, float(made[0]), float(done[0])))
    return pairs


def test_the_chart_has_one_pair_of_bars_per_session_oldest_first() -> None:
    summaries, rows, traits = sample()

    page = team_report("Blue", summaries, rows, traits)

    assert page.count("<svg") == 1
    pairs = bar_pairs(page)
    assert [session for session, _, _ in pairs] == ["blue0001", "blue0002", "blue0003"]
    (_, made1, done1), (_, made2, done2), (_, made3, done3) = pairs
    unit = done1  # Blue's first session: 4 made, 1 done
    assert (made1, made2, made3, done2, done3) == pytest.approx((4 * unit, 3 * unit, 2 * unit, 2 * unit, unit), abs=0.2)


def test_a_team_report_has_the_tables_and_the_open_actions() -> None:
    summaries, rows, traits = sample()

    page = team_report("blue", summaries, rows, traits, today=date(2025, 3, 20))

    assert_is_a_closed_page(page)
    assert "<title>Progress of team blue</title>" in page
    assert "3 closed sessions from 2025-01-20 to 2025-03-05 · 9 actions made, 4 done (44%), 1 dropped, 4 open" in page
    routines = re.search(r'<section id="routines">.*?</section>', page, re.DOTALL)
    assert routines is not None
    assert re.findall(r"<tr><td>([^<]*)</td>", routines.group()) == ["budget review", "daily stand-up", "hiring", "one-to-ones", "Other"]
    assert '<tr><td>daily stand-up</td><td class="num">3</td><td class="num">2</td><td class="num">0</td><td class="num">1</td><td class="num">67%</td></tr>' in page
    assert '<tr><td>Customer top of mind</td><td class="num">7</td><td class="num">3</td><td class="num">1</td>' in page
    open_section = re.search(r'<section id="open">.*?</section>', page, re.DOTALL)
    assert open_section is not None
    listed = re.findall(r"<tr><td>(Action \w+)</td>", open_section.group())
    assert listed == ["Action b1b", "Action b2c", "Action b1d", "Action b3a"]  # soonest due first, then undated
    assert "2025-03-01 <strong>(overdue)</strong>" in page
    assert "Green" not in page and "still running" not in page


def test_a_report_of_every_team_names_the_team_of_each_session() -> None:
    summaries, rows, traits = sample()

    page = team_report(None, summaries, rows, traits)

    assert "<title>Progress: All teams</title>" in page
    assert "<th scope=\"col\">Team</th>" in page
    assert len(bar_pairs(page)) == 4


def test_a_team_without_actions_gets_no_chart() -> None:
    quiet = summary("quiet001", date(2025, 1, 1), "Quiet", "Blue")

    empty = team_report("Red", [quiet], [])
    quiet_page = team_report("Blue", [quiet], [])

    assert "No closed sessions yet." in empty and "<svg" not in empty
    assert "<svg" not in quiet_page and "No open actions." in quiet_page
    assert_is_a_closed_page(empty)
    assert_is_a_closed_page(quiet_page)


def test_many_sessions_still_make_one_pair_each() -> None:
    sessions = [summary(f"s{n:04}", date(2024, 1, 1).replace(day=1 + n % 28, month=1 + n // 28), f"Session {n}", "Blue") for n in range(60)]
    rows = [row(f"a{n}", s, None, ActionStatus.DONE if n % 2 else ActionStatus.OPEN) for n, s in enumerate(sessions)]

    page = team_report("Blue", sessions, rows)

    assert len(bar_pairs(page)) == 60
    parse(page)


def test_hostile_text_in_a_team_report_is_escaped() -> None:
    evil = summary("evil0001", date(2025, 1, 1), HOSTILE_TITLE, HOSTILE_ATTRIBUTE, ("<deck>",))
    rows = [row("e1", evil, "<i>routine</i>", ActionStatus.OPEN, text=HOSTILE_ATTRIBUTE, owner=HOSTILE_TITLE)]

    page = team_report(HOSTILE_ATTRIBUTE, [evil], rows, {"<deck>": "<b>trait</b>"})

    assert_is_a_closed_page(page)
    for raw in (HOSTILE_TITLE, HOSTILE_ATTRIBUTE, "<i>routine", "<b>trait", "<deck>"):
        assert raw not in page
    assert "&lt;b&gt;trait&lt;/b&gt;" in page


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture
def chromium() -> str:
    """Chromium's path; a missing browser skips, unless FACILITATOR_REQUIRE_BROWSER=1 (as in CI)."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("FACILITATOR_REQUIRE_BROWSER") == "1":
            pytest.fail("FACILITATOR_REQUIRE_BROWSER=1 but there is no chromium")
        pytest.skip("no chromium installed")
    return path


@pytest.fixture
def browse(chromium: str, tmp_path: Path) -> Iterator:
    """Open a page in headless Chromium and return the DOM as the browser built it."""

    def dump(page: str, name: str = "report.html") -> str:
        path = tmp_path / name
        path.write_text(page, encoding="utf-8")
        result = subprocess.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri(),
            ],
            capture_output=True, text=True, timeout=90,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        assert "<body" in result.stdout, result.stderr[-2000:]
        return result.stdout

    yield dump


def test_the_browser_check_would_see_a_script_that_ran(browse) -> None:
    """The check below can fail: an unescaped page with no policy does run the plant."""
    page = f"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p><script>{PLANT}</script></body></html>"

    assert "<pwned>" in browse(page)


def test_in_a_browser_a_hostile_session_report_runs_nothing(browse) -> None:
    dom = browse(session_report(hostile_workshop()))

    assert "<pwned" not in dom and "<img" not in dom and "<script" not in dom
    title = re.search(r"<title>(.*?)</title>", dom, re.DOTALL)
    assert title is not None and "&lt;script&gt;" in title.group(1)
    assert "<h1>&lt;script&gt;" in dom
    assert dom.count("<tr>") == 2  # the head row and the one action


def test_in_a_browser_a_team_report_shows_its_title_tables_and_chart(browse) -> None:
    summaries, rows, traits = sample()
    evil = summary("evil0001", date(2025, 3, 6), HOSTILE_TITLE, "Blue")
    rows.append(row("e1", evil, None, ActionStatus.OPEN, text=HOSTILE_ATTRIBUTE))

    dom = browse(team_report("Blue", [*summaries, evil], rows, traits))

    assert "<title>Progress of team Blue</title>" in dom
    assert "<svg" in dom and dom.count('<g class="session"') == 4
    assert dom.count('<rect class="made"') == 4 and dom.count('<rect class="done"') == 4
    routines = re.search(r'<section id="routines">.*?</section>', dom, re.DOTALL)
    assert routines is not None and routines.group().count("<tr>") == 1 + 5  # head and five routines
    assert "<td>daily stand-up</td>" in dom
    assert "<pwned" not in dom and "<img" not in dom and "<script" not in dom


def test_the_report_module_loads_neither_textual_nor_pydantic() -> None:
    """A team report is built from the store's index rows; the command that writes it stays light."""
    code = "import sys, facilitator.report; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'pydantic', 'rich'}))"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_team_report_shows_each_session_s_return_on_time_only_when_one_was_asked() -> None:
    import dataclasses

    summaries, rows, traits = sample()
    asked = [dataclasses.replace(s, roti=(4, 5, 3)) if s.id == "blue0002" else s for s in summaries]

    plain = team_report("Blue", summaries, rows, traits)
    page = team_report("Blue", asked, rows, traits)

    assert "Return on time" not in plain
    sessions = re.search(r'<section id="sessions">.*?</section>', page, re.DOTALL)
    assert sessions is not None
    cells = re.findall(r'<td class="num"(?: title="([^"]*)")?>([^<]*)</td></tr>', sessions.group())
    assert cells == [("", "—"), ("4.0 of 5 from 3 people (1 × 3, 1 × 4, 1 × 5)", "4.0"), ("", "—"), ("4.0 of 5 from 3 people (1 × 3, 1 × 4, 1 × 5)", "4.0")]
    assert_is_a_closed_page(page)


def test_a_session_report_has_the_check_out_the_commitments_and_the_reflections_escaped() -> None:
    from facilitator.models import Reflection

    session = workshop(
        roti=[5, 4], follow_up_on=date(2025, 4, 7),
        actions=[Action(id="a1", text="Call three lost customers", owner="Ana", committed=True, created=WHEN)],
        reflections=[Reflection(action="x1", session="old00001", text="Quote at stand-up", measure_met=False, what="<b>Skipped</b> twice", now_what="Ben leads it")],
    )  # fmt: skip

    page = session_report(session)

    assert "Check-out: return on time invested 4.5 of 5 from 2 people (1 × 4, 1 × 5) · follow-up on 2025-04-07" in page
    assert 'Call three lost customers<span class="measure">Said aloud at the close</span>' in page
    reflections = re.search(r'<section id="reflections">.*?</section>', page, re.DOTALL)
    assert reflections is not None
    assert "Quote at stand-up: the measure showed it did not work" in reflections.group()
    assert "<li>What? &lt;b&gt;Skipped&lt;/b&gt; twice</li>" in reflections.group() and "So what?" not in reflections.group()
    assert "<li>Now what? Ben leads it</li>" in reflections.group()
    assert_is_a_closed_page(page)

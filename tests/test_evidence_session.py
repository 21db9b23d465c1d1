"""The customer's own voice in a session: evidence read at the start, shown as cards in the
customer's words with their origin, replayed on resume, and cited with the ideas it sparked in
the summary and the Markdown export."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from facilitator.app import make_app
from facilitator.catalog import load_decks, load_plans
from facilitator.engine.live import EVIDENCE_DECK, LiveSession
from facilitator.evidence import SESSION_SAMPLE
from facilitator.exports import markdown
from facilitator.models import EvidenceItem, PhaseKind, PromptKind, Session
from facilitator.screens.round import RoundScreen
from facilitator.screens.setup import SetupScreen
from facilitator.screens.summary import customer_words
from facilitator.store import Store
from facilitator.workspace import Workspace
from tests.fakes import FakeClock
from tests.helpers import notices, settled, shown, type_fast

HOSTILE = ["I paid {twice} for one order", "[bold]Why[/bold] does nobody call back?", "Your app logged me out \x1b[31mthree times"]


def evidence_session(**fields: object) -> tuple[LiveSession, Store]:
    decks, plans = load_decks(), load_plans()
    plan = plans.get("quick-reflection")
    items = [EvidenceItem(text=text, origin=f"survey.csv line {n}") for n, text in enumerate(HOSTILE, start=2)]
    session = Session(title="voice", plan=plan.id, decks=plan.decks, routines=["weekly team meeting"], seed=3, evidence=items, evidence_file="survey.csv", **fields)
    return session, plan, [decks.get(d) for d in plan.decks]  # type: ignore[return-value]


def run_rounds(live: LiveSession) -> None:
    while live.phase.kind in (PhaseKind.WARM_UP, PhaseKind.DIVERGE):
        live.next_round()


def test_the_customer_s_words_are_dealt_as_cards_with_their_origin_and_kept_as_said(tmp_path: Path) -> None:
    session, plan, decks = evidence_session()
    live = LiveSession.start(session, plan, decks, Store(tmp_path / "store.json"))
    run_rounds(live)

    said = [r for r in live.session.rounds if r.kind is PromptKind.EVIDENCE]
    assert said, "the evidence takes turns with the decks"
    assert all(r.deck == EVIDENCE_DECK and r.origin and r.origin.startswith("survey.csv line ") for r in said)
    assert {r.text for r in said} <= {"I paid {twice} for one order", "[bold]Why[/bold] does nobody call back?", "Your app logged me out three times"}


def test_a_resumed_session_deals_the_same_cards_evidence_included(tmp_path: Path) -> None:
    session, plan, decks = evidence_session()
    store = Store(tmp_path / "store.json")
    whole = LiveSession.start(session.model_copy(deep=True), plan, decks, store)
    run_rounds(whole)
    expected = [(r.deck, r.prompt, r.origin) for r in whole.session.rounds]

    second, plan, decks = evidence_session()
    other = Store(tmp_path / "other.json")
    first = LiveSession.start(second, plan, decks, other)
    first.next_round()
    first.next_round()  # the warm-up, then the first diverge round, shown
    resumed = LiveSession.resume(other.session(second.id), plan, decks, other)
    run_rounds(resumed)

    assert [(r.deck, r.prompt, r.origin) for r in resumed.session.rounds] == expected


def test_the_summary_and_the_export_cite_each_quote_with_the_ideas_it_sparked(tmp_path: Path) -> None:
    session, plan, decks = evidence_session()
    live = LiveSession.start(session, plan, decks, Store(tmp_path / "store.json"))
    while live.current_round is not None and live.current_round.kind is not PromptKind.EVIDENCE:
        live.next_round()
    quote = live.current_round
    assert quote is not None
    live.add_idea("Call back within a day, by name")

    words = customer_words(live.session)
    exported = markdown(live.session)

    assert words is not None and f"“{quote.text}”" in words.plain and "sparked: Call back within a day, by name" in words.plain
    assert quote.origin is not None and quote.origin in words.plain
    assert "## The customer's own words" in exported and "  - Call back within a day, by name" in exported
    assert "\x1b" not in exported


async def test_set_up_reads_the_file_on_a_thread_and_the_wall_shows_a_customer_said(tmp_path: Path) -> None:
    quotes = tmp_path / "quotes.txt"
    quotes.write_text("".join(f"Quote number {n}: the invoice was wrong again\n" for n in range(10_000)), encoding="utf-8")
    app = make_app(Workspace(store_path=tmp_path / "store.json", evidence_path=quotes), FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        await pilot.pause()
        setup = pilot.app.screen
        assert isinstance(setup, SetupScreen)
        assert setup.query_one("#evidence", Input).value == str(quotes)  # `--evidence` fills it in
        await pilot.press("ctrl+s")
        await settled(pilot)
        live = app.live
        assert live is not None and len(live.session.evidence) == SESSION_SAMPLE
        assert live.session.evidence_file == "quotes.txt"
        for _ in range(8):
            if live.current_round is not None and live.current_round.kind is PromptKind.EVIDENCE:
                break
            await pilot.press("ctrl+n")
            await settled(pilot)
        assert isinstance(pilot.app.screen, RoundScreen)
        assert "A CUSTOMER SAID" in shown(app) and "quotes.txt line" in shown(app)
        await type_fast(pilot, "Check every invoice before it goes", "enter")
        assert live.session.ideas[-1].round == live.current_round.index


async def test_an_evidence_file_that_cannot_be_used_stops_the_start_in_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "export.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    app = make_app(Workspace(store_path=tmp_path / "store.json"), FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        await pilot.pause()
        setup = pilot.app.screen
        setup.query_one("#evidence", Input).value = str(tmp_path / "missing.csv")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is setup and "There is no file" in shown(app)
        setup.query_one("#evidence", Input).value = str(binary)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.live is None and pilot.app.screen is setup
        assert "The session could not start" in notices(app) and "CSV" in notices(app)


def test_the_html_report_quotes_the_customer_s_words_escaped_with_the_ideas_they_sparked(tmp_path: Path) -> None:
    from facilitator.report import session_report

    session, plan, decks = evidence_session()
    live = LiveSession.start(session, plan, decks, Store(tmp_path / "store.json"))
    while live.current_round is not None and live.current_round.kind is not PromptKind.EVIDENCE:
        live.next_round()
    live.add_idea("Call back <b>within</b> a day")

    page = session_report(live.session)

    assert '<section id="customer-words">' in page
    quote = live.current_round
    assert quote is not None and quote.origin is not None
    assert quote.origin in page and "Call back &lt;b&gt;within&lt;/b&gt; a day" in page
    assert "<b>within</b>" not in page and "[bold]" not in page.split('<section id="customer-words">')[0]


def test_the_review_shows_the_customer_s_words_under_the_ideas_they_sparked(tmp_path: Path) -> None:
    from facilitator.screens.session_view import idea_entry

    session, plan, decks = evidence_session()
    live = LiveSession.start(session, plan, decks, Store(tmp_path / "store.json"))
    while live.current_round is not None and live.current_round.kind is not PromptKind.EVIDENCE:
        live.next_round()
    idea = live.add_idea("Call back within a day")
    quote = live.current_round
    assert idea is not None and quote is not None

    said = {i.id: q.text for q, ideas in live.session.customer_words() for i in ideas}
    entry = idea_entry(0, idea, 0, None, said.get(idea.id))

    from rich.console import Console

    console = Console(width=100, record=True, color_system=None)
    console.print(entry)
    assert f"sparked by a customer: “{quote.text}”" in " ".join(console.export_text().split())


def test_the_csv_export_names_the_customer_s_words_behind_each_action_and_who_said_it_aloud(tmp_path: Path) -> None:
    import csv
    import io

    from facilitator.exports import actions_csv, csv_text, history_csv
    from facilitator.models import Action

    session, plan, decks = evidence_session()
    store = Store(tmp_path / "store")
    live = LiveSession.start(session, plan, decks, store)
    while live.current_round is not None and live.current_round.kind is not PromptKind.EVIDENCE:
        live.next_round()
    quote = live.current_round
    assert quote is not None
    sparked = live.add_idea("Call back within a day")
    plain = live.add_idea("Sit in on support")
    live.session.actions = [
        Action(id="a1", text="Call back within a day", owner="Ana", source_ideas=[sparked.id, plain.id], committed=True),
        Action(id="a2", text="=Sit in on support", source_ideas=[]),
    ]
    store.save_session(live.session)

    def rows(text: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))

    for exported in (csv_text(live.session), history_csv([live.session])):
        first, second = rows(exported)
        assert first["said aloud"] == "yes" and first["customer words"] == f"“{quote.text}”"
        assert second["said aloud"] == "" and second["customer words"] == "" and second["action"] == "'=Sit in on support"
        assert "\x1b" not in exported
    listed = rows(actions_csv(store.actions()))
    assert {r["action"]: r["said aloud"] for r in listed} == {"Call back within a day": "yes", "'=Sit in on support": ""}

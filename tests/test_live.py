"""The live session engine with a real store, the shipped quick-reflection plan and a fake clock."""

from __future__ import annotations

import pytest

from facilitator.engine import events
from facilitator.engine.countdown import CountdownState
from facilitator.engine.live import LiveSession
from facilitator.models import (
    Action,
    ActionStatus,
    Idea,
    PhaseKind,
    PromptKind,
    SessionStatus,
)
from facilitator.store import Store
from tests.room import (
    ACT,
    CLOSE,
    CONVERGE,
    DIVERGE,
    PARTICIPANTS,
    ROUND_SECONDS,
    ROUTINES,
    VOTE,
    WARM_UP,
    Room,
    add_ideas,
    earlier_session,
)


def go_to(live: LiveSession, phase: int) -> None:
    while live.session.phase < phase:
        live.next_phase()
    assert live.session.phase == phase


def ids(items) -> list[str]:
    return [item.id for item in items]


# --- starting -------------------------------------------------------------------------------


def test_start_saves_the_session(room: Room, live: LiveSession) -> None:
    stored = room.snapshot(live.session.id)
    assert stored.title == "Support weekly"
    assert stored.status is SessionStatus.LIVE
    assert stored.phase == WARM_UP
    assert stored.seed == 7
    assert [s.id for s in room.store.live_sessions()] == [live.session.id]


def test_start_without_a_seed_picks_one_and_saves_it(room: Room) -> None:
    live = room.start(seed=None)
    assert live.session.seed is not None
    assert room.snapshot(live.session.id).seed == live.session.seed


def test_warm_up_starts_a_round_with_a_card(room: Room, live: LiveSession) -> None:
    current = live.current_round
    assert live.phase.kind is PhaseKind.WARM_UP
    assert current is not None
    assert (current.index, current.phase, current.seconds) == (0, WARM_UP, ROUND_SECONDS)
    assert current.started == room.clock.now() and current.ended is None
    card = room.decks.get(current.deck).card(current.prompt)
    assert current.deck in live.session.decks
    assert current.kind.value == card.kind.value
    assert current.text == card.render(current.routine)
    assert (current.routine in ROUTINES) if card.needs_routine else current.routine is None
    assert live.countdown.state is CountdownState.RUNNING
    assert live.countdown.remaining() == ROUND_SECONDS


# --- capturing ideas ------------------------------------------------------------------------


def test_an_idea_is_durable_before_any_fold(room: Room, live: LiveSession) -> None:
    idea = live.add_idea("Call one customer a week")

    assert room.snapshot(live.session.id).ideas == []  # not folded: it lives in the journal
    resumed = room.reopen(live.session.id)
    assert resumed.session.ideas == [idea]
    assert idea.round == live.current_round.index
    assert idea.prompt == live.current_round.text
    assert idea.created == room.clock.now()


@pytest.mark.parametrize(
    ("typed", "text", "author"),
    [
        ("@Ana Call a customer", "Call a customer", "Ana"),
        ("Call a customer @an", "Call a customer", "Ana"),
        ("@BEN   Ask support first", "Ask support first", "Ben"),
        ("  Ask support first @ch  ", "Ask support first", "Chris"),
        ("Ask support first @Zoe", "Ask support first", "Zoe"),  # not listed: kept as typed
        ("Mail ana@example.com the numbers", "Mail ana@example.com the numbers", None),
        ("Call a customer", "Call a customer", None),
    ],
)
def test_author_is_taken_from_an_at_name(live: LiveSession, typed: str, text: str, author: str | None) -> None:
    idea = live.add_idea(typed)
    assert (idea.text, idea.author) == (text, author)


def test_an_author_given_outright_wins_over_the_at_name(live: LiveSession) -> None:
    idea = live.add_idea("@Ana Call a customer", author="Ben")
    assert (idea.text, idea.author) == ("Call a customer", "Ben")


@pytest.mark.parametrize("typed", ["", "   ", "\n\t "])
def test_a_blank_idea_is_ignored(room: Room, live: LiveSession, typed: str) -> None:
    before = room.journal_length(live)
    assert live.add_idea(typed) is None
    assert live.session.ideas == []
    assert room.journal_length(live) == before
    assert not live.can_undo


def test_builds_on_is_used_once_then_reset(live: LiveSession) -> None:
    (first,) = add_ideas(live, "Customer quote at the stand-up")
    live.toggle_build_on(first.id)
    second = live.add_idea("Rotate who brings the quote")
    third = live.add_idea("Something else")
    assert second.builds_on == first.id
    assert live.builds_on is None
    assert third.builds_on is None


# --- edit, delete, undo ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text", "author"),
    [
        ("Call two customers a week", "Call two customers a week", "Ana"),  # author kept
        ("Call two customers a week @ben", "Call two customers a week", "Ben"),
        ("   ", "Call a customer", "Ana"),  # a blank edit keeps the text
    ],
)
def test_edit_idea(room: Room, live: LiveSession, typed: str, text: str, author: str) -> None:
    idea = live.add_idea("@Ana Call a customer")
    edited = live.edit_idea(idea.id, typed)
    assert (edited.id, edited.text, edited.author) == (idea.id, text, author)
    assert live.session.ideas == [edited]
    assert room.reopen(live.session.id).session.ideas == [edited]


def test_delete_idea(room: Room, live: LiveSession) -> None:
    keep, gone = add_ideas(live, "Keep me", "Delete me")
    live.delete_idea(gone.id)
    assert live.session.ideas == [keep]
    assert room.reopen(live.session.id).session.ideas == [keep]
    with pytest.raises(KeyError):
        live.delete_idea(gone.id)


def test_undo_of_add_removes_the_idea(room: Room, live: LiveSession) -> None:
    keep, _added = add_ideas(live, "Keep me", "Added by mistake")
    assert live.undo() is True
    assert live.session.ideas == [keep]
    assert room.reopen(live.session.id).session.ideas == [keep]


def test_undo_of_delete_restores_the_idea(room: Room, live: LiveSession) -> None:
    (idea,) = add_ideas(live, "@Ana Call a customer")
    live.delete_idea(idea.id)
    assert live.undo() is True
    assert live.session.ideas == [idea]
    assert room.reopen(live.session.id).session.ideas == [idea]


def test_undo_of_edit_restores_the_old_text(room: Room, live: LiveSession) -> None:
    (idea,) = add_ideas(live, "@Ana Call a customer")
    live.edit_idea(idea.id, "Call two customers @Ben")
    assert live.undo() is True
    assert live.session.ideas == [idea]
    assert room.reopen(live.session.id).session.ideas == [idea]


def test_undo_walks_back_step_by_step_and_then_refuses(live: LiveSession) -> None:
    (idea,) = add_ideas(live, "First")
    live.edit_idea(idea.id, "Second")
    live.delete_idea(idea.id)
    assert live.undo() and [i.text for i in live.session.ideas] == ["Second"]
    assert live.undo() and [i.text for i in live.session.ideas] == ["First"]
    assert live.undo() and live.session.ideas == []
    assert not live.can_undo
    assert live.undo() is False


def test_undo_does_not_reach_back_into_an_earlier_phase(live: LiveSession) -> None:
    add_ideas(live, "From the warm-up")
    live.next_phase()
    assert not live.can_undo
    assert live.undo() is False
    assert [i.text for i in live.session.ideas] == ["From the warm-up"]


# --- cards ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("replace", "left"), [("skip_card", ROUND_SECONDS), ("draw_another", ROUND_SECONDS - 50)])
def test_replacing_the_card(room: Room, live: LiveSession, replace: str, left: float) -> None:
    before = live.current_round
    room.clock.advance(50)
    getattr(live, replace)()
    after = live.current_round

    assert after.index == before.index and len(live.session.rounds) == 1
    assert (after.deck, after.prompt) != (before.deck, before.prompt)
    assert after.text == room.decks.get(after.deck).card(after.prompt).render(after.routine)
    assert live.countdown.state is CountdownState.RUNNING
    assert live.countdown.remaining() == left
    assert room.reopen(live.session.id).current_round.prompt == after.prompt


def test_card_from_idea_makes_the_next_round_a_build_on_card(live: LiveSession) -> None:
    (idea,) = add_ideas(live, "Invite a customer to the sprint review")
    live.card_from_idea(idea.id)
    live.next_round()

    built = live.current_round
    assert live.phase.kind is PhaseKind.DIVERGE
    assert built.kind is PromptKind.BUILD_ON
    assert idea.text in built.text
    assert (built.deck, built.prompt) == (None, None)
    assert live.next_card_from is None

    live.next_round()
    assert live.current_round.kind is not PromptKind.BUILD_ON


def test_card_from_an_unknown_idea_is_refused(live: LiveSession) -> None:
    with pytest.raises(KeyError):
        live.card_from_idea("nope")
    live.next_round()
    assert live.current_round.kind is not PromptKind.BUILD_ON


# --- the agenda -----------------------------------------------------------------------------

# After each `next_round`: (phase, kind, round number, whether a round is running)
AGENDA = [
    (WARM_UP, PhaseKind.WARM_UP, 1, True),
    (DIVERGE, PhaseKind.DIVERGE, 1, True),
    (DIVERGE, PhaseKind.DIVERGE, 2, True),
    (DIVERGE, PhaseKind.DIVERGE, 3, True),
    (CONVERGE, PhaseKind.CONVERGE, 0, False),
    (VOTE, PhaseKind.VOTE, 0, False),
    (ACT, PhaseKind.ACT, 0, False),
]


def test_next_round_walks_the_plan(room: Room, live: LiveSession) -> None:
    seen = []
    for step in range(len(AGENDA)):
        if step:
            live.next_round()
        seen.append((live.session.phase, live.phase.kind, live.round_number, live.current_round is not None))
        assert room.snapshot(live.session.id).phase == live.session.phase  # each phase change is folded
        assert not live.is_closed
    assert seen == AGENDA

    rounds = live.session.rounds
    assert [(r.index, r.phase) for r in rounds] == [(0, WARM_UP), (1, DIVERGE), (2, DIVERGE), (3, DIVERGE)]
    assert all(r.seconds == ROUND_SECONDS and r.ended is not None for r in rounds)

    live.next_round()  # the plan's close phase is the summary: moving on from act closes
    assert live.is_closed
    assert live.session.phase == CLOSE


@pytest.mark.parametrize(
    ("rounds_first", "phase_after", "rounds_in_diverge"),
    [(0, DIVERGE, 1), (1, CONVERGE, 1), (3, CONVERGE, 3)],
)
def test_next_phase_skips_the_rounds_left(
    live: LiveSession, rounds_first: int, phase_after: int, rounds_in_diverge: int
) -> None:
    for _ in range(rounds_first):
        live.next_round()
    live.next_phase()
    assert live.session.phase == phase_after
    assert len([r for r in live.session.rounds if r.phase == DIVERGE]) == rounds_in_diverge
    assert all(r.ended is not None for r in live.session.rounds if r.phase < live.session.phase)


def test_each_round_starts_its_own_countdown(room: Room, live: LiveSession) -> None:
    room.clock.advance(150)  # into overtime
    live.next_round()
    assert live.countdown.state is CountdownState.RUNNING
    assert live.countdown.remaining() == ROUND_SECONDS
    assert live.current_round.started == room.clock.now()
    assert live.session.rounds[0].ended == room.clock.now()


def test_the_session_clock_is_real_time_against_the_plan(room: Room, live: LiveSession) -> None:
    """Overtime and pauses count against the session: it is the room's real time that runs out."""
    room.clock.advance(150)  # the two-minute warm-up runs half a minute over
    assert live.phase_seconds_left() == -30
    assert live.session_seconds_left() == 20 * 60 - 150
    live.next_round()  # on to diverge
    assert live.session.timings[0].model_dump(include={"phase", "planned", "spent"}) == {
        "phase": WARM_UP, "planned": 120, "spent": 150,
    }
    room.clock.advance(60)
    live.toggle_timer()  # paused: the round's countdown stops, real time does not
    room.clock.advance(100)
    assert live.countdown.remaining() == ROUND_SECONDS - 60
    assert live.phase_seconds_left() == 6 * 60 - 160
    assert live.session_seconds_left() == 20 * 60 - 310
    room.clock.advance(20 * 60)
    assert live.session_seconds_left() == -(310 + 20 * 60 - 20 * 60)


# --- converge -------------------------------------------------------------------------------


@pytest.fixture
def four(live: LiveSession) -> list[Idea]:
    return add_ideas(live, "Customer quote at stand-up", "Call a customer weekly", "Frontline lunch", "NPS on the wall")


def test_join_makes_a_cluster_named_after_its_first_idea(live: LiveSession, four: list[Idea]) -> None:
    a, b, c, d = four
    live.set_routine(a.id, "daily stand-up")
    cluster = live.join([a.id, b.id])
    assert live.session.clusters == [cluster]
    assert (cluster.name, cluster.ideas, cluster.routine) == (a.text, [a.id, b.id], "daily stand-up")
    assert [(t.id, t.is_cluster) for t in live.targets()] == [(cluster.id, True), (c.id, False), (d.id, False)]


def test_a_long_first_idea_gives_a_short_cluster_name(live: LiveSession) -> None:
    a, b = add_ideas(live, "x" * 100, "y")
    assert live.join([a.id, b.id]).name == "x" * 60
    assert live.join([a.id], name="Named").name == "Named"


def test_joining_onto_a_clustered_idea_grows_that_cluster(live: LiveSession, four: list[Idea]) -> None:
    a, b, c, _ = four
    first = live.join([a.id, b.id])
    grown = live.join([c.id, a.id])
    assert grown.id == first.id
    assert live.session.clusters == [grown]
    assert grown.ideas == [a.id, b.id, c.id]


def test_joining_moves_an_idea_out_of_its_old_cluster(live: LiveSession, four: list[Idea]) -> None:
    a, b, c, d = four
    left = live.join([a.id, b.id])
    right = live.join([c.id, d.id])
    live.join([a.id, c.id])
    clusters = {cl.id: cl.ideas for cl in live.session.clusters}
    assert clusters == {left.id: [a.id, b.id, c.id], right.id: [d.id]}


def test_moving_the_last_idea_out_drops_the_old_cluster(live: LiveSession, four: list[Idea]) -> None:
    a, b, c, _ = four
    left = live.join([a.id, b.id])
    live.join([c.id])
    live.join([a.id, c.id])
    assert [(cl.id, cl.ideas) for cl in live.session.clusters] == [(left.id, [a.id, b.id, c.id])]


def test_ungroup_takes_ideas_out_and_drops_an_empty_cluster(room: Room, live: LiveSession, four: list[Idea]) -> None:
    a, b, c, d = four
    cluster = live.join([a.id, b.id, c.id])
    live.ungroup(b.id)
    assert live.cluster_of(b.id) is None
    assert live.cluster_of(a.id).ideas == [a.id, c.id]
    live.ungroup(a.id)
    live.ungroup(c.id)
    assert live.session.clusters == []
    assert ids(live.targets()) == [a.id, b.id, c.id, d.id]
    assert room.reopen(live.session.id).session.clusters == []
    assert cluster.id not in ids(live.targets())


def test_ungroup_of_an_unclustered_idea_changes_nothing(room: Room, live: LiveSession, four: list[Idea]) -> None:
    before = room.journal_length(live)
    live.ungroup(four[0].id)
    assert room.journal_length(live) == before


def test_rename_cluster(room: Room, live: LiveSession, four: list[Idea]) -> None:
    cluster = live.join([four[0].id, four[1].id])
    live.rename_cluster(cluster.id, "Hear the customer")
    assert live.session.clusters[0].name == "Hear the customer"
    assert room.reopen(live.session.id).session.clusters[0].name == "Hear the customer"
    live.undo()
    assert live.session.clusters[0].name == cluster.name


@pytest.mark.parametrize("name", ["", "   "])
def test_a_refused_cluster_name_leaves_the_session_resumable(
    room: Room, live: LiveSession, four: list[Idea], name: str
) -> None:
    """A name the model refuses never reaches the journal, so the session stays resumable."""
    cluster = live.join([four[0].id, four[1].id])
    try:
        live.rename_cluster(cluster.id, name)
    except ValueError:
        pass  # refusing is fine; ignoring it would be too
    assert live.session.clusters[0].name == cluster.name
    resumed = room.reopen(live.session.id)
    assert resumed.session.clusters[0].name == cluster.name


def test_set_routine_on_ideas_and_clusters(room: Room, live: LiveSession, four: list[Idea]) -> None:
    a, b, c, _ = four
    cluster = live.join([a.id, b.id])
    live.set_routine(cluster.id, "weekly team meeting")
    live.set_routine(c.id, "one-to-ones")
    routines = {t.id: t.routine for t in live.targets()}
    assert routines[cluster.id] == "weekly team meeting"
    assert routines[c.id] == "one-to-ones"
    live.set_routine(c.id, None)
    assert live.idea(c.id).routine is None
    assert room.reopen(live.session.id).session.clusters[0].routine == "weekly team meeting"


def test_undo_of_join_takes_the_cluster_away(live: LiveSession, four: list[Idea]) -> None:
    live.join([four[0].id, four[1].id])
    live.undo()
    assert live.session.clusters == []


# --- vote -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "dots", "budget"),
    [(PARTICIPANTS, 3, 9), (["Ana"], 5, 5), ([], 3, 0), (["Ana", "Ben"], 0, 0)],
)
def test_vote_budget_is_participants_times_dots(
    room: Room, participants: list[str], dots: int, budget: int
) -> None:
    live = room.start(participants=participants, dots_per_participant=dots)
    a, b = add_ideas(live, "One", "Two")
    assert live.budget == budget
    assert all(live.add_dot(a.id) for _ in range(budget))
    assert live.add_dot(b.id) is False
    assert (live.dots(a.id), live.dots(b.id), live.dots_left) == (budget, 0, 0)


def test_a_dot_can_move_once_the_budget_is_spent(live: LiveSession, four: list[Idea]) -> None:
    a, b, *_ = four
    for _ in range(live.budget):
        live.add_dot(a.id)
    assert live.remove_dot(a.id) is True
    assert live.add_dot(b.id) is True
    assert (live.dots(a.id), live.dots(b.id), live.dots_left) == (live.budget - 1, 1, 0)


def test_remove_dot_at_zero_is_refused(room: Room, live: LiveSession, four: list[Idea]) -> None:
    a = four[0]
    before = room.journal_length(live)
    assert live.remove_dot(a.id) is False
    assert room.journal_length(live) == before
    live.add_dot(a.id)
    assert live.remove_dot(a.id) is True
    assert live.remove_dot(a.id) is False
    assert live.session.votes == []
    assert live.dots_left == live.budget


def test_results_most_dots_first_ties_in_order(room: Room, live: LiveSession, four: list[Idea]) -> None:
    a, b, c, d = four
    cluster = live.join([c.id, d.id])
    for target, dots in ((a.id, 1), (b.id, 3), (cluster.id, 3)):
        for _ in range(dots):
            live.add_dot(target)
    results = [(t.id, dots) for t, dots in live.results()]
    assert results == [(cluster.id, 3), (b.id, 3), (a.id, 1)]
    resumed = room.reopen(live.session.id)
    assert [(t.id, dots) for t, dots in resumed.results()] == results


def test_undo_of_a_dot_takes_it_back(live: LiveSession, four: list[Idea]) -> None:
    live.add_dot(four[0].id)
    live.add_dot(four[0].id)
    live.undo()
    assert live.dots(four[0].id) == 1


# --- act and close --------------------------------------------------------------------------


def test_entering_act_drafts_actions_from_the_top_votes(room: Room, live: LiveSession, four: list[Idea]) -> None:
    a, b, c, _d = four
    go_to(live, CONVERGE)
    cluster = live.join([a.id, b.id], name="Hear the customer")
    live.set_routine(cluster.id, "daily stand-up")
    live.set_routine(c.id, "one-to-ones")
    go_to(live, VOTE)
    live.add_dot(c.id)
    live.add_dot(cluster.id)
    live.add_dot(cluster.id)
    room.clock.advance(30)
    go_to(live, ACT)

    drafted = [(x.text, x.routine, x.source_ideas, x.session, x.status) for x in live.session.actions]
    assert drafted == [
        ("Hear the customer", "daily stand-up", [a.id, b.id], live.session.id, ActionStatus.OPEN),
        (c.text, "one-to-ones", [c.id], live.session.id, ActionStatus.OPEN),
    ]  # d had no dots
    assert all(x.created == room.clock.now() for x in live.session.actions)
    assert room.reopen(live.session.id).session.actions == live.session.actions


def test_at_most_five_actions_are_drafted(live: LiveSession) -> None:
    ideas = add_ideas(live, *(f"Idea {n}" for n in range(7)))
    for idea in ideas:
        live.add_dot(idea.id)
    go_to(live, ACT)
    assert [x.source_ideas for x in live.session.actions] == [[i.id] for i in ideas[:5]]


def test_entering_act_without_votes_drafts_nothing(live: LiveSession, four: list[Idea]) -> None:
    go_to(live, ACT)
    assert live.session.actions == []


@pytest.mark.parametrize("close_from", [WARM_UP, DIVERGE, ACT, CLOSE])
def test_close_finishes_the_session(room: Room, live: LiveSession, close_from: int) -> None:
    idea = live.add_idea("Call a customer")
    live.add_dot(idea.id)
    go_to(live, close_from)
    live.new_action()
    live.save_action(Action(text="Quote at stand-up", owner="Ana", routine="daily stand-up"))

    live.close()

    stored = room.snapshot(live.session.id)
    assert live.is_closed and stored.status is SessionStatus.CLOSED
    assert stored.phase == CLOSE
    assert stored.actions and all(x.session == stored.id for x in stored.actions)
    assert all(r.ended is not None for r in stored.rounds)
    assert room.store.journal(stored.id).events() == []
    assert room.store.live_sessions() == []


def test_next_phase_from_the_last_phase_closes(room: Room, live: LiveSession) -> None:
    go_to(live, CLOSE)
    live.next_phase()
    assert room.snapshot(live.session.id).status is SessionStatus.CLOSED


# --- journal replay and crash recovery ------------------------------------------------------


def busy_phase(live: LiveSession) -> None:
    """Every kind of event, in one phase so that the journal holds them all."""
    a, b, c = add_ideas(live, "@Ana Quote at stand-up", "Call a customer", "Frontline lunch")
    live.edit_idea(b.id, "Call two customers @Ben")
    live.delete_idea(c.id)
    live.undo()
    live.delete_idea(a.id)
    live.undo()
    cluster = live.join([a.id, b.id])
    live.rename_cluster(cluster.id, "Hear the customer")
    live.set_routine(cluster.id, "daily stand-up")
    live.add_dot(cluster.id)
    live.add_dot(cluster.id)
    live.add_dot(c.id)
    live.remove_dot(cluster.id)
    live.skip_card()
    live.new_action()
    live.join([c.id])
    live.ungroup(c.id)


@pytest.mark.parametrize(
    ("onto", "times"),
    [("snapshot", 1), ("snapshot", 2), ("snapshot", 3), ("final", 1)],
    ids=["once", "twice", "three-times", "onto-a-fold-that-already-holds-them"],
)
def test_replaying_the_journal_is_idempotent(room: Room, live: LiveSession, onto: str, times: int) -> None:
    busy_phase(live)
    journal = room.store.journal(live.session.id).events()
    assert {e["op"] for e in journal} == {"put", "remove", "vote", "set"}
    session = room.snapshot(live.session.id) if onto == "snapshot" else live.session.model_copy(deep=True)
    for _ in range(times):
        for event in journal:
            events.apply(session, event)
    assert session.model_dump(mode="json") == live.session.model_dump(mode="json")


def test_set_events_replay_idempotently(live: LiveSession) -> None:
    session = live.session.model_copy(deep=True)
    event = events.set_fields(phase=VOTE, status=SessionStatus.CLOSED)
    for _ in range(2):
        events.apply(session, event)
        assert (session.phase, session.status) == (VOTE, SessionStatus.CLOSED)


def test_resume_after_a_crash_restores_the_phase_round_and_ideas(room: Room, live: LiveSession) -> None:
    add_ideas(live, "From the warm-up")
    live.next_round()
    add_ideas(live, "Round one idea")
    live.next_round()
    add_ideas(live, "@Ben Round two idea")
    before = live.session.model_dump(mode="json")
    current = live.current_round
    del live  # the process dies: no fold, only the journal

    snapshot = room.snapshot(before["id"])
    assert [i.text for i in snapshot.ideas] == ["From the warm-up"]
    resumed = room.reopen(before["id"])

    assert resumed.session.model_dump(mode="json", exclude={"clock"}) == {k: v for k, v in before.items() if k != "clock"}
    assert resumed.phase.kind is PhaseKind.DIVERGE
    assert resumed.round_number == 2
    assert resumed.current_round == current  # the same round, not a new one


def test_resume_in_the_first_round_keeps_its_card(room: Room, live: LiveSession) -> None:
    shown = live.current_round
    resumed = room.reopen(live.session.id)
    assert resumed.session.rounds == [shown]


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_a_resumed_session_does_not_repeat_cards_already_shown(room: Room, seed: int) -> None:
    live = room.start(seed=seed)
    live.next_round()
    live.next_round()
    shown = {r.prompt for r in live.session.rounds}
    resumed = room.reopen(live.session.id)
    resumed.next_round()
    assert resumed.current_round.prompt not in shown


# --- follow-up ------------------------------------------------------------------------------


@pytest.fixture
def history(room: Room) -> None:
    earlier_session(room, "old00001", days_ago=60, actions=["s-old-1"])
    earlier_session(room, "old00002", days_ago=30, team="support", actions=["s-recent-1", "s-recent-2"])
    earlier_session(room, "sales001", days_ago=30, team="Sales", actions=["sales-1"])
    earlier_session(room, "later001", days_ago=-5, actions=["s-later-1"])


def test_follow_up_lists_the_teams_open_actions_from_earlier_sessions(room: Room, history: None) -> None:
    live = room.start("follow-up")
    live.new_action()
    assert live.phase.kind is PhaseKind.FOLLOW_UP
    listed = sorted(r.action.id for r in live.earlier_open_actions())
    assert listed == ["s-old-1", "s-recent-1", "s-recent-2"]  # not Sales, not later, not its own


def test_follow_up_leaves_out_actions_closed_before_it_began(room: Room, history: None) -> None:
    """An action marked done at an earlier follow-up is no longer open and must not come back."""
    earlier_session(room, "old00003", days_ago=40, actions=["s-done-1"], closed_days_ago=20)
    live = room.start("follow-up")
    listed = sorted(r.action.id for r in live.earlier_open_actions())
    assert listed == ["s-old-1", "s-recent-1", "s-recent-2"]


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.OPEN])
def test_mark_earlier_saves_the_status_and_keeps_the_row_in_view(
    room: Room, history: None, status: ActionStatus
) -> None:
    live = room.start("follow-up")
    shown = {r.action.id: r for r in live.earlier_open_actions()}
    row = live.mark_earlier(shown["s-recent-1"], status)
    assert (row.action.id, row.action.status, row.session.id) == ("s-recent-1", status, "old00002")
    assert (row.action.closed is None) is (status is ActionStatus.OPEN)

    stored = {a.id: a for a in Store(room.store_path).session("old00002").actions}
    assert stored["s-recent-1"].status is status
    assert stored["s-recent-2"].status is ActionStatus.OPEN
    listed = {r.action.id: r.action.status for r in live.earlier_open_actions()}
    assert listed["s-recent-1"] is status


def test_mark_earlier_of_an_action_gone_since_it_was_listed_is_refused(room: Room, history: None) -> None:
    live = room.start("follow-up")
    row = next(r for r in live.earlier_open_actions() if r.action.id == "s-recent-1")
    room.store.delete_session("old00002")
    with pytest.raises(LookupError):
        live.mark_earlier(row, ActionStatus.DONE)
    assert live.session.follow_ups == []


@pytest.mark.parametrize("width", [20, 30, 44, 60, 200])
def test_the_compact_agenda_never_splits_the_phase_s_place(live: LiveSession, width: int) -> None:
    """`phase 1 of 6` stays whole: when the line is too narrow it starts the second line."""
    from rich.console import Console

    from facilitator.widgets.agenda import compact_agenda_text

    text = compact_agenda_text(live, width)
    lines = [line.plain.rstrip() for line in text.wrap(Console(), width)]
    total = len(live.plan.phases)

    assert any(f"phase 1 of {total}" in line for line in lines), lines
    assert lines[0].startswith("▶ ") and (len(lines) == 1) == (compact_agenda_text(live).cell_len <= width)

"""What a facilitator must be able to trust: nothing typed is lost, no stale copy writes over
newer work, time is honest, and names and voters mean something. Engine only, on a real store."""

from __future__ import annotations

import json

import pytest

from facilitator.engine import events
from facilitator.engine.countdown import CountdownState
from facilitator.engine.live import LiveSession, archive, fresh_session
from facilitator.engine.names import fold, split_author
from facilitator.models import ActionStatus, Draft, SessionStatus
from facilitator.store import StaleAction, StaleSession, Store
from tests.room import (
    ACT,
    CONVERGE,
    DIVERGE,
    ROUND_SECONDS,
    VOTE,
    WARM_UP,
    Room,
    add_ideas,
    earlier_session,
)


def reopened(room: Room, live: LiveSession) -> LiveSession:
    """The session as a new process finds it after `kill -9`: only what reached the disk."""
    return room.reopen(live.session.id)


# --- nothing typed is lost ------------------------------------------------------------------


def test_a_draft_survives_a_crash(room: Room, live: LiveSession) -> None:
    live.type_draft("Call three cust")
    assert reopened(room, live).draft.text == "Call three cust"


def test_an_idea_and_the_emptied_box_reach_the_journal_in_one_write(room: Room, live: LiveSession) -> None:
    """A crash can never leave the box emptied while its idea is unsaved: one line pair, one write."""
    live.type_draft("Call three customers")
    path = room.store.journal(live.session.id).path
    before = path.read_bytes()
    writes: list[bytes] = []
    original = type(live.journal).append

    def spy(journal, *batch, durable=True):
        writes.append(b"".join(json.dumps(e).encode() for e in batch))
        original(journal, *batch, durable=durable)

    type(live.journal).append = spy  # type: ignore[method-assign]
    try:
        live.add_idea("Call three customers", draft="and")
    finally:
        type(live.journal).append = original  # type: ignore[method-assign]
    assert len(writes) == 1
    added = path.read_bytes()[len(before) :].decode().splitlines()
    assert [json.loads(line)["op"] for line in added] == ["put", "set"]
    resumed = reopened(room, live)
    assert [i.text for i in resumed.session.ideas] == ["Call three customers"]
    assert resumed.draft.text == "and"


def test_the_draft_stays_across_round_and_phase_ends(room: Room, live: LiveSession) -> None:
    live.type_draft("half an idea")
    live.next_round()  # warm-up has one round: this is a phase end
    assert live.session.phase == DIVERGE
    live.next_round()
    live.next_phase()
    assert live.session.phase == CONVERGE
    assert live.draft.text == "half an idea"
    assert room.snapshot(live.session.id).draft.text == "half an idea"  # folded with the phase


def test_an_edit_holds_the_new_idea_being_typed_and_gives_it_back(room: Room, live: LiveSession) -> None:
    (idea,) = add_ideas(live, "Call a customer")
    live.type_draft("Invite sup")
    assert live.begin_edit(idea.id) == "Call a customer"
    live.type_draft("Call a customer today")
    crashed = reopened(room, live)  # the edit and the held text both survive
    assert crashed.draft == Draft(text="Call a customer today", editing=idea.id, held="Invite sup")
    crashed.edit_idea(idea.id, "Call a customer today", draft="port")
    assert crashed.idea(idea.id).text == "Call a customer today"
    assert crashed.draft == Draft(text="Invite support")


def test_cancelling_an_edit_gives_back_the_held_text(live: LiveSession) -> None:
    (idea,) = add_ideas(live, "Call a customer")
    live.type_draft("Invite")
    live.begin_edit(idea.id)
    assert live.cancel_edit() == "Invite"
    assert live.draft == Draft(text="Invite")
    assert live.idea(idea.id).text == "Call a customer"


def test_pending_choices_survive_a_crash_and_are_used_once(room: Room, live: LiveSession) -> None:
    first, second = add_ideas(live, "Weekly customer story", "Rotate the storyteller")
    live.toggle_build_on(first.id)
    live.card_from_idea(second.id)
    resumed = reopened(room, live)
    assert (resumed.builds_on, resumed.next_card_from) == (first.id, second.id)
    third = resumed.add_idea("Told by the frontline")
    assert third is not None and third.builds_on == first.id and resumed.builds_on is None
    resumed.next_round()
    assert resumed.current_round is not None and "Rotate the storyteller" in resumed.current_round.text
    assert resumed.next_card_from is None
    assert reopened(room, resumed).next_card_from is None


@pytest.mark.parametrize("how", ["delete", "undo"])
def test_nothing_pending_points_at_an_idea_that_is_gone_even_after_replay(room: Room, live: LiveSession, how: str) -> None:
    (idea,) = add_ideas(live, "Weekly customer story")
    live.toggle_build_on(idea.id)
    live.card_from_idea(idea.id)
    live.type_draft("held")
    live.begin_edit(idea.id)
    if how == "delete":
        live.delete_idea(idea.id)
    else:
        live.undo()  # takes the capture back
    for session in (live, reopened(room, live)):
        assert (session.builds_on, session.next_card_from) == (None, None)
        assert session.draft == Draft(text="held")


# --- honest time ----------------------------------------------------------------------------


def test_resume_shows_the_time_that_was_left_paused(room: Room, live: LiveSession) -> None:
    room.clock.advance(45)
    live.heartbeat()
    room.clock.advance(0.5)  # the crash comes before the next heartbeat
    resumed = reopened(room, live)
    assert resumed.countdown.state is CountdownState.PAUSED
    assert resumed.countdown.remaining() == ROUND_SECONDS - 45
    assert resumed.resumed_at == ROUND_SECONDS - 45
    assert resumed.phase_spent() == 45


def test_a_paused_or_extended_clock_is_written_at_once(room: Room, live: LiveSession) -> None:
    room.clock.advance(30)
    live.toggle_timer()  # paused at 1:30
    room.clock.advance(600)  # a long discussion while paused; no heartbeat needed
    assert reopened(room, live).countdown.remaining() == ROUND_SECONDS - 30
    live.toggle_timer()
    live.extend_timer(60)
    assert reopened(room, live).countdown.remaining() == ROUND_SECONDS - 30 + 60


def test_resume_in_overtime_keeps_the_overtime(room: Room, live: LiveSession) -> None:
    room.clock.advance(ROUND_SECONDS + 20)
    live.heartbeat()
    resumed = reopened(room, live)
    assert resumed.countdown.remaining() == -20 and resumed.countdown.overtime


def test_resume_in_a_phase_without_rounds_keeps_its_clock(room: Room, live: LiveSession) -> None:
    live.next_phase()
    live.next_phase()
    assert live.session.phase == CONVERGE
    room.clock.advance(70)
    live.heartbeat()
    resumed = reopened(room, live)
    assert resumed.countdown.remaining() == 3 * 60 - 70
    assert resumed.countdown.state is CountdownState.PAUSED


def test_the_heartbeat_is_written_once_a_second_without_fsync(room: Room, live: LiveSession, monkeypatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr("facilitator.store.os.fsync", synced.append)
    before = room.journal_length(live)
    live.heartbeat()  # the round's start wrote the clock this very second
    room.clock.advance(1)
    live.heartbeat()
    live.heartbeat()  # the same second again: nothing more
    room.clock.advance(1.5)
    live.heartbeat()
    assert room.journal_length(live) == before + 2
    assert synced == []


def test_each_phase_keeps_planned_against_actual_time(room: Room, live: LiveSession) -> None:
    room.clock.advance(150)
    live.next_round()  # warm-up: 2 minutes planned, 2:30 spent
    room.clock.advance(400)
    live.next_phase()  # diverge: 6 minutes planned, 6:40 spent
    room.clock.advance(60)
    live.heartbeat()
    resumed = reopened(room, live)  # converge, crashed after a minute
    room.clock.advance(30)
    resumed.next_phase()
    times = {t.phase: (t.planned, t.spent) for t in resumed.session.timings}
    assert times == {WARM_UP: (120, 150), DIVERGE: (360, 400), CONVERGE: (180, 90), VOTE: (120, 0)}
    assert resumed.session_seconds_left() == 20 * 60 - 640


def test_closing_saves_the_last_phase_time_and_clears_the_clock(room: Room, live: LiveSession) -> None:
    while live.session.phase < ACT:
        live.next_phase()
    room.clock.advance(300)
    live.next_phase()
    stored = room.snapshot(live.session.id)
    assert stored.status is SessionStatus.CLOSED and stored.clock is None
    assert [t.phase for t in stored.timings] == [0, 1, 2, 3, 4]
    assert stored.timings[-1].spent == 300 and stored.timings[-1].ended is not None


def test_auto_advance_lives_on_the_session(room: Room) -> None:
    live = room.start(auto_advance=True)
    assert room.reopen(live.session.id).session.auto_advance is True


# --- no stale window ------------------------------------------------------------------------


def test_a_stale_copy_cannot_fold_over_newer_work(room: Room, live: LiveSession) -> None:
    stale = room.snapshot(live.session.id)  # what a second window read earlier
    add_ideas(live, "One", "Two", "Three")
    live.next_phase()  # the first window saves: revision moves on
    other = LiveSession(stale, live.plan, room.decks_for(live.plan), Store(room.store_path), room.clock)
    with pytest.raises(StaleSession):
        other.next_phase()
    assert [i.text for i in room.snapshot(live.session.id).ideas] == ["One", "Two", "Three"]


def test_fresh_session_reads_the_store_not_an_old_list(room: Room, live: LiveSession) -> None:
    listed = fresh_session(room.store, live.session.id)
    add_ideas(live, "After the list was shown")
    live.next_phase()
    assert fresh_session(Store(room.store_path), live.session.id).revision == listed.revision + 1
    assert [i.text for i in fresh_session(Store(room.store_path), live.session.id).ideas] == ["After the list was shown"]


def test_an_action_changed_elsewhere_is_not_written_over(room: Room) -> None:
    earlier_session(room, "old00002", days_ago=30, actions=["s-recent-1"])
    live = room.start("follow-up")
    (row,) = live.earlier_open_actions()
    Store(room.store_path).set_action_status("s-recent-1", ActionStatus.DONE)  # `actions done` in a shell
    with pytest.raises(StaleAction) as caught:
        live.mark_earlier(row, ActionStatus.OPEN)
    assert caught.value.row.action.status is ActionStatus.DONE
    assert room.snapshot("old00002").actions[0].status is ActionStatus.DONE
    assert live.session.follow_ups == []
    again = live.mark_earlier(caught.value.row, ActionStatus.OPEN)  # asked again, knowing: done
    assert again.action.status is ActionStatus.OPEN


def test_follow_up_changes_are_noted_once_per_action(room: Room) -> None:
    from datetime import date

    earlier_session(room, "old00002", days_ago=30, actions=["s-recent-1", "s-recent-2"])
    live = room.start("follow-up")
    rows = {r.action.id: r for r in live.earlier_open_actions()}
    row = live.settle_earlier(rows["s-recent-1"], due=date(2025, 4, 1))
    row = live.settle_earlier(row, owner="Ben")
    live.mark_earlier(rows["s-recent-2"], ActionStatus.DONE)
    changes = {c.action: c for c in reopened(room, live).session.follow_ups}
    assert changes["s-recent-1"].before.due is None and changes["s-recent-1"].after.due == date(2025, 4, 1)
    assert changes["s-recent-1"].after.owner == "Ben"
    assert changes["s-recent-2"].after.status is ActionStatus.DONE
    back = live.mark_earlier(next(r for r in live.earlier_open_actions() if r.action.id == "s-recent-2"), ActionStatus.OPEN)
    assert back.action.status is ActionStatus.OPEN
    assert [c.action for c in live.session.follow_ups] == ["s-recent-1"]  # back as it was: no change


def test_an_abandoned_session_is_archived_with_its_journal(room: Room, live: LiveSession) -> None:
    add_ideas(live, "Only in the journal")
    archived = archive(Store(room.store_path), live.session.id)
    stored = room.snapshot(live.session.id)
    assert stored.status is SessionStatus.ARCHIVED == archived.status
    assert [i.text for i in stored.ideas] == ["Only in the journal"]
    assert room.store.journal(live.session.id).events() == []
    assert room.store.live_sessions() == []
    with pytest.raises(LookupError, match="archived"):
        archive(room.store, live.session.id)


# --- names and voters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@osc Ask support", ("Ask support", "Óscar")),
        ("Ask support @ÓSCAR", ("Ask support", "Óscar")),
        ("@zoe Ask support", ("Ask support", "Zoë")),
        ("@ana maria Ask support", ("Ask support", "Ana María")),
        ("Ask support @Ana María", ("Ask support", "Ana María")),
        ("@Zed Ask support", ("Ask support", "Zed")),
    ],
)
def test_names_match_without_case_or_accents(typed: str, expected: tuple[str, str]) -> None:
    assert split_author(typed, ["Óscar", "Zoë", "Ana María"]) == expected


def test_fold_drops_accents_and_case() -> None:
    assert fold("Óscar Ñúñez") == "oscar nunez"


def test_an_unknown_name_is_asked_about_once(room: Room, live: LiveSession) -> None:
    idea = live.add_idea("@Zed Ask support")
    assert idea is not None and live.is_new_name(idea.author)
    live.keep_name("Zed")
    assert not live.is_new_name("zed")
    live.add_participant("Dana")
    resumed = reopened(room, live)
    assert "Dana" in resumed.session.participants and not resumed.is_new_name("dan")
    assert resumed.session.other_names == ["Zed"]


def test_a_vote_without_participants_waits_for_the_number_of_voters(room: Room) -> None:
    live = room.start(participants=[], dots_per_participant=3)
    a, _b = add_ideas(live, "One", "Two")
    assert live.needs_voters and live.budget == 0 and not live.add_dot(a.id)
    live.set_voters("7")
    assert (live.voter_count, live.budget) == (7, 21)
    live.set_voters("Ana, Ben, , ana")
    assert live.session.participants == ["Ana", "Ben"] and live.budget == 6
    assert reopened(room, live).budget == 6


@pytest.mark.parametrize("answer", ["0", "", " , ", "1001"])
def test_a_number_of_voters_that_means_nothing_is_refused(room: Room, answer: str) -> None:
    live = room.start(participants=[])
    with pytest.raises(ValueError):
        live.set_voters(answer)
    assert live.needs_voters


def test_set_events_are_checked_before_they_are_journaled(live: LiveSession) -> None:
    with pytest.raises(ValueError):
        events.set_fields(voters="many")
    with pytest.raises(ValueError):
        events.set_fields(votes=[])  # not a field a set event may change

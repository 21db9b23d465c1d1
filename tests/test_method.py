"""The method's promises, kept by the draw for every shipped plan and any seed: each diverge phase
ties the trait to at least one of the team's routines and shows every kind of card it names (a
journey phase walks a moment of the journey), and a warm-up loosens the room up with stimulus and
perspective cards before it meets its routines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.catalog import load_decks, load_plans
from facilitator.engine.live import LiveSession
from facilitator.models import PhaseKind, PromptKind, Session
from facilitator.routines import DEFAULT_ROUTINES
from facilitator.store import Store

DECKS = load_decks()
PLANS = load_plans(decks=DECKS.items)


def rounds_by_phase(tmp_path: Path, plan_id: str, seed: int, routines: list[str], skips: int = 0) -> dict[int, list]:
    """Run the plan's card phases with its own decks; `skips` cards skipped in each round."""
    plan = PLANS.get(plan_id)
    decks = [DECKS.get(d) for d in plan.decks]
    session = Session(title="method", plan=plan.id, decks=plan.decks, routines=routines, seed=seed)
    live = LiveSession.start(session, plan, decks, Store(tmp_path / f"store-{seed}-{skips}.json"))
    while True:
        if live.phase.kind is PhaseKind.FOLLOW_UP:
            live.next_phase()
            continue
        if live.phase.kind not in (PhaseKind.WARM_UP, PhaseKind.DIVERGE):
            break
        for _ in range(skips):
            live.skip_card()
        live.next_round()
    shown: dict[int, list] = {}
    for done in live.session.rounds:
        shown.setdefault(done.phase, []).append(done)
    return shown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31), skips=st.integers(min_value=0, max_value=2), routine_count=st.integers(min_value=1, max_value=17))
@pytest.mark.parametrize("plan_id", sorted(PLANS.items))
def test_every_diverge_phase_shows_a_routine_card_whatever_the_seed(plan_id: str, seed: int, skips: int, routine_count: int, tmp_path: Path) -> None:
    plan = PLANS.get(plan_id)
    routines = list(DEFAULT_ROUTINES[:routine_count])

    shown = rounds_by_phase(tmp_path, plan_id, seed, routines, skips)

    for index, phase in enumerate(plan.phases):
        if phase.kind is PhaseKind.DIVERGE:
            kinds = [r.kind for r in shown[index]]
            assert PromptKind.ROUTINE in kinds, (phase.label, kinds)
            assert all(r.routine in routines for r in shown[index] if r.kind is PromptKind.ROUTINE)
            assert {k.value for k in phase.kinds} <= {k.value for k in kinds}, (phase.label, kinds)


@pytest.mark.parametrize("plan_id", sorted(PLANS.items))
@pytest.mark.parametrize("seed", range(5))
def test_a_warm_up_shows_stimulus_and_perspective_cards(plan_id: str, seed: int, tmp_path: Path) -> None:
    plan = PLANS.get(plan_id)

    shown = rounds_by_phase(tmp_path, plan_id, seed, list(DEFAULT_ROUTINES))

    for index, phase in enumerate(plan.phases):
        if phase.kind is PhaseKind.WARM_UP and not phase.kinds:
            assert {r.kind for r in shown[index]} <= {PromptKind.STIMULUS, PromptKind.PERSPECTIVE}


def test_a_diverge_phase_whose_earlier_round_showed_a_routine_card_is_not_forced_again(tmp_path: Path) -> None:
    """The guarantee only steps in when needed: over many seeds, a last round also shows other kinds."""
    plan_id = "quick-reflection"
    plan = PLANS.get(plan_id)
    diverge = next(i for i, p in enumerate(plan.phases) if p.kind is PhaseKind.DIVERGE)
    last_kinds = {rounds_by_phase(tmp_path, plan_id, seed, list(DEFAULT_ROUTINES))[diverge][-1].kind for seed in range(40)}
    assert PromptKind.ROUTINE in last_kinds and len(last_kinds) > 1

"""What a phone may see of the session on the wall and send to it, as plain data for the API.

The server asks; the live session answers. No request can name another session or reach the
store: everything here goes through the one session the wall is running, and a phone sees only
the card, the phase, the ideas it sent itself and the targets it may put dots on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from facilitator.engine.ideas import SentIdea
from facilitator.models import Idea, PhaseKind, PromptKind
from facilitator.vocabulary import KIND_LABELS, ROUND_PHASES

if TYPE_CHECKING:
    from facilitator.engine.live import LiveSession


class NotNow(ValueError):
    """What the phone asked for does not fit the session now (no round on, not voting, blocked)."""


class LiveWall:
    """The session the wall is running, as the room's server sees it."""

    def __init__(self, live: Callable[[], LiveSession | None], changed: Callable[[], None] = lambda: None) -> None:
        self._live = live
        self.changed = changed
        """Called after a phone changed the session, so the wall redraws."""

    def _session(self) -> LiveSession:
        live = self._live()
        if live is None or live.is_closed:
            raise NotNow("the session has ended")
        return live

    def version(self) -> tuple[object, ...]:
        """Changes whenever what a phone sees may have changed."""
        live = self._live()
        if live is None:
            return (None,)
        return (id(live), live.changes, live.session.phase, live.round_number, live.is_closed)

    def blocked(self, device: str) -> bool:
        live = self._live()
        return live is not None and device in live.session.blocked_devices

    def durable(self) -> bool:
        """Everything taken so far is in the journal (a refusing disk keeps it in memory only)."""
        live = self._live()
        return live is None or live.unsaved == 0

    def state(self, device: str) -> dict[str, Any]:
        """The phase, the card, what the phone may do now, and in a vote its own dots."""
        live = self._live()
        if live is None or live.is_closed:
            title = live.session.title if live is not None else ""
            return {"title": title, "phase": None, "card": None, "ideas_open": False, "voting": False, "anonymous": False, "blocked": False, "ended": True}
        phase = live.phase
        card = live.current_round if phase.kind in ROUND_PHASES else None
        state: dict[str, Any] = {
            "title": live.session.title,
            "phase": {"label": phase.label, "kind": phase.kind.value, "number": live.session.phase + 1, "of": len(live.plan.phases)},
            "card": None,
            "ideas_open": card is not None and device not in live.session.blocked_devices,
            "voting": phase.kind is PhaseKind.VOTE and device not in live.session.blocked_devices,
            "anonymous": live.session.anonymous,
            "blocked": device in live.session.blocked_devices,
            "ended": False,
        }
        if card is not None:
            text = f"“{card.text}”" if card.kind is PromptKind.EVIDENCE else card.text
            state["card"] = {
                "heading": KIND_LABELS[card.kind],
                "text": text,
                "about": card.routine or card.moment or card.origin or "",
                "round": live.round_number,
                "rounds": phase.rounds,
            }
        if state["voting"]:
            mine = live.device_dots(device)
            budget = live.session.dots_per_participant
            state["dots"] = {"budget": budget, "left": budget - sum(mine.values())}
            state["targets"] = [{"id": t.id, "label": t.label, "mine": mine.get(t.id, 0)} for t in live.targets()]
        return state

    def send_ideas(self, sent: Sequence[SentIdea]) -> list[tuple[dict[str, Any], bool] | NotNow]:
        """Ideas from phones that arrived together, taken in one journal write; each answered
        with the idea as the phone sees it and whether it is new, or with why it was not taken."""
        live = self._live()
        if live is None or live.is_closed:
            return [NotNow("the session has ended") for _ in sent]
        answers: list[tuple[dict[str, Any], bool] | NotNow] = [
            NotNow(str(taken)) if isinstance(taken, ValueError) else (self._seen(live, taken[0]), taken[1])
            for taken in live.add_sent_ideas(sent)
        ]
        if any(isinstance(a, tuple) and a[1] for a in answers):
            self.changed()
        return answers

    def known_idea(self, key: str) -> dict[str, Any] | None:
        """An idea already taken under `key` (a phone sending again), as the phone sees it, with
        the device that sent it (for the server's check, not for the phone)."""
        live = self._live()
        idea = live.sent_idea(key) if live is not None else None
        return None if live is None or idea is None else {**self._seen(live, idea), "device": idea.device}

    def ideas_of(self, device: str) -> list[dict[str, Any]]:
        """The ideas this phone sent, oldest first, and whether each is on the wall."""
        live = self._live()
        if live is None:
            return []
        mine = [i for i in (*live.session.ideas, *live.session.hidden_ideas) if i.device == device]
        return [self._seen(live, idea) for idea in sorted(mine, key=lambda i: i.created)]

    def place_dots(self, device: str, dots: dict[str, int]) -> dict[str, Any]:
        """This phone's dots as it wants them now; its own budget holds."""
        live = self._session()
        if device in live.session.blocked_devices:
            raise NotNow("the facilitator has blocked this phone")
        if live.phase.kind is not PhaseKind.VOTE:
            raise NotNow("dots are placed during the vote")
        try:
            placed = live.place_device_dots(device, dots)
        except ValueError as exc:
            raise NotNow(str(exc)) from None
        self.changed()
        budget = live.session.dots_per_participant
        return {"dots": placed, "budget": budget, "left": budget - sum(placed.values())}

    @staticmethod
    def _seen(live: LiveSession, idea: Idea) -> dict[str, Any]:
        on_wall = any(i.id == idea.id for i in live.session.ideas)
        return {"id": idea.id, "key": idea.key, "text": idea.text, "name": idea.author, "on_wall": on_wall}

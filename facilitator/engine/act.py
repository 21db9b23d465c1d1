"""Act and follow-up: voted items become actions, and earlier actions are settled.

A part of `LiveSession`, kept in its own module.
"""

from __future__ import annotations

from facilitator.engine import events
from facilitator.engine.steps import Steps
from facilitator.models import Action, ActionStatus, SessionStatus
from facilitator.store import ActionRow


class ActSteps(Steps):
    def draft_actions(self, top: int = 5) -> list[Action]:
        """Turn the top-voted items into action drafts (the one place ideas become actions)."""
        drafted = []
        for target, dots in self.results()[:top]:
            if dots <= 0:
                break
            action = Action(
                text=target.label,
                routine=target.routine,
                source_ideas=list(target.ideas),
                session=self.session.id,
                created=self.clock.now(),
            )
            self._record(events.put("action", action))
            drafted.append(action)
        return drafted

    def save_action(self, action: Action, field: str | None = None) -> None:
        """Store an action as edited; successive edits of one field are one undo step."""
        key = ("action", action.id, field) if field else None
        self._record(events.put("action", action.model_copy(update={"session": self.session.id})), undoable=True, undo_key=key)

    def new_action(self) -> Action:
        action = Action(text="New action", session=self.session.id, created=self.clock.now())
        self._record(events.put("action", action), undoable=True)
        return action

    def remove_action(self, action_id: str) -> None:
        self._record(events.remove("action", action_id), undoable=True)

    # --- follow-up ---

    def earlier_open_actions(self) -> list[ActionRow]:
        """The team's open actions from earlier sessions, for the follow-up phase."""
        rows = self.store.actions(team=self.session.team)
        started = self.session.created
        return [
            r
            for r in rows
            if r.session.id != self.session.id
            and r.session.status is SessionStatus.CLOSED  # a running session's actions are not agreed yet
            and r.session.created <= started
            # still open, or settled during this follow-up (so the room sees what it just marked)
            and (r.action.status is ActionStatus.OPEN or (r.action.closed is not None and r.action.closed >= started))
        ]

    def mark_earlier(self, action_id: str, status: ActionStatus) -> ActionRow:
        return self.store.set_action_status(action_id, status)


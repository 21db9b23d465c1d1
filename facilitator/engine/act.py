"""Act and follow-up: voted items become actions, and earlier actions are settled.

A part of `LiveSession`, kept in its own module.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from facilitator.engine import events
from facilitator.engine.steps import Steps
from facilitator.models import Action, ActionStatus, FollowUp, Reflection, SessionStatus
from facilitator.summaries import ActionRow


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

    def say_aloud(self, action_id: str) -> Action | None:
        """Mark (or unmark) an action as said aloud by its owner at the close; None if there is no such action."""
        action = next((a for a in self.session.actions if a.id == action_id), None)
        if action is None:
            return None
        said = action.model_copy(update={"committed": not action.committed})
        self._record(events.put("action", said), undoable=True)
        return said

    def check_out(self, roti: list[int], follow_up_on: date | None) -> None:
        """The room's return on time invested (1 to 5 each) and the date it meets again."""
        self._record(events.set_fields(roti=roti, follow_up_on=follow_up_on), undoable=True)

    # --- follow-up ---

    def earlier_open_actions(self) -> list[ActionRow]:
        """The team's open actions from earlier sessions, and those this follow-up changed."""
        rows = self.store.actions(team=self.session.team)
        started = self.session.created
        changed = {change.action for change in self.session.follow_ups}
        return [
            r
            for r in rows
            if r.session.id != self.session.id
            and r.session.status is SessionStatus.CLOSED  # a running session's actions are not agreed yet
            and r.session.created <= started
            and (r.action.status is ActionStatus.OPEN or r.action.id in changed)
        ]

    def settle_earlier(self, row: ActionRow, **changes: Any) -> ActionRow:
        """Change an earlier action (status, owner, due) as the room agrees, and note it here.

        Raises `StaleAction` (nothing written) if the action changed since `row` was read: in
        another window, or from the command line.
        """
        updated = self.write_earlier(row, **changes)
        self.note_earlier(row, updated)
        return updated

    def write_earlier(self, row: ActionRow, **changes: Any) -> ActionRow:
        """The store's part of `settle_earlier`: safe on another thread, it changes nothing here."""
        return self.store.update_action(row.action.id, seen=row.action.state, **changes)

    def note_earlier(self, row: ActionRow, updated: ActionRow) -> None:
        """This session's part of `settle_earlier`, once the store holds the change: what the
        follow-up changed, for the summary and the undo of nothing else."""
        known = next((c for c in self.session.follow_ups if c.action == row.action.id), None)
        before = known.before if known else row.action.state
        after = updated.action.state
        if after == before:
            self._record(events.remove("follow_up", row.action.id))
        else:
            change = FollowUp(
                action=row.action.id, session=row.session.id, text=updated.action.text,
                before=before, after=after, at=self.clock.now(),
            )
            self._record(events.put("follow_up", change))

    def reflect_on(self, row: ActionRow, measure_met: bool | None, what: str, so_what: str, now_what: str) -> Reflection | None:
        """Keep what the room made of an earlier action (an empty reflection takes it away)."""
        if measure_met is None and not (what.strip() or so_what.strip() or now_what.strip()):
            if any(r.action == row.action.id for r in self.session.reflections):
                self._record(events.remove("reflection", row.action.id), undoable=True)
            return None
        reflection = Reflection(
            action=row.action.id, session=row.session.id, text=row.action.text, measure_met=measure_met,
            what=what.strip(), so_what=so_what.strip(), now_what=now_what.strip(), at=self.clock.now(),
        )
        self._record(events.put("reflection", reflection), undoable=True)
        return reflection

    def mark_earlier(self, row: ActionRow, status: ActionStatus) -> ActionRow:
        return self.settle_earlier(row, status=status)

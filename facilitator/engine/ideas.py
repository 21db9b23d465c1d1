"""Ideas as the room calls them out, and everything typed on the way to one.

A part of `LiveSession`. The idea box's unentered text (the draft), an edit in progress and the
pending "builds on" and "next card from this idea" choices are journaled like ideas, so neither
a phase ending nor a crash loses what was typed or chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from facilitator.engine import events
from facilitator.engine.names import fold, known_as, split_author
from facilitator.engine.steps import Steps
from facilitator.models import Draft, Idea, Round


class SentIdea(NamedTuple):
    """An idea as a phone sent it: its text, the phone, the phone's key for it, and a name."""

    text: str
    device: str
    key: str
    name: str | None = None


class IdeaSteps(Steps):
    def idea(self, idea_id: str) -> Idea:
        for idea in self.session.ideas:
            if idea.id == idea_id:
                return idea
        raise KeyError(idea_id)

    def split_author(self, text: str) -> tuple[str, str | None]:
        """`@Ana idea` or `idea @Ana` -> ("idea", "Ana"); see `names.split_author`."""
        return split_author(text, self.session.participants)

    @property
    def _round_index(self) -> int:
        raise NotImplementedError

    def _current_prompt(self) -> str | None:
        raise NotImplementedError

    @property
    def current_round(self) -> Round | None:
        raise NotImplementedError

    # --- capture ----------------------------------------------------------------------------

    def add_idea(self, text: str, author: str | None = None, *, draft: str = "") -> Idea | None:
        """Capture an idea; durable in the journal before this returns, or, while the disk
        refuses, kept in memory and queued (see `LiveSession.save_failed`). Blank text is ignored.

        Args:
            draft: what the idea box holds now (typed after Enter), journaled in the same write.
        """
        body, named = self.split_author(text)
        if not body:
            self.type_draft(draft)
            return None
        idea = Idea(
            text=body,
            author=author or named,
            round=self._round_index,
            prompt=self._current_prompt(),
            builds_on=self.session.builds_on_next,
            created=self.clock.now(),
        )
        after = events.set_fields(draft=Draft(text=draft), builds_on_next=None)
        self._record(events.put("idea", idea), also=[after], undoable=True)
        return idea

    def sent_idea(self, key: str) -> Idea | None:
        """The idea a phone sent under `key`, on the wall or hidden; None if it never arrived."""
        for idea in (*self.session.ideas, *self.session.hidden_ideas):
            if idea.key == key:
                return idea
        return None

    def add_sent_idea(self, text: str, *, device: str, key: str, name: str | None = None) -> tuple[Idea, bool]:
        """An idea a participant sent from a phone, durable in the journal before this returns
        (unless the disk refuses: see `LiveSession.unsaved`). Sent again under the same `key`
        (the phone heard no answer), it is the same idea, not a second one.

        Returns the idea, and whether it is new. Raises `ValueError` with a plain reason when
        the phone is blocked, no round is on, or the text is empty.
        """
        [taken] = self.add_sent_ideas([SentIdea(text, device, key, name)])
        if isinstance(taken, ValueError):
            raise taken
        return taken

    def add_sent_ideas(self, sent: Sequence[SentIdea]) -> list[tuple[Idea, bool] | ValueError]:
        """Ideas that phones sent at about the same moment, the new ones journaled in one write
        (one fsync, however many phones sent at once), each answered as `add_sent_idea` would:
        the idea and whether it is new, or why it is not taken."""
        answers: list[tuple[Idea, bool] | ValueError] = []
        new: dict[str, Idea] = {}
        for one in sent:
            known = new.get(one.key) or self.sent_idea(one.key)
            if known is not None:
                answers.append((known, False))
            elif one.device in self.session.blocked_devices:
                answers.append(ValueError("the facilitator has blocked this phone"))
            elif self.current_round is None:
                answers.append(ValueError("ideas are taken while a round is on"))
            elif not (body := " ".join(one.text.split())):
                answers.append(ValueError("the idea is empty"))
            else:
                idea = Idea(
                    text=body,
                    author=None if self.session.anonymous else (" ".join((one.name or "").split()) or None),
                    round=self._round_index,
                    prompt=self._current_prompt(),
                    created=self.clock.now(),
                    device=one.device,
                    key=one.key,
                )
                new[one.key] = idea
                answers.append((idea, True))
        if new:
            first, *rest = (events.put("idea", idea) for idea in new.values())
            self._record(first, also=rest)  # not the facilitator's to undo
        taken = {idea.key: idea for idea in self.session.ideas if idea.key in new}  # as stored, through the gate
        return [(taken[a[0].key or ""], a[1]) if isinstance(a, tuple) and a[1] else a for a in answers]

    def hide_idea(self, idea_id: str) -> None:
        """Take an idea off the wall (kept, so its phone cannot send it again as new)."""
        idea = self.idea(idea_id)
        # One write, undone whole: a crash between two writes would leave it on the wall and hidden.
        self._record(events.put("hidden_idea", idea), also=[events.remove("idea", idea_id)], undo_all=True)

    def block_device(self, device: str) -> None:
        """Take nothing more from this phone; what it sent stays until hidden."""
        if device not in self.session.blocked_devices:
            self._record(events.set_fields(blocked_devices=[*self.session.blocked_devices, device]), undoable=True)

    def set_anonymous(self, anonymous: bool) -> None:
        """Phones send ideas without names (the facilitator's choice when opening the room)."""
        if anonymous != self.session.anonymous:
            self._record(events.set_fields(anonymous=anonymous))

    def edit_idea(self, idea_id: str, text: str, *, draft: str = "") -> Idea:
        """Save an edit; the new idea's text that was put aside comes back into the box."""
        body, named = self.split_author(text)
        old = self.idea(idea_id)
        new = old.model_copy(update={"text": body or old.text, "author": named or old.author})
        after = events.set_fields(draft=Draft(text=self.session.draft.held + draft))
        self._record(events.put("idea", new), also=[after], undoable=True)
        return new

    def delete_idea(self, idea_id: str) -> None:
        """An idea from a phone is hidden rather than deleted: its key is kept, so the phone
        sending it again (it heard no answer) does not bring it back as new."""
        if self.idea(idea_id).key:
            self.hide_idea(idea_id)
            return
        self._record(events.remove("idea", idea_id), undoable=True)

    # --- the idea box -----------------------------------------------------------------------

    @property
    def draft(self) -> Draft:
        return self.session.draft

    def type_draft(self, text: str) -> None:
        """The box now holds `text`: journaled at once, so a crash brings it back."""
        if text != self.session.draft.text:
            # Without fsync, like the clock's heartbeat: a killed process keeps the write; only a
            # power cut could lose the last keys, and the idea itself is written durably on Enter.
            self._record(events.set_fields(draft=self.session.draft.model_copy(update={"text": text})), durable=False)

    def begin_edit(self, idea_id: str) -> str:
        """Edit an idea in the box; what was typed there is held and comes back afterwards."""
        current = self.session.draft
        held = current.held if current.editing else current.text
        text = self.idea(idea_id).text
        self._record(events.set_fields(draft=Draft(text=text, editing=idea_id, held=held)))
        return text

    def cancel_edit(self) -> str:
        """Leave the edit unsaved; returns the held text, which is back in the box."""
        held = self.session.draft.held
        self._record(events.set_fields(draft=Draft(text=held)))
        return held

    # --- pending choices --------------------------------------------------------------------

    @property
    def builds_on(self) -> str | None:
        return self.session.builds_on_next

    @property
    def next_card_from(self) -> str | None:
        return self.session.card_from

    def toggle_build_on(self, idea_id: str) -> None:
        """The next idea builds on this one; asked again for the same idea, no longer."""
        self.idea(idea_id)
        target = None if self.session.builds_on_next == idea_id else idea_id
        self._record(events.set_fields(builds_on_next=target))

    def card_from_idea(self, idea_id: str) -> None:
        """The next round will show this idea as a build-on card."""
        self.idea(idea_id)
        self._record(events.set_fields(card_from=idea_id))

    # --- who said it ------------------------------------------------------------------------

    def is_new_name(self, name: str | None) -> bool:
        """A name typed with @ that is neither a participant nor one kept as typed before."""
        if not name:
            return False
        return known_as(name, self.session.participants) is None and fold(name) not in {
            fold(n) for n in self.session.other_names
        }

    def add_participant(self, name: str) -> None:
        if known_as(name, self.session.participants) is None:
            self._record(events.set_fields(participants=[*self.session.participants, name]))

    def keep_name(self, name: str) -> None:
        """Keep `name` as typed: not a participant, and not asked about again."""
        if self.is_new_name(name):
            self._record(events.set_fields(other_names=[*self.session.other_names, name]))

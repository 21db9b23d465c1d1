"""Converge and vote: clusters of ideas, the routine where each would happen, and dot voting.

A part of `LiveSession`, kept in its own module; every change goes through the session's
journal like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.engine import events
from facilitator.engine.names import split_names
from facilitator.engine.steps import Steps
from facilitator.models import Cluster


@dataclass(frozen=True)
class Target:
    """Something the room votes on: a cluster, or an idea in no cluster."""

    id: str
    label: str
    routine: str | None
    ideas: tuple[str, ...]
    is_cluster: bool


class ConvergeSteps(Steps):
    def cluster_of(self, idea_id: str) -> Cluster | None:
        return next((c for c in self.session.clusters if idea_id in c.ideas), None)

    def join(self, idea_ids: Sequence[str], name: str | None = None) -> Cluster:
        """Group ideas; joining an idea that is already in a cluster brings the others into it."""
        target = next((c for idea in idea_ids if (c := self.cluster_of(idea))), None)
        if target is None:
            first = self.idea(idea_ids[0])
            target = Cluster(name=name or first.text[:60], routine=first.routine)
        members = list(target.ideas)
        with self._one_step():
            for idea_id in idea_ids:
                other = self.cluster_of(idea_id)
                if other is not None and other.id != target.id:
                    self._leave(other, idea_id)
                if idea_id not in members:
                    members.append(idea_id)
            cluster = target.model_copy(update={"ideas": members, "name": name or target.name})
            self._record(events.put("cluster", cluster), undoable=True)
        return cluster

    def _leave(self, cluster: Cluster, idea_id: str) -> None:
        rest = [i for i in cluster.ideas if i != idea_id]
        if rest:
            self._record(events.put("cluster", cluster.model_copy(update={"ideas": rest})), undoable=True)
        else:
            self._record(events.remove("cluster", cluster.id), undoable=True)

    def ungroup(self, idea_id: str) -> None:
        cluster = self.cluster_of(idea_id)
        if cluster is not None:
            self._leave(cluster, idea_id)

    def rename_cluster(self, cluster_id: str, name: str) -> None:
        cluster = next(c for c in self.session.clusters if c.id == cluster_id)
        self._record(events.put("cluster", cluster.model_copy(update={"name": name})), undoable=True)

    def set_routine(self, target_id: str, routine: str | None) -> None:
        """Say in which routine an idea or a cluster would happen."""
        for cluster in self.session.clusters:
            if cluster.id == target_id:
                self._record(events.put("cluster", cluster.model_copy(update={"routine": routine})), undoable=True)
                return
        idea = self.idea(target_id)
        self._record(events.put("idea", idea.model_copy(update={"routine": routine})), undoable=True)

    # --- vote ---

    def targets(self) -> list[Target]:
        clustered = {i for c in self.session.clusters for i in c.ideas}
        found = [Target(c.id, c.name, c.routine, tuple(c.ideas), True) for c in self.session.clusters]
        found += [
            Target(i.id, i.text, i.routine, (i.id,), False) for i in self.session.ideas if i.id not in clustered
        ]
        return found

    @property
    def voter_count(self) -> int:
        """The number the facilitator gave when asked, else the named participants; 0 until one
        of them is known."""
        return self.session.voters or len(self.session.participants)

    @property
    def needs_voters(self) -> bool:
        """A vote cannot start before the app knows how many people vote."""
        return self.voter_count == 0

    def set_voters(self, answer: str) -> None:
        """`7` (how many people vote) or `Ana, Ben, Chris` (who: they become participants)."""
        answer = answer.strip()
        if answer.isascii() and answer.isdecimal():  # "²" is a digit to Python, not a number
            if not 1 <= int(answer) <= 1000:
                raise ValueError("give a number of people from 1 to 1000")
            self._record(events.set_fields(voters=int(answer)))
            return
        names = split_names(answer)
        if not names:
            raise ValueError("say how many people vote, or their names separated by commas")
        self._record(events.set_fields(participants=names, voters=None))  # the latest answer counts

    @property
    def budget(self) -> int:
        return self.voter_count * self.session.dots_per_participant

    def dots(self, target_id: str, device: str | None = None) -> int:
        """The dots on a target from the keyboard, or from one phone."""
        return next((v.dots for v in self.session.votes if (v.target, v.device) == (target_id, device)), 0)

    def tally(self, target_id: str) -> int:
        """Every dot on a target: the keyboard's and every phone's, in one count."""
        return sum(v.dots for v in self.session.votes if v.target == target_id)

    @property
    def dots_left(self) -> int:
        """The keyboard's dots left. Dots on ideas or clusters that are gone (deleted, ungrouped)
        go back to the room."""
        live_targets = {t.id for t in self.targets()}
        return self.budget - sum(v.dots for v in self.session.votes if v.device is None and v.target in live_targets)

    def add_dot(self, target_id: str) -> bool:
        if self.dots_left <= 0:
            return False
        self._record(events.vote(target_id, self.dots(target_id) + 1), undoable=True)
        return True

    def remove_dot(self, target_id: str) -> bool:
        if self.dots(target_id) <= 0:
            return False
        self._record(events.vote(target_id, self.dots(target_id) - 1), undoable=True)
        return True

    def device_dots(self, device: str) -> dict[str, int]:
        """One phone's dots on the targets still there."""
        live_targets = {t.id for t in self.targets()}
        return {v.target: v.dots for v in self.session.votes if v.device == device and v.target in live_targets}

    def place_device_dots(self, device: str, dots: dict[str, int]) -> dict[str, int]:
        """A phone's dots, as it now wants them: every target it names gets that many (0 takes
        them off), within its own budget of `dots_per_participant`. Saying the same twice
        changes nothing, so a phone may retry. Raises `ValueError` with a plain reason."""
        live_targets = {t.id for t in self.targets()}
        unknown = sorted(set(dots) - live_targets)
        if unknown:
            raise ValueError("that idea is no longer on the wall to vote for")
        wanted = self.device_dots(device) | dots
        if any(n < 0 for n in wanted.values()) or sum(wanted.values()) > self.session.dots_per_participant:
            raise ValueError(f"each phone has {self.session.dots_per_participant} dots")
        changes = [events.vote(target, n, device) for target, n in dots.items() if n != self.dots(target, device)]
        if changes:  # one write; not the facilitator's to undo
            self._record(changes[0], also=changes[1:])
        return self.device_dots(device)

    def results(self) -> list[tuple[Target, int]]:
        """Targets by dots, most first; ties keep the order they were found in."""
        scored = [(t, self.tally(t.id)) for t in self.targets()]
        return sorted(scored, key=lambda pair: -pair[1])


"""Converge: group ideas into clusters and say in which routine each would happen."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitator.screens.modals import PickModal, TextModal
from facilitator.screens.phase import PhaseScreen
from facilitator.widgets.agenda import AgendaBar
from facilitator.widgets.idea_list import idea_context, session_numbers
from facilitator.widgets.key_line import KeyLine
from facilitator.widgets.lists import hanging, refill

NO_ROUTINE = "(no routine)"


class ConvergeScreen(PhaseScreen):
    CSS_PATH = "converge.tcss"
    BINDINGS = [
        Binding("space", "mark", "Mark", id="mark"),
        Binding("j", "join", "Join marked", id="join"),
        Binding("u", "ungroup", "Ungroup", id="ungroup"),
        Binding("e", "rename", "Name cluster", id="rename"),
        Binding("r", "routine", "Routine", id="routine"),
    ]

    def __init__(self, live) -> None:
        super().__init__(live)
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield AgendaBar(id="agenda")
        yield Static(
            "Converge: Space marks ideas, J joins them into a cluster, R says in which routine it would happen.",
            classes="screen-title",
        )
        yield OptionList(id="board", markup=False)
        yield Static("", id="draft-note")
        yield KeyLine()

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_view()
        self.query_one("#board", OptionList).focus()

    def _lines(self) -> list[Option]:
        """Clusters in the order they were made, then ideas in the order they were called out."""
        options: list[Option] = []
        clustered: set[str] = set()
        numbers = session_numbers(self.live.session.ideas)
        for cluster in self.live.session.clusters:
            head = Text()
            head.append("▣ ", style="bold")
            head.append(cluster.name, style="bold")
            head.append(f"  ({len(cluster.ideas)})  ", style="dim")
            head.append(cluster.routine or NO_ROUTINE, style="italic")
            options.append(Option(head, id=f"c:{cluster.id}"))
            for idea_id in cluster.ideas:
                clustered.add(idea_id)
                options.append(Option(self._idea_line(idea_id, numbers, indent=True), id=f"i:{idea_id}"))
        for idea in self.live.session.ideas:
            if idea.id not in clustered:
                options.append(Option(self._idea_line(idea.id, numbers), id=f"i:{idea.id}"))
        return options

    def _idea_line(self, idea_id: str, numbers: dict[str, int], indent: bool = False) -> RenderableType:
        idea = self.live.idea(idea_id)
        prefix = Text("    " if indent else "")
        prefix.append("[x]" if idea_id in self.marked else "[ ]", style="bold")
        prefix.append(f" #{numbers[idea_id]}", style="dim")
        body = Text(idea.text)
        body.append_text(idea_context(idea, numbers, routine=not indent))
        return hanging(prefix, body)

    def refresh_view(self) -> None:
        board = self.query_one("#board", OptionList)
        refill(board, self._lines())
        super().refresh_view()

    def _current(self) -> tuple[str, str] | None:
        option = self.query_one("#board", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        kind, _, key = option.id.partition(":")
        return kind, key

    def action_mark(self) -> None:
        current = self._current()
        if current and current[0] == "i":
            self.marked ^= {current[1]}
            self.refresh_view()

    def action_join(self) -> None:
        current = self._current()
        order = {idea.id: n for n, idea in enumerate(self.live.session.ideas)}
        ideas = sorted(self.marked, key=lambda i: order.get(i, 0))  # the earliest names the cluster
        if current and current[0] == "i" and current[1] not in self.marked:
            ideas.append(current[1])
        if current and current[0] == "c":
            cluster = next(c for c in self.live.session.clusters if c.id == current[1])
            ideas = cluster.ideas[:1] + ideas
        if len(ideas) < 2:
            self.notify("Mark at least two ideas (Space), or mark ideas and stand on a cluster.", timeout=3, markup=False)
            return

        def joined(name: str | None) -> None:
            if name is None:
                return
            self.live.join(ideas, name)
            self.marked.clear()
            self.refresh_view()

        existing = next((c for i in ideas if (c := self.live.cluster_of(i))), None)
        suggestion = existing.name if existing else self.live.idea(ideas[0]).text[:60]
        self.app.push_screen(TextModal("Name the cluster:", suggestion), joined)

    def action_ungroup(self) -> None:
        current = self._current()
        if current and current[0] == "i":
            self.live.ungroup(current[1])
            self.refresh_view()

    def action_rename(self) -> None:
        current = self._current()
        if not current or current[0] != "c":
            self.notify("Stand on a cluster to name it.", timeout=2, markup=False)
            return
        cluster = next(c for c in self.live.session.clusters if c.id == current[1])

        def renamed(name: str | None) -> None:
            if name:
                self.live.rename_cluster(cluster.id, name)
                self.refresh_view()

        self.app.push_screen(TextModal("Name the cluster:", cluster.name), renamed)

    def action_routine(self) -> None:
        current = self._current()
        if not current:
            return
        target = current[1]
        if current[0] == "i" and (cluster := self.live.cluster_of(target)):
            target = cluster.id
        choices = [*self.live.session.routines, NO_ROUTINE]

        def picked(routine: str | None) -> None:
            if routine is not None:
                self.live.set_routine(target, None if routine == NO_ROUTINE else routine)
                self.refresh_view()

        self.app.push_screen(PickModal("In which routine would this happen?", choices), picked)

"""The Textual app: the hub that runs a session from screen to screen.

Built by one factory (`make_app`) for both the command line and the tests. Screens post messages
up; the app calls the engine and pushes the next screen down.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import gc
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerFailed

from facilitator.crash import crash_line, write_crash_log
from facilitator.engine.clock import Clock, SystemClock
from facilitator.layout import StoreDamaged, StoreSetAside
from facilitator.screens.background import hand_back
from facilitator.screens.home import HomeScreen, HomeView, read_home
from facilitator.screens.room_control import RoomControl
from facilitator.vocabulary import PhaseKind, SessionStatus
from facilitator.workspace import Workspace

# Only what the home screen needs is loaded before it shows; every other screen, the engine and
# pydantic load in the handler that first needs them (after the home screen is up, the store
# opening on a thread has loaded most of them already).
if TYPE_CHECKING:
    from filelock import FileLock
    from rich.console import RenderableType

    from facilitator.engine.live import LiveSession
    from facilitator.models import Deck, Plan, Session
    from facilitator.screens.actions import ActionsScreen
    from facilitator.screens.phase import PhaseScreen
    from facilitator.screens.review import ReviewScreen
    from facilitator.screens.setup import SetupScreen
    from facilitator.store import StaleSession
    from facilitator.summaries import ActionRow, SessionSummary

T = TypeVar("T")

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#00FFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    warning="#FFAF00",
    error="#FF5F5F",
    success="#5FFF5F",
    dark=True,
)
DEFAULT_THEME = "textual-dark"
MOVE_GRACE = 2.0
"""Seconds after moving on by itself in which a Ctrl+N is taken as meant for what just ended."""
CLOSED_NOT_SAVED = "Session closed. Here is the action list."  # the banner at the top says what is not saved yet
CLOSED_SAVING = "Session closed; saving it. Here is the action list."
CLOSED_SAVED = "Session saved. Here is the action list."
class PracticeDropped(Exception):
    """A practice run given up before it began: the app closed while it was being set up."""


PRACTICE_CLOSED = "Practice run over: nothing of it was saved. Here is the action list it made."


def phase_screen(kind: PhaseKind) -> type[PhaseScreen]:
    """The screen that runs a phase of this kind."""
    from facilitator.screens.act import ActScreen
    from facilitator.screens.converge import ConvergeScreen
    from facilitator.screens.follow_up import FollowUpScreen
    from facilitator.screens.round import RoundScreen
    from facilitator.screens.vote import VoteScreen

    screens: dict[PhaseKind, type[PhaseScreen]] = {
        PhaseKind.FOLLOW_UP: FollowUpScreen,
        PhaseKind.WARM_UP: RoundScreen,
        PhaseKind.DIVERGE: RoundScreen,
        PhaseKind.CONVERGE: ConvergeScreen,
        PhaseKind.VOTE: VoteScreen,
        PhaseKind.ACT: ActScreen,
    }
    return screens[kind]


class FacilitatorApp(RoomControl):
    """Owns the workspace and the running session; hands them down to screens."""

    CSS_PATH = "app.tcss"
    TITLE = "facilitator"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Quit; a running session is saved and can be resumed"),
        Binding("f1", "toggle_keys", "Keys", id="keys", tooltip="Every key of this screen"),
        Binding("f6", "toggle_room", "Room", id="room", tooltip="Open the room: participants send ideas and dots from their phones; again closes it"),
        Binding("f7", "show_join", "Join QR", id="join-qr", tooltip="The room's QR code and code, large, while people join"),
    ]

    def __init__(self, workspace: Workspace, clock: Clock | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.clock = clock or SystemClock()
        self.live: LiveSession | None = None
        self._session_lock: FileLock | None = None
        self._moved_by_itself_at: float | None = None
        self.presenter = False
        self.crash: Exception | None = None
        self._theme_loaded = False
        self._opening = False
        """A session is being started or resumed on another thread: a second press waits."""
        self.crash_log: Path | None = None
        self.store_error: Exception | None = None
        """Why the store could not be opened: the app stops, and the command line says it."""
        self._practice: tuple[tempfile.TemporaryDirectory[str], Screen] | None = None
        """A rehearsal's throwaway store, and the screen it began on (and goes back to)."""

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        saved = self.workspace.setting("theme", DEFAULT_THEME)
        self.theme = saved if isinstance(saved, str) and saved in self.available_themes else DEFAULT_THEME
        self._theme_loaded = True  # from now on a change of theme is the user's, and is kept
        self.set_interval(1.0, self.keep_saving, name="keep-saving")
        self.push_screen(HomeScreen(self.workspace))
        self.run_worker(self._open_workspace(), name="open-workspace", group="store")

    async def _open_workspace(self) -> None:
        """Open the store and load the decks and plans on a thread once the home screen has
        first shown, from the store's index (before, the two would only slow each other down),
        then hand the home screen what the open store says."""
        shown = asyncio.Event()
        self.call_after_refresh(shown.set)
        await shown.wait()
        gc.enable()  # the command line turns the collector off while the app starts (`cli.open_app`)
        workspace = self.workspace

        def open_and_read() -> HomeView:
            workspace.load()
            return read_home(workspace.store)

        try:
            view = await asyncio.to_thread(open_and_read)
        except (OSError, StoreDamaged, StoreSetAside) as exc:
            self.store_error = exc  # said as if it had happened before the app started
            self.exit(return_code=1)
            return
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.store_opened(view)

    def watch_theme(self, theme: str) -> None:
        if not self._theme_loaded:
            return
        store = self.workspace.store

        def save() -> None:
            if theme != store.setting("theme", DEFAULT_THEME):
                store.set_setting("theme", theme)

        def saved(result: None, error: BaseException | None) -> None:
            if isinstance(error, OSError):  # a read-only store (or a refusing disk): the theme holds for this run
                self.notify(f"The theme is used for now but not saved: {error}", severity="warning", timeout=6, markup=False)
            elif error is not None:
                raise error

        self._off_loop(save, saved)

    # --- running a session ------------------------------------------------------------------

    def _decks_for(self, session: Session) -> list[Deck]:
        return [self.workspace.decks.items[d] for d in session.decks if d in self.workspace.decks]

    def on_home_screen_new_session(self, message: HomeScreen.NewSession) -> None:
        self._set_up_session()

    def _set_up_session(self) -> None:
        from facilitator.screens.setup import SetupScreen

        self.push_screen(SetupScreen(self.workspace))

    def _hold(self, session: Session | SessionSummary) -> bool:
        """Take the session's lock, or say that another window is running it."""
        if self.live is not None and self.live.save_failed is not None:
            self.notify("The last session is not saved yet; wait until the line at the top is gone.", severity="error", timeout=6, markup=False)
            return False
        from filelock import Timeout

        lock = self.workspace.store.session_lock(session.id)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self.notify("This session is open in another window; finish it there.", severity="warning", timeout=5, markup=False)
            return False
        self._release()
        self._session_lock = lock
        return True

    def _release(self) -> None:
        if self._session_lock is not None:
            self._session_lock.release()
            self._session_lock = None

    async def on_unmount(self) -> None:
        self._release()
        self._end_practice()
        if self.room is not None:  # every phone's connection ends with the app
            await self._close_room()

    # --- when the program itself fails ------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual restores the terminal and stops; the details go to a file, not the wall. Only
        # the first error is the cause: what fails after it (a screen half torn down) is not. A
        # worker's failure is what the worker raised, with the traceback that says where.
        if self.crash is None:
            cause = error.error if isinstance(error, WorkerFailed) and isinstance(error.error, Exception) else error
            self.crash = cause
            self.crash_log = write_crash_log(cause)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """One line on exit instead of a screenful of traceback (Textual's default)."""
        self._stop_with_one_line()

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's own threads (the one that reads the keyboard) report a failure here rather
        than through `_handle_exception`: it is a crash all the same."""
        if self.crash_log is None:
            from rich.console import Console

            text = io.StringIO()
            report = Console(file=text, width=120, color_system=None)
            for renderable in renderables:
                report.print(renderable)
            self.crash_log = write_crash_log(text.getvalue())
        self._stop_with_one_line()

    def _stop_with_one_line(self) -> None:
        line = crash_line("facilitator", self.crash, self.crash_log, in_session=self.live is not None)
        self.exit(return_code=1, message=Text(line))

    def _off_loop(self, work: Callable[[], T], then: Callable[[T | None, BaseException | None], None]) -> None:
        """Run `work` (what reads or writes the store) on a thread, then `then` with its result
        or its error back here: the screen keeps drawing while the disk works."""

        def run() -> None:
            result: T | None = None
            error: BaseException | None = None
            try:
                result = work()
            except BaseException as exc:  # handed back: `then` decides, a crash is raised there
                error = exc
            hand_back(self, then, result, error)

        self.run_worker(run, thread=True, group="store", exit_on_error=False)

    def on_setup_screen_ready(self, message: SetupScreen.Ready) -> None:
        from facilitator.engine.live import LiveSession
        from facilitator.evidence import with_evidence

        session = message.session
        plan = self.workspace.plans.get(session.plan)
        if self._opening or not self._hold(session):
            return
        self._opening = True
        decks, store = self._decks_for(session), self.workspace.store
        evidence = message.evidence

        def start() -> LiveSession:
            if evidence is not None:
                with_evidence(session, evidence)
            return LiveSession.start(session, plan, decks, store, self.clock)

        self._off_loop(start, self._started)

    def _started(self, live: LiveSession | None, error: BaseException | None) -> None:
        from facilitator.draw import CannotDeal
        from facilitator.evidence import EvidenceProblem

        self._opening = False
        if error is not None or live is None:
            self._release()
            if not isinstance(error, (CannotDeal, OSError, EvidenceProblem)):
                raise error or RuntimeError("the session did not start")
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.notify(f"The session could not start: {reason}", severity="error", timeout=8, markup=False)
            return  # nothing was saved; the set-up stays as it was
        self._take_live(live)
        self._show_phase(push=live.practice)  # a rehearsal goes back to where it was begun

    def on_home_screen_resume(self, message: HomeScreen.Resume) -> None:
        from facilitator.engine.live import LiveSession

        shown = message.session
        if self._opening or not self._hold(shown):
            return
        self._opening = True
        store, plans = self.workspace.store, self.workspace.plans

        def reopen() -> tuple[Session, LiveSession | None]:
            # Read it again under its lock: the home list may be older than what another
            # window saved since, and resuming that copy would write over newer work.
            session = store.session(shown.id)
            if session.status is not SessionStatus.LIVE or session.plan not in plans or not self._decks_for(session):
                return session, None
            return session, LiveSession.resume(session, plans.get(session.plan), self._decks_for(session), store, self.clock)

        self._off_loop(reopen, lambda found, error: self._resumed(shown, found, error))

    def _resumed(self, shown: SessionSummary, found: tuple[Session, LiveSession | None] | None, error: BaseException | None) -> None:
        from facilitator.engine.countdown import format_clock
        from facilitator.store import StaleSession

        self._opening = False
        if isinstance(error, LookupError) or found is None:
            self._release()
            if error is not None and not isinstance(error, LookupError):
                raise error
            self.notify("That session is no longer in the store.", severity="warning", timeout=5, markup=False)
            self._reload_home()
            return
        if error is not None:
            if isinstance(error, StaleSession):
                self._stale(error)
                return
            self._release()
            raise error
        session, resumed = found
        if session.status is not SessionStatus.LIVE:
            self._release()
            self.notify(f"That session was {session.status.value} in another window.", severity="warning", timeout=5, markup=False)
            self._reload_home()
            return
        if resumed is None:
            self._release()
            self.notify(f"Cannot resume: plan {session.plan!r} or its decks are missing.", severity="error", markup=False)
            return
        live = self._take_live(resumed)
        try:
            if live.is_closed:  # its close was journaled, then a crash came before the save
                live.save_now()
        except StaleSession as exc:
            self._stale(exc)
            return
        left = format_clock(live.countdown.remaining())
        self._show_phase(push=True)
        if live.is_closed:  # it had reached its close: the summary is up, nothing to resume
            self.notify("That session had reached its end; here is its action list.", timeout=8, markup=False)
        else:
            newer = " It had changed since the list was shown; this is the latest." if session.revision != shown.revision else ""
            self.notify(f"Session resumed, paused at {left}, the time that was left. Ctrl+T starts the clock.{newer}", timeout=8, markup=False)
        if skipped := self.workspace.store.journal_skipped.get(session.id):
            lines = "1 journal line could not be read and was" if skipped == 1 else f"{skipped} journal lines could not be read and were"
            self.notify(f"{lines} skipped; everything else was restored.", severity="warning", timeout=10, markup=False)

    def on_home_screen_archive(self, message: HomeScreen.Archive) -> None:
        from facilitator.engine.live import archive
        from facilitator.screens.modals import ConfirmModal
        from facilitator.store import StaleSession

        session = message.session

        def answered(yes: bool | None) -> None:
            if not yes or not self._hold(session):
                return
            store = self.workspace.store
            self._off_loop(lambda: archive(store, session.id), done)

        def done(archived: object, error: BaseException | None) -> None:
            self._release()
            if isinstance(error, (LookupError, StaleSession, OSError)):
                self.notify(f"Not archived: {error}", severity="warning", timeout=6, markup=False)
            elif error is not None:
                raise error
            else:
                self.notify("Archived: kept in the store, no longer offered to resume.", timeout=5, markup=False)
            self._reload_home()

        self.push_screen(
            ConfirmModal(f"Archive “{session.title}”? It stays in the store with its ideas, but is no longer offered to resume.", yes="Archive", no="Keep"),
            answered,
        )

    def _reload_home(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.reload()

    def on_home_screen_open(self, message: HomeScreen.Open) -> None:
        from facilitator.engine.live import fresh_session
        from facilitator.screens.summary import SummaryScreen

        try:
            session = fresh_session(self.workspace.store, message.session.id)
        except LookupError as exc:
            self.notify(f"That session cannot be shown: {exc}", severity="warning", timeout=6, markup=False)
            self._reload_home()
            return
        from facilitator.screens.review import deck_traits

        self.push_screen(SummaryScreen(session, traits=deck_traits(self.workspace.decks)))

    # --- reviewing saved sessions -------------------------------------------------------------

    def action_review_sessions(self) -> None:
        """Every saved session, to sort, filter and open."""
        from facilitator.screens.review import ReviewScreen

        if self._no_review_while_running():
            self.push_screen(ReviewScreen(self.workspace))

    def action_actions_across_sessions(self) -> None:
        """Every action across sessions, to filter and settle."""
        from facilitator.screens.actions import ActionsScreen

        if self._no_review_while_running():
            self.push_screen(ActionsScreen(self.workspace.store, self.clock))

    def action_progress(self, team: str | None = None) -> None:
        """How each team keeps its commitments, over time and by routine and trait."""
        from facilitator.screens.progress import ProgressScreen
        from facilitator.screens.review import deck_traits

        if not self._no_review_while_running():
            return
        store = self.workspace.store
        traits = deck_traits(self.workspace.decks)

        def read() -> tuple[list[SessionSummary], list[ActionRow]]:
            return store.summaries(), store.actions()

        def show(found: tuple[list[SessionSummary], list[ActionRow]] | None, error: BaseException | None) -> None:
            if error is not None or found is None:
                raise error or RuntimeError("the store could not be read")
            self.push_screen(ProgressScreen(found[0], found[1], traits, team))

        self._off_loop(read, show)

    def on_review_screen_show_progress(self, message: ReviewScreen.ShowProgress) -> None:
        self.action_progress(message.team)

    def _no_review_while_running(self) -> bool:
        if self.live is not None:
            self.notify("Finish or quit the running session first; then review from the home screen.", timeout=4, markup=False)
            return False
        return True

    def on_review_screen_open(self, message: ReviewScreen.Open) -> None:
        self._show_session(message.session.id)

    def on_actions_screen_open(self, message: ActionsScreen.Open) -> None:
        self._show_session(message.session_id)

    def _show_session(self, session_id: str) -> None:
        """A saved session read afresh, its actions to settle and its ideas as chains."""
        from facilitator.engine.live import fresh_session
        from facilitator.screens.review import deck_traits
        from facilitator.screens.session_view import SessionViewScreen

        store = self.workspace.store
        try:
            session = fresh_session(store, session_id)
        except LookupError as exc:
            self.notify(f"That session cannot be shown: {exc}", severity="warning", timeout=6, markup=False)
            return
        summary = store.index.summary(session_id)
        traits = deck_traits(self.workspace.decks)
        self.push_screen(SessionViewScreen(session, store, self.clock, traits, summary.damage if summary else ()))

    def on_phase_screen_advance(self, message: PhaseScreen.Advance) -> None:
        from facilitator.screens.phase import PhaseScreen
        from facilitator.store import StaleSession

        live = self.live
        if live is None:
            return
        before = (live.session.phase, live.round_number)
        if message.at is not None and message.at != before:
            return  # overtaken: the session already moved on from where this was asked
        if message.by_itself and not live.countdown.overtime:
            return  # time was added, or the clock paused, before the move was handled
        moved_just_now = self._moved_by_itself_at is not None and self.clock.monotonic() - self._moved_by_itself_at < MOVE_GRACE
        self._moved_by_itself_at = None
        if not message.by_itself and moved_just_now:
            # Ctrl+N pressed as time ran out meant the round that just ended, not the new one.
            self.notify("The session had just moved on by itself. Press again to go further.", timeout=4, markup=False)
            return
        if message.by_itself:
            self._moved_by_itself_at = self.clock.monotonic()
        try:
            if message.round_only:
                live.next_round()
            else:
                live.next_phase()
        except StaleSession as exc:
            self._stale(exc)
            return
        moved_phase = live.is_closed or live.session.phase != before[0]
        if message.by_itself:
            if live.is_closed:
                now = "the session is closed"
            elif moved_phase:
                now = f"on to {live.phase.label}"
            else:
                now = f"on to round {live.round_number} of {live.phase.rounds}"
            self.notify(f"Time was up, so the session moved on by itself: {now}.", title="Time is up", timeout=8, markup=False)
        if moved_phase:
            self._show_phase()
        elif isinstance(self.screen, PhaseScreen):
            self.screen.refresh_view()

    def _stale(self, exc: StaleSession) -> None:
        """Another window saved this session since; nothing was written, the journal is kept."""
        self.live = None
        self._release()
        self._close_room_soon()
        self.notify(f"{exc}. Resume it from the home screen to see the latest.", severity="error", timeout=10, markup=False)
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        self._reload_home()

    def _show_phase(self, push: bool = False) -> None:
        from facilitator.screens.summary import SummaryScreen
        from facilitator.store import StaleSession

        live = self.live
        assert live is not None
        if live.phase.kind is PhaseKind.CLOSE or live.is_closed:
            if not live.is_closed:
                try:
                    live.close()
                except StaleSession as exc:
                    self._stale(exc)
                    return
            saved = live.save_failed is None and not live.saving
            heading = CLOSED_SAVED if saved else CLOSED_SAVING if live.save_failed is None else CLOSED_NOT_SAVED
            if live.practice:
                heading, saved = PRACTICE_CLOSED, True
            from facilitator.screens.review import deck_traits

            screen: Screen = SummaryScreen(live.session, heading, traits=deck_traits(self.workspace.decks))
            self._close_room_soon()  # the session is over: so is the room
            if saved:
                self.live = None
                self._release()
            elif not live.saving:  # kept, and its lock held, until `keep_saving` has written it
                self.call_after_refresh(self.keep_saving)
        else:
            screen = phase_screen(live.phase.kind)(live)
            screen.set_class(self.presenter, "-presenter")
            screen.room = self._room_view()
        if push or isinstance(self.screen, HomeScreen):
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def _in_background(self, work: Callable[[], None], answer: Callable[[BaseException | None], None]) -> None:
        """Run a save on a thread of its own and hand its answer back here: the wall keeps its
        clock and its keys while the disk works. The journal holds every change meanwhile."""

        def run() -> None:
            error: BaseException | None = None
            try:
                work()
            except BaseException as exc:  # handed back: a crash is raised again where the app reports it
                error = exc
            hand_back(self, self._answered, answer, error)

        self.run_worker(run, thread=True, group="saving", exit_on_error=False, name="save")

    def _answered(self, answer: Callable[[BaseException | None], None], error: BaseException | None) -> None:
        from facilitator.store import StaleSession

        live = self.live
        try:
            answer(error)
        except StaleSession as exc:
            self._stale(exc)
            return
        if live is not None and live is self.live:
            self._show_saving(live)

    def _take_live(self, live: LiveSession) -> LiveSession:
        """A session this window now runs: its saves at phase ends go to the background."""
        self._close_room_soon()
        live.in_background = self._in_background
        self.live = live
        return live

    def keep_saving(self) -> None:
        """Every second: write what the disk refused once a retry is due, and show how it went
        on whatever screen is up (the session's screens carry the banner, others get one)."""
        live = self.live
        if live is None or live.save_failed is None:  # other writes hide a session screen's banner
            return
        from facilitator.store import StaleSession

        try:
            if live.retry_due:
                live.retry_saving()
        except StaleSession as exc:
            self._stale(exc)
            return
        self._show_saving(live)

    def _show_saving(self, live: LiveSession) -> None:
        """Show how saving goes on whatever screen is up, and let a closed session go once it
        is on disk."""
        from facilitator.screens.phase import PhaseScreen
        from facilitator.screens.summary import SummaryScreen
        from facilitator.widgets.save_banner import SaveBanner

        screen = self.screen
        if isinstance(screen, PhaseScreen):  # it mounts its own banner, once it is mounted
            screen.show_saving()
        elif not screen.is_modal:
            banners = list(screen.query(SaveBanner))
            if not banners and live.save_failed is not None:
                banners = [SaveBanner()]
                screen.mount(banners[0])
            for banner in banners:
                banner.show(live.save_failed, live.unsaved)
        if live.is_closed and live.save_failed is None and not live.saving:  # a close held back is saved now
            self.live = None
            self._release()
            if isinstance(screen, SummaryScreen) and screen.heading != CLOSED_SAVED:
                screen.say(CLOSED_SAVED)

    # --- app-wide commands ------------------------------------------------------------------

    def action_toggle_presenter(self) -> None:
        """Hide everything but the card, the countdown and the latest ideas."""
        self.presenter = not self.presenter
        self.screen.set_class(self.presenter, "-presenter")

    def action_toggle_keys(self) -> None:
        """Every key of this screen and the app, each with what it does in a few words."""
        from facilitator.screens.modals import KeysModal

        if isinstance(self.screen, KeysModal):
            self.screen.dismiss()
            return
        keys = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if active.node in (self, self.screen) and binding.description:
                keys.append((self.get_key_display(binding), binding.tooltip or binding.description))
        self.push_screen(KeysModal(keys))

    async def action_quit(self) -> None:
        from facilitator.screens.modals import ConfirmModal

        live = self.live
        if live is not None and live.practice:
            self.push_screen(ConfirmModal("End the practice run? Nothing of it is kept.", yes="End it", no="Go on"), self._practice_answered)
            return
        if live is None and self._unsaved_deck():

            def leave(quit_now: bool | None) -> None:
                if quit_now:
                    self.exit()

            self.push_screen(ConfirmModal("A deck has changes that are not saved. Quit and lose them?", yes="Quit", no="Stay"), leave)
            return
        if live is None or (live.is_closed and not live.unsaved):  # a store save still owed is
            self.exit()  # finished from the journal at the next start
            return
        question = "A session is running. Quit now? Everything so far is saved; resume it from the home screen."
        if live.unsaved:
            question = "Some ideas are not saved yet: the disk is refusing. Quit now and they are lost; free some space and they are saved within seconds."

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmModal(question, yes="Quit", no="Stay"), answered)

    # --- decks and rehearsals ------------------------------------------------------------------

    def action_decks(self) -> None:
        """The deck manager: every deck, to preview, copy, write and rehearse."""
        from facilitator.screens.decks import DecksScreen

        if self.live is not None or self._opening:
            self.notify("Finish or quit the running session first; decks are kept from the home screen.", timeout=4, markup=False)
            return
        self.push_screen(DecksScreen(self.workspace))

    def rehearse(self, plan: Plan, decks: Sequence[Deck]) -> None:
        """Run `plan` with `decks` as a practice session: every screen of a real one, on a store
        of its own that is thrown away when it ends, marked on every screen."""
        from facilitator.engine.live import LiveSession
        from facilitator.models import Session
        from facilitator.routines import default_routines
        from facilitator.store import Store

        if self.live is not None or self._opening:
            self.notify("A session is running; finish it before a practice run.", timeout=4, markup=False)
            return
        self._end_practice()
        folder = tempfile.TemporaryDirectory(prefix="facilitator-practice-")
        began_on = self.screen
        self._practice = (folder, began_on)
        session = Session(title=f"Practice: {plan.title}", plan=plan.id, decks=[d.id for d in decks], routines=default_routines())
        self._opening = True

        def start() -> LiveSession:
            if not Path(folder.name).is_dir():  # the app closed while the run was being set up
                raise PracticeDropped
            live = LiveSession.start(session, plan, decks, Store(Path(folder.name) / "store"), self.clock)
            live.practice = True
            return live

        def started(live: LiveSession | None, error: BaseException | None) -> None:
            if isinstance(error, PracticeDropped) or self.screen is not began_on:
                # the room moved on (another screen, or the app is closing) before the run was ready
                self._opening = False
                self._practice = (folder, began_on)
                self.live = None
                self._end_practice()
                if not isinstance(error, PracticeDropped):
                    self.notify("The practice run did not start: another screen was opened while it got ready.", timeout=5, markup=False)
                return
            self._started(live, error)

        self._off_loop(start, started)

    def _practice_answered(self, end: bool | None) -> None:
        if not end or self.live is None or not self.live.practice:
            return
        began_on = self._practice[1] if self._practice else None
        self.live = None
        while len(self.screen_stack) > 2 and self.screen is not began_on:
            self.pop_screen()
        self._end_practice()
        self.notify("Practice run ended; nothing of it was kept.", timeout=4, markup=False)

    def _end_practice(self) -> None:
        """Throw away the last rehearsal's store, once it is over."""
        if self._practice is not None and (self.live is None or not self.live.practice):
            folder, _ = self._practice
            self._practice = None
            folder.cleanup()

    def _unsaved_deck(self) -> bool:
        from facilitator.screens.deck_editor import DeckEditorScreen

        return any(isinstance(screen, DeckEditorScreen) and screen.draft.changed for screen in self.screen_stack)

    def _screen_action(self, action: str) -> None:
        """Run an action of the session screen once the palette has closed."""

        async def run() -> None:
            from facilitator.screens.phase import PhaseScreen

            if isinstance(self.screen, PhaseScreen):
                await self.screen.run_action(action)
            else:
                self.notify("That works while a session is running.", timeout=2, markup=False)

        self.call_later(run)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New session", "Set up and start a new session", self._palette_new_session)
        yield SystemCommand("Review sessions", "Every saved session: sort, filter, open one and settle its actions", self.action_review_sessions)
        yield SystemCommand("Progress", "How each team keeps its commitments: actions made and done over time, by routine and trait", self.action_progress)
        yield SystemCommand("Actions across sessions", "Every action of every session: filter by team, owner, routine, status, overdue", self.action_actions_across_sessions)
        yield SystemCommand("Decks", "Every deck: preview it as the wall shows it, copy, write and change cards, rehearse", self.action_decks)
        yield SystemCommand("Rehearse a plan", "Run a plan with its own decks as a practice session that is not saved", self._palette_rehearse)
        yield SystemCommand("Open or close the room", "Participants send ideas and dots from their phones, on this network (F6)", self.action_toggle_room)
        yield SystemCommand("Show the room's QR code", "The address, code and QR code large, while people join (F7)", self.action_show_join)
        yield SystemCommand("Phones send anonymously, or with names", "Whether a phone may add a name to its ideas", self.action_room_anonymous)
        yield SystemCommand("Pause or resume the timer", "Pause or resume the round's countdown", lambda: self._screen_action("toggle_timer"))
        yield SystemCommand("Extend the round by a minute", "Add one minute to the countdown", lambda: self._screen_action("extend"))
        yield SystemCommand("Next phase", "End this phase and go to the next one", lambda: self._screen_action("end_phase"))
        yield SystemCommand("Presenter view", "Show only the card, the countdown and the latest ideas", self.action_toggle_presenter)
        yield SystemCommand("Theme: high contrast", "Black background, bright text, for projectors", lambda: setattr(self, "theme", "high-contrast"))
        yield SystemCommand("Theme: default", "The standard dark theme", lambda: setattr(self, "theme", DEFAULT_THEME))

    def _palette_rehearse(self) -> None:
        from facilitator.screens.decks import ask_plan

        def chosen(plan: Plan | None) -> None:
            if plan is not None:
                named = dict.fromkeys([*plan.decks, *(d for phase in plan.phases for d in phase.decks)])
                decks = [self.workspace.decks.items[d] for d in named if d in self.workspace.decks]
                self.rehearse(plan, decks or list(self.workspace.decks)[:1])

        ask_plan(self, self.workspace, "Rehearse which plan, with its own decks? Nothing is saved.", chosen)

    def _palette_new_session(self) -> None:
        if self.live is not None:
            self.notify("Finish or quit the running session first.", timeout=3, markup=False)
            return
        self._set_up_session()


def _read_keys_leniently() -> None:
    """A terminal may send bytes that are not UTF-8 (a stray 0xff, an 8-bit control character);
    Textual's keyboard thread decodes them strictly and stops the app. Read them as U+FFFD."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # not a POSIX terminal: another driver, another decoder
        return
    strict = codecs.getincrementaldecoder

    def lenient(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
        return functools.partial(strict(encoding), errors="replace")

    linux_driver.getincrementaldecoder = lenient  # type: ignore[assignment]


def make_app(workspace: Workspace | None = None, clock: Clock | None = None) -> FacilitatorApp:
    """The one way to build the app, so the CLI and tests get the same thing."""
    _read_keys_leniently()
    return FacilitatorApp(workspace or Workspace(), clock)

"""The `facilitator` command: opens the app, or answers a script without it.

Every error is one line on stderr and a non-zero exit; nothing here prints a traceback for bad
input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from facilitator.crash import crash_line, write_crash_log
from facilitator.text import CleanWriter, clean
from facilitator.vocabulary import ActionStatus, SessionStatus

if TYPE_CHECKING:  # each command loads what it uses: `--help` loads neither pydantic nor TinyDB
    from facilitator.catalog import LoadProblem
    from facilitator.exporting import Export
    from facilitator.index import Index
    from facilitator.layout import StoreLayout
    from facilitator.models import Action, Deck, Plan, Session
    from facilitator.store import Store, StoreDamaged, StoreSetAside
    from facilitator.summaries import ActionSummary, SessionSummary
    from facilitator.workspace import Workspace

PROG = "facilitator"


class CliError(Exception):
    """A problem to report in one line."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (try --help)\n")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return "\n".join(_table_lines(headers, rows))


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table printed a line at a time: a list of 150,000 actions never becomes one string."""
    for line in _table_lines(headers, rows):
        print(line)


def _table_lines(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Iterator[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len("" if cell is None else str(cell)))
    for row in [headers, *rows]:
        yield "  ".join(("" if c is None else str(c)).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()


def _warn(problems: Sequence[object]) -> None:
    """One line on stderr for each thing wrong in a skipped file or stored document."""
    for problem in problems:
        print(clean(f"{PROG}: skipped {problem}"), file=sys.stderr)


# --- decks and plans -----------------------------------------------------------------------


def decks_list(ws: Workspace, args: argparse.Namespace) -> int:
    _warn(ws.decks.problems)
    rows = [(d.id, len(d.prompts), d.language, d.title) for d in sorted(ws.decks, key=lambda d: d.id)]
    print(_table(("ID", "CARDS", "LANG", "TITLE"), rows))
    return 0


def decks_show(ws: Workspace, args: argparse.Namespace) -> int:
    _warn(ws.decks.problems)
    deck = _get(ws.decks, args.id, "deck")
    if args.toml:
        from facilitator.authoring import to_toml

        print(to_toml(deck), end="")
        return 0
    print(f"{deck.title}  [{deck.id}, v{deck.version}, {deck.language}]")
    print(f"Trait: {deck.trait}")
    print(f"From: {ws.decks.origins[deck.id]}")
    for source in deck.sources:
        print(f"Source: {source.title}" + (f", {source.author}" if source.author else ""))
    print()
    print(deck.summary)
    print()
    print(_table(("CARD", "KIND", "TEXT"), [(c.id, c.kind.value, c.text) for c in deck.prompts]))
    if fitted := [(c.id, ", ".join(f.value for f in c.fits)) for c in deck.prompts if c.fits]:
        print()
        print(_table(("CARD", "FITS"), fitted))
    if sourced := [(c.id, c.source) for c in deck.prompts if c.source]:
        print()
        print(_table(("CARD", "FROM"), sourced))
    return 0


def _validate(results: Iterable[tuple[Path, Deck | Plan | list[LoadProblem]]]) -> int:
    """Print `ok PATH (id)` for each good file and, on stderr, one line for each problem in a bad one."""
    bad = 0
    for path, result in results:
        if isinstance(result, list):
            bad += 1
            for problem in result:
                print(problem, file=sys.stderr)
        else:
            print(clean(f"ok {path} ({result.id})"))
    return 1 if bad else 0


def decks_validate(ws: Workspace, args: argparse.Namespace) -> int:
    from facilitator.catalog import validate_paths
    from facilitator.models import Deck

    return _validate(validate_paths(Deck, [Path(p) for p in args.paths]))


def decks_schema(ws: Workspace, args: argparse.Namespace) -> int:
    from facilitator.models import Deck

    print(json.dumps(Deck.model_json_schema(), indent=2))
    return 0


def decks_new(ws: Workspace, args: argparse.Namespace) -> int:
    """`decks new ID --trait T [--lang L]`: a valid deck with one card of each kind, in the user's
    own deck folder (or `-o`), to edit from there. An existing file is never written over."""
    from facilitator.authoring import DeckDraft, Refused
    from facilitator.catalog import user_dir

    folder = Path(args.output).expanduser() if args.output else user_dir("decks")
    try:
        draft = DeckDraft.create(args.id, args.trait, title=args.title or "", language=args.lang, folder=folder)
    except Refused as exc:
        raise CliError(f"{exc}; nothing was written") from None
    except OSError as exc:
        raise CliError(f"{folder} cannot be written ({exc.strerror or exc}); nothing was written") from None
    print(f"wrote {draft.path}: edit it, then check it with facilitator decks validate {draft.path}")
    return 0


def decks_export(ws: Workspace, args: argparse.Namespace) -> int:
    """`decks export ID -o FILE|FOLDER|-`: the deck's own file, byte for byte (its comments and
    order kept), for another coach to `decks import`."""
    from facilitator.files import atomic_write

    _warn(ws.decks.problems)
    deck = _get(ws.decks, args.id, "deck")
    source = ws.decks.origins[deck.id]
    data = source.read_bytes()
    if args.output == "-":
        sys.stdout.write(data.decode("utf-8", errors="replace"))
        return 0
    target = Path(args.output).expanduser() if args.output else Path.cwd()
    as_folder = bool(args.output) and args.output.endswith(("/", os.sep))
    if as_folder or target.is_dir():  # "-o decks/" names a folder, made if it is not there yet
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"{deck.id}.toml"
    if target.exists() and not args.replace:
        raise CliError(f"{target} exists already; nothing was written (add --replace to write over it)")
    atomic_write(target, data)
    print(f"wrote {target}")
    return 0


def decks_import(ws: Workspace, args: argparse.Namespace) -> int:
    """`decks import FILE`: a deck another coach shared, checked whole first, into the user's own
    deck folder; a deck there with the same id is replaced only when the user says so."""
    from facilitator.authoring import with_directive
    from facilitator.catalog import load_file, read_text, user_dir
    from facilitator.files import atomic_write
    from facilitator.models import Deck

    source = Path(args.file).expanduser()
    checked = load_file(Deck, source)
    if isinstance(checked, list):
        for problem in checked:
            print(problem, file=sys.stderr)
        raise CliError(f"{source} is not a deck the app can read (see above); nothing was imported")
    target = user_dir("decks") / f"{checked.id}.toml"
    overrides = checked.id in ws.decks and ws.decks.origins[checked.id] != target
    if target.exists() and not args.replace:
        question = f"Your deck {checked.id} ({target}) would be replaced. Replace it? [y/N] "
        if not sys.stdin.isatty():
            raise CliError(f"you have a deck {checked.id} already ({target}); nothing was imported (add --replace to replace it)")
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().casefold() not in {"y", "yes"}:
            print("nothing was imported")
            return 1
    replaced = target.exists()
    text = read_text(source)
    if not isinstance(text, str):  # it changed since it was checked
        raise CliError(f"{text}; nothing was imported")
    atomic_write(target, with_directive(text))  # as sent, with the line that lets an editor check it
    note = " (it is used in place of the built-in deck with that id)" if overrides and not replaced else ""
    print(clean(f"imported {checked.id}: {checked.title}, {len(checked.prompts)} cards, into {target}{note}"))
    return 0


def folders_read(ws: Workspace, args: argparse.Namespace) -> int:
    """`decks paths` / `plans paths`: where the files come from, in the order they are read, and
    what moves the user's own folder, so that a copied file is never silently in the wrong place."""
    from facilitator.catalog import builtin_dir, user_dir

    kind = args.kind
    extra = ws.deck_dirs if kind == "decks" else ws.plan_dirs
    builtin = builtin_dir("prompts" if kind == "decks" else "sessions")
    print(f"{kind.capitalize()} are read from these folders, in this order; a file with the id of one read earlier replaces it:")
    rows: list[tuple[str, str, str]] = [("1", "built in", str(builtin))]
    own = user_dir(kind)
    moved_by = "moved by XDG_CONFIG_HOME" if sys.platform.startswith("linux") else "the system's folder for settings"
    state = "" if own.is_dir() else "; does not exist yet: make it and put .toml files in it"
    rows.append(("2", "your own", f"{own}   ({moved_by}{state})"))
    rows += [(str(n), f"--{kind}", str(folder)) for n, folder in enumerate(extra, 3)]
    print(_table(("", "WHICH", "FOLDER"), rows))
    return 0


def plans_list(ws: Workspace, args: argparse.Namespace) -> int:
    _warn(ws.plans.problems)
    rows = [(p.id, p.minutes, len(p.phases), p.title) for p in sorted(ws.plans, key=lambda p: (p.minutes, p.id))]
    print(_table(("ID", "MINUTES", "PHASES", "TITLE"), rows))
    return 0


def plans_show(ws: Workspace, args: argparse.Namespace) -> int:
    _warn(ws.plans.problems)
    plan = _get(ws.plans, args.id, "plan")
    print(f"{plan.title}  [{plan.id}, {plan.minutes} min]")
    if plan.summary:
        print(plan.summary)
    if plan.decks:
        print(f"Decks: {', '.join(plan.decks)}")
    print()
    rows = []
    start = 0
    for phase in plan.phases:
        rounds = f"{phase.rounds} x {phase.round_seconds // 60}:{phase.round_seconds % 60:02d}"
        rows.append((f"{start:>3}'", phase.label, phase.minutes, rounds if phase.rounds > 1 else ""))
        start += phase.minutes
    print(_table(("AT", "PHASE", "MINUTES", "ROUNDS"), rows))
    return 0


def plans_preview(ws: Workspace, args: argparse.Namespace) -> int:
    """`plans preview PLAN --seed N`: the cards a session with that seed will show, phase by
    phase, drawn by the session engine itself on a store of its own that is thrown away, so a
    facilitator can prepare and a coach can check a plan's mix. Nothing is saved."""
    import tempfile

    from facilitator.draw import dealing_problem
    from facilitator.engine.live import LiveSession
    from facilitator.evidence import EvidenceProblem, with_evidence
    from facilitator.models import PromptKind, Session
    from facilitator.routines import default_routines, parse_routines
    from facilitator.store import Store
    from facilitator.vocabulary import ROUND_PHASES

    _warn(ws.decks.problems)
    _warn(ws.plans.problems)
    plan = _get(ws.plans, args.id, "plan")
    deck_ids = args.deck or plan.decks or sorted(d.id for d in ws.decks)
    decks = [_get(ws.decks, d, "deck") for d in deck_ids]
    routines = parse_routines("\n".join(args.routine)) if args.routine else default_routines()
    if (problem := dealing_problem(plan, decks, routines)) is not None:
        raise CliError(problem)
    session = Session(title="preview", plan=plan.id, decks=list(deck_ids), routines=routines, seed=args.seed)
    if args.preview_evidence is not None:
        try:
            with_evidence(session, args.preview_evidence)
        except EvidenceProblem as exc:
            raise CliError(str(exc)) from None
    print(f"{plan.title} with seed {args.seed}")
    print(f"Decks: {', '.join(deck_ids)}")
    print(f"Routines: {', '.join(routines) or '-'}")
    if session.evidence:
        print(f"Evidence: {len(session.evidence)} of the customers' own words from {session.evidence_file}")
    with tempfile.TemporaryDirectory(prefix="facilitator-preview-") as folder:
        store = Store(Path(folder) / "store")
        live = LiveSession.start(session, plan, decks, store)
        shown = None
        for _ in range(10_000):  # a plan has at most 50 phases of at most 50 rounds
            if live.is_closed:
                break
            phase = live.phase
            if phase.label != shown:
                print(f"\n{phase.label} ({phase.minutes} min)")
                shown = phase.label
            if phase.kind in ROUND_PHASES and (card := live.current_round) is not None:
                if card.kind is PromptKind.EVIDENCE:
                    print(f"  {live.round_number}. “{card.text}”  [a customer said: {card.origin or session.evidence_file}]")
                else:
                    where = f"{card.deck}, " if card.deck else ""
                    print(f"  {live.round_number}. {card.text}  [{where}{card.kind.value}]")
                live.next_round()
            else:
                print("  (no cards: the room works with its ideas)")
                live.next_phase()
    return 0


def plans_validate(ws: Workspace, args: argparse.Namespace) -> int:
    from facilitator.catalog import validate_paths
    from facilitator.models import Plan

    """Plans are checked against the decks this run knows, `--decks` folders included."""
    return _validate(validate_paths(Plan, [Path(p) for p in args.paths], decks=ws.decks.items))


def _get(catalog, item_id: str, what: str):
    try:
        return catalog.get(item_id)
    except KeyError as exc:
        raise CliError(f"{what} {exc.args[0]}") from None


# --- sessions and actions ------------------------------------------------------------------


def sessions_list(ws: Workspace, args: argparse.Namespace) -> int:
    if (quick := _quick_index(ws, journals_matter=True)) is not None:
        sessions = quick.summaries()
    else:
        from facilitator.engine.live import current_summaries

        sessions = current_summaries(ws.store)
        _store_notes(ws.store)
    rows = [
        (s.id, s.created.date().isoformat(), "damaged" if s.damaged else s.status.value, s.team, s.ideas, s.actions, s.title)
        for s in sessions
    ]
    print(_table(("ID", "DATE", "STATUS", "TEAM", "IDEAS", "ACTIONS", "TITLE"), rows))
    return 0


def _quick_index(ws: Workspace, *, journals_matter: bool = False) -> Index | None:
    """The store's index, read as it is without opening the store (which loads pydantic and
    TinyDB), when nothing needs the store's care first; with its notes said on stderr.

    None, and the caller opens the store, when there is a single-file store to move in, no
    index, a session file the index has not read, a journal to finish (or, with
    `journals_matter`, any live session's journal, which the counts must include), or a
    damaged store the user must be asked about.
    """
    from facilitator.glance import usable_index
    from facilitator.layout import StoreLayout, problem_lines

    layout = StoreLayout.of(ws.store_path)
    if "store" in ws.__dict__ or (index := usable_index(layout)) is None:
        return None
    if journals_matter and _a_live_journal(layout):
        index.close()
        return None
    if not os.access(layout.folder, os.W_OK | os.X_OK):
        print(f"{PROG}: the store is read-only, so it is open for reviewing only: {layout.folder}", file=sys.stderr)
    for session_id, damage in index.damaged().items():
        _say_damaged(session_id, damage)
    _warn(problem_lines(layout, index.skipped()))  # as `Store.refresh_problems` says them
    return index


def _a_live_journal(layout: StoreLayout) -> bool:
    """Whether a live session has events since its last phase end, which its counts must include."""
    try:
        return any(p.is_file() and p.stat().st_size for p in layout.journal.glob("*.jsonl"))
    except OSError:
        return True


def _say_damaged(session_id: str, damage: Sequence[str]) -> None:
    fields = "; ".join(damage[:3]) + (f"; and {len(damage) - 3} more" if len(damage) > 3 else "")
    print(f"{PROG}: session {session_id} is damaged ({fields}); the rest of it is shown", file=sys.stderr)


def sessions_show(ws: Workspace, args: argparse.Namespace) -> int:
    from facilitator.engine.live import recovered

    session = _lookup(lambda: ws.store.session(args.id))
    if session.status is SessionStatus.LIVE:
        session = recovered(session, ws.store)
    _store_notes(ws.store, sessions=False)
    print(f"{session.title}  [{session.id}, {_status(ws.store, session)}]")
    print(f"Team: {session.team or '-'}   Facilitator: {session.facilitator or '-'}   Plan: {session.plan}")
    print(f"Date: {session.created:%Y-%m-%d %H:%M}   Participants: {', '.join(session.participants) or '-'}")
    print(f"Decks: {', '.join(session.decks) or '-'}")
    print(f"Ideas: {len(session.ideas)}   Clusters: {len(session.clusters)}")
    if damage := ws.store.damaged.get(session.id):
        print("Damaged: these fields could not be read; the session is shown without them,")
        print("and the stored copy is left as it is:")
        for field in damage:
            print(f"  {field}")
    if skipped := ws.store.journal_skipped.get(session.id):
        lines = "1 line could not be read and was" if skipped == 1 else f"{skipped} lines could not be read and were"
        print(f"Journal: {lines} skipped")
    print()
    _print_actions([(a, session) for a in session.actions])
    return 0


def sessions_archive(ws: Workspace, args: argparse.Namespace) -> int:
    """Put away an abandoned live session, as `a` on the home screen does: kept, never deleted."""
    from filelock import Timeout

    from facilitator.engine.live import archive

    store = ws.store
    session = _lookup(lambda: store.session(args.id))
    lock = store.session_lock(session.id)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise CliError(f"session {session.id} is open in a window; finish or quit it there first") from None
    try:
        archived = _lookup(lambda: archive(store, session.id))
    finally:
        lock.release()
    ideas = len(archived.ideas)
    print(f"archived {archived.id}: {archived.title} (kept with its {ideas} idea{'' if ideas == 1 else 's'}; no longer offered to resume)")
    return 0


def export(ws: Workspace, args: argparse.Namespace) -> int:
    """One session, a team's history, or a filtered action list, as Markdown, CSV, JSON, a
    calendar or an HTML report: to a file named after its title, a file or folder given with
    `-o`, or standard output with `-o -`."""
    from facilitator.files import atomic_write

    made = _export_content(ws, args)
    if args.output == "-":  # through the text gate like all output (a calendar's lines end in \n here)
        sys.stdout.write(made.data.decode("utf-8"))
        return 0
    target = Path(args.output).expanduser() if args.output else Path.cwd()
    if target.is_dir():
        target = made.write_into(target)
    else:
        atomic_write(target, made.data)
    print(f"wrote {target}")
    return 0


def _export_content(ws: Workspace, args: argparse.Namespace) -> Export:
    from facilitator.exporting import CannotExport, actions_export, session_export, team_export

    fmt = args.format
    try:
        if args.id is not None:
            if args.actions or args.team:
                raise CliError("give a session id, or --team, or --actions, not more than one")
            from facilitator.engine.live import fresh_session

            traits = {deck.id: deck.trait for deck in ws.decks}
            return session_export(_lookup(lambda: fresh_session(ws.store, args.id)), fmt, traits)
        if args.actions:
            rows = ws.store.actions(
                team=args.team, owner=args.owner, routine=args.routine,
                status=ActionStatus(args.status) if args.status else None,
                overdue_on=date.today() if args.overdue else None,
            )
            return actions_export(rows, fmt)
        if args.team is None:
            raise CliError("say what to export: a session id, --team TEAM for a team's history, or --actions")
        if args.owner or args.routine or args.status or args.overdue:
            raise CliError("--owner, --routine, --status and --overdue filter an action list: add --actions")
        return team_export(ws.store, args.team, fmt, _traits(ws))
    except CannotExport as exc:
        suffix = ": give an id or --team" if args.actions else ""
        raise CliError(f"{exc}{suffix}") from None


def _traits(ws: Workspace) -> dict[str, str]:
    """Each deck's trait, by deck id: sessions name their decks, the room thinks in traits."""
    return {deck.id: deck.trait for deck in ws.decks}


def import_sessions(ws: Workspace, args: argparse.Namespace) -> int:
    """Merge sessions exported elsewhere: new ones added, newer revisions taken, nothing doubled."""
    from facilitator.imports import ImportProblem, read_sessions_file

    path = Path(args.file).expanduser()
    try:
        sessions = read_sessions_file(path)
    except ImportProblem as exc:
        raise CliError(f"{path}: {exc}; nothing was imported") from None
    merged = ws.store.merge([s.model_dump(mode="json") for s in sessions])
    parts = [f"{len(merged.added)} added", f"{len(merged.updated)} updated", f"{len(merged.unchanged)} already here"]
    print(f"imported {path}: " + ", ".join(parts))
    for session_id in merged.refused:
        print(f"{PROG}: session {session_id} is damaged in this store, so the imported copy was not written over it", file=sys.stderr)
    return 1 if merged.refused else 0  # a script must see that not everything came in


def store_check(ws: Workspace, args: argparse.Namespace) -> int:
    """Build the index again from the session files and say whether it was right."""
    store = ws.store
    differences = store.check()
    _store_notes(store)
    for line in differences:
        print(f"fixed: {line}")
    count = store.index.count()
    print(f"the index holds {count} session{'' if count == 1 else 's'}" + (", now right" if differences else ", and was right"))
    return 0


def actions_stats(ws: Workspace, args: argparse.Namespace) -> int:
    """Actions made and done per session over time, per routine and per trait."""
    from facilitator.progress import stats_text

    summaries = ws.store.summaries()
    rows = ws.store.actions()
    _store_notes(ws.store)
    print(stats_text(summaries, rows, _traits(ws), team=args.team), end="")
    return 0


def _status(store: Store, session: Session) -> str:
    return "damaged" if session.id in store.damaged else session.status.value


def _store_notes(store: Store, *, sessions: bool = True) -> None:
    """What a reader must know before trusting what follows, once, on stderr: the store is
    read-only, a session is damaged (shown without what could not be read), something was skipped."""
    if store.read_only:
        print(f"{PROG}: the store is read-only, so it is open for reviewing only: {store.folder}", file=sys.stderr)
    if not sessions:
        return
    for session_id, damage in store.damaged.items():
        _say_damaged(session_id, damage)
    _warn(store.problems)


ACTION_COLUMNS = ("ID", "STATUS", "DUE", "OWNER", "ROUTINE", "CADENCE", "TEAM", "ACTION")


def _print_actions(rows: Sequence[tuple[Action | ActionSummary, Session | SessionSummary]]) -> None:
    if not rows:
        print("No actions.")
        return
    table = [
        (a.id, a.status.value, a.due or "", a.owner or "", a.routine or "", a.cadence.value, s.team, a.text)
        for a, s in rows
    ]
    print(_table(ACTION_COLUMNS, table))


def actions_list(ws: Workspace, args: argparse.Namespace) -> int:
    filters: dict[str, Any] = dict(
        team=args.team,
        owner=args.owner,
        routine=args.routine,
        status=ActionStatus(args.status) if args.status else None,
        overdue_on=date.today() if args.overdue else None,
    )
    if (quick := _quick_index(ws)) is not None:
        lines = quick.action_lines(**filters)
    else:
        lines = ws.store.index.action_lines(**filters)
        _store_notes(ws.store)
    if not lines:
        print("No actions.")
        return 0
    _print_table(ACTION_COLUMNS, lines)
    return 0


def actions_mark(ws: Workspace, args: argparse.Namespace) -> int:
    """`actions done|drop|reopen ID`: the status the room agreed, saved at once."""
    row = _lookup(lambda: ws.store.set_action_status(args.id, args.status))
    print(f"{args.status.value} {row.action.id}: {row.action.text}")
    return 0


def actions_set(ws: Workspace, args: argparse.Namespace) -> int:
    """`actions set ID --due DATE --owner NAME`: a new date or owner for an open action."""
    changes: dict[str, Any] = {}
    if args.due is not None:
        changes["due"] = None if args.due.strip().casefold() in {"", "none", "-"} else _date(args.due)
    if args.owner is not None:
        changes["owner"] = clean(args.owner).strip() or None
    if not changes:
        raise CliError("say what to change: --due DATE (or --due none) and/or --owner NAME (or --owner '')")
    row = _lookup(lambda: ws.store.update_action(args.id, **changes))
    due = row.action.due.isoformat() if row.action.due else "no date"
    print(f"set {row.action.id}: {row.action.text} (due {due}, owner {row.action.owner or 'nobody'})")
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{text!r} is not a date; write it as YYYY-MM-DD, like 2026-12-31") from None


def _lookup(fetch: Callable):
    try:
        return fetch()
    except LookupError as exc:
        raise CliError(str(exc)) from None


# --- the app -------------------------------------------------------------------------------


def open_app(ws: Workspace, args: argparse.Namespace) -> int:
    import gc

    from facilitator.glance import opens_quietly

    if not opens_quietly(ws.store_path):
        # A single-file store to move in (or none yet): a damaged one is reported, and the user
        # asked, before the screen is taken over. Otherwise the app opens the store on a thread
        # while its home screen shows, and stops if that fails: said here as if before it.
        _ = ws.store
    # What Textual and the home screen make while the app starts is kept, not garbage: looking
    # for cycles among it only delays the first screen (by about a tenth). The app turns the
    # collector back on once its home screen has shown.
    gc.disable()
    try:
        from facilitator.app import make_app  # Textual loads only when the app is wanted

        app = make_app(ws)
        app.run()  # a crash inside restores the terminal and prints one line (see the app)
    finally:
        gc.enable()
    if app.store_error is not None:
        raise app.store_error
    return app.return_code or 0


# --- wiring --------------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """The options every command takes, before or after the command's name."""
    empty = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, default=empty(None), help="the JSON store file (default: $FACILITATOR_STORE or the user data folder)")
    parser.add_argument("--decks", type=Path, action="append", default=empty([]), metavar="DIR", help="also load decks from DIR (overrides by id)")
    parser.add_argument("--plans", type=Path, action="append", default=empty([]), metavar="DIR", help="also load plans from DIR (overrides by id)")
    parser.add_argument("--new-store", action="store_true", default=empty(False), help="start on a new, empty store where a damaged one was set aside")


def _port(raw: str) -> int:
    """A port a room can listen on: 1 to 65535."""
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a port: give a number from 1 to 65535")
    return int(raw)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Run associative customer-reflection workshops.")
    _global_options(parser, defaults=True)
    parser.add_argument(
        "--evidence", type=Path, default=None, metavar="FILE",
        help="customers' own words (a text file, one a line, or a CSV export) that a session shows as cards; set-up can change it",
    )
    parser.add_argument("--join-host", metavar="ADDRESS", default=None, help="the address the room (F6) is served on; default: this machine's address on its network")
    parser.add_argument("--join-port", metavar="PORT", type=_port, default=None, help="the room's port; default 8765, or any free one if it is taken")
    parser.set_defaults(run=open_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    shared = _Parser(add_help=False)
    _global_options(shared, defaults=False)

    def group(name: str, help_text: str) -> argparse._SubParsersAction:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=lambda ws, args, p=sub: p.error("say which command"))
        leaves = sub.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
        add_parser = leaves.add_parser
        leaves.add_parser = lambda *a, **kw: add_parser(*a, parents=[shared], **kw)  # type: ignore[method-assign]
        return leaves

    decks = group("decks", "list, show and validate prompt decks")
    cmd = decks.add_parser("list", help="list the decks that load")
    cmd.set_defaults(run=decks_list)
    cmd = decks.add_parser("show", help="show one deck and its cards")
    cmd.add_argument("id")
    cmd.add_argument("--toml", action="store_true", help="print the deck as a TOML file to adapt")
    cmd.set_defaults(run=decks_show)
    cmd = decks.add_parser("validate", help="check deck files or folders")
    cmd.add_argument("paths", nargs="+", metavar="PATH")
    cmd.set_defaults(run=decks_validate)
    cmd = decks.add_parser("schema", help="print the JSON Schema of the deck format")
    cmd.set_defaults(run=decks_schema)
    cmd = decks.add_parser("new", help="write a new deck with one card of each kind, to edit")
    cmd.add_argument("id", help="the deck's id: small letters, digits and dashes, like acme-frontline")
    cmd.add_argument("--trait", required=True, help="the trait of customer-centric leadership the deck is about")
    cmd.add_argument("--title", help="the deck's title (default: the trait)")
    cmd.add_argument("--lang", default="en", help="the language its cards are written in, like en, nl or sv (default en)")
    cmd.add_argument("-o", "--output", metavar="FOLDER", help="write it here (default: your own deck folder; see decks paths)")
    cmd.set_defaults(run=decks_new)
    cmd = decks.add_parser("export", help="write a deck's file (comments kept) to share with another coach")
    cmd.add_argument("id")
    cmd.add_argument("-o", "--output", metavar="PATH", help="a file, a folder, or - for standard output; default: the current folder")
    cmd.add_argument("--replace", action="store_true", help="write over a file that is there")
    cmd.set_defaults(run=decks_export)
    cmd = decks.add_parser("import", help="check a shared deck file and put it in your own deck folder")
    cmd.add_argument("file", metavar="FILE")
    cmd.add_argument("--replace", action="store_true", help="replace your deck with the same id without asking")
    cmd.set_defaults(run=decks_import)
    cmd = decks.add_parser("paths", help="print the folders decks are read from, in order")
    cmd.set_defaults(run=folders_read, kind="decks")

    plans = group("plans", "list, show and validate session plans")
    cmd = plans.add_parser("preview", help="print the cards a session with a given seed will show, phase by phase")
    cmd.add_argument("id", metavar="PLAN")
    cmd.add_argument("--seed", type=int, required=True, help="the seed typed at set-up: the same seed shows the same cards")
    cmd.add_argument("--deck", action="append", default=[], metavar="ID", help="use this deck (again for more; default: the plan's, else every deck)")
    cmd.add_argument("--routine", action="append", default=[], metavar="NAME", help="one of the team's routines (again for more; default: your routines list)")
    cmd.add_argument("--evidence", dest="preview_evidence", type=Path, default=None, metavar="FILE", help="customers' own words, dealt among the cards as a session with this seed would")
    cmd.set_defaults(run=plans_preview)
    cmd = plans.add_parser("paths", help="print the folders plans are read from, in order")
    cmd.set_defaults(run=folders_read, kind="plans")
    cmd = plans.add_parser("list", help="list the plans that load")
    cmd.set_defaults(run=plans_list)
    cmd = plans.add_parser("show", help="show one plan's agenda")
    cmd.add_argument("id")
    cmd.set_defaults(run=plans_show)
    cmd = plans.add_parser("validate", help="check plan files or folders")
    cmd.add_argument("paths", nargs="+", metavar="PATH")
    cmd.set_defaults(run=plans_validate)

    sessions = group("sessions", "list, show and archive saved sessions")
    cmd = sessions.add_parser("list", help="list saved sessions, newest first")
    cmd.set_defaults(run=sessions_list)
    cmd = sessions.add_parser("show", help="show one session and its action list")
    cmd.add_argument("id", help="the session id (or its first characters)")
    cmd.set_defaults(run=sessions_show)
    cmd = sessions.add_parser("archive", help="put away an unfinished session: kept, no longer offered to resume")
    cmd.add_argument("id", help="the session id (or its first characters)")
    cmd.set_defaults(run=sessions_archive)

    says = "write a session, a team's history or an action list as Markdown, CSV, JSON, a calendar or a report"
    cmd = commands.add_parser("export", parents=[shared], help=says, description=says)
    cmd.add_argument("id", nargs="?", help="the session id (or its first characters)")
    cmd.add_argument("--team", help="a team's whole history (or, with --actions, only its actions)")
    cmd.add_argument("--actions", action="store_true", help="an action list, filtered with --team, --owner, --routine, --status, --overdue")
    cmd.add_argument("--owner", help="with --actions: only this owner's")
    cmd.add_argument("--routine", help="with --actions: only those in this routine")
    cmd.add_argument("--status", choices=[s.value for s in ActionStatus], help="with --actions: only those with this status")
    cmd.add_argument("--overdue", action="store_true", help="with --actions: only open actions past their due date")
    cmd.add_argument(
        "--format", choices=["md", "csv", "json", "ics", "html"], default="md",
        help="md (default) for a wiki or an email, csv for a spreadsheet, json for another facilitator, "
        "ics for a calendar, html for a report that opens in any browser",
    )
    cmd.add_argument("-o", "--output", metavar="PATH", help="a file, a folder (a file named after the title goes there) or - for standard output; default: the current folder")
    cmd.set_defaults(run=export)

    says = "merge sessions exported from another facilitator (a JSON export): new ones added, nothing doubled"
    cmd = commands.add_parser("import", parents=[shared], help=says, description=says)
    cmd.add_argument("file", metavar="FILE", help="a file written by facilitator export --format json")
    cmd.set_defaults(run=import_sessions)

    store = group("store", "look after the store")
    cmd = store.add_parser("check", help="build the index of sessions again from the session files and say what was wrong")
    cmd.set_defaults(run=store_check)

    actions = group("actions", "list actions across sessions, mark them done, dropped or open, re-date and re-own them")
    cmd = actions.add_parser("list", help="list actions, soonest due first")
    cmd.add_argument("--team", help="only this team's")
    cmd.add_argument("--owner", help="only this owner's")
    cmd.add_argument("--routine", help="only those in this routine")
    cmd.add_argument("--status", choices=[s.value for s in ActionStatus], help="only those with this status")
    cmd.add_argument("--overdue", action="store_true", help="only open actions past their due date")
    cmd.set_defaults(run=actions_list)
    for name, status, says in (
        ("done", ActionStatus.DONE, "mark an action done"),
        ("drop", ActionStatus.DROPPED, "mark an action dropped: the team decided not to do it"),
        ("reopen", ActionStatus.OPEN, "open a done or dropped action again"),
    ):
        cmd = actions.add_parser(name, help=says)
        cmd.add_argument("id", help="the action id (or its first characters)")
        cmd.set_defaults(run=actions_mark, status=status)
    cmd = actions.add_parser("stats", help="actions made and done per session over time, per routine and per trait")
    cmd.add_argument("--team", help="only this team's")
    cmd.set_defaults(run=actions_stats)
    cmd = actions.add_parser("set", help="give an action a new due date or owner")
    cmd.add_argument("id", help="the action id (or its first characters)")
    cmd.add_argument("--due", metavar="DATE", help="the new due date, YYYY-MM-DD (none: no date)")
    cmd.add_argument("--owner", metavar="NAME", help="the new owner ('': nobody)")
    cmd.set_defaults(run=actions_set)
    return parser


def _store_damaged(exc: StoreDamaged | StoreSetAside, interactive: bool) -> bool:
    """Say what happened to the store in one line (setting a damaged file aside first), and
    return True only if the user, asked at a terminal, wants a new, empty store."""
    from facilitator.files import set_aside
    from facilitator.layout import StoreDamaged

    if isinstance(exc, StoreDamaged):
        try:
            moved = set_aside(exc.path)
        except PermissionError:  # a read-only folder: nothing can be moved, nor written over
            print(f"{PROG}: {exc}; the store is read-only, so it was left as it is", file=sys.stderr)
            return False
        print(f"{PROG}: {exc}; it was moved aside to {moved}, nothing was overwritten", file=sys.stderr)
    else:
        print(f"{PROG}: {exc}; run facilitator to be asked, or add --new-store", file=sys.stderr)
    if not interactive:
        return False
    try:
        answer = input("Start with a new, empty store? [y/N] ")
    except EOFError:
        return False
    return answer.strip().casefold() in {"y", "yes"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command with its output through the text gate; every failure is one line."""
    with _gated_output():
        try:
            return _main(argv)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as standard tools do.
            _silence_stdout()
            return 128 + 13  # what a shell shows for a tool ended by SIGPIPE
        except KeyboardInterrupt:
            return 130  # Ctrl+C: stopped on purpose, nothing to report
        except Exception as exc:  # a bug, not bad input: the details go to a file
            print(crash_line(PROG, exc, write_crash_log(exc)), file=sys.stderr)
            return 1


@contextmanager
def _gated_output() -> Iterator[None]:
    """Everything printed passes `facilitator.text`, whatever code path printed it."""
    saved = sys.stdout, sys.stderr
    # A stream the shell closed (`>&-`) is None: printing to it does nothing, and stays so.
    sys.stdout = CleanWriter(sys.stdout) if sys.stdout is not None else None
    sys.stderr = CleanWriter(sys.stderr) if sys.stderr is not None else None
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _silence_stdout() -> None:
    """Send what is left for standard output to /dev/null, so that the flush at exit cannot
    fail a second time on the closed pipe."""
    try:
        if sys.__stdout__ is not None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)  # `--help` and a bad option end here, having loaded little
    from facilitator.layout import StoreDamaged, StoreSetAside
    from facilitator.workspace import Workspace

    ws = Workspace(deck_dirs=args.decks, plan_dirs=args.plans, new_after_damage=args.new_store)
    ws.evidence_path = getattr(args, "evidence", None)
    ws.join_host = getattr(args, "join_host", None)
    ws.join_port = getattr(args, "join_port", None)
    if args.store is not None:
        ws.store_path = args.store.expanduser()
    interactive = args.run is open_app and sys.stdin.isatty()
    try:
        try:
            return args.run(ws, args)
        except (StoreDamaged, StoreSetAside) as exc:
            if not _store_damaged(exc, interactive):
                return 1
            ws.__dict__.pop("store", None)
            ws.new_after_damage = True
            return args.run(ws, args)
    except CliError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # not an error of ours: see `main`
    except OSError as exc:
        print(f"{PROG}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

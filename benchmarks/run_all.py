"""Every benchmark of the store and the app in one run, side by side, printed as Markdown tables.

    .venv/bin/python benchmarks/run_all.py [--sizes 10,1000,10000,50000] [--quick] [--checkout DIR]

For each store size (written by make_store.py), what a person waits for:

* the app started on a real pseudo-terminal until the home screen shows "New session (n)",
  against a bare Textual app started the same way (bare_app.py);
* `facilitator --help`, `sessions list`, `actions list` and `actions done ID` as whole processes;
* starting a session, capturing an idea, ending a phase, closing the session and filtering
  actions, in-process with the engine (session_ops.py, in a fresh process on a fresh copy).

Wall time and peak RSS (from `wait4`, per process). Each figure is the median of `--repeats`
runs; sizes take turns within each repeat (in a rotating order) and the references (bare app,
`--help`) are measured beside every size, so the ratios come from one machine at one time.
Sizes of 50,000 and more are measured `--large-repeats` times (default once). A measurement
that takes longer than `--timeout` is stopped and shown as "> T s" (and is not tried again);
children may not use more than `--memory` MB of address space. Progress goes to stderr, the
tables to stdout. The code measured is that of `--checkout` (default: this folder), so a
redesign can be run against an exported copy of an earlier commit.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from math import log
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.pty_driver import PtyProcess, PtyTimeout  # noqa: E402  (the project's own terminal driver)

HOME_READY = "New session (n)"
BARE_READY = "Bare Textual app ready"
LARGE = 50_000
ENGINE_OPS = ["start", "capture", "phase", "close", "filter"]


@dataclass
class Run:
    """One measurement: seconds (None if stopped at the timeout) and peak RSS in MB."""

    seconds: float | None
    rss: float


class Bench:
    def __init__(self, checkout: Path, work: Path, timeout: float) -> None:
        self.checkout, self.work, self.timeout = checkout, work, timeout
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "FACILITATOR", "NO_COLOR", "PYTHONDONTWRITEBYTECODE"))}
        # As an installed copy is: compiled once (pip does it at install), not at every start.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "facilitator")], check=True)
        for name in ("config", "data", "state", "cache"):
            (work / name).mkdir(parents=True, exist_ok=True)
        self.env.update(
            TERM="xterm-256color", COLUMNS="100", LINES="30", PYTHONPATH=str(checkout),
            XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
            XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(work / "cache"),
            FACILITATOR_STATE=str(work / "state"),
        )

    # --- stores ---------------------------------------------------------------------------

    def make_store(self, sessions: int, ideas: int, actions: int, seed: int) -> dict:
        """A single-file store as earlier versions wrote it; where the checkout keeps its store in a
        folder, it then moves in (the one-time migration, timed as a whole process)."""
        path = self.work / "stores" / f"store-{sessions}.json"
        shutil.rmtree(path.with_suffix(""), ignore_errors=True)
        out = subprocess.run(
            [sys.executable, str(BENCH / "make_store.py"), "--sessions", str(sessions), "--out", str(path), "--force",
             "--json", "--ideas", str(ideas), "--actions", str(actions), "--seed", str(seed)],
            env=self.env, capture_output=True, text=True, check=True,
        )
        made = {**json.loads(out.stdout), "path": path}
        if (self.checkout / "facilitator" / "layout.py").exists():
            made["migration"] = self.migrate(path)
        return made

    def migrate(self, path: Path) -> Run:
        """Open the store once as a whole process: a single-file store moves into its folder."""
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", f"from pathlib import Path; from facilitator.store import Store; Store(Path({str(path)!r}))"],
                                 env=self.env, cwd=self.work, start_new_session=True)
        finished, code, end, rss = self._reap(child.pid, start + self.timeout * 4)
        if not finished or code != 0:
            raise RuntimeError(f"moving {path} into its folder failed ({code})")
        return Run(end - start, rss)

    def fresh_copy(self, pristine: Path) -> Path:
        """The store (its folder, or its single file and journals) copied afresh, for a
        measurement that writes."""
        target = self.work / "copy"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        if pristine.with_suffix("").is_dir():
            shutil.copytree(pristine.with_suffix(""), target / "store")
        if pristine.exists():
            shutil.copyfile(pristine, target / "store.json")
        journals = pristine.with_name(pristine.name + ".journal")
        if journals.is_dir():
            shutil.copytree(journals, target / "store.json.journal")
        # The copy is set-up, not the measurement: written back now, so the first fsync measured
        # does not wait for the kernel to write out hundreds of megabytes of copied files.
        os.sync()
        return target / "store.json"

    # --- processes ------------------------------------------------------------------------

    def _reap(self, pid: int, deadline: float) -> tuple[bool, int, float, float]:
        """Wait for the child until the deadline (then kill its group): (finished, status, end time, peak RSS MB)."""
        fd = os.pidfd_open(pid)
        try:
            finished = bool(select.select([fd], [], [], max(deadline - time.perf_counter(), 0))[0])
        finally:
            os.close(fd)
        end = time.perf_counter()
        if not finished:
            os.killpg(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        return finished, os.waitstatus_to_exitcode(status), end, usage.ru_maxrss / 1024

    def command(self, *argv: str) -> Run:
        """`python -m facilitator ARGV` as a whole process, its output to /dev/null."""
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-m", "facilitator", *argv], stdout=subprocess.DEVNULL,
                                     stderr=errors, env=self.env, cwd=self.work, start_new_session=True)
            finished, code, end, rss = self._reap(child.pid, start + self.timeout)
            child.returncode = code
            if finished and code != 0:
                errors.seek(0)
                raise RuntimeError(f"facilitator {' '.join(argv)} failed ({code}): {errors.read().decode(errors='replace')}")
        return Run(end - start if finished else None, rss)

    def screen(self, argv: list[str], ready: str) -> Run:
        """From spawning ARGV on a 100x30 pseudo-terminal to `ready` on its screen."""
        start = time.perf_counter()
        app = PtyProcess(argv, columns=100, lines=30, env=self.env, cwd=self.work)
        try:
            try:
                app.wait_for(ready, self.timeout)
                seconds: float | None = time.perf_counter() - start
            except PtyTimeout:
                if app.process.poll() is not None:
                    raise
                seconds = None
            _, code, _, rss = self._reap(app.process.pid, 0)
            app.process.returncode = code
        finally:
            app.close()
        return Run(seconds, rss)

    def app(self, store: Path) -> Run:
        return self.screen([sys.executable, "-m", "facilitator", "--store", str(store)], HOME_READY)

    def review(self, store: Path, sessions: int, query: str = "support") -> dict[str, Run]:
        """In a real terminal, from the home screen: `v` until every session is listed ("N
        sessions"), then the query typed after `/` until the table shows what matches."""
        runs: dict[str, Run] = {}
        app = PtyProcess([sys.executable, "-m", "facilitator", "--store", str(store)], columns=100, lines=30, env=self.env, cwd=self.work)
        try:
            app.wait_for(HOME_READY, self.timeout)
            app.drain(0.3)
            start = time.perf_counter()
            app.send("v")
            total = f"{sessions} session" + ("" if sessions == 1 else "s")
            try:
                app.wait_for(lambda screen: total in screen and "Reading" not in screen, self.timeout)
                runs["review"] = Run(time.perf_counter() - start, 0)
            except PtyTimeout:
                return {"review": Run(None, 0)}
            app.drain(0.3)
            app.send("/")
            app.drain(0.3)
            start = time.perf_counter()
            app.send(query)
            try:
                app.wait_for(lambda screen: f" of {total}" in screen or "No session matches" in screen, self.timeout)
                runs["review filter"] = Run(time.perf_counter() - start, 0)
            except PtyTimeout:
                runs["review filter"] = Run(None, 0)
        finally:
            app.kill()
            app.close()
        return runs

    def bare(self) -> Run:
        return self.screen([sys.executable, str(BENCH / "bare_app.py")], BARE_READY)

    def engine(self, store: Path, captures: int) -> dict[str, Run]:
        """session_ops.py on `store`: each operation must report within the timeout of the one before."""
        child = subprocess.Popen([sys.executable, str(BENCH / "session_ops.py"), "--store", str(store), "--captures", str(captures)],
                                 stdout=subprocess.PIPE, env=self.env, cwd=self.work, start_new_session=True)
        assert child.stdout is not None
        seconds: dict[str, float | None] = {}
        buffer = b""
        deadline = time.perf_counter() + self.timeout
        finished = True
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([child.stdout], [], [], left)[0]:
                finished = False
                break
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                report = json.loads(line)
                seconds[report["op"]] = report["seconds"]
                deadline = time.perf_counter() + self.timeout
        _, code, _, rss = self._reap(child.pid, time.perf_counter() + (self.timeout if finished else 0))
        child.returncode = code
        child.stdout.close()
        if finished and code != 0:
            raise RuntimeError(f"session_ops.py failed ({code}) after {sorted(seconds)}")
        runs = {}
        for op in ENGINE_OPS:
            if op in seconds:
                runs[op] = Run(seconds[op], rss)
            else:  # the first one missing is the one that ran out of time
                runs[op] = Run(None, rss)
                break
        return runs


# --- formatting ----------------------------------------------------------------------------


def duration(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def factor(x: float) -> str:
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×" if x < 100 else f"{x:,.0f}×"


def megabytes(rss: float) -> str:
    return f"{rss / 1024:.1f} GB" if rss >= 1024 else f"{rss:.0f} MB"


@dataclass
class Figure:
    """The median of a measurement's runs; `over` is set when a run was stopped at the timeout."""

    seconds: float | None
    rss: float
    over: float | None = None
    runs: int = 0

    @classmethod
    def of(cls, runs: list[Run], timeout: float) -> Figure | None:
        if not runs:
            return None
        rss = max(r.rss for r in runs)
        done = [r.seconds for r in runs if r.seconds is not None]
        if len(done) < len(runs):
            return cls(None, rss, timeout, len(runs))
        return cls(statistics.median(done), rss, None, len(runs))

    def text(self, ratio: str = "", rss: bool = True) -> str:
        if self.seconds is None:
            shown = f"> {self.over:.0f} s (stopped)"
        else:
            shown = duration(self.seconds) + (f" · {ratio}" if ratio else "")
        return shown + (f" · {megabytes(self.rss)}" + (" or more" if self.seconds is None else "") if rss else "")


def ratio(a: Figure | None, b: Figure | None, what: str) -> str:
    if a is None or b is None or a.seconds is None or not b.seconds:
        return ""
    return f"{factor(a.seconds / b.seconds)} {what}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        textual = metadata.version("textual")
    except metadata.PackageNotFoundError:
        textual = "?"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}: {os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, Textual {textual}")


# --- the run -------------------------------------------------------------------------------

ROWS = [
    # key, label, reference for the ratio ("bare", "help", "smallest" or None), show RSS
    ("bare", "bare Textual app to its first screen (reference)", None, True),
    ("app", "app start to the home screen, real terminal", "bare", True),
    ("review", "review screen from home until every session is listed, real terminal", "smallest", False),
    ("review filter", "review filter: a word typed until the table shows what matches, real terminal", "smallest", False),
    ("help", "`facilitator --help` (reference)", None, True),
    ("sessions list", "`sessions list` (whole process)", "help", True),
    ("actions list", "`actions list` (whole process)", "help", True),
    ("team actions", "`actions list --team Support --status open` (whole process)", "help", True),
    ("actions done", "`actions done ID` (whole process)", "help", True),
    ("start", "start a session (`LiveSession.start`)", "smallest", False),
    ("capture", "capture one idea (journal append + fsync; median of the captures)", "smallest", False),
    ("phase", "end a phase (`next_phase`: the session folded into the store)", "smallest", False),
    ("close", "close a session (`close`)", "smallest", False),
    ("filter", "filter actions by team and overdue, in-process (`Store.actions`)", "smallest", False),
    ("engine", "peak memory of the in-process session (all of the above)", None, True),
    ("migration", "move the single-file store into its folder (once, whole process)", None, True),
]

LABELS = {key: label.split(" (")[0] for key, label, _, _ in ROWS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,1000,10000,50000", help="store sizes in sessions, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 10 and 1,000, 2 repeats, 30 captures: a smoke run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement (the median is shown)")
    parser.add_argument("--large-repeats", type=int, default=1, help=f"runs at {LARGE:,} sessions and more")
    parser.add_argument("--timeout", type=float, default=300, help="seconds after which one measurement is stopped")
    parser.add_argument("--memory", type=int, default=0, help="address space a child may use, in MB (default: 3/4 of RAM)")
    parser.add_argument("--captures", type=int, default=100, help="ideas captured per in-process run")
    parser.add_argument("--ideas", type=int, default=12, help="ideas per stored session")
    parser.add_argument("--actions", type=int, default=3, help="actions per stored session")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkout", type=Path, default=REPO, help="the facilitator source tree to measure")
    parser.add_argument("--workdir", type=Path, help="where stores are written (default: a temporary folder, removed after)")
    parser.add_argument("--raw", type=Path, help="also write every run's figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeats, args.captures = "10,1000", 2, 30
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",")})
    memory = args.memory or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4 // 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory * 2**20, resource.getrlimit(resource.RLIMIT_AS)[1]))

    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="facilitator-bench-")) if args.workdir is None else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.checkout.resolve(), work, args.timeout)
    began = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - began:6.0f} s] {text}", file=sys.stderr, flush=True)

    runs_migration: dict[int, Run] = {}
    try:
        stores = {}
        for size in sizes:
            stores[size] = bench.make_store(size, args.ideas, args.actions, args.seed)
            moved = stores[size].get("migration")
            say(f"wrote {size:,} sessions ({stores[size]['bytes'] / 1e6:.1f} MB)"
                + (f", moved into a folder in {duration(moved.seconds or 0)}, {megabytes(moved.rss)}" if moved else ""))
            if moved:
                runs_migration[size] = moved
        smallest = stores[sizes[0]]["path"]
        bench.command("--help"), bench.bare(), bench.app(smallest), bench.command("--store", str(smallest), "sessions", "list")
        bench.engine(bench.fresh_copy(smallest), 5)  # warm-up: bytecode compiled, files cached

        runs: dict[tuple[str, int], list[Run]] = {}
        stopped: set[tuple[str, int]] = set()

        def measure(key: str, size: int, take) -> None:
            if (key, size) in stopped:
                return
            run = take()
            runs.setdefault((key, size), []).append(run)
            if run.seconds is None:
                stopped.add((key, size))
            say(f"{size:>6,} sessions: {key:<13} " + (duration(run.seconds) if run.seconds is not None else f"> {args.timeout:.0f} s")
                + f", {megabytes(run.rss)}")

        for rep in range(max(args.repeats, args.large_repeats)):
            order = sizes[rep % len(sizes):] + sizes[: rep % len(sizes)]
            for size in order:
                if rep >= (args.large_repeats if size >= LARGE else args.repeats):
                    continue
                store = stores[size]
                path = store["path"]
                measure("bare", size, bench.bare)
                measure("app", size, lambda path=path: bench.app(path))
                measure("help", size, lambda: bench.command("--help"))
                for op, run in bench.review(path, size).items():
                    measure(op, size, lambda run=run: run)
                measure("sessions list", size, lambda path=path: bench.command("--store", str(path), "sessions", "list"))
                measure("actions list", size, lambda path=path: bench.command("--store", str(path), "actions", "list"))
                measure("team actions", size,
                        lambda path=path: bench.command("--store", str(path), "actions", "list", "--team", "Support", "--status", "open"))
                if store["open_actions"]:
                    action = store["open_actions"][rep % len(store["open_actions"])]
                    measure("actions done", size,
                            lambda path=path, action=action: bench.command("--store", str(bench.fresh_copy(path)), "actions", "done", action))
                if any((op, size) in stopped for op in ENGINE_OPS):
                    continue
                for op, run in bench.engine(bench.fresh_copy(path), args.captures).items():
                    measure(op, size, lambda run=run: run)
                engine = [r for op in ENGINE_OPS for r in runs.get((op, size), [])[-1:]]
                if engine:
                    runs.setdefault(("engine", size), []).append(Run(0.0, max(r.rss for r in engine)))
        for size, moved in runs_migration.items():
            runs[("migration", size)] = [moved]
        loaded = modules_loaded(bench)
        report(args, sizes, stores, runs, loaded, time.perf_counter() - began, (load, os.getloadavg()[0]))
        if args.raw:
            args.raw.write_text(json.dumps({f"{k}@{n}": [r.__dict__ for r in v] for (k, n), v in runs.items()}, indent=1))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def modules_loaded(bench: Bench) -> list[str]:
    """The heavy packages `facilitator --help` imports."""
    code = ("import contextlib, io, sys\nfrom facilitator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'tinydb', 'textual', 'rich', 'filelock', 'platformdirs'})))")
    out = subprocess.run([sys.executable, "-c", code], env=bench.env, cwd=bench.work, capture_output=True, text=True, check=True)
    return out.stdout.split()


def report(args, sizes, stores, runs, loaded, elapsed, load) -> None:
    figures = {key: Figure.of(r, args.timeout) for key, r in runs.items()}
    repeats = f"median of {args.repeats} runs" + (f" ({args.large_repeats} at {LARGE:,} sessions and more)" if sizes[-1] >= LARGE else "")
    print(f"Measured {machine()}.\n")
    print(f"`{' '.join(['benchmarks/run_all.py', *sys.argv[1:]])}` on {args.checkout}; {repeats}; "
          f"{args.ideas} ideas and {args.actions} actions a session; {elapsed / 60:.0f} minutes in all; "
          f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end.\n")
    print("| measurement | " + " | ".join(f"{n:,} sessions" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    print("| store file | " + " | ".join(f"{stores[n]['bytes'] / 1e6:.1f} MB" for n in sizes) + " |")
    for key, label, reference, rss in ROWS:
        cells = []
        for size in sizes:
            figure = figures.get((key, size))
            if figure is None:
                cells.append("")
            elif key == "engine":
                cells.append(megabytes(figure.rss))
            else:
                base = {"bare": figures.get(("bare", size)), "help": figures.get(("help", size)),
                        "smallest": figures.get((key, sizes[0]))}.get(reference or "")
                same = reference == "smallest" and size == sizes[0]
                cells.append(figure.text("" if same else ratio(figure, base, f"at {sizes[0]:,}" if reference == "smallest" else reference), rss))
        print(f"| {label} | " + " | ".join(cells) + " |")

    print("\nHow the time grows with the store: the factor from one size to the next (and the exponent k in "
          "time ∝ sessions^k; k = 1 is linear).\n")
    steps = list(itertools.pairwise(sizes))
    print("| measurement | " + " | ".join(f"{a:,} → {b:,} (×{b / a:g})" for a, b in steps) + " |")
    print("|---|" + "---|" * len(steps))
    for key, label, reference, _ in ROWS:
        if reference is None:
            continue
        cells = []
        for a, b in steps:
            fa, fb = figures.get((key, a)), figures.get((key, b))
            if fa is None or fb is None or not fa.seconds or fb.seconds is None:
                cells.append("")
                continue
            growth = fb.seconds / fa.seconds
            cells.append(f"×{growth:.1f} (k = {log(growth) / log(b / a):.2f})")
        print(f"| {label.split(' (')[0]} | " + " | ".join(cells) + " |")

    print("\nThe targets against these figures:\n")
    for line in targets(figures, sizes, loaded):
        print(f"- {line}")


def targets(figures, sizes, loaded) -> list[str]:
    def get(key: str, size: int) -> Figure | None:
        return figures.get((key, size))

    def check(label: str, value: float | None, limit: float, unit: str, shown: str) -> str:
        if value is None:
            return f"{label}: not measured at this size"
        verdict = "met" if value <= limit else f"**not met** ({factor(value / limit)} the limit)"
        return f"{label} (at most {limit:g}{unit}): {shown} — {verdict}"

    def times(key: str, size: int, base: str, base_size: int) -> tuple[float | None, str]:
        a, b = get(key, size), get(base, base_size)
        if a is None or b is None or not b.seconds:
            return None, ""
        if a.seconds is None:
            return float("inf"), f"over {a.over:.0f} s"
        return a.seconds / b.seconds, f"{factor(a.seconds / b.seconds)} ({duration(a.seconds)} against {duration(b.seconds)})"

    lines = []
    for size, limit in ((10, 1.3), (10_000, 1.5)):
        value, shown = times("app", size, "bare", size) if size in sizes else (None, "")
        lines.append(check(f"start-up with {size:,} sessions, against the bare app", value, limit, "×", shown))
    largest = sizes[-1]
    for key, label in (("start", "starting a session"), ("phase", "ending a phase"), ("capture", "capturing an idea")):
        value, shown = times(key, largest, key, sizes[0])
        lines.append(check(f"{label} at {largest:,} sessions, against {sizes[0]:,}", value, 1.5, "×", shown))
    for key, label in (("review", "review open"), ("review filter", "review filter")):
        figure = get(key, 10_000)
        value = figure.seconds * 1000 if figure and figure.seconds is not None else None
        lines.append(check(f"{label} at 10,000 sessions", value, 200, " ms", figure.text(rss=False) if figure else ""))
    value, shown = times("actions list", 10_000, "help", 10_000) if 10_000 in sizes else (None, "")
    lines.append(check("`actions list` (every action) at 10,000 sessions, against `--help`", value, 1.5, "×", shown))
    value, shown = times("team actions", 10_000, "help", 10_000) if 10_000 in sizes else (None, "")
    lines.append(check("`actions list --team Support --status open` at 10,000 sessions, against `--help`", value, 1.5, "×", shown))
    peak, what = max(((f.rss, key) for (key, size), f in figures.items() if size == largest), default=(None, ""))
    lines.append(check(f"peak memory at {largest:,} sessions, the most of any measurement", peak, 300, " MB",
                       f"{megabytes(peak)} ({LABELS.get(what, what)})" if peak is not None else ""))
    lines.append(f"`--help` loads only what it uses: it imports {', '.join(loaded) or 'none of pydantic, TinyDB, Textual, Rich'}"
                 + (" — **not met**" if {"pydantic", "tinydb", "textual"} & set(loaded) else " — met"))
    return lines


if __name__ == "__main__":
    main()

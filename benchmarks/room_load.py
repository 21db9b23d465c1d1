"""Phones sending ideas at once: how long a phone waits for its 201, beside the keyboard's own
durable write of the same number of ideas, side by side in one run.

    .venv/bin/python benchmarks/room_load.py [--sizes 10,20,40] [--ideas 10] [--repeats 3] [--one-by-one 100]
                                             [--app 0] [--app-backlog 0] [--timeout 60]

Why: a room of forty phones may all send when the facilitator says "go". Every idea is journaled
(and fsynced) before its 201, on the one event loop the wall runs in, so the ideas of a burst
queue behind each other's disk writes. This shows what a phone waits, how that grows with the
room, and how much of it is the engine's own write rather than HTTP.

How: this process is the app's side: a `LiveSession` on a fresh store in a temporary folder (on
the disk the system gives temporary files) and `RoomServer(LiveWall(lambda: live), host=
"127.0.0.1", port=0)` in one asyncio loop, as `_open_room` builds it, but without the Textual
wall. The phones are another process (this script with `--phones`), each phone its own aiohttp
client: all join, then every phone sends `--ideas` ideas at once (each with its own key), and
each request is timed from sending to the whole answer. Limits are raised (joins and ideas a
minute) so that only cost is measured, never a 429. Beside each burst, in the same run and on a
fresh session, the keyboard path adds the same number of ideas with `live.add_idea` one after
another (each a journal append and fsync). Sizes and paths take turns within each repeat. A
second table sends `--one-by-one` ideas from one phone, one after another: the HTTP path's own
cost per idea, without any queue.

"Engine" is the time spent inside `LiveSession.add_sent_ideas` during the burst (mostly the
journal's fsync; the ideas that arrive in one turn of the loop share one write): the rest of the wall time is HTTP, JSON and the loop. "Listen overflows" is
the kernel's count of connections the listening socket's queue had no room for (Linux only):
each such phone's connection is tried again after 1, then 3, then 7 s.

With `--app N` (Linux: each phone needs its own loopback address), the largest size is also sent
N times to the real program on a pseudo-terminal (`tests/pty_driver.py`: `n`, Ctrl+S, F6, the
code read off the join screen, Esc), its wall redrawing as ideas arrive, with the app's own
limits; with `--app-backlog B` each of those runs is repeated beside it with the listening
queue set to B instead of the app's own (`server.BACKLOG`, 1,024; patched in the child process
only), to compare queues: aiohttp's default of 128 overflowed now and then under 40 phones.

Progress goes to stderr, the tables to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TEXT = "Read one customer email aloud at the start of the stand-up ({})"
STEP_SECONDS = 15.0
JOIN_SHOWN = re.compile(r"(http://127\.0\.0\.1:\d+/)\s.*?Code ([A-Z2-9]{3}) ([A-Z2-9]{3})", re.DOTALL)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listening queue was full (Linux)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:") and "ListenOverflows" in names.split():
            return int(values.split()[names.split().index("ListenOverflows")])
    return None


# --- the phones: a process of their own -----------------------------------------------------


async def phones_burst(url: str, code: str, phones: int, ideas: int, one_by_one: bool, own_addresses: bool) -> dict[str, Any]:
    """Join `phones` phones, then send `ideas` each: all at once, or (one_by_one) one after another.
    With `own_addresses`, phone n comes from 127.0.0.(n+2), as phones on a Wi-Fi do (the app's
    room takes 30 joins a minute from one address)."""
    import aiohttp

    url = url.rstrip("/")
    timeout = aiohttp.ClientTimeout(total=120)
    clients = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max(ideas, 1), local_addr=(f"127.0.0.{n + 2}", 0) if own_addresses else None), timeout=timeout
        )
        for n in range(phones)
    ]
    try:
        tokens = []
        for n, http in enumerate(clients):
            async with http.post(f"{url}/api/join", json={"code": code, "client": f"bench-phone-{n:03d}"}) as answer:
                body = await answer.json()
                if answer.status != 200:
                    raise SystemExit(f"join refused: {answer.status} {body}")
                tokens.append(body["token"])
        latencies: list[float] = []
        statuses: Counter[int] = Counter()

        async def send(n: int, k: int) -> None:
            body = {"text": TEXT.format(f"{n}.{k}"), "name": f"Phone {n}", "key": f"bench-{n:03d}-{k:04d}"}
            start = time.perf_counter()
            async with clients[n].post(f"{url}/api/ideas", json=body, headers={"Authorization": f"Bearer {tokens[n]}"}) as answer:
                await answer.read()
            latencies.append(time.perf_counter() - start)
            statuses[answer.status] += 1

        start = time.perf_counter()
        if one_by_one:
            for n in range(phones):
                for k in range(ideas):
                    await send(n, k)
        else:
            await asyncio.gather(*(send(n, k) for n in range(phones) for k in range(ideas)))
        wall = time.perf_counter() - start
    finally:
        for http in clients:
            await http.close()
    return {"latencies": latencies, "wall": wall, "statuses": {str(s): c for s, c in statuses.items()}}


async def run_phones(url: str, code: str, phones: int, ideas: int, timeout: float, *, one_by_one: bool = False, own_addresses: bool = False) -> dict[str, Any]:
    """The phones' process against a room that is open; what each phone waited."""
    argv = [sys.executable, __file__, "--phones", url, code, str(phones), str(ideas)]
    argv += ["--one-by-one-phones"] * one_by_one + ["--own-addresses"] * own_addresses
    child = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(child.communicate(), timeout)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    if child.returncode != 0:
        raise SystemExit(f"the phones' process failed ({child.returncode})")
    result: dict[str, Any] = json.loads(out)
    if result["statuses"] != {"201": phones * ideas}:
        raise SystemExit(f"not every idea was taken: {result['statuses']}")
    return result


# --- the app's side, in this process --------------------------------------------------------


class Engine:
    """Fresh sessions on fresh stores, as the app starts them."""

    def __init__(self, folder: Path) -> None:
        from facilitator.catalog import load_decks, load_plans

        self.folder = folder
        self.decks, self.plans = load_decks(), load_plans()
        self.count = 0

    def start(self):  # -> LiveSession
        from facilitator.engine.live import LiveSession
        from facilitator.models import Session
        from facilitator.store import Store

        self.count += 1
        plan = self.plans.get("quick-reflection")
        session = Session(title=f"Room load {self.count}", team="Support", participants=["Ana", "Ben", "Chris"], plan=plan.id,
                          decks=list(plan.decks), routines=["daily stand-up", "weekly team meeting"])
        store = Store(self.folder / f"run-{self.count}" / "store.json")
        return LiveSession.start(session, plan, [self.decks.get(d) for d in plan.decks], store)


async def http_path(engine: Engine, phones: int, ideas: int, timeout: float, *, one_by_one: bool = False) -> dict[str, Any]:
    """The phones' burst against a fresh session; what each phone waited, and the engine's share."""
    from facilitator.join.room import Limits
    from facilitator.join.room import Room as JoinRoom
    from facilitator.join.server import RoomServer
    from facilitator.join.wall import LiveWall

    live = engine.start()
    inside = [0.0]
    add_sent_ideas: Callable[..., Any] = live.add_sent_ideas

    def timed_add(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return add_sent_ideas(*args, **kwargs)
        finally:
            inside[0] += time.perf_counter() - start

    live.add_sent_ideas = timed_add
    limits = Limits(ideas_per_minute=100_000, joins_per_minute=100_000, new_devices_per_minute=100_000, devices=max(phones, 60))
    server = RoomServer(LiveWall(lambda: live), host="127.0.0.1", port=0, room=JoinRoom(limits))
    await server.start()
    before = listen_overflows()
    try:
        result = await run_phones(server.url, server.room.code, phones, ideas, timeout, one_by_one=one_by_one)
    finally:
        await server.stop()
    after = listen_overflows()
    if len(live.session.ideas) != phones * ideas:
        raise SystemExit(f"{len(live.session.ideas)} ideas on the wall, not {phones * ideas}")
    result["engine"] = inside[0]
    result["overflows"] = None if before is None or after is None else after - before
    return result


def keyboard_path(engine: Engine, count: int) -> dict[str, Any]:
    """The same number of ideas typed: `add_idea` one after another on a fresh session."""
    live = engine.start()
    latencies = []
    start = time.perf_counter()
    for k in range(count):
        begin = time.perf_counter()
        live.add_idea(TEXT.format(k))
        latencies.append(time.perf_counter() - begin)
    return {"latencies": latencies, "wall": time.perf_counter() - start}


# --- the real program on a pseudo-terminal --------------------------------------------------


def own_addresses_work(count: int) -> bool:
    for address in ("127.0.0.2", f"127.0.0.{count + 1}"):
        with socket.socket() as probe:
            try:
                probe.bind((address, 0))
            except OSError:
                return False
    return True


async def app_path(folder: Path, phones: int, ideas: int, timeout: float, backlog: int | None) -> dict[str, Any]:
    """The burst against the real app, its room opened with F6 on 127.0.0.1, the wall redrawing."""
    from tests.pty_driver import PtyProcess, app_env

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    patch = f"import facilitator.join.server\nfacilitator.join.server.BACKLOG = {backlog}\n" if backlog else ""
    program = f"import sys\n{patch}from facilitator.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    argv = [sys.executable, "-c", program, "--store", str(folder / "store.json"), "--join-host", "127.0.0.1", "--join-port", str(port)]
    env = app_env(100, 40, XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"), FACILITATOR_STATE=str(folder / "state"))
    env = {k: v for k, v in env.items() if not k.startswith("FACILITATOR_STORE")}
    with PtyProcess(argv, columns=100, lines=40, env=env, cwd=folder) as app:
        app.wait_for("New session (n)", STEP_SECONDS, "the home screen")
        app.send("n")
        app.wait_for("Enter starts the session", STEP_SECONDS, "the set-up screen")
        app.send("\x13")  # Ctrl+S
        app.wait_for("Type an idea and press Enter", STEP_SECONDS, "the warm-up round")
        app.send("\x1b[17~")  # F6
        app.wait_for(lambda s: JOIN_SHOWN.search(s.text()) is not None, STEP_SECONDS, "the join screen")
        shown = JOIN_SHOWN.search(app.screen.text())
        assert shown is not None
        app.send("\x1b")  # Esc: the round on the wall again
        app.wait_for(lambda s: "Send your ideas from your phone" not in s, STEP_SECONDS, "the round again")
        reader = threading.Thread(target=app.drain, args=(timeout + STEP_SECONDS,), daemon=True)
        reader.start()  # read the terminal all along, so the app's writes never block
        before = listen_overflows()
        try:
            result = await run_phones(shown.group(1), shown.group(2) + shown.group(3), phones, ideas, timeout, own_addresses=True)
        finally:
            after = listen_overflows()
            app.kill()
            reader.join(STEP_SECONDS)
    result["overflows"] = None if before is None or after is None else after - before
    return result


# --- the tables -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def times(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b > 0 else "–"


def overflowed(runs: list[dict[str, Any]]) -> str:
    counts = [r["overflows"] for r in runs]
    return "–" if any(c is None for c in counts) else "/".join(str(c) for c in counts)


def burst_cells(runs: list[dict[str, Any]]) -> tuple[list[float], float]:
    return [x for r in runs for x in r["latencies"]], statistics.median(r["wall"] for r in runs)


async def run(args: argparse.Namespace) -> None:
    burst: dict[int, list[tuple[dict[str, Any], dict[str, Any]]]] = {size: [] for size in args.sizes}
    single: list[tuple[dict[str, Any], dict[str, Any]]] = []
    apps: dict[str, list[dict[str, Any]]] = {"as is": [], f"backlog {args.app_backlog}": []}
    largest = max(args.sizes)
    if args.app and not own_addresses_work(largest):
        say("--app needs 127.0.0.0/8 on loopback (Linux): skipped")
        args.app = 0
    with tempfile.TemporaryDirectory(prefix="room-load-") as folder:
        engine = Engine(Path(folder))
        await http_path(engine, 2, 2, args.timeout)  # a warm-up, not counted: imports, the first store and connections
        for repeat in range(max(args.repeats, args.app)):
            if repeat < args.repeats:
                order = args.sizes[repeat % len(args.sizes):] + args.sizes[: repeat % len(args.sizes)]
                for size in order:
                    count = size * args.ideas
                    if repeat % 2:
                        keys = keyboard_path(engine, count)
                        phones = await http_path(engine, size, args.ideas, args.timeout)
                    else:
                        phones = await http_path(engine, size, args.ideas, args.timeout)
                        keys = keyboard_path(engine, count)
                    burst[size].append((phones, keys))
                    say(f"repeat {repeat + 1}: {size} phones × {args.ideas} ideas: burst {ms(phones['wall'])}, "
                        f"p95 {ms(percentile(phones['latencies'], 0.95))}; keyboard {ms(keys['wall'])}")
                if args.one_by_one:
                    phones = await http_path(engine, 1, args.one_by_one, args.timeout, one_by_one=True)
                    keys = keyboard_path(engine, args.one_by_one)
                    single.append((phones, keys))
                    say(f"repeat {repeat + 1}: one phone, {args.one_by_one} ideas one by one: {ms(phones['wall'])}; keyboard {ms(keys['wall'])}")
            if repeat < args.app:
                variants = [("as is", None)] + ([(f"backlog {args.app_backlog}", args.app_backlog)] if args.app_backlog else [])
                for label, backlog in variants[:: -1 if repeat % 2 else 1]:
                    result = await app_path(Path(folder) / "app", largest, args.ideas, args.timeout, backlog)
                    apps[label].append(result)
                    say(f"repeat {repeat + 1}: the real app ({label}), {largest} phones × {args.ideas} ideas: burst {ms(result['wall'])}, "
                        f"p95 {ms(percentile(result['latencies'], 0.95))}, listen overflows {result['overflows']}")

    print(f"## {args.ideas} ideas from every phone at once (loopback, {args.repeats} runs; latencies pooled, walls the median)\n")
    print("| phones | ideas | phone waits for 201: median | p95 | max | burst wall | per idea | engine share | listen overflows | "
          "keyboard add_idea: median | p95 | keyboard wall | burst wall ÷ keyboard wall |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for size in args.sizes:
        runs = burst[size]
        waits, wall = burst_cells([phones for phones, _ in runs])
        typed = [x for _, keys in runs for x in keys["latencies"]]
        key_wall = statistics.median(keys["wall"] for _, keys in runs)
        share = statistics.median(phones["engine"] / phones["wall"] for phones, _ in runs)
        count = size * args.ideas
        rows[size] = (statistics.median(waits), percentile(waits, 0.95), wall)
        print(f"| {size} | {count} | {ms(rows[size][0])} | {ms(rows[size][1])} | {ms(max(waits))} | {ms(wall)} | {ms(wall / count)} | "
              f"{share:.0%} | {overflowed([phones for phones, _ in runs])} | "
              f"{ms(statistics.median(typed))} | {ms(percentile(typed, 0.95))} | {ms(key_wall)} | {times(wall, key_wall)} |")
    smallest = args.sizes[0]
    if len(args.sizes) > 1:
        print()
        for size in args.sizes[1:]:
            print(f"- {size} phones against {smallest}: ×{size / smallest:g} ideas, burst wall {times(rows[size][2], rows[smallest][2])}, "
                  f"median wait {times(rows[size][0], rows[smallest][0])}, p95 wait {times(rows[size][1], rows[smallest][1])}")
    if single:
        waits = [x for phones, _ in single for x in phones["latencies"]]
        typed = [x for _, keys in single for x in keys["latencies"]]
        print(f"\n## One phone, {args.one_by_one} ideas one after another (no queue; {len(single)} runs)\n")
        print("| path | median | p95 | per idea (wall ÷ ideas) |")
        print("|---|---:|---:|---:|")
        http_each = statistics.median(phones["wall"] for phones, _ in single) / args.one_by_one
        key_each = statistics.median(keys["wall"] for _, keys in single) / args.one_by_one
        print(f"| POST /api/ideas → 201 | {ms(statistics.median(waits))} | {ms(percentile(waits, 0.95))} | {ms(http_each)} |")
        print(f"| keyboard `add_idea` | {ms(statistics.median(typed))} | {ms(percentile(typed, 0.95))} | {ms(key_each)} |")
        print(f"| ratio HTTP ÷ keyboard | {times(statistics.median(waits), statistics.median(typed))} | "
              f"{times(percentile(waits, 0.95), percentile(typed, 0.95))} | {times(http_each, key_each)} |")
    if args.app:
        print(f"\n## The real app on a pseudo-terminal, {largest} phones × {args.ideas} ideas at once ({args.app} runs each)\n")
        print("| server | phone waits: median | p95 | max | burst wall | slowest burst | listen overflows (each run) | burst wall ÷ in-process |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, app_runs in apps.items():
            if app_runs:
                waits, wall = burst_cells(app_runs)
                print(f"| the app, {label} | {ms(statistics.median(waits))} | {ms(percentile(waits, 0.95))} | {ms(max(waits))} | {ms(wall)} | "
                      f"{ms(max(r['wall'] for r in app_runs))} | {overflowed(app_runs)} | {times(wall, rows[largest][2]) if largest in rows else '–'} |")
        if largest in rows:
            here = [phones for phones, _ in burst[largest]]
            print(f"| in this process, no wall (above) | {ms(rows[largest][0])} | {ms(rows[largest][1])} | {ms(max(burst_cells(here)[0]))} | "
                  f"{ms(rows[largest][2])} | {ms(max(r['wall'] for r in here))} | {overflowed(here)} | 1.0× |")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--phones":  # the phones' process (see `run_phones`)
        url, code, phones, ideas = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        result = asyncio.run(phones_burst(url, code, phones, ideas, "--one-by-one-phones" in sys.argv, "--own-addresses" in sys.argv))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=lambda raw: [int(s) for s in raw.split(",")], default=[10, 20, 40], help="phones in the room, e.g. 10,20,40")
    parser.add_argument("--ideas", type=int, default=10, help="ideas every phone sends at once")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one-by-one", type=int, default=100, help="ideas one phone sends one after another (0: skip)")
    parser.add_argument("--app", type=int, default=0, help="runs of the largest burst against the real app on a pty (Linux)")
    parser.add_argument("--app-backlog", type=int, default=0, help="also run the real app with this listening queue instead of its own (0: don't)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a burst may take before the run stops")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

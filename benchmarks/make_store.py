"""Write a realistic store to benchmark against, in the format `facilitator.store.Store` reads.

    .venv/bin/python benchmarks/make_store.py --sessions 10000 --out ../store.json [--ideas 12 --actions 3 --seed 1]

Sessions of twenty teams run over five years up to today, with the shipped plans and decks:
rounds, ideas (some building on others), clusters, votes, and actions whose status depends on
their age (old ones mostly done or dropped, recent ones open). One in 50 is archived; the newest
is live, with a journal of five ideas beside the store. The file is TinyDB's layout, indented as
the store's own writes indent it. `--check` then opens it with `Store` and reads every session.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import write_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, required=True, help="how many sessions")
    parser.add_argument("--out", type=Path, required=True, help="the store file to write")
    parser.add_argument("--ideas", type=int, default=12, help="ideas per session (default 12)")
    parser.add_argument("--actions", type=int, default=3, help="actions per closed session (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same sessions (dates follow today)")
    parser.add_argument("--years", type=float, default=5.0, help="the sessions are spread over this many years up to today")
    parser.add_argument("--compact", action="store_true", help="no indentation (smaller; the store's first save indents it)")
    parser.add_argument("--check", action="store_true", help="then read it back with facilitator.store.Store")
    parser.add_argument("--force", action="store_true", help="replace an existing file and its journals")
    parser.add_argument("--json", action="store_true", help="print what was written as JSON (for run_all.py)")
    args = parser.parse_args()
    journals = args.out.with_name(args.out.name + ".journal")
    if args.out.exists() or journals.exists():
        if not args.force:
            parser.error(f"{args.out} (or its journals) exists; --force replaces it")
        shutil.rmtree(journals, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    info = write_store(args.out, args.sessions, ideas=args.ideas, actions=args.actions, seed=args.seed,
                       years=args.years, indent=None if args.compact else 1)
    say = sys.stderr if args.json else sys.stdout
    print(f"wrote {info.sessions:,} sessions to {info.path} ({info.bytes / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s", file=say)
    if args.check:
        from facilitator.store import Store

        start = time.perf_counter()
        store = Store(args.out)
        sessions = store.sessions()
        statuses = {s.status.value: 0 for s in sessions}
        for session in sessions:
            statuses[session.status.value] += 1
        problems = len(store.problems) + len(store.damaged)
        print(f"read back {len(sessions):,} sessions {statuses} in {time.perf_counter() - start:.1f} s; problems: {problems}", file=say)
        if len(sessions) != info.sessions or problems:
            sys.exit("the store does not read back as written")
    if args.json:
        print(json.dumps({"sessions": info.sessions, "bytes": info.bytes, "open_actions": info.open_actions}))


if __name__ == "__main__":
    main()

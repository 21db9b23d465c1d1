"""What the text gate costs where it costs most: validating stored sessions as they load.

Every model string passes `facilitator.text` on the way in. This measures validating the same
session documents with this checkout and with an earlier commit (default: the last one before the
gate existed), side by side in one run, alternating, each in its own fresh Python, so that the
ratio comes from one machine at one time. Also the gate alone on clean and on hostile text.

    .venv/bin/python benchmarks/text_gate.py [--before COMMIT] [--sessions N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BEFORE_GATE = "b286a7f"

MEASURE = """
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from facilitator.models import Session
with open(sys.argv[2], encoding="utf-8") as handle:
    docs = json.load(handle)
best = float("inf")
for _ in range(7):
    gc.collect()
    start = time.perf_counter()
    for doc in docs:
        Session.model_validate(doc)
    best = min(best, time.perf_counter() - start)
print(best)
"""


def documents(count: int) -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import json

    from _common import sample_session

    return json.dumps([sample_session(n).model_dump(mode="json") for n in range(count)])


def validate_seconds(checkout: Path, docs: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(checkout), str(docs)],
        capture_output=True, text=True, check=True,
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE_GATE, help="the commit to compare with")
    parser.add_argument("--sessions", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder) / "sessions.json"
        docs.write_text(documents(args.sessions), encoding="utf-8")
        before = Path(folder) / "before"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(before), args.before], check=True)
        try:
            pairs = [(validate_seconds(before, docs), validate_seconds(REPO, docs)) for _ in range(3)]
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(before)], check=True)
    old = min(p[0] for p in pairs)
    new = min(p[1] for p in pairs)
    print(f"validate {args.sessions} stored sessions (12 ideas, 3 actions each), best of 3x7:")
    print(f"  {args.before} (no gate): {old * 1000:.0f} ms   this checkout: {new * 1000:.0f} ms   ratio {new / old:.2f}x")
    print(f"  per session: +{(new - old) / args.sessions * 1e6:.1f} µs")

    sys.path.insert(0, str(REPO))
    from facilitator.text import clean

    plain = "Invite a customer to the Monday stand-up and listen for ten minutes"
    hostile = "Invite a customer\x1b]0;PWNED\x07 to the \x1b[31mstand-up\x1b[0m\tand listen\u202e"
    for name, text in (("clean text", plain), ("hostile text", hostile)):
        seconds = min(timeit.repeat(lambda text=text: clean(text), number=100_000, repeat=5)) / 100_000
        print(f"  clean() on {name} ({len(text)} chars): {seconds * 1e6:.2f} µs")


if __name__ == "__main__":
    main()

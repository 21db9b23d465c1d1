"""Loading customer evidence: a quotes file or a survey export of 10,000 and 100,000 lines must
load well under half a second at 10,000 (the set-up screen waits for it).

    .venv/bin/python benchmarks/evidence_load.py [--repeat 7]

Each file is realistic: sentences of 40 to 200 characters, a few repeats, blank lines and
comments in the text file, and a semicolon-separated table with quoted fields (some over two
lines), a date, a channel and a customer, as Excel in a Dutch locale saves it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import timed

from facilitator.evidence import read_evidence

WORDS = ("the app crashed when I paid, nobody called me back, the delivery took three weeks and the staff in "
         "the shop were lovely but I had to explain my problem four times to different people").split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(8, 40))).capitalize()


def quotes_file(path: Path, lines: int, rng: random.Random) -> None:
    out = ["# interviews, March"]
    for n in range(lines - 1):
        out.append("" if n % 50 == 0 else f"- {sentence(rng)}" if n % 3 else f'"{sentence(rng)}"')
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def survey_file(path: Path, rows: int, rng: random.Random) -> None:
    out = ["Klant;Datum;Kanaal;Opmerking;Score"]
    for n in range(rows - 1):
        text = sentence(rng)
        if n % 10 == 0:
            text = f'"{text};\r\n{sentence(rng)}"'
        out.append(f"Klant {n % 700};2025-03-{n % 28 + 1:02d};{rng.choice(['NPS', 'mail', 'telefoon'])};{text};{n % 11}")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        for lines in (10_000, 100_000):
            for kind, make in (("quotes.txt", quotes_file), ("survey.csv", survey_file)):
                path = Path(folder) / kind
                make(path, lines, rng)
                found = read_evidence(path)
                median, p95 = timed(lambda path=path: read_evidence(path), args.repeat)
                print(f"{kind:<11} {lines:>7,} lines ({path.stat().st_size / 1e6:4.1f} MB): median {median:7.1f} ms, "
                      f"p95 {p95:7.1f} ms  ({len(found.items):,} items, {len(found.skipped)} notes)")


if __name__ == "__main__":
    main()

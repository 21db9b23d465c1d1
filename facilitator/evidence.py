"""The customer's own voice: quotes, complaints and survey comments read from a file, to be shown
as stimulus cards, in the customer's words and with where each came from, before ideas start.

* A text file (`.txt`, `.md`, anything that is not a table) holds one item per line: blank lines,
  `#` comments and rules such as `---` are passed over; a leading bullet (`- `, `* `, `• `, `1. `,
  `> `) and quotes around the whole line are taken off.
* A table (`.csv`, `.tsv`, or a file whose first line is a header naming a text column, such as
  Excel's tab-separated `.txt`) gives one item per row from its text column; the row's source,
  date and customer columns, if it has them, go into the item's origin.
* Every text passes the text gate (`facilitator.text.clean`); markup-like text stays as it is,
  because it is data, and so does a cell that looks like a formula. An item longer than
  `MAX_CHARS` is shortened, a repeat is left out, and each line passed over for a reason gets
  one plain line in `skipped`.
* A file that cannot be used at all (missing, not a plain file, too big, not UTF-8 text, nothing
  usable in it) is an `EvidenceProblem` of one line. Nothing else escapes `read_evidence`.

Plain Python, so the engine and set-up can build on it: no Textual, no pydantic. The safe read
follows `catalog.read_text` (which cannot be imported without pydantic), with a limit fit for a
survey export rather than a deck.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import itertools
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.files import READ_FLAGS, not_a_file, unreadable
from facilitator.text import clean

if TYPE_CHECKING:
    from facilitator.models import Session

__all__ = ["Evidence", "EvidenceFile", "EvidenceProblem", "read_evidence", "sample"]

MAX_BYTES = 20_000_000
"""A survey export of 100,000 long comments is about this size; anything bigger is not evidence."""
MAX_CHARS = 500
"""What one card on the wall can show; a longer text is shortened with "…"."""
MAX_ITEMS = 100_000
"""Far more than a session draws from; the rest of a bigger file is left out, which also bounds
the memory a file can take."""
MAX_LINES = 1_000_000
"""Lines read at most, blank, comment and repeat ones included: the time a file can take is bounded
even when it holds nothing but those."""
MAX_SKIPPED = 20
"""Lines named one by one in `skipped`; the rest are counted in one line."""
MAX_ROW_CHARS = 100_000
"""A table row longer than this is a quote mark left open (or mischief): reading stops there,
instead of holding the rest of the file as one row."""
SNIFF_CHARS = 4096
"""How much of a file `csv.Sniffer` reads to guess the separator."""

TEXT_WORDS = (
    ("quote", "quotes"), ("comment", "comments"), ("feedback",), ("verbatim", "verbatims"),
    ("complaint", "complaints"), ("text",), ("response", "responses"), ("answer", "answers"),
    ("opmerking", "opmerkingen"), ("citaat", "citaten"), ("klacht", "klachten"),
    ("toelichting",), ("reactie", "reacties"), ("antwoord", "antwoorden"), ("review", "reviews"),
)
"""Words that name a table's text column, in order of preference (English and Dutch)."""
ORIGIN_WORDS = {
    "source": ("source", "channel", "bron", "kanaal"),
    "date": ("date", "datum"),
    "customer": ("customer", "name", "account", "company", "klant", "naam", "bedrijf"),
}
"""Words that name a column saying where a text came from, in the order the origin shows them."""
OTHER_WORDS = ("id", "nr", "number", "nummer", "code", "score", "rating", "cijfer", "type", "soort",
               "category", "categorie", "time", "tijd", "count", "aantal", "email")
"""Words that make a column something else, even after a word above: `Response ID`, `Feedback type`."""

_ROLE = {word: f"text{rank:02d}" for rank, words in enumerate(TEXT_WORDS) for word in words}
_ROLE |= {word: role for role, words in ORIGIN_WORDS.items() for word in words}
_ROLE |= dict.fromkeys(OTHER_WORDS, "other")
_WORD = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TABLE_SUFFIXES = {".csv": "", ".tsv": "\t", ".tab": "\t"}
_TEXT_SUFFIXES = (".md", ".markdown")
_SEPARATORS = ",;\t|"
_EXCEL_SEP = re.compile(r"sep=(.)[ \t]*\r?\n", re.IGNORECASE)
_BULLET = re.compile(r"(?:[-*+•‣◦▪–—>]|\d{1,3}[.)])\s+")
_RULE = re.compile(r"[-*_=~.·•\s]+")
_INVISIBLE = " \u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
"""Spaces and characters that show nothing, taken off both ends of a text."""
_QUOTES = {'"': '"', "'": "'", "“": "”“", "„": "“”", "”": "”", "‘": "’‘", "‚": "‘’", "«": "»", "»": "«", "「": "」"}
"""Each opening quote mark and the marks that may close it."""
_NOT_TEXT = (
    (b"PK\x03\x04", 'a zip file, such as an Excel workbook, not text; save it as "CSV UTF-8"'),
    (b"\xd0\xcf\x11\xe0", 'an Office document (.xls, .doc), not text; save it as "CSV UTF-8"'),
    (b"%PDF", "a PDF, not text; copy the quotes into a text file"),
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing a customer said, as a stimulus card shows it."""

    text: str
    origin: str
    """Where it came from, for the wall and the summary: `survey.csv line 12 · NPS · 2025-03-02 · Acme`."""


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """What a file gave: its items in file order, and a plain line for each thing left out."""

    name: str
    items: tuple[Evidence, ...]
    skipped: list[str]
    column: str | None = None
    """The table column the texts were read from (its header, or `column 3`); None for a text file."""


class EvidenceProblem(ValueError):
    """A file that cannot be used at all; `str()` is one plain line: `path:line: reason`."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        super().__init__(clean(f"{path}{f':{line}' if line else ''}: {reason}"))
        self.path, self.reason, self.line = path, reason, line

    def __reduce__(self) -> tuple[type[EvidenceProblem], tuple[Path, str, int | None]]:
        return type(self), (self.path, self.reason, self.line)  # so that it survives a process pool


def read_evidence(path: Path) -> EvidenceFile:
    """The items in a text or table file.

    Raises:
        EvidenceProblem: the file cannot be used at all, in one plain line.
    """
    text = _decode(path, _read_bytes(path))
    suffix = path.suffix.lower()
    table = None if suffix.endswith(_TEXT_SUFFIXES) else _Table.find(text, _TABLE_SUFFIXES.get(suffix))
    found = _Found(path, clean(path.name))
    if table is None:
        _read_lines(text, found)
    else:
        table.read(found)
    return found.result(table.column if table else None)


def sample(items: Sequence[Evidence], n: int, seed: int | str) -> tuple[Evidence, ...]:
    """`n` of `items` (all, if there are fewer) for a session, in the order to show them.

    The choice depends on the seed and each item's text alone, the same on any machine and in
    any Python version: a resumed session draws the same, and a line added to the file changes
    the choice by one item at most.
    """

    def rank(index: int) -> tuple[bytes, int]:
        key = f"{seed}\0{items[index].text}".encode("utf-8", "surrogatepass")
        return hashlib.blake2b(key, digest_size=8).digest(), index

    return tuple(items[i] for i in heapq.nsmallest(max(n, 0), range(len(items)), key=rank))


# --- reading the file safely -------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    """The bytes of a plain file of sensible size: checked before it is opened, so it never waits."""
    try:
        info = os.stat(path)
        problem = _refusal(path, info.st_mode, info.st_size)
        if problem is None:
            with os.fdopen(os.open(path, READ_FLAGS), "rb") as file:
                problem = _refusal(path, os.fstat(file.fileno()).st_mode, 0)  # it may have been swapped
                data = b"" if problem else file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise EvidenceProblem(path, unreadable(path, exc, missing="no such file")) from None
    problem = problem or _refusal(path, stat.S_IFREG, len(data))  # it may have grown since
    if problem is not None:
        raise problem
    return data


def _refusal(path: Path, mode: int, size: int) -> EvidenceProblem | None:
    """Why a file of this kind and size is not read at all, if it is not."""
    if stat.S_ISREG(mode):
        if size <= MAX_BYTES:
            return None
        return EvidenceProblem(path, f"too big for a file of quotes ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB)")
    return EvidenceProblem(path, not_a_file(mode))


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 text, with or without a byte order mark; anything else is named with its line."""
    for magic, reason in _NOT_TEXT:
        if data.startswith(magic):
            raise EvidenceProblem(path, reason)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise EvidenceProblem(path, "saved as UTF-16 text; save it as UTF-8", 1)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EvidenceProblem(path, f'not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8 (in Excel: "CSV UTF-8")', line) from None
    nul = text.find("\0")
    if nul >= 0:
        raise EvidenceProblem(path, "a NUL (zero) byte, which a text file never holds", text.count("\n", 0, nul) + 1)
    if not text.strip():
        raise EvidenceProblem(path, "the file is empty")
    return text


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: in ordinary text, every other byte is zero."""
    head = data[:1000]
    return len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4


# --- items -------------------------------------------------------------------------------------


def _plain(raw: str) -> str:
    """`raw` through the text gate, on one line, with single spaces and nothing invisible at the ends."""
    return " ".join(clean(raw).split()).strip(_INVISIBLE)


def _unwrap(text: str, *, bullet: bool = False) -> str:
    """Plain `text` without quotes around it all, or (if `bullet`) a list's bullet or number."""
    if bullet and (found := _BULLET.match(text)):
        text = text[found.end() :]
    if len(text) >= 2 and text[-1] in _QUOTES.get(text[0], "") and not {text[0], text[-1]} & set(text[1:-1]):
        text = text[1:-1].strip(_INVISIBLE)
    return text


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with "…", at a space if there is one near the end."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip(_INVISIBLE) + "…"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


class _Found:
    """The items of one file as it is read, and what was left out and why."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.items: list[Evidence] = []
        self.skipped: list[str] = []
        self.skips = 0
        self.first_skip: tuple[int, str] | None = None
        self.seen: dict[str, int] = {}
        self.repeats: list[str] = []
        self.repeat_count = 0
        self.shortened: list[int] = []
        self.stopped: str | None = None

    def full(self, line: int) -> bool:
        """Whether enough is read, so that reading stops before `line`."""
        if line > MAX_LINES:
            self.stop(line, f"only the first {MAX_LINES:,} lines are read; the rest of the file is left out")
        elif len(self.items) >= MAX_ITEMS:
            self.stop(line, f"only the first {MAX_ITEMS:,} texts are read; the rest of the file is left out")
        return self.stopped is not None

    def skip(self, line: int, reason: str) -> None:
        self.skips += 1
        self.first_skip = self.first_skip or (line, reason)
        if len(self.skipped) < MAX_SKIPPED:
            self.skipped.append(f"{self.name} line {line}: {reason}")

    def stop(self, line: int, reason: str) -> None:
        """Reading ended at `line`; what came before it still counts."""
        self.first_skip = self.first_skip or (line, reason)
        self.stopped = f"line {line}: {reason}"

    def add(self, line: int, text: str, details: Iterable[str] = ()) -> None:
        """Keep `text` (plain, and not empty) unless an earlier line said the same, or would
        look the same on the wall once shortened."""
        shown = _shorten(text, MAX_CHARS)
        first = self.seen.setdefault(unicodedata.normalize("NFC", shown).casefold(), line)
        if first != line:
            self.repeat_count += 1
            if len(self.repeats) < 3:
                self.repeats.append(f"line {line} repeats line {first}")
            return
        if shown != text:
            text = shown
            self.shortened.append(line)
        self.items.append(Evidence(text, " · ".join((f"{self.name} line {line}", *details))))

    def result(self, column: str | None) -> EvidenceFile:
        if not self.items:
            if self.first_skip is None:
                nothing = "every line is empty or a comment" if column is None else "the table has no rows"
                raise EvidenceProblem(self.path, f"nothing to use: {nothing}")
            line, reason = self.first_skip
            others = f" (and {_count(self.skips - 1, 'other line')} skipped)" if self.skips > 1 else ""
            raise EvidenceProblem(self.path, f"nothing to use: {reason}{others}", line)
        notes = list(self.skipped)
        if self.skips > len(self.skipped):
            notes.append(f"… and {self.skips - len(self.skipped)} more lines skipped")
        if self.shortened:
            lines = ", ".join(map(str, self.shortened[:3])) + (", …" if len(self.shortened) > 3 else "")
            notes.append(f"{self.name}: {_count(len(self.shortened), 'text')} longer than {MAX_CHARS} characters shortened with … (line {lines})")
        if self.repeat_count:
            more = ", …" if self.repeat_count > len(self.repeats) else ""
            notes.append(f"{self.name}: {_count(self.repeat_count, 'repeat')} left out ({', '.join(self.repeats)}{more})")
        if self.stopped:
            notes.append(f"{self.name} {self.stopped}")
        return EvidenceFile(name=self.name, items=tuple(self.items), skipped=notes, column=column)


# --- text files --------------------------------------------------------------------------------


def _read_lines(text: str, found: _Found) -> None:
    """One item per line."""
    for number, raw in enumerate(io.StringIO(text, newline=None), 1):
        if found.full(number):
            return
        if raw.isspace():
            continue
        line = _plain(raw.removesuffix("\n"))  # without it, most lines take the gate's fast path
        if line.startswith("#") or _RULE.fullmatch(line):
            continue
        line = _unwrap(line, bullet=True)
        if line:
            found.add(number, line)
        else:
            found.skip(number, "no visible text")


# --- tables ------------------------------------------------------------------------------------


def _role(header: str) -> str | None:
    """What a column holds, by the last word of its header that says (`Customer comment` is a
    text, `Comment date` a date, `Response ID` something else), or None. A header of more than
    a few words is a question or a sentence, which says nothing this way."""
    words = _WORD.findall(_CAMEL.sub(" ", header).casefold())
    return next((_ROLE[w] for w in reversed(words) if w in _ROLE), None) if len(words) <= 5 else None


class _Lines(Iterator[str]):
    """A table's lines for the csv reader, which stop where one row passes `MAX_ROW_CHARS`."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.used = 0
        self.overflow = False

    def __next__(self) -> str:
        line = next(self._lines)
        self.used += len(line)
        if self.used > MAX_ROW_CHARS:
            self.overflow = True
            raise StopIteration
        return line


@dataclass
class _Table:
    """A table's layout: how its rows split into cells, and which columns say what."""

    text: str
    delimiter: str
    padded: bool = False
    """Whether a space after the separator is padding (`a, "b, c"`)."""
    offset: int = 0
    """Lines before `text` in the file (Excel's `sep=;` line)."""
    column: str | None = None
    line: int = 0
    """The last line read."""

    @classmethod
    def find(cls, text: str, delimiter: str | None) -> _Table | None:
        """The table in `text`: always for a table's file suffix (`delimiter` not None, empty if
        the suffix does not tell it), else if its first line is a header naming a text column."""
        offset = 0
        if excel := _EXCEL_SEP.match(text):  # Excel's own hint on the first line: `sep=;`
            delimiter, text, offset = excel.group(1), text[excel.end() :], 1
        table = cls(text, delimiter or "")
        if not delimiter:
            table.delimiter, table.padded = _sniff(text)
        table.offset = offset
        if delimiter is not None:
            return table
        head = [row for _, row in itertools.islice(table.rows(_Lines(text)), 2)]
        if len(head) == 2 and len(head[0]) == len(head[1]) >= 2 and all(0 < len(cell.strip()) <= 40 for cell in head[0]):
            if any((_role(cell) or "").startswith("text") for cell in head[0]):
                return table
        return None

    def rows(self, lines: _Lines) -> Iterator[tuple[int, list[str]]]:
        """Each row that is not blank, with the line it starts on."""
        reader = csv.reader(lines, delimiter=self.delimiter, quotechar='"', skipinitialspace=self.padded)
        for row in reader:
            if lines.overflow:
                return
            start, self.line = self.line + 1, reader.line_num + self.offset
            lines.used = 0
            if any(cell.strip() for cell in row):
                yield start, row

    def read(self, found: _Found) -> None:
        lines = _Lines(self.text)
        self.line = self.offset
        rows = self.rows(lines)
        try:
            head = list(itertools.islice(rows, 200))
            header = head.pop(0)[1] if head and self._has_header(head) else None
            names = [" ".join(clean(cell).split()) for cell in header or []]
            text_column, origins = _columns(names, [row for _, row in head])
            self.column = (names[text_column] if text_column < len(names) else "") or f"column {text_column + 1}"
            empty = f"no text in column {text_column + 1}" if self.column.startswith("column ") else f'no text in column "{self.column}"'
            for number, row in itertools.chain(head, rows):
                if found.full(number):
                    return
                if row == header:  # repeated where two exports were joined: no quote
                    continue
                raw = row[text_column] if text_column < len(row) else ""
                if text := _unwrap(_plain(raw)):
                    found.add(number, text, [d for c in origins if c < len(row) and (d := _shorten(_plain(row[c]), 60))])
                else:
                    found.skip(number, "no visible text" if raw.strip() else empty)
        except csv.Error as exc:
            found.stop(self.line + 1, f"not readable as a table ({clean(str(exc))}); the rest of the file is left out")
        if lines.overflow:
            found.stop(self.line + 1, f"a row longer than {MAX_ROW_CHARS:,} characters (is a quote mark left open?); the rest of the file is left out")

    def _has_header(self, head: list[tuple[int, list[str]]]) -> bool:
        """Whether the first row names the columns: by a name this module knows; else by a first
        cell in the text column far shorter than those under it; else as `csv.Sniffer` sees it."""
        first, rest = head[0][1], [row for _, row in head[1:]]
        if any(_role(cell) for cell in first):
            return True
        if not rest:
            return False
        column, _ = _columns([], rest)
        under = [len(row[column]) for row in rest if column < len(row)]
        if column < len(first) and 0 < len(first[column].strip()) <= 40 and len(first[column]) * 3 < sum(under) / len(under):
            return True
        try:
            return len(rest) >= 2 and csv.Sniffer().has_header(self.text[:SNIFF_CHARS])
        except csv.Error:
            return False


def _columns(names: list[str], rows: list[list[str]]) -> tuple[int, list[int]]:
    """The text column, and the columns for the origin in the order it shows them: by the
    header's names, else the longest column on average among those without a known name."""
    roles = [_role(name) for name in names]
    texts = sorted((role, n) for n, role in enumerate(roles) if role and role.startswith("text"))
    origins = [roles.index(role) for role in ORIGIN_WORDS if role in roles]
    if texts:
        return texts[0][1], origins
    width = max(map(len, rows), default=1)
    spare = [n for n in range(width) if n >= len(roles) or roles[n] is None] or list(range(width))
    return max(spare, key=lambda n: (sum(len(row[n]) for row in rows if n < len(row)), -n)), origins


def _sniff(text: str) -> tuple[str, bool]:
    """A table's separator, by `csv.Sniffer` on its first few KB if that is in the first line,
    else the commonest candidate there; and whether a space after it is padding."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS)
        if dialect.delimiter in first:
            return dialect.delimiter, bool(dialect.skipinitialspace)
    except csv.Error:
        pass
    best = max(_SEPARATORS, key=first.count)
    return (best if first.count(best) else ","), False


SESSION_SAMPLE = 60
"""How many of a file's customer quotes a session keeps to draw from."""


def with_evidence(session: Session, path: Path) -> None:
    """Read the customers' own words at `path` and give the session a sample of them to show as
    cards (the seed chooses which, so a replayed session shows the same). Raises
    `EvidenceProblem` with one plain line when the file cannot be used."""
    import random

    from facilitator.models import EvidenceItem

    found = read_evidence(path)
    if session.seed is None:
        session.seed = random.SystemRandom().randrange(1, 1_000_000)
    chosen = sample(found.items, SESSION_SAMPLE, session.seed)
    session.evidence = [EvidenceItem(text=e.text, origin=e.origin) for e in chosen]
    session.evidence_file = found.name

"""Reading the customer's own voice: quotes from a text file or a survey table become items in
the customer's words with where each came from; anything hostile is cleaned, and a file that
cannot be used is one plain line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import facilitator.evidence as evidence
from facilitator.evidence import MAX_CHARS, MAX_SKIPPED, Evidence, EvidenceFile, EvidenceProblem, read_evidence, sample
from facilitator.text import is_clean
from tests.fuzzing import mutated

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def read(folder: Path, name: str, content: str | bytes) -> EvidenceFile:
    return read_evidence(write(folder, name, content))


def texts(found: EvidenceFile) -> list[str]:
    return [item.text for item in found.items]


def problem(folder: Path, name: str, content: str | bytes) -> str:
    path = write(folder, name, content)
    with pytest.raises(EvidenceProblem) as caught:
        read_evidence(path)
    return str(caught.value)


# --- text files --------------------------------------------------------------------------------

QUOTES = """\
# Quotes from the March interviews

The app crashed twice while I was paying.
- Nobody called me back
* "Your staff in the shop were lovely"
• “Delivery took three weeks”
12. I had to explain my problem four times
> Why do I need an account to ask a question?
---
"""


def test_a_text_file_gives_one_item_per_line_without_bullets_quotes_or_comments(tmp_path: Path) -> None:
    found = read(tmp_path, "interviews.txt", "\ufeff" + QUOTES)

    assert found == EvidenceFile(
        name="interviews.txt",
        items=(
            Evidence("The app crashed twice while I was paying.", "interviews.txt line 3"),
            Evidence("Nobody called me back", "interviews.txt line 4"),
            Evidence("Your staff in the shop were lovely", "interviews.txt line 5"),
            Evidence("Delivery took three weeks", "interviews.txt line 6"),
            Evidence("I had to explain my problem four times", "interviews.txt line 7"),
            Evidence("Why do I need an account to ask a question?", "interviews.txt line 8"),
        ),
        skipped=[],
    )


@pytest.mark.parametrize(
    ("line", "text"),
    [
        pytest.param('"Fast" and "cheap", they said', '"Fast" and "cheap", they said', id="quotes-inside"),
        pytest.param("'It's never on time'", "'It's never on time'", id="apostrophe-inside"),
        pytest.param("„Te duur”", "Te duur", id="dutch-quotes"),
        pytest.param("«Trop cher»", "Trop cher", id="guillemets"),
        pytest.param("-5% is not a discount", "-5% is not a discount", id="minus-not-a-bullet"),
        pytest.param("2024 was a bad year", "2024 was a bad year", id="number-not-a-bullet"),
        pytest.param("   spaced    out\twords  ", "spaced out words", id="spaces"),
        pytest.param("#1 in complaints: the queue", None, id="hash-is-a-comment"),
    ],
)
def test_only_a_leading_bullet_and_quotes_around_the_whole_line_are_taken_off(tmp_path: Path, line: str, text: str | None) -> None:
    found = read(tmp_path, "q.md", f"first\n{line}\n")

    assert texts(found) == ["first"] + ([text] if text else [])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_windows_and_old_mac_line_ends_count_lines_alike(tmp_path: Path, newline: str) -> None:
    found = read(tmp_path, "q.txt", newline.join(["one", "", "three"]))

    assert [item.origin for item in found.items] == ["q.txt line 1", "q.txt line 3"]


# --- tables ------------------------------------------------------------------------------------

SURVEY = [
    ["Customer", "Date", "NPS comment", "Channel", "Score"],
    ["Acme Retail", "2025-03-02", "Waited 40 minutes on the phone", "NPS", "3"],
    ["Bolt BV", "2025-03-03", "Friendly, quick, done", "email", "9"],
]


def as_table(rows: list[list[str]], separator: str) -> str:
    return "".join(separator.join(f'"{cell}"' if separator in cell else cell for cell in row) + "\r\n" for row in rows)


@pytest.mark.parametrize(
    ("content", "first"),
    [
        pytest.param(as_table(SURVEY, ","), 2, id="comma"),
        pytest.param(as_table(SURVEY, ";"), 2, id="semicolon"),
        pytest.param(as_table(SURVEY, "\t"), 2, id="tab"),
        pytest.param("sep=;\r\n" + as_table(SURVEY, ";"), 3, id="excel-sep-line"),
        pytest.param("\ufeff" + as_table(SURVEY, ";"), 2, id="bom"),
    ],
)
def test_a_table_gives_its_text_column_with_source_date_and_customer(tmp_path: Path, content: str, first: int) -> None:
    found = read(tmp_path, "survey.csv", content)

    assert found.items == (
        Evidence("Waited 40 minutes on the phone", f"survey.csv line {first} · NPS · 2025-03-02 · Acme Retail"),
        Evidence("Friendly, quick, done", f"survey.csv line {first + 1} · email · 2025-03-03 · Bolt BV"),
    )
    assert (found.column, found.skipped) == ("NPS comment", [])


def test_a_tsv_file_is_a_table_even_without_known_names(tmp_path: Path) -> None:
    found = read(tmp_path, "export.tsv", "a\tb\nshort\tThe longest text in the table by far\nx\tAnother long piece of text\n")

    assert texts(found) == ["The longest text in the table by far", "Another long piece of text"]


def test_quoted_fields_keep_separators_and_join_their_lines(tmp_path: Path) -> None:
    content = 'Klant;Datum;Opmerking;Kanaal\r\nAcme;2025-03-02;"Te lang in de wacht;\r\ndaarna ""opgehangen""";telefoon\r\nBeta;2025-03-04;Prima;mail\r\n'

    found = read(tmp_path, "enquete.csv", content)

    assert found.items == (
        Evidence('Te lang in de wacht; daarna "opgehangen"', "enquete.csv line 2 · telefoon · 2025-03-02 · Acme"),
        Evidence("Prima", "enquete.csv line 4 · mail · 2025-03-04 · Beta"),
    )
    assert found.column == "Opmerking"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        pytest.param("Response ID,Response,Rating", "Response", id="id-is-not-text"),
        pytest.param("Comment date,Customer comment", "Customer comment", id="last-word-decides"),
        pytest.param("Feedback type,Feedback text", "Feedback text", id="type-is-not-text"),
        pytest.param("Answer,Quote", "Quote", id="quote-before-answer"),
        pytest.param("ResponseId,CustomerQuote", "CustomerQuote", id="camel-case"),
        pytest.param("klantnummer,Klachten", "Klachten", id="dutch-plural"),
        pytest.param("Name,Question 3", "Question 3", id="longest-unknown-column"),
    ],
)
def test_the_header_chooses_the_text_column(tmp_path: Path, header: str, column: str) -> None:
    names = header.split(",")
    other = "a longer cell, so that length alone would choose it"
    rows = [[f"{name} of the customer, row {row}" if name == column else f"{other} {row}" for name in names] for row in (1, 2)]

    found = read(tmp_path, "t.csv", as_table([names, *rows], ","))

    assert found.column == column
    assert texts(found) == [f"{column} of the customer, row 1", f"{column} of the customer, row 2"]


def test_a_table_without_a_header_keeps_its_first_row_and_reads_the_longest_column(tmp_path: Path) -> None:
    found = read(tmp_path, "t.csv", "1,The first customer's words about us\n2,The second customer's words\n")

    assert texts(found) == ["The first customer's words about us", "The second customer's words"]
    assert (found.column, found.items[0].origin) == ("column 2", "t.csv line 1")


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+31 6 1234", "-2 stars", "@channel why", "=1+1"])
def test_a_cell_that_looks_like_a_formula_is_kept_as_text(tmp_path: Path, cell: str) -> None:
    found = read(tmp_path, "t.csv", f'comment\n"{cell.replace(chr(34), chr(34) * 2)}"\n')

    assert texts(found) == [cell]


def test_rows_without_text_are_skipped_by_line_and_a_repeated_header_is_no_quote(tmp_path: Path) -> None:
    content = "Customer,Comment\nAcme,Too slow\nBeta,\n,,\nCustomer,Comment\nGamma,\x1b[2J\u200b\n"

    found = read(tmp_path, "t.csv", content)

    assert texts(found) == ["Too slow"]
    assert found.skipped == ['t.csv line 3: no text in column "Comment"', "t.csv line 6: no visible text"]


def test_a_tab_separated_txt_from_excel_is_read_as_a_table(tmp_path: Path) -> None:
    found = read(tmp_path, "export.txt", "Klant\tOpmerking\nAcme\tTe duur\nBeta\tTe traag\n")

    assert found.items == (Evidence("Te duur", "export.txt line 2 · Acme"), Evidence("Te traag", "export.txt line 3 · Beta"))


@pytest.mark.parametrize(
    "content",
    [
        "Comment: the app, it crashes\nAnd then, again, it crashed\n",
        "Name; the one who called\nFeedback; nobody listened\n",
        "feedback,comment\n",
    ],
)
def test_a_text_file_with_separators_in_its_sentences_is_not_taken_for_a_table(tmp_path: Path, content: str) -> None:
    found = read(tmp_path, "notes.txt", content)

    assert texts(found) == content.splitlines()
    assert found.column is None


def test_a_quote_mark_left_open_stops_reading_with_a_note_and_keeps_what_came_before(tmp_path: Path) -> None:
    content = "comment\nfine\n\"open quote\n" + "more words\n" * 20_000

    found = read(tmp_path, "t.csv", content)

    assert texts(found) == ["fine"]
    assert found.skipped == ["t.csv line 3: a row longer than 100,000 characters (is a quote mark left open?); the rest of the file is left out"]


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = [
    pytest.param("\x1b[31mred\x1b[0m alert", "red alert", id="ansi-colour"),
    pytest.param("\x1b]0;title\x07Hello", "Hello", id="osc-window-title"),
    pytest.param("\x1b]52;c;cHduZWQ=\x07copy", "copy", id="osc-clipboard"),
    pytest.param("[bold]x[/]", "[bold]x[/]", id="markup-kept-literally"),
    pytest.param("[@click=app.quit]quit[/]", "[@click=app.quit]quit[/]", id="action-markup-kept"),
    pytest.param("\u202eevil\u202c.txt", "evil.txt", id="bidi-override"),
    pytest.param("\u2067isolated\u2069", "isolated", id="bidi-isolate"),
    pytest.param("\u200bhidden start\ufeff", "hidden start", id="zero-width-at-the-ends"),
    pytest.param("مرحبا بالعالم\u200f", "مرحبا بالعالم", id="right-to-left"),
    pytest.param("team 👩\u200d💻 rocks", "team 👩\u200d💻 rocks", id="zero-width-joiner-kept"),
    pytest.param("bell\x07 and \x7fdel", "bell and del", id="controls"),
]


@pytest.mark.parametrize(("line", "text"), HOSTILE)
def test_a_hostile_line_passes_the_text_gate(tmp_path: Path, line: str, text: str) -> None:
    as_text = read(tmp_path, "q.txt", f"{line}\n")
    as_table = read(tmp_path, "q.csv", f'Customer,Comment\n"{line}\x1b]0;x\x07","{line}"\n')

    assert texts(as_text) == [text] and texts(as_table) == [text]
    assert as_table.items[0].origin == f"q.csv line 2 · {text}"


@pytest.mark.parametrize(
    ("line", "skipped"),
    [
        pytest.param("\u200b\u200b", ["q.txt line 2: no visible text"], id="zero-width"),
        pytest.param("\x1b[2J\x1b]0;t\x07", ["q.txt line 2: no visible text"], id="escapes"),
        pytest.param("\u202e\u2066", ["q.txt line 2: no visible text"], id="bidi"),
        pytest.param('""', ["q.txt line 2: no visible text"], id="empty-quotes"),
        pytest.param("- ", [], id="bare-bullet-is-a-rule"),
    ],
)
def test_a_line_with_nothing_visible_is_skipped(tmp_path: Path, line: str, skipped: list[str]) -> None:
    found = read(tmp_path, "q.txt", f"ok\n{line}\n")

    assert (texts(found), found.skipped) == (["ok"], skipped)


def test_a_hostile_file_name_is_cleaned_in_every_origin(tmp_path: Path) -> None:
    found = read(tmp_path, "\x1b]0;x\x07q\x1b[2J.txt", "words\n")

    assert found.name == "q.txt" and found.items[0].origin == "q.txt line 1"


# --- files that cannot be used -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"ok\nbad\x00line\n", ":2: a NUL (zero) byte, which a text file never holds", id="nul"),
        pytest.param(b"ok\ncaf\xe9\n", ':2: not UTF-8 text (byte 0xe9); save it as UTF-8 (in Excel: "CSV UTF-8")', id="latin-1"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":1: not UTF-8 text (byte 0x89); save it as UTF-8 (in Excel: \"CSV UTF-8\")", id="binary"),
        pytest.param("comment\nslow\n".encode("utf-16"), ":1: saved as UTF-16 text; save it as UTF-8", id="utf-16"),
        pytest.param("comment\nslow\n".encode("utf-16-le"), ":1: saved as UTF-16 text; save it as UTF-8", id="utf-16-no-bom"),
        pytest.param(b"PK\x03\x04\x14\x00", ': a zip file, such as an Excel workbook, not text; save it as "CSV UTF-8"', id="xlsx"),
        pytest.param(b"", ": the file is empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf \n\t\n", ": the file is empty", id="blank"),
        pytest.param(b"# only\n# comments\n---\n", ": nothing to use: every line is empty or a comment", id="only-comments"),
        pytest.param(b"\x1b[2J\n\xe2\x80\x8b\n", ":1: nothing to use: no visible text (and 1 other line skipped)", id="nothing-visible"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_plain_line_with_its_line(tmp_path: Path, content: bytes, reason: str) -> None:
    assert problem(tmp_path, "q.txt", content) == f"{tmp_path / 'q.txt'}{reason}"


def test_a_table_with_only_a_header_has_nothing_to_use(tmp_path: Path) -> None:
    assert problem(tmp_path, "t.csv", "Customer,Comment\n") == f"{tmp_path / 't.csv'}: nothing to use: the table has no rows"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(25_000_000)  # sparse: no 25 MB written
    monkeypatch.setattr(evidence.os, "open", lambda *a: pytest.fail("opened"))

    with pytest.raises(EvidenceProblem, match=r"huge\.csv: too big for a file of quotes \(25\.0 MB; the limit is 20 MB\)$"):
        read_evidence(path)


@needs_fifo
def test_a_named_pipe_is_refused_and_never_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    with pytest.raises(EvidenceProblem, match=r"pipe\.txt: a named pipe, not a file; only plain files are read$"):
        read_evidence(pipe)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda p: p.mkdir(), "a folder, not a file", id="folder"),
        pytest.param(lambda p: None, "no such file", id="missing"),
        pytest.param(lambda p: p.symlink_to(p.parent / "gone.txt"), "a link to something that does not exist", id="dangling-link"),
        pytest.param(lambda p: p.symlink_to(p.name), "a link that loops back on itself", id="link-loop"),
    ],
)
def test_a_path_that_is_not_a_readable_file_is_one_plain_line(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "quotes.txt"
    make(path)

    with pytest.raises(EvidenceProblem) as caught:
        read_evidence(path)

    assert str(caught.value) == f"{path}: {reason}"
    assert (caught.value.path, caught.value.reason, caught.value.line) == (path, reason, None)


def test_a_device_is_refused() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null here")

    with pytest.raises(EvidenceProblem, match=r"^/dev/null: a device, not a file; only plain files are read$"):
        read_evidence(Path("/dev/null"))


# --- long texts, repeats and what was left out -------------------------------------------------


def test_a_long_text_is_shortened_and_said_once(tmp_path: Path) -> None:
    long = " ".join(["word"] * 200)

    found = read(tmp_path, "q.txt", f"{long}\nshort\n{'x' * 600}\n{long} and more\n")

    first, _, third = found.items
    assert len(first.text) <= MAX_CHARS and first.text.endswith("word…") and long.startswith(first.text[:-1])
    assert third.text == "x" * (MAX_CHARS - 1) + "…"
    assert found.skipped == [
        "q.txt: 2 texts longer than 500 characters shortened with … (line 1, 3)",
        "q.txt: 1 repeat left out (line 4 repeats line 1)",  # it would look the same on the wall
    ]


def test_repeats_are_left_out_after_normalising_case_and_spaces(tmp_path: Path) -> None:
    found = read(tmp_path, "q.txt", "Too slow\nToo  SLOW\n- too slow\n\"Too slow\"\nTOO slow!\nCafé\nCafe\u0301\n")

    assert texts(found) == ["Too slow", "TOO slow!", "Café"]
    assert found.skipped == ["q.txt: 4 repeats left out (line 2 repeats line 1, line 3 repeats line 1, line 4 repeats line 1, …)"]


def test_skipped_lines_are_named_up_to_a_limit_then_counted(tmp_path: Path) -> None:
    found = read(tmp_path, "q.txt", "ok\n" + "\x1b[2J\n" * (MAX_SKIPPED + 5))

    assert found.skipped[:2] == ["q.txt line 2: no visible text", "q.txt line 3: no visible text"]
    assert found.skipped[MAX_SKIPPED:] == ["… and 5 more lines skipped"]


def test_a_file_with_more_items_than_the_limit_keeps_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "MAX_ITEMS", 3)

    found = read(tmp_path, "q.txt", "".join(f"quote {n}\n" for n in range(10)))

    assert texts(found) == ["quote 0", "quote 1", "quote 2"]
    assert found.skipped == ["q.txt line 4: only the first 3 texts are read; the rest of the file is left out"]


@pytest.mark.parametrize("kind", ["txt", "csv"])
def test_reading_stops_after_the_line_limit_even_if_every_line_is_blank_or_a_repeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(evidence, "MAX_LINES", 5)

    found = read(tmp_path, f"q.{kind}", "comment\n" + "same\n\n" * 10 + "other\n")
    only_blank = write(tmp_path, "blank.txt", "\n" * 9 + "late\n")

    assert texts(found) == (["comment", "same"] if kind == "txt" else ["same"])
    assert found.skipped[-1] == f"q.{kind} line 6: only the first 5 lines are read; the rest of the file is left out"
    with pytest.raises(EvidenceProblem, match=r"blank\.txt:6: nothing to use: only the first 5 lines are read"):
        read_evidence(only_blank)


# --- bounds on work (counts, never time) -------------------------------------------------------


@pytest.mark.parametrize("kind", ["txt", "csv"])
def test_ten_thousand_lines_pass_the_text_gate_once_per_cell_and_are_sniffed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    lines = [f"Customer {n} said the delivery took {n % 40} days, again" for n in range(10_000)]
    content = "\n".join(lines) if kind == "txt" else "Customer;Datum;Opmerking\n" + "".join(f"c{n};2025-01-01;{t}\n" for n, t in enumerate(lines))
    calls = {"clean": 0, "sniff": 0, "sniffed": 0}
    real_clean, real_sniff = evidence.clean, evidence.csv.Sniffer.sniff

    def counted_clean(text: str, **kw: bool) -> str:
        calls["clean"] += 1
        return real_clean(text, **kw)

    def counted_sniff(self, sample: str, delimiters: str | None = None):  # type: ignore[no-untyped-def]
        calls["sniff"] += 1
        calls["sniffed"] = max(calls["sniffed"], len(sample))
        return real_sniff(self, sample, delimiters)

    monkeypatch.setattr(evidence, "clean", counted_clean)
    monkeypatch.setattr(evidence.csv.Sniffer, "sniff", counted_sniff)

    found = read(tmp_path, f"big.{kind}", content)

    assert len(found.items) == 10_000
    cells = 1 if kind == "txt" else 3
    assert calls["clean"] <= 10_000 * cells + 10 + 1  # each cell, the header, the file name
    assert calls["sniff"] <= 1 and calls["sniffed"] <= evidence.SNIFF_CHARS


# --- sample ------------------------------------------------------------------------------------

ITEMS = tuple(Evidence(f"quote {n}", f"q.txt line {n + 1}") for n in range(50))


def test_a_sample_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    first = sample(ITEMS, 5, seed=7)

    assert first == sample(ITEMS, 5, seed=7) == sample(list(ITEMS), 5, seed=7)
    assert len(set(first)) == 5 and set(first) <= set(ITEMS)
    assert first != sample(ITEMS, 5, seed=8)
    assert sample(ITEMS, 5, seed="a1b2c3d4") == sample(ITEMS, 5, seed="a1b2c3d4")


def test_a_sample_is_pinned_for_a_seed() -> None:
    """The choice may never change between versions: a resumed session must draw the same."""
    assert [item.text for item in sample(ITEMS, 3, seed=1)] == ["quote 6", "quote 46", "quote 2"]


def test_a_sample_of_more_than_there_is_gives_all_and_of_none_gives_nothing() -> None:
    assert sorted(sample(ITEMS[:3], 10, seed=1), key=ITEMS.index) == list(ITEMS[:3])
    assert sample(ITEMS, 0, seed=1) == sample(ITEMS, -1, seed=1) == sample((), 3, seed=1) == ()


def test_a_line_added_to_the_file_changes_a_sample_by_one_item_at_most() -> None:
    before = set(sample(ITEMS, 10, seed=3))

    for n in range(20):
        after = set(sample((*ITEMS, Evidence(f"new {n}", "q.txt line 99")), 10, seed=3))
        assert len(before - after) <= 1


# --- any bytes ---------------------------------------------------------------------------------

REAL = [
    QUOTES.encode(),
    as_table(SURVEY, ";").encode(),
    b'Klant,Opmerking\r\nAcme,"a\r\nb"\r\n',
    b"sep=\t\nComment\tName\nx\ty\n",
]
TRICKY = [b'"', b",", b";", b"\t", b"\n", b"\r", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b]0;t\x07", b"#",
          b"- ", b"sep=", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"comment", b"PK\x03\x04"]


def mutated_files() -> st.SearchStrategy[bytes]:
    """A real quotes file or table with a few bytes inserted, deleted or repeated."""
    return mutated(REAL, TRICKY, 50)


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000) | mutated_files(), name=st.sampled_from(["q.txt", "q.csv", "q.tsv", "q.md", "q"]))
def test_any_bytes_give_clean_items_or_one_plain_problem(fuzz_folder: Path, content: bytes, name: str) -> None:
    path = write(fuzz_folder, name, content)

    try:
        found = read_evidence(path)
    except EvidenceProblem as exc:
        line = str(exc)
        assert line.startswith(str(path)) and is_clean(line)
        return

    assert found.items and found.name == name
    for item in found.items:
        assert 0 < len(item.text) <= MAX_CHARS and is_clean(item.text) and item.text == item.text.strip()
        assert item.origin.startswith(f"{name} line ") and is_clean(item.origin)
    assert all(is_clean(line) for line in found.skipped)


# --- the wall between domain and UI ------------------------------------------------------------


def test_the_evidence_module_loads_neither_textual_nor_pydantic() -> None:
    code = "import sys, facilitator.evidence; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'pydantic', 'rich'}))"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

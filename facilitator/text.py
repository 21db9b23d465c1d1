"""The one gate for text from outside: nothing a person typed or a file held can drive a terminal.

Ideas, names, titles and deck cards are data. On the way in (typing, paste, deck and plan files,
stored JSON, journal lines) and on the way out (screens, the command line) they pass `clean`:

* escape sequences (CSI, OSC such as window titles, hyperlinks and clipboard writes, DCS, APC
  and the rest, in their 7-bit and 8-bit forms) are removed whole, arguments included;
* other C0 and C1 control characters and DEL are removed; a tab becomes a space;
* bidirectional overrides and isolates, which can make text read other than it is, are removed;
* a lone surrogate (possible in JSON) becomes U+FFFD, so that writing it cannot fail;
* line breaks (CR LF, CR, NEL, U+2028/9) become a newline where the field keeps lines, and a
  space where it does not.

Markup is not this module's business: screens show text literally, never as Rich markup.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

_ESCAPE = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?                 # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?  # OSC DCS SOS PM APC ... terminator
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                       # any other escape
    """,
    re.VERBOSE,
)
_BREAK = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_DROP = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str, *, lines: bool = False) -> str:
    """`text` with nothing that could act on a terminal; newlines kept only if `lines`."""
    if text.isprintable():  # the common case: no control, separator or surrogate at all
        return text
    text = _ESCAPE.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _DROP.sub("", text.replace("\t", " "))
    text = _SURROGATE.sub("\ufffd", text)
    return text if lines else text.replace("\n", " ")


def clean_lines(text: str) -> str:
    """`clean` for text that may hold several lines (a summary, a note, a whole screen)."""
    return clean(text, lines=True)


def is_clean(text: str, *, lines: bool = False) -> bool:
    """Whether `text` passes the gate unchanged."""
    return clean(text, lines=lines) == text


class CleanWriter(io.TextIOBase):
    """A text stream that passes everything written through `clean_lines`: the command line's
    last line of defence, so that no code path can print raw user text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.stream.write(clean_lines(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

"""How the room joins from their phones, on the wall: the QR code, the URL, the code, and who is in.

Large, beside a round: the QR code, then the URL and the code to type by hand, then how many
phones have joined. Compact, along the bottom: the same in one line, without the QR code.

The URL is never cut: it wraps, folding inside itself if it must. The QR code is never cut either,
since half a code scans as nothing: where it does not fit whole, the panel says so in words.
Everything here is built as `Text`, so no URL or code is ever read as markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from facilitator.text import clean

# A scanner needs dark modules on a light ground, whatever the theme: pure black on pure white,
# as true colours, since a terminal's own "black" and "white" can be anything its theme says.
QR_STYLE = "#000000 on #ffffff"
NO_ROOM_FOR_QR = "Make the window taller or wider to show the QR code."


def spaced_code(code: str) -> str:
    """`K7P 2QX` for `K7P2QX`: read aloud and typed in groups of three."""
    return " ".join(code[start : start + 3] for start in range(0, len(code), 3))


def phones_joined(devices: int) -> str:
    """`No phones yet`, `1 phone joined`, `3 phones joined`."""
    if devices <= 0:
        return "No phones yet"
    return "1 phone joined" if devices == 1 else f"{devices} phones joined"


def qr_text(url: str, *, large: bool = False) -> Text:
    """The QR code of `url`, one line per row, black on white; never to be wrapped."""
    from facilitator.join.qr import qr_rows  # segno loads when a room opens, not with every session

    return Text("\n".join(qr_rows(url, large=large)), style=QR_STYLE, no_wrap=True, overflow="crop", end="")


def join_text(url: str, code: str, devices: int) -> Text:
    """The words under the QR code: where to go, the code, and how many phones are in."""
    text = Text(end="")
    text.append("Join at\n", style="dim")
    text.append(url, style="bold")
    text.append("\nCode ", style="dim")
    text.append(spaced_code(code), style="bold")
    text.append(f"\n{phones_joined(devices)}")
    return text


def compact_text(url: str, code: str, devices: int) -> Text:
    """`Join: http://… · code K7P 2QX · 3 phones`, for one line along the bottom."""
    phones = "no phones yet" if devices <= 0 else phones_joined(devices).removesuffix(" joined")
    text = Text("Join: ", style="dim", end="")
    text.append(url, style="bold")
    text.append(" · code ", style="dim")
    text.append(spaced_code(code), style="bold")
    text.append(f" · {phones}", style="dim")
    return text


def wrapped(text: Text, console: Console, width: int) -> list[Text]:
    """`text`'s lines at `width`: at spaces where it can, inside a word (a URL) where it must."""
    return list(text.wrap(console, max(width, 1), overflow="fold", no_wrap=False))


class RoomPanel(Widget):
    """How to join the room; hidden until `show`. Large, it docks right; compact, along the bottom.

    Docks on one edge of a container overlap in Textual (and a right dock covers the top and
    bottom ones), so yield it inside a screen's body, not beside the save banner or key line.
    """

    DEFAULT_CSS = """
    RoomPanel {
        display: none;
        dock: right;
        width: auto;
        max-width: 50%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
    }
    RoomPanel.-open {
        display: block;
    }
    RoomPanel.-compact {
        dock: bottom;
        width: 100%;
        max-width: 100%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.url = ""
        self.code = ""
        self.devices = 0
        self.large = True
        self._qr: list[Text] = []
        self._big_qr: list[Text] = []
        """The same code with each module twice as large, for a wall with the room for it."""
        self._scanned = ""

    def show(self, url: str, code: str, devices: int, *, large: bool, qr: str | None = None) -> None:
        """Show how to join; `large` draws the QR code (of `qr`, by default of the URL), else
        one line says it all."""
        url = clean(url)
        scanned = clean(qr) if qr else url
        if scanned != self._scanned:
            self._scanned = scanned
            self._qr = list(qr_text(scanned).split("\n")) if scanned else []
            self._big_qr = list(qr_text(scanned, large=True).split("\n")) if scanned else []
        self.url, self.code, self.devices, self.large = url, clean(code), devices, large
        self.set_class(not large, "-compact")
        self.add_class("-open")
        self.refresh(layout=True)

    def hide(self) -> None:
        self.remove_class("-open")

    @property
    def shown(self) -> bool:
        return self.has_class("-open")

    def _lines(self, width: int, height: int | None) -> list[Text]:
        """What the panel shows at `width`, and, if `height` is given, within it."""
        if not self.large:
            return wrapped(compact_text(self.url, self.code, self.devices), self.app.console, width)
        words = wrapped(join_text(self.url, self.code, self.devices), self.app.console, width)
        big = self._big_qr
        if big and big[0].cell_len <= width and height is not None and len(big) + 1 + len(words) <= height:
            return [*big, Text(), *words]
        qr = self._qr
        if qr and qr[0].cell_len <= width and (height is None or len(qr) + 1 + len(words) <= height):
            return [*qr, Text(), *words]
        return [*wrapped(Text(NO_ROOM_FOR_QR, style="italic"), self.app.console, width), Text(), *words]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if not self.large:
            return container.width
        words = join_text(self.url, self.code, self.devices).split("\n")
        big = self._big_qr[:1] if self._big_qr and len(self._big_qr) + 1 + len(words) <= container.height else []
        return min(max(line.cell_len for line in [*big, *self._qr[:1], *words]), container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width, container.height))

    def render(self) -> Text:
        size = self.content_size
        return Text("\n").join(self._lines(size.width, size.height))

"""The join QR code on the wall: drawn exactly as segno made it, dark on light, beside the URL and code."""

from __future__ import annotations

import pytest
import segno
from rich.color import Color
from textual.app import App, ComposeResult

from facilitator.join.qr import qr_matrix, qr_rows, qr_size
from facilitator.widgets.room_panel import NO_ROOM_FOR_QR, RoomPanel, spaced_code
from tests.helpers import screen_lines

URLS = [
    "http://a.b/",  # version 1, the smallest full QR code
    "http://192.168.1.23:8765/",
    "http://192.168.100.123:8765/",
    "https://facilitator.example.org:8443/join/" + "x" * 80,  # long: a large symbol
]
HALF_BLOCKS = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def read_back(rows: list[str]) -> list[list[bool]]:
    """The module matrix (True for dark) that half-block rows draw: the inverse of drawing."""
    matrix: list[list[bool]] = []
    for row in rows:
        matrix.append([HALF_BLOCKS[character][0] for character in row])
        matrix.append([HALF_BLOCKS[character][1] for character in row])
    return matrix


def segno_with_quiet_zone(text: str, quiet: int) -> list[list[bool]]:
    """segno's own matrix for `text`, with a light border added here, independently of qr.py."""
    code = segno.make(text, error="m", boost_error=False, micro=False)
    width = len(code.matrix[0]) + 2 * quiet
    light = [[False] * width for _ in range(quiet)]
    body = [[False] * quiet + [bool(module) for module in row] + [False] * quiet for row in code.matrix]
    return light + body + light


# --- the drawing --------------------------------------------------------------------------------


@pytest.mark.parametrize("quiet", [0, 1, 2, 4])
@pytest.mark.parametrize("url", URLS)
def test_the_drawing_is_segnos_matrix_module_for_module(url: str, quiet: int) -> None:
    expected = segno_with_quiet_zone(url, quiet)
    if len(expected) % 2:
        expected.append([False] * len(expected[0]))  # the light row that pads an odd count

    assert read_back(qr_rows(url, quiet)) == expected


@pytest.mark.parametrize("url", URLS)
def test_the_drawing_is_half_blocks_in_a_rectangle_with_a_light_quiet_zone(url: str) -> None:
    rows = qr_rows(url)
    matrix = read_back(rows)
    symbol = len(segno.make(url, error="m", boost_error=False, micro=False).matrix)

    assert set("".join(rows)) <= set(HALF_BLOCKS)
    assert {len(row) for row in rows} == {symbol + 4}
    assert qr_size(url) == (symbol + 4, len(rows)) == (symbol + 4, (symbol + 5) // 2)
    border = [*matrix[:2], *matrix[symbol + 2 :], *([row[:2] + row[-2:] for row in matrix])]
    assert not any(any(row) for row in border)


def test_a_join_url_is_a_full_qr_code_never_a_micro_one() -> None:
    code = segno.make("http://a.b/", error="m", boost_error=False, micro=False)

    assert not code.is_micro
    assert qr_size("http://a.b/") == (25, 13)  # version 1: 21 modules, and 2 light on each side


def test_the_code_is_spaced_for_reading_aloud() -> None:
    assert spaced_code("K7P2QX") == "K7P 2QX"


# --- the panel on the wall ----------------------------------------------------------------------


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RoomPanel(id="room-panel")


def panel_lines(app: App) -> list[str]:
    """The panel's content as a person reads it, row by row, without its padding."""
    region = app.query_one(RoomPanel).content_region
    rows = screen_lines(app)[region.y : region.bottom]
    return [row[region.x : region.right].rstrip() for row in rows]


SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_large_panel_shows_the_qr_code_the_url_the_code_and_the_phones(size: tuple[int, int]) -> None:
    url = "http://192.168.100.123:8765/"
    app = PanelApp()
    async with app.run_test(size=size) as pilot:
        app.query_one(RoomPanel).show(url, "K7P2QX", 3, large=True)
        await pilot.pause()
        lines = panel_lines(app)

    large = size[1] >= 50  # a wall tall enough draws each module twice the size
    drawn = qr_rows(url, large=large)
    assert lines[: len(drawn)] == [row.rstrip() for row in drawn]
    assert url in lines
    assert "Code K7P 2QX" in lines
    assert "3 phones joined" in lines


@pytest.mark.parametrize("size", SIZES)
async def test_the_compact_panel_says_it_all_in_one_line(size: tuple[int, int]) -> None:
    app = PanelApp()
    async with app.run_test(size=size) as pilot:
        app.query_one(RoomPanel).show("http://192.168.1.23:8765/", "K7P2QX", 1, large=False)
        await pilot.pause()
        lines = panel_lines(app)
        screen = "".join(screen_lines(app))

    assert lines == ["Join: http://192.168.1.23:8765/ · code K7P 2QX · 1 phone"]
    assert not set("▀▄█") & set(screen)


@pytest.mark.parametrize("large", [True, False])
@pytest.mark.parametrize("devices", [0, 1, 2])
async def test_the_panel_counts_phones_in_words(large: bool, devices: int) -> None:
    app = PanelApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(RoomPanel).show("http://10.0.0.2:8765/", "ABC123", devices, large=large)
        await pilot.pause()
        text = " ".join(panel_lines(app))

    words = {0: "No phones yet", 1: "1 phone joined", 2: "2 phones joined"}[devices]
    assert (words if large else words.removesuffix(" joined").replace("No", "no")) in text


@pytest.mark.parametrize("large", [True, False])
async def test_markup_in_the_url_and_code_shows_literally(large: bool) -> None:
    app = PanelApp()
    async with app.run_test(size=(200, 50)) as pilot:
        app.query_one(RoomPanel).show("http://h/[bold]x[/bold]", "[b]AB[/b]", 2, large=large)
        await pilot.pause()
        text = "\n".join(panel_lines(app))

    assert "http://h/[bold]x[/bold]" in text
    assert "[b]A B[/b]" not in text and spaced_code("[b]AB[/b]") in text


@pytest.mark.parametrize(("size", "large"), [((80, 24), True), ((80, 24), False), ((44, 40), True)])
async def test_a_long_url_wraps_and_is_never_cut(size: tuple[int, int], large: bool) -> None:
    url = "http://facilitator-workshop-laptop.example.org:8765/join/" + "abcdefghij" * 4
    app = PanelApp()
    async with app.run_test(size=size) as pilot:
        panel = app.query_one(RoomPanel)
        panel.show(url, "K7P2QX", 5, large=large)
        await pilot.pause()
        lines = panel_lines(app)

    assert panel.content_region.width < len(url)
    assert url in "".join(line for line in lines if not set(line) & set("▀▄█"))


async def test_where_the_qr_code_does_not_fit_whole_the_panel_says_so() -> None:
    url = "http://192.168.100.123:8765/"
    app = PanelApp()
    async with app.run_test(size=(80, 12)) as pilot:
        app.query_one(RoomPanel).show(url, "K7P2QX", 3, large=True)
        await pilot.pause()
        text = " ".join(panel_lines(app))

    assert not set("▀▄█") & set(text)
    assert NO_ROOM_FOR_QR in text and url in text and "K7P 2QX" in text


async def test_the_qr_code_is_drawn_black_on_white_whatever_the_theme() -> None:
    url = "http://192.168.1.23:8765/"
    app = PanelApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            app.query_one(RoomPanel).show(url, "K7P2QX", 0, large=True)
            await pilot.pause()
            region = app.query_one(RoomPanel).content_region
            qr_strips = app.screen._compositor.render_strips()[region.y : region.y + len(qr_rows(url))]
            segments = [segment for strip in qr_strips for segment in strip if set(segment.text) & set(HALF_BLOCKS) - {" "}]

            assert segments, theme
            for segment in segments:
                assert segment.style is not None
                assert segment.style.color == Color.from_rgb(0, 0, 0), theme
                assert segment.style.bgcolor == Color.from_rgb(255, 255, 255), theme


async def test_hide_takes_the_panel_off_the_wall() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(RoomPanel)
        assert not panel.display
        panel.show("http://192.168.1.23:8765/", "K7P2QX", 0, large=True)
        await pilot.pause()
        assert panel.display and panel.shown
        panel.hide()
        await pilot.pause()

        assert not panel.display and not panel.shown
        assert "K7P 2QX" not in "".join(screen_lines(app))


def test_the_large_drawing_is_the_same_code_with_each_module_twice_as_large() -> None:
    url = "HTTP://192.168.1.23:8765/J/K7P2QX"
    matrix = qr_matrix(url)
    drawn = qr_rows(url, large=True)
    assert [[row[2 * x : 2 * x + 2] == "██" for x in range(len(row) // 2)] for row in drawn] == matrix
    assert all(row[2 * x : 2 * x + 2] in ("██", "  ") for row in drawn for x in range(len(row) // 2))

"""Helpers for screen tests."""

from __future__ import annotations

import html
import re

from textual.app import App


def screen_text(app: App) -> str:
    """What a person sees: the screenshot's text, without the SVG around it."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape(" ".join(lines)).replace("\xa0", " ")


def screen_lines(app: App) -> list[str]:
    """The screen as rows of plain text, as a person reads it line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]

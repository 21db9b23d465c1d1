"""Which language's decks to show: all of them, or those of one language, each with its count.

A team works in one language, and a catalog that holds decks in several would otherwise mix them
in one list. The choice is shown only when there is something to choose: with decks in a single
language it stays hidden and the list is as it always was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Select

ALL_LANGUAGES = "*"
"""The choice that shows every deck (no language code looks like it)."""

LANGUAGE_NAMES = {
    "en": "English",
    "nl": "Nederlands",
    "sv": "Svenska",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "da": "Dansk",
    "no": "Norsk",
    "nb": "Norsk",
    "fi": "Suomi",
    "it": "Italiano",
}


def language_name(code: str) -> str:
    """`Nederlands` for nl, `Português (pt-BR)` for pt-BR, and the code itself for one not known."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    base = code.split("-", 1)[0]
    return f"{LANGUAGE_NAMES[base]} ({code})" if base in LANGUAGE_NAMES else code


def shared_language(languages: Iterable[str]) -> str | None:
    """The one language these decks share, `ALL_LANGUAGES` if they are in several, None if none."""
    found = set(languages)
    if not found:
        return None
    return found.pop() if len(found) == 1 else ALL_LANGUAGES


def _decks(count: int) -> str:
    return f"{count} deck" if count == 1 else f"{count} decks"


class LanguageChoice(Select[str]):
    """`All languages · 17 decks`, `English · 16 decks`, `Nederlands · 1 deck`: hidden (and set
    to all) while the decks are in one language only."""

    def __init__(self, languages: Iterable[str], value: str = ALL_LANGUAGES, *, id: str) -> None:
        """Args:
        languages: the language of each deck, once per deck (so they can be counted).
        value: the language to show at first, or `ALL_LANGUAGES`; one not among them shows all.
        """
        counts = Counter(languages)
        self.languages = sorted(counts, key=lambda code: (language_name(code).casefold(), code))
        options = [(Text(f"All languages · {_decks(counts.total())}"), ALL_LANGUAGES)]
        options += [(Text(f"{language_name(code)} · {_decks(counts[code])}"), code) for code in self.languages]
        if len(self.languages) < 2 or value not in counts:
            value = ALL_LANGUAGES
        super().__init__(options, value=value, allow_blank=False, id=id, compact=True)
        self.display = len(self.languages) > 1

    def show(self, language: str | None) -> None:
        """Show `language` (or all); None, or a language without decks, leaves the choice as it is."""
        if self.display and language is not None and (language == ALL_LANGUAGES or language in self.languages):
            self.value = language

    @property
    def language(self) -> str:
        """The language shown, or `ALL_LANGUAGES`."""
        return self.value if isinstance(self.value, str) else ALL_LANGUAGES

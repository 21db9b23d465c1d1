"""Who said an idea: `@name` at its start or end, matched the way a facilitator types it.

Matching ignores case and accents (`@osc` finds Óscar), tries participants' full names first
(`@Ana Maria` with a space), and then the first letters of a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def fold(name: str) -> str:
    """A name as compared: no accents, no case (`Óscar` -> `oscar`)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tagged(text: str, words: int) -> tuple[str, str] | None:
    """(name, body) for `@name body` or `body @name`, where the name has `words` words."""
    name = r"\S+" + r"(?:\s+\S+)" * (words - 1)
    if match := re.match(rf"^@({name})\s+(.*)$", text, re.DOTALL):
        return match[1], match[2]
    if match := re.match(rf"^(.*?)\s+@({name})$", text, re.DOTALL):
        return match[2], match[1]
    return None


def split_author(text: str, participants: Sequence[str]) -> tuple[str, str | None]:
    """`@Ana idea` or `idea @Ana` -> ("idea", "Ana"); a participant's name is completed.

    Returns the idea's text and its author: the participant's own spelling when one matches,
    else the name as typed.
    """
    text = text.strip()
    for participant in sorted(participants, key=lambda p: len(p.split()), reverse=True):
        words = len(participant.split())
        if words > 1 and (tagged := _tagged(text, words)) and fold(tagged[0]) == fold(participant):
            return tagged[1].strip(), participant
    tagged = _tagged(text, 1)
    if tagged is None:
        return text, None
    name, body = tagged
    return body.strip(), known_as(name, participants) or name


def known_as(name: str, participants: Sequence[str]) -> str | None:
    """The participant `name` means: the same name, else the one it is the start of."""
    wanted = fold(name)
    exact = [p for p in participants if fold(p) == wanted]
    if exact:
        return exact[0]
    return next((p for p in participants if fold(p).startswith(wanted)), None)


def split_names(raw: str) -> list[str]:
    """`Ana, Bo,  ,Chris` -> ["Ana", "Bo", "Chris"]; repeats dropped, Óscar and Oscar being one."""
    names: list[str] = []
    for part in raw.split(","):
        name = part.strip()
        if name and fold(name) not in {fold(n) for n in names}:
            names.append(name)
    return names

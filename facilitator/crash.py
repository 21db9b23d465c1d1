"""What happens when the program itself fails: the details go to a file, the user gets one line.

A traceback filling a projected screen helps no one in the room, and one that scrolls away helps
no one afterwards. The crash log keeps it for whoever fixes the bug; the live session is safe
already (every idea is in its journal) and is offered for resuming at the next start.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

import platformdirs

STATE_ENV = "FACILITATOR_STATE"


def crash_dir() -> Path:
    """`$FACILITATOR_STATE`, or the platform's user state folder."""
    if env := os.environ.get(STATE_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_state_dir("facilitator"))


def write_crash_log(error: BaseException | str) -> Path | None:
    """Write the traceback (or a report already rendered as text) to a new file in
    `crash_dir()` and return its path (None if even that failed: a crash report must never raise
    in its turn). A second crash in the same second gets a file of its own."""
    moment = datetime.now()
    details = error if isinstance(error, str) else "".join(traceback.format_exception(error))
    header = f"facilitator crashed at {moment.isoformat(timespec='seconds')}\npython {sys.version}\n\n"
    try:
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"crash-{moment:%Y%m%d-%H%M%S}-{os.getpid()}"
        for number in range(1, 100):
            path = folder / (f"{stem}.log" if number == 1 else f"{stem}-{number}.log")
            try:
                with open(path, "x", encoding="utf-8", errors="replace") as handle:
                    handle.write(header + details)
            except FileExistsError:
                continue
            return path
    except OSError:
        pass
    return None


def crash_line(prog: str, error: BaseException | None, log: Path | None, *, in_session: bool = False) -> str:
    """The one line the user sees."""
    where = f"the details are in {log}" if log else "no crash log could be written"
    kind = f" ({type(error).__name__})" if error is not None else ""
    line = f"{prog}: stopped by an unexpected error{kind}; {where}."
    if in_session:
        line += " Nothing typed is lost: start facilitator again to resume."
    return line

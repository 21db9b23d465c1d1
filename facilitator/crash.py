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


def write_crash_log(error: BaseException) -> Path | None:
    """Write the traceback to a new file in `crash_dir()` and return its path (None if even
    that failed: a crash report must never raise in its turn)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    details = "".join(traceback.format_exception(error))
    header = f"facilitator crashed at {datetime.now().isoformat(timespec='seconds')}\npython {sys.version}\n\n"
    try:
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        path.write_text(header + details, encoding="utf-8", errors="replace")
    except OSError:
        return None
    return path


def crash_line(prog: str, error: BaseException | None, log: Path | None, *, in_session: bool = False) -> str:
    """The one line the user sees."""
    where = f"the details are in {log}" if log else "no crash log could be written"
    kind = type(error).__name__ if error is not None else "unknown"
    line = f"{prog}: stopped by an unexpected error ({kind}); {where}."
    if in_session:
        line += " Nothing typed is lost: start facilitator again to resume."
    return line

"""Run a real terminal program in a pseudo-terminal and read its screen like a person would.

`PtyProcess` starts a command on a fresh pty of a fixed size, sends keys, and waits (with
`select()` and a deadline, never a sleep) until the screen shows what a test expects.
`VirtualScreen` is a deliberately small terminal emulator: it understands the cursor moves,
erases and text that Textual writes, and ignores colours and most modes, so a test can look for
a line of plain text however the app chose to redraw it (whole screen, one changed line, or a
piece of one).

Like most modern terminals it supports synchronized output (DEC mode 2026): it answers the
app's query for it, and then shows each frame only once the app has written all of it. So a
test never sees half of a new screen over the rest of the old one.

Only the standard library: no pexpect, no pyte.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ENTER = "\r"
CTRL_Q = "\x11"

# One escape sequence at the start of a string: CSI, OSC / DCS / APC / PM / SOS strings (ended by
# BEL or ST), or a two- or three-byte ESC sequence. A sequence cut off by the end of a read does
# not match, and is kept until the next read completes it.
_CSI = re.compile(r"\x1b\[([0-9;:<=>?]*)([ -/]*)([@-~])")
_STRING = re.compile(r"\x1b[\]P_^X].*?(?:\x07|\x1b\\)", re.DOTALL)
_SHORT = re.compile(r"\x1b(?:[ -/][0-~]|[0-~])")


REPO = Path(__file__).resolve().parent.parent


def app_env(columns: int, lines: int, **extra: str) -> dict[str, str]:
    """The environment of the real app on a pty: this checkout first on the path, a known
    terminal of this size, and none of the caller's Textual settings or NO_COLOR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "NO_COLOR"}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(columns),
        LINES=str(lines),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class VirtualScreen:
    """The characters on a terminal of `columns` x `lines`, as the output so far leaves them."""

    def __init__(self, columns: int, lines: int) -> None:
        self.columns = columns
        self.lines = lines
        self.rows = [[" "] * columns for _ in range(lines)]
        self.x = 0
        self.y = 0
        self._pending = ""
        self._frozen: list[list[str]] | None = None  # what is shown while a frame is being written
        self.replies: list[str] = []  # answers to the program's queries, for the pty to send

    # --- what a test reads ------------------------------------------------------------------

    @property
    def shown(self) -> list[list[str]]:
        """The rows a person would see: during a synchronized update, the frame before it."""
        return self._frozen if self._frozen is not None else self.rows

    def text(self) -> str:
        """The screen as lines of plain text, trailing blanks dropped."""
        return "\n".join("".join(row).rstrip() for row in self.shown)

    def __contains__(self, needle: str) -> bool:
        return any(needle in "".join(row) for row in self.shown)

    # --- feeding it output ------------------------------------------------------------------

    def feed(self, data: str) -> None:
        data = self._pending + data
        self._pending = ""
        i = 0
        n = len(data)
        while i < n:
            char = data[i]
            if char == "\x1b":
                consumed = self._escape(data, i)
                if consumed == 0:  # an incomplete sequence: wait for the rest
                    self._pending = data[i:]
                    return
                i += consumed
                continue
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self._line_feed()
            elif char == "\b":
                self.x = max(self.x - 1, 0)
            elif char == "\t":
                self.x = min((self.x // 8 + 1) * 8, self.columns - 1)
            elif char >= " " and char != "\x7f":
                self._put(char)
            i += 1

    def _line_feed(self) -> None:
        if self.y < self.lines - 1:
            self.y += 1
        else:
            del self.rows[0]
            self.rows.append([" "] * self.columns)

    def _put(self, char: str) -> None:
        width = _char_width(char)
        if width == 0:
            return
        if self.x + width > self.columns:
            self.x = 0
            self._line_feed()
        self.rows[self.y][self.x] = char
        if width == 2 and self.x + 1 < self.columns:
            self.rows[self.y][self.x + 1] = ""
        self.x += width

    def _escape(self, data: str, start: int) -> int:
        """Apply the escape sequence at `start`; return its length, or 0 if it is incomplete."""
        rest = data[start:]
        if len(rest) < 2:
            return 0
        if rest[1] == "[":
            match = _CSI.match(rest)
            if match is None:
                # Incomplete (only parameter bytes so far) or malformed: wait, or skip ESC [.
                return 0 if re.fullmatch(r"\x1b\[[0-9;:<=>?]*[ -/]*", rest) else 2
            self._csi(match.group(1), match.group(2), match.group(3))
            return match.end()
        if rest[1] in "]P_^X":
            match = _STRING.match(rest)
            return match.end() if match else 0
        match = _SHORT.match(rest)
        if match is None:
            return 0 if len(rest) < 3 else 1
        return match.end()

    def _csi(self, params: str, intermediate: str, final: str) -> None:
        if intermediate or params.startswith(("?", ">", "<", "=")):
            if params == "?2026" and intermediate == "$" and final == "p":
                self.replies.append("\x1b[?2026;2$y")  # synchronized output: supported, off
            elif params == "?2026" and final == "h":
                self._frozen = [row[:] for row in self.rows]
            elif params == "?2026" and final == "l":
                self._frozen = None
            elif final in "hl" and params in ("?1049", "?47", "?1047"):
                self._erase_display(2)  # into or out of the alternate screen
            return
        numbers = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] if params else []

        def arg(index: int, default: int) -> int:
            value = numbers[index] if index < len(numbers) else 0
            return value or default

        if final in "Hf":
            self.y = min(max(arg(0, 1) - 1, 0), self.lines - 1)
            self.x = min(max(arg(1, 1) - 1, 0), self.columns - 1)
        elif final == "A":
            self.y = max(self.y - arg(0, 1), 0)
        elif final == "B":
            self.y = min(self.y + arg(0, 1), self.lines - 1)
        elif final == "C":
            self.x = min(self.x + arg(0, 1), self.columns - 1)
        elif final == "D":
            self.x = max(self.x - arg(0, 1), 0)
        elif final == "E":
            self.y, self.x = min(self.y + arg(0, 1), self.lines - 1), 0
        elif final == "F":
            self.y, self.x = max(self.y - arg(0, 1), 0), 0
        elif final == "G":
            self.x = min(max(arg(0, 1) - 1, 0), self.columns - 1)
        elif final == "d":
            self.y = min(max(arg(0, 1) - 1, 0), self.lines - 1)
        elif final == "J":
            self._erase_display(numbers[0] if numbers else 0)
        elif final == "K":
            mode = numbers[0] if numbers else 0
            row = self.rows[self.y]
            span = {0: range(self.x, self.columns), 1: range(self.x + 1), 2: range(self.columns)}.get(mode, ())
            for col in span:
                row[col] = " "
        elif final == "X":
            row = self.rows[self.y]
            for col in range(self.x, min(self.x + arg(0, 1), self.columns)):
                row[col] = " "
        # SGR (m) and everything else change no characters.

    def _erase_display(self, mode: int) -> None:
        if mode in (2, 3):
            self.rows = [[" "] * self.columns for _ in range(self.lines)]
        elif mode == 0:
            self.rows[self.y][self.x :] = [" "] * (self.columns - self.x)
            for row in range(self.y + 1, self.lines):
                self.rows[row] = [" "] * self.columns
        elif mode == 1:
            for row in range(self.y):
                self.rows[row] = [" "] * self.columns
            self.rows[self.y][: self.x + 1] = [" "] * (self.x + 1)


class PtyTimeout(AssertionError):
    """The screen did not show what was awaited in time."""


class PtyProcess:
    """A command running on its own pseudo-terminal, in its own session and process group."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        columns: int = 100,
        lines: int = 30,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.columns, self.lines = columns, lines
        self.screen = VirtualScreen(columns, lines)
        self.raw = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.eof = False
        master, slave = os.openpty()
        try:
            winsize = struct.pack("HHHH", lines, columns, 0, 0)
            fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize)
            self.process = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,  # its own process group, so every child dies with it
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master

    # --- output -----------------------------------------------------------------------------

    def _read_available(self, timeout: float) -> bool:
        """Read what the program wrote within `timeout` seconds; False once it is gone."""
        if self.eof:
            return False
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError as exc:
            if exc.errno != errno.EIO:  # Linux says EIO once the last writer has closed the pty
                raise
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.raw += chunk
        self.screen.feed(self._decoder.decode(chunk))
        while self.screen.replies:
            reply = self.screen.replies.pop(0)
            try:
                self.send(reply)
            except OSError:  # the program is gone; nobody is left to read the answer
                pass
        return True

    def wait_for(self, check: Callable[[VirtualScreen], bool] | str, timeout: float, what: str | None = None) -> None:
        """Read output until `check(screen)` holds (or the text is on screen), or fail."""
        predicate = (lambda screen: check in screen) if isinstance(check, str) else check
        label = what or (repr(check) if isinstance(check, str) else "the awaited screen")
        deadline = time.monotonic() + timeout
        while not predicate(self.screen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise PtyTimeout(f"timed out after {timeout:.0f} s waiting for {label}\n{self.report()}")
            if not self._read_available(min(left, 0.5)) and not predicate(self.screen):
                raise PtyTimeout(f"the program ended (exit {self.process.poll()}) before showing {label}\n{self.report()}")

    def drain(self, timeout: float) -> None:
        """Read until the program has closed the terminal (or the deadline passes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read_available(deadline - time.monotonic()):
            pass

    def report(self) -> str:
        tail = bytes(self.raw[-1500:]).decode("utf-8", errors="replace")
        return f"--- screen ---\n{self.screen.text()}\n--- last raw output ---\n{tail!r}"

    # --- input ------------------------------------------------------------------------------

    def send(self, keys: str) -> None:
        data = keys.encode("utf-8")
        while data:
            written = os.write(self.master, data)
            data = data[written:]

    # --- ending -----------------------------------------------------------------------------

    def kill(self) -> int:
        """SIGKILL the whole process group, as a crash or a power cut would, and reap it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return self.process.wait(timeout=10)

    def wait_exit(self, timeout: float) -> int:
        """Wait for the program to end by itself, reading its output meanwhile."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if not self._read_available(min(deadline - time.monotonic(), 0.2)):
                break
        return self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))

    def close(self) -> None:
        """Kill what is left and release the terminal; safe to call twice."""
        try:
            if self.process.poll() is None:
                self.kill()
        finally:
            if self.master >= 0:
                os.close(self.master)
                self.master = -1

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

#!/usr/bin/env python3
"""Types a fixed sequence of keys into a full-screen program in a pseudo-terminal.

Usage: drive-tui.py [--size COLSxROWS] [--ready TEXT] [--timeout SECONDS] [--transcript FILE]
                    KEYS -- COMMAND...

scripts/windows-smoke.sh runs the same KEYS through secassess.exe under Wine and through
the Linux build, then compares the answers each saved. The screen is not checked: Wine 8's
console garbles the drawing, so this reads what it drew only to know it has started (TEXT,
which it draws in one piece, has appeared), then waits for it to go quiet before each key
(it has drawn and is waiting for input), and after each key for it to draw again (up to
10 s), so keys never pile up unread: secassess would take them as a paste.

KEYS is a string of single characters sent one at a time; "\\r" (backslash r) is Enter.
The program must end by itself (the sequence ends with its quit key). Exits with the
program's exit status, or 124 when it is still running after --timeout seconds (it is then
killed); either way the raw output goes to --transcript for a person to look at.
"""

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x30", help="terminal size, COLSxROWS")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds in all")
    parser.add_argument(
        "--ready", default="", help="text the program draws once it is reading keys"
    )
    parser.add_argument("--transcript", help="file to write everything the program drew")
    parser.add_argument("keys", help='the keys, one character each; "\\r" is Enter')
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no COMMAND after --")
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    keys = args.keys.replace("\\r", "\r")

    pid, fd = pty.fork()
    if pid == 0:
        # The child: the pty is its controlling terminal and stdin/stdout/stderr.
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    deadline = time.monotonic() + args.timeout
    transcript = bytearray()

    def read_for(seconds: float) -> bool:
        """Reads output for up to `seconds`; False once the program has closed the pty."""
        end = min(time.monotonic() + seconds, deadline)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return True
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: every holder of the pty's other end has gone
                return False
            if not data:
                return False
            transcript.extend(data)

    def settle(first_output_within: float, quiet: float) -> bool:
        """Waits for output to start (up to `first_output_within` s), then for `quiet` s
        with no output: the program has reacted and is waiting for the next key."""
        before = len(transcript)
        end = time.monotonic() + first_output_within
        while len(transcript) == before and time.monotonic() < min(end, deadline):
            if not read_for(0.05):
                return False
        while time.monotonic() < deadline:
            seen = len(transcript)
            if not read_for(quiet):
                return False
            if len(transcript) == seen:
                return True
        return True

    alive = True
    while args.ready.encode() not in transcript and time.monotonic() < deadline:
        if not read_for(0.05):
            alive = False
            break
    if args.ready.encode() not in transcript:
        print(f"drive-tui: {command[0]} never drew {args.ready!r}", file=sys.stderr)
    alive = alive and settle(first_output_within=0.0, quiet=0.5)
    for key in keys:
        if not alive:
            break
        os.write(fd, key.encode())
        # Never send the next key before the program has reacted to this one: secassess
        # takes keys that arrive together (piled up unread while it was busy) as a paste,
        # because that is how the Windows console delivers one, and ignores a paste where
        # no text box is open. Every key of a sequence should make it draw something.
        alive = settle(first_output_within=10.0, quiet=0.3)
    status = None
    while time.monotonic() < deadline:
        done, waited = os.waitpid(pid, os.WNOHANG)
        if done:
            status = waited
            break
        if alive:
            alive = read_for(0.1)  # keep reading, so its last writes never block it
        else:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    if args.transcript:
        with open(args.transcript, "wb") as out:
            out.write(transcript)
    if status is None:
        print(
            f"drive-tui: {command[0]} still running after {args.timeout:.0f}s; killed",
            file=sys.stderr,
        )
        return 124
    return os.waitstatus_to_exitcode(status) & 0xFF


if __name__ == "__main__":
    sys.exit(main())

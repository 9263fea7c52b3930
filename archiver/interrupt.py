"""Ctrl-C (SIGINT) and a service manager's stop (SIGTERM) end a job the same way:
the work in hand is abandoned (asyncio cancels the fetch stage's tasks, which close
the browser), the run is recorded as interrupted, and the command exits 130, or
143 for SIGTERM, as shells report a process killed by those signals."""

from __future__ import annotations

import signal

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

_received: int | None = None


def install() -> None:
    """Make SIGTERM act as Ctrl-C does, remembering which of the two arrived."""

    def on_terminate(signum, frame):
        global _received
        _received = signum
        # Whatever handles SIGINT now (asyncio's runner cancels its main task;
        # otherwise KeyboardInterrupt is raised) handles this stop too.
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_terminate)


def interrupted_by() -> str:
    return "terminated (SIGTERM)" if _received == signal.SIGTERM else "interrupted (Ctrl-C)"


def exit_code() -> int:
    return EXIT_TERMINATED if _received == signal.SIGTERM else EXIT_INTERRUPTED

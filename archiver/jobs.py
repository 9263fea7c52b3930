"""One job at a time on an archive: the lock, the `runs` row and the JSON-lines log.

The lock is an fcntl lock on ARCHIVE/run.lock: the kernel releases it when its
process dies however it dies, so a lock left by a dead process is simply taken
over. The file holds the pid of the holder, for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from .errors import ArchiverError
from .store import Store

LOCK_NAME = "run.lock"
LOGS = "logs"


class LockHeld(ArchiverError):
    def __init__(self, path: Path, pid: str):
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"another run is in progress on this archive ({holder} holds {path})")
        self.pid = pid


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


class ArchiveLock:
    def __init__(self, archive_dir: Path):
        self.path = Path(archive_dir) / LOCK_NAME
        self.handle = None
        self.stale_pid: str | None = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the life of the job
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip()
            handle.close()
            raise LockHeld(self.path, pid) from None
        handle.seek(0)
        previous = handle.read().strip()
        if previous and previous != str(os.getpid()) and not _alive(previous):
            self.stale_pid = previous
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        return self

    def release(self) -> None:
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()
            self.handle.flush()
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class Job:
    """A run of `archiver run`, `fetch` or `recheck`: locked, logged, recorded in `runs`.

    The lock is taken by the caller before the store is opened, so that creating
    or upgrading the database happens under it too.
    """

    def __init__(self, store: Store, lock: ArchiveLock, command: str, now: str):
        self.store = store
        self.command = command
        self.lock = lock
        logs = store.archive_dir / LOGS
        logs.mkdir(exist_ok=True)
        stamp = now.replace("-", "").replace(":", "")
        self.log_path = logs / f"{stamp}-{command}-{os.getpid()}.jsonl"
        # backslashreplace: one odd character in an event never loses the log.
        self.log = open(self.log_path, "a", encoding="utf-8",  # noqa: SIM115
                        errors="backslashreplace")
        with store.conn:
            self.run_id = store.conn.execute(
                "INSERT INTO runs (command, pid, started_at, log) VALUES (?, ?, ?, ?)",
                (command, os.getpid(), now,
                 self.log_path.relative_to(store.archive_dir).as_posix()),
            ).lastrowid
        self.event({"event": "start", "command": command, "at": now,
                    "stale_lock_of": self.lock.stale_pid})

    def event(self, record: dict) -> None:
        self.log.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.log.flush()

    def finish(self, now: str, exit_code: int, counts: dict, error: str | None = None) -> None:
        self.event({"event": "end", "at": now, "exit_code": exit_code, "error": error, **counts})
        with self.store.conn:
            columns = [c for c in counts if c in RUN_COUNTS]
            sets = "".join(f", {c} = ?" for c in columns)
            self.store.conn.execute(
                f"UPDATE runs SET ended_at = ?, exit_code = ?, error = ?{sets} WHERE id = ?",
                (now, exit_code, error, *(counts[c] for c in columns), self.run_id),
            )

    def close(self) -> None:
        self.log.close()
        self.lock.release()


RUN_COUNTS = {
    "sources", "sources_failed", "links_resolved", "links_failed", "archived", "deleted",
    "unavailable", "failed", "deferred", "rechecked", "refreshed",
}

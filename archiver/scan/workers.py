"""Processes that read and parse sources, each source within a time budget.

Parsing runs in C (regular expressions, Lexbor) that no signal interrupts
reliably, so the only sure way to stop a source that takes too long is to kill
the process parsing it. Every source is therefore parsed in a worker process:
one for a small scan, one per core for a large one. A worker over its source's
budget is killed and replaced, and so is one that dies (killed, out of memory,
a crash in C): that one source fails with the reason, the others go on.

Tasks and outcomes cross the process boundary by pickle, so they must be plain
values (errors included).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

# Tasks sent ahead to a worker, so it never waits for the driver between two.
AHEAD = 2
# A web archive's segment marks every record's start; the worker says so at most
# this often (a message per record cost the driver a wake-up each), and the
# driver gives the budget that much more: a record has between its budget and
# its budget plus this to finish.
MARK_EVERY = 0.5


def mark_every(budget: float) -> float:
    return min(MARK_EVERY, budget / 10)


@dataclass
class Overrun:
    """Why a task got no outcome: it ran over its budget, or its worker died."""

    reason: str


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    # Task indexes sent to this worker, oldest first; the first is running.
    queue: deque = field(default_factory=deque)
    deadline: float = 0.0


class Workers:
    """A pool of worker processes; `map` gives an outcome (or an Overrun) per task, in order.

    `work(task, mark)` runs in a worker and must not raise. A task has
    `grace(task)` seconds plus `budget` to finish; when the work calls `mark()`
    (after fetching a URL, whose own timeouts bound the wait; at each record of a
    web archive), its budget starts again from then, so only the parse is timed.
    """

    def __init__(self, work: Callable, budget: float, grace: Callable[[object], float]):
        self.work = work
        self.budget = budget
        self.every = mark_every(budget)
        self.grace = grace
        self.workers: list[_Worker] = []
        # Tasks by id, shared by every map in progress (a map may start while
        # another waits for its outcomes): what one collects, the other finds.
        self.tasks: dict[int, object] = {}
        self.todo: deque[int] = deque()
        self.outcomes: dict[int, object] = {}
        self.next_id = 0
        # fork starts a worker in milliseconds, with everything already imported
        # (a fresh interpreter takes a quarter of a second). A worker forked while
        # another thread held a lock could hang: then its budget ends it too.
        fork = "fork" in multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if fork else "spawn")

    def grow(self, count: int) -> None:
        while len(self.workers) < count:
            self.workers.append(self._start())

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        forked = self.context.get_start_method() == "fork"
        process = self.context.Process(
            target=_serve, args=(theirs, self.work, self.every, ours if forked else None,
                                 os.getpid()), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def map(self, tasks: Iterable, first: bool = False) -> Iterator:
        """The outcome of each task, in order; `first` puts them before the tasks
        other maps are still waiting for."""
        ids = list(range(self.next_id, self.next_id + len(tasks := list(tasks))))
        self.next_id += len(ids)
        self.tasks.update(zip(ids, tasks, strict=True))
        if first:
            self.todo.extendleft(reversed(ids))
        else:
            self.todo.extend(ids)
        self.grow(1)
        for task_id in ids:
            while task_id not in self.outcomes:
                self._dispatch()
                self._collect()
            del self.tasks[task_id]
            yield self.outcomes.pop(task_id)

    def _dispatch(self) -> None:
        for i, worker in enumerate(self.workers):
            while self.todo and self._has_room(worker, self.tasks[self.todo[0]]):
                task_id = self.todo.popleft()
                if not self._send(worker, task_id):
                    self.todo.appendleft(task_id)  # it never started: the new worker's
                    self.workers[i] = worker = self._replace(worker, None)

    def _has_room(self, worker: _Worker, task) -> bool:
        # A large task (stdin's bytes) goes only to an idle worker: one busy with a
        # large result of its own would wait for the driver, stuck sending to it.
        small = isinstance(task, str) or len(pickle.dumps(task)) < 16384
        return not worker.queue or (small and len(worker.queue) < AHEAD)

    def _send(self, worker: _Worker, task_id: int) -> bool:
        if not worker.queue:
            worker.deadline = self._deadline(task_id)
        try:
            worker.conn.send((task_id, self.tasks[task_id]))
        except OSError:  # the worker died between two tasks
            return False
        worker.queue.append(task_id)
        return True

    def _deadline(self, task_id: int) -> float:
        return time.monotonic() + self.grace(self.tasks[task_id]) + self.budget

    def _collect(self) -> None:
        busy = [w for w in self.workers if w.queue]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for i, worker in enumerate(self.workers):
            if not worker.queue:
                continue
            if worker.conn in ready or worker.process.sentinel in ready:
                if not self._receive(worker):
                    death = self._death(worker) if worker.queue else None
                    self.workers[i] = self._replace(worker, death)
            elif time.monotonic() >= worker.deadline:
                reason = f"took longer than {self.budget:g} s to scan (setting SCAN_TIMEOUT)"
                self.workers[i] = self._replace(worker, reason)

    def _receive(self, worker: _Worker) -> bool:
        """Read what the worker said; False when it is gone."""
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "mark":
                    worker.deadline = time.monotonic() + self.budget + self.every
                    continue
                _, task_id, outcome = message
                self.outcomes[task_id] = outcome
                worker.queue.popleft()
                if worker.queue:  # the next one starts now
                    worker.deadline = self._deadline(worker.queue[0])
        except (EOFError, OSError):
            return False
        return worker.process.is_alive()

    def _death(self, worker: _Worker) -> str:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the process scanning it died ({name})"
        return f"the process scanning it ended unexpectedly (exit code {code})"

    def _replace(self, worker: _Worker, reason: str | None) -> _Worker:
        """Fail the worker's running task (with reason), put the ones waiting back,
        start a new worker."""
        _stop(worker, kill=True)
        if worker.queue and reason:
            self.outcomes[worker.queue.popleft()] = Overrun(reason)
        self.todo.extendleft(reversed(worker.queue))
        return self._start()

    def close(self) -> None:
        for worker in self.workers:
            _stop(worker, kill=bool(worker.queue))
        self.workers = []


def _stop(worker: _Worker, kill: bool) -> None:
    if kill:
        worker.process.kill()
    else:
        with contextlib.suppress(OSError):  # already gone
            worker.conn.send(None)
    worker.process.join(1 if not kill else None)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.conn.close()


class _Marks:
    """The work's mark(): told to the driver at the first call, then at most every
    `every` seconds."""

    def __init__(self, conn: Connection, index: int, every: float):
        self.conn, self.message, self.every = conn, ("mark", index), every
        self.last = float("-inf")

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.conn.send(self.message)


def _serve(conn: Connection, work: Callable, every: float, drivers: Connection | None,
           driver: int) -> None:
    """A worker's loop: a task in, its outcome out, until told to stop, or until
    the driver is gone."""
    # Ctrl-C reaches the whole process group: the driver stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if drivers is not None:
        drivers.close()  # forked with the driver's end: its death would never be seen
    die_with(driver)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, task = message
        try:
            outcome = work(task, _Marks(conn, index, every))
            try:
                conn.send(("done", index, outcome))
            except OSError:
                raise
            except Exception as exc:  # noqa: BLE001 - an outcome pickle refuses is one failure
                conn.send(("done", index, Overrun(f"its result could not be handed back:"
                                                  f" {exc}")))
        except OSError:  # the driver is gone
            return


def die_with(driver: int) -> None:
    """On Linux, have the kernel kill this process (just forked by `driver`) when
    the thread that started it ends (the driver killed; on a Dask worker, its
    thread gone), even in the middle of a page: a killed driver can no longer
    enforce the time budget, nor tell the process to stop."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != driver:  # gone already, before the kernel was asked
        os._exit(0)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h

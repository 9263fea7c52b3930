"""The scan on a Dask cluster: an executor with the worker pool's interface
(scan/workers.py: grow, map, close) whose tasks run on Dask workers.

Only results come back; this process alone writes the archive, as they arrive,
in the sources' order. Small sources travel a few dozen to a task, a web archive's
segment is a task of its own. On the worker each source is read and parsed as
without a cluster, in a process of the worker's own (scan/workers.py) within
SCAN_TIMEOUT seconds: a Dask task cannot be stopped, a process can. A worker that
dies is Dask's to deal with: its tasks run again elsewhere (up to
distributed.scheduler.allowed-failures times), then fail with their reason. Dask's
connect timeout does not cover a scheduler that accepts the connection and never
answers, so the connection is given a deadline here. Imported only for
`--cluster`: without it nothing of Dask loads.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator

from .errors import ArchiverError
from .scan.workers import Overrun, Workers, die_with
from .settings import Settings

# Seconds to reach a scheduler, whatever it does: exit 3 within 30 s of the command's
# start, its imports and exit included, on a loaded machine too (20 took 30.1 there).
CONNECT_DEADLINE = 15.0
CHUNK = 32  # sources per task
IN_FLIGHT = 4  # tasks per worker thread submitted ahead of the one awaited


class ClusterUnreachable(ArchiverError):
    """The scheduler named by --cluster cannot be reached or does not answer."""


def connect(address: str, settings: Settings, known: dict | None) -> DaskExecutor:
    """`local` or `local:N` (a LocalCluster of N worker processes, one per core by
    default), or a scheduler's address (tcp://HOST:PORT)."""
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if address == "local" or address.startswith("local:"):
        count = address.partition(":")[2]
        if count and not (count.isdigit() and int(count) > 0):
            raise ClusterUnreachable(f"--cluster {address}: local:N needs a number of workers")
        import dask
        from distributed import LocalCluster

        if sys.platform.startswith("linux"):
            # A worker forked from this process starts in milliseconds with all it
            # needs imported and built; spawned, each imported Dask and the scanner
            # anew (0.6 CPU s each, on the cores the scan is waiting for). Only
            # where the kernel can end a forked worker with its parent (_as_spawned).
            from .scan.stage import warm

            warm()
            os.register_at_fork(before=_note_parent, after_in_child=_as_spawned)
            dask.config.set({"distributed.worker.multiprocessing-method": "fork"})
        # Nobody looks at a profile of this cluster's tasks: its sampling thread
        # took a third of each worker's own CPU.
        dask.config.set({"distributed.worker.profile.enabled": False})
        # Dask's reaction to a stop while it starts is a traceback in its event loop.
        callbacks = logging.getLogger("tornado.application")
        level = callbacks.level
        callbacks.setLevel(logging.CRITICAL + 1)
        try:
            cluster = LocalCluster(n_workers=int(count) if count else os.cpu_count() or 1,
                                   threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        except BaseException:
            _leave_quietly()
            raise
        callbacks.setLevel(level)
        target = cluster
    elif "://" in address:
        target = address
    else:
        raise ClusterUnreachable(f"--cluster {address}: give tcp://HOST:PORT, local or local:N")
    try:
        client = _client(target, address)
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    return DaskExecutor(client, cluster, settings, known)


def _leave_quietly() -> None:
    """A local cluster stopped while it starts (Ctrl-C, SIGTERM): Dask closes the
    half-made cluster at exit, and says so in tracebacks; it closes it quietly."""
    from distributed.deploy import spec

    def close_clusters() -> None:
        with contextlib.suppress(BaseException):
            spec.close_clusters()

    atexit.unregister(spec.close_clusters)
    atexit.register(close_clusters)
    for name in ("distributed", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


_forked_by = [0]


def _note_parent() -> None:
    _forked_by[0] = os.getpid()


def _as_spawned() -> None:
    """A forked worker ends as a spawned one would. On SIGTERM (it would keep this
    command's handler: stop as Ctrl-C does, which the nanny's terminate did not
    end). And with this process: a spawned worker sees the pipe its nanny holds
    close, but a forked one may hold another worker's copy of that pipe, and they
    would keep each other waiting for good."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with(_forked_by[0])


def _client(target, address: str):
    """A connected Client, or ClusterUnreachable within CONNECT_DEADLINE seconds."""
    from distributed import Client

    box: dict = {}

    def reach() -> None:
        try:
            box["client"] = Client(target, timeout=CONNECT_DEADLINE / 2,
                                   set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc

    thread = threading.Thread(target=reach, name="dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_DEADLINE)
    if "client" in box:
        return box["client"]
    if thread.is_alive():  # accepted the connection, never answered: left behind
        raise ClusterUnreachable(f"the Dask scheduler at {address} did not answer within"
                                 f" {CONNECT_DEADLINE:g} s")
    error = box.get("error")
    reason = str(error).strip().splitlines()[0][:200] if error and str(error).strip() else (
        type(error).__name__)
    raise ClusterUnreachable(f"cannot reach the Dask scheduler at {address}: {reason}")


class DaskExecutor:
    def __init__(self, client, cluster, settings: Settings, known: dict | None):
        self.client, self.cluster, self.settings = client, cluster, settings
        # Sent to every worker once, not with every task.
        self.known = client.scatter([known], broadcast=True, hash=False)[0] if known else None
        self.scan = uuid.uuid4().hex  # a worker's scanning processes serve this scan

    def grow(self, count: int) -> None:
        """The cluster's size is the cluster's business."""

    def map(self, tasks: Iterable, first: bool = False) -> Iterator:
        """The outcome of each task, in order, as the scan pool gives them (an
        Overrun for a task whose Dask task failed)."""
        threads = max(1, sum(self.client.nthreads().values()))
        pending: deque = deque()
        for chunk in _chunks(tasks):
            pending.append((len(chunk), self.client.submit(
                scan_tasks, chunk, self.settings, self.known, self.scan, pure=False,
                priority=10 if first else 0)))
            while len(pending) > threads * IN_FLIGHT:
                yield from _outcomes(*pending.popleft())
        while pending:
            yield from _outcomes(*pending.popleft())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def _chunks(tasks: Iterable) -> Iterator[list]:
    from .scan.webarchive import Segment

    chunk: list = []
    for task in tasks:
        if isinstance(task[0], Segment):
            if chunk:
                yield chunk
                chunk = []
            yield [task]
            continue
        chunk.append(task)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _outcomes(count: int, future) -> list:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost scheduler: the tasks fail
        text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        reason = f"the cluster could not scan it ({what})"
        return [Overrun(reason)] * count


def scan_tasks(tasks: list, settings: Settings, known: dict | None, scan: str) -> list:
    """Runs on a Dask worker: each task's outcome (see scan/stage.py's _read), or an
    Overrun for one past its SCAN_TIMEOUT or whose process died, as without a
    cluster."""
    return list(_pool(scan, settings, known).map(tasks))


_pools = threading.local()  # a Dask worker's threads each run their own tasks


def _pool(scan: str, settings: Settings, known: dict | None) -> Workers:
    """This thread's scanning process, started for this scan (one process per
    worker thread: the thread only waits while it parses)."""
    from .scan.stage import _grace, _read, warm

    held = getattr(_pools, "held", None)
    if held is None or held[0] != scan:
        if held is not None:
            held[1].close()
        warm()  # once per worker process (then nothing): not once per process it starts
        # A nanny starts its worker daemonic, and multiprocessing refuses a daemonic
        # process children, lest they outlive it: these end with it (scan/workers.py).
        multiprocessing.current_process().daemon = False
        pool = Workers(functools.partial(_read, settings=settings, known=known),
                       settings.scan_timeout, grace=functools.partial(_grace, settings))
        _pools.held = held = (scan, pool)
    return held[1]

"""The scan's worker pool on its own: outcomes in order, a task over its budget or
whose worker dies is that task's Overrun and the rest go on, and a second map
while one waits (a re-read during a scan) loses nothing."""

import faulthandler
import os
import signal
import time

from archiver.scan.workers import Overrun, Workers


def work(task, mark):
    """Tasks say what to do: ("echo", x), ("sleep", s), ("mark-then-sleep", s), ("die", sig)."""
    action, value = task
    if action == "sleep":
        time.sleep(value)
    elif action == "mark-then-sleep":
        time.sleep(value)
        mark()
        time.sleep(value)
    elif action == "die":
        faulthandler.disable()  # pytest's would print the crash as if the test had one
        os.kill(os.getpid(), value)
    elif action == "exit":
        os._exit(value)
    return ("done", value)


def no_grace(task):
    return 0.0


def test_outcomes_come_in_order_from_several_workers():
    workers = Workers(work, budget=10, grace=no_grace)
    try:
        workers.grow(2)
        tasks = [("sleep", 0.05 if i % 3 == 0 else 0) for i in range(20)]
        assert list(workers.map(tasks)) == [("done", v) for _, v in tasks]
    finally:
        workers.close()


def test_a_task_over_its_budget_or_whose_worker_dies_fails_alone():
    workers = Workers(work, budget=0.5, grace=no_grace)
    try:
        started = time.monotonic()
        outcomes = list(workers.map([("echo", 1), ("sleep", 30), ("echo", 2),
                                     ("die", signal.SIGSEGV), ("echo", 3), ("exit", 3),
                                     ("echo", 4)]))
        assert time.monotonic() - started < 10
    finally:
        workers.close()
    assert outcomes == [
        ("done", 1), Overrun("took longer than 0.5 s to scan (setting SCAN_TIMEOUT)"),
        ("done", 2), Overrun("the process scanning it died (SIGSEGV)"), ("done", 3),
        Overrun("the process scanning it ended unexpectedly (exit code 3)"), ("done", 4)]


def test_the_budget_starts_again_when_the_work_marks_its_fetch_done():
    # 0.4 s of fetching (within its grace), then 0.4 s of parsing: within a 0.6 s budget.
    workers = Workers(work, budget=0.6, grace=lambda task: 5.0)
    try:
        assert list(workers.map([("mark-then-sleep", 0.4)])) == [("done", 0.4)]
    finally:
        workers.close()


def test_a_map_started_while_another_waits_loses_none_of_its_outcomes():
    workers = Workers(work, budget=10, grace=no_grace)
    try:
        outer = workers.map([("sleep", 0.05), ("echo", "b"), ("echo", "c"), ("echo", "d")])
        assert next(outer) == ("done", 0.05)
        assert list(workers.map([("echo", "again")], first=True)) == [("done", "again")]
        assert list(outer) == [("done", "b"), ("done", "c"), ("done", "d")]
    finally:
        workers.close()

"""A job on the archive: scan the sources, then fetch what is due (and recheck
what is old), under the archive's lock, logged and recorded in `runs`."""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import clock, interrupt
from .errors import ArchiveError, ArchiverError
from .fetch import Fetcher, FetchReport
from .jobs import ArchiveLock, Job
from .ledger import Schedule
from .scan.stage import ScanReport, ScanResult, scan_sources
from .settings import Settings
from .store import Store

EXIT_OK, EXIT_SOME_FAILED, EXIT_FATAL = 0, 1, 3
EXIT_CRASH = 5  # an unexpected exception: a bug


@dataclass
class JobResult:
    scanned: ScanReport = field(default_factory=ScanReport)
    fetched: FetchReport | None = None
    exit_code: int = EXIT_FATAL
    error: str | None = None
    stale_lock_of: str | None = None
    scanned_any: bool = False


def run_job(
    settings: Settings,
    command: str,
    specs: list[str],
    *,
    fetch: bool = True,
    recheck_days: float | None = None,
    retry_failed: bool = False,
    refresh: bool = False,
    upgrade: bool = False,
    on_event: Callable[[dict], None] = lambda e: None,
    on_source: Callable[[ScanResult], None] = lambda r: None,
    cluster: str | None = None,
) -> JobResult:
    """Raises LockHeld when another job holds the archive, ArchiverError when the
    archive cannot be opened; every other trouble ends in the result, except an
    unexpected exception (a bug) or an interrupt, which is recorded as the run's
    end (EXIT_CRASH, EXIT_INTERRUPTED) and raised again."""
    now = clock.make_clock(settings.now)
    # The lock comes first: creating or upgrading the database happens under it.
    try:
        lock = ArchiveLock(Path(settings.archive)).acquire()
    except OSError as exc:
        raise ArchiveError(
            f"cannot open the archive at {settings.archive}: {exc.strerror or exc}") from None
    try:
        store = Store(settings.archive)
        try:
            job = Job(store, lock, command, now())
        except BaseException:
            store.close()
            raise
    except BaseException:
        lock.release()
        raise
    result = JobResult(stale_lock_of=lock.stale_pid)

    def event(record: dict) -> None:
        job.event(record)
        on_event(record)

    def source(res: ScanResult) -> None:
        if res.error:
            event({"event": "source", "source": res.source, "error": res.error})
        else:
            event({"event": "source", "source": res.source, "outcome": res.outcome,
                   "embeds": len(res.embeds), "warnings": res.warnings or None})
        on_source(res)

    try:
        if specs:
            result.scanned_any = True
            result.scanned = scan_sources(specs, settings, on_result=source, store=store,
                                          skip_unchanged=True, cluster=cluster)
        if fetch:
            schedule = Schedule(settings.retry_base_minutes, settings.max_attempts,
                                retry_failed)
            result.fetched = Fetcher(settings, store, events=event, schedule=schedule,
                                     recheck_days=recheck_days, refresh=refresh,
                                     upgrade=upgrade).run()
        failures = result.scanned.failed + (result.fetched.failures if result.fetched else 0)
        result.exit_code = EXIT_SOME_FAILED if failures else EXIT_OK
    except ArchiverError as exc:
        result.error = str(exc)
    except (OSError, sqlite3.Error) as exc:
        result.error = f"cannot write to the archive at {settings.archive}: {exc}"
    except KeyboardInterrupt:
        result.exit_code, result.error = interrupt.exit_code(), interrupt.interrupted_by()
        raise
    except BaseException as exc:
        result.exit_code, result.error = EXIT_CRASH, f"internal error: {exc!r}"
        job.event({"event": "crash", "error": result.error,
                   "traceback": traceback.format_exc()})
        raise
    finally:
        try:
            job.finish(now(), result.exit_code, _counts(result), result.error)
        except (OSError, sqlite3.Error) as exc:
            result.error = result.error or f"could not record the run: {exc}"
        job.close()
        store.close()
    return result


def _counts(result: JobResult) -> dict:
    counts = {"sources": result.scanned.scanned, "sources_failed": result.scanned.failed}
    report = result.fetched
    if report:
        counts.update(
            links_resolved=report.links["resolved"], links_failed=report.links["failed"],
            archived=report.posts["archived"], deleted=report.posts["deleted"],
            unavailable=report.posts["unavailable"], failed=report.posts["failed"],
            deferred=report.posts["deferred"] + report.links["deferred"],
            rechecked=sum(report.rechecked.values()),
            refreshed=report.refreshed["filled"],
        )
    return counts

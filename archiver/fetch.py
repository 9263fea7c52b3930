"""The fetch stage: resolve every due link, learn ids and quotes from them
(learn.py), fetch and classify every due post, capture what exists, recheck
what is old, and record it all.

HTTP runs in worker threads (requests), the browser in asyncio (Playwright);
every database write happens on the loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import clock, evidence, learn, media, platforms
from .capture import BrowserMissing, Capture, Capturer
from .errors import ArchiveError
from .ledger import FetchLedger, Schedule
from .net import HOST_STOPPED, Answer, Client, FetchRefused, Unreachable
from .platforms import EmbedPage, Platform, Verdict
from .resolve import Resolution, resolve
from .settings import Settings
from .store import Store


@dataclass
class FetchReport:
    links: Counter = field(default_factory=Counter)  # resolved / failed / deferred
    posts: Counter = field(default_factory=Counter)  # by status, and deferred
    rechecked: Counter = field(default_factory=Counter)  # unchanged / edited / gone / failed
    refreshed: Counter = field(default_factory=Counter)  # filled / withheld / failed
    upgraded: Counter = field(default_factory=Counter)  # upgraded / edited / gone / failed
    media: Counter = field(default_factory=Counter)  # kept / failed
    ids_learned: int = 0
    quotes: int = 0
    cited: int = 0  # posts articles' links turned out to lead to
    captures: int = 0
    cleaned: int = 0

    @property
    def failures(self) -> int:
        """Work that did not settle: failed, or deferred to the next run."""
        return (self.links["failed"] + self.links["deferred"] + self.posts["failed"]
                + self.posts["deferred"] + self.rechecked["failed"] + self.refreshed["failed"]
                + self.upgraded["failed"] + self.media["failed"])

    def summary(self) -> str:
        links = ", ".join(f"{n} {k}" for k, n in sorted(self.links.items())) or "none due"
        posts = ", ".join(f"{n} {k}" for k, n in sorted(self.posts.items())) or "none due"
        text = f"Links: {links}. Posts: {posts}."
        if self.rechecked:
            text += " Rechecked: " + ", ".join(
                f"{n} {k}" for k, n in sorted(self.rechecked.items())) + "."
        if self.refreshed:
            text += " Refreshed from syndication: " + ", ".join(
                f"{n} {k}" for k, n in sorted(self.refreshed.items())) + "."
        if self.upgraded:
            text += " Captures upgraded: " + ", ".join(
                f"{n} {k}" for k, n in sorted(self.upgraded.items())) + "."
        if self.media:
            text += " Media files: " + ", ".join(
                f"{n} {k}" for k, n in sorted(self.media.items())) + "."
        if self.ids_learned:
            text += f" Ids learned from links: {self.ids_learned}."
        if self.quotes:
            text += f" Quoted posts found: {self.quotes}."
        if self.cited:
            text += f" Posts cited through articles' links: {self.cited}."
        if self.cleaned:
            text += f" Left-overs of an interrupted run removed: {self.cleaned}."
        return text + f" Capture folders written: {self.captures}."


_ARCHIVE_UNWRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


# Seconds the tasks still running when the fetch stage ends (a capture cut short by
# Ctrl-C, a call into a browser that is gone) get to finish once cancelled.
STRAGGLER_GRACE = 15.0


def run_bounded(main, grace: float):
    """asyncio.run, except that the tasks left when `main` ends are given `grace`
    seconds to end once cancelled, not for ever: asyncio.run waits for every one,
    so a single call that never returns (a browser that died mid-call) would keep
    the process, and the archive's lock, until someone killed it. Ctrl-C cancels
    `main` and raises KeyboardInterrupt, as with asyncio.run."""
    runner = asyncio.Runner()
    try:
        return runner.run(main)
    finally:
        loop = runner.get_loop()
        left = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in left:
            task.cancel()
        if left:
            loop.run_until_complete(asyncio.wait(left, timeout=grace))
        if any(not t.done() for t in left):
            # Abandoned: asyncio would report each as destroyed while pending.
            loop.set_exception_handler(lambda loop, context: None)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
        else:
            runner.close()


def _stamp(now: str) -> str:
    return now.replace("-", "").replace(":", "")


class Fetcher:
    def __init__(self, settings: Settings, store: Store,
                 events: Callable[[dict], None] | None = None,
                 schedule: Schedule | None = None, recheck_days: float | None = None,
                 refresh: bool = False, upgrade: bool = False):
        self.settings = settings
        self.store = store
        self.schedule = schedule or Schedule(settings.retry_base_minutes, settings.max_attempts)
        self.ledger = FetchLedger(store, self.schedule)
        self.events = events or (lambda event: None)
        self.clock = clock.make_clock(settings.now)
        self.recheck_days = recheck_days
        self.refresh = refresh
        self.upgrade = upgrade  # new captures, with WACZ and media, for posts without them
        self.report = FetchReport()
        self._capturer: Capturer | None = None
        self._browser_error: str | None = None
        self._capturer_lock: asyncio.Lock | None = None

    def run(self) -> FetchReport:
        self.report.cleaned = self._clean_leftovers()
        run_bounded(self._run(), STRAGGLER_GRACE)
        return self.report

    def _clean_leftovers(self) -> int:
        """A killed run may leave a half-written folder, or a complete one it never
        recorded: neither is evidence the archive stands behind, so both go (the
        post is still due and is captured again). Only a killed job leaves them,
        so the archive's folders are walked only after one."""
        if not self.ledger.earlier_run_unfinished():
            return 0
        return evidence.remove_unreferenced(
            self.store.archive_dir, self.ledger.referenced_capture_folders()
        )

    async def _run(self) -> None:
        self._capturer_lock = asyncio.Lock()
        workers = max(4, self.settings.concurrency * 2)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
        self.client = Client(self.settings)
        try:
            started = self.clock()
            # Under the run lock, before any post is worked on: no fetch holds a
            # record this deletes.
            self.store.merge_other_ids(started)
            await self._resolve_links()
            learn.from_links(self.store, self.ledger, self.settings, started, self.clock(),
                             self.report, self.events)
            seen: set[int] = set()
            for _wave in range(2):  # the second wave: posts quoted by the first
                due = [p for p in self.ledger.posts_due(self.clock()) if p["pk"] not in seen]
                if not due:
                    break
                seen.update(p["pk"] for p in due)
                await self._each(due, recheck=False)
            if self.recheck_days is not None:
                before = clock.days_before(self.clock(), self.recheck_days)
                due = [p for p in self.ledger.posts_to_recheck(before) if p["pk"] not in seen]
                await self._each(due, recheck=True)
            if self.refresh:
                await self._refresh_all(self.ledger.posts_to_refresh(
                    [(p.name, e) for p in platforms.all_platforms() for e in p.partial_endpoints]))
            if self.upgrade:
                due = [p for p in self.ledger.posts_to_upgrade() if p["pk"] not in seen]
                await self._each(due, recheck=True, upgrade=True)
        finally:
            if self._capturer is not None:
                await self._capturer.__aexit__(None, None, None)
            self.client.close()
            self.pool.shutdown(wait=False, cancel_futures=True)

    async def _each(self, posts: list[dict], recheck: bool, upgrade: bool = False) -> None:
        stage = "upgrades" if upgrade else "rechecks" if recheck else "posts"
        self.events({"event": "plan", "stage": stage, "total": len(posts)})
        limit = asyncio.Semaphore(self.settings.concurrency)

        async def one(post):
            async with limit:
                await self._process(post, recheck, upgrade)

        await asyncio.gather(*(one(p) for p in posts))

    async def _refresh_all(self, posts: list[dict]) -> None:
        """Ask again for posts archived from a partial endpoint alone (the platform's
        refresh_lookup); where it answers now, their media and exact time are filled in."""
        self.events({"event": "plan", "stage": "refresh", "total": len(posts)})
        limit = asyncio.Semaphore(self.settings.concurrency)

        async def one(post):
            platform = platforms.get(post["platform"])
            lookup = platform.refresh_lookup(post, self.settings)
            if lookup is None:
                return
            async with limit:
                answer = await self._in_thread(self._get, lookup.url, lookup.headers)
            if answer.error == HOST_STOPPED:
                self.report.refreshed["deferred"] += 1
                return
            finding = platform.read_refresh(answer, post)
            if finding.kind == "found":
                self.ledger.fill_live_data(post["pk"], finding.data, self.clock())
                outcome = "filled"
            else:
                outcome = "failed" if answer.error or finding.kind == "error" else "withheld"
            self.report.refreshed[outcome] += 1
            self.events({"event": "refresh", "post": post["id"], "handle": post.get("handle"),
                         "outcome": outcome, "reason": finding.reason})

        await asyncio.gather(*(one(p) for p in posts))

    async def _in_thread(self, func, *args):
        return await asyncio.get_running_loop().run_in_executor(self.pool, func, *args)

    # -- links ----------------------------------------------------------------
    async def _resolve_links(self) -> None:
        codes = self.ledger.links_due(self.clock())
        self.events({"event": "plan", "stage": "links", "total": len(codes)})
        limit = asyncio.Semaphore(max(self.settings.concurrency, 4))

        async def one(code):
            async with limit:
                try:
                    result = await self._in_thread(resolve, self.client, code)
                except Exception as exc:  # noqa: BLE001 - a bug must not lose the other links
                    result = Resolution(code, error=f"internal error: {exc!r}", transient=True)
            if result.error == HOST_STOPPED or (result.error or "").endswith(HOST_STOPPED):
                self.report.links["deferred"] += 1
                return  # left due for the next run
            self.ledger.save_resolution(result, self.clock())
            outcome = "failed" if result.error else "resolved"
            self.report.links[outcome] += 1
            self.events({"event": "link", "code": code, "outcome": outcome,
                         "resolved": result.resolved, "error": result.error,
                         "note": result.note})

        await asyncio.gather(*(one(code) for code in codes))

    # -- posts ----------------------------------------------------------------
    async def _process(self, post: dict, recheck: bool, upgrade: bool = False) -> None:
        pk = post["pk"]
        try:
            platform = platforms.get(post["platform"])
        except KeyError:
            self._save(post, Verdict("failed", f"unknown platform {post['platform']!r}: recorded"
                                     " by a newer archiver?"), recheck=False)
            return
        if not post["id"]:
            errors = self.ledger.post_link_errors(pk)
            reason = "id not known: " + (
                f"its links could not be resolved ({errors[0]})" if errors
                else "no link of the post leads back to it"
            )
            self._save(post, Verdict("failed", reason), recheck=False)
            return
        post_id = post["id"]
        if not platform.valid_id(post_id):
            self._save(post, Verdict("failed", f"not a {platform.title} id: {post_id!r}"),
                       recheck=False)
            return
        files, failures, shown = [], [], None
        page = platform.embed_page(post, self.settings)
        # A new post is most likely there: open its embed page while its data is
        # fetched, rather than after (the capture is dropped if it turns out gone).
        early = (None if recheck or page is None
                 else asyncio.ensure_future(self._capture(page)))
        try:
            lookups = platform.lookups(post, self.settings)
            answers = dict(zip(
                (lookup.name for lookup in lookups),
                await asyncio.gather(*(self._in_thread(self._get, lookup.url, lookup.headers)
                                       for lookup in lookups)),
                strict=True))
            if any(a.error == HOST_STOPPED for a in answers.values()):
                self.report.posts["deferred"] += 1
                self.events({"event": "post", "post": post_id, "outcome": "deferred",
                             "reason": HOST_STOPPED})
                return
            verdict = platform.classify(answers, post)
            pieces = [
                evidence.Piece(lookup.file, lookup.name, answers[lookup.name].body,
                               answers[lookup.name].url, answers[lookup.name].status)
                for lookup in lookups if answers[lookup.name].status is not None
            ]
            edited = (verdict.status == "archived" and verdict.data is not None
                      and platform.texts_differ(post["live_text"], verdict.data.text))
            unchanged = (recheck and not upgrade and verdict.status == "archived"
                         and verdict.data is not None and not edited)
            if verdict.status == "archived" and not unchanged and page is None:
                # A platform with no page a reader can see without logging in: its
                # answers are the evidence there is.
                verdict.reason += f"; {platform.title} shows no embed page without a login"
            elif verdict.status == "archived" and not unchanged:
                capture = await early if early else await self._capture(page)
                if capture.error:
                    # The embed page may withhold what the data endpoints showed
                    # (a platform's page may read another endpoint than the one that
                    # answered): their own markup, rendered, is the evidence there is.
                    markup = platform.fallback_markup(answers, verdict)
                    fallback = await self._capture_markup(
                        markup, next((a.url for a in answers.values() if a.status == 200), ""))
                    if markup and not fallback.error:
                        verdict.reason += f"; embed page: {capture.error}; captured its markup"
                        capture = fallback
                if capture.error:
                    verdict = Verdict("failed", f"post found, capture failed: {capture.error}",
                                      verdict.data, retry=True)
                else:
                    pieces += capture.pieces
                    shown = capture
                if recheck and not capture.error:
                    verdict.reason = (f"live text changed; new capture ({verdict.reason})"
                                      if edited or not upgrade else
                                      f"new capture with its WACZ and media ({verdict.reason})")
            if not recheck and not unchanged:
                self._follow_quote(pk, platform, verdict)
            if verdict.status != "failed" and pieces and not unchanged:
                recorded = await self._keep(platform, post_id, verdict, lookups, answers,
                                            pieces, shown)
                files, failures = recorded.files, recorded.failures
                self.report.captures += 1
        except OSError as exc:
            if exc.errno in _ARCHIVE_UNWRITABLE:
                # A full disk or a read-only archive stops the run: every other
                # post would fail the same way.
                raise ArchiveError(
                    f"cannot write to the archive at {self.store.archive_dir}: {exc.strerror}"
                ) from exc
            verdict, files = Verdict("failed", f"internal error: {exc!r}", retry=True), []
        except Exception as exc:  # noqa: BLE001 - one post's trouble never stops the others
            verdict, files = Verdict("failed", f"internal error: {exc!r}", retry=True), []
        finally:
            if early is not None and not early.done():
                # An unused capture (the post is gone, or the run is being stopped) is
                # cancelled, not waited for: it closes its own context as it ends. A
                # task of its own, it would otherwise outlive a cancelled post.
                early.cancel()
                with contextlib.suppress(BaseException):
                    await early
        try:
            self._save(post, verdict, files, recheck=recheck, unchanged=recheck and unchanged,
                       upgrade=upgrade, edited=edited if recheck else None, failures=failures)
        except BaseException:
            # A capture no record names is not evidence the archive stands behind.
            evidence.discard(self.store.archive_dir, files)
            raise

    def _save(self, post: dict, verdict: Verdict, files=(), recheck: bool = False,
              unchanged: bool = False, upgrade: bool = False, edited: bool | None = None,
              failures=()) -> None:
        now = self.clock()
        self.ledger.save_outcome(post["pk"], verdict.status, verdict.reason, now,
                                 data=verdict.data, files=list(files), recheck=recheck,
                                 edited=edited, failures=list(failures))
        if upgrade:
            outcome = ("failed" if verdict.status == "failed" else "edited" if edited
                       else "upgraded" if verdict.status == "archived" else "gone")
            self.report.upgraded[outcome] += 1
        elif recheck:
            outcome = ("unchanged" if unchanged else "failed" if verdict.status == "failed"
                       else "edited" if verdict.status == "archived" else "gone")
            self.report.rechecked[outcome] += 1
        else:
            outcome = verdict.status
            self.report.posts[outcome] += 1
        self.events({"event": "upgrade" if upgrade else "recheck" if recheck else "post",
                     "post": post["id"],
                     "handle": post.get("handle"), "outcome": outcome,
                     "status": verdict.status, "reason": verdict.reason})

    def _follow_quote(self, pk: int, platform: Platform, verdict: Verdict) -> None:
        data = verdict.data
        if not data or not data.quoted_id or self.ledger.is_quoted_only(pk):
            return
        self.report.quotes += learn.add_quote(
            self.ledger, self.settings, pk,
            platforms.PostRef(platform.name, data.quoted_id, data.quoted_handle),
            data.endpoint or "data", self.clock())

    # -- evidence -------------------------------------------------------------
    async def _keep(self, platform: Platform, post_id: str, verdict: Verdict, lookups,
                    answers: dict, pieces: list, shown: Capture | None) -> evidence.Recorded:
        """Write the capture folder: its files, the post's media at full quality
        (a post that is there), and a WACZ of every HTTP exchange of the capture."""
        now = self.clock()
        draft = await self._in_thread(evidence.Draft, self.store.archive_dir, platform.name,
                                      post_id, _stamp(now))
        try:
            kept = []
            if verdict.status == "archived" and verdict.data is not None:
                kept = await self._media(platform, verdict.data.media, draft.folder, shown)
            web = evidence.web_archive(platform, post_id, verdict, lookups, answers, pieces,
                                       shown, kept)
            return await self._in_thread(draft.finish, now, pieces, kept, web)
        except BaseException:
            draft.discard()
            raise

    async def _media(self, platform: Platform, items: list, folder, shown: Capture | None):
        """Each photo, video and GIF at its best: one the browser received whole is
        written from what it received; the others are downloaded."""
        seen = {e.url: e for e in (shown.exchanges if shown else ())
                if e.status == 200 and e.body}
        max_bytes = self.settings.max_media_bytes

        def one(file: media.MediaFile) -> media.Kept:
            if file.url in seen:
                return media.keep_from_browser(file, folder, seen[file.url])
            return media.download(self.client, file, folder, max_bytes)

        kept = await asyncio.gather(*(self._in_thread(one, f)
                                      for f in media.plan(platform, items)))
        for k in kept:
            # A file the platform does not offer at all is recorded, not retried: it
            # is no failure of this run.
            self.report.media["kept" if k.name else "not offered" if k.file.url is None
                              else "failed"] += 1
            if k.error:
                self.events({"event": "media", "url": k.file.url, "position": k.file.position,
                             "error": k.error})
        return kept

    def _get(self, url: str, headers=None) -> Answer:
        try:
            return self.client.get(url, headers=dict(headers) if headers else None)
        except (FetchRefused, Unreachable) as exc:
            return Answer(url, error=str(exc))

    async def _capture_markup(self, markup: str | None, source_url: str) -> Capture:
        if not markup or self._capturer is None:
            return Capture(error="no oEmbed markup to render")
        return await self._capturer.capture_markup(markup, source_url)

    async def _capture(self, page: EmbedPage) -> Capture:
        async with self._capturer_lock:
            if self._capturer is None and self._browser_error is None:
                capturer = Capturer(self.settings)
                try:
                    await capturer.__aenter__()
                    self._capturer = capturer
                except BrowserMissing as exc:
                    self._browser_error = str(exc)
        if self._capturer is None:
            return Capture(error=self._browser_error)
        capture = await self._capturer.capture(page)
        if capture.blocked:
            # What the page tried to reach and was refused: in the run's log, for
            # whoever wonders why a capture lacks an image (or who probed the network).
            self.events({"event": "blocked", "url": page.url, "count": len(capture.blocked),
                         "requests": capture.blocked[:20]})  # the first few tell the story
        return capture

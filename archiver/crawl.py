"""Crawling whole outlets: discover article URLs, fetch what is new, run it through the pipeline.

One asyncio loop does the network I/O: discovery per outlet (feeds, sitemaps, listing pages,
with conditional requests), then article fetches through the shared polite `Fetcher`.
Extraction is CPU-bound, so fetched pages go to a process pool sized to the cores (which also
builds their WARC records) while the loop keeps fetching. Everything that touches the archive
index (frontier, dedup, storage and its fsyncs) runs in order on one writer thread, so the loop
never waits for the disk. The frontier makes a run idempotent and resumable; a failing source,
URL or outlet is reported as a record and the rest carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import multiprocessing
import os
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from archiver.config import Outlet, Settings
from archiver.decode import decode_body
from archiver.discover import (
    DiscoveryError,
    Link,
    default_sitemaps,
    feeds_in_html,
    links_in_listing,
    next_listing_page,
    parse_date,
    parse_feed,
    parse_sitemap,
    sitemaps_in_robots,
    wordpress_feed,
)
from archiver.errors import FetchError
from archiver.extract import ExtractOptions
from archiver.fetch import Fetcher
from archiver.frontier import Frontier, SourceValidators
from archiver.models import Outcome, Page
from archiver.pipeline import Extraction, Pipeline, Verdict, check_page, extract_page
from archiver.store import Store
from archiver.urls import url_key
from archiver.warc import WarcExchange, build_exchange

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({404, 410})
WORKER_NICENESS = 5  # extraction workers run below the crawl process (see _init_worker)
OPTIONS_REFRESH = 20  # articles of an outlet between two reads of its learned boilerplate
T = TypeVar("T")


@dataclass(frozen=True)
class CrawlOptions:
    """What one `archiver crawl` run should do."""

    outlets: tuple[str, ...] = ()  # names; empty: every configured outlet
    max_articles: int | None = None  # article fetches per outlet in this run
    since: datetime | None = None  # skip links whose feed/sitemap dates are all older
    dry_run: bool = False
    refresh: bool = False


@dataclass(frozen=True)
class Record:
    """One line of crawl output: an article outcome, a planned URL or a failed source."""

    outlet: str
    kind: str  # article | feed | sitemap | listing | home | outlet
    outcome: Outcome
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.outcome.to_dict()
        data["outlet"] = self.outlet
        data["kind"] = self.kind
        data.update(self.extra)
        return data


@dataclass
class Summary:
    """Totals for the end-of-run line and the exit code."""

    outlets: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    failed_outlets: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nothing_done(self) -> bool:
        """Every outlet failed outright (e.g. all unreachable)."""
        return bool(self.outlets) and len(self.failed_outlets) == self.outlets

    def line(self) -> str:
        c = self.counts
        return (
            f"crawl: {self.outlets} outlets, {c['stored']} new, {c['duplicate']} duplicates, "
            f"{c['failed']} failed, {c['skipped']} skipped in {self.seconds:.1f} s"
        )


Emit = Callable[[Record], None]
Progress = Callable[[str, int, int], None]  # outlet, articles done, articles found


def _warm() -> int:
    return os.getpid()


def _init_worker() -> None:
    """Worker initializer: yield the CPU to the crawl process, exit when it is gone.

    The crawl process is the serial stage (dedup, WARC, index); with as many workers as cores
    it would get a core only part of the time and hold every worker up. At a lower priority the
    workers take what it leaves. Without a parent (killed with SIGKILL, say) a worker would wait
    for work forever: it watches and exits.
    """
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="archiver-parent-watch", daemon=True).start()


def extract_in_worker(
    page: Page, outlet: Outlet | None, options: ExtractOptions
) -> tuple[Extraction, WarcExchange | None]:
    """`extract_page` in a worker process, plus the page's WARC records when it is an article.

    Building the records (digests, gzip) is most of the storage's CPU; done here, the crawl
    process, which stores serially, only appends the bytes.
    """
    result = extract_page(page, outlet, options)
    return result, None if isinstance(result, Verdict) else build_exchange(page)


def make_pool(workers: int) -> Executor | None:
    """A process pool for extraction (None: in-process). Create it before any thread or lock.

    Forked workers inherit every open descriptor, so a pool created after the archive lock
    would keep the lock held after the crawl died; and they watch their parent, because a
    sibling holding the task pipe open would otherwise keep an orphan waiting forever.
    """
    if workers <= 0:
        return None
    # fork: workers inherit the imported extractor at once; spawn would re-import trafilatura.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker
    )
    for future in [pool.submit(_warm) for _ in range(workers)]:
        future.result()
    return pool


class Crawler:
    """One crawl run over an open store (writable unless dry-run; may be None for a dry run)."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None,
        options: CrawlOptions,
        emit: Emit,
        progress: Progress | None = None,
        pool: Executor | None = None,
        workers: int = 0,
    ) -> None:
        """`pool` runs extraction in `workers` processes (from `make_pool`); None: in-process."""
        self.settings = settings
        self.store = store
        self.options = options
        self.emit = emit
        self.progress = progress
        self.pool = pool
        self.pipeline = (
            Pipeline(settings, store) if store is not None and not options.dry_run else None
        )
        # A dry run keeps its bookkeeping in memory: it must leave the archive untouched.
        if store is not None and not options.dry_run:
            conn = store.conn
        else:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.frontier = Frontier(conn)
        self.summary = Summary()
        # Every index read and write (frontier, dedup, store with its fsyncs) runs on this one
        # thread, in order, so the event loop never waits for the disk.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="archiver-index")
        self._options: dict[str, ExtractOptions] = {}
        self._option_uses: dict[str, int] = {}
        self._slots = asyncio.Semaphore(
            max(1, settings.fetch.concurrency) + 2 * max(1, workers if pool is not None else 0)
        )

    def outlets(self) -> list[Outlet]:
        """The outlets to crawl, in config order."""
        if not self.options.outlets:
            return list(self.settings.outlets)
        return [o for o in self.settings.outlets if o.name in self.options.outlets]

    async def run(self) -> Summary:
        """Crawl every selected outlet; per-outlet errors become records, never exceptions."""
        started = time.monotonic()
        outlets = self.outlets()
        self.summary.outlets = len(outlets)
        try:
            async with Fetcher(self.settings.fetch) as fetcher:
                await asyncio.gather(*(self._outlet(fetcher, o) for o in outlets))
        finally:
            self._writer.shutdown(wait=True)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    # -- one outlet ----------------------------------------------------------------------

    async def _outlet(self, fetcher: Fetcher, outlet: Outlet) -> None:
        try:
            discovery = OutletDiscovery(self, fetcher, outlet)
            found, sources_ok = await discovery.run()
            queue, given_up = await self.db(self._plan, outlet, found, discovery.sources)
            for outcome in given_up:
                self.summary.counts["failed"] += 1
                self.emit(Record(outlet.name, "article", outcome))
            if not sources_ok and not queue:
                self._fail_outlet(outlet, "no feed, sitemap or listing page could be read")
                return
            if self.options.dry_run:
                for link in queue:
                    self._emit_planned(outlet, link)
                return
            done = 0
            if self.progress:
                self.progress(outlet.name, 0, len(queue))

            async def one(link: Link) -> None:
                nonlocal done
                async with self._slots:
                    try:
                        await self._article(fetcher, outlet, link)
                    except Exception as exc:  # noqa: BLE001 - one URL's bug fails that URL only
                        log.exception("%s failed", link.url)
                        error = f"{type(exc).__name__}: {exc}"
                        self.summary.counts["failed"] += 1
                        outcome = Outcome(link.url, "failed", None, error)
                        self.emit(Record(outlet.name, "article", outcome))
                done += 1
                if self.progress:
                    self.progress(outlet.name, done, len(queue))

            await asyncio.gather(*(one(link) for link in queue))
        except Exception as exc:  # noqa: BLE001 - isolate the outlet; the others carry on
            log.exception("outlet %s failed", outlet.name)
            self._fail_outlet(outlet, f"{type(exc).__name__}: {exc}")

    def _fail_outlet(self, outlet: Outlet, error: str) -> None:
        # Not counted in `failed`: the sources that failed were counted (and printed) already.
        self.summary.failed_outlets.append(outlet.name)
        self.emit(Record(outlet.name, "outlet", Outcome(outlet.url, "failed", None, error)))

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the index writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, functools.partial(fn, *args))

    def _plan(
        self, outlet: Outlet, found: list[Link], sources: list[SourceValidators]
    ) -> tuple[list[Link], list[Outcome]]:
        """Which discovered (and left-over) links to fetch now, newest first, capped; and the
        URLs given up now because their attempts ran out with the last one cut off."""
        wanted: dict[str, Link] = {}
        max_attempts = self.settings.crawl.max_attempts
        # The sources' validators commit with their links: a kill never leaves a feed that
        # answers 304 next time while its links are not in the frontier.
        entries = self.frontier.add_many(
            outlet.name, ((link.url, link.published, link.modified) for link in found), sources
        )
        given_up = self._give_up(outlet, max_attempts)
        keys = [url_key(link.url) for link in found]
        # Which unsettled URLs `archiver fetch` archived already: one query, not one per link.
        in_store = self._archived_keys([k for k in keys if entries[k].state != "done"])
        for link, key in zip(found, keys, strict=True):
            entry = entries[key]
            if key in wanted or entry.state == "gone" or not self._recent(link):
                continue
            if entry.state in ("failed", "pending") and entry.attempts >= max_attempts:
                continue
            archived = entry.state == "done"
            if not archived and key in in_store:
                # archived by `archiver fetch` or an earlier layout: settle it, fetch nothing
                self.frontier.finish(link.url, "done", "unchanged")
                archived = True
            if archived and not self._refresh_wanted(link, entry.finished_at):
                continue
            wanted[key] = link
        leftover = [
            (url_key(entry.url), entry)
            for entry in self.frontier.resumable(outlet.name, max_attempts)
        ]
        stored = self._archived_keys([key for key, _ in leftover if key not in wanted])
        for key, entry in leftover:
            link = Link(entry.url, parse_date(entry.published), parse_date(entry.modified))
            if key not in wanted and key not in stored and self._recent(link):
                wanted[key] = link
        ordered = sorted(wanted.values(), key=_newest_first)
        if self.options.max_articles is not None:
            ordered = ordered[: self.options.max_articles]
        return ordered, given_up

    def _give_up(self, outlet: Outlet, max_attempts: int) -> list[Outcome]:
        """Settle as failed, with an error that says so, the URLs out of attempts whose last
        request went out in a run that ended before settling it (killed, or crashed on the
        page): reported once, never requested again (one archived meanwhile by `archiver
        fetch` is settled as done)."""
        cut_off = self.frontier.cut_off(outlet.name, max_attempts)
        if not cut_off or self.pipeline is None:
            return []
        stored = self._archived_keys([url_key(entry.url) for entry in cut_off])
        given_up = []
        for entry in cut_off:
            if url_key(entry.url) in stored:
                self.frontier.finish(entry.url, "done", "unchanged")
                continue
            error = FetchError(
                f"given up after {entry.attempts} attempts, the last cut off before it was"
                " settled (the run was killed, or crashed on this page)"
            )
            assert self.store is not None
            with self.store.transaction():
                outcome = self.pipeline.record_failure(entry.url, error)
                self.frontier.finish(entry.url, "failed", outcome.status, error.message)
            log.info("failed %s (%s)", entry.url, error.message)
            given_up.append(outcome)
        return given_up

    def _recent(self, link: Link) -> bool:
        newest = link.newest()
        return self.options.since is None or newest is None or newest >= self.options.since

    def _archived_keys(self, keys: list[str]) -> set[str]:
        """Which of these URL keys the archive holds an article for."""
        if self.store is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(keys), 500):  # SQLite caps the number of parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT url_key FROM articles WHERE url_key IN ({marks})"
            found.update(row[0] for row in self.store.conn.execute(sql, chunk))
        return found

    def _refresh_wanted(self, link: Link, finished_at: str | None) -> bool:
        """--refresh refetches archived articles, except those whose lastmod says unchanged."""
        if not self.options.refresh:
            return False
        fetched = parse_date(finished_at)
        return link.modified is None or fetched is None or link.modified > fetched

    def _emit_planned(self, outlet: Outlet, link: Link) -> None:
        extra = {
            "published": link.published.isoformat() if link.published else None,
            "modified": link.modified.isoformat() if link.modified else None,
        }
        self.summary.counts["planned"] += 1
        self.emit(Record(outlet.name, "article", Outcome(link.url, "pending"), extra))

    # -- one article ---------------------------------------------------------------------

    async def _article(self, fetcher: Fetcher, outlet: Outlet, link: Link) -> None:
        url = link.url
        # The attempt counts when the request goes out, not while the URL waits for its
        # host's turn: a run killed meanwhile has not tried it. Queued on the writer thread
        # (in order, before this URL's settling) so the request does not wait for the disk.
        counted: list[Future[None]] = []

        def count_attempt() -> None:
            counted.append(self._writer.submit(self.frontier.start, url))

        try:
            page = await fetcher.fetch(url, scope=outlet.owns, on_send=count_attempt)
        except FetchError as exc:
            if counted:
                await asyncio.wrap_future(counted[0])
            outcome = await self.db(self._settle_failure, url, exc, bool(counted))
        else:
            # In the index before extraction: a page that crashes the crawl each time it is
            # extracted runs out of attempts instead of stopping every later run.
            await asyncio.wrap_future(counted[0])
            verdict = check_page(page)
            if verdict is not None:
                result: Extraction = verdict
                exchange: WarcExchange | None = None
            else:
                result, exchange = await self._extract_async(page, outlet, link)
            outcome = await self.db(self._settle, url, page, result, exchange)
        self.summary.counts[outcome.status] += 1
        log.info("%s %s%s", outcome.status, url, f" ({outcome.error})" if outcome.error else "")
        self.emit(Record(outlet.name, "article", outcome))

    async def _extract_async(
        self, page: Page, outlet: Outlet, link: Link
    ) -> tuple[Extraction, WarcExchange | None]:
        """The extraction, and the WARC records when a worker built them (in-process, the
        writer thread builds them while this thread extracts the next page).

        The page is the outlet's that `outlet_for_url` gives it, as in `archiver fetch`: on a
        host two outlets share, the one whose home path is the longest prefix of the URL."""
        outlet = self.settings.outlet_for_url(page.final_url) or outlet
        options = await self._extract_options(outlet)
        if link.published is not None:  # the feed's or sitemap's date, for date_source "feed"
            options = dataclasses.replace(options, feed_published=link.published.isoformat())
        if self.pool is None:
            return extract_page(page, outlet, options), None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, extract_in_worker, page, outlet, options)

    async def _extract_options(self, outlet: Outlet) -> ExtractOptions:
        """The outlet's extraction options with what the archive learned (re-read now and then:
        learned boilerplate grows as articles are stored)."""
        uses = self._option_uses[outlet.name] = self._option_uses.get(outlet.name, 0) + 1
        cached = self._options.get(outlet.name)
        if cached is None or uses % OPTIONS_REFRESH == 0:
            assert self.pipeline is not None
            cached = await self.db(self.pipeline.extract_options, outlet, None)
            self._options[outlet.name] = cached
        return cached

    def _settle(
        self, url: str, page: Page, result: Extraction, exchange: WarcExchange | None
    ) -> Outcome:
        """Store (or log the rejection of) a fetched page and settle its frontier row, in one
        transaction: the article, its fetch, the learned counts and the URL's state commit
        together (one commit, not one per step and per dedup key; a failure half-way leaves
        the URL pending, its article unstored).

        The same steps as `Pipeline.process_page` after extraction, which ran in a worker.
        """
        assert self.pipeline is not None and self.store is not None
        with self.store.transaction():
            if isinstance(result, Verdict):
                outcome = self.pipeline.reject(page, result)
            else:
                article, extracted = result
                outcome = self.pipeline.store_extracted(page, article, extracted, exchange)
            if outcome.status != "failed":
                state = "done"
            else:
                state = "gone" if page.status in GONE_STATUSES else "failed"
            self.frontier.finish(url, state, outcome.status, outcome.error)
        return outcome

    def _settle_failure(self, url: str, exc: FetchError, sent: bool) -> Outcome:
        """Log a URL that could not be fetched (policy refusals are skips, not failures).

        `sent`: its request went out (the attempt is counted). A transient failure before that
        (robots.txt unreachable: the host is down) is this run's failure, not the page's: it
        stays as it was, its attempts unspent, and is tried again next run. A permanent one
        (robots.txt refuses it, an invalid URL) is settled as gone, no attempt spent either.
        """
        assert self.pipeline is not None and self.store is not None
        with self.store.transaction():
            outcome = self.pipeline.record_failure(url, exc)
            if sent or exc.permanent:
                state = "gone" if exc.permanent else "failed"
                self.frontier.finish(url, state, outcome.status, exc.message)
        return outcome


def _newest_first(link: Link) -> tuple[int, float]:
    newest = link.newest()
    return (0, -newest.timestamp()) if newest else (1, 0.0)


class OutletDiscovery:
    """Finds one outlet's article links; a broken source is reported and the rest still used."""

    def __init__(self, crawler: Crawler, fetcher: Fetcher, outlet: Outlet) -> None:
        self.crawler = crawler
        self.fetcher = fetcher
        self.outlet = outlet
        self.settings = crawler.settings.crawl
        self.pattern = re.compile(outlet.article_pattern) if outlet.article_pattern else None
        self.links: list[Link] = []
        self.unmatched: dict[str, None] = {}  # the outlet's links `article_pattern` turned away
        self.sources: list[SourceValidators] = []  # saved with the links, by `Crawler._plan`
        self.ok = 0  # sources read (or unchanged)
        # Feeds, sitemaps and listings that answered 304: saved only when their links matched
        # the pattern (or they had none), so they show the pattern still matches something.
        self.unchanged = 0
        self.sitemaps_seen: set[str] = set()

    async def run(self) -> tuple[list[Link], bool]:
        """All links found, and whether at least one source could be read."""
        outlet = self.outlet
        # An empty list means "find them": feeds from the home page, sitemaps from robots.txt
        # or the usual locations. Guessed locations that do not exist are not errors.
        feeds, guessed_feed = list(outlet.feeds), False
        if not feeds:
            feeds, guessed_feed = await self._autodiscover_feeds()
        sitemaps = list(outlet.sitemaps) or await self._robots_sitemaps()
        guessed_sitemaps = [] if sitemaps else default_sitemaps(outlet.url)
        tasks: list[Awaitable[Any]] = [self._feed(url, guessed=guessed_feed) for url in feeds]
        tasks += [self._sitemap(url, 0) for url in sitemaps]
        tasks += [self._listing(url) for url in outlet.start_urls]
        await asyncio.gather(*tasks)
        for url in guessed_sitemaps:  # WordPress core's first, then the common name
            if await self._sitemap(url, 0, guessed=True):
                break
        if self.unmatched and not self.links and not self.unchanged:
            # A pattern that matches none of what the outlet lists is most likely out of date
            # (the site changed its permalinks): a failure to fix, not nothing new to archive.
            # Those sources' validators were not kept: every run reads them in full and fails
            # again until the pattern is fixed (a 304 would pass for a quiet run).
            self._report(
                outlet.url,
                "outlet",
                f"article_pattern matches none of the {len(self.unmatched)} links found "
                f"(such as {next(iter(self.unmatched))})",
            )
        return self.links, self.ok > 0

    # -- fetching a source ---------------------------------------------------------------

    async def _get(self, url: str, kind: str, *, guessed: bool = False) -> Page | None:
        """GET a source with its validators; None (after reporting) when it is unusable.

        Guessed locations (/feed/, /wp-sitemap.xml, /sitemap.xml) fail silently.
        """
        if not self.outlet.owns(url):
            hosts = ", ".join(sorted(self.outlet.all_hosts()))
            self._report(url, kind, f"not on the outlet's hosts ({hosts})")
            return None
        # A dry run must see every link, and --refresh re-examines what is archived: both
        # read sources in full instead of conditionally.
        full = self._dry or self.crawler.options.refresh
        pattern, validators = self.outlet.article_pattern, self.crawler.frontier.validators
        headers = {} if full else await self.crawler.db(validators, url, pattern)
        try:
            page = await self.fetcher.fetch(url, headers=headers, scope=self.outlet.owns)
        except FetchError as exc:
            if not guessed:
                self._report(url, kind, exc.message)
            return None
        log.info("%s %s: HTTP %s", kind, url, page.status)
        return page

    @property
    def _dry(self) -> bool:
        return self.crawler.options.dry_run

    def _report(self, url: str, kind: str, error: str) -> None:
        log.info("%s: %s %s: %s", self.outlet.name, kind, url, error)  # -v; stdout has it
        self.crawler.summary.counts["failed"] += 1
        self.crawler.emit(
            Record(self.outlet.name, kind, Outcome(url, "failed", None, f"{kind}: {error}"))
        )

    def _remember(self, page: Page, links: list[str] | None = None) -> None:
        """Keep a source's validators (and the links to reuse on a 304) for `Crawler._plan`,
        which saves them in the transaction that puts the links found into the frontier."""
        if not self._dry:
            etag, modified = page.header("etag"), page.header("last-modified")
            pattern = self.outlet.article_pattern
            self.sources.append(SourceValidators(page.url, etag, modified, links, pattern))

    async def _unchanged_links(self, url: str) -> list[str]:
        return [] if self._dry else await self.crawler.db(self.crawler.frontier.saved_links, url)

    async def _forget(self, url: str) -> None:
        await self.crawler.db(self.crawler.frontier.forget, [url])

    # -- sources -------------------------------------------------------------------------

    async def _autodiscover_feeds(self) -> tuple[list[str], bool]:
        """Feeds the home page announces, else WordPress's /feed/ (True: only a guess)."""
        home = self.outlet.url
        page = await self._get(home, "home")
        if page is None:
            return [], False
        if page.status == 304:
            # Saved: the feeds it announces, [] when it announces none (/feed/ was a guess).
            saved = await self._unchanged_links(home)
            return (saved, False) if saved else ([wordpress_feed(home)], True)
        if not 200 <= page.status < 300:
            # Only an error when the home page is the outlet's one way in.
            if not (self.outlet.sitemaps or self.outlet.start_urls):
                self._report(home, "home", f"HTTP {page.status}")
            return [], False
        html, _ = decode_body(page.body, page.header("content-type"))
        try:
            feeds = [u for u in feeds_in_html(html, page.final_url) if self.outlet.owns(u)]
        except DiscoveryError:
            feeds = []
        self._remember(page, feeds)
        return (feeds, False) if feeds else ([wordpress_feed(home)], True)

    async def _robots_sitemaps(self) -> list[str]:
        robots = await self.fetcher.robots_txt(self.outlet.url)
        if robots is None:
            return []
        return [u for u in sitemaps_in_robots(robots, self.outlet.url) if self.outlet.owns(u)]

    async def _feed(self, url: str, *, guessed: bool = False) -> None:
        page = await self._get(url, "feed", guessed=guessed)
        if page is None:
            return
        if page.status == 304:
            self.ok += 1
            self.unchanged += 1
            return
        if not 200 <= page.status < 300:
            if not (guessed and page.status in GONE_STATUSES):
                self._report(url, "feed", f"HTTP {page.status}")
            return
        try:
            links = parse_feed(page.body, page.final_url, page.header("content-type"))
        except DiscoveryError as exc:
            await self._forget(url)
            if not guessed:
                self._report(url, "feed", exc.message)
            return
        self.ok += 1
        if self._judged_by_pattern(*self._add(links)):
            self._remember(page)

    async def _sitemap(self, url: str, depth: int, *, guessed: bool = False) -> bool:
        """Read a sitemap (following an index down to `sitemap_depth`); True if it was usable."""
        if url in self.sitemaps_seen or len(self.sitemaps_seen) >= self.settings.max_sitemaps:
            return False
        self.sitemaps_seen.add(url)
        page = await self._get(url, "sitemap", guessed=guessed)
        if page is None:
            return False
        if page.status == 304:
            self.ok += 1
            saved = await self._unchanged_links(url)
            self.unchanged += not saved  # a sitemap of articles, not an index of sitemaps
            await self._children([Link(u) for u in saved], depth)
            return True
        if not 200 <= page.status < 300:
            if not (guessed and page.status in GONE_STATUSES):
                self._report(url, "sitemap", f"HTTP {page.status}")
            return False
        try:
            sitemap = parse_sitemap(page.body, page.final_url)
        except DiscoveryError as exc:
            await self._forget(url)
            if not guessed:
                self._report(url, "sitemap", exc.message)
            return False
        self.ok += 1
        if sitemap.is_index:
            children = [c for c in sitemap.children if self.outlet.owns(c.url)]
            self._remember(page, [c.url for c in children])
            await self._children(children, depth)
        elif self._judged_by_pattern(*self._add(list(sitemap.links))):
            self._remember(page)
        return True

    async def _children(self, children: list[Link], depth: int) -> None:
        if depth + 1 > self.settings.sitemap_depth:
            return
        since = self.crawler.options.since
        fresh = [c for c in children if since is None or c.modified is None or c.modified >= since]
        await asyncio.gather(*(self._sitemap(c.url, depth + 1) for c in fresh))

    async def _listing(self, url: str) -> None:
        """A listing page and up to `pagination_depth` pages after it.

        Page 1's validators are kept only when the whole chain was read: a 304 on it next time
        skips the pages after it, so a later page that failed must be read again next run.
        """
        first: Page | None = None
        mine = matched = 0
        current: str | None = url
        for _ in range(self.settings.pagination_depth + 1):
            if current is None:
                break
            page = await self._get(current, "listing")
            if page is None:
                return
            if page.status == 304:
                self.ok += 1
                self.unchanged += 1
                return  # page 1 unchanged: the pages after it have not moved either
            if not 200 <= page.status < 300:
                self._report(current, "listing", f"HTTP {page.status}")
                return
            html, _ = decode_body(page.body, page.header("content-type"))
            try:
                following = next_listing_page(html, page.final_url, self.outlet.owns)
                found = links_in_listing(html, page.final_url, None, self._mine)
            except DiscoveryError as exc:
                self._report(current, "listing", exc.message)
                return
            self.ok += 1
            counts = self._add([Link(u) for u in found if u != following])
            mine, matched = mine + counts[0], matched + counts[1]
            first = first or page
            current = following if following != current else None
        if first is not None and self._judged_by_pattern(mine, matched):
            self._remember(first)

    def _mine(self, url: str) -> bool:
        """Whether `url` is this outlet's: outlets sharing a host (sana.sy/ and sana.sy/en/)
        split it by path, so each article belongs to one outlet and is fetched once a run."""
        owner = self.crawler.settings.outlet_for_url(url)
        return owner is not None and owner.name == self.outlet.name

    def _add(self, links: list[Link]) -> tuple[int, int]:
        """Keep the outlet's own links that match its `article_pattern`, whatever their source;
        how many were the outlet's, and how many of those matched."""
        pattern = self.pattern
        mine = matched = 0
        for link in links:
            if not self._mine(link.url):
                continue
            mine += 1
            if pattern is None or pattern.search(link.url):
                self.links.append(link)
                matched += 1
            else:
                self.unmatched.setdefault(link.url, None)
        return mine, matched

    @staticmethod
    def _judged_by_pattern(mine: int, matched: int) -> bool:
        """Whether a source's validators may be kept: not when the pattern turned all its links
        away (most likely the permalinks changed), so it is read in full, and fails the
        outlet, every run until the pattern is fixed; a 304 would pass for a quiet run."""
        return matched > 0 or mine == 0


def parse_since(value: str) -> datetime:
    """A --since value (a date or ISO datetime) as an aware UTC datetime."""
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD or an ISO 8601 datetime)")
    return parsed

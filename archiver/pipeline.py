"""The one place that knows the stage order: fetch → decode → extract → dedup → WARC → store."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO, cast
from urllib.parse import urlsplit

from archiver.config import Outlet, Settings
from archiver.decode import decode_body
from archiver.dedup import Deduper
from archiver.errors import FetchError
from archiver.extract import ExtractOptions, extract_html
from archiver.fetch import Fetcher
from archiver.learned import learned_options, observe_article
from archiver.models import Article, Extracted, Outcome, Page
from archiver.normalize import content_sha256, word_count
from archiver.store import FetchRow, Store, iso_utc, utc_now
from archiver.urls import article_id, canonicalize_url, url_host
from archiver.warc import WarcExchange, read_captures

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})


@dataclass(frozen=True)
class Verdict:
    """Why a page cannot become an article (status skipped or failed), or None when it can."""

    status: str
    error: str


def check_page(page: Page) -> Verdict | None:
    """Reject responses that are not a successful, non-empty HTML document."""
    if not 200 <= page.status < 300:
        return Verdict("failed", f"HTTP {page.status}")
    if page.content_type not in HTML_TYPES:
        return Verdict("skipped", f"not HTML ({page.content_type})")
    if not page.body.strip():
        return Verdict("skipped", "empty body")
    return None


def build_article(page: Page, extracted: Extracted, outlet: Outlet | None) -> Article:
    """Turn an extraction result into an article record (dedup fields still unset)."""
    canonical = _choose_canonical(page.final_url, extracted.canonical_url)
    return Article(
        id=article_id(canonical),
        url=page.final_url,
        canonical_url=canonical,
        declared_original=_declared_original(page.final_url, extracted.canonical_url),
        outlet=outlet_key(outlet, page.final_url),
        site_name=extracted.site_name,
        title=extracted.title,
        authors=list(extracted.authors),
        published=extracted.published,
        modified=extracted.modified,
        date_source=extracted.date_source,
        date_precision=extracted.date_precision,
        language=extracted.language,
        fetched_at=iso_utc(page.fetched_at),
        text=extracted.text,
        word_count=word_count(extracted.text),
        sha256=content_sha256(extracted.text),
        source_credit=extracted.source_credit,
        removed=[r.to_dict() for r in extracted.removed],
        encoding=extracted.encoding,
        http_status=page.status,
    )


Extraction = tuple[Article, Extracted] | Verdict


def extract_page(page: Page, outlet: Outlet | None, options: ExtractOptions) -> Extraction:
    """Decode and extract one checked page into its article, or say why it is not one.

    Needs no store and takes only picklable values, so the crawl runs it in worker processes;
    `Pipeline.process_page` runs the same steps in-process. Dates written without a year
    resolve against the fetch unless `options` gives another reference date.
    """
    try:
        html, codec = decode_body(page.body, page.header("content-type"))
        if options.reference_date is None:
            options = replace(options, reference_date=page.fetched_at.date())
        extracted = extract_html(html, page.final_url, replace(options, encoding=codec))
    except Exception as exc:  # noqa: BLE001 - one malformed page fails itself, not the run
        return Verdict("failed", f"extraction failed: {type(exc).__name__}: {exc}")
    if extracted is None:
        return Verdict("skipped", "no article text found")
    return build_article(page, extracted, outlet), extracted


def outlet_key(outlet: Outlet | None, url: str) -> str:
    """The record's `outlet`: the configured outlet's name, else the site's host."""
    return outlet.name if outlet else _site(url)


def _choose_canonical(final_url: str, declared: str | None) -> str:
    """The page's own rel=canonical when it stays on the same site, else the final URL.

    A mirror's canonical link may point at the original outlet; trusting it would file the
    copy under the original's id, so only same-host canonicals are followed.
    """
    try:
        if declared and _site(declared) == _site(final_url):
            return canonicalize_url(declared)
    except ValueError:
        pass  # a malformed canonical link ("http://[oops") is the page's mistake: ignore it
    return canonicalize_url(final_url)


def _declared_original(final_url: str, declared: str | None) -> str | None:
    """A rel=canonical on another site (a syndicated copy, a mirror or an AMP host naming its
    original), canonicalized; not a site's home page, which only misconfigured pages name."""
    try:
        if not declared or _site(declared) == _site(final_url):
            return None
        original = canonicalize_url(declared)
    except ValueError:
        return None
    return original if urlsplit(original).path.strip("/") else None


def _site(url: str) -> str:
    return url_host(url).removeprefix("www.")


class Pipeline:
    """Runs pages through extraction, dedup and storage against one open (writable) store."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.deduper = Deduper(store, settings)

    def extract_options(
        self, outlet: Outlet | None, encoding: str | None, *, key: str | None = None
    ) -> ExtractOptions:
        """What extraction should know about this outlet, including what the archive learned.

        `key` is the record's `outlet` value (an unconfigured site's host): mirror blogs and
        aggregators repeat their own slogans too, so their lines are learned as well.
        """
        key = key or (outlet.name if outlet else None)
        if key is None:
            return ExtractOptions(outlet=outlet, encoding=encoding)
        lines, affixes = learned_options(self.store.conn, key)
        return ExtractOptions(
            outlet=outlet, encoding=encoding, learned_lines=lines, learned_affixes=affixes
        )

    def process_page(
        self, page: Page, *, outlet: Outlet | None = None, options: ExtractOptions | None = None
    ) -> Outcome:
        """Extract, dedup and store one fetched page; every outcome is logged in the index."""
        verdict = check_page(page)
        if verdict is not None:
            return self.reject(page, verdict)
        outlet = outlet or self.settings.outlet_for_url(page.final_url)
        if options is None:
            options = self.extract_options(outlet, None, key=outlet_key(outlet, page.final_url))
        result = extract_page(page, outlet, options)
        if isinstance(result, Verdict):
            return self.reject(page, result)
        article, extracted = result
        return self.store_extracted(page, article, extracted)

    def store_extracted(
        self,
        page: Page,
        article: Article,
        extracted: Extracted,
        exchange: WarcExchange | None = None,
    ) -> Outcome:
        """Dedup and store an extracted article, then learn its outlet's boilerplate from it.

        One transaction: the record, its fetch, its dedup keys and links, the cluster changes
        it causes and the learned counts commit together, or (a kill, a failure half-way)
        none of them does. `exchange`: the page's WARC records when already built (see
        `store_article`)."""
        with self.store.transaction():
            outcome = self.store_article(page, article, exchange)
            if outcome.status == "stored":
                # lines and title affixes that recur across the outlet become its boilerplate
                # (an id counts once: an updated text of a stored article adds nothing)
                observe_article(
                    self.store.conn,
                    article.id,
                    article.outlet,
                    extracted.text,
                    extracted.removed,
                    extracted.html_title,
                )
        return outcome

    def store_article(
        self, page: Page, article: Article, exchange: WarcExchange | None = None
    ) -> Outcome:
        """Dedup and store an extracted article (or report it unchanged).

        `exchange`: the page's WARC records built elsewhere (a crawl worker) or None to build
        them here."""
        existing = self.store.get(article.id)
        if existing is not None and existing.sha256 == article.sha256:
            self.store.log_fetch(self._fetch_row(page, "unchanged", article_id=existing.id))
            return Outcome(page.url, "unchanged", existing)
        if existing is not None and article.fetched_at <= existing.fetched_at:
            row = self._fetch_row(page, "unchanged", article_id=existing.id)
            if self.store.has_version(article.id, article.sha256):
                # a text already kept (the same WARC imported again): nothing to store
                self.store.log_fetch(row)
                return Outcome(page.url, "unchanged", existing)
            if article.fetched_at < existing.fetched_at:
                # A capture older than the stored text (WARCs are imported in any order) is
                # history: it becomes a version, the newer record stays current.
                location = self.store.write_warc(page, exchange)
                article.warc_file, article.warc_record_id = location.filename, location.record_id
                self.store.add_version(article, fetch=replace(row, warc=location))
                return Outcome(page.url, "unchanged", existing)
            # A new text of the same second (times are whole seconds): the later one to
            # arrive is current, the stored one becomes a version.
        decision = self.deduper.decide(article)
        article.cluster, article.duplicate_of = decision.cluster, decision.duplicate_of
        article.similarity, article.dedup_method = decision.similarity, decision.method
        location = self.store.write_warc(page, exchange)
        article.warc_file, article.warc_record_id = location.filename, location.record_id
        status = "duplicate" if decision.duplicate_of else "stored"
        row = self._fetch_row(page, status, article_id=article.id)
        self.store.add_article(
            article, fetch=replace(row, warc=location), replace=existing is not None
        )
        self.deduper.index(article)
        return Outcome(page.url, status, article)

    def reject(self, page: Page, verdict: Verdict) -> Outcome:
        """Log a page that did not become an article, and report why."""
        self.store.log_fetch(self._fetch_row(page, verdict.status, error=verdict.error))
        return Outcome(page.url, verdict.status, None, verdict.error)

    def record_failure(self, url: str, error: FetchError) -> Outcome:
        """Log a URL that could not be fetched at all: failed, or skipped when policy refuses
        it (robots.txt, a redirect off the outlet's hosts: a choice, not a failure)."""
        status = "skipped" if error.skip else "failed"
        row = FetchRow(url=url, outcome=status, fetched_at=utc_now(), error=error.message)
        self.store.log_fetch(row)
        return Outcome(url, status, None, error.message)

    @staticmethod
    def _fetch_row(
        page: Page, outcome: str, *, article_id: str | None = None, error: str | None = None
    ) -> FetchRow:
        return FetchRow(
            url=page.url,
            outcome=outcome,
            fetched_at=iso_utc(page.fetched_at),
            final_url=page.final_url,
            http_status=page.status,
            error=error,
            article_id=article_id,
        )

    # -- whole jobs --------------------------------------------------------------------------

    def fetch_urls(self, urls: Iterable[str]) -> Iterator[Outcome]:
        """Fetch URLs concurrently (politely) and process each as it arrives, in this thread."""
        for url, result in _fetch_in_background(urls, self.settings):
            if isinstance(result, FetchError):
                outcome = self.record_failure(url, result)
            else:
                outcome = self.process_page(result)
            log.info("%s %s%s", outcome.status, url, f" ({outcome.error})" if outcome.error else "")
            yield outcome

    def import_warc(self, stream: BinaryIO) -> Iterator[Outcome]:
        """Run every HTML response of a WARC capture through the pipeline, offline."""
        for capture in read_captures(stream, self.settings.fetch.max_bytes):
            page = capture.page
            # Captures hold every asset of a page (images, CSS, scripts); only HTML is an item.
            if page.content_type not in HTML_TYPES or not 200 <= page.status < 300:
                log.debug(
                    "import: passing over %s (%s, HTTP %s)",
                    page.url,
                    page.content_type,
                    page.status,
                )
                continue
            if capture.oversized:  # as a fetch of it would be: failed, nothing stored
                limit = self.settings.fetch.max_bytes
                yield Outcome(page.url, "failed", None, f"body exceeds max_bytes ({limit})")
                continue
            yield self.process_page(page)


_DONE = object()


def _fetch_in_background(
    urls: Iterable[str], settings: Settings
) -> Iterator[tuple[str, Page | FetchError]]:
    """Yield (url, page or error) as fetches complete; fetching runs on an event loop thread.

    Extraction and storage stay in the caller's thread (SQLite connections are per thread);
    the bounded queue keeps the fetcher from running far ahead of them.
    """
    results: queue.Queue[object] = queue.Queue(maxsize=max(4, settings.fetch.concurrency))
    stop = threading.Event()

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    async def run() -> None:
        async with Fetcher(settings.fetch) as fetcher:
            slots = asyncio.Semaphore(max(1, settings.fetch.concurrency) * 2)
            loop = asyncio.get_running_loop()

            async def one(url: str) -> None:
                try:
                    result: Page | FetchError = await fetcher.fetch(url)
                except FetchError as exc:
                    result = exc
                finally:
                    slots.release()
                await loop.run_in_executor(None, put, (url, result))

            tasks = []
            for url in urls:
                if stop.is_set():
                    break
                await slots.acquire()
                tasks.append(asyncio.create_task(one(url)))
            await asyncio.gather(*tasks)

    def runner() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
            put(exc)
        finally:
            put(_DONE)

    thread = threading.Thread(target=runner, name="archiver-fetch", daemon=True)
    thread.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield cast(tuple[str, Page | FetchError], item)
    finally:
        stop.set()
        thread.join(timeout=5)

"""Polite HTTP fetching: per-host limits and delays, robots.txt, retries, capped bodies.

Every request goes through one `Fetcher`, which keeps for each host (host:port) its own pool of
keep-alive connections (archiver.http1, h11 driven directly: one httpx client with a large
shared pool collapses under many connections, encode/httpx#3215, and even one httpx client per
host costs ~1 ms of CPU per page, too much for 128 requests in flight on one core),
a semaphore of `per_host_concurrency` slots, the earliest time the next request may start
(`delay` start to start, or the robots.txt Crawl-delay if larger) and the parsed robots.txt.
A global semaphore caps requests in flight across hosts at `concurrency`.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

from protego import Protego

from archiver.config import FetchSettings
from archiver.errors import FetchError
from archiver.http1 import HostPool, TransportError
from archiver.httpx_pool import HttpxHostPool
from archiver.models import Page

MAX_REDIRECTS = 10
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 section 2.3.1.2
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each attempt, with jitter
BACKOFF_CAP = 30.0
ACCEPT = "gzip, deflate"  # content codings we can inflate with a bound on the output
RETRY_AFTER_CAP = 120.0  # a server asking for longer gets this long, then the retry fails


@dataclass
class _Host:
    """Per-host state for one run: politeness is per host, connections per scheme and host."""

    slots: asyncio.Semaphore
    # One pool per scheme: an http connection must never carry an https URL.
    pools: dict[str, HostPool | HttpxHostPool] = field(default_factory=dict)
    gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    robots: Protego | None = None
    robots_text: str | None = None
    robots_error: str | None = None  # set when robots.txt could not be read: disallow all
    robots_loaded: bool = False
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    crawl_delay: float = 0.0


class Fetcher:
    """Fetches URLs politely: `async with Fetcher(settings) as f: page = await f.fetch(url)`."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._hosts: dict[str, _Host] = {}
        self._global = asyncio.Semaphore(max(1, settings.concurrency))
        self._agent_token = settings.user_agent.split("/")[0].split()[0] or "*"
        self.requests_sent = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every host's client."""
        for host in self._hosts.values():
            for pool in host.pools.values():
                await pool.aclose()
        self._hosts.clear()

    # -- public API ------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        scope: Callable[[str], bool] | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> Page:
        """GET `url`, following redirects (each hop obeys robots and host limits).

        Returns the final response whatever its status (after retries for 429/5xx); raises
        `FetchError` for robots.txt refusals, network failures, redirect loops and oversized bodies.
        With `scope`, a redirect to a URL it rejects (another outlet's host) is not followed
        (a skip, as a robots.txt refusal is). `on_send` is called once, when the first request
        is about to go out: after robots.txt and the wait for the host's turn.
        """
        first_send = _once(on_send) if on_send is not None else None
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            _check_scheme(current)
            if hop and scope is not None and not scope(current):
                raise FetchError(
                    f"redirected off the outlet's hosts to {current}: not followed",
                    permanent=True,
                    skip=True,
                )
            if self.settings.respect_robots and not await self.allowed(current):
                unreadable = self._host(current).robots_error
                if unreadable is not None:  # the host is down, not refusing: retry on a later run
                    raise FetchError(f"{unreadable} (for {current})")
                raise FetchError(f"disallowed by robots.txt: {current}", permanent=True, skip=True)
            page = await self._with_retries(current, headers or {}, first_send)
            location = page.header("location")
            if page.status in REDIRECT_STATUSES and location:
                try:
                    current = urljoin(current, location.strip())
                except ValueError:
                    raise FetchError(f"invalid redirect to {location!r}", permanent=True) from None
                continue
            return Page(
                url=url,
                final_url=page.final_url,
                status=page.status,
                headers=page.headers,
                body=page.body,
                fetched_at=page.fetched_at,
                request_headers=page.request_headers,
                http_version=page.http_version,
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}", permanent=True)

    async def robots_txt(self, url: str) -> str | None:
        """The robots.txt of `url`'s host (fetched once per run), None when it has none."""
        host = self._host(url)
        await self._load_robots(host, url)
        return host.robots_text

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (loaded once per host and run)."""
        host = self._host(url)
        await self._load_robots(host, url)
        if host.robots_error is not None:
            return False
        return host.robots is None or bool(host.robots.can_fetch(url, self._agent_token))

    # -- internals ---------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            per_host = max(1, self.settings.per_host_concurrency)
            host = self._hosts[key] = _Host(slots=asyncio.Semaphore(per_host))
        return host

    def _pool(self, host: _Host, url: str) -> HostPool | HttpxHostPool:
        parts = urlsplit(url)
        pool = host.pools.get(parts.scheme)
        if pool is None:
            if self.settings.engine == "httpx" or self.settings.proxy:
                pool = HttpxHostPool(
                    self.settings.timeout,
                    self.settings.user_agent,
                    connections=max(1, self.settings.per_host_concurrency),
                    proxy=self.settings.proxy or None,
                )
            else:
                netloc = parts.netloc.lower()
                pool = HostPool(
                    parts.scheme, netloc, self.settings.timeout, self.settings.user_agent
                )
            host.pools[parts.scheme] = pool
        return pool

    async def _load_robots(self, host: _Host, url: str) -> None:
        if host.robots_loaded:
            return
        async with host.robots_lock:
            if host.robots_loaded:
                return
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            try:
                page = await self._robots_page(robots_url)
            except FetchError as exc:
                # RFC 9309: an unreachable robots.txt means "assume complete disallow".
                host.robots_error = f"robots.txt unreachable: {exc.message}"
            else:
                if 200 <= page.status < 300:
                    host.robots_text = page.body.decode("utf-8", errors="replace")
                    host.robots = Protego.parse(host.robots_text)
                    delay = host.robots.crawl_delay(self._agent_token)
                    host.crawl_delay = float(delay) if delay else 0.0
                elif page.status >= 500:
                    host.robots_error = f"robots.txt unavailable (HTTP {page.status})"
                # 4xx: no robots.txt, everything is allowed.
            host.robots_loaded = True

    async def _robots_page(self, robots_url: str) -> Page:
        """GET robots.txt, following redirects (http to https, to www.) as RFC 9309 asks."""
        page = await self._with_retries(robots_url, {})
        for _hop in range(ROBOTS_MAX_REDIRECTS):
            location = page.header("location")
            if page.status not in REDIRECT_STATUSES or not location:
                break
            page = await self._with_retries(urljoin(page.final_url, location.strip()), {})
        return page  # still a redirect after that: "unavailable", which allows everything

    async def _with_retries(
        self, url: str, headers: dict[str, str], on_send: Callable[[], None] | None = None
    ) -> Page:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                page = await self._request(url, headers, on_send)
            except TransportError as exc:
                if last:
                    raise FetchError(
                        f"{_describe(exc)} after {attempts} attempt(s): {url}"
                    ) from None
                await asyncio.sleep(_backoff(attempt))
                continue
            if page.status not in RETRY_STATUSES or last:
                return page
            wait = _retry_after(page.header("retry-after"))
            if wait is not None:
                host = self._host(url)
                # Everyone waits: push the host's next start past the server's deadline.
                host.next_start = max(
                    host.next_start, time.monotonic() + min(wait, RETRY_AFTER_CAP)
                )
                if wait > RETRY_AFTER_CAP:
                    return page
            else:
                await asyncio.sleep(_backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(
        self, url: str, headers: dict[str, str], on_send: Callable[[], None] | None = None
    ) -> Page:
        host = self._host(url)
        pool = self._pool(host, url)  # before booking a start: an httpx client is slow to build
        async with host.slots:
            await self._wait_turn(host)
            async with self._global:
                if on_send is not None:
                    on_send()
                return await self._get(pool, url, headers)

    async def _wait_turn(self, host: _Host) -> None:
        """Sleep until this host may see a new request start, then book the next start."""
        async with host.gate:
            gap = max(self.settings.delay, host.crawl_delay)
            now = time.monotonic()
            if host.next_start > now:
                await asyncio.sleep(host.next_start - now)
            host.next_start = max(now, host.next_start) + gap

    async def _get(self, pool: HostPool | HttpxHostPool, url: str, headers: dict[str, str]) -> Page:
        limit = self.settings.max_bytes
        fetched_at = datetime.now(UTC)
        self.requests_sent += 1
        # Only codings `BoundedDecoder` inflates under the max_bytes cap are offered.
        response = await pool.get(url, {"Accept-Encoding": ACCEPT, **headers})
        try:
            fields = {k.lower(): v for k, v in response.headers}
            declared = fields.get("content-length", "")
            encoded = fields.get("content-encoding", "identity").lower().strip()
            if declared.isdigit() and encoded in ("", "identity") and int(declared) > limit:
                raise FetchError(f"body of {declared} bytes exceeds max_bytes ({limit})")
            decoder = BoundedDecoder.for_encoding(encoded)
            if decoder is None and encoded not in ("", "identity"):
                raise FetchError(f"undecodable body: unsupported content-encoding {encoded!r}")
            # Inflated piece by piece, never more than the cap allows (a gzip bomb stops there).
            body = bytearray()
            async for chunk in response.chunks():
                body += decoder.decode(chunk, limit + 1 - len(body)) if decoder else chunk
                if len(body) > limit:
                    raise FetchError(f"body exceeds max_bytes ({limit}) after decompression")
        finally:
            response.close()
        return Page(
            url=url,
            final_url=url,  # redirects are followed by `fetch`, one request per hop
            status=response.status,
            headers=tuple(response.headers),
            body=bytes(body),
            fetched_at=fetched_at,
            request_headers=tuple(response.request_headers),
            http_version=response.http_version,
        )


def _once(callback: Callable[[], None]) -> Callable[[], None]:
    """`callback`, called on the first call only (a fetch's redirects and retries send more)."""
    called = False

    def call() -> None:
        nonlocal called
        if not called:
            called = True
            callback()

    return call


def _check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}", permanent=True) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"not an http(s) URL: {url}", permanent=True)


def _backoff(attempt: int) -> float:
    """Exponential backoff with full jitter (spreads retries of many clients apart)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(exc: TransportError) -> str:
    return {"timeout": "timed out", "connect": "connection failed"}.get(
        exc.kind, f"network error ({exc.detail})"
    )


class BoundedDecoder:
    """Inflates a gzip or deflate body piece by piece, never producing more than asked for."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    @classmethod
    def for_encoding(cls, encoding: str) -> BoundedDecoder | None:
        """A decoder for gzip/deflate; None for anything else."""
        encoding = encoding.strip()
        if encoding in ("gzip", "x-gzip"):
            return cls(16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return cls(zlib.MAX_WBITS)
        return None

    def decode(self, data: bytes, room: int) -> bytes:
        """Inflate `data`, stopping once `room` bytes came out (the caller then gives up)."""
        out = bytearray()
        try:
            while data and len(out) < room:
                out += self._inflater.decompress(data, room - len(out))
                data = self._inflater.unconsumed_tail
                self._started = True
                if self._inflater.eof:
                    data = self._inflater.unused_data
                    if not data.strip(b"\0"):
                        break
                    self._inflater = zlib.decompressobj(self._wbits)  # another gzip member
        except zlib.error as exc:
            if self._wbits == zlib.MAX_WBITS and not self._started:
                # "deflate" is often sent raw, without the zlib wrapper.
                self._wbits = -zlib.MAX_WBITS
                self._inflater = zlib.decompressobj(self._wbits)
                return self.decode(data, room)
            raise FetchError(f"undecodable compressed body: {exc}") from None
        return bytes(out)

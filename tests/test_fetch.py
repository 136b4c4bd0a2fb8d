"""The polite fetcher against a real HTTP server: robots, retries, delays, limits, body caps."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from archiver.config import FetchSettings
from archiver.errors import FetchError
from archiver.fetch import Fetcher, _retry_after
from archiver.models import Page
from tests.servers import (
    EN_TITLE,
    ROBOTS_TXT,
    TestServer,
    endless_chunked,
    gzip_bomb,
    install_news_site,
    redirect,
    sequence,
    slow,
    static,
    truncated_body,
)

T = TypeVar("T")

pytestmark = pytest.mark.usefixtures("fast_backoff")

# Every test built on `quick()` runs once per HTTP engine: the lean h11 pools and httpx.
ENGINE = ["h11"]


@pytest.fixture(autouse=True, params=["h11", "httpx"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    ENGINE[0] = str(request.param)
    yield ENGINE[0]
    ENGINE[0] = "h11"


def run(settings: FetchSettings, job: Callable[[Fetcher], Awaitable[T]]) -> T:
    async def main() -> T:
        async with Fetcher(settings) as fetcher:
            return await job(fetcher)

    return asyncio.run(main())


def fetch_one(settings: FetchSettings, url: str) -> Page:
    return run(settings, lambda f: f.fetch(url))


def quick(**changes: object) -> FetchSettings:
    values: dict[str, object] = {"delay": 0.0, "timeout": 5.0, "retries": 2, "engine": ENGINE[0]}
    values.update(changes)
    return FetchSettings(**values)  # type: ignore[arg-type]


# -- robots.txt ------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_for_given_urls(server: TestServer) -> None:
    site = install_news_site(server)
    with pytest.raises(FetchError, match="robots.txt") as info:
        fetch_one(quick(), site.private)
    assert info.value.permanent and info.value.skip  # policy: skipped, not failed
    assert server.hits("/private/leak") == 0
    assert server.hits("/robots.txt") == 1


def test_robots_can_be_ignored_when_configured(server: TestServer) -> None:
    site = install_news_site(server)
    page = fetch_one(quick(respect_robots=False), site.private)
    assert page.status == 200
    assert server.hits("/robots.txt") == 0


def test_robots_rules_for_our_agent_token_apply(server: TestServer) -> None:
    server.route("/robots.txt", static("User-agent: archiver\nDisallow: /news/\n", "text/plain"))
    url = server.route("/news/a", static("<p>x</p>"))
    allowed = server.route("/other", static("<p>x</p>"))
    with pytest.raises(FetchError, match="robots"):
        fetch_one(quick(), url)
    assert fetch_one(quick(), allowed).status == 200


def test_robots_loaded_once_per_host_and_run(server: TestServer) -> None:
    site = install_news_site(server)

    async def job(f: Fetcher) -> list[int]:
        return [(await f.fetch(u)).status for u in (site.en, site.en2, site.ar)]

    assert run(quick(), job) == [200, 200, 200]
    assert server.hits("/robots.txt") == 1


def test_robots_server_error_disallows_everything(server: TestServer) -> None:
    server.route("/robots.txt", static(b"down", "text/plain", 500))
    url = server.route("/page", static("<p>x</p>"))
    with pytest.raises(FetchError, match="robots"):
        fetch_one(quick(retries=0), url)
    assert server.hits("/page") == 0


def test_redirected_robots_txt_is_followed(server: TestServer) -> None:
    # Sites commonly redirect /robots.txt (to https, to www.); its rules still apply.
    server.route("/robots.txt", redirect("/static/robots.txt", 301))
    server.route("/static/robots.txt", static(ROBOTS_TXT, "text/plain"))
    server.route("/private/x", static("<p>secret</p>"))
    with pytest.raises(FetchError, match="robots"):
        fetch_one(quick(), server.url("/private/x"))
    assert server.hits("/private/x") == 0


def test_unreachable_robots_is_a_temporary_failure(server: TestServer) -> None:
    # A host that is down is not a host that refuses: later runs must try again.
    url = server.url("/x").replace(str(server.port), str(_closed_port()))
    with pytest.raises(FetchError, match="robots.txt unreachable") as info:
        fetch_one(quick(retries=0), url)
    assert not info.value.permanent
    server.route("/robots.txt", static(b"down", "text/plain", 503))
    with pytest.raises(FetchError, match=r"robots.txt unavailable \(HTTP 503\)") as info:
        fetch_one(quick(retries=0), server.url("/y"))
    assert not info.value.permanent


def test_missing_robots_allows_everything(server: TestServer) -> None:
    url = server.route("/page", static("<p>x</p>"))
    assert fetch_one(quick(), url).status == 200  # /robots.txt is a 404 on this server


def test_redirect_into_disallowed_path_is_refused(server: TestServer) -> None:
    server.route("/robots.txt", static(ROBOTS_TXT, "text/plain"))
    server.route("/private/x", static("<p>secret</p>"))
    url = server.route("/go", redirect("/private/x", 302))
    with pytest.raises(FetchError, match="robots"):
        fetch_one(quick(), url)
    assert server.hits("/private/x") == 0


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retries_count_attempts_after_the_first(server: TestServer, retries: int) -> None:
    url = server.route("/down", static(b"unavailable", "text/plain", 503))
    page = fetch_one(quick(retries=retries, respect_robots=False), url)
    assert page.status == 503  # the last answer is returned, the pipeline marks it failed
    assert server.hits("/down") == retries + 1


def test_503_then_200_succeeds_on_retry(server: TestServer) -> None:
    site = install_news_site(server)
    page = fetch_one(quick(retries=1), site.flaky)
    assert page.status == 200
    assert EN_TITLE.encode() in page.body
    assert server.hits("/flaky") == 2


def test_404_and_410_are_not_retried(server: TestServer) -> None:
    site = install_news_site(server)
    assert fetch_one(quick(retries=3), site.gone).status == 410
    assert fetch_one(quick(retries=3), site.missing).status == 404
    assert server.hits("/gone") == 1
    assert server.hits("/nothing-here") == 1


def test_retry_after_is_waited(server: TestServer) -> None:
    site = install_news_site(server)
    page = fetch_one(quick(retries=1), site.busy)
    assert page.status == 200
    first, second = server.requests_to("/busy")
    # Retry-After: 1 (seconds), measured between the two arrivals at the server.
    assert second.started - first.started >= 0.95


def test_retry_after_http_date_is_understood() -> None:
    wait = _retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    assert wait == 0.0  # a date in the past: no wait, never negative
    assert _retry_after("7") == 7.0
    assert _retry_after("soon") is None


def test_connection_errors_are_retried_then_fail(server: TestServer) -> None:
    url = server.url("/x").replace(str(server.port), str(_closed_port()))
    with pytest.raises(FetchError, match=r"connection failed after 3 attempt\(s\)"):
        fetch_one(quick(retries=2, respect_robots=False), url)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_timeout_is_reported(server: TestServer) -> None:
    url = server.route("/stall", slow(1.5, static("<p>late</p>")))
    with pytest.raises(FetchError, match="timed out"):
        fetch_one(quick(retries=0, timeout=0.3, respect_robots=False), url)


# -- politeness: delay and concurrency --------------------------------------------------------


def test_delay_is_start_to_start_per_host(server: TestServer) -> None:
    for i in range(4):
        server.route(f"/p{i}", slow(0.4, static("<p>x</p>")))
    urls = [server.url(f"/p{i}") for i in range(4)]

    async def job(f: Fetcher) -> None:
        await asyncio.gather(*(f.fetch(u) for u in urls))

    run(quick(delay=0.25, per_host_concurrency=4, respect_robots=False), job)
    starts = sorted(r.started for r in server.log)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 4
    # Seen from the server, whose clock stamps arrival: the first request's new connection
    # can arrive a little late on a loaded machine, shortening the first gap by some 20 ms.
    assert min(gaps) >= 0.21, gaps
    # Start to start: the next request does not wait for the 0.4 s answer (end to start would
    # make the three gaps at least 0.65 s each).
    assert starts[-1] - starts[0] < 3 * 0.25 + 0.4, gaps


def test_robots_crawl_delay_wins_when_larger(server: TestServer) -> None:
    server.route("/robots.txt", static("User-agent: *\nCrawl-delay: 0.4\n", "text/plain"))
    urls = [server.route(f"/c{i}", static("<p>x</p>")) for i in range(3)]

    async def job(f: Fetcher) -> None:
        await asyncio.gather(*(f.fetch(u) for u in urls))

    run(quick(delay=0.05, per_host_concurrency=3), job)
    starts = sorted(r.started for r in server.log if r.path != "/robots.txt")
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 3 and min(gaps) >= 0.36, gaps  # arrival stamps, as above


def test_delay_does_not_hold_back_other_hosts(server: TestServer) -> None:
    other = TestServer()
    other.start()
    try:
        a = [server.route(f"/a{i}", static("<p>a</p>")) for i in range(2)]
        b = [other.route(f"/b{i}", static("<p>b</p>")) for i in range(2)]

        async def job(f: Fetcher) -> None:
            await asyncio.gather(*(f.fetch(u) for u in a + b))

        run(quick(delay=0.4, respect_robots=False), job)
        first_a = min(r.started for r in server.log)
        first_b = min(r.started for r in other.log)
        assert abs(first_a - first_b) < 0.3  # both hosts start at once
    finally:
        other.stop()


def test_per_host_concurrency_is_capped(server: TestServer) -> None:
    for i in range(6):
        server.route(f"/s{i}", slow(0.3, static("<p>x</p>")))
    urls = [server.url(f"/s{i}") for i in range(6)]

    async def job(f: Fetcher) -> None:
        await asyncio.gather(*(f.fetch(u) for u in urls))

    run(quick(per_host_concurrency=2, concurrency=16, respect_robots=False), job)
    assert server.max_in_flight_total == 2


def test_global_concurrency_is_capped_across_hosts(server: TestServer) -> None:
    others = [TestServer() for _ in range(2)]
    for srv in others:
        srv.start()
    try:
        urls = []
        for srv in [server, *others]:
            urls += [srv.route(f"/s{i}", slow(0.3, static("<p>x</p>"))) for i in range(2)]
        in_flight: list[int] = []

        async def job(f: Fetcher) -> None:
            await asyncio.gather(*(f.fetch(u) for u in urls))

        run(quick(per_host_concurrency=2, concurrency=3, respect_robots=False), job)
        # Overlapping requests across the three servers never exceed the global cap.
        spans = [(r.started, r.finished or r.started) for s in [server, *others] for r in s.log]
        for start, _ in spans:
            in_flight.append(sum(1 for s, e in spans if s <= start < e))
        assert max(in_flight) <= 3
        assert max(in_flight) >= 2  # and the cap is actually used
    finally:
        for srv in others:
            srv.stop()


# -- redirects -------------------------------------------------------------------------------


def test_redirects_give_the_final_url(server: TestServer) -> None:
    site = install_news_site(server)
    page = fetch_one(quick(), site.redirect)
    assert page.url == site.redirect
    assert page.final_url == site.en
    assert page.status == 200


def test_redirect_chain_and_loop(server: TestServer) -> None:
    server.route("/r1", redirect("/r2", 302))
    server.route("/r2", redirect(server.url("/r3"), 307))
    server.route("/r3", static("<p>end</p>"))
    assert fetch_one(quick(respect_robots=False), server.url("/r1")).final_url == server.url("/r3")
    server.route("/loop", redirect("/loop", 302))
    with pytest.raises(FetchError, match="redirects"):
        fetch_one(quick(respect_robots=False), server.url("/loop"))


def test_redirect_out_of_scope_is_a_skip(server: TestServer) -> None:
    server.route("/moved", redirect("http://elsewhere.invalid/story", 301))
    scope = server.url("/").startswith
    with pytest.raises(FetchError) as info:
        run(quick(respect_robots=False), lambda f: f.fetch(server.url("/moved"), scope=scope))
    assert info.value.message == (
        "redirected off the outlet's hosts to http://elsewhere.invalid/story: not followed"
    )
    assert info.value.permanent and info.value.skip


def test_on_send_is_called_once_when_the_request_goes_out(server: TestServer) -> None:
    # Once per fetch, however many hops and retries; not for robots.txt, nor for a URL that
    # robots.txt refuses (no request for it goes out).
    site = install_news_site(server)
    server.route("/hop", redirect("/flaky", 302))
    sent: list[int] = []

    async def job(fetcher: Fetcher) -> Page:
        with pytest.raises(FetchError):
            await fetcher.fetch(site.private, on_send=lambda: sent.append(len(server.log)))
        assert sent == []
        return await fetcher.fetch(server.url("/hop"), on_send=lambda: sent.append(len(server.log)))

    page = run(quick(), job)
    assert page.status == 200 and [r.path for r in server.log] == [
        "/robots.txt",
        "/hop",
        "/flaky",
        "/flaky",
    ]
    assert sent == [1]  # after robots.txt, before /hop reached the server


def test_non_http_urls_fail_cleanly() -> None:
    with pytest.raises(FetchError, match="not an http"):
        fetch_one(quick(), "ftp://example.invalid/file")


@pytest.mark.parametrize("url", ["http://[broken/x", "http://127.0.0.1:99999/x", "http://h:port/"])
def test_malformed_urls_fail_cleanly(url: str) -> None:
    with pytest.raises(FetchError, match="invalid URL") as info:
        fetch_one(quick(), url)
    assert info.value.permanent


def test_malformed_redirect_location_fails_cleanly(server: TestServer) -> None:
    url = server.route("/bad-redirect", redirect("http://[::1/oops", 302))
    with pytest.raises(FetchError, match="invalid"):
        fetch_one(quick(respect_robots=False), url)


def test_user_agent_is_sent(server: TestServer) -> None:
    url = server.route("/ua", static("<p>x</p>"))
    fetch_one(quick(user_agent="archiver-test/9 (+mailto:test@example.invalid)"), url)
    assert {r.headers["User-Agent"] for r in server.log} == {
        "archiver-test/9 (+mailto:test@example.invalid)"
    }


# -- body caps -------------------------------------------------------------------------------


def _peak_memory_of(job: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_oversized_plain_body_fails_cleanly(server: TestServer) -> None:
    url = server.route("/big", static(b"<p>" + b"y" * 3_000_000 + b"</p>"))
    with pytest.raises(FetchError, match="max_bytes"):
        fetch_one(quick(max_bytes=1_000_000, respect_robots=False), url)


def test_body_at_the_cap_is_accepted(server: TestServer) -> None:
    url = server.route("/exact", static(b"z" * 1000))
    assert len(fetch_one(quick(max_bytes=1000, respect_robots=False), url).body) == 1000


def test_gzip_bomb_stops_at_the_cap_without_inflating_it(server: TestServer) -> None:
    url = server.route("/bomb", gzip_bomb(128 * 1024 * 1024))

    def job() -> None:
        with pytest.raises(FetchError, match="max_bytes"):
            fetch_one(quick(max_bytes=1_000_000, respect_robots=False), url)

    peak = _peak_memory_of(job)
    assert peak < 32 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB for a 1 MB cap"


def test_gzip_body_under_the_cap_is_inflated(server: TestServer) -> None:
    import gzip

    html = ("<html><body><p>" + "كلمة " * 500 + "</p></body></html>").encode()
    url = server.route("/gz", static(gzip.compress(html), headers=[("Content-Encoding", "gzip")]))
    page = fetch_one(quick(respect_robots=False), url)
    assert page.body == html


def test_deflate_body_raw_or_wrapped_is_inflated(server: TestServer) -> None:
    import zlib

    html = b"<html><body><p>" + b"word " * 400 + b"</p></body></html>"
    raw = zlib.compressobj(wbits=-15)
    raw_body = raw.compress(html) + raw.flush()
    server.route("/zl", static(zlib.compress(html), headers=[("Content-Encoding", "deflate")]))
    server.route("/raw", static(raw_body, headers=[("Content-Encoding", "deflate")]))
    for path in ("/zl", "/raw"):
        assert fetch_one(quick(respect_robots=False), server.url(path)).body == html


def test_corrupt_gzip_fails_cleanly(server: TestServer) -> None:
    url = server.route("/bad", static(b"not gzip at all", headers=[("Content-Encoding", "gzip")]))
    with pytest.raises(FetchError, match="undecodable"):
        fetch_one(quick(retries=0, respect_robots=False), url)


def test_endless_chunked_body_stops_at_the_cap(server: TestServer) -> None:
    url = server.route("/endless", endless_chunked())

    def job() -> None:
        with pytest.raises(FetchError, match="max_bytes"):
            fetch_one(quick(max_bytes=2_000_000, respect_robots=False), url)

    assert _peak_memory_of(job) < 32 * 1024 * 1024


def test_sequence_helper_serves_in_order(server: TestServer) -> None:
    url = server.route("/seq", sequence(static(b"one", "text/plain"), static(b"two", "text/plain")))
    bodies = [fetch_one(quick(respect_robots=False), url).body for _ in range(3)]
    assert bodies == [b"one", b"two", b"two"]


def test_a_proxy_carries_every_request(server: TestServer) -> None:
    # The test server plays the proxy: a host that does not exist is reachable only through it.
    server.route("/via-proxy", static("<html><body><p>" + EN_TITLE + "</p></body></html>"))
    page = fetch_one(quick(proxy=server.url("")), "http://origin.invalid/via-proxy")
    assert page.status == 200 and EN_TITLE.encode() in page.body
    proxied = [r.path for r in server.log]
    assert "http://origin.invalid/via-proxy" in proxied  # absolute-form: a proxy request
    assert "http://origin.invalid/robots.txt" in proxied  # robots.txt went the same way


def test_an_https_url_never_rides_an_http_connection(server: TestServer) -> None:
    # The test server speaks plain HTTP: an https URL to it must fail the TLS handshake,
    # not reuse the keep-alive connection the http URL opened.
    plain = server.route("/plain", static("<html><body><p>plain</p></body></html>"))
    secure = plain.replace("http://", "https://").replace("/plain", "/secure")

    async def both(fetcher: Fetcher) -> Page:
        assert (await fetcher.fetch(plain)).status == 200
        return await fetcher.fetch(secure)

    with pytest.raises(FetchError):
        run(quick(respect_robots=False, retries=0), both)
    assert server.hits("/secure") == 0


def test_a_connection_cut_mid_body_fails_after_its_retries(server: TestServer) -> None:
    url = server.route("/cut", truncated_body(b"<html><body><p>half a st", 5000))
    with pytest.raises(FetchError):
        fetch_one(quick(respect_robots=False, retries=1), url)
    assert server.hits("/cut") == 2  # the first attempt and one retry: never a half page

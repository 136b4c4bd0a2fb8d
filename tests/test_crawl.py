"""`archiver crawl` against fictional outlets on local servers, judged by the servers' own logs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli import main
from tests.crawl_sites import (
    Site,
    article_page,
    html_route,
    install_arabic,
    install_listing_only,
    install_sitemap_only,
    install_wordpress,
)
from tests.servers import Exchange, TestServer, static

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def servers() -> Iterator[list[TestServer]]:
    """Five servers: four outlets and `elsewhere`, a host no crawl may ever touch."""
    started = []
    try:
        for _ in range(5):
            srv = TestServer()
            srv.start()
            started.append(srv)
        yield started
    finally:
        for srv in started:
            srv.stop()


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def write_config(
    tmp_path: Path,
    outlets: list[dict[str, Any]],
    fetch: dict[str, Any] | None = None,
    crawl: dict[str, Any] | None = None,
) -> Path:
    fetch = {"delay": 0.0, "retries": 1, "timeout": 10.0, **(fetch or {})}
    crawl = {"workers": 2, **(crawl or {})}
    lines = ["[fetch]"] + [f"{k} = {_toml_value(v)}" for k, v in fetch.items()]
    lines += ["[crawl]"] + [f"{k} = {_toml_value(v)}" for k, v in crawl.items()]
    for outlet in outlets:
        lines.append("[[outlets]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in outlet.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crawl(config: Path, archive: Path, *args: str) -> Result:
    argv = ["--config", str(config), "--archive", str(archive), "crawl", *args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def records(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def stored_ids(archive: Path) -> list[str]:
    with sqlite3.connect(archive / "index.sqlite") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM articles")]


def article_paths(site: Site) -> dict[str, int]:
    """How often each of the site's article paths was requested."""
    return {path: site.server.hits(path) for path in site.articles}


def test_crawl_four_outlets(tmp_path: Path, servers: list[TestServer]) -> None:
    wp_srv, ar_srv, sm_srv, ls_srv, elsewhere = servers
    sites = [
        install_wordpress(wp_srv, elsewhere),
        install_arabic(ar_srv),
        install_sitemap_only(sm_srv),
        install_listing_only(ls_srv, elsewhere),
    ]
    config = write_config(tmp_path, [s.config for s in sites], crawl={"pagination_depth": 5})
    archive = tmp_path / "archive"
    result = crawl(config, archive)
    lines = records(result)
    assert result.exit_code == 0, result.stdout + result.stderr
    stored = {r["url"] for r in lines if r["status"] == "stored"}
    for site in sites:
        assert {site.url(p) for p in site.articles} <= stored, site.name
        # Every article was fetched exactly once, even when a feed and a sitemap both list it.
        assert set(article_paths(site).values()) == {1}, site.name
        for path in site.forbidden:
            assert site.server.hits(path) == 0, path  # robots.txt disallow / not an article
    assert elsewhere.log == []  # off-host links, sitemaps and partners never requested
    assert len(stored) == sum(len(s.articles) for s in sites)
    arabic = [r for r in lines if r.get("outlet") == "sada" and r["status"] == "stored"]
    assert all("مجلس البلدة" in r["text"] or "الجسر" in r["text"] for r in arabic)
    assert {r["encoding"] for r in arabic} == {"cp1256"}
    # Google News sitemap date and the feed date reach the frontier.
    assert result.stderr.strip().splitlines()[-1].startswith("crawl: 4 outlets, 19 new, 0 dup")
    wp, ar = sites[0], sites[1]
    with sqlite3.connect(archive / "index.sqlite") as conn:
        published = dict(conn.execute("SELECT url, published FROM frontier"))
        refused = conn.execute(
            "SELECT outcome FROM fetches WHERE url = ?", (wp.url("/private/leaked-draft/"),)
        ).fetchall()
    # robots.txt refuses the draft: printed and logged alike as skipped, not failed
    (draft,) = [r for r in lines if r["url"] == wp.url("/private/leaked-draft/")]
    assert draft["status"] == "skipped" and "robots.txt" in draft["error"]
    assert refused == [("skipped",)]
    assert published[wp.url(wp.articles[5])] == "2024-05-06T05:00:00+00:00"  # news sitemap
    assert published[wp.url(wp.articles[0])] == "2024-05-01T09:00:00+00:00"  # feed
    assert published[ar.url(ar.articles[1])] == "2024-05-02T07:00:00+00:00"  # feed, +03:00
    # ... and on to the articles: the pages carry no date, the feed's is the published one.
    by_url = {r["url"]: r for r in lines if r["status"] == "stored"}
    for path in ar.articles:
        assert by_url[ar.url(path)]["date_source"] == "feed", path
    second = by_url[ar.url(ar.articles[1])]
    assert second["published"].startswith("2024-05-02T07:00:00")
    assert sorted(stored_ids(archive)) == sorted({r["id"] for r in lines if "id" in r})


def test_second_run_is_conditional_and_fetches_nothing(
    tmp_path: Path, servers: list[TestServer]
) -> None:
    wp_srv, ar_srv, sm_srv, _ls, elsewhere = servers
    sites = [
        install_wordpress(wp_srv, elsewhere),
        install_arabic(ar_srv),
        install_sitemap_only(sm_srv),
    ]
    config = write_config(tmp_path, [s.config for s in sites])
    archive = tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0
    marks = {id(s.server): len(s.server.log) for s in sites}

    second = crawl(config, archive)
    assert second.exit_code == 0, second.stdout + second.stderr
    assert records(second) == []
    assert "0 new" in second.stderr
    for site in sites:
        later = site.server.log[marks[id(site.server)] :]
        paths = [r.path for r in later]
        assert not set(paths) & set(site.articles), paths  # no article fetched again
    # Feeds and sitemaps were asked conditionally and answered 304.
    wp_later = wp_srv.log[marks[id(wp_srv)] :]
    feed = [r for r in wp_later if r.path == "/feed/"]
    assert feed and feed[0].headers.get("If-None-Match") == '"feed-v1"'
    index = [r for r in wp_later if r.path == "/wp-sitemap.xml"]
    assert index and index[0].headers.get("If-None-Match") == '"index-v1"'
    # The index answered 304, yet its children were still checked (conditionally).
    child = [r for r in wp_later if r.path == "/wp-sitemap-posts-post-1.xml"]
    assert child and child[0].headers.get("If-None-Match") == '"p1"'
    sm_later = sm_srv.log[marks[id(sm_srv)] :]
    assert [r.headers.get("If-None-Match") for r in sm_later if r.path == "/sitemap.xml"] == [
        '"s1"'
    ]


def _many_articles(srv: TestServer, count: int, delay_each: float = 0.0) -> dict[str, Any]:
    paths = [f"/a/{n}" for n in range(count)]
    for n, path in enumerate(paths):
        page = html_route(article_page(f"Entry {n}", f"many-{n}"))
        if delay_each:
            inner = page

            def page(ex: Exchange, inner: Any = inner) -> None:
                time.sleep(delay_each)
                inner(ex)

        srv.route(path, page)
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{srv.url(p)}</loc></url>" for p in paths)
        + "</urlset>"
    )
    srv.route("/sitemap.xml", static(urlset, "application/xml"))
    return {"name": "many", "url": srv.url("/"), "sitemaps": [srv.url("/sitemap.xml")]}


def test_per_host_delay_and_concurrency_hold(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 8, delay_each=0.05)
    config = write_config(
        tmp_path, [outlet], fetch={"delay": 0.2, "per_host_concurrency": 1, "concurrency": 8}
    )
    result = crawl(config, tmp_path / "archive")
    assert result.exit_code == 0, result.stdout + result.stderr
    starts = sorted(r.started for r in server.log)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) >= 10  # robots, sitemap, 8 articles
    # The server logs a request when its handler thread has parsed it, so thread scheduling
    # (and accept plus thread start on a new connection) shifts single timestamps by a few ms
    # on a loaded machine: one gap may look shorter, its neighbour then looks longer. Every gap
    # stays close to the delay, and the whole span proves the average.
    assert min(gaps) >= 0.2 - 0.05, gaps
    assert starts[-1] - starts[0] >= 0.2 * len(gaps) - 0.02, gaps
    assert server.max_in_flight_total == 1


def test_per_host_concurrency_cap_with_parallel_hosts(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 12, delay_each=0.2)
    config = write_config(
        tmp_path, [outlet], fetch={"delay": 0.0, "per_host_concurrency": 3, "concurrency": 16}
    )
    result = crawl(config, tmp_path / "archive")
    assert result.exit_code == 0
    assert server.max_in_flight_total == 3  # reached, never exceeded


def test_retry_after_is_waited(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 1)
    good = server.routes["/a/0"]
    calls: list[float] = []

    def throttled(ex: Exchange) -> None:
        calls.append(time.monotonic())
        if ex.hit == 1:
            ex.send(429, b"slow down", "text/plain", [("Retry-After", "1")])
        else:
            good(ex)

    server.route("/a/0", throttled)
    config = write_config(tmp_path, [outlet])
    result = crawl(config, tmp_path / "archive")
    assert result.exit_code == 0, result.stdout
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.95
    assert [r["status"] for r in records(result)] == ["stored"]


def test_sigkill_mid_crawl_resumes_without_duplicates(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 12, delay_each=0.25)
    config = write_config(tmp_path, [outlet], fetch={"per_host_concurrency": 1, "concurrency": 1})
    archive = tmp_path / "archive"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [
        sys.executable,
        "-m",
        "cli",
        "--config",
        str(config),
        "--archive",
        str(archive),
        "crawl",
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    assert proc.stdout is not None
    first = [proc.stdout.readline() for _ in range(3)]  # three articles stored, then kill -9
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert all(json.loads(line)["status"] == "stored" for line in first)
    before = len(stored_ids(archive))
    assert 3 <= before < 12

    result = crawl(config, archive)
    assert result.exit_code == 0, result.stdout + result.stderr
    ids = stored_ids(archive)
    assert len(ids) == len(set(ids)) == 12
    resumed = [r for r in records(result) if r["status"] == "stored"]
    assert len(resumed) == 12 - before
    # Nothing stored before the kill was fetched again; at most the one in flight was.
    fetched_twice = [p for p in (f"/a/{n}" for n in range(12)) if server.hits(p) > 1]
    assert len(fetched_twice) <= 1


def test_an_article_and_its_frontier_row_commit_together(
    tmp_path: Path, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Storing an article, learning from it and settling its URL are one transaction: a failure
    # after the article's row was written leaves neither it nor a settled URL behind, so the
    # next run fetches and stores the article (before, it stayed archived but never reported).
    import archiver.pipeline

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk trouble")

    outlet = _many_articles(server, 2)
    config = write_config(tmp_path, [outlet], crawl={"workers": 0})
    archive = tmp_path / "archive"
    monkeypatch.setattr(archiver.pipeline, "observe_article", broken)
    first = crawl(config, archive)
    assert first.exit_code == 3
    assert {r["status"] for r in records(first)} == {"failed"}
    assert stored_ids(archive) == []
    monkeypatch.undo()
    second = crawl(config, archive)
    assert second.exit_code == 0, second.stdout + second.stderr
    assert sorted(r["status"] for r in records(second)) == ["stored", "stored"]
    assert len(stored_ids(archive)) == 2


def _bad_source_outlets(
    srv: TestServer, secret: Path, elsewhere: TestServer
) -> list[dict[str, Any]]:
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    laughs = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
    srv.route(
        "/laughs.xml",
        static(
            laughs + '<rss version="2.0"><channel><title>&l9;</title>'
            f"<item><title>&l9;</title><link>{srv.url('/ok/1')}</link></item></channel></rss>",
            "application/rss+xml",
        ),
    )
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY s SYSTEM "file://{secret}">'
        f'<!ENTITY e SYSTEM "{elsewhere.url("/evil.dtd")}"> %e;]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{srv.url('/ok/2')}?x=&s;</loc></url></urlset>"
    )
    srv.route("/xxe.xml", static(xxe, "application/xml"))
    srv.route(
        "/broken.xml",
        static('<?xml version="1.0"?><rss version="2.0"><channel><item><li', "application/rss+xml"),
    )
    srv.route("/empty.xml", static(b"", "application/rss+xml"))
    srv.route("/huge.xml", static(b"<rss>" + b" " * 3_000_000 + b"</rss>", "application/rss+xml"))
    srv.route("/html-sitemap.xml", static("<!DOCTYPE html><html><body>Home</body></html>"))
    for n in (1, 2):
        srv.route(f"/ok/{n}", html_route(article_page(f"Fine {n}", f"fine-{n}")))
    base = {"url": srv.url("/")}
    return [
        {**base, "name": "laughs", "feeds": [srv.url("/laughs.xml")]},
        {**base, "name": "xxe", "sitemaps": [srv.url("/xxe.xml")]},
        {**base, "name": "broken", "feeds": [srv.url("/broken.xml")]},
        {**base, "name": "empty", "feeds": [srv.url("/empty.xml")]},
        {**base, "name": "huge", "feeds": [srv.url("/huge.xml")]},
        {**base, "name": "htmlmap", "sitemaps": [srv.url("/html-sitemap.xml")]},
    ]


def test_bad_feeds_fail_their_outlet_only(tmp_path: Path, servers: list[TestServer]) -> None:
    bad_srv, ar_srv, _sm, _ls, elsewhere = servers
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    good = install_arabic(ar_srv)
    outlets = _bad_source_outlets(bad_srv, secret, elsewhere) + [good.config]
    config = write_config(tmp_path, outlets, fetch={"max_bytes": 1_000_000})
    archive = tmp_path / "archive"
    started = time.monotonic()
    result = crawl(config, archive)
    assert time.monotonic() - started < 20
    assert result.exit_code == 3, result.stdout + result.stderr
    lines = records(result)
    errors = {
        r["outlet"]: r["error"] for r in lines if r["status"] == "failed" and r["kind"] != "outlet"
    }
    # Billion laughs and XXE are refused before anything expands: a clear error, quickly.
    for name in ("laughs", "xxe"):
        assert "declares XML entities" in errors[name], errors[name]
    assert errors["broken"].startswith("feed: broken feed XML")
    assert errors["empty"] == "feed: empty feed"
    assert "max_bytes" in errors["huge"]
    assert errors["htmlmap"] == "sitemap: not a sitemap: the server sent an HTML page"
    failed_outlets = {r["outlet"] for r in lines if r["kind"] == "outlet"}
    assert failed_outlets == {"laughs", "xxe", "broken", "empty", "huge", "htmlmap"}
    # The good outlet completed in the same run.
    assert {r["url"] for r in lines if r["outlet"] == "sada" and r["status"] == "stored"} == {
        good.url(p) for p in good.articles
    }
    # XXE: no local file in any output or archived file, no request for the external DTD.
    assert "TOP-SECRET-TOKEN" not in result.stdout
    for path in archive.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".txt", ".sqlite"):
            assert b"TOP-SECRET-TOKEN" not in path.read_bytes()
    assert elsewhere.log == []
    # Quiet for cron: the failures are on stdout; stderr has the one summary line.
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("crawl: 7 outlets, 3 new, 0 duplicates, 6 failed, 0 skipped")


def test_unreachable_outlets_exit_1(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        [{"name": "gone", "url": "http://127.0.0.1:9/", "feeds": ["http://127.0.0.1:9/feed/"]}],
        fetch={"retries": 0, "timeout": 2.0},
    )
    result = crawl(config, tmp_path / "archive")
    assert result.exit_code == 1
    assert [r["kind"] for r in records(result)] == ["feed", "outlet"]


def test_dry_run_lists_urls_and_stores_nothing(tmp_path: Path, servers: list[TestServer]) -> None:
    sm_srv = servers[2]
    site = install_sitemap_only(sm_srv)
    config = write_config(tmp_path, [site.config])
    archive = tmp_path / "archive"
    result = crawl(config, archive, "--dry-run", "--since", "2024-06-03")
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = records(result)
    assert [r["url"] for r in lines] == [site.url("/story/4"), site.url("/story/3")]
    assert {r["status"] for r in lines} == {"pending"}
    assert not archive.exists()
    assert article_paths(site) == {p: 0 for p in site.articles}


def test_max_articles_and_refresh(tmp_path: Path, servers: list[TestServer]) -> None:
    site = install_sitemap_only(servers[2])
    config = write_config(tmp_path, [site.config])
    archive = tmp_path / "archive"
    first = crawl(config, archive, "--max-articles", "2")
    # Newest first by sitemap lastmod.
    assert {r["url"] for r in records(first)} == {site.url("/story/4"), site.url("/story/3")}
    second = crawl(config, archive)
    assert {r["url"] for r in records(second)} == {site.url("/story/2"), site.url("/story/1")}
    # --refresh fetches archived articles again unless their lastmod says unchanged: the
    # sitemap's lastmod (June 2024) is older than our fetches, so nothing is refetched.
    refreshed = crawl(config, archive, "--refresh")
    assert records(refreshed) == []
    assert sm_requests_without_validators(site) >= 2  # --refresh read the sitemap in full
    assert set(article_paths(site).values()) == {1}


def sm_requests_without_validators(site: Site) -> int:
    return sum(
        1 for r in site.server.requests_to("/sitemap.xml") if "If-None-Match" not in r.headers
    )


def test_refresh_refetches_articles_without_lastmod(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 2)
    config = write_config(tmp_path, [outlet])
    archive = tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0
    again = crawl(config, archive, "--refresh")
    assert sorted(r["status"] for r in records(again)) == ["unchanged", "unchanged"]
    assert len(stored_ids(archive)) == 2


def test_permanent_failures_are_not_retried_next_run(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 2)
    server.route("/a/1", static("gone", "text/plain", status=410))
    config = write_config(tmp_path, [outlet])
    archive = tmp_path / "archive"
    first = crawl(config, archive)
    assert first.exit_code == 3
    assert crawl(config, archive).exit_code == 0
    assert server.hits("/a/1") == 1


def test_unknown_outlet_is_a_usage_error(tmp_path: Path, server: TestServer) -> None:
    config = write_config(tmp_path, [_many_articles(server, 1)])
    result = crawl(config, tmp_path / "archive", "--outlet", "nope")
    assert result.exit_code == 2
    assert "unknown outlet 'nope'" in result.stderr


def test_second_crawl_while_locked_exits_75(tmp_path: Path, server: TestServer) -> None:
    from archiver.store import Store

    config = write_config(tmp_path, [_many_articles(server, 1)])
    archive = tmp_path / "archive"
    with Store.open(archive, write=True):
        result = crawl(config, archive)
    assert result.exit_code == 75
    assert f"pid {os.getpid()}" in result.stderr
    assert server.log == []


def test_articles_archived_by_fetch_are_not_fetched_again(
    tmp_path: Path, server: TestServer
) -> None:
    config = write_config(tmp_path, [_many_articles(server, 2)])
    archive = tmp_path / "archive"
    argv = ["--config", str(config), "--archive", str(archive), "fetch", server.url("/a/0")]
    assert CliRunner().invoke(main, argv).exit_code == 0
    result = crawl(config, archive)
    assert result.exit_code == 0
    assert [r["url"] for r in records(result)] == [server.url("/a/1")]
    assert server.hits("/a/0") == 1


def test_pagination_stops_at_the_configured_depth(
    tmp_path: Path, servers: list[TestServer]
) -> None:
    ls_srv, elsewhere = servers[3], servers[4]
    site = install_listing_only(ls_srv, elsewhere, pages=4)
    config = write_config(tmp_path, [site.config], crawl={"pagination_depth": 1})
    result = crawl(config, tmp_path / "archive")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [r.path for r in ls_srv.requests_to("/news")] == ["/news", "/news?page=2"]
    stored = {r["url"] for r in records(result) if r["status"] == "stored"}
    assert stored == {site.url(f"/news/{n}") for n in range(1, 5)}
    assert elsewhere.log == []


def test_redirect_off_the_outlet_is_not_followed(tmp_path: Path, servers: list[TestServer]) -> None:
    # Policy, like a robots.txt refusal: skipped (no exit 3 on every run), and not asked again.
    srv, elsewhere = servers[0], servers[4]
    outlet = _many_articles(srv, 1)
    srv.route("/a/0", lambda ex: ex.send(302, b"", None, [("Location", elsewhere.url("/x"))]))
    config, archive = write_config(tmp_path, [outlet]), tmp_path / "archive"
    result = crawl(config, archive)
    assert result.exit_code == 0, result.stdout + result.stderr
    [line] = records(result)
    assert line["status"] == "skipped", line
    assert (
        line["error"] == f"redirected off the outlet's hosts to {elsewhere.url('/x')}: not followed"
    )
    assert "0 failed, 1 skipped" in result.stderr
    assert elsewhere.log == []
    again = crawl(config, archive)
    assert again.exit_code == 0 and records(again) == []
    assert srv.hits("/a/0") == 1


def test_article_pattern_filters_feed_and_sitemap_links(
    tmp_path: Path, servers: list[TestServer]
) -> None:
    # "only matches are fetched as articles", whichever source found the link.
    srv = servers[0]
    posts = ["/news/1", "/news/2", "/news/3"]
    others = ["/tag/bridges", "/about", "/news/4/photos"]
    for path in posts + others:
        srv.route(path, html_route(article_page(f"Page {path}", path)))
    feed = "".join(f"<item><title>t</title><link>{srv.url(p)}</link></item>" for p in posts[:2])
    feed += "".join(f"<item><title>t</title><link>{srv.url(p)}</link></item>" for p in others)
    srv.route(
        "/feed/",
        static(f'<rss version="2.0"><channel><title>f</title>{feed}</channel></rss>', "text/xml"),
    )
    locs = "".join(f"<url><loc>{srv.url(p)}</loc></url>" for p in [posts[2], others[0]])
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    srv.route("/sitemap.xml", static(f"<urlset {ns}>{locs}</urlset>", "application/xml"))
    outlet = {
        "name": "patterned",
        "url": srv.url("/"),
        "feeds": [srv.url("/feed/")],
        "sitemaps": [srv.url("/sitemap.xml")],
        "article_pattern": r"/news/\d+$",
    }
    config, archive = write_config(tmp_path, [outlet]), tmp_path / "archive"
    dry = crawl(config, archive, "--dry-run")
    assert sorted(r["url"] for r in records(dry)) == [srv.url(p) for p in posts]
    result = crawl(config, archive)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert sorted(r["url"] for r in records(result)) == [srv.url(p) for p in posts]
    assert {p: srv.hits(p) for p in posts + others} == {
        **{p: 1 for p in posts},
        **{p: 0 for p in others},
    }
    with sqlite3.connect(archive / "index.sqlite") as conn:
        assert sorted(row[0] for row in conn.execute("SELECT url FROM frontier")) == [
            srv.url(p) for p in posts
        ]


def test_a_pattern_matching_none_of_the_links_found_is_a_failure(
    tmp_path: Path, server: TestServer
) -> None:
    # The site moved to new permalinks: archiving nothing must not pass for "nothing new".
    outlet = {**_many_articles(server, 3), "article_pattern": r"/archives/\d+"}
    result = crawl(write_config(tmp_path, [outlet]), tmp_path / "archive")
    assert result.exit_code == 3, result.stdout + result.stderr
    (failure,) = [r for r in records(result) if r["status"] == "failed"]
    assert failure["kind"] == "outlet"
    assert "article_pattern matches none of the 3 links found" in failure["error"]
    assert "1 failed" in result.stderr


def test_robots_crawl_delay_is_obeyed(tmp_path: Path, server: TestServer) -> None:
    outlet = _many_articles(server, 3)
    server.route("/robots.txt", static("User-agent: *\nCrawl-delay: 0.4\n", "text/plain"))
    result = crawl(write_config(tmp_path, [outlet], fetch={"delay": 0.0}), tmp_path / "archive")
    assert result.exit_code == 0
    starts = [r.started for r in server.log if r.path != "/robots.txt"]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 4 and min(gaps) >= 0.4 - 0.05, gaps  # home, sitemap, 3 articles


def test_progress_bar_draws_each_outlet(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.crawl import _Progress

    progress = _Progress()
    progress("sada", 0, 4)
    progress("hama", 2, 2)
    progress("sada", 1, 4)
    progress.close()
    last = capsys.readouterr().err.split("\r")[-1]
    assert "sada [##........] 1/4" in last and "hama [##########] 2/2" in last


@pytest.mark.parametrize("workers", [0, 2])
def test_every_stored_article_points_at_its_warc_exchange(
    tmp_path: Path, server: TestServer, workers: int
) -> None:
    # With workers the WARC records are built in the worker processes, in-process on the
    # writer thread: either way each fetch row points at its response, followed by its request.
    from warcio.archiveiterator import ArchiveIterator

    site = install_sitemap_only(server)
    config = write_config(tmp_path, [site.config], crawl={"workers": workers})
    archive = tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0
    with sqlite3.connect(archive / "index.sqlite") as conn:
        rows = conn.execute(
            "SELECT url, warc_file, warc_offset, warc_length, warc_record_id FROM fetches"
            " WHERE outcome = 'stored'"
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(site.url(p) for p in site.articles)
    for url, name, offset, length, record_id in rows:
        n = int(url.rsplit("/", 1)[1])
        served = article_page(f"Water report {n}", f"jazira-{n}").replace("{charset}", "utf-8")
        with open(archive / "warc" / name, "rb") as stream:
            stream.seek(offset)
            found = ArchiveIterator(stream)
            response = next(found)
            assert response.rec_type == "response"
            assert response.rec_headers.get_header("WARC-Target-URI") == url
            assert response.rec_headers.get_header("WARC-Record-ID") == record_id
            assert response.content_stream().read() == served.encode("utf-8")
            request = next(found)
            assert request.rec_type == "request"
            assert request.rec_headers.get_header("WARC-Concurrent-To") == record_id
            stream.seek(offset + length)  # the response's length ends where the request begins
            assert next(iter(ArchiveIterator(stream))).rec_type == "request"


def test_extraction_resolves_a_date_without_a_year_against_the_fetch() -> None:
    # The crawl's workers and `Pipeline.process_page` share `extract_page`, fetch date included.
    from archiver.extract import ExtractOptions
    from archiver.models import Page
    from archiver.pipeline import Verdict, extract_page

    html = (
        "<html lang='ar'><body><article><h1>حملة تبرعات لتشغيل بئر القرية</h1>"
        "<div class='post-date'>صباح اليوم السبت 18 تشرين الثاني</div>"
        "<p>قال ناشطون إن الأهالي نظموا حملة تبرعات لشراء مولدة كهربائية تشغل بئر القرية.</p>"
        "<p>وجمع الأهالي خلال يومين ما يكفي لتشغيلها ساعتين يومياً على الأقل بحسب الناشطين.</p>"
        "</article></body></html>"
    )
    url = "https://baladi-mirror.example/ar/articles/5/x"
    page = Page(
        url, url, 200, (("Content-Type", "text/html; charset=utf-8"),), html.encode(),
        datetime(2024, 1, 5, 12, tzinfo=UTC),
    )  # fmt: skip
    result = extract_page(page, None, ExtractOptions())
    assert not isinstance(result, Verdict)
    article, _ = result
    assert (article.published, article.date_source, article.encoding) == (
        "2023-11-18",
        "text",
        "utf-8",
    )

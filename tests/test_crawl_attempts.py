"""Which failures spend an article's attempts: only those of its own request, as it goes out."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_sites import article_page, html_route
from tests.servers import Exchange, TestServer, static
from tests.test_crawl import crawl, records, write_config


def _frontier(archive: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(archive / "index.sqlite") as conn:
        rows = conn.execute("SELECT url, state, attempts FROM frontier").fetchall()
    return {url: (state, attempts) for url, state, attempts in rows}


@pytest.mark.usefixtures("fast_backoff")
def test_a_host_whose_robots_txt_is_down_spends_no_attempts(
    tmp_path: Path, server: TestServer
) -> None:
    # robots.txt answering 503 means the host is down for the run (RFC 9309: disallow all).
    # No article request goes out, so three such runs must not give up its pending articles.
    robots: dict[str, Any] = {"status": 200}
    paths = [f"/a/{n}" for n in range(4)]
    for n, path in enumerate(paths):
        server.route(path, html_route(article_page(f"Pending story {n}", f"pending-{n}")))
    server.route("/private/draft", html_route(article_page("Draft", "draft")))

    def robots_txt(ex: Exchange) -> None:
        body = b"User-agent: *\nDisallow: /private/\n"
        ex.send(robots["status"], body, "text/plain")

    server.route("/robots.txt", robots_txt)
    locs = "".join(f"<url><loc>{server.url(p)}</loc></url>" for p in ["/private/draft", *paths])
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    server.route("/sitemap.xml", static(f"<urlset {ns}>{locs}</urlset>", "application/xml"))
    outlet = {"name": "down", "url": server.url("/"), "sitemaps": [server.url("/sitemap.xml")]}
    config = write_config(tmp_path, [outlet], crawl={"max_attempts": 3})
    archive = tmp_path / "archive"

    first = crawl(config, archive, "--max-articles", "3")  # the draft, two stored, two left
    assert first.exit_code == 0, first.stdout + first.stderr
    fetched = {r["url"] for r in records(first) if r["status"] == "stored"}
    assert len(fetched) == 2
    pending = {server.url(p) for p in paths} - fetched
    frontier = _frontier(archive)
    # robots.txt refuses the draft: skipped, settled for good, no attempt spent on it.
    assert frontier[server.url("/private/draft")] == ("gone", 0)

    robots["status"] = 503
    mark = len(server.log)
    for run in range(3):
        down = crawl(config, archive)
        assert down.exit_code == 3, (run, down.stdout + down.stderr)
        failed = {r["url"]: r["error"] for r in records(down) if r["kind"] == "article"}
        assert set(failed) == pending, run  # reported as failed for the run
        assert all("robots.txt unavailable (HTTP 503)" in e for e in failed.values()), failed
    assert {r.path for r in server.log[mark:]} == {"/robots.txt"}  # nothing else was asked
    frontier = _frontier(archive)
    assert {url: frontier[url] for url in pending} == {url: ("pending", 0) for url in pending}

    robots["status"] = 200
    back = crawl(config, archive)
    assert back.exit_code == 0, back.stdout + back.stderr
    assert {r["url"] for r in records(back) if r["status"] == "stored"} == pending
    assert [server.hits(p) for p in paths] == [1, 1, 1, 1]
    assert server.hits("/private/draft") == 0
    assert {url: _frontier(archive)[url] for url in pending} == {
        url: ("done", 1) for url in pending
    }

"""Feeds, sitemaps and listing pages across runs: what a source that failed, or a pattern that
matches nothing, must not hide from the next run. Judged by the test servers' request logs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.crawl_sites import article_page, html_route
from tests.servers import Exchange, TestServer
from tests.test_crawl import crawl, records, write_config


def _etagged(ex: Exchange, body: bytes, content_type: str) -> None:
    """Send `body` with an ETag of its content; 304 when the client has it."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if ex.handler.headers.get("If-None-Match") == etag:
        ex.send(304, b"", None, [("ETag", etag)])
    else:
        ex.send(200, body, content_type, [("ETag", etag)])


def _paged_listing(srv: TestServer, state: dict[str, Any], per_page: int = 2) -> dict[str, Any]:
    """/news/ lists /news/N/ newest first, `per_page` a page, `?page=N` after the first;
    `state["count"]` articles exist, the pages in `state["broken"]` answer 500."""
    for n in range(1, 41):
        srv.route(f"/news/{n}/", html_route(article_page(f"Listed story {n}", f"listed-{n}")))

    def listing(ex: Exchange) -> None:
        number = int(ex.query.split("=")[1]) if ex.query.startswith("page=") else 1
        if number in state["broken"]:
            ex.send(500, b"busy", "text/plain")
            return
        ids = list(range(state["count"], 0, -1))[(number - 1) * per_page : number * per_page]
        links = "".join(f'<li><a href="/news/{n}/">story {n}</a></li>' for n in ids)
        more = number * per_page < state["count"]
        older = f'<a href="/news/?page={number + 1}">Older</a>' if more else ""
        html = f"<html><body><ul>{links}</ul>{older}</body></html>"
        _etagged(ex, html.encode(), "text/html; charset=utf-8")

    srv.route("/news/", listing)
    return {
        "name": "paged",
        "url": srv.url("/"),
        "start_urls": [srv.url("/news/")],
        "article_pattern": r"/news/\d+/$",
    }


def _listing_requests(srv: TestServer, since: int) -> list[tuple[str, str | None]]:
    return [
        (r.path, r.headers.get("If-None-Match"))
        for r in srv.log[since:]
        if r.path.startswith("/news/") and not r.path[len("/news/") :][:1].isdigit()
    ]


def test_a_later_listing_page_that_failed_is_read_again_next_run(
    tmp_path: Path, server: TestServer
) -> None:
    # Page 3 failed once while pages 1 and 2 were read. Page 1's validators then made every
    # later run get 304 for it and stop there: /news/5/ and /news/6/ never reached the frontier.
    state: dict[str, Any] = {"count": 4, "broken": set()}
    outlet = _paged_listing(server, state)
    config = write_config(tmp_path, [outlet], crawl={"pagination_depth": 5})
    archive = tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0

    state.update(count=10, broken={3})
    failed = crawl(config, archive)
    assert failed.exit_code == 3, failed.stdout + failed.stderr
    [listing] = [r for r in records(failed) if r["kind"] == "listing"]
    assert listing["url"] == server.url("/news/?page=3") and listing["error"] == "listing: HTTP 500"
    assert {r["url"] for r in records(failed) if r["status"] == "stored"} == {
        server.url(f"/news/{n}/") for n in (7, 8, 9, 10)
    }

    state["broken"] = set()
    mark = len(server.log)
    healed = crawl(config, archive)
    assert healed.exit_code == 0, healed.stdout + healed.stderr
    # Page 1 answered in full (only the first run's validators were kept, which no longer
    # match it) and the chain was followed to its end.
    requests = _listing_requests(server, mark)
    assert [path for path, _ in requests] == ["/news/"] + [f"/news/?page={n}" for n in (2, 3, 4, 5)]
    assert {r["url"] for r in records(healed) if r["status"] == "stored"} == {
        server.url("/news/5/"),
        server.url("/news/6/"),
    }
    assert [server.hits(f"/news/{n}/") for n in range(1, 11)] == [1] * 10

    # The whole chain was read: its first page's validators are kept now, and the next run
    # stops at its 304.
    mark = len(server.log)
    quiet = crawl(config, archive)
    assert quiet.exit_code == 0 and records(quiet) == []
    [(path, etag)] = _listing_requests(server, mark)
    assert path == "/news/" and etag is not None

"""Two outlets on one host, one under the other's path (sana.sy/ and sana.sy/en/): each link
belongs to one of them (`Settings.outlet_for_url`), is fetched once a run and filed under it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.crawl_sites import article_page, html_route
from tests.servers import Exchange, TestServer, static
from tests.test_crawl import crawl, records, write_config

ARABIC = ["/news/1/item.html", "/news/2/item.html", "/news/3/item.html"]
ENGLISH = ["/en/news/5/item.html", "/en/news/6/item.html", "/en/news/7/item.html"]


def _listing(items: list[str], more: str, others: list[str]) -> str:
    links = "".join(f'<li><a href="{p}">story</a></li>' for p in items)
    extra = "".join(f'<a href="{p}">other</a>' for p in others)
    older = f'<a href="{more}">Older</a>' if more else ""
    return f"<html><body><ul>{links}</ul>{older}{extra}<a href='/about/'>About</a></body></html>"


def _shared_host(srv: TestServer) -> list[dict[str, object]]:
    for n, path in enumerate(ARABIC, 1):
        srv.route(path, html_route(article_page(f"خبر رقم {n}", f"shared-ar-{n}", arabic=True)))
    for n, path in enumerate(ENGLISH, 5):
        srv.route(path, html_route(article_page(f"Story {n}", f"shared-en-{n}")))
    srv.route("/about/", html_route(article_page("About us", "about")))
    srv.route("/robots.txt", static("User-agent: *\nAllow: /\n", "text/plain"))

    def listing(pre: str, items: list[str], others: list[str]) -> object:
        def handle(ex: Exchange) -> None:
            second = ex.query == "page=2"
            page = items[2:] if second else items[:2]
            more = "" if second else f"{pre}/news/?page=2"
            ex.send(200, _listing(page, more, others).encode(), "text/html; charset=utf-8")

        return handle

    # Each language's listing links a story of the other (a language switcher, a "read in").
    srv.route("/news/", listing("", ARABIC, [ENGLISH[0]]))  # type: ignore[arg-type]
    srv.route("/en/news/", listing("/en", ENGLISH, [ARABIC[0]]))  # type: ignore[arg-type]
    return [
        {
            "name": "ls-ar",
            "url": srv.url("/"),
            "language": "ar",
            "start_urls": [srv.url("/news/")],
            "article_pattern": r"/news/\d+/item\.html$",
        },
        {
            "name": "ls-en",
            "url": srv.url("/en/"),
            "language": "en",
            "start_urls": [srv.url("/en/news/")],
        },
    ]


def test_outlets_sharing_a_host_fetch_each_article_once_under_its_own_outlet(
    tmp_path: Path, server: TestServer
) -> None:
    config = write_config(tmp_path, _shared_host(server), crawl={"pagination_depth": 3})
    archive = tmp_path / "archive"
    result = crawl(config, archive)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = records(result)
    assert {r["url"]: r["outlet"] for r in lines} == {
        **{server.url(p): "ls-ar" for p in ARABIC},
        **{server.url(p): "ls-en" for p in ENGLISH},
    }
    assert {r["status"] for r in lines} == {"stored"}
    assert [server.hits(p) for p in ARABIC + ENGLISH] == [1] * 6
    # Neither the About page nor a listing's own next page is an article candidate: each
    # listing page was asked once, as a listing.
    assert server.hits("/about/") == 0
    listings = sorted(r.path for r in server.log if r.path.split("?")[0] in ("/news/", "/en/news/"))
    assert listings == ["/en/news/", "/en/news/?page=2", "/news/", "/news/?page=2"]
    with sqlite3.connect(archive / "index.sqlite") as conn:
        filed = dict(conn.execute("SELECT url, outlet FROM articles"))
        queued = dict(conn.execute("SELECT url, outlet FROM frontier"))
    expected = {
        **{server.url(p): "ls-ar" for p in ARABIC},
        **{server.url(p): "ls-en" for p in ENGLISH},
    }
    assert filed == expected
    assert queued == expected

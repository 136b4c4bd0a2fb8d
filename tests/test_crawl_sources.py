"""Feeds, sitemaps and listing pages across runs: what a source that failed, or a pattern that
matches nothing, must not hide from the next run. Judged by the test servers' request logs."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_sites import article_page, conditional, html_route
from tests.servers import Exchange, TestServer, static
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


def _renamed_permalinks(srv: TestServer) -> dict[str, Any]:
    """A feed and a sitemap (both answering 304 to their ETag) whose links, three distinct
    ones shared between them, moved from /YYYY/MM/slug/ to /archives/N."""
    paths = [f"/archives/{n}" for n in (1, 2, 3)]
    for n, path in enumerate(paths, 1):
        srv.route(path, html_route(article_page(f"Moved story {n}", f"moved-{n}")))
    urls = [srv.url(p) for p in paths]
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in urls)
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}'
    srv.route("/feed/", conditional((rss + "</channel></rss>").encode(), "text/xml", '"f1"'))
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls[:2])
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    body = f"<urlset {ns}>{locs}</urlset>".encode()
    srv.route("/sitemap.xml", conditional(body, "application/xml", '"s1"'))
    return {
        "name": "moved",
        "url": srv.url("/"),
        "feeds": [srv.url("/feed/")],
        "sitemaps": [srv.url("/sitemap.xml")],
        "article_pattern": r"/\d{4}/\d{2}/[^/]+/$",
    }


def test_a_pattern_matching_nothing_fails_every_run_until_fixed(
    tmp_path: Path, server: TestServer
) -> None:
    outlet = _renamed_permalinks(server)
    archive = tmp_path / "archive"
    config = write_config(tmp_path, [outlet])
    for run in range(3):
        mark = len(server.log)
        result = crawl(config, archive)
        assert result.exit_code == 3, (run, result.stdout + result.stderr)
        [failure] = [r for r in records(result) if r["status"] == "failed"]
        assert failure["kind"] == "outlet"
        # Three distinct links, though the feed and the sitemap both list two of them.
        assert "article_pattern matches none of the 3 links found" in failure["error"], run
        # Read in full every time: a 304 would have passed for a quiet run.
        asked = [r for r in server.log[mark:] if r.path in ("/feed/", "/sitemap.xml")]
        assert len(asked) == 2 and all("If-None-Match" not in r.headers for r in asked), run
    assert [server.hits(f"/archives/{n}") for n in (1, 2, 3)] == [0, 0, 0]

    # Fixed: the next run reads the sources in full again and archives what they list.
    outlet["article_pattern"] = r"/archives/\d+$"
    fixed = crawl(write_config(tmp_path, [outlet]), archive)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert len([r for r in records(fixed) if r["status"] == "stored"]) == 3


def test_a_pattern_changed_in_the_config_rereads_unchanged_sources(
    tmp_path: Path, server: TestServer
) -> None:
    # The sources answer 304 to what the last run saved, but that run judged their links by
    # another pattern: a pattern that now matches nothing must fail, not pass as "nothing new".
    outlet = {**_renamed_permalinks(server), "article_pattern": r"/archives/\d+$"}
    archive = tmp_path / "archive"
    assert crawl(write_config(tmp_path, [outlet]), archive).exit_code == 0
    outlet["article_pattern"] = r"/story/\d+$"
    mark = len(server.log)
    result = crawl(write_config(tmp_path, [outlet]), archive)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "matches none of the 3 links found" in records(result)[-1]["error"]
    asked = [r for r in server.log[mark:] if r.path in ("/feed/", "/sitemap.xml")]
    assert asked and all("If-None-Match" not in r.headers for r in asked)


def test_a_listing_whose_links_the_pattern_never_matches_fails(
    tmp_path: Path, server: TestServer
) -> None:
    # Links a listing turned away were dropped before the check: a listing-only outlet whose
    # permalinks changed passed every run for a quiet one.
    state: dict[str, Any] = {"count": 3, "broken": set()}
    outlet = {**_paged_listing(server, state), "article_pattern": r"/story-\d+/$"}
    config = write_config(tmp_path, [outlet], crawl={"pagination_depth": 5})
    archive = tmp_path / "archive"
    for run in range(2):
        mark = len(server.log)
        result = crawl(config, archive)
        assert result.exit_code == 3, (run, result.stdout + result.stderr)
        [failure] = [r for r in records(result) if r["status"] == "failed"]
        # The three stories, not the listing's own second page.
        assert "article_pattern matches none of the 3 links found" in failure["error"]
        assert _listing_requests(server, mark) == [("/news/", None), ("/news/?page=2", None)]
    assert [server.hits(f"/news/{n}/") for n in (1, 2, 3)] == [0, 0, 0]


def test_validators_from_before_they_kept_their_pattern_are_dropped_once() -> None:
    # They say neither which pattern judged their links nor whether a home page's one feed
    # was announced or guessed: the first run after the upgrade reads every source in full.
    from archiver.frontier import Frontier

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
        " links TEXT, checked_at TEXT NOT NULL)"
    )
    conn.execute(
        "INSERT INTO validators VALUES ('http://x/', '\"h\"', NULL, '[\"http://x/feed/\"]', 'now')"
    )
    frontier = Frontier(conn)
    assert frontier.validators("http://x/") == {}
    assert frontier.saved_links("http://x/") == []
    frontier.save_validators("http://x/feed/", '"e2"', None, None, r"/news/\d+")
    assert Frontier(conn).validators("http://x/feed/", r"/news/\d+") == {"If-None-Match": '"e2"'}
    assert frontier.validators("http://x/feed/") == {}  # judged by another pattern


@pytest.mark.parametrize("breakage", ["404", "maintenance page"])
def test_an_announced_feed_that_breaks_is_reported_when_the_home_page_is_unchanged(
    tmp_path: Path, server: TestServer, breakage: str
) -> None:
    # The home page answers 304, so its announced feeds come from the last run. Announcing
    # WordPress's own /feed/ looked like the guess made when a page announces none, whose
    # failures are silent: the feed broke and no run said so.
    broken = {"now": False}
    story = "/2025/03/a-story/"
    server.route(story, html_route(article_page("A story", "announced")))
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
        f"<item><title>t</title><link>{server.url(story)}</link></item></channel></rss>"
    ).encode()

    def feed(ex: Exchange) -> None:
        if not broken["now"]:
            ex.send(200, rss, "application/rss+xml")
        elif breakage == "404":
            ex.send(404, b"<html><body>not found</body></html>")
        else:
            ex.send(200, b"<html><body><h1>Maintenance</h1></body></html>")

    server.route("/feed/", feed)
    home = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head>'
    server.route("/", conditional(home.encode(), "text/html; charset=utf-8", '"home-v1"'))
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    sitemap = f"<urlset {ns}><url><loc>{server.url(story)}</loc></url></urlset>"
    server.route("/sitemap.xml", static(sitemap, "application/xml"))
    outlet = {"name": "wp", "url": server.url("/"), "sitemaps": [server.url("/sitemap.xml")]}
    config, archive = write_config(tmp_path, [outlet]), tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0

    broken["now"] = True
    for run in range(2):
        mark = len(server.log)
        result = crawl(config, archive)
        assert result.exit_code == 3, (run, result.stdout + result.stderr)
        [failure] = records(result)
        assert (failure["kind"], failure["url"]) == ("feed", server.url("/feed/"))
        [home_request] = [r for r in server.log[mark:] if r.path == "/"]
        assert home_request.headers.get("If-None-Match") == '"home-v1"'  # answered 304


def test_the_guessed_feed_stays_silent_when_the_home_page_is_unchanged(
    tmp_path: Path, server: TestServer
) -> None:
    story = "/2025/03/a-story/"
    server.route(story, html_route(article_page("A story", "guessed")))
    home = b"<html><head><title>No feed here</title></head><body>home</body></html>"
    server.route("/", conditional(home, "text/html; charset=utf-8", '"home-v1"'))
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    sitemap = f"<urlset {ns}><url><loc>{server.url(story)}</loc></url></urlset>"
    server.route("/sitemap.xml", static(sitemap, "application/xml"))
    outlet = {"name": "plain", "url": server.url("/"), "sitemaps": [server.url("/sitemap.xml")]}
    config, archive = write_config(tmp_path, [outlet]), tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0
    mark = len(server.log)
    again = crawl(config, archive)
    assert again.exit_code == 0 and records(again) == []
    asked = [(r.path, r.headers.get("If-None-Match")) for r in server.log[mark:]]
    assert ("/", '"home-v1"') in asked and ("/feed/", None) in asked  # the guess, still tried


def test_a_changed_source_of_other_pages_beside_an_unchanged_one_of_articles_passes(
    tmp_path: Path, server: TestServer
) -> None:
    # The posts sitemap answers 304 (its links matched when it was read), the pages sitemap
    # changed and lists no article: the pattern is fine, nothing new was published.
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    story = "/2025/03/a-story/"
    server.route(story, html_route(article_page("A story", "posts-pages")))
    posts = f"<urlset {ns}><url><loc>{server.url(story)}</loc></url></urlset>".encode()
    server.route("/posts.xml", conditional(posts, "application/xml", '"posts-v1"'))

    def pages(ex: Exchange) -> None:  # a new page (and ETag) every run
        loc = server.url(f"/page-{ex.hit}/")
        body = f"<urlset {ns}><url><loc>{loc}</loc></url></urlset>".encode()
        ex.send(200, body, "application/xml", [("ETag", f'"pages-v{ex.hit}"')])

    server.route("/pages.xml", pages)
    outlet = {
        "name": "wp",
        "url": server.url("/"),
        "sitemaps": [server.url("/posts.xml"), server.url("/pages.xml")],
        "article_pattern": r"/\d{4}/\d{2}/[^/]+/$",
    }
    config, archive = write_config(tmp_path, [outlet]), tmp_path / "archive"
    assert crawl(config, archive).exit_code == 0
    for run in range(2):
        mark = len(server.log)
        result = crawl(config, archive)
        assert result.exit_code == 0, (run, result.stdout + result.stderr)
        assert records(result) == []
        asked = {r.path: r.headers.get("If-None-Match") for r in server.log[mark:]}
        assert asked["/posts.xml"] == '"posts-v1"'
        # Its links all turned away, the pages sitemap keeps no validators: read in full.
        assert asked["/pages.xml"] is None
    assert server.hits(story) == 1

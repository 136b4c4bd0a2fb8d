"""Discovery parsers (feeds, sitemaps, listings, robots) and the frontier, without a network."""

from __future__ import annotations

import gzip
import re
import sqlite3
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.config import Outlet, Settings
from archiver.discover import (
    DiscoveryError,
    feeds_in_html,
    inflate,
    links_in_listing,
    next_listing_page,
    parse_date,
    parse_feed,
    parse_sitemap,
    sitemaps_in_robots,
)
from archiver.frontier import Frontier, SourceValidators
from archiver.urls import url_key
from tests.servers import TestServer, static

BASE = "https://news.example.test/"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'

LAUGHS_DTD = (
    '<!DOCTYPE r [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def test_rss2_items_dates_and_relative_links() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>One</title><link>/2024/05/one/</link>"
        b"<pubDate>Wed, 01 May 2024 09:30:00 +0300</pubDate></item>"
        b'<item><title>Two</title><guid isPermaLink="true">https://news.example.test/two</guid></item>'
        b'<item><title>No link</title><guid isPermaLink="false">id-3</guid></item>'
        b"</channel></rss>"
    )
    links = parse_feed(feed, BASE + "feed/")
    assert [link.url for link in links] == [BASE + "2024/05/one/", BASE + "two"]
    assert links[0].published == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert links[0].title == "One"


def test_rss1_rdf_and_atom() -> None:
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="https://news.example.test/"><title>t</title></channel>'
        b'<item rdf:about="https://news.example.test/r1"><title>R1</title>'
        b"<link>https://news.example.test/r1</link><dc:date>2024-05-02T10:00:00Z</dc:date></item>"
        b"</rdf:RDF>"
    )
    [r1] = parse_feed(rdf, BASE + "rss.rdf")
    # feedparser files dc:date as "updated"; --since looks at the newest date either way.
    assert (r1.url, r1.newest()) == (BASE + "r1", datetime(2024, 5, 2, 10, tzinfo=UTC))
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>t</title><entry><title>A1</title>"
        b'<link rel="alternate" href="https://news.example.test/a1"/>'
        b'<link rel="edit" href="https://news.example.test/edit/a1"/>'
        b"<published>2024-05-03T08:00:00+02:00</published>"
        b"<updated>2024-05-04T08:00:00+02:00</updated></entry></feed>"
    )
    [a1] = parse_feed(atom, BASE + "atom.xml")
    assert a1.url == BASE + "a1"
    assert a1.published == datetime(2024, 5, 3, 6, tzinfo=UTC)
    assert a1.modified == datetime(2024, 5, 4, 6, tzinfo=UTC)
    assert a1.newest() == a1.modified


def test_windows_1256_feed_decodes_arabic_titles() -> None:
    feed = (
        '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>ق</title>'
        "<item><title>افتتاح سوق جديد</title><link>https://news.example.test/ar/1</link></item>"
        "</channel></rss>"
    ).encode("cp1256")
    [item] = parse_feed(feed, BASE, "application/rss+xml; charset=windows-1256")
    assert item.title == "افتتاح سوق جديد"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty feed"),
        (b"   \n", "empty feed"),
        (
            b"<!DOCTYPE html><html><body>Welcome</body></html>",
            "not a feed: the server sent an HTML",
        ),
        (b"just some text", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item><ti', "broken feed XML"),
    ],
)
def test_unusable_feeds_raise_clear_errors(body: bytes, message: str) -> None:
    with pytest.raises(DiscoveryError, match=re.escape(message)):
        parse_feed(body, BASE + "feed/")


@pytest.mark.parametrize("kind", ["feed", "sitemap"])
def test_billion_laughs_is_refused_before_any_expansion(kind: str) -> None:
    if kind == "feed":
        doc = f'<rss version="2.0"><channel><item><title>&l9;</title><link>{BASE}x</link>'
        doc += "</item></channel></rss>"
    else:
        doc = f"<urlset {NS}><url><loc>{BASE}&l9;</loc></url></urlset>"
    body = f'<?xml version="1.0"?>{LAUGHS_DTD}{doc}'.encode()
    parse = parse_feed if kind == "feed" else parse_sitemap
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DiscoveryError, match=f"{kind} declares XML entities"):
            parse(body, BASE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 0.5
    assert peak < 1_000_000  # fully expanded, &l9; is 3 GB


def test_xxe_reads_no_file_and_fetches_no_dtd(tmp_path: Path, server: TestServer) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    server.route("/evil.dtd", static('<!ENTITY leak "NETWORK-ENTITY">', "application/xml-dtd"))
    dtd = (
        f'<!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">'
        f'<!ENTITY % e SYSTEM "{server.url("/evil.dtd")}"> %e;]>'
    )
    sitemap = f'<?xml version="1.0"?>{dtd}<urlset {NS}><url><loc>{BASE}a?k=&s;</loc></url></urlset>'
    feed = (
        f'<?xml version="1.0"?>{dtd}<rss version="2.0"><channel><title>&s;</title>'
        f"<item><title>&s;</title><link>{BASE}b</link></item></channel></rss>"
    )
    found: list[str] = []
    for parse, doc in ((parse_sitemap, sitemap), (parse_feed, feed)):
        try:
            result = parse(doc.encode(), BASE)  # type: ignore[operator]
        except DiscoveryError as exc:
            found.append(str(exc))
            continue
        found.append(repr(result))
    assert all("declares XML entities" in text for text in found), found
    assert not any("TOP-SECRET" in text or "NETWORK-ENTITY" in text for text in found)
    assert server.log == []  # the external DTD was never requested


def test_sitemap_index_gzip_and_google_news() -> None:
    index = (
        f'<?xml version="1.0"?><sitemapindex {NS}>'
        f"<sitemap><loc>{BASE}posts-1.xml</loc><lastmod>2024-05-01</lastmod></sitemap>"
        f"<sitemap><loc>{BASE}news.xml.gz</loc></sitemap></sitemapindex>"
    ).encode()
    parsed = parse_sitemap(gzip.compress(index), BASE + "sitemap_index.xml.gz")
    assert parsed.is_index and parsed.links == ()
    assert [c.url for c in parsed.children] == [BASE + "posts-1.xml", BASE + "news.xml.gz"]
    assert parsed.children[0].modified == datetime(2024, 5, 1, tzinfo=UTC)
    news = (
        f'<?xml version="1.0"?><urlset {NS} '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{BASE}n1</loc><lastmod>2024-05-06T09:00:00Z</lastmod><news:news>"
        "<news:publication_date>2024-05-06T08:00:00+03:00</news:publication_date>"
        "<news:title>عنوان</news:title></news:news></url></urlset>"
    ).encode()
    [n1] = parse_sitemap(news, BASE).links
    assert n1.published == datetime(2024, 5, 6, 5, tzinfo=UTC)
    assert n1.modified == datetime(2024, 5, 6, 9, tzinfo=UTC)
    assert n1.title == "عنوان"


def test_sitemap_without_namespace_and_bad_ones() -> None:
    plain = f"<urlset><url><loc>{BASE}p</loc></url></urlset>".encode()
    assert [link.url for link in parse_sitemap(plain, BASE).links] == [BASE + "p"]
    with pytest.raises(DiscoveryError, match="not a sitemap: root element is <rss>"):
        parse_sitemap(b'<rss version="2.0"/>', BASE)
    with pytest.raises(DiscoveryError, match="broken sitemap XML"):
        parse_sitemap(f"<urlset {NS}><url><loc>x</loc>".encode(), BASE)
    with pytest.raises(DiscoveryError, match="HTML page"):
        parse_sitemap(b"<html><head></head><body>404</body></html>", BASE)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * 3_000_000)
    with pytest.raises(DiscoveryError, match="too large"):
        inflate(bomb, limit=1_000_000)
    assert inflate(bomb, limit=3_000_000) == b"\0" * 3_000_000
    with pytest.raises(DiscoveryError, match="broken gzip"):
        inflate(b"\x1f\x8b\x08\x00garbage", limit=1000)
    with pytest.raises(DiscoveryError, match="truncated"):
        inflate(gzip.compress(b"<urlset/>" * 100)[:-20], limit=10_000)


def test_inflate_reads_every_gzip_member_under_one_cap() -> None:
    two = gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>")
    assert inflate(two) == b"<urlset></urlset>"
    assert inflate(two + b"\0" * 8) == b"<urlset></urlset>"  # zero padding after the last
    members = gzip.compress(b"\0" * 600_000) * 2
    assert inflate(members, limit=1_200_000) == b"\0" * 1_200_000
    with pytest.raises(DiscoveryError, match="too large"):
        inflate(members, limit=1_000_000)  # the cap holds across members
    with pytest.raises(DiscoveryError, match="truncated"):
        inflate(two[:-20])  # a truncated second member


def test_robots_sitemaps_and_feed_autodiscovery() -> None:
    robots = "User-agent: *\nDisallow: /private/\nSitemap: /wp-sitemap.xml\nSitemap: https://cdn.test/s.xml\n"
    assert sitemaps_in_robots(robots, BASE) == [BASE + "wp-sitemap.xml", "https://cdn.test/s.xml"]
    home = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
        '<link rel="alternate" type="application/atom+xml; charset=utf-8" href="/atom">'
        '<link rel="alternate" hreflang="ar" href="/ar/">'
        '<link rel="stylesheet" type="text/css" href="/s.css"></head><body></body></html>'
    )
    assert feeds_in_html(home, BASE) == [BASE + "feed/", BASE + "atom"]


def test_listing_links_are_scoped_and_filtered() -> None:
    owns = Outlet("news", "https://news.example.test/").owns
    html = (
        "<html><body>"
        '<a href="/news/12">a</a><a href="https://www.news.example.test/news/13#top">b</a>'
        '<a href="/news/12">dup</a><a href="/about">about</a>'
        '<a href="https://other.test/news/14">other host</a><a href="mailto:x@y.z">mail</a>'
        "</body></html>"
    )
    pattern = re.compile(r"/news/\d+$")
    assert links_in_listing(html, BASE + "news", pattern, owns) == [
        BASE + "news/12",
        "https://www.news.example.test/news/13",
    ]
    assert BASE + "about" in links_in_listing(html, BASE + "news", None, owns)
    assert not owns("https://other.test/")
    assert not owns("ftp://news.example.test/")
    assert owns("http://NEWS.example.test/x")


def test_one_rule_says_which_outlet_a_url_belongs_to() -> None:
    # Discovery's scope and the pipeline's outlet lookup are the same `Outlet.owns`.
    news = Outlet("news", "https://www.news.example.test/", hosts=("cdn.example.test:8080",))
    settings = Settings(outlets=(Outlet("other", "https://other.test/"), news))
    for url in (
        "https://news.example.test./a",  # the root's trailing dot
        "http://WWW.News.Example.Test/b",
        "https://www.cdn.example.test:8080/c",
    ):
        assert news.owns(url), url
        assert settings.outlet_for_url(url) == news, url
    for url in ("ftp://news.example.test/", "https://cdn.example.test/", "https://evil.test/"):
        assert not news.owns(url), url
        assert settings.outlet_for_url(url) is None, url


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (BASE + "news", '<a rel="next" href="/news?pg=2">more</a>', BASE + "news?pg=2"),
        (BASE + "news", '<link rel="next" href="https://other.test/p2">', None),
        (BASE + "news?page=2", '<a href="/news?page=3">older</a>', BASE + "news?page=3"),
        (BASE + "cat/local/", '<a href="/cat/local/page/2/">2</a>', BASE + "cat/local/page/2/"),
        (
            BASE + "cat/local/page/2/",
            '<a href="/cat/local/page/3/">3</a>',
            BASE + "cat/local/page/3/",
        ),
        (BASE + "news", '<a href="/news?page=9">last</a>', None),
    ],
)
def test_next_listing_page(url: str, html: str, expected: str | None) -> None:
    owns = Outlet("news", "https://news.example.test/").owns
    assert next_listing_page(f"<html><body>{html}</body></html>", url, owns) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00:00+03:00", datetime(2024, 5, 1, 7, tzinfo=UTC)),
        ("2024-05-01T10:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123+00:00", datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_frontier_states_attempts_and_validators() -> None:
    frontier = Frontier(sqlite3.connect(":memory:"))
    entry = frontier.add("o", "https://www.news.example.test/a/?utm_source=x", None, None)
    assert (entry.state, entry.attempts) == ("pending", 0)
    # Another spelling of the same article is the same row; dates fill in, never erase.
    when = datetime(2024, 5, 1, tzinfo=UTC)
    assert frontier.add("o", "http://news.example.test/a", when).published == when.isoformat()
    assert frontier.add("o", "https://news.example.test/a/").published == when.isoformat()
    frontier.start("https://news.example.test/a")
    frontier.finish("https://news.example.test/a", "failed", "failed", "timed out")
    assert [e.attempts for e in frontier.resumable("o", max_attempts=3)] == [1]
    assert frontier.cut_off("o", max_attempts=3) == []
    frontier.start("https://news.example.test/a")  # tried again: pending until settled
    frontier.start("https://news.example.test/a")  # (two runs killed mid-request)
    assert frontier.resumable("o", max_attempts=3) == []  # given up after 3 attempts
    [cut] = frontier.cut_off("o", max_attempts=3)  # ... and not settled by the last one
    assert (cut.state, cut.attempts) == ("pending", 3)
    frontier.finish("https://news.example.test/a", "failed", "failed", "given up")
    assert frontier.cut_off("o", max_attempts=3) == []
    frontier.add("o", "https://news.example.test/b")
    frontier.finish("https://news.example.test/b", "gone", "failed", "HTTP 410")
    assert frontier.counts("o") == {"pending": 0, "done": 0, "failed": 1, "gone": 1}
    with pytest.raises(ValueError):
        frontier.finish("https://news.example.test/b", "lost", "x")

    assert frontier.validators(BASE + "feed/") == {}
    frontier.save_validators(BASE + "feed/", '"v1"', "Wed, 01 May 2024 10:00:00 GMT", ["x"])
    assert frontier.validators(BASE + "feed/") == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT",
    }
    assert frontier.saved_links(BASE + "feed/") == ["x"]
    frontier.forget([BASE + "feed/"])
    assert frontier.validators(BASE + "feed/") == {}
    # Validators are saved with the links read from their source, or not at all.
    source = SourceValidators(BASE + "feed/", '"v2"', None)
    unsavable = SourceValidators(BASE + "map.xml", '"m1"', None, [object()])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        frontier.add_many("o", [(BASE + "c", None, None)], [source, unsavable])
    assert frontier.validators(BASE + "feed/") == {}
    assert frontier.counts("o")["pending"] == 0  # the link rolled back with the validators
    assert list(frontier.add_many("o", [(BASE + "c", None, None)], [source])) == [
        url_key(BASE + "c")
    ]
    assert frontier.validators(BASE + "feed/") == {"If-None-Match": '"v2"'}


@pytest.mark.parametrize(
    ("listing", "href", "candidate"),
    [
        ("news/", "/news/?page=2", False),
        ("news/", "/news/page/2/", False),
        ("news/?page=2", "/news/", False),
        ("news/?page=2", "/news/?page=3", False),
        ("news/?cat=5", "/news/?cat=5&page=2", False),
        ("news/?cat=5", "/news/?cat=6", True),  # another listing: the outlet's pattern decides
        ("", "/?p=123", True),  # WordPress's plain permalinks under a home-page listing
        ("", "/page/2/", False),
        ("news/", "/news/12/story/", True),
    ],
)
def test_a_listings_own_pages_are_not_article_links(
    listing: str, href: str, candidate: bool
) -> None:
    html = f'<html><body><a href="{href}">x</a><a rel="next" href="/older">Older</a></body></html>'
    found = links_in_listing(html, BASE + listing, None, lambda u: u.startswith(BASE))
    assert found == ([BASE + href[1:]] if candidate else [])

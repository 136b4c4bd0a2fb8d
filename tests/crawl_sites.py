"""Fictional outlets for crawl tests, each on its own 127.0.0.1 port (tests/servers.TestServer).

- `install_wordpress`: "Orontes Courier", English, WordPress-like: the home page announces
  /feed/ (RSS 2.0), robots.txt disallows /private/ and names /wp-sitemap.xml, a sitemap index
  whose children are a posts sitemap and a gzipped Google News sitemap. Feed and sitemaps
  answer If-None-Match with 304.
- `install_arabic`: "صدى الساحل" (Sada al-Sahel), a feed and pages in windows-1256.
- `install_sitemap_only`: "Jazira Monitor": no feed, robots.txt without Sitemap:, a plain
  /sitemap.xml with lastmod dates.
- `install_listing_only`: "Hama Notebook": /news listing pages with ?page=N pagination and
  navigation links that are not articles.

Every article text is invented for these tests.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field

from tests.servers import Exchange, Handler, TestServer

_EN_WORDS = (
    "the town council met on tuesday to discuss repairs to the old stone bridge over the river "
    "while farmers asked for help with irrigation canals and traders described rising prices "
    "in the covered market as families prepared for the coming season of harvest and school"
).split()
_AR_WORDS = (
    "اجتمع مجلس البلدة يوم الثلاثاء لمناقشة إصلاح الجسر الحجري القديم فوق النهر بينما طالب "
    "المزارعون بمساعدة في قنوات الري ووصف التجار ارتفاع الأسعار في السوق المسقوف مع استعداد "
    "العائلات لموسم الحصاد والمدارس"
).split()


def article_text(seed: str, arabic: bool = False, paragraphs: int = 5) -> list[str]:
    """Deterministic, distinct paragraphs of invented prose for one article."""
    words = _AR_WORDS if arabic else _EN_WORDS
    digest = hashlib.sha256(seed.encode()).digest()
    out = []
    for p in range(paragraphs):
        picks = [words[(digest[(p * 7 + i) % 32] + i * (p + 3)) % len(words)] for i in range(40)]
        out.append(" ".join(picks) + f" ({seed}-{p}).")
    return out


def article_page(title: str, seed: str, *, arabic: bool = False, published: str = "") -> str:
    lang = "ar" if arabic else "en"
    body = "".join(f"<p>{p}</p>" for p in article_text(seed, arabic))
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{{charset}}">'
        f"<title>{title}</title>{meta}</head><body><nav><a href='/'>Home</a></nav>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer>All rights reserved</footer></body></html>"
    )


def conditional(body: bytes, content_type: str, etag: str) -> Handler:
    """A document that answers If-None-Match with 304 Not Modified."""
    lastmod = "Wed, 01 May 2024 10:00:00 GMT"

    def handle(ex: Exchange) -> None:
        if ex.handler.headers.get("If-None-Match") == etag:
            ex.send(304, b"", None, [("ETag", etag), ("Last-Modified", lastmod)])
            return
        ex.send(200, body, content_type, [("ETag", etag), ("Last-Modified", lastmod)])

    return handle


def html_route(html: str, charset: str = "utf-8") -> Handler:
    data = html.replace("{charset}", charset).encode(charset)

    def handle(ex: Exchange) -> None:
        ex.send(200, data, f"text/html; charset={charset}")

    return handle


@dataclass
class Site:
    """One fictional outlet: its server, config table and the article paths it offers."""

    server: TestServer
    name: str
    articles: list[str] = field(default_factory=list)  # paths the crawl should archive
    forbidden: list[str] = field(default_factory=list)  # paths that must never be requested
    config: dict[str, object] = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        return self.server.url(path)


def _rss(items: list[tuple[str, str, str]], encoding: str = "utf-8") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
        for t, link, d in items
    )
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>feed</title><link>/</link>{entries}</channel></rss>"
    )
    return doc.encode(encoding)


def install_wordpress(srv: TestServer, elsewhere: TestServer) -> Site:
    site = Site(srv, "orontes")
    posts = [f"/2024/05/0{i}/bridge-story-{i}/" for i in range(1, 7)]
    for i, path in enumerate(posts, 1):
        srv.route(path, html_route(article_page(f"Bridge story {i}", f"orontes-{i}")))
    site.articles = posts
    feed_items = [
        (f"Bridge story {i}", srv.url(posts[i - 1]), f"Wed, 0{i} May 2024 09:00:00 +0000")
        for i in range(1, 4)
    ]
    # An off-host item: the feed links to another site, which must never be requested.
    feed_items.append(("Elsewhere", elsewhere.url("/2024/05/01/stolen/"), ""))
    srv.route("/feed/", conditional(_rss(feed_items), "application/rss+xml", '"feed-v1"'))
    home = (
        "<html><head><title>Orontes Courier</title>"
        '<link rel="alternate" type="application/rss+xml" href="/feed/"></head>'
        "<body><h1>Orontes Courier</h1></body></html>"
    )
    srv.route("/", html_route(home))
    srv.route(
        "/robots.txt",
        html_route(
            f"User-agent: *\nDisallow: /private/\n\nSitemap: {srv.url('/wp-sitemap.xml')}\n"
        ),
    )
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{srv.url('/wp-sitemap-posts-post-1.xml')}</loc></sitemap>"
        f"<sitemap><loc>{srv.url('/news-sitemap.xml.gz')}</loc></sitemap>"
        f"<sitemap><loc>{elsewhere.url('/sitemap.xml')}</loc></sitemap>"
        "</sitemapindex>"
    )
    srv.route("/wp-sitemap.xml", conditional(index.encode(), "application/xml", '"index-v1"'))
    urls = [srv.url(p) for p in posts[:5]] + [
        srv.url("/private/leaked-draft/"),
        elsewhere.url("/2024/05/02/copied/"),
    ]
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc><lastmod>2024-05-01</lastmod></url>" for u in urls)
        + "</urlset>"
    )
    srv.route(
        "/wp-sitemap-posts-post-1.xml", conditional(urlset.encode(), "application/xml", '"p1"')
    )
    news = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{srv.url(posts[5])}</loc><news:news><news:publication>"
        "<news:name>Orontes Courier</news:name><news:language>en</news:language>"
        "</news:publication><news:publication_date>2024-05-06T08:00:00+03:00"
        "</news:publication_date><news:title>Bridge story 6</news:title></news:news></url>"
        "</urlset>"
    )
    srv.route(
        "/news-sitemap.xml.gz",
        conditional(gzip.compress(news.encode()), "application/x-gzip", '"news-v1"'),
    )
    srv.route("/private/leaked-draft/", html_route(article_page("Draft", "draft")))
    site.forbidden = ["/private/leaked-draft/"]
    site.config = {"name": site.name, "url": srv.url("/"), "language": "en"}
    return site


def install_arabic(srv: TestServer) -> Site:
    site = Site(srv, "sada")
    posts = [f"/ar/news/{i}.html" for i in range(1, 4)]
    for i, path in enumerate(posts, 1):
        page = article_page(f"خبر رقم {i}", f"sada-{i}", arabic=True)
        srv.route(path, html_route(page, "windows-1256"))
    site.articles = posts
    items = [
        (f"خبر رقم {i}", srv.url(p), f"Thu, 0{i} May 2024 10:00:00 +0300")
        for i, p in enumerate(posts, 1)
    ]
    body = _rss(items, "windows-1256")
    srv.route("/ar/rss.xml", conditional(body, "application/rss+xml; charset=windows-1256", '"a1"'))
    site.config = {
        "name": site.name,
        "url": srv.url("/"),
        "language": "ar",
        "feeds": [srv.url("/ar/rss.xml")],
    }
    return site


def install_sitemap_only(srv: TestServer) -> Site:
    site = Site(srv, "jazira")
    posts = [f"/story/{i}" for i in range(1, 5)]
    for i, path in enumerate(posts, 1):
        srv.route(path, html_route(article_page(f"Water report {i}", f"jazira-{i}")))
    site.articles = posts
    srv.route("/robots.txt", html_route("User-agent: *\nAllow: /\n"))
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(
            f"<url><loc>{srv.url(p)}</loc><lastmod>2024-06-0{i}T12:00:00+00:00</lastmod></url>"
            for i, p in enumerate(posts, 1)
        )
        + "</urlset>"
    )
    srv.route("/sitemap.xml", conditional(urlset.encode(), "application/xml", '"s1"'))
    srv.route("/", html_route("<html><body><h1>Jazira Monitor</h1></body></html>"))
    site.config = {"name": site.name, "url": srv.url("/"), "language": "en"}
    return site


def install_listing_only(srv: TestServer, elsewhere: TestServer, pages: int = 3) -> Site:
    site = Site(srv, "hama")
    per_page = 2
    all_posts = [f"/news/{n}" for n in range(1, pages * per_page + 1)]
    for n, path in enumerate(all_posts, 1):
        srv.route(path, html_route(article_page(f"Notebook entry {n}", f"hama-{n}")))

    def listing(ex: Exchange) -> None:
        number = int(ex.query.split("=")[1]) if ex.query.startswith("page=") else 1
        posts = all_posts[(number - 1) * per_page : number * per_page]
        links = "".join(f'<li><a href="{p}">entry</a></li>' for p in posts)
        nav = '<a href="/about">About</a> <a href="/contact">Contact</a>'
        nav += f' <a href="{elsewhere.url("/news/999")}">Partner</a>'
        more = f'<a href="/news?page={number + 1}">Older</a>' if number < pages else ""
        html = f"<html><body>{nav}<ul>{links}</ul>{more}</body></html>"
        ex.send(200, html.encode(), "text/html; charset=utf-8", [("ETag", f'"l{number}"')])

    srv.route("/news", listing)
    srv.route("/about", html_route(article_page("About us", "about")))
    site.articles = all_posts
    site.forbidden = ["/about", "/contact"]
    site.config = {
        "name": site.name,
        "url": srv.url("/"),
        "language": "en",
        "start_urls": [srv.url("/news")],
        "article_pattern": r"/news/\d+$",
    }
    return site

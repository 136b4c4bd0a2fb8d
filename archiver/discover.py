"""Finding article URLs: feeds, sitemaps, robots.txt and listing pages; bytes in, links out.

Nothing here does I/O. XML is parsed defensively: a document that declares entities (the
precondition of billion laughs and XXE) is refused before any parser expands anything, as
defusedxml does; behind that, feeds go through feedparser (RSS 0.9x/1.0/2.0, Atom; external
entities off) and sitemaps through lxml with entity resolution, DTD loading and network access
off and libxml2's size limits on. Gzipped bodies are inflated with a hard cap (gzip bombs).
"""

from __future__ import annotations

import calendar
import re
import xml.parsers.expat
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import (
    SplitResult,
    parse_qsl,
    urldefrag,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

import feedparser
from lxml import etree
from lxml import html as lxml_html
from protego import Protego

from archiver.errors import ArchiverError

# The sitemaps protocol caps a sitemap at 50 MB uncompressed and 50,000 URLs; we allow that.
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_SITEMAP_URLS = 50_000

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
}


class DiscoveryError(ArchiverError):
    """A feed, sitemap or listing page could not be used (broken, empty, huge, not XML)."""


@dataclass(frozen=True)
class Link:
    """A URL found by discovery, with the dates its source gave for it."""

    url: str
    published: datetime | None = None  # feed item date or news:publication_date (UTC)
    modified: datetime | None = None  # sitemap lastmod or Atom updated (UTC)
    title: str | None = None

    def newest(self) -> datetime | None:
        """The latest date known for the link (for `--since`)."""
        dates = [d for d in (self.published, self.modified) if d is not None]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: article links (urlset) or child sitemaps (sitemapindex)."""

    links: tuple[Link, ...] = ()
    children: tuple[Link, ...] = ()  # child sitemaps, with their lastmod
    is_index: bool = False


# ---------------------------------------------------------------- bodies


def inflate(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Gunzip `body` if it is gzip data (`.xml.gz` sitemaps), refusing more than `limit` bytes.

    Every member of a multi-member gzip file is inflated (as gzip(1) does), under one cap.
    """
    if not body.startswith(b"\x1f\x8b"):
        return body
    out = bytearray()
    data = body
    try:
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += inflater.decompress(data, limit + 1 - len(out))  # never 0: that is "no cap"
            if len(out) > limit:
                raise DiscoveryError(f"too large: more than {limit:,} bytes once inflated")
            if not inflater.eof:
                raise DiscoveryError("broken gzip data: truncated")
            data = inflater.unused_data
            if not data.strip(b"\0"):  # the end, or the zero padding some tools append
                return bytes(out)
    except zlib.error as exc:
        raise DiscoveryError(f"broken gzip data: {exc}") from None


def _check_body(body: bytes, what: str) -> bytes:
    body = inflate(body)
    if not body.strip():
        raise DiscoveryError(f"empty {what}")
    if len(body) > MAX_XML_BYTES:
        raise DiscoveryError(f"{what} too large: {len(body)} bytes")
    return body


class _PrologDone(Exception):
    """The root element started: the DTD, if any, is behind us."""


def refuse_entities(body: bytes, what: str) -> None:
    """Raise DiscoveryError if the document declares entities (as defusedxml does).

    Billion laughs and XXE both need an <!ENTITY> declaration; no real feed or sitemap has
    one. Expat reports each declaration before anything expands it, and the scan stops at the
    root element, so this costs next to nothing.
    """
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def entity(name: str, *_args: object) -> None:
        raise DiscoveryError(
            f"{what} declares XML entities ({name}); refused: entity expansion and external "
            "entities are not allowed"
        )

    def root(*_args: object) -> None:
        raise _PrologDone

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        parser.Parse(body, True)
    except (_PrologDone, xml.parsers.expat.ExpatError):
        pass  # a malformed prolog is the real parser's to report


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:300]


# ---------------------------------------------------------------- feeds


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Link]:
    """Item links and dates of an RSS or Atom feed; raise DiscoveryError when it is not one."""
    body = _check_body(body, "feed")
    if _looks_like_html(body):
        raise DiscoveryError("not a feed: the server sent an HTML page")
    refuse_entities(body, "feed")
    # Bytes, never a URL: feedparser would fetch a string that looks like one.
    # The HTTP charset (windows-1256 feeds) wins over the XML declaration, as feedparser does.
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed: Any = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    reason = parsed.get("bozo_exception")
    if not parsed.get("version"):
        raise DiscoveryError(f"not an RSS or Atom feed{f': {reason}' if reason else ''}")
    links: list[Link] = []
    for entry in parsed.entries:
        link = _entry_link(entry, url)
        if link is None:
            continue
        links.append(
            Link(
                url=link,
                published=_struct_time(entry.get("published_parsed")),
                modified=_struct_time(entry.get("updated_parsed")),
                title=entry.get("title") or None,
            )
        )
    if not links and parsed.get("bozo") and not isinstance(reason, _BENIGN):
        # Malformed or truncated, nothing usable recovered: say so rather than "no new articles".
        # (feedparser recovers what it can from slightly broken feeds; those are kept.)
        raise DiscoveryError(f"broken feed XML: {reason}")
    return links


# feedparser flags these but parses the feed all the same.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _entry_link(entry: Any, base: str) -> str | None:
    href = entry.get("link")
    if not href:
        alternates = [
            ln.get("href") for ln in entry.get("links", []) if ln.get("rel") == "alternate"
        ]
        href = next((h for h in alternates if h), None)
    if not href:
        # RSS guids are permalinks unless isPermaLink="false"; RSS 1.0 items carry rdf:about.
        guid = entry.get("id") or ""
        href = (
            guid if guid.startswith(("http://", "https://")) and entry.get("guidislink") else None
        )
    return _absolute(href.strip(), base) if href else None


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


# ---------------------------------------------------------------- sitemaps


def _safe_parser() -> etree.XMLParser:
    # No entity expansion, no DTD, no network, libxml2's size limits on: XXE and billion laughs
    # leave unexpanded references behind instead of files or gigabytes.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Parse a sitemap or sitemap index (plain or gzipped, Google News included)."""
    body = _check_body(body, "sitemap")
    if _looks_like_html(body):
        raise DiscoveryError("not a sitemap: the server sent an HTML page")
    refuse_entities(body, "sitemap")
    try:
        root = etree.fromstring(body, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"broken sitemap XML: {exc}") from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: root element is <{kind}>")
    entries: list[Link] = []
    child = "sitemap" if kind == "sitemapindex" else "url"
    for element in root.iter(f"{{{_SITEMAP_NS}}}{child}", child):
        loc = _child_text(element, "loc")
        if not loc:
            continue
        entries.append(
            Link(
                url=_absolute(loc, url),
                modified=parse_date(_child_text(element, "lastmod")),
                published=parse_date(_news_text(element, "publication_date")),
                title=_news_text(element, "title"),
            )
        )
        if len(entries) >= MAX_SITEMAP_URLS:
            break
    if kind == "sitemapindex":
        return Sitemap(children=tuple(entries), is_index=True)
    return Sitemap(links=tuple(entries))


def _child_text(element: Any, name: str) -> str | None:
    for tag in (f"{{{_SITEMAP_NS}}}{name}", name):
        found = element.find(tag)
        if found is not None and found.text:
            return str(found.text).strip()
    return None


def _news_text(element: Any, name: str) -> str | None:
    found = element.find(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}{name}")
    return str(found.text).strip() if found is not None and found.text else None


def parse_date(value: str | None) -> datetime | None:
    """A W3C datetime ('2024-05-01', '2024-05-01T10:00+03:00', '...Z') as aware UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value.strip()[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def sitemaps_in_robots(robots_txt: str, base: str) -> list[str]:
    """The `Sitemap:` URLs a robots.txt lists (protego parses it)."""
    return [_absolute(u, base) for u in Protego.parse(robots_txt).sitemaps]


def default_sitemaps(home: str) -> list[str]:
    """Where sitemaps usually are when robots.txt names none (WordPress core first)."""
    return [urljoin(home, "/wp-sitemap.xml"), urljoin(home, "/sitemap.xml")]


# ---------------------------------------------------------------- HTML pages


def _html_tree(body: bytes | str, url: str) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body.strip():
        raise DiscoveryError("empty page")
    try:
        return lxml_html.document_fromstring(body, base_url=url)
    except (ValueError, etree.ParserError) as exc:
        raise DiscoveryError(f"unreadable HTML: {exc}") from None


def feeds_in_html(html: str, url: str) -> list[str]:
    """Feed URLs a home page announces with <link rel="alternate" type="application/rss+xml">."""
    tree = _html_tree(html, url)
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in _FEED_TYPES and link.get("href"):
            found.append(_absolute(link.get("href"), url))
    return _unique(found)


def wordpress_feed(home: str) -> str:
    """WordPress serves its main feed at /feed/ (a guess tried when a page announces none)."""
    return urljoin(home, "/feed/")


def links_in_listing(
    html: str, url: str, pattern: re.Pattern[str] | None, owns: Callable[[str], bool]
) -> list[str]:
    """Same-outlet links (`owns`, e.g. `Outlet.owns`) on a listing page whose URL matches
    `pattern` (every owned link when None). The listing's own pages (rel="next"/"prev",
    `?page=N`, `/page/N/`) are never among them: they list articles, they are none."""
    tree = _html_tree(html, url)
    found: list[str] = []
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        absolute = _absolute(href, url)
        if not owns(absolute) or absolute == url:
            continue
        rel = (anchor.get("rel") or "").lower().split()
        if "next" in rel or "prev" in rel or _same_listing(absolute, url):
            continue
        if pattern is not None and not pattern.search(absolute):
            continue
        found.append(absolute)
    return _unique(found)


_PAGE_PATH = re.compile(r"/page/(\d+)/?$")


def next_listing_page(html: str, url: str, owns: Callable[[str], bool]) -> str | None:
    """The next page of a listing: rel="next" if present, else `?page=N+1` or `/page/N+1/`."""
    tree = _html_tree(html, url)
    for element in (*tree.iter("link"), *tree.iter("a")):
        if "next" in (element.get("rel") or "").lower().split() and element.get("href"):
            candidate = _absolute(element.get("href"), url)
            return candidate if owns(candidate) else None
    guesses = set(_page_guesses(url))
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if href and _absolute(href, url) in guesses:
            return _absolute(href, url)
    return None


def _same_listing(candidate: str, url: str) -> bool:
    """Whether `candidate` is a page of the listing at `url`: the same path once `/page/N` is
    taken off, and the same query once `page` is (`/news/?page=3`, `/news/page/3/` of `/news/`).
    """
    a, b = urlsplit(candidate), urlsplit(url)
    if a.netloc.lower() != b.netloc.lower():
        return False

    def base(parts: SplitResult) -> tuple[str, list[tuple[str, str]]]:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
        return _PAGE_PATH.sub("", parts.path).rstrip("/"), sorted(query)

    return base(a) == base(b)


def _page_guesses(url: str) -> Iterable[str]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    number = int(query["page"]) if query.get("page", "").isdigit() else 1
    query["page"] = str(number + 1)
    yield urlunsplit(parts._replace(query=urlencode(query)))
    match = _PAGE_PATH.search(parts.path)
    current = int(match.group(1)) if match else 1
    base = _PAGE_PATH.sub("", parts.path).rstrip("/")
    for tail in ("/", ""):
        yield urlunsplit(parts._replace(path=f"{base}/page/{current + 1}{tail}"))


# ---------------------------------------------------------------- helpers


def _absolute(href: str, base: str) -> str:
    return urldefrag(urljoin(base, href.strip()))[0]


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))

"""What a page says about itself: JSON-LD, <meta> tags, lang attributes, headings, site identity.

Read once from the parsed tree before trafilatura prunes its copy, so titles, dates and language
can be chosen from the page's own declarations rather than from trafilatura's guesses.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# <meta> names/properties/itemprops that carry a publication or modification date.
_PUBLISHED_KEYS = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "original-publication-date",
)
_MODIFIED_KEYS = ("article:modified_time", "datemodified", "og:updated_time", "dcterms.modified")
# JSON-LD types of the article itself: every *Article and *Posting (NewsArticle,
# ReportageNewsArticle, BlogPosting, LiveBlogPosting, ...) and a few others that are the piece.
_ARTICLE_SUFFIXES = ("article", "posting")
_ARTICLE_TYPES = {"report", "claimreview", "review"}
# Classes and ids of elements that hold a visible publication date; "stamp" and "tmstmp"
# for timestamps ("cnn_strytmstmp", "datestamp").
_DATE_HINT = re.compile(
    r"date|time|stamp|tmstmp|publish|posted|entry-meta|post-meta|byline", re.IGNORECASE
)
# How many elements of the headline region to inspect for a date.
_REGION_ELEMENTS = 400
# Classes, ids and roles of containers whose dates belong to other stories or to readers:
# sidebars and widgets, related and latest-news cards, comments, navigation, the site footer.
_OFF_ARTICLE = re.compile(
    r"(?:^|[\s_-])(?:sidebar|widget|related|comments?|comment-list|respond|recent|popular"
    r"|most-read|trending|ticker|breaking|latest|more-news|read-more|nav|navigation|menu"
    r"|breadcrumbs?|site-footer|complementary|contentinfo)(?:$|[\s_-])",
    re.IGNORECASE,
)
# JSON-LD page objects whose dates may back up the article's: a WebPage describes this page.
# WebSite, Organization, CollectionPage and other objects date something else (the site's
# launch, a listing), never the article.
_PAGE_SUFFIXES = ("webpage", "itempage")  # WebPage, MedicalWebPage, ItemPage
# A copyright notice ("© 2025 عنب بلدي", "جميع الحقوق محفوظة 2025", "Copyright 2012-2025").
_COPYRIGHT = re.compile(r"©|copyright|all rights reserved|حقوق", re.IGNORECASE)
_YEAR_TEXTS = 60
_OTHER_DATES = 40
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass
class PageMeta:
    """Declarations found in one page; every field may be empty."""

    html_title: str | None = None
    og_title: str | None = None
    headline: str | None = None  # JSON-LD headline of the article object
    h1s: list[str] = field(default_factory=list)
    article_h1s: list[str] = field(default_factory=list)  # h1s inside <article>/<main>
    header_h1s: list[str] = field(default_factory=list)  # h1s inside a <header> outside them
    # og:site_name, JSON-LD publisher, front-page links
    site_names: list[str] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)  # (source, raw value)
    modified: list[tuple[str, str]] = field(default_factory=list)
    date_texts: list[str] = field(default_factory=list)  # texts of date-like elements, page order
    # dates a WebSite's or a listing's JSON-LD gives (see `other_dates`)
    jsonld_other_dates: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # declared: lang attributes first
    authors: list[str] = field(default_factory=list)
    person_authors: list[str] = field(default_factory=list)  # JSON-LD authors typed Person
    # The page, for what only some pages need read (two walks over every element, a fifth of
    # extraction's own time): `other_dates` and `year_texts` are read when first asked for.
    tree: Any = field(default=None, repr=False, compare=False)
    _other_dates: list[str] | None = field(default=None, repr=False, compare=False)
    _year_texts: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def other_dates(self) -> list[str]:
        """Dates shown elsewhere on the page (sidebars, related cards, comments, the site's
        chrome, a WebSite's JSON-LD): other stories' or readers', never the article's."""
        if self._other_dates is None:
            self._other_dates = list(self.jsonld_other_dates)
            if self.tree is not None:
                _read_other_dates(self.tree, self)
        return self._other_dates

    @other_dates.setter
    def other_dates(self, values: list[str]) -> None:
        self._other_dates = list(values)

    @property
    def year_texts(self) -> list[str]:
        """Texts that write a year, in copyright notices and sentences ("© 2025", "a reporter
        since 2018"): htmldate's year-only fallback reads such a year as the publication year."""
        if self._year_texts is None:
            self._year_texts = []
            if self.tree is not None:
                _read_year_texts(self.tree, self)
        return self._year_texts

    @year_texts.setter
    def year_texts(self, values: list[str]) -> None:
        self._year_texts = list(values)


def read_page_meta(tree: Any, url: str | None) -> PageMeta:
    """Collect the page's own declarations from an lxml tree (which is left unchanged)."""
    meta = PageMeta()
    _read_meta_tags(tree, meta)
    _read_json_ld(tree, meta)
    _read_headings(tree, meta)
    _read_home_links(tree, url, meta)
    _read_date_elements(tree, meta)
    # lang attributes outrank og:locale, which WordPress themes leave at en_US
    body = tree.find("body")
    attributes = [
        tree.get("lang"),
        tree.get("xml:lang"),
        body.get("lang") if body is not None else None,
    ]
    meta.languages[:0] = [lang for lang in attributes if lang]
    meta.tree = tree  # last: other dates are told from `date_texts` once these are complete
    return meta


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _clean(value: str) -> str:
    """JSON-LD strings often carry HTML entities ("&#8217;", "&nbsp;") and stray spaces."""
    return " ".join(html.unescape(value).split())


def _read_meta_tags(tree: Any, meta: PageMeta) -> None:
    title = tree.find(".//title")
    if title is not None:
        meta.html_title = _text(title) or None
    for element in tree.iterfind(".//meta"):
        key = (
            element.get("property") or element.get("name") or element.get("itemprop") or ""
        ).lower()
        content = (element.get("content") or "").strip()
        if not key:
            if (element.get("http-equiv") or "").lower() == "content-language" and content:
                meta.languages.append(content)
            continue
        if not content:
            continue
        if key in ("og:title", "twitter:title") and meta.og_title is None:
            meta.og_title = content
        elif key in ("og:site_name", "twitter:site"):  # application-name is often the headline
            meta.site_names.append(content.lstrip("@"))
        elif key in _PUBLISHED_KEYS:
            meta.published.append(("meta", content))
        elif key in _MODIFIED_KEYS:
            meta.modified.append(("meta", content))
        elif key in ("og:locale", "language", "dc.language", "content-language"):
            meta.languages.append(content)
        elif key in ("author", "article:author") and not content.startswith("http"):
            meta.authors.append(content)
    for element in tree.iterfind(".//time[@itemprop]"):
        prop = element.get("itemprop", "").lower()
        value = element.get("datetime") or _text(element)
        if prop == "datepublished" and value:
            meta.published.append(("meta", value))
        elif prop == "datemodified" and value:
            meta.modified.append(("meta", value))


def _read_json_ld(tree: Any, meta: PageMeta) -> None:
    articles: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        for obj in _walk(data):
            if any(t.endswith(_ARTICLE_SUFFIXES) or t in _ARTICLE_TYPES for t in _types(obj)):
                articles.append(obj)
            else:
                others.append(obj)
    # article objects outrank <meta> (read before), in document order: the first one wins
    meta.published[:0] = _jsonld_values(articles, "datePublished")
    meta.modified[:0] = _jsonld_values(articles, "dateModified")
    meta.languages[:0] = [
        lang for obj in articles if isinstance(lang := obj.get("inLanguage"), str) and lang
    ]
    for obj in articles:
        headline = obj.get("headline") or obj.get("name")
        if isinstance(headline, str) and headline.strip() and meta.headline is None:
            meta.headline = _clean(headline)
        meta.authors.extend(_names(obj.get("author")))
        meta.person_authors.extend(_names(obj.get("author"), kind="person"))
        meta.site_names.extend(_names(obj.get("publisher")))
    # a WebPage's dates only back the article's and the <meta> tags' up; a WebSite's or a
    # CollectionPage's never date the article
    pages = [obj for obj in others if any(t.endswith(_PAGE_SUFFIXES) for t in _types(obj))]
    meta.jsonld_other_dates.extend(
        value
        for obj in others
        if obj not in pages
        for _, value in _jsonld_values([obj], "datePublished")
    )
    meta.published.extend(_jsonld_values(pages, "datePublished", "jsonld-page"))
    meta.modified.extend(_jsonld_values(pages, "dateModified", "jsonld-page"))
    for obj in others:
        if _types(obj) & {"website", "organization", "newsmediaorganization"}:
            meta.site_names.extend(_names(obj))


def _jsonld_values(
    objects: list[dict[str, Any]], key: str, source: str = "jsonld"
) -> list[tuple[str, str]]:
    return [
        (source, value)
        for obj in objects
        if isinstance(value := obj.get(key), str) and value.strip()
    ]


def _types(obj: dict[str, Any]) -> set[str]:
    kinds = obj.get("@type")
    items = kinds if isinstance(kinds, list) else [kinds]
    return {k.lower() for k in items if isinstance(k, str)}


def _walk(data: Any) -> list[dict[str, Any]]:
    """Every top-level dict of a JSON-LD document and of its @graph lists and nested lists,
    breadth-first: an outer object comes before the objects of its @graph."""
    found: list[dict[str, Any]] = []
    queue: deque[Any] = deque([data])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            found.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                queue.extend(graph)
        elif isinstance(item, list):
            queue.extend(item)
    return found


def _names(value: Any, kind: str | None = None) -> list[str]:
    """The names in a JSON-LD value (a string, an object, a list); with `kind`, only of the
    objects of that @type ("person")."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if kind is not None and not (isinstance(item, dict) and kind in _types(item)):
            continue
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip() and not item.startswith("http"):
            names.append(_clean(item))
    return names


def _read_headings(tree: Any, meta: PageMeta) -> None:
    for h1 in tree.iterfind(".//h1"):
        text = _text(h1)
        if not text:
            continue
        ancestors = {a.tag for a in h1.iterancestors()}
        if ancestors & {"article", "main"}:
            meta.article_h1s.append(text)
        elif "header" in ancestors:
            meta.header_h1s.append(text)  # may be the site's name or the headline (titles.py)
        meta.h1s.append(text)


def _read_home_links(tree: Any, url: str | None, meta: PageMeta) -> None:
    """Text or logo alt of links to the site's front page: how a site names itself."""
    homes = {"/", "./", "index.html", "/index.html"}
    parts = urlsplit(url) if url else None
    if parts is not None and parts.netloc:
        for scheme in ("http:", "https:", ""):
            root = f"{scheme}//{parts.netloc}"
            homes.update({root, root + "/"})
    # string membership instead of urljoin per link: pages have hundreds of links
    for link in tree.iterfind(".//a[@href]"):
        if link.get("href", "").strip() not in homes:
            continue
        text = _text(link)
        if not text:
            image = link.find(".//img[@alt]")
            text = " ".join((image.get("alt") or "").split()) if image is not None else ""
        if text and len(text) <= 60:
            meta.site_names.append(text)


def _read_date_elements(tree: Any, meta: PageMeta) -> None:
    """Visible dates, nearest first: <time> and date-classed elements in the region around the
    headline (or the <article>), then any other <time>. Dates in sidebars, widgets, related and
    latest-news cards, comments, navigation and the site's header and footer belong to other
    stories or to readers, so they are not read at all."""
    region = _headline_region(tree)
    if region is not None:
        for count, element in enumerate(_article_elements(region)):
            if count > _REGION_ELEMENTS or len(meta.date_texts) >= 20:
                break
            if element.tag == "time":
                value = element.get("datetime") or _text(element)
                if value:
                    meta.date_texts.append(value)
                continue
            if _date_hinted(element):
                text = _text(element)
                if 4 <= len(text) <= 120:
                    meta.date_texts.append(text)
    for element in tree.iterfind(".//time"):
        if _elsewhere(element, itself=False):
            continue
        value = element.get("datetime") or _text(element)
        if value and value not in meta.date_texts:
            meta.date_texts.append(value)
    if not meta.date_texts:
        # no date near the headline: a date-classed element elsewhere in the article's part of
        # the page ("article-controls" under the lead image), outside sidebars and chrome
        for element in tree.iter():
            if len(meta.date_texts) >= 5:
                break
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            if not _date_hinted(element):
                continue
            text = _text(element)
            if 4 <= len(text) <= 120 and not _elsewhere(element):
                meta.date_texts.append(text)


def _read_other_dates(tree: Any, meta: PageMeta) -> None:
    """The dates of date elements in sidebars, related cards, comments and the site's chrome
    (htmldate may still pick one)."""
    for element in tree.iter():
        if len(meta.other_dates) >= _OTHER_DATES:
            return
        if not isinstance(element.tag, str):
            continue
        if element.tag == "time":
            values = [element.get("datetime") or "", _text(element)]
        elif _date_hinted(element):
            values = [_text(element)]
        else:
            continue
        if not (element.tag in ("aside", "nav") or _elsewhere(element)):
            continue
        meta.other_dates.extend(
            value for value in values if 4 <= len(value) <= 120 and value not in meta.date_texts
        )


def _article_elements(region: Any) -> Any:
    """The elements of `region` in document order, without the subtrees of sidebars, widgets,
    related cards, comments and navigation inside it."""
    stack = [region]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if element is not region and (element.tag in ("aside", "nav") or _off_article(element)):
            continue
        yield element
        stack.extend(reversed(list(element)))


def _date_hinted(element: Any) -> bool:
    """Whether the element's class or id says it holds a date (`_DATE_HINT`)."""
    hint = f"{element.get('class', '')} {element.get('id', '')}"
    return hint != " " and _DATE_HINT.search(hint) is not None


def _elsewhere(element: Any, *, itself: bool = True) -> bool:
    """Whether the element is in the site's chrome or inside (or, with `itself`, is) a
    container of other stories' or readers' dates."""
    around = element.iterancestors()
    return _in_chrome(element) or any(
        _off_article(a) for a in ((element, *around) if itself else around)
    )


def _off_article(element: Any) -> bool:
    """A container of other stories' or readers' dates, by its class, id or role."""
    if not isinstance(element.tag, str):
        return False
    hint = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
    return hint.strip() != "" and _OFF_ARTICLE.search(hint) is not None


def _read_year_texts(tree: Any, meta: PageMeta) -> None:
    """Texts that write a year: copyright notices, sentences (an author's bio) and, outside
    sidebars and the site's chrome, short texts (a date in an element of no date class);
    dates.py tells a year such a text names from a date it writes."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "time"):
            continue
        for text in (element.text, element.tail):
            if not text or _YEAR_IN_TEXT.search(text) is None:
                continue
            if not _COPYRIGHT.search(text):
                if len(meta.year_texts) >= _YEAR_TEXTS:
                    continue
                if len(text.split()) < 6 and _elsewhere(element, itself=False):
                    continue
            meta.year_texts.append(" ".join(text.split())[:400])


def _headline_region(tree: Any) -> Any:
    """The <article> holding the headline, else the headline's neighbourhood, else the first
    <article> (cards of other stories are <article>s too, so the headline decides)."""
    h1 = next((h for h in tree.iter("h1") if not _in_chrome(h) and not _is_logo(h)), None)
    if h1 is not None:
        article = next((a for a in h1.iterancestors() if a.tag == "article"), None)
        if article is not None:
            return article
    article = tree.find(".//article")
    if h1 is None and article is not None:
        return article
    # blog themes title posts with h2
    heading = (
        h1 if h1 is not None else next((h for h in tree.iter("h2") if not _in_chrome(h)), None)
    )
    if heading is None:
        return None
    region = heading
    for _ in range(3):
        parent = region.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        region = parent
    return region


def _is_logo(heading: Any) -> bool:
    """A site logo set as a heading outside any <header> (`<h1><a href="/"><img alt="CNN">`)."""
    hint = f"{heading.get('class', '')} {heading.get('id', '')}".lower()
    if any(word in hint for word in ("logo", "site-title", "site-name", "brand")):
        return True
    for link in heading.iter("a"):
        href = (link.get("href") or "").strip()
        if href in ("/", "./", "/index.html") or "home" in (link.get("rel") or "").lower():
            return True
    return False


def _in_chrome(element: Any) -> bool:
    """Inside the page's navigation, sidebar, footer or banner (an article's own <header> is not
    chrome)."""
    tags = {a.tag for a in element.iterancestors()}
    return bool(tags & {"nav", "aside", "footer"}) or ("header" in tags and "article" not in tags)

"""HTML to an `Extracted` document: the trafilatura boundary.

trafilatura finds the main text and basic metadata; what it gets wrong on Syrian pages
(boilerplate lines, titles, Arabic dates, language) is corrected after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html

from archiver.config import Outlet
from archiver.models import Extracted
from archiver.normalize import tidy_text


@dataclass(frozen=True)
class ExtractOptions:
    """What the caller knows beyond the HTML itself."""

    outlet: Outlet | None = None
    feed_published: str | None = None  # a date from the feed or sitemap that listed the page
    learned_lines: frozenset[str] = frozenset()  # lines learned as boilerplate for the outlet
    encoding: str | None = None  # how the bytes were decoded, recorded in the result


def extract_html(html: str, url: str | None, options: ExtractOptions | None = None) -> Extracted | None:
    """Extract the main text and metadata of one HTML page; None when it has no main text."""
    options = options or ExtractOptions()
    if not html.strip():
        return None
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    if options.outlet is not None:
        _drop_selectors(tree, options.outlet.drop_selectors)
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, favor_precision=False
    )
    if doc is None:
        return None
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = tidy_text(data.get("text") or "")
    if not text:
        return None
    return Extracted(
        text=text,
        title=(data.get("title") or None),
        authors=_split_authors(data.get("author")),
        published=data.get("date") or options.feed_published,
        date_source="trafilatura" if data.get("date") else ("feed" if options.feed_published else None),
        language=_page_language(tree) or data.get("language") or None,
        site_name=data.get("sitename") or None,
        canonical_url=_canonical_link(tree, url),
        description=data.get("description") or None,
        encoding=options.encoding,
    )


def _drop_selectors(tree: Any, selectors: tuple[str, ...]) -> None:
    for selector in selectors:
        for element in tree.cssselect(selector):
            element.drop_tree()


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _page_language(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("xml:lang")
    if lang:
        return str(lang).split("-")[0].strip().lower() or None
    return None


def _canonical_link(tree: Any, url: str | None) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            href = link.get("href").strip()
            return urljoin(url, href) if url else href
    return None

"""HTML to an `Extracted` document: the trafilatura boundary, and the corrections after it.

trafilatura finds the main text; what it gets wrong on Syrian pages is corrected here:
boilerplate lines (`boilerplate.py`, `learned.py`), credit lines (`credits.py`), titles
(`titles.py`), Arabic dates (`dates.py`) and language (`language.py`). The page's own
declarations are read from the tree first (`pagemeta.py`), since trafilatura prunes its copy.
Every line taken out of the text is recorded in `Extracted.removed` with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import is_dubious_html, repair_faulty_html

from archiver.boilerplate import Rules, remove_boilerplate
from archiver.config import Outlet
from archiver.credits import Credits, looks_like_names, take_credits
from archiver.dates import FoundDate, choose_dates
from archiver.language import detect_language
from archiver.models import Extracted, Removal
from archiver.normalize import fold, match_key, tidy_text, word_count
from archiver.pagemeta import PageMeta, read_page_meta
from archiver.titles import TitleAffixes, choose_title, site_name_keys

# Fewer words than this is navigation residue ("Home", "Menu"), not an article; the shortest
# briefs on our outlets ("عاجل" one-liners) still run to a dozen words or more.
MIN_WORDS = 8
# Longest text kept in a Removal for a dropped page element (selectors remove whole blocks).
_REMOVAL_CHARS = 300

# trafilatura's own parser settings (trafilatura.utils.HTML_PARSER), except that every element
# is a plain HtmlElement: lxml.html's default class lookup calls back into Python for each
# element object created (to give <form>, <input> and <label> classes of their own, which
# neither trafilatura nor this package uses), thousands of calls a page. trafilatura works on a
# copy of the tree it is given, which keeps this parser.
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


@dataclass(frozen=True)
class ExtractOptions:
    """What the caller knows beyond the HTML itself."""

    outlet: Outlet | None = None
    feed_published: str | None = None  # a date from the feed or sitemap that listed the page
    learned_lines: frozenset[str] = (
        frozenset()
    )  # folded lines learned as boilerplate for the outlet
    encoding: str | None = None  # how the bytes were decoded, recorded in the result
    learned_affixes: TitleAffixes = TitleAffixes()  # title affixes learned for the outlet
    # when the page was fetched: dates written without a year are the last such day before it
    reference_date: date | None = None
    # trafilatura's fast mode skips its readability/jusText fallback: about 20% quicker and
    # equal F1 overall, but it loses most of the text on some pages (bench/extract_eval.py)
    fast: bool = False


def extract_html(
    html: str, url: str | None, options: ExtractOptions | None = None
) -> Extracted | None:
    """Extract the main text and metadata of one HTML page; None when it has no main text."""
    options = options or ExtractOptions()
    tree = _parse(html)
    if tree is None:
        return None
    outlet = options.outlet
    removed: list[Removal] = []
    if outlet is not None and outlet.drop_selectors:
        removed.extend(_drop_selectors(tree, outlet.drop_selectors))
    meta = read_page_meta(tree, url)  # before trafilatura, which prunes its copy of the tree
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, fast=options.fast
    )
    if doc is None:
        return None
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    source_lines = [line for line in tidy_text(data.get("text") or "").split("\n") if line.strip()]
    site_names = _site_names(meta, data.get("sitename"), outlet, url)
    name_keys = site_name_keys(site_names)
    title = _choose_title(meta, data.get("title"), site_names, name_keys, options)
    links = cache(lambda: _link_texts(tree))  # read only when a related header is mid-article
    lines, cleaned, credits = _clean_lines(source_lines, title, name_keys, options, links)
    removed.extend(cleaned)
    text = "\n".join(lines)
    if word_count(text) < MIN_WORDS:
        return None  # navigation residue ("Home", "Menu"), not an article
    # dates may sit on lines removed above ("نشر في: …"), so they are read from all lines
    published, modified, date_source = choose_dates(
        meta, url, options.feed_published, source_lines, data.get("date"), options.reference_date
    )
    declared = [*meta.languages, *([outlet.language] if outlet and outlet.language else [])]
    return Extracted(
        text=text,
        title=title,
        authors=_drop_site_authors(
            _merge_authors(_split_authors(data.get("author")), meta.authors, credits.authors),
            name_keys,
            meta.person_authors,
        ),
        published=published.value if published else None,
        modified=_modified(modified, published),
        date_source=date_source,
        date_precision=published.precision if published else None,
        language=detect_language(text, declared),
        site_name=data.get("sitename") or (site_names[0] if site_names else None),
        canonical_url=_canonical_link(tree, url),
        description=data.get("description") or None,
        source_credit=credits.source_credit,
        removed=tuple(removed),
        encoding=options.encoding,
        html_title=meta.html_title,
    )


def _parse(html: str) -> Any:
    """The tree trafilatura itself would build from the string (`trafilatura.load_html`: the
    same repairs, fallback and sanity check; comments and processing instructions removed), so
    handing it the tree changes nothing in its output; built with `_PARSER`."""
    if not html.strip():
        return None
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    try:
        tree = fromstring(html, parser=_PARSER)
    except (ValueError, etree.LxmlError):  # ValueError: the string declares its encoding
        tree = None
    if tree is None or len(tree) < 1:
        tree = _parse_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None  # not HTML at all
    return tree


def _parse_bytes(html: str) -> Any:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except (ValueError, etree.LxmlError):
        return None


def _choose_title(
    meta: PageMeta,
    fallback: str | None,
    site_names: list[str],
    name_keys: frozenset[str],
    options: ExtractOptions,
) -> str | None:
    return choose_title(
        headline=meta.headline,
        og_title=meta.og_title,
        html_title=meta.html_title,
        h1s=meta.h1s,
        article_h1s=meta.article_h1s,
        header_h1s=meta.header_h1s,
        fallback=fallback,
        site_names=site_names,
        affixes=options.learned_affixes,
        name_keys=name_keys,
    )


def _clean_lines(
    lines: list[str],
    title: str | None,
    name_keys: frozenset[str],
    options: ExtractOptions,
    links: Callable[[], frozenset[str]],
) -> tuple[list[str], list[Removal], Credits]:
    """Title repeats and site-name lines, then boilerplate cues, then credit lines."""
    lines, removed = _drop_title_and_site_lines(lines, title, name_keys)
    outlet = options.outlet
    rules = Rules(
        outlet_phrases=outlet.boilerplate if outlet is not None else (),
        learned=options.learned_lines,
    )
    lines, cue_removed = remove_boilerplate(lines, rules, links)
    lines, credits = take_credits(lines)
    return lines, [*removed, *cue_removed, *credits.removed], credits


def _link_texts(tree: Any) -> frozenset[str]:
    """Match keys of the page's link texts of two words or more (teaser headlines are links)."""
    keys = (match_key(a.text_content()) for a in tree.iter("a"))
    return frozenset(key for key in keys if " " in key)


def _drop_selectors(tree: Any, selectors: tuple[str, ...]) -> list[Removal]:
    removed: list[Removal] = []
    for selector in selectors:
        for element in tree.cssselect(selector):
            text = " ".join(element.text_content().split())
            if text:
                removed.append(Removal(text[:_REMOVAL_CHARS], f"selector:{selector}"))
            element.drop_tree()
    return removed


def _drop_title_and_site_lines(
    lines: list[str], title: str | None, names: frozenset[str]
) -> tuple[list[str], list[Removal]]:
    """The headline repeated at the top (Enab Baladi does it twice), and a line that is only the
    site's name at the top or bottom (SOHR's header line, Syria News's closing signature).

    `names` holds the site names' match keys (`titles.site_name_keys`)."""
    title_key = match_key(title) if title else None
    removed: list[Removal] = []
    kept = list(lines)
    for _ in range(3):
        if len(kept) < 2:
            break
        key = match_key(kept[0])
        if title_key and key == title_key:
            removed.append(Removal(kept.pop(0), "title-repeat"))
        elif key in names:
            removed.append(Removal(kept.pop(0), "site-name"))
        else:
            break
    for _ in range(2):
        if len(kept) < 2 or match_key(kept[-1]) not in names:
            break
        removed.append(Removal(kept.pop(), "site-name"))
    return kept, removed


def _site_names(
    meta: PageMeta, sitename: str | None, outlet: Outlet | None, url: str | None
) -> list[str]:
    names = list(meta.site_names)
    if sitename:
        names.append(sitename)
    if outlet is not None:
        names.extend(n for n in (outlet.label, *outlet.aliases) if n)
    host = urlsplit(url).hostname if url else None
    labels = [p for p in (host or "").split(".") if p not in ("www", "en", "ar", "m", "amp")]
    # "baladi-news.com" names itself "Baladi News" in titles; a one-word label ("syria" of
    # syria.tv) is too common a word to strip from titles unless nothing else names the site
    if labels and ("-" in labels[0] or not names):
        names.append(re.sub(r"[-_]+", " ", labels[0]))
    return names


def _merge_authors(*groups: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    merged: list[str] = []
    for group in groups:
        for name in group:
            key = fold(name)
            if key and key not in seen:
                seen.add(key)
                merged.append(name)
    return tuple(merged)


def _drop_site_authors(
    authors: tuple[str, ...], name_keys: frozenset[str], persons: list[str]
) -> tuple[str, ...]:
    """Authors that are the site's own name ("عنب بلدي" from a byline "عنب بلدي – إدلب"), or
    that name and a place, credit no one. A name the page's JSON-LD calls a Person stays (a
    personal site named after its author). `name_keys` are `titles.site_name_keys`."""
    keep = {match_key(p) for p in persons}
    return tuple(a for a in authors if match_key(a) in keep or not _names_the_site(a, name_keys))


def _names_the_site(author: str, name_keys: frozenset[str]) -> bool:
    if match_key(author) in name_keys:
        return True
    # "عنب بلدي – إدلب", "Enab Baladi - Idlib": the outlet and where it reports from
    head = re.split(r"\s+[-–—|]\s+|\s*[،,]\s*", author.strip(), maxsplit=1)[0]
    return head != author.strip() and match_key(head) in name_keys


def _modified(modified: FoundDate | None, published: FoundDate | None) -> str | None:
    if modified is None or (published is not None and modified.value == published.value):
        return None
    return modified.value


def _split_authors(value: str | None) -> tuple[str, ...]:
    """trafilatura's authors that are names: an author box's bio read as the author
    ("Name صحفي سوري من درعا، يعمل مراسلاً … منذ عام") is a sentence, dropped."""
    if not value:
        return ()
    parts = (_trim_author(part) for part in value.split(";"))
    return tuple(part for part in parts if part and looks_like_names(part))


# What trafilatura leaves around a name: "Analysis by …", "Jeff Foust Monday", "… News
# reporter", or a month alone ("November", read from a dateline).
_AUTHOR_LEAD = re.compile(
    r"^(?:(?:analysis|commentary|opinion|reporting|words|story)\s+)?by\s+", re.I
)
_AUTHOR_TAIL = re.compile(
    r"(?:\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|news|senior|chief|staff"
    r"|reporter|correspondent|editor|writer|contributor|columnist|at-large|editor-at-large))+$",
    re.I,
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)


def _trim_author(part: str) -> str:
    led = _AUTHOR_LEAD.sub("", " ".join(part.split()))
    name = _AUTHOR_TAIL.sub("", led)
    if name.lower() in _MONTHS or (name != led and " " not in name):
        return ""  # a month, or an outlet's name before a role ("CNN Editor-at-large")
    return name


def _canonical_link(tree: Any, url: str | None) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            href = str(link.get("href")).strip()
            try:
                absolute = urljoin(url, href) if url else href
                urlsplit(absolute).port  # noqa: B018 - raises on a malformed host or port
            except ValueError:
                continue  # "http://[oops": the page's mistake; the fetched URL will do
            return absolute
    return None

"""Article titles: the article's own heading, never the site's name, without site affixes.

Sites append or prepend their name to `<title>` (" - It's Over 9000!", " | عنب بلدي",
"بلدي نيوز - ") and some themes put the site name in the first `<h1>`. A title segment is an
affix when it matches how the site names itself (og:site_name, JSON-LD publisher, front-page
links, the configured outlet label) or an affix learned from the outlet's other titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archiver.normalize import match_key

# Separators between a headline and a site name: spaced dashes, bars, bullets, colons, guillemets.
# A dash needs a space on at least one side ("بلدي نيوز- "), so "Al-Assad" stays whole; a
# guillemet spaces on both sides, since «» are the quotation marks of Arabic headlines
# ("«الإدارة الذاتية» تفرض …", "وزير الخارجية لـ«سانا»").
_SEPARATOR = re.compile(r"\s+[-–—|•·:»«~/]\s+|\s*[|•·]\s*|\s+::\s+|\s*[-–—]\s+|\s+[-–—]\s*")


# Longest site name taken seriously, in words.
_NAME_WORDS = 8


@dataclass(frozen=True)
class TitleAffixes:
    """Affixes learned from an outlet's titles (folded), by side."""

    prefixes: frozenset[str] = frozenset()
    suffixes: frozenset[str] = frozenset()


def split_title(title: str) -> list[str]:
    """The segments of a title between separators, stripped, empty ones dropped."""
    return [part.strip() for part in _SEPARATOR.split(title) if part.strip()]


def _is_site(segment: str, site_names: set[str], *, extra_words: int = 2) -> bool:
    """Whether a title segment names the site: a site name plus at most `extra_words` words
    ("SANA English", "Syria TV Online"). Whole headlines are judged with one extra word only,
    so "Enab Baladi wins press award" stays a headline."""
    key = match_key(segment)
    if not key:
        return True
    words = key.count(" ")
    return any(
        key == name
        or (len(name) >= 4 and f" {name} " in f" {key} " and words - name.count(" ") <= extra_words)
        for name in site_names
    )


def site_name_keys(site_names: Iterable[str]) -> frozenset[str]:
    """The match keys of a site's names; a long "name" is a headline in the wrong field."""
    keys = (match_key(n) for n in site_names if n)
    return frozenset(k for k in keys if k and k.count(" ") < _NAME_WORDS)


def strip_affixes(title: str, site_names: set[str], affixes: TitleAffixes) -> str:
    """Remove leading and trailing segments that name the site; keep the headline itself."""
    title = " ".join(title.split())
    parts = [m for m in _SEPARATOR.finditer(title)]
    if not parts:
        return title
    # positions of separators let us rebuild the remaining middle with its own punctuation
    bounds = [0] + [p for m in parts for p in (m.start(), m.end())] + [len(title)]
    segments = [title[bounds[i] : bounds[i + 1]].strip() for i in range(0, len(bounds), 2)]
    start, end = 0, len(segments)
    while end - start > 1 and (
        _is_site(segments[end - 1], site_names) or match_key(segments[end - 1]) in affixes.suffixes
    ):
        end -= 1
    while end - start > 1 and (
        _is_site(segments[start], site_names) or match_key(segments[start]) in affixes.prefixes
    ):
        start += 1
    if (start, end) == (0, len(segments)):
        return title
    return title[bounds[2 * start] : bounds[2 * end - 1]].strip()


def choose_title(
    *,
    headline: str | None,
    og_title: str | None,
    html_title: str | None,
    h1s: Iterable[str],
    article_h1s: Iterable[str],
    fallback: str | None,
    site_names: Iterable[str],
    header_h1s: Iterable[str] = (),
    affixes: TitleAffixes = TitleAffixes(),
    name_keys: frozenset[str] | None = None,
) -> str | None:
    """Pick the article's title from the page's candidates (see module docstring).

    `name_keys` is `site_name_keys(site_names)` when the caller has already built it.
    """
    names = set(site_name_keys(site_names) if name_keys is None else name_keys)
    h1_list = [h for h in h1s if h]
    if html_title:
        names |= _header_site_names(html_title, header_h1s, names)
    cleaned_title = strip_affixes(html_title, names, affixes) if html_title else None
    declared = [strip_affixes(v, names, affixes) for v in (og_title, headline) if v]
    # the visible heading when the page's metadata confirms it, as readers see it (a mirror
    # blog's h1 may carry the site's name as <title> does: "<headline> - Blog Name")
    article_h1s = [strip_affixes(h, names, affixes) for h in article_h1s if h]
    h1_list = [strip_affixes(h, names, affixes) for h in h1_list]
    ordered_h1s = [*article_h1s, *h1_list]
    references = [*declared, *([cleaned_title] if cleaned_title else [])]
    candidates = [h for h in ordered_h1s if any(_agrees(h, r) for r in references)]
    candidates.extend(declared)
    candidates.extend(article_h1s)
    if cleaned_title:
        candidates.append(cleaned_title)
    candidates.extend(h1_list)
    if fallback:
        candidates.append(strip_affixes(fallback, names, affixes))
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        key = match_key(candidate)
        if key and key not in names and not _is_site(candidate, names, extra_words=1):
            return candidate
    return None


def _header_site_names(html_title: str, header_h1s: Iterable[str], names: set[str]) -> set[str]:
    """A page-header h1 that repeats the affix side of `<title>` is the site's name.

    Mirror blogs title pages "<headline> - Blog Name" and print "Blog Name" as the header h1;
    news themes print the headline itself in a header h1. The h1 is taken as the site name when
    it equals an end segment of the title, the other segments do not name the site, and it
    is the shorter side (headlines are longer than site names).
    """
    segments = split_title(html_title)
    if len(segments) < 2:
        return set()
    found: set[str] = set()
    for h1 in header_h1s:
        key = match_key(h1)
        for end, rest in ((segments[-1], segments[:-1]), (segments[0], segments[1:])):
            rest_text = " ".join(rest)
            if key == match_key(end) and not any(_is_site(s, names) for s in rest):
                if len(key) < len(match_key(rest_text)):
                    found.add(key)
    return found


def _agrees(a: str, b: str) -> bool:
    ka, kb = match_key(a), match_key(b)
    return bool(ka and kb) and (ka == kb or (len(ka) > 15 and (ka in kb or kb in ka)))

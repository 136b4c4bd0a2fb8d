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

from archiver.normalize import fold

# Separators between a headline and a site name: spaced dashes, bars, bullets, colons, guillemets.
# A dash needs a space on at least one side ("بلدي نيوز- "), so "Al-Assad" stays whole.
_SEPARATOR = re.compile(r"\s+[-–—|•·:»«~/]\s+|\s*[|•·»«]\s*|\s+::\s+|\s*[-–—]\s+|\s+[-–—]\s*")


@dataclass(frozen=True)
class TitleAffixes:
    """Affixes learned from an outlet's titles (folded), by side."""

    prefixes: frozenset[str] = frozenset()
    suffixes: frozenset[str] = frozenset()


def split_title(title: str) -> list[str]:
    """The segments of a title between separators, stripped, empty ones dropped."""
    return [part.strip() for part in _SEPARATOR.split(title) if part.strip()]


def _is_site(segment: str, site_names: set[str]) -> bool:
    key = affix_key(segment)
    if not key:
        return True
    return any(
        key == name or (len(name) >= 4 and name in key and len(key) <= len(name) + 12)
        for name in site_names
    )


def affix_key(text: str) -> str:
    """A title segment folded and stripped of punctuation, for comparing affixes and names."""
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


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
        _is_site(segments[end - 1], site_names) or affix_key(segments[end - 1]) in affixes.suffixes
    ):
        end -= 1
    while end - start > 1 and (
        _is_site(segments[start], site_names) or affix_key(segments[start]) in affixes.prefixes
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
    affixes: TitleAffixes = TitleAffixes(),
) -> str | None:
    """Pick the article's title from the page's candidates (see module docstring)."""
    names = {affix_key(n) for n in site_names if n and affix_key(n)}
    h1_list = [h for h in h1s if h]
    cleaned_title = strip_affixes(html_title, names, affixes) if html_title else None
    candidates: list[str] = []
    for value in (headline, og_title):
        if value:
            candidates.append(strip_affixes(value, names, affixes))
    candidates.extend(h for h in article_h1s if h)
    # an h1 that agrees with the page title is the headline; otherwise the cleaned <title>
    if cleaned_title:
        candidates.extend(h for h in h1_list if _agrees(h, cleaned_title))
        candidates.append(cleaned_title)
    candidates.extend(h1_list)
    if fallback:
        candidates.append(strip_affixes(fallback, names, affixes))
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        key = affix_key(candidate)
        if key and key not in names and not _is_site(candidate, names):
            return candidate
    return None


def _agrees(a: str, b: str) -> bool:
    ka, kb = affix_key(a), affix_key(b)
    return bool(ka and kb) and (ka == kb or (len(ka) > 15 and (ka in kb or kb in ka)))

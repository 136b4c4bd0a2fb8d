"""URL canonicalization and the stable article id derived from it.

One article reaches us under many URLs: with `utm_*` or `so=related` parameters, a fragment,
`http` or `https`, a trailing slash or not, `www.` or not, an `/amp/` tail, a host with a
trailing dot, percent-encoded or raw Arabic slugs. `canonicalize_url` maps them to one string.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the document.
_TRACKING = re.compile(
    r"^(utm_\w+|so|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|ref|ref_src|"
    r"amp|output|share|s_cid|cmpid|_ga|spm|at_medium|at_campaign)$",
    re.IGNORECASE,
)
_AMP_TAIL = re.compile(r"(?:/amp)+/?$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonicalize_url(url: str) -> str:
    """Return the canonical form of an http(s) URL (see the module docstring)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.port and str(parts.port) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    path = _AMP_TAIL.sub("/", path)
    # Decode then re-encode so raw and percent-encoded Arabic slugs compare equal.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = sorted((k, v) for k, v in query if not _TRACKING.match(k))
    return urlunsplit((scheme, host, path, urlencode(query, quote_via=quote), ""))


def url_key(url: str) -> str:
    """The identity of a URL: canonical, without scheme and `www.` (both serve one article)."""
    scheme, host, path, query, _ = urlsplit(canonicalize_url(url))
    path = path.rstrip("/") or "/"
    return urlunsplit(("", host.removeprefix("www."), path, query, "")).removeprefix("//")


def article_id(url: str) -> str:
    """A stable 16-hex-digit id for an article, derived from its canonical URL."""
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:16]


def url_host(url: str) -> str:
    """The host[:port] of a URL, lowercased."""
    return urlsplit(url).netloc.lower()

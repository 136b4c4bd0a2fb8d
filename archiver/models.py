"""The records that flow through the pipeline: a fetched Page, an Extracted document, an Article."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Page:
    """One HTTP exchange (or one saved document): what came back, and how it was asked for."""

    url: str  # the URL that was asked for
    final_url: str  # after redirects
    status: int
    headers: tuple[tuple[str, str], ...]  # response headers as received
    body: bytes  # decoded from Content-Encoding, not from the charset
    fetched_at: datetime  # UTC
    request_headers: tuple[tuple[str, str], ...] = ()
    http_version: str = "HTTP/1.1"
    warc_record_id: str | None = None  # set when the page comes from an imported WARC

    def header(self, name: str) -> str | None:
        """The first response header called `name` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lowercased ('' when absent)."""
        return (self.header("content-type") or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Removal:
    """One piece of text taken out of an article, and why (so researchers can audit it)."""

    text: str
    reason: str  # e.g. "cue:read-also", "outlet-phrase", "learned-line", "credit"

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class Extracted:
    """What extraction made of one HTML document; no archive state yet."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # ISO 8601 date or datetime with the page's own offset
    modified: str | None = None
    date_source: str | None = None  # jsonld | meta | feed | url | text | trafilatura
    date_precision: str | None = None  # year | month | day | minute | second
    language: str | None = None  # ISO 639-1
    site_name: str | None = None
    canonical_url: str | None = None  # from <link rel=canonical>, absolute
    description: str | None = None
    source_credit: str | None = None  # the outlet a repost credits ("Source: SANA")
    removed: tuple[Removal, ...] = ()
    encoding: str | None = None
    html_title: str | None = None  # the page's <title> as found, for learning site affixes


@dataclass(kw_only=True)
class Article:
    """An archived article: the record users see in `ls`, `show` and `export`."""

    id: str
    url: str
    canonical_url: str
    # A rel=canonical naming another site: the page declares that its original is there.
    declared_original: str | None = None
    outlet: str
    site_name: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 with the page's own offset; never invented
    modified: str | None = None
    date_source: str | None = None
    date_precision: str | None = None
    language: str | None = None
    fetched_at: str  # ISO 8601, UTC
    word_count: int = 0
    sha256: str  # of the fingerprint-normalized text
    source_credit: str | None = None
    cluster: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    dedup_method: str | None = None  # url | exact | near | contained
    removed: list[dict[str, str]] = field(default_factory=list)
    encoding: str | None = None
    http_status: int | None = None
    warc_file: str | None = None
    warc_record_id: str | None = None
    text: str

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """The record as a JSON-ready dict, in field order."""
        data = dataclasses.asdict(self)
        if not with_text:
            data.pop("text")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild an Article from `to_dict` output, ignoring keys it does not know."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# Record fields in output order (for `ls --fields` validation and CSV headers).
ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Article))


@dataclass(frozen=True)
class Outcome:
    """What happened to one input item: a status, the article (if any) and an error (if any)."""

    url: str
    status: str  # stored | duplicate | unchanged | skipped | failed
    article: Article | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON line for stdout: the record (when there is one) plus the item as given
        (`input`, on every line, so output lines are matched to inputs without normalizing
        URLs), status and error."""
        data: dict[str, Any] = self.article.to_dict() if self.article else {"url": self.url}
        data["input"] = self.url
        data["status"] = self.status
        data["error"] = self.error
        return data


STATUSES = ("stored", "duplicate", "unchanged", "skipped", "failed")

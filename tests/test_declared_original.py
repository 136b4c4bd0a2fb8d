"""Which rel=canonical links a record keeps as `declared_original` (pipeline.extract_page)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.extract import ExtractOptions
from archiver.models import Article, Page
from archiver.pipeline import extract_page
from tests.servers import EN_PARAGRAPHS, EN_TITLE, article_html

PAGE_URL = "https://partner.example/syndicated/market?utm_source=feed"


def record(canonical: str | None) -> Article:
    html = article_html(EN_TITLE, EN_PARAGRAPHS, canonical=canonical)
    page = Page(
        url=PAGE_URL,
        final_url=PAGE_URL,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=html.encode(),
        fetched_at=datetime(2025, 3, 5, tzinfo=UTC),
    )
    result = extract_page(page, None, ExtractOptions())
    assert isinstance(result, tuple)
    return result[0]


@pytest.mark.parametrize(
    ("canonical", "declared", "own"),
    [
        # Another site: kept (canonicalized), while the page keeps its own URL and id.
        (
            "https://www.orontes.example/news/market/?utm_medium=x",
            "https://www.orontes.example/news/market/",
            "https://partner.example/syndicated/market",
        ),
        # The same site: the page's own canonical, nothing declared.
        ("https://partner.example/market", None, "https://partner.example/market"),
        # Another site's home page (a template's mistake), a malformed link, or none at all.
        ("https://orontes.example/", None, "https://partner.example/syndicated/market"),
        ("http://[oops/x", None, "https://partner.example/syndicated/market"),
        (None, None, "https://partner.example/syndicated/market"),
    ],
)
def test_only_a_canonical_on_another_site_is_a_declared_original(
    canonical: str | None, declared: str | None, own: str
) -> None:
    article = record(canonical)
    assert article.declared_original == declared
    assert article.canonical_url == own

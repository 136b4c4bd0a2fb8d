"""URL canonicalization and the stable article id."""

from __future__ import annotations

import pytest

from archiver.urls import article_id, canonicalize_url, url_host, url_key

SLUG = "تل-القمر-يفتح-السوق"
ENCODED = (
    "%D8%AA%D9%84-%D8%A7%D9%84%D9%82%D9%85%D8%B1-"
    "%D9%8A%D9%81%D8%AA%D8%AD-%D8%A7%D9%84%D8%B3%D9%88%D9%82"
)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("https://Courier.Example/news/1#comments", "https://courier.example/news/1"),
        (
            "https://courier.example/news/1?utm_source=fb&utm_medium=social&id=7",
            "https://courier.example/news/1?id=7",
        ),
        ("https://courier.example/news/1?fbclid=abc&so=related", "https://courier.example/news/1"),
        ("https://courier.example/news/1?b=2&a=1", "https://courier.example/news/1?a=1&b=2"),
        ("https://courier.example./news/1", "https://courier.example/news/1"),
        ("https://courier.example:443/news/1", "https://courier.example/news/1"),
        ("http://courier.example:80/news/1", "http://courier.example/news/1"),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
        ("https://courier.example//news//1", "https://courier.example/news/1"),
        ("https://courier.example/news/1/amp/", "https://courier.example/news/1/"),
        ("https://courier.example", "https://courier.example/"),
        (f"https://courier.example/ar/{SLUG}", f"https://courier.example/ar/{ENCODED}"),
        (f"https://courier.example/ar/{ENCODED}", f"https://courier.example/ar/{ENCODED}"),
        ("  https://courier.example/x  ", "https://courier.example/x"),
        ("mailto:desk@courier.example", "mailto:desk@courier.example"),
    ],
)
def test_canonicalize_url(given: str, canonical: str) -> None:
    assert canonicalize_url(given) == canonical
    assert canonicalize_url(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    "variant",
    [
        "http://courier.example/news/1",
        "https://www.courier.example/news/1/",
        "https://courier.example/news/1?utm_campaign=x#top",
        "https://COURIER.example/news/1/amp",
    ],
)
def test_variants_share_one_key_and_id(variant: str) -> None:
    base = "https://courier.example/news/1"
    assert url_key(variant) == url_key(base) == "courier.example/news/1"
    assert article_id(variant) == article_id(base)


def test_ids_are_stable_hex_and_distinct() -> None:
    one = article_id("https://courier.example/news/1")
    assert len(one) == 16 and set(one) <= set("0123456789abcdef")
    # A fixed value: ids are on disk and in users' notes, they must never change silently.
    assert one == "04c076305599baba"
    assert one != article_id("https://courier.example/news/2")
    assert one != article_id("https://courier.example/news/1?page=2")
    assert article_id(f"https://c.example/{SLUG}") == article_id(f"https://c.example/{ENCODED}")


def test_url_host() -> None:
    assert url_host("https://Courier.Example:8443/x") == "courier.example:8443"
    assert url_host("http://127.0.0.1:5000/") == "127.0.0.1:5000"

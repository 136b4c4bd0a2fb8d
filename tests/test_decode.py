"""Bytes to text: header charset, BOM, meta, and Arabic legacy encodings without a header."""

from __future__ import annotations

import codecs

import pytest

from archiver.decode import declared_encodings, decode_body
from tests.servers import AR_PARAGRAPHS, AR_TITLE, article_html

AR_PAGE = article_html(AR_TITLE, AR_PARAGRAPHS, lang="ar", meta_charset=None)


def test_utf8_with_header() -> None:
    text, codec = decode_body(AR_PAGE.encode("utf-8"), "text/html; charset=UTF-8")
    assert (text, codec) == (AR_PAGE, "utf-8")


def test_windows_1256_with_a_correct_header() -> None:
    text, codec = decode_body(AR_PAGE.encode("cp1256"), "text/html; charset=windows-1256")
    assert codec == "cp1256"
    assert AR_TITLE in text


def test_iso_8859_6_is_not_read_as_windows_1256() -> None:
    # The two put Arabic letters at different byte values: و is 0xE8 in one, 0xE6 in the other.
    page = "<p>سوق وطني</p>".encode("iso-8859-6")
    assert decode_body(page, "text/html; charset=ISO-8859-6") == ("<p>سوق وطني</p>", "iso8859-6")


@pytest.mark.parametrize("header", [None, "text/html", "text/html; charset=utf-8"])
def test_windows_1256_without_or_with_a_wrong_header(header: str | None) -> None:
    text, codec = decode_body(AR_PAGE.encode("cp1256"), header)
    assert codec == "cp1256"
    assert AR_TITLE in text and AR_PARAGRAPHS[2] in text
    assert "\ufffd" not in text


def test_meta_charset_is_honoured_when_the_header_is_silent() -> None:
    page = article_html(AR_TITLE, AR_PARAGRAPHS, lang="ar", meta_charset="windows-1256")
    text, codec = decode_body(page.encode("cp1256"), "text/html")
    assert codec == "cp1256" and AR_TITLE in text


def test_bom_wins_and_is_removed() -> None:
    text, codec = decode_body(
        codecs.BOM_UTF8 + "<p>مرحبا</p>".encode(), "text/html; charset=cp1256"
    )
    assert (text, codec) == ("<p>مرحبا</p>", "utf-8")


def test_xml_declaration() -> None:
    xml = '<?xml version="1.0" encoding="windows-1256"?><rss><title>خبر</title></rss>'
    assert declared_encodings(xml.encode("cp1256"), None) == ["cp1256"]
    assert decode_body(xml.encode("cp1256"))[0] == xml


def test_unknown_labels_are_ignored() -> None:
    assert declared_encodings(b"<p>x</p>", "text/html; charset=x-no-such-thing") == []
    assert decode_body("<p>café</p>".encode(), "text/html; charset=x-no-such-thing") == (
        "<p>café</p>",
        "utf-8",
    )


def test_latin_page_is_not_mistaken_for_arabic() -> None:
    sentence = (
        "The council\u2019s \u201cmarket plan\u201d \u2014 approved on Tuesday \u2013 costs 30. "
    )
    text, codec = decode_body(("<p>" + sentence * 10 + "</p>").encode("cp1252"), None)
    assert codec != "cp1256"
    assert sentence in text


def test_undecodable_bytes_never_raise() -> None:
    text, codec = decode_body(bytes(range(256)) * 4, "text/html; charset=utf-8")
    assert isinstance(text, str) and codec


# -- a Latin-1 header that lies (Apache's default) -------------------------------------------

# Our own text: a fictional notice about a water network, in Arabic.
AR_NOTICE_TITLE = "عودة المياه إلى حي الزيتون بعد إصلاح الشبكة"
AR_NOTICE = (
    "أعلنت مؤسسة المياه في المدينة صباح الأحد عودة الضخ إلى حي الزيتون بعد أسبوعين من الانقطاع، "
    "وقال مهندس في المؤسسة إن الفرق استبدلت ثلاثمئة متر من الأنابيب القديمة قرب الساحة العامة."
)


def _notice(meta_charset: str | None) -> str:
    return article_html(AR_NOTICE_TITLE, [AR_NOTICE], lang="ar", meta_charset=meta_charset)


LATIN_HEADERS = [
    "text/html; charset=ISO-8859-1",
    "text/html; charset=iso-8859-1",
    "text/html; charset=latin1",
    "text/html; charset=windows-1252",
    "text/html; charset=US-ASCII",
]


@pytest.mark.parametrize("header", LATIN_HEADERS)
@pytest.mark.parametrize(
    ("meta", "encoding", "codec"),
    [("windows-1256", "cp1256", "cp1256"), ("utf-8", "utf-8", "utf-8")],
)
def test_a_latin_header_yields_to_the_page_s_own_charset(
    header: str, meta: str, encoding: str, codec: str
) -> None:
    page = _notice(meta)
    text, used = decode_body(page.encode(encoding), header)
    assert (text, used) == (page, codec)


@pytest.mark.parametrize("header", LATIN_HEADERS[:2])
def test_a_latin_header_on_an_undeclared_arabic_page_yields_too(header: str) -> None:
    page = _notice(None)
    assert decode_body(page.encode("cp1256"), header) == (page, "cp1256")
    assert decode_body(page.encode("utf-8"), header) == (page, "utf-8")


@pytest.mark.parametrize("meta", ["windows-1256", "utf-8", None])
def test_a_true_latin_1_page_keeps_its_header(meta: str | None) -> None:
    # A wrong meta does not override a header that is right: Latin text decoded as Latin-1 has
    # a few accented letters among plain ones, not words made of nothing else.
    paragraphs = [
        "Der Gemeinderat hat am Dienstag den neuen Marktplan genehmigt; größere Straßen folgen.",
        "Sveitarstjórnin samþykkti á þriðjudag nýja áætlun um markaðinn við höfnina.",
        "Le conseil a approuvé mardi le plan du marché, où l'école rouvrira à la rentrée.",
    ]
    page = article_html("Marché: le conseil a tranché", paragraphs, meta_charset=meta)
    assert decode_body(page.encode("cp1252"), "text/html; charset=ISO-8859-1") == (page, "cp1252")


def test_a_right_header_of_another_charset_still_wins_over_the_meta() -> None:
    # Only the Latin family is second-guessed: a windows-1256 header beats a utf-8 meta.
    page = _notice("utf-8")
    text, codec = decode_body(page.encode("cp1256"), "text/html; charset=windows-1256")
    assert codec == "cp1256" and AR_NOTICE_TITLE in text

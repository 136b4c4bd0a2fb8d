"""Normalization for matching: copies that differ only in form get one fingerprint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.normalize import (
    content_sha256,
    fold,
    normalize_for_fingerprint,
    tidy_text,
    word_count,
)

PLAIN = "قال المجلس إن السوق سيفتح في 12 أيلول، بحضور 300 مزارع."


def test_arabic_variants_fold_together() -> None:
    variants = [
        "قالَ المَجلِسُ إنّ السّوقَ سيفتحُ في ١٢ أيلول، بحضور ٣٠٠ مزارع.",  # tashkeel, Arabic digits
        "قـــال المجـلس إن السوق سيفتح في 12 أيلول، بحضور 300 مزارع.",  # tatweel
        "قال المجلس ان السوق سيفتح في ۱۲ ايلول، بحضور ۳۰۰ مزارع.",  # bare alef, Persian digits
        "\u200fقال المجلس إن السوق\u200c سيفتح في 12 أيلول، بحضور 300 مزارع.\u200f",  # bidi marks
        "قال المجلس إن السوق سيفتح في 12 أيلول ، بحضور 300 مزارع !",  # punctuation and spacing
    ]
    for variant in variants:
        assert content_sha256(variant) == content_sha256(PLAIN), variant


def test_letter_forms() -> None:
    assert fold("أإآٱ") == "اااا"
    assert fold("مستشفى") == fold("مستشفي")
    assert fold("مدرسة") == fold("مدرسه")
    assert fold("کتاب") == fold("كتاب")
    assert fold("Hello  WORLD\n") == "hello world"
    assert fold("2020–2024 — “quoted”") == '2020-2024 - "quoted"'


def test_different_texts_differ() -> None:
    assert content_sha256(PLAIN) != content_sha256(PLAIN.replace("12", "13"))
    assert content_sha256("the market opens") != content_sha256("the market closes")


def test_fingerprint_keeps_only_words() -> None:
    assert normalize_for_fingerprint("«السوق» — يفتح؟ نعم!") == "السوق يفتح نعم"
    assert normalize_for_fingerprint("  ") == ""


def test_word_count_in_both_scripts() -> None:
    assert word_count(PLAIN) == 11
    assert word_count("The council voted, on Tuesday: 7 to 2.") == 8
    assert word_count("") == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("مُزارِعو سَهلِ الغابِ يَخسَرونَ مَحصولَ القَمحِ", 6),  # full tashkeel
        ("مُحَمَّدٌ وَصَلَ", 2),  # shadda and tanween
        ("المرحلـة الجمهوريـة الجديدة", 3),  # tatweel
        ("ٱلرَّحْمَٰنِ", 1),  # wasla and superscript alef
        ("می‌خواهم", 1),  # Persian ZWNJ inside a word
        ("cafe\u0301 de\u0301ja\u0300 vu", 3),  # decomposed Latin accents
    ],
)
def test_word_count_keeps_marks_inside_words(text: str, words: int) -> None:
    assert word_count(text) == words


def test_tidy_text_keeps_paragraphs() -> None:
    raw = "First line.  \r\nSecond line.\r\n\r\n\r\n\r\nNew paragraph.\t\n"
    assert tidy_text(raw) == "First line.\nSecond line.\n\nNew paragraph."


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_fingerprint_normalization_is_idempotent(text: str) -> None:
    once = normalize_for_fingerprint(text)
    assert normalize_for_fingerprint(once) == once
    assert "  " not in once and once == once.strip()

"""Credit lines at the edges move into authors and source_credit."""

from __future__ import annotations

import pytest

from archiver.credits import take_credits

BODY = [
    "The council said the repairs would take ten days and that residents should store water.",
    "Farmers asked for a share of the dam water to save the wheat harvest this season.",
    "The mayor promised a new schedule for the districts that waited longest for water.",
]


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Source: SANA", "SANA"),
        ("SOURCE: Orontes Monitor", "Orontes Monitor"),
        ("المصدر: بلدي نيوز", "بلدي نيوز"),
        ("المصدر : شام إف إم", "شام إف إم"),
        ("المصدر / وكالات", "وكالات"),
        ("(المصدر: عنب بلدي)", "عنب بلدي"),
    ],
)
def test_source_line_becomes_source_credit(line: str, source: str) -> None:
    kept, credits = take_credits([*BODY, line])
    assert kept == BODY
    assert credits.source_credit == source
    assert [(r.text, r.reason) for r in credits.removed] == [(line, "credit:source")]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("إعداد: سلمى الحسن – تحرير: ماهر العلي", ["سلمى الحسن", "ماهر العلي"]),
        ("Reporting by Rami Haddad", ["Rami Haddad"]),
        ("Contributed By: Lina Saleh - Edited By: Omar Jaber", ["Lina Saleh", "Omar Jaber"]),
        ("By John Smith and Mary Jones", ["John Smith", "Mary Jones"]),
        ("بقلم: وليد عمر", ["وليد عمر"]),
        ("بقلم وليد عمر", ["وليد عمر"]),
        ("تحرير: ماهر العلي", ["ماهر العلي"]),
        ("Hala Mansour / Nour Sayegh", ["Hala Mansour", "Nour Sayegh"]),
    ],
)
def test_byline_becomes_authors(line: str, authors: list[str]) -> None:
    kept, credits = take_credits([*BODY, line])
    assert kept == BODY
    assert credits.authors == authors


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, the council had repaired only two of the five pumps.",
        "تحرير مدينة منبج",  # "liberation of Manbij": a subheading, not an editor credit
        "Sources said the talks would resume on Sunday in the capital after a short break.",
        "كتب الأهالي رسالة إلى المحافظ يطالبون فيها بإصلاح المضخات قبل حلول الصيف المقبل.",
    ],
)
def test_sentences_that_look_like_credits_stay(line: str) -> None:
    lines = [line, *BODY]
    kept, credits = take_credits(lines)
    assert kept == lines and credits.removed == []


def test_credits_in_the_middle_stay() -> None:
    lines = [*BODY, "Source: SANA", *BODY, *BODY]
    kept, credits = take_credits(lines)
    assert kept == lines and credits.source_credit is None


def test_never_empties_the_text() -> None:
    kept, credits = take_credits(["Source: SANA"])
    assert kept == ["Source: SANA"] and credits.source_credit is None


@pytest.mark.parametrize(
    ("line", "source"),
    [
        (
            "This article was originally published by Futurism. Read the original article.",
            "Futurism",
        ),
        ("Originally published on the Orontes Courier.", "Orontes Courier"),
        ("This story first appeared in Tal Qamar Today", "Tal Qamar Today"),
        ("نشر هذا التقرير أولاً في دفتر الشام", "دفتر الشام"),
    ],
)
def test_origin_line_of_a_republished_piece_becomes_source_credit(line: str, source: str) -> None:
    kept, credits = take_credits([*BODY, line])
    assert kept == BODY
    assert credits.source_credit == source
    assert [r.reason for r in credits.removed] == ["credit:origin"]


def test_a_sentence_about_publishing_stays() -> None:
    line = "Published in the morning edition, the report drew wide attention from readers."
    kept, credits = take_credits([*BODY, line])
    assert kept == [*BODY, line] and credits.source_credit is None

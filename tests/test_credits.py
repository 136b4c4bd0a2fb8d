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
        (
            "This article first appeared on Sahl News and is republished with permission.",
            "Sahl News",
        ),
        ("This story was first published by Sahl News, republished here under CC BY", "Sahl News"),
        ("Originally published in the Orontes Courier, with permission.", "Orontes Courier"),
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


# Ordinary sentences that open with a credit's label: a byline names people, a source credit
# an outlet, SANA's signature two full names; these name none, so they stay in the text.
EDGE_SENTENCES = [
    "مراسل عنب بلدي في درعا: القصف مستمر على الأحياء الشرقية منذ الصباح",
    "تقرير الأمم المتحدة: 90% من السوريين يعيشون تحت خط الفقر",
    "تحرير: الأسعار ارتفعت في أسواق البلدة منذ بداية الشهر",
    "المصادر: لم يتم التعرف على هوية الضحايا حتى الآن",
    "المصدر: الأهالي قالوا إن المياه لم تصل إلى الحي منذ أسبوع",
    "Sources: the attackers fled toward the eastern countryside after the shooting.",
    "Source: the water authority said repairs would start on Monday",
    "By Sunday Evening, The Center Had Received Forty Patients",
    "Reporting by the council showed that 40% of the pumps had failed",
    "المصادر: قوات النظام تقصف بلدة تل الورد بالمدفعية",
    "المصدر: الأهالي يشترون المياه بأسعار مرتفعة",
    "كتبت الطفلة رسالة مؤثرة",
    "كتب الطلاب رسالة شكر",
    "Photo: residents queue for bread in front of the bakery",
]


@pytest.mark.parametrize("line", EDGE_SENTENCES)
@pytest.mark.parametrize("where", ["first", "last"])
def test_a_sentence_after_a_credit_label_stays(line: str, where: str) -> None:
    lines = [line, *BODY] if where == "first" else [*BODY, line]
    kept, credits = take_credits(lines)
    assert kept == lines
    assert (credits.authors, credits.source_credit, credits.removed) == ([], None, [])


@pytest.mark.parametrize("line", ["درعا / نوى", "Hama / Homs", "ريف دمشق / دير الزور"])
def test_a_place_list_at_the_end_is_not_an_editor_signature(line: str) -> None:
    kept, credits = take_credits([*BODY, line])
    assert kept == [*BODY, line] and credits.authors == []


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Hazem Sabbagh/Mazen Eyon", ["Hazem Sabbagh", "Mazen Eyon"]),
        ("ريم الحمود / علي حسن", ["ريم الحمود", "علي حسن"]),
        ("إعداد: علي الأحمد", ["علي الأحمد"]),  # "علي" (Ali) is a name, "على" a preposition
        ("بقلم: د. وليد عمر", ["د. وليد عمر"]),
        ("By Dr. Lina Saleh", ["Dr. Lina Saleh"]),
        ("Reporting by: Mohammed al-Hassan", ["Mohammed al-Hassan"]),
        ("مراسل عنب بلدي: أحمد الخطيب", ["أحمد الخطيب"]),
        ("إعداد وتحرير: سلمى الحسن", ["سلمى الحسن"]),
        ("(تحرير: ماهر العلي)", ["ماهر العلي"]),
        ("كتبت: سلمى الحسن", ["سلمى الحسن"]),
    ],
)
def test_more_real_bylines_and_signatures(line: str, authors: list[str]) -> None:
    kept, credits = take_credits([*BODY, line])
    assert kept == BODY
    assert credits.authors == authors


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("المصدر: سانا", "سانا"),
        ("Sources: Reuters, AFP", "Reuters, AFP"),
        ("Source: Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
        ("Source: agencies", "agencies"),
        ("SOURCE: News agencies", "News agencies"),
        ("المصدر: وكالة الأنباء السورية (سانا)", "وكالة الأنباء السورية (سانا)"),
        ("المصدر: صفحة المحافظة على فيسبوك", "صفحة المحافظة على فيسبوك"),
        ("المصادر: وكالات", "وكالات"),
        ("المصدر: عنب بلدي", "عنب بلدي"),
        ("المصدر: المرصد السوري لحقوق الإنسان", "المرصد السوري لحقوق الإنسان"),
        ("المصدر: موقع تلفزيون سوريا الإخباري", "موقع تلفزيون سوريا الإخباري"),
    ],
)
def test_more_real_source_credits(line: str, source: str) -> None:
    kept, credits = take_credits([line, *BODY])
    assert kept == BODY
    assert credits.source_credit == source


@pytest.mark.parametrize(
    "line",
    [
        "تصوير: سلمى الحسن",
        "تصوير: سلمى الحسن / زيتون بوست",
        "Photo: AFP",
        "Photo credit: Olive Press / Rami Haddad",
    ],
)
@pytest.mark.parametrize("where", ["first", "last"])
def test_a_photo_credit_goes_without_making_an_author(line: str, where: str) -> None:
    lines = [line, *BODY] if where == "first" else [*BODY, line]
    kept, credits = take_credits(lines)
    assert kept == BODY
    assert credits.authors == [] and credits.source_credit is None
    assert [(r.text, r.reason) for r in credits.removed] == [(line, "credit:photo")]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("زيتون نيوز - درعا (خاص)", []),
        ("زيتون نيوز- درعا (سلمى الحسن)", ["سلمى الحسن"]),
        ("زيتون نيوز – ريف دمشق (ماهر العلي)", ["ماهر العلي"]),
    ],
)
def test_a_datelines_reporter_becomes_an_author_and_the_line_stays(
    line: str, authors: list[str]
) -> None:
    # the place in a dateline is the story's ("where from"), so the line stays in the text
    kept, credits = take_credits([line, *BODY])
    assert kept == [line, *BODY]
    assert credits.authors == authors and credits.removed == []


def test_a_bare_wrote_byline_counts_only_above_the_article() -> None:
    kept, credits = take_credits(["كتب وليد عمر", *BODY])
    assert kept == BODY and credits.authors == ["وليد عمر"]
    kept, credits = take_credits([*BODY, "كتب وليد عمر"])
    assert kept == [*BODY, "كتب وليد عمر"] and credits.authors == []


def test_a_bracketed_aside_in_the_middle_is_no_dateline() -> None:
    line = "وقال رئيس البلدية - في اتصال هاتفي (أمس)"
    lines = [*BODY, line, *BODY, *BODY]
    kept, credits = take_credits(lines)
    assert kept == lines
    kept, credits = take_credits([line, *BODY])
    assert kept == [line, *BODY]

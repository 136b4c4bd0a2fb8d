"""Dates chosen on whole pages: only the article's own dates, never a sidebar's, a comment's,
a copyright notice's, a site's or a placeholder; update labels date the modification."""

from __future__ import annotations

from datetime import date

import pytest
import trafilatura

from archiver.dates import choose_dates, find_text_date, find_yearless_date, is_date_line
from archiver.extract import ExtractOptions, extract_html
from archiver.pagemeta import read_page_meta

PARAGRAPHS_AR = [
    "قال المجلس المحلي في بلدة تل الورد إن ورشات الصيانة بدأت إصلاح خط المياه الرئيسي"
    " الذي يغذي الأحياء الشرقية بعد انقطاع دام ثلاثة أسابيع متتالية.",
    "وأوضح رئيس المجلس أن الأعطال نتجت عن تآكل الأنابيب القديمة وأن الإصلاح يحتاج إلى"
    " أسبوعين على الأقل إذا توفرت القطع اللازمة من المستودعات.",
    "واشتكى سكان من ارتفاع أسعار صهاريج المياه الخاصة خلال فترة الانقطاع، إذ وصل سعر"
    " الخزان الواحد إلى ضعف ما كان عليه في الشهر الماضي.",
    "ويعتمد آلاف السكان في البلدة على الشبكة العامة، في ظل غياب الآبار الخاصة وارتفاع"
    " تكاليف حفرها وصعوبة الحصول على التراخيص من الجهات المختصة.",
]
PARAGRAPHS_EN = [
    "The local council of Tal al-Ward said repair crews began fixing the main water line that"
    " feeds the eastern neighbourhoods after a three-week outage.",
    "The head of the council said the faults came from corroded old pipes and that the repair"
    " would take at least two weeks if spare parts arrive from the depots.",
    "Residents complained that private water trucks doubled their prices during the outage,"
    " with one tank now costing twice what it did last month.",
    "Thousands of residents depend on the public network, as private wells are rare and"
    " drilling permits are hard to obtain from the authorities.",
]
REFERENCE = date(2024, 6, 1)
URL = "https://zaytoun.example/archives/1000"


def _page(
    header: str = "",
    after: str = "",
    outside: str = "",
    footer: str = "",
    head: str = "",
    lang: str = "ar",
    body_lines: tuple[str, ...] = (),
) -> str:
    paragraphs = PARAGRAPHS_AR if lang == "ar" else PARAGRAPHS_EN
    text = "".join(f"<p>{p}</p>" for p in [*body_lines, *paragraphs])
    title = "إصلاح شبكة المياه في تل الورد" if lang == "ar" else "Water network repairs begin"
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        '<body><header class="site-header"><a href="/">Zaytoun</a></header><main>'
        f'<article class="post"><h1 class="entry-title">{title}</h1>{header}'
        f'<div class="entry-content">{text}</div>{after}</article>{outside}</main>'
        f'<footer class="site-footer">{footer}</footer></body></html>'
    )


def _dates(html: str, url: str = URL) -> tuple[str | None, str | None, str | None]:
    result = extract_html(html, url, ExtractOptions(reference_date=REFERENCE))
    assert result is not None
    return result.published, result.modified, result.date_source


# 3a: dates of other stories and of readers
SIDEBAR_TIME = (
    '<aside class="widget"><h3>آخر الأخبار</h3><ul><li><a href="/archives/1">انقطاع الكهرباء'
    ' في حلب</a> <time datetime="2024-05-30T10:00:00+03:00">30 أيار 2024</time></li></ul></aside>'
)
RELATED_CARD = (
    '<div class="related-posts"><h3>مقالات ذات صلة</h3><div class="card"><a href="/archives/2">'
    'ارتفاع أسعار الخبز</a><span class="date">25 أيار 2024</span></div></div>'
)
COMMENT = (
    '<div id="comments"><ol class="comment-list"><li class="comment"><div class="comment-meta">'
    '<time datetime="2024-05-20T09:00:00">20 أيار 2024</time></div><p>تعليق من قارئ</p></li>'
    "</ol></div>"
)
LATEST_EN = (
    '<div class="sidebar"><h3>Latest news</h3><ul><li><a href="/archives/3">Power cuts in'
    ' Aleppo</a><span class="news-date">May 30, 2024</span></li></ul></div>'
)


@pytest.mark.parametrize(
    "html",
    [
        _page(outside=SIDEBAR_TIME),
        _page(after=RELATED_CARD),
        _page(after=COMMENT),
        _page(outside=LATEST_EN, lang="en"),
        _page(after=COMMENT.replace("20 أيار 2024", "May 20, 2024"), lang="en"),
    ],
    ids=["sidebar-time", "related-card", "comment-in-article", "latest-en", "comment-en"],
)
def test_a_sidebar_related_or_comment_date_is_not_the_article_date(html: str) -> None:
    assert _dates(html)[0] is None


def test_a_yearless_date_in_the_article_header_beats_a_full_date_in_the_sidebar() -> None:
    header = '<div class="meta"><span class="date">السبت 9 آذار</span></div>'
    html = _page(header=header, outside=SIDEBAR_TIME.replace("widget", "sidebar"))
    assert _dates(html, "https://baladi.example/ar/articles/123/x")[::2] == ("2024-03-09", "text")
    html = _page(header=header, outside=LATEST_EN)
    assert _dates(html)[::2] == ("2024-03-09", "text")


def test_the_article_date_is_still_read_beside_a_sidebar() -> None:
    header = '<div class="entry-meta"><span class="date">8 آذار 2024</span></div>'
    assert _dates(_page(header=header, outside=SIDEBAR_TIME, after=COMMENT))[::2] == (
        "2024-03-08",
        "text",
    )


# 3b, 3c: years of copyright notices and bios
@pytest.mark.parametrize(
    ("footer", "after", "lang"),
    [
        ("<p>© 2023 زيتون</p>", "", "ar"),
        ("<p>جميع الحقوق محفوظة لموقع زيتون 2023</p>", "", "ar"),
        ("<p>Copyright 2023 Zaytoun News. All rights reserved.</p>", "", "en"),
        (
            "",
            '<div class="author-box"><h4>سامر خليل</h4><p>صحفي سوري من حمص، يعمل مراسلاً'
            " لزيتون منذ عام 2018 ويغطي شؤون المياه.</p></div>",
            "ar",
        ),
    ],
    ids=["copyright-sign", "rights-reserved-ar", "copyright-en", "author-bio"],
)
def test_a_copyright_or_bio_year_is_not_the_publication_year(
    footer: str, after: str, lang: str
) -> None:
    assert _dates(_page(footer=footer, after=after, lang=lang))[0] is None


@pytest.mark.parametrize(
    ("box", "lang"),
    [
        (
            "<h4>سامر خليل</h4><p>صحفي سوري من حمص، يعمل مراسلاً لزيتون منذ عام 2018 ويغطي"
            " شؤون المياه.</p>",
            "ar",
        ),
        (
            "<h4>Samer Khalil</h4><p>Samer Khalil is a Syrian journalist from Homs who has"
            " reported for Zaytoun since 2018.</p>",
            "en",
        ),
    ],
)
def test_an_author_box_gives_no_sentence_as_author(box: str, lang: str) -> None:
    html = _page(after=f'<div class="author-box">{box}</div>', lang=lang)
    result = extract_html(html, URL, ExtractOptions(reference_date=REFERENCE))
    assert result is not None and result.published is None
    assert all(len(author.split()) <= 5 for author in result.authors), result.authors


def test_a_yearless_date_beats_the_copyright_year() -> None:
    header = '<div class="entry-meta"><span class="date">السبت 18 تشرين الثاني</span></div>'
    html = _page(header=header, footer="<p>جميع الحقوق محفوظة لموقع زيتون 2024</p>")
    assert _dates(html)[::2] == ("2023-11-18", "text")


# 3d: update labels
def test_an_update_label_dates_the_modification() -> None:
    header = (
        '<div class="entry-meta"><span class="date">آخر تحديث: 10 آذار 2024</span>'
        '<span class="date">نشر في: 8 آذار 2024</span></div>'
    )
    assert _dates(_page(header=header)) == ("2024-03-08", "2024-03-10", "text")
    html = _page(body_lines=("Last updated: March 10, 2024 14:20",), lang="en")
    assert _dates(html) == (None, "2024-03-10T14:20", None)
    html = _page(body_lines=("آخر تحديث: 10 آذار 2024 - 14:20",))
    assert _dates(html) == (None, "2024-03-10T14:20", None)


# 3e: JSON-LD objects that are not the article
def _ld(kind: str, published: str) -> str:
    return (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        f'{{"@type": "{kind}", "name": "Zaytoun", "datePublished": "{published}"}}]}}</script>'
    )


@pytest.mark.parametrize("kind", ["WebSite", "CollectionPage", "Organization"])
def test_a_site_or_listing_jsonld_date_never_dates_the_article(kind: str) -> None:
    html = _page(head=_ld(kind, "2012-01-01T00:00:00+00:00"))
    assert _dates(html)[0] is None
    html = _page(
        head=_ld(kind, "2012-01-01T00:00:00+00:00"), header='<span class="date">9 آذار 2024</span>'
    )
    assert _dates(html)[::2] == ("2024-03-09", "text")


def test_meta_published_time_beats_a_webpage_jsonld_date() -> None:
    head = _ld("WebPage", "2024-03-09T10:00:00+00:00") + (
        '<meta property="article:published_time" content="2024-03-08T10:00:00+00:00">'
    )
    assert _dates(_page(head=head))[::2] == ("2024-03-08T10:00:00+00:00", "meta")
    # without <meta>, the WebPage's date backs up
    assert _dates(_page(head=_ld("WebPage", "2024-03-09T10:00:00+00:00")))[::2] == (
        "2024-03-09T10:00:00+00:00",
        "jsonld",
    )
    # an article's JSON-LD comes first
    head = _ld("NewsArticle", "2024-03-07T10:00:00+00:00") + head
    assert _dates(_page(head=head))[::2] == ("2024-03-07T10:00:00+00:00", "jsonld")


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("ReportageNewsArticle", "jsonld"),
        ("BackgroundNewsArticle", "jsonld"),
        ("LiveBlogPosting", "jsonld"),
        ("ClaimReview", "jsonld"),
        ("Report", "jsonld"),
        ("MedicalWebPage", "jsonld"),  # a page type: backs the article's date up
    ],
)
def test_every_article_or_page_type_dates_the_article(kind: str, source: str) -> None:
    html = _page(head=_ld(kind, "2024-03-09T09:44:09+00:00"))
    assert _dates(html)[::2] == ("2024-03-09T09:44:09+00:00", source)


# 3f: placeholders and the future
@pytest.mark.parametrize(
    "value", ["1970-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z", "1985-06-01", "2999-01-01"]
)
def test_placeholder_and_future_dates_are_rejected(value: str) -> None:
    head = f'<meta property="article:published_time" content="{value}">'
    assert _dates(_page(head=head))[0] is None


def test_a_date_after_tomorrow_is_rejected() -> None:
    meta = read_page_meta(trafilatura.load_html("<html><body><p>x</p></body></html>"), None)
    later = date.today().toordinal() + 2
    meta.published = [("meta", date.fromordinal(later).isoformat())]
    assert choose_dates(meta, None, None, [], None)[0] is None


# 3g: datelines
@pytest.mark.parametrize(
    ("line", "value", "modified"),
    [
        ("ريف دمشق - 7 كانون الأول 2023", "2023-12-07", None),
        ("الأحد 24 جمادى الأولى 1445 هـ الموافق 7 كانون الأول 2023", "2023-12-07", None),
        ("دمشق، الخميس 7 كانون الأول 2023 (سانا)", "2023-12-07", None),
        ("نشر في: 9 آذار 2024 - آخر تحديث: 10 آذار 2024", "2024-03-09", "2024-03-10"),
        ("Published: March 9, 2024 | Updated: March 10, 2024", "2024-03-09", "2024-03-10"),
        ("نشر في 9 آذار 2024 - 10:30 | 3 دقائق قراءة", "2024-03-09T10:30", None),
        ("March 9, 2024 · 4 min read", "2024-03-09", None),
    ],
)
def test_datelines_with_places_agencies_hijri_updates_and_read_times(
    line: str, value: str, modified: str | None
) -> None:
    assert is_date_line(line)
    result = extract_html(_page(body_lines=(line,)), "https://sana.example/?p=1", ExtractOptions())
    assert result is not None
    assert (result.published, result.modified, result.date_source) == (value, modified, "text")
    assert line not in result.text  # the dateline is not article text


@pytest.mark.parametrize(
    "line",
    [
        "غادر الأهالي في 9 آذار 2024",
        "الأهالي غادروا قريتهم 9 آذار 2024",
        "عاد السكان إلى البلدة - 9 آذار 2024 وبدأوا الإصلاح",
        "The council met on March 9, 2024",
        "Residents said March 9, 2024 was the worst day",
    ],
)
def test_a_sentence_with_a_date_is_still_not_a_date_line(line: str) -> None:
    assert not is_date_line(line)


# 3h: evening times, offsets, weekdays
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("الأحد 9 آذار 2024 - 10:30 مساءً", "2024-03-09T22:30"),
        ("الأحد 9 آذار 2024 - 10:30 صباحاً", "2024-03-09T10:30"),
        ("9 آذار 2024 - 12:15 ظهراً", "2024-03-09T12:15"),
        ("7 يوليو 2024 | 11:45 GMT+3", "2024-07-07T11:45+03:00"),
        ("July 7, 2024 11:45 UTC+03:00", "2024-07-07T11:45+03:00"),
    ],
)
def test_evening_times_and_written_offsets(text: str, value: str) -> None:
    found = find_text_date(text)
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    ("text", "reference", "value"),
    [
        ("السبت 18 تشرين الثاني", date(2026, 12, 7), "2023-11-18"),  # 2026-11-18 is a Wednesday
        ("الأربعاء 18 تشرين الثاني", date(2026, 12, 7), "2026-11-18"),
        ("الاثنين 18 تشرين الثاني", date(2026, 12, 7), "2024-11-18"),
        ("18 تشرين الثاني", date(2026, 12, 7), "2026-11-18"),  # no weekday: as before
        ("الأحد 2 آذار", date(2024, 3, 10), "2024-03-02"),  # no Sunday in six years: as before
    ],
)
def test_a_weekday_picks_the_year_of_a_yearless_date(
    text: str, reference: date, value: str
) -> None:
    found = find_yearless_date(text, reference)
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    ("line", "lang", "expected"),
    [
        ("9 آذار 2024 - كتب: أحمد الحسن", "ar", "2024-03-09"),
        ("March 9, 2024 - By Lina Saleh", "en", "2024-03-09"),
        ("March 9, 2024 | By Lina Saleh | Economy", "en", "2024-03-09"),
    ],
)
def test_a_date_beside_a_byline_on_one_line_dates_the_article(
    line: str, lang: str, expected: str
) -> None:
    assert _dates(_page(lang=lang, body_lines=(line,)))[::2] == (expected, "text")

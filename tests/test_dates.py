"""Date parsing (Levantine, Egyptian, dual forms, Arabic-Indic digits) and the choice of source."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.dates import (
    choose_dates,
    date_from_url,
    find_text_date,
    is_date_line,
    parse_date,
    parse_iso,
)
from archiver.normalize import fold
from archiver.pagemeta import PageMeta


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("9 تشرين الأول 2017", "2017-10-09", "day"),
        ("الاثنين 9 تشرين الاول 2017", "2017-10-09", "day"),
        ("10 حزيران 2021", "2021-06-10", "day"),
        ("10 آذار 2024", "2024-03-10", "day"),
        ("١٠ آذار ٢٠٢٤", "2024-03-10", "day"),
        ("٨ أغسطس ٢٠٢٥", "2025-08-08", "day"),
        ("25-كانون الثاني-2023", "2023-01-25", "day"),
        ("31-تشرين الأول-2022", "2022-10-31", "day"),
        ("5 كانون 2 2020", "2020-01-05", "day"),
        ("3 ايار 2019", "2019-05-03", "day"),
        ("3 آيار 2019", "2019-05-03", "day"),
        ("7 يناير (كانون الثاني) 2025", "2025-01-07", "day"),
        ("18 ديسمبر (كانون الأول) 2024", "2024-12-18", "day"),
        ("18 تشرين الثاني/نوفمبر 2022", "2022-11-18", "day"),
        ("الخميس, حزيران (يونيو) 10, 2021 - 21:02", "2021-06-10T21:02", "minute"),
        ("الأحد، 29 مارس 2015 08:22 م", "2015-03-29T20:22", "minute"),
        ("الأحد، 29 مارس 2015 08:22 ص", "2015-03-29T08:22", "minute"),
        ("الجمعة, 27 ديسمبر - 2024", "2024-12-27", "day"),
        ("2 أبريل 2023", "2023-04-02", "day"),
        ("2 إبريل 2023", "2023-04-02", "day"),
        ("12 July 2018", "2018-07-12", "day"),
        ("March 19, 2021", "2021-03-19", "day"),
        ("Jan. 5, 2024", "2024-01-05", "day"),
        ("2021/03/19 • 8:01 pm", "2021-03-19T20:01", "minute"),
        ("Orient Net 2019-11-13 06:58:00", "2019-11-13T06:58:00", "second"),
        ("٢٠٢٣/٠٥/١٤", "2023-05-14", "day"),
        ("14/05/2023", "2023-05-14", "day"),
        ("06/05/2020", "2020-05-06", "day"),  # Syrian pages write day first
        ("7-22-2020", "2020-07-22", "day"),  # month first only when day first is impossible
    ],
)
def test_text_dates(text: str, value: str, precision: str) -> None:
    found = find_text_date(text)
    assert found is not None, text
    assert (found.value, found.precision) == (value, precision)


@pytest.mark.parametrize(
    "text",
    [
        "قال الوزير إن 2017 كان عاماً صعباً",  # a year alone is no date
        "31 شباط 2020",  # no such day
        "نشر في 12 آب",  # no year
        "the meeting lasted 3 hours",
        "",
    ],
)
def test_no_date_invented(text: str) -> None:
    assert find_text_date(text) is None


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("2024-03-10T14:05:00+03:00", "2024-03-10T14:05:00+03:00", "second"),
        ("2024-03-10T14:05:00+0300", "2024-03-10T14:05:00+03:00", "second"),
        ("2023-09-01T08:00:00Z", "2023-09-01T08:00:00+00:00", "second"),
        ("2023-09-01T08:00", "2023-09-01T08:00", "minute"),
        ("2023-09-01", "2023-09-01", "day"),
        ("2023-09", "2023-09", "month"),
        ("2017", "2017", "year"),
        ("Mon, 10 Mar 2024 14:05:00 +0300", "2024-03-10T14:05:00+03:00", "second"),
    ],
)
def test_structured_dates_keep_time_and_offset(raw: str, value: str, precision: str) -> None:
    found = parse_date(raw)
    assert found is not None
    assert (found.value, found.precision) == (value, precision)


def test_future_and_invalid_iso_rejected() -> None:
    assert parse_iso("2999-01-01") is None
    assert parse_iso("2024-13-01") is None
    assert parse_iso("not a date") is None


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://english.enabbaladi.net/archives/2021/03/some-slug/", "2021-03"),
        ("https://snhr.org/blog/2020/12/22/report/", "2020-12-22"),
        ("https://example.org/news/20190704-story.html", "2019-07-04"),
        ("https://www.politifact.com/article/2019/nov/18/guide/", "2019-11-18"),
        ("https://sana.sy/en/?p=242802", None),
        ("https://example.org/2020/13/40/x", None),
    ],
)
def test_url_dates(url: str, value: str | None) -> None:
    found = date_from_url(url)
    assert (found.value if found else None) == value


def _meta(**kwargs: object) -> PageMeta:
    meta = PageMeta()
    for key, value in kwargs.items():
        setattr(meta, key, value)
    return meta


def test_order_jsonld_then_meta_then_feed_then_url_then_text() -> None:
    meta = _meta(
        published=[("meta", "2020-01-02T10:00:00+03:00"), ("jsonld", "2020-01-03T11:00:00+03:00")],
        date_texts=["9 تشرين الأول 2017"],
    )
    published, _, source = choose_dates(meta, None, "2020-01-04", [], None)
    assert (published and published.value, source) == ("2020-01-03T11:00:00+03:00", "jsonld")
    meta = _meta(published=[("meta", "2020-01-02")], date_texts=["9 تشرين الأول 2017"])
    published, _, source = choose_dates(meta, None, "2020-01-04", [], None)
    assert (published and published.value, source) == ("2020-01-02", "meta")
    published, _, source = choose_dates(
        _meta(), "https://x.org/2019/05/06/a", "2020-01-04", [], None
    )
    assert (published and published.value, source) == ("2020-01-04", "feed")
    published, _, source = choose_dates(
        _meta(), "https://x.org/2019/05/06/a", None, [], "2018-01-01"
    )
    assert (published and published.value, source) == ("2019-05-06", "url")


def test_text_day_refines_a_month_from_the_url() -> None:
    meta = _meta(date_texts=["19 آذار 2021"])
    published, _, source = choose_dates(
        meta, "https://x.org/archives/2021/03/slug/", None, [], None
    )
    assert (published and published.value, source) == ("2021-03-19", "text")
    # a text date that disagrees with the URL does not win
    meta = _meta(date_texts=["19 نيسان 2020"])
    published, _, source = choose_dates(
        meta, "https://x.org/archives/2021/03/slug/", None, [], None
    )
    assert (published and published.value, published and published.precision, source) == (
        "2021-03",
        "month",
        "url",
    )


def test_levantine_text_beats_htmldate_new_year_fallback() -> None:
    meta = _meta(date_texts=["9 تشرين الأول 2017"])
    published, _, source = choose_dates(meta, None, None, [], "2017-01-01")
    assert (published and published.value, source) == ("2017-10-09", "text")


def test_new_year_guess_alone_is_reported_as_a_year() -> None:
    published, _, source = choose_dates(_meta(), None, None, ["نص بلا تاريخ"], "2017-01-01")
    assert published is not None
    assert (published.value, published.precision, source) == ("2017", "year", "trafilatura")


def test_month_only_date_keeps_month_precision() -> None:
    meta = _meta(date_texts=["ديسمبر/كانون الأول 2024"])
    published, _, source = choose_dates(meta, None, None, [], "2015-02-03")
    assert published is not None
    assert (published.value, published.precision, source) == ("2024-12", "month", "text")


def test_modified_date_is_read() -> None:
    meta = _meta(
        published=[("jsonld", "2024-01-01T09:00:00+03:00")],
        modified=[("jsonld", "2024-01-02T10:00:00+03:00")],
    )
    _, modified, _ = choose_dates(meta, None, None, [], None)
    assert modified is not None and modified.value == "2024-01-02T10:00:00+03:00"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("نشر في : 12/03/2021 - 10:30", True),
        ("الاثنين 9 تشرين الاول 2017", True),
        ("UPDATED: Tue., Nov. 19, 2019", True),
        ("- Published 18 November 2019", True),
        ("Sunday, 27 November 2016", True),
        ("— The Senate (@senate) October 9, 2018", False),  # a tweet's attribution
        ("29 November 2018 | 20 January 2019", False),  # a date range
        ("Elections held on 12 July 2018 in Damascus", False),
        ("وقال الأهالي إن الماء انقطع في 9 آذار 2021", False),
    ],
)
def test_date_only_lines(line: str, expected: bool) -> None:
    assert is_date_line(line) is expected
    # the path for callers that folded the line already gives the same answer
    assert is_date_line(fold(line), folded=True) is expected


def test_day_and_month_without_year_resolve_against_the_fetch_date() -> None:
    meta = _meta(date_texts=["صباح اليوم السبت 18 تشرين الثاني/نوفمبر"])
    published, _, source = choose_dates(meta, None, None, [], None, date(2024, 3, 10))
    assert (published and published.value, source) == ("2023-11-18", "text")
    meta = _meta(date_texts=["الأحد 2 آذار"])
    published, _, _ = choose_dates(meta, None, None, [], None, date(2024, 3, 10))
    assert published is not None and published.value == "2024-03-02"
    # htmldate's year-only guess and a year-less day of another year: neither is trusted
    published, _, source = choose_dates(meta, None, None, [], "2019-01-01", date(2024, 3, 10))
    assert (published and published.value, source) == ("2019", "trafilatura")
    # English "3 may" is not read as a date
    meta = _meta(date_texts=["officials said 3 may be released"])
    assert choose_dates(meta, None, None, [], None, date(2024, 3, 10))[0] is None


LEVANTINE = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]  # fmt: skip
EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@given(
    day=st.dates(min_value=date(1995, 1, 1), max_value=date(2024, 12, 31)),
    style=st.sampled_from(["levantine", "egyptian", "dual", "slash-dual", "hyphen"]),
    indic=st.booleans(),
)
def test_any_arabic_written_date_parses_back(day: date, style: str, indic: bool) -> None:
    lev, egy = LEVANTINE[day.month - 1], EGYPTIAN[day.month - 1]
    text = {
        "levantine": f"{day.day} {lev} {day.year}",
        "egyptian": f"{day.day} {egy} {day.year}",
        "dual": f"{day.day} {egy} ({lev}) {day.year}",
        "slash-dual": f"{day.day} {lev}/{egy} {day.year}",
        "hyphen": f"{day.day}-{lev}-{day.year}",
    }[style]
    if indic:
        text = text.translate(INDIC)
    found = find_text_date(f"الخميس {text}")
    assert found is not None, text
    assert (found.value, found.precision) == (day.isoformat(), "day")


def test_the_first_jsonld_article_gives_the_date_and_language() -> None:
    # a page with its own article first and a related article's object after it
    import trafilatura

    from archiver.pagemeta import read_page_meta

    html = (
        "<html><head>"
        '<meta property="article:published_time" content="2018-02-02T08:00:00+03:00">'
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "NewsArticle", "headline": "Own story", "inLanguage": "ar",'
        ' "datePublished": "2021-05-01T10:00:00+03:00",'
        ' "dateModified": "2021-05-02T10:00:00+03:00"},'
        '{"@type": "NewsArticle", "headline": "Related story", "inLanguage": "en",'
        ' "datePublished": "2019-01-01T10:00:00+03:00",'
        ' "dateModified": "2019-01-02T10:00:00+03:00"},'
        '{"@type": "WebPage", "datePublished": "2017-01-01T10:00:00+03:00"}'
        "]}</script></head><body><p>text</p></body></html>"
    )
    meta = read_page_meta(trafilatura.load_html(html), "https://x.example/a")
    assert meta.headline == "Own story"
    assert meta.published == [
        ("jsonld", "2021-05-01T10:00:00+03:00"),
        ("jsonld", "2019-01-01T10:00:00+03:00"),
        ("meta", "2018-02-02T08:00:00+03:00"),
        ("jsonld-page", "2017-01-01T10:00:00+03:00"),  # the WebPage's, after <meta>
    ]
    assert meta.modified[0] == ("jsonld", "2021-05-02T10:00:00+03:00")
    assert meta.languages[0] == "ar"
    published, _, source = choose_dates(meta, None, None, [], None, None)
    assert (published and published.value, source) == ("2021-05-01T10:00:00+03:00", "jsonld")


# A body that tells of an earlier event; no date element, no <meta>, no date in the URL.
EVENT_AR = [
    "في 15 آذار 2011 غادر آلاف من سكان بلدة تل قمر منازلهم، وبدأوا الشهر الماضي بالعودة إليها.",
    "وقال رئيس المجلس المحلي إن عدد العائدين بلغ نحو ألفي شخص معظمهم من المخيمات.",
    "وأضاف أن المجلس يعمل على ترميم المدرسة والمستوصف قبل بداية فصل الشتاء.",
]
EVENT_EN = [
    "On March 15, 2011, thousands of residents left the town of Tal Qamar for the camps.",
    "The head of the local council said about two thousand people had returned last month.",
    "He added that the council was repairing the school and the clinic before winter.",
]


@pytest.mark.parametrize(
    ("lines", "fallback"),
    [
        (EVENT_AR, None),
        (EVENT_AR, "2011-01-01"),  # htmldate's year-only reading of the Levantine date
        (EVENT_EN, None),
        (EVENT_EN, "2011-03-15"),  # htmldate reads the English sentence's date
        ([*EVENT_EN[1:], EVENT_EN[0]], "2011-03-15"),  # the sentence at the end
    ],
)
def test_a_date_inside_a_sentence_is_not_the_publication_date(
    lines: list[str], fallback: str | None
) -> None:
    published, _, source = choose_dates(_meta(), "https://sana.sy/?p=202", None, lines, fallback)
    assert (published, source) == (None, None)


def test_a_day_and_month_inside_a_sentence_is_not_the_publication_date() -> None:
    lines = ["في 15 آذار غادر آلاف من سكان البلدة منازلهم.", *EVENT_AR[1:]]
    published, _, _ = choose_dates(_meta(), None, None, lines, None, date(2024, 3, 20))
    assert published is None
    lines = ["السبت 18 تشرين الثاني", *EVENT_AR[1:]]
    published, _, source = choose_dates(_meta(), None, None, lines, None, date(2024, 3, 20))
    assert (published and published.value, source) == ("2023-11-18", "text")


@pytest.mark.parametrize(
    ("lines", "value"),
    [
        (["نشر في: 3 كانون الأول 2025", *EVENT_AR], "2025-12-03"),
        (["دمشق - 3 كانون الأول 2025", *EVENT_AR], "2025-12-03"),
        (["الأربعاء 3 كانون الأول 2025 - 10:30", *EVENT_AR], "2025-12-03T10:30"),
        ([*EVENT_EN, "Published 18 November 2019"], "2019-11-18"),
        (["Sunday, 27 November 2016", *EVENT_EN], "2016-11-27"),
    ],
)
def test_a_date_line_at_the_edges_still_dates_the_article(lines: list[str], value: str) -> None:
    published, _, source = choose_dates(_meta(), None, None, lines, "2011-03-15")
    assert (published and published.value, source) == (value, "text")


def test_a_year_only_guess_not_written_in_the_text_is_still_kept() -> None:
    published, _, source = choose_dates(_meta(), None, None, EVENT_AR[1:], "2019-01-01")
    assert (published and published.value, source) == ("2019", "trafilatura")

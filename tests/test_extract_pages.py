"""extract_html on the fictional fixture pages (gold in tests/fixtures/pages/*.json) and on the
real Arabic regression pages in ../shared/data/arabic-fixtures."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from archiver.config import Outlet
from archiver.extract import ExtractOptions, _split_authors, extract_html
from archiver.normalize import fold
from tests.conftest import SHARED_DATA

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
SPECS = sorted(PAGES.glob("*.json"))


def _load(spec_path: Path) -> tuple[str, dict[str, Any]]:
    html = spec_path.with_suffix(".html").read_text(encoding="utf-8")
    return html, json.loads(spec_path.read_text(encoding="utf-8"))


def test_fixture_set_is_large_and_bilingual() -> None:
    languages = [json.loads(p.read_text(encoding="utf-8"))["language"] for p in SPECS]
    assert len(SPECS) >= 40
    assert languages.count("ar") >= 15 and languages.count("en") >= 15


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_fixture_page(spec_path: Path) -> None:
    html, spec = _load(spec_path)
    result = extract_html(html, spec["url"])
    assert result is not None
    lines = {fold(line) for line in result.text.split("\n")}
    assert [d for d in spec["drop"] if fold(d) in lines] == []
    assert [k for k in spec["keep"] if fold(k) not in lines] == []
    assert result.title == spec["title"]
    assert result.published == spec["published"]
    assert result.language == spec["language"]
    for author in spec["authors"]:
        assert author in result.authors
    assert result.source_credit == spec["source_credit"]
    # every dropped line is accounted for in `removed`
    removed = {fold(r.text) for r in result.removed}
    assert all(fold(d) in removed for d in spec["drop"])


def test_paragraphs_and_rtl_text_are_preserved_exactly() -> None:
    html, spec = _load(PAGES / "ar01-h1.json")
    result = extract_html(html, spec["url"])
    assert result is not None
    for paragraph in spec["keep"]:
        assert paragraph in result.text.split("\n")  # byte-identical, one paragraph per line


def test_drop_selectors_and_outlet_phrases_are_recorded() -> None:
    html = """<html lang="ar"><body><article><h1>بدء إصلاح شبكة المياه في البلدة</h1>
    <div class="donate-box"><p>ادعم زيتون بوست بتبرع شهري</p></div>
    <p>قال أعضاء في المجلس المحلي إن أعمال إصلاح شبكة المياه الرئيسية بدأت صباح اليوم.</p>
    <p>زيتون بوست – صوت الناس</p>
    <p>وأوضح مهندس في مؤسسة المياه أن المضخات القديمة تعطلت بسبب انقطاع الكهرباء.</p>
    </article></body></html>"""
    outlet = Outlet(
        name="zaytoun",
        url="https://zaytoun.example/",
        boilerplate=("زيتون بوست - صوت الناس",),
        drop_selectors=("div.donate-box",),
    )
    result = extract_html(html, "https://zaytoun.example/a/1", ExtractOptions(outlet=outlet))
    assert result is not None
    reasons = {r.reason: r.text for r in result.removed}
    assert reasons["selector:div.donate-box"] == "ادعم زيتون بوست بتبرع شهري"
    assert reasons["outlet-phrase"] == "زيتون بوست – صوت الناس"
    assert "صوت الناس" not in result.text and "تبرع" not in result.text


def test_feed_date_used_when_the_page_has_none_and_precision_recorded() -> None:
    html = (
        "<html><body><article><h1>Pumps fail again in the eastern district</h1>"
        "<p>Residents of the eastern district said on Monday that the pumps had failed again, "
        "leaving hundreds of families without water for the third time this month.</p>"
        "<p>The water authority said spare parts were on their way from the provincial depot "
        "and promised repairs before the end of the week.</p></article></body></html>"
    )
    options = ExtractOptions(feed_published="2024-03-10T14:05:00+03:00")
    result = extract_html(html, "https://example.org/a", options)
    assert result is not None
    assert (result.published, result.date_source, result.date_precision) == (
        "2024-03-10T14:05:00+03:00",
        "feed",
        "second",
    )
    assert result.language == "en"


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html><body></body></html>", "<html><body><p>A A A</p><p>Share</p></body></html>"],
)
def test_no_main_text_gives_none(html: str) -> None:
    assert extract_html(html, "https://example.org/") is None


ARABIC = SHARED_DATA / "arabic-fixtures"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def shared_data() -> None:
    """The real pages must be there in CI (CI=true): a missing checkout fails there, and is only
    skipped on a developer's machine."""
    if not ARABIC.is_dir():
        if _in_ci():
            pytest.fail(f"{ARABIC} is missing; CI must have ../shared/data beside the repo")
        pytest.skip("../shared/data not beside the repo")


needs_shared = pytest.mark.usefixtures("shared_data")


@needs_shared
def test_cnn_arabic_comment_policy_goes_and_gold_stays() -> None:
    html = (ARABIC / "cnn-arabic-2013" / "arabic_article.html").read_text(encoding="utf-8")
    gold = (ARABIC / "cnn-arabic-2013" / "arabic.txt").read_text(encoding="utf-8")
    result = extract_html(html, None)
    assert result is not None
    text = fold(result.text)
    assert "سياسه الخصوصيه" not in text and "الاراء الوارده ادناه" not in text
    for paragraph in (p for p in gold.split("\n") if p.strip()):
        assert fold(paragraph) in text
    assert result.language == "ar"
    # the visible "الأربعاء، 28 آب/اغسطس 2013" under the headline (div.cnn_strytmstmp), below
    # a logo set as the page's first <h1>
    assert (result.published, result.date_source) == ("2013-08-28", "text")


@needs_shared
def test_assabah_trailing_comment_form_goes() -> None:
    record = json.loads((ARABIC / "assabah-tn" / "evaldata-record.json").read_text("utf-8"))
    spec = next(iter(record.values()))
    html = (ARABIC / "assabah-tn" / "assabah.com.tn.article.html").read_text(encoding="utf-8")
    result = extract_html(html, None)
    assert result is not None
    text = fold(result.text)
    assert all(fold(s) in text for s in spec["with"])
    assert not any(fold(s) in text for s in spec["without"])


@needs_shared
def test_lbc_gold_paragraphs_all_kept() -> None:
    lbc = ARABIC / "lbcgroup-lb"
    html = gzip.decompress((lbc / "LBCGroup_2026_01_08.html.gz").read_bytes()).decode("utf-8")
    data = json.loads((lbc / "LBCGroup.json").read_text(encoding="utf-8"))["V1"]
    result = extract_html(html, "https://www.lbcgroup.tv/news/lifestyle/898682/")
    assert result is not None
    for section in data["body"]["sections"]:
        for paragraph in section["paragraphs"]:
            assert fold(paragraph) in fold(result.text)
    assert result.language == "ar"


def test_site_name_lines_at_the_edges_go() -> None:
    body = "".join(
        f"<p>{s}</p>"
        for s in (
            "The Orontes Observatory",
            "Residents of the eastern district said on Monday that the pumps had failed again, "
            "leaving hundreds of families without water for the third time this month.",
            "The water authority said spare parts were on their way from the provincial depot "
            "and promised repairs before the end of the week.",
            "The Orontes Observatory",
        )
    )
    html = (
        '<html><head><meta property="og:site_name" content="The Orontes Observatory">'
        "<title>Pumps fail again • The Orontes Observatory</title></head>"
        f"<body><article><h1>Pumps fail again</h1>{body}</article></body></html>"
    )
    result = extract_html(html, "https://orontes.example/en/1/")
    assert result is not None
    assert "Orontes" not in result.text
    assert [r.reason for r in result.removed].count("site-name") == 2
    assert result.title == "Pumps fail again"


def test_timestamp_under_the_headline_dates_the_article_below_a_logo_heading() -> None:
    html = (
        "<html lang='ar'><body><div id='masthead'><h1><a href='/'>"
        "<img src='/logo.png' alt='مرآة العاصي'></a></h1></div>"
        "<div class='story'><h1>افتتاح جسر جديد على نهر العاصي</h1>"
        "<div class='story_tmstmp'>الخميس، 4 أيلول/سبتمبر 2014، آخر تحديث 09:15</div>"
        "<article><p>افتتحت مديرية النقل جسراً جديداً يربط ضفتي النهر بعد عامين من العمل.</p>"
        "<p>وقال مهندسون إن الجسر يختصر على المزارعين طريقاً طوله عشرون كيلومتراً يومياً.</p>"
        "</article></div></body></html>"
    )
    result = extract_html(html, "https://orontes-mirror.example/news/77")
    assert result is not None
    assert "2014" not in result.text  # the date comes from the element, not from a text line
    assert (result.published, result.date_source) == ("2014-09-04", "text")


def test_date_without_year_uses_the_reference_date() -> None:
    from datetime import date

    html = (
        "<html lang='ar'><body><article><h1>حملة تبرعات لتشغيل بئر القرية</h1>"
        "<div class='post-date'>صباح اليوم السبت 18 تشرين الثاني</div>"
        "<p>قال ناشطون إن الأهالي نظموا حملة تبرعات لشراء مولدة كهربائية تشغل بئر القرية.</p>"
        "<p>وجمع الأهالي خلال يومين ما يكفي لتشغيلها ساعتين يومياً على الأقل بحسب الناشطين.</p>"
        "</article></body></html>"
    )
    options = ExtractOptions(reference_date=date(2024, 1, 5))
    result = extract_html(html, "https://baladi-mirror.example/ar/articles/5/x", options)
    assert result is not None
    assert (result.published, result.date_source, result.date_precision) == (
        "2023-11-18",
        "text",
        "day",
    )


def test_fixture_pages_match_their_generator(tmp_path: Path) -> None:
    # the committed pages and gold are exactly what build_pages.py writes (no hand edits drift)
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_pages", PAGES / "build_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    built = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in PAGES.iterdir() if p.suffix in (".html", ".json"))
    assert built == committed
    for name in built:
        assert (tmp_path / name).read_bytes() == (PAGES / name).read_bytes(), name


def test_todays_date_bar_and_sidebar_times_do_not_date_the_article() -> None:
    html = (
        "<html lang='ar'><body>"
        "<div class='top-bar'><span class='today-date'>الأحد 24 تشرين الثاني 2024</span></div>"
        "<aside><time datetime='2024-11-20'>منذ أربعة أيام</time></aside>"
        "<div class='post'><h1>حملة تبرعات لتشغيل بئر القرية</h1>"
        "<div class='meta'><time>9 تشرين الأول 2024</time></div>"
        "<p>قال ناشطون إن الأهالي نظموا حملة تبرعات لشراء مولدة كهربائية تشغل بئر القرية.</p>"
        "<p>وجمع الأهالي خلال يومين ما يكفي لتشغيلها ساعتين يومياً على الأقل بحسب الناشطين.</p>"
        "</div></body></html>"
    )
    result = extract_html(html, "https://zaytoun.example/a/7")
    assert result is not None
    assert (result.published, result.date_source) == ("2024-10-09", "text")


def test_story_cards_before_the_article_do_not_date_it() -> None:
    card = (
        "<article class='card'><a href='/a/1'>أهالي الحي الشرقي يشترون المياه</a>"
        "<time datetime='2023-01-02'>2 كانون الثاني 2023</time></article>"
    )
    html = (
        f"<html lang='ar'><body><div class='cards'>{card}</div><main><article>"
        "<header class='entry-header'><h1>حملة تبرعات لتشغيل بئر القرية</h1>"
        "<time datetime='2024-10-09T08:15:00+03:00'>9 تشرين الأول 2024</time></header>"
        "<p>قال ناشطون إن الأهالي نظموا حملة تبرعات لشراء مولدة كهربائية تشغل بئر القرية.</p>"
        "<p>وجمع الأهالي خلال يومين ما يكفي لتشغيلها ساعتين يومياً على الأقل بحسب الناشطين.</p>"
        "</article></main></body></html>"
    )
    result = extract_html(html, "https://zaytoun.example/a/8")
    assert result is not None
    assert (result.published, result.date_source) == ("2024-10-09T08:15:00+03:00", "text")
    assert result.title == "حملة تبرعات لتشغيل بئر القرية"


def test_navigation_residue_is_not_an_article() -> None:
    html = "<html><body><nav><a href='/'>Home</a></nav><p>Menu</p></body></html>"
    assert extract_html(html, "https://courier.example/") is None


def test_a_malformed_canonical_link_is_ignored() -> None:
    paragraph = "Residents of the camp said water deliveries had fallen by half since April. "
    html = (
        '<html><head><link rel="canonical" href="http://[oops/x"></head>'
        f"<body><article><p>{paragraph * 4}</p></article></body></html>"
    )
    extracted = extract_html(html, "https://courier.example/a")
    assert extracted is not None and extracted.canonical_url is None


_ODD_INPUTS = [
    "<?xml version='1.0' encoding='windows-1256'?><html><body><p>declared</p></body></html>",
    "plain text, no markup at all",
    "<p>a lone fragment</p>",
    "<html/><body><p>self-closed html tag</p></body>",
    "<html><body>\x00\x0b control characters</body></html>",
]


@needs_shared
def test_our_parse_builds_the_tree_trafilatura_would() -> None:
    # extract._parse mirrors trafilatura.load_html with a faster element lookup; the trees must
    # not differ, or trafilatura's output would (every fixture page, real pages, odd inputs).
    from lxml import etree
    from lxml.html import HtmlElement
    from trafilatura import load_html

    from archiver.extract import _parse

    real = sorted((SHARED_DATA / "scrapinghub-aeb" / "html").glob("*.html.gz"))[:60]
    pages = [spec.with_suffix(".html").read_text(encoding="utf-8") for spec in SPECS]
    pages += [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in real]
    for html in [*pages, *_ODD_INPUTS]:
        ours, theirs = _parse(html), load_html(html)
        assert (ours is None) == (theirs is None), html[:80]
        if ours is not None:
            assert etree.tostring(ours) == etree.tostring(theirs), html[:80]
            assert all(isinstance(e, HtmlElement) for e in ours.iter(etree.Element))
    # The lookup really is the plain one: lxml.html's own gives <form> and <input> classes of
    # their own (subclasses of HtmlElement), built through a call into Python per element.
    form = _parse("<html><body><form><input name='q'></form><p>x</p></body></html>")
    assert {type(e) for e in form.iter(etree.Element)} == {HtmlElement}
    theirs = load_html("<html><body><form><input name='q'></form><p>x</p></body></html>")
    assert {type(e) for e in theirs.iter(etree.Element)} != {HtmlElement}


def _authored_page(author_html: str, head: str = "") -> str:
    return (
        "<html lang='ar'><head><meta charset='utf-8'>"
        "<title>افتتاح مركز لغسيل الكلى في تل قمر | مرآة العاصي</title>"
        f"<meta property='og:site_name' content='مرآة العاصي'>{head}</head><body><article>"
        f"<h1>افتتاح مركز لغسيل الكلى في تل قمر</h1><div class='meta'>{author_html}</div>"
        "<p>أعلنت مديرية الصحة عن افتتاح مركز جديد لغسيل الكلى في بلدة تل قمر بعد سنوات من "
        "معاناة المرضى في التنقل لتلقي العلاج.</p>"
        "<p>وقال مدير المركز إن المركز يضم عشرة أجهزة حديثة وإنه سيستقبل المرضى من مختلف "
        "مناطق الريف مجاناً.</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "author_html",
    [
        "<span class='author'>مرآة العاصي – إدلب</span>",
        "<span class='author'>مرآة العاصي</span>",
        "<span class='author'>Orontes Mirror</span>",  # the outlet's other name, in its config
    ],
)
def test_the_site_name_is_not_an_author(author_html: str) -> None:
    outlet = Outlet(name="orontes", url="https://orontes.example/", label="Orontes Mirror")
    result = extract_html(
        _authored_page(author_html), "https://orontes.example/ar/1", ExtractOptions(outlet=outlet)
    )
    assert result is not None
    assert result.authors == ()


def test_a_person_stays_an_author_even_named_like_the_site() -> None:
    result = extract_html(
        _authored_page("<span class='author'>سلمى الحسن – إدلب</span>"),
        "https://orontes.example/ar/1",
    )
    assert result is not None and result.authors == ("سلمى الحسن",)
    # a personal site named after its author: JSON-LD says the author is a Person
    jsonld = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "author": '
        '{"@type": "Person", "name": "مرآة العاصي"}}</script>'
    )
    result = extract_html(_authored_page("", jsonld), "https://orontes.example/ar/1")
    assert result is not None and result.authors == ("مرآة العاصي",)


@needs_shared
def test_a_sidebar_of_the_same_day_does_not_veto_the_article_date() -> None:
    # indiapost: the article's date sits in split parts ("November 20 / 15:23 / 2019") below
    # the lead image, and a tweet widget shows the same day: the day is the article's too.
    page = (
        SHARED_DATA
        / "scrapinghub-aeb"
        / "html"
        / ("5f9c5ed5d64dfe682d9bde13b9b4f032a3ebdbf165c06ec49c0705bcbe106e3b.html.gz")
    )
    result = extract_html(gzip.decompress(page.read_bytes()).decode("utf-8", "replace"), None)
    assert result is not None and result.published == "2019-11-20"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Jeff Foust Monday; November", ("Jeff Foust",)),
        ("Analysis by Chris Cillizza; CNN Editor-at-large", ("Chris Cillizza",)),
        ("Tom Gillespie News reporter", ("Tom Gillespie",)),
        ("May Ali; Hala Nasser", ("May Ali", "Hala Nasser")),
    ],
)
def test_trafilatura_authors_lose_what_is_around_the_name(
    given: str, kept: tuple[str, ...]
) -> None:
    # a weekday or a role after the name, "Analysis by" before it, a month alone: the name stays
    assert _split_authors(given) == kept

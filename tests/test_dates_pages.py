"""Dates chosen on whole pages: only the article's own dates, never a site's or a placeholder."""

from __future__ import annotations

from datetime import date

import pytest
import trafilatura

from archiver.dates import choose_dates
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


# 3e: JSON-LD objects that are not the article
def _ld(kind: str, published: str) -> str:
    return (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        f'{{"@type": "{kind}", "name": "Zaytoun", "datePublished": "{published}"}}]}}</script>'
    )


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

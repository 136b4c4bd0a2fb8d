"""Titles: the article's heading without site affixes, never the site's name."""

from __future__ import annotations

from archiver.normalize import match_key
from archiver.titles import TitleAffixes, choose_title, strip_affixes

HEADLINE = "Repairs begin on Tal Warda water network"


def test_suffix_and_prefix_matching_the_site_name_are_stripped() -> None:
    names = {match_key("Enab Olive"), match_key("بلدي ميرور")}
    assert strip_affixes(f"{HEADLINE} | Enab Olive", names, TitleAffixes()) == HEADLINE
    assert strip_affixes(f"بلدي ميرور - {HEADLINE}", names, TitleAffixes()) == HEADLINE
    assert strip_affixes(f"بلدي ميرور- {HEADLINE}", names, TitleAffixes()) == HEADLINE
    assert strip_affixes("Al-Assad visits Daraa | Enab Olive", names, TitleAffixes()) == (
        "Al-Assad visits Daraa"
    )


def test_inner_dashes_of_the_headline_survive() -> None:
    title = "Daraa - Quneitra road reopens after repairs | Enab Olive"
    assert strip_affixes(title, {match_key("Enab Olive")}, TitleAffixes()) == (
        "Daraa - Quneitra road reopens after repairs"
    )


def test_mirror_blog_name_in_title_and_header_is_not_the_title() -> None:
    # "<headline> - It's Over 9000!" with the blog's name as a header h1 / home link
    title = choose_title(
        headline=None,
        og_title=None,
        html_title=f"{HEADLINE} - It's Over 9000!",
        h1s=[],
        article_h1s=[],
        fallback="It's Over 9000!",
        site_names=["It's Over 9000!"],
    )
    assert title == HEADLINE


def test_a_visible_heading_that_carries_the_blog_name_loses_it() -> None:
    # a mirror prints "<headline> - Blog" in its article h1 too, not only in <title>
    for article_h1s, h1s in (
        ([f"{HEADLINE} - Mirror Blog"], []),
        ([], [f"{HEADLINE} - Mirror Blog"]),
    ):
        title = choose_title(
            headline=None,
            og_title=HEADLINE,
            html_title=f"{HEADLINE} - Mirror Blog",
            h1s=h1s,
            article_h1s=article_h1s,
            fallback=None,
            site_names=["Mirror Blog"],
        )
        assert title == HEADLINE


def test_learned_suffix_is_stripped_without_any_site_name() -> None:
    affixes = TitleAffixes(suffixes=frozenset({match_key("It's Over 9000!")}))
    assert strip_affixes(f"{HEADLINE} - It's Over 9000!", set(), affixes) == HEADLINE
    assert strip_affixes(f"{HEADLINE} - It's Over 9000!", set(), TitleAffixes()) == (
        f"{HEADLINE} - It's Over 9000!"
    )


def test_preference_order_and_site_name_rejection() -> None:
    common = {"html_title": "Levant Wire", "h1s": ["Levant Wire"], "fallback": "Levant Wire"}
    assert (
        choose_title(
            headline=None, og_title=None, article_h1s=[], site_names=["Levant Wire"], **common
        )
        is None
    )
    # a visible h1 confirmed by the metadata wins over a differing og:title
    confirmed = {"html_title": "Levant Wire", "h1s": ["Levant Wire", HEADLINE], "fallback": None}
    assert (
        choose_title(
            headline=HEADLINE,
            og_title="Another headline for social media",
            article_h1s=[],
            site_names=["Levant Wire"],
            **confirmed,
        )
        == HEADLINE
    )
    assert (
        choose_title(
            headline=None, og_title=HEADLINE, article_h1s=[], site_names=["Levant Wire"], **common
        )
        == HEADLINE
    )
    assert (
        choose_title(
            headline=None,
            og_title=f"{HEADLINE} - Levant Wire",
            article_h1s=[],
            site_names=["Levant Wire"],
            **common,
        )
        == HEADLINE
    )


def test_arabic_site_name_matches_after_folding() -> None:
    title = choose_title(
        headline=None,
        og_title=None,
        html_title="بدء إصلاح شبكة المياه | عنب الزيتون",
        h1s=[],
        article_h1s=[],
        fallback=None,
        site_names=["عِنب الزّيتون"],
    )
    assert title == "بدء إصلاح شبكة المياه"


def test_a_headline_that_names_the_outlet_is_still_a_title() -> None:
    title = choose_title(
        headline=None,
        og_title=None,
        html_title="Enab Olive wins press award | Enab Olive",
        h1s=[],
        article_h1s=[],
        fallback=None,
        site_names=["Enab Olive"],
    )
    assert title == "Enab Olive wins press award"


def test_site_names_match_whole_words_only() -> None:
    names = {match_key("SANA")}
    title = "Residents of Hasana village return | SANA"
    assert strip_affixes(title, names, TitleAffixes()) == "Residents of Hasana village return"
    assert strip_affixes("Hasana News - Water returns", names, TitleAffixes()) == (
        "Hasana News - Water returns"
    )


def test_guillemets_quote_inside_a_headline_are_no_separators() -> None:
    names = {match_key("عنب بلدي"), match_key("سانا")}
    for headline in (
        "«الإدارة الذاتية» تفرض حظر تجول في المدينة",
        "مصدر أمني يكشف تفاصيل الهجوم لـ«عنب بلدي»",
        "وزير الخارجية لـ«سانا»: الحوار مستمر",
        "«عنب بلدي» تفوز بجائزة الصحافة",
    ):
        assert strip_affixes(headline, names, TitleAffixes()) == headline
        assert strip_affixes(f"{headline} - عنب بلدي", names, TitleAffixes()) == headline
    # spaced, a guillemet still parts a site name from the headline
    assert strip_affixes(f"{HEADLINE} » Enab Olive", {match_key("Enab Olive")}, TitleAffixes()) == (
        HEADLINE
    )

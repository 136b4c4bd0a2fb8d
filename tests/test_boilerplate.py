"""Boilerplate lines: built-in cues after Arabic folding, positional rules, outlet and learned
layers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from archiver.boilerplate import Rules, remove_boilerplate
from archiver.normalize import fold, match_key

BODY_AR = [
    "قال أعضاء في المجلس المحلي إن أعمال إصلاح شبكة المياه بدأت صباح اليوم بعد انقطاع طويل.",
    "وأوضح مهندس في المؤسسة أن المضخات القديمة تعطلت بسبب انقطاع الكهرباء المتكرر في المنطقة.",
    "ويعتمد السكان منذ بداية الأزمة على صهاريج خاصة يفوق سعرها قدرة كثير من العائلات.",
    "وأكد رئيس البلدية أن الأعمال ستنتهي خلال عشرة أيام إذا وصلت القطع المطلوبة في موعدها.",
]
BODY_EN = [
    "Residents said on Monday that repairs to the water network had finally begun after weeks.",
    "An engineer said the old pumps broke down because of repeated power cuts across the district.",
    "Families have relied on private tanker trucks that charge more than many households can pay.",
    "The mayor said the work would be finished within ten days if the spare parts arrived on time.",
]


_ARABIC = re.compile("[\u0600-\u06ff]")


def _clean(lines: list[str], rules: Rules | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    kept, removed = remove_boilerplate(lines, rules or Rules())
    return kept, [(r.text, r.reason) for r in removed]


@pytest.mark.parametrize(
    "teaser",
    [
        "اقرأ أيضاً: الأهالي يشترون المياه بأسعار مرتفعة",
        "إقرأ أيضاً: الأهالي يشترون المياه بأسعار مرتفعة",
        "اقرأ أيضًا: الأهالي يشترون المياه بأسعار مرتفعة",
        "اقرأ ايضا الأهالي يشترون المياه بأسعار مرتفعة",
        "اقرأ أيضاًالأهالي يشترون المياه بأسعار مرتفعة",  # glued to the headline
        "إقـرأ أيـضـاً: الأهالي يشترون المياه",  # tatweel
        "Read also: Families pay high prices for tanker water",
        "READ MORE: Families pay high prices for tanker water",
        "See also - Families pay high prices for tanker water",
        "Related: Families pay high prices for tanker water",
        "[Related: Families pay high prices for tanker water]",
    ],
)
def test_inline_teaser_spelling_variants_are_removed(teaser: str) -> None:
    body = BODY_AR if _ARABIC.search(teaser) else BODY_EN
    kept, removed = _clean([body[0], teaser, *body[1:]])
    assert kept == body
    assert removed == [(teaser, "cue:read-also")]


@pytest.mark.parametrize(
    "sentence",
    [
        "وقال الأهالي إن عليهم أن يقرؤوا أيضاً التعليمات الجديدة التي علقتها البلدية على الأبواب.",
        "Officials said the related articles of the agreement would be published later this week.",
        "Related protests were reported in Homs and Hama on Friday.",
        "He said residents should share the water they have and follow us to the distribution "
        "points, according to the statement read out at the meeting on Sunday in the town hall.",
        "Read more carefully, the new regulation gives the municipality wide powers over wells, "
        "and "
        "residents say they were never consulted about it before the council voted on the text.",
    ],
)
def test_a_sentence_that_mentions_the_words_stays(sentence: str) -> None:
    lines = [BODY_EN[0], sentence, *BODY_EN[1:]]
    kept, removed = _clean(lines)
    assert kept == lines and removed == []


def _links(*texts: str) -> Callable[[], frozenset[str]]:
    return lambda: frozenset(match_key(t) for t in texts)


def test_related_block_takes_its_headlines_and_stops_at_a_paragraph() -> None:
    headlines = ["الأهالي يشترون المياه بأسعار مرتفعة", "مزارعو البلدة يطالبون بحصة من مياه السد"]
    lines = [*BODY_AR[:2], "مقالات متعلقة", *headlines, *BODY_AR[2:]]
    kept, removed = remove_boilerplate(lines, links=_links(*headlines, "الرئيسية الأخبار"))
    assert kept == BODY_AR
    assert [r.reason for r in removed] == ["cue:related-block"] * 3


# Body lines that look like headlines to a length rule: short, no full stop.
SHORT_BODY_AR = [
    "وقال أحد سكان الحي لمراسلنا:",
    "«نشتري صهريج المياه بخمسين ألف ليرة، ولا يكفي العائلة أكثر من أربعة أيام»",
    "وأضاف أن كثيراً من العائلات باتت تعتمد على مياه الآبار",
    "هل ستعود المياه قبل حلول فصل الصيف؟",
]


@pytest.mark.parametrize("with_links", [True, False])
def test_a_teaser_mid_article_takes_only_its_headline(with_links: bool) -> None:
    # WordPress's <p><strong>اقرأ أيضاً</strong></p><p><a>headline</a></p> between paragraphs:
    # the short lines after it are the article's own (a quote, a question), not more teasers.
    headline = "أزمة مياه خانقة في البلدة المجاورة بعد توقف المحطة"
    lines = [*BODY_AR[:2], "اقرأ أيضاً", headline, *SHORT_BODY_AR, *BODY_AR[2:]]
    links = _links(headline, "اتصل بنا") if with_links else None
    kept, removed = remove_boilerplate(lines, links=links)
    assert kept == [*BODY_AR[:2], *SHORT_BODY_AR, *BODY_AR[2:]]
    assert [r.text for r in removed] == ["اقرأ أيضاً", headline]


def test_a_closing_related_block_goes_whole_without_links() -> None:
    headlines = [
        "Families pay high prices for tanker water",
        "Farmers ask for a share of dam water",
    ]
    kept, removed = remove_boilerplate([*BODY_EN, "Related Articles", *headlines])
    assert kept == BODY_EN
    assert [r.text for r in removed] == ["Related Articles", *headlines]


# Closing paragraphs of an Arabic article often lack a full stop, so a length rule takes them
# for headlines: with the page's link texts known, only the lines that are links go.
CLOSING_AR = [
    "ويأتي ذلك بعد أسبوع من قرار المجلس رفع سعر صهريج المياه إلى خمسين ألف ليرة",
    "وكان الأهالي قد نظموا وقفة أمام مبنى البلدية الأسبوع الماضي",
]


@pytest.mark.parametrize("header", ["اقرأ أيضاً:", "مواضيع ذات صلة", "Related Articles"])
def test_a_related_block_near_the_end_leaves_the_closing_paragraphs(header: str) -> None:
    headline = "أزمة مياه خانقة في البلدة المجاورة بعد توقف المحطة"
    lines = [*BODY_AR, header, headline, *CLOSING_AR]
    kept, removed = remove_boilerplate(lines, links=_links(headline, "اتصل بنا"))
    assert kept == [*BODY_AR, *CLOSING_AR]
    assert [r.text for r in removed] == [header, headline]


def test_a_closing_related_block_with_links_takes_the_teasers_and_their_dates() -> None:
    headlines = ["أزمة مياه خانقة في البلدة المجاورة", "مزارعو البلدة يطالبون بحصة من مياه السد"]
    lines = [*BODY_AR, "أخبار ذات صلة", headlines[0], "منذ ساعتين", headlines[1], "منذ 3 أيام"]
    kept, removed = remove_boilerplate(lines, links=_links(*headlines))
    assert kept == BODY_AR
    assert len(removed) == 5


def test_a_related_link_with_its_date_on_the_same_line_is_a_teaser() -> None:
    headlines = ["أزمة مياه خانقة في البلدة المجاورة بعد توقف المحطة", "ارتفاع أسعار الخبز"]
    teasers = [f"- {headlines[0]} - 5 آذار 2025", f"- {headlines[1]} - 4 آذار 2025"]
    lines = [*BODY_AR, "مقالات ذات صلة", *teasers, CLOSING_AR[0]]
    kept, removed = remove_boilerplate(lines, links=_links(*headlines))
    assert kept == [*BODY_AR, CLOSING_AR[0]]
    assert [r.text for r in removed] == ["مقالات ذات صلة", *teasers]


def test_an_author_bio_box_at_the_end_goes() -> None:
    bio = "Rami Haddad is a journalist based in Daraa who has covered the south since 2019."
    kept, removed = _clean([*BODY_EN, "About the author", bio])
    assert kept == BODY_EN
    assert removed == [("About the author", "cue:author-bio"), (bio, "cue:author-bio")]


def test_comment_section_near_the_end_goes_whole() -> None:
    comment = (
        "Great article, thank you for covering our town, we need more reporting like this one."
    )
    lines = [*BODY_EN, "Leave a Reply", comment, "Name", "Email"]
    kept, removed = _clean(lines)
    assert kept == BODY_EN
    assert [text for text, _ in removed] == ["Leave a Reply", comment, "Name", "Email"]


def test_comment_header_early_removes_only_itself() -> None:
    lines = [BODY_EN[0], "Comments", *BODY_EN[1:], BODY_EN[0] + " Again."]
    kept, removed = _clean(lines)
    assert kept == [BODY_EN[0], *BODY_EN[1:], BODY_EN[0] + " Again."]
    assert removed == [("Comments", "cue:comments")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("A A A", "cue:widget"),
        ("3 min read", "cue:widget"),
        ("Back to top button", "cue:widget"),
        ("Exit mobile version", "cue:widget"),
        ("%d bloggers like this:", "cue:widget"),
        ("(attached with photos and video)", "cue:widget"),
        ("(مرفق بالصور والفيديو)", "cue:widget"),
        ("عذراً التعليقات مغلقة", "cue:widget"),
        ("المشاهدات 2٬544", "cue:widget"),
        ("Facebook Twitter WhatsApp Telegram", "cue:share"),
        ("شارك: فيسبوك تويتر واتساب", "cue:share"),
        ("تابعونا على تلغرام لمتابعة آخر الأخبار", "cue:follow"),
        ("Follow us on Telegram for the latest updates", "cue:follow"),
        ("Tags: water, services", "cue:tags"),
        ("الكلمات المفتاحية: مياه، خدمات", "cue:tags"),
        ("جميع الحقوق محفوظة © 2024", "cue:copyright"),
        ("© 2024 Some Outlet", "cue:copyright"),
        ("This website uses cookies to improve your experience. Accept", "cue:cookies"),
        ("نشر في : 12/03/2021 - 10:30", "cue:date-line"),
        ("Languages", "cue:widget"),
    ],
)
def test_widget_and_call_to_action_lines(line: str, reason: str) -> None:
    kept, removed = _clean([BODY_EN[0], line, *BODY_EN[1:]])
    assert kept == BODY_EN
    assert removed == [(line, reason)]


def test_disclaimer_only_at_the_edges() -> None:
    disclaimer = "الآراء التي تنشر في الموقع لا تعبر بالضرورة عن سياسته"
    kept, removed = _clean([disclaimer, *BODY_AR])
    assert kept == BODY_AR and removed == [(disclaimer, "cue:disclaimer")]
    quote = "وقال المتحدث إن البيان لا تعبر بالضرورة كلماته عن موقف الحكومة كاملاً حسب تعبيره."
    middle = [*BODY_AR[:2], *BODY_AR, quote, *BODY_AR, *BODY_AR]
    kept, removed = _clean(middle)
    assert quote in kept


def test_outlet_phrases_layer() -> None:
    slogan = "زيتون بوست – صوت الناس"
    lines = [BODY_AR[0], slogan, *BODY_AR[1:]]
    kept, removed = _clean(lines, Rules(outlet_phrases=("زيتون بوست - صوت الناس",)))
    assert kept == BODY_AR and removed == [(slogan, "outlet-phrase")]
    kept, removed = _clean(lines)
    assert slogan in kept  # not a built-in cue


def test_learned_lines_layer_matches_after_folding() -> None:
    appeal = "ادعموا صحافتنا المستقلة بالتبرع عبر موقعنا"
    learned = frozenset({fold("إدعموا صحافتنا المستقلّة بالتبرع عبر موقعنا")})
    kept, removed = _clean([*BODY_AR, appeal], Rules(learned=learned))
    assert kept == BODY_AR and removed == [(appeal, "learned-line")]


def test_copyright_notice_goes_but_a_sentence_about_copyright_stays() -> None:
    sentence = (
        "Copyright infringement cases rose sharply in 2019, according to the ministry report."
    )
    notices = ["copyright Olive Press 2019 - ISSN: 1234-5678", "حقوق النشر محفوظة لموقع زيتون"]
    kept, removed = _clean([BODY_EN[0], sentence, *notices, *BODY_EN[1:]])
    assert kept == [BODY_EN[0], sentence, *BODY_EN[1:]]
    assert removed == [(n, "cue:copyright") for n in notices]


def test_outlet_phrase_that_opens_a_real_sentence_keeps_the_sentence() -> None:
    rules = Rules(outlet_phrases=("The Syrian Observatory For Human Rights",))
    header = "The Syrian Observatory for Human Rights"
    sentence = (
        "The Syrian Observatory for Human Rights documented the death of five civilians in "
        "shelling on the southern countryside of Idlib on Monday."
    )
    kept, removed = _clean([header, sentence, *BODY_EN], rules)
    assert kept == [sentence, *BODY_EN]
    assert removed == [(header, "outlet-phrase")]


@pytest.mark.parametrize(
    "tail",
    [
        "Continue reading at Sham Ledger",
        "Continue reading on the Orontes Courier website",
        "Read the full story on Tal Qamar Today",
        "أكمل القراءة على موقع دفتر الشام",
        "لقراءة المزيد: www.zaytoun.example",
    ],
)
def test_a_cut_reposts_pointer_to_the_rest_goes_at_the_end(tail: str) -> None:
    body = BODY_AR if any("\u0600" <= c <= "\u06ff" for c in tail) else BODY_EN
    kept, removed = remove_boilerplate([*body, tail])
    assert kept == body
    assert [r.text for r in removed] == [tail]


def test_continue_reading_words_inside_the_story_stay() -> None:
    first = "Continue reading the ledger aloud, the judge told the clerk during the hearing."
    kept, removed = remove_boilerplate([first, *BODY_EN])
    assert kept == [first, *BODY_EN] and removed == []


# News sentences that open with (or contain) the words of a notice: each stays, even as the
# text's first or last line, where notices are looked for hardest.
NEWS_WITH_NOTICE_WORDS = [
    # channel words in news: a canal (قناة ري), a minister following up, a quoted statement
    "تابع الوزير سير العمل في قناة الري الآن بعد إنجاز نصفها",
    "متابعة أعمال الصيانة في قناة الري مستمرة الآن حتى نهاية الشهر",
    "وقال مزارع لمراسل سانا: «أرسل المجلس المحلي ورشة لإصلاح قناة الري في قريتنا لكنها لم تكمل "
    "العمل»",
    "وأضافت الرابطة: «يمكنكم متابعة أسماء المفرج عنهم عبر قناتنا على تلغرام، ونحن نحدثها يومياً»",
    "In rural Hama, contact with relatives abroad now depends on WhatsApp, residents said",
    "Across Idlib, message groups on Telegram now carry evacuation warnings before airstrikes.",
    "تابعوا مسيرتهم سيراً على الأقدام حتى وصلوا إلى ساحة المدينة عند الظهر.",
    "اشترك في الهجوم عناصر من فصائل محلية إلى جانب قوات الأمن العام.",
    "انضموا إلى صفوف قوات الأمن العام بعد إجراء تسوية لأوضاعهم الشهر الماضي.",
    "للاشتراك في البرنامج، يتوجب على الطلاب تقديم طلباتهم قبل نهاية الشهر إلى مديرية التربية.",
    "لمتابعة أخبار المنحة، خصصت الجامعة مكتباً في مبنى الإدارة يفتح أبوابه صباح كل يوم.",
    "ساهم في دعم المبادرة الاتحاد الأوروبي بمبلغ مليوني يورو خلال العام الماضي.",
    "يستخدم هذا الموقع الجامعي الجديد كمركز لتسجيل الطلاب القادمين من المحافظات الأخرى.",
    'حمل تطبيق "وين" الذي أطلقته المديرية لتسجيل المواعيد أكثر من خمسة آلاف مستخدم.',
    "وأكد المحامي أن كل الحقوق محفوظة لأصحاب العقارات المصادرة بموجب القانون.",
    "وقالت الوزارة إن تصريحات السفير لا تعكس رأي الحكومة السورية.",
    "ذات صلة بالموضوع، قال أطباء إن المرضى يحتاجون إلى جلستين أسبوعياً على الأقل.",
    "للمزيد من المعلومات حول المركز يمكن للمرضى التواصل مع مديرية الصحة.",
    "Follow us on the road to Nawa and you will see the damage, a driver said.",
    "Copyright 2024 lawsuits have also slowed the project, the director said.",
    "The donor said all rights reserved for the land owners would be respected.",
    "The ministry said the remarks do not reflect the views of the Syrian government.",
    "Meta did not respond to a request for comment on how its privacy policy applies here.",
    "Continue reading the statement, the director said, and you see what is missing.",
    "Related: the ministry said on Sunday that the center was first announced in 2023 by "
    "the health directorate.",
    # short closing sentences that open with a cue's words
    "للمزيد من الدعم، طالب الأهالي بتخفيض سعر الصهريج.",
    "اشترك في الكمين عشرات المسلحين.",
    # channels named in news
    "كتب الناشط على حسابه في فيسبوك:",
    "Activists said they would follow the convoy on Telegram channels",
    "انضم مئات الشبان إلى قناة على تلغرام أطلقها ناشطون في البلدة",
    "تابع الأهالي البث عبر قناة المجلس على يوتيوب",
    "وقالت البلدية إنها ستنشر جداول التوزيع على صفحتها في فيسبوك",
    # counters, tags, comments, reuse in news
    "الوسوم التي استخدمها الناشطون انتشرت بسرعة",
    "وقال إن التعليقات على منشور الوزارة تجاوزت ألف تعليق",
    "وقالت الوزارة إنه لا يجوز إعادة نشر صور الضحايا دون إذن ذويهم.",
    "Officials said readers could not republish the photos without permission from the families.",
]


@pytest.mark.parametrize("sentence", NEWS_WITH_NOTICE_WORDS)
@pytest.mark.parametrize("where", ["first", "last"])
def test_news_sentences_with_the_words_of_a_notice_stay(sentence: str, where: str) -> None:
    body = BODY_AR if _ARABIC.search(sentence) else BODY_EN
    lines = [sentence, *body] if where == "first" else [*body, sentence]
    kept, removed = _clean(lines)
    assert kept == lines and removed == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("تابعوا آخر الأخبار عبر قناتنا على تلغرام", "cue:follow"),
        ("للاشتراك في النشرة البريدية اضغط هنا", "cue:follow"),
        (
            "Subscribe to our newsletter to get the latest news from Syria in your inbox",
            "cue:follow",
        ),
        ("يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربة التصفح", "cue:cookies"),
        ("ساهم في دعم الصحافة المستقلة عبر تبرعك", "cue:donate"),
        ("All rights reserved to Olive Press 2025", "cue:copyright"),
        ("هذا المقال يعبر عن رأي كاتبه ولا يعبر بالضرورة عن رأي الموقع", "cue:disclaimer"),
        (
            "The views expressed in this article are the author's own and do not necessarily "
            "reflect the editorial policy of the site.",
            "cue:disclaimer",
        ),
        (
            "Comments are moderated according to our privacy policy and community guidelines.",
            "cue:comment-policy",
        ),
        ("Continue reading at Sham Ledger.", "cue:continue-reading"),
        ("للمزيد: www.zaytoun.example", "cue:continue-reading"),
        # calls to follow a channel, without the opening cue
        ("للانضمام إلى مجموعة زيتون على واتساب اضغط هنا", "cue:follow"),
        ("يمكنكم متابعة آخر الأخبار عبر قناتنا على تلغرام", "cue:follow"),
        ("انضم الآن إلى قناة زيتون بوست على واتساب", "cue:follow"),
        ("لا تنسَ متابعة صفحتنا على فيسبوك وقناتنا على يوتيوب", "cue:follow"),
        ("رابط القناة: https://whatsapp.com/channel/0000", "cue:follow"),
        ("لمتابعة آخر المستجدات تابعونا على قناة التلغرام: https://t.me/zaytoun", "cue:follow"),
        ("أرسل خبراً أو صورة إلى زيتون عبر واتساب: +90 500 000 00 00", "cue:follow"),
        ("هل لديك خبر؟ راسلنا على البريد الإلكتروني news@zaytoun.example", "cue:follow"),
        ("Follow Olive Press on Telegram for the latest updates", "cue:follow"),
        ("Join our WhatsApp channel to get the latest news", "cue:follow"),
        ("For the latest updates, follow us on X", "cue:follow"),
        ("Click here to join our Telegram group", "cue:follow"),
        ("Sign up to our newsletter", "cue:follow"),
        ("Follow the latest news on our Telegram channel", "cue:follow"),
        # share rows, counters, tags, comment prompts, reuse notices
        ("شارك هذا المقال: فيسبوك تويتر واتساب", "cue:share"),
        ("Like this:", "cue:widget"),
        ("Like Loading...", "cue:widget"),
        ("3 تعليقات", "cue:widget"),
        ("5 comments", "cue:widget"),
        ("عدد التعليقات: 5", "cue:widget"),
        ("عدد المشاهدات: 1٬234", "cue:widget"),
        ("وقت القراءة: 3 دقائق", "cue:widget"),
        ("Reading time: 4 minutes", "cue:widget"),
        ("كلمات مفتاحية درعا الزراعة الجفاف", "cue:tags"),
        ("ما رأيك؟ شاركنا برأيك في التعليقات", "cue:comments"),
        ("Let us know what you think in the comments", "cue:comments"),
        (
            "ملاحظة: هذه المادة خاضعة لحقوق النشر ولا يجوز إعادة نشرها دون إذن مسبق من زيتون.",
            "cue:copyright",
        ),
    ],
)
def test_notices_at_the_end_still_go(line: str, reason: str) -> None:
    body = BODY_AR if _ARABIC.search(line) else BODY_EN
    kept, removed = _clean([*body, line])
    assert kept == body and removed == [(line, reason)]

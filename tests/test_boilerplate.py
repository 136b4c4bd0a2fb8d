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
    ],
)
def test_notices_at_the_end_still_go(line: str, reason: str) -> None:
    body = BODY_AR if _ARABIC.search(line) else BODY_EN
    kept, removed = _clean([*body, line])
    assert kept == body and removed == [(line, reason)]

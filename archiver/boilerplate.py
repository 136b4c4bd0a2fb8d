"""Boilerplate lines trafilatura keeps, removed in three layers, each removal recorded.

1. Built-in Arabic and English cues (read also / related / share / follow us / tags / copyright /
   comments / widgets), matched after `normalize.fold` so spelling variants (إقرأ/اقرأ,
   أيضاً/أيضًا/أيضا) all hit, with positional rules: an inline teaser line goes; a "related" header
   takes the headlines after it (those that are the page's links when they are; plain-text
   headlines only when they close the text); a comment header or an author box near the end
   takes the rest. A sentence that merely mentions the words stays: cues
   match line starts or whole lines, and the opening words a notice shares with news ("تابعوا",
   "all rights reserved", "do not reflect the views") also need a channel, a word for the piece
   itself, or a short line at the text's edge.
2. The outlet's own `boilerplate` phrases from the config.
3. Lines learned from the archive (see `learned.py`): verbatim repeats across an outlet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from archiver.credits import is_credit_line
from archiver.dates import SEGMENT_SEPARATOR, is_date_line
from archiver.models import Removal
from archiver.normalize import fold, match_key

_NON_WORD = re.compile(r"[\W_]+")


def _keys(*phrases: str) -> tuple[str, ...]:
    return tuple(match_key(p) for p in phrases)


# Whole-line cues heading a block of teaser headlines (the block goes with the header).
_RELATED_HEADERS = frozenset(
    _keys(
        "related", "related articles", "related posts", "related news", "related stories",
        "related content", "related topics", "more stories", "more news", "other news",
        "check also", "see also", "read also", "also read", "read more", "you may also like",
        "you might also like", "recommended", "recommended for you", "most read", "most popular",
        "latest news", "more from this section", "مقالات متعلقة", "مواضيع متعلقة",
        "أخبار متعلقة", "مقالات ذات صلة", "مواضيع ذات صلة", "أخبار ذات صلة", "ذات صلة",
        "الأكثر قراءة", "الأكثر مشاهدة", "آخر الأخبار", "أحدث الأخبار", "أخبار أخرى",
        "مواضيع أخرى", "قد يعجبك أيضاً", "ربما يعجبك أيضاً", "اقرأ أيضاً", "شاهد أيضاً",
        "المزيد من الأخبار",
    )
)  # fmt: skip
# Line-start cues of an inline teaser ("اقرأ أيضاً: <headline>", "Read also: <headline>").
_TEASER_STARTS = _keys(
    "read also", "also read", "read more", "see also", "related", "related article",
    "related story", "related coverage", "more on this", "you may also like", "you might also like",
    "continue reading", "read full story", "read the full story", "read entire article",
    "click here to read", "اقرأ أيضاً", "اقرأ كذلك", "اقرأ المزيد", "شاهد أيضاً", "طالع أيضاً",
    "ذات صلة", "مواضيع ذات صلة", "أخبار ذات صلة", "مقالات ذات صلة", "قد يعجبك أيضاً",
    "ربما يعجبك أيضاً", "أكمل القراءة", "للمزيد اقرأ", "اقرأ المقال كاملا", "اقرأ الخبر كاملا",
)  # fmt: skip
# Whole-line cues that open a comment section: near the end, it and everything after it go;
# elsewhere only the line itself.
_COMMENT_HEADERS = frozenset(
    _keys(
        "leave a reply", "leave a comment", "post a comment", "add new comment", "add a comment",
        "comments", "show comments", "join the conversation", "التعليقات", "إضافة تعليق",
        "إضافة تعليق جديد", "أضف تعليق", "أضف تعليقك", "اترك تعليقاً", "اترك رداً", "إرسال تعليق",
        "تعليقات حول الموضوع", "لإرسال تعليق", "شارك برأيك", "اكتب تعليقك",
    )
)  # fmt: skip
# One-line notices that a page has no comments: only the line goes.
_COMMENT_NOTICES = _keys(
    "comments are closed", "no comments", "ليست هناك تعليقات", "التعليقات مغلقة",
    "عذراً التعليقات مغلقة", "التعليقات مغلقة حالياً",
)  # fmt: skip
# Whole lines that are widgets, tickers, share rows or navigation residue.
_WIDGETS = frozenset(
    _keys(
        "A A A", "news ticker", "breaking news", "عاجل", "share", "share this",
        "share this article",
        "share this story", "share on facebook", "share on twitter", "tweet", "شارك", "مشاركة",
        "شارك الخبر", "شارك المقال", "شارك هذا المقال", "print", "طباعة", "email", "back to top",
        "back to top button", "العودة إلى الأعلى", "exit mobile version", "no result",
        "view all result", "advertisement", "advertisements", "sponsored", "إعلان", "إعلانات",
        "recommend article", "search for keyword", "skip to content", "skip to main content",
        "d bloggers like this", "powered by blogger", "older post", "newer post", "أحدث أقدم",
        "subscribe", "اشترك", "follow us", "تابعونا", "source link", "copy link", "نسخ الرابط",
        "attached with photos and video", "photo and video attached",
        "attached with pictures and video", "مرفق بالصور والفيديو", "مرفق بالفيديو والصور",
        *_COMMENT_NOTICES, "الخبر التالي", "الخبر السابق", "next article", "previous article",
        "next post", "previous post", "المقال التالي", "المقال السابق", "اقرأ المزيد",
        "continue reading", "أكمل القراءة", "languages", "available in",
        "download the full paper", "download the full report", "download pdf",
        "تحميل التقرير كاملاً", "تحميل الملف", "print this article", "طباعة الخبر",
        "like this", "like loading", "loading",
    )
)  # fmt: skip
# An author's bio box after the article: the header and what follows it, near the end.
_BIO_HEADERS = frozenset(
    _keys("about the author", "about the writer", "عن الكاتب", "عن الكاتبة", "نبذة عن الكاتب")
)
_SOCIAL_WORDS = frozenset(
    _keys(
        "facebook", "twitter", "x", "whatsapp", "telegram", "linkedin", "email", "print",
        "pinterest", "reddit", "messenger", "copy", "link", "share", "فيسبوك", "فيس بوك", "تويتر",
        "واتساب", "واتس اب", "تلغرام", "تليغرام", "تيليغرام", "شارك", "مشاركة", "عبر", "على",
        "youtube", "يوتيوب", "instagram", "انستغرام", "إنستغرام", "tiktok", "تيك توك",
    )
)  # fmt: skip
# Calls to action, cookie and donation notices, by their opening words. A strong cue ("follow
# us on") is the notice when the line is short or names a channel; a weak one also opens news
# ("تابعوا مسيرتهم" they continued their march, "اشترك في الهجوم" took part in the attack, "this
# site is used as ...") and needs a channel word, or a very short line at the text's edge.
_PREFIXES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("follow",
     _keys(
        "follow us on", "follow us at", "join our telegram", "join our channel",
        "subscribe to our", "sign up for our", "تابعونا على", "تابعونا عبر", "تابعونا في",
        "انضم إلى قناتنا", "download our app",
     ),
     _keys(
        "join us on", "subscribe to the", "تابعوا", "انضموا إلى", "اشترك في", "اشتركوا في",
        "للاشتراك في", "لمتابعة آخر الأخبار", "لمتابعة أخبار", "حمل تطبيق",
     ),
     _keys(
        "facebook", "twitter", "telegram", "whatsapp", "youtube", "instagram", "tiktok",
        "newsletter", "channel", "our app", "our page", "app store", "google play",
        "click here", "فيسبوك", "فيس بوك", "تويتر", "تلغرام", "تليغرام", "تيليغرام", "واتساب",
        "واتس اب", "يوتيوب", "انستغرام", "إنستغرام", "تيك توك", "النشرة البريدية", "قناتنا",
        "قناة", "صفحتنا", "حساباتنا", "تطبيقنا", "موقعنا", "اضغط هنا", "انقر هنا", "الرابط",
     )),
    ("cookies",
     _keys("this website uses cookies", "this site uses cookies", "we use cookies",
           "نستخدم ملفات تعريف الارتباط"),
     _keys("يستخدم هذا الموقع"),
     _keys("cookies", "ملفات تعريف الارتباط", "الكوكيز", "تجربة التصفح", "سياسة الخصوصية")),
    ("donate",
     _keys("support our journalism", "support independent journalism", "donate now",
           "ادعمونا", "تبرع الآن"),
     _keys("ساهم في دعم", "ادعم الصحافة"),
     _keys("donat", "patreon", "paypal", "تبرع", "تبرعك", "دعمكم", "مساهمتك", "الصحافة المستقلة")),
    ("form",
     _keys("sender's name", "sender's email", "receiver's name", "receiver's email"), (), ()),
)  # fmt: skip
# A call to join or follow a channel that opens with neither cue ("Join our WhatsApp channel",
# "يمكنكم متابعة آخر الأخبار عبر قناتنا على تلغرام", "أرسل خبراً عبر واتساب: +90 …"): a
# channel word and a call (a verb, a link or a phone number) with the reader or the outlet
# addressed ("our", "قناتنا", "يمكنكم"; "الآن" after an opening call). At the text's edge an English
# imperative opening the line is enough; Arabic call verbs are also past tenses ("انضم مئات
# الشبان إلى قناة على تلغرام" joined), so they always need the address. News names channels
# too ("كتب الناشط على حسابه في فيسبوك", "they would follow the convoy on Telegram").
_CHANNELS = _keys(
    "telegram", "whatsapp", "facebook page", "youtube channel", "instagram", "tiktok",
    "newsletter", "mailing list", "on x", "تلغرام", "تليغرام", "تيليغرام", "واتساب", "واتس اب",
    "فيسبوك", "فيس بوك", "يوتيوب", "انستغرام", "إنستغرام", "تيك توك", "النشرة البريدية",
    "البريد الإلكتروني", "قناتنا", "صفحتنا", "حساباتنا", "مجموعتنا",
)  # fmt: skip
# ("قناة" alone is as often a canal, "قناة ري", as a channel: it needs a platform's name.)
# English imperatives open the line or a clause after a comma ("For the latest updates, follow
# us on X").
_CALL_EN = re.compile(
    r"(?:^|, )(?:follow|join|subscribe|sign up|click|tap|download|send|contact|message)\b"
)
_CALL_AR = frozenset(
    _keys(
        "تابعونا", "تابعوا", "تابعنا", "انضم", "انضموا", "للانضمام", "اشترك", "اشتركوا",
        "للاشتراك", "اضغط", "انقر", "راسلنا", "راسلونا", "أرسلوا", "لمتابعة", "يمكنكم", "شاركونا",
        "تنس",  # "لا تنسَ متابعة صفحتنا"
    )
)  # fmt: skip
# Words that call only when they open the line: elsewhere they report ("تابع الوزير سير
# العمل" the minister followed up, "أرسل المجلس ورشة" the council sent, "متابعة الأعمال").
_CALL_AR_OPENING = frozenset(_keys("تابع", "أرسل", "متابعة"))
# The reader addressed: "us", "you", "يمكنكم", or the outlet's own channel ("قناتنا"); not
# "now" or any word ending in "-نا" ("قريتنا" our village, in a quote).
_ADDRESSED = re.compile(
    r"\b(?:us|our|you|your|click here|يمكنكم|يمكنك|لكم|ليصلكم|ليصلك|اضغط|انقر|تنس"
    r"|قناتنا|صفحتنا|نشرتنا|حساباتنا|مجموعتنا|موقعنا|تطبيقنا|تابعونا|راسلنا|راسلونا|شاركونا)\b"
)
# A reported statement (a quote, "وقال ...:", "... said") is the article's, not the site's call.
_REPORTED = re.compile(
    r"[«»“”\"]|\b(?:قال|وقال|قالت|وقالت|اضاف|واضاف|اضافت|واضافت|said|says|told)\b"
)
_LINK_OR_PHONE = re.compile(r"https?://|www\.|\bt\.me/|\S@\S+\.\w|\+\d[\d\s-]{6,}")
# Tag rows need a label and a colon ("Tags: a, b"), so a sentence about tags stays.
_TAGS = re.compile(
    r"^\s*(?:tags|tagged|topics|keywords|الكلمات المفتاحيه|كلمات مفتاحيه|الوسوم|وسوم"
    r"|الكلمات الدلاليه)\s*[:：]"
)
# A view or comment counter needs its label: a bare number may be a phone number or a table row.
_COUNTED = (
    r"views?|reads|comments?|replies|المشاهدات|مشاهدات|مشاهده|القراءات|قراءه|التعليقات|تعليقات"
    r"|تعليق|تعليقا|الردود|ردود"
)
_VIEWS = re.compile(rf"^(?:(?:عدد\s+)?(?:{_COUNTED})\s*\d[\d,. ]*|\d[\d,. ]*\s*(?:{_COUNTED}))$")
_MINUTES = r"min|mins|minute|minutes|دقيقه|دقائق|دقايق"
_READ_TIME = re.compile(
    rf"^\d+\s*(?:{_MINUTES})\s*(?:read|قراءه|للقراءه)$"
    rf"|^(?:reading time|read time|(?:وقت|مده) القراءه)\s*\d+\s*(?:{_MINUTES})?$"
)
# A tag row's label without a colon ("كلمات مفتاحية درعا الزراعة"), at the text's edge only;
# "Tags" alone also opens sentences, so only labels that do not.
_BARE_TAGS = re.compile(
    r"^(?:الكلمات المفتاحيه|كلمات مفتاحيه|الوسوم|وسوم|الكلمات الدلاليه|keywords) "
)
_FUNCTION_WORDS = frozenset(
    _keys(
        "في", "على", "من", "إلى", "عن", "مع", "التي", "الذي", "الذين", "أن", "إن", "قد", "لم",
        "لا", "ما", "هذا", "هذه", "بعد", "قبل", "كان", "كانت", "the", "of", "to", "in", "on",
        "and", "is", "are", "was", "were", "that", "which", "for", "with",
    )
)  # fmt: skip
# A prompt to comment: a comments word and the reader addressed ("شاركنا برأيك في التعليقات").
_COMMENT_PROMPTS = _keys(
    "شاركنا", "رأيك", "برأيك", "اترك", "اكتب", "let us know", "tell us", "what do you think",
    "your", "share your",
)  # fmt: skip
# A reuse notice: republishing, a word for the piece, and a ban or a permission.
_REUSE = _keys(
    "إعادة نشر", "إعادة النشر", "النسخ", "republish", "reproduc", "reprint", "redistribut"
)  # fmt: skip
_REUSE_PIECES = _keys(
    "هذه المادة", "هذا المقال", "هذا الخبر", "هذا التقرير", "المواد المنشورة", "محتوى الموقع",
    "this article", "this material", "this content", "this story", "our content",
)  # fmt: skip
_REUSE_TERMS = _keys(
    "لا يجوز", "يمنع", "يحظر", "دون إذن", "بدون إذن", "without permission", "may not",
    "prohibited", "not permitted", "written permission",
)  # fmt: skip
# Disclaimers: recognised by their typical clause anywhere in a line at the start or end,
# together with a word for the piece or its author ("... لا تعكس رأي الحكومة" in a quote is news).
_DISCLAIMERS = _keys(
    "does not necessarily reflect", "do not necessarily reflect", "views set out in",
    "لا تعبر بالضرورة", "لا يعبر بالضرورة", "لا تعبر عن رأي", "لا يعبر عن رأي",
    "لا تعكس رأي", "do not reflect the views", "not necessarily those of",
    "this article was translated and edited by",
)  # fmt: skip
_DISCLAIMER_SUBJECTS = _keys(
    "article", "author", "writer", "opinion piece", "the views expressed", "the opinions expressed",
    "editorial", "this site", "this website", "this page", "المقال", "مقال", "كاتب", "الكاتب",
    "الموقع", "المنشورة", "الواردة", "التحرير", "الآراء",
)  # fmt: skip
_VERIFICATION_NOTICES = _keys("has not verified the content", "could not independently verify")
# Comment-policy notices under an article: a policy phrase together with a comments word.
_POLICIES = _keys(
    "privacy policy", "terms of use", "terms of service", "community guidelines",
    "سياسة الخصوصية", "شروط استخدام", "شروط الاستخدام", "إرشادات الاستخدام",
)  # fmt: skip
# the readers' comments, not "a request for comment" or "declined to comment"
_COMMENT_WORDS = _keys("comments", "commenting", "your comment", "تعليقك", "تعليقات", "التعليقات")
_LATIN = re.compile(r"[a-z]")
# A copyright notice, not a sentence about copyright ("Copyright cases rose in 2019" stays):
# "Copyright 2025 X" in a few words, or a rights-reserved clause that opens a line.
_COPYRIGHT = re.compile(
    r"^\W*copyright\s*(?:\(c\)|c\b)?\s*(?:\S+\s+){0,2}(?:\d{4}|by\b|[\w-]+\.(?:com|net|org|sy|co)\b)"
)
_RIGHTS_RESERVED = re.compile(
    r"all rights reserved|(?:جميع|كل) الحقوق محفوظه|الحقوق محفوظه ل|حقوق النشر محفوظه"
)


def _alternation(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for many line-start cues (longest first), instead of a loop per line."""
    return re.compile("^(?:" + "|".join(sorted(map(re.escape, cues), key=len, reverse=True)) + ")")


_TEASER_RE = _alternation(_TEASER_STARTS)
# A teaser cue marked off from its headline, perhaps after a word or two ("Related post:").
_MARK = r"(?:\s+\w+){0,2}\s*[:：»|\-–]"
_RUN_ON_CUES = frozenset(_keys("read also", "also read", "see also", "read more"))
# "ذات صلة" (related) also opens sentences ("ذات صلة بالموضوع، قال ..."): marked off only
_RELATED_AR = match_key("ذات صلة")
_PREFIX_RES = tuple(
    (reason, _alternation(strong), _alternation(weak) if weak else None, markers)
    for reason, strong, weak, markers in _PREFIXES
)
# Where an excerpt or a cut repost ends and points at the rest ("Continue reading at Sham
# Ledger", "Read the full story on ...", "أكمل القراءة على ..."): boilerplate in the last lines.
# ("Originally published on X" is a credit: see credits.py.)
_TRUNCATION_RE = _alternation(
    _keys(
        "continue reading", "keep reading", "read more", "read the full", "read full",
        "read entire", "read the rest", "أكمل القراءة", "تابع القراءة", "اقرأ المزيد",
        "اقرأ الخبر كاملا", "اقرأ المقال كاملا", "لقراءة المزيد", "لقراءة الخبر", "لقراءة المقال",
        "للمزيد",
    )
)  # fmt: skip
# "للمزيد" (for more) also opens news ("للمزيد من الدعم، طالب المزارعون ..."): as a pointer
# it is marked off or names where the rest is ("للمزيد: www…", "للمزيد زوروا موقعنا").
_WEAK_TRUNCATION = match_key("للمزيد")
_POINTER = re.compile(
    r"^للمزيد\s*[:：]|https?://|www\.|\b(?:اضغط|انقر|زوروا|زر|الرابط|رابط|موقعنا|اقرا|طالع|تابع)\b"
)


# Words a line may have beyond an outlet phrase and still be that phrase's boilerplate line
# ("زيتون بوست – صوت الناس منذ 2012").
_PHRASE_SLACK = 5


@dataclass(frozen=True)
class Rules:
    """Per-outlet additions to the built-in cues."""

    outlet_phrases: tuple[str, ...] = ()  # layer 2, from the outlet's config
    learned: frozenset[str] = frozenset()  # layer 3, folded lines learned from the archive
    # match keys of `outlet_phrases`, computed once per outlet's phrases, not per page
    phrase_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phrase_keys", _phrase_keys(self.outlet_phrases))


@lru_cache(maxsize=256)
def _phrase_keys(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in (match_key(p) for p in phrases) if k)


def remove_boilerplate(
    lines: list[str], rules: Rules = Rules(), links: Callable[[], frozenset[str]] | None = None
) -> tuple[list[str], list[Removal]]:
    """Drop boilerplate from non-empty lines of extracted text; return kept lines and removals.

    `links`: the match keys of the page's link texts (asked for only when a related header
    sits mid-article, where the teasers after it are told from the article by being links)."""
    phrases = rules.phrase_keys
    kept: list[str] = []
    removed: list[Removal] = []
    total = len(lines)
    index = 0
    while index < total:
        line = lines[index]
        folded = fold(line)
        key = _NON_WORD.sub(" ", folded).strip()
        if key in _RELATED_HEADERS:
            block = _teaser_block(lines, index + 1, links)
            removed.append(Removal(line, "cue:related-block"))
            removed.extend(Removal(lines[j], "cue:related-block") for j in range(index + 1, block))
            index = block
            continue
        if key in _COMMENT_HEADERS and index > 0:
            if index < total * 0.5:
                removed.append(Removal(line, "cue:comments"))
                index += 1
                continue
            removed.extend(Removal(lines[j], "cue:comments") for j in range(index, total))
            break
        if key in _BIO_HEADERS:
            # the header and the bio under it, when they close the text
            stop = total if index >= total - 3 else index + 1
            removed.extend(Removal(lines[j], "cue:author-bio") for j in range(index, stop))
            if stop == total:
                break
            index += 1
            continue
        reason = _line_reason(line, folded, key, index, total, phrases, rules.learned)
        if reason is None:
            kept.append(line)
        else:
            removed.append(Removal(line, reason))
        index += 1
    return kept, removed


def _line_reason(
    line: str,
    folded: str,
    key: str,
    index: int,
    total: int,
    phrases: tuple[str, ...],
    learned: frozenset[str],
) -> str | None:
    if learned and folded in learned:
        return "learned-line"
    if phrases and _matches_phrase(key, phrases):
        return "outlet-phrase"
    if not key:
        return "cue:symbols" if len(line.strip()) <= 3 else None
    words = key.count(" ") + 1
    if key in _WIDGETS or _READ_TIME.match(key) or (words <= 4 and _VIEWS.match(key)):
        return "cue:widget"
    if words <= 12 and all(w in _SOCIAL_WORDS for w in key.split()):
        return "cue:share"
    if words <= 40 and _is_teaser(key, folded):
        return "cue:read-also"
    if _TAGS.match(folded):
        return "cue:tags"
    edge = index < 3 or index >= total - 4
    sentence = _is_sentence(line)
    if edge and words <= 12 and not sentence and _is_bare_tag_row(key):
        return "cue:tags"
    if words <= 14 and _is_labelled_share_row(folded):
        return "cue:share"
    if words <= 30:
        reason = _call_to_action(key, words, edge and not sentence)
        if reason is not None:
            return f"cue:{reason}"
        if words <= 20 and _is_channel_call(line, folded, key, edge and not sentence):
            return "cue:follow"
        if edge and words <= 15 and _is_comment_prompt(key):
            return "cue:comments"
        if words <= 20 and _is_copyright(line, folded, words, edge):
            return "cue:copyright"
    if index >= total - 2 and words <= 15 and not (words > 8 and sentence):
        match = _TRUNCATION_RE.match(key)
        if (
            match is not None
            and _starts_with(key, match.group())
            # a pointer has no clause: "Continue reading the statement, the director said."
            and not (sentence and re.search(r"[,،]", line))
            and (match.group() != _WEAK_TRUNCATION or _POINTER.search(folded))
        ):
            return "cue:continue-reading"
    if edge and words <= 12 and is_date_line(folded, folded=True):
        return "cue:date-line"
    if edge and words <= 80 and _is_disclaimer(key):
        return "cue:disclaimer"
    if edge and words <= 40 and _is_reuse_notice(key):
        return "cue:copyright"
    if (
        index >= total - 4
        and words <= 80
        and any(p in key for p in _POLICIES)
        and any(c in key for c in _COMMENT_WORDS)
    ):
        return "cue:comment-policy"
    return None


def _call_to_action(key: str, words: int, edge: bool) -> str | None:
    """The kind of call to action (follow, cookies, donate, form) the line opens with, if any."""
    for reason, strong, weak, markers in _PREFIX_RES:
        named = any(m in key for m in markers)
        match = strong.match(key)
        if match is not None and _starts_with(key, match.group()) and (words <= 12 or named):
            return reason
        match = weak.match(key) if weak is not None else None
        if (
            match is not None
            and _starts_with(key, match.group())
            and (named or (words <= 6 and edge))
        ):
            return reason
    return None


def _is_channel_call(line: str, folded: str, key: str, bare_edge: bool) -> bool:
    """A call to follow or join a channel (see `_CHANNELS`); `bare_edge`: the line is at the
    text's edge and no sentence, where an English imperative or a link is enough."""
    padded = f" {key} "
    if not any(f" {c} " in padded or (len(c) > 5 and c in key) for c in _CHANNELS):
        return False
    if _REPORTED.search(folded) is not None:
        return False
    called_en = _CALL_EN.search(folded) is not None
    words = key.split()
    called = (
        called_en
        or any(w in _CALL_AR for w in words)
        or bool(words and words[0] in _CALL_AR_OPENING)
    )
    linked = _LINK_OR_PHONE.search(line) is not None
    if not (called or linked):
        return False
    if _ADDRESSED.search(key) is not None:
        return True
    if words and words[0] in _CALL_AR and "الان" in words:
        return True  # "انضم الآن إلى ..." (join now): a past tense takes no "now"
    # at the edge an English imperative opening the line is enough ("Join our ..." has "our")
    return bare_edge and (_CALL_EN.match(folded) is not None or linked)


def _is_bare_tag_row(key: str) -> bool:
    """A tag row without its colon: the label, then only names ("الوسوم التي استخدمها
    الناشطون انتشرت بسرعة" is news)."""
    match = _BARE_TAGS.match(key)
    return match is not None and not any(w in _FUNCTION_WORDS for w in key[match.end() :].split())


def _is_labelled_share_row(folded: str) -> bool:
    """A share row behind its label: "شارك هذا المقال: فيسبوك تويتر واتساب"."""
    label, colon, rest = folded.partition(":")
    if not colon:
        return False
    label_key, rest_key = (_NON_WORD.sub(" ", part).strip() for part in (label, rest))
    return (
        label_key in _WIDGETS
        and bool(rest_key)
        and all(w in _SOCIAL_WORDS for w in rest_key.split())
    )


def _is_comment_prompt(key: str) -> bool:
    padded = f" {key} "
    return any(c in key for c in _COMMENT_WORDS) and any(
        f" {p} " in padded or (" " in p and p in key) for p in _COMMENT_PROMPTS
    )


def _is_reuse_notice(key: str) -> bool:
    return (
        any(r in key for r in _REUSE)
        and any(p in key for p in _REUSE_PIECES)
        and any(t in key for t in _REUSE_TERMS)
    )


def _is_copyright(line: str, folded: str, words: int, edge: bool) -> bool:
    """A copyright notice: "©", "Copyright 2025 X" (not a long sentence), or a rights-reserved
    clause opening a line or ending the text in a few words ("... said all rights reserved for
    the owners would be respected." is news)."""
    if "©" in line:
        return True
    if words <= 12 and _COPYRIGHT.search(folded) and not (words > 8 and _is_sentence(line)):
        return True
    match = _RIGHTS_RESERVED.search(folded)
    if match is None:
        return False
    opens = not folded[: match.start()].strip(" \t.|-–—:")
    return opens or (edge and words <= 10)


def _is_disclaimer(key: str) -> bool:
    if any(n in key for n in _VERIFICATION_NOTICES):
        return True
    return any(d in key for d in _DISCLAIMERS) and any(s in key for s in _DISCLAIMER_SUBJECTS)


def _is_sentence(line: str) -> bool:
    text = line.rstrip()
    return text.endswith((".", "۔", "!", "؟", "?")) and not text.endswith("..")


def _starts_with(key: str, cue: str) -> bool:
    """Line-start match; Latin cues need a word boundary, Arabic ones may be glued to a headline."""
    if not key.startswith(cue):
        return False
    if len(key) == len(cue) or not _LATIN.search(cue[-1]):
        return True
    return key[len(cue)] == " "


def _is_teaser(key: str, folded: str) -> bool:
    """A line opening with a teaser cue. Arabic cues and "read/see also" teasers may run on
    into their headline; other English cues ("Related", "More on this") and "ذات صلة" need a
    separator after them, since "Related protests were reported in Homs." is news."""
    if _TEASER_RE.match(key) is None:
        return False
    for cue in (c for c in _TEASER_STARTS if key.startswith(c)):
        if not (_starts_with(key, cue) and len(key) > len(cue)):
            continue
        marked = re.match(r"^[\W_]*" + r"[\W_]+".join(map(re.escape, cue.split())) + _MARK, folded)
        if marked is not None:
            # a headline, not a sentence ("Related: the center was first announced in 2023
            # by the health directorate." is the article talking)
            return not (_is_sentence(folded) and key.count(" ") - cue.count(" ") > 12)
        if (_LATIN.search(cue) and cue not in _RUN_ON_CUES) or cue.endswith(_RELATED_AR):
            return False
        # "Read more about X in our report" is a teaser only when short
        return key.count(" ") - cue.count(" ") <= 15
    return False


def _matches_phrase(key: str, phrases: tuple[str, ...]) -> bool:
    """An outlet phrase that is the line, or most of it (whole words, a few words more).

    Phrases are often names ("The Syrian Observatory For Human Rights"), which also open real
    sentences ("The Syrian Observatory For Human Rights documented ..."): those stay.
    """
    padded = f" {key} "
    words = key.count(" ") + 1
    for phrase in phrases:
        if key == phrase:
            return True
        if f" {phrase} " in padded and words <= phrase.count(" ") + 1 + _PHRASE_SLACK:
            return True
    return False


def _teaser_block(lines: list[str], start: int, links: Callable[[], frozenset[str]] | None) -> int:
    """End of the teaser headlines after a related header.

    Headlines are short and do not end with a full stop; the article's own paragraphs and
    credit lines end the run. When the first headline is one of the page's link texts, the
    block is the lines that are links (or a teaser's date under one), wherever it sits:
    closing Arabic paragraphs often lack a full stop too, and a non-link line after the block
    is the article's. Otherwise a run that reaches the end of the text (or only credit lines
    follow it) is the closing related-links block (headlines as plain text) and goes whole;
    mid-article ("اقرأ أيضاً" between two paragraphs) short body lines often follow the
    teaser (a line ending in a colon before a quote, the quote itself, a question), so there
    only the one line after the header goes, or none when the page's links are known.
    """
    end = start
    while end < len(lines) and _is_headline(lines[end]) and not is_credit_line(lines[end]):
        end += 1
    known = links() if links is not None else frozenset()
    linked = start
    while linked < end and (
        _is_link(lines[linked], known) or (linked > start and _is_teaser_date(lines[linked]))
    ):
        linked += 1
    if linked > start:
        return linked
    if all(is_credit_line(line) for line in lines[end:]):
        return end
    return start if known else min(end, start + 1)


# A teaser's age under its headline ("منذ ساعتين", "3 hours ago")
_RELATIVE_DATE = re.compile(
    r"^(?:منذ\s+(?:\d+\s+)?\w+(?:\s+\w+)?|\d+\s+\w+\s+ago|(?:an?|one)\s+\w+\s+ago)$"
)


def _is_teaser_date(line: str) -> bool:
    folded = fold(line).strip()
    key = _NON_WORD.sub(" ", folded).strip()
    return key.count(" ") < 6 and (
        _RELATIVE_DATE.match(key) is not None or is_date_line(folded, folded=True)
    )


def _is_link(line: str, links: frozenset[str]) -> bool:
    """Whether the line is a link's text (perhaps with a date or a label after it)."""
    key = match_key(line)
    if key in links:
        return True
    # "- <headline> - 4 آذار 2025": the headline between separators is the link
    parts = SEGMENT_SEPARATOR.split(line.strip(" -–—|•·"))
    if len(parts) > 1 and any(p.count(" ") >= 1 and match_key(p) in links for p in parts):
        return True
    for link in links:
        shorter, longer = (link, key) if len(link) < len(key) else (key, link)
        if len(shorter) >= 0.7 * len(longer) and longer.startswith(f"{shorter} "):
            return True
    return False


def _is_headline(line: str) -> bool:
    text = line.rstrip()
    # a full stop ends a sentence; a colon ends a line that introduces a quote or a list
    sentence = text.endswith((".", "۔", ":", "：")) and not text.endswith("..")
    return not sentence and match_key(text).count(" ") < 20

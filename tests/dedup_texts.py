"""Fictional news texts for the dedup tests (our own writing), built from seeded phrase choices."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from archiver.models import Article
from archiver.normalize import content_sha256, word_count

_EN = {
    "who": [
        "The town council",
        "A relief committee",
        "The water board",
        "Local teachers",
        "The farmers' union",
        "Night-shift nurses",
        "Bakery owners",
        "The transport office",
    ],
    "did": [
        "announced repairs to",
        "complained about",
        "opened an office beside",
        "asked for an inquiry into",
        "started a survey of",
        "postponed work on",
    ],
    "what": [
        "the irrigation canal",
        "two village schools",
        "the old stone bridge",
        "the bread queues",
        "the northern bus station",
        "the clinic generators",
    ],
    "where": ["Homs", "Hama", "Idlib", "Daraa", "Raqqa", "Latakia", "Tartus", "Douma"],
    "when": ["on Sunday", "on Monday morning", "late on Tuesday", "this week", "at dawn"],
    "why": [
        "citing rising costs",
        "after weeks of talks",
        "amid a fuel shortage",
        "following complaints from residents",
        "without naming a date",
    ],
}
_AR = {
    "who": [
        "مجلس البلدة",
        "لجنة إغاثة",
        "مؤسسة المياه",
        "معلمون محليون",
        "اتحاد الفلاحين",
        "ممرضات المناوبة الليلية",
        "أصحاب المخابز",
        "مكتب النقل",
    ],
    "did": [
        "أعلن عن إصلاح",
        "اشتكى من",
        "افتتح مكتبًا بجانب",
        "طالب بالتحقيق في",
        "بدأ مسحًا لـ",
        "أجّل العمل في",
    ],
    "what": [
        "قناة الري",
        "مدرستين في القرية",
        "الجسر الحجري القديم",
        "طوابير الخبز",
        "محطة الحافلات الشمالية",
        "مولدات المستوصف",
    ],
    "where": ["حمص", "حماة", "إدلب", "درعا", "الرقة", "اللاذقية", "طرطوس", "دوما"],
    "when": ["يوم الأحد", "صباح الاثنين", "مساء الثلاثاء", "هذا الأسبوع", "عند الفجر"],
    "why": [
        "بسبب ارتفاع التكاليف",
        "بعد أسابيع من المحادثات",
        "في ظل نقص الوقود",
        "إثر شكاوى الأهالي",
        "دون تحديد موعد",
    ],
}


def story(seed: int, lang: str = "en", paragraphs: int = 6) -> str:
    """An article of `paragraphs` paragraphs, three generated sentences each."""
    rng = random.Random(seed)
    bank = _EN if lang == "en" else _AR
    joiner = " in " if lang == "en" else " في "
    comma = ", " if lang == "en" else "، "

    def sentence() -> str:
        pick = {k: rng.choice(v) for k, v in bank.items()}
        number = rng.randint(3, 950)
        return (
            f"{pick['who']}{joiner}{pick['where']} {pick['did']} {pick['what']} "
            f"{pick['when']}{comma}{pick['why']} ({number})."
        )

    return "\n\n".join(" ".join(sentence() for _ in range(3)) for _ in range(paragraphs))


def article(
    article_id: str,
    text: str,
    *,
    outlet: str = "mirror.example",
    published: str | None = "2025-03-01T10:00:00+03:00",
    fetched_minutes: int = 0,
    source_credit: str | None = None,
) -> Article:
    """An Article record as the pipeline builds it (dedup fields unset)."""
    fetched = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=fetched_minutes)
    url = f"https://{outlet}/{article_id}"
    return Article(
        id=article_id,
        url=url,
        canonical_url=url,
        outlet=outlet,
        text=text,
        fetched_at=fetched.isoformat().replace("+00:00", "Z"),
        sha256=content_sha256(text),
        published=published,
        word_count=word_count(text),
        source_credit=source_credit,
    )

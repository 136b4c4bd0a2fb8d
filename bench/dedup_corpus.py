"""A labelled near-duplicate corpus generated from our own fixture phrases (all fictional).

Originals are composed from sentence patterns written for this benchmark (fictional outlets,
people and events; real Syrian place names only as slot values). Each original gets reposts of
the kinds seen in the research notes: exact copies, wrapped copies (title suffix, byline, editor's
note, "related" trailer), truncated teasers ("Continue reading at ..."), Arabic orthographic
variants (tashkeel, hamza and ya/ta-marbuta forms, tatweel, Arabic-Indic digits, bidi marks),
light edits, and credited copies ("Source: ONA" / "المصدر: العاصي"). Hard negatives are daily
reports from one template that differ only in places, numbers, names and dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from archiver.config import Outlet, Settings

PLACES_EN = [
    "Homs",
    "Hama",
    "Idlib",
    "Aleppo",
    "Daraa",
    "Raqqa",
    "Deir ez-Zor",
    "Latakia",
    "Tartus",
    "Qamishli",
    "Douma",
    "Jableh",
    "Manbij",
    "Afrin",
    "Suwayda",
    "Palmyra",
    "Saraqib",
    "Maarat",
    "Talbiseh",
    "Rastan",
    "Harasta",
    "Zabadani",
    "Nawa",
    "Busra",
    "Salamiyah",
    "Masyaf",
]
PLACES_AR = [
    "حمص",
    "حماة",
    "إدلب",
    "حلب",
    "درعا",
    "الرقة",
    "دير الزور",
    "اللاذقية",
    "طرطوس",
    "القامشلي",
    "دوما",
    "جبلة",
    "منبج",
    "عفرين",
    "السويداء",
    "تدمر",
    "سراقب",
    "معرة النعمان",
    "تلبيسة",
    "الرستن",
    "حرستا",
    "الزبداني",
    "نوى",
    "بصرى",
    "السلمية",
    "مصياف",
]
NAMES_EN = [
    "Karim Haddad",
    "Lina Moussa",
    "Omar Saleh",
    "Rania Khoury",
    "Sami Darwish",
    "Huda Nasser",
    "Fadi Aziz",
    "Maya Sabbagh",
    "Yusuf Barakat",
    "Nour Hamdan",
    "Tariq Jaber",
    "Salma Rifai",
]
NAMES_AR = [
    "كريم حداد",
    "لينا موسى",
    "عمر صالح",
    "رانيا خوري",
    "سامي درويش",
    "هدى ناصر",
    "فادي عزيز",
    "مايا صباغ",
    "يوسف بركات",
    "نور حمدان",
    "طارق جابر",
    "سلمى الرفاعي",
]
SUBJECTS_EN = [
    "The provincial council",
    "A local relief committee",
    "Residents of the old quarter",
    "The water directorate",
    "A delegation of teachers",
    "The farmers' union",
    "Volunteers from the civil defence",
    "The municipal bakery board",
    "Families of detainees",
    "A group of lawyers",
    "The health directorate",
    "Traders in the covered market",
    "The electricity company",
    "A women's cooperative",
    "Students of the agriculture faculty",
]
VERBS_EN = [
    "announced a plan to repair",
    "complained about the state of",
    "opened a new office near",
    "demanded an inquiry into",
    "published a report on",
    "began distributing aid around",
    "held a meeting about",
    "warned of shortages affecting",
    "signed an agreement covering",
    "suspended work on",
    "presented a petition regarding",
    "started a survey of",
]
OBJECTS_EN = [
    "the main irrigation canal",
    "two primary schools",
    "the central hospital wing",
    "the bread distribution points",
    "the damaged power station",
    "the northern bus terminal",
    "the vegetable market",
    "rural clinics",
    "the old stone bridge",
    "water wells",
    "the municipal archive",
    "the fuel depots",
    "the wheat silos",
    "the sewage network",
]
TIMES_EN = [
    "on Sunday",
    "on Monday morning",
    "late on Tuesday",
    "this week",
    "on Thursday evening",
    "earlier this month",
    "at the weekend",
    "on Wednesday",
    "after Friday prayers",
]
CLAUSES_EN = [
    "according to a statement seen by reporters",
    "citing rising costs and delays",
    "despite repeated promises from officials",
    "as temperatures dropped sharply",
    "after weeks of negotiations",
    "amid a shortage of spare parts",
    "while residents waited for a response",
    "in coordination with local notables",
    "without giving a date for completion",
    "following a wave of complaints",
]
SUBJECTS_AR = [
    "مجلس المحافظة",
    "لجنة إغاثة محلية",
    "سكان الحي القديم",
    "مديرية المياه",
    "وفد من المعلمين",
    "اتحاد الفلاحين",
    "متطوعون من الدفاع المدني",
    "مجلس إدارة المخابز",
    "ذوو المعتقلين",
    "مجموعة من المحامين",
    "مديرية الصحة",
    "تجار السوق المسقوف",
    "شركة الكهرباء",
    "جمعية تعاونية نسائية",
    "طلاب كلية الزراعة",
]
VERBS_AR = [
    "أعلن عن خطة لإصلاح",
    "اشتكى من سوء حال",
    "افتتح مكتبًا جديدًا قرب",
    "طالب بالتحقيق في",
    "نشر تقريرًا عن",
    "بدأ توزيع المساعدات حول",
    "عقد اجتماعًا بشأن",
    "حذّر من نقص يطال",
    "وقّع اتفاقًا يشمل",
    "علّق العمل في",
    "قدّم عريضة بخصوص",
    "بدأ مسحًا لـ",
]
OBJECTS_AR = [
    "قناة الري الرئيسية",
    "مدرستين ابتدائيتين",
    "جناح المستشفى المركزي",
    "نقاط توزيع الخبز",
    "محطة الكهرباء المتضررة",
    "كراج الحافلات الشمالي",
    "سوق الخضار",
    "المستوصفات الريفية",
    "الجسر الحجري القديم",
    "آبار المياه",
    "أرشيف البلدية",
    "مستودعات الوقود",
    "صوامع القمح",
    "شبكة الصرف الصحي",
]
TIMES_AR = [
    "يوم الأحد",
    "صباح الاثنين",
    "في وقت متأخر من يوم الثلاثاء",
    "هذا الأسبوع",
    "مساء الخميس",
    "مطلع الشهر الجاري",
    "في عطلة نهاية الأسبوع",
    "يوم الأربعاء",
    "بعد صلاة الجمعة",
]
CLAUSES_AR = [
    "بحسب بيان اطّلع عليه مراسلون",
    "بسبب ارتفاع التكاليف والتأخير",
    "رغم الوعود المتكررة من المسؤولين",
    "مع الانخفاض الحاد في درجات الحرارة",
    "بعد أسابيع من المفاوضات",
    "في ظل نقص قطع الغيار",
    "بينما ينتظر الأهالي ردًا",
    "بالتنسيق مع وجهاء المنطقة",
    "دون تحديد موعد للانتهاء",
    "إثر موجة من الشكاوى",
]
QUOTES_EN = [
    '"We cannot wait another winter," said {name}, a resident of {place}.',
    "{name}, who follows the file closely, said the cost had reached {n} million pounds.",
    "Officials in {place} did not respond to a request for comment by {name}.",
    "{name} told the outlet that {n} families had registered so far.",
]
QUOTES_AR = [
    "وقال {name}، وهو من سكان {place}: «لا يمكننا انتظار شتاء آخر».",
    "وأوضح {name} أن الكلفة بلغت {n} مليون ليرة.",
    "ولم يرد المسؤولون في {place} على طلب للتعليق قدّمه {name}.",
    "وقال {name} إن {n} عائلة سجّلت حتى الآن.",
]


@dataclass
class Doc:
    """One labelled article of the benchmark."""

    id: str
    text: str
    outlet: str
    published: str
    fetched_order: int = 0
    source_credit: str | None = None
    truth: str = ""  # true cluster label
    original: bool = False
    kind: str = "original"  # original | exact | wrapped | truncated | variant | edited | ...
    language: str = "en"
    template: bool = False


@dataclass
class Corpus:
    docs: list[Doc] = field(default_factory=list)


OUTLETS = (
    Outlet(
        name="ona",
        url="https://ona.example",
        label="Orontes News Agency",
        aliases=("ONA", "وكالة العاصي", "العاصي"),
    ),
    Outlet(
        name="barada",
        url="https://barada-post.example",
        label="Barada Post",
        aliases=("بردى بوست",),
    ),
    Outlet(
        name="levant-monitor",
        url="https://levant-monitor.example",
        label="Levant Monitor",
        aliases=("مرصد المشرق",),
    ),
    Outlet(
        name="jasmine",
        url="https://jasmine-daily.example",
        label="Jasmine Daily",
        aliases=("ياسمين",),
    ),
)
CONFIGURED = [o.name for o in OUTLETS]
MIRRORS = [
    "news-mirror.example",
    "blog.mirror-sy.example",
    "aggregator.example",
    "akhbar-hub.example",
]


def bench_settings() -> Settings:
    return Settings(outlets=OUTLETS)


def _sentence(rng: random.Random, lang: str) -> str:
    if lang == "en":
        if rng.random() < 0.25:
            return rng.choice(QUOTES_EN).format(
                name=rng.choice(NAMES_EN), place=rng.choice(PLACES_EN), n=rng.randint(2, 900)
            )
        return (
            f"{rng.choice(SUBJECTS_EN)} in {rng.choice(PLACES_EN)} {rng.choice(VERBS_EN)} "
            f"{rng.choice(OBJECTS_EN)} {rng.choice(TIMES_EN)}, {rng.choice(CLAUSES_EN)}."
        )
    if rng.random() < 0.25:
        return rng.choice(QUOTES_AR).format(
            name=rng.choice(NAMES_AR), place=rng.choice(PLACES_AR), n=rng.randint(2, 900)
        )
    return (
        f"{rng.choice(SUBJECTS_AR)} في {rng.choice(PLACES_AR)} {rng.choice(VERBS_AR)} "
        f"{rng.choice(OBJECTS_AR)} {rng.choice(TIMES_AR)}، {rng.choice(CLAUSES_AR)}."
    )


def article_text(rng: random.Random, lang: str, paragraphs: int) -> str:
    """An original article: `paragraphs` paragraphs of 2-4 generated sentences."""
    return "\n\n".join(
        " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 4))) for _ in range(paragraphs)
    )


_TASHKEEL = "\u064e\u064f\u0650\u0651\u0652\u064b"
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_variant(rng: random.Random, text: str) -> str:
    """The same Arabic text as another site might type it."""
    out: list[str] = []
    for ch in text:
        if ch in "أإآ" and rng.random() < 0.7:
            ch = "ا"
        elif ch == "ي" and rng.random() < 0.3:
            ch = "ى"
        elif ch == "ة" and rng.random() < 0.3:
            ch = "ه"
        out.append(ch)
        if "\u0621" <= ch <= "\u064a" and rng.random() < 0.15:
            out.append(rng.choice(_TASHKEEL))
        if ch in "بتثجحخسشصضعغفقكلمنهي" and rng.random() < 0.02:
            out.append("\u0640")
    result = "".join(out).translate(_INDIC)
    return result.replace("،", "\u200f،").replace("«", '"').replace("»", '"')


def english_variant(rng: random.Random, text: str) -> str:
    """The same English text with typographic differences (quotes, dashes, case, spacing)."""
    text = text.replace('"', "\u201c", 1).replace('"', "\u201d", 1).replace(", ", " , ", 2)
    if rng.random() < 0.5:
        text = text.replace(" - ", " \u2014 ")
    return text.replace("\n\n", "\n\n\u00a0") if rng.random() < 0.5 else text.upper()


def _edit(rng: random.Random, text: str, lang: str) -> str:
    """Change one word (an editor's substitution), leaving numbers alone.

    One word: the reposts described in the issue and the research notes wrap, cut, credit and
    re-spell, they do not reword; more substituted words are what tells templated reports apart.
    """
    words = text.split(" ")
    swaps_en = {"said": "stated", "residents": "locals", "officials": "authorities"}
    swaps_ar = {"وقال": "وأفاد", "الأهالي": "السكان", "المسؤولين": "المعنيين"}
    swaps = swaps_en if lang == "en" else swaps_ar
    spots = [i for i, w in enumerate(words) if w in swaps]
    for i in rng.sample(spots, min(len(spots), 1)):
        words[i] = swaps[words[i]]
    return " ".join(words)


def _when(base: datetime, hours: float) -> str:
    return (base + timedelta(hours=hours)).isoformat()


def build(seed: int = 7, originals: int = 70, templated: int = 64) -> Corpus:
    """The labelled set: `originals` stories with reposts, plus `templated` hard negatives."""
    rng = random.Random(seed)
    corpus = Corpus()
    start = datetime(2025, 3, 1, 8, tzinfo=UTC)
    for k in range(originals):
        lang = "ar" if k % 2 else "en"
        outlet = rng.choice(CONFIGURED)
        label = f"s{k:03d}"
        base = start + timedelta(hours=7 * k)
        text = article_text(rng, lang, rng.randint(5, 12))
        title_sep = " - " if lang == "en" else " – "
        alias = next(o for o in OUTLETS if o.name == outlet).aliases[-1 if lang == "ar" else 0]
        docs = [
            Doc(
                f"{label}-orig",
                text,
                outlet,
                _when(base, 0),
                truth=label,
                original=True,
                language=lang,
            )
        ]
        kinds = rng.sample(
            ["exact", "wrapped", "truncated", "variant", "edited", "credited", "note-truncated"],
            rng.randint(2, 5),
        )
        for j, kind in enumerate(kinds):
            mirror = rng.choice(MIRRORS + [o for o in CONFIGURED if o != outlet])
            credit = None
            paras = text.split("\n\n")
            if kind == "exact":
                body = text
            elif kind == "wrapped":
                head = (
                    f"Headline{title_sep}{mirror}\nBy {alias} staff"
                    if lang == "en"
                    else f"عنوان الخبر{title_sep}{mirror}\nبقلم فريق {alias}"
                )
                tail = (
                    "Related articles: more news from the region"
                    if lang == "en"
                    else "مقالات ذات صلة: المزيد من أخبار المنطقة"
                )
                body = f"{head}\n\n{text}\n\n{tail}"
            elif kind == "truncated":
                body = "\n\n".join(paras[:3]) + (
                    f"\n\nContinue reading at {alias}..."
                    if lang == "en"
                    else f"\n\nتابع القراءة على موقع {alias}..."
                )
            elif kind == "variant":
                body = arabic_variant(rng, text) if lang == "ar" else english_variant(rng, text)
            elif kind == "edited":
                body = _edit(rng, text, lang)
            elif kind == "credited":
                credit = alias
                body = text + (f"\n\nSource: {alias}" if lang == "en" else f"\n\nالمصدر: {alias}")
            else:  # an editor's note on top of a truncated copy
                note = (
                    "Editor's note: this report was updated with comments from residents."
                    if lang == "en"
                    else "ملاحظة المحرر: جرى تحديث هذا التقرير بتعليقات الأهالي."
                )
                body = note + "\n\n" + "\n\n".join(paras[: max(3, len(paras) // 2)]) + " ..."
            # Most reposts come hours later; a few carry a wrong, earlier date but credit the
            # original (the credit must win).
            hours = rng.uniform(1, 48)
            if kind == "credited" and rng.random() < 0.5:
                hours = -rng.uniform(1, 5)
            docs.append(
                Doc(
                    f"{label}-{kind}-{j}",
                    body,
                    mirror,
                    _when(base, hours),
                    source_credit=credit,
                    truth=label,
                    kind=kind,
                    language=lang,
                )
            )
        corpus.docs.extend(docs)
    corpus.docs.extend(templated_reports(rng, templated, start))
    order = list(range(len(corpus.docs)))
    rng.shuffle(order)  # arrival order: originals are often found after their reposts
    for position, i in enumerate(order):
        corpus.docs[i].fetched_order = position
    return corpus


REPORT_EN = (
    "{place} Province: clashes continued on {day} between government forces and armed groups "
    "in the countryside of {place2}. No information about casualties has been confirmed so far.\n\n"
    "In {place3}, {n} shells fell on residential neighbourhoods, and a member of the civil "
    "defence, {name}, said teams were still searching the rubble. The Levant Monitor documented "
    "{m} arrests at checkpoints around {place} during the day.\n\n"
    "The Levant Monitor renews its call on all parties to spare civilians and to allow "
    "humanitarian organisations to reach the affected areas without conditions."
)
REPORT_AR = (
    "محافظة {place}: تواصلت الاشتباكات يوم {day} بين القوات الحكومية والفصائل المسلحة في ريف "
    "{place2}، ولم ترد معلومات مؤكدة عن الخسائر البشرية حتى الآن.\n\n"
    "وفي {place3}، سقطت {n} قذيفة على أحياء سكنية، وقال عنصر في الدفاع المدني يدعى {name} إن "
    "الفرق ما زالت تبحث تحت الأنقاض. ووثّق مرصد المشرق {m} حالة اعتقال على الحواجز في محيط "
    "{place} خلال اليوم.\n\n"
    "ويجدد مرصد المشرق دعوته جميع الأطراف إلى تجنيب المدنيين ويلات القتال والسماح للمنظمات "
    "الإنسانية بالوصول إلى المناطق المتضررة دون شروط."
)
# A standing section some daily reports repeat word for word: long templated reports, where a
# one-slot difference is a small share of the text.
BACKGROUND_EN = (
    "Background: the Levant Monitor collects reports from a network of correspondents in the "
    "governorates, who send daily accounts of clashes, shelling, arrests and displacement. Each "
    "account is checked against at least two independent sources before it is published, and "
    "figures are revised when new information becomes available. The monitor does not publish "
    "the names of its correspondents for their safety. Readers who have information about the "
    "events described in this report can contact the monitor through its secure channels. "
    "Figures in this report cover the period from midnight to midnight local time and do not "
    "include events that were reported after the report was closed. The monitor is an "
    "independent organisation and receives no funding from any party to the conflict."
)
BACKGROUND_AR = (
    "خلفية: يجمع مرصد المشرق تقاريره من شبكة مراسلين في المحافظات يرسلون روايات يومية عن "
    "الاشتباكات والقصف والاعتقالات والنزوح. ويجري التحقق من كل رواية عبر مصدرين مستقلين على الأقل "
    "قبل نشرها، وتعدّل الأرقام عند توفر معلومات جديدة. ولا ينشر المرصد أسماء مراسليه حفاظًا على "
    "سلامتهم. ويمكن لمن لديه معلومات عن الأحداث الواردة في هذا التقرير التواصل مع المرصد عبر "
    "قنواته الآمنة. وتغطي الأرقام الواردة في التقرير الفترة من منتصف الليل إلى منتصف الليل "
    "بالتوقيت المحلي ولا تشمل الأحداث التي وردت بعد إغلاق التقرير. والمرصد منظمة مستقلة لا "
    "تتلقى تمويلًا من أي طرف من أطراف النزاع."
)
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_AR = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


def _change_slots(
    rng: random.Random,
    slots: dict[str, str | int],
    places: list[str],
    names: list[str],
    days: list[str],
) -> None:
    """Change one to three slots of a report (another place, name, day or number)."""
    for key in rng.sample(sorted(slots), rng.randint(1, 3)):
        if key in ("n", "m"):
            slots[key] = int(slots[key]) + rng.randint(1, 9)
        elif key == "name":
            slots[key] = rng.choice([n for n in names if n != slots[key]])
        elif key == "day":
            slots[key] = rng.choice([d for d in days if d != slots[key]])
        else:
            slots[key] = rng.choice([p for p in places if p != slots[key]])


def templated_reports(rng: random.Random, count: int, start: datetime) -> list[Doc]:
    """Daily reports from one template: each a different event (a singleton), some reposted.

    Consecutive reports differ in as little as one slot (a single place or number), the
    hardest case for a similarity threshold.
    """
    docs: list[Doc] = []
    for lang, template, places, names, days in (
        ("en", REPORT_EN, PLACES_EN, NAMES_EN, DAYS_EN),
        ("ar", REPORT_AR, PLACES_AR, NAMES_AR, DAYS_AR),
    ):
        slots: dict[str, str | int] = {
            "place": places[0],
            "place2": places[1],
            "place3": places[2],
            "n": 12,
            "m": 4,
            "name": names[0],
            "day": days[0],
        }
        seen: set[str] = set()
        for i in range(count // 2):
            # Change one to three slots from the previous report, again if that gives back an
            # earlier report (two identical texts are one text, whatever their labels say).
            _change_slots(rng, slots, places, names, days)
            while template.format(**slots) in seen:
                _change_slots(rng, slots, places, names, days)
            seen.add(template.format(**slots))
            label = f"r{lang}{i:03d}"
            text = template.format(**slots)
            if i % 2:  # every other report carries the monitor's standing background section
                text += "\n\n" + (BACKGROUND_EN if lang == "en" else BACKGROUND_AR)
            when = _when(start, 24 * i)
            docs.append(
                Doc(
                    f"{label}-orig",
                    text,
                    "levant-monitor",
                    when,
                    truth=label,
                    original=True,
                    language=lang,
                    template=True,
                )
            )
            if i % 8 == 4:  # a mirror reposts others under its own header: a cross-outlet copy
                # whose neighbours in the series are one slot away from it
                mirror = rng.choice(MIRRORS)
                head = f"{mirror} daily digest" if lang == "en" else f"نشرة {mirror} اليومية"
                docs.append(
                    Doc(
                        f"{label}-wrapped",
                        f"{head}\n\n{text}",
                        mirror,
                        _when(start, 24 * i + 5),
                        truth=label,
                        kind="wrapped",
                        language=lang,
                        template=True,
                    )
                )
            if i % 8 == 0:  # a mirror copies some reports word for word
                docs.append(
                    Doc(
                        f"{label}-exact",
                        text,
                        rng.choice(MIRRORS),
                        _when(start, 24 * i + 3),
                        truth=label,
                        kind="exact",
                        language=lang,
                        template=True,
                        source_credit="Levant Monitor" if lang == "en" else "مرصد المشرق",
                    )
                )
    return docs

"""Build samples/*.warc.gz: captures of a fictional outlet and of a mirror blog that reposts it.

Everything here is invented (outlets on the reserved .example domain, events, people). The
mirror shows what the archiver must cope with: a site-name title suffix, a "related" tail, a
"Source:" credit line, added diacritics and Arabic-Indic digits, a truncated repost.

    python samples/build_samples.py      # rewrites samples/sham-ledger.warc.gz and mirror.warc.gz
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent

ORIGINALS = [
    {
        "path": "/en/news/1041/water-trucks-idlib-camps",
        "lang": "en",
        "title": "Water trucking to camps near Kafr Zeitoun cut by half",
        "published": "2025-06-03T09:15:00+03:00",
        "author": "Lina Haddad",
        "paras": [
            "Families in three displacement camps near the village of Kafr Zeitoun say water "
            "deliveries have fallen by half since April, forcing them to ration drinking water "
            "as temperatures rise.",
            "The local council said the cut follows a funding gap in the trucking programme run "
            "by a coalition of relief groups, and that it has asked donors to restore at least "
            "the previous schedule before the end of June.",
            "A mother of four in the largest camp said her children now queue for two hours at "
            "the single working tap, and that many families have started buying water from "
            "private tankers at prices they cannot sustain.",
        ],
    },
    {
        "path": "/en/news/1042/bakery-prices-hama",
        "lang": "en",
        "title": "Bread prices rise again in Hama's western countryside",
        "published": "2025-06-04T14:40:00+03:00",
        "author": "Omar Khatib",
        "paras": [
            "Bakeries in the western countryside of Hama raised the price of a bundle of bread "
            "for the second time this year, citing the cost of flour and diesel for their ovens.",
            "Shop owners told the Sham Ledger that subsidised flour deliveries arrive late and in "
            "smaller amounts, while private suppliers have doubled their prices since winter.",
            "Residents said they now buy bread every other day and rely more on rice and bulgur.",
        ],
    },
    {
        "path": "/ar/news/2087/انقطاع-الكهرباء-في-درعا",
        "lang": "ar",
        "title": "انقطاع الكهرباء لساعات طويلة في ريف درعا الشرقي",
        "published": "2025-06-05T11:00:00+03:00",
        "author": "سامر الحوراني",
        "paras": [
            "يشتكي سكان بلدات ريف درعا الشرقي من انقطاع التيار الكهربائي لأكثر من عشرين ساعة "
            "يومياً، في ظل ارتفاع درجات الحرارة وتعطل مضخات المياه في عدة قرى.",
            "وقال أحد أعضاء المجلس المحلي في بلدة تل الزيتون إن المحطة الرئيسية تعمل بنصف "
            "طاقتها منذ بداية الشهر، وإن الورشات الفنية تنتظر وصول قطع الغيار منذ أسابيع.",
            "ولجأ عدد من الأهالي إلى الألواح الشمسية والبطاريات، إلا أن أسعارها المرتفعة تجعلها "
            "بعيدة عن متناول معظم العائلات.",
        ],
    },
    {
        "path": "/ar/news/2088/موسم-القمح-في-الحسكة",
        "lang": "ar",
        "title": "مزارعو الحسكة يخشون موسم قمح ضعيفاً بسبب قلة الأمطار",
        "published": "2025-06-06T08:30:00+03:00",
        "author": "ريم العلي",
        "paras": [
            "يتوقع مزارعون في ريف الحسكة الجنوبي أن يكون إنتاج القمح هذا العام أقل من نصف "
            "إنتاج العام الماضي، بعد شتاء شحيح الأمطار وارتفاع تكاليف الري.",
            "وأوضح مزارع من قرية الوادي الأخضر أن تكلفة ساعة تشغيل المضخة تضاعفت، وأن كثيرين "
            "تركوا أجزاء من أراضيهم دون زراعة.",
            "ويطالب المزارعون بتحديد سعر شراء عادل للمحصول قبل بدء موسم الحصاد في الأسابيع المقبلة.",
        ],
    },
]


def article_html(item: dict[str, object], *, site: str, title: str, extra_top: str = "",
                 extra_bottom: str = "", paras: list[str] | None = None) -> str:
    lang = str(item["lang"])
    direction = "rtl" if lang == "ar" else "ltr"
    body = "\n".join(f"<p>{escape(p)}</p>" for p in (paras or item["paras"]))  # type: ignore[union-attr]
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<meta property="og:site_name" content="{escape(site)}">
<meta property="article:published_time" content="{item["published"]}">
<meta name="author" content="{escape(str(item["author"]))}">
</head><body>
<header><a href="/">{escape(site)}</a><nav><a href="/en/">English</a> <a href="/ar/">عربي</a></nav></header>
<main><article>
<h1>{escape(str(item["title"]))}</h1>
{extra_top}
{body}
{extra_bottom}
</article></main>
<footer>© {escape(site)}</footer>
</body></html>"""


def to_arabic_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def add_diacritics(text: str) -> str:
    # A copyist's habit: a fatha on the first letter of longer words.
    return " ".join(w[0] + "\u064e" + w[1:] if len(w) > 4 else w for w in text.split(" "))


def build() -> None:
    origin = "https://sham-ledger.example"
    mirror = "https://everything-syria.example"
    pages = []
    for item in ORIGINALS:
        pages.append((origin + str(item["path"]), article_html(
            item, site="Sham Ledger", title=f"{item['title']} | Sham Ledger")))
    en1, en2, ar1, ar2 = ORIGINALS
    reposts = [
        # Word-for-word copy, blog-name title suffix, a "related" tail.
        ("/2025/06/water-trucking-cut", article_html(
            en1, site="Everything Syria", title=f"{en1['title']} - Everything Syria!",
            extra_bottom="<p>Related Articles</p><p>Read also: Camps brace for summer heat</p>")),
        # Arabic copy with diacritics, Arabic-Indic digits and a source credit.
        ("/2025/06/electricity-daraa", article_html(
            ar1, site="Everything Syria", title=f"{ar1['title']} - Everything Syria!",
            paras=[add_diacritics(to_arabic_digits(str(p))) for p in ar1["paras"]],  # type: ignore[union-attr]
            extra_bottom="<p>المصدر: دفتر الشام</p>")),
        # Truncated after two paragraphs with a "continue reading" line.
        ("/2025/06/bread-prices-hama", article_html(
            en2, site="Everything Syria", title=f"{en2['title']} - Everything Syria!",
            paras=list(en2["paras"])[:2],  # type: ignore[call-overload]
            extra_bottom="<p>Continue reading at Sham Ledger</p>")),
    ]
    for path, html in reposts:
        pages.append((mirror + path, html))
    write_warc(HERE / "sham-ledger.warc.gz", [p for p in pages if p[0].startswith(origin)],
               extra_image=origin + "/logo.png")
    write_warc(HERE / "mirror.warc.gz", [p for p in pages if p[0].startswith(mirror)])


def write_warc(path: Path, pages: list[tuple[str, str]], extra_image: str | None = None) -> None:
    captured = datetime(2025, 6, 7, 12, 0, 0, tzinfo=UTC)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for index, (url, html) in enumerate(pages):
            body = html.encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            date = captured.replace(minute=index).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)
        if extra_image:  # not HTML: import must pass over it
            png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                extra_image, "response", payload=io.BytesIO(png), http_headers=headers))


if __name__ == "__main__":
    build()

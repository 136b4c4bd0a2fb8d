"""Publication dates: parsing ISO, Arabic and English date strings, and choosing among sources.

htmldate (inside trafilatura) knows no Levantine month names and falls back to `YYYY-01-01`
for "9 تشرين الأول 2017"; it also drops the time and offset of `article:published_time`.
Here dates are parsed after `normalize.fold` (alef/hamza forms, tashkeel, Arabic-Indic digits),
keep their time and offset when given, and carry a precision so a year stays a year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from archiver.normalize import fold
from archiver.pagemeta import PageMeta

PRECISIONS = ("year", "month", "day", "minute", "second")
_EARLIEST_YEAR = 1990


@dataclass(frozen=True)
class FoundDate:
    """A parsed date: an ISO 8601 string as precise as the source, and that precision."""

    value: str  # "2017", "2017-10", "2017-10-09", "2017-10-09T14:05", "…T14:05:30+03:00"
    precision: str  # one of PRECISIONS

    @property
    def day(self) -> str:
        """The calendar part (YYYY, YYYY-MM or YYYY-MM-DD)."""
        return self.value[:10]

    def rank(self) -> int:
        return PRECISIONS.index(self.precision)


# Month names after `fold`: Levantine/Syriac, Egyptian (transliterated), Maghrebi, English.
_MONTHS: dict[str, int] = {}
_MONTH_FORMS = {
    1: "كانون الثاني|كانون ثاني|كانون 2|يناير|جانفي|january|jan",
    2: "شباط|فبراير|فيفري|february|feb",
    3: "اذار|مارس|march|mar",
    4: "نيسان|ابريل|افريل|april|apr",
    5: "ايار|مايو|ماي|may",
    6: "حزيران|يونيو|يونيه|جوان|june|jun",
    7: "تموز|يوليو|يوليه|جويليه|july|jul",
    8: "اب|اغسطس|اوت|august|aug",
    9: "ايلول|سبتمبر|september|sept|sep",
    10: "تشرين الاول|تشرين اول|تشرين 1|اكتوبر|اوكتوبر|october|oct",
    11: "تشرين الثاني|تشرين ثاني|تشرين 2|نوفمبر|november|nov",
    12: "كانون الاول|كانون اول|كانون 1|ديسمبر|december|dec",
}
for _number, _forms in _MONTH_FORMS.items():
    for _form in _forms.split("|"):
        _MONTHS[_form] = _number
# Longest first so "كانون الثاني" wins over a shorter prefix and "مايو" over "ماي".
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# A month, optionally doubled as "يناير (كانون الثاني)" or "ديسمبر/ كانون الاول".
_MONTH = rf"(?P<m1>{_MONTH_RE})\.?(?:\s*[(/]\s*(?P<m2>{_MONTH_RE})\s*\)?)?(?!\w)"
_SEP = r"[\s,\-/.]*"
# A time: "10:30", "10:30 م", "10:30 مساءً", "11:45 GMT+3" (the offset is kept).
_TIME = (
    r"(?:[\s,\-–|•·]*(?:الساعه\s*)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|صباحا|صباح|مساءا|مساء|ظهرا|ص|م)?(?!\w)"
    r"(?:\s*(?:gmt|utc)\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)(?!\d))?)?"
)
_AFTERNOON = ("pm", "p.m.", "م", "مساء", "مساءا", "ظهرا")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_SEP}{_MONTH}{_SEP}(?P<y>\d{{4}})(?!\d){_TIME}"
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w){_MONTH}{_SEP}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)[\s,]+(?P<y>\d{{4}})(?!\d){_TIME}"
)
# A day and month with no year after them (Baladi News often leaves the year out).
_DAY_MONTH_NOYEAR = re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s+{_MONTH}(?![\s,\-/.]*\d)")
_MONTH_YEAR = re.compile(rf"(?<!\w){_MONTH}{_SEP}(?P<y>\d{{4}})(?!\d)")
_NUMERIC_YMD = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?!\d){_TIME}"
)
_NUMERIC_DMY = re.compile(
    rf"(?<!\d)(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}})(?!\d){_TIME}"
)
# Every form of a full date, tried in this order.
_FULL_DATES = (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC_YMD, _NUMERIC_DMY)
# What parts a line into a date and a byline or category ("9 آذار 2025 - كتب: …").
SEGMENT_SEPARATOR = re.compile(r"\s+[-–—|•·]\s+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DATE_LABEL = re.compile(
    r"^\W*(?:published|posted|updated|last updated|date|تاريخ النشر|نشر في|نشرت في|نشر بتاريخ"
    r"|اخر تحديث|تاريخ|نشر|تحديث)(?:\s+(?:on|في))?\s*[:：]?"
)
# An update label: what follows it is when the article was last changed, not published.
_UPDATE_LABEL = re.compile(
    r"(?<!\w)(?:(?:last\s+)?(?:updated|modified)|اخر تحديث|تاريخ التحديث|تم التحديث|تحديث"
    r"|حدث(?=\s*[:：]))(?:\s+(?:on|at|في|بتاريخ))?\s*[:：]?"
)
# A Hijri date written beside the Gregorian one ("16 جمادى الآخرة 1447 هـ الموافق").
_HIJRI_MONTHS = (
    "محرم|صفر|ربيع الاول|ربيع الثاني|ربيع الاخر|جمادي الاولي|جمادي الاول|جمادي الثانيه"
    "|جمادي الاخره|جمادي الاخر|رجب|شعبان|رمضان|شوال|ذو القعده|ذي القعده|ذو الحجه|ذي الحجه"
)
_HIJRI = re.compile(
    rf"(?:\d{{1,2}}\s+)?(?:{_HIJRI_MONTHS})\s+\d{{3,4}}\s*(?:ه\b|هـ)?\.?\s*(?:الموافق\s*(?:ل\s*)?)?"
)
# An agency or outlet in parentheses after a dateline ("(سانا)", "(SANA)").
_AGENCY = re.compile(r"\((?:[^()\d]{2,30})\)")
# A reading time beside the date ("3 دقائق قراءة", "3 min read").
_READ_TIME = re.compile(
    r"\d+\s*(?:دقايق|دقيقه|دقيقتان|min|mins|minutes|minute)\.?\s*(?:قراءه|للقراءه|read|reading)"
)
# Words that make the words before a date a sentence rather than a dateline's place.
_FUNCTION_WORDS = frozenset(
    "في من على الى عن منذ حتى مع قبل بعد ان انه قال قالت on in at of since until by for from"
    " to the and was were is held".split()
)
# Weekday names after `fold`, as `date.weekday()` numbers them.
_WEEKDAYS = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5,
    "الاحد": 6,
}  # fmt: skip
_WEEKDAY_YEARS = 6  # how far back a weekday may move a day and month without a year
_WEEKDAY_BEFORE = re.compile(rf"({'|'.join(_WEEKDAYS)})[\s,،\-]*$")
# What may surround a date on a date line: weekdays, digits, am/pm markers, punctuation.
_NOT_DATE_WORDS = re.compile(
    r"(?<!\w)(?:الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|sunday|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sun|mon|tue|tues|wed|thu|thurs|fri|sat|am|pm|a\.m|p\.m"
    r"|ص|م|الساعه|gmt|utc)(?!\w)|[\d\W_]+"
)
_ISO = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)
_URL_DAY = re.compile(r"/(?P<y>(?:19|20)\d{2})[/_-](?P<m>\d{1,2})[/_-](?P<d>\d{1,2})(?:/|[_-]|$)")
_URL_MONTH = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/")
_URL_NAMED = re.compile(
    r"/(?P<y>(?:19|20)\d{2})/(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"/(?P<d>\d{1,2})/",
    re.IGNORECASE,
)
_URL_COMPACT = re.compile(r"[/_-](?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:[/_.-]|$)")


def parse_iso(value: str) -> FoundDate | None:
    """Parse an ISO 8601 date or datetime, keeping its offset; None if invalid."""
    match = _ISO.match(value.strip())
    if match is None:
        return None
    g = match.groupdict()
    year = int(g["y"])
    if g["m"] is None:
        return FoundDate(f"{year:04d}", "year") if _plausible_year(year) else None
    if g["d"] is None:
        return _build(year, int(g["m"]), None)
    tz = g["tz"]
    if tz and tz != "Z" and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    return _build(year, int(g["m"]), int(g["d"]), g["H"], g["M"], g["S"], tz)


def parse_date(value: str) -> FoundDate | None:
    """Parse a date string in any supported form: ISO, RFC 2822, Arabic or English text."""
    value = value.strip()
    if not value:
        return None
    found = parse_iso(value)
    if found is not None:
        return found
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}", value):
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return _from_datetime(moment)
    return find_text_date(value)


def find_text_date(text: str, *, folded: bool = False) -> FoundDate | None:
    """The first full date (day, month, year) written in `text`, in Arabic or English.

    `folded=True` says `text` is already `normalize.fold`ed, so it is not folded again."""
    folded_text = text if folded else fold(text)
    best: tuple[int, FoundDate] | None = None
    for pattern in _FULL_DATES:
        for match in pattern.finditer(folded_text):
            found = _from_match(match)
            if found is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), found)
                break
    return best[1] if best else None


def is_date_line(text: str, *, folded: bool = False) -> bool:
    """Whether `text` only states a date ("نشر في: 12/03/2021 - 10:30", "UPDATED: Tue., Nov. 19,
    2019", "دمشق، الأحد 7 كانون الأول 2025 (سانا)"): a dateline of one full date with an
    optional place of up to three words before it, labels, weekday, time, reading time, an
    agency in parentheses or the Hijri date it matches; or a published and an updated part,
    each such a date (a tweet's attribution line or an exhibition's date range is not a
    publication date line).

    `folded=True` says `text` is already `normalize.fold`ed, so it is not folded again."""
    line = text if folded else fold(text)
    if "@" in line:
        return False
    parts = [part for part in split_update(line) if part.strip(" -–|•·,،")]
    return bool(parts) and all(_is_date_part(part) for part in parts)


def split_update(folded: str) -> tuple[str, str]:
    """The folded text before an update label ("آخر تحديث:", "Updated:") and what follows it."""
    match = _UPDATE_LABEL.search(folded)
    if match is None:
        return folded, ""
    return folded[: match.start()], folded[match.end() :]


def _is_date_part(line: str) -> bool:
    line = _READ_TIME.sub(" ", _AGENCY.sub(" ", _HIJRI.sub(" ", line)))
    if len(_YEAR.findall(line)) != 1:
        return False
    match = _first_full_date(line)
    if match is None:
        return False
    before = _other_words(line[: match.start()])
    after = _other_words(line[match.end() :])
    # a place (1-3 words, "ريف دمشق") may open a dateline; one word may follow the date; two
    # or more words before it must be set off from it ("ريف دمشق - …", "دمشق، الأحد …")
    if len(before) >= 2 and not re.search(r"[-–—،,:|]", line[: match.start()]):
        return False
    return (
        len(before) + len(after) <= 3
        and len(after) <= 1
        and not any(word in _FUNCTION_WORDS for word in before + after)
    )


def _first_full_date(line: str) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for pattern in _FULL_DATES:
        for match in pattern.finditer(line):
            if _from_match(match) is not None:
                if best is None or match.start() < best.start():
                    best = match
                break
    return best


def _other_words(text: str) -> list[str]:
    residue = _DATE_LABEL.sub(" ", text, count=1)
    residue = _NOT_DATE_WORDS.sub(" ", re.sub(_MONTH_RE, " ", residue))
    return residue.split()


def _only_date_words(line: str) -> bool:
    """Nothing but a label, weekday, month names, numbers and at most one other word (a city:
    "دمشق - 3 كانون الأول 2025") in the folded `line`."""
    return len(_other_words(line)) <= 1


def find_month_date(text: str) -> FoundDate | None:
    """A month and year written without a day ("آذار 2018"), as month precision."""
    match = _MONTH_YEAR.search(fold(text))
    if match is None:
        return None
    return _build(int(match["y"]), _month_number(match), None)


def date_from_url(url: str | None) -> FoundDate | None:
    """A date written in a URL path (/2021/03/19/, /2021/03/, -20210319-)."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in (_URL_DAY, _URL_COMPACT):
        match = pattern.search(path)
        if match is not None:
            found = _build(int(match["y"]), int(match["m"]), int(match["d"]))
            if found is not None:
                return found
    match = _URL_NAMED.search(path)
    if match is not None:
        return _build(int(match["y"]), _MONTHS[match["m1"].lower()], int(match["d"]))
    match = _URL_MONTH.search(path)
    if match is not None:
        return _build(int(match["y"]), int(match["m"]), None)
    return None


def suspicious_new_year(value: str | None) -> bool:
    """True for htmldate's fallback `YYYY-01-01`, which usually means 'only the year was found'."""
    return bool(value) and len(value or "") == 10 and (value or "").endswith("-01-01")


def _from_match(match: re.Match[str]) -> FoundDate | None:
    g = match.groupdict()
    year = int(g["y"])
    if "a" in g:  # numeric day/month: Syrian pages write D/M; M/D only when D/M is impossible
        first, second = int(g["a"]), int(g["b"])
        day, month = (second, first) if second > 12 >= first else (first, second)
    elif "m1" in g:
        day, month = int(g["d"]), _month_number(match)
    else:
        day, month = int(g["d"]), int(g["m"])
    hour, minute = g.get("H"), g.get("M")
    if hour is not None and g.get("ampm"):
        hour = str(_to_24h(int(hour), g["ampm"]))
    return _build(year, month, day, hour, minute, g.get("S"), _offset(g.get("off")))


def _offset(value: str | None) -> str | None:
    """An offset written "+3", "+0300" or "+03:00", as "+03:00"."""
    if not value:
        return None
    sign, digits = value[0], value[1:].replace(":", "")
    hours, minutes = (digits, "00") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    if int(hours) > 14 or int(minutes) > 59:
        return None
    return f"{sign}{int(hours):02d}:{minutes}"


def _month_number(match: re.Match[str]) -> int:
    return _MONTHS[match["m1"]]


def _to_24h(hour: int, marker: str) -> int:
    afternoon = marker in _AFTERNOON
    if afternoon and hour < 12:
        return hour + 12
    if not afternoon and hour == 12:
        return 0
    return hour


def _plausible_year(year: int) -> bool:
    # no web news article predates 1990: earlier years are placeholders (the Unix epoch
    # 1970-01-01, 0001-01-01) or the dates of events
    return _EARLIEST_YEAR <= year <= datetime.now(UTC).year + 1


def _build(
    year: int,
    month: int,
    day: int | None,
    hour: str | None = None,
    minute: str | None = None,
    second: str | None = None,
    tz: str | None = None,
) -> FoundDate | None:
    if not _plausible_year(year) or not 1 <= month <= 12:
        return None
    if day is None:
        return FoundDate(f"{year:04d}-{month:02d}", "month")
    try:
        moment = datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if moment.date() > date.today() + timedelta(days=1):
        return None  # a date in the future is an event date, not a publication date
    if hour is None or minute is None:
        return FoundDate(moment.strftime("%Y-%m-%d"), "day")
    if (hour, minute, second) == ("00", "00", None) and tz is None:
        return FoundDate(moment.strftime("%Y-%m-%d"), "day")  # midnight without zone: a bare date
    value = moment.strftime("%Y-%m-%dT%H:%M:%S" if second is not None else "%Y-%m-%dT%H:%M")
    if tz:
        value += "+00:00" if tz == "Z" else tz
    return FoundDate(value, "second" if second is not None else "minute")


def _from_datetime(moment: datetime) -> FoundDate | None:
    offset = moment.strftime("%z")
    tz = f"{offset[:3]}:{offset[3:]}" if offset else None
    return _build(
        moment.year, moment.month, moment.day,
        f"{moment.hour:02d}", f"{moment.minute:02d}", f"{moment.second:02d}", tz,
    )  # fmt: skip


def choose_dates(
    meta: PageMeta,
    url: str | None,
    feed_published: str | None,
    lines: list[str],
    fallback: str | None,
    reference: date | None = None,
) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """(published, modified, date_source) from the page, in the documented order of trust.

    Structured data (JSON-LD, then <meta>), the feed or sitemap, the URL, the visible text
    (date elements, then the first and last lines of the article), then trafilatura's
    htmldate guess; a `YYYY-01-01` guess with nothing to confirm it is kept as a year only.
    A day and month written without a year ("السبت 18 تشرين الثاني") take the year that puts
    them last before `reference` (when the page was fetched), if nothing better is known.
    """
    text_published, text_modified = _text_dates(meta, lines)
    modified = _first_valid(value for _, value in meta.modified) or text_modified
    published, source = _published(
        meta, url, feed_published, lines, fallback, reference, text_published
    )
    if source == "trafilatura" and published and modified and published.day == modified.day:
        return None, modified, None  # htmldate read the "Last updated" date
    return published, modified, source


def _published(
    meta: PageMeta,
    url: str | None,
    feed_published: str | None,
    lines: list[str],
    fallback: str | None,
    reference: date | None,
    text_date: FoundDate | None,
) -> tuple[FoundDate | None, str | None]:
    # an article's JSON-LD, then <meta>, then the JSON-LD WebPage the article sits on
    for kind, source in (("jsonld", "jsonld"), ("meta", "meta"), ("jsonld-page", "jsonld")):
        found = _first_valid(value for key, value in meta.published if key == kind)
        if found is not None:
            return found, source
    for source, found in (
        ("feed", parse_date(feed_published) if feed_published else None),
        ("url", date_from_url(url)),
    ):
        if found is not None:
            # a text date that agrees with a coarser source adds the missing day and time
            if (
                text_date
                and found.rank() < text_date.rank()
                and text_date.day.startswith(found.day)
            ):
                return text_date, "text"
            return found, source
    if text_date is not None:
        return text_date, "text"
    return _weak_evidence(meta, lines, parse_iso(fallback) if fallback else None, reference)


def _weak_evidence(
    meta: PageMeta, lines: list[str], guess: FoundDate | None, reference: date | None
) -> tuple[FoundDate | None, str | None]:
    """No full date on the page: a month shown, htmldate's guess, a year-less Arabic date."""
    texts = [_published_part(text) for text in meta.date_texts[:10]]
    month = _first_valid((find_month_date(t) for t in texts), parsed=True)
    if month is not None:
        # a month shown by the article outranks htmldate's guess unless the guess agrees with it
        if guess and guess.value.startswith(month.value) and guess.rank() > month.rank():
            return guess, "trafilatura"
        return month, "text"
    if guess is not None and _written_in_a_sentence(guess, lines):
        guess = None  # htmldate read the date of an event the article tells of
    if guess is not None and (
        _year_from_prose(guess, meta, lines) or _other_story_date(guess, meta)
    ):
        guess = None  # htmldate read a copyright notice, a bio, a sidebar's or a comment's date
    if guess is not None and not suspicious_new_year(guess.value):
        return guess, "trafilatura"
    # only a line that is a date ("السبت 18 تشرين الثاني"), not a sentence naming a day
    body_dates = [line for line in lines[:3] if len(line) <= 200 and _is_yearless_date_line(line)]
    yearless = _yearless_date([*texts, *body_dates], reference)
    if yearless is not None and (guess is None or guess.value[:4] == yearless.value[:4]):
        return yearless, "text"
    if guess is not None:
        return FoundDate(guess.value[:4], "year"), "trafilatura"
    return None, None


def _is_yearless_date_line(text: str) -> bool:
    line = fold(text)
    return _DAY_MONTH_NOYEAR.search(line) is not None and _only_date_words(line)


def _written_in_a_sentence(guess: FoundDate, lines: list[str]) -> bool:
    """Whether htmldate's `guess` is a date the article's sentences write ("On March 15, 2011,
    thousands left …", "في 15 آذار 2011 غادر …"): its text search takes such a date, or for
    Levantine month names just its year (`YYYY-01-01`), for the publication date."""
    year_only = suspicious_new_year(guess.value) or guess.precision == "year"
    year = re.compile(rf"(?<!\d){guess.value[:4]}(?!\d)")
    for text in lines:
        line = fold(text)
        if year.search(line) is None or is_date_line(line, folded=True):
            continue
        if year_only or any(
            found.day == guess.day
            for pattern in _FULL_DATES
            for match in pattern.finditer(line)
            if (found := _from_match(match)) is not None
        ):
            return True
    return False


def find_yearless_date(text: str, reference: date) -> FoundDate | None:
    """An Arabic day and month without a year ("18 تشرين الثاني", "الأحد 2 آذار"), dated to the
    last such day on or before `reference` (news pages speak of recent days); with a weekday
    before it, the last such day of the past few years that fell on that weekday."""
    folded = fold(text)
    match = _DAY_MONTH_NOYEAR.search(folded)
    if match is None or match["m1"].isascii():
        return None  # English "3 may" is too often a verb; Syrian pages drop the year in Arabic
    day, month = int(match["d"]), _month_number(match)
    weekday = _WEEKDAY_BEFORE.search(folded[: match.start()])
    if weekday is not None:
        for year in range(reference.year, reference.year - _WEEKDAY_YEARS - 1, -1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue  # 29 شباط outside a leap year
            if candidate <= reference and candidate.weekday() == _WEEKDAYS[weekday[1]]:
                return FoundDate(candidate.isoformat(), "day")
    for year in (reference.year, reference.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None  # 30 شباط: not a date
        if candidate <= reference:
            return FoundDate(candidate.isoformat(), "day")
    return None


def _yearless_date(texts: list[str], reference: date | None) -> FoundDate | None:
    when = reference or datetime.now(UTC).date()
    for text in texts:
        found = find_yearless_date(text[:400], when)
        if found is not None:
            return found
    return None


def _published_part(text: str) -> str:
    """The folded `text` without what an update label dates ("آخر تحديث: …", "Updated …")."""
    return split_update(fold(text))[0]


def _text_dates(meta: PageMeta, lines: list[str]) -> tuple[FoundDate | None, FoundDate | None]:
    """(published, modified) written on the page: a full date from the page's date elements,
    else from a date line among the first and last lines of the article. What an update label
    ("آخر تحديث: …", "Last updated …") dates is the modification. A day and month without a
    year in the article's date element comes before any full date further off (a sidebar's):
    the published date is then resolved from it, later. A body line counts only when it is a
    date line ("نشر في: …", "Published 18 November 2019", "دمشق - 3 كانون الأول 2025"): a date
    inside a sentence ("في 15 آذار 2011 غادر …") is what the article is about."""
    published: FoundDate | None = None
    modified: FoundDate | None = None
    yearless = False
    for text in meta.date_texts[:20]:
        text = text[:400]
        if _ISO.match(text.strip()):
            published = published or (None if yearless else parse_iso(text))
            continue
        head, updated = split_update(fold(text))
        if updated and modified is None:
            modified = find_text_date(updated, folded=True)
        if published is None and not yearless and head.strip():
            published = find_text_date(head, folded=True)
            yearless = published is None and _DAY_MONTH_NOYEAR.search(head) is not None
    if published is not None or yearless:
        return published, modified
    for text in [*lines[:4], *lines[-3:]]:
        if len(text) > 200:
            continue  # a paragraph, not a date line
        if _ISO.match(text.strip()):
            published = parse_iso(text)
        elif is_date_line(text):
            head, updated = split_update(fold(text))
            if updated and modified is None:
                modified = find_text_date(updated, folded=True)
            published = find_text_date(head, folded=True) if head.strip(" -–|•·,،") else None
        elif (dated := _dated_segment(text)) is not None:
            published = find_text_date(dated)
        if published is not None:
            break
    return published, modified


def _dated_segment(text: str) -> str | None:
    """The date of a line that sets it beside a byline or a category ("9 آذار 2025 - كتب: أحمد
    الحسن", "March 9, 2025 | By Lina Saleh", "05/10/2018 - Publicado por: … - Categoria: …"):
    the first or last of its short parts, when that part is a date line."""
    parts = [part for part in SEGMENT_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2 or len(text.split()) > 20 or any(len(p.split()) > 6 for p in parts):
        return None
    return next((part for part in (parts[0], parts[-1]) if is_date_line(part)), None)


def _year_from_prose(guess: FoundDate, meta: PageMeta, lines: list[str]) -> bool:
    """Whether a year-only `guess` is a year the page writes only in a copyright notice, a
    sentence ("© 2025 عنب بلدي", "مراسل منذ عام 2018") or an update date, not in a date of
    publication."""
    if not (suspicious_new_year(guess.value) or guess.precision == "year"):
        return False
    year = guess.value[:4]
    named = False
    for text in [*meta.year_texts, *meta.date_texts[:20], *meta.other_dates, *lines]:
        written = fold(text)
        folded = split_update(written)[0]
        if year not in _YEAR.findall(folded):
            named = named or year in _YEAR.findall(written)  # a "Last updated" date's year
            continue
        found = find_text_date(folded, folded=True) or find_month_date(folded)
        if found is not None and found.value.startswith(year) and text not in meta.other_dates:
            return False  # a date of that year is written: htmldate's year may be its
        named = True
    return named


def _other_story_date(guess: FoundDate, meta: PageMeta) -> bool:
    """Whether htmldate's full-date `guess` is only the date of a sidebar's, a related card's
    or a comment's element: not when the article's own date element shows that day in a form
    not parsed here ("November 20 / 15:23 / 2019"; a sidebar of the day's news shares it)."""
    if guess.precision == "year" or suspicious_new_year(guess.value):
        return False
    year, day = guess.value[:4], str(int(guess.value[8:10]))
    for text in meta.date_texts[:10]:
        numbers = re.findall(r"\d+", fold(text))
        if year in numbers and (day in numbers or f"0{day}" in numbers):
            return False
    for text in meta.other_dates:
        found = parse_iso(text) if _ISO.match(text.strip()) else find_text_date(text)
        if found is not None and found.day == guess.day:
            return True
    return False


def _first_valid(values: Iterable[Any], *, parsed: bool = False) -> FoundDate | None:
    for value in values:
        found = value if parsed else (parse_date(value) if isinstance(value, str) else None)
        if isinstance(found, FoundDate):
            return found
    return None

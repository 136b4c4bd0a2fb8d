"""Words whose change turns one report into another: numbers and negations (Arabic, English).

The template guard in `verify` treats a changed number as a different event and lets words a
letter apart pass as re-spellings; number words break both ("ثمانية" / "ثمانين", "eight" /
"eighty" are one letter apart). Lookups take fingerprint tokens (`fingerprint.tokenize`:
folded, clitic prefixes stripped when three letters stay) or folded words, so every form here
is stored as both make it ("ألفين" becomes "فين", "واحد" becomes "احد"), and a clitic that
stays on a short word ("وست", "ولم", "بلا") is tried off as well.
"""

from __future__ import annotations

import re

from archiver.fingerprint import tokenize
from archiver.normalize import fold

# value: the forms that say it (cardinal, ordinal, or a plural of tens/hundreds/thousands)
_ARABIC = {
    "0": "صفر",
    # "واحد" is tokenized "احد", as Sunday (الأحد) is: a weekday swap counts as a number.
    "1": "واحد واحدة واحدا أحد إحدى",
    "2": "اثنان اثنين اثنا اثني اثنتان اثنتين اثنتا اثنتي",
    "3": "ثلاثة ثلاث",
    "4": "أربعة أربع",
    "5": "خمسة خمس",
    "6": "ستة ست",
    "7": "سبعة سبع",
    "8": "ثمانية ثماني ثمان",
    "9": "تسعة تسع",
    "10": "عشرة عشر",
    "20": "عشرون عشرين",
    "30": "ثلاثون ثلاثين",
    "40": "أربعون أربعين",
    "50": "خمسون خمسين",
    "60": "ستون ستين",
    "70": "سبعون سبعين",
    "80": "ثمانون ثمانين",
    "90": "تسعون تسعين",
    "100": "مئة مائة",
    "200": "مئتان مئتين مئتا مئتي مائتان مائتين مائتا مائتي",
    "1000": "ألف ألفا",
    "2000": "ألفان ألفين ألفي",
    "1000000": "مليون مليونا",
    "1000000000": "مليار مليارا",
    "1th": "أول أولى",
    "2th": "ثاني ثانية",
    "3th": "ثالث ثالثة",
    "4th": "رابع رابعة",
    "5th": "خامس خامسة",
    "6th": "سادس سادسة",
    "7th": "سابع سابعة",
    "8th": "ثامن ثامنة",
    "9th": "تاسع تاسعة",
    "10th": "عاشر عاشرة",
    "10s": "عشرات",
    "100s": "مئات",
    "1000s": "آلاف ألوف",
    "1000000s": "ملايين",
    "1000000000s": "مليارات",
}
_ENGLISH_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_ENGLISH_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ENGLISH_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_ENGLISH_TENS_ORDINALS = (
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
).split()
_ENGLISH_LARGE = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}

# "don't" and "wasn't" are tokenized without the "t". Arabic "ما" is left out: it is far more
# often "what" or "still" (ما زال) than a negation.
_NEGATIONS = (
    "not no never nor neither none nobody nothing cannot don doesn didn isn aren wasn weren "
    "hasn haven hadn wouldn couldn shouldn mustn needn "
    "لا لم لن ليس ليست ليسوا لسنا لست غير عدم"
)
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")
_DIGIT = re.compile(r"\d")
# A conjunction and/or preposition left on a short word, which `tokenize` keeps.
_CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل")


def _forms(word: str) -> set[str]:
    """`word` as a folded word and as a fingerprint token."""
    tokens = tokenize(word)
    return {fold(word), *tokens} if len(tokens) == 1 else {fold(word)}


def _number_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for value, spellings in _ARABIC.items():
        for spelling in spellings.split():
            words.update(dict.fromkeys(_forms(spelling), value))
    for n, (cardinal, ordinal) in enumerate(zip(_ENGLISH_UNITS, _ENGLISH_ORDINALS, strict=True)):
        words[cardinal], words[ordinal] = str(n), f"{n}th"
    for n, (cardinal, ordinal) in enumerate(
        zip(_ENGLISH_TENS, _ENGLISH_TENS_ORDINALS, strict=True), start=2
    ):
        words[cardinal], words[ordinal] = str(10 * n), f"{10 * n}th"
    for word, n in _ENGLISH_LARGE.items():
        words[word], words[f"{word}th"], words[f"{word}s"] = str(n), f"{n}th", f"{n}s"
    words.update({"dozen": "12", "dozens": "12s", "tens": "10s"})
    return words


_NUMBER_WORDS = _number_words()
_NEGATION_WORDS = {form for word in _NEGATIONS.split() for form in _forms(word)}


def number_value(word: str) -> str | None:
    """The number a token says ("12", "12th", "100s" for "hundreds"), or None for other words.

    Spellings of one number share a value ("مئة" / "مائة", "twelfth" / "12th"); tokens with
    digits are their own value.
    """
    if _DIGIT.search(word):
        ordinal = _ORDINAL_DIGITS.fullmatch(word)
        return f"{ordinal.group(1)}th" if ordinal else word
    for form in _bare_forms(word):
        if (value := _NUMBER_WORDS.get(form)) is not None:
            return value
    return None


def is_negation(word: str) -> bool:
    """Whether a token negates ("not", "لم", "ولا", "didn" from "didn't")."""
    return any(form in _NEGATION_WORDS for form in _bare_forms(word))


def _bare_forms(word: str) -> list[str]:
    """`word`, then `word` without each clitic it starts with."""
    return [word, *(word[len(c) :] for c in _CLITICS if word.startswith(c) and len(word) > len(c))]

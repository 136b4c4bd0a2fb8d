"""Document language: what the page declares, confirmed (or overruled) by the text itself.

Arabic WordPress themes often ship `<html lang="en-US">`, and trafilatura leaves `language`
empty even for `<html lang="ar">`; so the script of the text decides the family and a small
stopword vote decides among Latin-script languages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# Languages written mainly in each script (ISO 639-1).
_SCRIPT_LANGS = {
    "arabic": {"ar", "fa", "ur", "ku", "ps", "sd", "ug"},
    "cyrillic": {"ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"},
    "greek": {"el"},
    "hebrew": {"he", "yi"},
    "hangul": {"ko"},
    "kana": {"ja"},
    "han": {"zh", "ja"},
    "devanagari": {"hi", "mr", "ne"},
    "thai": {"th"},
}
_SCRIPT_DEFAULT = {
    "arabic": "ar",
    "cyrillic": "ru",
    "greek": "el",
    "hebrew": "he",
    "hangul": "ko",
    "kana": "ja",
    "han": "zh",
    "devanagari": "hi",
    "thai": "th",
}
# Letters of each script, counted with one regex scan each (a Python loop per char is slow).
_SCRIPT_PATTERNS = tuple(
    (script, re.compile(f"[{ranges}]"))
    for script, ranges in (
        ("latin", "A-Za-z\u00c0-\u024f"),
        (
            "arabic",
            "\u0621-\u064a\u0671-\u06d3\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc",
        ),
        ("cyrillic", "\u0400-\u04ff"),
        ("greek", "\u0370-\u03ff"),
        ("hebrew", "\u05d0-\u05ea"),
        ("devanagari", "\u0900-\u097f"),
        ("thai", "\u0e00-\u0e7f"),
        ("kana", "\u3040-\u30ff"),
        ("han", "\u4e00-\u9fff"),
        ("hangul", "\uac00-\ud7af"),
    )
)
# Languages also written in Latin letters (Kurmanji Kurdish on Hawar's /kr/ edition).
_LATIN_TOO = {"ku"}
# Letters that Arabic does not use: Persian (پ چ ژ گ) and Sorani Kurdish (ە ۆ ێ ڵ ڕ).
_PERSIAN = "پچژگ"
_KURDISH = "ەۆێڵڕ"
# Persian and Kurdish write yeh and kaf as ی and ک; Arabic as ي/ى and ك, and has ة.
_PERSIAN_FORMS = "یک"
_ARABIC_FORMS = "يىكة"
_ARABIC_LETTERS = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_STOPWORDS = {
    "en": "the of and to in is that for on with as was by it at from are this be have",
    "fr": "le la les de des et est un une du que pour dans sur pas au avec il ce qui",
    "de": "der die und das ist nicht mit den von zu ein eine sich auf für des im dem",
    "es": "el la de que y los del las en por un una para con se es al como",
    "it": "il di che la e per un una non del della sono con da nel gli alla",
    "pt": "o a de que e do da em um uma para com os no não se na por as dos",
    "nl": "de het een van en is dat op te in niet zijn voor met die",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke",
    "tr": "ve bir bu da de için ile olarak çok daha gibi ama olan",
    # Kurmanji Kurdish (North Press's and Hawar's Latin-script editions)
    "ku": "û ji li di bi ku ya yê ên ev vê wî wê jî ser hat kir bû dike dibe hatin kirin",
}
_STOPWORD_LANGS: dict[str, list[str]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words.split():
        _STOPWORD_LANGS.setdefault(_word, []).append(_lang)
_WORD = re.compile(r"[^\W\d_]+")


def primary_tag(tag: str) -> str | None:
    """'ar-SY' / 'en_US' / 'AR' to 'ar'; None for empty or malformed tags."""
    primary = re.split(r"[-_]", tag.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def dominant_script(text: str) -> str | None:
    """The script of most letters in `text` ('latin', 'arabic', ...), None without letters."""
    sample = text[:3000]
    counts = {script: len(pattern.findall(sample)) for script, pattern in _SCRIPT_PATTERNS}
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if count else None


def detect_language(text: str, declared: Iterable[str] = ()) -> str | None:
    """ISO 639-1 code of `text`: a declared tag that fits its script, else the text's own guess."""
    tags = [t for t in (primary_tag(d) for d in declared if d) if t]
    script = dominant_script(text)
    if script is None:
        return tags[0] if tags else None
    if script == "latin":
        guess = _latin_guess(text)
        for tag in tags:
            if tag in _LATIN_TOO or not any(tag in langs for langs in _SCRIPT_LANGS.values()):
                # the declaration stands unless the words clearly say another language
                return (
                    guess
                    if guess and guess != tag and tag in _STOPWORDS and _clear(text, guess, tag)
                    else tag
                )
        return guess
    if script == "arabic":
        return _arabic_script_language(text, tags)
    for tag in tags:
        if tag in _SCRIPT_LANGS.get(script, set()):
            return tag
    return _SCRIPT_DEFAULT.get(script)


def _arabic_script_language(text: str, tags: list[str]) -> str:
    """Arabic, Persian or Sorani Kurdish by the letters each uses and the others do not; a
    declared tag only decides what the letters cannot (Urdu, Pashto, ...). Sites get the tag
    wrong both ways: Sorani pages under `lang="ar"`, Arabic pages under a theme's "ku" or "fa"."""
    sample = text[:4000]
    letters = max(1, len(_ARABIC_LETTERS.findall(sample)))

    def share(chars: str) -> float:
        return sum(sample.count(c) for c in chars) / letters

    if share(_KURDISH) >= 0.005:
        return "ku"
    if share(_PERSIAN) >= 0.005 or share(_PERSIAN_FORMS) > share(_ARABIC_FORMS):
        # Urdu, Pashto and others share Persian's letters: their tag decides
        others = _SCRIPT_LANGS["arabic"] - {"ar", "fa", "ku"}
        return next((t for t in tags if t in others), "fa")
    return "ar"


def _votes(text: str) -> Counter[str]:
    votes: Counter[str] = Counter()
    for word in _WORD.findall(text[:3000].lower()):
        langs = _STOPWORD_LANGS.get(word)
        if langs:
            votes.update(langs)
    return votes


def _latin_guess(text: str) -> str | None:
    votes = _votes(text)
    if not votes:
        return None
    lang, count = votes.most_common(1)[0]
    return lang if count >= 3 else None


def _clear(text: str, guess: str, declared: str) -> bool:
    votes = _votes(text)
    return votes[guess] >= 10 and votes[guess] > 3 * max(1, votes[declared])

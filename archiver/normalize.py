"""Text normalization for matching and fingerprints (the archive always keeps the original text).

Arabic copies of one story differ in ways a reader ignores: diacritics (tashkeel), tatweel,
alef/hamza forms, ى/ي, ة/ه, Persian letters, Arabic-Indic digits, Arabic punctuation and
invisible bidi marks. `fold` erases those differences (and case, and dash and space variants);
`normalize_for_fingerprint` also drops punctuation so only words remain.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef and Quranic annotation marks.
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]")
_TATWEEL = "\u0640"
# Bidi controls, zero-width joiners and marks, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ک": "ك",  # Persian/Kurdish kaf
        "ؤ": "و",
        "ئ": "ي",
        "٬": ",",
        "٫": ".",
        "٪": "%",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "ـ": "",
    }
)
# Arabic-Indic (U+0660..) and extended/Persian (U+06F0..) digits to ASCII.
_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
# A word for counting: a letter or digit, then letters, digits and the marks that sit on them
# (tashkeel, Quranic marks, Latin/Cyrillic/Hebrew combining marks, ZWNJ/ZWJ), which are not \w.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD = re.compile(f"\\w[\\w{_MARKS}]*")
_MATCH_NON_WORD = re.compile(r"[\W_]+")
# Letters, digits and punctuation that `fold` maps, found by one regex pass (faster than
# str.translate over every character of long Arabic text).
_FOLD_MAP = {chr(k): str(v) for k, v in (_LETTERS | _DIGITS).items()}
_FOLD_CHARS = re.compile("[" + "".join(re.escape(c) for c in _FOLD_MAP) + "]")


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_MAP[match.group()]


def fold(text: str) -> str:
    """Fold text for matching: NFKC, case, Arabic letter forms, digits, dashes, spaces."""
    return " ".join(fold_characters(text).split())


def fold_characters(text: str) -> str:
    """`fold` without collapsing whitespace (for callers that split the text anyway)."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    return _FOLD_CHARS.sub(_fold_char, text).casefold()


def match_key(text: str) -> str:
    """Text folded and stripped of punctuation, symbols and underscores: the key lines, cues,
    title segments and site names are compared by."""
    return _MATCH_NON_WORD.sub(" ", fold(text)).strip()


def normalize_for_fingerprint(text: str) -> str:
    """Fold text and keep only words and numbers, single-spaced."""
    folded = fold(text)
    # \w keeps Arabic letters and digits; combining marks were already removed by `fold`.
    return " ".join(_NON_WORD.sub(" ", folded).split())


def content_sha256(text: str) -> str:
    """SHA-256 of the fingerprint-normalized text: equal for copies that differ only in form."""
    return hashlib.sha256(normalize_for_fingerprint(text).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """Words in `text` (runs of letters or digits, in any script; the combining marks, tashkeel
    and joiners inside a word are part of it: "مُزارِعو" is one word)."""
    return len(_WORD.findall(text))


def tidy_text(text: str) -> str:
    """Normalize line endings and trim trailing spaces, keeping paragraphs and RTL text intact."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

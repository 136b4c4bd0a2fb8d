"""Credit lines at the edges of an article: bylines to `authors`, "Source: X" to `source_credit`.

Reposts end with "المصدر: بلدي نيوز" or "Source: SANA", and North Press signs off with
"إعداد: … – تحرير: …"; left in the text these lines make copies differ and hide which outlet
a repost credits, so they move into fields (the dedup stage uses `source_credit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.models import Removal
from archiver.normalize import fold

_SOURCE = re.compile(
    r"^\(?\s*(?:source|sources|المصدر|المصادر|مصدر الخبر)\s*[:/：]\s*(?P<who>.+?)\)?$"
)
# Where a republished piece says it came from: "Originally published on Live Science",
# "This article first appeared in X. Read the original article.", "نُشر هذا التقرير أولاً في X".
_ORIGIN = re.compile(
    r"^(?:this (?:article|story|report|piece) (?:was |is )?)?"
    r"(?:(?:originally|first) (?:published|appeared|posted)"
    r"|(?:published|appeared) (?:originally|first)|republished)"
    r"(?: (?:on|in|by|at|from|with permission from))+ (?:the )?"
    r"(?P<who>[^.]{2,60}?)"
    # "... and is republished with permission", "..., republished here under a CC licence"
    r"(?:,? (?:and |which )?(?:is |was |has been )?(?:re)?(?:published|posted|shared)\b[^.]*"
    r"|,? with (?:the )?(?:kind )?permission\b[^.]*)?"
    r"(?:\. read the original(?: article)?)?$"
    r"|^(?:نشر|نشرت)(?: هذا)?(?: المقال| الخبر| التقرير| الماده)?"
    r" (?:اولا|في الاصل|لاول مره)(?: في| على| عبر)+ (?P<who_ar>.{2,60})$"
)
# Labels that introduce names even without a colon: they mean nothing else.
_BARE_LABELS = (
    r"written by|reporting by|reported by|report by|words by|story by|contributed by|"
    r"prepared by|edited by|editing by|translated by|photos? by|بقلم"
)
# Labels that introduce names; "by" alone needs capitalised names (see _byline_names). The
# ambiguous ones need a colon or a dash (see _names_follow): "تحرير" also means "liberation",
# and "كتب"/"كتبت" (wrote) opens news ("كتبت الطفلة رسالة مؤثرة"), where an Arabic name cannot
# be told from the words after it; only above the article ("كتب أحمد الشامي") do they go bare.
_ROLES = rf"{_BARE_LABELS}|translation|اعداد|تحرير|تقرير|ترجمه|تدقيق|مراسل|متابعه|كتب|كتبت|كتبه"
_ROLE_LINE = re.compile(rf"^(?:{_ROLES})\s*(?:[:：]\s*|\s+-\s+|\s+)(?P<who>\S.*)$")
_BARE_LABEL = re.compile(rf"^(?:{_BARE_LABELS})\s")
_WROTE = re.compile(r"^(?:كتب|كتبت|كتبه)\s")
_BY = re.compile(r"^by\s+(?P<who>.+)$", re.IGNORECASE)
_PART_SPLIT = re.compile(r"\s+[-–—|]\s+|\s*[|،;]\s*")
_NAME_SPLIT = re.compile(r"\s*(?:,|،|\band\b|&|\s+و\s+)\s*")
# An editor signature closing SANA articles: "Name / Name" or "Name/Name".
_SIGNATURE = re.compile(r"^[^\d/:.!?؟]{2,30}\s*/\s*[^\d/:.!?؟]{2,30}$")
# Words that make a clause, not a name (see `_word_key`; not folded, as `fold` makes "على"
# the name "علي"): prepositions, particles, auxiliaries, pronouns. Words that are also given
# names ("May", "Will", "Said") are left out.
_CLAUSE_WORDS = frozenset(
    """في على من إلى الى عن منذ حتى مع لم لن لا ما قد تم يتم أن إن ان إذا اذا كان كانت يكون
    هذا هذه ذلك تلك التي الذي الذين هو هي هم الآن الان بعد قبل خلال عند حول بين ثم أو او لدى
    ضد نحو اليوم أمس امس غدا
    the a of to in on at for from with by after before during toward towards into over under
    since until while is are was were be been being has have had do does did not no says
    he she it they we you his her its their our this that these those which who whom what when
    where there here than then but if as sunday monday tuesday wednesday thursday friday
    saturday morning afternoon evening night noon midnight today yesterday tomorrow""".split()
)
# Words an outlet's name may hold ("Syrian Observatory for Human Rights", "The New Arab"), and
# the lowercase nouns of a generic credit ("News agencies", "Local media").
_OUTLET_WORDS = frozenset("the of for and on in al el de la في على".split())
_SOURCE_NOUNS = frozenset("agencies agency news media press wires websites sites staff".split())
# Arabic words for an outlet or an account (folded, without "ال"): "وكالة الأنباء السورية".
_OUTLET_NOUNS_AR = frozenset(
    """وكاله وكالات شبكه موقع مواقع صحيفه جريده مجله قناه تلفزيون اذاعه مرصد مركز منصه صفحه
    حساب معرف نيوز برس انباء اعلام""".split()
)
# Lowercase particles inside Latin-script personal names.
_NAME_PARTICLES = frozenset("al el bin ibn abu abd de da di du la le van von der den".split())
# Generic words of a place name ("ريف دمشق", "Deir Ezzor Countryside"): an editor signature
# "Name / Name" and a place list "درعا / نوى" look alike, so either side holding one is a place.
_PLACE_WORDS = frozenset(
    """ريف مدينه محافظه بلده قريه مخيم ناحيه منطقه جبل سهل وادي تل دير راس جسر معره
    countryside province city town village camp governorate district region mount valley
    deir ras tal jisr""".split()
)
# A photo credit: "تصوير: حليم محمد / عنب بلدي", "Photo: AFP", "Photo credit: …".
_PHOTO = re.compile(
    r"^(?:photo credit|photo|photos|image|picture|credit|تصوير|الصوره|صوره|عدسه)"
    r"\s*[:：]\s*(?P<who>.+)$"
)
# A dateline alone on the first lines: an outlet, a place and the reporter or "خاص"
# (exclusive) in brackets: "بلدي نيوز - درعا (خاص)", "بلدي نيوز- درعا (حسام محمد)". It stays in
# the text (the place is where the story is from); a reporter's name becomes an author.
_DATELINE = re.compile(
    r"^(?P<site>[^\W\d][^-–—()]{1,30}?)\s*[-–—]\s*(?P<place>[^-–—()]{0,30}?)\s*"
    r"\((?P<who>[^()]{2,40})\)$"
)
_EXCLUSIVE = frozenset(("خاص", "حصري", "exclusive"))
_SENTENCE_MARKS = re.compile(r"[!?؟%٪]|[.:;؛]\s")
_DIGIT = re.compile(r"\d")
# A title or an initial before a name ("د. وليد عمر", "Dr. Lina Saleh", "J. Smith").
_ABBREVIATION = re.compile(r"(?<!\w)\w{1,3}\.(?=\s)")
_TASHKEEL = re.compile("[\u064b-\u065f\u0670]")


@dataclass
class Credits:
    """What the credit lines said, and the lines taken out."""

    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None
    removed: list[Removal] = field(default_factory=list)


def take_credits(lines: list[str], head: int = 3, tail: int = 4) -> tuple[list[str], Credits]:
    """Move credit lines among the first `head` and last `tail` lines into a `Credits`."""
    credits = Credits()
    drop: set[int] = set()
    edge = [i for i in range(len(lines)) if i < head or i >= len(lines) - tail]
    for i in edge:
        if _credit_line(lines[i], credits, at_end=i == len(lines) - 1, at_start=i < head):
            drop.add(i)
    if len(drop) == len(lines):  # never empty the article for credits
        return lines, Credits()
    return [line for i, line in enumerate(lines) if i not in drop], credits


def is_credit_line(line: str) -> bool:
    """Whether `line` is a source or byline credit (without recording anything)."""
    return _credit_line(line, Credits(), at_end=False)


def _credit_line(line: str, credits: Credits, *, at_end: bool, at_start: bool = False) -> bool:
    text = " ".join(line.split()).strip(" .")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip(" .")  # "(تحرير: أحمد الشامي)"
    if not text or len(text.split()) > 14:
        return False
    folded = fold(text)
    photo = _PHOTO.match(folded)
    if photo is not None and _credited(text[photo.start("who") :]):
        credits.removed.append(Removal(line, "credit:photo"))  # a photographer, not an author
        return True
    if at_start:
        dateline = _DATELINE.match(text)
        if dateline is not None and _is_dateline(dateline):
            # the reporter is an author; the line stays, since its place is the story's
            who = dateline["who"].strip()
            if fold(who) not in _EXCLUSIVE:
                credits.authors.extend(n for n in _split_names(who) if n not in credits.authors)
            return False
    match = _SOURCE.match(folded)
    if match is not None:
        # take the name from the original text when the label is spelled plainly
        original = _SOURCE.match(text.lower())
        who = text[original.start("who") : original.end("who")] if original else match["who"]
        who = who.strip(" ()").strip()
        if who.count("(") > who.count(")"):
            who += ")"  # "وكالة الأنباء السورية (سانا)": the bracket closes the name
        if _looks_like_outlet(who):
            if credits.source_credit is None:
                credits.source_credit = who
            credits.removed.append(Removal(line, "credit:source"))
            return True
    origin = _ORIGIN.match(folded)
    if origin is not None:
        who = (origin["who"] or origin["who_ar"] or "").strip(" ()")
        # keep the outlet's name as written (fold lowercases and unifies letters)
        plain = _ORIGIN.match(" ".join(text.lower().split()))
        if plain is not None and (plain["who"] or plain["who_ar"]):
            start = plain.start("who") if plain["who"] else plain.start("who_ar")
            who = text[start : start + len(plain["who"] or plain["who_ar"])].strip(" ()")
        if who and credits.source_credit is None:
            credits.source_credit = who
        credits.removed.append(Removal(line, "credit:origin"))
        return True
    names = _byline_names(text, folded, at_start=at_start)
    if names:
        credits.authors.extend(n for n in names if n not in credits.authors)
        credits.removed.append(Removal(line, "credit:byline"))
        return True
    if at_end and _SIGNATURE.match(text) and len(text.split()) <= 6 and _is_signature(text):
        credits.authors.extend(n.strip() for n in text.split("/") if n.strip())
        credits.removed.append(Removal(line, "credit:signature"))
        return True
    return False


def _looks_like_outlet(who: str) -> bool:
    """What a source credit names: an outlet or agency ("SANA", "بلدي نيوز", "Syrian
    Observatory for Human Rights", "وكالات"), a few words that make no clause. Arabic has no
    capitals to tell a name from a sentence ("المصادر: قوات النظام تقصف بلدة كفرنبل"), so
    Arabic words beyond three need a word for an outlet ("وكالة", "شبكة", "موقع", "صفحة")."""
    words = who.split()
    if not 0 < len(words) <= 7 or _SENTENCE_MARKS.search(who):
        return False
    keys = [_word_key(w) for w in words]
    if any(k in _CLAUSE_WORDS and k not in _OUTLET_WORDS for k in keys):
        return False
    if len(words) == 1:
        return True  # "SANA", "agencies", "وكالات"
    # a Latin-script name is capitalised: "Source: the attackers fled …" is a sentence
    latin = [w for w in words if w[:1].isascii() and w[:1].isalpha()]
    if latin and not latin[0][0].isupper():
        return False
    if len(words) - len(latin) > 3 and not any(_is_outlet_noun(w) for w in words):
        return False
    return all(w[0].isupper() or w.lower() in _OUTLET_WORDS | _SOURCE_NOUNS for w in latin)


def _is_outlet_noun(word: str) -> bool:
    key = fold(word).strip("()\"'«»,،")
    return key in _OUTLET_NOUNS_AR or (key.startswith("ال") and key[2:] in _OUTLET_NOUNS_AR)


def _credited(value: str) -> bool:
    """Who a photo credit names: people or outlets, perhaps several ("Enab Baladi / Name")."""
    parts = [p.strip() for p in re.split(r"\s*[/|،,]\s*|\s+[-–]\s+", value) if p.strip()]
    return bool(parts) and all(looks_like_names(p) or _looks_like_outlet(p) for p in parts)


def _is_dateline(match: re.Match[str]) -> bool:
    site, place, who = match["site"].split(), match["place"].split(), match["who"].strip()
    if not 0 < len(site) <= 3 or len(place) > 3 or len(site) + len(place) < 2:
        return False
    if any(_word_key(w) in _CLAUSE_WORDS for w in site + place):
        return False
    if fold(who) in _EXCLUSIVE:
        return True
    return 2 <= len(who.split()) <= 4 and looks_like_names(who)


def looks_like_names(value: str) -> bool:
    """A person's name or a few ("Rami Haddad", "سلمى الحسن وماهر العلي"), not a sentence:
    at most five words a name, no digits or sentence punctuation, no clause words, and Latin
    words capitalised ("By Sunday Evening, The Center Had Received …" is a sentence)."""
    if not value or _DIGIT.search(value) or _SENTENCE_MARKS.search(_ABBREVIATION.sub("", value)):
        return False
    names = _split_names(value)
    if not names or len(names) > 4:
        return False
    for name in names:
        words = name.replace(",", " ").split()
        if not 0 < len(words) <= 5:
            return False
        for word in words:
            key = _word_key(word)
            if key in _CLAUSE_WORDS:
                return False
            if word[:1].isascii() and word[:1].isalpha() and not word[0].isupper():
                if key not in _NAME_PARTICLES and not key.startswith(("al-", "el-")):
                    return False
    return True


def _word_key(word: str) -> str:
    """A word as the word lists spell it: lowercase, no tashkeel or quotes around it."""
    return _TASHKEEL.sub("", word.lower()).strip("()\"'«»,،")


def _is_signature(text: str) -> bool:
    """SANA's closing "Name / Name" (an editor and a reviewer, each a first and family name),
    not a place list ("درعا / نوى", "Hama / Homs"): each side has two to four name-like
    words and no generic place word. A single-name signature ("Manar/Mazen") looks like a
    pair of towns, so it stays in the text."""
    for side in text.split("/"):
        words = side.split()
        if not 2 <= len(words) <= 4 or not looks_like_names(side.strip()):
            return False
        if any(fold(w) in _PLACE_WORDS for w in words):
            return False
    return True


def _byline_names(text: str, folded: str, *, at_start: bool = False) -> list[str]:
    names: list[str] = []
    parts = _PART_SPLIT.split(text) if _ROLE_LINE.match(folded) else [text]
    for part in parts:
        part = part.strip()
        folded_part = folded if len(parts) == 1 else fold(part)  # `text` is already stripped
        role = _ROLE_LINE.match(folded_part)
        if role is not None and _names_follow(part, folded_part, at_start=at_start):
            who = _cut_label(part)
            if not looks_like_names(who):
                return []  # "مراسل عنب بلدي في درعا: القصف مستمر …" reports, it credits no one
            names.extend(_split_names(who))
            continue
        by = _BY.match(part)
        if by is not None and looks_like_names(by["who"]):
            names.extend(_split_names(by["who"]))
            continue
        if len(parts) == 1 or not names or not looks_like_names(part):
            return []  # every part of a credit line must be a credit (or a name, a place)
    return [n for n in names if n]


def _names_follow(part: str, folded: str, *, at_start: bool = False) -> bool:
    """A label with a colon (or a dash) introduces names. Without one, the label must be
    unambiguous ("Reporting by", "بقلم"; not "تحرير", which also means "liberation") and only a
    few words that do not end a sentence can follow ("كتب الأهالي رسالة ..." is news).
    "كتب"/"كتبت" (wrote) go bare only above the article, before a first name (not a word
    with "ال": "كتبت الطفلة رسالة مؤثرة" is news). `folded` is `fold(part)`."""
    label = re.match(r"^(?P<label>[^:：]{1,25}?)\s*(?:[:：]|\s+[-–]\s+)", part)
    if label is not None:
        # the role and a few words ("إعداد وتحرير:", "Contributed By:", "مراسل عنب بلدي:")
        return len(label["label"].split()) <= 4
    rest = _cut_label(part).strip()
    if _WROTE.match(folded) is not None:
        words = rest.split()
        if not (at_start and 2 <= len(words) <= 4 and not fold(words[0]).startswith("ال")):
            return False
    elif _BARE_LABEL.match(folded) is None:
        return False
    return 0 < len(rest.split()) <= 4 and not rest.endswith((".", "!", "?", "؟"))


def _cut_label(part: str) -> str:
    match = re.match(r"^[^:：]{1,25}[:：]\s*(?P<rest>.+)$", part)
    if match is not None:
        return match["rest"]
    words = part.split()
    # "Reporting by Name", "كتب Name": drop the label words
    label = 2 if len(words) > 2 and words[1].lower() == "by" else 1
    return " ".join(words[label:])


def _split_names(value: str) -> list[str]:
    return [n.strip(" .") for n in _NAME_SPLIT.split(value) if n.strip(" .")]

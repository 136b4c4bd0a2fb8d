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
    r"(?P<who>[^.]{2,60}?)(?:\. read the original(?: article)?)?$"
    r"|^(?:نشر|نشرت)(?: هذا)?(?: المقال| الخبر| التقرير| الماده)?"
    r" (?:اولا|في الاصل|لاول مره)(?: في| على| عبر)+ (?P<who_ar>.{2,60})$"
)
# Labels that introduce names even without a colon: they mean nothing else.
_BARE_LABELS = (
    r"written by|reporting by|reported by|report by|words by|story by|contributed by|"
    r"prepared by|edited by|editing by|translated by|photos? by|بقلم|كتب|كتبت|كتبه"
)
# Labels that introduce names; "by" alone needs capitalised names (see _byline_names). The
# ambiguous ones ("تحرير" also means "liberation") need a colon or a dash (see _names_follow).
_ROLES = rf"{_BARE_LABELS}|translation|اعداد|تحرير|تقرير|ترجمه|تدقيق|مراسل|متابعه"
_ROLE_LINE = re.compile(rf"^(?:{_ROLES})\s*(?:[:：]\s*|\s+-\s+|\s+)(?P<who>\S.*)$")
_BARE_LABEL = re.compile(rf"^(?:{_BARE_LABELS})\s")
_BY = re.compile(r"^by\s+(?P<who>.+)$", re.IGNORECASE)
_PART_SPLIT = re.compile(r"\s+[-–—|]\s+|\s*[|،;]\s*")
_NAME_SPLIT = re.compile(r"\s*(?:,|،|\band\b|&|\s+و\s+)\s*")
# An editor signature closing SANA articles: "Name / Name" or "Name/Name".
_SIGNATURE = re.compile(r"^[^\d/:.!?؟]{2,30}\s*/\s*[^\d/:.!?؟]{2,30}$")


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
        if _credit_line(lines[i], credits, at_end=i == len(lines) - 1):
            drop.add(i)
    if len(drop) == len(lines):  # never empty the article for credits
        return lines, Credits()
    return [line for i, line in enumerate(lines) if i not in drop], credits


def is_credit_line(line: str) -> bool:
    """Whether `line` is a source or byline credit (without recording anything)."""
    return _credit_line(line, Credits(), at_end=False)


def _credit_line(line: str, credits: Credits, *, at_end: bool) -> bool:
    text = " ".join(line.split()).strip(" .")
    if not text or len(text.split()) > 14:
        return False
    folded = fold(text)
    match = _SOURCE.match(folded)
    if match is not None:
        # take the name from the original text when the label is spelled plainly
        original = _SOURCE.match(text.lower())
        who = text[original.start("who") : original.end("who")] if original else match["who"]
        who = who.strip(" ()").strip()
        if who and credits.source_credit is None:
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
    names = _byline_names(text, folded)
    if names:
        credits.authors.extend(n for n in names if n not in credits.authors)
        credits.removed.append(Removal(line, "credit:byline"))
        return True
    if at_end and _SIGNATURE.match(text) and len(text.split()) <= 6:
        credits.authors.extend(n.strip() for n in text.split("/") if n.strip())
        credits.removed.append(Removal(line, "credit:signature"))
        return True
    return False


def _byline_names(text: str, folded: str) -> list[str]:
    names: list[str] = []
    parts = _PART_SPLIT.split(text) if _ROLE_LINE.match(folded) else [text]
    for part in parts:
        part = part.strip()
        folded_part = folded if len(parts) == 1 else fold(part)  # `text` is already stripped
        role = _ROLE_LINE.match(folded_part)
        if role is not None and _names_follow(part, folded_part):
            names.extend(_split_names(_cut_label(part)))
            continue
        by = _BY.match(part)
        if by is not None and _looks_like_names(by["who"]):
            names.extend(_split_names(by["who"]))
            continue
        if len(parts) == 1 or not names:
            return []  # every part of a credit line must be a credit
    return [n for n in names if n]


def _names_follow(part: str, folded: str) -> bool:
    """A label with a colon (or a dash) introduces names. Without one, the label must be
    unambiguous ("Reporting by", "بقلم"; not "تحرير", which also means "liberation") and only a
    few words that do not end a sentence can follow ("كتب الأهالي رسالة ..." is news).
    `folded` is `fold(part)`."""
    if re.match(r"^[^:：]{1,25}(?:[:：]|\s+[-–]\s+)", part):
        return True
    if _BARE_LABEL.match(folded) is None:
        return False
    rest = _cut_label(part).strip()
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


def _looks_like_names(value: str) -> bool:
    words = [w for w in re.split(r"\s+|,", value) if w and w.lower() not in ("and", "&")]
    return 0 < len(words) <= 8 and all(w[0].isupper() for w in words)

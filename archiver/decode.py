"""Bytes to text: the HTTP charset, then the document's own declaration, then detection.

Arabic outlets still serve windows-1256 and ISO-8859-6, sometimes with a wrong or missing
header. trafilatura ignores `<meta charset>`; we read it, and verify every declared charset
by decoding strictly before trusting it.

A strict decode proves nothing for the Latin-1 family (windows-1252 maps almost every byte),
and `charset=ISO-8859-1` is Apache's default header, sent with pages it knows nothing about.
So a Latin-1 declaration (mostly that header) whose decode reads like mojibake (words made of
accented letters only: "ÒíÇÏÉ" for windows-1256 Arabic, "Ø§Ù" for UTF-8) yields to what
explains the bytes: UTF-8 decoding strictly, the page's own declaration decoding strictly, or
windows-1256 giving Arabic; when nothing does, the Latin-1 decode stands. WHATWG lets the
header win; a browser's reader sees the mojibake too.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_WORD = re.compile(r"[^\W\d_]+")
# What the Latin-1 family's labels decode with (iso-8859-1, latin1, us-ascii, windows-1252).
_LATIN = "cp1252"
# Latin text decoded as Latin-1 has accented letters among plain ones: 16-21% of the letters of
# its words that have any, in German, Spanish, Portuguese, French, Icelandic samples; mojibake
# of Arabic or Cyrillic bytes 100%, of French UTF-8 39%.
_MOJIBAKE_SHARE = 0.6
_MOJIBAKE_MIN_LETTERS = 10
# Labels that browsers decode with a superset; follow them, as the WHATWG encoding spec does.
# (ISO-8859-6 is not one: windows-1256 puts most Arabic letters at other byte values.)
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1256": "cp1256",
    "tis-620": "cp874",
}


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """Encodings the response declares, in order of authority: BOM, header, XML, meta."""
    found: list[str] = []
    if body.startswith(codecs.BOM_UTF8):
        found.append("utf-8")
    if content_type and (header := _HEADER_CHARSET.search(content_type)):
        found.append(header.group(1))
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        if declared := pattern.search(head):
            found.append(declared.group(1).decode("ascii", "replace"))
    return [c for c in (_codec(label) for label in found) if c]


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML or XML body; return (text, the codec used)."""
    declared = declared_encodings(body, content_type)
    for n, codec in enumerate(declared):
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue  # a wrong declaration: try the next one, then detection
        if codec == _LATIN and _looks_like_mojibake(text):
            if (better := _explained(body, declared[n + 1 :])) is not None:
                return better
        return text.removeprefix("\ufeff"), codec
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Our outlets' legacy pages are Arabic: when windows-1256 turns the high bytes into Arabic
    # letters, trust it over statistical detection, which misreads short Arabic pages.
    if _mostly_arabic(body.decode("cp1256", errors="replace")):
        return body.decode("cp1256", errors="replace"), "cp1256"
    best = from_bytes(body[:200_000]).best()
    detected = _codec(best.encoding) if best is not None else None
    codec = detected or "utf-8"
    return body.decode(codec, errors="replace"), codec


def _looks_like_mojibake(text: str) -> bool:
    """Whether a Latin-1 decode reads as another script's bytes: words of accented letters."""
    accented = letters = 0
    for word in _WORD.findall(text):
        high = sum(1 for ch in word if ord(ch) > 127)
        if high:
            accented += high
            letters += len(word)
    return accented >= _MOJIBAKE_MIN_LETTERS and accented / letters >= _MOJIBAKE_SHARE


def _explained(body: bytes, declared: list[str]) -> tuple[str, str] | None:
    """A decode of a body a Latin-1 header misdescribes: UTF-8 (a strict UTF-8 decode of high
    bytes is near proof), then a later declaration (the page's meta), then Arabic
    windows-1256; None when nothing explains the bytes better than Latin-1 did."""
    for codec in ["utf-8", *(c for c in declared if c != _LATIN)]:
        try:
            return body.decode(codec).removeprefix("\ufeff"), codec
        except (UnicodeDecodeError, LookupError):
            continue
    arabic = body.decode("cp1256", errors="replace")
    return (arabic, "cp1256") if _mostly_arabic(arabic) else None


def _mostly_arabic(text: str) -> bool:
    high = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    if not high:
        return False
    arabic = sum(1 for ch in high if "\u0600" <= ch <= "\u06ff")
    return arabic / len(high) >= 0.8

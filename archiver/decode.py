"""Bytes to text: the HTTP charset, then the document's own declaration, then detection.

Arabic outlets still serve windows-1256 and ISO-8859-6, sometimes with a wrong or missing
header. trafilatura ignores `<meta charset>`; we read it, and verify every declared charset
by decoding strictly before trusting it.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
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
    for codec in declared_encodings(body, content_type):
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue  # a wrong declaration: try the next one, then detection
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


def _mostly_arabic(text: str) -> bool:
    high = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    if not high:
        return False
    arabic = sum(1 for ch in high if "\u0600" <= ch <= "\u06ff")
    return arabic / len(high) >= 0.8

"""Language from the page, confirmed by the text's script and stopwords."""

from __future__ import annotations

import pytest

from archiver.language import detect_language, primary_tag

ARABIC = "قال أعضاء في المجلس المحلي إن أعمال إصلاح شبكة المياه بدأت صباح اليوم بعد انقطاع طويل."
ENGLISH = (
    "Residents said on Monday that the repairs to the water network had finally begun in town."
)
FRENCH = "Les habitants ont dit que les travaux sur le réseau de la ville sont enfin commencés."
PERSIAN = "گزارش‌ها نشان می‌دهد که پروژه آب در این شهر پس از چند هفته آغاز شد و مردم منتظر هستند."
SORANI = "هەواڵەکان دەڵێن کە پڕۆژەی ئاو لەم شارە دەستی پێکرد و خەڵک چاوەڕێن."
KURMANJI = (
    "Meclîsa herêmî ya bajêr ragihand ku xebatên çêkirina tora avê dest pê kirin û dê di nava "
    "deh rojan de bi dawî bibin. Li gorî daxuyaniyê, ev kar ji aliyê şaredariyê ve tê kirin û "
    "ji bo gelê herêmê girîng e, lê hîn jî gelek malbat bê av in."
)
URDU = "شہر میں پانی کے منصوبے پر کام کئی ہفتوں کے بعد شروع ہو گیا ہے اور لوگ انتظار کر رہے ہیں۔"


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        (ARABIC, ["ar"], "ar"),
        (ARABIC, ["en-US"], "ar"),  # WordPress default lang on an Arabic site
        (ARABIC, [], "ar"),
        (ARABIC, ["ar-SY"], "ar"),
        (ENGLISH, ["en"], "en"),
        (ENGLISH, ["ar"], "en"),  # English edition under an Arabic site-wide lang
        (ENGLISH, [], "en"),
        (FRENCH, [], "fr"),
        (FRENCH * 3, ["en"], "fr"),  # the words clearly overrule a wrong declaration
        (PERSIAN, ["fa-IR"], "fa"),
        (PERSIAN, [], "fa"),
        (SORANI, [], "ku"),
        # Sites get Arabic-script tags wrong both ways: the letters decide among ar, fa, ku
        (SORANI, ["ar"], "ku"),
        (SORANI, ["ckb"], "ku"),
        (ARABIC, ["ku"], "ar"),
        (ARABIC, ["fa-IR"], "ar"),
        (PERSIAN, ["ar"], "fa"),
        (URDU, ["ur"], "ur"),  # what the letters cannot tell, the tag does
        # Kurmanji, written in Latin letters (North Press /ku/, Hawar /kr/)
        (KURMANJI, [], "ku"),
        (KURMANJI, ["ar"], "ku"),
        (KURMANJI, ["ku"], "ku"),
        (KURMANJI * 2, ["en-US"], "ku"),
        ("", ["ar"], "ar"),
        ("12345", [], None),
    ],
)
def test_detect_language(text: str, declared: list[str], expected: str | None) -> None:
    assert detect_language(text, declared) == expected


def test_primary_tag() -> None:
    assert primary_tag("ar-SY") == "ar"
    assert primary_tag("en_US") == "en"
    assert primary_tag("AR") == "ar"
    assert primary_tag("") is None
    assert primary_tag("x-klingon-123") is None

"""Number words and negations, looked up on fingerprint tokens."""

from __future__ import annotations

from archiver.fingerprint import tokenize
from archiver.lexicon import is_negation, number_value


def values(text: str) -> list[str | None]:
    return [number_value(token) for token in tokenize(text)]


def test_number_words_have_their_value_in_any_form() -> None:
    assert values("ثمانية ثمانيه ثَمانِيَة وثمانية بثمانية الثمانية") == ["8"] * 6
    assert values("ثمانين والثمانين ثمانون") == ["80"] * 3
    assert values("مئة مائة ألف آلاف ألفين واحد") == ["100", "100", "1000", "1000s", "2000", "1"]
    assert values("ست وست بست ستين") == ["6", "6", "6", "60"]  # a clitic on a two-letter word
    assert values("الثالث الثالثة ثالث") == ["3th"] * 3
    assert values("eight eighty eighth Twelfth 12th 2nd hundreds") == [
        "8",
        "80",
        "8th",
        "12th",
        "12th",
        "2th",
        "100s",
    ]
    assert values("12 ١٢") == ["12", "12"]


def test_other_words_are_not_numbers() -> None:
    words = "الثلاثاء الأربعاء الخميس ولبنان بلاد والي tenure often sevens"
    assert values(words) == [None] * 9


def test_negations_with_and_without_clitics() -> None:
    assert all(map(is_negation, tokenize("لا ولا فلا بلا لم ولم لن ليس وليس غير عدم")))
    assert all(map(is_negation, tokenize("not never didn't wasn't cannot")))
    assert not any(map(is_negation, tokenize("كلا ولاية بلاد الا note knot")))

"""Normalization properties, word hashing, MinHash estimates and index keys."""

from __future__ import annotations

import random
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.fingerprint import (
    Fingerprinter,
    FingerprintParams,
    estimate_jaccard,
    shingle_hashes,
    text_shingles,
    text_word_hashes,
    tokenize,
)
from archiver.normalize import fold, normalize_for_fingerprint
from tests.dedup_texts import story

# Canonical (already folded) Arabic letters, ASCII letters and digits, spaces, punctuation.
_BASE_AR = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_BASE = st.text(alphabet=_BASE_AR + "abcdefxyz0123456789 .,:", max_size=120)
_ANY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), max_codepoint=0x2FFF)
    | st.sampled_from("أإآٱىیةۀکؤئـًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩۰۱۲‏‎،؛؟«»"),
    max_size=80,
)

# Ways sites write the same Arabic text: each maps a canonical letter to variants.
_VARIANTS = {
    "ا": ["ا", "أ", "إ", "آ", "ٱ"],
    "ي": ["ي", "ى", "ی"],
    "ه": ["ه", "ة"],
    "ك": ["ك", "ک"],
    "و": ["و", "ؤ"],
}
_DIGITS = {str(i): [str(i), chr(0x0660 + i), chr(0x06F0 + i)] for i in range(10)}
_MARKS = ["", "", "\u064e", "\u0650", "\u0651", "\u0640", "\u200f", "\u200e"]


def _variant(text: str, rng: random.Random) -> str:
    out = []
    for ch in text:
        options = _VARIANTS.get(ch) or _DIGITS.get(ch) or [ch.upper() if rng.random() < 0.3 else ch]
        out.append(rng.choice(options))
        if "\u0621" <= ch <= "\u064a":
            out.append(rng.choice(_MARKS))
        if ch == " " and rng.random() < 0.2:
            out.append(rng.choice(["\u00a0", "\t", "\n"]))
    return "".join(out)


@given(_ANY)
def test_fold_and_fingerprint_normalization_are_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    once = normalize_for_fingerprint(text)
    assert normalize_for_fingerprint(once) == once


@given(_BASE, st.randoms(use_true_random=False))
def test_orthographic_variants_normalize_to_one_string(text: str, rnd: random.Random) -> None:
    one, two = _variant(text, rnd), _variant(text, rnd)
    assert normalize_for_fingerprint(one) == normalize_for_fingerprint(two)
    assert normalize_for_fingerprint(one) == normalize_for_fingerprint(text)


def test_clitic_prefixes_are_stripped_consistently() -> None:
    words = tokenize("والحكومة الحكومة و الحكومة بالحكومة للحكومة ولد")
    assert words[:5] == ("حكومه",) * 5
    assert words[5] == "ولد"  # a three-letter word keeps its first letter


_CLITIC = re.compile(r"\b(?:وال|فال|بال|كال|لل|ال|و|ف|ب|ل)(?=\w{3})")


@settings(max_examples=300)
@given(st.text(alphabet=_BASE_AR + "ةأإىئؤ ٣4abAB_.،-\n\u064e\u0640\u200f", max_size=300))
def test_tokenize_is_the_normalized_words_without_clitics(text: str) -> None:
    # The definition, written the slow way: normalize, strip clitics in one pass, split.
    stripped = _CLITIC.sub("", normalize_for_fingerprint(text))
    assert tokenize(text) == tuple(w for w in stripped.split() if len(w) > 1 or w.isdigit())


# Tashkeel, tatweel, bidi marks, Arabic-Indic and Persian digits, capitals: what the numpy
# word hashing folds itself must agree with `tokenize`.
_WORDY = (
    _BASE_AR
    + "ةأإى ٣4ab_.،"
    + "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"
    + "\u200e\u200f\u061c\u202b\u202c\u2067\u2069"
    + "۰۱۲۳۴۵۶۷۸۹٠٩"
    + "ABZ"
)


@settings(max_examples=300)
@given(st.text(alphabet=_WORDY, max_size=200))
def test_numpy_word_hashes_match_tokenize(text: str) -> None:
    words = tokenize(text)
    hashes = text_word_hashes(text).tolist()
    assert len(hashes) == len(words)
    by_word: dict[str, int] = {}
    by_hash: dict[int, str] = {}
    for word, value in zip(words, hashes, strict=True):
        assert by_word.setdefault(word, value) == value
        assert by_hash.setdefault(value, word) == word


def test_minhash_estimates_jaccard() -> None:
    rng = random.Random(5)
    fp = Fingerprinter()
    vocab = [f"w{i}" for i in range(5000)]
    errors = []
    for _ in range(60):
        base = [rng.choice(vocab) for _ in range(rng.randint(80, 700))]
        other = list(base)
        for _ in range(rng.randint(0, len(base) // 4)):
            other[rng.randrange(len(other))] = rng.choice(vocab)
        a, b = (
            set(text_shingles(" ".join(base)).tolist()),
            set(text_shingles(" ".join(other)).tolist()),
        )
        true = len(a & b) / len(a | b)
        estimate = estimate_jaccard(
            fp.fingerprint(" ".join(base)).signature, fp.fingerprint(" ".join(other)).signature
        )
        errors.append(estimate - true)
    assert abs(float(np.mean(errors))) < 0.02
    assert float(np.max(np.abs(errors))) < 0.15  # 128 values: standard error <= 0.045


def test_band_keys_equal_for_variants_and_differ_for_other_stories() -> None:
    fp = Fingerprinter()
    text = story(1, "ar")
    variant = text.replace("أ", "ا").replace("ي", "ى").replace("1", "١")
    assert (fp.fingerprint(text).band_keys == fp.fingerprint(variant).band_keys).all()
    other = fp.fingerprint(story(2, "ar"))
    assert (fp.fingerprint(text).band_keys == other.band_keys).sum() <= 1


def test_window_keys_survive_a_note_on_top_and_a_cut() -> None:
    fp = Fingerprinter()
    text = story(3, "en", paragraphs=10)
    paragraphs = text.split("\n\n")
    repost = "Editor's note: updated with residents' comments.\n\n" + "\n\n".join(paragraphs[:4])
    original_keys = set(fp.fingerprint(text).window_keys.tolist())
    repost_keys = set(fp.fingerprint(repost).window_keys.tolist())
    assert repost_keys and len(repost_keys & original_keys) >= len(repost_keys) - 2
    unrelated = set(fp.fingerprint(story(4, "en", paragraphs=10)).window_keys.tolist())
    assert not unrelated & original_keys


def test_short_and_empty_texts() -> None:
    fp = Fingerprinter()
    assert fp.fingerprint("").window_keys.size == 0
    assert len(fp.fingerprint("one two").band_keys) == FingerprintParams().bands
    assert shingle_hashes(text_word_hashes("a")).size == 0  # one-letter words are dropped


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=_BASE_AR + "ةأإى ٣4abc.،\n", max_size=400), max_size=12))
def test_batch_keys_equal_the_keys_of_each_text(texts: list[str]) -> None:
    fp = Fingerprinter()
    keys, per_text, words = fp.batch_keys([*texts, story(6, "ar"), story(7, "en")])
    start = 0
    for text, count, n_words in zip(
        [*texts, story(6, "ar"), story(7, "en")], per_text, words, strict=True
    ):
        single = fp.fingerprint(text)
        assert keys[start : start + count].tolist() == single.keys.tolist()
        assert n_words == len(single.tokens)
        start += count
    assert start == len(keys)

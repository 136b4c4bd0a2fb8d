"""Fingerprints for near-duplicate search: word shingles, MinHash and content-defined windows.

Text is first reduced by `normalize_for_fingerprint` (orthographic variants become one string),
then split into words. Arabic words lose their attached clitic prefixes (و ف ب ل ك, ال) so that
"والحكومة", "الحكومة" and "و الحكومة" shingle alike; the same stripping runs on every copy, so
over-stripping only costs a few extra candidate collisions, never a missed copy. Word 3-grams
keep the per-document cost low (a 4,000-character article has ~650 shingles, not ~4,000 as
with character n-grams).

Two kinds of index keys come out of one fingerprint:

- band keys: MinHash over all shingles, cut into bands (LSH), for copies of similar length;
- window keys: a hash of each content-defined window of shingles (starting where a shingle's
  hash is 0 modulo `window_divisor`), for truncated or wrapped reposts. Anchors depend on the
  text itself, so an editor's note on top or a cut at the third paragraph does not shift the
  windows of the shared part, and one identical window is enough to make a candidate.

Keys are computed on code points with numpy (`text_word_hashes`), never building Python strings
for the words; `tokenize` gives the same words as strings, for verification.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

# The fast path below must fold exactly as `normalize_for_fingerprint` does: same tables.
from archiver.normalize import _FOLD_MAP as FOLD_MAP
from archiver.normalize import _INVISIBLE as INVISIBLE
from archiver.normalize import _TASHKEEL as TASHKEEL
from archiver.normalize import fold_characters

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# A clitic conjunction/preposition with the article, or each alone, at the start of a word
# (longest first), when at least three letters stay so short roots are not eaten. One regex pass
# over the text is ~5x faster than stripping word by word in Python.
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
# Each word (a run of \w, as `normalize_for_fingerprint` keeps them) without its clitic prefix.
_WORD = re.compile(r"\b(?:(?:" + "|".join(_PREFIXES) + r")(?=\w{3}))?(\w+)")
_MASK32 = np.uint64(0xFFFFFFFF)
# Band keys are positive below this bit, window keys have it set: one index, two kinds.
WINDOW_BIT = 0x4000000000000000
_SHINGLE = 3  # words per shingle


@dataclass(frozen=True)
class FingerprintParams:
    """The shape of a fingerprint; an index built with one shape cannot be read with another."""

    num_perm: int = 128
    bands: int = 32
    window_divisor: int = 32  # mean distance between window anchors, in shingles
    window_length: int = 16  # shingles per window
    seed: int = 1

    def __post_init__(self) -> None:
        if self.bands < 1 or self.num_perm % self.bands:
            raise ValueError("num_perm must be a positive multiple of bands")
        if self.window_divisor < 1 or self.window_length < 1:
            raise ValueError("window_divisor and window_length must be positive")


@dataclass(frozen=True)
class Fingerprint:
    """The words of a text and the index keys derived from them."""

    tokens: tuple[str, ...]
    signature: npt.NDArray[np.uint32]  # MinHash, num_perm values
    band_keys: I64  # one signed 64-bit key per band
    window_keys: I64  # one key per content-defined window (may be empty)

    @property
    def keys(self) -> I64:
        """All index keys: bands first, then windows."""
        return np.concatenate([self.band_keys, self.window_keys])


def _fold_table() -> npt.NDArray[np.uint32]:
    """Per BMP code point, what `normalize_for_fingerprint` + `tokenize` make of it.

    0: deleted (tashkeel, tatweel, bidi marks), 32: a word separator (punctuation, spaces),
    else the folded, case-folded letter or digit. Multi-character case foldings (ß -> ss) keep
    the plain lowercase: keys only need to agree with keys.
    """
    table = np.zeros(0x10000, np.uint32)
    for code in range(0x10000):
        ch = chr(code)
        if _DELETE.match(ch):
            continue
        ch = FOLD_MAP.get(ch, ch)
        if not ch:
            continue
        folded, lower = ch.casefold(), ch.lower()
        ch = folded if len(folded) == 1 else lower if len(lower) == 1 else ch
        table[code] = ord(ch) if (ch.isalnum() or ch == "_") else 32
    return table


@lru_cache(maxsize=1)
def _tables() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """The fold table and which code points are digits (built once, on first use: ~0.1 s)."""
    return _fold_table(), np.array([chr(c).isdigit() for c in range(0x10000)], bool)


_DELETE = re.compile(f"{TASHKEEL.pattern}|{INVISIBLE.pattern}|\u0640")
# Clitic prefixes in the order the regex tries them, as code-point rows.
_PREFIX_ROWS = [np.array([ord(c) for c in p], np.uint32) for p in _PREFIXES]
_PREFIX_FIRST = np.zeros(0x10000, bool)
_PREFIX_FIRST[[ord(p[0]) for p in _PREFIXES]] = True
_P = np.uint64(0x100000001B3)
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))


def text_word_hashes(text: str) -> U64:
    """64-bit hashes of the words `tokenize` would return, computed on code points with numpy.

    The same words as `tokenize` (normalization, clitic stripping, one-letter words dropped),
    without building Python strings: ~5x faster, which matters for `dedup --rebuild`.
    """
    return _word_hashes(unicodedata.normalize("NFKC", text))[0]


def _word_hashes(normalized: str) -> tuple[U64, npt.NDArray[np.intp]]:
    """Word hashes of NFKC text, and each word's first code-point position (before deletions)."""
    table, is_digit = _tables()
    codes = np.frombuffer(normalized.encode("utf-32-le"), np.uint32)
    if len(codes) and codes.max() < 0x10000:
        codes = table[codes]
    else:  # astral characters (emoji, rare scripts) are kept as they are
        bmp = codes < 0x10000
        codes = np.where(bmp, table[np.where(bmp, codes, 0)], codes)
    kept = np.flatnonzero(codes != 0)
    codes = codes[kept]
    word = codes != 32
    if not word.any():
        return np.zeros(0, np.uint64), np.zeros(0, np.intp)
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    lengths = ends - starts
    # Clitic stripping: the first prefix (in regex order) that matches with 3+ letters left.
    padded = np.concatenate([codes, np.zeros(3, np.uint32)])
    heads = [padded[starts + k] for k in range(3)]
    strip = np.zeros(len(starts), np.int64)
    undecided = _PREFIX_FIRST[np.minimum(heads[0], 0xFFFF)]  # most words start with none
    for row in _PREFIX_ROWS:
        if not undecided.any():
            break
        hit = undecided & (lengths - len(row) >= 3)
        for k, code in enumerate(row):
            hit &= heads[k] == code
        strip[hit] = len(row)
        undecided &= ~hit
    origins = kept[starts]
    starts = starts + strip
    lengths = ends - starts
    keep = (lengths > 1) | is_digit[np.minimum(padded[starts], 0xFFFF)]
    starts, lengths, origins = starts[keep], lengths[keep], origins[keep]
    if len(starts) == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.intp)
    # Polynomial hash of each word from prefix sums: H[i] = sum of c_j * P^j for j < i, so a
    # word's hash is (H[end] - H[start]) / P^start, the division being a multiplication by
    # the inverse of the odd P modulo 2^64.
    powers, inverse = _powers(len(padded))
    with np.errstate(over="ignore"):
        prefix = np.concatenate([[np.uint64(0)], np.cumsum(padded.astype(np.uint64) * powers)])
        sums = (prefix[starts + lengths] - prefix[starts]) * inverse[starts]
        return _mix(sums + lengths.astype(np.uint64)), origins


_POWER_CACHE: list[tuple[U64, U64]] = []


def _powers(n: int) -> tuple[U64, U64]:
    """P^0..P^(n-1) and their inverses modulo 2^64, from a cache that grows by doubling."""
    if not _POWER_CACHE or len(_POWER_CACHE[0][0]) < n:
        size = max(n, 2 * len(_POWER_CACHE[0][0]) if _POWER_CACHE else 8192)
        with np.errstate(over="ignore"):
            up: U64 = np.cumprod(np.full(size, _P, np.uint64), dtype=np.uint64) * _P_INV
            down: U64 = np.cumprod(np.full(size, _P_INV, np.uint64), dtype=np.uint64) * _P
        _POWER_CACHE[:] = [(up, down)]
    cached_up, cached_down = _POWER_CACHE[0]
    return cached_up[:n], cached_down[:n]


def tokenize(text: str) -> tuple[str, ...]:
    """Fingerprint words: normalized, Arabic clitic prefixes stripped, one-letter words dropped."""
    # One findall over the folded text: no normalized copy of the text to build and split.
    return tuple(w for w in _WORD.findall(fold_characters(text)) if len(w) > 1 or w.isdigit())


def _mix(x: U64) -> U64:
    """splitmix64 finalizer: spreads every input bit over the whole 64-bit word."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def shingle_hashes(words: U64) -> U64:
    """64-bit hashes of the word 3-grams (the whole text as one shingle when shorter)."""
    if len(words) == 0:
        return np.zeros(0, np.uint64)
    if len(words) < _SHINGLE:
        words = np.concatenate([words, np.zeros(_SHINGLE - len(words), np.uint64)])
    n = len(words) - _SHINGLE + 1
    with np.errstate(over="ignore"):
        combined = words[:n] * np.uint64(0x9E3779B97F4A7C15)
        for i in range(1, _SHINGLE):
            combined = _mix(combined + words[i : i + n])
    return _mix(combined)


def text_shingles(text: str) -> U64:
    """The word 3-gram hashes of a text."""
    return shingle_hashes(text_word_hashes(text))


class Fingerprinter:
    """Computes fingerprints with one fixed set of permutations (built once, reused)."""

    def __init__(self, params: FingerprintParams | None = None) -> None:
        self.params = params or FingerprintParams()
        rng = np.random.default_rng(self.params.seed)
        # Only `_b[0]` is used (the salt of one-permutation hashing): `_a` and the rest of `_b`
        # are left from per-permutation hashing. The draws stay because every later parameter
        # follows them in the seeded stream: changing them changes every index key (an archive
        # would need `dedup --rebuild`).
        self._a = rng.integers(1, 2**63, self.params.num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, self.params.num_perm, dtype=np.uint64)
        rows = self.params.num_perm // self.params.bands
        self._band_mult = rng.integers(1, 2**63, rows, dtype=np.uint64) | np.uint64(1)
        self._band_salt = rng.integers(0, 2**63, self.params.bands, dtype=np.uint64)
        self._window_pos = rng.integers(1, 2**63, self.params.window_length, dtype=np.uint64)
        self._window_salt = np.uint64(rng.integers(0, 2**63, dtype=np.uint64))
        # For each bin, the order in which it looks at other bins when it is empty.
        self._probes = np.array(
            [rng.permutation(self.params.num_perm) for _ in range(self.params.num_perm)]
        )

    def fingerprint(self, text: str, *, with_tokens: bool = True) -> Fingerprint:
        """Fingerprint one text (`with_tokens=False`: signature and keys, no word list, for
        callers that never verify against it; batch indexing uses `batch_keys`)."""
        shingles = text_shingles(text)
        signature = self.minhash(shingles)
        return Fingerprint(
            tokens=tokenize(text) if with_tokens else (),
            signature=signature,
            band_keys=self.band_keys(signature[None, :])[0],
            window_keys=self.window_keys(shingles),
        )

    def minhash(self, shingles: U64) -> npt.NDArray[np.uint32]:
        """The MinHash signature by one-permutation hashing with densification.

        One hash per shingle instead of `num_perm`: the top bits pick a bin, the next 32 bits
        compete for that bin's minimum (Li, Owen & Zhang 2012). Bins no shingle fell into borrow
        the value of the first filled bin along a fixed random probe order, so equal texts
        still agree bin by bin (Shrivastava 2017). O(n) per text instead of O(n * num_perm).
        """
        p = self.params
        signature = np.full(p.num_perm, 0xFFFFFFFF, np.uint64)
        if len(shingles) == 0:
            return signature.astype(np.uint32)
        mixed = _mix(shingles ^ self._b[0])
        bins = (mixed >> np.uint64(32)) % np.uint64(p.num_perm)
        np.minimum.at(signature, bins.astype(np.intp), mixed & _MASK32)
        filled = np.zeros(p.num_perm, bool)
        filled[bins.astype(np.intp)] = True
        if not filled.all():
            return self._densify(signature, filled)
        return signature.astype(np.uint32)

    def band_keys(self, signatures: npt.NDArray[np.uint32]) -> I64:
        """LSH band keys for a batch of signatures, shape (n, bands), as signed 64-bit ints."""
        n = signatures.shape[0]
        rows = self.params.num_perm // self.params.bands
        cut = signatures.astype(np.uint64).reshape(n, self.params.bands, rows)
        with np.errstate(over="ignore"):
            summed = (cut * self._band_mult[None, None, :]).sum(axis=2, dtype=np.uint64)
            keys = _mix(summed ^ self._band_salt[None, :])
        # Clear the top bit: SQLite integers are signed and a positive range keeps them distinct
        # from window keys (which get the bit below it set, see window_keys).
        return (keys & np.uint64(WINDOW_BIT - 1)).astype(np.int64)

    def window_keys(self, shingles: U64) -> I64:
        """One key per content-defined window of `window_length` shingles.

        A window starts at every shingle whose hash is 0 modulo `window_divisor` (an anchor) and
        covers the `window_length` shingles from there. Anchors depend on the text only, so a
        note added on top or a cut after the third paragraph leaves every window of the shared
        text intact; a window needs only its own few lines, not what came before.
        """
        keys, _ = self._batch_windows(shingles, np.zeros(len(shingles), np.intp))
        return keys

    def batch_keys(
        self, texts: Sequence[str]
    ) -> tuple[I64, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Index keys of many texts at once: (keys, keys per text, words per text).

        The same keys as `fingerprint(text).keys` for each text, text after text, computed on
        the whole batch in one pass of each numpy operation (per-call overhead dominates for
        single news-length texts). Used by `dedup --rebuild`.
        """
        p = self.params
        count = len(texts)
        normalized = [unicodedata.normalize("NFKC", t) for t in texts]
        # "\n" separates words, so no word spans two texts; positions map words to texts.
        bounds = np.cumsum([0] + [len(t) + 1 for t in normalized])
        words, origins = _word_hashes("\n".join(normalized))
        word_doc = np.searchsorted(bounds, origins, side="right") - 1
        words_per_doc = np.bincount(word_doc, minlength=count).astype(np.int64)
        shingles = shingle_hashes(words)
        if len(shingles):
            same = (
                word_doc[: len(shingles)] == word_doc[_SHINGLE - 1 : _SHINGLE - 1 + len(shingles)]
            )
            shingles, shingle_doc = shingles[same], word_doc[: len(same)][same]
        else:
            shingle_doc = np.zeros(0, np.intp)
        # MinHash for every text: one flat (text, bin) array, filled with one minimum.at.
        signatures = np.full(count * p.num_perm, 0xFFFFFFFF, np.uint64)
        mixed = _mix(shingles ^ self._b[0])
        bins = ((mixed >> np.uint64(32)) % np.uint64(p.num_perm)).astype(np.intp)
        flat = shingle_doc * p.num_perm + bins
        np.minimum.at(signatures, flat, mixed & _MASK32)
        filled = np.zeros(count * p.num_perm, bool)
        filled[flat] = True
        grid = signatures.reshape(count, p.num_perm)
        full_bins = filled.reshape(count, p.num_perm)
        short = np.flatnonzero(words_per_doc < _SHINGLE)
        sig32 = np.empty((count, p.num_perm), np.uint32)
        complete = full_bins.all(axis=1)
        for d in np.flatnonzero(~complete).tolist():
            if words_per_doc[d] >= _SHINGLE:
                sig32[d] = self._densify(grid[d], full_bins[d])
        sig32[complete] = grid[complete].astype(np.uint32)
        for d in short.tolist():  # fewer words than a shingle: the single-text path
            sig32[d] = self.minhash(shingle_hashes(words[word_doc == d]))
        bands = self.band_keys(sig32)
        # Windows: anchors whose whole window lies inside one text.
        window_keys, window_doc = self._batch_windows(shingles, shingle_doc)
        doc_of = np.concatenate([np.repeat(np.arange(count), p.bands), window_doc])
        order = np.argsort(doc_of, kind="stable")
        keys = np.concatenate([bands.reshape(-1), window_keys])[order]
        per_doc = np.bincount(doc_of, minlength=count).astype(np.int64)
        return keys, per_doc, words_per_doc

    def _densify(self, signature: U64, filled: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint32]:
        """Fill each empty bin from the nearest filled one along its probe sequence."""
        signature = signature.copy()
        for i in np.flatnonzero(~filled).tolist():
            for j in self._probes[i].tolist():
                if filled[j]:
                    # Salt by the borrowing bin so two borrowed bins do not look equal.
                    borrowed = (int(signature[j]) * 0x9E3779B1 + i * 0x85EBCA77) & 0xFFFFFFFF
                    signature[i] = borrowed
                    break
        return signature.astype(np.uint32)

    def _batch_windows(
        self, shingles: U64, shingle_doc: npt.NDArray[np.intp]
    ) -> tuple[I64, npt.NDArray[np.intp]]:
        """Window keys of a batch (see `window_keys`) and the text each belongs to; a window
        must lie inside one text (`shingle_doc[i]`: the text of shingle i)."""
        p = self.params
        n = len(shingles)
        if n < p.window_length:
            return np.zeros(0, np.int64), np.zeros(0, np.intp)
        last = n - p.window_length + 1
        picked = (shingles[:last] >> np.uint64(40)) % np.uint64(p.window_divisor) == 0
        picked &= shingle_doc[:last] == shingle_doc[p.window_length - 1 :]
        anchors = np.flatnonzero(picked)
        windows = np.lib.stride_tricks.sliding_window_view(shingles, p.window_length)[anchors]
        with np.errstate(over="ignore"):
            sums = (windows * self._window_pos[None, :]).sum(axis=1, dtype=np.uint64)
            mixed = _mix(sums ^ self._window_salt)
        keys = ((mixed & np.uint64(WINDOW_BIT - 1)) | np.uint64(WINDOW_BIT)).astype(np.int64)
        return keys, shingle_doc[anchors]


def estimate_jaccard(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(a == b)) / len(a)

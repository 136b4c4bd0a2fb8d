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

Everything after tokenizing is vectorized with numpy; `fingerprint_many` is the batch form.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from archiver.normalize import normalize_for_fingerprint

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# A clitic conjunction/preposition with the article, or each alone, at the start of a word
# (longest first), when at least three letters stay so short roots are not eaten. One regex pass
# over the text is ~5x faster than stripping word by word in Python.
_CLITICS = re.compile(r"\b(?:وال|فال|بال|كال|لل|ال|و|ف|ب|ل)(?=\w{3})")
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


def tokenize(text: str) -> tuple[str, ...]:
    """Fingerprint words: normalized, Arabic clitic prefixes stripped, one-letter words dropped."""
    stripped = _CLITICS.sub("", normalize_for_fingerprint(text))
    return tuple(w for w in stripped.split() if len(w) > 1 or w.isdigit())


def _mix(x: U64) -> U64:
    """splitmix64 finalizer: spreads every input bit over the whole 64-bit word."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def word_hashes(tokens: Sequence[str]) -> U64:
    """A stable 32-bit hash per word (crc32; Python's hash() differs between processes)."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), np.uint64, len(tokens))


def shingle_hashes(tokens: Sequence[str]) -> U64:
    """64-bit hashes of the word 3-grams (the whole text as one shingle when shorter)."""
    words = word_hashes(tokens)
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


class Fingerprinter:
    """Computes fingerprints with one fixed set of permutations (built once, reused)."""

    def __init__(self, params: FingerprintParams | None = None) -> None:
        self.params = params or FingerprintParams()
        rng = np.random.default_rng(self.params.seed)
        # Multiply-shift hashing: (a*x + b) >> 32 with odd a is a universal family on 64 bits.
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

    def fingerprint(self, text: str) -> Fingerprint:
        """Fingerprint one text."""
        return self.from_tokens(tokenize(text))

    def from_tokens(self, tokens: tuple[str, ...]) -> Fingerprint:
        """Fingerprint already tokenized words."""
        shingles = shingle_hashes(tokens)
        signature = self.minhash(shingles)
        return Fingerprint(
            tokens=tokens,
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
        empty = np.zeros(p.num_perm, bool)
        empty[:] = True
        empty[bins.astype(np.intp)] = False
        if empty.any():
            filled = ~empty
            for i in np.flatnonzero(empty).tolist():
                for j in self._probes[i].tolist():
                    if filled[j]:
                        # Salt by the borrowing bin so two borrowed bins do not look equal.
                        borrowed = (int(signature[j]) * 0x9E3779B1 + i * 0x85EBCA77) & 0xFFFFFFFF
                        signature[i] = borrowed
                        break
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
        p = self.params
        n = len(shingles)
        if n < p.window_length:
            return np.zeros(0, np.int64)
        picked = (shingles[: n - p.window_length + 1] >> np.uint64(40)) % np.uint64(
            p.window_divisor
        ) == 0
        anchors = np.flatnonzero(picked)
        if len(anchors) == 0:
            return np.zeros(0, np.int64)
        windows = np.lib.stride_tricks.sliding_window_view(shingles, p.window_length)[anchors]
        with np.errstate(over="ignore"):
            sums = (windows * self._window_pos[None, :]).sum(axis=1, dtype=np.uint64)
            keys = _mix(sums ^ self._window_salt)
        return ((keys & np.uint64(WINDOW_BIT - 1)) | np.uint64(WINDOW_BIT)).astype(np.int64)

    def fingerprint_many(self, texts: Iterable[str]) -> list[Fingerprint]:
        """Fingerprint a batch; band keys are computed for the whole batch at once."""
        tokens = [tokenize(t) for t in texts]
        shingles = [shingle_hashes(t) for t in tokens]
        if not shingles:
            return []
        signatures = np.stack([self.minhash(s) for s in shingles])
        bands = self.band_keys(signatures)
        return [
            Fingerprint(t, signatures[i], bands[i], self.window_keys(s))
            for i, (t, s) in enumerate(zip(tokens, shingles, strict=True))
        ]


def estimate_jaccard(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(a == b)) / len(a)

"""Deciding whether two candidate texts really are copies of one story (rapidfuzz).

Candidates come from the LSH index; here each pair is checked on the fingerprint words:

- similar length: `fuzz.ratio` (normalized Indel similarity) of the whole texts -> "near";
- different length (a wrapped, truncated or annotated repost): the shorter text is aligned on
  the longer one by shared word 3-grams, and only the aligned stretches are compared with
  `fuzz.ratio` -> "contained". Whole-text `fuzz.partial_ratio` would cost 0.1-1 s per pair.

Both go through a guard against templated reports (daily situation reports that share most of
their phrasing): inside the aligned text, a number (digits or a number word) substituted, added
or dropped, a negation added to a phrase, or more changed words than a repost's editor
plausibly changes, means two different events, not one story twice.

`assess` says more than `compare`: a pair the guard parted only by one substituted word too many
is `edited` (a repost's editor, or a one-slot change in a series: the caller decides from the
outlets and the neighbours, see `dedup.edit_allowed`), and a pair the guard parted while sharing
most of its words is a `sibling` (evidence that the texts belong to a templated series).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from archiver.lexicon import is_negation, number_value

_SHINGLE = 3
# Words around a negation that still make it part of the shared phrase ("did not confirm" for
# "confirmed", "لم يؤكد" for "أكد").
_NEGATION_REACH = 3
# Words added or dropped in one run from which on they are a line of their own (a photo
# caption, a teaser headline, an editor's sentence one copy kept and the other not), whose
# numbers are not a template's slot ("and 14 others were wounded", "و 3 من عناصر الأمن العام").
_PASSAGE = 8


@dataclass(frozen=True)
class VerifyRules:
    """Thresholds for `compare` (filled from `[dedup]` in the config)."""

    near_threshold: float = 0.9
    length_ratio: float = 0.8
    contained_threshold: float = 0.9
    min_coverage: float = 0.5
    min_tokens: int = 20
    max_word_edits_per_1000: float = 3.0
    number_guard: bool = True
    cross_outlet_word_edits: int = 1  # more substituted words an `edited` verdict forgives


@dataclass(frozen=True)
class Match:
    """A verified pair: how (near | contained) and how similar (0-1)."""

    method: str
    similarity: float


@dataclass(frozen=True)
class Verdict:
    """What `assess` found: a match; or a match only with more word edits allowed (`edited`);
    or texts that share most words but differ in their slots (`sibling`); or nothing."""

    match: Match | None = None
    edited: Match | None = None
    sibling: bool = False


_NOTHING = Verdict()


def compare(a: Sequence[str], b: Sequence[str], rules: VerifyRules) -> Match | None:
    """Whether word sequences `a` and `b` are copies of one text, and how."""
    return assess(a, b, rules).match


def assess(a: Sequence[str], b: Sequence[str], rules: VerifyRules) -> Verdict:
    """Whether word sequences `a` and `b` are copies of one text, or nearly so (see Verdict)."""
    if not a or not b:
        return _NOTHING
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) / len(long) >= rules.length_ratio:
        # The guard first: word opcodes cost a fraction of a character-level ratio, and a
        # templated pair would fail the aligned comparison below for the same substitutions.
        subs = substitutions(short, long, rules)
        if subs.templated:
            return _parted(subs, short, long, rules.near_threshold, "near", rules)
        similarity = fuzz.ratio(" ".join(short), " ".join(long)) / 100
        if similarity >= rules.near_threshold:
            return Verdict(Match("near", round(similarity, 4)))
    if len(short) < rules.min_tokens:
        return _NOTHING  # a few words inside a long text prove nothing
    span = align(short, long)
    if span is None:
        return _NOTHING
    s0, s1, l0, l1 = span
    if (s1 - s0) / len(short) < rules.min_coverage:
        return _NOTHING
    part, window = short[s0:s1], long[l0:l1]
    subs = substitutions(part, window, rules)
    if subs.templated:
        return _parted(subs, part, window, rules.contained_threshold, "contained", rules)
    similarity = fuzz.ratio(" ".join(part), " ".join(window)) / 100
    if similarity >= rules.contained_threshold:
        return Verdict(Match("contained", round(similarity, 4)))
    return _NOTHING


def _parted(
    subs: Substitutions,
    a: Sequence[str],
    b: Sequence[str],
    threshold: float,
    method: str,
    rules: VerifyRules,
) -> Verdict:
    """The verdict on texts the guard parted: `edited` or `sibling` when they share most words."""
    if subs.shared < threshold * max(len(a), len(b)):
        return _NOTHING  # not alike enough to say anything
    # A changed number or negation is another report whatever an editor may change.
    forgivable = not (subs.number or subs.negation)
    if forgivable and subs.words <= subs.allowed + rules.cross_outlet_word_edits:
        similarity = fuzz.ratio(" ".join(a), " ".join(b)) / 100
        if similarity >= threshold:
            return Verdict(edited=Match(method, round(similarity, 4)), sibling=True)
    return Verdict(sibling=True)


def shingle_overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """The share of the shorter text's word 3-grams found in the other (0-1)."""
    grams_a = set(zip(a, a[1:], a[2:], strict=False))
    grams_b = set(zip(b, b[1:], b[2:], strict=False))
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b))


def align(short: Sequence[str], long: Sequence[str]) -> tuple[int, int, int, int] | None:
    """The stretch of `short` found in `long` by shared 3-grams: (s0, s1, l0, l1), or None.

    The offset most shared 3-grams agree on is the alignment; 3-grams far from it (a repeated
    phrase elsewhere) are ignored, near ones (a line added or dropped) are kept.
    """
    positions: dict[tuple[str, str, str], list[int]] = {}
    for j, gram in enumerate(zip(long, long[1:], long[2:], strict=False)):
        positions.setdefault(gram, []).append(j)
    hits = [
        (i, js)
        for i, gram in enumerate(zip(short, short[1:], short[2:], strict=False))
        if (js := positions.get(gram)) is not None and len(js) <= 8
    ]
    if not hits:
        return None
    # 3-grams found once in the long text vote for the offset (repeated phrases are ambiguous).
    votes = sorted(js[0] - i for i, js in hits if len(js) == 1) or sorted(
        j - i for i, js in hits for j in js
    )
    offset = votes[len(votes) // 2]
    slack = 5 + len(short) // 10
    kept = []
    for i, js in hits:
        j = js[0] if len(js) == 1 else min(js, key=lambda j: abs(j - i - offset))
        if abs(j - i - offset) <= slack:
            kept.append((i, j))
    if not kept:
        return None
    s0, s1 = kept[0][0], kept[-1][0] + _SHINGLE
    l0 = min(j for _, j in kept)
    l1 = max(j for _, j in kept) + _SHINGLE
    return s0, s1, l0, l1


@dataclass(frozen=True)
class Substitutions:
    """How two aligned texts differ inside their shared stretch (see `substitutions`)."""

    number: bool  # a number was substituted, added or dropped
    negation: bool  # a negation was added to or dropped from a shared phrase
    words: int  # changes that are not re-spellings (substituted, added or dropped words)
    allowed: int  # changes a repost of this length may have
    shared: int  # words in equal stretches

    @property
    def templated(self) -> bool:
        return self.number or self.negation or self.words > self.allowed


def is_templated(a: Sequence[str], b: Sequence[str], rules: VerifyRules) -> bool:
    """Whether aligned texts differ the way two reports from one template do."""
    return substitutions(a, b, rules).templated


def substitutions(a: Sequence[str], b: Sequence[str], rules: VerifyRules) -> Substitutions:
    """The changes strictly inside the shared text of aligned `a` and `b`.

    Added headers, footers and dropped tails are what reposts do, so only what lies between
    the first and the last equal stretch counts. Each run of substituted words between two
    equal stretches is one change (an editor's word, or a template's slot); words only one
    side has are no change (a caption, a dropped "al-", a line one copy kept), unless they
    negate a phrase or, fewer than `_PASSAGE` and no date, hold a count. A number in only one
    side of a change (digits or a number word), a negation added to a phrase, or more changes
    than `max_word_edits_per_1000` allows for this length, marks different events.
    """
    equal = _shared_stretches(a, b)
    allowed = int(len(a) * rules.max_word_edits_per_1000 / 1000)
    if not equal:
        return Substitutions(False, False, 0, allowed, 0)
    shared = sum(a1 - a0 for a0, a1, _, _ in equal)
    word_edits = 0
    for (_, old_start, _, new_start), (old_end, _, new_end, _) in zip(
        equal, equal[1:], strict=False
    ):
        old, new = a[old_start:old_end], b[new_start:new_end]
        if not old and not new:
            continue
        if not (old and new):
            # Words only one side has are what reposts do (a caption, "File photo", a dropped
            # "al-", a note): no change, unless they negate a phrase or add a count to a
            # sentence, as a template's slot does ("و 3 من عناصر الأمن العام", "and 14 others
            # were wounded"); a date ("(سانا، 4 آذار 2025)") or a line of its own is no count.
            run = old or new
            if _negates(old, new):
                return Substitutions(False, True, word_edits, allowed, shared)
            if (
                rules.number_guard
                and len(run) < _PASSAGE
                and _numbers(run)
                and not any(_is_date_word(w) for w in run)
            ):
                return Substitutions(True, False, word_edits, allowed, shared)
            continue
        if rules.number_guard and _numbers(old) != _numbers(new):
            return Substitutions(True, False, word_edits, allowed, shared)
        if _negates(old, new):
            return Substitutions(False, True, word_edits, allowed, shared)
        if rules.number_guard:  # the same numbers re-spelled ("مئة" / "مائة") change nothing
            old = [w for w in old if number_value(w) is None]
            new = [w for w in new if number_value(w) is None]
            if not old and not new:
                continue
        if not _spelling_variant(" ".join(old), " ".join(new)):
            word_edits += 1
    return Substitutions(False, False, word_edits, allowed, shared)


_Stretch = tuple[int, int, int, int]  # a[0]:a[1] equals b[2]:b[3]


def _shared_stretches(a: Sequence[str], b: Sequence[str]) -> list[_Stretch]:
    """The equal stretches of `a` and `b`, with words added before or after the shared text
    kept out of it when the alignment could as well put them there (a note ending with words
    the text starts with, "... by the" + "the council ...", may keep either "the")."""
    stretches = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Levenshtein.opcodes(list(a), list(b))
        if op.tag == "equal"
    ]
    while (joined := _joined_at_start(stretches, a, b)) is not None:
        stretches = joined
    # The end is the start of the reversed texts.
    n, m = len(a), len(b)
    flipped = [(n - a1, n - a0, m - b1, m - b0) for a0, a1, b0, b1 in reversed(stretches)]
    a_back, b_back = a[::-1], b[::-1]
    while (joined := _joined_at_start(flipped, a_back, b_back)) is not None:
        flipped = joined
    return [(n - a1, n - a0, m - b1, m - b0) for a0, a1, b0, b1 in reversed(flipped)]


def _joined_at_start(
    stretches: list[_Stretch], a: Sequence[str], b: Sequence[str]
) -> list[_Stretch] | None:
    """`stretches` with the first few joined to the next when only words added to one side
    part them and their words also come right before it: those words then start the shared
    text there, and what was between becomes an addition before it. None when none can."""
    if len(stretches) < 2:
        return None
    a0, _, b0, _ = stretches[0]
    added_to = ""
    for k in range(1, len(stretches)):
        (_, p1, _, q1), (c0, c1, d0, d1) = stretches[k - 1], stretches[k]
        side = "b" if p1 == c0 else "a" if q1 == d0 else ""
        if not side or added_to not in ("", side):
            return None
        added_to = side
        if a[c0 - 1] != b[d0 - 1]:  # the usual case, seen without comparing the runs
            continue
        if side == "b" and a[a0:c0] == b[d0 - (c0 - a0) : d0]:
            return [(a0, c1, d0 - (c0 - a0), d1), *stretches[k + 1 :]]
        if side == "a" and b[b0:d0] == a[c0 - (d0 - b0) : c0]:
            return [(c0 - (d0 - b0), c1, b0, d1), *stretches[k + 1 :]]
    return None


_YEAR = re.compile(r"(?:19|20)\d\d")
# Month names as fingerprint tokens (folded, clitics off): Levantine, Egyptian and English.
_MONTHS = frozenset(
    "كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين يناير فبراير مارس ابريل مايو "
    "يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر january february march april may june "
    "july august september october november december jan feb mar apr jun jul aug sep sept "
    "oct nov dec".split()
)


def _is_date_word(word: str) -> bool:
    return word in _MONTHS or _YEAR.fullmatch(word) is not None


def _numbers(words: Sequence[str]) -> list[str]:
    return [value for word in words if (value := number_value(word)) is not None]


def _negates(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether a short change adds or drops a negation ("was killed" / "was not killed").

    A longer run is a sentence of its own (an editor's addition), not a shared claim turned
    round, and counts as one change like any other.
    """
    if max(len(old), len(new)) > _NEGATION_REACH:
        return False
    return sum(map(is_negation, old)) != sum(map(is_negation, new))


def _spelling_variant(old: str, new: str) -> bool:
    """Whether a substitution only re-spells a word (a transliteration, a doubled or dropped
    letter) rather than changes it: one character edit per six letters, at least one (so one
    in words of five to eleven letters), and none in words of four letters or fewer. Weekday
    and place names share too many letters for a looser rule ("tuesday" / "thursday" are two
    edits apart, "saturday" / "thursday" share 75%)."""
    longest = max(len(old), len(new))
    return longest > 4 and Levenshtein.distance(old, new) <= max(1, longest // 6)

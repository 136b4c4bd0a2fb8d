"""Verification of candidate pairs: near copies, contained copies, templated reports."""

from __future__ import annotations

import time

from archiver.fingerprint import tokenize
from archiver.verify import VerifyRules, align, assess, compare, is_templated
from tests.dedup_texts import story

RULES = VerifyRules()

REPORT = (
    "{place} Province: clashes continued on {day} between government forces and armed groups "
    "in the countryside of {place}. No information about casualties has been confirmed. "
    "In {town}, {n} shells fell on residential neighbourhoods and a civil defence member said "
    "teams were still searching the rubble. The monitor documented {m} arrests at checkpoints "
    "during the day and renews its call on all parties to spare civilians and to let "
    "humanitarian organisations reach the affected areas without conditions."
)
REPORT_AR = (
    "محافظة {place}: تواصلت الاشتباكات يوم {day} بين القوات الحكومية والفصائل المسلحة في ريف "
    "{place}، ولم ترد معلومات عن الخسائر البشرية. وفي {town} سقطت {n} قذيفة على أحياء سكنية، وقال "
    "عنصر في الدفاع المدني إن الفرق ما زالت تبحث تحت الأنقاض. ووثّق المرصد {m} حالة اعتقال على "
    "الحواجز خلال اليوم، ويجدد دعوته جميع الأطراف إلى تجنيب المدنيين ويلات القتال."
)


def words(text: str) -> tuple[str, ...]:
    return tokenize(text)


def test_wrapped_repost_is_near() -> None:
    text = story(10)
    wrapped = f"Town news - Mirror Blog\nBy Barada Post staff\n\n{text}\n\nRelated articles: more"
    match = compare(words(text), words(wrapped), RULES)
    assert match is not None and match.method == "near" and match.similarity > 0.95


def test_truncated_repost_is_contained_either_way_round() -> None:
    text = story(11, paragraphs=10)
    cut = "\n\n".join(text.split("\n\n")[:3]) + "\n\nContinue reading at Barada Post ..."
    for a, b in ((text, cut), (cut, text)):
        match = compare(words(a), words(b), RULES)
        assert match is not None and match.method == "contained" and match.similarity > 0.95


def test_arabic_repost_with_note_on_top_and_cut_is_contained() -> None:
    text = story(12, "ar", paragraphs=10)
    repost = "ملاحظة المحرر: جرى تحديث هذا الخبر.\n\n" + "\n\n".join(text.split("\n\n")[:4])
    repost = repost.replace("أ", "ا").replace("ة ", "ه ") + "\n\nالمصدر: بردى بوست"
    match = compare(words(repost), words(text), RULES)
    assert match is not None and match.method == "contained"


def test_different_stories_do_not_match() -> None:
    assert compare(words(story(13)), words(story(14)), RULES) is None
    assert compare(words(story(15, "ar")), words(story(16, "ar")), RULES) is None


def test_templated_reports_with_another_number_or_place_are_different_events() -> None:
    slots = {"place": "Homs", "day": "Monday", "town": "Rastan", "n": 12, "m": 4}
    for lang, template in (("en", REPORT), ("ar", REPORT_AR)):
        if lang == "ar":
            slots = {"place": "حمص", "day": "الاثنين", "town": "الرستن", "n": 12, "m": 4}
        base = template.format(**slots)
        other_town = "Talbiseh" if lang == "en" else "تلبيسة"
        for change in ({"n": 13}, {"m": 9}, {"town": other_town}):
            other = template.format(**(slots | change))
            assert compare(words(base), words(other), RULES) is None, change
        # The same report copied with a header stays a copy.
        header = "Levant Monitor daily report\n\n" if lang == "en" else "التقرير اليومي\n\n"
        assert compare(words(base), words(header + base), RULES) is not None


def test_guard_ignores_edges_and_spelling_variants() -> None:
    a = words(story(17, paragraphs=8))
    b = ("editor", "note", *a[:-5], "read", "more")
    assert not is_templated(a[:-5], b, RULES)
    spelled = tuple("deir-ezzor" if w == "douma" else w for w in a)
    respelled = tuple("deir-ezzur" if w == "douma" else w for w in a)
    assert not is_templated(spelled, respelled, RULES)


def test_one_word_too_many_is_an_edit_and_templated_pairs_are_siblings() -> None:
    base = words(story(21, paragraphs=4))  # ~220 words: the strict guard allows no word edit
    middle = len(base) // 2
    edited = (*base[:middle], "elephant", *base[middle + 1 :])
    verdict = assess(base, edited, RULES)
    assert verdict.match is None and verdict.sibling
    assert verdict.edited is not None and verdict.edited.method == "near"
    assert verdict.edited.similarity > 0.95
    # Two substitutions are more than an editor's one: siblings, never an edit.
    twice = assess(base, (*edited[:10], "giraffe", *edited[11:]), RULES)
    assert twice.match is None and twice.edited is None and twice.sibling
    # Nor a substituted number, whatever the allowance.
    numbers = [i for i, w in enumerate(base) if w.isdigit()]
    renumbered = tuple("999" if i == numbers[1] else w for i, w in enumerate(base))
    verdict = assess(base, renumbered, VerifyRules(cross_outlet_word_edits=5))
    assert verdict.edited is None and verdict.sibling
    # With no allowance an edit is only a sibling; unrelated stories are neither.
    assert assess(base, edited, VerifyRules(cross_outlet_word_edits=0)).edited is None
    assert assess(base, words(story(22, paragraphs=4)), RULES) == assess((), (), RULES)


def test_weekday_and_place_swaps_are_edits_not_spellings() -> None:
    slots = {"place": "Homs", "day": "Saturday", "town": "Rastan", "n": 12, "m": 4}
    base = words(REPORT.format(**slots))
    for change in ({"day": "Thursday"}, {"place": "Hama"}):
        assert is_templated(base, words(REPORT.format(**(slots | change))), RULES), change
    tuesday = words(REPORT.format(**(slots | {"day": "Tuesday"})))
    assert is_templated(tuesday, words(REPORT.format(**(slots | {"day": "Thursday"}))), RULES)
    # One dropped or swapped letter in a longer name is a spelling.
    assert not is_templated(base, words(REPORT.format(**(slots | {"town": "Rastann"}))), RULES)


def test_a_few_shared_words_in_a_long_text_are_not_containment() -> None:
    long = words(story(18, paragraphs=10))
    assert compare(long[40:52], long, RULES) is None  # under min_tokens


def test_align_finds_the_offset_of_the_shared_part() -> None:
    long = words(story(19, paragraphs=10))
    short = ("a", "note", "on", "top", *long[100:200])
    s0, s1, l0, l1 = align(short, long) or (0, 0, 0, 0)
    assert (s0, s1) == (4, 104) and (l0, l1) == (100, 200)


def test_containment_cost_stays_far_below_partial_ratio() -> None:
    long = words(story(20, paragraphs=14))
    short = long[: len(long) // 3]
    started = time.perf_counter()
    for _ in range(20):
        compare(short, long, RULES)
    assert (time.perf_counter() - started) / 20 < 0.02  # partial_ratio: 0.1-1 s per pair

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


# A daily toll report (fictional) with room for an added clause and a number word.
TOLL_AR = (
    "حصيلة يومية: وثّق مرصد الساحل مقتل {count} مدنياً يوم الخميس في مناطق متفرقة من البلاد{extra}، "
    "قضى معظمهم برصاص مسلحين مجهولين أو بانفجار مخلفات الحرب. وفي ريف حماة الشمالي انفجر لغم "
    "أرضي بسيارة تقل عمالاً زراعيين قرب قرية الزيارة، ما أدى إلى إصابة سائقها بجروح متوسطة. كما "
    "شهدت مدينة جبلة توتراً أمنياً بعد اعتقال شابين على حاجز عند المدخل الجنوبي للمدينة، ولم تعرف "
    "أسباب الاعتقال حتى الآن. ويطالب المرصد الجهات المعنية بفتح تحقيق في جميع حوادث القتل ومحاسبة "
    "المسؤولين عنها، ويجدد دعوته إلى إزالة مخلفات الحرب من الأراضي الزراعية قبل موسم الحصاد."
)
TOLL_EN = (
    "Daily toll: the Coast Monitor documented the deaths of {count} civilians on Thursday in "
    "several parts of the country{extra}, most of them shot by unknown gunmen or killed by "
    "remnants of war. In the northern countryside of Hama a landmine exploded under a car "
    "carrying farm workers near the village of Ziyara, leaving its driver moderately hurt. The "
    "town of Jableh saw tension after two young men were detained at a checkpoint at its "
    "southern entrance; the reasons for the arrests are still unknown. The monitor calls on the "
    "authorities to investigate every killing and to hold those responsible to account, and "
    "renews its call to clear the remnants of war from farmland before the harvest."
)


def toll(lang: str, count: str, extra: str = "") -> tuple[str, ...]:
    return words((TOLL_AR if lang == "ar" else TOLL_EN).format(count=count, extra=extra))


def test_a_number_added_inside_the_shared_text_is_another_report() -> None:
    for lang, extra in (
        ("ar", "، و 5 من عناصر الشرطة المحلية"),
        ("ar", "، وخمسة من عناصر الشرطة المحلية"),
        ("en", ", and 11 others were injured"),
        ("en", ", and eleven others were injured"),
    ):
        base, added = toll(lang, "12"), toll(lang, "12", extra)
        for a, b in ((base, added), (added, base)):  # added or dropped
            assert compare(a, b, RULES) is None, extra
            # Never forgiven as an editor's change, whatever the allowance.
            assert assess(a, b, VerifyRules(cross_outlet_word_edits=5)).edited is None, extra


def test_a_number_added_inside_a_truncated_copy_is_another_report() -> None:
    text = story(34, paragraphs=10)
    paragraphs = text.split("\n\n")
    paragraphs[1] = paragraphs[1].replace(". ", ", and 7 others were injured. ", 1)
    cut = "\n\n".join(paragraphs[:4]) + "\n\nContinue reading at Barada Post ..."
    assert compare(words(cut), words(text), RULES) is None


def test_an_inserted_negation_is_another_report() -> None:
    for lang, said, denied in (
        (
            "en",
            "Witnesses said the convoy was allowed through the checkpoint.",
            "Witnesses said the convoy was not allowed through the checkpoint.",
        ),
        (
            "en",
            "Witnesses said the convoy was allowed through the checkpoint.",
            "Witnesses said the convoy wasn't allowed through the checkpoint.",
        ),
        (
            "ar",
            "وقال شهود إن القافلة سُمح لها بالمرور عبر الحاجز.",
            "وقال شهود إن القافلة لم يُسمح لها بالمرور عبر الحاجز.",
        ),
    ):
        # Long enough (~400 words) for the guard to forgive one changed word.
        paragraphs = story(31 if lang == "en" else 32, lang, paragraphs=8).split("\n\n")
        first = "\n\n".join([*paragraphs[:4], said, *paragraphs[4:]])
        second = first.replace(said, denied)
        assert RULES.max_word_edits_per_1000 * len(words(first)) / 1000 >= 1
        assert compare(words(first), words(second), RULES) is None, denied
        assert assess(words(first), words(second), RULES).edited is None, denied


def test_words_only_one_copy_has_are_no_change_unless_they_count() -> None:
    # ~220 words: the strict guard allows no substituted word, yet a mirror's "File photo"
    # line, a dropped "al-" or a dated caption leaves the copy a copy; an added count does not.
    paragraphs = story(21, paragraphs=4).split("\n\n")
    base = words("\n\n".join(paragraphs))
    for line in ("File photo", "al", "(Barada Post photo, 4 March 2025)", "(سانا، 4 آذار 2025)"):
        added = words("\n\n".join([*paragraphs[:2], line, *paragraphs[2:]]))
        for a, b in ((base, added), (added, base)):
            match = compare(a, b, RULES)
            assert match is not None and match.method == "near", line
    counted = words("\n\n".join([*paragraphs[:2], "and 14 others were wounded", *paragraphs[2:]]))
    assert compare(base, counted, RULES) is None


def test_an_added_sentence_in_a_long_article_is_an_editors_change() -> None:
    paragraphs = story(33, paragraphs=8).split("\n\n")  # ~430 words: one change allowed
    text = "\n\n".join(paragraphs)
    for note in (
        "The bridge has been closed to heavy trucks since the spring floods.",
        # A negation in a sentence of its own turns no shared phrase round.
        "Officials did not say when the bridge would reopen to heavy trucks after the floods.",
    ):
        added = "\n\n".join([*paragraphs[:4], note, *paragraphs[4:]])
        match = compare(words(text), words(added), RULES)
        assert match is not None and match.method == "near", note


def test_a_changed_number_word_is_not_a_spelling() -> None:
    for lang, old, new in (
        ("ar", "ثمانية", "ثمانين"),
        ("ar", "ثلاث", "ثلاثين"),
        ("ar", "ثلاثة", "الثالث"),
        ("en", "eight", "eighty"),
        ("en", "sixth", "sixty"),
        ("en", "twelve", "twelfth"),
    ):
        verdict = assess(toll(lang, old), toll(lang, new), VerifyRules(cross_outlet_word_edits=5))
        assert verdict.match is None and verdict.edited is None, (old, new)
        assert verdict.sibling, (old, new)


def test_legit_copies_of_a_report_still_match() -> None:
    for lang, count, note, tail in (
        (
            "ar",
            "ثمانية",
            "ملاحظة المحرر: حُدّث الخبر الساعة 17:40 بإضافة 2 من التصحيحات.\n\n",
            "\n\nتابع القراءة على موقع بردى بوست (الجزء 2) ...",
        ),
        (
            "en",
            "eight",
            "Editor's note: updated at 17:40 with 2 corrections.\n\n",
            "\n\nContinue reading at Barada Post (page 2) ...",
        ),
    ):
        template = TOLL_AR if lang == "ar" else TOLL_EN
        text = template.format(count=count, extra="")
        original = words(text)
        # An editor's note with numbers on top of a whole copy.
        assert compare(original, words(note + text), RULES) is not None, lang
        # A copy cut after its second sentence, with a numbered tail.
        cut = ". ".join(text.split(". ")[:2]) + tail
        match = compare(words(cut), original, RULES)
        assert match is not None and match.method == "contained", lang


def test_a_title_repeating_the_first_words_stays_outside_the_shared_text() -> None:
    # The alignment may match the title's "daily toll" and count the rest as added inside.
    for lang, count, title in (
        ("en", "eight", "Daily toll: 8 dead"),
        ("ar", "ثمانية", "حصيلة يومية: 8 قتلى"),
    ):
        text = (TOLL_AR if lang == "ar" else TOLL_EN).format(count=count, extra="")
        for repost in (f"{title}\n\n{text}", f"{text}\n\n{title}"):
            assert compare(words(text), words(repost), RULES) is not None, repost[:20]


def test_orthographic_variants_of_numbers_still_match() -> None:
    text = TOLL_AR.format(count="12", extra="، و 5 من عناصر الشرطة المحلية")
    variant = (
        TOLL_AR.format(count="١٢", extra="، و ٥ من عناصر الشرطة المحلية")
        .replace("مقتل", "مَقْتَل")
        .replace("أرضي", "ارضي")
        .replace("ة ", "ه ")
    )
    match = compare(words(text), words(variant), RULES)
    assert match is not None and match.similarity == 1.0


def test_one_number_spelled_two_ways_is_not_a_change() -> None:
    for lang, spelled, respelled in (
        ("ar", "مئة", "مائة"),  # four letters: too short for a re-spelling by letters
        ("ar", "ثلاثين", "ثلاثون"),
        ("en", "12", "twelve"),
    ):
        assert compare(toll(lang, spelled), toll(lang, respelled), RULES) is not None, respelled


def test_a_split_or_joined_transliteration_is_a_spelling() -> None:
    text = TOLL_EN.format(count="12", extra="")
    for spelled, respelled in (("Deir ez-Zor", "Deir ezzor"), ("Abu Kamal", "Abukamal")):
        first, second = text.replace("Hama", spelled), text.replace("Hama", respelled)
        assert compare(words(first), words(second), RULES) is not None, respelled


def test_a_line_one_copy_kept_inside_the_text_is_no_change() -> None:
    # A mirror keeps a photo caption (with its date) or a teaser headline the original's page
    # had elsewhere: a line of its own, not a template's slot, in texts too short for any change.
    for lang, lines in (
        (
            "en",
            [
                "Families fill jerrycans from a tanker truck in Tal Warda, 3 December 2025 "
                "(Orontes Courier)",
                "Tanker water prices double in the eastern countryside",
            ],
        ),
        (
            "ar",
            [
                "عائلات تملأ الغالونات من صهريج مياه في تل وردة، 3 كانون الأول 2025 (بريد العاصي)",
                "أسعار مياه الصهاريج تتضاعف في الريف الشرقي للمحافظة",
            ],
        ),
    ):
        paragraphs = story(31, lang, paragraphs=4).split("\n\n")
        original = words("\n\n".join(paragraphs))
        assert len(original) < 1000 / RULES.max_word_edits_per_1000, lang  # no change allowed
        for line in lines:
            kept = "\n\n".join([*paragraphs[:2], line, *paragraphs[2:]])
            for a, b in ((original, words(kept)), (words(kept), original)):
                match = compare(a, b, RULES)
                assert match is not None and match.method == "near", (lang, line)

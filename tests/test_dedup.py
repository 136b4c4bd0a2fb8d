"""The dedup layer against a real archive: clusters, canonicals, takeovers, merges, rebuild."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archiver.config import DedupSettings, Outlet, Settings
from archiver.dedup import Deduper, choose_canonical
from archiver.dedup_rebuild import rebuild
from archiver.errors import StoreError
from archiver.lsh_index import NearIndex, record_link
from archiver.models import Article
from archiver.store import Store
from archiver.urls import article_id
from tests.dedup_texts import article, story

SETTINGS = Settings(
    outlets=(
        Outlet(name="barada", url="https://barada.example", aliases=("Barada Post", "بردى بوست")),
        Outlet(name="jasmine", url="https://jasmine.example", label="Jasmine Daily"),
    )
)


def add(store: Store, deduper: Deduper, item: Article) -> Article:
    """What Pipeline.store_article does around the deduper."""
    decision = deduper.decide(item)
    item.cluster, item.duplicate_of = decision.cluster, decision.duplicate_of
    item.similarity, item.dedup_method = decision.similarity, decision.method
    store.add_article(item)
    deduper.index(item)
    return item


def fields(store: Store, article_id: str) -> tuple[str | None, str | None, str | None]:
    a = store.get(article_id)
    assert a is not None
    return a.cluster, a.duplicate_of, a.dedup_method


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "archive", write=True) as opened:
        yield opened


def test_reposts_join_the_original(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    text = story(1, "ar", paragraphs=9)
    paragraphs = text.split("\n\n")
    add(store, deduper, article("orig", text, outlet="barada"))
    add(store, deduper, article("exact", text, fetched_minutes=1))
    add(
        store,
        deduper,
        article("wrapped", f"عنوان – مدونة\n\n{text}\n\nمقالات ذات صلة", fetched_minutes=2),
    )
    cut = "\n\n".join(paragraphs[:3]) + "\n\nتابع القراءة على بردى بوست ..."
    add(store, deduper, article("cut", cut, fetched_minutes=3))
    variant = text.replace("أ", "ا").replace("ي", "ى").replace("3", "٣").replace("ة", "ة\u064e")
    add(store, deduper, article("variant", variant, fetched_minutes=4))
    add(store, deduper, article("other", story(2, "ar", paragraphs=9), fetched_minutes=5))
    assert fields(store, "orig") == ("orig", None, None)
    assert fields(store, "exact") == ("orig", "orig", "exact")
    assert fields(store, "wrapped") == ("orig", "orig", "near")
    assert fields(store, "cut") == ("orig", "orig", "contained")
    assert fields(store, "variant")[:2] == ("orig", "orig")
    assert fields(store, "other") == ("other", None, None)


def test_a_copy_joining_a_settled_cluster_rewrites_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    deduper = Deduper(store, SETTINGS)
    text = story(7, "en", paragraphs=8)
    add(store, deduper, article("orig", text, outlet="barada"))
    add(store, deduper, article("copy1", "Breaking\n\n" + text, fetched_minutes=1))
    late = article("copy2", text + "\n\nShare this", fetched_minutes=2)
    decision = deduper.decide(late)
    late.cluster, late.duplicate_of = decision.cluster, decision.duplicate_of
    late.similarity, late.dedup_method = decision.similarity, decision.method
    store.add_article(late)
    opened: list[str] = []
    real = store.transaction
    monkeypatch.setattr(store, "transaction", lambda: opened.append("tx") or real())
    deduper.index(late)
    assert opened == []  # the members already carry the label and canonical: no write
    assert fields(store, "copy2") == ("orig", "orig", "near")
    assert fields(store, "copy1") == ("orig", "orig", "near")


def test_a_later_found_earlier_original_takes_over(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    text = story(3, "en", paragraphs=8)
    add(
        store,
        deduper,
        article(
            "mirror1",
            text + "\n\nSource: Barada Post",
            published="2025-03-02T09:00:00Z",
            source_credit="Barada Post",
        ),
    )
    add(
        store,
        deduper,
        article(
            "mirror2", "Breaking\n\n" + text, published="2025-03-02T11:00:00Z", fetched_minutes=1
        ),
    )
    assert fields(store, "mirror2") == ("mirror1", "mirror1", "near")
    add(
        store,
        deduper,
        article("orig", text, outlet="barada", published="2025-03-02T08:00:00Z", fetched_minutes=2),
    )
    # The cluster is relabelled with the new canonical's id: `cluster` names the canonical.
    assert fields(store, "orig") == ("orig", None, None)
    for member in ("mirror1", "mirror2"):
        cluster, duplicate_of, method = fields(store, member)
        assert (cluster, duplicate_of) == ("orig", "orig") and method in ("near", "exact")
    # The JSON sidecar was rewritten too.
    sidecars = list(store.root.glob("articles/**/mirror1.json"))
    sidecar = json.loads(sidecars[0].read_text())
    assert (sidecar["cluster"], sidecar["duplicate_of"]) == ("orig", "orig")


def test_a_newly_credited_outlet_becomes_canonical(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    text = story(5, "en", paragraphs=8)
    add(store, deduper, article("j", text, outlet="jasmine", published="2025-03-04T08:00:00Z"))
    add(
        store,
        deduper,
        article(
            "b",
            text + "\n\nShare this",
            outlet="barada",
            published="2025-03-04T09:00:00Z",
            fetched_minutes=1,
        ),
    )
    assert fields(store, "b")[1] == "j"  # both configured: the earlier one
    add(
        store,
        deduper,
        article(
            "m",
            "Copied\n\n" + text,
            published="2025-03-04T12:00:00Z",
            source_credit="Barada Post",
            fetched_minutes=2,
        ),
    )
    assert fields(store, "b") == ("b", None, None)
    assert fields(store, "j")[:2] == ("b", "b") and fields(store, "m")[:2] == ("b", "b")


def test_clusters_found_apart_merge_when_an_article_links_them(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    text = story(4, "en", paragraphs=12)
    paragraphs = text.split("\n\n")
    head = "\n\n".join(paragraphs[:4])
    tail = "\n\n".join(paragraphs[-4:])
    add(
        store,
        deduper,
        article("head", head + "\n\nRead more ...", published="2025-03-03T10:00:00Z"),
    )
    add(
        store,
        deduper,
        article("tail", "Part two\n\n" + tail, published="2025-03-03T10:00:00Z", fetched_minutes=1),
    )
    assert fields(store, "tail")[0] == "tail"  # nothing in common yet
    add(
        store,
        deduper,
        article(
            "full", text, outlet="jasmine", published="2025-03-03T09:00:00Z", fetched_minutes=2
        ),
    )
    clusters = {fields(store, x)[0] for x in ("head", "tail", "full")}
    assert len(clusters) == 1
    assert fields(store, "head")[1] == fields(store, "tail")[1] == "full"
    assert fields(store, "full")[1] is None


def test_templated_reports_stay_apart(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    template = (
        "Daily report: clashes continued in the countryside of {place} on {day}. No information "
        "about casualties. In {town}, {n} shells fell on homes and a rescuer said teams were "
        "still searching. The monitor documented {m} arrests at checkpoints and calls on all "
        "parties to spare civilians and let aid organisations reach the area without conditions."
    )
    slots = {"place": "Homs", "day": "Monday", "town": "Rastan", "n": 12, "m": 4}
    changes = [{}, {"n": 14}, {"town": "Talbiseh"}, {"m": 7, "day": "Tuesday"}, {"place": "Hama"}]
    for i, change in enumerate(changes):
        slots = slots | change
        add(
            store,
            deduper,
            article(f"r{i}", template.format(**slots), outlet="monitor.example", fetched_minutes=i),
        )
    assert {fields(store, f"r{i}")[0] for i in range(len(changes))} == {
        f"r{i}" for i in range(len(changes))
    }


def test_canonical_rules() -> None:
    def a(i: str, outlet: str, published: str | None, minutes: int = 0, credit: str | None = None):
        return article(
            i,
            "x",
            outlet=outlet,
            published=published,
            fetched_minutes=minutes,
            source_credit=credit,
        )

    early_unknown = a("u", "blog.example", "2025-01-01T08:00:00Z")
    later_configured = a("c", "jasmine", "2025-01-01T09:00:00Z")
    assert choose_canonical([early_unknown, later_configured], SETTINGS).id == "c"
    credited = a("b", "barada", "2025-01-01T12:00:00Z")
    crediting = a("m", "jasmine", "2025-01-01T07:00:00Z", credit="المصدر: بردى بوست")
    assert choose_canonical([later_configured, credited, crediting], SETTINGS).id == "b"
    # A configured outlet's page whose rel=canonical names an agency's (unconfigured) page:
    # the page itself says where the original is.
    agency_url = "https://agency.example/2025/01/story"
    agency = replace(a("x", "agency.example", "2025-01-01T09:30:00Z"), id=article_id(agency_url))
    syndicated = replace(later_configured, declared_original=agency_url)
    assert choose_canonical([syndicated, agency], SETTINGS).id == agency.id
    # Offsets are compared as instants; missing dates lose; ties go to the first fetched.
    plus3 = a("p", "jasmine", "2025-01-01T10:00:00+03:00")  # 07:00Z
    assert choose_canonical([later_configured, plus3], SETTINGS).id == "p"
    undated = a("n", "jasmine", None)
    assert choose_canonical([undated, later_configured], SETTINGS).id == "c"
    first = a("f1", "jasmine", "2025-01-01T09:00:00Z", minutes=1)
    second = a("f2", "jasmine", "2025-01-01T09:00:00Z", minutes=2)
    assert choose_canonical([second, first], SETTINGS).id == "f1"


def test_rebuild_recomputes_the_same_clusters_and_is_idempotent(store: Store) -> None:
    texts = [story(30 + i, "ar" if i % 2 else "en", paragraphs=8) for i in range(6)]
    items = []
    for i, text in enumerate(texts):
        items.append(article(f"o{i}", text, outlet="barada", fetched_minutes=10 * i))
        items.append(article(f"w{i}", f"Header\n\n{text}\n\nFooter", fetched_minutes=10 * i + 1))
        cut = "\n\n".join(text.split("\n\n")[:3]) + " ..."
        items.append(article(f"t{i}", cut, fetched_minutes=10 * i + 2))
        items.append(article(f"e{i}", text, fetched_minutes=10 * i + 3))
    for item in items:
        store.add_article(item)  # stored without any dedup (as before this layer existed)
    settings = replace(SETTINGS, dedup=DedupSettings(workers=2))
    stats = rebuild(store, settings)
    assert stats.articles == 24 and stats.clusters == 6 and stats.duplicates == 18
    for i in range(6):
        assert fields(store, f"o{i}") == (f"o{i}", None, None)
        assert fields(store, f"w{i}") == (f"o{i}", f"o{i}", "near")
        assert fields(store, f"t{i}") == (f"o{i}", f"o{i}", "contained")
        assert fields(store, f"e{i}") == (f"o{i}", f"o{i}", "exact")
    assert rebuild(store, settings).changed == 0
    # The rebuilt index serves incremental decisions.
    deduper = Deduper(store, settings)
    late = add(store, deduper, article("late", "Copied:\n\n" + texts[2], fetched_minutes=99))
    assert late.duplicate_of == "o2"


def test_rebuild_reads_an_updated_articles_current_text(store: Store) -> None:
    text = story(35, "en", paragraphs=8)
    store.add_article(article("orig", text, outlet="barada"))
    store.add_article(article("upd", story(36, "en", paragraphs=8), fetched_minutes=1))
    # The text is replaced: the new one lives under a stamped path (`<id>.<stamp>.txt`).
    store.add_article(
        article("upd", f"Header\n\n{text}\n\nFooter", fetched_minutes=2), replace=True
    )
    stats = rebuild(store, SETTINGS)
    assert stats.clusters == 1
    assert fields(store, "upd") == ("orig", "orig", "near")


def test_index_built_with_other_fingerprint_settings_is_refused(store: Store) -> None:
    deduper = Deduper(store, SETTINGS)
    add(store, deduper, article("a", story(40)))
    other = replace(SETTINGS, dedup=DedupSettings(bands=16))
    with pytest.raises(StoreError, match="rebuild"):
        Deduper(store, other).decide(article("b", story(41)))


def test_the_index_shape_is_recorded_even_when_its_first_article_rolls_back(
    store: Store,
) -> None:
    deduper = Deduper(store, SETTINGS)
    with pytest.raises(OSError), store.transaction():
        add(store, deduper, article("a", story(40)))
        raise OSError("the first article's transaction fails after indexing")
    add(store, deduper, article("b", story(41)))  # the same deduper goes on
    other = replace(SETTINGS, dedup=DedupSettings(bands=16))
    with pytest.raises(StoreError, match="rebuild"):
        Deduper(store, other).decide(article("c", story(42)))


def test_candidates_skip_boilerplate_buckets(store: Store) -> None:
    deduper = Deduper(store, replace(SETTINGS, dedup=DedupSettings(max_bucket=3)))
    boiler = story(50, paragraphs=3)
    for i in range(5):
        add(
            store,
            deduper,
            article(f"b{i}", story(60 + i, paragraphs=6) + "\n\n" + boiler, fetched_minutes=i),
        )
    index = NearIndex(store.conn, deduper.fingerprinter.params, max_bucket=3)
    probe = deduper.fingerprinter.fingerprint(boiler)
    # Its windows are shared by 5 > 3 articles: boilerplate, not evidence of a copy.
    assert all(c.window_hits == 0 for c in index.candidates(probe))
    assert deduper.candidates(probe) == []
    small = NearIndex(store.conn, deduper.fingerprinter.params, max_bucket=64)
    assert any(c.window_hits for c in small.candidates(probe))


def test_key_table_partitions_sort_like_one_big_sort() -> None:
    import numpy as np

    from archiver.lsh_index import KeyTable, bucket_pairs, count_pairs

    rng = np.random.default_rng(3)
    table, every_key, every_owner = KeyTable(), [], []
    for first in range(0, 300, 100):
        counts = rng.integers(0, 40, 100)
        keys = rng.integers(0, 2**63, counts.sum(), dtype=np.int64)
        keys[::7] = 12345  # a key shared across documents, repeated inside some
        table.add(keys, counts, first)
        every_key.append(keys)
        every_owner.append(np.repeat(np.arange(first, first + 100), counts))
    parts = table.sorted_parts()
    keys = np.concatenate([k for k, _ in parts])
    owners = np.concatenate([o for _, o in parts])
    expected = sorted(
        set(
            zip(
                np.concatenate(every_key).tolist(),
                np.concatenate(every_owner).tolist(),
                strict=True,
            )
        )
    )
    assert list(zip(keys.tolist(), owners.tolist(), strict=True)) == expected
    # Docs sharing keys[0] pair up, unless their bucket is bigger than max_bucket.
    sharing = sorted({o for k, o in expected if k == 12345})
    a, b, n = count_pairs([bucket_pairs(k, o, 10_000) for k, o in parts])
    assert {(sharing[0], sharing[1])} <= set(zip(a.tolist(), b.tolist(), strict=True))
    assert len(sharing) > 2
    a, b, n = count_pairs([bucket_pairs(k, o, 2) for k, o in parts])
    assert (sharing[0], sharing[1]) not in set(zip(a.tolist(), b.tolist(), strict=True))


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1), (1, 3, 0, 2)])
def test_cluster_is_always_the_canonicals_id_whatever_the_arrival_order(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    text = story(6, "en", paragraphs=8)
    items = [
        dict(id="orig", text=text, outlet="barada", published="2025-03-05T08:00:00Z"),
        dict(id="copy", text=text + "\n\nSource: Barada Post", published="2025-03-05T10:00:00Z"),
        dict(id="cut", text="\n\n".join(text.split("\n\n")[:4]), published="2025-03-05T11:00:00Z"),
        dict(id="note", text="Editor's note\n\n" + text, published="2025-03-05T12:00:00Z"),
    ]
    with Store.open(tmp_path / "a", write=True) as store:
        deduper = Deduper(store, SETTINGS)
        for minute, index in enumerate(order):
            spec = dict(items[index])
            add(
                store,
                deduper,
                article(str(spec.pop("id")), str(spec.pop("text")), fetched_minutes=minute, **spec),
            )  # type: ignore[arg-type]
        records = {i: store.get(i) for i in ("orig", "copy", "cut", "note")}
    assert all(r is not None for r in records.values())
    assert {r.cluster for r in records.values() if r} == {"orig"}
    assert records["orig"] is not None and records["orig"].duplicate_of is None
    assert all(r.duplicate_of == "orig" for i, r in records.items() if r and i != "orig")


def _one_word_changed(text: str, word: str) -> str:
    """`text` with its middle word replaced (an editor's substitution)."""
    parts = text.split(" ")
    parts[len(parts) // 2] = word
    return " ".join(parts)


SERIES = (
    "Daily bulletin of the Orontes Monitor: clashes continued in the countryside of {place} "
    "on {day} between government forces and armed groups. No information about casualties has been "
    "confirmed so far. A rescuer said teams were still searching the rubble and called on all "
    "parties to spare civilians and let aid organisations reach the area without conditions. "
    "The monitor will publish an updated account of the situation tomorrow morning."
)


def bulletin(article_id: str, place: str, day: str, outlet: str, minutes: int) -> Article:
    text = SERIES.format(place=place, day=day)
    return article(article_id, text, outlet=outlet, fetched_minutes=minutes)


@pytest.mark.parametrize("path", ["incremental", "rebuild"])
def test_a_one_word_edit_joins_across_outlets_but_never_inside_a_series(
    store: Store, path: str
) -> None:
    original = story(41, paragraphs=4)  # ~220 words: the strict guard allows no word edit
    edited = _one_word_changed(original, "elephant")
    items = [
        article("orig", original, outlet="barada", fetched_minutes=1),
        article("repost", edited, outlet="blog.example", fetched_minutes=2),
        # A series of bulletins. A mirror's copy of one whose original is not archived is one
        # word from another bulletin, but the two are in a series: each has a sibling.
        bulletin("b1", "Homs", "Monday", "monitor.example", 4),
        bulletin("b2", "Hama", "Tuesday", "monitor.example", 5),
        bulletin("copy", "Hama", "Wednesday", "mirror.example", 6),
    ]
    if path == "incremental":
        deduper = Deduper(store, SETTINGS)
        for item in items:
            add(store, deduper, item)
    else:
        for item in items:
            store.add_article(item)
        rebuild(store, replace(SETTINGS, dedup=DedupSettings(workers=1)))
    assert fields(store, "repost") == ("orig", "orig", "near")
    assert {fields(store, i)[0] for i in ("b1", "b2", "copy")} == {"b1", "b2", "copy"}
    # With no allowance the edited repost stays apart too.
    strict = replace(SETTINGS, dedup=DedupSettings(workers=1, cross_outlet_word_edits=0))
    rebuild(store, strict)
    assert fields(store, "repost") == ("repost", None, None)


@pytest.mark.parametrize("path", ["incremental", "rebuild"])
def test_an_outlets_own_texts_a_word_apart_stay_apart(store: Store, path: str) -> None:
    first = story(42, paragraphs=4)
    items = [
        article("first", first, outlet="barada", fetched_minutes=1),
        # Another outlet's wrapped copy puts the first text's cluster on two outlets.
        article("wrapped", f"Mirror Blog\n\n{first}\n\nRelated: more", fetched_minutes=2),
        article("second", _one_word_changed(first, "giraffe"), outlet="barada", fetched_minutes=3),
    ]
    if path == "incremental":
        deduper = Deduper(store, SETTINGS)
        for item in items:
            add(store, deduper, item)
    else:
        for item in items:
            store.add_article(item)
        rebuild(store, replace(SETTINGS, dedup=DedupSettings(workers=1)))
    assert fields(store, "wrapped") == ("first", "first", "near")
    assert fields(store, "second") == ("second", None, None)


@pytest.mark.parametrize("path", ["incremental", "rebuild", "rebuild without link rows"])
def test_a_page_naming_its_original_on_another_site_is_a_url_copy(store: Store, path: str) -> None:
    original_url = "https://barada.example/2025/03/market"
    original = story(43, paragraphs=6)
    follow_up = story(44, paragraphs=2)
    syndicated = "\n\n".join([*original.split("\n\n")[:4], follow_up])
    items = [
        # The partner's own follow-up arrives first, then the syndicated page containing it,
        # then the original: the syndicated page must end up related to it by its link.
        article("follow", follow_up, outlet="partner.example", fetched_minutes=1),
        replace(
            article("syndicated", syndicated, outlet="partner.example", fetched_minutes=2),
            declared_original=original_url,
        ),
        replace(
            article("misnamed", story(45, "ar", paragraphs=4), fetched_minutes=3),
            declared_original=original_url,  # a page naming it but sharing none of its text
        ),
        article(article_id(original_url), original, outlet="barada", fetched_minutes=4),
    ]
    if path == "incremental":
        deduper = Deduper(store, SETTINGS)
        for item in items:
            add(store, deduper, item)
    else:
        for item in items:  # stored with their links only (as the pipeline records them)
            store.add_article(item)
            if item.declared_original and path == "rebuild":
                record_link(store.conn, item.id, article_id(item.declared_original))
        # Without link rows (lost, or an archive from before them) the records still say it.
        rebuild(store, replace(SETTINGS, dedup=DedupSettings(workers=1)))
    origin = article_id(original_url)
    assert fields(store, origin) == (origin, None, None)
    assert fields(store, "syndicated") == (origin, origin, "url")
    assert fields(store, "follow")[0] == origin  # contained in the syndicated page
    assert fields(store, "misnamed") == ("misnamed", None, None)


@pytest.mark.parametrize("copy_first", [False, True])
def test_incremental_and_rebuild_agree_on_a_linked_copy(tmp_path: Path, copy_first: bool) -> None:
    """A mirror naming its original and repeating three of its four paragraphs under a note of
    its own is contained in it (1.0) and linked to it: both paths record the link, at its
    3-gram share."""
    original_url = "https://barada.example/2025/03/flood"
    paragraphs = story(46, paragraphs=4).split("\n\n")
    note = story(47, paragraphs=1)
    items = [
        article(article_id(original_url), "\n\n".join(paragraphs), outlet="barada"),
        replace(
            article("mirror", "\n\n".join([note, *paragraphs[:3]]), fetched_minutes=1),
            declared_original=original_url,
        ),
    ]
    if copy_first:
        items.reverse()
    found = {}
    for path in ("incremental", "rebuild"):
        with Store.open(tmp_path / path, write=True) as store:
            if path == "incremental":
                deduper = Deduper(store, SETTINGS)
                for item in items:
                    add(store, deduper, replace(item))
            else:
                for item in items:
                    store.add_article(replace(item))
                rebuild(store, replace(SETTINGS, dedup=DedupSettings(workers=1)))
            rows = store.conn.execute(
                "SELECT id, cluster, duplicate_of, similarity, dedup_method FROM articles"
            )
            found[path] = sorted(tuple(row) for row in rows)
    origin = article_id(original_url)
    mirror = next(row for row in found["incremental"] if row[0] == "mirror")
    assert mirror[1:3] == (origin, origin) and mirror[4] == "url" and mirror[3] < 1.0
    assert found["rebuild"] == found["incremental"]


def test_a_member_joined_through_another_is_labelled_by_a_real_match(store: Store) -> None:
    # An update (one number changed near the end) came first; a cut copy of the story joins
    # it, then the original arrives and takes over: the update is no copy of the original
    # (the guard parts them), so its label is its real match in the cluster, not the
    # original's exact match with some other member.
    deduper = Deduper(store, SETTINGS)
    text = story(11, "en", paragraphs=8)
    paragraphs = text.split("\n\n")
    # the sixth paragraph's first count goes up by one, past where the cut copy ends
    sixth = paragraphs[5]
    start = sixth.index("(") + 1
    end = sixth.index(")", start)
    paragraphs[5] = f"{sixth[:start]}{int(sixth[start:end]) + 1}{sixth[end:]}"
    update = "\n\n".join(paragraphs)
    cut = "\n\n".join(text.split("\n\n")[:4]) + "\n\nContinue reading at Barada Post ..."
    add(store, deduper, article("update", update, published="2025-03-02T10:00:00+03:00"))
    add(store, deduper, article("cut", cut, fetched_minutes=1, published=None))
    add(store, deduper, article("copy", text, fetched_minutes=2, published=None))
    add(store, deduper, article("orig", text, outlet="barada", fetched_minutes=3))
    assert fields(store, "orig") == ("orig", None, None)
    updated = store.get("update")
    assert updated is not None and updated.cluster == "orig"
    assert (updated.dedup_method, updated.similarity) != ("exact", 1.0)
    assert updated.dedup_method == "contained"

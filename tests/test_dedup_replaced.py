"""A stored article whose text is replaced (a changed page fetched again): its cluster is
re-checked, and the incremental result is what `dedup --rebuild` computes on the same archive."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.config import DedupSettings, Outlet, Settings
from archiver.dedup_rebuild import rebuild
from archiver.fingerprint import Fingerprinter
from archiver.models import Article, Page
from archiver.pipeline import Pipeline
from archiver.store import Store
from tests.cli.helpers import by_input, invoke, records, write_config
from tests.dedup_texts import article, story
from tests.servers import TestServer, article_html, sequence, static

SETTINGS = Settings(
    outlets=(Outlet(name="barada", url="https://barada.example", aliases=("Barada Post",)),),
    dedup=DedupSettings(workers=1),
)

Fields = tuple[str | None, str | None, float | None, str | None]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "archive", write=True) as opened:
        yield opened


def put(pipeline: Pipeline, item: Article) -> Article:
    """Store `item` as `Pipeline.store_extracted` does (one transaction); a stored id's text is
    replaced, as when its page changed and was fetched again."""
    fetched = datetime.fromisoformat(item.fetched_at.replace("Z", "+00:00")).astimezone(UTC)
    page = Page(item.url, item.url, 200, (("Content-Type", "text/html"),), b"<p>x</p>", fetched)
    with pipeline.store.transaction():
        outcome = pipeline.store_article(page, item)
    assert outcome.article is not None
    return outcome.article


def everything(store: Store) -> dict[str, Fields]:
    rows = store.conn.execute(
        "SELECT id, cluster, duplicate_of, similarity, dedup_method FROM articles"
    )
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


def assert_rebuild_agrees(store: Store) -> dict[str, Fields]:
    """The incremental fields are what a rebuild computes: it changes nothing."""
    incremental = everything(store)
    stats = rebuild(store, SETTINGS)
    assert everything(store) == incremental
    assert stats.changed == 0
    return incremental


def sidecar(store: Store, article_id: str) -> dict[str, object]:
    (row,) = store.conn.execute("SELECT path FROM articles WHERE id = ?", (article_id,))
    return dict(json.loads((store.root / f"{row[0]}.json").read_text(encoding="utf-8")))


def test_copies_of_a_text_that_changed_no_longer_follow_it(store: Store) -> None:
    """The QA case: an original and two exact mirror copies; the original's page then carries
    an unrelated text. The copies become a cluster of their own, the original a singleton."""
    pipeline = Pipeline(SETTINGS, store)
    text = story(60, "ar", paragraphs=8)
    put(pipeline, article("c1", text, fetched_minutes=0))
    put(pipeline, article("c2", text, fetched_minutes=1))
    put(pipeline, article("orig", text, outlet="barada", fetched_minutes=2))
    assert everything(store)["c1"] == ("orig", "orig", 1.0, "exact")
    changed = put(pipeline, article("orig", story(61, "ar"), outlet="barada", fetched_minutes=9))
    assert (changed.cluster, changed.duplicate_of) == ("orig", None)
    got = assert_rebuild_agrees(store)
    assert got == {
        "orig": ("orig", None, None, None),
        "c1": ("c1", None, None, None),
        "c2": ("c1", "c1", 1.0, "exact"),
    }
    # The sidecars were rewritten after the commit, from the committed rows.
    assert (sidecar(store, "c2")["cluster"], sidecar(store, "c2")["duplicate_of"]) == ("c1", "c1")
    assert sidecar(store, "c1")["duplicate_of"] is None
    assert store.conn.execute("SELECT COUNT(*) FROM stale_sidecars").fetchone()[0] == 0


def test_copies_that_still_match_a_slightly_updated_original_stay(store: Store) -> None:
    pipeline = Pipeline(SETTINGS, store)
    text = story(62, "en", paragraphs=8)
    cut = "\n\n".join(text.split("\n\n")[:4]) + "\n\nRead more ..."
    put(pipeline, article("orig", text, outlet="barada"))
    put(pipeline, article("wrapped", f"Blog\n\n{text}\n\nShare", fetched_minutes=1))
    put(pipeline, article("cut", cut, fetched_minutes=2))
    put(pipeline, article("exact", text, fetched_minutes=3))
    before = everything(store)
    update = f"{text}\n\nUpdate: the council confirmed the figures on Wednesday evening."
    changed = put(pipeline, article("orig", update, outlet="barada", fetched_minutes=9))
    assert (changed.cluster, changed.duplicate_of) == ("orig", None)
    got = assert_rebuild_agrees(store)
    assert got["orig"] == ("orig", None, None, None)
    assert got["wrapped"][:2] == got["cut"][:2] == ("orig", "orig")
    assert got["cut"][3] == "contained" and got["wrapped"][3] in ("near", "contained")
    # The exact copy kept the old text: it is a near copy of the new one now, still in.
    assert got["exact"][:2] == ("orig", "orig") and got["exact"][3] != "exact"
    assert before["exact"][3] == "exact"


def test_a_hub_that_changed_leaves_the_parts_it_joined_apart(store: Store) -> None:
    """Two excerpts were one cluster only through the full text; it changes, they part."""
    pipeline = Pipeline(SETTINGS, store)
    text = story(63, "en", paragraphs=12)
    paragraphs = text.split("\n\n")
    put(pipeline, article("head", "\n\n".join(paragraphs[:4]) + "\n\nRead more ..."))
    put(pipeline, article("tail", "Part two\n\n" + "\n\n".join(paragraphs[-4:]), fetched_minutes=1))
    put(pipeline, article("full", text, outlet="barada", fetched_minutes=2))
    assert {c for c, *_ in everything(store).values()} == {"full"}
    put(pipeline, article("full", story(64, "en"), outlet="barada", fetched_minutes=9))
    got = assert_rebuild_agrees(store)
    assert got == {
        "full": ("full", None, None, None),
        "head": ("head", None, None, None),
        "tail": ("tail", None, None, None),
    }


def test_a_changed_copy_leaves_and_the_cluster_keeps_its_canonical(store: Store) -> None:
    pipeline = Pipeline(SETTINGS, store)
    text = story(65, "en", paragraphs=8)
    put(pipeline, article("orig", text, outlet="barada"))
    put(pipeline, article("m1", f"Blog\n\n{text}", fetched_minutes=1))
    put(pipeline, article("m2", f"{text}\n\nShare", fetched_minutes=2))
    changed = put(pipeline, article("m1", story(66, "en"), fetched_minutes=9))
    assert (changed.cluster, changed.duplicate_of, changed.dedup_method) == ("m1", None, None)
    got = assert_rebuild_agrees(store)
    assert got["orig"] == ("orig", None, None, None)
    assert got["m2"][:2] == ("orig", "orig")


def test_a_changed_text_joins_the_cluster_it_now_copies(store: Store) -> None:
    """The article leaves its cluster for another; the one it left gets a new canonical."""
    pipeline = Pipeline(SETTINGS, store)
    first, second = story(67, "en", paragraphs=8), story(68, "en", paragraphs=8)
    put(pipeline, article("a", first, outlet="barada", published="2025-03-01T08:00:00Z"))
    put(pipeline, article("a-copy", f"Blog\n\n{first}", fetched_minutes=1))
    put(pipeline, article("a-copy2", f"{first}\n\nShare", fetched_minutes=2))
    put(pipeline, article("b", second, published="2025-02-01T08:00:00Z", fetched_minutes=3))
    changed = put(
        pipeline,
        article("a", f"{second}\n\nSource: elsewhere", outlet="barada", fetched_minutes=9),
    )
    # A configured outlet is preferred: it takes over b's cluster.
    assert (changed.cluster, changed.duplicate_of) == ("a", None)
    got = assert_rebuild_agrees(store)
    assert got["b"][:2] == ("a", "a")
    assert got["a-copy"][0] == got["a-copy2"][0] in ("a-copy", "a-copy2")
    assert got["a-copy"][0] != "a"


def test_a_series_of_changes_agrees_with_rebuild_each_time(store: Store) -> None:
    """Back and forth: a page changes to another story, then back; clusters follow."""
    pipeline = Pipeline(SETTINGS, store)
    first, second = story(69, "ar", paragraphs=8), story(70, "ar", paragraphs=8)
    put(pipeline, article("orig", first, outlet="barada"))
    put(pipeline, article("copy", first, fetched_minutes=1))
    put(pipeline, article("other", second, fetched_minutes=2))
    put(pipeline, article("other-copy", f"{second}\n\nشارك", fetched_minutes=3))
    put(pipeline, article("orig", second, outlet="barada", fetched_minutes=10))
    got = assert_rebuild_agrees(store)
    assert got["copy"] == ("copy", None, None, None)
    assert got["other"][:2] == got["other-copy"][:2] == ("orig", "orig")
    put(pipeline, article("orig", first, outlet="barada", fetched_minutes=20))
    got = assert_rebuild_agrees(store)
    assert got["copy"] == ("orig", "orig", 1.0, "exact")
    assert got["other"] == ("other", None, None, None)
    assert got["other-copy"][:2] == ("other", "other")


def test_the_old_texts_index_keys_are_gone(store: Store) -> None:
    pipeline = Pipeline(SETTINGS, store)
    old, new = story(71, "en", paragraphs=8), story(72, "en", paragraphs=8)
    put(pipeline, article("orig", old, outlet="barada"))
    put(pipeline, article("orig", new, outlet="barada", fetched_minutes=9))
    deduper = pipeline.deduper
    fingerprinter = Fingerprinter(deduper.fingerprinter.params)
    assert "orig" not in deduper.candidates(fingerprinter.fingerprint(old))
    assert deduper.candidates(fingerprinter.fingerprint(new)) == ["orig"]
    (keys,) = store.conn.execute("SELECT COUNT(*) FROM dedup_keys").fetchone()
    assert keys == len(set(fingerprinter.fingerprint(new).keys.tolist()))


def test_a_rolled_back_replacement_changes_no_cluster(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = Pipeline(SETTINGS, store)
    text = story(73, "en", paragraphs=8)
    put(pipeline, article("c1", text))
    put(pipeline, article("orig", text, outlet="barada", fetched_minutes=1))
    before = everything(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.deduper.near_index, "add", fail)
    with pytest.raises(OSError):
        put(pipeline, article("orig", story(74, "en"), outlet="barada", fetched_minutes=9))
    assert everything(store) == before
    assert sidecar(store, "c1")["duplicate_of"] == "orig"


def test_without_near_detection_exact_groups_still_follow_the_text(store: Store) -> None:
    settings = replace(SETTINGS, dedup=replace(SETTINGS.dedup, near=False))
    pipeline = Pipeline(settings, store)
    text = story(75, "en", paragraphs=8)
    put(pipeline, article("c1", text))
    put(pipeline, article("orig", text, outlet="barada", fetched_minutes=1))
    put(pipeline, article("orig", story(76, "en"), outlet="barada", fetched_minutes=9))
    assert everything(store) == {
        "c1": ("c1", None, None, None),
        "orig": ("orig", None, None, None),
    }


def test_fetching_a_changed_page_again_agrees_with_rebuild(
    tmp_path: Path, server: TestServer, fast_backoff: None
) -> None:
    """End to end, as QA found it: an outlet's page and a mirror's copy of it are fetched; the
    outlet's page then carries another story and is fetched again."""
    mirror = TestServer()
    mirror.start()
    try:
        first, second = story(77, "ar", paragraphs=6), story(78, "ar", paragraphs=6)

        def page(text: str) -> str:
            return article_html("عنوان", text.split("\n\n"), lang="ar", site_name="عين")

        original = server.route("/news/s1", sequence(static(page(first)), static(page(second))))
        copy = mirror.route("/p/s1", static(page(first)))
        config = write_config(tmp_path, [("ain-news", server.url("/"), "ar")])
        archive = tmp_path / "archive"
        result = invoke(config, archive, "fetch", original, copy)
        assert result.exit_code == 0, result.stderr
        orig_id, copy_id = by_input(result)[original]["id"], by_input(result)[copy]["id"]
        with Store.open(archive) as store:
            assert everything(store)[copy_id] == (orig_id, orig_id, 1.0, "exact")
        result = invoke(config, archive, "fetch", original)
        assert result.exit_code == 0, result.stderr
        assert by_input(result)[original]["status"] == "stored"  # the new text
    finally:
        mirror.stop()
    with Store.open(archive) as store:
        incremental = everything(store)
    assert incremental == {
        orig_id: (orig_id, None, None, None),
        copy_id: (copy_id, None, None, None),  # the copy left: nothing it matches is archived
    }
    result = invoke(config, archive, "dedup", "--rebuild", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert records(result)[0]["changed"] == 0
    with Store.open(archive) as store:
        assert everything(store) == incremental

"""`archiver dedup --rebuild`, `clusters`, `ls --originals/--duplicates`, `show` clusters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archiver.store import Store
from tests.cli.helpers import invoke, records
from tests.dedup_texts import article, story


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive of 3 stories (an original, a wrapped and a truncated copy each) and 2 loners,
    stored without dedup fields, as an archive from before near-duplicate detection."""
    path = tmp_path / "archive"
    with Store.open(path, write=True) as store:
        for i in range(3):
            text = story(100 + i, "ar" if i % 2 else "en", paragraphs=8)
            cut = "\n\n".join(text.split("\n\n")[:3]) + "\n\n..."
            store.add_article(article(f"o{i}", text, outlet="barada", fetched_minutes=10 * i))
            store.add_article(
                article(
                    f"w{i}",
                    f"Blog\n\n{text}\n\nShare",
                    fetched_minutes=10 * i + 1,
                    published=f"2025-03-0{i + 2}T10:00:00Z",
                )
            )
            store.add_article(article(f"t{i}", cut, fetched_minutes=10 * i + 2))
        for i in range(2):
            store.add_article(article(f"alone{i}", story(200 + i), fetched_minutes=50 + i))
    return path


def test_rebuild_then_clusters(archive: Path) -> None:
    result = invoke(None, archive, "dedup", "--rebuild", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    (stats,) = records(result)
    assert stats["articles"] == 11 and stats["clusters"] == 3 and stats["duplicates"] == 6
    clusters = records(invoke(None, archive, "clusters"))
    assert len(clusters) == 3
    for cluster in clusters:
        i = cluster["canonical"][1:]
        assert cluster["canonical"] == f"o{i}" and cluster["size"] == 3
        methods = {m["id"]: m["method"] for m in cluster["members"]}
        assert methods == {f"o{i}": None, f"w{i}": "near", f"t{i}": "contained"}
    assert len(records(invoke(None, archive, "clusters", "--min-size", "1"))) == 5
    assert records(invoke(None, archive, "clusters", "--outlet", "nowhere.example")) == []
    since = records(invoke(None, archive, "clusters", "--since", "2025-03-02"))
    assert since == []  # every canonical was published on 2025-03-01
    # The filters also let clusters through: an outlet with members, a date before the data.
    barada = records(invoke(None, archive, "clusters", "--outlet", "barada"))
    assert {c["canonical"] for c in barada} == {"o0", "o1", "o2"}
    singles = records(invoke(None, archive, "clusters", "--min-size", "1", "--outlet", "barada"))
    assert {c["canonical"] for c in singles} == {"o0", "o1", "o2"}  # the loners are elsewhere
    mirrored = records(invoke(None, archive, "clusters", "--outlet", "mirror.example"))
    assert len(mirrored) == 3  # a duplicate's outlet counts too
    for day in ("2025-02-28", "2025-03-01", "2025-03-01T07:00:00Z"):
        dated = records(invoke(None, archive, "clusters", "--since", day))
        assert {c["canonical"] for c in dated} == {"o0", "o1", "o2"}
    # Published 10:00 at +03:00 is 07:00 UTC: before 08:00Z, whatever the text says.
    assert records(invoke(None, archive, "clusters", "--since", "2025-03-01T08:00:00Z")) == []


def test_ls_filters_and_show_lists_the_cluster(archive: Path) -> None:
    invoke(None, archive, "dedup", "--rebuild", "--workers", "1")
    originals = {r["id"] for r in records(invoke(None, archive, "ls", "--originals"))}
    duplicates = {r["id"] for r in records(invoke(None, archive, "ls", "--duplicates"))}
    assert originals == {"o0", "o1", "o2", "alone0", "alone1"}
    assert duplicates == {"w0", "w1", "w2", "t0", "t1", "t2"}
    both = invoke(None, archive, "ls", "--originals", "--duplicates")
    assert both.exit_code == 2 and "just one" in both.stderr
    (shown,) = records(invoke(None, archive, "show", "t1"))
    assert shown["duplicate_of"] == "o1"
    assert {m["id"] for m in shown["cluster_members"]} == {"o1", "w1", "t1"}
    (alone,) = records(invoke(None, archive, "show", "alone0"))
    assert alone["cluster_members"] == []


def test_dedup_without_rebuild_is_a_usage_error(archive: Path) -> None:
    result = invoke(None, archive, "dedup")
    assert result.exit_code == 2 and "--rebuild" in result.stderr


def test_clusters_canonical_url_is_the_canonical_s_canonical_url(tmp_path: Path) -> None:
    # Not the URL it was fetched at, with the feed's tracking tail: the record's canonical_url.
    archive = tmp_path / "archive"
    text = story(300, "en", paragraphs=8)
    fetched = "https://barada.example/news/o?utm_source=rss&utm_medium=feed#top"
    with Store.open(archive, write=True) as store:
        original = article("o", text, outlet="barada.example")
        store.add_article(
            replace(original, url=fetched, canonical_url="https://barada.example/news/o")
        )
        store.add_article(article("w", f"Blog\n\n{text}\n\nShare", fetched_minutes=1))
    assert invoke(None, archive, "dedup", "--rebuild", "--workers", "1").exit_code == 0
    (cluster,) = records(invoke(None, archive, "clusters"))
    assert cluster["canonical"] == "o"
    assert cluster["canonical_url"] == "https://barada.example/news/o"
    assert {m["id"]: m["url"] for m in cluster["members"]}["o"] == fetched  # members: as fetched

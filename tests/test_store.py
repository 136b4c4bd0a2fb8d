"""The archive on disk: SQLite in WAL mode, the writers' lock, atomic files, WARC provenance."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.atomic import write_atomically
from archiver.errors import ArchiveLocked, StoreError
from archiver.lock import ArchiveLock
from archiver.models import Article, Page
from archiver.normalize import content_sha256, word_count
from archiver.store import (
    DATED_START,
    ArticleFilter,
    FetchRow,
    Store,
    _where,
    parse_date_bound,
)
from archiver.urls import article_id, canonicalize_url
from tests.servers import EN_PARAGRAPHS, article_html

REPO = Path(__file__).resolve().parents[1]


def make_page(url: str, html: str, when: datetime | None = None) -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("Server", "fictional")),
        body=html.encode("utf-8"),
        fetched_at=when or datetime(2025, 3, 5, 8, 0, tzinfo=UTC),
        request_headers=(("Host", "courier.example"), ("User-Agent", "archiver-test")),
    )


def make_article(url: str, text: str, **fields: object) -> Article:
    canonical = canonicalize_url(url)
    values: dict[str, object] = {
        "id": article_id(canonical),
        "url": url,
        "canonical_url": canonical,
        "outlet": "orontes-courier",
        "title": "A fictional story",
        "published": "2025-03-04T10:30:00+03:00",
        "language": "en",
        "fetched_at": "2025-03-05T08:00:00Z",
        "text": text,
        "word_count": word_count(text),
        "sha256": content_sha256(text),
    }
    values.update(fields)
    values.setdefault("cluster", values["id"])
    return Article(**values)  # type: ignore[arg-type]


def store_one(store: Store, url: str, text: str, **fields: object) -> Article:
    """Write a WARC exchange and the article, as the pipeline does."""
    article = make_article(url, text, **fields)
    location = store.write_warc(make_page(url, article_html("A fictional story", [text])))
    article.warc_file, article.warc_record_id = location.filename, location.record_id
    row = FetchRow(url=url, outcome="stored", fetched_at=article.fetched_at, article_id=article.id)
    from dataclasses import replace

    store.add_article(article, fetch=replace(row, warc=location))
    return article


TEXT = "\n\n".join(EN_PARAGRAPHS)


# -- SQLite ----------------------------------------------------------------------------------


def test_index_is_wal_and_passes_integrity_check(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a", write=True) as store:
        store_one(store, "https://courier.example/news/1", TEXT)
    conn = sqlite3.connect(tmp_path / "a" / "index.sqlite")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_read_only_open_of_missing_archive_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no archive"):
        Store.open(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()  # readers never create an archive


def test_corrupt_index_is_a_clear_store_error(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "index.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        Store.open(root, write=True)
    # The lock was released: another writer can still take it.
    with ArchiveLock(root):
        pass


def test_a_reader_opens_the_index_read_only(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        store_one(store, "https://courier.example/1", TEXT)
    with Store.open(root) as reader:
        assert reader.count() == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.conn.execute("DELETE FROM articles")
    with Store.open(root) as reader:
        assert reader.count() == 1


def test_a_corrupt_index_is_a_clear_store_error_for_readers_too(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "index.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="unreadable: file is not a database"):
        Store.open(root)


def test_articles_round_trip_with_text_and_files(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        article = store_one(store, "https://courier.example/news/1?utm_source=x", TEXT)
    with Store.open(root) as store:
        got = store.get(article.id)
        assert got is not None
        assert got.text == TEXT
        assert got.to_dict() == article.to_dict()
        assert store.get_by_url_key("courier.example/news/1") is not None
    base = root / "articles" / "orontes-courier" / "2025" / "03" / article.id
    assert base.with_suffix(".txt").read_text(encoding="utf-8") == TEXT
    sidecar = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["id"] == article.id and "text" not in sidecar


def test_filters_by_outlet_language_and_dates(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a", write=True) as store:
        store_one(store, "https://a.example/1", "first story " * 30, published="2025-01-10")
        store_one(
            store,
            "https://b.example/2",
            "second story " * 30,
            outlet="other",
            language="ar",
            published="2025-02-20T23:30:00+03:00",
        )
        store_one(store, "https://a.example/3", "third story " * 30, published=None)

        def ids(**kw: object) -> list[str]:
            flt = ArticleFilter(**kw)  # type: ignore[arg-type]
            return [a.url for a in store.iter_articles(flt, with_text=False)]

        assert ids() == ["https://a.example/1", "https://b.example/2", "https://a.example/3"]
        assert ids(outlets=("other",)) == ["https://b.example/2"]
        assert ids(languages=("ar",)) == ["https://b.example/2"]
        assert ids(since="2025-02-01", until="2025-02-20") == ["https://b.example/2"]
        assert ids(until="2025-01-10") == ["https://a.example/1"]  # the until-day is included
        # No published date: filed and filtered by its fetch date.
        assert ids(since="2025-03-05") == ["https://a.example/3"]


# Published values of every form the archive holds, named for the test table below.
DATED = {
    "late": "2025-03-05T22:30:00+03:00",  # 19:30 UTC on the 5th
    "early": "2025-03-05T01:00:00+03:00",  # 22:00 UTC on the 4th: the 5th as dated
    "fetched": None,  # no published date: its fetch time, 2025-03-05T08:00:00Z
    "day": "2025-05-01",  # a date only
    "naive": "2025-05-01T10:00:00",  # no offset: UTC
    "west": "2025-04-30T23:00:00-05:00",  # 04:00 UTC on 1 May: 30 April as dated
    "month": "2025-06",  # a month only: its first day
}

DATE_FILTERS = [
    # Datetime bounds compare instants.
    ({"since": "2025-03-05T20:00:00Z"}, {"day", "naive", "west", "month"}),
    ({"until": "2025-03-05T20:00:00Z"}, {"late", "early", "fetched"}),
    ({"since": "2025-03-05T19:30:00"}, {"late", "day", "naive", "west", "month"}),  # naive: UTC
    ({"since": "2025-03-05T22:30:00+03:00", "until": "2025-03-05T19:30:00Z"}, {"late"}),
    ({"since": "2025-05-01T00:00:00Z"}, {"day", "naive", "west", "month"}),
    # A date-only article matches while any moment of its (UTC) day is in range.
    ({"since": "2025-05-01T12:00:00Z"}, {"day", "month"}),
    ({"until": "2025-05-01T03:00:00+03:00"}, {"late", "early", "fetched", "day"}),
    ({"until": "2025-04-30T23:59:59.999Z"}, {"late", "early", "fetched"}),
    # Date bounds compare calendar days as each article is dated; the until-day is included.
    ({"since": "2025-03-05", "until": "2025-03-05"}, {"late", "early", "fetched"}),
    ({"until": "2025-04-30"}, {"late", "early", "fetched", "west"}),
    ({"since": "2025-05-01"}, {"day", "naive", "month"}),
    ({"since": "2025-06-01", "until": "2025-06-01"}, {"month"}),
    ({"since": "2025-06-02"}, set()),
]


def test_date_filters_compare_instants_and_days(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a", write=True) as store:
        stored = {
            store_one(
                store, f"https://a.example/{name}", f"{name} story " * 30, published=value
            ).id: name
            for name, value in DATED.items()
        }

        def names(flt: ArticleFilter) -> list[str]:
            return [stored[a.id] for a in store.iter_articles(flt, with_text=False)]

        # Oldest first by instant: text order would put "west" (30 April as written) before "day".
        assert names(ArticleFilter()) == [
            "early", "fetched", "late", "day", "west", "naive", "month",
        ]  # fmt: skip
        for bounds, expected in DATE_FILTERS:
            assert set(names(ArticleFilter(**bounds))) == expected, bounds
            # `clusters --since` tests one article at a time, with the same SQL.
            within = {
                stored[a.id]
                for a in store.iter_articles(with_text=False)
                if store.dated_within(a, bounds.get("since"), bounds.get("until"))
            }
            assert within == expected, bounds
        # The index answers the ranges, in order: no scan, no sort.
        where, params = _where(ArticleFilter(since="2025-05-01T00:00:00Z", until="2025-06-01"))
        plan = " ".join(
            row[3]
            for row in store.conn.execute(
                f"EXPLAIN QUERY PLAN SELECT * FROM articles {where} ORDER BY {DATED_START}, id",
                params,
            )
        )
        assert "USING INDEX articles_dated" in plan and "TEMP B-TREE" not in plan


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", "2025-03", "2025-03-05T25:00"])
def test_bad_date_bounds_are_value_errors(value: str) -> None:
    with pytest.raises(ValueError):
        parse_date_bound(value)


def test_update_dedup_rewrites_index_and_sidecar(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        first = store_one(store, "https://a.example/1", TEXT)
        second = store_one(store, "https://a.example/2", TEXT + " More.")
        store.update_dedup(
            second.id, cluster=first.id, duplicate_of=first.id, similarity=0.97, method="near"
        )
        got = store.get(second.id)
        assert got is not None
        assert (got.cluster, got.duplicate_of, got.similarity, got.dedup_method) == (
            first.id,
            first.id,
            0.97,
            "near",
        )
        sidecar = next(root.glob(f"articles/**/{second.id}.json"))
        assert json.loads(sidecar.read_text())["duplicate_of"] == first.id
        with pytest.raises(StoreError):
            store.update_dedup(
                "0" * 16, cluster=None, duplicate_of=None, similarity=None, method=None
            )


def _sidecar(root: Path, article_id: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        next(root.glob(f"articles/**/{article_id}.json")).read_text()
    )
    return data


def test_a_rolled_back_dedup_change_leaves_the_sidecar_as_the_index_has_it(
    tmp_path: Path,
) -> None:
    """A takeover rewritten inside an article's transaction that then fails (the crawl stores
    an article, its dedup changes and its learning in one) must not leave the sidecar ahead."""
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        first = store_one(store, "https://a.example/1", TEXT)
        second = store_one(store, "https://a.example/2", TEXT + " More.")
        with pytest.raises(OSError), store.transaction():
            store.update_dedup(
                first.id, cluster=second.id, duplicate_of=second.id, similarity=0.9, method="near"
            )
            raise OSError("a later step of the same article fails")
        got = store.get(first.id, with_text=False)
        assert got is not None and got.duplicate_of is None
        assert _sidecar(root, first.id)["duplicate_of"] is None
        assert store.conn.execute("SELECT COUNT(*) FROM stale_sidecars").fetchone()[0] == 0


_KILLED_AFTER_COMMIT = """
import os, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from archiver.store import Store

def killed(self, ids):
    os._exit(9) if ids else None  # the process dies between the commit and the rewrite

with Store.open(Path({root!r}), write=True) as store:
    Store._write_stale_sidecars = killed
    store.update_dedup({id!r}, cluster={other!r}, duplicate_of={other!r}, similarity=0.9,
                       method="near")
"""


def test_a_sidecar_rewrite_cut_off_by_a_kill_is_finished_by_the_next_writer(
    tmp_path: Path,
) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        first = store_one(store, "https://a.example/1", TEXT)
        second = store_one(store, "https://a.example/2", TEXT + " More.")
    script = _KILLED_AFTER_COMMIT.format(
        repo=str(REPO), root=str(root), id=second.id, other=first.id
    )
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    assert _sidecar(root, second.id)["duplicate_of"] is None  # committed, not yet rewritten
    with Store.open(root) as reader:  # readers see the committed record
        got = reader.get(second.id, with_text=False)
        assert got is not None and got.duplicate_of == first.id
    with Store.open(root, write=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM stale_sidecars").fetchone()[0] == 0
    assert _sidecar(root, second.id)["duplicate_of"] == first.id
    assert _sidecar(root, second.id)["dedup_method"] == "near"


def test_replacing_an_article_keeps_the_previous_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a", write=True) as store:
        old = store_one(store, "https://a.example/1", TEXT)
        new = make_article("https://a.example/1", TEXT + "\n\nA correction was added.")
        new.fetched_at = "2025-03-06T08:00:00Z"
        store.add_article(new, replace=True)
        assert store.count() == 1
        got = store.get(old.id)
        assert got is not None and got.text.endswith("A correction was added.")
        versions = store.conn.execute("SELECT sha256 FROM versions").fetchall()
        assert [v[0] for v in versions] == [old.sha256]


# -- the lock --------------------------------------------------------------------------------


def test_second_writer_is_refused_with_the_holder_pid(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True):
        with pytest.raises(ArchiveLocked) as info:
            Store.open(root, write=True)
        assert info.value.pid == os.getpid()
        assert str(os.getpid()) in str(info.value)
        # Readers are not blocked by a writer.
        with Store.open(root) as reader:
            assert reader.count() == 0
    with Store.open(root, write=True):  # released on close
        pass


def _lock_holder(root: Path) -> subprocess.Popen[str]:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from archiver.lock import ArchiveLock\n"
        "ArchiveLock(Path(sys.argv[1])).acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_held_by_another_process_names_it(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    proc = _lock_holder(root)
    try:
        with pytest.raises(ArchiveLocked) as info:
            ArchiveLock(root).acquire()
        assert info.value.pid == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    proc = _lock_holder(root)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (root / "lock").read_text().strip() == str(proc.pid)  # the stale pid is still there
    with ArchiveLock(root):
        assert (root / "lock").read_text().strip() == str(os.getpid())


# -- WARC provenance -------------------------------------------------------------------------


def _records(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, "rb") as stream:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Record-ID"),
            )
            for r in ArchiveIterator(stream)
        ]


def test_warc_has_request_and_response_and_the_index_has_the_record_id(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        article = store_one(store, "https://courier.example/news/1", TEXT)
    (warc,) = (root / "warc").glob("*.warc.gz")
    records = _records(warc)
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    response_id = records[1][2]
    assert records[1][1] == "https://courier.example/news/1"
    with Store.open(root) as store:
        row = store.conn.execute(
            "SELECT warc_file, warc_record_id, warc_offset FROM fetches"
        ).fetchone()
        got = store.get(article.id)
    assert got is not None and got.warc_record_id == response_id
    assert (row["warc_file"], row["warc_record_id"]) == (warc.name, response_id)
    # The stored offset points at the response record.
    with open(warc, "rb") as stream:
        stream.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_type == "response"
        assert b"Tal Qamar" in record.content_stream().read()
        assert record.http_headers.get_statuscode() == "200"


def test_warc_response_keeps_body_and_describes_it(tmp_path: Path) -> None:
    root = tmp_path / "a"
    page = Page(
        url="https://courier.example/x",
        final_url="https://courier.example/x",
        status=200,
        headers=(
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "12"),
        ),
        body=b"<p>inflated body</p>",
        fetched_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    )
    with Store.open(root, write=True) as store:
        store.write_warc(page)
    (warc,) = (root / "warc").glob("*.warc.gz")
    with open(warc, "rb") as stream:
        response = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        # The stored body is decoded, so its headers must not claim gzip or the wire length.
        assert response.http_headers.get_header("Content-Encoding") is None
        assert response.http_headers.get_header("Content-Length") == str(len(page.body))
        assert response.rec_headers.get_header("WARC-Date") == "2024-05-01T12:00:00Z"
        assert response.content_stream().read() == page.body


def test_truncated_warc_tail_is_repaired_on_open(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        store_one(store, "https://courier.example/news/1", TEXT)
    (warc,) = (root / "warc").glob("*.warc.gz")
    committed = warc.stat().st_size
    # A run killed mid-record leaves half a gzip member after the last commit.
    other = tmp_path / "b"
    with Store.open(other, write=True) as scratch:
        store_one(scratch, "https://courier.example/news/2", TEXT + " two")
    (other_warc,) = (other / "warc").glob("*.warc.gz")
    half = other_warc.read_bytes()[: other_warc.stat().st_size // 2]
    with open(warc, "ab") as handle:
        handle.write(half[-700:])
    with pytest.raises(Exception):  # noqa: B017 - warcio's errors vary with the cut
        _records(warc)
    with Store.open(root, write=True):
        pass
    assert warc.stat().st_size == committed
    assert [r[0] for r in _records(warc)] == ["warcinfo", "response", "request"]


def test_uncommitted_warc_file_is_repaired_on_open(tmp_path: Path) -> None:
    """A run killed during its first exchange leaves a WARC file the index never committed."""
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        store.write_warc(make_page("https://courier.example/1", article_html("T", [TEXT])))
        # Killed before the article's transaction: nothing about this file is committed.
    (warc,) = (root / "warc").glob("*.warc.gz")
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 200])  # and the last record was half written
    with Store.open(root, write=True):
        pass
    # Cut back to what was committed: the warcinfo record, which reads back whole.
    (repaired,) = (root / "warc").glob("*.warc.gz")
    assert [rec_type for rec_type, _uri, _id in _records(repaired)] == ["warcinfo"]


def test_two_runs_write_separate_readable_warcs(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        store_one(store, "https://courier.example/1", TEXT)
    with Store.open(root, write=True) as store:
        store_one(store, "https://courier.example/2", TEXT + " two")
    warcs = sorted((root / "warc").glob("*.warc.gz"))
    assert len(warcs) == 2
    assert all(_records(w)[0][0] == "warcinfo" for w in warcs)


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.test_store import TEXT, store_one
from archiver.store import Store

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
root = Path({root!r})
with Store.open(root, write=True) as store:
    store_one(store, "https://courier.example/news/1", TEXT)
    (warc,) = (root / "warc").glob("*.warc.gz")
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    # Room for part of the next exchange only: the write stops half-way, like a full disk.
    resource.setrlimit(resource.RLIMIT_FSIZE, (warc.stat().st_size + 900, hard))
    try:
        store_one(store, "https://courier.example/news/2", TEXT + " two")
    except OSError as exc:
        print("failed:", exc.errno)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    store_one(store, "https://courier.example/news/3", TEXT + " three")
"""


def test_a_warc_append_that_fails_half_way_leaves_no_half_record(tmp_path: Path) -> None:
    """A write cut short (full disk) is cut back, so the next commit covers only whole records."""
    root = tmp_path / "a"
    script = _FULL_DISK.format(repo=str(REPO), root=str(root))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "failed: 27" in done.stdout  # EFBIG: the second exchange did not fit
    (warc,) = (root / "warc").glob("*.warc.gz")
    records = _records(warc)  # warcio reads the whole file: no broken member in the middle
    uris = [uri for kind, uri, _id in records if kind == "response"]
    assert uris == ["https://courier.example/news/1", "https://courier.example/news/3"]
    with Store.open(root) as store:
        rows = store.conn.execute("SELECT url, warc_offset FROM fetches ORDER BY seq").fetchall()
        committed = store.conn.execute("SELECT committed FROM warc_files").fetchone()[0]
    assert [r["url"] for r in rows] == uris
    assert committed == warc.stat().st_size
    with open(warc, "rb") as stream:
        stream.seek(rows[1]["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Target-URI") == uris[1]


# -- atomic files ----------------------------------------------------------------------------


def test_atomic_write_replaces_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "d" / "file.json"
    write_atomically(target, "old contents\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomically(target, "new contents\n")
    assert target.read_text() == "old contents\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]  # no temp left


def test_failed_index_write_leaves_no_half_article(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        first = store_one(store, "https://courier.example/1", TEXT)
        clash = make_article("https://courier.example/1", "different text " * 20)
        clash.fetched_at = "2025-03-06T08:00:00Z"
        with pytest.raises(sqlite3.IntegrityError):
            store.add_article(clash)  # same id, not a replace: the transaction rolls back
        assert store.count() == 1
        assert not store.conn.in_transaction
        got = store.get(first.id)
        assert got is not None and got.sha256 == first.sha256


@pytest.mark.parametrize("fsync", [True, False])
def test_fsync_setting_controls_durability_calls_not_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsync: bool
) -> None:
    calls: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        calls.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    root = tmp_path / "a"
    with Store.open(root, write=True, fsync=fsync) as store:
        stored = store_one(store, "https://courier.example/durable", TEXT)
    assert (len(calls) > 0) is fsync
    with Store.open(root) as reader:
        again = reader.get(stored.id)
    assert again is not None and again.text == stored.text
    warcs = list((root / "warc").glob("*.warc.gz"))
    assert warcs and all(_records(w) for w in warcs)


def test_replace_interrupted_before_commit_keeps_index_and_files_in_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "a"
    with Store.open(root, write=True) as store:
        old = store_one(store, "https://a.example/2", TEXT)
        new = make_article("https://a.example/2", TEXT + "\n\nAn update was appended.")
        new.fetched_at = "2025-03-07T08:00:00Z"

        def killed(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt  # stands in for a kill between the files and the commit

        monkeypatch.setattr(store, "_insert", killed)
        with pytest.raises(KeyboardInterrupt):
            store.add_article(new, replace=True)
    with Store.open(root) as reader:
        got = reader.get(old.id)
        assert got is not None and got.text == old.text  # the files the index names are intact
        assert reader.conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0


_WRITE_UNDER_UMASK = """
import os, sys
from pathlib import Path
from archiver.atomic import write_atomically
os.umask(int(sys.argv[1], 8))
for name in sys.argv[2:]:
    write_atomically(Path(name), "text\\n", fsync=False)
"""


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_atomic_write_gives_new_files_the_mode_the_umask_allows(
    tmp_path: Path, umask: int, expected: int
) -> None:
    # A real umask, set in a process of its own (the umask is process-wide).
    new = tmp_path / "d" / "new.txt"
    subprocess.run(
        [sys.executable, "-c", _WRITE_UNDER_UMASK, oct(umask), str(new)],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert new.read_text() == "text\n"
    assert new.stat().st_mode & 0o777 == expected
    assert [p.name for p in new.parent.iterdir()] == ["new.txt"]


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    shared, private = tmp_path / "shared.json", tmp_path / "private.json"
    for path, mode in ((shared, 0o664), (private, 0o600)):
        path.write_text("old\n")
        path.chmod(mode)
    subprocess.run(
        [sys.executable, "-c", _WRITE_UNDER_UMASK, "022", str(shared), str(private)],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert shared.read_text() == private.read_text() == "text\n"
    assert shared.stat().st_mode & 0o777 == 0o664
    assert private.stat().st_mode & 0o777 == 0o600


def test_a_reader_s_shared_lock_keeps_writers_out_without_naming_a_dead_pid(
    tmp_path: Path,
) -> None:
    from archiver.lock import ReaderLock

    root = tmp_path / "a"
    Store.open(root, write=True).close()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (root / "lock").write_text(f"{gone.pid}\n")  # the last writer, long dead
    reader_lock = ReaderLock(root)
    assert reader_lock.acquire()
    try:
        with pytest.raises(ArchiveLocked, match="locked by another process"):
            Store.open(root, write=True)
    finally:
        reader_lock.release()
    Store.open(root, write=True).close()
    assert not ReaderLock(tmp_path / "no-archive").acquire()  # no lock file: nothing to hold

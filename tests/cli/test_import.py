"""`archiver import`: WARC captures (an outlet and a mirror) go through the pipeline offline."""

from __future__ import annotations

import gzip
import io
import os
import threading
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.normalize import content_sha256
from archiver.store import Store
from tests.cli.helpers import (
    MIRROR,
    ORIGIN,
    Capture,
    build_warc,
    import_sample,
    invoke,
    outlet_captures,
    query,
    records,
    warc_records,
    write_config,
)
from tests.servers import AR_TITLE, EN_PARAGRAPHS, EN_TITLE, article_html


def test_import_outlet_and_mirror(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = import_sample(tmp_path, archive)
    got = {r["url"]: r for r in records(result)}
    # The PDF and the 404 capture are passed over; every HTML response became an item.
    assert set(got) == {
        f"{ORIGIN}/en/market",
        f"{ORIGIN}/ar/souq",
        f"{ORIGIN}/en/library",
        f"{MIRROR}/2024/11/market-copy",
    }
    original, copy = got[f"{ORIGIN}/en/market"], got[f"{MIRROR}/2024/11/market-copy"]
    assert original["status"] == "stored" and original["title"] == EN_TITLE
    assert copy["status"] == "duplicate"
    assert copy["duplicate_of"] == original["id"] and copy["similarity"] == 1.0
    assert copy["outlet"] == "mirror.example"  # not configured: named after its host
    # The capture's date is the fetch date, and the original record id is kept.
    assert original["fetched_at"] == "2024-11-02T08:15:00Z"
    assert copy["fetched_at"] == "2024-11-05T12:00:00Z"
    assert original["warc_record_id"] == "<urn:uuid:1b4f0e9d-0000-4000-8000-000000000001>"
    ar = got[f"{ORIGIN}/ar/souq"]
    assert ar["title"] == AR_TITLE and ar["encoding"] == "cp1256" and ar["language"] == "ar"
    assert "import: 3 stored, 1 duplicate" in result.stderr
    # Our own WARC holds the captures under their original record ids.
    ids = {r[2] for r in warc_records(archive) if r[0] == "response"}
    assert ids == {r["warc_record_id"] for r in got.values()}
    assert query(archive, "SELECT COUNT(*) FROM fetches WHERE warc_record_id IS NOT NULL") == [(4,)]


def test_configured_outlet_names_the_captures(tmp_path: Path) -> None:
    config = write_config(tmp_path, [("orontes-courier", ORIGIN + "/", "en")])
    warc = build_warc(tmp_path / "c.warc.gz", outlet_captures())
    result = invoke(config, tmp_path / "archive", "import", str(warc))
    outlets = {r["url"]: r["outlet"] for r in records(result)}
    assert outlets[f"{ORIGIN}/en/market"] == "orontes-courier"
    assert outlets[f"{MIRROR}/2024/11/market-copy"] == "mirror.example"


def test_reimport_stores_nothing_twice(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    import_sample(tmp_path, archive)
    before = warc_records(archive)
    again = invoke(None, archive, "import", str(tmp_path / "courier.warc.gz"))
    assert again.exit_code == 0
    assert {r["status"] for r in records(again)} == {"unchanged"}
    assert warc_records(archive) == before
    with Store.open(archive) as store:
        assert store.count() == 4


def test_resource_records_and_missing_requests_are_read(tmp_path: Path) -> None:
    page = (
        b"<html lang='en'><body><article><h1>A resource capture</h1>"
        + b"".join(
            b"<p>Paragraph %d of a page saved as a resource record, " % i
            + b"the way some archiving tools store whole documents.</p>"
            for i in range(8)
        )
        + b"</article></body></html>"
    )
    warc = build_warc(
        tmp_path / "r.warc.gz",
        [Capture(f"{ORIGIN}/saved", page, "text/html", kind="resource")],
        with_requests=False,
    )
    result = invoke(None, tmp_path / "archive", "import", str(warc))
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert record["status"] == "stored" and "resource record" in record["text"]


def test_unreadable_warc_fails_that_file_only(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00garbage that is not a gzip member" * 10)
    good = build_warc(tmp_path / "good.warc.gz", outlet_captures()[:1])
    result = invoke(None, tmp_path / "archive", "import", str(junk), str(good))
    assert result.exit_code == 3
    assert [r["status"] for r in records(result)] == ["stored"]
    assert "junk.warc.gz" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"Notes from Idlib\n" * 20,
        # Five words on the first line read as an ARC header to warcio's lenient ARC parser,
        # which then yields nothing: the file must still be refused, not imported as empty.
        "ملاحظات من إدلب يوم الاثنين صباحاً\n".encode() * 20,
        b"Notes from Idlib on Monday morning\n" * 20,
        b"",
    ],
)
def test_a_file_that_is_not_a_warc_fails_that_file_only(tmp_path: Path, content: bytes) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    good = build_warc(tmp_path / "good.warc.gz", outlet_captures()[:1])
    result = invoke(None, tmp_path / "archive", "import", str(notes), str(good))
    assert result.exit_code == 3
    assert [r["status"] for r in records(result)] == ["stored"]
    assert "notes.txt: not a readable WARC file" in result.stderr


def test_an_archive_failure_is_not_blamed_on_the_warc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build_warc(tmp_path / "good.warc.gz", outlet_captures()[:1])

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "archive" / "x.txt"))

    monkeypatch.setattr(Store, "add_article", disk_full)
    result = invoke(None, tmp_path / "archive", "import", str(good))
    assert result.exit_code == 1
    assert "not a readable WARC" not in result.stderr and "No space left" in result.stderr


def test_a_failure_after_the_record_is_written_leaves_nothing_half_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record, fetch row, dedup keys and learned counts commit together: a failure in the
    last step (learning) takes the others back, so a re-run stores the article whole."""
    import archiver.pipeline

    good = build_warc(tmp_path / "good.warc.gz", outlet_captures()[:1])
    archive = tmp_path / "archive"

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archiver.pipeline, "observe_article", disk_full)
    assert invoke(None, archive, "import", str(good)).exit_code == 1
    for table in ("articles", "fetches", "dedup_docs", "dedup_keys", "learned_outlets"):
        assert query(archive, f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    monkeypatch.undo()
    again = invoke(None, archive, "import", str(good))
    assert again.exit_code == 0
    assert [r["status"] for r in records(again)] == ["stored"]
    assert query(archive, "SELECT COUNT(*) FROM dedup_docs") == [(1,)]


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_warc_read_from_a_pipe_a_few_bytes_at_a_time(tmp_path: Path, gzipped: bool) -> None:
    """`archiver import <(curl ...)`: a pipe hands out what the writer wrote so far and cannot
    be rewound, so the signature check must neither refuse it nor lose its first bytes."""
    warc = build_warc(tmp_path / "pipe.warc.gz", outlet_captures()[:2])
    data = warc.read_bytes() if gzipped else gzip.decompress(warc.read_bytes())
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "wb", buffering=0) as pipe:
            for start, end in ((0, 1), (1, 3), (3, 40), (40, len(data))):
                pipe.write(data[start:end])
                time.sleep(0.05)

    thread = threading.Thread(target=writer)
    thread.start()
    result = invoke(None, tmp_path / "archive", "import", str(fifo))
    thread.join()
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in records(result)] == ["stored", "stored"]


def test_missing_warc_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(None, tmp_path / "archive", "import", str(tmp_path / "absent.warc.gz"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not (tmp_path / "archive").exists()


def test_import_without_arguments_is_a_usage_error(tmp_path: Path) -> None:
    assert invoke(None, tmp_path / "archive", "import").exit_code == 2


@pytest.mark.parametrize("keep", [0.8, 0.9, 0.95])
def test_truncated_warc_keeps_what_came_before(tmp_path: Path, keep: float) -> None:
    warc = build_warc(tmp_path / "t.warc.gz", outlet_captures())
    data = warc.read_bytes()
    warc.write_bytes(data[: int(len(data) * keep)])  # the mirror's capture is cut
    result = invoke(None, tmp_path / "archive", "import", str(warc))
    assert result.exit_code == 3
    assert "truncated" in result.stderr and "Traceback" not in result.stderr
    got = {r["url"]: r["status"] for r in records(result)}
    assert got == {
        f"{ORIGIN}/en/market": "stored",
        f"{ORIGIN}/ar/souq": "stored",
        f"{ORIGIN}/en/library": "stored",
    }
    assert query(tmp_path / "archive", "PRAGMA integrity_check") == [("ok",)]


def test_wget_style_payloads_are_decoded(tmp_path: Path) -> None:
    """wget keeps the raw wire body: gzip Content-Encoding and chunked Transfer-Encoding."""
    html = article_html(EN_TITLE, EN_PARAGRAPHS).encode()
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(html[i : i + 500]), html[i : i + 500])
        for i in range(0, len(html), 500)
    )
    path = tmp_path / "wget.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for name, body, extra in [
            ("gz", gzip.compress(html), ("Content-Encoding", "gzip")),
            ("chunked", chunked + b"0\r\n\r\n", ("Transfer-Encoding", "chunked")),
        ]:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8"), extra], "HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"{ORIGIN}/{name}",
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-11-02T08:15:00.123456Z"},
            )
            writer.write_record(record)
    archive = tmp_path / "archive"
    result = invoke(None, archive, "import", str(path))
    assert result.exit_code == 0, result.stderr
    rows = records(result)
    assert [r["title"] for r in rows] == [EN_TITLE, EN_TITLE]
    assert {r["fetched_at"] for r in rows} == {"2024-11-02T08:15:00Z"}  # fraction dropped
    # Same text under two URLs: one is the other's exact duplicate (which one is dedup's call).
    listed = records(invoke(None, archive, "ls", "--fields", "id,duplicate_of,similarity"))
    ids = {r["id"] for r in listed}
    dups = [r for r in listed if r["duplicate_of"]]
    assert len(dups) == 1 and dups[0]["duplicate_of"] in ids - {dups[0]["id"]}
    assert dups[0]["similarity"] == 1.0
    # Our WARC stores the decoded body with headers that describe it.
    with open(next((archive / "warc").glob("*.warc.gz")), "rb") as stream:
        responses = [
            (r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert len(responses) == 2  # both captures, or the checks below would check nothing
    for headers, body in responses:
        assert headers.get_header("Content-Encoding") is None
        assert headers.get_header("Transfer-Encoding") is None
        assert body == html


def test_truncated_uncompressed_warc_fails_that_record(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for cap in outlet_captures()[:3]:
            http = StatusAndHeaders("200 OK", [("Content-Type", cap.content_type)], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    cap.url, "response", payload=io.BytesIO(cap.body), http_headers=http
                )
            )
    path.write_bytes(path.read_bytes()[:-400])  # the last page is cut
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 3 and "truncated" in result.stderr
    assert [r["url"] for r in records(result)] == [f"{ORIGIN}/en/market", f"{ORIGIN}/ar/souq"]


def test_import_into_a_locked_archive_exits_75(tmp_path: Path) -> None:
    from archiver.store import Store

    warc = build_warc(tmp_path / "c.warc.gz", outlet_captures())
    archive = tmp_path / "archive"
    with Store.open(archive, write=True):
        result = invoke(None, archive, "import", str(warc))
    assert result.exit_code == 75 and result.stdout == ""
    with Store.open(archive) as store:
        assert store.count() == 0


def test_older_capture_becomes_a_version_in_any_order(tmp_path: Path) -> None:
    url = f"{ORIGIN}/en/market"
    newer = article_html(EN_TITLE, [*EN_PARAGRAPHS, "Update: the market opened a week early."])
    older = article_html(EN_TITLE, EN_PARAGRAPHS)
    captures = {
        "dec": Capture(url, newer.encode(), date="2024-12-01T00:00:00Z"),
        "nov": Capture(url, older.encode(), date="2024-11-01T00:00:00Z"),
    }
    for order in (("dec", "nov"), ("nov", "dec")):
        archive = tmp_path / "-".join(order)
        warc = build_warc(tmp_path / f"{'-'.join(order)}.warc.gz", [captures[k] for k in order])
        for _run in range(2):  # the second import stores nothing new
            assert invoke(None, archive, "import", str(warc)).exit_code == 0
            (current,) = records(invoke(None, archive, "show", url))
            assert current["fetched_at"] == "2024-12-01T00:00:00Z", order
            assert "Update: the market opened" in current["text"]
            assert query(archive, "SELECT fetched_at FROM versions") == [("2024-11-01T00:00:00Z",)]
            responses = [r for r in warc_records(archive) if r[0] == "response"]
            assert len(responses) == 2  # both captures kept for provenance, once each


def test_captures_of_one_second_keep_every_text(tmp_path: Path) -> None:
    # Captures of one URL with the same WARC-Date (whole seconds) but different texts, each in a
    # WARC of its own, imported A B C A, then two older ones of one second too: no text the
    # index points at is overwritten, and a text already kept is not stored again.
    url = f"{ORIGIN}/en/market"

    def warc(name: str, date: str) -> str:
        update = f"Update {name}: the council's statement number {name} was read out at noon."
        body = article_html(EN_TITLE, [*EN_PARAGRAPHS, update]).encode()
        return str(build_warc(tmp_path / f"{name}.warc.gz", [Capture(url, body, date=date)]))

    same = {name: warc(name, "2025-03-06T08:00:00Z") for name in "ABC"}
    older = {name: warc(name, "2025-03-05T08:00:00Z") for name in "DE"}
    archive = tmp_path / "archive"
    statuses = []
    for warc_path in [same["A"], same["B"], same["C"], same["A"], same["B"], *older.values()]:
        result = invoke(None, archive, "import", warc_path)
        assert result.exit_code == 0, result.stderr
        statuses += [r["status"] for r in records(result)]
    assert statuses == ["stored", "stored", "stored", "unchanged", "unchanged", *["unchanged"] * 2]
    rows = query(archive, "SELECT path, sha256 FROM articles")
    rows += query(archive, "SELECT path, sha256 FROM versions")
    assert len(rows) == 5 and len({path for path, _ in rows}) == 5
    kept = set()
    for path, sha256 in rows:
        text = (archive / f"{path}.txt").read_text(encoding="utf-8")
        assert content_sha256(text) == sha256, path  # each file holds the text indexed for it
        kept |= {name for name in "ABCDE" if f"Update {name}:" in text}
    assert kept == set("ABCDE")
    # A later capture back at an earlier text (a correction withdrawn) is what the page shows
    # now: it is current again, and what it replaces is kept.
    (reverted,) = records(invoke(None, archive, "import", warc("A", "2025-03-07T08:00:00Z")))
    assert reverted["status"] == "stored" and "Update A:" in reverted["text"]
    assert query(archive, "SELECT COUNT(*) FROM versions") == [(5,)]

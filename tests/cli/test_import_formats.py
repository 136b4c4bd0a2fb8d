"""`archiver import` of plain WARC and ARC files cut short, of payloads in every content coding
the fetcher reads, and of ARC captures (which carry no record id of their own)."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.cli.helpers import (
    ORIGIN,
    build_warc,
    invoke,
    outlet_captures,
    query,
    records,
    write_config,
)
from tests.servers import EN_PARAGRAPHS, EN_TITLE, article_html

FIRST_TWO = [f"{ORIGIN}/en/market", f"{ORIGIN}/ar/souq"]


def plain_warc(path: Path, *, requests: bool = False) -> bytes:
    """The outlet's first three pages as an uncompressed WARC (a request before each response
    when `requests`); returns the file's bytes."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for cap in outlet_captures()[:3]:
            if requests:
                request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
                writer.write_record(
                    writer.create_warc_record(
                        cap.url, "request", payload=io.BytesIO(b""), http_headers=request
                    )
                )
            http = StatusAndHeaders("200 OK", [("Content-Type", cap.content_type)], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    cap.url,
                    "response",
                    payload=io.BytesIO(cap.body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": cap.date},
                )
            )
    return path.read_bytes()


def cut_in_last_header(data: bytes, where: str) -> bytes:
    """`data` cut inside the header block of its last record, at the place `where` names."""
    start = data.rindex(b"WARC/1.")
    header_end = data.index(b"\r\n\r\n", start) + 4
    places = {
        "in the version line": start + 3,
        "before the target URI": data.index(b"WARC-Target-URI", start),
        "after the target URI": data.index(b"\r\n", data.index(b"WARC-Target-URI", start)) + 2,
        "in the length": data.index(b"Content-Length: ", start) + len("Content-Length: ") + 1,
        "before the blank line": header_end - 2,
        "in the HTTP headers": header_end + 20,
    }
    return data[: places[where]]


CUTS = [
    "in the version line",
    "before the target URI",
    "after the target URI",
    "in the length",
    "before the blank line",
    "in the HTTP headers",
]


@pytest.mark.parametrize("where", CUTS)
def test_plain_warc_cut_in_a_record_header_is_truncated(tmp_path: Path, where: str) -> None:
    """A cut inside the last record's header neither crashes warcio nor passes for a short
    file: the file is reported truncated, what came before it is kept, the batch goes on."""
    cut = tmp_path / "cut.warc"
    cut.write_bytes(cut_in_last_header(plain_warc(cut), where))
    good = build_warc(tmp_path / "good.warc.gz", outlet_captures()[5:])  # the mirror
    result = invoke(None, tmp_path / "archive", "import", str(cut), str(good))
    assert result.exit_code == 3, result.stderr
    assert f"Error: {cut}: not a readable WARC file" in result.stderr
    assert "truncated" in result.stderr and "unexpected" not in result.stderr
    got = [r["url"] for r in records(result)]
    assert got == [*FIRST_TWO, "https://mirror.example/2024/11/market-copy"]
    assert "import: 2 stored, 1 duplicate" in result.stderr


@pytest.mark.parametrize("where", ["header", "payload"])
def test_plain_warc_cut_in_a_record_after_the_last_response(tmp_path: Path, where: str) -> None:
    """Any record cut short makes the file truncated, not only a response (here a request
    whose page never came)."""
    path = tmp_path / "cut.warc"
    data = plain_warc(path, requests=True)
    last_request = data.rindex(b"WARC/1.", 0, data.rindex(b"WARC/1."))
    end = data.index(b"\r\n\r\n", last_request) + 4
    path.write_bytes(data[: end - 10 if where == "header" else end + 10])
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 3 and "truncated" in result.stderr
    assert [r["url"] for r in records(result)] == FIRST_TWO


def test_plain_warc_ending_after_its_last_payload_is_whole(tmp_path: Path) -> None:
    """The blank lines after a record are a separator, not part of it: a file without the
    last ones lost nothing."""
    path = tmp_path / "plain.warc"
    data = plain_warc(path)
    assert data.endswith(b"\r\n\r\n")
    path.write_bytes(data[:-4])
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert len(records(result)) == 3


# -- ARC ---------------------------------------------------------------------------------------


def arc_file(pages: list[tuple[str, str, bytes]], *, gzipped: bool = False) -> bytes:
    """An ARC (version 1) holding (url, 14-digit date, HTML body) captures, each record its
    own gzip member when `gzipped`."""
    version = b"1 0 Courier\nURL IP-address Archive-date Content-type Archive-length\n"
    parts = [
        b"filedesc://test.arc 0.0.0.0 20241102081500 text/plain %d\n%s\n" % (len(version), version)
    ]
    for url, date, body in pages:
        block = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        head = b"%s 10.0.0.1 %s text/html %d\n" % (url.encode(), date.encode(), len(block))
        parts.append(head + block + b"\n")
    return b"".join(gzip.compress(part) if gzipped else part for part in parts)


def arc_pages() -> list[tuple[str, str, bytes]]:
    caps = outlet_captures()
    return [(caps[i].url, f"2024110{i + 2}081500", caps[i].body) for i in (0, 2)]


@pytest.mark.parametrize("keep", [-10, -300, "header"])
def test_plain_arc_cut_short_is_truncated(tmp_path: Path, keep: int | str) -> None:
    data = arc_file(arc_pages())
    if keep == "header":
        cut = data[: data.rindex(b"https://") + 30]  # inside the last record's header line
    else:
        assert isinstance(keep, int)
        cut = data[:keep]
    path = tmp_path / "cut.arc"
    path.write_bytes(cut)
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 3 and "truncated" in result.stderr, result.stderr
    assert [r["url"] for r in records(result)] == [f"{ORIGIN}/en/market"]


@pytest.mark.parametrize("gzipped", [False, True])
def test_arc_captures_keep_one_identity_across_imports(tmp_path: Path, gzipped: bool) -> None:
    """An ARC record has no id: the one it gets comes from its URL, date and content, so the
    same capture has the same id in every archive and a re-import stores nothing new."""
    path = tmp_path / "courier.arc"
    path.write_bytes(arc_file(arc_pages(), gzipped=gzipped))
    first = invoke(None, tmp_path / "a", "import", str(path))
    other = invoke(None, tmp_path / "b", "import", str(path))
    assert first.exit_code == other.exit_code == 0, first.stderr
    ids = [r["warc_record_id"] for r in records(first)]
    assert ids == [r["warc_record_id"] for r in records(other)]
    assert len(set(ids)) == 2 and all(i.startswith("<urn:uuid:") for i in ids)
    fetches = query(tmp_path / "a", "SELECT COUNT(*) FROM fetches")
    again = invoke(None, tmp_path / "a", "import", str(path))
    assert [r["status"] for r in records(again)] == ["unchanged", "unchanged"]
    assert [r["warc_record_id"] for r in records(again)] == ids
    assert query(tmp_path / "a", "SELECT COUNT(*) FROM articles") == [(2,)]
    assert query(tmp_path / "a", "SELECT COUNT(*) FROM versions") == [(0,)]
    assert query(tmp_path / "a", "SELECT COUNT(*) FROM fetches") == [(fetches[0][0] + 2,)]


# -- content codings ---------------------------------------------------------------------------


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _chunked(data: bytes) -> bytes:
    pieces = [data[i : i + 700] for i in range(0, len(data), 700)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


HTML = article_html(EN_TITLE, EN_PARAGRAPHS).encode()
CODINGS = {
    "x-gzip": ([("Content-Encoding", "x-gzip")], gzip.compress(HTML)),
    "X-Gzip, chunked": (
        [("Content-Encoding", "X-Gzip"), ("Transfer-Encoding", "chunked")],
        _chunked(gzip.compress(HTML)),
    ),
    "gzip": ([("Content-Encoding", "gzip")], gzip.compress(HTML)),
    "deflate (zlib)": ([("Content-Encoding", "deflate")], zlib.compress(HTML)),
    "deflate (raw)": ([("Content-Encoding", "deflate")], _raw_deflate(HTML)),
    # Some tools store the decoded body under the original header: it is read as it is.
    "gzip, stored decoded": ([("Content-Encoding", "gzip")], HTML),
    "identity": ([("Content-Encoding", "identity")], HTML),
}


@pytest.mark.parametrize("coding", list(CODINGS))
def test_payloads_are_decoded_as_the_fetcher_decodes_them(tmp_path: Path, coding: str) -> None:
    extra, body = CODINGS[coding]
    path = tmp_path / "coded.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8"), *extra], "HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"{ORIGIN}/coded", "response", payload=io.BytesIO(body), http_headers=http
            )
        )
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert record["status"] == "stored", record
    assert record["title"] == EN_TITLE and EN_PARAGRAPHS[0] in record["text"]


def test_a_damaged_compressed_payload_fails_the_file_not_the_run(tmp_path: Path) -> None:
    """A gzip body broken half-way (its checksum no longer matches) is not stored as it is."""
    packed = bytearray(gzip.compress(HTML, compresslevel=0))
    packed[len(packed) // 2 : len(packed) // 2 + 40] = b"\xff" * 40
    path = tmp_path / "bad.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            "HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                f"{ORIGIN}/bad", "response", payload=io.BytesIO(bytes(packed)), http_headers=http
            )
        )
    result = invoke(None, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 3
    assert "cannot be read" in result.stderr and records(result) == []


def test_a_payload_inflating_past_max_bytes_fails_that_page_only(tmp_path: Path) -> None:
    """A gzip bomb in a capture is cut at the fetcher's cap, not inflated whole in memory; the
    page fails as a fetch of it would, an equally large image is passed over, the rest goes on."""
    bomb = gzip.compress(HTML + b"<!--" + b" " * 50_000_000 + b"-->")  # 50 MB from ~50 kB
    path = tmp_path / "bomb.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for name, kind, body in (
            ("bomb", "text/html; charset=utf-8", bomb),
            ("picture", "image/png", bomb),
            ("fine", "text/html; charset=utf-8", gzip.compress(HTML)),
        ):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", kind), ("Content-Encoding", "gzip")], "HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    f"{ORIGIN}/{name}", "response", payload=io.BytesIO(body), http_headers=http
                )
            )
    config = write_config(tmp_path, max_bytes=1_000_000)
    result = invoke(config, tmp_path / "archive", "import", str(path))
    assert result.exit_code == 3, result.stderr
    got = {r["input"]: r for r in records(result)}
    assert set(got) == {f"{ORIGIN}/bomb", f"{ORIGIN}/fine"}
    assert got[f"{ORIGIN}/bomb"]["status"] == "failed"
    assert "max_bytes" in got[f"{ORIGIN}/bomb"]["error"]
    assert got[f"{ORIGIN}/fine"]["status"] == "stored"

"""WARC provenance: write each fetched exchange as request + response records, read captures back.

Each writing run appends to its own `warc/<timestamp>-<pid>.warc.gz` (one gzip member per record,
so any committed offset is a valid place to stop). The index records how many bytes of each file
are committed; on open the store cuts off anything after that (a record half-written by a killed
run), so every WARC in the archive always reads back cleanly with warcio.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import FetchError
from archiver.fetch import BoundedDecoder
from archiver.models import Page

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    404: "Not Found",
}


@dataclass(frozen=True)
class WarcLocation:
    """Where a response record lives: file name (relative to the warc dir), offset, length, id."""

    filename: str
    offset: int
    length: int
    record_id: str


WARC_GZIP_LEVEL = 4


@dataclass(frozen=True)
class WarcExchange:
    """One fetched exchange as ready-to-append bytes: the response record's gzip member, then
    the request's (when known). Building it needs no file, so the crawl's extraction workers
    build it and the process that owns the WARC only appends (compression is most of the CPU)."""

    data: bytes
    response_length: int  # the response member's bytes, at the start of `data`
    record_id: str  # the response's WARC-Record-ID


def build_exchange(page: Page) -> WarcExchange:
    """The request (when known) and response records of `page`, each its own gzip member."""
    # A writer over a scratch buffer: it only builds records (headers, digests, record ids).
    builder = WARCWriter(io.BytesIO(), gzip=False)
    date = _warc_date(page.fetched_at)
    response = builder.create_warc_record(
        page.final_url,
        "response",
        payload=io.BytesIO(page.body),
        http_headers=_response_headers(page),
        warc_headers_dict=_warc_headers(page, date),
    )
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    data = _member(response)
    response_length = len(data)
    if page.request_headers:
        request = builder.create_warc_record(
            page.final_url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=_request_headers(page),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )
        data += _member(request)
    return WarcExchange(data, response_length, record_id)


def _member(record: Any) -> bytes:
    """One record as one gzip member (any member boundary is a valid place to stop).

    Level 4 rather than warcio's 9: on the 181 scrapinghub pages (median 118 kB) it takes
    1.7 ms a page against 3.1 at level 6 and 4.5 at 9, for 5% more bytes than level 6 (35.2 vs
    33.5 KiB a page). Outside extraction this was the largest CPU cost per crawled article.
    """
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False).write_record(record)
    packer = zlib.compressobj(WARC_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return packer.compress(buffer.getvalue()) + packer.flush()


class WarcAppender:
    """Appends records to one WARC file, synced (and by default fsynced) after each exchange.

    An append is all or nothing: a write or fsync that fails half-way (a full disk, an I/O
    error, an interrupt) cuts the file back to where the append began, so no half record sits
    in the middle of the file for a later commit to cover. If even that fails, `broken` is set
    and the store starts a new file (this one's uncommitted tail is cut when it is next opened).
    """

    def __init__(self, directory: Path, *, fsync: bool = True) -> None:
        self._fsync = fsync
        self.broken = False
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self.filename = f"archiver-{stamp}-{os.getpid()}.warc.gz"
        self.path = directory / self.filename
        # Unbuffered: after a failed write no bytes linger in a buffer to be flushed later.
        self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        self._size = os.fstat(self._file.fileno()).st_size
        if self._size == 0:
            self._write_warcinfo()

    def _write_warcinfo(self) -> None:
        info = {"software": f"archiver/{__version__}", "format": "WARC File Format 1.1"}
        builder = WARCWriter(io.BytesIO(), gzip=False)
        self._write(_member(builder.create_warcinfo_record(self.filename, info)))

    def append(self, page: Page, exchange: WarcExchange | None = None) -> WarcLocation:
        """Write the request (when known) and response of `page` (as built by `build_exchange`,
        here unless `exchange` was built already); return the response's place."""
        exchange = exchange or build_exchange(page)
        offset = self._size
        self._write(exchange.data)
        return WarcLocation(self.filename, offset, exchange.response_length, exchange.record_id)

    def tell(self) -> int:
        """Bytes written so far (all synced)."""
        return self._size

    def _write(self, data: bytes) -> None:
        """Append all of `data` and sync it, or cut the file back and raise."""
        start = self._size
        try:
            view = memoryview(data)
            while view:
                view = view[self._file.write(view) or 0 :]
            if self._fsync:
                os.fsync(self._file.fileno())
        except BaseException:
            try:
                os.ftruncate(self._file.fileno(), start)
            except OSError:
                self.broken = True
            raise
        self._size = start + len(data)

    def close(self) -> None:
        """Close the file."""
        self._file.close()


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _warc_headers(page: Page, date: str) -> dict[str, str]:
    headers = {"WARC-Date": date}
    if page.warc_record_id:  # an imported capture keeps its original identity
        headers["WARC-Record-ID"] = page.warc_record_id
    return headers


def _response_headers(page: Page) -> StatusAndHeaders:
    reason = _REASONS.get(page.status, "")
    # The body is stored decoded, so encoding and length headers must describe the stored bytes.
    skip = {"content-encoding", "transfer-encoding", "content-length"}
    headers = [(k, v) for k, v in page.headers if k.lower() not in skip]
    headers.append(("Content-Length", str(len(page.body))))
    return StatusAndHeaders(f"{page.status} {reason}".strip(), headers, protocol=page.http_version)


def _request_headers(page: Page) -> StatusAndHeaders:
    from urllib.parse import urlsplit

    parts = urlsplit(page.final_url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return StatusAndHeaders(
        f"GET {target} {page.http_version}", list(page.request_headers), is_http_request=True
    )


def truncate_uncommitted(path: Path, committed: int) -> bool:
    """Cut a WARC file back to its committed size; True when something was cut."""
    if not path.exists() or path.stat().st_size <= committed:
        return False
    with open(path, "r+b") as handle:
        handle.truncate(committed)
        handle.flush()
        os.fsync(handle.fileno())
    return True


@dataclass(frozen=True)
class Capture:
    """One HTML response read from a WARC file, ready for the pipeline."""

    page: Page
    record_id: str
    oversized: bool = False  # its body inflated past the cap: `page.body` holds the cut start


class WarcFormatError(ValueError):
    """A WARC file is damaged: a truncated record, a cut gzip stream, a record without target."""


def read_captures(stream: BinaryIO, max_bytes: int | None = None) -> Iterator[Capture]:
    """Every response (or resource) record in a WARC stream, as Pages with capture dates.

    `max_bytes` caps a body after its content coding is undone, as the fetcher caps it (a
    compressed payload may inflate a thousandfold): past it the capture comes `oversized`.

    Raises `WarcFormatError` at the first damaged record (those before it were yielded), so a
    truncated download never passes a cut page off as a whole one, and before reading anything
    when the stream does not start like a WARC or ARC file.
    """
    source, gzipped, arc = _check_signature(stream)
    bounds = None if gzipped else _RecordBounds(source, arc=arc)
    for index, record in enumerate(_records(bounds or source, bounds)):
        if record.rec_type not in ("response", "resource"):
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not uri:
            raise WarcFormatError("a response record has no WARC-Target-URI")
        record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
        date = record.rec_headers.get_header("WARC-Date")
        body = _read_body(record, uri, max_bytes)
        oversized = max_bytes is not None and len(body) > max_bytes
        if getattr(record.raw_stream, "limit", 0) > 0:
            # warcio hands out a short body when the file ends inside the record.
            raise WarcFormatError(f"the record of {uri} is truncated")
        if bounds is not None:
            bounds.check(index)
        if arc:  # warcio makes up a random id for each ARC record, on every read
            record_id = _arc_record_id(uri, date or "", body)
        status, headers, version = _http_parts(record)
        page = Page(
            url=uri,
            final_url=uri,
            status=status,
            headers=headers,
            body=body,
            fetched_at=_parse_warc_date(date),
            http_version=version,
            warc_record_id=record_id or None,
        )
        yield Capture(page, record_id, oversized)
    if bounds is not None:
        bounds.check(None)
    _check_gzip_complete(source)


def _arc_record_id(uri: str, date: str, body: bytes) -> str:
    """A record id for an ARC capture from what identifies it, the same on every import."""
    digest = hashlib.sha256(body).hexdigest()
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{uri} {date} {digest}')}>"


def _read_body(record: Any, uri: str, max_bytes: int | None = None) -> bytes:
    """The record's payload without its transfer and content codings (inflated to at most
    one byte past `max_bytes`)."""
    raw = record.raw_stream
    http = record.http_headers
    try:
        if http is None:
            body = raw.read()
        else:
            coding = (http.get_header("Transfer-Encoding") or "").lower().split(",")[-1]
            body = (ChunkedDataReader(raw) if coding.strip() == "chunked" else raw).read()
            room = sys.maxsize if max_bytes is None else max_bytes + 1
            body = _decode_content(body, http.get_header("Content-Encoding") or "", uri, room)
        while raw.read(1 << 16):  # past the last chunk (trailers), so a cut shows in `limit`
            pass
    except (zlib.error, EOFError, OSError) as exc:
        raise WarcFormatError(f"the record of {uri} cannot be read: {exc}") from None
    return body  # type: ignore[no-any-return]


# A body whose first KiB does not inflate was stored decoded under its original header.
_FIRST_PIECE = 1024


def _decode_content(body: bytes, coding: str, uri: str, room: int = sys.maxsize) -> bytes:
    """`body` without its Content-Encoding, inflated as the fetcher inflates it (gzip, x-gzip,
    deflate with or without the zlib wrapper); other codings as warcio reads them (`br` when
    brotli is installed), else left as they are.

    A body that does not inflate from its start is taken as stored decoded under its original
    header (some tools do that; warcio reads such bodies as they are too); one that breaks
    off later raises `WarcFormatError`, so a damaged page is not stored cut short."""
    coding = coding.strip().lower()
    if coding in ("", "identity"):
        return body
    decoder = BoundedDecoder.for_encoding(coding)
    if decoder is None:
        if coding in BufferedReader.get_supported_decompressors():
            reader = BufferedReader(io.BytesIO(body), decomp_type=coding)
            return reader.read(room)  # type: ignore[no-any-return]
        return body
    try:
        head = decoder.decode(body[:_FIRST_PIECE], room)
    except FetchError:
        return body
    try:
        return head + decoder.decode(body[_FIRST_PIECE:], room - len(head))
    except FetchError as exc:
        raise WarcFormatError(f"the record of {uri} cannot be read: {exc.message}") from None


# How a WARC record or an ARC file (its "filedesc://" header) starts, gzipped or not.
_SIGNATURES = (b"WARC/", b"filedesc://")
_GZIP_MAGIC = b"\x1f\x8b"


def _check_signature(stream: BinaryIO) -> tuple[BinaryIO, bool, bool]:
    """Refuse a stream that is neither WARC nor ARC, before warcio's lenient ARC reader takes
    any text whose first line has five words for a header and quietly yields nothing.

    Returns the stream to read on (a pipe cannot be rewound, so its first bytes are read and
    replayed in front of the rest), whether it is gzipped and whether it is an ARC file."""
    head = _read_head(stream, 4096)
    if not stream.seekable():
        stream = io.BufferedReader(_Replay(head, stream))
    if not head:
        raise WarcFormatError("the file is empty")
    gzipped = head.startswith(_GZIP_MAGIC)
    if gzipped:
        head = _inflate_head(head, 64)
    head = head.lstrip(b"\r\n")
    if not head.startswith(_SIGNATURES):
        raise WarcFormatError("does not start with a WARC or ARC record header")
    return stream, gzipped, not head.startswith(b"WARC/")


def _read_head(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` first bytes (fewer only at the end of the stream), left unread when the
    stream can seek back."""
    seekable = stream.seekable()
    position = stream.tell() if seekable else 0
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = stream.read(wanted)  # a pipe may hand out a few bytes at a time
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    if seekable:
        stream.seek(position)
    return b"".join(chunks)


def _inflate_head(data: bytes, size: int) -> bytes:
    """The first inflated bytes of gzip data, across members (a first member may be empty)."""
    out = b""
    while data and len(out) < size:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, size - len(out))
        except zlib.error as exc:
            raise WarcFormatError(f"not a gzip file: {exc}") from None
        if not inflater.eof:
            break  # the head ends inside this member
        data = inflater.unused_data
    return out


class _Replay(io.RawIOBase):
    """`head`, then the rest of `stream`: a pipe's first bytes put back in front of it."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _records(stream: Any, bounds: _RecordBounds | None) -> Iterator[Any]:
    """warcio's records, its own errors turned into `WarcFormatError` (the file's fault)."""
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (ArchiveLoadFailed, zlib.error, EOFError, AttributeError, ValueError) as exc:
            # warcio fails on a header cut short in many ways: an AttributeError when a
            # response's header ends before its WARC-Target-URI, say.
            if bounds is not None:
                bounds.check(None)  # raises when that is where the file ends
            raise WarcFormatError(f"not a readable WARC record: {exc}") from None
        yield record


_TRUNCATED = "the file ends in the middle of a record (truncated)"


class _RecordBounds:
    """Follows the records of an uncompressed WARC or ARC as warcio reads them through it: each
    header block to its end, then the block length it declares.

    warcio reads a file that ends inside a record header as a short last record (or fails on
    it, when the cut comes before the WARC-Target-URI), and one that ends inside a payload as
    a short payload; this knows the file was cut, and in which record. A header without a
    length leaves the boundaries unknown from there on, and warcio's reading as it is.
    """

    def __init__(self, stream: BinaryIO, *, arc: bool) -> None:
        self._stream = stream
        self._arc = arc  # an ARC header is one line, a WARC header ends with a blank line
        self._offset = 0
        self._header = bytearray()  # the current record's header so far
        self._remaining = 0  # bytes of the current record's block still to come
        self._lost = False
        self._records = 0  # records begun
        self._cut: int | None = None  # index of the record the file ends in

    def tell(self) -> int:
        return self._offset

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._offset += len(data)
        if data:
            self._follow(data)
        elif size and not self._lost and (self._header or self._remaining):
            self._cut = self._records - 1
        return data

    def check(self, index: int | None) -> None:
        """Raise when the file ends inside record `index` (None: inside any record)."""
        if self._cut is not None and (index is None or index >= self._cut):
            raise WarcFormatError(_TRUNCATED)

    def _follow(self, data: bytes) -> None:
        at = 0
        while at < len(data) and not self._lost:
            if self._remaining:
                step = min(self._remaining, len(data) - at)
                self._remaining -= step
                at += step
                continue
            if not self._header:  # between records: blank lines, then the next header
                while at < len(data) and data[at] in b"\r\n":
                    at += 1
                if at == len(data):
                    return
                self._records += 1
            at = self._take_header(data, at)

    def _take_header(self, data: bytes, at: int) -> int:
        """Add `data[at:]` to the header up to its end, and there expect the length it
        declares. Returns where in `data` the header ended (or `len(data)`: it goes on)."""
        end = self._header_end(data, at)
        self._header += data[at : len(data) if end is None else end]
        if end is None:
            return len(data)
        length = _declared_length(bytes(self._header), arc=self._arc)
        self._header.clear()
        if length is None:
            self._lost = True
        else:
            self._remaining = length
        return end

    def _header_end(self, data: bytes, at: int) -> int | None:
        """Where in `data` (from `at`) the header ends: after its line (ARC) or its first
        blank line (WARC), which may begin in the bytes before `at`."""
        if self._arc:
            found = data.find(b"\n", at)
            return None if found < 0 else found + 1
        carried = bytes(self._header[-2:])
        straddling = _blank_line_end(carried + data[at : at + 2])
        if straddling is not None:
            return at + straddling - len(carried)
        return _blank_line_end(data, at)


def _blank_line_end(data: bytes, start: int = 0) -> int | None:
    """The end of the first blank line in `data` (from `start`), its line break included."""
    ends = [
        found + len(blank)
        for blank in (b"\n\r\n", b"\n\n")
        if (found := data.find(blank, start)) >= 0
    ]
    return min(ends) if ends else None


def _declared_length(header: bytes, *, arc: bool) -> int | None:
    """The block length a record header declares: an ARC header line's last field, a WARC
    header's Content-Length."""
    if arc:
        fields = header.split()
        return int(fields[-1]) if fields and fields[-1].isdigit() else None
    for line in header.split(b"\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip()) if value.strip().isdigit() else None
    return None


def _check_gzip_complete(stream: BinaryIO) -> None:
    """Raise when a .warc.gz ends inside a gzip member (warcio drops such a tail silently)."""
    if not stream.seekable():
        return
    stream.seek(0)
    if stream.read(2) != b"\x1f\x8b":
        return
    stream.seek(0)
    try:
        with gzip.GzipFile(fileobj=stream) as inflated:
            while inflated.read(1 << 20):
                pass
    except EOFError:
        raise WarcFormatError("the file ends in the middle of a record (truncated)") from None
    except (OSError, zlib.error) as exc:
        raise WarcFormatError(f"damaged gzip data: {exc}") from None


def _http_parts(record: Any) -> tuple[int, tuple[tuple[str, str], ...], str]:
    if record.rec_type == "resource" or record.http_headers is None:
        ctype = record.rec_headers.get_header("Content-Type") or "application/octet-stream"
        return 200, (("Content-Type", ctype),), "HTTP/1.1"
    http = record.http_headers
    try:
        status = int(http.get_statuscode() or 0)
    except ValueError:
        status = 0
    return status, tuple(http.headers), http.protocol or "HTTP/1.1"


def _parse_warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

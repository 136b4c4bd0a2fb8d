"""Reading captures back: a plain WARC cut anywhere is whole or reported, never silently short."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from archiver.warc import WarcFormatError, read_captures
from tests.cli.test_import_formats import arc_file, arc_pages, plain_warc


class _Trickle(io.RawIOBase):
    """A pipe that hands out a few bytes at a time and cannot seek."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), len(self._data), 7)
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


def _urls(stream: io.IOBase) -> tuple[list[str], bool]:
    """The URLs read before the end or the first error, and whether the file was refused."""
    urls: list[str] = []
    try:
        for capture in read_captures(stream):  # type: ignore[arg-type]
            urls.append(capture.page.url)
    except WarcFormatError:
        return urls, True
    return urls, False


@pytest.mark.parametrize("kind", ["warc", "arc"])
@pytest.mark.parametrize("pipe", [False, True])
def test_every_cut_is_whole_or_refused(tmp_path: Path, kind: str, pipe: bool) -> None:
    if kind == "warc":
        data = plain_warc(tmp_path / "plain.warc", requests=True)
    else:
        data = arc_file(arc_pages())
    whole, refused = _urls(io.BytesIO(data))
    assert not refused and len(whole) == (3 if kind == "warc" else 2)
    between = _between_records(data, arc=kind == "arc")
    near = {size for span in between for mark in span for size in range(mark - 12, mark + 12)}
    for size in sorted({*range(1, len(data), 29 if pipe else 7), *near} & {*range(1, len(data))}):
        cut = data[:size]
        urls, refused = _urls(io.BufferedReader(_Trickle(cut)) if pipe else io.BytesIO(cut))
        assert urls == whole[: len(urls)], size  # never a page cut short
        # A file cut between two records is a whole, shorter file; any other cut is reported.
        assert refused != any(start <= size <= end for start, end in between), size


def _between_records(data: bytes, *, arc: bool) -> list[tuple[int, int]]:
    """Each (end of a record's block, start of the next record) in `data`."""
    spans, at = [], 0
    while at < len(data):
        header_end = data.index(b"\n" if arc else b"\r\n\r\n", at) + (1 if arc else 4)
        header = data[at:header_end]
        length = int(header.split()[-1] if arc else header.split(b"Content-Length: ")[1].split()[0])
        end = header_end + length
        at = end + len(data[end:]) - len(data[end:].lstrip(b"\r\n"))
        spans.append((end, at))
    return spans

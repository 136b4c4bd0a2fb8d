"""`archiver extract`: saved HTML to JSON records, offline, nothing stored."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from archiver.urls import article_id
from tests.cli.helpers import invoke, records
from tests.servers import AR_PARAGRAPHS, AR_TITLE, EN_PARAGRAPHS, EN_TITLE, article_html


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extract tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_extract_file_with_url(tmp_path: Path) -> None:
    page = save(tmp_path, "market.html", article_html(EN_TITLE, EN_PARAGRAPHS).encode())
    url = "https://courier.example/en/market?utm_source=rss"
    archive = tmp_path / "archive"
    result = invoke(None, archive, "extract", str(page), "--url", url)
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert record["status"] == "extracted" and record["error"] is None
    assert record["title"] == EN_TITLE and record["language"] == "en"
    assert record["canonical_url"] == "https://courier.example/en/market"
    assert record["id"] == article_id(url) and record["cluster"] == record["id"]
    assert record["input"] == str(page)
    assert "fetched_at" not in record and EN_PARAGRAPHS[1] in record["text"]
    assert not archive.exists()  # nothing stored, no archive created


def test_extract_several_files_and_legacy_encoding(tmp_path: Path) -> None:
    ar = article_html(AR_TITLE, AR_PARAGRAPHS, lang="ar", meta_charset=None)
    one = save(tmp_path, "ar.html", ar.encode("cp1256"))
    two = save(tmp_path, "en.html", article_html(EN_TITLE, EN_PARAGRAPHS).encode())
    result = invoke(None, tmp_path / "archive", "extract", str(one), str(two))
    assert result.exit_code == 0
    first, second = records(result)
    assert first["title"] == AR_TITLE and first["encoding"] == "cp1256"
    assert first["url"] == one.resolve().as_uri()  # no --url: the file's own URI
    assert second["title"] == EN_TITLE


def test_extract_from_stdin(tmp_path: Path) -> None:
    html = article_html(EN_TITLE, EN_PARAGRAPHS)
    for args in (["extract"], ["extract", "-"]):
        result = invoke(
            None, tmp_path / "archive", *args, "--url", "https://c.example/a", input=html
        )
        assert result.exit_code == 0
        assert records(result)[0]["title"] == EN_TITLE


def test_page_without_article_is_skipped(tmp_path: Path) -> None:
    empty = save(tmp_path, "empty.html", b"<html><head><title></title></head><body> </body></html>")
    result = invoke(None, tmp_path / "archive", "extract", str(empty))
    assert result.exit_code == 0
    (record,) = records(result)
    assert record["status"] == "skipped" and record["error"] == "no article text found"


def test_missing_file_gives_a_failed_record_and_exit_3(tmp_path: Path) -> None:
    good = save(tmp_path, "ok.html", article_html(EN_TITLE, EN_PARAGRAPHS).encode())
    result = invoke(None, tmp_path / "archive", "extract", str(tmp_path / "nope.html"), str(good))
    assert result.exit_code == 3
    failed, ok = records(result)
    assert failed["status"] == "failed" and failed["input"].endswith("nope.html")
    assert ok["status"] == "extracted"
    assert "nope.html" in result.stderr


def test_binary_garbage_does_not_crash(tmp_path: Path) -> None:
    junk = save(tmp_path, "junk.html", bytes(range(256)) * 50)
    result = invoke(None, tmp_path / "archive", "extract", str(junk))
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert records(result)[0]["status"] == "skipped"

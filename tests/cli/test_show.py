"""`archiver show`: one article by id or by any form of its URL, as JSON or clean text."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import ORIGIN, invoke, records
from tests.servers import AR_PARAGRAPHS, AR_TITLE


def _id_of(archive: Path, url: str) -> str:
    return next(r["id"] for r in records(invoke(None, archive, "ls")) if r["url"] == url)


def test_show_by_id_and_by_url(archive: Path) -> None:
    ar_id = _id_of(archive, f"{ORIGIN}/ar/souq")
    result = invoke(None, archive, "show", ar_id)
    assert result.exit_code == 0
    (record,) = records(result)
    assert record["id"] == ar_id and record["title"] == AR_TITLE
    assert AR_PARAGRAPHS[0][:30] in record["text"]
    # Any form of the URL finds it: tracking parameters, fragment, www.
    by_url = invoke(None, archive, "show", "http://www.courier.example/ar/souq?utm_source=x#top")
    assert records(by_url)[0]["id"] == ar_id


def test_show_text_prints_only_the_text(archive: Path) -> None:
    ar_id = _id_of(archive, f"{ORIGIN}/ar/souq")
    text = invoke(None, archive, "show", "--text", ar_id)
    full = records(invoke(None, archive, "show", ar_id))[0]
    assert text.exit_code == 0
    assert text.stdout == full["text"] + "\n"
    assert not text.stdout.lstrip().startswith("{")


def test_show_unknown_article_exits_2(archive: Path) -> None:
    result = invoke(None, archive, "show", "0000000000000000")
    assert result.exit_code == 2
    assert result.stdout == "" and "no article" in result.stderr


def test_show_with_its_text_file_gone_exits_1(archive: Path) -> None:
    ar_id = _id_of(archive, f"{ORIGIN}/ar/souq")
    next(archive.glob(f"articles/**/{ar_id}.txt")).unlink()
    result = invoke(None, archive, "show", ar_id)
    assert result.exit_code == 1
    assert result.stdout == "" and "missing" in result.stderr
    assert "Traceback" not in result.stderr

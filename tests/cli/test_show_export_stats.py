"""`archiver show`, `export` and `stats` over an imported archive."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from archiver.models import ARTICLE_FIELDS
from tests.cli.helpers import ORIGIN, import_sample, invoke, records
from tests.servers import AR_PARAGRAPHS, AR_TITLE


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    import_sample(tmp_path, path)
    return path


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


def test_export_jsonl_to_stdout_includes_duplicates_and_text(archive: Path) -> None:
    result = invoke(None, archive, "export")
    assert result.exit_code == 0
    rows = records(result)
    assert len(rows) == 4
    assert sum(1 for r in rows if r["duplicate_of"]) == 1
    assert all(r["text"] and list(r) == list(ARTICLE_FIELDS) for r in rows)


def test_export_csv_to_a_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus.csv"
    result = invoke(None, archive, "export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 4 and list(rows[0]) == list(ARTICLE_FIELDS)
    ar = next(r for r in rows if r["language"] == "ar")
    assert ar["title"] == AR_TITLE and "\n" in ar["text"]  # multi-line cells survive quoting
    assert sorted(p.name for p in out.parent.iterdir()) == ["corpus.csv"]  # no temp file left


def test_export_jsonl_to_a_file_replaces_it_whole(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    out.write_text("old\n")
    assert invoke(None, archive, "export", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(json.loads(line)["id"] for line in lines)


def test_export_bad_format_exits_2(archive: Path) -> None:
    assert invoke(None, archive, "export", "--format", "xml").exit_code == 2


def test_stats(archive: Path) -> None:
    result = invoke(None, archive, "stats")
    assert result.exit_code == 0
    (stats,) = records(result)
    assert stats["articles"] == 4 and stats["originals"] == 3 and stats["duplicates"] == 1
    assert stats["outlets"] == {"courier.example": 3, "mirror.example": 1}
    assert stats["languages"] == {"ar": 1, "en": 3}
    assert stats["fetch_status"] == {"duplicate": 1, "stored": 3}
    content = [*archive.glob("articles/**/*.*"), *archive.glob("warc/*"), archive / "index.sqlite"]
    assert stats["size_bytes"] >= sum(p.stat().st_size for p in content if p.is_file()) > 0


def test_stats_without_archive_exits_1(tmp_path: Path) -> None:
    result = invoke(None, tmp_path / "none", "stats")
    assert result.exit_code == 1 and result.stdout == ""


def test_help_and_version_document_exit_codes() -> None:
    from click.testing import CliRunner

    from cli import main

    help_text = CliRunner().invoke(main, ["--help"]).stdout
    for code in ("0", "1", "2", "3", "75"):
        assert f"  {code} " in help_text
    version = CliRunner().invoke(main, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("archiver")
    assert CliRunner().invoke(main, ["no-such-command"]).exit_code == 2

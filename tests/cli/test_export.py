"""`archiver export`: every stored article with its text, to stdout or a file, JSONL or CSV."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from archiver.models import ARTICLE_FIELDS
from tests.cli.helpers import invoke, records
from tests.servers import AR_TITLE


def test_export_jsonl_to_stdout_includes_duplicates_and_text(archive: Path) -> None:
    result = invoke(None, archive, "export")
    assert result.exit_code == 0
    rows = records(result)
    assert len(rows) == 4
    assert sum(1 for r in rows if r["duplicate_of"]) == 1
    assert all(r["text"] and list(r) == list(ARTICLE_FIELDS) for r in rows)


def test_export_csv_to_a_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus.csv"
    out.parent.mkdir()
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


def test_export_into_a_missing_directory_is_a_usage_error(archive: Path, tmp_path: Path) -> None:
    # A typo'd directory is reported (exit 2, one line) rather than silently created.
    out = tmp_path / "exprots" / "corpus.jsonl"
    result = invoke(None, archive, "export", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write {out}: no directory {out.parent}\n"
    assert result.stdout == "" and not out.parent.exists()


def test_export_that_cannot_be_written_is_one_line(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    out = tmp_path / "corpus.jsonl"
    result = invoke(None, archive, "export", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out}: No space left on device\n"
    assert list(tmp_path.glob("*.jsonl")) == list(tmp_path.glob(".corpus*")) == []


def test_export_bad_format_exits_2(archive: Path) -> None:
    assert invoke(None, archive, "export", "--format", "xml").exit_code == 2

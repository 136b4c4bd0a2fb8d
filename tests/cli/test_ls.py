"""`archiver ls`: metadata as JSON Lines, CSV or TSV, with filters and chosen fields."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from archiver.models import ARTICLE_FIELDS
from archiver.store import Store
from tests.cli.helpers import ORIGIN, import_sample, invoke, records, write_config
from tests.dedup_texts import article, story


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Like the shared fixture, with the outlet configured (so `--outlet` has a name to use)."""
    path = tmp_path / "archive"
    import_sample(tmp_path, path, write_config(tmp_path, [("orontes-courier", ORIGIN + "/", "en")]))
    return path


def urls(result: object) -> list[str]:
    return [r["url"] for r in records(result)]  # type: ignore[arg-type]


def test_ls_lists_metadata_without_text(archive: Path) -> None:
    result = invoke(None, archive, "ls")
    assert result.exit_code == 0 and result.stderr == ""
    rows = records(result)
    assert len(rows) == 4
    for row in rows:
        assert "text" not in row and "removed" not in row
        assert list(row) == [f for f in ARTICLE_FIELDS if f not in ("text", "removed")]
    # Oldest publication first.
    assert [r["published"][:10] for r in rows] == sorted(r["published"][:10] for r in rows)


def test_ls_filters(archive: Path) -> None:
    assert urls(invoke(None, archive, "ls", "--lang", "ar")) == [f"{ORIGIN}/ar/souq"]
    mirror = invoke(None, archive, "ls", "--outlet", "mirror.example")
    assert urls(mirror) == ["https://mirror.example/2024/11/market-copy"]
    both = invoke(None, archive, "ls", "--outlet", "mirror.example", "--outlet", "orontes-courier")
    assert len(records(both)) == 4
    since = invoke(None, archive, "ls", "--since", "2024-11-01")
    assert urls(since) == [f"{ORIGIN}/en/library"]
    until = invoke(None, archive, "ls", "--until", "2024-10-15")
    assert urls(until) == [f"{ORIGIN}/ar/souq"]  # the until-day itself is included
    window = invoke(None, archive, "ls", "--since", "2024-10-16", "--until", "2024-10-31")
    assert sorted(urls(window)) == [
        f"{ORIGIN}/en/market",
        "https://mirror.example/2024/11/market-copy",
    ]
    assert records(invoke(None, archive, "ls", "--lang", "fr")) == []


def test_ls_dates_compare_as_instants(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    with Store.open(path, write=True) as store:
        store.add_article(article("late", story(1), published="2025-03-05T22:30:00+03:00"))
        store.add_article(article("day", story(2), published="2025-05-01"))

    def ids(*args: str) -> list[str]:
        result = invoke(None, path, "ls", "--fields", "id", *args)
        assert result.exit_code == 0, result.stderr
        return [r["id"] for r in records(result)]

    # 22:30 at +03:00 is 19:30 UTC; a date-only article counts from the start of its day.
    assert ids("--since", "2025-03-05T20:00:00Z") == ["day"]
    assert ids("--until", "2025-03-05T20:00:00Z") == ["late"]
    assert ids("--since", "2025-05-01T00:00:00Z") == ["day"]
    assert ids("--since", "2025-05-01T23:59:59Z") == ["day"]  # any moment of its day
    assert ids("--since", "2025-03-05", "--until", "2025-03-05") == ["late"]  # the day as dated


def test_ls_fields_and_formats(archive: Path) -> None:
    result = invoke(None, archive, "ls", "--fields", "id,title,language")
    assert all(list(r) == ["id", "title", "language"] for r in records(result))
    as_csv = invoke(None, archive, "ls", "--fields", "id,title,authors", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 4 and list(rows[0]) == ["id", "title", "authors"]
    assert json.loads(rows[0]["authors"]) == ["Staff Reporter"]
    as_tsv = invoke(None, archive, "ls", "--fields", "id,url,title", "--format", "tsv")
    lines = as_tsv.stdout.splitlines()
    assert lines[0] == "id\turl\ttitle" and len(lines) == 5
    assert all(len(line.split("\t")) == 3 for line in lines)


def test_ls_tsv_has_no_quoting(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    title = 'قال "المسؤول":\tكل شيء\nعلى ما يرام C:\\temp'
    with Store.open(path, write=True) as store:
        store.add_article(replace(article("q1", story(1)), title=title, authors=["Hala Nasser"]))
    result = invoke(None, path, "ls", "--fields", "id,title,authors,modified", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    header, line = result.stdout.split("\n")[:2]
    assert result.stdout.count("\n") == 2 and header == "id\ttitle\tauthors\tmodified"
    # What `cut -f2` and `cut -f3` print: the value, quotes untouched; tab, newline and
    # backslash escaped as PostgreSQL's COPY does; null is empty.
    assert line.split("\t") == [
        "q1",
        'قال "المسؤول":\\tكل شيء\\nعلى ما يرام C:\\\\temp',
        '["Hala Nasser"]',
        "",
    ]


def test_ls_bad_options_exit_2(archive: Path) -> None:
    for args in (
        ["ls", "--fields", "id,colour"],
        ["ls", "--since", "last tuesday"],
        ["ls", "--format", "xml"],
    ):
        result = invoke(None, archive, *args)
        assert result.exit_code == 2, args
        assert result.stdout == ""


def test_ls_without_an_archive_exits_1(tmp_path: Path) -> None:
    result = invoke(None, tmp_path / "nothing", "ls")
    assert result.exit_code == 1
    assert result.stdout == "" and "no archive" in result.stderr
    assert not (tmp_path / "nothing").exists()


def test_ls_works_while_a_writer_holds_the_lock(archive: Path) -> None:
    from archiver.store import Store

    with Store.open(archive, write=True):
        result = invoke(None, archive, "ls", "--fields", "id")
    assert result.exit_code == 0 and len(records(result)) == 4


def test_ls_default_archive_is_archiver_home(tmp_path: Path, hermetic_env: Path) -> None:
    import_sample(tmp_path, hermetic_env / "archiver-home")
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["ls", "--fields", "id"])
    assert result.exit_code == 0 and len(records(result)) == 4


@pytest.mark.parametrize("field", ["text", "status", "error"])
def test_fields_that_ls_cannot_show_are_usage_errors(archive: Path, field: str) -> None:
    result = invoke(None, archive, "ls", "--fields", f"id,{field}")
    assert result.exit_code == 2
    assert f"unknown field {field!r}" in result.stderr and result.stdout == ""


def test_an_index_error_mid_read_is_one_line_exit_1(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.store import Store

    def busy(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Store, "iter_articles", busy)
    result = invoke(None, archive, "ls")
    assert result.exit_code == 1
    assert result.stderr == f"Error: archive index {archive}/index.sqlite: database is locked\n"

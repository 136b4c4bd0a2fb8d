"""`archiver stats`, and the group's own help, version and unknown-command handling."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import invoke, records


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

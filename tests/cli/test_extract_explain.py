"""`archiver extract --explain`: what was removed from a page and why, on stderr."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import invoke, records

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def test_explain_lists_removals_with_reasons_on_stderr(tmp_path: Path) -> None:
    page = PAGES / "ar01-h1.html"
    url = "https://zaytoun.example/news/1000/"
    result = invoke(None, tmp_path / "archive", "extract", str(page), "--url", url, "--explain")
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)  # stdout stays one JSON record per page
    assert record["removed"], "the fixture page has boilerplate"
    for removal in record["removed"]:
        assert f"[{removal['reason']}]" in result.stderr
    assert "[cue:read-also] اقرأ أيضاً:" in result.stderr
    assert "[credit:source] المصدر: بلدي ميرور" in result.stderr
    assert "published: 2017-10-09 (source text, precision day)" in result.stderr
    assert "language: ar" in result.stderr


def test_without_explain_stderr_has_no_report(tmp_path: Path) -> None:
    page = PAGES / "en01-h1.html"
    result = invoke(
        None, tmp_path / "archive", "extract", str(page), "--url", "https://x.example/a"
    )
    assert result.exit_code == 0
    assert "removed" not in result.stderr
    (record,) = records(result)
    assert {r["reason"] for r in record["removed"]} >= {"cue:read-also", "credit:source"}


def test_explain_on_a_page_without_article(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><p>A A A</p><p>Share</p></body></html>")
    result = invoke(None, tmp_path / "archive", "extract", str(page), "--explain")
    assert result.exit_code == 0
    assert f"{page}: skipped: no article text found" in result.stderr


def test_help_documents_explain(tmp_path: Path) -> None:
    result = invoke(None, tmp_path / "archive", "extract", "--help")
    assert "--explain" in result.stdout and "why" in result.stdout

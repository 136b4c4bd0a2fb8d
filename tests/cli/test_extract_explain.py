"""`archiver extract --explain`: what was removed from a page and why, on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.learned import observe_lines
from archiver.store import Store
from cli import App
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


def test_extract_uses_what_an_existing_archive_learned(tmp_path: Path) -> None:
    from archiver.learned import observe_lines
    from archiver.store import Store
    from tests.cli.helpers import write_config

    slogan = "زيتون بوست: صوت من لا صوت لهم منذ عام 2012"
    archive = tmp_path / "archive"
    with Store.open(archive, write=True) as store:
        for n in range(5):
            observe_lines(store.conn, "zaytoun", f"خبر رقم {n} عن الصيانة في الحي\n{slogan}")
    config = write_config(tmp_path, [("zaytoun", "https://zaytoun.example/", "ar")])
    page = tmp_path / "page.html"
    page.write_text(
        "<html lang='ar'><body><article><h1>عنوان الخبر</h1>"
        "<p>قال المجلس المحلي إن أعمال الصيانة في الحي الشرقي ستبدأ يوم الأحد المقبل.</p>"
        "<p>وأضاف أن كلفة المشروع تبلغ نحو ألف دولار بحسب التقديرات الأولية للمهندسين.</p>"
        f"<p>{slogan}</p></article></body></html>",
        encoding="utf-8",
    )
    url = "https://zaytoun.example/a/1"
    result = invoke(config, archive, "extract", str(page), "--url", url, "--explain")
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert slogan not in record["text"]
    assert f"[learned-line] {slogan}" in result.stderr
    # without an archive the same page keeps the line, and no archive is created
    other = tmp_path / "none"
    (plain,) = records(invoke(config, other, "extract", str(page), "--url", url))
    assert slogan in plain["text"] and not other.exists()


def test_extract_uses_what_was_learned_for_an_unconfigured_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pipeline learns an unconfigured site's lines under its host (pipeline.outlet_key);
    # extract reads them under the same key, opening the archive once for all its files
    slogan = "مدونة المرآة: كل الأخبار السورية في مكان واحد منذ 2015"
    archive = tmp_path / "archive"
    with Store.open(archive, write=True) as store:
        for n in range(5):
            observe_lines(store.conn, "mirror.example", f"خبر رقم {n} عن الصيانة في الحي\n{slogan}")
    opened: list[bool] = []
    original = App.open_store

    def counting(self: App, *, write: bool) -> Store:
        opened.append(write)
        return original(self, write=write)

    monkeypatch.setattr(App, "open_store", counting)
    pages = []
    for n in range(2):
        page = tmp_path / f"page{n}.html"
        page.write_text(
            f"<html lang='ar'><body><article><h1>عنوان الخبر {n}</h1>"
            f"<p>قال المجلس المحلي إن أعمال الصيانة في الحي {n} ستبدأ يوم الأحد المقبل.</p>"
            "<p>وأضاف أن كلفة المشروع تبلغ نحو ألف دولار بحسب التقديرات الأولية للمهندسين.</p>"
            f"<p>{slogan}</p></article></body></html>",
            encoding="utf-8",
        )
        pages.append(str(page))
    url = "https://www.mirror.example/a/1"
    result = invoke(None, archive, "extract", *pages, "--url", url)
    assert result.exit_code == 0, result.stderr
    found = records(result)
    assert len(found) == 2
    for record in found:
        assert slogan not in record["text"]
        assert {"text": slogan, "reason": "learned-line"} in record["removed"]
    assert opened == [False]

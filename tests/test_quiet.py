"""`-q` for cron: nothing on stderr while all is well, the summary line when something failed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main
from tests.crawl_sites import article_page, html_route
from tests.servers import TestServer, static
from tests.test_crawl import write_config


def _site(srv: TestServer) -> dict[str, object]:
    srv.route("/a/1", html_route(article_page("Quiet story", "quiet-1")))
    srv.route("/a/2", static("broken", "text/plain", status=500))
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    locs = f"<url><loc>{srv.url('/a/1')}</loc></url>"
    srv.route("/ok.xml", static(f"<urlset {ns}>{locs}</urlset>", "application/xml"))
    return {"name": "quiet", "url": srv.url("/"), "sitemaps": [srv.url("/ok.xml")]}


def _run(config: Path, archive: Path, *args: str) -> tuple[int, str, str]:
    argv = ["-q", "--config", str(config), "--archive", str(archive), *args]
    result = CliRunner().invoke(main, argv, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_quiet_crawl_prints_its_summary_only_when_something_failed(
    tmp_path: Path, server: TestServer
) -> None:
    outlet = _site(server)
    archive = tmp_path / "archive"
    code, out, err = _run(write_config(tmp_path, [outlet]), archive, "crawl")
    assert (code, err) == (0, "")
    assert '"stored"' in out
    broken = {**outlet, "name": "broken", "sitemaps": [server.url("/missing.xml")]}
    code, out, err = _run(write_config(tmp_path, [outlet, broken]), archive, "crawl")
    assert code == 3
    assert err.splitlines() == [err.strip()]
    assert err.startswith("crawl: 2 outlets, 0 new, 0 duplicates, 1 failed, 0 skipped in ")


def test_quiet_fetch_prints_its_summary_only_when_something_failed(
    tmp_path: Path, server: TestServer
) -> None:
    _site(server)
    config = write_config(tmp_path, [], fetch={"retries": 0})
    archive = tmp_path / "archive"
    code, _, err = _run(config, archive, "fetch", server.url("/a/1"))
    assert (code, err) == (0, "")
    code, _, err = _run(config, archive, "fetch", server.url("/a/2"))
    assert code == 3
    assert err.startswith("fetch: 0 stored, ") and "1 failed" in err

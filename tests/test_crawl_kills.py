"""`archiver crawl` killed with SIGKILL at chosen moments, then run again: nothing is lost.

Each kill is timed from the test server's side: a route holds its answer until the test has
killed the crawl, so the kill lands exactly while that request is open. What the next runs
fetch is read from the server's request log, what they keep from the archive.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_sites import article_page, conditional, html_route
from tests.servers import TestServer, gated, static
from tests.test_crawl import REPO, crawl, records, stored_ids, write_config

ROBOTS = static("User-agent: *\nAllow: /\n", "text/plain")


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds the gated routes; opened at the end so no server thread waits on past the test."""
    event = threading.Event()
    yield event
    event.set()


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _killed_crawl(config: Path, archive: Path, ready: Callable[[], bool], what: str) -> None:
    """Run `archiver crawl` in a subprocess and SIGKILL it once `ready()` holds."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "cli", "--config", str(config), "--archive", str(archive)]
    proc = subprocess.Popen(
        [*argv, "crawl"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO
    )
    try:
        _wait_for(lambda: ready() or proc.poll() is not None, what)
        assert proc.poll() is None, f"the crawl ended before {what}"
        # The request is open on the server; give the index writer thread time to commit
        # whatever the crawl does just before or after sending it.
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err.decode()


def _finished(server: TestServer, path: str) -> bool:
    return any(r.finished is not None for r in server.requests_to(path))


# -- a kill during discovery ----------------------------------------------------------------

VICTIM_PATHS = [f"/v/{n}" for n in range(1, 4)]


def _source(kind: str, server: TestServer, paths: list[str]) -> tuple[bytes, str]:
    """A feed, a sitemap or a listing page that links to `paths`."""
    urls = [server.url(p) for p in paths]
    if kind == "feed":
        items = "".join(f"<item><title>{u}</title><link>{u}</link></item>" for u in urls)
        rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
        return (rss + "</channel></rss>").encode(), "application/rss+xml"
    if kind == "sitemap":
        locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        return f'<?xml version="1.0"?><urlset {ns}>{locs}</urlset>'.encode(), "application/xml"
    links = "".join(f'<li><a href="{u}">story</a></li>' for u in urls)
    return f"<html><body><ul>{links}</ul></body></html>".encode(), "text/html; charset=utf-8"


@pytest.mark.parametrize("kind", ["feed", "sitemap", "listing"])
def test_kill_during_discovery_loses_no_source_links(
    tmp_path: Path, server: TestServer, gate: threading.Event, kind: str
) -> None:
    # Two sources of one kind: the victim answers at once (with an ETag), the other holds its
    # answer until the crawl is killed. A validator saved before the victim's links reached
    # the frontier made every later run get 304 for it and never learn its articles.
    server.route("/robots.txt", ROBOTS)
    for n, path in enumerate(VICTIM_PATHS, 1):
        server.route(path, html_route(article_page(f"Victim story {n}", f"victim-{n}")))
    body, content_type = _source(kind, server, VICTIM_PATHS)
    server.route("/victim", conditional(body, content_type, '"victim-v1"'))
    empty, _ = _source(kind, server, [])
    server.route("/stall", gated(gate, static(empty, content_type)))
    key = {"feed": "feeds", "sitemap": "sitemaps", "listing": "start_urls"}[kind]
    outlet = {
        "name": "kills",
        "url": server.url("/"),
        key: [server.url(p) for p in ("/victim", "/stall")],
    }
    config = write_config(tmp_path, [outlet])
    archive = tmp_path / "archive"

    _killed_crawl(
        config,
        archive,
        lambda: _finished(server, "/victim") and server.hits("/stall") > 0,
        "the victim answered and the other source was asked",
    )
    assert [server.hits(p) for p in VICTIM_PATHS] == [0, 0, 0]  # killed during discovery

    gate.set()
    result = crawl(config, archive)
    assert result.exit_code == 0, result.stdout + result.stderr
    stored = {r["url"] for r in records(result) if r["status"] == "stored"}
    assert stored == {server.url(p) for p in VICTIM_PATHS}
    assert [server.hits(p) for p in VICTIM_PATHS] == [1, 1, 1]
    assert len(stored_ids(archive)) == 3
    # Its validators are saved now, with its links: a third run asks conditionally and
    # fetches nothing.
    mark = len(server.log)
    third = crawl(config, archive)
    assert third.exit_code == 0 and records(third) == []
    [again] = [r for r in server.log[mark:] if r.path == "/victim"]
    assert again.headers.get("If-None-Match") == '"victim-v1"'


# -- kills during the article phase ---------------------------------------------------------


def _articles(server: TestServer, count: int, gate: threading.Event) -> dict[str, Any]:
    """An outlet whose sitemap lists `count` articles; each holds its answer until `gate`."""
    server.route("/robots.txt", ROBOTS)
    paths = [f"/a/{n}" for n in range(count)]
    for n, path in enumerate(paths):
        server.route(path, gated(gate, html_route(article_page(f"Entry {n}", f"kill-{n}"))))
    body, content_type = _source("sitemap", server, paths)
    server.route("/sitemap.xml", static(body, content_type))
    return {"name": "kills", "url": server.url("/"), "sitemaps": [server.url("/sitemap.xml")]}


def _article_requests(server: TestServer) -> list[str]:
    return [r.path for r in server.log if r.path.startswith("/a/")]


def _frontier(archive: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(archive / "index.sqlite") as conn:
        rows = conn.execute("SELECT url, state, attempts FROM frontier").fetchall()
    return {url: (state, attempts) for url, state, attempts in rows}


def test_killed_runs_count_only_requests_sent_and_report_what_they_give_up(
    tmp_path: Path, server: TestServer, gate: threading.Event
) -> None:
    # One request at a time, so while the first article's request is held the others wait
    # their turn in the crawl. Three runs are killed there: only the article whose request
    # went out has spent attempts, the queued ones are fetched by the next run, and the one
    # that reached the request in every killed run is given up, and said so, once.
    count = 8
    outlet = _articles(server, count, gate)
    config = write_config(
        tmp_path,
        [outlet],
        fetch={"per_host_concurrency": 1, "concurrency": 1},
        crawl={"max_attempts": 3},
    )
    archive = tmp_path / "archive"
    for run in range(1, 4):
        _killed_crawl(
            config,
            archive,
            lambda run=run: len(_article_requests(server)) >= run,  # type: ignore[misc]
            f"an article request in killed run {run}",
        )
    reached = _article_requests(server)
    assert reached == ["/a/0"] * 3, reached
    attempts = {url: n for url, (_, n) in _frontier(archive).items()}
    assert attempts == {server.url(f"/a/{n}"): 3 if n == 0 else 0 for n in range(count)}

    gate.set()
    result = crawl(config, archive)
    assert result.exit_code == 3, result.stdout + result.stderr
    lines = records(result)
    stored = {r["url"] for r in lines if r["status"] == "stored"}
    assert stored == {server.url(f"/a/{n}") for n in range(1, count)}
    [given_up] = [r for r in lines if r["status"] == "failed"]
    assert given_up["url"] == server.url("/a/0") and given_up["kind"] == "article"
    assert "given up after 3 attempts" in given_up["error"], given_up["error"]
    assert "1 failed" in result.stderr
    assert server.hits("/a/0") == 3  # never asked again
    assert [server.hits(f"/a/{n}") for n in range(1, count)] == [1] * (count - 1)
    assert len(stored_ids(archive)) == count - 1

    # Reported once: the next run is quiet about it and requests nothing.
    mark = len(server.log)
    again = crawl(config, archive)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert records(again) == []
    assert [r.path for r in server.log[mark:] if r.path.startswith("/a/")] == []
    assert _frontier(archive)[server.url("/a/0")] == ("failed", 3)

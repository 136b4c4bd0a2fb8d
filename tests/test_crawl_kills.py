"""`archiver crawl` killed with SIGKILL at chosen moments, then run again: nothing is lost.

Each kill is timed from the test server's side: a route holds its answer until the test has
killed the crawl, so the kill lands exactly while that request is open. What the next runs
fetch is read from the server's request log, what they keep from the archive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

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

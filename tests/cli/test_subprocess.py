"""The command as a real process: pipes that close early, and a fetch killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.models import Article
from archiver.normalize import content_sha256, word_count
from archiver.store import Store
from archiver.urls import article_id
from tests.cli.helpers import (
    REPO,
    build_warc,
    cli_argv,
    integrity,
    outlet_captures,
    query,
    story,
    warc_records,
    write_config,
)
from tests.servers import TestServer, article_html, gated, slow, static


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVER_", "XDG_"))}
    env.update(
        ARCHIVER_HOME=str(tmp_path / "env" / "archiver-home"),
        XDG_CONFIG_HOME=str(tmp_path / "env" / "config"),
        XDG_DATA_HOME=str(tmp_path / "env" / "data"),
        PYTHONPATH=str(REPO),
    )
    return env


def _fill(archive: Path, count: int) -> None:
    """`count` small articles written straight into the store (fast, no extraction)."""
    with Store.open(archive, write=True) as store, store.transaction():
        for i in range(count):
            url = f"https://courier.example/news/{i}"
            text = f"Fictional bulletin number {i}. " * 20
            store.add_article(
                Article(
                    id=article_id(url),
                    url=url,
                    canonical_url=url,
                    outlet="orontes-courier",
                    title=f"Bulletin {i}",
                    published=f"2025-01-{1 + i % 28:02d}",
                    language="en",
                    fetched_at="2025-02-01T00:00:00Z",
                    text=text,
                    word_count=word_count(text),
                    sha256=content_sha256(text),
                )
            )


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("big") / "archive"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda fd: None)  # durability is tested elsewhere
        _fill(archive, 400)  # far more than a pipe buffer holds, so ls meets a closed pipe
    return archive


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_ls_into_head_ends_cleanly(tmp_path: Path, big_archive: Path, fmt: str) -> None:
    archive = big_archive
    command = " ".join([*cli_argv(), "--archive", str(archive), "ls", "--format", fmt])
    proc = subprocess.run(
        ["bash", "-c", f'set -o pipefail; {command} | head -1; echo "status=$?" >&2'],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    if fmt == "jsonl":
        assert json.loads(lines[0])["title"].startswith("Bulletin")
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr and "Exception ignored" not in proc.stderr
    # The status of `ls` itself: 1, as click exits on EPIPE (documented in the README).
    status = int(proc.stderr.strip().rsplit("status=", 1)[1])
    assert status == 1, proc.stderr


def test_fetch_into_head_ends_cleanly(tmp_path: Path, server: TestServer) -> None:
    urls = []
    for i in range(30):
        title, paras = story(100 + i)
        urls.append(server.route(f"/p/{i}", static(article_html(title, paras))))
    config = write_config(tmp_path, delay=0.0)
    archive = tmp_path / "archive"
    argv = [*cli_argv(), "--config", str(config), "--archive", str(archive), "fetch", *urls]
    command = " ".join(argv)
    proc = subprocess.run(
        ["bash", "-c", f"{command} | head -1"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert json.loads(proc.stdout)["status"] == "stored"
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert integrity(archive) == "ok"


def test_help_works_without_a_terminal(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*cli_argv(), "--help"], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert proc.returncode == 0 and "Exit codes" in proc.stdout


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664)])
def test_archive_files_and_exports_follow_the_umask(
    tmp_path: Path, umask: int, expected: int
) -> None:
    # A research group shares an archive: its texts and sidecars must be as readable as its
    # index and WARCs (they were 0600 whatever the umask).
    warc = build_warc(tmp_path / "courier.warc.gz", outlet_captures())
    archive, out = tmp_path / "archive", tmp_path / "corpus.jsonl"
    for args in (["import", str(warc)], ["export", "-o", str(out)]):
        proc = subprocess.run(
            [*cli_argv(), "--archive", str(archive), *args],
            capture_output=True,
            text=True,
            env=_env(tmp_path),
            timeout=60,
            umask=umask,
        )
        assert proc.returncode == 0, proc.stderr
    # SQLite creates the index (and its -wal and -shm) 0644 at most, like the lock file.
    files = [
        p
        for p in archive.rglob("*")
        if p.is_file() and p.name != "lock" and not p.name.startswith("index.sqlite")
    ]
    written = [p for p in files if p.suffix in (".txt", ".json")]
    assert len(written) == 8 and any(p.suffix == ".gz" for p in files)
    modes = {str(p.relative_to(tmp_path)): p.stat().st_mode & 0o777 for p in [*files, out]}
    assert modes == dict.fromkeys(modes, expected)


# -- kill -9 in the middle of a fetch ---------------------------------------------------------

N_PAGES = 40
N_QUICK = 10  # answered at once; the rest wait for the test to open the gate


@pytest.fixture
def gate() -> threading.Event:
    return threading.Event()


@pytest.fixture
def slow_site(server: TestServer, gate: threading.Event) -> Iterator[list[str]]:
    urls = []
    for i in range(N_PAGES):
        title, paras = story(i)
        page = static(article_html(title, paras))
        handler = slow(0.05, page) if i < N_QUICK else gated(gate, slow(0.1, page))
        urls.append(server.route(f"/news/{i}", handler))
    yield urls
    gate.set()  # release any request still held


def _start_fetch(
    tmp_path: Path, config: Path, archive: Path, urls: list[str]
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [*cli_argv(), "--config", str(config), "--archive", str(archive), "fetch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    assert proc.stdin is not None
    proc.stdin.write("\n".join(urls) + "\n")
    proc.stdin.close()
    proc.stdin = None  # so communicate() does not flush it
    return proc


def _committed_warcs_read_back(archive: Path) -> int:
    """Read every WARC up to its committed size with warcio; return the response count."""
    responses = 0
    for name, committed in query(archive, "SELECT name, committed FROM warc_files"):
        path = archive / "warc" / name
        with open(path, "rb") as handle:
            data = handle.read(committed)
        import io

        for record in ArchiveIterator(io.BytesIO(data)):
            record.content_stream().read()
            responses += record.rec_type == "response"
    return responses


def test_fetch_killed_with_sigkill_leaves_a_sound_archive_and_resumes(
    tmp_path: Path, server: TestServer, slow_site: list[str], gate: threading.Event
) -> None:
    config = write_config(
        tmp_path, [("orontes-courier", server.url("/"), "en")], per_host_concurrency=4
    )
    archive = tmp_path / "archive"
    proc = _start_fetch(tmp_path, config, archive, slow_site)
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 30
    while len(seen) < 4 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(json.loads(line))
    # While it writes: readers work, and a second writer is turned away naming the holder.
    ls = subprocess.run(
        [*cli_argv(), "--archive", str(archive), "ls", "--fields", "id"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=30,
    )
    assert ls.returncode == 0, ls.stderr
    assert len(ls.stdout.splitlines()) >= len(seen)
    second = subprocess.run(
        [*cli_argv(), "--config", str(config), "--archive", str(archive), "fetch", slow_site[0]],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=30,
    )
    assert second.returncode == 75
    assert second.stdout == "" and f"pid {proc.pid}" in second.stderr
    # Let it run at full speed again, and kill it while it stores pages.
    gate.set()
    time.sleep(0.25)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert len(seen) == 4 and all(r["status"] == "stored" for r in seen)

    # The archive opens and is sound right after the kill.
    assert integrity(archive) == "ok"
    stored = {row[0] for row in query(archive, "SELECT id FROM articles")}
    assert {r["id"] for r in seen} <= stored
    assert len(stored) < N_PAGES  # it really was killed mid-run
    assert _committed_warcs_read_back(archive) == len(stored)
    for article_path in archive.glob("articles/**/*.json"):
        json.loads(article_path.read_text(encoding="utf-8"))  # no half-written sidecar

    # A re-run finishes the job and stores nothing twice.
    again = _start_fetch(tmp_path, config, archive, slow_site)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert len(statuses) == N_PAGES
    assert statuses.count("unchanged") == len(stored)
    assert statuses.count("stored") + statuses.count("duplicate") == N_PAGES - len(stored)
    assert integrity(archive) == "ok"
    assert query(archive, "SELECT COUNT(*), COUNT(DISTINCT url_key) FROM articles") == [
        (N_PAGES, N_PAGES)
    ]
    # Every WARC reads back whole, and holds each page's response exactly once.
    responses = [r[1] for r in warc_records(archive) if r[0] == "response"]
    assert sorted(responses) == sorted(slow_site)
    conn = sqlite3.connect(archive / "index.sqlite")
    try:
        orphans = conn.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM fetches f WHERE f.article_id = a.id AND f.warc_record_id IS NOT NULL)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert orphans == 0

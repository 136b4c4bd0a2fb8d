"""Shared fixtures: every test runs hermetically (no user config, archive or data dir leaks in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import TestServer

# The real evaluation data lives beside the checkout (CI has ../shared next to the repo).
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every default location (config, archive, XDG dirs) into this test's tmp_path."""
    home = tmp_path / "env"
    monkeypatch.delenv("ARCHIVER_CONFIG", raising=False)
    monkeypatch.setenv("ARCHIVER_HOME", str(home / "archiver-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    return home


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make retry backoff near-instant (the schedule itself is tested apart)."""
    import archiver.fetch

    monkeypatch.setattr(archiver.fetch, "BACKOFF_BASE", 0.01)


@pytest.fixture
def server() -> Iterator[TestServer]:
    """A real HTTP server on 127.0.0.1 (free port) in a thread, stopped after the test."""
    srv = TestServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()

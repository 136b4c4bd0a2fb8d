"""Readers on an archive they cannot write: a snapshot, a shared directory, a read-only mount.

The readers run as a real process without write access to the archive once it is `chmod a-w`.
File modes do not stop root, so when the tests run as root the reader's process first drops
CAP_DAC_OVERRIDE from its capability bounding set: it stays root (and still reads and searches
everything) but no longer writes what its mode forbids, which is what SQLite meets on a
snapshot or a shared directory. A read-only mount needs privileges the tests do not take.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archiver.errors import ArchiveLocked
from archiver.store import Store
from tests.cli.helpers import REPO, cli_argv, import_sample
from tests.servers import AR_TITLE

AS_ROOT = os.geteuid() == 0
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE = 24, 1  # <linux/prctl.h>, <linux/capability.h>


def _drop_dac_override() -> None:
    """In the child before exec: root keeps its uid but loses the right to ignore modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


def _set_writable(root: Path, writable: bool) -> None:
    """`chmod -R u+w` or `chmod -R a-w` (files and directories)."""
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """`read_only(dir)`: chmod it a-w (and make sure the reader really cannot write it);
    write access is given back after the test."""
    made: list[Path] = []

    def make(root: Path) -> None:
        _set_writable(root, False)
        made.append(root)
        probe = "import os, sys; sys.exit(os.access(sys.argv[1], os.W_OK))"
        if _run([sys.executable, "-c", probe, str(root)]).returncode != 0:
            pytest.skip("as root, the reader cannot drop CAP_DAC_OVERRIDE (no CAP_SETPCAP)")

    yield make
    for root in made:
        _set_writable(root, True)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command that cannot write what its mode forbids, root or not."""
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        preexec_fn=_drop_dac_override if AS_ROOT else None,  # noqa: PLW1509 - no threads here
    )


def reader(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`archiver --archive ARCHIVE ARGS` as a user who cannot write the archive."""
    return _run([*cli_argv(), "--archive", str(archive), *args])


@pytest.fixture
def read_only_archive(tmp_path: Path, read_only: Callable[[Path], None]) -> Path:
    """The sample archive, made read-only (files 0444, directories 0555)."""
    archive = tmp_path / "archive"
    import_sample(tmp_path, archive)
    read_only(archive)
    return archive


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    }


def test_readers_work_on_an_archive_they_cannot_write(read_only_archive: Path) -> None:
    archive = read_only_archive
    before = _listing(archive)
    listed = reader(archive, "ls", "--fields", "id,title,language")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 4 and AR_TITLE in {r["title"] for r in rows}
    ar_id = next(r["id"] for r in rows if r["language"] == "ar")
    for args in (["stats"], ["show", ar_id], ["clusters"], ["export", "--format", "csv"]):
        result = reader(archive, *args)
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr)
        assert result.stdout
    shown = reader(archive, "show", ar_id, "--text")
    assert shown.returncode == 0 and shown.stdout.strip()
    assert json.loads(reader(archive, "stats").stdout)["articles"] == 4
    assert _listing(archive) == before  # nothing created, nothing changed (no -wal, no -shm)


def test_a_reader_without_write_access_follows_a_running_writer(
    tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    # A group member reads the owner's archive while the owner's crawl writes it: the -shm the
    # writer keeps lets the reader see commits still in the WAL (opening immutable would not).
    archive = tmp_path / "archive"
    import_sample(tmp_path, archive)
    with Store.open(archive, write=True, fsync=False) as store:
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the change in the WAL
        (gone,) = store.conn.execute("SELECT id FROM articles WHERE language = 'ar'").fetchone()
        store.conn.execute("DELETE FROM articles WHERE id = ?", (gone,))
        read_only(archive)
        result = reader(archive, "ls", "--fields", "id")
        _set_writable(archive, True)  # for the writer's checkpoint as it closes
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert len(ids) == 3 and gone not in ids


def test_a_snapshot_with_pending_wal_changes_is_refused_in_one_line(
    tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    # A copy taken while a writer ran, without its -shm: opening it immutable would ignore the
    # WAL (a stale or half-checkpointed view), so the reader says what to do instead.
    live = tmp_path / "live"
    import_sample(tmp_path, live)
    conn = sqlite3.connect(live / "index.sqlite", isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("DELETE FROM articles")
    snapshot = tmp_path / "snapshot"
    shutil.copytree(live, snapshot, ignore=shutil.ignore_patterns("*-shm"))
    conn.close()
    assert (snapshot / "index.sqlite-wal").stat().st_size > 0
    read_only(snapshot)
    result = reader(snapshot, "ls")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "index.sqlite-wal" in result.stderr and "wal_checkpoint" in result.stderr


_HOLD_OPEN = """
import sys
from pathlib import Path
from archiver.store import Store
with Store.open(Path(sys.argv[1])) as store:
    print(store.count(), flush=True)
    sys.stdin.readline()
"""


def test_a_writer_cannot_start_under_a_reader_of_an_immutable_index(
    read_only_archive: Path,
) -> None:
    archive = read_only_archive
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(archive)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=_drop_dac_override if AS_ROOT else None,  # noqa: PLW1509 - no threads here
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "4"  # the reader has the index open
        _set_writable(archive, True)  # the owner could write again
        with pytest.raises(ArchiveLocked, match="is locked by"):
            Store.open(archive, write=True)
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    Store.open(archive, write=True).close()  # the reader gone, a writer opens

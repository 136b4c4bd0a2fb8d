"""Rebuild part of bench/dedup_bench.py: `archiver dedup --rebuild` on a real archive.

`scale` (bench/dedup_scale.py) times the rebuild's passes on texts generated in memory. This
part measures the command itself, from stored texts: the synthetic corpus of `scale` (document
i from (seed, i); one in ten a planted copy) is written into an archive through `Store` (text
and JSON files, index rows; each article its own cluster, as if the near layer had been off),
then `archiver dedup --rebuild` runs as a separate process twice:

1. the first rebuild finds every planted copy and rewrites its record (index row and sidecar);
2. the second finds the same clusters and rewrites nothing (a routine rebuild).

Printed for each: wall time, and next to it, as the baseline from the same run, the time to read
every stored text once (what any rebuild must at least do); peak memory as the summed PSS of the
rebuild process and its workers (forked workers share pages, so summed RSS would count the
shared pages twice), sampled every 0.2 s. Then the clusters read back from the archive: planted
copies in their original's cluster, by kind, and clusters mixing different originals.

    python bench/dedup_bench.py rebuild --docs 100000 [--dir DIR] [--keep] [--reuse]
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver.models import Article
from archiver.normalize import content_sha256, word_count
from archiver.store import Store, text_path
from archiver.urls import article_id
from bench.dedup_scale import PeakPss, kind_of, source_of, text_of

OUTLETS = 97  # reposts come from other outlets than their originals, as in `scale`
_START = datetime(2024, 1, 1, tzinfo=UTC)
_COUNT = 0  # set before the generator pool forks


def _texts(bounds: tuple[int, int]) -> list[str]:
    return [text_of(i, _COUNT) for i in range(*bounds)]


def _article(i: int, text: str) -> Article:
    url = f"https://o{i % OUTLETS}.example/news/{i}"
    uid = article_id(url)
    fetched = (_START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")  # in corpus order
    return Article(
        id=uid,
        url=url,
        canonical_url=url,
        outlet=f"o{i % OUTLETS}",
        text=text,
        fetched_at=fetched,
        published=fetched[:10],
        sha256=content_sha256(text),
        word_count=word_count(text),
        language="ar" if i % 2 else "en",
        cluster=uid,
    )


def build(root: Path, count: int) -> float:
    """Write the corpus into a new archive at `root`; seconds taken."""
    global _COUNT
    _COUNT = count
    started = time.perf_counter()
    step = 256
    ranges = [(s, min(s + step, count)) for s in range(0, count, step)]
    with (
        multiprocessing.get_context("fork").Pool(max(1, (os.cpu_count() or 1) - 1)) as pool,
        Store.open(root, write=True, fsync=False) as store,
    ):
        # At most 8 chunks generated ahead of the writer, so waiting texts stay a few MB.
        queue = iter(ranges)
        ahead = deque((r, pool.apply_async(_texts, (r,))) for r in itertools.islice(queue, 8))
        while ahead:
            (start, _), result = ahead.popleft()
            if (following := next(queue, None)) is not None:
                ahead.append((following, pool.apply_async(_texts, (following,))))
            texts = result.get()
            with store.transaction():
                for offset, text in enumerate(texts):
                    store.add_article(_article(start + offset, text))
            if (start + len(texts)) % 100_000 < step:
                print(f"    {start + len(texts):>9} articles written", flush=True)
    return time.perf_counter() - started


def _holds(root: Path, count: int) -> bool:
    """Whether `root` is an archive of exactly `count` articles (one this benchmark built)."""
    if not (root / "index.sqlite").exists():
        return False
    with Store.open(root) as store:
        return store.count() == count


def _unclustered(root: Path) -> None:
    """Every article its own cluster again, as `build` leaves them (the sidecars are rewritten
    by the first rebuild along with the records, since those are the ones it changes)."""
    with Store.open(root, write=True) as store, store.transaction():
        store.conn.execute(
            "UPDATE articles SET cluster = id, duplicate_of = NULL, similarity = NULL, "
            "dedup_method = NULL"
        )


def read_all(root: Path) -> float:
    """Seconds to read every stored text once (the floor for any rebuild)."""
    with Store.open(root) as store:
        paths = [row[0] for row in store.conn.execute("SELECT path FROM articles")]
    started = time.perf_counter()
    for relpath in paths:
        text_path(root, relpath).read_text(encoding="utf-8")
    return time.perf_counter() - started


def rebuild(root: Path) -> tuple[float, float, str]:
    """Run `archiver dedup --rebuild`: (seconds, peak summed PSS in MiB, its JSON line)."""
    command = [sys.executable, "-m", "cli", "--archive", str(root), "dedup", "--rebuild"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    with PeakPss(proc.pid) as peak:
        out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"dedup --rebuild exited {proc.returncode}")
    return seconds, peak.mib, out.strip()


def check(root: Path, count: int) -> None:
    """Planted copies in their original's cluster, by kind; clusters mixing originals."""
    with Store.open(root) as store:
        cluster = {row[0]: row[1] for row in store.conn.execute("SELECT id, cluster FROM articles")}
    ids = [article_id(f"https://o{i % OUTLETS}.example/news/{i}") for i in range(count)]
    found: dict[str, list[int]] = {}
    for i in range(9, count, 10):
        kind = kind_of(i)
        hit = cluster[ids[i]] == cluster[ids[source_of(i, count)]]
        found.setdefault(kind, [0, 0])
        found[kind][0] += hit
        found[kind][1] += 1
    print(
        "  planted copies in their original's cluster: "
        + ", ".join(f"{k} {f / t:.4f} of {t}" for k, (f, t) in sorted(found.items()))
    )
    # `edited` copies have words substituted at random until a target Jaccard of 0.75-1.0:
    # tens of substituted words, which the template guard parts by design (a templated report
    # differs from the last one the same way). `scale` measures them as LSH candidates.
    roots: dict[str, set[int]] = {}
    for i, uid in enumerate(ids):
        origin = i if kind_of(i) == "original" else source_of(i, count)
        roots.setdefault(cluster[uid], set()).add(origin)
    sizes: dict[str, int] = {}
    for label in cluster.values():
        sizes[label] = sizes.get(label, 0) + 1
    mixed = sum(len(r) > 1 for r in roots.values())
    print(f"  clusters mixing different originals: {mixed} of {sum(s > 1 for s in sizes.values())}")


def run(args: argparse.Namespace) -> None:
    count = args.docs
    base = Path(args.dir or tempfile.mkdtemp(prefix="dedup-rebuild-"))
    root = base / "archive"
    print(f"archive of {count} synthetic articles (1 in 10 a planted copy) at {root}", flush=True)
    try:
        if args.reuse and _holds(root, count):
            _unclustered(root)
            print("  reused (every article's dedup fields reset)", flush=True)
        else:
            if root.exists():
                shutil.rmtree(root)
            seconds = build(root, count)
            size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
            print(
                f"  written in {seconds:.1f} s ({count / seconds:.0f} articles/s, fsync off), "
                f"{size / 2**30:.2f} GiB",
                flush=True,
            )
        floor = read_all(root)
        print(f"  reading every stored text once: {floor:.1f} s (the baseline below)", flush=True)
        for name in ("first rebuild (records to rewrite)", "second rebuild (nothing changes)"):
            seconds, peak, out = rebuild(root)
            print(
                f"{name}: {seconds:.1f} s = {seconds / floor:.1f}x reading the texts; "
                f"peak memory (PSS, process + workers) {peak:.0f} MiB",
                flush=True,
            )
            print(f"  {out}")
        check(root, count)
    finally:
        if not args.keep:
            shutil.rmtree(base if not args.dir else root, ignore_errors=True)

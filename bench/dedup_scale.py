"""Scale part of bench/dedup_bench.py: a synthetic corpus of news-length documents.

Document i is generated from (seed, i) alone (Zipf-distributed words from a synthetic Arabic
and English vocabulary, ~650 words in paragraphs), so the corpus is never held in memory and
every worker can produce any text. One document in ten is a planted copy of an earlier
original: an edited copy (words substituted until a target Jaccard of 0.75-1.0 on word
3-grams), a wrapped copy (header and footer lines) or a truncated copy (first third + a
"continue reading" line).

Printed: fingerprint cost per document next to trafilatura's extraction cost per document (same
run, same texts as HTML pages); the full rebuild (fingerprints on all workers, candidate pairs,
verification, writing the SQLite index, clustering) with its time and peak memory; insert+query
latency p50/p99 against the persisted index; recall of planted pairs (LSH candidates for edited
copies by Jaccard bucket; verified clusters for wrapped and truncated copies).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from archiver.config import DedupSettings, Settings
from archiver.dedup import fingerprint_params, verify_rules
from archiver.dedup_rebuild import NearResult, find_near_pairs, plan_clusters
from archiver.fingerprint import Fingerprinter, text_shingles
from archiver.lsh_index import SCHEMA, NearIndex
from archiver.models import Article
from archiver.normalize import content_sha256
from archiver.store import configure_writer

SEED = 11


class PeakPss:
    """Samples the summed proportional set size of a process and its descendants every 0.2 s
    while in use (Linux): forked workers share pages with their parent, so summed RSS would
    count those twice. `mib` is the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.mib = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.mib = max(self.mib, _pss_kib(self.pid) / 1024)


_AR = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_EN = "abcdefghijklmnopqrstuvwxyz"


def _vocab(letters: str, size: int, rng: random.Random) -> np.ndarray:
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)}
    return np.array(sorted(words), dtype=object)


_RNG = random.Random(SEED)
VOCAB = {"ar": _vocab(_AR, 40_000, _RNG), "en": _vocab(_EN, 40_000, _RNG)}
_RANKS = np.arange(1, min(len(v) for v in VOCAB.values()) + 1, dtype=np.float64)
_CDF = np.cumsum(1 / _RANKS**1.05)
_CDF /= _CDF[-1]


def _pss_kib(pid: int) -> int:
    """Proportional set size of one process and its descendants (Linux), in KiB."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    except OSError:
        return 0
    return total + sum(_pss_kib(int(child)) for child in children)


def kind_of(i: int) -> str:
    if i % 10 != 9:
        return "original"
    return ("edited", "wrapped", "truncated")[(i // 10) % 3]


def source_of(i: int, count: int) -> int:
    """The original a planted copy copies: an earlier document that is itself an original."""
    block = max(1, min(i, count) // 10)
    mixed = (i * 0x9E3779B1 ^ (i >> 7) * 0x85EBCA77) & 0xFFFFFFFF  # spread over all blocks
    return (mixed % block) * 10


def _original(i: int) -> list[str]:
    rng = np.random.default_rng((SEED, i))
    lang = "ar" if i % 2 else "en"
    n = int(np.clip(rng.normal(650, 120), 250, 1100))
    words = VOCAB[lang][np.minimum(np.searchsorted(_CDF, rng.random(n)), len(VOCAB[lang]) - 1)]
    return list(words)


def _paragraphs(words: list[str]) -> str:
    return "\n\n".join(" ".join(words[s : s + 60]) for s in range(0, len(words), 60))


def text_of(i: int, count: int) -> str:
    kind = kind_of(i)
    if kind == "original":
        return _paragraphs(_original(i))
    src = source_of(i, count)
    words = _original(src)
    rng = np.random.default_rng((SEED, i, 1))
    lang = "ar" if src % 2 else "en"
    if kind == "edited":
        target = rng.uniform(0.75, 1.0)
        k = int(len(words) * (1 - target) / (3 * (1 + target)))
        for pos in rng.choice(len(words), size=k, replace=False):
            words[pos] = VOCAB[lang][rng.integers(len(VOCAB[lang]))]
        return _paragraphs(words)
    if kind == "wrapped":
        head = list(VOCAB[lang][rng.integers(0, len(VOCAB[lang]), 12)])
        tail = list(VOCAB[lang][rng.integers(0, len(VOCAB[lang]), 15)])
        return _paragraphs(head) + "\n\n" + _paragraphs(words) + "\n\n" + _paragraphs(tail)
    cut = words[: len(words) // 3]
    return _paragraphs(cut) + "\n\nContinue reading at the source ..."


def _html(i: int, text: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    nav = "".join(f'<li><a href="/s/{k}">Section {k}</a></li>' for k in range(12))
    return (
        f"<html><head><title>Story {i}</title><meta charset='utf-8'></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>Story {i}</h1>"
        f"<p class='byline'>By a reporter</p>{paras}</article></main>"
        f"<aside><h3>Most read</h3><ul>{nav}</ul></aside><footer>(c) Fictional Outlet</footer>"
        "</body></html>"
    )


AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scrapinghub-aeb" / "html"


def cost_per_doc(count: int, runs: int) -> None:
    """Fingerprint cost per document vs trafilatura extraction, in the same run.

    Extraction runs on the 181 real pages of the scrapinghub set; the fingerprint on the texts
    trafilatura extracted from them, and on synthetic news-length texts of this corpus.
    """
    import gzip

    import trafilatura

    fp = Fingerprinter(fingerprint_params(DedupSettings()))
    pages = [
        gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
        for f in sorted(AEB.glob("*.html.gz"))
    ]
    extracted = [trafilatura.extract(page) or "" for page in pages]
    synthetic = [text_of(i, count) for i in range(0, 1400, 7)]
    fingerprint_ms: dict[str, list[float]] = {"real": [], "synthetic": []}
    exact_ms: list[float] = []
    extract_ms: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for page in pages:
            trafilatura.extract(page)
        extract_ms.append((time.perf_counter() - t0) / len(pages) * 1000)
        for name, texts in (("real", extracted), ("synthetic", synthetic)):
            t0 = time.perf_counter()
            for t in texts:
                fp.fingerprint(t, with_tokens=False)
            fingerprint_ms[name].append((time.perf_counter() - t0) / len(texts) * 1000)
        t0 = time.perf_counter()
        for t in extracted:
            content_sha256(t)
        exact_ms.append((time.perf_counter() - t0) / len(extracted) * 1000)
    tr = statistics.median(extract_ms)
    real = statistics.median(fingerprint_ms["real"])
    synth = statistics.median(fingerprint_ms["synthetic"])
    exact = statistics.median(exact_ms)
    real_chars = statistics.mean(len(t) for t in extracted)
    synth_chars = statistics.mean(len(t) for t in synthetic)
    print(f"per document, median of {runs} runs:")
    print(f"  trafilatura.extract, {len(pages)} real pages            {tr:.3f} ms")
    print(
        f"  fingerprint of their texts ({real_chars:.0f} chars)        {real:.3f} ms "
        f"= {real / tr:.1%} of extraction"
    )
    print(
        f"  fingerprint, synthetic news text ({synth_chars:.0f} chars) {synth:.3f} ms "
        f"= {synth / tr:.1%} of extraction"
    )
    print(f"  (exact hash of the real texts, for reference   {exact:.3f} ms)")


def scale(args: argparse.Namespace) -> None:
    count = args.docs
    dedup = DedupSettings()
    params, rules = fingerprint_params(dedup), verify_rules(dedup)
    print(f"synthetic corpus: {count} documents, 1 in 10 a planted copy", flush=True)
    if not args.skip_cost:
        cost_per_doc(count, runs=3)

    workdir = Path(args.db or tempfile.mkdtemp(prefix="dedup-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "index.sqlite"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    configure_writer(conn)  # the archive's own pragmas (WAL, checkpoint policy)
    conn.executescript(SCHEMA)
    index = NearIndex(conn, params, max_bucket=dedup.max_bucket)
    t_write = 0.0

    def write_keys(parts: list[tuple[np.ndarray, np.ndarray]], token_counts: list[int]) -> None:
        """What `dedup --rebuild` does with the key table (on its own thread, as there)."""
        nonlocal t_write
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        index.replace_all([f"d{i}" for i in range(count)], token_counts, parts)
        conn.execute("COMMIT")
        t_write = time.perf_counter() - t0

    # Reposts come from other outlets than their originals (97 synthetic outlets), so edited
    # pairs go through `dedup.edit_allowed` as in a real rebuild.
    outlets = [frozenset({f"o{k}"}) for k in range(97)]
    started = time.perf_counter()
    peak = PeakPss(os.getpid()).__enter__()
    result = find_near_pairs(
        count,
        lambda i: text_of(i, count),
        params,
        rules,
        max_bucket=dedup.max_bucket,
        workers=args.workers,
        progress=lambda msg: print(f"  {time.perf_counter() - started:7.1f} s  {msg}", flush=True),
        outlets=[outlets[i % 97] for i in range(count)],
        write_keys=write_keys,
    )
    t_pairs = time.perf_counter() - started
    print(f"  {t_pairs:7.1f} s  verified {len(result.edges)} pairs", flush=True)
    t0 = time.perf_counter()
    settings = Settings()

    def load(ids: list[str]) -> list[Article]:
        return [
            Article(
                id=x,
                url=x,
                canonical_url=x,
                outlet="o",
                text="",
                sha256="",
                fetched_at=f"2025-01-01T00:00:{int(x[1:]) % 60:02d}Z",
            )
            for x in ids
        ]

    ids = [f"d{i}" for i in range(count)]
    plan = plan_clusters(ids, list(range(count)), result.edges, load, settings)
    t_plan = time.perf_counter() - t0
    total = time.perf_counter() - started
    peak.__exit__()
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = result.key_count
    print(
        f"rebuild: {total:.1f} s total = fingerprints+candidates+verification {t_pairs:.1f} s "
        f"(the SQLite index write, {t_write:.1f} s on its own thread, overlaps the verification: "
        f"{rows} keys, {db.stat().st_size / 2**20:.0f} MiB), clustering {t_plan:.1f} s; "
        f"workers={args.workers or 'all'}"
    )
    print(
        f"  candidate pairs {result.candidate_pairs}, verified {len(result.edges)}, "
        f"clusters {len({c for c, d, _, _ in plan.values() if d})}"
    )
    print(
        f"  peak memory: PSS of process + workers {peak.mib:.0f} MiB "
        f"(peak RSS: main {self_rss:.0f} MiB, largest worker {child_rss:.0f} MiB)"
    )
    _recall(count, result, {x: t[0] for x, t in plan.items()})
    _latency(conn, index, count)
    conn.close()


def _recall(count: int, result: NearResult, cluster: dict[str, str]) -> None:
    pairs = result.pairs
    candidate = {(int(a), int(b)) for a, b in pairs.tolist()}
    buckets: dict[str, list[int]] = {"0.8-0.9": [0, 0], "0.9-1.0": [0, 0], "<0.8": [0, 0]}
    ends = {"wrapped": [0, 0], "truncated": [0, 0]}
    rng = random.Random(3)
    planted = [i for i in range(9, count, 10)]
    sample = planted if len(planted) <= 30_000 else rng.sample(planted, 30_000)
    for i in sample:
        src = source_of(i, count)
        pair = (min(i, src), max(i, src))
        kind = kind_of(i)
        if kind == "edited":
            a = set(text_shingles(text_of(i, count)).tolist())
            b = set(text_shingles(text_of(src, count)).tolist())
            j = len(a & b) / len(a | b)
            key = "<0.8" if j < 0.8 else "0.8-0.9" if j < 0.9 else "0.9-1.0"
            buckets[key][0] += pair in candidate
            buckets[key][1] += 1
        else:
            ends[kind][0] += cluster[f"d{i}"] == cluster[f"d{src}"]
            ends[kind][1] += 1
    found = sum(v[0] for k, v in buckets.items() if k != "<0.8")
    total = sum(v[1] for k, v in buckets.items() if k != "<0.8")
    print(
        f"recall, planted edited copies with Jaccard >= 0.8 (LSH candidates): "
        f"{found / max(total, 1):.4f} of {total}"
    )
    for k, (f, t) in buckets.items():
        print(f"  Jaccard {k}: {f / max(t, 1):.4f} of {t}")
    for k, (f, t) in ends.items():
        print(f"recall, planted {k} copies (in the original's cluster): {f / max(t, 1):.4f} of {t}")

    # Precision at scale: every member of a cluster must descend from the same original.
    def root(i: int) -> int:
        return i if kind_of(i) == "original" else source_of(i, count)

    roots: dict[str, set[int]] = {}
    sizes: dict[str, int] = {}
    for name, label in cluster.items():
        roots.setdefault(label, set()).add(root(int(name[1:])))
        sizes[label] = sizes.get(label, 0) + 1
    mixed = sum(len(r) > 1 for r in roots.values())
    multi = sum(size > 1 for size in sizes.values())
    print(f"clusters mixing different originals (false merges): {mixed} of {multi}")


def _latency(conn: sqlite3.Connection, index: NearIndex, count: int) -> None:
    fp = Fingerprinter(index.params)
    queries = [fp.fingerprint(text_of(i, count + 1000)) for i in range(count, count + 1000)]
    q_ms, i_ms, both = [], [], []
    for n, f in enumerate(queries):
        t0 = time.perf_counter()
        index.candidates(f, limit=20)
        t1 = time.perf_counter()
        conn.execute("BEGIN")
        index.add(f"new{n}", f)
        conn.execute("COMMIT")
        t2 = time.perf_counter()
        q_ms.append((t1 - t0) * 1000)
        i_ms.append((t2 - t1) * 1000)
        both.append((t2 - t0) * 1000)

    def pct(values: list[float], p: float) -> float:
        return float(np.percentile(values, p))

    print(f"latency against the persisted index ({count} docs, 1000 new docs, commit each):")
    for name, values in (("query", q_ms), ("insert", i_ms), ("insert+query", both)):
        print(
            f"  {name:13} p50 {pct(values, 50):.3f} ms   p99 {pct(values, 99):.3f} ms   "
            f"max {max(values):.3f} ms (a WAL checkpoint)"
        )

"""Near-duplicate benchmark: quality on a labelled set, and cost/latency/recall at scale.

    python bench/dedup_bench.py quality              # labelled set, vs trafilatura's simhash
    python bench/dedup_bench.py scale --docs 100000  # synthetic corpus with planted duplicates
    python bench/dedup_bench.py rebuild --docs 100000  # `archiver dedup --rebuild` on an archive

Quality runs the real path (Store + Deduper.decide/index, in arrival order) over the set built
by bench/dedup_corpus.py and prints pairwise precision/recall/F1, merged hard negatives and
canonical accuracy, next to trafilatura's `content_fingerprint` simhash (Hamming <= 3, and its
best threshold) clustered and given canonicals by the same rules.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.config import DedupSettings  # noqa: E402
from archiver.dedup import (  # noqa: E402
    Deduper,
    choose_canonical,
    fingerprint_params,
    verify_rules,
)
from archiver.dedup_rebuild import (  # noqa: E402
    DisjointSet,
    Edge,
    find_near_pairs,
    plan_clusters,
)
from archiver.fingerprint import tokenize  # noqa: E402
from archiver.models import Article  # noqa: E402
from archiver.normalize import content_sha256, word_count  # noqa: E402
from archiver.store import Store  # noqa: E402
from archiver.verify import shingle_overlap  # noqa: E402
from bench.dedup_corpus import Corpus, Doc, bench_settings, build  # noqa: E402


def to_article(doc: Doc) -> Article:
    fetched = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=doc.fetched_order)
    url = f"https://{doc.outlet}.example/{doc.id}"
    return Article(
        id=doc.id,
        url=url,
        canonical_url=url,
        outlet=doc.outlet,
        text=doc.text,
        fetched_at=fetched.isoformat().replace("+00:00", "Z"),
        sha256=content_sha256(doc.text),
        published=doc.published,
        language=doc.language,
        word_count=word_count(doc.text),
        source_credit=doc.source_credit,
    )


def run_archiver(corpus: Corpus) -> tuple[dict[str, str], dict[str, str | None], float]:
    """Feed the docs through Deduper in arrival order: (cluster, duplicate_of) per id, ms/doc."""
    settings = bench_settings()
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp), write=True) as store:
        deduper = Deduper(store, settings)
        took = 0.0
        for doc in sorted(corpus.docs, key=lambda d: d.fetched_order):
            article = to_article(doc)
            t0 = time.perf_counter()
            decision = deduper.decide(article)
            took += time.perf_counter() - t0
            article.cluster, article.duplicate_of = decision.cluster, decision.duplicate_of
            article.similarity, article.dedup_method = decision.similarity, decision.method
            store.add_article(article)
            t0 = time.perf_counter()
            deduper.index(article)
            took += time.perf_counter() - t0
        clusters, dup_of = {}, {}
        for article in store.iter_articles(with_text=False):
            clusters[article.id] = article.cluster or article.id
            dup_of[article.id] = article.duplicate_of
    return clusters, dup_of, took / len(corpus.docs) * 1000


def run_simhash(corpus: Corpus, threshold: float) -> tuple[dict[str, str], dict[str, str | None]]:
    """trafilatura's simhash: pairs at or above `threshold` joined, canonical by our rules."""
    from trafilatura.deduplication import Simhash

    hashes = [Simhash(d.text) for d in corpus.docs]
    joined = DisjointSet(len(corpus.docs))
    for a, b in itertools.combinations(range(len(corpus.docs)), 2):
        if hashes[a].similarity(hashes[b]) >= threshold:
            joined.union(a, b)
    roots = {d.id: corpus.docs[joined.find(i)].id for i, d in enumerate(corpus.docs)}
    return _with_canonicals(corpus, roots)


def _with_canonicals(
    corpus: Corpus, clusters: dict[str, str]
) -> tuple[dict[str, str], dict[str, str | None]]:
    settings = bench_settings()
    groups: dict[str, list[Doc]] = defaultdict(list)
    for d in corpus.docs:
        groups[clusters[d.id]].append(d)
    dup_of: dict[str, str | None] = {}
    for members in groups.values():
        canonical = choose_canonical([to_article(d) for d in members], settings)
        for d in members:
            dup_of[d.id] = None if d.id == canonical.id else canonical.id
    return clusters, dup_of


def score(
    corpus: Corpus, clusters: dict[str, str], dup_of: dict[str, str | None]
) -> dict[str, float]:
    truth = {d.id: d.truth for d in corpus.docs}
    template = {d.id for d in corpus.docs if d.template}
    tp = fp = fn = merged_negatives = 0
    for a, b in itertools.combinations(truth, 2):
        same_truth = truth[a] == truth[b]
        same_pred = clusters[a] == clusters[b]
        tp += same_truth and same_pred
        fp += same_pred and not same_truth
        fn += same_truth and not same_pred
        merged_negatives += same_pred and not same_truth and a in template and b in template
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Canonical: for every true story with reposts, the original is the canonical its found
    # copies point to (and points nowhere itself).
    right = total = 0
    for d in corpus.docs:
        if not d.original or sum(truth[x] == d.truth for x in truth) < 2:
            continue
        total += 1
        members = [x for x in truth if truth[x] == d.truth and x != d.id]
        found = [x for x in members if clusters[x] == clusters[d.id]]
        right += dup_of[d.id] is None and all(dup_of[x] == d.id for x in found)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "merged_hard_negative_pairs": merged_negatives,
        "canonical": right / total if total else 1.0,
        "stories": total,
    }


def run_batch(corpus: Corpus, dedup: DedupSettings) -> tuple[dict[str, str], dict[str, str | None]]:
    """The `dedup --rebuild` path (in-process) with other [dedup] settings."""
    settings = replace(bench_settings(), dedup=dedup)
    ids = [d.id for d in corpus.docs]
    first: dict[str, int] = {}
    group = [first.setdefault(content_sha256(d.text), i) for i, d in enumerate(corpus.docs)]
    reps = sorted(set(group))
    outlets: dict[int, set[str]] = defaultdict(set)
    for i, rep in enumerate(group):
        outlets[rep].add(corpus.docs[i].outlet)
    found = find_near_pairs(
        len(reps),
        lambda i: corpus.docs[reps[i]].text,
        fingerprint_params(dedup),
        verify_rules(dedup),
        max_bucket=dedup.max_bucket,
        workers=1,
        outlets=[frozenset(outlets[rep]) for rep in reps],
    )
    edges = [Edge(reps[e.a], reps[e.b], e.method, e.similarity) for e in found.edges]
    articles = {d.id: to_article(d) for d in corpus.docs}
    plan = plan_clusters(ids, group, edges, lambda xs: [articles[x] for x in xs], settings)
    return {i: t[0] for i, t in plan.items()}, {i: t[1] for i, t in plan.items()}


def sweep(corpus: Corpus) -> None:
    """Each verification threshold moved alone from its default: why the defaults."""
    base = DedupSettings()
    variants = [("defaults", base)]
    for value in (0.8, 0.85, 0.95):
        variants.append((f"near_threshold={value}", replace(base, near_threshold=value)))
    for value in (0.8, 0.85, 0.95):
        variants.append((f"contained_threshold={value}", replace(base, contained_threshold=value)))
    for value in (0.3, 0.7):
        variants.append((f"min_coverage={value}", replace(base, min_coverage=value)))
    for value in (0.0, 2.0, 3.0, 4.0, 10.0, 20.0):
        variants.append(
            (f"max_word_edits_per_1000={value:g}", replace(base, max_word_edits_per_1000=value))
        )
    for edits in (0, 2):
        variants.append(
            (f"cross_outlet_word_edits={edits}", replace(base, cross_outlet_word_edits=edits))
        )
    variants.append(("number_guard=false", replace(base, number_guard=False)))
    variants.append(
        ("no guard at all", replace(base, number_guard=False, max_word_edits_per_1000=1000.0))
    )
    print(f"{'batch path, one setting changed':36}{'precision':>10}{'recall':>8}{'merged neg':>12}")
    for name, dedup in variants:
        s = score(corpus, *run_batch(corpus, dedup))
        print(
            f"{name:36}{s['precision']:>10.4f}{s['recall']:>8.4f}"
            f"{int(s['merged_hard_negative_pairs']):>12d}"
        )


AEB = Path(__file__).resolve().parents[2] / "shared" / "data" / "scrapinghub-aeb"


def real_overlap() -> None:
    """How much text different real articles share: the floor under `url_min_overlap` (a
    cross-site rel=canonical is trusted only above it)."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [tokenize(v["articleBody"]) for v in truth.values() if len(v["articleBody"]) > 500]
    shares = sorted(
        (shingle_overlap(a, b) for a, b in itertools.combinations(texts, 2)), reverse=True
    )
    print(
        f"word 3-grams shared by different real articles (scrapinghub-aeb, {len(texts)} "
        f"articles, {len(shares)} pairs, share of the shorter's): max {shares[0]:.3f}, "
        f"p99.9 {shares[len(shares) // 1000]:.3f}; url_min_overlap "
        f"{DedupSettings().url_min_overlap}"
    )


def _spread(scores: list[dict[str, float]], key: str) -> str:
    values = [s[key] for s in scores]
    return f"{min(values):.4f} / {statistics.median(values):.4f}"


def seeds(first: int, count: int) -> None:
    """The labelled set drawn with other seeds (other texts, reposts, mirrors and arrival
    orders): the spread of the figures, incremental and batch paths."""
    print(f"\n{count} labelled sets (seeds {first}-{first + count - 1}), default settings")
    print(f"{'':14}{'precision':>18}{'recall':>18}{'merged neg':>14}{'canonical':>18}")
    rows: dict[str, list[dict[str, float]]] = {"incremental": [], "batch": []}
    for seed in range(first, first + count):
        corpus = build(seed=seed)
        clusters, dup_of, _ = run_archiver(corpus)
        rows["incremental"].append(score(corpus, clusters, dup_of))
        rows["batch"].append(score(corpus, *run_batch(corpus, DedupSettings())))
    for name, scores in rows.items():
        merged = max(int(s["merged_hard_negative_pairs"]) for s in scores)
        print(
            f"{name:14}{_spread(scores, 'precision'):>18}{_spread(scores, 'recall'):>18}"
            f"{merged:>14d}{_spread(scores, 'canonical'):>18}"
        )
    print("(min / median over the seeds; merged neg: the most in any one set)")


def quality(args: argparse.Namespace) -> None:
    if args.seeds > 1:
        seeds(args.seed, args.seeds)
        return
    corpus = build(seed=args.seed)
    n = len(corpus.docs)
    kinds = defaultdict(int)
    for d in corpus.docs:
        kinds[d.kind] += 1
    negatives = sum(d.template and d.original for d in corpus.docs)
    print(
        f"labelled set: {n} articles, {len({d.truth for d in corpus.docs})} true clusters, "
        f"{negatives} templated hard negatives; kinds {dict(sorted(kinds.items()))}"
    )
    runs = [run_archiver(corpus) for _ in range(args.runs)]
    clusters, dup_of, _ = runs[0]
    ms = statistics.median(r[2] for r in runs)
    ours = score(corpus, clusters, dup_of)
    base = score(corpus, *run_simhash(corpus, 61 / 64))
    best_t, best = 0.0, {"f1": -1.0}
    for bits in range(0, 20):
        t = (64 - bits) / 64
        s = score(corpus, *run_simhash(corpus, t))
        if s["f1"] > best["f1"]:
            best_t, best = t, s
    header = f"{'':28}{'precision':>10}{'recall':>8}{'F1':>8}{'merged neg':>12}{'canonical':>11}"
    print(header)
    for name, s in (
        ("archiver (MinHash+verify)", ours),
        ("trafilatura simhash <=3 bit", base),
        (f"trafilatura simhash best ({best_t:.3f})", best),
    ):
        print(
            f"{name:28}{s['precision']:>10.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}"
            f"{int(s['merged_hard_negative_pairs']):>12d}{s['canonical']:>11.4f}"
        )
    print(f"archiver decide+index: {ms:.2f} ms/article (median of {args.runs} runs, store on disk)")
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    originals = {d.truth: d.id for d in corpus.docs if d.original}
    for d in corpus.docs:
        if not d.original:
            by_kind[d.kind][0] += clusters[d.id] == clusters[originals[d.truth]]
            by_kind[d.kind][1] += 1
    print(
        "archiver, copies found in their original's cluster, by kind: "
        + ", ".join(f"{k} {f}/{t}" for k, (f, t) in sorted(by_kind.items()))
    )
    real_overlap()
    if args.sweep:
        sweep(corpus)
    if args.misses:
        truth = {d.id: d for d in corpus.docs}
        for a, b in itertools.combinations(truth, 2):
            if truth[a].truth == truth[b].truth and clusters[a] != clusters[b]:
                print("missed", a, b)
            if truth[a].truth != truth[b].truth and clusters[a] == clusters[b]:
                print("merged", a, b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="part", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--seed", type=int, default=7)
    q.add_argument("--runs", type=int, default=3)
    q.add_argument("--misses", action="store_true", help="list missed and merged pairs")
    q.add_argument("--sweep", action="store_true", help="vary each threshold alone")
    q.add_argument("--seeds", type=int, default=1, help="spread over this many labelled sets")
    s = sub.add_parser("scale")
    s.add_argument("--docs", type=int, default=100_000)
    s.add_argument("--workers", type=int, default=0)
    s.add_argument("--db", type=Path, default=None, help="directory for the index (default: tmp)")
    s.add_argument("--skip-cost", action="store_true", help="skip the per-document cost part")
    r = sub.add_parser("rebuild", help="`archiver dedup --rebuild` on a real archive")
    r.add_argument("--docs", type=int, default=100_000)
    r.add_argument("--dir", type=Path, default=None, help="where to build the archive")
    r.add_argument("--keep", action="store_true", help="keep the archive afterwards")
    r.add_argument("--reuse", action="store_true", help="use the archive --dir holds, if whole")
    args = parser.parse_args()
    if args.part == "quality":
        quality(args)
    elif args.part == "scale":
        from bench.dedup_scale import scale

        scale(args)
    else:
        from bench.dedup_archive import run

        run(args)


if __name__ == "__main__":
    main()

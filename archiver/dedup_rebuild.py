"""`dedup --rebuild`: recompute every fingerprint, the candidate index and all clusters in batch.

Three passes, the first two on all cores (fork-started worker processes):

1. fingerprint one representative per exact-copy group (texts are streamed, never all held);
2. candidate pairs from the sorted key table (vectorized, see `lsh_index.candidate_pairs`),
   verified with the same rapidfuzz rules as the incremental path (an `edited` pair is kept
   under the same rule too: `dedup.edit_allowed`, with the whole batch as the neighbours),
   while a thread writes the key table to the index;
3. connected components (exact groups, verified pairs, cross-site rel=canonical links), a
   canonical per cluster by the usual rules, and a rewrite of only the records whose dedup
   fields changed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from array import array
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.pool import Pool

import numpy as np
import numpy.typing as npt

from archiver.config import DedupSettings, Settings
from archiver.dedup import (
    MIN_BAND_HITS,
    choose_canonical,
    edit_allowed,
    fingerprint_params,
    verify_rules,
)
from archiver.fingerprint import WINDOW_BIT, Fingerprinter, FingerprintParams, tokenize
from archiver.lsh_index import (
    KeyTable,
    NearIndex,
    Owners,
    all_links,
    bucket_pairs,
    count_pairs,
    replace_links,
)
from archiver.models import Article
from archiver.store import Store, text_path
from archiver.urls import article_id
from archiver.verify import VerifyRules, assess, shingle_overlap

_CHUNK = 512  # candidate pairs per verification task
_TEXTS = 256  # documents per fingerprint task (one numpy pass over all their characters)

# Set in the parent before the pool forks; workers inherit them (texts are never pickled).
_TEXT_OF: Callable[[int], str] | None = None
_PARAMS: FingerprintParams | None = None
_RULES: VerifyRules | None = None


class _Strings:
    """Many strings in one buffer: a fraction of the memory of as many str objects, and
    forked workers read them without touching (and so copying) shared pages."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8")
        self._ends.append(len(self._data))

    def __getitem__(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._data[start : self._ends[i]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._ends)


class DisjointSet:
    """Union-find over 0..count-1 (path halving)."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, x: int) -> int:
        """The root of x's set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Join a's set to b's (b's root stays the root)."""
        self.parent[self.find(a)] = self.find(b)


@dataclass(frozen=True)
class Edge:
    """A verified pair of documents (positions in the batch)."""

    a: int
    b: int
    method: str
    similarity: float


@dataclass(frozen=True)
class NearResult:
    """What the batch found: index key table, per-document word counts, verified pairs."""

    parts: list[tuple[npt.NDArray[np.int64], Owners]]  # the sorted key table, in partitions
    token_counts: list[int]
    pairs: npt.NDArray[np.int64]  # candidate pairs (a, b), a < b, that were verified
    edges: list[Edge]

    @property
    def candidate_pairs(self) -> int:
        return len(self.pairs)

    @property
    def key_count(self) -> int:
        return sum(len(k) for k, _ in self.parts)


def _fingerprint_range(
    bounds: tuple[int, int],
) -> tuple[npt.NDArray[np.int64], list[int], list[int]]:
    assert _TEXT_OF is not None and _PARAMS is not None
    texts = [_TEXT_OF(i) for i in range(*bounds)]
    keys, counts, words = _fingerprinter(_PARAMS).batch_keys(texts)
    return keys, counts.tolist(), words.tolist()


@contextmanager
def _pool(workers: int) -> Iterator[Pool | None]:
    """Fork-started workers (None: work in this process), closed and joined on leaving."""
    if workers <= 1:
        yield None
        return
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


@lru_cache(maxsize=2)
def _fingerprinter(params: FingerprintParams) -> Fingerprinter:
    return Fingerprinter(params)


@lru_cache(maxsize=1024)
def _tokens(i: int) -> tuple[str, ...]:
    assert _TEXT_OF is not None
    return tokenize(_TEXT_OF(i))


def _verify_chunk(pairs: npt.NDArray[np.int64]) -> _Verified:
    assert _RULES is not None
    found = _Verified([], [], [])
    for a, b in pairs.tolist():
        verdict = assess(_tokens(a), _tokens(b), _RULES)
        if verdict.match is not None:
            found.edges.append(Edge(a, b, verdict.match.method, verdict.match.similarity))
            continue
        if verdict.edited is not None:
            found.edited.append(Edge(a, b, verdict.edited.method, verdict.edited.similarity))
        if verdict.sibling:
            found.siblings.append((a, b))
    return found


@dataclass(frozen=True)
class _Verified:
    """Verified pairs, pairs that match only with one more word edit, and sibling pairs."""

    edges: list[Edge]
    edited: list[Edge]
    siblings: list[tuple[int, int]]


def find_near_pairs(
    count: int,
    text_of: Callable[[int], str],
    params: FingerprintParams,
    rules: VerifyRules,
    *,
    max_bucket: int,
    workers: int = 0,
    progress: Callable[[str], None] | None = None,
    outlets: Sequence[frozenset[str]] | None = None,
    write_keys: Callable[[list[tuple[npt.NDArray[np.int64], Owners]], list[int]], None]
    | None = None,
) -> NearResult:
    """Fingerprint documents 0..count-1 (`text_of(i)` gives the text) and verify candidates.

    `outlets[i]` are the outlets that published document i (an exact-copy group may span
    several); without them an `edited` pair is never kept. `write_keys(parts, token_counts)`,
    if given, persists the key table on a thread of its own while the workers verify: the
    write is single-threaded SQLite work, and would otherwise leave the other cores idle.
    """
    global _TEXT_OF, _PARAMS, _RULES
    _TEXT_OF, _PARAMS, _RULES = text_of, params, rules
    _tokens.cache_clear()
    workers = workers or os.cpu_count() or 1
    ranges = [(s, min(s + _TEXTS, count)) for s in range(0, count, _TEXTS)]
    try:
        # A pool per pass: the fingerprint workers' numpy scratch memory goes with them
        # instead of staying beside the verification's token caches.
        with _pool(workers) as pool:
            mapped = (pool.imap if pool else map)(_fingerprint_range, ranges)
            table = KeyTable()
            token_counts: list[int] = []
            for (start, _), (keys, key_counts, tokens) in zip(ranges, mapped, strict=True):
                table.add(keys, np.asarray(key_counts, np.int64), start)
                token_counts += tokens
        if progress:
            progress(f"fingerprinted {count} documents")
        parts = table.sorted_parts()
        with (
            ThreadPoolExecutor(1, thread_name_prefix="archiver-index-write") as writer,
            _pool(workers) as pool,
        ):
            written = writer.submit(write_keys, parts, token_counts) if write_keys else None
            pairs = _candidates(parts, max_bucket)
            if progress:
                progress(f"{len(pairs)} candidate pairs")
            found = _verify_all(pairs, count, pool, workers)
            edges = found.edges + _kept_edits(found, count, outlets)
            if written is not None:
                written.result()  # waits, and raises what the write raised
                if progress:
                    progress("index written")
    finally:
        _TEXT_OF = None
        _tokens.cache_clear()
    return NearResult(parts, token_counts, pairs, edges)


def _verify_all(
    pairs: npt.NDArray[np.int64], count: int, pool: Pool | None, workers: int
) -> _Verified:
    """Verify candidate pairs in rounds, skipping pairs earlier rounds already connected.

    The clusters are the same (connected components do not need every edge), but a story
    reposted k times costs about k verifications instead of k^2/2.
    """
    joined = DisjointSet(count)
    found = _Verified([], [], [])
    step = _CHUNK * workers * 2
    for start in range(0, len(pairs), step):
        todo = np.array(
            [
                (a, b)
                for a, b in pairs[start : start + step].tolist()
                if joined.find(a) != joined.find(b)
            ],
            np.int64,
        ).reshape(-1, 2)
        chunks = [todo[s : s + _CHUNK] for s in range(0, len(todo), _CHUNK)]
        for part in pool.map(_verify_chunk, chunks) if pool else map(_verify_chunk, chunks):
            for edge in part.edges:
                joined.union(edge.a, edge.b)
            found.edges.extend(part.edges)
            found.edited.extend(part.edited)
            found.siblings.extend(part.siblings)
    return found


def _kept_edits(
    found: _Verified, count: int, outlets: Sequence[frozenset[str]] | None
) -> list[Edge]:
    """The `edited` pairs that `dedup.edit_allowed` keeps, judged against the whole batch.

    Each side is its cluster so far (verified pairs): its outlets are all its members', and a
    sibling inside either side's cluster (the story's other copies) is no sign of a series, as
    in the incremental path (`Deduper._near` and `_in_series`).
    """
    if outlets is None or not found.edited:
        return []
    joined = DisjointSet(count)
    for edge in found.edges:
        joined.union(edge.a, edge.b)
    siblings: dict[int, set[int]] = defaultdict(set)
    for a, b in found.siblings:
        siblings[a].add(joined.find(b))
        siblings[b].add(joined.find(a))
    roots = {joined.find(i) for edge in found.edited for i in (edge.a, edge.b)}
    published: dict[int, set[str]] = defaultdict(set)  # outlets by cluster root
    for i in range(count):
        if (root := joined.find(i)) in roots:
            published[root] |= outlets[i]
    kept = []
    for edge in found.edited:
        root_a, root_b = joined.find(edge.a), joined.find(edge.b)
        if edit_allowed(
            published[root_a],
            published[root_b],
            bool(siblings[edge.a] - {root_a, root_b}),  # outside the pair's own clusters
            bool(siblings[edge.b] - {root_a, root_b}),
        ):
            kept.append(edge)
    return kept


def _candidates(
    parts: list[tuple[npt.NDArray[np.int64], Owners]], max_bucket: int
) -> npt.NDArray[np.int64]:
    """Pairs worth verifying: MIN_BAND_HITS shared bands or one shared window, sorted by a."""
    band = [bucket_pairs(k, o, max_bucket) for k, o in parts if len(k) and k[0] < WINDOW_BIT]
    window = [bucket_pairs(k, o, max_bucket) for k, o in parts if len(k) and k[0] >= WINDOW_BIT]
    band_a, band_b, band_n = count_pairs(band)
    keep = band_n >= MIN_BAND_HITS
    win_a, win_b, _ = count_pairs(window)
    pairs = np.concatenate(
        [np.stack([band_a[keep], band_b[keep]], axis=1), np.stack([win_a, win_b], axis=1)]
    )
    if len(pairs) == 0:
        return pairs.reshape(0, 2)
    return np.unique(pairs, axis=0)


@dataclass(frozen=True)
class RebuildStats:
    """What `rebuild` did."""

    articles: int
    fingerprinted: int
    candidate_pairs: int
    verified_pairs: int
    clusters: int  # with two or more members
    duplicates: int
    changed: int
    seconds: float

    def to_dict(self) -> dict[str, float | int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def rebuild(
    store: Store, settings: Settings, *, progress: Callable[[str], None] | None = None
) -> RebuildStats:
    """Recompute the near-duplicate index and every article's cluster from the stored texts."""
    started = time.perf_counter()
    dedup = settings.dedup
    # A million articles: their ids as strings, everything else packed (hashes, paths and
    # outlets in arrays, not a million small objects of each).
    ids: list[str] = []
    digests = bytearray()
    paths = _Strings()
    outlet_codes: list[int] = []
    names: dict[str, int] = {}
    cursor = store.conn.execute(
        "SELECT id, sha256, path, outlet FROM articles ORDER BY fetched_at, id"
    )
    while rows := cursor.fetchmany(10_000):
        for uid, sha256, path, outlet in rows:
            ids.append(uid)
            digests += bytes.fromhex(sha256)
            paths.append(path)
            outlet_codes.append(names.setdefault(outlet, len(names)))
    count = len(ids)
    # One representative per exact-copy group (the first fetched); copies follow it.
    if count:
        texts = np.frombuffer(bytes(digests), np.dtype((np.void, 32)))
        _, first, inverse = np.unique(texts, return_index=True, return_inverse=True)
        group_array = first[inverse.reshape(-1)]
        del texts, first, inverse
    else:
        group_array = np.zeros(0, np.int64)
    del digests
    reps_array = np.flatnonzero(group_array == np.arange(count))
    reps: list[int] = reps_array.tolist()
    group: list[int] = group_array.tolist()
    outlet_names = list(names)
    # Outlets that published each representative's text (an exact-copy group may span several),
    # one frozenset object per distinct set.
    alone = [frozenset({name}) for name in outlet_names]
    copied_by: dict[int, set[str]] = defaultdict(set)
    for i in np.flatnonzero(group_array != np.arange(count)).tolist():
        rep = group[i]
        copied_by[rep] |= {outlet_names[outlet_codes[rep]], outlet_names[outlet_codes[i]]}
    shared: dict[frozenset[str], frozenset[str]] = {}
    outlets = [
        shared.setdefault(frozenset(copied_by[i]), frozenset(copied_by[i]))
        if i in copied_by
        else alone[outlet_codes[i]]
        for i in reps
    ]
    del copied_by, outlet_codes, group_array
    root = store.root

    def text_of(position: int) -> str:
        """The text of the representative at `position` (the batch's document numbering)."""
        # reps_array, not the list: reading it in a forked worker copies no shared page
        return text_path(root, paths[int(reps_array[position])]).read_text(encoding="utf-8")

    params = fingerprint_params(dedup)
    index = NearIndex(store.conn, params, max_bucket=dedup.max_bucket)

    def write_keys(
        parts: list[tuple[npt.NDArray[np.int64], Owners]], token_counts: list[int]
    ) -> None:
        with store.transaction():
            index.replace_all([ids[i] for i in reps], token_counts, parts)

    if dedup.near:
        found = find_near_pairs(
            len(reps),
            text_of,
            params,
            verify_rules(dedup),
            max_bucket=dedup.max_bucket,
            workers=dedup.workers,
            progress=progress,
            outlets=outlets,
            write_keys=write_keys,
        )
    else:
        found = NearResult([], [0] * len(reps), np.zeros((0, 2), np.int64), [])
        write_keys([], found.token_counts)
    candidate_pairs = found.candidate_pairs
    edges = [Edge(reps[e.a], reps[e.b], e.method, e.similarity) for e in found.edges]
    del found  # the key table (written by now) is most of the memory
    edges += _linked_edges(store, ids, group, lambda rep: text_of(bisect_left(reps, rep)), dedup)
    plan = plan_clusters(ids, group, edges, lambda members: _load(store, members), settings)
    changed = _apply(store, plan)
    multi = {cluster for cluster, dup, _, _ in plan.values() if dup is not None}
    return RebuildStats(
        articles=len(ids),
        fingerprinted=len(reps),
        candidate_pairs=candidate_pairs,
        verified_pairs=len(edges),
        clusters=len(multi),
        duplicates=sum(dup is not None for _, dup, _, _ in plan.values()),
        changed=changed,
        seconds=round(time.perf_counter() - started, 3),
    )


def _linked_edges(
    store: Store,
    ids: Sequence[str],
    group: Sequence[int],
    text_of: Callable[[int], str],
    dedup: DedupSettings,
) -> list[Edge]:
    """ "url" edges: articles whose cross-site rel=canonical names another archived article,
    kept when their texts overlap as the incremental path requires (`Deduper._linked`).

    The link table is first rebuilt from the records' `declared_original`, so a link lost with
    its article's dedup step (or kept from an article since changed) is as the records say."""
    declared = store.conn.execute(
        "SELECT id, json_extract(record, '$.declared_original') FROM articles "
        "WHERE json_extract(record, '$.declared_original') IS NOT NULL"
    ).fetchall()
    with store.transaction():
        replace_links(store.conn, [(copy, article_id(url)) for copy, url in declared])
    links = all_links(store.conn)
    if not links:
        return []
    wanted = {i for link in links for i in link}
    position = {article: n for n, article in enumerate(ids) if article in wanted}
    edges = []
    for copy, original in links:
        if copy not in position or original not in position:
            continue
        a, b = group[position[copy]], group[position[original]]  # their representatives
        if a == b:
            continue  # exact copies already
        share = shingle_overlap(tokenize(text_of(a)), tokenize(text_of(b)))
        if share >= dedup.url_min_overlap:
            edges.append(Edge(a, b, "url", round(share, 4)))
    return edges


Target = tuple[str, str | None, float | None, str | None]  # cluster, duplicate_of, sim, method


def plan_clusters(
    ids: Sequence[str],
    group: Sequence[int],
    edges: Sequence[Edge],
    load: Callable[[list[str]], list[Article]],
    settings: Settings,
) -> dict[str, Target]:
    """The dedup fields every article should have, from exact groups and verified edges.

    `group[i]` is the position of i's exact-copy representative; a cluster is labelled by its
    canonical's id; each duplicate's similarity and method are those of the edge that reached
    it on the shortest path from the canonical.
    """
    joined = DisjointSet(len(ids))
    for i, rep in enumerate(group):
        joined.union(i, rep)
    adjacency: dict[int, list[Edge]] = defaultdict(list)
    for edge in _one_per_pair(edges):
        joined.union(edge.a, edge.b)
        adjacency[edge.a].append(edge)
        adjacency[edge.b].append(edge)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ids)):
        components[joined.find(i)].append(i)
    plan: dict[str, Target] = {}
    for members in components.values():
        if len(members) == 1:
            plan[ids[members[0]]] = (ids[members[0]], None, None, None)
            continue
        articles = {a.id: a for a in load([ids[i] for i in members])}
        canonical = choose_canonical(list(articles.values()), settings)
        position = {ids[i]: i for i in members}[canonical.id]
        reached = _reach(group[position], adjacency)
        for i in members:
            if i == position:
                plan[ids[i]] = (canonical.id, None, None, None)
            elif group[i] == group[position]:
                plan[ids[i]] = (canonical.id, canonical.id, 1.0, "exact")
            elif i != group[i]:  # an exact copy of another representative
                sim, method = reached.get(group[i], (1.0, "exact"))
                plan[ids[i]] = (canonical.id, canonical.id, sim, method)
            else:
                via = reached.get(i)
                plan[ids[i]] = (canonical.id, canonical.id, *(via or (None, None)))
    return plan


def _one_per_pair(edges: Sequence[Edge]) -> Iterable[Edge]:
    """One edge per pair of documents: a "url" edge over a near one, as `Deduper.decide` tries
    a declared link before near copies (a mirror naming its original and repeating part of it
    is a "url" copy at its 3-gram share, not "contained" at 1.0); else the first found."""
    kept: dict[tuple[int, int], Edge] = {}
    for edge in edges:
        pair = (min(edge.a, edge.b), max(edge.a, edge.b))
        if pair not in kept or (edge.method == "url" and kept[pair].method != "url"):
            kept[pair] = edge
    return kept.values()


def _reach(start: int, adjacency: dict[int, list[Edge]]) -> dict[int, tuple[float, str]]:
    """Breadth-first from `start`: each reached node with the edge that first reached it."""
    reached: dict[int, tuple[float, str]] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for edge in adjacency.get(node, []):
            other = edge.b if edge.a == node else edge.a
            if other not in seen:
                seen.add(other)
                reached[other] = (edge.similarity, edge.method)
                queue.append(other)
    return reached


def _load(store: Store, ids: list[str]) -> list[Article]:
    """Records (no text) of these articles, for choosing a canonical."""
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT record FROM articles WHERE id IN ({marks})", ids)
    return [Article.from_dict(json.loads(r[0]) | {"text": ""}) for r in rows]


def _apply(store: Store, plan: dict[str, Target]) -> int:
    """Rewrite the records whose dedup fields differ from the plan; how many changed."""
    current = {
        row[0]: (row[1], row[2], row[3], row[4])
        for row in store.conn.execute(
            "SELECT id, cluster, duplicate_of, similarity, dedup_method FROM articles"
        )
    }
    changed = [i for i, target in plan.items() if current.get(i) != target]
    for start in range(0, len(changed), 1000):
        with store.transaction():
            for article_id in changed[start : start + 1000]:
                cluster, duplicate_of, similarity, method = plan[article_id]
                store.update_dedup(
                    article_id,
                    cluster=cluster,
                    duplicate_of=duplicate_of,
                    similarity=similarity,
                    method=method,
                )
    return len(changed)

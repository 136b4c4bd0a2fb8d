"""The near-duplicate candidate index, persisted in the archive's SQLite file.

Each article contributes its fingerprint keys (LSH band keys and content-defined window keys,
see `archiver.fingerprint`) as rows of `dedup_keys (key, doc)`, a WITHOUT ROWID table whose
primary key is the lookup order, so a query is one B-tree probe per key. Articles sharing a key
are candidates; keys shared by very many articles (boilerplate windows, the template of a daily
report) are ignored past `max_bucket`, so one query costs the same at 1k or 1M articles.

The fingerprint shape (permutations, bands, windows) is recorded in `dedup_params`; an index
built with another shape refuses to answer until `archiver dedup --rebuild`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from archiver.errors import StoreError
from archiver.fingerprint import WINDOW_BIT, Fingerprint, FingerprintParams

Owners = npt.NDArray[np.int32]

SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_docs (
    doc INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    tokens INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_keys (
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedup_params (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Articles whose rel=canonical names an original on another site (its id, archived or not).
CREATE TABLE IF NOT EXISTS dedup_links (
    article_id TEXT PRIMARY KEY,
    original_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dedup_links_original ON dedup_links (original_id);
"""


def record_link(conn: sqlite3.Connection, article_id: str, original_id: str | None) -> None:
    """Remember (or forget, with None) the original an article declares."""
    if original_id is None:
        conn.execute("DELETE FROM dedup_links WHERE article_id = ?", (article_id,))
    else:
        conn.execute(
            "INSERT OR REPLACE INTO dedup_links (article_id, original_id) VALUES (?, ?)",
            (article_id, original_id),
        )


def linked_to(conn: sqlite3.Connection, original_id: str) -> list[str]:
    """Ids of the articles that declare `original_id` as their original."""
    rows = conn.execute("SELECT article_id FROM dedup_links WHERE original_id = ?", (original_id,))
    return [row[0] for row in rows]


def replace_links(conn: sqlite3.Connection, links: list[tuple[str, str]]) -> None:
    """Make (article id, declared original id) pairs the whole link table."""
    conn.execute("DELETE FROM dedup_links")
    conn.executemany(
        "INSERT OR REPLACE INTO dedup_links (article_id, original_id) VALUES (?, ?)", links
    )


def all_links(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (article id, declared original id) pair."""
    return [(a, o) for a, o in conn.execute("SELECT article_id, original_id FROM dedup_links")]


@dataclass(frozen=True)
class Candidate:
    """An indexed article sharing keys with a query: how many band and window keys."""

    article_id: str
    band_hits: int
    window_hits: int


def is_window_key(key: int) -> bool:
    """Whether an index key comes from a content-defined window (not an LSH band)."""
    return bool(key & WINDOW_BIT)


class NearIndex:
    """Candidate lookup over `dedup_keys`; one instance per open connection."""

    def __init__(
        self, conn: sqlite3.Connection, params: FingerprintParams, max_bucket: int = 64
    ) -> None:
        self.conn = conn
        self.params = params
        self.max_bucket = max_bucket
        self._shape = json.dumps(asdict(params), sort_keys=True)

    def _check_params(self) -> None:
        """Record the fingerprint shape on first use; refuse an index built with another.

        Looked up on every use (a primary-key read): remembering a check would outlive the
        transaction that wrote the shape when that transaction rolls back."""
        wanted = self._shape
        row = self.conn.execute("SELECT value FROM dedup_params WHERE name = 'shape'").fetchone()
        if row is None:
            self.conn.execute("INSERT INTO dedup_params VALUES ('shape', ?)", (wanted,))
        elif row[0] != wanted:
            empty = self.conn.execute("SELECT 1 FROM dedup_docs LIMIT 1").fetchone() is None
            if not empty:
                raise StoreError(
                    "the near-duplicate index was built with other [dedup] fingerprint settings",
                    "run `archiver dedup --rebuild`",
                )
            self.conn.execute("UPDATE dedup_params SET value = ? WHERE name = 'shape'", (wanted,))

    def add(self, article_id: str, fp: Fingerprint) -> None:
        """Index one article (re-indexing an id replaces its size; the keys of a text it had
        before stay unless `remove` drops them first)."""
        self._check_params()
        row = self.conn.execute(
            "INSERT INTO dedup_docs (article_id, tokens) VALUES (?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET tokens = excluded.tokens RETURNING doc",
            (article_id, len(fp.tokens)),
        ).fetchone()
        doc = int(row[0])
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_keys (key, doc) VALUES (?, ?)",
            ((key, doc) for key in np.unique(fp.keys).tolist()),
        )

    def remove(self, article_id: str, fp: Fingerprint) -> None:
        """Drop an article's keys for the text `fp` fingerprints (its text being replaced).

        Key by key, each a primary-key delete: the table is ordered by key, so one article's
        rows are found by its keys, never by scanning for its doc."""
        row = self.conn.execute(
            "SELECT doc FROM dedup_docs WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return
        doc = int(row[0])
        self.conn.executemany(
            "DELETE FROM dedup_keys WHERE key = ? AND doc = ?",
            ((key, doc) for key in np.unique(fp.keys).tolist()),
        )

    def candidates(
        self, fp: Fingerprint, *, limit: int = 20, exclude: str | None = None
    ) -> list[Candidate]:
        """Indexed articles sharing keys with `fp`, most shared keys first."""
        self._check_params()
        keys = np.unique(fp.keys).tolist()
        if not keys:
            return []
        # One bounded probe per key: a bucket larger than max_bucket is boilerplate, skipped.
        sql = " UNION ALL ".join(
            ["SELECT * FROM (SELECT key, doc FROM dedup_keys WHERE key = ? LIMIT ?)"] * len(keys)
        )
        params: list[int] = []
        for key in keys:
            params += [key, self.max_bucket + 1]
        buckets: dict[int, list[int]] = {}
        for key, doc in self.conn.execute(sql, params):
            buckets.setdefault(key, []).append(doc)
        bands: Counter[int] = Counter()
        windows: Counter[int] = Counter()
        for key, docs in buckets.items():
            if len(docs) <= self.max_bucket:
                (windows if is_window_key(key) else bands).update(docs)
        if not bands and not windows:
            return []
        top = (bands + windows).most_common(limit + 1)
        marks = ",".join("?" * len(top))
        names = dict(
            self.conn.execute(
                f"SELECT doc, article_id FROM dedup_docs WHERE doc IN ({marks})",
                [doc for doc, _ in top],
            ).fetchall()
        )
        found = [
            Candidate(names[doc], bands[doc], windows[doc])
            for doc, _ in top
            if doc in names and names[doc] != exclude
        ]
        return found[:limit]

    def replace_all(
        self,
        article_ids: Sequence[str],
        token_counts: Sequence[int],
        parts: Iterable[tuple[npt.NDArray[np.int64], Owners]],
    ) -> None:
        """Drop the index and load it again in one pass (the batch rebuild).

        `parts` are the sorted partitions of the key table (see `KeyTable`), in key order;
        owner i is article_ids[i].
        """
        # Dropping is much faster than deleting millions of rows; statements one by one, since
        # executescript would commit the caller's transaction.
        self.conn.execute("DROP TABLE IF EXISTS dedup_keys")
        self.conn.execute("DELETE FROM dedup_docs")
        self.conn.execute("DELETE FROM dedup_params")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self._check_params()
        self.conn.executemany(
            "INSERT INTO dedup_docs (doc, article_id, tokens) VALUES (?, ?, ?)",
            zip(range(1, len(article_ids) + 1), article_ids, token_counts, strict=True),
        )
        # Rows arrive in primary-key order, so SQLite appends to the B-tree instead of seeking.
        for keys, owners in parts:
            self.conn.executemany(
                "INSERT INTO dedup_keys (key, doc) VALUES (?, ?)", _chunked_pairs(keys, owners + 1)
            )


class KeyTable:
    """The (key, owner) table of a batch, built chunk by chunk and sorted partition by partition.

    Keys are split by their top bits into partitions as they arrive, so the sorted table never
    needs the whole unsorted table, its sort order and its sorted copy in memory at once: peak
    memory is the table plus one partition's temporaries. Partitions come out in key order
    (band keys, then window keys, which have WINDOW_BIT set).

    Each partition grows in one buffer (by half again) rather than as a list of per-chunk arrays:
    thousands of small arrays are carved from the C heap, which keeps their pages once they
    are freed (600 MB for a million documents), while large buffers are returned whole.
    """

    SHIFT = 58  # keys are below 2^63: 32 partitions, the upper 16 holding window keys

    def __init__(self) -> None:
        self._keys = [np.zeros(0, np.int64) for _ in range(32)]
        self._owners = [np.zeros(0, np.int32) for _ in range(32)]
        self._sizes = [0] * 32

    def add(self, keys: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], first: int) -> None:
        """Keys of documents first, first+1, ... (`counts[i]` keys for document first+i)."""
        owners = np.repeat(np.arange(first, first + len(counts), dtype=np.int32), counts)
        part = keys >> self.SHIFT
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(33))
        keys, owners = keys[order], owners[order]
        for p in range(32):
            start, end = int(bounds[p]), int(bounds[p + 1])
            if start < end:
                self._append(p, keys[start:end], owners[start:end])

    def _append(self, p: int, keys: npt.NDArray[np.int64], owners: Owners) -> None:
        size, more = self._sizes[p], len(keys)
        if size + more > len(self._keys[p]):
            capacity = max(len(self._keys[p]) * 3 // 2, size + more, 4096)
            grown_keys = np.empty(capacity, np.int64)
            grown_keys[:size] = self._keys[p][:size]
            grown_owners = np.empty(capacity, np.int32)
            grown_owners[:size] = self._owners[p][:size]
            self._keys[p], self._owners[p] = grown_keys, grown_owners
        self._keys[p][size : size + more] = keys
        self._owners[p][size : size + more] = owners
        self._sizes[p] = size + more

    def sorted_parts(self) -> list[tuple[npt.NDArray[np.int64], Owners]]:
        """Each partition sorted by key then owner, without repeats (the buffers are released)."""
        out: list[tuple[npt.NDArray[np.int64], Owners]] = []
        for p in range(32):
            size = self._sizes[p]
            keys, owners = self._keys[p][:size], self._owners[p][:size]
            self._keys[p], self._owners[p] = np.zeros(0, np.int64), np.zeros(0, np.int32)
            self._sizes[p] = 0
            if size == 0:
                continue
            order = np.argsort(keys, kind="stable")  # owners stay ascending within a key
            keys, owners = keys[order], owners[order]
            del order
            keep = np.ones(len(keys), bool)
            keep[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
            out.append((keys[keep], owners[keep]))
        return out


def bucket_pairs(
    keys: npt.NDArray[np.int64], owners: Owners, max_bucket: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Pairs (a, b) of docs sharing a key, once per shared key (buckets above max_bucket skipped).

    Vectorized over all buckets at once: for each distance d, rows i and i+d in the sorted key
    table form a pair when they hold the same key.
    """
    empty = np.zeros(0, np.int64)
    if len(keys) == 0:
        return empty, empty
    sizes = np.diff(np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True]))
    usable = np.repeat(sizes <= max_bucket, sizes)
    largest = int(sizes.max())
    del sizes
    firsts: list[npt.NDArray[np.int64]] = []
    seconds: list[npt.NDArray[np.int64]] = []
    for d in range(1, min(max_bucket, largest)):
        idx = np.flatnonzero((keys[d:] == keys[:-d]) & usable[d:])
        if len(idx) == 0:
            break
        firsts.append(owners[idx].astype(np.int64))
        seconds.append(owners[idx + d].astype(np.int64))
    if not firsts:
        return empty, empty
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    return np.minimum(a, b), np.maximum(a, b)


def count_pairs(
    pairs: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct pairs (a < b) from several `bucket_pairs` results, with their shared keys."""
    a = np.concatenate([x for x, _ in pairs]) if pairs else np.zeros(0, np.int64)
    b = np.concatenate([y for _, y in pairs]) if pairs else np.zeros(0, np.int64)
    if len(a) == 0:
        return a, b, a
    width = int(b.max()) + 1
    unique, counts = np.unique(a * width + b, return_counts=True)
    return unique // width, unique % width, counts.astype(np.int64)


def _chunked_pairs(
    keys: npt.NDArray[np.int64], owners: Owners, chunk: int = 1_000_000
) -> Iterable[tuple[int, int]]:
    for start in range(0, len(keys), chunk):
        yield from zip(
            keys[start : start + chunk].tolist(),
            owners[start : start + chunk].tolist(),
            strict=True,
        )

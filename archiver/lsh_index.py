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
"""


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
        self._checked = False

    def _check_params(self) -> None:
        """Record the fingerprint shape on first use; refuse an index built with another."""
        if self._checked:
            return
        wanted = json.dumps(asdict(self.params), sort_keys=True)
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
        self._checked = True

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM dedup_docs").fetchone()[0])

    def add(self, article_id: str, fp: Fingerprint) -> None:
        """Index one article (re-indexing an id replaces its size; stale keys only cost time)."""
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
        keys: npt.NDArray[np.int64],
        owners: Owners,
    ) -> None:
        """Drop the index and load it again in one pass (the batch rebuild).

        `keys`/`owners` is the sorted key table from `key_table`; owner i is article_ids[i].
        """
        # Dropping is much faster than deleting millions of rows; statements one by one, since
        # executescript would commit the caller's transaction.
        self.conn.execute("DROP TABLE IF EXISTS dedup_keys")
        self.conn.execute("DELETE FROM dedup_docs")
        self.conn.execute("DELETE FROM dedup_params")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self._checked = False
        self._check_params()
        self.conn.executemany(
            "INSERT INTO dedup_docs (doc, article_id, tokens) VALUES (?, ?, ?)",
            zip(range(1, len(article_ids) + 1), article_ids, token_counts, strict=True),
        )
        # Rows arrive in primary-key order, so SQLite appends to the B-tree instead of seeking.
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedup_keys (key, doc) VALUES (?, ?)",
            _chunked_pairs(keys, owners + 1),
        )


def key_table(
    parts: list[npt.NDArray[np.int64]], counts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], Owners]:
    """The (key, owner) table of a batch, sorted by key then owner, without repeats.

    `parts` holds every document's keys one after the other (consumed: the list is emptied so
    its memory goes as soon as the keys are joined), `counts` how many keys each document has;
    owners are document positions (0-based, int32 to halve the table's memory).
    """
    keys = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    parts.clear()
    order = np.argsort(keys, kind="stable")  # stable: owners stay ascending within a key
    keys = keys[order]
    owners = np.repeat(np.arange(len(counts), dtype=np.int32), counts)[order]
    del order
    keep = np.ones(len(keys), bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    return keys[keep], owners[keep]


def candidate_pairs(
    keys: npt.NDArray[np.int64], owners: Owners, max_bucket: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Pairs of docs sharing a key (buckets above max_bucket skipped): (a, b, shared keys).

    Vectorized over all buckets at once: for each distance d, rows i and i+d in the sorted key
    table form a pair when they hold the same key.
    """
    empty = np.zeros(0, np.int64)
    if len(keys) == 0:
        return empty, empty, empty
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
        return empty, empty, empty
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    width = int(owners.max()) + 1
    packed = np.minimum(a, b) * width + np.maximum(a, b)
    unique, counts = np.unique(packed, return_counts=True)
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

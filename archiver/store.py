"""The archive on disk: a SQLite index (WAL), readable text + JSON files, and WARC provenance.

Layout of an archive directory:

    index.sqlite                      articles, fetches, committed WARC sizes (+ other modules')
    articles/<outlet>/<YYYY>/<MM>/<id>.txt   clean text
    articles/<outlet>/<YYYY>/<MM>/<id>.json  the record without its text
    warc/archiver-<time>-<pid>.warc.gz       raw HTTP exchanges
    lock                                     the writers' lock (see lock.py)

Crash safety: a WARC exchange is fsynced first, then the files are written (temp + rename),
then one SQLite transaction records the article, the fetch and the WARC's committed size. A
kill at any point leaves at most the article in flight missing; orphan bytes at the end of a
WARC are cut off the next time a writer opens the archive. A file the index already points at
(an article's JSON sidecar, when its cluster changes) is rewritten only after the change
commits, from the committed row; `stale_sidecars` lists the rewrites still owed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from archiver.atomic import write_atomically
from archiver.errors import StoreError
from archiver.frontier import SCHEMA as FRONTIER_SCHEMA
from archiver.learned import SCHEMA as LEARNED_SCHEMA
from archiver.lock import ArchiveLock, ReaderLock
from archiver.lsh_index import SCHEMA as NEAR_INDEX_SCHEMA
from archiver.models import Article, Page
from archiver.sqltx import Transaction
from archiver.warc import WarcAppender, WarcExchange, WarcLocation, truncate_uncommitted

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Start a new WARC file past this size (the common 1 GB convention of Heritrix and wget).
WARC_ROTATE_BYTES = 1_000_000_000

# An article's date, for listing and the --since/--until filters: published, else fetched.
# `published` may be a datetime with the page's UTC offset, a naive datetime (taken as UTC), or
# a date; a page that gave only a month or year is dated by that period's first day. DATED_START
# is the instant it starts (UTC, as a Julian day number: offsets applied), which the
# `articles_dated` index sorts by.
_DATED = "COALESCE(published, fetched_at)"
_DATED_PADDED = (
    f"CASE length({_DATED}) WHEN 4 THEN {_DATED} || '-01-01' WHEN 7 THEN {_DATED} || '-01' "
    f"ELSE {_DATED} END"
)
DATED_START = f"julianday({_DATED_PADDED})"
# A date's last millisecond (UTC), a datetime's own instant.
_DATED_END = (
    f"CASE WHEN length({_DATED}) IN (4, 7, 10) "
    f"THEN julianday({_DATED_PADDED}, '+1 days', '-0.001 seconds') ELSE {DATED_START} END"
)
# The calendar day, as the page dated it (in its own offset, not converted to UTC).
_DATED_DAY = f"substr({_DATED_PADDED}, 1, 10)"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    outlet TEXT NOT NULL,
    title TEXT,
    published TEXT,
    language TEXT,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    cluster TEXT,
    duplicate_of TEXT,
    similarity REAL,
    dedup_method TEXT,
    path TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_sha256 ON articles (sha256);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles (outlet, published);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster);
CREATE INDEX IF NOT EXISTS articles_dated ON articles ({DATED_START}, id);
CREATE TABLE IF NOT EXISTS versions (
    article_id TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_article ON versions (article_id);
CREATE TABLE IF NOT EXISTS fetches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    final_url TEXT,
    http_status INTEGER,
    outcome TEXT NOT NULL,
    error TEXT,
    fetched_at TEXT NOT NULL,
    article_id TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    warc_record_id TEXT
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches (url);
CREATE TABLE IF NOT EXISTS warc_files (name TEXT PRIMARY KEY, committed INTEGER NOT NULL);
-- Articles whose JSON sidecar is rewritten after the commit that changed their record: a
-- sidecar the index points at is only replaced once its new content is committed, and one
-- left behind by a kill is rewritten from its row when a writer next opens the archive.
CREATE TABLE IF NOT EXISTS stale_sidecars (id TEXT PRIMARY KEY);
"""


# A WAL checkpoint fsyncs the database. SQLite's default, every 1,000 pages, lands on about
# one article in fifty (each adds ~650 dedup-index keys) and set the insert p99 (34 ms at 1M
# articles); every 10,000 pages (~40 MB of WAL) makes them rare. close() checkpoints the rest.
WAL_AUTOCHECKPOINT_PAGES = 10_000


def configure_writer(conn: sqlite3.Connection) -> None:
    """The pragmas of every connection that writes an archive index."""
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a crash never corrupts the index; a power loss may lose the last
    # commits, which `[archive] fsync` covers for the files and WARCs.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")


def _schemas() -> list[str]:
    """Every module's tables: the store's own first, then each module that persists state."""
    return [SCHEMA, FRONTIER_SCHEMA, NEAR_INDEX_SCHEMA, LEARNED_SCHEMA]


@dataclass(frozen=True)
class ArticleFilter:
    """Filters for listing articles (all optional).

    An article's date is `published`, else `fetched_at`. `since` and `until` (inclusive) are
    ISO 8601 text, and what they compare depends on their form:

    - a date (YYYY-MM-DD) compares calendar days as the article is dated, in its page's own
      time zone: `since="2025-03-05"` takes 2025-03-05T01:00:00+03:00 (22:00 UTC on the 4th);
    - a datetime compares instants: offsets are applied, and a datetime without one, bound or
      article date, is UTC.

    An article dated only to the day matches a datetime bound when any moment of that day (in
    UTC) is in range; one dated only to the month or year counts as that period's first day.
    """

    outlets: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    languages: tuple[str, ...] = ()
    originals_only: bool = False
    duplicates_only: bool = False


class Store:
    """An opened archive. Open with `Store.open(path, write=...)` and use as a context manager."""

    def __init__(
        self,
        root: Path,
        conn: sqlite3.Connection,
        lock: ArchiveLock | None,
        *,
        fsync: bool = True,
        reader_lock: ReaderLock | None = None,
    ) -> None:
        self.root = root
        self.fsync = fsync
        self.conn = conn
        self._lock = lock
        self._reader_lock = reader_lock  # held by a reader of an index opened immutable
        self._warc: WarcAppender | None = None
        self._stale_sidecars: set[str] = set()  # rewritten when the transaction commits

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, *, write: bool = False, fsync: bool = True) -> Store:
        """Open (and for writers create and lock) the archive at `root`.

        `fsync` (the `[archive] fsync` setting) makes every article durable before it is indexed.
        """
        index = root / "index.sqlite"
        if not write and not index.exists():
            raise StoreError(f"no archive at {root}", "run `archiver fetch` or `import` first")
        if not write:
            conn, reader_lock = _connect_reader(root, index)
            conn.row_factory = sqlite3.Row
            return cls(root, conn, None, fsync=fsync, reader_lock=reader_lock)
        lock: ArchiveLock | None = None
        try:
            root.mkdir(parents=True, exist_ok=True)
            lock = ArchiveLock(root)
            lock.acquire()
            # Not bound to the opening thread: `archiver crawl` does all its index work on one
            # writer thread so fsyncs never stall its event loop (access stays serialized).
            conn = sqlite3.connect(
                index, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        except OSError as exc:
            if lock:
                lock.release()
            raise StoreError(f"cannot open archive {root}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            if lock:
                lock.release()
            raise StoreError(f"cannot open archive {root}: {exc}") from None
        conn.row_factory = sqlite3.Row
        store = cls(root, conn, lock, fsync=fsync)
        try:
            store._prepare()
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(f"archive index {index} is unreadable: {exc}") from None
        return store

    def _prepare(self) -> None:
        """Set up a writer's connection: pragmas, every module's tables, repairs owed."""
        self.conn.execute("PRAGMA busy_timeout = 30000")
        configure_writer(self.conn)
        for schema in _schemas():
            self.conn.executescript(schema)
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        self._repair_warcs()
        self._backfill_learned_articles()
        self._write_stale_sidecars(
            {row[0] for row in self.conn.execute("SELECT id FROM stale_sidecars")}
        )

    def _repair_warcs(self) -> None:
        """Cut bytes written after the last commit (a run killed mid-record) off each WARC."""
        known = set()
        for row in self.conn.execute("SELECT name, committed FROM warc_files"):
            known.add(row["name"])
            truncate_uncommitted(self.root / "warc" / row["name"], row["committed"])
        # A file the index never heard of was cut off while its warcinfo record was written.
        for path in (self.root / "warc").glob("*.warc.gz"):
            if path.name not in known:
                path.unlink()

    def _backfill_learned_articles(self) -> None:
        """In an archive from before `learned_articles`, mark every article already stored as
        counted, so its next update does not count it again (a one-off: the table is then not
        empty). Counts that earlier updates inflated are left as they are: correcting them
        would mean reading every stored text again, and the share they need grows with the
        outlet's articles while they stay fixed."""
        if self.conn.execute("SELECT 1 FROM learned_articles LIMIT 1").fetchone() is None:
            self.conn.execute(
                "INSERT OR IGNORE INTO learned_articles (id) SELECT DISTINCT article_id "
                "FROM fetches WHERE outcome = 'stored' AND article_id IS NOT NULL"
            )

    def close(self) -> None:
        """Close the WARC file, the database and release the lock."""
        if self._warc is not None:
            self._warc.close()
            self._warc = None
        if self._lock is not None:
            try:  # fold the WAL back in now rather than in some later run's insert
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # a reader holding the WAL: the next writer checkpoints
        self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._reader_lock is not None:
            self._reader_lock.release()
            self._reader_lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------

    def get(self, article_id: str, *, with_text: bool = True) -> Article | None:
        """The article with this id (its text read from disk unless `with_text` is off), or None."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row, with_text=with_text) if row else None

    def get_many(self, ids: Sequence[str], *, with_text: bool = True) -> dict[str, Article]:
        """The articles with these ids that exist, by id (text as in `get`), in few queries."""
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 500):  # well under SQLite's bound-variable limit
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                found[row["id"]] = self._article(row, with_text=with_text)
        return found

    def get_by_url_key(self, key: str) -> Article | None:
        """The article stored under this URL key (see urls.url_key), or None."""
        row = self.conn.execute("SELECT * FROM articles WHERE url_key = ?", (key,)).fetchone()
        return self._article(row) if row else None

    def first_with_sha256(self, sha256: str, *, exclude_id: str | None = None) -> Article | None:
        """The earliest-fetched article whose normalized text has this hash (without its text:
        the hash already says what it is), or None."""
        row = self.conn.execute(
            "SELECT * FROM articles WHERE sha256 = ? AND id IS NOT ? "
            "ORDER BY fetched_at, id LIMIT 1",
            (sha256, exclude_id),
        ).fetchone()
        return self._article(row, with_text=False) if row else None

    def cluster_members(self, cluster: str, *, with_text: bool = False) -> list[Article]:
        """The articles of one dedup cluster, in fetch order."""
        rows = self.conn.execute(
            "SELECT * FROM articles WHERE cluster = ? ORDER BY fetched_at, id", (cluster,)
        ).fetchall()
        return [self._article(row, with_text=with_text) for row in rows]

    def iter_articles(
        self, flt: ArticleFilter | None = None, *, with_text: bool = True
    ) -> Iterator[Article]:
        """Articles matching `flt`, ordered by publication (then fetch) date."""
        flt = flt or ArticleFilter()
        where, params = _where(flt)
        sql = f"SELECT * FROM articles {where} ORDER BY {DATED_START}, id"
        for row in self.conn.execute(sql, params):
            yield self._article(row, with_text=with_text)

    def dated_within(self, article: Article, since: str | None, until: str | None) -> bool:
        """Whether the article's date is in range, as `ArticleFilter` compares dates."""
        clauses, params = _date_clauses(since, until)
        if not clauses:
            return True
        # The same SQL as a listing, over a one-row `articles` shadowing the table.
        sql = (
            "WITH articles (published, fetched_at) AS (VALUES (?, ?)) "
            f"SELECT EXISTS (SELECT 1 FROM articles WHERE {' AND '.join(clauses)})"
        )
        row = self.conn.execute(sql, [article.published, article.fetched_at, *params]).fetchone()
        return bool(row[0])

    def count(self) -> int:
        """How many articles the archive holds."""
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def _article(self, row: sqlite3.Row, *, with_text: bool = True) -> Article:
        data: dict[str, Any] = json.loads(row["record"])
        # Dedup fields change after storing; the row is authoritative.
        for name in ("cluster", "duplicate_of", "similarity", "dedup_method"):
            data[name] = row[name]
        data["text"] = self._read_text(row["path"]) if with_text else ""
        return Article.from_dict(data)

    def _read_text(self, relpath: str) -> str:
        try:
            return text_path(self.root, relpath).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise StoreError(f"article text {relpath}.txt is missing") from None
        except OSError as exc:
            raise StoreError(f"cannot read article text {relpath}.txt: {exc.strerror}") from None

    # -- writing ---------------------------------------------------------------------------

    def write_warc(self, page: Page, exchange: WarcExchange | None = None) -> WarcLocation:
        """Append `page` to this run's WARC file (fsynced); commit happens with the article.

        `exchange`: its records built already (`warc.build_exchange`, in a crawl worker)."""
        if self._warc is not None and (self._warc.tell() >= WARC_ROTATE_BYTES or self._warc.broken):
            # Rotation loses nothing: what is committed stays, and a broken file's uncommitted
            # tail is cut off when a writer next opens the archive.
            self._warc.close()
            self._warc = None
        if self._warc is None:
            self._warc = WarcAppender(self.root / "warc", fsync=self.fsync)
            # Known from its first byte, so a run killed before any commit is cut back too.
            self.conn.execute(
                "INSERT INTO warc_files (name, committed) VALUES (?, ?) "
                "ON CONFLICT(name) DO NOTHING",
                (self._warc.filename, self._warc.tell()),
            )
        return self._warc.append(page, exchange)

    def add_article(
        self, article: Article, *, fetch: FetchRow | None = None, replace: bool = False
    ) -> None:
        """Write the article's files atomically, then index it (and its fetch) in one transaction.

        With `replace`, an existing record for the same id is updated. Files the index points at
        are never overwritten: the new text goes to a path stamped with its fetch time and the
        previous files become the recorded version, so a kill between the file writes and the
        commit leaves the index and its files in agreement.
        """
        relpath = _article_path(article)
        previous = (
            self.conn.execute(
                "SELECT path, fetched_at, sha256 FROM articles WHERE id = ?", (article.id,)
            ).fetchone()
            if replace
            else None
        )
        if previous is not None:
            relpath = self._unused_path(article.id, f"{relpath}.{_stamp(article.fetched_at)}")
        record = _json(article.to_dict(with_text=False))  # the sidecar and the index's copy
        write_atomically(text_path(self.root, relpath), article.text, fsync=self.fsync)
        write_atomically(self.root / f"{relpath}.json", record, fsync=self.fsync)
        with self.transaction():
            # Inside the transaction: a run killed before the commit leaves no version row
            # behind, so the re-run does not file the same version twice.
            if previous is not None:
                if previous["sha256"] != article.sha256:
                    self._record_version(
                        article.id, previous["fetched_at"], previous["sha256"], previous["path"]
                    )
                self.conn.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            self._insert(article, relpath, record)
            if fetch is not None:
                self._log_fetch(fetch)

    def has_version(self, article_id: str, sha256: str) -> bool:
        """Whether this text is already filed as an earlier version of the article."""
        row = self.conn.execute(
            "SELECT 1 FROM versions WHERE article_id = ? AND sha256 = ?", (article_id, sha256)
        ).fetchone()
        return row is not None

    def add_version(self, article: Article, *, fetch: FetchRow | None = None) -> None:
        """File `article` (an older capture of a stored one) as a version; the record stays."""
        with self.transaction():
            self._keep_version(article)
            if fetch is not None:
                self._log_fetch(fetch)

    def _keep_version(self, version: Article) -> None:
        """Write an earlier text of an article to its own stamped files and record it."""
        relpath = self._unused_path(
            version.id, f"{_article_path(version)}.{_stamp(version.fetched_at)}"
        )
        write_atomically(text_path(self.root, relpath), version.text, fsync=self.fsync)
        write_atomically(
            self.root / f"{relpath}.json",
            _json(version.to_dict(with_text=False)),
            fsync=self.fsync,
        )
        self._record_version(version.id, version.fetched_at, version.sha256, relpath)

    def _unused_path(self, article_id: str, relpath: str) -> str:
        """`relpath`, or it with -1, -2 … appended, so that it is none of the paths the index
        holds for this article (its current text or a version): texts fetched in the same
        second share a stamp, and a file the index points at is never overwritten."""
        taken = {
            row[0]
            for row in self.conn.execute(
                "SELECT path FROM articles WHERE id = ?1 UNION SELECT path FROM versions "
                "WHERE article_id = ?1",
                (article_id,),
            )
        }
        candidate, n = relpath, 0
        while candidate in taken:
            n += 1
            candidate = f"{relpath}-{n}"
        return candidate

    def _record_version(self, article_id: str, fetched_at: str, sha256: str, path: str) -> None:
        self.conn.execute(
            "INSERT INTO versions (article_id, fetched_at, sha256, path) VALUES (?, ?, ?, ?)",
            (article_id, fetched_at, sha256, path),
        )

    def _insert(self, article: Article, relpath: str, record: str) -> None:
        from archiver.urls import url_key

        self.conn.execute(
            """INSERT INTO articles (id, url_key, url, canonical_url, outlet, title, published,
               language, fetched_at, sha256, word_count, cluster, duplicate_of, similarity,
               dedup_method, path, record)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article.id,
                url_key(article.canonical_url),
                article.url,
                article.canonical_url,
                article.outlet,
                article.title,
                article.published,
                article.language,
                article.fetched_at,
                article.sha256,
                article.word_count,
                article.cluster,
                article.duplicate_of,
                article.similarity,
                article.dedup_method,
                relpath,
                record,
            ),
        )

    def log_fetch(self, fetch: FetchRow) -> None:
        """Record a fetch that stored no article (failed, skipped, unchanged)."""
        with self.transaction():
            self._log_fetch(fetch)

    def _log_fetch(self, fetch: FetchRow) -> None:
        loc = fetch.warc
        self.conn.execute(
            """INSERT INTO fetches (url, final_url, http_status, outcome, error, fetched_at,
               article_id, warc_file, warc_offset, warc_length, warc_record_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                fetch.url,
                fetch.final_url,
                fetch.http_status,
                fetch.outcome,
                fetch.error,
                fetch.fetched_at,
                fetch.article_id,
                loc.filename if loc else None,
                loc.offset if loc else None,
                loc.length if loc else None,
                loc.record_id if loc else None,
            ),
        )
        if loc is not None and self._warc is not None:
            self.conn.execute(
                "INSERT INTO warc_files (name, committed) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET committed = excluded.committed",
                (self._warc.filename, self._warc.tell()),
            )

    def update_dedup(
        self,
        article_id: str,
        *,
        cluster: str | None,
        duplicate_of: str | None,
        similarity: float | None,
        method: str | None,
    ) -> None:
        """Change an article's dedup fields in the index; its JSON sidecar is rewritten once the
        change commits (a rolled-back change leaves the sidecar as it was)."""
        with self.transaction():
            row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                raise StoreError(f"no article {article_id}")
            article = self._article(row, with_text=False)  # the sidecar holds no text
            article.cluster, article.duplicate_of = cluster, duplicate_of
            article.similarity, article.dedup_method = similarity, method
            self.conn.execute(
                """UPDATE articles SET cluster = ?, duplicate_of = ?, similarity = ?,
                   dedup_method = ?, record = ? WHERE id = ?""",
                (
                    cluster,
                    duplicate_of,
                    similarity,
                    method,
                    _json(article.to_dict(with_text=False)),
                    article_id,
                ),
            )
            self.conn.execute("INSERT OR IGNORE INTO stale_sidecars (id) VALUES (?)", (article_id,))
            self._stale_sidecars.add(article_id)

    def _write_stale_sidecars(self, ids: set[str]) -> None:
        """Rewrite these articles' sidecars from their committed records, then forget them.

        A failure is logged, not raised: the change itself is committed, and the rows stay in
        `stale_sidecars` for the next writer to finish."""
        if not ids:
            return
        done = []
        try:
            for article_id in sorted(ids):
                row = self.conn.execute(
                    "SELECT path, record FROM articles WHERE id = ?", (article_id,)
                ).fetchone()
                if row is not None:
                    write_atomically(
                        self.root / f"{row['path']}.json", row["record"], fsync=self.fsync
                    )
                done.append(article_id)
        except OSError as exc:
            log.warning("cannot rewrite a sidecar yet (the next writer will): %s", exc)
        for start in range(0, len(done), 500):
            chunk = done[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM stale_sidecars WHERE id IN ({marks})", chunk)

    def transaction(self) -> Transaction:
        """A context manager for one IMMEDIATE transaction (nested uses join the outer one).

        When the outermost one commits, the sidecars of the records it changed are rewritten;
        when it rolls back, they are left as they were."""
        return Transaction(self.conn, on_commit=self._committed, on_rollback=self._rolled_back)

    def _committed(self) -> None:
        ids, self._stale_sidecars = self._stale_sidecars, set()
        self._write_stale_sidecars(ids)

    def _rolled_back(self) -> None:
        self._stale_sidecars.clear()

    # -- statistics ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts per outlet, language and fetch outcome, and the archive's size on disk."""

        def grouped(sql: str) -> dict[str, int]:
            return {str(k): int(v) for k, v in self.conn.execute(sql)}

        return {
            "archive": str(self.root),
            "articles": self.count(),
            "originals": int(
                self.conn.execute(
                    "SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL"
                ).fetchone()[0]
            ),
            "duplicates": int(
                self.conn.execute(
                    "SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL"
                ).fetchone()[0]
            ),
            "outlets": grouped("SELECT outlet, COUNT(*) FROM articles GROUP BY outlet ORDER BY 1"),
            "languages": grouped(
                "SELECT COALESCE(language, 'unknown'), COUNT(*) FROM articles GROUP BY 1 ORDER BY 1"
            ),
            "fetch_status": grouped("SELECT outcome, COUNT(*) FROM fetches GROUP BY 1 ORDER BY 1"),
            "size_bytes": _tree_size(self.root),
        }


def _connect_reader(root: Path, index: Path) -> tuple[sqlite3.Connection, ReaderLock | None]:
    """A read-only connection to the index, and the reader lock it holds if it needed one.

    `mode=ro`: a reader never writes the index. It follows a running writer through the WAL
    and its `-shm` index, which SQLite creates beside the database if it is missing; when it
    cannot (a snapshot, a directory shared without write access, a read-only mount), the
    index is opened `immutable=1`: no -shm, no locks, no WAL. That is only safe when no writer
    can change the file while it is read, so (a) a `-wal` that still holds changes is refused
    (immutable would ignore them and read a stale, or half-checkpointed, file), and (b) the
    reader holds the archive's lock shared, so a writer that starts meanwhile exits 75 (retry
    later) instead of checkpointing under it.
    """
    try:
        return _connect(index, "mode=ro"), None
    except sqlite3.OperationalError as exc:
        # SQLite could not create the -shm (CANTOPEN) or the -wal (READONLY_DIRECTORY) beside
        # the index; any other failure, or a directory we may write, is reported as it is.
        name = getattr(exc, "sqlite_errorname", "")
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) or os.access(root, os.W_OK):
            raise StoreError(f"cannot open archive index {index}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"archive index {index} is unreadable: {exc}") from None
    reader_lock = ReaderLock(root)
    try:
        has_lock_file = reader_lock.acquire()
    except OSError as exc:
        raise StoreError(f"cannot open archive {root}: {exc.strerror or exc}") from None
    try:
        wal = index.with_name(index.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"archive index {index} has changes in {wal.name} that a reader without write "
                "access cannot apply (its -shm file is missing)",
                f"copy {index.name}-shm with it, or fold them in with write access: "
                f"sqlite3 {index} 'PRAGMA wal_checkpoint(TRUNCATE)'",
            )
        conn = _connect(index, "mode=ro&immutable=1")
    except sqlite3.DatabaseError as exc:
        reader_lock.release()
        raise StoreError(f"archive index {index} is unreadable: {exc}") from None
    except BaseException:
        reader_lock.release()
        raise
    return conn, reader_lock if has_lock_file else None


def _connect(index: Path, params: str) -> sqlite3.Connection:
    """Open the index by URI with these query parameters and read its schema (SQLite opens
    lazily: this is where a missing -shm or a corrupt file shows)."""
    uri = f"{index.absolute().as_uri()}?{params}"
    conn = sqlite3.connect(
        uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


@dataclass(frozen=True)
class FetchRow:
    """One line of the fetch log."""

    url: str
    outcome: str
    fetched_at: str
    final_url: str | None = None
    http_status: int | None = None
    error: str | None = None
    article_id: str | None = None
    warc: WarcLocation | None = None


def _where(flt: ArticleFilter) -> tuple[str, list[Any]]:
    clauses, params = _date_clauses(flt.since, flt.until)
    if flt.outlets:
        clauses.append(f"outlet IN ({','.join('?' * len(flt.outlets))})")
        params.extend(flt.outlets)
    if flt.languages:
        clauses.append(f"language IN ({','.join('?' * len(flt.languages))})")
        params.extend(flt.languages)
    if flt.originals_only:
        clauses.append("duplicate_of IS NULL")
    if flt.duplicates_only:
        clauses.append("duplicate_of IS NOT NULL")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def parse_date_bound(value: str) -> date | datetime:
    """A --since/--until value: a date (YYYY-MM-DD), or a datetime as aware UTC (naive: UTC).

    Raises ValueError for anything else."""
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _date_clauses(since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
    """SQL conditions on an article's date (see `ArticleFilter`), and their parameters.

    Each starts with a range on DATED_START that the `articles_dated` index answers (widened
    by a day where UTC offsets, at most 14 hours, or a whole date may reach past the bound);
    the exact test follows.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        bound = parse_date_bound(since)
        if isinstance(bound, datetime):
            # A date ends on or after the bound if it is the bound's UTC day or later.
            clauses.append(
                f"{DATED_START} >= julianday(?, 'start of day') AND {_DATED_END} >= julianday(?)"
            )
            params += [_sql_instant(bound)] * 2
        else:
            clauses.append(f"{DATED_START} >= julianday(?, '-1 days') AND {_DATED_DAY} >= ?")
            params += [bound.isoformat()] * 2
    if until is not None:
        bound = parse_date_bound(until)
        if isinstance(bound, datetime):
            clauses.append(f"{DATED_START} <= julianday(?)")
            params.append(_sql_instant(bound))
        else:
            clauses.append(f"{DATED_START} < julianday(?, '+2 days') AND {_DATED_DAY} <= ?")
            params += [bound.isoformat()] * 2
    return clauses, params


def _sql_instant(moment: datetime) -> str:
    """An aware time as SQLite's julianday() reads it: UTC, to the millisecond."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


def _article_path(article: Article) -> str:
    """articles/<outlet>/<YYYY>/<MM>/<id>, dated by publication or else by fetch."""
    date = article.published or article.fetched_at
    year, month = (date[:4], date[5:7]) if len(date) >= 7 else (date[:4] or "undated", "00")
    if not year.isdigit():
        year, month = "undated", "00"
    if not month.isdigit():
        month = "00"
    outlet = "".join(c if c.isalnum() or c in "-_." else "_" for c in article.outlet) or "unknown"
    return f"articles/{outlet}/{year}/{month}/{article.id}"


def _stamp(fetched_at: str) -> str:
    """A file-name-safe form of an ISO time: 2025-03-05T08:00:00Z -> 20250305T080000."""
    return fetched_at.replace(":", "").replace("-", "")[:15]


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _tree_size(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += (Path(dirpath) / name).stat().st_size
            except OSError:
                pass
    return total


def text_path(root: Path, relpath: str) -> Path:
    """Where an article's clean text lives. `relpath` may itself contain dots (a version's
    stamp), so the suffix is appended, never substituted (`with_suffix` would cut the stamp)."""
    return root / f"{relpath}.txt"


def iso_utc(moment: datetime) -> str:
    """An aware time as the archive writes times: ISO 8601, UTC, whole seconds, 'Z'."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utc_now() -> str:
    """The current time as `iso_utc` writes it."""
    return iso_utc(datetime.now(UTC))

"""The crawl frontier in the archive index: every discovered article URL and what became of it.

A URL is `pending` until a fetch settles it: `done` (stored, duplicate or unchanged), `failed`
(a transient error; tried again on later runs until `max_attempts`) or `gone` (404/410 and
other permanent errors; never tried again). An attempt is counted as its request goes out (not
while the URL waits for its host's turn), so a run killed mid-request still counts it and a
failed URL tried again is pending until settled: a pending URL out of attempts was cut off
every time (`cut_off`). `validators` keeps the ETag and Last-Modified of feeds, sitemaps and
listing pages for conditional requests on the next run; they are saved in the transaction that
adds the links read from those documents (`add_many`), never before, with the outlet's
`article_pattern`: a 304 only says the document did not change, so after the pattern changes
(links it turned away may match now, or none may) the document is read in full again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from archiver.sqltx import Transaction
from archiver.urls import url_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    key TEXT PRIMARY KEY,                  -- urls.url_key(url): one row per article
    url TEXT NOT NULL,
    outlet TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', -- pending | done | failed | gone
    attempts INTEGER NOT NULL DEFAULT 0,
    published TEXT,                        -- date from the feed or sitemap (ISO 8601, UTC)
    modified TEXT,                         -- sitemap lastmod / Atom updated (ISO 8601, UTC)
    discovered_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,                          -- the pipeline status that settled it
    error TEXT
);
CREATE INDEX IF NOT EXISTS frontier_outlet_state ON frontier(outlet, state);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,                  -- a feed, sitemap or listing page
    etag TEXT,
    last_modified TEXT,
    links TEXT,                            -- JSON list kept for a 304: the feeds a home page
                                           -- announces ([]: none), a sitemap index's children
    checked_at TEXT NOT NULL,
    pattern TEXT                           -- the outlet's article_pattern when they were saved
);
"""

STATES = ("pending", "done", "failed", "gone")


@dataclass(frozen=True)
class SourceValidators:
    """A feed, sitemap or listing page's validators, and the links to reuse on a 304."""

    url: str
    etag: str | None
    last_modified: str | None
    links: list[str] | None = None  # a home page's announced feeds, a sitemap index's children
    pattern: str = ""  # the outlet's article_pattern the links were judged by


@dataclass(frozen=True)
class Entry:
    """One frontier row."""

    url: str
    outlet: str
    state: str
    attempts: int
    published: str | None
    modified: str | None
    finished_at: str | None


_ENTRY_COLUMNS = ", ".join(f.name for f in fields(Entry))  # the columns an Entry is read from


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


class Frontier:
    """Frontier and validator rows over the archive's SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.conn.executescript(SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(validators)")}
        if "pattern" not in columns:
            # Validators from before the column say neither which pattern judged their links
            # nor whether a home page's one feed was announced or guessed: dropped once, so
            # the next run reads every source in full and saves them as they are now.
            with Transaction(conn):
                conn.execute("ALTER TABLE validators ADD COLUMN pattern TEXT")
                conn.execute("DELETE FROM validators")

    def add(
        self,
        outlet: str,
        url: str,
        published: datetime | None = None,
        modified: datetime | None = None,
    ) -> Entry:
        """Record one discovered URL (see `add_many`) and return its current state."""
        return self.add_many(outlet, [(url, published, modified)])[url_key(url)]

    def add_many(
        self,
        outlet: str,
        links: Iterable[tuple[str, datetime | None, datetime | None]],
        sources: Iterable[SourceValidators] = (),
    ) -> dict[str, Entry]:
        """Record discovered (url, published, modified) in one transaction, keeping each URL's
        first row (its dates fill in, never erase; it moves to the outlet that found it, as one
        URL belongs to one outlet, `Settings.outlet_for_url`); the current entries, by url_key.

        The validators of the `sources` the links were read from commit in the same
        transaction: a kill at any moment leaves either both or neither.
        """
        rows = [(url_key(u), u, outlet, _iso(p), _iso(m), _now()) for u, p, m in links]
        with Transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO frontier (key, url, outlet, published, modified, discovered_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                " outlet = excluded.outlet,"
                " published = COALESCE(excluded.published, published),"
                " modified = COALESCE(excluded.modified, modified)",
                rows,
            )
            for source in sources:
                self.save_validators(
                    source.url, source.etag, source.last_modified, source.links, source.pattern
                )
        found: dict[str, Entry] = {}
        keys = list(dict.fromkeys(row[0] for row in rows))
        for start in range(0, len(keys), 500):  # SQLite caps the number of parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT key, {_ENTRY_COLUMNS} FROM frontier WHERE key IN ({marks})", chunk
            ):
                found[row[0]] = Entry(*row[1:])
        return found

    def start(self, url: str) -> None:
        """Count an attempt as its request goes out; a failed URL is pending again until this
        attempt settles it (an archived one being refreshed stays done)."""
        with Transaction(self.conn):
            self.conn.execute(
                "UPDATE frontier SET attempts = attempts + 1,"
                " state = CASE state WHEN 'failed' THEN 'pending' ELSE state END WHERE key = ?",
                (url_key(url),),
            )

    def finish(self, url: str, state: str, outcome: str, error: str | None = None) -> None:
        """Settle a URL: done, failed (retried later) or gone (never again)."""
        if state not in STATES:
            raise ValueError(f"unknown frontier state {state!r}")
        with Transaction(self.conn):
            self.conn.execute(
                "UPDATE frontier SET state = ?, outcome = ?, error = ?, finished_at = ?"
                " WHERE key = ?",
                (state, outcome, error, _now(), url_key(url)),
            )

    def resumable(self, outlet: str, max_attempts: int) -> list[Entry]:
        """URLs found but not settled, oldest first: a killed run's leftovers and transient
        failures, until `max_attempts` (a page that keeps killing the crawl is given up too)."""
        rows = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM frontier"
            " WHERE outlet = ? AND state IN ('pending', 'failed') AND attempts < ?"
            " ORDER BY discovered_at, rowid",
            (outlet, max_attempts),
        ).fetchall()
        return [Entry(*row) for row in rows]

    def cut_off(self, outlet: str, max_attempts: int) -> list[Entry]:
        """Pending URLs out of attempts: their last request went out in a run that ended
        before settling it (killed, or crashed on the page), oldest first."""
        rows = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM frontier"
            " WHERE outlet = ? AND state = 'pending' AND attempts >= ?"
            " ORDER BY discovered_at, rowid",
            (outlet, max_attempts),
        ).fetchall()
        return [Entry(*row) for row in rows]

    def counts(self, outlet: str | None = None) -> dict[str, int]:
        """How many URLs are in each state (for one outlet or all)."""
        sql = "SELECT state, COUNT(*) FROM frontier"
        args: tuple[str, ...] = ()
        if outlet is not None:
            sql, args = sql + " WHERE outlet = ?", (outlet,)
        found = {row[0]: row[1] for row in self.conn.execute(sql + " GROUP BY state", args)}
        return {state: int(found.get(state, 0)) for state in STATES}

    # -- validators for conditional requests

    def validators(self, url: str, pattern: str = "") -> dict[str, str]:
        """The If-None-Match / If-Modified-Since headers to send for a feed, sitemap or listing
        (none when its links were judged by another `article_pattern`: read it in full)."""
        row = self.conn.execute(
            "SELECT etag, last_modified FROM validators"
            " WHERE url = ? AND COALESCE(pattern, '') = ?",
            (url, pattern),
        ).fetchone()
        headers: dict[str, str] = {}
        if row and row[0]:
            headers["If-None-Match"] = row[0]
        if row and row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def save_validators(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        links: list[str] | None = None,
        pattern: str = "",
    ) -> None:
        """Remember a 200 response's validators, and the links to reuse when it answers 304."""
        with Transaction(self.conn):
            self.conn.execute(
                "INSERT INTO validators (url, etag, last_modified, links, checked_at, pattern)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, links = excluded.links,"
                " checked_at = excluded.checked_at, pattern = excluded.pattern",
                (
                    url,
                    etag,
                    last_modified,
                    json.dumps(links) if links is not None else None,
                    _now(),
                    pattern,
                ),
            )

    def saved_links(self, url: str) -> list[str]:
        """The links saved with a source's validators (its feeds or child sitemaps)."""
        row = self.conn.execute("SELECT links FROM validators WHERE url = ?", (url,)).fetchone()
        return [str(u) for u in json.loads(row[0])] if row and row[0] else []

    def forget(self, urls: Iterable[str]) -> None:
        """Drop validators (so a source that failed to parse is fetched in full next time)."""
        with Transaction(self.conn):
            self.conn.executemany("DELETE FROM validators WHERE url = ?", [(u,) for u in urls])

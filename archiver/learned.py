"""Layer 3 of boilerplate removal: lines and title affixes learned from an outlet's own archive.

A line that recurs verbatim (after `fold`) on many articles of one outlet is a slogan, a
disclaimer or a donation appeal, not news; a title segment shared by most of an outlet's
titles (" - It's Over 9000!") is the site's name. Counts live in the archive's SQLite index.

Each article (one id, so one URL) counts once, however often it is stored again: a developing
story updated five times is one article whose lines were seen once, not five articles. The ids
already counted are kept in `learned_articles`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable

from archiver.models import Removal
from archiver.normalize import fold, match_key
from archiver.sqltx import Transaction
from archiver.titles import TitleAffixes, split_title

SCHEMA = """
CREATE TABLE IF NOT EXISTS learned_outlets (
    outlet TEXT PRIMARY KEY,
    articles INTEGER NOT NULL DEFAULT 0,   -- articles observed
    titles INTEGER NOT NULL DEFAULT 0      -- page titles observed
);
CREATE TABLE IF NOT EXISTS learned_line_counts (
    outlet TEXT NOT NULL,
    key INTEGER NOT NULL,                  -- 64-bit hash of the folded line
    line TEXT,                             -- the folded line, kept once it has repeated
    articles INTEGER NOT NULL DEFAULT 0,   -- articles it appeared in
    last_seen INTEGER NOT NULL,            -- the outlet's article count when last seen
    PRIMARY KEY (outlet, key)
) WITHOUT ROWID;
-- Articles already counted above: a later store of the same id (an updated text) adds nothing.
CREATE TABLE IF NOT EXISTS learned_articles (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS learned_affixes (
    outlet TEXT NOT NULL,
    side TEXT NOT NULL,                    -- prefix | suffix
    affix TEXT NOT NULL,                   -- folded title segment
    titles INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (outlet, side, affix)
);
CREATE INDEX IF NOT EXISTS learned_affixes_by_count ON learned_affixes (outlet, titles);
"""

# A line seen in at least MIN_ARTICLES articles and in at least SHARE of the outlet's articles
# is boilerplate: news sentences rarely repeat verbatim; slogans repeat on nearly every page.
MIN_ARTICLES = 4
SHARE = 0.2
# Lines shorter than this are too generic to learn ("Damascus", a lone number).
MIN_LINE_CHARS = 12
MAX_LINE_CHARS = 600
# Every line of every article is counted, so the table would grow with the archive. Each
# PRUNE_EVERY articles of an outlet, lines under a quarter of the boilerplate share that were
# not seen in the last PRUNE_AGE articles are dropped: a line at the threshold share turns up
# about SHARE * PRUNE_AGE = 200 times in that span, so nothing that could qualify is lost.
PRUNE_EVERY = 500
PRUNE_AGE = 1000


def observe_lines(conn: sqlite3.Connection, outlet: str, text: str) -> None:
    """Count each distinct line of one stored article of `outlet`."""
    lines = {fold(line) for line in text.split("\n")}
    lines = {line for line in lines if MIN_LINE_CHARS <= len(line) <= MAX_LINE_CHARS}
    with Transaction(conn):
        conn.execute(
            "INSERT INTO learned_outlets (outlet, articles) VALUES (?, 1) "
            "ON CONFLICT(outlet) DO UPDATE SET articles = articles + 1",
            (outlet,),
        )
        seen = _count(conn, outlet, "articles")
        # The text is stored only when a line repeats: most lines are news, seen once.
        conn.executemany(
            "INSERT INTO learned_line_counts (outlet, key, line, articles, last_seen) "
            "VALUES (?1, ?2, NULL, 1, ?3) ON CONFLICT(outlet, key) DO UPDATE SET "
            "articles = articles + 1, last_seen = ?3, line = COALESCE(line, ?4)",
            [(outlet, _line_key(line), seen, line) for line in sorted(lines)],
        )
        if seen % PRUNE_EVERY == 0:
            conn.execute(
                "DELETE FROM learned_line_counts WHERE outlet = ? AND last_seen <= ? "
                "AND articles * 4 < ? * ?",
                (outlet, seen - PRUNE_AGE, SHARE, seen),
            )


def observe_article(
    conn: sqlite3.Connection,
    article_id: str,
    outlet: str,
    text: str,
    removed: Iterable[Removal] = (),
    html_title: str | None = None,
) -> bool:
    """Observe a stored article: its text plus the lines already removed as learned, and its
    title; unless this article id was observed before. Says whether it was counted.

    Only the first store of an id counts: each count then means one more article, which is
    what the thresholds assume; counting every update of one story let its own paragraphs
    pass them on a small outlet, and then be stripped from it. Learned lines are removed
    before storing, so they are counted back in here; otherwise a learned line would stop
    being seen and fall below the threshold. Lines and title are counted in one transaction.
    """
    again = [r.text for r in removed if r.reason == "learned-line"]
    with Transaction(conn):
        first = conn.execute(
            "INSERT INTO learned_articles (id) VALUES (?) ON CONFLICT(id) DO NOTHING", (article_id,)
        ).rowcount
        if not first:
            return False
        observe_lines(conn, outlet, "\n".join([text, *again]))
        if html_title:
            observe_title(conn, outlet, html_title)
    return True


def learned_options(conn: sqlite3.Connection, outlet: str) -> tuple[frozenset[str], TitleAffixes]:
    """What the archive learned for `outlet` (a configured outlet's name or a site's host, as in
    `pipeline.outlet_key`): its boilerplate lines and its title affixes."""
    return learned_lines(conn, outlet), learned_affixes(conn, outlet)


def learned_lines(conn: sqlite3.Connection, outlet: str) -> frozenset[str]:
    """Folded lines that are boilerplate for `outlet` (for `ExtractOptions.learned_lines`)."""
    total = _count(conn, outlet, "articles")
    need = max(MIN_ARTICLES, SHARE * total)
    rows = conn.execute(
        "SELECT line FROM learned_line_counts "
        "WHERE outlet = ? AND articles >= ? AND line IS NOT NULL",
        (outlet, need),
    )
    return frozenset(row[0] for row in rows)


def _line_key(line: str) -> int:
    """A signed 64-bit hash of a folded line (SQLite's INTEGER range)."""
    digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def observe_title(conn: sqlite3.Connection, outlet: str, html_title: str) -> None:
    """Count the first and last segments of one page `<title>` of `outlet`."""
    segments = split_title(html_title)
    with Transaction(conn):
        conn.execute(
            "INSERT INTO learned_outlets (outlet, titles) VALUES (?, 1) "
            "ON CONFLICT(outlet) DO UPDATE SET titles = titles + 1",
            (outlet,),
        )
        if len(segments) < 2:
            return
        conn.executemany(
            "INSERT INTO learned_affixes (outlet, side, affix, titles) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(outlet, side, affix) DO UPDATE SET titles = titles + 1",
            [
                (outlet, "prefix", match_key(segments[0])),
                (outlet, "suffix", match_key(segments[-1])),
            ],
        )


def learned_affixes(conn: sqlite3.Connection, outlet: str) -> TitleAffixes:
    """Title prefixes and suffixes shared by many of `outlet`'s titles."""
    total = _count(conn, outlet, "titles")
    need = max(3, 0.3 * total)
    rows = conn.execute(
        "SELECT side, affix FROM learned_affixes WHERE outlet = ? AND titles >= ?", (outlet, need)
    ).fetchall()
    return TitleAffixes(
        prefixes=frozenset(a for side, a in rows if side == "prefix"),
        suffixes=frozenset(a for side, a in rows if side == "suffix"),
    )


def _count(conn: sqlite3.Connection, outlet: str, column: str) -> int:
    row = conn.execute(
        f"SELECT {column} FROM learned_outlets WHERE outlet = ?", (outlet,)
    ).fetchone()
    return int(row[0]) if row else 0

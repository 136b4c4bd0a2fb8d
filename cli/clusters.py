"""`archiver clusters`: one JSON line per cluster of an original and its copies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from archiver.store import Store
from archiver.urls import canonicalize_url
from cli import App
from cli.exit import EPILOG
from cli.options import parse_date
from cli.output import member_row, write_jsonl


@click.command("clusters", epilog=EPILOG)
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only clusters with at least this many articles.",
)
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    help="Only clusters with a member from this outlet (repeatable).",
)
@click.option(
    "--since",
    callback=parse_date,
    help="Only clusters whose canonical was published (or fetched) on or after this date.",
)
@click.pass_obj
def command(app: App, min_size: int, outlets: tuple[str, ...], since: str | None) -> None:
    """List clusters: the canonical article and every member (id, url, outlet, similarity, method).

    \b
    Examples:
        archiver clusters
        archiver clusters --min-size 3 --outlet sana-ar --since 2025-01-01
    """
    with app.open_store(write=False) as store:
        write_jsonl(iter_clusters(store, min_size=min_size, outlets=outlets, since=since))


def iter_clusters(
    store: Store, *, min_size: int = 2, outlets: tuple[str, ...] = (), since: str | None = None
) -> Iterator[dict[str, Any]]:
    """Clusters as JSON-ready dicts, largest first, then by canonical date."""
    sql = """
        SELECT COALESCE(cluster, id) AS label, COUNT(*) AS size FROM articles
        GROUP BY label HAVING size >= ?
        ORDER BY size DESC, label"""
    for label, _size in store.conn.execute(sql, (min_size,)).fetchall():
        members = store.cluster_members(label)
        if not members:  # an unclustered article (stored before dedup recorded clusters)
            article = store.get(label)
            members = [article] if article else []
        if outlets and not any(m.outlet in outlets for m in members):
            continue
        canonical = next((m for m in members if m.duplicate_of is None), members[0])
        if not store.dated_within(canonical, since, None):
            continue
        yield {
            "cluster": label,
            "size": len(members),
            "canonical": canonical.id,
            # The record's field of that name (tracking parameters and fragments removed), not
            # the URL it was fetched at.
            "canonical_url": canonical.canonical_url or canonicalize_url(canonical.url),
            "published": canonical.published,
            "members": [member_row(m) for m in members],
        }

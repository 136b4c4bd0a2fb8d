"""Deciding whether a new article repeats one already archived, and which cluster it joins.

This first layer finds exact copies: the same normalized-text hash under another URL. The
near-duplicate layer (fingerprints, LSH, containment) extends `Deduper.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.config import Settings
from archiver.models import Article
from archiver.store import Store


@dataclass(frozen=True)
class DedupDecision:
    """Where a new article belongs: its cluster, the article it duplicates, and how sure we are."""

    cluster: str
    duplicate_of: str | None = None
    similarity: float | None = None
    method: str | None = None  # url | exact | near | contained


class Deduper:
    """Finds the cluster a new article belongs to, against everything in the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def decide(self, article: Article) -> DedupDecision:
        """Exact copy of an archived article (same normalized text): join its cluster."""
        first = self.store.first_with_sha256(article.sha256, exclude_id=article.id)
        if first is None:
            return DedupDecision(cluster=article.id)
        canonical = first.cluster or first.id
        return DedupDecision(
            cluster=canonical, duplicate_of=canonical, similarity=1.0, method="exact"
        )

    def index(self, article: Article) -> None:
        """Remember a stored article for later decisions (exact hashes live in the store)."""

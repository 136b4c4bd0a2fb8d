"""Deciding whether a new article repeats one already archived, and which cluster it joins.

Two layers: exact copies (the same normalized-text hash under another URL) and near copies
(fingerprint candidates from the LSH index in the archive, verified with rapidfuzz: "near" for
similar-length copies, "contained" for wrapped or truncated reposts). A cluster keeps the label
it was founded with; its canonical member is chosen by `choose_canonical`, and when a later
article should be canonical (an earlier original found after its reposts) every member is
rewritten to point at it, so clusters are never split silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from archiver.config import DedupSettings, Settings
from archiver.fingerprint import Fingerprint, Fingerprinter, FingerprintParams, tokenize
from archiver.lsh_index import NearIndex
from archiver.models import Article
from archiver.normalize import fold
from archiver.store import Store
from archiver.verify import Match, VerifyRules, compare

# A pair sharing fewer LSH bands than this (and no window) has an estimated Jaccard far below
# what a near copy needs; verifying it would only cost time.
MIN_BAND_HITS = 3
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DedupDecision:
    """Where a new article belongs: its cluster, the article it duplicates, and how sure we are."""

    cluster: str
    duplicate_of: str | None = None
    similarity: float | None = None
    method: str | None = None  # url | exact | near | contained


def fingerprint_params(dedup: DedupSettings) -> FingerprintParams:
    """The fingerprint shape configured in `[dedup]`."""
    return FingerprintParams(
        num_perm=dedup.num_perm,
        bands=dedup.bands,
        window_divisor=dedup.window_divisor,
        window_min=dedup.window_min,
    )


def verify_rules(dedup: DedupSettings) -> VerifyRules:
    """The verification thresholds configured in `[dedup]`."""
    return VerifyRules(
        near_threshold=dedup.near_threshold,
        length_ratio=dedup.length_ratio,
        contained_threshold=dedup.contained_threshold,
        min_coverage=dedup.min_coverage,
        min_tokens=dedup.min_tokens,
        max_word_edits_per_1000=dedup.max_word_edits_per_1000,
        number_guard=dedup.number_guard,
    )


def _parse_time(value: str | None) -> datetime:
    """An ISO date or datetime as UTC (naive: taken as UTC); unparseable or missing: never."""
    if not value:
        return _NEVER
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _NEVER
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def credited_outlets(members: Iterable[Article], settings: Settings) -> set[str]:
    """Names of configured outlets that some member credits as its source."""
    credits = [f" {fold(m.source_credit)} " for m in members if m.source_credit]
    if not credits:
        return set()
    found: set[str] = set()
    for outlet in settings.outlets:
        names = {fold(n) for n in (outlet.name, outlet.label, *outlet.aliases) if n.strip()}
        if any(f" {name} " in credit for name in names for credit in credits):
            found.add(outlet.name)
    return found


def choose_canonical(members: Sequence[Article], settings: Settings) -> Article:
    """The member to treat as the original.

    Order: an outlet some member credits, then configured outlets over unknown hosts, then the
    earliest publication time, then the first fetched, then the id (so the choice is stable).
    """
    credited = credited_outlets(members, settings)
    configured = {o.name for o in settings.outlets}

    def rank(a: Article) -> tuple[int, int, datetime, datetime, str]:
        return (
            0 if a.outlet in credited else 1,
            0 if a.outlet in configured else 1,
            _parse_time(a.published),
            _parse_time(a.fetched_at),
            a.id,
        )

    return min(members, key=rank)


class Deduper:
    """Finds the cluster a new article belongs to, against everything in the store.

    `decide(article)` before storing, `index(article)` after: the second makes the article a
    candidate for later ones and, if it took over as canonical, repoints its cluster.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.dedup = settings.dedup
        self.fingerprinter = Fingerprinter(fingerprint_params(self.dedup))
        self.rules = verify_rules(self.dedup)
        self.near_index = NearIndex(
            store.conn, self.fingerprinter.params, max_bucket=self.dedup.max_bucket
        )
        self._fingerprints: dict[str, Fingerprint] = {}
        self._matches: dict[str, tuple[str, Match]] = {}

    def decide(self, article: Article) -> DedupDecision:
        """The cluster of `article`: an exact copy's, a verified near copy's, or its own."""
        found = self._exact(article) or self._near(article)
        if found is None:
            return DedupDecision(cluster=article.id)
        other, match = found
        self._matches[article.id] = (other.id, match)
        cluster = other.cluster or other.id
        members = [m for m in self.store.cluster_members(cluster) if m.id != article.id]
        if other.id not in {m.id for m in members}:
            members.append(other)  # an article stored before clusters were recorded
        canonical = choose_canonical([*members, article], self.settings)
        if canonical.id == article.id:
            return DedupDecision(cluster=cluster)  # takes over in index()
        return DedupDecision(cluster, canonical.id, match.similarity, match.method)

    def _exact(self, article: Article) -> tuple[Article, Match] | None:
        first = self.store.first_with_sha256(article.sha256, exclude_id=article.id)
        return (first, Match("exact", 1.0)) if first is not None else None

    def _near(self, article: Article) -> tuple[Article, Match] | None:
        if not self.dedup.near:
            return None
        fp = self.fingerprinter.fingerprint(article.text)
        self._fingerprints[article.id] = fp
        best: tuple[Article, Match] | None = None
        for other_id in self.candidates(fp, exclude=article.id):
            other = self.store.get(other_id)
            if other is None:
                continue
            match = compare(fp.tokens, tokenize(other.text), self.rules)
            if match is not None and (best is None or match.similarity > best[1].similarity):
                best = (other, match)
        return best

    def candidates(self, fp: Fingerprint, *, exclude: str | None = None) -> list[str]:
        """Ids of indexed articles worth verifying against `fp`, most shared keys first."""
        found = self.near_index.candidates(fp, limit=self.dedup.max_candidates, exclude=exclude)
        return [c.article_id for c in found if c.band_hits >= MIN_BAND_HITS or c.window_hits]

    def index(self, article: Article) -> None:
        """Make a stored article a candidate for later ones; settle its cluster's canonical."""
        fp = self._fingerprints.pop(article.id, None)
        matched = self._matches.pop(article.id, None)
        if self.dedup.near and article.dedup_method != "exact":
            # Exact copies add no new text; indexing them would only fill buckets.
            self.near_index.add(article.id, fp or self.fingerprinter.fingerprint(article.text))
        if article.cluster and matched is not None and article.duplicate_of is None:
            self._take_over(article, matched)

    def _take_over(self, canonical: Article, matched: tuple[str, Match]) -> None:
        """Repoint every member of the cluster at its new canonical `canonical`."""
        assert canonical.cluster is not None
        tokens: tuple[str, ...] | None = None
        with self.store.transaction():
            for member in self.store.cluster_members(canonical.cluster):
                if member.id == canonical.id or member.duplicate_of == canonical.id:
                    continue
                similarity, method = member.similarity, member.dedup_method
                if method is None:  # the former canonical: measure it against the new one
                    if member.id == matched[0]:
                        similarity, method = matched[1].similarity, matched[1].method
                    elif member.sha256 == canonical.sha256:
                        similarity, method = 1.0, "exact"
                    else:
                        tokens = tokens or tokenize(canonical.text)
                        full = self.store.get(member.id)
                        found = compare(tokenize(full.text), tokens, self.rules) if full else None
                        found = found or matched[1]
                        similarity, method = found.similarity, found.method
                self.store.update_dedup(
                    member.id,
                    cluster=canonical.cluster,
                    duplicate_of=canonical.id,
                    similarity=similarity,
                    method=method,
                )

"""Deciding whether a new article repeats one already archived, and which cluster it joins.

Three layers: exact copies (the same normalized-text hash under another URL), copies linked by
a rel=canonical naming another site ("url", when the texts overlap), and near copies
(fingerprint candidates from the LSH index in the archive, verified with rapidfuzz: "near" for
similar-length copies, "contained" for wrapped or truncated reposts; a copy one substituted
word past the template guard counts only under `edit_allowed`). A cluster is labelled
with its canonical member's id (the record contract: `cluster` is the canonical article's id),
chosen by `choose_canonical`; when a later article should be canonical (an earlier original
found after its reposts) every member is rewritten to point at it and to carry its id, so
clusters are relabelled but never split silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from archiver.config import DedupSettings, Settings
from archiver.fingerprint import Fingerprint, Fingerprinter, FingerprintParams, tokenize
from archiver.lsh_index import NearIndex, linked_to, record_link
from archiver.models import Article
from archiver.normalize import fold
from archiver.store import Store
from archiver.urls import article_id
from archiver.verify import Match, VerifyRules, assess, compare, shingle_overlap

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
        window_length=dedup.window_length,
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
        cross_outlet_word_edits=dedup.cross_outlet_word_edits,
    )


def edit_allowed(
    outlets_a: Iterable[str], outlets_b: Iterable[str], a_in_series: bool, b_in_series: bool
) -> bool:
    """Whether an `edited` pair (one substituted word more than the guard allows) is one story.

    An editor's one-word change and a templated report's one-slot change look the same; what
    tells them apart is around the pair. Reposts cross outlets, while one outlet publishing two
    texts a word apart is running a series: the two sides' clusters must share no outlet. And
    a series has siblings: a text with another near-identical neighbour that the guard parted
    from it (outside the pair's own clusters) belongs to one. Kept only when neither has one.
    """
    return set(outlets_a).isdisjoint(outlets_b) and not a_in_series and not b_in_series


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

    Order: what a member names as its source (an outlet it credits, or the article its
    rel=canonical declares as the original), then configured outlets over unknown hosts, then
    the earliest publication time, then the first fetched, then the id (so the choice is
    stable).
    """
    credited = credited_outlets(members, settings)
    declared = {article_id(m.declared_original) for m in members if m.declared_original}
    configured = {o.name for o in settings.outlets}

    def rank(a: Article) -> tuple[int, int, datetime, datetime, str]:
        return (
            0 if a.outlet in credited or a.id in declared else 1,
            0 if a.outlet in configured else 1,
            _parse_time(a.published),
            _parse_time(a.fetched_at),
            a.id,
        )

    return min(members, key=rank)


class Deduper:
    """Finds the cluster a new article belongs to, against everything in the store.

    `decide(article)` before storing, `index(article)` after: the second makes the article a
    candidate for later ones and settles its cluster (a new canonical, or clusters the article
    joins together: a story whose reposts were found before its original).
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
        self._pending: dict[str, _Pending] = {}

    def decide(self, article: Article) -> DedupDecision:
        """The cluster of `article`: an exact, linked or verified near copy's, or its own."""
        matches = self._exact(article) or self._linked(article, self._near(article))
        if not matches:
            return DedupDecision(cluster=article.id)
        clusters = {o.cluster or o.id for o, _ in matches}
        members = self._members(clusters, [o for o, _ in matches], exclude=article.id)
        canonical = choose_canonical([*members, article], self.settings)
        by_id = {o.id: m for o, m in matches}
        # `index` settles the recorded members (an article stored before clusters were
        # recorded has none to rewrite).
        recorded = tuple(m for m in members if m.cluster in clusters)
        self._pending[article.id] = _Pending(canonical.id, clusters, by_id, recorded)
        if canonical.id == article.id:
            return DedupDecision(cluster=canonical.id)
        best = by_id.get(canonical.id, matches[0][1])
        return DedupDecision(canonical.id, canonical.id, best.similarity, best.method)

    def _members(
        self, clusters: set[str], matched: list[Article], *, exclude: str
    ) -> list[Article]:
        found = {m.id: m for c in sorted(clusters) for m in self.store.cluster_members(c)}
        for other in matched:  # an article stored before clusters were recorded
            found.setdefault(other.id, other)
        found.pop(exclude, None)
        return list(found.values())

    def _exact(self, article: Article) -> list[tuple[Article, Match]]:
        first = self.store.first_with_sha256(article.sha256, exclude_id=article.id)
        return [(first, Match("exact", 1.0))] if first is not None else []

    def _linked(
        self, article: Article, near: list[tuple[Article, Match]]
    ) -> list[tuple[Article, Match]]:
        """`near` plus the articles a cross-site rel=canonical links to `article`, either way
        round ("url": the page names its original, or the original arrives after its copies),
        when their texts overlap enough to show the link is not a misconfigured page's."""
        ids = linked_to(self.store.conn, article.id)
        if article.declared_original:
            ids.append(article_id(article.declared_original))
        ids = [i for i in dict.fromkeys(ids) if i != article.id]
        if not ids:
            return near
        fp = self._fingerprints.get(article.id)
        tokens = fp.tokens if fp is not None else tokenize(article.text)
        linked: list[tuple[Article, Match]] = []
        for other in self.store.get_many(ids).values():
            share = shingle_overlap(tokens, tokenize(other.text))
            if share >= self.dedup.url_min_overlap:
                linked.append((other, Match("url", round(share, 4))))
        found = {other.id for other, _ in linked}
        return linked + [(other, match) for other, match in near if other.id not in found]

    def _near(self, article: Article) -> list[tuple[Article, Match]]:
        """Verified near copies among the candidates, most similar first."""
        if not self.dedup.near:
            return []
        fp = self.fingerprinter.fingerprint(article.text)
        self._fingerprints[article.id] = fp
        ids = self.candidates(fp, exclude=article.id)
        if not ids:
            return []
        # One verified member per cluster is enough (and keeps big clusters cheap): each
        # cluster's candidates are tried in order until one verifies.
        records = self.store.get_many(ids, with_text=False)
        queues: dict[str, list[str]] = {}
        for other_id in ids:
            if other_id in records:
                other = records[other_id]
                queues.setdefault(other.cluster or other.id, []).append(other_id)
        firsts = self.store.get_many([queue[0] for queue in queues.values()])  # all verified
        rank = {other_id: i for i, other_id in enumerate(ids)}
        found: list[tuple[int, Article, Match]] = []
        edited: dict[str, tuple[Article, Match]] = {}  # by cluster: a match one word short
        series: set[str] = set()  # clusters holding a sibling (see `edit_allowed`)
        for cluster, queue in queues.items():
            for other_id in queue:
                full = firsts.get(other_id) or self.store.get(other_id)
                if full is None:
                    continue
                verdict = assess(fp.tokens, tokenize(full.text), self.rules)
                if verdict.match is not None:
                    found.append((rank[other_id], full, verdict.match))
                    series.discard(cluster)
                    break
                if verdict.sibling:
                    series.add(cluster)
                if verdict.edited is not None:
                    edited.setdefault(cluster, (full, verdict.edited))
        if not found and len(edited) == 1:
            cluster, (other, match) = next(iter(edited.items()))
            if edit_allowed(
                {article.outlet},
                {other.outlet, *(m.outlet for m in self.store.cluster_members(cluster))},
                bool(series - {cluster}),
                self._in_series(other, exclude=article.id),
            ):
                found.append((rank[other.id], other, match))
        found.sort(key=lambda hit: (-hit[2].similarity, hit[0]))
        return [(other, match) for _, other, match in found]

    def _in_series(self, article: Article, *, exclude: str) -> bool:
        """Whether an indexed article has a sibling outside its own cluster (see `assess`)."""
        fp = self.fingerprinter.fingerprint(article.text)
        ids = [i for i in self.candidates(fp, exclude=article.id) if i != exclude]
        own = article.cluster or article.id
        for other in self.store.get_many(ids).values():
            if (other.cluster or other.id) != own and assess(
                fp.tokens, tokenize(other.text), self.rules
            ).sibling:
                return True
        return False

    def candidates(self, fp: Fingerprint, *, exclude: str | None = None) -> list[str]:
        """Ids of indexed articles worth verifying against `fp`, most shared keys first."""
        found = self.near_index.candidates(fp, limit=self.dedup.max_candidates, exclude=exclude)
        return [c.article_id for c in found if c.band_hits >= MIN_BAND_HITS or c.window_hits]

    def index(self, article: Article) -> None:
        """Make a stored article a candidate for later ones; settle its cluster."""
        fp = self._fingerprints.pop(article.id, None)
        pending = self._pending.pop(article.id, None)
        if self.dedup.near and article.dedup_method != "exact":
            # Exact copies add no new text; indexing them would only fill buckets.
            self.near_index.add(article.id, fp or self.fingerprinter.fingerprint(article.text))
        original = article.declared_original
        record_link(self.store.conn, article.id, article_id(original) if original else None)
        if pending is not None:
            # The canonical may have changed (an earlier original, a newly credited outlet) or
            # clusters may have joined; only records whose fields change are rewritten.
            self._settle(article, pending)

    def _settle(self, article: Article, pending: _Pending) -> None:
        """Point every member of the joined clusters at one label and one canonical."""
        if _settled(pending):  # the usual case: a copy joining a cluster whose canonical stays
            return
        canonical_id = pending.canonical
        canonical_tokens: tuple[str, ...] | None = None
        with self.store.transaction():
            for member in pending.members:
                if member.id == canonical_id:
                    if member.cluster != canonical_id or member.duplicate_of is not None:
                        self.store.update_dedup(
                            member.id,
                            cluster=canonical_id,
                            duplicate_of=None,
                            similarity=None,
                            method=None,
                        )
                    continue
                similarity, method = member.similarity, member.dedup_method
                direct = pending.matches.get(member.id) if canonical_id == article.id else None
                if direct is not None:  # the new canonical matched it: that is how it relates
                    similarity, method = direct.similarity, direct.method
                elif method is None:  # a former canonical: measure it against the new one
                    if canonical_tokens is None:
                        canonical = self.store.get(canonical_id)
                        canonical_tokens = tokenize(canonical.text) if canonical else ()
                    full = self.store.get(member.id)
                    match = (
                        compare(tokenize(full.text), canonical_tokens, self.rules) if full else None
                    )
                    # Not similar enough directly: it is in the cluster through another member.
                    match = match or next(iter(pending.matches.values()))
                    similarity, method = match.similarity, match.method
                if (
                    member.cluster,
                    member.duplicate_of,
                    member.dedup_method,
                    member.similarity,
                ) != (canonical_id, canonical_id, method, similarity):
                    self.store.update_dedup(
                        member.id,
                        cluster=canonical_id,
                        duplicate_of=canonical_id,
                        similarity=similarity,
                        method=method,
                    )


@dataclass(frozen=True)
class _Pending:
    """What `decide` found, kept for `index` (which runs once the article is stored)."""

    canonical: str  # the canonical member's id: also the label the article's cluster gets
    clusters: set[str]  # every cluster it matched (more than one: they merge)
    matches: dict[str, Match]  # verified matches by article id
    members: tuple[Article, ...]  # the recorded members of those clusters, without the article


def _settled(pending: _Pending) -> bool:
    """Whether `_settle` would rewrite nothing: one cluster, already labelled by the canonical,
    the canonical pointing nowhere and every other member at it with a method."""
    if len(pending.clusters) != 1:
        return False
    label = pending.canonical
    for member in pending.members:
        if member.cluster != label:
            return False
        if member.id == label:
            if member.duplicate_of is not None:
                return False
        elif member.duplicate_of != label or member.dedup_method is None:
            return False
    return True

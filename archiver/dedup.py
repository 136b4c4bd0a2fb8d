"""Deciding whether a new article repeats one already archived, and which cluster it joins.

Three layers: exact copies (the same normalized-text hash under another URL), copies linked by
a rel=canonical naming another site ("url", when the texts overlap), and near copies
(fingerprint candidates from the LSH index in the archive, verified with rapidfuzz: "near" for
similar-length copies, "contained" for wrapped or truncated reposts; a copy one substituted
word past the template guard counts only under `edit_allowed`). A cluster is labelled
with its canonical member's id (the record contract: `cluster` is the canonical article's id),
chosen by `choose_canonical`; when a later article should be canonical (an earlier original
found after its reposts) every member is rewritten to point at it and to carry its id, so
clusters are relabelled but never split silently. When a stored article's text is replaced
(its page changed), the rest of its old cluster is re-clustered without it (`Deduper._regroup`)
before the new text is decided, so members that were in only through its old text leave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from archiver.config import DedupSettings, Settings
from archiver.fingerprint import Fingerprint, Fingerprinter, FingerprintParams, tokenize
from archiver.lsh_index import NearIndex, linked_to, record_link
from archiver.models import Article
from archiver.normalize import fold
from archiver.store import Store
from archiver.urls import article_id
from archiver.verify import Match, VerifyRules, assess, compare, shingle_overlap

if TYPE_CHECKING:
    from archiver.dedup_rebuild import DisjointSet, Edge

# A pair sharing fewer LSH bands than this (and no window) has an estimated Jaccard far below
# what a near copy needs; verifying it would only cost time.
MIN_BAND_HITS = 3
_NEVER = datetime.max.replace(tzinfo=UTC)

# An article's dedup fields: cluster, duplicate_of, similarity, dedup_method.
Target = tuple[str | None, str | None, float | None, str | None]


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
        self._regroups: dict[str, _Regroup] = {}
        # While a replaced article's new text is decided: its old cluster's other members with
        # the fields planned for them without it (see `_seen`), and its id.
        self._view: dict[str, Article] = {}
        self._replacing: str | None = None

    def decide(self, article: Article) -> DedupDecision:
        """The cluster of `article`: an exact, linked or verified near copy's, or its own.

        An article whose stored text it replaces is decided afresh from the new text, against
        its old cluster as re-clustered without it (`_regroup`); `index` writes the changes.
        """
        self._pending.pop(article.id, None)  # left by a decision whose article was not stored
        self._regroups.pop(article.id, None)
        regroup = self._regroup(article)
        if regroup is None:
            return self._decide(article)
        self._regroups[article.id] = regroup
        self._view, self._replacing = regroup.planned, article.id
        try:
            return self._decide(article)
        finally:
            self._view, self._replacing = {}, None

    def _decide(self, article: Article) -> DedupDecision:
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
        found = {m.id: m for c in sorted(clusters) for m in self._cluster_members(c)}
        for other in matched:  # an article stored before clusters were recorded
            found.setdefault(other.id, other)
        found.pop(exclude, None)
        return list(found.values())

    def _exact(self, article: Article) -> list[tuple[Article, Match]]:
        first = self.store.first_with_sha256(article.sha256, exclude_id=article.id)
        return [(self._seen(first), Match("exact", 1.0))] if first is not None else []

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
                linked.append((self._seen(other), Match("url", round(share, 4))))
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
                other = self._seen(records[other_id])
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
                full = self._seen(full)
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
                {other.outlet, *(m.outlet for m in self._cluster_members(cluster))},
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
        for other in map(self._seen, self.store.get_many(ids).values()):
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
        regroup = self._regroups.pop(article.id, None)
        with self.store.transaction() if regroup else nullcontext():
            if regroup is not None and regroup.old_keys is not None:
                # First: the new text may share keys with the old one.
                self.near_index.remove(article.id, regroup.old_keys)
            if self.dedup.near and article.dedup_method != "exact":
                # Exact copies add no new text; indexing them would only fill buckets.
                self.near_index.add(article.id, fp or self.fingerprinter.fingerprint(article.text))
            original = article.declared_original
            record_link(self.store.conn, article.id, article_id(original) if original else None)
            if pending is not None or regroup is not None:
                # The canonical may have changed (an earlier original, a newly credited outlet),
                # clusters may have joined, or a replaced text's old cluster regrouped; only
                # records whose fields change are rewritten.
                self._settle(article, pending, regroup)

    def _settle(self, article: Article, pending: _Pending | None, regroup: _Regroup | None) -> None:
        """Point every member of the joined clusters at one label and one canonical, and give
        the rest of a replaced text's old cluster the fields planned for it."""
        if regroup is None and (pending is None or _settled(pending)):
            return  # the usual case: a copy joining a cluster whose canonical stays
        targets = {i: _fields(m) for i, m in regroup.planned.items()} if regroup else {}
        current = dict(regroup.stored) if regroup else {}
        if pending is not None:
            for member in pending.members:
                current.setdefault(member.id, _fields(member))
            targets.update(self._joined(article, pending, regroup))
        changed = {i: target for i, target in targets.items() if target != current[i]}
        if not changed:
            return
        with self.store.transaction():
            for member_id, (cluster, duplicate_of, similarity, method) in changed.items():
                self.store.update_dedup(
                    member_id,
                    cluster=cluster,
                    duplicate_of=duplicate_of,
                    similarity=similarity,
                    method=method,
                )

    def _joined(
        self, article: Article, pending: _Pending, regroup: _Regroup | None
    ) -> dict[str, Target]:
        """The fields of every member of the clusters `article` joined, under one canonical."""
        canonical_id = pending.canonical
        regrouped = regroup.planned if regroup else {}
        canonical: Article | None = None
        canonical_tokens: tuple[str, ...] = ()
        targets: dict[str, Target] = {}
        for member in pending.members:
            if member.id == canonical_id:
                targets[member.id] = (canonical_id, None, None, None)
                continue
            similarity, method = member.similarity, member.dedup_method
            direct = pending.matches.get(member.id) if canonical_id == article.id else None
            if direct is not None:  # the new canonical matched it: that is how it relates
                similarity, method = direct.similarity, direct.method
            elif method is None or (member.id in regrouped and member.duplicate_of != canonical_id):
                # A former canonical, or a member of a replaced text's old cluster measured
                # against another canonical: measure it against the new one.
                if canonical is None:
                    canonical = self.store.get(canonical_id)
                    canonical_tokens = tokenize(canonical.text) if canonical else ()
                match = self._measure(member, canonical, canonical_tokens)
                if match is None and method is None:
                    # Not similar enough directly: it is in the cluster through another
                    # member, so its label is its own match with one (as a rebuild measures).
                    match = self._through_member(member, pending)
                if match is not None:
                    similarity, method = match.similarity, match.method
            targets[member.id] = (canonical_id, canonical_id, similarity, method)
        return targets

    def _through_member(self, member: Article, pending: _Pending) -> Match | None:
        """The best match of `member` with another member (those the new article matched
        first, then its old cluster's, a bounded few); failing any, the weakest of the new
        article's own matches (the chain's weakest link)."""
        best: Match | None = None
        full = self.store.get(member.id)
        member_tokens = tokenize(full.text) if full else ()
        others = [*pending.matches, *(m.id for m in pending.members if m.cluster == member.cluster)]
        for other_id in list(dict.fromkeys(others))[:_LABEL_CANDIDATES]:
            other = self.store.get(other_id) if full and other_id != member.id else None
            if other is None:
                continue
            match = self._measure(member, other, tokenize(other.text), member_tokens)
            if match is not None and (best is None or match.similarity > best.similarity):
                best = match
        if best is None and pending.matches:
            best = min(pending.matches.values(), key=lambda m: m.similarity)
        return best

    def _measure(
        self,
        member: Article,
        canonical: Article | None,
        tokens: tuple[str, ...],
        member_tokens: tuple[str, ...] | None = None,
    ) -> Match | None:
        """How `member` matches the canonical directly, if it does (`member_tokens`: its text's
        tokens, when the caller has them already)."""
        if canonical is not None and member.sha256 == canonical.sha256:
            return Match("exact", 1.0)
        if member_tokens is None:
            full = self.store.get(member.id)
            if full is None:
                return None
            member_tokens = tokenize(full.text)
        return compare(member_tokens, tokens, self.rules)

    # -- a replaced text -------------------------------------------------------------------

    def _regroup(self, article: Article) -> _Regroup | None:
        """For an article replacing a stored text: the other members of its old cluster,
        clustered among themselves as `dedup --rebuild` would (members that were in only
        through the old text leave), and the old text's fingerprint, whose index keys go.
        None for a new article or an unchanged text."""
        previous = self.store.get(article.id, with_text=self.dedup.near)
        if previous is None or previous.sha256 == article.sha256:
            return None
        old_keys = (
            self.fingerprinter.fingerprint(previous.text, with_tokens=False)
            if self.dedup.near
            else None
        )
        label = previous.cluster
        others = [m.id for m in self.store.cluster_members(label)] if label else []
        found = self.store.get_many([i for i in others if i != article.id])
        members = [found[i] for i in others if i in found]
        plan = self._plan(members, exclude=article.id)
        planned = {
            m.id: replace(
                m,
                cluster=plan[m.id][0],
                duplicate_of=plan[m.id][1],
                similarity=plan[m.id][2],
                dedup_method=plan[m.id][3],
            )
            for m in members
        }
        return _Regroup(old_keys, planned, {m.id: _fields(m) for m in members})

    def _plan(self, members: list[Article], *, exclude: str) -> Mapping[str, Target]:
        """Dedup fields for `members` (with their texts) clustered among themselves alone, by
        the rebuild's rules (`dedup_rebuild.plan_clusters`): exact groups, cross-site links,
        verified pairs, a canonical per cluster, each copy's shortest path to it."""
        from archiver.dedup_rebuild import plan_clusters  # which imports this module

        firsts: dict[str, int] = {}
        group = [firsts.setdefault(m.sha256, i) for i, m in enumerate(members)]
        tokens = {i: tokenize(members[i].text) for i in sorted(set(group))}
        edges = self._edges(members, group, tokens, exclude=exclude)
        by_id = {m.id: m for m in members}
        return plan_clusters(
            [m.id for m in members],
            group,
            edges,
            lambda ids: [by_id[i] for i in ids],
            self.settings,
        )

    def _edges(
        self,
        members: list[Article],
        group: list[int],
        tokens: dict[int, tuple[str, ...]],
        *,
        exclude: str,
    ) -> list[Edge]:
        """Verified pairs among the exact-group representatives (`tokens` keys), as rebuild
        finds them; every copy is also measured against its cluster's canonical, so its
        similarity is the direct one whenever it matches it."""
        from archiver.dedup_rebuild import DisjointSet, Edge

        joined = DisjointSet(len(members))
        for i, rep in enumerate(group):
            joined.union(i, rep)
        edges: list[Edge] = []
        position = {m.id: i for i, m in enumerate(members)}
        for i, member in enumerate(members):  # a cross-site rel=canonical, as `_linked`
            original = article_id(member.declared_original) if member.declared_original else None
            j = position.get(original) if original else None
            if j is not None and group[i] != group[j]:
                share = shingle_overlap(tokens[group[i]], tokens[group[j]])
                if share >= self.dedup.url_min_overlap:
                    edges.append(Edge(group[i], group[j], "url", round(share, 4)))
                    joined.union(group[i], group[j])
        if not self.dedup.near:
            return edges
        reps = sorted(tokens)
        edited: list[Edge] = []
        for x, a in enumerate(reps):
            for b in reps[x + 1 :]:
                if joined.find(a) == joined.find(b):
                    continue
                verdict = assess(tokens[a], tokens[b], self.rules)
                if verdict.match is not None:
                    edges.append(Edge(a, b, verdict.match.method, verdict.match.similarity))
                    joined.union(a, b)
                elif verdict.edited is not None:
                    edited.append(Edge(a, b, verdict.edited.method, verdict.edited.similarity))
        for edge in edited:  # judged as `_near` does, with the clusters found so far
            first, second = members[edge.a], members[edge.b]
            if joined.find(edge.a) != joined.find(edge.b) and edit_allowed(
                {m.outlet for k, m in enumerate(members) if joined.find(k) == joined.find(edge.a)},
                {m.outlet for k, m in enumerate(members) if joined.find(k) == joined.find(edge.b)},
                self._in_series(first, exclude=exclude),
                self._in_series(second, exclude=exclude),
            ):
                edges.append(edge)
                joined.union(edge.a, edge.b)
        return edges + self._direct_edges(members, group, tokens, joined, edges)

    def _direct_edges(
        self,
        members: list[Article],
        group: list[int],
        tokens: dict[int, tuple[str, ...]],
        joined: DisjointSet,
        edges: list[Edge],
    ) -> list[Edge]:
        """Each representative verified against its cluster's canonical, where not yet."""
        from archiver.dedup_rebuild import Edge

        parts: dict[int, list[int]] = {}
        for i in range(len(members)):
            parts.setdefault(joined.find(i), []).append(i)
        done = {(e.a, e.b) for e in edges} | {(e.b, e.a) for e in edges}
        found: list[Edge] = []
        for part in parts.values():
            reps = [i for i in part if group[i] == i]
            if len(reps) < 3:
                continue  # two representatives: the edge joining them is the direct one
            canonical = choose_canonical([members[i] for i in part], self.settings)
            c = group[next(i for i in part if members[i].id == canonical.id)]
            for rep in reps:
                if rep != c and (rep, c) not in done:
                    match = compare(tokens[rep], tokens[c], self.rules)
                    if match is not None:
                        found.append(Edge(rep, c, match.method, match.similarity))
        return found

    def _seen(self, other: Article) -> Article:
        """`other` as the replaced text being decided sees it: a member of its old cluster
        carries the fields planned for it without the old text."""
        planned = self._view.get(other.id)
        if planned is None:
            return other
        return replace(
            other,
            cluster=planned.cluster,
            duplicate_of=planned.duplicate_of,
            similarity=planned.similarity,
            dedup_method=planned.dedup_method,
        )

    def _cluster_members(self, cluster: str) -> list[Article]:
        """The members of a cluster (records without text), as `_seen` shows them."""
        members = self.store.cluster_members(cluster)
        if not self._view:
            return members
        kept = [m for m in members if m.id not in self._view and m.id != self._replacing]
        return kept + [p for p in self._view.values() if p.cluster == cluster]


@dataclass(frozen=True)
class _Regroup:
    """What `decide` found for an article whose stored text it replaces, kept for `index`."""

    old_keys: Fingerprint | None  # the old text's (index keys to remove), when near is on
    planned: dict[str, Article]  # the old cluster's other members, with their planned fields
    stored: dict[str, Target]  # and with the fields the index holds now


# Members measured to label a former canonical that is no copy of the new one (a rare path:
# each costs a verification).
_LABEL_CANDIDATES = 20


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


def _fields(article: Article) -> Target:
    return article.cluster, article.duplicate_of, article.similarity, article.dedup_method

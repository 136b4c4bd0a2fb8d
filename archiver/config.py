"""Settings: built-in defaults, one frozen dataclass per TOML section, and a strict loader.

The defaults below are the single source of truth; `config.example.toml` mirrors them and a test
proves that loading it yields exactly `Settings()` plus its outlets. Unknown keys, wrong types
and bad regexes raise `ConfigError` naming the file, the key and the problem.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.errors import ConfigError


@dataclass(frozen=True)
class ArchiveSettings:
    """Where the archive lives."""

    path: str = ""  # empty: $ARCHIVER_HOME, else the user data dir
    # fsync each article's WARC record and files before indexing it: survives power loss, not
    # only a killed process (atomic renames and SQLite's WAL already make kill -9 safe).
    fsync: bool = True


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how hard to fetch."""

    user_agent: str = "archiver/0.1 (+https://github.com/syria-archiver/archiver)"
    concurrency: int = 16  # requests in flight, all hosts together
    per_host_concurrency: int = 2  # requests in flight to one host (host:port)
    delay: float = 1.0  # seconds between the starts of two requests to one host
    timeout: float = 30.0
    retries: int = 3  # attempts after the first
    max_bytes: int = 10_000_000  # cap on a body after decompression
    respect_robots: bool = True
    # "h11": lean keep-alive pools (a quarter of httpx's CPU per page); "httpx": an httpx
    # client per host. A proxy always goes through httpx.
    engine: str = "h11"
    proxy: str = ""  # http:// or https:// proxy URL for every request ("": none)


@dataclass(frozen=True)
class DedupSettings:
    """Near-duplicate detection: fingerprint shape, candidate limits, verification thresholds."""

    near: bool = True  # false: exact copies only
    num_perm: int = 128  # MinHash values per article
    bands: int = 32  # LSH bands (num_perm / bands values each)
    window_divisor: int = 32  # mean distance between content-defined windows, in word 3-grams
    window_length: int = 16  # word 3-grams per window
    max_bucket: int = 64  # keys shared by more articles are boilerplate, not evidence
    max_candidates: int = 20  # candidates verified per new article, most shared keys first
    near_threshold: float = 0.9  # fuzz.ratio of similar-length texts
    length_ratio: float = 0.8  # shorter/longer word count for the similar-length test
    contained_threshold: float = 0.9  # fuzz.ratio of the aligned part of a shorter text
    min_coverage: float = 0.5  # share of the shorter text that must align
    min_tokens: int = 20  # shorter texts match only as whole-text near copies
    max_word_edits_per_1000: float = 3.0  # substituted words a repost may have (per 1000)
    number_guard: bool = True  # a number (or number word) changed, added or dropped: another report
    cross_outlet_word_edits: int = 1  # more words a repost on another outlet may change
    url_min_overlap: float = 0.5  # word 3-grams a declared original must share (the shorter's)
    workers: int = 0  # processes for `dedup --rebuild` (0: all cores)


@dataclass(frozen=True)
class CrawlSettings:
    """How far `archiver crawl` looks for articles, and how often it retries them."""

    pagination_depth: int = 0  # listing pages followed after each start URL (backfills)
    sitemap_depth: int = 2  # levels of sitemap indexes followed below a sitemap
    max_sitemaps: int = 50  # sitemaps read per outlet and run
    max_attempts: int = 3  # runs that may try a failing article before it is given up
    workers: int = 0  # extraction processes (0: one per core)


@dataclass(frozen=True)
class Outlet:
    """One news outlet: where to find its articles and how to clean them."""

    name: str
    url: str
    label: str = ""
    language: str = ""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: str = ""
    boilerplate: tuple[str, ...] = ()
    drop_selectors: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # more hosts (host or host:port) that belong to this outlet
    aliases: tuple[str, ...] = ()  # names other sites credit it by ("SANA", "سانا")

    @property
    def host(self) -> str:
        """The outlet's own host (with port when one is given)."""
        return urlsplit(self.url).netloc.lower()

    def all_hosts(self) -> frozenset[str]:
        """Every host that belongs to the outlet: its own and the configured extra ones."""
        return frozenset({self.host, *(h.lower() for h in self.hosts)})

    def owns(self, url: str) -> bool:
        """Whether `url` is http(s) on one of the outlet's hosts (`www.` or not, any case, with
        or without the root's trailing dot); links elsewhere are never fetched for it."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host, hosts = parts.netloc.lower(), self.all_hosts()
        return host in hosts or self._bare(host) in {self._bare(h) for h in hosts}

    @staticmethod
    def _bare(host: str) -> str:
        return host.rstrip(".").removeprefix("www.")


@dataclass(frozen=True)
class Settings:
    """Everything configurable; `source` is the file it was read from, if any."""

    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    outlets: tuple[Outlet, ...] = ()
    source: Path | None = field(default=None, compare=False)

    def outlet_named(self, name: str) -> Outlet | None:
        """The configured outlet with this name, or None."""
        return next((o for o in self.outlets if o.name == name), None)

    def outlet_for_url(self, url: str) -> Outlet | None:
        """The outlet that owns the URL (`Outlet.owns`), or None.

        Several outlets may share a host, one language under a path of the other's
        (sana.sy/en/ and sana.sy/): the one whose home page path is the longest prefix of the
        URL's path wins, then the first configured."""
        path = urlsplit(url).path or "/"
        best: Outlet | None = None
        best_length = -1
        for outlet in self.outlets:
            if not outlet.owns(url):
                continue
            home = urlsplit(outlet.url).path or "/"
            length = len(home) if path.startswith(home) or path == home.rstrip("/") else -1
            if best is None or length > best_length:
                best, best_length = outlet, length
        return best


# Sections that hold one table each; `outlets` is an array of tables handled apart.
_SECTIONS: dict[str, type[Any]] = {
    "archive": ArchiveSettings,
    "fetch": FetchSettings,
    "dedup": DedupSettings,
    "crawl": CrawlSettings,
}


def load_settings(path: Path | None) -> Settings:
    """Read a TOML config file (None: built-in defaults) into validated `Settings`."""
    if path is None:
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return settings_from_dict(raw, path)


def settings_from_dict(raw: dict[str, Any], path: Path | None = None) -> Settings:
    """Validate a parsed TOML document and build `Settings` from it."""
    where = str(path) if path else "<config>"
    _reject_unknown(raw, [*_SECTIONS, "outlets"], where, "")
    values: dict[str, Any] = {}
    for section, cls in _SECTIONS.items():
        table = raw.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        values[section] = _build(cls, table, where, section)
    values["outlets"] = _build_outlets(raw.get("outlets", []), where)
    for key in ("timeout", "max_bytes", "concurrency", "per_host_concurrency"):
        if getattr(values["fetch"], key) <= 0:  # zero would fail or stall every request
            raise ConfigError(f"{where}: fetch.{key} must be greater than 0")
    if values["fetch"].engine not in ("h11", "httpx"):
        raise ConfigError(f'{where}: fetch.engine must be "h11" or "httpx"')
    if values["fetch"].proxy:
        _check_url(values["fetch"].proxy, where, "fetch.proxy")
    agent = values["fetch"].user_agent
    # Sent as an HTTP header: visible ASCII and spaces only (non-ASCII cannot be encoded, and a
    # line break would inject headers).
    if not agent.strip() or not all(" " <= c <= "~" for c in agent):
        raise ConfigError(
            f"{where}: fetch.user_agent must be non-empty printable ASCII, not {agent!r}"
        )
    return Settings(**values, source=path)


def _build_outlets(items: Any, where: str) -> tuple[Outlet, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{where}: outlets must be an array of tables ([[outlets]])")
    outlets: list[Outlet] = []
    seen: set[str] = set()
    for index, table in enumerate(items):
        key = f"outlets[{index}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: {key} must be a table")
        outlet = _build(Outlet, table, where, key)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", outlet.name):
            raise ConfigError(
                f"{where}: {key}.name {outlet.name!r} must be lowercase letters, digits, - or _"
            )
        if outlet.name in seen:
            raise ConfigError(f"{where}: {key}.name {outlet.name!r} is used twice")
        seen.add(outlet.name)
        _check_url(outlet.url, where, f"{key}.url")
        for list_key in ("feeds", "sitemaps", "start_urls"):
            for url in getattr(outlet, list_key):
                _check_url(url, where, f"{key}.{list_key}")
        _check_regex(outlet.article_pattern, where, f"{key}.article_pattern")
        outlets.append(outlet)
    return tuple(outlets)


def _build(cls: type[Any], table: dict[str, Any], where: str, section: str) -> Any:
    """Build dataclass `cls` from `table`, checking names, presence and types."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    _reject_unknown(table, list(fields), where, section + ".")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for name, fld in fields.items():
        key = f"{section}.{name}"
        if name not in table:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{where}: {key} is required")
            continue
        kwargs[name] = _coerce(table[name], hints[name], where, key)
    return cls(**kwargs)


def _coerce(value: Any, hint: Any, where: str, key: str) -> Any:
    """Check `value` against a field type and convert TOML lists to tuples."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        item_type = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list, not {_toml_type(value)}")
        return tuple(_coerce(item, item_type, where, f"{key}[{i}]") for i, item in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _coerce(value, options[0], where, key)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false, not {_toml_type(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be an integer, not {_toml_type(value)}")
        if value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: {key} must be a number, not {_toml_type(value)}")
        if value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string, not {_toml_type(value)}")
        return value
    raise ConfigError(f"{where}: {key} has an unsupported type")  # pragma: no cover


def _reject_unknown(table: dict[str, Any], known: list[str], where: str, prefix: str) -> None:
    for name in table:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {prefix}{close[0]}?" if close else ""
            raise ConfigError(f"{where}: unknown key {prefix}{name}{hint}")


def _check_regex(pattern: str, where: str, key: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: {key} is not a valid regex: {exc}") from None


def _check_url(url: str, where: str, key: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: {key} {url!r} is not an http(s) URL")


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)

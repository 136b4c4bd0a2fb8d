"""A local news-site farm for bench/crawl_bench.py: N hosts (one port each), fixed latency.

Run in its own process so the client's CPU figures are the client's alone:
    python bench/crawl_server.py --hosts 32 --articles 3000 --latency 0.05
prints one JSON line {"ports": [...]} once listening. Each host serves /robots.txt (with a
Sitemap: line), /sitemap.xml (its share of the articles) and /news/<n>.html (a fictional
article, Arabic on even hosts, English on odd ones). Raw asyncio HTTP/1.1 with keep-alive: the
server must not be the bottleneck at 128 connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys

_AR_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_EN_SYLLABLES = "ka lo mi ne ra su te vo da fi ga hu ja be co re an el is or".split()


def _vocabulary(arabic: bool, size: int = 3000) -> list[str]:
    """Deterministic pseudo-words: a news-sized vocabulary, so articles do not look alike."""
    rng = random.Random(1 if arabic else 2)
    if arabic:
        return [
            "".join(rng.choice(_AR_LETTERS) for _ in range(rng.randint(3, 7))) for _ in range(size)
        ]
    return [
        "".join(rng.choice(_EN_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(size)
    ]


_WORDS = {True: _vocabulary(True), False: _vocabulary(False)}


def article_html(host: int, n: int, articles: int) -> bytes:
    """A deterministic fictional article page shaped like a real one (~100 KB, median of the
    scrapinghub pages is 114 KB): ~900 words of text inside menus, sidebars, scripts, footer;
    its related links point at other articles among the farm's `articles`."""
    rng = random.Random(n)
    arabic = host % 2 == 0
    words = _WORDS[arabic]

    def sentence(length: int) -> str:
        return " ".join(rng.choice(words) for _ in range(length))

    paragraphs = "".join(f"<p>{sentence(rng.randint(50, 90))}.</p>\n" for _ in range(12))
    nav = "".join(
        f'<li class="menu-item"><a href="/s/{i}/" title="{sentence(2)}">{sentence(2)}</a></li>'
        for i in range(250)
    )
    related = "".join(
        f'<li class="related"><a href="/news/{(n + i * 7) % articles}.html">{sentence(9)}</a>'
        f'<span class="date">2024-03-{1 + i % 28:02d}</span></li>'
        for i in range(40)
    )
    script = "var cfg=" + ",".join(f'"{sentence(3)}"' for _ in range(1200)) + ";"
    footer = "".join(f'<a href="/page/{i}">{sentence(2)}</a> ' for i in range(120))
    lang = "ar" if arabic else "en"
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{sentence(8)}</title><script>{script}</script>"
        f'<meta property="article:published_time" content="2024-03-{1 + n % 28:02d}T10:00:00Z">'
        f'</head><body><header><nav><ul class="menu">{nav}</ul></nav></header>'
        f'<div class="wrap"><main><article><h1>{sentence(8)}</h1>'
        f'<div class="byline">{sentence(3)}</div>{paragraphs}</article></main>'
        f"<aside><h3>{sentence(2)}</h3><ul>{related}</ul></aside></div>"
        f"<footer>{footer}<p>Fictional bench outlet {host}</p></footer></body></html>"
    )
    return page.encode("utf-8")


class Farm:
    def __init__(self, hosts: int, articles: int, latency: float) -> None:
        self.hosts, self.articles, self.latency = hosts, articles, latency
        self.ports: list[int] = []
        self.responses: dict[tuple[int, str], bytes] = {}

    def host_articles(self, host: int) -> range:
        return range(host, self.articles, self.hosts)

    def route(self, host: int, path: str) -> tuple[int, str, bytes]:
        port = self.ports[host]
        if path == "/robots.txt":
            body = f"User-agent: *\nAllow: /\nSitemap: http://127.0.0.1:{port}/sitemap.xml\n"
            return 200, "text/plain", body.encode()
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>http://127.0.0.1:{port}/news/{n}.html</loc>"
                f"<lastmod>2024-03-{1 + n % 28:02d}</lastmod></url>"
                for n in self.host_articles(host)
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            )
            return 200, "application/xml", body.encode()
        if path.startswith("/news/") and path.endswith(".html"):
            try:
                n = int(path[6:-5])
            except ValueError:
                n = -1
            if 0 <= n < self.articles and n % self.hosts == host:  # `response` caches it
                return 200, "text/html; charset=utf-8", article_html(host, n, self.articles)
        return 404, "text/plain", b"not found"

    async def run(self) -> None:
        servers = []
        loop = asyncio.get_running_loop()
        for host in range(self.hosts):
            server = await loop.create_server(
                lambda h=host: _Protocol(self, h), "127.0.0.1", 0, backlog=1024
            )
            servers.append(server)
            self.ports.append(server.sockets[0].getsockname()[1])
        for host in range(self.hosts):  # build every response now, not while timed
            for n in self.host_articles(host):
                self.response(host, f"/news/{n}.html")
        print(json.dumps({"ports": self.ports}), flush=True)
        # Stop when the parent closes our stdin (or dies).
        await loop.run_in_executor(None, sys.stdin.read)
        os._exit(0)  # no graceful close: open keep-alive handlers would only make noise

    def response(self, host: int, path: str) -> bytes:
        """The whole HTTP response for a path (cached: the server must stay cheap)."""
        key = (host, path)
        cached = self.responses.get(key)
        if cached is None:
            status, kind, body = self.route(host, path)
            reason = "OK" if status == 200 else "Not Found"
            head = (
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
            )
            cached = self.responses[key] = head.encode() + body
        return cached


class _Protocol(asyncio.Protocol):
    """One keep-alive connection: each request is answered `latency` seconds after it arrived."""

    def __init__(self, farm: Farm, host: int) -> None:
        self.farm, self.host = farm, host
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            line = self.buffer[: self.buffer.find(b"\r\n")].decode("latin-1")
            self.buffer = self.buffer[end + 4 :]
            parts = line.split(" ")
            response = self.farm.response(self.host, parts[1] if len(parts) > 1 else "/")
            loop.call_later(self.farm.latency, self._write, response)

    def _write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    asyncio.run(Farm(args.hosts, args.articles, args.latency).run())


if __name__ == "__main__":
    main()

"""Fetch + extract + store of N local pages, against a raw httpx + trafilatura baseline.

A separate process serves N fictional article pages (Arabic and English, generated from word
lists) on 127.0.0.1. Each round runs, in this process:

  baseline  httpx.Client GETs every page (one at a time) and trafilatura.bare_extraction()
  archiver  Pipeline.fetch_urls() with delay 0: robots.txt, WARC, dedup, files and SQLite index,
            once with [archive] fsync = true (the default) and once with it off

and reports wall time, pages/s, the ratio archiver/baseline and the archive's size per article.
The median of --rounds rounds is printed.

    python bench/fetch_bench.py --pages 200 --rounds 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import trafilatura

from archiver.config import FetchSettings, Settings
from archiver.pipeline import Pipeline
from archiver.store import Store

EN_WORDS = (
    "council residents water camp prices bread electricity farmers wheat school clinic road "
    "convoy market fuel diesel families village district report officials shortage winter "
    "summer harvest delivery hospital teachers students returnees shelter rent salaries"
).split()
AR_WORDS = (
    "المجلس الأهالي المياه المخيم الأسعار الخبز الكهرباء المزارعون القمح المدرسة المستوصف "
    "الطريق السوق الوقود المازوت العائلات القرية المنطقة التقرير المسؤولون النقص الشتاء "
    "الصيف الحصاد المستشفى المعلمون الطلاب العائدون المأوى الإيجار الرواتب"
).split()


def make_page(index: int) -> bytes:
    rng = random.Random(index)
    arabic = index % 2 == 1
    words = AR_WORDS if arabic else EN_WORDS
    paras = []
    for _ in range(rng.randint(4, 8)):
        sentences = [" ".join(rng.choices(words, k=rng.randint(12, 22))) for _ in range(3)]
        paras.append("<p>" + (". ".join(sentences)) + ".</p>")
    title = " ".join(rng.choices(words, k=7))
    lang = "ar" if arabic else "en"
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | '
        f'Bench Outlet</title><meta property="article:published_time" '
        f'content="2025-03-{index % 28 + 1:02d}T10:00:00+03:00"></head><body><nav><a href="/">'
        f"Home</a></nav><article><h1>{title}</h1>{''.join(paras)}</article><footer>© Bench "
        "Outlet</footer></body></html>"
    )
    return html.encode("utf-8")


def serve(pages: int, port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    bodies = {f"/news/{i}": make_page(i) for i in range(pages)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nDisallow: /private/\n", "text/plain"
            elif self.path in bodies:
                body, ctype = bodies[self.path], "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def run_baseline(urls: list[str]) -> float:
    started = time.perf_counter()
    with httpx.Client() as client:
        for url in urls:
            response = client.get(url)
            trafilatura.bare_extraction(response.text, url=url, with_metadata=True)
    return time.perf_counter() - started


def run_archiver(urls: list[str], settings: Settings, *, fsync: bool) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        started = time.perf_counter()
        with Store.open(root, write=True, fsync=fsync) as store:
            outcomes = list(Pipeline(settings, store).fetch_urls(urls))
        elapsed = time.perf_counter() - started
        stored = sum(1 for o in outcomes if o.status in ("stored", "duplicate"))
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return elapsed, stored, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.pages, ports), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    urls = [f"http://127.0.0.1:{port}/news/{i}" for i in range(args.pages)]
    fetch = replace(
        FetchSettings(),
        delay=0.0,
        concurrency=args.concurrency,
        per_host_concurrency=args.concurrency,
    )
    settings = Settings(fetch=fetch)

    base_times, arch_times, nosync_times, sizes = [], [], [], []
    for round_no in range(args.rounds):
        base = run_baseline(urls)
        elapsed, stored, size = run_archiver(urls, settings, fsync=True)
        nosync, _, _ = run_archiver(urls, settings, fsync=False)
        base_times.append(base)
        arch_times.append(elapsed)
        nosync_times.append(nosync)
        sizes.append(size)
        print(
            f"round {round_no + 1}: baseline {base:.2f} s, archiver {elapsed:.2f} s "
            f"({stored} stored), fsync off {nosync:.2f} s, archive {size / 1e6:.2f} MB"
        )
    server.terminate()

    base, arch, nosync, size = (
        statistics.median(x) for x in (base_times, arch_times, nosync_times, sizes)
    )
    print(f"\n{args.pages} pages, median of {args.rounds} rounds:")
    print(
        f"  baseline (httpx + trafilatura.bare_extraction): {base:.2f} s, "
        f"{args.pages / base:.1f} pages/s"
    )
    print(
        f"  archiver fetch (robots, extract, dedup, WARC, files, SQLite): {arch:.2f} s, "
        f"{args.pages / arch:.1f} pages/s"
    )
    print(f"  ratio archiver/baseline time: {arch / base:.2f}")
    print(
        f"  with [archive] fsync = false: {nosync:.2f} s, {args.pages / nosync:.1f} pages/s, "
        f"ratio {nosync / base:.2f}"
    )
    print(f"  archive size: {size / 1e6:.2f} MB ({size / args.pages / 1e3:.1f} kB per article)")


if __name__ == "__main__":
    main()
